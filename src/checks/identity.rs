//! `identity.same_person`: a document photo against a trusted live capture of the applicant
//! (requirements section 8): is it the same person?

use super::{Measure, Unit, judge_finding};
use crate::pipeline::ReferenceMeasures;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const SAME_PERSON: Measure = Measure {
    id: ids::IDENTITY_SAME_PERSON,
    unit: Unit::EmbeddingDistance,
    name_en: "Same person as the live capture (identity embedding distance)",
    name_de: "Dieselbe Person wie in der Live-Aufnahme (Abstand der Identitätsmerkmale)",
    too_low: ("", ""),
    too_high: (
        "the faces differ more than two photos of one person usually do; compare the document photo with the applicant",
        "die Gesichter weichen stärker voneinander ab, als es bei zwei Fotos derselben Person üblich ist; das Dokumentenfoto mit der antragstellenden Person vergleichen",
    ),
};

pub(super) fn run(comparison: &ReferenceMeasures, profile: &Profile, out: &mut Vec<CheckResult>) {
    judge_finding(out, &SAME_PERSON, &profile.identity.same_person, comparison.identity_distance);
}
