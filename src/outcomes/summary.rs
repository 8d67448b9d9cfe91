//! `fieldfix outcomes`: per guide, how many sessions, how many fixed, how long they took, and
//! which steps fixed it or were tried and failed.

use std::collections::BTreeMap;

use serde::Serialize;

use super::record::{Ending, Record, StepResult};

/// The summary of a log.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Records read.
    pub records: usize,
    /// Sessions: a session resumed after saving counts once, as it last ended.
    pub sessions: usize,
    /// One entry per guide, the most used first.
    pub guides: Vec<GuideSummary>,
    /// The guides people switched between with "It's a different problem", the most common
    /// first: where search or the list sent them to the wrong guide.
    pub confusions: Vec<Confusion>,
}

/// How many sessions switched from one guide to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Confusion {
    /// The guide left.
    pub from: String,
    /// The guide chosen instead.
    pub to: String,
    pub sessions: usize,
}

/// The switches of `sessions`, counted once per session, the most common first.
fn confusions(sessions: &[&Record]) -> Vec<Confusion> {
    let mut counts: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for r in sessions {
        let pairs: std::collections::BTreeSet<(&str, &str)> = r
            .switches
            .iter()
            .map(|s| (s.from.as_str(), s.to.as_str()))
            .collect();
        for pair in pairs {
            *counts.entry(pair).or_default() += 1;
        }
    }
    let mut confusions: Vec<Confusion> = counts
        .into_iter()
        .map(|((from, to), sessions)| Confusion {
            from: from.to_owned(),
            to: to.to_owned(),
            sessions,
        })
        .collect();
    confusions.sort_by_key(|c| std::cmp::Reverse(c.sessions));
    confusions
}

/// One guide's sessions.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GuideSummary {
    pub guide: String,
    pub sessions: usize,
    pub fixed: usize,
    pub ticket: usize,
    /// Saved and not (yet) resumed to an end.
    pub saved: usize,
    pub abandoned: usize,
    /// Fixed, of the sessions that ended (fixed, ticket or abandoned); `None` when none has.
    pub share_fixed: Option<f64>,
    /// Median minutes of the sessions that ended; `None` when none has.
    pub median_minutes: Option<f64>,
    /// Every step with a result, the ones that fixed it most often first.
    pub steps: Vec<StepSummary>,
}

/// How one step went, over the sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StepSummary {
    pub step: String,
    pub fixed: usize,
    pub did_not_help: usize,
    pub skipped: usize,
    pub needs_admin: usize,
}

/// The last record of each session: a resumed session's final record replaces the one it left
/// when it was saved. Latest `at` wins; on a tie, the later one read.
pub fn latest_per_session(records: &[Record]) -> Vec<&Record> {
    let mut by_session: BTreeMap<(&str, &str), &Record> = BTreeMap::new();
    for r in records {
        let key = (r.session.as_str(), r.guide_hash.as_str());
        match by_session.get(&key) {
            Some(kept) if kept.at > r.at => {}
            _ => {
                by_session.insert(key, r);
            }
        }
    }
    let mut kept: Vec<&Record> = by_session.into_values().collect();
    kept.sort_by(|a, b| a.at.cmp(&b.at));
    kept
}

/// Summarises the records.
pub fn summarise(records: &[Record]) -> Summary {
    let sessions = latest_per_session(records);
    let mut by_guide: BTreeMap<&str, Vec<&Record>> = BTreeMap::new();
    for r in &sessions {
        by_guide.entry(r.guide.as_str()).or_default().push(r);
    }
    let mut guides: Vec<GuideSummary> = by_guide
        .into_iter()
        .map(|(guide, records)| guide_summary(guide, &records))
        .collect();
    guides.sort_by(|a, b| b.sessions.cmp(&a.sessions).then(a.guide.cmp(&b.guide)));
    Summary {
        records: records.len(),
        sessions: sessions.len(),
        guides,
        confusions: confusions(&sessions),
    }
}

fn guide_summary(guide: &str, records: &[&Record]) -> GuideSummary {
    let count = |e: Ending| records.iter().filter(|r| r.outcome == e).count();
    let (fixed, ticket, saved, abandoned) = (
        count(Ending::Fixed),
        count(Ending::Ticket),
        count(Ending::Saved),
        count(Ending::Abandoned),
    );
    let ended = fixed + ticket + abandoned;
    let mut minutes: Vec<f64> = records
        .iter()
        .filter(|r| r.outcome != Ending::Saved)
        .map(|r| r.minutes)
        .collect();
    let mut steps: BTreeMap<&str, StepSummary> = BTreeMap::new();
    for outcome in records.iter().flat_map(|r| &r.steps) {
        let s = steps
            .entry(outcome.step.as_str())
            .or_insert_with(|| StepSummary {
                step: outcome.step.clone(),
                ..StepSummary::default()
            });
        match outcome.result {
            StepResult::Fixed => s.fixed += 1,
            StepResult::DidNotHelp => s.did_not_help += 1,
            StepResult::Skipped => s.skipped += 1,
            StepResult::NeedsAdmin => s.needs_admin += 1,
        }
    }
    let mut steps: Vec<StepSummary> = steps.into_values().collect();
    steps.sort_by(|a, b| {
        b.fixed
            .cmp(&a.fixed)
            .then(b.did_not_help.cmp(&a.did_not_help))
            .then(a.step.cmp(&b.step))
    });
    GuideSummary {
        guide: guide.to_owned(),
        sessions: records.len(),
        fixed,
        ticket,
        saved,
        abandoned,
        share_fixed: (ended > 0).then(|| fixed as f64 / ended as f64),
        median_minutes: median(&mut minutes),
        steps,
    }
}

/// The median; `None` for no values.
pub fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::outcomes::record::StepOutcome;

    fn record(session: &str, at: &str, outcome: Ending, steps: &[(&str, StepResult)]) -> Record {
        Record {
            steps: steps
                .iter()
                .map(|(s, r)| StepOutcome {
                    step: (*s).into(),
                    result: *r,
                })
                .collect(),
            outcome,
            minutes: at.len() as f64,
            at: at.into(),
            ..Record::sample(session)
        }
    }

    #[test]
    fn a_resumed_session_counts_once_as_it_ended() {
        use StepResult::*;
        let records = vec![
            record(
                "a",
                "2026-01-01T10:00:00Z",
                Ending::Saved,
                &[("x", DidNotHelp)],
            ),
            record(
                "b",
                "2026-01-01T11:00:00Z",
                Ending::Ticket,
                &[("x", DidNotHelp)],
            ),
            record(
                "a",
                "2026-01-02T09:00:00Z",
                Ending::Fixed,
                &[("x", DidNotHelp), ("y", Fixed)],
            ),
        ];
        let s = summarise(&records);
        assert_eq!((s.records, s.sessions), (3, 2));
        let g = &s.guides[0];
        assert_eq!((g.fixed, g.ticket, g.saved), (1, 1, 0));
        assert_eq!(g.share_fixed, Some(0.5));
        assert_eq!(g.steps[0].step, "y");
        assert_eq!(g.steps[1].did_not_help, 2);
    }

    #[test]
    fn confusions_count_each_session_once_most_common_first() {
        let switch = |from: &str, to: &str| crate::outcomes::Switch {
            from: from.into(),
            to: to.into(),
        };
        let with = |session: &str, at: &str, switches: Vec<crate::outcomes::Switch>| Record {
            switches,
            ..record(session, at, Ending::Fixed, &[])
        };
        let records = vec![
            with("a", "2026-01-01T10:00:00Z", vec![switch("p", "q")]),
            // Saved, then resumed: the last record counts, and the same switch twice in one
            // session (Back and forth) counts once.
            with("b", "2026-01-01T11:00:00Z", vec![switch("x", "y")]),
            with(
                "b",
                "2026-01-01T12:00:00Z",
                vec![switch("x", "y"), switch("y", "x"), switch("x", "y")],
            ),
            with("c", "2026-01-01T13:00:00Z", vec![switch("x", "y")]),
            with("d", "2026-01-01T14:00:00Z", vec![]),
        ];
        let s = summarise(&records);
        let got: Vec<(&str, &str, usize)> = s
            .confusions
            .iter()
            .map(|c| (c.from.as_str(), c.to.as_str(), c.sessions))
            .collect();
        assert_eq!(got, [("x", "y", 2), ("p", "q", 1), ("y", "x", 1)]);
    }

    #[test]
    fn medians() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&mut [4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }
}
