//! MediaPipe Face Mesh: 468 landmarks of the largest face, from a crop turned upright by the eye line.

use super::{Backend, ModelFile, ModelSource, OnnxModel, sigmoid};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, RotatedRect, Similarity};
use crate::models::FaceDetection;

pub(crate) const FILE: ModelFile = ModelFile {
    name: "face mesh",
    file: "face_landmark.onnx",
    embedded: include_bytes!("../../models/face_landmark.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/face_landmark.nnef.tar")),
};
pub(crate) const INPUT_SIZE: usize = 192;
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
    /// Under the nose, at the top of the philtrum (dlib's fifth alignment point).
    pub const UNDER_NOSE: usize = 2;
    pub const FACE_RIGHT_SIDE: usize = 234;
    pub const FACE_LEFT_SIDE: usize = 454;
    /// The upper temples, where the face oval meets the hair.
    pub const RIGHT_TEMPLE: usize = 54;
    pub const LEFT_TEMPLE: usize = 284;
    /// The bridge of the nose between the eyes.
    pub const NOSE_BRIDGE: usize = 168;
    pub const MOUTH_RIGHT_CORNER: usize = 61;
    pub const MOUTH_LEFT_CORNER: usize = 291;
    pub const UPPER_LIP_TOP: usize = 0;
    pub const UPPER_LIP_INNER: usize = 13;

    /// Outlines as closed polygons, in order (MediaPipe's face_mesh_connections).
    pub const FACE_OVAL: &[usize] = &[
        10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176, 149,
        150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
    ];
    pub const RIGHT_EYE: &[usize] = &[33, 246, 161, 160, 159, 158, 157, 173, 133, 155, 154, 153, 145, 144, 163, 7];
    pub const LEFT_EYE: &[usize] = &[362, 398, 384, 385, 386, 387, 388, 466, 263, 249, 390, 373, 374, 380, 381, 382];
    pub const RIGHT_BROW: &[usize] = &[70, 63, 105, 66, 107, 55, 65, 52, 53, 46];
    pub const LEFT_BROW: &[usize] = &[336, 296, 334, 293, 300, 276, 283, 282, 295, 285];
    pub const LIPS_OUTER: &[usize] =
        &[61, 185, 40, 39, 37, 0, 267, 269, 270, 409, 291, 375, 321, 405, 314, 17, 84, 181, 91, 146];
    /// Upper and lower inner-lip points facing each other.
    pub const INNER_LIP_PAIRS: &[(usize, usize)] = &[(81, 178), (82, 87), (13, 14), (312, 317), (311, 402)];
    /// Upper edge of each eyebrow's middle and the eyelid below it.
    pub const RIGHT_BROW_OVER_EYE: (usize, usize) = (105, 159);
    pub const LEFT_BROW_OVER_EYE: (usize, usize) = (334, 386);
}

/// The mesh in image coordinates: x, y in pixels, z (depth, smaller is nearer the camera) in the
/// same pixel scale.
#[derive(Debug, Clone)]
pub struct MeshLandmarks {
    pub points: Vec<[f32; 3]>,
    /// Probability that the crop holds a face at all.
    pub presence: f32,
}

/// The eye centres as the midpoints of each eye's corners, picture-left (subject's right) first:
/// unlike the iris centres they do not move with the gaze. `point` gives a mesh point by index.
pub fn eye_corner_centres(point: impl Fn(usize) -> Point) -> [Point; 2] {
    let centre = |outer, inner| point(outer).midpoint(point(inner));
    [centre(index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER), centre(index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER)]
}

impl MeshLandmarks {
    pub fn point(&self, index: usize) -> Point {
        let [x, y, _] = self.points[index];
        Point::new(x, y)
    }

    /// The similarity from the pixels of a square crop of side `crop_px` to photo pixels that puts
    /// the eye centres (`eye_corner_centres`) `inter_eye_px` apart, level and centred, on row
    /// `eye_row_px`: how the networks that read an aligned face crop it.
    pub fn eyes_aligned_crop(&self, crop_px: f32, inter_eye_px: f32, eye_row_px: f32) -> Similarity {
        let in_photo = eye_corner_centres(|i| self.point(i));
        let middle = crop_px / 2.0;
        let in_crop =
            [Point::new(middle - inter_eye_px / 2.0, eye_row_px), Point::new(middle + inter_eye_px / 2.0, eye_row_px)];
        Similarity::fit(&in_crop, &in_photo)
    }

    /// Every point in the photo's plane (what the morph generator takes).
    pub fn image_points(&self) -> Vec<Point> {
        self.points.iter().map(|&[x, y, _]| Point::new(x, y)).collect()
    }
}

#[derive(Clone)]
pub struct FaceMesh {
    model: OnnxModel,
}

impl FaceMesh {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, backend, &[1, INPUT_SIZE, INPUT_SIZE, 3], &[LANDMARK_COUNT * 3, 1])?;
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
        let input = pyramid.sample(&crop, INPUT_SIZE, INPUT_SIZE, false, InputRange::ZeroToOne, Border::Replicate);
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
        Ok(MeshLandmarks { points, presence: sigmoid(presence) })
    }
}
