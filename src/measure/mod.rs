//! Measurement: pure functions from the decoded photo, the models' landmarks and masks to measured
//! values, one module per family. The pipeline calls them once per photo; the checks only judge
//! what they return. Nothing here runs a model or knows a profile.

pub mod background;
pub mod colour;
pub mod compression;
pub mod coverings;
pub mod exposure;
pub mod eyes_mouth;
pub mod face_image;
pub mod focus;
pub mod geometry;
pub mod head;
pub mod integrity;
pub mod pose;
pub mod reference;
pub mod scene;

/// A measured value and its 0..100 quality, as the pipeline hands it to a check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Finding {
    pub value: f64,
    pub quality: Option<u8>,
}

/// Why a value could not be measured; a check that needs it reports "not assessed" and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NotMeasured {
    NoFace,
    NoLandmarks,
    EyesOutsideImage,
    FaceSideOutsideImage,
    ChinOutsideImage,
    NoPose,
    FaceTooSmall,
    EyesTooSmall,
    RegionNotVisible,
    BackgroundNotVisible,
    CompressionUnknown,
    NoPrintResolution,
    NeedsColour,
    NoFaceInReference,
    /// The measure came out as no finite number (a fault of the measure, not of the photo).
    NotFinite,
    /// The file's embedded colour profile could not be read, or gives no primaries.
    ColourProfileUnread,
}

/// A 0..1 score as a 0..100 quality, rounded and clipped.
pub fn quality(score: f64) -> Option<u8> {
    Some((100.0 * score).round().clamp(0.0, 100.0) as u8)
}

/// OFIQ's sigmoid: 1 / (1 + exp((x0 - x) / w)).
pub fn ofiq_sigmoid(x: f64, x0: f64, w: f64) -> f64 {
    1.0 / (1.0 + ((x0 - x) / w).exp())
}

/// Floats ordered totally (`total_cmp`), so a median is defined for any values.
pub trait TotalOrder: Copy {
    fn total_order(&self, other: &Self) -> std::cmp::Ordering;
}

impl TotalOrder for f32 {
    fn total_order(&self, other: &Self) -> std::cmp::Ordering {
        self.total_cmp(other)
    }
}

impl TotalOrder for f64 {
    fn total_order(&self, other: &Self) -> std::cmp::Ordering {
        self.total_cmp(other)
    }
}

/// The median (the upper one of an even count), or None for no values. Reorders `values`.
pub fn median<T: TotalOrder>(values: &mut [T]) -> Option<T> {
    if values.is_empty() {
        return None;
    }
    let middle = values.len() / 2;
    Some(*values.select_nth_unstable_by(middle, T::total_order).1)
}
