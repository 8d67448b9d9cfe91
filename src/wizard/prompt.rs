//! The prompts the wizard asks, behind a trait: read key by key on a real terminal (stderr,
//! in dialoguer's theme), numbered in plain mode, or a script of answers in tests.

use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, Theme};

use crate::output::Paint;

/// Set by the Ctrl-C handler; the next prompt then reports an interruption.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// Installs the Ctrl-C handler once. Without it, Ctrl-C at a prompt would kill the process
/// with the cursor still hidden.
pub fn catch_ctrl_c() {
    let _ = ctrlc::set_handler(|| INTERRUPTED.store(true, Ordering::SeqCst));
}

/// What a menu comes to: the index of the item picked; `None` when the user quits.
pub type Choice = io::Result<Option<usize>>;

/// What the user does at a prompt. `None` from any method means they quit (Esc or Ctrl-C).
pub trait Prompter {
    /// Pick one of `items`; `default` is highlighted first.
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Choice;
    /// [`Prompter::select`] where Enter alone picks `default` in every mode, plain mode too
    /// (where Enter otherwise asks for a number): for a question whose default is safe to
    /// take without looking, such as leaving a detail out or keeping what was typed.
    fn select_enter(&mut self, prompt: &str, items: &[String], default: usize) -> Choice {
        self.select(prompt, items, default)
    }
    /// A line of text; an empty line is allowed.
    fn input(&mut self, prompt: &str) -> io::Result<Option<String>>;
    /// Shows text (never a question).
    fn say(&mut self, text: &str) -> io::Result<()>;
    /// Shows text wrapped between words to the width.
    fn say_wrapped(&mut self, text: &str) -> io::Result<()> {
        let wrapped = self.paint().wrap(text, "", "");
        self.say(&wrapped)
    }
    /// Shows one line that must not be broken (a path, a link), however wide: the terminal
    /// may fold it at the edge, but no line break goes into it, so it copies whole.
    fn say_whole(&mut self, line: &str) -> io::Result<()> {
        self.say(line)
    }
    /// How to style what is shown.
    fn paint(&self) -> &Paint;
    /// How many rows the screen has (unlimited when there is no screen).
    fn rows(&self) -> usize {
        usize::MAX
    }
}

/// The real terminal, on stderr so stdout stays clean.
pub struct TermPrompter {
    term: Term,
    paint: Paint,
    theme: ColorfulTheme,
}

impl TermPrompter {
    pub fn new(paint: Paint) -> Self {
        // console drops the colours itself under NO_COLOR; the layout stays the same.
        TermPrompter {
            term: Term::stderr(),
            paint,
            theme: ColorfulTheme::default(),
        }
    }

    fn interrupted(&self) -> bool {
        INTERRUPTED.swap(false, Ordering::SeqCst)
    }

    /// The terminal's width; one column is kept free so that no line ever wraps by itself.
    fn cols(&self) -> usize {
        usize::from(self.term.size().1).max(20) - 1
    }

    /// A question too long for one line, wrapped between words: writes all its lines but the
    /// last ("? " before the first); returns how many were written and the last line, for
    /// the prompt itself. A question that fits is not written.
    /// `reserve` columns are kept free on the question's last line.
    fn write_long_prompt(
        &self,
        prompt: &str,
        reserve: usize,
    ) -> io::Result<(usize, Option<String>)> {
        // "? " before, " › " after.
        let lines = wrap(prompt, self.cols().saturating_sub(4 + reserve), "", "");
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

    /// Writes the question's last line `shown` and the text typed so far, wrapped between
    /// words as it grows (the terminal would break a word at the edge), over what was written
    /// before (`below`: the rows it ran onto). Returns the rows the text now runs onto.
    fn redraw_typed(&self, shown: &str, typed: &str, below: usize) -> io::Result<usize> {
        self.term.clear_line()?;
        if below > 0 {
            self.term.clear_last_lines(below)?;
        }
        let rows = wrap_typed(console::measure_text_width(shown), typed, self.cols());
        for (i, row) in rows.iter().enumerate() {
            if i == 0 {
                self.term.write_str(&format!("{shown}{row}"))?;
            } else {
                self.term.write_str(&format!("\n{row}"))?;
            }
        }
        Ok(rows.len() - 1)
    }

    /// The rows above the cursor's that a menu drawn as `hint` (the cursor's row), `options`
    /// and `question` takes now, on the terminal as it is: one made narrower since then has
    /// wrapped each line too wide for it onto more rows (most terminals do; xterm cuts them).
    fn rows_now(&self, drawn: &[&str]) -> usize {
        let width = usize::from(self.term.size().1);
        let rows: usize = drawn.iter().map(|text| rows_on(text, width)).sum();
        // The cursor's own row is cleared apart.
        rows - rows_on(drawn[0], width).min(1)
    }

    /// "✔ question · answer", wrapped between words.
    fn echo(&self, prompt: &str, answer: &str) -> io::Result<()> {
        let text = format!("{prompt} · {answer}");
        for (i, line) in wrap(&text, self.cols().saturating_sub(2), "", "")
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

/// Text being typed after a prompt `start` columns wide, in rows of at most `cols` columns
/// broken between words (the first row without the prompt, the others indented by two). The
/// spaces typed last are kept: the cursor stands after them.
fn wrap_typed(start: usize, typed: &str, cols: usize) -> Vec<String> {
    if start + TYPING_ROOM > cols {
        // No room left after the prompt: the text starts on the next row.
        let mut rows = wrap_typed(2, typed, cols);
        rows[0].insert_str(0, "  ");
        rows.insert(0, String::new());
        return rows;
    }
    let words = typed.trim_end_matches(' ');
    let spaces = typed.len() - words.len();
    let indent = " ".repeat(start);
    let options = textwrap::Options::new(cols)
        .initial_indent(&indent)
        .subsequent_indent("  ")
        .word_separator(crate::output::BREAKS)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    let mut rows: Vec<String> = textwrap::wrap(words, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect();
    if rows.is_empty() {
        rows.push(indent.clone());
    }
    rows[0] = rows[0].get(start..).unwrap_or_default().to_owned();
    let last = rows.len() - 1;
    let width = console::measure_text_width(&rows[last]) + if last == 0 { start } else { 0 };
    if width + spaces <= cols {
        rows[last].push_str(&" ".repeat(spaces));
    } else {
        rows.push(format!("  {}", " ".repeat(spaces.saturating_sub(1))));
    }
    rows
}

/// The rows `text` takes on a terminal `width` columns wide that wraps lines too wide for it.
fn rows_on(text: &str, width: usize) -> usize {
    text.lines()
        .map(|line| {
            console::measure_text_width(line)
                .div_ceil(width.max(1))
                .max(1)
        })
        .sum()
}

/// The columns a text prompt keeps free after its question, for the first words typed.
const TYPING_ROOM: usize = 10;

/// The lines of `text`, any line wider than `cols` wrapped between words keeping its indent:
/// what `say` shows, so that no message is cut mid-word at the edge of a narrow terminal.
fn fitted(text: &str, cols: usize) -> Vec<String> {
    let mut rows = Vec::new();
    for line in text.trim_end_matches('\n').split('\n') {
        if console::measure_text_width(line) <= cols {
            rows.push(line.to_owned());
        } else {
            let indent = &line[..line.len() - line.trim_start().len()];
            rows.extend(wrap(line.trim_start(), cols, indent, indent));
        }
    }
    rows
}

/// `text` wrapped to `width` columns between words, its first line starting with `first`, the
/// others with `rest`.
fn wrap(text: &str, width: usize, first: &str, rest: &str) -> Vec<String> {
    let options = textwrap::Options::new(width.max(10))
        .initial_indent(first)
        .subsequent_indent(rest)
        .word_separator(crate::output::BREAKS)
        .word_splitter(textwrap::WordSplitter::NoHyphenation);
    textwrap::wrap(text, options)
        .into_iter()
        .map(|l| l.into_owned())
        .collect()
}

/// A menu laid out for a screen `cols` columns wide (the last one kept free) and `rows` high:
/// the question and the options wrapped between words, and as many options a page as fit
/// with the question and one free row below.
struct Menu {
    /// The question's lines.
    question: Vec<String>,
    /// Each option's lines, those after the first indented so that they stand apart from the
    /// next option.
    options: Vec<String>,
    /// Options a page.
    page: usize,
}

impl Menu {
    fn new(prompt: &str, items: &[String], cols: usize, rows: usize) -> Menu {
        // "❯ " or "  " before an option; "? " before the question and " ›" after it.
        let options: Vec<String> = items
            .iter()
            .map(|i| wrap(i, cols.saturating_sub(2), "", "    ").join("\n"))
            .collect();
        let heights: Vec<usize> = options.iter().map(|o| o.lines().count()).collect();
        let mut question = wrap(prompt, cols.saturating_sub(4), "", "");
        if heights.iter().sum::<usize>() + question.len() + 1 > rows {
            // Paged: room for the page number on the question's line.
            let note = page_note(items.len(), items.len()).len();
            question = wrap(prompt, cols.saturating_sub(4 + note), "", "");
        }
        let page = page_size(&heights, rows.saturating_sub(question.len() + 1).max(1));
        Menu {
            question,
            options,
            page,
        }
    }

    /// The menu with option `at` highlighted, as shown: the question (with the page number
    /// when paged), and the options of `at`'s page.
    fn draw(&self, theme: &dyn Theme, at: usize) -> (String, String) {
        let mut question = String::new();
        let _ = theme.format_select_prompt(&mut question, &self.question.join("\n  "));
        let pages = self.options.len().div_ceil(self.page);
        if pages > 1 {
            question.push_str(&page_note(at / self.page + 1, pages));
        }
        let first = at / self.page * self.page;
        let mut options = Vec::new();
        for (i, option) in self.options.iter().enumerate().skip(first).take(self.page) {
            let mut line = String::new();
            let _ = theme.format_select_prompt_item(&mut line, option, i == at);
            options.push(line);
        }
        (question, options.join("\n"))
    }
}

/// An Enter read this soon after a menu appears was pressed before it appeared: a double
/// Enter, or the end of a line typed ahead. Nobody reads a new menu this fast.
const TYPED_AHEAD: Duration = Duration::from_millis(100);

/// Shown under a menu when an Enter did not pick; the shorter one where the first is too wide.
const ENTER_REFUSED: [&str; 2] = [
    "Choose with the arrow keys, then press Enter.",
    "Arrow keys, then Enter.",
];

/// The hint for a refused Enter, on one row of `cols` columns: it has only the one free row
/// kept under the menu, and a second row would scroll the menu out of step with its redraws.
fn enter_refused(cols: usize) -> String {
    let fits = ENTER_REFUSED
        .iter()
        .find(|hint| console::measure_text_width(hint) <= cols);
    match fits {
        Some(hint) => (*hint).to_owned(),
        None => console::truncate_str(ENTER_REFUSED[1], cols, "").into_owned(),
    }
}

/// Whether Enter picks the highlighted option: not after letters typed since the last move
/// (words meant for a text prompt), and not before the menu could be read.
fn takes_enter(typed: bool, since_shown: Duration) -> bool {
    !typed && since_shown >= TYPED_AHEAD
}

/// What the question's line says of a paged menu.
fn page_note(page: usize, pages: usize) -> String {
    format!(" [Page {page}/{pages}]")
}

/// What a key does at a menu.
#[derive(Debug, PartialEq)]
enum MenuKey {
    /// Highlights this option.
    Go(usize),
    Pick,
    Quit,
    Nothing,
}

/// What `key` does at a menu of `len` options in pages of `page`, option `at` highlighted.
/// Only the keys that move, Enter, Esc and Ctrl-C do anything: a letter, a digit or a space
/// typed by mistake (words meant for another prompt) never picks, moves or quits.
fn menu_key(key: &Key, at: usize, len: usize, page: usize) -> MenuKey {
    let pages = len.div_ceil(page);
    // The first option of the page `by` pages from this one, wrapping.
    let turn = |by: usize| MenuKey::Go((at / page + by) % pages * page);
    match key {
        Key::Enter => MenuKey::Pick,
        Key::Escape | Key::CtrlC => MenuKey::Quit,
        Key::ArrowDown | Key::Tab => MenuKey::Go((at + 1) % len),
        Key::ArrowUp | Key::BackTab => MenuKey::Go((at + len - 1) % len),
        Key::PageDown | Key::ArrowRight if pages > 1 => turn(1),
        Key::PageUp | Key::ArrowLeft if pages > 1 => turn(pages - 1),
        Key::Home => MenuKey::Go(0),
        Key::End => MenuKey::Go(len - 1),
        _ => MenuKey::Nothing,
    }
}

/// How many options a page of the menu shows: as many as fit in `rows` (options take
/// `heights` rows each), pages of the same size, and never one option alone on the last page
/// ("None of these" by itself, with the rest out of sight).
fn page_size(heights: &[usize], rows: usize) -> usize {
    let n = heights.len();
    let fits = |size: usize| {
        heights
            .chunks(size)
            .all(|page| page.iter().sum::<usize>() <= rows)
    };
    if fits(n) {
        return n;
    }
    (1..n)
        .rev()
        .find(|&size| fits(size) && (n % size != 1 || size == 1))
        .or_else(|| (1..n).rev().find(|&size| fits(size)))
        .unwrap_or(1)
}

impl Prompter for TermPrompter {
    fn select(&mut self, prompt: &str, items: &[String], default: usize) -> Choice {
        if self.interrupted() {
            return Ok(None);
        }
        if items.is_empty() {
            return Err(io::Error::other("a menu with no options"));
        }
        // dialoguer's menu takes Space for Enter and letters for moves and quitting, so words
        // typed into it by mistake would pick: this one is read key by key with console, in
        // dialoguer's theme, and only the keys in `menu_key` act.
        let mut at = default.min(items.len() - 1);
        // What is on screen: the question, the rows of the options below it, and the size of
        // the screen they were drawn for.
        let (mut asked, mut below, mut size) = (String::new(), String::new(), self.term.size());
        // The hint written on the row below the options (empty when there is none).
        let mut hint = String::new();
        // Letters typed since the last move, and whether the last Enter was refused.
        let (mut typed, mut refused, shown) = (false, false, Instant::now());
        self.term.hide_cursor()?;
        let picked = loop {
            // Laid out again at each key, and drawn whole, for a terminal resized meanwhile.
            let menu = Menu::new(prompt, items, self.cols(), self.rows());
            let (question, options) = menu.draw(&self.theme, at);
            // The row below the menu too, where a key typed between two reads may show.
            self.term.clear_line()?;
            if question == asked && self.term.size() == size {
                self.term.clear_last_lines(below.lines().count())?;
            } else {
                self.term
                    .clear_last_lines(self.rows_now(&[&hint, &below, &asked]))?;
                self.term.write_line(&question)?;
                (asked, size) = (question, self.term.size());
            }
            self.term.write_line(&options)?;
            below = options;
            hint = if refused {
                self.paint.dim(&enter_refused(self.cols()))
            } else {
                String::new()
            };
            self.term.write_str(&hint)?;
            // `_raw`: Ctrl-C comes back as a key on every system. With `read_key`, Windows
            // takes it as a signal and goes on waiting for a key, so Ctrl-C did nothing there
            // until another key was pressed.
            let key = match self.term.read_key_raw() {
                Ok(key) => key,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => break Ok(None),
                Err(e) => break Err(e),
            };
            if INTERRUPTED.load(Ordering::SeqCst) {
                break Ok(None);
            }
            match menu_key(&key, at, items.len(), menu.page) {
                MenuKey::Go(i) => (at, typed, refused) = (i, false, false),
                MenuKey::Pick if !takes_enter(typed, shown.elapsed()) => {
                    (typed, refused) = (false, true);
                }
                MenuKey::Pick => break Ok(Some(at)),
                MenuKey::Quit => break Ok(None),
                MenuKey::Nothing => typed |= matches!(key, Key::Char(_)),
            }
        };
        self.term.clear_line()?;
        self.term
            .clear_last_lines(self.rows_now(&[&hint, &below, &asked]))?;
        self.term.show_cursor()?;
        INTERRUPTED.store(false, Ordering::SeqCst);
        if let Ok(Some(i)) = picked {
            self.echo(prompt, &items[i])?;
        }
        picked
    }

    fn input(&mut self, prompt: &str) -> io::Result<Option<String>> {
        if self.interrupted() {
            return Ok(None);
        }
        // dialoguer's text prompt ignores Esc, and Esc must save and stop like everywhere else,
        // so this one line of input is read key by key with console, in dialoguer's theme.
        // Room kept after the question for the first words typed.
        let (above, last) = self.write_long_prompt(prompt, TYPING_ROOM)?;
        let mut shown = String::new();
        match last {
            Some(last) => shown = format!("  {last} › "),
            None => {
                let _ = self.theme.format_input_prompt(&mut shown, prompt, None);
            }
        }
        let mut line = String::new();
        // Rows the typed text runs onto below the question's last line.
        let mut below = 0;
        self.term.write_str(&shown)?;
        let answer = loop {
            // `_raw`, as in `select`: Ctrl-C is a key on Windows too.
            let key = match self.term.read_key_raw() {
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
                Key::Backspace if line.pop().is_some() => {
                    below = self.redraw_typed(&shown, &line, below)?;
                }
                Key::Char(c) if !c.is_control() => {
                    line.push(c);
                    below = self.redraw_typed(&shown, &line, below)?;
                }
                _ => {}
            }
        };
        // Clear the prompt, including the rows a long answer wrapped onto.
        self.term.clear_line()?;
        if below + above > 0 {
            self.term.clear_last_lines(below + above)?;
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
        for row in fitted(text, self.cols()) {
            self.term.write_line(&row)?;
        }
        Ok(())
    }

    fn say_whole(&mut self, line: &str) -> io::Result<()> {
        self.term.write_line(line)
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
    /// Where the typed lines come from: stdin (a test's bytes in the unit tests).
    typed: Box<dyn io::BufRead>,
}

/// Whether a typed line means "save and quit": `q`, or Esc (a terminal with no cursor keys
/// passes it on as the character ESC; the arrow keys' ESC [ sequences are not Esc).
fn quits(line: &str) -> bool {
    let line = line.trim();
    let lone_esc = line
        .char_indices()
        .any(|(i, c)| c == '\u{1b}' && !matches!(line[i + 1..].chars().next(), Some('[' | 'O')));
    line.eq_ignore_ascii_case("q") || lone_esc
}

impl PlainPrompter {
    pub fn new(width: usize) -> Self {
        Self::reading(width, Box::new(io::stdin().lock()))
    }

    fn reading(width: usize, typed: Box<dyn io::BufRead>) -> Self {
        let mut paint = Paint::plain();
        paint.width = width;
        PlainPrompter { paint, typed }
    }

    fn write(&self, text: &str) -> io::Result<()> {
        let mut err = io::stderr().lock();
        io::Write::write_all(&mut err, text.as_bytes())?;
        io::Write::flush(&mut err)
    }

    /// `text` wrapped to the width, then `then` (the question asked again).
    fn tell(&self, text: &str, then: &str) -> io::Result<()> {
        self.write(&format!("{}\n{then}", self.paint.wrap(text, "", "")))
    }

    /// A line typed by the user; `None` at the end of input. A line that is not valid UTF-8
    /// is refused, and asked for again with `again`.
    fn read_line(&mut self, again: &str) -> io::Result<Option<String>> {
        loop {
            let mut bytes = Vec::new();
            if self.typed.read_until(b'\n', &mut bytes)? == 0 {
                return Ok(None);
            }
            match String::from_utf8(bytes) {
                Ok(line) => return Ok(Some(line.trim_end_matches(['\r', '\n']).to_owned())),
                Err(_) => {
                    self.tell("That line is not valid text (UTF-8); type it again.", again)?
                }
            }
        }
    }

    /// The numbered menu; Enter alone picks `enter` when given, and is ignored otherwise.
    fn numbered(
        &mut self,
        prompt: &str,
        items: &[String],
        enter: Option<usize>,
    ) -> io::Result<Option<usize>> {
        let mut text = format!("\n{}\n", self.paint.wrap(prompt, "", ""));
        for (i, item) in items.iter().enumerate() {
            let number = format!("{:>3}) ", i + 1);
            text.push_str(&self.paint.wrap(item, &number, "     "));
            text.push('\n');
        }
        self.write(&text)?;
        let or_enter = enter.map_or(String::new(), |i| format!(", Enter for {}", i + 1));
        let ask = format!(
            "Type a number, 1 to {}{or_enter} (q to save and quit): ",
            items.len()
        );
        loop {
            self.write(&ask)?;
            let Some(typed) = self.read_line(&ask)? else {
                return Ok(None);
            };
            if quits(&typed) {
                return Ok(None);
            }
            let typed = typed.trim();
            match typed.parse::<usize>() {
                Ok(n) if (1..=items.len()).contains(&n) => return Ok(Some(n - 1)),
                _ if typed.is_empty() && enter.is_some() => return Ok(enter),
                _ if typed.is_empty() => {}
                // Wrapped like the rest: what was typed can be longer than a narrow screen.
                _ => self.tell(
                    &format!(
                        "\"{}\" is not one of the choices.",
                        crate::safe::line(typed)
                    ),
                    "",
                )?,
            }
        }
    }
}

impl Prompter for PlainPrompter {
    fn select(&mut self, prompt: &str, items: &[String], _default: usize) -> Choice {
        self.numbered(prompt, items, None)
    }

    fn select_enter(&mut self, prompt: &str, items: &[String], default: usize) -> Choice {
        self.numbered(prompt, items, Some(default))
    }

    fn input(&mut self, prompt: &str) -> io::Result<Option<String>> {
        // As the prompts say: q (or Esc) saves and stops; it is never taken as the answer.
        let ask = "(q to save and quit) > ";
        self.write(&format!("\n{}\n{ask}", self.paint.wrap(prompt, "", "")))?;
        loop {
            let Some(line) = self.read_line(ask)? else {
                return Ok(None);
            };
            if quits(&line) {
                return Ok(None);
            }
            let line = line.replace('\t', " ");
            if !line.chars().any(char::is_control) {
                return Ok(Some(line));
            }
            // Arrow keys and the like have no meaning in plain mode.
            self.tell(
                "Only text can be typed here (no arrow keys or control keys); type it again.",
                ask,
            )?;
        }
    }

    fn say(&mut self, text: &str) -> io::Result<()> {
        self.write(&format!("{}\n", fitted(text, self.paint.width).join("\n")))
    }

    fn say_whole(&mut self, line: &str) -> io::Result<()> {
        self.write(&format!("{line}\n"))
    }

    fn paint(&self) -> &Paint {
        &self.paint
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plain prompter reading `typed` as the user's keystrokes.
    fn plain(typed: &[u8]) -> PlainPrompter {
        PlainPrompter::reading(80, Box::new(io::Cursor::new(typed.to_vec())))
    }

    #[test]
    fn plain_text_prompts_take_q_and_esc_as_save_and_quit_never_as_answers() {
        for typed in [
            &b"q\n"[..],
            b"Q\n",
            b" q \n",
            b"\x1b\n",
            b"half typed\x1b\n",
        ] {
            let answer = plain(typed).input("Project name").unwrap();
            assert_eq!(answer, None, "{:?}", String::from_utf8_lossy(typed));
        }
        for typed in [&b"q\n"[..], b"\x1b\n"] {
            let items = ["One".to_owned(), "Two".to_owned()];
            assert_eq!(plain(typed).select("Which?", &items, 0).unwrap(), None);
        }
        // Words that start with q, or contain it, are answers.
        let answer = plain(b"quarry site\n").input("Project name").unwrap();
        assert_eq!(answer.as_deref(), Some("quarry site"));
    }

    #[test]
    fn typed_text_breaks_between_words_and_keeps_its_last_spaces() {
        let typed = "the photos from this morning on the east wing are not going up ";
        for (start, cols) in [(30, 49), (45, 49), (10, 79)] {
            let rows = wrap_typed(start, typed, cols);
            assert!(rows[0].len() + start <= cols, "{rows:?}");
            assert!(rows.iter().all(|r| r.len() <= cols), "{rows:?}");
            let words: Vec<&str> = rows.iter().flat_map(|r| r.split_whitespace()).collect();
            assert_eq!(words.join(" "), typed.trim_end(), "{rows:?}");
            assert!(rows.last().unwrap().ends_with(' '), "{rows:?}");
        }
    }

    #[test]
    fn long_options_wrap_and_menus_never_leave_one_option_alone_on_a_page() {
        let items = ["None of these: write a ticket for your company's Procore admin".to_owned()];
        let menu = Menu::new("Which?", &items, 49, 20);
        assert_eq!(
            menu.options,
            ["None of these: write a ticket for your\n    company's Procore admin"]
        );
        // 23 one-row options in 22 rows: pages of 21 and 2, not 22 and 1.
        assert_eq!(page_size(&[1; 23], 22), 21);
        assert_eq!(page_size(&[1; 23], 30), 23);
        assert_eq!(page_size(&[2, 1, 1, 2], 3), 2);
    }

    /// A long question and options at both terminal sizes: every page keeps a free row below
    /// it and the last column free, says which page it is, and all the words are there.
    #[test]
    fn a_long_menu_is_paged_to_fit_and_nothing_reaches_the_edge() {
        let text = "Which of these is closest to what you see when you open the photo tool on \
            the device you use on the site today, before anything else was tried?";
        let words = |t: &str| t.split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        let all = words(text);
        // Options of every length up to three lines at 50 columns.
        let items: Vec<String> = (1..=24)
            .map(|i| format!("{i}: {}", all[..i].join(" ")))
            .collect();
        for (cols, rows) in [(80, 24), (50, 20)] {
            // Questions of every length, so that some line ends at every column.
            for n in 1..=all.len() {
                let prompt = all[..n].join(" ");
                let menu = Menu::new(&prompt, &items, cols - 1, rows);
                let pages = items.len().div_ceil(menu.page);
                assert!(pages > 1, "{cols}x{rows}");
                let alone = items.len() % menu.page == 1;
                assert!(!alone, "one option alone at {cols}x{rows}");
                let mut shown = String::new();
                for at in (0..items.len()).step_by(menu.page) {
                    let (question, options) = menu.draw(&ColorfulTheme::default(), at);
                    let text = format!("{question}\n{options}");
                    let lines: Vec<&str> = text.lines().collect();
                    assert!(lines.len() < rows, "{cols}x{rows}:\n{text}");
                    for line in &lines {
                        let width = console::measure_text_width(line);
                        assert!(width < cols, "{width} columns at {cols}x{rows}: {line:?}");
                    }
                    let page = format!("[Page {}/{pages}]", at / menu.page + 1);
                    assert!(lines[menu.question.len() - 1].ends_with(&page), "{text}");
                    shown.push_str(&text);
                }
                let on_screen = words(&console::strip_ansi_codes(&shown));
                for word in words(&prompt)
                    .into_iter()
                    .chain(items.iter().flat_map(|i| words(i)))
                {
                    assert!(on_screen.contains(&word), "{word:?} at {cols}x{rows}");
                }
            }
        }
        // A short menu is one page, with no page number.
        let menu = Menu::new("Which?", &items[..3], 79, 24);
        assert_eq!(menu.page, 3);
        assert!(!menu.draw(&ColorfulTheme::default(), 2).0.contains("Page"));
    }

    /// A menu drawn at 80 columns, on a terminal then made 30 wide: each line longer than 30
    /// columns now takes more rows, and a redraw clears them all.
    #[test]
    fn rows_count_lines_the_terminal_rewrapped_when_made_narrower() {
        let items = [
            "Good (office Wi-Fi or full signal)".to_owned(),
            "I don't know".to_owned(),
        ];
        let (question, options) = Menu::new(
            "How is the internet connection where you are?",
            &items,
            79,
            24,
        )
        .draw(&ColorfulTheme::default(), 0);
        assert_eq!(rows_on(&question, 80), 1);
        assert_eq!(rows_on(&question, 30), 2);
        assert_eq!(rows_on(&options, 80), 2);
        assert_eq!(rows_on(&options, 30), 3);
        assert_eq!(rows_on(&"x".repeat(30), 30), 1, "a full row does not wrap");
        assert_eq!(rows_on("", 30), 0);
    }

    #[test]
    fn the_refused_enter_hint_takes_one_row_at_any_width() {
        assert_eq!(enter_refused(79), ENTER_REFUSED[0]);
        assert_eq!(enter_refused(45), ENTER_REFUSED[0]);
        assert_eq!(enter_refused(39), ENTER_REFUSED[1]);
        for cols in 1..=80 {
            assert!(
                console::measure_text_width(&enter_refused(cols)) <= cols,
                "{cols}"
            );
        }
    }

    #[test]
    fn enter_picks_only_after_the_menu_could_be_read_and_not_after_words() {
        let read = TYPED_AHEAD + Duration::from_millis(1);
        assert!(takes_enter(false, read));
        assert!(takes_enter(false, Duration::from_secs(60)));
        assert!(!takes_enter(true, read), "words typed, then Enter");
        assert!(!takes_enter(false, Duration::from_millis(5)), "typed ahead");
    }

    #[test]
    fn at_a_menu_typed_text_does_nothing_and_only_the_menu_keys_act() {
        let typed = "q j k h l photos won't upload 1 2 y n Q J K ?!-_.,;:'\"é€";
        for c in typed.chars() {
            assert_eq!(menu_key(&Key::Char(c), 3, 10, 4), MenuKey::Nothing, "{c:?}");
        }
        for key in [
            Key::Backspace,
            Key::Del,
            Key::Insert,
            Key::Unknown,
            Key::Alt,
        ] {
            assert_eq!(menu_key(&key, 3, 10, 4), MenuKey::Nothing, "{key:?}");
        }
        assert_eq!(menu_key(&Key::Enter, 3, 10, 4), MenuKey::Pick);
        assert_eq!(menu_key(&Key::Escape, 3, 10, 4), MenuKey::Quit);
        assert_eq!(menu_key(&Key::CtrlC, 3, 10, 4), MenuKey::Quit);
        // Up and Down wrap; Home and End go to the ends.
        assert_eq!(menu_key(&Key::ArrowDown, 9, 10, 4), MenuKey::Go(0));
        assert_eq!(menu_key(&Key::ArrowUp, 0, 10, 4), MenuKey::Go(9));
        assert_eq!(menu_key(&Key::Tab, 3, 10, 4), MenuKey::Go(4));
        assert_eq!(menu_key(&Key::BackTab, 3, 10, 4), MenuKey::Go(2));
        assert_eq!(menu_key(&Key::Home, 3, 10, 4), MenuKey::Go(0));
        assert_eq!(menu_key(&Key::End, 3, 10, 4), MenuKey::Go(9));
        // Pages of 4 (0-3, 4-7, 8-9): a page's first option, wrapping.
        assert_eq!(menu_key(&Key::PageDown, 3, 10, 4), MenuKey::Go(4));
        assert_eq!(menu_key(&Key::ArrowRight, 9, 10, 4), MenuKey::Go(0));
        assert_eq!(menu_key(&Key::PageUp, 5, 10, 4), MenuKey::Go(0));
        assert_eq!(menu_key(&Key::ArrowLeft, 1, 10, 4), MenuKey::Go(8));
        // One page: Left and Right do nothing.
        assert_eq!(menu_key(&Key::ArrowRight, 1, 3, 3), MenuKey::Nothing);
        assert_eq!(menu_key(&Key::PageUp, 1, 3, 3), MenuKey::Nothing);
    }

    /// Plain mode's menus take a number and Enter: a line typed ahead (a description, a number
    /// with words) is refused and asked again, never mapped to an option.
    #[test]
    fn plain_menus_refuse_words_typed_ahead_and_ask_again() {
        let items = ["One".to_owned(), "Two".to_owned(), "Three".to_owned()];
        let typed = b"photos won't upload\n2 photos\n1.\ntwo\n0\n4\n-1\n \n3\n";
        let picked = plain(typed).select("Which?", &items, 0).unwrap();
        assert_eq!(picked, Some(2));
        // Where Enter alone takes the default, a line of words still does not.
        let picked = plain(b"photos\n3\n")
            .select_enter("Which?", &items, 1)
            .unwrap();
        assert_eq!(picked, Some(2));
        let picked = plain(b"\n").select_enter("Which?", &items, 1).unwrap();
        assert_eq!(picked, Some(1));
    }

    #[test]
    fn plain_prompts_refuse_a_line_that_is_not_utf8_and_ask_again() {
        let answer = plain(b"Caf\xe9\nCafe\n").input("Project name").unwrap();
        assert_eq!(answer.as_deref(), Some("Cafe"));
        let items = ["One".to_owned(), "Two".to_owned()];
        let picked = plain(b"\xff\n2\n").select("Which?", &items, 0).unwrap();
        assert_eq!(picked, Some(1));
        // Arrow keys are refused too, and asked again.
        let answer = plain(b"\x1b[A\nDana\n").input("Name").unwrap();
        assert_eq!(answer.as_deref(), Some("Dana"));
    }
}
