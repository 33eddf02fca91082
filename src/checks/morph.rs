//! Single-image morph detection (requirements section 8): does the photo itself look like two
//! faces blended? The score comes from `models::morph_detector`; docs/morphing.md has what it
//! catches and misses.

use super::{Finding, Measure, Reason, Unit, judge_finding};
use crate::pipeline::Analysis;
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
        "das Foto kann ein Morph aus zwei Gesichtern sein; mit der antragstellenden Person abgleichen",
    ),
};

pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let finding = match &analysis.face {
        Ok(face) => Ok(Finding { value: f64::from(face.morph_score), quality: None }),
        Err(missing) => Err(Reason::from(*missing)),
    };
    judge_finding(out, &SINGLE_IMAGE, &profile.morph.single_image, finding);
}
