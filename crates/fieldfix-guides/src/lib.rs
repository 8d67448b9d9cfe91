//! The guide format of fieldfix, in one place for the two that need it: the build script,
//! which validates the built-in guides and compiles them into the binary, and fieldfix itself
//! (`fieldfix validate`, `--guides DIR`), which checks company guides the same way.
//!
//! - [`raw`]: the file format as written, with source locations; [`model`]: the validated
//!   knowledge base the engine works with;
//! - [`load`]: reading guide files safely and assembling them on top of a base library;
//!   [`check`]: the validator's rules; [`sound`]: the same rules on a finished library (the
//!   cache's check); [`problem`]: a problem located by file, line and column;
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
pub mod sound;
pub mod suggest;
pub mod text;
