//! Hostile or broken input never harms the user: undo lists that try to move files elsewhere,
//! escape sequences in file names and guide values, a tampered guide cache, files that are not
//! files, failed writes, and the small rules scripts depend on. Each test is the reproducer of
//! one defect found by an adversarial run of the release binary.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use fieldfix::commands::export::{ExportRequest, SiteFormat, export};

use crate::support::{
    GuideDir, Output, Test, age, assert_has, assert_printable, minimal_guide, reseal_cache,
    set_modified, undo_lists,
};

/// A hostile file name: clears the screen and writes the clipboard (OSC 52) when printed raw.
const EVIL: &str = "a\u{1b}[2J\u{1b}]52;c;ZXZpbA==\u{7}.txt";

fn undo_list(renames: Value) -> String {
    json!({
        "schema_version": 1,
        "kind": "fieldfix-preflight-undo",
        "created": "2025-03-01T14:15:00Z",
        "renames": renames,
    })
    .to_string()
}

/// `fieldfix preflight --undo LIST`, run in `dir`.
fn run_undo(dir: &Path, list: &Path) -> Output {
    Test::new()
        .state(dir)
        .args(["preflight", "--undo"])
        .arg(list)
        .output()
}

// ---------------------------------------------------------------------------------------------
// Security 1: undo renames within one folder only.

#[test]
fn undo_refuses_to_move_a_file_out_of_its_folder() {
    let home = tempfile::tempdir().unwrap();
    let state = home.path().join("work").join("here");
    std::fs::create_dir_all(&state).unwrap();
    let planted = state.join("IMG_0001.jpg");
    std::fs::write(&planted, "evil").unwrap();
    let victim = home.path().join(".bashrc");
    let absolute_victim = home.path().join("victim");
    for renames in [
        json!([{"from": "../../.bashrc", "to": "IMG_0001.jpg"}]),
        json!([{"from": victim.to_str().unwrap(), "to": planted.to_str().unwrap()}]),
        json!([{"from": absolute_victim.to_str().unwrap(), "to": planted.to_str().unwrap()}]),
        json!([{"from": "sub/../x", "to": "sub/IMG_0001.jpg"}]),
    ] {
        let list = state.join("fieldfix-undo-1.json");
        std::fs::write(&list, undo_list(renames.clone())).unwrap();
        let out = run_undo(&state, &list);
        let stderr = out.stderr.as_str();
        assert_eq!(out.code, 2, "{renames}: {stderr}");
        assert_has(stderr, &["not a rename within one folder"]);
        assert_eq!(std::fs::read_to_string(&planted).unwrap(), "evil");
        assert!(!victim.exists() && !absolute_victim.exists());
    }
}

#[cfg(unix)]
#[test]
fn undo_refuses_an_entry_whose_folder_is_a_link_elsewhere() {
    let state = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("a.txt"), "theirs").unwrap();
    std::os::unix::fs::symlink(elsewhere.path(), state.path().join("photos")).unwrap();
    let list = state.path().join("fieldfix-undo-1.json");
    for renames in [
        json!([{"from": "photos/secret", "to": "photos/a.txt"}]),
        json!([{
            "from": state.path().join("photos/secret").to_str().unwrap(),
            "to": state.path().join("photos/a.txt").to_str().unwrap(),
        }]),
    ] {
        std::fs::write(&list, undo_list(renames.clone())).unwrap();
        let out = run_undo(state.path(), &list);
        assert_eq!(out.code, 2, "{renames}: {}", out.stderr);
        assert!(out.stderr.contains("is a link to"), "{}", out.stderr);
        assert_eq!(
            std::fs::read_to_string(elsewhere.path().join("a.txt")).unwrap(),
            "theirs"
        );
        assert!(!elsewhere.path().join("secret").exists());
    }
}

#[test]
fn undo_checks_the_kind_and_version_of_the_list() {
    let state = tempfile::tempdir().unwrap();
    let list = state.path().join("list.json");
    let mut doc: Value = serde_json::from_str(&undo_list(json!([]))).unwrap();
    doc["schema_version"] = json!(99);
    std::fs::write(&list, doc.to_string()).unwrap();
    let out = run_undo(state.path(), &list);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert_has(&out.stderr, &["schema_version 99"]);
}

#[test]
fn undo_prints_full_paths_and_works_after_its_folder_is_renamed() {
    let root = tempfile::tempdir().unwrap();
    let run = root.path().join("run");
    std::fs::create_dir_all(run.join("photos")).unwrap();
    std::fs::write(run.join("photos").join("Q&A.txt"), "x").unwrap();
    Test::new()
        .state(&run)
        .args(["preflight", "photos", "--fix-names", "--apply"])
        .run();
    assert!(run.join("photos").join("Q_A.txt").exists());
    // The whole folder moves: the undo list (inside it) still finds the files.
    let moved = root.path().join("moved");
    std::fs::rename(&run, &moved).unwrap();
    let out = run_undo(&moved, &undo_lists(&moved)[0]);
    let stdout = out.stdout.as_str();
    assert_eq!(out.code, 0, "{stdout}");
    assert!(moved.join("photos").join("Q&A.txt").exists());
    let full = moved.canonicalize().unwrap().join("photos").join("Q&A.txt");
    assert_has(stdout, &[&full.display().to_string()]);
}

// ---------------------------------------------------------------------------------------------
// Security 2 and 3: nothing from outside reaches the terminal raw.

#[cfg(unix)]
#[test]
fn escape_sequences_in_file_names_never_reach_the_terminal() {
    let root = tempfile::tempdir().unwrap();
    let files = root.path().join("files");
    std::fs::create_dir_all(&files).unwrap();
    std::fs::write(files.join(EVIL), "").unwrap();
    std::fs::write(files.join("two\nlines#.txt"), "x").unwrap();
    let run = |args: &[&str]| {
        let out = Test::new().state(root.path()).args(args).output();
        assert_printable(&format!("{args:?} stdout"), out.stdout.as_bytes());
        assert_printable(&format!("{args:?} stderr"), out.stderr.as_bytes());
        out.stdout.clone()
    };
    let text = run(&["preflight", "files"]);
    assert_has(&text, &["a\\u{1b}[2J", "two\\u{a}lines"]);
    run(&["preflight", "files", "--fix-names"]);
    // Not renamed back to itself: put the evil name back through undo and check that report.
    run(&["preflight", "files", "--fix-names", "--apply"]);
    let list = undo_lists(root.path())[0].clone();
    let undone = run(&["preflight", "--undo", list.to_str().unwrap()]);
    assert_has(&undone, &["restored"]);
    assert!(files.join(EVIL).exists());
    // A path that does not exist is named in an error.
    run(&["preflight", &format!("missing{EVIL}")]);
}

/// A guide whose every reference and value is hostile.
fn hostile_guide() -> String {
    minimal_guide("hostile")
        .replace("fixes: [first]", r#"fixes: ["\e[2Jfirst"]"#)
        .replace("raises: [first]", r#"raises: ["\e]52;c;ZXZpbA==\a"]"#)
        .replace("related: []", r#"related: ["\e[31mred", "hostilf"]"#)
        .replace("    fixes: [second]", "    fixes: [second]\n    after: [\"\\e[2J\"]\n    when: {\"\\e[2Jq\": [\"\\e[2J\"]}\n    see: \"\\e[2J\"")
        .replace(
            "  - id: second\n",
            "  - id: \"\\e[2J\"\n    title: T\n    explain: E\n    likelihood: 1\n  - id: second\n",
        )
}

#[test]
fn validate_and_load_errors_never_echo_escape_sequences() {
    let guides = GuideDir::new();
    guides.write("hostile.yaml", &hostile_guide());
    guides.write("x\u{1b}[2J.yaml", "id: [\n");
    let state = tempfile::tempdir().unwrap();
    // `validate` fails; `list` warns and goes on with the built-in guides (a broken company
    // folder never stops the field).
    for (args, code) in [
        (
            vec!["validate".to_owned(), guides.path().display().to_string()],
            1,
        ),
        (
            vec![
                "--guides".to_owned(),
                guides.path().display().to_string(),
                "list".to_owned(),
            ],
            0,
        ),
    ] {
        let out = Test::new().state(state.path()).args(&args).output();
        assert_eq!(out.code, code, "{args:?}");
        assert_printable("stdout", out.stdout.as_bytes());
        assert_printable("stderr", out.stderr.as_bytes());
        let all = format!("{}{}", out.stdout, out.stderr);
        assert_has(&all, &["\\u{1b}[2J", "\\u{1b}]52;c;ZXZpbA==\\u{7}"]);
    }
}

// ---------------------------------------------------------------------------------------------
// Security 4 (and 6): the guide cache is checked, keyed by content, private.

/// A folder with one guide, loaded once so its cache is written; the cache file.
fn cached_folder(state: &Path) -> (GuideDir, PathBuf) {
    let guides = GuideDir::new();
    guides.write("crane-log.yaml", &minimal_guide("crane-log"));
    assert_eq!(title(state, guides.path()), "Test problem");
    let cached: Vec<PathBuf> = std::fs::read_dir(state.join("cache"))
        .expect("a cache folder")
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(cached.len(), 1, "one cache file: {cached:?}");
    assert!(cached[0].extension().is_some_and(|x| x == "json"));
    (guides, cached[0].clone())
}

fn title(state: &Path, guides: &Path) -> String {
    crate::support::show_json(state, guides, "crane-log")["guide"]["title"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// Changes the cached `crane-log` guide (title set to "From the cache") and reseals the file.
fn tamper(cache: &Path, change: impl Fn(&mut Value)) {
    let text = std::fs::read_to_string(cache).unwrap();
    let (_, body) = text.split_once('\n').unwrap();
    let mut doc: Value = serde_json::from_str(body).unwrap();
    let guide = doc["library"]["guides"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| g["id"] == "crane-log")
        .unwrap();
    guide["title"] = json!("From the cache");
    change(guide);
    std::fs::write(cache, reseal_cache(&format!("x\n{doc}"))).unwrap();
}

/// An edit of a cached guide.
type Change = fn(&mut Value);

#[test]
fn a_tampered_cache_is_never_served() {
    let state = tempfile::tempdir().unwrap();
    let (guides, cache) = cached_folder(state.path());
    // The checks are real: an innocent edit is served.
    tamper(&cache, |_| {});
    assert_eq!(title(state.path(), guides.path()), "From the cache");
    let tampering: [(&str, Change); 14] = [
        ("escape", |g| {
            g["summary"] = json!("\u{1b}]52;c;ZXZpbA==\u{7}")
        }),
        ("bidi", |g| g["summary"] = json!("a\u{202e}b")),
        ("escape in a key", |g| {
            g["context"] = json!({"device": {"ios\u{1b}[2J": {}}});
        }),
        ("tab", |g| g["steps"][0]["do"] = json!(["one\ttwo"])),
        ("zero likelihood", |g| {
            g["causes"][0]["likelihood"] = json!(0.0)
        }),
        ("dangling fixes", |g| {
            g["steps"][0]["fixes"] = json!(["nope"])
        }),
        ("cycle", |g| {
            g["steps"][0]["after"] = json!(["fix-second"]);
            g["steps"][1]["after"] = json!(["fix-first"]);
        }),
        ("bad id", |g| g["id"] = json!("../../x")),
        ("javascript source", |g| {
            g["causes"][0]["sources"] = json!(["javascript:alert(1)"]);
        }),
        ("0-minute step", |g| g["steps"][0]["minutes"] = json!(0.0)),
        ("line break in a title", |g| {
            g["title"] = json!("From the cache\nBcc: x@evil.example");
        }),
        ("line break in a contact", |g| {
            g["escalate"]["targets"]["admin"]["contact"] = json!("a\nBcc: x@y.z");
        }),
        ("reserved id", |g| g["id"] = json!("index")),
        ("duplicate step", |g| {
            g["steps"][1]["id"] = json!("fix-first")
        }),
    ];
    for (what, change) in tampering {
        tamper(&cache, change);
        assert_eq!(title(state.path(), guides.path()), "Test problem", "{what}");
    }
    // Nor an edit without its checksum updated, nor a cache that is not JSON.
    tamper(&cache, |_| {});
    let unsealed = std::fs::read_to_string(&cache)
        .unwrap()
        .replace("From the cache", "Not resealed");
    for (what, text) in [("unsealed", unsealed.as_str()), ("not JSON", "{ not json")] {
        std::fs::write(&cache, text).unwrap();
        assert_eq!(title(state.path(), guides.path()), "Test problem", "{what}");
    }
}

#[test]
fn a_forged_cache_cannot_carry_a_bad_source_or_step_into_export() {
    let state = tempfile::tempdir().unwrap();
    let (guides, cache) = cached_folder(state.path());
    tamper(&cache, |g| {
        g["causes"][0]["sources"] = json!(["javascript:alert(1)"]);
        g["steps"][0]["minutes"] = json!(0.0);
    });
    Test::new()
        .state(state.path())
        .guides(guides.path())
        .args(["export", "--format", "markdown", "--out", "md"])
        .run();
    let page = std::fs::read_to_string(state.path().join("md").join("crane-log.md")).unwrap();
    assert!(
        page.contains("Test problem") && page.contains("(5 min)"),
        "{page}"
    );
    assert!(
        !page.contains("javascript") && !page.contains("From the cache"),
        "{page}"
    );
}

#[test]
fn export_never_writes_outside_out_even_from_a_tampered_cache() {
    let state = tempfile::tempdir().unwrap();
    let (guides, cache) = cached_folder(state.path());
    tamper(&cache, |g| g["id"] = json!("../../x"));
    let out = state.path().join("a").join("b").join("site");
    Test::new()
        .state(state.path())
        .guides(guides.path())
        .args(["export", "--out"])
        .arg(&out)
        .run();
    assert!(out.join("crane-log.html").exists());
    assert!(!state.path().join("a").join("x.html").exists());
}

#[cfg(unix)]
#[test]
fn the_cache_folder_is_private() {
    use std::os::unix::fs::PermissionsExt;
    let state = tempfile::tempdir().unwrap();
    let (guides, cache) = cached_folder(state.path());
    let folder = cache.parent().unwrap();
    let mode = std::fs::metadata(folder).unwrap().permissions().mode();
    assert_eq!(mode & 0o077, 0, "{mode:o}");
    // A cache in a folder others can write is not trusted.
    tamper(&cache, |_| {});
    std::fs::set_permissions(folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    assert_eq!(title(state.path(), guides.path()), "Test problem");
}

#[test]
fn an_edit_that_keeps_size_and_time_is_seen() {
    let state = tempfile::tempdir().unwrap();
    let (guides, _) = cached_folder(state.path());
    let file = guides.path().join("crane-log.yaml");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let same_size = minimal_guide("crane-log").replace("Test problem", "Test PROBLEM");
    std::fs::write(&file, same_size).unwrap();
    set_modified(&file, modified);
    assert_eq!(title(state.path(), guides.path()), "Test PROBLEM");
}

/// The first hit of `search WORDS --guides GUIDES` as (guide, title).
fn first_hit(state: &Path, guides: &Path, words: &str) -> (String, String) {
    let doc = Test::new()
        .state(state)
        .guides(guides)
        .args(["search", words, "--format", "json"])
        .run()
        .json();
    let hit = &doc["results"][0];
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    (text(&hit["guide"]), text(&hit["title"]))
}

/// `search` reads the folder's kept index, and only while the folder is as it was: an edit
/// that keeps size and time is searched afresh, and a tampered index (resealed) with a title
/// that could drive the terminal is never served.
#[test]
fn search_keeps_its_index_with_the_cache_and_checks_it() {
    let state = tempfile::tempdir().unwrap();
    let (guides, cache) = cached_folder(state.path());
    let index = cache.with_extension("index");
    let hit = first_hit(state.path(), guides.path(), "test problem");
    assert_eq!(hit, ("crane-log".to_owned(), "Test problem".to_owned()));
    assert!(index.exists(), "the index is kept next to the library");

    // The kept index is what is read: an innocent edit of it (resealed) is served.
    let reseal = |from: &[u8], to: &[u8]| {
        let bytes = std::fs::read(&index).unwrap();
        let start = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let body = bytes[start..].to_vec();
        let at = body.windows(from.len()).position(|w| w == from).unwrap();
        let mut body = body;
        body[at..at + from.len()].copy_from_slice(to);
        let sum = fieldfix::sha256_hex(&body);
        let mut file = format!("fieldfix-guide-cache {sum}\n").into_bytes();
        file.extend(body);
        std::fs::write(&index, file).unwrap();
    };
    reseal(b"Test problem", b"Test PROBLEM");
    assert_eq!(
        first_hit(state.path(), guides.path(), "test problem").1,
        "Test PROBLEM"
    );
    // An escape in a title is refused: the guides are loaded and searched afresh.
    reseal(b"Test PROBLEM", b"Test\x1b[2Jblem");
    assert_eq!(
        first_hit(state.path(), guides.path(), "test problem").1,
        "Test problem"
    );

    // An edit of the folder, same size and time, is seen.
    let file = guides.path().join("crane-log.yaml");
    let modified = std::fs::metadata(&file).unwrap().modified().unwrap();
    let edited = minimal_guide("crane-log").replace("Test problem", "Zebra crosses");
    std::fs::write(&file, edited).unwrap();
    set_modified(&file, modified);
    let hit = first_hit(state.path(), guides.path(), "zebra crosses");
    assert_eq!(hit, ("crane-log".to_owned(), "Zebra crosses".to_owned()));
}

#[cfg(unix)]
#[test]
fn an_edit_to_the_target_of_a_linked_guide_is_seen() {
    let state = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = elsewhere.path().join("real.yaml");
    std::fs::write(&target, minimal_guide("crane-log")).unwrap();
    let guides = GuideDir::new();
    std::os::unix::fs::symlink(&target, guides.path().join("crane-log.yaml")).unwrap();
    assert_eq!(title(state.path(), guides.path()), "Test problem");
    std::fs::write(
        &target,
        minimal_guide("crane-log").replace("Test problem", "Linked edit"),
    )
    .unwrap();
    assert_eq!(title(state.path(), guides.path()), "Linked edit");
}

// ---------------------------------------------------------------------------------------------
// 5: files that are not files are refused, never waited on or read without end.

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .unwrap();
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn pipes_and_devices_are_refused_naming_the_file() {
    let state = tempfile::tempdir().unwrap();
    let guides = GuideDir::new();
    guides.write("crane-log.yaml", &minimal_guide("crane-log"));
    mkfifo(&guides.path().join("p.yaml"));
    let pipe = state.path().join("pipe");
    mkfifo(&pipe);
    let timeout = std::time::Duration::from_secs(20);
    let guides_dir = guides.path().to_str().unwrap();
    let pipe_arg = pipe.to_str().unwrap();
    for (args, code, names) in [
        (vec!["validate", guides_dir], 1, "p.yaml"),
        (vec!["--guides", guides_dir, "list"], 0, "p.yaml"),
        (vec!["diagnose", "photos", "--answers", pipe_arg], 2, "pipe"),
        (vec!["preflight", "--undo", pipe_arg], 2, "pipe"),
        (vec!["preflight", "--undo", "/dev/zero"], 2, "/dev/zero"),
    ] {
        let out = Test::new()
            .state(state.path())
            .args(&args)
            .timeout(timeout)
            .output();
        let all = format!("{}{}", out.stdout, out.stderr);
        assert_eq!(out.code, code, "{args:?}: {all}");
        assert!(all.contains(names), "{args:?}: {all}");
        assert!(all.contains("not a regular file"), "{args:?}: {all}");
    }
}

// ---------------------------------------------------------------------------------------------
// 10: a verdict survives a closed pipe.

/// Runs fieldfix with its stdout closed by the reader before anything is read; the exit code.
fn exit_with_closed_pipe(state: &Path, args: &[&str]) -> Option<i32> {
    let out = Test::new().state(state).args(args).closed_pipe();
    out.status.code()
}

#[test]
fn validate_and_preflight_keep_their_verdict_when_the_pipe_closes() {
    let state = tempfile::tempdir().unwrap();
    let guides = GuideDir::new();
    for n in 0..50 {
        guides.write(&format!("broken-{n}.yaml"), "id: [\n");
    }
    std::fs::write(state.path().join("empty.pdf"), "").unwrap();
    let dir = guides.path().to_str().unwrap();
    assert_eq!(
        exit_with_closed_pipe(state.path(), &["validate", dir]),
        Some(1)
    );
    assert_eq!(
        exit_with_closed_pipe(state.path(), &["preflight", "empty.pdf"]),
        Some(1)
    );
    // A command that merely prints is fine with a reader that had enough.
    assert_eq!(exit_with_closed_pipe(state.path(), &["list"]), Some(0));
}

// ---------------------------------------------------------------------------------------------
// 13: no guide file silently skipped; an empty folder variable counts as unset.

#[test]
fn upper_case_extensions_are_loaded_or_reported() {
    let guides = GuideDir::new();
    guides.write("crane-log.YML", &minimal_guide("crane-log"));
    let state = tempfile::tempdir().unwrap();
    assert_eq!(title(state.path(), guides.path()), "Test problem");
    guides.write("Other.YAML", &minimal_guide("other"));
    Test::new()
        .state(state.path())
        .arg("validate")
        .arg(guides.path())
        .status(1)
        .stdout_contains("Other.YAML")
        .stdout_contains("in 2 guide files")
        .run();
}

#[test]
fn empty_folder_variables_count_as_unset() {
    let state = tempfile::tempdir().unwrap();
    Test::new()
        .state(state.path())
        .env("FIELDFIX_GUIDES", "")
        .arg("list")
        .run();
    let guides = GuideDir::new();
    let file = guides.write("crane-log.yaml", &minimal_guide("crane-log"));
    age(&file); // old enough to be cached by any version
    let xdg = state.path().join("xdg");
    Test::new()
        .state(state.path())
        .env("FIELDFIX_CACHE_DIR", "")
        .env("XDG_CACHE_HOME", &xdg)
        .env("HOME", state.path())
        .guides(guides.path())
        .arg("list")
        .run();
    let in_cwd: Vec<_> = std::fs::read_dir(state.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().ends_with(".json"))
        .collect();
    assert!(in_cwd.is_empty(), "{in_cwd:?}");
}

// ---------------------------------------------------------------------------------------------
// 15: names that read backwards are flagged; folders are counted as folders.

#[test]
fn names_with_direction_controls_fail_and_folders_are_not_files() {
    let state = tempfile::tempdir().unwrap();
    let root = state.path().join("up");
    std::fs::create_dir_all(root.join("Q&A")).unwrap();
    std::fs::write(root.join("Q&A").join("fine.txt"), "x").unwrap();
    std::fs::write(root.join("rtl\u{202e}txt.exe"), "x").unwrap();
    let out = Test::new()
        .state(state.path())
        .args(["preflight", "up"])
        .status(1)
        .run();
    assert_has(
        &out.stdout,
        &[
            "rtl\\u{202e}txt.exe",
            "change the direction",
            "failed: 1 file and 1 folder will fail.",
        ],
    );
}

// ---------------------------------------------------------------------------------------------
// Every string-bearing output, for guides, flags and files full of escape sequences.

/// Under `s`, all with escape sequences in their names: a guide folder of a hostile guide and
/// a broken file, a folder of a clean guide, a folder of files to preflight, and an answers
/// file with escape sequences in its keys and values.
#[cfg(unix)]
fn hostile_inputs(s: &Path) -> [PathBuf; 4] {
    let hostile = s.join(format!("guides{EVIL}"));
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(hostile.join("hostile.yaml"), hostile_guide()).unwrap();
    std::fs::write(hostile.join(format!("x{EVIL}.yaml")), "id: [\n").unwrap();
    let clean = s.join(format!("clean{EVIL}"));
    std::fs::create_dir_all(&clean).unwrap();
    std::fs::write(clean.join("crane-log.yaml"), minimal_guide("crane-log")).unwrap();
    let files = s.join(format!("files{EVIL}"));
    std::fs::create_dir_all(files.join(EVIL)).unwrap();
    std::fs::write(files.join(EVIL).join(EVIL), "").unwrap();
    std::fs::write(files.join("two\nlines#.pdf"), "<html>").unwrap();
    std::fs::write(files.join("rtl\u{202e}txt.exe"), "x").unwrap();
    let answers = s.join(format!("answers{EVIL}.yaml"));
    std::fs::write(&answers, "device: \"\\e[2J\"\n\"\\e]52;c;eA==\\a\": x\n").unwrap();
    [hostile, clean, files, answers]
}

#[cfg(unix)]
#[test]
fn no_control_character_reaches_the_terminal_from_any_output() {
    let state = tempfile::tempdir().unwrap();
    let s = state.path();
    let [hostile, clean, files, answers] = hostile_inputs(s);
    let (h, c, f) = (
        hostile.to_str().unwrap(),
        clean.to_str().unwrap(),
        files.to_str().unwrap(),
    );
    let site = s.join(format!("site{EVIL}"));
    let md = s.join(format!("md{EVIL}"));
    let runs: Vec<Vec<&str>> = vec![
        vec!["validate", h],
        vec!["validate", h, "--format", "json"],
        vec!["--guides", h, "list"],
        vec!["--guides", h, "show", "hostile"],
        vec!["--guides", h, "completions", "bash"],
        vec!["--guides", c, "list"],
        vec!["--guides", c, "show", "crane-log"],
        vec!["--guides", c, "show", "crane-log", "--format", "markdown"],
        vec!["--guides", c, "show", EVIL],
        vec!["--guides", c, "search", EVIL],
        vec![
            "--guides",
            c,
            "diagnose",
            "crane-log",
            "-a",
            &"which=\u{1b}[2J",
        ],
        vec![
            "--guides",
            c,
            "diagnose",
            "crane-log",
            "-a",
            &"\u{1b}[2J=one",
        ],
        vec!["--guides", c, "diagnose", "crane-log", "--tried", EVIL],
        vec!["diagnose", "photos", "--answers", answers.to_str().unwrap()],
        vec!["diagnose", "photos", "--device", EVIL],
        vec!["--guides", c, "export", "--out", site.to_str().unwrap()],
        vec![
            "--guides",
            c,
            "export",
            "--out",
            md.to_str().unwrap(),
            "--format",
            "markdown",
        ],
        vec!["new", EVIL, "--guides", c],
        vec!["preflight", f],
        vec!["preflight", f, "--format", "json"],
        vec!["preflight", f, "--fix-names"],
        vec!["preflight", f, "--warn-size", EVIL],
        vec!["preflight", f, "--fix-names", "--apply"],
    ];
    for args in &runs {
        let out = Test::new().state(s).args(args).output();
        assert_printable(&format!("{args:?} stdout"), out.stdout.as_bytes());
        assert_printable(&format!("{args:?} stderr"), out.stderr.as_bytes());
    }
    let undo = run_undo(s, &undo_lists(s)[0]);
    assert_printable("undo stdout", undo.stdout.as_bytes());
    assert_printable("undo stderr", undo.stderr.as_bytes());
    // The exported pages too.
    for dir in [&site, &md] {
        for page in std::fs::read_dir(dir).unwrap() {
            let page = page.unwrap().path();
            assert_printable(&page.display().to_string(), &std::fs::read(&page).unwrap());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Markdown: no guide value becomes HTML, a link or a new block.

/// A valid guide whose texts and sources carry HTML, links and Markdown markup.
fn markup_guide() -> String {
    crate::support::edits(
        &minimal_guide("markup"),
        &[
            (
                "title: Test problem",
                r#"title: "Evil <script>alert(1)</script> title""#,
            ),
            (
                "summary: A problem used in tests.",
                r#"summary: "<img src=x onerror=alert(1)> &amp; [x](javascript:alert(1))""#,
            ),
            (
                "symptoms: [things break]",
                r#"symptoms: ["- list <div>block</div>", "1. numbered", "<iframe src=//x>"]"#,
            ),
            ("contact: the admin", r#"contact: "Dana Ruiz <dana@x.com>""#),
            (
                "    explain: The first reason.",
                "    explain: \"The first reason.\\n<script>alert(2)</script>\"\n    sources: [\"https://support.procore.com/a&lt;script&gt;(x)\"]",
            ),
            ("label: The first", r#"label: "The <b>first</b>""#),
            (
                "do: [Do the first thing.]",
                r#"do: ["Do the <a href='javascript:alert(4)'>first</a> thing."]"#,
            ),
        ],
    )
}

/// `markdown` rendered to HTML by a CommonMark renderer.
fn render_markdown(markdown: &str) -> String {
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, pulldown_cmark::Parser::new(markdown));
    html
}

#[test]
fn markdown_output_carries_no_html_from_a_guide_value() {
    let state = tempfile::tempdir().unwrap();
    let guides = GuideDir::new();
    guides.write("markup.yaml", &markup_guide());
    let g = guides.path().to_str().unwrap();
    let md = state.path().join("md");
    let mut documents = Vec::new();
    for args in [
        vec!["--guides", g, "show", "markup", "--format", "markdown"],
        vec!["--guides", g, "diagnose", "markup", "--format", "markdown"],
        vec![
            "--guides", g, "export", "--format", "markdown", "--out", "md",
        ],
    ] {
        let out = Test::new().state(state.path()).args(&args).run();
        documents.push((format!("{args:?}"), out.stdout));
    }
    for page in ["index.md", "markup.md"] {
        documents.push((
            page.to_owned(),
            std::fs::read_to_string(md.join(page)).unwrap(),
        ));
    }
    for (what, markdown) in &documents {
        let html = render_markdown(markdown);
        for element in [
            "<script",
            "<img",
            "<iframe",
            "<div",
            "<b>",
            "<a href='",
            "javascript:alert(1)\"",
        ] {
            assert!(!html.contains(element), "{what}: {element} in\n{html}");
        }
        assert!(!html.contains("href=\"javascript"), "{what}:\n{html}");
    }
    // The values read as they were written.
    let (_, page) = &documents[0];
    let html = render_markdown(page);
    for text in [
        "Evil &lt;script&gt;alert(1)&lt;/script&gt; title",
        "Dana Ruiz &lt;dana@x.com&gt;",
        "&lt;img src=x onerror=alert(1)&gt; &amp;amp; [x](javascript:alert(1))",
        "The &lt;b&gt;first&lt;/b&gt;",
        "- list &lt;div&gt;block&lt;/div&gt;",
        "1. numbered",
        "The first reason.\n&lt;script&gt;alert(2)&lt;/script&gt;",
    ] {
        assert!(html.contains(text), "{text} not in\n{html}");
    }
    assert!(
        // The address as written: no entity in it decoded, no parenthesis ending the link.
        html.contains("href=\"https://support.procore.com/a&amp;lt;script&amp;gt;(x)\""),
        "{html}"
    );
}

// ---------------------------------------------------------------------------------------------
// Export: no guide can take the name of a file export writes for itself.

#[test]
fn a_guide_named_like_the_index_is_refused_and_never_replaces_it() {
    let state = tempfile::tempdir().unwrap();
    let guides = GuideDir::new();
    guides.write("index.yaml", &minimal_guide("index"));
    Test::new()
        .state(state.path())
        .args(["validate"])
        .arg(guides.path())
        .status(1)
        .stdout_contains("guide id `index` is reserved")
        .run();
    Test::new()
        .state(state.path())
        .guides(guides.path())
        .args(["export", "--out", "site"])
        .status(1)
        .stderr_contains("guide id `index` is reserved")
        .run();
    assert!(!state.path().join("site").exists());
    // A library that holds one all the same (built in memory) is refused before any write.
    let mut library = fieldfix::guides::embedded::library();
    library
        .guides
        .push(crate::support::GuideBuilder::new("index").build());
    for format in [SiteFormat::Html, SiteFormat::Markdown] {
        let request = ExportRequest {
            format,
            dir: state.path().join("site"),
            force: true,
        };
        let mut sink = Vec::new();
        let mut out = fieldfix::output::Out {
            writer: &mut sink,
            paint: fieldfix::output::Paint::plain(),
        };
        let refused = export(&library, &request, &mut out).unwrap_err();
        assert!(refused.to_string().contains("two pages"), "{refused}");
        assert!(!state.path().join("site").exists());
    }
}
