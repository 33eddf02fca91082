//! Written by `cargo run --release --example morphing` (docs/morphing.md); do not edit.
use super::differential::DifferentialModel;

pub(crate) const TRAINED: DifferentialModel = DifferentialModel {
    mean: [-0.982227, -4.351881, -3.371940, -3.971036, -3.381231],
    scale: [0.321114, 0.385746, 0.427091, 0.530169, 0.482494],
    weights: [4.714919, 0.943237, -2.146873, -0.696678, 1.475932],
    bias: 3.327970,
};
