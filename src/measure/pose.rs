//! Head pose from the mesh: a weighted rigid fit (rotation, uniform scale, translation) of the
//! observed landmarks to MediaPipe's canonical face, with MediaPipe's Procrustes weights.
//!
//! # Sign convention
//! Angles are Tait-Bryan angles in degrees, applied yaw, then pitch, then roll, of the head
//! relative to the camera; all zero for a frontal face. They are right-handed rotations in the
//! camera's frame (x to the right of the picture, y down, z from the camera into the scene):
//! - yaw > 0: the subject turns their head to their own right (the nose moves left in the picture);
//! - pitch > 0: the subject lowers their chin (looks down);
//! - roll > 0: the head tilts towards the subject's left shoulder, i.e. the picture of the head is
//!   turned clockwise (the eye on the right of the picture is the lower one).
//!
//! Roll agrees with the eye-line angle of the pupil labels of the FRLL and WebMorph sets.

use std::sync::LazyLock;

use nalgebra::{Matrix3, Vector3};
use serde::{Deserialize, Serialize};

use crate::imaging::Point;

/// The canonical face (centimetres; x to the subject's left, y up, z out of the face) and weights.
struct CanonicalFace {
    vertices: Vec<Vector3<f64>>,
    procrustes: Vec<(usize, f64)>,
}

static CANONICAL: LazyLock<CanonicalFace> = LazyLock::new(|| {
    let vertices = include_str!("../../models/canonical_face_model_vertices.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let v: Vec<f64> = line.split(',').skip(1).take(3).map(|s| s.parse().expect("canonical csv")).collect();
            Vector3::new(v[0], v[1], v[2])
        })
        .collect();
    let procrustes = include_str!("../../models/canonical_face_model_procrustes_weights.csv")
        .lines()
        .skip(1)
        .map(|line| {
            let (index, weight) = line.split_once(',').expect("weights csv");
            (index.parse().expect("index"), weight.parse().expect("weight"))
        })
        .collect();
    CanonicalFace { vertices, procrustes }
});

/// A canonical-face point in the camera frame (the canonical y and z point the other way).
fn to_camera_frame(v: &Vector3<f64>) -> Vector3<f64> {
    Vector3::new(v.x, -v.y, -v.z)
}

/// The fitted head: canonical centimetres to image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadPose {
    pub yaw: f64,
    pub pitch: f64,
    pub roll: f64,
    /// Image pixels per centimetre of the canonical face.
    pub scale: f64,
    rotation: Matrix3<f64>,
    translation: Vector3<f64>,
    /// Weighted root-mean-square distance of the fitted landmarks, in canonical centimetres.
    pub residual_cm: f64,
}

/// The head's yaw, pitch and roll in degrees, all zero for a frontal face; signs as the crate
/// documentation states them.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PoseAngles {
    /// Positive when the subject turns their head to their own right.
    pub yaw: f64,
    /// Positive when the subject lowers their chin.
    pub pitch: f64,
    /// Positive when the head tilts towards the subject's left shoulder.
    pub roll: f64,
}

impl HeadPose {
    /// Fits the canonical face to mesh landmarks given as image (x, y, depth) in pixels.
    pub fn fit(points: &[[f32; 3]]) -> Option<HeadPose> {
        let canonical = &*CANONICAL;
        let pairs: Vec<(Vector3<f64>, Vector3<f64>, f64)> = canonical
            .procrustes
            .iter()
            .filter_map(|&(i, w)| {
                let p = points.get(i)?;
                let observed = Vector3::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
                Some((to_camera_frame(&canonical.vertices[i]), observed, w))
            })
            .collect();
        let (rotation, scale, translation) = weighted_similarity(&pairs)?;
        let residual =
            pairs.iter().map(|(c, p, w)| w * (scale * rotation * c + translation - p).norm_squared()).sum::<f64>()
                / pairs.iter().map(|(_, _, w)| w).sum::<f64>();
        let r = &rotation;
        Some(HeadPose {
            yaw: r[(0, 2)].atan2(r[(2, 2)]).to_degrees(),
            pitch: (-r[(1, 2)]).clamp(-1.0, 1.0).asin().to_degrees(),
            roll: r[(1, 0)].atan2(r[(1, 1)]).to_degrees(),
            scale,
            rotation,
            translation,
            residual_cm: residual.sqrt() / scale,
        })
    }

    pub fn angles(&self) -> PoseAngles {
        PoseAngles { yaw: self.yaw, pitch: self.pitch, roll: self.roll }
    }

    /// Where a point given in canonical-face centimetres lands in the image.
    pub fn project(&self, canonical_cm: [f64; 3]) -> Point {
        let c = to_camera_frame(&Vector3::from(canonical_cm));
        let p = self.scale * self.rotation * c + self.translation;
        Point::new(p.x as f32, p.y as f32)
    }
}

/// Umeyama's least-squares similarity transform from `source` to `target` points, weighted.
fn weighted_similarity(pairs: &[(Vector3<f64>, Vector3<f64>, f64)]) -> Option<(Matrix3<f64>, f64, Vector3<f64>)> {
    let total: f64 = pairs.iter().map(|(_, _, w)| w).sum();
    if pairs.len() < 3 || total <= 0.0 {
        return None;
    }
    let mean_source = pairs.iter().map(|(s, _, w)| s * *w).sum::<Vector3<f64>>() / total;
    let mean_target = pairs.iter().map(|(_, t, w)| t * *w).sum::<Vector3<f64>>() / total;
    let mut covariance = Matrix3::zeros();
    let mut source_variance = 0.0;
    for (s, t, w) in pairs {
        let (ds, dt) = (s - mean_source, t - mean_target);
        covariance += (dt * ds.transpose()) * *w;
        source_variance += w * ds.norm_squared();
    }
    covariance /= total;
    source_variance /= total;
    let svd = covariance.svd(true, true);
    let (u, v_t) = (svd.u?, svd.v_t?);
    let mut signs = Matrix3::identity();
    if (u * v_t).determinant() < 0.0 {
        signs[(2, 2)] = -1.0;
    }
    let rotation = u * signs * v_t;
    let scale = (Matrix3::from_diagonal(&svd.singular_values) * signs).trace() / source_variance;
    if !scale.is_finite() || scale <= 0.0 {
        return None;
    }
    let translation = mean_target - scale * rotation * mean_source;
    Some((rotation, scale, translation))
}

#[cfg(test)]
mod tests {
    use super::*;
    use nalgebra::Rotation3;

    /// Canonical face posed by yaw, pitch, roll (this module's convention), at 30 px/cm.
    fn posed_mesh(yaw: f64, pitch: f64, roll: f64) -> Vec<[f32; 3]> {
        let rotation = Rotation3::from_axis_angle(&Vector3::y_axis(), yaw.to_radians())
            * Rotation3::from_axis_angle(&Vector3::x_axis(), pitch.to_radians())
            * Rotation3::from_axis_angle(&Vector3::z_axis(), roll.to_radians());
        CANONICAL
            .vertices
            .iter()
            .map(|v| {
                let p = rotation * to_camera_frame(v) * 30.0 + Vector3::new(600.0, 700.0, 0.0);
                [p.x as f32, p.y as f32, p.z as f32]
            })
            .collect()
    }

    #[test]
    fn recovers_known_angles() {
        for (yaw, pitch, roll) in [(0.0, 0.0, 0.0), (10.0, -5.0, 3.0), (-20.0, 8.0, -12.0)] {
            let pose = HeadPose::fit(&posed_mesh(yaw, pitch, roll)).unwrap();
            assert!((pose.yaw - yaw).abs() < 1e-3, "{pose:?}");
            assert!((pose.pitch - pitch).abs() < 1e-3, "{pose:?}");
            assert!((pose.roll - roll).abs() < 1e-3, "{pose:?}");
            assert!((pose.scale - 30.0).abs() < 1e-6);
        }
    }

    proptest::proptest! {
        #[test]
        fn any_pose_scale_and_shift_is_recovered(
            yaw in -45.0f64..45.0, pitch in -35.0f64..35.0, roll in -60.0f64..60.0,
            scale in 2.0f64..80.0, dx in -500.0f64..2000.0, dy in -500.0f64..2000.0,
        ) {
            let mesh: Vec<[f32; 3]> = posed_mesh(yaw, pitch, roll)
                .iter()
                .map(|p| {
                    let (x, y, z) = ((p[0] - 600.0) / 30.0, (p[1] - 700.0) / 30.0, p[2] / 30.0);
                    [(x as f64 * scale + dx) as f32, (y as f64 * scale + dy) as f32, (z as f64 * scale) as f32]
                })
                .collect();
            let pose = HeadPose::fit(&mesh).unwrap();
            // f32 landmarks limit the precision, more so for small faces.
            let tolerance = 0.05 + 2.0 / scale;
            proptest::prop_assert!((pose.yaw - yaw).abs() < tolerance, "{pose:?}");
            proptest::prop_assert!((pose.pitch - pitch).abs() < tolerance, "{pose:?}");
            proptest::prop_assert!((pose.roll - roll).abs() < tolerance, "{pose:?}");
            proptest::prop_assert!((pose.scale / scale - 1.0).abs() < 1e-3);
            // The canonical chin projects onto the observed chin.
            let chin_index = crate::models::face_mesh::index::CHIN;
            let canonical_chin = CANONICAL.vertices[chin_index];
            let chin = pose.project([canonical_chin.x, canonical_chin.y, canonical_chin.z]);
            let observed = mesh[chin_index];
            proptest::prop_assert!((chin.x - observed[0]).abs() < 0.5 && (chin.y - observed[1]).abs() < 0.5);
        }
    }

    #[test]
    fn signs_follow_the_documented_convention() {
        let nose = crate::models::face_mesh::index::NOSE_TIP;
        let turned = posed_mesh(20.0, 0.0, 0.0);
        assert!(turned[nose][0] < 600.0, "positive yaw moves the nose left in the picture");
        let lowered = posed_mesh(0.0, 20.0, 0.0);
        assert!(lowered[nose][1] > posed_mesh(0.0, 0.0, 0.0)[nose][1], "positive pitch moves the nose down");
        let rolled = posed_mesh(0.0, 0.0, 10.0);
        let (right_eye, left_eye) = (rolled[33], rolled[263]);
        assert!(left_eye[1] > right_eye[1], "positive roll lowers the eye on the right of the picture");
    }
}
