//! `expression.neutral` (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

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

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let subject = analysis.measured(|a| a.subject.as_ref());
    judge_finding(out, &EXPRESSION, &profile.expression.neutral, subject.map(|m| m.expression));
}
