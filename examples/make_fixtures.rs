//! Rebuilds `fixtures/` from ../shared/datasets. Run on purpose, review the diff, commit:
//!     cargo run --release --example make_fixtures
//!
//! Compliant passport-format photos are cut from FRLL neutral images with their `.tem` landmarks:
//! the crop puts the pupils' midpoint on the vertical centre line and makes the chin (point 129)
//! to top-of-hair (point 151) distance 80 % of the height, with the top of the hair 6 % below the
//! upper edge; that leaves the skull's crown at about 75 % (the German template wants 71-80 %).
//! The crop is 35:45 and is scaled to 1244x1600 with Lanczos3.

use std::path::{Path, PathBuf};

use image::{DynamicImage, GenericImageView, imageops::FilterType};

const HAIR_TO_CHIN_OF_HEIGHT: f32 = 0.80;
const HAIR_TOP_MARGIN_OF_HEIGHT: f32 = 0.06;
/// FRLL identities with a near-frontal pose (|yaw|, |pitch|, |roll| < 2.5 degrees by our fit).
const FRLL_COMPLIANT: &[&str] = &["034", "119"];

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let datasets = root.join("../shared/datasets");
    let fixtures = root.join("fixtures");
    std::fs::create_dir_all(&fixtures).unwrap();

    for id in FRLL_COMPLIANT {
        let out = fixtures.join(format!("frll_{id}_de.jpg"));
        passport_crop(&datasets.join(format!("frll/neutral_front/{id}_03")), &out);
    }
    let samples = datasets.join("samples");
    reencode(&samples.join("face_recognition/two_people.jpg"), &fixtures.join("two_people.jpg"), 1.0);
    reencode(&samples.join("face_recognition/obama_partial_face.jpg"), &fixtures.join("obama_partial_face.jpg"), 0.5);
    reencode(&samples.join("face_recognition/obama3.jpg"), &fixtures.join("obama3_half.jpg"), 0.5);
    reencode(&datasets.join("webmorph_lisa_geometry/lisa3.jpg"), &fixtures.join("lisa3.jpg"), 1.0);
    std::fs::copy(samples.join("derived/C001088_lossless.jp2"), fixtures.join("C001088_lossless.jp2")).unwrap();
}

fn read_tem(path: &Path) -> Vec<(f32, f32)> {
    parse_tem(&std::fs::read_to_string(path).unwrap())
}

/// A WebMorph/Psychomorph `.tem` file: a point count, then one "x y" line per point, then the
/// template's line definitions (ignored here).
fn parse_tem(text: &str) -> Vec<(f32, f32)> {
    let mut lines = text.lines();
    let count: usize = lines.next().unwrap().trim().parse().unwrap();
    lines
        .take(count)
        .map(|line| {
            let mut values = line.split_whitespace().map(|v| v.parse::<f32>().unwrap());
            (values.next().unwrap(), values.next().unwrap())
        })
        .collect()
}

fn passport_crop(stem: &Path, out: &Path) {
    let image = image::open(stem.with_extension("jpg")).unwrap();
    let points = read_tem(&stem.with_extension("tem"));
    let (pupil_a, pupil_b, chin, hair_top) = (points[0], points[1], points[129], points[151]);
    let height = (chin.1 - hair_top.1) / HAIR_TO_CHIN_OF_HEIGHT;
    let width = height * 35.0 / 45.0;
    let centre_x = (pupil_a.0 + pupil_b.0) / 2.0;
    let (left, top) = (centre_x - width / 2.0, hair_top.1 - HAIR_TOP_MARGIN_OF_HEIGHT * height);
    assert!(left >= 0.0 && top >= 0.0, "{}: crop leaves the photo", stem.display());
    assert!(left + width <= image.width() as f32 && top + height <= image.height() as f32);
    let eye_line = ((pupil_a.1 + pupil_b.1) / 2.0 - top) / height;
    println!(
        "{}: crop {width:.0}x{height:.0} at ({left:.0}, {top:.0}), eye line at {eye_line:.3} of the height",
        out.display()
    );
    let crop = image.crop_imm(left.round() as u32, top.round() as u32, width.round() as u32, height.round() as u32);
    save_jpeg(&crop.resize_exact(1244, 1600, FilterType::Lanczos3), out, 90);
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

#[cfg(test)]
mod tests {
    #[test]
    fn tem_points_are_read_and_line_definitions_ignored() {
        let points = super::parse_tem("3\n565.0\t632.0\n778.0\t624.0\n1 2\n7\n126 127\n");
        assert_eq!(points, vec![(565.0, 632.0), (778.0, 624.0), (1.0, 2.0)]);
    }
}
