//! A cache of the validated library for a `--guides` folder, so a folder of many guides is
//! parsed once, not on every run. YAML parsing is the slow part of loading (about 10 MB/s);
//! the cached library loads as JSON, many times faster.
//!
//! The cache is keyed by the fieldfix build and by each guide file's name, size and
//! modification time: any change to the folder (or a new fieldfix) parses it afresh. Only a
//! folder without problems, and none of whose files changed in the last two seconds, is cached;
//! a cache that cannot be read or written is ignored.

use std::fs;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};

use super::model::Library;

/// Files modified less than this long ago are too fresh to cache.
const RACY_NANOS: u128 = 2_000_000_000;

/// What the cached library was built from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    /// The fieldfix build: its version and its built-in guides.
    build: String,
    /// Every guide file of the folder: name, size in bytes, modification time in nanoseconds.
    files: Vec<(String, u64, u128)>,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    key: Key,
    library: Library,
}

/// The cache folder: `FIELDFIX_CACHE_DIR`, or the platform's cache folder.
fn dir() -> Option<PathBuf> {
    std::env::var_os("FIELDFIX_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("", "", "fieldfix").map(|d| d.cache_dir().join("guides"))
        })
}

/// A stable (FNV-1a) hash, so file names do not change between Rust versions.
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

fn fnv(value: impl Hash) -> u64 {
    let mut h = Fnv(0xcbf2_9ce4_8422_2325);
    value.hash(&mut h);
    h.finish()
}

/// The cache file for a folder.
pub fn file_for(folder: &Path) -> Option<PathBuf> {
    let folder = fs::canonicalize(folder).ok()?;
    Some(dir()?.join(format!("{:016x}.json", fnv(folder))))
}

/// The key of a folder as it is now, from file metadata only (no file is read).
pub fn key(folder: &Path, build: &str) -> Option<Key> {
    let mut files = Vec::new();
    for entry in fs::read_dir(folder).ok()? {
        let entry = entry.ok()?;
        let path = entry.path();
        if !path.extension().is_some_and(|x| x == "yaml" || x == "yml") {
            continue;
        }
        let meta = entry.metadata().ok()?;
        let modified = meta
            .modified()
            .ok()?
            .duration_since(UNIX_EPOCH)
            .ok()?
            .as_nanos();
        files.push((
            entry.file_name().to_string_lossy().into_owned(),
            meta.len(),
            modified,
        ));
    }
    files.sort();
    Some(Key {
        build: build.to_owned(),
        files,
    })
}

/// The shape of [`Entry`] with each guide left as raw JSON, so the guides can be decoded on
/// several threads.
#[derive(Deserialize)]
struct RawEntry<'a> {
    key: Key,
    #[serde(borrow)]
    library: RawLibrary<'a>,
}

#[derive(Deserialize)]
struct RawLibrary<'a> {
    context: Vec<super::model::Question>,
    targets: std::collections::BTreeMap<super::model::Target, super::model::Contact>,
    #[serde(borrow)]
    guides: Vec<&'a serde_json::value::RawValue>,
}

/// The cached library for `folder`, when its key still matches.
pub fn get(folder: &Path, key: &Key) -> Option<Library> {
    let text = fs::read_to_string(file_for(folder)?).ok()?;
    let entry: RawEntry = serde_json::from_str(&text).ok()?;
    if entry.key != *key {
        return None;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let chunk = entry.library.guides.len().div_ceil(threads).max(1);
    let guides: Option<Vec<Vec<super::model::Guide>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = entry
            .library
            .guides
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .map(|raw| serde_json::from_str(raw.get()).ok())
                        .collect::<Option<Vec<_>>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().ok().flatten())
            .collect()
    });
    Some(Library {
        context: entry.library.context,
        targets: entry.library.targets,
        guides: guides?.into_iter().flatten().collect(),
    })
}

/// Stores the library for `folder` (atomically; failures are ignored: the cache is only a cache).
pub fn put(folder: &Path, key: &Key, library: &Library) {
    // A file changed in the last moments could change again within the clock's resolution
    // and keep its size: such a folder is not cached yet (Git's "racy" rule).
    let now = std::time::SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    if key
        .files
        .iter()
        .any(|(_, _, modified)| now.saturating_sub(*modified) < RACY_NANOS)
    {
        return;
    }
    let Some(path) = file_for(folder) else { return };
    let Some(parent) = path.parent() else { return };
    let write = || -> std::io::Result<()> {
        fs::create_dir_all(parent)?;
        let mut tmp = tempfile::NamedTempFile::new_in(parent)?;
        let entry = Entry {
            key: key.clone(),
            library: library.clone(),
        };
        serde_json::to_writer(&mut tmp, &entry)?;
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
    fn the_hash_is_stable() {
        // FNV-1a of "a" (with the length prefix `Hash for str` adds) must never change, or
        // every cache file would be orphaned by an upgrade.
        assert_eq!(fnv("a"), fnv("a"));
        assert_ne!(fnv("a"), fnv("b"));
        let mut h = Fnv(0xcbf2_9ce4_8422_2325);
        h.write(b"a");
        assert_eq!(h.finish(), 0xaf63_dc4c_8601_ec8c);
    }
}
