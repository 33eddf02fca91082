//! The report: serde types with a `format_version`, stable check IDs, and messages in English and
//! German. Consumers may rely on the shape documented in README.md; fields are only ever added.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::decode::ImageFacts;
use crate::imaging::Point;
use crate::measure::pose::PoseAngles;
use crate::models::face_detector::FaceBox;

/// Bumped whenever a field changes meaning or disappears, or a field gains a value old readers do
/// not know (adding fields does not bump it). 2: the status `warn`.
pub const FORMAT_VERSION: u32 = 2;

/// Stable check identifiers (requirements section 10). Reports, profiles and the C ABI use these;
/// each constant's value is the ID it names, and README.md describes each check.
#[allow(missing_docs)]
pub mod ids {
    pub const IMAGE_DIMENSIONS: &str = "image.dimensions";
    pub const FACE_COUNT: &str = "face.count";
    pub const INTER_EYE_DISTANCE: &str = "geometry.inter_eye_distance";
    pub const HORIZONTAL_CENTRING: &str = "geometry.horizontal_centring";
    pub const EYE_LINE_HEIGHT: &str = "geometry.eye_line_height";
    pub const HEAD_WIDTH: &str = "geometry.head_width";
    pub const HEAD_HEIGHT: &str = "geometry.head_height";
    pub const CHIN_TO_CROWN_DE: &str = "geometry.chin_to_crown_de";
    pub const YAW: &str = "pose.yaw";
    pub const PITCH: &str = "pose.pitch";
    pub const ROLL: &str = "pose.roll";
    pub const COLOUR_DEPTH: &str = "image.colour_depth";
    pub const COLOUR_SPACE: &str = "image.colour_space";
    pub const COMPRESSION: &str = "image.compression";
    pub const EARLIER_COMPRESSION: &str = "image.earlier_compression";
    pub const COMPRESSION_ARTEFACTS: &str = "image.compression_artefacts";
    pub const INTEGRITY: &str = "image.integrity";
    pub const PRINT_SIZE: &str = "image.print_size";
    pub const LUMINANCE_MEAN: &str = "exposure.luminance_mean";
    pub const LUMINANCE_VARIANCE: &str = "exposure.luminance_variance";
    pub const UNDER_EXPOSURE: &str = "exposure.under";
    pub const OVER_EXPOSURE: &str = "exposure.over";
    pub const DYNAMIC_RANGE: &str = "exposure.dynamic_range";
    pub const ILLUMINATION_UNIFORMITY: &str = "exposure.illumination_uniformity";
    pub const FACE_SHADOWS: &str = "exposure.face_shadows";
    pub const HOT_SPOTS: &str = "exposure.hot_spots";
    pub const WHITE_LEVEL: &str = "exposure.white_level";
    pub const BLACK_LEVEL: &str = "exposure.black_level";
    pub const SHARPNESS: &str = "focus.sharpness";
    pub const NATURAL_SKIN: &str = "colour.natural_skin";
    pub const COLOUR_CAST: &str = "colour.cast";
    pub const RED_EYE: &str = "colour.red_eye";
    pub const BACKGROUND_UNIFORMITY: &str = "background.uniformity";
    pub const BACKGROUND_COLOUR: &str = "background.colour";
    pub const BACKGROUND_SHADOW: &str = "background.shadow";
    pub const BACKGROUND_BRIGHTNESS_RANGE: &str = "background.brightness_range";
    pub const BACKGROUND_OBJECTS: &str = "background.objects";
    pub const BACKGROUND_SIDE_OBJECTS: &str = "background.side_objects";
    pub const EYES_OPEN: &str = "eyes.open";
    pub const GAZE: &str = "eyes.gaze";
    pub const MOUTH_CLOSED: &str = "mouth.closed";
    pub const EXPRESSION_NEUTRAL: &str = "expression.neutral";
    pub const EXPRESSION_SMILE: &str = "expression.smile";
    pub const EYES_VISIBLE: &str = "eyes.visible";
    pub const HAIR_ACROSS_EYE: &str = "eyes.hair_across";
    /// Information: whether glasses are worn (fails only where a profile bounds it).
    pub const GLASSES_PRESENT: &str = "glasses.present";
    pub const GLASSES_TINTED: &str = "glasses.tinted";
    pub const GLASSES_REFLECTION: &str = "glasses.reflection";
    pub const GLASSES_FRAME_OVER_EYES: &str = "glasses.frame_over_eyes";
    pub const HEAD_COVERING: &str = "head.covering";
    pub const FACE_OCCLUSION: &str = "face.occlusion";
    pub const FACE_HANDS: &str = "face.hands";
    pub const MORPH_SINGLE_IMAGE: &str = "morph.single_image";
    /// Reported only when a document photo is checked against a live capture.
    pub const IDENTITY_SAME_PERSON: &str = "identity.same_person";
    pub const MORPH_DIFFERENTIAL: &str = "morph.differential";

    /// Every check this version can report, in report order.
    pub const ALL: &[&str] = &[
        IMAGE_DIMENSIONS,
        COLOUR_DEPTH,
        COLOUR_SPACE,
        COMPRESSION,
        EARLIER_COMPRESSION,
        COMPRESSION_ARTEFACTS,
        INTEGRITY,
        PRINT_SIZE,
        FACE_COUNT,
        INTER_EYE_DISTANCE,
        HORIZONTAL_CENTRING,
        EYE_LINE_HEIGHT,
        HEAD_WIDTH,
        HEAD_HEIGHT,
        CHIN_TO_CROWN_DE,
        YAW,
        PITCH,
        ROLL,
        LUMINANCE_MEAN,
        LUMINANCE_VARIANCE,
        UNDER_EXPOSURE,
        OVER_EXPOSURE,
        DYNAMIC_RANGE,
        ILLUMINATION_UNIFORMITY,
        FACE_SHADOWS,
        HOT_SPOTS,
        WHITE_LEVEL,
        BLACK_LEVEL,
        SHARPNESS,
        NATURAL_SKIN,
        COLOUR_CAST,
        RED_EYE,
        BACKGROUND_UNIFORMITY,
        BACKGROUND_COLOUR,
        BACKGROUND_SHADOW,
        BACKGROUND_BRIGHTNESS_RANGE,
        BACKGROUND_OBJECTS,
        BACKGROUND_SIDE_OBJECTS,
        EYES_OPEN,
        GAZE,
        MOUTH_CLOSED,
        EXPRESSION_NEUTRAL,
        EXPRESSION_SMILE,
        EYES_VISIBLE,
        HAIR_ACROSS_EYE,
        GLASSES_PRESENT,
        GLASSES_TINTED,
        GLASSES_REFLECTION,
        GLASSES_FRAME_OVER_EYES,
        HEAD_COVERING,
        FACE_OCCLUSION,
        FACE_HANDS,
        MORPH_SINGLE_IMAGE,
    ];

    /// The checks added by a comparison with a live capture (`Checker::check_with_reference`).
    pub const WITH_REFERENCE: &[&str] = &[IDENTITY_SAME_PERSON, MORPH_DIFFERENTIAL];
}

/// The language of the reports' messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// English.
    #[default]
    En,
    /// German.
    De,
}

impl std::str::FromStr for Language {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "en" | "english" => Ok(Language::En),
            "de" | "german" | "deutsch" => Ok(Language::De),
            other => Err(format!("unknown language {other:?} (en or de)")),
        }
    }
}

/// The same text in each supported language.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Texts {
    pub en: String,
    pub de: String,
}

impl Texts {
    pub(crate) fn new(en: impl Into<String>, de: impl Into<String>) -> Self {
        Texts { en: en.into(), de: de.into() }
    }

    pub(crate) fn get(&self, language: Language) -> &str {
        match language {
            Language::En => &self.en,
            Language::De => &self.de,
        }
    }
}

/// A check's outcome, or a photo's verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The requirement is met.
    Pass,
    /// The requirement is not met.
    Fail,
    /// The check could not be computed (no face, a region not visible); the message says why.
    NotAssessed,
    /// The target is missed but the value is within the rejection bounds (the rules set both, or
    /// the measurement is too uncertain there to reject): worth a look, not a reason to reject.
    Warn,
}

impl Status {
    /// The status as the JSON report spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::NotAssessed => "not_assessed",
            Status::Warn => "warn",
        }
    }
}

/// One requirement's finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckResult {
    /// The stable check ID (`ids`), such as "pose.roll".
    pub id: String,
    /// Whether the requirement is met.
    pub status: Status,
    /// The measured value; absent when it could not be measured.
    pub value: Option<f64>,
    /// The unit of value, min and max: "px", "deg", "ratio", "count", "fraction", "bits",
    /// "level", "jpeg_quality", "mm", "embedding_distance" or "score".
    pub unit: String,
    /// The profile's lower bound, if any.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    /// The profile's upper bound, if any.
    pub max: Option<f64>,
    /// Below this the check fails; between it and `min` it warns. Absent where the rules give
    /// one bound only (then below `min` fails).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reject_min: Option<f64>,
    /// Above this the check fails; between `max` and it, it warns.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub reject_max: Option<f64>,
    /// 0..100, higher is better, where a quality mapping fits (OFIQ's where OFIQ defines one).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub quality: Option<u8>,
    /// The message in the report's language.
    pub message: String,
    /// The message in every language; the JSON carries only `message`.
    #[serde(skip)]
    pub(crate) texts: Texts,
}

impl CheckResult {
    /// The message in `language` (the report's own language for a report read from JSON).
    pub fn message_in(&self, language: Language) -> &str {
        if self.texts.en.is_empty() { &self.message } else { self.texts.get(language) }
    }
}

/// Key points of the checked face, in image pixels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyLandmarks {
    /// The subject's right eye's iris centre (the left one in the picture).
    pub right_eye_centre: Point,
    /// The subject's left eye's iris centre.
    pub left_eye_centre: Point,
    /// The tip of the nose.
    pub nose_tip: Point,
    /// The lowest point of the chin.
    pub chin: Point,
    /// Top of the forehead (mesh point 10), below the hairline.
    pub forehead: Point,
    /// Top of the skull, ignoring hair (ISO 19794-5 crown), as estimated.
    pub crown: Point,
    /// The subject's right cheek at its widest (mesh point 234).
    pub face_right_side: Point,
    /// The subject's left cheek at its widest (mesh point 454).
    pub face_left_side: Point,
}

/// How the crown was placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrownSource {
    /// From the fitted 3D face's proportions.
    FaceProportions,
    /// Lowered to the top of the person mask, which the skull cannot rise above.
    PersonMask,
}

/// The face the geometry and pose checks were computed on (the largest one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceReport {
    /// The detector's box.
    #[serde(rename = "box")]
    pub bbox: FaceBox,
    /// Where the key points are.
    pub landmarks: KeyLandmarks,
    /// How the crown was placed.
    pub crown_source: CrownSource,
    /// Top of the person (hair included) above the face, from the segmentation mask.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub hair_top_y: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    /// The head pose, when it could be fitted.
    pub pose: Option<PoseAngles>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
/// A face the detector found.
pub struct DetectedFace {
    /// The detector's confidence, 0..1.
    pub score: f32,
    /// Where it is.
    #[serde(rename = "box")]
    pub bbox: FaceBox,
}

/// The whole verdict on one photo.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// The report format's version (`FORMAT_VERSION`).
    pub format_version: u32,
    /// The version of passbild that wrote the report.
    pub passbild_version: String,
    /// The file checked, when a file was.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub file: Option<String>,
    /// The profile's name.
    pub profile: String,
    /// The language of the messages.
    pub language: Language,
    /// Fail if any check fails, else not assessed if any could not be computed, else warn if any
    /// warns, else pass.
    pub verdict: Status,
    /// What the file says about itself.
    pub image: ImageFacts,
    /// Every face found, strongest first.
    pub faces: Vec<DetectedFace>,
    #[serde(skip_serializing_if = "Option::is_none", default)]
    /// The face the checks judged (the largest), when one was found.
    pub face: Option<FaceReport>,
    /// Every check the profile runs, in the order of `ids::ALL`.
    pub checks: Vec<CheckResult>,
    /// Milliseconds per pipeline stage, and `total` from the start of decoding to the end of the
    /// checks. With more than one thread, stages that do not need each other's results run side
    /// by side, so the stages can add up to more than the total.
    pub timings_ms: BTreeMap<String, f64>,
}

impl Report {
    /// Fail if any check fails; otherwise not assessed if any check could not be computed or
    /// there is none (a profile that enables nothing judges nothing); otherwise warn if any check
    /// warns; else pass.
    pub fn verdict_of(checks: &[CheckResult]) -> Status {
        if checks.is_empty() {
            return Status::NotAssessed;
        }
        let any = |status: Status| checks.iter().any(|c| c.status == status);
        [Status::Fail, Status::NotAssessed, Status::Warn].into_iter().find(|&s| any(s)).unwrap_or(Status::Pass)
    }

    /// The check with this ID, if the profile runs it.
    pub fn check(&self, id: &str) -> Option<&CheckResult> {
        self.checks.iter().find(|c| c.id == id)
    }

    /// Re-renders every message in `language`.
    pub fn set_language(&mut self, language: Language) {
        self.language = language;
        for check in &mut self.checks {
            if !check.texts.en.is_empty() {
                check.message = check.texts.get(language).to_string();
            }
        }
    }

    /// The report as one line of JSON (the shape README.md documents).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a report always serialises")
    }

    /// The report as indented JSON.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report always serialises")
    }
}
