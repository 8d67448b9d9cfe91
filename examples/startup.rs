//! Times whole processes: `fieldfix --version` and `fieldfix diagnose` against a Rust
//! hello-world (`examples/hello.rs`). Figures, not pass/fail: the target is in README.md.
//!
//! It times `target/release/fieldfix` as `cargo build --release` makes it, the binary users
//! get. `cargo bench` and `cargo test` build that path with the test features as well (and
//! Unicode tables the tests' dependencies ask for), which makes it slower to start, so:
//!
//! ```sh
//! cargo build --release --example hello && cargo build --release
//! cargo run --release --example startup
//! ```
//!
//! Both are timed as cargo wrote them. A binary fresh from the linker can start 0.1 to 0.5 ms
//! slower than a `cp` of itself (the page cache holds them differently), so to compare two
//! builds, copy both the same way and time the copies.
#![allow(clippy::print_stdout)]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    let exe = std::env::current_exe().expect("own path");
    // target/release/examples/startup: the binaries are one and two levels up.
    let examples = exe.parent().expect("examples folder");
    let release = examples.parent().expect("release folder");
    let hello = with_suffix(examples.join("hello"));
    let fieldfix = with_suffix(release.join("fieldfix"));
    for path in [&hello, &fieldfix] {
        if !path.exists() {
            println!(
                "{} is missing: cargo build --release --example hello && cargo build --release",
                path.display()
            );
            return ExitCode::from(2);
        }
    }
    processes(&hello, &fieldfix);
    ExitCode::SUCCESS
}

fn with_suffix(path: PathBuf) -> PathBuf {
    path.with_extension(std::env::consts::EXE_EXTENSION)
}

/// Whole processes against a Rust hello-world process, output captured as a script would.
/// They take turns, round after round, so that a machine that gets busier or quieter during
/// the run moves every figure alike; each figure is the median of its rounds.
fn processes(hello: &Path, fieldfix: &Path) {
    let diagnose = ["diagnose", "photos", "--device", "ios", "--network", "weak"];
    let json: Vec<&str> = diagnose
        .iter()
        .copied()
        .chain(["--format", "json"])
        .collect();
    let runs: [(&str, &Path, &[&str]); 4] = [
        ("process: Rust hello-world", hello, &[]),
        ("process: fieldfix --version", fieldfix, &["--version"]),
        (
            "process: fieldfix diagnose photos (text)",
            fieldfix,
            &diagnose,
        ),
        (
            "process: fieldfix diagnose photos --format json",
            fieldfix,
            &json,
        ),
    ];
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); runs.len()];
    let start = Instant::now();
    while times[0].len() < 20
        || (start.elapsed() < Duration::from_secs(4) && times[0].len() < 2_000)
    {
        for ((_, cmd, args), times) in runs.iter().zip(&mut times) {
            let t = Instant::now();
            let output = Command::new(cmd).args(*args).output().expect("run process");
            times.push(t.elapsed());
            assert!(output.status.success(), "{} failed", cmd.display());
        }
    }
    let medians: Vec<Duration> = times
        .iter_mut()
        .map(|t| {
            t.sort();
            t[t.len() / 2]
        })
        .collect();
    for ((name, _, _), median) in runs.iter().zip(&medians) {
        println!(
            "{name:<48} {median:>12.3?}  ({:.2}x hello-world, median of {} rounds)",
            median.as_secs_f64() / medians[0].as_secs_f64(),
            times[0].len()
        );
    }
    println!("(target: a diagnose process within 3x a hello-world process and under 5 ms)");
}
