//! Image quality (requirements sections 4 and 7): focus, JPEG compression and its artefacts, colour
//! depth, natural skin colour and red eyes.

use image::RgbImage;

use super::{Finding, Measure, Reason, Unit, judge_finding, ofiq_sigmoid_quality, quality};
use crate::colour;
use crate::decode::{ColourType, ImageFacts, ImageFormat};
use crate::face_image::FaceImage;
use crate::pipeline::Analysis;
use crate::profile::Profile;
use crate::report::{CheckResult, ids};
use crate::scene::Scene;

/// OFIQ's natural-colour box for the mean cheek colour.
const NATURAL_A: (f64, f64) = (5.0, 25.0);
const NATURAL_B: (f64, f64) = (5.0, 35.0);
/// Mean per-pixel spread between colour channels (sRGB levels) below which a photo is grey.
const GREY_MAX_CHROMA: f64 = 2.0;
/// The pupil zone: this fraction of the iris radius around its centre.
const PUPIL_OF_IRIS: f32 = 0.6;

#[derive(Debug, Clone, PartialEq)]
pub struct QualityMeasures {
    pub sharpness: Option<Finding>,
    pub natural_skin: Option<Finding>,
    /// Mean CIELAB (a*, b*) of the cheeks, for the message.
    pub cheek_ab: Option<(f64, f64)>,
    pub red_eye: Option<Finding>,
}

pub fn measure(face: &FaceImage) -> QualityMeasures {
    let cheek_ab = cheek_colour(face);
    QualityMeasures {
        sharpness: sharpness(face),
        natural_skin: cheek_ab.map(|(a, b)| {
            let outside = |v: f64, (lo, hi): (f64, f64)| (lo - v).max(v - hi).max(0.0);
            let distance = outside(a, NATURAL_A).hypot(outside(b, NATURAL_B));
            Finding { value: distance, quality: quality(1.0 - 0.04 * distance) }
        }),
        cheek_ab,
        red_eye: red_eye(face),
    }
}

/// Separable box blur of radius `r` (window 2r+1), edges repeated.
fn box_blur(values: &[f32], side: usize, r: usize) -> Vec<f32> {
    let norm = 1.0 / (2 * r + 1) as f32;
    let clamp = |k: isize| k.clamp(0, side as isize - 1) as usize;
    // Rows: a running sum along each row.
    let mut across = vec![0f32; values.len()];
    for (row, out) in values.chunks_exact(side).zip(across.chunks_exact_mut(side)) {
        let mut sum: f32 = (-(r as isize)..=r as isize).map(|k| row[clamp(k)]).sum();
        for k in 0..side {
            out[k] = sum * norm;
            sum += row[clamp(k as isize + r as isize + 1)] - row[clamp(k as isize - r as isize)];
        }
    }
    // Columns: the same running sums, one per column, advanced a whole row at a time so the
    // reads stay in memory order (the arithmetic per column is unchanged).
    let row = |k: isize| &across[clamp(k) * side..][..side];
    let mut sums = vec![0f32; side];
    for k in -(r as isize)..=r as isize {
        for (sum, &v) in sums.iter_mut().zip(row(k)) {
            *sum += v;
        }
    }
    let mut out = vec![0f32; values.len()];
    for (k, out_row) in out.chunks_exact_mut(side).enumerate() {
        let (entering, leaving) = (row(k as isize + r as isize + 1), row(k as isize - r as isize));
        for (((o, sum), &add), &sub) in out_row.iter_mut().zip(&mut sums).zip(entering).zip(leaving) {
            *o = *sum * norm;
            *sum += add - sub;
        }
    }
    out
}

/// The finest detail against the next coarser band, over the face: |L - box_r(L)| over
/// |box_r(L) - box_3r(L)|, r one photo pixel (one crop pixel unless the face was enlarged).
/// Blur of any kind (focus, motion, resampling) takes the finest band first, and the ratio does
/// not depend on the face's contrast or the light.
fn sharpness(face: &FaceImage) -> Option<Finding> {
    let radius = (face.enlargement.round() as usize).max(1);
    let fine_blur = box_blur(&face.luma, face.side, radius);
    let coarse_blur = box_blur(&fine_blur, face.side, 3 * radius);
    let (mut fine, mut coarse) = (0f64, 0f64);
    for i in (0..face.luma.len()).filter(|&i| face.skin[i] || face.eyes[i]) {
        fine += f64::from((face.luma[i] - fine_blur[i]).abs());
        coarse += f64::from((fine_blur[i] - coarse_blur[i]).abs());
    }
    (coarse > 0.0).then(|| {
        let ratio = fine / coarse;
        Finding { value: ratio, quality: Some(ofiq_sigmoid_quality(ratio, 0.25, 0.05)) }
    })
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
    let fraction = |iris: &crate::face_image::IrisInCrop| -> Option<f64> {
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

/// JPEG blocking in a region of the photo at its own resolution: the mean luma step across the
/// 8-pixel block borders over the mean step elsewhere (1 = no blocking). The grid is the photo's
/// own, so it holds for a JPEG that was not cropped or scaled after compression.
pub fn blockiness(image: &RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> Option<Finding> {
    let (x1, y1) = (x1.min(image.width()), y1.min(image.height()));
    if x1 < x0 + 17 || y1 < y0 + 17 {
        return None;
    }
    // One pass down the rows, with the luma of the row above kept for the vertical steps.
    let (width, raw) = (image.width() as usize, image.as_raw());
    let (x0, x1) = (x0 as usize, x1 as usize);
    let luma_row = |y: u32, out: &mut Vec<f32>| {
        let row = &raw[(y as usize * width + x0) * 3..(y as usize * width + x1) * 3];
        out.clear();
        out.extend(row.chunks_exact(3).map(|p| colour::luma([f32::from(p[0]), f32::from(p[1]), f32::from(p[2])])));
    };
    let (mut above, mut here) = (Vec::with_capacity(x1 - x0), Vec::with_capacity(x1 - x0));
    let (mut border, mut border_n, mut inner, mut inner_n) = (0f64, 0usize, 0f64, 0usize);
    let horizontal_border = (x0 + 1..x1).filter(|x| x % 8 == 0).count();
    for y in y0..y1 {
        luma_row(y, &mut here);
        // Steps whose right (or lower) pixel starts a JPEG block lie on the block border.
        let (mut row_border, mut row_inner) = (0f32, 0f32);
        for (i, pair) in here.windows(2).enumerate() {
            let step = (pair[1] - pair[0]).abs();
            if (x0 + i + 1) % 8 == 0 { row_border += step } else { row_inner += step }
        }
        border_n += horizontal_border;
        inner_n += x1 - x0 - 1 - horizontal_border;
        if y > y0 {
            let step_sum: f32 = here.iter().zip(&above).map(|(a, b): (&f32, &f32)| (a - b).abs()).sum();
            if y % 8 == 0 {
                row_border += step_sum;
                border_n += x1 - x0;
            } else {
                row_inner += step_sum;
                inner_n += x1 - x0;
            }
        }
        border += f64::from(row_border);
        inner += f64::from(row_inner);
        std::mem::swap(&mut above, &mut here);
    }
    if border_n == 0 || inner_n == 0 || inner == 0.0 {
        return None;
    }
    let ratio = (border / border_n as f64) / (inner / inner_n as f64);
    Some(Finding { value: ratio, quality: quality(2.0 - ratio) })
}

/// 24 for a colour photo, 8 for a grey one (by its file, or by its pixels).
pub fn colour_depth(colour_type: ColourType, scene: &Scene) -> Finding {
    let grey_file = matches!(colour_type, ColourType::Grey | ColourType::GreyAlpha);
    let chroma: f64 =
        scene.rgb.iter().map(|&p| f64::from(colour::chroma(p))).sum::<f64>() / scene.rgb.len().max(1) as f64;
    let bits = if grey_file || chroma < GREY_MAX_CHROMA { 8.0 } else { 24.0 };
    Finding { value: bits, quality: None }
}

const SHARPNESS: Measure = Measure {
    id: ids::SHARPNESS,
    unit: Unit::Ratio,
    name_en: "Sharpness of the face",
    name_de: "Schärfe des Gesichts",
    too_low: ("the face is blurred; focus and hold still", "das Gesicht ist unscharf; scharf stellen und stillhalten"),
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
const COLOUR_DEPTH: Measure = Measure {
    id: ids::COLOUR_DEPTH,
    unit: Unit::Bits,
    name_en: "Colour depth",
    name_de: "Farbtiefe",
    too_low: ("the photo must be in colour (24-bit)", "das Bild muss farbig sein (24 Bit)"),
    too_high: ("", ""),
};
const NATURAL_SKIN: Measure = Measure {
    id: ids::NATURAL_SKIN,
    unit: Unit::Ratio,
    name_en: "Natural skin colour (CIELAB distance from the natural range)",
    name_de: "Natürliche Hautfarbe (CIELAB-Abstand vom natürlichen Bereich)",
    too_low: ("", ""),
    too_high: (
        "the skin colour is unnatural; check white balance and filters",
        "die Hautfarbe ist unnatürlich; Weißabgleich und Filter prüfen",
    ),
};
const RED_EYE: Measure = Measure {
    id: ids::RED_EYE,
    unit: Unit::Fraction,
    name_en: "Red eyes",
    name_de: "Rote Augen",
    too_low: ("", ""),
    too_high: ("the pupils are red; avoid direct flash", "die Pupillen sind rot; direkten Blitz vermeiden"),
};

/// How strongly the file was compressed, as the JPEG quality setting (1..100) its quantisation
/// table implies; 100 for lossless files and pixels handed over directly.
pub(crate) fn compression(facts: &ImageFacts) -> Result<Finding, Reason> {
    let setting = match facts.format {
        ImageFormat::Jpeg => facts.jpeg_quality.map(f64::from).ok_or(Reason::CompressionUnknown)?,
        ImageFormat::Png | ImageFormat::Raw => 100.0,
        ImageFormat::Jpeg2000 => return Err(Reason::CompressionUnknown),
    };
    Ok(Finding { value: setting, quality: quality(setting / 100.0) })
}

/// The file-level checks: `image.colour_depth`, `image.compression` and
/// `image.compression_artefacts`.
pub fn run_image(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let image_rules = &profile.image;
    judge_finding(out, &COLOUR_DEPTH, &image_rules.colour_depth, Ok(analysis.colour_depth));
    judge_finding(out, &COMPRESSION, &image_rules.compression, compression(&analysis.facts));
    let blocking = analysis.face_measures(|a| a.blockiness.as_ref()).copied();
    judge_finding(out, &COMPRESSION_ARTEFACTS, &image_rules.compression_artefacts, blocking);
}

/// `focus.sharpness`, `colour.natural_skin`, `colour.red_eye`.
pub fn run(analysis: &Analysis, profile: &Profile, out: &mut Vec<CheckResult>) {
    let measures = analysis.face_measures(|a| a.quality.as_ref());
    let pick = |f: fn(&QualityMeasures) -> Option<Finding>| -> Result<Finding, Reason> {
        measures.and_then(|m| f(m).ok_or(Reason::RegionNotVisible))
    };
    judge_finding(out, &SHARPNESS, &profile.focus.sharpness, pick(|m| m.sharpness));
    judge_finding(out, &NATURAL_SKIN, &profile.colour.natural_skin, pick(|m| m.natural_skin));
    judge_finding(out, &RED_EYE, &profile.colour.red_eye, pick(|m| m.red_eye));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn box_blur_keeps_a_constant_and_averages_a_spike() {
        assert!(box_blur(&[5.0; 16], 4, 1).iter().all(|&v| (v - 5.0).abs() < 1e-5));
        let mut spike = vec![0.0; 25];
        spike[12] = 9.0;
        let blurred = box_blur(&spike, 5, 1);
        assert!((blurred[12] - 1.0).abs() < 1e-5 && (blurred[6] - 1.0).abs() < 1e-5 && blurred[0] == 0.0);
    }

    #[test]
    fn blockiness_sees_an_8_pixel_grid() {
        let flat_blocks = RgbImage::from_fn(64, 64, |x, y| {
            let level = ((x / 8 * 37 + y / 8 * 91) % 200) as u8 + (x % 3) as u8;
            image::Rgb([level; 3])
        });
        assert!(blockiness(&flat_blocks, 0, 0, 64, 64).unwrap().value > 5.0);
        let smooth = RgbImage::from_fn(64, 64, |x, y| image::Rgb([(x * 2 + y) as u8; 3]));
        assert!((blockiness(&smooth, 0, 0, 64, 64).unwrap().value - 1.0).abs() < 0.2);
    }
}
