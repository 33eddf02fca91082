//! Checks: plain functions from what the pipeline measured to a finding with a status, the
//! measured value, the profile's range, a 0..100 quality where one fits, and a message in English
//! and German. One file per family of checks.

pub mod background;
pub mod coverings;
pub mod exposure;
pub mod eyes_mouth;
pub mod face;
pub mod geometry;
pub mod image;
pub mod morph;
pub mod pose;
pub mod quality;
pub mod reference;

use serde::Serialize;

use crate::pipeline::{Analysis, Appearance, FaceMissing};
use crate::profile::{Profile, Range};
use crate::report::{CheckResult, Language, Status, Texts};

/// Runs every check the profile enables, in a fixed order.
pub fn run_all(analysis: &Analysis, profile: &Profile, language: Language) -> Vec<CheckResult> {
    let mut results = Vec::new();
    image::run(analysis, profile, &mut results);
    quality::run_image(analysis, profile, &mut results);
    face::run(analysis, profile, &mut results);
    geometry::run(analysis, profile, &mut results);
    pose::run(analysis, profile, &mut results);
    exposure::run(analysis, profile, &mut results);
    quality::run(analysis, profile, &mut results);
    background::run(analysis, profile, &mut results);
    eyes_mouth::run(analysis, profile, &mut results);
    coverings::run(analysis, profile, &mut results);
    morph::run(analysis, profile, &mut results);
    localise(&mut results, language);
    results
}

/// The checks a comparison with a live capture adds, given the identity distance or why there is
/// none.
pub(crate) fn run_with_reference(
    distance: Result<f32, Reason>,
    morph_score: Result<f64, Reason>,
    profile: &Profile,
    language: Language,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    reference::run(distance, morph_score, profile, &mut results);
    localise(&mut results, language);
    results
}

/// Sets each result's message to its text in `language`.
fn localise(results: &mut [CheckResult], language: Language) {
    for result in results {
        result.message = result.texts.get(language).to_string();
    }
}

/// What a check measures, for its messages.
pub(crate) struct Measure {
    pub id: &'static str,
    pub unit: Unit,
    pub name_en: &'static str,
    pub name_de: &'static str,
    /// Advice when the value is below the range, then above it: (English, German).
    pub too_low: (&'static str, &'static str),
    pub too_high: (&'static str, &'static str),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Pixels,
    Degrees,
    /// A fraction of the image width or height.
    Ratio,
    Count,
    /// A share 0..1, shown as a percentage.
    Fraction,
    Bits,
    /// An sRGB level 0..255.
    Level,
    /// A JPEG quality setting 1..100 (the IJG scale).
    JpegQuality,
    /// Euclidean distance between two identity embeddings (dlib's descriptor).
    EmbeddingDistance,
    /// A classifier's score 0..1, higher meaning more likely an attack.
    Score,
}

impl Unit {
    fn id(self) -> &'static str {
        match self {
            Unit::Pixels => "px",
            Unit::Degrees => "deg",
            Unit::Ratio => "ratio",
            Unit::Count => "count",
            Unit::Fraction => "fraction",
            Unit::Bits => "bits",
            Unit::Level => "level",
            Unit::JpegQuality => "jpeg_quality",
            Unit::EmbeddingDistance => "embedding_distance",
            Unit::Score => "score",
        }
    }

    fn format(self, value: f64, language: Language) -> String {
        let text = match self {
            Unit::Pixels => format!("{value:.0} px"),
            Unit::Degrees => format!("{value:.1}°"),
            Unit::Ratio => format!("{value:.3}"),
            Unit::Count => format!("{value:.0}"),
            Unit::Fraction => format!("{:.1} %", value * 100.0),
            Unit::Bits => format!("{value:.2} bits"),
            Unit::Level => format!("{value:.0}"),
            Unit::JpegQuality => format!("{value:.0}"),
            Unit::EmbeddingDistance | Unit::Score => format!("{value:.3}"),
        };
        match language {
            Language::En => text,
            Language::De => text.replace('.', ","),
        }
    }
}

/// Why a check could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reason {
    NoFace,
    NoLandmarks,
    EyesOutsideImage,
    FaceSideOutsideImage,
    ChinOutsideImage,
    NoPose,
    FaceTooSmall,
    RegionNotVisible,
    BackgroundNotVisible,
    CompressionUnknown,
    NeedsColour,
    NoFaceInReference,
}

impl Reason {
    fn texts(self) -> (&'static str, &'static str) {
        match self {
            Reason::NoFace => ("no face was found", "kein Gesicht gefunden"),
            Reason::NoLandmarks => {
                ("the facial landmarks could not be located", "die Gesichtsmerkmale konnten nicht bestimmt werden")
            }
            Reason::EyesOutsideImage => ("an eye lies outside the photo", "ein Auge liegt außerhalb des Bildes"),
            Reason::FaceSideOutsideImage => (
                "a side of the face is cut off by the image border",
                "eine Gesichtsseite wird vom Bildrand abgeschnitten",
            ),
            Reason::ChinOutsideImage => ("the chin lies outside the photo", "das Kinn liegt außerhalb des Bildes"),
            Reason::NoPose => ("the head pose could not be fitted", "die Kopfhaltung konnte nicht bestimmt werden"),
            Reason::FaceTooSmall => {
                ("the face is too small to measure", "das Gesicht ist zu klein, um es zu vermessen")
            }
            Reason::RegionNotVisible => {
                ("the region to measure is not visible", "der zu messende Bereich ist nicht sichtbar")
            }
            Reason::BackgroundNotVisible => {
                ("too little background is visible", "es ist zu wenig Hintergrund sichtbar")
            }
            Reason::NeedsColour => ("this check needs a colour photo", "diese Prüfung braucht ein Farbbild"),
            Reason::NoFaceInReference => {
                ("no face was found in the live capture", "in der Live-Aufnahme wurde kein Gesicht gefunden")
            }
            Reason::CompressionUnknown => (
                "the compression of a JPEG 2000 file is not estimated",
                "die Kompression einer JPEG-2000-Datei wird nicht geschätzt",
            ),
        }
    }
}

impl From<FaceMissing> for Reason {
    fn from(missing: FaceMissing) -> Self {
        match missing {
            FaceMissing::NoFaceDetected => Reason::NoFace,
            FaceMissing::LandmarksNotFound => Reason::NoLandmarks,
        }
    }
}

fn range_text(range: &Range, unit: Unit) -> (String, String) {
    let (en, de) = (|v| unit.format(v, Language::En), |v| unit.format(v, Language::De));
    match (range.min, range.max) {
        (Some(min), Some(max)) => (format!("{} to {}", en(min), en(max)), format!("{} bis {}", de(min), de(max))),
        (Some(min), None) => (format!("at least {}", en(min)), format!("mindestens {}", de(min))),
        (None, Some(max)) => (format!("at most {}", en(max)), format!("höchstens {}", de(max))),
        (None, None) => ("any value".into(), "beliebig".into()),
    }
}

fn result(
    measure: &Measure,
    status: Status,
    value: Option<f64>,
    range: &Range,
    quality: Option<u8>,
    texts: Texts,
) -> CheckResult {
    CheckResult {
        id: measure.id.to_string(),
        status,
        value,
        unit: measure.unit.id().to_string(),
        min: range.min,
        max: range.max,
        quality,
        message: String::new(),
        texts,
    }
}

/// Pass when `value` lies in `range`, else fail, with a message that says which way to go.
pub(crate) fn judge(measure: &Measure, value: f64, range: &Range, quality: Option<u8>) -> CheckResult {
    let (shown_en, shown_de) = (measure.unit.format(value, Language::En), measure.unit.format(value, Language::De));
    let (allowed_en, allowed_de) = range_text(range, measure.unit);
    let (status, texts) = if range.contains(value) {
        (
            Status::Pass,
            Texts::new(
                format!("{} {shown_en} (allowed: {allowed_en}).", measure.name_en),
                format!("{} {shown_de} (zulässig: {allowed_de}).", measure.name_de),
            ),
        )
    } else {
        let low = range.min.is_some_and(|min| value < min);
        let (advice_en, advice_de) = if low { measure.too_low } else { measure.too_high };
        (
            Status::Fail,
            Texts::new(
                format!("{} {shown_en} (allowed: {allowed_en}): {advice_en}.", measure.name_en),
                format!("{} {shown_de} (zulässig: {allowed_de}): {advice_de}.", measure.name_de),
            ),
        )
    };
    result(measure, status, Some(value), range, quality, texts)
}

/// A failure decided by something other than the range (say, the crown outside the photo).
pub(crate) fn fail_with(measure: &Measure, value: Option<f64>, range: &Range, en: &str, de: &str) -> CheckResult {
    let texts = Texts::new(format!("{}: {en}.", measure.name_en), format!("{}: {de}.", measure.name_de));
    result(measure, Status::Fail, value, range, None, texts)
}

pub(crate) fn not_assessed(measure: &Measure, range: &Range, reason: Reason) -> CheckResult {
    let (en, de) = reason.texts();
    let texts = Texts::new(
        format!("{}: not assessed, {en}.", measure.name_en),
        format!("{}: nicht bewertet, {de}.", measure.name_de),
    );
    result(measure, Status::NotAssessed, None, range, None, texts)
}

/// OFIQ's sigmoid: 1 / (1 + exp((x0 - x) / w)).
pub(crate) fn ofiq_sigmoid(x: f64, x0: f64, w: f64) -> f64 {
    1.0 / (1.0 + ((x0 - x) / w).exp())
}

/// A 0..1 score as a 0..100 quality, rounded and clipped.
pub(crate) fn quality(score: f64) -> Option<u8> {
    Some((100.0 * score).round().clamp(0.0, 100.0) as u8)
}

/// OFIQ's quality mapping with its common parameters: 100 * sigmoid((x - x0) / w), rounded.
pub(crate) fn ofiq_sigmoid_quality(x: f64, x0: f64, w: f64) -> u8 {
    (100.0 / (1.0 + ((x0 - x) / w).exp())).round().clamp(0.0, 100.0) as u8
}

/// The median (the upper one of an even count), or None for no values.
pub(crate) fn median(values: &mut [f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    let middle = values.len() / 2;
    Some(*values.select_nth_unstable_by(middle, f32::total_cmp).1)
}

/// A measured value and its 0..100 quality, as the pipeline hands it to a check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Finding {
    pub value: f64,
    pub quality: Option<u8>,
}

/// Judges a finding against the profile's rule, when the profile enables it; a finding that
/// could not be made is reported as not assessed, with the reason.
pub(crate) fn judge_finding(
    out: &mut Vec<CheckResult>,
    measure: &Measure,
    rule: &Option<Range>,
    finding: Result<Finding, Reason>,
) {
    if let Some(range) = enabled(rule) {
        out.push(match finding {
            Ok(finding) => judge(measure, finding.value, range, finding.quality),
            Err(reason) => not_assessed(measure, range, reason),
        });
    }
}

impl Analysis {
    /// One family's measurements of the face, or why there are none.
    pub(crate) fn face_measures<T>(&self, pick: impl Fn(&Appearance) -> Option<&T>) -> Result<&T, Reason> {
        let face = self.face.as_ref().map_err(|&missing| Reason::from(missing))?;
        let appearance = face.appearance.as_ref().ok_or(Reason::FaceTooSmall)?;
        pick(appearance).ok_or(Reason::RegionNotVisible)
    }
}

/// A range the profile enables, if any.
pub(crate) fn enabled(range: &Option<Range>) -> Option<&Range> {
    range.as_ref().filter(|r| r.enabled)
}
