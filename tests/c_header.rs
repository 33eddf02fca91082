//! include/passbild.h is generated, committed, and must match the code: regenerate it with the
//! pinned cbindgen and compare. `PASSBILD_BLESS=1 cargo test --test c_header` rewrites it.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn generate() -> String {
    let config = cbindgen::Config::from_file(root().join("cbindgen.toml")).unwrap();
    // Only the C ABI module (cbindgen follows its `mod` declarations): the rest of the crate's
    // public constants are not part of the header.
    let bindings =
        cbindgen::Builder::new().with_src(root().join("src/ffi/mod.rs")).with_config(config).generate().unwrap();
    let mut header = Vec::new();
    bindings.write(&mut header);
    String::from_utf8(header).unwrap()
}

#[test]
fn the_committed_header_matches_the_code() {
    let generated = generate();
    let path = root().join("include/passbild.h");
    if std::env::var_os("PASSBILD_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap();
    assert!(
        committed == generated,
        "include/passbild.h differs from what cbindgen generates; review and run PASSBILD_BLESS=1 cargo test --test c_header"
    );
}

#[test]
fn the_version_macros_match_cargo_toml() {
    let header = std::fs::read_to_string(root().join("include/passbild.h")).unwrap();
    let version = env!("CARGO_PKG_VERSION");
    let parts: Vec<&str> = version.split('.').collect();
    for (name, value) in ["MAJOR", "MINOR", "PATCH"].iter().zip(&parts) {
        let line = format!("#define PASSBILD_VERSION_{name} {value}");
        assert!(header.contains(&line), "the header lacks `{line}` (Cargo.toml says {version})");
    }
}
