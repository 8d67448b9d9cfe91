//! Reading outcome records from the files and folders an admin collected. A line cut short by a
//! crash, or damaged, is skipped with a warning that names its file and line, never fatal; a
//! file that holds no record at all (not a log) is an error naming its first bad line.

use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::record::{RECORD_VERSION, Record};

/// Outcome files larger than this are refused unread (the local log rotates at 2 MiB; a
/// collected file may be several logs joined).
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// The records read, in file order, and what was skipped.
#[derive(Debug, Default)]
pub struct Records {
    pub records: Vec<Record>,
    /// One line per skipped line: file, line number and why (safe to print).
    pub warnings: Vec<String>,
}

/// An outcome file or folder cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{}: no such file or folder", crate::safe::path(.0))]
    Missing(PathBuf),
    #[error("cannot read {}: {reason}", crate::safe::path(path))]
    Unreadable { path: PathBuf, reason: String },
    #[error(
        "{}:{line}: not an outcome record ({}); fieldfix reads the JSON Lines logs the wizard \
         writes (outcomes.jsonl)",
        crate::safe::path(path),
        crate::safe::line(reason)
    )]
    NotRecords {
        path: PathBuf,
        line: usize,
        reason: String,
    },
}

/// Reads every path: a file, or a folder with every `*.jsonl` file in it and its subfolders
/// (links not followed), in name order.
pub fn read_paths(paths: &[PathBuf]) -> Result<Records, ReadError> {
    let mut records = Vec::new();
    let warnings = for_each_record(paths, |r| records.push(r))?;
    Ok(Records { records, warnings })
}

/// Reads every path as [`read_paths`] does, handing each record to `each` as it is read, so
/// that a log of any length takes the memory of one line (`fieldfix tune`); returns the
/// warnings.
pub fn for_each_record(
    paths: &[PathBuf],
    mut each: impl FnMut(Record),
) -> Result<Vec<String>, ReadError> {
    let mut warnings = Vec::new();
    for path in paths {
        let meta = std::fs::metadata(path).map_err(|_| ReadError::Missing(path.clone()))?;
        let files = if meta.is_dir() {
            let mut files = Vec::new();
            jsonl_files(path, &mut files).map_err(|e| ReadError::Unreadable {
                path: path.clone(),
                reason: e.to_string(),
            })?;
            files.sort();
            files
        } else {
            vec![path.clone()]
        };
        for file in files {
            warnings.extend(read_file(&file, &mut each)?);
        }
    }
    Ok(warnings)
}

/// The `*.jsonl` files under `dir`.
fn jsonl_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        let path = entry.path();
        if kind.is_dir() {
            jsonl_files(&path, files)?;
        } else if kind.is_file() && path.extension().is_some_and(|e| e == "jsonl") {
            files.push(path);
        }
    }
    Ok(())
}

/// Reads one outcome file a line at a time, handing each record to `each`.
fn read_file(path: &Path, each: &mut dyn FnMut(Record)) -> Result<Vec<String>, ReadError> {
    let unreadable = |reason: String| ReadError::Unreadable {
        path: path.to_owned(),
        reason,
    };
    // The same checks as every file fieldfix reads: a regular file, within the size cap.
    let meta =
        std::fs::metadata(path).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    if !meta.is_file() || meta.len() > MAX_FILE_BYTES {
        crate::input::read_bytes(path, MAX_FILE_BYTES).map_err(|e| unreadable(e.reason))?;
    }
    let file =
        std::fs::File::open(path).map_err(|e| unreadable(format!("cannot read the file: {e}")))?;
    let mut reader = std::io::BufReader::with_capacity(1 << 16, file.take(MAX_FILE_BYTES));
    parse_lines(&mut reader, path, each)
}

/// Only the version, to tell a newer record from a broken one.
#[derive(Deserialize)]
struct Version {
    record: u32,
}

/// The records in `text`, the contents of the file `path`.
pub fn parse(text: &str, path: &Path) -> Result<Records, ReadError> {
    let mut records = Vec::new();
    let warnings = parse_lines(&mut text.as_bytes(), path, &mut |r| records.push(r))?;
    Ok(Records { records, warnings })
}

/// The records in the lines of `input`, the file `path`, each handed to `each`; the warnings.
fn parse_lines(
    input: &mut dyn BufRead,
    path: &Path,
    each: &mut dyn FnMut(Record),
) -> Result<Vec<String>, ReadError> {
    let mut warnings = Vec::new();
    let (mut first_bad, mut records, mut lines_seen, mut newer) = (None, 0, 0, 0);
    let name = crate::safe::path(path);
    let mut line = Vec::new();
    for number in 1.. {
        line.clear();
        let got = input
            .read_until(b'\n', &mut line)
            .map_err(|e| ReadError::Unreadable {
                path: path.to_owned(),
                reason: format!("cannot read the file: {e}"),
            })?;
        if got == 0 {
            break;
        }
        // A last line without its line break was cut short, if it is not a record.
        let torn = line.last() != Some(&b'\n');
        let text = line.strip_suffix(b"\n").unwrap_or(&line);
        let text = text.strip_suffix(b"\r").unwrap_or(text);
        if text.trim_ascii().is_empty() {
            continue;
        }
        lines_seen += 1;
        let parsed = std::str::from_utf8(text)
            .map_err(|e| {
                format!(
                    "not UTF-8 text (invalid byte at column {})",
                    e.valid_up_to() + 1
                )
            })
            .and_then(parse_line);
        match parsed {
            Ok(Some(record)) => {
                records += 1;
                each(record);
            }
            Ok(None) => {
                newer += 1;
                warnings.push(format!(
                    "{name}:{number}: skipped a record written by a newer fieldfix"
                ));
            }
            Err(reason) => {
                let why = if torn {
                    "a line cut short (fieldfix stopped while writing it)".to_owned()
                } else {
                    format!("not an outcome record ({})", crate::safe::line(&reason))
                };
                warnings.push(format!("{name}:{number}: skipped {why}"));
                first_bad.get_or_insert((number, reason));
            }
        }
    }
    if records == 0
        && newer == 0
        && let Some((line, reason)) = first_bad
        && lines_seen > 0
    {
        return Err(ReadError::NotRecords {
            path: path.to_owned(),
            line,
            reason,
        });
    }
    Ok(warnings)
}

/// One line: a record, `None` for a newer record version, or what is wrong with it.
fn parse_line(line: &str) -> Result<Option<Record>, String> {
    let version: Version = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if version.record > RECORD_VERSION {
        return Ok(None);
    }
    let record: Record = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if record.record != RECORD_VERSION {
        return Err(format!("unknown record version {}", record.record));
    }
    if !(record.minutes.is_finite() && record.minutes >= 0.0) {
        return Err(format!(
            "minutes must be 0 or more, found {}",
            record.minutes
        ));
    }
    Ok(Some(record))
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{"record":1,"fieldfix":"0.1.0","guide":"g","guide_hash":"00","session":"s","answers":{},"steps":[],"outcome":"fixed","minutes":2.0,"at":"2026-01-01T00:00:00Z"}"#;

    #[test]
    fn a_torn_last_line_is_a_warning_with_file_and_line() {
        let text = format!("{GOOD}\n{GOOD}\n{{\"record\":1,\"fiel");
        let read = parse(&text, Path::new("crew/a.jsonl")).unwrap();
        assert_eq!(read.records.len(), 2);
        assert_eq!(read.warnings.len(), 1);
        assert!(read.warnings[0].starts_with("crew/a.jsonl:3: skipped a line cut short"));
    }

    #[test]
    fn a_file_of_no_records_is_an_error_at_its_first_line() {
        let err = parse("name,minutes\nbob,3\n", Path::new("sheet.csv")).unwrap_err();
        let message = err.to_string();
        assert!(
            message.starts_with("sheet.csv:1: not an outcome record"),
            "{message}"
        );
        assert!(
            parse("", Path::new("empty.jsonl"))
                .unwrap()
                .records
                .is_empty()
        );
    }

    #[test]
    fn newer_records_are_skipped_not_misread() {
        let newer = GOOD.replace(r#""record":1"#, r#""record":9"#);
        let read = parse(&format!("{newer}\n{GOOD}\n"), Path::new("l.jsonl")).unwrap();
        assert_eq!(read.records.len(), 1);
        assert!(read.warnings[0].contains("newer fieldfix"));
        let read = parse(&format!("{newer}\n"), Path::new("l.jsonl")).unwrap();
        assert!(read.records.is_empty());
    }
}
