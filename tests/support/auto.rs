//! [`Auto`], a scripted prompter that decides each answer when it is asked (from the prompt
//! and the items offered), for walks whose length a test does not fix in advance.

use fieldfix::output::Paint;
use fieldfix::wizard::prompt::Prompter;

use crate::support::{ScriptPrompter, Scripted};

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

    /// "I don't know" to questions, `first` at the first step, `then` at every later one.
    pub fn first_then(first: &'static str, then: Scripted) -> Self {
        let mut steps = 0;
        Auto::new(
            Box::new(move |prompt, _| {
                if prompt != "How did it go?" {
                    return pick("I don't know");
                }
                steps += 1;
                if steps == 1 {
                    pick(first)
                } else {
                    then.clone()
                }
            }),
            quit_at_input(),
        )
    }

    /// "I don't know" to questions, `step` at every step.
    pub fn steps(step: Scripted, input: Policy) -> Self {
        Auto::new(
            Box::new(move |prompt, _| {
                if prompt == "How did it go?" {
                    step.clone()
                } else {
                    pick("I don't know")
                }
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
