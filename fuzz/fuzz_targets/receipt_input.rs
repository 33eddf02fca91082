//! How the `receipt` target turns an input into a verification, shared with tests/fuzz_corpus.rs,
//! which replays the target's inputs the same way. The first byte chooses: even, the rest is the
//! receipt; odd, the rest is the payload of a receipt signed with `key`, so that the payload's
//! reading, which only a valid signature reaches, is fuzzed too.

use passbild::receipt::{self, ReceiptContents, ReceiptError, ReceiptKey};

/// The photo every fuzzed receipt is verified against.
pub const PHOTO: &[u8] = b"the photo's bytes";

/// The input verified against `key`'s public half; None for an empty input.
pub fn verify(input: &[u8], key: &ReceiptKey) -> Option<Result<ReceiptContents, ReceiptError>> {
    let (&choice, rest) = input.split_first()?;
    let receipt =
        if choice % 2 == 0 { rest.to_vec() } else { passbild::tools::internals::receipt_around(rest.to_vec(), key) };
    Some(receipt::verify(&receipt, PHOTO, &key.public_key_pem()))
}
