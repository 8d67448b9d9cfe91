//! A Rust hello-world, the baseline `cargo bench` compares a fieldfix process against.
#![allow(clippy::print_stdout)]

fn main() {
    println!("hello");
}
