//! The one error type of the library. Every failure a caller can cause (bad bytes, a photo too large,
//! an unknown profile) is a variant here, so the CLI and the C ABI can map it to a code and a message.

use std::path::PathBuf;

/// Everything that can go wrong before a report exists. A photo that decodes but breaks the rules is
/// not an error: it gives a report whose checks fail.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    #[error("the input is empty")]
    EmptyInput,
    #[error("the input is {len} bytes, above the limit of {limit} bytes")]
    InputTooLarge { len: usize, limit: usize },
    #[error("unrecognised image format (passbild reads JPEG, PNG and JPEG 2000)")]
    UnknownFormat,
    #[error("the {format} data is truncated")]
    Truncated { format: &'static str },
    #[error("the {format} data cannot be decoded: {detail}")]
    Decode { format: &'static str, detail: String },
    #[error("the image is {width}x{height} px, above the limit of {limit}")]
    ImageTooLarge { width: u64, height: u64, limit: String },
    #[error("decoding the image would need more than {limit_bytes} bytes of memory")]
    DecoderMemory { limit_bytes: u64 },
    #[error("invalid pixel buffer: {0}")]
    InvalidPixels(String),
    #[error("model {model}: {detail}")]
    Model { model: &'static str, detail: String },
    #[error("unknown profile {name:?} (built-in profiles: {known})")]
    UnknownProfile { name: String, known: String },
    #[error("invalid profile: {0}")]
    InvalidProfile(String),
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot start the thread pool: {0}")]
    ThreadPool(String),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub(crate) fn model(model: &'static str, err: impl std::fmt::Display) -> Self {
        Error::Model { model, detail: format!("{err:#}") }
    }
}
