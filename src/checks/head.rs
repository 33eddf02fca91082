//! `head.covering`: no hat or cap (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::measure::NotMeasured;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const HEAD_COVERING: Measure = Measure {
    id: ids::HEAD_COVERING,
    unit: Unit::Fraction,
    name_en: "No head covering (share above the forehead that is neither hair nor skin)",
    name_de: "Keine Kopfbedeckung (Anteil über der Stirn, der weder Haar noch Haut ist)",
    too_low: ("", ""),
    too_high: (
        "the head appears covered; take off hats and caps (religious coverings: the face must stay fully visible)",
        "der Kopf scheint bedeckt; Hut oder Mütze abnehmen (religiöse Kopfbedeckung: das Gesicht muss ganz sichtbar bleiben)",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let covering =
        analysis.measured(|a| a.coverings.as_ref()).and_then(|m| m.head_covering.ok_or(NotMeasured::RegionNotVisible));
    judge_finding(out, &HEAD_COVERING, &profile.head.covering, covering);
}
