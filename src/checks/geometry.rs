//! `geometry.*`: the face's position and size in the frame (ISO/IEC 19794-5 clause 8.3;
//! TR-03121-3.2 Table 5.3), judged on what `measure::geometry` found.

use super::{Measure, Unit, enabled, fail_with, judge, judge_finding, not_assessed};
use crate::measure::geometry::{ChinToCrown, GeometryMeasures};
use crate::measure::{Finding, NotMeasured};
use crate::pipeline::Analysis;
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
    too_low: (
        "the face is left of centre in the picture; centre the camera or the crop",
        "das Gesicht liegt im Bild links von der Mitte; Kamera oder Ausschnitt mittig ausrichten",
    ),
    too_high: (
        "the face is right of centre in the picture; centre the camera or the crop",
        "das Gesicht liegt im Bild rechts von der Mitte; Kamera oder Ausschnitt mittig ausrichten",
    ),
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
    too_high: ("the head is too wide in the frame; step back", "der Kopf ist im Bild zu breit; weiter weggehen"),
};
const HEAD_HEIGHT: Measure = Measure {
    id: ids::HEAD_HEIGHT,
    unit: Unit::Ratio,
    name_en: "Head height (chin to crown)",
    name_de: "Kopfhöhe (Kinn bis Scheitel)",
    too_low: ("the head is too small in the frame; move closer", "der Kopf ist im Bild zu klein; näher herangehen"),
    too_high: ("the head is too large in the frame; step back", "der Kopf ist im Bild zu groß; weiter weggehen"),
};
const CHIN_TO_CROWN_DE: Measure = Measure {
    id: ids::CHIN_TO_CROWN_DE,
    unit: Unit::ShareOf45Millimetres,
    name_en: "Chin to crown (German template, on the 45 mm high photo)",
    name_de: "Kinn bis Scheitel (Schablone, auf dem 45 mm hohen Foto)",
    too_low: (
        "the head is too small for the template; move closer or crop tighter",
        "der Kopf ist für die Schablone zu klein; näher herangehen oder enger zuschneiden",
    ),
    too_high: (
        "the head is too large for the template; step back or crop wider",
        "der Kopf ist für die Schablone zu groß; weiter weggehen oder einen größeren Ausschnitt wählen",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.geometry;
    let measures = analysis.of_face(|face| &face.geometry);
    let ratio = |pick: fn(&GeometryMeasures) -> Result<f64, NotMeasured>| {
        measures.and_then(pick).map(|value| Finding { value, quality: None })
    };
    judge_finding(out, &INTER_EYE_DISTANCE, &rules.inter_eye_distance, measures.and_then(|m| m.inter_eye_distance));
    judge_finding(out, &HORIZONTAL_CENTRING, &rules.horizontal_centring, ratio(|m| m.horizontal_centring));
    judge_finding(out, &EYE_LINE_HEIGHT, &rules.eye_line_height, ratio(|m| m.eye_line_height));
    judge_finding(out, &HEAD_WIDTH, &rules.head_width, ratio(|m| m.head_width));
    for (measure, rule) in [(&HEAD_HEIGHT, &rules.head_height), (&CHIN_TO_CROWN_DE, &rules.chin_to_crown_de)] {
        if let Some(range) = enabled(rule) {
            out.push(match measures.and_then(|m| m.chin_to_crown) {
                Ok(chin_to_crown) => chin_to_crown_result(measure, chin_to_crown, range),
                Err(missing) => not_assessed(measure, range, missing),
            });
        }
    }
}

/// A crown above the top edge fails whatever the ratio: the whole head must be in the photo.
fn chin_to_crown_result(measure: &Measure, chin_to_crown: ChinToCrown, range: &Range) -> CheckResult {
    if chin_to_crown.crown_above_frame {
        return fail_with(
            measure,
            Some(chin_to_crown.ratio),
            range,
            "the top of the head is cut off by the upper edge",
            "der Kopf wird oben vom Bildrand abgeschnitten",
        );
    }
    judge(measure, chin_to_crown.ratio, range, None)
}
