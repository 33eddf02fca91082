//! Draws what was measured on the photo so a person sees at a glance what is wrong: the profile's
//! target zones (centring band, eye-line band, where the crown must lie for this chin), the face
//! box, landmarks, eye line, chin and crown, each green when its check passed, yellow when it warned and red when it failed.

use image::{Rgb, RgbImage};
use imageproc::drawing::{draw_filled_circle_mut, draw_hollow_rect_mut, draw_line_segment_mut};
use imageproc::rect::Rect;

use crate::imaging::Point;
use crate::profile::{Profile, Range};
use crate::report::{Report, Status, ids};

const PASS: Rgb<u8> = Rgb([0, 190, 60]);
const FAIL: Rgb<u8> = Rgb([230, 20, 20]);
const UNKNOWN: Rgb<u8> = Rgb([255, 160, 0]);
const WARN: Rgb<u8> = Rgb([240, 220, 0]);
const ZONE: Rgb<u8> = Rgb([0, 170, 255]);
const LANDMARK: Rgb<u8> = Rgb([255, 255, 0]);

fn status_colour(report: &Report, id: &str) -> Rgb<u8> {
    match report.check(id).map(|c| c.status) {
        Some(Status::Pass) => PASS,
        Some(Status::Fail) => FAIL,
        Some(Status::Warn) => WARN,
        _ => UNKNOWN,
    }
}

/// `drawn` as PNG: fast compression, as it is shown once and not kept.
pub(crate) fn encode_png(drawn: &RgbImage) -> crate::Result<Vec<u8>> {
    use image::ImageEncoder;
    use image::codecs::png::{CompressionType, FilterType, PngEncoder};
    let mut bytes = Vec::new();
    PngEncoder::new_with_quality(&mut bytes, CompressionType::Fast, FilterType::Adaptive)
        .write_image(drawn.as_raw(), drawn.width(), drawn.height(), image::ExtendedColorType::Rgb8)
        .map_err(|_| crate::Error::ImageTooLarge {
            width: drawn.width().into(),
            height: drawn.height().into(),
            limit: "what PNG holds".into(),
        })?;
    Ok(bytes)
}

/// A copy of `image` (the decoded, upright photo the report was made from) with the overlay.
pub(crate) fn draw(image: &RgbImage, report: &Report, profile: &Profile) -> RgbImage {
    let mut canvas = image.clone();
    let (width, height) = (canvas.width() as f32, canvas.height() as f32);
    let thickness = (width.max(height) / 500.0).ceil().max(1.0) as i32;

    let bounds = |range: &Option<Range>| range.filter(|r| r.enabled).and_then(|r| Some((r.min?, r.max?)));
    if let Some((min, max)) = bounds(&profile.geometry.horizontal_centring) {
        tint(&mut canvas, (min as f32 * width, 0.0), (max as f32 * width, height), ZONE, 0.12);
    }
    if let Some((min, max)) = bounds(&profile.geometry.eye_line_height) {
        tint(&mut canvas, (0.0, min as f32 * height), (width, max as f32 * height), ZONE, 0.12);
    }

    for face in &report.faces {
        // A report may come from elsewhere: its boxes are kept within reach of the canvas.
        let b = face.bbox;
        let (x, y) = (b.x.clamp(-width, 2.0 * width), b.y.clamp(-height, 2.0 * height));
        let (box_width, box_height) = (b.width.max(1.0).min(3.0 * width), b.height.max(1.0).min(3.0 * height));
        let rect = Rect::at(x as i32, y as i32).of_size(box_width as u32, box_height as u32);
        for t in 0..thickness {
            let grown = Rect::at(rect.left() - t, rect.top() - t)
                .of_size(rect.width() + 2 * t as u32, rect.height() + 2 * t as u32);
            draw_hollow_rect_mut(&mut canvas, grown, status_colour(report, ids::FACE_COUNT));
        }
    }

    let Some(face) = &report.face else { return canvas };
    let l = &face.landmarks;
    // Where the crown must lie for this chin: the head-height range measured up from the chin.
    let crown_rule = if profile.geometry.chin_to_crown_de.is_some_and(|r| r.enabled) {
        &profile.geometry.chin_to_crown_de
    } else {
        &profile.geometry.head_height
    };
    if let Some((min, max)) = bounds(crown_rule) {
        let (top, bottom) = (l.chin.y - max as f32 * height, l.chin.y - min as f32 * height);
        tint(&mut canvas, (0.0, top), (width, bottom), Rgb([255, 220, 0]), 0.18);
    }

    // Eye line, extended across the face.
    let (right, left) = (l.right_eye_centre, l.left_eye_centre);
    let (dx, dy) = (left.x - right.x, left.y - right.y);
    let extend = |t: f32| Point::new(right.x + dx * t, right.y + dy * t);
    thick_line(&mut canvas, extend(-0.6), extend(1.6), thickness, status_colour(report, ids::ROLL));

    // Chin and crown, as short lines across the face width, square to the chin-crown axis.
    let half = l.face_right_side.distance(l.face_left_side) / 2.0;
    let axis_length = l.chin.distance(l.crown).max(f32::EPSILON);
    let across = Point::new(-(l.crown.y - l.chin.y) / axis_length * half, (l.crown.x - l.chin.x) / axis_length * half);
    let head_colour = status_colour(
        report,
        if report.check(ids::CHIN_TO_CROWN_DE).is_some() { ids::CHIN_TO_CROWN_DE } else { ids::HEAD_HEIGHT },
    );
    for p in [l.chin, l.crown] {
        thick_line(
            &mut canvas,
            Point::new(p.x - across.x, p.y - across.y),
            Point::new(p.x + across.x, p.y + across.y),
            thickness,
            head_colour,
        );
    }
    thick_line(&mut canvas, l.chin, l.crown, (thickness / 2).max(1), head_colour);

    let radius = thickness * 2;
    let near = |v: f32, side: f32| (-(radius as f32)..side + radius as f32).contains(&v);
    for p in [l.right_eye_centre, l.left_eye_centre, l.nose_tip, l.forehead, l.face_right_side, l.face_left_side] {
        if near(p.x, width) && near(p.y, height) {
            draw_filled_circle_mut(&mut canvas, (p.x as i32, p.y as i32), radius, LANDMARK);
        }
    }
    canvas
}

fn thick_line(canvas: &mut RgbImage, from: Point, to: Point, thickness: i32, colour: Rgb<u8>) {
    // The line is walked pixel by pixel, off the canvas too: only the part near it is drawn.
    let margin = thickness as f32;
    let (right, bottom) = (canvas.width() as f32 + margin, canvas.height() as f32 + margin);
    let Some((from, to)) = clipped(from, to, (-margin, -margin), (right, bottom)) else { return };
    let length = from.distance(to).max(f32::EPSILON);
    let (nx, ny) = (-(to.y - from.y) / length, (to.x - from.x) / length);
    for i in 0..thickness {
        let offset = i as f32 - (thickness - 1) as f32 / 2.0;
        draw_line_segment_mut(
            canvas,
            (from.x + nx * offset, from.y + ny * offset),
            (to.x + nx * offset, to.y + ny * offset),
            colour,
        );
    }
}

/// The part of the segment from `from` to `to` within the rectangle between two corners
/// (Liang-Barsky); None where none of it is, or a point is not a number.
fn clipped(from: Point, to: Point, top_left: (f32, f32), bottom_right: (f32, f32)) -> Option<(Point, Point)> {
    let (dx, dy) = (to.x - from.x, to.y - from.y);
    let (mut enter, mut leave) = (0.0f32, 1.0f32);
    for (towards, room) in [
        (-dx, from.x - top_left.0),
        (dx, bottom_right.0 - from.x),
        (-dy, from.y - top_left.1),
        (dy, bottom_right.1 - from.y),
    ] {
        if !(towards.is_finite() && room.is_finite()) {
            return None;
        }
        if towards == 0.0 {
            if room < 0.0 {
                return None;
            }
        } else if towards < 0.0 {
            enter = enter.max(room / towards);
        } else {
            leave = leave.min(room / towards);
        }
    }
    (enter <= leave).then(|| {
        (Point::new(from.x + enter * dx, from.y + enter * dy), Point::new(from.x + leave * dx, from.y + leave * dy))
    })
}

/// Blends `colour` over the rectangle between two corners, clipped to the image.
fn tint(canvas: &mut RgbImage, top_left: (f32, f32), bottom_right: (f32, f32), colour: Rgb<u8>, alpha: f32) {
    let clip = |v: f32, max: u32| v.clamp(0.0, max as f32) as u32;
    let (x0, x1) = (clip(top_left.0, canvas.width()), clip(bottom_right.0, canvas.width()));
    let (y0, y1) = (clip(top_left.1, canvas.height()), clip(bottom_right.1, canvas.height()));
    for y in y0..y1 {
        for x in x0..x1 {
            let pixel = canvas.get_pixel_mut(x, y);
            for c in 0..3 {
                pixel[c] = (f32::from(pixel[c]) * (1.0 - alpha) + f32::from(colour[c]) * alpha) as u8;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_segment_is_clipped_to_the_rectangle() {
        let inside = |a: Point, b: Point| clipped(a, b, (0.0, 0.0), (100.0, 50.0));
        let (from, to) = inside(Point::new(-100.0, 25.0), Point::new(200.0, 25.0)).unwrap();
        assert_eq!((from.x, from.y, to.x, to.y), (0.0, 25.0, 100.0, 25.0));
        let (from, to) = inside(Point::new(10.0, 10.0), Point::new(20.0, 40.0)).unwrap();
        assert_eq!((from.x, from.y, to.x, to.y), (10.0, 10.0, 20.0, 40.0));
        assert!(inside(Point::new(-10.0, -10.0), Point::new(-5.0, 60.0)).is_none());
        assert!(inside(Point::new(f32::NAN, 10.0), Point::new(20.0, 40.0)).is_none());
        let (from, _) = inside(Point::new(50.0, -1e9), Point::new(50.0, 25.0)).unwrap();
        assert_eq!((from.x, from.y), (50.0, 0.0));
    }
}
