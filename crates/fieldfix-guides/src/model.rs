//! The validated knowledge base: plain types the engine and the front ends work with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The files `fieldfix export` writes besides one page per guide (`ID.html`, or `ID.md` with
/// `--format markdown`). A guide whose page would take one of these names is refused by
/// `validate` and by the loader ([`export_file_taken`]). Add every other file export comes to
/// write (a script, a style sheet) to this list.
pub const EXPORT_FILES: &[&str] = &[EXPORT_INDEX_HTML, EXPORT_INDEX_MARKDOWN];
/// The index page of an exported site.
pub const EXPORT_INDEX_HTML: &str = "index.html";
/// The index page of an exported folder of Markdown pages.
pub const EXPORT_INDEX_MARKDOWN: &str = "index.md";
/// The extensions of the guide pages export writes: `ID.html`, `ID.md`.
pub const PAGE_EXTENSIONS: &[&str] = &["html", "md"];

/// The file of [`EXPORT_FILES`] that the page of the guide `id` would replace, if any.
pub fn export_file_taken(id: &str) -> Option<&'static str> {
    EXPORT_FILES.iter().copied().find(|file| {
        PAGE_EXTENSIONS
            .iter()
            .any(|ext| file.strip_suffix(ext).and_then(|f| f.strip_suffix('.')) == Some(id))
    })
}

/// Ids of the three context questions every guide shares.
pub const DEVICE: &str = "device";
/// See [`DEVICE`].
pub const NETWORK: &str = "network";
/// See [`DEVICE`].
pub const SCOPE: &str = "scope";

/// Where a guide (or a piece of one) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Origin {
    /// Compiled into the binary.
    BuiltIn,
    /// Read from an admin's `--guides` folder.
    Company,
}

/// A set of conditions: question id to the values for which an item applies.
///
/// An item is hidden only when one of these questions was answered with a value outside its list.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Condition(pub BTreeMap<String, Vec<String>>);

impl Condition {
    /// Whether the item applies, given the answers so far (unanswered questions hide nothing).
    /// `answer_of` may hand out owned or borrowed answers (borrowing saves an allocation per
    /// condition).
    pub fn holds<A: AsRef<str>>(&self, answer_of: impl Fn(&str) -> Option<A>) -> bool {
        self.0
            .iter()
            .all(|(question, values)| match answer_of(question) {
                Some(answer) => values.iter().any(|v| v == answer.as_ref()),
                None => true,
            })
    }

    /// True when there are no conditions.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The conditions as people read them: `device=ios|android, network=weak`; `None` when
    /// there are none.
    pub fn describe(&self) -> Option<String> {
        (!self.is_empty()).then(|| {
            let parts: Vec<String> = self
                .0
                .iter()
                .map(|(q, v)| format!("{q}={}", v.join("|")))
                .collect();
            parts.join(", ")
        })
    }
}

/// Who can fix a problem the steps cannot: the hand-over targets every guide shares.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// The company's Procore admin: permissions, unlocking, publishing, closing, tools.
    #[default]
    Admin,
    /// Procore support: one item that keeps failing, an outage.
    Support,
    /// The company's IT: single sign-on, two-step login, mail filters, proxies.
    It,
}

impl Target {
    /// Every target, in the order people read them.
    pub const ALL: [Target; 3] = [Target::Admin, Target::Support, Target::It];

    /// The id used in guide files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Target::Admin => "admin",
            Target::Support => "support",
            Target::It => "it",
        }
    }

    pub fn from_id(id: &str) -> Option<Target> {
        Target::ALL.into_iter().find(|t| t.id() == id)
    }
}

/// How to reach a hand-over target, and how long a fix that way takes the user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Who to go to, as the user reads it ("your company's Procore admin").
    pub contact: String,
    /// The user's time until the problem is fixed that way, waiting included.
    pub minutes: f64,
}

/// Where a claim comes from: `seed` (the source articles), `device` (general phone or
/// computer knowledge) or the address of a Procore page.
pub type Sources = Vec<String>;

/// What a step can cost the user when done carelessly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Risk {
    /// Can delete work on a phone that has not reached Procore yet (photos, entries): signing
    /// out, deleting or reinstalling the app, clearing its data or its upload queue.
    LosesUnsynced,
}

impl Risk {
    /// The id used in guide files and JSON.
    pub fn id(self) -> &'static str {
        match self {
            Risk::LosesUnsynced => "loses-unsynced",
        }
    }

    /// One line a user reads before doing the step.
    pub fn warning(self) -> &'static str {
        match self {
            Risk::LosesUnsynced => {
                "Careful: this can delete photos and entries not yet uploaded from this phone."
            }
        }
    }
}

/// How an answer moves the causes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Effect {
    /// Causes whose likelihood is multiplied by [`RAISE_FACTOR`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raises: Vec<String>,
    /// Causes whose likelihood is divided by [`RAISE_FACTOR`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lowers: Vec<String>,
    /// Causes set to zero.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules_out: Vec<String>,
    /// Set when this answer means only an admin or Procore can fix it: the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate: Option<String>,
    /// Who the `escalate` reason sends the user to (the guide's target when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalate_to: Option<Target>,
}

/// How much `raises` multiplies (and `lowers` divides) a cause's likelihood.
pub const RAISE_FACTOR: f64 = 3.0;

/// One answer a question offers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    #[serde(flatten)]
    pub effect: Effect,
    /// This answer confirms that work not yet uploaded is safe (the upload queue is empty, or
    /// photos are kept in the camera roll or gallery).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub safeguard: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Sources,
}

/// A question that narrows the cause.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Question {
    pub id: String,
    pub ask: String,
    #[serde(default, skip_serializing_if = "Condition::is_empty")]
    pub when: Condition,
    pub options: Vec<Choice>,
    /// The user's minutes to read the question and its options and answer it (the engine's
    /// default, [`QUESTION_MINUTES`], when not set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<f64>,
}

/// What asking a question costs the user when it does not say: reading it and its options on
/// a phone and deciding, in minutes.
pub const QUESTION_MINUTES: f64 = 0.5;

impl Question {
    pub fn choice(&self, value: &str) -> Option<&Choice> {
        self.options.iter().find(|c| c.value == value)
    }

    /// The valid values, in file order.
    pub fn values(&self) -> Vec<&str> {
        self.options.iter().map(|c| c.value.as_str()).collect()
    }

    /// The user's minutes to answer it.
    pub fn cost(&self) -> f64 {
        self.minutes.unwrap_or(QUESTION_MINUTES)
    }
}

/// A possible reason for the problem.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cause {
    pub id: String,
    pub title: String,
    pub explain: String,
    /// Prior relative weight (> 0).
    pub likelihood: f64,
    #[serde(default, skip_serializing_if = "Condition::is_empty")]
    pub when: Condition,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Sources,
}

/// A fix to try.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub id: String,
    pub title: String,
    pub minutes: f64,
    pub fixes: Vec<String>,
    /// Chance the step fixes one of its causes when that cause is the real one.
    pub success: f64,
    #[serde(default, skip_serializing_if = "Condition::is_empty")]
    pub when: Condition,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after: Vec<String>,
    /// Only an admin can do it.
    pub admin: bool,
    /// The role that must do it ("Drawings admin"), for an admin step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// Who an admin step goes to (set for admin steps only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Target>,
    /// What the step can cost when done carelessly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub risk: Option<Risk>,
    /// Doing this step makes sure work not yet uploaded is safe (checks the upload queue is
    /// empty, or keeps photos in the camera roll or gallery).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub safeguard: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Sources,
    /// The wizard offers to check the user's files (preflight) on this step.
    #[serde(default)]
    pub check_files: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub see: Option<String>,
    #[serde(rename = "do")]
    pub actions: Vec<String>,
    /// Device-specific lines, keyed by device value.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub devices: BTreeMap<String, Vec<String>>,
    pub origin: Origin,
}

/// The one device value that is not a phone or tablet.
pub const COMPUTER: &str = "computer";

impl Step {
    /// Whether the step can be offered on a phone or tablet: its `when` does not limit it to
    /// computers.
    pub fn on_phone(&self) -> bool {
        self.when
            .0
            .get(DEVICE)
            .is_none_or(|devices| devices.iter().any(|d| d != COMPUTER))
    }

    /// The lines to show for a device: the common lines, then that device's lines.
    /// With no device known, every device's lines are returned, labelled.
    pub fn lines_for(&self, device: Option<&str>) -> Vec<(Option<&str>, &str)> {
        let mut lines: Vec<(Option<&str>, &str)> =
            self.actions.iter().map(|l| (None, l.as_str())).collect();
        for (dev, extra) in &self.devices {
            if device.is_none_or(|d| d == dev) {
                let label = if device.is_some() {
                    None
                } else {
                    Some(dev.as_str())
                };
                lines.extend(extra.iter().map(|l| (label, l.as_str())));
            }
        }
        lines
    }
}

/// The kind of fact support asks for; some are filled in automatically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "kebab-case")]
pub enum ProvideKind {
    #[default]
    Text,
    Time,
    Device,
    Email,
    Phone,
    Number,
}

/// One fact to hand support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Provide {
    pub id: String,
    pub label: String,
    pub kind: ProvideKind,
}

/// A sign that it is time to hand the problem over, and to whom.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sign {
    pub sign: String,
    pub to: Target,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Sources,
}

/// When and how to go to the admin, company IT or Procore support.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Escalate {
    /// The guide's usual hand-over target.
    pub to: Target,
    /// How to reach each target for this guide (the shared targets, with this guide's and the
    /// company's changes).
    pub targets: BTreeMap<Target, Contact>,
    pub signs: Vec<Sign>,
    pub provide: Vec<Provide>,
    pub origin: Origin,
}

impl Escalate {
    pub fn target(&self, target: Target) -> &Contact {
        // Every target is present: the loader fills in all three.
        &self.targets[&target]
    }

    /// Who to go to by default.
    pub fn contact(&self) -> &str {
        &self.target(self.to).contact
    }

    /// The user's minutes to a fix through the default target.
    pub fn minutes(&self) -> f64 {
        self.target(self.to).minutes
    }
}

/// A habit that stops the problem recurring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tip {
    pub tip: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub causes: Vec<String>,
}

/// One problem, with everything needed to diagnose and fix it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Guide {
    pub id: String,
    pub title: String,
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Sources,
    pub aliases: Vec<String>,
    pub symptoms: Vec<String>,
    pub escalate: Escalate,
    pub causes: Vec<Cause>,
    /// How the shared context answers move this guide's causes: question, value, effect.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub context: BTreeMap<String, BTreeMap<String, Effect>>,
    pub questions: Vec<Question>,
    pub steps: Vec<Step>,
    pub prevent: Vec<Tip>,
    pub related: Vec<String>,
    pub origin: Origin,
    /// The file it was read from (a file name for built-in guides).
    pub file: String,
}

impl Guide {
    /// A guide with nothing but its id, title and hand-over (and the hand-over's origin): no
    /// causes, steps or questions yet.
    pub fn new(id: &str, title: &str, escalate: Escalate) -> Self {
        Guide {
            id: id.to_owned(),
            title: title.to_owned(),
            summary: String::new(),
            sources: Vec::new(),
            aliases: Vec::new(),
            symptoms: Vec::new(),
            origin: escalate.origin,
            escalate,
            causes: Vec::new(),
            context: BTreeMap::new(),
            questions: Vec::new(),
            steps: Vec::new(),
            prevent: Vec::new(),
            related: Vec::new(),
            file: String::new(),
        }
    }

    pub fn cause(&self, id: &str) -> Option<&Cause> {
        self.causes.iter().find(|c| c.id == id)
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.id == id)
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// The effect of answering `question` with `value`: a guide question's option, or this
    /// guide's effect for a shared context answer.
    pub fn effect(&self, question: &str, value: &str) -> Option<&Effect> {
        match self.question(question) {
            Some(q) => q.choice(value).map(|c| &c.effect),
            None => self.context.get(question).and_then(|m| m.get(value)),
        }
    }
}

/// The whole knowledge base: the shared context questions and every guide, sorted by id.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Library {
    pub context: Vec<Question>,
    /// The shared hand-over targets, before any guide's changes.
    pub targets: BTreeMap<Target, Contact>,
    pub guides: Vec<Guide>,
    /// The domain vocabulary (`_vocabulary.yaml`).
    #[serde(default)]
    pub vocabulary: Vocabulary,
}

/// The domain vocabulary: each term as the guides write it ("change order"), with what crews
/// type for it ("co", "pco"), all lowercase. Search reads a variant as its term; name lookups
/// use it for "did you mean".
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Vocabulary {
    pub terms: BTreeMap<String, Vec<String>>,
}

impl Vocabulary {
    /// The term a variant (or the term itself) stands for, matched whole and in any case.
    pub fn term_of(&self, word: &str) -> Option<&str> {
        let word = normal_words(word);
        self.terms
            .iter()
            .find(|(term, variants)| **term == word || variants.contains(&word))
            .map(|(term, _)| term.as_str())
    }

    /// [`Vocabulary::term_of`], also for the plural of a variant ("pics" for "pic").
    pub fn term_of_plural(&self, word: &str) -> Option<&str> {
        self.term_of(word).or_else(|| {
            let word = normal_words(word);
            self.term_of(word.strip_suffix('s')?)
        })
    }
}

/// `text` lowercase, its words separated by single spaces: how vocabulary entries are kept.
pub fn normal_words(text: &str) -> String {
    text.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Library {
    pub fn guide(&self, id: &str) -> Option<&Guide> {
        self.guides.iter().find(|g| g.id == id)
    }

    pub fn context_question(&self, id: &str) -> Option<&Question> {
        self.context.iter().find(|q| q.id == id)
    }

    /// A question by id: a shared context question or one of the guide's own.
    pub fn question<'a>(&'a self, guide: &'a Guide, id: &str) -> Option<&'a Question> {
        self.context_question(id).or_else(|| guide.question(id))
    }
}
