//! MediaPipe Iris: the iris centre and radius and a 71-point eye contour, per eye.

use super::face_mesh::{MeshLandmarks, index};
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, RotatedRect};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "iris",
    file: "iris_landmark.onnx",
    embedded: include_bytes!("../../models/iris_landmark.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/iris_landmark.nnef.tar")),
};
pub(crate) const INPUT_SIZE: usize = 64;
/// MediaPipe's eye crop: 2.3 times the corner-to-corner width, square.
const CROP_SCALE: f32 = 2.3;
const CONTOUR_POINTS: usize = 71;
/// Iris centre, then four points on its boundary.
const IRIS_POINTS: usize = 5;
/// Upper and lower eyelid points facing each other in the contour, which starts with the outer
/// corner, runs along the lower lid to the inner corner (8) and back along the upper lid
/// (MediaPipe's mapping onto mesh points 33, 7, 163, 144, 145, ... and 246, 161, 160, 159, ...).
const LID_PAIRS: [(usize, usize); 3] = [(11, 3), (12, 4), (13, 5)];

#[derive(Debug, Clone)]
pub struct EyeLandmarks {
    pub iris_centre: Point,
    /// Mean distance from the centre to the four iris boundary points.
    pub iris_radius: f32,
    pub contour: Vec<Point>,
}

impl EyeLandmarks {
    /// The widest gap between the eyelids. The iris model follows the lids more closely than
    /// the face mesh, whose eye outline keeps much of its open shape on a closed eye.
    pub fn lid_gap_px(&self) -> f32 {
        LID_PAIRS.iter().map(|&(upper, lower)| self.contour[upper].distance(self.contour[lower])).fold(0.0, f32::max)
    }
}

#[derive(Clone)]
pub struct IrisModel {
    model: OnnxModel,
}

/// Which eye a crop holds. The model was trained on the eye at the left of the picture (the
/// subject's right); the other is mirrored in and out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Eye {
    SubjectRight,
    SubjectLeft,
}

impl Eye {
    /// The eye's outer and inner corner among the face mesh's points.
    pub fn mesh_corners(self) -> (usize, usize) {
        match self {
            Eye::SubjectRight => (index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER),
            Eye::SubjectLeft => (index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER),
        }
    }
}

impl IrisModel {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(
            &FILE,
            source,
            backend,
            &[1, INPUT_SIZE, INPUT_SIZE, 3],
            &[CONTOUR_POINTS * 3, IRIS_POINTS * 3],
        )?;
        Ok(IrisModel { model })
    }

    /// `left_corner` and `right_corner` are the eye corners as they appear left and right in the picture.
    pub fn crop_for(left_corner: Point, right_corner: Point) -> RotatedRect {
        let side = left_corner.distance(right_corner) * CROP_SCALE;
        RotatedRect {
            centre: left_corner.midpoint(right_corner),
            width: side,
            height: side,
            angle: left_corner.angle_to(right_corner),
        }
    }

    /// Runs on `eye` as the face mesh outlines it, cropped around its corners.
    pub fn run_on_mesh(&self, pyramid: &Pyramid, mesh: &MeshLandmarks, eye: Eye) -> Result<EyeLandmarks> {
        let (outer, inner) = eye.mesh_corners();
        let (outer, inner) = (mesh.point(outer), mesh.point(inner));
        // The subject's right eye has its outer corner on the picture's left, the left eye its inner.
        let crop = match eye {
            Eye::SubjectRight => Self::crop_for(outer, inner),
            Eye::SubjectLeft => Self::crop_for(inner, outer),
        };
        self.run(pyramid, crop, eye)
    }

    pub fn run(&self, pyramid: &Pyramid, crop: RotatedRect, eye: Eye) -> Result<EyeLandmarks> {
        let mirror = eye == Eye::SubjectLeft;
        let input = pyramid.sample(&crop, INPUT_SIZE, INPUT_SIZE, mirror, InputRange::ZeroToOne, Border::Replicate);
        let outputs = self.model.run(input)?;
        let contour = self.model.output(&outputs, CONTOUR_POINTS * 3)?;
        let iris = self.model.output(&outputs, IRIS_POINTS * 3)?;
        let unit = INPUT_SIZE as f32;
        let to_image = |x: f32, y: f32| {
            let u = x / unit;
            crop.to_image(if mirror { 1.0 - u } else { u }, y / unit)
        };
        let iris_points: Vec<Point> = iris.chunks_exact(3).map(|p| to_image(p[0], p[1])).collect();
        let iris_centre = iris_points[0];
        let iris_radius = iris_points[1..].iter().map(|p| p.distance(iris_centre)).sum::<f32>() / 4.0;
        let contour = contour.chunks_exact(3).map(|p| to_image(p[0], p[1])).collect();
        Ok(EyeLandmarks { iris_centre, iris_radius, contour })
    }
}
