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
use multiversion::multiversion;

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
/// Histogram bins of gradient magnitudes: the top bits of the (non-negative) float, each bin an
/// octave's sixteenth.
const MAGNITUDE_BINS: usize = 1 << 12;
const OUTSIDE: u8 = u8::MAX;
/// A gradient whose orientation group the arctangent decides.
const UNDECIDED: u8 = ORIENTATIONS as u8;
/// The face region is read with this margin (photo pixels) for the filters' reach.
const MARGIN: i64 = 8;

/// Blur widths below this (photo pixels) are not told apart: the two scales' peaks stop changing,
/// and a width read as 0 (38 of the 595 small US Congress portraits) would be an infinite
/// sharpness. Such faces read 10, sharper than any bound.
const FINEST_WIDTH_PX: f64 = 0.1;

/// The face's sharpness: one over the blur width of its strongest edges (photo pixels) in the
/// blurriest orientation; `outline` is the face oval in photo pixels. None for a face too small
/// or too flat to have edges.
pub fn sharpness(photo: &RgbImage, outline: &[Point]) -> Option<Finding> {
    let width = blur_width_px(photo, outline).filter(|w| !w.is_nan())?.max(FINEST_WIDTH_PX);
    let value = 1.0 / width;
    Some(Finding { value, quality: quality(ofiq_sigmoid(value, 0.33, 0.05)) })
}

/// The blur width in photo pixels (see the module's comment). Also compiled for AVX2, which
/// doubles the width of its vectorised loops without changing their arithmetic.
#[multiversion(targets("x86_64+avx2"))]
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
        colour::extend_with_luma(&mut luma, &raw[start..start + 3 * w]);
    }
    let shifted: Vec<Point> = outline.iter().map(|p| Point::new(p.x - x0 as f32, p.y - y0 as f32)).collect();
    let inside = polygon_mask(w as u32, h as u32, &[shifted]);
    // The fine blur is needed at every pixel of the face, the coarse one only at its strongest
    // edges: its vertical pass is taken there alone.
    let (fine_blur, coarse_blur) = (Gaussian::new(FINE_SCALE), Gaussian::new(COARSE_SCALE));
    let mut across = Vec::new();
    fine_blur.across(&luma, w, h, &mut across);
    let fine = fine_blur.down(&across, w, h);
    coarse_blur.across(&luma, w, h, &mut across);
    let coarse_at = |x: usize, y: usize| coarse_blur.down_at(&across, w, h, x, y);
    let fine_at = |x: usize, y: usize| fine[y * w + x];
    // Edges by orientation: a motion blur weakens the edges across its direction until none of
    // them would be among the face's strongest, so each orientation keeps its own strongest.
    // A histogram of each orientation's squared gradient magnitudes (which rank as the
    // magnitudes do) finds the level its strongest lie above, so that only those are listed
    // and ranked.
    let mut squared_of = luma;
    let mut group_of = vec![OUTSIDE; w * h];
    let mut histograms = vec![[0u32; MAGNITUDE_BINS]; ORIENTATIONS];
    // Row by row, the gradients first (central differences, the edge repeated: loops the compiler
    // vectorises), then each face pixel's orientation and histogram bin.
    let (mut gx_row, mut gy_row) = (vec![0f32; w], vec![0f32; w]);
    for (y, ((squared_row, group_row), inside_row)) in squared_of
        .chunks_exact_mut(w)
        .zip(group_of.chunks_exact_mut(w))
        .zip(inside.as_raw().chunks_exact(w))
        .enumerate()
    {
        let row = &fine[y * w..][..w];
        let (above, below) = (&fine[y.saturating_sub(1) * w..][..w], &fine[(y + 1).min(h - 1) * w..][..w]);
        gx_row[0] = (row[1] - row[0]) / 2.0;
        for ((gx, next), previous) in gx_row[1..w - 1].iter_mut().zip(&row[2..]).zip(&row[..w - 2]) {
            *gx = (next - previous) / 2.0;
        }
        gx_row[w - 1] = (row[w - 1] - row[w - 2]) / 2.0;
        for ((gy, next), previous) in gy_row.iter_mut().zip(below).zip(above) {
            *gy = (next - previous) / 2.0;
        }
        for ((squared, &gx), &gy) in squared_row.iter_mut().zip(&gx_row).zip(&gy_row) {
            *squared = squared_magnitude(gx, gy);
        }
        for (((group, &m), &gx), &gy) in group_row.iter_mut().zip(inside_row).zip(&gx_row).zip(&gy_row) {
            *group = if m == 0 { OUTSIDE } else { orientation_group_by_comparison(gx, gy) };
        }
        for (x, (group, &squared)) in group_row.iter_mut().zip(squared_row.iter()).enumerate() {
            if *group == OUTSIDE {
                continue;
            }
            *group = decided(*group, gx_row[x], gy_row[x]);
            histograms[usize::from(*group)][magnitude_bin(squared)] += 1;
        }
    }
    // Per orientation: how many of its edges are kept and the lowest bin they can lie in (None
    // for an orientation with too few edges).
    let selections: Vec<Option<(usize, usize)>> = histograms
        .iter()
        .map(|histogram| {
            let count = histogram.iter().map(|&n| n as usize).sum::<usize>();
            let keep = ((STRONGEST_SHARE * count as f32) as usize).max(MIN_EDGES_PER_GROUP);
            if count < keep {
                return None;
            }
            let mut above = 0;
            let lowest = (0..MAGNITUDE_BINS).rev().find(|&bin| {
                above += histogram[bin] as usize;
                above >= keep
            })?;
            Some((keep, lowest))
        })
        .collect();
    let mut edges: [Vec<(f32, u32)>; ORIENTATIONS] = Default::default();
    for (i, (&squared, &group)) in squared_of.iter().zip(&group_of).enumerate() {
        if group == OUTSIDE {
            continue;
        }
        if let Some((_, lowest)) = selections[usize::from(group)]
            && magnitude_bin(squared) >= lowest
        {
            let (gx, gy) = central_differences(fine_at, w, h, i % w, i / w);
            edges[usize::from(group)].push((magnitude(gx, gy), i as u32));
        }
    }
    let (s1, s2) = (f64::from(FINE_SCALE).powi(2), f64::from(COARSE_SCALE).powi(2));
    let mut groups: [Vec<f64>; ORIENTATIONS] = Default::default();
    for ((group, mut candidates), selection) in groups.iter_mut().zip(edges).zip(selections) {
        let Some((keep, _)) = selection else {
            continue;
        };
        candidates.select_nth_unstable_by(keep - 1, |a, b| b.0.total_cmp(&a.0));
        for &(g_fine, i) in &candidates[..keep] {
            if g_fine <= 0.0 {
                continue;
            }
            let i = i as usize;
            let (gx, gy) = central_differences(coarse_at, w, h, i % w, i / w);
            let g_coarse = magnitude(gx, gy);
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

/// A (squared) magnitude's histogram bin: non-negative floats order as their bits do.
fn magnitude_bin(squared: f32) -> usize {
    (squared.to_bits() >> 19) as usize
}

/// A gradient's components squared (exactly, in double precision) and summed with one rounding.
fn sum_of_squares(gx: f32, gy: f32) -> f64 {
    let (gx, gy) = (f64::from(gx), f64::from(gy));
    gx * gx + gy * gy
}

/// A gradient's squared magnitude, rounded once more to single precision, so a larger magnitude
/// never reads a smaller square (rounding keeps order).
fn squared_magnitude(gx: f32, gy: f32) -> f32 {
    sum_of_squares(gx, gy) as f32
}

/// A gradient's magnitude, rounded once from double precision (as glibc's `hypotf`), in a form
/// the compiler can inline: the library call was a fifth of the face's edge reading.
fn magnitude(gx: f32, gy: f32) -> f32 {
    sum_of_squares(gx, gy).sqrt() as f32
}

/// A normalised Gaussian kernel for a separable blur with edges repeated: the horizontal pass
/// over a whole region, the vertical pass over the whole region or at single pixels.
struct Gaussian {
    taps: Vec<f32>,
    radius: usize,
}

impl Gaussian {
    fn new(sigma: f32) -> Self {
        let radius = (3.0 * sigma).ceil() as isize;
        let taps: Vec<f32> = (-radius..=radius).map(|k| (-(k * k) as f32 / (2.0 * sigma * sigma)).exp()).collect();
        let total: f32 = taps.iter().sum();
        Gaussian { taps: taps.iter().map(|k| k / total).collect(), radius: radius as usize }
    }

    /// The row `y + k - radius`, edges repeated.
    fn source_row(&self, y: usize, k: usize, h: usize) -> usize {
        (y + k).saturating_sub(self.radius).min(h - 1)
    }

    /// The horizontal pass into `across`. Each row is padded with its edge values, then summed
    /// tap by tap: the same sums in the same order as one pixel at a time, but each tap a pass
    /// the compiler vectorises. Inlined, so that it is compiled for its caller's instructions.
    #[inline(always)]
    fn across(&self, values: &[f32], w: usize, h: usize, across: &mut Vec<f32>) {
        across.clear();
        across.resize(values.len(), 0.0);
        let mut padded = vec![0f32; w + 2 * self.radius];
        for y in 0..h {
            let row = &values[y * w..][..w];
            let (left, rest) = padded.split_at_mut(self.radius);
            let (middle, right) = rest.split_at_mut(w);
            left.fill(row[0]);
            middle.copy_from_slice(row);
            right.fill(row[w - 1]);
            let out = &mut across[y * w..][..w];
            for (k, c) in self.taps.iter().enumerate() {
                for (o, s) in out.iter_mut().zip(&padded[k..]) {
                    *o += c * s;
                }
            }
        }
    }

    /// The vertical pass over the whole region.
    #[inline(always)]
    fn down(&self, across: &[f32], w: usize, h: usize) -> Vec<f32> {
        let mut out = vec![0f32; across.len()];
        for y in 0..h {
            for (k, c) in self.taps.iter().enumerate() {
                let source = &across[self.source_row(y, k, h) * w..][..w];
                for (o, s) in out[y * w..][..w].iter_mut().zip(source) {
                    *o += c * s;
                }
            }
        }
        out
    }

    /// The vertical pass at one pixel: the same sum, in the same order, as `down` there.
    fn down_at(&self, across: &[f32], w: usize, h: usize, x: usize, y: usize) -> f32 {
        let mut out = 0f32;
        for (k, c) in self.taps.iter().enumerate() {
            out += c * across[self.source_row(y, k, h) * w + x];
        }
        out
    }
}

/// The gradient (x and y) at (x, y) by central differences of `at`, edges repeated. Computed
/// only where the face is: the margin around it is there for the filters.
fn central_differences(at: impl Fn(usize, usize) -> f32, w: usize, h: usize, x: usize, y: usize) -> (f32, f32) {
    let gx = (at((x + 1).min(w - 1), y) - at(x.saturating_sub(1), y)) / 2.0;
    let gy = (at(x, (y + 1).min(h - 1)) - at(x, y.saturating_sub(1))) / 2.0;
    (gx, gy)
}

/// The orientation group of a gradient direction (radians): its quarter of [0, pi).
fn direction_group(direction: f32) -> usize {
    ((direction.rem_euclid(std::f32::consts::PI) / std::f32::consts::PI * ORIENTATIONS as f32) as usize)
        .min(ORIENTATIONS - 1)
}

/// `direction_group(gy.atan2(gx))` by comparisons alone (an arctangent per pixel would be most
/// of the cost of reading a face's edges): the quarters' borders are where a component is zero or
/// both are equal in size, so comparing the components decides, except within a hair of a border
/// (`UNDECIDED`: the arctangent decides there, so that its rounding puts a gradient on the same
/// side as `direction_group` does). Without branches or a table, so that a row of them
/// vectorises (a face's edges in every direction would mispredict branches).
#[inline(always)]
fn orientation_group_by_comparison(gx: f32, gy: f32) -> u8 {
    const _: () = assert!(ORIENTATIONS == 4, "the comparisons below split [0, pi) in quarters");
    const HAIR: f32 = 1e-3;
    let (ax, ay) = (gx.abs(), gy.abs());
    let undecided = (ax <= HAIR * ay) | (ay <= HAIR * ax) | ((ax - ay).abs() <= HAIR * (ax + ay));
    // The same direction modulo pi, turned into the upper half plane.
    let flip = gy < 0.0;
    let (gx, gy) = (if flip { -gx } else { gx }, if flip { -gy } else { gy });
    // By (gx > 0, gy < |gx|): the quarters from the positive x axis round to the negative, 2, 3,
    // 1 and 0 for (no, no), (no, yes), (yes, no) and (yes, yes).
    let (right, low) = (u8::from(gx > 0.0), u8::from(gy < gx.abs()));
    let group = 2 * (1 - right) + (right ^ low);
    if undecided { UNDECIDED } else { group }
}

/// A group from `orientation_group_by_comparison`, the arctangent deciding where it could not.
fn decided(group: u8, gx: f32, gy: f32) -> u8 {
    if group == UNDECIDED { direction_group(gy.atan2(gx)) as u8 } else { group }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    /// `count` gradients with components in -150..150, from a linear congruential generator.
    fn random_gradients(seed: u64, count: usize) -> Vec<(f32, f32)> {
        let mut state = seed;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((state >> 40) as f32 / (1u64 << 24) as f32 - 0.5) * 300.0
        };
        (0..count).map(|_| (next(), next())).collect()
    }

    #[test]
    fn orientation_groups_are_those_of_the_arctangent() {
        let mut gradients = random_gradients(7, 200_000);
        for v in [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-6, -1e-6, 37.25] {
            for u in [0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1e-6, -1e-6, 37.25] {
                gradients.push((u, v));
            }
        }
        for (gx, gy) in gradients {
            let group = decided(orientation_group_by_comparison(gx, gy), gx, gy);
            assert_eq!(usize::from(group), direction_group(gy.atan2(gx)), "({gx}, {gy})");
        }
    }

    #[test]
    fn magnitudes_are_those_of_hypot() {
        for (gx, gy) in random_gradients(11, 200_000) {
            let (ours, library) = (magnitude(gx, gy), gx.hypot(gy));
            // One unit in the last place at most, whichever libm rounds the library's.
            assert!(ours.to_bits().abs_diff(library.to_bits()) <= 1, "({gx}, {gy}): {ours} vs {library}");
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

    /// Detail finer than the coarse scale (stripes 2 px wide) reads a width of 0; the sharpness
    /// stays a number.
    #[test]
    fn the_finest_detail_is_as_sharp_as_can_be_told_not_infinitely() {
        let stripes = RgbImage::from_fn(200, 200, |x, _| Rgb(if (x / 2) % 2 == 0 { [40; 3] } else { [210; 3] }));
        let outline = outline();
        assert_eq!(blur_width_px(&stripes, &outline), Some(0.0));
        assert_eq!(sharpness(&stripes, &outline).map(|f| f.value), Some(1.0 / FINEST_WIDTH_PX));
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
