//! The decoding MediaPipe's single-shot detectors share (BlazeFace, the palm detector): boxes and
//! keypoints regressed from a fixed grid of anchors, scored by a logit, merged by weighted
//! non-maximum suppression.

use super::face_detector::FaceBox;
use super::{Backend, ModelFile, ModelSource, OnnxModel, sigmoid};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, RotatedRect};

/// A single-shot detector's graph and anchors.
#[derive(Clone)]
pub(crate) struct SingleShotDetector {
    model: OnnxModel,
    anchors: AnchorGrid,
    input_range: InputRange,
}

impl SingleShotDetector {
    /// Loads a graph whose outputs are the anchors' regressed values and their logits.
    pub fn load(
        file: &ModelFile,
        source: &ModelSource,
        backend: &Backend,
        anchors: AnchorGrid,
        input_range: InputRange,
    ) -> Result<Self> {
        let side = anchors.input_size;
        let model = OnnxModel::load(
            file,
            source,
            backend,
            &[1, side, side, 3],
            &[anchors.len() * anchors.values_per_anchor(), anchors.len()],
        )?;
        Ok(SingleShotDetector { model, anchors, input_range })
    }

    /// The detections in a square of the photo (padded with black where it leaves the photo)
    /// whose score reaches `min_score`, merged, strongest first, in image pixels.
    pub fn detect(
        &self,
        pyramid: &Pyramid,
        square: &RotatedRect,
        min_score: f32,
        min_suppression_iou: f32,
    ) -> Result<Vec<Candidate>> {
        let side = self.anchors.input_size;
        let input = pyramid.sample(square, side, side, false, self.input_range, Border::Zero);
        let outputs = self.model.run(input)?;
        let regressors = self.model.output(&outputs, self.anchors.len() * self.anchors.values_per_anchor())?;
        let logits = self.model.output(&outputs, self.anchors.len())?;
        Ok(self.anchors.decode(regressors, logits, square, min_score, min_suppression_iou))
    }
}

/// The whole photo centred in a square, as MediaPipe letterboxes it for its detectors.
pub(crate) fn whole_photo(pyramid: &Pyramid) -> RotatedRect {
    let (width, height) = (pyramid.base().width() as f32, pyramid.base().height() as f32);
    let side = width.max(height);
    RotatedRect { centre: Point::new(width / 2.0, height / 2.0), width: side, height: side, angle: 0.0 }
}

/// A detector's anchors and output layout.
#[derive(Clone)]
pub(crate) struct AnchorGrid {
    /// Anchor centres in 0..1 of the input square, in the model's output order.
    centres: Vec<Point>,
    input_size: usize,
    keypoints: usize,
}

/// One detection in image pixels.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Candidate {
    pub score: f32,
    pub bbox: FaceBox,
    pub keypoints: Vec<Point>,
}

impl AnchorGrid {
    /// `layers`: (cells per side, anchors per cell), finest first; anchors of fixed size 1 with
    /// their centres at the middle of each cell (MediaPipe's `fixed_anchor_size`, offset 0.5).
    pub fn new(layers: &[(usize, usize)], input_size: usize, keypoints: usize) -> Self {
        let mut centres = Vec::new();
        for &(grid, per_cell) in layers {
            for row in 0..grid {
                for column in 0..grid {
                    let centre = Point::new((column as f32 + 0.5) / grid as f32, (row as f32 + 0.5) / grid as f32);
                    centres.extend(std::iter::repeat_n(centre, per_cell));
                }
            }
        }
        AnchorGrid { centres, input_size, keypoints }
    }

    fn len(&self) -> usize {
        self.centres.len()
    }

    /// Values regressed per anchor: the box's centre and size, then x and y of each keypoint.
    fn values_per_anchor(&self) -> usize {
        4 + 2 * self.keypoints
    }

    /// The candidates whose score reaches `min_score`, merged where their boxes overlap by more
    /// than `min_suppression_iou`, strongest first; `letterbox` is the square of the photo the
    /// input was cut from.
    fn decode(
        &self,
        regressors: &[f32],
        logits: &[f32],
        letterbox: &RotatedRect,
        min_score: f32,
        min_suppression_iou: f32,
    ) -> Vec<Candidate> {
        let to_image = |p: Point| letterbox.to_image(p.x, p.y);
        let unit = self.input_size as f32;
        let mut candidates = Vec::new();
        for (i, anchor) in self.centres.iter().enumerate() {
            let score = sigmoid(logits[i]);
            if score.is_nan() || score < min_score {
                continue;
            }
            let r = &regressors[i * self.values_per_anchor()..][..self.values_per_anchor()];
            // Offsets and sizes in input pixels: a few input sides at most, unless the network
            // faults.
            if !r.iter().all(|v| v.abs() <= 4.0 * unit) {
                continue;
            }
            let centre = Point::new(anchor.x + r[0] / unit, anchor.y + r[1] / unit);
            let (w, h) = (r[2] / unit, r[3] / unit);
            let top_left = to_image(Point::new(centre.x - w / 2.0, centre.y - h / 2.0));
            let bbox =
                FaceBox { x: top_left.x, y: top_left.y, width: w * letterbox.width, height: h * letterbox.height };
            let keypoints = (0..self.keypoints)
                .map(|k| to_image(Point::new(anchor.x + r[4 + 2 * k] / unit, anchor.y + r[5 + 2 * k] / unit)))
                .collect();
            candidates.push(Candidate { score, bbox, keypoints });
        }
        weighted_non_maximum_suppression(candidates, min_suppression_iou)
    }
}

/// MediaPipe's "weighted" NMS: overlapping candidates are averaged, weighted by score, rather than
/// dropped, which steadies the box and keypoints.
fn weighted_non_maximum_suppression(mut candidates: Vec<Candidate>, min_suppression_iou: f32) -> Vec<Candidate> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut merged = Vec::new();
    while let Some(best) = candidates.first().cloned() {
        let (overlapping, rest): (Vec<_>, Vec<_>) =
            candidates.into_iter().partition(|c| c.bbox.intersection_over_union(&best.bbox) > min_suppression_iou);
        candidates = rest;
        let total: f32 = overlapping.iter().map(|c| c.score).sum();
        let mean = |f: &dyn Fn(&Candidate) -> f32| overlapping.iter().map(|c| f(c) * c.score).sum::<f32>() / total;
        let bbox = FaceBox {
            x: mean(&|c| c.bbox.x),
            y: mean(&|c| c.bbox.y),
            width: mean(&|c| c.bbox.width),
            height: mean(&|c| c.bbox.height),
        };
        let keypoints = (0..best.keypoints.len())
            .map(|k| Point::new(mean(&|c| c.keypoints[k].x), mean(&|c| c.keypoints[k].y)))
            .collect();
        merged.push(Candidate { score: best.score, bbox, keypoints });
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_run_finest_grid_first_with_repeats_per_cell() {
        let grid = AnchorGrid::new(&[(16, 2), (8, 6)], 128, 6);
        assert_eq!(grid.len(), 896);
        assert_eq!(grid.centres[0], Point::new(0.5 / 16.0, 0.5 / 16.0));
        assert_eq!(grid.centres[1], grid.centres[0]);
        assert_eq!(grid.centres[512], Point::new(0.5 / 8.0, 0.5 / 8.0));
        assert_eq!(grid.values_per_anchor(), 16);
    }

    #[test]
    fn overlapping_candidates_merge_and_separate_ones_stay() {
        let candidate = |x: f32, score: f32| Candidate {
            score,
            bbox: FaceBox { x, y: 0.0, width: 10.0, height: 10.0 },
            keypoints: vec![Point::new(x, 0.0); 2],
        };
        let merged =
            weighted_non_maximum_suppression(vec![candidate(0.0, 0.9), candidate(1.0, 0.6), candidate(50.0, 0.7)], 0.3);
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].score, 0.9);
        assert!((merged[0].bbox.x - 0.4).abs() < 1e-5);
        assert!((merged[0].keypoints[1].x - 0.4).abs() < 1e-5);
        assert_eq!(merged[1].bbox.x, 50.0);
    }

    #[test]
    fn outputs_that_are_not_numbers_or_far_off_give_no_candidate() {
        let grid = AnchorGrid::new(&[(2, 1)], 128, 1);
        let letterbox = RotatedRect { centre: Point::new(64.0, 64.0), width: 128.0, height: 128.0, angle: 0.0 };
        let plain = [0.0, 0.0, 20.0, 20.0, 0.0, 0.0];
        let mut regressors = [plain; 4];
        regressors[1][0] = f32::NAN;
        regressors[2][2] = 1e9;
        let regressors: Vec<f32> = regressors.concat();
        let found = grid.decode(&regressors, &[5.0, 5.0, 5.0, f32::NAN], &letterbox, 0.5, 0.3);
        // Only the first anchor's: the second's offset, the third's size and the fourth's score fault.
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].bbox.width, 20.0);
    }
}
