//! The spinner `preflight` shows on stderr while it walks: the files checked so far and the
//! time taken, redrawn by a thread of its own on one line, which is cleared when the walk ends.
//!
//! console does the terminal's part (clearing the line, its width). indicatif did all of it
//! before, but its rate estimate calls `f64::powf`, which made every fieldfix process load the
//! system's libm at start (0.2 ms) for a spinner only `preflight` shows.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use console::Term;

/// How often the line is redrawn.
const TICK: Duration = Duration::from_millis(120);

/// The spinner's frames: ASCII, which every console can show.
const FRAMES: [char; 4] = ['|', '/', '-', '\\'];

/// Redraws the spinner on `term` every [`TICK`] until `stop` is sent to or dropped, then
/// clears its line. The first line comes after one tick, so a quick walk shows nothing.
pub(super) fn spin(term: &Term, files: &AtomicU64, stop: Receiver<()>) {
    let start = Instant::now();
    let mut drawn = false;
    for frame in FRAMES.iter().cycle() {
        if stop.recv_timeout(TICK) != Err(RecvTimeoutError::Timeout) {
            break;
        }
        let text = line(*frame, files.load(Ordering::Relaxed), start.elapsed());
        // One column short of the width: a line that fills it wraps on some terminals, and
        // clearing would then leave the first row behind.
        let width = usize::from(term.size().1).saturating_sub(1);
        // A terminal that stops taking writes is no reason to stop the walk.
        let _ = term
            .clear_line()
            .and_then(|()| term.write_str(&console::truncate_str(&text, width, "")));
        drawn = true;
    }
    if drawn {
        let _ = term.clear_line();
    }
}

/// `| checked 1,204 files (1m 05s)`.
fn line(frame: char, files: u64, elapsed: Duration) -> String {
    let noun = if files == 1 { "file" } else { "files" };
    format!(
        "{frame} checked {} {noun} ({})",
        thousands(files),
        duration(elapsed)
    )
}

/// `1204` as `1,204`.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// Whole seconds as `7s`, `1m 05s` or `2h 03m`.
fn duration(elapsed: Duration) -> String {
    let s = elapsed.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, s) => format!("{s}s"),
        (0, m, s) => format!("{m}m {s:02}s"),
        (h, m, _) => format!("{h}h {m:02}m"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the spinner on a terminal that writes to a file, stops it once `ready` says so
    /// from what it wrote so far, and returns all it wrote.
    #[cfg(unix)]
    fn spin_until(files: u64, ready: impl Fn(&str) -> bool) -> String {
        let out = tempfile::NamedTempFile::new().expect("temporary file");
        let read = std::fs::File::open(out.path()).expect("read side");
        let term = Term::read_write_pair(read, out.reopen().expect("write side"));
        let files = AtomicU64::new(files);
        let written = || std::fs::read_to_string(out.path()).expect("read what was written");
        let (stop, stopped) = std::sync::mpsc::channel();
        std::thread::scope(|scope| {
            let (term, files) = (&term, &files);
            scope.spawn(move || spin(term, files, stopped));
            // However slow the machine: the deadline only ends a test that is failing.
            let deadline = Instant::now() + Duration::from_secs(30);
            while !ready(&written()) && Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(10));
            }
            drop(stop);
        });
        written()
    }

    #[cfg(unix)]
    #[test]
    fn the_spinner_shows_the_count_then_clears_its_line() {
        let written = spin_until(1204, |w| w.contains("files"));
        assert!(
            written.starts_with("\r\u{1b}[2K| checked 1,204 files (0s)"),
            "{written:?}"
        );
        assert!(written.ends_with(")\r\u{1b}[2K"), "{written:?}");
    }

    #[cfg(unix)]
    #[test]
    fn a_walk_stopped_before_the_first_tick_shows_nothing() {
        assert_eq!(spin_until(3, |_| true), "");
    }

    #[test]
    fn counts_are_grouped_by_thousands() {
        let cases = [
            (0, "0"),
            (7, "7"),
            (999, "999"),
            (1000, "1,000"),
            (12_345, "12,345"),
            (1_234_567, "1,234,567"),
        ];
        for (n, shown) in cases {
            assert_eq!(thousands(n), shown, "{n}");
        }
    }

    #[test]
    fn durations_are_short_and_whole() {
        let cases = [
            (0, "0s"),
            (59, "59s"),
            (60, "1m 00s"),
            (65, "1m 05s"),
            (3599, "59m 59s"),
            (3600, "1h 00m"),
            (7380, "2h 03m"),
        ];
        for (secs, shown) in cases {
            assert_eq!(duration(Duration::from_secs(secs)), shown, "{secs}");
        }
        assert_eq!(duration(Duration::from_millis(1999)), "1s");
    }

    #[test]
    fn the_line_names_the_count_and_the_time() {
        assert_eq!(
            line('/', 1204, Duration::from_secs(65)),
            "/ checked 1,204 files (1m 05s)"
        );
        assert_eq!(
            line('|', 1, Duration::from_secs(0)),
            "| checked 1 file (0s)"
        );
    }
}
