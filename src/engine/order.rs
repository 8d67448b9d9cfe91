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

use super::{Situation, applies, fail, needs_guard, normalise, safeguarded};

/// A step in the plan with its chance of fixing, given everything planned before it failed.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    /// Index into the guide's steps.
    pub step: usize,
    pub probability: f64,
    /// Indexes of the causes it checks, most likely first (filled in only when asked for).
    pub checks: Vec<usize>,
}

/// One thing to do next: a step, or one request to a hand-over target.
#[derive(Debug, Clone)]
pub(super) struct Unit {
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
    /// Admin steps for the escalation target that may still help: they go with the hand-over.
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

/// What the planner knows about one step.
struct Info<'a> {
    step: &'a Step,
    /// Indexes of the causes it fixes.
    fixes: Vec<usize>,
    /// Indexes of its prerequisites.
    after: Vec<usize>,
}

/// Orders the remaining steps for `situation` (already made effective), whose cause
/// probabilities are `probs`; `to` is where escalating goes. `checks` fills in
/// [`Placed::checks`].
pub(super) fn order(
    guide: &Guide,
    situation: &Situation,
    mut probs: Vec<f64>,
    to: Target,
    checks: bool,
) -> Order {
    let info: Vec<Info> = guide
        .steps
        .iter()
        .map(|step| Info {
            step,
            fixes: guide
                .causes
                .iter()
                .enumerate()
                .filter(|(_, c)| step.fixes.contains(&c.id))
                .map(|(i, _)| i)
                .collect(),
            after: step
                .after
                .iter()
                .filter_map(|a| guide.steps.iter().position(|s| s.id == *a))
                .collect(),
        })
        .collect();
    let chance = |i: usize, probs: &[f64]| -> f64 {
        info[i].step.success * info[i].fixes.iter().map(|&c| probs[c]).sum::<f64>()
    };
    // Done, or never recommended: no prerequisite for anything. A step whose causes are all
    // ruled out keeps weight 0 whatever fails next, so it must not hold back its dependents.
    let mut placed: Vec<bool> = info
        .iter()
        .enumerate()
        .map(|(i, x)| {
            !applies(&x.step.when, situation)
                || situation.done(&x.step.id)
                || chance(i, &probs) <= 0.0
        })
        .collect();
    let escalation_target = |i: usize| info[i].step.admin && target_of(info[i].step) == to;
    let request: Vec<usize> = (0..info.len())
        .filter(|&i| !placed[i] && escalation_target(i))
        .collect();
    for &i in &request {
        placed[i] = true;
    }
    let mut candidate: Vec<bool> = placed.iter().map(|p| !p).collect();
    let mut guarded = safeguarded(guide, situation);

    let mut units = Vec::new();
    loop {
        let ready = |i: usize, placed: &[bool], guarded: bool| {
            info[i].after.iter().all(|&a| placed[a])
                && (guarded || !needs_guard(info[i].step, situation))
        };
        // The admin steps for `target` that can go in one request now.
        let bundle = |target: Target, placed: &[bool], guarded: bool| -> Vec<usize> {
            (0..info.len())
                .filter(|&i| {
                    candidate[i]
                        && info[i].step.admin
                        && target_of(info[i].step) == target
                        && ready(i, placed, guarded)
                })
                .collect()
        };
        let mut best: Option<(f64, usize)> = None;
        for i in (0..info.len()).filter(|&i| candidate[i]) {
            let chain = if info[i].step.admin && ready(i, &placed, guarded) {
                bundle(target_of(info[i].step), &placed, guarded)
            } else {
                match chain(&info, i, &placed, &candidate, guarded, situation) {
                    Some(chain) => chain,
                    None => continue,
                }
            };
            let value = chain_chance(&info, &chain, &probs) / chain_cost(guide, &info, &chain);
            if best.is_none_or(|(v, _)| value > v) {
                best = Some((value, chain[0]));
            }
        }
        let Some((value, first)) = best else { break };
        if value <= 0.0 {
            break;
        }
        let (members, cost) = if info[first].step.admin {
            let target = target_of(info[first].step);
            let mut members = bundle(target, &placed, guarded);
            if members.is_empty() {
                members.push(first);
            }
            (members, guide.escalate.target(target).minutes)
        } else {
            (vec![first], info[first].step.minutes)
        };
        let mut unit = Unit {
            steps: Vec::new(),
            cost,
            probability: 0.0,
        };
        let mut unfixed = 1.0;
        for i in members {
            let p = chance(i, &probs);
            placed[i] = true;
            candidate[i] = false;
            if p <= 0.0 {
                // An earlier step in the request already ruled its causes out.
                continue;
            }
            unit.steps.push(place(&info, i, p, &probs, checks));
            unfixed *= 1.0 - p;
            fail(guide, info[i].step, &mut probs);
            normalise(&mut probs);
            guarded |= info[i].step.safeguard;
        }
        unit.probability = 1.0 - unfixed;
        units.push(unit);
    }
    let request = request
        .into_iter()
        .filter_map(|i| {
            let p = chance(i, &probs);
            (p > 0.0).then(|| place(&info, i, p, &probs, checks))
        })
        .collect();
    Order { units, request }
}

fn place(info: &[Info], i: usize, probability: f64, probs: &[f64], checks: bool) -> Placed {
    let mut checked: Vec<usize> = if checks {
        info[i]
            .fixes
            .iter()
            .copied()
            .filter(|&c| probs[c] > 0.0)
            .collect()
    } else {
        Vec::new()
    };
    // Stable: ties keep file order.
    checked.sort_by(|a, b| probs[*b].total_cmp(&probs[*a]));
    Placed {
        step: i,
        probability,
        checks: checked,
    }
}

/// Step `i` with what must come before it, in a valid order: its prerequisites not yet placed
/// (recursively), and, for a step that can lose unsynced work while nothing safeguards it, the
/// quickest safeguard step ready now. `None` when it cannot be planned yet.
fn chain(
    info: &[Info],
    i: usize,
    placed: &[bool],
    candidate: &[bool],
    guarded: bool,
    situation: &Situation,
) -> Option<Vec<usize>> {
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
    let mut out = Vec::new();
    visit(info, i, placed, &mut out, 0);
    if out.iter().any(|&s| !candidate[s]) {
        return None;
    }
    if !guarded {
        let risky = out
            .iter()
            .position(|&s| needs_guard(info[s].step, situation));
        let guard = out.iter().position(|&s| info[s].step.safeguard);
        if let Some(r) = risky
            && guard.is_none_or(|g| g > r)
        {
            let safeguard = (0..info.len())
                .filter(|&s| {
                    candidate[s]
                        && info[s].step.safeguard
                        && !needs_guard(info[s].step, situation)
                        && info[s].after.iter().all(|&a| placed[a])
                })
                .min_by(|a, b| info[*a].step.minutes.total_cmp(&info[*b].step.minutes))?;
            out.retain(|&s| s != safeguard);
            out.insert(0, safeguard);
        }
    }
    Some(out)
}

/// The chance one of `chain` fixes the problem: Σ_c P(c)·(1 − Π (1 − success)) over the steps
/// in the chain that fix c.
fn chain_chance(info: &[Info], chain: &[usize], probs: &[f64]) -> f64 {
    probs
        .iter()
        .enumerate()
        .filter(|(_, p)| **p > 0.0)
        .map(|(c, p)| {
            let missed: f64 = chain
                .iter()
                .filter(|&&s| info[s].fixes.contains(&c))
                .map(|&s| 1.0 - info[s].step.success)
                .product();
            p * (1.0 - missed)
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
