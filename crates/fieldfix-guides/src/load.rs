//! Reading guide files safely and assembling them, validated as a whole, on top of a base
//! library. Shared with the build script, which checks and compiles the built-in guides.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

use serde::de::DeserializeOwned;

use crate::check::{self, Known};
use crate::model::{Contact, DEVICE, Guide, Library, NETWORK, Origin, Question, SCOPE, Target};
use crate::problem::Problem;
use crate::raw::{RawContext, RawGuide, RawOverride, RawVocabulary};

/// The file that holds the shared context questions.
pub const CONTEXT_FILE: &str = "_context.yaml";
/// The stem of the domain vocabulary file (`_vocabulary.yaml`).
pub const VOCABULARY_STEM: &str = "_vocabulary";
/// Files named `NAME.override.yaml` change pieces of a guide instead of defining one.
pub const OVERRIDE_SUFFIX: &str = ".override";
/// Guide files larger than this are refused unread.
pub const MAX_FILE_BYTES: u64 = 1024 * 1024;

/// Why the knowledge base could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    // The I/O error is part of the message, not a `source`: printing the error chain would
    // otherwise repeat it.
    #[error("cannot read the guides folder {}: {error}", path.display())]
    Folder {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{} problem{} in the guides (run `fieldfix validate` for details)", .0.len(), if .0.len() == 1 { "" } else { "s" })]
    Invalid(Vec<Problem>),
}

/// One guide file's text, and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// How to name the file in messages.
    pub name: String,
    /// The file name without its extension: the guide id it must hold.
    pub stem: String,
    pub text: String,
    pub origin: Origin,
}

impl Source {
    /// A company guide file `STEM.yaml` holding `text`.
    pub fn company(stem: &str, text: &str) -> Source {
        Source {
            name: format!("{stem}.yaml"),
            stem: stem.to_owned(),
            text: text.to_owned(),
            origin: Origin::Company,
        }
    }

    /// The built-in guide file `guides/FILE` holding `text`.
    pub fn built_in(file: &str, text: String) -> Source {
        Source {
            name: format!("guides/{file}"),
            stem: file.trim_end_matches(".yaml").to_owned(),
            text,
            origin: Origin::BuiltIn,
        }
    }
}

/// Whether `path` names a guide file: `.yaml` or `.yml` in any case (`X.YAML` is loaded, or
/// reported, never silently skipped).
pub fn is_guide_file(path: &Path) -> bool {
    let name = path
        .file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .to_lowercase();
    name.ends_with(".yaml") || name.ends_with(".yml")
}

/// A guide file's name without its `.yaml`/`.yml` extension.
fn guide_stem(path: &Path) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let cut = name.rfind('.').unwrap_or(name.len());
    name[..cut].to_owned()
}

/// The `.yaml`/`.yml` files directly inside `dir`, sorted by name. Files that cannot be read
/// are returned as problems, so one bad file does not hide the others.
pub fn folder_sources(dir: &Path) -> Result<(Vec<Source>, Vec<Problem>), LoadError> {
    let folder_err = |error| LoadError::Folder {
        path: dir.to_owned(),
        error,
    };
    let mut paths: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(folder_err)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_guide_file(p))
        .collect();
    paths.sort();
    let mut sources = Vec::new();
    let mut problems = Vec::new();
    for path in paths {
        // The name is shown in messages and pages: made safe once, here.
        let name = crate::safe::path(&path);
        match read_limited(&path) {
            Ok(text) => sources.push(Source {
                stem: guide_stem(&path),
                name,
                text,
                origin: Origin::Company,
            }),
            Err(message) => problems.push(Problem::file(&name, message)),
        }
    }
    Ok((sources, problems))
}

/// One file named by the user (an answers file, say), read like a guide file.
pub fn folder_file(path: &Path) -> Result<Source, String> {
    Ok(Source {
        name: crate::safe::path(path),
        stem: path
            .file_stem()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned(),
        text: read_limited(path)?,
        origin: Origin::Company,
    })
}

/// Reads a regular file of at most [`MAX_FILE_BYTES`] as UTF-8 (see [`crate::input`]).
fn read_limited(path: &Path) -> Result<String, String> {
    crate::input::read_text(path, MAX_FILE_BYTES).map_err(|e| e.reason)
}

/// The parser's limits: enough for any real guide, and they refuse alias bombs and absurd
/// nesting quickly.
fn parse_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: MAX_DEPTH,
            max_aliases: 100,
            max_anchors: 100,
            max_nodes: 200_000,
            max_documents: 1,
        },
        alias_limits: serde_saphyr::alias_limits! {
            max_total_replayed_events: 20_000,
        },
        with_snippet: false,
    }
}

/// How deeply maps and lists may nest in a guide file (a guide needs about 6 levels).
const MAX_DEPTH: usize = 24;

/// Parses YAML with limits that refuse alias bombs and absurd nesting quickly.
pub fn parse<T: DeserializeOwned>(source: &Source) -> Result<T, Problem> {
    if let Some(problem) = tag_or_anchor(source) {
        return Err(problem);
    }
    serde_saphyr::from_str_with_options(&source.text, parse_options()).map_err(|typed| {
        // The typed pass stops at the first unexpected field or value, before it would see a
        // bomb or a deep nest further on. Read the whole document without a target type, so
        // that a file refused for its size or shape is reported as such, not as a typo.
        match serde_saphyr::from_str_with_options::<serde::de::IgnoredAny>(
            &source.text,
            parse_options(),
        ) {
            Err(e) if limit_message(&e).is_some() => yaml_problem(source, &e),
            _ => yaml_problem(source, &typed),
        }
    })
}

/// The first YAML tag (`!!binary`, `!x`), anchor (`&a`) or alias (`*a`) in the file: the format
/// has none, so they are refused, not interpreted. Syntax errors are left to the full parse.
fn tag_or_anchor(source: &Source) -> Option<Problem> {
    use serde_saphyr::granit_parser::{Event, Parser};
    // Only a file with one of these characters can hold one (most guides have none).
    if !source.text.contains(['!', '&', '*']) {
        return None;
    }
    for item in Parser::new_from_str(&source.text) {
        let (event, span) = item.ok()?;
        let what = match &event {
            Event::Alias(..) | Event::UnresolvedAlias(..) => "a YAML alias (`*name`)",
            _ if event.anchor_id().is_some() => "a YAML anchor (`&name`)",
            Event::Scalar(_, _, _, Some(_))
            | Event::SequenceStart(_, _, Some(_))
            | Event::MappingStart(_, _, Some(_)) => "a YAML tag (like `!!binary`)",
            _ => continue,
        };
        let at = span.start;
        return Some(Problem::at_line(
            &source.name,
            &source.text,
            (at.line() as u64, at.col() as u64 + 1),
            format!("refused: {what}; guides use no tags, anchors or aliases: write the value out"),
        ));
    }
    None
}

/// A parser error as a problem in our own format, with a plain message for the limits.
fn yaml_problem(source: &Source, e: &serde_saphyr::Error) -> Problem {
    let message = plain_message(e).unwrap_or_else(|| {
        let message = e.to_string();
        // The location is reported in our own format; drop the library's " at line N, column M".
        let message = match message.rfind(" at line ") {
            Some(i) if e.location().is_some() => message[..i].to_owned(),
            _ => message,
        };
        message
            .lines()
            .next()
            .unwrap_or_default()
            .trim_start_matches("error: ")
            .to_owned()
    });
    // The parser's own words for a nest too deep for it, and messages quoting a huge key.
    let message = if message.contains("recursion limit exceeded") {
        nesting_message()
    } else if message.len() > 1000 {
        too_large_message(&format!(
            "{} characters where a short name belongs",
            message.len()
        ))
    } else {
        message
    };
    match e.location() {
        Some(loc) if loc.line() > 0 => Problem::at(&source.name, &source.text, loc, message),
        _ => Problem::file(&source.name, message),
    }
}

/// Our own words for the parser errors whose library message is unclear to a guide author
/// (a limit that was hit, or advice meant for the programmer).
fn plain_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    if let Some(limit) = limit_message(e) {
        return Some(limit);
    }
    match e {
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => plain_message(error),
        E::DuplicateMappingKey { key: Some(key), .. } => Some(format!(
            "`{}` appears twice in the same map: keep one",
            crate::text::sanitize(key)
        )),
        E::DuplicateMappingKey { key: None, .. } => {
            Some("a key appears twice in the same map: keep one".to_owned())
        }
        E::NullIntoString { .. } => Some("a value is missing here".to_owned()),
        _ => None,
    }
}

/// What to say when `e` is a parser limit that refused the file.
fn limit_message(e: &serde_saphyr::Error) -> Option<String> {
    use serde_saphyr::Error as E;
    use serde_saphyr::budget::BudgetBreach as B;
    match e {
        E::AliasError { error, .. } | E::WithSnippet { error, .. } => limit_message(error),
        E::AliasReplayCounterOverflow { .. }
        | E::AliasReplayLimitExceeded { .. }
        | E::AliasExpansionLimitExceeded { .. }
        | E::AliasReplayStackDepthExceeded { .. }
        | E::Budget {
            breach: B::Aliases { .. } | B::Anchors { .. },
            ..
        } => Some(
            "refused: the file has too many YAML anchors or aliases (`&name`, `*name`), or they expand too much, like an alias bomb; guides need no aliases: write the values out"
                .to_owned(),
        ),
        E::Budget {
            breach: B::Depth { .. },
            ..
        } => Some(nesting_message()),
        E::Budget {
            breach: B::Documents { .. },
            ..
        } => Some(
            "a second YAML document starts here (`---`): a guide file holds one guide; put each guide in a file of its own"
                .to_owned(),
        ),
        E::Budget { breach, .. } => Some(too_large_message(&format!("{breach:?}"))),
        _ => None,
    }
}

fn nesting_message() -> String {
    format!(
        "refused: lists and maps are nested more than {MAX_DEPTH} levels deep; a guide needs far fewer"
    )
}

fn too_large_message(detail: &str) -> String {
    format!("refused: the file is too large or too complex to be a guide ({detail})")
}

/// What a validation run found.
#[derive(Debug)]
pub struct Checked {
    /// The library, when there were no problems.
    pub library: Option<Library>,
    pub problems: Vec<Problem>,
    /// Things worth fixing that do not stop the guides loading.
    pub warnings: Vec<Problem>,
    /// How many guide files were checked.
    pub files: usize,
}

/// Adds `sources` to the already validated `base` library: a guide with the id of a base guide
/// replaces it, new ids are added, and context files extend the shared questions. Only the
/// sources are checked; the base is known to be valid.
pub fn assemble(base: Library, sources: Vec<Source>, problems: Vec<Problem>) -> Checked {
    assemble_with(base, sources, problems, false)
}

/// [`assemble`], with `strict` also requiring `sources` on every cause and step (see
/// [`Known::strict`]).
pub fn assemble_with(
    base: Library,
    sources: Vec<Source>,
    mut problems: Vec<Problem>,
    strict: bool,
) -> Checked {
    // Each problem given is a file that could not be read: it counts as a file checked.
    let unreadable = problems.len();
    let (contexts, guide_sources): (Vec<Source>, Vec<Source>) =
        sources.into_iter().partition(|s| s.stem == "_context");
    let (vocabularies, guide_sources): (Vec<Source>, Vec<Source>) = guide_sources
        .into_iter()
        .partition(|s| s.stem == VOCABULARY_STEM);
    let (overrides, guide_sources): (Vec<Source>, Vec<Source>) = guide_sources
        .into_iter()
        .partition(|s| s.stem.ends_with(OVERRIDE_SUFFIX));

    let base_targets = base.targets.clone();
    let (context, targets) = shared_context(base.context, base.targets, &contexts, &mut problems);
    let mut vocabulary = base.vocabulary;
    for source in &vocabularies {
        if let Err(found) = parse::<RawVocabulary>(source)
            .map_err(|p| vec![p])
            .and_then(|raw| check::vocabulary(&source.name, &source.text, &raw, &mut vocabulary))
        {
            problems.extend(found);
        }
    }
    let by_id = guides_by_id(guide_sources, &mut problems);
    let kept = kept_guides(base.guides, &by_id, &base_targets, &targets);
    let guide_ids: BTreeSet<String> = by_id
        .keys()
        .chain(kept.iter().map(|g| &g.id))
        .cloned()
        .collect();
    let known = Known {
        context: &context,
        guide_ids: &guide_ids,
        targets: &targets,
        strict,
    };

    let files = by_id.len() + overrides.len() + unreadable;
    let mut guides = kept;
    guides.extend(check_guides(by_id.values(), &known, &guides, &mut problems));
    guides.sort_by(|a, b| a.id.cmp(&b.id));
    apply_overrides(&overrides, &context, &mut guides, &mut problems);
    let mut library = problems.is_empty().then_some(Library {
        context,
        targets,
        guides,
        vocabulary,
    });
    // The rules the guide cache is checked by: every library the checker builds passes them.
    if let Some(Err(e)) = library.as_ref().map(crate::sound::library) {
        problems.push(Problem::file(
            "the guides",
            format!("the assembled guides break a rule (a fieldfix bug: please report it): {e}"),
        ));
        library = None;
    }
    Checked {
        library,
        problems,
        warnings: Vec::new(),
        files,
    }
}

/// Parses and checks the guide files `sources` (their aliases against the guides `kept` from
/// the base too): the guides that pass; the problems of the others go to `problems`.
fn check_guides<'a>(
    sources: impl Iterator<Item = &'a Source>,
    known: &Known,
    kept: &[Guide],
    problems: &mut Vec<Problem>,
) -> Vec<Guide> {
    let mut parsed: Vec<(&Source, RawGuide)> = Vec::new();
    for source in sources {
        match parse::<RawGuide>(source) {
            Ok(raw) => parsed.push((source, raw)),
            Err(p) => problems.push(p),
        }
    }
    check_aliases(&parsed, known.guide_ids, kept, problems);
    let mut guides = Vec::new();
    for (source, raw) in &parsed {
        match check::guide(
            &source.name,
            &source.stem,
            &source.text,
            raw,
            known,
            source.origin,
        ) {
            Ok(guide) => guides.push(guide),
            Err(found) => problems.extend(found),
        }
    }
    guides
}

/// The shared context questions and hand-over targets: the base's, extended by the context
/// files; the required ones must be there (reported only when nothing else is wrong).
fn shared_context(
    mut context: Vec<Question>,
    mut targets: BTreeMap<Target, Contact>,
    contexts: &[Source],
    problems: &mut Vec<Problem>,
) -> (Vec<Question>, BTreeMap<Target, Contact>) {
    for source in contexts {
        match parse::<RawContext>(source)
            .map_err(|p| vec![p])
            .and_then(|raw| {
                check::context(&source.name, &source.text, &raw, &context, &mut targets)
            }) {
            Ok(questions) => merge_context(&mut context, questions),
            Err(found) => problems.extend(found),
        }
    }
    for required in [DEVICE, NETWORK, SCOPE] {
        if !context.iter().any(|q| q.id == required) && problems.is_empty() {
            problems.push(Problem::file(
                CONTEXT_FILE,
                format!("the shared context question `{required}` is missing"),
            ));
        }
    }
    for required in Target::ALL {
        if !targets.contains_key(&required) && problems.is_empty() {
            problems.push(Problem::file(
                CONTEXT_FILE,
                format!(
                    "the hand-over target `{}` is missing under `targets:`",
                    required.id()
                ),
            ));
        }
    }
    (context, targets)
}

/// The guide files by id. The last file for an id wins: company guides come after the
/// built-in ones; two files of one folder for the same guide are a problem.
fn guides_by_id(
    guide_sources: Vec<Source>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, Source> {
    let mut by_id: BTreeMap<String, Source> = BTreeMap::new();
    for source in guide_sources {
        if source.stem.starts_with('_') {
            problems.push(Problem::file(
                &source.name,
                "file names starting with `_` are reserved (only `_context.yaml` and `_vocabulary.yaml` are used)",
            ));
            continue;
        }
        // Two files of one folder for the same guide (`x.yaml` and `x.yml`): which one would win
        // depends on the names, so neither silently does.
        if let Some(first) = by_id
            .get(&source.stem)
            .filter(|first| first.origin == source.origin)
        {
            let message = format!(
                "the guide `{}` is already defined in {}: keep one file per guide",
                source.stem, first.name
            );
            match parse::<RawGuide>(&source) {
                Ok(raw) => problems.push(Problem::at(
                    &source.name,
                    &source.text,
                    raw.id.referenced,
                    message,
                )),
                Err(broken) => {
                    problems.push(broken);
                    problems.push(Problem::file(&source.name, message));
                }
            }
            continue;
        }
        by_id.insert(source.stem.clone(), source);
    }
    by_id
}

/// The base guides that no source replaces stay as they are, but for the company's contacts:
/// a target a guide did not change itself takes the company's contact and minutes.
fn kept_guides(
    base: Vec<Guide>,
    by_id: &BTreeMap<String, Source>,
    base_targets: &BTreeMap<Target, Contact>,
    targets: &BTreeMap<Target, Contact>,
) -> Vec<Guide> {
    base.into_iter()
        .filter(|g| !by_id.contains_key(&g.id))
        .map(|mut g| {
            for (target, contact) in g.escalate.targets.iter_mut() {
                if base_targets.get(target) == Some(contact)
                    && let Some(company) = targets.get(target)
                {
                    *contact = company.clone();
                }
            }
            g
        })
        .collect()
}

/// An alias must name one guide only: not another guide's id or alias, new or kept.
fn check_aliases(
    parsed: &[(&Source, RawGuide)],
    guide_ids: &BTreeSet<String>,
    guides: &[Guide],
    problems: &mut Vec<Problem>,
) {
    // Every name a user may type (ids and aliases), and the guide it names.
    let mut names: BTreeMap<String, String> = guide_ids
        .iter()
        .map(|id| (id.clone(), id.clone()))
        .collect();
    // The base guides that stay keep their aliases: a new guide cannot take them.
    for guide in guides {
        for alias in &guide.aliases {
            names
                .entry(alias.clone())
                .or_insert_with(|| guide.id.clone());
        }
    }
    // A new guide's id cannot be an alias a kept guide answers to: the name would mean two guides.
    for (source, raw) in parsed {
        if let Some(owner) = guides.iter().find(|g| g.aliases.contains(&raw.id.value)) {
            problems.push(Problem::at(
                &source.name,
                &source.text,
                raw.id.referenced,
                format!(
                    "guide id `{}` is already an alias of the guide `{}`: ids and aliases must be unique",
                    raw.id.value, owner.id
                ),
            ));
        }
    }
    for (source, raw) in parsed {
        for alias in &raw.aliases {
            let key = alias.value.trim().to_lowercase();
            match names.get(&key) {
                Some(owner) if *owner != source.stem => problems.push(Problem::at(
                    &source.name,
                    &source.text,
                    alias.referenced,
                    format!(
                        "alias `{key}` already names the guide `{owner}`: aliases must be unique"
                    ),
                )),
                _ => {
                    names.insert(key, source.stem.clone());
                }
            }
        }
    }
}

/// Overrides change finished guides, in file name order.
fn apply_overrides(
    overrides: &[Source],
    context: &[Question],
    guides: &mut [Guide],
    problems: &mut Vec<Problem>,
) {
    let devices: BTreeSet<String> = context
        .iter()
        .find(|q| q.id == DEVICE)
        .map(|q| q.options.iter().map(|o| o.value.clone()).collect())
        .unwrap_or_default();
    for source in overrides {
        match parse::<RawOverride>(source) {
            Ok(raw) => problems.extend(check::apply_override(
                &source.name,
                &source.text,
                &raw,
                guides,
                &devices,
            )),
            Err(p) => problems.push(p),
        }
    }
}

/// Adds questions (and options of existing questions) from a later context file.
fn merge_context(context: &mut Vec<Question>, extra: Vec<Question>) {
    for question in extra {
        match context.iter_mut().find(|q| q.id == question.id) {
            None => context.push(question),
            Some(existing) => {
                for option in question.options {
                    match existing
                        .options
                        .iter_mut()
                        .find(|o| o.value == option.value)
                    {
                        Some(o) => *o = option,
                        None => existing.options.push(option),
                    }
                }
            }
        }
    }
}
