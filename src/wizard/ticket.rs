//! The support ticket of a terminal session: where it is written (atomically, never over an
//! existing file) and the session as the [`Record`] that [`super::handover`] (pure, shared with
//! the exported site's wizard) builds the ticket from: who it goes to (one wording everywhere),
//! why, what the user said and did, what is redacted. The screen that collects it is
//! [`super::escalate`]; its Markdown and JSON are rendered in [`crate::output::ticket`].

use std::io::Write;
use std::path::{Path, PathBuf};

use super::FixRequest;
use super::handover::Record;
use super::session::Session;
use crate::error::Error;
use crate::output::Format;
use crate::output::ticket::{self, Ticket};

/// Where the ticket goes and in what format.
#[derive(Debug, Clone)]
pub struct TicketPlan {
    /// The exact file, when the user chose one.
    pub path: Option<PathBuf>,
    /// The folder for a generated name.
    pub dir: PathBuf,
    pub format: Format,
}

impl TicketPlan {
    /// Checks `--ticket` up front, so nobody answers ten questions to learn the path is taken.
    pub fn new(request: &FixRequest) -> Result<Self, Error> {
        let dir = std::env::current_dir().map_err(|e| {
            Error::Usage(format!("cannot use the current folder for the ticket: {e}"))
        })?;
        match &request.ticket {
            Some(path) => check_path(path)?,
            None => check_folder(&dir, "the current folder")?,
        }
        Ok(TicketPlan {
            path: request.ticket.clone(),
            dir,
            format: request.ticket_format.unwrap_or(Format::Markdown),
        })
    }

    /// The plan for a resumed session: the ticket path and format the first run was given,
    /// unless given again now.
    pub fn resumed(&self, request: &FixRequest, session: &Session) -> Result<Self, Error> {
        let mut plan = self.clone();
        if request.ticket.is_none()
            && let Some(path) = &session.ticket
        {
            check_path(path)?;
            plan.path = Some(path.clone());
        }
        if request.ticket_format.is_none() {
            match session.ticket_format.as_deref() {
                Some("json") => plan.format = Format::Json,
                Some("markdown") => plan.format = Format::Markdown,
                _ => {}
            }
        }
        Ok(plan)
    }

    /// Keeps the path and format in the session, for `--resume`.
    pub fn remember(&self, session: &mut Session) {
        session.ticket = self.path.clone();
        session.ticket_format = Some(
            match self.format {
                Format::Json => "json",
                _ => "markdown",
            }
            .to_owned(),
        );
    }
}

/// A ticket file that can be written: not there yet, in a folder that exists and takes files.
fn check_path(path: &Path) -> Result<(), Error> {
    // A link counts as taken even when it leads nowhere: writing through it would put the
    // ticket somewhere the user did not name.
    if std::fs::symlink_metadata(path).is_ok() {
        return Err(Error::Usage(format!(
            "--ticket {}: the file already exists and fieldfix never overwrites; choose a new name",
            path.display()
        )));
    }
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    match parent {
        Some(parent) if !parent.is_dir() => Err(Error::Usage(format!(
            "--ticket: the folder {} does not exist; create it or choose another path",
            parent.display()
        ))),
        Some(parent) => check_folder(parent, &parent.display().to_string()),
        None => check_folder(Path::new("."), "the current folder"),
    }
}

/// A folder fieldfix can write a ticket in (tried with a temporary file, removed at once).
fn check_folder(dir: &Path, name: &str) -> Result<(), Error> {
    tempfile::NamedTempFile::new_in(dir).map(drop).map_err(|e| {
        Error::Usage(format!(
            "cannot write the ticket in {name}: {e}; use --ticket PATH in a folder you can write to"
        ))
    })
}

/// What the ticket needs of `session`, made now.
pub fn record(session: &Session) -> Record {
    session.walk.record_for_ticket(&super::session::now())
}

/// Writes the ticket through a temporary file and a rename that never replaces a file.
pub fn write(ticket: &Ticket, plan: &TicketPlan) -> anyhow::Result<PathBuf> {
    let (text, ext) = match plan.format {
        Format::Json => (ticket::json(ticket), "json"),
        _ => (ticket::markdown(ticket), "md"),
    };
    let candidates: Vec<PathBuf> = match &plan.path {
        Some(path) => vec![path.clone()],
        None => {
            let stamp = jiff::ZonedDateTime::now()
                .strftime("%Y%m%d-%H%M%S")
                .to_string();
            let base = format!("fieldfix-ticket-{}-{stamp}", ticket.guide);
            (1..=99)
                .map(|n| {
                    let name = if n == 1 {
                        format!("{base}.{ext}")
                    } else {
                        format!("{base}-{n}.{ext}")
                    };
                    plan.dir.join(name)
                })
                .collect()
        }
    };
    let dir = candidates[0]
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    for path in &candidates {
        let mut tmp = tempfile::NamedTempFile::new_in(dir)
            .map_err(|e| anyhow::anyhow!("cannot write the ticket in {}: {e}", dir.display()))?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        match tmp.persist_noclobber(path) {
            Ok(_) => return Ok(path.clone()),
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => anyhow::bail!("cannot write the ticket {}: {}", path.display(), e.error),
        }
    }
    anyhow::bail!(
        "cannot find a free file name for the ticket in {}",
        dir.display()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guides::model::ProvideKind;
    use crate::wizard::handover::redact;

    #[test]
    fn a_ticket_that_cannot_be_written_names_the_folder() {
        let dir = tempfile::tempdir().unwrap();
        let not_a_folder = dir.path().join("file");
        std::fs::write(&not_a_folder, "").unwrap();
        let plan = TicketPlan {
            path: None,
            dir: not_a_folder.clone(),
            format: Format::Markdown,
        };
        let ticket = ticket::Ticket::new("photos", "Photos", "the admin", String::new());
        let err = write(&ticket, &plan).unwrap_err().to_string();
        assert!(err.contains(&not_a_folder.display().to_string()), "{err}");
    }

    #[test]
    fn contact_details_are_kept_only_where_asked_for() {
        let typed = "call me on +1 (555) 123-4567 or jo@example.com";
        assert_eq!(
            redact(typed, ProvideKind::Text),
            "call me on [phone number removed] or [email removed]"
        );
        assert_eq!(
            redact("jo@example.com", ProvideKind::Email),
            "jo@example.com"
        );
        assert_eq!(redact("555 123 4567", ProvideKind::Phone), "555 123 4567");
        assert_eq!(
            redact("Tower B, ring +44 20 7946 0958", ProvideKind::Text),
            "Tower B, ring [phone number removed]"
        );
        // Project numbers are not phone numbers, and a number answer keeps its digits.
        assert_eq!(
            redact("Project 23-0145-01, level 2", ProvideKind::Text),
            "Project 23-0145-01, level 2"
        );
        assert_eq!(redact("23-0145-01", ProvideKind::Number), "23-0145-01");
        assert_eq!(redact("555 123 4567", ProvideKind::Number), "555 123 4567");
        assert_eq!(
            redact("Submittal 12, rev 3", ProvideKind::Text),
            "Submittal 12, rev 3"
        );
    }
}
