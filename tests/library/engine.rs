//! The diagnosis engine through its public API: hand-made guides built as model values (see the
//! builders in tests/support/model.rs) for each rule, the real built-in guides for properties,
//! and a brute force check that the step order is the cheapest one under the single-fault model.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use fieldfix::engine::{self, InputError, Plan, Situation};
use fieldfix::guides::model::{
    Cause, Choice, Condition, Effect, Guide, Library, Question, Risk, Step, Target,
};
use proptest::prelude::*;

use crate::support::{
    GuideBuilder, assert_has, assert_lacks, cause, escalates, lowers, no_effect, question, raises,
    rules_out, shared_context, situation, step, tip, when,
};

/// The built-in knowledge base, loaded once.
pub static LIBRARY: LazyLock<Library> =
    LazyLock::new(|| fieldfix::guides::load(None).expect("the built-in guides load"));

const EPS: f64 = 1e-12;

fn diagnose(guide: &Guide, situation: &Situation) -> Plan {
    engine::diagnose(&shared_context(), guide, situation)
}

fn probs(guide: &Guide, situation: &Situation) -> Vec<f64> {
    engine::probabilities(guide, situation)
}

/// Owned copies of `list`, as the model and the errors hold ids.
fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// [`engine::check_situation`] with the shared context.
fn check(guide: &Guide, situation: &Situation) -> Result<(), InputError> {
    engine::check_situation(&shared_context(), guide, situation)
}

/// A situation with these answers only.
fn answers(pairs: &[(&str, &str)]) -> Situation {
    situation(pairs, &[], &[])
}

/// A guide with these causes (id, likelihood), in this order.
fn with_causes(id: &str, causes: &[(&str, f64)]) -> GuideBuilder {
    causes
        .iter()
        .fold(GuideBuilder::new(id), |g, (c, likelihood)| {
            g.cause(cause(c, *likelihood))
        })
}

/// `step`, tried only once `prerequisite` was.
fn after(prerequisite: &str, step: Step) -> Step {
    Step {
        after: vec![prerequisite.to_owned()],
        ..step
    }
}

/// A step that always works when its cause is the one.
fn sure(id: &str, minutes: f64, fixes: &[&str]) -> Step {
    Step {
        success: 1.0,
        ..step(id, minutes, fixes)
    }
}

/// The probability the plan gives a cause (None when the cause is not listed).
fn cause_prob(plan: &Plan, id: &str) -> Option<f64> {
    plan.causes
        .iter()
        .find(|c| c.id == id)
        .map(|c| c.probability)
}

fn cause_ids(plan: &Plan) -> Vec<&str> {
    plan.causes.iter().map(|c| c.id.as_str()).collect()
}

fn step_ids(plan: &Plan) -> Vec<&str> {
    plan.steps.iter().map(|s| s.id.as_str()).collect()
}

fn question_ids(plan: &Plan) -> Vec<&str> {
    plan.questions.iter().map(|q| q.id.as_str()).collect()
}

fn assert_close(actual: f64, expected: f64, what: &str) {
    assert!(
        (actual - expected).abs() < EPS,
        "{what}: expected {expected}, got {actual}"
    );
}

fn assert_probs(actual: &[f64], expected: &[f64]) {
    assert_eq!(actual.len(), expected.len(), "{actual:?} vs {expected:?}");
    for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
        assert!(
            (a - e).abs() < EPS,
            "cause {i}: expected {e}, got {a} ({actual:?})"
        );
    }
}

/// Asserts how many leading steps are worth trying, and whether handing over now is
/// recommended.
fn assert_escalation(plan: &Plan, worth: usize, recommended: bool) {
    let e = &plan.escalation;
    let found = (e.steps_worth_trying, e.recommended);
    assert_eq!(found, (worth, recommended), "{e:#?}");
}

/// Four equally likely causes a..d, one step per cause in that order, and one question whose
/// options move them.
fn four_causes() -> GuideBuilder {
    with_causes("four", &[("a", 1.0), ("b", 1.0), ("c", 1.0), ("d", 1.0)])
        .step(step("fix-a", 5.0, &["a"]))
        .step(step("fix-b", 5.0, &["b"]))
        .step(step("fix-c", 5.0, &["c"]))
        .step(step("fix-d", 5.0, &["d"]))
}

// ---------------------------------------------------------------------------------------------
// Priors and how answers move causes

#[test]
fn priors_are_normalised_to_probabilities() {
    let guide = with_causes("priors", &[("a", 2.0), ("b", 1.0), ("c", 1.0)])
        .step(step("fix-a", 5.0, &["a"]))
        .build();
    let none = Situation::default();
    assert_probs(&probs(&guide, &none), &[0.5, 0.25, 0.25]);
    let plan = diagnose(&guide, &none);
    assert_eq!(cause_ids(&plan), ["a", "b", "c"]);
    assert_close(cause_prob(&plan, "a").unwrap(), 0.5, "a");
    assert_close(cause_prob(&plan, "c").unwrap(), 0.25, "c");

    // Rough percentages that do not add up to 100 are still normalised.
    let guide = with_causes("percent", &[("a", 60.0), ("b", 30.0), ("c", 30.0)]).build();
    assert_probs(&probs(&guide, &none), &[0.5, 0.25, 0.25]);
}

#[test]
fn causes_are_ranked_most_likely_first() {
    let guide = with_causes("rank", &[("rare", 1.0), ("common", 5.0), ("middling", 3.0)]).build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(cause_ids(&plan), ["common", "middling", "rare"]);
}

#[test]
fn guide_answers_raise_lower_and_rule_out() {
    let effect = Effect {
        raises: vec!["a".into()],
        lowers: vec!["b".into()],
        rules_out: vec!["c".into()],
        escalate: None,
        escalate_to: None,
    };
    let guide = four_causes()
        .question(question("q", &[("x", effect), ("nothing", no_effect())]))
        .build();
    // Bayes' rule with P(answer | cause): weights 3, 1/3, 0, 1 for x against 1 for `nothing`
    // give P(x | a..d) = 3/4, 1/4, 0, 1/2; total 3/2.
    let p = probs(&guide, &answers(&[("q", "x")]));
    assert_probs(&p, &[0.5, 1.0 / 6.0, 0.0, 1.0 / 3.0]);

    let plan = diagnose(&guide, &answers(&[("q", "x")]));
    assert_eq!(
        cause_ids(&plan),
        ["a", "d", "b", "c"],
        "ruled out comes last"
    );
    assert_eq!(cause_prob(&plan, "c"), Some(0.0));

    // An option without effects is evidence too: not x. P(nothing | a..d) = 1/4, 3/4, 1, 1/2.
    let p = probs(&guide, &answers(&[("q", "nothing")]));
    assert_probs(&p, &[0.1, 0.3, 0.4, 0.2]);

    // A question whose options all say the same about every cause moves nothing.
    let idle = four_causes()
        .question(question("q", &[("x", no_effect()), ("y", no_effect())]))
        .build();
    let p = probs(&idle, &answers(&[("q", "x")]));
    assert_probs(&p, &[0.25; 4]);
}

#[test]
fn effects_compound_across_answers() {
    let two = |id: &str, effect: Effect| question(id, &[("x", effect), ("y", no_effect())]);
    let guide = four_causes()
        .question(two("q1", raises(&["a"])))
        .question(two("q2", raises(&["a"])))
        .question(two("q3", lowers(&["a"])))
        .build();
    // Each x: P(x | a) = 3/4 against 1/2 for the others. Twice: 9/16 against 1/4.
    let p = probs(&guide, &answers(&[("q1", "x"), ("q2", "x")]));
    let total = 9.0 / 16.0 + 3.0 / 4.0;
    assert_probs(
        &p,
        &[9.0 / 16.0 / total, 0.25 / total, 0.25 / total, 0.25 / total],
    );
    // Raised by one answer and lowered by another: 3/4 · 1/4 = 3/16 against 1/2 · 1/2.
    let p = probs(&guide, &answers(&[("q1", "x"), ("q3", "x")]));
    assert_probs(&p, &[0.2, 4.0 / 15.0, 4.0 / 15.0, 4.0 / 15.0]);
}

#[test]
fn shared_answers_move_causes_through_the_guide_context() {
    let guide = four_causes()
        .context("network", "weak", raises(&["a"]))
        .context("network", "offline", rules_out(&["a"]))
        .context("device", "ios", lowers(&["b"]))
        .build();
    let p = probs(&guide, &answers(&[("network", "weak")]));
    assert_probs(&p, &[0.5, 1.0 / 6.0, 1.0 / 6.0, 1.0 / 6.0]);

    let p = probs(&guide, &answers(&[("network", "offline")]));
    assert_probs(&p, &[0.0, 1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]);

    // Weights 1, 1/3, 1, 1: total 10/3.
    let p = probs(&guide, &answers(&[("device", "ios")]));
    assert_probs(&p, &[0.3, 0.1, 0.3, 0.3]);

    // A shared answer this guide says nothing about moves nothing.
    let p = probs(&guide, &answers(&[("network", "good")]));
    assert_probs(&p, &[0.25; 4]);
    let p = probs(&guide, &answers(&[("scope", "just-me")]));
    assert_probs(&p, &[0.25; 4]);
}

// ---------------------------------------------------------------------------------------------
// `when` conditions

/// A phone-photo guide: an iOS-only cause and step, a phone-only question, a computer-only step.
fn phones() -> Guide {
    with_causes("phones", &[("signal", 4.0)])
        .cause(Cause {
            when: when(&[("device", &["ios"])]),
            ..cause("wifi-only", 4.0)
        })
        .cause(cause("glitch", 2.0))
        .question(Question {
            when: when(&[("device", &["ios", "android"])]),
            ..question(
                "queue",
                &[
                    (
                        "waiting",
                        Effect {
                            raises: vec!["wifi-only".into()],
                            rules_out: vec!["signal".into()],
                            escalate: Some("The queue is stuck for good.".into()),
                            ..Effect::default()
                        },
                    ),
                    ("failed", raises(&["signal"])),
                ],
            )
        })
        .step(step("check-signal", 2.0, &["signal"]))
        .step(Step {
            when: when(&[("device", &["ios"])]),
            ..step("turn-off-wifi-only", 2.0, &["wifi-only"])
        })
        .step(Step {
            when: when(&[("device", &["computer"])]),
            ..step("reload-page", 1.0, &["glitch"])
        })
        .step(step("restart", 3.0, &["glitch"]))
        .build()
}

#[test]
fn when_hides_causes_only_for_other_answers() {
    let guide = phones();
    let computer = diagnose(&guide, &answers(&[("device", "computer")]));
    assert_eq!(
        cause_prob(&computer, "wifi-only"),
        None,
        "hidden cause is not listed"
    );
    assert_eq!(probs(&guide, &answers(&[("device", "computer")]))[1], 0.0);
    assert_close(
        cause_prob(&computer, "signal").unwrap(),
        4.0 / 6.0,
        "signal",
    );

    let unknown = diagnose(&guide, &Situation::default());
    assert_close(
        cause_prob(&unknown, "wifi-only").unwrap(),
        0.4,
        "unknown device",
    );

    let ios = diagnose(&guide, &answers(&[("device", "ios")]));
    assert_close(cause_prob(&ios, "wifi-only").unwrap(), 0.4, "ios");
}

#[test]
fn when_hides_steps_only_for_other_answers() {
    let guide = phones();
    let computer = diagnose(&guide, &answers(&[("device", "computer")]));
    assert!(
        !step_ids(&computer).contains(&"turn-off-wifi-only"),
        "{computer:#?}"
    );
    assert!(step_ids(&computer).contains(&"reload-page"));

    for device in ["ios", "android"] {
        let plan = diagnose(&guide, &answers(&[("device", device)]));
        assert!(
            !step_ids(&plan).contains(&"reload-page"),
            "{device}: {plan:#?}"
        );
        assert_eq!(
            step_ids(&plan).contains(&"turn-off-wifi-only"),
            device == "ios",
            "{device}: {plan:#?}"
        );
    }

    // Device unanswered: nothing is hidden.
    let unknown = diagnose(&guide, &Situation::default());
    for id in [
        "check-signal",
        "turn-off-wifi-only",
        "reload-page",
        "restart",
    ] {
        assert!(
            step_ids(&unknown).contains(&id),
            "{id} missing: {unknown:#?}"
        );
    }
}

/// Two equally likely causes, each fixed for sure by its own `minutes` step, escalation at
/// `escalate` minutes.
fn telling_apart(minutes: f64, escalate: f64) -> GuideBuilder {
    with_causes("apart", &[("a", 1.0), ("b", 1.0)])
        .escalate_minutes(escalate)
        .step(sure("fix-a", minutes, &["a"]))
        .step(sure("fix-b", minutes, &["b"]))
}

/// A question whose answers tell a from b for sure.
fn apart_question(id: &str) -> Question {
    question(id, &[("x", rules_out(&["b"])), ("y", rules_out(&["a"]))])
}

#[test]
fn when_hides_questions_only_for_other_answers() {
    let guide = telling_apart(20.0, 1000.0)
        .question(Question {
            when: when(&[("device", &["ios", "android"])]),
            ..apart_question("queue")
        })
        .build();
    let computer = diagnose(&guide, &answers(&[("device", "computer")]));
    assert!(!question_ids(&computer).contains(&"queue"), "{computer:#?}");

    for answers in [
        &[][..],
        &[("device", "ios")][..],
        &[("device", "android")][..],
    ] {
        let plan = diagnose(&guide, &situation(answers, &[], &[]));
        assert!(
            question_ids(&plan).contains(&"queue"),
            "{answers:?}: {plan:#?}"
        );
    }
}

#[test]
fn answers_to_a_question_that_no_longer_applies_move_nothing() {
    let guide = phones();
    let stale = answers(&[("device", "computer"), ("queue", "waiting")]);
    let fresh = answers(&[("device", "computer")]);
    assert_probs(&probs(&guide, &stale), &probs(&guide, &fresh));
    assert_eq!(diagnose(&guide, &stale), diagnose(&guide, &fresh));
    assert!(diagnose(&guide, &stale).escalation.reasons.is_empty());

    // Control: the same answer does move things while the question applies.
    let live = diagnose(&guide, &answers(&[("device", "ios"), ("queue", "waiting")]));
    assert_eq!(cause_prob(&live, "signal"), Some(0.0));
    assert!(
        live.escalation
            .reasons
            .contains(&"The queue is stuck for good.".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Tried and skipped steps

#[test]
fn a_tried_step_applies_bayes_rule_to_its_causes() {
    let guide = with_causes("bayes", &[("a", 5.0), ("b", 3.0), ("c", 2.0)])
        .step(Step {
            success: 0.8,
            ..step("fix-a", 5.0, &["a"])
        })
        .step(Step {
            success: 0.5,
            ..step("fix-bc", 5.0, &["b", "c"])
        })
        .step(step("fix-c", 5.0, &["c"]))
        .build();
    // a: 0.5 * 0.2 = 0.1; total 0.1 + 0.3 + 0.2 = 0.6.
    let tried = situation(&[], &["fix-a"], &[]);
    assert_probs(&probs(&guide, &tried), &[1.0 / 6.0, 0.5, 1.0 / 3.0]);
    let plan = diagnose(&guide, &tried);
    assert!(
        !step_ids(&plan).contains(&"fix-a"),
        "a tried step leaves the plan"
    );
    assert_eq!(cause_ids(&plan), ["b", "c", "a"]);

    // Two failures compound: a 0.1, b 0.15, c 0.1.
    let both = situation(&[], &["fix-a", "fix-bc"], &[]);
    assert_probs(
        &probs(&guide, &both),
        &[0.1 / 0.35, 0.15 / 0.35, 0.1 / 0.35],
    );
    assert_eq!(step_ids(&diagnose(&guide, &both)), ["fix-c"]);
}

#[test]
fn a_step_that_always_works_rules_its_causes_out_when_it_fails() {
    let guide = with_causes("certain", &[("a", 1.0), ("b", 1.0)])
        .step(sure("fix-a", 5.0, &["a"]))
        .step(step("also-a", 1.0, &["a"]))
        .step(step("fix-b", 5.0, &["b"]))
        .build();
    let plan = diagnose(&guide, &situation(&[], &["fix-a"], &[]));
    assert_eq!(cause_prob(&plan, "a"), Some(0.0));
    assert_eq!(
        step_ids(&plan),
        ["fix-b"],
        "also-a only checks a ruled-out cause"
    );
}

#[test]
fn skipped_steps_leave_the_plan_but_keep_the_weights() {
    let guide = with_causes("skip", &[("a", 5.0), ("b", 3.0), ("c", 2.0)])
        .step(step("fix-a", 5.0, &["a"]))
        .step(step("fix-b", 5.0, &["b"]))
        .step(step("fix-c", 5.0, &["c"]))
        .build();
    let none = Situation::default();
    let skipped = situation(&[], &[], &["fix-a"]);
    assert_probs(&probs(&guide, &skipped), &probs(&guide, &none));
    let plan = diagnose(&guide, &skipped);
    assert_eq!(step_ids(&plan), ["fix-b", "fix-c"]);
    assert_eq!(cause_ids(&plan), ["a", "b", "c"], "a keeps its weight");
    assert_eq!(plan.causes, diagnose(&guide, &none).causes);
    // Unlike a tried step, which does move a.
    assert_ne!(
        probs(&guide, &situation(&[], &["fix-a"], &[])),
        probs(&guide, &none)
    );
}

// ---------------------------------------------------------------------------------------------
// Step order

/// Causes a, b, c (5:3:2), each with its own step: 30, `quick` and 3 minutes.
fn order(quick: f64) -> Guide {
    with_causes("order", &[("a", 5.0), ("b", 3.0), ("c", 2.0)])
        .step(step("slow-a", 30.0, &["a"]))
        .step(step("quick-b", quick, &["b"]))
        .step(step("c-step", 3.0, &["c"]))
        .build()
}

#[test]
fn steps_are_ordered_by_probability_per_minute() {
    // slow-a: 0.45 / 30 = 0.015; quick-b: 0.27 / 2 = 0.135; c-step: 0.18 / 3 = 0.06.
    let guide = order(2.0);
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["quick-b", "c-step", "slow-a"]);
    // The probabilities are conditional on the earlier steps having failed.
    assert_close(plan.steps[0].probability, 0.9 * 0.3, "first");
    let after_b = 1.0 - 0.27;
    assert_close(plan.steps[1].probability, 0.9 * 0.2 / after_b, "second");
    let after_c = after_b - 0.18;
    assert_close(plan.steps[2].probability, 0.9 * 0.5 / after_c, "third");
    assert_eq!(plan.steps[0].minutes, 2.0);
    assert_eq!(plan.steps[0].checks, ["b"]);
}

#[test]
fn a_quick_step_before_a_likelier_slow_one_says_why() {
    let guide = order(1.0);
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["quick-b", "c-step", "slow-a"]);
    // Both quick steps are less likely than "slow-a" (0.45 now) and quicker than it: each
    // says so, with its own minutes and the slow step's.
    assert_eq!(
        plan.steps[0].why_first.as_deref(),
        Some("A 1-minute step first: the likelier one takes 30 minutes.")
    );
    assert_eq!(
        plan.steps[1].why_first.as_deref(),
        Some("A 3-minute step first: the likelier one takes 30 minutes.")
    );
    // The last step has nothing after it to explain.
    assert_eq!(plan.steps[2].why_first, None);

    // When the quickest step is also the likeliest, the order needs no explaining.
    let plain = with_causes("plain", &[("a", 5.0), ("b", 3.0)])
        .step(step("quick-a", 1.0, &["a"]))
        .step(step("slow-b", 30.0, &["b"]))
        .build();
    let plan = diagnose(&plain, &Situation::default());
    assert_eq!(step_ids(&plan), ["quick-a", "slow-b"]);
    assert!(plan.steps.iter().all(|s| s.why_first.is_none()), "{plan:?}");
}

#[test]
fn an_admin_step_is_weighed_at_its_targets_minutes_in_the_why() {
    let mut ask = step("ask-admin", 15.0, &["a"]);
    ask.admin = true;
    ask.to = Some(Target::Support);
    let mut guide = with_causes("admin", &[("a", 8.0), ("b", 2.0)])
        .step(ask)
        .step(step("quick-b", 2.0, &["b"]))
        .build();
    guide
        .escalate
        .targets
        .get_mut(&Target::Support)
        .expect("support")
        .minutes = 1440.0;
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(plan.steps[0].id, "quick-b");
    let why = plan.steps[0].why_first.as_deref().expect("a why");
    // Procore support's 1440 minutes, not the step's 15.
    assert_has(why, &["takes about 1 day"]);
    assert!(why.starts_with("A 2-minute step first"), "{why}");
}

#[test]
fn checks_list_the_step_causes_most_likely_first() {
    let guide = with_causes("checks", &[("a", 1.0), ("b", 5.0), ("c", 3.0)])
        .step(Step {
            admin: true,
            ..step("fix-all", 5.0, &["a", "b", "c"])
        })
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(plan.steps[0].checks, ["b", "c", "a"]);
    assert!(plan.steps[0].admin);
}

#[test]
fn prerequisites_come_first() {
    let guide = with_causes("after", &[("a", 1.0), ("b", 1.0), ("c", 8.0)])
        // Low value on its own ...
        .step(step("prepare", 20.0, &["a"]))
        .step(step("middle", 5.0, &["b"]))
        // ... but the best step needs it first.
        .step(after("prepare", step("best", 1.0, &["c"])))
        .build();
    // The chain prepare + best is worth (0.09 + 0.72) / 21 = 0.039 a minute, more than middle
    // (0.09 / 5 = 0.018): the slow prerequisite inherits the value of what it unlocks.
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["prepare", "best", "middle"]);

    // A prerequisite too slow for what it unlocks waits: (0.09 + 0.72) / 201 < 0.018.
    let mut slow = guide.clone();
    slow.steps[0].minutes = 200.0;
    let plan = diagnose(&slow, &Situation::default());
    assert_eq!(step_ids(&plan), ["middle", "prepare", "best"]);

    // Once the prerequisite was tried or set aside, the best step leads.
    for done in [
        situation(&[], &["prepare"], &[]),
        situation(&[], &[], &["prepare"]),
    ] {
        let plan = diagnose(&guide, &done);
        assert_eq!(step_ids(&plan)[0], "best", "{done:?}");
    }

    // A prerequisite that does not apply is no prerequisite.
    let guide = with_causes("after-when", &[("a", 1.0), ("b", 1.0), ("c", 8.0)])
        .step(Step {
            when: when(&[("device", &["ios"])]),
            ..step("prepare", 20.0, &["a"])
        })
        .step(step("middle", 5.0, &["b"]))
        .step(after("prepare", step("best", 1.0, &["c"])))
        .build();
    let plan = diagnose(&guide, &answers(&[("device", "computer")]));
    assert_eq!(step_ids(&plan), ["best", "middle"]);
}

#[test]
fn a_prerequisite_for_ruled_out_causes_does_not_hold_back_its_dependents() {
    let guide = with_causes("prerequisite", &[("a", 1.0), ("b", 1.0), ("c", 8.0)])
        .question(question("q", &[("no-a", rules_out(&["a"]))]))
        .step(step("prepare", 1.0, &["a"]))
        .step(step("other", 5.0, &["b"]))
        .step(after("prepare", step("best", 1.0, &["c"])))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["prepare", "best", "other"]);

    // With a ruled out, `prepare` is never recommended, so `best` (0.8 in 1 min) must not wait
    // behind `other` (0.1 in 5 min), and escalating is not the quicker way.
    let plan = diagnose(&guide, &answers(&[("q", "no-a")]));
    assert_eq!(step_ids(&plan), ["best", "other"]);
    assert_escalation(&plan, 2, false);
}

#[test]
fn ties_keep_file_order() {
    let names = ["one", "two", "three", "four"];
    let build = |order: &[usize]| {
        let mut g = GuideBuilder::new("ties");
        for &i in order {
            g = g.cause(cause(names[i], 1.0)).step(step(
                &format!("fix-{}", names[i]),
                5.0,
                &[names[i]],
            ));
        }
        g.build()
    };
    let forward = diagnose(&build(&[0, 1, 2, 3]), &Situation::default());
    assert_eq!(
        step_ids(&forward),
        ["fix-one", "fix-two", "fix-three", "fix-four"]
    );
    assert_eq!(cause_ids(&forward), ["one", "two", "three", "four"]);

    let shuffled = diagnose(&build(&[2, 0, 3, 1]), &Situation::default());
    assert_eq!(
        step_ids(&shuffled),
        ["fix-three", "fix-one", "fix-four", "fix-two"]
    );
    assert_eq!(cause_ids(&shuffled), ["three", "one", "four", "two"]);
}

#[test]
fn steps_for_ruled_out_causes_are_not_recommended() {
    let guide = four_causes()
        .step(step("fix-ab", 1.0, &["a", "b"]))
        .question(question(
            "q",
            &[
                ("no-a", rules_out(&["a"])),
                ("no-ab", rules_out(&["a", "b"])),
            ],
        ))
        .build();
    let plan = diagnose(&guide, &answers(&[("q", "no-a")]));
    assert!(!step_ids(&plan).contains(&"fix-a"), "{plan:#?}");
    let ab = plan
        .steps
        .iter()
        .find(|s| s.id == "fix-ab")
        .expect("fix-ab still helps with b");
    assert_eq!(ab.checks, ["b"], "the ruled-out cause is not checked");

    let plan = diagnose(&guide, &answers(&[("q", "no-ab")]));
    assert_eq!(step_ids(&plan), ["fix-c", "fix-d"]);

    // The same for a cause hidden by `when`.
    let guide = GuideBuilder::new("hidden")
        .cause(Cause {
            when: when(&[("device", &["ios"])]),
            ..cause("ios-only", 1.0)
        })
        .cause(cause("other", 1.0))
        .step(step("fix-ios", 1.0, &["ios-only"]))
        .step(step("fix-other", 5.0, &["other"]))
        .build();
    let plan = diagnose(&guide, &answers(&[("device", "android")]));
    assert_eq!(step_ids(&plan), ["fix-other"]);
}

// ---------------------------------------------------------------------------------------------
// Escalation

#[test]
fn no_escalation_while_steps_are_worth_trying() {
    let guide = four_causes().build();
    let plan = diagnose(&guide, &Situation::default());
    assert!(!plan.escalation.recommended, "{:#?}", plan.escalation);
    assert!(plan.escalation.reasons.is_empty());
    assert_eq!(plan.escalation.minutes, 30.0);
    assert_eq!(plan.escalation.steps_worth_trying, 4);
}

#[test]
fn an_answer_with_escalate_is_a_reason_not_the_end_of_the_walk() {
    let guide = four_causes()
        .cause(cause("locked", 5.0))
        .escalate_minutes(60.0)
        .question(question(
            "q",
            &[
                ("locked", escalates("Only the admin can unlock it.")),
                ("fine", no_effect()),
            ],
        ))
        .question(question(
            "sure",
            &[
                (
                    "locked",
                    Effect {
                        raises: vec!["locked".into()],
                        lowers: vec!["c".into(), "d".into()],
                        rules_out: vec!["a".into(), "b".into()],
                        ..escalates("It is locked for good.")
                    },
                ),
                ("open", no_effect()),
            ],
        ))
        .context(
            "scope",
            "several-people",
            escalates("Several people see it."),
        )
        .build();
    // Four 5-minute steps with a 10% chance each, against 60 minutes: the reason is shown, the
    // steps come first (5 * (1 + 0.9 + 0.8 + 0.7) + 0.6 * 60 = 53 minutes).
    let plan = diagnose(&guide, &answers(&[("q", "locked")]));
    assert!(!plan.escalation.recommended, "{:#?}", plan.escalation);
    assert_eq!(plan.escalation.reasons, ["Only the admin can unlock it."]);
    assert_eq!(step_ids(&plan).len(), 4);
    assert_eq!(plan.escalation.steps_worth_trying, 4);

    let plan = diagnose(&guide, &answers(&[("scope", "several-people")]));
    assert_eq!(plan.escalation.reasons, ["Several people see it."]);
    let both = answers(&[("q", "locked"), ("scope", "several-people")]);
    assert_eq!(diagnose(&guide, &both).escalation.reasons.len(), 2);

    // It weighs in through the causes it moves: with the lock raised, c and d lowered and a and b
    // ruled out, the steps left have too little chance, and handing over is recommended.
    let plan = diagnose(&guide, &answers(&[("sure", "locked")]));
    assert_escalation(&plan, 0, true);

    for fine in [answers(&[("q", "fine")]), answers(&[("scope", "just-me")])] {
        let plan = diagnose(&guide, &fine);
        assert!(!plan.escalation.recommended, "{fine:?}");
        assert!(plan.escalation.reasons.is_empty(), "{fine:?}");
    }
}

#[test]
fn ruling_out_every_cause_recommends_escalating() {
    let guide = four_causes()
        .question(question("q", &[("none", rules_out(&["a", "b", "c", "d"]))]))
        .build();
    let s = answers(&[("q", "none")]);
    assert_probs(&probs(&guide, &s), &[0.0; 4]);
    let plan = diagnose(&guide, &s);
    assert!(plan.steps.is_empty());
    assert!(plan.escalation.recommended);
    assert_eq!(
        plan.escalation.reasons.len(),
        1,
        "{:?}",
        plan.escalation.reasons
    );
    assert!(plan.escalation.reasons[0].contains("rule out every cause"));
}

#[test]
fn trying_every_step_recommends_escalating() {
    let guide = four_causes().build();
    let all = situation(&[], &["fix-a", "fix-b", "fix-c"], &["fix-d"]);
    let plan = diagnose(&guide, &all);
    assert!(plan.steps.is_empty());
    assert_escalation(&plan, 0, true);
    assert_eq!(plan.escalation.reasons.len(), 1);
    assert!(plan.escalation.reasons[0].contains("tried or set aside"));

    // One step left: no escalation.
    let plan = diagnose(&guide, &situation(&[], &["fix-a", "fix-b"], &["fix-d"]));
    assert!(!plan.escalation.recommended, "{:#?}", plan.escalation);
}

#[test]
fn escalating_wins_when_the_best_step_is_worth_less_than_it() {
    // One cause and one step that always works; escalating costs 30 minutes, so the step is
    // worth trying while 1 / minutes >= 1 / 30.
    let build = |minutes: f64| {
        with_causes("slow", &[("a", 1.0)])
            .step(sure("fix-a", minutes, &["a"]))
            .build()
    };
    let plan = diagnose(&build(30.0), &Situation::default());
    assert_escalation(&plan, 1, false);

    let plan = diagnose(&build(31.0), &Situation::default());
    assert_escalation(&plan, 0, true);
    assert_eq!(step_ids(&plan), ["fix-a"], "the step is still listed");
    assert_eq!(plan.escalation.reasons.len(), 1);
    let reason = &plan.escalation.reasons[0];
    assert_has(
        reason,
        &["100%", "about 31 min", "the admin", "about 30 min"],
    );

    // A cheaper escalation lowers the bar: 0.9 / 10 < 1 / 5.
    let guide = with_causes("cheap", &[("a", 1.0)])
        .step(step("fix-a", 10.0, &["a"]))
        .escalate_minutes(5.0)
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert!(plan.escalation.recommended);
    assert_eq!(plan.escalation.minutes, 5.0);
    let guide = with_causes("dear", &[("a", 1.0)])
        .step(step("fix-a", 10.0, &["a"]))
        .escalate_minutes(60.0)
        .build();
    assert!(
        !diagnose(&guide, &Situation::default())
            .escalation
            .recommended
    );
}

#[test]
fn steps_worth_trying_counts_the_leading_steps_worth_their_minutes() {
    // c has no step. fix-a: 0.5 / 10 = 0.05 >= 1/30. After it fails (success 1), b = 0.4 and
    // c = 0.6: fix-b is 0.4 / 20 = 0.02 < 1/30.
    let guide = with_causes("worth", &[("a", 5.0), ("b", 2.0), ("c", 3.0)])
        .step(sure("fix-a", 10.0, &["a"]))
        .step(sure("fix-b", 20.0, &["b"]))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["fix-a", "fix-b"]);
    assert_eq!(plan.escalation.steps_worth_trying, 1);
    assert!(
        !plan.escalation.recommended,
        "the best step is still worth it"
    );

    let plan = diagnose(&guide, &situation(&[], &["fix-a"], &[]));
    assert_close(plan.steps[0].probability, 0.4, "fix-b after fix-a failed");
    assert_escalation(&plan, 0, true);
    assert!(
        plan.escalation.reasons[0].contains("40%"),
        "{:?}",
        plan.escalation.reasons
    );
}

#[test]
fn escalating_now_wins_when_no_part_of_the_plan_beats_it() {
    // fix-a: 0.9 / 30 = 0.03 < 1/30, not worth it; once it failed, fix-b is certain and worth
    // 1 / 10, but it comes after a step that is not worth trying.
    let guide = with_causes("leading", &[("a", 9.0), ("b", 1.0)])
        .step(sure("fix-a", 30.0, &["a"]))
        .step(sure("fix-b", 10.0, &["b"]))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["fix-a", "fix-b"]);
    assert_close(plan.steps[1].probability, 1.0, "fix-b once fix-a failed");
    assert_escalation(&plan, 0, true);
}

// ---------------------------------------------------------------------------------------------
// Open questions

#[test]
fn a_question_is_worth_the_minutes_its_answer_saves_less_its_cost() {
    // Now: fix-a (20 min), then fix-b half the time: 20 + 0.5 * 20 = 30 minutes.
    // Either answer leaves one cause: 20 minutes. P(x) = P(y) = 0.5 (x rules b out, so
    // P(x | a) = 1 and P(x | b) = 0). "I don't know" (20%) saves nothing, asking costs 0.5:
    // VOI = 0.8 * (30 - 20) - 0.5 = 7.5.
    let guide = telling_apart(20.0, 1000.0)
        .question(apart_question("q"))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_close(plan.expected_minutes, 30.0, "ECR now");
    assert_eq!(question_ids(&plan), ["q"]);
    assert_close(plan.questions[0].value_minutes, 7.5, "VOI");
    assert_eq!(plan.questions[0].separates, ["a", "b"]);
    assert_eq!(plan.questions[0].values, ["x", "y"]);
    assert!(!plan.questions[0].shared);

    // The same question on 1-minute steps saves 0.8 * 0.5 = 0.4 minutes, less than asking.
    let quick = telling_apart(1.0, 1000.0)
        .question(apart_question("q"))
        .build();
    assert!(question_ids(&diagnose(&quick, &Situation::default())).is_empty());

    // A question that says it takes 10 minutes (looking something up) is not worth 8.
    let mut slow = guide.clone();
    slow.questions[0].minutes = Some(10.0);
    assert!(question_ids(&diagnose(&slow, &Situation::default())).is_empty());
    slow.questions[0].minutes = Some(2.0);
    let plan = diagnose(&slow, &Situation::default());
    assert_close(plan.questions[0].value_minutes, 6.0, "VOI at 2 minutes");
}

#[test]
fn a_question_that_cannot_change_the_first_step_waits_until_it_can() {
    // A 1-minute step for the likeliest cause comes first whatever `q` says; `q` only orders the
    // two 20-minute steps after it. Its value is positive (now 1 + 0.4 * 30 = 13 minutes, after
    // an answer 1 + 0.4 * 20 = 9: 0.8 * 4 - 0.5 = 2.7), but trying the quick step first and
    // asking afterwards is never worse, and saves the question when the quick step works.
    let guide = telling_apart(20.0, 1000.0)
        .cause(cause("quick", 3.0))
        .step(sure("fix-quick", 1.0, &["quick"]))
        .question(apart_question("q"))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_close(plan.expected_minutes, 13.0, "ECR now");
    assert_eq!(step_ids(&plan)[0], "fix-quick");
    assert!(question_ids(&plan).is_empty(), "{:#?}", plan.questions);

    // Once the quick step failed, the answer decides the next step, and `q` is asked.
    let plan = diagnose(&guide, &situation(&[], &["fix-quick"], &[]));
    assert_eq!(question_ids(&plan), ["q"]);
    assert_close(
        plan.questions[0].value_minutes,
        7.5,
        "VOI after the quick step",
    );
}

#[test]
fn questions_come_best_first_and_only_with_positive_value() {
    let guide = telling_apart(20.0, 1000.0)
        // Tells a from b only partly: worth less than `sharp`.
        .question(question(
            "vague",
            &[("x", raises(&["a"])), ("y", raises(&["b"]))],
        ))
        // Moves nothing the plan depends on.
        .question(question("idle", &[("x", no_effect()), ("y", no_effect())]))
        .question(apart_question("sharp"))
        // Calls for a hand-over but moves no cause: worth nothing.
        .question(question(
            "urgent",
            &[("x", escalates("Now.")), ("y", no_effect())],
        ))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(question_ids(&plan), ["sharp", "vague"]);
    assert!(plan.questions[0].value_minutes > plan.questions[1].value_minutes);
    assert!(plan.questions.iter().all(|q| q.value_minutes > 0.0));

    // Once `sharp` is answered, nothing is left to learn.
    let plan = diagnose(&guide, &answers(&[("sharp", "x")]));
    assert!(plan.questions.is_empty(), "{:#?}", plan.questions);
}

#[test]
fn i_dont_know_is_kept_moves_nothing_and_is_not_asked_again() {
    let guide = telling_apart(20.0, 1000.0)
        .question(apart_question("sharp"))
        .question(question(
            "vague",
            &[("x", raises(&["a"])), ("y", raises(&["b"]))],
        ))
        .build();
    let mut s = Situation::default();
    s.unknown.push("sharp".into());
    let plan = diagnose(&guide, &s);
    assert_eq!(question_ids(&plan), ["vague"], "the next best question");
    assert_probs(&probs(&guide, &s), &[0.5, 0.5]);
    assert_eq!(plan.causes, diagnose(&guide, &Situation::default()).causes);
    assert_eq!(check(&guide, &s), Ok(()));

    s.unknown.push("nope".into());
    assert!(matches!(
        check(&guide, &s),
        Err(InputError::UnknownQuestion { .. })
    ));
}

#[test]
fn shared_questions_compete_on_the_same_footing() {
    // A guide where the network changes nothing never asks about it, nor about the device.
    let guide = telling_apart(20.0, 1000.0)
        .question(apart_question("q"))
        .build();
    assert_eq!(
        question_ids(&diagnose(&guide, &Situation::default())),
        ["q"]
    );

    // Here the network tells the causes apart as well as `q`, and comes first (shared
    // questions win ties).
    let guide = telling_apart(20.0, 1000.0)
        .question(apart_question("q"))
        .context("network", "good", rules_out(&["b"]))
        .context("network", "weak", rules_out(&["a"]))
        .context("network", "offline", rules_out(&["a"]))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(question_ids(&plan), ["network", "q"]);
    assert!(plan.questions[0].shared);
    assert_eq!(plan.questions[0].values, ["good", "weak", "offline"]);
    let plan = diagnose(&guide, &answers(&[("network", "good")]));
    assert!(plan.questions.is_empty());
}

// ---------------------------------------------------------------------------------------------
// Prevention tips

#[test]
fn tips_fit_the_step_that_fixed_it() {
    let guide = four_causes()
        .step(step("fix-ab", 5.0, &["a", "b"]))
        .tip(tip("general", &[]))
        .tip(tip("about a", &["a"]))
        .tip(tip("about b or c", &["b", "c"]))
        .build();
    let texts = |fixed_by: Option<&str>| {
        engine::tips(&guide, fixed_by)
            .into_iter()
            .map(|t| t.tip.as_str())
            .collect::<Vec<_>>()
    };
    assert_eq!(texts(None), ["general", "about a", "about b or c"]);
    assert_eq!(texts(Some("fix-a")), ["general", "about a"]);
    assert_eq!(texts(Some("fix-c")), ["general", "about b or c"]);
    assert_eq!(texts(Some("fix-d")), ["general"]);
    assert_eq!(
        texts(Some("fix-ab")),
        ["general", "about a", "about b or c"]
    );
}

// ---------------------------------------------------------------------------------------------
// Checking a situation

// That every valid situation is accepted is checked on random and real guides by
// random_guides_keep_the_invariants and real_guides_keep_the_invariants.

#[test]
fn check_situation_rejects_an_unknown_question() {
    let guide = phones();
    let err = check(&guide, &answers(&[("devise", "ios")])).unwrap_err();
    assert_eq!(
        err,
        InputError::UnknownQuestion {
            guide: "phones".into(),
            question: "devise".into(),
            hint: " (did you mean `device`?)".into(),
            valid: ids(&["device", "network", "scope", "queue"]),
        }
    );
    assert_has(
        &err.to_string(),
        &[
            "did you mean `device`?",
            "valid questions: device, network, scope, queue",
        ],
    );

    // Nothing close: no guess, still the list.
    let err = check(&guide, &answers(&[("colour", "red")])).unwrap_err();
    assert!(
        matches!(&err, InputError::UnknownQuestion { hint, .. } if hint.is_empty()),
        "{err:?}"
    );
    assert_lacks(&err.to_string(), &["did you mean"]);
}

#[test]
fn check_situation_rejects_an_invalid_value() {
    let guide = phones();
    let err = check(&guide, &answers(&[("device", "androd")])).unwrap_err();
    assert_eq!(
        err,
        InputError::InvalidValue {
            question: "device".into(),
            value: "androd".into(),
            hint: " (did you mean `android`?)".into(),
            valid: ids(&["computer", "ios", "android"]),
        }
    );
    assert_has(&err.to_string(), &["valid values: computer, ios, android"]);

    // A guide question's values too.
    let err = check(&guide, &answers(&[("queue", "waitin")])).unwrap_err();
    assert_eq!(
        err,
        InputError::InvalidValue {
            question: "queue".into(),
            value: "waitin".into(),
            hint: " (did you mean `waiting`?)".into(),
            valid: ids(&["waiting", "failed"]),
        }
    );
}

#[test]
fn check_situation_rejects_an_unknown_step() {
    let guide = phones();
    for s in [
        situation(&[], &["restrat"], &[]),
        situation(&[], &["check-signal"], &["restrat"]),
    ] {
        let err = check(&guide, &s).unwrap_err();
        let valid = [
            "check-signal",
            "turn-off-wifi-only",
            "reload-page",
            "restart",
        ];
        assert_eq!(
            err,
            InputError::UnknownStep {
                guide: "phones".into(),
                step: "restrat".into(),
                hint: " (did you mean `restart`?)".into(),
                valid: ids(&valid),
            }
        );
        assert_has(
            &err.to_string(),
            &[
                "has no step `restrat`",
                "valid steps: check-signal, turn-off-wifi-only",
            ],
        );
    }
}

// ---------------------------------------------------------------------------------------------
// Determinism and the real guides

#[test]
fn same_input_same_output() {
    let library = &*LIBRARY;
    let guide = library.find("photos").expect("the photos guide");
    let s = Situation {
        answers: [("device", "ios"), ("network", "weak")]
            .into_iter()
            .map(|(q, v)| (q.to_owned(), v.to_owned()))
            .collect(),
        tried: vec![guide.steps[0].id.clone()],
        ..Situation::default()
    };
    let first = engine::diagnose(&library.context, guide, &s);
    assert!(!first.steps.is_empty());
    for _ in 0..3 {
        let again = engine::diagnose(&library.context, guide, &s.clone());
        assert_eq!(again, first);
        assert_eq!(
            serde_json::to_string(&again).unwrap(),
            serde_json::to_string(&first).unwrap()
        );
    }
}

#[test]
fn real_guides_hide_device_specific_steps_and_causes() {
    let library = &*LIBRARY;
    let device = library.context_question("device").expect("device question");
    let mut hidden_somewhere = false;
    for guide in &library.guides {
        let unknown = engine::diagnose(&library.context, guide, &Situation::default());
        for value in device.values() {
            let s = answers(&[("device", value)]);
            let plan = engine::diagnose(&library.context, guide, &s);
            let steps = plan
                .steps
                .iter()
                .map(|r| (&r.id, &guide.step(&r.id).unwrap().when));
            let causes = plan
                .causes
                .iter()
                .map(|r| (&r.id, &guide.cause(&r.id).unwrap().when));
            for (id, when) in steps.chain(causes) {
                if let Some(allowed) = when.0.get("device") {
                    assert!(allowed.iter().any(|d| d == value), "{}: {id}", guide.id);
                }
            }
            hidden_somewhere |= plan.steps.len() < unknown.steps.len();
        }
    }
    assert!(hidden_somewhere, "some built-in step is device-specific");
}

// ---------------------------------------------------------------------------------------------
// Properties

/// The causes ruled out by an answer that applies, an unmet `when` or a sure step tried,
/// worked out here from the guide.
fn ruled_out_causes<'a>(guide: &'a Guide, s: &Situation) -> BTreeSet<&'a str> {
    let answer = |q: &str| s.answer(q).map(str::to_owned);
    let mut ruled_out: BTreeSet<&str> = BTreeSet::new();
    for (q, v) in &s.answers {
        let effect = match guide.question(q) {
            Some(question) if question.when.holds(answer) => question.choice(v).map(|c| &c.effect),
            Some(_) => None,
            None => guide.context.get(q).and_then(|m| m.get(v)),
        };
        if let Some(e) = effect {
            ruled_out.extend(e.rules_out.iter().map(String::as_str));
        }
    }
    for c in &guide.causes {
        if !c.when.holds(answer) {
            ruled_out.insert(&c.id);
        }
    }
    for id in &s.tried {
        let step = guide.step(id).unwrap();
        if step.success == 1.0 {
            ruled_out.extend(step.fixes.iter().map(String::as_str));
        }
    }
    ruled_out
}

/// A rule-by-rule check of a plan against its guide and situation, independent of the engine's
/// own arithmetic: probabilities sum to 1 (or are all 0), ruled-out causes are never checked,
/// no step for ruled-out causes only, no tried/skipped/hidden step, prerequisites first.
fn check_plan_invariants(context: &[Question], guide: &Guide, s: &Situation) {
    let answer = |q: &str| s.answer(q).map(str::to_owned);
    let p = engine::probabilities(guide, s);
    assert_eq!(p.len(), guide.causes.len());
    assert!(
        p.iter()
            .all(|x| x.is_finite() && (0.0..=1.0 + 1e-12).contains(x)),
        "{p:?}"
    );
    let total: f64 = p.iter().sum();
    assert!(
        (total - 1.0).abs() < 1e-9 || p.iter().all(|x| *x == 0.0),
        "probabilities sum to {total}: {p:?}"
    );

    let ruled_out = ruled_out_causes(guide, s);
    for (c, prob) in guide.causes.iter().zip(&p) {
        if ruled_out.contains(c.id.as_str()) {
            assert_eq!(*prob, 0.0, "ruled-out cause {} has weight", c.id);
        }
    }

    let plan = engine::diagnose(context, guide, s);
    let plan_total: f64 = plan.causes.iter().map(|c| c.probability).sum();
    assert!((plan_total - total).abs() < 1e-9, "{plan_total} vs {total}");
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    for (at, ranked) in plan.steps.iter().enumerate() {
        let step = guide.step(&ranked.id).expect("a step of the guide");
        if ranked.checks.is_empty() {
            // Only a safeguard planned for its safety: a step that can lose unsynced work
            // follows it.
            assert!(step.safeguard, "{} checks nothing", ranked.id);
            assert_eq!(ranked.probability, 0.0, "{}", ranked.id);
            assert!(
                plan.steps[at + 1..]
                    .iter()
                    .any(|r| r.risk == Some(Risk::LosesUnsynced)),
                "{} is planned for nothing",
                ranked.id
            );
            assert!(seen.insert(&ranked.id), "{} listed twice", ranked.id);
            continue;
        }
        assert!(
            ranked
                .checks
                .iter()
                .all(|c| !ruled_out.contains(c.as_str())),
            "{} checks a ruled-out cause: {:?}",
            ranked.id,
            ranked.checks
        );
        assert!(!ranked.checks.is_empty(), "{} checks nothing", ranked.id);
        assert!(ranked.checks.iter().all(|c| step.fixes.contains(c)));
        assert!(
            step.fixes.iter().any(|c| !ruled_out.contains(c.as_str())),
            "{} only addresses ruled-out causes",
            ranked.id
        );
        assert!(ranked.probability > 0.0 && ranked.probability <= 1.0 + 1e-9);
        assert!(step.when.holds(answer), "{} does not apply", ranked.id);
        assert!(!s.tried.contains(&ranked.id) && !s.skipped.contains(&ranked.id));
        for before in &step.after {
            if plan.steps.iter().any(|r| &r.id == before) {
                assert!(
                    seen.contains(before.as_str()),
                    "{} before its prerequisite {before}",
                    ranked.id
                );
            }
        }
        assert!(seen.insert(&ranked.id), "{} listed twice", ranked.id);
    }
    assert_eq!(engine::diagnose(context, guide, s), plan, "deterministic");
}

const DEVICES: [&str; 3] = ["computer", "ios", "android"];
const NETWORKS: [&str; 3] = ["good", "weak", "offline"];

fn pick<'a>(mask: u8, names: &[&'a str]) -> Vec<&'a str> {
    names
        .iter()
        .enumerate()
        .filter(|(i, _)| mask & (1 << i) != 0)
        .map(|(_, n)| *n)
        .collect()
}

/// The devices for a `when`; no condition for mask 0.
fn device_when(mask: u8) -> Condition {
    let devices = pick(mask % 8, &DEVICES);
    if devices.is_empty() {
        Default::default()
    } else {
        when(&[("device", &devices)])
    }
}

/// Effect masks over the causes: (raises, lowers, rules_out).
type EffectSpec = (u8, u8, u8);

fn effect_of(spec: EffectSpec, causes: &[&str]) -> Effect {
    Effect {
        raises: ids(&pick(spec.0, causes)),
        lowers: ids(&pick(spec.1, causes)),
        // Ruling out is rarer than moving.
        rules_out: ids(&pick(spec.2 & spec.0.rotate_left(3), causes)),
        escalate: None,
        escalate_to: None,
    }
}

/// A step: minutes, success, and masks of the causes it fixes, its devices and the earlier
/// steps it comes after.
type StepSpec = (f64, f64, u8, u8, u8);

/// A situation: indexes of the device, the network and each question's answer (past the end:
/// unanswered), and masks of the steps tried and set aside.
type SituationSpec = (usize, usize, Vec<usize>, u8, u8);

fn success() -> impl Strategy<Value = f64> {
    prop_oneof![Just(1.0), 0.01..1.0f64]
}

fn effect_spec() -> impl Strategy<Value = EffectSpec> {
    (any::<u8>(), any::<u8>(), any::<u8>())
}

/// A random valid guide: 1 to 5 causes, 1 to 6 steps and up to 3 questions, some of them
/// for some devices only, and what the network answers do to the causes.
fn random_guide() -> impl Strategy<Value = Guide> {
    let devices = || prop_oneof![3 => Just(0u8), 1 => 1..8u8];
    let causes = prop::collection::vec((0.1..100.0f64, devices()), 1..=5);
    let after = prop_oneof![3 => Just(0u8), 1 => any::<u8>()];
    let step = (0.5..60.0f64, success(), any::<u8>(), devices(), after);
    let steps = prop::collection::vec(step, 1..=6);
    let options = prop::collection::vec(effect_spec(), 2..=3);
    let questions = prop::collection::vec((devices(), options), 0..=3);
    let network = prop::collection::vec(effect_spec(), 3);
    (causes, steps, questions, network).prop_map(|(c, s, q, n)| build_guide(&c, &s, &q, &n))
}

fn situation_spec() -> impl Strategy<Value = SituationSpec> {
    (
        0..4usize,
        0..4usize,
        prop::collection::vec(0..4usize, 3),
        any::<u8>(),
        any::<u8>(),
    )
}

const CAUSE_IDS: [&str; 8] = ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
const STEP_IDS: [&str; 8] = ["s0", "s1", "s2", "s3", "s4", "s5", "s6", "s7"];

fn build_guide(
    causes: &[(f64, u8)],
    steps: &[StepSpec],
    questions: &[(u8, Vec<EffectSpec>)],
    network: &[EffectSpec],
) -> Guide {
    let mut g = GuideBuilder::new("random");
    for (i, &(likelihood, devices)) in causes.iter().enumerate() {
        g = g.cause(Cause {
            when: device_when(devices),
            ..cause(CAUSE_IDS[i], likelihood)
        });
    }
    let causes = &CAUSE_IDS[..causes.len()];
    for (i, &(minutes, success, fixes, devices, after)) in steps.iter().enumerate() {
        let mut fixes = pick(fixes, causes);
        if fixes.is_empty() {
            fixes.push(causes[i % causes.len()]);
        }
        g = g.step(Step {
            success,
            when: device_when(devices),
            // Only earlier steps can come first: no cycles.
            after: ids(&pick(after, &STEP_IDS[..i])),
            ..step(STEP_IDS[i], minutes, &fixes)
        });
    }
    for (i, (devices, options)) in questions.iter().enumerate() {
        let values = ["x", "y", "z"];
        let options: Vec<(&str, Effect)> = options
            .iter()
            .enumerate()
            .map(|(j, e)| (values[j], effect_of(*e, causes)))
            .collect();
        g = g.question(Question {
            when: device_when(*devices),
            ..question(&format!("q{i}"), &options)
        });
    }
    for (value, e) in NETWORKS.iter().zip(network) {
        g = g.context("network", value, effect_of(*e, causes));
    }
    g.build()
}

fn build_situation(guide: &Guide, spec: &SituationSpec) -> Situation {
    let (device, network, answers, tried, skipped) = spec;
    let mut s = Situation::default();
    if let Some(d) = DEVICES.get(*device) {
        s.answers.insert("device".into(), d.to_string());
    }
    if let Some(n) = NETWORKS.get(*network) {
        s.answers.insert("network".into(), n.to_string());
    }
    for (q, &a) in guide.questions.iter().zip(answers) {
        if let Some(option) = q.options.get(a) {
            s.answers.insert(q.id.clone(), option.value.clone());
        }
    }
    let steps: Vec<&str> = guide.steps.iter().map(|s| s.id.as_str()).collect();
    s.tried = ids(&pick(*tried, &steps));
    s.skipped = ids(&pick(skipped & !tried, &steps));
    s
}

/// A random valid situation for a real guide: each question answered with one of its values
/// or left open, and random steps tried or set aside.
fn real_situation(
    context: &[Question],
    guide: &Guide,
    picks: &[u8],
    tried: u64,
    skipped: u64,
) -> Situation {
    let mut s = Situation::default();
    for (q, &pick) in context
        .iter()
        .chain(&guide.questions)
        .zip(picks.iter().cycle())
    {
        let i = pick as usize % (q.options.len() + 1);
        if let Some(option) = q.options.get(i) {
            s.answers.insert(q.id.clone(), option.value.clone());
        }
    }
    for (i, step) in guide.steps.iter().enumerate() {
        if tried & (1 << i) != 0 {
            s.tried.push(step.id.clone());
        } else if skipped & (1 << i) != 0 {
            s.skipped.push(step.id.clone());
        }
    }
    s
}

/// Expected minutes to a fix of trying `order` (indexes into `minutes`/`fix`), where `fix[i]` is
/// the unconditional chance step i fixes it; the fix events are mutually exclusive.
fn expected_cost(order: &[usize], minutes: &[f64], fix: &[f64]) -> f64 {
    let mut unfixed = 1.0;
    let mut cost = 0.0;
    for &i in order {
        cost += minutes[i] * unfixed;
        unfixed -= fix[i];
    }
    cost
}

/// Every permutation of 0..n.
fn permutations(n: usize) -> Vec<Vec<usize>> {
    fn go(prefix: &mut Vec<usize>, rest: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if rest.is_empty() {
            out.push(prefix.clone());
            return;
        }
        for k in 0..rest.len() {
            let x = rest.remove(k);
            prefix.push(x);
            go(prefix, rest, out);
            prefix.pop();
            rest.insert(k, x);
        }
    }
    let mut out = Vec::new();
    go(&mut Vec::new(), &mut (0..n).collect(), &mut out);
    out
}

#[test]
fn permutations_are_all_distinct_orders() {
    let all = permutations(4);
    assert_eq!(all.len(), 24);
    let distinct: BTreeSet<Vec<usize>> = all.into_iter().collect();
    assert_eq!(distinct.len(), 24);
    assert_close(
        expected_cost(&[0, 1], &[2.0, 3.0], &[0.5, 0.25]),
        2.0 + 3.0 * 0.5,
        "cost",
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn random_guides_keep_the_invariants(guide in random_guide(), sit in situation_spec()) {
        let s = build_situation(&guide, &sit);
        prop_assert_eq!(check(&guide, &s), Ok(()));
        check_plan_invariants(&shared_context(), &guide, &s);
    }

    #[test]
    fn real_guides_keep_the_invariants(
        index in any::<prop::sample::Index>(),
        picks in prop::collection::vec(any::<u8>(), 1..12),
        tried in any::<u64>().prop_map(|t| t & t.rotate_left(7)),
        skipped in any::<u64>().prop_map(|t| t & t.rotate_left(13)),
    ) {
        let library = &*LIBRARY;
        let guide = &library.guides[index.index(library.guides.len())];
        let s = real_situation(&library.context, guide, &picks, tried, skipped);
        prop_assert_eq!(engine::check_situation(&library.context, guide, &s), Ok(()));
        check_plan_invariants(&library.context, guide, &s);
    }

    /// Independent steps (each cause fixed by at most one step) under the single-fault model:
    /// the engine's order has the lowest expected minutes to a fix of all orders.
    #[test]
    fn step_order_minimises_expected_minutes(
        steps in prop::collection::vec(
            (prop::collection::vec(0.1..100.0f64, 1..=2), success(), 0.5..60.0f64),
            1..=7,
        ),
        unfixed in prop::collection::vec(0.1..100.0f64, 0..=2),
    ) {
        let mut g = GuideBuilder::new("independent").escalate_minutes(1000.0);
        let mut weights = Vec::new();
        for (i, (causes, success, minutes)) in steps.iter().enumerate() {
            let ids: Vec<String> = (0..causes.len()).map(|k| format!("s{i}-c{k}")).collect();
            for (id, w) in ids.iter().zip(causes) {
                g = g.cause(cause(id, *w));
            }
            weights.push(causes.iter().sum::<f64>());
            let fixes: Vec<&str> = ids.iter().map(String::as_str).collect();
            g = g.step(Step { success: *success, ..step(&format!("s{i}"), *minutes, &fixes) });
        }
        for (k, w) in unfixed.iter().enumerate() {
            g = g.cause(cause(&format!("nobody-{k}"), *w));
        }
        let guide = g.build();
        let total: f64 = weights.iter().sum::<f64>() + unfixed.iter().sum::<f64>();
        let fix: Vec<f64> = steps.iter().zip(&weights).map(|((_, s, _), w)| s * w / total).collect();
        let minutes: Vec<f64> = steps.iter().map(|(_, _, m)| *m).collect();

        let plan = engine::diagnose(&shared_context(), &guide, &Situation::default());
        prop_assert_eq!(plan.steps.len(), steps.len(), "every step has a chance");
        let order: Vec<usize> = plan
            .steps
            .iter()
            .map(|r| r.id[1..].parse::<usize>().unwrap())
            .collect();

        // Each step's probability is its chance given the earlier ones failed.
        let mut unfixed_so_far = 1.0;
        for (r, &i) in plan.steps.iter().zip(&order) {
            let expected = fix[i] / unfixed_so_far;
            prop_assert!((r.probability - expected).abs() < 1e-9, "{}: {} vs {}", r.id, r.probability, expected);
            unfixed_so_far -= fix[i];
        }

        let engine_cost = expected_cost(&order, &minutes, &fix);
        let best = permutations(steps.len())
            .iter()
            .map(|p| expected_cost(p, &minutes, &fix))
            .fold(f64::INFINITY, f64::min);
        prop_assert!(engine_cost <= best + 1e-9, "engine {engine_cost} > best {best} for {order:?}");
    }
}

#[test]
fn an_answer_to_a_question_that_no_longer_applies_hides_nothing() {
    // `phone` is asked only on an iPhone; a step depends on its answer.
    let guide = with_causes("g", &[("c", 1.0)])
        .question(Question {
            when: when(&[("device", &["ios"])]),
            ..question("phone", &[("x", no_effect()), ("y", no_effect())])
        })
        .step(Step {
            when: when(&[("phone", &["x"])]),
            ..step("phone-step", 1.0, &["c"])
        })
        .step(step("other", 5.0, &["c"]))
        .build();
    let without = diagnose(&guide, &answers(&[("device", "computer")]));
    let stale = diagnose(&guide, &answers(&[("device", "computer"), ("phone", "y")]));
    assert_eq!(step_ids(&without), ["phone-step", "other"]);
    assert_eq!(
        step_ids(&stale),
        step_ids(&without),
        "the stale `phone=y` answer must not hide `phone-step`"
    );
    let live = diagnose(&guide, &answers(&[("device", "ios"), ("phone", "y")]));
    assert_eq!(step_ids(&live), ["other"], "on an iPhone the answer counts");
}

#[test]
fn escalation_says_why_no_step_is_left() {
    // `a` is ruled out, so its step is not offered; `b`'s step was tried.
    let guide = with_causes("g", &[("a", 1.0), ("b", 1.0)])
        .question(question(
            "q",
            &[("not-a", rules_out(&["a"])), ("other", no_effect())],
        ))
        .step(sure("fix-a", 1.0, &["a"]))
        .step(Step {
            success: 0.5,
            ..step("fix-b", 1.0, &["b"])
        })
        .build();
    let plan = diagnose(&guide, &situation(&[("q", "not-a")], &["fix-b"], &[]));
    assert!(plan.steps.is_empty(), "{:?}", step_ids(&plan));
    assert!(plan.escalation.recommended);
    assert_eq!(
        plan.escalation.reasons,
        ["None of the steps left deals with the causes still possible."]
    );
    let plan = diagnose(&guide, &situation(&[], &["fix-a", "fix-b"], &[]));
    assert_eq!(
        plan.escalation.reasons,
        ["Every step in this guide has been tried or set aside."]
    );
}

#[test]
fn escalation_reasons_follow_the_order_the_questions_are_asked() {
    // `zeta` comes first in the file, `alpha` second: the reasons follow the file, not the ids.
    let guide = with_causes("g", &[("c", 1.0)])
        .question(question(
            "zeta",
            &[("yes", escalates("first asked")), ("no", no_effect())],
        ))
        .question(question(
            "alpha",
            &[("yes", escalates("second asked")), ("no", no_effect())],
        ))
        .context(
            "scope",
            "several-people",
            escalates("shared, asked before both"),
        )
        .step(step("s", 1.0, &["c"]))
        .build();
    let plan = diagnose(
        &guide,
        &answers(&[
            ("alpha", "yes"),
            ("zeta", "yes"),
            ("scope", "several-people"),
        ]),
    );
    assert_eq!(
        plan.escalation.reasons,
        ["shared, asked before both", "first asked", "second asked"]
    );
}

// ---- Steps that can lose unsynced work ---------------------------------------------------------

/// A guide whose cheapest, likeliest step can delete unsynced work (sign out), with a safeguard
/// step (check the upload queue) that is worth less on its own.
fn risky_guide() -> Guide {
    with_causes("risky", &[("stale-session", 70.0), ("stuck-queue", 30.0)])
        .escalate_minutes(240.0)
        .step(Step {
            risk: Some(Risk::LosesUnsynced),
            ..step("sign-out", 1.0, &["stale-session"])
        })
        .step(Step {
            safeguard: true,
            ..step("check-queue", 10.0, &["stuck-queue"])
        })
        .question(question(
            "queue",
            &[("empty", Effect::default()), ("not-sure", no_effect())],
        ))
        .build()
}

/// [`risky_guide`] with the `queue=empty` answer marked as a safeguard.
fn risky_guide_with_safe_answer() -> Guide {
    let mut g = risky_guide();
    g.questions[0].options[0].safeguard = true;
    g
}

#[test]
fn a_step_that_loses_unsynced_work_waits_for_its_safeguard_on_a_phone() {
    let g = risky_guide();
    for device in ["ios", "android"] {
        let plan = diagnose(&g, &answers(&[("device", device)]));
        assert_eq!(step_ids(&plan), ["check-queue", "sign-out"], "{device}");
    }
    // Unknown device: it may be a phone.
    let plan = diagnose(&g, &Situation::default());
    assert_eq!(step_ids(&plan), ["check-queue", "sign-out"]);
    // On a computer nothing is at risk: the better step comes first.
    let plan = diagnose(&g, &answers(&[("device", "computer")]));
    assert_eq!(step_ids(&plan), ["sign-out", "check-queue"]);
}

#[test]
fn a_safeguard_whose_causes_are_ruled_out_still_guards_the_risky_step() {
    // "The queue is stuck" ruled out (say, items are waiting but moving): checking the queue
    // fixes nothing left, yet signing out still needs it first on a phone.
    let mut g = risky_guide();
    g.questions[0].options[1].effect.rules_out = vec!["stuck-queue".to_owned()];
    let plan = diagnose(&g, &answers(&[("device", "ios"), ("queue", "not-sure")]));
    assert_eq!(step_ids(&plan), ["check-queue", "sign-out"], "{plan:?}");
    assert_eq!(plan.steps[0].probability, 0.0);
    assert!(plan.steps[0].checks.is_empty());
    assert!(!plan.escalation.recommended, "{:?}", plan.escalation);
    // On a computer nothing is at risk, and a step for nothing is not offered.
    let plan = diagnose(
        &g,
        &answers(&[("device", "computer"), ("queue", "not-sure")]),
    );
    assert_eq!(step_ids(&plan), ["sign-out"]);
}

#[test]
fn a_safeguard_counts_once_done_or_answered_never_when_set_aside() {
    let g = risky_guide();
    let done = diagnose(&g, &situation(&[("device", "ios")], &["check-queue"], &[]));
    assert_eq!(step_ids(&done), ["sign-out"]);
    // Set aside, the queue was not checked: the risky step is not offered, and the hand-over
    // says why.
    let skipped = diagnose(&g, &situation(&[("device", "ios")], &[], &["check-queue"]));
    assert_eq!(step_ids(&skipped), Vec::<&str>::new());
    assert!(skipped.escalation.recommended);
    assert!(
        skipped.escalation.reasons[0].contains("can delete photos")
            && skipped.escalation.reasons[0].contains("Step check-queue"),
        "{:?}",
        skipped.escalation.reasons
    );
    let g = risky_guide_with_safe_answer();
    let answered = diagnose(&g, &answers(&[("device", "ios"), ("queue", "empty")]));
    assert_eq!(step_ids(&answered), ["sign-out", "check-queue"]);
    let unsure = diagnose(&g, &answers(&[("device", "ios"), ("queue", "not-sure")]));
    assert_eq!(step_ids(&unsure), ["check-queue", "sign-out"]);
}

#[test]
fn escalation_goes_to_the_target_of_the_answer_that_calls_for_it() {
    let mut g = with_causes("targets", &[("sso", 50.0), ("other", 50.0)])
        .step(step("ask", 5.0, &["sso"]))
        .step(step("fix", 5.0, &["other"]))
        .question(question(
            "login",
            &[
                (
                    "company-page",
                    Effect {
                        escalate_to: Some(Target::It),
                        ..escalates("Your company's sign-in page is run by company IT.")
                    },
                ),
                ("procore", no_effect()),
            ],
        ))
        .context(
            "scope",
            "several-people",
            escalates("Several people: ask around."),
        )
        .build();
    g.escalate.targets.get_mut(&Target::It).unwrap().minutes = 480.0;
    let plan = diagnose(&g, &answers(&[("login", "company-page")]));
    // Two 5-minute steps with a real chance come before 480 minutes with IT.
    assert!(!plan.escalation.recommended);
    assert_eq!(
        plan.escalation.reasons,
        ["Your company's sign-in page is run by company IT."]
    );
    assert_eq!(plan.escalation.to, Target::It);
    assert_eq!(plan.escalation.contact, "the it");
    assert_eq!(plan.escalation.minutes, 480.0);
    let plan = diagnose(&g, &answers(&[("login", "procore")]));
    assert_eq!(plan.escalation.to, Target::Admin);
    assert_eq!(plan.escalation.contact, "the admin");

    // A shared answer asked earlier that gives only a reason does not take the hand-over from
    // the answer that names its target.
    let plan = diagnose(
        &g,
        &answers(&[("scope", "several-people"), ("login", "company-page")]),
    );
    assert_eq!(plan.escalation.reasons.len(), 2, "{:?}", plan.escalation);
    assert_eq!(plan.escalation.to, Target::It);
}

// ---- Admin steps, lookahead escalation and the value of questions -----------------------------

/// Causes a, b (fixed by admin steps for the company admin, 240 min) and c (a 10-minute user
/// step); the guide hands over to Procore support (1440 min).
fn admin_guide() -> Guide {
    let mut g = with_causes("admin", &[("a", 1.0), ("b", 1.0), ("c", 2.0)])
        .step(Step {
            admin: true,
            to: Some(Target::Admin),
            ..step("ask-a", 15.0, &["a"])
        })
        .step(step("fix-c", 10.0, &["c"]))
        .step(Step {
            admin: true,
            to: Some(Target::Admin),
            ..step("ask-b", 20.0, &["b"])
        })
        .build();
    g.escalate.to = Target::Support;
    g.escalate.targets.get_mut(&Target::Admin).unwrap().minutes = 240.0;
    g.escalate
        .targets
        .get_mut(&Target::Support)
        .unwrap()
        .minutes = 1440.0;
    g
}

#[test]
fn admin_steps_for_one_person_are_one_request_priced_at_their_minutes() {
    let g = admin_guide();
    let plan = diagnose(&g, &Situation::default());
    // fix-c: 0.45 in 10 min. The request to the admin (both steps, one wait of 240 min) fixes
    // 0.45 of the start: after fix-c failed (0.55 left), 0.45 / 0.55 of what is left.
    assert_eq!(step_ids(&plan), ["fix-c", "ask-a", "ask-b"]);
    assert_eq!(plan.steps[1].to, Some(Target::Admin));
    assert_eq!(plan.steps[2].to, Some(Target::Admin));
    assert_escalation(&plan, 3, false);
    // 10 + 0.55 * 240 (one request, not two) + 0.1 * 1440 (support, when nothing helped).
    assert_close(
        plan.expected_minutes,
        10.0 + 0.55 * 240.0 + 0.1 * 1440.0,
        "ECR",
    );

    // Handed to the admin directly, the admin steps go with the hand-over, after the steps.
    let mut direct = admin_guide();
    direct.escalate.to = Target::Admin;
    let plan = diagnose(&direct, &Situation::default());
    assert_eq!(step_ids(&plan), ["fix-c", "ask-a", "ask-b"]);
    assert_eq!(plan.escalation.steps_worth_trying, 1);
    assert_eq!(plan.escalation.request, ["ask-a", "ask-b"]);
    assert_close(plan.expected_minutes, 10.0 + 0.55 * 240.0, "ECR");
}

#[test]
fn a_step_the_user_cannot_do_goes_in_the_request_not_the_skips() {
    let mut g = admin_guide();
    g.escalate.to = Target::Admin;
    let mut s = Situation::default();
    s.for_admin.push("ask-b".into());
    let plan = diagnose(&g, &s);
    assert!(!step_ids(&plan).contains(&"ask-b"));
    assert_eq!(plan.escalation.request, ["ask-b", "ask-a"]);
    // Its cause keeps its weight: nobody tried it.
    assert_probs(&probs(&g, &s), &probs(&g, &Situation::default()));
    assert_eq!(check(&g, &s), Ok(()));
}

#[test]
fn escalation_looks_ahead_over_the_whole_plan() {
    // Escalating costs 30. first (19 min, 0.5) is worth less per minute than escalating
    // (0.026 < 0.033), but once it failed, second is certain in 20 minutes:
    // 19 + 0.5 * 20 = 29 < 30. Stopping at the first step below the bar would hand over.
    let guide = with_causes("lookahead", &[("a", 1.0), ("b", 1.0)])
        .step(sure("second", 20.0, &["a"]))
        .step(sure("first", 19.0, &["b"]))
        .build();
    let plan = diagnose(&guide, &Situation::default());
    assert_eq!(step_ids(&plan), ["first", "second"]);
    assert!(plan.steps[0].probability / plan.steps[0].minutes < 1.0 / 30.0);
    assert_escalation(&plan, 2, false);
    assert_close(plan.expected_minutes, 29.0, "ECR");

    // At 21 minutes for `second` the plan costs 19 + 10.5 = 29.5: still worth it; at 23 it
    // costs 30.5, and handing over now wins.
    let mut dear = guide.clone();
    dear.steps[0].minutes = 23.0;
    let plan = diagnose(&dear, &Situation::default());
    assert_escalation(&plan, 0, true);
    assert_close(plan.expected_minutes, 30.0, "ECR");
}

/// P(option | cause) worked out here from the effects and `when`, independently of the engine.
fn likelihood(guide: &Guide, q: &Question, option: usize, cause: usize) -> f64 {
    let c = &guide.causes[cause];
    let w = |o: &Choice| -> f64 {
        if c.when.0.get(&q.id).is_some_and(|v| !v.contains(&o.value)) {
            return 0.0;
        }
        let Some(e) = guide.effect(&q.id, &o.value) else {
            return 1.0;
        };
        if e.rules_out.contains(&c.id) {
            0.0
        } else {
            let up = if e.raises.contains(&c.id) { 3.0 } else { 1.0 };
            let down = if e.lowers.contains(&c.id) { 3.0 } else { 1.0 };
            up / down
        }
    };
    let total: f64 = q.options.iter().map(w).sum();
    if total == 0.0 {
        1.0 / q.options.len() as f64
    } else {
        w(&q.options[option]) / total
    }
}

/// Each answer to `q` that can happen when the causes have chances `p`: its chance and the
/// situation once it is given.
fn answered(guide: &Guide, q: &Question, p: &[f64], s: &Situation) -> Vec<(f64, Situation)> {
    q.options
        .iter()
        .enumerate()
        .filter_map(|(o, option)| {
            let chance: f64 = (0..p.len())
                .map(|c| p[c] * likelihood(guide, q, o, c))
                .sum();
            let mut after = s.clone();
            after.answers.insert(q.id.clone(), option.value.clone());
            (chance > 0.0).then_some((chance, after))
        })
        .collect()
}

/// What a plan does first: hand over (to whom), send a request (to whom), or try a step.
fn first_action(plan: &Plan) -> String {
    match plan.steps.first() {
        _ if plan.escalation.recommended => format!("hand over to {:?}", plan.escalation.to),
        None => format!("hand over to {:?}", plan.escalation.to),
        Some(step) if step.admin => format!("request to {:?}", step.to),
        Some(step) => format!("try {}", step.id),
    }
}

/// Every question listed has the value the formula gives, above zero, best first, and some
/// answer to it changes what the plan does first; every question that applies and is not listed
/// is worth nothing, or none of its answers changes what the plan does first (doing that
/// first and asking afterwards is never worse).
fn check_question_values(context: &[Question], guide: &Guide, s: &Situation) {
    let plan = engine::diagnose(context, guide, s);
    let now = engine::plan(guide, s).expected_minutes;
    assert!((plan.expected_minutes - now).abs() < 1e-9);
    let p = engine::probabilities(guide, s);
    let answer = |q: &str| s.answer(q).map(str::to_owned);
    let mut effective = s.clone();
    effective
        .answers
        .retain(|q, _| guide.question(q).is_none_or(|q| q.when.holds(answer)));
    for q in context.iter().chain(&guide.questions) {
        if s.settled(&q.id) || !q.when.holds(answer) || p.iter().all(|x| *x == 0.0) {
            assert!(!question_ids(&plan).contains(&q.id.as_str()), "{}", q.id);
            continue;
        }
        let mut expected = 0.0;
        let first = first_action(&plan);
        let mut changes_first = false;
        for (chance, after) in answered(guide, q, &p, s) {
            let then = engine::plan(guide, &after);
            expected += chance * then.expected_minutes;
            changes_first |= first_action(&then) != first;
        }
        let value = 0.8 * (now - expected) - q.cost();
        match plan.questions.iter().find(|x| x.id == q.id) {
            Some(listed) => {
                assert!(value > 0.0, "{} listed at {value}", q.id);
                assert!(
                    changes_first,
                    "{} listed, but every answer starts with {first}",
                    q.id
                );
                assert!(
                    (listed.value_minutes - value).abs() < 1e-6,
                    "{}: {} vs {value}",
                    q.id,
                    listed.value_minutes
                );
            }
            None => assert!(
                value <= 1e-9 || !changes_first,
                "{} worth {value}, changes the first action, but not listed",
                q.id
            ),
        }
    }
    for pair in plan.questions.windows(2) {
        assert!(pair[0].value_minutes >= pair[1].value_minutes);
    }
    // Escalation is recommended exactly when no step is worth trying first.
    assert_eq!(
        plan.escalation.steps_worth_trying == 0,
        plan.escalation.recommended || plan.steps.is_empty(),
        "{:#?}",
        plan.escalation
    );
    assert!(plan.expected_minutes <= plan.escalation.minutes + 1e-9);
}

/// Bayes' rule with the answer model the question values use: before a guide question is
/// answered, the chances expected after it (Σ_o P(o)·P(c | o)) are the chances now. An update
/// that drifted would make answers look more telling than they are, and questions worth more.
fn check_no_drift(guide: &Guide, s: &Situation) {
    let now = engine::probabilities(guide, s);
    if now.iter().all(|p| *p == 0.0) {
        return;
    }
    let answer = |q: &str| s.answer(q).map(str::to_owned);
    for q in guide.questions.iter().filter(|q| q.when.holds(answer)) {
        let mut expected = vec![0.0; now.len()];
        for (chance, after) in answered(guide, q, &now, s) {
            let then = engine::probabilities(guide, &after);
            for (e, p) in expected.iter_mut().zip(then) {
                *e += chance * p;
            }
        }
        // A cause every option rules out is gone whatever the answer: only the rest add up.
        let open = |c: usize| (0..q.options.len()).any(|o| likelihood(guide, q, o, c) > 0.0);
        let everywhere = |c: usize| {
            q.options.iter().all(|o| {
                guide
                    .effect(&q.id, &o.value)
                    .is_some_and(|e| e.rules_out.contains(&guide.causes[c].id))
            })
        };
        if (0..now.len()).any(|c| now[c] > 0.0 && (everywhere(c) || !open(c))) {
            continue;
        }
        for (c, (e, p)) in expected.iter().zip(&now).enumerate() {
            assert!(
                (e - p).abs() < 1e-9,
                "{}: cause {} expected {e} after the answer, {p} now",
                q.id,
                guide.causes[c].id
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn random_guides_ask_only_questions_that_pay(guide in random_guide(), sit in situation_spec()) {
        let mut s = build_situation(&guide, &sit);
        // Leave some questions open, one of them answered "I don't know".
        let open: Vec<String> = s.answers.keys().filter(|q| guide.question(q).is_some()).cloned().collect();
        for (i, q) in open.iter().enumerate() {
            if i % 2 == 0 {
                s.answers.remove(q);
            }
            if i == 2 {
                s.unknown.push(q.clone());
            }
        }
        check_question_values(&shared_context(), &guide, &s);
    }

    #[test]
    fn random_guides_expect_no_drift_from_a_question(guide in random_guide(), sit in situation_spec()) {
        let mut s = build_situation(&guide, &sit);
        s.answers.retain(|q, _| guide.question(q).is_none());
        check_no_drift(&guide, &s);
    }

    #[test]
    fn real_guides_ask_only_questions_that_pay(
        index in any::<prop::sample::Index>(),
        picks in prop::collection::vec(any::<u8>(), 1..12),
        tried in any::<u64>().prop_map(|t| t & t.rotate_left(7) & t.rotate_left(19)),
    ) {
        let library = &*LIBRARY;
        let guide = &library.guides[index.index(library.guides.len())];
        let s = real_situation(&library.context, guide, &picks, tried, 0);
        check_question_values(&library.context, guide, &s);
        let mut unasked = s;
        unasked.answers.retain(|q, _| guide.question(q).is_none());
        check_no_drift(guide, &unasked);
    }
}
