//! Eyes, mouth and expression (requirements section 6), from the mesh and the irises in the
//! upright face crop.

use super::{Finding, Measure, Reason, Unit, judge_finding, ofiq_sigmoid, ofiq_sigmoid_quality, quality};
use crate::face_image::{FaceImage, IrisInCrop};
use crate::imaging::Point;
use crate::models::face_mesh::index;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

#[derive(Debug, Clone, PartialEq)]
pub struct SubjectMeasures {
    /// OFIQ: the smaller eyelid gap of the two eyes over the eye-midpoint-to-chin distance. The
    /// gaps come from the iris model's eye contour (OFIQ takes them from its 98 landmarks).
    pub eyes_open: Finding,
    /// OFIQ: the largest inner-lip gap over the eye-midpoint-to-chin distance.
    pub mouth_closed: Finding,
    /// Iris centre away from the middle of the eye opening, in eye widths, both eyes averaged.
    pub gaze: Finding,
    /// How far the mouth corners rise above the lips' middle, in inter-eye distances (a smile
    /// lifts them).
    pub mouth_corner_lift: f64,
    /// Mouth width over the inter-eye distance (a smile widens the mouth).
    pub mouth_width: f64,
    /// Eyebrow above the upper eyelid, in inter-eye distances (raised brows lift it).
    pub brow_height: f64,
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

    let corners = p(index::MOUTH_RIGHT_CORNER).midpoint(p(index::MOUTH_LEFT_CORNER));
    let lips_middle = p(index::UPPER_LIP_INNER).midpoint(p(index::LOWER_LIP_INNER));
    let mouth_corner_lift = f64::from(lips_middle.y - corners.y) / ied;
    let mouth_width = f64::from(p(index::MOUTH_RIGHT_CORNER).distance(p(index::MOUTH_LEFT_CORNER))) / ied;
    let brow = |(brow, lid): (usize, usize)| f64::from(p(lid).y - p(brow).y) / ied;
    let brow_height = (brow(index::RIGHT_BROW_OVER_EYE) + brow(index::LEFT_BROW_OVER_EYE)) / 2.0;

    SubjectMeasures {
        eyes_open: Finding { value: eyes_open, quality: Some(ofiq_sigmoid_quality(eyes_open, 0.02, 0.01)) },
        mouth_closed: Finding { value: mouth_open, quality: quality(1.0 - ofiq_sigmoid(mouth_open, 0.2, 0.06)) },
        gaze: Finding { value: gaze, quality: quality(1.0 - 4.0 * gaze) },
        mouth_corner_lift,
        mouth_width,
        brow_height,
        expression: Finding { value: mouth_width, quality: quality(1.0 - ofiq_sigmoid(mouth_width, 0.9, 0.03)) },
    }
}

const EYES_OPEN: Measure = Measure {
    id: ids::EYES_OPEN,
    unit: Unit::Ratio,
    name_en: "Eyes open (eyelid gap over eye-to-chin distance)",
    name_de: "Augen geöffnet (Lidabstand zu Augen-Kinn-Abstand)",
    too_low: ("open the eyes", "die Augen öffnen"),
    too_high: ("the eyes are opened wide; relax", "die Augen sind weit aufgerissen; entspannen"),
};
const MOUTH_CLOSED: Measure = Measure {
    id: ids::MOUTH_CLOSED,
    unit: Unit::Ratio,
    name_en: "Mouth closed (lip gap over eye-to-chin distance)",
    name_de: "Mund geschlossen (Lippenabstand zu Augen-Kinn-Abstand)",
    too_low: ("", ""),
    too_high: ("close the mouth", "den Mund schließen"),
};
const GAZE: Measure = Measure {
    id: ids::GAZE,
    unit: Unit::Ratio,
    name_en: "Looking into the camera (iris offset in eye widths)",
    name_de: "Blick in die Kamera (Irisversatz in Augenbreiten)",
    too_low: ("", ""),
    too_high: ("look straight into the camera", "direkt in die Kamera schauen"),
};
const EXPRESSION: Measure = Measure {
    id: ids::EXPRESSION_NEUTRAL,
    unit: Unit::Ratio,
    name_en: "Neutral expression (mouth width over inter-eye distance)",
    name_de: "Neutraler Gesichtsausdruck (Mundbreite zu Augenabstand)",
    too_low: ("", ""),
    too_high: (
        "the mouth is drawn wide as in a smile; keep a neutral face",
        "der Mund ist wie beim Lächeln breit gezogen; neutral schauen",
    ),
};

pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let measures = analysis.face_measures(|a| a.subject.as_ref());
    let pick = |f: fn(&SubjectMeasures) -> Finding| -> Result<Finding, Reason> { measures.map(f) };
    judge_finding(out, &EYES_OPEN, &profile.eyes.open, pick(|m| m.eyes_open));
    judge_finding(out, &GAZE, &profile.eyes.gaze, pick(|m| m.gaze));
    judge_finding(out, &MOUTH_CLOSED, &profile.mouth.closed, pick(|m| m.mouth_closed));
    judge_finding(out, &EXPRESSION, &profile.expression.neutral, pick(|m| m.expression));
}
