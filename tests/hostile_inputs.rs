//! Hostile files through the CLI, each in a child process of its own: it must end with its
//! documented exit code and typed error, never abort or hang, and stay within 512 MiB
//! (docs/reliability.md). A test binary of its own, so the children's peak memory is theirs.
//! The files are made here, not committed.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

/// Far beyond what any case needs: only a hang reaches it.
const HANG: Duration = Duration::from_secs(120);

struct Outcome {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run_cli(args: &[&Path]) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_passbild"))
        .args(["check", "--json", "--threads", "1"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > HANG {
            child.kill().ok();
            panic!("the CLI hung on {args:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let output = child.wait_with_output().unwrap();
    Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// The CLI refuses `path` with exit code 2 and an error naming `fragment`.
fn refused(path: &Path, fragment: &str) {
    let outcome = run_cli(&[path]);
    assert_eq!(outcome.code, Some(2), "{}: {} {}", path.display(), outcome.stdout, outcome.stderr);
    let line: serde_json::Value = serde_json::from_str(outcome.stdout.trim()).unwrap();
    let error = line["error"].as_str().unwrap_or_default();
    assert!(error.contains(fragment), "{}: {error:?} lacks {fragment:?}", path.display());
}

fn png(width: u32, height: u32, colour: png::ColorType, pixels: &[u8]) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(colour);
    encoder.write_header().unwrap().write_image_data(pixels).unwrap();
    bytes
}

/// A marker segment: the marker (0xFF and `marker`), its length, `body`.
fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let length = u16::try_from(body.len() + 2).unwrap();
    [&[0xFF, marker][..], &length.to_be_bytes(), body].concat()
}

/// A COD segment: one decomposition level, code-blocks of 2^(`block_exponent` + 2) samples a
/// side, the 5/3 transform, and the precincts' sizes where given (one byte per resolution).
fn cod(layers: u16, block_exponent: u8, precincts: &[u8]) -> Vec<u8> {
    let style = u8::from(!precincts.is_empty());
    let [layers_high, layers_low] = layers.to_be_bytes();
    let body = [style, 0, layers_high, layers_low, 0, 1, block_exponent, block_exponent, 0, 1];
    segment(0x52, &[&body[..], precincts].concat())
}

/// A COC segment for the first component: code-blocks of 4x4 samples.
fn coc_of_small_blocks() -> Vec<u8> {
    segment(0x53, &[0, 0, 1, 0, 0, 0, 1])
}

/// A JPEG 2000 codestream of one tile, three 8-bit components and no coded data: SIZ, the
/// `main` header's segments, QCD, and one tile-part whose header holds `tile`'s.
fn codestream(width: u32, height: u32, main: &[Vec<u8>], tile: &[Vec<u8>]) -> Vec<u8> {
    let mut siz = vec![0, 0];
    for value in [width, height, 0, 0, width, height, 0, 0] {
        siz.extend_from_slice(&value.to_be_bytes());
    }
    siz.extend_from_slice(&[0, 3]);
    siz.extend_from_slice(&[7, 1, 1].repeat(3));
    let start_of_tile = [0u8, 0, 0, 0, 0, 0, 0, 1];
    [
        vec![0xFF, 0x4F],
        segment(0x51, &siz),
        main.concat(),
        segment(0x5C, &[0x40, 0x48, 0x48, 0x48, 0x48]),
        segment(0x90, &start_of_tile),
        tile.concat(),
        vec![0xFF, 0x93, 0, 0, 0, 0, 0xFF, 0xD9],
    ]
    .concat()
}

struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        let dir = std::env::temp_dir().join(format!("passbild-hostile-{}", std::process::id()));
        std::fs::remove_dir_all(&dir).ok();
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let path = self.0.join(name);
        std::fs::write(&path, bytes).unwrap();
        path
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        std::fs::remove_dir_all(&self.0).ok();
    }
}

#[test]
fn hostile_files_end_with_their_documented_error_within_bounded_memory() {
    let scratch = Scratch::new();

    // Extreme aspect ratios: the scene grid and every resampling grow with height over width.
    refused(&scratch.file("narrow.png", &png(1, 16_384, png::ColorType::Grayscale, &[0; 16_384])), "aspect ratio");
    refused(
        &scratch.file("strip.png", &png(16, 16_000, png::ColorType::Grayscale, &[90; 16 * 16_000])),
        "aspect ratio",
    );
    let mut tall_jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new(&mut tall_jpeg)
        .encode(&[128; 2 * 16_384 * 3], 2, 16_384, image::ExtendedColorType::Rgb8)
        .unwrap();
    refused(&scratch.file("tall.jpg", &tall_jpeg), "aspect ratio");

    // JPEG 2000: a tile grid of 16 million 1x1 tiles, and a codestream cut anywhere.
    let jp2 = fixture_bytes("C001088_lossless.jp2");
    let siz = jp2.windows(4).position(|w| w == [0xFF, 0x4F, 0xFF, 0x51]).unwrap() + 4;
    let mut tiled = jp2.clone();
    for (i, value) in [4000u32, 4000, 0, 0, 1, 1, 0, 0].iter().enumerate() {
        tiled[siz + 4 + 4 * i..siz + 8 + 4 * i].copy_from_slice(&value.to_be_bytes());
    }
    refused(&scratch.file("tiles.jp2", &tiled), "memory");
    for cut in [400, jp2.len() * 3 / 10, jp2.len() * 99 / 100, jp2.len() - 1] {
        refused(&scratch.file(&format!("cut{cut}.jp2"), &jp2[..cut]), "truncated");
    }

    // Codestreams of a hundred bytes whose code-blocks the decoder would build by the million:
    // shrunk by precincts of one sample, by a COC after the main COD, or by a COD in the
    // tile-part's header, each over 32 quality layers. The same image with plain code-blocks is
    // decoded.
    let plain = cod(32, 4, &[]);
    let one_sample_precincts = cod(32, 4, &[0x00, 0x11]);
    for (name, main, tile) in [
        ("precincts.j2k", vec![one_sample_precincts.clone()], vec![]),
        ("coc.j2k", vec![plain.clone(), coc_of_small_blocks()], vec![]),
        ("tile_cod.j2k", vec![plain.clone()], vec![one_sample_precincts]),
    ] {
        refused(&scratch.file(name, &codestream(4000, 4000, &main, &tile)), "memory");
    }
    let outcome = run_cli(&[&scratch.file("plain.j2k", &codestream(1244, 1600, &[plain], &[]))]);
    assert_eq!(outcome.code, Some(1), "{} {}", outcome.stdout, outcome.stderr);

    // A photo cut short with its end marker appended: the decoder would fill the rest with grey.
    let photo_jpeg = fixture_bytes("frll_034_de.jpg");
    for percent in [90, 95, 99] {
        let mut cut = photo_jpeg[..photo_jpeg.len() * percent / 100].to_vec();
        cut.extend_from_slice(&[0xFF, 0xD9]);
        refused(&scratch.file(&format!("cut{percent}.jpg"), &cut), "damaged");
    }

    // A JPEG of only its start and end markers.
    refused(&scratch.file("empty.jpg", &[0xFF, 0xD8, 0xFF, 0xD9]), "no frame header");

    // Files that are not what their size or kind says: read within the limit, or not at all.
    let sparse = scratch.0.join("sparse.jpg");
    let file = std::fs::File::create(&sparse).unwrap();
    file.set_len(1_500_000_000).unwrap();
    drop(file);
    refused(&sparse, "above the limit");
    let zero = scratch.0.join("zero.jpg");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    refused(&zero, "not a regular file");
    let fifo = scratch.0.join("fifo.jpg");
    let fifo_name = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo_name.as_ptr(), 0o600) }, 0);
    refused(&fifo, "not a regular file");

    // A photo whose pixels are all transparent is judged as it shows (white), not by the
    // colours under the alpha: no face, no pass.
    let photo = image::imageops::resize(&fixture_image("frll_034_de.jpg"), 350, 450, image::imageops::Triangle);
    let hidden: Vec<u8> = photo.pixels().flat_map(|p| [p[0], p[1], p[2], 0]).collect();
    let transparent = scratch.file("transparent.png", &png(350, 450, png::ColorType::Rgba, &hidden));
    let outcome = run_cli(&[&transparent]);
    let report: serde_json::Value = serde_json::from_str(outcome.stdout.trim()).unwrap();
    assert_eq!(report["verdict"], "fail", "{report}");
    assert_eq!(outcome.code, Some(1));

    // A folder holding a photo and two links to itself: the walk ends and checks the photo once.
    let looped = scratch.0.join("looped");
    std::fs::create_dir(&looped).unwrap();
    std::fs::write(looped.join("photo.png"), png(350, 450, png::ColorType::Rgba, &hidden)).unwrap();
    std::os::unix::fs::symlink(&looped, looped.join("again")).unwrap();
    std::os::unix::fs::symlink(".", looped.join("here")).unwrap();
    let outcome = run_cli(&[&looped]);
    assert_eq!(outcome.stdout.lines().count(), 1, "{}", outcome.stdout);

    // Peak resident memory of the finished children (Linux: kB).
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) }, 0);
    let peak_mib = usage.ru_maxrss as f64 / 1024.0;
    assert!(peak_mib < 512.0, "a child peaked at {peak_mib:.0} MiB");
}
