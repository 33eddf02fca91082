//! Peak resident memory of one checker with all its models, after checking the 1244x1600
//! fixture, then after a comparison with a live capture (which loads the identity embedding).
//! Linux (reads VmHWM from /proc/self/status):
//!     cargo run --release --example peak_memory
//! With ONNX Runtime instead of tract (the library path as for `--onnxruntime`):
//!     cargo run --release --features onnxruntime --example peak_memory -- LIBONNXRUNTIME

fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("Linux /proc");
    let kib: f64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/self/status");
    kib / 1024.0
}

fn main() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let photo = std::fs::read(root.join("fixtures/frll_034_de.jpg")).unwrap();
    println!("process start: {:.0} MiB", peak_mib());
    let backend = match std::env::args_os().nth(1) {
        Some(library) => passbild::Backend::OnnxRuntime { library: library.into() },
        None => passbild::Backend::Tract,
    };
    println!("backend: {backend:?}");
    let checker = passbild::Checker::builder().profile_name("de-live").unwrap().backend(backend).build().unwrap();
    println!("checker with the four pipeline models: {:.0} MiB", peak_mib());
    checker.check_bytes(&photo).unwrap();
    println!("after checking the 1244x1600 fixture: {:.0} MiB", peak_mib());
    checker.check_with_reference(&photo, &photo).unwrap();
    println!("after a comparison with a live capture (identity embedding loaded): {:.0} MiB", peak_mib());
}
