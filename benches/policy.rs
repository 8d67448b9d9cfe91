//! Policy benchmark (`cargo bench --bench policy`): how quickly each way of troubleshooting
//! reaches a fix or a hand-over, on faults simulated from every built-in guide's own model.
//!
//! For each guide, `POLICY_FAULTS` faults (default 10,000): the shared answers (device,
//! network, scope) drawn at random, the true cause drawn from the priors those answers give,
//! each question's answer drawn from P(option | true cause) (the engine's answer model: 3 for
//! an option that raises the cause, 1/3 lowers, 0 rules out or hides, 1 otherwise, normalised
//! over the options) with 20% "I don't know", and each step fixing it with its `success` when it
//! fixes the true cause. Every policy meets the same faults:
//!
//! - (a) the engine: escalate when it says so, else its best question, else its first step;
//! - (b) every question first (shared, then the guide's), then the engine's steps;
//! - (c) no questions, steps in file order, handing over when that order's best stopping point
//!   says so;
//! - (d) no questions, the engine's steps.
//!
//! Costs are the guides' own: each question its minutes (0.5 by default), each step its
//! minutes, a request to an admin (all the admin steps for that person the plan lists together)
//! the target's minutes, and a hand-over the escalation target's minutes (a hand-over always
//! fixes it). Figures, not pass/fail: the targets are printed and quoted in README.md.
//!
//! Then tuning (issue 16): per guide, a true model that differs from the guide's numbers, 500
//! sessions walked by (a) on the guide's numbers and logged as outcome records, `fieldfix tune`
//! on that log, and `POLICY_TUNE_FAULTS` fresh faults (default 2,000) from the true model walked
//! by (a) on the guide's numbers and on the tuned ones: mean minutes before and after.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::collections::BTreeMap;
use std::time::Instant;

use fieldfix::engine::{self, Plan, Situation};
use fieldfix::guides::model::{Guide, Library, Question, RAISE_FACTOR, Target};

/// The same faults on every run and machine.
mod support;
use support::Rng;

const DONT_KNOW: f64 = 0.2;

/// One simulated fault: what the user would answer to each question (None: "I don't know")
/// and which steps would fix it.
struct Fault {
    answers: BTreeMap<String, Option<String>>,
    fixes: Vec<bool>,
}

/// P(option | cause) weights for a question, as the engine's answer model defines them.
fn option_weights(guide: &Guide, q: &Question, cause: usize) -> Vec<f64> {
    let c = &guide.causes[cause];
    let factor = |causes: &[String]| {
        if causes.contains(&c.id) {
            RAISE_FACTOR
        } else {
            1.0
        }
    };
    q.options
        .iter()
        .map(|o| {
            if c.when.0.get(&q.id).is_some_and(|v| !v.contains(&o.value)) {
                return 0.0;
            }
            match guide.effect(&q.id, &o.value) {
                None => 1.0,
                Some(e) if e.rules_out.contains(&c.id) => 0.0,
                Some(e) => factor(&e.raises) / factor(&e.lowers),
            }
        })
        .collect()
}

fn sample(library: &Library, guide: &Guide, rng: &mut Rng) -> Option<Fault> {
    let mut context = Situation::default();
    for q in &library.context {
        let i = (rng.next() * q.options.len() as f64) as usize;
        context.answers.insert(
            q.id.clone(),
            q.options[i.min(q.options.len() - 1)].value.clone(),
        );
    }
    let priors = engine::probabilities(guide, &context);
    if priors.iter().all(|p| *p == 0.0) {
        return None;
    }
    let cause = rng.pick(&priors);
    let mut answers = BTreeMap::new();
    for q in &library.context {
        let known = rng.next() >= DONT_KNOW;
        answers.insert(q.id.clone(), known.then(|| context.answers[&q.id].clone()));
    }
    for q in &guide.questions {
        let weights = option_weights(guide, q, cause);
        let known = rng.next() >= DONT_KNOW && weights.iter().any(|w| *w > 0.0);
        let option = rng.pick(&weights);
        answers.insert(q.id.clone(), known.then(|| q.options[option].value.clone()));
    }
    let fixes = guide
        .steps
        .iter()
        .map(|s| s.fixes.contains(&guide.causes[cause].id) && rng.next() < s.success)
        .collect();
    Some(Fault { answers, fixes })
}

#[derive(Default, Clone, Copy)]
struct Outcome {
    minutes: f64,
    questions: usize,
    before_first_step: usize,
    escalated: bool,
}

/// A walk in progress.
struct Walk<'a> {
    library: &'a Library,
    guide: &'a Guide,
    fault: &'a Fault,
    s: Situation,
    out: Outcome,
    stepped: bool,
}

impl<'a> Walk<'a> {
    fn new(library: &'a Library, guide: &'a Guide, fault: &'a Fault) -> Self {
        Walk {
            library,
            guide,
            fault,
            s: Situation::default(),
            out: Outcome::default(),
            stepped: false,
        }
    }

    fn ask(&mut self, id: &str) {
        let q = self.library.question(self.guide, id).expect("a question");
        self.out.minutes += q.cost();
        self.out.questions += 1;
        if !self.stepped {
            self.out.before_first_step += 1;
        }
        match self.fault.answers.get(id).cloned().flatten() {
            Some(value) => {
                self.s.answers.insert(id.to_owned(), value);
            }
            None => self.s.unknown.push(id.to_owned()),
        }
    }

    /// Tries the plan's first step (with the admin steps requested with it); true when fixed.
    fn step(&mut self, plan: &Plan) -> bool {
        self.stepped = true;
        let first = &plan.steps[0];
        let unit: Vec<&str> = if first.admin {
            self.out.minutes += self
                .guide
                .escalate
                .target(first.to.unwrap_or(Target::Admin))
                .minutes;
            plan.steps
                .iter()
                .take_while(|s| s.admin && s.to == first.to)
                .map(|s| s.id.as_str())
                .collect()
        } else {
            self.out.minutes += first.minutes;
            vec![first.id.as_str()]
        };
        for id in unit {
            let i = self.guide.steps.iter().position(|s| s.id == id).unwrap();
            if self.fault.fixes[i] {
                return true;
            }
            self.s.tried.push(id.to_owned());
        }
        false
    }

    fn escalate(&mut self, minutes: f64) -> Outcome {
        self.out.minutes += minutes;
        self.out.escalated = true;
        self.out
    }

    /// Follows the engine's steps and escalation advice; `ask` says whether to ask its
    /// questions too.
    fn follow(mut self, ask: bool) -> Outcome {
        for _ in 0..200 {
            let plan = if ask {
                engine::diagnose(&self.library.context, self.guide, &self.s)
            } else {
                engine::plan(self.guide, &self.s)
            };
            if plan.escalation.recommended || plan.steps.is_empty() {
                return self.escalate(plan.escalation.minutes);
            }
            if let Some(q) = plan.questions.first() {
                self.ask(&q.id.clone());
                continue;
            }
            if self.step(&plan) {
                return self.out;
            }
        }
        panic!("{}: no end after 200 actions", self.guide.id)
    }

    /// (b): every question that applies, then the engine's steps.
    fn ask_everything(mut self) -> Outcome {
        loop {
            let s = &self.s;
            let next = self
                .library
                .context
                .iter()
                .chain(&self.guide.questions)
                .find(|q| !s.settled(&q.id) && q.when.holds(|id| s.answer(id).map(str::to_owned)))
                .map(|q| q.id.clone());
            match next {
                Some(id) => self.ask(&id),
                None => return self.follow(false),
            }
        }
    }

    /// (c): the steps in file order, each admin step its own request, stopping for a hand-over
    /// where that order's expected minutes say so.
    fn file_order(mut self) -> Outcome {
        let escalate = self.guide.escalate.minutes();
        loop {
            let probs = engine::probabilities(self.guide, &self.s);
            let chance = |i: usize, probs: &[f64]| {
                let step = &self.guide.steps[i];
                let mass: f64 = self
                    .guide
                    .causes
                    .iter()
                    .zip(probs)
                    .filter(|(c, _)| step.fixes.contains(&c.id))
                    .map(|(_, p)| p)
                    .sum();
                step.success * mass
            };
            let left: Vec<usize> = (0..self.guide.steps.len())
                .filter(|&i| !self.s.tried.contains(&self.guide.steps[i].id))
                .filter(|&i| chance(i, &probs) > 0.0)
                .collect();
            let cost = |i: usize| {
                let step = &self.guide.steps[i];
                if step.admin {
                    self.guide
                        .escalate
                        .target(step.to.unwrap_or(Target::Admin))
                        .minutes
                } else {
                    step.minutes
                }
            };
            // The best stopping point of this order, looking over all of it.
            let (mut spent, mut unfixed, mut best, mut best_k) = (0.0, 1.0, escalate, 0);
            let mut p = probs.clone();
            for (k, &i) in left.iter().enumerate() {
                let fix = chance(i, &p);
                spent += cost(i) * unfixed;
                unfixed *= 1.0 - fix / p.iter().sum::<f64>().max(f64::MIN_POSITIVE);
                for (c, cause) in self.guide.causes.iter().enumerate() {
                    if self.guide.steps[i].fixes.contains(&cause.id) {
                        p[c] *= 1.0 - self.guide.steps[i].success;
                    }
                }
                if spent + unfixed * escalate <= best + 1e-9 {
                    (best, best_k) = (spent + unfixed * escalate, k + 1);
                }
            }
            if best_k == 0 {
                return self.escalate(escalate);
            }
            let i = left[0];
            self.stepped = true;
            self.out.minutes += cost(i);
            if self.fault.fixes[i] {
                return self.out;
            }
            self.s.tried.push(self.guide.steps[i].id.clone());
        }
    }
}

const POLICIES: [&str; 4] = [
    "(a) engine",
    "(b) ask all, P/C",
    "(c) file order",
    "(d) no questions, P/C",
];

#[derive(Default, Clone)]
struct Totals {
    runs: usize,
    minutes: [f64; 4],
    questions: [f64; 4],
    before_first: [f64; 4],
    escalated: [f64; 4],
    /// Sums of (a − x) and (a − x)² per policy x, for the paired standard error.
    diff: [f64; 4],
    diff2: [f64; 4],
}

impl Totals {
    fn add(&mut self, outcomes: &[Outcome; 4]) {
        self.runs += 1;
        for (k, o) in outcomes.iter().enumerate() {
            self.minutes[k] += o.minutes;
            self.questions[k] += o.questions as f64;
            self.before_first[k] += o.before_first_step as f64;
            self.escalated[k] += f64::from(u8::from(o.escalated));
            let d = outcomes[0].minutes - o.minutes;
            self.diff[k] += d;
            self.diff2[k] += d * d;
        }
    }

    fn merge(&mut self, other: &Totals) {
        self.runs += other.runs;
        for k in 0..4 {
            self.minutes[k] += other.minutes[k];
            self.questions[k] += other.questions[k];
            self.before_first[k] += other.before_first[k];
            self.escalated[k] += other.escalated[k];
            self.diff[k] += other.diff[k];
            self.diff2[k] += other.diff2[k];
        }
    }

    fn mean(&self, x: f64) -> f64 {
        x / self.runs as f64
    }

    /// Whether (a) is the quickest, within two paired standard errors of every other policy.
    fn engine_best(&self) -> bool {
        let n = self.runs as f64;
        (1..4).all(|k| {
            let mean = self.diff[k] / n;
            let var = (self.diff2[k] / n - mean * mean).max(0.0);
            mean <= 2.0 * (var / n).sqrt()
        })
    }

    fn row(&self, name: &str) {
        let cells: Vec<String> = (0..4)
            .map(|k| {
                format!(
                    "{:>6.1} {:>4.1} {:>3.0}%",
                    self.mean(self.minutes[k]),
                    self.mean(self.questions[k]),
                    100.0 * self.mean(self.escalated[k])
                )
            })
            .collect();
        println!(
            "{name:<26} {}  {:>4.1}  {}",
            cells.join(" |"),
            self.mean(self.before_first[0]),
            if self.engine_best() { "yes" } else { "NO" }
        );
    }
}

fn main() {
    let faults = support::count("POLICY_FAULTS", 10_000);
    let library = fieldfix::guides::load(None).expect("built-in guides load");
    let start = Instant::now();
    println!(
        "{faults} simulated faults per guide; per policy: mean minutes to fixed-or-handed-over, mean questions, share handed over"
    );
    println!(
        "{:<26} {:^19}|{:^19}|{:^19}|{:^19}  a:q1  a best",
        "guide", POLICIES[0], POLICIES[1], POLICIES[2], POLICIES[3]
    );
    let mut all = Totals::default();
    for (g, guide) in library.guides.iter().enumerate() {
        let mut rng =
            Rng(0x9E37_79B9_7F4A_7C15 ^ (g as u64 + 1).wrapping_mul(0xD1B5_4A32_D192_ED03));
        let mut totals = Totals::default();
        while totals.runs < faults {
            let Some(fault) = sample(&library, guide, &mut rng) else {
                continue;
            };
            let walk = || Walk::new(&library, guide, &fault);
            totals.add(&[
                walk().follow(true),
                walk().ask_everything(),
                walk().file_order(),
                walk().follow(false),
            ]);
        }
        totals.row(&guide.id);
        all.merge(&totals);
    }
    all.row("all guides");
    let (a_questions, b_questions) = (all.mean(all.questions[0]), all.mean(all.questions[1]));
    println!();
    println!("Targets:");
    println!(
        "  (a) has the lowest mean minutes overall and on every guide (within 2 paired SE): {}",
        if all.engine_best() {
            "see the last column"
        } else {
            "NO overall"
        }
    );
    println!(
        "  (a) asks at most 4 questions before the first step on average: {:.1}",
        all.mean(all.before_first[0])
    );
    println!(
        "  (a) asks at most 60% of what (b) asks: {:.1} vs {:.1} = {:.0}%",
        a_questions,
        b_questions,
        100.0 * a_questions / b_questions
    );
    println!(
        "  diagnose within 2x a hello-world process: see `cargo run --release --example startup`"
    );
    tuning::run(&library, 500, support::count("POLICY_TUNE_FAULTS", 2_000));
    eprintln!("({:.1?})", start.elapsed());
}

/// The tuning benchmark: for each guide, a "true" model that differs from the guide's numbers
/// (every likelihood and success chance moved at random), 500 sessions the wizard would run on
/// the guide's numbers logged as outcome records, `fieldfix tune` on them, then fresh faults from
/// the true model walked with the engine on the guide's numbers and on the tuned ones.
mod tuning {
    use super::*;
    use fieldfix::outcomes::tune::{self, TuneOptions};
    use fieldfix::outcomes::{Ending, Record, StepOutcome, StepResult, guide_hash};

    /// The guide with its numbers moved: likelihoods by a factor of 1/4 to 4, success chances by
    /// up to ±0.35 (kept within 0.05 and 1).
    fn truth(guide: &Guide, rng: &mut Rng) -> Guide {
        let mut truth = guide.clone();
        for c in &mut truth.causes {
            let factor = 4f64.powf(2.0 * rng.next() - 1.0);
            c.likelihood *= factor;
        }
        for s in &mut truth.steps {
            s.success = (s.success + 0.7 * rng.next() - 0.35).clamp(0.05, 1.0);
        }
        truth
    }

    /// The record of one walk on `guide` (the engine's questions, then its steps), the fault
    /// drawn from `truth`.
    fn logged(library: &Library, guide: &Guide, fault: &Fault, i: usize) -> Record {
        let mut walk = Walk::new(library, guide, fault);
        let mut steps = Vec::new();
        let mut outcome = Ending::Ticket;
        for _ in 0..200 {
            let plan = engine::diagnose(&library.context, guide, &walk.s);
            if plan.escalation.recommended || plan.steps.is_empty() {
                break;
            }
            if let Some(q) = plan.questions.first() {
                walk.ask(&q.id.clone());
                continue;
            }
            let tried = walk.s.tried.len();
            let fixed = walk.step(&plan);
            steps.extend(walk.s.tried[tried..].iter().map(|id| StepOutcome {
                step: id.clone(),
                result: StepResult::DidNotHelp,
            }));
            if fixed {
                let done: Vec<&String> = walk.s.tried[tried..].iter().collect();
                let unit = plan
                    .steps
                    .iter()
                    .take_while(|s| s.admin && s.to == plan.steps[0].to);
                let fixer = if plan.steps[0].admin {
                    unit.map(|s| &s.id).find(|id| !done.contains(id)).cloned()
                } else {
                    Some(plan.steps[0].id.clone())
                };
                steps.push(StepOutcome {
                    step: fixer.expect("the step that fixed it"),
                    result: StepResult::Fixed,
                });
                outcome = Ending::Fixed;
                break;
            }
        }
        Record {
            record: fieldfix::outcomes::RECORD_VERSION,
            fieldfix: "bench".to_owned(),
            guide: guide.id.clone(),
            guide_hash: guide_hash(guide),
            session: format!("bench-{i}"),
            answers: walk.s.answers.clone(),
            unknown: walk.s.unknown.clone(),
            steps,
            outcome,
            minutes: walk.out.minutes,
            at: format!("2026-01-01T00:00:00.{i:06}Z"),
            switches: Vec::new(),
        }
    }

    /// Faults drawn from `truth` that the engine can work on.
    fn faults(library: &Library, truth: &Guide, rng: &mut Rng, n: usize) -> Vec<Fault> {
        let mut faults = Vec::new();
        while faults.len() < n {
            faults.extend(sample(library, truth, rng));
        }
        faults
    }

    /// Runs it: one row per guide, then all guides.
    pub fn run(library: &Library, log_size: usize, fresh: usize) {
        println!();
        println!(
            "Tuning: a true model per guide (likelihoods x1/4..x4, success ±0.35), {log_size} logged sessions, `tune` (prior 10 sessions), {fresh} fresh faults"
        );
        println!(
            "{:<26} {:>8} {:>8} {:>7}  {:>7}",
            "guide", "before", "after", "change", "changed"
        );
        let (mut before_all, mut after_all) = (0.0, 0.0);
        for (g, guide) in library.guides.iter().enumerate() {
            let mut rng =
                Rng(0xA076_1D64_78BD_642F ^ (g as u64 + 1).wrapping_mul(0xE703_7ED1_A0B4_28DB));
            let truth = truth(guide, &mut rng);
            let records: Vec<Record> = faults(library, &truth, &mut rng, log_size)
                .iter()
                .enumerate()
                .map(|(i, f)| logged(library, guide, f, i))
                .collect();
            let tuning = tune::tune(library, &[], &records, &TuneOptions::default());
            let tuned = tuning
                .guides
                .first()
                .map_or_else(|| guide.clone(), |t| tune::apply(guide, t));
            let changed = tuning.guides.first().map_or(0, |t| {
                t.causes.iter().filter(|c| c.supported).count()
                    + t.steps.iter().filter(|s| s.supported).count()
            });
            let (mut before, mut after) = (0.0, 0.0);
            for fault in faults(library, &truth, &mut rng, fresh) {
                before += Walk::new(library, guide, &fault).follow(true).minutes;
                after += Walk::new(library, &tuned, &fault).follow(true).minutes;
            }
            let (before, after) = (before / fresh as f64, after / fresh as f64);
            println!(
                "{:<26} {before:>8.1} {after:>8.1} {:>6.1}%  {changed:>7}",
                guide.id,
                100.0 * (after - before) / before
            );
            before_all += before;
            after_all += after;
        }
        let n = library.guides.len() as f64;
        println!(
            "{:<26} {:>8.1} {:>8.1} {:>6.1}%",
            "all guides (mean)",
            before_all / n,
            after_all / n,
            100.0 * (after_all - before_all) / before_all
        );
    }
}
