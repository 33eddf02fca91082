//! Where model loading spends its time (ONNX parsing, typing and decluttering, optimisation, plan
//! building), and the median run of each graph on a constant input. `MODELS=DIR` reads the graphs
//! from DIR instead of `models/`, to compare a rewrite with the shipped graph.
use std::time::Instant;
use tract_onnx::prelude::*;
fn main() {
    for (name, height, width) in [
        ("face_detection_short_range", 128, 128),
        ("face_landmark", 192, 192),
        ("iris_landmark", 64, 64),
        ("selfie_segmentation", 256, 256),
        ("morph_detector", 384, 192),
    ] {
        let bytes =
            std::fs::read(format!("{}/{name}.onnx", std::env::var("MODELS").unwrap_or("models".into()))).unwrap();
        let t0 = Instant::now();
        let model = tract_onnx::onnx()
            .model_for_read(&mut &*bytes)
            .unwrap()
            .with_input_fact(0, f32::fact([1, height, width, 3]).into())
            .unwrap();
        let t1 = Instant::now();
        let typed = model.into_typed().unwrap().into_decluttered().unwrap();
        let t2 = Instant::now();
        let optimized = typed.into_optimized().unwrap();
        let t3 = Instant::now();
        let plan = optimized.into_runnable().unwrap();
        let t4 = Instant::now();
        let input: Tensor = tract_ndarray::Array4::<f32>::from_elem((1, height, width, 3), 0.5).into();
        let mut times = vec![];
        for _ in 0..40 {
            let t = Instant::now();
            plan.run(tvec!(input.clone().into())).unwrap();
            times.push(t.elapsed().as_secs_f64() * 1e3);
        }
        times.sort_by(f64::total_cmp);
        let run_median = times[times.len() / 2];
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        println!(
            "{name:28} parse {:6.1} ms  type+declutter {:6.1} ms  optimise {:6.1} ms  plan {:5.1} ms  run {run_median:5.2} ms",
            ms(t0, t1),
            ms(t1, t2),
            ms(t2, t3),
            ms(t3, t4)
        );
    }
}
