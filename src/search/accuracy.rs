//! Accuracy of the search on sets of real phrasings, measured on the built-in guides.
//!
//! Each set is a TSV file: the expected guide id (several, comma-separated, when any of them is
//! right), a tab, and the user's words. Lines starting with `#` are comments.

use std::path::Path;

use super::search;
use crate::guides::Library;

/// One phrasing and the guides that may rightly come first.
struct Case {
    line: usize,
    expected: Vec<String>,
    query: String,
}

fn read_set(path: &Path) -> Vec<Case> {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| {
            let (ids, query) = line
                .split_once('\t')
                .unwrap_or_else(|| panic!("{}:{}: no tab", path.display(), i + 1));
            Case {
                line: i + 1,
                expected: ids.split(',').map(|id| id.trim().to_owned()).collect(),
                query: query.trim().to_owned(),
            }
        })
        .collect()
}

/// Top-1 and top-3 accuracy on `set`, printing every miss; panics below the thresholds.
fn check_set(library: &Library, path: &Path, min_top1: f64, min_top3: f64) {
    let cases = read_set(path);
    assert!(!cases.is_empty(), "{} has no cases", path.display());
    let (mut top1, mut top3) = (0, 0);
    for case in &cases {
        for id in &case.expected {
            assert!(
                library.guide(id).is_some(),
                "line {}: unknown guide `{id}`",
                case.line
            );
        }
        let hits = search(library, &case.query);
        let rank = hits.iter().position(|h| case.expected.contains(&h.guide));
        top1 += usize::from(rank == Some(0));
        top3 += usize::from(rank.is_some_and(|r| r < 3));
        if rank != Some(0) {
            let got: Vec<String> = hits
                .iter()
                .take(3)
                .map(|h| format!("{} {:.2} ({})", h.guide, h.score, h.matched))
                .collect();
            println!(
                "miss line {}: {:?} wants {} at rank {}; got {}",
                case.line,
                case.query,
                case.expected.join("|"),
                rank.map_or("none".to_owned(), |r| (r + 1).to_string()),
                got.join(", ")
            );
        }
    }
    let n = cases.len() as f64;
    let (top1, top3) = (top1 as f64 / n, top3 as f64 / n);
    println!(
        "{}: {} cases, top-1 {:.1}%, top-3 {:.1}%",
        path.display(),
        n,
        top1 * 100.0,
        top3 * 100.0
    );
    assert!(top1 >= min_top1, "top-1 {top1:.3} below {min_top1}");
    assert!(top3 >= min_top3, "top-3 {top3:.3} below {min_top3}");
}

fn library() -> Library {
    crate::guides::load(None).expect("the built-in guides load")
}

#[test]
fn dev_set_accuracy() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/triage-dev-set.tsv");
    check_set(&library(), &path, 0.95, 1.0);
}

#[test]
fn held_out_set_accuracy() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/search-extra.tsv");
    check_set(&library(), &path, 0.95, 1.0);
}
