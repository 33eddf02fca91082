use std::collections::HashMap;
use std::time::Instant;
use tract_onnx::prelude::*;
fn main() {
    let (file, side) = (std::env::args().nth(1).unwrap(), std::env::args().nth(2).unwrap().parse::<usize>().unwrap());
    let plan = tract_onnx::onnx()
        .model_for_path(&file)
        .unwrap()
        .with_input_fact(0, f32::fact([1, side, side, 3]).into())
        .unwrap()
        .into_optimized()
        .unwrap()
        .into_runnable()
        .unwrap();
    let input: Tensor = tract_ndarray::Array4::<f32>::from_elem((1, side, side, 3), 0.5).into();
    let mut by_op: HashMap<String, (f64, usize)> = HashMap::new();
    let runs = 50;
    for i in 0..runs + 5 {
        let mut state = plan.spawn().unwrap();
        state
            .run_plan_with_eval(tvec!(input.clone().into()), |ctx, st, node, inputs| {
                let t = Instant::now();
                let r = tract_core::plan::eval(ctx, st, node, inputs);
                if i >= 5 {
                    let e = by_op.entry(node.op().name().to_string()).or_default();
                    e.0 += t.elapsed().as_secs_f64() * 1e3 / runs as f64;
                    e.1 += 1;
                }
                r
            })
            .unwrap();
    }
    let mut v: Vec<_> = by_op.into_iter().collect();
    v.sort_by(|a, b| b.1.0.partial_cmp(&a.1.0).unwrap());
    let total: f64 = v.iter().map(|x| x.1.0).sum();
    println!("{file}: {total:.2} ms per run");
    for (op, (ms, n)) in v.iter().take(8) {
        println!("  {op:30} {ms:7.3} ms  ({} nodes)", n / runs);
    }
}
