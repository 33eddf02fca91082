//! The four face models, one file each: load from ONNX bytes once (shapes fixed, graph optimised),
//! then `run(&self)` from any number of threads. The default models are embedded in the binary.

pub mod face_detector;
pub mod face_embedding;
pub mod face_mesh;
pub mod iris;
pub mod segmentation;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tract_onnx::prelude::*;

use crate::error::{Error, Result};

pub use face_detector::{FaceDetection, FaceDetector};
pub use face_mesh::{FaceMesh, MeshLandmarks};
pub use iris::{EyeLandmarks, IrisModel};
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
    fn bytes(&self, source: &ModelSource) -> Result<std::borrow::Cow<'static, [u8]>> {
        match source {
            ModelSource::Embedded => Ok(self.embedded.into()),
            ModelSource::Directory(dir) => {
                let path = dir.join(self.file);
                std::fs::read(&path).map(Into::into).map_err(|source| Error::Io { path, source })
            }
        }
    }
}

/// A loaded, optimised ONNX graph with a fixed input shape.
#[derive(Clone)]
pub(crate) struct OnnxModel {
    name: &'static str,
    plan: Arc<TypedRunnableModel>,
    input_shape: Vec<usize>,
}

impl OnnxModel {
    /// Loads and optimises a graph, and verifies that its float outputs have exactly the element
    /// counts the caller will read (in any order), so a swapped or wrong model fails here, typed,
    /// rather than later.
    pub fn load(
        file: &ModelFile,
        source: &ModelSource,
        input_shape: &[usize],
        output_lengths: &[usize],
    ) -> Result<Self> {
        let bytes = file.bytes(source)?;
        let err = |e: TractError| Error::model(file.name, e);
        let model = tract_onnx::onnx()
            .model_for_read(&mut &*bytes)
            .map_err(err)?
            .with_input_fact(0, f32::fact(input_shape).into())
            .map_err(err)?
            .into_optimized()
            .map_err(err)?;
        let mut lengths = Vec::new();
        for outlet in model.output_outlets().map_err(err)? {
            let fact = model.outlet_fact(*outlet).map_err(err)?;
            let shape =
                fact.shape.as_concrete().ok_or_else(|| Error::model(file.name, "an output has no fixed shape"))?;
            if fact.datum_type != f32::datum_type() {
                return Err(Error::model(file.name, "an output is not float32"));
            }
            lengths.push(shape.iter().product::<usize>());
        }
        let mut expected = output_lengths.to_vec();
        expected.sort_unstable();
        lengths.sort_unstable();
        if lengths != expected {
            return Err(Error::model(file.name, format!("outputs of {lengths:?} values, expected {expected:?}")));
        }
        let plan = model.into_runnable().map_err(err)?;
        Ok(OnnxModel { name: file.name, plan, input_shape: input_shape.to_vec() })
    }

    /// Runs the graph on one NHWC input given as a flat vector.
    pub fn run(&self, input: Vec<f32>) -> Result<TVec<TValue>> {
        let tensor = tract_ndarray::ArrayD::from_shape_vec(self.input_shape.as_slice(), input)
            .map_err(|e| Error::model(self.name, e))?;
        self.plan.run(tvec!(Tensor::from(tensor).into())).map_err(|e| Error::model(self.name, e))
    }

    /// The output with `length` values (output lengths are distinct and checked at load).
    pub fn output<'a>(&self, outputs: &'a TVec<TValue>, length: usize) -> Result<&'a [f32]> {
        for output in outputs {
            let values = output
                .try_as_plain_ram()
                .and_then(|view| view.as_slice::<f32>())
                .map_err(|e| Error::model(self.name, e))?;
            if values.len() == length {
                return Ok(values);
            }
        }
        Err(Error::model(self.name, format!("no output of {length} values")))
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
    pub fn load(source: &ModelSource) -> Result<Models> {
        std::thread::scope(|scope| {
            let detector = scope.spawn(|| FaceDetector::load(source));
            let iris = scope.spawn(|| IrisModel::load(source));
            let mesh = FaceMesh::load(source)?;
            let segmenter = Segmenter::load(source)?;
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
        Models::load(&ModelSource::Embedded)
    }

    pub fn from_dir(dir: impl AsRef<Path>) -> Result<Models> {
        Models::load(&ModelSource::Directory(dir.as_ref().to_path_buf()))
    }
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-80.0, 80.0)).exp())
}
