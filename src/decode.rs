//! Bytes to an upright RGB image, within limits checked before any pixel is decoded, plus the format
//! facts a report states (format, size, colour type, an estimate of the JPEG quality).

use std::io::{Cursor, Read};
use std::path::Path;

use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage, metadata::Orientation};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod colour_profile;
mod jpeg_entropy;
mod recompression;
mod resolution;

pub(crate) use colour_profile::convert_to_srgb;
pub use colour_profile::{ColourData, ColourProfile};
pub(crate) use recompression::earlier_jpeg_quality_of_pixels;

#[cfg(feature = "tools")]
pub use jpeg_entropy::check as check_jpeg_entropy;

/// Bounds on what a caller may hand us. Checked from the file header, before the pixels are
/// decoded, so a decompression bomb costs a few microseconds and no memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecodeLimits {
    /// Largest encoded input, in bytes (64 MiB by default).
    pub max_input_bytes: usize,
    /// Widest image, in pixels (16384).
    pub max_width: u32,
    /// Tallest image, in pixels (16384).
    pub max_height: u32,
    /// Most pixels in one image (50 megapixels).
    pub max_pixels: u64,
    /// Upper bound on the decoder's own allocations (the `image` crate enforces it while decoding).
    pub max_alloc_bytes: u64,
    /// Longest side over the shortest (4): grids sized from the photo's shape stay bounded.
    pub max_aspect_ratio: u32,
}

impl Default for DecodeLimits {
    fn default() -> Self {
        DecodeLimits {
            max_input_bytes: 64 << 20,
            max_width: 16_384,
            max_height: 16_384,
            max_pixels: 50_000_000,
            max_alloc_bytes: 512 << 20,
            max_aspect_ratio: 4,
        }
    }
}

impl DecodeLimits {
    pub(crate) fn check_dimensions(&self, width: u32, height: u32) -> Result<()> {
        let too_large = |limit: String| Error::ImageTooLarge { width: width.into(), height: height.into(), limit };
        if width > self.max_width || height > self.max_height {
            return Err(too_large(format!("{}x{} px", self.max_width, self.max_height)));
        }
        if u64::from(width) * u64::from(height) > self.max_pixels {
            return Err(too_large(format!("{} pixels", self.max_pixels)));
        }
        if width == 0 || height == 0 {
            return Err(Error::Decode { format: "image", detail: "zero width or height".into() });
        }
        let ratio = f64::from(width.max(height)) / f64::from(width.min(height));
        if ratio > f64::from(self.max_aspect_ratio) {
            return Err(Error::AspectRatio { width, height, ratio, limit: self.max_aspect_ratio });
        }
        Ok(())
    }

    /// Reads a photo file with `max_input_bytes` applied while reading. Anything but a regular
    /// file (a FIFO, a device, a directory, or a link to one) is refused before it is opened.
    pub fn read_file(&self, path: &Path) -> Result<Vec<u8>> {
        let io = |source| Error::Io { path: path.to_path_buf(), source };
        let metadata = std::fs::metadata(path).map_err(io)?;
        if !metadata.is_file() {
            return Err(Error::NotAFile { path: path.to_path_buf() });
        }
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::new();
        file.take((self.max_input_bytes as u64).saturating_add(1)).read_to_end(&mut bytes).map_err(io)?;
        if bytes.len() > self.max_input_bytes {
            let len = usize::try_from(metadata.len()).unwrap_or(usize::MAX).max(bytes.len());
            return Err(Error::InputTooLarge { len, limit: self.max_input_bytes });
        }
        Ok(bytes)
    }
}

/// The encoding of a photo, recognised by its signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageFormat {
    /// JPEG (JFIF or Exif).
    Jpeg,
    /// PNG.
    Png,
    /// JPEG 2000, as a JP2 file or a bare codestream.
    Jpeg2000,
    /// TIFF (scanners): 8 or 16 bit, grey, RGB or CMYK, uncompressed, LZW, Deflate or PackBits.
    Tiff,
    /// Windows bitmap (scanners).
    Bmp,
    /// WebP, lossy or lossless (phones, the web).
    WebP,
    /// The portable anymap family: PBM, PGM, PPM, PAM.
    Pnm,
    /// Pixels handed over by the caller, not an encoded file.
    Raw,
}

impl ImageFormat {
    /// The format's usual name ("JPEG", "JPEG 2000", ...).
    pub fn name(self) -> &'static str {
        match self {
            ImageFormat::Jpeg => "JPEG",
            ImageFormat::Png => "PNG",
            ImageFormat::Jpeg2000 => "JPEG 2000",
            ImageFormat::Tiff => "TIFF",
            ImageFormat::Bmp => "BMP",
            ImageFormat::WebP => "WebP",
            ImageFormat::Pnm => "PNM",
            ImageFormat::Raw => "raw pixels",
        }
    }

    /// Recognises the format by its signature, not by a file name.
    pub fn sniff(bytes: &[u8]) -> Option<ImageFormat> {
        const JP2: &[u8] = b"\x00\x00\x00\x0cjP  ";
        const J2K: &[u8] = b"\xff\x4f\xff\x51";
        if bytes.starts_with(b"\xff\xd8\xff") {
            Some(ImageFormat::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ImageFormat::Png)
        } else if bytes.starts_with(JP2) || bytes.starts_with(J2K) {
            Some(ImageFormat::Jpeg2000)
        } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
            Some(ImageFormat::Tiff)
        } else if bytes.starts_with(b"BM") && bytes.len() >= 26 {
            Some(ImageFormat::Bmp)
        } else if bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP") {
            Some(ImageFormat::WebP)
        } else if bytes.len() >= 3
            && bytes[0] == b'P'
            && (b'1'..=b'7').contains(&bytes[1])
            && bytes[2].is_ascii_whitespace()
        {
            Some(ImageFormat::Pnm)
        } else {
            None
        }
    }
}

/// The colour channels the file stores (the pixels are checked as RGB whatever they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ColourType {
    /// One grey channel.
    Grey,
    /// Grey and alpha.
    GreyAlpha,
    /// Red, green, blue.
    Rgb,
    /// Red, green, blue, alpha.
    Rgba,
    /// Cyan, magenta, yellow, black (print files).
    Cmyk,
}

/// What the file says about itself. Dimensions are those of the upright image, after EXIF orientation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImageFacts {
    /// The encoding.
    pub format: ImageFormat,
    /// Width in pixels, upright.
    pub width: u32,
    /// Height in pixels, upright.
    pub height: u32,
    /// The channels the file stores.
    pub colour_type: ColourType,
    /// Bits per channel sample (8 or 16).
    pub bits_per_sample: u8,
    /// Size of the encoded input (or of the pixel buffer), in bytes.
    pub bytes: usize,
    /// EXIF orientation tag (1..8) when the file has one; already applied to the pixels.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub exif_orientation: Option<u8>,
    /// Quality 1..100 on the libjpeg scale, estimated from the luminance quantisation table.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jpeg_quality: Option<u8>,
    /// Whether a JPEG is progressive rather than baseline.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub jpeg_progressive: Option<bool>,
    /// The print resolution the file states (EXIF, JFIF, PNG pHYs, TIFF or BMP header), in dots per
    /// inch, horizontal then vertical. Scanners write the real one; cameras often write 72.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub resolution_dpi: Option<[f64; 2]>,
    /// For TIFF and WebP, which may hold either: whether the pixels are stored without loss.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub lossless: Option<bool>,
    /// The embedded ICC colour profile's colour space; None without one (read as sRGB).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub colour_profile: Option<ColourProfile>,
    /// The highest JPEG quality (libjpeg scale) of an earlier compression the pixels went through
    /// on the same block grid, where one shows (a photo saved at 50 and again at 95 reads 95 in
    /// `jpeg_quality` and about 50 here); None where none shows, and for TIFF and WebP files stored
    /// with loss (not read). Files of other formats, and pixels, are read as if stored without
    /// loss (a PNG of a JPEG's pixels shows the JPEG's).
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub earlier_jpeg_quality: Option<u8>,
    /// For a JPEG: how its blocks lie in the file, which damage to its values follows.
    #[serde(skip)]
    pub(crate) jpeg_blocks: Option<JpegBlockLayout>,
}

/// The block grid a JPEG was coded in, in stored pixels (before the EXIF turn).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JpegBlockLayout {
    /// Width and height of one MCU, the unit the file codes in order: 8 for a single component,
    /// 16 for colour with halved chroma.
    pub mcu_width: u32,
    pub mcu_height: u32,
    /// MCUs between restart markers, which start every block value afresh; 0 for none.
    pub restart_interval: u32,
}

impl ImageFacts {
    /// Whether the pixels are stored without loss: PNG, BMP, PNM, pixels handed over directly,
    /// and TIFF or WebP that say so. JPEG, JPEG 2000 and the other TIFF and WebP files do not
    /// (JPEG 2000 may, but its header does not tell).
    pub(crate) fn stored_losslessly(&self) -> bool {
        match self.format {
            ImageFormat::Png | ImageFormat::Bmp | ImageFormat::Pnm | ImageFormat::Raw => true,
            ImageFormat::Tiff | ImageFormat::WebP => self.lossless == Some(true),
            ImageFormat::Jpeg | ImageFormat::Jpeg2000 => false,
        }
    }

    /// The size the photo prints at under its stated resolution, in millimetres (width, height).
    pub fn printed_size_mm(&self) -> Option<[f64; 2]> {
        let [x_dpi, y_dpi] = self.resolution_dpi?;
        Some([f64::from(self.width) / x_dpi * 25.4, f64::from(self.height) / y_dpi * 25.4])
    }
}

/// A decoded, upright photo and its facts.
#[derive(Debug, Clone)]
pub struct Decoded {
    pub image: RgbImage,
    pub facts: ImageFacts,
    /// The embedded ICC colour profile, to carry into a file made from the photo.
    pub icc_profile: Option<Vec<u8>>,
}

/// Decodes JPEG, PNG, JPEG 2000, TIFF, BMP, WebP or PNM bytes into an upright 8-bit RGB image.
pub fn decode(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::EmptyInput);
    }
    if bytes.len() > limits.max_input_bytes {
        return Err(Error::InputTooLarge { len: bytes.len(), limit: limits.max_input_bytes });
    }
    let format = ImageFormat::sniff(bytes).ok_or(Error::UnknownFormat)?;
    // The decoders are third-party code fed with untrusted bytes: should one of them panic, the
    // caller still gets a typed error (20,000 mutated files in testing found no such panic).
    std::panic::catch_unwind(|| {
        // A TIFF's EXIF holds both its resolution and its compression: read it once, when asked.
        let exif = resolution::LazyExif::new(bytes);
        let lossless = stated_losslessness(format, bytes, &exif);
        let mut decoded = match format {
            ImageFormat::Jpeg => decode_jpeg(bytes, limits),
            ImageFormat::Png => decode_png(bytes, limits),
            ImageFormat::Jpeg2000 => decode_jpeg2000(bytes, limits),
            ImageFormat::Bmp | ImageFormat::Pnm => decode_with_image_crate(bytes, format, limits, Storage::Lossless),
            // A TIFF's or WebP's own lossy compression is no earlier one: not read there.
            ImageFormat::Tiff | ImageFormat::WebP => {
                let storage = if lossless == Some(true) { Storage::Lossless } else { Storage::OtherLossy };
                decode_with_image_crate(bytes, format, limits, storage)
            }
            ImageFormat::Raw => Err(Error::UnknownFormat),
        }?;
        decoded.facts.resolution_dpi = resolution::stated_dpi(format, bytes, &exif);
        decoded.facts.lossless = lossless;
        Ok(decoded)
    })
    .unwrap_or_else(|_| {
        Err(Error::Decode { format: format.name(), detail: "the decoder failed on malformed data".into() })
    })
}

/// Whether a TIFF's or WebP's file states its pixels stored without loss (TIFF: no compression,
/// LZW, Deflate or PackBits; WebP: the VP8L codec), from which `ImageFacts::stored_losslessly`
/// concludes. None for the formats whose name says it.
fn stated_losslessness(format: ImageFormat, bytes: &[u8], exif: &resolution::LazyExif) -> Option<bool> {
    match format {
        ImageFormat::Tiff => {
            const LOSSLESS: [u32; 5] = [1, 5, 8, 32773, 32946];
            let exif = exif.get()?;
            let compression = exif.get_field(exif::Tag::Compression, exif::In::PRIMARY)?.value.get_uint(0)?;
            Some(LOSSLESS.contains(&compression))
        }
        ImageFormat::WebP => {
            // RIFF chunks after "WEBP": the image is in a VP8L (lossless) or a VP8 (lossy) chunk.
            let mut pos = 12;
            while let Some(header) = bytes.get(pos..pos + 8) {
                match &header[..4] {
                    b"VP8L" => return Some(true),
                    b"VP8 " => return Some(false),
                    _ => {}
                }
                let length = usize::try_from(u32::from_le_bytes(header[4..8].try_into().ok()?)).ok()?;
                pos = pos.checked_add(8)?.checked_add(length.checked_add(length & 1)?)?;
            }
            None
        }
        _ => None,
    }
}

fn decode_jpeg(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded> {
    let markers = jpeg_markers::scan(bytes)?;
    if markers.components == 0 {
        return Err(Error::Decode { format: "JPEG", detail: "no frame header (SOF) before the end".into() });
    }
    limits.check_dimensions(u32::from(markers.width), u32::from(markers.height))?;
    if !markers.has_end_of_image {
        // zune-jpeg fills a cut-off scan with grey and reports success; a truncated upload must not
        // be judged as if it were the photo.
        return Err(Error::Truncated { format: "JPEG" });
    }
    // The scan is read twice, once to check its coded data to the end and once to decode it.
    let (checked, decoded) = crate::threads::side_by_side(
        || jpeg_entropy::check(bytes),
        || decode_with_image_crate(bytes, ImageFormat::Jpeg, limits, Storage::Jpeg(Box::new(markers))),
    );
    checked?;
    decoded
}

/// PNG puts the size in its first chunk (IHDR, bytes 16..24): check it before any decoder runs.
fn decode_png(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded> {
    let header = bytes.get(12..24).ok_or(Error::Truncated { format: "PNG" })?;
    if &header[..4] != b"IHDR" {
        return Err(Error::Decode { format: "PNG", detail: "the first chunk is not IHDR".into() });
    }
    let width = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    let height = u32::from_be_bytes([header[8], header[9], header[10], header[11]]);
    limits.check_dimensions(width, height)?;
    let Some((without_profile, icc)) = png_profile::split(bytes) else {
        return decode_with_image_crate(bytes, ImageFormat::Png, limits, Storage::Lossless);
    };
    let mut decoded = decode_with_image_crate(&without_profile, ImageFormat::Png, limits, Storage::Lossless)?;
    decoded.facts.bytes = bytes.len();
    decoded.facts.colour_profile = Some(icc.as_deref().map_or_else(ColourProfile::unreadable, colour_profile::read));
    decoded.icc_profile = icc;
    Ok(decoded)
}

/// A PNG's ICC profile (its iCCP chunk) is deflated, and the png crate inflates it up to the
/// decoder's whole allocation limit: a 200 KB chunk may hold 200 MB. It is inflated here within
/// a bound, and the photo is decoded without it.
mod png_profile {
    use std::io::Read;

    /// A profile inflating to more is not kept (a photo's is a few kilobytes, a lookup-table
    /// profile some hundreds).
    const MAX_PROFILE_BYTES: u64 = 1 << 20;
    const SIGNATURE_BYTES: usize = 8;

    /// The PNG without its iCCP chunks and the first one's profile (None where it does not
    /// inflate within the bound); None where the PNG has no iCCP chunk before its image data.
    pub(super) fn split(png: &[u8]) -> Option<(Vec<u8>, Option<Vec<u8>>)> {
        let mut profile_chunks = Vec::new();
        let mut pos = SIGNATURE_BYTES;
        // A walk cut short (a truncated file) still strips the chunks found: the decoder would
        // inflate them before it reports the truncation.
        while let Some(header) = pos.checked_add(8).and_then(|header_end| png.get(pos..header_end)) {
            let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
            let Some(end) = pos.checked_add(12).and_then(|p| p.checked_add(length)) else { break };
            match &header[4..8] {
                b"iCCP" => profile_chunks.push(pos..end.min(png.len())),
                b"IDAT" | b"IEND" => break,
                _ => {}
            }
            pos = end;
        }
        let first = profile_chunks.first()?.clone();
        let profile = png.get(first.start + 8..first.end.checked_sub(4)?).and_then(inflate);
        let mut without = Vec::with_capacity(png.len());
        let mut kept_from = 0;
        for chunk in profile_chunks {
            without.extend_from_slice(&png[kept_from..chunk.start]);
            kept_from = chunk.end;
        }
        without.extend_from_slice(&png[kept_from..]);
        Some((without, profile))
    }

    /// An iCCP chunk's data: a name of 1-79 Latin-1 characters, a zero, the compression method
    /// (0, zlib) and the zlib stream.
    fn inflate(data: &[u8]) -> Option<Vec<u8>> {
        let name_end = data.iter().take(80).position(|&b| b == 0)?;
        let (&method, stream) = data.get(name_end + 1..)?.split_first()?;
        if method != 0 {
            return None;
        }
        let mut profile = Vec::new();
        flate2::read::ZlibDecoder::new(stream).take(MAX_PROFILE_BYTES + 1).read_to_end(&mut profile).ok()?;
        (profile.len() as u64 <= MAX_PROFILE_BYTES).then_some(profile)
    }
}

fn image_error(format: &'static str, err: image::ImageError, limits: &DecodeLimits) -> Error {
    match err {
        image::ImageError::Limits(e) => match e.kind() {
            image::error::LimitErrorKind::DimensionError => {
                Error::Decode { format, detail: "the image dimensions exceed the limits".into() }
            }
            _ => Error::DecoderMemory { limit_bytes: limits.max_alloc_bytes },
        },
        image::ImageError::IoError(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Error::Truncated { format },
        other => Error::Decode { format, detail: other.to_string() },
    }
}

/// How a file handed to the image crate stores its pixels, which says whether an earlier JPEG
/// compression can be read on them.
enum Storage {
    /// A JPEG, with its markers (the quantisation tables give the file's own steps).
    Jpeg(Box<jpeg_markers::JpegMarkers>),
    /// Without loss: any grid the pixels show is an earlier compression's.
    Lossless,
    /// With a loss of another kind (a TIFF's or WebP's), or not known: not read.
    OtherLossy,
}

fn decode_with_image_crate(
    bytes: &[u8],
    ours: ImageFormat,
    limits: &DecodeLimits,
    storage: Storage,
) -> Result<Decoded> {
    let format = match ours {
        ImageFormat::Jpeg => image::ImageFormat::Jpeg,
        ImageFormat::Png => image::ImageFormat::Png,
        ImageFormat::Tiff => image::ImageFormat::Tiff,
        ImageFormat::Bmp => image::ImageFormat::Bmp,
        ImageFormat::WebP => image::ImageFormat::WebP,
        ImageFormat::Pnm => image::ImageFormat::Pnm,
        ImageFormat::Jpeg2000 | ImageFormat::Raw => return Err(Error::UnknownFormat),
    };
    let name = ours.name();
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    // Opening the decoder reads the header only; its size is checked here, before any pixel, so
    // that a refusal names the size. The decoder's own limits then bound what it allocates.
    let mut header_limits = image::Limits::default();
    header_limits.max_alloc = Some(limits.max_alloc_bytes);
    reader.limits(header_limits);
    let mut decoder = reader.into_decoder().map_err(|e| image_error(name, e, limits))?;
    let (width, height) = decoder.dimensions();
    limits.check_dimensions(width, height)?;
    let mut image_limits = image::Limits::default();
    image_limits.max_image_width = Some(limits.max_width);
    image_limits.max_image_height = Some(limits.max_height);
    image_limits.max_alloc = Some(limits.max_alloc_bytes);
    decoder.set_limits(image_limits).map_err(|e| image_error(name, e, limits))?;
    let colour = decoder.color_type();
    let icc_profile = decoder.icc_profile().ok().flatten();
    let stored_as_cmyk =
        matches!(decoder.original_color_type(), image::ExtendedColorType::Cmyk8 | image::ExtendedColorType::Cmyk16);
    let orientation = decoder.orientation().unwrap_or(Orientation::NoTransforms);
    let exif_orientation = (orientation != Orientation::NoTransforms).then(|| orientation.to_exif());
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| image_error(name, e, limits))?;
    // Read on the pixels as stored, where the JPEG grid lies, before the EXIF turn.
    let earlier_jpeg_quality = match &storage {
        Storage::Jpeg(markers) => markers
            .tables
            .get(markers.luma_table)
            .copied()
            .flatten()
            .and_then(|table| recompression::earlier_jpeg_quality(&image, Some(&table))),
        Storage::Lossless => recompression::earlier_jpeg_quality(&image, None),
        Storage::OtherLossy => None,
    };
    let jpeg = match storage {
        Storage::Jpeg(markers) => Some(*markers),
        Storage::Lossless | Storage::OtherLossy => None,
    };
    image.apply_orientation(orientation);

    let (mut colour_type, bits_per_sample, _) = describe_colour(colour);
    if stored_as_cmyk || jpeg.as_ref().is_some_and(|m| m.components == 4) {
        colour_type = ColourType::Cmyk;
    }
    let facts = ImageFacts {
        format: ours,
        width: image.width(),
        height: image.height(),
        colour_type,
        bits_per_sample,
        bytes: bytes.len(),
        exif_orientation,
        jpeg_quality: jpeg.as_ref().and_then(|m| m.estimated_quality()),
        jpeg_blocks: jpeg.as_ref().map(|m| m.block_layout),
        jpeg_progressive: jpeg.as_ref().map(|m| m.progressive),
        resolution_dpi: None,
        lossless: None,
        colour_profile: icc_profile.as_deref().map(colour_profile::read),
        earlier_jpeg_quality,
    };
    Ok(Decoded { image: composite_over_white(image), facts, icc_profile })
}

/// Layouts of raw pixel buffers a caller may hand over (8 bits per sample, rows `stride` bytes apart).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// 3 bytes per pixel: red, green, blue.
    Rgb8,
    /// 4 bytes per pixel: red, green, blue, alpha (ignored).
    Rgba8,
    /// 3 bytes per pixel: blue, green, red (Windows bitmaps, OpenCV).
    Bgr8,
    /// 4 bytes per pixel: blue, green, red, alpha (ignored).
    Bgra8,
    /// 1 byte per pixel: grey.
    Grey8,
}

impl PixelFormat {
    /// Bytes one pixel takes in a buffer of this layout.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            PixelFormat::Rgb8 | PixelFormat::Bgr8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
            PixelFormat::Grey8 => 1,
        }
    }
}

/// Copies a caller's pixel buffer into an RGB image, after checking that the buffer really holds
/// `height` rows of `width` pixels `stride` bytes apart.
pub fn from_pixels(
    pixels: &[u8],
    width: u32,
    height: u32,
    stride: usize,
    format: PixelFormat,
    limits: &DecodeLimits,
) -> Result<Decoded> {
    if width == 0 || height == 0 {
        return Err(Error::InvalidPixels("zero width or height".into()));
    }
    limits.check_dimensions(width, height)?;
    let row_bytes = width as usize * format.bytes_per_pixel();
    if stride < row_bytes {
        return Err(Error::InvalidPixels(format!("stride {stride} is below the {row_bytes} bytes of a row")));
    }
    let needed = stride.checked_mul(height as usize - 1).and_then(|rows| rows.checked_add(row_bytes));
    let Some(needed) = needed.filter(|&needed| pixels.len() >= needed) else {
        let needed = needed.map_or_else(|| "more than can be addressed".to_string(), |n| n.to_string());
        return Err(Error::InvalidPixels(format!("{} bytes given, {needed} needed", pixels.len())));
    };
    let mut rgb = Vec::with_capacity(width as usize * height as usize * 3);
    for row in pixels.chunks(stride).take(height as usize) {
        let row = &row[..row_bytes];
        match format {
            PixelFormat::Rgb8 => rgb.extend_from_slice(row),
            PixelFormat::Rgba8 => row.chunks_exact(4).for_each(|p| rgb.extend_from_slice(&p[..3])),
            PixelFormat::Bgr8 => row.chunks_exact(3).for_each(|p| rgb.extend_from_slice(&[p[2], p[1], p[0]])),
            PixelFormat::Bgra8 => row.chunks_exact(4).for_each(|p| rgb.extend_from_slice(&[p[2], p[1], p[0]])),
            PixelFormat::Grey8 => row.iter().for_each(|&g| rgb.extend_from_slice(&[g, g, g])),
        }
    }
    let image = RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| Error::InvalidPixels(format!("{} bytes given, {needed} needed", pixels.len())))?;
    let colour_type = match format {
        PixelFormat::Rgb8 | PixelFormat::Bgr8 => ColourType::Rgb,
        PixelFormat::Rgba8 | PixelFormat::Bgra8 => ColourType::Rgba,
        PixelFormat::Grey8 => ColourType::Grey,
    };
    let facts = ImageFacts {
        format: ImageFormat::Raw,
        width,
        height,
        colour_type,
        bits_per_sample: 8,
        bytes: needed,
        exif_orientation: None,
        jpeg_quality: None,
        jpeg_blocks: None,
        jpeg_progressive: None,
        resolution_dpi: None,
        lossless: None,
        colour_profile: None,
        // Read by the caller that judges the pixels (`Checker::check_pixels`), not here: a live
        // session copies every camera frame through this and judges none on it.
        earlier_jpeg_quality: None,
    };
    Ok(Decoded { image, facts, icc_profile: None })
}

/// Facts of pixels handed over in memory rather than as a file.
pub fn facts_of_pixels(image: &DynamicImage) -> ImageFacts {
    let (colour_type, bits_per_sample, _) = describe_colour(image.color());
    ImageFacts {
        format: ImageFormat::Raw,
        width: image.width(),
        height: image.height(),
        colour_type,
        bits_per_sample,
        bytes: image.as_bytes().len(),
        exif_orientation: None,
        jpeg_quality: None,
        jpeg_blocks: None,
        jpeg_progressive: None,
        resolution_dpi: None,
        lossless: None,
        colour_profile: None,
        earlier_jpeg_quality: recompression::earlier_jpeg_quality(image, None),
    }
}

fn describe_colour(colour: image::ColorType) -> (ColourType, u8, bool) {
    use image::ColorType as C;
    match colour {
        C::L8 => (ColourType::Grey, 8, false),
        C::La8 => (ColourType::GreyAlpha, 8, true),
        C::Rgb8 => (ColourType::Rgb, 8, false),
        C::Rgba8 => (ColourType::Rgba, 8, true),
        C::L16 => (ColourType::Grey, 16, false),
        C::La16 => (ColourType::GreyAlpha, 16, true),
        C::Rgb16 => (ColourType::Rgb, 16, false),
        C::Rgba16 => (ColourType::Rgba, 16, true),
        C::Rgb32F => (ColourType::Rgb, 32, false),
        C::Rgba32F => (ColourType::Rgba, 32, true),
        _ => (ColourType::Rgb, 8, false),
    }
}

fn decode_jpeg2000(bytes: &[u8], limits: &DecodeLimits) -> Result<Decoded> {
    use hayro_jpeg2000::{ColorSpace, DecodeSettings, DecoderContext, Image};
    const NAME: &str = "JPEG 2000";
    let decode_error = |e: hayro_jpeg2000::DecodeError| Error::Decode { format: NAME, detail: e.to_string() };
    let code_block_bytes = jpeg2000_structure::check(bytes, limits)?;
    let image = Image::new(bytes, &DecodeSettings::default()).map_err(decode_error)?;
    let (width, height) = (image.width(), image.height());
    limits.check_dimensions(width, height)?;
    let channels = u64::from(image.color_space().num_channels()) + u64::from(image.has_alpha());
    // The decoder keeps every component as f32 and interleaves into a u8 copy, beside its
    // code-blocks.
    let estimated_alloc = u64::from(width) * u64::from(height) * channels * 5 + code_block_bytes;
    if estimated_alloc > limits.max_alloc_bytes {
        return Err(Error::DecoderMemory { limit_bytes: limits.max_alloc_bytes });
    }
    let colour_type = match (image.color_space(), image.has_alpha()) {
        (ColorSpace::Gray, false) => ColourType::Grey,
        (ColorSpace::Gray, true) => ColourType::GreyAlpha,
        (ColorSpace::CMYK, _) => ColourType::Cmyk,
        (_, true) => ColourType::Rgba,
        (_, false) => ColourType::Rgb,
    };
    let icc_profile = match image.color_space() {
        ColorSpace::Icc { profile, .. } => Some(profile.clone()),
        _ => None,
    };
    let colour_profile = icc_profile.as_deref().map(colour_profile::read);
    let bits_per_sample = image.original_bit_depth();
    let colour_channels = image.color_space().num_channels();
    let has_alpha = image.has_alpha();
    let mut context = DecoderContext::default();
    let decoded = image.decode(&mut context).map_err(decode_error)?;
    let samples = decoded.data_u8();
    let stride = usize::from(colour_channels) + usize::from(has_alpha);
    let pixel_count = width as usize * height as usize;
    if samples.len() != pixel_count * stride {
        return Err(Error::Decode { format: NAME, detail: "unexpected number of samples".into() });
    }
    let alpha = |p: &[u8]| if has_alpha { p[stride - 1] } else { u8::MAX };
    let rgb: Vec<u8> = match colour_channels {
        1 => samples.chunks_exact(stride).flat_map(|p| over_white([p[0]; 3], alpha(p))).collect(),
        3 => samples.chunks_exact(stride).flat_map(|p| over_white([p[0], p[1], p[2]], alpha(p))).collect(),
        4 => samples.chunks_exact(stride).flat_map(|p| over_white(cmyk_to_rgb(p), alpha(p))).collect(),
        n => {
            return Err(Error::Decode { format: NAME, detail: format!("{n} colour channels are not supported") });
        }
    };
    let image = RgbImage::from_raw(width, height, rgb)
        .ok_or_else(|| Error::Decode { format: NAME, detail: "sample buffer size".into() })?;
    let facts = ImageFacts {
        format: ImageFormat::Jpeg2000,
        width,
        height,
        colour_type,
        bits_per_sample,
        bytes: bytes.len(),
        exif_orientation: None,
        jpeg_quality: None,
        jpeg_blocks: None,
        jpeg_progressive: None,
        resolution_dpi: None,
        lossless: None,
        colour_profile,
        earlier_jpeg_quality: recompression::earlier_jpeg_quality_of_pixels(&image),
    };
    Ok(Decoded { image, facts, icc_profile })
}

/// A pixel as it shows on white paper or a white page: a transparent photo is not judged by the
/// colours hidden under its alpha.
fn over_white(rgb: [u8; 3], alpha: u8) -> [u8; 3] {
    let a = u16::from(alpha);
    rgb.map(|c| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8)
}

fn composite_over_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
        let [r, g, b, a] = rgba.get_pixel(x, y).0;
        image::Rgb(over_white([r, g, b], a))
    })
}

fn cmyk_to_rgb(p: &[u8]) -> [u8; 3] {
    let k = 255 - u16::from(p[3]);
    let channel = |c: u8| ((255 - u16::from(c)) * k / 255) as u8;
    [channel(p[0]), channel(p[1]), channel(p[2])]
}

/// The JPEG 2000 codestream's headers, read before the decoder runs: a tile grid or code-blocks
/// whose bookkeeping would outgrow the memory limit are refused, and a codestream without its end
/// marker is truncated (the decoder would fill the rest).
mod jpeg2000_structure {
    use super::DecodeLimits;
    use crate::error::{Error, Result};

    const NAME: &str = "JPEG 2000";
    /// Most tiles in one image (a photo has one, or a few dozen).
    const MAX_TILES: u64 = 4096;
    /// What the decoder (hayro-jpeg2000 0.5) builds for each code-block before it reads a packet,
    /// its share of the precinct and tag trees included, and for each code-block and quality
    /// layer: measured on 2048x2048 grey codestreams of 4x4 and 2x2 blocks at 1 and 32 layers
    /// (peak memory about 214 and 22 bytes more per block and per block and layer).
    const BYTES_PER_CODE_BLOCK: u64 = 256;
    const BYTES_PER_CODE_BLOCK_LAYER: u64 = 24;

    fn be16(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from(u16::from_be_bytes(b.get(at..at + 2)?.try_into().ok()?)))
    }

    fn be32(b: &[u8], at: usize) -> Option<u64> {
        Some(u64::from(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?)))
    }

    /// The codestream: the whole input for a bare codestream, the `jp2c` box's contents in a JP2 file.
    fn codestream(bytes: &[u8]) -> Result<&[u8]> {
        let truncated = || Error::Truncated { format: NAME };
        if bytes.starts_with(b"\xff\x4f") {
            return Ok(bytes);
        }
        let mut pos = 0usize;
        while pos + 8 <= bytes.len() {
            let length = be32(bytes, pos).ok_or_else(truncated)?;
            let kind = &bytes[pos + 4..pos + 8];
            let (header, end) = match length {
                0 => (8, bytes.len()),
                1 => {
                    let long = bytes.get(pos + 8..pos + 16).ok_or_else(truncated)?;
                    let long = u64::from_be_bytes(long.try_into().map_err(|_| truncated())?);
                    (16, usize::try_from(long).ok().and_then(|l| pos.checked_add(l)).ok_or_else(truncated)?)
                }
                l => (8, usize::try_from(l).ok().and_then(|l| pos.checked_add(l)).ok_or_else(truncated)?),
            };
            if end > bytes.len() {
                return Err(truncated());
            }
            if end < pos + header {
                return Err(Error::Decode {
                    format: NAME,
                    detail: format!("a box at byte {pos} is shorter than its header"),
                });
            }
            if kind == b"jp2c" {
                return Ok(&bytes[pos + header..end]);
            }
            pos = end;
        }
        Err(Error::Decode { format: NAME, detail: "no codestream box (jp2c)".into() })
    }

    /// A coding style (COD or COC): decomposition levels, code-block size exponents and, where
    /// it sets them, the precincts' exponents per resolution (x, y).
    struct CodingStyle {
        levels: u32,
        block_exponents: (u32, u32),
        precinct_exponents: Option<Vec<(u32, u32)>>,
    }

    impl CodingStyle {
        /// `style` holds Scod or Scoc; `parameters` starts at the levels byte.
        fn read(style: u8, parameters: &[u8]) -> Result<CodingStyle> {
            let truncated = || Error::Truncated { format: NAME };
            let field = |i: usize| parameters.get(i).copied().ok_or_else(truncated);
            let levels = u32::from(field(0)?);
            let block_exponents = (u32::from(field(1)? & 0x0F) + 2, u32::from(field(2)? & 0x0F) + 2);
            let precinct_exponents = if style & 1 == 1 {
                let sizes = parameters.get(5..5 + levels as usize + 1).ok_or_else(truncated)?;
                Some(sizes.iter().map(|&b| (u32::from(b & 0x0F), u32::from(b >> 4))).collect())
            } else {
                None
            };
            Ok(CodingStyle { levels, block_exponents, precinct_exponents })
        }

        /// Code-blocks of one component of `samples` samples over `tiles` tiles: a precinct
        /// smaller than the code-block size shrinks the blocks to it (ITU-T T.800 B-17, B-18).
        fn code_blocks(&self, samples: u64, tiles: u64) -> u64 {
            (0..=self.levels)
                .map(|resolution| {
                    let (mut x, mut y) = self.block_exponents;
                    if let Some((px, py)) = self.precinct_exponents.as_ref().and_then(|p| p.get(resolution as usize)) {
                        let shrink = u32::from(resolution > 0);
                        (x, y) = (x.min(px.saturating_sub(shrink)), y.min(py.saturating_sub(shrink)));
                    }
                    // The lowest resolution is one band, each higher one three, each a quarter of
                    // the next.
                    let (bands, quarters) =
                        if resolution == 0 { (1, self.levels) } else { (3, self.levels - resolution + 1) };
                    let band_samples = samples.checked_shr(2 * quarters).unwrap_or(0);
                    bands * ((band_samples >> (x + y)).saturating_add(tiles))
                })
                .fold(0, u64::saturating_add)
        }
    }

    /// Refuses a codestream whose decoder would outgrow the memory limit, and returns the bytes
    /// its code-blocks will take: every coding style in the main header and in each tile-part's
    /// header counts, as if it held for the whole image (a COC or a tile's COD may shrink the
    /// blocks of what it covers), with the most quality layers any COD asks for.
    pub fn check(bytes: &[u8], limits: &DecodeLimits) -> Result<u64> {
        let stream = codestream(bytes)?;
        let bad = |detail: &str| Error::Decode { format: NAME, detail: detail.into() };
        let truncated = || Error::Truncated { format: NAME };
        if !stream.starts_with(b"\xff\x4f\xff\x51") {
            return Err(bad("the codestream does not start with SOC and SIZ"));
        }
        if !stream.ends_with(b"\xff\xd9") {
            return Err(truncated());
        }
        // SIZ: Lsiz, Rsiz, then Xsiz, Ysiz, XOsiz, YOsiz, XTsiz, YTsiz, XTOsiz, YTOsiz, Csiz.
        let siz = &stream[4..];
        let field = |i: usize| be32(siz, 4 + 4 * i).ok_or_else(truncated);
        let (width, height, x_offset, y_offset) = (field(0)?, field(1)?, field(2)?, field(3)?);
        let (tile_width, tile_height, tile_x, tile_y) = (field(4)?, field(5)?, field(6)?, field(7)?);
        let components = be16(siz, 36).ok_or_else(truncated)?;
        if tile_width == 0
            || tile_height == 0
            || width <= x_offset
            || height <= y_offset
            || tile_x > x_offset
            || tile_y > y_offset
        {
            return Err(bad("the image and tile sizes in SIZ are inconsistent"));
        }
        let tiles = (width - tile_x).div_ceil(tile_width) * (height - tile_y).div_ceil(tile_height);
        if tiles > MAX_TILES {
            return Err(Error::DecoderMemory { limit_bytes: limits.max_alloc_bytes });
        }
        // The image's size as the limits allow it (the decoder is asked again once it has read
        // the headers), so the counts below stay far from overflowing.
        let image_side = |size: u64| u32::try_from(size).unwrap_or(u32::MAX);
        limits.check_dimensions(image_side(width - x_offset), image_side(height - y_offset))?;
        let samples = (width - x_offset) * (height - y_offset);
        let wide_component_index = components >= 257;

        let mut styles: Vec<CodingStyle> = Vec::new();
        let mut layers = 1;
        // The markers of one header from `pos` until SOT (the main header) or SOD (a tile-part's).
        let mut read_header = |mut pos: usize, end_marker: u8| -> Result<usize> {
            loop {
                let marker = stream.get(pos..pos + 4).ok_or_else(truncated)?;
                if marker[0] != 0xFF {
                    return Err(bad("a header is malformed"));
                }
                if marker[1] == end_marker {
                    return Ok(pos);
                }
                let length = usize::from(u16::from_be_bytes([marker[2], marker[3]]));
                let segment = stream.get(pos + 4..pos + 2 + length).ok_or_else(truncated)?;
                match marker[1] {
                    // COD: Scod, progression, layers (2), MCT, then the levels and the rest.
                    0x52 => {
                        let style = *segment.first().ok_or_else(truncated)?;
                        layers = layers.max(be16(segment, 2).ok_or_else(truncated)?);
                        styles.push(CodingStyle::read(style, segment.get(5..).ok_or_else(truncated)?)?);
                    }
                    // COC: the component (one byte, or two from 257 components), Scoc, the rest.
                    0x53 => {
                        let at = if wide_component_index { 2 } else { 1 };
                        let style = *segment.get(at).ok_or_else(truncated)?;
                        styles.push(CodingStyle::read(style, segment.get(at + 1..).ok_or_else(truncated)?)?);
                    }
                    _ => {}
                }
                pos += 2 + length;
            }
        };
        let siz_length = usize::from(u16::from_be_bytes([siz[0], siz[1]]));
        let mut tile_part = read_header(4 + siz_length, 0x90)?;
        // Each tile-part: SOT (Lsot, Isot, Psot, TPsot, TNsot), its header, SOD, its data; Psot
        // is its length from SOT on, 0 for the last one, which runs to the end.
        loop {
            let length = be32(stream, tile_part + 6).ok_or_else(truncated)?;
            read_header(tile_part + 12, 0x93)?;
            let next = usize::try_from(length).ok().and_then(|l| tile_part.checked_add(l));
            match next {
                Some(next) if length != 0 && stream.get(next..next + 2) == Some(&[0xFF, 0x90]) => tile_part = next,
                _ => break,
            }
        }

        let code_blocks = styles.iter().map(|style| style.code_blocks(samples, tiles)).max().unwrap_or(0);
        let bookkeeping = code_blocks
            .saturating_mul(components.max(1))
            .saturating_mul(BYTES_PER_CODE_BLOCK + BYTES_PER_CODE_BLOCK_LAYER * layers);
        if bookkeeping > limits.max_alloc_bytes {
            return Err(Error::DecoderMemory { limit_bytes: limits.max_alloc_bytes });
        }
        Ok(bookkeeping)
    }
}

/// A tiny reader of JPEG marker segments: enough to know the component count, whether the stream
/// ends, and the quantisation tables, without decoding anything.
mod jpeg_markers {
    use super::JpegBlockLayout;
    use crate::error::{Error, Result};

    #[derive(Debug, Clone)]
    pub struct JpegMarkers {
        pub width: u16,
        pub height: u16,
        pub components: u8,
        pub progressive: bool,
        pub has_end_of_image: bool,
        /// Quantisation tables 0..3 in zig-zag order, as stored.
        pub tables: [Option<[u16; 64]>; 4],
        pub luma_table: usize,
        pub block_layout: JpegBlockLayout,
    }

    /// The IJG example luminance table (ITU T.81 Annex K.1), in zig-zag order: libjpeg scales it by
    /// the quality setting, so comparing against it recovers the quality.
    const ANNEX_K_LUMA_ZIGZAG: [u16; 64] = [
        16, 11, 12, 14, 12, 10, 16, 14, 13, 14, 18, 17, 16, 19, 24, 40, 26, 24, 22, 22, 24, 49, 35, 37, 29, 40, 58, 51,
        61, 60, 57, 51, 56, 55, 64, 72, 92, 78, 64, 68, 87, 69, 55, 56, 80, 109, 81, 87, 95, 98, 103, 104, 103, 62, 77,
        113, 121, 112, 100, 120, 92, 101, 103, 99,
    ];

    impl JpegMarkers {
        pub fn estimated_quality(&self) -> Option<u8> {
            let table = self.tables.get(self.luma_table)?.as_ref()?;
            let sum: f64 = table.iter().map(|&q| f64::from(q)).sum();
            let reference: f64 = ANNEX_K_LUMA_ZIGZAG.iter().map(|&q| f64::from(q)).sum();
            let scale = 100.0 * sum / reference;
            let quality = if scale <= 100.0 { (200.0 - scale) / 2.0 } else { 5000.0 / scale };
            Some(quality.round().clamp(1.0, 100.0) as u8)
        }
    }

    pub fn scan(data: &[u8]) -> Result<JpegMarkers> {
        let truncated = || Error::Truncated { format: "JPEG" };
        let mut markers = JpegMarkers {
            width: 0,
            height: 0,
            components: 0,
            progressive: false,
            has_end_of_image: false,
            tables: [None; 4],
            luma_table: 0,
            block_layout: JpegBlockLayout { mcu_width: 8, mcu_height: 8, restart_interval: 0 },
        };
        let mut pos = 2;
        loop {
            // Markers may be preceded by any number of 0xFF fill bytes.
            while data.get(pos) == Some(&0xFF) && data.get(pos + 1) == Some(&0xFF) {
                pos += 1;
            }
            let (&ff, &marker) = (data.get(pos).ok_or_else(truncated)?, data.get(pos + 1).ok_or_else(truncated)?);
            if ff != 0xFF {
                return Err(Error::Decode { format: "JPEG", detail: format!("no marker at byte {pos}") });
            }
            pos += 2;
            if marker == 0xD9 {
                markers.has_end_of_image = true;
                return Ok(markers);
            }
            if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
                continue;
            }
            let length_bytes = data.get(pos..pos + 2).ok_or_else(truncated)?;
            let length = usize::from(u16::from_be_bytes([length_bytes[0], length_bytes[1]]));
            if length < 2 {
                return Err(Error::Decode { format: "JPEG", detail: "segment length below 2".into() });
            }
            let segment = data.get(pos + 2..pos + length).ok_or_else(truncated)?;
            pos += length;
            match marker {
                0xDB => read_quantisation_tables(segment, &mut markers)?,
                0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                    markers.progressive = matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE);
                    let size = segment.get(1..5).ok_or_else(truncated)?;
                    markers.height = u16::from_be_bytes([size[0], size[1]]);
                    markers.width = u16::from_be_bytes([size[2], size[3]]);
                    markers.components = *segment.get(5).ok_or_else(truncated)?;
                    markers.luma_table = usize::from(*segment.get(8).ok_or_else(truncated)? & 0x0F);
                    // One component is coded block by block; several, MCU by MCU, each as large
                    // as the largest sampling factors.
                    let sampling =
                        segment.get(6..).unwrap_or_default().chunks_exact(3).map(|c| (c[1] >> 4, c[1] & 0x0F));
                    let (h_max, v_max) = sampling.fold((1, 1), |(h, v), (ch, cv)| (h.max(ch), v.max(cv)));
                    if markers.components > 1 {
                        markers.block_layout.mcu_width = 8 * u32::from(h_max.min(4));
                        markers.block_layout.mcu_height = 8 * u32::from(v_max.min(4));
                    }
                }
                0xDD => {
                    let interval = segment.get(..2).ok_or_else(truncated)?;
                    markers.block_layout.restart_interval = u32::from(u16::from_be_bytes([interval[0], interval[1]]));
                }
                0xDA => {
                    // Entropy-coded data stuffs every 0xFF with 0x00 or a restart marker, so the first
                    // FF D9 after the scan header is the end of the image (or of this progressive scan).
                    markers.has_end_of_image = data[pos..].windows(2).any(|w| w == [0xFF, 0xD9]);
                    return Ok(markers);
                }
                _ => {}
            }
        }
    }

    fn read_quantisation_tables(mut segment: &[u8], markers: &mut JpegMarkers) -> Result<()> {
        let bad = || Error::Decode { format: "JPEG", detail: "malformed quantisation table".into() };
        while let Some((&precision_and_id, rest)) = segment.split_first() {
            let sixteen_bit = precision_and_id >> 4 == 1;
            let id = usize::from(precision_and_id & 0x0F);
            let size = if sixteen_bit { 128 } else { 64 };
            let values = rest.get(..size).ok_or_else(bad)?;
            let mut table = [0u16; 64];
            for (i, slot) in table.iter_mut().enumerate() {
                *slot = if sixteen_bit {
                    u16::from_be_bytes([values[2 * i], values[2 * i + 1]])
                } else {
                    u16::from(values[i])
                };
            }
            *markers.tables.get_mut(id).ok_or_else(bad)? = Some(table);
            segment = &rest[size..];
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode_jpeg(quality: u8) -> Vec<u8> {
        let image = RgbImage::from_fn(64, 48, |x, y| image::Rgb([(x * 4) as u8, (y * 5) as u8, 128]));
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality).encode_image(&image).unwrap();
        bytes
    }

    /// A PNG cut off after its profile: the profile is still taken out before the decoder runs
    /// (which would inflate it whole before finding the cut).
    #[test]
    fn a_truncated_pngs_profile_is_still_taken_out() {
        use std::io::Write;
        let chunk = |kind: &[u8; 4], data: &[u8]| {
            let mut bytes = (data.len() as u32).to_be_bytes().to_vec();
            bytes.extend_from_slice(kind);
            bytes.extend_from_slice(data);
            bytes.extend_from_slice(&[0; 4]);
            bytes
        };
        let mut deflated = flate2::write::ZlibEncoder::new(b"p\0\0".to_vec(), flate2::Compression::fast());
        deflated.write_all(&[7; 1000]).unwrap();
        let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
        png.extend(chunk(b"IHDR", &[0, 0, 0, 8, 0, 0, 0, 8, 8, 2, 0, 0, 0]));
        png.extend(chunk(b"iCCP", &deflated.finish().unwrap()));
        png.extend_from_slice(&[0, 0, 1, 0, b'I', b'D']);
        let (without, profile) = png_profile::split(&png).unwrap();
        assert_eq!(profile, Some(vec![7; 1000]));
        assert!(!without.windows(4).any(|w| w == b"iCCP"));
        assert!(decode(&png, &DecodeLimits::default()).is_err());
    }

    #[test]
    fn jpeg_quality_is_recovered_from_the_quantisation_table() {
        for quality in [30u8, 50, 75, 90, 95] {
            let decoded = decode(&encode_jpeg(quality), &DecodeLimits::default()).unwrap();
            let estimate = i32::from(decoded.facts.jpeg_quality.unwrap());
            assert!((estimate - i32::from(quality)).abs() <= 2, "quality {quality} estimated {estimate}");
            assert_eq!((decoded.facts.width, decoded.facts.height), (64, 48));
        }
    }

    #[test]
    fn a_jpeg_cut_anywhere_in_its_scan_is_truncated() {
        let bytes = encode_jpeg(90);
        for cut in [bytes.len() - 2, bytes.len() / 2, 40] {
            let err = decode(&bytes[..cut], &DecodeLimits::default()).unwrap_err();
            assert!(matches!(err, Error::Truncated { .. } | Error::Decode { .. }), "{cut}: {err}");
        }
    }

    #[test]
    fn signatures_decide_the_format() {
        assert_eq!(ImageFormat::sniff(b"\xff\xd8\xff\xe0"), Some(ImageFormat::Jpeg));
        assert_eq!(ImageFormat::sniff(b"GIF89a"), None);
        assert!(matches!(decode(b"GIF89a....", &DecodeLimits::default()), Err(Error::UnknownFormat)));
        assert!(matches!(decode(b"", &DecodeLimits::default()), Err(Error::EmptyInput)));
    }
}
