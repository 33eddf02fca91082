//! `glasses.*`: whether glasses are worn (information; a profile may forbid them), no tinted
//! lenses, no reflections on them, no frame across the eyes (requirements section 6).

use super::{Measure, NotMeasured, Unit, enabled, judge, judge_finding, not_assessed, result};
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
/// `TINTED` and `REFLECTION` where no glasses are seen: the same readings, whose cause is then the
/// light on the skin (or glasses `glasses.present` missed), not lenses to take off or tilt.
const TINTED_WITHOUT_GLASSES: Measure = Measure {
    too_low: (
        "the area around the eyes is dark (no glasses seen: shadow, or tinted glasses not recognised); light the eyes evenly, take off tinted glasses",
        "der Bereich um die Augen ist dunkel (keine Brille erkannt: Schatten oder nicht erkannte getönte Brille); Augen gleichmäßig ausleuchten, getönte Brille abnehmen",
    ),
    ..TINTED
};
const REFLECTION_WITHOUT_GLASSES: Measure = Measure {
    too_high: (
        "light is reflected around the eyes (no glasses seen: shiny skin, or glasses not recognised); soften or move the lights",
        "um die Augen spiegelt sich Licht (keine Brille erkannt: glänzende Haut oder nicht erkannte Brille); Licht weicher machen oder versetzen",
    ),
    ..REFLECTION
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
    let worn = measures.is_ok_and(CoveringMeasures::glasses_worn);
    let (tinted, reflection) =
        if worn { (&TINTED, &REFLECTION) } else { (&TINTED_WITHOUT_GLASSES, &REFLECTION_WITHOUT_GLASSES) };
    judge_finding(out, tinted, &rules.tinted, measures.map(|m: &CoveringMeasures| m.lens_brightness));
    judge_finding(out, reflection, &rules.reflection, measures.map(|m| m.lens_glare));
    if let Some(range) = enabled(&rules.frame_over_eyes) {
        out.push(match measures {
            Ok(m) => frame_over_eyes(range, m),
            Err(missing) => not_assessed(&FRAME, range, missing),
        });
    }
}

/// Without glasses no frame can cross the eyes: the line the check reads is then the lids' own.
fn frame_over_eyes(range: &Range, measures: &CoveringMeasures) -> CheckResult {
    if !measures.glasses.value.is_finite() {
        return not_assessed(&FRAME, range, NotMeasured::NotFinite);
    }
    let frame = measures.frame_across_eye;
    if measures.glasses_worn() {
        return judge(&FRAME, frame.value, range, frame.quality);
    }
    let texts =
        Texts::new(format!("{}: no glasses seen.", FRAME.name_en), format!("{}: keine Brille erkannt.", FRAME.name_de));
    let value = Some(frame.value).filter(|value| value.is_finite());
    result(&FRAME, Status::Pass, value, range, measures.glasses.quality, texts)
}

/// Information unless the profile bounds it: whether glasses are worn, in words.
fn glasses_present(range: &Range, measures: &CoveringMeasures) -> CheckResult {
    let finding = measures.glasses;
    if range.min.is_some() || range.max.is_some() || !finding.value.is_finite() {
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
            "{} {}: {seen_en} (glasses from {}); for information.",
            PRESENT.name_en,
            shown(finding.value, Language::En),
            shown(GLASSES_WORN_LINE, Language::En)
        ),
        format!(
            "{} {}: {seen_de} (Brille ab {}); zur Information.",
            PRESENT.name_de,
            shown(finding.value, Language::De),
            shown(GLASSES_WORN_LINE, Language::De)
        ),
    );
    result(&PRESENT, Status::Pass, Some(finding.value), range, finding.quality, texts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::measure::Finding;

    fn measures(glasses: f64, frame_across_eye: f64) -> CoveringMeasures {
        let finding = |value| Finding { value, quality: None };
        CoveringMeasures {
            eyes_hidden: finding(0.0),
            hair_across_eye: None,
            glasses: finding(glasses),
            lens_brightness: finding(0.8),
            lens_glare: finding(0.0),
            frame_across_eye: finding(frame_across_eye),
            head_covering: None,
            face_occlusion: None,
        }
    }

    #[test]
    fn glasses_that_cannot_be_read_are_not_assessed_rather_than_absent() {
        let information = Range::new(None, None);
        let frame_bound = Range::new(None, Some(0.5));
        let unread = measures(f64::NAN, 0.9);
        assert_eq!(glasses_present(&information, &unread).status, Status::NotAssessed);
        assert_eq!(frame_over_eyes(&frame_bound, &unread).status, Status::NotAssessed);

        let without = measures(GLASSES_WORN_LINE / 2.0, 0.9);
        assert_eq!(glasses_present(&information, &without).status, Status::Pass);
        assert_eq!(frame_over_eyes(&frame_bound, &without).status, Status::Pass);

        let with = measures(GLASSES_WORN_LINE * 2.0, 0.9);
        assert_eq!(frame_over_eyes(&frame_bound, &with).status, Status::Fail);
        let unread_frame = measures(GLASSES_WORN_LINE * 2.0, f64::NAN);
        assert_eq!(frame_over_eyes(&frame_bound, &unread_frame).status, Status::NotAssessed);
    }
}
