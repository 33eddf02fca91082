//! What the differential morph detector (D-MAD) reads when a document photo is compared with a
//! trusted live capture of the applicant. Two cues: the identity embeddings' distance (a morph
//! still matches each contributor but sits further from either than their own photos do), and how
//! the face geometry differs (a morph's shape lies between its contributors', so next to either it
//! is off by a fraction of the difference between two people; a person's own photos differ only by
//! expression and pose; only regions that a smile barely moves are compared).
//! `models::differential_morph` weighs them into a score.

use crate::imaging::{Point, Similarity};
use crate::models::face_mesh::{eye_corner_centres, index};

/// Face Mesh indices of the nose (MediaPipe's canonical numbering).
const NOSE: &[usize] = &[1, 2, 4, 5, 6, 19, 94, 98, 327, 168, 197, 195, 48, 278, 64, 294];
/// The upper face outline, forehead to cheekbones (the jaw moves with the mouth).
const UPPER_OUTLINE: &[usize] = &[10, 338, 297, 332, 284, 251, 389, 356, 454, 109, 67, 103, 54, 21, 162, 127, 234];

pub const GEOMETRY_FEATURES: usize = 4;
/// The compared regions, in the order of the residuals.
#[cfg(feature = "tools")]
pub const GEOMETRY_FEATURE_NAMES: [&str; GEOMETRY_FEATURES] = ["eyes", "nose", "brows", "upper outline"];

/// Residuals of the document's landmarks against the live capture's after one similarity fit
/// over all compared regions, per region: root mean square in units of the live face's inter-eye
/// distance. `None` when either set is not a full mesh.
pub fn geometry_residuals(document: &[Point], live: &[Point]) -> Option<[f32; GEOMETRY_FEATURES]> {
    let eyes = [index::RIGHT_EYE, index::LEFT_EYE].concat();
    let brows = [index::RIGHT_BROW, index::LEFT_BROW].concat();
    let regions = [&eyes[..], NOSE, &brows[..], UPPER_OUTLINE];
    let largest = regions.iter().flat_map(|r| r.iter()).copied().max().unwrap_or(0);
    if document.len() <= largest || live.len() <= largest {
        return None;
    }
    let all: Vec<usize> = regions.iter().flat_map(|r| r.iter().copied()).collect();
    let pick = |points: &[Point], indices: &[usize]| -> Vec<Point> { indices.iter().map(|&i| points[i]).collect() };
    let fit = Similarity::fit(&pick(document, &all), &pick(live, &all));
    let [right_eye, left_eye] = eye_corner_centres(|i| live[i]);
    let inter_eye_px = right_eye.distance(left_eye);
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
}
