//! The JPEG compression a photo's pixels went through before the file was saved (TR-03121:
//! "one lossy compression"). A JPEG stores each 8x8 block's DCT coefficients as multiples of its
//! quantisation steps; saved again on the same grid at a higher quality (smaller steps), the
//! coefficients still cluster at multiples of the earlier, larger steps. The file's own table says
//! only the last quality, so a photo saved at 50 and again at 95 reads 95 there.
//!
//! The steps are read from the lowest AC frequencies of the luma, where the earlier steps are
//! largest against the file's: at each, the largest step (up to `MAX_STEP`) between whose
//! multiples the coefficients are missing (`earlier_step`), turned into the highest IJG quality
//! setting that gives that step; the photo's is the median over the frequencies that show one.
//! A photo scaled or cropped off the grid after the earlier compression shows nothing, nor does
//! an earlier compression at or above the file's quality.

use image::{DynamicImage, RgbImage};

/// Zig-zag positions 1 to 9, the lowest AC frequencies, as (row, column) of the 8x8 block.
const LOW_FREQUENCIES: [(usize, usize); 9] = [(0, 1), (1, 0), (2, 0), (1, 1), (0, 2), (0, 3), (1, 2), (2, 1), (3, 0)];
/// The IJG example luma table (ITU T.81 Annex K.1) at those positions, which libjpeg scales by
/// the quality setting.
const ANNEX_K_STEPS: [f64; 9] = [11.0, 12.0, 14.0, 12.0, 10.0, 16.0, 14.0, 13.0, 14.0];
/// The largest earlier step looked for (quality about 30 at these frequencies).
const MAX_STEP: u16 = 40;
/// Coefficients within this many levels of the file's own rounding of a multiple count as on it:
/// the decoder's rounding of pixels to whole levels moves a coefficient by about half a level.
const ROUNDING_LEVELS: f32 = 0.6;
/// A step is found where the values away from its multiples fall below this share of what the
/// fitted Laplacian expects there, relative to the values near them. On the calibration half's
/// photos saved once at 80 to 99 no step is found; saved at 30 to 85 and then at a quality 7 or
/// more above, one is in all but one (docs/calibration.md).
const DEPLETION: f64 = 0.3;
/// No bin away from a step's multiples where the fit expects `MIN_EXPECTED_BIN` values may hold
/// more than this share of them (relative to the bins near the multiples).
const BIN_DEPLETION: f64 = 0.5;
const MIN_EXPECTED_BIN: f64 = 10.0;
/// Fewer values than this expected away from a step's multiples and the step is not judged.
const MIN_EXPECTED_AWAY: f64 = 50.0;
/// A step is judged where this many of its multiples lie among bins of `POPULATED_BIN` values.
const MIN_MULTIPLES: usize = 3;
const POPULATED_BIN: u32 = 10;
/// Values beyond this many of the file's steps are not counted (a bound on the histogram).
const MAX_HISTOGRAM_STEPS: usize = 1024;
/// Fewer coefficients than this away from zero at a frequency and it is not read.
const MIN_COEFFICIENTS: usize = 200;
/// Frequencies that must show an earlier step for the photo to have one.
const MIN_FREQUENCIES: usize = 3;
/// At most this many blocks are read, from the photo's centre (where the face and hair give
/// texture): at 300x386 the whole photo's 1,800 are enough.
const MAX_BLOCKS: u32 = 4096;

/// The highest JPEG quality (IJG scale) of an earlier compression on `image`'s block grid (its
/// pixels as stored, before any EXIF turn), with the file's own luma quantisation table in
/// zig-zag order (None for lossless files and pixels); None where none shows.
pub fn earlier_jpeg_quality(image: &DynamicImage, file_table: Option<&[u16; 64]>) -> Option<u8> {
    let region = region_read(image.width(), image.height());
    let luma = match image.as_rgb8() {
        Some(rgb) => region_luma(rgb, region),
        None => {
            let (x, y, width, height) = region;
            region_luma(&image.crop_imm(x, y, width, height).into_rgb8(), (0, 0, width, height))
        }
    };
    quality_in(&luma, region.2, file_table)
}

/// `earlier_jpeg_quality` of pixels handed over in memory.
pub fn earlier_jpeg_quality_of_pixels(image: &RgbImage) -> Option<u8> {
    let region = region_read(image.width(), image.height());
    quality_in(&region_luma(image, region), region.2, None)
}

/// The whole blocks read, as x, y, width and height in pixels: a window of the photo's shape at
/// its centre, of at most `MAX_BLOCKS` blocks.
fn region_read(width: u32, height: u32) -> (u32, u32, u32, u32) {
    let (all_x, all_y) = (width / 8, height / 8);
    let (mut blocks_x, mut blocks_y) = (all_x, all_y);
    if blocks_x * blocks_y > MAX_BLOCKS {
        let shrink = (f64::from(MAX_BLOCKS) / f64::from(blocks_x * blocks_y)).sqrt();
        blocks_x = ((f64::from(blocks_x) * shrink) as u32).max(1);
        blocks_y = (MAX_BLOCKS / blocks_x).min(all_y);
    }
    ((all_x - blocks_x) / 2 * 8, (all_y - blocks_y) / 2 * 8, blocks_x * 8, blocks_y * 8)
}

/// The JFIF luma (0..255) of `region` of `rgb`, row by row.
fn region_luma(rgb: &RgbImage, (x0, y0, width, height): (u32, u32, u32, u32)) -> Vec<f32> {
    let stride = rgb.width() as usize * 3;
    let mut luma = Vec::with_capacity(width as usize * height as usize);
    for y in y0..y0 + height {
        let start = y as usize * stride + x0 as usize * 3;
        crate::imaging::colour::extend_with_luma(&mut luma, &rgb.as_raw()[start..start + width as usize * 3]);
    }
    luma
}

/// The earlier quality in `luma`, rows of `width` pixels.
fn quality_in(luma: &[f32], width: u32, file_table: Option<&[u16; 64]>) -> Option<u8> {
    let coefficients = low_frequency_coefficients(luma, width as usize);
    let qualities: Vec<f64> = LOW_FREQUENCIES
        .iter()
        .enumerate()
        .filter_map(|(i, _)| {
            let file_step = file_table.map_or(1, |table| table[i + 1].max(1));
            let step = earlier_step(&coefficients[i], file_step)?;
            Some(highest_quality_for(step, ANNEX_K_STEPS[i]))
        })
        .collect();
    if qualities.len() < MIN_FREQUENCIES {
        return None;
    }
    let mut sorted = qualities;
    sorted.sort_by(f64::total_cmp);
    Some(sorted[sorted.len() / 2].floor().clamp(1.0, 100.0) as u8)
}

/// The largest step above `file_step` at whose multiples `coefficients` cluster: counted in the
/// file's steps, the values that lie away from every multiple are depleted against a Laplacian
/// fitted to all of them, as the values near one are not. A photo compressed once has a smooth
/// histogram (the file's own steps are the lattice here, not a cluster); one compressed before
/// at a coarser step has gaps between that step's multiples.
fn earlier_step(coefficients: &[f32], file_step: u16) -> Option<u16> {
    let step_size = f32::from(file_step);
    let mut counts = vec![0u32; MAX_HISTOGRAM_STEPS + 1];
    for c in coefficients {
        let k = (c.abs() / step_size).round() as usize;
        if (1..=MAX_HISTOGRAM_STEPS).contains(&k) {
            counts[k] += 1;
        }
    }
    if counts.iter().map(|&n| n as usize).sum::<usize>() < MIN_COEFFICIENTS {
        return None;
    }
    counts.truncate(counts.iter().rposition(|&n| n > 0)? + 1);
    let expected = laplacian_fit(&counts)?;
    // A step is judged only where at least three of its multiples lie among well-filled bins.
    let populated = counts.iter().rposition(|&n| n >= POPULATED_BIN)?;
    let tolerance = step_size / 2.0 + ROUNDING_LEVELS;
    (file_step.saturating_add(1)..=MAX_STEP).rev().find(|&step| {
        if MIN_MULTIPLES * usize::from(step) > usize::from(file_step) * populated {
            return false;
        }
        let step = f32::from(step);
        let is_far = |k: usize| {
            let value = k as f32 * step_size;
            (value - step * (value / step).round()).abs() > tolerance
        };
        let (mut far, mut far_expected, mut near, mut near_expected) = (0f64, 0f64, 0f64, 0f64);
        for (k, (&count, &fitted)) in counts.iter().zip(&expected).enumerate().skip(1) {
            if is_far(k) {
                far += f64::from(count);
                far_expected += fitted;
            } else {
                near += f64::from(count);
                near_expected += fitted;
            }
        }
        if far_expected < MIN_EXPECTED_AWAY || near == 0.0 {
            return false;
        }
        // Every well-filled bin away from the multiples is depleted, not just most of them: a
        // step a little larger than the earlier one leaves half its bins away full.
        let near_level = near / near_expected;
        let each_depleted = counts.iter().zip(&expected).enumerate().skip(1).all(|(k, (&count, &fitted))| {
            !is_far(k) || fitted < MIN_EXPECTED_BIN || f64::from(count) / fitted < BIN_DEPLETION * near_level
        });
        far / far_expected < DEPLETION * near_level && each_depleted
    })
}

/// The counts a Laplacian (log-count linear in the bin) would give, fitted by least squares on
/// the log-counts weighted by the counts, bin 0 aside.
fn laplacian_fit(counts: &[u32]) -> Option<Vec<f64>> {
    let (mut w, mut wk, mut wkk, mut wy, mut wky) = (0f64, 0f64, 0f64, 0f64, 0f64);
    for (k, &n) in counts.iter().enumerate().skip(1).filter(|(_, n)| **n > 0) {
        let (n, k, y) = (f64::from(n), k as f64, f64::from(n).ln());
        w += n;
        wk += n * k;
        wkk += n * k * k;
        wy += n * y;
        wky += n * k * y;
    }
    let determinant = w * wkk - wk * wk;
    if determinant <= 0.0 {
        return None;
    }
    let slope = (w * wky - wk * wy) / determinant;
    let intercept = (wy - slope * wk) / w;
    Some((0..counts.len()).map(|k| (intercept + slope * k as f64).exp()).collect())
}

/// The highest quality setting at which libjpeg's scaling of `annex_k` gives `step`:
/// step = floor((annex_k * scale + 50) / 100), scale = 5000 / quality (whole numbers) below 50,
/// else 200 - 2 * quality.
fn highest_quality_for(step: u16, annex_k: f64) -> f64 {
    let smallest_scale = ((100.0 * f64::from(step) - 50.0) / annex_k).max(1.0);
    if smallest_scale <= 100.0 { (200.0 - smallest_scale) / 2.0 } else { (5000.0 / smallest_scale.ceil()).floor() }
}

/// The DCT coefficients (orthonormal, as JPEG's) of `luma` (rows of `width`) at
/// `LOW_FREQUENCIES`, one list per frequency, over its whole blocks.
fn low_frequency_coefficients(luma: &[f32], width: usize) -> [Vec<f32>; 9] {
    let (blocks_x, blocks_y) = (width / 8, luma.len() / width.max(1) / 8);
    let basis = cosine_basis();
    let mut out: [Vec<f32>; 9] = std::array::from_fn(|_| Vec::with_capacity(blocks_x * blocks_y));
    for by in 0..blocks_y {
        for bx in 0..blocks_x {
            // Each row's horizontal frequencies 0..4, then down the columns.
            let mut rows = [[0f32; 4]; 8];
            for (y, sums) in rows.iter_mut().enumerate() {
                let start = (by * 8 + y) * width + bx * 8;
                let row = &luma[start..start + 8];
                for (sum, cosines) in sums.iter_mut().zip(&basis) {
                    *sum = row.iter().zip(cosines).map(|(a, b)| a * b).sum();
                }
            }
            for (list, &(u, v)) in out.iter_mut().zip(&LOW_FREQUENCIES) {
                list.push(rows.iter().zip(&basis[u]).map(|(sums, b)| sums[v] * b).sum());
            }
        }
    }
    out
}

/// The orthonormal 8-point DCT's first four basis vectors.
fn cosine_basis() -> [[f32; 8]; 4] {
    std::array::from_fn(|k| {
        let scale = if k == 0 { (1.0f32 / 8.0).sqrt() } else { (2.0f32 / 8.0).sqrt() };
        std::array::from_fn(|x| scale * ((2 * x + 1) as f32 * k as f32 * std::f32::consts::PI / 16.0).cos())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 512x512 part of the face of a fixture, off its own JPEG grid.
    fn photo() -> image::RgbImage {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/frll_034_de.jpg");
        image::imageops::crop_imm(&image::open(path).unwrap().into_rgb8(), 365, 403, 512, 512).to_image()
    }

    fn jpeg(image: &image::RgbImage, quality: u8) -> Vec<u8> {
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(image).unwrap();
        bytes
    }

    fn decoded(bytes: &[u8]) -> DynamicImage {
        image::load_from_memory(bytes).unwrap()
    }

    #[test]
    fn a_photo_saved_at_50_then_at_95_shows_its_earlier_compression() {
        let photo = photo();
        let once = jpeg(&photo, 95);
        let twice = jpeg(&decoded(&jpeg(&photo, 50)).into_rgb8(), 95);
        let table = |bytes: &[u8]| {
            let markers = super::super::jpeg_markers::scan(bytes).unwrap();
            markers.tables[markers.luma_table].unwrap()
        };
        assert_eq!(earlier_jpeg_quality(&decoded(&once), Some(&table(&once))), None);
        let earlier = earlier_jpeg_quality(&decoded(&twice), Some(&table(&twice))).unwrap();
        assert!((45..=55).contains(&earlier), "{earlier}");
        // The same pixels handed over losslessly show it too, and the uncompressed photo does not.
        let as_pixels = earlier_jpeg_quality(&decoded(&jpeg(&photo, 50)), None).unwrap();
        assert!((45..=55).contains(&as_pixels), "{as_pixels}");
        assert_eq!(earlier_jpeg_quality(&DynamicImage::ImageRgb8(photo), None), None);
    }

    #[test]
    fn the_highest_quality_for_a_step_inverts_libjpegs_scaling() {
        // Quality 85 scales Annex K by 0.3: 11 -> 3 (as up to 88), 12 -> 4; 50 keeps it.
        assert!((88.0..89.0).contains(&highest_quality_for(3, 11.0)));
        assert!((85.0..86.0).contains(&highest_quality_for(4, 12.0)));
        assert!((50.0..55.0).contains(&highest_quality_for(11, 11.0)));
        // Below 50 the scale is a whole number: quality 43 scales 11 by 1.16 to 13, 44 by 1.13
        // to 12.
        assert_eq!(highest_quality_for(13, 11.0), 43.0);
    }
}
