//! `eyes.*`: both eyes open, looking into the camera, and not hidden by hair, a frame, glare or a
//! hand (requirements section 6).

use super::{Measure, Unit, judge_finding};
use crate::measure::NotMeasured;
use crate::measure::coverings::CoveringMeasures;
use crate::measure::eyes_mouth::SubjectMeasures;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const EYES_OPEN: Measure = Measure {
    id: ids::EYES_OPEN,
    unit: Unit::Ratio,
    name_en: "Eyes open (eyelid gap over eye-to-chin distance)",
    name_de: "Augen geöffnet (Lidabstand zu Augen-Kinn-Abstand)",
    too_low: ("open the eyes", "die Augen öffnen"),
    too_high: ("the eyes are opened wide; relax", "die Augen sind weit aufgerissen; entspannen"),
};
const GAZE: Measure = Measure {
    id: ids::GAZE,
    unit: Unit::Ratio,
    name_en: "Looking into the camera (iris offset in eye widths)",
    name_de: "Blick in die Kamera (Irisversatz in Augenbreiten)",
    too_low: ("", ""),
    too_high: ("look straight into the camera", "direkt in die Kamera schauen"),
};
const EYES_VISIBLE: Measure = Measure {
    id: ids::EYES_VISIBLE,
    unit: Unit::Fraction,
    name_en: "Eyes visible (share of the eye hidden by hair, frame, glare or a hand)",
    name_de: "Augen sichtbar (Anteil des Auges, den Haare, Brillenrand, Spiegelung oder eine Hand verdecken)",
    too_low: ("", ""),
    too_high: (
        "something covers an eye; move hair and hands away and avoid glare on the glasses",
        "etwas verdeckt ein Auge; Haare und Hände aus dem Gesicht nehmen und Spiegelungen auf der Brille vermeiden",
    ),
};
const HAIR_ACROSS_EYE: Measure = Measure {
    id: ids::HAIR_ACROSS_EYE,
    unit: Unit::Ratio,
    name_en: "No hair across the eyes (darkest strand below an eye, over the skin's brightness)",
    name_de: "Keine Haare über den Augen (dunkelste Strähne unter einem Auge, relativ zur Hauthelligkeit)",
    too_low: ("", ""),
    too_high: (
        "hair hangs across an eye; move it away from the face",
        "Haare hängen über ein Auge; aus dem Gesicht nehmen",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let subject = analysis.measured(|a| a.subject.as_ref());
    judge_finding(out, &EYES_OPEN, &profile.eyes.open, subject.map(|m: &SubjectMeasures| m.eyes_open));
    judge_finding(out, &GAZE, &profile.eyes.gaze, subject.map(|m| m.gaze));
    let coverings = analysis.measured(|a| a.coverings.as_ref());
    judge_finding(out, &EYES_VISIBLE, &profile.eyes.visible, coverings.map(|m: &CoveringMeasures| m.eyes_hidden));
    let hair_across = coverings.and_then(|m| m.hair_across_eye.ok_or(NotMeasured::RegionNotVisible));
    judge_finding(out, &HAIR_ACROSS_EYE, &profile.eyes.hair_across, hair_across);
}
