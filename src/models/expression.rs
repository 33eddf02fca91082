//! The facial expression classifier: mini-Xception (Arriaga et al. 2017, trained on FER-2013), a
//! 64 px grey face in, seven expressions out. Only its "happy" output is read: it sees a smile
//! with closed lips, which the mouth's width misses (docs/calibration.md).

use super::face_mesh::MeshLandmarks;
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Pyramid};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "expression classifier",
    file: "emotion.onnx",
    embedded: include_bytes!("../../models/emotion.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/emotion.nnef.tar")),
};
/// The side of the grey face crop the network reads.
pub const INPUT_SIZE: usize = 64;
/// The crop's place for the eye centres: their distance and their row, in crop pixels. The
/// network was trained on face-detector boxes; on FRLL the square box around the whole face mesh
/// puts the eyes 0.38 of its side apart at 0.33 of its height (medians), which these repeat.
const INTER_EYE_PX: f32 = 24.0;
const EYE_ROW_PX: f32 = 21.0;
/// FER-2013's classes in the network's output order; the smile is "happy".
const CLASSES: usize = 7;
const HAPPY: usize = 3;

/// The network's input: the face upright, grey (ITU-R BT.601 weights) in -1..1, row-major.
pub fn face_crop(pyramid: &Pyramid, mesh: &MeshLandmarks) -> Vec<f32> {
    let rgb = pyramid.sample(
        &mesh.eyes_aligned_crop(INPUT_SIZE as f32, INTER_EYE_PX, EYE_ROW_PX).square(INPUT_SIZE as f32),
        INPUT_SIZE,
        INPUT_SIZE,
        false,
        InputRange::MinusOneToOne,
        Border::Zero,
    );
    rgb.chunks_exact(3).map(|p| 0.2989 * p[0] + 0.587 * p[1] + 0.114 * p[2]).collect()
}

#[derive(Clone)]
pub struct ExpressionClassifier {
    model: OnnxModel,
}

impl ExpressionClassifier {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, backend, &[1, INPUT_SIZE, INPUT_SIZE, 1], &[CLASSES])?;
        Ok(ExpressionClassifier { model })
    }

    /// The probability that the face the mesh marks smiles, 0..1.
    pub fn smile_probability(&self, pyramid: &Pyramid, mesh: &MeshLandmarks) -> Result<f32> {
        let outputs = self.model.run(face_crop(pyramid, mesh))?;
        Ok(self.model.output(&outputs, CLASSES)?[HAPPY])
    }
}
