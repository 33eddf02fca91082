//! The native half of the `passbild` Python package: a checker that takes a path, bytes or an
//! image array and returns the report as JSON, with the GIL released while it checks. The Python
//! half (`python/passbild/__init__.py`) turns the JSON into typed dataclasses.

use std::path::PathBuf;
use std::sync::Mutex;

use passbild::live::{LiveSession, LiveTarget};
use passbild::receipt::{self, ReceiptKey};
use passbild::{Checker, DecodeLimits, Language, PixelFormat};
use pyo3::buffer::PyBuffer;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyByteArray, PyBytes, PyString};

// Named by its full module path, so that pickle (a process pool's worker raising it) finds it.
create_exception!(
    passbild._passbild,
    PassbildError,
    PyException,
    "A photo, a profile or a file passbild refused; `kind` names why."
);

fn raise(error: passbild::Error) -> PyErr {
    PassbildError::new_err((error.to_string(), error.code()))
}

/// What `check` was given, read while holding the GIL.
enum Input {
    Path(PathBuf),
    Bytes(Vec<u8>),
    Pixels { pixels: Vec<u8>, width: u32, height: u32, format: PixelFormat },
}

fn input(source: &Bound<'_, PyAny>) -> PyResult<Input> {
    if let Ok(bytes) = source.cast::<PyBytes>() {
        return Ok(Input::Bytes(bytes.as_bytes().to_vec()));
    }
    if let Ok(bytes) = source.cast::<PyByteArray>() {
        return Ok(Input::Bytes(bytes.to_vec()));
    }
    if source.is_instance_of::<PyString>() || source.hasattr("__fspath__")? {
        return Ok(Input::Path(source.extract()?));
    }
    let buffer = PyBuffer::<u8>::get(source).map_err(|_| {
        pyo3::exceptions::PyTypeError::new_err(
            "check() takes a path, bytes (or a flat uint8 array of them), or an array of uint8 pixels shaped (height, width[, 1|3|4])",
        )
    })?;
    let shape = buffer.shape();
    // A flat run of bytes (a file read with numpy.fromfile, a memoryview of bytes) is an encoded
    // photo, as bytes are: no image is one pixel high.
    if shape.len() == 1 {
        return Ok(Input::Bytes(buffer.to_vec(source.py())?));
    }
    let channels = match shape.len() {
        2 => 1,
        3 => shape[2],
        _ => 0,
    };
    let format = match channels {
        1 => PixelFormat::Grey8,
        3 => PixelFormat::Rgb8,
        4 => PixelFormat::Rgba8,
        _ => {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "pixels shaped {shape:?}: (height, width[, 1|3|4]) is needed"
            )));
        }
    };
    let too_large = |_| pyo3::exceptions::PyValueError::new_err("the image is too large");
    let (height, width) = (u32::try_from(shape[0]).map_err(too_large)?, u32::try_from(shape[1]).map_err(too_large)?);
    // to_vec copies in C order whatever the array's strides.
    let pixels = buffer.to_vec(source.py())?;
    Ok(Input::Pixels { pixels, width, height, format })
}

/// A path or the bytes of an encoded photo.
enum Encoded {
    Path(PathBuf),
    Bytes(Vec<u8>),
}

impl Encoded {
    /// The name a report of it carries, as check() names a file's report.
    fn file_name(&self) -> Option<String> {
        match self {
            Encoded::Path(path) => Some(path.display().to_string()),
            Encoded::Bytes(_) => None,
        }
    }

    fn read(self, limits: &DecodeLimits) -> passbild::Result<Vec<u8>> {
        match self {
            Encoded::Path(path) => limits.read_file(&path),
            Encoded::Bytes(bytes) => Ok(bytes),
        }
    }
}

/// `source` as a path or the bytes of an encoded photo, for what pixels do not carry (a colour
/// profile, EXIF, the photo as decoded for an overlay): anything else is a TypeError, raised
/// before an array is copied.
fn encoded(source: &Bound<'_, PyAny>, what: &str) -> PyResult<Encoded> {
    let not_encoded =
        || pyo3::exceptions::PyTypeError::new_err(format!("{what} takes a path, or the bytes of an encoded photo"));
    let is_named_or_bytes = source.is_instance_of::<PyBytes>()
        || source.is_instance_of::<PyByteArray>()
        || source.is_instance_of::<PyString>()
        || source.hasattr("__fspath__")?;
    // A flat run of bytes (numpy.fromfile, a memoryview) is an encoded photo, as for check();
    // an image array is not, and is refused by its shape before it is copied.
    let is_flat = || PyBuffer::<u8>::get(source).is_ok_and(|buffer| buffer.shape().len() == 1);
    if !is_named_or_bytes && !is_flat() {
        return Err(not_encoded());
    }
    match input(source)? {
        Input::Path(path) => Ok(Encoded::Path(path)),
        Input::Bytes(bytes) => Ok(Encoded::Bytes(bytes)),
        Input::Pixels { .. } => Err(not_encoded()),
    }
}

/// One file's outcome in `check_many_json`: the report's JSON, or the error's kind and message.
type FileOutcome = (Option<String>, Option<(String, String)>);

/// Checks photos against one profile; build once, use from many threads.
#[pyclass(frozen, module = "passbild._passbild")]
struct NativeChecker {
    inner: Checker,
}

impl NativeChecker {
    /// Checks `source` without the GIL (its report named as check() names a file's) and makes
    /// bytes of the photo's bytes and its report with `then`: the report's JSON and those bytes.
    fn check_then<'py>(
        &self,
        py: Python<'py>,
        source: Encoded,
        then: impl FnOnce(&[u8], &passbild::Report) -> passbild::Result<Vec<u8>> + Send,
    ) -> PyResult<(String, Bound<'py, PyBytes>)> {
        let file = source.file_name();
        let checker = &self.inner;
        let (report, made) = py
            .detach(|| {
                let bytes = source.read(checker.limits())?;
                let mut report = checker.check_bytes(&bytes)?;
                report.file = file;
                let made = then(&bytes, &report)?;
                Ok((report, made))
            })
            .map_err(raise)?;
        Ok((report.to_json(), PyBytes::new(py, &made)))
    }
}

#[pymethods]
impl NativeChecker {
    #[new]
    #[pyo3(signature = (profile = "icao", language = "en", threads = 0))]
    fn new(py: Python<'_>, profile: &str, language: &str, threads: usize) -> PyResult<Self> {
        // Refused as the service refuses it: a PassbildError of kind `unknown_language`.
        let language: Language =
            language.parse().map_err(|e: String| PassbildError::new_err((e, "unknown_language")))?;
        let builder = Checker::builder().profile_name(profile).map_err(raise)?.language(language).threads(threads);
        let inner = py.detach(|| builder.build()).map_err(raise)?;
        Ok(NativeChecker { inner })
    }

    /// The profile's name.
    #[getter]
    fn profile(&self) -> String {
        self.inner.profile().name.clone()
    }

    /// The report of one photo, as JSON.
    fn check_json(&self, py: Python<'_>, source: &Bound<'_, PyAny>) -> PyResult<String> {
        let input = input(source)?;
        let checker = &self.inner;
        let report = py.detach(|| match input {
            Input::Path(path) => checker.check_file(&path),
            Input::Bytes(bytes) => checker.check_bytes(&bytes),
            Input::Pixels { pixels, width, height, format } => {
                let stride = width as usize * format.bytes_per_pixel();
                checker.check_pixels(&pixels, width, height, stride, format)
            }
        });
        Ok(report.map_err(raise)?.to_json())
    }

    /// A larger studio photo (a path or the bytes of an encoded photo) cut to the profile's
    /// template, as a JPEG; refused with kind `cannot_crop` and the reason where it has no room
    /// around the head or the head would have to be enlarged.
    fn crop_jpeg<'py>(&self, py: Python<'py>, source: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyBytes>> {
        let source = encoded(source, "crop()")?;
        let checker = &self.inner;
        let cropped = py.detach(|| source.read(checker.limits()).and_then(|bytes| checker.crop(&bytes)));
        Ok(PyBytes::new(py, &cropped.map_err(raise)?.jpeg))
    }

    /// The report of a photo (a path or the bytes of an encoded photo) as JSON, and the photo with
    /// what it found drawn on it, as PNG.
    fn check_with_overlay_png<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
    ) -> PyResult<(String, Bound<'py, PyBytes>)> {
        let checker = &self.inner;
        self.check_then(py, encoded(source, "check_with_overlay()")?, |bytes, report| {
            checker.overlay_png(bytes, report)
        })
    }

    /// The report of a document photo compared with a trusted live capture of the applicant (each
    /// a path or the bytes of an encoded photo), as JSON: its usual checks plus
    /// `identity.same_person` and `morph.differential`.
    fn check_with_reference_json(
        &self,
        py: Python<'_>,
        document: &Bound<'_, PyAny>,
        live: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        let document = encoded(document, "check_with_reference()'s document")?;
        let live = encoded(live, "check_with_reference()'s live capture")?;
        let file = document.file_name();
        let checker = &self.inner;
        let report = py
            .detach(|| {
                let (document, live) = (document.read(checker.limits())?, live.read(checker.limits())?);
                let mut report = checker.check_with_reference(&document, &live)?;
                report.file = file;
                Ok(report)
            })
            .map_err(raise)?;
        Ok(report.to_json())
    }

    /// The report of a photo (a path or the bytes of an encoded photo) as JSON, and a receipt
    /// (COSE_Sign1, Ed25519) signed with `key_pem` (PKCS#8 PEM) for exactly the bytes checked, by
    /// the photographer with this pseudonym.
    fn check_and_sign<'py>(
        &self,
        py: Python<'py>,
        source: &Bound<'py, PyAny>,
        key_pem: &str,
        photographer: &str,
    ) -> PyResult<(String, Bound<'py, PyBytes>)> {
        let source = encoded(source, "check_and_sign()")?;
        let key = ReceiptKey::from_pkcs8_pem(key_pem).map_err(|e| raise(e.into()))?;
        let checker = &self.inner;
        self.check_then(py, source, |bytes, report| checker.sign_receipt(bytes, report, photographer, &key))
    }

    /// Of reports (as JSON) of captures in the order they were taken, the index of the one
    /// TR-03121 keeps under this checker's profile (`passbild::capture::best_capture`); None for
    /// none. A text that is not a passbild report is a ValueError.
    fn best_capture(&self, reports_json: Vec<String>) -> PyResult<Option<usize>> {
        let reports = reports_json
            .iter()
            .enumerate()
            .map(|(i, text)| {
                serde_json::from_str::<passbild::Report>(text).map_err(|e| {
                    pyo3::exceptions::PyValueError::new_err(format!("reports[{i}] is not a passbild report: {e}"))
                })
            })
            .collect::<PyResult<Vec<_>>>()?;
        Ok(passbild::capture::best_capture(&reports, self.inner.profile()))
    }

    /// A live session for one camera, with the profile's framing and limits.
    fn live_session(&self) -> NativeLiveSession {
        NativeLiveSession { inner: Mutex::new(self.inner.live_session()), language: self.inner.language() }
    }

    /// Reports of many files, checked in parallel on the checker's threads: per file the JSON, or
    /// the error's kind and message.
    fn check_many_json(&self, py: Python<'_>, paths: Vec<PathBuf>) -> Vec<FileOutcome> {
        let checker = &self.inner;
        let results = py.detach(|| checker.check_files(&paths, || {}));
        results
            .into_iter()
            .map(|result| match result {
                Ok(report) => (Some(report.to_json()), None),
                Err(error) => (None, Some((error.code().to_string(), error.to_string()))),
            })
            .collect()
    }
}

/// Guidance frame by frame for one running camera; one session per camera. Threads may share
/// it: a call waits while another thread's frame is being processed (without the GIL).
#[pyclass(frozen, module = "passbild._passbild")]
struct NativeLiveSession {
    inner: Mutex<LiveSession>,
    language: Language,
}

impl NativeLiveSession {
    /// Runs `work` on the session without the GIL, once no other thread is using it.
    fn with<T: Send>(&self, py: Python<'_>, work: impl FnOnce(&mut LiveSession) -> T + Send) -> T {
        py.detach(|| {
            // A panic while locked cannot leave a session half changed: each call replaces or
            // reads whole values.
            let mut session = self.inner.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
            work(&mut session)
        })
    }
}

#[pymethods]
impl NativeLiveSession {
    /// What one camera frame (a uint8 array shaped (height, width), (height, width, 3) RGB or
    /// (height, width, 4) RGBA) shows, as JSON, with the hint's words in the checker's language
    /// (`hint_text`).
    fn process_json(&self, py: Python<'_>, frame: &Bound<'_, PyAny>) -> PyResult<String> {
        let not_pixels = || {
            pyo3::exceptions::PyTypeError::new_err(
                "process() takes a frame's pixels: a uint8 array shaped (height, width[, 1|3|4])",
            )
        };
        let is_image_array = !frame.is_instance_of::<PyBytes>()
            && !frame.is_instance_of::<PyByteArray>()
            && PyBuffer::<u8>::get(frame).is_ok_and(|buffer| buffer.shape().len() >= 2);
        if !is_image_array {
            return Err(not_pixels());
        }
        let Input::Pixels { pixels, width, height, format } = input(frame)? else {
            return Err(not_pixels());
        };
        let stride = width as usize * format.bytes_per_pixel();
        let frame = self.with(py, |session| session.process(&pixels, width, height, stride, format)).map_err(raise)?;
        let mut json = serde_json::to_value(frame).expect("a frame serialises");
        json["hint_text"] = frame.hint.text(self.language).into();
        Ok(json.to_string())
    }

    /// Where the session wants the face, as JSON (a limit that is none, infinite, as null).
    fn target_json(&self, py: Python<'_>) -> String {
        let target = self.with(py, |session| *session.target());
        serde_json::to_string(&target).expect("a target serialises")
    }

    /// Changes the limits given (the rest stay); a number outside its domain is refused with
    /// kind `invalid_live_target` and the target stays.
    #[pyo3(signature = (*, margin = None, min_photo_of_frame = None, min_photo_height_px = None, max_yaw = None,
        max_pitch = None, max_roll = None, min_eye_aspect = None, face_luma = None))]
    #[allow(clippy::too_many_arguments)]
    fn set_target(
        &self,
        py: Python<'_>,
        margin: Option<f32>,
        min_photo_of_frame: Option<f32>,
        min_photo_height_px: Option<f32>,
        max_yaw: Option<f64>,
        max_pitch: Option<f64>,
        max_roll: Option<f64>,
        min_eye_aspect: Option<f32>,
        face_luma: Option<(f32, f32)>,
    ) -> PyResult<()> {
        self.with(py, |session| {
            let now = *session.target();
            session.set_target(LiveTarget {
                margin: margin.unwrap_or(now.margin),
                min_photo_of_frame: min_photo_of_frame.unwrap_or(now.min_photo_of_frame),
                min_photo_height_px: min_photo_height_px.unwrap_or(now.min_photo_height_px),
                max_yaw: max_yaw.unwrap_or(now.max_yaw),
                max_pitch: max_pitch.unwrap_or(now.max_pitch),
                max_roll: max_roll.unwrap_or(now.max_roll),
                min_eye_aspect: min_eye_aspect.unwrap_or(now.min_eye_aspect),
                face_luma: face_luma.unwrap_or(now.face_luma),
                ..now
            })
        })
        .map_err(raise)
    }

    /// The height of the smallest camera still, `frame_aspect` (width over height) wide, whose
    /// ready frames hold the photo at the profile's pixel size: 0 where it fixes none.
    fn smallest_capture_height(&self, py: Python<'_>, frame_aspect: f32) -> PyResult<u32> {
        if !(frame_aspect.is_finite() && frame_aspect > 0.0) {
            return Err(pyo3::exceptions::PyValueError::new_err(format!(
                "frame_aspect must be a positive number, not {frame_aspect}"
            )));
        }
        Ok(self.with(py, |session| session.target().smallest_capture_height(frame_aspect)))
    }
}

/// The built-in profiles' names.
#[pyfunction]
fn built_in_profiles() -> Vec<&'static str> {
    passbild::Profile::built_in_names().collect()
}

/// A new key pair for signing receipts: the private key as PKCS#8 PEM, the public key as SPKI PEM.
#[pyfunction]
fn generate_receipt_key() -> PyResult<(String, String)> {
    let key = ReceiptKey::generate().map_err(|e| raise(e.into()))?;
    Ok((key.to_pkcs8_pem(), key.public_key_pem()))
}

/// What a valid receipt states, as `verify_receipt` gives it: the image's SHA-256 (hex), the
/// verdict, each check's ID and status, the profile and its SHA-256 (hex, where stated),
/// passbild's version, the models' SHA-256 (hex), the photographer and the signing time (seconds
/// since 1970).
type ReceiptFields = (String, String, Vec<(String, String)>, String, Option<String>, String, String, String, u64);

/// Verifies a receipt against the image (a path or the bytes of an encoded photo) and the public
/// key (SPKI PEM) it should be signed with; refused with the receipt's error kind.
#[pyfunction]
fn verify_receipt(
    py: Python<'_>,
    receipt: Vec<u8>,
    image: &Bound<'_, PyAny>,
    public_key_pem: &str,
) -> PyResult<ReceiptFields> {
    let image = encoded(image, "verify_receipt()'s image")?;
    let contents = py
        .detach(|| {
            let bytes = image.read(&DecodeLimits::default())?;
            Ok(receipt::verify(&receipt, &bytes, public_key_pem)?)
        })
        .map_err(raise)?;
    let hex = |bytes: &[u8]| bytes.iter().map(|b| format!("{b:02x}")).collect::<String>();
    Ok((
        hex(&contents.image_sha256),
        contents.verdict.as_str().to_string(),
        contents.checks.iter().map(|(id, status)| (id.clone(), status.as_str().to_string())).collect(),
        contents.profile.clone(),
        contents.profile_sha256.map(|digest| hex(&digest)),
        contents.passbild_version.clone(),
        hex(&contents.models_sha256),
        contents.photographer.clone(),
        contents.signed_at,
    ))
}

#[pymodule]
fn _passbild(module: &Bound<'_, PyModule>) -> PyResult<()> {
    module.add_class::<NativeChecker>()?;
    module.add_class::<NativeLiveSession>()?;
    module.add_function(wrap_pyfunction!(built_in_profiles, module)?)?;
    module.add_function(wrap_pyfunction!(generate_receipt_key, module)?)?;
    module.add_function(wrap_pyfunction!(verify_receipt, module)?)?;
    module.add("PassbildError", module.py().get_type::<PassbildError>())?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
