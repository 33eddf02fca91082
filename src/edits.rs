//! Controlled edits of compliant photos, so that a test's label comes from the edit itself:
//! darker or brighter, light from one side, a shadow behind the head, blur, JPEG, colour casts,
//! grey, another background, red pupils, a shiny patch on the skin. Also the 35:45 passport crop
//! of a photo with `.tem` landmarks (the FRLL set) used for calibration. Used by the tests and the
//! calibration report; not part of checking.

use image::{Rgb, RgbImage};

use crate::imaging::Point;
use crate::models::PersonMask;
use crate::pipeline::FaceAnalysis;

/// Points of a WebMorph/Psychomorph `.tem` file: a point count, then one "x y" line per point,
/// then line definitions (ignored).
pub fn parse_tem(text: &str) -> Option<Vec<Point>> {
    let mut lines = text.lines();
    let count: usize = lines.next()?.trim().parse().ok()?;
    let points: Vec<Point> = lines
        .take(count)
        .map(|line| {
            let mut values = line.split_whitespace().map(|v| v.parse::<f32>().ok());
            Some(Point::new(values.next()??, values.next()??))
        })
        .collect::<Option<_>>()?;
    (points.len() == count).then_some(points)
}

/// Share of the height from the top of the hair to the chin, and the margin above the hair,
/// for the passport crop: this leaves the skull's crown at about 75 % of the height.
const HAIR_TO_CHIN_OF_HEIGHT: f32 = 0.80;
const HAIR_TOP_MARGIN_OF_HEIGHT: f32 = 0.06;

/// A 35:45 crop of an FRLL photo from its `.tem` landmarks (0/1 pupils, 129 chin, 151 top of the
/// hair): pupils' midpoint on the vertical centre line, top of the hair to chin 80 % of the
/// height, 6 % margin above the hair. None when the crop would leave the photo.
pub fn passport_crop(image: &RgbImage, points: &[Point]) -> Option<RgbImage> {
    let (pupil_a, pupil_b, chin, hair_top) = (*points.first()?, *points.get(1)?, *points.get(129)?, *points.get(151)?);
    let height = (chin.y - hair_top.y) / HAIR_TO_CHIN_OF_HEIGHT;
    let width = height * 35.0 / 45.0;
    let left = (pupil_a.x + pupil_b.x) / 2.0 - width / 2.0;
    let top = hair_top.y - HAIR_TOP_MARGIN_OF_HEIGHT * height;
    let (left, top, width, height) = (left.round(), top.round(), width.round(), height.round());
    if left < 0.0 || top < 0.0 || left + width > image.width() as f32 || top + height > image.height() as f32 {
        return None;
    }
    Some(image::imageops::crop_imm(image, left as u32, top as u32, width as u32, height as u32).to_image())
}

fn map_pixels(image: &RgbImage, f: impl Fn(u32, u32, [f32; 3]) -> [f32; 3]) -> RgbImage {
    RgbImage::from_fn(image.width(), image.height(), |x, y| {
        let p = image.get_pixel(x, y).0.map(f32::from);
        Rgb(f(x, y, p).map(|v| v.round().clamp(0.0, 255.0) as u8))
    })
}

/// Every level raised to `gamma` (above 1 darker, below 1 brighter), as an exposure error.
pub fn gamma(image: &RgbImage, gamma: f32) -> RgbImage {
    map_pixels(image, |_, _, p| p.map(|v| 255.0 * (v / 255.0).powf(gamma)))
}

/// Scales the channels, as a colour cast or a wrong white balance.
pub fn colour_cast(image: &RgbImage, gains: [f32; 3]) -> RgbImage {
    map_pixels(image, |_, _, p| [p[0] * gains[0], p[1] * gains[1], p[2] * gains[2]])
}

pub fn greyscale(image: &RgbImage) -> RgbImage {
    map_pixels(image, |_, _, p| [crate::colour::luma(p); 3])
}

/// An sRGB level with its light scaled by `gain` (through a 2.2 gamma), as more or less light
/// falling on the scene would.
fn relight(level: f32, gain: f32) -> f32 {
    255.0 * ((level / 255.0).powf(2.2) * gain).powf(1.0 / 2.2)
}

/// Light from the subject's left: linear light falls to `1 - strength` across the face from
/// the picture's right side to its left, as a one-sided lamp does.
pub fn side_shading(image: &RgbImage, face: &FaceAnalysis, strength: f32) -> RgbImage {
    let xs = [face.head.face_right_side.x, face.head.face_left_side.x];
    let (from, to) = (xs[0].min(xs[1]), xs[0].max(xs[1]));
    map_pixels(image, |x, _, p| {
        let t = ((to - x as f32) / (to - from)).clamp(0.0, 1.0);
        let gain = 1.0 - strength * t * t * (3.0 - 2.0 * t);
        p.map(|v| relight(v, gain))
    })
}

/// A shadow of the subject cast on the background: the person mask shifted `offset` (in
/// inter-eye distances) to the picture's right, darkening the background by `strength` in
/// linear light, with a soft edge.
pub fn background_shadow(
    image: &RgbImage,
    face: &FaceAnalysis,
    mask: &PersonMask,
    offset: f32,
    strength: f32,
) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let shift = offset * ied;
    let soft = 0.3 * ied;
    map_pixels(image, |x, y, p| {
        let here = Point::new(x as f32, y as f32);
        let background = 1.0 - mask.at(here);
        // Average the shifted mask over a few taps for a penumbra.
        let taps = [-1.0f32, -0.5, 0.0, 0.5, 1.0];
        let shadow: f32 =
            taps.iter().map(|d| mask.at(Point::new(here.x - shift + d * soft, here.y + d * soft * 0.5))).sum::<f32>()
                / taps.len() as f32;
        let gain = 1.0 - strength * shadow * background;
        p.map(|v| relight(v, gain))
    })
}

/// Replaces the background (person-mask weighted) by `paint`.
pub fn replace_background(image: &RgbImage, mask: &PersonMask, paint: impl Fn(u32, u32) -> [f32; 3]) -> RgbImage {
    map_pixels(image, |x, y, p| {
        let person = mask.at(Point::new(x as f32 + 0.5, y as f32 + 0.5));
        let new = paint(x, y);
        [0, 1, 2].map(|c| person * p[c] + (1.0 - person) * new[c])
    })
}

/// Pastes `other` (a second person's photo) scaled to `height` px, with its own person mask,
/// with its top-left corner at `at`.
pub fn paste_person(
    image: &RgbImage,
    other: &RgbImage,
    other_mask: &PersonMask,
    at: (u32, u32),
    height: u32,
) -> RgbImage {
    let scale = other.height() as f32 / height as f32;
    let width = (other.width() as f32 / scale) as u32;
    map_pixels(image, |x, y, p| {
        if x < at.0 || y < at.1 || x >= at.0 + width || y >= at.1 + height {
            return p;
        }
        let (u, v) = ((x - at.0) as f32 * scale, (y - at.1) as f32 * scale);
        let weight = other_mask.at(Point::new(u, v));
        let q = other.get_pixel((u as u32).min(other.width() - 1), (v as u32).min(other.height() - 1)).0;
        [0, 1, 2].map(|c| weight * f32::from(q[c]) + (1.0 - weight) * p[c])
    })
}

/// Gaussian blur of standard deviation `sigma` px, as a missed focus.
pub fn gaussian_blur(image: &RgbImage, sigma: f32) -> RgbImage {
    imageproc::filter::gaussian_blur_f32(image, sigma)
}

/// Horizontal motion blur over `length` px, as a subject or camera moving during exposure.
pub fn motion_blur(image: &RgbImage, length: u32) -> RgbImage {
    let half = length as i64 / 2;
    let width = image.width() as i64;
    map_pixels(image, |x, y, _| {
        let mut sum = [0f32; 3];
        for d in -half..=half {
            let q = image.get_pixel((x as i64 + d).clamp(0, width - 1) as u32, y).0;
            for c in 0..3 {
                sum[c] += f32::from(q[c]);
            }
        }
        sum.map(|s| s / (2 * half + 1) as f32)
    })
}

/// The photo as a JPEG of the given quality (1..100).
pub fn jpeg_bytes(image: &RgbImage, quality: u8) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
        .encode_image(image)
        .expect("encoding to memory cannot fail");
    bytes
}

/// A disc of `colour` with a soft edge, blended over the photo by `opacity`.
pub fn disc(image: &RgbImage, centre: Point, radius: f32, colour: [f32; 3], opacity: f32) -> RgbImage {
    map_pixels(image, |x, y, p| {
        let d = Point::new(x as f32 + 0.5, y as f32 + 0.5).distance(centre);
        let weight = opacity * (1.0 - ((d - radius) / (0.15 * radius).max(1.0)).clamp(0.0, 1.0));
        [0, 1, 2].map(|c| weight * colour[c] + (1.0 - weight) * p[c])
    })
}

/// Red pupils, as a flash close to the lens makes them.
pub fn red_pupils(image: &RgbImage, face: &FaceAnalysis) -> RgbImage {
    let mut out = image.clone();
    for eye in [&face.right_eye, &face.left_eye] {
        out = disc(&out, eye.iris_centre, 0.55 * eye.iris_radius, [200.0, 30.0, 25.0], 1.0);
    }
    out
}

/// A specular highlight on the picture-left cheek: a near-white disc of `radius_ied`
/// inter-eye distances.
pub fn cheek_highlight(image: &RgbImage, face: &FaceAnalysis, radius_ied: f32) -> RgbImage {
    let head = &face.head;
    let ied = head.inter_eye_distance_px();
    let centre = Point::new(head.right_eye_centre.x, head.right_eye_centre.y + 0.55 * ied);
    disc(image, centre, radius_ied * ied, [252.0, 252.0, 250.0], 0.95)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tem_points_are_read_and_line_definitions_ignored() {
        let points = parse_tem("3\n565.0\t632.0\n778.0\t624.0\n1 2\n7\n126 127\n").unwrap();
        assert_eq!(points, vec![Point::new(565.0, 632.0), Point::new(778.0, 624.0), Point::new(1.0, 2.0)]);
        assert!(parse_tem("2\n1 2\n").is_none());
    }

    #[test]
    fn gamma_keeps_black_and_white_and_darkens_the_middle() {
        let image = RgbImage::from_fn(3, 1, |x, _| Rgb([(x * 127) as u8 + (x / 2) as u8; 3]));
        let darker = gamma(&image, 2.0);
        assert_eq!(darker.get_pixel(0, 0).0, [0; 3]);
        assert_eq!(darker.get_pixel(2, 0).0, [255; 3]);
        assert!(darker.get_pixel(1, 0).0[0] < 70);
    }
}
