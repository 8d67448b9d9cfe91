//! Content: whether the bytes are what the extension says, and whether the file is complete.

use super::*;

/// Up to `max` bytes of `src` from `offset`, fewer at its end. The checks read a file (in
/// tests, a `Cursor` over bytes) only where they need to.
pub fn read_at(src: &mut (impl Read + Seek), offset: u64, max: usize) -> io::Result<Vec<u8>> {
    src.seek(SeekFrom::Start(offset))?;
    let mut buf = Vec::with_capacity(max.min(1 << 20));
    src.by_ref().take(max as u64).read_to_end(&mut buf)?;
    Ok(buf)
}

/// How much of the start of a file the type sniffing reads.
pub const HEAD: usize = 16 * 1024;
/// How much of the end of a file the end-marker checks read.
pub const TAIL: usize = 16 * 1024;
/// How far into a JPEG to look for the note that a video is appended (motion photos).
pub(super) const MOTION_PHOTO_HEAD: usize = 256 * 1024;
/// Encrypted PDFs up to this size are opened to tell "needs a password" from "restricted".
pub const PDF_OPEN_LIMIT: u64 = 64 * 1024 * 1024;

/// A family of file types: the extensions that name it and the content that may be in it.
pub(super) struct Family {
    label: &'static str,
    extensions: &'static [&'static str],
    /// `infer` extensions accepted as content of these files.
    content: &'static [&'static str],
    end: End,
}

/// How to tell that a file of a family is complete.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum End {
    /// No check.
    Any,
    Jpeg,
    /// The tail holds this marker.
    Marker(&'static [u8]),
    Zip,
}

pub(super) const OLE: &[&str] = &["doc", "xls", "ppt", "msi"];
pub(super) const ZIPS: &[&str] = &["zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"];

/// A family: its label, its extensions, the content accepted in it, how its end looks.
const fn family(
    label: &'static str,
    extensions: &'static [&'static str],
    content: &'static [&'static str],
    end: End,
) -> Family {
    Family {
        label,
        extensions,
        content,
        end,
    }
}

pub(super) const FAMILIES: &[Family] = &[
    family("PDF", &["pdf"], &["pdf"], End::Marker(b"%%EOF")),
    family(
        "JPEG image",
        &["jpg", "jpeg", "jpe", "jfif"],
        &["jpg"],
        End::Jpeg,
    ),
    family("PNG image", &["png"], &["png"], End::Marker(b"IEND")),
    family("GIF image", &["gif"], &["gif"], End::Any),
    family("TIFF image", &["tif", "tiff"], &["tif"], End::Any),
    family("BMP image", &["bmp"], &["bmp"], End::Any),
    family("WebP image", &["webp"], &["webp"], End::Any),
    family("HEIC photo", &["heic", "heif"], &["heif", "avif"], End::Any),
    family("DWG drawing", &["dwg"], &["dwg"], End::Any),
    family(
        "Word document",
        &["docx", "docm", "dotx"],
        &["docx", "zip"],
        End::Zip,
    ),
    family(
        "Excel workbook",
        &["xlsx", "xlsm", "xltx"],
        &["xlsx", "zip"],
        End::Zip,
    ),
    family(
        "PowerPoint presentation",
        &["pptx", "pptm"],
        &["pptx", "zip"],
        End::Zip,
    ),
    family("ZIP archive", &["zip"], ZIPS, End::Zip),
    family(
        "Office document (97-2003)",
        &["doc", "xls", "ppt", "msg", "rvt", "rfa", "mpp"],
        OLE,
        End::Any,
    ),
    family(
        "video",
        &["mp4", "m4v", "mov"],
        &["mp4", "m4v", "mov"],
        End::Any,
    ),
];

/// Extensions fieldfix knows but does not sniff: text formats and formats without a reliable
/// signature.
pub(super) const KNOWN: &[&str] = &[
    "txt", "csv", "tsv", "md", "rtf", "xml", "json", "html", "htm", "log", "svg", "dxf", "ifc",
    "nwd", "nwc", "nwf", "skp", "dgn", "dwf", "dwfx", "pln", "eml", "xer", "kml", "kmz", "vsd",
    "vsdx", "odt", "ods", "odp", "odg", "pages", "numbers", "key", "xlsb", "xls", "ai", "eps",
    "psd", "indd", "dng", "cr2", "cr3", "nef", "arw", "raw", "mp3", "m4a", "wav", "aac", "avi",
    "wmv", "mkv", "mpg", "mpeg", "3gp", "webm", "7z", "rar", "gz", "tar", "pub", "one", "vcf",
    "ics", "p7s", "sig", "bcf", "bcfzip", "3dm", "rcp", "rcs", "las", "laz", "e57", "obj", "fbx",
    "stl", "step", "stp", "iges", "igs", "sat", "ipt", "iam", "sldprt", "sldasm",
];

/// Names of unfinished downloads.
pub(super) const UNFINISHED: &[&str] = &["crdownload", "part", "partial", "download", "opdownload"];

pub(super) fn family_of(ext: &str) -> Option<&'static Family> {
    FAMILIES.iter().find(|f| f.extensions.contains(&ext))
}

/// What people call a detected type.
pub(super) fn label(kind: &infer::Type) -> String {
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
pub(super) fn suggest_ext(kind: &infer::Type) -> &'static str {
    match kind.extension() {
        "heif" => "heic",
        "msi" => "doc",
        other => other,
    }
}

/// Whether `haystack` contains `needle`.
pub(super) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

pub(super) fn rfind(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    haystack.windows(needle.len()).rposition(|w| w == needle)
}

/// Whether the end of a JPEG is there. JPEG scan data never holds `FF D9` (an `FF` in it is
/// always followed by `00` or a restart marker), so an end-of-image marker after the last
/// start-of-scan in the tail means the image is complete; bytes after it are extra data some
/// cameras add. Motion photos (a video appended after the image) are told apart by their tags.
pub(super) fn jpeg_complete(src: &mut (impl Read + Seek), tail: &[u8]) -> io::Result<bool> {
    let from = rfind(tail, &[0xFF, 0xDA]).unwrap_or(0);
    if contains(&tail[from..], &[0xFF, 0xD9]) || tail.ends_with(b"SEFT") {
        return Ok(true);
    }
    let head = read_at(src, 0, MOTION_PHOTO_HEAD)?;
    Ok(["MotionPhoto", "MicroVideo"]
        .iter()
        .any(|tag| contains(&head, tag.as_bytes())))
}

pub(super) fn cut_off(what: &str) -> Issue {
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
pub fn content(ext: Option<&str>, src: &mut (impl Read + Seek)) -> io::Result<Content> {
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
    let len = src.seek(SeekFrom::End(0))?;
    let head = read_at(src, 0, HEAD)?;
    let tail = if len > HEAD as u64 {
        read_at(src, len.saturating_sub(TAIL as u64), TAIL)?
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
pub(super) fn mismatch(
    ext: &str,
    family: &Family,
    detected: Option<infer::Type>,
    heic: bool,
) -> Issue {
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
pub(super) fn unusual_type(ext: &str, detected: Option<infer::Type>) -> Issue {
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
pub(super) fn no_extension(detected: Option<infer::Type>) -> Issue {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::checks::test_support::*;
    use Check::{Heic, Truncated, UnusualType, WrongType};
    use Severity::{Fail, Warn};

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

    fn content_of(name: &str, bytes: &[u8]) -> Content {
        let ext = extension(os(name));
        content(ext.as_deref(), &mut io::Cursor::new(bytes)).expect("in-memory reads cannot fail")
    }

    /// The one issue of `name` with `bytes`, checked to be of `check` and `severity`.
    #[track_caller]
    fn only(name: &str, bytes: &[u8], check: Check, severity: Severity) -> Issue {
        let found = content_of(name, bytes);
        let got: Vec<_> = found.issues.iter().map(|i| (i.check, i.severity)).collect();
        assert_eq!(got, [(check, severity)], "{name}");
        found.issues[0].clone()
    }

    #[test]
    fn content_that_does_not_match_the_extension_fails() {
        let png_as_jpg = only("photo.jpg", &png(true), WrongType, Fail);
        assert_eq!(png_as_jpg.problem, "this .jpg file is really a PNG image");
        assert_eq!(png_as_jpg.fix, "Rename it to end in .png.");

        let html = b"<html><body>Sign in</body></html>";
        assert!(!content_of("drawing.pdf", html).is_pdf);
        let fake_pdf = only("drawing.pdf", html, WrongType, Fail);
        assert!(
            fake_pdf.problem.contains("web page"),
            "{}",
            fake_pdf.problem
        );
        assert!(fake_pdf.fix.starts_with("Download the real file again"));

        let zeros = only("drawing.pdf", &[0u8; 5000], WrongType, Fail);
        assert!(zeros.problem.contains("not a PDF"), "{}", zeros.problem);
    }

    #[test]
    fn cut_off_files_fail() {
        let jpg = only("a.jpg", &jpeg(false), Truncated, Fail);
        assert!(jpg.problem.contains("JPEG image has no end marker"));
        only("a.png", &png(false), Truncated, Fail);
        only(
            "a.pdf",
            b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n",
            Truncated,
            Fail,
        );
        let zip = b"PK\x03\x04\x14\0\0\0\0\0rest-of-a-member";
        only("a.zip", zip, Truncated, Fail);
        only("movie.mp4.crdownload", b"anything", Truncated, Fail);
    }

    #[test]
    fn a_jpeg_end_marker_is_only_trusted_after_the_last_scan() {
        // A thumbnail's end marker before the main scan does not make a cut-off file whole.
        let mut b = jpeg(true);
        b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08, 0x11, 0x22, 0x33]);
        only("a.jpg", &b, Truncated, Fail);
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
        only("IMG_1.HEIC", &heic, Heic, Warn);
        let as_jpg = only("IMG_1.jpg", &heic, WrongType, Fail);
        assert!(as_jpg.fix.contains("Convert it to JPEG"));
    }

    #[test]
    fn unusual_types_and_missing_extensions_warn_with_a_suggestion() {
        let odd = only("scan.xyz", &png(true), UnusualType, Warn);
        assert_eq!(
            odd.fix,
            "It looks like a PNG image: rename it to end in .png."
        );
        let bare = only("scan", &jpeg(true), UnusualType, Warn);
        assert!(bare.fix.contains("add .jpg"));
        let unknown = only("data.qqq", b"\x01\x02\x03", UnusualType, Warn);
        assert!(unknown.fix.contains("meant to be uploaded"));
    }
}
