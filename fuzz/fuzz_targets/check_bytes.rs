//! Any bytes through the whole check (decode, models, measures, checks): a report or a typed
//! error. Slow per input (the models run), so it finds what only a decoded photo reaches.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use passbild::Checker;

static CHECKER: LazyLock<Checker> =
    LazyLock::new(|| Checker::builder().profile_name("de-live").unwrap().threads(1).build().unwrap());

fuzz_target!(|bytes: &[u8]| {
    let _ = CHECKER.check_bytes(bytes);
});
