//! A cache of the validated library for a `--guides` folder, so a folder of many guides is
//! parsed once, not on every run. YAML parsing is the slow part of loading (about 10 MB/s);
//! the cached library loads as JSON, many times faster.
//!
//! The cache must never serve a library the validator would reject, so it is trusted only as
//! far as it is checked:
//! - it is keyed by the fieldfix build and a SHA-256 of each guide file's *contents* (links
//!   followed), so any edit, even one that keeps size and modification time, parses afresh;
//! - it lives in a private folder (owner-only on Unix) and carries a SHA-256 of itself;
//! - on load the library is checked by the validator's own rules on a finished library
//!   ([`fieldfix_guides::sound::library`], which every freshly loaded library passes too):
//!   printable one-line names, ids, sources, positive numbers, known references, no cycle.
//!
//! Next to the library, in a file of its own under the same key and checks (its printed names,
//! titles and phrases must be printable single lines), is the folder's search index (compact
//! binary, postcard): `search` reads only that, and never loads the guides of a folder unchanged.
//!
//! Any doubt (unreadable, corrupt, edited, stale) means a fresh parse. Only a folder without
//! problems is cached; a cache that cannot be written is ignored.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::sha256_hex;
use serde::{Deserialize, Serialize};

use super::model::Library;
use crate::search::Index;

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

/// The cache file as read back.
#[derive(Deserialize)]
struct StoredEntry {
    key: Key,
    library: Library,
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
    let entry: StoredEntry = serde_json::from_slice(&read(&file_for(folder)?)?).ok()?;
    if entry.key != *key {
        return None;
    }
    fieldfix_guides::sound::library(&entry.library).ok()?;
    Some(entry.library)
}

/// The file of a folder's search index, next to its library's: a search reads only this.
pub fn index_file(folder: &Path) -> Option<PathBuf> {
    Some(file_for(folder)?.with_extension("index"))
}

/// The cached search index for `folder`, when its key still matches and every name, title and
/// phrase it prints is one printable line.
pub fn get_index(folder: &Path, key: &Key) -> Option<Index> {
    let (stored, index): (Key, Index) = postcard::from_bytes(&read(&index_file(folder)?)?).ok()?;
    let printable = |text: &str| {
        fieldfix_guides::text::forbidden_char(text).is_none() && !text.contains(['\n', '\r'])
    };
    (stored == *key && index.printed().all(printable)).then_some(index)
}

/// Stores the search index for `folder`, as [`put`] does the library.
pub fn put_index(folder: &Path, key: &Key, index: &Index) {
    if let (Some(path), Ok(body)) = (index_file(folder), postcard::to_allocvec(&(key, index))) {
        write(&path, &body);
    }
}

/// The body of a cache file, when the folder is private and the body matches its checksum.
fn read(path: &Path) -> Option<Vec<u8>> {
    if !private(path.parent()?) {
        return None;
    }
    let bytes = crate::input::read_bytes(path, MAX_CACHE_BYTES).ok()?;
    let newline = bytes.iter().position(|b| *b == b'\n')?;
    let (first, body) = (&bytes[..newline], &bytes[newline + 1..]);
    if std::str::from_utf8(first).ok()?.strip_prefix(MARK)? != sha256_hex(body) {
        return None;
    }
    Some(body.to_vec())
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

/// Stores the library for `folder`.
pub fn put(folder: &Path, key: &Key, library: &Library) {
    if let (Some(path), Ok(body)) = (
        file_for(folder),
        serde_json::to_vec(&Entry { key, library }),
    ) {
        write(&path, &body);
    }
}

/// Writes a cache file: the mark with the checksum of `body`, then `body` (atomically;
/// failures are ignored: the cache is only a cache).
fn write(path: &Path, body: &[u8]) {
    let Some(parent) = path.parent() else { return };
    let write = || -> std::io::Result<()> {
        create_private(parent)?;
        let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
        writeln!(tmp, "{MARK}{}", sha256_hex(body))?;
        tmp.write_all(body)?;
        tmp.as_file_mut().flush()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    let _ = write();
}

#[cfg(test)]
mod tests {
    use super::*;

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
