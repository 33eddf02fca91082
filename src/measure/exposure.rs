//! Exposure and light on the face (requirements section 4): OFIQ's luminance, exposure, dynamic
//! range and illumination-uniformity measures on the face oval, our own shadow and hot-spot
//! measures on bare skin, and two levels that do not depend on the skin's own tone: the eye
//! whites (whatever the skin, they are light when the exposure is right: a dark photo darkens
//! them) and the pupils (black in any face: a washed-out photo lifts them).

use super::face_image::FaceImage;
use super::face_image::{IRIS_RIM, IrisInCrop};
use super::{Finding, NotMeasured, ofiq_sigmoid, quality};
use crate::models::face_mesh::index;

/// A face pixel at most this luminance is crushed (OFIQ: 0..25).
const UNDER_EXPOSED_MAX: usize = 25;
/// A face pixel at least this luminance is blown (OFIQ: 247..255).
const OVER_EXPOSED_MIN: usize = 247;
/// Skin darker than this fraction of the median skin luminance (in linear light, about 1.3 stops)
/// lies in a shadow.
const SHADOW_OF_MEDIAN: f32 = 0.4;
/// Skin brighter than this multiple of the median skin luminance, and at least `HOT_SPOT_MIN`,
/// is a specular reflection.
const HOT_SPOT_OF_MEDIAN: f32 = 1.8;
const HOT_SPOT_MIN: u8 = 180;

#[derive(Debug, Clone, PartialEq)]
pub struct ExposureMeasures {
    pub luminance_mean: Finding,
    pub luminance_variance: Finding,
    pub under: Finding,
    pub over: Finding,
    pub dynamic_range: Finding,
    pub illumination_uniformity: Option<Finding>,
    pub face_shadows: Option<Finding>,
    pub hot_spots: Option<Finding>,
    /// The eye whites' level (luma 0..255): the 90th percentile of the eye openings outside the
    /// irises, both eyes.
    pub white_level: Result<Finding, NotMeasured>,
    /// The pupils' level (luma 0..255): the lower quartile of the irises' inner half, inside the
    /// eye openings, both eyes.
    pub black_level: Result<Finding, NotMeasured>,
}

/// The pupil zone: this share of the iris radius.
const PUPIL_OF_IRIS: f32 = 0.5;
/// Fewer crop pixels than this and a level is not measured.
const MIN_LEVEL_PIXELS: usize = 12;
/// The eye whites' level is this quantile of theirs: narrowed eyes (a smile) and lashes darken
/// the lower part of the sclera's histogram, not its top. FRLL's compliant photos read 124 and
/// more at the 90th percentile, 93 at the 75th (docs/calibration.md).
const WHITE_QUANTILE: f32 = 0.9;
/// Below this iris radius in photo pixels (an inter-eye distance of about 65 px) the sclera and
/// the pupil are a few pixels blended with lids, lashes and iris: the congress portraits (irises
/// 9-11 px across) read eye whites of 41-100 in well-lit photos.
const MIN_IRIS_RADIUS_PHOTO_PX: f32 = 6.0;

/// Normalised 256-bin histogram of `values` at the `selected` pixels; None when none is selected.
fn histogram(values: &[u8], selected: impl Iterator<Item = usize>) -> Option<[f64; 256]> {
    let mut counts = [0u32; 256];
    let mut total = 0u32;
    for i in selected {
        counts[usize::from(values[i])] += 1;
        total += 1;
    }
    (total > 0).then(|| counts.map(|c| f64::from(c) / f64::from(total)))
}

fn mask_indices(mask: &[bool]) -> impl Iterator<Item = usize> + '_ {
    mask.iter().enumerate().filter(|(_, m)| **m).map(|(i, _)| i)
}

pub fn measure(face: &FaceImage) -> Option<ExposureMeasures> {
    let h = histogram(&face.luminance, mask_indices(&face.face))?;
    let mean: f64 = h.iter().enumerate().map(|(i, p)| p * i as f64 / 255.0).sum();
    let variance: f64 = h.iter().enumerate().map(|(i, p)| p * (i as f64 / 255.0 - mean).powi(2)).sum();
    let under: f64 = h[..=UNDER_EXPOSED_MAX].iter().sum();
    let over: f64 = h[OVER_EXPOSED_MIN..].iter().sum();
    let entropy: f64 = h.iter().filter(|&&p| p > 0.0).map(|p| -p * p.log2()).sum();
    let skin_median = median_skin_luminance(face);

    Some(ExposureMeasures {
        luminance_mean: Finding {
            value: mean,
            quality: quality(ofiq_sigmoid(mean, 0.2, 0.05) * (1.0 - ofiq_sigmoid(mean, 0.8, 0.05))),
        },
        luminance_variance: Finding {
            value: variance,
            quality: quality((60.0 * variance / (60.0 * variance + 1.0) * std::f64::consts::PI).sin()),
        },
        under: Finding { value: under, quality: quality(1.0 - under) },
        over: Finding { value: over, quality: quality(1.0 - over) },
        dynamic_range: Finding { value: entropy, quality: quality(0.125 * entropy) },
        illumination_uniformity: illumination_uniformity(face),
        face_shadows: skin_median.and_then(|median| face_shadows(face, median)),
        hot_spots: skin_median
            .map(|median| skin_fraction(face, |y| y > (HOT_SPOT_OF_MEDIAN * median).max(f32::from(HOT_SPOT_MIN)))),
        white_level: eye_level(face, WHITE_QUANTILE, |p| {
            !face.right_iris.covers(p, IRIS_RIM) && !face.left_iris.covers(p, IRIS_RIM)
        })
        .map(|level| Finding { value: level, quality: quality((level - 60.0) / 100.0) }),
        black_level: eye_level(face, 0.25, |p| {
            face.right_iris.covers(p, PUPIL_OF_IRIS) || face.left_iris.covers(p, PUPIL_OF_IRIS)
        })
        .map(|level| Finding { value: level, quality: quality(1.0 - (level - 30.0) / 100.0) }),
    })
}

/// The `quantile` of the luma inside the eye openings at the pixels `select` keeps.
fn eye_level(
    face: &FaceImage,
    quantile: f32,
    select: impl Fn(crate::imaging::Point) -> bool,
) -> Result<f64, NotMeasured> {
    let iris_radius = |iris: &IrisInCrop| iris.radius / face.crop_px_per_photo_px;
    if iris_radius(&face.right_iris).min(iris_radius(&face.left_iris)) < MIN_IRIS_RADIUS_PHOTO_PX {
        return Err(NotMeasured::EyesTooSmall);
    }
    let mut levels: Vec<f32> =
        mask_indices(&face.eyes).filter(|&i| select(face.pixel_centre(i))).map(|i| face.luma[i]).collect();
    if levels.len() < MIN_LEVEL_PIXELS {
        return Err(NotMeasured::RegionNotVisible);
    }
    let k = ((levels.len() - 1) as f32 * quantile).round() as usize;
    Ok(f64::from(*levels.select_nth_unstable_by(k, f32::total_cmp).1))
}

/// OFIQ: the intersection of the luminance histograms of the two cheek zones (1 = lit alike).
fn illumination_uniformity(face: &FaceImage) -> Option<Finding> {
    let [right, left] = face.cheek_patches();
    let in_face = |rect| face.indices_in(rect).filter(|&i| face.face[i]);
    let right = histogram(&face.luminance, in_face(right))?;
    let left = histogram(&face.luminance, in_face(left))?;
    let intersection: f64 = right.iter().zip(&left).map(|(a, b)| a.min(*b)).sum();
    Some(Finding { value: intersection, quality: quality(intersection.powf(0.3)) })
}

/// The share of bare skin in shadow, less a fringe: dark hair over the forehead is no shadow,
/// and where it hangs the forehead is not bare skin.
fn face_shadows(face: &FaceImage, median: f32) -> Option<Finding> {
    let dark: Vec<bool> = (0..face.skin.len())
        .map(|i| face.skin[i] && f32::from(face.luminance[i]) < SHADOW_OF_MEDIAN * median)
        .collect();
    let brows_bottom = index::RIGHT_BROW.iter().chain(index::LEFT_BROW).map(|&i| face.point(i).y).fold(0.0, f32::max);
    let fringe = fringe(face.side, &face.face, &dark, brows_bottom);
    let bare = (0..dark.len()).filter(|&i| face.skin[i] && !fringe[i]).count();
    let shadowed = (0..dark.len()).filter(|&i| dark[i] && !fringe[i]).count();
    (bare > 0).then(|| {
        let fraction = shadowed as f64 / bare as f64;
        Finding { value: fraction, quality: quality(1.0 - fraction) }
    })
}

/// The `dark` pixels of a `side` x `side` crop above row `brows_y` that hang from the top edge of
/// the `face` oval: hair over the forehead. They are the part above the brows of the dark regions
/// joined (eight-connected) to that edge, where most of those regions together lie above the
/// brows; mostly below them they are a shadow cast from the side over the forehead and a cheek,
/// and hair at its top is not told apart.
fn fringe(side: usize, face: &[bool], dark: &[bool], brows_y: f32) -> Vec<bool> {
    let regions = crate::imaging::cells::regions(dark, side, side);
    let top_edge = (0..side).filter_map(|x| (0..side).map(|y| y * side + x).find(|&i| face[i]));
    let mut hanging: Vec<u32> = top_edge.map(|i| regions[i]).filter(|&label| label != 0).collect();
    hanging.sort_unstable();
    hanging.dedup();
    let above = |i: usize| ((i / side) as f32) < brows_y;
    let hangs = |label: &u32| hanging.binary_search(label).is_ok();
    let (count_above, count_below) = regions
        .iter()
        .enumerate()
        .filter(|(_, label)| hangs(label))
        .fold((0usize, 0usize), |(a, b), (i, _)| if above(i) { (a + 1, b) } else { (a, b + 1) });
    let is_fringe = count_above >= count_below;
    regions.iter().enumerate().map(|(i, label)| is_fringe && above(i) && hangs(label)).collect()
}

fn median_skin_luminance(face: &FaceImage) -> Option<f32> {
    let mut skin: Vec<u8> = mask_indices(&face.skin).map(|i| face.luminance[i]).collect();
    let count = skin.len();
    (count > 0).then(|| f32::from(*skin.select_nth_unstable(count / 2).1))
}

/// The fraction of skin pixels whose luminance meets `test`.
fn skin_fraction(face: &FaceImage, test: impl Fn(f32) -> bool) -> Finding {
    let (hits, count) = mask_indices(&face.skin)
        .fold((0usize, 0usize), |(hits, count), i| (hits + usize::from(test(f32::from(face.luminance[i]))), count + 1));
    let fraction = hits as f64 / count.max(1) as f64;
    Finding { value: fraction, quality: quality(1.0 - fraction) }
}

#[cfg(test)]
mod tests {
    use super::fringe;

    const SIDE: usize = 40;

    /// A face oval filling columns 5..35 from row 5 down, dark where `dark` says.
    fn masks(dark: impl Fn(usize, usize) -> bool) -> (Vec<bool>, Vec<bool>) {
        let face: Vec<bool> = (0..SIDE * SIDE).map(|i| (5..35).contains(&(i % SIDE)) && i / SIDE >= 5).collect();
        let dark = (0..SIDE * SIDE).map(|i| face[i] && dark(i % SIDE, i / SIDE)).collect();
        (face, dark)
    }

    #[test]
    fn hair_hanging_from_the_top_is_a_fringe() {
        // A fringe over the forehead, with a thin lock down one temple to the jaw.
        let (face, dark) = masks(|x, y| (y < 14 && (10..30).contains(&x)) || x == 10);
        let fringe = fringe(SIDE, &face, &dark, 16.0);
        for (i, &in_fringe) in fringe.iter().enumerate() {
            assert_eq!(in_fringe, dark[i] && i / SIDE < 16, "pixel ({}, {})", i % SIDE, i / SIDE);
        }
    }

    #[test]
    fn a_shadow_from_the_side_and_a_patch_on_the_forehead_are_no_fringe() {
        let side_shadow = |x: usize, _: usize| x < 12;
        let patch = |x: usize, y: usize| (18..24).contains(&x) && (8..12).contains(&y);
        let (face, dark) = masks(|x, y| side_shadow(x, y) || patch(x, y));
        assert!(dark.iter().any(|&d| d));
        assert!(fringe(SIDE, &face, &dark, 16.0).iter().all(|&f| !f));
    }
}
