//! How the `c_pixels` target turns an input into a call of the C ABI's pixel entry, shared with
//! tests/fuzz_corpus.rs, which replays the target's inputs the same way: the first bytes choose
//! width, height, stride, format and how much shorter than the buffer the claimed length is.

use std::ffi::{CStr, c_void};

// passbild's C ABI (include/passbild.h), linked from the library itself.
unsafe extern "C" {
    fn passbild_checker_new(profile: *const i8, threads: u32, out: *mut *mut c_void, error: *mut *mut c_void) -> u32;
    #[allow(clippy::too_many_arguments)]
    fn passbild_checker_check_pixels_len(
        checker: *const c_void,
        pixels: *const u8,
        pixels_len: usize,
        width: u32,
        height: u32,
        stride: usize,
        format: u32,
        report_out: *mut *mut c_void,
        error_out: *mut *mut c_void,
    ) -> u32;
    fn passbild_checker_free(checker: *mut c_void);
    fn passbild_report_free(report: *mut c_void);
    fn passbild_error_free(error: *mut c_void);
}

/// A checker made through the C ABI, freed through it.
pub struct Checker(*mut c_void);

// SAFETY: a checker may be used from several threads at once (include/passbild.h).
unsafe impl Send for Checker {}
unsafe impl Sync for Checker {}

impl Checker {
    pub fn new(profile: &CStr) -> Checker {
        let mut checker = std::ptr::null_mut();
        // SAFETY: a NUL-terminated profile name and a valid out pointer.
        let status = unsafe { passbild_checker_new(profile.as_ptr(), 1, &mut checker, std::ptr::null_mut()) };
        assert_eq!(status, 0, "passbild_checker_new");
        Checker(checker)
    }
}

impl Drop for Checker {
    fn drop(&mut self) {
        // SAFETY: made by passbild_checker_new, freed once.
        unsafe { passbild_checker_free(self.0) };
    }
}

/// Calls `passbild_checker_check_pixels_len` as `input` says; its status, or None for an input
/// too short to say anything.
pub fn check_pixels(checker: &Checker, input: &[u8]) -> Option<u32> {
    let header = input.get(..8)?;
    let width = u32::from(u16::from_le_bytes([header[0], header[1]]) % 1024);
    let height = u32::from(u16::from_le_bytes([header[2], header[3]]) % 1024);
    let stride = usize::from(u16::from_le_bytes([header[4], header[5]]));
    let format = u32::from(header[6] % 6);
    let pixels = &input[8..];
    let claimed = pixels.len().saturating_sub(usize::from(header[7]));
    let (mut report, mut error) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: `pixels` holds at least `claimed` readable bytes; the out pointers are valid.
    unsafe {
        let status = passbild_checker_check_pixels_len(
            checker.0,
            pixels.as_ptr(),
            claimed,
            width,
            height,
            stride,
            format,
            &mut report,
            &mut error,
        );
        passbild_report_free(report);
        passbild_error_free(error);
        Some(status)
    }
}
