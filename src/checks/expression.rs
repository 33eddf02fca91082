//! `expression.neutral` and `expression.smile` (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::measure::{Finding, quality};
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
    // As the morph detector's score, the classifier's output is judged wherever the face was
    // found: its 64 px input needs no more than a face too small for the appearance checks.
    let smile = analysis.of_face(|face| Finding {
        value: f64::from(face.smile_probability),
        quality: quality(1.0 - f64::from(face.smile_probability)),
    });
    judge_finding(out, &SMILE, &profile.expression.smile, smile);
}
