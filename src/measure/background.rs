//! The background (requirements section 5): plain, uniform, light, no shadow behind the head, no
//! other people or objects near it or entering at the sides. Measured on the scene grid, away from
//! the person mask's edge.

use std::collections::{BTreeMap, BTreeSet};

use image::RgbImage;

use super::head::HeadOutline;
use super::scene::Scene;
use super::{Finding, median, quality};
use crate::imaging::Point;
use crate::imaging::cells::{reached_from, regions, within_one_cell};

/// A background cell further than this (max over the channels, sRGB levels) from the
/// background's median colour is something else: an object, a pattern, a strong gradient.
const FOREIGN_COLOUR_STEP: f32 = 40.0;
/// A cell whose luminance differs from a neighbour's on the other side by more than this (the
/// scene's luminance, linear light, 0..255, across two cells) lies in texture: stray hair, an
/// edge, a pattern. A smooth gradient of 80 levels over a 1244x1600 photo steps about 0.5 levels
/// across two cells.
const SMOOTH_STEP: f32 = 6.0;
/// A flat cell's neighbours `FLAT_SPAN_OF_IED` away on either side, across and down, differ by
/// less than this in the scene's luminance (linear light, 0..255): no shading or edge runs
/// through it.
const FLAT_STEP: f32 = 3.0;
/// The span of that comparison, in inter-eye distances.
const FLAT_SPAN_OF_IED: f32 = 1.0 / 40.0;
/// A flat cell's pixels differ from their neighbours by less than this on average, in
/// gamma-encoded luma (0..255): a painted object or a plain garment, not the strands of hair.
const FLAT_GRAIN: f32 = 2.5;
/// The grain is read between pixels this many inter-eye distances apart (at least one pixel): one
/// pixel at the 360 px between the eyes of a 1244x1600 photo, where it was set, and the same
/// share of the face on a larger photo, whose strands span more pixels.
const GRAIN_STEP_OF_IED: f32 = 1.0 / 360.0;
/// The strip along each side edge of the photo where things entering a lower corner are looked
/// for, as a share of the photo's width.
const SIDE_STRIP_OF_WIDTH: f32 = 0.06;
/// The background's level at a height (`background_by_row`) is read from clear cells within this
/// many levels (max over the channels, sRGB) of the background's median colour: a white shirt on
/// a light grey background lies 25-40 levels above it (FRLL), and where it covers most of a row's
/// clear cells it would otherwise set the level itself and nothing beside it would be lighter.
/// On the calibration half 20 and 25 find the same people behind (at the right 25 of 30, 24 at
/// 40) and no compliant photo reads above 0 with either.
const BACKGROUND_LEVEL_COLOUR_STEP: f32 = 25.0;
/// A cell brighter than the background at its height (`background_by_row`) by more than this
/// (linear light, 0..255) is lighter than the background: a white shirt, a lamp. A white shirt
/// on a light grey backdrop lies only 10-40 over it, least where shaded. On the calibration
/// half's compliant photos the background's own lit patches and the subject's clothes reach it
/// but never as a region that `side_objects` counts; at 15 two do (up to 0.049, against a bound
/// of 0.05). With each calibration subject given all eight people behind, those found are 316
/// and 302 of 352 a side at 30, 327 and 311 at 25, 334 and 318 at 20 (docs/calibration.md).
const LIGHTER_STEP: f32 = 20.0;
/// A region whose top edge within the side strip falls towards the photo's side by more than
/// this (rows per column) is the subject's shoulder, and its flat parts are not judged on their
/// own: three congress portraits' suits fall by 0.28-0.62 there, a thing joined to the subject's
/// hair or neck further in lies level (the harness's dark discs, -0.06 to 0.06).
const MAX_FALL_OF_A_WHOLE: f32 = 0.15;
/// A lighter region whose top, where the background lies just above it, lies lower than its top
/// nearer the photo's side by more than this many inter-eye distances is a thing of its own beside
/// the subject (another person's shoulder, rounded and highest some way in from the edge, with the
/// background between it and the subject): the subject's own shirt rises from the side towards
/// the neck, and where it falls again (the neckline) the neck lies above it. On the calibration
/// half's compliant photos (1244x1600) such a fall reads 0, with another person standing behind
/// up to 0.29 (29 of 60 placements above 0.05).
const MIN_FALL_UNDER_BACKGROUND_OF_IED: f32 = 0.05;
/// A lighter region whose top within the side strip lies higher than this many inter-eye
/// distances above the chin stands beside the face (beside the mouth or higher), where the
/// subject's own clothes do not reach at the photo's side: it counts with the grain of a plain
/// garment, whichever way its top runs (another person's shoulder, highest some way in from the
/// edge). On the calibration half's compliant photos (1244x1600) the highest such top lies 0.04
/// above the chin (FRLL 062's own shoulder). With each calibration subject given all eight people
/// behind (352 placements a side), those found at the left are 325 without this and 334 with it;
/// 0.2 to 0.7 find about as many (docs/calibration.md), and 0.5 leaves room for a small child's
/// shoulders under a short neck.
const BESIDE_THE_FACE_ABOVE_CHIN_OF_IED: f32 = 0.5;
/// Below the chin a lighter region whose top edge rises towards the side counts where its top
/// within the side strip lies less than this many inter-eye distances below the chin: another
/// person's shoulder at the chin's height. The subject's own clothes lie lower there, or fall
/// towards the side: on the calibration half's compliant photos (1244x1600) the highest rising
/// one lies 0.18 below the chin (Canada 049's striped shirt). With each calibration subject given
/// all eight people behind, those found at the right are 305 of 352 without this and 318 with
/// it; 0.05 to 0.2 find about as many (docs/calibration.md), and 0.1 keeps about half the
/// distance to that shirt.
const AT_THE_CHIN_BELOW_IT_OF_IED: f32 = 0.1;
/// The background's level at a height is read over the rows within this many inter-eye distances
/// above and below.
const BACKGROUND_BAND_OF_IED: f32 = 0.25;
/// A flat part of an off-colour region joined to hair hanging from above is a thing of its own
/// where the background's colour, or a cell outside the person mask, lies within this many
/// inter-eye distances above its top in most of its columns within the side strip: a soft edge
/// (a thing out of focus behind the subject) is not flat for about that far, while a flat patch
/// of the hair itself has more hair above it. On the calibration half any reach from 0.1 to 0.5
/// gives the same verdicts.
const REACH_ABOVE_OF_IED: f32 = 0.2;
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
    /// None where no background cell has background all round (strips of it only).
    pub uniformity: Option<Finding>,
    /// Mean sRGB level (0..255, mean of the channels).
    pub level: Finding,
    /// Spread between the mean red, green and blue of the background, in sRGB levels.
    pub cast: f64,
    /// How much darker the background is beside the head than elsewhere (0 = not at all).
    pub shadow: Option<Finding>,
    /// The spread of the smooth background's luminance, 5th to 95th percentile (linear light,
    /// 0..255): a gradient, a vignette or unevenly lit background widens it.
    pub brightness_range: Option<Finding>,
    /// Fraction of the zone around the head taken by other people or things that differ from the
    /// background.
    pub objects: Option<Finding>,
    /// Share of the strips along the photo's side edges, over the inter-eye distance from the
    /// chin up or (lighter things standing apart or rising from the chin's height) any stretch as
    /// tall further down, taken by something entering a lower corner: lighter than the
    /// background, or held by the person mask, flat and off the background's colour, and with
    /// its top edge rising towards the photo's side (not the subject's shoulder, which falls away
    /// from the neck, nor hair) or (lighter things) standing there from higher up or beside the
    /// mouth, or apart from the subject, with background between. None where the face leaves no
    /// room beside it.
    pub side_objects: Option<Finding>,
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

/// `photo` is the photo the scene was made from, at full resolution.
pub fn measure(photo: &RgbImage, scene: &Scene, outline: &HeadOutline) -> Option<BackgroundMeasures> {
    let head = HeadCells::new(scene, outline);
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
    let reference = median_colour(scene, &cells);
    let level = (mean[0] + mean[1] + mean[2]) / 3.0;
    let cast = mean.iter().cloned().fold(f64::MIN, f64::max) - mean.iter().cloned().fold(f64::MAX, f64::min);
    Some(BackgroundMeasures {
        uniformity: uniformity(scene, &clear),
        level: Finding { value: level, quality: None },
        cast,
        shadow: shadow(scene, &head, &clear),
        brightness_range: brightness_range(scene, &clear),
        objects: objects(scene, &head, reference, &clear),
        side_objects: side_objects(photo, scene, outline, reference, &clear),
    })
}

/// The median of each channel over `cells`.
fn median_colour(scene: &Scene, cells: &[usize]) -> [f32; 3] {
    let mut channels: [Vec<f32>; 3] = Default::default();
    for &i in cells {
        for (channel, &level) in channels.iter_mut().zip(&scene.rgb[i]) {
            channel.push(level);
        }
    }
    channels.map(|mut values| median(&mut values).unwrap_or(0.0))
}

/// The largest step of any channel between `rgb` and `reference`.
fn colour_step(rgb: &[f32; 3], reference: [f32; 3]) -> f32 {
    (0..3).map(|c| (rgb[c] - reference[c]).abs()).fold(0.0, f32::max)
}

/// See `BackgroundMeasures::side_objects`. Beside the face (beyond its sides and a tenth of the
/// inter-eye distance), from one and a half inter-eye distances above the chin down, two kinds of
/// cells form regions: those lighter than the background at their height, whether the person mask
/// holds them or not (a white shirt, which the mask may take for the subject's or miss), and
/// those the mask holds that are off the background's colour (hair, skin, dark clothes, things);
/// the flat cells among the latter form regions of their own too (a thing that touches the
/// subject's hair).
/// A region counts where it covers the side strip between one inter-eye distance above the chin
/// and the chin if it enters (`Region::enters`); below the chin, where the subject's own clothes
/// fill the corners, only a lighter region standing apart or rising towards the side from the
/// chin's height does, over the most covered stretch of the strip as tall as that from one
/// inter-eye distance above the chin down.
fn side_objects(
    photo: &RgbImage,
    scene: &Scene,
    head: &HeadOutline,
    reference: [f32; 3],
    clear: &dyn Fn(usize) -> bool,
) -> Option<Finding> {
    let (w, h) = (scene.width, scene.height);
    let ied = head.inter_eye_distance_px();
    let span = ((FLAT_SPAN_OF_IED * ied / scene.cell_px).round() as usize).max(1);
    let reach_above = ((REACH_ABOVE_OF_IED * ied / scene.cell_px).round() as usize).max(1);
    let min_fall_under_background = MIN_FALL_UNDER_BACKGROUND_OF_IED * ied / scene.cell_px;
    let grain_step = ((GRAIN_STEP_OF_IED * ied).round() as usize).max(1);
    let at = |i: usize| f32::from(scene.luminance[i]);
    let off_colour =
        |i: usize| scene.distance_to_person[i] == 0 && colour_step(&scene.rgb[i], reference) > FOREIGN_COLOUR_STEP;
    let flat = |x: usize, y: usize| {
        let i = y * w + x;
        x >= span
            && y >= span
            && x + span < w
            && y + span < h
            && (at(i - span) - at(i + span)).abs().max((at(i - span * w) - at(i + span * w)).abs()) < FLAT_STEP
            && grain(photo, scene, x, y, grain_step) < FLAT_GRAIN
    };
    let row_of = |y_px: f32| ((y_px / scene.cell_px).max(0.0) as usize).min(h);
    let first_row = row_of(head.chin.y - 1.5 * ied);
    let band = ((BACKGROUND_BAND_OF_IED * ied / scene.cell_px).round() as usize).max(1);
    // The background's own colour only: a white shirt of someone behind, which the person mask
    // leaves out, may cover most of the background in the rows beside it.
    let of_background_colour =
        |i: usize| clear(i) && colour_step(&scene.rgb[i], reference) <= BACKGROUND_LEVEL_COLOUR_STEP;
    let background_level = background_by_row(scene, &of_background_colour, first_row, band);
    let lighter = |i: usize| background_level[i / w].is_some_and(|level| at(i) > level + LIGHTER_STEP);
    let strip_rows = row_of(head.chin.y - ied)..row_of(head.chin.y);
    let beside_the_face_row = row_of(head.chin.y - BESIDE_THE_FACE_ABOVE_CHIN_OF_IED * ied);
    let at_the_chin_row = row_of(head.chin.y + AT_THE_CHIN_BELOW_IT_OF_IED * ied);
    let strip_columns = ((SIDE_STRIP_OF_WIDTH * w as f32).round() as usize).max(1);
    let face_x = [head.face_right_side.x, head.face_left_side.x];
    let margin = 0.1 * ied;
    let left_end = (((face_x[0].min(face_x[1]) - margin) / scene.cell_px).max(0.0) as usize).min(w);
    let right_start = (((face_x[0].max(face_x[1]) + margin) / scene.cell_px).ceil().max(0.0) as usize).min(w);
    // The columns beside the face on each side, from the photo's edge inwards.
    let sides: [Vec<usize>; 2] = [(0..left_end).collect(), (right_start..w).rev().collect()];
    // The two sides' columns never meet (the face lies between them): one labelling serves both.
    // Lighter things and off-colour ones are labelled apart: a white shirt that touches dark hair
    // is still a white shirt.
    let mut lighter_cells = vec![false; w * h];
    let mut off_colour_cells = vec![false; w * h];
    let mut flat_off_colour_cells = vec![false; w * h];
    for &x in sides.iter().flatten() {
        for y in first_row..h {
            let i = y * w + x;
            lighter_cells[i] = lighter(i);
            off_colour_cells[i] = !lighter_cells[i] && off_colour(i);
            flat_off_colour_cells[i] = off_colour_cells[i] && flat(x, y);
        }
    }
    let off_colour_labels = regions(&off_colour_cells, w, h);
    let last_off_colour_label = off_colour_labels.iter().copied().max().unwrap_or(0);
    let labels: Vec<u32> = regions(&lighter_cells, w, h)
        .into_iter()
        .zip(off_colour_labels)
        .map(|(light, off)| if light != 0 { last_off_colour_label + light } else { off })
        .collect();
    // The flat parts of off-colour regions form regions of their own too: a plain thing that
    // touches the subject's hanging hair is still a plain thing (the cells along its border are
    // not flat, so it parts from the hair there).
    let last_label = labels.iter().copied().max().unwrap_or(0);
    let flat_labels: Vec<u32> =
        regions(&flat_off_colour_cells, w, h).into_iter().map(|l| if l != 0 { last_label + l } else { 0 }).collect();
    let mut worst: Option<f32> = None;
    for columns in &sides {
        let strip = &columns[..strip_columns.min(columns.len())];
        let strip_cells = strip.len() * strip_rows.len();
        if strip_cells == 0 {
            continue;
        }
        let mut found: BTreeMap<u32, Region> = BTreeMap::new();
        for (from_edge, &x) in columns.iter().enumerate() {
            for y in first_row..h {
                let i = y * w + x;
                for label in [labels[i], flat_labels[i]] {
                    if label != 0 {
                        let lighter = label > last_off_colour_label && label <= last_label;
                        let part_of = (label > last_label).then_some(labels[i]);
                        let region =
                            found.entry(label).or_insert_with(|| Region { lighter, part_of, ..Region::default() });
                        region.top.entry(from_edge).or_insert(y);
                        region.cells += 1;
                        region.flat_cells += usize::from(flat_off_colour_cells[i]);
                    }
                }
            }
        }
        // Only a lighter region standing in the strip from the first row down, or beside the
        // face, needs its grain.
        let standing = labels_where(&found, |region| {
            region.lighter && region.stands_beside_the_face(first_row, strip_columns, beside_the_face_row)
        });
        for &x in strip {
            for y in first_row..h {
                let label = labels[y * w + x];
                if standing.contains(&label)
                    && let Some(region) = found.get_mut(&label)
                {
                    region.cells_at_the_side += 1;
                    region.smooth_cells_at_the_side += usize::from(grain(photo, scene, x, y, grain_step) < FLAT_GRAIN);
                }
            }
        }
        // Flat parts are judged on their own only within regions that hang from above the first
        // row (hair, which `rises_towards_the_side` turns down whole, with something joined to
        // it) or whose top within the strip does not fall towards the side (a thing joined to the
        // hair or neck further in, which spoils the whole's fit there; not a shoulder), and by
        // what lies just above their top in the strip: the background, or more hair (a flat patch
        // of the hair itself).
        let judged_by_parts = labels_where(&found, |region| {
            region.part_of.is_none()
                && (reaches_first_row(&region.top, first_row, strip_columns)
                    || top_slope(&region.top, first_row, strip_columns)
                        .is_some_and(|slope| slope > -MAX_FALL_OF_A_WHOLE))
        });
        for region in
            found.values_mut().filter(|region| region.part_of.is_some_and(|whole| judged_by_parts.contains(&whole)))
        {
            for (&from_edge, &top) in region.top.range(..strip_columns) {
                region.tops_at_the_side += 1;
                let x = columns[from_edge];
                if (top.saturating_sub(reach_above)..top).any(|y| {
                    let i = y * w + x;
                    scene.distance_to_person[i] > 0 || colour_step(&scene.rgb[i], reference) <= FOREIGN_COLOUR_STEP
                }) {
                    region.tops_under_background += 1;
                }
            }
        }
        for region in found.values_mut().filter(|region| region.lighter) {
            region.fall_under_background = fall_under_background(&region.top, |from_edge, row| {
                row > 0 && clear((row - 1) * w + columns[from_edge])
            });
        }
        let entering = labels_where(&found, |region| {
            region.enters(first_row, strip_columns, beside_the_face_row, min_fall_under_background)
        });
        // Below the chin the subject's own clothes fill the lower corners, their top near level:
        // there only a lighter thing standing apart from them counts, or one rising towards the
        // side from the chin's height.
        let below_the_chin = labels_where(&found, |region| {
            region.stands_apart(min_fall_under_background)
                || (region.lighter
                    && rises_towards_the_side(&region.top, first_row, strip_columns)
                    && top_in_strip_above(&region.top, strip_columns, at_the_chin_row))
        });
        let covered_in_row = |y: usize| {
            let counted = if y < strip_rows.end { &entering } else { &below_the_chin };
            strip
                .iter()
                .filter(|&&x| counted.contains(&labels[y * w + x]) || counted.contains(&flat_labels[y * w + x]))
                .count()
        };
        // The most covered stretch of the strip's height from its top down to the photo's bottom.
        let covered_by_row: Vec<usize> = (strip_rows.start..h).map(covered_in_row).collect();
        let covered = covered_by_row
            .windows(strip_rows.len().max(1))
            .map(|stretch| stretch.iter().sum::<usize>())
            .max()
            .unwrap_or(0);
        let share = covered as f32 / strip_cells as f32;
        worst = Some(worst.map_or(share, |worse: f32| worse.max(share)));
    }
    let share = f64::from(worst?);
    Some(Finding { value: share, quality: quality(1.0 - share) })
}

/// Per grid row from `first_row` down, the clear background's median luminance over the rows
/// within `band` of it: the background at that height, which follows a gradient from top to
/// bottom (lit towards the bottom, it would otherwise read as something lighter at the sides),
/// where a light thing over less than half of those rows' background moves it only a little.
/// None above `first_row` and where fewer than `MIN_BACKGROUND_CELLS` / 5 cells in those rows are
/// clear.
fn background_by_row(scene: &Scene, clear: &dyn Fn(usize) -> bool, first_row: usize, band: usize) -> Vec<Option<f32>> {
    let (w, h) = (scene.width, scene.height);
    let top = first_row.saturating_sub(band);
    let histograms: Vec<[u32; 256]> = (top..h)
        .map(|y| {
            let mut histogram = [0u32; 256];
            for i in (y * w..(y + 1) * w).filter(|&i| clear(i)) {
                histogram[usize::from(scene.luminance[i])] += 1;
            }
            histogram
        })
        .collect();
    let histogram_of = |y: usize| &histograms[y - top];
    // The window's histogram slides down a row at a time: the row entering added, the row
    // leaving taken away.
    let mut window = [0u32; 256];
    for y in top..(first_row + band).min(h) {
        window.iter_mut().zip(histogram_of(y)).for_each(|(total, count)| *total += count);
    }
    let mut levels = vec![None; h];
    for (y, level) in levels.iter_mut().enumerate().skip(first_row) {
        if y + band < h {
            window.iter_mut().zip(histogram_of(y + band)).for_each(|(total, count)| *total += count);
        }
        if y > band && y - band > top {
            window.iter_mut().zip(histogram_of(y - band - 1)).for_each(|(total, count)| *total -= count);
        }
        let count: u32 = window.iter().sum();
        if (count as usize) < MIN_BACKGROUND_CELLS / 5 {
            continue;
        }
        let mut below = 0;
        *level = window
            .iter()
            .position(|&n| {
                below += n;
                2 * below >= count
            })
            .map(|level| level as f32);
    }
    levels
}

/// An off-colour or lighter region beside the face, or a flat part of an off-colour one, as
/// `side_objects` sees it.
#[derive(Default)]
struct Region {
    /// Its top row in each column, by the column's distance from the photo's edge.
    top: BTreeMap<usize, usize>,
    cells: usize,
    flat_cells: usize,
    /// Lighter than the background rather than off its colour.
    lighter: bool,
    /// Of a lighter region's cells within the side strip's columns, how many, and how many of
    /// them have the pixels' grain of a plain garment rather than of hair: counted only where it
    /// stands beside the face (`stands_beside_the_face`).
    cells_at_the_side: usize,
    smooth_cells_at_the_side: usize,
    /// A flat part of an off-colour region, labelled on its own: that region's label.
    part_of: Option<u32>,
    /// Of a flat part's columns within the side strip, how many, and in how many of them the
    /// background's colour or a cell outside the mask lies within `REACH_ABOVE_OF_IED` above its
    /// top: counted only for parts of regions hanging from above the first row.
    tops_at_the_side: usize,
    tops_under_background: usize,
    /// Of a lighter region: `fall_under_background`, in rows.
    fall_under_background: usize,
}

impl Region {
    /// Whether it is lighter than the background and its top falls inwards under the background by
    /// more than `min_fall_under_background` rows: it stands apart from the subject.
    fn stands_apart(&self, min_fall_under_background: f32) -> bool {
        self.lighter && self.fall_under_background as f32 > min_fall_under_background
    }

    /// Whether its top within the side strip lies at the first row (it goes on above it) or above
    /// `beside_the_face_row` (beside the mouth or higher), where the subject's own clothes do not
    /// reach at the photo's side.
    fn stands_beside_the_face(&self, first_row: usize, strip_columns: usize, beside_the_face_row: usize) -> bool {
        reaches_first_row(&self.top, first_row, strip_columns)
            || top_in_strip_above(&self.top, strip_columns, beside_the_face_row)
    }

    /// Whether it is something entering beside the subject. Off-colour: if at least half its
    /// cells are flat (not hair) and its top edge near the side rises towards it
    /// (`rises_towards_the_side`: not the subject's shoulder, not hair hanging from above).
    /// A flat part of an off-colour region hanging from above or level at the side: the same,
    /// and only where the background lies just above its top in most of its columns within the
    /// strip.
    /// Lighter than the background: if its top edge rises towards the side, or if it stands beside
    /// the face within the side strip (up to the first row, or with its top there beside the
    /// mouth or higher) with the pixels' grain of a plain garment there at least half the time
    /// (white or fair hair hangs from the head too, but in strands), or if its top falls inwards
    /// under the background by more than `min_fall_under_background` rows (it stands apart from
    /// the subject). The subject's own white shirt lies lower, its top level or falling towards
    /// the side.
    fn enters(
        &self,
        first_row: usize,
        strip_columns: usize,
        beside_the_face_row: usize,
        min_fall_under_background: f32,
    ) -> bool {
        if self.lighter {
            (self.stands_beside_the_face(first_row, strip_columns, beside_the_face_row)
                && 2 * self.smooth_cells_at_the_side >= self.cells_at_the_side)
                || rises_towards_the_side(&self.top, first_row, strip_columns)
                || self.stands_apart(min_fall_under_background)
        } else {
            2 * self.flat_cells >= self.cells
                && (self.part_of.is_none() || 2 * self.tops_under_background > self.tops_at_the_side)
                && rises_towards_the_side(&self.top, first_row, strip_columns)
        }
    }
}

/// How far (rows) a region's top, in a column where `background_above` holds for it, lies below
/// the highest top of the columns nearer the photo's edge, at most: a region standing apart from
/// the subject, with background between, falls inwards under the background; the subject's own
/// clothes rise inwards to the neck.
fn fall_under_background(top: &BTreeMap<usize, usize>, background_above: impl Fn(usize, usize) -> bool) -> usize {
    let mut highest: Option<usize> = None;
    let mut fall = 0;
    for (&from_edge, &row) in top {
        if let Some(highest) = highest
            && background_above(from_edge, row)
        {
            fall = fall.max(row.saturating_sub(highest));
        }
        highest = Some(highest.map_or(row, |highest| highest.min(row)));
    }
    fall
}

/// The labels of the regions in `found` that `keep` holds for.
fn labels_where(found: &BTreeMap<u32, Region>, keep: impl Fn(&Region) -> bool) -> BTreeSet<u32> {
    found.iter().filter(|(_, region)| keep(region)).map(|(&label, _)| label).collect()
}

/// Whether a region's top edge lies above `row` in some column within the side strip.
fn top_in_strip_above(top: &BTreeMap<usize, usize>, strip_columns: usize, row: usize) -> bool {
    top.range(..strip_columns).any(|(_, &top_row)| top_row < row)
}

/// Whether a region's top edge lies at `first_row` within the side strip: it goes on above it.
fn reaches_first_row(top: &BTreeMap<usize, usize>, first_row: usize, strip_columns: usize) -> bool {
    top.range(..strip_columns).any(|(_, &row)| row == first_row)
}

/// The mean difference of luma (gamma-encoded, so dark hair keeps its grain) between pixels `step`
/// apart, across and down, over cell `x`, `y` of `photo` (at least three steps square, sampled
/// every `step` pixels): the strands of hair, which a cell's mean smooths away.
fn grain(photo: &RgbImage, scene: &Scene, x: usize, y: usize, step: usize) -> f32 {
    let (width, height) = (photo.width() as usize, photo.height() as usize);
    if width <= step || height <= step {
        return 0.0;
    }
    let side = scene.cell_px.max(3.0 * step as f32);
    let centre = |c: usize| (c as f32 + 0.5) * scene.cell_px;
    // Pixels whose neighbour `step` on lies within the photo.
    let range = |c: usize, limit: usize| {
        let start = ((centre(c) - side / 2.0).max(0.0) as usize).min(limit - step - 1);
        (start..((centre(c) + side / 2.0).ceil() as usize).clamp(start + 1, limit - step)).step_by(step)
    };
    let luma =
        |px: usize, py: usize| crate::imaging::colour::luma(photo.get_pixel(px as u32, py as u32).0.map(f32::from));
    let (mut sum, mut count) = (0.0f32, 0usize);
    for py in range(y, height) {
        for px in range(x, width) {
            let here = luma(px, py);
            sum += (here - luma(px + step, py)).abs() + (here - luma(px, py + step)).abs();
            count += 2;
        }
    }
    if count == 0 { 0.0 } else { sum / count as f32 }
}

/// Whether a region's top edge (its top row in each column, by the column's distance from the
/// photo's edge) lies higher nearer the edge, by least squares over the columns within twice the
/// side strip's width of the edge, where the region's top lies below `first_row` (further in,
/// a thing entering may have joined the subject's neck or hair). A region cut off by `first_row`
/// within the strip goes on above it: hair hanging from the head, not something entering from
/// below.
fn rises_towards_the_side(top: &BTreeMap<usize, usize>, first_row: usize, strip_columns: usize) -> bool {
    !reaches_first_row(top, first_row, strip_columns)
        && top_slope(top, first_row, 2 * strip_columns).is_some_and(|slope| slope > 0.0)
}

/// The least-squares slope of a region's top edge over the columns within `columns` of the
/// photo's edge where it lies below `first_row`: rows down per column in, so positive where the
/// top rises towards the edge. None where no such column has a top.
fn top_slope(top: &BTreeMap<usize, usize>, first_row: usize, columns: usize) -> Option<f32> {
    let below: Vec<(f32, f32)> =
        top.range(..columns).filter(|&(_, &row)| row > first_row).map(|(&d, &y)| (d as f32, y as f32)).collect();
    if below.is_empty() {
        return None;
    }
    let n = below.len() as f32;
    let mean_distance = below.iter().map(|p| p.0).sum::<f32>() / n;
    let mean_row = below.iter().map(|p| p.1).sum::<f32>() / n;
    let spread: f32 = below.iter().map(|p| (p.0 - mean_distance).powi(2)).sum();
    let covariance: f32 = below.iter().map(|p| (p.0 - mean_distance) * (p.1 - mean_row)).sum();
    Some(if spread > 0.0 { covariance / spread } else { 0.0 })
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
fn uniformity(scene: &Scene, clear: &dyn Fn(usize) -> bool) -> Option<Finding> {
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
    let value = f64::from(median(&mut magnitudes)?);
    Some(Finding { value, quality: quality(1.0 - value / 100.0) })
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
fn objects(scene: &Scene, head: &HeadCells, reference: [f32; 3], clear: &dyn Fn(usize) -> bool) -> Option<Finding> {
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
                if colour_step(&scene.rgb[i], reference) > FOREIGN_COLOUR_STEP {
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
        scene_with(block, paint)
    }

    /// The person block of `scene`.
    fn block(x: usize, y: usize) -> bool {
        (40..80).contains(&x) && y >= 30
    }

    /// As `scene`, with the person mask holding `is_person`'s cells (at the block's luminance).
    fn scene_with(
        is_person: impl Fn(usize, usize) -> bool,
        paint: impl Fn(usize, usize) -> Option<u8>,
    ) -> (Scene, HeadCells) {
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

    /// The head of `scene`'s block: eyes 20 cells apart at row 40, the face's sides at columns 45
    /// and 75, the chin at row 60 (so the side strips run from row 40 to the chin).
    fn outline() -> HeadOutline {
        let at = |x: f32, y: f32| Point::new(x, y);
        HeadOutline {
            right_eye_centre: at(50.0, 40.0),
            left_eye_centre: at(70.0, 40.0),
            nose_tip: at(60.0, 50.0),
            chin: at(60.0, 60.0),
            forehead: at(60.0, 25.0),
            face_right_side: at(45.0, 50.0),
            face_left_side: at(75.0, 50.0),
            crown: at(60.0, 15.0),
            crown_source: crate::CrownSource::FaceProportions,
            hair_top_y: None,
        }
    }

    /// `background.side_objects` of `scene`'s block with `is_person`'s cells added, whose pixels
    /// step by `grain` levels from column to column (0: flat; strands of hair: more).
    fn side_objects_with(is_person: impl Fn(usize, usize) -> bool + Copy, grain: u8) -> f64 {
        let (scene, _) = scene_with(move |x, y| block(x, y) || is_person(x, y), |_, _| None);
        side_objects_in(&scene, is_person, grain)
    }

    /// `background.side_objects` of `scene`'s block with the background painted by `paint`, whose
    /// pixels step by `grain` levels from column to column (0: plain; strands of hair: more).
    fn side_objects_painted(paint: impl Fn(usize, usize) -> Option<u8> + Copy, grain: u8) -> f64 {
        let (scene, _) = scene(paint);
        side_objects_in(&scene, move |x, y| paint(x, y).is_some(), grain)
    }

    /// `background.side_objects` of `scene` (its background all clear) over the photo behind it, a
    /// pixel per cell, whose pixels in `thing` step down by `grain` levels from column to column.
    fn side_objects_in(scene: &Scene, thing: impl Fn(usize, usize) -> bool, grain: u8) -> f64 {
        let photo = RgbImage::from_fn(SIDE as u32, SIDE as u32, |x, y| {
            let (x, y) = (x as usize, y as usize);
            let strand = if thing(x, y) && x % 2 == 1 { grain } else { 0 };
            image::Rgb([scene.luminance[y * SIDE + x] - strand; 3])
        });
        let reference = [f32::from(BACKGROUND_LEVEL); 3];
        let clear = |i: usize| scene.background[i];
        side_objects(&photo, scene, &outline(), reference, &clear).unwrap().value
    }

    #[test]
    fn something_lighter_than_the_background_entering_is_counted() {
        const WHITE: u8 = 250;
        // Another person's white shirt in the lower left corner, its top rising towards the edge,
        // outside the person mask.
        let shirt = |x: usize, y: usize| (x < 30 && y as f32 >= 42.0 + 0.4 * x as f32).then_some(WHITE);
        assert!(side_objects_painted(shirt, 0) > 0.25);
        // Standing beside the face from above the first row down: counted too.
        let tall = |x: usize, y: usize| (x < 12 && y >= 20).then_some(WHITE);
        assert!(side_objects_painted(tall, 0) > 0.25);
        // The same with the grain of hair is white hair hanging from the head.
        assert_eq!(side_objects_painted(tall, 20), 0.0);
        // The subject's own white shirt, low and falling away from the neck towards the edge.
        let own = |x: usize, y: usize| (x < 36 && y as f32 >= 44.0 + 0.3 * (40.0 - x as f32)).then_some(WHITE);
        assert_eq!(side_objects_painted(own, 0), 0.0);
        // Someone else's, falling towards the edge as well but beside the face there (its top at
        // the edge half an inter-eye distance above the chin or higher), not the subject's own.
        let beside = |x: usize, y: usize| (x < 30 && y as f32 >= 36.0 + 0.3 * (30.0 - x as f32)).then_some(WHITE);
        assert!(side_objects_painted(beside, 0) > 0.25);
        assert_eq!(side_objects_painted(beside, 20), 0.0);
        // Brighter, with more of it at the right, over most of the background in its rows: the
        // background's level there is read from the cells of the background's own colour.
        let wide = |x: usize, y: usize| {
            let white = shirt(x, y).is_some() || (x >= 95 && y >= 42) || (x < 36 && y >= 56);
            white.then_some(255)
        };
        assert!(side_objects_painted(wide, 0) > 0.25);
        // Nearer the background's colour (30-35 levels above it, as FRLL's white shirts on its
        // grey): still not the background's own colour, and lighter than it.
        for over in [30, 35] {
            let near = |x: usize, y: usize| wide(x, y).map(|_| BACKGROUND_LEVEL + over);
            assert!(side_objects_painted(near, 0) > 0.25, "{over} levels over the background");
        }
    }

    #[test]
    fn something_lighter_standing_apart_from_the_subject_is_counted() {
        const WHITE: u8 = 250;
        // Another person's white shoulder in the lower left corner, rounded: its top highest some
        // way in from the edge, falling towards the edge and, with the background between, towards
        // the subject.
        let shoulder =
            |x: usize, y: usize| (x < 34 && y as f32 >= 42.0 + 0.05 * (x as f32 - 12.0).powi(2)).then_some(WHITE);
        assert!(side_objects_painted(shoulder, 0) > 0.25);
        // The subject's own white shirt, rising from the edge towards the neck and falling again at
        // the neckline, under the neck: no background above the fall.
        let neck = |x: usize, y: usize| (34..40).contains(&x) && (30..50).contains(&y);
        let own = |x: usize, y: usize| {
            let top = if (34..40).contains(&x) { 50.0 } else { 44.0 + 0.3 * (40.0 - x as f32) };
            (x < 40 && y as f32 >= top).then_some(WHITE)
        };
        let (scene, _) = scene_with(|x, y| block(x, y) || neck(x, y), own);
        assert_eq!(side_objects_in(&scene, |x, y| own(x, y).is_some(), 0), 0.0);
    }

    #[test]
    fn something_lighter_rising_from_the_chins_height_is_counted() {
        const WHITE: u8 = 250;
        // Another person's white shoulder, its top at the photo's side at the chin's height (row
        // 60) and rising towards it, under someone's dark hair that leaves no background above
        // it to stand apart from.
        let shoulder =
            |top: f32| move |x: usize, y: usize| (x < 40 && y as f32 >= top + 0.2 * x as f32).then_some(WHITE);
        let hair = |top: f32| move |x: usize, y: usize| x < 40 && (50.0..top + 0.2 * x as f32).contains(&(y as f32));
        let reading = |top: f32| {
            let (scene, _) = scene_with(move |x, y| block(x, y) || hair(top)(x, y), shoulder(top));
            side_objects_in(&scene, move |x, y| shoulder(top)(x, y).is_some(), 0)
        };
        assert!(reading(61.0) > 0.25);
        // The same lower, where the subject's own clothes lie.
        assert_eq!(reading(66.0), 0.0);
    }

    #[test]
    fn a_fall_counts_under_the_background_only() {
        let top: BTreeMap<usize, usize> = [(0, 50), (1, 45), (2, 42), (3, 44), (4, 49), (5, 47)].into();
        assert_eq!(fall_under_background(&top, |_, _| true), 7);
        assert_eq!(fall_under_background(&top, |from_edge, _| from_edge != 4), 5);
        assert_eq!(fall_under_background(&top, |_, _| false), 0);
        // Rising all the way in: no fall.
        let rising: BTreeMap<usize, usize> = [(0, 50), (1, 48), (2, 48), (3, 40)].into();
        assert_eq!(fall_under_background(&rising, |_, _| true), 0);
    }

    /// A plain disc centred below the lower left corner, its top highest at the photo's edge.
    fn disc(x: usize, y: usize) -> bool {
        (x as f32).hypot(y as f32 - 85.0) < 35.0
    }

    /// `background.side_objects` of `scene`'s block with `hair` (its strands' grain) and the
    /// plain `disc` joined to it held by the person mask.
    fn disc_joined_to(hair: impl Fn(usize, usize) -> bool + Copy) -> f64 {
        let (scene, _) = scene_with(|x, y| block(x, y) || hair(x, y) || disc(x, y), |_, _| None);
        side_objects_in(&scene, |x, y| hair(x, y) && !disc(x, y), 20)
    }

    #[test]
    fn a_plain_thing_joined_to_hanging_hair_is_counted_and_a_plain_patch_of_hair_is_not() {
        // Hair hanging from above the first row beside the face, touching the disc.
        let share = disc_joined_to(|x, y| (5..16).contains(&x) && y >= 20);
        assert!(share > 0.25, "the disc covers {share} of the strip");
        // Hair down to the photo's edge with a plain patch in it, its top rising towards the
        // edge: hair above the patch.
        let hair = |x: usize, y: usize| x < 16 && y >= 20;
        let patch = |x: usize, y: usize| (1..7).contains(&x) && y >= 42 + x && y < 58;
        let (scene, _) = scene_with(|x, y| block(x, y) || hair(x, y), |_, _| None);
        assert_eq!(side_objects_in(&scene, |x, y| hair(x, y) && !patch(x, y), 20), 0.0);
    }

    #[test]
    fn a_plain_thing_joined_to_hair_further_in_is_counted() {
        // Hair beside the neck, not reaching the first row (row 30), just beyond the side strip
        // (7 columns) and higher than the disc's top: the joined region falls towards the side
        // over twice the strip's width, so it does not count whole.
        let hair = |x: usize, y: usize| (8..16).contains(&x) && y >= 35;
        let share = disc_joined_to(hair);
        assert!(share > 0.25, "the disc covers {share} of the strip");
        // The same disc's shape in hair's grain is hair.
        assert_eq!(side_objects_with(|x, y| hair(x, y) || disc(x, y), 20), 0.0);
    }

    #[test]
    fn the_background_is_read_at_each_height() {
        // Lit more towards the bottom, with a white shirt over the lower left beside the block.
        let (scene, _) = scene(|x, y| Some(if x < 20 && y >= 80 { 250 } else { 100 + (150 * y / SIDE) as u8 }));
        let clear = |i: usize| scene.background[i];
        // The lower median of the clear cells in the rows within `band` of `y`, the slow way.
        let median_around = |y: usize, band: usize| {
            let mut levels: Vec<u8> = (y.saturating_sub(band)..(y + band + 1).min(SIDE))
                .flat_map(|row| (row * SIDE..(row + 1) * SIDE).filter(|&i| clear(i)))
                .map(|i| scene.luminance[i])
                .collect();
            levels.sort();
            (levels.len() >= MIN_BACKGROUND_CELLS / 5).then(|| f32::from(levels[(levels.len() - 1) / 2]))
        };
        for first_row in [0, 3, 50, SIDE - 1, SIDE] {
            for band in [1, 2, 7, 200] {
                let by_row = background_by_row(&scene, &clear, first_row, band);
                for (y, level) in by_row.iter().enumerate() {
                    let expected = if y < first_row { None } else { median_around(y, band) };
                    assert_eq!(*level, expected, "row {y}, first row {first_row}, band {band}");
                }
            }
        }
        // The shirt covers less than half of its rows' background: their level stays near the
        // background's own (100 + 150 * 100 / 120 at row 100).
        let level = background_by_row(&scene, &clear, 0, 2)[100].unwrap();
        assert!((level - 225.0).abs() <= 2.0, "{level}");
    }

    #[test]
    fn a_thing_rising_towards_the_side_is_counted_and_a_shoulder_is_not() {
        let share = side_objects_with(disc, 0);
        assert!(share > 0.25, "the disc covers {share} of the strip");
        // The same shape with the grain of hair is hair spread beside the neck.
        assert_eq!(side_objects_with(disc, 20), 0.0);
        // The same at the lower right.
        let mirrored = |x: usize, y: usize| x < SIDE && disc(SIDE - 1 - x, y);
        assert!(side_objects_with(mirrored, 0) > 0.25);
        // A shoulder falling from the neck towards the edge, as high at the edge as the disc.
        let shoulder = |x: usize, y: usize| x < 36 && y as f32 >= 38.0 + 0.3 * (40.0 - x as f32);
        assert_eq!(side_objects_with(shoulder, 0), 0.0);
        // Something hanging from above the strip (hair from the head) is not an object entering.
        let hanging = |x: usize, y: usize| x < 36 && y >= 20;
        assert_eq!(side_objects_with(hanging, 0), 0.0);
    }

    #[test]
    fn a_face_as_wide_as_the_photo_leaves_the_sides_not_assessed() {
        let (scene, _) = scene(|_, _| None);
        let photo = RgbImage::new(SIDE as u32, SIDE as u32);
        let mut head = outline();
        head.face_right_side.x = 0.0;
        head.face_left_side.x = SIDE as f32;
        let clear = |i: usize| scene.background[i];
        assert_eq!(side_objects(&photo, &scene, &head, [f32::from(BACKGROUND_LEVEL); 3], &clear), None);
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
