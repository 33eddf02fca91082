//! Face morphs made the way a forger makes them, to train and evaluate the morphing detectors:
//! both faces warped to a blended shape over a Delaunay triangulation of facial landmarks and the
//! frame's border, their textures blended (a complete morph), or the blended inner face pasted
//! into one contributor's photo (a spliced morph). A `Recipe` says how: which landmarks the warp
//! follows (the mesh's 468, or the 68 of dlib-style tools), in which colour space the textures
//! are blended, and how a spliced face is seamed in (a feathered mask with matched colour, or a
//! Laplacian pyramid). `post` holds what a forger does to a morph afterwards.

pub mod post;

use image::{Rgb, RgbImage};

use crate::imaging::colour::{linear_to_srgb, srgb_to_linear};
use crate::imaging::{Bilinear, Point, Similarity};
use crate::measure::face_image::polygon_mask;
use crate::models::face_mesh::{LANDMARK_COUNT, eye_corner_centres, index};

/// One person's photo and its face mesh landmarks (photo pixels).
#[derive(Debug, Clone, Copy)]
pub struct Contributor<'a> {
    pub image: &'a RgbImage,
    pub landmarks: &'a [Point],
}

/// How a morph is made. Different morphing tools differ in exactly these choices, and a detector
/// that has only seen one tool's traces must be measured on the others'.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Recipe {
    pub kind: MorphKind,
    /// The second contributor's share of shape and texture (0.5 for an even morph; forgers also
    /// use 0.3 or 0.7 to favour the applicant who presents the passport).
    pub blend: f32,
    pub landmarks: WarpLandmarks,
    pub colour: BlendSpace,
    /// How a spliced face is seamed into the base photo (complete morphs have no seam).
    pub seam: Seam,
}

impl Recipe {
    /// This project's own tool: the dense mesh, sRGB values, a feathered colour-matched seam.
    pub const fn house(kind: MorphKind, blend: f32) -> Recipe {
        Recipe { kind, blend, landmarks: WarpLandmarks::Mesh, colour: BlendSpace::Srgb, seam: Seam::Feathered }
    }
}

/// The landmarks the warp's triangles hang on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WarpLandmarks {
    /// All 468 face mesh points: small triangles, the warp follows every contour.
    Mesh,
    /// The 68 points of dlib-style tools (jaw, brows, nose, eyes, lips), taken from the mesh:
    /// large triangles across the cheeks and forehead; a spliced face covers the hull of the jaw
    /// and brows.
    Dlib68,
}

/// Where the two textures are averaged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlendSpace {
    /// The stored sRGB values, as most tools do.
    Srgb,
    /// Linear light: the average of the two faces' light, a little brighter in the midtones.
    Linear,
}

/// How a spliced face meets the base photo.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Seam {
    /// A feathered mask, the face's colour moved to the base's mean and spread.
    Feathered,
    /// Laplacian pyramid (multiband) blending over a hard mask: each band of detail seamed at its
    /// own scale, so colour meets colour without a visible edge.
    Pyramid,
}

/// The 68 points of dlib's face model, as face mesh indices: jaw (17), brows (5 + 5), nose
/// bridge (4) and base (5), eyes (6 + 6), outer lips (12), inner lips (8).
const DLIB_68: [usize; 68] = [
    162, 234, 93, 58, 172, 136, 149, 148, 152, 377, 378, 365, 397, 288, 323, 454, 389, 71, 63, 105, 66, 107, 336, 296,
    334, 293, 301, 168, 197, 5, 4, 75, 97, 2, 326, 305, 33, 160, 158, 133, 153, 144, 362, 385, 387, 263, 373, 380, 61,
    39, 37, 0, 267, 269, 291, 405, 314, 17, 84, 181, 78, 82, 13, 312, 308, 317, 14, 87,
];

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

/// Morphs `first` and `second` by `recipe`.
pub fn morph(first: Contributor, second: Contributor, recipe: Recipe) -> Result<Morph, MorphError> {
    let Recipe { kind, blend, landmarks: warp_landmarks, colour, seam } = recipe;
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
    // The warp hangs on the recipe's landmarks and the border; the rest follow along.
    let warp_points: Vec<usize> = match warp_landmarks {
        WarpLandmarks::Mesh => (0..first_points.len()).collect(),
        WarpLandmarks::Dlib68 => DLIB_68.iter().copied().chain(LANDMARK_COUNT..first_points.len()).collect(),
    };
    let triangles: Vec<[usize; 3]> = {
        let subset: Vec<Point> = warp_points.iter().map(|&i| blended[i]).collect();
        triangulate(&subset).into_iter().map(|t| t.map(|k| warp_points[k])).collect()
    };

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
            match colour {
                BlendSpace::Srgb => [0, 1, 2]
                    .map(|c| from_first_photo[c] + texture_blend * (from_second_photo[c] - from_first_photo[c])),
                BlendSpace::Linear => [0, 1, 2].map(|c| {
                    let (a, b) = (srgb_to_linear(from_first_photo[c]), srgb_to_linear(from_second_photo[c]));
                    linear_to_srgb(a + texture_blend * (b - a))
                }),
            }
        })
    };
    let complete = warp(blend);
    let image = match kind {
        MorphKind::Complete => complete,
        MorphKind::Spliced => {
            let shape = &blended[..LANDMARK_COUNT];
            let base = warp(0.0);
            let region = match warp_landmarks {
                WarpLandmarks::Mesh => inner_face(shape),
                WarpLandmarks::Dlib68 => jaw_and_brows(shape),
            };
            match seam {
                Seam::Feathered => splice(&complete, &base, shape, &region),
                Seam::Pyramid => pyramid_splice(&complete, &base, &region),
            }
        }
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

fn inter_eye_distance(shape: &[Point]) -> f32 {
    let [right, left] = eye_corner_centres(|i| shape[i]);
    right.distance(left)
}

/// The face oval, shrunk towards the face so the seam runs over skin.
fn inner_face(shape: &[Point]) -> Vec<Point> {
    let oval: Vec<Point> = index::FACE_OVAL.iter().map(|&i| shape[i]).collect();
    crate::measure::face_image::grow(&oval, -0.08 * inter_eye_distance(shape))
}

/// What dlib-style tools paste: the jaw line and the brows, closed across the forehead.
fn jaw_and_brows(shape: &[Point]) -> Vec<Point> {
    DLIB_68[..17].iter().chain(DLIB_68[17..27].iter().rev()).map(|&i| shape[i]).collect()
}

/// The blended face of `morph` over `base` (the first contributor warped to the same shape)
/// within `region`, feathered, with the face's colour moved to the base's mean and spread per
/// channel, as forgers do to hide the seam.
fn splice(morph: &RgbImage, base: &RgbImage, shape: &[Point], region: &[Point]) -> RgbImage {
    let (width, height) = morph.dimensions();
    let ied = inter_eye_distance(shape);
    let hard = polygon_mask(width, height, &[region.to_vec()]);
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

/// `face` over `base` within `region` by Laplacian pyramid blending: the two images' bands of
/// detail are mixed level by level with the mask smoothed to each level's scale.
fn pyramid_splice(face: &RgbImage, base: &RgbImage, region: &[Point]) -> RgbImage {
    let (width, height) = face.dimensions();
    let mask = polygon_mask(width, height, &[region.to_vec()]);
    let mask = Plane { width, height, values: mask.as_raw().iter().map(|&v| f32::from(v) / 255.0).collect() };
    // Down to about 16 px, where the lowest band is the faces' overall colour.
    let levels = (width.min(height) as f32 / 16.0).log2().floor().clamp(1.0, 8.0) as usize;
    let mut mask_levels = vec![mask];
    for _ in 1..levels {
        let next = mask_levels.last().expect("one level").reduced();
        mask_levels.push(next);
    }
    let mut out = RgbImage::new(width, height);
    for c in 0..3 {
        let channel =
            |image: &RgbImage| Plane { width, height, values: image.pixels().map(|p| f32::from(p.0[c])).collect() };
        let (face_bands, base_bands) = (channel(face).laplacian(levels), channel(base).laplacian(levels));
        let bands = face_bands
            .iter()
            .zip(&base_bands)
            .zip(&mask_levels)
            .map(|((f, b), m)| Plane {
                width: f.width,
                height: f.height,
                values: f.values.iter().zip(&b.values).zip(&m.values).map(|((f, b), m)| b + m * (f - b)).collect(),
            })
            .collect();
        let blended = Plane::collapsed(bands);
        for (pixel, value) in out.pixels_mut().zip(&blended.values) {
            pixel.0[c] = value.round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

/// One channel as floats, for the pyramid.
#[derive(Debug, Clone)]
struct Plane {
    width: u32,
    height: u32,
    values: Vec<f32>,
}

impl Plane {
    fn at(&self, x: i64, y: i64) -> f32 {
        let x = x.clamp(0, i64::from(self.width) - 1) as usize;
        let y = y.clamp(0, i64::from(self.height) - 1) as usize;
        self.values[y * self.width as usize + x]
    }

    /// Smoothed by the binomial kernel 1 4 6 4 1 and halved (rounded up).
    fn reduced(&self) -> Plane {
        const KERNEL: [f32; 5] = [1.0 / 16.0, 4.0 / 16.0, 6.0 / 16.0, 4.0 / 16.0, 1.0 / 16.0];
        let (width, height) = (self.width.div_ceil(2), self.height.div_ceil(2));
        let mut values = Vec::with_capacity(width as usize * height as usize);
        for y in 0..i64::from(height) {
            for x in 0..i64::from(width) {
                let mut sum = 0.0;
                for (j, ky) in KERNEL.iter().enumerate() {
                    for (i, kx) in KERNEL.iter().enumerate() {
                        sum += ky * kx * self.at(2 * x + i as i64 - 2, 2 * y + j as i64 - 2);
                    }
                }
                values.push(sum);
            }
        }
        Plane { width, height, values }
    }

    /// Doubled back to `width` x `height` by bilinear interpolation.
    fn expanded(&self, width: u32, height: u32) -> Plane {
        let mut values = Vec::with_capacity(width as usize * height as usize);
        for y in 0..height {
            let sy = (y as f32 + 0.5) / 2.0 - 0.5;
            let (y0, fy) = (sy.floor() as i64, sy - sy.floor());
            for x in 0..width {
                let sx = (x as f32 + 0.5) / 2.0 - 0.5;
                let (x0, fx) = (sx.floor() as i64, sx - sx.floor());
                let top = self.at(x0, y0) * (1.0 - fx) + self.at(x0 + 1, y0) * fx;
                let bottom = self.at(x0, y0 + 1) * (1.0 - fx) + self.at(x0 + 1, y0 + 1) * fx;
                values.push(top * (1.0 - fy) + bottom * fy);
            }
        }
        Plane { width, height, values }
    }

    /// The Laplacian pyramid: `levels - 1` bands of detail, finest first, then the coarsest
    /// smoothed plane.
    fn laplacian(self, levels: usize) -> Vec<Plane> {
        let mut bands = Vec::with_capacity(levels);
        let mut current = self;
        for _ in 1..levels {
            let coarser = current.reduced();
            let up = coarser.expanded(current.width, current.height);
            current.values.iter_mut().zip(&up.values).for_each(|(v, u)| *v -= u);
            bands.push(current);
            current = coarser;
        }
        bands.push(current);
        bands
    }

    /// The plane a Laplacian pyramid was made from: the coarsest plane enlarged level by level,
    /// each band of detail added back.
    fn collapsed(mut bands: Vec<Plane>) -> Plane {
        let mut plane = bands.pop().expect("a pyramid has a coarsest plane");
        while let Some(band) = bands.pop() {
            let mut up = plane.expanded(band.width, band.height);
            up.values.iter_mut().zip(&band.values).for_each(|(u, b)| *u += b);
            plane = up;
        }
        plane
    }
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
            morph(contributor, contributor, Recipe::house(MorphKind::Complete, 0.5)).unwrap_err(),
            MorphError::LandmarkCount(5)
        );
        let enough = vec![Point::default(); LANDMARK_COUNT];
        let contributor = Contributor { image: &image, landmarks: &enough };
        assert_eq!(
            morph(contributor, contributor, Recipe::house(MorphKind::Complete, 1.5)).unwrap_err(),
            MorphError::BlendOutOfRange(1.5)
        );
    }

    #[test]
    fn a_pyramid_collapses_back_to_its_plane() {
        let values: Vec<f32> = (0..37 * 23).map(|i| ((i * 7919) % 251) as f32).collect();
        let plane = Plane { width: 37, height: 23, values: values.clone() };
        let collapsed = Plane::collapsed(plane.laplacian(4));
        let worst = collapsed.values.iter().zip(&values).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        assert!(worst < 1e-3, "{worst}");
    }

    #[test]
    fn the_dlib_points_are_distinct_mesh_points() {
        let mut sorted = DLIB_68.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 68);
        assert!(sorted.iter().all(|&i| i < LANDMARK_COUNT));
    }
}
