//! `fieldfix tune`: better numbers for the guides from the outcome records of many sessions.
//!
//! The engine's model is one cause per problem, with prior weights (`likelihood`), and steps
//! that fix their causes with a chance (`success`). From each finished session (fixed, or a
//! ticket) the records say which steps were tried, in what order, with the answers given; the
//! cause itself is never seen. So the estimate is an expectation–maximisation to a fixed point,
//! starting from the guide's numbers:
//!
//! - a step that fixed it counts as a success; a step that did not help counts as a failure in
//!   proportion to the chance, at that moment in the session, that the cause was one it fixes
//!   (a step that did not help because the cause was another one says nothing about it);
//!   a step's chance is the mean of the Beta posterior with the guide's `success` as the prior,
//!   worth `prior_sessions` sessions;
//! - a fixed session is attributed to the causes the fixing step fixes, in proportion to their
//!   probability at that moment; a ticket session to the causes still possible at its end, in
//!   proportion to their probability then (counting only fixed sessions would shrink, every
//!   round, the causes no step fixes). The engine weighs a cause by its likelihood times the
//!   factors of the answers, so a cause's new likelihood is the sessions attributed to it over
//!   its exposure (the weight the answers gave it, session by session), the guide's own
//!   likelihoods counting as `prior_sessions` sessions without answers: the mean of a
//!   Dirichlet posterior with the guide's likelihoods as the prior when no answer moves any
//!   cause, and the right generalisation of it when answers do.
//!
//! The 90% intervals are those posteriors' 5% and 95% quantiles with the expected counts of the
//! last round taken as data (for a cause, the marginal Beta of a Dirichlet centred on the
//! suggestion, worth `prior_sessions` plus the sessions counted): a fair guide to how much the
//! data says, a little narrow since the attribution itself is uncertain. A change is
//! flagged as supported only when the interval leaves out the guide's current value.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::beta;
use super::record::{Ending, Record, StepOutcome, StepResult, guide_hash};
use crate::engine::{self, Situation};
use crate::guides::model::{Guide, Library};

/// How `tune` weighs the guide's numbers against the data.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TuneOptions {
    /// How many sessions' worth of evidence the guide's own numbers count for.
    pub prior_sessions: f64,
}

impl Default for TuneOptions {
    fn default() -> Self {
        TuneOptions {
            prior_sessions: DEFAULT_PRIOR_SESSIONS,
        }
    }
}

/// The default prior strength: the guide's numbers count as much as 10 sessions.
pub const DEFAULT_PRIOR_SESSIONS: f64 = 10.0;

/// The interval printed: 90%, from the 5% to the 95% quantile.
const TAILS: (f64, f64) = (0.05, 0.95);

/// What `tune` found.
#[derive(Debug, Clone, Serialize)]
pub struct Tuning {
    /// Records read.
    pub records: usize,
    /// Sessions (a resumed session's last record only).
    pub sessions: usize,
    /// Sessions used: finished, for a known version of their guide.
    pub used: usize,
    /// Sessions saved or abandoned, not used.
    pub unfinished: usize,
    /// Sessions left out because their guide or its version is not known, by guide and version.
    pub skipped: Vec<Skipped>,
    /// One entry per guide with sessions used, the most used first.
    pub guides: Vec<GuideTuning>,
}

/// Sessions left out, for one guide version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Skipped {
    pub guide: String,
    pub guide_hash: String,
    pub reason: SkipReason,
    pub sessions: usize,
}

/// Why sessions were left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SkipReason {
    /// No guide has this id.
    UnknownGuide,
    /// The guide was another version when the session ran (neither the built-in one nor the
    /// one in the company folder).
    OtherVersion,
    /// Its answers or steps are not the guide's.
    DoesNotFit,
}

/// The suggestions for one guide.
#[derive(Debug, Clone, Serialize)]
pub struct GuideTuning {
    pub guide: String,
    /// Sessions used.
    pub sessions: usize,
    pub fixed: usize,
    pub causes: Vec<CauseEstimate>,
    pub steps: Vec<StepEstimate>,
}

/// A cause's likelihood: the guide's, the suggestion, and the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct CauseEstimate {
    pub id: String,
    /// The likelihood in the guide now.
    pub current: f64,
    /// The suggested likelihood, on the guide's own scale (the likelihoods keep their sum).
    pub suggested: f64,
    /// The 90% interval, on the same scale.
    pub interval: [f64; 2],
    /// Sessions counted (every session used for this guide).
    pub sessions: usize,
    /// How many of them were attributed to this cause (a fraction when shared).
    pub attributed: f64,
    /// The interval leaves out the current value: the data supports a change.
    pub supported: bool,
}

/// A step's success chance: the guide's, the suggestion, and the evidence.
#[derive(Debug, Clone, Serialize)]
pub struct StepEstimate {
    pub id: String,
    pub current: f64,
    pub suggested: f64,
    pub interval: [f64; 2],
    /// Sessions in which it was tried (fixed it, or did not help).
    pub tried: usize,
    /// Sessions it fixed.
    pub fixed: usize,
    pub supported: bool,
}

/// Tunes the guides of `library` (the company's, built-in guides included) from `records`.
/// A record counts when its guide hash is that guide's in `library` or in one of the `known`
/// earlier versions (the built-in guides; the company's before its last tuning).
pub fn tune(
    library: &Library,
    known: &[Library],
    records: &[Record],
    options: &TuneOptions,
) -> Tuning {
    let mut tuner = Tuner::new(library, known);
    for r in records {
        tuner.add(r.clone());
    }
    tuner.finish(options)
}

/// [`tune`] for records handed over one at a time, as they are read: it keeps a few bytes per
/// session (its last record's time and what it counts as) and each distinct walk once with
/// the number of sessions that took it, so a log of any length fits in memory, and the
/// estimate replays each distinct walk once.
pub struct Tuner<'a> {
    library: &'a Library,
    known: &'a [Library],
    records: usize,
    /// Per session (a hash of its id and guide hash): its latest record's time and kind.
    sessions: HashMap<u128, (i64, Kind)>,
    /// What each distinct finished record counts as, by its contents.
    kinds: HashMap<WalkKey, Kind>,
    /// The distinct walks that fit their guide, by [`Kind::Walk`] index.
    walks: Vec<(String, Walked)>,
    /// Why sessions were skipped, by [`Kind::Skipped`] index.
    skips: Vec<(String, String, SkipReason)>,
    /// Per guide id: the hashes of its known versions.
    hashes: HashMap<String, Vec<String>>,
}

/// What a session counts as.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Unfinished,
    Skipped(u32),
    Walk(u32),
}

/// The parts of a finished record that decide how it counts.
#[derive(Debug, PartialEq, Eq, Hash)]
struct WalkKey {
    guide: String,
    guide_hash: String,
    answers: BTreeMap<String, String>,
    unknown: Vec<String>,
    steps: Vec<StepOutcome>,
    outcome: Ending,
}

impl<'a> Tuner<'a> {
    pub fn new(library: &'a Library, known: &'a [Library]) -> Self {
        Tuner {
            library,
            known,
            records: 0,
            sessions: HashMap::new(),
            kinds: HashMap::new(),
            walks: Vec::new(),
            skips: Vec::new(),
            hashes: HashMap::new(),
        }
    }

    /// Counts one record. A session's later record replaces its earlier one (latest `at`
    /// wins; on a tie, the one added last).
    pub fn add(&mut self, record: Record) {
        self.records += 1;
        let key = session_key(&record.session, &record.guide_hash);
        let at = at_seconds(&record.at);
        if self.sessions.get(&key).is_some_and(|(kept, _)| *kept > at) {
            return;
        }
        let kind = if record.outcome.finished() {
            self.kind(record)
        } else {
            Kind::Unfinished
        };
        self.sessions.insert(key, (at, kind));
    }

    /// What a finished record counts as: a walk of its guide, or skipped and why.
    fn kind(&mut self, r: Record) -> Kind {
        let key = WalkKey {
            guide: r.guide,
            guide_hash: r.guide_hash,
            answers: r.answers,
            unknown: r.unknown,
            steps: r.steps,
            outcome: r.outcome,
        };
        if let Some(kind) = self.kinds.get(&key) {
            return *kind;
        }
        let walk = match self.library.guide(&key.guide) {
            None => Err(SkipReason::UnknownGuide),
            Some(guide) if !self.known_hash(guide, &key.guide_hash) => {
                Err(SkipReason::OtherVersion)
            }
            Some(guide) => walked(self.library, guide, &key).ok_or(SkipReason::DoesNotFit),
        };
        let kind = match walk {
            Ok(walk) => {
                self.walks.push((key.guide.clone(), walk));
                Kind::Walk(self.walks.len() as u32 - 1)
            }
            Err(reason) => {
                let skip = (key.guide.clone(), key.guide_hash.clone(), reason);
                let index = match self.skips.iter().position(|s| *s == skip) {
                    Some(i) => i,
                    None => {
                        self.skips.push(skip);
                        self.skips.len() - 1
                    }
                };
                Kind::Skipped(index as u32)
            }
        };
        self.kinds.insert(key, kind);
        kind
    }

    /// Whether `hash` is the hash of `guide` or of a known earlier version of it.
    fn known_hash(&mut self, guide: &Guide, hash: &str) -> bool {
        let known = self.known;
        self.hashes
            .entry(guide.id.clone())
            .or_insert_with(|| {
                std::iter::once(guide)
                    .chain(known.iter().filter_map(|l| l.guide(&guide.id)))
                    .map(guide_hash)
                    .collect()
            })
            .iter()
            .any(|h| h == hash)
    }

    /// The suggestions from every record added.
    pub fn finish(mut self, options: &TuneOptions) -> Tuning {
        let mut unfinished = 0;
        let mut skipped = vec![0; self.skips.len()];
        for (_, kind) in self.sessions.values() {
            match kind {
                Kind::Unfinished => unfinished += 1,
                Kind::Skipped(i) => skipped[*i as usize] += 1,
                Kind::Walk(i) => self.walks[*i as usize].1.sessions += 1,
            }
        }
        let mut by_guide: BTreeMap<String, Vec<Walked>> = BTreeMap::new();
        for (guide, walk) in self.walks.drain(..).filter(|(_, w)| w.sessions > 0) {
            by_guide.entry(guide).or_default().push(walk);
        }
        let library = self.library;
        let mut guides: Vec<GuideTuning> = by_guide
            .into_iter()
            .filter_map(|(id, walks)| {
                library
                    .guide(&id)
                    .map(|g| estimate(g, &walks, options.prior_sessions))
            })
            .collect();
        guides.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.guide.cmp(&b.guide)));
        let mut skipped: Vec<Skipped> = self
            .skips
            .into_iter()
            .zip(skipped)
            .filter(|(_, n)| *n > 0)
            .map(|((guide, guide_hash, reason), sessions)| Skipped {
                guide,
                guide_hash,
                reason,
                sessions,
            })
            .collect();
        skipped.sort();
        Tuning {
            records: self.records,
            sessions: self.sessions.len(),
            used: guides.iter().map(|g| g.sessions).sum(),
            unfinished,
            skipped,
            guides,
        }
    }
}

/// A session's key: 128 bits of hash of its id and guide hash (two SipHashes with different
/// salts), so a million sessions take 16 bytes each, with no collision in sight.
fn session_key(session: &str, guide_hash: &str) -> u128 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |salt: u8| {
        let mut h = DefaultHasher::new();
        (salt, session, guide_hash).hash(&mut h);
        h.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// A record's time in seconds since 1970, for ordering a session's records; a time that does
/// not read as one counts as the earliest.
fn at_seconds(at: &str) -> i64 {
    at.parse::<jiff::Timestamp>()
        .map_or(i64::MIN, |t| t.as_second())
}

/// A finished session as the estimate replays it: the answers, then the steps in order.
#[derive(Debug, Clone)]
pub struct Walked {
    pub answers: Situation,
    /// Step index in the guide, and its result.
    pub steps: Vec<(usize, StepResult)>,
    /// How many sessions took this walk.
    pub sessions: usize,
}

/// The session of `record` on `guide`; `None` when its answers or steps are not the guide's.
fn walked(library: &Library, guide: &Guide, record: &WalkKey) -> Option<Walked> {
    let answers = Situation {
        answers: record.answers.clone(),
        unknown: record.unknown.clone(),
        ..Situation::default()
    };
    engine::check_situation(&library.context, guide, &answers).ok()?;
    let steps = record
        .steps
        .iter()
        .map(|s| {
            let i = guide.steps.iter().position(|g| g.id == s.step)?;
            Some((i, s.result))
        })
        .collect::<Option<Vec<_>>>()?;
    let fixes = steps
        .iter()
        .filter(|(_, r)| *r == StepResult::Fixed)
        .count();
    let consistent = match record.outcome {
        Ending::Fixed => fixes == 1 && steps.last().is_some_and(|(_, r)| *r == StepResult::Fixed),
        _ => fixes == 0,
    };
    consistent.then_some(Walked {
        answers,
        steps,
        sessions: 0,
    })
}

/// Expected counts over the sessions, under one set of numbers.
#[derive(Debug, Clone)]
struct Counts {
    /// Per step: successes, expected failures while its cause was the real one, times tried,
    /// times it fixed.
    success: Vec<f64>,
    failure: Vec<f64>,
    tried: Vec<usize>,
    fixed: Vec<usize>,
    /// Per cause: sessions attributed.
    cause: Vec<f64>,
    /// Per cause: its exposure, the sum over the sessions counted of P(cause | answers) divided
    /// by its weight: how many sessions it would have got with a weight of 1.
    exposure: Vec<f64>,
    /// Sessions attributed to some cause.
    counted: f64,
}

/// Replays every walk under `model`'s numbers and counts, each as often as sessions took it.
fn expected_counts(model: &Guide, walks: &[Walked]) -> Counts {
    let (n_steps, n_causes) = (model.steps.len(), model.causes.len());
    let mut k = Counts {
        success: vec![0.0; n_steps],
        failure: vec![0.0; n_steps],
        tried: vec![0; n_steps],
        fixed: vec![0; n_steps],
        cause: vec![0.0; n_causes],
        exposure: vec![0.0; n_causes],
        counted: 0.0,
    };
    let fixes = |j: usize, c: usize| model.steps[j].fixes.contains(&model.causes[c].id);
    for walk in walks {
        let (n, w) = (walk.sessions, walk.sessions as f64);
        let mut s = walk.answers.clone();
        let before = engine::probabilities(model, &s);
        if before.iter().sum::<f64>() > 0.0 {
            for (c, cause) in model.causes.iter().enumerate() {
                k.exposure[c] += w * before[c] / cause.likelihood;
            }
        }
        let mut ended_fixed = false;
        for &(j, result) in &walk.steps {
            let id = model.steps[j].id.clone();
            match result {
                StepResult::Skipped => s.skipped.push(id),
                StepResult::NeedsAdmin => s.for_admin.push(id),
                StepResult::Fixed | StepResult::DidNotHelp => {
                    let p = engine::probabilities(model, &s);
                    let q: f64 = (0..n_causes).filter(|&c| fixes(j, c)).map(|c| p[c]).sum();
                    k.tried[j] += n;
                    if result == StepResult::Fixed {
                        k.success[j] += w;
                        k.fixed[j] += n;
                        if q > 0.0 {
                            for c in (0..n_causes).filter(|&c| fixes(j, c)) {
                                k.cause[c] += w * p[c] / q;
                            }
                            k.counted += w;
                        }
                        ended_fixed = true;
                        break;
                    }
                    let sigma = model.steps[j].success;
                    let unfixed = 1.0 - q * sigma;
                    if unfixed > 1e-12 {
                        k.failure[j] += w * q * (1.0 - sigma) / unfixed;
                    }
                    s.tried.push(id);
                }
            }
        }
        if !ended_fixed {
            let p = engine::probabilities(model, &s);
            if p.iter().sum::<f64>() > 0.0 {
                k.cause.iter_mut().zip(&p).for_each(|(k, p)| *k += w * p);
                k.counted += w;
            }
        }
    }
    k
}

/// A chance kept off 0 and 1, so that a prior always has weight on both sides.
fn open_unit(p: f64) -> f64 {
    p.clamp(0.001, 0.999)
}

/// Beta posterior parameters for step `j`.
fn step_posterior(prior: f64, n0: f64, k: &Counts, j: usize) -> (f64, f64) {
    let prior = open_unit(prior);
    (n0 * prior + k.success[j], n0 * (1.0 - prior) + k.failure[j])
}

/// Estimates one guide's numbers from its sessions' walks.
pub fn estimate(guide: &Guide, walks: &[Walked], n0: f64) -> GuideTuning {
    let sessions = walks.iter().map(|w| w.sessions).sum();
    let scale: f64 = guide.causes.iter().map(|c| c.likelihood).sum();
    let prior_l: Vec<f64> = guide.causes.iter().map(|c| c.likelihood / scale).collect();
    let prior_s: Vec<f64> = guide.steps.iter().map(|s| s.success).collect();
    let k = fit(guide, walks, n0, &prior_l, &prior_s);
    let total = n0 + k.counted;
    let shares = likelihoods(&prior_l, n0, &k);
    let causes = guide
        .causes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let a = (shares[i] * total).max(1e-9);
            let b = ((1.0 - shares[i]) * total).max(1e-9);
            let interval = [
                beta::quantile(TAILS.0, a, b) * scale,
                beta::quantile(TAILS.1, a, b) * scale,
            ];
            let suggested = significant(shares[i] * scale);
            CauseEstimate {
                id: c.id.clone(),
                current: c.likelihood,
                suggested,
                interval,
                sessions,
                attributed: k.cause[i],
                supported: guide.causes.len() > 1
                    && k.counted > 0.0
                    && outside(c.likelihood, interval)
                    && suggested != c.likelihood,
            }
        })
        .collect();
    let steps = guide
        .steps
        .iter()
        .enumerate()
        .filter(|(j, _)| k.tried[*j] > 0)
        .map(|(j, s)| {
            let (a, b) = step_posterior(prior_s[j], n0, &k, j);
            let interval = [beta::quantile(TAILS.0, a, b), beta::quantile(TAILS.1, a, b)];
            let suggested = ((a / (a + b)) * 100.0).round().clamp(1.0, 100.0) / 100.0;
            StepEstimate {
                id: s.id.clone(),
                current: s.success,
                suggested,
                interval,
                tried: k.tried[j],
                fixed: k.fixed[j],
                supported: outside(s.success, interval) && suggested != s.success,
            }
        })
        .collect();
    GuideTuning {
        guide: guide.id.clone(),
        sessions,
        fixed: k.fixed.iter().sum(),
        causes,
        steps,
    }
}

/// The counts the log points to: the guide's numbers and the attributed counts, improved in
/// turn until they agree (each fix is credited to the causes by the numbers of the moment).
fn fit(guide: &Guide, walks: &[Walked], n0: f64, prior_l: &[f64], prior_s: &[f64]) -> Counts {
    let mut model = guide.clone();
    for (step, p) in model.steps.iter_mut().zip(prior_s) {
        step.success = open_unit(*p);
    }
    let mut k = expected_counts(&model, walks);
    for _ in 0..200 {
        let mut change: f64 = 0.0;
        for (j, step) in model.steps.iter_mut().enumerate() {
            let (a, b) = step_posterior(prior_s[j], n0, &k, j);
            let next = a / (a + b);
            change = change.max((next - step.success).abs());
            step.success = next;
        }
        let next = likelihoods(prior_l, n0, &k);
        for (cause, next) in model.causes.iter_mut().zip(next) {
            change = change.max((next - cause.likelihood).abs());
            cause.likelihood = next;
        }
        k = expected_counts(&model, walks);
        if change < 1e-7 {
            break;
        }
    }
    k
}

/// The likelihoods (summing to 1) the counts point to. The engine weighs a cause by its
/// likelihood times the factors of the answers, normalised over the causes; so a cause's weight
/// is its attributed sessions over its exposure (a session whose answers made it three times
/// as likely counts three times), with the guide's numbers as `n0` sessions without answers.
fn likelihoods(prior: &[f64], n0: f64, k: &Counts) -> Vec<f64> {
    let mut l: Vec<f64> = prior
        .iter()
        .enumerate()
        .map(|(c, p)| (n0 * p + k.cause[c]) / (n0 + k.exposure[c]))
        .collect();
    let sum: f64 = l.iter().sum();
    l.iter_mut().for_each(|x| *x /= sum);
    l
}

/// Whether `value` lies outside the interval.
fn outside(value: f64, interval: [f64; 2]) -> bool {
    value < interval[0] || value > interval[1]
}

/// `x` to three significant digits, kept within what a guide accepts (above 0, at most
/// [`crate::guides::check::MAX_NUMBER`]).
fn significant(x: f64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 0.001;
    }
    let digits = 2 - x.log10().floor() as i32;
    let factor = 10f64.powi(digits);
    ((x * factor).round() / factor).clamp(0.001, crate::guides::check::MAX_NUMBER)
}

/// The guide with the supported suggestions applied: every cause's suggested likelihood when
/// any is supported (they are one distribution), and each supported step's success.
pub fn apply(guide: &Guide, tuning: &GuideTuning) -> Guide {
    let mut tuned = guide.clone();
    if tuning.causes.iter().any(|c| c.supported) {
        for estimate in &tuning.causes {
            if let Some(c) = tuned.causes.iter_mut().find(|c| c.id == estimate.id) {
                c.likelihood = estimate.suggested;
            }
        }
    }
    for estimate in tuning.steps.iter().filter(|s| s.supported) {
        if let Some(s) = tuned.steps.iter_mut().find(|s| s.id == estimate.id) {
            s.success = estimate.suggested;
        }
    }
    tuned
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_significant_digits() {
        assert_eq!(significant(12.345), 12.3);
        assert_eq!(significant(0.012345), 0.0123);
        assert_eq!(significant(1234.5), 1230.0);
        assert_eq!(significant(0.0), 0.001);
    }

    #[test]
    fn no_sessions_suggest_the_guide_as_it_is() {
        let library = crate::guides::embedded::library();
        let guide = library.guide("photos-not-uploading").unwrap();
        let t = estimate(guide, &[], DEFAULT_PRIOR_SESSIONS);
        assert!(t.steps.is_empty());
        for (c, cause) in t.causes.iter().zip(&guide.causes) {
            assert!((c.suggested - cause.likelihood).abs() <= cause.likelihood * 0.01);
            assert!(!c.supported);
        }
    }
}
