//! `passbild check FILE|DIR...`: a verdict per requirement for each photo.
//! Exit code 0 when every photo passes (warnings allowed unless `--strict`), 1 when any fails or
//! cannot be assessed, 2 on an error.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};

#[path = "passbild/serve.rs"]
mod serve;
use passbild::profile::Range;
use passbild::receipt::ReceiptKey;
use passbild::{Backend, Checker, DecodeLimits, Language, ModelSource, Profile, Report, Status};

#[derive(Parser)]
#[command(
    name = "passbild",
    version,
    about = "Checks passport and ID photos against ICAO 9303, ISO/IEC 19794-5 and BSI TR-03121"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check photos (JPEG, PNG, JPEG 2000, TIFF, BMP, WebP, PNM); directories are searched for photos.
    Check {
        #[arg(required = true, value_name = "FILE|DIR")]
        inputs: Vec<PathBuf>,
        /// Built-in profile (icao, de-live, de-scan, de-child-6-9, de-child-under-6) or a TOML
        /// profile file.
        #[arg(long, short, default_value = "icao")]
        profile: String,
        /// One JSON report per photo, one per line (JSON Lines).
        #[arg(long)]
        json: bool,
        /// Language of the messages.
        #[arg(long, default_value = "en", value_parser = parse_language)]
        lang: Language,
        /// Draw the measurements on the photo: a PNG file for one photo, a directory (PHOTO.overlay.png
        /// each) for several, for a directory searched, or when OUT is a directory already.
        #[arg(long, value_name = "OUT.png")]
        overlay: Option<PathBuf>,
        /// Threads for several photos (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
        /// Load the ONNX models from this directory instead of the embedded ones (every file of
        /// models/ the checker runs, the comparison's two included).
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
        /// Run the models in ONNX Runtime from this shared library (libonnxruntime.so, 1.20 or
        /// newer) instead of tract. Needs a build with the `onnxruntime` feature.
        #[arg(long, value_name = "LIB")]
        onnxruntime: Option<PathBuf>,
        /// A trusted live capture of the applicant: compare the document photo (one input) with
        /// it, adding identity.same_person and morph.differential.
        #[arg(long, value_name = "LIVE.jpg")]
        reference: Option<PathBuf>,
        /// Exit 1 when a photo's verdict is warn (a target missed within the rejection bounds),
        /// not only when it fails.
        #[arg(long)]
        strict: bool,
        /// Sign a receipt for each photo with this Ed25519 private key (PKCS#8 PEM, from
        /// `passbild keygen`): written beside the photo as PHOTO.receipt (COSE_Sign1).
        #[arg(long, value_name = "KEY.pem", requires = "photographer", conflicts_with = "reference")]
        sign: Option<PathBuf>,
        /// The photographer's pseudonym the receipt states.
        #[arg(long, value_name = "PSEUDONYM", requires = "sign")]
        photographer: Option<String>,
        /// Also write the receipt as a QR code (PNG; one photo only).
        #[arg(long, value_name = "OUT.png", requires = "sign")]
        qr: Option<PathBuf>,
    },
    /// Make an Ed25519 key pair for receipts: PRIVATE.pem (PKCS#8) and PUBLIC.pem (SPKI).
    Keygen {
        #[arg(value_name = "PRIVATE.pem")]
        private_key: PathBuf,
        #[arg(value_name = "PUBLIC.pem")]
        public_key: PathBuf,
    },
    /// Verify a receipt against the photo and the signer's public key: exit 0 when valid.
    Verify {
        /// Also exit 1 when the receipt is valid but the verdict it states is fail or not assessed
        /// (a warn passes, as `check` without `--strict`), for scripts that accept on exit 0.
        #[arg(long)]
        require_pass: bool,
        #[arg(value_name = "RECEIPT")]
        receipt: PathBuf,
        #[arg(value_name = "IMAGE")]
        image: PathBuf,
        /// The signer's public key (SPKI PEM).
        #[arg(long, value_name = "PUBLIC.pem")]
        key: PathBuf,
    },
    /// Crop a larger studio photo to a profile's template: eyes level, centred and at the
    /// eye-line height, the head at the middle of its target size, saved as JPEG.
    Crop {
        /// The studio photo.
        #[arg(value_name = "IN")]
        input: PathBuf,
        /// The cropped JPEG to write.
        #[arg(value_name = "OUT.jpg")]
        output: PathBuf,
        /// Built-in profile or a TOML profile file whose template to crop to.
        #[arg(long, short, default_value = "de-live")]
        profile: String,
    },
    /// Serve checks over HTTP (docs/service.md): POST /v1/check, /v1/check-with-reference,
    /// GET /v1/profiles, /healthz, /metrics.
    Serve {
        /// Address and port to listen on (port 0: any free port, printed on start).
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// The profile of requests that name none.
        #[arg(long, short, default_value = "icao")]
        profile: String,
        /// Checks at once (default: one per core).
        #[arg(long, default_value_t = 0)]
        workers: usize,
        /// Requests that may wait for a worker; more are answered 503 with Retry-After.
        #[arg(long, default_value_t = 32)]
        queue: usize,
        /// Largest request body, in MiB (1 to 1024).
        #[arg(long, default_value_t = 20)]
        max_body_mib: usize,
        /// Time limit per request, in seconds, 1 to 3600 (408 for a body that has not arrived by
        /// then, 504 for a check that has not ended). A connection silent for twice as long
        /// within a request, or for 10 seconds (at most that) between requests, is closed.
        #[arg(long, default_value_t = 30)]
        timeout_secs: u64,
        /// Connections open at once; more wait until one closes.
        #[arg(long, default_value_t = 256)]
        max_connections: usize,
        /// Require `Authorization: Bearer TOKEN` on /v1 requests.
        #[arg(long, env = "PASSBILD_TOKEN", hide_env_values = true)]
        token: Option<String>,
        /// Load the ONNX models from this directory instead of the embedded ones (every file of
        /// models/ the checker runs, the comparison's two included).
        #[arg(long, value_name = "DIR")]
        models: Option<PathBuf>,
        /// Run the models in ONNX Runtime from this shared library.
        #[arg(long, value_name = "LIB")]
        onnxruntime: Option<PathBuf>,
    },
    /// List the built-in profiles, or print one as TOML.
    Profiles { name: Option<String> },
    /// Set the single-image morph detector's bounds on your own genuine photos: prints a profile
    /// whose `morph.single_image` warns above the score 5 % of them exceed and fails above the one
    /// 1 % exceed (docs/morphing.md, "Bounds per profile"). Give it at least 100 genuine photos
    /// from the camera and workflow the bounds are for, and no morphs.
    Calibrate {
        #[arg(required = true, value_name = "FILE|DIR")]
        inputs: Vec<PathBuf>,
        /// The profile to start from: built-in (the output names it as `base`) or a TOML file
        /// (the output is the whole profile).
        #[arg(long, short, default_value = "icao")]
        profile: String,
        /// Threads (default: one per core).
        #[arg(long, default_value_t = 0)]
        threads: usize,
    },
}

fn parse_language(s: &str) -> Result<Language, String> {
    s.parse()
}

fn main() -> ExitCode {
    let command = Cli::parse().command;
    if !matches!(command, Command::Serve { .. }) {
        // Output piped into `head` ends the tool quietly, as it ends `cat`, rather than as an
        // error (exit 2) or a panic of `println!`. The service keeps ignoring the signal: its
        // sockets report a closed peer as an error.
        // SAFETY: before any thread starts; SIG_DFL is a valid disposition for SIGPIPE.
        #[cfg(unix)]
        unsafe {
            libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        }
    }
    match command {
        Command::Check {
            inputs,
            profile,
            json,
            lang,
            overlay,
            threads,
            models,
            onnxruntime,
            reference,
            strict,
            sign,
            photographer,
            qr,
        } => {
            let backend = onnxruntime.map_or(Backend::Tract, |library| Backend::OnnxRuntime { library });
            let receipts = match sign.map(|key| read_signing(&key, photographer.unwrap_or_default(), qr)).transpose() {
                Ok(receipts) => receipts,
                Err(message) => {
                    eprintln!("passbild: {message}");
                    return ExitCode::from(2);
                }
            };
            let options = CheckOptions { json, overlay, reference, backend, strict, receipts };
            match run_check(&inputs, &profile, lang, threads, models, &options) {
                Ok(code) => code,
                Err(message) => {
                    eprintln!("passbild: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Serve {
            bind,
            profile,
            workers,
            queue,
            max_body_mib,
            timeout_secs,
            max_connections,
            token,
            models,
            onnxruntime,
        } => {
            let workers = threads_or_one_per_core(workers);
            let options = serve::ServeOptions {
                bind,
                workers,
                queue,
                max_body_bytes: max_body_mib.saturating_mul(1 << 20),
                timeout: std::time::Duration::from_secs(timeout_secs),
                max_connections,
                token,
            };
            let backend = onnxruntime.map_or(Backend::Tract, |library| Backend::OnnxRuntime { library });
            let checker = Checker::builder()
                .profile_name(&profile)
                .map(|b| {
                    b.threads(workers)
                        .models(models.map_or(ModelSource::Embedded, ModelSource::Directory))
                        .backend(backend)
                })
                .and_then(|b| b.build())
                .map_err(|e| e.to_string());
            report_outcome(checker.and_then(|checker| serve::serve(checker, options)))
        }
        Command::Keygen { private_key, public_key } => report_outcome(run_keygen(&private_key, &public_key)),
        Command::Verify { receipt, image, key, require_pass } => match run_verify(&receipt, &image, &key) {
            Ok(Status::Fail | Status::NotAssessed) if require_pass => ExitCode::from(1),
            outcome => report_outcome(outcome.map(|_| ())),
        },
        Command::Crop { input, output, profile } => match run_crop(&input, &output, &profile) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                eprintln!("passbild: {message}");
                ExitCode::from(2)
            }
        },
        Command::Profiles { name } => print_profiles(name.as_deref()),
        Command::Calibrate { inputs, profile, threads } => report_outcome(run_calibrate(&inputs, &profile, threads)),
    }
}

/// Fewer genuine photos than this give no bound worth printing.
const FEWEST_CALIBRATION_PHOTOS: usize = 20;

/// Where `warn` and `fail` start: the lowest scores that at most 5 % and 1 % of
/// `genuine_scores` (one or more) exceed, by nearest rank: of 100 photos or fewer the highest
/// is the fail bound. docs/morphing.md's built-in bounds, on hundreds of photos, take the score
/// at rank q (n - 1) rounded, one rank lower at most.
fn morph_bounds(genuine_scores: &[f64]) -> (f64, f64) {
    let mut sorted = genuine_scores.to_vec();
    sorted.sort_by(f64::total_cmp);
    let at = |q: f64| sorted[((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len()) - 1];
    (at(0.95), at(0.99))
}

fn run_calibrate(inputs: &[PathBuf], profile_name: &str, threads: usize) -> Result<(), String> {
    let Found { photos: files, unreadable } = collect_photos(inputs);
    for message in &unreadable {
        eprintln!("passbild: not searched: {message}");
    }
    let mut profile = Profile::by_name_or_path(profile_name).map_err(|e| e.to_string())?;
    // Scored even where the profile leaves the check off.
    let mut scoring = profile.clone();
    let morph = scoring.morph.single_image.get_or_insert(Range::new(None, Some(1.0)));
    morph.enabled = true;
    let checker = Checker::builder().profile(scoring).threads(threads).build().map_err(|e| e.to_string())?;
    let mut reports = Vec::with_capacity(files.len());
    check_in_chunks(&checker, &files, false, |_, report| {
        reports.push(report);
        Ok(())
    })?;
    // A photo whose size the profile rejects fails whatever its score: it sets no bound.
    let (mut scores, mut not_counted) = (Vec::new(), 0);
    for (path, report) in files.iter().zip(&reports) {
        let score = report.as_ref().map_err(|error| error.to_string()).and_then(|report| {
            let check = |id: &str| report.checks.iter().find(|c| c.id == id);
            let score = check("morph.single_image").and_then(|c| c.value);
            let score = score.filter(|s| s.is_finite()).ok_or_else(|| "no morph score (no face found?)".to_string())?;
            match check("geometry.inter_eye_distance") {
                Some(size) if size.status == Status::Fail => Err(format!("too small for {}", profile.name)),
                _ => Ok(score),
            }
        });
        match score {
            Ok(score) => scores.push(score),
            Err(reason) => {
                eprintln!("passbild: not counted: {}: {reason}", path.display());
                not_counted += 1;
            }
        }
    }
    if scores.len() < FEWEST_CALIBRATION_PHOTOS {
        return Err(format!(
            "{} genuine photos with a score; calibrating needs at least {FEWEST_CALIBRATION_PHOTOS} (100 or more for \
             a 1 % point that is not simply the highest score)",
            scores.len()
        ));
    }
    let (warn, fail) = morph_bounds(&scores);
    let mut out = format!(
        "# `passbild calibrate` on {} genuine photos under {}: morph.single_image warns above the score\n\
         # 5 % of them exceed and fails above the one 1 % exceed. {} photos not counted.\n",
        scores.len(),
        profile.name,
        not_counted
    );
    if let Some(shipped) = profile.morph.single_image {
        let bound = |b: Option<f64>| b.map_or("none".to_string(), |b| format!("{b:.3}"));
        out += &format!(
            "# {} had: warn above {}, fail above {}.\n",
            profile.name,
            bound(shipped.max),
            bound(shipped.reject_max)
        );
    }
    if scores.len() <= 100 {
        out += "# 100 photos or fewer: the fail bound is their highest score.\n";
    }
    let (warn, fail) = (round_up(warn), round_up(fail));
    if Profile::built_in(profile_name).is_ok() {
        out += &format!(
            "base = \"{profile_name}\"\nname = \"{profile_name}-calibrated\"\n\n[morph.single_image]\nenabled = true\n\
             max = {warn:.3}\nreject_max = {fail:.3}\n"
        );
    } else {
        profile.name = format!("{}-calibrated", profile.name);
        profile.morph.single_image = Some(Range::new(None, Some(warn)).with_reject(None, Some(fail)));
        out += &toml::to_string(&profile).map_err(|e| e.to_string())?;
    }
    print!("{out}");
    Ok(())
}

/// A bound to three decimals, rounded up so that the photos it was set on stay on its side.
fn round_up(bound: f64) -> f64 {
    (bound * 1000.0).ceil() / 1000.0
}

fn report_outcome(outcome: Result<(), String>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("passbild: {message}");
            ExitCode::from(2)
        }
    }
}

/// What `--sign` needs: the key, the pseudonym, where the QR code goes.
struct Receipts {
    key: ReceiptKey,
    photographer: String,
    qr: Option<PathBuf>,
}

/// Keys (PEM) and receipts are a few hundred bytes; a file larger than this is not one.
const SMALL_FILE_BYTES: usize = 64 << 10;

/// A key or receipt file: a regular file of at most `SMALL_FILE_BYTES`, read as photos are (a
/// device or a pipe is refused before it is opened).
fn read_small_file(path: &Path) -> Result<Vec<u8>, String> {
    let limits = DecodeLimits { max_input_bytes: SMALL_FILE_BYTES, ..Default::default() };
    limits.read_file(path).map_err(|e| match e {
        // The other errors name the file themselves.
        passbild::Error::InputTooLarge { .. } => format!("{}: {e}", path.display()),
        e => e.to_string(),
    })
}

fn read_small_text(path: &Path) -> Result<String, String> {
    String::from_utf8(read_small_file(path)?).map_err(|_| format!("cannot read {}: not text", path.display()))
}

fn read_signing(key: &Path, photographer: String, qr: Option<PathBuf>) -> Result<Receipts, String> {
    let pem = read_small_text(key)?;
    let key = ReceiptKey::from_pkcs8_pem(&pem).map_err(|e| format!("{}: {e}", key.display()))?;
    Ok(Receipts { key, photographer, qr })
}

fn run_keygen(private_key: &Path, public_key: &Path) -> Result<(), String> {
    let key = ReceiptKey::generate().map_err(|e| e.to_string())?;
    let write = |path: &Path, text: &str, private: bool| -> Result<(), String> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if private {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let _ = private;
        let mut file = options.open(path).map_err(|e| format!("cannot create {}: {e}", path.display()))?;
        // A key cut short is no key, and its file would block the next attempt.
        file.write_all(text.as_bytes()).and_then(|()| file.sync_all()).map_err(|e| {
            let _ = std::fs::remove_file(path);
            format!("cannot write {}: {e}", path.display())
        })
    };
    write(private_key, &key.to_pkcs8_pem(), true)?;
    // A private key without its public half is of no use, and would block the next attempt.
    write(public_key, &key.public_key_pem(), false).inspect_err(|_| {
        let _ = std::fs::remove_file(private_key);
    })
}

/// The verdict a valid receipt states, after printing what it states.
fn run_verify(receipt: &Path, image: &Path, key: &Path) -> Result<Status, String> {
    let key_pem = read_small_text(key)?;
    let image_bytes = DecodeLimits::default().read_file(image).map_err(|e| e.to_string())?;
    let contents = passbild::receipt::verify(&read_small_file(receipt)?, &image_bytes, &key_pem)
        .map_err(|e| format!("{}: {e}", receipt.display()))?;
    // A name says which profile was meant; the hash says whether it was that profile.
    let profile = match (contents.profile_sha256, Profile::built_in(&contents.profile)) {
        (None, _) => format!("{} (the receipt states no hash of it)", contents.profile),
        (Some(_), Err(_)) => format!("{} (a profile of the signer's own)", contents.profile),
        (Some(signed), Ok(built_in)) if signed == passbild::receipt::profile_sha256(&built_in) => {
            format!("{} (this version's built-in profile)", contents.profile)
        }
        (Some(_), Ok(_)) => format!(
            "{} (NOT this version's built-in {}: changed or another version's)",
            contents.profile, contents.profile
        ),
    };
    println!(
        "valid: {} checked under {} by {} with passbild {}: {} (signed at {} s since 1970)",
        image.display(),
        profile,
        contents.photographer,
        contents.passbild_version,
        contents.verdict.as_str(),
        contents.signed_at
    );
    Ok(contents.verdict)
}

/// Writes the receipt beside the photo (PHOTO.receipt) and, if asked, as a QR code (PNG).
fn write_receipt(receipt: &[u8], photo: &Path, qr: Option<&Path>) -> Result<(), String> {
    let mut name = photo.as_os_str().to_owned();
    name.push(".receipt");
    write_whole(Path::new(&name), receipt)?;
    if let Some(qr) = qr {
        let code = qrcode::QrCode::with_error_correction_level(receipt, qrcode::EcLevel::L)
            .map_err(|e| format!("the receipt was written, but does not fit a QR code: {e}"))?;
        let image = code.render::<image::Luma<u8>>().min_dimensions(400, 400).build();
        let mut png = std::io::Cursor::new(Vec::new());
        image.write_to(&mut png, image::ImageFormat::Png).map_err(|e| format!("cannot encode the QR code: {e}"))?;
        write_whole(qr, png.get_ref()).map_err(|e| format!("the receipt was written, the QR code not: {e}"))?;
    }
    Ok(())
}

/// Writes `bytes` to `path` whole or not at all: to a file beside it, renamed over it once
/// written, so that a full disk or a crash never leaves a receipt, crop or overlay cut short in
/// its place. A target that is not a regular file (a device such as /dev/stdout, a pipe) is
/// written as it is; one reached through a symbolic link is replaced where the link points,
/// keeping its mode.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let failed = |e: std::io::Error| format!("cannot write {}: {e}", path.display());
    let existing = std::fs::metadata(path).ok();
    if existing.as_ref().is_some_and(|metadata| !metadata.is_file()) {
        return std::fs::write(path, bytes).map_err(failed);
    }
    let resolved = if existing.is_some() { std::fs::canonicalize(path).map_err(failed)? } else { path.to_path_buf() };
    let path = resolved.as_path();
    let name = path.file_name().ok_or_else(|| failed(std::io::ErrorKind::InvalidInput.into()))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(format!(".{}.partial", std::process::id()));
    let partial = path.with_file_name(partial_name);
    let written = std::fs::File::create(&partial)
        .and_then(|mut file| {
            if let Some(metadata) = &existing {
                file.set_permissions(metadata.permissions())?;
            }
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| std::fs::rename(&partial, path));
    written.map_err(|e| {
        let _ = std::fs::remove_file(&partial);
        failed(e)
    })
}

fn run_crop(input: &Path, output: &Path, profile: &str) -> Result<(), String> {
    let checker = Checker::builder().profile_name(profile).and_then(|b| b.build()).map_err(|e| e.to_string())?;
    if same_file(input, output) {
        return Err(format!("{}: the crop would overwrite the photo it is cut from", output.display()));
    }
    let bytes = checker.limits().read_file(input).map_err(|e| e.to_string())?;
    let cropped = checker.crop(&bytes).map_err(|e| format!("{}: {e}", input.display()))?;
    write_whole(output, &cropped.jpeg)?;
    let plan = &cropped.plan;
    eprintln!(
        "{}: {}x{} px, turned by {:.1} deg, scaled by {:.3}",
        output.display(),
        plan.width,
        plan.height,
        -plan.roll_degrees,
        plan.scale
    );
    Ok(())
}

/// An existing file's device and inode, through links.
fn file_identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

/// Whether two paths name one existing file.
fn same_file(a: &Path, b: &Path) -> bool {
    file_identity(a).is_some_and(|id| file_identity(b) == Some(id))
}

fn print_profiles(name: Option<&str>) -> ExitCode {
    match name {
        None => {
            let width = Profile::built_in_names().map(str::len).max().unwrap_or(0);
            for name in Profile::built_in_names() {
                let profile = Profile::built_in(name).expect("built-in profiles parse");
                println!("{name:width$}  {}", profile.description);
            }
            ExitCode::SUCCESS
        }
        Some(name) => match Profile::by_name_or_path(name) {
            Ok(profile) => {
                print!("{}", toml::to_string(&profile).expect("profiles serialise"));
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("passbild: {e}");
                ExitCode::from(2)
            }
        },
    }
}

struct CheckOptions {
    json: bool,
    overlay: Option<PathBuf>,
    reference: Option<PathBuf>,
    backend: Backend,
    strict: bool,
    receipts: Option<Receipts>,
}

/// A thread count as the checker's builder reads it: 0 is one per core.
fn threads_or_one_per_core(threads: usize) -> usize {
    if threads == 0 { std::thread::available_parallelism().map_or(1, |n| n.get()) } else { threads }
}

/// glibc's malloc as a check batch uses it best (docs/performance.md):
/// - buffers up to 8 MiB (a photo's planes) come from the heap, and the heap's top is handed back
///   only beyond 16 MiB free. glibc's own thresholds follow the largest buffer freed so far; with
///   ONNX Runtime's tensors in its arena they stay low, and the sharpness measure's planes were
///   mapped and faulted in afresh for every photo;
/// - with one thread, one arena: glibc gives each thread an arena of its own at its first
///   allocation (up to eight per core; here also the models' loader threads), and each keeps
///   what it frees. With more threads the arenas spare the workers waiting on one lock.
///
/// 64-bit only: on 32-bit glibc the mmap threshold cannot exceed 512 KiB, and the trim threshold
/// alone would fix it at 128 KiB.
fn tune_allocator(threads: usize) {
    let one_thread = threads_or_one_per_core(threads) == 1;
    #[cfg(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64"))]
    // SAFETY: mallopt is not thread-safe; this runs before the check starts any thread (the
    // models' loaders and the pool start in the checker's builder), and the CLI has none before.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 8 << 20);
        libc::mallopt(libc::M_TRIM_THRESHOLD, 16 << 20);
        if one_thread {
            libc::mallopt(libc::M_ARENA_MAX, 1);
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu", target_pointer_width = "64")))]
    let _ = one_thread;
}

fn run_check(
    inputs: &[PathBuf],
    profile: &str,
    language: Language,
    threads: usize,
    models: Option<PathBuf>,
    options: &CheckOptions,
) -> Result<ExitCode, String> {
    tune_allocator(threads);
    let Found { photos: files, unreadable } = collect_photos(inputs);
    for message in &unreadable {
        eprintln!("passbild: {message}");
    }
    if files.is_empty() {
        return Err("no photos found (looked for .jpg, .jpeg, .png, .jp2, .j2k, .j2c, .jpf, .tif, .tiff, .bmp, .webp, .pbm, .pgm, .ppm, .pnm, .pam)".into());
    }
    let builder = Checker::builder()
        .profile_name(profile)
        .map_err(|e| e.to_string())?
        .threads(threads)
        .language(language)
        .models(models.map_or(ModelSource::Embedded, ModelSource::Directory))
        .backend(options.backend.clone());
    // One photo: check it while the models load (the cold start of a script's call); one to sign
    // is checked where it is signed.
    let (checker, only_report) = match (files.as_slice(), &options.reference, &options.receipts) {
        ([only], None, None) => match DecodeLimits::default().read_file(only) {
            Ok(bytes) => {
                let (checker, report) = builder.build_and_check(&bytes).map_err(|e| e.to_string())?;
                let report = report.map(|mut report| {
                    report.file = Some(only.display().to_string());
                    report
                });
                (checker, Some(report))
            }
            Err(error) => {
                let checker = builder.build().map_err(|e| e.to_string())?;
                (checker, Some(Err(error)))
            }
        },
        _ => (builder.build().map_err(|e| e.to_string())?, None),
    };
    let overlays = options.overlay.as_ref().map(|out| overlay_targets(out, inputs, &files));
    // An overlay or a QR code is never written over a photo being checked or compared with (the
    // photo given as its own overlay, the live capture as the overlay, the photo as its QR code).
    let photos: std::collections::HashSet<_> =
        files.iter().chain(&options.reference).filter_map(|photo| file_identity(photo)).collect();
    let is_a_photo = |target: &Path| file_identity(target).is_some_and(|id| photos.contains(&id));
    if let Some(target) = overlays.iter().flatten().find(|target| is_a_photo(target)) {
        return Err(format!("will not write an overlay over the photo {}", target.display()));
    }
    if let Some(qr) = options.receipts.as_ref().and_then(|receipts| receipts.qr.as_deref())
        && is_a_photo(qr)
    {
        return Err(format!("will not write the QR code over the photo {}", qr.display()));
    }
    if let (Some(out), Some(targets)) = (&options.overlay, &overlays)
        && targets.first() != Some(out)
    {
        std::fs::create_dir_all(out).map_err(|e| format!("cannot create {}: {e}", out.display()))?;
    }

    let mut stdout = std::io::stdout().lock();
    let (mut any_error, mut all_pass, mut receipt_unwritten) = (!unreadable.is_empty(), true, false);
    let mut emit = |index: usize, result: passbild::Result<Report>| -> Result<(), String> {
        let path = &files[index];
        match result {
            Ok(report) => {
                all_pass &= report.verdict == Status::Pass || (report.verdict == Status::Warn && !options.strict);
                if options.json {
                    writeln!(stdout, "{}", report.to_json()).map_err(|e| e.to_string())?;
                } else {
                    print_table(&mut stdout, &report, language).map_err(|e| e.to_string())?;
                }
                if let Some(target) = overlays.as_ref().map(|targets| &targets[index])
                    && let Err(message) = write_overlay(&checker, path, &report, target)
                {
                    eprintln!("passbild: {message}");
                    any_error = true;
                }
            }
            Err(error) => {
                any_error = true;
                if options.json {
                    let line = serde_json::json!({
                        "file": path.display().to_string(),
                        "error": error.to_string(),
                        "code": error.code(),
                    });
                    writeln!(stdout, "{line}").map_err(|e| e.to_string())?;
                } else {
                    eprintln!("passbild: {}: {error}", path.display());
                }
            }
        }
        Ok(())
    };
    match &options.reference {
        Some(live) => {
            let [document] = files.as_slice() else {
                return Err(format!(
                    "--reference compares one document photo with the live capture, not {}",
                    files.len()
                ));
            };
            let read = |path: &Path| checker.limits().read_file(path).map_err(|e| e.to_string());
            let (document_bytes, live_bytes) = (read(document)?, read(live)?);
            emit(
                0,
                checker.check_with_reference(&document_bytes, &live_bytes).map(|mut report| {
                    report.file = Some(document.display().to_string());
                    report
                }),
            )?;
        }
        None => match (&options.receipts, only_report) {
            (Some(receipts), _) => {
                if receipts.qr.is_some() && files.len() > 1 {
                    return Err("--qr writes the receipt of one photo, not of several".into());
                }
                for (index, path) in files.iter().enumerate() {
                    let (report, unwritten) = check_and_sign(&checker, path, receipts);
                    emit(index, report)?;
                    if let Some(message) = unwritten {
                        eprintln!("passbild: {}: {message}", path.display());
                        receipt_unwritten = true;
                    }
                }
            }
            (None, Some(report)) => emit(0, report)?,
            (None, None) => check_in_chunks(&checker, &files, options.json, emit)?,
        },
    }
    // The process ends here: the system takes back the models' memory at once, where dropping
    // the checker would free it buffer by buffer (about 10 ms of a cold start with ONNX Runtime).
    std::mem::forget(checker);
    Ok(if any_error || receipt_unwritten {
        ExitCode::from(2)
    } else if all_pass {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Checks one photo and signs a receipt for exactly the bytes checked: the report, and why its
/// receipt could not be written, if it could not (the report stands either way).
fn check_and_sign(checker: &Checker, path: &Path, receipts: &Receipts) -> (passbild::Result<Report>, Option<String>) {
    let checked = checker.limits().read_file(path).and_then(|bytes| {
        let mut report = checker.check_bytes(&bytes)?;
        report.file = Some(path.display().to_string());
        let receipt = checker.sign_receipt(&bytes, &report, &receipts.photographer, &receipts.key)?;
        Ok((report, receipt))
    });
    match checked {
        Ok((report, receipt)) => (Ok(report), write_receipt(&receipt, path, receipts.qr.as_deref()).err()),
        Err(error) => (Err(error), None),
    }
}

/// Photos per thread checked at once in a batch: results are handed on after each chunk, so a
/// long batch shows its reports as it goes and holds only a chunk of them. Threads wait for the
/// chunk's last photo about once per chunk, a few per cent of a chunk this long.
const CHUNK_PER_THREAD: usize = 32;

/// Checks every file on the checker's pool, a chunk at a time, handing each result with its
/// index to `each` in order; with a progress bar for several in table mode.
fn check_in_chunks(
    checker: &Checker,
    files: &[PathBuf],
    json: bool,
    mut each: impl FnMut(usize, passbild::Result<Report>) -> Result<(), String>,
) -> Result<(), String> {
    let progress = if files.len() > 1 && !json {
        indicatif::ProgressBar::new(files.len() as u64)
    } else {
        indicatif::ProgressBar::hidden()
    };
    let chunk_len = CHUNK_PER_THREAD * checker.threads().max(1);
    for (chunk_index, chunk) in files.chunks(chunk_len).enumerate() {
        let reports = checker.check_files(chunk, || progress.inc(1));
        progress.suspend(|| {
            reports
                .into_iter()
                .enumerate()
                .try_for_each(|(offset, report)| each(chunk_index * chunk_len + offset, report))
        })?;
    }
    progress.finish_and_clear();
    Ok(())
}

/// How `--overlay` names the overlays it writes into a directory: NAME.overlay.png.
const OVERLAY_SUFFIX: &str = ".overlay.png";

/// An overlay an earlier `--overlay` wrote (NAME.overlay.png, NAME-2.overlay.png): not a photo
/// to check when a directory is searched.
fn is_overlay(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| name.to_ascii_lowercase().ends_with(OVERLAY_SUFFIX))
}

fn is_photo(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "jpg"
                | "jpeg"
                | "png"
                | "jp2"
                | "j2k"
                | "j2c"
                | "jpf"
                | "tif"
                | "tiff"
                | "bmp"
                | "webp"
                | "pbm"
                | "pgm"
                | "ppm"
                | "pnm"
                | "pam"
        )
    })
}

/// Photos found, and the directories that could not be read.
struct Found {
    photos: Vec<PathBuf>,
    unreadable: Vec<String>,
}

/// Files as given, directories searched recursively for photos, in a stable order. Links are
/// followed, but each directory is entered once (by its device and inode), so a link to a parent
/// cannot loop, and each photo is listed once. A directory that cannot be read is reported and
/// the search goes on.
fn collect_photos(inputs: &[PathBuf]) -> Found {
    let mut seen_dirs = std::collections::HashSet::new();
    let mut seen_files = std::collections::HashSet::new();
    let (mut photos, mut unreadable) = (Vec::new(), Vec::new());
    for input in inputs {
        if input.is_dir() {
            let mut stack = vec![input.clone()];
            let mut found = Vec::new();
            while let Some(dir) = stack.pop() {
                if !file_identity(&dir).is_some_and(|id| seen_dirs.insert(id)) {
                    continue;
                }
                let entries = match std::fs::read_dir(&dir) {
                    Ok(entries) => entries,
                    Err(e) => {
                        unreadable.push(format!("cannot read {}: {e}", dir.display()));
                        continue;
                    }
                };
                for entry in entries.flatten() {
                    let path = entry.path();
                    if path.is_dir() {
                        stack.push(path);
                    } else if is_photo(&path)
                        && !is_overlay(&path)
                        && file_identity(&path).is_none_or(|id| seen_files.insert(id))
                    {
                        found.push(path);
                    }
                }
            }
            found.sort();
            photos.extend(found);
        } else {
            photos.push(input.clone());
        }
    }
    Found { photos, unreadable }
}

/// Where each photo's overlay goes: `out` itself for a single photo given as a file, else
/// PHOTO.overlay.png in the directory `out`, with -2, -3, ... where two photos share a name.
fn overlay_targets(out: &Path, inputs: &[PathBuf], photos: &[PathBuf]) -> Vec<PathBuf> {
    if photos.len() == 1 && !out.is_dir() && !inputs.iter().any(|input| input.is_dir()) {
        return vec![out.to_path_buf()];
    }
    let mut taken = std::collections::HashSet::new();
    photos
        .iter()
        .map(|photo| {
            let stem = photo.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "photo".into());
            let name = (1..)
                .map(|n| if n == 1 { format!("{stem}{OVERLAY_SUFFIX}") } else { format!("{stem}-{n}{OVERLAY_SUFFIX}") })
                .find(|name| taken.insert(name.clone()))
                .expect("some name is free");
            out.join(name)
        })
        .collect()
}

/// The overlay as PNG, whatever `target`'s name ends in.
fn write_overlay(checker: &Checker, photo: &Path, report: &Report, target: &Path) -> Result<(), String> {
    let bytes = checker.limits().read_file(photo).map_err(|e| e.to_string())?;
    write_whole(target, &checker.overlay_png(&bytes, report).map_err(|e| e.to_string())?)
}

fn print_table(out: &mut impl Write, report: &Report, language: Language) -> std::io::Result<()> {
    let verdict = |status: Status| match (status, language) {
        (Status::Pass, Language::En) => "PASS",
        (Status::Pass, Language::De) => "ERFÜLLT",
        (Status::Fail, Language::En) => "FAIL",
        (Status::Fail, Language::De) => "NICHT ERFÜLLT",
        (Status::NotAssessed, Language::En) => "NOT ASSESSED",
        (Status::NotAssessed, Language::De) => "NICHT BEWERTET",
        (Status::Warn, Language::En) => "PASS, READ THE NOTES",
        (Status::Warn, Language::De) => "ERFÜLLT, HINWEISE BEACHTEN",
    };
    let file = report.file.as_deref().unwrap_or("-");
    writeln!(out, "{file}  [{}]  {}", report.profile, verdict(report.verdict))?;
    for check in &report.checks {
        let mark = match (check.status, language) {
            (Status::Pass, _) => "ok  ",
            (Status::Fail, Language::En) => "FAIL",
            (Status::Fail, Language::De) => "NEIN",
            (Status::NotAssessed, Language::En) => "n/a ",
            (Status::NotAssessed, Language::De) => "n.b.",
            (Status::Warn, Language::En) => "warn",
            (Status::Warn, Language::De) => "Hinw",
        };
        let value = check.value.map_or_else(
            || "-".to_string(),
            |v| {
                let shown = format!("{v:.3}");
                if language == Language::De { shown.replace('.', ",") } else { shown }
            },
        );
        writeln!(out, "  {mark}  {:32} {:>9}  {}", check.id, value, check.message_in(language))?;
    }
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::morph_bounds;

    #[test]
    fn morph_bounds_are_exceeded_by_at_most_their_share() {
        let scores = |n: usize| (1..=n).rev().map(|s| s as f64).collect::<Vec<f64>>();
        // Of 32, one exceeds the warn bound (3 %) and none the fail bound.
        assert_eq!(morph_bounds(&scores(32)), (31.0, 32.0));
        // Of 200, ten (5 %) and two (1 %).
        assert_eq!(morph_bounds(&scores(200)), (190.0, 198.0));
        // Of 60, the fail bound is the highest score.
        assert_eq!(morph_bounds(&scores(60)).1, 60.0);
        assert_eq!(morph_bounds(&[0.2]), (0.2, 0.2));
    }
}
