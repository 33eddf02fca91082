//! The accuracy harness (examples/accuracy.rs, docs/accuracy.md) on a small subset of the test
//! half, with bounds: a regression in pose, roll, geometry or the appearance checks fails here.

mod common;

use std::sync::OnceLock;

use common::*;
use passbild::tools::accuracy::{self, Half, Subject, half, mean};
use passbild::tools::{edits, internals};
use passbild::{Report, Status, ids};

/// The test half's FRLL subjects at 1244x1600.
fn all_subjects() -> &'static [Subject] {
    static SUBJECTS: OnceLock<Vec<Subject>> = OnceLock::new();
    SUBJECTS.get_or_init(|| accuracy::subjects(&datasets(), 1244, 1600))
}

fn frll_test_half() -> &'static [Subject] {
    static SUBJECTS: OnceLock<Vec<Subject>> = OnceLock::new();
    SUBJECTS.get_or_init(|| {
        all_subjects()
            .iter()
            .filter(|s| s.identity.starts_with("frll") && half(&s.identity) == Half::Test)
            .cloned()
            .collect()
    })
}

/// Three of them.
fn subjects() -> &'static [Subject] {
    &frll_test_half()[..3]
}

fn report(photo: &image::RgbImage) -> Report {
    check("de-live", photo)
}

#[test]
fn turned_heads_are_read_within_bounds_and_fail_beyond_the_rejection_bound() {
    let angles = [(0.0, -15.0), (0.0, 0.0), (0.0, 15.0), (-15.0, 0.0), (15.0, 0.0)];
    let samples = accuracy::pose_set(checker("de-live"), subjects(), &angles);
    assert_eq!(samples.len(), subjects().len() * angles.len());
    let (mut pitch_errors, mut yaw_errors) = (Vec::new(), Vec::new());
    let profile = checker("de-live").profile();
    for sample in &samples {
        let reading = sample.reading.expect("a pose");
        pitch_errors.push((reading.pitch - sample.truth.pitch).abs());
        yaw_errors.push((reading.yaw - sample.truth.yaw).abs());
        if sample.truth.pitch.abs() > 14.0 {
            assert_eq!(profile.pose.pitch.unwrap().status_of(reading.pitch), Status::Fail, "{sample:?}");
        }
        if sample.truth.yaw.abs() > 14.0 {
            assert_eq!(profile.pose.yaw.unwrap().status_of(reading.yaw), Status::Fail, "{sample:?}");
        }
    }
    // docs/accuracy.md: 2.0 and 1.0 on the whole test half.
    assert!(mean(&pitch_errors) <= 3.0, "pitch mean abs error {:.2}: {pitch_errors:?}", mean(&pitch_errors));
    assert!(mean(&yaw_errors) <= 1.5, "yaw mean abs error {:.2}: {yaw_errors:?}", mean(&yaw_errors));
}

#[test]
fn pitch_follows_the_tilt_the_labelled_ears_show() {
    // The three sitters whose ears the labellers placed lowest against the eyes (raised chins)
    // and the three whose ears they placed highest: about 0.45 inter-pupil distances apart, some
    // 20 degrees by the ears' depth, less what the ears' own places vary.
    let mut by_ear_drop: Vec<&Subject> = frll_test_half().iter().filter(|s| s.ear_drop_ipd.is_some()).collect();
    by_ear_drop.sort_by(|a, b| b.ear_drop_ipd.partial_cmp(&a.ear_drop_ipd).unwrap());
    let mean_pitch = |group: &[&Subject]| {
        mean(&group.iter().map(|s| report(&s.photo).check(ids::PITCH).unwrap().value.unwrap()).collect::<Vec<_>>())
    };
    let raised = mean_pitch(&by_ear_drop[..3]);
    let lowered = mean_pitch(&by_ear_drop[by_ear_drop.len() - 3..]);
    assert!((12.0..=30.0).contains(&(lowered - raised)), "lowest ears {raised:.1}, highest {lowered:.1}");
}

#[test]
fn a_photo_turned_by_12_degrees_reads_its_turn_within_1_5_degrees() {
    for subject in &subjects()[..2] {
        let before = report(&subject.photo).check(ids::ROLL).unwrap().value.unwrap();
        for degrees in [-12.0, 12.0] {
            let after = report(&accuracy::rolled(&subject.photo, degrees)).check(ids::ROLL).unwrap().value.unwrap();
            assert!((after - before - degrees).abs() <= 1.5, "{}: {before} then {after}", subject.identity);
        }
    }
}

#[test]
fn compliant_heads_pass_geometry_and_scaled_heads_warn_then_fail() {
    for subject in &subjects()[..2] {
        let compliant = report(&subject.photo);
        for check in compliant.checks.iter().filter(|c| c.id.starts_with("geometry.")) {
            assert_ne!(check.status, Status::Fail, "{}: {check:?}", subject.identity);
        }
        let ratio = compliant.check(ids::CHIN_TO_CROWN_DE).unwrap().value.unwrap();
        let face = compliant.face.as_ref().unwrap();
        let eyes = face.landmarks.right_eye_centre.midpoint(face.landmarks.left_eye_centre);
        for (millimetres, expected) in [(26.0, Status::Fail), (30.0, Status::Warn), (34.0, Status::Pass)] {
            let scaled = accuracy::scaled_about(&subject.photo, eyes, millimetres / 45.0 / ratio);
            assert_eq!(
                status(&report(&scaled), ids::CHIN_TO_CROWN_DE),
                expected,
                "{} at {millimetres} mm",
                subject.identity
            );
        }
    }
}

#[test]
fn clear_defects_are_caught_and_compliant_photos_pass_the_appearance_checks() {
    let subject = &subjects()[0];
    let subject_analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let compliant = checker("de-live").judge(&subject_analysis, None);
    let subject_face = internals::face(&subject_analysis).unwrap();
    for id in [
        ids::SHARPNESS,
        ids::WHITE_LEVEL,
        ids::BLACK_LEVEL,
        ids::EYES_OPEN,
        ids::MOUTH_CLOSED,
        ids::FACE_COUNT,
        ids::EXPRESSION_SMILE,
        ids::BACKGROUND_BRIGHTNESS_RANGE,
        ids::BACKGROUND_SIDE_OBJECTS,
        ids::HAIR_ACROSS_EYE,
        ids::FACE_HANDS,
    ] {
        assert_eq!(status(&compliant, id), Status::Pass, "{id} on the compliant photo: {:?}", compliant.check(id));
    }
    let donor_subject = &subjects()[1];
    let donor_analysis = checker("de-live").analyse_image(&donor_subject.photo.clone().into()).unwrap();
    let donor = internals::face(&donor_analysis).unwrap();
    let cases: Vec<(&str, image::RgbImage, &[&str])> = vec![
        ("blur sigma 3", edits::gaussian_blur(&subject.photo, 3.0), &[ids::SHARPNESS]),
        ("motion blur 30 px", edits::motion_blur(&subject.photo, 30), &[ids::SHARPNESS]),
        ("gamma 0.4", edits::gamma(&subject.photo, 0.4), &[ids::BLACK_LEVEL, ids::OVER_EXPOSURE, ids::LUMINANCE_MEAN]),
        ("gamma 3", edits::gamma(&subject.photo, 3.0), &[ids::WHITE_LEVEL, ids::UNDER_EXPOSURE, ids::LUMINANCE_MEAN]),
        ("gamma 2", edits::gamma(&subject.photo, 2.0), &[ids::WHITE_LEVEL]),
        ("2 EV over", edits::exposure_stops(&subject.photo, 2.0), &[ids::WHITE_LEVEL, ids::OVER_EXPOSURE]),
        (
            "a second face of 150 px",
            edits::paste_portrait(&subject.photo, &donor_subject.photo, donor, (20, 20), 150),
            &[ids::FACE_COUNT, ids::BACKGROUND_OBJECTS],
        ),
        (
            "a second face of 200 px over the right shoulder",
            edits::paste_portrait(&subject.photo, &donor_subject.photo, donor, (880, 1214), 200),
            &[ids::FACE_COUNT, ids::BACKGROUND_OBJECTS],
        ),
        (
            "a dark disc entering the lower left corner",
            {
                let width = subject.photo.width() as f32;
                edits::disc(
                    &subject.photo,
                    passbild::Point::new(0.0, 1.3 * width),
                    0.3 * width,
                    [45.0, 48.0, 60.0],
                    1.0,
                )
            },
            &[ids::BACKGROUND_SIDE_OBJECTS],
        ),
        ("the mouth open by 10 %", edits::open_mouth(&subject.photo, subject_face, 0.10), &[ids::MOUTH_CLOSED]),
        ("a hand over an eye", hand_over_an_eye(&subject.photo, subject_face), &[ids::EYES_VISIBLE]),
        ("a hand over the mouth", hand_over_the_mouth(&subject.photo, subject_face), &[ids::FACE_HANDS]),
    ];
    for (what, photo, meant) in cases {
        assert_caught(what, &report(&photo), meant);
    }
}

/// That one of the `meant` checks fails `edited`, the photo with the defect `what`.
fn assert_caught(what: &str, edited: &Report, meant: &[&str]) {
    assert!(
        meant.iter().any(|id| status(edited, id) == Status::Fail),
        "{what} passed {meant:?}: {:#?}",
        meant.iter().map(|id| edited.check(id)).collect::<Vec<_>>()
    );
}

/// The harness's other person standing behind `subject`, their white shirt entering a lower
/// corner at each side (`accuracy::PEOPLE_BEHIND`), by side: one of the first eight test-half
/// FRLL photos (never the subject's own), uncropped so that their shoulders show.
fn people_behind(subject: &Subject) -> Vec<(&'static str, image::RgbImage)> {
    let mut people = accuracy::uncropped_people(&datasets(), Half::Test);
    people.truncate(8);
    let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let other =
        image::open(accuracy::donor_for(&subject.identity, &people).expect("others of the half")).unwrap().to_rgb8();
    let other_analysis = checker("de-live").analyse_image(&other.clone().into()).unwrap();
    let subject_someone = edits::Someone {
        photo: &subject.photo,
        mask: internals::person_mask(&analysis),
        face: internals::face(&analysis).unwrap(),
    };
    let other_someone = edits::Someone {
        photo: &other,
        mask: internals::person_mask(&other_analysis),
        face: internals::face(&other_analysis).unwrap(),
    };
    accuracy::PEOPLE_BEHIND
        .iter()
        .map(|&(side, across, higher)| {
            (side, accuracy::person_behind_at(&subject_someone, &other_someone, across, higher))
        })
        .collect()
}

#[test]
fn another_person_behind_in_a_lower_corner_is_found() {
    // The harness finds it on 98 % (left) and 94 % (right) of the test half; here on all six.
    let mut readings = Vec::new();
    for subject in subjects() {
        for (side, edited) in people_behind(subject) {
            let edited = report(&edited);
            let check = edited.check(ids::BACKGROUND_SIDE_OBJECTS).unwrap();
            readings.push((subject.identity.clone(), side, check.value, check.status));
        }
    }
    let found = readings.iter().filter(|r| r.3 == Status::Fail).count();
    assert_eq!(found, readings.len(), "{readings:?}");
}

/// A white shirt only 25-40 levels over the light grey backdrop, over most of the background in
/// its rows (FRLL 082 at the right): the background's level there is not the shirt's own.
#[test]
fn a_white_shirt_near_the_backdrops_colour_is_found() {
    let subject = frll_test_half().iter().find(|s| s.identity == "frll/082").expect("FRLL 082 in the test half");
    let (_, edited) = people_behind(subject).into_iter().find(|(side, _)| *side == "right").unwrap();
    let edited = report(&edited);
    let side_objects = edited.check(ids::BACKGROUND_SIDE_OBJECTS);
    assert_eq!(status(&edited, ids::BACKGROUND_SIDE_OBJECTS), Status::Fail, "{side_objects:?}");
}

/// The accuracy harness's hand reaching over an eye from the right (tests/data/hands).
fn hand_over_an_eye(photo: &image::RgbImage, face: &internals::FaceAnalysis) -> image::RgbImage {
    hand_reaching_in(photo, face, "hand_a.jpg", (1.0, 0.45), 200.0, 3.3)
}

/// The accuracy harness's other hand over the mouth and chin, from the left.
fn hand_over_the_mouth(photo: &image::RgbImage, face: &internals::FaceAnalysis) -> image::RgbImage {
    hand_reaching_in(photo, face, "hand_b.jpg", (0.0, 0.92), -20.0, 3.3)
}

/// The harness's hand of half an adult's size over the chin, from below (a child's): on this photo
/// its palm scores under MediaPipe's bound of 0.5, so the test fails if the palm bound goes back up.
#[test]
fn a_hand_half_an_adults_size_over_the_chin_is_found() {
    let subject = &subjects()[2];
    let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let face = internals::face(&analysis).unwrap();
    let edited = report(&hand_reaching_in(&subject.photo, face, "hand_a.jpg", (0.45, 1.0), -80.0, 1.6));
    assert_eq!(status(&edited, ids::FACE_HANDS), Status::Fail, "{:?}", edited.check(ids::FACE_HANDS));
}

/// The harness's hand of a third of an adult's size in the lower right corner (a small child's):
/// on this photo (FRLL 017) its palm scores between 0.2 and 0.35, so the test fails if the palm
/// bound goes back up.
#[test]
fn a_hand_a_third_of_an_adults_size_in_a_corner_is_found() {
    let subject = &frll_test_half()[6];
    let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let face = internals::face(&analysis).unwrap();
    let edited = report(&hand_reaching_in(&subject.photo, face, "hand_a.jpg", (1.0, 1.0), 225.0, 1.2));
    assert_eq!(status(&edited, ids::FACE_HANDS), Status::Fail, "{:?}", edited.check(ids::FACE_HANDS));
}

/// A hand whose wrist is at `wrist` (shares of the photo's width and height), pointing `angle`
/// degrees clockwise from the right, its photo `length` inter-eye distances wide (an adult's 3.3).
fn hand_reaching_in(
    photo: &image::RgbImage,
    face: &internals::FaceAnalysis,
    file: &str,
    wrist: (f32, f32),
    angle: f32,
    length: f32,
) -> image::RgbImage {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hands").join(file);
    let hand = image::open(path).unwrap().to_rgb8();
    let at = passbild::Point::new(wrist.0 * photo.width() as f32, wrist.1 * photo.height() as f32);
    let reach = length * face.head.inter_eye_distance_px();
    edits::hand_in_front(photo, &hand, &edits::hand_opacity(&hand), at, angle, reach)
}

/// The harness's other person behind the subject shows beside the subject and nowhere on them.
#[test]
fn another_person_behind_shows_beside_the_subject_only() {
    let analysed = |photo: &image::RgbImage| {
        let analysis = checker("de-live").analyse_image(&photo.clone().into()).unwrap();
        (internals::person_mask(&analysis).clone(), internals::face(&analysis).unwrap().clone())
    };
    let (subject, other) = (&subjects()[0], &subjects()[1]);
    let ((subject_mask, subject_face), (other_mask, other_face)) = (analysed(&subject.photo), analysed(&other.photo));
    let eyes = subject_face.head.eye_midpoint();
    let width = subject.photo.width();
    // Their face half out of the frame on the left, at the subject's height.
    let at = passbild::Point::new(eyes.x - 0.6 * width as f32, eyes.y);
    let edited = edits::person_behind(
        &edits::Someone { photo: &subject.photo, mask: &subject_mask, face: &subject_face },
        &edits::Someone { photo: &other.photo, mask: &other_mask, face: &other_face },
        at,
        1.0,
    );
    let change = |x0: u32, x1: u32, y: u32| {
        let pixels = (x0..x1).map(|x| {
            let (a, b) = (subject.photo.get_pixel(x, y).0, edited.get_pixel(x, y).0);
            (0..3).map(|c| f64::from(a[c].abs_diff(b[c]))).sum::<f64>() / 3.0
        });
        pixels.sum::<f64>() / f64::from(x1 - x0)
    };
    let y = eyes.y as u32;
    assert!(change(0, width / 10, y) > 10.0, "the left edge at eye height: {}", change(0, width / 10, y));
    assert_eq!(change(width - width / 10, width, y), 0.0, "the right edge");
    for point in [eyes, subject_face.head.nose_tip, subject_face.head.chin] {
        let (x, y) = (point.x as u32, point.y as u32);
        let (a, b) = (subject.photo.get_pixel(x, y).0, edited.get_pixel(x, y).0);
        // The mask's edge blur lets a level through at most.
        assert!((0..3).all(|c| a[c].abs_diff(b[c]) <= 2), "the subject at {point:?}: {a:?} -> {b:?}");
    }
}

/// Gamma 2 leaves the first subject's eye whites above the plain bound of 120; its pupils,
/// crushed to black, show the photo is dark.
#[test]
fn a_dark_photo_given_contrast_fails_white_level_by_its_crushed_pupils() {
    let dark = report(&edits::gamma(&subjects()[0].photo, 2.0));
    assert!(value(&dark, ids::WHITE_LEVEL) >= 120.0, "{:?}", dark.check(ids::WHITE_LEVEL));
    assert!(value(&dark, ids::BLACK_LEVEL) < 10.0, "{:?}", dark.check(ids::BLACK_LEVEL));
    let white_level = dark.check(ids::WHITE_LEVEL).unwrap();
    assert_eq!(white_level.status, Status::Fail);
    assert_eq!(white_level.min, Some(150.0), "the report states the bound that failed it");
}

/// Eyes closed on the 1244x1600 photo, then shrunk to 300x386 (about icao's 90 px between the
/// eyes): the lid gap still reads closed. FRLL 007's closed eyes read 0.038-0.040 there, so a
/// bound for coarse small photos under 0.040 would pass them.
#[test]
fn closed_eyes_shrunk_to_icaos_size_fail_eyes_open() {
    for subject in subjects() {
        let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
        let face = internals::face(&analysis).unwrap();
        for (what, photo, expected) in [
            ("unedited", subject.photo.clone(), Status::Pass),
            ("one eye closed", edits::wink(&subject.photo, face), Status::Fail),
            ("both eyes closed", edits::closed_eyes(&subject.photo, face), Status::Fail),
        ] {
            let report = check("icao", &accuracy::resized(&photo, 300, 386));
            let eyes_open = report.check(ids::EYES_OPEN);
            assert_eq!(status(&report, ids::EYES_OPEN), expected, "{} {what}: {eyes_open:?}", subject.identity);
        }
    }
}

/// A small child's photo may show the eyes closed (de-child-under-6): closed eyes keep the eyes'
/// distance (read between their corners, where the iris model finds no iris) and fail nothing.
#[test]
fn closed_eyes_pass_the_profile_for_children_under_6() {
    for subject in subjects() {
        let analysis = checker("de-child-under-6").analyse_image(&subject.photo.clone().into()).unwrap();
        let face = internals::face(&analysis).unwrap();
        let open = check("de-child-under-6", &subject.photo);
        let closed = check("de-child-under-6", &edits::closed_eyes(&subject.photo, face));
        let failed: Vec<&str> =
            closed.checks.iter().filter(|c| c.status != Status::Pass).map(|c| c.id.as_str()).collect();
        assert!(failed.is_empty() && closed.verdict == Status::Pass, "{}: {failed:?}", subject.identity);
        let distance = |report: &Report| report.check(ids::INTER_EYE_DISTANCE).and_then(|c| c.value).unwrap();
        // On the 104 compliant photos: 0.99 on average, sd 0.03 (read between the irises, 0.85).
        let ratio = distance(&closed) / distance(&open);
        assert!((0.92..1.08).contains(&ratio), "{}: closed / open {ratio:.3}", subject.identity);
    }
}

/// A shut eye shows no pupil to be red: its lid, where the pupil would lie, is reddish skin. The
/// test half's Canada 117 read 0.70 on its painted lids; a red pupil on the same photo still fails.
#[test]
fn shut_eyes_are_not_red_eyes() {
    let subject = all_subjects().iter().find(|s| s.identity == "canada/117").expect("canada/117");
    let analysis = checker("de-child-under-6").analyse_image(&subject.photo.clone().into()).unwrap();
    let face = internals::face(&analysis).unwrap();
    let shut = check("de-child-under-6", &edits::closed_eyes(&subject.photo, face));
    let red_eye = shut.check(ids::RED_EYE).unwrap();
    assert_eq!((red_eye.status, red_eye.value), (Status::Pass, Some(0.0)), "{red_eye:?}");
    assert_eq!(
        status(&check("de-child-under-6", &edits::red_pupils(&subject.photo, face)), ids::RED_EYE),
        Status::Fail
    );
}

/// Clear defects made on the 1244x1600 photo and shrunk to de-scan's 622x800, as a studio resizes
/// for delivery (docs/accuracy.md, "Other defects at other sizes"): each still fails its checks.
#[test]
fn clear_defects_shrunk_to_de_scans_size_are_caught() {
    let subject = &subjects()[0];
    let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let face = internals::face(&analysis).unwrap();
    let donor_subject = &subjects()[1];
    let donor_analysis = checker("de-live").analyse_image(&donor_subject.photo.clone().into()).unwrap();
    let donor = internals::face(&donor_analysis).unwrap();
    let cases: Vec<(&str, image::RgbImage, &[&str])> = vec![
        ("gamma 0.4", edits::gamma(&subject.photo, 0.4), &[ids::BLACK_LEVEL, ids::OVER_EXPOSURE, ids::LUMINANCE_MEAN]),
        (
            "a red cast",
            edits::colour_cast(&subject.photo, [1.3, 0.9, 0.8]),
            &[ids::NATURAL_SKIN, ids::COLOUR_CAST, ids::BACKGROUND_COLOUR],
        ),
        (
            "a second face of 100 px at 1244x1600",
            edits::paste_portrait(&subject.photo, &donor_subject.photo, donor, (20, 20), 100),
            &[ids::FACE_COUNT, ids::BACKGROUND_OBJECTS],
        ),
        ("one eye closed", edits::wink(&subject.photo, face), &[ids::EYES_OPEN]),
        ("the mouth open by 10 %", edits::open_mouth(&subject.photo, face, 0.10), &[ids::MOUTH_CLOSED]),
        ("a hand over the mouth", hand_over_the_mouth(&subject.photo, face), &[ids::FACE_HANDS]),
    ];
    let compliant = check("de-scan", &accuracy::resized(&subject.photo, 622, 800));
    for (what, photo, meant) in cases {
        for id in meant {
            assert_eq!(status(&compliant, id), Status::Pass, "{id} on the compliant photo: {:?}", compliant.check(id));
        }
        assert_caught(what, &check("de-scan", &accuracy::resized(&photo, 622, 800)), meant);
    }
}

/// Saved at 75 and then at 95 at each profile's size, a test-half photo fails
/// `image.earlier_compression` (reading within 2 of 75, its highest quality with those steps);
/// saved once at 95 it passes.
#[test]
fn a_photo_saved_twice_fails_earlier_compression_at_each_size() {
    for subject in &subjects()[..1] {
        for (profile, width, height) in [("de-live", 1244, 1600), ("de-scan", 622, 800), ("icao", 300, 386)] {
            let photo = accuracy::resized(&subject.photo, width, height);
            let once = checker(profile).check_bytes(&edits::jpeg_bytes(&photo, 95)).unwrap();
            assert_eq!(status(&once, ids::EARLIER_COMPRESSION), Status::Pass, "{} {profile}", subject.identity);
            let first = image::load_from_memory(&edits::jpeg_bytes(&photo, 75)).unwrap().into_rgb8();
            let twice = checker(profile).check_bytes(&edits::jpeg_bytes(&first, 95)).unwrap();
            let earlier = twice.check(ids::EARLIER_COMPRESSION).unwrap();
            assert_eq!(earlier.status, Status::Fail, "{} {profile}: {earlier:?}", subject.identity);
            assert!(earlier.value.is_some_and(|v| (75.0..=77.0).contains(&v)), "{earlier:?}");
        }
    }
}

/// A red cast on FRLL 009's darker skin leaves the cheeks inside the natural box, and icao judges
/// no background tint: the whites of the eyes show the cast, at the size of an icao photo.
#[test]
fn a_red_cast_on_darker_skin_fails_colour_cast() {
    let subject = frll_test_half().iter().find(|s| s.identity == "frll/009").expect("FRLL 009, test half");
    let compliant = check("icao", &accuracy::resized(&subject.photo, 300, 386));
    let cast = check("icao", &accuracy::resized(&edits::colour_cast(&subject.photo, [1.3, 0.9, 0.8]), 300, 386));
    assert_eq!(status(&compliant, ids::COLOUR_CAST), Status::Pass, "{:?}", compliant.check(ids::COLOUR_CAST));
    assert_eq!(status(&cast, ids::NATURAL_SKIN), Status::Pass, "{:?}", cast.check(ids::NATURAL_SKIN));
    assert_eq!(status(&cast, ids::COLOUR_CAST), Status::Fail, "{:?}", cast.check(ids::COLOUR_CAST));
}

/// On FRLL 042's dark skin, dark strands over an eye are not dark enough against the skin to
/// count as hiding the opening (`eyes.visible`); the strands running on down the skin below the
/// eye are what shows them.
#[test]
fn hair_across_an_eye_on_dark_skin_fails_hair_across() {
    let subject = frll_test_half().iter().find(|s| s.identity == "frll/042").expect("FRLL 042, test half");
    let analysis = checker("de-live").analyse_image(&subject.photo.clone().into()).unwrap();
    let compliant = checker("de-live").judge(&analysis, None);
    assert_eq!(status(&compliant, ids::HAIR_ACROSS_EYE), Status::Pass, "{:?}", compliant.check(ids::HAIR_ACROSS_EYE));
    let face = internals::face(&analysis).unwrap();
    for strands in [3, 9] {
        let hair = report(&edits::hair_over_eye(&subject.photo, face, strands));
        assert_eq!(
            status(&hair, ids::HAIR_ACROSS_EYE),
            Status::Fail,
            "{strands} strands: {:?}",
            hair.check(ids::HAIR_ACROSS_EYE)
        );
        assert_eq!(
            status(&hair, ids::EYES_VISIBLE),
            Status::Pass,
            "{strands} strands: {:?}",
            hair.check(ids::EYES_VISIBLE)
        );
    }
}

/// FRLL 069's curls hang beside his face down to the chin, and a dark thing entering the lower
/// right corner joins them: only its plain part, with the background just above it, shows it
/// entering rather than hanging from the head. At FRLL 007's lower right the same thing joins her
/// hair further in, beyond the side strip, where the hair lies higher than the thing's top.
#[test]
fn a_dark_thing_joined_to_the_subjects_hair_fails_side_objects() {
    for identity in ["frll/069", "frll/007"] {
        let subject = frll_test_half().iter().find(|s| s.identity == identity).expect("test half");
        let compliant = report(&subject.photo);
        assert_eq!(
            status(&compliant, ids::BACKGROUND_SIDE_OBJECTS),
            Status::Pass,
            "{identity}: {:?}",
            compliant.check(ids::BACKGROUND_SIDE_OBJECTS)
        );
        let width = subject.photo.width() as f32;
        let corner = passbild::Point::new(width, 1.3 * width);
        let edited = report(&edits::disc(&subject.photo, corner, 0.3 * width, [45.0, 48.0, 60.0], 1.0));
        assert_eq!(
            status(&edited, ids::BACKGROUND_SIDE_OBJECTS),
            Status::Fail,
            "{identity}: {:?}",
            edited.check(ids::BACKGROUND_SIDE_OBJECTS)
        );
    }
}

/// Two congress portraits whose suits' shoulders hold flat patches rising towards the photo's
/// side: flat parts are judged on their own only within regions hanging from above or level at
/// the side, not a shoulder falling towards it (with every flat part judged, they read 0.34 and
/// 0.21).
#[test]
fn flat_patches_of_a_suit_are_not_things_entering() {
    for file in ["D000482.jpg", "N000186.jpg"] {
        let report = checker("icao").check_file(&datasets().join("congress").join(file)).unwrap();
        assert_eq!(
            status(&report, ids::BACKGROUND_SIDE_OBJECTS),
            Status::Pass,
            "{file}: {:?}",
            report.check(ids::BACKGROUND_SIDE_OBJECTS)
        );
    }
}

/// FRLL 090 smiles with closed lips: her mouth is 17 % wider than in her neutral photo, within the
/// width a neutral mouth may have, so only the expression classifier sees the smile.
#[test]
fn a_smile_with_closed_lips_fails_expression_smile() {
    let smile = accuracy::smiling_subjects(&datasets(), 1244, 1600)
        .into_iter()
        .find(|s| s.identity == "frll/090")
        .expect("FRLL's smiling photo 090");
    assert_eq!(half(&smile.identity), Half::Test);
    let report = report(&smile.photo);
    assert_eq!(status(&report, ids::EXPRESSION_SMILE), Status::Fail, "{:?}", report.check(ids::EXPRESSION_SMILE));
    assert_eq!(status(&report, ids::EXPRESSION_NEUTRAL), Status::Pass, "{:?}", report.check(ids::EXPRESSION_NEUTRAL));
}

/// The first 15 test-half congress portraits with glasses and the first 15 without (tests/data,
/// labelled by eye): docs/accuracy.md reports 97 % seen and 3 % taken for glasses on the test half.
#[test]
fn glasses_are_seen_on_labelled_portraits() {
    let labelled = accuracy::congress_glasses_labels(std::path::Path::new(env!("CARGO_MANIFEST_DIR"))).unwrap();
    let worn = |file: &str| {
        let report = checker("icao").check_file(&datasets().join("congress").join(file)).unwrap();
        report.check(ids::GLASSES_PRESENT).unwrap().value.unwrap() >= internals::coverings::GLASSES_WORN_LINE
    };
    let of_the_test_half = |file: &str| half(&format!("congress/{}", file.trim_end_matches(".jpg"))) == Half::Test;
    let seen = |glasses: bool| {
        let portraits = labelled.iter().filter(|(file, g)| *g == glasses && of_the_test_half(file)).take(15);
        portraits.filter(|(file, _)| worn(file)).count()
    };
    let (with_glasses, without) = (seen(true), seen(false));
    // 15 and 1 when this was written.
    assert!(with_glasses >= 14, "glasses seen on {with_glasses} of 15 portraits with glasses");
    assert!(without <= 1, "glasses seen on {without} of 15 portraits without");
}
