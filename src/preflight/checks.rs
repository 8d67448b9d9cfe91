//! The checks themselves, one function per kind of problem. They take names, sizes, storage
//! facts and file bytes (through [`Source`], which an in-memory slice implements), never paths,
//! so each can be tested without a file system.

use std::ffi::OsStr;
use std::fs::File;
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

// ---------------------------------------------------------------------------------------------
// Names and paths

/// Paths longer than this (in characters) break on Windows (MAX_PATH).
pub const MAX_PATH_CHARS: usize = 260;

/// The problems with a file or folder name, or `None` when it is safe. Fails for characters,
/// spaces and dots that break uploads; only warns for a leading dot (a hidden file).
pub fn name(name: &OsStr) -> Option<Issue> {
    let safe = safe_name(name);
    let fix = format!(
        "Rename it, e.g. to \"{safe}\" (`fieldfix preflight --fix-names` does it for you)."
    );
    let Some(text) = name.to_str() else {
        return Some(Issue::fail(
            Check::BadName,
            "the name is not valid text (it was probably made by an old program or unpacked \
             from an old ZIP file)",
            fix,
        ));
    };
    let mut reasons = failing_reasons(text);
    let fails = !reasons.is_empty();
    if text.starts_with('.') {
        reasons
            .push("starts with a dot, so it is hidden and folder uploads may skip it".to_owned());
    }
    if reasons.is_empty() {
        return None;
    }
    let severity = if fails {
        Severity::Fail
    } else {
        Severity::Warn
    };
    Some(Issue::new(
        Check::BadName,
        severity,
        format!("the name {}", join_reasons(&reasons)),
        fix,
    ))
}

/// Why a name will fail an upload, in the order a person reads them; empty when nothing does.
fn failing_reasons(text: &str) -> Vec<String> {
    let mut reasons = Vec::new();
    let mut bad: Vec<char> = Vec::new();
    for c in text.chars().filter(|c| BAD_CHARS.contains(c)) {
        if !bad.contains(&c) {
            bad.push(c);
        }
    }
    if !bad.is_empty() {
        let list: Vec<String> = bad.iter().map(|c| format!("{c}")).collect();
        reasons.push(format!("contains {}", list.join(" ")));
    }
    if text.chars().any(char::is_control) {
        reasons.push("contains invisible control characters".to_owned());
    }
    if text
        .chars()
        .any(|c| crate::safe::is_unsafe(c) && !c.is_control())
    {
        reasons.push(
            "contains characters that change the direction text is shown in, so the name is \
             not what it looks like (`x\u{202e}fdp.exe` shows as `xexe.pdf`)"
                .to_owned(),
        );
    }
    if text.starts_with(char::is_whitespace) {
        reasons.push("starts with a space".to_owned());
    }
    if text.ends_with(char::is_whitespace) {
        reasons.push("ends with a space".to_owned());
    }
    if text.ends_with('.') && !text.trim_matches('.').is_empty() {
        reasons.push("ends with a dot".to_owned());
    }
    if is_reserved(text) {
        reasons.push("is a name Windows reserves for devices".to_owned());
    }
    if text.len() > MAX_NAME_BYTES {
        reasons.push(format!(
            "is {} bytes long (more than {MAX_NAME_BYTES})",
            text.len()
        ));
    }
    reasons
}

fn join_reasons(reasons: &[String]) -> String {
    match reasons {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// A warning for a path longer than Windows allows (`chars` characters).
pub fn path_length(chars: usize) -> Option<Issue> {
    (chars > MAX_PATH_CHARS).then(|| {
        Issue::warn(
            Check::LongPath,
            format!("the path is {chars} characters long (Windows handles {MAX_PATH_CHARS})"),
            "Shorten the folder or file names, or move the folder closer to the top of the drive; \
             on Windows, downloading or syncing it will fail.",
        )
    })
}

/// An iCloud placeholder (`.Report.pdf.icloud`): the real file is in the cloud, not here.
pub fn icloud_placeholder(name: &OsStr) -> Option<Issue> {
    let text = name.to_str()?;
    let real = text.strip_prefix('.')?.strip_suffix(".icloud")?;
    (!real.is_empty()).then(|| {
        Issue::fail(
            Check::NotDownloaded,
            format!("an iCloud placeholder: \"{real}\" itself is not on this computer"),
            DOWNLOAD_FIRST,
        )
    })
}

/// Files that the operating system or an open Office document leave behind.
pub fn system_file(name: &OsStr) -> Option<Issue> {
    let text = name.to_str()?;
    let lower = text.to_ascii_lowercase();
    let what = if lower == ".ds_store" {
        "a Finder settings file (.DS_Store)"
    } else if lower == "thumbs.db" || lower == "desktop.ini" {
        "a Windows folder settings file"
    } else if text.starts_with("~$") {
        "an Office lock file (the document was open when it was copied)"
    } else if text.starts_with("._") {
        "a macOS resource file (._ file), not a document"
    } else {
        return None;
    };
    Some(Issue::warn(
        Check::SystemFile,
        format!("{what}, not a document"),
        "Leave it out of the upload (it is safe to delete from the copy you upload).",
    ))
}

// ---------------------------------------------------------------------------------------------
// Storage and size

/// What the file system says about where a file's data is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Storage {
    /// The file's size.
    pub len: u64,
    /// Bytes actually stored on this disk, where the platform tells (Unix).
    pub allocated: Option<u64>,
    /// The platform marks the file as online-only (Windows offline/recall attributes,
    /// macOS dataless files).
    pub online_only: bool,
}

/// Files smaller than this can live inside the file system's own records (ext4 inline data,
/// NTFS resident files) and use no blocks although their data is here.
const INLINE_DATA_MAX: u64 = 4096;

/// Storage facts from metadata, on each platform.
pub fn storage(meta: &std::fs::Metadata) -> Storage {
    #[cfg(unix)]
    let allocated = {
        use std::os::unix::fs::MetadataExt;
        Some(meta.blocks().saturating_mul(512))
    };
    #[cfg(not(unix))]
    let allocated = None;

    #[cfg(windows)]
    let online_only = {
        use std::os::windows::fs::MetadataExt;
        const FILE_ATTRIBUTE_OFFLINE: u32 = 0x1000;
        const FILE_ATTRIBUTE_RECALL_ON_OPEN: u32 = 0x4_0000;
        const FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS: u32 = 0x40_0000;
        meta.file_attributes()
            & (FILE_ATTRIBUTE_OFFLINE
                | FILE_ATTRIBUTE_RECALL_ON_OPEN
                | FILE_ATTRIBUTE_RECALL_ON_DATA_ACCESS)
            != 0
    };
    #[cfg(target_os = "macos")]
    let online_only = {
        use std::os::macos::fs::MetadataExt;
        const SF_DATALESS: u32 = 0x4000_0000;
        meta.st_flags() & SF_DATALESS != 0
    };
    #[cfg(not(any(windows, target_os = "macos")))]
    let online_only = false;

    Storage {
        len: meta.len(),
        allocated,
        online_only,
    }
}

/// A file whose data is not on this computer: online-only, or no blocks at all for its size.
pub fn not_downloaded(s: &Storage) -> Option<Issue> {
    let no_blocks = s.len > INLINE_DATA_MAX && s.allocated == Some(0);
    (s.len > 0 && (s.online_only || no_blocks)).then(|| {
        Issue::fail(
            Check::NotDownloaded,
            "its data is not on this computer (a cloud file that is online-only, or an empty \
             placeholder)",
            DOWNLOAD_FIRST,
        )
    })
}

/// A 0-byte file.
pub fn empty(len: u64) -> Option<Issue> {
    (len == 0).then(|| {
        Issue::fail(
            Check::Empty,
            "the file is empty (0 bytes)",
            "Get the file again from where it came from; if it lives in a cloud folder, download \
             it locally first.",
        )
    })
}

/// The one size limit Procore documents: Direct Costs attachments, 5 GB per file.
const DIRECT_COSTS_LIMIT: u64 = 5_000_000_000;

/// A warning (or, on a weak connection, a failure) for a big file.
pub fn size(len: u64, warn_size: u64, network: Network) -> Option<Issue> {
    let shown = human_size(len);
    let mut fix = "Compress it (PDF: reduce file size; photos and video: export smaller) or split \
                   it into parts"
        .to_owned();
    if len > DIRECT_COSTS_LIMIT {
        fix.push_str("; Direct Costs attachments are limited to 5 GB per file");
    }
    match network {
        Network::Weak if len > warn_size => Some(Issue::fail(
            Check::Large,
            format!(
                "{shown}: on a weak connection an upload this big is likely to stall or time out"
            ),
            format!("{fix}, or upload it from a fast, steady connection (office Wi-Fi or wired)."),
        )),
        Network::Weak if len > warn_size / 4 => Some(Issue::warn(
            Check::Large,
            format!(
                "{shown}: slow to upload on a weak connection (over {})",
                human_size(warn_size / 4)
            ),
            format!("{fix}, or upload it from a fast, steady connection."),
        )),
        Network::Good if len > warn_size => Some(Issue::warn(
            Check::Large,
            format!("{shown}: over {}, slow to upload", human_size(warn_size)),
            format!("{fix}, and upload it over a fast, steady connection."),
        )),
        _ => None,
    }
}

/// A size as people read it: `312.5 MB`.
pub fn human_size(bytes: u64) -> String {
    bytesize::ByteSize(bytes).display().si().to_string()
}

/// Parses a size such as `50MB`, `1.5 GB`, `200MiB` or `1000000` (bytes).
pub fn parse_size(s: &str) -> Result<u64, String> {
    let trimmed = s.trim();
    let parsed = trimmed
        .parse::<bytesize::ByteSize>()
        .map_err(|_| format!("expected a size like 50MB, 1.5GB or 200MiB, got `{s}`"))?;
    if parsed.as_u64() == 0 {
        return Err(format!("the size must be more than 0, got `{s}`"));
    }
    Ok(parsed.as_u64())
}

// ---------------------------------------------------------------------------------------------
// Content

/// Where the bytes of a file come from: the file itself, or a slice in tests. Reads return at
/// most `max` bytes from `offset`, fewer at the end of the file.
pub trait Source {
    fn len(&self) -> u64;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn read_at(&self, offset: u64, max: usize) -> io::Result<Vec<u8>>;
}

impl Source for &[u8] {
    fn len(&self) -> u64 {
        <[u8]>::len(self) as u64
    }

    fn read_at(&self, offset: u64, max: usize) -> io::Result<Vec<u8>> {
        let bytes: &[u8] = self;
        let start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .min(bytes.len());
        let end = start.saturating_add(max).min(bytes.len());
        Ok(bytes[start..end].to_vec())
    }
}

/// A file on disk, read only where a check asks.
pub struct FileSource {
    file: File,
    len: u64,
}

impl FileSource {
    pub fn new(file: File, len: u64) -> Self {
        FileSource { file, len }
    }
}

impl Source for FileSource {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, max: usize) -> io::Result<Vec<u8>> {
        let mut file = &self.file;
        file.seek(SeekFrom::Start(offset))?;
        let mut buf = Vec::with_capacity(max.min(1 << 20));
        file.take(max as u64).read_to_end(&mut buf)?;
        Ok(buf)
    }
}

/// How much of the start of a file the type sniffing reads.
pub const HEAD: usize = 16 * 1024;
/// How much of the end of a file the end-marker checks read.
pub const TAIL: usize = 16 * 1024;
/// How far into a JPEG to look for the note that a video is appended (motion photos).
const MOTION_PHOTO_HEAD: usize = 256 * 1024;
/// Encrypted PDFs up to this size are opened to tell "needs a password" from "restricted".
pub const PDF_OPEN_LIMIT: u64 = 64 * 1024 * 1024;

/// A family of file types: the extensions that name it and the content that may be in it.
struct Family {
    label: &'static str,
    extensions: &'static [&'static str],
    /// `infer` extensions accepted as content of these files.
    content: &'static [&'static str],
    end: End,
}

/// How to tell that a file of a family is complete.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// No check.
    Any,
    Jpeg,
    /// The tail holds this marker.
    Marker(&'static [u8]),
    Zip,
}

const OLE: &[&str] = &["doc", "xls", "ppt", "msi"];
const ZIPS: &[&str] = &["zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"];

const FAMILIES: &[Family] = &[
    Family {
        label: "PDF",
        extensions: &["pdf"],
        content: &["pdf"],
        end: End::Marker(b"%%EOF"),
    },
    Family {
        label: "JPEG image",
        extensions: &["jpg", "jpeg", "jpe", "jfif"],
        content: &["jpg"],
        end: End::Jpeg,
    },
    Family {
        label: "PNG image",
        extensions: &["png"],
        content: &["png"],
        end: End::Marker(b"IEND"),
    },
    Family {
        label: "GIF image",
        extensions: &["gif"],
        content: &["gif"],
        end: End::Any,
    },
    Family {
        label: "TIFF image",
        extensions: &["tif", "tiff"],
        content: &["tif"],
        end: End::Any,
    },
    Family {
        label: "BMP image",
        extensions: &["bmp"],
        content: &["bmp"],
        end: End::Any,
    },
    Family {
        label: "WebP image",
        extensions: &["webp"],
        content: &["webp"],
        end: End::Any,
    },
    Family {
        label: "HEIC photo",
        extensions: &["heic", "heif"],
        content: &["heif", "avif"],
        end: End::Any,
    },
    Family {
        label: "DWG drawing",
        extensions: &["dwg"],
        content: &["dwg"],
        end: End::Any,
    },
    Family {
        label: "Word document",
        extensions: &["docx", "docm", "dotx"],
        content: &["docx", "zip"],
        end: End::Zip,
    },
    Family {
        label: "Excel workbook",
        extensions: &["xlsx", "xlsm", "xltx"],
        content: &["xlsx", "zip"],
        end: End::Zip,
    },
    Family {
        label: "PowerPoint presentation",
        extensions: &["pptx", "pptm"],
        content: &["pptx", "zip"],
        end: End::Zip,
    },
    Family {
        label: "ZIP archive",
        extensions: &["zip"],
        content: ZIPS,
        end: End::Zip,
    },
    Family {
        label: "Office document (97-2003)",
        extensions: &["doc", "xls", "ppt", "msg", "rvt", "rfa", "mpp"],
        content: OLE,
        end: End::Any,
    },
    Family {
        label: "video",
        extensions: &["mp4", "m4v", "mov"],
        content: &["mp4", "m4v", "mov"],
        end: End::Any,
    },
];

/// Extensions fieldfix knows but does not sniff: text formats and formats without a reliable
/// signature.
const KNOWN: &[&str] = &[
    "txt", "csv", "tsv", "md", "rtf", "xml", "json", "html", "htm", "log", "svg", "dxf", "ifc",
    "nwd", "nwc", "nwf", "skp", "dgn", "dwf", "dwfx", "pln", "eml", "xer", "kml", "kmz", "vsd",
    "vsdx", "odt", "ods", "odp", "odg", "pages", "numbers", "key", "xlsb", "xls", "ai", "eps",
    "psd", "indd", "dng", "cr2", "cr3", "nef", "arw", "raw", "mp3", "m4a", "wav", "aac", "avi",
    "wmv", "mkv", "mpg", "mpeg", "3gp", "webm", "7z", "rar", "gz", "tar", "pub", "one", "vcf",
    "ics", "p7s", "sig", "bcf", "bcfzip", "3dm", "rcp", "rcs", "las", "laz", "e57", "obj", "fbx",
    "stl", "step", "stp", "iges", "igs", "sat", "ipt", "iam", "sldprt", "sldasm",
];

/// Names of unfinished downloads.
const UNFINISHED: &[&str] = &["crdownload", "part", "partial", "download", "opdownload"];

fn family_of(ext: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.extensions.contains(&ext))
}

/// What people call a detected type.
fn label(kind: &infer::Type) -> String {
    let ext = kind.extension();
    if let Some(family) = FAMILIES
        .iter()
        .find(|f| f.extensions.contains(&ext) || f.content.first() == Some(&ext))
    {
        return family.label.to_owned();
    }
    match ext {
        "html" => "web page (HTML)".to_owned(),
        "xml" => "XML file".to_owned(),
        "exe" | "dll" => "Windows program".to_owned(),
        other => format!("{} file", other.to_ascii_uppercase()),
    }
}

/// The extension to suggest for a detected type.
fn suggest_ext(kind: &infer::Type) -> &'static str {
    match kind.extension() {
        "heif" => "heic",
        "msi" => "doc",
        other => other,
    }
}

/// Whether `haystack` contains `needle`.
fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Whether the end of a JPEG is there. JPEG scan data never holds `FF D9` (an `FF` in it is
/// always followed by `00` or a restart marker), so an end-of-image marker after the last
/// start-of-scan in the tail means the image is complete; bytes after it are extra data some
/// cameras add. Motion photos (a video appended after the image) are told apart by their tags.
fn jpeg_complete(src: &dyn Source, tail: &[u8]) -> io::Result<bool> {
    let from = rfind(tail, &[0xFF, 0xDA]).unwrap_or(0);
    if contains(&tail[from..], &[0xFF, 0xD9]) || tail.ends_with(b"SEFT") {
        return Ok(true);
    }
    let head = src.read_at(0, MOTION_PHOTO_HEAD)?;
    Ok(["MotionPhoto", "MicroVideo"]
        .iter()
        .any(|tag| contains(&head, tag.as_bytes())))
}

fn cut_off(what: &str) -> Issue {
    Issue::fail(
        Check::Truncated,
        format!("the file is cut off: {what} (an interrupted copy, download or sync)"),
        "Copy or download it again from the original, then check again.",
    )
}

/// What the content checks found, and whether the file is really a PDF.
#[derive(Debug, Default)]
pub struct Content {
    pub issues: Vec<Issue>,
    pub is_pdf: bool,
}

/// The file's extension, lower-case, if it has one (`.bashrc` has none).
pub fn extension(name: &OsStr) -> Option<String> {
    let text = name.to_string_lossy();
    let (stem, ext) = text.rsplit_once('.')?;
    (!stem.trim_start_matches('.').is_empty() && !ext.is_empty()).then(|| ext.to_lowercase())
}

/// Checks that the content matches the extension, is complete, and is a type that uploads well.
/// Reads the start and end of the file, and more only when a finding needs confirming.
pub fn content(ext: Option<&str>, src: &dyn Source) -> io::Result<Content> {
    let mut found = Content::default();
    if let Some(ext) = ext
        && UNFINISHED.contains(&ext)
    {
        found.issues.push(Issue::fail(
            Check::Truncated,
            format!("an unfinished download (.{ext})"),
            "Let the download finish, or download the file again.",
        ));
        return Ok(found);
    }
    let head = src.read_at(0, HEAD)?;
    let tail = if src.len() > HEAD as u64 {
        src.read_at(src.len().saturating_sub(TAIL as u64), TAIL)?
    } else {
        head.clone()
    };
    let detected = infer::get(&head);
    let heic = detected.is_some_and(|k| matches!(k.extension(), "heif" | "avif"));

    match (ext, ext.and_then(family_of)) {
        (Some(ext), Some(family)) => {
            let matches = detected.is_some_and(|k| family.content.contains(&k.extension()));
            if !matches {
                found.issues.push(mismatch(ext, family, detected, heic));
                return Ok(found);
            }
            found.is_pdf = family.extensions.contains(&"pdf");
            let complete = match family.end {
                End::Any => true,
                End::Jpeg => jpeg_complete(src, &tail)?,
                End::Marker(marker) => contains(&tail, marker),
                End::Zip => contains(&tail, b"PK\x05\x06") || contains(&tail, b"PK\x06\x06"),
            };
            if !complete {
                found
                    .issues
                    .push(cut_off(&format!("this {} has no end marker", family.label)));
            }
            if heic {
                found.issues.push(Issue::warn(
                    Check::Heic,
                    "a HEIC photo: desktop uploads may not show a preview of it",
                    "Convert it to JPEG before uploading from a computer (Mac: Preview > File > \
                     Export > JPEG; Windows: Photos > Save as > .jpg). To avoid it, set the \
                     iPhone to Settings > Camera > Formats > Most Compatible.",
                ));
            }
        }
        (Some(ext), None) if KNOWN.contains(&ext) => {}
        (Some(ext), None) => found.issues.push(unusual_type(ext, detected)),
        (None, _) => found.issues.push(no_extension(detected)),
    }
    Ok(found)
}

/// The finding for a file whose content is not what its extension says.
fn mismatch(ext: &str, family: &Family, detected: Option<infer::Type>, heic: bool) -> Issue {
    match detected {
        Some(_) if heic => Issue::fail(
            Check::WrongType,
            format!("this .{ext} file is really a HEIC photo"),
            "Convert it to JPEG (on a Mac: open in Preview > File > Export > JPEG; on \
                         Windows: open in Photos > Save as > .jpg), or rename it to .heic.",
        ),
        Some(kind) if kind.extension() == "html" => Issue::fail(
            Check::WrongType,
            format!(
                "this .{ext} file is really a web page (HTML), probably a sign-in \
                             or error page saved instead of the file"
            ),
            "Download the real file again (sign in first if you need to).",
        ),
        Some(kind) => Issue::fail(
            Check::WrongType,
            format!("this .{ext} file is really a {}", label(&kind)),
            format!("Rename it to end in .{}.", suggest_ext(&kind)),
        ),
        None => Issue::fail(
            Check::WrongType,
            format!(
                "this .{ext} file is not a {}: its content is not recognised \
                             (damaged, partly downloaded, or saved wrongly)",
                family.label
            ),
            "Open it on this computer; if it does not open, get a new copy from \
                         the sender or export it again.",
        ),
    }
}

/// The finding for an extension fieldfix does not know, with what the content looks like.
fn unusual_type(ext: &str, detected: Option<infer::Type>) -> Issue {
    Issue::warn(
        Check::UnusualType,
        format!("an unusual file type (.{ext})"),
        match detected {
            Some(kind) => format!(
                "It looks like a {}: rename it to end in .{}.",
                label(&kind),
                suggest_ext(&kind)
            ),
            None => "Make sure it is meant to be uploaded: Procore keeps any file, but may \
                         not be able to show this type."
                .to_owned(),
        },
    )
}

/// The finding for a name with no extension, with what the content looks like.
fn no_extension(detected: Option<infer::Type>) -> Issue {
    Issue::warn(
        Check::UnusualType,
        "the name has no extension, so nothing knows how to open it",
        match detected {
            Some(kind) => format!(
                "It looks like a {}: add .{} to its name.",
                label(&kind),
                suggest_ext(&kind)
            ),
            None => "Add the extension of the program that made it (like .pdf or .jpg).".to_owned(),
        },
    )
}

// ---------------------------------------------------------------------------------------------
// PDF security

/// Whether the start, end or last cross-reference section of a PDF names `/Encrypt`.
///
/// A PDF declares encryption with an `/Encrypt` entry in its trailer. Trailers (and the
/// dictionaries of cross-reference streams, which replace them) are never compressed, and the
/// one that counts is the last: near the end of the file, or at the offset `startxref` gives,
/// or, in a linearized file, in the first-page trailer near the start. Looking there first
/// means the whole file is read (and parsed by `lopdf`) only for the few PDFs that are
/// encrypted, not for every big drawing set.
pub fn pdf_declares_encryption(src: &dyn Source) -> io::Result<bool> {
    let head = src.read_at(0, HEAD)?;
    let tail_start = src.len().saturating_sub(TAIL as u64);
    let tail = src.read_at(tail_start, TAIL)?;
    if has_encrypt_key(&head) || has_encrypt_key(&tail) {
        return Ok(true);
    }
    match startxref(&tail) {
        Some(offset) if offset < src.len() => Ok(has_encrypt_key(&src.read_at(offset, HEAD)?)),
        _ => Ok(false),
    }
}

/// `/Encrypt` as a whole name (not `/EncryptMetadata`).
fn has_encrypt_key(bytes: &[u8]) -> bool {
    let key = b"/Encrypt";
    bytes
        .windows(key.len() + 1)
        .any(|w| &w[..key.len()] == key && !w[key.len()].is_ascii_alphanumeric())
        || bytes.ends_with(key)
}

/// The offset after the last `startxref` keyword.
fn startxref(tail: &[u8]) -> Option<u64> {
    let at = rfind(tail, b"startxref")? + b"startxref".len();
    let rest = &tail[at..];
    let digits: Vec<u8> = rest
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// The security findings for a whole PDF that declares encryption: a password to open it,
/// or permissions that block changes and markups.
pub fn pdf_security(bytes: &[u8]) -> Option<Issue> {
    let password = || {
        Issue::fail(
            Check::PdfPassword,
            "the PDF needs a password to open, so Procore's viewer cannot show it",
            "Ask the sender for a copy without a password, or open it with the password and \
             save it without one (Acrobat: File > Properties > Security > No Security).",
        )
    };
    match lopdf::Document::load_mem(bytes) {
        Ok(doc) => match &doc.encryption_state {
            Some(state) => {
                let p = state.permissions();
                let mut blocked = Vec::new();
                if !p.contains(lopdf::Permissions::MODIFIABLE) {
                    blocked.push("changes");
                }
                if !p.contains(lopdf::Permissions::ANNOTABLE) {
                    blocked.push("comments and markups");
                }
                (!blocked.is_empty()).then(|| {
                    Issue::warn(
                        Check::PdfRestricted,
                        format!(
                            "the PDF is protected against {}: markups in Procore may be blocked",
                            blocked.join(" and ")
                        ),
                        "Ask the sender for an unrestricted copy (or remove the restriction: \
                         Acrobat: File > Properties > Security > No Security).",
                    )
                })
            }
            None if doc.trailer.has(b"Encrypt") => Some(password()),
            None => None,
        },
        Err(lopdf::Error::Decryption(_) | lopdf::Error::InvalidPassword) => Some(password()),
        Err(err) => Some(Issue::warn(
            Check::PdfPassword,
            format!("the PDF is encrypted and fieldfix could not read its settings ({err})"),
            "Open it on this computer: if it asks for a password, ask the sender for a copy \
             without one.",
        )),
    }
}

/// The security check of a PDF: reads the trailer regions, and the whole file only when it
/// declares encryption and is not too big to open.
pub fn pdf(src: &dyn Source) -> io::Result<Option<Issue>> {
    if !pdf_declares_encryption(src)? {
        return Ok(None);
    }
    let len = src.len();
    match usize::try_from(len) {
        Ok(whole) if len <= PDF_OPEN_LIMIT => Ok(pdf_security(&src.read_at(0, whole)?)),
        _ => Ok(Some(pdf_encrypted_unchecked(len))),
    }
}

/// An encrypted PDF too big to open here: say so without guessing which kind.
pub fn pdf_encrypted_unchecked(len: u64) -> Issue {
    Issue::warn(
        Check::PdfPassword,
        format!(
            "the PDF is encrypted ({}; too big for fieldfix to tell whether it needs a password)",
            human_size(len)
        ),
        "Open it on this computer: if it asks for a password or blocks markups, ask the sender \
         for an unprotected copy.",
    )
}

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

#[cfg(test)]
mod tests {
    use super::*;

    fn os(s: &str) -> &OsStr {
        OsStr::new(s)
    }

    fn content_of(name: &str, bytes: &[u8]) -> Content {
        let ext = extension(os(name));
        content(ext.as_deref(), &bytes).expect("in-memory reads cannot fail")
    }

    fn checks(c: &Content) -> Vec<(Check, Severity)> {
        c.issues.iter().map(|i| (i.check, i.severity)).collect()
    }

    /// A minimal JPEG: SOI, an APP0 header, a scan, and (when `complete`) the EOI marker.
    fn jpeg(complete: bool) -> Vec<u8> {
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
        b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08]);
        b.extend(std::iter::repeat_n(0x55, 200));
        b.extend_from_slice(&[0xFF, 0x00, 0x12]);
        if complete {
            b.extend_from_slice(&[0xFF, 0xD9]);
        }
        b
    }

    fn png(complete: bool) -> Vec<u8> {
        let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        b.extend_from_slice(&[0; 17]);
        if complete {
            b.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82");
        }
        b
    }

    #[test]
    fn bad_characters_fail_and_are_listed_once() {
        let issue = name(os("Q&A #2 & #3.pdf")).expect("a bad name");
        assert_eq!(issue.check, Check::BadName);
        assert_eq!(issue.severity, Severity::Fail);
        assert_eq!(issue.problem, "the name contains & #");
        assert!(issue.fix.contains("\"Q_A _2 _ _3.pdf\""), "{}", issue.fix);
        for c in BAD_CHARS {
            let n = format!("a{c}b.txt");
            assert!(name(os(&n)).is_some(), "{n} should be flagged");
        }
    }

    #[test]
    fn spaces_dots_control_characters_and_reserved_names_fail() {
        for (n, words) in [
            (" lead.pdf", "starts with a space"),
            ("trail.pdf ", "ends with a space"),
            ("trail.pdf.", "ends with a dot"),
            ("tab\there.pdf", "control characters"),
            ("CON.txt", "Windows reserves"),
            ("lpt1", "Windows reserves"),
        ] {
            let issue = name(os(n)).unwrap_or_else(|| panic!("{n:?} should be flagged"));
            assert_eq!(issue.severity, Severity::Fail, "{n:?}");
            assert!(issue.problem.contains(words), "{n:?}: {}", issue.problem);
        }
        let long = format!("{}.pdf", "a".repeat(252));
        assert!(name(os(&long)).unwrap().problem.contains("256 bytes long"));
        assert_eq!(name(os(&format!("{}.pdf", "a".repeat(251)))), None);
    }

    #[test]
    fn a_leading_dot_only_warns_and_good_names_pass() {
        let issue = name(os(".env")).expect("hidden");
        assert_eq!(issue.severity, Severity::Warn);
        assert!(issue.problem.contains("hidden"));
        for good in [
            "Report 2024-05 (final).pdf",
            "IMG_0001.JPG",
            "plan_v2+notes.dwg",
            "Ärger.txt",
            "console.log",
        ] {
            assert_eq!(name(os(good)), None, "{good}");
        }
        let issue = name(os("a b #1 .")).expect("several reasons");
        assert_eq!(issue.problem, "the name contains # and ends with a dot");
    }

    #[cfg(unix)]
    #[test]
    fn names_that_are_not_text_fail() {
        use std::os::unix::ffi::OsStrExt;
        let issue = name(OsStr::from_bytes(b"caf\xe9.pdf")).expect("not UTF-8");
        assert_eq!(issue.severity, Severity::Fail);
        assert!(issue.problem.contains("not valid text"));
    }

    #[test]
    fn long_paths_warn_above_260_characters() {
        assert_eq!(path_length(260), None);
        let issue = path_length(261).expect("too long");
        assert_eq!(
            (issue.check, issue.severity),
            (Check::LongPath, Severity::Warn)
        );
        assert!(issue.problem.contains("261 characters"));
    }

    #[test]
    fn icloud_placeholders_and_system_files_are_recognised() {
        let issue = icloud_placeholder(os(".Site plan.pdf.icloud")).expect("placeholder");
        assert_eq!(issue.severity, Severity::Fail);
        assert!(issue.problem.contains("\"Site plan.pdf\""));
        assert!(issue.fix.contains("Download it locally first"));
        assert_eq!(icloud_placeholder(os("notes.icloud")), None);
        assert_eq!(icloud_placeholder(os(".icloud")), None);
        for junk in [
            ".DS_Store",
            "Thumbs.db",
            "desktop.ini",
            "~$budget.xlsx",
            "._IMG_1.jpg",
        ] {
            assert_eq!(
                system_file(os(junk)).map(|i| i.check),
                Some(Check::SystemFile),
                "{junk}"
            );
        }
        assert_eq!(system_file(os("budget.xlsx")), None);
    }

    #[test]
    fn storage_without_data_is_not_downloaded() {
        let at = |len, allocated, online_only| {
            not_downloaded(&Storage {
                len,
                allocated,
                online_only,
            })
            .map(|i| i.check)
        };
        assert_eq!(at(1_000_000, Some(0), false), Some(Check::NotDownloaded));
        assert_eq!(at(10, Some(0), true), Some(Check::NotDownloaded));
        // Small files can be stored inline; files with blocks and unknown platforms are fine.
        assert_eq!(at(100, Some(0), false), None);
        assert_eq!(at(1_000_000, Some(4096), false), None);
        assert_eq!(at(1_000_000, None, false), None);
        assert_eq!(at(0, Some(0), true), None);
    }

    #[test]
    fn empty_files_fail() {
        assert_eq!(empty(0).map(|i| i.severity), Some(Severity::Fail));
        assert_eq!(empty(1), None);
    }

    #[test]
    fn sizes_warn_and_fail_on_a_weak_network() {
        let mb = 1_000_000;
        assert_eq!(size(100 * mb, 100 * mb, Network::Good), None);
        let good = size(150 * mb, 100 * mb, Network::Good).expect("large");
        assert_eq!((good.check, good.severity), (Check::Large, Severity::Warn));
        assert!(good.problem.starts_with("150.0 MB"), "{}", good.problem);
        assert!(!good.fix.contains("5 GB"));
        let weak = size(150 * mb, 100 * mb, Network::Weak).expect("large");
        assert_eq!(weak.severity, Severity::Fail);
        let quarter = size(30 * mb, 100 * mb, Network::Weak).expect("over a quarter");
        assert_eq!(quarter.severity, Severity::Warn);
        assert_eq!(size(30 * mb, 100 * mb, Network::Good), None);
        assert_eq!(size(20 * mb, 100 * mb, Network::Weak), None);
        let huge = size(6_000 * mb, 100 * mb, Network::Good).expect("huge");
        assert!(
            huge.fix
                .contains("Direct Costs attachments are limited to 5 GB")
        );
    }

    #[test]
    fn sizes_parse_from_human_text() {
        assert_eq!(parse_size("50MB"), Ok(50_000_000));
        assert_eq!(parse_size("1.5 GB"), Ok(1_500_000_000));
        assert_eq!(parse_size("200MiB"), Ok(200 * 1024 * 1024));
        assert_eq!(parse_size("1000"), Ok(1000));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
        assert!(parse_size("-5MB").is_err());
    }

    #[test]
    fn extensions_ignore_case_and_hidden_dots() {
        assert_eq!(extension(os("A.PDF")).as_deref(), Some("pdf"));
        assert_eq!(extension(os("archive.tar.gz")).as_deref(), Some("gz"));
        assert_eq!(extension(os(".bashrc")), None);
        assert_eq!(extension(os("README")), None);
        assert_eq!(extension(os("trailing.")), None);
    }

    #[test]
    fn matching_content_passes() {
        assert!(content_of("a.jpg", &jpeg(true)).issues.is_empty());
        assert!(content_of("a.png", &png(true)).issues.is_empty());
        assert!(content_of("notes.txt", b"hello").issues.is_empty());
        let pdf = content_of(
            "a.pdf",
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n",
        );
        assert!(pdf.issues.is_empty());
        assert!(pdf.is_pdf);
    }

    #[test]
    fn content_that_does_not_match_the_extension_fails() {
        let png_as_jpg = content_of("photo.jpg", &png(true));
        assert_eq!(checks(&png_as_jpg), [(Check::WrongType, Severity::Fail)]);
        assert_eq!(
            png_as_jpg.issues[0].problem,
            "this .jpg file is really a PNG image"
        );
        assert_eq!(png_as_jpg.issues[0].fix, "Rename it to end in .png.");

        let fake_pdf = content_of("drawing.pdf", b"<html><body>Sign in</body></html>");
        assert_eq!(checks(&fake_pdf), [(Check::WrongType, Severity::Fail)]);
        assert!(!fake_pdf.is_pdf);
        assert!(
            fake_pdf.issues[0].problem.contains("web page"),
            "{}",
            fake_pdf.issues[0].problem
        );
        assert!(
            fake_pdf.issues[0]
                .fix
                .starts_with("Download the real file again")
        );

        let zeros = content_of("drawing.pdf", &[0u8; 5000]);
        assert!(
            zeros.issues[0].problem.contains("not a PDF"),
            "{}",
            zeros.issues[0].problem
        );
    }

    #[test]
    fn cut_off_files_fail() {
        let jpg = content_of("a.jpg", &jpeg(false));
        assert_eq!(checks(&jpg), [(Check::Truncated, Severity::Fail)]);
        assert!(
            jpg.issues[0]
                .problem
                .contains("JPEG image has no end marker")
        );
        let png = content_of("a.png", &png(false));
        assert_eq!(checks(&png), [(Check::Truncated, Severity::Fail)]);
        let pdf = content_of("a.pdf", b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n");
        assert_eq!(checks(&pdf), [(Check::Truncated, Severity::Fail)]);
        let zip = content_of("a.zip", b"PK\x03\x04\x14\0\0\0\0\0rest-of-a-member");
        assert_eq!(checks(&zip), [(Check::Truncated, Severity::Fail)]);
        let dl = content_of("movie.mp4.crdownload", b"anything");
        assert_eq!(checks(&dl), [(Check::Truncated, Severity::Fail)]);
    }

    #[test]
    fn a_jpeg_end_marker_is_only_trusted_after_the_last_scan() {
        // A thumbnail's end marker before the main scan does not make a cut-off file whole.
        let mut b = jpeg(true);
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x11, 0x22, 0x33]);
        assert_eq!(
            checks(&content_of("a.jpg", &b)),
            [(Check::Truncated, Severity::Fail)]
        );
        // Extra data after the end marker (some cameras add it) is fine, and so are motion
        // photos, whose video follows the image.
        let mut extra = jpeg(true);
        extra.extend_from_slice(b"trailing camera data");
        assert!(content_of("a.jpg", &extra).issues.is_empty());
        let mut motion = jpeg(false);
        motion.splice(20..20, b"GCamera:MotionPhoto=\"1\"".iter().copied());
        assert!(content_of("a.jpg", &motion).issues.is_empty());
    }

    #[test]
    fn heic_photos_warn_and_heic_named_jpg_fails() {
        let mut heic = vec![0, 0, 0, 0x18];
        heic.extend_from_slice(b"ftypheic\0\0\0\0mif1heic");
        heic.extend_from_slice(&[0; 64]);
        let as_heic = content_of("IMG_1.HEIC", &heic);
        assert_eq!(checks(&as_heic), [(Check::Heic, Severity::Warn)]);
        let as_jpg = content_of("IMG_1.jpg", &heic);
        assert_eq!(checks(&as_jpg), [(Check::WrongType, Severity::Fail)]);
        assert!(as_jpg.issues[0].fix.contains("Convert it to JPEG"));
    }

    #[test]
    fn unusual_types_and_missing_extensions_warn_with_a_suggestion() {
        let odd = content_of("scan.xyz", &png(true));
        assert_eq!(checks(&odd), [(Check::UnusualType, Severity::Warn)]);
        assert_eq!(
            odd.issues[0].fix,
            "It looks like a PNG image: rename it to end in .png."
        );
        let bare = content_of("scan", &jpeg(true));
        assert_eq!(checks(&bare), [(Check::UnusualType, Severity::Warn)]);
        assert!(bare.issues[0].fix.contains("add .jpg"));
        let unknown = content_of("data.qqq", b"\x01\x02\x03");
        assert!(unknown.issues[0].fix.contains("meant to be uploaded"));
    }

    #[test]
    fn encrypt_keys_are_found_in_the_trailer_regions_only_as_whole_names() {
        let plain = b"%PDF-1.7\n<</Type/Catalog>>\ntrailer\n<</Root 1 0 R>>\nstartxref\n9\n%%EOF";
        assert!(!pdf_declares_encryption(&&plain[..]).unwrap());
        let enc = b"%PDF-1.7\ntrailer\n<</Root 1 0 R/Encrypt 5 0 R>>\nstartxref\n9\n%%EOF";
        assert!(pdf_declares_encryption(&&enc[..]).unwrap());
        assert!(!has_encrypt_key(b"<</EncryptMetadata false>>"));
        // An xref stream dictionary far from the end, found through `startxref`.
        let mut far = b"%PDF-1.7\n".to_vec();
        far.extend(std::iter::repeat_n(b'x', 3 * HEAD));
        let at = far.len();
        far.extend_from_slice(b"9 0 obj\n<</Type/XRef/Encrypt 5 0 R/Length 99999>>stream\n");
        far.extend(std::iter::repeat_n(b'y', 2 * TAIL));
        far.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        assert!(pdf_declares_encryption(&&far[..]).unwrap());
        assert_eq!(startxref(b"startxref\r\n  1234\r\n%%EOF"), Some(1234));
        assert_eq!(startxref(b"no keyword"), None);
    }

    /// A one-page PDF, encrypted (RC4, 128 bits) with these passwords and permissions when
    /// `permissions` is given.
    pub(crate) fn pdf_with(
        user_password: &str,
        permissions: Option<lopdf::Permissions>,
    ) -> Vec<u8> {
        use lopdf::{Document, Object, Stream, dictionary};
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
        let page = doc.add_object(dictionary! {
            "Type" => "Page",
            "Parent" => pages_id,
            "Contents" => content,
            "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        });
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1,
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        let id = Object::string_literal(b"0123456789abcdef".to_vec());
        doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
        if let Some(permissions) = permissions {
            let version = lopdf::EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner secret",
                user_password,
                key_length: 128,
                permissions,
            };
            let state = lopdf::EncryptionState::try_from(version).expect("encryption state");
            doc.encrypt(&state).expect("encrypt");
        }
        let mut out = Vec::new();
        doc.save_to(&mut out).expect("save");
        out
    }

    #[test]
    fn pdf_security_tells_passwords_from_restrictions() {
        let plain = pdf_with("", None);
        assert!(!pdf_declares_encryption(&&plain[..]).unwrap());
        assert_eq!(pdf(&&plain[..]).unwrap(), None);

        let locked = pdf_with("site123", Some(lopdf::Permissions::all()));
        assert!(pdf_declares_encryption(&&locked[..]).unwrap());
        let issue = pdf(&&locked[..]).unwrap().expect("needs a password");
        assert_eq!(
            (issue.check, issue.severity),
            (Check::PdfPassword, Severity::Fail)
        );

        let no_markups = lopdf::Permissions::all() - lopdf::Permissions::ANNOTABLE;
        let restricted = pdf_with("", Some(no_markups));
        let issue = pdf(&&restricted[..]).unwrap().expect("restricted");
        assert_eq!(
            (issue.check, issue.severity),
            (Check::PdfRestricted, Severity::Warn)
        );
        assert!(
            issue.problem.contains("comments and markups"),
            "{}",
            issue.problem
        );
        assert!(!issue.problem.contains("changes"), "{}", issue.problem);

        // Encrypted with an empty password and every permission: opens and edits normally.
        let open = pdf_with("", Some(lopdf::Permissions::all()));
        assert!(pdf_declares_encryption(&&open[..]).unwrap());
        assert_eq!(pdf(&&open[..]).unwrap(), None);
    }

    #[test]
    fn damaged_encrypted_pdfs_never_panic() {
        let locked = pdf_with("site123", Some(lopdf::Permissions::all()));
        for cut in (0..locked.len()).step_by(7) {
            let _ = pdf_security(&locked[..cut]);
            let mut flipped = locked.clone();
            flipped[cut] ^= 0x5A;
            let _ = pdf_security(&flipped);
        }
    }

    proptest::proptest! {
        /// Whatever the bytes, behind whatever signature and name, the content checks answer.
        #[test]
        fn content_checks_never_panic(
            magic in proptest::sample::select(vec![
                &b""[..], b"\xFF\xD8\xFF", b"\x89PNG\r\n\x1a\n", b"%PDF-1.7\n",
                b"PK\x03\x04", b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", b"\0\0\0\x18ftypheic",
            ]),
            body in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..3000),
            ext in proptest::sample::select(vec!["pdf", "jpg", "png", "docx", "doc", "heic", "zip", "qqq"]),
        ) {
            let mut bytes = magic.to_vec();
            bytes.extend(body);
            let found = content(Some(ext), &&bytes[..]).unwrap();
            let _ = pdf(&&bytes[..]).unwrap();
            proptest::prop_assert!(found.issues.iter().all(|i| !i.problem.is_empty() && !i.fix.is_empty()));
        }
    }

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
