//! Names and paths: characters, reserved names, length, and placeholder or system files.

use super::*;

/// Paths longer than this (in characters) break on Windows (MAX_PATH).
pub const MAX_PATH_CHARS: usize = 260;

/// The problems with a file or folder name, or `None` when it is safe. Fails for characters,
/// spaces and dots that break uploads; only warns for a leading dot (a hidden file).
pub fn name(name: &OsStr) -> Option<Issue> {
    let safe = safe_name(name);
    let fix = format!(
        "Rename it, e.g. to \"{safe}\" (`fieldfix preflight --fix-names` does it for you)."
    );
    let Some(text) = name.to_str() else {
        return Some(Issue::fail(
            Check::BadName,
            "the name is not valid text (it was probably made by an old program or unpacked \
             from an old ZIP file)",
            fix,
        ));
    };
    let mut reasons = failing_reasons(text);
    let severity = if reasons.is_empty() {
        Severity::Warn
    } else {
        Severity::Fail
    };
    if text.starts_with('.') {
        reasons
            .push("starts with a dot, so it is hidden and folder uploads may skip it".to_owned());
    }
    if reasons.is_empty() {
        return None;
    }
    Some(Issue::new(
        Check::BadName,
        severity,
        format!("the name {}", join_reasons(&reasons)),
        fix,
    ))
}

/// Why a name will fail an upload, in the order a person reads them; empty when nothing does.
pub(super) fn failing_reasons(text: &str) -> Vec<String> {
    let mut reasons = Vec::new();
    let mut bad: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| BAD_CHARS.contains(c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(|c| format!("{c}")).collect();
        reasons.push(format!("contains {}", list.join(" ")));
    }
    if text.chars().any(char::is_control) {
        reasons.push("contains invisible control characters".to_owned());
    }
    if text
        .chars()
        .any(|c| crate::safe::is_unsafe(c) && !c.is_control())
    {
        reasons.push(
            "contains characters that change the direction text is shown in, so the name is \
             not what it looks like (`x\u{202e}fdp.exe` shows as `xexe.pdf`)"
                .to_owned(),
        );
    }
    if text.starts_with(char::is_whitespace) {
        reasons.push("starts with a space".to_owned());
    }
    if text.ends_with(char::is_whitespace) {
        reasons.push("ends with a space".to_owned());
    }
    if text.ends_with('.') && !text.trim_matches('.').is_empty() {
        reasons.push("ends with a dot".to_owned());
    }
    if is_reserved(text) {
        reasons.push("is a name Windows reserves for devices".to_owned());
    }
    if text.len() > MAX_NAME_BYTES {
        reasons.push(format!(
            "is {} bytes long (more than {MAX_NAME_BYTES})",
            text.len()
        ));
    }
    reasons
}

pub(super) fn join_reasons(reasons: &[String]) -> String {
    match reasons {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A warning for a path longer than Windows allows (`chars` characters).
pub fn path_length(chars: usize) -> Option<Issue> {
    (chars > MAX_PATH_CHARS).then(|| {
        Issue::warn(
            Check::LongPath,
            format!("the path is {chars} characters long (Windows handles {MAX_PATH_CHARS})"),
            "Shorten the folder or file names, or move the folder closer to the top of the drive; \
             on Windows, downloading or syncing it will fail.",
        )
    })
}

/// An iCloud placeholder (`.Report.pdf.icloud`): the real file is in the cloud, not here.
pub fn icloud_placeholder(name: &OsStr) -> Option<Issue> {
    let text = name.to_str()?;
    let real = text.strip_prefix('.')?.strip_suffix(".icloud")?;
    (!real.is_empty()).then(|| {
        Issue::fail(
            Check::NotDownloaded,
            format!("an iCloud placeholder: \"{real}\" itself is not on this computer"),
            DOWNLOAD_FIRST,
        )
    })
}

/// Files that the operating system or an open Office document leave behind.
pub fn system_file(name: &OsStr) -> Option<Issue> {
    let text = name.to_str()?;
    let lower = text.to_ascii_lowercase();
    let what = if lower == ".ds_store" {
        "a Finder settings file (.DS_Store)"
    } else if lower == "thumbs.db" || lower == "desktop.ini" {
        "a Windows folder settings file"
    } else if text.starts_with("~$") {
        "an Office lock file (the document was open when it was copied)"
    } else if text.starts_with("._") {
        "a macOS resource file (._ file), not a document"
    } else {
        return None;
    };
    Some(Issue::warn(
        Check::SystemFile,
        format!("{what}, not a document"),
        "Leave it out of the upload (it is safe to delete from the copy you upload).",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::checks::test_support::*;

    #[test]
    fn bad_characters_fail_and_are_listed_once() {
        let issue = name(os("Q&A #2 & #3.pdf")).expect("a bad name");
        assert_eq!(issue.check, Check::BadName);
        assert_eq!(issue.severity, Severity::Fail);
        assert_eq!(issue.problem, "the name contains & #");
        assert!(issue.fix.contains("\"Q_A _2 _ _3.pdf\""), "{}", issue.fix);
        for c in BAD_CHARS {
            let n = format!("a{c}b.txt");
            assert!(name(os(&n)).is_some(), "{n} should be flagged");
        }
    }

    #[test]
    fn spaces_dots_control_characters_and_reserved_names_fail() {
        for (n, words) in [
            (" lead.pdf", "starts with a space"),
            ("trail.pdf ", "ends with a space"),
            ("trail.pdf.", "ends with a dot"),
            ("tab\there.pdf", "control characters"),
            ("CON.txt", "Windows reserves"),
            ("lpt1", "Windows reserves"),
        ] {
            let issue = name(os(n)).unwrap_or_else(|| panic!("{n:?} should be flagged"));
            assert_eq!(issue.severity, Severity::Fail, "{n:?}");
            assert!(issue.problem.contains(words), "{n:?}: {}", issue.problem);
        }
        let long = format!("{}.pdf", "a".repeat(252));
        assert!(name(os(&long)).unwrap().problem.contains("256 bytes long"));
        assert_eq!(name(os(&format!("{}.pdf", "a".repeat(251)))), None);
    }

    #[test]
    fn a_leading_dot_only_warns_and_good_names_pass() {
        let issue = name(os(".env")).expect("hidden");
        assert_eq!(issue.severity, Severity::Warn);
        assert!(issue.problem.contains("hidden"));
        for good in [
            "Report 2024-05 (final).pdf",
            "IMG_0001.JPG",
            "plan_v2+notes.dwg",
            "Ärger.txt",
            "console.log",
        ] {
            assert_eq!(name(os(good)), None, "{good}");
        }
        let issue = name(os("a b #1 .")).expect("several reasons");
        assert_eq!(issue.problem, "the name contains # and ends with a dot");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_text_fail() {
        use std::os::unix::ffi::OsStrExt;
        let issue = name(OsStr::from_bytes(b"caf\xe9.pdf")).expect("not UTF-8");
        assert_eq!(issue.severity, Severity::Fail);
        assert!(issue.problem.contains("not valid text"));
    }

    #[test]
    fn long_paths_warn_above_260_characters() {
        assert_eq!(path_length(260), None);
        let issue = path_length(261).expect("too long");
        assert_eq!(
            (issue.check, issue.severity),
            (Check::LongPath, Severity::Warn)
        );
        assert!(issue.problem.contains("261 characters"));
    }

    #[test]
    fn icloud_placeholders_and_system_files_are_recognised() {
        let issue = icloud_placeholder(os(".Site plan.pdf.icloud")).expect("placeholder");
        assert_eq!(issue.severity, Severity::Fail);
        assert!(issue.problem.contains("\"Site plan.pdf\""));
        assert!(issue.fix.contains("Download it locally first"));
        assert_eq!(icloud_placeholder(os("notes.icloud")), None);
        assert_eq!(icloud_placeholder(os(".icloud")), None);
        for junk in [
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "~$budget.xlsx",
            "._IMG_1.jpg",
        ] {
            assert_eq!(
                system_file(os(junk)).map(|i| i.check),
                Some(Check::SystemFile),
                "{junk}"
            );
        }
        assert_eq!(system_file(os("budget.xlsx")), None);
    }
}
