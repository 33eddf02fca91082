//! What a caller can hand us: every supported encoding gives the same verdict, and bad input gives
//! a typed error (never a panic), with memory bounded before any pixel is decoded.

mod common;

use common::*;
use image::{DynamicImage, ImageEncoder, RgbImage};
use passbild::tools::internals::decode;
use passbild::{ColourType, DecodeLimits, ImageFormat};
use passbild::{Error, Status};

fn limits() -> DecodeLimits {
    DecodeLimits::default()
}

fn encode_png(image: &DynamicImage) -> Vec<u8> {
    let mut bytes = Vec::new();
    image::codecs::png::PngEncoder::new(&mut bytes)
        .write_image(image.as_bytes(), image.width(), image.height(), image.color().into())
        .unwrap();
    bytes
}

/// A compliant photo, re-encoded, must keep passing de-live.
fn assert_passes_de_live(bytes: &[u8], what: &str) -> passbild::Report {
    let report = checker("de-live").check_bytes(bytes).unwrap();
    assert_eq!(report.verdict, Status::Pass, "{what}: {:#?}", failures(&report));
    report
}

#[test]
fn sixteen_bit_grey_and_rgba_pngs_decode_and_pass() {
    let photo = DynamicImage::ImageRgb8(fixture_image("frll_034_de.jpg"));
    let rgb16 = assert_passes_de_live(&encode_png(&DynamicImage::ImageRgb16(photo.to_rgb16())), "16-bit PNG");
    assert_eq!(
        (rgb16.image.format, rgb16.image.colour_type, rgb16.image.bits_per_sample),
        (ImageFormat::Png, ColourType::Rgb, 16)
    );
    // A grey photo decodes and measures like the colour one; de-live wants colour, so only the
    // colour depth fails, and face occlusion, skin colour and colour cast (colour cues) are not
    // assessed. A warning (the head's pitch, near the edge of its target) may come or go with the
    // grey conversion.
    let grey = checker("de-live").check_bytes(&encode_png(&DynamicImage::ImageLuma8(photo.to_luma8()))).unwrap();
    assert_eq!(grey.image.colour_type, ColourType::Grey);
    let neither_pass_nor_warn = grey.checks.iter().filter(|c| !matches!(c.status, Status::Pass | Status::Warn));
    assert_eq!(neither_pass_nor_warn.count(), 4, "{:#?}", failures(&grey));
    for id in [passbild::ids::FACE_OCCLUSION, passbild::ids::NATURAL_SKIN, passbild::ids::COLOUR_CAST] {
        assert_eq!(status(&grey, id), Status::NotAssessed, "{id}");
    }
    assert_eq!(status(&grey, passbild::ids::COLOUR_DEPTH), Status::Fail);
    assert_eq!(value(&grey, passbild::ids::COLOUR_DEPTH), 8.0);
    let rgba = assert_passes_de_live(&encode_png(&DynamicImage::ImageRgba8(photo.to_rgba8())), "RGBA PNG");
    assert_eq!(rgba.image.colour_type, ColourType::Rgba);
}

#[test]
fn cmyk_jpeg_decodes_to_the_same_colours() {
    let photo = fixture_image("frll_034_de.jpg");
    let cmyk: Vec<u8> = photo.pixels().flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0]).collect();
    let mut bytes = Vec::new();
    jpeg_encoder::Encoder::new(&mut bytes, 92)
        .encode(&cmyk, photo.width() as u16, photo.height() as u16, jpeg_encoder::ColorType::Cmyk)
        .unwrap();
    let decoded = decode(&bytes, &limits()).unwrap();
    assert_eq!(decoded.facts.colour_type, ColourType::Cmyk);
    let mean = |image: &RgbImage| {
        image.pixels().map(|p| f64::from(p[0]) + f64::from(p[1]) + f64::from(p[2])).sum::<f64>() / image.len() as f64
    };
    assert!((mean(&decoded.image) - mean(&photo)).abs() < 6.0, "CMYK colours drifted");
    // Read alike, but print colours are not the sRGB a passport photo is delivered in.
    let report = checker("de-live").check_bytes(&bytes).unwrap();
    assert_eq!(failures(&report).len(), 1, "{:#?}", failures(&report));
    assert_eq!(status(&report, passbild::ids::COLOUR_SPACE), Status::Fail);
}

#[test]
fn exif_orientation_is_applied_before_checking() {
    // Stored lying on its side; orientation 6 says "turn 90 degrees clockwise to display".
    let stored = image::imageops::rotate270(&fixture_image("frll_034_de.jpg"));
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 92).encode_image(&stored).unwrap();
    let report = assert_passes_de_live(&with_exif_orientation(&jpeg, 6), "EXIF-rotated JPEG");
    assert_eq!((report.image.width, report.image.height), (1244, 1600));
    assert_eq!(report.image.exif_orientation, Some(6));
}

#[test]
fn jpeg_2000_decodes() {
    let decoded = decode(&fixture_bytes("C001088_lossless.jp2"), &limits()).unwrap();
    assert_eq!(decoded.facts.format, ImageFormat::Jpeg2000);
    assert_eq!((decoded.image.width(), decoded.image.height()), (225, 275));
    let report = checker("icao").check_bytes(&fixture_bytes("C001088_lossless.jp2")).unwrap();
    assert_eq!(report.faces.len(), 1);
}

#[test]
fn jpeg_facts_include_the_estimated_quality() {
    let report = checker("de-live").check_bytes(&fixture_bytes("frll_034_de.jpg")).unwrap();
    assert_eq!(report.image.format, ImageFormat::Jpeg);
    assert_eq!(report.image.jpeg_quality, Some(90), "the fixture was written at quality 90");
}

#[test]
fn bad_bytes_give_typed_errors() {
    let jpeg = fixture_bytes("frll_034_de.jpg");
    assert!(matches!(decode(&[], &limits()), Err(Error::EmptyInput)));
    assert!(matches!(decode(&jpeg[..jpeg.len() / 2], &limits()), Err(Error::Truncated { .. })));
    let mut state = 0x2545F491u32;
    let random: Vec<u8> = (0..5000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            state as u8
        })
        .collect();
    assert!(matches!(decode(&random, &limits()), Err(Error::UnknownFormat)));
    let mut fake_jpeg = vec![0xFF, 0xD8, 0xFF];
    fake_jpeg.extend_from_slice(&random);
    assert!(decode(&fake_jpeg, &limits()).is_err());
    let mut fake_png = b"\x89PNG\r\n\x1a\n".to_vec();
    fake_png.extend_from_slice(&random);
    assert!(decode(&fake_png, &limits()).is_err());
    // Through the checker, the same errors.
    assert!(checker("icao").check_bytes(&random).is_err());
}

/// A JPEG whose frame header claims 60000x60000 pixels.
fn jpeg_claiming(width: u16, height: u16) -> Vec<u8> {
    let mut jpeg = fixture_bytes("lisa3.jpg");
    let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0] || w == [0xFF, 0xC2]).expect("frame header");
    jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
    jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
    jpeg
}

fn png_header_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    let writer = encoder.write_header().unwrap();
    drop(writer);
    bytes
}

#[test]
fn oversized_headers_and_bombs_are_refused_before_decoding() {
    for bytes in [jpeg_claiming(60_000, 60_000), png_header_claiming(60_000, 60_000), png_bomb()] {
        let started = std::time::Instant::now();
        let err = decode(&bytes, &limits()).unwrap_err();
        assert!(matches!(err, Error::ImageTooLarge { .. }), "{err}");
        assert!(started.elapsed().as_secs_f64() < 1.0, "the refusal decoded pixels first");
    }
}

#[test]
fn oversized_pixels_in_memory_are_refused() {
    let checker = passbild::Checker::builder()
        .limits(DecodeLimits { max_pixels: 1_000_000, ..DecodeLimits::default() })
        .build()
        .unwrap();
    let large = DynamicImage::ImageRgb8(RgbImage::new(1500, 1000));
    assert!(matches!(checker.check_image(&large), Err(Error::ImageTooLarge { .. })));
    assert!(matches!(checker.check_image(&DynamicImage::ImageRgb8(RgbImage::new(0, 0))), Err(Error::InvalidPixels(_))));
}

#[test]
fn raw_pixels_in_every_layout_give_the_same_report() {
    let photo = fixture_image("frll_034_de.jpg");
    let (width, height) = photo.dimensions();
    let reference = without_timings(&checker("de-live").check_image(&DynamicImage::ImageRgb8(photo.clone())).unwrap());
    type Pack = fn(&image::Rgb<u8>) -> Vec<u8>;
    let layouts: [(passbild::PixelFormat, Pack); 4] = [
        (passbild::PixelFormat::Rgb8, |p| vec![p[0], p[1], p[2]]),
        (passbild::PixelFormat::Bgr8, |p| vec![p[2], p[1], p[0]]),
        (passbild::PixelFormat::Rgba8, |p| vec![p[0], p[1], p[2], 255]),
        (passbild::PixelFormat::Bgra8, |p| vec![p[2], p[1], p[0], 255]),
    ];
    for (format, pack) in layouts {
        // Rows padded to a stride with 16 spare bytes, as camera buffers often are.
        let stride = width as usize * format.bytes_per_pixel() + 16;
        let mut buffer = vec![0u8; stride * height as usize];
        for (y, row) in photo.rows().enumerate() {
            let packed: Vec<u8> = row.flat_map(pack).collect();
            buffer[y * stride..][..packed.len()].copy_from_slice(&packed);
        }
        let report = checker("de-live").check_pixels(&buffer, width, height, stride, format).unwrap();
        assert_eq!(report.checks, reference.checks, "{format:?}");
        let short = &buffer[..buffer.len() - stride];
        assert!(matches!(
            checker("de-live").check_pixels(short, width, height, stride, format),
            Err(Error::InvalidPixels(_))
        ));
        assert!(matches!(
            checker("de-live").check_pixels(&buffer, width, height, 3, format),
            Err(Error::InvalidPixels(_))
        ));
        // A stride whose rows would end beyond any address (wrapped around, a few bytes):
        // refused.
        let beyond = usize::MAX / (height as usize - 1) + 1;
        assert!(matches!(
            checker("de-live").check_pixels(&buffer, width, height, beyond, format),
            Err(Error::InvalidPixels(_))
        ));
    }
    let grey: Vec<u8> = photo.pixels().map(|p| p[1]).collect();
    let report =
        checker("de-live").check_pixels(&grey, width, height, width as usize, passbild::PixelFormat::Grey8).unwrap();
    assert_eq!(report.image.colour_type, ColourType::Grey);
    assert_eq!(report.faces.len(), 1);
}

/// The fixture re-encoded by jpeg-encoder with `configure` applied.
fn reencoded(configure: impl Fn(&mut jpeg_encoder::Encoder<&mut Vec<u8>>)) -> Vec<u8> {
    let photo = fixture_image("frll_034_de.jpg");
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 92);
    configure(&mut encoder);
    encoder.encode(photo.as_raw(), photo.width() as u16, photo.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    bytes
}

#[test]
fn damaged_jpeg_scans_are_refused_and_whole_ones_decode() {
    // Restart intervals, chroma subsampling and progressive files decode as before.
    let with_restarts = reencoded(|e| {
        e.set_restart_interval(4);
        e.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    });
    decode(&with_restarts, &limits()).unwrap();
    decode(&reencoded(|e| e.set_progressive(true)), &limits()).unwrap();
    // Two restart markers swapped: the intervals are out of order.
    let mut swapped = with_restarts.clone();
    let restarts: Vec<usize> = (0..swapped.len() - 1)
        .filter(|&i| swapped[i] == 0xFF && (0xD0..=0xD7).contains(&swapped[i + 1]))
        .take(2)
        .collect();
    swapped.swap(restarts[0] + 1, restarts[1] + 1);
    let error = decode(&swapped, &limits()).unwrap_err();
    assert!(matches!(error, Error::Damaged { .. }), "{error}");

    // Ten flipped bits in the scan: most shift every code after them. A flip in a coefficient's
    // value bits alone changes one block and leaves the codes whole, so not all are found
    // (docs/reliability.md: 84 of 100 with ten flips).
    let jpeg = fixture_bytes("frll_034_de.jpg");
    let scan = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap() + 20;
    let mut state = 12345u64;
    let mut caught = 0;
    for _ in 0..40 {
        let mut flipped = jpeg.clone();
        for _ in 0..10 {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let at = scan + (state >> 33) as usize % (flipped.len() - 2 - scan);
            flipped[at] ^= 1 << ((state >> 20) % 8);
        }
        match decode(&flipped, &limits()) {
            Err(Error::Damaged { .. } | Error::Decode { .. }) => caught += 1,
            Err(other) => panic!("{other}"),
            Ok(_) => {}
        }
    }
    assert!(caught >= 30, "{caught} of 40 found");
}

#[test]
fn a_band_left_by_a_damaged_value_fails_integrity() {
    // One flipped bit at a time in the scan; the copies whose codes stay whole decode, and a band
    // that shifts at least 2 % of the photo by 16 levels or more must fail `image.integrity`.
    let jpeg = fixture_bytes("frll_034_de.jpg");
    let whole = image::load_from_memory(&jpeg).unwrap().to_rgb8();
    let scan = jpeg.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap() + 20;
    let checker = checker("de-live");
    let mut state = 2024u64;
    let mut bands = 0;
    for _ in 0..60 {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let at = scan + (state >> 33) as usize % (jpeg.len() - 2 - scan);
        let mut flipped = jpeg.clone();
        flipped[at] ^= 1 << ((state >> 20) % 8);
        if jpeg[at] == 0xFF || flipped[at] == 0xFF {
            continue;
        }
        let Ok(decoded) = decode(&flipped, &limits()) else { continue };
        let shifted = decoded
            .image
            .as_raw()
            .chunks_exact(3)
            .zip(whole.as_raw().chunks_exact(3))
            .filter(|(a, b)| (0..3).any(|c| a[c].abs_diff(b[c]) >= 16))
            .count();
        if shifted * 50 < whole.as_raw().len() / 3 {
            continue;
        }
        let report = checker.check_bytes(&flipped).unwrap();
        let integrity = report.checks.iter().find(|c| c.id == passbild::ids::INTEGRITY).unwrap();
        assert_eq!(integrity.status, Status::Fail, "bit flipped at byte {at}: {integrity:?}");
        bands += 1;
        if bands == 3 {
            break;
        }
    }
    assert!(bands >= 2, "only {bands} copies with a band");
    // The whole file reads no band.
    let report = checker.check_bytes(&jpeg).unwrap();
    let integrity = report.checks.iter().find(|c| c.id == passbild::ids::INTEGRITY).unwrap();
    assert_eq!(integrity.status, Status::Pass, "{integrity:?}");
}

#[test]
fn an_overlay_of_a_report_from_elsewhere_with_far_off_points_is_drawn() {
    let bytes = fixture_bytes("frll_034_de.jpg");
    let checker = checker("de-live");
    let mut report = checker.check_bytes(&bytes).unwrap();
    let face = report.face.as_mut().unwrap();
    face.landmarks.crown.y = -1e9;
    face.landmarks.left_eye_centre.x = 3e9;
    face.landmarks.chin.x = f32::NAN;
    report.faces[0].bbox.width = 1e12;
    report.faces[0].bbox.x = -1e12;
    let started = std::time::Instant::now();
    let overlay = checker.overlay(&bytes, &report).unwrap();
    assert_eq!(overlay.dimensions(), (1244, 1600));
    // Far beyond what drawing takes: only walking lines of billions of pixels reaches it.
    assert!(started.elapsed() < std::time::Duration::from_secs(60), "{:?}", started.elapsed());
}
