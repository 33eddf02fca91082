//! Photographic, background and subject checks flipped by controlled edits of a compliant photo
//! (the label comes from the edit), and by real labelled samples.

mod common;

use common::*;
use passbild::ids;
use passbild::tools::{accuracy, edits, internals};
use passbild::{Report, Status};

fn analysis() -> &'static passbild::Analysis {
    static ANALYSIS: std::sync::OnceLock<passbild::Analysis> = std::sync::OnceLock::new();
    ANALYSIS.get_or_init(|| checker("de-live").analyse_image(&fixture_image("frll_034_de.jpg").into()).unwrap())
}

fn face() -> &'static internals::FaceAnalysis {
    internals::face(analysis()).unwrap()
}

/// The edit fails `id` (and the unedited photo passes it).
fn assert_flips(edited: &image::RgbImage, id: &str, what: &str) -> Report {
    let original = check("de-live", &fixture_image("frll_034_de.jpg"));
    assert_eq!(status(&original, id), Status::Pass, "{id} on the unedited photo");
    let report = check("de-live", edited);
    let result = report.check(id).unwrap();
    assert_eq!(
        result.status,
        Status::Fail,
        "{what}: {id} = {:?} (unedited {:?})",
        result.value,
        original.check(id).unwrap().value
    );
    report
}

#[test]
fn the_compliant_fixture_passes_every_check() {
    for name in ["frll_034_de.jpg", "frll_119_de.jpg"] {
        let report = checker("de-live").check_file(&fixture(name)).unwrap();
        assert_eq!(report.verdict, Status::Pass, "{name}: {:#?}", failures(&report));
        for id in de_live_check_ids() {
            assert!(report.check(id).is_some(), "{name}: de-live does not report {id}");
        }
    }
}

#[test]
fn darker_and_brighter_fail_exposure() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::gamma(&photo, 3.5), ids::LUMINANCE_MEAN, "gamma 3.5");
    let bright = assert_flips(&edits::colour_cast(&photo, [1.7; 3]), ids::OVER_EXPOSURE, "1.7x gain, clipped");
    assert_eq!(status(&bright, ids::LUMINANCE_MEAN), Status::Fail);
}

#[test]
fn light_from_one_side_fails_uniformity_and_shadows() {
    let photo = fixture_image("frll_034_de.jpg");
    let report = assert_flips(&edits::side_shading(&photo, face(), 0.95), ids::ILLUMINATION_UNIFORMITY, "shading 95 %");
    assert_eq!(status(&report, ids::FACE_SHADOWS), Status::Fail, "{:?}", report.check(ids::FACE_SHADOWS));
}

#[test]
fn a_shadow_behind_the_head_fails() {
    let photo = fixture_image("frll_034_de.jpg");
    let edited = edits::background_shadow(&photo, face(), internals::person_mask(analysis()), 0.6, 0.6);
    assert_flips(&edited, ids::BACKGROUND_SHADOW, "shadow 0.6 IED right, 60 % darker");
}

/// A well-exposed official portrait whose pupils read nearly black: its eye whites are light, so
/// the deep blacks are no sign of a dark photo.
#[test]
fn a_contrasty_portrait_under_good_light_passes_white_level() {
    let report = checker("icao").check_file(&datasets().join("samples/face_recognition/obama2.jpg")).unwrap();
    assert!(value(&report, ids::BLACK_LEVEL) < 10.0, "the pupils read {}", value(&report, ids::BLACK_LEVEL));
    assert_eq!(status(&report, ids::WHITE_LEVEL), Status::Pass, "{:?}", report.check(ids::WHITE_LEVEL));
}

#[test]
fn a_background_gradient_fails_brightness_range() {
    let photo = fixture_image("frll_034_de.jpg");
    let height = photo.height() as f32;
    let edited = edits::replace_background(&photo, internals::person_mask(analysis()), |_, y| {
        [215.0 - 80.0 * y as f32 / height; 3]
    });
    assert_flips(&edited, ids::BACKGROUND_BRIGHTNESS_RANGE, "80 levels top to bottom");
}

/// A dark thing entering a lower corner beside the chin, which the person mask takes for the
/// subject's shoulder, fails by the top edge rising towards the side; the same disc in a top
/// corner is left to `background.objects`.
#[test]
fn a_dark_disc_in_a_lower_corner_fails_side_objects() {
    let photo = fixture_image("frll_034_de.jpg");
    let width = photo.width() as f32;
    let disc = |at: passbild::Point| edits::disc(&photo, at, 0.3 * width, [45.0, 48.0, 60.0], 1.0);
    assert_flips(&disc(passbild::Point::new(0.0, 1.3 * width)), ids::BACKGROUND_SIDE_OBJECTS, "lower left");
    assert_flips(&disc(passbild::Point::new(width, 1.3 * width)), ids::BACKGROUND_SIDE_OBJECTS, "lower right");
    let top = check("de-live", &disc(passbild::Point::new(0.0, 0.0)));
    assert_eq!(
        status(&top, ids::BACKGROUND_SIDE_OBJECTS),
        Status::Pass,
        "{:?}",
        top.check(ids::BACKGROUND_SIDE_OBJECTS)
    );
}

#[test]
fn blur_fails_sharpness() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::gaussian_blur(&photo, 5.0), ids::SHARPNESS, "gaussian sigma 5 px");
    let slight = check("de-live", &edits::gaussian_blur(&photo, 1.0));
    assert_eq!(status(&slight, ids::SHARPNESS), Status::Pass, "sigma 1 px on a 1244x1600 photo stays sharp");
}

#[test]
fn a_colour_cast_fails_natural_skin_and_grey_fails_colour_depth() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::colour_cast(&photo, [0.75, 0.9, 1.3]), ids::NATURAL_SKIN, "blue cast");
    assert_flips(&edits::greyscale(&photo), ids::COLOUR_DEPTH, "greyscale");
}

#[test]
fn red_pupils_and_a_shiny_cheek_fail() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::red_pupils(&photo, face()), ids::RED_EYE, "red pupils");
    assert_flips(&edits::cheek_highlight(&photo, face(), 0.18), ids::HOT_SPOTS, "highlight of 0.18 IED");
}

#[test]
fn other_backgrounds_fail() {
    let photo = fixture_image("frll_034_de.jpg");
    let mask = internals::person_mask(analysis());
    let stripes =
        edits::replace_background(&photo, mask, |x, _| if (x / 12) % 2 == 0 { [90.0; 3] } else { [220.0; 3] });
    assert_flips(&stripes, ids::BACKGROUND_UNIFORMITY, "stripes 12 px");
    let height = photo.height() as f32;
    let gradient = edits::replace_background(&photo, mask, |_, y| {
        let t = y as f32 / height;
        [140.0 + 100.0 * t, 90.0 + 150.0 * t, 200.0 + 40.0 * t]
    });
    assert_flips(&gradient, ids::BACKGROUND_COLOUR, "purple-to-white gradient");
    assert_flips(&gradient, ids::BACKGROUND_OBJECTS, "purple-to-white gradient");
}

#[test]
fn real_smiles_and_open_mouths_fail() {
    let samples = datasets().join("samples/congress");
    for (file, ids_failing) in [
        ("B001277.jpg", &[ids::MOUTH_CLOSED, ids::EXPRESSION_NEUTRAL][..]),
        ("D000355.jpg", &[ids::MOUTH_CLOSED, ids::EXPRESSION_NEUTRAL][..]),
        ("C000880.jpg", &[ids::EXPRESSION_NEUTRAL][..]),
    ] {
        let report = checker("icao").check_file(&samples.join(file)).unwrap();
        for id in ids_failing {
            assert_eq!(status(&report, id), Status::Fail, "{file}: {id} {:?}", report.check(id).unwrap().value);
        }
    }
}

#[test]
fn glasses_are_seen_where_worn_and_only_there() {
    let worn = |report: &Report| {
        let check = report.check(ids::GLASSES_PRESENT).unwrap();
        assert_eq!(check.status, Status::Pass, "glasses.present is information");
        check.value.unwrap() >= internals::coverings::GLASSES_WORN_LINE
    };
    let samples = datasets().join("samples/congress");
    for (file, glasses) in [
        ("C001061.jpg", true),
        ("D000355.jpg", true),
        ("B001270.jpg", true),
        ("A000014.jpg", true),
        ("C001088.jpg", false),
        ("B000220.jpg", false),
        ("B001277.jpg", false),
    ] {
        let report = checker("icao").check_file(&samples.join(file)).unwrap();
        assert_eq!(worn(&report), glasses, "{file}: glasses {glasses}");
    }
    let photo = fixture_image("frll_034_de.jpg");
    assert!(!worn(&check("de-live", &photo)), "the fixture wears no glasses");
    assert!(worn(&check("de-live", &edits::frame_across_eyes(&photo, face(), 0.05))), "a frame with its bridge");
}

#[test]
fn real_grey_and_busy_samples_fail() {
    let samples = datasets().join("samples/congress");
    for file in ["A000370.jpg", "A000372.jpg", "B001291.jpg", "C001103.jpg"] {
        let report = checker("icao").check_file(&samples.join(file)).unwrap();
        assert_eq!(status(&report, ids::COLOUR_DEPTH), Status::Fail, "{file} is greyscale");
    }
    for file in ["A000372.jpg", "A000373.jpg", "B001291.jpg", "C001103.jpg"] {
        let report = checker("icao").check_file(&samples.join(file)).unwrap();
        assert_eq!(status(&report, ids::BACKGROUND_OBJECTS), Status::Fail, "{file} has a busy background");
    }
}

#[test]
fn strong_jpeg_compression_fails() {
    let photo = fixture_image("frll_034_de.jpg");
    let strong = checker("de-live").check_bytes(&edits::jpeg_bytes(&photo, 60)).unwrap();
    assert_eq!(status(&strong, ids::COMPRESSION), Status::Fail, "{:?}", strong.check(ids::COMPRESSION));
    let fine = checker("de-live").check_bytes(&edits::jpeg_bytes(&photo, 95)).unwrap();
    assert_eq!(status(&fine, ids::COMPRESSION), Status::Pass, "{:?}", fine.check(ids::COMPRESSION));
    assert_eq!(status(&fine, ids::COMPRESSION_ARTEFACTS), Status::Pass, "{:?}", fine.check(ids::COMPRESSION_ARTEFACTS));
    // Blocking shows from quality 40 down (the fixture measures 2.9 at 30, 1.4 at 95).
    let blocky = checker("de-live").check_bytes(&edits::jpeg_bytes(&photo, 30)).unwrap();
    let artefacts = blocky.check(ids::COMPRESSION_ARTEFACTS).unwrap();
    assert_eq!(artefacts.status, Status::Fail, "quality 30: {:?}", artefacts.value);
    let samples = datasets().join("samples/congress");
    for file in ["A000014.jpg", "K000105.jpg"] {
        let report = checker("icao").check_file(&samples.join(file)).unwrap();
        assert_eq!(status(&report, ids::COMPRESSION), Status::Fail, "{file} is strongly compressed");
    }
}

#[test]
fn lenses_frames_and_glare_fail_the_glasses_checks() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::tinted_lenses(&photo, face(), 0.25), ids::GLASSES_TINTED, "lenses passing 25 % of the light");
    let clear = check("de-live", &edits::tinted_lenses(&photo, face(), 0.9));
    assert_eq!(status(&clear, ids::GLASSES_TINTED), Status::Pass, "near-clear lenses (90 %) are allowed");
    assert_eq!(status(&clear, ids::GLASSES_FRAME_OVER_EYES), Status::Pass, "a rim around the eyes is allowed");
    assert_flips(
        &edits::frame_across_eyes(&photo, face(), 0.05),
        ids::GLASSES_FRAME_OVER_EYES,
        "rim across the pupils",
    );
    assert_flips(
        &edits::lens_glare(&photo, face(), (0.2, 0.15), 0.1),
        ids::GLASSES_REFLECTION,
        "glare 0.1 IED on a lens",
    );
}

#[test]
fn hair_or_glare_over_an_eye_fails_eyes_visible() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::hair_over_eye(&photo, face(), 9), ids::EYES_VISIBLE, "9 strands over an eye");
    assert_flips(&edits::hair_over_eye(&photo, face(), 3), ids::HAIR_ACROSS_EYE, "3 strands over an eye");
    assert_flips(
        &edits::lens_glare(&photo, face(), (0.0, 0.0), 0.12),
        ids::EYES_VISIBLE,
        "glare 0.12 IED over an iris",
    );
}

#[test]
fn a_hat_and_a_face_mask_fail() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::hat(&photo, face(), [40.0, 50.0, 95.0]), ids::HEAD_COVERING, "navy hat");
    assert_flips(&edits::face_mask(&photo, face(), [165.0, 200.0, 230.0]), ids::FACE_OCCLUSION, "light-blue face mask");
}

/// A black hat on the fixture's dark hair matches the hair's colour; it is found by its lack of
/// the hair's grain, also under a camera's noise.
#[test]
fn a_black_hat_on_dark_hair_fails() {
    let photo = fixture_image("frll_034_de.jpg");
    let hat = edits::hat(&photo, face(), [30.0, 29.0, 33.0]);
    assert_flips(&edits::noise(&hat, 2.0, 7), ids::HEAD_COVERING, "black hat, noise sigma 2");
}

/// The same at icao's 300x386, where the crop enlarges the photo (the hair's grain is then read
/// per photo pixel).
#[test]
fn a_black_hat_on_dark_hair_fails_at_icao_size() {
    let photo = fixture_image("frll_034_de.jpg");
    let hat = edits::noise(&edits::hat(&photo, face(), [30.0, 29.0, 33.0]), 2.0, 7);
    let covering = |image: &image::RgbImage| {
        let report = check("icao", &accuracy::resized(image, 300, 386));
        report.check(ids::HEAD_COVERING).unwrap().clone()
    };
    let (unedited, edited) = (covering(&photo), covering(&hat));
    assert_eq!(unedited.status, Status::Pass, "unedited: {:?}", unedited.value);
    assert_eq!(edited.status, Status::Fail, "black hat: {:?} (unedited {:?})", edited.value, unedited.value);
}

#[test]
fn checks_that_read_colour_are_not_assessed_on_grey_photos() {
    let report = check("de-live", &edits::greyscale(&fixture_image("frll_034_de.jpg")));
    // The skin's and the eye whites' distances from their colour boxes would read a grey photo's
    // no colour as within them.
    for id in [ids::FACE_OCCLUSION, ids::NATURAL_SKIN, ids::COLOUR_CAST] {
        let result = report.check(id).unwrap();
        assert_eq!(result.status, Status::NotAssessed, "{id}: {result:?}");
        assert!(result.message.contains("colour photo"), "{}", result.message);
    }
}

#[test]
fn closed_eyes_fail_eyes_open_and_eyes_looking_aside_fail_gaze() {
    let photo = fixture_image("frll_034_de.jpg");
    assert_flips(&edits::closed_eyes(&photo, face()), ids::EYES_OPEN, "eyes painted shut");
    assert_flips(&edits::gaze_aside(&photo, face(), 0.25), ids::GAZE, "irises moved a quarter eye width");
}

/// The accuracy harness's brow edit moves the brows, as the face mesh reads them, the way it says
/// (the mesh follows about half of it; a third is asked) and leaves the eyes where they were.
#[test]
fn moved_brows_move_the_brows_and_not_the_eyes() {
    let brows = [internals::mesh_index::RIGHT_BROW, internals::mesh_index::LEFT_BROW].concat();
    let read = |analysis: &passbild::Analysis| {
        let face = internals::face(analysis).unwrap();
        let brows_y = brows.iter().map(|&i| face.mesh.point(i).y).sum::<f32>() / brows.len() as f32;
        (brows_y, internals::eye_corner_centres(|i| face.mesh.point(i)))
    };
    let photo = fixture_image("frll_034_de.jpg");
    let ied = face().head.inter_eye_distance_px();
    let (brows_before, eyes_before) = read(analysis());
    for raise in [0.15f32, -0.05] {
        let edited = edits::moved_brows(&photo, face(), raise).unwrap();
        let (brows, eyes) = read(&checker("de-live").analyse_image(&edited.into()).unwrap());
        let moved_up = (brows_before - brows) / ied;
        assert!(moved_up * raise.signum() > raise.abs() / 3.0, "raise {raise}: brows moved up {moved_up:.3} IED");
        for (before, after) in eyes_before.iter().zip(&eyes) {
            assert!(before.distance(*after) < 0.02 * ied, "raise {raise}: an eye moved from {before:?} to {after:?}");
        }
    }
}
