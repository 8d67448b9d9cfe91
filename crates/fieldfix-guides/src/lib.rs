//! The guide format of fieldfix, in one place for the two that need it: the build script,
//! which validates the built-in guides and compiles them into the binary, and fieldfix itself
//! (`fieldfix validate`, `--guides DIR`), which checks company guides the same way.
//!
//! - [`raw`]: the file format as written, with source locations; [`model`]: the validated
//!   knowledge base the engine works with;
//! - [`load`]: reading guide files safely and assembling them on top of a base library;
//!   [`check`]: the validator's rules; [`problem`]: a problem located by file, line and column;
//!   [`lookup`]: finding a guide by the name a user typed;
//! - [`text`]: text hygiene; [`safe`]: making outside text safe to print; [`input`]: reading
//!   the files fieldfix is given; [`suggest`]: "did you mean".

pub mod check;
pub mod input;
pub mod load;
pub mod lookup;
pub mod model;
pub mod problem;
pub mod raw;
pub mod safe;
pub mod suggest;
pub mod text;

/// The SHA-256 of `bytes` as 64 lowercase hex digits: the one way fieldfix names content (the
/// guide cache, a guide's version in the outcome log, the built-in guides in `--version`).
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::Digest;
    sha2::Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn sha256_hex_is_the_standard_digest() {
        assert_eq!(
            super::sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
