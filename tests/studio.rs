//! The studio's and the office's workflow: a studio photo cropped to the template passes the
//! profile's geometry; a signed receipt verifies for the photo it names and every tampering is
//! refused with its own error.

mod common;

use common::*;
use passbild::crop::{CropProblem, Side};
use passbild::receipt::{self, ReceiptError, ReceiptKey};
use passbild::{Error, Status};

/// Geometry and roll checks of a report: none may fail or warn.
fn geometry_problems(report: &passbild::Report) -> Vec<String> {
    report
        .checks
        .iter()
        .filter(|c| {
            c.id.starts_with("geometry.") || c.id == passbild::ids::ROLL || c.id == passbild::ids::IMAGE_DIMENSIONS
        })
        .filter(|c| c.status != Status::Pass)
        .map(|c| format!("{}: {}", c.id, c.message))
        .collect()
}

/// Studio photos with room around the head (docs/workflow.md lists the whole sets).
const STUDIO_PHOTOS: [&str; 4] = [
    "webmorph_canada/003f.jpg",
    "webmorph_canada/010f.jpg",
    "frll/neutral_front/002_03.jpg",
    "frll/neutral_front/013_03.jpg",
];

#[test]
fn cropped_studio_photos_pass_the_profiles_geometry() {
    for profile in ["de-scan", "icao"] {
        for name in STUDIO_PHOTOS {
            let bytes = std::fs::read(datasets().join(name)).unwrap();
            let cropped = checker(profile).crop(&bytes).unwrap_or_else(|e| panic!("{profile} {name}: {e}"));
            assert!(cropped.plan.scale <= 1.0);
            let report = checker(profile).check_bytes(&cropped.jpeg).unwrap();
            assert_eq!(geometry_problems(&report), Vec::<String>::new(), "{profile} {name}");
            assert!(report.check(passbild::ids::COMPRESSION).is_none_or(|c| c.status == Status::Pass));
        }
    }
    // de-live: 1244x1600 without upscaling needs a head of about 1200 px in the studio photo.
    let bytes = std::fs::read(datasets().join(STUDIO_PHOTOS[0])).unwrap();
    let cropped = checker("de-live").crop(&bytes).unwrap();
    assert_eq!((cropped.image.width(), cropped.image.height()), (1244, 1600));
    let report = checker("de-live").check_bytes(&cropped.jpeg).unwrap();
    assert_eq!(geometry_problems(&report), Vec::<String>::new());
}

#[test]
fn a_crop_keeps_the_photos_colour_profile_and_is_upright() {
    use image::ImageEncoder;
    // The studio photo saved with an ICC profile and stored on its side, EXIF saying so (6: turn
    // 90 degrees clockwise to view).
    let upright = image::open(datasets().join(STUDIO_PHOTOS[0])).unwrap().to_rgb8();
    let stored = image::imageops::rotate270(&upright);
    let icc = b"passbild test colour profile".to_vec();
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
    encoder.set_icc_profile(icc.clone()).unwrap();
    encoder.encode_image(&stored).unwrap();
    let bytes = with_exif_orientation(&bytes, 6);
    let cropped = checker("de-scan").crop(&bytes).unwrap();
    assert_eq!((cropped.image.width(), cropped.image.height()), (622, 800));
    let decoded = passbild::tools::internals::decode(&cropped.jpeg, &passbild::DecodeLimits::default()).unwrap();
    assert_eq!(decoded.icc_profile, Some(icc));
    assert_eq!(decoded.facts.exif_orientation, None);
    let report = checker("de-scan").check_bytes(&cropped.jpeg).unwrap();
    assert_eq!(geometry_problems(&report), Vec::<String>::new());
}

/// The crop is what the studio forwards: it keeps the photo's capture date and camera (its
/// metadata), not where it was taken, the camera's serial number, the orientation of the stored
/// photo or a field too long for a name.
#[test]
fn a_crop_keeps_when_and_with_what_the_photo_was_taken_not_where() {
    use exif::{Field, In, Rational, Tag, Value};
    use image::ImageEncoder;
    let ascii =
        |tag, text: &str| Field { tag, ifd_num: In::PRIMARY, value: Value::Ascii(vec![text.as_bytes().to_vec()]) };
    let degrees = |tag| Field {
        tag,
        ifd_num: In::PRIMARY,
        value: Value::Rational(vec![Rational::from((52, 1)), Rational::from((31, 1)), Rational::from((0, 1))]),
    };
    let fields = [
        ascii(Tag::Make, "Canon"),
        ascii(Tag::Model, "EOS R6"),
        ascii(Tag::DateTimeOriginal, "2026:11:30 10:15:00"),
        ascii(Tag::BodySerialNumber, "012345678901"),
        ascii(Tag::Artist, &"a".repeat(300)),
        Field { tag: Tag::Orientation, ifd_num: In::PRIMARY, value: Value::Short(vec![1]) },
        ascii(Tag::GPSLatitudeRef, "N"),
        degrees(Tag::GPSLatitude),
    ];
    let mut writer = exif::experimental::Writer::new();
    fields.iter().for_each(|field| writer.push_field(field));
    let mut photo_exif = std::io::Cursor::new(Vec::new());
    writer.write(&mut photo_exif, false).unwrap();
    let jpeg = |exif: Option<Vec<u8>>| {
        let mut bytes = Vec::new();
        let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95);
        if let Some(exif) = exif {
            encoder.set_exif_metadata(exif).unwrap();
        }
        encoder.encode_image(&image::open(datasets().join(STUDIO_PHOTOS[0])).unwrap()).unwrap();
        bytes
    };
    let bytes = jpeg(Some(photo_exif.into_inner()));

    let cropped = checker("de-scan").crop(&bytes).unwrap();
    let kept = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(&cropped.jpeg)).unwrap();
    let text = |tag| kept.get_field(tag, In::PRIMARY).map(|f| f.display_value().to_string());
    assert_eq!(text(Tag::Make).as_deref(), Some("\"Canon\""));
    assert_eq!(text(Tag::Model).as_deref(), Some("\"EOS R6\""));
    assert_eq!(text(Tag::DateTimeOriginal).as_deref(), Some("2026-11-30 10:15:00"));
    for dropped in [Tag::BodySerialNumber, Tag::Artist, Tag::Orientation, Tag::GPSLatitude, Tag::GPSLatitudeRef] {
        assert_eq!(text(dropped), None, "{dropped}");
    }
    let pixels = |tag| kept.get_field(tag, In::PRIMARY).and_then(|f| f.value.get_uint(0));
    assert_eq!((pixels(Tag::PixelXDimension), pixels(Tag::PixelYDimension)), (Some(622), Some(800)));
    // The crop's pixels, and so its report, are those of a crop of the photo without EXIF.
    let without = checker("de-scan").crop(&jpeg(None)).unwrap();
    assert_eq!(cropped.image, without.image);
    let statuses =
        |jpeg: &[u8]| checker("de-scan").check_bytes(jpeg).unwrap().checks.iter().map(|c| c.status).collect::<Vec<_>>();
    assert_eq!(statuses(&cropped.jpeg), statuses(&without.jpeg));
}

#[test]
fn a_photo_without_room_or_with_a_small_head_is_refused_with_the_reason() {
    // A compliant passport photo with its bottom third cut off has no room below the chin.
    let photo = fixture_image("frll_034_de.jpg");
    let cut = image::imageops::crop_imm(&photo, 0, 0, photo.width(), photo.height() * 2 / 3).to_image();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95).encode_image(&cut).unwrap();
    match checker("de-scan").crop(&bytes) {
        Err(Error::Crop(CropProblem::NotEnoughRoom { sides, short_by_px })) => {
            assert!(sides.contains(&Side::Bottom) && !sides.contains(&Side::Top), "{sides:?}");
            assert!(short_by_px > 100, "{short_by_px}");
        }
        other => panic!("{other:?}"),
    }
    // FRLL's heads are about 650 px tall: de-live would need them twice that.
    let bytes = std::fs::read(datasets().join(STUDIO_PHOTOS[2])).unwrap();
    match checker("de-live").crop(&bytes) {
        Err(Error::Crop(CropProblem::HeadTooSmall { upscale })) => assert!(upscale > 1.5, "{upscale}"),
        other => panic!("{other:?}"),
    }
    let blank = image::RgbImage::from_pixel(900, 1200, image::Rgb([200, 200, 200]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 95).encode_image(&blank).unwrap();
    assert!(matches!(checker("de-live").crop(&bytes), Err(Error::Crop(CropProblem::NoFace))));
}

/// A receipt for the compliant fixture, with its key and image bytes.
fn signed() -> (Vec<u8>, Vec<u8>, ReceiptKey) {
    let key = ReceiptKey::from_pkcs8_pem(&ReceiptKey::generate().unwrap().to_pkcs8_pem()).unwrap();
    let image = fixture_bytes("frll_034_de.jpg");
    let report = checker("de-live").check_bytes(&image).unwrap();
    let receipt = checker("de-live").sign_receipt(&image, &report, "studio-42/anna", &key).unwrap();
    (receipt, image, key)
}

#[test]
fn a_receipt_verifies_and_states_what_was_checked() {
    let (receipt, image, key) = signed();
    let contents = receipt::verify(&receipt, &image, &key.public_key_pem()).unwrap();
    assert_eq!(contents.verdict, Status::Pass);
    assert_eq!((contents.profile.as_str(), contents.photographer.as_str()), ("de-live", "studio-42/anna"));
    assert_eq!(contents.passbild_version, env!("CARGO_PKG_VERSION"));
    assert_eq!(contents.models_sha256, checker("de-live").models_sha256().unwrap());
    let report = checker("de-live").check_bytes(&image).unwrap();
    let checks: Vec<(String, Status)> = report.checks.iter().map(|c| (c.id.clone(), c.status)).collect();
    assert_eq!(contents.checks, checks);
    let built_in = passbild::Profile::built_in("de-live").unwrap();
    assert_eq!(contents.profile_sha256, Some(receipt::profile_sha256(&built_in)));
    // A profile of one's own under a built-in's name states its own hash, not the built-in's.
    let lax =
        passbild::Profile::from_toml("base = \"de-live\"\n[pose.pitch]\nreject_min = -20\nreject_max = 20\n").unwrap();
    assert_eq!(lax.name, "de-live");
    let lax_checker = passbild::Checker::builder().profile(lax.clone()).build().unwrap();
    let lax_receipt = lax_checker.sign_receipt(&image, &report, "studio-42/anna", &key).unwrap();
    let lax_contents = receipt::verify(&lax_receipt, &image, &key.public_key_pem()).unwrap();
    assert_eq!(lax_contents.profile, "de-live");
    assert_eq!(lax_contents.profile_sha256, Some(receipt::profile_sha256(&lax)));
    assert_ne!(lax_contents.profile_sha256, contents.profile_sha256);
    // A QR code of version 25 holds 1273 bytes at the lowest error correction.
    let code = qrcode::QrCode::with_error_correction_level(&receipt, qrcode::EcLevel::L).unwrap();
    let qrcode::Version::Normal(version) = code.version() else { panic!("a micro QR code") };
    assert!(version <= 25, "version {version} for {} bytes", receipt.len());
}

#[test]
fn every_tampering_is_refused_with_its_own_error() {
    let (receipt, image, key) = signed();
    let public = key.public_key_pem();

    // A changed pixel: the photo re-encoded with one pixel changed.
    let mut pixels = fixture_image("frll_034_de.jpg");
    pixels.get_pixel_mut(600, 800).0[0] ^= 0x40;
    let mut changed = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut changed, 99).encode_image(&pixels).unwrap();
    assert!(matches!(receipt::verify(&receipt, &changed, &public), Err(ReceiptError::ImageMismatch { .. })));

    // A changed verdict: the payload's verdict (key 3, pass = 1) set to fail (3).
    let hash_at = receipt.windows(3).position(|w| w == [0x02, 0x58, 0x20]).expect("the image hash field");
    let verdict_at = hash_at + 3 + 32;
    assert_eq!(receipt[verdict_at..verdict_at + 2], [0x03, 0x01]);
    let mut forged = receipt.clone();
    forged[verdict_at + 1] = 0x03;
    assert_eq!(receipt::verify(&forged, &image, &public), Err(ReceiptError::BadSignature));

    // Another key.
    let other = ReceiptKey::generate().unwrap().public_key_pem();
    assert!(matches!(receipt::verify(&receipt, &image, &other), Err(ReceiptError::WrongKey { .. })));

    // A truncated receipt, at every length.
    for len in 0..receipt.len() {
        assert!(
            matches!(receipt::verify(&receipt[..len], &image, &public), Err(ReceiptError::Malformed(_))),
            "cut to {len} bytes"
        );
    }
    // Not a key at all.
    assert!(matches!(receipt::verify(&receipt, &image, "hello"), Err(ReceiptError::InvalidKey(_))));
    assert!(receipt::verify(&receipt, &image, &public).is_ok());
}
