//! Where model loading spends its time: ONNX parsing and typing, optimisation, plan building.
use std::time::Instant;
use tract_onnx::prelude::*;
fn main() {
    for (name, side) in [
        ("face_detection_short_range", 128),
        ("face_landmark", 192),
        ("iris_landmark", 64),
        ("selfie_segmentation", 256),
    ] {
        let bytes = std::fs::read(format!("models/{name}.onnx")).unwrap();
        let t0 = Instant::now();
        let model = tract_onnx::onnx()
            .model_for_read(&mut &*bytes)
            .unwrap()
            .with_input_fact(0, f32::fact([1, side, side, 3]).into())
            .unwrap();
        let t1 = Instant::now();
        let typed = model.into_typed().unwrap().into_decluttered().unwrap();
        let t2 = Instant::now();
        let optimized = typed.into_optimized().unwrap();
        let t3 = Instant::now();
        let _plan = optimized.into_runnable().unwrap();
        let t4 = Instant::now();
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        println!(
            "{name:28} parse {:6.1} ms  type+declutter {:6.1} ms  optimise {:6.1} ms  plan {:5.1} ms",
            ms(t0, t1),
            ms(t1, t2),
            ms(t2, t3),
            ms(t3, t4)
        );
    }
}
