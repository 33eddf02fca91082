//! Decode -> detection -> mesh -> iris -> segmentation -> pose and head outline. Each shared
//! intermediate is computed once here and handed to the checks, which never run a model.

use std::time::Instant;

use crate::decode::ImageFacts;
use crate::error::Result;
use crate::head::{self, HeadOutline};
use crate::imaging::Pyramid;
use crate::models::face_mesh::index;
use crate::models::iris::Eye;
use crate::models::{EyeLandmarks, FaceDetection, FaceMesh, IrisModel, MeshLandmarks, Models, PersonMask};
use crate::pose::HeadPose;

/// Below this Face Mesh presence the crop holds no usable face.
const MIN_MESH_PRESENCE: f32 = 0.5;

/// Everything measured on one photo.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub facts: ImageFacts,
    pub width: u32,
    pub height: u32,
    /// Every face found, strongest first.
    pub faces: Vec<FaceDetection>,
    /// The largest face, measured; or why it could not be.
    pub face: Result<FaceAnalysis, FaceMissing>,
    pub mask: PersonMask,
    /// (stage, milliseconds), in pipeline order.
    pub timings: Vec<(&'static str, f64)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceMissing {
    NoFaceDetected,
    LandmarksNotFound,
}

#[derive(Debug, Clone)]
pub struct FaceAnalysis {
    pub detection: FaceDetection,
    pub mesh: MeshLandmarks,
    pub right_eye: EyeLandmarks,
    pub left_eye: EyeLandmarks,
    pub pose: Option<HeadPose>,
    pub head: HeadOutline,
}

struct Stopwatch {
    last: Instant,
    timings: Vec<(&'static str, f64)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch { last: Instant::now(), timings: Vec::new() }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, (now - self.last).as_secs_f64() * 1e3));
        self.last = now;
    }
}

pub fn analyse(models: &Models, image: image::RgbImage, facts: ImageFacts) -> Result<Analysis> {
    let mut watch = Stopwatch::new();
    let (width, height) = image.dimensions();
    let pyramid = Pyramid::new(image);
    watch.lap("pyramid");
    let faces = models.detector.detect(&pyramid)?;
    watch.lap("detection");
    let largest = faces.iter().max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area())).cloned();
    let mesh = match &largest {
        Some(face) => Some(models.mesh.run(&pyramid, FaceMesh::crop_for(face))?),
        None => None,
    };
    watch.lap("landmarks");
    let eyes = match &mesh {
        Some(mesh) if mesh.presence >= MIN_MESH_PRESENCE => Some(measure_eyes(models, &pyramid, mesh)?),
        _ => None,
    };
    watch.lap("iris");
    let mask = models.segmenter.run(&pyramid)?;
    watch.lap("segmentation");
    let face = match (largest, mesh, eyes) {
        (None, ..) => Err(FaceMissing::NoFaceDetected),
        (Some(detection), Some(mesh), Some((right_eye, left_eye))) => {
            let pose = HeadPose::fit(&mesh.points);
            let head = head::outline(&mesh, &right_eye, &left_eye, pose.as_ref(), &mask);
            Ok(FaceAnalysis { detection, mesh, right_eye, left_eye, pose, head })
        }
        (Some(_), ..) => Err(FaceMissing::LandmarksNotFound),
    };
    watch.lap("geometry");
    Ok(Analysis { facts, width, height, faces, face, mask, timings: watch.timings })
}

fn measure_eyes(models: &Models, pyramid: &Pyramid, mesh: &MeshLandmarks) -> Result<(EyeLandmarks, EyeLandmarks)> {
    let right_crop = IrisModel::crop_for(mesh.point(index::RIGHT_EYE_OUTER), mesh.point(index::RIGHT_EYE_INNER));
    let left_crop = IrisModel::crop_for(mesh.point(index::LEFT_EYE_INNER), mesh.point(index::LEFT_EYE_OUTER));
    Ok((
        models.iris.run(pyramid, right_crop, Eye::SubjectRight)?,
        models.iris.run(pyramid, left_crop, Eye::SubjectLeft)?,
    ))
}
