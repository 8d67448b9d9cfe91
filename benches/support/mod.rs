//! What the benchmarks that simulate sessions share: the deterministic PRNG of the tests, and
//! their sizes from the environment.

#[path = "../../tests/support/rng.rs"]
mod rng;
pub use rng::Rng;

/// The number in the environment variable `name`, or `default` when it is unset or no number.
pub fn count(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(default)
}
