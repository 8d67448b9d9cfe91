//! Shared helpers: running the real binary, temporary guide folders, small hand-made guides.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// The `fieldfix` binary with a clean environment: no colour, no company guides, a private
/// state folder.
pub fn fieldfix(state: &Path) -> Command {
    let mut cmd = Command::cargo_bin("fieldfix").expect("the fieldfix binary is built");
    cmd.env_remove("FIELDFIX_GUIDES")
        .env_remove("FIELDFIX_NO_LOG")
        .env("NO_COLOR", "1")
        .env("FIELDFIX_STATE_DIR", state)
        .env("FIELDFIX_CACHE_DIR", state.join("cache"))
        .current_dir(state);
    cmd
}

/// `fieldfix --guides DIR show GUIDE --format json`, which must succeed, as JSON.
pub fn show_json(state: &Path, guides: &Path, guide: &str) -> serde_json::Value {
    let out = fieldfix(state)
        .arg("--guides")
        .arg(guides)
        .args(["show", guide, "--format", "json"])
        .output()
        .expect("run fieldfix");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("show prints JSON")
}

/// A guide cache file's text with its checksum line recomputed for its (edited) body, as an
/// attacker or a careless edit could.
pub fn reseal_cache(text: &str) -> String {
    use sha2::Digest;
    let (_, body) = text.split_once('\n').expect("a checksum line");
    let sum: String = sha2::Sha256::digest(body.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("fieldfix-guide-cache {sum}\n{body}")
}

/// Asserts that `bytes` (a command's stdout or stderr) hold no control character but line
/// breaks and tabs, and no bidirectional control: nothing that could drive a terminal.
pub fn assert_printable(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    let unsafe_char = |c: char| {
        (c.is_control() && c != '\n' && c != '\t')
            || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
    };
    if let Some(c) = text.chars().find(|&c| unsafe_char(c)) {
        panic!(
            "{what} holds the control character {}:\n{text}",
            c.escape_unicode()
        );
    }
}

/// A temporary folder that holds guide files.
pub struct GuideDir {
    pub dir: tempfile::TempDir,
}

impl GuideDir {
    pub fn new() -> Self {
        GuideDir {
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `name` with `text`; returns its path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let path = self.dir.path().join(name);
        std::fs::write(&path, text).expect("write guide");
        path
    }
}

/// A small valid guide with the given id, for tests to modify.
pub fn minimal_guide(id: &str) -> String {
    format!(
        r#"id: {id}
title: Test problem
summary: A problem used in tests.
aliases: []
symptoms: [things break]
escalate:
  contact: the admin
  minutes: 30
  signs:
    - sign: It keeps happening.
  provide:
    - id: project
      label: Project name
causes:
  - id: first
    title: First cause
    explain: The first reason.
    likelihood: 60
  - id: second
    title: Second cause
    explain: The second reason.
    likelihood: 40
questions:
  - id: which
    ask: Which one is it?
    options:
      - value: one
        label: The first
        raises: [first]
      - value: two
        label: The second
        rules_out: [first]
steps:
  - id: fix-first
    title: Fix the first
    minutes: 5
    fixes: [first]
    do: [Do the first thing.]
  - id: fix-second
    title: Fix the second
    minutes: 5
    fixes: [second]
    do: [Do the second thing.]
prevent:
  - tip: Be careful.
related: []
"#
    )
}

// ---------------------------------------------------------------------------------------------
// Hand-made model guides, built directly as `fieldfix::guides::model` values (no YAML), for
// engine tests. Every field is public, so a test adjusts the defaults with struct update syntax:
// `Step { success: 0.5, ..step("reboot", 2.0, &["glitch"]) }`.

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
        GuideBuilder {
            guide: Guide {
                id: id.to_owned(),
                title: format!("Guide {id}"),
                summary: "A guide made in a test.".to_owned(),
                sources: Vec::new(),
                aliases: Vec::new(),
                symptoms: vec!["things break".to_owned()],
                escalate: Escalate {
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
                },
                causes: Vec::new(),
                context: Default::default(),
                questions: Vec::new(),
                steps: Vec::new(),
                prevent: Vec::new(),
                related: Vec::new(),
                origin: Origin::Company,
                file: format!("{id}.yaml"),
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
