//! The stand-in guide for a problem none of the guides covers ("None of these"): the session
//! and the ticket both know it by its id.

use crate::guides::model::{Guide, Library, ProvideKind};

/// The session's guide when no guide fits the problem: it goes straight to a ticket.
pub const UNLISTED: &str = "unlisted";
/// How that problem is named on screen and in the ticket.
pub const UNLISTED_TITLE: &str = "A problem none of the guides covers";

/// The stand-in guide for a problem none of the guides covers: no causes and no steps, only
/// the facts support needs, addressed to the company's Procore admin (the first person to
/// sort out what kind of problem it is, and who to take it to).
pub fn unlisted(library: &Library) -> Guide {
    use crate::guides::model::{Escalate, Origin, Provide, Target};
    let fact = |id: &str, label: &str, kind: ProvideKind| Provide {
        id: id.to_owned(),
        label: label.to_owned(),
        kind,
    };
    let escalate = Escalate {
        to: Target::Admin,
        targets: library.targets.clone(),
        signs: Vec::new(),
        provide: vec![
            fact(
                "what",
                "What you were doing, and what happened instead",
                ProvideKind::Text,
            ),
            fact(
                "message",
                "The exact message on screen, if there was one",
                ProvideKind::Text,
            ),
            fact(
                "email",
                "The email address you sign in to Procore with",
                ProvideKind::Email,
            ),
            fact("company", "Company name in Procore", ProvideKind::Text),
            fact("project", "Project name", ProvideKind::Text),
            fact(
                "page",
                "The tool and item (say, RFI 12), or the address of the page",
                ProvideKind::Text,
            ),
            fact("when", "The problem", ProvideKind::Time),
            fact(
                "device",
                "Device, browser or app version",
                ProvideKind::Device,
            ),
        ],
        origin: Origin::BuiltIn,
    };
    Guide::new(UNLISTED, UNLISTED_TITLE, escalate)
}
