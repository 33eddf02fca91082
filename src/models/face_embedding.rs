//! dlib's ResNet face descriptor: a 128-value identity embedding of a face chip aligned the way
//! dlib aligns it (five points to its template, 150 px, padding 0.25). Two photos of one person
//! lie within about 0.6 of each other (Euclidean); used to compare a document photo with a live
//! capture. Loaded only when a comparison is asked for.

use super::face_mesh::{MeshLandmarks, index};
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, Similarity};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "face embedding",
    file: "dlib_face_recognition_resnet.onnx",
    embedded: include_bytes!("../../models/dlib_face_recognition_resnet.onnx"),
    // Loaded only for comparisons and morph tools, off the start-up path: no second 22 MB copy.
    embedded_decluttered: None,
};
const CHIP_PX: usize = 150;
const PADDING: f32 = 0.25;
pub const EMBEDDING_LEN: usize = 128;
/// dlib's usual threshold for "the same person".
#[cfg(feature = "tools")]
pub const SAME_PERSON_DISTANCE: f32 = 0.6;

/// dlib's five-point template in a unit chip (`get_face_chip_details`), with the mesh point
/// that marks each: the subject's left eye outer and inner corner, the right eye's outer and
/// inner corner, and the point under the nose.
const TEMPLATE: [(f32, f32, usize); 5] = [
    (0.859_567_5, 0.213_498_2, index::LEFT_EYE_OUTER),
    (0.646_060_5, 0.228_967_4, index::LEFT_EYE_INNER),
    (0.120_575_06, 0.213_727_45, index::RIGHT_EYE_OUTER),
    (0.334_085_06, 0.229_064_24, index::RIGHT_EYE_INNER),
    (0.490_112_3, 0.627_797_5, index::UNDER_NOSE),
];

#[derive(Debug, Clone, PartialEq)]
pub struct Embedding(pub [f32; EMBEDDING_LEN]);

impl Embedding {
    pub fn distance(&self, other: &Embedding) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| (a - b) * (a - b)).sum::<f32>().sqrt()
    }
}

#[derive(Clone)]
pub struct FaceEmbedder {
    model: OnnxModel,
}

impl FaceEmbedder {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, backend, &[1, CHIP_PX, CHIP_PX, 3], &[EMBEDDING_LEN])?;
        Ok(FaceEmbedder { model })
    }

    /// The similarity from chip pixels to photo pixels that fits the template to the mesh.
    pub fn chip_for(mesh: &MeshLandmarks) -> Similarity {
        let chip = |t: f32| (PADDING + t) / (2.0 * PADDING + 1.0) * CHIP_PX as f32;
        let template: Vec<Point> = TEMPLATE.iter().map(|&(x, y, _)| Point::new(chip(x), chip(y))).collect();
        let marked: Vec<Point> = TEMPLATE.iter().map(|&(_, _, i)| mesh.point(i)).collect();
        Similarity::fit(&template, &marked)
    }

    pub fn run(&self, pyramid: &Pyramid, mesh: &MeshLandmarks) -> Result<Embedding> {
        let square = Self::chip_for(mesh).square(CHIP_PX as f32);
        let input = pyramid.sample(&square, CHIP_PX, CHIP_PX, false, InputRange::Unscaled, Border::Zero);
        let outputs = self.model.run(input)?;
        let values = self.model.output(&outputs, EMBEDDING_LEN)?;
        let mut embedding = [0f32; EMBEDDING_LEN];
        embedding.copy_from_slice(values);
        Ok(Embedding(embedding))
    }
}
