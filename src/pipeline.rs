//! One photo's path: pyramid -> detection -> mesh -> iris, morph score and smile probability
//! (beside them all, the segmentation) -> pose, head outline and geometry -> scene grid -> other
//! faces beside the appearance measures. On a checker of more than one thread the parts written
//! "beside" run side by side (`crate::threads`). Each shared intermediate is computed once here
//! and each measurement family (`crate::measure`) runs once; the checks only judge the result.

use std::ops::RangeInclusive;
use std::time::Instant;

use crate::decode::ImageFacts;
use crate::error::Result;
use crate::imaging::{Point, Pyramid};
use crate::measure::face_image::FaceImage;
use crate::measure::head::{self, HeadOutline};
use crate::measure::pose::{Camera, HeadPose, PoseAngles};
use crate::measure::scene::Scene;
use crate::measure::{
    Finding, NotMeasured, background, colour, compression, coverings, exposure, eyes_mouth, focus, geometry, integrity,
    reference,
};
use crate::models::face_embedding::{Embedding, FaceEmbedder};
use crate::models::iris::Eye;
use crate::models::{
    DifferentialMorph, EyeLandmarks, FaceDetection, FaceMesh, HandDetection, HandLandmarker, MeshLandmarks, ModelSet,
    PersonMask,
};
use crate::report::{DetectedFace, FaceReport, KeyLandmarks};
use crate::threads::side_by_side;

/// Below this Face Mesh presence the crop holds no usable face.
pub(crate) const MIN_MESH_PRESENCE: f32 = 0.5;

/// Everything measured on one photo, before any profile judges it. Made by
/// `Checker::analyse_bytes` or `Checker::analyse_image` and judged by `Checker::judge`; read it
/// through its methods.
#[derive(Debug, Clone)]
pub struct Analysis {
    pub(crate) facts: ImageFacts,
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Every face found, strongest first.
    pub(crate) faces: Vec<FaceDetection>,
    /// The largest face, measured; or why it could not be.
    pub(crate) face: Result<FaceAnalysis, NotMeasured>,
    /// The hand model's highest presence score around the palms the palm detector found (0 when
    /// it found none).
    pub(crate) hand_presence: f32,
    /// The person mask, for the tools that edit the background.
    #[cfg(feature = "tools")]
    pub(crate) mask: PersonMask,
    /// 24 for colour, 8 for grey.
    pub(crate) colour_depth: Finding,
    /// The largest step a row of JPEG block borders shows across the background (damaged values).
    pub(crate) block_band_step: Result<Finding, NotMeasured>,
    /// (stage, milliseconds), in pipeline order; stages that ran side by side overlap.
    pub(crate) timings: Vec<(&'static str, f64)>,
    /// Milliseconds from the start of the analysis (of the decoding, where it decoded) to its end.
    pub(crate) elapsed_ms: f64,
}

#[derive(Debug, Clone)]
pub struct FaceAnalysis {
    pub detection: FaceDetection,
    pub mesh: MeshLandmarks,
    pub right_eye: EyeLandmarks,
    pub left_eye: EyeLandmarks,
    pub pose: Option<HeadPose>,
    pub head: HeadOutline,
    pub geometry: geometry::GeometryMeasures,
    /// The single-image morph detector's score, 0 (bona fide) .. 1 (morph).
    pub morph_score: f32,
    /// The expression classifier's probability of a smile, 0..1.
    pub smile_probability: f32,
    /// Photographic, background and subject measurements; None when the face is too small.
    pub appearance: Option<Appearance>,
}

/// What the photographic, background and subject checks judge, one family each. A family is
/// None when its region is not visible.
#[derive(Debug, Clone)]
pub struct Appearance {
    pub exposure: Option<exposure::ExposureMeasures>,
    pub sharpness: Option<Finding>,
    pub colour: Option<colour::ColourMeasures>,
    /// JPEG blocking over the face, at the photo's own resolution.
    pub blockiness: Option<Finding>,
    pub subject: Option<eyes_mouth::SubjectMeasures>,
    pub background: Option<background::BackgroundMeasures>,
    pub coverings: Option<coverings::CoveringMeasures>,
}

/// What a comparison of a document photo with a live capture measured.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ReferenceMeasures {
    /// Between the two faces' identity embeddings.
    pub identity_distance: Result<Finding, NotMeasured>,
    /// The differential morph detector's score, 0..1.
    pub morph_score: Result<Finding, NotMeasured>,
}

impl Analysis {
    /// A stage that ran before the analysis (decoding, the pyramid): first in the timings, and
    /// part of the elapsed time.
    pub(crate) fn time_earlier_stage(&mut self, stage: &'static str, milliseconds: f64) {
        self.timings.insert(0, (stage, milliseconds));
        self.elapsed_ms += milliseconds;
    }

    /// Whether the photo shows colour (24 bits), which colour cues need: a grey photo, stored as
    /// grey or as equal channels, reads 8.
    pub(crate) fn in_colour(&self) -> bool {
        self.colour_depth.value >= 24.0
    }

    /// The photo's format facts (format, size, colour type, JPEG quality).
    pub fn facts(&self) -> &ImageFacts {
        &self.facts
    }

    /// Width of the decoded, upright photo in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height of the decoded, upright photo in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Every face the detector found, strongest first.
    pub fn faces(&self) -> Vec<DetectedFace> {
        self.faces.iter().map(|f| DetectedFace { score: f.score, bbox: f.bbox }).collect()
    }

    /// The face the checks judge (the largest), with its key landmarks and pose; None when no
    /// face was found or its landmarks could not be located.
    pub fn face(&self) -> Option<FaceReport> {
        let face = self.face.as_ref().ok()?;
        let head = &face.head;
        Some(FaceReport {
            bbox: face.detection.bbox,
            landmarks: KeyLandmarks {
                right_eye_centre: head.right_eye_centre,
                left_eye_centre: head.left_eye_centre,
                nose_tip: head.nose_tip,
                chin: head.chin,
                forehead: head.forehead,
                crown: head.crown,
                face_right_side: head.face_right_side,
                face_left_side: head.face_left_side,
            },
            crown_source: head.crown_source,
            hair_top_y: head.hair_top_y,
            pose: face.pose.as_ref().map(HeadPose::angles),
        })
    }

    /// The face mesh's 468 points (MediaPipe's numbering) in photo pixels.
    pub fn mesh_points(&self) -> Option<Vec<Point>> {
        self.face.as_ref().ok().map(|face| face.mesh.image_points())
    }

    /// The iris centres, picture-left (the subject's right eye) first.
    pub fn iris_centres(&self) -> Option<[Point; 2]> {
        self.face.as_ref().ok().map(|face| [face.right_eye.iris_centre, face.left_eye.iris_centre])
    }

    /// The head pose in degrees (signs as the crate documentation states them).
    pub fn pose(&self) -> Option<PoseAngles> {
        self.face.as_ref().ok()?.pose.as_ref().map(HeadPose::angles)
    }

    /// `read` of the face, or why there is no face to read.
    pub(crate) fn of_face<'a, T>(&'a self, read: impl FnOnce(&'a FaceAnalysis) -> T) -> Result<T, NotMeasured> {
        self.face.as_ref().map(read).map_err(|&missing| missing)
    }

    /// One appearance family's measurements of the face, or why there are none.
    pub(crate) fn measured<T>(&self, family: impl Fn(&Appearance) -> Option<&T>) -> Result<&T, NotMeasured> {
        let face = self.of_face(|face| face)?;
        let appearance = face.appearance.as_ref().ok_or(NotMeasured::FaceTooSmall)?;
        family(appearance).ok_or(NotMeasured::RegionNotVisible)
    }
}

struct Stopwatch {
    last: Instant,
    timings: Vec<(&'static str, f64)>,
}

impl Stopwatch {
    fn new() -> Self {
        Stopwatch { last: Instant::now(), timings: Vec::new() }
    }

    /// The time since the last lap (or record) as `stage`'s.
    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.timings.push((stage, (now - self.last).as_secs_f64() * 1e3));
        self.last = now;
    }

    /// A stage timed elsewhere (one that ran side by side with others); the next lap starts now.
    fn record(&mut self, stage: &'static str, milliseconds: f64) {
        self.timings.push((stage, milliseconds));
        self.last = Instant::now();
    }
}

/// `run`'s result and the milliseconds it took: for the stages that run side by side, which a
/// `Stopwatch`'s laps cannot time.
fn timed<T>(run: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let value = run();
    (value, started.elapsed().as_secs_f64() * 1e3)
}

/// Measures a photo with models that may still be loading: each stage waits for its own model only.
pub(crate) fn analyse(models: &dyn ModelSet, image: image::RgbImage, facts: ImageFacts) -> Result<Analysis> {
    let started = Instant::now();
    let pyramid = Pyramid::new(image);
    let pyramid_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut analysis = analyse_pyramid(models, &pyramid, facts)?;
    analysis.time_earlier_stage("pyramid", pyramid_ms);
    Ok(analysis)
}

/// The face models' results on the largest face, before pose and geometry.
struct FaceModelsOutput {
    faces: Vec<FaceDetection>,
    largest: Option<FaceDetection>,
    mesh: Option<MeshLandmarks>,
    eyes: Option<(EyeLandmarks, EyeLandmarks)>,
    morph_score: Option<f32>,
    smile_probability: Option<f32>,
}

/// Detection, then on the largest face the mesh, the irises, the morph detector and the
/// expression classifier.
fn run_face_models(models: &dyn ModelSet, pyramid: &Pyramid, watch: &mut Stopwatch) -> Result<FaceModelsOutput> {
    let faces = models.detector()?.detect(pyramid)?;
    watch.lap("detection");
    let largest = faces.iter().max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area())).cloned();
    let mesh = match &largest {
        Some(face) => Some(models.mesh()?.run(pyramid, FaceMesh::crop_for(face))?),
        None => None,
    };
    watch.lap("landmarks");
    // The irises, the morph detector and the expression classifier each read the mesh alone,
    // and only a face whose mesh holds one.
    let (width, height) = pyramid.base().dimensions();
    let measured_mesh = mesh.as_ref().filter(|mesh| {
        mesh.presence >= MIN_MESH_PRESENCE
            && mesh.points.iter().all(|&[x, y, _]| within_reach(Point::new(x, y), width, height))
    });
    let (eyes, (morph_score, smile_probability)) = side_by_side(
        || measured_mesh.map(|mesh| timed(|| measure_eyes(models, pyramid, mesh))),
        || {
            side_by_side(
                || measured_mesh.map(|mesh| timed(|| models.morph_detector()?.run(pyramid, mesh))),
                || measured_mesh.map(|mesh| timed(|| models.expression()?.smile_probability(pyramid, mesh))),
            )
        },
    );
    for (stage, ms) in [
        ("iris", eyes.as_ref().map(|e| e.1)),
        ("morph detection", morph_score.as_ref().map(|m| m.1)),
        ("expression", smile_probability.as_ref().map(|p| p.1)),
    ] {
        watch.record(stage, ms.unwrap_or(0.0));
    }
    let eyes = eyes.map(|e| e.0).transpose()?.filter(|(right, left)| {
        [right, left].iter().all(|eye| {
            eye.iris_radius.is_finite()
                && std::iter::once(&eye.iris_centre).chain(&eye.contour).all(|&p| within_reach(p, width, height))
        })
    });
    let morph_score = morph_score.map(|m| m.0).transpose()?;
    let smile_probability = smile_probability.map(|p| p.0).transpose()?;
    Ok(FaceModelsOutput { faces, largest, mesh, eyes, morph_score, smile_probability })
}

/// `analyse` on a pyramid the caller keeps (to cut more from the photo afterwards).
pub(crate) fn analyse_pyramid(models: &dyn ModelSet, pyramid: &Pyramid, facts: ImageFacts) -> Result<Analysis> {
    let started = Instant::now();
    let (width, height) = pyramid.base().dimensions();
    // The person mask needs nothing of the face: it is made beside the face models.
    let ((face_models, mut watch), (mask, segmentation_ms)) = side_by_side(
        || {
            let mut watch = Stopwatch::new();
            (run_face_models(models, pyramid, &mut watch), watch)
        },
        || timed(|| models.segmenter().and_then(|segmenter| segmenter.run(pyramid))),
    );
    let FaceModelsOutput { faces, largest, mesh, eyes, morph_score, smile_probability } = face_models?;
    let mask = mask?;
    watch.record("segmentation", segmentation_ms);
    let face = match (largest, mesh, eyes, morph_score.zip(smile_probability)) {
        (None, ..) => Err(NotMeasured::NoFace),
        (Some(detection), Some(mesh), Some((right_eye, left_eye)), Some((morph_score, smile_probability))) => {
            let pose = HeadPose::fit(&mesh.points, Camera::studio(width, height));
            let head = head::outline(&mesh, &right_eye, &left_eye, pose.as_ref(), &mask);
            let geometry = geometry::measure(&head, pose.as_ref().map(|p| p.yaw), width, height);
            Ok(FaceAnalysis {
                detection,
                mesh,
                right_eye,
                left_eye,
                pose,
                head,
                geometry,
                morph_score,
                smile_probability,
                appearance: None,
            })
        }
        (Some(_), ..) => Err(NotMeasured::NoLandmarks),
    };
    watch.lap("geometry");
    let face_centre = match &face {
        Ok(face) => face.head.eye_midpoint(),
        Err(_) => Point::new(width as f32 / 2.0, height as f32 / 2.0),
    };
    let scene = Scene::new(pyramid, &mask, face_centre);
    watch.lap("scene");
    let face_column = face.as_ref().ok().map(|face| {
        let sides = [face.head.face_right_side.x, face.head.face_left_side.x];
        sides[0].min(sides[1])..=sides[0].max(sides[1])
    });
    // The search for other people and hands and the appearance measures read the same photo,
    // mask and scene and nothing of each other.
    let ((other_faces, hand_presence), ((face, colour_depth, block_band_step), appearance_ms)) = side_by_side(
        || {
            let other_faces = timed(|| {
                let mut more = faces_among_other_people(models, pyramid, &scene, &faces)?;
                let known: Vec<FaceDetection> = faces.iter().chain(&more).cloned().collect();
                more.extend(small_faces(models, pyramid, &known)?);
                Ok::<_, crate::Error>(more)
            });
            (other_faces, timed(|| hand_presence(models, pyramid, face_column)))
        },
        || {
            timed(|| {
                let colour_depth = colour::colour_depth(facts.colour_type, &scene);
                let block_band_step = match facts.jpeg_blocks {
                    Some(layout) => integrity::block_band_step(pyramid.base(), facts.exif_orientation, layout, &scene),
                    // Only a JPEG codes its blocks' values one after another; a file stored
                    // without loss has no such values to damage. What another lossy coding
                    // (JPEG 2000, a JPEG-compressed TIFF, a lossy WebP) suffered is not read.
                    None if facts.stored_losslessly() => Ok(Finding { value: 0.0, quality: Some(100) }),
                    None => Err(NotMeasured::CompressionUnknown),
                };
                let face = face.map(|mut face| {
                    face.appearance = measure_appearance(pyramid, &scene, &mask, &face);
                    face
                });
                (face, colour_depth, block_band_step)
            })
        },
    );
    let (more, other_faces_ms) = other_faces;
    let more = more?;
    let (hand_presence, hands_ms) = hand_presence;
    let hand_presence = hand_presence?;
    let mut faces = faces;
    faces.extend(more);
    faces.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut timings = watch.timings;
    timings.push(("other faces", other_faces_ms));
    timings.push(("hands", hands_ms));
    timings.push(("appearance", appearance_ms));
    Ok(Analysis {
        facts,
        width,
        height,
        faces,
        face,
        hand_presence,
        #[cfg(feature = "tools")]
        mask,
        colour_depth,
        block_band_step,
        timings,
        elapsed_ms: started.elapsed().as_secs_f64() * 1e3,
    })
}

/// MediaPipe's two stages: palms from a score, each confirmed or not by the hand model. The palm
/// bound lies below MediaPipe's own 0.5, because a smaller hand (a child's, or one further back)
/// often scores under it (docs/calibration.md).
const PALM_MIN_SCORE: f32 = 0.2;
/// In the face's column (between the sides of the face, top to bottom of the photo) the subject's
/// own chin, neck and collar draw palms, many of them under this, while every hand over the face
/// or the chin in the calibration photos scored 0.44 or more.
const PALM_MIN_SCORE_IN_FACE_COLUMN: f32 = 0.35;
/// At most this many palms, the strongest, are looked at.
const PALMS_CONFIRMED: usize = 3;

/// The hand model's highest presence score around the strongest palms; `face_column` is the span
/// of x between the sides of the face, where one was measured.
fn hand_presence(models: &dyn ModelSet, pyramid: &Pyramid, face_column: Option<RangeInclusive<f32>>) -> Result<f32> {
    let palms = models.hand_detector()?.detect(pyramid, PALM_MIN_SCORE)?;
    let in_face_column =
        |palm: &HandDetection| face_column.as_ref().is_some_and(|column| column.contains(&palm.palm.centre().x));
    let mut highest = 0.0f32;
    for palm in palms
        .iter()
        .filter(|palm| palm.score >= PALM_MIN_SCORE_IN_FACE_COLUMN || !in_face_column(palm))
        .take(PALMS_CONFIRMED)
    {
        let presence = models.hand_landmarks()?.presence(pyramid, HandLandmarker::crop_for(palm))?;
        // A presence that is not a number, a fault of the network, is kept: `max` would drop it
        // and read as no hand.
        if presence.is_nan() {
            return Ok(presence);
        }
        highest = highest.max(presence);
    }
    Ok(highest)
}

/// Regions the person mask holds for another person get a closer look from the face detector:
/// seen whole at 128 px, a face of a tenth of the photo's height is too small to detect. At most
/// this many regions, the largest, each at least this share of the photo's height.
const CLOSER_LOOKS: usize = 3;
const MIN_REGION_OF_HEIGHT: f32 = 0.04;
/// A face found on a closer look counts at this score (the whole-photo view counts from 0.5): the
/// zoomed view of hair or clothing scores up to about 0.55.
const CLOSER_LOOK_MIN_SCORE: f32 = 0.6;

fn faces_among_other_people(
    models: &dyn ModelSet,
    pyramid: &Pyramid,
    scene: &Scene,
    known: &[FaceDetection],
) -> Result<Vec<FaceDetection>> {
    let height = pyramid.base().height() as f32;
    let mut found: Vec<FaceDetection> = Vec::new();
    for &[x0, y0, x1, y1] in scene.other_people_boxes.iter().take(CLOSER_LOOKS) {
        if (y1 - y0).max(x1 - x0) < MIN_REGION_OF_HEIGHT * height {
            continue;
        }
        let side = 1.2 * (x1 - x0).max(y1 - y0);
        let centre = Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        for face in models.detector()?.detect_in(pyramid, centre, side, CLOSER_LOOK_MIN_SCORE)? {
            if is_another_face(models, pyramid, &face, known, &found)? {
                found.push(face);
            }
        }
    }
    Ok(found)
}

/// Whether a face found on a closer look is one not yet counted and a face at all: not one found
/// before it, and confirmed by Face Mesh's presence score (zoomed in, the detector scored a cheek
/// with a strand of hair 0.62 on a compliant FRLL photo).
fn is_another_face(
    models: &dyn ModelSet,
    pyramid: &Pyramid,
    face: &FaceDetection,
    known: &[FaceDetection],
    found: &[FaceDetection],
) -> Result<bool> {
    let seen = |other: &FaceDetection| other.bbox.is_same_face_as(&face.bbox);
    if known.iter().any(seen) || found.iter().any(seen) {
        return Ok(false);
    }
    let mesh = models.mesh()?.run(pyramid, FaceMesh::crop_for(face))?;
    // A presence that is not a number counts: a second face is never dismissed by a fault.
    Ok(mesh.presence.is_nan() || mesh.presence >= MIN_MESH_PRESENCE)
}

/// Whether a landmark is a number near the photo: a face cut by the border puts some a face's
/// size beyond it, a fault of the networks anywhere (drawing and measuring walk the distance).
fn within_reach(p: Point, width: u32, height: u32) -> bool {
    let (width, height) = (width as f32, height as f32);
    (-2.0 * width..=3.0 * width).contains(&p.x) && (-2.0 * height..=3.0 * height).contains(&p.y)
}

/// Tiles for a closer look at the whole background: a side of this share of the photo's height
/// (a face of a sixteenth of the height, 100 px in a 1600-px photo, is then 20 px of the
/// detector's 128), overlapping by a quarter.
const TILE_OF_HEIGHT: f32 = 0.4;

/// Faces too small for the whole-photo view, in tiles over the whole photo (another person's face
/// may be beside the subject's head or over a shoulder).
fn small_faces(models: &dyn ModelSet, pyramid: &Pyramid, known: &[FaceDetection]) -> Result<Vec<FaceDetection>> {
    let (width, height) = (pyramid.base().width() as f32, pyramid.base().height() as f32);
    let side = (TILE_OF_HEIGHT * height).min(width);
    let stride = 0.75 * side;
    let starts = |extent: f32| {
        let count = ((extent - side) / stride).ceil().max(0.0) as usize + 1;
        (0..count).map(move |k| (k as f32 * stride).min(extent - side).max(0.0))
    };
    let mut found: Vec<FaceDetection> = Vec::new();
    for y in starts(height) {
        for x in starts(width) {
            let centre = Point::new(x + side / 2.0, y + side / 2.0);
            for face in models.detector()?.detect_in(pyramid, centre, side, CLOSER_LOOK_MIN_SCORE)? {
                if is_another_face(models, pyramid, &face, known, &found)? {
                    found.push(face);
                }
            }
        }
    }
    Ok(found)
}

fn measure_appearance(pyramid: &Pyramid, scene: &Scene, mask: &PersonMask, face: &FaceAnalysis) -> Option<Appearance> {
    let outline: Vec<Point> = crate::models::face_mesh::index::FACE_OVAL.iter().map(|&i| face.mesh.point(i)).collect();
    // Sharpness reads the photo at full resolution, the rest mostly the face crop: the largest
    // single part, run beside the others.
    let (sharpness, rest) = side_by_side(
        || focus::sharpness(pyramid.base(), &outline),
        || {
            let image = FaceImage::new(pyramid, &face.mesh, &face.right_eye, &face.left_eye, &face.head)?;
            let face_box = &face.detection.bbox;
            let clip = |v: f32| v.max(0.0) as u32;
            let blockiness = compression::blockiness(
                pyramid.base(),
                clip(face_box.x),
                clip(face_box.y),
                clip(face_box.x + face_box.width),
                clip(face_box.y + face_box.height),
            );
            Some(Appearance {
                exposure: exposure::measure(&image),
                sharpness: None,
                colour: Some(colour::measure(&image)),
                blockiness,
                subject: Some(eyes_mouth::measure(&image)),
                background: background::measure(pyramid.base(), scene, &face.head),
                coverings: coverings::measure(&image, mask),
            })
        },
    );
    rest.map(|appearance| Appearance { sharpness, ..appearance })
}

fn measure_eyes(
    models: &dyn ModelSet,
    pyramid: &Pyramid,
    mesh: &MeshLandmarks,
) -> Result<(EyeLandmarks, EyeLandmarks)> {
    let iris = models.iris()?;
    Ok((iris.run_on_mesh(pyramid, mesh, Eye::SubjectRight)?, iris.run_on_mesh(pyramid, mesh, Eye::SubjectLeft)?))
}

/// The analysis of a photo and its face's identity embedding (or why there is none).
pub(crate) fn analyse_and_embed(
    models: &dyn ModelSet,
    embedder: &FaceEmbedder,
    image: image::RgbImage,
    facts: ImageFacts,
) -> Result<(Analysis, Result<Embedding, NotMeasured>)> {
    // One pyramid for the pipeline and the embedding's chip.
    let pyramid = Pyramid::new(image);
    let analysis = analyse_pyramid(models, &pyramid, facts)?;
    let embedding = match &analysis.face {
        Ok(face) => Ok(embedder.run(&pyramid, &face.mesh)?),
        Err(missing) => Err(*missing),
    };
    Ok((analysis, embedding))
}

/// Compares a document photo with a live capture: their identity distance, and the differential
/// morph detector's score on it and on how the two faces' geometry differs.
pub(crate) fn compare(
    scorer: &DifferentialMorph,
    document: (&Analysis, Result<Embedding, NotMeasured>),
    live: (&Analysis, Result<Embedding, NotMeasured>),
) -> Result<ReferenceMeasures> {
    let distance = match (document.1, live.1) {
        (Err(missing), _) => Err(missing),
        (_, Err(_)) => Err(NotMeasured::NoFaceInReference),
        (Ok(document), Ok(live)) => Ok(document.distance(&live)),
    };
    // Both faces were found when there is a distance.
    let features = distance.and_then(|distance| {
        let (Ok(document), Ok(live)) = (&document.0.face, &live.0.face) else {
            return Err(NotMeasured::NoFaceInReference);
        };
        reference::features(distance, &document.mesh.image_points(), &live.mesh.image_points())
            .ok_or(NotMeasured::NoLandmarks)
    });
    let morph_score = match features {
        Ok(features) => Ok(Finding { value: f64::from(scorer.score(&features)?), quality: None }),
        Err(missing) => Err(missing),
    };
    Ok(ReferenceMeasures {
        identity_distance: distance.map(|d| Finding { value: f64::from(d), quality: None }),
        morph_score,
    })
}
