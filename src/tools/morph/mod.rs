//! Face morphs made the way a forger makes them, to train and evaluate the morphing detectors:
//! both faces warped to a blended shape over a Delaunay triangulation of the mesh landmarks and
//! the frame's border, their textures blended (a complete morph), or the blended inner face
//! pasted into one contributor's photo with a feathered mask and matched colour (a spliced
//! morph). `post` holds what a forger does to a morph afterwards.

pub mod post;

use image::{Rgb, RgbImage};

use crate::imaging::{Bilinear, Point, Similarity};
use crate::measure::face_image::polygon_mask;
use crate::models::face_mesh::{LANDMARK_COUNT, index};

/// One person's photo and its face mesh landmarks (photo pixels).
#[derive(Debug, Clone, Copy)]
pub struct Contributor<'a> {
    pub image: &'a RgbImage,
    pub landmarks: &'a [Point],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MorphKind {
    /// The whole frame blended: hair and background show both contributors (ghosting).
    Complete,
    /// Only the inner face blended, pasted into the first contributor's photo warped to the
    /// blended shape: no ghosting outside the face.
    Spliced,
}

#[derive(Debug, Clone)]
pub struct Morph {
    /// In the first contributor's frame (its size, its face position).
    pub image: RgbImage,
    /// The blended shape the faces were warped to, in the morph's pixels.
    pub landmarks: Vec<Point>,
    /// Each contributor's landmarks in the morph's frame (the second moved by the similarity
    /// that fits it best onto the first).
    pub contributors: [Vec<Point>; 2],
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum MorphError {
    #[error("a contributor has {0} landmarks; the face mesh has {LANDMARK_COUNT}")]
    LandmarkCount(usize),
    #[error("the blend factor {0} is outside 0..1")]
    BlendOutOfRange(f32),
    #[error("an image is empty")]
    EmptyImage,
}

/// Morphs `first` and `second`: `blend` is the second contributor's share of shape and texture
/// (0.5 for an even morph; forgers also use 0.3 or 0.7 to favour the applicant who presents the
/// passport).
pub fn morph(first: Contributor, second: Contributor, blend: f32, kind: MorphKind) -> Result<Morph, MorphError> {
    for contributor in [first, second] {
        if contributor.landmarks.len() != LANDMARK_COUNT {
            return Err(MorphError::LandmarkCount(contributor.landmarks.len()));
        }
        if contributor.image.width() == 0 || contributor.image.height() == 0 {
            return Err(MorphError::EmptyImage);
        }
    }
    if !(0.0..=1.0).contains(&blend) {
        return Err(MorphError::BlendOutOfRange(blend));
    }
    // The second face, moved onto the first by the similarity that fits its landmarks best.
    let to_first = Similarity::fit(second.landmarks, first.landmarks);
    let second_in_first: Vec<Point> = second.landmarks.iter().map(|&p| to_first.apply(p)).collect();
    let from_first = to_first.inverse();

    let (width, height) = first.image.dimensions();
    let border = border_points(width, height);
    let first_points: Vec<Point> = first.landmarks.iter().copied().chain(border.iter().copied()).collect();
    let second_points: Vec<Point> = second_in_first.iter().copied().chain(border.iter().copied()).collect();
    let blended: Vec<Point> = first_points
        .iter()
        .zip(&second_points)
        .map(|(a, b)| Point::new(a.x + blend * (b.x - a.x), a.y + blend * (b.y - a.y)))
        .collect();
    let triangles = triangulate(&blended);

    let first_sampler = Bilinear::new(first.image);
    let second_sampler = Bilinear::new(second.image);
    let warp = |texture_blend: f32| {
        render(width, height, &triangles, &blended, |triangle, weights| {
            let at_first = interpolate(&first_points, triangle, weights);
            let from_first_photo = first_sampler.at(at_first.x - 0.5, at_first.y - 0.5);
            if texture_blend == 0.0 {
                return from_first_photo;
            }
            let at_second = from_first.apply(interpolate(&second_points, triangle, weights));
            let from_second_photo = second_sampler.at(at_second.x - 0.5, at_second.y - 0.5);
            [0, 1, 2].map(|c| from_first_photo[c] + texture_blend * (from_second_photo[c] - from_first_photo[c]))
        })
    };
    let complete = warp(blend);
    let image = match kind {
        MorphKind::Complete => complete,
        MorphKind::Spliced => splice(&complete, &warp(0.0), &blended[..LANDMARK_COUNT]),
    };
    Ok(Morph {
        image,
        landmarks: blended[..LANDMARK_COUNT].to_vec(),
        contributors: [first.landmarks.to_vec(), second_in_first],
    })
}

/// Fixed points on the frame (corners and edge midpoints), so the triangulation covers it all
/// and the edges stay where they are.
fn border_points(width: u32, height: u32) -> [Point; 8] {
    let (w, h) = (width as f32, height as f32);
    [
        Point::new(0.0, 0.0),
        Point::new(w / 2.0, 0.0),
        Point::new(w, 0.0),
        Point::new(w, h / 2.0),
        Point::new(w, h),
        Point::new(w / 2.0, h),
        Point::new(0.0, h),
        Point::new(0.0, h / 2.0),
    ]
}

fn triangulate(points: &[Point]) -> Vec<[usize; 3]> {
    let vertices: Vec<delaunator::Point> =
        points.iter().map(|p| delaunator::Point { x: f64::from(p.x), y: f64::from(p.y) }).collect();
    delaunator::triangulate(&vertices).triangles.chunks_exact(3).map(|t| [t[0], t[1], t[2]]).collect()
}

fn interpolate(points: &[Point], triangle: [usize; 3], weights: [f32; 3]) -> Point {
    let [a, b, c] = triangle.map(|i| points[i]);
    Point::new(
        weights[0] * a.x + weights[1] * b.x + weights[2] * c.x,
        weights[0] * a.y + weights[1] * b.y + weights[2] * c.y,
    )
}

/// Fills every pixel whose centre lies in one of the triangles (of `shape`) with `shade(triangle,
/// barycentric weights)`.
fn render(
    width: u32,
    height: u32,
    triangles: &[[usize; 3]],
    shape: &[Point],
    shade: impl Fn([usize; 3], [f32; 3]) -> [f32; 3],
) -> RgbImage {
    let mut out = RgbImage::new(width, height);
    for &triangle in triangles {
        let [a, b, c] = triangle.map(|i| shape[i]);
        let area = (b.x - a.x) * (c.y - a.y) - (c.x - a.x) * (b.y - a.y);
        if area.abs() < 1e-6 {
            continue;
        }
        let x0 = a.x.min(b.x).min(c.x).floor().max(0.0) as u32;
        let y0 = a.y.min(b.y).min(c.y).floor().max(0.0) as u32;
        let x1 = (a.x.max(b.x).max(c.x).ceil().max(0.0) as u32).min(width);
        let y1 = (a.y.max(b.y).max(c.y).ceil().max(0.0) as u32).min(height);
        for y in y0..y1 {
            for x in x0..x1 {
                let p = Point::new(x as f32 + 0.5, y as f32 + 0.5);
                let wb = ((p.x - a.x) * (c.y - a.y) - (c.x - a.x) * (p.y - a.y)) / area;
                let wc = ((b.x - a.x) * (p.y - a.y) - (p.x - a.x) * (b.y - a.y)) / area;
                let wa = 1.0 - wb - wc;
                // A small tolerance so that pixels on a shared edge are not left empty.
                if wa < -1e-4 || wb < -1e-4 || wc < -1e-4 {
                    continue;
                }
                let colour = shade(triangle, [wa, wb, wc]);
                out.put_pixel(x, y, Rgb(colour.map(|v| v.round().clamp(0.0, 255.0) as u8)));
            }
        }
    }
    out
}

/// The blended inner face of `morph` over `base` (the first contributor warped to the same
/// shape): inside the face oval, shrunk towards the face so the seam runs over skin, feathered,
/// with the face's colour moved to the base's mean and spread per channel, as forgers do to hide
/// the seam.
fn splice(morph: &RgbImage, base: &RgbImage, shape: &[Point]) -> RgbImage {
    let (width, height) = morph.dimensions();
    let ied = shape[index::RIGHT_EYE_OUTER]
        .midpoint(shape[index::RIGHT_EYE_INNER])
        .distance(shape[index::LEFT_EYE_OUTER].midpoint(shape[index::LEFT_EYE_INNER]));
    let oval: Vec<Point> = index::FACE_OVAL.iter().map(|&i| shape[i]).collect();
    let inner = crate::measure::face_image::grow(&oval, -0.08 * ied);
    let hard = polygon_mask(width, height, &[inner]);
    let feather_sigma = 0.06 * ied;
    let soft = imageproc::filter::gaussian_blur_f32(&hard, feather_sigma.max(0.5));

    let inside: Vec<usize> = hard.as_raw().iter().enumerate().filter(|&(_, &v)| v > 0).map(|(i, _)| i).collect();
    let statistics = |image: &RgbImage| {
        let raw = image.as_raw();
        let n = inside.len().max(1) as f64;
        let mean: [f64; 3] = [0, 1, 2].map(|c| inside.iter().map(|&i| f64::from(raw[3 * i + c])).sum::<f64>() / n);
        let spread: [f64; 3] = [0, 1, 2].map(|c| {
            (inside.iter().map(|&i| (f64::from(raw[3 * i + c]) - mean[c]).powi(2)).sum::<f64>() / n).sqrt().max(1.0)
        });
        (mean, spread)
    };
    let (morph_mean, morph_spread) = statistics(morph);
    let (base_mean, base_spread) = statistics(base);

    let mut out = base.clone();
    for ((pixel, face), weight) in out.pixels_mut().zip(morph.pixels()).zip(soft.as_raw()) {
        let weight = f32::from(*weight) / 255.0;
        if weight == 0.0 {
            continue;
        }
        let face = face.0;
        for c in 0..3 {
            let matched = (f64::from(face[c]) - morph_mean[c]) / morph_spread[c] * base_spread[c] + base_mean[c];
            let blended = f64::from(weight) * matched + f64::from(1.0 - weight) * f64::from(pixel.0[c]);
            pixel.0[c] = blended.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_inputs_are_refused() {
        let image = RgbImage::new(10, 10);
        let few = vec![Point::default(); 5];
        let contributor = Contributor { image: &image, landmarks: &few };
        assert_eq!(
            morph(contributor, contributor, 0.5, MorphKind::Complete).unwrap_err(),
            MorphError::LandmarkCount(5)
        );
        let enough = vec![Point::default(); LANDMARK_COUNT];
        let contributor = Contributor { image: &image, landmarks: &enough };
        assert_eq!(
            morph(contributor, contributor, 1.5, MorphKind::Complete).unwrap_err(),
            MorphError::BlendOutOfRange(1.5)
        );
    }
}
