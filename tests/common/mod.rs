//! Shared test helpers: fixture paths, the shared datasets, one checker per profile per test binary.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use image::{DynamicImage, RgbImage};
use passbild::{Checker, Report, Status};

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

/// Runs a command that must exit 0; returns its standard output.
pub fn run_ok(what: &str, command: &mut std::process::Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    assert!(
        output.status.success(),
        "{what} failed ({}):\n{}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn fixture_bytes(name: &str) -> Vec<u8> {
    std::fs::read(fixture(name)).unwrap_or_else(|e| panic!("fixture {name}: {e}"))
}

pub fn fixture_image(name: &str) -> RgbImage {
    image::load_from_memory(&fixture_bytes(name)).unwrap().to_rgb8()
}

/// ../shared/datasets beside the checkout. CI always has it; a run without it fails loudly rather
/// than passing without looking at the data.
pub fn datasets() -> PathBuf {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    assert!(
        path.is_dir(),
        "{} is missing: the dataset tests need ../shared/datasets beside the checkout",
        path.display()
    );
    path
}

/// One checker per profile per test binary: the models load once.
pub fn checker(profile: &str) -> &'static Checker {
    static ICAO: OnceLock<Checker> = OnceLock::new();
    static DE_LIVE: OnceLock<Checker> = OnceLock::new();
    static DE_SCAN: OnceLock<Checker> = OnceLock::new();
    static DE_CHILD_UNDER_6: OnceLock<Checker> = OnceLock::new();
    let cell = match profile {
        "icao" => &ICAO,
        "de-live" => &DE_LIVE,
        "de-scan" => &DE_SCAN,
        "de-child-under-6" => &DE_CHILD_UNDER_6,
        other => panic!("no shared checker for {other}"),
    };
    cell.get_or_init(|| Checker::builder().profile_name(profile).unwrap().threads(2).build().unwrap())
}

/// The face mesh's points on a photo (icao checker), in photo pixels.
pub fn mesh_points(image: &RgbImage) -> Vec<passbild::Point> {
    let analysis = checker("icao").analyse_image(&DynamicImage::ImageRgb8(image.clone())).unwrap();
    analysis.mesh_points().expect("a face")
}

pub fn check(profile: &str, image: &RgbImage) -> Report {
    checker(profile).check_image(&DynamicImage::ImageRgb8(image.clone())).unwrap()
}

pub fn status(report: &Report, id: &str) -> Status {
    report.check(id).unwrap_or_else(|| panic!("{id} missing from the report")).status
}

pub fn value(report: &Report, id: &str) -> f64 {
    report.check(id).and_then(|c| c.value).unwrap_or_else(|| panic!("{id} has no value"))
}

/// Every check that did not pass, for assertion messages.
pub fn failures(report: &Report) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| format!("{} {:?} {:?}: {}", c.id, c.status, c.value, c.message))
        .collect()
}

/// The report without its timings, for comparing runs.
pub fn without_timings(report: &Report) -> Report {
    let mut report = report.clone();
    report.timings_ms.clear();
    report
}

/// The directory holding the libpassbild.so and libpassbild.a built with this test binary: its
/// own deps/ directory. (Cargo copies them up to target/<profile>/ only for `cargo build`, and that
/// copy can be stale during `cargo test`.)
pub fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().to_path_buf();
    for library in ["libpassbild.so", "libpassbild.a"] {
        assert!(dir.join(library).exists(), "{} has no {library}", dir.display());
    }
    dir
}

/// Compiles C or C++ sources against include/passbild.h and the shared library, with strict
/// warnings, into an executable under the target's temporary directory.
pub fn compile_against_library(sources: &[PathBuf], output_name: &str, cpp: bool) -> PathBuf {
    let target = env!("PASSBILD_TARGET");
    let compiler = cc::Build::new()
        .cargo_metadata(false)
        .cpp(cpp)
        .target(target)
        .host(target)
        .opt_level(0)
        .debug(true)
        .get_compiler();
    let output = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(output_name);
    let library = library_dir();
    let mut command = compiler.to_command();
    command
        .args(["-Wall", "-Wextra", "-Werror", if cpp { "-std=c++17" } else { "-std=c11" }])
        .arg("-I")
        .arg(root().join("include"))
        .args(sources)
        .arg("-o")
        .arg(&output)
        .arg(format!("-L{}", library.display()))
        .arg("-lpassbild")
        // RPATH, not RUNPATH: cargo's LD_LIBRARY_PATH also lists target/<profile>/, where a stale
        // copy of the library from an earlier `cargo build` would otherwise win.
        .arg("-Wl,--disable-new-dtags")
        .arg(format!("-Wl,-rpath,{}", library.display()))
        .args(["-lpthread", "-lm", "-ldl"]);
    run_ok(&format!("compiling {output_name}"), &mut command);
    output
}

/// A real PNG of 15000x15000 black pixels: 225 MB of pixels in a few hundred kB.
pub fn png_bomb() -> Vec<u8> {
    let side = 15_000u32;
    // The stream writer needs to own its sink, so encode into a temporary file.
    let path = std::env::temp_dir().join(format!(
        "passbild-bomb-src-{}-{:?}.png",
        std::process::id(),
        std::thread::current().id()
    ));
    let mut encoder = png::Encoder::new(std::io::BufWriter::new(std::fs::File::create(&path).unwrap()), side, side);
    encoder.set_color(png::ColorType::Grayscale);
    encoder.set_compression(png::Compression::Fastest);
    let mut stream = encoder.write_header().unwrap().into_stream_writer().unwrap();
    let row = vec![0u8; side as usize];
    for _ in 0..side {
        std::io::Write::write_all(&mut stream, &row).unwrap();
    }
    stream.finish().unwrap();
    let bytes = std::fs::read(&path).unwrap();
    std::fs::remove_file(&path).ok();
    bytes
}

/// Inserts an EXIF APP1 segment holding only the orientation tag right after SOI.
pub fn with_exif_orientation(jpeg: &[u8], orientation: u16) -> Vec<u8> {
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes()); // one IFD entry
    tiff.extend_from_slice(&0x0112u16.to_be_bytes()); // Orientation
    tiff.extend_from_slice(&3u16.to_be_bytes()); // SHORT
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&orientation.to_be_bytes());
    tiff.extend_from_slice(&[0, 0, 0, 0, 0, 0]); // value padding, no next IFD
    let mut segment = b"Exif\x00\x00".to_vec();
    segment.extend_from_slice(&tiff);
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&((segment.len() + 2) as u16).to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Every check de-live runs: all but the scan's `image.print_size`.
pub fn de_live_check_ids() -> impl Iterator<Item = &'static str> {
    passbild::ids::ALL.iter().copied().filter(|&id| id != passbild::ids::PRINT_SIZE)
}
