//! What may cover the eyes, the head or the face (requirements section 6): glasses (a frame's
//! bridge), hair, a frame or glare over the eyes, tinted lenses, reflections on lenses, a frame
//! across the eyes, a head covering, and something in front of the lower face.
//!
//! No registry package ships a glasses, head-covering or face-parsing model, so each is a cue
//! guided by the mesh: a zone of the upright face image judged against references the same photo
//! provides (the subject's own sclera, skin and hair). The thresholds and what each cue misses are
//! in docs/calibration.md.

use super::face_image::{FaceImage, IrisInCrop};
use super::{Finding, median, quality};
use crate::imaging::{Point, colour};
use crate::models::PersonMask;
use crate::models::face_mesh::index;

/// Inside the eye opening, outside the iris, darker than this share of the skin around the eye is
/// not eye: a strand of hair, a frame.
const DARK_OF_SKIN: f32 = 0.35;
/// The iris model's radius can fall short of a dark iris's edge; this much more is iris.
const IRIS_MARGIN: f32 = 1.3;
/// An open eye whose iris zone has its darkest 2 % (`DARKEST_RANK_PERCENT`) no darker than this
/// share of the skin around the eye shows no pupil: it is covered. Set on calibration halves: the
/// accuracy harness's compliant 1244x1600 photos read at most 0.44, the congress portraits
/// (225x275, light irises with a pupil of a pixel or two) at most 0.76; eyes fully under the
/// harness's hands read 0.85 and more.
const COVERED_IRIS_OF_SKIN: f32 = 0.8;
const DARKEST_RANK_PERCENT: usize = 2;
/// Eyes whose lid gap is below this share of the eyes-to-chin distance read as closed (the least
/// of the profiles' `eyes.open` bounds), and a closed eye shows no iris to judge.
const OPEN_FOR_IRIS_OF_EYES_TO_CHIN: f32 = 0.035;
/// Luma at or above which a pixel is glare (a catch-light in the iris is allowed for).
const GLARE_LUMA: f32 = 235.0;
/// Above this share of the iris, bright pixels are glare rather than a catch-light.
const CATCH_LIGHT_OF_IRIS: f32 = 0.25;
/// The eye opening is eroded by this many crop pixels so the lid margin and lashes stay out.
const OPENING_MARGIN_PX: usize = 2;
/// A lens of ordinary glasses around each eye, in inter-eye distances from the iris centre:
/// half-width and height above and below.
const LENS_HALF_WIDTH: f32 = 0.42;
const LENS_ABOVE: f32 = 0.28;
const LENS_BELOW: f32 = 0.30;
/// The lens zone stops this far short of the face's midline (the nose bridge).
const LENS_MIDLINE_GAP: f32 = 0.08;
/// A zone's colour is explained by a reference when their CIELAB distance, with lightness
/// differences counted at the given weight, is below this.
const EXPLAINED_DELTA_E: f64 = 14.0;
/// Hair across an eye is looked for in the skin below it, from this far below the iris centre
/// to this far (inter-eye distances): past the lower lid and its lashes, above the cheek.
const STRAND_BAND: (f32, f32) = (0.16, 0.32);
/// A strand is darker than the brightest skin within this span to either side of it
/// (inter-eye distances; a strand of hair is about 0.03 wide at passport scale, and strands side
/// by side leave gaps about as wide).
const STRAND_SIDES: (f32, f32) = (0.027, 0.055);
/// How far a strand may drift sideways down the band (inter-eye distances), and how far a
/// wavy one may stray from its straight course (crop pixels).
const STRAND_DRIFT: f32 = 0.08;
const STRAND_WAVE_PX: i64 = 2;
/// Strands are looked for this far to either side of the iris centre (inter-eye distances).
const STRAND_FROM_IRIS: f32 = 0.2;
const HEAD_LIGHTNESS_WEIGHT: f64 = 0.5;
/// A temple pixel is hair where the person mask holds it at least this likely; a side needs this
/// many such pixels to give a hair reference.
const PERSON_MIN_PROBABILITY: f32 = 0.5;
const MIN_HAIR_PIXELS: usize = 20;
const FACE_LIGHTNESS_WEIGHT: f64 = 0.33;

#[derive(Debug, Clone, PartialEq)]
pub struct CoveringMeasures {
    /// Share of the eye opening (outside the iris) hidden by dark strands, a frame or glare, or
    /// all of it where an open eye shows no pupil (a hand in front of it); the worse eye.
    pub eyes_hidden: Finding,
    /// The darkest line running down the skin below an eye, over that skin's luma: a strand of
    /// hair hanging across the eye, which on dark skin is not dark enough to count as hiding the
    /// opening. The worse eye; None where the skin below an eye lies outside the face crop or
    /// the eye is too narrow to look between its corners.
    pub hair_across_eye: Option<Finding>,
    /// The darkest thin line across the nose bridge over the bridge's luma: a frame's bridge.
    pub glasses: Finding,
    /// The skin around the eye (inside where a lens would be) over the cheek skin below, by
    /// median luma; the darker eye. Tinted lenses darken it.
    pub lens_brightness: Finding,
    /// Share of the lens zone that is glare; the worse eye.
    pub lens_glare: Finding,
    /// The darkest line across the eye: at the iris's height, one minus the luma beside both eye
    /// corners over the skin around the eye (a frame's rim over the eye runs past both); the
    /// worse eye.
    pub frame_across_eye: Finding,
    /// Share of the zone above the forehead whose colour is neither the hair beside the face
    /// nor the skin, or is the hair's but without its grain: a hat or cap.
    pub head_covering: Option<Finding>,
    /// Share of the lower face's skin whose colour is neither skin nor hair: a mask, a scarf,
    /// a microphone. None for grey photos, where colour cannot tell them apart.
    pub face_occlusion: Option<Finding>,
}

pub fn measure(face: &FaceImage, person: &PersonMask) -> Option<CoveringMeasures> {
    let eyes = [
        eye_zones(face, &face.right_iris, index::RIGHT_EYE_OUTER, index::RIGHT_EYE_INNER),
        eye_zones(face, &face.left_iris, index::LEFT_EYE_OUTER, index::LEFT_EYE_INNER),
    ];
    let [right, left] = eyes.map(|zones| zones.map(|z| z.measure(face)));
    let (right, left) = (right?, left?);
    let worse = |f: fn(&EyeMeasures) -> f32| f64::from(f(&right).max(f(&left)));
    let eyes_hidden = worse(|e| e.hidden);
    let lens_glare = worse(|e| e.glare);
    let frame_across_eye = worse(|e| e.frame_line);
    let hair_across_eye = right.strand.zip(left.strand).map(|(r, l)| f64::from(r.max(l)));
    let lens_brightness = f64::from(right.lens_brightness.min(left.lens_brightness));
    // The subject's own hair and skin colours, which both colour cues judge against.
    let hair: Vec<[f64; 3]> = temple_hair(face, person).iter().filter_map(|z| median_lab(face, z)).collect();
    let skin = skin_references(face);
    let bridge_line = f64::from(nose_bridge_line(face));
    Some(CoveringMeasures {
        glasses: Finding {
            value: bridge_line,
            quality: quality(((bridge_line - GLASSES_WORN_LINE) / GLASSES_WORN_LINE).abs()),
        },
        eyes_hidden: Finding { value: eyes_hidden, quality: quality(1.0 - 4.0 * eyes_hidden) },
        hair_across_eye: hair_across_eye.map(|v| Finding { value: v, quality: quality(1.0 - 4.0 * v) }),
        lens_brightness: Finding { value: lens_brightness, quality: quality(2.0 * lens_brightness - 0.8) },
        lens_glare: Finding { value: lens_glare, quality: quality(1.0 - 10.0 * lens_glare) },
        frame_across_eye: Finding { value: frame_across_eye, quality: quality(1.2 - frame_across_eye) },
        head_covering: head_covering(face, &hair, &skin).map(|v| Finding { value: v, quality: quality(1.0 - 2.0 * v) }),
        face_occlusion: face_occlusion(face, &hair, &skin)
            .map(|v| Finding { value: v, quality: quality(1.0 - 4.0 * v) }),
    })
}

impl CoveringMeasures {
    /// Whether glasses are worn: a frame's bridge is seen (`GLASSES_WORN_LINE`).
    pub fn glasses_worn(&self) -> bool {
        self.glasses.value >= GLASSES_WORN_LINE
    }
}

/// The zones around one eye, in crop pixels.
struct EyeZones {
    iris: IrisInCrop,
    outer_corner: Point,
    inner_corner: Point,
    /// The eye opening, eroded.
    opening: Vec<usize>,
    /// Where a lens would be: inside the face oval, without the iris.
    lens: Vec<usize>,
    /// Bare skin inside the lens zone.
    lens_skin: Vec<usize>,
    /// Bare cheek skin below the lens zone.
    cheek: Vec<usize>,
}

struct EyeMeasures {
    hidden: f32,
    glare: f32,
    frame_line: f32,
    strand: Option<f32>,
    lens_brightness: f32,
}

fn eye_zones(face: &FaceImage, iris: &IrisInCrop, outer: usize, inner: usize) -> Option<EyeZones> {
    let ied = face.px_per_ied;
    let (right, left) = face.eye_centres();
    let midline = (right.x + left.x) / 2.0;
    let c = iris.centre;
    let (mut x0, mut x1) = (c.x - LENS_HALF_WIDTH * ied, c.x + LENS_HALF_WIDTH * ied);
    if c.x < midline {
        x1 = x1.min(midline - LENS_MIDLINE_GAP * ied);
    } else {
        x0 = x0.max(midline + LENS_MIDLINE_GAP * ied);
    }
    let lens_rect = face.rect_around(
        Point::new((x0 + x1) / 2.0, c.y + (LENS_BELOW - LENS_ABOVE) / 2.0 * ied),
        (x1 - x0) / 2.0,
        (LENS_ABOVE + LENS_BELOW) / 2.0 * ied,
    );
    let lens: Vec<usize> =
        face.indices_in(lens_rect).filter(|&i| face.face[i] && !iris.covers(face.pixel_centre(i), 1.2)).collect();
    let lens_skin: Vec<usize> = face.indices_in(lens_rect).filter(|&i| face.skin[i]).collect();
    let cheek_rect = face.rect_around(Point::new(c.x, c.y + 0.68 * ied), 0.12 * ied, 0.12 * ied);
    let cheek: Vec<usize> = face.indices_in(cheek_rect).filter(|&i| face.skin[i]).collect();
    // The opening of this eye only: the eye mask on this side of the midline.
    let opening_rect = face.rect_around(c, 0.5 * ied, 0.3 * ied);
    let m = OPENING_MARGIN_PX;
    let side = face.side;
    let opening: Vec<usize> = face
        .indices_in(opening_rect)
        .filter(|&i| {
            let (x, y) = (i % side, i / side);
            x >= m
                && y >= m
                && x + m < side
                && y + m < side
                && [i, i - m, i + m, i - m * side, i + m * side].iter().all(|&j| face.eyes[j])
        })
        .collect();
    (!opening.is_empty() && lens_skin.len() > 20 && cheek.len() > 20).then_some(EyeZones {
        iris: *iris,
        outer_corner: face.point(outer),
        inner_corner: face.point(inner),
        opening,
        lens,
        lens_skin,
        cheek,
    })
}

impl EyeZones {
    fn measure(&self, face: &FaceImage) -> EyeMeasures {
        let luma = |i: usize| face.luma[i];
        let in_iris = |i: usize| self.iris.covers(face.pixel_centre(i), IRIS_MARGIN);
        let level = |pixels: &[usize]| median(&mut pixels.iter().map(|&i| luma(i)).collect::<Vec<_>>());
        let skin_level = level(&self.lens_skin).unwrap_or(0.0);
        let cheek_level = level(&self.cheek).unwrap_or(1.0).max(1.0);
        let glare = |i: usize| luma(i) >= GLARE_LUMA;

        let (iris_px, sclera_px): (Vec<usize>, Vec<usize>) = self.opening.iter().partition(|&&i| in_iris(i));
        let iris_glare = iris_px.iter().filter(|&&i| glare(i)).count();
        let iris_glare = if (iris_glare as f32) > CATCH_LIGHT_OF_IRIS * iris_px.len() as f32 { iris_glare } else { 0 };
        let sclera_hidden = sclera_px.iter().filter(|&&i| luma(i) < DARK_OF_SKIN * skin_level || glare(i)).count();
        let hidden = if self.covered(face, &iris_px, skin_level) {
            1.0
        } else {
            (sclera_hidden + iris_glare) as f32 / self.opening.len() as f32
        };

        let lens_glare = self.lens.iter().filter(|&&i| glare(i) && colour::chroma(face.rgb[i]) < 40.0).count() as f32
            / self.lens.len().max(1) as f32;

        EyeMeasures {
            hidden,
            glare: lens_glare,
            frame_line: self.darkest_line_past_corners(face, skin_level),
            strand: self.darkest_strand_below(face, skin_level),
            lens_brightness: skin_level / cheek_level,
        }
    }

    /// Whether an open eye shows nothing dark where its iris should be: no pupil, no iris rim,
    /// only something as light as skin (a hand in front of it). A closed eye is left to the
    /// open-eyes check.
    fn covered(&self, face: &FaceImage, iris_px: &[usize], skin_level: f32) -> bool {
        if self.iris.lid_gap < OPEN_FOR_IRIS_OF_EYES_TO_CHIN * face.eyes_to_chin() {
            return false;
        }
        let mut levels: Vec<f32> = iris_px.iter().map(|&i| face.luma[i]).collect();
        if levels.is_empty() {
            return true;
        }
        let rank = levels.len() * DARKEST_RANK_PERCENT / 100;
        let darkest = *levels.select_nth_unstable_by(rank, f32::total_cmp).1;
        darkest >= COVERED_IRIS_OF_SKIN * skin_level
    }

    /// The darkest line down the skin below the eye: for each straight course from the band's
    /// top to its bottom (allowed to stray a little, as hair waves), the mean over the band's
    /// rows of how much darker the course is than the brightest skin a strand's width to either
    /// side, over the skin level. Skin reads near 0 (pores and fine lines are short or run
    /// across); a strand of hair reads its darkness against the skin, whatever the skin's. None
    /// where the band leaves the crop or has no width.
    fn darkest_strand_below(&self, face: &FaceImage, skin_level: f32) -> Option<f32> {
        let ied = face.px_per_ied;
        let side = face.side as i64;
        let (near, reach) = ((STRAND_SIDES.0 * ied).round().max(1.0) as i64, (STRAND_SIDES.1 * ied).round() as i64);
        // Below the eye, within reach of the iris and short of the corners: further in, a
        // glasses frame's rim and the side of the nose run down the skin too.
        let (c, margin) = (self.iris.centre, 0.03 * ied);
        let (left, right) =
            (self.outer_corner.x.min(self.inner_corner.x), self.outer_corner.x.max(self.inner_corner.x));
        let x0 = (left + margin).max(c.x - STRAND_FROM_IRIS * ied).round() as i64;
        let x1 = (right - margin).min(c.x + STRAND_FROM_IRIS * ied).round() as i64;
        let (y0, y1) = ((c.y + STRAND_BAND.0 * ied).round() as i64, (c.y + STRAND_BAND.1 * ied).round() as i64);
        if x0 - reach - STRAND_WAVE_PX < 0
            || x1 + reach + STRAND_WAVE_PX >= side
            || y0 < 0
            || y1 >= side
            || y1 <= y0
            || x1 < x0
        {
            return None;
        }
        let skin = skin_level.max(1.0);
        let luma = |x: i64, y: i64| face.luma[(y * side + x) as usize];
        // Darkness against both sides, per pixel of the band's bounding box.
        let (bx0, bx1) = (x0 - STRAND_WAVE_PX, x1 + STRAND_WAVE_PX);
        let width = (bx1 - bx0 + 1) as usize;
        let darkness: Vec<f32> = (y0..=y1)
            .flat_map(|y| {
                (bx0..=bx1).map(move |x| {
                    let brightest = |offsets: std::ops::RangeInclusive<i64>| {
                        offsets.map(|dx| luma(x + dx, y)).fold(f32::MIN, f32::max)
                    };
                    let sides = brightest(-reach..=-near).min(brightest(near..=reach));
                    ((sides - luma(x, y)) / skin).max(0.0)
                })
            })
            .collect();
        let rows = (y1 - y0 + 1) as usize;
        let drift = (STRAND_DRIFT * ied).round() as i64;
        let mut darkest = 0f32;
        for top in x0..=x1 {
            for shift in (-drift).max(x0 - top)..=drift.min(x1 - top) {
                let mut sum = 0f32;
                for row in 0..rows {
                    let x = top + shift * row as i64 / (rows as i64 - 1).max(1);
                    let from = (x - STRAND_WAVE_PX).clamp(bx0, bx1) - bx0;
                    let to = (x + STRAND_WAVE_PX).clamp(bx0, bx1) - bx0;
                    let line = &darkness[row * width..][from as usize..=to as usize];
                    sum += line.iter().copied().fold(0.0, f32::max);
                }
                darkest = darkest.max(sum / rows as f32);
            }
        }
        Some(darkest)
    }

    /// For each row at the iris's height, the mean luma just beyond the outer corner and just
    /// beyond the inner one (each column's darkest of three rows, since a rim may slope); the
    /// brighter side over the skin level gives the line's darkness. The darkest row wins.
    fn darkest_line_past_corners(&self, face: &FaceImage, skin_level: f32) -> f32 {
        let ied = face.px_per_ied;
        let side = face.side as i64;
        let towards_nose = if self.inner_corner.x > self.outer_corner.x { 1.0 } else { -1.0 };
        let span = |from: f32, to: f32| {
            let (a, b) = (from.min(to).round() as i64, from.max(to).round() as i64);
            (a.max(0)..=b.min(side - 1)).collect::<Vec<i64>>()
        };
        let outer =
            span(self.outer_corner.x - towards_nose * 0.12 * ied, self.outer_corner.x - towards_nose * 0.02 * ied);
        let inner =
            span(self.inner_corner.x + towards_nose * 0.02 * ied, self.inner_corner.x + towards_nose * 0.08 * ied);
        let darkest_of_three = |x: i64, y: i64| {
            (y - 1..=y + 1)
                .filter(|yy| (0..side).contains(yy))
                .map(|yy| face.luma[(yy * side + x) as usize])
                .fold(f32::MAX, f32::min)
        };
        let mean = |columns: &[i64], y: i64| {
            columns.iter().map(|&x| darkest_of_three(x, y)).sum::<f32>() / columns.len().max(1) as f32
        };
        let (c, r) = (self.iris.centre, self.iris.radius);
        let mut darkest = 0f32;
        for y in ((c.y - r).round() as i64).max(1)..=((c.y + r).round() as i64).min(side - 2) {
            if outer.is_empty() || inner.is_empty() {
                break;
            }
            let brighter_side = mean(&outer, y).max(mean(&inner, y));
            darkest = darkest.max(1.0 - brighter_side / skin_level.max(1.0));
        }
        darkest
    }
}

/// The median CIELAB colour of a zone.
fn median_lab(face: &FaceImage, pixels: &[usize]) -> Option<[f64; 3]> {
    if pixels.len() < 20 {
        return None;
    }
    let labs: Vec<[f64; 3]> = pixels.iter().map(|&i| colour::lab(face.rgb[i])).collect();
    let channel = |c: usize| median(&mut labs.iter().map(|l| l[c]).collect::<Vec<f64>>());
    Some([channel(0)?, channel(1)?, channel(2)?])
}

/// Whether `pixel` could be `reference` under other light: near it in CIELAB with lightness
/// differences discounted (shading changes lightness more than hue), or lighter and on the way
/// from its hue towards white (skin and hair shine white).
fn explained_by(pixel: [f64; 3], reference: [f64; 3], lightness_weight: f64) -> bool {
    let (da, db) = (pixel[1] - reference[1], pixel[2] - reference[2]);
    let dl = (pixel[0] - reference[0]) * lightness_weight;
    if (dl * dl + da * da + db * db).sqrt() < EXPLAINED_DELTA_E {
        return true;
    }
    let chroma2 = reference[1] * reference[1] + reference[2] * reference[2];
    let towards_white = ((pixel[1] * reference[1] + pixel[2] * reference[2]) / chroma2.max(1e-9)).clamp(0.0, 1.0);
    let off_line = (pixel[1] - towards_white * reference[1]).hypot(pixel[2] - towards_white * reference[2]);
    // A grey reference has no hue to shine from.
    chroma2 > 25.0 && pixel[0] > reference[0] && off_line < 0.5 * EXPLAINED_DELTA_E
}

/// A zone of fewer crop pixels than this is too small to judge by shares of its colours.
const MIN_ZONE_PIXELS: usize = 50;

/// Share of `zone` that none of `references` explains.
fn unexplained(face: &FaceImage, zone: &[usize], references: &[[f64; 3]], lightness_weight: f64) -> Option<f64> {
    if references.is_empty() {
        return None;
    }
    zone_share(zone, |i| {
        let lab = colour::lab(face.rgb[i]);
        !references.iter().any(|&r| explained_by(lab, r, lightness_weight))
    })
}

/// Share of `zone`'s pixels that `counts`, or None for a zone too small to judge.
fn zone_share(zone: &[usize], counts: impl Fn(usize) -> bool) -> Option<f64> {
    if zone.len() < MIN_ZONE_PIXELS {
        return None;
    }
    Some(zone.iter().filter(|&&i| counts(i)).count() as f64 / zone.len() as f64)
}

/// Skin of the forehead, between the brows and the top of the face oval.
fn forehead(face: &FaceImage) -> Vec<usize> {
    let ied = face.px_per_ied;
    let top = face.point(index::FOREHEAD_TOP);
    let brows = face.point(index::RIGHT_BROW_OVER_EYE.0).midpoint(face.point(index::LEFT_BROW_OVER_EYE.0));
    let (y0, y1) = (top.y + 0.1 * ied, brows.y - 0.08 * ied);
    if y1 <= y0 {
        return Vec::new();
    }
    let rect = face.rect_around(Point::new(top.x, (y0 + y1) / 2.0), 0.3 * ied, (y1 - y0) / 2.0);
    face.indices_in(rect).filter(|&i| face.skin[i]).collect()
}

/// Hair beside the face at the upper temples, outside the face oval: the pixels the person mask
/// holds, so that where the hair is tied back or cut short the background is not taken for hair
/// (it made a pale blue face mask read as explained on four FRLL sitters). A side with too few
/// such pixels gives no reference.
fn temple_hair(face: &FaceImage, person: &PersonMask) -> [Vec<usize>; 2] {
    let ied = face.px_per_ied;
    let (right, left) = face.eye_centres();
    let midline = (right.x + left.x) / 2.0;
    [index::RIGHT_TEMPLE, index::LEFT_TEMPLE].map(|temple| {
        let p = face.point(temple);
        let outward = if p.x < midline { -1.0 } else { 1.0 };
        let rect = face.rect_around(Point::new(p.x + outward * 0.2 * ied, p.y - 0.1 * ied), 0.12 * ied, 0.12 * ied);
        let hair: Vec<usize> = face
            .indices_in(rect)
            .filter(|&i| !face.face[i] && person.at(face.photo_position(i)) > PERSON_MIN_PROBABILITY)
            .collect();
        if hair.len() >= MIN_HAIR_PIXELS { hair } else { Vec::new() }
    })
}

/// Share of the zone above the forehead (0.1 to 0.45 inter-eye distances above the top of the
/// face oval) explained neither by the hair beside the face nor by the skin, or explained by the
/// hair alone but smoother than hair (`HAIR_MIN_GRAIN`).
fn head_covering(face: &FaceImage, hair: &[[f64; 3]], skin: &[[f64; 3]]) -> Option<f64> {
    let ied = face.px_per_ied;
    let top = face.point(index::FOREHEAD_TOP);
    let zone_rect = face.rect_around(Point::new(top.x, top.y - 0.275 * ied), 0.35 * ied, 0.175 * ied);
    if zone_rect.is_empty() || zone_rect.y1 as f32 <= top.y - 0.45 * ied + 1.0 {
        return None;
    }
    let zone: Vec<usize> = face.indices_in(zone_rect).collect();
    if hair.is_empty() && skin.is_empty() {
        return None;
    }
    // Hair's strands show as grain: a plain covering in the hair's colour (a black hat on black
    // hair) is too smooth to be hair. Where the crop enlarges the photo, its interpolation shares
    // each step between photo pixels out over that many crop pixels; the grain is scaled back.
    let enlargement = face.crop_px_per_photo_px.max(1.0);
    zone_share(&zone, |i| {
        let lab = colour::lab(face.rgb[i]);
        let explains = |r: &[f64; 3]| explained_by(lab, *r, HEAD_LIGHTNESS_WEIGHT);
        if skin.iter().any(explains) {
            false
        } else if hair.iter().any(explains) {
            local_grain(face, i) * enlargement < HAIR_MIN_GRAIN
        } else {
            true
        }
    })
}

/// Below this mean luma step between neighbouring crop pixels (`local_grain`; between photo
/// pixels where the crop enlarges the photo), a patch in the hair's colour is too smooth for hair.
const HAIR_MIN_GRAIN: f32 = 0.8;
/// `local_grain` averages over the pixels within this many inter-eye distances either way.
const GRAIN_RADIUS_OF_IED: f32 = 0.03;

/// The mean gamma-encoded luma step between neighbouring pixels, across and down, over the
/// crop pixels around pixel `i` (`GRAIN_RADIUS_OF_IED`): strands of hair step, a plain cloth
/// barely.
fn local_grain(face: &FaceImage, i: usize) -> f32 {
    let side = face.side;
    let radius = (GRAIN_RADIUS_OF_IED * face.px_per_ied).round() as usize;
    let (x, y) = (i % side, i / side);
    let (x0, x1) = (x.saturating_sub(radius), (x + radius).min(side - 2));
    let (y0, y1) = (y.saturating_sub(radius), (y + radius).min(side - 2));
    let mut total = 0.0;
    let mut count = 0;
    for yy in y0..=y1 {
        for xx in x0..=x1 {
            let j = yy * side + xx;
            total += (face.luma[j + 1] - face.luma[j]).abs() + (face.luma[j + side] - face.luma[j]).abs();
            count += 2;
        }
    }
    total / count as f32
}

/// The median colours of the forehead, the nose bridge and the two cheeks (a shiny forehead
/// alone can be mostly highlight).
fn skin_references(face: &FaceImage) -> Vec<[f64; 3]> {
    let ied = face.px_per_ied;
    let bridge = face.point(index::NOSE_BRIDGE);
    let bridge_zone: Vec<usize> = face
        .indices_in(face.rect_around(Point::new(bridge.x, bridge.y + 0.1 * ied), 0.06 * ied, 0.08 * ied))
        .filter(|&i| face.skin[i])
        .collect();
    let [right_cheek, left_cheek] =
        face.cheek_patches().map(|rect| face.indices_in(rect).filter(|&i| face.skin[i]).collect::<Vec<_>>());
    [forehead(face), bridge_zone, right_cheek, left_cheek].iter().filter_map(|z| median_lab(face, z)).collect()
}

/// Skin is reddish yellow (a* and b* above zero); a grey, white or blue cover is not.
fn skin_like(lab: &[f64; 3]) -> bool {
    lab[1] > 4.0 && lab[2] > 4.0
}

/// Share of the lower face's skin (below the nose tip) explained neither by the subject's skin
/// elsewhere nor by their hair (a beard matches it). Skin references are the forehead, the
/// cheeks and the nose bridge, each only where its hue is a skin's, so that a mask pulled up to
/// the cheeks does not become its own reference.
fn face_occlusion(face: &FaceImage, hair: &[[f64; 3]], skin: &[[f64; 3]]) -> Option<f64> {
    let mut references: Vec<[f64; 3]> = skin.iter().copied().filter(skin_like).collect();
    if references.is_empty() {
        return None;
    }
    references.extend_from_slice(hair);
    let nose_tip = face.point(index::NOSE_TIP);
    // Only the rows below the nose tip are read.
    let first_row = ((nose_tip.y.floor() + 1.0).max(0.0) as usize).min(face.side);
    let zone: Vec<usize> = (first_row * face.side..face.side * face.side)
        .filter(|&i| face.skin[i] && (i / face.side) as f32 > nose_tip.y)
        .collect();
    unexplained(face, &zone, &references, FACE_LIGHTNESS_WEIGHT)
}

/// Where a glasses frame's bridge crosses the nose, in inter-eye distances: around the face's
/// midline, from the brows' lower edge to below the eye line (frames sit high and low).
const BRIDGE_HALF_WIDTH: f32 = 0.06;
const BRIDGE_ABOVE_EYES: f32 = 0.35;
const BRIDGE_BELOW_EYES: f32 = 0.2;
/// A frame's line is this thin: half-widths of 0.018 to 0.054 inter-eye distances (1-3 mm).
const LINE_HALF_WIDTHS_PX: std::ops::RangeInclusive<usize> = 2..=6;
/// A bridge line of this contrast is a frame: set on the calibration half of the congress
/// portraits labelled by eye (docs/accuracy.md); deep creases at the root of the nose read as
/// high.
pub const GLASSES_WORN_LINE: f64 = 0.11;

/// The darkest thin line across the nose bridge, over the bridge's median luma: each row's median
/// luma across the bridge, and a row darker than the rows a line's width above and below it both.
/// An edge (a brow's, a shadow's) has one side alike and reads nothing; a frame's bridge, metal or
/// plastic, is a thin dark line (its shadow darkens even a bright one).
fn nose_bridge_line(face: &FaceImage) -> f32 {
    let ied = face.px_per_ied;
    let (right, left) = face.eye_centres();
    let midline = (right.x + left.x) / 2.0;
    let eye_line = (right.y + left.y) / 2.0;
    let last = face.side as f32;
    let at = |v: f32| v.clamp(0.0, last) as usize;
    let (x0, x1) = (at(midline - BRIDGE_HALF_WIDTH * ied), at(midline + BRIDGE_HALF_WIDTH * ied));
    let (y0, y1) = (at(eye_line - BRIDGE_ABOVE_EYES * ied), at(eye_line + BRIDGE_BELOW_EYES * ied));
    if x1 <= x0 {
        return 0.0;
    }
    let profile: Vec<f32> = (y0..y1)
        .filter_map(|row| median(&mut face.luma[row * face.side + x0..row * face.side + x1].to_vec()))
        .collect();
    let Some(level) = median(&mut profile.clone()) else {
        return 0.0;
    };
    let mut darkest = 0f32;
    for s in LINE_HALF_WIDTHS_PX {
        for y in s..profile.len().saturating_sub(s) {
            darkest = darkest.max(profile[y - s].min(profile[y + s]) - profile[y]);
        }
    }
    darkest / level.max(1.0)
}
