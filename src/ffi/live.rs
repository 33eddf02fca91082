//! `passbild_live_session`: guidance frame by frame for one running camera.

use std::ffi::c_char;

use super::checker::{checker_of, passbild_checker, passbild_pixel_format_value, pixel_buffer};
use super::report::{language, passbild_language_value};
use super::{
    Failure, borrow, copy_to_buffer, drop_behind_the_boundary, guard, passbild_error, passbild_status, write_out,
};
use crate::live::{Hint, LiveSession, LiveTarget};

/// Follows one person across the frames of one camera. Use it from one thread at a time; it may
/// outlive the checker it was made from.
pub struct passbild_live_session {
    inner: LiveSession,
}

/// What one frame shows. Without a face (`has_face` 0) only `hint` and `tracked` mean anything.
/// Pose angles are NaN when the pose could not be fitted. Flags are 0 or 1 bytes rather than
/// `bool`, which C#, JNA and C89 marshal differently.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct passbild_live_frame {
    pub has_face: u8,
    /// 1 when the face was followed from the previous frame (no detection ran).
    pub tracked: u8,
    /// `passbild_live_hint_text` gives its words.
    pub hint: passbild_hint,
    pub eye_midpoint_x: f32,
    pub eye_midpoint_y: f32,
    pub inter_eye_distance_px: f32,
    pub yaw_deg: f64,
    pub pitch_deg: f64,
    pub roll_deg: f64,
    /// Widest eyelid gap over the eye's width, the smaller eye.
    pub eye_aspect: f32,
    /// Mean luma 0..255 at the face mesh's points.
    pub face_luma: f32,
    /// Chin to crown in frame pixels, from the face's proportions (the hair is not looked for).
    pub chin_to_crown_px: f32,
    /// The eye line's tilt in degrees, as the crop levels it (positive: the picture's right eye
    /// is lower).
    pub eye_line_tilt_deg: f32,
}

/// The one thing the person in front of the camera should do next. Values are fixed and never
/// reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum passbild_hint {
    NoFace = 0,
    MoveCloser = 1,
    MoveBack = 2,
    MoveLeft = 3,
    MoveRight = 4,
    MoveUp = 5,
    MoveDown = 6,
    TurnLeft = 7,
    TurnRight = 8,
    ChinUp = 9,
    ChinDown = 10,
    StraightenHead = 11,
    OpenEyes = 12,
    MoreLight = 13,
    LessLight = 14,
    /// Nothing to correct.
    Ready = 15,
}

/// A `passbild_hint` as a caller passes it, checked before use (see
/// `passbild_pixel_format_value`).
pub type passbild_hint_value = u32;

/// Each hint's code.
const HINTS: [(passbild_hint, Hint); 16] = [
    (passbild_hint::NoFace, Hint::NoFace),
    (passbild_hint::MoveCloser, Hint::MoveCloser),
    (passbild_hint::MoveBack, Hint::MoveBack),
    (passbild_hint::MoveLeft, Hint::MoveLeft),
    (passbild_hint::MoveRight, Hint::MoveRight),
    (passbild_hint::MoveUp, Hint::MoveUp),
    (passbild_hint::MoveDown, Hint::MoveDown),
    (passbild_hint::TurnLeft, Hint::TurnLeft),
    (passbild_hint::TurnRight, Hint::TurnRight),
    (passbild_hint::ChinUp, Hint::ChinUp),
    (passbild_hint::ChinDown, Hint::ChinDown),
    (passbild_hint::StraightenHead, Hint::StraightenHead),
    (passbild_hint::OpenEyes, Hint::OpenEyes),
    (passbild_hint::MoreLight, Hint::MoreLight),
    (passbild_hint::LessLight, Hint::LessLight),
    (passbild_hint::Ready, Hint::Ready),
];

fn hint_code(hint: Hint) -> passbild_hint {
    HINTS.iter().find(|(_, h)| *h == hint).expect("every hint has a code").0
}

/// Starts a live session with the checker's models and profile (its template's framing and pose
/// limits). Free it with `passbild_live_session_free`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_new(
    checker: *const passbild_checker,
    session_out: *mut *mut passbild_live_session,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        if session_out.is_null() {
            return Err(Failure::null("session_out"));
        }
        let session = passbild_live_session { inner: checker_of(checker).live_session() };
        write_out(session_out, "session_out", Box::into_raw(Box::new(session)))
    })
}

/// The height of the smallest camera still, `frame_aspect` (width over height) wide, in which
/// every frame the hint calls ready holds the photo at the pixel size the profile fixes (de-live:
/// 1244x1600; photos are not enlarged): 0 where the profile fixes none, `UINT32_MAX` where no
/// frame of that shape holds it. A smaller frame (a preview) is guided by its proportions alone.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `session`
/// is not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_smallest_capture_height(
    session: *const passbild_live_session,
    frame_aspect: f32,
    height_out: *mut u32,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let session = borrow(session, "session")?;
        if height_out.is_null() {
            return Err(Failure::null("height_out"));
        }
        if !(frame_aspect.is_finite() && frame_aspect > 0.0) {
            let message = format!("frame_aspect must be a positive number, not {frame_aspect}");
            return Err(Failure::new(passbild_status::InvalidArgument, message));
        }
        write_out(height_out, "height_out", session.inner.target().smallest_capture_height(frame_aspect))
    })
}

/// Where a live session wants the face, as `passbild_live_session_target` gives it and
/// `passbild_live_session_set_target` takes it. Shares are of the photo the profile's template cuts
/// (head, eye line, aspect) or of the frame (margin, fullness); angles in degrees either way. No
/// number may be NaN.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct passbild_live_target {
    /// Chin to crown over the photo's height, 0.05 to 1.
    pub photo_head_share: f32,
    /// The eye line's height from the photo's top over its height, 0..1.
    pub photo_eye_line: f32,
    /// The lowest the crop puts the eye line, where the hair needs room above the head: from
    /// `photo_eye_line` to 1.
    pub photo_lowest_eye_line: f32,
    /// The photo's width over its height, above 0.
    pub photo_aspect: f32,
    /// The smallest share of the largest photo the frame holds that the photo may fill ("move
    /// closer" below it), 0..1.
    pub min_photo_of_frame: f32,
    /// Room kept between the photo and every edge of the frame, over the frame's height: 0 or
    /// more, below 0.5 (kept at the sides too: one that leaves a narrow frame no room asks to
    /// move back on every frame).
    pub margin: f32,
    /// The photo's least height in frame pixels where the profile fixes its pixel size; 0 where
    /// any size will do.
    pub min_photo_height_px: f32,
    /// Largest yaw either way (from the profile's pose range), 0 or more; INFINITY where the
    /// profile does not judge pose (de-child-under-6).
    pub max_yaw_deg: f64,
    /// Largest pitch either way, as `max_yaw_deg`.
    pub max_pitch_deg: f64,
    /// Largest roll either way, as `max_yaw_deg`.
    pub max_roll_deg: f64,
    /// Smallest eyelid gap over the eye's width, the smaller eye; 0 where eyes are not judged.
    pub min_eye_aspect: f32,
    /// Mean luma (0..255) at the face mesh's points: the range a frame's light must fall in (0 and
    /// 255 ask nothing).
    pub min_face_luma: f32,
    /// The top of that range, from `min_face_luma` to 255.
    pub max_face_luma: f32,
}

impl From<LiveTarget> for passbild_live_target {
    fn from(target: LiveTarget) -> Self {
        passbild_live_target {
            photo_head_share: target.photo_head_share,
            photo_eye_line: target.photo_eye_line,
            photo_lowest_eye_line: target.photo_lowest_eye_line,
            photo_aspect: target.photo_aspect,
            min_photo_of_frame: target.min_photo_of_frame,
            margin: target.margin,
            min_photo_height_px: target.min_photo_height_px,
            max_yaw_deg: target.max_yaw,
            max_pitch_deg: target.max_pitch,
            max_roll_deg: target.max_roll,
            min_eye_aspect: target.min_eye_aspect,
            min_face_luma: target.face_luma.0,
            max_face_luma: target.face_luma.1,
        }
    }
}

impl From<passbild_live_target> for LiveTarget {
    fn from(target: passbild_live_target) -> Self {
        LiveTarget {
            photo_head_share: target.photo_head_share,
            photo_eye_line: target.photo_eye_line,
            photo_lowest_eye_line: target.photo_lowest_eye_line,
            photo_aspect: target.photo_aspect,
            min_photo_of_frame: target.min_photo_of_frame,
            margin: target.margin,
            min_photo_height_px: target.min_photo_height_px,
            max_yaw: target.max_yaw_deg,
            max_pitch: target.max_pitch_deg,
            max_roll: target.max_roll_deg,
            min_eye_aspect: target.min_eye_aspect,
            face_luma: (target.min_face_luma, target.max_face_luma),
        }
    }
}

/// Where the session wants the face: the profile's framing, pose, eye and light limits, or those
/// last set.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `session`
/// is not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_target(
    session: *const passbild_live_session,
    target_out: *mut passbild_live_target,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let session = borrow(session, "session")?;
        write_out(target_out, "target_out", passbild_live_target::from(*session.inner.target()))
    })
}

/// Guides towards `target` from the next frame on: read the session's own with
/// `passbild_live_session_target`, change what should differ (a wider margin for a restless
/// sitter), and set it. A number outside its domain (see `passbild_live_target`; NaN anywhere) is
/// refused with `PASSBILD_STATUS_INVALID_ARGUMENT` naming it (the pose limits without `_deg`), and
/// the session keeps its target.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `session`
/// is not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_set_target(
    session: *mut passbild_live_session,
    target: *const passbild_live_target,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        if session.is_null() {
            return Err(Failure::null("session"));
        }
        let target = *borrow(target, "target")?;
        // SAFETY: non-NULL, made by passbild_live_session_new, used by one thread (contract).
        let session = unsafe { &mut *session };
        session.inner.set_target(target.into())?;
        Ok(())
    })
}

/// One camera frame in one of the `passbild_pixel_format` layouts, rows `stride` bytes apart
/// (the buffer holds `stride * (height - 1) + width * bytes per pixel` bytes).
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `session`
/// is not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_process(
    session: *mut passbild_live_session,
    pixels: *const u8,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    frame_out: *mut passbild_live_frame,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    // SAFETY: forwarded from this function's own contract.
    unsafe { process(session, pixels, None, width, height, stride, format, frame_out, error_out) }
}

/// As `passbild_live_session_process`, for a buffer of `pixels_len` readable bytes: a shorter
/// buffer than the frame needs is refused with `PASSBILD_STATUS_INVALID_PIXELS`, never read beyond.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `pixels`
/// points to `pixels_len` readable bytes; `session` is not used by another thread during the call.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_process_len(
    session: *mut passbild_live_session,
    pixels: *const u8,
    pixels_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    frame_out: *mut passbild_live_frame,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    // SAFETY: forwarded from this function's own contract.
    unsafe { process(session, pixels, Some(pixels_len), width, height, stride, format, frame_out, error_out) }
}

/// # Safety
/// As the two entry points above; `pixels_len`, when given, is the readable length.
#[allow(clippy::too_many_arguments)]
unsafe fn process(
    session: *mut passbild_live_session,
    pixels: *const u8,
    pixels_len: Option<usize>,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    frame_out: *mut passbild_live_frame,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        if session.is_null() {
            return Err(Failure::null("session"));
        }
        if pixels.is_null() {
            return Err(Failure::null("pixels"));
        }
        if frame_out.is_null() {
            return Err(Failure::null("frame_out"));
        }
        // SAFETY: non-NULL, made by passbild_live_session_new, used by one thread (contract).
        let session = unsafe { &mut *session };
        // SAFETY: forwarded from this function's own contract.
        let (buffer, format) = unsafe { pixel_buffer(pixels, pixels_len, width, height, stride, format)? };
        let frame = session.inner.process(buffer, width, height, stride, format)?;
        let face = frame.face;
        let pose = face.and_then(|f| f.pose);
        let out = passbild_live_frame {
            has_face: u8::from(face.is_some()),
            tracked: u8::from(frame.tracked),
            hint: hint_code(frame.hint),
            eye_midpoint_x: face.map_or(f32::NAN, |f| f.eye_midpoint.x),
            eye_midpoint_y: face.map_or(f32::NAN, |f| f.eye_midpoint.y),
            inter_eye_distance_px: face.map_or(f32::NAN, |f| f.inter_eye_distance_px),
            yaw_deg: pose.map_or(f64::NAN, |p| p.yaw),
            pitch_deg: pose.map_or(f64::NAN, |p| p.pitch),
            roll_deg: pose.map_or(f64::NAN, |p| p.roll),
            eye_aspect: face.map_or(f32::NAN, |f| f.eye_aspect),
            face_luma: face.map_or(f32::NAN, |f| f.face_luma),
            chin_to_crown_px: face.map_or(f32::NAN, |f| f.chin_to_crown_px),
            eye_line_tilt_deg: face.map_or(f32::NAN, |f| f.eye_line_tilt_deg),
        };
        write_out(frame_out, "frame_out", out)
    })
}

/// The words of a hint in `language` (`passbild_language`), copied into `buffer` with its NUL;
/// `needed_out` (may be NULL) receives the size needed.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_hint_text(
    hint: passbild_hint_value,
    language: passbild_language_value,
    buffer: *mut c_char,
    buffer_len: usize,
    needed_out: *mut usize,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let (_, hint) = HINTS
            .iter()
            .find(|(code, _)| *code as u32 == hint)
            .ok_or_else(|| Failure::new(passbild_status::InvalidArgument, format!("no hint {hint}")))?;
        copy_to_buffer(hint.text(self::language(language)?), buffer, buffer_len, needed_out)
    })
}

/// Frees a session; NULL is ignored.
/// # Safety
/// `session` is NULL or came from `passbild_live_session_new` and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_live_session_free(session: *mut passbild_live_session) {
    if !session.is_null() {
        // SAFETY: made by Box::into_raw in passbild_live_session_new, freed once (contract).
        drop_behind_the_boundary(unsafe { Box::from_raw(session) });
    }
}
