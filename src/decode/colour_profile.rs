//! The colour space an embedded ICC profile declares. Passport photos are to be sRGB (ICAO 9303,
//! TR-03121); cameras also write Adobe RGB, and phones Display P3, whose pixel values read as sRGB
//! give other colours. A file without a profile is read as sRGB, as viewers read it.
//!
//! The profile comes from the file, so it is read here by hand, within fixed bounds (its size,
//! its tags, one text): a general ICC parser follows every text list and lookup table a hostile
//! profile points at. Conversion to sRGB (for the crop) hands moxcms a profile rebuilt from the
//! colorant and tone-curve tags alone.

use moxcms::{ColorProfile, Layout, TransformOptions};
use serde::{Deserialize, Serialize};

/// What a file's embedded ICC profile says about its colours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ColourProfile {
    /// The profile's own name for itself ("sRGB IEC61966-2.1", "Adobe RGB (1998)"), where it
    /// gives one (control characters removed, at most 200 characters).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub description: Option<String>,
    /// The kind of values it describes.
    pub data: ColourData,
    /// The largest distance in CIE 1931 xy chromaticity between its red, green and blue
    /// colorants and sRGB's, both as ICC profiles state them (adapted to D50, which brings them
    /// closer than under D65: Display P3 reads 0.085, Adobe RGB 0.138). None where the profile
    /// gives no colorants (grey, CMYK, or RGB by lookup tables alone).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub primaries_off_srgb: Option<f64>,
}

/// The values an ICC profile describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ColourData {
    /// Red, green and blue.
    Rgb,
    /// Grey levels.
    Grey,
    /// Cyan, magenta, yellow and black print colours.
    Cmyk,
    /// Another colour space (Lab, XYZ, more channels).
    Other,
    /// The profile could not be read: too large, damaged, or a tag twice.
    Unreadable,
}

/// Larger profiles are not read: a camera's or a phone's is a few kilobytes, a lookup-table
/// profile some tens.
const MAX_PROFILE_BYTES: usize = 256 * 1024;
const MAX_TAGS: usize = 100;
/// A kept tag (in practice a tone curve) larger than this is not handed to the converter.
const MAX_CURVE_BYTES: usize = 64 * 1024;
/// Primaries closer than this to sRGB's are sRGB's, written by another maker's profile.
const SAME_PRIMARIES: f64 = 0.002;
const HEADER_BYTES: usize = 128;

/// An ICC profile's header and tag table, every tag inside the profile and none twice.
struct Tags<'a> {
    header: &'a [u8],
    tags: Vec<([u8; 4], &'a [u8])>,
}

impl<'a> Tags<'a> {
    fn parse(icc: &'a [u8]) -> Option<Tags<'a>> {
        if icc.len() > MAX_PROFILE_BYTES || icc.len() < HEADER_BYTES + 4 {
            return None;
        }
        let count = be_u32(icc, HEADER_BYTES)? as usize;
        if count > MAX_TAGS {
            return None;
        }
        let mut tags: Vec<([u8; 4], &[u8])> = Vec::with_capacity(count);
        for i in 0..count {
            let entry = HEADER_BYTES + 4 + 12 * i;
            let signature: [u8; 4] = icc.get(entry..entry + 4)?.try_into().ok()?;
            let offset = be_u32(icc, entry + 4)? as usize;
            let size = be_u32(icc, entry + 8)? as usize;
            let data = icc.get(offset..offset.checked_add(size)?)?;
            if tags.iter().any(|(seen, _)| *seen == signature) {
                return None;
            }
            tags.push((signature, data));
        }
        Some(Tags { header: &icc[..HEADER_BYTES], tags })
    }

    fn get(&self, signature: &[u8; 4]) -> Option<&'a [u8]> {
        self.tags.iter().find(|(s, _)| s == signature).map(|(_, data)| *data)
    }

    fn data(&self) -> ColourData {
        match &self.header[16..20] {
            b"RGB " => ColourData::Rgb,
            b"GRAY" => ColourData::Grey,
            b"CMYK" => ColourData::Cmyk,
            _ => ColourData::Other,
        }
    }

    /// The red, green and blue colorants as CIE XYZ.
    fn colorants(&self) -> Option<[[f64; 3]; 3]> {
        Some([xyz(self.get(b"rXYZ")?)?, xyz(self.get(b"gXYZ")?)?, xyz(self.get(b"bXYZ")?)?])
    }

    /// The profile again with its colorants, tone curves, white point and adaptation alone.
    fn matrix_shaper(&self) -> Option<Vec<u8>> {
        const KEPT: [&[u8; 4]; 8] = [b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"wtpt", b"chad"];
        let kept: Vec<(&[u8; 4], &[u8])> =
            KEPT.iter().filter_map(|signature| Some((*signature, self.get(signature)?))).collect();
        let has = |signature: &[u8; 4]| kept.iter().any(|(s, _)| *s == signature);
        let curves_fit = kept.iter().all(|(_, data)| data.len() <= MAX_CURVE_BYTES);
        if !KEPT[..6].iter().all(|signature| has(signature)) || !curves_fit {
            return None;
        }
        let table_end = HEADER_BYTES + 4 + 12 * kept.len();
        let mut bytes = self.header.to_vec();
        bytes.extend_from_slice(&(kept.len() as u32).to_be_bytes());
        let mut offset = table_end;
        for (signature, data) in &kept {
            bytes.extend_from_slice(*signature);
            bytes.extend_from_slice(&(offset as u32).to_be_bytes());
            bytes.extend_from_slice(&(data.len() as u32).to_be_bytes());
            offset += data.len().next_multiple_of(4);
        }
        for (_, data) in &kept {
            bytes.extend_from_slice(data);
            bytes.resize(bytes.len().next_multiple_of(4), 0);
        }
        let size = bytes.len() as u32;
        bytes[..4].copy_from_slice(&size.to_be_bytes());
        Some(bytes)
    }
}

/// The profile in `icc`.
pub fn read(icc: &[u8]) -> ColourProfile {
    let Some(tags) = Tags::parse(icc) else {
        return ColourProfile::unreadable();
    };
    let data = tags.data();
    let srgb = ColorProfile::new_srgb();
    let srgb = [srgb.red_colorant, srgb.green_colorant, srgb.blue_colorant].map(|c| [c.x, c.y, c.z]);
    let primaries_off_srgb = (data == ColourData::Rgb).then(|| tags.colorants()).flatten().and_then(|colorants| {
        colorants
            .iter()
            .zip(&srgb)
            .map(|(colorant, srgb)| Some(distance(chromaticity(*colorant)?, chromaticity(*srgb)?)))
            .try_fold(0.0f64, |worst, d| Some(worst.max(d?)))
    });
    let description = tags.get(b"desc").and_then(description);
    ColourProfile { description, data, primaries_off_srgb }
}

impl ColourProfile {
    /// A profile the file holds but that cannot be read.
    pub(crate) fn unreadable() -> ColourProfile {
        ColourProfile { description: None, data: ColourData::Unreadable, primaries_off_srgb: None }
    }

    /// Whether the pixels are in another RGB space than sRGB, which a conversion can bring there.
    pub(crate) fn is_other_rgb(&self) -> bool {
        self.data == ColourData::Rgb && self.primaries_off_srgb.is_some_and(|off| off > SAME_PRIMARIES)
    }
}

/// Converts `image`, whose colours `icc` describes by colorants and tone curves, to sRGB (colours
/// outside sRGB clipped) and gives the sRGB profile to embed; None, and `image` untouched, where
/// `icc` allows no such conversion.
pub(crate) fn convert_to_srgb(image: &mut image::RgbImage, icc: &[u8]) -> Option<Vec<u8>> {
    let rebuilt = Tags::parse(icc).filter(|tags| tags.data() == ColourData::Rgb)?.matrix_shaper()?;
    // moxcms reads only the tags kept above; a fault in it on odd curves is no fault of the photo.
    let pixels: &[u8] = image.as_raw();
    let converted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let source = ColorProfile::new_from_slice(&rebuilt).ok()?;
        let srgb = ColorProfile::new_srgb();
        let transform =
            source.create_transform_8bit(Layout::Rgb, &srgb, Layout::Rgb, TransformOptions::default()).ok()?;
        let mut converted = vec![0u8; pixels.len()];
        transform.transform(pixels, &mut converted).ok()?;
        Some((converted, srgb.encode().ok()?))
    }))
    .ok()
    .flatten();
    let (pixels, profile) = converted?;
    image.copy_from_slice(&pixels);
    Some(profile)
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?))
}

/// An `XYZ ` tag's first value.
fn xyz(tag: &[u8]) -> Option<[f64; 3]> {
    if tag.get(..4)? != b"XYZ " {
        return None;
    }
    let fixed = |at: usize| Some(f64::from(be_u32(tag, at)? as i32) / 65536.0);
    Some([fixed(8)?, fixed(12)?, fixed(16)?])
}

/// CIE xy of a colorant; None for a missing (zero) or non-finite one.
fn chromaticity([x, y, z]: [f64; 3]) -> Option<(f64, f64)> {
    let sum = x + y + z;
    (sum.is_finite() && sum > 1e-6).then(|| (x / sum, y / sum))
}

fn distance(a: (f64, f64), b: (f64, f64)) -> f64 {
    (a.0 - b.0).hypot(a.1 - b.1)
}

/// The text of a `desc` tag: ICC 2's ASCII description, or the first string of ICC 4's
/// multi-localised list.
fn description(tag: &[u8]) -> Option<String> {
    const MAX_CHARS: usize = 200;
    let text = match tag.get(..4)? {
        b"desc" => {
            let count = be_u32(tag, 8)? as usize;
            let ascii = tag.get(12..12 + count.min(tag.len().saturating_sub(12)))?;
            ascii.iter().take(MAX_CHARS).map(|&b| char::from(b)).collect::<String>()
        }
        b"mluc" => {
            if be_u32(tag, 8)? == 0 {
                return None;
            }
            let (length, offset) = (be_u32(tag, 20)? as usize, be_u32(tag, 24)? as usize);
            let utf16 = tag.get(offset..offset.checked_add(length.min(2 * MAX_CHARS))?)?;
            let units = utf16.chunks_exact(2).map(|pair| u16::from_be_bytes([pair[0], pair[1]]));
            char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)).collect()
        }
        _ => return None,
    };
    // Shown in reports and on screens: no control or direction-changing characters.
    let bidi =
        |c: char| matches!(c, '\u{061c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}');
    let text: String = text.chars().filter(|&c| !c.is_control() && !bidi(c)).take(MAX_CHARS).collect();
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
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
        assert_eq!(srgb.description.as_deref(), Some("sRGB IEC61966-2.1"));
        assert!(!srgb.is_other_rgb());
        // Adobe RGB's green lies far out, Display P3's red and green less far (with the
        // profiles' D50 colorants).
        let adobe = read(&encoded(ColorProfile::new_adobe_rgb()));
        let p3 = read(&encoded(ColorProfile::new_display_p3()));
        assert!(adobe.primaries_off_srgb.is_some_and(|d| (0.13..0.15).contains(&d)), "{adobe:?}");
        assert!(p3.primaries_off_srgb.is_some_and(|d| (0.08..0.09).contains(&d)), "{p3:?}");
        assert!(adobe.is_other_rgb() && p3.is_other_rgb());
    }

    #[test]
    fn a_damaged_oversized_or_repeating_profile_is_unreadable_rather_than_srgb() {
        let bytes = encoded(ColorProfile::new_srgb());
        assert_eq!(read(&bytes[..60]).data, ColourData::Unreadable);
        assert_eq!(read(b"not a profile").data, ColourData::Unreadable);
        assert_eq!(read(&bytes[..bytes.len() / 2]).data, ColourData::Unreadable);
        let mut oversized = bytes.clone();
        oversized.resize(MAX_PROFILE_BYTES + 1, 0);
        assert_eq!(read(&oversized).data, ColourData::Unreadable);
        // Every tag entry made a copy of the first: a parser that follows them all repeats its work.
        let mut repeating = bytes.clone();
        let count = be_u32(&bytes, HEADER_BYTES).unwrap() as usize;
        for i in 1..count {
            let (first, entry) = (HEADER_BYTES + 4, HEADER_BYTES + 4 + 12 * i);
            repeating.copy_within(first..first + 12, entry);
        }
        assert_eq!(read(&repeating).data, ColourData::Unreadable);
    }

    #[test]
    fn a_description_keeps_no_control_or_direction_characters() {
        let mut tag = b"desc\0\0\0\0".to_vec();
        let text = "Evil\u{7}\n profile";
        tag.extend_from_slice(&(text.len() as u32).to_be_bytes());
        tag.extend_from_slice(text.as_bytes());
        assert_eq!(description(&tag).as_deref(), Some("Evil profile"));
        let mut mluc = b"mluc\0\0\0\0".to_vec();
        for value in [1u32, 12, u32::from_be_bytes(*b"enUS"), 8, 28] {
            mluc.extend_from_slice(&value.to_be_bytes());
        }
        mluc.extend("a\u{202e}bc".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(description(&mluc).as_deref(), Some("abc"));
    }

    #[test]
    fn a_display_p3_photo_converts_to_srgb_with_more_saturated_values() {
        let p3 = encoded(ColorProfile::new_display_p3());
        let mut image = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 120, 90]));
        let profile = convert_to_srgb(&mut image, &p3).expect("a matrix-shaper profile converts");
        let [r, g, b] = image.get_pixel(0, 0).0;
        assert!(r > 200 && g < 125 && b < 95, "{r} {g} {b}");
        assert_eq!(read(&profile).primaries_off_srgb.map(|d| d < 1e-3), Some(true));
        let mut untouched = image::RgbImage::from_pixel(4, 4, image::Rgb([200, 120, 90]));
        assert!(convert_to_srgb(&mut untouched, b"not a profile").is_none());
        assert_eq!(untouched.get_pixel(0, 0).0, [200, 120, 90]);
    }
}
