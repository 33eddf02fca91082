//! The examples in examples/{c,cpp,python,java,csharp} each check a fixture through the C ABI and
//! print its verdict; each must agree with the Rust API. A missing toolchain fails the test with
//! what to install (scripts/test installs everything).

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::*;
use passbild::Status;

fn require(program: &str, install: &str) {
    let found = Command::new("sh").arg("-c").arg(format!("command -v {program}")).output().unwrap();
    assert!(found.status.success(), "{program} is missing: install {install} (scripts/test does this)");
}

fn expected_verdict(profile: &str, name: &str) -> &'static str {
    checker(profile).check_bytes(&fixture_bytes(name)).unwrap().verdict.as_str()
}

/// An example ran to a verdict: exit 0 (pass) or 1 (fail or not assessed), not 2 (error).
fn succeeded(what: &str, output: Output) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.code().is_some_and(|c| c == 0 || c == 1),
        "{what} failed ({}):\n{stdout}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

fn assert_verdict(what: &str, stdout: &str, profile: &str, name: &str) {
    let expected = format!("verdict {}", expected_verdict(profile, name));
    assert!(stdout.lines().any(|l| l == expected), "{what} printed:\n{stdout}\nexpected a line `{expected}`");
}

#[test]
fn the_c_example_prints_json_for_two_fixtures() {
    let program = compile_against_library(&[root().join("examples/c/check.c")], "example_c", false);
    let output = Command::new(program)
        .args(["de-live"])
        .arg(fixture("frll_034_de.jpg"))
        .arg(fixture("two_people.jpg"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "one of the two fixtures fails");
    let reports: Vec<passbild::Report> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(reports.len(), 2);
    assert_eq!(reports[0].verdict, Status::Pass);
    assert_eq!(reports[1].verdict, Status::Fail);
}

#[test]
fn the_cpp_example_includes_the_header_twice_and_checks_a_fixture() {
    let program = compile_against_library(&[root().join("examples/cpp/check.cpp")], "example_cpp", true);
    let output = Command::new(program).arg("de-live").arg(fixture("frll_034_de.jpg")).output().unwrap();
    assert_verdict("C++ example", &succeeded("C++ example", output), "de-live", "frll_034_de.jpg");
}

#[test]
fn the_python_example_checks_a_fixture_through_ctypes() {
    require("python3", "Python 3");
    let output = Command::new("python3")
        .arg(root().join("examples/python/check.py"))
        .arg(library_dir().join("libpassbild.so"))
        .arg("icao")
        .arg(fixture("lisa3.jpg"))
        .output()
        .unwrap();
    let stdout = succeeded("Python example", output);
    assert_verdict("Python example", &stdout, "icao", "lisa3.jpg");
    assert!(stdout.contains("pose.roll fail"), "{stdout}");
}

const JNA_JAR: &str = "/usr/share/java/jna.jar";

#[test]
fn the_java_example_checks_a_fixture_through_jna() {
    require("javac", "a JDK (Debian: default-jdk-headless)");
    assert!(Path::new(JNA_JAR).exists(), "{JNA_JAR} is missing: install libjna-java (scripts/test does this)");
    let classes = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("java-example");
    std::fs::create_dir_all(&classes).unwrap();
    run_ok(
        "javac",
        Command::new("javac").args(["-cp", JNA_JAR, "-d"]).arg(&classes).arg(root().join("examples/java/Check.java")),
    );
    let output = Command::new("java")
        .arg("-cp")
        .arg(format!("{JNA_JAR}:{}", classes.display()))
        .arg(format!("-Djna.library.path={}", library_dir().display()))
        .arg("Check")
        .arg("de-live")
        .arg(fixture("frll_034_de.jpg"))
        .arg(classes.join("overlay.png"))
        .output()
        .unwrap();
    let stdout = succeeded("Java example", output);
    assert_verdict("Java example", &stdout, "de-live", "frll_034_de.jpg");
    assert!(stdout.contains("Augenabstand"), "the Java example asks for German messages:\n{stdout}");
    // The operator's view: the photo with the checks' findings drawn on it.
    let overlay = image::open(classes.join("overlay.png")).unwrap();
    assert_eq!((overlay.width(), overlay.height()), (1244, 1600));
    // An error message longer than any fixed buffer arrives whole: it quotes this profile name.
    let long_name = format!("{}-end", "x".repeat(1100));
    let output = Command::new("java")
        .arg("-cp")
        .arg(format!("{JNA_JAR}:{}", classes.display()))
        .arg(format!("-Djna.library.path={}", library_dir().display()))
        .arg("Check")
        .arg(&long_name)
        .arg(fixture("frll_034_de.jpg"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains(&format!("{long_name}\"")), "{stderr}");
}

/// The studio signs with the CLI; the office verifies in Java. A changed photo and another key are
/// refused with their own status.
#[test]
fn the_java_receipt_verifier_accepts_the_signed_photo_only() {
    require("javac", "a JDK (Debian: default-jdk-headless)");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("java-receipt");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    run_ok(
        "javac",
        Command::new("javac")
            .args(["-cp", JNA_JAR, "-d"])
            .arg(&dir)
            .arg(root().join("examples/java/VerifyReceipt.java")),
    );
    let cli = || Command::new(env!("CARGO_BIN_EXE_passbild"));
    let (key, public, other_public) = (dir.join("key.pem"), dir.join("public.pem"), dir.join("other.pem"));
    run_ok("keygen", cli().arg("keygen").arg(&key).arg(&public));
    run_ok("keygen", cli().arg("keygen").arg(dir.join("other_key.pem")).arg(&other_public));
    let photo = dir.join("photo.jpg");
    std::fs::copy(fixture("frll_034_de.jpg"), &photo).unwrap();
    let signed = cli()
        .args(["check", "-p", "de-live", "--photographer", "studio-7"])
        .arg("--sign")
        .arg(&key)
        .arg(&photo)
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(0), "{}", String::from_utf8_lossy(&signed.stderr));
    let mut changed = std::fs::read(&photo).unwrap();
    *changed.last_mut().unwrap() ^= 1;
    let changed_photo = dir.join("changed.jpg");
    std::fs::write(&changed_photo, changed).unwrap();
    let verify = |image: &Path, public: &Path| {
        let output = Command::new("java")
            .arg("-cp")
            .arg(format!("{JNA_JAR}:{}", dir.display()))
            .arg(format!("-Djna.library.path={}", library_dir().display()))
            .arg("VerifyReceipt")
            .arg(dir.join("photo.jpg.receipt"))
            .arg(image)
            .arg(public)
            .output()
            .unwrap();
        (output.status.code(), String::from_utf8_lossy(&output.stdout).trim().to_string())
    };
    assert_eq!(verify(&photo, &public), (Some(0), "valid, verdict pass".to_string()));
    let (code, stdout) = verify(&changed_photo, &public);
    assert!(code == Some(1) && stdout.starts_with("invalid 26 "), "{stdout}");
    let (code, stdout) = verify(&photo, &other_public);
    assert!(code == Some(1) && stdout.starts_with("invalid 24 "), "{stdout}");
}

#[test]
fn the_csharp_example_checks_a_fixture_through_pinvoke() {
    require("mcs", "mono-mcs");
    require("mono", "mono-runtime");
    let exe = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("Check.exe");
    run_ok(
        "mcs",
        Command::new("mcs").arg(format!("-out:{}", exe.display())).arg(root().join("examples/csharp/Check.cs")),
    );
    let output = Command::new("mono")
        .arg(&exe)
        .arg("icao")
        .arg(fixture("two_people.jpg"))
        .env("LD_LIBRARY_PATH", library_dir())
        .output()
        .unwrap();
    let stdout = succeeded("C# example", output);
    assert_verdict("C# example", &stdout, "icao", "two_people.jpg");
    assert!(stdout.contains("face.count fail 2"), "{stdout}");
    // An error message longer than any fixed buffer arrives whole: it quotes this profile name.
    let long_name = format!("{}-end", "x".repeat(1100));
    let output = Command::new("mono")
        .arg(&exe)
        .arg(&long_name)
        .arg(fixture("two_people.jpg"))
        .env("LD_LIBRARY_PATH", library_dir())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success() && stderr.contains(&format!("{long_name}\"")), "{stderr}");
}
