//! PDF security: a password to open, or only restrictions on changes.

use super::*;

/// Whether the start, end or last cross-reference section of a PDF names `/Encrypt`.
///
/// A PDF declares encryption with an `/Encrypt` entry in its trailer. Trailers (and the
/// dictionaries of cross-reference streams, which replace them) are never compressed, and the
/// one that counts is the last: near the end of the file, or at the offset `startxref` gives,
/// or, in a linearized file, in the first-page trailer near the start. Looking there first
/// means the whole file is read (and parsed by `lopdf`) only for the few PDFs that are
/// encrypted, not for every big drawing set.
pub fn pdf_declares_encryption(src: &mut (impl Read + Seek)) -> io::Result<bool> {
    let len = src.seek(SeekFrom::End(0))?;
    let head = read_at(src, 0, HEAD)?;
    let tail = read_at(src, len.saturating_sub(TAIL as u64), TAIL)?;
    if has_encrypt_key(&head) || has_encrypt_key(&tail) {
        return Ok(true);
    }
    match startxref(&tail) {
        Some(offset) if offset < len => Ok(has_encrypt_key(&read_at(src, offset, HEAD)?)),
        _ => Ok(false),
    }
}

/// `/Encrypt` as a whole name (not `/EncryptMetadata`).
pub(super) fn has_encrypt_key(bytes: &[u8]) -> bool {
    let key = b"/Encrypt";
    bytes
        .windows(key.len() + 1)
        .any(|w| &w[..key.len()] == key && !w[key.len()].is_ascii_alphanumeric())
        || bytes.ends_with(key)
}

/// The offset after the last `startxref` keyword.
pub(super) fn startxref(tail: &[u8]) -> Option<u64> {
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
/// or permissions that block changes and markups. hayro-syntax opens it with the empty
/// password, as a viewer does before it asks for one.
pub fn pdf_security(bytes: Vec<u8>) -> Option<Issue> {
    use hayro_syntax::{DecryptionError, LoadPdfError};
    match hayro_syntax::Pdf::new(bytes) {
        Err(LoadPdfError::Decryption(DecryptionError::PasswordProtected)) => Some(Issue::fail(
            Check::PdfPassword,
            "the PDF needs a password to open, so Procore's viewer cannot show it",
            "Ask the sender for a copy without a password, or open it with the password and \
             save it without one (Acrobat: File > Properties > Security > No Security).",
        )),
        Err(_) => Some(Issue::warn(
            Check::PdfPassword,
            "the PDF is encrypted and fieldfix could not read its security settings (it is \
             damaged, or protected in a way fieldfix does not know)",
            "Open it on this computer: if it asks for a password, ask the sender for a copy \
             without one.",
        )),
        Ok(pdf) => restrictions(&pdf),
    }
}

/// The changes an encrypted PDF that opens without a password forbids, from the `P` entry of
/// its security handler's dictionary (bit 4: changes; bit 6: comments and markups).
fn restrictions(pdf: &hayro_syntax::Pdf) -> Option<Issue> {
    use hayro_syntax::object::{Name, Object};
    // The last in the file: an incremental update that changed the security appends a new
    // dictionary (and a trailer naming it), and the old one stays in the file before it.
    // (hayro-syntax does not show which one the trailer names.)
    let permissions = pdf
        .objects()
        .into_iter()
        .filter_map(|object| match object {
            Object::Dict(dict)
                if dict
                    .get::<Name>(b"Filter")
                    .is_some_and(|filter| filter.as_ref() == b"Standard") =>
            {
                Some(dict.get::<i64>(b"P"))
            }
            _ => None,
        })
        .last()
        .flatten();
    let Some(p) = permissions else {
        return Some(Issue::warn(
            Check::PdfRestricted,
            "the PDF is encrypted: it opens without a password, but fieldfix could not read \
             which changes it allows",
            "Open it on this computer and try adding a comment: if that is blocked, ask the sender \
             for an unrestricted copy.",
        ));
    };
    let mut blocked = Vec::new();
    if p & (1 << 3) == 0 {
        blocked.push("changes");
    }
    if p & (1 << 5) == 0 {
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

/// The security check of a PDF: reads the trailer regions, and the whole file only when it
/// declares encryption and is not too big to open.
pub fn pdf(src: &mut (impl Read + Seek)) -> io::Result<Option<Issue>> {
    if !pdf_declares_encryption(src)? {
        return Ok(None);
    }
    let len = src.seek(SeekFrom::End(0))?;
    match usize::try_from(len) {
        Ok(whole) if len <= PDF_OPEN_LIMIT => Ok(pdf_security(read_at(src, 0, whole)?)),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::checks::test_files as test_pdf;
    use std::io::Cursor;

    fn declares(bytes: &[u8]) -> bool {
        pdf_declares_encryption(&mut Cursor::new(bytes)).unwrap()
    }

    fn security(bytes: &[u8]) -> Option<Issue> {
        pdf(&mut Cursor::new(bytes)).unwrap()
    }

    #[test]
    fn encrypt_keys_are_found_in_the_trailer_regions_only_as_whole_names() {
        let plain = b"%PDF-1.7\n<</Type/Catalog>>\ntrailer\n<</Root 1 0 R>>\nstartxref\n9\n%%EOF";
        assert!(!declares(plain));
        let enc = b"%PDF-1.7\ntrailer\n<</Root 1 0 R/Encrypt 5 0 R>>\nstartxref\n9\n%%EOF";
        assert!(declares(enc));
        assert!(!has_encrypt_key(b"<</EncryptMetadata false>>"));
        // An xref stream dictionary far from the end, found through `startxref`.
        let mut far = b"%PDF-1.7\n".to_vec();
        far.extend(std::iter::repeat_n(b'x', 3 * HEAD));
        let at = far.len();
        far.extend_from_slice(b"9 0 obj\n<</Type/XRef/Encrypt 5 0 R/Length 99999>>stream\n");
        far.extend(std::iter::repeat_n(b'y', 2 * TAIL));
        far.extend_from_slice(format!("\nendstream\nendobj\nstartxref\n{at}\n%%EOF\n").as_bytes());
        assert!(declares(&far));
        assert_eq!(startxref(b"startxref\r\n  1234\r\n%%EOF"), Some(1234));
        assert_eq!(startxref(b"no keyword"), None);
    }

    #[test]
    fn pdf_security_tells_passwords_from_restrictions() {
        let plain = test_pdf::pdf("", None);
        assert!(!declares(&plain));
        assert_eq!(security(&plain), None);

        type Make = fn(&str, lopdf::Permissions) -> Vec<u8>;
        let rc4: Make = |user, p| test_pdf::pdf(user, Some(p));
        let aes: Make = test_pdf::pdf_aes256;
        for (cipher, make) in [("RC4", rc4), ("AES-256", aes)] {
            let all = lopdf::Permissions::all();
            let locked = make("site123", all);
            assert!(declares(&locked), "{cipher}");
            let issue = security(&locked).expect("needs a password");
            assert_eq!(
                (issue.check, issue.severity),
                (Check::PdfPassword, Severity::Fail),
                "{cipher}"
            );

            let restricted = make("", all - lopdf::Permissions::ANNOTABLE);
            let issue = security(&restricted).expect("restricted");
            assert_eq!(
                (issue.check, issue.severity),
                (Check::PdfRestricted, Severity::Warn),
                "{cipher}"
            );
            assert!(
                issue.problem.contains("comments and markups"),
                "{cipher}: {}",
                issue.problem
            );
            assert!(
                !issue.problem.contains("changes"),
                "{cipher}: {}",
                issue.problem
            );

            let read_only = make("", all - lopdf::Permissions::MODIFIABLE);
            let issue = security(&read_only).expect("restricted");
            assert!(
                issue.problem.contains("against changes:"),
                "{cipher}: {}",
                issue.problem
            );

            // Encrypted with an empty password and every permission: opens and edits normally.
            let open = make("", all);
            assert!(declares(&open), "{cipher}");
            assert_eq!(security(&open), None, "{cipher}");
        }
    }

    /// `pdf` with its security changed in an incremental update: a copy of its security
    /// dictionary appended and named by a new trailer, and the old one, still in the file,
    /// rewritten to allow everything.
    fn resecured(pdf: &[u8]) -> Vec<u8> {
        let at = |hay: &[u8], needle: &[u8]| {
            hay.windows(needle.len()).position(|w| w == needle).unwrap()
        };
        let text = |from: usize, end: u8| {
            let rest = &pdf[from..];
            String::from_utf8(rest[..at(rest, &[end])].to_vec()).unwrap()
        };
        let standard = at(pdf, b"/Standard");
        let body = pdf[..standard]
            .windows(4)
            .rposition(|w| w == b" obj")
            .unwrap()
            + 4;
        let end = standard + at(&pdf[standard..], b"endobj") + 6;
        let (root, id) = (at(pdf, b"/Root ") + 6, at(pdf, b"/ID[") + 3);
        let (root, id) = (text(root, b'R'), text(id, b']'));
        let mut out = pdf.to_vec();
        let p = standard + at(&pdf[standard..], b"/P ") + 3;
        let width = pdf[p..]
            .iter()
            .take_while(|&&b| b == b'-' || b.is_ascii_digit())
            .count();
        out[p..p + width].copy_from_slice(format!("{:>width$}", -4).as_bytes());
        let new = out.len();
        out.extend_from_slice(b"99 0 obj");
        out.extend_from_slice(&pdf[body..end]);
        let xref = out.len();
        let prev = startxref(pdf).unwrap();
        out.extend_from_slice(
            format!(
                "\nxref\n0 1\n0000000000 65535 f \n99 1\n{new:010} 00000 n \ntrailer\n\
                 <</Size 100/Root {root}R/Encrypt 99 0 R/ID{id}]/Prev {prev}>>\n\
                 startxref\n{}\n%%EOF\n",
                xref + 1
            )
            .as_bytes(),
        );
        out
    }

    #[test]
    fn after_an_incremental_update_the_newest_security_settings_count() {
        let all = lopdf::Permissions::all();
        let restricted = test_pdf::pdf("", Some(all - lopdf::Permissions::ANNOTABLE));
        let issue = security(&resecured(&restricted)).expect("restricted");
        assert!(
            issue.problem.contains("comments and markups"),
            "{}",
            issue.problem
        );
        // The copy is what the trailer names: an open copy stays open.
        assert_eq!(security(&resecured(&test_pdf::pdf("", Some(all)))), None);
    }

    #[test]
    fn damaged_encrypted_pdfs_never_panic() {
        for locked in [
            test_pdf::pdf("site123", Some(lopdf::Permissions::all())),
            test_pdf::pdf_aes256("", lopdf::Permissions::empty()),
        ] {
            for cut in (0..locked.len()).step_by(7) {
                let _ = pdf_security(locked[..cut].to_vec());
                let mut flipped = locked.clone();
                flipped[cut] ^= 0x5A;
                let _ = pdf_security(flipped);
            }
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
            let found = content(Some(ext), &mut Cursor::new(&bytes)).unwrap();
            let _ = security(&bytes);
            proptest::prop_assert!(found.issues.iter().all(|i| !i.problem.is_empty() && !i.fix.is_empty()));
        }
    }
}
