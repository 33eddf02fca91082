//! `face.count`: exactly one face in the photo.

use super::{Measure, Unit, enabled, judge};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const COUNT: Measure = Measure {
    id: ids::FACE_COUNT,
    unit: Unit::Count,
    name_en: "Number of faces",
    name_de: "Anzahl der Gesichter",
    too_low: ("no face was found", "es wurde kein Gesicht gefunden"),
    too_high: ("only the applicant may be in the photo", "nur die antragstellende Person darf auf dem Bild sein"),
};

pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    if let Some(range) = enabled(&profile.face.count) {
        out.push(judge(&COUNT, analysis.faces.len() as f64, range, None));
    }
}
