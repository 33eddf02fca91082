//! Focus (requirements section 7): how much of the finest detail the face still carries.

use super::face_image::FaceImage;
use super::{Finding, ofiq_sigmoid, quality};

/// The finest detail against the next coarser band, over the face: |L - box_r(L)| over
/// |box_r(L) - box_3r(L)|, r one photo pixel (one crop pixel unless the face was enlarged).
/// Blur of any kind (focus, motion, resampling) takes the finest band first, and the ratio does
/// not depend on the face's contrast or the light.
pub fn sharpness(face: &FaceImage) -> Option<Finding> {
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
        Finding { value: ratio, quality: quality(ofiq_sigmoid(ratio, 0.25, 0.05)) }
    })
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
}
