//! The guide file format as written in YAML, with source locations for every value the
//! validator may need to point at. Converted to [`crate::model`] once it validates.
//!
//! The JSON Schema of the format (`fieldfix schema`, `docs/guide.schema.json`) is generated from
//! these types, so the doc comments below are what editors show: keep them short and exact.

use std::collections::HashMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;
use serde::Deserialize;
use serde_saphyr::Spanned;

use crate::model::ProvideKind;

/// A located string.
pub type Text = Spanned<String>;
/// Conditions: question id to the values for which the item applies.
pub type When = HashMap<Text, Vec<Text>>;

/// A company override (`NAME.override.yaml`): replaces pieces of an existing guide without
/// copying it. Every field but `override` is optional; what is given replaces the original.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOverride {
    /// The id of the guide to change.
    #[serde(rename = "override")]
    pub guide: Text,
    #[serde(default)]
    pub escalate: Option<RawEscalateOverride>,
    /// Causes by id, with a new `likelihood` (what `fieldfix tune --write` suggests).
    #[serde(default)]
    pub causes: Vec<RawCauseOverride>,
    #[serde(default)]
    pub steps: Vec<RawStepOverride>,
}

/// A new likelihood for one cause of an overridden guide, named by its id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCauseOverride {
    pub id: Text,
    #[serde(default)]
    pub likelihood: Option<Spanned<f64>>,
}

/// New escalation details for an overridden guide.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEscalateOverride {
    /// Who to go to for this guide instead (the guide's target keeps its id).
    #[serde(default)]
    pub contact: Option<Text>,
    #[serde(default)]
    pub minutes: Option<Spanned<f64>>,
    #[serde(default)]
    pub signs: Option<Vec<RawSign>>,
    #[serde(default)]
    pub provide: Option<Vec<RawProvide>>,
}

/// New text for one step of an overridden guide, named by its id.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStepOverride {
    pub id: Text,
    #[serde(default)]
    pub title: Option<Text>,
    #[serde(default)]
    pub minutes: Option<Spanned<f64>>,
    /// A new chance that the step fixes one of its causes (above 0, at most 1).
    #[serde(default)]
    pub success: Option<Spanned<f64>>,
    #[serde(rename = "do", default)]
    pub actions: Option<Vec<Text>>,
    #[serde(default)]
    pub devices: Option<HashMap<Text, Vec<Text>>>,
}

/// The schema of a `when` condition, for [`When`] fields.
#[cfg(feature = "schema")]
type WhenSchema = std::collections::BTreeMap<String, Vec<String>>;

/// The pattern every id must match: lowercase letters, digits and single dashes.
pub const ID_PATTERN: &str = "^[a-z0-9]+(-[a-z0-9]+)*$";

/// One problem: what users see, why it happens, what to ask, and the steps that fix it.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "schema",
    schemars(rename = "Guide", title = "fieldfix guide")
)]
pub struct RawGuide {
    /// Lowercase words joined by `-`; equals the file name without `.yaml`.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub id: Text,
    /// Short, as a user would say it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub title: Text,
    /// One or two sentences: what this problem is.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub summary: Text,
    /// Where the guide as a whole comes from (see `sources` on causes and steps).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub sources: Vec<Text>,
    /// Short names a user may type: `fieldfix fix photos`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub aliases: Vec<Text>,
    /// How field staff describe it, in their words (feeds search).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub symptoms: Vec<Text>,
    pub escalate: RawEscalate,
    /// Possible reasons for the problem; at least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub causes: Vec<RawCause>,
    /// How the shared answers (`device`, `network`, `scope`) move the causes: question, value, effect.
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(
            with = "std::collections::BTreeMap<String, std::collections::BTreeMap<String, RawEffect>>"
        )
    )]
    pub context: HashMap<Text, HashMap<Text, RawEffect>>,
    /// Questions that tell the causes apart (at least 3); "I don't know" is added by fieldfix.
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
    /// The fixes, ordered the way you would suggest them by default; at least one.
    #[cfg_attr(feature = "schema", schemars(length(min = 1)))]
    pub steps: Vec<RawStep>,
    /// Habits that stop the problem coming back.
    #[serde(default)]
    pub prevent: Vec<RawTip>,
    /// Ids of other guides.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub related: Vec<Text>,
}

/// When and how to hand the problem to an admin or Procore support.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Escalate"))]
pub struct RawEscalate {
    /// Who the problem usually goes to when the steps cannot fix it: `admin` (the company's
    /// Procore admin), `support` (Procore support) or `it` (the company's IT). Default `admin`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<TargetSchema>"))]
    pub to: Option<Text>,
    /// Who to go to, for this guide only; by default the target's contact from `_context.yaml`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub contact: Option<Text>,
    /// The user's minutes until a fix through that target, waiting included, for this guide
    /// only; by default the target's from `_context.yaml`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0)))]
    pub minutes: Option<Spanned<f64>>,
    /// When it is time to stop trying steps.
    #[serde(default)]
    pub signs: Vec<RawSign>,
    /// What support will ask for; collected into the ticket.
    #[serde(default)]
    pub provide: Vec<RawProvide>,
}

/// The hand-over targets, for the schema.
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum TargetSchema {
    Admin,
    Support,
    It,
}

/// Where a claim comes from: `seed`, `device` or a Procore page (`https://...`).
#[cfg(feature = "schema")]
type SourcesSchema = Vec<String>;

/// A sign that it is time to hand the problem over.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Sign"))]
pub struct RawSign {
    /// What the user sees, in one sentence.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub sign: Text,
    /// Who to go to when this is seen; by default the guide's `escalate.to`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<TargetSchema>"))]
    pub to: Option<Text>,
    /// Where it comes from: `seed`, `device` or a Procore page (`https://...`).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "SourcesSchema"))]
    pub sources: Vec<Text>,
}

/// One fact support will ask for.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Provide"))]
pub struct RawProvide {
    /// Unique within the guide.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub id: Text,
    /// What to ask the user for.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub label: Text,
    /// `time` and `device` are filled in automatically by the wizard.
    #[serde(default)]
    pub kind: ProvideKind,
}

/// A possible reason for the problem.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Cause"))]
pub struct RawCause {
    /// Unique within the guide.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub id: Text,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub title: Text,
    /// Plain language: what is going on and why it blocks.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub explain: Text,
    /// Relative weight, greater than 0; write them as rough percentages summing to about 100.
    #[cfg_attr(feature = "schema", schemars(with = "f64", extend("exclusiveMinimum" = 0)))]
    pub likelihood: Spanned<f64>,
    /// Only applies when the answers allow it: question id to the values it applies for.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "WhenSchema"))]
    pub when: When,
    /// Where it comes from: `seed` (the source articles), `device` (phone or computer
    /// knowledge) or the address of the Procore page it was read on.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "SourcesSchema"))]
    pub sources: Vec<Text>,
}

/// How one answer moves the causes.
#[derive(Debug, Default, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Effect"))]
pub struct RawEffect {
    /// Causes made 3 times as likely.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub raises: Vec<Text>,
    /// Causes made a third as likely.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub lowers: Vec<Text>,
    /// Causes this answer excludes: never recommended again.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub rules_out: Vec<Text>,
    /// Set when this answer means only an admin or Procore can fix it: the reason.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub escalate: Option<Text>,
    /// Who the `escalate` reason sends the user to; by default the guide's `escalate.to`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<TargetSchema>"))]
    pub escalate_to: Option<Text>,
}

/// A question that tells the causes apart.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Question"))]
pub struct RawQuestion {
    /// Unique within the guide; not `device`, `network` or `scope`.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub id: Text,
    /// The question, as the user reads it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub ask: Text,
    /// Only asked when the answers allow it: question id to the values it applies for.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "WhenSchema"))]
    pub when: When,
    /// At least two; never write "I don't know": fieldfix adds it.
    #[cfg_attr(feature = "schema", schemars(length(min = 2)))]
    pub options: Vec<RawChoice>,
    /// Optional: the user's minutes to read and answer it (default 0.5). Raise it for a
    /// question that sends the user to look something up; the engine asks a question only
    /// when its answer is expected to save more than this.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0)))]
    pub minutes: Option<Spanned<f64>>,
}

/// One answer to a question, and how it moves the causes.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Option"))]
pub struct RawChoice {
    /// Lowercase-with-dashes; unique within the question.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub value: Text,
    /// The answer, as the user reads it.
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub label: Text,
    /// Causes made 3 times as likely.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub raises: Vec<Text>,
    /// Causes made a third as likely.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub lowers: Vec<Text>,
    /// Causes this answer excludes: never recommended again.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub rules_out: Vec<Text>,
    /// Set when this answer means only an admin or Procore can fix it: the reason.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub escalate: Option<Text>,
    /// Who the `escalate` reason sends the user to; by default the guide's `escalate.to`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<TargetSchema>"))]
    pub escalate_to: Option<Text>,
    /// True when this answer confirms that work not yet uploaded is safe (the upload queue is
    /// empty, or photos are kept in the camera roll or gallery).
    #[serde(default)]
    pub safeguard: bool,
    /// Where it comes from: `seed`, `device` or a Procore page (`https://...`).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "SourcesSchema"))]
    pub sources: Vec<Text>,
}

/// A fix to try.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Step"))]
pub struct RawStep {
    /// Unique within the guide.
    #[cfg_attr(feature = "schema", schemars(with = "String", regex(pattern = ID_PATTERN)))]
    pub id: Text,
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub title: Text,
    /// Honest estimate for a field user, greater than 0.
    #[cfg_attr(feature = "schema", schemars(with = "f64", extend("exclusiveMinimum" = 0)))]
    pub minutes: Spanned<f64>,
    /// Causes this step resolves (at least one).
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub fixes: Vec<Text>,
    /// Chance it fixes one of its causes when that cause is the real one; default 0.9.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<f64>", extend("exclusiveMinimum" = 0, "maximum" = 1)))]
    pub success: Option<Spanned<f64>>,
    /// Only offered when the answers allow it: question id to the values it applies for.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "WhenSchema"))]
    pub when: When,
    /// Steps that must come first.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub after: Vec<Text>,
    /// The role that must do it, when the user cannot: "Drawings admin", "Company Directory
    /// admin", "your company's IT".
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub admin: Option<Text>,
    /// Who an `admin` step goes to: `admin` (default), `support` or `it`.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<TargetSchema>"))]
    pub to: Option<Text>,
    /// `loses-unsynced` when the step can delete work not yet uploaded from a phone (signing
    /// out, reinstalling, clearing app data or the upload queue). Such a step is offered on a
    /// phone only after a `safeguard` step or answer.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<RiskSchema>"))]
    pub risk: Option<Text>,
    /// True when this step makes sure work not yet uploaded is safe (checks that the upload
    /// queue is empty, or keeps photos in the camera roll or gallery).
    #[serde(default)]
    pub safeguard: bool,
    /// Where it comes from: `seed` (the source articles), `device` (phone or computer
    /// knowledge) or the address of the Procore page it was read on.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "SourcesSchema"))]
    pub sources: Vec<Text>,
    /// True when checking the user's files (`fieldfix preflight`) helps with this step: the
    /// wizard then offers "Check the files now".
    #[serde(default)]
    pub check_files: bool,
    /// A related guide for this step.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub see: Option<Text>,
    /// What to do, imperative, one action per line.
    #[serde(rename = "do", default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub actions: Vec<Text>,
    /// Device-specific lines, keyed by device value (`computer`, `ios`, `android`).
    #[serde(default)]
    #[cfg_attr(
        feature = "schema",
        schemars(with = "std::collections::BTreeMap<String, Vec<String>>")
    )]
    pub devices: HashMap<Text, Vec<Text>>,
}

/// The step risks, for the schema.
#[cfg(feature = "schema")]
#[derive(JsonSchema)]
#[serde(rename_all = "kebab-case")]
#[allow(dead_code)]
enum RiskSchema {
    LosesUnsynced,
}

/// A habit that stops the problem coming back.
#[derive(Debug, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "schema", schemars(rename = "Tip"))]
pub struct RawTip {
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub tip: Text,
    /// Shown after one of these causes was fixed.
    #[serde(default)]
    #[cfg_attr(feature = "schema", schemars(with = "Vec<String>"))]
    pub causes: Vec<Text>,
}

/// `_vocabulary.yaml`: the words crews type for the words the guides use.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVocabulary {
    /// Each term as the guides write it ("change order"), with the words and abbreviations that
    /// mean the same ("CO", "PCO").
    #[serde(default)]
    pub terms: HashMap<Text, Vec<Text>>,
}

/// `_context.yaml`: the questions every guide shares.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawContext {
    #[serde(default)]
    pub questions: Vec<RawQuestion>,
    /// The hand-over targets: `admin`, `support`, `it`, each with its contact and minutes.
    #[serde(default)]
    pub targets: HashMap<Text, RawTarget>,
}

/// How to reach one hand-over target.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTarget {
    #[serde(default)]
    pub contact: Option<Text>,
    /// The user's minutes until a fix that way, waiting included.
    #[serde(default)]
    pub minutes: Option<Spanned<f64>>,
}

/// The JSON Schema (draft 7, which editors support best) of a guide file.
#[cfg(feature = "schema")]
pub fn guide_schema() -> serde_json::Value {
    let generator = schemars::generate::SchemaSettings::draft07().into_generator();
    let mut schema = generator.into_root_schema_for::<RawGuide>().to_value();
    drop_number_formats(&mut schema);
    // What the document is comes first, then its shape.
    match schema {
        serde_json::Value::Object(mut fields) => {
            let mut ordered = serde_json::Map::new();
            for key in ["$schema", "title", "description"] {
                if let Some(v) = fields.remove(key) {
                    ordered.insert(key.to_owned(), v);
                }
            }
            ordered.append(&mut fields);
            serde_json::Value::Object(ordered)
        }
        other => other,
    }
}

/// Removes `"format": "double"`: a Rust detail, not a JSON Schema format editors know.
#[cfg(feature = "schema")]
fn drop_number_formats(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(fields) => {
            if fields.get("format").and_then(|f| f.as_str()) == Some("double") {
                fields.remove("format");
            }
            fields.values_mut().for_each(drop_number_formats);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(drop_number_formats),
        _ => {}
    }
}
