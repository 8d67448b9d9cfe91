//! Checks the built-in guides with the validator fieldfix itself uses, and compiles them into
//! the binary: the YAML as written, and the validated library as JSON, which loads far faster.
//! A problem in a built-in guide stops the build with the validator's messages. Also writes the
//! JSON Schema of a guide file that `fieldfix schema` prints.
//!
//! The validator is the `fieldfix-guides` crate (crates/fieldfix-guides), a build-dependency
//! here and a dependency of fieldfix: one source, so the build checks exactly what
//! `fieldfix validate` checks. Cargo still compiles it twice (once for this script, once into
//! fieldfix), as it does every crate both use.

use std::{env, fs, path::Path};

use fieldfix_guides::load::{Source, assemble_with};
use fieldfix_guides::model::{Library, Origin};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("guides");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("the guides/ folder is missing")
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|ext| ext == "yaml"))
        .collect();
    files.sort();

    let mut sources = Vec::new();
    let mut embedded = String::from(
        "/// Every file of `guides/`, as (file name, contents).\npub static EMBEDDED: &[(&str, &str)] = &[\n",
    );
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        embedded.push_str(&format!(
            "    ({name:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
        sources.push(Source {
            name: format!("guides/{name}"),
            stem: name.trim_end_matches(".yaml").to_owned(),
            text: fs::read_to_string(path).expect("guide files are UTF-8"),
            origin: Origin::BuiltIn,
        });
    }
    embedded.push_str("];\n");

    // Not strict here: a test keeps the built-in guides strict-clean (`validate --strict`).
    let checked = assemble_with(
        Library {
            context: Vec::new(),
            targets: Default::default(),
            guides: Vec::new(),
            vocabulary: Default::default(),
        },
        sources,
        Vec::new(),
        false,
    );
    let library = match checked.library {
        Some(library) if checked.problems.is_empty() => library,
        _ => {
            let problems: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
            panic!(
                "the built-in guides have {} problem(s):\n\n{}\n",
                problems.len(),
                problems.join("\n\n")
            );
        }
    };
    let out = Path::new(&env::var("OUT_DIR").unwrap()).to_owned();
    embed_library(&out, &library, &mut embedded);
    // Identifies this build's guides, so caches made by another build are not trusted.
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    std::hash::Hash::hash(&serde_json::to_string(&library).unwrap(), &mut hasher);
    embedded.push_str(&format!(
        "\n/// This build of fieldfix and its guides.\npub static BUILD_ID: &str = \"{}-{:016x}\";\n",
        env!("CARGO_PKG_VERSION"),
        std::hash::Hasher::finish(&hasher)
    ));
    fs::write(out.join("embedded_guides.rs"), embedded).unwrap();
    // `fieldfix schema`: generated here so schemars stays out of the binary.
    let mut schema = serde_json::to_string_pretty(&fieldfix_guides::raw::guide_schema()).unwrap();
    schema.push('\n');
    fs::write(out.join("guide.schema.json"), schema).unwrap();

    version(&files, library.guides.len());
}

/// The validated library as JSON, one document per guide, so a command that needs one guide
/// reads only that one: written to `out`, and named in `embedded`.
fn embed_library(out: &Path, library: &Library, embedded: &mut String) {
    fs::write(
        out.join("context.json"),
        serde_json::to_string(&library.context).unwrap(),
    )
    .unwrap();
    fs::write(
        out.join("targets.json"),
        serde_json::to_string(&library.targets).unwrap(),
    )
    .unwrap();
    fs::write(
        out.join("vocabulary.json"),
        serde_json::to_string(&library.vocabulary).unwrap(),
    )
    .unwrap();
    embedded.push_str("\n/// The domain vocabulary, as JSON.\npub static VOCABULARY_JSON: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/vocabulary.json\"));\n");
    embedded.push_str("\n/// The shared hand-over targets, as JSON.\npub static TARGETS_JSON: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/targets.json\"));\n");
    embedded.push_str("\n/// The shared context questions, as JSON.\npub static CONTEXT_JSON: &str = include_str!(concat!(env!(\"OUT_DIR\"), \"/context.json\"));\n");
    embedded.push_str("\n/// Each validated guide: (id, aliases, the guide as JSON).\npub static GUIDES: &[(&str, &[&str], &str)] = &[\n");
    for guide in &library.guides {
        let file = format!("guide-{}.json", guide.id);
        fs::write(out.join(&file), serde_json::to_string(guide).unwrap()).unwrap();
        embedded.push_str(&format!(
            "    ({:?}, &{:?}, include_str!(concat!(env!(\"OUT_DIR\"), \"/{file}\"))),\n",
            guide.id, guide.aliases
        ));
    }
    embedded.push_str("];\n");
}

/// `fieldfix --version`: the package version and which built-in guides this build carries,
/// as a short SHA-256 of the guide files (names and contents, in name order, with CRLF line
/// ends read as LF so a Windows checkout gives the same hash) and the number of guides.
fn version(files: &[std::path::PathBuf], guides: usize) {
    let mut content = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy();
        let text = fs::read_to_string(path).unwrap().replace("\r\n", "\n");
        content.extend_from_slice(format!("{name}\n{}\n", text.len()).as_bytes());
        content.extend_from_slice(text.as_bytes());
    }
    let digest = &fieldfix_guides::sha256_hex(&content)[..8];
    println!(
        "cargo:rustc-env=FIELDFIX_VERSION={} (guides {digest}, {} guides)",
        env!("CARGO_PKG_VERSION"),
        guides
    );
}
