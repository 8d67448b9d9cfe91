//! Hand-made model guides, built directly as `fieldfix::guides::model` values (no YAML), for
//! engine tests. Every field is public, so a test adjusts the defaults with struct update syntax:
//! `Step { success: 0.5, ..step("reboot", 2.0, &["glitch"]) }`.

use fieldfix::guides::model::{
    Cause, Choice, Condition, Contact, Effect, Escalate, Guide, Origin, Question, Sign, Step,
    Target, Tip,
};

/// A `when` condition: `when(&[("device", &["ios"])])`.
pub fn when(pairs: &[(&str, &[&str])]) -> Condition {
    Condition(
        pairs
            .iter()
            .map(|(q, values)| {
                (
                    q.to_string(),
                    values.iter().map(|v| v.to_string()).collect(),
                )
            })
            .collect(),
    )
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// An effect that raises these causes (x3).
pub fn raises(causes: &[&str]) -> Effect {
    Effect {
        raises: ids(causes),
        ..Effect::default()
    }
}

/// An effect that lowers these causes (/3).
pub fn lowers(causes: &[&str]) -> Effect {
    Effect {
        lowers: ids(causes),
        ..Effect::default()
    }
}

/// An effect that rules these causes out.
pub fn rules_out(causes: &[&str]) -> Effect {
    Effect {
        rules_out: ids(causes),
        ..Effect::default()
    }
}

/// An effect that only says "escalate", with this reason.
pub fn escalates(reason: &str) -> Effect {
    Effect {
        escalate: Some(reason.to_owned()),
        ..Effect::default()
    }
}

/// No effect at all.
pub fn no_effect() -> Effect {
    Effect::default()
}

/// A cause with this prior likelihood and no condition.
pub fn cause(id: &str, likelihood: f64) -> Cause {
    Cause {
        id: id.to_owned(),
        title: format!("Cause {id}"),
        explain: format!("Explains {id}."),
        likelihood,
        when: Condition::default(),
        sources: vec!["seed".to_owned()],
    }
}

/// A step with the default success (0.9), no condition and no prerequisites.
pub fn step(id: &str, minutes: f64, fixes: &[&str]) -> Step {
    Step {
        id: id.to_owned(),
        title: format!("Step {id}"),
        minutes,
        fixes: ids(fixes),
        success: 0.9,
        when: Condition::default(),
        after: Vec::new(),
        admin: false,
        role: None,
        to: None,
        risk: None,
        safeguard: false,
        sources: vec!["seed".to_owned()],
        check_files: false,
        see: None,
        actions: vec![format!("Do {id}.")],
        devices: Default::default(),
        origin: Origin::Company,
    }
}

/// A question with these options (value, effect) and no condition.
pub fn question(id: &str, options: &[(&str, Effect)]) -> Question {
    Question {
        id: id.to_owned(),
        ask: format!("Question {id}?"),
        when: Condition::default(),
        options: options
            .iter()
            .map(|(value, effect)| Choice {
                value: value.to_string(),
                label: format!("Answer {value}"),
                effect: effect.clone(),
                safeguard: false,
                sources: Vec::new(),
            })
            .collect(),
        minutes: None,
    }
}

/// A prevention tip, optionally tied to causes.
pub fn tip(text: &str, causes: &[&str]) -> Tip {
    Tip {
        tip: text.to_owned(),
        causes: ids(causes),
    }
}

/// Builds a [`Guide`] piece by piece. Starts with no causes, steps or questions and an
/// escalation that costs 30 minutes.
pub struct GuideBuilder {
    guide: Guide,
}

impl GuideBuilder {
    pub fn new(id: &str) -> Self {
        let escalate = Escalate {
            to: Target::Admin,
            targets: Target::ALL
                .into_iter()
                .map(|t| {
                    let contact = Contact {
                        contact: format!("the {}", t.id()),
                        minutes: 30.0,
                    };
                    (t, contact)
                })
                .collect(),
            signs: vec![Sign {
                sign: "It keeps happening.".to_owned(),
                to: Target::Admin,
                sources: Vec::new(),
            }],
            provide: Vec::new(),
            origin: Origin::Company,
        };
        GuideBuilder {
            guide: Guide {
                summary: "A guide made in a test.".to_owned(),
                symptoms: vec!["things break".to_owned()],
                file: format!("{id}.yaml"),
                ..Guide::new(id, &format!("Guide {id}"), escalate)
            },
        }
    }

    pub fn cause(mut self, cause: Cause) -> Self {
        self.guide.causes.push(cause);
        self
    }

    pub fn step(mut self, step: Step) -> Self {
        self.guide.steps.push(step);
        self
    }

    pub fn question(mut self, question: Question) -> Self {
        self.guide.questions.push(question);
        self
    }

    /// How a shared context answer (`device`, `network`, `scope`) moves this guide's causes.
    pub fn context(mut self, question: &str, value: &str, effect: Effect) -> Self {
        self.guide
            .context
            .entry(question.to_owned())
            .or_default()
            .insert(value.to_owned(), effect);
        self
    }

    pub fn escalate_minutes(mut self, minutes: f64) -> Self {
        let to = self.guide.escalate.to;
        if let Some(target) = self.guide.escalate.targets.get_mut(&to) {
            target.minutes = minutes;
        }
        self
    }

    pub fn tip(mut self, tip: Tip) -> Self {
        self.guide.prevent.push(tip);
        self
    }

    pub fn build(self) -> Guide {
        self.guide
    }
}

/// The shared context questions (device, network, scope) as `_context.yaml` defines them,
/// built by hand so engine tests do not depend on the loader.
pub fn shared_context() -> Vec<Question> {
    vec![
        question(
            "device",
            &[
                ("computer", no_effect()),
                ("ios", no_effect()),
                ("android", no_effect()),
            ],
        ),
        question(
            "network",
            &[
                ("good", no_effect()),
                ("weak", no_effect()),
                ("offline", no_effect()),
            ],
        ),
        question(
            "scope",
            &[("just-me", no_effect()), ("several-people", no_effect())],
        ),
    ]
}

/// A situation from answers, tried steps and skipped steps.
pub fn situation(
    answers: &[(&str, &str)],
    tried: &[&str],
    skipped: &[&str],
) -> fieldfix::engine::Situation {
    fieldfix::engine::Situation {
        answers: answers
            .iter()
            .map(|(q, v)| (q.to_string(), v.to_string()))
            .collect(),
        tried: ids(tried),
        skipped: ids(skipped),
        ..Default::default()
    }
}
