//! The optional ONNX Runtime backend (cargo feature `onnxruntime`; scripts/test installs the
//! library and sets ORT_DYLIB_PATH): the same results as tract within the documented tolerance,
//! sessions shared across threads, the identity embedding too, and typed errors for a wrong
//! library or a build without it.

mod common;

use passbild::{Backend, Checker};

#[cfg(feature = "onnxruntime")]
mod with_the_feature {
    use std::path::PathBuf;

    use passbild::ids;
    use passbild::{Analysis, Backend, Checker, Error, Status};

    use super::common;

    fn library() -> PathBuf {
        std::env::var_os("ORT_DYLIB_PATH")
            .expect("set ORT_DYLIB_PATH to libonnxruntime.so (scripts/test installs it)")
            .into()
    }

    fn checker(threads: usize) -> Checker {
        let backend = Backend::OnnxRuntime { library: library() };
        Checker::builder().profile_name("de-live").unwrap().threads(threads).backend(backend).build().unwrap()
    }

    /// Largest distance in image pixels between the two analyses' mesh points and iris centres.
    fn largest_landmark_shift(tract: &Analysis, onnxruntime: &Analysis) -> f32 {
        let landmarks = |analysis: &Analysis| {
            let points = analysis.mesh_points()?;
            Some(points.into_iter().chain(analysis.iris_centres()?).collect::<Vec<_>>())
        };
        let (Some(a), Some(b)) = (landmarks(tract), landmarks(onnxruntime)) else {
            assert_eq!(
                tract.face().is_some(),
                onnxruntime.face().is_some(),
                "one backend found the face, the other not"
            );
            return 0.0;
        };
        a.iter().zip(&b).map(|(p, q)| p.distance(*q)).fold(0.0, f32::max)
    }

    #[test]
    fn onnxruntime_gives_tracts_landmarks_within_half_a_pixel_and_the_same_statuses() {
        let onnxruntime = checker(1);
        let tract = common::checker("de-live");
        let fixtures = ["frll_034_de.jpg", "frll_119_de.jpg", "lisa3.jpg", "obama3_half.jpg", "two_people.jpg"];
        for name in fixtures {
            let bytes = common::fixture_bytes(name);
            let (a, b) = (tract.analyse_bytes(&bytes).unwrap(), onnxruntime.analyse_bytes(&bytes).unwrap());
            assert_eq!(a.faces().len(), b.faces().len(), "{name}: faces found");
            let shift = largest_landmark_shift(&a, &b);
            assert!(shift <= 0.5, "{name}: landmarks moved {shift} px between backends");
            let (a, b) = (tract.judge(&a, None), onnxruntime.judge(&b, None));
            for (check_a, check_b) in a.checks.iter().zip(&b.checks) {
                assert_eq!(check_a.id, check_b.id);
                assert_eq!(check_a.status, check_b.status, "{name}: {} differs between backends", check_a.id);
            }
        }
    }

    #[test]
    fn a_comparison_with_a_live_capture_gives_tracts_distance() {
        let document = common::fixture_bytes("frll_034_de.jpg");
        let live = std::fs::read(common::datasets().join("frll/smiling_front/034_08.jpg")).unwrap();
        let distance = |checker: &Checker| {
            let report = checker.check_with_reference(&document, &live).unwrap();
            let check = report.check(ids::IDENTITY_SAME_PERSON).unwrap();
            assert_eq!(check.status, Status::Pass);
            check.value.unwrap()
        };
        let (tract, onnxruntime) = (distance(common::checker("de-live")), distance(&checker(1)));
        assert!(
            (tract - onnxruntime).abs() <= 1e-3,
            "identity distance {tract} in tract, {onnxruntime} in ONNX Runtime"
        );
    }

    #[test]
    fn one_model_serves_several_threads() {
        let bytes = common::fixture_bytes("frll_034_de.jpg");
        let two = checker(2);
        let alone = common::without_timings(&two.check_bytes(&bytes).unwrap());
        let batch = two.check_batch(&vec![bytes; 6]);
        for report in batch {
            assert_eq!(common::without_timings(&report.unwrap()), alone);
        }
    }

    #[test]
    fn a_wrong_library_is_a_typed_error() {
        let not_a_library = common::fixture("MANIFEST");
        for library in [PathBuf::from("/nonexistent/libonnxruntime.so"), not_a_library] {
            let result = Checker::builder().backend(Backend::OnnxRuntime { library: library.clone() }).build();
            // Either the library does not load, or another test loaded the real one first and this
            // path is refused as a second library: both are typed model errors, neither a panic.
            assert!(matches!(result, Err(Error::Model { .. })), "{}: {result:?}", library.display());
        }
        // A failed load is not kept: the right path still works afterwards.
        checker(1);
    }
}

#[cfg(not(feature = "onnxruntime"))]
#[test]
fn without_the_feature_onnxruntime_is_refused_by_name() {
    let result = Checker::builder().backend(Backend::OnnxRuntime { library: "libonnxruntime.so".into() }).build();
    let Err(passbild::Error::Model { detail, .. }) = result else { panic!("{result:?}") };
    assert!(detail.contains("onnxruntime"), "{detail}");
}

#[test]
fn tract_is_the_default_backend() {
    assert_eq!(Backend::default(), Backend::Tract);
    assert!(Checker::builder().backend(Backend::Tract).build().is_ok());
}
