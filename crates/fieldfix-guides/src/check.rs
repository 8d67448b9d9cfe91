//! The validator: checks a parsed guide file rule by rule, collecting every problem with its
//! location, and turns a clean file into the plain model.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde_saphyr::{Location, Spanned};

use crate::model::{
    Cause, Choice, Condition, Contact, DEVICE, Effect, Escalate, Guide, Origin, Provide, Question,
    Risk, Sign, Step, Target, Tip, Vocabulary, normal_words,
};
use crate::problem::Problem;
use crate::raw::{
    RawChoice, RawContext, RawEffect, RawEscalateOverride, RawGuide, RawOverride, RawProvide,
    RawQuestion, RawSign, RawStep, RawVocabulary, Text, When,
};
use crate::suggest;
use crate::text::forbidden_char;

/// Default chance that a step fixes its cause when that cause is the real one.
pub const DEFAULT_SUCCESS: f64 = 0.9;

/// What a guide may refer to outside itself, and how strictly it is checked.
pub struct Known<'a> {
    pub context: &'a [Question],
    pub guide_ids: &'a BTreeSet<String>,
    /// The shared hand-over targets.
    pub targets: &'a BTreeMap<Target, Contact>,
    /// Also require `sources` on every cause and step, and Procore's own pages as the only
    /// web sources (`fieldfix validate --strict`; the built-in guides always are).
    pub strict: bool,
}

/// The sites whose pages a built-in guide may cite: Procore's own.
pub const PROCORE_HOSTS: &[&str] = &[
    "support.procore.com",
    "v2.support.procore.com",
    "en-gb.support.procore.com",
    "en-ca.support.procore.com",
    "en-au.support.procore.com",
    "developers.procore.com",
    "procore.github.io",
    "status.procore.com",
];

/// The host of an `https://` address, when it is one.
pub fn https_host(source: &str) -> Option<&str> {
    let rest = source.strip_prefix("https://")?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    (!host.is_empty()).then_some(host)
}

/// Collects the problems of one file.
struct Checker<'a> {
    file: &'a str,
    src: &'a str,
    problems: Vec<Problem>,
}

fn sorted<V>(map: &HashMap<Text, V>) -> Vec<(&Text, &V)> {
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.value.cmp(&b.0.value));
    entries
}

/// The largest likelihood or number of minutes a guide may give.
pub const MAX_NUMBER: f64 = 1_000_000.0;

impl<'a> Checker<'a> {
    fn new(file: &'a str, src: &'a str) -> Self {
        Checker {
            file,
            src,
            problems: Vec::new(),
        }
    }

    /// `value`, when no problem was found.
    fn finish<T>(self, value: T) -> Result<T, Vec<Problem>> {
        if self.problems.is_empty() {
            Ok(value)
        } else {
            Err(self.problems)
        }
    }

    fn report(&mut self, loc: Location, message: impl Into<String>) {
        self.problems
            .push(Problem::at(self.file, self.src, loc, message));
    }

    /// Non-empty, printable text on one line.
    fn one_line(&mut self, text: &Text, what: &str) -> String {
        let value = self.text(text, what);
        if value.contains('\n') {
            self.report(text.referenced, format!("{what} must be on one line"));
        }
        value
    }

    /// Non-empty, printable text.
    fn text(&mut self, text: &Text, what: &str) -> String {
        if let Some(problem) = text_problem(&text.value, what) {
            self.report(text.referenced, problem);
        }
        text.value.trim().to_owned()
    }

    /// Text shown on one line (a title, a label, a name, a contact): [`text`](Self::text)
    /// without a line break, so it cannot forge a second line (a `Bcc:` header after a
    /// contact, a heading in a page).
    fn line(&mut self, text: &Text, what: &str) -> String {
        if let Some(problem) = line_problem(&text.value, what) {
            self.report(text.referenced, problem);
        }
        text.value.trim().to_owned()
    }

    fn lines(&mut self, texts: &[Text], what: &str) -> Vec<String> {
        texts.iter().map(|t| self.line(t, what)).collect()
    }

    fn texts(&mut self, texts: &[Text], what: &str) -> Vec<String> {
        texts.iter().map(|t| self.text(t, what)).collect()
    }

    /// An id: lowercase letters, digits and single dashes.
    fn id(&mut self, id: &Text, what: &str) -> String {
        if let Some(problem) = id_problem(&id.value, what) {
            self.report(id.referenced, problem);
        }
        id.value.clone()
    }

    /// Reports every id that appears twice; returns the set of ids.
    fn unique<'t>(
        &mut self,
        ids: impl IntoIterator<Item = &'t Text>,
        what: &str,
    ) -> BTreeSet<String> {
        let mut seen = BTreeMap::new();
        for id in ids {
            if let Some(first) = seen.insert(id.value.clone(), id.referenced) {
                seen.insert(id.value.clone(), first);
                self.report(
                    id.referenced,
                    format!(
                        "duplicate {what} `{}` (first defined on line {})",
                        id.value,
                        first.line()
                    ),
                );
            }
        }
        seen.into_keys().collect()
    }

    /// Reports every reference that is not in `known`.
    fn refs(&mut self, refs: &[Text], known: &BTreeSet<String>, what: &str) -> Vec<String> {
        for r in refs {
            if !known.contains(&r.value) {
                let hint = suggest::hint(&r.value, known.iter().map(String::as_str));
                let valid = if hint.is_empty() {
                    format!(" (known: {})", list(known.iter()))
                } else {
                    hint
                };
                self.report(
                    r.referenced,
                    format!("unknown {what}: `{}`{valid}", r.value),
                );
            }
        }
        refs.iter().map(|r| r.value.clone()).collect()
    }

    /// A `sources` list: each entry `seed`, `device` or an `https://` address (in strict mode,
    /// of a Procore page). With `required` (strict mode, causes and steps), an empty list is a
    /// problem at `at`.
    fn sources(
        &mut self,
        sources: &[Text],
        strict: bool,
        required: Option<(Location, &str)>,
    ) -> Vec<String> {
        if let Some((at, what)) = required
            && strict
            && sources.is_empty()
        {
            self.report(
                at,
                format!("{what} has no `sources`: say where it comes from (`seed`, `device`, or the https:// address of the Procore page it was read on)"),
            );
        }
        for source in sources {
            if let Some(problem) = source_problem(&source.value, strict) {
                self.report(source.referenced, problem);
            }
        }
        sources.iter().map(|t| t.value.trim().to_owned()).collect()
    }

    /// A hand-over target named in a guide (`admin`, `support` or `it`); `default` when not set.
    fn target(&mut self, raw: Option<&Text>, default: Target) -> Target {
        let Some(raw) = raw else { return default };
        Target::from_id(raw.value.trim()).unwrap_or_else(|| {
            let ids = Target::ALL.map(Target::id);
            let hint = suggest::hint(&raw.value, ids.iter().copied());
            self.report(
                raw.referenced,
                format!(
                    "unknown hand-over target `{}`{hint} (valid: {})",
                    crate::text::sanitize(&raw.value),
                    ids.join(", ")
                ),
            );
            default
        })
    }

    /// Escalation signs, each with its target.
    fn signs(&mut self, signs: &[RawSign], to: Target, strict: bool) -> Vec<Sign> {
        signs
            .iter()
            .map(|s| Sign {
                sign: self.text(&s.sign, "escalation sign"),
                to: self.target(s.to.as_ref(), to),
                sources: self.sources(&s.sources, strict, None),
            })
            .collect()
    }

    fn provide(&mut self, provide: &[RawProvide]) -> Vec<Provide> {
        provide
            .iter()
            .map(|p| Provide {
                id: self.id(&p.id, "provide id"),
                label: self.line(&p.label, "provide label"),
                kind: p.kind,
            })
            .collect()
    }

    /// A number greater than 0 and at most [`MAX_NUMBER`], so sums and products of them stay
    /// finite (a likelihood of `1e308` would make every probability `NaN`).
    fn positive(&mut self, n: &Spanned<f64>, what: &str) -> f64 {
        if let Some(problem) = positive_problem(n.value, what) {
            self.report(n.referenced, problem);
        }
        n.value
    }

    /// A step's device-specific lines (`on:`), each device one the `device` question offers.
    fn device_lines(
        &mut self,
        lines_by_device: &HashMap<Text, Vec<Text>>,
        devices: &BTreeSet<String>,
    ) -> BTreeMap<String, Vec<String>> {
        let mut out = BTreeMap::new();
        for (device, lines) in sorted(lines_by_device) {
            if !devices.contains(&device.value) {
                let hint = suggest::hint(&device.value, devices.iter().map(String::as_str));
                self.report(
                    device.referenced,
                    format!(
                        "`devices` names unknown device `{}`{hint} (valid: {})",
                        device.value,
                        list(devices.iter())
                    ),
                );
            }
            out.insert(device.value.clone(), self.texts(lines, "step line"));
        }
        out
    }

    fn effect(&mut self, raw: &RawEffect, causes: &BTreeSet<String>) -> Effect {
        if let (Some(to), None) = (&raw.escalate_to, &raw.escalate) {
            self.report(
                to.referenced,
                "`escalate_to` needs an `escalate` reason beside it",
            );
        }
        Effect {
            raises: self.refs(&raw.raises, causes, "cause in `raises`"),
            lowers: self.refs(&raw.lowers, causes, "cause in `lowers`"),
            rules_out: self.refs(&raw.rules_out, causes, "cause in `rules_out`"),
            escalate: raw
                .escalate
                .as_ref()
                .map(|t| self.text(t, "escalate reason")),
            escalate_to: raw
                .escalate_to
                .as_ref()
                .map(|t| self.target(Some(t), Target::Admin)),
        }
    }

    /// A condition: every key a known question, every value one of its values.
    fn when(&mut self, when: &When, questions: &BTreeMap<String, Vec<String>>) -> Condition {
        let mut out = BTreeMap::new();
        for (key, values) in sorted(when) {
            match questions.get(&key.value) {
                None => {
                    let hint = suggest::hint(&key.value, questions.keys().map(String::as_str));
                    self.report(
                        key.referenced,
                        format!("`when` names unknown question `{}`{hint}", key.value),
                    );
                }
                Some(valid) => {
                    let valid_set: BTreeSet<String> = valid.iter().cloned().collect();
                    self.refs(values, &valid_set, &format!("value of `{}`", key.value));
                    if values.is_empty() {
                        self.report(
                            key.referenced,
                            format!("`when: {}` lists no values", key.value),
                        );
                    }
                }
            }
            out.insert(
                key.value.clone(),
                values.iter().map(|v| v.value.clone()).collect(),
            );
        }
        Condition(out)
    }

    /// A question; `earlier` are the values an earlier context file already gave it.
    fn question(
        &mut self,
        raw: &RawQuestion,
        causes: &BTreeSet<String>,
        questions: &BTreeMap<String, Vec<String>>,
        earlier: &[&str],
        strict: bool,
    ) -> Question {
        let id = self.id(&raw.id, "question id");
        let options = raw.options.len()
            + earlier
                .iter()
                .filter(|v| !raw.options.iter().any(|o| o.value.value == **v))
                .count();
        if options < 2 {
            self.report(
                raw.id.referenced,
                format!("question `{id}` needs at least two options"),
            );
        }
        self.unique(
            raw.options.iter().map(|o| &o.value),
            &format!("option value in question `{id}`"),
        );
        if raw.when.keys().any(|k| k.value == id) {
            self.report(
                raw.id.referenced,
                format!("question `{id}` depends on itself in `when`"),
            );
        }
        let options = raw
            .options
            .iter()
            .map(|o: &RawChoice| Choice {
                value: self.id(&o.value, "option value"),
                label: self.line(&o.label, "option label"),
                effect: self.effect(
                    &RawEffect {
                        raises: o.raises.clone(),
                        lowers: o.lowers.clone(),
                        rules_out: o.rules_out.clone(),
                        escalate: o.escalate.clone(),
                        escalate_to: o.escalate_to.clone(),
                    },
                    causes,
                ),
                safeguard: o.safeguard,
                sources: self.sources(&o.sources, strict, None),
            })
            .collect();
        Question {
            id,
            ask: self.line(&raw.ask, "question"),
            when: self.when(&raw.when, questions),
            options,
            minutes: raw
                .minutes
                .as_ref()
                .map(|m| self.positive(m, "question minutes")),
        }
    }
}

// ------------------------------------------------------------------------------------------
// The rules on single values, shared by the checker of a guide file (which adds the location)
// and the check of a finished library ([`crate::sound`]): each says what is wrong, or nothing.

/// Text: not empty, no control character or direction control (a line break is fine).
pub(crate) fn text_problem(value: &str, what: &str) -> Option<String> {
    if value.trim().is_empty() {
        Some(format!("{what} is empty"))
    } else {
        forbidden_char(value).map(|c| format!(
            "{what} contains the control character {} (terminal escape sequences and control characters are not allowed in guide text)",
            c.escape_unicode()
        ))
    }
}

/// Text shown on one line: [`text_problem`], and no line break.
pub(crate) fn line_problem(value: &str, what: &str) -> Option<String> {
    text_problem(value, what).or_else(|| {
        value.trim().contains('\n').then(|| format!(
            "{what} must be one line, but it holds a line break: write it on one line (a long value may be folded with `>`)"
        ))
    })
}

/// An id: lowercase letters, digits and single dashes.
pub(crate) fn id_problem(v: &str, what: &str) -> Option<String> {
    (!crate::text::is_id(v)).then(|| format!(
        "{what} `{}` is not a valid id: use lowercase letters, digits and single dashes, like `weak-signal`",
        crate::text::sanitize(v)
    ))
}

/// A guide id whose page would replace a file export writes for itself.
pub(crate) fn reserved_problem(id: &str) -> Option<String> {
    crate::model::export_file_taken(id).map(|file| format!(
        "guide id `{id}` is reserved: `fieldfix export` writes its own {file}, which this guide's page would replace; choose another id"
    ))
}

/// A `sources` entry: `seed`, `device` or an `https://` address (in strict mode, of a Procore
/// page).
pub(crate) fn source_problem(source: &str, strict: bool) -> Option<String> {
    let v = source.trim();
    if v == "seed" || v == "device" {
        return None;
    }
    match https_host(v) {
        // Only characters an address may hold as written: no `<`, `>`, quotes or backslashes
        // that could end a link in a page and start markup.
        Some(host)
            if v.chars()
                .all(|c| c.is_ascii_graphic() && !"<>\"\\{}|^`".contains(c)) =>
        {
            (strict && !PROCORE_HOSTS.contains(&host)).then(|| {
                format!(
                    "`{}` is not a Procore page: cite one of {} (or `seed` / `device`)",
                    crate::text::sanitize(host),
                    PROCORE_HOSTS.join(", ")
                )
            })
        }
        _ => Some(format!(
            "source `{}` is not valid: use `seed` (the source articles), `device` (phone or computer knowledge) or a page address starting with https://",
            crate::text::sanitize(v)
        )),
    }
}

/// A number greater than 0 and at most [`MAX_NUMBER`], so sums and products of them stay
/// finite (a likelihood of `1e308` would make every probability `NaN`).
pub(crate) fn positive_problem(n: f64, what: &str) -> Option<String> {
    if !n.is_finite() || n <= 0.0 {
        Some(format!("{what} must be a number greater than 0, found {n}"))
    } else if n > MAX_NUMBER {
        Some(format!("{what} must be at most {MAX_NUMBER}, found {n:?}"))
    } else {
        None
    }
}

/// A step's chance of success: above 0, at most 1.
pub(crate) fn success_problem(n: f64) -> Option<String> {
    (!(n > 0.0 && n <= 1.0))
        .then(|| format!("success must be a number above 0 and at most 1, found {n}"))
}

fn list<'a>(items: impl Iterator<Item = &'a String>) -> String {
    let items: Vec<&str> = items.map(String::as_str).collect();
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}

/// Checks a `_vocabulary.yaml` and adds its entries to `vocabulary` (the built-in one, and any
/// earlier file's): a term may gain variants, but a variant means one term only, or search
/// could not tell which one a user meant.
pub fn vocabulary(
    file: &str,
    src: &str,
    raw: &RawVocabulary,
    vocabulary: &mut Vocabulary,
) -> Result<(), Vec<Problem>> {
    let mut c = Checker::new(file, src);
    for (term, variants) in sorted(&raw.terms) {
        let name = normal_words(&c.one_line(term, "vocabulary term"));
        for variant in variants {
            let said = normal_words(&c.one_line(variant, "vocabulary variant"));
            if said.is_empty() || said == name {
                continue;
            }
            match vocabulary.term_of_plural(&said) {
                Some(other) if other != name => c.report(
                    variant.referenced,
                    format!(
                        "`{said}` is listed under `{other}` already, so it cannot also mean `{name}` (a word stands for one term)"
                    ),
                ),
                Some(_) => {}
                None => vocabulary.terms.entry(name.clone()).or_default().push(said),
            }
        }
        vocabulary.terms.entry(name).or_default();
    }
    c.finish(())
}

/// Checks a `_context.yaml`; `earlier` are the questions of the context files before it, which
/// this one may add options to.
pub fn context(
    file: &str,
    src: &str,
    raw: &RawContext,
    earlier: &[Question],
    targets: &mut BTreeMap<Target, Contact>,
) -> Result<Vec<Question>, Vec<Problem>> {
    let mut c = Checker::new(file, src);
    c.unique(raw.questions.iter().map(|q| &q.id), "context question id");
    let none = BTreeSet::new();
    let mut known = BTreeMap::new();
    let questions: Vec<Question> = raw
        .questions
        .iter()
        .map(|q| {
            let before = earlier
                .iter()
                .find(|e| e.id == q.id.value)
                .map(Question::values)
                .unwrap_or_default();
            let question = c.question(q, &none, &known, &before, false);
            known.insert(
                question.id.clone(),
                question.values().iter().map(|v| v.to_string()).collect(),
            );
            question
        })
        .collect();
    for (id, raw) in sorted(&raw.targets) {
        let target = c.target(Some(id), Target::Admin);
        let contact = raw.contact.as_ref().map(|t| c.line(t, "target contact"));
        let minutes = raw
            .minutes
            .as_ref()
            .map(|m| c.positive(m, "target minutes"));
        match (targets.get_mut(&target), contact, minutes) {
            (Some(known), contact, minutes) => {
                if let Some(contact) = contact {
                    known.contact = contact;
                }
                if let Some(minutes) = minutes {
                    known.minutes = minutes;
                }
            }
            (None, Some(contact), Some(minutes)) => {
                targets.insert(target, Contact { contact, minutes });
            }
            (None, _, _) => c.report(
                id.referenced,
                format!(
                    "target `{}` needs both `contact` and `minutes` the first time it is defined",
                    target.id()
                ),
            ),
        }
    }
    c.finish(questions)
}

/// Checks one guide file against the rules in `docs/guide-format.md`; a clean file becomes a
/// [`Guide`].
pub fn guide(
    file: &str,
    stem: &str,
    src: &str,
    raw: &RawGuide,
    known: &Known,
    origin: Origin,
) -> Result<Guide, Vec<Problem>> {
    let mut c = Checker::new(file, src);
    let (id, cause_ids, step_ids) = check_ids(&mut c, raw, stem);
    let questions = condition_values(&mut c, raw, known);
    let causes = guide_causes(&mut c, raw, known, &questions);
    let context = guide_context(&mut c, raw, known, &cause_ids);
    let guide_questions = raw
        .questions
        .iter()
        .map(|q| c.question(q, &cause_ids, &questions, &[], known.strict))
        .collect();

    let devices: BTreeSet<String> = questions
        .get(DEVICE)
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .collect();
    let names = StepNames {
        questions: &questions,
        devices: &devices,
        causes: &cause_ids,
        steps: &step_ids,
    };
    let steps: Vec<Step> = raw
        .steps
        .iter()
        .map(|x| step(&mut c, x, known, &names, origin))
        .collect();
    check_guards(&mut c, raw, &steps);
    check_unfixed_causes(&mut c, raw);
    check_cycles(&mut c, raw);

    let escalate = escalate(&mut c, raw, known, origin);
    let prevent = prevent(&mut c, raw, &cause_ids);
    let related = related(&mut c, raw, known, &id);

    let guide = Guide {
        title: c.line(&raw.title, "title"),
        summary: c.text(&raw.summary, "summary"),
        sources: c.sources(&raw.sources, known.strict, None),
        aliases: raw
            .aliases
            .iter()
            .map(|a| c.line(a, "alias").to_lowercase())
            .collect(),
        symptoms: c.lines(&raw.symptoms, "symptom"),
        escalate,
        causes,
        context,
        questions: guide_questions,
        steps,
        prevent,
        related,
        origin,
        file: file.to_owned(),
        id,
    };
    c.finish(guide)
}

/// The guide id (which must match the file name), and the cause and step ids, each reported
/// when given twice; a guide needs at least one cause and one step.
fn check_ids(
    c: &mut Checker,
    raw: &RawGuide,
    stem: &str,
) -> (String, BTreeSet<String>, BTreeSet<String>) {
    let id = c.id(&raw.id, "guide id");
    if id != stem {
        c.report(
            raw.id.referenced,
            format!("guide id `{id}` does not match its file name `{stem}`: name the file `{id}.yaml` or change the id"),
        );
    }
    if let Some(problem) = reserved_problem(&id) {
        c.report(raw.id.referenced, problem);
    }
    let cause_ids = c.unique(raw.causes.iter().map(|x| &x.id), "cause id");
    let step_ids = c.unique(raw.steps.iter().map(|x| &x.id), "step id");
    c.unique(raw.questions.iter().map(|x| &x.id), "question id");
    c.unique(raw.escalate.provide.iter().map(|x| &x.id), "provide id");
    if raw.causes.is_empty() {
        c.report(
            raw.id.referenced,
            "the guide has no causes: add at least one under `causes:`",
        );
    }
    if raw.steps.is_empty() {
        c.report(
            raw.id.referenced,
            "the guide has no steps: add at least one under `steps:`",
        );
    }
    (id, cause_ids, step_ids)
}

/// Every question a condition may name (the shared context questions and the guide's own),
/// with its values.
fn condition_values(
    c: &mut Checker,
    raw: &RawGuide,
    known: &Known,
) -> BTreeMap<String, Vec<String>> {
    let mut questions: BTreeMap<String, Vec<String>> = known
        .context
        .iter()
        .map(|q| {
            (
                q.id.clone(),
                q.values().iter().map(|v| v.to_string()).collect(),
            )
        })
        .collect();
    for q in &raw.questions {
        if known.context.iter().any(|cq| cq.id == q.id.value) {
            c.report(
                q.id.referenced,
                format!("question id `{}` is a shared context question: use the guide's `context:` section for it", q.id.value),
            );
        }
        questions
            .entry(q.id.value.clone())
            .or_insert_with(|| q.options.iter().map(|o| o.value.value.clone()).collect());
    }
    questions
}

fn guide_causes(
    c: &mut Checker,
    raw: &RawGuide,
    known: &Known,
    questions: &BTreeMap<String, Vec<String>>,
) -> Vec<Cause> {
    raw.causes
        .iter()
        .map(|x| Cause {
            id: c.id(&x.id, "cause id"),
            title: c.line(&x.title, "cause title"),
            explain: c.text(&x.explain, "cause explanation"),
            likelihood: c.positive(&x.likelihood, "likelihood"),
            when: c.when(&x.when, questions),
            sources: c.sources(
                &x.sources,
                known.strict,
                Some((x.id.referenced, &format!("cause `{}`", x.id.value))),
            ),
        })
        .collect()
}

/// What the answers to the shared context questions do in this guide.
fn guide_context(
    c: &mut Checker,
    raw: &RawGuide,
    known: &Known,
    cause_ids: &BTreeSet<String>,
) -> BTreeMap<String, BTreeMap<String, Effect>> {
    let mut context = BTreeMap::new();
    for (question, answers) in sorted(&raw.context) {
        let Some(q) = known.context.iter().find(|q| q.id == question.value) else {
            let hint = suggest::hint(&question.value, known.context.iter().map(|q| q.id.as_str()));
            c.report(
                question.referenced,
                format!(
                    "`context` names unknown context question `{}`{hint}",
                    question.value
                ),
            );
            continue;
        };
        let mut effects = BTreeMap::new();
        for (value, effect) in sorted(answers) {
            if q.choice(&value.value).is_none() {
                let hint = suggest::hint(&value.value, q.values());
                c.report(
                    value.referenced,
                    format!(
                        "`{}` has no value `{}`{hint} (valid: {})",
                        q.id,
                        value.value,
                        q.values().join(", ")
                    ),
                );
            }
            effects.insert(value.value.clone(), c.effect(effect, cause_ids));
        }
        context.insert(q.id.clone(), effects);
    }
    context
}

/// The ids a step may name: questions (with their values) and devices in its conditions, causes
/// it fixes, steps it comes after.
struct StepNames<'n> {
    questions: &'n BTreeMap<String, Vec<String>>,
    devices: &'n BTreeSet<String>,
    causes: &'n BTreeSet<String>,
    steps: &'n BTreeSet<String>,
}

fn step(c: &mut Checker, x: &RawStep, known: &Known, names: &StepNames, origin: Origin) -> Step {
    let step_id = c.id(&x.id, "step id");
    if x.fixes.is_empty() {
        c.report(
            x.id.referenced,
            format!("step `{step_id}` fixes nothing: list the causes it resolves under `fixes:`"),
        );
    }
    let success = step_success(c, x.success.as_ref()).unwrap_or(DEFAULT_SUCCESS);
    if x.actions.is_empty() && x.devices.is_empty() {
        c.report(
            x.id.referenced,
            format!("step `{step_id}` says nothing to do: add lines under `do:` or `devices:`"),
        );
    }
    let lines_by_device = c.device_lines(&x.devices, names.devices);
    let role = x.admin.as_ref().map(|role| {
            let text = c.line(role, "admin role");
            if matches!(text.to_lowercase().as_str(), "true" | "false" | "yes" | "no") {
                c.report(
                    role.referenced,
                    "`admin` names the role that must do the step, like `admin: Drawings admin` or `admin: Company Directory admin`",
                );
            }
            text
        });
    if let (Some(to), None) = (&x.to, &x.admin) {
        c.report(
            to.referenced,
            "`to` says who does an admin step: add `admin: ROLE` beside it",
        );
    }
    let risk = step_risk(c, x);
    if x.after.iter().any(|a| a.value == step_id) {
        c.report(
            x.id.referenced,
            format!("step `{step_id}` lists itself in `after`"),
        );
    }
    let see = x.see.as_ref().map(|s| {
        c.refs(std::slice::from_ref(s), known.guide_ids, "guide in `see`");
        s.value.clone()
    });
    Step {
        title: c.line(&x.title, "step title"),
        minutes: c.positive(&x.minutes, "minutes"),
        fixes: c.refs(&x.fixes, names.causes, "cause in `fixes`"),
        success,
        when: c.when(&x.when, names.questions),
        after: c.refs(&x.after, names.steps, "step in `after`"),
        admin: role.is_some(),
        to: role
            .is_some()
            .then(|| c.target(x.to.as_ref(), Target::Admin)),
        role,
        risk,
        safeguard: x.safeguard,
        sources: c.sources(
            &x.sources,
            known.strict,
            Some((x.id.referenced, &format!("step `{step_id}`"))),
        ),
        check_files: x.check_files,
        see,
        actions: c.texts(&x.actions, "step line"),
        devices: lines_by_device,
        origin,
        id: step_id,
    }
}

/// A step's chance of success as given: above 0 and at most 1 (`None` when not given).
fn step_success(c: &mut Checker, success: Option<&Spanned<f64>>) -> Option<f64> {
    let s = success?;
    if let Some(problem) = success_problem(s.value) {
        c.report(s.referenced, problem);
    }
    Some(s.value)
}

/// The risk a step declares, if it is a known one.
fn step_risk(c: &mut Checker, x: &RawStep) -> Option<Risk> {
    x.risk.as_ref().and_then(|r| match r.value.trim() {
        "loses-unsynced" => Some(Risk::LosesUnsynced),
        other => {
            c.report(
                r.referenced,
                format!(
                    "unknown risk `{}` (valid: loses-unsynced)",
                    crate::text::sanitize(other)
                ),
            );
            None
        }
    })
}

/// A cause no step fixes can never be resolved by the walk-through.
fn check_unfixed_causes(c: &mut Checker, raw: &RawGuide) {
    for x in &raw.causes {
        if !raw
            .steps
            .iter()
            .any(|s| s.fixes.iter().any(|f| f.value == x.id.value))
        {
            c.report(
                x.id.referenced,
                format!(
                    "no step fixes cause `{}`: add it to the `fixes:` of a step",
                    x.id.value
                ),
            );
        }
    }
}

/// Who the guide hands over to, with this guide's contact and time for them, the signs that
/// call for it, and what to provide.
fn escalate(c: &mut Checker, raw: &RawGuide, known: &Known, origin: Origin) -> Escalate {
    let to = c.target(raw.escalate.to.as_ref(), Target::Admin);
    let mut targets = known.targets.clone();
    if let Some(target) = targets.get_mut(&to) {
        if let Some(contact) = &raw.escalate.contact {
            target.contact = c.line(contact, "escalation contact");
        }
        if let Some(minutes) = &raw.escalate.minutes {
            target.minutes = c.positive(minutes, "escalation minutes");
        }
    }
    Escalate {
        to,
        targets,
        signs: c.signs(&raw.escalate.signs, to, known.strict),
        provide: c.provide(&raw.escalate.provide),
        origin,
    }
}

/// The prevention tips, each with the causes it prevents.
fn prevent(c: &mut Checker, raw: &RawGuide, cause_ids: &BTreeSet<String>) -> Vec<Tip> {
    raw.prevent
        .iter()
        .map(|t| Tip {
            tip: c.text(&t.tip, "prevention tip"),
            causes: c.refs(&t.causes, cause_ids, "cause in prevention tip"),
        })
        .collect()
}

/// The related guides (none of them this one, nor any step's `see`).
fn related(c: &mut Checker, raw: &RawGuide, known: &Known, id: &str) -> Vec<String> {
    for r in raw
        .related
        .iter()
        .chain(raw.steps.iter().filter_map(|s| s.see.as_ref()))
    {
        if r.value == id {
            c.report(r.referenced, format!("guide `{id}` links to itself"));
        }
    }
    c.refs(&raw.related, known.guide_ids, "guide in `related`")
}

/// A step that can lose work not yet uploaded, and that can be offered on a phone, needs a
/// safeguard in its guide: a step or an answer that makes sure that work is safe first.
fn check_guards(c: &mut Checker, raw: &RawGuide, steps: &[Step]) {
    let guarded = steps.iter().any(|s| s.safeguard)
        || raw
            .questions
            .iter()
            .flat_map(|q| &q.options)
            .any(|o| o.safeguard);
    if guarded {
        return;
    }
    for (x, step) in raw.steps.iter().zip(steps) {
        if step.risk == Some(Risk::LosesUnsynced) && step.on_phone() {
            c.report(
                x.id.referenced,
                format!(
                    "step `{}` can lose work not yet uploaded (`risk: loses-unsynced`), but nothing in the guide makes that work safe first: add a step with `safeguard: true` (check the upload queue is empty, or keep photos in the camera roll or gallery), or an answer with `safeguard: true`",
                    step.id
                ),
            );
        }
    }
}

/// Reports each cycle in the steps' `after` lists once.
fn check_cycles(c: &mut Checker, raw: &RawGuide) {
    let steps = raw.steps.iter().map(|s| {
        (
            s.id.value.as_str(),
            s.after.iter().map(|a| a.value.as_str()).collect(),
        )
    });
    for cycle in cycles(steps) {
        // Point at a step of the cycle, not at the step that led to it.
        if let Some(s) = raw
            .steps
            .iter()
            .find(|s| Some(&s.id.value.as_str()) == cycle.first())
        {
            c.report(
                s.id.referenced,
                format!(
                    "steps wait on each other in a cycle: {}",
                    cycle.join(" -> ")
                ),
            );
        }
    }
}

/// Every cycle the `after` orders of `steps` (id, the ids it comes after) form, each once.
pub(crate) fn cycles<'a>(
    steps: impl Iterator<Item = (&'a str, Vec<&'a str>)>,
) -> Vec<Vec<&'a str>> {
    let steps: Vec<(&str, Vec<&str>)> = steps.collect();
    let after: HashMap<&str, Vec<&str>> = steps.iter().cloned().collect();
    // 0 = unvisited, 1 = on the current path, 2 = done.
    let mut state: HashMap<&str, u8> = HashMap::new();
    let mut found = Vec::new();
    for (start, _) in &steps {
        let mut path = vec![*start];
        if let Some(cycle) = visit(start, &after, &mut state, &mut path) {
            found.push(cycle);
        }
        // A cycle leaves its steps marked as on the path: it was reported once, now settle them.
        state.values_mut().for_each(|s| *s = 2);
    }
    found
}

fn visit<'a>(
    node: &'a str,
    after: &HashMap<&'a str, Vec<&'a str>>,
    state: &mut HashMap<&'a str, u8>,
    path: &mut Vec<&'a str>,
) -> Option<Vec<&'a str>> {
    match state.get(node) {
        Some(2) => return None,
        Some(1) => {
            let from = path.iter().position(|n| *n == node).unwrap_or(0);
            return Some(path[from..].to_vec());
        }
        _ => {}
    }
    state.insert(node, 1);
    for next in after.get(node).into_iter().flatten() {
        if !after.contains_key(next) {
            continue;
        }
        path.push(next);
        if let Some(cycle) = visit(next, after, state, path) {
            return Some(cycle);
        }
        path.pop();
    }
    state.insert(node, 2);
    None
}

/// Applies a company override to its guide, checking it like a guide: an unknown guide or step
/// is a problem at its line. Everything it replaces is marked as coming from the company.
pub fn apply_override(
    file: &str,
    src: &str,
    raw: &RawOverride,
    guides: &mut [Guide],
    devices: &BTreeSet<String>,
) -> Vec<Problem> {
    let mut c = Checker::new(file, src);
    let ids: Vec<String> = guides.iter().map(|g| g.id.clone()).collect();
    let Some(guide) = guides.iter_mut().find(|g| g.id == raw.guide.value) else {
        let hint = suggest::hint(&raw.guide.value, ids.iter().map(String::as_str));
        c.report(
            raw.guide.referenced,
            format!("`override` names unknown guide `{}`{hint}", raw.guide.value),
        );
        return c.problems;
    };
    if let Some(esc) = &raw.escalate {
        override_escalation(&mut c, esc, guide);
    }
    override_causes(&mut c, raw, guide);
    c.unique(raw.steps.iter().map(|s| &s.id), "step id");
    for change in &raw.steps {
        let found = overridden(
            &mut c,
            &raw.guide,
            "step",
            &mut guide.steps,
            &change.id,
            |s| &s.id,
        );
        let Some(step) = found else {
            continue;
        };
        if let Some(title) = &change.title {
            step.title = c.line(title, "step title");
        }
        if let Some(minutes) = &change.minutes {
            step.minutes = c.positive(minutes, "minutes");
        }
        if let Some(success) = step_success(&mut c, change.success.as_ref()) {
            step.success = success;
        }
        if let Some(actions) = &change.actions {
            step.actions = c.texts(actions, "step line");
        }
        if let Some(lines) = &change.devices {
            step.devices = c.device_lines(lines, devices);
        }
        step.origin = Origin::Company;
    }
    c.problems
}

/// The step or cause (`kind`) of the guide `guide` whose id is `id`; when there is none, says
/// so at `id`, with the ids there are and the nearest.
fn overridden<'g, T>(
    c: &mut Checker,
    guide: &Text,
    kind: &str,
    items: &'g mut [T],
    id: &Text,
    id_of: impl Fn(&T) -> &String,
) -> Option<&'g mut T> {
    if let Some(at) = items.iter().position(|x| *id_of(x) == id.value) {
        return Some(&mut items[at]);
    }
    let valid: Vec<&str> = items.iter().map(|x| id_of(x).as_str()).collect();
    let hint = suggest::hint(&id.value, valid.iter().copied());
    c.report(
        id.referenced,
        format!(
            "guide `{}` has no {kind} `{}`{hint} ({kind}s: {})",
            guide.value,
            id.value,
            valid.join(", ")
        ),
    );
    None
}

/// What an override changes in a guide's causes: their likelihoods (the numbers
/// `fieldfix tune --write` suggests).
fn override_causes(c: &mut Checker, raw: &RawOverride, guide: &mut Guide) {
    c.unique(raw.causes.iter().map(|x| &x.id), "cause id");
    for change in &raw.causes {
        let found = overridden(c, &raw.guide, "cause", &mut guide.causes, &change.id, |x| {
            &x.id
        });
        let Some(cause) = found else {
            continue;
        };
        if let Some(likelihood) = &change.likelihood {
            cause.likelihood = c.positive(likelihood, "likelihood");
        }
    }
}

/// What an override changes in a guide's escalation: the contact and time of its target, the
/// signs, what to provide.
fn override_escalation(c: &mut Checker, esc: &RawEscalateOverride, guide: &mut Guide) {
    let to = guide.escalate.to;
    if let Some(contact) = &esc.contact {
        let contact = c.line(contact, "escalation contact");
        if let Some(target) = guide.escalate.targets.get_mut(&to) {
            target.contact = contact;
        }
    }
    if let Some(minutes) = &esc.minutes {
        let minutes = c.positive(minutes, "escalation minutes");
        if let Some(target) = guide.escalate.targets.get_mut(&to) {
            target.minutes = minutes;
        }
    }
    if let Some(signs) = &esc.signs {
        guide.escalate.signs = c.signs(signs, to, false);
    }
    if let Some(provide) = &esc.provide {
        c.unique(provide.iter().map(|p| &p.id), "provide id");
        guide.escalate.provide = c.provide(provide);
    }
    guide.escalate.origin = Origin::Company;
}
