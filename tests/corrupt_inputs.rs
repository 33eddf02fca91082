//! Corrupted real files: flipped bytes, cut-off tails, spliced garbage. Decoding must return a
//! photo or a typed error; it must never panic.

mod common;

use passbild::DecodeLimits;
use passbild::tools::internals::decode;
use proptest::prelude::*;

fn originals() -> &'static [Vec<u8>] {
    static ORIGINALS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    ORIGINALS.get_or_init(|| {
        let mut small_png = Vec::new();
        let photo = common::fixture_image("lisa3.jpg");
        image::imageops::thumbnail(&photo, 60, 80)
            .write_to(&mut std::io::Cursor::new(&mut small_png), image::ImageFormat::Png)
            .unwrap();
        vec![common::fixture_bytes("lisa3.jpg"), small_png, common::fixture_bytes("C001088_lossless.jp2")]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn corrupted_files_decode_or_fail_cleanly(
        which in 0usize..3,
        flips in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..12),
        keep in 0.05f64..1.0,
    ) {
        let mut bytes = originals()[which].clone();
        for (at, value) in flips {
            let i = at.index(bytes.len());
            // Keep the signature so the decoder, not the sniffer, meets the damage.
            if i >= 12 {
                bytes[i] = value;
            }
        }
        bytes.truncate(((bytes.len() as f64 * keep) as usize).max(12));
        let limits = DecodeLimits { max_pixels: 4_000_000, ..DecodeLimits::default() };
        if let Ok(decoded) = decode(&bytes, &limits) {
            prop_assert!(decoded.image.width() > 0 && decoded.image.height() > 0);
        }
    }
}
