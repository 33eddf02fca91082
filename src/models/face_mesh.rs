//! MediaPipe Face Mesh: 468 landmarks of the largest face, from a crop turned upright by the eye line.

use super::{ModelFile, ModelSource, OnnxModel, sigmoid};
use crate::error::Result;
use crate::imaging::{InputRange, Point, Pyramid, RotatedRect};
use crate::models::FaceDetection;

const FILE: ModelFile = ModelFile {
    name: "face mesh",
    file: "face_landmark.onnx",
    embedded: include_bytes!("../../models/face_landmark.onnx"),
};
const INPUT_SIZE: usize = 192;
pub const LANDMARK_COUNT: usize = 468;
/// MediaPipe enlarges the detection box by this factor before cropping.
const CROP_SCALE: f32 = 1.5;

/// Mesh indices used by the checks (subject's right = left of the picture).
pub mod index {
    pub const RIGHT_EYE_OUTER: usize = 33;
    pub const RIGHT_EYE_INNER: usize = 133;
    pub const LEFT_EYE_INNER: usize = 362;
    pub const LEFT_EYE_OUTER: usize = 263;
    pub const FOREHEAD_TOP: usize = 10;
    pub const CHIN: usize = 152;
    pub const NOSE_TIP: usize = 4;
    pub const FACE_RIGHT_SIDE: usize = 234;
    pub const FACE_LEFT_SIDE: usize = 454;
    pub const UPPER_LIP_INNER: usize = 13;
    pub const LOWER_LIP_INNER: usize = 14;
}

/// The mesh in image coordinates: x, y in pixels, z (depth, smaller is nearer the camera) in the
/// same pixel scale.
#[derive(Debug, Clone)]
pub struct MeshLandmarks {
    pub points: Vec<[f32; 3]>,
    /// Probability that the crop holds a face at all.
    pub presence: f32,
    /// The crop the mesh was computed on.
    pub crop: RotatedRect,
}

impl MeshLandmarks {
    pub fn point(&self, index: usize) -> Point {
        let [x, y, _] = self.points[index];
        Point::new(x, y)
    }
}

#[derive(Clone)]
pub struct FaceMesh {
    model: OnnxModel,
}

impl FaceMesh {
    pub fn load(source: &ModelSource) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, &[1, INPUT_SIZE, INPUT_SIZE, 3], &[LANDMARK_COUNT * 3, 1])?;
        Ok(FaceMesh { model })
    }

    /// The crop MediaPipe derives from a detection: the box enlarged to a square, turned so that
    /// the eyes lie level.
    pub fn crop_for(detection: &FaceDetection) -> RotatedRect {
        let side = detection.bbox.width.max(detection.bbox.height) * CROP_SCALE;
        RotatedRect {
            centre: detection.bbox.centre(),
            width: side,
            height: side,
            angle: detection.right_eye().angle_to(detection.left_eye()),
        }
    }

    pub fn run(&self, pyramid: &Pyramid, crop: RotatedRect) -> Result<MeshLandmarks> {
        let input = pyramid.sample(&crop, INPUT_SIZE, INPUT_SIZE, false, InputRange::ZeroToOne);
        let outputs = self.model.run(input)?;
        let coordinates = self.model.output(&outputs, LANDMARK_COUNT * 3)?;
        let presence = self.model.output(&outputs, 1)?[0];
        let unit = INPUT_SIZE as f32;
        let depth_scale = crop.width / unit;
        let points = coordinates
            .chunks_exact(3)
            .map(|p| {
                let at = crop.to_image(p[0] / unit, p[1] / unit);
                [at.x, at.y, p[2] * depth_scale]
            })
            .collect();
        Ok(MeshLandmarks { points, presence: sigmoid(presence), crop })
    }
}
