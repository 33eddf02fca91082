//! `face.*`: exactly one face in the photo, no hand, and nothing in front of the face
//! (requirements sections 5 and 6).

use super::{Measure, Unit, enabled, judge, judge_finding};
use crate::measure::NotMeasured;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const COUNT: Measure = Measure {
    id: ids::FACE_COUNT,
    unit: Unit::Count,
    name_en: "Number of faces",
    name_de: "Anzahl der Gesichter",
    too_low: ("no face was found", "es wurde kein Gesicht gefunden"),
    too_high: ("only the applicant may be in the photo", "nur die antragstellende Person darf auf dem Bild sein"),
};

const FACE_OCCLUSION: Measure = Measure {
    id: ids::FACE_OCCLUSION,
    unit: Unit::Fraction,
    name_en: "Face not covered (share of the lower face that is neither skin nor hair)",
    name_de: "Gesicht nicht verdeckt (Anteil des unteren Gesichts, der weder Haut noch Haar ist)",
    too_low: ("", ""),
    too_high: ("something covers the lower face; remove it", "etwas verdeckt das untere Gesicht; entfernen"),
};

const HANDS: Measure = Measure {
    id: ids::FACE_HANDS,
    unit: Unit::Score,
    name_en: "No hand in the photo (the hand model's highest presence score)",
    name_de: "Keine Hand im Bild (höchste Sicherheit der Handerkennung)",
    too_low: ("", ""),
    too_high: (
        "a hand seems to be in the photo; check, and retake without hands, not even a helper's",
        "eine Hand scheint im Bild zu sein; prüfen und ohne Hände aufnehmen, auch ohne die einer helfenden Person",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    if let Some(range) = enabled(&profile.face.count) {
        out.push(judge(&COUNT, analysis.faces.len() as f64, range, None));
    }
    // Unread in a grey photo, or where no skin reference reads as skin or too little of the
    // lower face shows.
    let unread = if analysis.in_colour() { NotMeasured::RegionNotVisible } else { NotMeasured::NeedsColour };
    let occlusion = analysis.measured(|a| a.coverings.as_ref()).and_then(|m| m.face_occlusion.ok_or(unread));
    judge_finding(out, &FACE_OCCLUSION, &profile.face.occlusion, occlusion);
    if let Some(range) = enabled(&profile.face.hands) {
        out.push(judge(&HANDS, f64::from(analysis.hand_presence), range, None));
    }
}
