//! Eyes, mouth and expression (requirements section 6), from the mesh and the irises in the
//! upright face crop.

use super::face_image::{FaceImage, IrisInCrop};
use super::{Finding, median, ofiq_sigmoid, quality};
use crate::imaging::Point;
use crate::models::face_mesh::index;

#[derive(Debug, Clone, PartialEq)]
pub struct SubjectMeasures {
    /// OFIQ: the smaller eyelid gap of the two eyes over the eye-midpoint-to-chin distance. The
    /// gaps come from the iris model's eye contour (OFIQ takes them from its 98 landmarks).
    pub eyes_open: Finding,
    /// The mouth's opening over the eye-midpoint-to-chin distance (OFIQ's yardstick): the mesh's
    /// inner-lip gap, as OFIQ measures it, where a dark mouth or teeth are seen between the lips,
    /// else the (small) height seen. The mesh alone reads full closed lips as a gap of up to 0.087.
    pub mouth_closed: Finding,
    /// Iris centre away from the middle of the eye opening, in eye widths, both eyes averaged.
    pub gaze: Finding,
    /// What `expression.neutral` judges: the mouth width over the inter-eye distance. Of the
    /// mesh cues tried on FRLL neutral against smiling (width, corner lift, brow height, lip gap
    /// and their sums), width alone separated best (docs/calibration.md).
    pub expression: Finding,
}

pub fn measure(face: &FaceImage) -> SubjectMeasures {
    let p = |i: usize| face.point(i);
    let yardstick = f64::from(face.eyes_to_chin().max(1.0));
    let ied = f64::from(face.px_per_ied);
    let widest = |pairs: &[(usize, usize)]| pairs.iter().map(|&(a, b)| p(a).distance(p(b))).fold(0f32, f32::max);
    let eyes_open = f64::from(face.right_iris.lid_gap.min(face.left_iris.lid_gap)) / yardstick;
    let mesh_lip_gap = widest(index::INNER_LIP_PAIRS);
    // The mesh's gap counts once the mouth is seen open: it spans a tongue and shaded teeth, which
    // the row colours miss. Where the lips are too small in the crop to read, it stands in.
    let lip_gap = match visible_lip_gap_px(face) {
        Some(seen) if f64::from(seen) / yardstick >= MOUTH_SEEN_OPEN => seen.max(mesh_lip_gap),
        Some(seen) => seen,
        None => mesh_lip_gap,
    };
    let mouth_open = f64::from(lip_gap) / yardstick;

    let gaze_offset = |iris: &IrisInCrop, outer: usize, inner: usize, lid: (usize, usize)| {
        let width = p(outer).distance(p(inner)).max(1.0);
        let middle = Point::new((p(outer).x + p(inner).x) / 2.0, (p(lid.0).y + p(lid.1).y) / 2.0);
        ((iris.centre.x - middle.x) / width, (iris.centre.y - middle.y) / width)
    };
    let right = gaze_offset(&face.right_iris, index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER, (159, 145));
    let left = gaze_offset(&face.left_iris, index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER, (386, 374));
    let gaze = f64::from(((right.0 + left.0) / 2.0).hypot((right.1 + left.1) / 2.0));

    let mouth_width = f64::from(p(index::MOUTH_RIGHT_CORNER).distance(p(index::MOUTH_LEFT_CORNER))) / ied;

    SubjectMeasures {
        eyes_open: Finding { value: eyes_open, quality: quality(ofiq_sigmoid(eyes_open, 0.02, 0.01)) },
        mouth_closed: Finding { value: mouth_open, quality: quality(1.0 - ofiq_sigmoid(mouth_open, 0.2, 0.06)) },
        gaze: Finding { value: gaze, quality: quality(1.0 - 4.0 * gaze) },
        expression: Finding { value: mouth_width, quality: quality(1.0 - ofiq_sigmoid(mouth_width, 0.9, 0.03)) },
    }
}

/// A visible opening of this share of the eye-to-chin distance is an open mouth: closed mouths
/// read at most 0.019 on FRLL (the lips' seam) and 0.028 on congress portraits without a smile.
const MOUTH_SEEN_OPEN: f64 = 0.035;
const DARK_MOUTH_OF_LIP_LUMA: f32 = 0.6;
const DARK_MOUTH_OF_LIP_REDNESS: f32 = 0.5;
const TEETH_OF_LIP_REDNESS: f32 = 0.4;
/// Teeth are also far less red than the cheeks' skin, which can be brighter than the lips as well.
const TEETH_OF_SKIN_REDNESS: f32 = 0.5;
/// Rows of lip in a row that end the opening: fewer may be a blurred edge between teeth and the
/// dark mouth.
const LIP_ROWS_ENDING_OPENING: usize = 3;

/// Red minus green over luma: high on lips, lower on skin, near zero on teeth.
fn redness_of([r, g, b]: [f32; 3]) -> f32 {
    (r - g) / (0.299 * r + 0.587 * g + 0.114 * b).max(1.0)
}

/// The height of the mouth's visible opening (dark mouth or teeth) below the upper lip, in crop
/// pixels. Across the middle half of the mouth each row's median luma and redness (red minus
/// green over luma) are compared with the upper lip's (the mesh places the upper lip well whether
/// the mouth is open or not; it can lose the lower lip of a wide-open mouth): a row is open when
/// much darker and still red (the mouth inside; a moustache is dark but grey or brown) or
/// brighter and far less red than both the lips and the cheeks (teeth). The rows are read from
/// just above the upper lip's inner edge down towards the chin; the opening must start within the
/// upper lip's height of that edge and ends at the lower lip. A row of teeth is taken to its
/// blurred edges: small photos blur a thin band of teeth into the lips.
fn visible_lip_gap_px(face: &FaceImage) -> Option<f32> {
    let p = |i: usize| face.point(i);
    let (right, left) = (p(index::MOUTH_RIGHT_CORNER), p(index::MOUTH_LEFT_CORNER));
    let centre_x = 0.5 * (right.x + left.x);
    let quarter_width = 0.25 * right.distance(left);
    let side = face.side as f32;
    let (x0, x1) = ((centre_x - quarter_width).max(0.0) as usize, (centre_x + quarter_width).min(side) as usize);
    let row_at = |y: f32| y.clamp(0.0, side - 1.0) as usize;
    let (lip_top, lip_inner) = (row_at(p(index::UPPER_LIP_TOP).y), row_at(p(index::UPPER_LIP_INNER).y));
    let chin = row_at(p(index::CHIN).y);
    if x1 < x0 + 3 || lip_inner < lip_top + 2 || chin <= lip_inner {
        return None;
    }
    let row = |y: usize| -> (f32, f32) {
        let pixels = &face.rgb[y * face.side + x0..y * face.side + x1];
        let mut luma: Vec<f32> = face.luma[y * face.side + x0..y * face.side + x1].to_vec();
        let mut redness: Vec<f32> = pixels.iter().map(|&p| redness_of(p)).collect();
        (median(&mut luma).unwrap_or(0.0), median(&mut redness).unwrap_or(0.0))
    };
    let upper_lip: Vec<(f32, f32)> = (lip_top..lip_inner).map(row).collect();
    let (lip_luma, lip_redness) = (
        median(&mut upper_lip.iter().map(|r| r.0).collect::<Vec<_>>())?,
        median(&mut upper_lip.iter().map(|r| r.1).collect::<Vec<_>>())?,
    );
    let mut cheek_redness: Vec<f32> = face
        .cheek_patches()
        .into_iter()
        .flat_map(|patch| face.indices_in(patch))
        .filter(|&i| face.skin[i])
        .map(|i| redness_of(face.rgb[i]))
        .collect();
    let cheek_redness = median(&mut cheek_redness)?;
    let is_open = |(luma, redness): (f32, f32)| {
        let dark = luma < DARK_MOUTH_OF_LIP_LUMA * lip_luma && redness > DARK_MOUTH_OF_LIP_REDNESS * lip_redness;
        let teeth = luma > lip_luma
            && redness < (TEETH_OF_LIP_REDNESS * lip_redness).min(TEETH_OF_SKIN_REDNESS * cheek_redness);
        dark || teeth
    };
    let upper_lip_height = lip_inner - lip_top;
    let start = lip_inner.saturating_sub(upper_lip_height / 2);
    let latest_opening = lip_inner + 2 * upper_lip_height;
    let rows: Vec<(f32, f32)> = (start..chin).map(row).collect();
    // Runs of open rows, a blurred edge of up to two lip rows inside one; the longest run that
    // starts by `latest_opening` is the opening (a dark line at the lips' edge is a short run of
    // its own).
    let mut longest: Option<(usize, usize)> = None;
    let mut run: Option<(usize, usize)> = None;
    let mut lip_run = 0usize;
    let mut close = |run: &mut Option<(usize, usize)>| {
        if let Some((first, last)) = run.take()
            && longest.is_none_or(|(a, b)| last - first > b - a)
        {
            longest = Some((first, last));
        }
    };
    for (i, &r) in rows.iter().enumerate() {
        if is_open(r) {
            run = Some(run.map_or((i, i), |(first, _)| (first, i)));
            lip_run = 0;
        } else if run.is_some() {
            lip_run += 1;
            if lip_run >= LIP_ROWS_ENDING_OPENING {
                close(&mut run);
            }
        }
        if run.is_none() && start + i > latest_opening {
            break;
        }
    }
    close(&mut run);
    let Some((mut first, mut last)) = longest else {
        return Some(0.0);
    };
    // The edges of a row of teeth are blurred: a row belongs to it while its luma is nearer the
    // teeth's than the lip's (the half-way edge of a blurred step), over no more than a blur's
    // width (pale skin below the lower lip can be as bright as teeth). A dark opening is not
    // widened: the lower lip is often darker than the upper one and would join it.
    let mut opening_luma: Vec<f32> = rows[first..=last].iter().map(|r| r.0).collect();
    let opening_luma = median(&mut opening_luma)?;
    let nearer_opening = |y: usize| (rows[y].0 - opening_luma).abs() < (rows[y].0 - lip_luma).abs();
    let blur_rows = if opening_luma > lip_luma { upper_lip_height / 2 } else { 0 };
    let (open_first, open_last) = (first, last);
    while first > 0 && open_first - first < blur_rows && nearer_opening(first - 1) {
        first -= 1;
    }
    while last + 1 < rows.len() && last - open_last < blur_rows && nearer_opening(last + 1) {
        last += 1;
    }
    Some((last - first + 1) as f32)
}
