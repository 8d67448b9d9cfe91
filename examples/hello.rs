//! A Rust hello-world, the baseline `examples/startup.rs` compares fieldfix processes against.
#![allow(clippy::print_stdout)]

fn main() {
    println!("hello");
}
