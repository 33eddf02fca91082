//! A document photo against a trusted live capture of the applicant (requirements section 8): is
//! it the same person, and does the document look like a morph next to the live face?

use super::{Finding, Measure, Reason, Unit, judge_finding};
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const SAME_PERSON: Measure = Measure {
    id: ids::IDENTITY_SAME_PERSON,
    unit: Unit::EmbeddingDistance,
    name_en: "Same person as the live capture (identity embedding distance)",
    name_de: "Dieselbe Person wie in der Live-Aufnahme (Abstand der Identitätsmerkmale)",
    too_low: ("", ""),
    too_high: (
        "the document photo does not show the person in the live capture",
        "das Dokumentenfoto zeigt nicht die Person der Live-Aufnahme",
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
        "das Dokumentenfoto kann ein Morph sein: das Gesicht weicht stärker vom Live-Gesicht ab als Fotos einer Person",
    ),
};

/// `distance`: between the document's and the live capture's identity embeddings, or why there
/// is none. `morph_score`: the differential classifier's score (`morph::differential`): a morph
/// still matches each contributor (within 0.6) but sits further from either, in identity and in
/// face geometry, than their own photos do.
pub(crate) fn run(
    distance: Result<f32, Reason>,
    morph_score: Result<f64, Reason>,
    profile: &Profile,
    out: &mut Vec<CheckResult>,
) {
    let finding = distance.map(|d| Finding { value: f64::from(d), quality: None });
    judge_finding(out, &SAME_PERSON, &profile.identity.same_person, finding);
    let finding = morph_score.map(|score| Finding { value: score, quality: None });
    judge_finding(out, &DIFFERENTIAL, &profile.morph.differential, finding);
}
