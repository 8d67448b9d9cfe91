//! Saved session bytes -> a session checked against the built-in guides, or a message: never
//! panics, never hangs.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(session) = fieldfix::wizard::session::parse(text) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let store = fieldfix::wizard::session::Store::at(dir.path());
        if store.save(&session).is_ok()
            && let Ok(loaded) = store.load(&session.id)
        {
            let _ = store.check(loaded, &fieldfix::guides::embedded::library());
        }
    }
});
