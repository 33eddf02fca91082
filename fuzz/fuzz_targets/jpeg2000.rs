//! Bytes read as a JPEG 2000 codestream (the box and marker parsing before the decoder, and the
//! decoder): the input follows the codestream's SOC and SIZ markers, so every run reaches them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use passbild::DecodeLimits;
use passbild::tools::internals::decode;

fuzz_target!(|bytes: &[u8]| {
    let codestream: Vec<u8> = [0xFF, 0x4F, 0xFF, 0x51].iter().chain(bytes).copied().collect();
    let _ = decode(&codestream, &DecodeLimits::default());
    let _ = decode(bytes, &DecodeLimits::default());
});
