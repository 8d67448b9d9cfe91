//! The prompts the wizard asks, behind a trait: dialoguer on a real terminal (stderr), or a
//! script of answers in tests.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};

use console::{Key, Term};
use dialoguer::Select;
use dialoguer::theme::{ColorfulTheme, Theme};

use crate::output::Paint;

/// Set by the Ctrl-C handler; the next prompt then reports an interruption.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once. Without it, Ctrl-C at a prompt would kill the process
/// with the cursor still hidden.
pub fn catch_ctrl_c() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// What the user does at a prompt. `None` from any method means they quit (Esc or Ctrl-C).
pub trait Prompter {
    /// Pick one of `items`; `default` is highlighted first.
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<Option<usize>>;
    /// A line of text; an empty line is allowed.
    fn input(&mut self, prompt: &str) -> io::Result<Option<String>>;
    /// Shows text (never a question).
    fn say(&mut self, text: &str) -> io::Result<()>;
    /// How to style what is shown.
    fn paint(&self) -> &Paint;
    /// How many rows the screen has (unlimited when there is no screen).
    fn rows(&self) -> usize {
        usize::MAX
    }
}

/// The real terminal, through dialoguer, on stderr so stdout stays clean.
pub struct TermPrompter {
    term: Term,
    paint: Paint,
    theme: Box<dyn Theme>,
}

impl TermPrompter {
    pub fn new(paint: Paint) -> Self {
        // console drops the colours itself under NO_COLOR; the layout stays the same.
        TermPrompter {
            term: Term::stderr(),
            paint,
            theme: Box::new(ColorfulTheme::default()),
        }
    }

    /// Turns dialoguer's result into ours: an interruption is a quit, not an error.
    fn finish<T>(&self, result: dialoguer::Result<Option<T>>) -> io::Result<Option<T>> {
        let _ = self.term.show_cursor();
        if INTERRUPTED.swap(false, Ordering::SeqCst) {
            return Ok(None);
        }
        match result {
            Ok(v) => Ok(v),
            Err(dialoguer::Error::IO(e)) if e.kind() == io::ErrorKind::Interrupted => Ok(None),
            Err(dialoguer::Error::IO(e)) => Err(e),
        }
    }

    fn interrupted(&self) -> bool {
        INTERRUPTED.swap(false, Ordering::SeqCst)
    }
}

impl TermPrompter {
    /// The terminal's width; one column is kept free so that no line ever wraps by itself.
    fn cols(&self) -> usize {
        usize::from(self.term.size().1).max(20) - 1
    }

    /// A question too long for one line, wrapped between words: writes all its lines but the
    /// last ("? " before the first); returns how many were written and the last line, for
    /// the prompt itself. A question that fits is not written.
    fn write_long_prompt(&self, prompt: &str) -> io::Result<(usize, Option<String>)> {
        // "? " before, " › " after.
        let lines = wrap(prompt, self.cols().saturating_sub(4), "");
        let Some((last, above)) = lines.split_last().filter(|(_, above)| !above.is_empty()) else {
            return Ok((0, None));
        };
        for (i, line) in above.iter().enumerate() {
            let mark = if i == 0 { "?" } else { " " };
            self.term
                .write_line(&format!("{} {line}", self.paint.warn(mark)))?;
        }
        Ok((above.len(), Some(last.clone())))
    }

    /// "✔ question · answer", wrapped between words.
    fn echo(&self, prompt: &str, answer: &str) -> io::Result<()> {
        let text = format!("{prompt} · {answer}");
        for (i, line) in wrap(&text, self.cols().saturating_sub(2), "")
            .iter()
            .enumerate()
        {
            let mark = if i == 0 {
                self.paint.good("✔")
            } else {
                " ".to_owned()
            };
            self.term.write_line(&format!("{mark} {line}"))?;
        }
        Ok(())
    }
}

/// `text` wrapped to `width` columns between words, every line starting with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> Vec<String> {
    let options = textwrap::Options::new(width.max(10))
        .initial_indent(indent)
        .subsequent_indent(indent)
        .word_separator(crate::output::BREAKS)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// A menu option shortened to `width` columns so that it never wraps: a closing remark in
/// brackets goes first, then words, with an ellipsis.
pub fn fit(label: &str, width: usize) -> String {
    let w = console::measure_text_width;
    if w(label) <= width {
        return label.to_owned();
    }
    if let Some(short) = label
        .strip_suffix(')')
        .and_then(|l| l.rfind(" (").map(|i| &label[..i]))
        .filter(|short| w(short) <= width)
    {
        return short.to_owned();
    }
    let mut out = String::new();
    for word in label.split(' ') {
        if w(&out) + 1 + w(word) + 1 > width {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

impl Prompter for TermPrompter {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        default: usize,
    ) -> io::Result<Option<usize>> {
        if self.interrupted() {
            return Ok(None);
        }
        // Nothing given to dialoguer may wrap: it would miscount the lines to redraw and
        // leave old ones on screen. Long questions are wrapped here, long options shortened,
        // and the answer is echoed here, wrapped between words.
        let width = self.cols().saturating_sub(2);
        let fitted: Vec<String> = items.iter().map(|i| fit(i, width)).collect();
        let (mut above, last) = self.write_long_prompt(prompt)?;
        let mut select = Select::with_theme(self.theme.as_ref());
        match last {
            Some(last) => {
                // The last line of a long question, written here: dialoguer would put its own
                // "?" before it.
                self.term.write_line(&format!("  {last} ›"))?;
                above += 1;
            }
            None => select = select.with_prompt(prompt),
        }
        let result = select
            .items(&fitted)
            .default(default)
            .report(false)
            .interact_on_opt(&self.term);
        if above > 0 {
            self.term.clear_last_lines(above)?;
        }
        let result = self.finish(result)?;
        if let Some(i) = result {
            self.echo(prompt, &items[i])?;
        }
        Ok(result)
    }

    fn input(&mut self, prompt: &str) -> io::Result<Option<String>> {
        if self.interrupted() {
            return Ok(None);
        }
        // dialoguer's text prompt ignores Esc, and Esc must save and stop like everywhere else,
        // so this one line of input is read key by key with console, in dialoguer's theme.
        let (above, last) = self.write_long_prompt(prompt)?;
        let mut shown = String::new();
        match last {
            Some(last) => shown = format!("  {last} › "),
            None => {
                let _ = self.theme.format_input_prompt(&mut shown, prompt, None);
            }
        }
        let mut line = String::new();
        self.term.write_str(&shown)?;
        let answer = loop {
            let key = match self.term.read_key() {
                Ok(key) => key,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => break None,
                Err(e) => return Err(e),
            };
            if INTERRUPTED.load(Ordering::SeqCst) {
                break None;
            }
            match key {
                Key::Enter => break Some(line.clone()),
                Key::Escape | Key::CtrlC => break None,
                Key::Backspace if line.pop().is_some() => self.term.clear_chars(1)?,
                Key::Char(c) if !c.is_control() => {
                    line.push(c);
                    self.term.write_str(c.encode_utf8(&mut [0; 4]))?;
                }
                _ => {}
            }
        };
        // Clear the prompt, including the rows a long answer wrapped onto.
        let cols = usize::from(self.term.size().1).max(1);
        let used = console::measure_text_width(&shown) + console::measure_text_width(&line);
        self.term.clear_line()?;
        let wrapped = used.saturating_sub(1) / cols;
        if wrapped + above > 0 {
            self.term.clear_last_lines(wrapped + above)?;
        }
        if let Some(text) = &answer {
            self.echo(prompt, text)?;
        } else {
            self.term.write_line("")?;
        }
        INTERRUPTED.store(false, Ordering::SeqCst);
        Ok(answer)
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        // Any line still too long is wrapped between words here, keeping its indent.
        let cols = self.cols();
        for line in text.trim_end_matches('\n').split('\n') {
            if console::measure_text_width(line) <= cols {
                self.term.write_line(line)?;
                continue;
            }
            let indent = &line[..line.len() - line.trim_start().len()];
            for part in wrap(line.trim_start(), cols, indent) {
                self.term.write_line(&part)?;
            }
        }
        Ok(())
    }

    fn paint(&self) -> &Paint {
        &self.paint
    }

    fn rows(&self) -> usize {
        usize::from(self.term.size().0)
    }
}

/// Plain mode (`--plain`, or `TERM=dumb`): no cursor movement, no colour, nothing but
/// ASCII from fieldfix itself; options are numbered and answered by typing the number.
/// Ctrl-C stops at once (the session is saved after every answer); `q` saves and quits.
pub struct PlainPrompter {
    paint: Paint,
}

impl PlainPrompter {
    pub fn new(width: usize) -> Self {
        let mut paint = Paint::plain();
        paint.width = width;
        PlainPrompter { paint }
    }

    fn write(&self, text: &str) -> io::Result<()> {
        let mut err = io::stderr().lock();
        io::Write::write_all(&mut err, text.as_bytes())?;
        io::Write::flush(&mut err)
    }

    /// A line typed by the user; `None` at the end of input.
    fn read_line(&self) -> io::Result<Option<String>> {
        let mut line = String::new();
        if io::stdin().read_line(&mut line)? == 0 {
            return Ok(None);
        }
        Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned()))
    }
}

impl Prompter for PlainPrompter {
    fn select(
        &mut self,
        prompt: &str,
        items: &[String],
        _default: usize,
    ) -> io::Result<Option<usize>> {
        let mut text = format!("\n{}\n", self.paint.wrap(prompt, "", ""));
        for (i, item) in items.iter().enumerate() {
            let number = format!("{:>3}) ", i + 1);
            text.push_str(&self.paint.wrap(item, &number, "     "));
            text.push('\n');
        }
        self.write(&text)?;
        loop {
            self.write(&format!(
                "Type a number, 1 to {} (q to save and quit): ",
                items.len()
            ))?;
            let Some(typed) = self.read_line()? else {
                return Ok(None);
            };
            let typed = typed.trim();
            if typed.eq_ignore_ascii_case("q") {
                return Ok(None);
            }
            match typed.parse::<usize>() {
                Ok(n) if (1..=items.len()).contains(&n) => return Ok(Some(n - 1)),
                _ if typed.is_empty() => {}
                // Wrapped like the rest: what was typed can be longer than a narrow screen.
                _ => self.write(&format!(
                    "{}\n",
                    self.paint.wrap(
                        &format!(
                            "\"{}\" is not one of the choices.",
                            crate::safe::line(typed)
                        ),
                        "",
                        ""
                    )
                ))?,
            }
        }
    }

    fn input(&mut self, prompt: &str) -> io::Result<Option<String>> {
        self.write(&format!("\n{}\n> ", self.paint.wrap(prompt, "", "")))?;
        self.read_line()
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        self.write(&format!("{}\n", text.trim_end_matches('\n')))
    }

    fn paint(&self) -> &Paint {
        &self.paint
    }
}
