//! Safe names for files and folders with bad ones: the dry run (`--fix-names`), the renames
//! (`--apply`), and the undo list that puts the old names back (`--undo FILE`). Never
//! overwrites anything and never touches a file's content.

use std::collections::{HashMap, HashSet};
use std::ffi::{OsStr, OsString};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::rules::{fit, safe_name};

/// One rename: `from` and `to` are in the same folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    #[serde(with = "stored_path")]
    pub from: PathBuf,
    #[serde(with = "stored_path")]
    pub to: PathBuf,
}

/// The renames for `paths` (files and folders with bad names), deepest first so a folder is
/// renamed after everything in it. A new name that is taken, on disk or by another rename in
/// the same folder (ignoring case, as Windows, macOS and Procore's folders may), gets ` (2)`, ` (3)`... added.
pub fn plan(paths: &[PathBuf]) -> Vec<Rename> {
    let mut sorted: Vec<&PathBuf> = paths.iter().collect();
    sorted.sort_by_key(|p| (std::cmp::Reverse(p.components().count()), *p));
    sorted.dedup();
    let mut taken: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut renames = Vec::new();
    for from in sorted {
        let Some(old) = from.file_name() else {
            continue;
        };
        let parent = from.parent().unwrap_or(Path::new("")).to_path_buf();
        let base = safe_name(old);
        if base.as_str() == old {
            continue;
        }
        let names = taken
            .entry(parent.clone())
            .or_insert_with(|| existing_names(&parent));
        let mut candidate = base.clone();
        let mut n = 2;
        while names.contains(&candidate.to_lowercase())
            || parent.join(&candidate).symlink_metadata().is_ok()
        {
            candidate = fit(&base, &format!(" ({n})"));
            n += 1;
        }
        names.insert(candidate.to_lowercase());
        renames.push(Rename {
            from: from.clone(),
            to: parent.join(candidate),
        });
    }
    renames
}

/// The names in a folder, lower-case (empty if it cannot be listed; the check on disk before
/// each rename still stands).
fn existing_names(dir: &Path) -> HashSet<String> {
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.file_name().to_string_lossy().to_lowercase())
                .collect()
        })
        .unwrap_or_default()
}

/// Where an original path ended up after `renames` (folders above it may have moved too).
pub fn final_path(path: &Path, renames: &[Rename]) -> PathBuf {
    let moved: HashMap<&Path, &OsStr> = renames
        .iter()
        .filter_map(|r| Some((r.from.as_path(), r.to.file_name()?)))
        .collect();
    let mut original = PathBuf::new();
    let mut now = PathBuf::new();
    for part in path.components() {
        original.push(part);
        match moved.get(original.as_path()) {
            Some(name) => now.push(name),
            None => now.push(part),
        }
    }
    now
}

/// Renames `from` to `to` unless something is already at `to`. For files, a hard link is made
/// first and the old name removed after, so an existing `to` is never replaced even if it
/// appears at the last moment; where links are not possible (folders, FAT drives) the rename
/// happens right after checking that `to` is free.
pub fn rename_no_clobber(from: &Path, to: &Path) -> io::Result<()> {
    let exists = || {
        io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} already exists", to.display()),
        )
    };
    if to.symlink_metadata().is_ok() {
        return Err(exists());
    }
    let is_file = from.symlink_metadata()?.is_file();
    if is_file {
        match std::fs::hard_link(from, to) {
            Ok(()) => {
                return std::fs::remove_file(from).inspect_err(|_| {
                    // Leave things as they were: the old name only.
                    let _ = std::fs::remove_file(to);
                });
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Err(exists()),
            Err(_) => {}
        }
    }
    if to.symlink_metadata().is_ok() {
        return Err(exists());
    }
    std::fs::rename(from, to)
}

/// The undo list written before renaming: enough to put every old name back.
#[derive(Debug, Serialize, Deserialize)]
pub struct UndoList {
    pub schema_version: u32,
    /// Always `fieldfix-preflight-undo`, so another JSON file is not mistaken for one.
    pub kind: String,
    pub created: String,
    /// In the order they were made; undo goes backwards.
    pub renames: Vec<Rename>,
}

const UNDO_KIND: &str = "fieldfix-preflight-undo";

/// What `--apply` did.
#[derive(Debug, Default)]
pub struct Applied {
    /// The renames made, with the paths as planned.
    pub done: Vec<Rename>,
    /// The renames that could not be made, and why.
    pub failed: Vec<(Rename, String)>,
    pub undo_list: PathBuf,
}

/// Makes the renames, having first written the undo list into `undo_dir`, under a new name,
/// never over a file. The list is written again at the end, atomically, with only the renames
/// that were made. Its paths are normalised (see [`stored`]). If the list cannot be written,
/// nothing is renamed and no list is left behind; the error names the file.
pub fn apply(plan: &[Rename], undo_dir: &Path) -> io::Result<Applied> {
    let undo_dir = std::fs::canonicalize(undo_dir).unwrap_or_else(|_| undo_dir.to_path_buf());
    let stored = |r: &Rename| Rename {
        from: stored(&r.from, &undo_dir),
        to: stored(&r.to, &undo_dir),
    };
    let created = jiff::ZonedDateTime::now();
    let stamp = created.strftime("%Y%m%d-%H%M%S").to_string();
    let (undo_list, mut file) = create_new(&undo_dir, &format!("fieldfix-undo-{stamp}"), "json")
        .map_err(|e| in_file(e, &undo_dir))?;
    let list = |renames: Vec<Rename>| UndoList {
        schema_version: crate::output::SCHEMA_VERSION,
        kind: UNDO_KIND.to_owned(),
        created: created.to_string(),
        renames,
    };
    if let Err(e) = write_list(&mut file, &list(plan.iter().map(stored).collect())) {
        drop(file);
        let _ = std::fs::remove_file(&undo_list);
        return Err(in_file(e, &undo_list));
    }
    let mut applied = Applied {
        undo_list,
        ..Applied::default()
    };
    for rename in plan {
        match rename_no_clobber(&rename.from, &rename.to) {
            Ok(()) => applied.done.push(rename.clone()),
            Err(e) => applied.failed.push((rename.clone(), e.to_string())),
        }
    }
    // Replace the list in one step: a crash here leaves the first one (every planned rename,
    // which undo handles), never a half-written file.
    let rewrite = || -> io::Result<()> {
        let mut tmp = tempfile::NamedTempFile::new_in(&undo_dir)?;
        write_list(
            tmp.as_file_mut(),
            &list(applied.done.iter().map(stored).collect()),
        )?;
        tmp.persist(&applied.undo_list).map_err(|e| e.error)?;
        Ok(())
    };
    rewrite().map_err(|e| in_file(e, &applied.undo_list))?;
    Ok(applied)
}

/// `e`, saying which file or folder it is about.
fn in_file(e: io::Error, path: &Path) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "cannot write the undo list {}: {e}",
            crate::safe::path(path)
        ),
    )
}

/// A path as the undo list stores it: its folder resolved (no `.`, `..` or links), and
/// relative to the undo list's folder when it is inside it, so undo still works after that
/// folder is renamed or moved.
fn stored(path: &Path, undo_dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let resolved = match (absolute.parent(), absolute.file_name()) {
        (Some(parent), Some(name)) => std::fs::canonicalize(parent)
            .map(|p| p.join(name))
            .unwrap_or(absolute),
        _ => absolute,
    };
    match resolved.strip_prefix(undo_dir) {
        Ok(inside) if !inside.as_os_str().is_empty() => inside.to_path_buf(),
        _ => resolved,
    }
}

fn write_list(file: &mut std::fs::File, list: &UndoList) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *file, list)?;
    writeln!(file)?;
    file.sync_all()
}

/// Creates `dir/stem.ext`, or `dir/stem-2.ext`... if taken; never replaces a file.
fn create_new(dir: &Path, stem: &str, ext: &str) -> io::Result<(PathBuf, std::fs::File)> {
    for n in 1..10_000 {
        let name = if n == 1 {
            format!("{stem}.{ext}")
        } else {
            format!("{stem}-{n}.{ext}")
        };
        let path = dir.join(name);
        match std::fs::File::create_new(&path) {
            Ok(file) => return Ok((path, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("too many undo lists named {stem} in {}", dir.display()),
    ))
}

/// Undo lists larger than this are refused unread.
const MAX_UNDO_BYTES: u64 = 64 * 1024 * 1024;

/// Reads an undo list, checking it is one: its kind and version, and that every entry renames
/// within one folder (old and new path differ in the last part only, with no `.` or `..`), so
/// an edited or planted list can never move a file somewhere else. Relative paths are taken
/// from the list's own folder.
pub fn read_undo_list(path: &Path) -> Result<UndoList, String> {
    let text = crate::input::read_text(path, MAX_UNDO_BYTES).map_err(|e| e.reason)?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let base = std::fs::canonicalize(base).unwrap_or_else(|_| base.to_path_buf());
    parse_undo_list(&text, &base)
}

/// An undo list from its text, checked as [`read_undo_list`] says, its relative paths taken
/// from `base`.
pub fn parse_undo_list(text: &str, base: &Path) -> Result<UndoList, String> {
    let mut list: UndoList =
        serde_json::from_str(text).map_err(|e| format!("not a fieldfix undo list ({e})"))?;
    if list.kind != UNDO_KIND {
        return Err(format!(
            "not a fieldfix undo list (kind is `{}`)",
            crate::safe::line(&list.kind)
        ));
    }
    // Version 2 changed guide documents only: undo lists written as version 1 read the same.
    if !(1..=crate::output::SCHEMA_VERSION).contains(&list.schema_version) {
        return Err(format!(
            "undo lists of schema_version {} are not supported (this fieldfix reads versions 1 to {})",
            list.schema_version,
            crate::output::SCHEMA_VERSION
        ));
    }
    for (n, r) in list.renames.iter_mut().enumerate() {
        if !within_one_folder(&r.from, &r.to) {
            return Err(format!(
                "entry {} renames {} to {}, which is not a rename within one folder; nothing was \
                 changed",
                n + 1,
                crate::safe::path(&r.from),
                crate::safe::path(&r.to)
            ));
        }
        r.from = base.join(&r.from);
        r.to = base.join(&r.to);
        if let Some(real) = linked_folder(&r.from) {
            return Err(format!(
                "entry {} names {}, but its folder is a link to {}: undo renames only in the \
                 folder an entry names (fieldfix writes real folders); nothing was changed",
                n + 1,
                crate::safe::path(&r.from),
                crate::safe::path(&real)
            ));
        }
    }
    Ok(list)
}

/// The real folder of `path` when its folder, once links are resolved, is another one: a
/// list entry through a link (`photos/x` with `photos` a link to `/etc`) would rename files
/// outside the folder it names. `--apply` stores every folder resolved, so an honest list
/// never has one. A folder that is not there is left to undo itself to report.
fn linked_folder(path: &Path) -> Option<PathBuf> {
    let folder = path.parent()?;
    let real = std::fs::canonicalize(folder).ok()?;
    (real != folder).then_some(real)
}

/// Whether `from` and `to` are two names in the same folder: only plain names, no `.` or
/// `..`, differing in the last part only.
fn within_one_folder(from: &Path, to: &Path) -> bool {
    use std::path::Component;
    let plain = |p: &Path| {
        p.file_name().is_some()
            && p.components()
                .all(|c| !matches!(c, Component::CurDir | Component::ParentDir))
    };
    plain(from) && plain(to) && from.parent() == to.parent() && from != to
}

/// What happened to one entry of the undo list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Undone {
    /// The old name is back.
    Restored(Rename),
    /// The old name is already there and the new one gone: nothing to do.
    AlreadyRestored(Rename),
    /// Could not be put back, and why.
    Failed(Rename, String),
}

/// Puts the old names back, newest rename first.
pub fn undo(list: &UndoList) -> Vec<Undone> {
    list.renames
        .iter()
        .rev()
        .map(|r| {
            let new_there = r.to.symlink_metadata().is_ok();
            let old_there = r.from.symlink_metadata().is_ok();
            match (new_there, old_there) {
                (false, true) => Undone::AlreadyRestored(r.clone()),
                (false, false) => Undone::Failed(
                    r.clone(),
                    format!("{} is not there any more", r.to.display()),
                ),
                (true, _) => match rename_no_clobber(&r.to, &r.from) {
                    Ok(()) => Undone::Restored(r.clone()),
                    Err(e) => Undone::Failed(r.clone(), e.to_string()),
                },
            }
        })
        .collect()
}

/// Paths in the undo list: text when they are valid Unicode, else the platform's raw form
/// (bytes on Unix, UTF-16 units on Windows), so a name that is not valid text still comes back
/// exactly.
mod stored_path {
    use super::*;

    #[derive(Serialize, Deserialize)]
    #[serde(untagged)]
    enum Stored {
        Text(String),
        Raw { raw: Vec<u32> },
    }

    pub fn serialize<S: serde::Serializer>(path: &Path, s: S) -> Result<S::Ok, S::Error> {
        match path.to_str() {
            Some(text) => Stored::Text(text.to_owned()),
            None => Stored::Raw {
                raw: to_raw(path.as_os_str()),
            },
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: serde::Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
        Ok(match Stored::deserialize(d)? {
            Stored::Text(text) => PathBuf::from(text),
            Stored::Raw { raw } => PathBuf::from(from_raw(&raw)),
        })
    }

    #[cfg(unix)]
    fn to_raw(s: &OsStr) -> Vec<u32> {
        use std::os::unix::ffi::OsStrExt;
        s.as_bytes().iter().map(|&b| u32::from(b)).collect()
    }

    #[cfg(unix)]
    fn from_raw(raw: &[u32]) -> OsString {
        use std::os::unix::ffi::OsStringExt;
        OsString::from_vec(raw.iter().map(|&u| u as u8).collect())
    }

    #[cfg(windows)]
    fn to_raw(s: &OsStr) -> Vec<u32> {
        use std::os::windows::ffi::OsStrExt;
        s.encode_wide().map(u32::from).collect()
    }

    #[cfg(windows)]
    fn from_raw(raw: &[u32]) -> OsString {
        use std::os::windows::ffi::OsStringExt;
        let wide: Vec<u16> = raw.iter().map(|&u| u as u16).collect();
        OsString::from_wide(&wide)
    }

    // Elsewhere paths are always text; the lossy form is the best there is.
    #[cfg(not(any(unix, windows)))]
    fn to_raw(s: &OsStr) -> Vec<u32> {
        s.to_string_lossy().chars().map(u32::from).collect()
    }

    #[cfg(not(any(unix, windows)))]
    fn from_raw(raw: &[u32]) -> OsString {
        raw.iter()
            .filter_map(|&u| char::from_u32(u))
            .collect::<String>()
            .into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::rules::MAX_NAME_BYTES;
    use proptest::prelude::*;

    fn safe(s: &str) -> String {
        safe_name(OsStr::new(s))
    }

    #[test]
    fn bad_characters_are_replaced_readably() {
        assert_eq!(safe("Q&A #2.pdf"), "Q_A _2.pdf");
        assert_eq!(safe("log 12/05/24 10:30.txt"), "log 12-05-24 10-30.txt");
        assert_eq!(safe("a**b??.jpg"), "a_b_.jpg");
        assert_eq!(safe("  report.pdf. "), "report.pdf");
        assert_eq!(safe(".hidden"), "hidden");
        assert_eq!(safe("tab\there"), "tabhere");
        assert_eq!(safe("CON.txt"), "CON_.txt");
        assert_eq!(safe("nul"), "nul_");
        assert_eq!(safe("..."), "unnamed");
        assert_eq!(safe("fine name.pdf"), "fine name.pdf");
    }

    #[test]
    fn long_names_are_cut_keeping_the_extension() {
        let long = format!("{}#.pdf", "é".repeat(200));
        let safe = safe(&long);
        assert!(safe.len() <= MAX_NAME_BYTES, "{}", safe.len());
        assert!(safe.ends_with(".pdf"));
        let numbered = fit(&safe, " (12)");
        assert!(numbered.len() <= MAX_NAME_BYTES);
        assert!(numbered.ends_with(" (12).pdf"));
    }

    proptest! {
        #[test]
        fn safe_names_pass_the_name_check_and_are_stable(name in "(?s).{0,80}") {
            let safe = safe(&name);
            prop_assert_eq!(crate::preflight::checks::name(OsStr::new(&safe)), None);
            prop_assert_eq!(safe_name(OsStr::new(&safe)), safe.clone());
        }
    }

    #[test]
    fn plans_avoid_existing_names_and_each_other_deepest_first() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("Q&A")).unwrap();
        std::fs::write(d.join("Q&A").join("a?.txt"), "1").unwrap();
        std::fs::write(d.join("Q&A").join("a*.txt"), "2").unwrap();
        std::fs::write(d.join("Q&A").join("A_.TXT"), "taken").unwrap();
        let plan = plan(&[
            d.join("Q&A"),
            d.join("Q&A").join("a?.txt"),
            d.join("Q&A").join("a*.txt"),
        ]);
        let rel = |p: &Path| p.strip_prefix(d).unwrap().display().to_string();
        let names: Vec<_> = plan.iter().map(|r| (rel(&r.from), rel(&r.to))).collect();
        assert_eq!(
            names,
            [
                ("Q&A/a*.txt".into(), "Q&A/a_ (2).txt".into()),
                ("Q&A/a?.txt".into(), "Q&A/a_ (3).txt".into()),
                ("Q&A".into(), "Q_A".into()),
            ]
        );
        assert_eq!(
            final_path(&d.join("Q&A").join("a?.txt"), &plan),
            d.join("Q_A").join("a_ (3).txt")
        );
    }

    #[test]
    fn rename_never_replaces_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        std::fs::write(&a, "a").unwrap();
        std::fs::write(&b, "b").unwrap();
        let err = rename_no_clobber(&a, &b).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(std::fs::read_to_string(&b).unwrap(), "b");
        assert_eq!(std::fs::read_to_string(&a).unwrap(), "a");
        let c = dir.path().join("c");
        rename_no_clobber(&a, &c).unwrap();
        assert!(!a.exists());
        assert_eq!(std::fs::read_to_string(&c).unwrap(), "a");
    }

    #[test]
    fn apply_writes_an_undo_list_that_restores_the_names() {
        let dir = tempfile::tempdir().unwrap();
        let undo_dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("Q&A")).unwrap();
        std::fs::write(d.join("Q&A").join("x#.txt"), "content").unwrap();
        let plan = plan(&[d.join("Q&A"), d.join("Q&A").join("x#.txt")]);
        let applied = apply(&plan, undo_dir.path()).unwrap();
        assert_eq!(applied.done.len(), 2);
        assert!(applied.failed.is_empty());
        assert_eq!(
            std::fs::read_to_string(d.join("Q_A").join("x_.txt")).unwrap(),
            "content"
        );
        let list = read_undo_list(&applied.undo_list).unwrap();
        assert_eq!(list.renames.len(), 2);
        let undone = undo(&list);
        assert!(
            undone.iter().all(|u| matches!(u, Undone::Restored(_))),
            "{undone:?}"
        );
        assert_eq!(
            std::fs::read_to_string(d.join("Q&A").join("x#.txt")).unwrap(),
            "content"
        );
        assert!(!d.join("Q_A").exists());
        // A second undo finds nothing to do.
        assert!(
            undo(&list)
                .iter()
                .all(|u| matches!(u, Undone::AlreadyRestored(_)))
        );
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_text_survive_the_undo_list() {
        use std::os::unix::ffi::OsStrExt;
        let r = Rename {
            from: PathBuf::from(OsStr::from_bytes(b"/tmp/caf\xe9.pdf")),
            to: PathBuf::from("/tmp/caf_.pdf"),
        };
        let text = serde_json::to_string(&r).unwrap();
        let back: Rename = serde_json::from_str(&text).unwrap();
        assert_eq!(back, r);
    }

    #[test]
    fn other_json_is_not_an_undo_list() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.json");
        std::fs::write(
            &path,
            r#"{"schema_version":1,"kind":"other","created":"","renames":[]}"#,
        )
        .unwrap();
        assert!(
            read_undo_list(&path)
                .unwrap_err()
                .contains("kind is `other`")
        );
        std::fs::write(&path, "[]").unwrap();
        assert!(
            read_undo_list(&path)
                .unwrap_err()
                .contains("not a fieldfix undo list")
        );
    }

    #[test]
    fn an_undo_list_that_cannot_be_written_stops_the_renames_and_names_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x#.txt"), "x").unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, "").unwrap();
        let plan = plan(&[dir.path().join("x#.txt")]);
        let err = apply(&plan, &not_a_folder).unwrap_err().to_string();
        assert!(err.contains("cannot write the undo list"), "{err}");
        assert!(err.contains(&not_a_folder.display().to_string()), "{err}");
        assert!(dir.path().join("x#.txt").exists());
    }
}
