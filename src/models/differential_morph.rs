//! The differential morph detector's scorer (D-MAD): a logistic regression on the logarithms of
//! the identity distance and the four face-geometry residuals (`measure::reference`), standardised,
//! as an ONNX graph like the other models. Trained by `cargo run --release --example morphing` on
//! the FRLL train split (docs/morphing.md), which writes models/differential_morph.onnx.

use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::measure::reference::FEATURES;

pub(crate) const FILE: ModelFile = ModelFile {
    name: "differential morph detector",
    file: "differential_morph.onnx",
    embedded: include_bytes!("../../models/differential_morph.onnx"),
    embedded_decluttered: None,
};

#[derive(Clone)]
pub struct DifferentialMorph {
    model: OnnxModel,
}

impl DifferentialMorph {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        Ok(DifferentialMorph { model: OnnxModel::load(&FILE, source, backend, &[1, FEATURES], &[1])? })
    }

    /// The probability-like score 0..1 that the document is a morph of the live person and someone
    /// else; higher is more suspicious.
    pub fn score(&self, features: &[f32; FEATURES]) -> Result<f32> {
        let outputs = self.model.run(features.to_vec())?;
        Ok(self.model.output(&outputs, 1)?[0])
    }
}
