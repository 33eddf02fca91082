use passbild::ids;
fn main() {
    let checker = passbild::Checker::new("icao").unwrap();
    let labels = std::fs::read_to_string("../shared/datasets/frll/labels.csv").unwrap();
    let rows: Vec<(String, f64)> = labels
        .lines()
        .skip(1)
        .map(|l| l.split(',').collect::<Vec<_>>())
        .filter(|f| f[0].starts_with("neutral"))
        .map(|f| (f[0].to_string(), f[14].parse().unwrap()))
        .collect();
    let paths: Vec<_> = rows.iter().map(|(f, _)| format!("../shared/datasets/frll/{f}")).collect();
    let reports = checker.check_files(&paths, || {});
    let (mut sum, mut worst, mut pitch) = (0.0, 0.0f64, vec![]);
    for ((_, label), r) in rows.iter().zip(reports) {
        let r = r.unwrap();
        let e = (r.check(ids::INTER_EYE_DISTANCE).unwrap().value.unwrap() - label) / label;
        sum += e.abs();
        worst = worst.max(e.abs());
        pitch.push(r.check(ids::PITCH).unwrap().value.unwrap());
    }
    let m = pitch.iter().sum::<f64>() / pitch.len() as f64;
    let sd = (pitch.iter().map(|p| (p - m) * (p - m)).sum::<f64>() / pitch.len() as f64).sqrt();
    println!(
        "IED mean abs error {:.3} %, worst {:.3} %; pitch mean {m:.2} sd {sd:.2}",
        sum / rows.len() as f64 * 100.0,
        worst * 100.0
    );
}
