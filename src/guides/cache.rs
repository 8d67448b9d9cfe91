//! A cache of the validated library for a `--guides` folder, so a folder of many guides is
//! parsed once, not on every run. YAML parsing is the slow part of loading (about 10 MB/s);
//! the cached library loads as JSON, many times faster.
//!
//! The cache must never serve a library the validator would reject, so it is trusted only as
//! far as it is checked:
//! - it is keyed by the fieldfix build and a SHA-256 of each guide file's *contents* (links
//!   followed), so any edit, even one that keeps size and modification time, parses afresh;
//! - it lives in a private folder (owner-only on Unix) and carries a SHA-256 of itself;
//! - on load every text is checked for control characters, every id for its form, and the
//!   invariants the engine relies on (positive finite numbers, known references, no cycles)
//!   are checked again.
//!
//! Any doubt (unreadable, corrupt, edited, stale) means a fresh parse. Only a folder without
//! problems is cached; a cache that cannot be written is ignored.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sha256_hex;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::model::{Contact, Guide, Library, Question, Target, Vocabulary};
use super::text::{forbidden_char, is_id};

/// Cache files larger than this are not read.
const MAX_CACHE_BYTES: u64 = 512 * 1024 * 1024;

/// What the cached library was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The fieldfix build: its version and its built-in guides.
    build: String,
    /// Every guide file of the folder: name and SHA-256 of its contents.
    files: Vec<(String, String)>,
}

#[derive(Serialize)]
struct Entry<'a> {
    key: &'a Key,
    library: &'a Library,
}

/// The cache folder: `FIELDFIX_CACHE_DIR` (when not empty), or the platform's cache folder.
fn dir() -> Option<PathBuf> {
    crate::input::env_path("FIELDFIX_CACHE_DIR").or_else(|| {
        directories::ProjectDirs::from("", "", "fieldfix").map(|d| d.cache_dir().join("guides"))
    })
}

/// The cache file for a folder.
pub fn file_for(folder: &Path) -> Option<PathBuf> {
    let folder = fs::canonicalize(folder).ok()?;
    let name = sha256_hex(folder.to_string_lossy().as_bytes());
    Some(dir()?.join(format!("{}.json", &name[..32])))
}

/// The key of a folder as it is now: every guide file is read (links followed) and hashed.
/// `None` when a file cannot be read: the fresh parse then reports it.
pub fn key(folder: &Path, build: &str) -> Option<Key> {
    let mut files = Vec::new();
    for entry in fs::read_dir(folder).ok()? {
        let path = entry.ok()?.path();
        if !super::load::is_guide_file(&path) {
            continue;
        }
        let bytes = crate::input::read_bytes(&path, super::load::MAX_FILE_BYTES).ok()?;
        let name = path.file_name()?.to_string_lossy().into_owned();
        files.push((name, sha256_hex(&bytes)));
    }
    files.sort();
    Some(Key {
        build: build.to_owned(),
        files,
    })
}

/// The shape of the cache file with each part left as raw JSON, so each can be checked as
/// text before it is decoded, and the guides decoded on several threads.
#[derive(Deserialize)]
struct RawEntry<'a> {
    key: Key,
    #[serde(borrow)]
    library: RawLibrary<'a>,
}

#[derive(Deserialize)]
struct RawLibrary<'a> {
    #[serde(borrow)]
    context: &'a RawValue,
    #[serde(borrow)]
    targets: &'a RawValue,
    #[serde(borrow)]
    guides: Vec<&'a RawValue>,
    #[serde(borrow)]
    vocabulary: &'a RawValue,
}

/// The first line of a cache file: this mark and the SHA-256 of the rest.
const MARK: &str = "fieldfix-guide-cache ";

/// Whether the cache folder is private: not writable by others (Unix), so no one else can
/// plant a cache file there. On Windows the folder is under the user's own
/// `%LOCALAPPDATA%`, which by default only that user (and administrators) can write; its ACL
/// is not inspected, and a cache file must still pass its checksum and every check on load.
fn private(dir: &Path) -> bool {
    let Ok(meta) = fs::symlink_metadata(dir) else {
        return false;
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_dir() && meta.permissions().mode() & 0o022 == 0
    }
    #[cfg(not(unix))]
    {
        meta.is_dir()
    }
}

/// The cached library for `folder`, when its key still matches and it passes every check.
pub fn get(folder: &Path, key: &Key) -> Option<Library> {
    let path = file_for(folder)?;
    if !private(path.parent()?) {
        return None;
    }
    let text = crate::input::read_text(&path, MAX_CACHE_BYTES).ok()?;
    let (first, body) = text.split_once('\n')?;
    if first.strip_prefix(MARK)? != sha256_hex(body.as_bytes()) {
        return None;
    }
    let entry: RawEntry = serde_json::from_str(body).ok()?;
    if entry.key != *key {
        return None;
    }
    let context: Vec<Question> = checked(entry.library.context)?;
    let targets: BTreeMap<Target, Contact> = checked(entry.library.targets)?;
    let vocabulary: Vocabulary = checked(entry.library.vocabulary)?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = entry.library.guides.len().div_ceil(threads).max(1);
    let guides: Option<Vec<Vec<Guide>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = entry
            .library
            .guides
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|raw| checked(raw))
                        .collect::<Option<Vec<Guide>>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().ok().flatten())
            .collect()
    });
    let library = Library {
        context,
        targets,
        guides: guides?.into_iter().flatten().collect(),
        vocabulary,
    };
    sound(&library).then_some(library)
}

/// `raw` decoded, if none of its texts (keys included) can hold a forbidden character.
fn checked<T: serde::de::DeserializeOwned>(raw: &RawValue) -> Option<T> {
    let text = raw.get();
    clean_json(text)
        .then(|| serde_json::from_str(text).ok())
        .flatten()
}

/// Whether no string in the JSON text `json` (keys included) can decode to a character
/// [`forbidden_char`] refuses. Every character of a decoded string is either written as it
/// is or escaped, so checking each character and each escape of the text checks them all,
/// without decoding the document twice (once to a `Value` to look, once to the model).
/// Stricter than needed, never looser: whitespace between tokens other than a line break, and
/// escaped halves of surrogate pairs, count as forbidden (the cache, written by serde_json from
/// a validated library, has neither), and only cost a fresh parse.
fn clean_json(json: &str) -> bool {
    let bytes = json.as_bytes();
    let plain = |b: &u8| (b' '..=b'~').contains(b) && *b != b'\\';
    let mut i = 0;
    while i < bytes.len() {
        // Printable ASCII, nearly all of it, sixteen bytes at a time (a loop the compiler
        // turns into vector instructions: `all` would stop early and stay byte by byte).
        while let Some(run) = bytes.get(i..i + 16)
            && run.iter().fold(true, |ok, b| ok & plain(b))
        {
            i += 16;
        }
        let Some(&b) = bytes.get(i) else { break };
        if b == b'\\' {
            let allowed = match bytes.get(i + 1) {
                Some(b'n' | b'"' | b'\\' | b'/') => Some(2),
                Some(b'u') => json
                    .get(i + 2..i + 6)
                    .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                    .and_then(char::from_u32)
                    .filter(|&c| forbidden_char(&c.to_string()).is_none())
                    .map(|_| 6),
                _ => None,
            };
            let Some(len) = allowed else { return false };
            i += len;
        } else if b.is_ascii() {
            if b != b'\n' && (b < b' ' || b == 0x7f) {
                return false;
            }
            i += 1;
        } else {
            // The start of a character of two to four bytes: `json` is a `str`.
            let Some(c) = json[i..].chars().next() else {
                return false;
            };
            if forbidden_char(&json[i..i + c.len_utf8()]).is_some() {
                return false;
            }
            i += c.len_utf8();
        }
    }
    true
}

/// The invariants the validator guarantees and the engine and export rely on: valid, unique
/// ids; positive finite numbers; references to things that exist; steps not ordered in a
/// cycle.
fn sound(library: &Library) -> bool {
    let guide_ids: BTreeSet<&str> = library.guides.iter().map(|g| g.id.as_str()).collect();
    guide_ids.len() == library.guides.len()
        && library.context.iter().all(|q| is_id(&q.id))
        && Target::ALL.iter().all(|t| library.targets.contains_key(t))
        && library.guides.iter().all(|g| sound_guide(g, &guide_ids))
}

/// The ids as a set, if they are all valid and distinct.
fn unique(ids: Vec<&str>) -> Option<BTreeSet<&str>> {
    let n = ids.len();
    let set: BTreeSet<&str> = ids.into_iter().collect();
    (set.len() == n && set.iter().all(|id| is_id(id))).then_some(set)
}

fn sound_guide(g: &Guide, guide_ids: &BTreeSet<&str>) -> bool {
    let finite = |x: f64, low: f64, high: f64| x.is_finite() && x >= low && x <= high;
    let (Some(causes), Some(steps), Some(_)) = (
        unique(g.causes.iter().map(|c| c.id.as_str()).collect()),
        unique(g.steps.iter().map(|s| s.id.as_str()).collect()),
        unique(g.questions.iter().map(|q| q.id.as_str()).collect()),
    ) else {
        return false;
    };
    is_id(&g.id)
        && g.aliases.iter().all(|a| !a.trim().is_empty())
        && Target::ALL.iter().all(|t| {
            g.escalate
                .targets
                .get(t)
                .is_some_and(|c| finite(c.minutes, f64::MIN_POSITIVE, 1e6))
        })
        && g.related.iter().all(|r| guide_ids.contains(r.as_str()))
        && g.causes
            .iter()
            .all(|c| finite(c.likelihood, f64::MIN_POSITIVE, 1e6))
        && g.steps.iter().all(|s| {
            finite(s.minutes, 0.0, 1e6)
                && finite(s.success, f64::MIN_POSITIVE, 1.0)
                && s.fixes.iter().all(|f| causes.contains(f.as_str()))
                && s.after.iter().all(|a| steps.contains(a.as_str()))
        })
        && !after_cycle(g)
}

/// Whether the `after` orders of the steps form a cycle (Kahn's algorithm).
fn after_cycle(g: &Guide) -> bool {
    let mut waiting: HashMap<&str, usize> = g
        .steps
        .iter()
        .map(|s| (s.id.as_str(), s.after.len()))
        .collect();
    let mut ready: Vec<&str> = waiting
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(id, _)| *id)
        .collect();
    let mut done = 0;
    while let Some(id) = ready.pop() {
        done += 1;
        for s in g.steps.iter().filter(|s| s.after.iter().any(|a| a == id)) {
            let n = waiting
                .get_mut(s.id.as_str())
                .expect("every step is counted");
            *n -= 1;
            if *n == 0 {
                ready.push(&s.id);
            }
        }
    }
    done != g.steps.len()
}

/// Creates the cache folder, owner-only on Unix; on Windows it inherits the ACL of the user's
/// `%LOCALAPPDATA%`, already private to that user.
fn create_private(dir: &Path) -> std::io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(dir)?;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))
    }
    #[cfg(not(unix))]
    builder.create(dir)
}

/// Stores the library for `folder` (atomically; failures are ignored: the cache is only a cache).
pub fn put(folder: &Path, key: &Key, library: &Library) {
    let Some(path) = file_for(folder) else { return };
    let Some(parent) = path.parent() else { return };
    let write = || -> std::io::Result<()> {
        create_private(parent)?;
        let body = serde_json::to_string(&Entry { key, library })?;
        let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
        writeln!(tmp, "{MARK}{}", sha256_hex(body.as_bytes()))?;
        tmp.write_all(body.as_bytes())?;
        tmp.as_file_mut().flush()?;
        tmp.persist(&path).map_err(|e| e.error)?;
        Ok(())
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_json_text_is_clean_only_when_no_string_in_it_can_hold_a_forbidden_character() {
        let clean = [
            r#"{"title":"Photos \"stuck\" on the phone","do":["one\ntwo"],"path":"a\\b/c"}"#,
            r#"{"name":"caf\u00e9 \u000a","emoji":"😀","accent":"é"}"#,
            "[\n  1,\n  2\n]",
        ];
        for json in clean {
            assert!(clean_json(json), "{json}");
        }
        let forbidden = [
            r#"{"a":"\u001b]52;c;ZXZpbA==\u0007"}"#,
            r#"{"a":"tab\there"}"#,
            r#"{"a":"\r"}"#,
            r#"{"a":"next\u0085line"}"#,
            r#"{"a":"\u202e"}"#,
            "{\"a\u{202e}b\":1}",
            "{\"a\":\"del\u{7f}\"}",
            "{\"a\":\"c1\u{9b}2J\"}",
            r#"{"a":"\ud83d\ude00"}"#,
            r#"{"a":"\u00"}"#,
            r#"{"a":"\x41"}"#,
            "{\"a\":\t1}",
        ];
        for json in forbidden {
            assert!(!clean_json(json), "{json}");
        }
    }

    #[test]
    fn the_hash_is_sha256() {
        // The cache file names must never change between builds, or every cache file would be
        // orphaned by an upgrade.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
