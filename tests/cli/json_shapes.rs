//! The preflight JSON documents pinned byte for byte (docs/json.md): the raw stdout is
//! snapshotted, not a parsed copy, so key order and layout are pinned too.

use std::path::Path;

use crate::support::Test;

/// `preflight --fix-names` (dry run, then `--apply`) and `--undo`, on a small folder: a bad
/// folder name over a bad file name, a second bad name, an empty file and a large one. The
/// undo puts back one name and fails on the other (a new file took the old name), so every
/// record shape appears: planned, renamed, restored, failed with its error, and `null`s.
#[test]
fn snapshot_preflight_and_undo_json() {
    let state = tempfile::tempdir().expect("temp dir");
    let dir = state.path();
    let write = |rel: &str, text: &str| {
        let path = dir.join("upload").join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).expect("mkdir");
        std::fs::write(path, text).expect("write");
    };
    write("Q&A/site #1.txt", "first");
    write("plan #1.txt", "plan");
    write("empty.txt", "");
    write("big.txt", "twenty bytes of text");
    let preflight = |flags: &[&str]| {
        let args = ["preflight", "upload", "--fix-names", "--warn-size", "10"];
        let run = Test::new().state(dir).args(args).args(flags);
        run.args(["--format", "json"]).status(1).run().stdout
    };
    insta::assert_snapshot!("preflight_dry_run_json", preflight(&[]));

    // Absolute paths (the undo list's, and the paths in it) depend on the temporary folder.
    let here = std::fs::canonicalize(dir).expect("canonical state folder");
    let placeholders = |text: String| {
        let list = std::fs::read_dir(dir)
            .expect("read the state folder")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .find(|name| name.starts_with("fieldfix-undo-"))
            .expect("an undo list");
        let text = text.replace(&list, "[undo list]");
        text.replace(here.to_str().expect("UTF-8 path"), "[dir]")
    };
    insta::assert_snapshot!(
        "preflight_applied_json",
        placeholders(preflight(&["--apply"]))
    );

    write("plan #1.txt", "newcomer");
    let list = std::fs::read_dir(dir)
        .expect("read the state folder")
        .map(|e| e.expect("entry").path())
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("fieldfix-undo-"))
        })
        .expect("an undo list");
    let undo = Test::new()
        .state(dir)
        .args(["preflight", "--format", "json", "--undo"])
        .arg(Path::new(&list))
        .status(1)
        .run();
    insta::assert_snapshot!("preflight_undo_json", placeholders(undo.stdout));
}
