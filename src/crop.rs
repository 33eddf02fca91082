//! Cropping a larger studio photo to a profile's template: the rotation that levels the eyes, the
//! scale that gives the head the middle of its target size, and the crop that puts the eyes
//! centred at the middle of the eye-line band (lower, where the hair needs the room). Pixels are never invented: a photo without enough
//! room around the head, or whose head would have to be enlarged, is refused with the reason.

use image::{ImageEncoder, RgbImage, imageops::FilterType};
use imageproc::geometric_transformations::{Border, Interpolation, Projection, warp_into};

use crate::imaging::Point;
use crate::measure::head::HeadOutline;
use crate::profile::{Profile, Range};

/// The JPEG quality a crop is saved at: above every profile's `image.compression` minimum.
pub const JPEG_QUALITY: u8 = 95;
/// Room kept above the hair, as a fraction of the height, where the eye-line band allows it.
const TOP_MARGIN: f64 = 0.03;
/// The paper photo's aspect ratio, for profiles that set no exact pixel size.
const PHOTO_ASPECT: f64 = 35.0 / 45.0;

/// A side of the template that the photo does not fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Above the head.
    Top,
    /// Below the chin.
    Bottom,
    /// On the left of the photo.
    Left,
    /// On the right of the photo.
    Right,
}

impl std::fmt::Display for Side {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Side::Top => "above the head",
            Side::Bottom => "below the chin",
            Side::Left => "on the left",
            Side::Right => "on the right",
        })
    }
}

/// Why a photo cannot be cropped to the template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum CropProblem {
    /// No face, or none measured well enough to place.
    NoFace,
    /// The profile sets no head size (`geometry.chin_to_crown_de` or `geometry.head_height`) or
    /// no eye line (`geometry.eye_line_height`) to crop to, or sets one outside the photo (not
    /// fractions of its height above 0 and at most 1).
    NoTemplate,
    /// The template reaches beyond the photo on these sides, by up to this many photo pixels.
    NotEnoughRoom {
        /// The sides that are short.
        sides: Vec<Side>,
        /// The largest shortfall, in pixels of the photo.
        short_by_px: u32,
    },
    /// The head is too small: even at the smallest head size the template allows, it would have
    /// to be enlarged by this factor.
    HeadTooSmall {
        /// The enlargement needed.
        upscale: f64,
    },
}

impl std::fmt::Display for CropProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CropProblem::NoFace => f.write_str("no face was found to place in the template"),
            CropProblem::NoTemplate => {
                f.write_str("the profile sets no head size and eye line within the photo to crop to")
            }
            CropProblem::NotEnoughRoom { sides, short_by_px } => {
                let sides: Vec<String> = sides.iter().map(Side::to_string).collect();
                write!(f, "the photo has too little room {} (short by up to {short_by_px} px)", sides.join(" and "))
            }
            CropProblem::HeadTooSmall { upscale } => write!(
                f,
                "the head is too small in this photo: it would have to be enlarged {:.2} times, and photos must not be upscaled",
                // Rounded up, so that a needed enlargement never reads as 1.00.
                (upscale * 100.0).ceil() / 100.0
            ),
        }
    }
}

/// Where the template puts the head, in the output photo's pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Template {
    width: u32,
    height: u32,
    /// The eye line, as fractions of the height from the top: the target, and the lowest the
    /// template allows.
    eye_line: f64,
    lowest_eye_line: f64,
    /// Chin to crown: the target, and the smallest the template allows (fractions of the height).
    chin_to_crown: f64,
    smallest_chin_to_crown: f64,
}

fn middle(range: &Range) -> Option<f64> {
    Some((range.min? + range.max?) / 2.0)
}

impl Template {
    /// The profile's template for a head of `chin_to_crown_px` in the photo: its exact size if it
    /// sets one, else 35:45 at the photo's own scale.
    fn for_profile(profile: &Profile, chin_to_crown_px: f64) -> Option<Template> {
        let geometry = &profile.geometry;
        let head = geometry.chin_to_crown_de.as_ref().or(geometry.head_height.as_ref()).filter(|r| r.enabled)?;
        let chin_to_crown = middle(head)?;
        // Stay a tenth of the band inside its lower end, so the measurement's noise keeps a margin.
        let smallest_chin_to_crown = head.min? + 0.1 * (head.max? - head.min?);
        let eye_band = geometry.eye_line_height.as_ref().filter(|r| r.enabled)?;
        let eye_line = middle(eye_band)?;
        // Never above the middle, so that the crop's clamp between them holds whatever the band.
        let lowest_eye_line = (eye_band.max? - 0.1 * (eye_band.max? - eye_band.min?)).max(eye_line);
        // Fractions of the height outside it would ask for an empty or an unbounded crop.
        let within_photo = |fraction: f64| fraction > 0.0 && fraction <= 1.0;
        if ![chin_to_crown, smallest_chin_to_crown, eye_line, lowest_eye_line].into_iter().all(within_photo) {
            return None;
        }
        let exact = profile.image.dimensions.as_ref().and_then(|d| Some((d.width?, d.height?)));
        if exact.is_some_and(|(width, height)| width == 0 || height == 0) {
            return None;
        }
        let (width, height) = exact.unwrap_or_else(|| {
            let height = (chin_to_crown_px / chin_to_crown).round();
            ((height * PHOTO_ASPECT).round() as u32, height as u32)
        });
        Some(Template { width, height, eye_line, lowest_eye_line, chin_to_crown, smallest_chin_to_crown })
    }
}

/// Where the profile's template puts the head, as shares of the photo: what a camera's frame
/// must leave room for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct PhotoLayout {
    /// Chin to crown over the photo's height (the middle of the profile's band).
    pub head_share: f64,
    /// The eye line's height from the top over the photo's height (the middle of its band).
    pub eye_line: f64,
    /// The lowest the crop puts the eye line, where the hair needs room above.
    pub lowest_eye_line: f64,
    /// The photo's width over its height.
    pub aspect: f64,
    /// Where the profile fixes the photo's size in pixels: the least height, in pixels of the
    /// capture, of the photo around a head of `head_share`, for the crop to cut it without
    /// enlarging (the head at the smallest size the crop accepts).
    pub min_capture_photo_height_px: Option<f64>,
}

impl PhotoLayout {
    /// The layout of the photo `Checker::crop` cuts for `profile`, or None where the profile sets
    /// no template.
    pub(crate) fn for_profile(profile: &Profile) -> Option<PhotoLayout> {
        // The head's size in pixels sets only the size of a photo whose profile gives none.
        let template = Template::for_profile(profile, 1000.0)?;
        let fixed_size = profile.image.dimensions.as_ref().is_some_and(|d| d.width.is_some() && d.height.is_some());
        let min_capture_photo_height_px =
            fixed_size.then(|| template.smallest_chin_to_crown * f64::from(template.height) / template.chin_to_crown);
        Some(PhotoLayout {
            min_capture_photo_height_px,
            head_share: template.chin_to_crown,
            eye_line: template.eye_line,
            lowest_eye_line: template.lowest_eye_line,
            aspect: f64::from(template.width) / f64::from(template.height),
        })
    }
}

/// How the photo maps onto the template: output = scale * rotate(-roll) * (photo - eyes) + target.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CropPlan {
    /// The output width in pixels.
    pub width: u32,
    /// The output height in pixels.
    pub height: u32,
    /// The eye line's tilt in the photo, in degrees (positive: the photo's right eye is lower).
    pub roll_degrees: f64,
    /// Output pixels per photo pixel (at most 1).
    pub scale: f64,
    eye_midpoint: Point,
    eye_target: Point,
}

impl CropPlan {
    /// Where an output pixel comes from in the photo.
    fn photo_point(self, x: f64, y: f64) -> (f64, f64) {
        let (sin, cos) = self.roll_degrees.to_radians().sin_cos();
        let (dx, dy) =
            ((x - f64::from(self.eye_target.x)) / self.scale, (y - f64::from(self.eye_target.y)) / self.scale);
        (f64::from(self.eye_midpoint.x) + cos * dx - sin * dy, f64::from(self.eye_midpoint.y) + sin * dx + cos * dy)
    }
}

/// Plans the crop of a `photo_width` x `photo_height` photo whose head is `head`.
pub(crate) fn plan(
    head: &HeadOutline,
    photo_width: u32,
    photo_height: u32,
    profile: &Profile,
) -> Result<CropPlan, CropProblem> {
    let chin_to_crown_px = f64::from(head.chin_to_crown_px());
    if chin_to_crown_px.is_nan() || chin_to_crown_px <= 1.0 {
        return Err(CropProblem::NoFace);
    }
    let template = Template::for_profile(profile, chin_to_crown_px).ok_or(CropProblem::NoTemplate)?;
    let height = f64::from(template.height);
    let mut scale = template.chin_to_crown * height / chin_to_crown_px;
    if scale > 1.0 {
        // A smaller head, still inside the target band, may need no enlargement.
        let unscaled = chin_to_crown_px / height;
        if unscaled < template.smallest_chin_to_crown {
            return Err(CropProblem::HeadTooSmall { upscale: template.smallest_chin_to_crown / unscaled });
        }
        scale = 1.0;
    }
    // The eyes go to the middle of their band, or lower (to the band's last tenth) when the hair
    // would otherwise touch the top edge.
    let hair_top_y = head.hair_top_y.unwrap_or(head.crown.y).min(head.crown.y);
    let hair_above_eyes = f64::from(head.eye_midpoint().y - hair_top_y).max(0.0) * scale / height;
    let eye_line = (hair_above_eyes + TOP_MARGIN).clamp(template.eye_line, template.lowest_eye_line);
    let (right, left) = (head.right_eye_centre, head.left_eye_centre);
    // The subject's right eye is on the photo's left: the eye line runs from it to the left eye.
    let roll_degrees = f64::from(left.y - right.y).atan2(f64::from(left.x - right.x)).to_degrees();
    let plan = CropPlan {
        width: template.width,
        height: template.height,
        roll_degrees,
        scale,
        eye_midpoint: head.eye_midpoint(),
        eye_target: Point { x: template.width as f32 / 2.0, y: (eye_line * height) as f32 },
    };
    check_room(&plan, photo_width, photo_height)?;
    Ok(plan)
}

/// Every output pixel must come from inside the photo. Each side of the template is walked; a side
/// is short if any of its points falls outside (a corner counts for the side it lies further out).
fn check_room(plan: &CropPlan, photo_width: u32, photo_height: u32) -> Result<(), CropProblem> {
    let (w, h) = (f64::from(plan.width), f64::from(plan.height));
    let (pw, ph) = (f64::from(photo_width), f64::from(photo_height));
    let outside_by = |(x, y): (f64, f64)| (-x).max(x - pw).max(-y).max(y - ph).max(0.0);
    const STEPS: usize = 64;
    let along = |from: (f64, f64), to: (f64, f64)| {
        (0..=STEPS).map(move |i| {
            let t = i as f64 / STEPS as f64;
            (from.0 + t * (to.0 - from.0), from.1 + t * (to.1 - from.1))
        })
    };
    let edges = [
        (Side::Top, (0.0, 0.0), (w, 0.0)),
        (Side::Bottom, (0.0, h), (w, h)),
        (Side::Left, (0.0, 0.0), (0.0, h)),
        (Side::Right, (w, 0.0), (w, h)),
    ];
    let mut sides = Vec::new();
    let mut short_by = 0f64;
    for (side, from, to) in edges {
        // Half a pixel of slack: the edge pixels' centres lie inside.
        let worst = along(from, to).map(|q| outside_by(plan.photo_point(q.0, q.1))).fold(0.0, f64::max);
        if worst > 0.5 {
            sides.push(side);
            short_by = short_by.max(worst);
        }
    }
    if sides.is_empty() {
        Ok(())
    } else {
        Err(CropProblem::NotEnoughRoom { sides, short_by_px: short_by.ceil() as u32 })
    }
}

/// Renders the plan: the photo's region is shrunk with a Lanczos filter (no aliasing), then turned
/// and placed with bicubic interpolation.
pub(crate) fn render(photo: &RgbImage, plan: &CropPlan) -> RgbImage {
    // The photo region the output reads, with a margin for the filters.
    let corners = [
        (0.0, 0.0),
        (f64::from(plan.width), 0.0),
        (0.0, f64::from(plan.height)),
        (f64::from(plan.width), f64::from(plan.height)),
    ]
    .map(|(x, y)| plan.photo_point(x, y));
    let margin = 4.0 / plan.scale;
    let x0 = (corners.iter().map(|c| c.0).fold(f64::INFINITY, f64::min) - margin).floor().max(0.0) as u32;
    let y0 = (corners.iter().map(|c| c.1).fold(f64::INFINITY, f64::min) - margin).floor().max(0.0) as u32;
    let x1 =
        ((corners.iter().map(|c| c.0).fold(f64::NEG_INFINITY, f64::max) + margin).ceil() as u32).min(photo.width());
    let y1 =
        ((corners.iter().map(|c| c.1).fold(f64::NEG_INFINITY, f64::max) + margin).ceil() as u32).min(photo.height());
    let region = image::imageops::crop_imm(photo, x0, y0, x1 - x0, y1 - y0).to_image();
    let (scaled_width, scaled_height) = (
        ((f64::from(region.width()) * plan.scale).round() as u32).max(1),
        ((f64::from(region.height()) * plan.scale).round() as u32).max(1),
    );
    let scaled = if plan.scale < 1.0 {
        image::imageops::resize(&region, scaled_width, scaled_height, FilterType::Lanczos3)
    } else {
        region
    };
    let (sx, sy) = (f64::from(scaled.width()) / f64::from(x1 - x0), f64::from(scaled.height()) / f64::from(y1 - y0));
    let eyes = (
        ((f64::from(plan.eye_midpoint.x) - f64::from(x0)) * sx) as f32,
        ((f64::from(plan.eye_midpoint.y) - f64::from(y0)) * sy) as f32,
    );
    let projection = Projection::translate(-eyes.0, -eyes.1)
        .and_then(Projection::rotate(-plan.roll_degrees.to_radians() as f32))
        .and_then(Projection::translate(plan.eye_target.x, plan.eye_target.y));
    let mut out = RgbImage::new(plan.width, plan.height);
    warp_into(&scaled, projection, Interpolation::Bicubic, Border::Constant(image::Rgb([255, 255, 255])), &mut out);
    out
}

/// Saves the cropped photo as a baseline JPEG at `JPEG_QUALITY`, with the source's ICC profile
/// and the EXIF fields `kept_exif` gives.
/// JPEG's sides end at 65535 pixels, which a crop reaches only under raised decode limits.
pub(crate) fn encode_jpeg(
    image: &RgbImage,
    icc_profile: Option<Vec<u8>>,
    exif: Option<Vec<u8>>,
) -> crate::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY);
    if let Some(icc) = icc_profile {
        // Refused only above 65519 * 255 bytes (a JPEG 2000 may carry one): the crop then goes
        // without a profile rather than fail.
        let _ = encoder.set_icc_profile(icc);
    }
    if let Some(exif) = exif {
        let _ = encoder.set_exif_metadata(exif);
    }
    encoder.write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8).map_err(
        |_| crate::Error::ImageTooLarge {
            width: image.width().into(),
            height: image.height().into(),
            limit: "65535x65535 px (JPEG)".into(),
        },
    )?;
    Ok(bytes)
}

/// The EXIF fields a crop carries over from its photo (ICAO 9303 and TR-03121: metadata is kept
/// when a photo is forwarded): when and with what it was taken, and who holds its rights. Not
/// kept: where (GPS), serial numbers, the maker's notes, the thumbnail (of the uncropped photo),
/// the orientation (the crop is upright) and the time the file was last changed (now the crop's).
const KEPT_EXIF_TAGS: [exif::Tag; 27] = {
    use exif::Tag;
    [
        Tag::Make,
        Tag::Model,
        Tag::Artist,
        Tag::Copyright,
        Tag::ExifVersion,
        Tag::DateTimeOriginal,
        Tag::DateTimeDigitized,
        Tag::OffsetTime,
        Tag::OffsetTimeOriginal,
        Tag::OffsetTimeDigitized,
        Tag::SubSecTime,
        Tag::SubSecTimeOriginal,
        Tag::SubSecTimeDigitized,
        Tag::ExposureTime,
        Tag::FNumber,
        Tag::ExposureProgram,
        Tag::PhotographicSensitivity,
        Tag::ExposureBiasValue,
        Tag::MeteringMode,
        Tag::LightSource,
        Tag::Flash,
        Tag::FocalLength,
        Tag::FocalLengthIn35mmFilm,
        Tag::WhiteBalance,
        Tag::ExposureMode,
        Tag::LensMake,
        Tag::LensModel,
    ]
};
/// A kept field of more bytes than this (a name, a date, a number in any sensible file) is left
/// out: the whole must fit one JPEG segment.
const MAX_KEPT_FIELD_BYTES: usize = 256;

/// The EXIF of a crop `width` x `height` of the photo in `source` (its bytes as given): the
/// fields of `KEPT_EXIF_TAGS` the photo's EXIF holds, and the crop's own pixel size. None where
/// the photo has no EXIF or none of those fields.
pub(crate) fn kept_exif(source: &[u8], width: u32, height: u32) -> Option<Vec<u8>> {
    use exif::{Field, In, Tag, Value};
    let photo_exif = exif::Reader::new().read_from_container(&mut std::io::Cursor::new(source)).ok()?;
    let mut fields: Vec<Field> = KEPT_EXIF_TAGS
        .iter()
        .filter_map(|&tag| photo_exif.get_field(tag, In::PRIMARY))
        .filter(|field| value_bytes(&field.value).is_some_and(|n| n <= MAX_KEPT_FIELD_BYTES))
        .cloned()
        .collect();
    if fields.is_empty() {
        return None;
    }
    for (tag, pixels) in [(Tag::PixelXDimension, width), (Tag::PixelYDimension, height)] {
        fields.push(Field { tag, ifd_num: In::PRIMARY, value: Value::Long(vec![pixels]) });
    }
    let mut writer = exif::experimental::Writer::new();
    for field in &fields {
        writer.push_field(field);
    }
    let mut bytes = std::io::Cursor::new(Vec::new());
    writer.write(&mut bytes, true).ok()?;
    Some(bytes.into_inner())
}

/// How many bytes `value` takes in a file; None for kinds a kept tag never has.
fn value_bytes(value: &exif::Value) -> Option<usize> {
    use exif::Value;
    Some(match value {
        Value::Byte(v) | Value::Undefined(v, _) => v.len(),
        Value::Ascii(strings) => strings.iter().map(|s| s.len() + 1).sum(),
        Value::Short(v) => 2 * v.len(),
        Value::Long(v) => 4 * v.len(),
        Value::Rational(v) => 8 * v.len(),
        Value::SRational(v) => 8 * v.len(),
        Value::SShort(v) => 2 * v.len(),
        Value::SLong(v) => 4 * v.len(),
        Value::SByte(v) => v.len(),
        Value::Float(v) => 4 * v.len(),
        Value::Double(v) => 8 * v.len(),
        Value::Unknown(..) => return None,
    })
}
