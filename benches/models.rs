//! The four ONNX graphs alone in tract, one thread, loaded as passbild loads them (fixed input
//! shape, into_optimized, into_runnable). Compare with perf/onnxruntime_baseline.py.
//!     cargo bench --bench models

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use tract_onnx::prelude::tract_ndarray::Dimension;
use tract_onnx::prelude::*;

const MODELS: [(&str, [usize; 4]); 4] = [
    ("face_detection_short_range", [1, 128, 128, 3]),
    ("face_landmark", [1, 192, 192, 3]),
    ("iris_landmark", [1, 64, 64, 3]),
    ("selfie_segmentation", [1, 256, 256, 3]),
];

fn models(c: &mut Criterion) {
    let mut group = c.benchmark_group("model");
    for (name, shape) in MODELS {
        let path = format!("{}/models/{name}.onnx", env!("CARGO_MANIFEST_DIR"));
        let plan = tract_onnx::onnx()
            .model_for_path(&path)
            .unwrap()
            .with_input_fact(0, f32::fact(shape).into())
            .unwrap()
            .into_optimized()
            .unwrap()
            .into_runnable()
            .unwrap();
        let input: Tensor = tract_ndarray::ArrayD::<f32>::from_shape_fn(shape.as_slice(), |index| {
            (index.slice().iter().sum::<usize>() % 255) as f32 / 255.0
        })
        .into();
        group.bench_function(name, |b| b.iter(|| plan.run(tvec!(black_box(input.clone()).into())).unwrap()));
    }
    group.finish();
}

criterion_group!(benches, models);
criterion_main!(benches);
