//! "Did you mean …?" for names a user or an author got slightly wrong.

/// The candidate closest to `name`, when it is close enough to be a plausible typo.
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = name.to_lowercase();
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&name, &c.to_lowercase()), c))
        // Short names need a closer match: "nope" is not a typo of "notes".
        .filter(|(score, c)| {
            *score
                >= if name.len().min(c.len()) <= 5 {
                    0.9
                } else {
                    0.8
                }
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// `" (did you mean `x`?)"` or nothing.
pub fn hint<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    closest(name, candidates)
        .map(|c| format!(" (did you mean `{c}`?)"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_near_misses_only() {
        let ids = ["wifi-only", "weak-signal", "server-load"];
        assert_eq!(closest("wifi-onyl", ids), Some("wifi-only"));
        assert_eq!(closest("WEAK-SIGNAL", ids), Some("weak-signal"));
        assert_eq!(closest("permissions", ids), None);
        assert_eq!(hint("server-lod", ids), " (did you mean `server-load`?)");
        assert_eq!(hint("zzz", ids), "");
    }
}
