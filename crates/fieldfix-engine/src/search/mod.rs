//! Free-text search: ranks the guides for a user's own description of the problem.
//!
//! The method, in short:
//! 1. Guide text and the query become terms (see [`text`]): lowercase words, contractions
//!    expanded, misspelt query words corrected against the guides' own words (Jaro-Winkler, at a
//!    discount), stop words dropped, Snowball stems, and crews' words mapped to the guides' own
//!    by the domain vocabulary (`guides/_vocabulary.yaml`, loaded with the guides: pics = photo,
//!    CO = change order, ...). An HTTP status code in the query counts three times another word,
//!    and so does its reason phrase ("request timeout" = 408, through the vocabulary).
//! 2. Each guide is scored with BM25F: its fields (id words, title, aliases, symptoms, summary,
//!    cause titles, cause explanations, step titles) count with different weights, rare terms
//!    count more than common ones, and a query word counts as often as it is said.
//! 3. Each guide phrase (title, alias, symptom) is compared with the whole query (weighted Dice
//!    overlap); the best one is the `matched` phrase and adds to the score, so a description that
//!    reads like one of the guide's symptoms ranks it first.
//!
//! Both parts lie in 0..1, and so does their weighted mean. Ties are broken by guide id. For two
//! guides that score alike, [`tell_apart`] finds the line of each that the other lacks.
//!
//! Analysing the guides is most of a search's time, so the [`Index`] is built once per process
//! and library, and can be serialised: fieldfix keeps a `--guides` folder's with its guide cache.

mod hints;
mod text;

pub use hints::{Hint, hints};

#[cfg(test)]
mod accuracy;

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{Hash, Hasher};
use std::rc::Rc;

use serde::{Deserialize, Serialize};

use crate::guides::{Guide, Library};
use text::{Analyzer, Lexicon, Term};

/// One guide that matches a description.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// The guide id.
    pub guide: String,
    pub title: String,
    /// Relevance between 0 and 1; higher is better.
    pub score: f64,
    /// The guide phrase (title, alias or symptom) that matched best.
    pub matched: String,
}

/// The fields of a guide that are searched, in the order of [`field_texts`], and how much a
/// term in each counts: the words that name the problem most, then how users describe it, then
/// the explanations.
const FIELD_WEIGHTS: [(&str, f64); 8] = [
    ("id", 3.0),
    ("title", 3.0),
    ("aliases", 3.0),
    ("symptoms", 1.5),
    ("summary", 1.0),
    ("cause titles", 0.5),
    ("cause explanations", 0.1),
    ("step titles", 0.05),
];
/// How many fields [`FIELD_WEIGHTS`] lists.
const FIELDS: usize = FIELD_WEIGHTS.len();

/// BM25 term-frequency saturation: higher lets a term that a guide uses again and again (in its
/// id, title, aliases and symptoms) count well above one that a guide mentions in passing.
const K1: f64 = 5.0;
/// BM25 field-length normalisation (0 = none, 1 = full).
const B: f64 = 0.5;
/// Share of the score from BM25; the rest comes from the best matching phrase.
const BM25_SHARE: f64 = 0.75;
/// How much a query term that no guide uses counts against the score, relative to the rarest
/// known term: what is not understood lowers the confidence, but only somewhat.
const UNKNOWN_TERM_SHARE: f64 = 0.5;

/// The guides that match `query`, best first. Empty when nothing matches.
pub fn search(library: &Library, query: &str) -> Vec<Hit> {
    index_for(library).search(query)
}

thread_local! {
    /// The index of the last library searched, with the fingerprint of what it searches.
    static LAST_INDEX: std::cell::RefCell<Option<(u64, Rc<Index>)>> = const { std::cell::RefCell::new(None) };
}

/// The index of `library`: built once per process and library, since building it is most of a
/// search's time (analysing every guide's text) and the wizard searches the same guides again
/// and again. Reused only for a library whose searched text and vocabulary hash alike.
fn index_for(library: &Library) -> Rc<Index> {
    let print = fingerprint(library);
    LAST_INDEX.with_borrow_mut(|last| match last {
        Some((p, index)) if *p == print => Rc::clone(index),
        _ => {
            let index = Rc::new(Index::new(library));
            *last = Some((print, Rc::clone(&index)));
            index
        }
    })
}

/// A hash of everything [`Index::new`] reads: the searched fields of every guide, in order
/// (as [`field_texts`] lists them), and the vocabulary.
fn fingerprint(library: &Library) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    library.vocabulary.terms.hash(&mut hasher);
    for guide in &library.guides {
        (
            &guide.id,
            &guide.title,
            &guide.aliases,
            &guide.symptoms,
            &guide.summary,
        )
            .hash(&mut hasher);
        for cause in &guide.causes {
            (&cause.title, &cause.explain).hash(&mut hasher);
        }
        for step in &guide.steps {
            step.title.hash(&mut hasher);
        }
    }
    hasher.finish()
}

/// For two guides a description fits about equally, the phrase of each (title, alias or
/// symptom) that tells it from the other: the one sharing the most query words the other
/// guide's phrases lack (rare words counting more), or, when the query has none, its most
/// distinctive phrase. `None` when a guide is unknown.
pub fn tell_apart(library: &Library, query: &str, a: &str, b: &str) -> Option<(String, String)> {
    let index = index_for(library);
    let doc = |id: &str| index.docs.iter().find(|d| d.id == id);
    let (da, db) = (doc(a)?, doc(b)?);
    let terms: BTreeSet<TermId> = index.query(query).0.into_iter().map(|(t, _)| t).collect();
    Some((
        index.telling_phrase(da, db, &terms).to_owned(),
        index.telling_phrase(db, da, &terms).to_owned(),
    ))
}

/// A term, by its place in [`Index::terms`].
type TermId = u32;

/// A phrase of a guide a user might have typed, with its terms (sorted, each once).
#[derive(Serialize, Deserialize)]
struct Phrase {
    text: String,
    terms: Vec<TermId>,
}

/// One guide, analysed.
#[derive(Serialize, Deserialize)]
struct Doc {
    id: String,
    title: String,
    /// How many aliases the guide has: its phrases are the title, the aliases, the symptoms.
    aliases: usize,
    phrases: Vec<Phrase>,
    /// Length-normalised, field-weighted frequency of each term the guide uses, by term.
    tf: Vec<(TermId, f64)>,
}

impl Doc {
    fn tf(&self, term: TermId) -> Option<f64> {
        let i = self.tf.binary_search_by_key(&term, |(t, _)| *t).ok()?;
        Some(self.tf[i].1)
    }
}

/// The analysed library: all a search reads. It is what takes the time, so a `--guides`
/// folder's index is kept with the guide cache (serialised; the analyzer as its vocabulary).
#[derive(Serialize, Deserialize)]
pub struct Index {
    analyzer: Analyzer,
    /// Every term a guide uses, sorted: the others name a term by its place here.
    terms: Vec<String>,
    /// Inverse document frequency of each term.
    idf: Vec<f64>,
    docs: Vec<Doc>,
    /// Every word the guides use, for spelling correction.
    lexicon: Lexicon,
}

impl Index {
    /// Analyses every guide of `library`.
    pub fn new(library: &Library) -> Self {
        let analyzer = Analyzer::new(&library.vocabulary);
        let mut words = std::collections::HashSet::new();
        // Terms of each field of each guide, in [`FIELD_WEIGHTS`] order.
        let fields: Vec<[Vec<Term>; FIELDS]> = library
            .guides
            .iter()
            .map(|guide| {
                field_texts(guide).map(|lines| {
                    lines
                        .iter()
                        .flat_map(|line| {
                            let line_words = text::words(line);
                            words.extend(line_words.iter().cloned());
                            analyzer.terms_of_words(line_words)
                        })
                        .collect()
                })
            })
            .collect();
        let terms: Vec<String> = fields
            .iter()
            .flatten()
            .flatten()
            .map(|t| t.text.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let id = |text: &str| terms.binary_search_by(|t| t.as_str().cmp(text)).ok();

        let count = fields.len().max(1) as f64;
        let mut average = [0.0; FIELDS];
        for doc in &fields {
            for (avg, terms) in average.iter_mut().zip(doc) {
                *avg += terms.len() as f64 / count;
            }
        }
        let docs: Vec<Doc> = library
            .guides
            .iter()
            .zip(&fields)
            .map(|(guide, fields)| {
                let mut tf: BTreeMap<TermId, f64> = BTreeMap::new();
                for (field, terms) in fields.iter().enumerate() {
                    let length = terms.len() as f64 / average[field].max(1.0);
                    let weight = FIELD_WEIGHTS[field].1 / (1.0 - B + B * length);
                    for term in terms.iter().filter_map(|t| id(&t.text)) {
                        *tf.entry(term as TermId).or_default() += weight;
                    }
                }
                let phrases = std::iter::once(&guide.title)
                    .chain(&guide.aliases)
                    .chain(&guide.symptoms)
                    .map(|text| {
                        let ids = analyzer.terms(text).into_iter();
                        let ids: BTreeSet<TermId> = ids
                            .filter_map(|t| id(&t.text))
                            .map(|i| i as TermId)
                            .collect();
                        Phrase {
                            text: text.clone(),
                            terms: ids.into_iter().collect(),
                        }
                    })
                    .collect();
                Doc {
                    id: guide.id.clone(),
                    title: guide.title.clone(),
                    aliases: guide.aliases.len(),
                    phrases,
                    tf: tf.into_iter().collect(),
                }
            })
            .collect();
        let idf = inverse_document_frequency(&docs, terms.len());

        let lexicon = analyzer.lexicon(words);
        Index {
            analyzer,
            terms,
            idf,
            docs,
            lexicon,
        }
    }

    /// Every guide id, title and phrase of the index, to be checked as text to print.
    pub fn printed(&self) -> impl Iterator<Item = &str> {
        self.docs.iter().flat_map(|d| {
            [d.id.as_str(), d.title.as_str()]
                .into_iter()
                .chain(d.phrases.iter().map(|p| p.text.as_str()))
        })
    }

    /// The known terms of `query`, each weighted by how often the query says it (BM25's query
    /// term frequency: "code ... wrong code" is about the code), sorted; and the query's total
    /// weight, times IDF, unknown terms included.
    fn query(&self, query: &str) -> (Vec<(TermId, f64)>, f64) {
        let mut said: BTreeMap<String, f64> = BTreeMap::new();
        for term in self.analyzer.query_terms(query, &self.lexicon) {
            *said.entry(term.text).or_default() += term.weight;
        }
        let rarest = self.idf.iter().copied().fold(0.0, f64::max);
        let mut known = Vec::new();
        let mut total = 0.0;
        for (text, weight) in said {
            match self.terms.binary_search(&text) {
                Ok(i) => {
                    known.push((i as TermId, weight));
                    total += weight * self.idf[i];
                }
                Err(_) => total += weight * UNKNOWN_TERM_SHARE * rarest,
            }
        }
        (known, total)
    }

    /// The guides that match `query`, best first. Empty when nothing matches.
    pub fn search(&self, query: &str) -> Vec<Hit> {
        let (terms, query_total) = self.query(query);
        if query_total <= 0.0 {
            return Vec::new();
        }

        let mut hits: Vec<Hit> = self
            .docs
            .iter()
            .filter_map(|doc| {
                let bm25: f64 = terms
                    .iter()
                    .filter_map(|&(t, w)| {
                        let tf = doc.tf(t)?;
                        Some(w * self.idf[t as usize] * tf / (tf + K1))
                    })
                    .sum();
                if bm25 <= 0.0 {
                    return None;
                }
                let (phrase_score, matched) = self.best_phrase(doc, &terms, query_total);
                let score = BM25_SHARE * bm25 / query_total + (1.0 - BM25_SHARE) * phrase_score;
                Some(Hit {
                    guide: doc.id.clone(),
                    title: doc.title.clone(),
                    score: score.clamp(0.0, 1.0),
                    matched: matched.to_owned(),
                })
            })
            .collect();
        hits.sort_by(|a, b| {
            b.score
                .total_cmp(&a.score)
                .then_with(|| a.guide.cmp(&b.guide))
        });
        hits
    }

    /// The symptom of `doc` that best tells it from `other` for a query of `terms` (see
    /// [`tell_apart`]): the most query weight on words `other` never uses in its title, aliases
    /// or symptoms; on a tie, the first listed (authors put the typical ones first) that has
    /// such a word at all, other than the title again. The title when no symptom has one.
    fn telling_phrase<'d>(&self, doc: &'d Doc, other: &Doc, terms: &BTreeSet<TermId>) -> &'d str {
        let theirs: BTreeSet<TermId> = other
            .phrases
            .iter()
            .flat_map(|p| &p.terms)
            .copied()
            .collect();
        let symptoms = &doc.phrases[1 + doc.aliases..];
        let mut best: Option<(f64, &Phrase)> = None;
        for phrase in symptoms {
            let own: Vec<TermId> = phrase
                .terms
                .iter()
                .copied()
                .filter(|t| !theirs.contains(t))
                .collect();
            if own.is_empty() || phrase.text.eq_ignore_ascii_case(&doc.title) {
                continue;
            }
            let in_query: f64 = own
                .iter()
                .filter(|t| terms.contains(t))
                .map(|t| self.idf[*t as usize])
                .sum();
            if best.is_none_or(|(score, _)| in_query > score) {
                best = Some((in_query, phrase));
            }
        }
        best.map_or(doc.title.as_str(), |(_, p)| p.text.as_str())
    }

    /// The guide phrase that shares the most query weight for its length (weighted Dice
    /// overlap), and that overlap; the title when no phrase shares anything.
    fn best_phrase<'d>(
        &self,
        doc: &'d Doc,
        terms: &[(TermId, f64)],
        query_total: f64,
    ) -> (f64, &'d str) {
        let mut best = (0.0, doc.title.as_str());
        for phrase in &doc.phrases {
            let said = |t: TermId| {
                let i = terms.binary_search_by_key(&t, |(t, _)| *t).ok()?;
                Some(terms[i].1)
            };
            let shared: f64 = phrase
                .terms
                .iter()
                .filter_map(|&t| Some(said(t)? * self.idf[t as usize]))
                .sum();
            let phrase_total: f64 = phrase.terms.iter().map(|&t| self.idf[t as usize]).sum();
            let dice = 2.0 * shared / (query_total + phrase_total);
            if dice > best.0 {
                best = (dice, phrase.text.as_str());
            }
        }
        best
    }
}

/// The text of each searched field of a guide, in [`FIELD_WEIGHTS`] order.
fn field_texts(guide: &Guide) -> [Vec<String>; FIELDS] {
    [
        vec![guide.id.replace('-', " ")],
        vec![guide.title.clone()],
        guide.aliases.clone(),
        guide.symptoms.clone(),
        vec![guide.summary.clone()],
        guide.causes.iter().map(|c| c.title.clone()).collect(),
        guide.causes.iter().map(|c| c.explain.clone()).collect(),
        guide.steps.iter().map(|s| s.title.clone()).collect(),
    ]
}

/// BM25's inverse document frequency, with a soft document count: each guide counts in
/// proportion to how much it uses the term, relative to the guide that uses it most. A word
/// that names one guide ("rfi", "sync") stays telling even though other guides mention it in a
/// symptom or two, while a word many guides use alike ("stuck", "keeps") counts little.
fn inverse_document_frequency(docs: &[Doc], terms: usize) -> Vec<f64> {
    let mut most = vec![0.0_f64; terms];
    for &(term, tf) in docs.iter().flat_map(|d| &d.tf) {
        most[term as usize] = most[term as usize].max(tf);
    }
    let mut df = vec![0.0; terms];
    for &(term, tf) in docs.iter().flat_map(|d| &d.tf) {
        df[term as usize] += tf / most[term as usize];
    }
    let count = docs.len() as f64;
    df.into_iter()
        .map(|n| (1.0 + (count - n + 0.5) / (n + 0.5)).ln())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> Library {
        crate::testing::builtin()
    }

    fn top(library: &Library, query: &str) -> String {
        search(library, query)
            .first()
            .map(|h| h.guide.clone())
            .unwrap_or_default()
    }

    /// The title, aliases and symptoms of the guide `id`.
    fn guide_phrases(library: &Library, id: &str) -> Vec<String> {
        let g = library.guide(id).unwrap();
        std::iter::once(&g.title)
            .chain(&g.aliases)
            .chain(&g.symptoms)
            .cloned()
            .collect()
    }

    /// The examples, then HTTP status codes (which weigh toward their own meaning,
    /// above the tool they happened in), then misspelt, abbreviated or other words for a
    /// guide's own: each ranks its guide first, matched by one of that guide's phrases.
    #[test]
    fn each_query_ranks_its_guide_first() {
        let library = library();
        for (query, expected) in [
            ("pics stuck uploading on ipad", "photos-not-uploading"),
            ("CO approved but budget didnt move", "budget-not-updating"),
            ("keeps logging me out", "login-loop"),
            ("too many requests", "error-429"),
            ("site is down for maintenance", "error-503"),
            // HTTP status codes.
            ("403 on the documents tool", "permission-denied"),
            ("503 when uploading photos", "error-503"),
            ("429 on the photos upload", "error-429"),
            ("getting 404 on the rfi", "error-404"),
            ("408 uploading drawings", "error-408"),
            // Misspellings, abbreviations and synonyms still match.
            ("sumbittal status not updatng", "submittal-not-updating"),
            ("budjet wrong after the pcco", "budget-not-updating"),
            ("premission denied", "permission-denied"),
            ("imgs wont uplaod", "photos-not-uploading"),
            ("redlines gone from the sheet", "drawing-notes-not-loading"),
            ("request for info still open", "rfi-not-updating"),
            ("cannot upload the PDF", "file-upload-failed"),
            ("timed out", "error-408"),
        ] {
            let hits = search(&library, query);
            let best = &hits[0];
            assert_eq!(best.guide, expected, "{query}");
            assert!(
                guide_phrases(&library, expected).contains(&best.matched),
                "{query}: {}",
                best.matched
            );
        }
    }

    #[test]
    fn scores_are_between_0_and_1_sorted_and_deterministic() {
        let library = library();
        for query in ["app wont sync", "error", "photos not uploading", "upload"] {
            let hits = search(&library, query);
            assert!(!hits.is_empty(), "{query}");
            assert_eq!(hits, search(&library, query), "{query}");
            for pair in hits.windows(2) {
                let order = pair[1].score.total_cmp(&pair[0].score);
                let order = order.then_with(|| pair[0].guide.cmp(&pair[1].guide));
                assert!(order.is_le(), "{query}: {pair:?}");
            }
            assert!(
                hits.iter().all(|h| h.score > 0.0 && h.score <= 1.0),
                "{query}"
            );
        }
    }

    /// Every vocabulary term is used by some guide, as words in a row: the vocabulary leads to
    /// what the guides say and never invents a meaning.
    #[test]
    fn every_vocabulary_term_is_used_by_a_guide() {
        let library = library();
        let analyzer = Analyzer::new(&Default::default());
        let texts: Vec<Vec<String>> = library
            .guides
            .iter()
            .flat_map(|g| field_texts(g).into_iter().flatten())
            .map(|text| analyzer.terms(&text).into_iter().map(|t| t.text).collect())
            .collect();
        assert!(!library.vocabulary.terms.is_empty());
        for term in library.vocabulary.terms.keys() {
            let stems: Vec<String> = analyzer.terms(term).into_iter().map(|t| t.text).collect();
            assert!(
                texts
                    .iter()
                    .any(|t| t.windows(stems.len()).any(|w| w == stems)),
                "no guide uses the vocabulary term `{term}`"
            );
        }
    }

    #[test]
    fn two_close_guides_are_told_apart_by_phrases_only_one_has() {
        let library = library();
        let (a, b) = tell_apart(&library, "cant log in", "login-loop", "account-locked").unwrap();
        let analyzer = Analyzer::new(&library.vocabulary);
        let terms = |text: &str| -> BTreeSet<String> {
            analyzer.terms(text).into_iter().map(|t| t.text).collect()
        };
        let phrases = |id: &str| guide_phrases(&library, id);
        assert!(phrases("login-loop").contains(&a), "{a}");
        assert!(phrases("account-locked").contains(&b), "{b}");
        // Each line has a word the other guide's phrases never use.
        for (line, other) in [(&a, "account-locked"), (&b, "login-loop")] {
            let theirs: BTreeSet<String> = phrases(other).iter().flat_map(|p| terms(p)).collect();
            assert!(
                terms(line).iter().any(|t| !theirs.contains(t)),
                "{line} vs {other}"
            );
        }
        assert_ne!(a, b);
        assert!(tell_apart(&library, "x", "login-loop", "no-such-guide").is_none());
    }

    /// The index kept between searches is never another library's: after searching the
    /// built-in guides, a library with one more guide finds it, and the built-in guides again
    /// do not; an edited title is found at once.
    #[test]
    fn the_kept_index_follows_the_library() {
        let base = library();
        let extended = crate::testing::with_folder(&crate::testing::repo_path("tests/data/guides"))
            .library
            .expect("the fixture guide loads");
        let has_crane = |library: &Library| {
            search(library, "crane log frozen")
                .iter()
                .any(|h| h.guide == "crane-log-frozen")
        };
        assert!(!has_crane(&base));
        assert!(has_crane(&extended));
        assert!(!has_crane(&base));
        let mut edited = base.clone();
        let guide = edited
            .guides
            .iter_mut()
            .find(|g| g.id == "error-429")
            .unwrap();
        guide.title = "Zebra crossing".to_owned();
        assert_eq!(top(&edited, "zebra crossing"), "error-429");
        assert_ne!(top(&base, "zebra crossing"), "error-429");
    }

    #[test]
    fn nothing_in_common_gives_no_hits() {
        let library = library();
        for query in ["", "   ", "the", "zzqx wqpz", "?!"] {
            assert!(search(&library, query).is_empty(), "{query:?}");
        }
    }
}
