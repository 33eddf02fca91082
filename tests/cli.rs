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
    // One line a profile, the descriptions starting in one column whatever the names' lengths.
    let mut description_columns = std::collections::BTreeSet::new();
    for name in passbild::Profile::built_in_names() {
        let line = text.lines().find(|line| line.split_whitespace().next() == Some(name));
        let line = line.unwrap_or_else(|| panic!("{name} not listed: {text}"));
        let description = &passbild::Profile::built_in(name).unwrap().description;
        assert!(line.ends_with(description.as_str()), "{line}");
        description_columns.insert(line.len() - description.len());
    }
    assert_eq!(description_columns.len(), 1, "{text}");
    let shown = passbild().args(["profiles", "de-live"]).output().unwrap();
    let profile = passbild::Profile::from_toml(&String::from_utf8(shown.stdout).unwrap()).unwrap();
    assert_eq!(profile, passbild::Profile::built_in("de-live").unwrap());
}

/// `passbild calibrate` sets the morph bounds on the genuine photos given: the profile it prints
/// loads, and every photo it was set on passes under it.
#[test]
fn calibrate_prints_a_profile_that_passes_the_photos_it_was_set_on() {
    let dir = std::env::temp_dir().join(format!("passbild-calibrate-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let too_few = passbild().args(["calibrate"]).arg(fixture("frll_034_de.jpg")).output().unwrap();
    assert_eq!(too_few.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&too_few.stderr).contains("at least 20"));
    // Twenty genuine photos: two people, each saved at ten JPEG qualities.
    for name in ["frll_034_de.jpg", "frll_119_de.jpg"] {
        let photo = image::open(fixture(name)).unwrap().to_rgb8();
        for quality in (50..100).step_by(5) {
            let mut bytes = Vec::new();
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality as u8).encode_image(&photo).unwrap();
            std::fs::write(dir.join(format!("{quality}_{name}")), bytes).unwrap();
        }
    }
    let output = passbild().args(["calibrate", "--profile", "de-live"]).arg(&dir).output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let text = String::from_utf8(output.stdout).unwrap();
    let profile = passbild::Profile::from_toml(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    assert_eq!(profile.name, "de-live-calibrated");
    let morph = profile.morph.single_image.unwrap();
    assert!(morph.enabled && morph.max <= morph.reject_max, "{morph:?}");
    let profile_file = dir.join("calibrated.toml");
    std::fs::write(&profile_file, &text).unwrap();
    let check = passbild().args(["check", "--json", "--profile"]).arg(&profile_file).arg(&dir).output().unwrap();
    for line in String::from_utf8(check.stdout).unwrap().lines() {
        let report: serde_json::Value = serde_json::from_str(line).unwrap();
        let morph = report["checks"].as_array().unwrap().iter().find(|c| c["id"] == "morph.single_image").unwrap();
        assert_ne!(morph["status"], "fail", "{line}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A fresh scratch directory for one test.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("passbild-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn overlays_of_photos_sharing_a_name_are_each_written_and_a_searched_directory_gets_one() {
    let dir = scratch("overlays");
    for sub in ["a", "b"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::copy(fixture("lisa3.jpg"), dir.join(sub).join("x.jpg")).unwrap();
    }
    let both = dir.join("both");
    let output = passbild()
        .args(["check", "--json", "--overlay"])
        .arg(&both)
        .arg(dir.join("a"))
        .arg(dir.join("b"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(both.join("x.overlay.png").is_file() && both.join("x-2.overlay.png").is_file());
    // A searched directory that holds one photo still gets a directory of overlays, as on
    // days with more.
    let one = dir.join("one");
    let output = passbild().args(["check", "--json", "--overlay"]).arg(&one).arg(dir.join("a")).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(one.join("x.overlay.png").is_file());
    // Never over a photo being checked: the photo named as its own overlay.
    let photo = dir.join("a").join("x.jpg");
    let before = std::fs::read(&photo).unwrap();
    let output = passbild().args(["check", "--json", "--overlay"]).arg(&photo).arg(&photo).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read(&photo).unwrap(), before);
    // Overlays written into the photos' own directory are not checked as photos the next time,
    // and are PNG whatever their name says.
    for _ in 0..2 {
        let output =
            passbild().args(["check", "--json", "--overlay"]).arg(dir.join("a")).arg(dir.join("a")).output().unwrap();
        assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
        assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 1);
    }
    let named_jpeg = dir.join("x_overlay.jpg");
    let output = passbild().args(["check", "--overlay"]).arg(&named_jpeg).arg(&photo).output().unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(std::fs::read(&named_jpeg).unwrap().starts_with(b"\x89PNG"));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn an_unreadable_photo_has_a_json_line_with_its_code_and_a_closed_pipe_ends_quietly() {
    let dir = scratch("errors");
    std::fs::write(dir.join("note.jpg"), b"not a photo").unwrap();
    let output = passbild().args(["check", "--json"]).arg(dir.join("note.jpg")).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let line: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(line["code"], "not_a_photo", "{line}");
    std::fs::remove_dir_all(&dir).ok();
    // The reader gone before the tool writes: it ends by the signal, as `cat` does, not with an
    // error of its own or a panic.
    use std::os::unix::process::ExitStatusExt;
    let mut child = passbild().args(["profiles", "de-live"]).stdout(std::process::Stdio::piped()).spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert!(status.success() || status.signal() == Some(libc::SIGPIPE), "{status:?}");
}

#[test]
fn receipts_are_not_silently_skipped_and_their_files_are_read_with_bounds() {
    let dir = scratch("receipts");
    let (private, public) = (dir.join("k.pem"), dir.join("k.pub"));
    // A key pair whose public half cannot be written leaves no private half behind.
    std::fs::write(&public, "taken").unwrap();
    let output = passbild().arg("keygen").arg(&private).arg(&public).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(!private.exists(), "an orphan private key was left");
    std::fs::remove_file(&public).unwrap();
    assert!(passbild().arg("keygen").arg(&private).arg(&public).status().unwrap().success());
    // --sign with --reference is refused, not ignored.
    let output = passbild()
        .args(["check", "--photographer", "p", "--sign"])
        .arg(&private)
        .arg("--reference")
        .arg(fixture("lisa3.jpg"))
        .arg(fixture("lisa3.jpg"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2), "{}", String::from_utf8_lossy(&output.stderr));
    // A profile of one's own under a built-in's name is told apart from the built-in.
    let photo = dir.join("photo.jpg");
    std::fs::copy(fixture("frll_034_de.jpg"), &photo).unwrap();
    let lax = dir.join("lax.toml");
    std::fs::write(&lax, "base = \"de-live\"\n[pose.pitch]\nreject_min = -20\nreject_max = 20\n").unwrap();
    for (profile, says) in [
        ("de-live", "(this version's built-in profile)"),
        (lax.to_str().unwrap(), "(NOT this version's built-in de-live"),
    ] {
        let signed = passbild()
            .args(["check", "--photographer", "p", "-p", profile, "--sign"])
            .arg(&private)
            .arg(&photo)
            .output()
            .unwrap();
        assert_eq!(signed.status.code(), Some(0), "{}", String::from_utf8_lossy(&signed.stderr));
        let verified = passbild()
            .arg("verify")
            .arg(dir.join("photo.jpg.receipt"))
            .arg(&photo)
            .arg("--key")
            .arg(&public)
            .output()
            .unwrap();
        assert_eq!(verified.status.code(), Some(0));
        let stdout = String::from_utf8_lossy(&verified.stdout);
        assert!(stdout.contains(&format!("checked under de-live {says}")), "{stdout}");
    }
    // A valid receipt of a failing photo exits 0, or 1 for a script that asks for a pass.
    let failing = dir.join("failing.jpg");
    std::fs::copy(fixture("lisa3.jpg"), &failing).unwrap();
    let signed = passbild()
        .args(["check", "-p", "icao", "--photographer", "p", "--sign"])
        .arg(&private)
        .arg(&failing)
        .output()
        .unwrap();
    assert_eq!(signed.status.code(), Some(1));
    let verify = |photo: &std::path::Path, require_pass: bool| {
        let mut command = passbild();
        command.arg("verify").arg(format!("{}.receipt", photo.display())).arg(photo).arg("--key").arg(&public);
        if require_pass {
            command.arg("--require-pass");
        }
        command.output().unwrap().status.code()
    };
    assert_eq!((verify(&failing, false), verify(&failing, true)), (Some(0), Some(1)));
    assert_eq!(verify(&photo, true), Some(0));
    // A receipt that cannot be written is an error of its own; the photo's report still stands.
    let blocked = dir.join("blocked.jpg");
    std::fs::copy(fixture("frll_034_de.jpg"), &blocked).unwrap();
    std::fs::create_dir(dir.join("blocked.jpg.receipt")).unwrap();
    let output = passbild()
        .args(["check", "--json", "-p", "de-live", "--photographer", "p", "--sign"])
        .arg(&private)
        .arg(&blocked)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["verdict"], "pass");
    let said = String::from_utf8_lossy(&output.stderr);
    assert!(said.contains("cannot write") && said.contains("blocked.jpg.receipt"), "{said}");
    // Nothing half-written is left beside it.
    let partial =
        std::fs::read_dir(&dir).unwrap().flatten().any(|e| e.file_name().to_string_lossy().ends_with(".partial"));
    assert!(!partial);
    // The QR code is never written over the photo it signs.
    let before = std::fs::read(&photo).unwrap();
    let output = passbild()
        .args(["check", "--json", "-p", "de-live", "--photographer", "p", "--sign"])
        .arg(&private)
        .arg(&photo)
        .arg("--qr")
        .arg(&photo)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("QR code over the photo"));
    assert_eq!(std::fs::read(&photo).unwrap(), before);
    // A device is not a receipt: refused at once, not read until memory runs out.
    let output =
        passbild().args(["verify", "/dev/zero"]).arg(fixture("lisa3.jpg")).arg("--key").arg(&public).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("not a regular file"));
    // Nor is a pipe: refused before it is opened (opening one waits for a writer).
    let pipe = dir.join("pipe.pem");
    assert!(Command::new("mkfifo").arg(&pipe).status().unwrap().success());
    let mut verify = passbild()
        .args(["verify"])
        .arg(dir.join("photo.jpg.receipt"))
        .arg(&photo)
        .arg("--key")
        .arg(&pipe)
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = loop {
        if let Some(status) = verify.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > std::time::Duration::from_secs(30) {
            verify.kill().unwrap();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    assert_eq!(status.and_then(|s| s.code()), Some(2), "a pipe as the key hung verify");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_crop_never_overwrites_its_photo_nor_follows_a_template_outside_the_photo() {
    let dir = scratch("crop");
    let photo = dir.join("photo.jpg");
    std::fs::copy(fixture("frll_034_de.jpg"), &photo).unwrap();
    let before = std::fs::read(&photo).unwrap();
    let output = passbild().arg("crop").arg(&photo).arg(&photo).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(std::fs::read(&photo).unwrap(), before, "the photo was overwritten");
    // A head size of zero would ask for an unbounded enlargement.
    let profile = dir.join("zero.toml");
    std::fs::write(&profile, "base = \"icao\"\n[geometry.head_height]\nmin = -0.5\nmax = 0.5\n").unwrap();
    let output =
        passbild().arg("crop").arg(&photo).arg(dir.join("out.jpg")).arg("--profile").arg(&profile).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("no head size"),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_long_batch_prints_its_reports_as_it_goes_in_order() {
    use std::io::BufRead;
    // Two chunks on one thread (32 photos, then 8): the first chunk's reports arrive before the
    // second is checked, not all at the end.
    let dir = scratch("stream");
    let names: Vec<String> = (0..40).map(|i| format!("photo-{i:02}.jpg")).collect();
    for name in &names {
        std::fs::copy(fixture("lisa3.jpg"), dir.join(name)).unwrap();
    }
    let mut child = passbild()
        .args(["check", "--json", "--threads", "1"])
        .arg(&dir)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut arrivals = Vec::new();
    for line in std::io::BufReader::new(child.stdout.take().unwrap()).lines() {
        let line: serde_json::Value = serde_json::from_str(&line.unwrap()).unwrap();
        arrivals.push((std::time::Instant::now(), line["file"].as_str().unwrap().to_string()));
    }
    child.wait().unwrap();
    assert_eq!(arrivals.len(), names.len());
    assert!(arrivals.iter().zip(&names).all(|((_, file), name)| file.ends_with(name.as_str())), "{arrivals:?}");
    // Eight photos (about 0.15 s each on one core) were checked between the two chunks' reports.
    let between_chunks = arrivals[32].0 - arrivals[31].0;
    assert!(between_chunks > std::time::Duration::from_millis(300), "{between_chunks:?}: all reports came at once");
    std::fs::remove_dir_all(&dir).ok();
}
