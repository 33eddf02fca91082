//! Differential morph detection (D-MAD): a document photo against a trusted live capture of the
//! applicant. Two cues: the identity embeddings' distance (a morph still matches each contributor
//! but sits further from either than their own photos do), and how the face geometry differs (a
//! morph's shape lies between its contributors', so next to either it is off by a fraction of the
//! difference between two people; a person's own photos differ only by expression and pose; only
//! regions that a smile barely moves are compared). A logistic regression trained on generated
//! morphs (`cargo run --release --example morphing`, docs/morphing.md) weighs them into a score.

use nalgebra::{DMatrix, DVector};

use crate::imaging::{Point, Similarity};

/// Face Mesh indices of the regions compared (MediaPipe's canonical numbering).
const EYES: &[usize] = &[
    33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246, // subject's right
    263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466, // subject's left
];
const NOSE: &[usize] = &[1, 2, 4, 5, 6, 19, 94, 98, 327, 168, 197, 195, 48, 278, 64, 294];
const BROWS: &[usize] = &[70, 63, 105, 66, 107, 55, 65, 52, 53, 46, 300, 293, 334, 296, 336, 285, 295, 282, 283, 276];
/// The upper face outline, forehead to cheekbones (the jaw moves with the mouth).
const UPPER_OUTLINE: &[usize] = &[10, 338, 297, 332, 284, 251, 389, 356, 454, 109, 67, 103, 54, 21, 162, 127, 234];

/// Mesh indices of the eye corners, for the inter-eye distance that scales the residuals.
const RIGHT_EYE_CORNERS: (usize, usize) = (33, 133);
const LEFT_EYE_CORNERS: (usize, usize) = (263, 362);

pub const GEOMETRY_FEATURES: usize = 4;
pub const GEOMETRY_FEATURE_NAMES: [&str; GEOMETRY_FEATURES] = ["eyes", "nose", "brows", "upper outline"];

/// Residuals of the document's landmarks against the live capture's after one similarity fit
/// over all compared regions, per region: root mean square in units of the live face's inter-eye
/// distance. `None` when either set is not a full mesh.
pub fn geometry_residuals(document: &[Point], live: &[Point]) -> Option<[f32; GEOMETRY_FEATURES]> {
    let regions = [EYES, NOSE, BROWS, UPPER_OUTLINE];
    let largest = regions.iter().flat_map(|r| r.iter()).copied().max().unwrap_or(0);
    if document.len() <= largest || live.len() <= largest {
        return None;
    }
    let all: Vec<usize> = regions.iter().flat_map(|r| r.iter().copied()).collect();
    let pick = |points: &[Point], indices: &[usize]| -> Vec<Point> { indices.iter().map(|&i| points[i]).collect() };
    let fit = Similarity::fit(&pick(document, &all), &pick(live, &all));
    let eye_centre = |points: &[Point], (a, b): (usize, usize)| points[a].midpoint(points[b]);
    let inter_eye_px = eye_centre(live, RIGHT_EYE_CORNERS).distance(eye_centre(live, LEFT_EYE_CORNERS));
    if inter_eye_px <= f32::EPSILON {
        return None;
    }
    Some(regions.map(|region| {
        let squares: f32 = region.iter().map(|&i| fit.apply(document[i]).distance(live[i]).powi(2)).sum();
        (squares / region.len() as f32).sqrt() / inter_eye_px
    }))
}

/// The classifier's inputs: the identity distance, then the geometry residuals.
pub const FEATURES: usize = 1 + GEOMETRY_FEATURES;

/// The features of one document / live attempt, or `None` without two full meshes.
pub fn features(identity_distance: f32, document: &[Point], live: &[Point]) -> Option<[f32; FEATURES]> {
    let geometry = geometry_residuals(document, live)?;
    let mut features = [identity_distance; FEATURES];
    features[1..].copy_from_slice(&geometry);
    Some(features)
}

/// A logistic regression on the logarithms of the features, standardised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DifferentialModel {
    pub mean: [f64; FEATURES],
    pub scale: [f64; FEATURES],
    pub weights: [f64; FEATURES],
    pub bias: f64,
}

impl DifferentialModel {
    /// The model trained on the FRLL train split (models/README.md, docs/morphing.md).
    pub fn trained() -> &'static DifferentialModel {
        &super::differential_model::TRAINED
    }

    /// The probability-like score 0..1 that the document is a morph of the live person and someone
    /// else; higher is more suspicious.
    pub fn score(&self, features: &[f32; FEATURES]) -> f64 {
        let z = self.standardised(features);
        let logit = self.bias + z.iter().zip(&self.weights).map(|(z, w)| z * w).sum::<f64>();
        1.0 / (1.0 + (-logit.clamp(-40.0, 40.0)).exp())
    }

    fn standardised(&self, features: &[f32; FEATURES]) -> [f64; FEATURES] {
        std::array::from_fn(|k| (log_feature(features[k]) - self.mean[k]) / self.scale[k])
    }

    /// Fits by Newton's method with an L2 penalty on the weights (not the bias), each class
    /// weighted to half the total so that the few bona fide attempts count as much as the morphs.
    /// `None` without both classes.
    pub fn fit(samples: &[[f32; FEATURES]], is_morph: &[bool], l2: f64) -> Option<DifferentialModel> {
        let morphs = is_morph.iter().filter(|&&m| m).count();
        if samples.len() != is_morph.len() || morphs == 0 || morphs == samples.len() {
            return None;
        }
        let logs: Vec<[f64; FEATURES]> = samples.iter().map(|s| s.map(log_feature)).collect();
        let n = logs.len() as f64;
        let mean: [f64; FEATURES] = std::array::from_fn(|k| logs.iter().map(|l| l[k]).sum::<f64>() / n);
        let scale: [f64; FEATURES] = std::array::from_fn(|k| {
            let variance = logs.iter().map(|l| (l[k] - mean[k]).powi(2)).sum::<f64>() / n;
            variance.sqrt().max(1e-9)
        });
        // Design matrix with a constant column for the bias.
        let design = DMatrix::from_fn(logs.len(), FEATURES + 1, |row, column| match column {
            FEATURES => 1.0,
            k => (logs[row][k] - mean[k]) / scale[k],
        });
        let labels = DVector::from_iterator(logs.len(), is_morph.iter().map(|&m| f64::from(u8::from(m))));
        let class_weight = |m: bool| if m { 0.5 * n / morphs as f64 } else { 0.5 * n / (n - morphs as f64) };
        let weights_of_samples = DVector::from_iterator(logs.len(), is_morph.iter().map(|&m| class_weight(m)));
        let mut penalty = DMatrix::<f64>::identity(FEATURES + 1, FEATURES + 1) * l2;
        penalty[(FEATURES, FEATURES)] = 0.0;
        let mut w = DVector::<f64>::zeros(FEATURES + 1);
        for _ in 0..100 {
            let p = (&design * &w).map(|logit| 1.0 / (1.0 + (-logit).exp()));
            let residual = (&p - &labels).component_mul(&weights_of_samples);
            let gradient = design.transpose() * residual + &penalty * &w;
            let curvature = p.zip_map(&weights_of_samples, |p, c| c * p * (1.0 - p));
            let hessian = design.transpose() * DMatrix::from_diagonal(&curvature) * &design + &penalty;
            let step = hessian.lu().solve(&gradient)?;
            w -= &step;
            if step.amax() < 1e-12 {
                break;
            }
        }
        Some(DifferentialModel { mean, scale, weights: std::array::from_fn(|k| w[k]), bias: w[FEATURES] })
    }
}

/// The features span a decade or more and act multiplicatively; floors keep a zero finite.
fn log_feature(value: f32) -> f64 {
    f64::from(value).max(1e-6).ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mesh() -> Vec<Point> {
        // A deterministic scatter standing in for 468 landmarks.
        (0..468).map(|i| Point::new((i * 37 % 200) as f32 + 100.0, (i * 53 % 240) as f32 + 80.0)).collect()
    }

    #[test]
    fn a_moved_scaled_turned_copy_has_no_residual() {
        let live = mesh();
        let (sin, cos) = 0.2f32.sin_cos();
        let document: Vec<Point> = live
            .iter()
            .map(|p| Point::new(1.7 * (cos * p.x - sin * p.y) + 40.0, 1.7 * (sin * p.x + cos * p.y) - 9.0))
            .collect();
        let residuals = geometry_residuals(&document, &live).unwrap();
        assert!(residuals.iter().all(|&r| r < 1e-3), "{residuals:?}");
    }

    #[test]
    fn moving_the_nose_shows_in_the_nose_region_most() {
        let live = mesh();
        let mut document = live.clone();
        for &i in NOSE {
            document[i].y += 6.0;
        }
        let [eyes, nose, ..] = geometry_residuals(&document, &live).unwrap();
        assert!(nose > 2.0 * eyes && nose > 0.01, "nose {nose}, eyes {eyes}");
        assert!(geometry_residuals(&document[..100], &live).is_none());
    }

    #[test]
    fn training_separates_attempts_that_differ_in_distance_and_geometry() {
        let attempt =
            |distance: f32, residual: f32| [distance, residual, residual * 3.0, residual * 1.5, residual * 2.5];
        let mut samples = Vec::new();
        let mut is_morph = Vec::new();
        for k in 0..40 {
            let jitter = 1.0 + 0.01 * (k % 7) as f32;
            samples.push(attempt(0.22 * jitter, 0.010 * jitter));
            is_morph.push(false);
            samples.push(attempt(0.42 * jitter, 0.014 * jitter));
            is_morph.push(true);
        }
        let model = DifferentialModel::fit(&samples, &is_morph, 0.1).unwrap();
        assert!(model.score(&attempt(0.45, 0.015)) > 0.9);
        assert!(model.score(&attempt(0.2, 0.009)) < 0.1);
        assert!(DifferentialModel::fit(&samples[..1], &is_morph[..1], 0.1).is_none(), "one class only");
    }
}
