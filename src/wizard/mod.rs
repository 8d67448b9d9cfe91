//! The interactive wizard for field staff: pick the problem, answer the questions that matter,
//! then one step at a time until it is fixed or support gets a ready-made ticket.

mod escalate;
pub mod prompt;
pub mod session;
mod ticket;

// The walk itself (which screen next, what a choice changes), what a card says, the hand-over
// and the unlisted-problem guide: shared with the web wizard.
use fieldfix_engine::walk::choose::{self, Found};
pub use fieldfix_engine::walk::handover;
use fieldfix_engine::walk::next::{self, Event, Next, StepChoice};
use fieldfix_engine::walk::{Walk, card, unlisted};

// The record each session leaves in the outcome log: with the rest of the outcome log.
use crate::outcomes::session_log as outcome_log;

use std::io::IsTerminal;
use std::path::PathBuf;

use console::Term;

use crate::commands::{self, DiagnoseRequest};
use crate::engine::{self, Plan};
use crate::error::{Error, exit};
use crate::guides::Library;
use crate::guides::model::{DEVICE, Guide, Question, Risk, Step};
use crate::output::{Format, Out, Paint, device_label, percent};
use prompt::{PlainPrompter, Prompter, TermPrompter};
use session::{Phase, Session, Store};

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
        return Err(Error::Usage(no_terminal_message(library, &request)).into());
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
            let (meant, described) = match &e {
                LookupError::Unknown {
                    suggestion: Some(meant),
                    ..
                } => (Some(meant.clone()), None),
                // Words that are no guide's name: the guide they describe, as the wizard finds it.
                LookupError::Unknown { .. } => {
                    let hits = crate::search::search(library, name);
                    (None, choose::clear_winner(&hits).map(|h| h.guide.clone()))
                }
                LookupError::Ambiguous { .. } => (None, None),
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
        p.say_wrapped(&paint.warn(&warning))?;
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
    p.say_wrapped(&text)
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
    p.say_wrapped(&p.paint().dim(&format!(
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
    let ending = loop {
        keep(store, &session, p)?;
        let Some(guide) = next::guide(library, &session.walk.guide, &unlisted) else {
            anyhow::bail!(
                "the saved session is for the guide `{}`, which no longer exists",
                session.walk.guide
            );
        };
        let flow = match screen(library, guide, &mut session, p)? {
            Some(flow) => flow,
            // Stopped before the problem was chosen: the description is searched again.
            None if session.walk.phase == Phase::Choose => {
                let described = session.walk.described.clone();
                restart(library, request, &mut session, tickets, p, Some(&described))?
            }
            None => break escalate::escalate(library, guide, &mut session, tickets, p, store)?,
        };
        match flow {
            Flow::Continue => {}
            // Back from the first question: choose the problem again.
            Flow::Restart => {
                if restart(library, request, &mut session, tickets, p, Some(""))? == Flow::Quit {
                    break Ending::Saved;
                }
            }
            Flow::Fixed => break Ending::Fixed,
            Flow::Quit => {
                keep(store, &session, p)?;
                stopped(p, store, "to pick up where you left off")?;
                break Ending::Saved;
            }
        }
    };
    run.ended(library, store, &mut session, &ending, p);
    // A session that ended (fixed, or a ticket written) is done with; a saved one waits.
    if ending != Ending::Saved {
        let _ = store.remove(&session.id);
    }
    Ok(ending)
}

/// The choice of problem again (`typed` stands for the first answer, as in [`pick_problem`]):
/// a new walk in the same session, the description kept when none is typed. `Quit` when the
/// user stops.
fn restart(
    library: &Library,
    request: &FixRequest,
    session: &mut Session,
    tickets: &TicketPlan,
    p: &mut dyn Prompter,
    typed: Option<&str>,
) -> anyhow::Result<Flow> {
    let Chosen::Picked(guide, described) = pick_problem(library, p, typed)? else {
        return Ok(Flow::Quit);
    };
    let described = if described.is_empty() {
        std::mem::take(&mut session.walk.described)
    } else {
        described
    };
    let id = std::mem::take(&mut session.id);
    *session = new_session(library, request, guide, described)?;
    session.id = id;
    tickets.remember(session);
    Ok(Flow::Continue)
}

/// One screen of the walk, after what the walk does by itself (shown as it happens). `None`
/// for a screen [`go_on`] shows itself: the choice of problem, or the hand-over.
fn screen(
    library: &Library,
    guide: &Guide,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Option<Flow>> {
    let walk = &mut session.walk;
    if walk.phase == Phase::Questions && walk.asked.is_empty() && walk.undo.is_empty() {
        p.say(&p.paint().heading(&format!("\n{}", guide.title)))?;
    }
    let paint = p.paint().clone();
    for event in next::advance(library, guide, walk) {
        match event {
            Event::Presumed(note) => p.say(&paint.wrap(&paint.dim(&note), "", "  "))?,
            Event::QuestionsDone => summary(library, guide, walk, p)?,
        }
    }
    Ok(Some(match next::next(library, guide, walk) {
        Next::Question {
            question,
            open,
            before,
        } => ask(library, guide, question, open, before, walk, p)?,
        Next::Step {
            plan,
            step,
            related,
        } => steps(library, guide, &plan, step, related, session, p)?,
        Next::Confirm { step, risk, .. } => confirm_risky(guide, step, risk, session, p)?,
        Next::Fixed => Flow::Fixed,
        Next::Choose | Next::Shared(_) | Next::Escalate | Next::Ticket => return Ok(None),
    }))
}

/// What a saved session is about: its guide's title, or the user's words when the problem
/// was not chosen yet.
pub(crate) fn session_title(library: &Library, session: &Session) -> String {
    match session.walk.phase {
        Phase::Choose => format!("\"{}\"", session.walk.described),
        _ => title_of(library, &session.walk.guide).to_owned(),
    }
}

/// [`session_title`] in quotes: 'Photos not uploading', or "the user's words".
fn quoted_title(library: &Library, session: &Session) -> String {
    match session.walk.phase {
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
        p.say_wrapped(&paint.warn(&format!(
            "A saved session cannot be read ({}); delete it to start afresh:",
            u.reason
        )))?;
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
    p.say_wrapped(&format!(
        "You have an unfinished {}.{more}",
        saved_label(library, &latest)
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
                session.walk.phase = Phase::Choose;
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
    Ok(Session::new(Walk::new(
        library, &guide.id, situation, &described,
    )))
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
            None => match p.input(choose::FIRST_SCREEN)? {
                Some(text) => text,
                None => return Ok(Chosen::Stopped(described)),
            },
        };
        let text = typed_line(&text);
        if !text.is_empty() {
            described = text.clone();
            match choose::find(library, &text) {
                Found::Winner(guide) => {
                    return Ok(Chosen::Picked(Picked::Guide(guide), described));
                }
                Found::Nothing => p.say("No guide matches that. Pick from the list instead.")?,
                Found::Offer(offer) => {
                    let mut options: Vec<String> = offer.iter().map(|(_, l)| l.clone()).collect();
                    options.push(choose::FULL_LIST.to_owned());
                    let Some(i) = p.select("Is it one of these?", &options, 0)? else {
                        return Ok(Chosen::Stopped(described));
                    };
                    if let Some((guide, _)) = offer.get(i) {
                        return Ok(Chosen::Picked(Picked::Guide(guide), described));
                    }
                }
            }
        }
        // The full list, by title.
        let guides = choose::full_list(library);
        let mut items: Vec<String> = guides.iter().map(|g| g.title.clone()).collect();
        items.push(choose::DESCRIBE.to_owned());
        items.push(choose::none_fit(library));
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

const DONT_KNOW: &str = "I don't know";

/// Asks `q` (what it is worth said first); Back returns to the screen before.
fn ask(
    library: &Library,
    guide: &Guide,
    q: &Question,
    open: Option<engine::OpenQuestion>,
    before: Option<usize>,
    walk: &mut Walk,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    if let Some(why) = open.and_then(|open| card::why_ask(guide, &open)) {
        p.say_wrapped(&p.paint().dim(&why))?;
    }
    let mut items: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
    items.push(DONT_KNOW.to_owned());
    items.push(next::BACK.to_owned());
    let Some(i) = p.select(&q.ask, &items, before.unwrap_or(0))? else {
        return Ok(Flow::Quit);
    };
    if items[i] == next::BACK {
        if !next::back(library, walk) {
            return Ok(Flow::Restart);
        }
        return Ok(Flow::Continue);
    }
    next::answer(walk, q, q.options.get(i).map(|o| o.value.as_str()));
    Ok(Flow::Continue)
}

/// "Most likely": the top causes, one line each.
fn summary(
    library: &Library,
    guide: &Guide,
    walk: &Walk,
    p: &mut dyn Prompter,
) -> anyhow::Result<()> {
    let plan = engine::diagnose(&library.context, guide, &walk.situation);
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

/// The step the walk puts first, and what the user says of it.
fn steps(
    library: &Library,
    guide: &Guide,
    plan: &Plan,
    step: &Step,
    related: Option<&Guide>,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    // With the device unknown, one device's instructions at a time (the likeliest first), so
    // that the title, the instructions and the menu fit on one screen.
    let devices = next::devices_to_show(library, guide, step, &session.walk);
    let mut shown = devices.first().copied();
    let extras = next::Extras {
        save: true,
        check_files: true,
        other_device: devices.len() > 1,
    };
    let menu = next::menu(step, related, plan, guide, extras);
    let labels: Vec<String> = menu.iter().map(|(_, label)| label.clone()).collect();
    let mut default = next::undone_choice(&session.walk, step, &menu);
    // The rows the menu takes, long entries wrapped as the prompt wraps them.
    let paint = p.paint().clone();
    let rows: usize = labels
        .iter()
        .map(|l| paint.wrap(l, "  ", "    ").lines().count())
        .sum();
    let i = loop {
        show_step(guide, session, plan, rows, shown, p)?;
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
    act(library, guide, step, related, menu[i].0, session, p)
}

/// Does what the user chose at `step`: the walk's change, and what the terminal does itself.
fn act(
    library: &Library,
    guide: &Guide,
    step: &Step,
    related: Option<&Guide>,
    choice: StepChoice,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    let now = session::now();
    Ok(
        match next::act(library, step, related, choice, &mut session.walk, &now) {
            next::Flow::Fixed => {
                fixed(guide, &step.id, p)?;
                Flow::Fixed
            }
            next::Flow::Restart => Flow::Restart,
            next::Flow::Confirm(risk) => confirm_risky(guide, step, risk, session, p)?,
            next::Flow::Continue if choice == StepChoice::Cant => {
                p.say_wrapped(
                    &p.paint()
                        .dim("Noted: it goes in the ticket for your admin if nothing else works."),
                )?;
                Flow::Continue
            }
            next::Flow::Continue => Flow::Continue,
            next::Flow::Front(StepChoice::SaveQuit) => Flow::Quit,
            next::Flow::Front(StepChoice::CheckFiles) => check_files(session, p)?,
            next::Flow::Front(StepChoice::Switch) => switch_problem(library, session, p)?,
            // Handled at the menu: it only changes what the card shows.
            next::Flow::Front(_) => Flow::Continue,
        },
    )
}

/// "It's a different problem": the first screen again; the answers given so far are kept
/// (see [`Walk::switch_to`]) and the new words join the description.
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
    if !next::switch_problem(library, &mut session.walk, to, &described) {
        p.say_wrapped(&p.paint().dim(next::SAME_PROBLEM))?;
    } else if to != unlisted::UNLISTED {
        let paint = p.paint().clone();
        p.say(&paint.heading(&format!("\n{}", title_of(library, to))))?;
        p.say_wrapped(&paint.dim(next::SWITCHED))?;
    }
    Ok(Flow::Continue)
}

/// Before a step that can lose unsynced work on this device counts as done or tried, the user
/// confirms they did it (the walk's rule and words: [`next::confirm_first`]). "Not yet" goes
/// back to the step and quitting saves the walk at the step: nothing recorded either way.
fn confirm_risky(
    guide: &Guide,
    step: &Step,
    risk: Risk,
    session: &mut Session,
    p: &mut dyn Prompter,
) -> anyhow::Result<Flow> {
    let warning = p.paint().wrap(&p.paint().warn(risk.warning()), "", "");
    p.say(&warning)?;
    let sure = [
        next::CONFIRM_DONE.to_owned(),
        next::CONFIRM_NOT_YET.to_owned(),
    ];
    let answer = p.select(next::CONFIRM_ASK, &sure, 1)?;
    let done = answer == Some(0);
    Ok(
        match next::confirm(step, &mut session.walk, done, &session::now()) {
            _ if answer.is_none() => Flow::Quit,
            next::Flow::Fixed => {
                fixed(guide, &step.id, p)?;
                Flow::Fixed
            }
            _ => Flow::Continue,
        },
    )
}

/// "Check the files now": asks for a path (typed, pasted or dropped on the terminal) and
/// shows what `fieldfix preflight` finds, then returns to the same step.
fn check_files(session: &mut Session, p: &mut dyn Prompter) -> anyhow::Result<Flow> {
    let network = session.walk.situation.answer(crate::guides::model::NETWORK);
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
            session.walk.checked.push(plain);
        }
        Err(e) => p.say_wrapped(&p.paint().warn(&crate::safe::text(&e.to_string())))?,
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

/// The step card: title, minutes and chance, what to do on this device (on the device `shown`
/// when it is not known), then the notes (why this step, admin only, handing over) as far as
/// they fit above a menu of `menu` rows.
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
    let card = step_card(step, next, &session.walk, shown, &paint);
    // The notes, most needed first.
    let notes = card::notes(guide, step, next, plan, &ticket::record(session))
        .into_iter()
        .map(|(tone, note)| match tone {
            card::Tone::Warn => paint.warn(&note),
            card::Tone::Dim => paint.dim(&note),
        })
        .map(|note| paint.wrap(&note, "  ", "  "));
    // The menu takes its options and the question; one row for the blank line above.
    let room = p.rows().saturating_sub(menu + 2);
    Ok(p.say(&fit(card, notes, room).join("\n"))?)
}

/// What every step card shows: its number and title, minutes and chance, the risk to unsynced
/// work, and the instructions for the device (only those of the device `shown` when the
/// device is not known: the others are one menu entry away).
fn step_card(
    step: &Step,
    next: &engine::RankedStep,
    walk: &Walk,
    shown: Option<&str>,
    paint: &Paint,
) -> Vec<String> {
    let number = walk.step_number();
    let mut card = vec![paint.wrap(
        &paint.heading(&format!("Step {number}: {}", step.title)),
        "",
        "  ",
    )];
    card.push(paint.wrap(&paint.dim(&card::about(step, next)), "  ", "  "));
    let device = walk.situation.answer(DEVICE);
    if let Some(risk) = card::at_risk(step, device) {
        card.push(paint.wrap(&paint.warn(risk.warning()), "  ", "  "));
    }
    let lines = step.lines_for(device).into_iter();
    for (dev, line) in lines.filter(|(dev, _)| dev.is_none_or(|d| Some(d) == shown)) {
        card.push(paint.wrap(&card::line(dev, line), "  - ", "    "));
    }
    card
}

/// The card laid out in `room` rows: the notes that fit after it, a blank line above when there
/// is room. When even the instructions do not fit, the title and its minutes go below them,
/// just above the menu, so that the title and the menu are always on screen together.
fn fit(mut card: Vec<String>, notes: impl Iterator<Item = String>, room: usize) -> Vec<String> {
    let lines = |parts: &[String]| parts.iter().map(|c| c.lines().count()).sum::<usize>();
    if lines(&card) > room {
        // The top rows will scroll away: the title and minutes go last.
        card.rotate_left(2);
    }
    for note in notes {
        if lines(&card) + note.lines().count() <= room {
            card.push(note);
        }
    }
    if lines(&card) < room {
        card.insert(0, String::new());
    }
    card
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
