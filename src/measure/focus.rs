//! Focus (requirements section 7): how wide the face's edges are, in the photo's own pixels.
//!
//! A blurred edge is a step convolved with a blur of width sigma; its gradient magnitude, seen
//! through a Gaussian derivative of scale s, peaks at A / sqrt(2 pi (sigma^2 + s^2)). The ratio
//! of the peaks at two scales (1 and 2 px) therefore gives sigma, whatever the edge's contrast
//! (Hu and de Haan's two-scale estimate). Taken at the strongest edges inside the face and in the
//! photo's own pixels, it grows with any blur (focus, motion, a photo enlarged from a smaller
//! one), and a sharp photo of any size reads about 1.2-1.7 px: so one bound in pixels holds a
//! 1244x1600 photo to the detail its size promises and still passes a sharp 300-px one.
//! Motion blur widens edges across its direction only: the edges are grouped by orientation and
//! the blurriest group counts.

use image::RgbImage;

use super::{Finding, ofiq_sigmoid, quality};
use crate::imaging::Point;
use crate::imaging::colour;
use crate::measure::face_image::polygon_mask;

/// The gradient scales, photo pixels.
const FINE_SCALE: f32 = 1.0;
const COARSE_SCALE: f32 = 2.0;
/// The strongest edges counted: this share of each orientation's pixels in the face.
const STRONGEST_SHARE: f32 = 0.02;
/// Orientation groups (over 180 degrees), and the edges a group needs to count.
const ORIENTATIONS: usize = 4;
const MIN_EDGES_PER_GROUP: usize = 25;
/// The face region is read with this margin (photo pixels) for the filters' reach.
const MARGIN: i64 = 8;

/// The face's sharpness: one over the blur width of its strongest edges (photo pixels) in the
/// blurriest orientation; `outline` is the face oval in photo pixels. None for a face too small
/// or too flat to have edges.
pub fn sharpness(photo: &RgbImage, outline: &[Point]) -> Option<Finding> {
    let width = blur_width_px(photo, outline)?;
    let value = 1.0 / width;
    Some(Finding { value, quality: quality(ofiq_sigmoid(value, 0.33, 0.05)) })
}

/// The blur width in photo pixels (see the module's comment).
pub fn blur_width_px(photo: &RgbImage, outline: &[Point]) -> Option<f64> {
    let (photo_width, photo_height) = (i64::from(photo.width()), i64::from(photo.height()));
    let bound = |f: fn(f32, f32) -> f32, init: f32, axis: fn(&Point) -> f32| outline.iter().map(axis).fold(init, f);
    let x0 = (bound(f32::min, f32::MAX, |p| p.x).floor() as i64 - MARGIN).clamp(0, photo_width);
    let x1 = (bound(f32::max, f32::MIN, |p| p.x).ceil() as i64 + MARGIN).clamp(0, photo_width);
    let y0 = (bound(f32::min, f32::MAX, |p| p.y).floor() as i64 - MARGIN).clamp(0, photo_height);
    let y1 = (bound(f32::max, f32::MIN, |p| p.y).ceil() as i64 + MARGIN).clamp(0, photo_height);
    let (w, h) = ((x1 - x0) as usize, (y1 - y0) as usize);
    if w < 4 * MARGIN as usize || h < 4 * MARGIN as usize {
        return None;
    }
    let raw = photo.as_raw();
    let stride = photo.width() as usize;
    let mut luma: Vec<f32> = Vec::with_capacity(w * h);
    for y in 0..h {
        let start = ((y0 as usize + y) * stride + x0 as usize) * 3;
        let row = raw[start..start + 3 * w].chunks_exact(3);
        luma.extend(row.map(|p| colour::luma([f32::from(p[0]), f32::from(p[1]), f32::from(p[2])])));
    }
    let shifted: Vec<Point> = outline.iter().map(|p| Point::new(p.x - x0 as f32, p.y - y0 as f32)).collect();
    let inside = polygon_mask(w as u32, h as u32, &[shifted]);
    let fine = gaussian(&luma, w, h, FINE_SCALE);
    let coarse = gaussian(&luma, w, h, COARSE_SCALE);
    // Edges by orientation: a motion blur weakens the edges across its direction until none of
    // them would be among the face's strongest, so each orientation keeps its own strongest.
    // (fine gradient magnitude, pixel): the coarse gradient is needed only at the strongest.
    let mut edges: [Vec<(f32, usize)>; ORIENTATIONS] = Default::default();
    for i in (0..w * h).filter(|&i| inside.as_raw()[i] > 0) {
        let (gx, gy) = central_differences(&fine, w, h, i % w, i / w);
        edges[orientation_group(gx, gy)].push((gx.hypot(gy), i));
    }
    let (s1, s2) = (f64::from(FINE_SCALE).powi(2), f64::from(COARSE_SCALE).powi(2));
    let mut groups: [Vec<f64>; ORIENTATIONS] = Default::default();
    for (group, mut candidates) in groups.iter_mut().zip(edges) {
        let keep = ((STRONGEST_SHARE * candidates.len() as f32) as usize).max(MIN_EDGES_PER_GROUP);
        if candidates.len() < keep {
            continue;
        }
        candidates.select_nth_unstable_by(keep - 1, |a, b| b.0.total_cmp(&a.0));
        for &(g_fine, i) in &candidates[..keep] {
            if g_fine <= 0.0 {
                continue;
            }
            let (gx, gy) = central_differences(&coarse, w, h, i % w, i / w);
            let g_coarse = gx.hypot(gy);
            // Peak ratio t = sqrt((sigma^2 + s1^2) / (sigma^2 + s2^2)); solved for sigma.
            let t2 = f64::from((g_coarse / g_fine).clamp(0.5, 0.999)).powi(2);
            group.push(((t2 * s2 - s1) / (1.0 - t2)).max(0.0).sqrt());
        }
    }
    groups
        .into_iter()
        .filter(|g| g.len() >= MIN_EDGES_PER_GROUP)
        .filter_map(|mut g| super::median(&mut g))
        .fold(None, |worst: Option<f64>, m| Some(worst.map_or(m, |w| w.max(m))))
}

/// A Gaussian blur of standard deviation `sigma`, separable, edges repeated.
fn gaussian(values: &[f32], w: usize, h: usize, sigma: f32) -> Vec<f32> {
    let radius = (3.0 * sigma).ceil() as isize;
    let kernel: Vec<f32> = (-radius..=radius).map(|k| (-(k * k) as f32 / (2.0 * sigma * sigma)).exp()).collect();
    let total: f32 = kernel.iter().sum();
    let kernel: Vec<f32> = kernel.iter().map(|k| k / total).collect();
    let clamp = |k: isize, n: usize| k.clamp(0, n as isize - 1) as usize;
    // Each row padded with its edge values, then summed tap by tap: the same sums in the same
    // order as one pixel at a time, but each tap a pass the compiler vectorises.
    let reach = radius as usize;
    let mut across = vec![0f32; values.len()];
    let mut padded = vec![0f32; w + 2 * reach];
    for y in 0..h {
        let row = &values[y * w..][..w];
        for (i, p) in padded.iter_mut().enumerate() {
            *p = row[clamp(i as isize - radius, w)];
        }
        let out = &mut across[y * w..][..w];
        for (k, c) in kernel.iter().enumerate() {
            for (o, s) in out.iter_mut().zip(&padded[k..]) {
                *o += c * s;
            }
        }
    }
    let mut out = vec![0f32; values.len()];
    for y in 0..h {
        for (k, c) in kernel.iter().enumerate() {
            let source = &across[clamp(y as isize + k as isize - radius, h) * w..][..w];
            for (o, s) in out[y * w..][..w].iter_mut().zip(source) {
                *o += c * s;
            }
        }
    }
    out
}

/// The gradient (x and y) at (x, y) by central differences, edges repeated. Computed only where
/// the face is: the margin around it is there for the filters.
fn central_differences(values: &[f32], w: usize, h: usize, x: usize, y: usize) -> (f32, f32) {
    let at = |x: usize, y: usize| values[y * w + x];
    let gx = (at((x + 1).min(w - 1), y) - at(x.saturating_sub(1), y)) / 2.0;
    let gy = (at(x, (y + 1).min(h - 1)) - at(x, y.saturating_sub(1))) / 2.0;
    (gx, gy)
}

/// The orientation group of a gradient direction (radians): its quarter of [0, pi).
fn direction_group(direction: f32) -> usize {
    ((direction.rem_euclid(std::f32::consts::PI) / std::f32::consts::PI * ORIENTATIONS as f32) as usize)
        .min(ORIENTATIONS - 1)
}

/// `direction_group(gy.atan2(gx))` without the arctangent, which is most of the cost of reading
/// a face's edges: the quarters' borders are where a component is zero or both are equal in
/// size, so comparing the components decides. Within a hair of a border the arctangent decides,
/// so that its rounding puts a gradient on the same side as `direction_group` does.
fn orientation_group(gx: f32, gy: f32) -> usize {
    const _: () = assert!(ORIENTATIONS == 4, "the comparisons below split [0, pi) in quarters");
    const HAIR: f32 = 1e-3;
    let (ax, ay) = (gx.abs(), gy.abs());
    if ax <= HAIR * ay || ay <= HAIR * ax || (ax - ay).abs() <= HAIR * (ax + ay) {
        return direction_group(gy.atan2(gx));
    }
    // The same direction modulo pi, turned into the upper half plane.
    let (gx, gy) = if gy < 0.0 { (-gx, -gy) } else { (gx, gy) };
    match (gx > 0.0, gy < gx.abs()) {
        (true, true) => 0,
        (true, false) => 1,
        (false, false) => 2,
        (false, true) => 3,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn orientation_groups_are_those_of_the_arctangent() {
        let mut state = 7u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 300.0
        };
        let mut gradients: Vec<(f32, f32)> = (0..200_000).map(|_| (next(), next())).collect();
        for v in [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-6, -1e-6, 37.25] {
            for u in [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-6, -1e-6, 37.25] {
                gradients.push((u, v));
            }
        }
        for (gx, gy) in gradients {
            assert_eq!(orientation_group(gx, gy), direction_group(gy.atan2(gx)), "({gx}, {gy})");
        }
    }

    /// A disc of `radius` px at the centre of a 200 px square, its edge blurred by `sigma` px.
    fn disc(sigma: f32) -> RgbImage {
        let sharp = RgbImage::from_fn(200, 200, |x, y| {
            let r = ((x as f32 - 100.0).powi(2) + (y as f32 - 100.0).powi(2)).sqrt();
            Rgb(if r < 60.0 { [40; 3] } else { [210; 3] })
        });
        if sigma == 0.0 { sharp } else { imageproc::filter::gaussian_blur_f32(&sharp, sigma) }
    }

    fn outline() -> Vec<Point> {
        (0..32)
            .map(|k| {
                let a = k as f32 / 32.0 * std::f32::consts::TAU;
                Point::new(100.0 + 75.0 * a.cos(), 100.0 + 75.0 * a.sin())
            })
            .collect()
    }

    #[test]
    fn the_blur_width_follows_the_blur() {
        let widths: Vec<f64> =
            [0.0, 1.0, 2.0, 4.0, 8.0].iter().map(|&s| blur_width_px(&disc(s), &outline()).unwrap()).collect();
        assert!(widths.windows(2).all(|w| w[1] > w[0]), "{widths:?}");
        for (sigma, width) in [2.0, 4.0, 8.0].iter().zip(&widths[2..]) {
            assert!((width / sigma - 1.0).abs() < 0.3, "blur {sigma}: read {width}");
        }
        assert!(widths[0] < 1.0, "a sharp edge: {}", widths[0]);
    }

    #[test]
    fn contrast_does_not_matter() {
        let blurred = disc(3.0);
        let faint = RgbImage::from_fn(200, 200, |x, y| {
            let p = blurred.get_pixel(x, y).0[0] as f32;
            Rgb([(100.0 + (p - 125.0) * 0.2) as u8; 3])
        });
        let (strong, weak) =
            (blur_width_px(&disc(3.0), &outline()).unwrap(), blur_width_px(&faint, &outline()).unwrap());
        assert!((strong - weak).abs() < 0.4, "{strong} vs {weak}");
    }
}
