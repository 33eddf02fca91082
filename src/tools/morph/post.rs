//! What a forger does to a morph before handing it in, to hide the blending's traces (ghosting,
//! the smoothness of averaged skin): resize it, compress it again, blur or sharpen it a little,
//! print and scan it.

use image::imageops::{FilterType, resize};
use image::{Rgb, RgbImage};
use imageproc::filter::gaussian_blur_f32;

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PostProcess {
    /// Scaled by `factor` (below 1 shrinks, as for an upload size), Catmull-Rom.
    Resize { factor: f32 },
    /// Encoded as JPEG of this quality (1..100) and decoded again.
    Jpeg { quality: u8 },
    /// Gaussian blur of `sigma` pixels, to soften ghosting at the face's edges.
    Blur { sigma: f32 },
    /// Unsharp masking (radius 1 px) by `amount`, to bring back the crispness blending took away.
    Sharpen { amount: f32 },
    /// Gaussian noise of `sigma` grey levels per channel (seeded), as retouchers add grain back
    /// to a smoothed skin.
    Grain { sigma: f32, seed: u64 },
    /// A print and a scan: the print's resolution (0.6x), ink spread, a tone curve and colour
    /// shift, scanner noise (seeded), back to the original size, saved as JPEG 90.
    PrintScan { seed: u64 },
}

pub fn apply(image: &RgbImage, step: PostProcess) -> RgbImage {
    match step {
        PostProcess::Resize { factor } => {
            let scaled = |v: u32| ((v as f32 * factor).round() as u32).max(1);
            resize(image, scaled(image.width()), scaled(image.height()), FilterType::CatmullRom)
        }
        PostProcess::Jpeg { quality } => jpeg_round_trip(image, quality),
        PostProcess::Blur { sigma } => gaussian_blur_f32(image, sigma.max(0.1)),
        PostProcess::Sharpen { amount } => {
            let blurred = gaussian_blur_f32(image, 1.0);
            combine(image, &blurred, |v, b| v + amount * (v - b))
        }
        PostProcess::Grain { sigma, seed } => crate::tools::edits::noise(image, sigma, seed),
        PostProcess::PrintScan { seed } => print_scan(image, seed),
    }
}

fn combine(image: &RgbImage, other: &RgbImage, f: impl Fn(f32, f32) -> f32) -> RgbImage {
    let mut out = image.clone();
    for (pixel, o) in out.pixels_mut().zip(other.pixels()) {
        for c in 0..3 {
            pixel.0[c] = f(f32::from(pixel.0[c]), f32::from(o.0[c])).round().clamp(0.0, 255.0) as u8;
        }
    }
    out
}

fn jpeg_round_trip(image: &RgbImage, quality: u8) -> RgbImage {
    let bytes = crate::tools::edits::jpeg_bytes(image, quality.clamp(1, 100));
    image::load_from_memory_with_format(&bytes, image::ImageFormat::Jpeg)
        .expect("a JPEG the image crate just wrote decodes")
        .to_rgb8()
}

fn print_scan(image: &RgbImage, seed: u64) -> RgbImage {
    let (width, height) = image.dimensions();
    let printed = apply(image, PostProcess::Resize { factor: 0.6 });
    let inked = gaussian_blur_f32(&printed, 0.7);
    let mut noise = Noise(seed);
    let gains = [1.03, 1.0, 0.96];
    let mut scanned = inked.clone();
    for pixel in scanned.pixels_mut() {
        let grain = 2.5 * noise.gaussian();
        *pixel = Rgb([0, 1, 2].map(|c| {
            let tone = 255.0 * (f32::from(pixel.0[c]) / 255.0).powf(1.1);
            (tone * gains[c] + grain).round().clamp(0.0, 255.0) as u8
        }));
    }
    jpeg_round_trip(&resize(&scanned, width, height, FilterType::CatmullRom), 90)
}

/// Seeded Gaussian noise (splitmix64 and Box-Muller), so a print-scan is the same run to run.
struct Noise(u64);

impl Noise {
    fn uniform(&mut self) -> f32 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        ((z >> 40) as f32 + 0.5) / (1u64 << 24) as f32
    }

    fn gaussian(&mut self) -> f32 {
        let (u, v) = (self.uniform(), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f32::consts::TAU * v).cos()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ramp() -> RgbImage {
        RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 128]))
    }

    #[test]
    fn each_step_keeps_or_sets_the_size_and_print_scan_is_repeatable() {
        let image = ramp();
        assert_eq!(apply(&image, PostProcess::Resize { factor: 0.5 }).dimensions(), (32, 24));
        for step in [
            PostProcess::Jpeg { quality: 70 },
            PostProcess::Blur { sigma: 1.0 },
            PostProcess::Sharpen { amount: 0.8 },
            PostProcess::PrintScan { seed: 7 },
        ] {
            let out = apply(&image, step);
            assert_eq!(out.dimensions(), image.dimensions(), "{step:?}");
            assert_ne!(out, image, "{step:?} changed nothing");
        }
        assert_eq!(
            apply(&image, PostProcess::PrintScan { seed: 7 }),
            apply(&image, PostProcess::PrintScan { seed: 7 })
        );
        assert_ne!(
            apply(&image, PostProcess::PrintScan { seed: 7 }),
            apply(&image, PostProcess::PrintScan { seed: 8 })
        );
    }
}
