//! The C ABI's pixel entry with a buffer length, called as a C program calls it (`c_abi.rs` turns
//! the input into the call): the call refuses what does not fit and never reads beyond the length.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;

// Links the library, whose C ABI `c_abi.rs` declares.
extern crate passbild;

mod c_abi;

static CHECKER: LazyLock<c_abi::Checker> = LazyLock::new(|| c_abi::Checker::new(c"de-live"));

fuzz_target!(|input: &[u8]| {
    c_abi::check_pixels(&CHECKER, input);
});
