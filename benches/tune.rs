//! `fieldfix tune` at scale (`cargo bench --bench tune`): writes an outcome log of
//! `TUNE_SESSIONS` sessions (default 1,000,000, a large company's year) over the built-in
//! guides, then runs the release `fieldfix tune` on it as its own process and reports its wall
//! time and peak memory (the child's maximum resident set size). Figures, not pass/fail: the
//! target (under 20 s and 200 MB) is in README.md.
//!
//! The sessions: 20,000 walks drawn first (a guide, the shared answers at random, the engine's
//! steps in its order, each not helping until one fixes it or four did not and a ticket is
//! written), then each session one of them, with its own id and time over a year; one in
//! twenty was saved first and resumed later, so it is logged twice.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

use fieldfix::engine::{self, Situation};
use fieldfix::guides::model::Library;
use fieldfix::outcomes::{Ending, RECORD_VERSION, Record, StepOutcome, StepResult, guide_hash};

/// The same log on every run and machine.
mod support;
use support::Rng;

/// One walk: a guide, its answers, the steps with their results, and how it ended.
struct Walk {
    guide: String,
    hash: String,
    answers: BTreeMap<String, String>,
    steps: Vec<StepOutcome>,
    outcome: Ending,
}

fn walks(library: &Library, n: usize, rng: &mut Rng) -> Vec<Walk> {
    let hashes: Vec<String> = library.guides.iter().map(guide_hash).collect();
    let mut walks = Vec::with_capacity(n);
    while walks.len() < n {
        let g = rng.below(library.guides.len());
        let guide = &library.guides[g];
        let mut situation = Situation::default();
        for q in &library.context {
            let option = &q.options[rng.below(q.options.len())];
            situation.answers.insert(q.id.clone(), option.value.clone());
        }
        if engine::check_situation(&library.context, guide, &situation).is_err() {
            continue;
        }
        let plan = engine::diagnose(&library.context, guide, &situation);
        let fixed_at = rng.below(6);
        let mut steps = Vec::new();
        let mut outcome = Ending::Ticket;
        for (i, step) in plan.steps.iter().take(4).enumerate() {
            let result = if i == fixed_at {
                StepResult::Fixed
            } else {
                StepResult::DidNotHelp
            };
            steps.push(StepOutcome {
                step: step.id.clone(),
                result,
            });
            if result == StepResult::Fixed {
                outcome = Ending::Fixed;
                break;
            }
        }
        walks.push(Walk {
            guide: guide.id.clone(),
            hash: hashes[g].clone(),
            answers: situation.answers,
            steps,
            outcome,
        });
    }
    walks
}

/// Writes the log as `files` JSON Lines files in `dir`; returns the records written.
fn write_log(dir: &std::path::Path, library: &Library, sessions: usize, files: usize) -> usize {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let walks = walks(library, 20_000, &mut rng);
    let mut outs: Vec<_> = (0..files)
        .map(|i| {
            let file = std::fs::File::create(dir.join(format!("crew-{i:03}.jsonl"))).unwrap();
            std::io::BufWriter::new(file)
        })
        .collect();
    let mut written = 0;
    for i in 0..sessions {
        let walk = &walks[rng.below(walks.len())];
        let second = i as i64 * 31_536_000 / sessions.max(1) as i64;
        let mut record = Record {
            record: RECORD_VERSION,
            fieldfix: env!("CARGO_PKG_VERSION").to_owned(),
            guide: walk.guide.clone(),
            guide_hash: walk.hash.clone(),
            session: format!("s{i:08x}-{:04x}", rng.below(1 << 16)),
            answers: walk.answers.clone(),
            unknown: Vec::new(),
            steps: walk.steps.clone(),
            switches: Vec::new(),
            outcome: walk.outcome,
            minutes: 3.0 + rng.below(40) as f64,
            at: at(1_767_225_600 + second),
        };
        let out = &mut outs[i % files];
        if i % 20 == 0 {
            // Saved after its first step, resumed an hour later.
            let mut saved = record.clone();
            saved.steps.truncate(1);
            saved.outcome = Ending::Saved;
            writeln!(out, "{}", serde_json::to_string(&saved).unwrap()).unwrap();
            record.at = at(1_767_225_600 + second + 3600);
            written += 1;
        }
        writeln!(out, "{}", serde_json::to_string(&record).unwrap()).unwrap();
        written += 1;
    }
    for mut out in outs {
        out.flush().unwrap();
    }
    written
}

/// Seconds since 1970 as a record's `at`.
fn at(second: i64) -> String {
    jiff::Timestamp::from_second(second).unwrap().to_string()
}

/// The peak resident memory of the children waited for so far, in MiB (Linux and macOS).
#[cfg(unix)]
fn children_peak_mib() -> Option<f64> {
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).ok()?;
    // Kilobytes on Linux, bytes on macOS.
    let bytes = if cfg!(target_os = "macos") {
        usage.max_rss() as f64
    } else {
        usage.max_rss() as f64 * 1024.0
    };
    Some(bytes / (1024.0 * 1024.0))
}

#[cfg(not(unix))]
fn children_peak_mib() -> Option<f64> {
    None
}

fn main() {
    let sessions = support::count("TUNE_SESSIONS", 1_000_000);
    let library = fieldfix::guides::load(None).expect("built-in guides load");
    let dir = tempfile::tempdir().expect("temp dir");
    let start = Instant::now();
    let records = write_log(dir.path(), &library, sessions, 16);
    let bytes: u64 = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().metadata().unwrap().len())
        .sum();
    println!(
        "wrote {sessions} sessions ({records} records, {:.0} MB in 16 files) in {:.1?}",
        bytes as f64 / 1e6,
        start.elapsed()
    );
    let state = tempfile::tempdir().expect("state dir");
    let start = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_fieldfix"))
        .args(["tune", "--format", "json"])
        .arg(dir.path())
        .env("FIELDFIX_STATE_DIR", state.path())
        .stderr(Stdio::inherit())
        .output()
        .expect("run fieldfix tune");
    let elapsed = start.elapsed();
    assert!(out.status.success(), "fieldfix tune failed: {}", out.status);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).expect("tune's JSON");
    println!(
        "tune read {} records: {} sessions, {} used, {} unfinished, over {} guides",
        doc["records"],
        doc["sessions"],
        doc["used"],
        doc["unfinished"],
        doc["guides"].as_array().map_or(0, Vec::len)
    );
    let peak = children_peak_mib().map_or("unknown".to_owned(), |m| format!("{m:.0} MiB"));
    println!(
        "fieldfix tune, {sessions} sessions: {:.1} s, peak memory {peak} (target: under 20 s and 200 MB)",
        elapsed.as_secs_f64()
    );
}
