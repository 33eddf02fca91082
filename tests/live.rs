//! Live guidance on camera-sized frames made from a compliant photo: the face is followed from
//! frame to frame, and moving, shrinking, darkening or shutting the eyes changes the hint.

mod common;

use common::*;
use image::{Rgb, RgbImage, imageops};
use passbild::live::{Hint, LiveFrame, LiveSession};
use passbild::{Checker, PixelFormat};

/// A 640x480 camera frame: grey, with the photo scaled by `scale` and its left edge at `left`.
fn frame(photo: &RgbImage, scale: f32, left: i64) -> RgbImage {
    let scaled = imageops::resize(
        photo,
        (photo.width() as f32 * scale) as u32,
        (photo.height() as f32 * scale) as u32,
        imageops::FilterType::Triangle,
    );
    let mut canvas = RgbImage::from_pixel(640, 480, Rgb([128, 128, 128]));
    imageops::overlay(&mut canvas, &scaled, left, (480 - scaled.height() as i64) / 2);
    canvas
}

fn process(session: &mut LiveSession, image: &RgbImage) -> LiveFrame {
    session
        .process(image.as_raw(), image.width(), image.height(), image.width() as usize * 3, PixelFormat::Rgb8)
        .unwrap()
}

#[test]
fn a_centred_face_is_ready_and_followed_between_frames() {
    let photo = fixture_image("frll_034_de.jpg");
    let centred = frame(&photo, 0.3, (640 - (1244.0 * 0.3) as i64) / 2);
    let mut session = checker("de-live").live_session();
    let first = process(&mut session, &centred);
    assert_eq!(first.hint, Hint::Ready, "{first:?}");
    assert!(!first.tracked);
    let second = process(&mut session, &centred);
    assert_eq!(second.hint, Hint::Ready, "{second:?}");
    assert!(second.tracked, "the second frame reuses the first frame's face");
    let a = first.face.unwrap();
    let b = second.face.unwrap();
    assert!(a.eye_midpoint.distance(b.eye_midpoint) < 2.0, "{a:?} vs {b:?}");
}

#[test]
fn hints_follow_what_is_out_of_place() {
    let photo = fixture_image("frll_034_de.jpg");
    let centre = |scale: f32| (640 - (1244.0 * scale) as i64) / 2;
    for (what, image, expected) in [
        ("small face", frame(&photo, 0.15, centre(0.15)), Hint::MoveCloser),
        ("face on the picture's left", frame(&photo, 0.3, -40), Hint::MoveLeft),
        ("face on the picture's right", frame(&photo, 0.3, 300), Hint::MoveRight),
        ("dark", frame(&passbild::tools::edits::gamma(&photo, 3.5), 0.3, centre(0.3)), Hint::MoreLight),
        ("no one", RgbImage::from_pixel(640, 480, Rgb([128, 128, 128])), Hint::NoFace),
    ] {
        // A new session each: a face that jumps across the frame between two frames is not a
        // camera's case.
        let result = process(&mut checker("de-live").live_session(), &image);
        assert_eq!(result.hint, expected, "{what}: {result:?}");
    }
    let analysis = checker("de-live").analyse_image(&photo.clone().into()).unwrap();
    let closed = passbild::tools::edits::closed_eyes(&photo, passbild::tools::internals::face(&analysis).unwrap());
    // The iris model reads one eye per frame: the second frame has both.
    let mut session = checker("de-live").live_session();
    let shut = frame(&closed, 0.3, centre(0.3));
    process(&mut session, &shut);
    let result = process(&mut session, &shut);
    assert_eq!(result.hint, Hint::OpenEyes, "eyes painted shut: {result:?}");
    // A small child's eyes may be closed (de-child-under-6 judges neither them nor the pose).
    let baby = Checker::builder().profile_name("de-child-under-6").unwrap().threads(1).build().unwrap();
    let mut session = baby.live_session();
    process(&mut session, &shut);
    let result = process(&mut session, &shut);
    assert_eq!(result.hint, Hint::Ready, "eyes painted shut, under 6: {result:?}");
}

#[test]
fn a_short_buffer_is_an_error() {
    let mut session = checker("icao").live_session();
    assert!(session.process(&[0u8; 100], 640, 480, 640 * 3, PixelFormat::Rgb8).is_err());
}
