//! Finding a guide by the name a user typed: its id, an alias, or a unique prefix.

use crate::model::{Guide, Library};

/// Why a name did not pick out one guide.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LookupError {
    #[error(
        "no guide is called `{name}`{}; run `fieldfix list` to see them all",
        did_you_mean(.suggestion)
    )]
    Unknown {
        name: String,
        /// The id of the guide the name is close to, if any.
        suggestion: Option<String>,
    },
    #[error("`{name}` could mean {}: type more of the name", .matches.join(", "))]
    Ambiguous { name: String, matches: Vec<String> },
}

/// `" (did you mean `x`?)"`, or nothing.
fn did_you_mean(suggestion: &Option<String>) -> String {
    suggestion
        .as_ref()
        .map(|id| format!(" (did you mean `{id}`?)"))
        .unwrap_or_default()
}

impl Library {
    /// Finds a guide by id, alias or unique id prefix (case does not matter).
    pub fn find(&self, name: &str) -> Result<&Guide, LookupError> {
        let names: Vec<(&str, &[String])> = self
            .guides
            .iter()
            .map(|g| (g.id.as_str(), g.aliases.as_slice()))
            .collect();
        match find_name(&names, name) {
            Ok(i) => Ok(&self.guides[i]),
            // Nothing close among ids and aliases: maybe a title ("photos-not-uploadng").
            Err(LookupError::Unknown {
                name,
                suggestion: None,
            }) => {
                let titles = self.guides.iter().map(|g| g.title.as_str());
                let suggestion = crate::suggest::closest(&name.replace('-', " "), titles)
                    .and_then(|t| self.guides.iter().find(|g| g.title == t))
                    .or_else(|| self.by_vocabulary(&names, &name))
                    .map(|g| g.id.clone());
                Err(LookupError::Unknown { name, suggestion })
            }
            Err(e) => Err(e),
        }
    }
}

impl Library {
    /// The guide `name` picks once its words are read through the vocabulary: "pics" is a
    /// photo, so `pics` finds `photos-not-uploading`, `dailies` the daily log guide.
    fn by_vocabulary(&self, names: &[(&str, &[String])], name: &str) -> Option<&Guide> {
        let words: Vec<&str> = name
            .split(|c: char| c == '-' || c.is_whitespace())
            .filter(|w| !w.is_empty())
            .collect();
        let whole = words.join(" ");
        let read = match self.vocabulary.term_of_plural(&whole) {
            Some(term) => term.to_owned(),
            None => words
                .iter()
                .map(|w| self.vocabulary.term_of_plural(w).unwrap_or(w))
                .collect::<Vec<_>>()
                .join(" "),
        };
        if read == whole.to_lowercase() {
            return None;
        }
        find_name(names, &read.replace(' ', "-"))
            .ok()
            .map(|i| &self.guides[i])
    }
}

/// Which of the guides `(id, aliases)` a user's `name` picks: an id, an alias, or a unique id
/// prefix, in any case. Returns its position.
pub fn find_name(guides: &[(&str, &[String])], name: &str) -> Result<usize, LookupError> {
    let wanted = name.trim().to_lowercase();
    if let Some(i) = guides
        .iter()
        .position(|(id, aliases)| *id == wanted || aliases.contains(&wanted))
    {
        return Ok(i);
    }
    let matches: Vec<usize> = (0..guides.len())
        .filter(|&i| !wanted.is_empty() && guides[i].0.starts_with(&wanted))
        .collect();
    match matches.as_slice() {
        [one] => Ok(*one),
        [] => {
            let names = guides.iter().flat_map(|(id, aliases)| {
                std::iter::once(*id).chain(aliases.iter().map(String::as_str))
            });
            let suggestion = crate::suggest::closest(&wanted, names)
                .map(|n| find_name(guides, n).map_or(n, |i| guides[i].0).to_owned());
            Err(LookupError::Unknown {
                name: name.to_owned(),
                suggestion,
            })
        }
        many => Err(LookupError::Ambiguous {
            name: name.to_owned(),
            matches: many.iter().map(|&i| guides[i].0.to_owned()).collect(),
        }),
    }
}
