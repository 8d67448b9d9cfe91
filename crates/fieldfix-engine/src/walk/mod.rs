//! The walk-through, the same in the terminal and in the browser: where a walk is and what a
//! choice changes ([`state`]), which screen comes next and what each choice at a step does
//! ([`next`]), what the user's words lead to ([`choose`]), what the question and step cards say
//! ([`card`]), the hand-over and its ticket ([`handover`]), and the "my problem isn't listed"
//! guide ([`unlisted`]). No terminal, no files, no clock: the front ends prompt, save and pass
//! the time in.

pub mod card;
pub mod choose;
pub mod handover;
pub mod next;
pub mod state;
pub mod unlisted;

pub use next::{Event, Flow, Next, StepChoice};
pub use state::{Outcome, Pending, Phase, Presumed, StepResult, Switch, Walk};
