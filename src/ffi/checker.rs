//! `passbild_checker`: build once, check from any number of threads, free once.

use std::ffi::c_char;

use super::report::passbild_report;
use super::{
    BytesOut, Failure, borrow, bytes_argument, drop_behind_the_boundary, guard, passbild_error, passbild_status,
    string_argument, write_out,
};
use crate::{Backend, Checker, PixelFormat, Profile};

/// The layout of a raw pixel buffer. Values are fixed and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum passbild_pixel_format {
    /// 3 bytes per pixel, R G B.
    Rgb8 = 0,
    /// 4 bytes per pixel, R G B A (alpha ignored).
    Rgba8 = 1,
    /// 3 bytes per pixel, B G R (Windows bitmaps, OpenCV).
    Bgr8 = 2,
    /// 4 bytes per pixel, B G R A (alpha ignored).
    Bgra8 = 3,
    /// 1 byte per pixel, grey.
    Grey8 = 4,
}

/// A `passbild_pixel_format` as a caller passes it: the header declares the enum, and any value
/// is checked here before use, so a wrong one is `PASSBILD_STATUS_INVALID_ARGUMENT`, never
/// undefined behaviour.
pub type passbild_pixel_format_value = u32;

fn pixel_format(value: passbild_pixel_format_value) -> Result<PixelFormat, Failure> {
    use passbild_pixel_format as Code;
    let formats = [
        (Code::Rgb8, PixelFormat::Rgb8),
        (Code::Rgba8, PixelFormat::Rgba8),
        (Code::Bgr8, PixelFormat::Bgr8),
        (Code::Bgra8, PixelFormat::Bgra8),
        (Code::Grey8, PixelFormat::Grey8),
    ];
    formats
        .iter()
        .find(|(code, _)| *code as u32 == value)
        .map(|&(_, format)| format)
        .ok_or_else(|| Failure::new(passbild_status::InvalidArgument, format!("no pixel format {value}")))
}

/// A checker: the models and a profile, loaded once. Immutable after creation: any number of
/// threads may call `passbild_checker_check_*` on the same checker at once.
pub struct passbild_checker {
    inner: Checker,
}

fn new_checker(
    profile: Profile,
    threads: u32,
    backend: Backend,
    checker_out: *mut *mut passbild_checker,
) -> Result<(), Failure> {
    if checker_out.is_null() {
        return Err(Failure::null("checker_out"));
    }
    let inner = Checker::builder().profile(profile).threads(threads as usize).backend(backend).build()?;
    write_out(checker_out, "checker_out", Box::into_raw(Box::new(passbild_checker { inner })))
}

/// Creates a checker for a built-in profile ("icao", "de-live", "de-scan", "de-child-6-9",
/// "de-child-under-6") or the path of a TOML profile file (a name ending in ".toml"; a regular
/// file of at most 256 KiB). `threads` is the pool size for batches and for the stages of one
/// photo that run side by side (0: one per core; 1: each call runs on its caller's thread, so as
/// many photos are checked at once as threads call; more than 1024:
/// PASSBILD_STATUS_THREAD_POOL_FAILED). Loading takes about 0.3 s: create one checker, share it,
/// and free it with passbild_checker_free after the last call has returned.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_new(
    profile: *const c_char,
    threads: u32,
    checker_out: *mut *mut passbild_checker,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let profile = Profile::by_name_or_path(string_argument(profile, "profile")?)?;
        new_checker(profile, threads, Backend::Tract, checker_out)
    })
}

/// As `passbild_checker_new`, but the models run in ONNX Runtime, loaded from the shared library
/// at `onnxruntime_library` (a path, NUL-terminated UTF-8; libonnxruntime.so / onnxruntime.dll,
/// version 1.20 or newer) instead of the built-in engine: about 2-4 times faster per model and
/// ten times faster to load. One library per process; a second, different path is refused.
/// A build of passbild without the `onnxruntime` feature returns PASSBILD_STATUS_MODEL_FAILED.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_new_onnxruntime(
    profile: *const c_char,
    threads: u32,
    onnxruntime_library: *const c_char,
    checker_out: *mut *mut passbild_checker,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let profile = Profile::by_name_or_path(string_argument(profile, "profile")?)?;
        let library = string_argument(onnxruntime_library, "onnxruntime_library")?.into();
        new_checker(profile, threads, Backend::OnnxRuntime { library }, checker_out)
    })
}

/// Creates a checker from a TOML profile text (NUL-terminated UTF-8, at most 256 KiB): either
/// complete, or with `base = "<built-in>"` and the thresholds it overrides. Unknown keys are an
/// error.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_new_from_toml(
    toml: *const c_char,
    threads: u32,
    checker_out: *mut *mut passbild_checker,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let profile = Profile::from_toml(string_argument(toml, "toml")?)?;
        new_checker(profile, threads, Backend::Tract, checker_out)
    })
}

/// Frees a checker; NULL is ignored. No check may be running on it.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_free(checker: *mut passbild_checker) {
    if !checker.is_null() {
        // SAFETY: non-NULL checkers come from Box::into_raw in `new_checker` and are freed once.
        drop_behind_the_boundary(unsafe { Box::from_raw(checker) });
    }
}

fn deliver(report: crate::Report, report_out: *mut *mut passbild_report) -> Result<(), Failure> {
    write_out(report_out, "report_out", Box::into_raw(Box::new(passbild_report::new(report))))
}

/// Checks an encoded photo (JPEG, PNG, JPEG 2000, TIFF, BMP, WebP or PNM) of `len` bytes. On success `*report_out`
/// receives a report to free with `passbild_report_free`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_check_bytes(
    checker: *const passbild_checker,
    data: *const u8,
    len: usize,
    report_out: *mut *mut passbild_report,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        let bytes = bytes_argument(data, len, "data")?;
        if report_out.is_null() {
            return Err(Failure::null("report_out"));
        }
        deliver(checker.inner.check_bytes(bytes)?, report_out)
    })
}

/// Crops an encoded studio photo of `len` bytes to the checker's profile template (eyes level,
/// centred, at the eye-line height; the head at the middle of its target size; the profile's
/// pixel size) and saves it as JPEG. On success `*jpeg_out` and `*jpeg_len_out` receive the JPEG,
/// to free with `passbild_bytes_free(*jpeg_out, *jpeg_len_out)`. A photo without room around the
/// head gives `PASSBILD_STATUS_CROP_FAILED`, its message naming the short sides.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_crop(
    checker: *const passbild_checker,
    data: *const u8,
    len: usize,
    jpeg_out: *mut *mut u8,
    jpeg_len_out: *mut usize,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        let bytes = bytes_argument(data, len, "data")?;
        let out = BytesOut { bytes: (jpeg_out, "jpeg_out"), len: (jpeg_len_out, "jpeg_len_out") };
        out.require()?;
        let cropped = checker.inner.crop(bytes)?;
        out.give(cropped.jpeg)
    })
}

/// Draws what `report` (from `passbild_checker_check_bytes` on the same `len` bytes at `data` and
/// the same checker) found on the photo, for an operator to see: the face box, landmarks, eye
/// line, chin and crown, and the profile's target zones, green where the check passed, yellow
/// where it warned and red where it failed. On success `*png_out` and `*png_len_out` receive the drawing as PNG, to free
/// with `passbild_bytes_free(*png_out, *png_len_out)`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_overlay(
    checker: *const passbild_checker,
    data: *const u8,
    len: usize,
    report: *const passbild_report,
    png_out: *mut *mut u8,
    png_len_out: *mut usize,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        let bytes = bytes_argument(data, len, "data")?;
        let report = borrow(report, "report")?;
        let out = BytesOut { bytes: (png_out, "png_out"), len: (png_len_out, "png_len_out") };
        out.require()?;
        out.give(checker.inner.overlay_png(bytes, report.report())?)
    })
}

/// Checks an encoded document photo and compares it with a trusted live capture of the applicant
/// (also encoded): the document's checks plus `identity.same_person` and `morph.differential`.
/// On success `*report_out` receives a report to free with `passbild_report_free`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_check_with_reference(
    checker: *const passbild_checker,
    document: *const u8,
    document_len: usize,
    live: *const u8,
    live_len: usize,
    report_out: *mut *mut passbild_report,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        let document = bytes_argument(document, document_len, "document")?;
        let live = bytes_argument(live, live_len, "live")?;
        if report_out.is_null() {
            return Err(Failure::null("report_out"));
        }
        deliver(checker.inner.check_with_reference(document, live)?, report_out)
    })
}

/// Checks raw pixels: `height` rows of `width` pixels, rows `stride` bytes apart, in one of the
/// `passbild_pixel_format` layouts. The buffer must hold `stride * (height - 1) + width * bytes
/// per pixel` bytes: this function cannot check that, so prefer `passbild_checker_check_pixels_len`.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_check_pixels(
    checker: *const passbild_checker,
    pixels: *const u8,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    report_out: *mut *mut passbild_report,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    // SAFETY: forwarded from this function's own contract.
    unsafe { check_pixels(checker, pixels, None, width, height, stride, format, report_out, error_out) }
}

/// As `passbild_checker_check_pixels`, for a buffer of `pixels_len` readable bytes: a buffer
/// shorter than `stride * (height - 1) + width * bytes per pixel` is refused with
/// `PASSBILD_STATUS_INVALID_PIXELS`, never read beyond.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `pixels`
/// points to `pixels_len` readable bytes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_check_pixels_len(
    checker: *const passbild_checker,
    pixels: *const u8,
    pixels_len: usize,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    report_out: *mut *mut passbild_report,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    // SAFETY: forwarded from this function's own contract.
    unsafe { check_pixels(checker, pixels, Some(pixels_len), width, height, stride, format, report_out, error_out) }
}

/// # Safety
/// As the two entry points above; `pixels_len`, when given, is the readable length.
#[allow(clippy::too_many_arguments)]
unsafe fn check_pixels(
    checker: *const passbild_checker,
    pixels: *const u8,
    pixels_len: Option<usize>,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
    report_out: *mut *mut passbild_report,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        if pixels.is_null() {
            return Err(Failure::null("pixels"));
        }
        if report_out.is_null() {
            return Err(Failure::null("report_out"));
        }
        // SAFETY: forwarded from the entry point's contract.
        let (buffer, format) = unsafe { pixel_buffer(pixels, pixels_len, width, height, stride, format)? };
        deliver(checker.inner.check_pixels(buffer, width, height, stride, format)?, report_out)
    })
}

/// Of `count` reports of captures in the order they were taken, the index of the one TR-03121
/// keeps: most mandatory criteria of the checker's profile met, then most optional, then most
/// checks on target (a warning meets its criterion, not its target), then the most recent.
/// `PASSBILD_STATUS_INVALID_ARGUMENT` when `count` is 0.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe; `reports`
/// points to `count` report pointers.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_checker_best_capture(
    checker: *const passbild_checker,
    reports: *const *const passbild_report,
    count: usize,
    index_out: *mut usize,
    error_out: *mut *mut passbild_error,
) -> passbild_status {
    guard(error_out, || {
        let checker = borrow(checker, "checker")?;
        // No reports may come as NULL (an empty Java or .NET array): the "no captures" below.
        if reports.is_null() && count > 0 {
            return Err(Failure::null("reports"));
        }
        if index_out.is_null() {
            return Err(Failure::null("index_out"));
        }
        if count > isize::MAX as usize / std::mem::size_of::<*const passbild_report>() {
            return Err(Failure::new(passbild_status::InvalidArgument, "count is too large"));
        }
        let pointers = if count == 0 {
            &[]
        } else {
            // SAFETY: `reports` points to `count` pointers by the header contract.
            unsafe { std::slice::from_raw_parts(reports, count) }
        };
        let captures = pointers
            .iter()
            .enumerate()
            .map(|(i, &report)| borrow(report, &format!("reports[{i}]")).map(|r| r.report()))
            .collect::<Result<Vec<_>, _>>()?;
        let best = crate::capture::best_capture(captures, checker.inner.profile())
            .ok_or_else(|| Failure::new(passbild_status::InvalidArgument, "no captures (count is 0)"))?;
        write_out(index_out, "index_out", best)
    })
}

/// The caller's pixel buffer as a slice of the documented size, and its format.
/// # Safety
/// `pixels` is non-NULL and points to `pixels_len` readable bytes when that is given, else to
/// `stride * (height - 1) + width * bytes per pixel` readable bytes.
pub(crate) unsafe fn pixel_buffer<'a>(
    pixels: *const u8,
    pixels_len: Option<usize>,
    width: u32,
    height: u32,
    stride: usize,
    format: passbild_pixel_format_value,
) -> Result<(&'a [u8], PixelFormat), Failure> {
    let format = pixel_format(format)?;
    if width == 0 || height == 0 {
        return Err(Failure::new(passbild_status::InvalidPixels, "zero width or height"));
    }
    let needed = (stride as u128) * (u128::from(height) - 1) + u128::from(width) * format.bytes_per_pixel() as u128;
    let needed = usize::try_from(needed)
        .ok()
        .filter(|&n| n <= isize::MAX as usize)
        .ok_or_else(|| Failure::new(passbild_status::InvalidPixels, "the buffer size overflows"))?;
    if let Some(len) = pixels_len.filter(|&len| len < needed) {
        return Err(Failure::new(passbild_status::InvalidPixels, format!("{len} bytes given, {needed} needed")));
    }
    // SAFETY: the caller promises `needed` readable bytes (the documented buffer size), and
    // `pixels_len`, when given, is at least that.
    Ok((unsafe { std::slice::from_raw_parts(pixels, needed) }, format))
}

/// The checker itself, for the other ABI modules.
pub(crate) fn checker_of(checker: &passbild_checker) -> &Checker {
    &checker.inner
}
