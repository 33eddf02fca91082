//! Any bytes through the decoders (JPEG, PNG, JPEG 2000) and the checks made before them: a typed
//! error or a photo, never a panic, an abort or an allocation beyond the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passbild::DecodeLimits;
use passbild::tools::internals::decode;

fuzz_target!(|bytes: &[u8]| {
    let _ = decode(bytes, &DecodeLimits::default());
});
