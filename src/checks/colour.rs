//! `colour.*`: natural skin colour, no colour cast and no red eyes (requirements sections 4 and 7).

use super::{Measure, Unit, judge_finding};
use crate::measure::colour::ColourMeasures;
use crate::measure::{Finding, NotMeasured};
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const NATURAL_SKIN: Measure = Measure {
    id: ids::NATURAL_SKIN,
    unit: Unit::Ratio,
    name_en: "Natural skin colour (CIELAB distance from the natural range)",
    name_de: "Natürliche Hautfarbe (CIELAB-Abstand vom natürlichen Bereich)",
    too_low: ("", ""),
    too_high: (
        "the skin colour is unnatural; check white balance and filters",
        "die Hautfarbe ist unnatürlich; Weißabgleich und Filter prüfen",
    ),
};
const COLOUR_CAST: Measure = Measure {
    id: ids::COLOUR_CAST,
    unit: Unit::Ratio,
    name_en: "No colour cast (CIELAB distance of the eye whites from their neutral range)",
    name_de: "Kein Farbstich (CIELAB-Abstand des Augenweißes vom neutralen Bereich)",
    too_low: ("", ""),
    too_high: (
        "the photo has a colour cast (the whites of the eyes are tinted); check white balance and filters",
        "das Foto hat einen Farbstich (das Augenweiß ist getönt); Weißabgleich und Filter prüfen",
    ),
};
const RED_EYE: Measure = Measure {
    id: ids::RED_EYE,
    unit: Unit::Fraction,
    name_en: "Red eyes",
    name_de: "Rote Augen",
    too_low: ("", ""),
    too_high: ("the pupils are red; avoid direct flash", "die Pupillen sind rot; direkten Blitz vermeiden"),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let measures = analysis.measured(|a| a.colour.as_ref());
    let pick = |f: fn(&ColourMeasures) -> Option<Finding>| -> Result<Finding, NotMeasured> {
        measures.and_then(|m| f(m).ok_or(NotMeasured::RegionNotVisible))
    };
    // A grey photo's skin and eye whites sit at no colour, inside neither box nor far from it:
    // their distance would pass a photo that shows no colour to judge. A red pupil is red in
    // colour only, so a grey photo's reading of none stands.
    let in_colour = |finding: Result<Finding, NotMeasured>| {
        if analysis.in_colour() { finding } else { Err(NotMeasured::NeedsColour) }
    };
    judge_finding(out, &NATURAL_SKIN, &profile.colour.natural_skin, in_colour(pick(|m| m.natural_skin)));
    judge_finding(out, &COLOUR_CAST, &profile.colour.cast, in_colour(pick(|m| m.cast)));
    judge_finding(out, &RED_EYE, &profile.colour.red_eye, pick(|m| m.red_eye));
}
