//! The checks themselves, one function per kind of problem. They take names, sizes, storage
//! facts and file bytes (anything that reads and seeks: a file, or bytes in memory), never
//! paths, so each can be tested without a file system.

use std::ffi::OsStr;
use std::io::{self, Read, Seek, SeekFrom};

use serde::Serialize;

use super::rules::{BAD_CHARS, MAX_NAME_BYTES, is_reserved, safe_name};
use super::{Network, Severity};

/// What kind of problem a finding is; findings are grouped by it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Check {
    /// The file has no data here: an iCloud placeholder, or a cloud file that is online-only.
    NotDownloaded,
    /// 0 bytes.
    Empty,
    /// The file or folder cannot be read (permissions, a broken link, a link loop).
    Unreadable,
    /// A name with characters or a shape that break uploads.
    BadName,
    /// A path too long for Windows.
    LongPath,
    /// The content is not what the extension says.
    WrongType,
    /// The file is cut off or an unfinished download.
    Truncated,
    /// A PDF that asks for a password before it opens.
    PdfPassword,
    /// A PDF that opens but does not allow changes or markups.
    PdfRestricted,
    /// Bigger than the size you warn at.
    Large,
    /// A HEIC photo.
    Heic,
    /// A file type fieldfix does not recognise, or no extension.
    UnusualType,
    /// A file the operating system made (`.DS_Store`, `Thumbs.db`, Office lock files).
    SystemFile,
    /// A pipe, socket or device: not a file that can be uploaded.
    Special,
}

impl Check {
    /// The heading of the group in the text report.
    pub fn title(self) -> &'static str {
        match self {
            Check::NotDownloaded => "Not downloaded to this computer",
            Check::Empty => "Empty files",
            Check::Unreadable => "Cannot be read",
            Check::BadName => "Names that break uploads",
            Check::LongPath => "Paths that are too long",
            Check::WrongType => "Content does not match the extension",
            Check::Truncated => "Cut-off or unfinished files",
            Check::PdfPassword => "Password-protected PDFs",
            Check::PdfRestricted => "PDFs that block changes or markups",
            Check::Large => "Large files",
            Check::Heic => "HEIC photos",
            Check::UnusualType => "Unusual or unknown file types",
            Check::SystemFile => "System files",
            Check::Special => "Not regular files",
        }
    }
}

/// One problem with one file, before the path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issue {
    pub check: Check,
    pub severity: Severity,
    /// What is wrong, in a few words.
    pub problem: String,
    /// What to do about it.
    pub fix: String,
}

impl Issue {
    fn new(
        check: Check,
        severity: Severity,
        problem: impl Into<String>,
        fix: impl Into<String>,
    ) -> Self {
        Issue {
            check,
            severity,
            problem: problem.into(),
            fix: fix.into(),
        }
    }

    fn fail(check: Check, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Issue::new(check, Severity::Fail, problem, fix)
    }

    fn warn(check: Check, problem: impl Into<String>, fix: impl Into<String>) -> Self {
        Issue::new(check, Severity::Warn, problem, fix)
    }
}

const DOWNLOAD_FIRST: &str = "Download it locally first (in Finder or File Explorer: right-click > \
     Download Now / Always keep on this device), then check again.";

mod content;
mod name;
mod pdf;
mod storage;

pub use content::*;
pub use name::*;
pub use pdf::*;
pub use storage::*;

// ---------------------------------------------------------------------------------------------
// Errors and odd entries

/// A file or folder that cannot be read.
pub fn unreadable(err: &io::Error, folder: bool) -> Issue {
    let what = if folder { "folder" } else { "file" };
    let (problem, fix) = match err.kind() {
        io::ErrorKind::PermissionDenied => (
            format!("this {what} cannot be read: permission denied"),
            format!(
                "Ask whoever owns it for access, or copy the {what} to a folder of your own first."
            ),
        ),
        io::ErrorKind::NotFound => (
            format!(
                "this {what} could not be found (a broken link, or it was moved while checking)"
            ),
            "Check the link or the file is still there, then check again.".to_owned(),
        ),
        _ => (
            format!("this {what} cannot be read: {err}"),
            format!("Open it on this computer to check it, or copy the {what} again."),
        ),
    };
    Issue::fail(Check::Unreadable, problem, fix)
}

/// A symbolic link that leads back into its own folder.
pub fn link_loop() -> Issue {
    Issue::warn(
        Check::Unreadable,
        "a link that leads back into a folder above it (a loop)",
        "Leave the link out of the upload; it was not followed.",
    )
}

/// A pipe, socket or device file.
pub fn special() -> Issue {
    Issue::warn(
        Check::Special,
        "not a regular file (a pipe, socket or device), so it cannot be uploaded",
        "Leave it out of the upload.",
    )
}

/// The test files, made as the integration tests make them.
#[cfg(test)]
#[path = "../../../tests/support/pdf.rs"]
mod test_files;

/// What the tests of every section share: names, and the test files.
#[cfg(test)]
mod test_support {
    pub(crate) use super::test_files::{jpeg, png};

    pub(crate) fn os(s: &str) -> &super::OsStr {
        super::OsStr::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreadable_files_are_findings() {
        let denied = unreadable(&io::Error::from(io::ErrorKind::PermissionDenied), false);
        assert_eq!(
            (denied.check, denied.severity),
            (Check::Unreadable, Severity::Fail)
        );
        assert!(denied.problem.contains("permission denied"));
        let folder = unreadable(&io::Error::other("disk on fire"), true);
        assert!(
            folder
                .problem
                .contains("folder cannot be read: disk on fire")
        );
    }
}
