//! The interactive wizard for field staff: pick the problem, answer the questions that matter,
//! then one step at a time until it is fixed or support gets a ready-made ticket.

mod escalate;
pub mod prompt;
pub mod session;
mod sessions;
mod ticket;

// What a card says, the hand-over and the unlisted-problem guide: shared with the web wizard.
pub use fieldfix_engine::walk::handover;
use fieldfix_engine::walk::{card, unlisted};

// The record each session leaves in the outcome log: with the rest of the outcome log.
use crate::outcomes::session_log as outcome_log;

use std::io::IsTerminal;
use std::path::PathBuf;

use console::Term;

use crate::commands::{self, DiagnoseRequest};
use crate::engine::{self, Plan};
use crate::error::{Error, exit};
use crate::guides::Library;
use crate::guides::model::{DEVICE, Guide, Question};
use crate::output::{Format, Out, Paint, device_label, percent};
use prompt::{PlainPrompter, Prompter, TermPrompter};
use session::{Outcome, Phase, Session, StepResult, Store};

pub use sessions::{SessionsRequest, sessions};
pub use ticket::TicketPlan;

/// What `fieldfix fix` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct FixRequest {
    pub diagnose: DiagnoseRequest,
    pub resume: bool,
    pub ticket: Option<PathBuf>,
    pub ticket_format: Option<Format>,
    /// Plain mode: numbered options, no cursor movement or colour.
    pub plain: bool,
    /// Keep no outcome log of this session (`--no-log`, `FIELDFIX_NO_LOG`).
    pub no_log: bool,
}

/// How a walk-through ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ending {
    Fixed,
    /// A ticket was written here.
    Ticket(PathBuf),
    /// The user stopped; the session is saved.
    Saved,
}

impl Ending {
    pub fn exit_code(&self) -> u8 {
        match self {
            Ending::Fixed => exit::OK,
            Ending::Ticket(_) => exit::ESCALATE,
            Ending::Saved => exit::INTERRUPTED,
        }
    }
}

/// Runs the wizard on the real terminal.
pub fn run(library: &Library, request: FixRequest, out: &mut Out) -> anyhow::Result<u8> {
    if !std::io::stdin().is_terminal() || !std::io::stderr().is_terminal() {
        return Err(Error::NoTerminal(no_terminal_message(library, &request)).into());
    }
    let tickets = TicketPlan::new(&request)?;
    let mut paint = Paint::for_stream(&Term::stderr(), None);
    // One column kept free: a line that reaches the edge would make the terminal wrap it.
    paint.width -= 1;
    let dumb = std::env::var("TERM").is_ok_and(|t| t == "dumb");
    let mut prompter: Box<dyn Prompter> = if request.plain || dumb {
        Box::new(PlainPrompter::new(paint.width))
    } else {
        prompt::catch_ctrl_c();
        Box::new(TermPrompter::new(paint))
    };
    let store = Store::default_location();
    let ending = walk(library, &request, &tickets, prompter.as_mut(), &store)?;
    if let Ending::Ticket(path) = &ending
        && !std::io::stdout().is_terminal()
    {
        // The result goes to stdout, so a script can pick the ticket up; on the terminal the
        // end screen has already shown it, once.
        writeln!(out.writer, "{}", crate::safe::path(path))?;
    }
    Ok(ending.exit_code())
}

/// Why the wizard cannot run here, and the `diagnose` command that gives the same answers:
/// for the guide named, the one a misspelt name is close to, or the one the words describe
/// (as the wizard would pick it); never a command naming a guide that does not exist.
fn no_terminal_message(library: &Library, request: &FixRequest) -> String {
    let named = request.diagnose.guide.as_deref();
    let (guide, note) = match named.map(|name| (name, library.find(name))) {
        None => (None, String::new()),
        // As typed: an alias or an id prefix works for `diagnose` too.
        Some((name, Ok(_))) => (Some(name.trim().to_owned()), String::new()),
        Some((name, Err(e))) => {
            use crate::guides::LookupError;
            let meant = match &e {
                LookupError::Unknown { suggestion, .. } => suggestion.clone(),
                LookupError::Ambiguous { .. } => None,
            };
            // Words that are no guide's name: the guide they describe, as the wizard finds it.
            let described = match &e {
                LookupError::Unknown {
                    suggestion: None, ..
                } => clear_winner(&crate::search::search(library, name)).map(|h| h.guide.clone()),
                _ => None,
            };
            let note = match &described {
                Some(id) => format!(
                    "`{}` is not a guide's name; it describes `{id}`.\n",
                    crate::safe::line(name)
                ),
                None => {
                    let e = e.to_string();
                    let mut first = e.chars();
                    let upper = first.next().map(|c| c.to_uppercase().to_string());
                    format!("{}{}.\n", upper.unwrap_or_default(), first.as_str())
                }
            };
            (meant.or(described), note)
        }
    };
    let find = match (&guide, named) {
        (Some(_), _) => String::new(),
        (None, None) => "`fieldfix search TEXT` finds the guide; ".to_owned(),
        (None, Some(words)) => {
            let words: String = words
                .chars()
                .filter(|c| !matches!(c, '"' | '$' | '`' | '\\') && !c.is_control())
                .collect();
            format!("`fieldfix search \"{words}\"` finds the guide; ")
        }
    };
    let guide = guide.unwrap_or_else(|| "GUIDE".to_owned());
    format!(
        "fieldfix fix asks questions, so it needs a terminal (stdin and stderr are not one here).\n\
         {note}To get the same answers in a script, use:\n  \
         fieldfix diagnose {guide} --device computer|ios|android --network good|weak|offline \
         --scope just-me|several-people [-a QUESTION=VALUE]... [--tried STEP]... [--format json]\n\
         ({find}`fieldfix diagnose {guide}` lists its questions.)"
    )
}

/// The walk-through, on any prompter. Saves the session after every answer.
pub fn walk(
    library: &Library,
    request: &FixRequest,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    store: &Store,
) -> anyhow::Result<Ending> {
    let run = outcome_log::Run::start(request);
    run.notice(store, p)?;
    match begin(library, request, tickets, p, store, &run)? {
        Some((session, tickets, _held)) => {
            go_on(library, request, session, &tickets, p, store, &run)
        }
        None => Ok(Ending::Saved),
    }
}

/// A line the user typed, as the session keeps it: trimmed, with any control character shown
/// as an escape (see [`crate::safe`]), the same in fancy and plain mode.
fn typed_line(text: &str) -> String {
    crate::safe::line(text.trim()).into_owned()
}

/// Saves the session after an answer. A state folder that cannot be written is said once;
/// the walk goes on, and nothing later claims a save that did not happen.
fn keep(store: &Store, session: &Session, p: &mut dyn Prompter) -> std::io::Result<()> {
    if let Some(e) = store.keep(session) {
        let paint = p.paint().clone();
        let reason = match &e {
            session::StoreError::Write { source, .. } => source.to_string(),
            other => other.to_string(),
        };
        let warning = format!(
            "Your answers cannot be saved in {}: {reason}. You can carry on, but stopping \
             before the end loses them (set FIELDFIX_STATE_DIR to a folder you can write).",
            crate::safe::path(store.dir())
        );
        p.say(&paint.wrap(&paint.warn(&warning), "", ""))?;
    }
    Ok(())
}

/// The end of a walk the user stopped: saved, and how to go on; or, when the state folder
/// cannot be written, that it was not saved.
fn stopped(p: &mut dyn Prompter, store: &Store, then: &str) -> std::io::Result<()> {
    let paint = p.paint().clone();
    let text = if store.failing() {
        "\nStopped. Your answers were not saved: the state folder cannot be written (see above)."
            .to_owned()
    } else {
        format!(
            "\nSaved. Run {} {then}.",
            paint.bold("fieldfix fix --resume")
        )
    };
    p.say(&paint.wrap(&text, "", ""))
}

/// The session to work on, where its ticket goes, and the hold on it (kept until the walk
/// ends, so a second wizard cannot take the same session up): a saved one picked up, or a new
/// one. `None` when the user stops before it starts.
fn begin(
    library: &Library,
    request: &FixRequest,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    store: &Store,
    run: &outcome_log::Run,
) -> anyhow::Result<Option<(Session, TicketPlan, Option<session::Held>)>> {
    let resumed = if request.resume {
        match choose_saved(library, store, p)? {
            Some(session) => session,
            None => return Ok(None),
        }
    } else {
        match unfinished(library, store, p, run)? {
            Unfinished::Resume(session) => *session,
            Unfinished::Start => {
                let Some(mut session) = start(library, request, p, store)? else {
                    return Ok(None);
                };
                tickets.remember(&mut session);
                let held = store.hold(&session.id)?;
                return Ok(Some((session, tickets.clone(), held)));
            }
            Unfinished::Quit => return Ok(None),
        }
    };
    let session = store.check(resumed, library)?;
    let held = store.hold(&session.id)?;
    p.say(&p.paint().dim(&format!(
        "Picking up {} where you left off (started {}).",
        quoted_title(library, &session),
        session.started
    )))?;
    let tickets = tickets.resumed(request, &session)?;
    Ok(Some((session, tickets, held)))
}

/// One screen after another until the session ends, saving before each.
fn go_on(
    library: &Library,
    request: &FixRequest,
    mut session: Session,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    store: &Store,
    run: &outcome_log::Run,
) -> anyhow::Result<Ending> {
    let unlisted = unlisted::unlisted(library);
    loop {
        keep(store, &session, p)?;
        let found = library.guide(&session.guide);
        let Some(guide) = found.or((session.guide == unlisted::UNLISTED).then_some(&unlisted))
        else {
            anyhow::bail!(
                "the saved session is for the guide `{}`, which no longer exists",
                session.guide
            );
        };
        let next = match session.phase {
            // Stopped before the problem was chosen: the description is searched again.
            Phase::Choose => match pick_problem(library, p, Some(&session.described))? {
                Chosen::Picked(picked, described) => {
                    let id = std::mem::take(&mut session.id);
                    session = new_session(library, request, picked, described)?;
                    session.id = id;
                    tickets.remember(&mut session);
                    Flow::Continue
                }
                Chosen::Stopped(_) => Flow::Quit,
            },
            Phase::Questions => questions(library, guide, &mut session, p)?,
            Phase::Steps => steps(library, guide, &mut session, p)?,
            Phase::Escalate => {
                let ending = escalate::escalate(library, guide, &mut session, tickets, p, store)?;
                run.ended(library, store, &mut session, &ending, p);
                if ending != Ending::Saved {
                    let _ = store.remove(&session.id);
                }
                return Ok(ending);
            }
        };
        match next {
            Flow::Continue => {}
            // Back from the first question: choose the problem again.
            Flow::Restart => match pick_problem(library, p, Some(""))? {
                Chosen::Picked(guide, described) => {
                    let described = if described.is_empty() {
                        std::mem::take(&mut session.described)
                    } else {
                        described
                    };
                    let id = std::mem::take(&mut session.id);
                    session = new_session(library, request, guide, described)?;
                    session.id = id;
                    tickets.remember(&mut session);
                }
                Chosen::Stopped(_) => {
                    run.ended(library, store, &mut session, &Ending::Saved, p);
                    return Ok(Ending::Saved);
                }
            },
            Flow::Fixed => {
                run.ended(library, store, &mut session, &Ending::Fixed, p);
                let _ = store.remove(&session.id);
                return Ok(Ending::Fixed);
            }
            Flow::Quit => {
                keep(store, &session, p)?;
                stopped(p, store, "to pick up where you left off")?;
                run.ended(library, store, &mut session, &Ending::Saved, p);
                return Ok(Ending::Saved);
            }
        }
    }
}

/// What a saved session is about: its guide's title, or the user's words when the problem
/// was not chosen yet.
fn session_title(library: &Library, session: &Session) -> String {
    match session.phase {
        Phase::Choose => format!("\"{}\"", session.described),
        _ => title_of(library, &session.guide).to_owned(),
    }
}

/// [`session_title`] in quotes: 'Photos not uploading', or "the user's words".
fn quoted_title(library: &Library, session: &Session) -> String {
    match session.phase {
        Phase::Choose => session_title(library, session),
        _ => format!("'{}'", session_title(library, session)),
    }
}

/// The title of the guide `id`, or the id when it is gone.
fn title_of<'a>(library: &'a Library, id: &'a str) -> &'a str {
    match library.guide(id) {
        Some(g) => g.title.as_str(),
        None if id == unlisted::UNLISTED => unlisted::UNLISTED_TITLE,
        None => id,
    }
}

/// "'Photos not uploading' (saved 10:42)".
fn saved_label(library: &Library, saved: &session::Saved) -> String {
    format!(
        "{} (saved {})",
        quoted_title(library, &saved.session),
        saved.saved
    )
}

/// `fix --resume`: the only saved session, or the one the user picks.
fn choose_saved(
    library: &Library,
    store: &Store,
    p: &mut dyn Prompter,
) -> anyhow::Result<Option<Session>> {
    let listing = store.list();
    say_unreadable(p, &listing.unreadable)?;
    let mut saved = listing.saved;
    match saved.len() {
        0 => return Err(session::StoreError::Missing(store.dir().to_owned()).into()),
        1 => return Ok(Some(saved.swap_remove(0).session)),
        _ => {}
    }
    let items: Vec<String> = saved.iter().map(|s| saved_label(library, s)).collect();
    Ok(p.select("Which one do you want to pick up?", &items, 0)?
        .map(|i| saved.swap_remove(i).session))
}

/// Saved sessions that cannot be resumed, each with its file, so none is silently hidden.
fn say_unreadable(p: &mut dyn Prompter, unreadable: &[session::Unreadable]) -> std::io::Result<()> {
    let paint = p.paint().clone();
    for u in unreadable {
        p.say(&paint.wrap(
            &paint.warn(&format!(
                "A saved session cannot be read ({}); delete it to start afresh:",
                u.reason
            )),
            "",
            "",
        ))?;
        p.say_whole(&format!("  {}", crate::safe::path(&u.path)))?;
    }
    Ok(())
}

enum Unfinished {
    Resume(Box<Session>),
    Start,
    Quit,
}

/// Before a new problem: what to do with the session already saved, if any. It is never
/// replaced without asking.
fn unfinished(
    library: &Library,
    store: &Store,
    p: &mut dyn Prompter,
    run: &outcome_log::Run,
) -> anyhow::Result<Unfinished> {
    let listing = store.list();
    say_unreadable(p, &listing.unreadable)?;
    // One open in another wizard is not waiting here.
    let mut saved: Vec<session::Saved> = listing
        .saved
        .into_iter()
        .filter(|s| !store.held_elsewhere(&s.session.id))
        .collect();
    if saved.is_empty() {
        return Ok(Unfinished::Start);
    }
    let latest = saved.swap_remove(0);
    let more = match saved.len() {
        0 => String::new(),
        n => format!(" You have {n} more saved (see `fieldfix sessions`)."),
    };
    let paint = p.paint().clone();
    p.say(&paint.wrap(
        &format!(
            "You have an unfinished {}.{more}",
            saved_label(library, &latest)
        ),
        "",
        "",
    ))?;
    let items = [RESUME_IT, KEEP_IT, DISCARD_IT].map(str::to_owned);
    match p.select("Resume it, keep it for later, or discard it?", &items, 0)? {
        None => Ok(Unfinished::Quit),
        Some(0) => Ok(Unfinished::Resume(Box::new(latest.session))),
        Some(1) => Ok(Unfinished::Start),
        Some(_) => {
            // Not while another wizard has it open.
            let _held = store.hold(&latest.session.id)?;
            run.discarded(library, store, &latest.session, p);
            store.remove(&latest.session.id)?;
            Ok(Unfinished::Start)
        }
    }
}

const RESUME_IT: &str = "Resume it";
const KEEP_IT: &str = "Keep it for later, start a new one";
const DISCARD_IT: &str = "Discard it, start a new one";

/// What to do after one screen.
#[derive(PartialEq)]
enum Flow {
    Continue,
    Fixed,
    Quit,
    /// Back to the choice of problem.
    Restart,
}

/// A new session: the guide named on the command line, or the one the user picks. `None`
/// when the user stops first; what they typed by then is saved, to be searched again on
/// `--resume`.
fn start(
    library: &Library,
    request: &FixRequest,
    p: &mut dyn Prompter,
    store: &Store,
) -> anyhow::Result<Option<Session>> {
    let named = request.diagnose.guide.as_deref();
    let (picked, described) = match named.map(|name| library.find(name)) {
        Some(Ok(guide)) => (Picked::Guide(guide), String::new()),
        // Words that are not a guide's name are a description.
        words => match pick_problem(library, p, words.and(named))? {
            Chosen::Picked(picked, described) => (picked, described),
            Chosen::Stopped(described) if described.is_empty() => return Ok(None),
            Chosen::Stopped(described) => {
                let mut session = new_session(library, request, Picked::Unlisted, described)?;
                session.phase = Phase::Choose;
                keep(store, &session, p)?;
                stopped(p, store, "to pick up where you left off")?;
                return Ok(None);
            }
        },
    };
    new_session(library, request, picked, described).map(Some)
}

/// What the first screen came to.
enum Chosen<'a> {
    /// The problem picked, and the description typed (empty when picked from the list).
    Picked(Picked<'a>, String),
    /// The user stopped; the description typed by then, if any.
    Stopped(String),
}

/// What the user picked on the first screen.
#[derive(Clone, Copy)]
enum Picked<'a> {
    Guide(&'a Guide),
    /// None of the guides fits: straight to a ticket.
    Unlisted,
}

fn new_session(
    library: &Library,
    request: &FixRequest,
    picked: Picked,
    described: String,
) -> anyhow::Result<Session> {
    let unlisted;
    let guide = match picked {
        Picked::Guide(guide) => guide,
        Picked::Unlisted => {
            unlisted = unlisted::unlisted(library);
            &unlisted
        }
    };
    let situation = commands::situation(library, guide, &request.diagnose)?;
    let mut session = Session::new(&guide.id, situation);
    if matches!(picked, Picked::Unlisted) {
        session.phase = Phase::Escalate;
    }
    for hint in crate::search::hints(&described) {
        let known = library
            .context_question(hint.question)
            .is_some_and(|q| q.choice(hint.value).is_some());
        if known && session.situation.answer(hint.question).is_none() {
            session.presumed.insert(
                hint.question.to_owned(),
                session::Presumed {
                    value: hint.value.to_owned(),
                    said: hint.said,
                },
            );
        }
    }
    session.described = described;
    Ok(session)
}

const FIRST_SCREEN: &str = "What's going wrong? (describe it, or press Enter for the list)";
const DESCRIBE: &str = "Something else: describe it in my own words";
const FULL_LIST: &str = "None of these: show the full list";
/// The last entry of the full list: no guide fits, so the details go straight into a ticket.
fn none_fit(library: &Library) -> String {
    let unlisted = unlisted::unlisted(library);
    format!(
        "None of these: write a ticket for {}",
        ticket::Recipient::of(&unlisted, unlisted.escalate.to).name
    )
}

/// "What's going wrong?": the user's words go to the search; an empty answer shows the list.
/// `typed` stands for the first answer (`Some("")`: straight to the list). Returns what was
/// picked and the description (empty when picked from the list straight away), or what was
/// typed before the user stopped.
fn pick_problem<'a>(
    library: &'a Library,
    p: &mut dyn Prompter,
    typed: Option<&str>,
) -> anyhow::Result<Chosen<'a>> {
    let mut typed = typed.map(str::to_owned);
    let mut described = String::new();
    loop {
        let text = match typed.take() {
            Some(text) => text,
            None => match p.input(FIRST_SCREEN)? {
                Some(text) => text,
                None => return Ok(Chosen::Stopped(described)),
            },
        };
        let text = typed_line(&text);
        if !text.is_empty() {
            described = text.clone();
            let hits = crate::search::search(library, &text);
            if let Some(guide) = clear_winner(&hits).and_then(|hit| library.guide(&hit.guide)) {
                return Ok(Chosen::Picked(Picked::Guide(guide), described));
            }
            if hits.is_empty() {
                p.say("No guide matches that. Pick from the list instead.")?;
            } else {
                let mut options: Vec<String> =
                    hits.iter().take(5).map(|h| h.title.clone()).collect();
                told_apart(library, &text, &hits, &mut options);
                options.push(FULL_LIST.to_owned());
                let Some(i) = p.select("Is it one of these?", &options, 0)? else {
                    return Ok(Chosen::Stopped(described));
                };
                let hit = hits.get(i).filter(|_| i < options.len() - 1);
                if let Some(guide) = hit.and_then(|hit| library.guide(&hit.guide)) {
                    return Ok(Chosen::Picked(Picked::Guide(guide), described));
                }
            }
        }
        // The full list, by title.
        let mut guides: Vec<&Guide> = library.guides.iter().collect();
        guides.sort_by_key(|g| g.title.to_lowercase());
        let mut items: Vec<String> = guides.iter().map(|g| g.title.clone()).collect();
        items.push(DESCRIBE.to_owned());
        items.push(none_fit(library));
        let Some(i) = p.select("Which problem is it?", &items, 0)? else {
            return Ok(Chosen::Stopped(described));
        };
        if let Some(guide) = guides.get(i) {
            return Ok(Chosen::Picked(Picked::Guide(guide), described));
        }
        if i == items.len() - 1 {
            return Ok(Chosen::Picked(Picked::Unlisted, described));
        }
    }
}

/// When the top two hits are close, each of their options gets the line of its guide that tells
/// it from the other: `Title — "line"`.
fn told_apart(library: &Library, text: &str, hits: &[crate::search::Hit], options: &mut [String]) {
    let [first, second, ..] = hits else { return };
    if second.score < first.score * CLOSE {
        return;
    }
    if let Some((a, b)) = crate::search::tell_apart(library, text, &first.guide, &second.guide) {
        for (option, line) in options.iter_mut().zip([a, b]) {
            if line.eq_ignore_ascii_case(option) {
                continue;
            }
            // One screen line wide at most (the menu's marker included), cut with "…".
            let room = TOLD_APART_WIDTH.saturating_sub(option.chars().count() + 5);
            let line: String = if line.chars().count() > room {
                let cut: String = line.chars().take(room.saturating_sub(1)).collect();
                format!("{}…", cut.trim_end())
            } else {
                line
            };
            option.push_str(&format!(" — \"{line}\""));
        }
    }
}

/// The widest an option with its telling line gets, in characters.
const TOLD_APART_WIDTH: usize = 76;

/// How close the second hit's score must be to the first's (as a share of it) for the two to
/// count as close.
const CLOSE: f64 = 0.66;

/// The top hit when it stands out: a good match on its own, and the next one scores at most
/// two thirds of it ("cant log in" fits a login loop and a locked account about as well).
fn clear_winner(hits: &[crate::search::Hit]) -> Option<&crate::search::Hit> {
    let first = hits.first()?;
    let second = hits.get(1).map_or(0.0, |h| h.score);
    (first.score >= 0.6 && second <= first.score * CLOSE).then_some(first)
}

/// The question worth the most (by the engine's value of information), not yet put to the
/// user; shared and guide questions compete alike. `None` when no question pays.
fn next_question<'a>(
    library: &'a Library,
    guide: &'a Guide,
    session: &Session,
) -> Option<(&'a Question, engine::OpenQuestion)> {
    let plan = engine::diagnose(&library.context, guide, &session.situation);
    plan.questions
        .into_iter()
        .filter(|q| !session.asked.contains(&q.id))
        .find_map(|q| library.question(guide, &q.id).map(|full| (full, q)))
}

const DONT_KNOW: &str = "I don't know";
const BACK: &str = "Back";

fn questions(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    if session.asked.is_empty() && session.undo.is_empty() {
        p.say(&p.paint().heading(&format!("\n{}", guide.title)))?;
    }
    if take_presumed(library, guide, session, p)? {
        return Ok(Flow::Continue);
    }
    let reasked = session
        .reask
        .iter()
        .find(|id| !session.asked.contains(id) && session.situation.answer(id).is_none())
        .and_then(|id| library.question(guide, id));
    let next = match reasked {
        Some(q) => Some((q, None)),
        None => next_question(library, guide, session).map(|(q, open)| (q, Some(open))),
    };
    let Some((q, open)) = next else {
        summary(library, guide, session, p)?;
        session.checkpoint();
        session.phase = Phase::Steps;
        return Ok(Flow::Continue);
    };
    if let Some(why) = open.and_then(|open| card::why_ask(guide, &open)) {
        p.say(&p.paint().wrap(&p.paint().dim(&why), "", ""))?;
    }
    let mut items: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
    items.push(DONT_KNOW.to_owned());
    items.push(BACK.to_owned());
    // Asked again after Back: the answer given before is highlighted.
    let before = match session.undone.get(&q.id) {
        Some(Some(value)) => q.options.iter().position(|o| o.value == *value),
        Some(None) => Some(q.options.len()),
        None => None,
    };
    let Some(i) = p.select(&q.ask, &items, before.unwrap_or(0))? else {
        return Ok(Flow::Quit);
    };
    if items[i] == BACK {
        if !session.back() {
            return Ok(Flow::Restart);
        }
        return Ok(Flow::Continue);
    }
    session.checkpoint();
    session.answer(&q.id, q.options.get(i).map(|o| o.value.as_str()));
    Ok(Flow::Continue)
}

/// What the user's own words already answered is used first, whatever it is worth: they
/// said it, and it costs nothing to take. True when an answer was taken (and shown).
fn take_presumed(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<bool> {
    let said = session
        .presumed
        .keys()
        .find(|id| !session.asked.contains(id))
        .and_then(|id| library.question(guide, id));
    if let Some(q) = said
        && let Some(presumed) = session.presumed.remove(&q.id)
    {
        // Answered by the description: shown, not asked. The checkpoint comes after the
        // removal and marks the question to be asked, so Back asks it, whatever it is worth.
        session.reask.push(q.id.clone());
        session.checkpoint();
        session.reask.retain(|id| *id != q.id);
        session.asked.push(q.id.clone());
        let label = q
            .choice(&presumed.value)
            .map_or(presumed.value.as_str(), |c| c.label.as_str());
        let paint = p.paint().clone();
        let note = format!("You said {}: {label} (change with Back)", presumed.said);
        p.say(&paint.wrap(&paint.dim(&note), "", "  "))?;
        session
            .situation
            .answers
            .insert(q.id.clone(), presumed.value);
        return Ok(true);
    }
    Ok(false)
}

/// "Most likely": the top causes, one line each.
fn summary(
    library: &Library,
    guide: &Guide,
    session: &Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<()> {
    let plan = engine::diagnose(&library.context, guide, &session.situation);
    let paint = p.paint().clone();
    p.say(&paint.heading("\nMost likely:"))?;
    for c in plan.causes.iter().filter(|c| c.probability > 0.0).take(3) {
        p.say(&paint.wrap(
            &format!("{}: likely cause {}", c.title, percent(c.probability)),
            "  - ",
            "    ",
        ))?;
    }
    if !plan.escalation.recommended {
        // Answers that point at a hand-over weigh in, but steps with a real chance come first.
        for reason in &plan.escalation.reasons {
            p.say(&paint.wrap(&paint.dim(&format!("Note: {reason}")), "  ", "  "))?;
        }
    }
    Ok(())
}

/// What can be said about a step, in the one order the menu always shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StepChoice {
    Fixed,
    DidntHelp,
    Skip,
    Cant,
    Escalate,
    Back,
    SaveQuit,
    Switch,
    Related,
    CheckFiles,
    OtherDevice,
}

const SWITCH: &str = "It's a different problem (keeps my answers)";
const OTHER_DEVICE: &str = "Show the steps for another device";
const CONFIRM_DONE: &str = "Yes, I did it";
const CONFIRM_NOT_YET: &str = "No, not yet: back to the step";

/// The step menu. The entries every step has never move, so the same keys (or numbers, in
/// plain mode) always record the same answer: only the optional ones (related guide, file
/// check, another device's steps) come and go, after all of them, and a recommendation to hand
/// over is a mark on its entry.
fn step_menu(
    related: Option<&str>,
    check_files: bool,
    recipient: &str,
    other_device: bool,
    recommended: bool,
) -> Vec<(StepChoice, String)> {
    // Named as the hand-over screen and the ticket name them.
    let escalate = if recommended {
        format!("Hand it to {recipient} now (recommended)")
    } else {
        format!("Hand it to {recipient} now (write a ticket)")
    };
    let mut menu = vec![
        (StepChoice::Fixed, "Fixed it".to_owned()),
        (StepChoice::DidntHelp, "Didn't help".to_owned()),
        (StepChoice::Skip, "Skip for now".to_owned()),
        (
            StepChoice::Cant,
            "I can't do this (needs an admin)".to_owned(),
        ),
        (StepChoice::Escalate, escalate),
        (StepChoice::Back, BACK.to_owned()),
        (StepChoice::SaveQuit, "Save and quit".to_owned()),
        (StepChoice::Switch, SWITCH.to_owned()),
    ];
    if let Some(title) = related {
        menu.push((StepChoice::Related, format!("Open related guide: {title}")));
    }
    if check_files {
        menu.push((StepChoice::CheckFiles, "Check the files now".to_owned()));
    }
    if other_device {
        menu.push((StepChoice::OtherDevice, OTHER_DEVICE.to_owned()));
    }
    menu
}

fn steps(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    let plan = engine::diagnose(&library.context, guide, &session.situation);
    let Some(next) = plan.steps.first() else {
        session.checkpoint();
        session.phase = Phase::Escalate;
        return Ok(Flow::Continue);
    };
    let step = guide
        .step(&next.id)
        .expect("the engine only plans the guide's own steps");
    let related = step.see.as_deref().and_then(|id| library.guide(id));
    // With the device unknown, one device's instructions at a time (the likeliest first), so
    // that the title, the instructions and the menu fit on one screen.
    let devices = devices_to_show(library, guide, step, &session.situation);
    let mut shown = devices.first().copied();
    let menu = step_menu(
        related.map(|r| r.title.as_str()),
        step.check_files,
        &ticket::recipient(guide, &plan).name,
        devices.len() > 1,
        plan.escalation.recommended,
    );
    let labels: Vec<String> = menu.iter().map(|(_, label)| label.clone()).collect();
    let mut default = undone_choice(session, step, &menu);
    // The rows the menu takes, long entries wrapped as the prompt wraps them.
    let paint = p.paint().clone();
    let rows: usize = labels
        .iter()
        .map(|l| paint.wrap(l, "  ", "    ").lines().count())
        .sum();
    let i = loop {
        show_step(guide, session, &plan, rows, shown, p)?;
        let Some(i) = p.select("How did it go?", &labels, default)? else {
            return Ok(Flow::Quit);
        };
        if menu[i].0 != StepChoice::OtherDevice {
            break i;
        }
        let others: Vec<&str> = devices
            .iter()
            .copied()
            .filter(|d| Some(*d) != shown)
            .collect();
        shown = match others.as_slice() {
            [one] => Some(*one),
            _ => {
                let items: Vec<String> =
                    others.iter().map(|d| device_label(d).to_owned()).collect();
                match p.select("The steps for which device?", &items, 0)? {
                    Some(d) => Some(others[d]),
                    None => return Ok(Flow::Quit),
                }
            }
        };
        default = i;
    };
    if matches!(menu[i].0, StepChoice::Fixed | StepChoice::DidntHelp)
        && let Some(flow) = confirm_risky(step, session, p)?
    {
        return Ok(flow);
    }
    act(library, guide, step, related, menu[i].0, session, p)
}

/// The devices whose own instructions `step` has, when the device is not known: the likeliest
/// first, by the chance of each answer to the device question given what is known (see
/// [`engine::answer_chances`]); ties keep the question's order. Empty when the device is
/// known or the step has no device lines.
fn devices_to_show<'a>(
    library: &Library,
    guide: &Guide,
    step: &'a crate::guides::model::Step,
    situation: &engine::Situation,
) -> Vec<&'a str> {
    if situation.answer(DEVICE).is_some() {
        return Vec::new();
    }
    let mut devices: Vec<&str> = step.devices.keys().map(String::as_str).collect();
    if let Some(q) = library.context_question(DEVICE) {
        let chances = engine::answer_chances(guide, q, situation);
        let rank = |d: &str| {
            let i = q.options.iter().position(|o| o.value == d);
            let chance = i.and_then(|i| chances.get(i)).copied().unwrap_or(0.0);
            (chance, std::cmp::Reverse(i.unwrap_or(usize::MAX)))
        };
        devices.sort_by(|a, b| {
            rank(b)
                .partial_cmp(&rank(a))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    devices
}

/// The choice given at `step` before the user went Back to it, so that the menu highlights it
/// again (the first entry otherwise).
fn undone_choice(
    session: &Session,
    step: &crate::guides::model::Step,
    menu: &[(StepChoice, String)],
) -> usize {
    let choice = match session.undone_steps.get(&step.id) {
        Some(StepResult::Fixed) => StepChoice::Fixed,
        Some(StepResult::DidNotHelp) => StepChoice::DidntHelp,
        Some(StepResult::Skipped) => StepChoice::Skip,
        Some(StepResult::NeedsAdmin) => StepChoice::Cant,
        None => return 0,
    };
    menu.iter().position(|(c, _)| *c == choice).unwrap_or(0)
}

/// Does what the user chose at `step`.
fn act(
    library: &Library,
    guide: &Guide,
    step: &crate::guides::model::Step,
    related: Option<&Guide>,
    choice: StepChoice,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    match choice {
        StepChoice::Fixed => {
            record(session, guide, step, StepResult::Fixed);
            fixed(guide, &step.id, p)?;
            return Ok(Flow::Fixed);
        }
        StepChoice::DidntHelp => {
            record(session, guide, step, StepResult::DidNotHelp);
            session.situation.tried.push(step.id.clone());
        }
        StepChoice::Skip => {
            record(session, guide, step, StepResult::Skipped);
            session.situation.skipped.push(step.id.clone());
        }
        StepChoice::Cant => {
            record(session, guide, step, StepResult::NeedsAdmin);
            session.situation.for_admin.push(step.id.clone());
            p.say(
                &p.paint()
                    .dim("Noted: it goes in the ticket for your admin if nothing else works."),
            )?;
        }
        StepChoice::Escalate => {
            session.checkpoint();
            session.phase = Phase::Escalate;
        }
        StepChoice::Back => {
            // The step before; at the first step, the last question (the state just before
            // the steps began has every question answered, so go one further).
            let back = session.back() && (session.phase != Phase::Questions || session.back());
            if !back {
                return Ok(Flow::Restart);
            }
        }
        StepChoice::SaveQuit => return Ok(Flow::Quit),
        StepChoice::CheckFiles => {
            if check_files(session, p)? == Flow::Quit {
                return Ok(Flow::Quit);
            }
        }
        StepChoice::Related => {
            if let Some(r) = related {
                session.checkpoint();
                switch_guide(library, session, &r.id);
            }
        }
        StepChoice::Switch => return switch_problem(library, session, p),
        // Handled at the menu: it only changes what the card shows.
        StepChoice::OtherDevice => {}
    }
    Ok(Flow::Continue)
}

/// "It's a different problem": the first screen again; the answers given so far are kept
/// (see [`Session::switch_to`]) and the new words join the description.
fn switch_problem(
    library: &Library,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    let Chosen::Picked(picked, described) = pick_problem(library, p, None)? else {
        return Ok(Flow::Quit);
    };
    let to = match picked {
        Picked::Guide(g) => g.id.as_str(),
        Picked::Unlisted => unlisted::UNLISTED,
    };
    if to == session.guide {
        p.say(
            &p.paint()
                .dim("That is the problem you are on: carrying on with it."),
        )?;
        return Ok(Flow::Continue);
    }
    session.checkpoint();
    if to != unlisted::UNLISTED {
        session.switches.push(crate::outcomes::Switch {
            from: session.guide.clone(),
            to: to.to_owned(),
        });
    }
    switch_guide(library, session, to);
    if !described.is_empty() {
        if !session.described.is_empty() {
            session.described.push_str(" / ");
        }
        session.described.push_str(&described);
    }
    if to == unlisted::UNLISTED {
        session.phase = Phase::Escalate;
    } else {
        let paint = p.paint().clone();
        p.say(&paint.heading(&format!("\n{}", title_of(library, to))))?;
        p.say(&paint.wrap(
            &paint.dim("Your answers so far are kept; Back returns to the last problem."),
            "",
            "",
        ))?;
    }
    Ok(Flow::Continue)
}

/// Logs what came of `step` (a checkpoint first, so Back can undo it).
fn record(
    session: &mut Session,
    guide: &Guide,
    step: &crate::guides::model::Step,
    result: StepResult,
) {
    session.checkpoint();
    session.log.push(Outcome {
        guide: guide.id.clone(),
        step: step.id.clone(),
        title: step.title.clone(),
        result,
        at: session::now(),
    });
}

/// Before a step that can lose unsynced work on this device counts as done or tried, the user
/// confirms they did it. `Some` when the answer quits, or goes back to the step.
fn confirm_risky(
    step: &crate::guides::model::Step,
    session: &Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Option<Flow>> {
    let Some(risk) = card::at_risk(step, session.situation.answer(DEVICE)) else {
        return Ok(None);
    };
    let warning = p.paint().wrap(&p.paint().warn(risk.warning()), "", "");
    p.say(&warning)?;
    let sure = [CONFIRM_DONE.to_owned(), CONFIRM_NOT_YET.to_owned()];
    Ok(match p.select("Did you do this step?", &sure, 1)? {
        None => Some(Flow::Quit),
        Some(0) => None,
        Some(_) => Some(Flow::Continue),
    })
}

/// "Check the files now": asks for a path (typed, pasted or dropped on the terminal) and
/// shows what `fieldfix preflight` finds, then returns to the same step.
fn check_files(session: &mut Session, p: &mut dyn Prompter) -> anyhow::Result<Flow> {
    let network = session.situation.answer(crate::guides::model::NETWORK);
    let Some(typed) = p.input("File or folder to check (drag it here, or type its path)")? else {
        return Ok(Flow::Quit);
    };
    let path = dropped_path(&typed);
    if path.as_os_str().is_empty() {
        return Ok(Flow::Continue);
    }
    match crate::preflight::check(&[path], crate::preflight::Network::from_answer(network)) {
        Ok(scan) => {
            let report = crate::preflight::render_text(&scan, p.paint());
            p.say(&report)?;
            // The ticket gets the same findings, without colour.
            let plain = crate::preflight::render_text(&scan, &Paint::plain());
            session.checked.push(plain);
        }
        Err(e) => p.say(&p.paint().warn(&crate::safe::text(&e.to_string())))?,
    }
    Ok(Flow::Continue)
}

/// A path as terminals paste a dropped file: maybe quoted, maybe with `\ ` for spaces.
fn dropped_path(typed: &str) -> PathBuf {
    let t = typed.trim();
    let unquoted = t
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| t.strip_prefix('"').and_then(|s| s.strip_suffix('"')));
    match unquoted {
        Some(inner) => PathBuf::from(inner),
        // Backslash-escaped spaces are a Unix terminal habit; on Windows a backslash is a
        // path separator and stays.
        None if cfg!(windows) => PathBuf::from(t),
        None => PathBuf::from(t.replace("\\ ", " ")),
    }
}

/// Switches to another guide, keeping every answer given (see [`Session::switch_to`]).
fn switch_guide(library: &Library, session: &mut Session, guide: &str) {
    session.switch_to(guide, |id| library.context_question(id).is_some());
}

/// The step card: title, minutes and chance, what to do on this device (on the device `shown`
/// when it is not known), then the notes (why this step, admin only, handing over) as far as
/// they fit above a menu of `menu` rows. When even the instructions do not fit, the title and
/// its minutes go below them, just above the menu, so that the title and the menu are always
/// on screen together.
fn show_step(
    guide: &Guide,
    session: &Session,
    plan: &Plan,
    menu: usize,
    shown: Option<&str>,
    p: &mut dyn Prompter,
) -> anyhow::Result<()> {
    let paint = p.paint().clone();
    let next = &plan.steps[0];
    let Some(step) = guide.step(&next.id) else {
        return Ok(());
    };
    let number = session.log.iter().filter(|o| o.guide == guide.id).count() + 1;
    let mut card = vec![paint.wrap(
        &paint.heading(&format!("Step {number}: {}", step.title)),
        "",
        "  ",
    )];
    card.push(paint.wrap(&paint.dim(&card::about(step, next)), "  ", "  "));
    let device = session.situation.answer(DEVICE);
    if let Some(risk) = card::at_risk(step, device) {
        card.push(paint.wrap(&paint.warn(risk.warning()), "  ", "  "));
    }
    // With the device unknown, only the device shown (the others are one menu entry away).
    let lines = step.lines_for(device).into_iter();
    for (dev, line) in lines.filter(|(dev, _)| dev.is_none_or(|d| Some(d) == shown)) {
        card.push(paint.wrap(&card::line(dev, line), "  - ", "    "));
    }
    // The notes, most needed first.
    let notes = card::notes(guide, step, next, plan, &ticket::record(session))
        .into_iter()
        .map(|(tone, note)| match tone {
            card::Tone::Warn => paint.warn(&note),
            card::Tone::Dim => paint.dim(&note),
        });
    let lines = |parts: &[String]| parts.iter().map(|c| c.lines().count()).sum::<usize>();
    // The menu takes its options and the question; one row for the blank line above.
    let room = p.rows().saturating_sub(menu + 2);
    if lines(&card) > room {
        // The top rows will scroll away: the title and minutes go last.
        card.rotate_left(2);
    }
    for note in notes {
        let note = paint.wrap(&note, "  ", "  ");
        if lines(&card) + note.lines().count() <= room {
            card.push(note);
        }
    }
    if lines(&card) < room {
        card.insert(0, String::new());
    }
    Ok(p.say(&card.join("\n"))?)
}

/// The good news, and the prevention tips that fit.
fn fixed(guide: &Guide, step: &str, p: &mut dyn Prompter) -> anyhow::Result<()> {
    let paint = p.paint().clone();
    p.say(&paint.good("\nGreat, it's fixed."))?;
    let tips = engine::tips(guide, Some(step));
    if !tips.is_empty() {
        p.say(&paint.heading("To keep it from coming back:"))?;
        for t in tips.iter().take(4) {
            p.say(&paint.wrap(&t.tip, "  - ", "    "))?;
        }
    }
    Ok(())
}
