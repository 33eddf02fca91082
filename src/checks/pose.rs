//! Head pose: yaw, pitch and roll within the profile's limits (ISO/IEC 19794-5 7.2.2). The sign
//! convention is documented in `crate::measure::pose`.

use super::{Measure, Unit, enabled, judge, not_assessed};
use crate::measure::NotMeasured;
use crate::measure::pose::PoseAngles;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};

const YAW: Measure = Measure {
    id: ids::YAW,
    unit: Unit::Degrees,
    name_en: "Head turn (yaw)",
    name_de: "Kopfdrehung (Gieren)",
    too_low: (
        "the head is turned to the subject's left; face the camera",
        "der Kopf ist nach links gedreht (aus Sicht der Person); das Gesicht frontal zur Kamera drehen",
    ),
    too_high: (
        "the head is turned to the subject's right; face the camera",
        "der Kopf ist nach rechts gedreht (aus Sicht der Person); das Gesicht frontal zur Kamera drehen",
    ),
};
const PITCH: Measure = Measure {
    id: ids::PITCH,
    unit: Unit::Degrees,
    name_en: "Head nod (pitch)",
    name_de: "Kopfneigung nach vorn oder hinten (Nicken)",
    too_low: ("the chin is raised; lower it", "das Kinn ist angehoben; etwas senken"),
    too_high: ("the chin is lowered; raise it", "das Kinn ist gesenkt; etwas anheben"),
};
const ROLL: Measure = Measure {
    id: ids::ROLL,
    unit: Unit::Degrees,
    name_en: "Head tilt (roll)",
    name_de: "Seitliche Kopfneigung (Rollen)",
    too_low: (
        "straighten the head: it leans towards the subject's right shoulder",
        "den Kopf gerade halten: er neigt sich zur rechten Schulter (aus Sicht der Person)",
    ),
    too_high: (
        "straighten the head: it leans towards the subject's left shoulder",
        "den Kopf gerade halten: er neigt sich zur linken Schulter (aus Sicht der Person)",
    ),
};

/// OFIQ's head-pose quality: 100 * cos²(angle).
fn pose_quality(degrees: f64) -> u8 {
    (100.0 * degrees.to_radians().cos().powi(2)).round().clamp(0.0, 100.0) as u8
}

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.pose;
    let pose = analysis
        .of_face(|face| face.pose.as_ref().map(|p| p.angles()).ok_or(NotMeasured::NoPose))
        .and_then(|pose| pose);
    for (measure, rule, pick) in [
        (&YAW, &rules.yaw, (|a: &PoseAngles| a.yaw) as fn(&PoseAngles) -> f64),
        (&PITCH, &rules.pitch, |a| a.pitch),
        (&ROLL, &rules.roll, |a| a.roll),
    ] {
        if let Some(range) = enabled(rule) {
            out.push(match &pose {
                Ok(angles) => {
                    let angle = pick(angles);
                    judge(measure, angle, range, Some(pose_quality(angle)))
                }
                Err(reason) => not_assessed(measure, range, *reason),
            });
        }
    }
}
