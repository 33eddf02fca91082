//! Per-stage and whole-pipeline timings on a 1244x1600 JPEG (a compliant FRLL-derived fixture),
//! one thread, the photographic/background/subject measurements per family, plus batches of 16
//! and 64 on one and two threads, the models' load time, the CLI's cold start (a new process
//! checking one photo) and live guidance per camera frame.
//!     cargo bench --bench pipeline
//! With `--features onnxruntime` and ORT_DYLIB_PATH naming libonnxruntime.so, the model stages,
//! the whole check, the batches, the load and live guidance are also measured with that backend
//! (their names end in `_onnxruntime`), side by side with tract in the same run.

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use passbild::tools::internals::{self, Eye, FaceImage, FaceMesh, Models, Pyramid, Scene, decode};
use passbild::{Analysis, Backend, Checker, ModelSource, Profile};

const PHOTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/frll_034_de.jpg");

fn photo() -> Vec<u8> {
    std::fs::read(PHOTO).unwrap()
}

/// tract, and ONNX Runtime when this build has it, each with the suffix of its benchmark names.
fn backends() -> Vec<(&'static str, Backend)> {
    let mut backends = vec![("", Backend::Tract)];
    if cfg!(feature = "onnxruntime") {
        let library = std::env::var_os("ORT_DYLIB_PATH").expect("set ORT_DYLIB_PATH to libonnxruntime.so");
        backends.push(("_onnxruntime", Backend::OnnxRuntime { library: library.into() }));
    }
    backends
}

fn checker(threads: usize, backend: &Backend) -> Checker {
    Checker::builder().profile_name("de-live").unwrap().threads(threads).backend(backend.clone()).build().unwrap()
}

fn stages(c: &mut Criterion) {
    let bytes = photo();
    let models = Models::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    model_stages(c, &bytes);
    let decoded = decode(&bytes, &Default::default()).unwrap();
    let pyramid = Pyramid::new(decoded.image.clone());
    let analysis = internals::analyse(&models, decoded.clone()).unwrap();
    let profile = Profile::built_in("de-live").unwrap();

    let mut group = c.benchmark_group("stage");
    group.throughput(Throughput::Elements(1));
    group.bench_function("decode_jpeg_1244x1600", |b| b.iter(|| decode(black_box(&bytes), &Default::default())));
    group.bench_function("jpeg_entropy_check_1244x1600", |b| {
        b.iter(|| internals::check_jpeg_entropy(black_box(&bytes)))
    });
    group.bench_function("pyramid", |b| b.iter(|| Pyramid::new(black_box(decoded.image.clone()))));
    group.bench_function("checks", |b| b.iter(|| internals::run_checks(black_box(&analysis), &profile)));
    group.finish();
    appearance(c, &pyramid, &analysis);
}

/// The model stages (sampling the input from the pyramid, the graph, decoding its output), per backend.
fn model_stages(c: &mut Criterion, bytes: &[u8]) {
    let decoded = decode(bytes, &Default::default()).unwrap();
    let pyramid = Pyramid::new(decoded.image);
    let mut group = c.benchmark_group("stage");
    for (suffix, backend) in backends() {
        let models = Models::load(&ModelSource::Embedded, &backend).unwrap();
        let face = models.detector.detect(&pyramid).unwrap().remove(0);
        let mesh = models.mesh.run(&pyramid, FaceMesh::crop_for(&face)).unwrap();
        group.bench_function(format!("detection{suffix}"), |b| b.iter(|| models.detector.detect(black_box(&pyramid))));
        group.bench_function(format!("mesh_and_iris{suffix}"), |b| {
            b.iter(|| {
                let mesh = models.mesh.run(&pyramid, FaceMesh::crop_for(black_box(&face))).unwrap();
                (
                    models.iris.run_on_mesh(&pyramid, &mesh, Eye::SubjectRight),
                    models.iris.run_on_mesh(&pyramid, &mesh, Eye::SubjectLeft),
                )
            })
        });
        group.bench_function(format!("mesh{suffix}"), |b| {
            b.iter(|| models.mesh.run(&pyramid, FaceMesh::crop_for(black_box(&face))))
        });
        group.bench_function(format!("iris_one_eye{suffix}"), |b| {
            b.iter(|| models.iris.run_on_mesh(&pyramid, black_box(&mesh), Eye::SubjectRight))
        });
        group.bench_function(format!("segmentation{suffix}"), |b| b.iter(|| models.segmenter.run(black_box(&pyramid))));
        // Issue budget: 20 ms per photo on one thread.
        group.bench_function(format!("morph_detection{suffix}"), |b| {
            b.iter(|| models.morph_detector.run(&pyramid, black_box(&mesh)))
        });
        group.bench_function(format!("expression{suffix}"), |b| {
            b.iter(|| models.expression.smile_probability(&pyramid, black_box(&mesh)))
        });
    }
    group.finish();
}

/// The photographic, background and subject measurements, per family (issue budget: 15 ms).
fn appearance(c: &mut Criterion, pyramid: &Pyramid, analysis: &Analysis) {
    use internals::{background, colour, compression, coverings, exposure, eyes_mouth, focus, integrity};
    let face = internals::face(analysis).unwrap();
    let new_face_image = || FaceImage::new(pyramid, &face.mesh, &face.right_eye, &face.left_eye, &face.head).unwrap();
    let new_scene = || Scene::new(pyramid, internals::person_mask(analysis), face.head.eye_midpoint());
    let (face_image, scene) = (new_face_image(), new_scene());
    let bbox = &face.detection.bbox;
    let (x0, y0) = (bbox.x.max(0.0) as u32, bbox.y.max(0.0) as u32);
    let (x1, y1) = ((bbox.x + bbox.width) as u32, (bbox.y + bbox.height) as u32);

    let mut group = c.benchmark_group("appearance");
    group.throughput(Throughput::Elements(1));
    group.bench_function("face_image", |b| b.iter(new_face_image));
    group.bench_function("scene", |b| b.iter(new_scene));
    group.bench_function("exposure", |b| b.iter(|| exposure::measure(black_box(&face_image))));
    let outline: Vec<passbild::Point> = internals::face_oval(face);
    group.bench_function("sharpness", |b| b.iter(|| focus::sharpness(pyramid.base(), black_box(&outline))));
    group.bench_function("quality", |b| {
        b.iter(|| (focus::sharpness(pyramid.base(), black_box(&outline)), colour::measure(black_box(&face_image))))
    });
    group.bench_function("blockiness", |b| b.iter(|| compression::blockiness(pyramid.base(), x0, y0, x1, y1)));
    let layout = internals::jpeg_blocks(analysis).unwrap();
    group.bench_function("block_bands", |b| {
        b.iter(|| integrity::block_band_step(black_box(pyramid.base()), None, layout, &scene))
    });
    group.bench_function("colour_depth", |b| {
        b.iter(|| colour::colour_depth(analysis.facts().colour_type, black_box(&scene)))
    });
    group.bench_function("background", |b| {
        b.iter(|| background::measure(pyramid.base(), black_box(&scene), &face.head))
    });
    group.bench_function("subject", |b| b.iter(|| eyes_mouth::measure(black_box(&face_image))));
    group.bench_function("coverings", |b| {
        b.iter(|| coverings::measure(black_box(&face_image), internals::person_mask(analysis)))
    });
    group.finish();
}

fn whole(c: &mut Criterion) {
    let bytes = photo();
    for (suffix, backend) in backends() {
        let one = checker(1, &backend);
        let two = checker(2, &backend);
        let mut group = c.benchmark_group("pipeline");
        group.throughput(Throughput::Elements(1));
        group.bench_function(format!("check_bytes_1244x1600{suffix}"), |b| {
            b.iter(|| one.check_bytes(black_box(&bytes)).unwrap())
        });
        // One photo on a checker with two threads: its independent stages side by side.
        group.bench_function(format!("check_bytes_1244x1600_threads2{suffix}"), |b| {
            b.iter(|| two.check_bytes(black_box(&bytes)).unwrap())
        });
        // Both photos checked, both embedded, compared (the embedding model loads in warm-up).
        group.bench_function(format!("check_with_reference_1244x1600{suffix}"), |b| {
            b.iter(|| one.check_with_reference(black_box(&bytes), black_box(&bytes)).unwrap())
        });
        group.bench_function(format!("check_with_reference_1244x1600_threads2{suffix}"), |b| {
            b.iter(|| two.check_with_reference(black_box(&bytes), black_box(&bytes)).unwrap())
        });
        group.sample_size(10);
        // `cargo test` runs each benchmark once to see that it works (criterion's test mode,
        // without `--bench`): two photos show that a batch works; 64 would take a minute.
        let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") { &[16, 64] } else { &[2] };
        for &size in sizes {
            let batch: Vec<Vec<u8>> = (0..size).map(|_| bytes.clone()).collect();
            group.throughput(Throughput::Elements(size as u64));
            group.bench_function(format!("batch{size}_threads1{suffix}"), |b| {
                b.iter(|| one.check_batch(black_box(&batch)))
            });
            group.bench_function(format!("batch{size}_threads2{suffix}"), |b| {
                b.iter(|| two.check_batch(black_box(&batch)))
            });
        }
        group.finish();

        let mut group = c.benchmark_group("startup");
        group.sample_size(10);
        group.bench_function(format!("load_models{suffix}"), |b| {
            b.iter_custom(|iterations| {
                let started = Instant::now();
                for _ in 0..iterations {
                    black_box(Models::load(&ModelSource::Embedded, &backend).unwrap());
                }
                started.elapsed()
            })
        });
        // The cold start as a user meets it: a new process checks one photo and prints JSON.
        if let Some(cli) = option_env!("CARGO_BIN_EXE_passbild") {
            let mut args = vec!["check".to_string(), "--json".to_string()];
            if let Backend::OnnxRuntime { library } = &backend {
                args.extend(["--onnxruntime".to_string(), library.display().to_string()]);
            }
            args.push(PHOTO.to_string());
            group.bench_function(format!("cli_cold_start_one_photo{suffix}"), |b| {
                b.iter(|| {
                    let run = std::process::Command::new(cli).args(&args).output().unwrap();
                    assert!(run.status.code().is_some_and(|code| code <= 1), "{run:?}");
                })
            });
        }
        group.finish();
    }
}

/// Live guidance on a 640x480 camera frame (the fixture scaled to the frame's height, centred on
/// grey): a followed face (face mesh and one eye's iris model) and a first frame (with detection).
fn live(c: &mut Criterion) {
    let photo = image::load_from_memory(&photo()).unwrap().to_rgb8();
    let scaled = image::imageops::resize(&photo, 373, 480, image::imageops::FilterType::Triangle);
    let mut frame = image::RgbImage::from_pixel(640, 480, image::Rgb([128, 128, 128]));
    image::imageops::overlay(&mut frame, &scaled, (640 - 373) / 2, 0);
    let process = |session: &mut passbild::live::LiveSession| {
        session.process(black_box(frame.as_raw()), 640, 480, 640 * 3, passbild::PixelFormat::Rgb8).unwrap()
    };
    let mut group = c.benchmark_group("live");
    group.throughput(Throughput::Elements(1));
    for (suffix, backend) in backends() {
        let checker = checker(1, &backend);
        group.bench_function(format!("frame_640x480_followed{suffix}"), |b| {
            let mut session = checker.live_session();
            process(&mut session);
            b.iter(|| assert!(process(&mut session).tracked))
        });
        group.bench_function(format!("frame_640x480_first{suffix}"), |b| {
            b.iter(|| process(&mut checker.live_session()))
        });
    }
    group.finish();
}

criterion_group!(benches, stages, whole, live);
criterion_main!(benches);
