//! `glasses.*`: whether glasses are worn (information; a profile may forbid them), no tinted
//! lenses, no reflections on them, no frame across the eyes (requirements section 6).

use super::{Measure, Unit, enabled, judge, judge_finding, not_assessed, result};
use crate::measure::coverings::{CoveringMeasures, GLASSES_WORN_LINE};
use crate::pipeline::Analysis;
use crate::profile::{Profile, Range};
use crate::report::{CheckResult, Language, Status, Texts, ids};

const PRESENT: Measure = Measure {
    id: ids::GLASSES_PRESENT,
    unit: Unit::Ratio,
    name_en: "Glasses (darkness of a frame's bridge across the nose)",
    name_de: "Brille (Dunkelheit eines Brillenstegs über der Nase)",
    too_low: ("", ""),
    too_high: (
        "glasses are worn; this profile asks for a photo without glasses",
        "eine Brille wird getragen; dieses Profil verlangt ein Foto ohne Brille",
    ),
};

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
    if let Some(range) = enabled(&rules.present) {
        out.push(match measures {
            Ok(m) => glasses_present(range, m),
            Err(missing) => not_assessed(&PRESENT, range, missing),
        });
    }
    judge_finding(out, &TINTED, &rules.tinted, measures.map(|m: &CoveringMeasures| m.lens_brightness));
    judge_finding(out, &REFLECTION, &rules.reflection, measures.map(|m| m.lens_glare));
    // Without glasses no frame can cross the eyes: the line the check reads is then the lids' own.
    if let Some(range) = enabled(&rules.frame_over_eyes) {
        out.push(match measures {
            Ok(m) if !m.glasses_worn() => result(
                &FRAME,
                Status::Pass,
                Some(m.frame_across_eye.value),
                range,
                m.glasses.quality,
                Texts::new(
                    format!("{}: no glasses seen.", FRAME.name_en),
                    format!("{}: keine Brille erkannt.", FRAME.name_de),
                ),
            ),
            Ok(m) => judge(&FRAME, m.frame_across_eye.value, range, m.frame_across_eye.quality),
            Err(missing) => not_assessed(&FRAME, range, missing),
        });
    }
}

/// Information unless the profile bounds it: whether glasses are worn, in words.
fn glasses_present(range: &Range, measures: &CoveringMeasures) -> CheckResult {
    let finding = measures.glasses;
    if range.min.is_some() || range.max.is_some() {
        return judge(&PRESENT, finding.value, range, finding.quality);
    }
    let (seen_en, seen_de) = if measures.glasses_worn() {
        ("glasses are worn", "eine Brille wird getragen")
    } else {
        ("no glasses seen", "keine Brille erkannt")
    };
    let shown = |value: f64, language: Language| PRESENT.unit.format(value, language);
    let texts = Texts::new(
        format!(
            "{} {}: {seen_en} (from {}); for information.",
            PRESENT.name_en,
            shown(finding.value, Language::En),
            shown(GLASSES_WORN_LINE, Language::En)
        ),
        format!(
            "{} {}: {seen_de} (ab {}); zur Information.",
            PRESENT.name_de,
            shown(finding.value, Language::De),
            shown(GLASSES_WORN_LINE, Language::De)
        ),
    );
    result(&PRESENT, Status::Pass, Some(finding.value), range, finding.quality, texts)
}
