//! The face models, one file each: load from ONNX bytes once (shapes fixed, graph optimised),
//! then `run(&self)` from any number of threads. The default models are embedded in the binary.

pub(crate) mod differential_morph;
pub(crate) mod expression;
pub(crate) mod face_detector;
pub(crate) mod face_embedding;
pub(crate) mod face_mesh;
pub(crate) mod hand_detector;
pub(crate) mod hand_landmarks;
pub(crate) mod iris;
pub(crate) mod morph_detector;
mod runtime;
pub(crate) mod segmentation;
mod ssd;

use crate::error::{Error, Result};
use std::path::PathBuf;

pub use differential_morph::DifferentialMorph;
pub use expression::ExpressionClassifier;
pub use face_detector::{FaceBox, FaceDetection, FaceDetector};
pub use face_mesh::{FaceMesh, MeshLandmarks};
pub use hand_detector::{HandDetection, HandDetector};
pub use hand_landmarks::HandLandmarker;
pub use iris::{EyeLandmarks, IrisModel};
pub use morph_detector::MorphDetector;
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
    /// Every model the checker may run must be there, those loaded only when first needed (the
    /// hand model, the comparison's two) too: they are looked for when the checker is built, so
    /// a missing one fails the build, not a photo or a comparison later.
    Directory(PathBuf),
}

impl ModelSource {
    /// For a directory: that each model loaded on first use is there to be read. As
    /// `DecodeLimits::read_file` does, anything but a regular file is refused before it is opened
    /// (opening a FIFO would wait for a writer).
    pub(crate) fn has_models_loaded_later(&self) -> Result<()> {
        let ModelSource::Directory(dir) = self else { return Ok(()) };
        for file in [&hand_landmarks::FILE, &face_embedding::FILE, &differential_morph::FILE] {
            let path = dir.join(file.file);
            let io = |source| Error::Io { path: path.clone(), source };
            if !std::fs::metadata(&path).map_err(io)?.is_file() {
                return Err(Error::NotAFile { path });
            }
            std::fs::File::open(&path).map_err(io)?;
        }
        Ok(())
    }
}

pub(crate) struct ModelFile {
    pub name: &'static str,
    pub file: &'static str,
    /// The graph compiled in with `include_bytes!`, and nothing else: the library's read-only
    /// data, whose mapping `runtime::release_pages` drops after a load.
    pub embedded: &'static [u8],
    /// The embedded graph as tract has already typed and decluttered it, in tract's NNEF archive
    /// format (models/tract/): loading it skips the decluttering, about a third of tract's
    /// start-up. A unit test keeps it equal to what the ONNX graph and this tract version give.
    pub embedded_decluttered: Option<&'static [u8]>,
}

impl ModelFile {
    /// The embedded decluttered archive, when the embedded graph is asked for.
    pub(crate) fn decluttered(&self, source: &ModelSource) -> Option<&'static [u8]> {
        self.embedded_decluttered.filter(|_| *source == ModelSource::Embedded)
    }

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
    pub morph_detector: MorphDetector,
    pub expression: ExpressionClassifier,
    pub hand_detector: HandDetector,
    /// Needed only where the palm detector proposes a palm (about one compliant photo in ten).
    pub hand_landmarks: OnFirstUse<HandLandmarker>,
}

impl Models {
    /// Loads and optimises the models (as `load_while` does, with nothing to run beside).
    #[cfg(feature = "tools")]
    pub fn load(source: &ModelSource, backend: &Backend) -> Result<Models> {
        Models::load_while(source, backend, |_| ()).0
    }

    /// Loads as `load` does while `job` runs on a third thread with the models as they become
    /// ready: a cold start's first photo is decoded, and its first stages run, while the slower
    /// graphs are still being optimised, on a core that would otherwise wait for them.
    pub(crate) fn load_while<R: Send>(
        source: &ModelSource,
        backend: &Backend,
        job: impl FnOnce(&dyn ModelSet) -> R + Send,
    ) -> (Result<Models>, R) {
        let loading = Loading {
            detector: Slot::new(face_detector::FILE.name),
            mesh: Slot::new(face_mesh::FILE.name),
            iris: Slot::new(iris::FILE.name),
            segmenter: Slot::new(segmentation::FILE.name),
            morph_detector: Slot::new(morph_detector::FILE.name),
            expression: Slot::new(expression::FILE.name),
            hand_detector: Slot::new(hand_detector::FILE.name),
            hand_landmarks: OnFirstUse::new(hand_landmarks::FILE.name, source, backend, HandLandmarker::load),
        };
        let result = std::thread::scope(|scope| {
            scope.spawn(|| loading.iris.fill(|| IrisModel::load(source, backend)));
            let job = scope.spawn(|| job(&loading));
            // In the order the pipeline needs them.
            loading.detector.fill(|| FaceDetector::load(source, backend));
            loading.mesh.fill(|| FaceMesh::load(source, backend));
            loading.segmenter.fill(|| Segmenter::load(source, backend));
            loading.morph_detector.fill(|| MorphDetector::load(source, backend));
            loading.expression.fill(|| ExpressionClassifier::load(source, backend));
            loading.hand_detector.fill(|| HandDetector::load(source, backend));
            job.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        });
        (loading.into_models(), result)
    }
}

/// The models as the pipeline asks for them: at hand, or still loading (then each call waits
/// for its model and reports a failed load as the model's error).
pub(crate) trait ModelSet: Sync {
    fn detector(&self) -> Result<&FaceDetector>;
    fn mesh(&self) -> Result<&FaceMesh>;
    fn iris(&self) -> Result<&IrisModel>;
    fn segmenter(&self) -> Result<&Segmenter>;
    fn morph_detector(&self) -> Result<&MorphDetector>;
    fn expression(&self) -> Result<&ExpressionClassifier>;
    fn hand_detector(&self) -> Result<&HandDetector>;
    fn hand_landmarks(&self) -> Result<&HandLandmarker>;
}

impl ModelSet for Models {
    fn detector(&self) -> Result<&FaceDetector> {
        Ok(&self.detector)
    }
    fn mesh(&self) -> Result<&FaceMesh> {
        Ok(&self.mesh)
    }
    fn iris(&self) -> Result<&IrisModel> {
        Ok(&self.iris)
    }
    fn segmenter(&self) -> Result<&Segmenter> {
        Ok(&self.segmenter)
    }
    fn morph_detector(&self) -> Result<&MorphDetector> {
        Ok(&self.morph_detector)
    }
    fn expression(&self) -> Result<&ExpressionClassifier> {
        Ok(&self.expression)
    }
    fn hand_detector(&self) -> Result<&HandDetector> {
        Ok(&self.hand_detector)
    }
    fn hand_landmarks(&self) -> Result<&HandLandmarker> {
        self.hand_landmarks.get()
    }
}

struct Loading {
    detector: Slot<FaceDetector>,
    mesh: Slot<FaceMesh>,
    iris: Slot<IrisModel>,
    segmenter: Slot<Segmenter>,
    morph_detector: Slot<MorphDetector>,
    expression: Slot<ExpressionClassifier>,
    hand_detector: Slot<HandDetector>,
    hand_landmarks: OnFirstUse<HandLandmarker>,
}

impl Loading {
    /// The models, or the first failed load's error (in the order of the fields).
    fn into_models(self) -> Result<Models> {
        Ok(Models {
            detector: self.detector.into_model()?,
            mesh: self.mesh.into_model()?,
            iris: self.iris.into_model()?,
            segmenter: self.segmenter.into_model()?,
            morph_detector: self.morph_detector.into_model()?,
            expression: self.expression.into_model()?,
            hand_detector: self.hand_detector.into_model()?,
            hand_landmarks: self.hand_landmarks,
        })
    }
}

impl ModelSet for Loading {
    fn detector(&self) -> Result<&FaceDetector> {
        self.detector.wait()
    }
    fn mesh(&self) -> Result<&FaceMesh> {
        self.mesh.wait()
    }
    fn iris(&self) -> Result<&IrisModel> {
        self.iris.wait()
    }
    fn segmenter(&self) -> Result<&Segmenter> {
        self.segmenter.wait()
    }
    fn morph_detector(&self) -> Result<&MorphDetector> {
        self.morph_detector.wait()
    }
    fn expression(&self) -> Result<&ExpressionClassifier> {
        self.expression.wait()
    }
    fn hand_detector(&self) -> Result<&HandDetector> {
        self.hand_detector.wait()
    }
    fn hand_landmarks(&self) -> Result<&HandLandmarker> {
        self.hand_landmarks.get()
    }
}

/// One model being loaded: always filled, with the model or its error, so no one waits forever.
struct Slot<T> {
    model: &'static str,
    loaded: std::sync::OnceLock<Result<T>>,
}

impl<T> Slot<T> {
    fn new(model: &'static str) -> Self {
        Slot { model, loaded: std::sync::OnceLock::new() }
    }

    fn fill(&self, load: impl FnOnce() -> Result<T>) {
        let _ = self.loaded.set(self.guarded(load));
    }

    /// Loads on the first call, the calls at the same time waiting for it; then the model.
    fn fill_once(&self, load: impl FnOnce() -> Result<T>) -> Result<&T> {
        self.read(self.loaded.get_or_init(|| self.guarded(load)))
    }

    fn wait(&self) -> Result<&T> {
        self.read(self.loaded.wait())
    }

    fn into_model(self) -> Result<T> {
        self.loaded.into_inner().expect("every slot is filled before the loaders finish")
    }

    fn guarded(&self, load: impl FnOnce() -> Result<T>) -> Result<T> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(load))
            .unwrap_or_else(|_| Err(Error::Model { model: self.model, detail: "loader panicked".into() }))
    }

    fn read<'a>(&self, loaded: &'a Result<T>) -> Result<&'a T> {
        loaded.as_ref().map_err(|e| Error::Model { model: self.model, detail: format!("not loaded: {e}") })
    }
}

/// A model loaded when first asked for, once, and shared by the clones of its holder. A failed
/// load is kept: every later call reports it.
#[derive(Clone)]
pub struct OnFirstUse<T> {
    source: ModelSource,
    backend: Backend,
    load: fn(&ModelSource, &Backend) -> Result<T>,
    slot: std::sync::Arc<Slot<T>>,
}

impl<T> OnFirstUse<T> {
    fn new(
        model: &'static str,
        source: &ModelSource,
        backend: &Backend,
        load: fn(&ModelSource, &Backend) -> Result<T>,
    ) -> Self {
        let slot = std::sync::Arc::new(Slot::new(model));
        OnFirstUse { source: source.clone(), backend: backend.clone(), load, slot }
    }

    fn get(&self) -> Result<&T> {
        self.slot.fill_once(|| (self.load)(&self.source, &self.backend))
    }
}

pub(crate) fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-80.0, 80.0)).exp())
}
