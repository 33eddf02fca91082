//! MediaPipe's palm detector (lite): where hands may be in the photo, each a box around the palm
//! (`hand_landmarks` confirms them).

use super::face_detector::FaceBox;
use super::ssd::{self, AnchorGrid, SingleShotDetector};
use super::{Backend, ModelFile, ModelSource};
use crate::error::Result;
use crate::imaging::{InputRange, Point, Pyramid};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "hand detector",
    file: "palm_detection_lite.onnx",
    embedded: include_bytes!("../../models/palm_detection_lite.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/palm_detection_lite.nnef.tar")),
};
pub(crate) const INPUT_SIZE: usize = 192;
/// MediaPipe's palm anchors: a 24x24 grid (stride 8) with 2 anchors per cell, then a 12x12 grid
/// with 6 (its three stride-16 layers merged).
const ANCHOR_LAYERS: [(usize, usize); 2] = [(24, 2), (12, 6)];
/// The wrist, the knuckles of the four fingers, two points of the thumb.
const KEYPOINTS: usize = 7;
const WRIST: usize = 0;
const MIDDLE_KNUCKLE: usize = 2;
const MIN_SUPPRESSION_IOU: f32 = 0.3;

/// One palm: its detector's score, and its box and keypoints in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub struct HandDetection {
    pub score: f32,
    pub palm: FaceBox,
    pub wrist: Point,
    /// Where the middle finger meets the palm.
    pub middle_knuckle: Point,
}

#[derive(Clone)]
pub struct HandDetector {
    detector: SingleShotDetector,
}

impl HandDetector {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let anchors = AnchorGrid::new(&ANCHOR_LAYERS, INPUT_SIZE, KEYPOINTS);
        Ok(HandDetector { detector: SingleShotDetector::load(&FILE, source, backend, anchors, InputRange::ZeroToOne)? })
    }

    /// The palms whose score reaches `min_score`, strongest first: the whole photo seen at once.
    pub fn detect(&self, pyramid: &Pyramid, min_score: f32) -> Result<Vec<HandDetection>> {
        let palms = self.detector.detect(pyramid, &ssd::whole_photo(pyramid), min_score, MIN_SUPPRESSION_IOU)?;
        Ok(palms
            .into_iter()
            .map(|palm| HandDetection {
                score: palm.score,
                palm: palm.bbox,
                wrist: palm.keypoints[WRIST],
                middle_knuckle: palm.keypoints[MIDDLE_KNUCKLE],
            })
            .collect())
    }
}
