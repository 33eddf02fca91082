//! The files scanners and phones write: TIFF (8 and 16 bit, grey, RGB, CMYK, LZW, Deflate,
//! PackBits), BMP, WebP and PNM decode to the photo's pixels; their headers are checked before any
//! pixel is decoded; a scan's stated resolution gives its printed size under de-scan.

mod common;

use std::io::Cursor;

use common::*;
use image::{DynamicImage, ImageEncoder, RgbImage, imageops::FilterType};
use passbild::tools::internals::decode;
use passbild::{ColourType, DecodeLimits, Error, ImageFormat, Status, ids};
use tiff::encoder::{Compression, DeflateLevel, Rational, TiffEncoder, colortype};
use tiff::tags::ResolutionUnit;

fn small_photo() -> RgbImage {
    image::imageops::resize(&fixture_image("frll_034_de.jpg"), 311, 400, FilterType::Triangle)
}

/// A TIFF of `pixels` in colour type `$colour`, optionally stating a resolution in dots per inch.
macro_rules! tiff {
    ($colour:ty, $width:expr, $height:expr, $pixels:expr, $compression:expr, $dpi:expr) => {{
        let mut bytes = Cursor::new(Vec::new());
        let mut encoder = TiffEncoder::new(&mut bytes).unwrap().with_compression($compression);
        let mut image = encoder.new_image::<$colour>($width, $height).unwrap();
        if let Some(dpi) = $dpi {
            image.resolution(ResolutionUnit::Inch, Rational { n: dpi, d: 10 });
        }
        image.write_data($pixels).unwrap();
        bytes.into_inner()
    }};
}

fn decoded_rgb(bytes: &[u8]) -> (passbild::ImageFacts, RgbImage) {
    let decoded = decode(bytes, &DecodeLimits::default()).unwrap();
    (decoded.facts, decoded.image)
}

fn largest_difference(a: &RgbImage, b: &RgbImage) -> u8 {
    assert_eq!(a.dimensions(), b.dimensions());
    a.as_raw().iter().zip(b.as_raw()).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0)
}

#[test]
fn tiffs_in_every_layout_decode_to_the_photo() {
    let photo = small_photo();
    let (w, h) = photo.dimensions();
    for (compression, name) in [
        (Compression::Uncompressed, "uncompressed"),
        (Compression::Lzw, "LZW"),
        (Compression::Deflate(DeflateLevel::Balanced), "Deflate"),
        (Compression::Packbits, "PackBits"),
    ] {
        let bytes = tiff!(colortype::RGB8, w, h, photo.as_raw(), compression, None::<u32>);
        let (facts, image) = decoded_rgb(&bytes);
        assert_eq!((facts.format, facts.colour_type, facts.bits_per_sample), (ImageFormat::Tiff, ColourType::Rgb, 8));
        assert_eq!(facts.lossless, Some(true), "{name}");
        assert_eq!(largest_difference(&image, &photo), 0, "{name}");
    }

    let grey16: Vec<u16> = DynamicImage::ImageRgb8(photo.clone()).to_luma16().into_raw();
    let (facts, image) = decoded_rgb(&tiff!(colortype::Gray16, w, h, &grey16[..], Compression::Lzw, None::<u32>));
    assert_eq!((facts.colour_type, facts.bits_per_sample), (ColourType::Grey, 16));
    let grey8 = DynamicImage::ImageRgb8(photo.clone()).to_luma8();
    assert!(image.pixels().zip(grey8.pixels()).all(|(rgb, g)| rgb[0].abs_diff(g[0]) <= 1 && rgb[0] == rgb[2]));

    let cmyk: Vec<u8> = photo.pixels().flat_map(|p| [255 - p[0], 255 - p[1], 255 - p[2], 0]).collect();
    let (facts, image) =
        decoded_rgb(&tiff!(colortype::CMYK8, w, h, &cmyk[..], Compression::Deflate(DeflateLevel::Fast), None::<u32>));
    assert_eq!(facts.colour_type, ColourType::Cmyk);
    assert!(largest_difference(&image, &photo) <= 1);
}

#[test]
fn a_compliant_photo_as_lzw_tiff_passes_de_live() {
    let photo = fixture_image("frll_034_de.jpg");
    let (w, h) = photo.dimensions();
    let bytes = tiff!(colortype::RGB8, w, h, photo.as_raw(), Compression::Lzw, None::<u32>);
    let report = checker("de-live").check_bytes(&bytes).unwrap();
    assert_eq!(report.verdict, Status::Pass, "{:#?}", failures(&report));
    assert_eq!(value(&report, ids::COMPRESSION), 100.0);
}

#[test]
fn bmp_webp_and_pnm_decode_to_the_photo() {
    let photo = small_photo();
    let (w, h) = photo.dimensions();
    let encoded = |encode: &dyn Fn(&mut Vec<u8>)| {
        let mut bytes = Vec::new();
        encode(&mut bytes);
        bytes
    };
    let rgb = image::ExtendedColorType::Rgb8;
    let bmp = encoded(&|b| image::codecs::bmp::BmpEncoder::new(b).write_image(photo.as_raw(), w, h, rgb).unwrap());
    let webp =
        encoded(&|b| image::codecs::webp::WebPEncoder::new_lossless(b).write_image(photo.as_raw(), w, h, rgb).unwrap());
    let ppm = encoded(&|b| image::codecs::pnm::PnmEncoder::new(b).write_image(photo.as_raw(), w, h, rgb).unwrap());
    for (bytes, format) in [(bmp, ImageFormat::Bmp), (webp, ImageFormat::WebP), (ppm, ImageFormat::Pnm)] {
        let (facts, image) = decoded_rgb(&bytes);
        assert_eq!((facts.format, facts.width, facts.height), (format, w, h));
        assert_eq!(largest_difference(&image, &photo), 0, "{format:?}");
    }
    let grey = DynamicImage::ImageRgb8(photo.clone()).to_luma8();
    let pgm = encoded(&|b| {
        image::codecs::pnm::PnmEncoder::new(b).write_image(grey.as_raw(), w, h, image::ExtendedColorType::L8).unwrap()
    });
    let (facts, image) = decoded_rgb(&pgm);
    assert_eq!((facts.format, facts.colour_type), (ImageFormat::Pnm, ColourType::Grey));
    assert_eq!(image.get_pixel(100, 100)[0], grey.get_pixel(100, 100)[0]);
}

/// A TIFF header with one strip, claiming `width` x `height` grey pixels it does not hold.
fn tiff_header_claiming(width: u32, height: u32) -> Vec<u8> {
    let mut bytes = b"II*\0\x08\0\0\0".to_vec();
    let entries: [(u16, u16, u32); 8] = [
        (256, 4, width),  // ImageWidth, LONG
        (257, 4, height), // ImageLength
        (258, 3, 8),      // BitsPerSample, SHORT
        (259, 3, 1),      // Compression: none
        (262, 3, 1),      // Photometric: black is zero
        (273, 4, 200),    // StripOffsets
        (278, 4, height), // RowsPerStrip
        (279, 4, 16),     // StripByteCounts
    ];
    bytes.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (tag, kind, value) in entries {
        bytes.extend_from_slice(&tag.to_le_bytes());
        bytes.extend_from_slice(&kind.to_le_bytes());
        bytes.extend_from_slice(&1u32.to_le_bytes());
        bytes.extend_from_slice(&value.to_le_bytes());
    }
    bytes.extend_from_slice(&[0; 4]);
    bytes.resize(216, 0);
    bytes
}

#[test]
fn oversized_headers_of_the_new_formats_are_refused_before_decoding() {
    let limits = DecodeLimits::default();
    let too_large = |bytes: &[u8], what: &str| match decode(bytes, &limits) {
        Err(Error::ImageTooLarge { width, height, .. }) => (width, height),
        other => panic!("{what}: {other:?}"),
    };
    assert_eq!(too_large(&tiff_header_claiming(65_535, 65_535), "TIFF"), (65_535, 65_535));
    // The header itself is sound: the same file at a small size decodes.
    assert!(decode(&tiff_header_claiming(4, 4), &limits).is_ok());
    assert_eq!(too_large(b"P5\n65535 65535\n255\n\0\0\0\0", "PGM"), (65_535, 65_535));
    let mut bmp = b"BM".to_vec();
    bmp.extend_from_slice(&[0; 12]);
    bmp.extend_from_slice(&40u32.to_le_bytes());
    bmp.extend_from_slice(&30_000i32.to_le_bytes());
    bmp.extend_from_slice(&30_000i32.to_le_bytes());
    bmp.extend_from_slice(&1u16.to_le_bytes());
    bmp.extend_from_slice(&24u16.to_le_bytes());
    bmp.resize(64, 0);
    assert_eq!(too_large(&bmp, "BMP"), (30_000, 30_000));
}

/// The de-scan photo (622x800 px), as a TIFF stating `dpi_tenths` / 10 dots per inch.
fn scan_at(dpi_tenths: Option<u32>) -> Vec<u8> {
    let photo = image::imageops::resize(&fixture_image("frll_034_de.jpg"), 622, 800, FilterType::Lanczos3);
    tiff!(colortype::RGB8, 622, 800, photo.as_raw(), Compression::Lzw, dpi_tenths)
}

#[test]
fn de_scan_judges_the_printed_size_the_scan_states() {
    let de_scan = checker("de-scan");
    // 622 px over 35 mm is 451.4 dpi.
    let true_size = de_scan.check_bytes(&scan_at(Some(4514))).unwrap();
    let check = true_size.check(ids::PRINT_SIZE).unwrap();
    assert_eq!(check.status, Status::Pass, "{check:?}");
    assert!(check.value.unwrap() < 0.1, "{check:?}");
    assert!(check.message.contains("35.0 x 45.0 mm at 451 dpi"), "{}", check.message);

    let too_small = de_scan.check_bytes(&scan_at(Some(6000))).unwrap();
    let check = too_small.check(ids::PRINT_SIZE).unwrap();
    assert_eq!(check.status, Status::Fail, "{check:?}");
    assert!((check.value.unwrap() - (45.0 - 800.0 / 600.0 * 25.4)).abs() < 0.01, "{check:?}");

    let unstated = de_scan.check_bytes(&scan_at(None)).unwrap();
    assert_eq!(status(&unstated, ids::PRINT_SIZE), Status::NotAssessed);
    assert!(checker("de-live").check_bytes(&scan_at(Some(6000))).unwrap().check(ids::PRINT_SIZE).is_none());
}

#[test]
fn png_and_jpeg_resolutions_are_read_in_their_units() {
    let photo = small_photo();
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, photo.width(), photo.height());
    encoder.set_color(png::ColorType::Rgb);
    // 600 dpi is 23622 pixels per metre.
    encoder.set_pixel_dims(Some(png::PixelDimensions { xppu: 23_622, yppu: 23_622, unit: png::Unit::Meter }));
    encoder.write_header().unwrap().write_image_data(photo.as_raw()).unwrap();
    let [x, y] = decoded_rgb(&png).0.resolution_dpi.unwrap();
    assert!((x - 600.0).abs() < 0.1 && (y - 600.0).abs() < 0.1, "{x} {y}");

    let mut jpeg = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut jpeg, 95);
    encoder
        .set_density(jpeg_encoder::PixelDensity { density: (300, 300), unit: jpeg_encoder::PixelDensityUnit::Inches });
    encoder.encode(photo.as_raw(), photo.width() as u16, photo.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    assert_eq!(decoded_rgb(&jpeg).0.resolution_dpi, Some([300.0, 300.0]));
}

/// `photo`'s pixels as a JPEG of quality 95 carrying `icc`.
fn jpeg_with_profile(photo: &RgbImage, icc: Vec<u8>) -> Vec<u8> {
    passbild::tools::edits::jpeg_bytes_with_profile(photo, 95, Some(&icc))
}

/// Section 7 asks for sRGB: a file whose ICC profile declares another colour space (a phone's
/// Display P3, a camera's Adobe RGB) fails `image.colour_space`; sRGB, no profile and a damaged
/// profile (not assessed) do not.
#[test]
fn a_file_in_another_colour_space_than_srgb_fails() {
    let photo = fixture_image("frll_034_de.jpg");
    let de_live = checker("de-live");
    let encoded = |profile: moxcms::ColorProfile| profile.encode().unwrap();
    let status_of = |bytes: &[u8], checker: &passbild::Checker| {
        let report = checker.check_bytes(bytes).unwrap();
        let check = report.check(ids::COLOUR_SPACE).unwrap().clone();
        (check.status, check.value)
    };
    let (status, value) =
        status_of(&jpeg_with_profile(&photo, encoded(moxcms::ColorProfile::new_display_p3())), de_live);
    assert_eq!(status, Status::Fail, "Display P3: {value:?}");
    assert!(value.is_some_and(|v| (0.05..0.12).contains(&v)), "{value:?}");
    let (status, value) = status_of(&jpeg_with_profile(&photo, encoded(moxcms::ColorProfile::new_srgb())), de_live);
    assert_eq!(status, Status::Pass, "sRGB: {value:?}");
    assert_eq!(status_of(&fixture_bytes("frll_034_de.jpg"), de_live).0, Status::Pass, "no profile");
    let (status, _) = status_of(&jpeg_with_profile(&photo, b"not a colour profile at all".to_vec()), de_live);
    assert_eq!(status, Status::NotAssessed, "a damaged profile");
    // A congress portrait as published, in Adobe RGB (1998).
    let adobe = std::fs::read(datasets().join("congress/B000589.jpg")).unwrap();
    let (status, value) = status_of(&adobe, checker("icao"));
    assert_eq!(status, Status::Fail, "Adobe RGB: {value:?}");
    let profile = decode(&adobe, &DecodeLimits::default()).unwrap().facts.colour_profile.unwrap();
    assert_eq!(profile.description.as_deref(), Some("Adobe RGB (1998)"));
}

/// One lossy compression (section 7): a photo saved at quality 60 and again at 95 reads 95 in
/// `image.compression` but fails `image.earlier_compression`, which reads the first; so do a
/// PNG of the first JPEG's pixels and those pixels handed over as a buffer. Saved once at 95 it passes both.
#[test]
fn a_photo_compressed_before_fails_though_saved_again_at_high_quality() {
    use passbild::tools::edits::jpeg_bytes;
    let photo = fixture_image("frll_034_de.jpg");
    let de_live = checker("de-live");
    let judged = |bytes: &[u8]| {
        let report = de_live.check_bytes(bytes).unwrap();
        let status = |id| report.check(id).map(|c| (c.status, c.value.unwrap_or(f64::NAN))).unwrap();
        (status(ids::COMPRESSION), status(ids::EARLIER_COMPRESSION))
    };
    let (file, earlier) = judged(&jpeg_bytes(&photo, 95));
    assert_eq!((file.0, earlier), (Status::Pass, (Status::Pass, 100.0)));
    let first = image::load_from_memory(&jpeg_bytes(&photo, 60)).unwrap().into_rgb8();
    let (file, earlier) = judged(&jpeg_bytes(&first, 95));
    assert_eq!(file.0, Status::Pass);
    assert_eq!(earlier.0, Status::Fail, "{earlier:?}");
    assert!((58.0..=64.0).contains(&earlier.1), "{earlier:?}");
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(first.as_raw(), first.width(), first.height(), image::ExtendedColorType::Rgb8)
        .unwrap();
    let (file, earlier) = judged(&png);
    assert_eq!((file.0, earlier.0), (Status::Pass, Status::Fail), "{earlier:?}");
    // The same pixels handed over as a buffer.
    let stride = first.width() as usize * 3;
    let report = de_live
        .check_pixels(first.as_raw(), first.width(), first.height(), stride, passbild::PixelFormat::Rgb8)
        .unwrap();
    assert_eq!(report.check(ids::EARLIER_COMPRESSION).unwrap().status, Status::Fail);
}

/// `photo` as a PNG with an iCCP chunk for each of `profiles` (its bytes, deflated as PNG does).
fn png_with_profiles(photo: &RgbImage, profiles: &[&[u8]]) -> Vec<u8> {
    use std::io::Write;
    let mut png = Vec::new();
    let mut encoder = png::Encoder::new(&mut png, photo.width(), photo.height());
    encoder.set_color(png::ColorType::Rgb);
    let mut writer = encoder.write_header().unwrap();
    for profile in profiles {
        let mut deflated = flate2::write::ZlibEncoder::new(b"profile\0\0".to_vec(), flate2::Compression::fast());
        deflated.write_all(profile).unwrap();
        writer.write_chunk(png::chunk::iCCP, &deflated.finish().unwrap()).unwrap();
    }
    writer.write_image_data(photo.as_raw()).unwrap();
    writer.finish().unwrap();
    png
}

/// A PNG's profile is deflated: it is read (the first, where a file has more), and one that
/// inflates beyond a megabyte is not (8 MB of zeros deflate to 8 KB) and leaves the colour space
/// not assessed. The pixels decode the same either way.
#[test]
fn a_png_profile_is_read_within_a_bound() {
    let photo = small_photo();
    let p3 = moxcms::ColorProfile::new_display_p3().encode().unwrap();
    let srgb = moxcms::ColorProfile::new_srgb().encode().unwrap();
    let decoded = decode(&png_with_profiles(&photo, &[&p3, &srgb]), &DecodeLimits::default()).unwrap();
    let off = decoded.facts.colour_profile.unwrap().primaries_off_srgb.unwrap();
    assert!((0.08..0.09).contains(&off), "{off}");
    assert_eq!(decoded.icc_profile.as_deref(), Some(&p3[..]));
    assert_eq!(decoded.image, photo);

    let inflating = vec![0u8; 8 << 20];
    let bytes = png_with_profiles(&photo, &[&inflating]);
    assert!(bytes.len() < photo.len() + 100_000, "{}", bytes.len());
    let decoded = decode(&bytes, &DecodeLimits::default()).unwrap();
    assert_eq!(decoded.facts.colour_profile.unwrap().data, passbild::ColourData::Unreadable);
    assert_eq!(decoded.icc_profile, None);
    assert_eq!(decoded.facts.bytes, bytes.len());
    assert_eq!(decoded.image, photo);
}

/// A studio's crop delivers sRGB: a Display P3 photo is converted (its colours kept, so its
/// values change) and the crop passes `image.colour_space`.
#[test]
fn a_crop_of_a_display_p3_photo_is_srgb() {
    // The compliant fixture with room around it, as a studio's larger photo.
    let mut photo = RgbImage::from_pixel(1_644, 2_000, image::Rgb([235, 235, 235]));
    image::imageops::overlay(&mut photo, &fixture_image("frll_034_de.jpg"), 200, 200);
    let de_live = checker("de-live");
    let p3 = jpeg_with_profile(&photo, moxcms::ColorProfile::new_display_p3().encode().unwrap());
    let cropped = de_live.crop(&p3).unwrap();
    let as_is = de_live.crop(&jpeg_with_profile(&photo, moxcms::ColorProfile::new_srgb().encode().unwrap())).unwrap();
    // P3's red is redder than sRGB's: the same values, read as P3, need more red in sRGB.
    let mean_red =
        |image: &RgbImage| image.pixels().map(|p| f64::from(p[0]) - f64::from(p[1])).sum::<f64>() / image.len() as f64;
    assert!(
        mean_red(&cropped.image) > mean_red(&as_is.image) + 1.0,
        "{} vs {}",
        mean_red(&cropped.image),
        mean_red(&as_is.image)
    );
    let report = de_live.check_bytes(&cropped.jpeg).unwrap();
    assert_eq!(report.check(ids::COLOUR_SPACE).unwrap().status, Status::Pass);
    let profile = decode(&cropped.jpeg, &DecodeLimits::default()).unwrap().facts.colour_profile.unwrap();
    assert!(profile.description.is_some_and(|d| d.contains("sRGB")));
}
