//! Morphing attacks: a generator that makes morphs from two photos (for training and evaluating
//! the detectors) and the post-processing a forger applies to hide them.

pub mod differential;
mod differential_model;
pub mod generate;
pub mod post;

pub use generate::{Contributor, Morph, MorphError, MorphKind, morph};
