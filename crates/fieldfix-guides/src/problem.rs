//! A problem found in a guide file, located by file, line and column, with the source line.

use std::fmt;

use serde::Serialize;
use serde_saphyr::Location;

/// One thing wrong with a guide file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The file, as the user named it (or the built-in file name).
    pub file: String,
    /// 1-based line; 0 when the problem concerns the whole file.
    pub line: u64,
    /// 1-based column; 0 when the problem concerns the whole file.
    pub column: u64,
    pub message: String,
    /// The offending source line, when there is one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
    /// How many characters the caret under the snippet spans.
    #[serde(skip)]
    pub width: usize,
}

impl Problem {
    /// A problem with the whole file (unreadable, too large, ...).
    pub fn file(file: &str, message: impl Into<String>) -> Self {
        Problem {
            file: file.to_owned(),
            line: 0,
            column: 0,
            message: message.into(),
            snippet: None,
            width: 0,
        }
    }

    /// A problem at a location of `source`.
    pub fn at(file: &str, source: &str, loc: Location, message: impl Into<String>) -> Self {
        Self::at_position(
            file,
            source,
            loc.line(),
            loc.column(),
            loc.span().len() as usize,
            message,
        )
    }

    /// A problem at a 1-based (line, column) of `source`, one character wide.
    pub fn at_line(
        file: &str,
        source: &str,
        (line, column): (u64, u64),
        message: impl Into<String>,
    ) -> Self {
        Self::at_position(file, source, line, column, 1, message)
    }

    /// A problem at 1-based `line` and `column` of `source`, `width` characters wide.
    pub fn at_position(
        file: &str,
        source: &str,
        line: u64,
        column: u64,
        width: usize,
        message: impl Into<String>,
    ) -> Self {
        let snippet = (line > 0)
            .then(|| source.lines().nth((line - 1) as usize))
            .flatten()
            .map(|l| crate::text::sanitize(l.trim_end()));
        Problem {
            file: file.to_owned(),
            line,
            column,
            message: message.into(),
            snippet,
            width: width.clamp(1, 80),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // File names and messages quote guide values: never print them raw.
        let (file, message) = (
            crate::safe::line(&self.file),
            crate::safe::line(&self.message),
        );
        if self.line == 0 {
            return write!(f, "{file}: {message}");
        }
        write!(f, "{file}:{}:{}: {message}", self.line, self.column)?;
        if let Some(snippet) = &self.snippet {
            let gutter = self.line.to_string().len();
            let col = (self.column as usize).saturating_sub(1);
            let caret_width = self
                .width
                .min(snippet.chars().count().saturating_sub(col).max(1));
            write!(
                f,
                "\n{:gutter$} |\n{} | {}\n{:gutter$} | {}{}",
                "",
                self.line,
                snippet,
                "",
                " ".repeat(col),
                "^".repeat(caret_width),
            )?;
        }
        Ok(())
    }
}
