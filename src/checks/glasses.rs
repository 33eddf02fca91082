//! `glasses.*`: no tinted lenses, no reflections on them, no frame across the eyes
//! (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::measure::coverings::CoveringMeasures;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const TINTED: Measure = Measure {
    id: ids::GLASSES_TINTED,
    unit: Unit::Ratio,
    name_en: "Clear lenses (skin around the eyes over cheek skin)",
    name_de: "Klare Brillengläser (Haut um die Augen zu Wangenhaut)",
    too_low: (
        "the area around the eyes is dark as behind tinted lenses; take off sunglasses or tinted glasses",
        "der Bereich um die Augen ist dunkel wie hinter getönten Gläsern; Sonnenbrille oder getönte Brille abnehmen",
    ),
    too_high: ("", ""),
};
const REFLECTION: Measure = Measure {
    id: ids::GLASSES_REFLECTION,
    unit: Unit::Fraction,
    name_en: "No reflections on glasses (glare around the eyes)",
    name_de: "Keine Spiegelungen auf der Brille (Glanz um die Augen)",
    too_low: ("", ""),
    too_high: (
        "light is reflected around the eyes; tilt the glasses or move the lights",
        "um die Augen spiegelt sich Licht; Brille neigen oder Licht versetzen",
    ),
};
const FRAME: Measure = Measure {
    id: ids::GLASSES_FRAME_OVER_EYES,
    unit: Unit::Fraction,
    name_en: "No frame across the eyes (dark line across the eye opening)",
    name_de: "Kein Brillenrand über den Augen (dunkle Linie quer über dem Auge)",
    too_low: ("", ""),
    too_high: (
        "a dark line crosses an eye, as a glasses frame does; adjust or take off the glasses",
        "eine dunkle Linie verläuft über ein Auge, wie ein Brillenrand; Brille zurechtrücken oder abnehmen",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let measures = analysis.measured(|a| a.coverings.as_ref());
    let rules = &profile.glasses;
    judge_finding(out, &TINTED, &rules.tinted, measures.map(|m: &CoveringMeasures| m.lens_brightness));
    judge_finding(out, &REFLECTION, &rules.reflection, measures.map(|m| m.lens_glare));
    judge_finding(out, &FRAME, &rules.frame_over_eyes, measures.map(|m| m.frame_across_eye));
}
