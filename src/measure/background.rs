//! The background (requirements section 5): plain, uniform, light, no shadow behind the head, no
//! other people or objects near it. Measured on the scene grid, away from the person mask's edge.

use super::head::HeadOutline;
use super::scene::Scene;
use super::{Finding, median, quality};
use crate::imaging::Point;
use crate::imaging::cells::{reached_from, within_one_cell};

/// A background cell further than this (max over the channels, sRGB levels) from the
/// background's median colour is something else: an object, a pattern, a strong gradient.
const FOREIGN_COLOUR_STEP: f32 = 40.0;
/// A cell whose luminance differs from a neighbour's on the other side by more than this (luma
/// levels across two cells) lies in texture: stray hair, an edge, a pattern. A smooth gradient
/// of 80 levels over a 1244x1600 photo steps about 0.5 levels across two cells.
const SMOOTH_STEP: f32 = 6.0;
/// Fewer background cells than this and the background is not assessed.
const MIN_BACKGROUND_CELLS: usize = 50;
/// Loose hair reaches this far (in head widths) beyond the person mask; background measures
/// start beyond it, so flyaway curls are neither texture, nor objects, nor a shadow.
const LOOSE_HAIR_OF_HEAD_WIDTH: f32 = 0.12;
/// Curls hanging further (long curly hair to the shoulders) are followed as strands joined to
/// the loose hair, up to this far (in head widths) beyond the person mask.
const HAIR_REACH_OF_HEAD_WIDTH: f32 = 0.5;

#[derive(Debug, Clone, PartialEq)]
pub struct BackgroundMeasures {
    /// Median gradient magnitude (Scharr) of the luminance over the background (OFIQ: the mean).
    pub uniformity: Finding,
    /// Mean sRGB level (0..255, mean of the channels).
    pub level: Finding,
    /// Spread between the mean red, green and blue of the background, in sRGB levels.
    pub cast: f64,
    /// How much darker the background is beside the head than elsewhere (0 = not at all).
    pub shadow: Option<Finding>,
    /// The spread of the smooth background's luminance, 5th to 95th percentile (luma levels):
    /// a gradient, a vignette or unevenly lit background widens it.
    pub brightness_range: Option<Finding>,
    /// Fraction of the zone around the head taken by other people or things that differ from the
    /// background.
    pub objects: Option<Finding>,
}

/// The head's extent on the grid: columns and rows, end exclusive.
struct HeadCells {
    left: usize,
    right: usize,
    top: usize,
    bottom: usize,
}

impl HeadCells {
    fn new(scene: &Scene, head: &HeadOutline) -> Self {
        let xs = [head.face_right_side.x, head.face_left_side.x];
        let (left, top) = scene.cell_of(Point::new(xs[0].min(xs[1]), head.crown.y));
        let (right, bottom) = scene.cell_of(Point::new(xs[0].max(xs[1]), head.chin.y));
        HeadCells { left, right: right + 1, top, bottom: bottom + 1 }
    }

    fn width(&self) -> usize {
        self.right - self.left
    }

    /// Cells from the person mask that loose hair may cover.
    fn loose_hair(&self) -> u8 {
        self.cells_of_width(LOOSE_HAIR_OF_HEAD_WIDTH)
    }

    fn hair_reach(&self) -> u8 {
        self.cells_of_width(HAIR_REACH_OF_HEAD_WIDTH)
    }

    /// A share of the head's width in cells, as a distance to the person mask (saturating below
    /// the distance transform's 255).
    fn cells_of_width(&self, share: f32) -> u8 {
        (share * self.width() as f32).round().clamp(0.0, 254.0) as u8
    }
}

/// Whether a cell is darker than the background's `typical` luminance by a `SMOOTH_STEP`, and
/// darker than both its neighbours along a row, a column or a diagonal by half of one: a strand
/// of hair crossing it. The edge of a solid thing (a shadow, a disc, a shoulder) steps one way
/// only; the dark ground between light shapes of a pattern is the background's own level.
fn is_strand(scene: &Scene, i: usize, typical: f32) -> bool {
    let (w, h) = (scene.width, scene.height);
    let (x, y) = (i % w, i / w);
    let at = |j: usize| f32::from(scene.luminance[j]);
    if x == 0 || y == 0 || x + 1 >= w || y + 1 >= h || at(i) > typical - SMOOTH_STEP {
        return false;
    }
    let level = at(i) + SMOOTH_STEP / 2.0;
    [(i - 1, i + 1), (i - w, i + w), (i - w - 1, i + w + 1), (i - w + 1, i + w - 1)]
        .into_iter()
        .any(|(a, b)| level < at(a).min(at(b)))
}

/// Of the background beyond the loose hair, hair hangs over at most this share; strands over
/// more of it are a pattern.
const MAX_HAIR_OF_BACKGROUND: f32 = 0.8;

/// The cells hair may cover: within the loose hair's reach of the person mask, and beyond it,
/// up to the hair's reach, strands joined to it (with the cells beside each strand, so a curl
/// crossing cells at a slant stays joined).
fn hair_cells(scene: &Scene, head: &HeadCells) -> Vec<bool> {
    let (w, h) = (scene.width, scene.height);
    let reach = head.hair_reach();
    let loose: Vec<bool> = scene.distance_to_person.iter().map(|&d| d <= head.loose_hair()).collect();
    let mut beyond: Vec<f32> =
        (0..loose.len()).filter(|&i| scene.background[i] && !loose[i]).map(|i| f32::from(scene.luminance[i])).collect();
    let Some(typical) = median(&mut beyond) else {
        return loose;
    };
    let strands: Vec<bool> = (0..loose.len()).map(|i| !loose[i] && is_strand(scene, i, typical)).collect();
    let near_strand = within_one_cell(&strands, w, h);
    let followable: Vec<bool> =
        (0..loose.len()).map(|i| loose[i] || (near_strand[i] && scene.distance_to_person[i] <= reach)).collect();
    let hair = reached_from(&loose, &followable, w, h);
    let followed = hair.iter().zip(&loose).filter(|&(&hair, &loose)| hair && !loose).count();
    let beyond_loose = loose.iter().filter(|&&covered| !covered).count();
    if followed as f32 > MAX_HAIR_OF_BACKGROUND * beyond_loose as f32 { loose } else { hair }
}

pub fn measure(scene: &Scene, head: &HeadOutline) -> Option<BackgroundMeasures> {
    let head = HeadCells::new(scene, head);
    let hair = hair_cells(scene, &head);
    let clear = |i: usize| scene.background[i] && !hair[i];
    let cells: Vec<usize> = (0..scene.rgb.len()).filter(|&i| clear(i)).collect();
    if cells.len() < MIN_BACKGROUND_CELLS {
        return None;
    }
    let mut sum = [0f64; 3];
    for &i in &cells {
        for (total, &level) in sum.iter_mut().zip(&scene.rgb[i]) {
            *total += f64::from(level);
        }
    }
    let mean = sum.map(|s| s / cells.len() as f64);
    let level = (mean[0] + mean[1] + mean[2]) / 3.0;
    let cast = mean.iter().cloned().fold(f64::MIN, f64::max) - mean.iter().cloned().fold(f64::MAX, f64::min);
    Some(BackgroundMeasures {
        uniformity: uniformity(scene, &clear),
        level: Finding { value: level, quality: None },
        cast,
        shadow: shadow(scene, &head, &clear),
        brightness_range: brightness_range(scene, &clear),
        objects: objects(scene, &head, &cells, &clear),
    })
}

/// The grid cells off the grid's border that are `clear` and whose four neighbours are too, in
/// row order: where a difference across a cell reads the background alone.
fn clear_with_clear_neighbours<'a>(
    scene: &'a Scene,
    clear: &'a dyn Fn(usize) -> bool,
) -> impl Iterator<Item = usize> + 'a {
    let (w, h) = (scene.width, scene.height);
    (1..h.saturating_sub(1))
        .flat_map(move |y| (1..w - 1).map(move |x| y * w + x))
        .filter(move |&i| [i, i - 1, i + 1, i - w, i + w].into_iter().all(clear))
}

/// OFIQ's background uniformity measure on the grid, with the median in place of OFIQ's mean:
/// the Scharr gradient magnitude of the luminance over clear background cells (beyond loose
/// hair) whose neighbours are clear too. The median ignores stray curls that the person mask
/// misses (two FRLL photos with voluminous hair had a mean ten times the typical one); a
/// patterned background raises it, as it covers most cells.
fn uniformity(scene: &Scene, clear: &dyn Fn(usize) -> bool) -> Finding {
    let w = scene.width;
    let at = |x: usize, y: usize| f32::from(scene.luminance[y * w + x]);
    let mut magnitudes: Vec<f32> = clear_with_clear_neighbours(scene, clear)
        .map(|i| {
            let (x, y) = (i % w, i / w);
            let gx = 3.0 * (at(x + 1, y - 1) - at(x - 1, y - 1))
                + 10.0 * (at(x + 1, y) - at(x - 1, y))
                + 3.0 * (at(x + 1, y + 1) - at(x - 1, y + 1));
            let gy = 3.0 * (at(x - 1, y + 1) - at(x - 1, y - 1))
                + 10.0 * (at(x, y + 1) - at(x, y - 1))
                + 3.0 * (at(x + 1, y + 1) - at(x + 1, y - 1));
            gx.hypot(gy)
        })
        .collect();
    let value = f64::from(median(&mut magnitudes).unwrap_or(0.0));
    Finding { value, quality: quality(1.0 - value / 100.0) }
}

/// The 5th to 95th percentile of the luminance over clear background cells (beyond loose hair)
/// whose neighbours are clear and which lie in no texture: stray curls the person mask misses
/// are dark, and would read as a range as wide as a strong gradient's.
fn brightness_range(scene: &Scene, clear: &dyn Fn(usize) -> bool) -> Option<Finding> {
    let w = scene.width;
    let at = |i: usize| f32::from(scene.luminance[i]);
    let mut smooth: Vec<f32> = clear_with_clear_neighbours(scene, clear)
        .filter(|&i| (at(i + 1) - at(i - 1)).abs().max((at(i + w) - at(i - w)).abs()) <= SMOOTH_STEP)
        .map(at)
        .collect();
    if smooth.len() < MIN_BACKGROUND_CELLS {
        return None;
    }
    smooth.sort_by(f32::total_cmp);
    let quantile = |q: f32| smooth[((smooth.len() - 1) as f32 * q).round() as usize];
    let range = f64::from(quantile(0.95) - quantile(0.05));
    Some(Finding { value: range, quality: quality(1.0 - range / 100.0) })
}

/// The darker side beside the head against the rest of the background, in linear light:
/// 1 - median(near side) / median(elsewhere).
fn shadow(scene: &Scene, head: &HeadCells, clear: &dyn Fn(usize) -> bool) -> Option<Finding> {
    let near_cells = head.loose_hair().saturating_add(((0.2 * head.width() as f32).round() as u8).max(3));
    let (mut left, mut right, mut elsewhere) = (Vec::new(), Vec::new(), Vec::new());
    let centre = (head.left + head.right) / 2;
    for i in 0..scene.background.len() {
        if !clear(i) {
            continue;
        }
        let (x, y) = (i % scene.width, i / scene.width);
        let luminance = f32::from(scene.luminance[i]);
        let beside_head = (head.top..head.bottom).contains(&y) && scene.distance_to_person[i] <= near_cells;
        match (beside_head, x < centre) {
            (true, true) => left.push(luminance),
            (true, false) => right.push(luminance),
            (false, _) => elsewhere.push(luminance),
        }
    }
    let minimum = MIN_BACKGROUND_CELLS / 5;
    if elsewhere.len() < minimum {
        return None;
    }
    let reference = median(&mut elsewhere)?.max(1.0);
    let darkest = [left, right]
        .into_iter()
        .filter(|side| side.len() >= minimum)
        .filter_map(|mut side| median(&mut side))
        .fold(None, |acc: Option<f32>, m| Some(acc.map_or(m, |a| a.min(m))))?;
    let darkening = f64::from(1.0 - darkest / reference);
    Some(Finding { value: darkening, quality: quality(1.0 - darkening.max(0.0)) })
}

/// Within a head width either side of the head, from the top edge down to the chin: the share
/// of non-subject cells that are another person or differ from the background's median colour.
fn objects(scene: &Scene, head: &HeadCells, background: &[usize], clear: &dyn Fn(usize) -> bool) -> Option<Finding> {
    let mut channels: [Vec<f32>; 3] = Default::default();
    for &i in background {
        for (channel, &level) in channels.iter_mut().zip(&scene.rgb[i]) {
            channel.push(level);
        }
    }
    let reference = channels.map(|mut values| median(&mut values).unwrap_or(0.0));
    let margin = head.width();
    let (x0, x1) = (head.left.saturating_sub(margin), (head.right + margin).min(scene.width));
    let (mut zone, mut foreign) = (0usize, 0usize);
    for y in 0..head.bottom.min(scene.height) {
        for x in x0..x1 {
            let i = y * scene.width + x;
            if scene.other_people[i] {
                zone += 1;
                foreign += 1;
            } else if clear(i) {
                zone += 1;
                let step = (0..3).map(|c| (scene.rgb[i][c] - reference[c]).abs()).fold(0.0, f32::max);
                if step > FOREIGN_COLOUR_STEP {
                    foreign += 1;
                }
            }
        }
    }
    (zone >= MIN_BACKGROUND_CELLS).then(|| {
        let fraction = foreign as f64 / zone as f64;
        Finding { value: fraction, quality: quality(1.0 - fraction) }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{GrayImage, Luma};
    use imageproc::distance_transform::{Norm, distance_transform};

    const SIDE: usize = 120;
    const BACKGROUND_LEVEL: u8 = 210;

    /// A light grey scene with a person block in the lower middle (columns 40..80, rows 30 on)
    /// and `paint` setting the luminance of other cells.
    fn scene(paint: impl Fn(usize, usize) -> Option<u8>) -> (Scene, HeadCells) {
        let is_person = |x: usize, y: usize| (40..80).contains(&x) && y >= 30;
        let person = GrayImage::from_fn(SIDE as u32, SIDE as u32, |x, y| {
            Luma([if is_person(x as usize, y as usize) { 255 } else { 0 }])
        });
        let distance_to_person = distance_transform(&person, Norm::L2).into_raw();
        let luminance: Vec<u8> = (0..SIDE * SIDE)
            .map(|i| {
                let (x, y) = (i % SIDE, i / SIDE);
                if is_person(x, y) { 90 } else { paint(x, y).unwrap_or(BACKGROUND_LEVEL) }
            })
            .collect();
        let scene = Scene {
            width: SIDE,
            height: SIDE,
            cell_px: 1.0,
            rgb: luminance.iter().map(|&l| [f32::from(l); 3]).collect(),
            luminance,
            other_people: vec![false; SIDE * SIDE],
            other_people_boxes: Vec::new(),
            background: distance_to_person.iter().map(|&d| d > 2).collect(),
            distance_to_person,
        };
        (scene, HeadCells { left: 40, right: 80, top: 30, bottom: 60 })
    }

    fn beyond_loose_hair(scene: &Scene, head: &HeadCells, hair: &[bool], x_range: std::ops::Range<usize>) -> usize {
        (0..hair.len())
            .filter(|&i| hair[i] && x_range.contains(&(i % SIDE)) && scene.distance_to_person[i] > head.loose_hair())
            .count()
    }

    #[test]
    fn curls_joined_to_the_head_are_hair() {
        // Two strands, 1 cell wide, from the person's side up and out to the left.
        let (scene, head) = scene(|x, y| {
            let on_strand = |offset: usize| y >= 40 && y + offset == x + 40 + 10;
            (x < 40 && (on_strand(0) || on_strand(4))).then_some(120)
        });
        let hair = hair_cells(&scene, &head);
        let followed = |i: usize| {
            let distance = scene.distance_to_person[i];
            scene.luminance[i] == 120 && distance > head.loose_hair() && distance <= head.hair_reach()
        };
        let strand_cells = (0..SIDE * SIDE).filter(|&i| followed(i)).count();
        assert!(strand_cells > 20, "the test's strands reach beyond the loose hair");
        let covered = (0..SIDE * SIDE).filter(|&i| followed(i) && hair[i]).count();
        assert!(covered as f32 >= 0.9 * strand_cells as f32, "{covered} of {strand_cells} strand cells taken for hair");
    }

    #[test]
    fn a_solid_thing_touching_the_head_stays_background() {
        // A dark disc beside the head, its edge touching the loose hair's zone.
        let (scene, head) = scene(|x, y| {
            let (dx, dy) = (x as f32 - 18.0, y as f32 - 45.0);
            (dx.hypot(dy) < 16.0).then_some(60)
        });
        let hair = hair_cells(&scene, &head);
        assert_eq!(beyond_loose_hair(&scene, &head, &hair, 0..40), 0);
    }

    #[test]
    fn stripes_over_the_background_are_a_pattern_not_hair() {
        let (scene, head) = scene(|x, _| ((x / 3) % 2 == 0).then_some(170));
        let hair = hair_cells(&scene, &head);
        assert_eq!(beyond_loose_hair(&scene, &head, &hair, 0..SIDE), 0);
    }
}
