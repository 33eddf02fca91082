//! Geometry of the face in the frame (ISO/IEC 19794-5 clause 8.3; TR-03121-3.2 Table 5.3).

use super::{Measure, Reason, Unit, enabled, fail_with, judge, not_assessed, ofiq_sigmoid_quality};
use crate::head::HeadOutline;
use crate::imaging::Point;
use crate::pipeline::{Analysis, FaceAnalysis};
use crate::profile::{Profile, Range};
use crate::report::{CheckResult, ids};

const INTER_EYE_DISTANCE: Measure = Measure {
    id: ids::INTER_EYE_DISTANCE,
    unit: Unit::Pixels,
    name_en: "Inter-eye distance",
    name_de: "Augenabstand",
    too_low: (
        "the face is too small; move closer or use a higher resolution",
        "das Gesicht ist zu klein; näher herangehen oder eine höhere Auflösung verwenden",
    ),
    too_high: ("the face is too large", "das Gesicht ist zu groß"),
};
const HORIZONTAL_CENTRING: Measure = Measure {
    id: ids::HORIZONTAL_CENTRING,
    unit: Unit::Ratio,
    name_en: "Horizontal position of the face",
    name_de: "Horizontale Lage des Gesichts",
    too_low: ("the face is left of centre", "das Gesicht liegt links von der Mitte"),
    too_high: ("the face is right of centre", "das Gesicht liegt rechts von der Mitte"),
};
const EYE_LINE_HEIGHT: Measure = Measure {
    id: ids::EYE_LINE_HEIGHT,
    unit: Unit::Ratio,
    name_en: "Height of the eye line (from the top)",
    name_de: "Höhe der Augenlinie (von oben)",
    too_low: ("the eyes are too high in the photo", "die Augen liegen zu hoch im Bild"),
    too_high: ("the eyes are too low in the photo", "die Augen liegen zu tief im Bild"),
};
const HEAD_WIDTH: Measure = Measure {
    id: ids::HEAD_WIDTH,
    unit: Unit::Ratio,
    name_en: "Head width",
    name_de: "Kopfbreite",
    too_low: ("the head is too narrow in the frame; move closer", "der Kopf ist im Bild zu schmal; näher herangehen"),
    too_high: ("the head is too wide in the frame; step back", "der Kopf ist im Bild zu breit; weiter weg gehen"),
};
const HEAD_HEIGHT: Measure = Measure {
    id: ids::HEAD_HEIGHT,
    unit: Unit::Ratio,
    name_en: "Head height (chin to crown)",
    name_de: "Kopfhöhe (Kinn bis Scheitel)",
    too_low: ("the head is too small in the frame; move closer", "der Kopf ist im Bild zu klein; näher herangehen"),
    too_high: ("the head is too large in the frame; step back", "der Kopf ist im Bild zu groß; weiter weg gehen"),
};
const CHIN_TO_CROWN_DE: Measure = Measure {
    id: ids::CHIN_TO_CROWN_DE,
    unit: Unit::Ratio,
    name_en: "Chin to crown (German template, 32-36 mm of 45 mm)",
    name_de: "Kinn bis Scheitel (Schablone, 32-36 mm von 45 mm)",
    too_low: ("the head is too small for the template", "der Kopf ist für die Schablone zu klein"),
    too_high: ("the head is too large for the template", "der Kopf ist für die Schablone zu groß"),
};

/// The image frame, for "is this point in the photo".
#[derive(Clone, Copy)]
struct Frame {
    width: f32,
    height: f32,
}

impl Frame {
    fn contains(self, p: Point) -> bool {
        (0.0..=self.width).contains(&p.x) && (0.0..=self.height).contains(&p.y)
    }
}

pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.geometry;
    let frame = Frame { width: analysis.width as f32, height: analysis.height as f32 };
    let face = analysis.face.as_ref().map_err(|&missing| Reason::from(missing));
    let mut run_one =
        |measure: &Measure, rule: &Option<Range>, check: &dyn Fn(&FaceAnalysis, &Range) -> CheckResult| {
            if let Some(range) = enabled(rule) {
                out.push(match &face {
                    Ok(face) => check(face, range),
                    Err(reason) => not_assessed(measure, range, *reason),
                });
            }
        };
    run_one(&INTER_EYE_DISTANCE, &rules.inter_eye_distance, &|f, r| {
        inter_eye_distance(&f.head, f.pose.as_ref().map(|p| p.yaw), frame, r)
    });
    run_one(&HORIZONTAL_CENTRING, &rules.horizontal_centring, &|f, r| horizontal_centring(&f.head, frame, r));
    run_one(&EYE_LINE_HEIGHT, &rules.eye_line_height, &|f, r| eye_line_height(&f.head, frame, r));
    run_one(&HEAD_WIDTH, &rules.head_width, &|f, r| head_width(&f.head, frame, r));
    run_one(&HEAD_HEIGHT, &rules.head_height, &|f, r| chin_to_crown(&HEAD_HEIGHT, &f.head, frame, r));
    run_one(&CHIN_TO_CROWN_DE, &rules.chin_to_crown_de, &|f, r| chin_to_crown(&CHIN_TO_CROWN_DE, &f.head, frame, r));
}

fn eyes_inside(head: &HeadOutline, frame: Frame) -> bool {
    frame.contains(head.right_eye_centre) && frame.contains(head.left_eye_centre)
}

/// Distance between the iris centres, divided by cos(yaw) so that a turned head is not penalised
/// twice (OFIQ does the same). Quality: OFIQ's sigmoid(x; 70, 20).
fn inter_eye_distance(head: &HeadOutline, yaw_degrees: Option<f64>, frame: Frame, range: &Range) -> CheckResult {
    if !eyes_inside(head, frame) {
        return not_assessed(&INTER_EYE_DISTANCE, range, Reason::EyesOutsideImage);
    }
    let cos_yaw = yaw_degrees.map_or(1.0, |yaw| yaw.to_radians().cos().max(0.1));
    let distance = f64::from(head.inter_eye_distance_px()) / cos_yaw;
    judge(&INTER_EYE_DISTANCE, distance, range, Some(ofiq_sigmoid_quality(distance, 70.0, 20.0)))
}

/// x of the midpoint of the eye centres, as a fraction of the width.
fn horizontal_centring(head: &HeadOutline, frame: Frame, range: &Range) -> CheckResult {
    if !eyes_inside(head, frame) {
        return not_assessed(&HORIZONTAL_CENTRING, range, Reason::EyesOutsideImage);
    }
    judge(&HORIZONTAL_CENTRING, f64::from(head.eye_midpoint().x / frame.width), range, None)
}

/// y of the midpoint of the eye centres, as a fraction of the height, from the top.
fn eye_line_height(head: &HeadOutline, frame: Frame, range: &Range) -> CheckResult {
    if !eyes_inside(head, frame) {
        return not_assessed(&EYE_LINE_HEIGHT, range, Reason::EyesOutsideImage);
    }
    judge(&EYE_LINE_HEIGHT, f64::from(head.eye_midpoint().y / frame.height), range, None)
}

/// Cheek to cheek (mesh points 234 and 454), as a fraction of the width.
fn head_width(head: &HeadOutline, frame: Frame, range: &Range) -> CheckResult {
    if !frame.contains(head.face_right_side) || !frame.contains(head.face_left_side) {
        return not_assessed(&HEAD_WIDTH, range, Reason::FaceSideOutsideImage);
    }
    judge(&HEAD_WIDTH, f64::from(head.head_width_px() / frame.width), range, None)
}

/// Chin to crown, as a fraction of the height. A crown above the top edge fails whatever the
/// ratio: the whole head must be in the photo.
fn chin_to_crown(measure: &Measure, head: &HeadOutline, frame: Frame, range: &Range) -> CheckResult {
    if !frame.contains(head.chin) {
        return not_assessed(measure, range, Reason::ChinOutsideImage);
    }
    let ratio = f64::from(head.chin_to_crown_px() / frame.height);
    if head.crown.y < 0.0 {
        return fail_with(
            measure,
            Some(ratio),
            range,
            "the top of the head is cut off by the upper edge",
            "der Kopf wird oben vom Bildrand abgeschnitten",
        );
    }
    judge(measure, ratio, range, None)
}
