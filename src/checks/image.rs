//! `image.*`: the file itself (requirements sections 4 and 7): its size, colour depth, the JPEG
//! quality it was saved at and that of an earlier compression its pixels show, the blocking that
//! left on the face, and bands a damaged file left.

use super::{Measure, Unit, judge_finding, result};
use crate::decode::ImageFacts;
use crate::measure::NotMeasured;
use crate::measure::colour::colour_space;
use crate::measure::compression::{earlier_jpeg_quality, jpeg_quality_setting};
use crate::pipeline::Analysis;
use crate::profile::{DimensionsRule, PrintSizeRule, Profile, Range};
use crate::report::{CheckResult, Status, Texts, ids};

const DIMENSIONS: Measure = Measure {
    id: ids::IMAGE_DIMENSIONS,
    unit: Unit::Ratio,
    name_en: "Image size",
    name_de: "Bildgröße",
    too_low: ("", ""),
    too_high: ("", ""),
};

const COMPRESSION: Measure = Measure {
    id: ids::COMPRESSION,
    unit: Unit::JpegQuality,
    name_en: "JPEG quality the file was saved at",
    name_de: "JPEG-Qualität, mit der die Datei gespeichert wurde",
    too_low: (
        "the photo is compressed too strongly; save at the highest quality",
        "das Bild ist zu stark komprimiert; mit höchster Qualität speichern",
    ),
    too_high: ("", ""),
};
const EARLIER_COMPRESSION: Measure = Measure {
    id: ids::EARLIER_COMPRESSION,
    unit: Unit::JpegQuality,
    name_en: "JPEG quality of an earlier compression the pixels show (100: none)",
    name_de: "JPEG-Qualität einer früheren Kompression, die das Bild zeigt (100: keine)",
    too_low: (
        "the photo was saved with strong JPEG compression before this file (whose quality states only the last saving); save the original photo once, at the highest quality",
        "das Bild wurde vor dieser Datei stark JPEG-komprimiert gespeichert (deren Qualität nur die letzte Speicherung angibt); das Originalbild einmal mit höchster Qualität speichern",
    ),
    too_high: ("", ""),
};
const COMPRESSION_ARTEFACTS: Measure = Measure {
    id: ids::COMPRESSION_ARTEFACTS,
    unit: Unit::Ratio,
    name_en: "JPEG blocking on the face",
    name_de: "JPEG-Blockartefakte im Gesicht",
    too_low: ("", ""),
    too_high: (
        "the photo is compressed too strongly; save at the highest quality",
        "das Bild ist zu stark komprimiert; mit höchster Qualität speichern",
    ),
};
const INTEGRITY: Measure = Measure {
    id: ids::INTEGRITY,
    unit: Unit::Level,
    name_en: "Brightness step at a row of JPEG blocks",
    name_de: "Helligkeitssprung an einer JPEG-Blockzeile",
    too_low: ("", ""),
    too_high: (
        "the file is damaged: from one row of blocks on, the photo is brighter, darker or tinted; send the original file again",
        "die Datei ist beschädigt: ab einer Blockzeile ist das Bild heller, dunkler oder verfärbt; die Originaldatei erneut senden",
    ),
};
const PRINT_SIZE: Measure = Measure {
    id: ids::PRINT_SIZE,
    unit: Unit::Millimetres,
    name_en: "Printed size",
    name_de: "Druckgröße",
    too_low: ("", ""),
    too_high: ("", ""),
};
const COLOUR_DEPTH: Measure = Measure {
    id: ids::COLOUR_DEPTH,
    unit: Unit::Bits,
    name_en: "Colour depth (of the photo's pixels: grey pixels read 8)",
    name_de: "Farbtiefe (der Bildpunkte: graue Bildpunkte ergeben 8)",
    too_low: (
        "the photo is black and white; a colour photo is required",
        "das Foto ist schwarzweiß; ein Farbfoto ist vorgeschrieben",
    ),
    too_high: ("", ""),
};

const COLOUR_SPACE: Measure = Measure {
    id: ids::COLOUR_SPACE,
    unit: Unit::Chromaticity,
    name_en: "Colour space (primaries of the file's colour profile against sRGB's)",
    name_de: "Farbraum (Primärfarben des Farbprofils der Datei gegenüber sRGB)",
    too_low: ("", ""),
    too_high: (
        "the file is not in sRGB (it carries another colour profile, such as Adobe RGB or Display P3, or stores CMYK print colours); convert it to sRGB",
        "die Datei ist nicht in sRGB (sie trägt ein anderes Farbprofil, etwa Adobe RGB oder Display P3, oder speichert CMYK-Druckfarben); in sRGB umwandeln",
    ),
};

pub(super) fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let rules = &profile.image;
    if let Some(rule) = rules.dimensions.as_ref().filter(|r| r.enabled) {
        out.push(dimensions(analysis.width, analysis.height, rule));
    }
    judge_finding(out, &COLOUR_DEPTH, &rules.colour_depth, Ok(analysis.colour_depth));
    judge_finding(out, &COLOUR_SPACE, &rules.colour_space, colour_space(&analysis.facts));
    judge_finding(out, &COMPRESSION, &rules.compression, jpeg_quality_setting(&analysis.facts));
    judge_finding(out, &EARLIER_COMPRESSION, &rules.earlier_compression, earlier_jpeg_quality(&analysis.facts));
    let blocking = analysis.measured(|a| a.blockiness.as_ref()).copied();
    judge_finding(out, &COMPRESSION_ARTEFACTS, &rules.compression_artefacts, blocking);
    judge_finding(out, &INTEGRITY, &rules.integrity, analysis.block_band_step);
    if let Some(rule) = rules.print_size.as_ref().filter(|r| r.enabled) {
        out.push(print_size(&analysis.facts, rule));
    }
}

/// The value is how far the printed size is off the paper photo's, on the worse side, in mm.
fn print_size(facts: &ImageFacts, rule: &PrintSizeRule) -> CheckResult {
    let range = Range::new(None, Some(rule.tolerance_mm));
    let (Some([width_mm, height_mm]), Some([x_dpi, y_dpi])) = (facts.printed_size_mm(), facts.resolution_dpi) else {
        return super::not_assessed(&PRINT_SIZE, &range, NotMeasured::NoPrintResolution);
    };
    let off_mm = (width_mm - rule.width_mm).abs().max((height_mm - rule.height_mm).abs());
    let dpi =
        if (x_dpi - y_dpi).abs() < 0.5 { format!("{x_dpi:.0} dpi") } else { format!("{x_dpi:.0}x{y_dpi:.0} dpi") };
    let printed = format!("{width_mm:.1} x {height_mm:.1} mm at {dpi}");
    let printed_de = printed.replace('.', ",").replace(" at ", " bei ");
    let (want_w, want_h, tolerance) = (rule.width_mm, rule.height_mm, rule.tolerance_mm);
    let (status, texts) = if range.contains(off_mm) {
        (
            Status::Pass,
            Texts::new(
                format!("Printed size {printed}: as required."),
                format!("Druckgröße {printed_de}: wie vorgeschrieben."),
            ),
        )
    } else {
        let required = format!("{want_w} x {want_h} mm within {tolerance} mm");
        let required_de = format!("{want_w} x {want_h} mm auf {tolerance} mm genau").replace('.', ",");
        (
            Status::Fail,
            Texts::new(
                format!("Printed size {printed}: {required} is required; scan the photo at its true size."),
                format!(
                    "Druckgröße {printed_de}: vorgeschrieben sind {required_de}; das Bild in Originalgröße scannen."
                ),
            ),
        )
    };
    result(&PRINT_SIZE, status, Some(off_mm), &range, None, texts)
}

/// The value is the aspect ratio (width / height); an exact size, where the profile sets one,
/// must match too.
fn dimensions(width: u32, height: u32, rule: &DimensionsRule) -> CheckResult {
    let aspect = f64::from(width) / f64::from(height);
    let aspect_range = match (rule.aspect_ratio, rule.aspect_tolerance) {
        (Some(ratio), tolerance) => {
            let tolerance = tolerance.unwrap_or(0.0);
            Range::new(Some(ratio * (1.0 - tolerance)), Some(ratio * (1.0 + tolerance)))
        }
        _ => Range::new(None, None),
    };
    let size = format!("{width}x{height} px");
    let mut problems_en = Vec::new();
    let mut problems_de = Vec::new();
    // A profile may fix one side only.
    let off = |required: Option<u32>, actual: u32| required.is_some_and(|r| r != actual);
    if off(rule.width, width) || off(rule.height, height) {
        let side = |required: Option<u32>, any: &str| required.map_or_else(|| any.to_string(), |r| r.to_string());
        let (w_en, h_en) = (side(rule.width, "any"), side(rule.height, "any"));
        let (w_de, h_de) = (side(rule.width, "beliebig"), side(rule.height, "beliebig"));
        problems_en.push(format!("exactly {w_en}x{h_en} px are required"));
        problems_de.push(format!("vorgeschrieben sind genau {w_de}x{h_de} px"));
    }
    if let (Some(ratio), false) = (rule.aspect_ratio, aspect_range.contains(aspect)) {
        let german = |v: f64| format!("{v:.3}").replace('.', ",");
        let named = if (ratio - 35.0 / 45.0).abs() < 5e-4 { "35:45 " } else { "" };
        problems_en.push(format!("the aspect ratio {aspect:.3} is not {named}({ratio:.3})"));
        problems_de.push(format!("das Seitenverhältnis {} ist nicht {named}({})", german(aspect), german(ratio)));
    }
    if rule.min_width.is_some_and(|m| width < m) || rule.min_height.is_some_and(|m| height < m) {
        let (mw, mh) = (rule.min_width.unwrap_or(0), rule.min_height.unwrap_or(0));
        problems_en.push(format!("at least {mw}x{mh} px are required"));
        problems_de.push(format!("mindestens {mw}x{mh} px sind vorgeschrieben"));
    }
    let (status, texts) = if problems_en.is_empty() {
        (
            Status::Pass,
            Texts::new(format!("Image size {size}: as required."), format!("Bildgröße {size}: wie vorgeschrieben.")),
        )
    } else {
        (
            Status::Fail,
            Texts::new(
                format!("Image size {size}: {}.", problems_en.join("; ")),
                format!("Bildgröße {size}: {}.", problems_de.join("; ")),
            ),
        )
    };
    result(&DIMENSIONS, status, Some(aspect), &aspect_range, None, texts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(width: Option<u32>, height: Option<u32>, aspect_ratio: Option<f64>) -> DimensionsRule {
        DimensionsRule {
            enabled: true,
            width,
            height,
            aspect_ratio,
            aspect_tolerance: Some(0.02),
            min_width: None,
            min_height: None,
        }
    }

    #[test]
    fn a_size_fixed_on_one_side_is_checked_and_the_profiles_own_ratio_is_named() {
        let width_only = dimensions(700, 800, &rule(Some(622), None, None));
        assert_eq!(width_only.status, Status::Fail);
        assert!(width_only.texts.en.contains("exactly 622xany px"), "{}", width_only.texts.en);
        assert_eq!(dimensions(622, 900, &rule(Some(622), None, None)).status, Status::Pass);
        let square = dimensions(700, 800, &rule(None, None, Some(1.0)));
        assert!(square.texts.en.contains("is not (1.000)"), "{}", square.texts.en);
        let passport = dimensions(800, 800, &rule(None, None, Some(0.7778)));
        assert!(passport.texts.en.contains("is not 35:45 (0.778)"), "{}", passport.texts.en);
    }
}
