//! MediaPipe's palm detector (lite): where hands may be in the photo, each a box around the palm
//! (`hand_landmarks` confirms them).

use super::face_detector::FaceBox;
use super::ssd::AnchorGrid;
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{InputRange, Point, Pyramid, RotatedRect};

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

/// One palm: its box and keypoints in image pixels and the detector's score.
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
    model: OnnxModel,
    anchors: AnchorGrid,
}

impl HandDetector {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let anchors = AnchorGrid::new(&ANCHOR_LAYERS, INPUT_SIZE, KEYPOINTS);
        let model = OnnxModel::load(
            &FILE,
            source,
            backend,
            &[1, INPUT_SIZE, INPUT_SIZE, 3],
            &[anchors.len() * anchors.values_per_anchor(), anchors.len()],
        )?;
        Ok(HandDetector { model, anchors })
    }

    /// The hands whose score reaches `min_score`, strongest first: the whole photo seen at once,
    /// letterboxed into a square with black padding as MediaPipe does.
    pub fn detect(&self, pyramid: &Pyramid, min_score: f32) -> Result<Vec<HandDetection>> {
        let (width, height) = (pyramid.base().width() as f32, pyramid.base().height() as f32);
        let side = width.max(height);
        let letterbox =
            RotatedRect { centre: Point::new(width / 2.0, height / 2.0), width: side, height: side, angle: 0.0 };
        let input = pyramid.sample(&letterbox, INPUT_SIZE, INPUT_SIZE, false, InputRange::ZeroToOne);
        let outputs = self.model.run(input)?;
        let regressors = self.model.output(&outputs, self.anchors.len() * self.anchors.values_per_anchor())?;
        let logits = self.model.output(&outputs, self.anchors.len())?;
        let hands = self.anchors.decode(regressors, logits, &letterbox, min_score, MIN_SUPPRESSION_IOU);
        Ok(hands
            .into_iter()
            .map(|hand| HandDetection {
                score: hand.score,
                palm: hand.bbox,
                wrist: hand.keypoints[WRIST],
                middle_knuckle: hand.keypoints[MIDDLE_KNUCKLE],
            })
            .collect())
    }
}
