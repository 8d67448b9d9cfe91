//! `fieldfix new`: a starter guide in the company guides folder, valid as written, with comments
//! on what goes where.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::{Error, exit};
use crate::guides::load::{self, Source};
use crate::guides::model::Origin;
use crate::guides::raw::ID_PATTERN;
use crate::guides::{embedded, text};

/// The schema file written beside the guides, which the starter's first line points editors to.
pub const SCHEMA_FILE: &str = "guide.schema.json";

/// What `fieldfix new` was asked for.
#[derive(Debug, Clone)]
pub struct NewRequest {
    pub id: String,
    pub title: String,
    /// The company guides folder (`--guides` or `FIELDFIX_GUIDES`).
    pub dir: Option<PathBuf>,
}

/// `fieldfix new`: writes `DIR/ID.yaml`, never over an existing file, and
/// `DIR/guide.schema.json` when the folder has none yet; prints the new file's path. Needs no
/// guides loaded (it checks the starter against the built-in ones).
pub fn run(request: &NewRequest, env: &mut super::Env) -> anyhow::Result<u8> {
    let out = &mut *env.out;
    let (dir, id, title) = checked_request(request)?;
    let path = dir.join(format!("{id}.yaml"));
    let yaml = starter(id, title);
    check_starter(dir, &path, id, &yaml)?;
    let builtin = embedded::library();
    let replaces = builtin.guide(id).map(|g| g.title.clone());
    let shadows = builtin
        .guides
        .iter()
        .find(|g| g.aliases.iter().any(|a| a == id))
        .map(|g| g.id.clone());

    fs::create_dir_all(dir)
        .map_err(|e| anyhow::anyhow!("cannot create the folder {}: {e}", dir.display()))?;
    write_new(dir, &path, &yaml)?;
    let schema = dir.join(SCHEMA_FILE);
    let wrote_schema =
        !schema.exists() && write_new(dir, &schema, crate::guides::schema_text()).is_ok();

    writeln!(out.writer, "{}", crate::safe::path(&path))?;
    out.writer.flush()?;
    let mut err = std::io::stderr().lock();
    if let Some(title) = replaces {
        let _ = writeln!(
            err,
            "note: `{id}` is a built-in guide (\"{title}\"): this file replaces it from now on, \
             placeholders and all, so fill it in before people use this folder"
        );
    }
    if let Some(other) = shadows {
        let _ = writeln!(
            err,
            "note: `{id}` is also a short name of the built-in guide `{other}`: `fieldfix fix {id}` will open this guide instead"
        );
    }
    if wrote_schema {
        let _ = writeln!(
            err,
            "wrote {} too, so editors check the guide as you type",
            crate::safe::path(&schema)
        );
    }
    let _ = writeln!(
        err,
        "Replace the placeholder text, then check the folder with `fieldfix validate {}`.",
        crate::safe::path(dir)
    );
    Ok(exit::OK)
}

/// The folder, id and title of `request`, trimmed, or why they cannot make a guide: no folder,
/// an id that is not an id, an empty or unprintable title, or a file of that id already there.
fn checked_request(request: &NewRequest) -> anyhow::Result<(&Path, &str, &str)> {
    let dir = request.dir.as_deref().ok_or_else(|| {
        Error::Usage(
            "`fieldfix new` writes into your company guides folder: name it with `--guides DIR` \
             (or the FIELDFIX_GUIDES environment variable)"
                .to_owned(),
        )
    })?;
    let id = request.id.trim();
    if !regex::Regex::new(ID_PATTERN)?.is_match(id) {
        anyhow::bail!(Error::Usage(format!(
            "`{}` is not a valid guide id: use lowercase letters, digits and single dashes, \
             like `crane-log-frozen`",
            text::sanitize(id)
        )));
    }
    let title = request.title.trim();
    if title.is_empty() {
        let hint = "say the problem as a user would, like `--title \"Crane log frozen\"`";
        return Err(Error::Usage(format!("the title is empty: {hint}")).into());
    }
    if let Some(c) = text::forbidden_char(title) {
        anyhow::bail!(Error::Usage(format!(
            "the title contains the control character {}: use plain text",
            c.escape_unicode()
        )));
    }
    for ext in ["yaml", "yml"] {
        let existing = dir.join(format!("{id}.{ext}"));
        if existing.exists() {
            anyhow::bail!(Error::Usage(format!(
                "{} already exists: fieldfix never overwrites a guide; edit it, or pick another id",
                existing.display()
            )));
        }
    }
    Ok((dir, id, title))
}

/// Refuses a starter that would not validate beside the folder's other guides (an id that is
/// another guide's alias, say), before anything is written.
fn check_starter(dir: &Path, path: &Path, id: &str, yaml: &str) -> Result<(), Error> {
    let name = path.display().to_string();
    let mut sources = load::folder_sources(dir).map_or_else(|_| Vec::new(), |(s, _)| s);
    sources.push(Source {
        name: name.clone(),
        stem: id.to_owned(),
        text: yaml.to_owned(),
        origin: Origin::Company,
    });
    let checked = load::assemble(embedded::library(), sources, Vec::new());
    let mine: Vec<String> = checked
        .problems
        .iter()
        .filter(|p| p.file == name)
        .map(|p| p.message.clone())
        .collect();
    if mine.is_empty() {
        Ok(())
    } else {
        Err(Error::Usage(format!(
            "a guide `{id}` cannot be added to {}: {}",
            dir.display(),
            mine.join("; ")
        )))
    }
}

/// Writes a new file atomically: a temporary file in the same folder, moved into place only if
/// nothing has appeared at `path` meanwhile.
fn write_new(dir: &Path, path: &Path, contents: &str) -> anyhow::Result<()> {
    super::export::temp_with(dir, contents)?
        .persist_noclobber(path)
        .map_err(|e| {
            if e.error.kind() == std::io::ErrorKind::AlreadyExists {
                anyhow::Error::new(Error::Usage(format!(
                    "{} already exists: fieldfix never overwrites a guide",
                    path.display()
                )))
            } else {
                anyhow::anyhow!("cannot write {}: {}", path.display(), e.error)
            }
        })?;
    Ok(())
}

/// A YAML double-quoted string (JSON's string syntax is valid YAML).
fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The starter guide: every section of the format, each with a comment on what goes there, and
/// placeholder text that passes `fieldfix validate` as written.
pub fn starter(id: &str, title: &str) -> String {
    STARTER
        .replace("{id}", id)
        .replace("{title}", &quoted(title))
        .replace("{schema}", SCHEMA_FILE)
}

const STARTER: &str = r#"# yaml-language-server: $schema={schema}
# A fieldfix guide: one problem, its likely causes, the questions that tell them apart and the
# steps that fix them. The format is described in docs/guide-format.md of fieldfix. Replace every
# placeholder below, then run `fieldfix validate` on this folder.

# Lowercase words joined by "-"; it must equal the file name (without .yaml).
id: {id}
# Short, as a user would say it.
title: {title}
# One or two sentences: what this problem is.
summary: >-
  Say in one or two sentences what goes wrong and where people notice it.
# Where the guide as a whole comes from (causes and steps say it for themselves, below).
sources: [seed]
# Short names a user may type, like `fieldfix fix photos`.
aliases: []
# How field staff describe it, in their own words: search matches these.
symptoms:
  - the way people usually describe it
  - another way people say it

escalate:
  to: admin           # who fixes it when the steps cannot: admin (your company's Procore
                      # admin) | support (Procore support) | it (your company's IT); their
                      # contact and minutes are set once, in _context.yaml
  signs:                                  # when it is time to stop trying steps
    - sign: The steps did not help and the problem still blocks work.
      # to: support                       # optional: someone other than `escalate.to`
  provide:                                # what support will ask for; collected into the ticket
    - id: email
      label: The email address you sign in to Procore with
      kind: email
    - id: company
      label: Company name in Procore
    - id: project
      label: Project name
    - id: when
      label: Date and time it last happened
      kind: time          # text (default) | time | device | email | phone | number
                          # time and device are filled in automatically by the wizard

# Possible reasons. Likelihoods are relative weights: write rough percentages summing to ~100.
causes:
  - id: common-cause                      # unique within the guide
    title: The most common reason
    explain: >-                           # plain language: what is going on and why it blocks
      Explain what is going on and why it stops the user.
    likelihood: 60
    sources: [seed]   # where it comes from: the https:// address of the Procore page you read
                      # it on, `device` (phone or computer knowledge), or `seed`
  - id: phone-setting
    title: A setting on the phone
    explain: Explain which setting and what it does.
    likelihood: 25
    when: { device: [ios, android] }      # optional: only applies when the answers allow it
  - id: admin-setting
    title: A setting only an admin can change
    explain: Explain what the admin has to change.
    likelihood: 15

# Optional: how the shared answers (device, network, scope) move this guide's causes.
context:
  scope:
    several-people:
      raises: [admin-setting]             # likelihood x3
      lowers: [phone-setting]             # likelihood /3

# At least 3 questions, each one telling causes apart. Never repeat device, network or scope,
# and never write "I don't know": fieldfix adds it.
questions:
  - id: happens-where                     # unique within the guide
    ask: Does it also happen on another device?
    options:
      - value: everywhere                 # lowercase-with-dashes; unique within the question
        label: Yes, on every device
        raises: [common-cause, admin-setting]
        rules_out: [phone-setting]        # never recommended again
      - value: one-device
        label: No, only on this one
        raises: [phone-setting]
  - id: error-shown
    ask: Does Procore show an error message?
    options:
      - value: permission
        label: Yes, about permissions or access
        raises: [admin-setting]
        escalate: >-                      # optional: this answer means only an admin can fix it
          Only an admin can change what you have access to.
      - value: none
        label: No message at all
        lowers: [admin-setting]
  - id: worked-before
    ask: Did it work before today?
    when: { scope: [just-me] }            # optional: only asked when the answers allow it
    options:
      - value: yes-before
        label: Yes, it used to work
        raises: [phone-setting]
      - value: never
        label: No, it never worked
        raises: [admin-setting]

# Ordered the way you would suggest them by default; fieldfix reorders them as answers come in.
steps:
  - id: fix-common-cause
    title: Fix the most common reason
    minutes: 2                            # honest estimate for a field user, > 0
    fixes: [common-cause]                 # causes this step resolves (at least one)
    sources: [seed]                       # where it comes from, as for causes
    do:                                   # what to do, imperative, one action per line
      - Open the Procore app or procore.com.
      - Say exactly what to tap or click.
  - id: change-phone-setting
    title: Change the setting on the phone
    minutes: 3
    fixes: [phone-setting]
    success: 0.8                          # optional, default 0.9: chance it fixes its cause
    after: [fix-common-cause]             # optional: steps that must come first
    # risk: loses-unsynced                # when it can delete work not yet uploaded (sign
    #                                     # out, reinstall, clear data): the guide then needs a
    #                                     # step with `safeguard: true` (check the upload queue)
    devices:                              # optional: lines for one device only
      ios:
        - Open Settings, then say where to go.
      android:
        - Open Settings, then say where to go.
  - id: ask-admin
    title: Ask your admin to check the setting
    minutes: 15
    fixes: [admin-setting]
    admin: Procore admin                  # the role that must do it, like "Drawings admin"
    # see: permission-denied              # optional: a related guide for this step
    do:
      - Ask your Procore admin to check the setting for you.

# Habits that stop it coming back.
prevent:
  - tip: Say what people can do so this does not happen again.
    causes: [phone-setting]               # optional: shown after this cause was fixed

# Other guide ids (see `fieldfix list`), like [permission-denied].
related: []
"#;
