//! Replays the fuzz targets' corpora and the regressions fuzzing found (fuzz/, docs/reliability.md)
//! through the same entry points, without fuzzing: each input ends in a result or a typed error.

mod common;

use std::path::Path;

use passbild::DecodeLimits;
use passbild::tools::internals::decode;

// The calls the `c_pixels` fuzz target makes, made the same way here.
#[path = "../fuzz/fuzz_targets/c_abi.rs"]
mod c_abi;

// How the `receipt` target verifies an input, used the same way here.
#[path = "../fuzz/fuzz_targets/receipt_input.rs"]
mod receipt_input;

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
    let checker = c_abi::Checker::new(c"de-live");
    let statuses: Vec<u32> =
        inputs("c_pixels").iter().filter_map(|input| c_abi::check_pixels(&checker, input)).collect();
    // The whole buffer is checked; the same buffer claimed 50 bytes short is refused.
    assert!(statuses.contains(&0), "{statuses:?}");
    assert!(statuses.contains(&10), "{statuses:?}");
}

#[test]
fn receipts_and_signed_payloads_are_read_or_refused() {
    let key = passbild::receipt::ReceiptKey::generate().unwrap();
    let outcomes: Vec<_> = inputs("receipt").iter().filter_map(|input| receipt_input::verify(input, &key)).collect();
    // A studio's receipt, signed with its own key, names that key; the payload of one for the
    // fuzzer's photo is read whole, and one of an older version, with fewer checks and no
    // profile hash, by position.
    assert!(outcomes.iter().any(|o| matches!(o, Err(passbild::receipt::ReceiptError::WrongKey { .. }))));
    let read: Vec<_> = outcomes.iter().filter_map(|o| o.as_ref().ok()).collect();
    assert!(read.iter().any(|c| c.photographer == "studio-7" && c.profile_sha256.is_some()), "{read:?}");
    assert!(read.iter().any(|c| c.profile_sha256.is_none() && c.checks.iter().all(|(id, _)| id.starts_with('#'))));
}
