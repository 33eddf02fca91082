//! The print resolution a file states, wherever its format keeps it: EXIF (JPEG, TIFF, PNG, WebP),
//! the JFIF header, PNG's pHYs chunk, the BMP header. A scan's resolution is what tells its printed
//! size; nothing here is trusted for anything else.

use std::io::Cursor;

use super::ImageFormat;

const MM_PER_INCH: f64 = 25.4;
/// Resolutions outside this band are not a scan's or a print's (and a zero would divide by zero).
const PLAUSIBLE_DPI: std::ops::RangeInclusive<f64> = 10.0..=10_000.0;

/// A file's EXIF (JPEG, TIFF, PNG, WebP), parsed on first use and then kept: several facts read it.
pub struct LazyExif<'a> {
    bytes: &'a [u8],
    parsed: std::cell::OnceCell<Option<exif::Exif>>,
}

impl<'a> LazyExif<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        LazyExif { bytes, parsed: std::cell::OnceCell::new() }
    }

    pub fn get(&self) -> Option<&exif::Exif> {
        self.parsed.get_or_init(|| exif::Reader::new().read_from_container(&mut Cursor::new(self.bytes)).ok()).as_ref()
    }
}

/// Horizontal and vertical dots per inch, if the file states a plausible resolution in a real
/// unit (a bare aspect ratio, as JFIF's unit 0 and PNG's unit 0 give, is not a resolution).
pub fn stated_dpi(format: ImageFormat, bytes: &[u8], exif: &LazyExif) -> Option<[f64; 2]> {
    let dpi = match format {
        ImageFormat::Jpeg => exif_dpi(exif).or_else(|| jfif_dpi(bytes)),
        ImageFormat::Png => png_dpi(bytes).or_else(|| exif_dpi(exif)),
        ImageFormat::Tiff | ImageFormat::WebP => exif_dpi(exif),
        ImageFormat::Bmp => bmp_dpi(bytes),
        ImageFormat::Jpeg2000 | ImageFormat::Pnm | ImageFormat::Raw => None,
    }?;
    dpi.iter().all(|d| PLAUSIBLE_DPI.contains(d)).then_some(dpi)
}

/// EXIF's XResolution and YResolution in IFD0, in ResolutionUnit (2 = inch, the default; 3 = cm).
fn exif_dpi(exif: &LazyExif) -> Option<[f64; 2]> {
    use exif::{In, Tag, Value};
    let exif = exif.get()?;
    let rational = |tag| match &exif.get_field(tag, In::PRIMARY)?.value {
        Value::Rational(values) => values.first().filter(|r| r.denom != 0).map(|r| r.to_f64()),
        _ => None,
    };
    let per_unit = [rational(Tag::XResolution)?, rational(Tag::YResolution)?];
    let unit = exif.get_field(Tag::ResolutionUnit, In::PRIMARY).and_then(|f| f.value.get_uint(0)).unwrap_or(2);
    match unit {
        2 => Some(per_unit),
        3 => Some(per_unit.map(|d| d * MM_PER_INCH / 10.0)),
        _ => None,
    }
}

/// The JFIF APP0 segment right after SOI: units (1 = per inch, 2 = per cm), then X and Y density.
fn jfif_dpi(bytes: &[u8]) -> Option<[f64; 2]> {
    let app0 = bytes.get(2..20)?;
    if app0[..2] != [0xFF, 0xE0] || &app0[4..9] != b"JFIF\0" {
        return None;
    }
    let density = |at: usize| f64::from(u16::from_be_bytes([app0[at], app0[at + 1]]));
    let per_unit = [density(12), density(14)];
    match app0[11] {
        1 => Some(per_unit),
        2 => Some(per_unit.map(|d| d * MM_PER_INCH / 10.0)),
        _ => None,
    }
}

/// PNG's pHYs chunk (pixels per unit X and Y, unit 1 = metre), which comes before the first IDAT.
fn png_dpi(bytes: &[u8]) -> Option<[f64; 2]> {
    let mut pos = 8;
    while let Some(header) = bytes.get(pos..pos + 8) {
        let length = usize::try_from(u32::from_be_bytes(header[..4].try_into().ok()?)).ok()?;
        let kind = &header[4..8];
        if kind == b"IDAT" {
            return None;
        }
        if kind == b"pHYs" {
            let data = bytes.get(pos + 8..pos + 17)?;
            let per_metre = |at: usize| f64::from(u32::from_be_bytes(data[at..at + 4].try_into().unwrap_or([0; 4])));
            return (data[8] == 1).then(|| [per_metre(0), per_metre(4)].map(|d| d * MM_PER_INCH / 1000.0));
        }
        pos = pos.checked_add(12)?.checked_add(length)?;
    }
    None
}

/// The BITMAPINFOHEADER's pixels per metre (absent from the old 12-byte core header).
fn bmp_dpi(bytes: &[u8]) -> Option<[f64; 2]> {
    let header_size = u32::from_le_bytes(bytes.get(14..18)?.try_into().ok()?);
    if header_size < 40 {
        return None;
    }
    let per_metre =
        |at: usize| -> Option<f64> { Some(f64::from(i32::from_le_bytes(bytes.get(at..at + 4)?.try_into().ok()?))) };
    Some([per_metre(38)?, per_metre(42)?].map(|d| d * MM_PER_INCH / 1000.0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jfif_density_in_dots_per_cm_is_converted() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpeg.extend_from_slice(b"JFIF\0\x01\x01\x02");
        jpeg.extend_from_slice(&[0, 118, 0, 118, 0, 0]);
        let [x, y] = jfif_dpi(&jpeg).unwrap();
        assert!((x - 299.72).abs() < 0.01 && (y - 299.72).abs() < 0.01, "{x} {y}");
    }

    #[test]
    fn an_aspect_ratio_only_is_no_resolution() {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0, 16];
        jpeg.extend_from_slice(b"JFIF\0\x01\x01\x00");
        jpeg.extend_from_slice(&[0, 1, 0, 1, 0, 0]);
        assert_eq!(stated_dpi(ImageFormat::Jpeg, &jpeg, &LazyExif::new(&jpeg)), None);
    }
}
