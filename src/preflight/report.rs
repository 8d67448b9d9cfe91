//! The preflight output for people: a text summary grouped by problem, the renames, and the
//! undo. The JSON documents for scripts are in `output::json`.

use std::fmt::Write;
use std::path::Path;

use super::names::{Rename, Undone};
use super::{Finding, Renames, Scan, Severity};
use crate::output::{Paint, thousands};
use crate::safe;

/// Serializes a path as text, replacing what is not valid Unicode.
pub(super) fn lossy_path<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&path.to_string_lossy())
}

fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

/// The text report: what was checked, then each kind of problem with its files and what to
/// do, then a one-line verdict.
pub fn render_text(scan: &Scan, p: &Paint) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "Checked {} in {}.",
        plural(scan.files, "file", "files"),
        plural(scan.folders, "folder", "folders")
    );
    for group in scan.findings.chunk_by(|a, b| a.check == b.check) {
        group_text(&mut out, group, p);
    }
    if scan.links_skipped > 0 {
        let links = plural(
            scan.links_skipped,
            "symbolic link was",
            "symbolic links were",
        );
        let note =
            format!("{links} not followed (add --follow-links to check what they point to).");
        let _ = writeln!(out, "\n{}", p.wrap(&note, "", ""));
    }
    let failing = scan.failing() as u64;
    let at_risk = scan.at_risk() as u64;
    let verdict = if failing > 0 {
        let also = if at_risk > 0 {
            format!(", {} at risk", thousands(at_risk))
        } else {
            String::new()
        };
        // Folders (a bad folder name) are counted as folders, not as files.
        let folders = scan
            .paths(|f| f.severity == Severity::Fail)
            .into_iter()
            .filter(|path| path.symlink_metadata().is_ok_and(|m| m.is_dir()))
            .count() as u64;
        let what = match (failing - folders, folders) {
            (files, 0) => plural(files, "file", "files"),
            (0, folders) => plural(folders, "folder", "folders"),
            (files, folders) => format!(
                "{} and {}",
                plural(files, "file", "files"),
                plural(folders, "folder", "folders")
            ),
        };
        format!(
            "{} {what} will fail{also}. Fix {} before uploading.",
            p.bad("failed:"),
            if failing == 1 { "it" } else { "them" }
        )
    } else if at_risk > 0 {
        format!(
            "{} nothing will fail; {} at risk (see above).",
            p.warn("ok:"),
            plural(at_risk, "file is", "files are")
        )
    } else {
        format!("{} nothing will fail.", p.good("ok:"))
    };
    let _ = writeln!(out, "\n{verdict}");
    out
}

fn group_text(out: &mut String, group: &[Finding], p: &Paint) {
    let Some(first) = group.first() else {
        return;
    };
    let _ = writeln!(
        out,
        "\n{} ({})",
        p.heading(first.check.title()),
        group.len()
    );
    let shared_fix = group.iter().all(|f| f.fix == first.fix);
    let what_to_do = |out: &mut String, fix: &str, indent: &str| {
        let fix = format!("What to do: {}", safe::text(fix));
        let _ = writeln!(out, "{}", p.wrap(&fix, indent, indent));
    };
    for f in group {
        let tag = match f.severity {
            Severity::Fail => p.bad("FAIL"),
            Severity::Warn => p.warn("WARN"),
        };
        let _ = writeln!(out, "  {tag}  {}", safe::path(&f.path));
        let _ = writeln!(
            out,
            "{}",
            p.wrap(&safe::text(&f.problem), "        ", "        ")
        );
        if !shared_fix {
            what_to_do(out, &f.fix, "        ");
        }
    }
    if shared_fix {
        what_to_do(out, &first.fix, "  ");
    }
}

/// The renames, planned or made, after the report.
pub fn renames_text(renames: &Renames, p: &Paint) -> String {
    let mut out = String::new();
    let line = |out: &mut String, r: &Rename, note: &str| {
        let name = safe::path(Path::new(r.to.file_name().unwrap_or_default()));
        let _ = writeln!(out, "  {}  ->  {name}{note}", safe::path(&r.from));
    };
    match renames {
        Renames::Planned(plan) if plan.is_empty() => {
            let _ = writeln!(out, "\nNo names to fix.");
        }
        Renames::Planned(plan) => {
            let _ = writeln!(
                out,
                "\n{} (dry run: nothing was renamed; add --apply to rename)",
                p.heading("Safe names")
            );
            for r in plan {
                line(&mut out, r, "");
            }
        }
        Renames::Applied(applied) => {
            let renamed = plural(
                applied.done.len() as u64,
                "file or folder",
                "files and folders",
            );
            let _ = writeln!(out, "\n{}", p.heading(&format!("Renamed {renamed}")));
            for r in &applied.done {
                line(&mut out, r, "");
            }
            for (r, why) in &applied.failed {
                line(
                    &mut out,
                    r,
                    &format!("  {} {}", p.bad("NOT RENAMED:"), safe::line(why)),
                );
            }
            let list = safe::path(&applied.undo_list);
            let note = format!(
                "Undo list: {list} (`fieldfix preflight --undo {list}` puts the old names back)."
            );
            let _ = writeln!(out, "{}", p.wrap(&note, "", ""));
        }
    }
    out
}

/// `--undo` as text: each name put back (or not), then a count.
pub fn undo_text(undone: &[Undone], p: &Paint) -> String {
    let mut out = String::new();
    let (mut restored, mut failed) = (0u64, 0u64);
    for u in undone {
        match u {
            Undone::Restored(r) => {
                restored += 1;
                let _ = writeln!(
                    out,
                    "  restored  {}  ->  {}",
                    safe::path(&r.to),
                    safe::path(&r.from)
                );
            }
            Undone::AlreadyRestored(r) => {
                let _ = writeln!(out, "  already back  {}", safe::path(&r.from));
            }
            Undone::Failed(r, why) => {
                failed += 1;
                let _ = writeln!(
                    out,
                    "  {}  {}: {}",
                    p.bad("NOT RESTORED"),
                    safe::path(&r.from),
                    safe::line(why)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "\nRestored {}{}.",
        plural(restored, "name", "names"),
        if failed > 0 {
            format!("; {} could not be restored", thousands(failed))
        } else {
            String::new()
        }
    );
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::preflight::Check::{self, Empty, Large};
    use Severity::{Fail, Warn};

    fn finding(path: &str, check: Check, severity: Severity, fix: &str) -> Finding {
        Finding {
            path: PathBuf::from(path),
            severity,
            check,
            problem: format!("problem with {path}"),
            fix: fix.to_owned(),
        }
    }

    #[test]
    fn text_groups_by_problem_with_a_shared_fix_once() {
        let mut scan = Scan {
            findings: vec![
                finding("a/empty1.jpg", Empty, Fail, "Get it again."),
                finding("a/empty2.jpg", Empty, Fail, "Get it again."),
                finding("big.mov", Large, Warn, "Compress it."),
                finding("a/empty1.jpg", Large, Warn, "Split it."),
            ],
            files: 1200,
            folders: 3,
            links_skipped: 2,
        };
        scan.sort();
        let text = render_text(&scan, &Paint::plain());
        assert!(
            text.starts_with("Checked 1,200 files in 3 folders.\n"),
            "{text}"
        );
        let empty = text.find("Empty files (2)").expect("empty group");
        let large = text.find("Large files (2)").expect("large group");
        assert!(empty < large);
        assert_eq!(
            text.matches("What to do: Get it again.").count(),
            1,
            "{text}"
        );
        assert!(text.contains("  FAIL  a/empty1.jpg\n        problem with a/empty1.jpg\n"));
        assert!(text.contains("        What to do: Split it.\n"), "{text}");
        assert!(text.contains("2 symbolic links were not followed"));
        // Two files fail; big.mov only warns (a/empty1.jpg's warning does not count twice).
        assert!(
            text.ends_with("failed: 2 files will fail, 1 at risk. Fix them before uploading.\n"),
            "{text}"
        );
    }

    #[test]
    fn text_without_failures_says_so() {
        let scan = Scan {
            findings: vec![finding("big.mov", Large, Warn, "x")],
            files: 1,
            ..Scan::default()
        };
        let text = render_text(&scan, &Paint::plain());
        assert!(text.starts_with("Checked 1 file in 0 folders."));
        assert!(
            text.ends_with("ok: nothing will fail; 1 file is at risk (see above).\n"),
            "{text}"
        );
        assert!(!text.contains("symbolic"));
        let clean = render_text(&Scan::default(), &Paint::plain());
        assert!(clean.ends_with("ok: nothing will fail.\n"));
    }
}
