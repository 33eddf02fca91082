//! Controlled edits of compliant photos, so that a test's label comes from the edit itself:
//! darker or brighter, light from one side, a shadow behind the head, blur, JPEG, colour casts,
//! grey, another background, another person behind the subject, a hand reaching in, red pupils,
//! a shiny patch on the skin, tinted lenses, a frame across the eyes, glare on a lens, hair over an
//! eye, a hat, a face mask, an open mouth, raised or lowered brows. Also the 35:45 passport crop
//! of a photo with `.tem` landmarks (the FRLL set) used for calibration. Used by the tests and the
//! calibration report; not part of checking.

use image::{Rgb, RgbImage};

use crate::imaging::Point;
use crate::measure::face_image::polygon_mask;
use crate::models::PersonMask;
use crate::models::face_mesh::index;
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
    map_pixels(image, |_, _, p| [crate::imaging::colour::luma(p); 3])
}

/// 0 below 0, 1 above 1, and an S-curve between: an edit's soft edge.
fn smoothstep(t: f32) -> f32 {
    let t = t.clamp(0.0, 1.0);
    t * t * (3.0 - 2.0 * t)
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
        let gain = 1.0 - strength * smoothstep((to - x as f32) / (to - from));
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

/// A photographed person: the photo, its person mask and the measured face.
pub struct Someone<'a> {
    pub photo: &'a RgbImage,
    pub mask: &'a PersonMask,
    pub face: &'a FaceAnalysis,
}

/// Another person standing behind the subject, beside them: `other`'s person (weighted by their
/// mask) at the subject's scale times `size` (their eyes as far apart as the subject's, times
/// `size`), their eye midpoint at `eyes_at`, covered wherever the subject's own mask is. Below
/// the bottom of `other`'s photo their clothing runs on as its last row, as a body would.
pub fn person_behind(subject: &Someone, other: &Someone, eyes_at: Point, size: f32) -> RgbImage {
    let scale = other.face.head.inter_eye_distance_px() / (size * subject.face.head.inter_eye_distance_px());
    let other_eyes = other.face.head.eye_midpoint();
    let bottom = other.photo.height() as f32 - 1.0;
    let sampler = crate::imaging::Bilinear::new(other.photo);
    map_pixels(subject.photo, |x, y, p| {
        let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        let u = other_eyes.x + (here.x - eyes_at.x) * scale;
        let v = (other_eyes.y + (here.y - eyes_at.y) * scale).min(bottom);
        if !(0.0..other.photo.width() as f32).contains(&u) || v < 0.0 {
            return p;
        }
        let weight = other.mask.at(Point::new(u, v)) * (1.0 - subject.mask.at(here));
        let q = sampler.at(u - 0.5, v - 0.5);
        [0, 1, 2].map(|c| weight * q[c] + (1.0 - weight) * p[c])
    })
}

/// A hand photographed on a plain pale surface, cut out: its opacity per pixel from how much
/// redder than blue it is against the surface (skin is; a grey or white table and its shadows are
/// not), over the median of the photo's border as the surface.
pub fn hand_opacity(hand: &RgbImage) -> Vec<f32> {
    let warmth = |p: &Rgb<u8>| f32::from(p.0[0]) - f32::from(p.0[2]);
    let (w, h) = (hand.width(), hand.height());
    let mut border: Vec<f32> = (0..w)
        .flat_map(|x| [(x, 0), (x, h - 1)])
        .chain((0..h).map(|y| (w - 1, y)))
        .map(|(x, y)| warmth(hand.get_pixel(x, y)))
        .collect();
    border.sort_by(f32::total_cmp);
    let surface = border[border.len() / 2];
    hand.pixels().map(|p| ((warmth(p) - surface - HAND_WARMTH_FROM) / HAND_WARMTH_RAMP).clamp(0.0, 1.0)).collect()
}

/// Red minus blue above the surface's where a hand starts to show, and over how many levels it
/// becomes opaque.
const HAND_WARMTH_FROM: f32 = 14.0;
const HAND_WARMTH_RAMP: f32 = 14.0;

/// A hand reaching into the photo in front of whatever is there: `hand` (its wrist at its left
/// edge, fingers to the right, as `hand_opacity` cuts it) turned so its wrist-to-fingers axis
/// points `angle_deg` clockwise from the picture's right, its wrist's middle at `wrist`, its
/// photo's width spanning `length_px`.
pub fn hand_in_front(
    image: &RgbImage,
    hand: &RgbImage,
    opacity: &[f32],
    wrist: Point,
    angle_deg: f32,
    length_px: f32,
) -> RgbImage {
    let scale = hand.width() as f32 / length_px;
    let (sin, cos) = angle_deg.to_radians().sin_cos();
    let (w, h) = (hand.width() as f32, hand.height() as f32);
    let sampler = crate::imaging::Bilinear::new(hand);
    map_pixels(image, |x, y, p| {
        let (dx, dy) = (x as f32 + 0.5 - wrist.x, y as f32 + 0.5 - wrist.y);
        // Into the hand photo's frame: along the axis, then across it.
        let (u, v) = ((dx * cos + dy * sin) * scale, (-dx * sin + dy * cos) * scale + h / 2.0);
        if !(0.0..w).contains(&u) || !(0.0..h).contains(&v) {
            return p;
        }
        let alpha = opacity[v as usize * hand.width() as usize + u as usize];
        let q = sampler.at(u - 0.5, v - 0.5);
        [0, 1, 2].map(|c| alpha * q[c] + (1.0 - alpha) * p[c])
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
    jpeg_bytes_with_profile(image, quality, None)
}

/// As `jpeg_bytes`, carrying `icc` as the file's colour profile: the same values, tagged as being
/// in that colour space (as a phone's Display P3 or a camera's Adobe RGB file is).
pub fn jpeg_bytes_with_profile(image: &RgbImage, quality: u8, icc: Option<&[u8]>) -> Vec<u8> {
    use image::ImageEncoder;
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality);
    if let Some(icc) = icc {
        encoder.set_icc_profile(icc.to_vec()).expect("a profile of a size a JPEG carries");
    }
    encoder
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .expect("encoding to memory cannot fail");
    bytes
}

/// A disc of `colour` with a soft edge, blended over the photo by `opacity`.
pub fn disc(image: &RgbImage, centre: Point, radius: f32, colour: [f32; 3], opacity: f32) -> RgbImage {
    paint(image, colour, |p| {
        opacity * (1.0 - ((p.distance(centre) - radius) / (0.15 * radius).max(1.0)).clamp(0.0, 1.0))
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

/// Blends `colour` over the photo with the weight `coverage(x, y)` (0..1) gives each pixel.
fn paint(image: &RgbImage, colour: [f32; 3], coverage: impl Fn(Point) -> f32) -> RgbImage {
    map_pixels(image, |x, y, p| {
        let weight = coverage(Point::new(x as f32 + 0.5, y as f32 + 0.5)).clamp(0.0, 1.0);
        [0, 1, 2].map(|c| weight * colour[c] + (1.0 - weight) * p[c])
    })
}

/// How far `p` lies inside an upright ellipse, scaled so that its outline is at 1.
fn ellipse_radius(p: Point, centre: Point, half_width: f32, half_height: f32) -> f32 {
    ((p.x - centre.x) / half_width).hypot((p.y - centre.y) / half_height)
}

/// Lens outlines of ordinary glasses, in inter-eye distances: half-width and half-height.
const LENS: (f32, f32) = (0.40, 0.27);

/// Tinted lenses: linear light behind two lens ellipses around the eyes scaled by
/// `transmission`, with a thin dark rim.
pub fn tinted_lenses(image: &RgbImage, face: &FaceAnalysis, transmission: f32) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let eyes = [face.right_eye.iris_centre, face.left_eye.iris_centre];
    let rim = 0.03 * ied / (LENS.1 * ied);
    map_pixels(image, |x, y, p| {
        let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        let r = eyes.iter().map(|&e| ellipse_radius(here, e, LENS.0 * ied, LENS.1 * ied)).fold(f32::MAX, f32::min);
        if r <= 1.0 - rim {
            p.map(|v| relight(v, transmission))
        } else if r <= 1.0 {
            [30.0, 28.0, 26.0]
        } else {
            p
        }
    })
}

/// A glasses frame worn too high: the rims of two lens ellipses raised by their half-height, so
/// that the lower rim runs across the pupils, joined by a bridge at the lenses' mid-height.
/// `thickness_ied` is the rim's width.
pub fn frame_across_eyes(image: &RgbImage, face: &FaceAnalysis, thickness_ied: f32) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let centres = [face.right_eye.iris_centre, face.left_eye.iris_centre].map(|e| Point::new(e.x, e.y - LENS.1 * ied));
    let half_thickness = 0.5 * thickness_ied / LENS.1;
    let bridge = centres[0].midpoint(centres[1]);
    let bridge_half_width = 0.5 * centres[0].distance(centres[1]) - 0.8 * LENS.0 * ied;
    paint(image, [28.0, 26.0, 25.0], |p| {
        let r = centres.iter().map(|&c| ellipse_radius(p, c, LENS.0 * ied, LENS.1 * ied)).fold(f32::MAX, f32::min);
        let on_bridge =
            (p.x - bridge.x).abs() <= bridge_half_width && (p.y - bridge.y).abs() <= 0.5 * thickness_ied * ied;
        if (r - 1.0).abs() <= half_thickness || on_bridge { 1.0 } else { 0.0 }
    })
}

/// A reflection on the picture-left lens: a near-white disc of `radius_ied` inter-eye distances,
/// `offset_ied` (x, y) from the iris centre.
pub fn lens_glare(image: &RgbImage, face: &FaceAnalysis, offset_ied: (f32, f32), radius_ied: f32) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let eye = face.right_eye.iris_centre;
    let centre = Point::new(eye.x + offset_ied.0 * ied, eye.y + offset_ied.1 * ied);
    disc(image, centre, radius_ied * ied, [250.0, 251.0, 253.0], 0.97)
}

/// Strands of dark hair hanging over the picture-left eye: `count` wavy lines 0.03 inter-eye
/// distances wide from the brow to below the eye, spread over half an inter-eye distance.
pub fn hair_over_eye(image: &RgbImage, face: &FaceAnalysis, count: usize) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let eye = face.right_eye.iris_centre;
    let half_width = 0.015 * ied;
    let (top, bottom) = (eye.y - 0.5 * ied, eye.y + 0.35 * ied);
    paint(image, [45.0, 32.0, 24.0], |p| {
        if p.y < top || p.y > bottom {
            return 0.0;
        }
        let t = (p.y - top) / ied;
        (0..count)
            .map(|k| {
                let offset = (k as f32 / count.saturating_sub(1).max(1) as f32 - 0.5) * 0.5 * ied;
                let x = eye.x + offset + 0.06 * ied * (6.0 * t + k as f32).sin() + 0.15 * ied * t;
                if (p.x - x).abs() <= half_width { 0.95 } else { 0.0 }
            })
            .fold(0.0, f32::max)
    })
}

/// A hat: a dome over the head from just above the top of the face oval (mesh point 10), with a
/// brim 1.3 face widths wide, in `colour` with light falling from above.
pub fn hat(image: &RgbImage, face: &FaceAnalysis, colour: [f32; 3]) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let forehead_top = face.mesh.point(index::FOREHEAD_TOP);
    let face_width = face.head.face_right_side.distance(face.head.face_left_side);
    let brim_bottom = forehead_top.y - 0.08 * ied;
    let brim_top = brim_bottom - 0.12 * ied;
    let dome = Point::new(forehead_top.x, brim_top);
    map_pixels(image, |x, y, p| {
        let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        let in_brim = here.y >= brim_top && here.y <= brim_bottom && (here.x - dome.x).abs() <= 0.65 * face_width;
        let in_dome = here.y < brim_top && ellipse_radius(here, dome, 0.5 * face_width, 1.0 * ied) <= 1.0;
        if in_brim || in_dome {
            let light = 1.0 - 0.25 * ((here.y - (dome.y - ied)) / (1.2 * ied)).clamp(0.0, 1.0);
            colour.map(|c| c * light)
        } else {
            p
        }
    })
}

/// A face mask over nose, mouth and chin: the face oval below the middle of the nose, in
/// `colour`.
pub fn face_mask(image: &RgbImage, face: &FaceAnalysis, colour: [f32; 3]) -> RgbImage {
    let top = face.mesh.point(195).y;
    let outline: Vec<Point> = index::FACE_OVAL.iter().map(|&i| face.mesh.point(i)).filter(|p| p.y > top).collect();
    let canvas = polygon_mask(image.width(), image.height(), &[outline]);
    paint(image, colour, |p| f32::from(canvas.get_pixel(p.x as u32, p.y as u32).0[0]) / 255.0)
}

/// An open mouth: the jaw below the lips' meeting line moved down so that the lips part by
/// `gap_of_eye_to_chin` of the opened face's eye-midpoint-to-chin distance (the measure
/// `mouth.closed` judges); the opening is a lens as wide as the mouth, the upper teeth's edge at
/// its top and dark behind. The shift fades out across the cheeks and below the chin, so the neck
/// and the face's sides stay where they were.
pub fn open_mouth(image: &RgbImage, face: &FaceAnalysis, gap_of_eye_to_chin: f32) -> RgbImage {
    let (upper_lip, lower_lip) = (face.mesh.point(13), face.mesh.point(14));
    let lips_meet = 0.5 * (upper_lip.y + lower_lip.y);
    let (right_corner, left_corner) =
        (face.mesh.point(index::MOUTH_RIGHT_CORNER), face.mesh.point(index::MOUTH_LEFT_CORNER));
    let centre_x = 0.5 * (right_corner.x + left_corner.x);
    let mouth_half_width = 0.5 * right_corner.distance(left_corner);
    let chin = face.head.chin;
    let eye_to_chin = face.head.eye_midpoint().distance(chin);
    let gap = gap_of_eye_to_chin * eye_to_chin / (1.0 - gap_of_eye_to_chin).max(0.1);
    let jaw_half_width = 0.5 * face.head.face_right_side.distance(face.head.face_left_side);
    // The jaw moves whole between the mouth corners and fades to nothing at the face's sides.
    let across = |x: f32| {
        let off = (x - centre_x).abs();
        1.0 - smoothstep((off - 0.9 * mouth_half_width) / (jaw_half_width - 0.9 * mouth_half_width).max(1.0))
    };
    // Below the chin the shift fades over one gap, so the neck is stretched, not cut.
    let below = |y: f32| 1.0 - smoothstep((y - chin.y) / (1.5 * gap).max(1.0));
    let sampler = crate::imaging::Bilinear::new(image);
    map_pixels(image, |x, y, p| {
        let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        if here.y <= lips_meet {
            return p;
        }
        let shift = gap * across(here.x) * below(here.y);
        let source_y = here.y - shift;
        if source_y >= lips_meet {
            return sampler.at(here.x - 0.5, source_y - 0.5);
        }
        // In the opening: a rounded lens as wide as the mouth; beside it, the lips' seam drawn out.
        let depth = (here.y - lips_meet) / shift.max(1e-3);
        let lens_half_width = mouth_half_width * (1.0 - (2.0 * depth - 1.0).powi(4)).max(0.0).powf(0.25);
        let inside = (here.x - centre_x).abs() < lens_half_width;
        let teeth = (here.y - lips_meet) < 0.3 * gap && (here.x - centre_x).abs() < 0.55 * mouth_half_width;
        match (inside, teeth) {
            (true, true) => [222.0, 214.0, 200.0],
            (true, false) => [58.0, 28.0, 30.0],
            _ => sampler.at(here.x - 0.5, lips_meet - 0.5),
        }
    })
}

/// Brows moved up (a positive `raise_ied`, as in surprise) or down (negative, as in a frown) by
/// that many inter-eye distances: a vertical warp in the eyes' frame that moves the brows whole,
/// stretches or squeezes the skin between them and the upper lids (the eyes stay as they are) and
/// the forehead over one brow-to-eye distance above them, fading beyond the brows' outer ends.
/// None where the brows sit too close to the lids to be lowered that far.
pub fn moved_brows(image: &RgbImage, face: &FaceAnalysis, raise_ied: f32) -> Option<RgbImage> {
    let point = |i: usize| face.mesh.point(i);
    let [right_eye, left_eye] = crate::models::face_mesh::eye_corner_centres(point);
    let ied = right_eye.distance(left_eye);
    let eyes = right_eye.midpoint(left_eye);
    // The eyes' frame: `along` from the picture-left eye to the other, `up` at right angles.
    let along = Point::new((left_eye.x - right_eye.x) / ied, (left_eye.y - right_eye.y) / ied);
    let up = Point::new(along.y, -along.x);
    let frame = |p: Point| {
        let d = Point::new(p.x - eyes.x, p.y - eyes.y);
        (d.x * along.x + d.y * along.y, d.x * up.x + d.y * up.y)
    };
    let brows: Vec<(f32, f32)> = index::RIGHT_BROW.iter().chain(index::LEFT_BROW).map(|&i| frame(point(i))).collect();
    let brow_bottom = brows.iter().map(|b| b.1).fold(f32::MAX, f32::min);
    let brow_top = brows.iter().map(|b| b.1).fold(f32::MIN, f32::max);
    let reach = brows.iter().map(|b| b.0.abs()).fold(0.0, f32::max);
    let lids_top = index::RIGHT_EYE.iter().chain(index::LEFT_EYE).map(|&i| frame(point(i)).1).fold(f32::MIN, f32::max);
    // Where the brows are moved to, the skin below them down to the lids and above them over one
    // brow-to-eye distance: in the edited photo's heights. A linear ramp of length L that moves
    // by `shift` keeps the photo's order while L + shift > 0; a fifth of the skin below the brows
    // is left so that it is squeezed, not crushed to a line.
    let shift = raise_ied * ied;
    let skin_below = brow_bottom - lids_top;
    if skin_below <= 0.0 || -shift > 0.8 * skin_below {
        return None;
    }
    let (band_bottom, band_top) = (brow_bottom + shift, brow_top + shift);
    let fade_above = brow_top.max(2.0 * shift.abs());
    let weight = |x: f32, h: f32| {
        let vertical = if h <= lids_top || h >= band_top + fade_above {
            0.0
        } else if h < band_bottom {
            (h - lids_top) / (band_bottom - lids_top)
        } else if h > band_top {
            1.0 - (h - band_top) / fade_above
        } else {
            1.0
        };
        vertical * (1.0 - smoothstep((x.abs() - reach) / (0.25 * ied)))
    };
    let sampler = crate::imaging::Bilinear::new(image);
    Some(map_pixels(image, |x, y, p| {
        let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
        let (x_eyes, h) = frame(here);
        let w = weight(x_eyes, h);
        if w <= 0.0 {
            return p;
        }
        // What is shown here came from `w * shift` further down the face.
        let from = Point::new(here.x - w * shift * up.x, here.y - w * shift * up.y);
        sampler.at(from.x - 0.5, from.y - 0.5)
    }))
}

/// Mean colour of the pixels within `half_side` of `centre` (a square) for which `keep` holds;
/// None when there is none.
fn mean_colour(
    image: &RgbImage,
    centre: Point,
    half_side: f32,
    keep: impl Fn(Point, [f32; 3]) -> bool,
) -> Option<[f32; 3]> {
    let (x0, y0) = ((centre.x - half_side).max(0.0) as u32, (centre.y - half_side).max(0.0) as u32);
    let x1 = ((centre.x + half_side).max(0.0) as u32).min(image.width());
    let y1 = ((centre.y + half_side).max(0.0) as u32).min(image.height());
    let (mut sum, mut count) = ([0f32; 3], 0u32);
    for y in y0..y1 {
        for x in x0..x1 {
            let p = image.get_pixel(x, y).0.map(f32::from);
            if keep(Point::new(x as f32 + 0.5, y as f32 + 0.5), p) {
                (0..3).for_each(|c| sum[c] += p[c]);
                count += 1;
            }
        }
    }
    (count > 0).then(|| sum.map(|s| s / count as f32))
}

/// The eye opening outlined by the mesh's `contour`, grown by `grow` pixels, as a mask.
fn eye_opening(image: &RgbImage, face: &FaceAnalysis, contour: &[usize], grow: f32) -> image::GrayImage {
    let outline: Vec<Point> = contour.iter().map(|&i| face.mesh.point(i)).collect();
    polygon_mask(image.width(), image.height(), &[crate::measure::face_image::grow(&outline, grow)])
}

/// Closed eyes: each eye opening (grown by 0.05 inter-eye distances, over the lid line) covered with the skin
/// below it, mirrored about the opening's lower edge, and a lash line just below the lower lid.
pub fn closed_eyes(image: &RgbImage, face: &FaceAnalysis) -> RgbImage {
    close_eyes(image, face, &[index::RIGHT_EYE, index::LEFT_EYE])
}

/// One eye closed (a wink), the subject's right one (on the picture's left), as `closed_eyes`.
pub fn wink(image: &RgbImage, face: &FaceAnalysis) -> RgbImage {
    close_eyes(image, face, &[index::RIGHT_EYE])
}

fn close_eyes(image: &RgbImage, face: &FaceAnalysis, contours: &[&[usize]]) -> RgbImage {
    let ied = face.head.inter_eye_distance_px();
    let mut out = image.clone();
    for &contour in contours {
        let opening = eye_opening(image, face, contour, 0.05 * ied);
        let is_open = |x: u32, y: u32| opening.get_pixel(x, y).0[0] > 0;
        let lower_edges: Vec<Option<u32>> =
            (0..image.width()).map(|x| (0..image.height()).rev().find(|&y| is_open(x, y))).collect();
        out = map_pixels(&out, |x, y, p| match lower_edges[x as usize] {
            Some(edge) if is_open(x, y) => {
                let mirrored = (2 * edge + 1 - y).min(image.height() - 1);
                image.get_pixel(x, mirrored).0.map(f32::from)
            }
            _ => p,
        });
        // The contour runs from the outer corner along the upper lid to the inner corner (8) and
        // back along the lower lid; a shut lid's lashes hang just below the lower lid.
        let lash_line: Vec<Point> =
            (8..=16).map(|k| face.mesh.point(contour[k % 16])).map(|q| Point::new(q.x, q.y + 0.03 * ied)).collect();
        let lash_half_width = 0.01 * ied;
        out = paint(&out, [40.0, 30.0, 28.0], |p| {
            let near = lash_line.windows(2).any(|w| distance_to_segment(p, w[0], w[1]) <= lash_half_width);
            if near { 0.85 } else { 0.0 }
        });
    }
    out
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let length_sq = (dx * dx + dy * dy).max(1e-6);
    let t = (((p.x - a.x) * dx + (p.y - a.y) * dy) / length_sq).clamp(0.0, 1.0);
    p.distance(Point::new(a.x + t * dx, a.y + t * dy))
}

/// Eyes looking aside: each iris moved by `shift_eye_widths` of its eye's width towards the
/// picture's left (the subject's right), the place it left filled with the eye's white, and
/// the moved iris kept inside the eye opening.
pub fn gaze_aside(image: &RgbImage, face: &FaceAnalysis, shift_eye_widths: f32) -> RgbImage {
    let mut out = image.clone();
    for (contour, eye) in [(index::RIGHT_EYE, &face.right_eye), (index::LEFT_EYE, &face.left_eye)] {
        let opening = eye_opening(image, face, contour, 0.0);
        let is_open = |p: Point| opening.get_pixel(p.x as u32, p.y as u32).0[0] > 0;
        let width = face.mesh.point(contour[0]).distance(face.mesh.point(contour[8]));
        let shift = -shift_eye_widths * width;
        let iris = 1.1 * eye.iris_radius;
        let (centre, moved) = (eye.iris_centre, Point::new(eye.iris_centre.x + shift, eye.iris_centre.y));
        let sclera = mean_colour(image, centre, width, |p, c| {
            is_open(p) && p.distance(centre) > 1.3 * eye.iris_radius && c.iter().sum::<f32>() > 360.0
        })
        .unwrap_or([215.0, 210.0, 205.0]);
        out = map_pixels(&out, |x, y, p| {
            let here = Point::new(x as f32 + 0.5, y as f32 + 0.5);
            if !is_open(here) {
                return p;
            }
            if here.distance(moved) <= iris {
                let (sx, sy) = ((here.x - shift).floor(), here.y.floor());
                if sx >= 0.0 && (sx as u32) < image.width() {
                    return image.get_pixel(sx as u32, sy as u32).0.map(f32::from);
                }
            }
            if here.distance(centre) <= iris { sclera } else { p }
        });
    }
    out
}

/// `other` pasted as a rectangular portrait: its face (the mesh's box, grown to take in hair and
/// shoulders) scaled so that the face is `face_height` px high, its top-left corner at `at` (it
/// may run off the photo, as a face cut by the border).
pub fn paste_portrait(
    image: &RgbImage,
    other: &RgbImage,
    other_face: &FaceAnalysis,
    at: (i64, i64),
    face_height: u32,
) -> RgbImage {
    let points = &other_face.mesh.points;
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &[x, y, _] in points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (face_w, face_h) = (x1 - x0, y1 - y0);
    // The portrait: half a face width either side, half a face above, a third below.
    let (px0, py0) = (x0 - 0.5 * face_w, y0 - 0.5 * face_h);
    let (pw, ph) = (2.0 * face_w, 1.83 * face_h);
    let scale = face_height as f32 / face_h;
    let (out_w, out_h) = ((pw * scale) as i64, (ph * scale) as i64);
    let sampler = crate::imaging::Bilinear::new(other);
    map_pixels(image, |x, y, p| {
        let (dx, dy) = (i64::from(x) - at.0, i64::from(y) - at.1);
        if dx < 0 || dy < 0 || dx >= out_w || dy >= out_h {
            return p;
        }
        let (u, v) = (px0 + (dx as f32 + 0.5) / scale, py0 + (dy as f32 + 0.5) / scale);
        sampler.at(u - 0.5, v - 0.5)
    })
}

/// Exposure off by `ev` stops: linear light multiplied by 2^ev, clipped.
pub fn exposure_stops(image: &RgbImage, ev: f32) -> RgbImage {
    let gain = 2f32.powf(ev);
    map_pixels(image, |_, _, p| {
        p.map(|c| {
            let linear = crate::imaging::colour::linear(c) * gain;
            let encoded = if linear <= 0.003_130_8 { 12.92 * linear } else { 1.055 * linear.powf(1.0 / 2.4) - 0.055 };
            encoded.clamp(0.0, 1.0) * 255.0
        })
    })
}

/// Contrast reduced to `share` of itself about mid-grey.
pub fn flatten(image: &RgbImage, share: f32) -> RgbImage {
    map_pixels(image, |_, _, p| p.map(|c| 128.0 + (c - 128.0) * share))
}

/// Gaussian noise of standard deviation `sigma` levels, seeded.
pub fn noise(image: &RgbImage, sigma: f32, seed: u64) -> RgbImage {
    let mut state = seed | 1;
    let mut uniform = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 11) as f32 / (1u64 << 53) as f32
    };
    let mut out = image.clone();
    for p in out.pixels_mut() {
        p.0 = p.0.map(|c| {
            let (u1, u2) = (uniform().max(1e-9), uniform());
            let noisy = f32::from(c) + sigma * (-2.0 * u1.ln()).sqrt() * (std::f32::consts::TAU * u2).cos();
            noisy.round().clamp(0.0, 255.0) as u8
        });
    }
    out
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
    fn a_hand_is_cut_from_its_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/hands/hand_a.jpg");
        let hand = image::open(path).unwrap().to_rgb8();
        let opacity = hand_opacity(&hand);
        let at = |x: u32, y: u32| opacity[(y * hand.width() + x) as usize];
        // The palm, a fingertip; the table above the fingers and below the hand.
        assert!(at(250, 300) > 0.9 && at(500, 250) > 0.9, "{} {}", at(250, 300), at(500, 250));
        assert!(at(600, 40) < 0.1 && at(620, 460) < 0.1, "{} {}", at(600, 40), at(620, 460));
        let covered = opacity.iter().filter(|&&a| a > 0.5).count() as f32 / opacity.len() as f32;
        assert!((0.35..0.65).contains(&covered), "{covered}");
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
