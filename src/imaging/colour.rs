//! Colour science shared by the checks: sRGB linearisation, ISO/IEC 29794-5 luminance and CIELAB.

use std::sync::OnceLock;

/// sRGB component 0..255 -> linear light 0..1 (IEC 61966-2-1).
pub fn srgb_to_linear(value: f32) -> f32 {
    let v = value / 255.0;
    if v <= 0.04045 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
}

/// Linear light 0..1 -> sRGB component 0..255, the inverse of `srgb_to_linear` (clamped); the
/// morph generator blends in linear light.
#[cfg(feature = "tools")]
pub fn linear_to_srgb(linear: f32) -> f32 {
    let v = linear.clamp(0.0, 1.0);
    255.0 * if v <= 0.003_130_8 { 12.92 * v } else { 1.055 * v.powf(1.0 / 2.4) - 0.055 }
}

fn linear_table() -> &'static [f32; 256] {
    static TABLE: OnceLock<[f32; 256]> = OnceLock::new();
    TABLE.get_or_init(|| std::array::from_fn(|i| srgb_to_linear(i as f32)))
}

/// Linear light of an sRGB component that may lie between integer levels (from resampling).
pub fn linear(value: f32) -> f32 {
    let table = linear_table();
    let v = value.clamp(0.0, 255.0);
    // Truncation is the floor here (v >= 0), without a libm call on this per-pixel path.
    let below = v as usize;
    let above = (below + 1).min(255);
    let t = v - below as f32;
    table[below] + (table[above] - table[below]) * t
}

/// ISO/IEC 29794-5 luminance, as OFIQ computes it: linearise sRGB, weight with Rec. 709
/// (0.2126, 0.7152, 0.0722), scale to 0..255 and round.
pub fn luminance(rgb: [f32; 3]) -> u8 {
    let y = 0.2126 * linear(rgb[0]) + 0.7152 * linear(rgb[1]) + 0.0722 * linear(rgb[2]);
    // Rounds half up: the cast truncates a value that is never negative, and saturates at 255.
    (y * 255.0 + 0.5) as u8
}

/// Gamma-encoded luma (Rec. 601 weights) 0..255: edges and blocking are judged on what the eye
/// and the JPEG encoder see, not on linear light.
pub fn luma(rgb: [f32; 3]) -> f32 {
    0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]
}

/// `luma` of each pixel of 8-bit RGB bytes, appended to `out`: the same arithmetic, also compiled
/// for AVX2 (eight pixels at a time).
#[multiversion::multiversion(targets("x86_64+avx2"))]
pub fn extend_with_luma(out: &mut Vec<f32>, rgb_bytes: &[u8]) {
    out.extend(
        rgb_bytes.chunks_exact(3).map(|p| 0.299 * f32::from(p[0]) + 0.587 * f32::from(p[1]) + 0.114 * f32::from(p[2])),
    );
}

/// Spread between the largest and smallest channel (sRGB levels): 0 for grey.
pub fn chroma(rgb: [f32; 3]) -> f32 {
    rgb[0].max(rgb[1]).max(rgb[2]) - rgb[0].min(rgb[1]).min(rgb[2])
}

/// CIELAB (L*, a*, b*) of an sRGB colour, D50 white as in ISO/IEC 29794-5's natural colour measure
/// (sRGB -> XYZ with the Bradford-adapted D50 matrix).
pub fn lab(rgb: [f32; 3]) -> [f64; 3] {
    let [r, g, b] = rgb.map(|c| f64::from(linear(c)));
    let x = r * 0.43605 + g * 0.38508 + b * 0.14309;
    let y = r * 0.22249 + g * 0.71689 + b * 0.06062;
    let z = r * 0.01393 + g * 0.09710 + b * 0.71419;
    let f = |t: f64| {
        const EPSILON: f64 = 216.0 / 24389.0;
        const KAPPA: f64 = 24389.0 / 27.0;
        if t > EPSILON { cube_root(t) } else { (KAPPA * t + 16.0) / 116.0 }
    };
    let (fx, fy, fz) = (f(x / 0.964221), f(y), f(z / 0.825211));
    [116.0 * fy - 16.0, 500.0 * (fx - fy), 200.0 * (fy - fz)]
}

/// Cube root of a positive number, to double precision: a guess from the exponent bits refined
/// by two Halley steps (each triples the correct digits). libm's `cbrt` was two fifths of the
/// time of the colour cues, which take CIELAB per pixel.
fn cube_root(t: f64) -> f64 {
    let mut r = f64::from_bits(t.to_bits() / 3 + 0x2A9F_7893_782D_A1CE);
    for _ in 0..2 {
        let r3 = r * r * r;
        r *= (r3 + 2.0 * t) / (2.0 * r3 + t);
    }
    r
}

#[cfg(test)]
mod tests {
    #[test]
    fn cube_root_matches_libm() {
        for t in [0.008857, 0.01, 0.2, 0.5, 0.964, 1.0, 1.2] {
            assert!((super::cube_root(t) - t.cbrt()).abs() < 1e-14, "{t}");
        }
    }

    use super::*;

    #[test]
    fn extended_luma_is_luma() {
        // Every level in every channel, then scattered colours.
        let mut bytes: Vec<u8> = (0..=255u8).flat_map(|v| [v, 255 - v, v / 3]).collect();
        bytes.extend((0..3 * 4096u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
        let mut extended = Vec::new();
        extend_with_luma(&mut extended, &bytes);
        assert_eq!(extended.len(), 256 + 4096);
        for (p, value) in bytes.chunks_exact(3).zip(extended) {
            let direct = luma([f32::from(p[0]), f32::from(p[1]), f32::from(p[2])]);
            assert_eq!(value.to_bits(), direct.to_bits(), "{p:?}");
        }
    }

    #[test]
    #[cfg(feature = "tools")]
    fn srgb_and_linear_light_round_trip() {
        for value in [0.0, 1.0, 10.0, 128.0, 254.0, 255.0] {
            assert!((linear_to_srgb(srgb_to_linear(value)) - value).abs() < 1e-3, "{value}");
        }
        // Half the light of white is brighter than half the value.
        assert!(linear_to_srgb(0.5) > 180.0);
    }

    #[test]
    fn luminance_of_black_white_and_mid_grey() {
        assert_eq!(luminance([0.0; 3]), 0);
        assert_eq!(luminance([255.0; 3]), 255);
        // sRGB 128 is 21.6 % linear light.
        assert_eq!(luminance([128.0; 3]), 55);
    }

    #[test]
    fn lab_of_neutral_and_skin_colours() {
        let grey = lab([128.0; 3]);
        assert!((grey[0] - 53.6).abs() < 0.5 && grey[1].abs() < 0.5 && grey[2].abs() < 0.5, "{grey:?}");
        let skin = lab([224.0, 172.0, 140.0]);
        assert!(skin[1] > 5.0 && skin[1] < 25.0 && skin[2] > 5.0 && skin[2] < 35.0, "{skin:?}");
    }
}
