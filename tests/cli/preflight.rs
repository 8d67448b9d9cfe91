//! `fieldfix preflight` through the real binary: real fixture files in a temporary folder (empty,
//! badly named, encrypted PDFs made with lopdf, a PNG named .jpg, a cut-off JPEG, an iCloud
//! placeholder, sparse big files), each finding and the exit code checked; renaming that never
//! overwrites and an undo that puts the names back; the JSON document.

use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::support::{Test, assert_has, assert_lacks, jpeg, pdf, png, undo_lists};

/// A folder of fixture files, and a separate state folder the binary runs in (where undo lists
/// go).
struct Tree {
    dir: tempfile::TempDir,
    state: tempfile::TempDir,
}

impl Tree {
    fn new() -> Self {
        Tree {
            dir: tempfile::tempdir().expect("temp dir"),
            state: tempfile::tempdir().expect("state dir"),
        }
    }

    fn root(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `rel` (creating folders) with `bytes`; returns its path.
    fn file(&self, rel: &str, bytes: &[u8]) -> PathBuf {
        let path = self.root().join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folders");
        }
        std::fs::write(&path, bytes).expect("write fixture");
        path
    }

    /// A file of `len` bytes that starts with real data and is sparse after it.
    fn big(&self, rel: &str, len: u64) -> PathBuf {
        let path = self.file(rel, &[b'x'; 8192]);
        let file = std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .expect("open");
        file.set_len(len).expect("set_len");
        path
    }

    /// A run in this tree's state folder.
    fn cmd(&self) -> Test {
        Test::new().state(self.state.path())
    }

    /// `preflight --format json` on the tree with extra flags: the document and the exit code.
    fn json(&self, flags: &[&str]) -> (Value, i32) {
        let out = self
            .cmd()
            .arg("preflight")
            .arg(self.root())
            .args(flags)
            .args(["--format", "json"])
            .output();
        (out.json(), out.code)
    }

    /// `preflight` as text: stdout and the exit code.
    fn text(&self, flags: &[&str]) -> (String, i32) {
        let out = self
            .cmd()
            .arg("preflight")
            .arg(self.root())
            .args(flags)
            .output();
        (out.stdout, out.code)
    }
}

/// The findings for the file whose path ends with `rel`, as `check severity`.
fn findings(doc: &Value, rel: &str) -> Vec<String> {
    doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| Path::new(f["path"].as_str().expect("path")).ends_with(rel))
        .map(|f| {
            format!(
                "{} {}",
                f["check"].as_str().expect("check"),
                f["severity"].as_str().expect("severity")
            )
        })
        .collect()
}

/// Asserts that the only finding for `rel` is `expected` (`check severity`), and that its
/// problem says `words`.
#[track_caller]
fn assert_only(doc: &Value, rel: &str, expected: &str, words: &str) {
    assert_eq!(findings(doc, rel), [expected], "{rel}");
    let check = expected.split(' ').next().expect("a check");
    assert_has(says(doc, rel, check, "problem"), &[words]);
}

/// No findings, for [`findings`].
const NONE: [&str; 0] = [];

/// The single finding of `check` for `rel`.
fn finding<'a>(doc: &'a Value, rel: &str, check: &str) -> &'a Value {
    let all: Vec<&Value> = doc["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .filter(|f| {
            Path::new(f["path"].as_str().expect("path")).ends_with(rel) && f["check"] == check
        })
        .collect();
    assert_eq!(all.len(), 1, "one {check} finding for {rel} in {doc:#}");
    all[0]
}

/// The `problem` or `fix` text of the single finding of `check` for `rel`.
fn says<'a>(doc: &'a Value, rel: &str, check: &str, field: &str) -> &'a str {
    finding(doc, rel, check)[field].as_str().expect("text")
}

// ---------------------------------------------------------------------------------------------
// Findings

#[test]
fn good_files_pass_with_exit_0() {
    let t = Tree::new();
    t.file("photos/IMG_0001.jpg", &jpeg(true));
    t.file("photos/sketch.png", &png(true));
    t.file("drawings/A-101 Floor plan.pdf", &pdf("", None));
    t.file("notes.txt", b"pour on Monday");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["ok"], true);
    assert_eq!(doc["findings"], serde_json::json!([]));
    assert_eq!(doc["checked"]["files"], 4);
    // The root and its two subfolders.
    assert_eq!(doc["checked"]["folders"], 3);
    let (text, code) = t.text(&[]);
    assert_eq!(code, 0);
    assert!(text.starts_with("Checked 4 files in 3 folders."), "{text}");
    assert!(text.ends_with("ok: nothing will fail.\n"), "{text}");
}

#[test]
fn empty_files_and_icloud_placeholders_fail_with_download_first() {
    let t = Tree::new();
    t.file("empty.pdf", b"");
    t.file(".Site plan.pdf.icloud", b"bplist00 placeholder");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    assert_eq!(doc["ok"], false);
    assert_eq!(findings(&doc, "empty.pdf"), ["empty fail"]);
    // The placeholder is only reported as one: not also as a hidden name or unknown type.
    let placeholder = ".Site plan.pdf.icloud";
    assert_only(
        &doc,
        placeholder,
        "not-downloaded fail",
        "\"Site plan.pdf\"",
    );
    let fix = says(&doc, placeholder, "not-downloaded", "fix");
    assert!(fix.starts_with("Download it locally first"), "{fix}");
}

#[cfg(unix)]
#[test]
fn a_file_without_data_on_disk_is_not_downloaded() {
    use std::os::unix::fs::MetadataExt;
    let t = Tree::new();
    let path = t.file("scan.pdf", b"");
    std::fs::OpenOptions::new()
        .write(true)
        .open(&path)
        .unwrap()
        .set_len(1_000_000)
        .unwrap();
    let sparse = std::fs::metadata(&path).unwrap().blocks() == 0;
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    if sparse {
        // No data here: reported as such, and not read (so no complaint about its content).
        assert_eq!(findings(&doc, "scan.pdf"), ["not-downloaded fail"]);
    } else {
        // A file system without sparse files stored the zeros: it is a damaged PDF instead.
        assert_eq!(findings(&doc, "scan.pdf"), ["wrong-type fail"]);
    }
}

#[test]
fn bad_names_fail_and_a_leading_dot_warns() {
    let t = Tree::new();
    for name in [
        "RFI #12.txt",
        "Q&A.txt",
        "50% review.txt",
        "a{b}.txt",
        "trailing dot.txt.",
        "trailing space.txt ",
        " leading space.txt",
        "CON.txt",
    ] {
        t.file(name, b"text");
    }
    t.file("Bids & Awards/letter.txt", b"text");
    t.file(".env.txt", b"text");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    for (name, words) in [
        ("RFI #12.txt", "contains #"),
        ("Q&A.txt", "contains &"),
        ("50% review.txt", "contains %"),
        ("a{b}.txt", "contains { }"),
        ("trailing dot.txt.", "ends with a dot"),
        ("trailing space.txt ", "ends with a space"),
        (" leading space.txt", "starts with a space"),
        ("CON.txt", "Windows reserves"),
        ("Bids & Awards", "contains &"),
    ] {
        let f = finding(&doc, name, "bad-name");
        assert_eq!(f["severity"], "fail", "{name}");
        assert_has(says(&doc, name, "bad-name", "problem"), &[words]);
    }
    assert_eq!(
        finding(&doc, "RFI #12.txt", "bad-name")["fix"],
        "Rename it, e.g. to \"RFI _12.txt\" (`fieldfix preflight --fix-names` does it for you)."
    );
    // The file inside the badly named folder has a fine name itself.
    assert_eq!(findings(&doc, "Bids & Awards/letter.txt"), NONE);
    assert_eq!(findings(&doc, ".env.txt"), ["bad-name warn"]);
}

#[cfg(unix)]
#[test]
fn control_characters_and_colons_in_names_fail() {
    let t = Tree::new();
    t.file("line\nbreak.txt", b"x");
    t.file("10:30 meeting.txt", b"x");
    t.file("a|b.txt", b"x");
    let (doc, _) = t.json(&[]);
    assert_only(
        &doc,
        "line\nbreak.txt",
        "bad-name fail",
        "control characters",
    );
    assert_has(
        says(&doc, "10:30 meeting.txt", "bad-name", "fix"),
        &["\"10-30 meeting.txt\""],
    );
    assert_eq!(findings(&doc, "a|b.txt"), ["bad-name fail"]);
}

#[test]
fn paths_over_260_characters_warn() {
    let t = Tree::new();
    let deep = format!(
        "{}/{}/{}/plan.txt",
        "a".repeat(100),
        "b".repeat(100),
        "c".repeat(60)
    );
    t.file(&deep, b"x");
    t.file("short.txt", b"x");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0, "a long path only warns");
    assert_only(&doc, "plan.txt", "long-path warn", "characters long");
    assert_eq!(findings(&doc, "short.txt"), NONE);
}

#[test]
fn content_that_does_not_match_the_extension_fails() {
    let t = Tree::new();
    t.file("site photo.jpg", &png(true));
    t.file(
        "drawing.pdf",
        b"<!DOCTYPE html><html><body>Please sign in</body></html>",
    );
    t.file("contract.pdf", &[0u8; 3000]);
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    let png_as_jpg = finding(&doc, "site photo.jpg", "wrong-type");
    assert_eq!(png_as_jpg["severity"], "fail");
    assert_eq!(
        png_as_jpg["problem"],
        "this .jpg file is really a PNG image"
    );
    assert_eq!(png_as_jpg["fix"], "Rename it to end in .png.");
    assert_only(&doc, "drawing.pdf", "wrong-type fail", "web page");
    assert_only(&doc, "contract.pdf", "wrong-type fail", "is not a PDF");
    // As text, one group (how groups are laid out: the report's own tests).
    let (text, _) = t.text(&[]);
    assert_has(&text, &["Content does not match the extension (3)"]);
}

#[test]
fn cut_off_files_fail() {
    let t = Tree::new();
    t.file("cut.jpg", &jpeg(false));
    t.file("whole.jpg", &jpeg(true));
    let mut pdf_start = pdf("", None);
    pdf_start.truncate(pdf_start.len() / 2);
    t.file("half.pdf", &pdf_start);
    t.file("movie.mp4.crdownload", b"partial");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    assert_only(&doc, "cut.jpg", "truncated fail", "no end marker");
    assert_eq!(findings(&doc, "whole.jpg"), NONE);
    assert_eq!(findings(&doc, "half.pdf"), ["truncated fail"]);
    assert_eq!(findings(&doc, "movie.mp4.crdownload"), ["truncated fail"]);
}

#[test]
fn encrypted_pdfs_fail_when_they_need_a_password_and_warn_when_markups_are_blocked() {
    let t = Tree::new();
    t.file(
        "locked.pdf",
        &pdf("site-password", Some(lopdf::Permissions::all())),
    );
    let no_changes =
        lopdf::Permissions::all() - lopdf::Permissions::MODIFIABLE - lopdf::Permissions::ANNOTABLE;
    t.file("restricted.pdf", &pdf("", Some(no_changes)));
    t.file("open.pdf", &pdf("", Some(lopdf::Permissions::all())));
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    assert_only(&doc, "locked.pdf", "pdf-password fail", "needs a password");
    let restricted = "changes and comments and markups";
    assert_only(&doc, "restricted.pdf", "pdf-restricted warn", restricted);
    // Encrypted without a password and with every permission: nothing to report.
    assert_eq!(findings(&doc, "open.pdf"), NONE);
}

#[test]
fn heic_photos_and_unusual_types_warn() {
    let t = Tree::new();
    let mut heic = vec![0, 0, 0, 0x18];
    heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
    heic.extend_from_slice(&[0; 100]);
    t.file("IMG_2041.HEIC", &heic);
    t.file("export.qqq", b"\x01\x02\x03");
    t.file("README", b"plain words");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0, "warnings only: {doc:#}");
    assert_eq!(findings(&doc, "IMG_2041.HEIC"), ["heic warn"]);
    assert_has(
        says(&doc, "IMG_2041.HEIC", "heic", "fix"),
        &["Convert it to JPEG"],
    );
    assert_eq!(findings(&doc, "export.qqq"), ["unusual-type warn"]);
    assert_eq!(findings(&doc, "README"), ["unusual-type warn"]);
}

#[test]
fn large_files_warn_and_fail_on_a_weak_network() {
    let t = Tree::new();
    t.big("site walk.csv", 150_000_000);
    t.big("medium.csv", 30_000_000);
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0);
    let large = finding(&doc, "site walk.csv", "large");
    assert_eq!(large["severity"], "warn");
    assert!(
        says(&doc, "site walk.csv", "large", "problem").starts_with("150.0 MB"),
        "{large}"
    );
    // Never a claim about a general Procore size limit.
    assert_lacks(says(&doc, "site walk.csv", "large", "fix"), &["Procore"]);
    assert_eq!(findings(&doc, "medium.csv"), NONE);

    let (doc, code) = t.json(&["--network", "weak"]);
    assert_eq!(code, 1);
    assert_eq!(findings(&doc, "site walk.csv"), ["large fail"]);
    assert_eq!(findings(&doc, "medium.csv"), ["large warn"]);

    let (doc, code) = t.json(&["--warn-size", "20MB"]);
    assert_eq!(code, 0);
    assert_eq!(doc["settings"]["warn_size"], 20_000_000);
    assert_eq!(findings(&doc, "medium.csv"), ["large warn"]);
}

#[test]
fn system_files_warn() {
    let t = Tree::new();
    t.file(".DS_Store", b"\0\0\0\x01Bud1");
    t.file("~$budget.xlsx", b"owner");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0);
    assert_eq!(findings(&doc, ".DS_Store"), ["system-file warn"]);
    assert_eq!(findings(&doc, "~$budget.xlsx"), ["system-file warn"]);
}

#[cfg(unix)]
#[test]
fn links_are_skipped_unless_followed_and_broken_ones_are_findings() {
    let t = Tree::new();
    let real = tempfile::tempdir().unwrap();
    std::fs::write(real.path().join("outside #1.txt"), b"x").unwrap();
    std::os::unix::fs::symlink(real.path(), t.root().join("linked")).unwrap();
    std::os::unix::fs::symlink(t.root().join("nowhere"), t.root().join("broken.pdf")).unwrap();
    t.file("fine.txt", b"x");

    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0, "{doc:#}");
    assert_eq!(doc["checked"]["links_skipped"], 2);
    assert_eq!(doc["checked"]["files"], 1);
    let (text, _) = t.text(&[]);
    assert_has(&text, &["2 symbolic links were not followed"]);

    let (doc, code) = t.json(&["--follow-links"]);
    assert_eq!(code, 1);
    assert_eq!(doc["checked"]["links_skipped"], 0);
    assert_eq!(findings(&doc, "linked/outside #1.txt"), ["bad-name fail"]);
    assert_eq!(findings(&doc, "broken.pdf"), ["unreadable fail"]);
}

#[cfg(unix)]
#[test]
fn a_followed_link_back_into_a_folder_above_is_a_loop_and_not_walked_again() {
    let t = Tree::new();
    t.file("a/plan.txt", b"x");
    std::os::unix::fs::symlink("..", t.root().join("a/up")).unwrap();
    let (doc, code) = t.json(&["--follow-links"]);
    assert_eq!(code, 0, "a loop only warns: {doc:#}");
    assert_eq!(findings(&doc, "a/up"), ["unreadable warn"]);
    assert_eq!(doc["checked"]["files"], 1, "{doc:#}");
}

#[cfg(unix)]
#[test]
fn pipes_are_reported_not_opened() {
    let t = Tree::new();
    let fifo = t.root().join("queue");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    // Opening a pipe for reading would block forever; the check must not.
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 0);
    assert_eq!(findings(&doc, "queue"), ["special warn"]);
}

// ---------------------------------------------------------------------------------------------
// Usage errors

#[test]
fn a_missing_path_is_a_usage_error_naming_it() {
    let t = Tree::new();
    t.file("fine.txt", b"x");
    let missing = t.root().join("no such folder");
    t.cmd()
        .arg("preflight")
        .arg(t.root())
        .arg(&missing)
        .status(2)
        .stdout("")
        .stderr_contains(format!("no such file or folder: {}", missing.display()))
        .run();
}

/// Bad flag values: commands.rs bad_flags_are_usage_errors.
#[test]
fn a_file_that_is_not_an_undo_list_is_a_usage_error() {
    let t = Tree::new();
    let not_a_list = t.file("x.json", b"{}");
    t.cmd()
        .args(["preflight", "--undo"])
        .arg(&not_a_list)
        .status(2)
        .stderr_contains("not a fieldfix undo list")
        .run();
}

// ---------------------------------------------------------------------------------------------
// Fixing names

#[test]
fn fix_names_is_a_dry_run_without_apply() {
    let t = Tree::new();
    let bad = t.file("RFI #12.txt", b"question");
    let (text, code) = t.text(&["--fix-names"]);
    assert_eq!(code, 1);
    assert_has(
        &text,
        &[
            "dry run: nothing was renamed",
            "RFI #12.txt  ->  RFI _12.txt",
        ],
    );
    assert!(bad.exists());
    assert!(!t.root().join("RFI _12.txt").exists());
    assert_eq!(undo_lists(t.state.path()), Vec::<PathBuf>::new());

    let (doc, _) = t.json(&["--fix-names"]);
    let renames = doc["renames"].as_array().expect("renames");
    assert_eq!(renames.len(), 1);
    assert_eq!(renames[0]["status"], "planned");
    assert!(renames[0]["to"].as_str().unwrap().ends_with("RFI _12.txt"));
    assert_eq!(doc["undo_list"], Value::Null);
}

#[test]
fn apply_renames_without_overwriting_and_undo_restores() {
    let t = Tree::new();
    t.file("Q&A/site #1.txt", b"first");
    t.file("Q&A/site ?1.txt", b"second");
    // Already there: the new names must go around it.
    t.file("Q&A/site _1.txt", b"was already here");
    t.file("Q_A/keep.txt", b"other folder");
    t.file("empty #2.txt", b"");

    let (doc, code) = t.json(&["--fix-names", "--apply"]);
    // The names are fixed, but the empty file still fails.
    assert_eq!(code, 1, "{doc:#}");
    assert_eq!(findings(&doc, "empty _2.txt"), ["empty fail"]);
    assert!(
        doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["check"] != "bad-name"),
        "{doc:#}"
    );

    let root = t.root();
    let read = |rel: &str| std::fs::read_to_string(root.join(rel)).unwrap();
    assert_eq!(read("Q_A (2)/site _1.txt"), "was already here");
    assert_eq!(read("Q_A/keep.txt"), "other folder");
    let mut moved = [
        read("Q_A (2)/site _1 (2).txt"),
        read("Q_A (2)/site _1 (3).txt"),
    ];
    moved.sort();
    assert_eq!(moved, ["first", "second"]);
    assert!(!root.join("Q&A").exists());
    assert_eq!(read("empty _2.txt"), "");

    let statuses: Vec<&str> = doc["renames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, ["renamed"; 4]);
    let lists = undo_lists(t.state.path());
    assert_eq!(lists.len(), 1);
    assert_eq!(doc["undo_list"], lists[0].to_string_lossy().as_ref());

    t.cmd()
        .args(["preflight", "--undo"])
        .arg(&lists[0])
        .stdout_contains("Restored 4 names.")
        .run();
    assert_eq!(read("Q&A/site #1.txt"), "first");
    assert_eq!(read("Q&A/site ?1.txt"), "second");
    assert_eq!(read("Q&A/site _1.txt"), "was already here");
    assert_eq!(read("Q_A/keep.txt"), "other folder");
    assert_eq!(read("empty #2.txt"), "");
    assert!(!root.join("Q_A (2)").exists());

    // Nothing left to undo the second time; nothing is touched.
    t.cmd()
        .args(["preflight", "--undo"])
        .arg(&lists[0])
        .args(["--format", "json"])
        .stdout_contains("\"already-restored\"")
        .run();
}

#[test]
fn undo_never_overwrites_a_file_that_took_the_old_name() {
    let t = Tree::new();
    t.file("plan #1.txt", b"original");
    let (_, code) = t.json(&["--fix-names", "--apply"]);
    assert_eq!(code, 0);
    // Someone makes a new file with the old name before the undo.
    t.file("plan #1.txt", b"newcomer");
    let lists = undo_lists(t.state.path());
    t.cmd()
        .args(["preflight", "--undo"])
        .arg(&lists[0])
        .status(1)
        .stdout_contains("NOT RESTORED")
        .run();
    let read = |rel: &str| std::fs::read_to_string(t.root().join(rel)).unwrap();
    assert_eq!(read("plan #1.txt"), "newcomer");
    assert_eq!(read("plan _1.txt"), "original");
}

// ---------------------------------------------------------------------------------------------
// JSON

#[test]
fn json_has_schema_version_and_one_record_per_finding() {
    let t = Tree::new();
    t.file("RFI #3.jpg", &png(true));
    t.file("empty.txt", b"");
    let (doc, code) = t.json(&[]);
    assert_eq!(code, 1);
    assert_eq!(doc["schema_version"], 2);
    assert_eq!(doc["summary"]["failing"], 2);
    assert_eq!(doc["summary"]["at_risk"], 0);
    assert_eq!(doc["summary"]["findings"], 3);
    let records = doc["findings"].as_array().unwrap();
    assert_eq!(records.len(), 3);
    for r in records {
        let keys: Vec<&str> = r.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["path", "severity", "check", "problem", "fix"], "{r}");
    }
    assert_eq!(
        findings(&doc, "RFI #3.jpg"),
        ["bad-name fail", "wrong-type fail"]
    );
}

#[test]
fn folders_given_keep_their_names_but_files_given_are_checked() {
    let t = Tree::new();
    let folder = t.root().join("Q&A");
    let file = t.file("Q&A/x #1.txt", b"x");
    let out = t
        .cmd()
        .args(["preflight", "--fix-names", "--apply", "--format", "json"])
        .arg(&folder)
        .run();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    // Only the file inside was renamed; the folder named on the command line is untouched.
    assert_eq!(doc["renames"].as_array().unwrap().len(), 1, "{doc:#}");
    assert!(folder.join("x _1.txt").exists());
    assert!(!file.exists());

    let given = t.file("RFI #9.txt", b"x");
    let out = t
        .cmd()
        .args(["preflight", "--format", "json"])
        .arg(&given)
        .status(1)
        .run();
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(findings(&doc, "RFI #9.txt"), ["bad-name fail"]);
    assert_eq!(doc["checked"]["files"], 1);
    assert_eq!(doc["checked"]["folders"], 0);
}
