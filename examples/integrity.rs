//! `image.integrity` on whole JPEGs and on damaged copies (docs/reliability.md):
//!     cargo run --release --example integrity [-- --copies N]
//!
//! Whole photos: every JPEG beside the checkout (../shared/datasets) and in fixtures/, and the
//! passport-framed FRLL and Canada subjects saved by a second encoder (4:2:0, with and without
//! restart markers). Damaged photos: copies of those subjects with random bits flipped in the scan,
//! kept when they still decode (the codes fell back into step). A copy counts as visibly damaged
//! when at least 2 % of its pixels differ from the whole file's by 4 levels or more. The bound is
//! chosen on the calibration half of the identities and the figures are given for the test half.

use std::path::{Path, PathBuf};

use passbild::tools::accuracy::{Half, Subject, half, percentile, subjects};
use passbild::{Checker, Report, Status, ids};
use rayon::prelude::*;

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let datasets = root.join("../shared/datasets");
    let copies: usize = std::env::args().skip_while(|a| a != "--copies").nth(1).map_or(12, |n| n.parse().unwrap());
    let checker = Checker::new("icao").unwrap();

    println!("## Whole JPEGs\n");
    let mut files = jpeg_files(&datasets);
    files.extend(jpeg_files(&root.join("fixtures")));
    let whole: Vec<(String, f64)> = files
        .par_iter()
        .filter_map(|path| {
            let report = checker.check_bytes(&std::fs::read(path).ok()?).ok()?;
            let name = path.strip_prefix(&datasets).unwrap_or(path).display().to_string();
            Some((name, integrity(&report)?))
        })
        .collect();
    summarise("files beside the checkout and fixtures", &whole);

    let subjects = subjects(&datasets, 1244, 1600);
    let layouts = [("4:2:0 q92", 0u16), ("4:2:0 q92, restart every 4 MCUs", 4)];
    let mut damaged_rows = Vec::new();
    for (layout, restart) in layouts {
        let encoded: Vec<(&Subject, Vec<u8>)> = subjects.iter().map(|s| (s, encode(s, restart))).collect();
        let readings: Vec<(String, f64)> = encoded
            .par_iter()
            .filter_map(|(s, bytes)| Some((s.identity.clone(), integrity(&checker.check_bytes(bytes).ok()?)?)))
            .collect();
        for which in [Half::Calibration, Half::Test] {
            let part: Vec<(String, f64)> = readings.iter().filter(|(id, _)| half(id) == which).cloned().collect();
            summarise(&format!("subjects at 1244x1600, {layout}, {which:?} half"), &part);
        }
        for flips in [1usize, 10] {
            let rows: Vec<Damaged> = encoded
                .par_iter()
                .flat_map_iter(|(s, bytes)| (0..copies).map(move |k| (s, bytes, k)))
                .filter_map(|(s, bytes, k)| damaged_copy(&checker, s, bytes, flips, k as u64))
                .collect();
            damaged_rows.extend(rows.into_iter().map(|r| (layout, flips, r)));
        }
    }

    println!("\n## Damaged copies that still decode\n");
    println!("A copy is counted by the median change of the pixels it changed by 4 levels or more, when those are");
    println!("at least 2 % of the photo (smaller changes are one block or a few).\n");
    println!("| layout | flips | half | decoded | median change | copies | integrity fails | any check fails | pass |");
    println!("|---|---|---|---|---|---|---|---|---|");
    for (layout, _) in layouts {
        for flips in [1usize, 10] {
            for which in [Half::Calibration, Half::Test] {
                let rows: Vec<&Damaged> = damaged_rows
                    .iter()
                    .filter(|(l, f, r)| *l == layout && *f == flips && half(&r.identity) == which)
                    .map(|(_, _, r)| r)
                    .collect();
                for (low, high) in [(4.0, 8.0), (8.0, 16.0), (16.0, 256.0)] {
                    let visible: Vec<&&Damaged> = rows
                        .iter()
                        .filter(|r| r.changed_share >= 0.02 && (low..high).contains(&r.median_change))
                        .collect();
                    let caught = visible.iter().filter(|r| r.integrity_failed).count();
                    let failed = visible.iter().filter(|r| r.verdict_failed).count();
                    println!(
                        "| {layout} | {flips} | {which:?} | {} | {low}-{high} | {} | {caught} | {failed} | {} |",
                        rows.len(),
                        visible.len(),
                        visible.len() - failed
                    );
                }
            }
        }
    }
    println!("\nEach damaged copy (changed share, median change of changed pixels, integrity, verdict):");
    for (layout, flips, r) in &damaged_rows {
        println!(
            "{layout} | {flips} | {} | {:.4} | {:.1} | {:?} | {}",
            r.identity,
            r.changed_share,
            r.median_change,
            r.integrity,
            if r.verdict_failed { "fail" } else { "pass" }
        );
    }
}

struct Damaged {
    identity: String,
    /// Share of pixels off by 4 levels or more in some channel.
    changed_share: f64,
    median_change: f64,
    integrity: Option<f64>,
    integrity_failed: bool,
    verdict_failed: bool,
}

fn integrity(report: &Report) -> Option<f64> {
    report.checks.iter().find(|c| c.id == ids::INTEGRITY)?.value
}

fn summarise(what: &str, readings: &[(String, f64)]) {
    let values: Vec<f64> = readings.iter().map(|r| r.1).collect();
    let at = |q: f64| percentile(&values, q);
    println!(
        "{what}: {} photos; median {:.2}, P95 {:.2}, P99 {:.2}, max {:.2}",
        values.len(),
        at(0.5),
        at(0.95),
        at(0.99),
        at(1.0)
    );
    let mut worst: Vec<&(String, f64)> = readings.iter().collect();
    worst.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (name, value) in worst.iter().take(5) {
        println!("    {value:.2}  {name}");
    }
}

fn encode(subject: &Subject, restart: u16) -> Vec<u8> {
    let mut bytes = Vec::new();
    let mut encoder = jpeg_encoder::Encoder::new(&mut bytes, 92);
    encoder.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    if restart > 0 {
        encoder.set_restart_interval(restart);
    }
    let photo = &subject.photo;
    encoder.encode(photo.as_raw(), photo.width() as u16, photo.height() as u16, jpeg_encoder::ColorType::Rgb).unwrap();
    bytes
}

/// The `copy`th copy of `bytes` with `flips` random bits flipped in the scan; None when it no
/// longer decodes (the usual case) or nothing changed.
fn damaged_copy(checker: &Checker, subject: &Subject, bytes: &[u8], flips: usize, copy: u64) -> Option<Damaged> {
    let scan = bytes.windows(2).position(|w| w == [0xFF, 0xDA])? + 20;
    let mut state = 0x9E37_79B9_7F4A_7C15u64 ^ (copy * 7919 + flips as u64 * 104_729) ^ fnv(&subject.identity);
    let mut flipped = bytes.to_vec();
    for _ in 0..flips {
        state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let at = scan + (state >> 33) as usize % (flipped.len() - 2 - scan);
        // A flip that makes a marker is a different kind of damage (and refused by the marker walk).
        if flipped[at] == 0xFF || flipped[at] ^ (1 << ((state >> 20) % 8)) == 0xFF {
            continue;
        }
        flipped[at] ^= 1 << ((state >> 20) % 8);
    }
    let damaged = image::load_from_memory(&flipped).ok()?.to_rgb8();

    let report = checker.check_bytes(&flipped).ok()?;
    let whole = image::load_from_memory(bytes).ok()?.to_rgb8();
    let mut changes: Vec<u8> = damaged
        .as_raw()
        .chunks_exact(3)
        .zip(whole.as_raw().chunks_exact(3))
        .map(|(a, b)| (0..3).map(|c| a[c].abs_diff(b[c])).max().unwrap_or(0))
        .filter(|&d| d >= 4)
        .collect();
    if changes.is_empty() {
        return None;
    }
    let changed_share = changes.len() as f64 / (damaged.width() * damaged.height()) as f64;
    let middle = changes.len() / 2;
    let median_change = f64::from(*changes.select_nth_unstable(middle).1);
    let check = report.checks.iter().find(|c| c.id == ids::INTEGRITY);
    Some(Damaged {
        identity: subject.identity.clone(),
        changed_share,
        median_change,
        integrity: check.and_then(|c| c.value),
        integrity_failed: check.is_some_and(|c| c.status == Status::Fail),
        verdict_failed: report.checks.iter().any(|c| c.status == Status::Fail),
    })
}

fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

fn jpeg_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return files };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(jpeg_files(&path));
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg"))
        {
            files.push(path);
        }
    }
    files.sort();
    files
}
