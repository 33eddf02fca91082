//! Colour (requirements sections 4 and 7): natural skin, red eyes, and whether the photo is in
//! colour at all.

use super::face_image::{FaceImage, IrisInCrop};
use super::scene::Scene;
use super::{Finding, quality};
use crate::decode::ColourType;
use crate::imaging::colour;

/// OFIQ's natural-colour box for the mean cheek colour.
const NATURAL_A: (f64, f64) = (5.0, 25.0);
const NATURAL_B: (f64, f64) = (5.0, 35.0);
/// Mean per-pixel spread between colour channels (sRGB levels) below which a photo is grey.
const GREY_MAX_CHROMA: f64 = 2.0;
/// The pupil zone: this fraction of the iris radius around its centre.
const PUPIL_OF_IRIS: f32 = 0.6;

#[derive(Debug, Clone, PartialEq)]
pub struct ColourMeasures {
    /// CIELAB distance of the mean cheek colour from OFIQ's natural box.
    pub natural_skin: Option<Finding>,
    /// The larger share of a pupil that is saturated red.
    pub red_eye: Option<Finding>,
}

pub fn measure(face: &FaceImage) -> ColourMeasures {
    ColourMeasures {
        natural_skin: cheek_colour(face).map(|(a, b)| {
            let outside = |v: f64, (lo, hi): (f64, f64)| (lo - v).max(v - hi).max(0.0);
            let distance = outside(a, NATURAL_A).hypot(outside(b, NATURAL_B));
            Finding { value: distance, quality: quality(1.0 - 0.04 * distance) }
        }),
        red_eye: red_eye(face),
    }
}

/// OFIQ's natural colour input: the mean colour of both cheek zones in CIELAB (a*, b*).
fn cheek_colour(face: &FaceImage) -> Option<(f64, f64)> {
    let mut sum = [0f64; 3];
    let mut count = 0usize;
    for rect in face.cheek_patches() {
        for i in face.indices_in(rect).filter(|&i| face.face[i]) {
            for (total, &level) in sum.iter_mut().zip(&face.rgb[i]) {
                *total += f64::from(level);
            }
            count += 1;
        }
    }
    (count > 0).then(|| {
        let mean = sum.map(|s| (s / count as f64) as f32);
        let [_, a, b] = colour::lab(mean);
        (a, b)
    })
}

/// The larger, over both eyes, fraction of the pupil zone that is saturated red.
fn red_eye(face: &FaceImage) -> Option<Finding> {
    let fraction = |iris: &IrisInCrop| -> Option<f64> {
        let radius = iris.radius * PUPIL_OF_IRIS;
        let rect = face.rect_around(iris.centre, radius, radius);
        let (mut red, mut total) = (0usize, 0usize);
        for i in face.indices_in(rect) {
            if !iris.covers(face.pixel_centre(i), PUPIL_OF_IRIS) {
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
    let worst = fraction(&face.right_iris)?.max(fraction(&face.left_iris)?);
    Some(Finding { value: worst, quality: quality(1.0 - worst) })
}

/// 24 for a colour photo, 8 for a grey one (by its file, or by its pixels).
pub fn colour_depth(colour_type: ColourType, scene: &Scene) -> Finding {
    let grey_file = matches!(colour_type, ColourType::Grey | ColourType::GreyAlpha);
    let chroma: f64 =
        scene.rgb.iter().map(|&p| f64::from(colour::chroma(p))).sum::<f64>() / scene.rgb.len().max(1) as f64;
    let bits = if grey_file || chroma < GREY_MAX_CHROMA { 8.0 } else { 24.0 };
    Finding { value: bits, quality: None }
}
