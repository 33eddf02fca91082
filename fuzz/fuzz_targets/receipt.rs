//! Any bytes as a check receipt, or as the payload of a validly signed one (`receipt_input.rs`):
//! what the receipt states, or a typed error. An office verifies receipts a studio uploaded.
#![no_main]

use std::sync::LazyLock;

use libfuzzer_sys::fuzz_target;
use passbild::receipt::ReceiptKey;

mod receipt_input;

static KEY: LazyLock<ReceiptKey> = LazyLock::new(|| ReceiptKey::generate().expect("a key"));

fuzz_target!(|input: &[u8]| {
    let _ = receipt_input::verify(input, &KEY);
});
