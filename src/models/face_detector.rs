//! MediaPipe BlazeFace (short range): every face in the photo, with a box and six keypoints.

use serde::{Deserialize, Serialize};

use super::ssd::{self, AnchorGrid, SingleShotDetector};
use super::{Backend, ModelFile, ModelSource};
use crate::error::Result;
use crate::imaging::{InputRange, Point, Pyramid, RotatedRect};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "face detector",
    file: "face_detection_short_range.onnx",
    embedded: include_bytes!("../../models/face_detection_short_range.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/face_detection_short_range.nnef.tar")),
};
pub(crate) const INPUT_SIZE: usize = 128;
/// BlazeFace's SSD anchors: a 16x16 grid with 2 anchors per cell, then an 8x8 grid with 6.
const ANCHOR_LAYERS: [(usize, usize); 2] = [(16, 2), (8, 6)];
const KEYPOINTS: usize = 6;
/// MediaPipe's own settings for this model.
const MIN_SCORE: f32 = 0.5;
const MIN_SUPPRESSION_IOU: f32 = 0.3;

/// An axis-aligned box in image pixels.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct FaceBox {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl FaceBox {
    /// The box's centre.
    pub fn centre(&self) -> Point {
        Point::new(self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// The box's area in square pixels (0 for an empty box).
    pub fn area(&self) -> f32 {
        self.width.max(0.0) * self.height.max(0.0)
    }

    /// Whether two detections are one face seen twice: the boxes overlap by a third of their
    /// union, the centre of one lies in the middle half (each way) of the other, or the smaller
    /// lies mostly inside the larger (a close look at an eye and a spectacle rim scored 0.65 as a
    /// face on a congress portrait). BlazeFace's box reaches well beyond the face, so a second
    /// face beside the subject's head may lie partly inside the subject's box.
    pub fn is_same_face_as(&self, other: &FaceBox) -> bool {
        let centre_in_middle_of = |a: &FaceBox, b: &FaceBox| {
            let (cx, cy) = (a.x + a.width / 2.0, a.y + a.height / 2.0);
            (cx - (b.x + b.width / 2.0)).abs() <= b.width / 4.0 && (cy - (b.y + b.height / 2.0)).abs() <= b.height / 4.0
        };
        let smaller_area = self.area().min(other.area());
        self.intersection_over_union(other) >= SAME_FACE_MIN_IOU
            || centre_in_middle_of(self, other)
            || centre_in_middle_of(other, self)
            || (smaller_area > 0.0 && self.intersection(other) >= SAME_FACE_MIN_INSIDE * smaller_area)
    }

    fn intersection(&self, other: &FaceBox) -> f32 {
        let left = self.x.max(other.x);
        let top = self.y.max(other.y);
        let right = (self.x + self.width).min(other.x + other.width);
        let bottom = (self.y + self.height).min(other.y + other.height);
        (right - left).max(0.0) * (bottom - top).max(0.0)
    }

    pub(crate) fn intersection_over_union(&self, other: &FaceBox) -> f32 {
        let intersection = self.intersection(other);
        let union = self.area() + other.area() - intersection;
        if union > 0.0 { intersection / union } else { 0.0 }
    }
}

/// Two boxes overlapping by at least this share of their union hold one face; so do two of which
/// the smaller lies inside the larger by this share of its area.
const SAME_FACE_MIN_IOU: f32 = 1.0 / 3.0;
const SAME_FACE_MIN_INSIDE: f32 = 0.6;

/// One detected face. Keypoints: subject's right eye, left eye, nose tip, mouth centre, right
/// tragion, left tragion (the subject's right eye is on the left of the picture).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FaceDetection {
    pub score: f32,
    #[serde(rename = "box")]
    pub bbox: FaceBox,
    pub keypoints: [Point; 6],
}

impl FaceDetection {
    pub fn right_eye(&self) -> Point {
        self.keypoints[0]
    }

    pub fn left_eye(&self) -> Point {
        self.keypoints[1]
    }
}

#[derive(Clone)]
pub struct FaceDetector {
    detector: SingleShotDetector,
}

impl FaceDetector {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let anchors = AnchorGrid::new(&ANCHOR_LAYERS, INPUT_SIZE, KEYPOINTS);
        let detector = SingleShotDetector::load(&FILE, source, backend, anchors, InputRange::MinusOneToOne)?;
        Ok(FaceDetector { detector })
    }

    /// All faces, strongest first, in image pixels.
    pub fn detect(&self, pyramid: &Pyramid) -> Result<Vec<FaceDetection>> {
        self.detect_in_square(pyramid, &ssd::whole_photo(pyramid), MIN_SCORE)
    }

    /// The faces in a square of the photo (padded with black where it leaves the photo) whose
    /// score reaches `min_score`, strongest first, in image pixels: a closer look at a region
    /// where a face too small for the whole-photo view may be.
    pub fn detect_in(&self, pyramid: &Pyramid, centre: Point, side: f32, min_score: f32) -> Result<Vec<FaceDetection>> {
        let square = RotatedRect { centre, width: side, height: side, angle: 0.0 };
        self.detect_in_square(pyramid, &square, min_score)
    }

    fn detect_in_square(&self, pyramid: &Pyramid, square: &RotatedRect, min_score: f32) -> Result<Vec<FaceDetection>> {
        let faces = self.detector.detect(pyramid, square, min_score, MIN_SUPPRESSION_IOU)?;
        Ok(faces
            .into_iter()
            .map(|face| FaceDetection {
                score: face.score,
                bbox: face.bbox,
                keypoints: std::array::from_fn(|k| face.keypoints[k]),
            })
            .collect())
    }
}
