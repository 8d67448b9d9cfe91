//! Text analysis for search: words, contractions, spelling, synonyms, stop words and stems.
//!
//! Guide text and queries go through the same steps, so both sides meet on the same terms:
//! lowercase words → contractions expanded → (queries only) misspellings corrected → stop words
//! dropped → Snowball stems → synonyms and abbreviations mapped to canonical terms (the longest
//! match wins, so "change order" and "timed out" are caught whole) → particles dropped.

use std::collections::{BTreeSet, HashMap};

use rust_stemmers::{Algorithm, Stemmer};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::guides::model::Vocabulary;

/// Words that say nothing about the problem, separated by white space; `#` starts a comment.
const STOP_WORDS: &str = include_str!("stopwords.txt");

/// Short words kept until multi-word synonyms had their chance ("log in", "timed out"), then dropped.
const PARTICLES: &[&str] = &[
    "back", "in", "no", "not", "off", "on", "onto", "out", "over", "up",
];

/// Contractions written with or without the apostrophe, and what they stand for.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("aint", "is not"),
    ("cannot", "can not"),
    ("cant", "can not"),
    ("shant", "shall not"),
    ("wont", "will not"),
];

/// Verbs that take "n't" ("doesnt", "isn't": the apostrophe is gone by then).
const NT_VERBS: &[&str] = &[
    "are", "could", "did", "do", "does", "had", "has", "have", "is", "must", "need", "should",
    "was", "were", "would",
];

/// Shortest misspelt word that is corrected.
const MIN_FUZZY_LEN: usize = 4;
/// Jaro-Winkler similarity needed to take an unknown word for a known one.
const MIN_SIMILARITY: f64 = 0.9;
/// How much a corrected word counts, against 1 for a word spelt as in the guides.
pub const FUZZY_WEIGHT: f64 = 0.8;

/// One search term: a stem or a canonical vocabulary term, and how much it counts.
#[derive(Debug, Clone, PartialEq)]
pub struct Term {
    pub text: String,
    pub weight: f64,
}

/// The words that need no spelling correction.
#[derive(Serialize, Deserialize)]
pub struct Lexicon {
    words: BTreeSet<String>,
    /// Their stems: another form of a known word is known too.
    stems: BTreeSet<String>,
}

/// Turns text into search terms. Serialised as its vocabulary, all it is made from.
pub struct Analyzer {
    vocabulary: Vocabulary,
    stemmer: Stemmer,
    /// Stem sequence of a variant → its canonical terms: the stems of the vocabulary term, so
    /// "no access" and "permission denied" both become `permiss deni`, each word a term.
    synonyms: HashMap<Vec<String>, Vec<String>>,
    /// The most stems a variant has.
    longest: usize,
    /// The first stem of every variant: only where one starts can a variant match.
    starts: std::collections::HashSet<String>,
    /// Every word the vocabulary knows, for spelling correction.
    vocabulary_words: BTreeSet<String>,
    stop_words: std::collections::HashSet<&'static str>,
    /// Stems already worked out: guides repeat the same words again and again.
    known_stems: std::cell::RefCell<HashMap<String, String>>,
}

impl Analyzer {
    /// An analyzer that reads every variant of `vocabulary` as its term.
    pub fn new(vocabulary: &Vocabulary) -> Self {
        let mut analyzer = Analyzer {
            vocabulary: vocabulary.clone(),
            stemmer: Stemmer::create(Algorithm::English),
            synonyms: HashMap::new(),
            longest: 1,
            starts: std::collections::HashSet::new(),
            known_stems: Default::default(),
            vocabulary_words: BTreeSet::new(),
            stop_words: data_lines(STOP_WORDS)
                .flat_map(str::split_whitespace)
                .collect(),
        };
        for (term, variants) in &vocabulary.terms {
            let canonical = analyzer.stems(term);
            if canonical.is_empty() {
                continue;
            }
            for variant in std::iter::once(term).chain(variants) {
                analyzer.vocabulary_words.extend(words(variant));
                let key = analyzer.stems(variant);
                if !key.is_empty() {
                    analyzer.longest = analyzer.longest.max(key.len());
                    analyzer.starts.insert(key[0].clone());
                    analyzer.synonyms.entry(key).or_insert(canonical.clone());
                }
            }
        }
        analyzer
    }

    /// The Snowball stem of `word`.
    fn stem(&self, word: &str) -> String {
        if let Some(stem) = self.known_stems.borrow().get(word) {
            return stem.clone();
        }
        let stem = self.stemmer.stem(word).into_owned();
        self.known_stems
            .borrow_mut()
            .insert(word.to_owned(), stem.clone());
        stem
    }

    /// The stems of the words of `text` that are not stop words.
    fn stems(&self, text: &str) -> Vec<String> {
        self.content_stems(words(text).into_iter().map(|w| (w, 1.0)).collect())
            .into_iter()
            .map(|t| t.text)
            .collect()
    }

    /// The words a query may use without correction: `words` (the guides' own) and those the
    /// analyzer knows (vocabulary, stop words, particles), with their stems.
    pub fn lexicon(&self, words: impl IntoIterator<Item = String>) -> Lexicon {
        let own = self
            .vocabulary_words
            .iter()
            .cloned()
            .chain(
                self.stop_words
                    .iter()
                    .chain(PARTICLES)
                    .map(|w| (*w).to_owned()),
            )
            .chain(CONTRACTIONS.iter().map(|(w, _)| (*w).to_owned()));
        let words: BTreeSet<String> = own.chain(words).collect();
        let stems = words.iter().map(|w| self.stem(w)).collect();
        Lexicon { words, stems }
    }

    /// The terms of guide text, spelt as written.
    pub fn terms(&self, text: &str) -> Vec<Term> {
        self.terms_of_words(words(text))
    }

    /// The terms of guide text already split into [`words`].
    pub fn terms_of_words(&self, words: Vec<String>) -> Vec<Term> {
        self.analyze(words.into_iter().map(|w| (w, 1.0)).collect())
    }

    /// The terms of a user's query: words missing from `lexicon` are taken for the closest known
    /// word, when one is close enough, at a discount.
    pub fn query_terms(&self, text: &str, lexicon: &Lexicon) -> Vec<Term> {
        let corrected = words(text)
            .into_iter()
            .map(|w| {
                let known = lexicon.words.contains(&w)
                    || lexicon.stems.contains(self.stemmer.stem(&w).as_ref());
                let fixed = if known {
                    None
                } else {
                    correct(&w, &lexicon.words)
                };
                match fixed {
                    Some(fixed) => (fixed.to_owned(), FUZZY_WEIGHT),
                    None if is_status_code(&w) => (w, CODE_WEIGHT),
                    None => (w, 1.0),
                }
            })
            .collect();
        self.analyze(corrected)
    }

    fn analyze(&self, words: Vec<(String, f64)>) -> Vec<Term> {
        let stems = self.content_stems(words);
        self.map_synonyms(stems)
            .into_iter()
            .filter(|t| !PARTICLES.contains(&t.text.as_str()))
            .collect()
    }

    /// Stems of the words that are not stop words (particles are kept).
    fn content_stems(&self, words: Vec<(String, f64)>) -> Vec<Term> {
        words
            .into_iter()
            .filter(|(w, _)| !self.stop_words.contains(w.as_str()))
            .map(|(w, weight)| Term {
                text: self.stem(&w),
                weight,
            })
            .collect()
    }

    /// Replaces the longest known variants, left to right, by their canonical terms.
    fn map_synonyms(&self, stems: Vec<Term>) -> Vec<Term> {
        let mut out = Vec::with_capacity(stems.len());
        let mut i = 0;
        while i < stems.len() {
            if !self.starts.contains(&stems[i].text) {
                out.push(stems[i].clone());
                i += 1;
                continue;
            }
            let found = (1..=self.longest.min(stems.len() - i)).rev().find_map(|n| {
                let key: Vec<String> = stems[i..i + n].iter().map(|t| t.text.clone()).collect();
                self.synonyms.get(&key).map(|canonical| (n, canonical))
            });
            match found {
                Some((n, canonical)) => {
                    let weight = match canonical.as_slice() {
                        // A status code's reason phrase means the code, and keeps its words
                        // ("internal error" still meets "internal server error").
                        [code] if is_status_code(code) => {
                            out.extend_from_slice(&stems[i..i + n]);
                            CODE_WEIGHT
                        }
                        _ => stems[i..i + n]
                            .iter()
                            .map(|t| t.weight)
                            .fold(f64::INFINITY, f64::min),
                    };
                    out.extend(canonical.iter().map(|text| Term {
                        text: text.clone(),
                        weight,
                    }));
                    i += n;
                }
                None => {
                    out.push(stems[i].clone());
                    i += 1;
                }
            }
        }
        out
    }
}

impl Serialize for Analyzer {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.vocabulary.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Analyzer {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vocabulary::deserialize(deserializer).map(|v| Analyzer::new(&v))
    }
}

/// How much an HTTP status code in a query counts, against 1 for another word: "403" says
/// more about the problem than any word around it.
pub const CODE_WEIGHT: f64 = 3.0;

/// Whether `word` is an HTTP status code (100 to 599).
fn is_status_code(word: &str) -> bool {
    word.len() == 3 && word.parse::<u16>().is_ok_and(|n| (100..600).contains(&n))
}

/// Lowercase words of `text`, with contractions expanded and letters split from digits
/// ("can't" → "can not", "err404" → "err 404").
pub fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['’', '‘', '`'], "'");
    let mut out = Vec::new();
    for raw in lower.split(|c: char| !(c.is_alphanumeric() || c == '\'')) {
        let word = raw.trim_matches('\'');
        if word.is_empty() {
            continue;
        }
        for part in split_digits(&expand_apostrophe(word)) {
            expand_contraction(&part, &mut out);
        }
    }
    out
}

/// Removes the apostrophe of a contraction or possessive: "can't" → "cant", "super's" → "super".
fn expand_apostrophe(word: &str) -> String {
    match word.split_once('\'') {
        Some((head, "t")) => format!("{head}t"),
        Some((head, "s" | "re" | "ve" | "ll" | "d" | "m")) => head.to_owned(),
        _ => word.replace('\'', ""),
    }
}

/// Splits runs of letters from runs of digits.
fn split_digits(word: &str) -> Vec<String> {
    let mut parts: Vec<String> = Vec::new();
    let mut last_digit = None;
    for c in word.chars() {
        let digit = c.is_ascii_digit();
        match parts.last_mut() {
            Some(part) if last_digit == Some(digit) => part.push(c),
            _ => parts.push(c.to_string()),
        }
        last_digit = Some(digit);
    }
    parts
}

/// Pushes `word`, or its expansion when it is a contraction.
fn expand_contraction(word: &str, out: &mut Vec<String>) {
    if let Some((_, expanded)) = CONTRACTIONS.iter().find(|(c, _)| *c == word) {
        out.extend(expanded.split(' ').map(str::to_owned));
        return;
    }
    match word.strip_suffix("nt") {
        Some(v) if NT_VERBS.contains(&v) => {
            out.push(v.to_owned());
            out.push("not".to_owned());
        }
        _ => out.push(word.to_owned()),
    }
}

/// The known word an unknown `word` was most likely meant to be.
fn correct<'a>(word: &str, lexicon: &'a BTreeSet<String>) -> Option<&'a str> {
    let len = word.chars().count();
    if len < MIN_FUZZY_LEN || word.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut best: Option<(f64, &str)> = None;
    for known in lexicon {
        if known.chars().count().abs_diff(len) > 2 {
            continue;
        }
        let similarity = strsim::jaro_winkler(word, known);
        if similarity >= MIN_SIMILARITY && best.is_none_or(|(s, _)| similarity > s) {
            best = Some((similarity, known));
        }
    }
    best.map(|(_, known)| known)
}

/// The lines of a data file, without comments (from `#`) and surrounding blanks.
fn data_lines(text: &str) -> impl Iterator<Item = &str> {
    text.lines()
        .map(|line| line.split('#').next().unwrap_or_default().trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary() -> Vocabulary {
        crate::testing::builtin().vocabulary
    }

    fn texts(terms: &[Term]) -> Vec<&str> {
        terms.iter().map(|t| t.text.as_str()).collect()
    }

    #[test]
    fn words_are_lowercased_split_and_expanded() {
        for (text, expected) in [
            ("Can't upload PDF's!", &["can", "not", "upload", "pdf"][..]),
            (
                "cant / cannot / won't / wont",
                &["can", "not", "can", "not", "will", "not", "will", "not"],
            ),
            (
                "doesnt isn’t didn't",
                &["does", "not", "is", "not", "did", "not"],
            ),
            ("err404, 500error", &["err", "404", "500", "error"]),
            ("the super's markups", &["the", "super", "markups"]),
            ("  ...  ", &[]),
        ] {
            assert_eq!(words(text), expected, "{text}");
        }
    }

    #[test]
    fn stop_words_go_and_stems_stay() {
        let a = Analyzer::new(&vocabulary());
        assert_eq!(
            texts(&a.terms("The flooring contractors are loading")),
            ["floor", "contractor", "load"]
        );
        assert!(a.terms("it is the").is_empty());
    }

    #[test]
    fn synonyms_and_abbreviations_meet() {
        let a = Analyzer::new(&vocabulary());
        for (x, y) in [
            ("pics", "photos"),
            ("pictures", "images"),
            ("annotations", "markups"),
            ("redlines", "pins"),
            ("PCCO", "change order"),
            ("CCO", "CO"),
            ("request for information", "RFI"),
            ("logged in", "sign in"),
            ("timed out", "timeout"),
        ] {
            assert_eq!(texts(&a.terms(x)), texts(&a.terms(y)), "{x} vs {y}");
        }
    }

    #[test]
    fn misspellings_are_corrected_at_a_discount() {
        let a = Analyzer::new(&vocabulary());
        let lexicon =
            a.lexicon(["submittal", "uploading", "permission", "logged"].map(str::to_owned));
        let terms = a.query_terms("sumbittal uplaoding permision xyz", &lexicon);
        assert_eq!(
            texts(&terms),
            texts(&a.terms("submittal uploading permission xyz"))
        );
        assert_eq!(terms[0].weight, FUZZY_WEIGHT);
        assert_eq!(terms[3].weight, 1.0);
        // Other forms of known words are left alone, and so are short words and numbers.
        assert_eq!(texts(&a.query_terms("logging", &lexicon)), ["log"]);
        assert_eq!(
            texts(&a.query_terms("pic 4044", &lexicon)),
            texts(&a.terms("pic 4044"))
        );
    }

    /// A variant of several words keeps at least two once stop words are dropped: otherwise
    /// one common word alone would take its meaning ("all users" read every "user" as
    /// "everyone").
    #[test]
    fn no_variant_shrinks_to_one_word() {
        let a = Analyzer::new(&Default::default());
        for (term, variants) in &vocabulary().terms {
            for variant in std::iter::once(term).chain(variants) {
                let kept = a.stems(variant);
                assert!(
                    words(variant).len() < 2 || kept.len() >= 2,
                    "`{variant}` ({term}) is only `{}` without its stop words",
                    kept.join(" ")
                );
            }
        }
    }

    #[test]
    fn vocabulary_variants_are_unambiguous() {
        let a = Analyzer::new(&vocabulary());
        let mut seen: HashMap<Vec<String>, &String> = HashMap::new();
        let vocabulary = vocabulary();
        for (term, variants) in &vocabulary.terms {
            for variant in std::iter::once(term).chain(variants) {
                let key = a.stems(variant);
                assert!(!key.is_empty(), "`{variant}` is only stop words");
                if let Some(other) = seen.insert(key, term) {
                    assert_eq!(other, term, "`{variant}` is listed under two terms");
                }
            }
        }
    }
}
