//! Running an ONNX graph: tract by default (pure Rust, nothing to install), or, with the
//! `onnxruntime` cargo feature, ONNX Runtime's shared library loaded at run time (about 2-4x
//! faster on these graphs; see docs/performance.md for the trade-off).

use std::path::PathBuf;
use std::sync::Arc;

use tract_onnx::prelude::*;

use super::{ModelFile, ModelSource};
use crate::error::{Error, Result};

/// Which inference engine runs the models.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Backend {
    /// tract, compiled in: the default, with no library to install.
    #[default]
    Tract,
    /// ONNX Runtime from its shared library (`libonnxruntime.so`, 1.20 or newer; the PyPI wheel
    /// `onnxruntime` ships one under `onnxruntime/capi/`). Needs the `onnxruntime` cargo feature;
    /// one library per process: the first checker that asks for it loads it.
    OnnxRuntime {
        /// The path of the shared library.
        library: PathBuf,
    },
}

/// A loaded graph with a fixed NHWC input shape.
#[derive(Clone)]
pub(crate) struct OnnxModel {
    name: &'static str,
    engine: Engine,
    input_shape: Vec<usize>,
}

#[derive(Clone)]
enum Engine {
    Tract(Arc<TypedRunnableModel>),
    #[cfg(feature = "onnxruntime")]
    OnnxRuntime(Arc<ort_engine::SessionPool>),
}

/// The float outputs of one run, in the graph's order.
pub(crate) struct Outputs(Vec<Vec<f32>>);

impl OnnxModel {
    /// Loads a graph and verifies that its float outputs have exactly the element counts the
    /// caller will read (in any order), so a swapped or wrong model fails here, typed, rather than
    /// later.
    pub fn load(
        file: &ModelFile,
        source: &ModelSource,
        backend: &Backend,
        input_shape: &[usize],
        output_lengths: &[usize],
    ) -> Result<Self> {
        let bytes = file.bytes(source)?;
        let (engine, mut lengths) = match backend {
            Backend::Tract => load_tract(file.name, &bytes, file.decluttered(source), input_shape)?,
            #[cfg(feature = "onnxruntime")]
            Backend::OnnxRuntime { library } => ort_engine::load(file.name, library, bytes, input_shape)?,
            #[cfg(not(feature = "onnxruntime"))]
            Backend::OnnxRuntime { .. } => {
                return Err(Error::model(
                    file.name,
                    "this build has no ONNX Runtime backend (cargo feature onnxruntime)",
                ));
            }
        };
        if *source == ModelSource::Embedded {
            release_pages(file.embedded);
            if let Some(archive) = file.decluttered(source) {
                release_pages(archive);
            }
        }
        let mut expected = output_lengths.to_vec();
        expected.sort_unstable();
        lengths.sort_unstable();
        if lengths != expected {
            return Err(Error::model(file.name, format!("outputs of {lengths:?} values, expected {expected:?}")));
        }
        Ok(OnnxModel { name: file.name, engine, input_shape: input_shape.to_vec() })
    }

    /// Runs the graph on one input given as a flat vector in the input shape's order.
    pub fn run(&self, input: Vec<f32>) -> Result<Outputs> {
        let err = |e: &dyn std::fmt::Display| Error::model(self.name, e);
        match &self.engine {
            Engine::Tract(plan) => {
                let tensor =
                    tract_ndarray::ArrayD::from_shape_vec(self.input_shape.as_slice(), input).map_err(|e| err(&e))?;
                let values = plan.run(tvec!(Tensor::from(tensor).into())).map_err(|e| err(&e))?;
                let outputs = values
                    .into_iter()
                    .map(|value| {
                        let view =
                            value.try_as_plain_ram().and_then(|view| view.as_slice::<f32>().map(<[f32]>::to_vec));
                        view.map_err(|e| err(&e))
                    })
                    .collect::<Result<_>>()?;
                Ok(Outputs(outputs))
            }
            #[cfg(feature = "onnxruntime")]
            Engine::OnnxRuntime(pool) => pool.run(self.name, &self.input_shape, input).map(Outputs),
        }
    }

    /// The output with `length` values (output lengths are distinct and checked at load).
    pub fn output<'a>(&self, outputs: &'a Outputs, length: usize) -> Result<&'a [f32]> {
        outputs
            .0
            .iter()
            .find(|values| values.len() == length)
            .map(Vec::as_slice)
            .ok_or_else(|| Error::model(self.name, format!("no output of {length} values")))
    }
}

/// Drops this process's mapping of the pages of a graph compiled into the library once it is
/// loaded: each engine holds its own copy of the weights, and the embedded bytes otherwise stay
/// resident (about 10 MB for the graphs a check loads). Only the mapping goes: the pages stay in
/// the system's page cache, so the next process (or a later read here: ONNX Runtime makes a
/// session per thread on demand) maps them again without reading the file. Paging them out
/// (`MADV_PAGEOUT`) would make every later cold start read them from disk: about 25 ms of a
/// 280 ms start (docs/performance.md).
fn release_pages(bytes: &'static [u8]) {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        // SAFETY: sysconf has no preconditions.
        let page = usize::try_from(unsafe { libc::sysconf(libc::_SC_PAGESIZE) }).unwrap_or(0);
        if page == 0 {
            return;
        }
        // Whole pages inside the slice only: its neighbours' pages are not ours to advise on.
        let start = (bytes.as_ptr() as usize).div_ceil(page) * page;
        let end = (bytes.as_ptr() as usize + bytes.len()) / page * page;
        if end > start {
            // SAFETY: the range lies inside a live 'static allocation of the library's read-only
            // data (`ModelFile::embedded` holds `include_bytes!` data only), a private mapping of
            // its file that is never written: after MADV_DONTNEED a read maps the file's page
            // again, so what reading returns does not change.
            unsafe { libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_DONTNEED) };
        }
    }
    #[cfg(not(all(target_os = "linux", target_env = "gnu")))]
    let _ = bytes;
}

/// Loads with tract, from the decluttered archive when there is one (then only tract's code
/// generation remains to run), otherwise from the ONNX bytes.
fn load_tract(
    name: &'static str,
    onnx: &[u8],
    decluttered: Option<&[u8]>,
    input_shape: &[usize],
) -> Result<(Engine, Vec<usize>)> {
    let err = |e: TractError| Error::model(name, e);
    let mut model = match decluttered {
        Some(archive) => {
            let model = nnef().model_for_read(&mut &*archive).map_err(err)?;
            let input = model.input_fact(0).map_err(err)?;
            if input.shape.as_concrete() != Some(input_shape) || input.datum_type != f32::datum_type() {
                return Err(Error::model(name, format!("the decluttered archive's input is {input:?}")));
            }
            model
        }
        None => decluttered_onnx(onnx, input_shape).map_err(err)?,
    };
    model.optimize().map_err(err)?;
    let mut lengths = Vec::new();
    for outlet in model.output_outlets().map_err(err)? {
        let fact = model.outlet_fact(*outlet).map_err(err)?;
        let shape = fact.shape.as_concrete().ok_or_else(|| Error::model(name, "an output has no fixed shape"))?;
        if fact.datum_type != f32::datum_type() {
            return Err(Error::model(name, "an output is not float32"));
        }
        lengths.push(shape.iter().product::<usize>());
    }
    Ok((Engine::Tract(model.into_runnable().map_err(err)?), lengths))
}

/// The ONNX graph typed with a fixed input shape and decluttered: what the archives hold. Without
/// tract's layout pass (`ChangeAxes`): to absorb the morph detector's input transpose it turns
/// every convolution channel-last, NNEF writes each of those between two transposes, and a load,
/// which only optimises, keeps all 24 (a quarter of that graph's run). The other graphs run as
/// fast without the pass or faster. A graph read from ONNX rather than an archive is loaded the
/// same way, so both give the same values.
fn decluttered_onnx(onnx: &[u8], input_shape: &[usize]) -> TractResult<TypedModel> {
    let mut model = tract_onnx::onnx()
        .model_for_read(&mut &*onnx)?
        .with_input_fact(0, f32::fact(input_shape).into())?
        .into_typed()?;
    let mut declutter = tract_onnx::tract_core::optim::Optimizer::declutter();
    let passes = declutter.passes.len();
    declutter.passes.retain(|pass| format!("{pass:?}") != "ChangeAxes");
    if declutter.passes.len() + 1 != passes {
        return Err(TractError::msg("tract's declutter has no ChangeAxes pass to leave out"));
    }
    declutter.optimize(&mut model)?;
    Ok(model)
}

/// tract's NNEF with the ONNX operator extensions (the segmentation graph's Resize needs them),
/// made once per process: making it parses tract's NNEF standard library.
fn nnef() -> &'static tract_nnef::framework::Nnef {
    use tract_onnx_opl::WithOnnx;
    static NNEF: std::sync::OnceLock<tract_nnef::framework::Nnef> = std::sync::OnceLock::new();
    NNEF.get_or_init(|| tract_nnef::nnef().with_onnx())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{
        expression, face_detector, face_mesh, hand_detector, hand_landmarks, iris, morph_detector, segmentation,
    };

    /// How far an archive's outputs may lie from its ONNX graph's, relative to their size: a
    /// rewrite for tract sums in another order, and the palm detector's box regressors (up to
    /// about 140 px) move by up to 2e-5 of their value through its rewritten upsamplings.
    const ARCHIVE_TOLERANCE: f32 = 5e-5;

    /// Each archive in models/tract/ must compute what its ONNX graph computes in this tract
    /// version (tract numbers the nodes it makes in no fixed order, so the bytes may differ from a
    /// fresh serialisation); `PASSBILD_BLESS=1 cargo test --lib decluttered` rewrites a stale one,
    /// and every one whose graph `PASSBILD_TRACT_SOURCES` (a directory) holds rewritten for tract
    /// (models/README.md); a run without blessing then checks what was written.
    #[test]
    fn decluttered_archives_compute_what_the_onnx_graphs_compute() {
        let bless = std::env::var_os("PASSBILD_BLESS").is_some();
        let square = |side: usize| [1, side, side, 3];
        let models = [
            (&face_detector::FILE, square(face_detector::INPUT_SIZE)),
            (&face_mesh::FILE, square(face_mesh::INPUT_SIZE)),
            (&iris::FILE, square(iris::INPUT_SIZE)),
            (&segmentation::FILE, square(segmentation::SIZE)),
            (&morph_detector::FILE, [1, 2 * morph_detector::CROP_PX, morph_detector::CROP_PX, 3]),
            (&expression::FILE, [1, expression::INPUT_SIZE, expression::INPUT_SIZE, 1]),
            (&hand_detector::FILE, square(hand_detector::INPUT_SIZE)),
            (&hand_landmarks::FILE, square(hand_landmarks::INPUT_SIZE)),
        ];
        let mut stale = Vec::new();
        for (file, shape) in models {
            let (rows, columns, channels) = (shape[1], shape[2], shape[3]);
            // A smooth, colourful input, so every channel and position matters.
            let input: Vec<f32> = (0..rows * columns * channels)
                .map(|i| ((i % (columns * channels)) * (i % channels + 1) + channels * (i / (columns * channels))) % 97)
                .map(|v| v as f32 / 96.0)
                .collect();
            let run = |archive: Option<&[u8]>| -> Result<Vec<Vec<f32>>> {
                let (engine, _) = load_tract(file.name, file.embedded, archive, &shape)?;
                let model = OnnxModel { name: file.name, engine, input_shape: shape.to_vec() };
                Ok(model.run(input.clone())?.0)
            };
            let from_onnx = run(None).expect("the ONNX graph runs");
            let matches = run(file.embedded_decluttered).is_ok_and(|from_archive| {
                from_archive.len() == from_onnx.len()
                    && from_archive
                        .iter()
                        .flatten()
                        .zip(from_onnx.iter().flatten())
                        .all(|(a, b)| (a - b).abs() <= ARCHIVE_TOLERANCE * b.abs().max(1.0))
            });
            // tract's own rewrite of the graph (models/rewrite_for_tract.py --tract-only), where
            // one is given, replaces the archive when blessing.
            let rewritten = std::env::var_os("PASSBILD_TRACT_SOURCES")
                .and_then(|dir| std::fs::read(std::path::Path::new(&dir).join(file.file)).ok())
                .filter(|_| bless);
            if matches && rewritten.is_none() {
                continue;
            }
            let path =
                format!("{}/models/tract/{}", env!("CARGO_MANIFEST_DIR"), file.file.replace(".onnx", ".nnef.tar"));
            if bless {
                let source = rewritten.as_deref().unwrap_or(file.embedded);
                let model = decluttered_onnx(source, &shape).expect("the ONNX graph loads");
                // A fixed timestamp in the tar headers.
                let archive = nnef().write_to_tar_with_config(&model, Vec::new(), false, true).expect("serialises");
                std::fs::write(&path, archive).expect("writes the archive");
            }
            stale.push(path);
        }
        assert!(
            bless || stale.is_empty(),
            "stale: {stale:?}; rebuild with PASSBILD_BLESS=1 cargo test --lib decluttered, then build again"
        );
    }

    /// third_party/tract-core's stride-2 max pool (the models' downsampling pools) picks what
    /// tract's generic walk picks; the generic walk is what a pool with an index output takes.
    /// Checked here because the patched crate's own tests do not run in this workspace.
    #[test]
    fn fast_stride_two_max_pools_match_the_generic_walk() {
        use tract_onnx::tract_core::internal::{EvalContext, EvalOp};
        use tract_onnx::tract_core::ops::cnn::{MaxPool, PaddingSpec, PoolSpec};
        use tract_onnx::tract_core::ops::nn::DataFormat;
        // Even and odd sides, planes wider than one vector of eight outputs and narrower.
        for shape in [(1usize, 28usize, 64usize, 64usize), (1, 5, 21, 38), (2, 8, 33, 17), (1, 128, 6, 6), (1, 3, 3, 3)]
        {
            let channels = shape.1;
            let spec = PoolSpec::new(
                DataFormat::NCHW,
                tvec![2, 2],
                PaddingSpec::Valid,
                None,
                Some(tvec![2, 2]),
                channels,
                channels,
            );
            let input = tract_ndarray::Array4::from_shape_fn(shape, |(n, c, y, x)| {
                ((n * 31 + c * 7 + y * 13 + x * 3) % 97) as f32 * 0.25 - 12.0
                    + ((x * 7919 + y * 104_729) % 13) as f32 * 0.01
            })
            .into_tensor()
            .into_tvalue();
            let generic = MaxPool { pool_spec: spec.clone(), with_index_outputs: Some(DatumType::I32) }
                .eval(&EvalContext::out_of_plan(), tvec!(input.clone()))
                .expect("the generic walk runs");
            let mut model = TypedModel::default();
            let source = model.add_source("data", f32::fact([shape.0, shape.1, shape.2, shape.3])).expect("a source");
            let pooled = model
                .wire_node("pool", MaxPool { pool_spec: spec, with_index_outputs: None }, &[source])
                .expect("a pool");
            model.select_output_outlets(&pooled).expect("an output");
            let plan = model.into_optimized().and_then(TypedModel::into_runnable).expect("optimises");
            let fast = plan.run(tvec!(input)).expect("the optimised pool runs");
            assert_eq!(*fast[0], *generic[0], "{shape:?}");
        }
    }

    /// third_party/tract-core's one-pass PRelu: `max(x, 0) + min(x, 0) * slope` (the mesh's, the
    /// iris model's and the palm detector's activations as models/rewrite_for_tract.py writes
    /// them) becomes one `OptPRelu` node, whose values are those of the two chains it replaces to
    /// the bit (finite values, a zero's sign aside). Channel-first with and without a batch axis,
    /// large planes and small ones; slopes negative and above 1, as the graphs have. Not where the
    /// negative half is read elsewhere too (here: also an output), nor for two images in a batch
    /// (one slope per channel is then not one block of values per slope); those keep the chains.
    #[test]
    fn prelu_in_one_pass_gives_what_its_two_chains_give() {
        use tract_onnx::tract_core::ops::math::{add, max, min, mul};
        for (shape, slope_shape, negative_is_an_output, fused) in [
            (vec![1usize, 16, 12, 12], vec![1usize, 16, 1, 1], false, true),
            (vec![8, 5, 7], vec![8, 1, 1], false, true),
            (vec![1, 48, 8, 8], vec![1, 48, 1, 1], false, true),
            (vec![1, 16, 12, 12], vec![1, 16, 1, 1], true, false),
            (vec![2, 16, 12, 12], vec![1, 16, 1, 1], false, false),
        ] {
            let length: usize = shape.iter().product();
            let slopes: Vec<f32> =
                (0..slope_shape.iter().product::<usize>()).map(|i| (i as f32 * 0.77).sin() * 1.6).collect();
            let input: Vec<f32> = (0..length).map(|i| (i as f32 * 0.31).cos() * 2.0).collect();
            let mut model = TypedModel::default();
            let x = model.add_source("x", f32::fact(&shape)).expect("a source");
            let zero =
                model.add_const("zero", Tensor::zero::<f32>(&vec![1; shape.len()]).expect("zeros")).expect("zero");
            let slope =
                model.add_const("slope", Tensor::from_shape(&slope_shape, &slopes).expect("slopes")).expect("slopes");
            let positive = model.wire_node("positive", max(), &[x, zero]).expect("max")[0];
            let negative = model.wire_node("negative", min(), &[x, zero]).expect("min")[0];
            let scaled = model.wire_node("scaled", mul(), &[negative, slope]).expect("mul")[0];
            let output = model.wire_node("prelu", add(), &[positive, scaled]).expect("add")[0];
            let outputs = if negative_is_an_output { vec![output, scaled] } else { vec![output] };
            model.select_output_outlets(&outputs).expect("an output");
            let plan = model.into_optimized().and_then(TypedModel::into_runnable).expect("optimises");
            let ops: Vec<String> = plan.model().nodes.iter().map(|node| node.op().name().to_string()).collect();
            let one_pass = ops.iter().any(|op| op == "OptPRelu") && !ops.iter().any(|op| op.starts_with("OptBinChain"));
            assert_eq!(one_pass, fused, "{shape:?}, the negative half an output {negative_is_an_output}: {ops:?}");
            let got = plan.run(tvec!(Tensor::from_shape(&shape, &input).expect("x").into_tvalue())).expect("runs");
            let got = got[0].try_as_plain_ram().expect("plain").as_slice::<f32>().expect("floats").to_vec();
            let plane: usize = shape[shape.len() - 2..].iter().product();
            for (i, (&value, &x)) in got.iter().zip(&input).enumerate() {
                let slope = slopes[(i / plane) % slopes.len()];
                let two_chains = x.max(0.0) + x.min(0.0) * slope;
                assert!(
                    value.to_bits() == two_chains.to_bits() || (value == 0.0 && two_chains == 0.0),
                    "{shape:?} at {i}: {value} against {two_chains}"
                );
            }
        }
    }

    /// third_party/tract-core's depthwise convolution over channel planes (every depthwise layer
    /// of the MediaPipe graphs but the first) gives what tract's zone walk gives: each output the
    /// bias plus every tap inside the image, multiplied and added in tap order, here summed the
    /// same way in plain Rust and compared bit for bit (a zero's sign aside). Strides 1 and 2,
    /// padding on either side or none, dilation, planes narrower than a vector and wider.
    #[test]
    fn depthwise_planes_match_the_zone_walks_sums() {
        use tract_onnx::tract_core::ops::cnn::{Conv, KernelFormat, PaddingSpec, PoolSpec};
        use tract_onnx::tract_core::ops::nn::DataFormat;
        let explicit = |before: [usize; 2], after: [usize; 2]| {
            PaddingSpec::Explicit(tvec![before[0], before[1]], tvec![after[0], after[1]])
        };
        for (batch, channels, height, width, side, padding, stride, dilation) in [
            (1usize, 24usize, 112usize, 112usize, 3usize, explicit([0, 0], [1, 1]), 2usize, 1usize),
            (1, 96, 56, 56, 5, explicit([1, 1], [2, 2]), 2, 1),
            (1, 16, 64, 64, 3, explicit([1, 1], [1, 1]), 1, 1),
            (1, 672, 7, 7, 5, explicit([2, 2], [2, 2]), 1, 1),
            (1, 8, 1, 1, 3, explicit([1, 1], [1, 1]), 1, 1),
            (2, 5, 17, 23, 3, explicit([1, 0], [1, 2]), 2, 1),
            (1, 3, 20, 21, 3, PaddingSpec::Valid, 1, 2),
            (1, 3, 20, 21, 3, explicit([2, 0], [1, 3]), 2, 2),
        ] {
            let input: Vec<f32> =
                (0..batch * channels * height * width).map(|i| (i as f32 * 0.137).sin() * 0.7).collect();
            let kernel: Vec<f32> = (0..channels * side * side).map(|i| (i as f32 * 0.091).cos() * 0.3).collect();
            let bias: Vec<f32> = (0..channels).map(|i| i as f32 * 0.05 - 0.1).collect();
            let before = match &padding {
                PaddingSpec::Explicit(before, _) => before.clone(),
                _ => tvec![0, 0],
            };
            let mut model = TypedModel::default();
            let source = model.add_source("x", f32::fact([batch, channels, height, width])).expect("a source");
            let kernel_node = model
                .add_const(
                    "k",
                    tract_ndarray::Array4::from_shape_vec((channels, 1, side, side), kernel.clone())
                        .expect("a kernel")
                        .into_tensor(),
                )
                .expect("a kernel");
            let bias_node = model.add_const("b", tract_ndarray::arr1(&bias).into_tensor()).expect("a bias");
            let pool_spec = PoolSpec::new(
                DataFormat::NCHW,
                tvec![side, side],
                padding,
                Some(tvec![dilation, dilation]),
                Some(tvec![stride, stride]),
                channels,
                channels,
            );
            let conv = Conv { pool_spec, kernel_fmt: KernelFormat::OIHW, group: channels, q_params: None };
            let output = model.wire_node("dw", conv, &[source, kernel_node, bias_node]).expect("a convolution");
            model.select_output_outlets(&output).expect("an output");
            let plan = model.into_optimized().and_then(TypedModel::into_runnable).expect("optimises");
            assert!(plan.model().nodes.iter().any(|node| node.op().name() == "DepthWiseConv"), "a depthwise op");
            let image = tract_ndarray::Array4::from_shape_vec((batch, channels, height, width), input.clone())
                .expect("an image");
            let got = plan.run(tvec!(image.into_tensor().into_tvalue())).expect("runs");
            let got = got[0]
                .to_plain_array_view::<f32>()
                .expect("floats")
                .into_dimensionality::<tract_ndarray::Ix4>()
                .expect("4D");
            let (out_height, out_width) = (got.shape()[2], got.shape()[3]);
            for ((n, c, y, x), value) in got.indexed_iter() {
                let mut sum = bias[c];
                for ky in 0..side {
                    for kx in 0..side {
                        let iy = (y * stride + ky * dilation) as isize - before[0] as isize;
                        let ix = (x * stride + kx * dilation) as isize - before[1] as isize;
                        if iy < 0 || ix < 0 || iy >= height as isize || ix >= width as isize {
                            continue;
                        }
                        let pixel = input[((n * channels + c) * height + iy as usize) * width + ix as usize];
                        sum += kernel[(c * side + ky) * side + kx] * pixel;
                    }
                }
                assert!(
                    value.to_bits() == sum.to_bits() || (*value == 0.0 && sum == 0.0),
                    "{value} against {sum} at {n} {c} {y} {x} of {out_height}x{out_width}, {channels}x{height}x{width}, {side}x{side} stride {stride}"
                );
            }
        }
    }
}

#[cfg(feature = "onnxruntime")]
mod ort_engine {
    use std::borrow::Cow;
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;

    use ort::environment::Environment;
    use ort::session::Session;
    use ort::session::builder::GraphOptimizationLevel;
    use ort::value::{Tensor, ValueType};

    use crate::error::{Error, Result};

    /// The process's one ONNX Runtime library and environment, and where it came from. A failed
    /// load is not kept, so a caller can retry with a corrected path.
    static RUNTIME: Mutex<Option<(PathBuf, Environment)>> = Mutex::new(None);

    fn environment(library: &Path) -> std::result::Result<Environment, String> {
        let mut runtime = RUNTIME.lock().map_err(|_| "ONNX Runtime loader poisoned".to_string())?;
        if let Some((loaded_from, environment)) = runtime.as_ref() {
            if loaded_from != library {
                return Err(format!("ONNX Runtime is already loaded from {} in this process", loaded_from.display()));
            }
            return Ok(environment.clone());
        }
        // ort panics on some malformed libraries rather than returning an error.
        let environment = std::panic::catch_unwind(|| {
            ort::init_from(library).map_err(|e| e.to_string())?.with_name("passbild").build().map_err(|e| e.to_string())
        })
        .unwrap_or_else(|_| Err(format!("loading ONNX Runtime from {} panicked", library.display())))?;
        // Best effort: where it fails (a host has registered a CPU allocator of its own in this
        // library's environment already), the sessions use that one or their own.
        let _ = share_one_arena(&environment);
        *runtime = Some((library.to_path_buf(), environment.clone()));
        Ok(environment)
    }

    /// Registers one CPU arena in the environment for every session's tensors (ONNX Runtime's
    /// default arena, whose regions double as it grows; freed tensors are reused). Without an
    /// arena each run's tensors come from malloc, which keeps much of what they free, so a batch's
    /// peak grows with the batch; an arena per session would keep buffers for each of the eight
    /// sessions and one more set per further thread (docs/performance.md). The arena keeps its
    /// regions for the life of the process.
    fn share_one_arena(environment: &Environment) -> std::result::Result<(), String> {
        use ort::AsPointer;
        let api = ort::api();
        let check = |status: ort::sys::OrtStatusPtr| {
            if status.0.is_null() {
                return Ok(());
            }
            // SAFETY: a non-null status is a live OrtStatus, read once and released once.
            let message = unsafe {
                let text = std::ffi::CStr::from_ptr((api.GetErrorMessage)(status.0)).to_string_lossy().into_owned();
                (api.ReleaseStatus)(status.0);
                text
            };
            Err(format!("ONNX Runtime's shared arena: {message}"))
        };
        let mut memory_info = std::ptr::null_mut();
        // SAFETY: the API's documented calls; the memory info is released after registration,
        // which copies it, and a null arena configuration asks for the defaults.
        unsafe {
            check((api.CreateCpuMemoryInfo)(
                ort::sys::OrtAllocatorType::OrtArenaAllocator,
                ort::sys::OrtMemType::OrtMemTypeDefault,
                &mut memory_info,
            ))?;
            let registered =
                check((api.CreateAndRegisterAllocator)(environment.ptr().cast_mut(), memory_info, std::ptr::null()));
            (api.ReleaseMemoryInfo)(memory_info);
            registered
        }
    }

    /// ort's `Session::run` takes `&mut self`, so each concurrent caller needs its own session.
    /// Sessions are made on demand and kept, so the pool grows to the number of threads that ever
    /// run this model at once (the checker's thread count).
    pub(super) struct SessionPool {
        bytes: Cow<'static, [u8]>,
        environment: Environment,
        idle: Mutex<Vec<Session>>,
    }

    /// Graphs larger than this keep one copy of their weights: ONNX Runtime's pre-packed second
    /// copy of the 22 MB identity embedding took the process's peak from 139 to 155 MiB, above
    /// the 150 MB budget, and sped its runs by about 1 %. The small graphs keep it (about 5 %).
    const PREPACK_BELOW_BYTES: usize = 8 << 20;

    fn new_session(environment: &Environment, bytes: &[u8]) -> ort::Result<Session> {
        // One thread per run: the checker parallelises over photos, not inside a graph. Tensors
        // come from the environment's one arena (`share_one_arena`); no arena of the session's own
        // and no memory pattern, which would keep buffers per session, and a session is kept per
        // thread.
        Session::builder(environment)?
            .with_execution_providers([ort::ep::CPU::default().with_arena_allocator(false).build()])?
            .with_env_allocators()?
            .with_memory_pattern(false)?
            .with_prepacking(bytes.len() < PREPACK_BELOW_BYTES)?
            .with_optimization_level(GraphOptimizationLevel::Level3)?
            .with_intra_threads(1)?
            .with_inter_threads(1)?
            .commit_from_memory(bytes)
    }

    pub(super) fn load(
        name: &'static str,
        library: &Path,
        bytes: Cow<'static, [u8]>,
        input_shape: &[usize],
    ) -> Result<(super::Engine, Vec<usize>)> {
        let environment = environment(library).map_err(|e| Error::model(name, format!("ONNX Runtime: {e}")))?;
        let session = new_session(&environment, &bytes).map_err(|e| Error::model(name, e))?;
        let [input] = session.inputs() else {
            return Err(Error::model(name, "expected one input"));
        };
        let fixed_shape_matches = |shape: &[i64]| {
            shape.len() == input_shape.len()
                && shape.iter().zip(input_shape).all(|(&dim, &want)| dim < 0 || dim as usize == want)
        };
        let dynamic_batch = match input.dtype() {
            ValueType::Tensor { shape, .. } if fixed_shape_matches(shape) => shape.first().is_some_and(|&dim| dim < 0),
            other => return Err(Error::model(name, format!("input is {other}, expected {input_shape:?} floats"))),
        };
        let mut lengths = Vec::new();
        for output in session.outputs() {
            // A dynamic leading dimension that follows a dynamic input batch is that batch (the
            // identity embedding's graph is written for any batch size).
            let dim_size = |(axis, &dim): (usize, &i64)| match dim {
                dim if dim > 0 => Some(dim as usize),
                _ if axis == 0 && dynamic_batch => Some(input_shape[0]),
                _ => None,
            };
            match output.dtype() {
                ValueType::Tensor { ty: ort::value::TensorElementType::Float32, shape, .. }
                    if shape.iter().enumerate().all(|axis| dim_size(axis).is_some()) =>
                {
                    lengths.push(shape.iter().enumerate().filter_map(dim_size).product());
                }
                other => return Err(Error::model(name, format!("an output is {other}, expected fixed float32"))),
            }
        }
        let pool = SessionPool { bytes, environment, idle: Mutex::new(vec![session]) };
        Ok((super::Engine::OnnxRuntime(std::sync::Arc::new(pool)), lengths))
    }

    impl SessionPool {
        pub(super) fn run(&self, name: &'static str, input_shape: &[usize], input: Vec<f32>) -> Result<Vec<Vec<f32>>> {
            let err = |e: ort::Error| Error::model(name, e);
            let idle = self.idle.lock().map_err(|_| Error::model(name, "session pool poisoned"))?.pop();
            let mut session = match idle {
                Some(session) => session,
                None => new_session(&self.environment, &self.bytes).map_err(err)?,
            };
            let tensor = Tensor::from_array((input_shape.to_vec(), input)).map_err(err)?;
            let outputs = session
                .run(ort::inputs![tensor])
                .map_err(err)?
                .values()
                .map(|value| value.try_extract_tensor::<f32>().map(|(_, values)| values.to_vec()).map_err(err))
                .collect::<Result<Vec<_>>>();
            if let Ok(mut idle) = self.idle.lock() {
                idle.push(session);
            }
            outputs
        }
    }
}
