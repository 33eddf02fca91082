//! MediaPipe's hand landmark model (lite): whether the region around a palm the palm detector
//! found holds a hand (its presence score; the model's 21 hand points are not read).

use super::hand_detector::HandDetection;
use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, RotatedRect};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "hand landmarks",
    file: "hand_landmark_lite.onnx",
    embedded: include_bytes!("../../models/hand_landmark_lite.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/hand_landmark_lite.nnef.tar")),
};
pub(crate) const INPUT_SIZE: usize = 224;
/// x, y, z of each of the 21 hand points: the graph's other output, checked at load.
const LANDMARK_COUNT: usize = 21;
/// MediaPipe's hand region around a palm (`palm_detection_detection_to_roi`): the palm's box
/// moved half its height towards the fingers, then 2.6 times its longer side, square, turned so
/// that the fingers point up.
const CROP_SHIFT_TO_FINGERS: f32 = 0.5;
const CROP_SCALE: f32 = 2.6;

#[derive(Clone)]
pub struct HandLandmarker {
    model: OnnxModel,
}

impl HandLandmarker {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        let model = OnnxModel::load(&FILE, source, backend, &[1, INPUT_SIZE, INPUT_SIZE, 3], &[LANDMARK_COUNT * 3, 1])?;
        Ok(HandLandmarker { model })
    }

    /// The region the hand model reads around a palm.
    pub fn crop_for(palm: &HandDetection) -> RotatedRect {
        let towards_fingers = Point::new(palm.middle_knuckle.x - palm.wrist.x, palm.middle_knuckle.y - palm.wrist.y);
        // The turn that brings the crop's upward direction onto the wrist-to-knuckle direction.
        let angle = towards_fingers.x.atan2(-towards_fingers.y);
        let (sin, cos) = angle.sin_cos();
        let shift = CROP_SHIFT_TO_FINGERS * palm.palm.height;
        let centre = palm.palm.centre();
        let side = CROP_SCALE * palm.palm.width.max(palm.palm.height);
        RotatedRect {
            centre: Point::new(centre.x + shift * sin, centre.y - shift * cos),
            width: side,
            height: side,
            angle,
        }
    }

    /// The probability that the region holds a hand, 0..1 (the graph ends in a sigmoid).
    pub fn presence(&self, pyramid: &Pyramid, crop: RotatedRect) -> Result<f32> {
        let input = pyramid.sample(&crop, INPUT_SIZE, INPUT_SIZE, false, InputRange::ZeroToOne, Border::Replicate);
        let outputs = self.model.run(input)?;
        Ok(self.model.output(&outputs, 1)?[0])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::FaceBox;

    #[test]
    fn the_crop_reaches_towards_the_fingers_and_turns_them_up() {
        let palm = |wrist: Point, middle_knuckle: Point| HandDetection {
            score: 0.9,
            palm: FaceBox { x: 90.0, y: 90.0, width: 20.0, height: 20.0 },
            wrist,
            middle_knuckle,
        };
        let upright = HandLandmarker::crop_for(&palm(Point::new(100.0, 110.0), Point::new(100.0, 95.0)));
        assert!(upright.angle.abs() < 1e-6);
        assert!((upright.centre.y - 90.0).abs() < 1e-4 && (upright.centre.x - 100.0).abs() < 1e-4);
        assert!((upright.width - 52.0).abs() < 1e-4);
        // Fingers pointing right: the crop's top is on the right.
        let right = HandLandmarker::crop_for(&palm(Point::new(90.0, 100.0), Point::new(105.0, 100.0)));
        assert!((right.angle - std::f32::consts::FRAC_PI_2).abs() < 1e-6);
        assert!((right.centre.x - 110.0).abs() < 1e-4);
        let top = right.to_image(0.5, 0.0);
        assert!(top.x > right.centre.x + 25.0, "{top:?}");
    }
}
