//! Checks: plain functions from what the pipeline measured to a finding with a status, the
//! measured value, the profile's range, a 0..100 quality where one fits, and a message in English
//! and German. One file per check-ID prefix: `pose.roll` is judged in `pose.rs`. No check measures
//! anything itself; `crate::measure` does.

mod background;
mod colour;
mod exposure;
mod expression;
mod eyes;
mod face;
mod focus;
mod geometry;
mod glasses;
mod head;
mod identity;
mod image;
mod morph;
mod mouth;
mod pose;

use crate::measure::{Finding, NotMeasured};
use crate::pipeline::{Analysis, ReferenceMeasures};
use crate::profile::{Profile, Range};
use crate::report::{CheckResult, Language, Status, Texts, ids};

/// Runs every check the profile enables; results in report order (`ids::ALL`).
pub(crate) fn run_all(analysis: &Analysis, profile: &Profile, language: Language) -> Vec<CheckResult> {
    let mut results = Vec::new();
    for run in [
        image::run,
        face::run,
        geometry::run,
        pose::run,
        exposure::run,
        focus::run,
        colour::run,
        background::run,
        eyes::run,
        mouth::run,
        expression::run,
        glasses::run,
        head::run,
        morph::run,
    ] {
        run(analysis, profile, &mut results);
    }
    in_order(&mut results, ids::ALL);
    localise(&mut results, language);
    results
}

/// The checks a comparison with a live capture adds.
pub(crate) fn run_with_reference(
    comparison: &ReferenceMeasures,
    profile: &Profile,
    language: Language,
) -> Vec<CheckResult> {
    let mut results = Vec::new();
    identity::run(comparison, profile, &mut results);
    morph::run_differential(comparison, profile, &mut results);
    in_order(&mut results, ids::WITH_REFERENCE);
    localise(&mut results, language);
    results
}

/// Sorts results by the position of their ID in `order` (stable).
fn in_order(results: &mut [CheckResult], order: &[&str]) {
    results.sort_by_key(|result| order.iter().position(|id| *id == result.id));
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
    /// A classifier's score 0..1, higher meaning more likely the defect (a morph, a smile).
    Score,
    /// One over a length in photo pixels.
    PerPixel,
    /// Millimetres on paper.
    Millimetres,
    /// A distance in CIE 1931 xy chromaticity.
    Chromaticity,
    /// A share of the height of the German 45 mm photo: a ratio in reports, shown in messages as
    /// millimetres, as the rules state it.
    ShareOf45Millimetres,
}

impl Unit {
    fn id(self) -> &'static str {
        match self {
            Unit::Pixels => "px",
            Unit::Degrees => "deg",
            Unit::Ratio | Unit::ShareOf45Millimetres => "ratio",
            Unit::Count => "count",
            Unit::Fraction => "fraction",
            Unit::Bits => "bits",
            Unit::Level => "level",
            Unit::JpegQuality => "jpeg_quality",
            Unit::EmbeddingDistance => "embedding_distance",
            Unit::Score => "score",
            Unit::PerPixel => "per_px",
            Unit::Millimetres => "mm",
            Unit::Chromaticity => "xy",
        }
    }

    fn format(self, value: f64, language: Language) -> String {
        let text = match self {
            Unit::Pixels => format!("{value:.0} px"),
            Unit::Degrees => format!("{value:.1}°"),
            Unit::Ratio | Unit::EmbeddingDistance | Unit::Score => three_places_or_three_figures(value),
            Unit::Count => format!("{value:.0}"),
            Unit::Fraction => format!("{:.1} %", value * 100.0),
            // Whole bits (a colour depth) as such, a dynamic range's fraction kept.
            Unit::Bits => {
                let number = if value.fract() == 0.0 { format!("{value:.0}") } else { format!("{value:.2}") };
                match language {
                    Language::En => format!("{number} bits"),
                    Language::De => format!("{number} Bit"),
                }
            }
            Unit::Level => format!("{value:.0}"),
            Unit::JpegQuality => format!("{value:.0}"),
            Unit::PerPixel => format!("{value:.2}/px"),
            Unit::Millimetres => format!("{value:.1} mm"),
            Unit::Chromaticity => format!("{value:.3} xy"),
            Unit::ShareOf45Millimetres => format!("{:.1} mm", value * 45.0),
        };
        match language {
            Language::En => text,
            Language::De => text.replace('.', ","),
        }
    }
}

/// What a warning of `measure` means: a morph detector's score in its uncertain band, or else a
/// value off the target within the rules' tolerance.
fn warning_note(measure: &Measure) -> (&'static str, &'static str) {
    if measure.id.starts_with("morph.") {
        (
            "; the score lies where the detector is unsure: check before deciding",
            "; der Wert liegt im Unsicherheitsbereich des Detektors: vor der Entscheidung prüfen",
        )
    } else {
        (
            "; within the tolerance, not on its own a reason to reject",
            "; innerhalb der Toleranz, allein kein Ablehnungsgrund",
        )
    }
}

/// Three decimal places, or for a value under 0.01 as many as show three significant figures, less
/// trailing zeros (a bound of 0.0008 is not shown as 0.001, nor a value of 0.00096 as one that
/// meets it).
fn three_places_or_three_figures(value: f64) -> String {
    if value == 0.0 || !value.is_finite() || value.abs() >= 0.01 {
        return format!("{value:.3}");
    }
    let places = (2.0 - value.abs().log10().floor()).clamp(3.0, 12.0) as usize;
    let text = format!("{value:.places$}");
    // The last figures may be zeros (0.000800): dropped, down to three places.
    let point = text.find('.').unwrap_or(text.len());
    let keep = text.trim_end_matches('0').len().max(point + 4);
    text[..keep].to_string()
}

/// Why a check could not be computed, in English and German.
fn reason_texts(missing: NotMeasured) -> (&'static str, &'static str) {
    match missing {
        NotMeasured::NoFace => ("no face was found", "kein Gesicht gefunden"),
        NotMeasured::NoLandmarks => {
            ("the facial landmarks could not be located", "die Gesichtsmerkmale konnten nicht bestimmt werden")
        }
        NotMeasured::EyesOutsideImage => ("an eye lies outside the photo", "ein Auge liegt außerhalb des Bildes"),
        NotMeasured::FaceSideOutsideImage => {
            ("a side of the face is cut off by the image border", "eine Gesichtsseite wird vom Bildrand abgeschnitten")
        }
        NotMeasured::ChinOutsideImage => ("the chin lies outside the photo", "das Kinn liegt außerhalb des Bildes"),
        NotMeasured::NoPose => ("the head pose could not be fitted", "die Kopfhaltung konnte nicht bestimmt werden"),
        NotMeasured::FaceTooSmall => {
            ("the face is too small to measure", "das Gesicht ist zu klein, um es zu vermessen")
        }
        NotMeasured::EyesTooSmall => (
            "an iris is under 12 pixels across: too few to read the eye whites and pupils",
            "eine Iris ist unter 12 Pixel breit: zu wenige, um Augenweiß und Pupillen auszuwerten",
        ),
        NotMeasured::RegionNotVisible => {
            ("the region to measure is not visible", "der zu messende Bereich ist nicht sichtbar")
        }
        NotMeasured::BackgroundNotVisible => {
            ("too little background is visible", "es ist zu wenig Hintergrund sichtbar")
        }
        NotMeasured::NeedsColour => ("this check needs a colour photo", "diese Prüfung braucht ein Farbbild"),
        NotMeasured::NoFaceInReference => (
            "no face was found in the live capture, or it could not be measured",
            "in der Live-Aufnahme wurde kein Gesicht gefunden oder es ließ sich nicht vermessen",
        ),
        NotMeasured::CompressionUnknown => (
            "the file's compression is not estimated (JPEG 2000, a lossy WebP, a JPEG-compressed TIFF, or a JPEG whose quantisation table cannot be read)",
            "die Kompression der Datei wird nicht geschätzt (JPEG 2000, verlustbehaftetes WebP, JPEG-komprimiertes TIFF oder ein JPEG mit unlesbarer Quantisierungstabelle)",
        ),
        NotMeasured::NotFinite => (
            "the measurement gave no finite number (it could not be completed)",
            "die Messung ergab keine endliche Zahl (sie ließ sich nicht abschließen)",
        ),
        NotMeasured::ColourProfileUnread => (
            "the file's embedded colour profile could not be read or names no primaries; save the photo in sRGB",
            "das eingebettete Farbprofil der Datei konnte nicht gelesen werden oder nennt keine Primärfarben; das Foto in sRGB speichern",
        ),
        NotMeasured::NoPrintResolution => {
            ("the file states no print resolution (dpi)", "die Datei gibt keine Druckauflösung (dpi) an")
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
        reject_min: range.reject_min,
        reject_max: range.reject_max,
        quality,
        message: String::new(),
        texts,
    }
}

/// The rejection bounds as words, when the range has any.
fn reject_text(range: &Range, unit: Unit) -> Option<(String, String)> {
    let (en, de) = (|v| unit.format(v, Language::En), |v| unit.format(v, Language::De));
    match (range.reject_min, range.reject_max) {
        (Some(lo), Some(hi)) => Some((
            format!("rejected below {} or above {}", en(lo), en(hi)),
            format!("abgelehnt unter {} oder über {}", de(lo), de(hi)),
        )),
        (Some(lo), None) => Some((format!("rejected below {}", en(lo)), format!("abgelehnt unter {}", de(lo)))),
        (None, Some(hi)) => Some((format!("rejected above {}", en(hi)), format!("abgelehnt über {}", de(hi)))),
        (None, None) => None,
    }
}

/// Pass when `value` lies in the range's target, warn when it misses the target but lies within
/// the rejection bounds, else fail; the message says which way to go. A value that is no finite
/// number is not assessed: it lies on neither side of a bound.
pub(crate) fn judge(measure: &Measure, value: f64, range: &Range, quality: Option<u8>) -> CheckResult {
    if !value.is_finite() {
        return not_assessed(measure, range, NotMeasured::NotFinite);
    }
    let (shown_en, shown_de) = (measure.unit.format(value, Language::En), measure.unit.format(value, Language::De));
    let (mut allowed_en, mut allowed_de) = range_text(range, measure.unit);
    let (mut allowed_word_en, mut allowed_word_de) = ("allowed", "zulässig");
    if let Some((reject_en, reject_de)) = reject_text(range, measure.unit) {
        (allowed_word_en, allowed_word_de) = ("target", "Ziel");
        allowed_en = format!("{allowed_en}; {reject_en}");
        allowed_de = format!("{allowed_de}; {reject_de}");
    }
    let status = range.status_of(value);
    let texts = if status == Status::Pass {
        Texts::new(
            format!("{} {shown_en} ({allowed_word_en}: {allowed_en}).", measure.name_en),
            format!("{} {shown_de} ({allowed_word_de}: {allowed_de}).", measure.name_de),
        )
    } else {
        let low = range.min.is_some_and(|min| value < min);
        let (advice_en, advice_de) = if low { measure.too_low } else { measure.too_high };
        // A warning's advice would read as a rejection's without this.
        let (tolerated_en, tolerated_de) = if status == Status::Warn { warning_note(measure) } else { ("", "") };
        Texts::new(
            format!("{} {shown_en} ({allowed_word_en}: {allowed_en}): {advice_en}{tolerated_en}.", measure.name_en),
            format!("{} {shown_de} ({allowed_word_de}: {allowed_de}): {advice_de}{tolerated_de}.", measure.name_de),
        )
    };
    result(measure, status, Some(value), range, quality, texts)
}

/// A failure decided by something other than the range (say, the crown outside the photo).
pub(crate) fn fail_with(measure: &Measure, value: Option<f64>, range: &Range, en: &str, de: &str) -> CheckResult {
    let texts = Texts::new(format!("{}: {en}.", measure.name_en), format!("{}: {de}.", measure.name_de));
    result(measure, Status::Fail, value, range, None, texts)
}

pub(crate) fn not_assessed(measure: &Measure, range: &Range, missing: NotMeasured) -> CheckResult {
    let (en, de) = reason_texts(missing);
    let texts = Texts::new(
        format!("{}: not assessed, {en}.", measure.name_en),
        format!("{}: nicht bewertet, {de}.", measure.name_de),
    );
    result(measure, Status::NotAssessed, None, range, None, texts)
}

/// Judges a finding against the profile's rule, when the profile enables it; a finding that
/// could not be made is reported as not assessed, with the reason.
pub(crate) fn judge_finding(
    out: &mut Vec<CheckResult>,
    measure: &Measure,
    rule: &Option<Range>,
    finding: Result<Finding, NotMeasured>,
) {
    if let Some(range) = enabled(rule) {
        out.push(match finding {
            Ok(finding) => judge(measure, finding.value, range, finding.quality),
            Err(missing) => not_assessed(measure, range, missing),
        });
    }
}

/// A range the profile enables, if any.
pub(crate) fn enabled(range: &Option<Range>) -> Option<&Range> {
    range.as_ref().filter(|r| r.enabled)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLL: Measure = Measure {
        id: ids::ROLL,
        unit: Unit::Degrees,
        name_en: "Roll",
        name_de: "Neigung",
        too_low: ("turn left", "nach links"),
        too_high: ("turn right", "nach rechts"),
    };

    #[test]
    fn a_value_that_is_no_number_is_not_assessed_rather_than_too_high() {
        let range = Range::new(Some(-8.0), Some(8.0)).with_reject(Some(-10.0), Some(10.0));
        for value in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            let result = judge(&ROLL, value, &range, None);
            assert_eq!((result.status, result.value), (Status::NotAssessed, None), "{value}");
            assert!(result.texts.en.contains("no finite number"), "{}", result.texts.en);
        }
        assert_eq!(judge(&ROLL, 9.0, &range, None).status, Status::Warn);
        assert_eq!(judge(&ROLL, -11.0, &range, None).status, Status::Fail);
    }

    #[test]
    fn a_warning_says_it_is_no_reason_to_reject_alone() {
        let range = Range::new(Some(-8.0), Some(8.0)).with_reject(Some(-10.0), Some(10.0));
        let warned = judge(&ROLL, 9.0, &range, None);
        assert!(warned.texts.en.contains("not on its own a reason to reject"), "{}", warned.texts.en);
        assert!(warned.texts.de.contains("allein kein Ablehnungsgrund"), "{}", warned.texts.de);
        let failed = judge(&ROLL, 11.0, &range, None);
        assert!(!failed.texts.en.contains("tolerance"), "{}", failed.texts.en);
    }

    #[test]
    fn small_ratios_keep_three_figures() {
        let shown = |value| Unit::Ratio.format(value, Language::En);
        assert_eq!(shown(0.0008), "0.0008");
        assert_eq!(shown(0.00075), "0.00075");
        assert_eq!(shown(-0.0008), "-0.0008");
        assert_eq!(shown(0.005), "0.005");
        assert_eq!(shown(0.0123), "0.012");
        assert_eq!(shown(0.00096), "0.00096");
        assert_eq!(shown(0.000996), "0.000996");
        assert_eq!(shown(0.00995), "0.00995");
        assert_eq!(shown(0.0), "0.000");
        assert_eq!(shown(1.5), "1.500");
        assert_eq!(Unit::Ratio.format(0.0008, Language::De), "0,0008");
        assert_eq!(Unit::ShareOf45Millimetres.format(0.7111, Language::En), "32.0 mm");
        assert_eq!(Unit::Bits.format(24.0, Language::De), "24 Bit");
        assert_eq!(Unit::Bits.format(4.5, Language::En), "4.50 bits");
    }
}
