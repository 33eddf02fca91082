//! The one error type of the library. Every failure a caller can cause (bad bytes, a photo too large,
//! an unknown profile) is a variant here, so the CLI and the C ABI can map it to a code and a message.

use std::path::PathBuf;

/// Everything that can go wrong before a report exists. A photo that decodes but breaks the rules is
/// not an error: it gives a report whose checks fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input has zero bytes.
    #[error("the input is empty")]
    EmptyInput,
    /// The input is larger than `DecodeLimits::max_input_bytes`.
    #[error("the input is {len} bytes, above the limit of {limit} bytes")]
    InputTooLarge {
        /// The input's size in bytes.
        len: usize,
        /// The limit in bytes.
        limit: usize,
    },
    /// Not JPEG, PNG, JPEG 2000, TIFF, BMP, WebP or PNM by its signature.
    #[error("unrecognised image format (passbild reads JPEG, PNG, JPEG 2000, TIFF, BMP, WebP and PNM)")]
    UnknownFormat,
    /// The file ends before its image data does.
    #[error("the {format} data is truncated")]
    Truncated {
        /// The format's name.
        format: &'static str,
    },
    /// The decoder refused the data.
    #[error("the {format} data cannot be decoded: {detail}")]
    Decode {
        /// The format's name.
        format: &'static str,
        /// The decoder's reason.
        detail: String,
    },
    /// Width, height or pixel count above the limits, found from the header before decoding.
    #[error("the image is {width}x{height} px, above the limit of {limit}")]
    ImageTooLarge {
        /// Width in pixels as the header states it.
        width: u64,
        /// Height in pixels as the header states it.
        height: u64,
        /// The limit exceeded, in words.
        limit: String,
    },
    /// One side more than `DecodeLimits::max_aspect_ratio` times the other: no photo, and every
    /// grid sized from the photo's shape would grow without bound.
    #[error("the image is {width}x{height} px, an aspect ratio of {ratio:.1}:1, beyond the limit of {limit}:1")]
    AspectRatio {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The longer side over the shorter.
        ratio: f64,
        /// The limit.
        limit: u32,
    },
    /// The file's structure is whole but its image data is damaged (invalid codes, a scan that
    /// ends early, restart markers out of order): its pixels are not the photo.
    #[error("the {format} data is damaged: {detail}")]
    Damaged {
        /// The format's name.
        format: &'static str,
        /// What was found.
        detail: String,
    },
    /// Not a regular file (a FIFO, a device, a directory): it is not read, since it may never end.
    #[error("{path} is not a regular file")]
    NotAFile {
        /// The path.
        path: PathBuf,
    },
    /// Decoding would need more memory than `DecodeLimits::max_alloc_bytes`.
    #[error("decoding the image would need more than {limit_bytes} bytes of memory")]
    DecoderMemory {
        /// The limit in bytes.
        limit_bytes: u64,
    },
    /// A raw pixel buffer does not match its width, height and stride.
    #[error("invalid pixel buffer: {0}")]
    InvalidPixels(String),
    /// A model failed to load or run.
    #[error("model {model}: {detail}")]
    Model {
        /// The model's name ("face mesh", "iris", ...).
        model: &'static str,
        /// What went wrong.
        detail: String,
    },
    /// No built-in profile has that name, and it is not a `.toml` path.
    #[error("unknown profile {name:?} (built-in profiles: {known})")]
    UnknownProfile {
        /// The name asked for.
        name: String,
        /// The built-in profiles' names.
        known: String,
    },
    /// A profile is not valid TOML, names an unknown key or check, or has a bad value.
    #[error("invalid profile: {0}")]
    InvalidProfile(String),
    /// A file could not be read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The photo cannot be cropped to the profile's template (`Checker::crop`).
    #[error("cannot crop to the template: {0}")]
    Crop(crate::crop::CropProblem),
    /// A receipt or a key was refused (`receipt::verify`); the kind says how.
    #[error(transparent)]
    Receipt(#[from] crate::receipt::ReceiptError),
    /// The checker's thread pool could not be started.
    #[error("cannot start the thread pool: {0}")]
    ThreadPool(String),
    /// A live session's target has a number outside its domain (`LiveSession::set_target`).
    #[error("invalid live target: {0}")]
    InvalidLiveTarget(String),
}

/// The library's result type: `Error` by default.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A stable code for the kind of error ("not_a_photo", "truncated", "unknown_profile", ...),
    /// the same in the service's answers and the Python package's exceptions.
    pub fn code(&self) -> &'static str {
        use crate::receipt::ReceiptError;
        match self {
            Error::EmptyInput => "empty_input",
            Error::InputTooLarge { .. } => "input_too_large",
            Error::UnknownFormat => "not_a_photo",
            Error::Truncated { .. } => "truncated",
            Error::Decode { .. } => "decode_failed",
            Error::ImageTooLarge { .. } => "image_too_large",
            Error::AspectRatio { .. } => "aspect_ratio",
            Error::Damaged { .. } => "damaged",
            Error::NotAFile { .. } => "not_a_file",
            Error::DecoderMemory { .. } => "decoder_memory",
            Error::InvalidPixels(_) => "invalid_pixels",
            Error::Model { .. } => "model_failed",
            Error::UnknownProfile { .. } => "unknown_profile",
            Error::InvalidProfile(_) => "invalid_profile",
            Error::Io { .. } => "io",
            Error::Crop(_) => "cannot_crop",
            Error::Receipt(receipt) => match receipt {
                ReceiptError::Malformed(_) => "receipt_malformed",
                ReceiptError::WrongKey { .. } => "receipt_wrong_key",
                ReceiptError::BadSignature => "receipt_bad_signature",
                ReceiptError::ImageMismatch { .. } => "receipt_image_mismatch",
                ReceiptError::InvalidKey(_) => "invalid_key",
            },
            Error::ThreadPool(_) => "thread_pool",
            Error::InvalidLiveTarget(_) => "invalid_live_target",
        }
    }

    pub(crate) fn model(model: &'static str, err: impl std::fmt::Display) -> Self {
        Error::Model { model, detail: format!("{err:#}") }
    }
}
