//! Speed benchmarks (`cargo bench`): loading guides, one diagnosis, one search over 1,000
//! guides, in-process and as a whole `fieldfix search` process. Other whole processes are
//! timed by `examples/startup.rs`.
//! Figures, not pass/fail: the targets are in README.md.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::hint::black_box;
use std::path::Path;
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
        std::fs::write(dir.join(format!("{id}.yaml")), text).expect("write guide");
    }
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

    let guide = library.guide("photos-not-uploading").expect("photos guide");
    let mut situation = Situation::default();
    situation.answers.insert("device".into(), "ios".into());
    situation.answers.insert("network".into(), "weak".into());
    measure("one diagnosis (photos, ios, weak)", || {
        engine::diagnose(&library.context, guide, &situation)
    });
    // The first search of a process builds the index of the guides; later ones reuse it.
    let first = Instant::now();
    black_box(fieldfix::search::search(&big, "photos will not upload"));
    println!(
        "{:<48} {:>12.3?}  (builds the index, once a process)",
        "first search over 1,016 guides",
        first.elapsed()
    );
    measure("one search over 1,016 guides", || {
        fieldfix::search::search(&big, "pics stuck uploading on ipad")
    });

    // The whole command, as a user runs it: the first run keeps the folder's search index with
    // the guide cache, later ones read only that.
    let search = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_fieldfix"))
            .args(["search", "pics stuck uploading on ipad", "--guides"])
            .arg(dir.path())
            .output()
            .expect("fieldfix runs")
    };
    assert!(search().status.success(), "fieldfix search failed");
    measure("a whole `fieldfix search` process, 1,016 guides", search);

    // The cache lives in the user's cache folder (or FIELDFIX_CACHE_DIR): leave nothing behind.
    use fieldfix::guides::cache;
    for file in [cache::file_for(dir.path()), cache::index_file(dir.path())] {
        let _ = file.map(std::fs::remove_file);
    }
}
