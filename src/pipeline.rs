//! Decode -> detection -> mesh -> iris -> segmentation -> pose and head outline. Each shared
//! intermediate is computed once here and handed to the checks, which never run a model.

use std::time::Instant;

use crate::checks::Finding;
use crate::checks::background::{self, BackgroundMeasures};
use crate::checks::coverings::{self, CoveringMeasures};
use crate::checks::exposure::{self, ExposureMeasures};
use crate::checks::eyes_mouth::{self, SubjectMeasures};
use crate::checks::quality::{self, QualityMeasures};
use crate::decode::ImageFacts;
use crate::error::Result;
use crate::face_image::FaceImage;
use crate::head::{self, HeadOutline};
use crate::imaging::Pyramid;
use crate::models::iris::Eye;
use crate::models::{EyeLandmarks, FaceDetection, FaceMesh, MeshLandmarks, ModelSet, Models, PersonMask};
use crate::pose::HeadPose;
use crate::scene::Scene;

/// Below this Face Mesh presence the crop holds no usable face.
pub(crate) const MIN_MESH_PRESENCE: f32 = 0.5;

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
    /// 24 for colour, 8 for grey.
    pub colour_depth: Finding,
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
    /// The single-image morph detector's score, 0 (bona fide) .. 1 (morph).
    pub morph_score: f32,
    /// Photographic, background and subject measurements; None when the face is too small.
    pub appearance: Option<Appearance>,
}

/// What the photographic, background and subject checks judge, one family each. A family is
/// None when its region is not visible.
#[derive(Debug, Clone)]
pub struct Appearance {
    pub exposure: Option<ExposureMeasures>,
    pub quality: Option<QualityMeasures>,
    /// JPEG blocking over the face, at the photo's own resolution.
    pub blockiness: Option<Finding>,
    pub subject: Option<SubjectMeasures>,
    pub background: Option<BackgroundMeasures>,
    pub coverings: Option<CoveringMeasures>,
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
    analyse_with(models, image, facts)
}

/// `analyse` with models that may still be loading: each stage waits for its own model only.
pub(crate) fn analyse_with(models: &dyn ModelSet, image: image::RgbImage, facts: ImageFacts) -> Result<Analysis> {
    let started = Instant::now();
    let pyramid = Pyramid::new(image);
    let pyramid_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut analysis = analyse_pyramid_with(models, &pyramid, facts)?;
    analysis.timings.insert(0, ("pyramid", pyramid_ms));
    Ok(analysis)
}

/// `analyse` on a pyramid the caller keeps (to cut more from the photo afterwards).
pub fn analyse_pyramid(models: &Models, pyramid: &Pyramid, facts: ImageFacts) -> Result<Analysis> {
    analyse_pyramid_with(models, pyramid, facts)
}

fn analyse_pyramid_with(models: &dyn ModelSet, pyramid: &Pyramid, facts: ImageFacts) -> Result<Analysis> {
    let mut watch = Stopwatch::new();
    let (width, height) = pyramid.base().dimensions();
    let faces = models.detector()?.detect(pyramid)?;
    watch.lap("detection");
    let largest = faces.iter().max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area())).cloned();
    let mesh = match &largest {
        Some(face) => Some(models.mesh()?.run(pyramid, FaceMesh::crop_for(face))?),
        None => None,
    };
    watch.lap("landmarks");
    let eyes = match &mesh {
        Some(mesh) if mesh.presence >= MIN_MESH_PRESENCE => Some(measure_eyes(models, pyramid, mesh)?),
        _ => None,
    };
    watch.lap("iris");
    let mask = models.segmenter()?.run(pyramid)?;
    watch.lap("segmentation");
    // Only on a face whose eyes were found, as every face measurement.
    let morph_score = match (&mesh, &eyes) {
        (Some(mesh), Some(_)) => Some(models.morph_detector()?.run(pyramid, mesh)?),
        _ => None,
    };
    watch.lap("morph detection");
    let face = match (largest, mesh, eyes, morph_score) {
        (None, ..) => Err(FaceMissing::NoFaceDetected),
        (Some(detection), Some(mesh), Some((right_eye, left_eye)), Some(morph_score)) => {
            let pose = HeadPose::fit(&mesh.points);
            let head = head::outline(&mesh, &right_eye, &left_eye, pose.as_ref(), &mask);
            Ok(FaceAnalysis { detection, mesh, right_eye, left_eye, pose, head, morph_score, appearance: None })
        }
        (Some(_), ..) => Err(FaceMissing::LandmarksNotFound),
    };
    watch.lap("geometry");
    let face_centre = match &face {
        Ok(face) => face.head.eye_midpoint(),
        Err(_) => crate::imaging::Point::new(width as f32 / 2.0, height as f32 / 2.0),
    };
    let scene = Scene::new(pyramid, &mask, face_centre);
    let colour_depth = quality::colour_depth(facts.colour_type, &scene);
    let face = face.map(|mut face| {
        face.appearance = measure_appearance(pyramid, &scene, &face);
        face
    });
    watch.lap("appearance");
    Ok(Analysis { facts, width, height, faces, face, mask, colour_depth, timings: watch.timings })
}

fn measure_appearance(pyramid: &Pyramid, scene: &Scene, face: &FaceAnalysis) -> Option<Appearance> {
    let image = FaceImage::new(pyramid, &face.mesh, &face.right_eye, &face.left_eye, &face.head)?;
    let face_box = &face.detection.bbox;
    let clip = |v: f32| v.max(0.0) as u32;
    let blockiness = quality::blockiness(
        pyramid.base(),
        clip(face_box.x),
        clip(face_box.y),
        clip(face_box.x + face_box.width),
        clip(face_box.y + face_box.height),
    );
    Some(Appearance {
        exposure: exposure::measure(&image),
        quality: Some(quality::measure(&image)),
        blockiness,
        subject: Some(eyes_mouth::measure(&image)),
        background: background::measure(scene, &face.head),
        coverings: coverings::measure(&image),
    })
}

fn measure_eyes(
    models: &dyn ModelSet,
    pyramid: &Pyramid,
    mesh: &MeshLandmarks,
) -> Result<(EyeLandmarks, EyeLandmarks)> {
    let iris = models.iris()?;
    Ok((iris.run_on_mesh(pyramid, mesh, Eye::SubjectRight)?, iris.run_on_mesh(pyramid, mesh, Eye::SubjectLeft)?))
}
