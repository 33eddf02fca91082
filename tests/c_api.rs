//! The C ABI from C: the same values as the Rust API, every misuse answered with a status, eight
//! threads on one checker, and a clean valgrind run.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;

use common::*;
use passbild::Status;

fn test_program() -> &'static PathBuf {
    static PROGRAM: OnceLock<PathBuf> = OnceLock::new();
    PROGRAM.get_or_init(|| {
        let source = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/c/ffi_test.c");
        compile_against_library(&[source], "ffi_test", false)
    })
}

fn run(mode: &str) -> String {
    run_ok(&format!("ffi_test {mode}"), Command::new(test_program()).arg(mode).arg(fixture("")))
}

/// A status as the C program prints it: the value of `passbild_check_status` (fixed by the ABI).
fn c_status(status: Status) -> String {
    let value = match status {
        Status::Pass => 0,
        Status::Fail => 1,
        Status::NotAssessed => 2,
        Status::Warn => 3,
    };
    value.to_string()
}

#[test]
fn c_gets_the_same_verdicts_and_values_as_rust() {
    let output = run("values");
    for name in ["frll_034_de.jpg", "two_people.jpg"] {
        let report = checker("de-live").check_bytes(&fixture_bytes(name)).unwrap();
        let lines: Vec<Vec<&str>> =
            output.lines().filter(|l| l.starts_with(&format!("{name} "))).map(|l| l.split(' ').collect()).collect();
        assert_eq!(lines[0], [name, "verdict", c_status(report.verdict).as_str()]);
        let checks: Vec<_> = lines.iter().filter(|l| l[1].contains('.')).collect();
        assert_eq!(checks.len(), report.checks.len(), "{name}");
        for (line, check) in checks.iter().zip(&report.checks) {
            assert_eq!(line[1], check.id);
            assert_eq!(line[2], c_status(check.status), "{name} {}", check.id);
            let c_value: f64 = line[3].parse().unwrap();
            match check.value {
                Some(value) => assert_eq!(c_value, value, "{name} {}", check.id),
                None => assert!(c_value.is_nan()),
            }
            let quality: i32 = line[6].parse().unwrap();
            assert_eq!(quality, check.quality.map_or(-1, i32::from));
        }
        let json_line = output.lines().find(|l| l.starts_with(&format!("{name} json "))).unwrap();
        let json: passbild::Report = serde_json::from_str(&json_line[name.len() + 6..]).unwrap();
        assert_eq!(serde_json::to_value(&json.checks).unwrap(), serde_json::to_value(&report.checks).unwrap());
    }
}

#[test]
fn misuse_returns_a_status_and_the_process_lives() {
    assert!(run("misuse").contains("misuse ok"));
}

#[test]
fn c_crops_and_signs_and_verifies_receipts() {
    assert!(run("studio").contains("studio ok"));
}

#[test]
fn eight_c_threads_share_one_checker() {
    assert!(run("threads").contains("threads ok 32"));
}

#[test]
fn c_can_choose_onnxruntime() {
    let output = run("onnxruntime");
    assert!(output.contains("onnxruntime ok"), "{output}");
    // scripts/test builds with the feature and sets ORT_DYLIB_PATH; then C must get the same statuses.
    if cfg!(feature = "onnxruntime") {
        assert!(std::env::var_os("ORT_DYLIB_PATH").is_some(), "set ORT_DYLIB_PATH to libonnxruntime.so");
        assert!(output.contains("onnxruntime same "), "{output}");
    }
}

#[test]
fn valgrind_finds_no_invalid_access_and_no_definite_leak() {
    let valgrind = Command::new("valgrind").arg("--version").output();
    assert!(
        valgrind.is_ok_and(|o| o.status.success()),
        "valgrind is missing: install it (Debian: apt-get install valgrind); scripts/test does"
    );
    let output = Command::new("valgrind")
        .args(["--tool=memcheck", "--error-exitcode=99", "--leak-check=full", "--errors-for-leak-kinds=definite"])
        .args(["--show-leak-kinds=definite", "--quiet"])
        .arg(test_program())
        .arg("short")
        .arg(fixture(""))
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "valgrind reported errors ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("short ok"));
}
