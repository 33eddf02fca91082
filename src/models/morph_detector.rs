//! The single-image morph detector (S-MAD): a small convolutional network that scores two face
//! crops, aligned on the eyes, from 0 (bona fide) to 1 (morph). Trained by training/smad/train.py
//! on passbild's own morphs of FRLL, Canada and congress photos (docs/morphing.md has its figures
//! and what it does not catch).

use super::face_mesh::MeshLandmarks;
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Pyramid, Similarity};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "morph detector",
    file: "morph_detector.onnx",
    embedded: include_bytes!("../../models/morph_detector.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/morph_detector.nnef.tar")),
};
/// The side of each of the two crops the network reads, stacked in one input: the whole face
/// (hairline to chin, for the ghosting of a blended outline and hair) above the eyes, nose and
/// mouth at 2.3 times the detail (for the fine texture a blend smooths away).
pub const CROP_PX: usize = 192;
/// (inter-eye distance, eye row) in each crop's pixels, whole face first.
const CROPS: [(f32, f32); 2] = [(60.0, 70.0), (140.0, 40.0)];

/// The similarities from crop pixels to photo pixels that put the eye centres (the midpoints of
/// each eye's corners) at their places in each crop, whole face first.
pub fn crops_for(mesh: &MeshLandmarks) -> [Similarity; 2] {
    CROPS.map(|(inter_eye_px, eye_row_px)| mesh.eyes_aligned_crop(CROP_PX as f32, inter_eye_px, eye_row_px))
}

/// The network's input: the two crops, one above the other (2 x CROP_PX rows of CROP_PX), RGB in
/// 0..1, row-major HWC.
pub fn face_crops(pyramid: &Pyramid, mesh: &MeshLandmarks) -> Vec<f32> {
    crops_for(mesh)
        .iter()
        .flat_map(|crop| {
            pyramid.sample(&crop.square(CROP_PX as f32), CROP_PX, CROP_PX, false, InputRange::ZeroToOne, Border::Zero)
        })
        .collect()
}

#[derive(Clone)]
pub struct MorphDetector {
    model: OnnxModel,
}

impl MorphDetector {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, backend, &[1, 2 * CROP_PX, CROP_PX, 3], &[1])?;
        Ok(MorphDetector { model })
    }

    /// The morph score of the face the mesh marks, 0..1.
    pub fn run(&self, pyramid: &Pyramid, mesh: &MeshLandmarks) -> Result<f32> {
        self.score_crops(face_crops(pyramid, mesh))
    }

    /// The morph score of the crops made by `face_crops`.
    pub fn score_crops(&self, crops: Vec<f32>) -> Result<f32> {
        let outputs = self.model.run(crops)?;
        Ok(self.model.output(&outputs, 1)?[0])
    }
}
