//! `background.*`: plain, light, no shadow behind the head, nothing and no one else in it
//! (requirements section 5), judged on what `measure::background` found.

use super::{Measure, Unit, fail_with, judge, judge_finding, not_assessed};
use crate::measure::background::BackgroundMeasures;
use crate::measure::{Finding, NotMeasured};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const UNIFORMITY: Measure = Measure {
    id: ids::BACKGROUND_UNIFORMITY,
    unit: Unit::Ratio,
    name_en: "Plain background (mean gradient)",
    name_de: "Einfarbiger Hintergrund (mittlerer Gradient)",
    too_low: ("", ""),
    too_high: (
        "the background is patterned or textured; use a plain one",
        "der Hintergrund ist gemustert oder strukturiert; einen einfarbigen verwenden",
    ),
};
const COLOUR: Measure = Measure {
    id: ids::BACKGROUND_COLOUR,
    unit: Unit::Level,
    name_en: "Background colour (brightness, and no tint)",
    name_de: "Farbe des Hintergrunds (Helligkeit, kein Farbton)",
    too_low: ("the background is too dark", "der Hintergrund ist zu dunkel"),
    too_high: ("the background is too bright", "der Hintergrund ist zu hell"),
};
const SHADOW: Measure = Measure {
    id: ids::BACKGROUND_SHADOW,
    unit: Unit::Fraction,
    name_en: "Shadow behind the head",
    name_de: "Schatten hinter dem Kopf",
    too_low: ("", ""),
    too_high: (
        "the head casts a shadow on the background; light the background or step away from it",
        "der Kopf wirft einen Schatten auf den Hintergrund; Hintergrund ausleuchten oder Abstand nehmen",
    ),
};
const BRIGHTNESS_RANGE: Measure = Measure {
    id: ids::BACKGROUND_BRIGHTNESS_RANGE,
    unit: Unit::Level,
    name_en: "Even brightness across the background",
    name_de: "Gleichmäßige Helligkeit des Hintergrunds",
    too_low: ("", ""),
    too_high: (
        "the background is lit unevenly (a gradient or a bright patch); light it evenly",
        "der Hintergrund ist ungleichmäßig ausgeleuchtet (Verlauf oder heller Fleck); gleichmäßig ausleuchten",
    ),
};
const OBJECTS: Measure = Measure {
    id: ids::BACKGROUND_OBJECTS,
    unit: Unit::Fraction,
    name_en: "Other people or objects near the head",
    name_de: "Andere Personen oder Gegenstände neben dem Kopf",
    too_low: ("", ""),
    too_high: (
        "something or someone else is in the background; only the applicant may be in the photo",
        "etwas oder jemand anderes ist im Hintergrund; nur die antragstellende Person darf auf dem Bild sein",
    ),
};

const SIDE_OBJECTS: Measure = Measure {
    id: ids::BACKGROUND_SIDE_OBJECTS,
    unit: Unit::Fraction,
    name_en: "Other people or objects entering at the sides beside the chin",
    name_de: "Andere Personen oder Gegenstände, die seitlich neben dem Kinn ins Bild ragen",
    too_low: ("", ""),
    too_high: (
        "something or someone else enters the photo at its side, beside the chin; only the applicant may be in the photo",
        "etwas oder jemand anderes ragt seitlich neben dem Kinn ins Bild; nur die antragstellende Person darf auf dem Bild sein",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.background;
    let measures = analysis.measured(|a| a.background.as_ref()).map_err(|reason| match reason {
        NotMeasured::RegionNotVisible => NotMeasured::BackgroundNotVisible,
        other => other,
    });
    let pick = |f: fn(&BackgroundMeasures) -> Option<Finding>| -> Result<Finding, NotMeasured> {
        measures.and_then(|m| f(m).ok_or(NotMeasured::BackgroundNotVisible))
    };
    judge_finding(out, &UNIFORMITY, &rules.uniformity, pick(|m| m.uniformity));
    if let Some(rule) = rules.colour.as_ref().filter(|r| r.enabled) {
        let range = rule.range();
        out.push(match measures {
            Err(reason) => not_assessed(&COLOUR, &range, reason),
            Ok(m) => match rule.max_cast {
                Some(max_cast) if m.cast > max_cast => fail_with(
                    &COLOUR,
                    Some(m.level.value),
                    &range,
                    &format!("the background is tinted ({:.0} levels between its colour channels, at most {max_cast:.0}); use neutral grey", m.cast),
                    &format!("der Hintergrund ist farbstichig ({:.0} Stufen zwischen den Farbkanälen, höchstens {max_cast:.0}); neutrales Grau verwenden", m.cast),
                ),
                _ => judge(&COLOUR, m.level.value, &range, m.level.quality),
            },
        });
    }
    judge_finding(out, &SHADOW, &rules.shadow, pick(|m| m.shadow));
    judge_finding(out, &BRIGHTNESS_RANGE, &rules.brightness_range, pick(|m| m.brightness_range));
    judge_finding(out, &OBJECTS, &rules.objects, pick(|m| m.objects));
    judge_finding(out, &SIDE_OBJECTS, &rules.side_objects, pick(|m| m.side_objects));
}
