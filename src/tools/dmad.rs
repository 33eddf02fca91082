//! Training the differential morph detector's scorer: a logistic regression fitted by Newton's
//! method, and its export as the ONNX graph `models::differential_morph` runs.

use nalgebra::{DMatrix, DVector};
use prost::Message;
use tract_onnx::pb;

use crate::measure::reference::FEATURES;

/// A logistic regression on the logarithms of the features, standardised.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DifferentialModel {
    /// Mean of each feature's logarithm over the training set.
    pub mean: [f64; FEATURES],
    /// Standard deviation of each feature's logarithm.
    pub scale: [f64; FEATURES],
    /// Weight of each standardised feature.
    pub weights: [f64; FEATURES],
    /// The logit's constant.
    pub bias: f64,
}

/// The features span a decade or more and act multiplicatively; floors keep a zero finite.
const FEATURE_FLOOR: f64 = 1e-6;

fn log_feature(value: f32) -> f64 {
    f64::from(value).max(FEATURE_FLOOR).ln()
}

impl DifferentialModel {
    /// The probability-like score 0..1 that the document is a morph of the live person and someone
    /// else, computed here in double precision (the shipped graph computes it in single).
    pub fn score(&self, features: &[f32; FEATURES]) -> f64 {
        let z = self.standardised(features);
        let logit = self.bias + z.iter().zip(&self.weights).map(|(z, w)| z * w).sum::<f64>();
        1.0 / (1.0 + (-logit.clamp(-40.0, 40.0)).exp())
    }

    fn standardised(&self, features: &[f32; FEATURES]) -> [f64; FEATURES] {
        std::array::from_fn(|k| (log_feature(features[k]) - self.mean[k]) / self.scale[k])
    }

    /// Fits by Newton's method with an L2 penalty on the weights (not the bias), each class
    /// weighted to half the total so that the few bona fide attempts count as much as the morphs.
    /// `None` without both classes.
    pub fn fit(samples: &[[f32; FEATURES]], is_morph: &[bool], l2: f64) -> Option<DifferentialModel> {
        let morphs = is_morph.iter().filter(|&&m| m).count();
        if samples.len() != is_morph.len() || morphs == 0 || morphs == samples.len() {
            return None;
        }
        let logs: Vec<[f64; FEATURES]> = samples.iter().map(|s| s.map(log_feature)).collect();
        let n = logs.len() as f64;
        let mean: [f64; FEATURES] = std::array::from_fn(|k| logs.iter().map(|l| l[k]).sum::<f64>() / n);
        let scale: [f64; FEATURES] = std::array::from_fn(|k| {
            let variance = logs.iter().map(|l| (l[k] - mean[k]).powi(2)).sum::<f64>() / n;
            variance.sqrt().max(1e-9)
        });
        // Design matrix with a constant column for the bias.
        let design = DMatrix::from_fn(logs.len(), FEATURES + 1, |row, column| match column {
            FEATURES => 1.0,
            k => (logs[row][k] - mean[k]) / scale[k],
        });
        let labels = DVector::from_iterator(logs.len(), is_morph.iter().map(|&m| f64::from(u8::from(m))));
        let class_weight = |m: bool| if m { 0.5 * n / morphs as f64 } else { 0.5 * n / (n - morphs as f64) };
        let weights_of_samples = DVector::from_iterator(logs.len(), is_morph.iter().map(|&m| class_weight(m)));
        let mut penalty = DMatrix::<f64>::identity(FEATURES + 1, FEATURES + 1) * l2;
        penalty[(FEATURES, FEATURES)] = 0.0;
        let mut w = DVector::<f64>::zeros(FEATURES + 1);
        for _ in 0..100 {
            let p = (&design * &w).map(|logit| 1.0 / (1.0 + (-logit).exp()));
            let residual = (&p - &labels).component_mul(&weights_of_samples);
            let gradient = design.transpose() * residual + &penalty * &w;
            let curvature = p.zip_map(&weights_of_samples, |p, c| c * p * (1.0 - p));
            let hessian = design.transpose() * DMatrix::from_diagonal(&curvature) * &design + &penalty;
            let step = hessian.lu().solve(&gradient)?;
            w -= &step;
            if step.amax() < 1e-12 {
                break;
            }
        }
        Some(DifferentialModel { mean, scale, weights: std::array::from_fn(|k| w[k]), bias: w[FEATURES] })
    }

    /// The model as an ONNX graph (opset 13): input `features` [1, 5] float, output `score`
    /// [1, 1] float. `Sigmoid(MatMul((Log(Max(x, floor)) - mean) / scale, weights) + bias)`.
    pub fn to_onnx(&self, doc: &str) -> Vec<u8> {
        let float = pb::tensor_proto::DataType::Float as i32;
        let constant = |name: &str, dims: &[i64], values: Vec<f32>| pb::TensorProto {
            name: name.into(),
            dims: dims.to_vec(),
            data_type: float,
            float_data: values,
            ..Default::default()
        };
        let as_f32 = |values: &[f64]| values.iter().map(|&v| v as f32).collect::<Vec<f32>>();
        let n = FEATURES as i64;
        let node = |op: &str, inputs: &[&str], output: &str| pb::NodeProto {
            op_type: op.into(),
            name: output.into(),
            input: inputs.iter().map(|s| s.to_string()).collect(),
            output: vec![output.into()],
            ..Default::default()
        };
        let value = |name: &str, dims: &[i64]| pb::ValueInfoProto {
            name: name.into(),
            r#type: Some(pb::TypeProto {
                value: Some(pb::type_proto::Value::TensorType(pb::type_proto::Tensor {
                    elem_type: float,
                    shape: Some(pb::TensorShapeProto {
                        dim: dims
                            .iter()
                            .map(|&d| pb::tensor_shape_proto::Dimension {
                                value: Some(pb::tensor_shape_proto::dimension::Value::DimValue(d)),
                                ..Default::default()
                            })
                            .collect(),
                    }),
                })),
                ..Default::default()
            }),
            ..Default::default()
        };
        let graph = pb::GraphProto {
            name: "differential_morph".into(),
            node: vec![
                node("Max", &["features", "floor"], "floored"),
                node("Log", &["floored"], "logs"),
                node("Sub", &["logs", "mean"], "centred"),
                node("Div", &["centred", "scale"], "standardised"),
                node("MatMul", &["standardised", "weights"], "weighted"),
                node("Add", &["weighted", "bias"], "logit"),
                node("Sigmoid", &["logit"], "score"),
            ],
            initializer: vec![
                constant("floor", &[1], vec![FEATURE_FLOOR as f32]),
                constant("mean", &[n], as_f32(&self.mean)),
                constant("scale", &[n], as_f32(&self.scale)),
                constant("weights", &[n, 1], as_f32(&self.weights)),
                constant("bias", &[1], vec![self.bias as f32]),
            ],
            input: vec![value("features", &[1, n])],
            output: vec![value("score", &[1, 1])],
            ..Default::default()
        };
        pb::ModelProto {
            ir_version: 8,
            opset_import: vec![pb::OperatorSetIdProto { domain: String::new(), version: 13 }],
            producer_name: "passbild".into(),
            producer_version: env!("CARGO_PKG_VERSION").into(),
            doc_string: doc.into(),
            graph: Some(graph),
            ..Default::default()
        }
        .encode_to_vec()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Backend, ModelFile, ModelSource, OnnxModel};

    fn separable() -> (Vec<[f32; FEATURES]>, Vec<bool>) {
        let attempt =
            |distance: f32, residual: f32| [distance, residual, residual * 3.0, residual * 1.5, residual * 2.5];
        let mut samples = Vec::new();
        let mut is_morph = Vec::new();
        for k in 0..40 {
            let jitter = 1.0 + 0.01 * (k % 7) as f32;
            samples.push(attempt(0.22 * jitter, 0.010 * jitter));
            is_morph.push(false);
            samples.push(attempt(0.42 * jitter, 0.014 * jitter));
            is_morph.push(true);
        }
        (samples, is_morph)
    }

    #[test]
    fn training_separates_attempts_that_differ_in_distance_and_geometry() {
        let (samples, is_morph) = separable();
        let model = DifferentialModel::fit(&samples, &is_morph, 0.1).unwrap();
        let attempt = |d: f32, r: f32| [d, r, r * 3.0, r * 1.5, r * 2.5];
        assert!(model.score(&attempt(0.45, 0.015)) > 0.9);
        assert!(model.score(&attempt(0.2, 0.009)) < 0.1);
        assert!(DifferentialModel::fit(&samples[..1], &is_morph[..1], 0.1).is_none(), "one class only");
    }

    #[test]
    fn the_onnx_graph_scores_as_the_model_does() {
        let (samples, is_morph) = separable();
        let model = DifferentialModel::fit(&samples, &is_morph, 0.1).unwrap();
        // From a directory: embedded bytes are the library's own (`ModelFile::embedded`).
        let dir = std::env::temp_dir().join(format!("passbild-dmad-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("test.onnx"), model.to_onnx("test")).unwrap();
        let file = ModelFile { name: "test scorer", file: "test.onnx", embedded: &[], embedded_decluttered: None };
        let source = ModelSource::Directory(dir.clone());
        let graph = OnnxModel::load(&file, &source, &Backend::Tract, &[1, FEATURES], &[1]).unwrap();
        std::fs::remove_dir_all(&dir).ok();
        for features in samples.iter().chain([&[0.0; FEATURES], &[0.3, 0.02, 0.0, 0.05, 0.01]]) {
            let outputs = graph.run(features.to_vec()).unwrap();
            let score = graph.output(&outputs, 1).unwrap()[0];
            assert!((f64::from(score) - model.score(features)).abs() < 1e-5, "{features:?}: {score}");
        }
    }
}
