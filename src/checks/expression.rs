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

const SMILE: Measure = Measure {
    id: ids::EXPRESSION_SMILE,
    unit: Unit::Score,
    name_en: "Neutral expression (no smile, by the expression classifier)",
    name_de: "Neutraler Gesichtsausdruck (kein Lächeln, laut Ausdrucksklassifikator)",
    too_low: ("", ""),
    too_high: (
        "the face smiles; keep a neutral face with the mouth closed",
        "das Gesicht lächelt; neutral schauen, Mund geschlossen",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let subject = analysis.measured(|a| a.subject.as_ref());
    judge_finding(out, &EXPRESSION, &profile.expression.neutral, subject.map(|m| m.expression));
    judge_finding(out, &SMILE, &profile.expression.smile, subject.map(|m| m.smile));
}
