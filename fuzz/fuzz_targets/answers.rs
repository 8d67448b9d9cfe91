//! Answers file bytes -> a situation or a message: never panics, never hangs; a line in the
//! message exists in the input.

#![no_main]

use fieldfix::guides::load::Source;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let source = Source::company("answers", text);
    if let Err(message) = fieldfix::commands::answers(&source) {
        let lines = text.split("\r\n").flat_map(|l| l.split(['\n', '\r'])).count();
        if let Some(line) = message
            .strip_prefix("line ")
            .and_then(|rest| rest.split(',').next()?.parse::<usize>().ok())
        {
            assert!((1..=lines).contains(&line), "{message}");
        }
    }
});
