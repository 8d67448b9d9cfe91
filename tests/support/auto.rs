//! Walking the wizard in a test: [`Auto`], a scripted prompter that decides each answer when
//! it is asked (from the prompt and the items offered), for walks whose length a test does not
//! fix in advance, and the requests, ticket plans and library the walks use.

use std::path::Path;

use fieldfix::commands::DiagnoseRequest;
use fieldfix::guides::Library;
use fieldfix::output::{Format, Paint};
use fieldfix::wizard::prompt::Prompter;
use fieldfix::wizard::session::Store;
use fieldfix::wizard::{Ending, FixRequest, TicketPlan, walk};

use crate::support::{ScriptPrompter, Scripted};

/// The shared questions answered: an iPhone, a weak connection, just me.
pub const CONTEXT: [(&str, &str); 3] =
    [("device", "ios"), ("network", "weak"), ("scope", "just-me")];

/// The built-in guides.
pub fn library() -> Library {
    fieldfix::guides::load(None).expect("built-in guides load")
}

/// `fix GUIDE` with `answers` given by flags.
pub fn request(guide: Option<&str>, answers: &[(&str, &str)]) -> FixRequest {
    FixRequest {
        diagnose: DiagnoseRequest {
            guide: guide.map(str::to_owned),
            answers: answers
                .iter()
                .map(|(q, v)| (q.to_string(), v.to_string()))
                .collect(),
            ..DiagnoseRequest::default()
        },
        ..FixRequest::default()
    }
}

/// Tickets in `dir`, named by fieldfix, in `format`.
pub fn tickets(dir: &Path, format: Format) -> TicketPlan {
    TicketPlan {
        path: None,
        dir: dir.to_owned(),
        format,
    }
}

/// [`walk`] on `lib` in `dir`, the state folder that also takes the tickets, in Markdown.
pub fn walk_in(
    lib: &Library,
    request: &FixRequest,
    dir: &Path,
    p: &mut dyn Prompter,
) -> anyhow::Result<Ending> {
    walk(
        lib,
        request,
        &tickets(dir, Format::Markdown),
        p,
        &Store::at(dir),
    )
}

/// Picks the first item that contains `text`.
pub fn pick(text: &str) -> Scripted {
    Scripted::Pick(text.to_owned())
}

/// Types `text`.
pub fn typed(text: &str) -> Scripted {
    Scripted::Type(text.to_owned())
}

pub type Policy = Box<dyn FnMut(&str, &[String]) -> Scripted>;

/// A prompter that decides each answer when asked: `select(prompt, items)` and
/// `input(prompt, [])` give the scripted answer. It keeps every menu it was shown.
pub struct Auto {
    pub inner: ScriptPrompter,
    pub select: Policy,
    pub input: Policy,
    pub menus: Vec<Menu>,
}

/// A menu as the prompter was shown it.
pub struct Menu {
    pub prompt: String,
    pub items: Vec<String>,
    /// The item highlighted when the menu opened.
    pub highlighted: usize,
}

impl Auto {
    pub fn new(select: Policy, input: Policy) -> Self {
        Auto {
            inner: ScriptPrompter::new(Vec::new()),
            select,
            input,
            menus: Vec::new(),
        }
    }

    /// Everything shown and asked so far, a line each.
    pub fn transcript(&self) -> String {
        self.inner.transcript.join("\n")
    }

    /// The items of each menu shown with `prompt`, in order.
    pub fn menus_at(&self, prompt: &str) -> Vec<&[String]> {
        let at = self.menus.iter().filter(|m| m.prompt == prompt);
        at.map(|m| m.items.as_slice()).collect()
    }

    /// Each menu's prompt and the item highlighted when it opened, in order.
    pub fn highlights(&self) -> Vec<(&str, &str)> {
        let menus = self.menus.iter();
        menus
            .map(|m| (m.prompt.as_str(), m.items[m.highlighted].as_str()))
            .collect()
    }

    /// A select policy that answers from `script`, in order, then quits.
    pub fn replay(script: impl IntoIterator<Item = Scripted>) -> Policy {
        let mut script: std::collections::VecDeque<Scripted> = script.into_iter().collect();
        Box::new(move |_, _| script.pop_front().unwrap_or(Scripted::Quit))
    }

    /// "I don't know" to questions, the next of `steps` at each step, then Esc; Esc to
    /// anything typed.
    pub fn in_turn(steps: &[&'static str]) -> Self {
        let mut steps: std::collections::VecDeque<&str> = steps.iter().copied().collect();
        Auto::new(
            Box::new(move |prompt, _| match prompt {
                "How did it go?" => steps.pop_front().map_or(Scripted::Quit, pick),
                _ => pick("I don't know"),
            }),
            quit_at_input(),
        )
    }

    /// "I don't know" to questions, `step` at every step, and yes when asked whether a step
    /// was done.
    pub fn steps(step: Scripted, input: Policy) -> Self {
        Auto::new(
            Box::new(move |prompt, _| match prompt {
                "How did it go?" => step.clone(),
                "Did you do this step?" => pick("Yes, I did it"),
                _ => pick("I don't know"),
            }),
            input,
        )
    }
}

impl Prompter for Auto {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> std::io::Result<Option<usize>> {
        self.menus.push(Menu {
            prompt: prompt.to_owned(),
            items: items.to_vec(),
            highlighted: default,
        });
        let answer = (self.select)(prompt, items);
        self.inner.answers.push_front(answer);
        self.inner.select(prompt, items, default)
    }
    fn input(&mut self, prompt: &str) -> std::io::Result<Option<String>> {
        let answer = (self.input)(prompt, &[]);
        self.inner.answers.push_front(answer);
        self.inner.input(prompt)
    }
    fn say(&mut self, text: &str) -> std::io::Result<()> {
        self.inner.say(text)
    }
    fn paint(&self) -> &Paint {
        self.inner.paint()
    }
}

pub fn quit_at_input() -> Policy {
    Box::new(|_, _| Scripted::Quit)
}

/// Nothing typed at every text prompt.
pub fn enter_at_input() -> Policy {
    Box::new(|_, _| typed(""))
}
