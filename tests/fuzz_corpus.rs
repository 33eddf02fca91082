//! Replays the fuzz targets' corpora and the regressions fuzzing found (fuzz/, docs/reliability.md)
//! through the same entry points, without fuzzing: each input ends in a result or a typed error.

mod common;

use std::ffi::c_void;
use std::path::Path;

use passbild::DecodeLimits;
use passbild::tools::internals::decode;

// The C ABI (include/passbild.h), linked from the library, as fuzz/fuzz_targets/c_pixels.rs calls it.
unsafe extern "C" {
    fn passbild_checker_new(profile: *const i8, threads: u32, out: *mut *mut c_void, error: *mut *mut c_void) -> u32;
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

/// The inputs of one target: its corpus and its regressions (and, for profiles, the built-in ones).
fn inputs(target: &str) -> Vec<Vec<u8>> {
    let root = common::root().join("fuzz");
    let mut files = Vec::new();
    let mut dirs = vec![root.join("corpus").join(target), root.join("regressions").join(target)];
    if target == "profile_toml" {
        dirs.push(common::root().join("profiles"));
    }
    for dir in dirs {
        if let Ok(entries) = std::fs::read_dir(&dir) {
            files.extend(entries.map(|e| e.unwrap().path()));
        }
    }
    files.sort();
    files.iter().map(|p: &std::path::PathBuf| std::fs::read(Path::new(p)).unwrap()).collect()
}

#[test]
fn decode_and_jpeg2000_inputs_end_in_a_photo_or_a_typed_error() {
    let limits = DecodeLimits::default();
    let decode_inputs = inputs("decode");
    assert!(decode_inputs.len() >= 7);
    for bytes in &decode_inputs {
        let _ = decode(bytes, &limits);
    }
    for bytes in inputs("jpeg2000") {
        let codestream: Vec<u8> = [0xFF, 0x4F, 0xFF, 0x51].iter().chain(&bytes).copied().collect();
        let _ = decode(&codestream, &limits);
        let _ = decode(&bytes, &limits);
    }
}

#[test]
fn profile_texts_parse_or_give_a_typed_error() {
    let texts: Vec<String> = inputs("profile_toml").into_iter().filter_map(|b| String::from_utf8(b).ok()).collect();
    let parsed = texts.iter().filter(|text| passbild::Profile::from_toml(text).is_ok()).count();
    assert!(parsed >= 6, "{parsed} of {} profiles parse", texts.len());
}

#[test]
fn pixel_buffers_through_the_c_abi_are_checked_or_refused() {
    let mut checker = std::ptr::null_mut();
    // SAFETY: a NUL-terminated profile name and a valid out pointer.
    assert_eq!(unsafe { passbild_checker_new(c"de-live".as_ptr(), 1, &mut checker, std::ptr::null_mut()) }, 0);
    let mut statuses = Vec::new();
    for data in inputs("c_pixels") {
        if data.len() < 8 {
            continue;
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
            statuses.push(passbild_checker_check_pixels_len(
                checker,
                pixels.as_ptr(),
                claimed,
                width,
                height,
                stride,
                format,
                &mut report,
                &mut error,
            ));
            passbild_report_free(report);
            passbild_error_free(error);
        }
    }
    // SAFETY: made above, freed once.
    unsafe { passbild_checker_free(checker) };
    // The whole buffer is checked; the same buffer claimed 50 bytes short is refused.
    assert!(statuses.contains(&0), "{statuses:?}");
    assert!(statuses.contains(&10), "{statuses:?}");
}
