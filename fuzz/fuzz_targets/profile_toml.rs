//! Any text as a user's TOML profile: a profile or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    let _ = passbild::Profile::from_toml(text);
});
