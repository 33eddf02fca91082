//! The colour space an embedded ICC profile declares. Passport photos are to be sRGB (ICAO 9303,
//! TR-03121); cameras also write Adobe RGB, and phones Display P3, whose pixel values read as sRGB
//! give other colours. A file without a profile is read as sRGB, as viewers read it.

use moxcms::{ColorProfile, DataColorSpace, Layout, ProfileText, TransformOptions, Xyzd};
use serde::{Deserialize, Serialize};

/// What a file's embedded ICC profile says about its colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ColourProfile {
    /// The profile's own name for itself ("sRGB IEC61966-2.1", "Adobe RGB (1998)"), where it
    /// gives one.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// The kind of values it describes.
    pub data: ColourData,
    /// The largest distance in CIE 1931 xy chromaticity between its red, green and blue primaries
    /// and sRGB's (both as the profile connection space's D50 gives them); None where the
    /// profile gives no primaries (grey, CMYK, or RGB by lookup tables alone).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub primaries_off_srgb: Option<f64>,
}

/// The values an ICC profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourData {
    Rgb,
    Grey,
    Cmyk,
    /// Another colour space (Lab, XYZ, more channels).
    Other,
    /// The profile could not be parsed.
    Unreadable,
}

/// The profile in `icc`.
pub fn read(icc: &[u8]) -> ColourProfile {
    let Ok(profile) = ColorProfile::new_from_slice(icc) else {
        return ColourProfile { description: None, data: ColourData::Unreadable, primaries_off_srgb: None };
    };
    let data = match profile.color_space {
        DataColorSpace::Rgb => ColourData::Rgb,
        DataColorSpace::Gray => ColourData::Grey,
        DataColorSpace::Cmyk => ColourData::Cmyk,
        _ => ColourData::Other,
    };
    let primaries = [profile.red_colorant, profile.green_colorant, profile.blue_colorant];
    let srgb = ColorProfile::new_srgb();
    let reference = [srgb.red_colorant, srgb.green_colorant, srgb.blue_colorant];
    let primaries_off_srgb = (profile.color_space == DataColorSpace::Rgb)
        .then(|| {
            primaries
                .iter()
                .zip(&reference)
                .map(|(primary, srgb)| Some(distance(chromaticity(*primary)?, chromaticity(*srgb)?)))
                .try_fold(0.0f64, |worst, d| Some(worst.max(d?)))
        })
        .flatten();
    ColourProfile { description: profile.description.as_ref().and_then(text), data, primaries_off_srgb }
}

/// Primaries closer than this to sRGB's are sRGB's, written by another maker's profile.
const SAME_PRIMARIES: f64 = 0.002;

impl ColourProfile {
    /// Whether the pixels are in another RGB space than sRGB, which a conversion can bring there.
    pub(crate) fn is_other_rgb(&self) -> bool {
        self.data == ColourData::Rgb && self.primaries_off_srgb.is_some_and(|off| off > SAME_PRIMARIES)
    }
}

/// Converts `image`, whose colours `icc` describes, to sRGB (perceptual intent) and gives the
/// sRGB profile to embed; None, and `image` untouched, where `icc` allows no conversion.
pub(crate) fn convert_to_srgb(image: &mut image::RgbImage, icc: &[u8]) -> Option<Vec<u8>> {
    let source = ColorProfile::new_from_slice(icc).ok()?;
    let srgb = ColorProfile::new_srgb();
    let transform = source.create_transform_8bit(Layout::Rgb, &srgb, Layout::Rgb, TransformOptions::default()).ok()?;
    let mut converted = vec![0u8; image.as_raw().len()];
    transform.transform(image.as_raw(), &mut converted).ok()?;
    let profile = srgb.encode().ok()?;
    image.copy_from_slice(&converted);
    Some(profile)
}

/// CIE xy of a colorant; None for a missing (zero) or non-finite one.
fn chromaticity(xyz: Xyzd) -> Option<(f64, f64)> {
    let sum = xyz.x + xyz.y + xyz.z;
    (sum.is_finite() && sum > 1e-6).then(|| (xyz.x / sum, xyz.y / sum))
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

fn text(text: &ProfileText) -> Option<String> {
    let value = match text {
        ProfileText::PlainString(s) => s.clone(),
        ProfileText::Localizable(strings) => strings.first()?.value.clone(),
        ProfileText::Description(d) => d.ascii_string.clone(),
    };
    let value: String = value.trim_matches(char::from(0)).trim().chars().take(200).collect();
    (!value.is_empty()).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(profile: ColorProfile) -> Vec<u8> {
        profile.encode().expect("moxcms writes its own profiles")
    }

    #[test]
    fn srgb_reads_as_srgb_and_wider_spaces_by_how_far_their_primaries_lie() {
        let srgb = read(&encoded(ColorProfile::new_srgb()));
        assert_eq!(srgb.data, ColourData::Rgb);
        assert!(srgb.primaries_off_srgb.unwrap() < 1e-3, "{srgb:?}");
        assert!(srgb.description.as_deref().is_some_and(|d| d.contains("sRGB")), "{srgb:?}");
        // Adobe RGB's green lies far out, Display P3's red and green less far (0.14 and 0.085
        // with the profiles' D50 colorants).
        let adobe = read(&encoded(ColorProfile::new_adobe_rgb())).primaries_off_srgb.unwrap();
        let p3 = read(&encoded(ColorProfile::new_display_p3())).primaries_off_srgb.unwrap();
        assert!((0.11..0.2).contains(&adobe), "{adobe}");
        assert!((0.05..0.12).contains(&p3), "{p3}");
    }

    #[test]
    fn a_damaged_profile_is_unreadable_rather_than_srgb() {
        let bytes = encoded(ColorProfile::new_srgb());
        assert_eq!(read(&bytes[..60]).data, ColourData::Unreadable);
        assert_eq!(read(b"not a profile").data, ColourData::Unreadable);
        let half = read(&bytes[..bytes.len() / 2]);
        assert!(half.data == ColourData::Unreadable || half.primaries_off_srgb.is_none_or(f64::is_finite), "{half:?}");
    }
}
