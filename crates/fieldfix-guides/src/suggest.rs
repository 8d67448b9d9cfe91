//! "Did you mean …?" for names a user or an author got slightly wrong.

/// The candidate closest to `name`, when it is close enough to be a plausible typo: alike
/// letter by letter (Jaro-Winkler), or one or two slips away (a letter missed, added, changed
/// or swapped; "ph" typed as "f").
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let name = normal(name);
    candidates
        .into_iter()
        .filter_map(|c| {
            let wanted = normal(c);
            let short = name.chars().count().min(wanted.chars().count()) <= 5;
            let score = strsim::jaro_winkler(&name, &wanted);
            // Short names need a closer match: "nope" is not a typo of "notes".
            let alike = score >= if short { 0.9 } else { 0.8 };
            let slips = strsim::osa_distance(&name, &wanted) <= if short { 1 } else { 2 };
            (alike || slips).then_some((score, c))
        })
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// A name as it sounds: lowercase, "ph" as "f" ("fotos" for "photos").
fn normal(name: &str) -> String {
    name.trim().to_lowercase().replace("ph", "f")
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
        assert_eq!(closest("fotos", ["photos", "permission"]), Some("photos"));
        assert_eq!(
            closest("premission", ["photos", "permission"]),
            Some("permission")
        );
        assert_eq!(closest("nope", ["notes"]), None);
    }
}
