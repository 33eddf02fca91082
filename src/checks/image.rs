//! `image.dimensions`: the exact size of a profile, or the 35:45 aspect ratio.

use super::{Measure, Unit, result};
use crate::pipeline::Analysis;
use crate::profile::{DimensionsRule, Profile, Range};
use crate::report::{CheckResult, Status, Texts, ids};

const DIMENSIONS: Measure = Measure {
    id: ids::IMAGE_DIMENSIONS,
    unit: Unit::Ratio,
    name_en: "Image size",
    name_de: "Bildgröße",
    too_low: ("", ""),
    too_high: ("", ""),
};

pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    if let Some(rule) = profile.image.dimensions.as_ref().filter(|r| r.enabled) {
        out.push(dimensions(analysis.width, analysis.height, rule));
    }
}

/// The value is the aspect ratio (width / height); an exact size, where the profile sets one,
/// must match too.
pub fn dimensions(width: u32, height: u32, rule: &DimensionsRule) -> CheckResult {
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
    if let (Some(w), Some(h)) = (rule.width, rule.height)
        && (w, h) != (width, height)
    {
        problems_en.push(format!("exactly {w}x{h} px are required"));
        problems_de.push(format!("vorgeschrieben sind genau {w}x{h} px"));
    }
    if !aspect_range.contains(aspect) {
        problems_en.push(format!("the aspect ratio {aspect:.3} is not 35:45 (0.778)"));
        problems_de
            .push(format!("das Seitenverhältnis {} ist nicht 35:45 (0,778)", format!("{aspect:.3}").replace('.', ",")));
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
