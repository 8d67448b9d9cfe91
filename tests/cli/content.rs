//! The shipped guides' promises (content you can trust): every claim sourced, nothing that can
//! lose unsynced work offered on a phone before its safeguard, hand-overs to the right person,
//! and files that read the same in every YAML tool. These test what the guides *do* (plans,
//! fields, targets), not their wording.

use std::sync::LazyLock;

use fieldfix::engine::{self, Situation};
use fieldfix::guides::model::{COMPUTER, DEVICE, Guide, Library, ProvideKind, Risk, Step, Target};
use proptest::prelude::*;

/// The built-in knowledge base, loaded once.
static LIBRARY: LazyLock<Library> =
    LazyLock::new(|| fieldfix::guides::load(None).expect("the built-in guides load"));

fn guide(id: &str) -> &'static Guide {
    LIBRARY
        .guide(id)
        .unwrap_or_else(|| panic!("no built-in guide {id}"))
}

/// Whether unsynced work is known to be safe: a safeguard step was done, or an answer that
/// applies says so. Worked out here from the guide, independently of the engine.
fn safeguarded(guide: &Guide, s: &Situation) -> bool {
    let answer = |q: &str| s.answer(q).map(str::to_owned);
    s.tried
        .iter()
        .filter_map(|id| guide.step(id))
        .any(|step| step.safeguard)
        || s.answers.iter().any(|(q, v)| {
            guide
                .question(q)
                .filter(|q| q.when.holds(answer))
                .and_then(|q| q.choice(v))
                .is_some_and(|c| c.safeguard)
        })
}

/// Whether `step` could delete unsynced work in this situation (a phone, or a device not known).
fn risky_here(step: &Step, s: &Situation) -> bool {
    step.risk == Some(Risk::LosesUnsynced) && step.on_phone() && s.answer(DEVICE) != Some(COMPUTER)
}

/// On each phone (iOS, Android), the plan's step ids for someone who said nothing else.
fn phone_plans(guide: &Guide) -> [(&'static str, Vec<String>); 2] {
    ["ios", "android"].map(|device| {
        let mut s = Situation::default();
        s.answers.insert(DEVICE.into(), device.into());
        (device, plan_ids(guide, &s))
    })
}

fn plan_ids(guide: &Guide, s: &Situation) -> Vec<String> {
    engine::diagnose(&LIBRARY.context, guide, s)
        .steps
        .into_iter()
        .map(|s| s.id)
        .collect()
}

/// Strict mode is where the guide rules that are content promises live: every cause and step
/// cites `seed`, `device` or a Procore page, and every step that can lose unsynced work on a
/// phone has a safeguard in its guide (the rules themselves: tests/library/validate.rs).
#[test]
fn the_built_in_guides_pass_validate_strict_and_read_the_same_in_yaml_1_1_tools() {
    let checked = fieldfix::guides::check_all(None, true).expect("the built-in guides load");
    let problems: Vec<String> = checked.problems.iter().map(ToString::to_string).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
    let warnings: Vec<String> = checked.warnings.iter().map(ToString::to_string).collect();
    assert!(warnings.is_empty(), "{}", warnings.join("\n\n"));
    // The same through the command line: builtin_guides_validate_with_a_one_line_summary_...
}

#[test]
fn every_guide_asks_for_the_sign_in_email_company_and_project() {
    for g in &LIBRARY.guides {
        let provide = &g.escalate.provide;
        assert!(
            provide.iter().any(|p| p.kind == ProvideKind::Email),
            "{}: no sign-in email",
            g.id
        );
        for id in ["company", "project"] {
            assert!(provide.iter().any(|p| p.id == id), "{}: no {id}", g.id);
        }
    }
}

#[test]
fn admin_steps_name_the_role_and_hand_overs_name_a_target_with_its_contact() {
    for g in &LIBRARY.guides {
        for s in g.steps.iter().filter(|s| s.admin) {
            let role = s.role.as_deref().unwrap_or_default();
            assert!(!role.is_empty(), "{}: {} names no role", g.id, s.id);
            assert!(s.to.is_some(), "{}: {} names no target", g.id, s.id);
        }
        for t in Target::ALL {
            let contact = g.escalate.target(t);
            assert!(!contact.contact.is_empty() && contact.minutes > 0.0);
        }
    }
}

#[test]
fn a_single_sign_on_answer_hands_two_step_login_to_company_it() {
    let g = guide("two-step-login");
    let (question, option) = g
        .questions
        .iter()
        .flat_map(|q| q.options.iter().map(move |o| (q, o)))
        .find(|(_, o)| o.effect.escalate_to == Some(Target::It))
        .expect("an answer that sends two-step login to company IT");
    let mut s = Situation::default();
    s.answers.insert(question.id.clone(), option.value.clone());
    let plan = engine::diagnose(&LIBRARY.context, g, &s);
    // The reason is given whether or not handing over is already the quicker way.
    assert!(
        plan.escalation
            .reasons
            .contains(option.effect.escalate.as_ref().expect("a reason")),
        "{:?}",
        plan.escalation.reasons
    );
    assert_eq!(plan.escalation.to, Target::It);
    assert_eq!(
        plan.escalation.contact,
        g.escalate.target(Target::It).contact
    );
}

#[test]
fn a_lock_is_cleared_by_a_reset_or_a_company_directory_admin_never_by_waiting() {
    let g = guide("account-locked");
    assert!(
        g.steps
            .iter()
            .all(|s| !s.title.to_lowercase().contains("wait")),
        "no step tells a locked-out user to wait"
    );
    assert!(
        g.steps.iter().any(|s| s.admin
            && s.role
                .as_deref()
                .is_some_and(|r| r.contains("Company Directory"))),
        "a Company Directory admin can unlock the account"
    );
}

#[test]
fn on_a_phone_the_wifi_only_setting_is_checked_before_trying_another_network() {
    let g = guide("photos-not-uploading");
    for (device, plan) in phone_plans(g) {
        let at = |id: &str| plan.iter().position(|s| s == id);
        let (wifi, switch) = (at("turn-off-wifi-only"), at("switch-network"));
        assert!(
            wifi.is_some(),
            "{device}: the Wi-Fi-only step is planned: {plan:?}"
        );
        assert!(
            switch.is_none_or(|switch| wifi < Some(switch)),
            "{device}: {plan:?}"
        );
    }
}

#[test]
fn budget_on_a_phone_starts_by_sending_the_user_to_a_browser() {
    let g = guide("budget-not-updating");
    for (device, plan) in phone_plans(g) {
        let first = g.step(&plan[0]).expect("a step");
        assert!(
            first.fixes.iter().any(|c| c == "phone-app"),
            "{device}: first step {} deals with Budget not being in the app",
            first.id
        );
    }
}

#[test]
fn integrations_and_scripts_are_the_likely_causes_of_429() {
    let g = guide("error-429");
    let total: f64 = g.causes.iter().map(|c| c.likelihood).sum();
    let api: f64 = g
        .causes
        .iter()
        .filter(|c| c.id == "integration" || c.id == "own-script")
        .map(|c| c.likelihood)
        .sum();
    assert!(api / total > 0.5, "{api} of {total}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    /// A walk as the wizard makes it (take the first step of the plan; it fails, or is set
    /// aside) never offers a risky step on a phone, or on a device not known, before a safeguard
    /// step was done or a safeguard answer given; and no plan lists one before its safeguard.
    #[test]
    fn no_walk_offers_a_step_that_loses_work_before_its_safeguard(
        index in any::<prop::sample::Index>(),
        picks in prop::collection::vec(any::<u8>(), 1..12),
        skips in prop::collection::vec(any::<bool>(), 40),
    ) {
        let library = &*LIBRARY;
        let g = &library.guides[index.index(library.guides.len())];
        let mut s = Situation::default();
        for (q, &pick) in library.context.iter().chain(&g.questions).zip(picks.iter().cycle()) {
            if let Some(option) = q.options.get(pick as usize % (q.options.len() + 1)) {
                s.answers.insert(q.id.clone(), option.value.clone());
            }
        }
        for skip in &skips {
            let plan = engine::diagnose(&library.context, g, &s);
            let mut safe = safeguarded(g, &s);
            for ranked in &plan.steps {
                let step = g.step(&ranked.id).expect("a step of the guide");
                prop_assert!(
                    safe || !risky_here(step, &s),
                    "{}: {} planned before any safeguard ({:?})", g.id, step.id, s
                );
                safe |= step.safeguard;
            }
            let Some(next) = plan.steps.first() else { break };
            if *skip {
                s.skipped.push(next.id.clone());
            } else {
                s.tried.push(next.id.clone());
            }
        }
    }
}

#[test]
fn the_guides_added_for_everyday_problems_link_both_ways() {
    let added = [
        "emails-not-arriving",
        "two-step-login",
        "daily-log-not-showing",
        "document-locked",
        "drawings-not-showing",
    ];
    for id in added {
        let g = guide(id);
        assert!(!g.related.is_empty(), "{id} links somewhere");
        for other in &g.related {
            assert!(
                guide(other).related.iter().any(|r| r == id),
                "{id} links to {other}, but not back"
            );
        }
        for other in LIBRARY
            .guides
            .iter()
            .filter(|o| o.related.iter().any(|r| r == id))
        {
            assert!(
                g.related.contains(&other.id),
                "{} links to {id}, but not back",
                other.id
            );
        }
    }
}
