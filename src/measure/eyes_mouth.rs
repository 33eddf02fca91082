//! Eyes, mouth and expression (requirements section 6), from the mesh and the irises in the
//! upright face crop.

use super::face_image::{FaceImage, IrisInCrop};
use super::{Finding, ofiq_sigmoid, quality};
use crate::imaging::Point;
use crate::models::face_mesh::index;

#[derive(Debug, Clone, PartialEq)]
pub struct SubjectMeasures {
    /// OFIQ: the smaller eyelid gap of the two eyes over the eye-midpoint-to-chin distance. The
    /// gaps come from the iris model's eye contour (OFIQ takes them from its 98 landmarks).
    pub eyes_open: Finding,
    /// OFIQ: the largest inner-lip gap over the eye-midpoint-to-chin distance.
    pub mouth_closed: Finding,
    /// Iris centre away from the middle of the eye opening, in eye widths, both eyes averaged.
    pub gaze: Finding,
    /// What `expression.neutral` judges: the mouth width over the inter-eye distance. Of the
    /// mesh cues tried on FRLL neutral against smiling (width, corner lift, brow height, lip gap
    /// and their sums), width alone separated best (docs/calibration.md).
    pub expression: Finding,
}

pub fn measure(face: &FaceImage) -> SubjectMeasures {
    let p = |i: usize| face.point(i);
    let yardstick = f64::from(face.eyes_to_chin().max(1.0));
    let ied = f64::from(face.px_per_ied);
    let widest = |pairs: &[(usize, usize)]| pairs.iter().map(|&(a, b)| p(a).distance(p(b))).fold(0f32, f32::max);
    let eyes_open = f64::from(face.right_iris.lid_gap.min(face.left_iris.lid_gap)) / yardstick;
    let mouth_open = f64::from(widest(index::INNER_LIP_PAIRS)) / yardstick;

    let gaze_offset = |iris: &IrisInCrop, outer: usize, inner: usize, lid: (usize, usize)| {
        let width = p(outer).distance(p(inner)).max(1.0);
        let middle = Point::new((p(outer).x + p(inner).x) / 2.0, (p(lid.0).y + p(lid.1).y) / 2.0);
        ((iris.centre.x - middle.x) / width, (iris.centre.y - middle.y) / width)
    };
    let right = gaze_offset(&face.right_iris, index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER, (159, 145));
    let left = gaze_offset(&face.left_iris, index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER, (386, 374));
    let gaze = f64::from(((right.0 + left.0) / 2.0).hypot((right.1 + left.1) / 2.0));

    let mouth_width = f64::from(p(index::MOUTH_RIGHT_CORNER).distance(p(index::MOUTH_LEFT_CORNER))) / ied;

    SubjectMeasures {
        eyes_open: Finding { value: eyes_open, quality: quality(ofiq_sigmoid(eyes_open, 0.02, 0.01)) },
        mouth_closed: Finding { value: mouth_open, quality: quality(1.0 - ofiq_sigmoid(mouth_open, 0.2, 0.06)) },
        gaze: Finding { value: gaze, quality: quality(1.0 - 4.0 * gaze) },
        expression: Finding { value: mouth_width, quality: quality(1.0 - ofiq_sigmoid(mouth_width, 0.9, 0.03)) },
    }
}
