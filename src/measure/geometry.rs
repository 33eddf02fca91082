//! Geometry of the face in the frame (ISO/IEC 19794-5 clause 8.3; TR-03121-3.2 Table 5.3): the
//! positions and sizes the rules state, from the head outline.

use super::head::HeadOutline;
use super::{Finding, NotMeasured, ofiq_sigmoid, quality};
use crate::imaging::Point;

#[derive(Debug, Clone, PartialEq)]
pub struct GeometryMeasures {
    /// Distance between the iris centres in pixels, divided by cos(yaw) so that a turned head is
    /// not penalised twice (OFIQ does the same). Quality: OFIQ's sigmoid(x; 70, 20).
    pub inter_eye_distance: Result<Finding, NotMeasured>,
    /// x of the eye midpoint as a fraction of the width.
    pub horizontal_centring: Result<f64, NotMeasured>,
    /// y of the eye midpoint as a fraction of the height, from the top.
    pub eye_line_height: Result<f64, NotMeasured>,
    /// Cheek to cheek (mesh points 234 and 454) as a fraction of the width.
    pub head_width: Result<f64, NotMeasured>,
    pub chin_to_crown: Result<ChinToCrown, NotMeasured>,
}

/// Chin to crown as a fraction of the height, and whether the crown lies above the top edge
/// (then the whole head is not in the photo, whatever the ratio).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ChinToCrown {
    pub ratio: f64,
    pub crown_above_frame: bool,
}

/// The image frame, for "is this point in the photo".
#[derive(Clone, Copy)]
struct Frame {
    width: f32,
    height: f32,
}

impl Frame {
    fn contains(self, p: Point) -> bool {
        (0.0..=self.width).contains(&p.x) && (0.0..=self.height).contains(&p.y)
    }
}

pub fn measure(head: &HeadOutline, yaw_degrees: Option<f64>, width: u32, height: u32) -> GeometryMeasures {
    let frame = Frame { width: width as f32, height: height as f32 };
    let eyes_inside = (frame.contains(head.right_eye_centre) && frame.contains(head.left_eye_centre))
        .then_some(())
        .ok_or(NotMeasured::EyesOutsideImage);
    let eye_midpoint = head.eye_midpoint();
    let inter_eye_distance = eyes_inside.map(|()| {
        let cos_yaw = yaw_degrees.map_or(1.0, |yaw| yaw.to_radians().cos().max(0.1));
        let distance = f64::from(head.inter_eye_distance_px()) / cos_yaw;
        Finding { value: distance, quality: quality(ofiq_sigmoid(distance, 70.0, 20.0)) }
    });
    let sides_inside = frame.contains(head.face_right_side) && frame.contains(head.face_left_side);
    let chin_to_crown = match frame.contains(head.chin) {
        false => Err(NotMeasured::ChinOutsideImage),
        true => Ok(ChinToCrown {
            ratio: f64::from(head.chin_to_crown_px() / frame.height),
            crown_above_frame: head.crown.y < 0.0,
        }),
    };
    GeometryMeasures {
        inter_eye_distance,
        horizontal_centring: eyes_inside.map(|()| f64::from(eye_midpoint.x / frame.width)),
        eye_line_height: eyes_inside.map(|()| f64::from(eye_midpoint.y / frame.height)),
        head_width: match sides_inside {
            true => Ok(f64::from(head.head_width_px() / frame.width)),
            false => Err(NotMeasured::FaceSideOutsideImage),
        },
        chin_to_crown,
    }
}
