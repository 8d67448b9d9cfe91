//! `fieldfix outcomes` and `fieldfix tune` for people: the summary of a log, the suggestions
//! with their evidence, and the override files `tune --write` writes.

use serde::Serialize;

use super::{Paint, counted, minutes, percent};
use crate::guides::Library;
use crate::outcomes::summary::Summary;
use crate::outcomes::tune::{GuideTuning, SkipReason, Tuning};
use crate::safe;

/// `1 session`, `3 sessions`.
fn sessions(n: usize) -> String {
    counted(n, "session")
}

/// The heading line of a guide: its id and title (the id alone when no guide has it).
fn guide_line(library: &Library, id: &str, paint: &Paint) -> String {
    let id = safe::line(id);
    match library.guide(&id) {
        Some(g) => format!("{} — {}", paint.heading(&id), g.title),
        None => paint.heading(&id),
    }
}

/// `fieldfix outcomes`, as text.
pub fn summary(summary: &Summary, library: &Library, log: &str, paint: &Paint) -> String {
    if summary.records == 0 {
        return format!(
            "No sessions logged yet in {log}. The wizard adds one record per session.\n"
        );
    }
    let mut text = format!(
        "{} ({}) in {log}\n",
        sessions(summary.sessions),
        counted(summary.records, "record")
    );
    for g in &summary.guides {
        text.push_str(&format!("\n{}\n", guide_line(library, &g.guide, paint)));
        text.push_str(&format!(
            "  {}: {} fixed, {} ticket, {} saved, {} abandoned\n",
            sessions(g.sessions),
            g.fixed,
            g.ticket,
            g.saved,
            g.abandoned
        ));
        if let (Some(share), Some(median)) = (g.share_fixed, g.median_minutes) {
            text.push_str(&format!(
                "  {} of the sessions that ended were fixed; median {}\n",
                percent(share),
                minutes(median)
            ));
        }
        let mut rows = vec![[
            "  step".to_owned(),
            "fixed it".to_owned(),
            "didn't help".to_owned(),
            "skipped".to_owned(),
            "needs admin".to_owned(),
        ]];
        for s in &g.steps {
            rows.push([
                format!("  {}", safe::line(&s.step)),
                s.fixed.to_string(),
                s.did_not_help.to_string(),
                s.skipped.to_string(),
                s.needs_admin.to_string(),
            ]);
        }
        if rows.len() > 1 {
            text.push_str(&table(&rows, 1));
        }
    }
    text.push_str(&confusions(summary, paint));
    text
}

/// The most common switches between guides, with what an admin can do about them.
fn confusions(summary: &Summary, paint: &Paint) -> String {
    const SHOWN: usize = 10;
    if summary.confusions.is_empty() {
        return String::new();
    }
    let mut text = format!(
        "\n{}\n",
        paint.heading("Switched to another guide (\"It's a different problem\")")
    );
    let mut rows = vec![["  from".to_owned(), "to".to_owned(), "sessions".to_owned()]];
    for c in summary.confusions.iter().take(SHOWN) {
        rows.push([
            format!("  {}", safe::line(&c.from)),
            safe::line(&c.to).into_owned(),
            c.sessions.to_string(),
        ]);
    }
    text.push_str(&table(&rows, 2));
    if summary.confusions.len() > SHOWN {
        text.push_str(&format!(
            "  and {} more pairs (`--format json` lists them all)\n",
            summary.confusions.len() - SHOWN
        ));
    }
    text.push_str(
        "  A common pair: people describing the second land on the first. Give the second guide \
         the words they use (aliases, symptoms, or the company _vocabulary.yaml).\n",
    );
    text
}

/// Rows as columns: the first `left` left-aligned, the others right-aligned.
fn table<const N: usize>(rows: &[[String; N]], left: usize) -> String {
    let width = |i: usize| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0);
    let widths: Vec<usize> = (0..N).map(width).collect();
    let mut text = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if i < left {
                    format!("{cell:<w$}", w = widths[i])
                } else {
                    format!("{cell:>w$}", w = widths[i])
                }
            })
            .collect();
        text.push_str(cells.join("  ").trim_end());
        text.push('\n');
    }
    text
}

/// `fieldfix outcomes --format json`.
#[derive(Serialize)]
pub struct SummaryDoc<'a> {
    pub schema_version: u32,
    #[serde(flatten)]
    pub summary: &'a Summary,
}

/// `fieldfix tune --format json`.
#[derive(Serialize)]
pub struct TuningDoc<'a> {
    pub schema_version: u32,
    pub prior_sessions: f64,
    #[serde(flatten)]
    pub tuning: &'a Tuning,
}

/// A number to three significant digits, without trailing zeros.
pub fn number(x: f64) -> String {
    if x == 0.0 || !x.is_finite() {
        return format!("{x}");
    }
    let digits = (2 - x.abs().log10().floor() as i32).max(0);
    let factor = 10f64.powi(digits);
    format!("{}", (x * factor).round() / factor)
}

/// `a–b`.
fn interval(i: [f64; 2]) -> String {
    format!("{}–{}", number(i[0]), number(i[1]))
}

/// `fieldfix tune`, as text.
pub fn tuning(tuning: &Tuning, library: &Library, paint: &Paint) -> String {
    let mut text = format!(
        "{} used ({}, {}; {} unfinished)\n",
        sessions(tuning.used),
        counted(tuning.records, "record"),
        sessions(tuning.sessions),
        tuning.unfinished
    );
    for g in &tuning.guides {
        text.push_str(&format!(
            "\n{}: {}, {} fixed\n",
            guide_line(library, &g.guide, paint),
            sessions(g.sessions),
            g.fixed
        ));
        text.push_str(&guide_tables(g));
    }
    if tuning
        .guides
        .iter()
        .any(|g| g.causes.iter().any(|c| c.supported) || g.steps.iter().any(|s| s.supported))
    {
        text.push_str(
            "\n* a change the data supports: the 90% interval leaves out the current value\n",
        );
    } else if !tuning.guides.is_empty() {
        text.push_str("\nNo change is supported by the data yet: every current value lies within its 90% interval.\n");
    }
    for s in &tuning.skipped {
        let why = match s.reason {
            SkipReason::UnknownGuide => "no guide has this id",
            SkipReason::OtherVersion => {
                "another version of the guide (not the built-in one, nor the one in --guides)"
            }
            SkipReason::DoesNotFit => "their answers or steps are not the guide's",
        };
        text.push_str(&paint.wrap(
            &format!(
                "Skipped {} of {} (version {}): {why}",
                sessions(s.sessions),
                safe::line(&s.guide),
                safe::line(&s.guide_hash)
            ),
            "",
            "  ",
        ));
        text.push('\n');
    }
    text
}

/// A guide's step and cause tables.
fn guide_tables(g: &GuideTuning) -> String {
    let mut text = String::new();
    if !g.steps.is_empty() {
        text.push_str(&estimates(
            ["    step success", "tried", "fixed"],
            g.steps.iter().map(|s| {
                let counts = [s.tried.to_string(), s.fixed.to_string()];
                (
                    s.supported,
                    &s.id,
                    [s.current, s.suggested],
                    s.interval,
                    counts,
                )
            }),
        ));
    }
    text.push_str(&estimates(
        ["    cause likelihood", "sessions", "attributed"],
        g.causes.iter().map(|c| {
            let counts = [c.sessions.to_string(), format!("{:.1}", c.attributed)];
            (
                c.supported,
                &c.id,
                [c.current, c.suggested],
                c.interval,
                counts,
            )
        }),
    ));
    text
}

/// One table of estimates: a row per (supported, id, [now, suggested], interval, two counts),
/// under `head` (the first column's title and the two counts').
fn estimates<'a>(
    head: [&str; 3],
    rows: impl Iterator<Item = (bool, &'a String, [f64; 2], [f64; 2], [String; 2])>,
) -> String {
    let [first, a, b] = head;
    let mut table_rows = vec![[first, "now", "suggested", "90% interval", a, b].map(str::to_owned)];
    for (supported, id, [now, suggested], iv, [x, y]) in rows {
        let mark = if supported { "*" } else { " " };
        table_rows.push([
            format!("  {mark} {id}"),
            number(now),
            number(suggested),
            interval(iv),
            x,
            y,
        ]);
    }
    table(&table_rows, 1)
}

/// The override file `tune --write` writes for one guide: the supported changes, each with a
/// comment giving its evidence. `None` when the data supports no change.
pub fn override_yaml(g: &GuideTuning, version: &str, date: &str) -> Option<String> {
    let causes = g.causes.iter().any(|c| c.supported);
    let steps: Vec<_> = g.steps.iter().filter(|s| s.supported).collect();
    if !causes && steps.is_empty() {
        return None;
    }
    let mut y = format!(
        "# Suggested by `fieldfix tune` (fieldfix {version}) on {date} from {} sessions of\n\
         # {}, {} of them fixed. Review every number against its evidence before rolling it\n\
         # out; `fieldfix validate DIR` checks the file. Intervals are 90%.\n\
         override: {}\n",
        g.sessions, g.guide, g.fixed, g.guide
    );
    if causes {
        y.push_str(
            "# The likelihoods are one distribution, so all are set together; `supported` marks\n\
             # those whose interval leaves out the current value.\n\
             causes:\n",
        );
        for c in &g.causes {
            y.push_str(&format!(
                "  - id: {}\n    likelihood: {}  # {}was {}; {:.1} of {} sessions attributed to it; interval {}\n",
                c.id,
                number(c.suggested),
                if c.supported { "supported: " } else { "" },
                number(c.current),
                c.attributed,
                c.sessions,
                interval(c.interval)
            ));
        }
    }
    if !steps.is_empty() {
        y.push_str("steps:\n");
        for s in steps {
            y.push_str(&format!(
                "  - id: {}\n    success: {}  # was {}; tried in {} sessions, fixed {} of them; interval {}\n",
                s.id,
                number(s.suggested),
                number(s.current),
                s.tried,
                s.fixed,
                interval(s.interval)
            ));
        }
    }
    Some(y)
}
