//! `exposure.*`: the light on the face (requirements section 4), judged on what
//! `measure::exposure` found.

use super::{Measure, Unit, fail_with, judge, judge_finding, not_assessed};
use crate::measure::exposure::ExposureMeasures;
use crate::measure::{Finding, NotMeasured};
use crate::pipeline::Analysis;
use crate::profile::{Profile, Range};
use crate::report::{CheckResult, ids};

const LUMINANCE_MEAN: Measure = Measure {
    id: ids::LUMINANCE_MEAN,
    unit: Unit::Ratio,
    name_en: "Brightness of the face",
    name_de: "Helligkeit des Gesichts",
    too_low: ("the face is too dark; add light", "das Gesicht ist zu dunkel; mehr Licht"),
    too_high: ("the face is too bright; reduce light", "das Gesicht ist zu hell; weniger Licht"),
};
const LUMINANCE_VARIANCE: Measure = Measure {
    id: ids::LUMINANCE_VARIANCE,
    unit: Unit::Ratio,
    name_en: "Contrast on the face",
    name_de: "Kontrast im Gesicht",
    too_low: ("the face is flat and lacks contrast", "das Gesicht ist flau und kontrastarm"),
    too_high: ("the light on the face is too harsh", "das Licht im Gesicht ist zu hart"),
};
const UNDER: Measure = Measure {
    id: ids::UNDER_EXPOSURE,
    unit: Unit::Fraction,
    name_en: "Very dark share of the face (dark skin reads high)",
    name_de: "Sehr dunkler Anteil des Gesichts (dunkle Haut ergibt hohe Werte)",
    too_low: ("", ""),
    too_high: ("parts of the face are black; add light", "Teile des Gesichts sind schwarz; mehr Licht"),
};
const OVER: Measure = Measure {
    id: ids::OVER_EXPOSURE,
    unit: Unit::Fraction,
    name_en: "Blown highlights on the face",
    name_de: "Ausgefressene Lichter im Gesicht",
    too_low: ("", ""),
    too_high: ("parts of the face are pure white; reduce light", "Teile des Gesichts sind reinweiß; weniger Licht"),
};
const DYNAMIC_RANGE: Measure = Measure {
    id: ids::DYNAMIC_RANGE,
    unit: Unit::Bits,
    name_en: "Dynamic range on the face",
    name_de: "Dynamikumfang im Gesicht",
    too_low: ("too few tones on the face; check exposure", "zu wenige Tonwerte im Gesicht; Belichtung prüfen"),
    too_high: ("", ""),
};
const ILLUMINATION_UNIFORMITY: Measure = Measure {
    id: ids::ILLUMINATION_UNIFORMITY,
    unit: Unit::Ratio,
    name_en: "Even light on both sides of the face",
    name_de: "Gleichmäßiges Licht auf beiden Gesichtshälften",
    too_low: (
        "one side of the face is darker; light both sides evenly",
        "eine Gesichtshälfte ist dunkler; beide Seiten gleichmäßig ausleuchten",
    ),
    too_high: ("", ""),
};
const FACE_SHADOWS: Measure = Measure {
    id: ids::FACE_SHADOWS,
    unit: Unit::Fraction,
    name_en: "Shadows on the face",
    name_de: "Schatten im Gesicht",
    too_low: ("", ""),
    too_high: (
        "a shadow falls on the face; use diffuse light",
        "ein Schatten fällt auf das Gesicht; diffuses Licht verwenden",
    ),
};
const HOT_SPOTS: Measure = Measure {
    id: ids::HOT_SPOTS,
    unit: Unit::Fraction,
    name_en: "Shiny spots on the skin",
    name_de: "Glanzstellen auf der Haut",
    too_low: ("", ""),
    too_high: (
        "light reflects off the skin; powder the face or soften the light",
        "Licht spiegelt sich auf der Haut; Gesicht abpudern oder Licht weicher machen",
    ),
};

const WHITE_LEVEL: Measure = Measure {
    id: ids::WHITE_LEVEL,
    unit: Unit::Level,
    name_en: "Brightness of the eye whites",
    name_de: "Helligkeit des Augenweißes",
    too_low: (
        "the eye whites are dark: the photo is under-exposed; add light",
        "das Augenweiß ist dunkel: das Bild ist unterbelichtet; mehr Licht",
    ),
    too_high: (
        "the eye whites are blown out: the photo is over-exposed; reduce light",
        "das Augenweiß ist überstrahlt: das Bild ist überbelichtet; weniger Licht",
    ),
};
const BLACK_LEVEL: Measure = Measure {
    id: ids::BLACK_LEVEL,
    unit: Unit::Level,
    name_en: "Darkness of the pupils",
    name_de: "Dunkelheit der Pupillen",
    too_low: ("", ""),
    too_high: (
        "the pupils are grey rather than black: the photo is washed out or over-exposed",
        "die Pupillen sind grau statt schwarz: das Bild ist flau oder überbelichtet",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.exposure;
    let measures = analysis.measured(|m| m.exposure.as_ref());
    let pick = |f: fn(&ExposureMeasures) -> Option<Finding>| -> Result<Finding, NotMeasured> {
        measures.and_then(|m| f(m).ok_or(NotMeasured::RegionNotVisible))
    };
    judge_finding(out, &LUMINANCE_MEAN, &rules.luminance_mean, pick(|m| Some(m.luminance_mean)));
    judge_finding(out, &LUMINANCE_VARIANCE, &rules.luminance_variance, pick(|m| Some(m.luminance_variance)));
    judge_finding(out, &UNDER, &rules.under, pick(|m| Some(m.under)));
    judge_finding(out, &OVER, &rules.over, pick(|m| Some(m.over)));
    judge_finding(out, &DYNAMIC_RANGE, &rules.dynamic_range, pick(|m| Some(m.dynamic_range)));
    judge_finding(out, &ILLUMINATION_UNIFORMITY, &rules.illumination_uniformity, pick(|m| m.illumination_uniformity));
    judge_finding(out, &FACE_SHADOWS, &rules.face_shadows, pick(|m| m.face_shadows));
    judge_finding(out, &HOT_SPOTS, &rules.hot_spots, pick(|m| m.hot_spots));
    let level = |f: fn(&ExposureMeasures) -> Result<Finding, NotMeasured>| measures.and_then(f);
    if let Some(rule) = rules.white_level.as_ref().filter(|r| r.enabled) {
        let range = rule.range();
        let crushed_pupils = match (rule.crushed_pupils_below, level(|m| m.black_level)) {
            (Some(crushed_below), Ok(black)) => (black.value < crushed_below).then_some(black.value),
            _ => None,
        };
        out.push(match (level(|m| m.white_level), crushed_pupils, rule.min_with_crushed_pupils) {
            (Err(reason), ..) => not_assessed(&WHITE_LEVEL, &range, reason),
            (Ok(white), Some(black), Some(raised_min)) if white.value < raised_min => fail_with(
                &WHITE_LEVEL,
                Some(white.value),
                &Range::new(Some(raised_min), rule.max),
                &format!(
                    "the photo is too dark: the pupils are crushed to black ({black:.0}) and the eye whites read {:.0}, at least {raised_min:.0} with pupils that dark; add light",
                    white.value
                ),
                &format!(
                    "das Bild ist zu dunkel: die Pupillen sind ganz schwarz ({black:.0}) und das Augenweiß erreicht {:.0}, bei so dunklen Pupillen mindestens {raised_min:.0}; mehr Licht",
                    white.value
                ),
            ),
            (Ok(white), ..) => judge(&WHITE_LEVEL, white.value, &range, white.quality),
        });
    }
    judge_finding(out, &BLACK_LEVEL, &rules.black_level, level(|m| m.black_level));
}
