//! Models from a directory instead of the embedded ones, and what happens when one is wrong.

mod common;

use std::path::PathBuf;

use passbild::{Checker, Error, ModelSource, Status};

const FILES: [&str; 10] = [
    "face_detection_short_range.onnx",
    "face_landmark.onnx",
    "iris_landmark.onnx",
    "selfie_segmentation.onnx",
    "morph_detector.onnx",
    "emotion.onnx",
    "palm_detection_lite.onnx",
    "hand_landmark_lite.onnx",
    "dlib_face_recognition_resnet.onnx",
    "differential_morph.onnx",
];

fn models_copy(tag: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("passbild-models-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for file in FILES {
        std::fs::copy(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models").join(file), dir.join(file)).unwrap();
    }
    dir
}

#[test]
fn a_models_directory_gives_the_embedded_results() {
    let dir = models_copy("same");
    let from_dir = Checker::builder()
        .profile_name("de-live")
        .unwrap()
        .models(ModelSource::Directory(dir.clone()))
        .build()
        .unwrap();
    let bytes = common::fixture_bytes("frll_034_de.jpg");
    let report = from_dir.check_bytes(&bytes).unwrap();
    assert_eq!(report.verdict, Status::Pass);
    let embedded = common::checker("de-live").check_bytes(&bytes).unwrap();
    // The palm detector's archive moves its scores in the seventh decimal against the ONNX graph
    // (models/README.md); no palm of this photo reaches the hand model, so no value moves.
    assert_eq!(common::without_timings(&report), common::without_timings(&embedded));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_missing_or_broken_model_is_a_typed_error() {
    let missing = Checker::builder().models(ModelSource::Directory("/nonexistent/passbild-models".into())).build();
    assert!(matches!(missing, Err(Error::Io { .. })), "{missing:?}");

    let dir = models_copy("broken");
    std::fs::write(dir.join("face_landmark.onnx"), b"this is not an ONNX graph").unwrap();
    let broken = Checker::builder().models(ModelSource::Directory(dir.clone())).build();
    assert!(matches!(broken, Err(Error::Model { model: "face mesh", .. })), "{broken:?}");

    // A real graph with the wrong input shape for its slot.
    std::fs::copy(dir.join("iris_landmark.onnx"), dir.join("face_detection_short_range.onnx")).unwrap();
    std::fs::copy(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/face_landmark.onnx"),
        dir.join("face_landmark.onnx"),
    )
    .unwrap();
    let swapped = Checker::builder().models(ModelSource::Directory(dir.clone())).build();
    assert!(matches!(swapped, Err(Error::Model { model: "face detector", .. })), "{swapped:?}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_model_loaded_on_first_use_is_looked_for_at_build() {
    // The hand model runs on about one photo in ten, the comparison's models on the first
    // comparison: without this a checker built from the directory would fail those later.
    for file in ["hand_landmark_lite.onnx", "dlib_face_recognition_resnet.onnx", "differential_morph.onnx"] {
        let dir = models_copy(&format!("without-{file}"));
        std::fs::remove_file(dir.join(file)).unwrap();
        let built = Checker::builder().models(ModelSource::Directory(dir.clone())).build();
        match built {
            Err(Error::Io { path, .. }) => assert_eq!(path, dir.join(file)),
            other => panic!("{file}: {:?}", other.map(|_| ())),
        }
        std::fs::remove_dir_all(dir).ok();
    }
}

#[test]
fn checking_while_the_models_load_gives_the_same_report() {
    let bytes = common::fixture_bytes("frll_119_de.jpg");
    let (checker, report) = Checker::builder().profile_name("de-live").unwrap().build_and_check(&bytes).unwrap();
    let afterwards = checker.check_bytes(&bytes).unwrap();
    assert_eq!(common::without_timings(&report.unwrap()), common::without_timings(&afterwards));

    // A photo that cannot be decoded is the photo's error; the checker is still built.
    let (_, garbage) = Checker::builder().build_and_check(b"not a photo").unwrap();
    assert!(matches!(garbage, Err(Error::UnknownFormat)), "{garbage:?}");

    // A model that fails to load is the build's error, even while the photo waits for it.
    let dir = models_copy("while");
    std::fs::write(dir.join("iris_landmark.onnx"), b"this is not an ONNX graph").unwrap();
    let failed = Checker::builder().models(ModelSource::Directory(dir.clone())).build_and_check(&bytes);
    assert!(matches!(failed, Err(Error::Model { model: "iris", .. })), "{:?}", failed.map(|_| ()));
    std::fs::remove_dir_all(dir).ok();
}
