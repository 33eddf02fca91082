//! A document photo against a live capture (`check_with_reference`, `passbild check --reference`):
//! the same person passes, a morph of the applicant with someone else is caught although plain
//! identity matching accepts it, and a live capture without a face is not assessed.

mod common;

use common::*;
use passbild::Status;
use passbild::ids;
use passbild::tools::morph::{Contributor, MorphKind, Recipe, morph};

fn live_034() -> Vec<u8> {
    std::fs::read(datasets().join("frll/smiling_front/034_08.jpg")).unwrap()
}

#[test]
fn the_applicant_passes_and_a_morph_with_another_person_fails() {
    let checker = checker("icao");
    let genuine = checker.check_with_reference(&fixture_bytes("frll_034_de.jpg"), &live_034()).unwrap();
    for id in ids::WITH_REFERENCE {
        assert_eq!(status(&genuine, id), Status::Pass, "{id}: {:?}", genuine.check(id).unwrap().value);
    }

    let (first, second) = (fixture_image("frll_034_de.jpg"), fixture_image("frll_119_de.jpg"));
    let (first_points, second_points) = (mesh_points(&first), mesh_points(&second));
    let morphed = morph(
        Contributor { image: &first, landmarks: &first_points },
        Contributor { image: &second, landmarks: &second_points },
        Recipe::house(MorphKind::Spliced, 0.5),
    )
    .unwrap();
    let attack =
        checker.check_with_reference(&passbild::tools::edits::jpeg_bytes(&morphed.image, 92), &live_034()).unwrap();
    assert_eq!(status(&attack, ids::IDENTITY_SAME_PERSON), Status::Pass, "the morph still matches the applicant");
    let differential = attack.check(ids::MORPH_DIFFERENTIAL).unwrap();
    assert_eq!(differential.status, Status::Fail, "morph.differential {:?}", differential.value);
    // The trained classifier's score 0..1: above the profile's bound for this even morph, low for
    // the applicant.
    assert!(differential.value.is_some_and(|score| score > 0.75 && score <= 1.0), "{:?}", differential.value);
    let genuine_score = genuine.check(ids::MORPH_DIFFERENTIAL).unwrap().value.unwrap();
    assert!((0.0..0.5).contains(&genuine_score), "the applicant's own photo scores {genuine_score}");
    assert_eq!(attack.verdict, Status::Fail);
}

#[test]
fn a_live_capture_without_a_face_is_not_assessed() {
    let blank =
        passbild::tools::edits::jpeg_bytes(&image::RgbImage::from_pixel(640, 480, image::Rgb([200, 200, 200])), 90);
    let report = checker("icao").check_with_reference(&fixture_bytes("frll_034_de.jpg"), &blank).unwrap();
    for id in ids::WITH_REFERENCE {
        let result = report.check(id).unwrap();
        assert_eq!(result.status, Status::NotAssessed, "{id}");
        assert!(result.message.contains("live capture"), "{}", result.message);
    }
    assert_eq!(report.verdict, Status::NotAssessed);
}

#[test]
fn the_cli_compares_with_a_live_capture() {
    let live = datasets().join("frll/smiling_front/034_08.jpg");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_passbild"))
        .args(["check", "--json", "--reference"])
        .arg(&live)
        .arg(fixture("frll_034_de.jpg"))
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let checks = report["checks"].as_array().unwrap();
    for id in ids::WITH_REFERENCE {
        let check = checks.iter().find(|c| c["id"] == *id).unwrap_or_else(|| panic!("{id} missing"));
        assert_eq!(check["status"], "pass", "{check}");
    }
    let two = std::process::Command::new(env!("CARGO_BIN_EXE_passbild"))
        .args(["check", "--reference"])
        .arg(&live)
        .arg(fixture("frll_034_de.jpg"))
        .arg(fixture("frll_119_de.jpg"))
        .output()
        .unwrap();
    assert_eq!(two.status.code(), Some(2), "two documents with one live capture are refused");
}
