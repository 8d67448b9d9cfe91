//! The file-name rules both the checks and the renames use: the characters that break uploads,
//! the longest name every system keeps, the device names Windows reserves, and the safe name a
//! bad one becomes.

use std::ffi::OsStr;

/// Characters that break uploads, downloads or syncing somewhere along the way.
pub const BAD_CHARS: &[char] = &[
    '#', '%', '&', '{', '}', '<', '>', '*', '?', '/', '\\', '|', ':', '"',
];

/// Longest name, in UTF-8 bytes, that every file system and Procore's own storage keep.
pub const MAX_NAME_BYTES: usize = 255;

const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// Whether `name` (before its first dot, ignoring case) is a device name Windows reserves.
pub fn is_reserved(name: &str) -> bool {
    let stem = name.split('.').next().unwrap_or(name).trim_end();
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(stem))
}

/// Characters that stand between parts of a name (dates, times): replaced by `-`, the others
/// by `_`.
const SEPARATORS: &[char] = &['/', '\\', ':', '|'];

/// A name that uploads well: bad characters replaced, control characters dropped, no leading
/// or trailing spaces and dots, not a reserved Windows name, at most 255 bytes (the extension
/// kept). Applying it twice changes nothing.
pub fn safe_name(name: &OsStr) -> String {
    let text = name.to_string_lossy();
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let replacement = if SEPARATORS.contains(&c) {
            '-'
        } else if BAD_CHARS.contains(&c) || c == char::REPLACEMENT_CHARACTER {
            '_'
        } else if crate::safe::is_unsafe(c) {
            continue;
        } else {
            c
        };
        // No runs of `_` from neighbouring bad characters.
        if replacement == '_' && out.ends_with('_') {
            continue;
        }
        out.push(replacement);
    }
    let trim = |c: char| c == '.' || c.is_whitespace();
    let mut name = out.trim_matches(trim).to_owned();
    if name.is_empty() {
        name = "unnamed".to_owned();
    }
    if is_reserved(&name) {
        let at = name.find('.').unwrap_or(name.len());
        name.insert(at, '_');
    }
    fit(&name, "")
}

/// `name` with `suffix` added before the extension, cut to fit in 255 bytes.
pub(super) fn fit(name: &str, suffix: &str) -> String {
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.len() <= 16 => (stem, format!(".{ext}")),
        _ => (name, String::new()),
    };
    let room = MAX_NAME_BYTES.saturating_sub(ext.len() + suffix.len());
    let mut cut = stem.len().min(room);
    while !stem.is_char_boundary(cut) {
        cut -= 1;
    }
    let stem = stem[..cut].trim_end_matches(|c: char| c == '.' || c.is_whitespace());
    format!("{stem}{suffix}{ext}")
}
