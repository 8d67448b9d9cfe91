//! Reading the files fieldfix is given (guides, answers, the saved session, undo lists, the
//! cache): only regular files (after following links), never more than a size cap, so a FIFO,
//! a device or `/dev/zero` is refused with a clear reason instead of hanging or eating memory.

use std::fs;
use std::io::Read;
use std::path::Path;

/// Why a file could not be read, in words (the caller names the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError {
    pub reason: String,
}

impl ReadError {
    fn new(reason: impl Into<String>) -> Self {
        ReadError {
            reason: reason.into(),
        }
    }
}

/// The path in the environment variable `name`; unset or empty means none.
pub fn env_path(name: &str) -> Option<std::path::PathBuf> {
    std::env::var_os(name)
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
}

/// The bytes of the regular file at `path` (links followed), refused when larger than `max`.
pub fn read_bytes(path: &Path, max: u64) -> Result<Vec<u8>, ReadError> {
    let cannot = |e: std::io::Error| ReadError::new(format!("cannot read the file: {e}"));
    // `metadata` never blocks; opening a FIFO for reading would wait for a writer forever.
    let meta = fs::metadata(path).map_err(cannot)?;
    if !meta.is_file() {
        let what = if meta.is_dir() {
            "a folder"
        } else {
            "not a regular file (a pipe, device or socket)"
        };
        return Err(ReadError::new(format!(
            "it is {what}, not a file fieldfix can read"
        )));
    }
    let too_large = || {
        ReadError::new(format!(
            "the file is larger than {} KiB, so it is not one fieldfix can use",
            max / 1024
        ))
    };
    if meta.len() > max {
        return Err(too_large());
    }
    let file = fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(max + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > max {
        return Err(too_large());
    }
    Ok(bytes)
}

/// The text of the regular file at `path`, which must be UTF-8 and at most `max` bytes.
pub fn read_text(path: &Path, max: u64) -> Result<String, ReadError> {
    String::from_utf8(read_bytes(path, max)?).map_err(|e| {
        ReadError::new(format!(
            "the file is not UTF-8 text (invalid byte at offset {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_big_files_are_refused_with_a_reason() {
        let dir = tempfile::tempdir().unwrap();
        assert!(
            read_text(dir.path(), 10)
                .unwrap_err()
                .reason
                .contains("a folder")
        );
        let file = dir.path().join("f");
        fs::write(&file, "0123456789ab").unwrap();
        assert!(
            read_text(&file, 10)
                .unwrap_err()
                .reason
                .contains("larger than")
        );
        assert_eq!(read_text(&file, 12).unwrap(), "0123456789ab");
        fs::write(&file, b"\xff").unwrap();
        assert!(
            read_text(&file, 12)
                .unwrap_err()
                .reason
                .contains("not UTF-8")
        );
    }
}
