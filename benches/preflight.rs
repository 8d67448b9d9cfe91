//! Preflight speed (`cargo bench --bench preflight`): checks a generated tree of 20,000 files
//! (photos, PDFs, text, a few bad names and empty files) and reports files per second.
//! A figure, not pass/fail; the file cache is warm after the first run.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::time::Instant;

use fieldfix::preflight::{self, Options};

const FOLDERS: usize = 200;
const PER_FOLDER: usize = 100;

/// A small complete JPEG (start, header, scan data, end marker).
fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0");
    b.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x08]);
    b.extend(std::iter::repeat_n(0x3C, 20_000));
    b.extend_from_slice(&[0xFF, 0xD9]);
    b
}

fn pdf() -> Vec<u8> {
    let mut b = b"%PDF-1.7\n1 0 obj\n<</Type/Catalog>>\nendobj\n".to_vec();
    b.extend(std::iter::repeat_n(b' ', 40_000));
    b.extend_from_slice(b"\ntrailer\n<</Root 1 0 R>>\nstartxref\n9\n%%EOF\n");
    b
}

/// Writes the tree; returns its root and the number of files.
fn generate(dir: &Path) -> (PathBuf, usize) {
    let root = dir.join("project");
    let (jpeg, pdf) = (jpeg(), pdf());
    let mut files = 0;
    for f in 0..FOLDERS {
        let folder = root
            .join(format!("area-{:03}", f / 20))
            .join(format!("day-{f:03}"));
        std::fs::create_dir_all(&folder).expect("create folder");
        for i in 0..PER_FOLDER {
            let (name, bytes): (String, &[u8]) = match i % 10 {
                0 => (format!("RFI #{i}.txt"), b"question"),
                1 => (format!("empty-{i}.jpg"), b""),
                2..=5 => (format!("IMG_{f:03}{i:02}.jpg"), &jpeg),
                6..=8 => (format!("sheet-{i}.pdf"), &pdf),
                _ => (format!("notes-{i}.txt"), b"pour on Monday"),
            };
            std::fs::write(folder.join(name), bytes).expect("write file");
            files += 1;
        }
    }
    (root, files)
}

fn main() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (root, files) = generate(dir.path());
    let options = Options {
        progress: false,
        ..Options::default()
    };
    let mut rates = Vec::new();
    for run in 1..=5 {
        let start = Instant::now();
        let scan = preflight::scan(std::slice::from_ref(&root), &options).expect("scan");
        let secs = start.elapsed().as_secs_f64();
        assert_eq!(scan.files as usize, files, "every file checked");
        let rate = files as f64 / secs;
        println!(
            "run {run}: {files} files, {} findings in {secs:.3} s: {rate:.0} files/s",
            scan.findings.len()
        );
        rates.push(rate);
    }
    rates.sort_by(f64::total_cmp);
    println!(
        "preflight over {files} generated files: median {:.0} files/s",
        rates[rates.len() / 2]
    );
}
