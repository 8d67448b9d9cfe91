//! Speed benchmarks (`cargo bench`): loading guides, one diagnosis, one search over 1,000
//! guides, and a whole `fieldfix diagnose` process against a Rust hello-world process.
//! Figures, not pass/fail: the targets are in README.md.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use fieldfix::engine::{self, Situation};

/// Runs `f` repeatedly for about a second and returns the median time of one run.
fn measure<T>(name: &str, mut f: impl FnMut() -> T) -> Duration {
    let mut times = Vec::new();
    let start = Instant::now();
    while times.len() < 5 || (start.elapsed() < Duration::from_secs(1) && times.len() < 10_000) {
        let t = Instant::now();
        black_box(f());
        times.push(t.elapsed());
    }
    times.sort();
    let median = times[times.len() / 2];
    println!("{name:<48} {:>12.3?}  (median of {})", median, times.len());
    median
}

/// Writes `n` guides, copies of a built-in one under new ids, into `dir`.
fn generate(dir: &Path, n: usize) {
    let template = fieldfix::guides::embedded::sources()
        .into_iter()
        .find(|s| s.stem == "photos-not-uploading")
        .expect("built-in photos guide");
    for i in 0..n {
        let id = format!("generated-{i:04}");
        let text = template
            .text
            .replacen("id: photos-not-uploading", &format!("id: {id}"), 1)
            .replace("aliases: [photos]", &format!("aliases: [gen{i}]"));
        let path = dir.join(format!("{id}.yaml"));
        std::fs::write(&path, text).expect("write guide");
        // Old enough to be cached (files changed in the last two seconds are not).
        let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        let file = std::fs::File::options()
            .write(true)
            .open(&path)
            .expect("open guide");
        file.set_modified(hour_ago).expect("set mtime");
    }
}

fn bin(name: &str) -> PathBuf {
    // benches run from target/release/deps; the binaries are one level up.
    let exe = std::env::current_exe().expect("bench path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    dir.join(format!("{name}{}", std::env::consts::EXE_SUFFIX))
}

fn main() {
    let library = fieldfix::guides::load(None).expect("built-in guides load");
    measure("load the built-in guides", || {
        fieldfix::guides::load(None).map(|l| l.guides.len())
    });

    let dir = tempfile::tempdir().expect("temp dir");
    generate(dir.path(), 1000);
    let first = Instant::now();
    let big = fieldfix::guides::load(Some(dir.path())).expect("generated guides load");
    println!(
        "{:<48} {:>12.3?}  (parse YAML and validate, once)",
        "load 1,000 generated guides, first time",
        first.elapsed()
    );
    measure("load 1,000 generated guides, cached", || {
        fieldfix::guides::load(Some(dir.path())).map(|l| l.guides.len())
    });
    // The cache lives in the user's cache folder (or FIELDFIX_CACHE_DIR): leave nothing behind.
    if let Some(file) = fieldfix::guides::cache::file_for(dir.path()) {
        let _ = std::fs::remove_file(file);
    }

    let guide = library.guide("photos-not-uploading").expect("photos guide");
    let mut situation = Situation::default();
    situation.answers.insert("device".into(), "ios".into());
    situation.answers.insert("network".into(), "weak".into());
    measure("one diagnosis (photos, ios, weak)", || {
        engine::diagnose(&library.context, guide, &situation)
    });
    measure("one search over 1,016 guides", || {
        fieldfix::search::search(&big, "pics stuck uploading on ipad")
    });

    let fieldfix = bin("fieldfix");
    let hello = bin("examples/hello");
    if fieldfix.exists() && hello.exists() {
        processes(&hello, &fieldfix);
    } else {
        eprintln!(
            "(build the binaries first for the process comparison: cargo build --release --bin fieldfix --example hello)"
        );
    }
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
    println!("(target: a diagnose process at most 2x a hello-world process)");
}
