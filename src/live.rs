//! Live guidance while the camera runs (self-service terminals, the mobile capture kit): per
//! frame, where the face is, how large and how turned, whether the eyes are open and the light
//! is right, and one short hint. A session keeps the last face between frames, so a frame costs
//! the face mesh alone; detection runs on the first frame and whenever the mesh loses the face.
//! The full check runs on the capture the operator keeps (see `capture::best_capture`).

use serde::Serialize;

use crate::crop::PhotoLayout;
use crate::decode::{self, DecodeLimits, PixelFormat};
use crate::error::Result;
use crate::imaging::colour;
use crate::imaging::{Bilinear, Point, Pyramid, RotatedRect};
use crate::measure::head::{CLOSED_EYE_GAP_OF_WIDTH, crown_from_proportions};
use crate::measure::pose::{Camera, HeadPose, PoseAngles};
use crate::models::Models;
use crate::models::face_mesh::{FaceMesh, MeshLandmarks, eye_corner_centres, index};
use crate::models::iris::Eye;
use crate::pipeline::MIN_MESH_PRESENCE;
use crate::profile::{Profile, Range};
use crate::report::Language;

/// Where the face should be in the camera frame, and how.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LiveTarget {
    /// The photo cut from the capture (the profile's template, as `Checker::crop` cuts it): chin
    /// to crown over its height.
    pub photo_head_share: f32,
    /// Its eye line's height from the top over its height.
    pub photo_eye_line: f32,
    /// The lowest the crop puts the eye line, where the hair needs room above the head.
    pub photo_lowest_eye_line: f32,
    /// Its width over its height.
    pub photo_aspect: f32,
    /// The smallest share of the largest photo the frame holds that the photo may fill: below it,
    /// "move closer" (the photo would keep few of the camera's pixels).
    pub min_photo_of_frame: f32,
    /// Room kept between that photo and every edge of the frame, as a share of the frame's
    /// height: a little movement does not cut it off.
    pub margin: f32,
    /// Where the profile fixes the photo's size in pixels (de-live: 1244x1600), the photo's least
    /// height in frame pixels, so that the crop need not enlarge it; 0 where any size will do. A
    /// frame that cannot hold a photo this tall (a preview) is guided by its proportions alone:
    /// see [`LiveTarget::smallest_capture_height`].
    pub min_photo_height_px: f32,
    /// Largest yaw in degrees either way (from the profile's pose range).
    pub max_yaw: f64,
    /// Largest pitch in degrees either way.
    pub max_pitch: f64,
    /// Largest roll in degrees either way.
    pub max_roll: f64,
    /// Smallest eyelid gap over the eye's width, the smaller of the two eyes.
    pub min_eye_aspect: f32,
    /// Mean luma (0..255) at the face mesh's points.
    pub face_luma: (f32, f32),
}

/// Without a template in the profile, the photo is framed as ICAO's middle: the head 75 % of a
/// 35:45 photo's height, the eyes 40 % from its top.
const DEFAULT_PHOTO_LAYOUT: PhotoLayout = PhotoLayout {
    head_share: 0.75,
    eye_line: 0.40,
    lowest_eye_line: 0.40,
    aspect: 35.0 / 45.0,
    min_capture_photo_height_px: None,
};

/// The head's height from the face's proportions reads a little larger than the crop's, from the
/// head's outline: a ready frame keeps this much more than the crop's least photo height.
const PROPORTIONS_MARGIN: f64 = 1.05;

impl LiveTarget {
    /// Framing from the profile's template, so that a frame the hint calls ready holds the photo
    /// cut from it. Where the profile fixes the photo's pixel size (de-live: 1244x1600), the
    /// capture must also hold that many pixels of it, since photos are not enlarged: a camera's
    /// still, not a small preview frame (see [`LiveTarget::smallest_capture_height`]). Pose and
    /// open-eye limits from the profile (none where it does not judge them, as for small
    /// children); light as a passport photo needs it.
    pub fn for_profile(profile: &Profile) -> LiveTarget {
        let limit = |range: &Option<Range>, default: f64| {
            range
                .as_ref()
                .filter(|r| r.enabled)
                .map_or(f64::INFINITY, |r| r.max.unwrap_or(default).abs().min(r.min.map_or(f64::MAX, f64::abs)))
        };
        let eyes_judged = profile.eyes.open.is_some_and(|r| r.enabled);
        let layout = PhotoLayout::for_profile(profile).unwrap_or(DEFAULT_PHOTO_LAYOUT);
        LiveTarget {
            photo_head_share: layout.head_share as f32,
            photo_eye_line: layout.eye_line as f32,
            photo_lowest_eye_line: layout.lowest_eye_line as f32,
            photo_aspect: layout.aspect as f32,
            min_photo_of_frame: 0.6,
            margin: 0.03,
            min_photo_height_px: layout.min_capture_photo_height_px.map_or(0.0, |px| (px * PROPORTIONS_MARGIN) as f32),
            max_yaw: limit(&profile.pose.yaw, 8.0),
            max_pitch: limit(&profile.pose.pitch, 8.0),
            max_roll: limit(&profile.pose.roll, 8.0),
            min_eye_aspect: if eyes_judged { CLOSED_EYE_GAP_OF_WIDTH } else { 0.0 },
            face_luma: (70.0, 210.0),
        }
    }

    /// The height of the smallest capture, `frame_aspect` (width over height) wide, in which every
    /// frame ready by its framing alone (the photo filling [`LiveTarget::min_photo_of_frame`] of
    /// the largest it holds) holds [`LiveTarget::min_photo_height_px`]: choose the camera's still
    /// at least this tall. 0 where the profile fixes no pixel size; `u32::MAX` where no frame of
    /// that shape holds the photo. In a smaller frame that can still hold the photo, the hint
    /// asks to move closer until it does.
    pub fn smallest_capture_height(&self, frame_aspect: f32) -> u32 {
        if self.min_photo_height_px.is_nan() || self.min_photo_height_px <= 0.0 {
            return 0;
        }
        if !frame_aspect.is_finite() || frame_aspect <= 0.0 {
            return u32::MAX;
        }
        // The least photo a ready frame of height 1 holds.
        let largest_photo_share = self.min_photo_of_frame * self.largest_photo_height(frame_aspect, 1.0);
        if !largest_photo_share.is_finite() || largest_photo_share <= 0.0 {
            return u32::MAX;
        }
        // Saturates at u32::MAX.
        (self.min_photo_height_px / largest_photo_share).ceil() as u32
    }

    /// What is wrong with the target's numbers, if anything: the head's share of the photo lies in
    /// 0.05..1 and the eye lines in 0..1, the lowest at or below the eye line; the photo's aspect
    /// is a positive number; the photo fills 0..1 of the frame; the margin lies in 0..0.5 of the
    /// frame's height (it is kept at the sides too: a margin that leaves a narrow frame no room
    /// asks to move back on every frame); the photo's least height in pixels is 0 (none) or more;
    /// the pose limits 0 or more (infinite: none); the eyelid gap 0 (none) or more; the light
    /// range within 0..255, its least at most its most (0 and 255: none). None may be NaN.
    pub fn problem(&self) -> Option<String> {
        let (least_luma, most_luma) = self.face_luma;
        let finite_at_least = |value: f32, least: f32| value.is_finite() && value >= least;
        let checks: [(&str, f64, bool, &str); 13] = [
            (
                "photo_head_share",
                self.photo_head_share.into(),
                (0.05..=1.0).contains(&self.photo_head_share),
                "0.05 to 1",
            ),
            ("photo_eye_line", self.photo_eye_line.into(), (0.0..=1.0).contains(&self.photo_eye_line), "0 to 1"),
            (
                "photo_lowest_eye_line",
                self.photo_lowest_eye_line.into(),
                (self.photo_eye_line..=1.0).contains(&self.photo_lowest_eye_line),
                "photo_eye_line to 1",
            ),
            (
                "photo_aspect",
                self.photo_aspect.into(),
                finite_at_least(self.photo_aspect, f32::MIN_POSITIVE),
                "above 0",
            ),
            (
                "min_photo_of_frame",
                self.min_photo_of_frame.into(),
                (0.0..=1.0).contains(&self.min_photo_of_frame),
                "0 to 1",
            ),
            ("margin", self.margin.into(), (0.0..0.5).contains(&self.margin), "0 to below 0.5"),
            (
                "min_photo_height_px",
                self.min_photo_height_px.into(),
                finite_at_least(self.min_photo_height_px, 0.0),
                "0 or more",
            ),
            ("max_yaw", self.max_yaw, self.max_yaw >= 0.0, "0 or more, or infinite"),
            ("max_pitch", self.max_pitch, self.max_pitch >= 0.0, "0 or more, or infinite"),
            ("max_roll", self.max_roll, self.max_roll >= 0.0, "0 or more, or infinite"),
            ("min_eye_aspect", self.min_eye_aspect.into(), finite_at_least(self.min_eye_aspect, 0.0), "0 or more"),
            ("min_face_luma", least_luma.into(), (0.0..=255.0).contains(&least_luma), "0 to 255"),
            ("max_face_luma", most_luma.into(), (least_luma..=255.0).contains(&most_luma), "min_face_luma to 255"),
        ];
        checks
            .into_iter()
            .find(|(_, _, within, _)| !within)
            .map(|(name, value, _, domain)| format!("{name} is {value}, not {domain}"))
    }

    /// The tallest photo of the target's shape that a `width` x `height` frame holds inside its
    /// margin.
    fn largest_photo_height(&self, width: f32, height: f32) -> f32 {
        let margin = self.margin * height;
        (height - 2.0 * margin).min((width - 2.0 * margin) / self.photo_aspect)
    }
}

/// What a frame shows of the face.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LiveFace {
    /// Midway between the eye centres (the midpoints of each eye's corners), in frame pixels.
    pub eye_midpoint: Point,
    /// Between the eye centres, in frame pixels.
    pub inter_eye_distance_px: f32,
    /// Chin to crown in frame pixels, from the face's proportions (the hair is not looked for).
    pub chin_to_crown_px: f32,
    /// The eye line's tilt in degrees, as the crop levels it (positive: the picture's right eye
    /// is lower).
    pub eye_line_tilt_deg: f32,
    /// The head pose, when it could be fitted.
    pub pose: Option<PoseAngles>,
    /// Widest eyelid gap over eye width (iris model), the smaller of the two eyes' latest values
    /// (the eyes are read in turn, one a frame; a face just found has one read).
    pub eye_aspect: f32,
    /// Mean luma (0..255) at the mesh points.
    pub face_luma: f32,
}

/// The one thing the person in front of the camera should do next; `Ready` when nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hint {
    /// No face in the frame.
    NoFace,
    /// The face is too small in the frame.
    MoveCloser,
    /// The face is too large in the frame.
    MoveBack,
    /// To the person's own left (the picture's right; the camera is not mirrored).
    MoveLeft,
    /// To the person's own right.
    MoveRight,
    /// The eyes are too low in the frame.
    MoveUp,
    /// The eyes are too high in the frame.
    MoveDown,
    /// Turn the head towards the person's own left.
    TurnLeft,
    /// Turn the head towards the person's own right.
    TurnRight,
    /// The chin is lowered.
    ChinUp,
    /// The chin is raised.
    ChinDown,
    /// The head leans to a shoulder.
    StraightenHead,
    /// An eye is closed or nearly so.
    OpenEyes,
    /// The face is too dark.
    MoreLight,
    /// The face is too bright.
    LessLight,
    /// Nothing to correct: hold still.
    Ready,
}

impl Hint {
    /// What to say to the person, in `language`.
    pub fn text(self, language: Language) -> &'static str {
        let (en, de) = match self {
            Hint::NoFace => ("no face in view", "kein Gesicht im Bild"),
            Hint::MoveCloser => ("move closer", "näher herankommen"),
            Hint::MoveBack => ("move back", "etwas zurücktreten"),
            Hint::MoveLeft => ("move to your left", "nach links bewegen"),
            Hint::MoveRight => ("move to your right", "nach rechts bewegen"),
            // A camera moved down shows the face higher in the picture.
            Hint::MoveUp => ("lower the camera or sit up", "Kamera tiefer stellen oder aufrechter sitzen"),
            Hint::MoveDown => ("raise the camera or sit lower", "Kamera höher stellen oder tiefer sitzen"),
            Hint::TurnLeft => ("turn your head a little to your left", "Kopf etwas nach links drehen"),
            Hint::TurnRight => ("turn your head a little to your right", "Kopf etwas nach rechts drehen"),
            Hint::ChinUp => ("raise your chin a little", "Kinn etwas anheben"),
            Hint::ChinDown => ("lower your chin a little", "Kinn etwas senken"),
            Hint::StraightenHead => ("hold your head straight", "Kopf gerade halten"),
            Hint::OpenEyes => ("open your eyes", "Augen öffnen"),
            Hint::MoreLight => ("too dark: more light on the face", "zu dunkel: mehr Licht auf das Gesicht"),
            Hint::LessLight => ("too bright: less light on the face", "zu hell: weniger Licht auf das Gesicht"),
            Hint::Ready => ("hold still", "stillhalten"),
        };
        match language {
            Language::En => en,
            Language::De => de,
        }
    }
}

/// What one camera frame shows and what to do next.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LiveFrame {
    /// The face, when one is in view.
    pub face: Option<LiveFace>,
    /// The first thing to correct.
    pub hint: Hint,
    /// True when the face was followed from the previous frame (no detection ran).
    pub tracked: bool,
}

/// Follows one person across camera frames: one session per camera. It holds its own handle on
/// the checker's models (shared, not copied), so it may outlive the checker.
pub struct LiveSession {
    models: Models,
    limits: DecodeLimits,
    target: LiveTarget,
    last_crop: Option<RotatedRect>,
    /// Eyelid gap over eye width per eye (subject's right, left), from the iris model, which
    /// follows the lids where the face mesh barely moves. One eye per frame, in turn, to keep
    /// a frame within budget.
    eye_aspects: [Option<f32>; 2],
    next_eye: usize,
}

impl LiveSession {
    pub(crate) fn new(models: Models, limits: DecodeLimits, target: LiveTarget) -> Self {
        LiveSession { models, limits, target, last_crop: None, eye_aspects: [None; 2], next_eye: 0 }
    }

    /// Where the session wants the face.
    pub fn target(&self) -> &LiveTarget {
        &self.target
    }

    /// Guides towards `target` from the next frame on: say, a wider margin for a restless
    /// sitter, or a fuller frame. Refused, the session's target unchanged, where a number lies
    /// outside its domain ([`LiveTarget::problem`]).
    pub fn set_target(&mut self, target: LiveTarget) -> Result<()> {
        if let Some(problem) = target.problem() {
            return Err(crate::Error::InvalidLiveTarget(problem));
        }
        self.target = target;
        Ok(())
    }

    /// One camera frame: `height` rows of `width` pixels, `stride` bytes apart.
    pub fn process(
        &mut self,
        pixels: &[u8],
        width: u32,
        height: u32,
        stride: usize,
        format: PixelFormat,
    ) -> Result<LiveFrame> {
        let decoded = decode::from_pixels(pixels, width, height, stride, format, &self.limits)?;
        let pyramid = Pyramid::new(decoded.image);
        // A mesh placed as no numbers is no face to guide (it would pass every comparison the
        // hint makes), nor one to follow.
        let usable = |mesh: &MeshLandmarks| {
            mesh.presence >= MIN_MESH_PRESENCE && mesh.points.iter().flatten().all(|v| v.is_finite())
        };
        let followed = match self.last_crop {
            Some(crop) => Some(self.models.mesh.run(&pyramid, crop)?).filter(usable),
            None => None,
        };
        let tracked = followed.is_some();
        let mesh = match followed {
            Some(mesh) => Some(mesh),
            None => {
                let faces = self.models.detector.detect(&pyramid)?;
                match faces.iter().max_by(|a, b| a.bbox.area().total_cmp(&b.bbox.area())) {
                    Some(face) => Some(self.models.mesh.run(&pyramid, FaceMesh::crop_for(face))?).filter(usable),
                    None => None,
                }
            }
        };
        self.last_crop = mesh.as_ref().map(crop_around);
        if !tracked {
            self.eye_aspects = [None; 2];
        }
        let face = match mesh {
            Some(mesh) => {
                let eye = [Eye::SubjectRight, Eye::SubjectLeft][self.next_eye];
                let (outer, inner) = eye.mesh_corners();
                let width = mesh.point(outer).distance(mesh.point(inner)).max(1.0);
                let lid_gap = self.models.iris.run_on_mesh(&pyramid, &mesh, eye)?.lid_gap_px();
                let eye_aspect = lid_gap / width;
                self.eye_aspects[self.next_eye] = Some(eye_aspect);
                self.next_eye = 1 - self.next_eye;
                let smaller = self.eye_aspects.iter().flatten().copied().fold(eye_aspect, f32::min);
                Some(measure(&mesh, &pyramid, smaller))
            }
            None => None,
        };
        let hint = face.map_or(Hint::NoFace, |face| hint(&face, &self.target, width as f32, height as f32));
        Ok(LiveFrame { face, hint, tracked })
    }
}

/// The crop for the next frame: the landmarks' bounding box enlarged 1.5 times, turned level
/// with the eyes, as MediaPipe tracks a face.
fn crop_around(mesh: &MeshLandmarks) -> RotatedRect {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &[x, y, _] in &mesh.points {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let side = (x1 - x0).max(y1 - y0) * 1.5;
    RotatedRect {
        centre: Point::new((x0 + x1) / 2.0, (y0 + y1) / 2.0),
        width: side,
        height: side,
        angle: mesh.point(index::RIGHT_EYE_OUTER).angle_to(mesh.point(index::LEFT_EYE_OUTER)),
    }
}

fn measure(mesh: &MeshLandmarks, pyramid: &Pyramid, eye_aspect: f32) -> LiveFace {
    let (frame_width, frame_height) = pyramid.base().dimensions();
    let p = |i: usize| mesh.point(i);
    let [right, left] = eye_corner_centres(p);
    let sampler = Bilinear::new(pyramid.base());
    let face_luma = mesh.points.iter().map(|&[x, y, _]| colour::luma(sampler.at(x - 0.5, y - 0.5))).sum::<f32>()
        / mesh.points.len().max(1) as f32;
    let chin = p(index::CHIN);
    LiveFace {
        eye_midpoint: right.midpoint(left),
        inter_eye_distance_px: right.distance(left),
        chin_to_crown_px: chin.distance(crown_from_proportions(chin, p(index::FOREHEAD_TOP))),
        eye_line_tilt_deg: right.angle_to(left).to_degrees(),
        pose: HeadPose::fit(&mesh.points, Camera::terminal(frame_width, frame_height)).map(|pose| pose.angles()),
        eye_aspect,
        face_luma,
    }
}

/// The first thing out of place, in the order a person fixes them: distance, position, pose,
/// eyes, light. Distance and position are those of the photo the profile's template cuts around
/// the head: large enough in the frame, and inside it with the target's margin all round, turned
/// as the crop turns it to level the eyes, with room above for the eyes as low as the template
/// puts them and below for them at the middle of their band.
fn hint(face: &LiveFace, target: &LiveTarget, width: f32, height: f32) -> Hint {
    let photo_height = face.chin_to_crown_px / target.photo_head_share;
    let photo_width = photo_height * target.photo_aspect;
    let margin = target.margin * height;
    let (room_width, room_height) = (width - 2.0 * margin, height - 2.0 * margin);
    let (sin, cos) = face.eye_line_tilt_deg.to_radians().sin_cos();
    let above = target.photo_lowest_eye_line * photo_height;
    let below = (1.0 - target.photo_eye_line) * photo_height;
    let corners = [(-0.5, -above), (0.5, -above), (-0.5, below), (0.5, below)].map(|(across, down)| {
        let across = across * photo_width;
        Point::new(face.eye_midpoint.x + cos * across - sin * down, face.eye_midpoint.y + sin * across + cos * down)
    });
    let extent = |f: fn(f32, f32) -> f32, init: f32, axis: fn(&Point) -> f32| corners.iter().map(axis).fold(init, f);
    let (left, right) = (extent(f32::min, f32::MAX, |p| p.x), extent(f32::max, f32::MIN, |p| p.x));
    let (top, bottom) = (extent(f32::min, f32::MAX, |p| p.y), extent(f32::max, f32::MIN, |p| p.y));
    let mut least_photo_height = target.min_photo_of_frame * target.largest_photo_height(width, height);
    // The pixels a fixed-size profile needs are asked for only where a photo that tall, with the
    // room its eye line and tilt take, fits the frame: else "move closer" and "move back" would
    // take turns.
    let fitting_photo_height = photo_height * (room_width / (right - left)).min(room_height / (bottom - top));
    if target.min_photo_height_px <= fitting_photo_height {
        least_photo_height = least_photo_height.max(target.min_photo_height_px);
    }
    if photo_height < least_photo_height {
        return Hint::MoveCloser;
    }
    if right - left > room_width || bottom - top > room_height {
        return Hint::MoveBack;
    }
    if left < margin {
        // On the picture's left: the person's right side; they move to their left.
        return Hint::MoveLeft;
    }
    if right > width - margin {
        return Hint::MoveRight;
    }
    if top < margin {
        return Hint::MoveDown;
    }
    if bottom > height - margin {
        return Hint::MoveUp;
    }
    if let Some(pose) = face.pose {
        // Yaw > 0: turned to the person's own right; pitch > 0: chin lowered.
        if pose.yaw > target.max_yaw {
            return Hint::TurnLeft;
        }
        if pose.yaw < -target.max_yaw {
            return Hint::TurnRight;
        }
        if pose.pitch > target.max_pitch {
            return Hint::ChinUp;
        }
        if pose.pitch < -target.max_pitch {
            return Hint::ChinDown;
        }
        if pose.roll.abs() > target.max_roll {
            return Hint::StraightenHead;
        }
    }
    if face.eye_aspect < target.min_eye_aspect {
        return Hint::OpenEyes;
    }
    if face.face_luma < target.face_luma.0 {
        return Hint::MoreLight;
    }
    if face.face_luma > target.face_luma.1 {
        return Hint::LessLight;
    }
    Hint::Ready
}
