//! `focus.sharpness`: is the face in focus (requirements section 7)?

use super::{Measure, Unit, judge_finding};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const SHARPNESS: Measure = Measure {
    id: ids::SHARPNESS,
    unit: Unit::PerPixel,
    name_en: "Sharpness of the face (one over the blur width of its edges)",
    name_de: "Schärfe des Gesichts (Kehrwert der Unschärfebreite seiner Kanten)",
    too_low: ("the face is blurred; focus and hold still", "das Gesicht ist unscharf; scharf stellen und stillhalten"),
    too_high: ("", ""),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let sharpness = analysis.measured(|a| a.sharpness.as_ref()).copied();
    judge_finding(out, &SHARPNESS, &profile.focus.sharpness, sharpness);
}
