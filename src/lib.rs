//! passbild decides whether a passport or ID photo meets the biometric rules of ICAO Doc 9303,
//! ISO/IEC 19794-5 / 39794-5 and the German BSI TR-03121.
//!
//! ```no_run
//! let checker = passbild::Checker::new("de-live")?;
//! let report = checker.check_file(std::path::Path::new("photo.jpg"))?;
//! for check in &report.checks {
//!     println!("{} {:?} {}", check.id, check.status, check.message);
//! }
//! # Ok::<(), passbild::Error>(())
//! ```
//!
//! A [`Checker`] loads the models once; it is `Send + Sync`, so one checker serves any number of
//! threads. Batches, and the stages of one photo that can run side by side, run on the checker's
//! own thread pool, never on rayon's global one. Called from a `par_iter` of your own, each call
//! waits for the checker's pool without taking up your pool's other photos on its stack.
//!
//! # The public API
//! Everything a Rust integrator needs, and nothing else (the rest of the crate is private):
//! - Checking: [`Checker`] and its [`CheckerBuilder`]; [`Profile`] (built in or from TOML, its
//!   rule tables in [`profile`]); inputs as bytes, files, an [`image::DynamicImage`] or a raw
//!   buffer in a [`PixelFormat`], within [`DecodeLimits`]; the models' [`ModelSource`] and
//!   [`Backend`].
//! - The result: [`Report`] with its [`CheckResult`]s (a [`Status`], the value, the profile's
//!   range, a message in a [`Language`]), the stable check IDs in [`ids`], [`ImageFacts`]
//!   ([`ImageFormat`], [`ColourType`]), the face as [`FaceReport`] ([`FaceBox`], [`KeyLandmarks`],
//!   [`CrownSource`], [`PoseAngles`], [`Point`]) and every [`DetectedFace`].
//! - Measuring without judging: [`Checker::analyse_bytes`] gives an [`Analysis`] to read (the face,
//!   its 468 mesh points, irises and pose) and to judge with [`Checker::judge`];
//!   [`Checker::overlay`] draws a report on its photo.
//! - A running camera: [`live`] ([`live::LiveSession`] from [`Checker::live_session`], one
//!   [`live::LiveFrame`] and [`live::Hint`] per frame) and [`capture::best_capture`] over the
//!   captures kept.
//! - Errors: one [`Error`] enum; [`Result`].
//!
//! The C ABI (`include/passbild.h`) is built from the same crate and is not part of the Rust API.
//! The `tools` cargo feature adds the module `tools` for tests, examples, benchmarks and training
//! (photo edits, a morph generator, the differential detector's training, the inner stages); it is
//! off by default and not covered by semver.
//!
//! # Pose sign convention
//! Angles are in degrees, all zero for a frontal face: yaw > 0 when the subject turns their head to
//! their own right, pitch > 0 when they lower their chin, roll > 0 when the head tilts towards
//! their left shoulder (the picture of the head turns clockwise).

// The tools feature opens the inner stages to benchmarks and training; they are not API.
#![cfg_attr(not(feature = "tools"), deny(missing_docs))]

pub mod capture;
mod checks;
pub mod crop;
mod decode;
mod error;
mod ffi;
mod imaging;
pub mod live;
mod measure;
mod models;
mod overlay;
mod pipeline;
pub mod profile;
pub mod receipt;
mod report;
mod threads;
#[cfg(feature = "tools")]
pub mod tools;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;

pub use decode::{ColourData, ColourProfile, ColourType, DecodeLimits, ImageFacts, ImageFormat, PixelFormat};
pub use error::{Error, Result};
pub use imaging::Point;
pub use measure::pose::PoseAngles;
pub use models::{Backend, FaceBox, ModelSource};
pub use pipeline::Analysis;
pub use profile::Profile;
pub use report::{
    CheckResult, CrownSource, DetectedFace, FORMAT_VERSION, FaceReport, KeyLandmarks, Language, Report, Status, ids,
};

/// Configures a [`Checker`].
#[derive(Debug, Clone, Default)]
pub struct CheckerBuilder {
    profile: Option<Profile>,
    threads: Option<usize>,
    models: ModelSource,
    backend: Backend,
    limits: DecodeLimits,
    language: Language,
}

impl CheckerBuilder {
    /// The profile to judge against (`icao` unless set).
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// A built-in profile name (`icao`, `de-live`, `de-scan`, `de-child-6-9`, `de-child-under-6`)
    /// or a path to a TOML profile.
    pub fn profile_name(self, name_or_path: &str) -> Result<Self> {
        Ok(self.profile(Profile::by_name_or_path(name_or_path)?))
    }

    /// Threads for batches and for the stages of one photo that can run side by side; 0 or unset
    /// means one per core; more than `MAX_THREADS` is an error at `build`. With more than one,
    /// every check runs on the checker's threads (calls from many threads at once share them);
    /// with one, each call runs on its caller's thread.
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = Some(threads);
        self
    }

    /// Where the models come from; embedded by default.
    pub fn models(mut self, source: ModelSource) -> Self {
        self.models = source;
        self
    }

    /// The inference engine; tract by default.
    pub fn backend(mut self, backend: Backend) -> Self {
        self.backend = backend;
        self
    }

    /// The decoding limits (`DecodeLimits::default()` unless set).
    pub fn limits(mut self, limits: DecodeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Language of the reports' messages.
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

    /// Loads the models and builds the checker.
    pub fn build(self) -> Result<Checker> {
        let (checker, ()) = self.build_while(|_| ())?;
        Ok(checker)
    }

    /// Builds the checker and checks a first photo at the same time: the photo is decoded and its
    /// first stages run while the slower models are still loading, so a process that checks one
    /// photo and exits (a command line, a script) finishes about 10 % sooner. The outer error is
    /// the build's, the inner one the photo's. The report's stage timings include the waits for
    /// models still loading.
    pub fn build_and_check(self, bytes: &[u8]) -> Result<(Checker, Result<Report>)> {
        let limits = self.limits;
        let (checker, analysis) = self.build_while(|models| analyse_bytes_with(models, bytes, &limits))?;
        let report = analysis.map(|analysis| checker.judge(&analysis, None));
        Ok((checker, report))
    }

    fn build_while<R: Send>(self, job: impl FnOnce(&dyn models::ModelSet) -> R + Send) -> Result<(Checker, R)> {
        let profile = match self.profile {
            Some(profile) => profile,
            None => Profile::built_in("icao")?,
        };
        let threads = self
            .threads
            .filter(|&n| n > 0)
            .unwrap_or_else(|| std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1));
        if threads > MAX_THREADS {
            return Err(Error::ThreadPool(format!("{threads} threads asked for; at most {MAX_THREADS}")));
        }
        self.models.has_models_loaded_later()?;
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("passbild-{i}"))
            .build()
            .map_err(|e| Error::ThreadPool(e.to_string()))?;
        let (models, result) =
            models::Models::load_while(&self.models, &self.backend, |models| on_pool(&pool, || job(models)));
        let checker = Checker {
            models: models?,
            model_source: self.models,
            backend: self.backend,
            reference_models: Arc::default(),
            models_sha256: Arc::default(),
            photos_measured: Arc::default(),
            profile,
            pool: Arc::new(pool),
            limits: self.limits,
            language: self.language,
        };
        Ok((checker, result))
    }
}

/// `job` on `pool` when it has more than one thread (so that one photo's independent stages run
/// side by side), else on the calling thread.
fn on_pool<R: Send>(pool: &rayon::ThreadPool, job: impl FnOnce() -> R + Send) -> R {
    away_from_other_pools(pool, || if pool.current_num_threads() > 1 { pool.install(job) } else { job() })
}

/// `job` on the calling thread, or, when that is a worker of another rayon pool (a caller's
/// `par_iter` over photos), on a plain thread the caller waits for. Such a worker, waiting for
/// `pool` or for a stage run side by side, takes up its own pool's other jobs on its own stack
/// meanwhile: often further photos that wait in turn, one deeper each time, until the stack
/// overflows (256 photos deep in a `par_iter` over 1,400). A plain thread only waits.
fn away_from_other_pools<R: Send>(pool: &rayon::ThreadPool, job: impl FnOnce() -> R + Send) -> R {
    if rayon::current_thread_index().is_none() || pool.current_thread_index().is_some() {
        return job();
    }
    std::thread::scope(|scope| match scope.spawn(job).join() {
        Ok(result) => result,
        Err(panic) => std::panic::resume_unwind(panic),
    })
}

/// Decodes and measures a photo without judging it, with models that may still be loading.
fn analyse_bytes_with(models: &dyn models::ModelSet, bytes: &[u8], limits: &DecodeLimits) -> Result<Analysis> {
    let started = Instant::now();
    let decoded = decode::decode(bytes, limits)?;
    let decode_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut analysis = pipeline::analyse(models, decoded.image, decoded.facts)?;
    analysis.time_earlier_stage("decode", decode_ms);
    Ok(analysis)
}

/// A photo cropped to a profile's template (`Checker::crop`).
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Cropped {
    /// The cropped pixels.
    pub image: image::RgbImage,
    /// The same, saved as JPEG (quality `crop::JPEG_QUALITY`, the photo's ICC profile kept, or
    /// sRGB's where the photo was converted, and its EXIF capture date, camera and rights).
    pub jpeg: Vec<u8>,
    /// The rotation, scale and placement applied.
    pub plan: crop::CropPlan,
}

/// The models only a comparison with a live capture needs: loaded on the first comparison (most
/// users never compare, and the identity embedding is the largest model).
struct ReferenceModels {
    embedder: models::face_embedding::FaceEmbedder,
    scorer: models::DifferentialMorph,
}

/// Checks photos against one profile. Build once, share freely: a clone shares the models and the
/// thread pool.
#[derive(Clone)]
pub struct Checker {
    models: models::Models,
    model_source: ModelSource,
    backend: Backend,
    /// A failed load is kept as the model's name and the error's text: `Error` is not `Clone`.
    reference_models: Arc<std::sync::OnceLock<std::result::Result<ReferenceModels, (&'static str, String)>>>,
    /// `models_sha256`, once computed.
    models_sha256: Arc<std::sync::OnceLock<[u8; 32]>>,
    /// Photos measured by this checker and its clones, for `release_free_memory` every
    /// `TRIM_EVERY` of them.
    photos_measured: Arc<std::sync::atomic::AtomicUsize>,
    profile: Profile,
    pool: Arc<rayon::ThreadPool>,
    limits: DecodeLimits,
    language: Language,
}

impl std::fmt::Debug for Checker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Checker")
            .field("profile", &self.profile.name)
            .field("threads", &self.pool.current_num_threads())
            .field("language", &self.language)
            .finish_non_exhaustive()
    }
}

impl Checker {
    /// A checker for a built-in profile (or a TOML profile path) with the embedded models.
    pub fn new(profile: &str) -> Result<Checker> {
        Checker::builder().profile_name(profile)?.build()
    }

    /// A builder for a checker with other settings than `new`'s defaults.
    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::default()
    }

    /// The profile this checker judges against.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    /// A checker for another profile that shares this one's models and thread pool (a service
    /// that serves every profile loads the models once).
    pub fn with_profile(&self, profile: Profile) -> Checker {
        Checker { profile, ..self.clone() }
    }

    /// The language of the reports' messages.
    pub fn language(&self) -> Language {
        self.language
    }

    /// The number of threads of the checker's pool (for `check_batch` and `check_files`).
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// The decoding limits every input is held to.
    pub fn limits(&self) -> &DecodeLimits {
        &self.limits
    }

    /// Decodes and measures a photo without judging it (for overlays and tools).
    pub fn analyse_bytes(&self, bytes: &[u8]) -> Result<Analysis> {
        self.on_pool(|| analyse_bytes_with(&self.models, bytes, &self.limits))
    }

    /// Checks an encoded photo (JPEG, PNG, JPEG 2000, TIFF, BMP, WebP or PNM).
    pub fn check_bytes(&self, bytes: &[u8]) -> Result<Report> {
        Ok(self.judge(&self.analyse_bytes(bytes)?, None))
    }

    /// Checks a photo read from a file; the report names the file.
    pub fn check_file(&self, path: &Path) -> Result<Report> {
        let bytes = self.limits.read_file(path)?;
        Ok(self.judge(&self.analyse_bytes(&bytes)?, Some(path.display().to_string())))
    }

    /// Checks pixels already in memory (a camera frame, an image the caller decoded).
    pub fn check_image(&self, image: &image::DynamicImage) -> Result<Report> {
        Ok(self.judge(&self.analyse_image(image)?, None))
    }

    /// Measures pixels already in memory without judging them.
    pub fn analyse_image(&self, image: &image::DynamicImage) -> Result<Analysis> {
        let (width, height) = (image.width(), image.height());
        if width == 0 || height == 0 {
            return Err(Error::InvalidPixels("zero width or height".into()));
        }
        self.limits.check_dimensions(width, height)?;
        let facts = decode::facts_of_pixels(image);
        let image = image.to_rgb8();
        self.on_pool(|| pipeline::analyse(&self.models, image, facts))
    }

    /// Checks a raw pixel buffer: `height` rows of `width` pixels, `stride` bytes apart (camera
    /// frames, images from another toolkit, the C ABI).
    pub fn check_pixels(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
    ) -> Result<Report> {
        let mut decoded = decode::from_pixels(pixels, width, height, stride, format, &self.limits)?;
        decoded.facts.earlier_jpeg_quality = decode::earlier_jpeg_quality_of_pixels(&decoded.image);
        let analysis = self.on_pool(|| pipeline::analyse(&self.models, decoded.image, decoded.facts))?;
        Ok(self.judge(&analysis, None))
    }

    /// Checks many encoded photos in parallel on the checker's own pool; results keep the order.
    pub fn check_batch<B: AsRef<[u8]> + Sync>(&self, inputs: &[B]) -> Vec<Result<Report>> {
        self.each_on_pool(inputs, |bytes| self.check_bytes(bytes.as_ref()))
    }

    /// Checks files in parallel on the checker's pool, calling `on_done` after each (for progress).
    pub fn check_files<P: AsRef<Path> + Sync>(&self, paths: &[P], on_done: impl Fn() + Sync) -> Vec<Result<Report>> {
        self.each_on_pool(paths, |path| {
            let report = self.check_file(path.as_ref());
            on_done();
            report
        })
    }

    /// A photo's measurement (`job`) as `on_pool` runs it on the checker's pool, with the
    /// allocator trimmed after every `TRIM_EVERY` photos of this checker and its clones: a caller
    /// that checks one photo at a time (the C ABI, Python, a service) would otherwise grow as a
    /// batch without trims did.
    fn on_pool<R: Send>(&self, job: impl FnOnce() -> R + Send) -> R {
        let measured = on_pool(&self.pool, job);
        if self.photos_measured.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % TRIM_EVERY == TRIM_EVERY - 1 {
            release_free_memory();
        }
        measured
    }

    /// `check` on each item in parallel on the checker's pool, results in order.
    fn each_on_pool<T: Sync>(&self, items: &[T], check: impl Fn(&T) -> Result<Report> + Sync) -> Vec<Result<Report>> {
        away_from_other_pools(&self.pool, || self.pool.install(|| items.par_iter().map(&check).collect()))
    }

    /// The photo (decoded and upright) with what `report` found drawn on it: the face box,
    /// landmarks, eye line, chin and crown, and the profile's target zones, green where the check
    /// passed and red where it failed.
    pub fn overlay(&self, bytes: &[u8], report: &Report) -> Result<image::RgbImage> {
        let decoded = decode::decode(bytes, &self.limits)?;
        Ok(overlay::draw(&decoded.image, report, &self.profile))
    }

    /// `overlay` saved as PNG, for callers that show it rather than draw on it (an operator's
    /// screen behind the C ABI or Python).
    pub fn overlay_png(&self, bytes: &[u8], report: &Report) -> Result<Vec<u8>> {
        overlay::encode_png(&self.overlay(bytes, report)?)
    }

    /// Crops a larger studio photo to the profile's template: the eyes levelled, centred and at
    /// the middle of the eye-line band, the head at the middle of its target size, resampled to
    /// the profile's pixel size (35:45 at the photo's own scale for profiles without one) and
    /// saved as JPEG with the photo's ICC profile and the EXIF fields that say when, with what
    /// camera and by whom it was taken (not where, nor serial numbers or the thumbnail); a photo
    /// in another RGB space than sRGB (a phone's Display P3, a camera's Adobe RGB) is converted
    /// to sRGB. A photo without room around the head, or whose head would have to be enlarged,
    /// gives `Error::Crop` with the reason.
    pub fn crop(&self, bytes: &[u8]) -> Result<Cropped> {
        let decoded = decode::decode(bytes, &self.limits)?;
        let pyramid = imaging::Pyramid::new(decoded.image);
        let analysis = self.on_pool(|| pipeline::analyse_pyramid(&self.models, &pyramid, decoded.facts))?;
        let face = analysis.face.as_ref().map_err(|_| Error::Crop(crop::CropProblem::NoFace))?;
        let (width, height) = pyramid.base().dimensions();
        let plan = crop::plan(&face.head, width, height, &self.profile).map_err(Error::Crop)?;
        let mut image = crop::render(pyramid.base(), &plan);
        // Section 7 asks for sRGB: a photo in another RGB space leaves the crop converted; the
        // profile of a grey or CMYK photo does not describe the crop's RGB values, read as sRGB.
        // Any other profile is kept, as metadata is kept when a photo is forwarded.
        let icc_profile = match &analysis.facts.colour_profile {
            Some(profile) if profile.is_other_rgb() => decoded
                .icc_profile
                .as_deref()
                .and_then(|icc| decode::convert_to_srgb(&mut image, icc))
                .or(decoded.icc_profile),
            Some(profile) if matches!(profile.data, ColourData::Grey | ColourData::Cmyk | ColourData::Other) => None,
            _ => decoded.icc_profile,
        };
        let exif = crop::kept_exif(bytes, image.width(), image.height());
        let jpeg = crop::encode_jpeg(&image, icc_profile, exif)?;
        Ok(Cropped { image, jpeg, plan })
    }

    /// Signs a receipt (COSE_Sign1, Ed25519; `receipt`) stating that `image_bytes`, exactly these
    /// bytes, were checked with `report` (from this checker) by the photographer with this
    /// pseudonym, now.
    pub fn sign_receipt(
        &self,
        image_bytes: &[u8],
        report: &Report,
        photographer: &str,
        key: &receipt::ReceiptKey,
    ) -> Result<Vec<u8>> {
        let signed_at =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |since| since.as_secs());
        let profile_sha256 = receipt::profile_sha256(&self.profile);
        Ok(receipt::sign(report, image_bytes, self.models_sha256()?, profile_sha256, photographer, signed_at, key))
    }

    /// SHA-256 over the hashes of the models a check runs (detector, mesh, iris, segmentation,
    /// morph detector, expression classifier, palm detector, hand model), as receipts state it.
    pub fn models_sha256(&self) -> Result<[u8; 32]> {
        if let Some(&digest) = self.models_sha256.get() {
            return Ok(digest);
        }
        let files = [
            &models::face_detector::FILE,
            &models::face_mesh::FILE,
            &models::iris::FILE,
            &models::segmentation::FILE,
            &models::morph_detector::FILE,
            &models::expression::FILE,
            &models::hand_detector::FILE,
            &models::hand_landmarks::FILE,
        ];
        let bytes = files.iter().map(|file| file.bytes(&self.model_source)).collect::<Result<Vec<_>>>()?;
        let digest = receipt::models_sha256(&bytes.iter().map(|b| b.as_ref()).collect::<Vec<_>>());
        // Hashing reads every model (about 20 MB): once per checker, not once per receipt.
        Ok(*self.models_sha256.get_or_init(|| digest))
    }

    /// A live session for one camera: frame by frame guidance with the profile's framing (its
    /// template, as `crop` cuts it) and pose limits.
    pub fn live_session(&self) -> live::LiveSession {
        live::LiveSession::new(self.models.clone(), self.limits, live::LiveTarget::for_profile(&self.profile))
    }

    /// Checks a document photo and compares it with a trusted live capture of the applicant (a
    /// terminal's or the mobile kit's camera): the document's usual checks plus
    /// `identity.same_person` and `morph.differential`. Both inputs are encoded photos.
    pub fn check_with_reference(&self, document: &[u8], live: &[u8]) -> Result<Report> {
        let reference_models = self.reference_models()?;
        let embed = |bytes: &[u8]| {
            let decoded = decode::decode(bytes, &self.limits)?;
            pipeline::analyse_and_embed(&self.models, &reference_models.embedder, decoded.image, decoded.facts)
        };
        // The two photos need nothing of each other.
        let (document, live) = self.on_pool(|| threads::side_by_side(|| embed(document), || embed(live)));
        let ((document_analysis, document_embedding), (live_analysis, live_embedding)) = (document?, live?);
        let comparison = pipeline::compare(
            &reference_models.scorer,
            (&document_analysis, document_embedding),
            (&live_analysis, live_embedding),
        )?;
        let mut report = self.judge(&document_analysis, None);
        report.checks.extend(checks::run_with_reference(&comparison, &self.profile, self.language));
        report.verdict = Report::verdict_of(&report.checks);
        Ok(report)
    }

    fn reference_models(&self) -> Result<&ReferenceModels> {
        let load = || -> Result<ReferenceModels> {
            Ok(ReferenceModels {
                embedder: models::face_embedding::FaceEmbedder::load(&self.model_source, &self.backend)?,
                scorer: models::DifferentialMorph::load(&self.model_source, &self.backend)?,
            })
        };
        let failed = |error: Error| match error {
            Error::Model { model, detail } => (model, detail),
            other => ("comparison with a live capture", other.to_string()),
        };
        self.reference_models
            .get_or_init(|| load().map_err(failed))
            .as_ref()
            .map_err(|(model, detail)| Error::Model { model, detail: detail.clone() })
    }

    /// Runs the profile's checks on an analysis and assembles the report.
    pub fn judge(&self, analysis: &Analysis, file: Option<String>) -> Report {
        let checks_started = Instant::now();
        let checks = checks::run_all(analysis, &self.profile, self.language);
        let checks_ms = checks_started.elapsed().as_secs_f64() * 1e3;
        let mut timings: BTreeMap<String, f64> =
            analysis.timings.iter().map(|(stage, ms)| (stage.to_string(), *ms)).collect();
        timings.insert("checks".into(), checks_ms);
        timings.insert("total".into(), analysis.elapsed_ms + checks_ms);
        Report {
            format_version: report::FORMAT_VERSION,
            passbild_version: env!("CARGO_PKG_VERSION").to_string(),
            file,
            profile: self.profile.name.clone(),
            language: self.language,
            verdict: Report::verdict_of(&checks),
            image: analysis.facts.clone(),
            faces: analysis.faces(),
            face: analysis.face(),
            checks,
            timings_ms: timings,
        }
    }
}

/// Hands the memory the allocator keeps after freeing back to the system (glibc's `malloc_trim`;
/// elsewhere nothing). glibc's malloc raises its mmap threshold each time a large buffer (a decoded
/// photo, a model's tensor) is freed, and a worker thread's arena keeps what it frees: without a
/// trim, a batch on the checker's pool grew by about 1 MB per photo. A checker calls it every few
/// photos; a long-running service can also call it after a burst.
pub fn release_free_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: malloc_trim only walks the allocator's own free lists; it is thread-safe.
    unsafe {
        libc::malloc_trim(0);
    }
}

/// Photos between two trims: a trim takes every arena's lock, and after each photo it cost 14 %
/// on two threads.
const TRIM_EVERY: usize = 8;

/// The most threads a checker's pool may have: far above any core count, and below where asking
/// for threads would use up the machine's process IDs (a C caller's `threads = UINT32_MAX`).
pub const MAX_THREADS: usize = 1024;

#[cfg(test)]
mod tests {
    #[test]
    fn the_checker_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Checker>();
        assert_send_sync::<super::Report>();
    }
}
