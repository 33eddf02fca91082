//! `mouth.closed` (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const MOUTH_CLOSED: Measure = Measure {
    id: ids::MOUTH_CLOSED,
    unit: Unit::Ratio,
    name_en: "Mouth closed (lip gap over eye-to-chin distance)",
    name_de: "Mund geschlossen (Lippenabstand zu Augen-Kinn-Abstand)",
    too_low: ("", ""),
    too_high: ("close the mouth", "den Mund schließen"),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let subject = analysis.measured(|a| a.subject.as_ref());
    judge_finding(out, &MOUTH_CLOSED, &profile.mouth.closed, subject.map(|m| m.mouth_closed));
}
