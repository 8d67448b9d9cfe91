//! The exported site's front page, the wizard, and the files it runs on: the engine compiled to
//! WebAssembly (crates/fieldfix-web, built by web/build.sh into web/dist and embedded here),
//! the page's script, its style sheet and the guides it was exported with. Everything is a
//! file of the site: the page works from `file://` and any static host, under a strict
//! Content-Security-Policy (scripts and styles from the site only, WebAssembly allowed).

use maud::html;

use super::html::{CSS, MARK, guide_list, page};
use crate::guides::model::Library;

/// The policy of the front page: nothing from anywhere else, no inline script or style.
pub const CSP: &str = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'";

/// The scripts of the front page, in the order they load.
pub const SCRIPTS: [&str; 4] = [
    "fieldfix-guides.js",
    "fieldfix-wasm.js",
    "fieldfix-web.js",
    "wizard.js",
];

/// The style sheet of the front page.
pub const STYLE: &str = "fieldfix.css";

const GLUE: &str = include_str!("../../web/dist/fieldfix-web.js");
const WASM: &str = include_str!("../../web/dist/fieldfix-wasm.js");
const WIZARD: &str = include_str!("../../web/wizard.js");
const WIZARD_CSS: &str = include_str!("../../web/wizard.css");

/// The files besides the pages, as (file name, contents).
pub fn assets(library: &Library) -> Vec<(String, String)> {
    let json = serde_json::to_string(library).expect("a library always serialises");
    let literal = serde_json::to_string(&json).expect("a string always serialises");
    let mark = format!("// {MARK}\n");
    vec![
        (
            SCRIPTS[0].to_owned(),
            format!("{mark}var FIELDFIX_LIBRARY = {literal};\n"),
        ),
        (SCRIPTS[1].to_owned(), WASM.to_owned()),
        (SCRIPTS[2].to_owned(), GLUE.to_owned()),
        (SCRIPTS[3].to_owned(), format!("{mark}{WIZARD}")),
        (STYLE.to_owned(), format!("/* {MARK} */\n{CSS}{WIZARD_CSS}")),
    ]
}

/// The front page: the wizard, and below it every guide, linked (all a browser without
/// scripts shows).
pub fn index(library: &Library) -> String {
    let body = html! {
        main {
            div #wizard aria-live="polite" {
                h1 { "What's going wrong?" }
                p.summary {
                    "Pick your problem below: each guide walks you through the fixes. "
                    "(The step-by-step wizard needs JavaScript.)"
                }
            }
            section #all-guides aria-labelledby="all-title" {
                h2 #all-title { "All guides" }
                p.summary {
                    (library.guides.len()) " problems and how to fix them, one step at a time. "
                    "In a terminal, run " code { "fieldfix fix" } "."
                }
                (guide_list(library))
            }
        }
        footer { "Made with fieldfix " (env!("CARGO_PKG_VERSION")) ". Works offline: nothing you choose leaves this device." }
        @for script in SCRIPTS {
            script src=(script) {}
        }
    };
    let style = html! { link rel="stylesheet" href=(STYLE); };
    page("Procore troubleshooting", Some(CSP), style, body)
}
