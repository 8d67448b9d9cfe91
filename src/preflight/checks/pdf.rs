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
pub fn pdf(src: &mut (impl Read + Seek)) -> io::Result<Option<Issue>> {
    if !pdf_declares_encryption(src)? {
        return Ok(None);
    }
    let len = src.seek(SeekFrom::End(0))?;
    match usize::try_from(len) {
        Ok(whole) if len <= PDF_OPEN_LIMIT => Ok(pdf_security(&read_at(src, 0, whole)?)),
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

        let locked = test_pdf::pdf("site123", Some(lopdf::Permissions::all()));
        assert!(declares(&locked));
        let issue = security(&locked).expect("needs a password");
        assert_eq!(
            (issue.check, issue.severity),
            (Check::PdfPassword, Severity::Fail)
        );

        let no_markups = lopdf::Permissions::all() - lopdf::Permissions::ANNOTABLE;
        let restricted = test_pdf::pdf("", Some(no_markups));
        let issue = security(&restricted).expect("restricted");
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
        let open = test_pdf::pdf("", Some(lopdf::Permissions::all()));
        assert!(declares(&open));
        assert_eq!(security(&open), None);
    }

    #[test]
    fn damaged_encrypted_pdfs_never_panic() {
        let locked = test_pdf::pdf("site123", Some(lopdf::Permissions::all()));
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
            let found = content(Some(ext), &mut Cursor::new(&bytes)).unwrap();
            let _ = security(&bytes);
            proptest::prop_assert!(found.issues.iter().all(|i| !i.problem.is_empty() && !i.fix.is_empty()));
        }
    }
}
