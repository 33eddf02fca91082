//! Damage the decoder cannot see: a JPEG whose Huffman codes are whole but whose values are not.
//!
//! A block's mean (its DC coefficient) is stored as the difference from the block before it, so a
//! flipped bit in one such difference, or codes that fall back into step after a flipped bit,
//! shift the brightness or colour of every later block of that component up to the next restart
//! marker: a band that starts at one block and runs, in the file's block order, to the end of the
//! photo. The decoder (and `decode::jpeg_entropy`, which reads every code) finds nothing wrong.
//!
//! What gives it away is where the step lies: exactly on a row of block borders, the same size at
//! each block along it, in a scene that otherwise changes smoothly there. A person's outline or a
//! shoulder also makes steps along a row, so the clear background (the scene's cells away from any
//! person) is read on its own as well as the whole row, which is why this runs after the person
//! mask and not in the decoder.

use image::RgbImage;

use super::{Finding, NotMeasured, median, quality};
use crate::decode::JpegBlockLayout;
use crate::imaging::Point;
use crate::measure::scene::Scene;

/// Fewest blocks along a row of block borders for a step to be read there: with fewer, one stray
/// edge decides the median.
const MIN_BLOCKS: usize = 6;

/// Fewest blocks a window of file order spans: restart markers every few MCUs keep a shift that
/// short, a blemish of a few blocks rather than a band, and a median over so few blocks of a face
/// reads its features.
const MIN_RUN: usize = 32;

/// The largest brightness or colour step, in grey levels (0..255, per RGB channel), that one row
/// of block borders shows, after the smooth change of the scene itself is taken out. A whole
/// photo reads about 0-3; a band left by a damaged value reads its shift. The blocks are those the
/// file stored (`layout`, before the EXIF turn the pixels have had), since the damage follows the
/// file's order. Also compiled for AVX2 (the same sums).
///
/// Two readings, the larger counts: along the clear background alone (the scene's cells away from
/// any person, where a step of a few levels shows), and along every block of the row, with at
/// least half of it readable (a band that changes the photo so much that the person mask no
/// longer finds the person, or one that starts below the shoulders).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn block_band_step(
    image: &RgbImage,
    exif_orientation: Option<u8>,
    layout: JpegBlockLayout,
    scene: &Scene,
) -> Result<Finding, NotMeasured> {
    let grid = StoredGrid::new(image, exif_orientation, layout);
    let columns = grid.columns;
    let cells = grid.rows * columns;
    let background = grid.background_blocks(scene);

    // For each block with two blocks above it and one below: the step between its mean colour
    // and the block above's, less the mean of the steps on either side (zero for a scene that
    // changes linearly). A shifted value moves the whole block, so the same step shows between
    // the two pixel rows either side of the border and not between the rows next to them: an
    // edge in the scene that happens to fall in this block row is rarely that sharp and that
    // exactly placed. Each block counts the smaller of the two readings, and nothing when they
    // disagree in sign.
    let means = grid.means(image);
    let first = 2 * columns;
    let mut steps = StepSeries::with_capacity(cells.saturating_sub(3 * columns));
    for row in 2..grid.rows.saturating_sub(1) {
        let border = grid.border_rows_along(image, row);
        for (column, rows) in border.iter().enumerate() {
            let i = row * columns + column;
            let (above2, above, here, below) =
                (means[i - 2 * columns], means[i - columns], means[i], means[i + columns]);
            let mut levels = [0f32; 3];
            for (c, level) in levels.iter_mut().enumerate() {
                let blocks = (here[c] - above[c]) - ((above[c] - above2[c]) + (below[c] - here[c])) / 2.0;
                let (r0, r1, r2, r3) = (rows[0][c], rows[1][c], rows[2][c], rows[3][c]);
                let pixels = (r2 - r1) - ((r1 - r0) + (r3 - r2)) / 2.0;
                if blocks * pixels > 0.0 {
                    *level = blocks.signum() * blocks.abs().min(pixels.abs());
                }
            }
            let in_background =
                background[i - 2 * columns] && background[i - columns] && background[i] && background[i + columns];
            steps.push(levels, in_background);
        }
    }

    // A band starting at block p steps at the border above each of the next `run` blocks in file
    // order: a whole row, or up to the restart marker that starts the values afresh (but at least
    // `MIN_RUN`). Windows start an eighth of a run apart: a band found a few blocks late still
    // has nearly all of its blocks in the window.
    let run = match layout.restart_interval {
        0 => columns,
        interval => columns.min((interval as usize).max(MIN_RUN)),
    };
    let mut largest = Largest::default();
    for start in (0..cells).step_by((run / 8).max(1)) {
        let window = start.saturating_sub(first).min(steps.len())..(start + run).saturating_sub(first).min(steps.len());
        for channel in 0..3 {
            if window.len() >= MIN_BLOCKS.max(run / 2) {
                largest.raise_to_median(&steps.every[channel][window.clone()], window.len());
            }
            let background_count = steps.background_before[window.end] - steps.background_before[window.start];
            largest.raise_to_median(&steps.background[channel][window.clone()], background_count);
        }
    }
    let step = f64::from(largest.value.ok_or(NotMeasured::RegionNotVisible)?);
    Ok(Finding { value: step, quality: quality(1.0 - step / 32.0) })
}

/// The steps per channel in file order, every block's and the clear background's alone (NaN
/// elsewhere, which no comparison counts and the median leaves out), so that a window is a slice
/// the counting pass reads straight through.
struct StepSeries {
    every: [Vec<f32>; 3],
    background: [Vec<f32>; 3],
    /// Background steps before each index.
    background_before: Vec<usize>,
}

impl StepSeries {
    fn with_capacity(blocks: usize) -> StepSeries {
        let mut background_before = Vec::with_capacity(blocks + 1);
        background_before.push(0);
        StepSeries {
            every: std::array::from_fn(|_| Vec::with_capacity(blocks)),
            background: std::array::from_fn(|_| Vec::with_capacity(blocks)),
            background_before,
        }
    }

    /// The next block's step at its top border, per channel, and whether it lies in clear
    /// background.
    fn push(&mut self, levels: [f32; 3], in_background: bool) {
        for (c, &level) in levels.iter().enumerate() {
            self.every[c].push(level);
            self.background[c].push(if in_background { level } else { f32::NAN });
        }
        let before = self.background_before.last().copied().unwrap_or(0);
        self.background_before.push(before + usize::from(in_background));
    }

    fn len(&self) -> usize {
        self.every[0].len()
    }
}

/// The largest absolute median of the windows read so far.
#[derive(Default)]
struct Largest {
    value: Option<f32>,
    scratch: Vec<f32>,
}

impl Largest {
    /// Takes the median of the `count` values of `window` that are not NaN (at least
    /// `MIN_BLOCKS` of them) when it is larger. Most windows are settled by counting: the (upper)
    /// median's size exceeds the largest so far only when enough values lie beyond it on one side.
    #[inline(always)]
    fn raise_to_median(&mut self, window: &[f32], count: usize) {
        let bar = self.value.unwrap_or(-1.0);
        let (mut above, mut below) = (0, 0);
        for &value in window {
            above += usize::from(value > bar);
            below += usize::from(value < -bar);
        }
        // Before the first median the bar is -1, which every value clears on one side or the
        // other, so the first window of enough values is always measured.
        if count < MIN_BLOCKS || (above < count - count / 2 && below < count / 2 + 1) {
            return;
        }
        self.scratch.clear();
        self.scratch.extend(window.iter().copied().filter(|value| !value.is_nan()));
        let step = median(&mut self.scratch).map_or(0.0, f32::abs);
        self.value = Some(self.value.map_or(step, |l| l.max(step)));
    }
}

/// The file's block grid over the upright photo.
struct StoredGrid {
    /// Stored (before the EXIF turn) width and height.
    width: u32,
    height: u32,
    orientation: u8,
    block_width: u32,
    block_height: u32,
    columns: usize,
    rows: usize,
}

impl StoredGrid {
    fn new(image: &RgbImage, exif_orientation: Option<u8>, layout: JpegBlockLayout) -> StoredGrid {
        let orientation = exif_orientation.filter(|o| (1..=8).contains(o)).unwrap_or(1);
        let (width, height) =
            if orientation >= 5 { (image.height(), image.width()) } else { (image.width(), image.height()) };
        let (block_width, block_height) = (layout.mcu_width.max(1), layout.mcu_height.max(1));
        StoredGrid {
            width,
            height,
            orientation,
            block_width,
            block_height,
            columns: width.div_ceil(block_width) as usize,
            rows: height.div_ceil(block_height) as usize,
        }
    }

    /// Where a stored pixel is shown (EXIF orientations 1-8).
    fn upright(&self, x: u32, y: u32) -> (u32, u32) {
        let (w, h) = (self.width - 1, self.height - 1);
        match self.orientation {
            2 => (w - x, y),
            3 => (w - x, h - y),
            4 => (x, h - y),
            5 => (y, x),
            6 => (h - y, x),
            7 => (h - y, w - x),
            8 => (y, w - x),
            _ => (x, y),
        }
    }

    /// A stored block's pixels in the upright photo: first and last corner, inclusive.
    fn upright_cell(&self, column: usize, row: usize) -> ((u32, u32), (u32, u32)) {
        let x0 = column as u32 * self.block_width;
        let y0 = row as u32 * self.block_height;
        let x1 = (x0 + self.block_width).min(self.width) - 1;
        let y1 = (y0 + self.block_height).min(self.height) - 1;
        let (a, b) = (self.upright(x0, y0), self.upright(x1, y1));
        ((a.0.min(b.0), a.1.min(b.1)), (a.0.max(b.0), a.1.max(b.1)))
    }

    /// Whether each block (in stored order) lies in the scene's clear background, by the cell
    /// under its centre. A block's upright column follows its stored column alone and its upright
    /// row its stored row (the other way round after a quarter turn), so each is looked up once.
    fn background_blocks(&self, scene: &Scene) -> Vec<bool> {
        let scene_cell = |column: usize, row: usize| {
            let ((x0, y0), (x1, y1)) = self.upright_cell(column, row);
            scene.cell_of(Point::new((x0 + x1) as f32 / 2.0, (y0 + y1) as f32 / 2.0))
        };
        let along_first_row: Vec<(usize, usize)> = (0..self.columns).map(|column| scene_cell(column, 0)).collect();
        let down_first_column: Vec<(usize, usize)> = (0..self.rows).map(|row| scene_cell(0, row)).collect();
        (0..self.rows * self.columns)
            .map(|i| {
                let (across, down) = (along_first_row[i % self.columns], down_first_column[i / self.columns]);
                let (cx, cy) = if self.orientation >= 5 { (down.0, across.1) } else { (across.0, down.1) };
                scene.background[cy * scene.width + cx]
            })
            .collect()
    }

    /// For each block of a row of blocks, the mean colour of the two stored pixel rows above its
    /// top border and the two from it down, across the block's width.
    #[inline(always)]
    fn border_rows_along(&self, image: &RgbImage, row: usize) -> Vec<[[f32; 3]; 4]> {
        let y0 = row as u32 * self.block_height;
        let pixel_rows = [y0 - 2, y0 - 1, y0, (y0 + 1).min(self.height - 1)];
        let mut border = vec![[[0f32; 3]; 4]; self.columns];
        if self.orientation != 1 {
            for (column, rows) in border.iter_mut().enumerate() {
                let (x0, x1) = self.stored_columns(column);
                for (out, &y) in rows.iter_mut().zip(&pixel_rows) {
                    let mut sum = [0u32; 3];
                    for x in x0..x1 {
                        let (ux, uy) = self.upright(x, y);
                        add_pixels(&mut sum, &image.get_pixel(ux, uy).0);
                    }
                    *out = sum.map(|s| s as f32 / (x1 - x0) as f32);
                }
            }
            return border;
        }
        // Upright as stored: each pixel row is read straight through, block by block.
        let stride = image.width() as usize * 3;
        for (k, &y) in pixel_rows.iter().enumerate() {
            let pixel_row = &image.as_raw()[y as usize * stride..(y as usize + 1) * stride];
            for (rows, pixels) in border.iter_mut().zip(pixel_row.chunks(self.block_width as usize * 3)) {
                let mut sum = [0u32; 3];
                add_pixels(&mut sum, pixels);
                rows[k] = sum.map(|s| s as f32 / (pixels.len() / 3) as f32);
            }
        }
        border
    }

    /// A block column's first and last stored pixel column, end exclusive.
    fn stored_columns(&self, column: usize) -> (u32, u32) {
        let x0 = column as u32 * self.block_width;
        (x0, (x0 + self.block_width).min(self.width))
    }

    /// Every block's mean colour, in stored order.
    #[inline(always)]
    fn means(&self, image: &RgbImage) -> Vec<[f32; 3]> {
        if self.orientation != 1 {
            return (0..self.rows * self.columns)
                .map(|i| self.mean(image, i % self.columns, i / self.columns))
                .collect();
        }
        // Upright as stored: each row of blocks sums its pixel rows column by column first (a
        // pass the compiler vectorises), then each block its columns. The same integer sums.
        let stride = image.width() as usize * 3;
        let mut column_sums = vec![0u32; stride];
        let mut means = Vec::with_capacity(self.rows * self.columns);
        for block_row in image.as_raw().chunks(stride * self.block_height as usize) {
            column_sums.fill(0);
            for pixel_row in block_row.chunks_exact(stride) {
                for (sum, &value) in column_sums.iter_mut().zip(pixel_row) {
                    *sum += u32::from(value);
                }
            }
            let height = block_row.len() / stride;
            for block in column_sums.chunks(self.block_width as usize * 3) {
                let mut sum = [0u32; 3];
                for pixel in block.chunks_exact(3) {
                    for c in 0..3 {
                        sum[c] += pixel[c];
                    }
                }
                let count = (block.len() / 3 * height) as f32;
                means.push(sum.map(|s| s as f32 / count));
            }
        }
        means
    }

    fn mean(&self, image: &RgbImage, column: usize, row: usize) -> [f32; 3] {
        let ((x0, y0), (x1, y1)) = self.upright_cell(column, row);
        let mut sum = [0u32; 3];
        let stride = image.width() as usize * 3;
        for y in y0..=y1 {
            let start = y as usize * stride + x0 as usize * 3;
            let end = y as usize * stride + (x1 as usize + 1) * 3;
            add_pixels(&mut sum, &image.as_raw()[start..end]);
        }
        let count = ((x1 - x0 + 1) * (y1 - y0 + 1)) as f32;
        sum.map(|s| s as f32 / count)
    }
}

/// Adds each channel of packed RGB pixels to `sum`.
#[inline(always)]
fn add_pixels(sum: &mut [u32; 3], pixels: &[u8]) {
    for pixel in pixels.chunks_exact(3) {
        for c in 0..3 {
            sum[c] += u32::from(pixel[c]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scene whose every cell is background except a person's box (x0, y0, x1, y1) in pixels.
    fn scene_around(width: u32, height: u32, person: [u32; 4]) -> Scene {
        let cell_px = 4.0;
        let (columns, rows) = ((width / 4) as usize, (height / 4) as usize);
        let background = (0..columns * rows)
            .map(|i| {
                let (x, y) = ((i % columns) as u32 * 4, (i / columns) as u32 * 4);
                // The person and a margin of 24 px around it.
                !(x + 24 >= person[0] && x <= person[2] + 24 && y + 24 >= person[1] && y <= person[3] + 24)
            })
            .collect::<Vec<_>>();
        Scene {
            width: columns,
            height: rows,
            cell_px,
            rgb: vec![[0.0; 3]; columns * rows],
            luminance: vec![0; columns * rows],
            other_people: vec![false; columns * rows],
            other_people_boxes: Vec::new(),
            distance_to_person: background.iter().map(|&b| if b { 255 } else { 0 }).collect(),
            background,
        }
    }

    const LAYOUT: JpegBlockLayout = JpegBlockLayout { mcu_width: 16, mcu_height: 16, restart_interval: 0 };

    /// A grey background darkening downwards, with a dark "person" in the middle, and every
    /// 16-px block from the `band_from`th on (in file order) shifted by `shift` levels.
    fn photo(band_from: Option<usize>, shift: i16) -> RgbImage {
        let (width, height) = (320, 400);
        RgbImage::from_fn(width, height, |x, y| {
            let mut level = 220 - (y as i16) / 8 + ((x as i16 * 7 + y as i16 * 13) % 5) - 2;
            if (110..210).contains(&x) && y > 120 {
                level = 60 + ((x * 31 + y * 17) % 90) as i16;
            }
            let block = (y / 16) as usize * (width as usize / 16) + (x / 16) as usize;
            if band_from.is_some_and(|from| block >= from) {
                level += shift;
            }
            image::Rgb([level.clamp(0, 255) as u8; 3])
        })
    }

    #[test]
    fn blocks_find_their_scene_cells_in_every_orientation() {
        for orientation in 1..=8u8 {
            let (width, height) = if orientation >= 5 { (400, 320) } else { (320, 400) };
            let upright = RgbImage::new(width, height);
            let scene = scene_around(width, height, [70, 90, 150, 400]);
            let grid = StoredGrid::new(&upright, Some(orientation), LAYOUT);
            let each_alone: Vec<bool> = (0..grid.rows * grid.columns)
                .map(|i| {
                    let ((x0, y0), (x1, y1)) = grid.upright_cell(i % grid.columns, i / grid.columns);
                    let (cx, cy) = scene.cell_of(Point::new((x0 + x1) as f32 / 2.0, (y0 + y1) as f32 / 2.0));
                    scene.background[cy * scene.width + cx]
                })
                .collect();
            assert!(each_alone.iter().any(|&b| b) && each_alone.iter().any(|&b| !b));
            assert_eq!(grid.background_blocks(&scene), each_alone, "orientation {orientation}");
        }
    }

    #[test]
    fn a_smooth_background_reads_no_step() {
        let scene = scene_around(320, 400, [110, 120, 210, 400]);
        let step = block_band_step(&photo(None, 0), None, LAYOUT, &scene).unwrap().value;
        assert!(step < 1.0, "{step}");
    }

    #[test]
    fn a_band_from_a_damaged_value_reads_its_shift() {
        let scene = scene_around(320, 400, [110, 120, 210, 400]);
        // Starting mid-row, beside the person; and in the top rows, above it.
        for (from, shift) in [(20 * 9 + 3, -12), (20 * 3 + 11, 9), (20 * 12 + 17, 25)] {
            let step = block_band_step(&photo(Some(from), shift), None, LAYOUT, &scene).unwrap().value;
            assert!((step - f64::from(shift.abs())).abs() < 2.0, "from block {from}, shift {shift}: {step}");
        }
    }

    #[test]
    fn the_band_is_found_in_the_order_the_file_stored_the_blocks() {
        // Stored upside down (EXIF 3): the band covers the file's last blocks, the top of the
        // upright photo.
        let stored = photo(Some(20 * 16 + 5), 15);
        let upright = image::imageops::rotate180(&stored);
        let scene = scene_around(320, 400, [110, 0, 210, 280]);
        let step = block_band_step(&upright, Some(3), LAYOUT, &scene).unwrap().value;
        assert!((step - 15.0).abs() < 2.0, "{step}");
    }

    #[test]
    fn a_band_across_the_person_is_found_without_background() {
        let scene = scene_around(320, 400, [0, 0, 320, 400]);
        let step = block_band_step(&photo(Some(20 * 14 + 8), -30), None, LAYOUT, &scene).unwrap().value;
        assert!((step - 30.0).abs() < 3.0, "{step}");
    }

    #[test]
    fn block_means_row_by_row_are_those_block_by_block() {
        // Partial blocks at the right and bottom edges, and a layout of 8x16 blocks.
        let image = RgbImage::from_fn(203, 77, |x, y| image::Rgb([(x * 7 + y) as u8, (x * y) as u8, (y * 3) as u8]));
        for layout in [LAYOUT, JpegBlockLayout { mcu_width: 8, mcu_height: 16, restart_interval: 0 }] {
            let grid = StoredGrid::new(&image, None, layout);
            let each: Vec<[f32; 3]> =
                (0..grid.rows * grid.columns).map(|i| grid.mean(&image, i % grid.columns, i / grid.columns)).collect();
            assert_eq!(grid.means(&image), each);
        }
    }

    #[test]
    fn a_photo_of_three_block_rows_is_not_measured() {
        let scene = scene_around(320, 48, [400, 400, 400, 400]);
        let strip = image::imageops::crop_imm(&photo(None, 0), 0, 0, 320, 48).to_image();
        assert_eq!(block_band_step(&strip, None, LAYOUT, &scene), Err(NotMeasured::RegionNotVisible));
    }
}
