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
//! threads. Batches run on the checker's own thread pool, never on rayon's global one.

pub mod capture;
pub mod checks;
pub mod colour;
pub mod decode;
pub mod edits;
pub mod error;
pub mod face_image;
pub mod ffi;
pub mod head;
pub mod imaging;
pub mod live;
pub mod models;
pub mod morph;
pub mod overlay;
pub mod pipeline;
pub mod pose;
pub mod profile;
pub mod report;
pub mod scene;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;

pub use decode::{DecodeLimits, ImageFacts, PixelFormat};
pub use error::{Error, Result};
pub use models::{Backend, ModelSource, Models};
pub use pipeline::Analysis;
pub use profile::Profile;
pub use report::{CheckResult, Language, Report, Status};

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
    pub fn profile(mut self, profile: Profile) -> Self {
        self.profile = Some(profile);
        self
    }

    /// A built-in profile name (`icao`, `de-live`, `de-scan`) or a path to a TOML profile.
    pub fn profile_name(self, name_or_path: &str) -> Result<Self> {
        Ok(self.profile(Profile::by_name_or_path(name_or_path)?))
    }

    /// Threads for batches; 0 or unset means one per core.
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

    pub fn limits(mut self, limits: DecodeLimits) -> Self {
        self.limits = limits;
        self
    }

    /// Language of the reports' messages.
    pub fn language(mut self, language: Language) -> Self {
        self.language = language;
        self
    }

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
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .thread_name(|i| format!("passbild-{i}"))
            .build()
            .map_err(|e| Error::ThreadPool(e.to_string()))?;
        let (models, result) = Models::load_while(&self.models, &self.backend, job);
        let checker = Checker {
            models: models?,
            model_source: self.models,
            backend: self.backend,
            embedder: std::sync::OnceLock::new(),
            profile,
            pool,
            limits: self.limits,
            language: self.language,
        };
        Ok((checker, result))
    }
}

/// Decodes and measures a photo without judging it, with models that may still be loading.
fn analyse_bytes_with(models: &dyn models::ModelSet, bytes: &[u8], limits: &DecodeLimits) -> Result<Analysis> {
    let started = Instant::now();
    let decoded = decode::decode(bytes, limits)?;
    let decode_ms = started.elapsed().as_secs_f64() * 1e3;
    let mut analysis = pipeline::analyse_with(models, decoded.image, decoded.facts)?;
    analysis.timings.insert(0, ("decode", decode_ms));
    Ok(analysis)
}

/// Checks photos against one profile. Build once, share freely.
pub struct Checker {
    models: Models,
    model_source: ModelSource,
    backend: Backend,
    /// The identity embedding, loaded on the first comparison with a live capture (most users
    /// never compare, and it is the largest model). The error is kept as text: `Error` is not
    /// `Clone`.
    embedder: std::sync::OnceLock<std::result::Result<models::face_embedding::FaceEmbedder, String>>,
    profile: Profile,
    pool: rayon::ThreadPool,
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

    pub fn builder() -> CheckerBuilder {
        CheckerBuilder::default()
    }

    pub fn profile(&self) -> &Profile {
        &self.profile
    }

    pub fn language(&self) -> Language {
        self.language
    }

    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    pub fn limits(&self) -> &DecodeLimits {
        &self.limits
    }

    /// Decodes and measures a photo without judging it (for overlays and tools).
    pub fn analyse_bytes(&self, bytes: &[u8]) -> Result<Analysis> {
        analyse_bytes_with(&self.models, bytes, &self.limits)
    }

    /// Checks an encoded photo (JPEG, PNG or JPEG 2000).
    pub fn check_bytes(&self, bytes: &[u8]) -> Result<Report> {
        Ok(self.judge(&self.analyse_bytes(bytes)?, None))
    }

    /// Checks a photo read from a file; the report names the file.
    pub fn check_file(&self, path: &Path) -> Result<Report> {
        let bytes = std::fs::read(path).map_err(|source| Error::Io { path: path.to_path_buf(), source })?;
        Ok(self.judge(&self.analyse_bytes(&bytes)?, Some(path.display().to_string())))
    }

    /// Checks pixels already in memory (a camera frame, an image the caller decoded).
    pub fn check_image(&self, image: &image::DynamicImage) -> Result<Report> {
        Ok(self.judge(&self.analyse_image(image)?, None))
    }

    pub fn analyse_image(&self, image: &image::DynamicImage) -> Result<Analysis> {
        let (width, height) = (image.width(), image.height());
        if width == 0 || height == 0 {
            return Err(Error::InvalidPixels("zero width or height".into()));
        }
        self.limits.check_dimensions(width, height)?;
        let facts = decode::facts_of_pixels(image);
        pipeline::analyse(&self.models, image.to_rgb8(), facts)
    }

    /// Checks a raw pixel buffer: `height` rows of `width` pixels, `stride` bytes apart (camera
    /// frames, images from another toolkit, the C ABI).
    pub fn check_pixels(
        &self,
        pixels: &[u8],
        width: u32,
        height: u32,
        stride: usize,
        format: decode::PixelFormat,
    ) -> Result<Report> {
        let decoded = decode::from_pixels(pixels, width, height, stride, format, &self.limits)?;
        Ok(self.judge(&pipeline::analyse(&self.models, decoded.image, decoded.facts)?, None))
    }

    /// Checks many encoded photos in parallel on the checker's own pool; results keep the order.
    pub fn check_batch<B: AsRef<[u8]> + Sync>(&self, inputs: &[B]) -> Vec<Result<Report>> {
        self.pool.install(|| inputs.par_iter().map(|bytes| self.check_bytes(bytes.as_ref())).collect())
    }

    /// Checks files in parallel on the checker's pool, calling `on_done` after each (for progress).
    pub fn check_files<P: AsRef<Path> + Sync>(&self, paths: &[P], on_done: impl Fn() + Sync) -> Vec<Result<Report>> {
        self.pool.install(|| {
            paths
                .par_iter()
                .map(|path| {
                    let report = self.check_file(path.as_ref());
                    on_done();
                    report
                })
                .collect()
        })
    }

    /// A live session for one camera: frame by frame guidance with the profile's pose limits.
    pub fn live_session(&self) -> live::LiveSession {
        live::LiveSession::new(self.models.clone(), self.limits, live::LiveTarget::for_profile(&self.profile))
    }

    /// Checks a document photo and compares it with a trusted live capture of the applicant (a
    /// terminal's or the mobile kit's camera): the document's usual checks plus
    /// `identity.same_person` and `morph.differential`. Both inputs are encoded photos.
    pub fn check_with_reference(&self, document: &[u8], live: &[u8]) -> Result<Report> {
        let embedder = self
            .embedder
            .get_or_init(|| {
                models::face_embedding::FaceEmbedder::load(&self.model_source, &self.backend).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(|detail| Error::Model { model: "face embedding", detail: detail.clone() })?;
        let (document_analysis, document_embedding) = self.analyse_and_embed(document, embedder)?;
        let (live_analysis, live_embedding) = self.analyse_and_embed(live, embedder)?;
        let mut report = self.judge(&document_analysis, None);
        let distance = match (document_embedding, live_embedding) {
            (Err(reason), _) => Err(reason),
            (_, Err(_)) => Err(checks::Reason::NoFaceInReference),
            (Ok(document), Ok(live)) => Ok(document.distance(&live)),
        };
        // Both faces were found when there is a distance.
        let morph_score = distance.and_then(|distance| {
            let (Ok(document), Ok(live)) = (&document_analysis.face, &live_analysis.face) else {
                return Err(checks::Reason::NoFaceInReference);
            };
            let features =
                morph::differential::features(distance, &document.mesh.image_points(), &live.mesh.image_points())
                    .ok_or(checks::Reason::NoLandmarks)?;
            Ok(morph::differential::DifferentialModel::trained().score(&features))
        });
        report.checks.extend(checks::run_with_reference(distance, morph_score, &self.profile, self.language));
        report.verdict = Report::verdict_of(&report.checks);
        Ok(report)
    }

    /// The analysis of an encoded photo and its face's identity embedding (or why there is none).
    fn analyse_and_embed(
        &self,
        bytes: &[u8],
        embedder: &models::face_embedding::FaceEmbedder,
    ) -> Result<(Analysis, std::result::Result<models::face_embedding::Embedding, checks::Reason>)> {
        let decoded = decode::decode(bytes, &self.limits)?;
        // One pyramid for the pipeline and the embedding's chip.
        let pyramid = imaging::Pyramid::new(decoded.image);
        let analysis = pipeline::analyse_pyramid(&self.models, &pyramid, decoded.facts)?;
        let embedding = match &analysis.face {
            Ok(face) => Ok(embedder.run(&pyramid, &face.mesh)?),
            Err(missing) => Err(checks::Reason::from(*missing)),
        };
        Ok((analysis, embedding))
    }

    /// Runs the profile's checks on an analysis and assembles the report.
    pub fn judge(&self, analysis: &Analysis, file: Option<String>) -> Report {
        let checks_started = Instant::now();
        let checks = checks::run_all(analysis, &self.profile, self.language);
        let checks_ms = checks_started.elapsed().as_secs_f64() * 1e3;
        let mut timings: BTreeMap<String, f64> =
            analysis.timings.iter().map(|(stage, ms)| (stage.to_string(), *ms)).collect();
        timings.insert("checks".into(), checks_ms);
        let total = analysis.timings.iter().map(|(_, ms)| ms).sum::<f64>() + checks_ms;
        timings.insert("total".into(), total);
        Report {
            format_version: report::FORMAT_VERSION,
            passbild_version: env!("CARGO_PKG_VERSION").to_string(),
            file,
            profile: self.profile.name.clone(),
            language: self.language,
            verdict: Report::verdict_of(&checks),
            image: analysis.facts.clone(),
            faces: analysis.faces.iter().map(|f| report::DetectedFace { score: f.score, bbox: f.bbox }).collect(),
            face: analysis.face.as_ref().ok().map(|face| report::FaceReport {
                bbox: face.detection.bbox,
                landmarks: report::KeyLandmarks {
                    right_eye_centre: face.head.right_eye_centre,
                    left_eye_centre: face.head.left_eye_centre,
                    nose_tip: face.head.nose_tip,
                    chin: face.head.chin,
                    forehead: face.head.forehead,
                    crown: face.head.crown,
                    face_right_side: face.head.face_right_side,
                    face_left_side: face.head.face_left_side,
                },
                crown_source: face.head.crown_source,
                hair_top_y: face.head.hair_top_y,
                pose: face.pose.as_ref().map(|p| p.angles()),
            }),
            checks,
            timings_ms: timings,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_checker_can_be_shared_between_threads() {
        fn assert_send_sync<T: Send + Sync>() {}
        assert_send_sync::<super::Checker>();
        assert_send_sync::<super::Report>();
    }
}
