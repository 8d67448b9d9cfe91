//! Test files for preflight: PDFs made with lopdf, small JPEGs and PNGs. For the preflight
//! tests (`tests/cli/preflight.rs`) and the checks' own unit tests (src/preflight/checks/mod.rs
//! includes this file).

/// A one-page PDF made with lopdf, encrypted (RC4, 128 bits) when `permissions` is given.
pub fn pdf(user_password: &str, permissions: Option<lopdf::Permissions>) -> Vec<u8> {
    one_page_pdf(user_password, permissions, false)
}

/// The same PDF encrypted with AES-256 (revision 6, the kind PDF 2.0 keeps).
pub fn pdf_aes256(user_password: &str, permissions: lopdf::Permissions) -> Vec<u8> {
    one_page_pdf(user_password, Some(permissions), true)
}

fn one_page_pdf(
    user_password: &str,
    permissions: Option<lopdf::Permissions>,
    aes256: bool,
) -> Vec<u8> {
    use lopdf::encryption::crypt_filters::{Aes256CryptFilter, CryptFilter};
    use lopdf::{Document, EncryptionState, EncryptionVersion, Object, Stream, dictionary};
    let mut doc = Document::with_version("1.5");
    let pages = doc.new_object_id();
    let content = doc.add_object(Stream::new(dictionary! {}, b"BT ET".to_vec()));
    let page = doc.add_object(dictionary! {
        "Type" => "Page",
        "Parent" => pages,
        "Contents" => content,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
    });
    doc.objects.insert(
        pages,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages });
    doc.trailer.set("Root", catalog);
    let id = Object::string_literal(b"fieldfix-test-id".to_vec());
    doc.trailer.set("ID", Object::Array(vec![id.clone(), id]));
    if let Some(permissions) = permissions {
        let version = if aes256 {
            let filter: std::sync::Arc<dyn CryptFilter> = std::sync::Arc::new(Aes256CryptFilter);
            EncryptionVersion::V5 {
                encrypt_metadata: true,
                crypt_filters: [(b"StdCF".to_vec(), filter)].into(),
                file_encryption_key: &[7; 32],
                stream_filter: b"StdCF".to_vec(),
                string_filter: b"StdCF".to_vec(),
                owner_password: "owner",
                user_password,
                permissions,
            }
        } else {
            EncryptionVersion::V2 {
                document: &doc,
                owner_password: "owner",
                user_password,
                key_length: 128,
                permissions,
            }
        };
        let state = EncryptionState::try_from(version).expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save PDF");
    out
}

/// A small JPEG: start marker, JFIF header, a scan (with a stuffed `FF 00` in its data), and
/// (when `complete`) the end marker.
pub fn jpeg(complete: bool) -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08]);
    b.extend(std::iter::repeat_n(0x55, 5000));
    b.extend_from_slice(&[0xFF, 0x00, 0x12]);
    if complete {
        b.extend_from_slice(&[0xFF, 0xD9]);
    }
    b
}

/// A small PNG: signature, header, and (when `complete`) the end chunk.
pub fn png(complete: bool) -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    b.extend_from_slice(&[0; 17]);
    if complete {
        b.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82");
    }
    b
}
