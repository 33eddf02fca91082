//! Golden reports of the fixtures: any change in a status, a value, a bound or a landmark shows up
//! here and in the diff of tests/golden/. Regenerate on purpose with
//! `PASSBILD_BLESS=1 cargo test --test golden`.

mod common;

use common::*;
use passbild::Report;

const CASES: &[(&str, &str)] = &[
    ("frll_034_de.jpg", "de-live"),
    ("frll_119_de.jpg", "de-live"),
    ("lisa3.jpg", "icao"),
    ("two_people.jpg", "icao"),
    ("obama_partial_face.jpg", "de-live"),
    ("obama3_half.jpg", "icao"),
    ("C001088_lossless.jp2", "de-scan"),
];

/// Values may move by float noise between CPUs, never by a real change.
fn close(id: &str, a: f64, b: f64) -> bool {
    (a - b).abs() <= absolute_tolerance(id) + 1e-4 * a.abs().max(b.abs())
}

/// tract picks its kernels by the CPU (AVX-512 where there is one), and a measure that counts
/// pixels past a threshold then moves by a step: `glasses.present` (information, no bound) of
/// two_people.jpg reads 0.0309 on one CPU and 0.0340 on another.
fn absolute_tolerance(id: &str) -> f64 {
    if id == "glasses.present" { 5e-3 } else { 1e-3 }
}

fn compare(name: &str, got: &Report, want: &Report) -> Vec<String> {
    let mut differences = Vec::new();
    if got.verdict != want.verdict {
        differences.push(format!("verdict {:?} != {:?}", got.verdict, want.verdict));
    }
    if got.faces.len() != want.faces.len() {
        differences.push(format!("{} faces != {}", got.faces.len(), want.faces.len()));
    }
    let ids = |r: &Report| r.checks.iter().map(|c| c.id.clone()).collect::<Vec<_>>();
    if ids(got) != ids(want) {
        differences.push(format!("checks {:?} != {:?}", ids(got), ids(want)));
    }
    for (g, w) in got.checks.iter().zip(&want.checks) {
        let values_match = match (g.value, w.value) {
            (Some(a), Some(b)) => close(&g.id, a, b),
            (a, b) => a == b,
        };
        if g.status != w.status || !values_match {
            differences.push(format!("{}: {:?} {:?} != {:?} {:?}", g.id, g.status, g.value, w.status, w.value));
        }
        // The bounds come from the profile, not from a measurement: they match exactly.
        let bounds = |c: &passbild::CheckResult| [c.min, c.max, c.reject_min, c.reject_max];
        if bounds(g) != bounds(w) {
            differences.push(format!("{}: bounds {:?} != {:?}", g.id, bounds(g), bounds(w)));
        }
    }
    if let (Some(g), Some(w)) = (&got.face, &want.face) {
        let (g, w) = (serde_json::to_value(&g.landmarks).unwrap(), serde_json::to_value(&w.landmarks).unwrap());
        for (key, point) in g.as_object().unwrap() {
            for axis in ["x", "y"] {
                let (a, b) = (point[axis].as_f64().unwrap(), w[key][axis].as_f64().unwrap());
                if (a - b).abs() > 0.5 {
                    differences.push(format!("landmark {key}.{axis}: {a:.2} != {b:.2}"));
                }
            }
        }
    } else if got.face.is_some() != want.face.is_some() {
        differences.push("face present in one report only".into());
    }
    differences.into_iter().map(|d| format!("{name}: {d}")).collect()
}

#[test]
fn fixture_reports_match_their_golden_copies() {
    let bless = std::env::var_os("PASSBILD_BLESS").is_some();
    let mut differences = Vec::new();
    for (name, profile) in CASES {
        let mut report = checker(profile).check_file(&fixture(name)).unwrap();
        report.file = Some(name.to_string());
        report.timings_ms.clear();
        let golden = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(format!("{name}.{profile}.json"));
        if bless {
            std::fs::write(&golden, report.to_json_pretty() + "\n").unwrap();
            continue;
        }
        let text = std::fs::read_to_string(&golden)
            .unwrap_or_else(|e| panic!("{}: {e} (create it with PASSBILD_BLESS=1)", golden.display()));
        let want: Report = serde_json::from_str(&text).unwrap();
        differences.extend(compare(name, &report, &want));
    }
    assert!(differences.is_empty(), "reports differ from tests/golden:\n{}", differences.join("\n"));
}
