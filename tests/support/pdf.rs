//! Test PDFs, made with lopdf: for the preflight tests (`tests/cli/preflight.rs`) and the PDF
//! check's own unit tests (src/preflight/checks/pdf.rs includes this file).

/// A one-page PDF made with lopdf, encrypted (RC4, 128 bits) when `permissions` is given.
pub fn pdf(user_password: &str, permissions: Option<lopdf::Permissions>) -> Vec<u8> {
    use lopdf::{Document, Object, Stream, dictionary};
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
        let state = lopdf::EncryptionState::try_from(lopdf::EncryptionVersion::V2 {
            document: &doc,
            owner_password: "owner",
            user_password,
            key_length: 128,
            permissions,
        })
        .expect("encryption state");
        doc.encrypt(&state).expect("encrypt");
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save PDF");
    out
}
