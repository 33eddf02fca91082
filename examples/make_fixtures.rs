//! Rebuilds `fixtures/` from ../shared/datasets. Run on purpose, review the diff, commit:
//!     cargo run --release --example make_fixtures
//!
//! Compliant passport-format photos are cut from FRLL neutral images with their `.tem` landmarks
//! by `passbild::tools::edits::passport_crop` (35:45, pupils centred, top of the hair to chin 80 % of the
//! height, which leaves the skull's crown at about 75 %; the German template wants 71-80 %), then
//! scaled to 1244x1600 with Lanczos3.

use std::path::{Path, PathBuf};

use image::{DynamicImage, GenericImageView, imageops::FilterType};
use passbild::tools::edits::{parse_tem, passport_crop};

/// FRLL identities with a near-frontal pose (|yaw|, |pitch|, |roll| < 2.5 degrees by our fit).
const FRLL_COMPLIANT: &[&str] = &["034", "119"];

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let datasets = root.join("../shared/datasets");
    let fixtures = root.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();

    for id in FRLL_COMPLIANT {
        let out = fixtures.join(format!("frll_{id}_de.jpg"));
        cut_passport_photo(&datasets.join(format!("frll/neutral_front/{id}_03")), &out);
    }
    let samples = datasets.join("samples");
    reencode(&samples.join("face_recognition/two_people.jpg"), &fixtures.join("two_people.jpg"), 1.0);
    reencode(&samples.join("face_recognition/obama_partial_face.jpg"), &fixtures.join("obama_partial_face.jpg"), 0.5);
    reencode(&samples.join("face_recognition/obama3.jpg"), &fixtures.join("obama3_half.jpg"), 0.5);
    reencode(&datasets.join("webmorph_lisa_geometry/lisa3.jpg"), &fixtures.join("lisa3.jpg"), 1.0);
    std::fs::copy(samples.join("derived/C001088_lossless.jp2"), fixtures.join("C001088_lossless.jp2")).unwrap();
}

fn cut_passport_photo(stem: &Path, out: &Path) {
    let image = image::open(stem.with_extension("jpg")).unwrap().to_rgb8();
    let points = parse_tem(&std::fs::read_to_string(stem.with_extension("tem")).unwrap()).unwrap();
    let crop = passport_crop(&image, &points).unwrap_or_else(|| panic!("{}: crop leaves the photo", stem.display()));
    println!("{}: crop {}x{}", out.display(), crop.width(), crop.height());
    save_jpeg(&DynamicImage::ImageRgb8(crop).resize_exact(1244, 1600, FilterType::Lanczos3), out, 90);
}

fn reencode(from: &Path, to: &Path, scale: f32) {
    let image = image::open(from).unwrap();
    let (width, height) = image.dimensions();
    let image = if scale == 1.0 {
        image
    } else {
        image.resize_exact((width as f32 * scale) as u32, (height as f32 * scale) as u32, FilterType::Lanczos3)
    };
    save_jpeg(&image, to, 85);
}

fn save_jpeg(image: &DynamicImage, path: &Path, quality: u8) {
    let file = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    image::codecs::jpeg::JpegEncoder::new_with_quality(file, quality).encode_image(&image.to_rgb8()).unwrap();
}
