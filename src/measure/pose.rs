//! Head pose from the mesh's 2D landmarks: a perspective fit (perspective-n-point) of MediaPipe's
//! canonical face to the image positions of the eye outlines and the face contour, with a camera
//! at a studio's distance, expressed against the line of sight to the head.
//!
//! Why this fit: the mesh's depth is the network's guess, and a rigid 3D fit to it read frontal
//! studio portraits at a pitch spread of 4.8 deg (FRLL) and moved pitch by 3.6 deg between a
//! neutral face and a smile. The image positions alone, of points a smile barely moves (the eye
//! outlines) and of the face's outline (which gives pitch its lever: the contour lies 6-10 cm
//! behind the eyes), read the same photos at 3.0 deg and move 1.8 deg with a smile; the rest of
//! the spread is the sitters' own posture and face shape, which one frontal photo cannot separate
//! (docs/accuracy.md).
//!
//! # Zero
//! All angles are zero when the canonical face looks straight along the line of sight. Its
//! Frankfort plane, by the canonical vertices nearest tragion (234, 454) and orbitale (119, 348),
//! is level with it to within about 2 deg (the line through them rises 1.7 deg to the front;
//! tragion lies about 2.5 mm above porion), so zero is a frontal head with the Frankfort plane
//! level, to that accuracy.
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

/// Where the camera is assumed to be: a studio's distance, looking at the photo's centre (a cropped
/// photo's own optical centre is unknown). Only the perspective depends on it: at a studio's 1-2.5
/// m the pitch moves by under 0.5 deg between 1 and 2.5 m.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Camera {
    /// The principal point, in image pixels.
    pub centre: Point,
    /// Camera to head, in centimetres.
    pub distance_cm: f64,
}

impl Camera {
    /// A passport studio's camera: 1.5 m from the head, at the photo's centre.
    pub fn studio(width: u32, height: u32) -> Camera {
        Camera { centre: Point::new(width as f32 / 2.0, height as f32 / 2.0), distance_cm: 150.0 }
    }

    /// A self-service terminal's or the capture kit's camera, about 60 cm away.
    pub fn terminal(width: u32, height: u32) -> Camera {
        Camera { distance_cm: 60.0, ..Camera::studio(width, height) }
    }
}

/// The mesh points the pose is fitted to: the eye outlines (a smile moves them least), the
/// forehead, the temples and the upper face outline (the points furthest behind the eyes, which
/// give pitch its lever); the mouth, the nose tip and the jaw, which move with expression, are
/// left out. Of the sets tried on the synthetic pose set (docs/accuracy.md) this one had the
/// smallest error.
const FIT_POINTS: &[usize] = &[
    9, 10, 21, 27, 28, 30, 33, 54, 56, 67, 109, 113, 127, 133, 151, 155, 157, 158, 161, 162, 173, 190, 225, 234, 243,
    244, 246, 247, 251, 257, 258, 260, 263, 284, 286, 297, 338, 342, 356, 362, 382, 384, 385, 388, 389, 398, 414, 445,
    454, 463, 464, 466, 467,
];

/// How the fit's raw angles respond to a head turned by a known angle, on the calibration half of
/// the synthetic pose set (`cargo run --release --example accuracy`, docs/accuracy.md): raw =
/// slope x true + offset. The face mesh follows a nod only part of the way (its outline points
/// slide along the face's silhouette rather than staying on the skin), so a raw pitch is divided
/// back out; yaw barely needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Response {
    pub slope: f64,
    pub offset: f64,
}

impl Response {
    fn true_angle(self, raw: f64) -> f64 {
        (raw - self.offset) / self.slope
    }
}

pub const PITCH_RESPONSE: Response = Response { slope: 0.678, offset: -2.95 };
pub const YAW_RESPONSE: Response = Response { slope: 0.913, offset: 0.35 };

/// The fitted head: canonical centimetres to image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct HeadPose {
    /// Against the line of sight, in degrees.
    pub yaw: f64,
    pub pitch: f64,
    pub roll: f64,
    /// Image pixels per centimetre of the canonical face at the head's distance.
    pub scale: f64,
    /// The rigid 3D fit (rotation, scale, shift) of the canonical face to the mesh with its
    /// depth, MediaPipe's weights: where `project` places canonical points (the crown), as
    /// docs/calibration.md calibrated it.
    rigid: (Matrix3<f64>, f64, Vector3<f64>),
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
    /// Fits the canonical face to mesh landmarks given as image (x, y, depth) in pixels, seen by
    /// `camera`. The depth only starts the fit; the pose comes from the image positions.
    pub fn fit(points: &[[f32; 3]], camera: Camera) -> Option<HeadPose> {
        let mut pose = HeadPose::fit_uncalibrated(points, camera)?;
        pose.pitch = PITCH_RESPONSE.true_angle(pose.pitch);
        pose.yaw = YAW_RESPONSE.true_angle(pose.yaw);
        Some(pose)
    }

    /// The fit's raw angles, before its response to known turns is divided out (for calibrating
    /// that response).
    pub fn fit_uncalibrated(points: &[[f32; 3]], camera: Camera) -> Option<HeadPose> {
        let canonical = &*CANONICAL;
        // A rigid 3D fit with MediaPipe's weights starts the perspective fit near its answer.
        let pairs: Vec<(Vector3<f64>, Vector3<f64>, f64)> = canonical
            .procrustes
            .iter()
            .filter_map(|&(i, w)| {
                let p = points.get(i)?;
                let observed = Vector3::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2]));
                Some((to_camera_frame(&canonical.vertices[i]), observed, w))
            })
            .collect();
        let rigid = weighted_similarity(&pairs)?;
        let (rotation, scale, translation_px) = rigid;
        let (cx, cy) = (f64::from(camera.centre.x), f64::from(camera.centre.y));
        let start = Perspective {
            rotation,
            shift_cm: [(translation_px.x - cx) / scale, (translation_px.y - cy) / scale],
            scale,
            camera,
        };
        let fit: Vec<(Vector3<f64>, [f64; 2])> = FIT_POINTS
            .iter()
            .filter_map(|&i| {
                let p = points.get(i)?;
                Some((to_camera_frame(&canonical.vertices[i]), [f64::from(p[0]), f64::from(p[1])]))
            })
            .collect();
        if fit.len() < FIT_POINTS.len() {
            return None;
        }
        let fitted = start.fitted_to(&fit)?;
        let facing = line_of_sight(&fitted.translation()).transpose() * fitted.rotation;
        let r = &facing;
        Some(HeadPose {
            yaw: r[(0, 2)].atan2(r[(2, 2)]).to_degrees(),
            pitch: (-r[(1, 2)]).clamp(-1.0, 1.0).asin().to_degrees(),
            roll: r[(1, 0)].atan2(r[(1, 1)]).to_degrees(),
            scale: fitted.scale,
            rigid,
        })
    }

    /// The angles only.
    pub fn angles(&self) -> PoseAngles {
        PoseAngles { yaw: self.yaw, pitch: self.pitch, roll: self.roll }
    }

    /// Where a point given in canonical-face centimetres lands in the image, by the rigid fit.
    pub fn project(&self, canonical_cm: [f64; 3]) -> Point {
        let (rotation, scale, translation) = &self.rigid;
        let p = *scale * rotation * to_camera_frame(&Vector3::from(canonical_cm)) + translation;
        Point::new(p.x as f32, p.y as f32)
    }
}

/// The canonical face seen by a camera at the assumed distance: turned by `rotation`, its origin
/// `shift_cm` off the optical axis at that distance, `scale` image pixels per centimetre there.
#[derive(Debug, Clone, PartialEq)]
struct Perspective {
    rotation: Matrix3<f64>,
    shift_cm: [f64; 2],
    scale: f64,
    camera: Camera,
}

impl Perspective {
    fn translation(&self) -> Vector3<f64> {
        Vector3::new(self.shift_cm[0], self.shift_cm[1], self.camera.distance_cm)
    }

    /// Image position of a canonical point (camera frame, centimetres).
    fn project(&self, model: &Vector3<f64>) -> [f64; 2] {
        let p = self.rotation * model + self.translation();
        let focal = self.camera.distance_cm * self.scale / p.z.max(1e-6);
        [focal * p.x + f64::from(self.camera.centre.x), focal * p.y + f64::from(self.camera.centre.y)]
    }

    /// Levenberg-Marquardt on rotation (small-angle increments), shift and scale, minimising the
    /// squared image distances between the projected canonical points and the observed ones.
    fn fitted_to(mut self, pairs: &[(Vector3<f64>, [f64; 2])]) -> Option<Perspective> {
        use nalgebra::{DMatrix, DVector, Rotation3};
        let residuals = |model: &Perspective| -> DVector<f64> {
            let mut r = DVector::zeros(2 * pairs.len());
            for (k, (point, [u, v])) in pairs.iter().enumerate() {
                let [pu, pv] = model.project(point);
                r[2 * k] = pu - u;
                r[2 * k + 1] = pv - v;
            }
            r
        };
        let moved = |model: &Perspective, step: &[f64]| {
            let mut next = model.clone();
            next.rotation = Rotation3::new(Vector3::new(step[0], step[1], step[2])).into_inner() * model.rotation;
            next.shift_cm = [model.shift_cm[0] + step[3], model.shift_cm[1] + step[4]];
            next.scale = model.scale * (1.0 + step[5]);
            next
        };
        let mut damping = 1e-3;
        let mut error = residuals(&self).norm_squared();
        for _ in 0..50 {
            let base = residuals(&self);
            let mut jacobian = DMatrix::zeros(base.len(), 6);
            for k in 0..6 {
                let mut step = [0.0; 6];
                step[k] = 1e-6;
                jacobian.set_column(k, &((residuals(&moved(&self, &step)) - &base) / 1e-6));
            }
            let normal = jacobian.transpose() * &jacobian;
            let gradient = jacobian.transpose() * &base;
            let damped = &normal + DMatrix::from_diagonal(&normal.diagonal()) * damping;
            let step = damped.lu().solve(&(-gradient))?;
            let candidate = moved(&self, step.as_slice());
            let candidate_error = residuals(&candidate).norm_squared();
            if candidate_error < error {
                (self, error, damping) = (candidate, candidate_error, damping * 0.3);
                if step.amax() < 1e-10 {
                    break;
                }
            } else {
                damping *= 10.0;
                if damping > 1e8 {
                    break;
                }
            }
        }
        error.is_finite().then_some(self)
    }
}

/// A rigid 3D fit (rotation, scale, shift) of the canonical face to the mesh's image positions
/// and depth on the points the pose is fitted to: the frame in which the synthetic pose set
/// turns a photographed face.
#[cfg(feature = "tools")]
pub fn rigid_fit(points: &[[f32; 3]]) -> Option<(Matrix3<f64>, f64, Vector3<f64>)> {
    let pairs: Vec<_> = FIT_POINTS
        .iter()
        .map(|&i| {
            let p = points.get(i)?;
            Some((
                to_camera_frame(&CANONICAL.vertices[i]),
                Vector3::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2])),
                1.0,
            ))
        })
        .collect::<Option<_>>()?;
    weighted_similarity(&pairs)
}

/// Yaw, pitch and roll of a head turned by `rotation` (canonical face to camera frame) whose
/// centre lies at `translation` from the camera: against the line of sight, as `HeadPose` reads them.
#[cfg(feature = "tools")]
pub fn angles_seen(rotation: &Matrix3<f64>, translation: &Vector3<f64>) -> PoseAngles {
    let r = line_of_sight(translation).transpose() * rotation;
    PoseAngles {
        yaw: r[(0, 2)].atan2(r[(2, 2)]).to_degrees(),
        pitch: (-r[(1, 2)]).clamp(-1.0, 1.0).asin().to_degrees(),
        roll: r[(1, 0)].atan2(r[(1, 1)]).to_degrees(),
    }
}

/// The rotation that turns the optical axis onto the ray towards `translation`: a head off the
/// axis faces the camera when it faces along that ray.
fn line_of_sight(translation: &Vector3<f64>) -> Matrix3<f64> {
    let axis = Vector3::z();
    let ray = translation.normalize();
    nalgebra::Rotation3::rotation_between(&axis, &ray).map_or_else(Matrix3::identity, |r| r.into_inner())
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

    fn rotation(yaw: f64, pitch: f64, roll: f64) -> Matrix3<f64> {
        (Rotation3::from_axis_angle(&Vector3::y_axis(), yaw.to_radians())
            * Rotation3::from_axis_angle(&Vector3::x_axis(), pitch.to_radians())
            * Rotation3::from_axis_angle(&Vector3::z_axis(), roll.to_radians()))
        .into_inner()
    }

    /// The canonical face turned by yaw, pitch, roll against the line of sight, its centre at
    /// `at` in the picture, `scale` px/cm there, photographed by `camera`: image x, y and a depth
    /// in the same pixel scale, as the face mesh gives them.
    fn photographed(yaw: f64, pitch: f64, roll: f64, camera: Camera, at: (f64, f64), scale: f64) -> Vec<[f32; 3]> {
        let focal = camera.distance_cm * scale;
        let (cx, cy) = (f64::from(camera.centre.x), f64::from(camera.centre.y));
        let translation = Vector3::new((at.0 - cx) / scale, (at.1 - cy) / scale, camera.distance_cm);
        let turned = line_of_sight(&translation) * rotation(yaw, pitch, roll);
        CANONICAL
            .vertices
            .iter()
            .map(|v| {
                let p = turned * to_camera_frame(v) + translation;
                let (u, w) = (focal * p.x / p.z + cx, focal * p.y / p.z + cy);
                [u as f32, w as f32, ((p.z - translation.z) * scale) as f32]
            })
            .collect()
    }

    #[test]
    fn recovers_known_angles() {
        let camera = Camera::studio(1244, 1600);
        for (yaw, pitch, roll) in [(0.0, 0.0, 0.0), (10.0, -5.0, 3.0), (-20.0, 8.0, -12.0)] {
            let mesh = photographed(yaw, pitch, roll, camera, (622.0, 800.0), 30.0);
            let pose = HeadPose::fit_uncalibrated(&mesh, camera).unwrap();
            assert!((pose.yaw - yaw).abs() < 1e-3, "{pose:?}");
            assert!((pose.pitch - pitch).abs() < 1e-3, "{pose:?}");
            assert!((pose.roll - roll).abs() < 1e-3, "{pose:?}");
            assert!((pose.scale - 30.0).abs() < 1e-3);
        }
    }

    #[test]
    fn a_head_off_the_optical_axis_facing_the_camera_is_frontal() {
        let camera = Camera::terminal(640, 480);
        let mesh = photographed(0.0, 0.0, 0.0, camera, (150.0, 90.0), 12.0);
        let pose = HeadPose::fit_uncalibrated(&mesh, camera).unwrap();
        assert!(pose.yaw.abs() < 1e-3 && pose.pitch.abs() < 1e-3 && pose.roll.abs() < 1e-3, "{pose:?}");
    }

    #[test]
    fn the_pose_does_not_rest_on_the_meshs_depth() {
        let camera = Camera::studio(1244, 1600);
        let mut mesh = photographed(6.0, -7.0, 2.0, camera, (600.0, 760.0), 40.0);
        // The network's depth guess, wrong by a third and shifted, moves nothing.
        mesh.iter_mut().for_each(|p| p[2] = 1.3 * p[2] + 25.0);
        let pose = HeadPose::fit_uncalibrated(&mesh, camera).unwrap();
        assert!((pose.yaw - 6.0).abs() < 1e-3 && (pose.pitch + 7.0).abs() < 1e-3, "{pose:?}");
    }

    proptest::proptest! {
        #[test]
        fn any_pose_scale_and_position_is_recovered(
            yaw in -40.0f64..40.0, pitch in -30.0f64..30.0, roll in -45.0f64..45.0,
            scale in 4.0f64..80.0, x in 0.3f64..0.7, y in 0.3f64..0.7, distance in 50.0f64..250.0,
        ) {
            let camera = Camera { centre: Point::new(622.0, 800.0), distance_cm: distance };
            let mesh = photographed(yaw, pitch, roll, camera, (1244.0 * x, 1600.0 * y), scale);
            let pose = HeadPose::fit_uncalibrated(&mesh, camera).unwrap();
            // f32 landmarks limit the precision, more so for small faces.
            let tolerance = 0.05 + 2.0 / scale;
            proptest::prop_assert!((pose.yaw - yaw).abs() < tolerance, "{pose:?}");
            proptest::prop_assert!((pose.pitch - pitch).abs() < tolerance, "{pose:?}");
            proptest::prop_assert!((pose.roll - roll).abs() < tolerance, "{pose:?}");
        }
    }

    #[test]
    fn canonical_points_project_onto_the_mesh() {
        // Far away, where the rigid fit's missing perspective does not matter.
        let camera = Camera { centre: Point::new(622.0, 800.0), distance_cm: 10_000.0 };
        let mesh = photographed(12.0, -8.0, 5.0, camera, (600.0, 760.0), 40.0);
        let pose = HeadPose::fit(&mesh, camera).unwrap();
        let chin_index = crate::models::face_mesh::index::CHIN;
        let canonical_chin = CANONICAL.vertices[chin_index];
        let chin = pose.project([canonical_chin.x, canonical_chin.y, canonical_chin.z]);
        let observed = mesh[chin_index];
        assert!((chin.x - observed[0]).abs() < 0.5 && (chin.y - observed[1]).abs() < 0.5, "{chin:?} {observed:?}");
    }

    #[test]
    fn the_calibrated_fit_divides_out_the_meshs_response() {
        let camera = Camera::studio(1244, 1600);
        let mesh = photographed(4.0, 7.0, 1.0, camera, (622.0, 780.0), 40.0);
        let (raw, pose) = (HeadPose::fit_uncalibrated(&mesh, camera).unwrap(), HeadPose::fit(&mesh, camera).unwrap());
        assert!((pose.pitch - (raw.pitch - PITCH_RESPONSE.offset) / PITCH_RESPONSE.slope).abs() < 1e-9);
        assert!((pose.yaw - (raw.yaw - YAW_RESPONSE.offset) / YAW_RESPONSE.slope).abs() < 1e-9);
        assert_eq!(pose.roll, raw.roll);
    }

    #[test]
    fn signs_follow_the_documented_convention() {
        let camera = Camera::studio(1200, 1400);
        let posed = |yaw, pitch, roll| photographed(yaw, pitch, roll, camera, (600.0, 700.0), 30.0);
        let nose = crate::models::face_mesh::index::NOSE_TIP;
        let turned = posed(20.0, 0.0, 0.0);
        assert!(turned[nose][0] < 600.0, "positive yaw moves the nose left in the picture");
        let lowered = posed(0.0, 20.0, 0.0);
        assert!(lowered[nose][1] > posed(0.0, 0.0, 0.0)[nose][1], "positive pitch moves the nose down");
        let rolled = posed(0.0, 0.0, 10.0);
        let (right_eye, left_eye) = (rolled[33], rolled[263]);
        assert!(left_eye[1] > right_eye[1], "positive roll lowers the eye on the right of the picture");
    }
}
