//! Colour (requirements sections 4 and 7): natural skin, no colour cast, red eyes, and whether the
//! photo is in colour at all.

use super::face_image::{FaceImage, IRIS_RIM, IrisInCrop};
use super::head::eye_is_shut;
use super::scene::Scene;
use super::{Finding, NotMeasured, quality};
use crate::decode::{ColourData, ColourType, ImageFacts};
use crate::imaging::colour;
use crate::models::face_mesh::index;

/// OFIQ's natural-colour box for the mean cheek colour.
const NATURAL_A: (f64, f64) = (5.0, 25.0);
const NATURAL_B: (f64, f64) = (5.0, 35.0);
/// Mean per-pixel spread between colour channels (sRGB levels) below which a photo is grey.
const GREY_MAX_CHROMA: f64 = 2.0;
/// The pupil zone: this fraction of the iris radius around its centre.
const PUPIL_OF_IRIS: f32 = 0.6;
/// Where the whites of the eyes lie in CIELAB (a*, b*) under light of a studio's white balance.
/// The eyes are the one part of every face that is near white whatever the skin, so a cast that
/// a dark skin's colour hides shows there. Set on the accuracy harness's calibration half
/// (docs/calibration.md, "Colour casts").
const EYE_WHITE_A: (f64, f64) = (3.0, 12.0);
/// Warm studio light yellows the whites (b* up to 35 on the US Congress portraits) more than it
/// is seen as a cast.
const EYE_WHITE_B: (f64, f64) = (-8.0, 40.0);
/// The white of an eye is read from the brightest share of its visible part outside the iris:
/// the lids' shade, lashes and the skin at the corners are darker.
const EYE_WHITE_BRIGHTEST: f64 = 0.25;
/// Half the width and height, in inter-eye distances, of the box around an iris that holds its
/// eye's opening and not the other's.
const EYE_BOX_IED: (f32, f32) = (0.4, 0.2);
/// Fewer bright pixels than this (in the face crop, whose scale is fixed) and an eye shows too
/// little white to read: narrowed or closed.
const MIN_EYE_WHITE_PX: usize = 20;

#[derive(Debug, Clone, PartialEq)]
pub struct ColourMeasures {
    /// CIELAB distance of the mean cheek colour from OFIQ's natural box.
    pub natural_skin: Option<Finding>,
    /// CIELAB distance of the whites of the eyes from their range under neutral light: the eye
    /// nearer it, so that one reddened eye does not count as a cast.
    pub cast: Option<Finding>,
    /// The larger share of a visible pupil that is saturated red (none for shut eyes).
    pub red_eye: Option<Finding>,
}

pub fn measure(face: &FaceImage) -> ColourMeasures {
    ColourMeasures {
        natural_skin: cheek_colour(face).map(|ab| outside_box(ab, NATURAL_A, NATURAL_B)),
        cast: [&face.right_iris, &face.left_iris]
            .into_iter()
            .filter_map(|iris| eye_white_colour(face, iris))
            .map(|ab| outside_box(ab, EYE_WHITE_A, EYE_WHITE_B))
            .min_by(|a, b| a.value.total_cmp(&b.value)),
        red_eye: red_eye(face),
    }
}

/// How far (a*, b*) lies outside the box of `a` and `b` ranges, in CIELAB units.
fn outside_box((a, b): (f64, f64), a_range: (f64, f64), b_range: (f64, f64)) -> Finding {
    let outside = |v: f64, (lo, hi): (f64, f64)| (lo - v).max(v - hi).max(0.0);
    let distance = outside(a, a_range).hypot(outside(b, b_range));
    Finding { value: distance, quality: quality(1.0 - 0.04 * distance) }
}

/// The mean colour (a*, b*) of the brightest part of one eye's white: the eye opening (the mesh's
/// outline) near `iris`, without the iris. None where too little of it shows.
fn eye_white_colour(face: &FaceImage, iris: &IrisInCrop) -> Option<(f64, f64)> {
    let (hx, hy) = EYE_BOX_IED;
    let rect = face.rect_around(iris.centre, hx * face.px_per_ied, hy * face.px_per_ied);
    let mut white: Vec<usize> =
        face.indices_in(rect).filter(|&i| face.eyes[i] && !iris.covers(face.pixel_centre(i), IRIS_RIM)).collect();
    white.sort_unstable_by(|&i, &j| face.luma[j].total_cmp(&face.luma[i]));
    let brightest = &white[..(EYE_WHITE_BRIGHTEST * white.len() as f64) as usize];
    if brightest.len() < MIN_EYE_WHITE_PX {
        return None;
    }
    mean_colour(face, brightest.iter().copied())
}

/// OFIQ's natural colour input: the mean colour of both cheek zones in CIELAB (a*, b*).
fn cheek_colour(face: &FaceImage) -> Option<(f64, f64)> {
    mean_colour(face, face.cheek_patches().into_iter().flat_map(|rect| face.indices_in(rect).filter(|&i| face.face[i])))
}

/// The mean colour of the crop's `pixels` in CIELAB (a*, b*); None for no pixels.
fn mean_colour(face: &FaceImage, pixels: impl Iterator<Item = usize>) -> Option<(f64, f64)> {
    let mut sum = [0f64; 3];
    let mut count = 0usize;
    for i in pixels {
        for (total, &level) in sum.iter_mut().zip(&face.rgb[i]) {
            *total += f64::from(level);
        }
        count += 1;
    }
    (count > 0).then(|| {
        let mean = sum.map(|s| (s / count as f64) as f32);
        let [_, a, b] = colour::lab(mean);
        (a, b)
    })
}

/// The larger, over both eyes, fraction of the visible pupil that is saturated red: the pupil
/// zone's pixels inside the eye opening. A shut eye shows no pupil to be red (its lid, reddish
/// skin, lies where the pupil would), as a baby's shut eyes may; an open eye whose pupil zone lies
/// outside its opening cannot be read.
fn red_eye(face: &FaceImage) -> Option<Finding> {
    let fraction = |iris: &IrisInCrop, (outer, inner): (usize, usize)| -> Option<f64> {
        if eye_is_shut(iris.lid_gap, face.point(outer), face.point(inner)) {
            return Some(0.0);
        }
        let radius = iris.radius * PUPIL_OF_IRIS;
        let rect = face.rect_around(iris.centre, radius, radius);
        let (mut red, mut total) = (0usize, 0usize);
        for i in face.indices_in(rect) {
            if !face.eyes[i] || !iris.covers(face.pixel_centre(i), PUPIL_OF_IRIS) {
                continue;
            }
            let [r, g, b] = face.rgb[i];
            total += 1;
            if r > 90.0 && r > 1.8 * g && r > 1.8 * b {
                red += 1;
            }
        }
        (total > 0).then(|| red as f64 / total as f64)
    };
    let right = fraction(&face.right_iris, (index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER))?;
    let left = fraction(&face.left_iris, (index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER))?;
    let worst = right.max(left);
    Some(Finding { value: worst, quality: quality(1.0 - worst) })
}

/// The largest distance in CIE xy between the primaries of the file's colour profile and sRGB's:
/// 0 for sRGB, for a file without a profile (read as sRGB) and for a grey profile (grey photos
/// are judged by their colour depth); 1 for print colours (CMYK) or another space, which no
/// RGB primaries describe. Adobe RGB reads 0.14, Display P3 0.085.
pub fn colour_space(facts: &ImageFacts) -> Result<Finding, NotMeasured> {
    // The file's channels decide first: an RGB profile does not make CMYK values RGB.
    if facts.colour_type == ColourType::Cmyk {
        return Ok(Finding { value: 1.0, quality: None });
    }
    let value = match &facts.colour_profile {
        None => 0.0,
        Some(profile) => match profile.data {
            ColourData::Rgb => match profile.primaries_off_srgb {
                Some(distance) => distance,
                // A profile of lookup tables alone, named for what it is (ICC's own sRGB v4
                // profiles); not "scRGB" nor a linear sRGB.
                None if profile
                    .description
                    .as_deref()
                    .is_some_and(|d| d.starts_with("sRGB") && !d.to_ascii_lowercase().contains("linear")) =>
                {
                    0.0
                }
                None => return Err(NotMeasured::ColourProfileUnread),
            },
            ColourData::Grey => 0.0,
            ColourData::Cmyk | ColourData::Other => 1.0,
            ColourData::Unreadable => return Err(NotMeasured::ColourProfileUnread),
        },
    };
    Ok(Finding { value, quality: None })
}

/// 24 for a colour photo, 8 for a grey one (by its file, or by its pixels).
pub fn colour_depth(colour_type: ColourType, scene: &Scene) -> Finding {
    let grey_file = matches!(colour_type, ColourType::Grey | ColourType::GreyAlpha);
    let chroma: f64 =
        scene.rgb.iter().map(|&p| f64::from(colour::chroma(p))).sum::<f64>() / scene.rgb.len().max(1) as f64;
    let bits = if grey_file || chroma < GREY_MAX_CHROMA { 8.0 } else { 24.0 };
    Finding { value: bits, quality: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_colour_inside_the_box_is_at_no_distance_and_one_outside_at_its_euclidean_distance() {
        assert_eq!(outside_box((4.0, 0.0), EYE_WHITE_A, EYE_WHITE_B).value, 0.0);
        assert_eq!(outside_box((15.0, -12.0), EYE_WHITE_A, EYE_WHITE_B).value, 5.0);
        assert_eq!(outside_box((-1.0, 0.0), EYE_WHITE_A, EYE_WHITE_B).value, 4.0);
    }
}
