//! What every rendering shares and that needs no terminal and no file: the JSON schema version,
//! how minutes, chances and devices read, and what a diagnosis rendering is given. Compiled
//! into the exported site's wizard too (crates/fieldfix-web), so both say them the same way.

pub mod markdown;
pub mod ticket;

/// The version of every JSON document fieldfix prints; bumped on incompatible changes.
pub const SCHEMA_VERSION: u32 = 2;

/// A probability as a whole percentage, never showing 0% for something possible.
pub fn percent(p: f64) -> String {
    let pct = (p * 100.0).round();
    if pct < 1.0 && p > 0.0 {
        "<1%".to_owned()
    } else {
        format!("{pct:.0}%")
    }
}

/// Minutes, as a person would say them.
pub fn minutes(m: f64) -> String {
    if m < 1.0 {
        "<1 min".to_owned()
    } else if m < 90.0 {
        format!("{} min", m.round())
    } else {
        format!("{:.1} h", m / 60.0)
    }
}

/// The label of a device value (falls back to the value).
pub fn device_label(device: &str) -> &str {
    match device {
        "ios" => "iPhone/iPad",
        "android" => "Android",
        "computer" => "Computer",
        other => other,
    }
}

/// Everything a diagnosis rendering needs.
pub struct Diagnosis<'a> {
    pub library: &'a crate::guides::Library,
    pub guide: &'a crate::guides::Guide,
    pub situation: &'a crate::engine::Situation,
    pub plan: &'a crate::engine::Plan,
}

/// A `sources` entry as a person reads it: a name, and the page address when there is one.
/// `seed` is the source articles fieldfix was first written from; `device` is general phone and
/// computer knowledge; an address is named by its site and the page's title (from its path).
pub fn source_label(source: &str) -> (String, Option<&str>) {
    match source {
        "seed" => ("fieldfix's source articles".to_owned(), None),
        "device" => ("general phone and computer knowledge".to_owned(), None),
        url => {
            let host = crate::guides::check::https_host(url).unwrap_or_default();
            let site = match host {
                "developers.procore.com" => "Procore developer docs",
                "procore.github.io" => "Procore API reference",
                "status.procore.com" => "Procore status",
                h if h.ends_with("support.procore.com") => "Procore support",
                _ => host,
            };
            let page = url
                .split(['?', '#'])
                .next()
                .unwrap_or_default()
                .trim_end_matches('/')
                .rsplit('/')
                .next()
                .filter(|last| *last != host && !last.is_empty())
                .map(|slug| {
                    let slug = slug.strip_prefix("faq-").unwrap_or(slug);
                    let words = slug.replace(['-', '_'], " ");
                    let mut chars = words.chars();
                    chars.next().map_or(String::new(), |first| {
                        first.to_uppercase().chain(chars).collect::<String>()
                    })
                });
            let name = match page {
                Some(page) => format!("{site} — {page}"),
                None => site.to_owned(),
            };
            (name, Some(url))
        }
    }
}
