//! Compression (requirements section 7): the JPEG quality setting the file was saved at, that of
//! an earlier compression its pixels show, and the blocking it left on the face.

use image::RgbImage;

use super::{Finding, NotMeasured, quality};
use crate::decode::{ImageFacts, ImageFormat};
use crate::imaging::colour;

/// How strongly the file was compressed, as the JPEG quality setting (1..100) its quantisation
/// table implies; 100 for lossless files and pixels handed over directly.
pub fn jpeg_quality_setting(facts: &ImageFacts) -> Result<Finding, NotMeasured> {
    let setting = match facts.format {
        ImageFormat::Jpeg => facts.jpeg_quality.map(f64::from).ok_or(NotMeasured::CompressionUnknown)?,
        _ if facts.stored_losslessly() => 100.0,
        // TIFF and WebP may hold JPEG- or VP8-compressed pixels, whose quality setting is not read.
        _ => return Err(NotMeasured::CompressionUnknown),
    };
    Ok(Finding { value: setting, quality: quality(setting / 100.0) })
}

/// The JPEG quality of an earlier compression the pixels show (`ImageFacts::earlier_jpeg_quality`);
/// 100 where none shows. Not read for a JPEG without a quality (no luma table) nor for TIFF and
/// WebP stored with loss, whose own compression would read as an earlier one.
pub fn earlier_jpeg_quality(facts: &ImageFacts) -> Result<Finding, NotMeasured> {
    let unread = match facts.format {
        ImageFormat::Jpeg => facts.jpeg_quality.is_none(),
        ImageFormat::Tiff | ImageFormat::WebP => facts.lossless != Some(true),
        _ => false,
    };
    if unread {
        return Err(NotMeasured::CompressionUnknown);
    }
    let setting = facts.earlier_jpeg_quality.map_or(100.0, f64::from);
    Ok(Finding { value: setting, quality: quality(setting / 100.0) })
}

/// JPEG blocking in a region of the photo at its own resolution: the mean luma step across the
/// 8-pixel block borders over the mean step elsewhere (1 = no blocking). The grid is the photo's
/// own, so it holds for a JPEG that was not cropped or scaled after compression. Also compiled
/// for AVX2 (the same sums).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn blockiness(image: &RgbImage, x0: u32, y0: u32, x1: u32, y1: u32) -> Option<Finding> {
    let (x1, y1) = (x1.min(image.width()), y1.min(image.height()));
    if x1 < x0 + 17 || y1 < y0 + 17 {
        return None;
    }
    // One pass down the rows, with the luma of the row above kept for the vertical steps.
    let (width, raw) = (image.width() as usize, image.as_raw());
    let (x0, x1) = (x0 as usize, x1 as usize);
    let luma_row = |y: u32, out: &mut Vec<f32>| {
        let row = &raw[(y as usize * width + x0) * 3..(y as usize * width + x1) * 3];
        out.clear();
        colour::extend_with_luma(out, row);
    };
    let (mut above, mut here) = (Vec::with_capacity(x1 - x0), Vec::with_capacity(x1 - x0));
    let (mut border, mut border_n, mut inner, mut inner_n) = (0f64, 0usize, 0f64, 0usize);
    // Steps whose right (or lower) pixel starts a JPEG block lie on the block border: each row's
    // steps are summed whole, then those on a border taken out (the first is step `first_border`).
    let horizontal_border = (x0 + 1..x1).filter(|x| x % 8 == 0).count();
    let first_border = (8 - (x0 + 1) % 8) % 8;
    for y in y0..y1 {
        luma_row(y, &mut here);
        let mut row_border: f32 =
            (first_border..here.len() - 1).step_by(8).map(|i| (here[i + 1] - here[i]).abs()).sum();
        let mut row_inner = sum_of_steps(&here[1..], &here[..here.len() - 1]) - row_border;
        border_n += horizontal_border;
        inner_n += x1 - x0 - 1 - horizontal_border;
        if y > y0 {
            let step_sum = sum_of_steps(&here, &above);
            if y % 8 == 0 {
                row_border += step_sum;
                border_n += x1 - x0;
            } else {
                row_inner += step_sum;
                inner_n += x1 - x0;
            }
        }
        border += f64::from(row_border);
        inner += f64::from(row_inner);
        std::mem::swap(&mut above, &mut here);
    }
    if border_n == 0 || inner_n == 0 || inner == 0.0 {
        return None;
    }
    let ratio = (border / border_n as f64) / (inner / inner_n as f64);
    Some(Finding { value: ratio, quality: quality(2.0 - ratio) })
}

/// The sum of |a - b| over two rows, in eight lanes so that it vectorises.
#[inline(always)]
fn sum_of_steps(a: &[f32], b: &[f32]) -> f32 {
    let (a_chunks, b_chunks) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = a_chunks.remainder().iter().zip(b_chunks.remainder()).map(|(x, y)| (x - y).abs()).sum();
    let mut lanes = [0f32; 8];
    for (a8, b8) in a_chunks.zip(b_chunks) {
        for ((lane, x), y) in lanes.iter_mut().zip(a8).zip(b8) {
            *lane += (x - y).abs();
        }
    }
    lanes.iter().sum::<f32>() + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blockiness_sees_an_8_pixel_grid() {
        let flat_blocks = RgbImage::from_fn(64, 64, |x, y| {
            let level = ((x / 8 * 37 + y / 8 * 91) % 200) as u8 + (x % 3) as u8;
            image::Rgb([level; 3])
        });
        assert!(blockiness(&flat_blocks, 0, 0, 64, 64).unwrap().value > 5.0);
        let smooth = RgbImage::from_fn(64, 64, |x, y| image::Rgb([(x * 2 + y) as u8; 3]));
        assert!((blockiness(&smooth, 0, 0, 64, 64).unwrap().value - 1.0).abs() < 0.2);
    }
}
