//! The four ONNX graphs alone in tract, one thread, loaded as passbild loads them (fixed input
//! shape, into_optimized, into_runnable). With `--features onnxruntime` and ORT_DYLIB_PATH naming
//! libonnxruntime.so, the same graphs also run in ONNX Runtime (one thread, all graph
//! optimisations, as passbild's second backend sets it up), side by side in the same process:
//!     ORT_DYLIB_PATH=.../libonnxruntime.so cargo bench --features onnxruntime --bench models
//! perf/onnxruntime_baseline.py times them from Python.

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
        #[cfg(feature = "onnxruntime")]
        onnxruntime::bench(&mut group, name, &path, &input);
    }
    group.finish();
}

#[cfg(feature = "onnxruntime")]
mod onnxruntime {
    use std::hint::black_box;

    use criterion::BenchmarkGroup;
    use criterion::measurement::WallTime;
    use ort::session::Session;
    use ort::session::builder::GraphOptimizationLevel;
    use ort::value::Tensor;
    use tract_onnx::prelude::Tensor as TractTensor;

    pub fn bench(group: &mut BenchmarkGroup<WallTime>, name: &str, path: &str, input: &TractTensor) {
        static ENVIRONMENT: std::sync::OnceLock<ort::environment::Environment> = std::sync::OnceLock::new();
        let environment = ENVIRONMENT.get_or_init(|| {
            let library = std::env::var("ORT_DYLIB_PATH").expect("set ORT_DYLIB_PATH to libonnxruntime.so");
            ort::init_from(library).unwrap().build().unwrap()
        });
        let mut session = Session::builder(environment)
            .unwrap()
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .unwrap()
            .with_intra_threads(1)
            .unwrap()
            .with_inter_threads(1)
            .unwrap()
            .commit_from_file(path)
            .unwrap();
        let shape = input.shape().to_vec();
        let values = input.try_as_plain_ram().unwrap().as_slice::<f32>().unwrap().to_vec();
        group.bench_function(format!("{name}_onnxruntime"), |b| {
            b.iter(|| {
                let tensor = Tensor::from_array((shape.clone(), black_box(values.clone()))).unwrap();
                session.run(ort::inputs![tensor]).unwrap().len()
            })
        });
    }
}

criterion_group!(benches, models);
criterion_main!(benches);
