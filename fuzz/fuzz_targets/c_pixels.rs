//! The C ABI's pixel entry with a buffer length, called as a C program calls it: the first bytes
//! choose width, height, stride, format and how much shorter than the buffer the claimed length
//! is; the call refuses what does not fit and never reads beyond the length.
#![no_main]

use std::ffi::c_void;
use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

// Links the library, whose C ABI the block below declares.
extern crate passbild;

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
    fn passbild_report_free(report: *mut c_void);
    fn passbild_error_free(error: *mut c_void);
}

struct Checker(*mut c_void);
// SAFETY: a checker may be used from several threads at once (include/passbild.h).
unsafe impl Send for Checker {}
unsafe impl Sync for Checker {}

static CHECKER: LazyLock<Checker> = LazyLock::new(|| {
    let mut checker = std::ptr::null_mut();
    // SAFETY: a NUL-terminated profile name and a valid out pointer.
    let status = unsafe { passbild_checker_new(c"de-live".as_ptr(), 1, &mut checker, std::ptr::null_mut()) };
    assert_eq!(status, 0);
    Checker(checker)
});

fuzz_target!(|data: &[u8]| {
    if data.len() < 8 {
        return;
    }
    let width = u32::from(u16::from_le_bytes([data[0], data[1]]) % 1024);
    let height = u32::from(u16::from_le_bytes([data[2], data[3]]) % 1024);
    let stride = usize::from(u16::from_le_bytes([data[4], data[5]]));
    let format = u32::from(data[6] % 6);
    let pixels = &data[8..];
    let claimed = pixels.len().saturating_sub(usize::from(data[7]));
    let (mut report, mut error) = (std::ptr::null_mut(), std::ptr::null_mut());
    // SAFETY: `pixels` holds at least `claimed` readable bytes; the out pointers are valid.
    unsafe {
        passbild_checker_check_pixels_len(CHECKER.0, pixels.as_ptr(), claimed, width, height, stride, format, &mut report, &mut error);
        passbild_report_free(report);
        passbild_error_free(error);
    }
});
