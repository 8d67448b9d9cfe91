//! A prompter that replays scripted answers and records everything it shows: a test double of
//! the wizard's public `Prompter` trait.

use std::collections::VecDeque;
use std::io;

use fieldfix::output::Paint;
use fieldfix::wizard::prompt::{Choice, Prompter};

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scripted {
    /// Pick the first item that contains this text.
    Pick(String),
    /// Type this line.
    Type(String),
    /// Press Enter: the highlighted choice, or an empty line.
    Enter,
    /// Press Esc / Ctrl-C.
    Quit,
}

/// Replays answers in tests, and records everything shown and asked.
pub struct ScriptPrompter {
    pub answers: VecDeque<Scripted>,
    /// Everything shown, prompts included, in order.
    pub transcript: Vec<String>,
    paint: Paint,
}

impl ScriptPrompter {
    pub fn new(answers: impl IntoIterator<Item = Scripted>) -> Self {
        ScriptPrompter {
            answers: answers.into_iter().collect(),
            transcript: Vec::new(),
            paint: Paint::plain(),
        }
    }

    fn next(&mut self, prompt: &str) -> io::Result<Scripted> {
        self.transcript.push(format!("? {prompt}"));
        self.answers
            .pop_front()
            .ok_or_else(|| io::Error::other(format!("the script ran out of answers at: {prompt}")))
    }
}

impl Prompter for ScriptPrompter {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Choice {
        match self.next(prompt)? {
            Scripted::Quit => Ok(None),
            Scripted::Enter => {
                self.transcript.push(format!("> {}", items[default]));
                Ok(Some(default))
            }
            Scripted::Pick(text) => match items.iter().position(|i| i.contains(&text)) {
                Some(i) => {
                    self.transcript.push(format!("> {}", items[i]));
                    Ok(Some(i))
                }
                None => Err(io::Error::other(format!(
                    "no item contains {text:?} at {prompt:?}; items: {items:?}"
                ))),
            },
            Scripted::Type(text) => Err(io::Error::other(format!(
                "expected a pick at {prompt:?}, script typed {text:?}"
            ))),
        }
    }

    fn input(&mut self, prompt: &str) -> io::Result<Option<String>> {
        match self.next(prompt)? {
            Scripted::Quit => Ok(None),
            Scripted::Type(text) => {
                self.transcript.push(format!("> {text}"));
                Ok(Some(text))
            }
            Scripted::Enter => {
                self.transcript.push("> ".to_owned());
                Ok(Some(String::new()))
            }
            Scripted::Pick(text) => Err(io::Error::other(format!(
                "expected typing at {prompt:?}, script picked {text:?}"
            ))),
        }
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        self.transcript.push(text.to_owned());
        Ok(())
    }

    fn paint(&self) -> &Paint {
        &self.paint
    }
}
