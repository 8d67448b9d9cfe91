//! What the wizard shows and hands over, the same in the terminal and in the browser: the
//! question and step cards ([`card`]), the hand-over and its ticket ([`handover`]), and the
//! "my problem isn't listed" guide ([`unlisted`]).

pub mod card;
pub mod handover;
pub mod unlisted;
