//! `morph.*` (requirements section 8): does the photo itself look like two faces blended
//! (`morph.single_image`, scored by `models::morph_detector`), and does it differ from a live
//! capture of the applicant as a morph would (`morph.differential`, scored by
//! `models::differential_morph`)? docs/morphing.md has what each catches and misses.

use super::{Measure, Unit, judge_finding};
use crate::measure::Finding;
use crate::pipeline::{Analysis, ReferenceMeasures};
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const SINGLE_IMAGE: Measure = Measure {
    id: ids::MORPH_SINGLE_IMAGE,
    unit: Unit::Score,
    name_en: "Morph check of the photo alone (score of the single-image detector)",
    name_de: "Morphing-Prüfung des Fotos allein (Wert des Einzelbild-Detektors)",
    too_low: ("", ""),
    too_high: (
        "the photo may be a morph of two faces; have it checked against the applicant",
        "das Foto könnte ein Morph sein (aus zwei Gesichtern zusammengesetzt); mit der antragstellenden Person abgleichen",
    ),
};

const DIFFERENTIAL: Measure = Measure {
    id: ids::MORPH_DIFFERENTIAL,
    unit: Unit::Score,
    name_en: "Morph check against the live capture (score from identity distance and face geometry)",
    name_de: "Morphing-Prüfung gegen die Live-Aufnahme (Wert aus Identitätsabstand und Gesichtsgeometrie)",
    too_low: ("", ""),
    too_high: (
        "the document photo may be a morph: its face differs from the live face more than photos of one person do",
        "das Dokumentenfoto könnte ein Morph sein: das Gesicht weicht stärker vom Live-Gesicht ab als Fotos einer Person",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let finding = analysis.of_face(|face| Finding { value: f64::from(face.morph_score), quality: None });
    judge_finding(out, &SINGLE_IMAGE, &profile.morph.single_image, finding);
}

/// The differential detector's score: a morph still matches each contributor but sits further
/// from either, in identity and in face geometry, than their own photos do.
pub(super) fn run_differential(comparison: &ReferenceMeasures, profile: &Profile, out: &mut Vec<CheckResult>) {
    judge_finding(out, &DIFFERENTIAL, &profile.morph.differential, comparison.morph_score);
}
