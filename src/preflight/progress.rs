//! The spinner `preflight` shows on stderr while it walks: the files checked so far and the
//! time taken, on one line (indicatif), cleared when the walk ends.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// A spinner drawing on `target`: `| checked 1,204 files (5s)`, in ASCII frames, which every
/// console can show. [`start`] makes it turn.
pub(super) fn spinner(target: ProgressDrawTarget) -> ProgressBar {
    let style = ProgressStyle::with_template("{spinner} checked {human_pos} {noun} ({elapsed})")
        .expect("the template is valid")
        .tick_chars("|/-\\ ")
        .with_key(
            "noun",
            |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(if state.pos() == 1 { "file" } else { "files" });
            },
        );
    ProgressBar::with_draw_target(None, target).with_style(style)
}

/// Redraws `bar` every 120 ms until it is finished.
pub(super) fn start(bar: &ProgressBar) {
    bar.enable_steady_tick(Duration::from_millis(120));
}

#[cfg(test)]
mod tests {
    use super::*;
    use indicatif::InMemoryTerm;

    #[test]
    fn the_spinner_shows_the_count_then_clears_its_line() {
        let term = InMemoryTerm::new(2, 80);
        let bar = spinner(ProgressDrawTarget::term_like_with_hz(
            Box::new(term.clone()),
            u8::MAX,
        ));
        bar.inc(1);
        bar.tick();
        // After the spinner's frame (`|`, `/`, `-` or `\\`, as far as it has turned).
        assert_eq!(&term.contents()[1..], " checked 1 file (0s)");
        bar.inc(1203);
        bar.tick();
        assert_eq!(&term.contents()[1..], " checked 1,204 files (0s)");
        bar.finish_and_clear();
        assert_eq!(term.contents(), "");
    }
}
