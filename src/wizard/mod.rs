//! The interactive wizard for field staff: pick the problem, answer the questions that matter,
//! then one step at a time until it is fixed or support gets a ready-made ticket.

pub mod prompt;
pub mod session;
mod ticket;

use std::io::IsTerminal;
use std::path::PathBuf;

use console::Term;

use crate::commands::{self, DiagnoseRequest, Format, Out};
use crate::engine::{self, Plan};
use crate::error::{Error, exit};
use crate::guides::Library;
use crate::guides::model::{DEVICE, Guide, ProvideKind, Question, Risk};
use crate::output::{Paint, device_label, minutes, percent};
use prompt::{Prompter, TermPrompter};
use session::{Outcome, Phase, Session, StepResult, Store};

pub use ticket::TicketPlan;

/// What `fieldfix fix` was asked to do.
#[derive(Debug, Clone, Default)]
pub struct FixRequest {
    pub diagnose: DiagnoseRequest,
    pub resume: bool,
    pub ticket: Option<PathBuf>,
    pub ticket_format: Option<Format>,
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
        return Err(Error::NoTerminal(no_terminal_message(&request)).into());
    }
    let tickets = TicketPlan::new(&request)?;
    prompt::catch_ctrl_c();
    let mut prompter = TermPrompter::new(Paint::for_stream(&Term::stderr(), None));
    let store = Store::default_location();
    let ending = walk(library, &request, &tickets, &mut prompter, &store)?;
    if let Ending::Ticket(path) = &ending {
        // The result goes to stdout, so a script can pick the ticket up.
        writeln!(out.writer, "{}", path.display())?;
    }
    Ok(ending.exit_code())
}

fn no_terminal_message(request: &FixRequest) -> String {
    let guide = request.diagnose.guide.as_deref().unwrap_or("GUIDE");
    format!(
        "fieldfix fix asks questions, so it needs a terminal (stdin and stderr are not one here).\n\
         To get the same answers in a script, use:\n  \
         fieldfix diagnose {guide} --device computer|ios|android --network good|weak|offline \
         --scope just-me|several-people [-a QUESTION=VALUE]... [--tried STEP]... [--format json]\n\
         (`fieldfix search TEXT` finds the guide; `fieldfix diagnose {guide}` lists its questions.)"
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
    let mut session = if request.resume {
        let session = store.load()?;
        p.say(&p.paint().dim(&format!(
            "Picking up where you left off (started {}).",
            session.started
        )))?;
        session
    } else {
        let guide = match &request.diagnose.guide {
            Some(name) => library.find(name).map_err(Error::from)?,
            None => match pick_problem(library, p)? {
                Some(g) => g,
                None => return Ok(Ending::Saved),
            },
        };
        let situation = commands::situation(library, guide, &request.diagnose)?;
        Session::new(&guide.id, situation)
    };
    loop {
        store.save(&session)?;
        let Some(guide) = library.guide(&session.guide) else {
            anyhow::bail!(
                "the saved session is for the guide `{}`, which no longer exists",
                session.guide
            );
        };
        let next = match session.phase {
            Phase::Questions => questions(library, guide, &mut session, p)?,
            Phase::Steps => steps(library, guide, &mut session, p)?,
            Phase::Escalate => {
                let ending = ticket::escalate(library, guide, &mut session, tickets, p, store)?;
                if ending != Ending::Saved {
                    store.clear();
                }
                return Ok(ending);
            }
        };
        match next {
            Flow::Continue => {}
            Flow::Fixed => {
                store.clear();
                return Ok(Ending::Fixed);
            }
            Flow::Quit => {
                store.save(&session)?;
                p.say(&format!(
                    "\nSaved. Run {} to pick up where you left off.",
                    p.paint().bold("fieldfix fix --resume")
                ))?;
                return Ok(Ending::Saved);
            }
        }
    }
}

/// What to do after one screen.
#[derive(PartialEq)]
enum Flow {
    Continue,
    Fixed,
    Quit,
}

const DESCRIBE: &str = "Describe it in my own words";

/// "What's going wrong?": the problems by title, or a free-text description.
fn pick_problem<'a>(
    library: &'a Library,
    p: &mut dyn Prompter,
) -> anyhow::Result<Option<&'a Guide>> {
    let mut items = vec![DESCRIBE.to_owned()];
    items.extend(library.guides.iter().map(|g| {
        if g.aliases.is_empty() {
            g.title.clone()
        } else {
            format!("{} ({})", g.title, g.aliases.join(", "))
        }
    }));
    loop {
        let Some(choice) = p.fuzzy_select("What's going wrong? (type to filter)", &items)? else {
            return Ok(None);
        };
        if choice > 0 {
            return Ok(Some(&library.guides[choice - 1]));
        }
        let Some(text) = p.input("In a few words, what is happening?")? else {
            return Ok(None);
        };
        let hits = crate::search::search(library, &text);
        if hits.is_empty() {
            p.say("No guide matches that. Pick from the list instead.")?;
            continue;
        }
        let mut options: Vec<String> = hits.iter().take(5).map(|h| h.title.clone()).collect();
        options.push("None of these: show the full list".to_owned());
        let Some(i) = p.select("Is it one of these?", &options, 0)? else {
            return Ok(None);
        };
        if let Some(hit) = hits.get(i).filter(|_| i < options.len() - 1) {
            return Ok(library.guide(&hit.guide));
        }
    }
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
    let Some((q, open)) = next_question(library, guide, session) else {
        summary(library, guide, session, p)?;
        session.checkpoint();
        session.phase = Phase::Steps;
        return Ok(Flow::Continue);
    };
    let told: Vec<&str> = open
        .separates
        .iter()
        .filter_map(|c| guide.cause(c))
        .map(|c| c.title.as_str())
        .take(2)
        .collect();
    if !told.is_empty() {
        let why = format!("Why I ask: it tells apart \"{}\".", told.join("\" and \""));
        p.say(&p.paint().wrap(&p.paint().dim(&why), "", ""))?;
    }
    let mut items: Vec<String> = q.options.iter().map(|o| o.label.clone()).collect();
    items.push(DONT_KNOW.to_owned());
    items.push(BACK.to_owned());
    let Some(i) = p.select(&q.ask, &items, 0)? else {
        return Ok(Flow::Quit);
    };
    if items[i] == BACK {
        if !session.back() {
            p.say("This is the first question: there is nothing to go back to.")?;
        }
        return Ok(Flow::Continue);
    }
    session.checkpoint();
    session.asked.push(q.id.clone());
    match q.options.get(i) {
        Some(option) => {
            session
                .situation
                .answers
                .insert(q.id.clone(), option.value.clone());
        }
        // "I don't know" is an answer too: kept, and never asked again.
        None => session.situation.unknown.push(q.id.clone()),
    }
    Ok(Flow::Continue)
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
            &c.title,
            &format!("  {:>4}  ", percent(c.probability)),
            "        ",
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

const FIXED: &str = "Fixed it";
const DIDNT_HELP: &str = "Didn't help";
const SKIP: &str = "Skip for now";
const CANT: &str = "I can't do this (needs an admin)";
const ESCALATE: &str = "Hand it to support now (write a ticket)";
const SAVE_QUIT: &str = "Save and quit";
const RELATED: &str = "Open related guide: ";
const CHECK_FILES: &str = "Check the files now";
const CONFIRM_DONE: &str = "Yes, I did it";
const CONFIRM_NOT_YET: &str = "No, not yet: back to the step";

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
    show_step(guide, session, &plan, p)?;

    let mut items = Vec::new();
    if plan.escalation.recommended {
        items.push(ESCALATE.to_owned());
    }
    items.extend([FIXED, DIDNT_HELP, SKIP, CANT].map(str::to_owned));
    let related = step.see.as_deref().and_then(|id| library.guide(id));
    if let Some(r) = related {
        items.push(format!("{RELATED}{}", r.title));
    }
    if step.check_files {
        items.push(CHECK_FILES.to_owned());
    }
    if !plan.escalation.recommended {
        items.push(ESCALATE.to_owned());
    }
    items.push(BACK.to_owned());
    items.push(SAVE_QUIT.to_owned());
    let Some(i) = p.select("How did it go?", &items, 0)? else {
        return Ok(Flow::Quit);
    };
    let record = |session: &mut Session, result: StepResult| {
        session.checkpoint();
        session.log.push(Outcome {
            guide: guide.id.clone(),
            step: step.id.clone(),
            title: step.title.clone(),
            result,
            at: session::now(),
        });
    };
    if matches!(items[i].as_str(), FIXED | DIDNT_HELP)
        && let Some(risk) = at_risk(step, session.situation.answer(DEVICE))
    {
        let warning = p.paint().wrap(&p.paint().warn(risk.warning()), "", "");
        p.say(&warning)?;
        let sure = [CONFIRM_DONE.to_owned(), CONFIRM_NOT_YET.to_owned()];
        match p.select("Did you do this step?", &sure, 1)? {
            None => return Ok(Flow::Quit),
            Some(0) => {}
            Some(_) => return Ok(Flow::Continue),
        }
    }
    match items[i].as_str() {
        FIXED => {
            record(session, StepResult::Fixed);
            fixed(guide, &step.id, p)?;
            return Ok(Flow::Fixed);
        }
        DIDNT_HELP => {
            record(session, StepResult::DidNotHelp);
            session.situation.tried.push(step.id.clone());
        }
        SKIP => {
            record(session, StepResult::Skipped);
            session.situation.skipped.push(step.id.clone());
        }
        CANT => {
            record(session, StepResult::NeedsAdmin);
            session.situation.for_admin.push(step.id.clone());
            p.say(
                &p.paint()
                    .dim("Noted: it goes in the ticket for your admin if nothing else works."),
            )?;
        }
        ESCALATE => {
            session.checkpoint();
            session.phase = Phase::Escalate;
        }
        BACK => {
            if !session.back() {
                p.say("There is nothing to go back to.")?;
            }
        }
        SAVE_QUIT => return Ok(Flow::Quit),
        CHECK_FILES => {
            let network = session.situation.answer(crate::guides::model::NETWORK);
            if check_files(network, p)? == Flow::Quit {
                return Ok(Flow::Quit);
            }
        }
        _ => {
            if let Some(r) = related {
                session.checkpoint();
                open_related(library, session, &r.id);
            }
        }
    }
    Ok(Flow::Continue)
}

/// The risk a step carries on this device: steps that can lose unsynced work warn on a phone,
/// or when the device is not known, never on a computer.
fn at_risk(step: &crate::guides::model::Step, device: Option<&str>) -> Option<Risk> {
    step.risk
        .filter(|_| step.on_phone() && device != Some(crate::guides::model::COMPUTER))
}

/// "Check the files now": asks for a path (typed, pasted or dropped on the terminal) and
/// shows what `fieldfix preflight` finds, then returns to the same step.
fn check_files(network: Option<&str>, p: &mut dyn Prompter) -> anyhow::Result<Flow> {
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
        }
        Err(e) => p.say(&p.paint().warn(&e.to_string()))?,
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

/// Switches to a related guide, keeping the shared answers.
fn open_related(library: &Library, session: &mut Session, guide: &str) {
    let shared = |id: &String| library.context_question(id).is_some();
    session.guide = guide.to_owned();
    session.situation.answers.retain(|q, _| shared(q));
    session.situation.tried.clear();
    session.situation.skipped.clear();
    session.asked.retain(shared);
    session.phase = Phase::Questions;
}

/// The step card: title, what to do on this device, minutes, why.
fn show_step(
    guide: &Guide,
    session: &Session,
    plan: &Plan,
    p: &mut dyn Prompter,
) -> anyhow::Result<()> {
    let paint = p.paint().clone();
    let next = &plan.steps[0];
    let Some(step) = guide.step(&next.id) else {
        return Ok(());
    };
    let number = session.log.iter().filter(|o| o.guide == guide.id).count() + 1;
    let mut card = vec![String::new()];
    card.push(paint.wrap(
        &paint.heading(&format!("Step {number}: {}", step.title)),
        "",
        "  ",
    ));
    let needs = match (&step.role, step.admin) {
        (Some(role), _) => format!(" (needs {role})"),
        (None, true) => " (needs an admin)".to_owned(),
        (None, false) => String::new(),
    };
    card.push(paint.wrap(
        &paint.dim(&format!(
            "About {}, {} chance it fixes it{needs}",
            minutes(step.minutes),
            percent(next.probability),
        )),
        "  ",
        "  ",
    ));
    let device = session.situation.answer(DEVICE);
    if let Some(risk) = at_risk(step, device) {
        card.push(paint.wrap(&paint.warn(risk.warning()), "  ", "  "));
    }
    for (dev, line) in step.lines_for(device) {
        let text = match dev {
            Some(dev) => format!("{}: {line}", device_label(dev)),
            None => line.to_owned(),
        };
        card.push(paint.wrap(&text, "  - ", "    "));
    }
    let why: Vec<&str> = next
        .checks
        .iter()
        .filter_map(|c| guide.cause(c))
        .map(|c| c.title.as_str())
        .take(2)
        .collect();
    if !why.is_empty() {
        card.push(paint.wrap(
            &paint.dim(&format!(
                "Why this step: it deals with \"{}\".",
                why.join("\" and \"")
            )),
            "  ",
            "  ",
        ));
    }
    if step.admin {
        card.push(paint.wrap(
            &paint.dim("Only an admin can do this: ask them, or pick \"I can't do this\"."),
            "  ",
            "  ",
        ));
    }
    if plan.escalation.recommended {
        for reason in &plan.escalation.reasons {
            card.push(paint.wrap(
                &paint.warn(&format!("Consider handing this over now: {reason}")),
                "  ",
                "  ",
            ));
        }
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

/// Whether a provide item is filled in automatically, and with what.
fn automatic(kind: ProvideKind, session: &Session) -> Option<String> {
    match kind {
        ProvideKind::Time => Some(session::now()),
        // The device answer stands in for the device; a model or version needs the user.
        ProvideKind::Device => session
            .situation
            .answer(DEVICE)
            .map(|d| device_label(d).to_owned()),
        _ => None,
    }
}
