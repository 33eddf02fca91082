//! The four face models, one file each: load from ONNX bytes once (shapes fixed, graph optimised),
//! then `run(&self)` from any number of threads. The default models are embedded in the binary.

pub mod face_detector;
pub mod face_embedding;
pub mod face_mesh;
pub mod iris;
mod runtime;
pub mod segmentation;

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

pub use face_detector::{FaceDetection, FaceDetector};
pub use face_mesh::{FaceMesh, MeshLandmarks};
pub use iris::{EyeLandmarks, IrisModel};
pub use runtime::Backend;
pub(crate) use runtime::OnnxModel;
pub use segmentation::{PersonMask, Segmenter};

/// Where the ONNX files come from.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ModelSource {
    /// The models compiled into the library (see models/README.md for their provenance).
    #[default]
    Embedded,
    /// A directory holding files with the same names as models/, for users who swap a model.
    Directory(PathBuf),
}

pub(crate) struct ModelFile {
    pub name: &'static str,
    pub file: &'static str,
    pub embedded: &'static [u8],
}

impl ModelFile {
    pub(crate) fn bytes(&self, source: &ModelSource) -> Result<std::borrow::Cow<'static, [u8]>> {
        match source {
            ModelSource::Embedded => Ok(self.embedded.into()),
            ModelSource::Directory(dir) => {
                let path = dir.join(self.file);
                std::fs::read(&path).map(Into::into).map_err(|source| Error::Io { path, source })
            }
        }
    }
}

/// All models of the pipeline, loaded once and shared.
#[derive(Clone)]
pub struct Models {
    pub detector: FaceDetector,
    pub mesh: FaceMesh,
    pub iris: IrisModel,
    pub segmenter: Segmenter,
}

impl Models {
    /// Loads and optimises the four models, two at a time (graph optimisation dominates start-up).
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Models> {
        std::thread::scope(|scope| {
            let detector = scope.spawn(|| FaceDetector::load(source, backend));
            let iris = scope.spawn(|| IrisModel::load(source, backend));
            let mesh = FaceMesh::load(source, backend)?;
            let segmenter = Segmenter::load(source, backend)?;
            let join = |name| move |_| Error::Model { model: name, detail: "loader thread panicked".into() };
            Ok(Models {
                detector: detector.join().map_err(join("face detector"))??,
                mesh,
                iris: iris.join().map_err(join("iris"))??,
                segmenter,
            })
        })
    }

    pub fn embedded() -> Result<Models> {
        Models::load(&ModelSource::Embedded, &Backend::Tract)
    }

    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Models> {
        Models::load(&ModelSource::Directory(dir.as_ref().to_path_buf()), &Backend::Tract)
    }
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-80.0, 80.0)).exp())
}
