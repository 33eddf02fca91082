//! Where the head is: eye centres, chin, face sides and the crown (top of the skull, ignoring
//! hair, as ISO/IEC 19794-5 measures head height). The mesh stops at the upper forehead, so the
//! crown is placed by the fitted 3D face's proportions and then cross-checked with the person mask:
//! the skull cannot end above the top of the hair.

use crate::imaging::Point;
use crate::measure::pose::HeadPose;
use crate::models::face_mesh::index;
use crate::models::iris::Eye;
use crate::models::{EyeLandmarks, MeshLandmarks, PersonMask};
use crate::report::CrownSource;

/// The skull's vertex in canonical-face centimetres (x to the subject's left, y up, z out of the
/// face). The canonical chin (landmark 152) is at y = -9.40; an adult head measures about 22 cm
/// from chin to vertex, and the vertex lies above the ears, behind the forehead.
pub const CANONICAL_VERTEX_CM: [f64; 3] = [0.0, 12.8, -2.0];

/// An eye whose lids lie closer than this share of its width (between its mesh corners) is
/// closed: the iris model, finding no iris, puts its centre well inside the eye, and the eyes
/// would read 15 % closer together (sd 6 %), so its centre is the corners' midpoint. The 104
/// compliant photos of the accuracy harness read 0.25 and more, the same with both eyes painted
/// shut 0.16 at most; between their corners the eyes lie 1 % closer than between their irises
/// (sd 3 %).
pub(crate) const CLOSED_EYE_GAP_OF_WIDTH: f32 = 0.2;

/// Whether an eye is shut: its lids (the iris model's contour) lie closer than
/// `CLOSED_EYE_GAP_OF_WIDTH` of its width between the mesh corners, in any one unit.
pub fn eye_is_shut(lid_gap: f32, outer_corner: Point, inner_corner: Point) -> bool {
    lid_gap < CLOSED_EYE_GAP_OF_WIDTH * outer_corner.distance(inner_corner)
}

/// Without a pose, the crown lies this many chin-to-forehead distances above the chin
/// (canonical face: (12.8 + 9.40) / (8.26 + 9.40)).
const CROWN_OVER_FOREHEAD: f32 = 1.257;

/// The crown from the face's proportions alone: on the line from the chin through the top of the
/// forehead (mesh points), `CROWN_OVER_FOREHEAD` times as far.
pub(crate) fn crown_from_proportions(chin: Point, forehead: Point) -> Point {
    Point::new(
        chin.x + (forehead.x - chin.x) * CROWN_OVER_FOREHEAD,
        chin.y + (forehead.y - chin.y) * CROWN_OVER_FOREHEAD,
    )
}

#[derive(Debug, Clone, PartialEq)]
pub struct HeadOutline {
    pub right_eye_centre: Point,
    pub left_eye_centre: Point,
    pub nose_tip: Point,
    pub chin: Point,
    pub forehead: Point,
    pub face_right_side: Point,
    pub face_left_side: Point,
    pub crown: Point,
    pub crown_source: CrownSource,
    /// Top of the person mask above the face (hair included), when the mask shows one.
    pub hair_top_y: Option<f32>,
}

impl HeadOutline {
    pub fn eye_midpoint(&self) -> Point {
        self.right_eye_centre.midpoint(self.left_eye_centre)
    }

    pub fn inter_eye_distance_px(&self) -> f32 {
        self.right_eye_centre.distance(self.left_eye_centre)
    }

    pub fn chin_to_crown_px(&self) -> f32 {
        self.chin.distance(self.crown)
    }

    pub fn head_width_px(&self) -> f32 {
        self.face_right_side.distance(self.face_left_side)
    }
}

pub fn outline(
    mesh: &MeshLandmarks,
    right_eye: &EyeLandmarks,
    left_eye: &EyeLandmarks,
    pose: Option<&HeadPose>,
    mask: &PersonMask,
) -> HeadOutline {
    let chin = mesh.point(index::CHIN);
    let forehead = mesh.point(index::FOREHEAD_TOP);
    let from_proportions = match pose {
        Some(pose) => pose.project(CANONICAL_VERTEX_CM),
        None => crown_from_proportions(chin, forehead),
    };
    let centre = |eye: &EyeLandmarks, (outer, inner): (usize, usize)| {
        let (outer, inner) = (mesh.point(outer), mesh.point(inner));
        if eye_is_shut(eye.lid_gap_px(), outer, inner) { outer.midpoint(inner) } else { eye.iris_centre }
    };
    let right_eye_centre = centre(right_eye, Eye::SubjectRight.mesh_corners());
    let left_eye_centre = centre(left_eye, Eye::SubjectLeft.mesh_corners());
    // The hair above the face: the mask's top across the span between the eyes.
    let hair_top_y = mask.top_of_person(right_eye_centre.x, left_eye_centre.x).filter(|&y| y < forehead.y);
    let (crown, crown_source) = match hair_top_y {
        // A mask top touching the frame says nothing: the hair may go on above it.
        Some(hair_top) if hair_top > mask.row_height() && hair_top > from_proportions.y => {
            (Point::new(from_proportions.x, hair_top), CrownSource::PersonMask)
        }
        _ => (from_proportions, CrownSource::FaceProportions),
    };
    HeadOutline {
        right_eye_centre,
        left_eye_centre,
        nose_tip: mesh.point(index::NOSE_TIP),
        chin,
        forehead,
        face_right_side: mesh.point(index::FACE_RIGHT_SIDE),
        face_left_side: mesh.point(index::FACE_LEFT_SIDE),
        crown,
        crown_source,
        hair_top_y,
    }
}
