//! MediaPipe Selfie Segmentation: the probability that each pixel belongs to the person.

use super::{Backend, ModelFile, ModelSource, OnnxModel};
use crate::error::Result;
use crate::imaging::{Border, InputRange, Point, Pyramid, RotatedRect};

pub(crate) const FILE: ModelFile = ModelFile {
    name: "selfie segmentation",
    file: "selfie_segmentation.onnx",
    embedded: include_bytes!("../../models/selfie_segmentation.onnx"),
    embedded_decluttered: Some(include_bytes!("../../models/tract/selfie_segmentation.nnef.tar")),
};
pub(crate) const SIZE: usize = 256;

/// The person mask at the model's resolution, stretched over the whole photo.
#[derive(Debug, Clone)]
pub struct PersonMask {
    probabilities: Vec<f32>,
    image_width: f32,
    image_height: f32,
}

impl PersonMask {
    pub(crate) fn from_probabilities(probabilities: Vec<f32>, image_width: u32, image_height: u32) -> Self {
        assert_eq!(probabilities.len(), SIZE * SIZE, "mask must be {SIZE}x{SIZE}");
        PersonMask { probabilities, image_width: image_width as f32, image_height: image_height as f32 }
    }

    /// Probability of the person at an image position (nearest mask cell; 0 outside the photo).
    pub fn at(&self, p: Point) -> f32 {
        let u = p.x / self.image_width * SIZE as f32;
        let v = p.y / self.image_height * SIZE as f32;
        if !(0.0..SIZE as f32).contains(&u) || !(0.0..SIZE as f32).contains(&v) {
            return 0.0;
        }
        self.probabilities[v as usize * SIZE + u as usize]
    }

    /// Image height of one mask row, in pixels.
    pub fn row_height(&self) -> f32 {
        self.image_height / SIZE as f32
    }

    /// The highest image row, between `x_from` and `x_to`, where the person covers most of the
    /// columns: the top of the hair above a face. None when no row qualifies.
    pub fn top_of_person(&self, x_from: f32, x_to: f32) -> Option<f32> {
        let to_column = |x: f32| ((x / self.image_width * SIZE as f32).floor().max(0.0) as usize).min(SIZE - 1);
        let (first, last) = (to_column(x_from.min(x_to)), to_column(x_from.max(x_to)));
        let columns = last - first + 1;
        (0..SIZE)
            .find(|&row| {
                let covered = (first..=last).filter(|&c| self.probabilities[row * SIZE + c] > 0.5).count();
                covered * 2 > columns
            })
            .map(|row| row as f32 * self.row_height())
    }
}

#[derive(Clone)]
pub struct Segmenter {
    model: OnnxModel,
}

impl Segmenter {
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Self> {
        Ok(Segmenter { model: OnnxModel::load(&FILE, source, backend, &[1, SIZE, SIZE, 3], &[SIZE * SIZE])? })
    }

    pub fn run(&self, pyramid: &Pyramid) -> Result<PersonMask> {
        let (width, height) = (pyramid.base().width(), pyramid.base().height());
        let whole = RotatedRect {
            centre: Point::new(width as f32 / 2.0, height as f32 / 2.0),
            width: width as f32,
            height: height as f32,
            angle: 0.0,
        };
        let input = pyramid.sample(&whole, SIZE, SIZE, false, InputRange::ZeroToOne, Border::Zero);
        let outputs = self.model.run(input)?;
        let probabilities = self.model.output(&outputs, SIZE * SIZE)?.to_vec();
        Ok(PersonMask::from_probabilities(probabilities, width, height))
    }
}
