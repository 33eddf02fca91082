//! Hands the target triple to the tests that compile C and C++ against the library with `cc`.
fn main() {
    println!("cargo:rustc-env=PASSBILD_TARGET={}", std::env::var("TARGET").unwrap_or_default());
    println!("cargo:rerun-if-changed=build.rs");
}
