//! The C ABI: opaque handles, status codes, and a panic boundary at every entry point. It only
//! wraps the Rust API; `include/passbild.h` is generated from this module by cbindgen.
//!
//! Conventions (the header repeats them): every fallible function returns a `passbild_status`;
//! out-params are written only on success (except `*needed_out`, which always receives the size a
//! buffer needs); `_free(NULL)` does nothing; an optional `passbild_error **error_out` receives
//! NULL on success and an owned error with a detailed message on failure; a byte buffer given as
//! NULL with a length of 0 is empty.

#![allow(non_camel_case_types)]

mod checker;
mod live;
mod receipt;
mod report;

use std::ffi::{CStr, CString, c_char};
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::Error;
use crate::receipt::ReceiptError;

// The version constants exist for cbindgen, which writes them into the header as macros; a unit
// test keeps them equal to Cargo.toml's version.
/// Major version of the library; compare with `passbild_version()` at run time.
#[allow(dead_code)]
pub const PASSBILD_VERSION_MAJOR: u32 = 0;
/// Minor version of the library.
#[allow(dead_code)]
pub const PASSBILD_VERSION_MINOR: u32 = 1;
/// Patch version of the library.
#[allow(dead_code)]
pub const PASSBILD_VERSION_PATCH: u32 = 0;

/// The outcome of a call. Values are fixed and never reused.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum passbild_status {
    Ok = 0,
    /// A required pointer argument was NULL.
    NullArgument = 1,
    /// An argument is out of its domain (not UTF-8, unknown pixel format or language).
    InvalidArgument = 2,
    /// The photo has zero bytes.
    EmptyInput = 3,
    /// The photo has more bytes than the limit.
    InputTooLarge = 4,
    /// Not JPEG, PNG, JPEG 2000, TIFF, BMP, WebP or PNM.
    UnknownFormat = 5,
    /// The file ends early.
    Truncated = 6,
    /// The file is damaged.
    DecodeFailed = 7,
    /// Width, height or pixel count above the limits (checked before decoding).
    ImageTooLarge = 8,
    /// Decoding would need more memory than allowed.
    DecoderMemory = 9,
    /// A raw pixel buffer does not match its width, height and stride.
    InvalidPixels = 10,
    /// A model failed to load or run.
    ModelFailed = 11,
    /// No built-in profile has that name.
    UnknownProfile = 12,
    /// A profile text is not valid TOML or names an unknown key.
    InvalidProfile = 13,
    /// A file could not be read.
    IoFailed = 14,
    /// The thread pool could not be started.
    ThreadPoolFailed = 15,
    /// A check index is not below the number of checks.
    IndexOutOfRange = 16,
    /// The caller's buffer is too small; `*needed_out` says how large it must be.
    BufferTooSmall = 17,
    /// passbild failed internally (a bug); the process is unharmed.
    InternalError = 18,
    /// One side of the image is more than `max_aspect_ratio` (4) times the other.
    AspectRatio = 19,
    /// The path is not a regular file (a FIFO, a device, a directory).
    NotAFile = 20,
    /// The file is whole but its image data is damaged (a scan cut short, invalid codes).
    Damaged = 21,
    /// The photo cannot be cropped to the template (too little room around the head, a head
    /// that would have to be enlarged, no face).
    CropFailed = 22,
    /// A receipt is not a COSE_Sign1 receipt of passbild's format (cut short, damaged).
    ReceiptMalformed = 23,
    /// A receipt was signed with another key than the one given.
    ReceiptWrongKey = 24,
    /// A receipt's signature does not match its contents: it was changed after signing.
    ReceiptBadSignature = 25,
    /// The image is not the one the receipt names (changed, or another photo).
    ReceiptImageMismatch = 26,
    /// A key is not an Ed25519 key in PKCS#8 (private) or SPKI (public) PEM.
    InvalidKey = 27,
}

impl passbild_status {
    const ALL: [passbild_status; 28] = [
        passbild_status::Ok,
        passbild_status::NullArgument,
        passbild_status::InvalidArgument,
        passbild_status::EmptyInput,
        passbild_status::InputTooLarge,
        passbild_status::UnknownFormat,
        passbild_status::Truncated,
        passbild_status::DecodeFailed,
        passbild_status::ImageTooLarge,
        passbild_status::DecoderMemory,
        passbild_status::InvalidPixels,
        passbild_status::ModelFailed,
        passbild_status::UnknownProfile,
        passbild_status::InvalidProfile,
        passbild_status::IoFailed,
        passbild_status::ThreadPoolFailed,
        passbild_status::IndexOutOfRange,
        passbild_status::BufferTooSmall,
        passbild_status::InternalError,
        passbild_status::AspectRatio,
        passbild_status::NotAFile,
        passbild_status::Damaged,
        passbild_status::CropFailed,
        passbild_status::ReceiptMalformed,
        passbild_status::ReceiptWrongKey,
        passbild_status::ReceiptBadSignature,
        passbild_status::ReceiptImageMismatch,
        passbild_status::InvalidKey,
    ];

    fn description(self) -> &'static str {
        match self {
            passbild_status::Ok => "success",
            passbild_status::NullArgument => "a required pointer argument is NULL",
            passbild_status::InvalidArgument => "an argument is out of its domain",
            passbild_status::EmptyInput => "the input is empty",
            passbild_status::InputTooLarge => "the input is above the size limit",
            passbild_status::UnknownFormat => {
                "unrecognised image format (passbild reads JPEG, PNG, JPEG 2000, TIFF, BMP, WebP and PNM)"
            }
            passbild_status::Truncated => "the image data is truncated",
            passbild_status::DecodeFailed => "the image data cannot be decoded",
            passbild_status::ImageTooLarge => "the image dimensions are above the limits",
            passbild_status::DecoderMemory => "decoding would need more memory than allowed",
            passbild_status::InvalidPixels => "the pixel buffer does not match its width, height and stride",
            passbild_status::ModelFailed => "a face model failed to load or run",
            passbild_status::UnknownProfile => "unknown profile",
            passbild_status::InvalidProfile => "invalid profile",
            passbild_status::IoFailed => "a file could not be read",
            passbild_status::ThreadPoolFailed => "the thread pool could not be started",
            passbild_status::IndexOutOfRange => "the index is out of range",
            passbild_status::BufferTooSmall => "the buffer is too small",
            passbild_status::InternalError => "internal error in passbild",
            passbild_status::AspectRatio => "the image is too narrow or too tall (aspect ratio beyond the limit)",
            passbild_status::NotAFile => "the path is not a regular file",
            passbild_status::Damaged => "the image data is damaged",
            passbild_status::CropFailed => "the photo cannot be cropped to the template",
            passbild_status::ReceiptMalformed => "the receipt is malformed",
            passbild_status::ReceiptWrongKey => "the receipt was signed with another key",
            passbild_status::ReceiptBadSignature => "the receipt's signature does not match its contents",
            passbild_status::ReceiptImageMismatch => "the image does not match the receipt",
            passbild_status::InvalidKey => "the key is not an Ed25519 key in PEM",
        }
    }
}

/// An error's status and detailed message. Owned by the caller; free with `passbild_error_free`.
pub struct passbild_error {
    status: passbild_status,
    message: CString,
}

/// A failure inside an entry point, before it becomes a status and an optional error object.
pub(crate) struct Failure {
    status: passbild_status,
    message: String,
}

impl Failure {
    pub(crate) fn new(status: passbild_status, message: impl Into<String>) -> Self {
        Failure { status, message: message.into() }
    }

    pub(crate) fn null(argument: &str) -> Self {
        Failure::new(passbild_status::NullArgument, format!("{argument} is NULL"))
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let status = match &error {
            Error::EmptyInput => passbild_status::EmptyInput,
            Error::InputTooLarge { .. } => passbild_status::InputTooLarge,
            Error::UnknownFormat => passbild_status::UnknownFormat,
            Error::Truncated { .. } => passbild_status::Truncated,
            Error::Decode { .. } => passbild_status::DecodeFailed,
            Error::ImageTooLarge { .. } => passbild_status::ImageTooLarge,
            Error::DecoderMemory { .. } => passbild_status::DecoderMemory,
            Error::InvalidPixels(_) => passbild_status::InvalidPixels,
            Error::Model { .. } => passbild_status::ModelFailed,
            Error::UnknownProfile { .. } => passbild_status::UnknownProfile,
            Error::InvalidProfile(_) => passbild_status::InvalidProfile,
            Error::Io { .. } => passbild_status::IoFailed,
            Error::ThreadPool(_) => passbild_status::ThreadPoolFailed,
            Error::InvalidLiveTarget(_) => passbild_status::InvalidArgument,
            Error::AspectRatio { .. } => passbild_status::AspectRatio,
            Error::NotAFile { .. } => passbild_status::NotAFile,
            Error::Damaged { .. } => passbild_status::Damaged,
            Error::Crop(_) => passbild_status::CropFailed,
            Error::Receipt(receipt) => match receipt {
                ReceiptError::Malformed(_) => passbild_status::ReceiptMalformed,
                ReceiptError::WrongKey { .. } => passbild_status::ReceiptWrongKey,
                ReceiptError::BadSignature => passbild_status::ReceiptBadSignature,
                ReceiptError::ImageMismatch { .. } => passbild_status::ReceiptImageMismatch,
                ReceiptError::InvalidKey(_) => passbild_status::InvalidKey,
            },
        };
        Failure::new(status, error.to_string())
    }
}

/// Runs an entry point's body behind the panic boundary and turns its outcome into a status,
/// handing a detailed error to `error_out` when the caller asked for one.
pub(crate) fn guard(
    error_out: *mut *mut passbild_error,
    body: impl FnOnce() -> Result<(), Failure>,
) -> passbild_status {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|panic| {
        let detail = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_default();
        Err(Failure::new(passbild_status::InternalError, format!("internal error: {detail}")))
    });
    match outcome {
        Ok(()) => {
            if !error_out.is_null() {
                // SAFETY: as below. A caller that tests the error rather than the status, with
                // one variable for many calls, does not see (and free again) an earlier error.
                unsafe { *error_out = std::ptr::null_mut() };
            }
            passbild_status::Ok
        }
        Err(failure) => {
            if !error_out.is_null() {
                let message = CString::new(failure.message.replace('\0', " ")).unwrap_or_default();
                let error = Box::new(passbild_error { status: failure.status, message });
                // SAFETY: the caller passed a writable `passbild_error **` (checked non-NULL).
                unsafe { *error_out = Box::into_raw(error) };
            }
            failure.status
        }
    }
}

/// A borrowed reference from a pointer the caller promised is valid, or NULL.
pub(crate) fn borrow<'a, T>(pointer: *const T, argument: &str) -> Result<&'a T, Failure> {
    // SAFETY: non-NULL pointers handed to us point to live objects of this type (header contract).
    unsafe { pointer.as_ref() }.ok_or_else(|| Failure::null(argument))
}

/// `len` bytes at `data`, or a NULL failure naming `argument`. NULL with a length of 0 is an
/// empty buffer (Java's and .NET's empty arrays and segments may have no address), which the
/// callee judges as empty.
pub(crate) fn bytes_argument<'a>(data: *const u8, len: usize, argument: &str) -> Result<&'a [u8], Failure> {
    if data.is_null() {
        return if len == 0 { Ok(&[]) } else { Err(Failure::null(argument)) };
    }
    // No buffer is this long; a slice of it would be undefined behaviour even unread.
    if len > isize::MAX as usize {
        return Err(crate::Error::InputTooLarge { len, limit: isize::MAX as usize }.into());
    }
    // SAFETY: `data` points to `len` readable bytes by the header contract.
    Ok(unsafe { std::slice::from_raw_parts(data, len) })
}

/// A NUL-terminated UTF-8 string argument.
pub(crate) fn string_argument<'a>(pointer: *const c_char, argument: &str) -> Result<&'a str, Failure> {
    if pointer.is_null() {
        return Err(Failure::null(argument));
    }
    // SAFETY: non-NULL and NUL-terminated by the header contract.
    unsafe { CStr::from_ptr(pointer) }
        .to_str()
        .map_err(|_| Failure::new(passbild_status::InvalidArgument, format!("{argument} is not UTF-8")))
}

/// Writes an out-param after checking it; the value is only produced once the pointer is known good.
pub(crate) fn write_out<T>(out: *mut T, argument: &str, value: T) -> Result<(), Failure> {
    if out.is_null() {
        return Err(Failure::null(argument));
    }
    // SAFETY: non-NULL and writable by the header contract.
    unsafe { out.write(value) };
    Ok(())
}

/// Copies `text` and a NUL into the caller's buffer, snprintf-style: `*needed_out` (if not NULL)
/// always receives the size needed; the buffer is written only when it is large enough.
pub(crate) fn copy_to_buffer(
    text: &str,
    buffer: *mut c_char,
    buffer_len: usize,
    needed_out: *mut usize,
) -> Result<(), Failure> {
    let needed = text.len() + 1;
    if !needed_out.is_null() {
        // SAFETY: non-NULL and writable by the header contract.
        unsafe { needed_out.write(needed) };
    }
    if buffer.is_null() || buffer_len < needed {
        return Err(Failure::new(
            passbild_status::BufferTooSmall,
            format!("the text needs {needed} bytes, the buffer has {buffer_len}"),
        ));
    }
    // SAFETY: the buffer holds at least `needed` writable bytes (checked above against its length).
    unsafe {
        std::ptr::copy_nonoverlapping(text.as_ptr(), buffer.cast::<u8>(), text.len());
        buffer.add(text.len()).write(0);
    }
    Ok(())
}

/// The library version, "MAJOR.MINOR.PATCH", as a static NUL-terminated string (never free it).
#[unsafe(no_mangle)]
pub extern "C" fn passbild_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Copies a short English description of `status` into `buffer` (see `passbild_status`).
/// `*needed_out` (may be NULL) receives the size needed, NUL included.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_status_message(
    status: u32,
    buffer: *mut c_char,
    buffer_len: usize,
    needed_out: *mut usize,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let status = passbild_status::ALL
            .iter()
            .find(|s| **s as u32 == status)
            .ok_or_else(|| Failure::new(passbild_status::InvalidArgument, format!("no status {status}")))?;
        copy_to_buffer(status.description(), buffer, buffer_len, needed_out)
    })
}

/// The status of an error object (`PASSBILD_STATUS_NULL_ARGUMENT` for NULL).
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_error_status(error: *const passbild_error) -> passbild_status {
    // SAFETY: non-NULL error pointers come from this library.
    unsafe { error.as_ref() }.map_or(passbild_status::NullArgument, |e| e.status)
}

/// Copies an error's detailed message into `buffer`; `*needed_out` (may be NULL) receives the size
/// needed, NUL included.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_error_message(
    error: *const passbild_error,
    buffer: *mut c_char,
    buffer_len: usize,
    needed_out: *mut usize,
) -> passbild_status {
    guard(std::ptr::null_mut(), || {
        let error = borrow(error, "error")?;
        copy_to_buffer(error.message.to_str().unwrap_or_default(), buffer, buffer_len, needed_out)
    })
}

/// Frees an error object; NULL is ignored.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_error_free(error: *mut passbild_error) {
    if !error.is_null() {
        // SAFETY: non-NULL error pointers come from Box::into_raw in `guard` and are freed once.
        drop(unsafe { Box::from_raw(error) });
    }
}

/// Frees a string returned by passbild (such as `passbild_report_to_json`); NULL is ignored. The
/// string must be as passbild returned it: its length is found again from its NUL.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_string_free(string: *mut c_char) {
    if !string.is_null() {
        // SAFETY: strings handed out by passbild come from CString::into_raw and are freed once.
        drop(unsafe { CString::from_raw(string) });
    }
}

/// Frees bytes returned by passbild (such as `passbild_checker_crop`'s JPEG) with their length;
/// NULL is ignored.
/// # Safety
/// Every pointer argument is NULL or valid as this comment and the header describe.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn passbild_bytes_free(bytes: *mut u8, len: usize) {
    if !bytes.is_null() {
        // SAFETY: byte buffers handed out by passbild come from Box<[u8]>::into_raw with this length.
        drop(unsafe { Box::from_raw(std::ptr::slice_from_raw_parts_mut(bytes, len)) });
    }
}

/// Drops an object whose drop runs more than freeing memory (a checker's thread pool and model
/// sessions, a live session's state) behind the panic boundary: a panic there would otherwise
/// abort the caller's process (a JVM), which no call may do. What it could not release is left.
pub(crate) fn drop_behind_the_boundary<T>(object: Box<T>) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(object)));
}

/// The two out-arguments a byte buffer is handed back through, with their names in the header.
pub(crate) struct BytesOut {
    pub bytes: (*mut *mut u8, &'static str),
    pub len: (*mut usize, &'static str),
}

impl BytesOut {
    /// Refuses a NULL out-argument, naming it: checked before the work that fills them.
    pub(crate) fn require(&self) -> Result<(), Failure> {
        for (is_null, name) in [(self.bytes.0.is_null(), self.bytes.1), (self.len.0.is_null(), self.len.1)] {
            if is_null {
                return Err(Failure::null(name));
            }
        }
        Ok(())
    }

    /// Hands `bytes` to the caller as a pointer and a length, freed with `passbild_bytes_free`.
    pub(crate) fn give(self, bytes: Vec<u8>) -> Result<(), Failure> {
        self.require()?;
        let len = bytes.len();
        let pointer = Box::into_raw(bytes.into_boxed_slice()) as *mut u8;
        write_out(self.len.0, self.len.1, len)?;
        write_out(self.bytes.0, self.bytes.1, pointer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_macros_match_cargo_toml() {
        let parse = |v: &str| v.parse::<u32>().unwrap();
        assert_eq!(PASSBILD_VERSION_MAJOR, parse(env!("CARGO_PKG_VERSION_MAJOR")));
        assert_eq!(PASSBILD_VERSION_MINOR, parse(env!("CARGO_PKG_VERSION_MINOR")));
        assert_eq!(PASSBILD_VERSION_PATCH, parse(env!("CARGO_PKG_VERSION_PATCH")));
        // SAFETY: a static NUL-terminated string.
        let version = unsafe { CStr::from_ptr(passbild_version()) };
        assert_eq!(version.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn a_null_out_argument_is_refused_by_its_name_and_nothing_is_handed_out() {
        let mut len = 7usize;
        let out = BytesOut { bytes: (std::ptr::null_mut(), "receipt_out"), len: (&mut len, "receipt_len_out") };
        let failure = out.give(vec![1, 2, 3]).unwrap_err();
        assert_eq!(failure.message, "receipt_out is NULL");
        assert_eq!(len, 7);

        let mut bytes: *mut u8 = std::ptr::null_mut();
        let mut given_len = 0usize;
        let out = BytesOut { bytes: (&mut bytes, "jpeg_out"), len: (&mut given_len, "jpeg_len_out") };
        assert!(out.give(vec![1, 2, 3]).is_ok());
        assert_eq!(given_len, 3);
        // SAFETY: handed out just above with this length.
        unsafe { passbild_bytes_free(bytes, given_len) };
    }
}
