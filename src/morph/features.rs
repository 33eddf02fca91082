//! Texture statistics of the aligned face that blending two faces changes, the candidate input of
//! the single-image detector: averaging two aligned textures cancels part of each one's fine
//! detail (skin pores, sensor noise) while keeping the coarse shading, and leaves ghosts where
//! the two faces' features did not line up (eyes, lids, lips).

use image::{ImageBuffer, Luma};
use imageproc::filter::gaussian_blur_f32;

use crate::face_image::FaceImage;

/// Band-pass energies per region, their ratios, and the skin's rotation-invariant LBP histogram.
pub const FEATURE_COUNT: usize = 2 * BANDS + 2 * (BANDS - 1) + LBP_BINS;
/// Differences of Gaussians at sigma 0 (the pixels), 1, 2 and 4 crop pixels (112 px between the
/// eyes): the finest band holds pores and noise, the coarsest wrinkles and lids.
const SIGMAS: [f32; 3] = [1.0, 2.0, 4.0];
const BANDS: usize = SIGMAS.len();
/// Uniform patterns by their number of set neighbours (0..=8), and one bin for the rest.
const LBP_BINS: usize = 10;

pub fn texture_features(face: &FaceImage) -> [f32; FEATURE_COUNT] {
    let side = face.side as u32;
    let plane: ImageBuffer<Luma<f32>, Vec<f32>> =
        ImageBuffer::from_raw(side, side, face.luma.clone()).expect("the luma plane is side x side");
    let blurred: Vec<Vec<f32>> = SIGMAS.iter().map(|&s| gaussian_blur_f32(&plane, s).into_raw()).collect();
    let band = |k: usize, i: usize| {
        let finer = if k == 0 { face.luma[i] } else { blurred[k - 1][i] };
        (finer - blurred[k][i]).abs()
    };
    let mut out = [0f32; FEATURE_COUNT];
    for (region, mask) in [&face.skin, &face.eyes].into_iter().enumerate() {
        let pixels: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
        let n = pixels.len().max(1) as f32;
        let energies: Vec<f32> =
            (0..BANDS).map(|k| pixels.iter().map(|&i| band(k, i)).sum::<f32>() / n + 1e-3).collect();
        out[region * BANDS..(region + 1) * BANDS].copy_from_slice(&energies);
        for k in 0..BANDS - 1 {
            out[2 * BANDS + region * (BANDS - 1) + k] = (energies[k] / energies[k + 1]).ln();
        }
    }
    let histogram = lbp_histogram(&face.luma, face.side, &face.skin);
    out[FEATURE_COUNT - LBP_BINS..].copy_from_slice(&histogram);
    out
}

/// Share of the masked pixels per rotation-invariant uniform LBP(8, 1) pattern.
fn lbp_histogram(luma: &[f32], side: usize, mask: &[bool]) -> [f32; LBP_BINS] {
    const NEIGHBOURS: [(isize, isize); 8] = [(-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1), (-1, 0)];
    let mut histogram = [0f32; LBP_BINS];
    let mut count = 0f32;
    for y in 1..side.saturating_sub(1) {
        for x in 1..side - 1 {
            let i = y * side + x;
            if !mask[i] {
                continue;
            }
            let centre = luma[i];
            let bits: [bool; 8] = NEIGHBOURS
                .map(|(dx, dy)| luma[(y as isize + dy) as usize * side + (x as isize + dx) as usize] >= centre);
            let transitions = (0..8).filter(|&k| bits[k] != bits[(k + 1) % 8]).count();
            let bin = if transitions <= 2 { bits.iter().filter(|&&b| b).count() } else { LBP_BINS - 1 };
            histogram[bin] += 1.0;
            count += 1.0;
        }
    }
    histogram.map(|h| h / count.max(1.0))
}
