//! The command-line tool: exit codes, JSON Lines, directories, overlays, profiles.

mod common;

use std::process::Command;

use common::fixture;

fn passbild() -> Command {
    Command::new(env!("CARGO_BIN_EXE_passbild"))
}

#[test]
fn exit_codes_say_pass_fail_or_error() {
    let pass = passbild().args(["check", "--profile", "de-live"]).arg(fixture("frll_034_de.jpg")).output().unwrap();
    assert_eq!(pass.status.code(), Some(0), "{}", String::from_utf8_lossy(&pass.stdout));
    assert!(String::from_utf8_lossy(&pass.stdout).contains("PASS"));

    let fail = passbild().args(["check", "--profile", "icao"]).arg(fixture("lisa3.jpg")).output().unwrap();
    assert_eq!(fail.status.code(), Some(1));

    let missing = passbild().args(["check"]).arg(fixture("no-such-photo.jpg")).output().unwrap();
    assert_eq!(missing.status.code(), Some(2));
    let unknown_profile = passbild().args(["check", "--profile", "nope"]).arg(fixture("lisa3.jpg")).output().unwrap();
    assert_eq!(unknown_profile.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown_profile.stderr).contains("unknown profile"));
}

#[test]
fn json_lines_one_report_per_photo_in_german() {
    let output = passbild()
        .args(["check", "--json", "--lang", "de", "--threads", "2"])
        .arg(fixture("frll_034_de.jpg"))
        .arg(fixture("two_people.jpg"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 2);
    assert!(lines[0]["file"].as_str().unwrap().ends_with("frll_034_de.jpg"));
    assert_eq!(lines[1]["verdict"], "fail");
    assert_eq!(lines[1]["language"], "de");
}

#[test]
fn a_directory_is_searched_and_overlays_are_written() {
    let dir = std::env::temp_dir().join(format!("passbild-cli-{}", std::process::id()));
    let photos = dir.join("photos");
    let overlays = dir.join("overlays");
    std::fs::create_dir_all(&photos).unwrap();
    for name in ["frll_034_de.jpg", "lisa3.jpg"] {
        std::fs::copy(fixture(name), photos.join(name)).unwrap();
    }
    std::fs::write(photos.join("notes.txt"), "not a photo").unwrap();
    let output = passbild().args(["check", "--json", "--overlay"]).arg(&overlays).arg(&photos).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(String::from_utf8(output.stdout).unwrap().lines().count(), 2);
    let drawn = image::open(overlays.join("frll_034_de.overlay.png")).unwrap();
    assert_eq!((drawn.width(), drawn.height()), (1244, 1600));
    assert!(overlays.join("lisa3.overlay.png").exists());
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn profiles_are_listed_and_printed() {
    let list = passbild().arg("profiles").output().unwrap();
    let text = String::from_utf8(list.stdout).unwrap();
    for name in ["icao", "de-live", "de-scan"] {
        assert!(text.contains(name), "{text}");
    }
    let shown = passbild().args(["profiles", "de-live"]).output().unwrap();
    let profile = passbild::Profile::from_toml(&String::from_utf8(shown.stdout).unwrap()).unwrap();
    assert_eq!(profile, passbild::Profile::built_in("de-live").unwrap());
}
