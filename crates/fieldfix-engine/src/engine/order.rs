//! The order of the remaining steps and where to stop for a hand-over: the arithmetic of the
//! plan, with no text.
//!
//! The plan is a sequence of *units*: a step the user does, or one request to a hand-over
//! target carrying every admin step for that target that can be done now (the user's cost is
//! the target's minutes, waiting included, however many steps the request names). Units are
//! chosen greedily by chance of fixing per minute, each assuming the ones before it failed
//! (Kadane & Simon). A step waiting for prerequisites is valued together with them (the
//! chain's chance of fixing over the chain's minutes), and so is a step that can lose
//! unsynced work together with the safeguard it waits for. Admin steps for the escalation
//! target itself are no unit: handing over is the escalation, and they go with it.

use crate::guides::model::{Guide, Step, Target};

use super::model::{Info, Model};
use super::{Situation, applies, fail, needs_guard, normalise, safeguarded};

/// A step in the plan with its chance of fixing, given everything planned before it failed.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// Index into the guide's steps.
    pub step: usize,
    pub probability: f64,
    /// Indexes of the causes it checks, most likely first.
    pub checks: Vec<usize>,
}

/// One thing to do next: a step, or one request to a hand-over target.
#[derive(Debug, Clone)]
pub(super) struct Unit {
    /// The step done first (the first in a request that can still help).
    pub first: Option<usize>,
    /// Every step in it, with the causes it checks (filled in only for the plan's detail).
    pub steps: Vec<Placed>,
    /// The user's minutes.
    pub cost: f64,
    /// Chance it fixes the problem, given the units before it did not.
    pub probability: f64,
}

/// The plan's arithmetic.
#[derive(Debug, Clone)]
pub(super) struct Order {
    pub units: Vec<Unit>,
    /// Admin steps for the escalation target that may still help: they go with the hand-over
    /// (filled in only for the plan's detail).
    pub request: Vec<Placed>,
}

impl Order {
    /// The best number of units to do before escalating (ties: the more units) and the
    /// expected minutes to a fix that way: Σ cost(u_i)·P(not fixed before u_i) + P(not fixed
    /// after u_k)·escalate, minimised over k. A full lookahead: a unit worth less than
    /// escalating can still be worth doing for the better ones it leads to.
    pub fn best_stop(&self, escalate: f64) -> (usize, f64) {
        let mut best = (0, escalate);
        let mut spent = 0.0;
        let mut unfixed = 1.0;
        for (k, unit) in self.units.iter().enumerate() {
            spent += unit.cost * unfixed;
            unfixed *= 1.0 - unit.probability;
            let total = spent + unfixed * escalate;
            if total <= best.1 + 1e-9 {
                best = (k + 1, total);
            }
        }
        best
    }
}

/// Who an admin step goes to.
pub(super) fn target_of(step: &Step) -> Target {
    step.to.unwrap_or(Target::Admin)
}

/// Orders the remaining steps of `model`'s guide for `situation` (already made effective),
/// whose cause probabilities are `probs`; `to` is where escalating goes. `detail` fills in
/// [`Unit::steps`], for showing the plan: valuing a question needs only the arithmetic and
/// each unit's first step.
pub(super) fn order(
    model: &Model,
    situation: &Situation,
    probs: Vec<f64>,
    to: Target,
    detail: bool,
) -> Order {
    let mut planner = Planner::new(model, situation, probs, detail);
    let request = planner.set_aside_request(to);
    let mut units = Vec::with_capacity(model.info().len());
    // One buffer for every unit's members, and those for every candidate's chain.
    let (mut members, mut scratch) = (Vec::new(), Scratch::default());
    while let Some(first) = planner.best_next(&mut scratch) {
        let cost = planner.unit_of(first, &mut members);
        units.push(planner.take(&members, cost));
    }
    let request = if detail {
        request
            .into_iter()
            .filter_map(|i| planner.placed_if_possible(i))
            .collect()
    } else {
        Vec::new()
    };
    Order { units, request }
}

/// The greedy planner's state: which steps are placed, which may still be, the cause
/// probabilities given that every unit placed so far failed, and whether unsynced work is safe.
struct Planner<'a> {
    guide: &'a Guide,
    info: &'a [Info<'a>],
    probs: Vec<f64>,
    /// Done, never recommended or already in the plan: no prerequisite for anything.
    placed: Vec<bool>,
    /// May still go in the plan.
    candidate: Vec<bool>,
    /// Can lose unsynced work here (see `needs_guard`), worked out once per plan.
    risky: Vec<bool>,
    guarded: bool,
    detail: bool,
}

impl<'a> Planner<'a> {
    fn new(model: &'a Model<'a>, situation: &'a Situation, probs: Vec<f64>, detail: bool) -> Self {
        let (guide, info) = (model.guide, model.info());
        let mut planner = Planner {
            guide,
            info,
            probs,
            placed: Vec::new(),
            candidate: Vec::new(),
            risky: info
                .iter()
                .map(|i| needs_guard(i.step, situation))
                .collect(),
            guarded: safeguarded(guide, situation),
            detail,
        };
        // A step whose causes are all ruled out keeps weight 0 whatever fails next, so it
        // must not hold back its dependents. A safeguard step stays a candidate all the same:
        // a step that can lose unsynced work still needs it first, whatever it fixes.
        let open: Vec<bool> = (0..info.len())
            .map(|i| applies(&info[i].step.when, situation) && !situation.done(&info[i].step.id))
            .collect();
        let live: Vec<bool> = (0..info.len()).map(|i| planner.chance(i) > 0.0).collect();
        planner.placed = (0..info.len()).map(|i| !open[i] || !live[i]).collect();
        planner.candidate = (0..info.len())
            .map(|i| open[i] && (live[i] || info[i].step.safeguard))
            .collect();
        planner
    }

    /// The chance step `i` fixes the problem now.
    fn chance(&self, i: usize) -> f64 {
        let info = &self.info[i];
        info.step.success * info.fixes.iter().map(|&c| self.probs[c]).sum::<f64>()
    }

    /// Takes the admin steps for the escalation target `to` out of the plan: handing over is
    /// that request. Returns them.
    fn set_aside_request(&mut self, to: Target) -> Vec<usize> {
        let request: Vec<usize> = (0..self.info.len())
            .filter(|&i| {
                let step = self.info[i].step;
                !self.placed[i] && step.admin && target_of(step) == to
            })
            .collect();
        for &i in &request {
            self.placed[i] = true;
            self.candidate[i] = false;
        }
        request
    }

    /// Whether step `i` can be done now: its prerequisites are placed and, if it can lose
    /// unsynced work on a phone, that work is safe.
    fn ready(&self, i: usize) -> bool {
        self.info[i].after.iter().all(|&a| self.placed[a]) && (self.guarded || !self.risky[i])
    }

    /// Adds to `out` the admin steps for `target` that can go in one request now.
    fn bundle(&self, target: Target, out: &mut Vec<usize>) {
        out.extend((0..self.info.len()).filter(|&i| {
            let step = self.info[i].step;
            self.candidate[i] && step.admin && target_of(step) == target && self.ready(i)
        }));
    }

    /// The first step of the best thing to do next (a step, the chain it leads, or a
    /// request), by chance of fixing per minute; `None` when nothing left can help.
    fn best_next(&self, scratch: &mut Scratch) -> Option<usize> {
        let Scratch { chain, causes } = scratch;
        let mut best: Option<(f64, usize)> = None;
        for i in (0..self.info.len()).filter(|&i| self.candidate[i]) {
            let step = self.info[i].step;
            let (value, first) = if !step.admin && self.ready(i) {
                // A step that can be done now is a chain of one (most candidates, most
                // of the time): no chain to build.
                let alone = std::slice::from_ref(&i);
                (
                    chain_chance(self.info, alone, &self.probs, causes) / step.minutes,
                    i,
                )
            } else {
                chain.clear();
                if step.admin && self.ready(i) {
                    self.bundle(target_of(step), chain);
                } else if !self.chain(i, chain) {
                    continue;
                }
                let value = chain_chance(self.info, chain, &self.probs, causes)
                    / chain_cost(self.guide, self.info, chain);
                (value, chain[0])
            };
            if best.is_none_or(|(v, _)| value > v) {
                best = Some((value, first));
            }
        }
        best.filter(|(value, _)| *value > 0.0)
            .map(|(_, first)| first)
    }

    /// Fills `members` with the steps of the unit that starts with `first` (a step alone, or
    /// every admin step in its request); returns the user's minutes for it.
    fn unit_of(&self, first: usize, members: &mut Vec<usize>) -> f64 {
        members.clear();
        let step = self.info[first].step;
        if !step.admin {
            members.push(first);
            return step.minutes;
        }
        let target = target_of(step);
        self.bundle(target, members);
        if members.is_empty() {
            members.push(first);
        }
        self.guide.escalate.target(target).minutes
    }

    /// Places a unit, and updates the probabilities as if it failed.
    fn take(&mut self, members: &[usize], cost: f64) -> Unit {
        let mut unit = Unit {
            first: None,
            steps: Vec::new(),
            cost,
            probability: 0.0,
        };
        let mut unfixed = 1.0;
        for &i in members {
            let p = self.chance(i);
            self.placed[i] = true;
            self.candidate[i] = false;
            if p <= 0.0 && !self.info[i].step.safeguard {
                // An earlier step in the request already ruled its causes out.
                continue;
            }
            unit.first.get_or_insert(i);
            if self.detail {
                unit.steps.push(place(self.info, i, p, &self.probs));
            }
            unfixed *= 1.0 - p;
            fail(&self.info[i].fixes, self.info[i].step, &mut self.probs);
            normalise(&mut self.probs);
            self.guarded |= self.info[i].step.safeguard;
        }
        unit.probability = 1.0 - unfixed;
        unit
    }

    /// Fills `out` (empty) with step `i` and what must come before it, in a valid order: its
    /// prerequisites not yet placed (recursively), and, for a step that can lose unsynced work
    /// while nothing safeguards it, the quickest safeguard step ready now. False when it cannot
    /// be planned yet.
    fn chain(&self, i: usize, out: &mut Vec<usize>) -> bool {
        fn visit(info: &[Info], i: usize, placed: &[bool], out: &mut Vec<usize>, depth: usize) {
            if depth > info.len() || out.contains(&i) {
                return;
            }
            for &a in &info[i].after {
                if !placed[a] {
                    visit(info, a, placed, out, depth + 1);
                }
            }
            out.push(i);
        }
        visit(self.info, i, &self.placed, out, 0);
        if out.iter().any(|&s| !self.candidate[s]) {
            return false;
        }
        if self.guarded {
            return true;
        }
        let risky = out.iter().position(|&s| self.risky[s]);
        let guard = out.iter().position(|&s| self.info[s].step.safeguard);
        if let Some(r) = risky
            && guard.is_none_or(|g| g > r)
        {
            let Some(safeguard) = self.quickest_safeguard() else {
                return false;
            };
            out.retain(|&s| s != safeguard);
            out.insert(0, safeguard);
        }
        true
    }

    /// The quickest safeguard step that can be done now, if any.
    fn quickest_safeguard(&self) -> Option<usize> {
        let info = self.info;
        (0..info.len())
            .filter(|&s| {
                self.candidate[s]
                    && info[s].step.safeguard
                    && !self.risky[s]
                    && info[s].after.iter().all(|&a| self.placed[a])
            })
            .min_by(|a, b| info[*a].step.minutes.total_cmp(&info[*b].step.minutes))
    }

    /// Step `i` placed with its chance now, unless it has none left.
    fn placed_if_possible(&self, i: usize) -> Option<Placed> {
        let p = self.chance(i);
        (p > 0.0).then(|| place(self.info, i, p, &self.probs))
    }
}

fn place(info: &[Info], i: usize, probability: f64, probs: &[f64]) -> Placed {
    let mut checked: Vec<usize> = info[i]
        .fixes
        .iter()
        .copied()
        .filter(|&c| probs[c] > 0.0)
        .collect();
    // Stable: ties keep file order.
    checked.sort_by(|a, b| probs[*b].total_cmp(&probs[*a]));
    Placed {
        step: i,
        probability,
        checks: checked,
    }
}

/// Buffers [`Planner::best_next`] reuses from one candidate to the next: its chain of steps,
/// and the causes the chain fixes.
#[derive(Default)]
struct Scratch {
    chain: Vec<usize>,
    causes: Vec<usize>,
}

/// The chance one of `chain` fixes the problem: Σ_c P(c)·(1 − Π (1 − success)) over the steps
/// in the chain that fix c.
///
/// Only the causes some step in the chain fixes add anything (for the others the product is
/// empty), so only they are visited, in cause order as the sum always was: the result is the
/// same to the last bit, without walking every cause for every candidate chain.
fn chain_chance(info: &[Info], chain: &[usize], probs: &[f64], causes: &mut Vec<usize>) -> f64 {
    let fixes_of = |s: usize| info[s].fixes.iter().copied().filter(|&c| probs[c] > 0.0);
    if let [s] = chain {
        let missed = 1.0 - info[*s].step.success;
        return fixes_of(*s).map(|c| probs[c] * (1.0 - missed)).sum();
    }
    causes.clear();
    causes.extend(chain.iter().flat_map(|&s| fixes_of(s)));
    causes.sort_unstable();
    causes.dedup();
    causes
        .iter()
        .map(|&c| {
            let missed: f64 = chain
                .iter()
                .filter(|&&s| info[s].fixes.contains(&c))
                .map(|&s| 1.0 - info[s].step.success)
                .product();
            probs[c] * (1.0 - missed)
        })
        .sum()
}

/// The user's minutes for a chain: each step's minutes, and each hand-over target once.
fn chain_cost(guide: &Guide, info: &[Info], chain: &[usize]) -> f64 {
    let mut targets: Vec<Target> = Vec::new();
    let mut cost = 0.0;
    for &s in chain {
        let step = info[s].step;
        if step.admin {
            let target = target_of(step);
            if !targets.contains(&target) {
                targets.push(target);
                cost += guide.escalate.target(target).minutes;
            }
        } else {
            cost += step.minutes;
        }
    }
    cost
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{effective, target, weights};

    /// Situations to plan for on `guide`: nothing known, each device, and each step tried
    /// in turn (so chains, requests and safeguards all come up).
    fn situations(guide: &Guide) -> Vec<Situation> {
        let mut all = vec![Situation::default()];
        for device in ["ios", "android", "computer"] {
            let mut s = Situation::default();
            s.answers.insert("device".into(), device.into());
            all.push(s.clone());
            for step in &guide.steps {
                s.tried.push(step.id.clone());
                all.push(s.clone());
            }
        }
        all
    }

    #[test]
    fn the_arithmetic_is_the_same_with_or_without_the_detail() {
        let library = crate::testing::builtin();
        let mut units = 0;
        for guide in &library.guides {
            let model = Model::new(guide);
            for situation in situations(guide) {
                let situation = effective(guide, &situation).into_owned();
                let (to, _) = target(guide, &situation);
                let probs = weights(&model, &situation);
                let shown = order(&model, &situation, probs.clone(), to, true);
                let bare = order(&model, &situation, probs, to, false);
                assert_eq!(shown.units.len(), bare.units.len(), "{}", guide.id);
                for (a, b) in shown.units.iter().zip(&bare.units) {
                    assert_eq!(a.first, a.steps.first().map(|p| p.step), "{}", guide.id);
                    assert_eq!((a.first, a.cost), (b.first, b.cost), "{}", guide.id);
                    assert_eq!(a.probability.to_bits(), b.probability.to_bits());
                    assert!(b.steps.is_empty() && !a.steps.is_empty(), "{}", guide.id);
                }
                let escalate = guide.escalate.target(to).minutes;
                assert_eq!(shown.best_stop(escalate), bare.best_stop(escalate));
                units += shown.units.len();
            }
        }
        assert!(
            units > 1_000,
            "only {units} units planned: the situations do not vary"
        );
    }
}
