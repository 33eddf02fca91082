//! The report as tools see it: its JSON shape, its determinism across threads, batches, languages.

mod common;

use common::*;
use passbild::{Checker, Language, Status};
use passbild::{FORMAT_VERSION, ids};
use serde_json::Value;

/// The documented shape (README, "The report"): required fields and their types.
fn validate_shape(report: &Value) -> Result<(), String> {
    let object = report.as_object().ok_or("the report is not an object")?;
    let need = |key: &str| object.get(key).ok_or(format!("missing {key}"));
    if need("format_version")?.as_u64() != Some(u64::from(FORMAT_VERSION)) {
        return Err("format_version".into());
    }
    need("profile")?.as_str().ok_or("profile is not a string")?;
    let status_ok = |v: &Value| matches!(v.as_str(), Some("pass" | "fail" | "not_assessed" | "warn"));
    if !status_ok(need("verdict")?) {
        return Err("verdict".into());
    }
    let image = need("image")?;
    for key in ["format", "width", "height", "colour_type", "bits_per_sample", "bytes"] {
        image.get(key).ok_or(format!("image.{key} missing"))?;
    }
    need("faces")?.as_array().ok_or("faces is not an array")?;
    need("timings_ms")?.as_object().ok_or("timings_ms is not an object")?;
    let checks = need("checks")?.as_array().ok_or("checks is not an array")?;
    if checks.is_empty() {
        return Err("no checks".into());
    }
    for check in checks {
        let id = check["id"].as_str().ok_or("check id")?;
        if !ids::ALL.contains(&id) {
            return Err(format!("unknown check id {id}"));
        }
        if !status_ok(&check["status"]) {
            return Err(format!("{id}: status"));
        }
        if !(check["value"].is_number() || check["value"].is_null()) {
            return Err(format!("{id}: value must be a number or null"));
        }
        if check["status"] != "not_assessed" && !check["value"].is_number() {
            return Err(format!("{id}: an assessed check needs a value"));
        }
        check["unit"].as_str().ok_or(format!("{id}: unit"))?;
        for bound in ["min", "max"] {
            if let Some(b) = check.get(bound) {
                b.as_f64().ok_or(format!("{id}: {bound}"))?;
            }
        }
        if let Some(q) = check.get("quality")
            && q.as_u64().is_none_or(|q| q > 100)
        {
            return Err(format!("{id}: quality must be 0..100"));
        }
        if check["message"].as_str().is_none_or(str::is_empty) {
            return Err(format!("{id}: message"));
        }
    }
    Ok(())
}

#[test]
fn reports_have_the_documented_shape() {
    for (profile, name) in
        [("de-live", "frll_034_de.jpg"), ("icao", "two_people.jpg"), ("de-live", "obama_partial_face.jpg")]
    {
        let report = checker(profile).check_bytes(&fixture_bytes(name)).unwrap();
        let json: Value = serde_json::from_str(&report.to_json()).unwrap();
        validate_shape(&json).unwrap_or_else(|e| panic!("{name}: {e}\n{json:#}"));
    }
    // The validator rejects what it should.
    let report = checker("icao").check_bytes(&fixture_bytes("lisa3.jpg")).unwrap();
    let mut json: Value = serde_json::from_str(&report.to_json()).unwrap();
    json["checks"][0]["status"] = "ok".into();
    assert!(validate_shape(&json).is_err());
}

#[test]
fn reports_round_trip_through_json() {
    let report = checker("de-live").check_bytes(&fixture_bytes("frll_119_de.jpg")).unwrap();
    let back: passbild::Report = serde_json::from_str(&report.to_json()).unwrap();
    assert_eq!(back.checks.len(), report.checks.len());
    for (parsed, original) in back.checks.iter().zip(&report.checks) {
        // Bit-exact: the JSON keeps every float (serde_json's float_roundtrip).
        assert_eq!(parsed.value.map(f64::to_bits), original.value.map(f64::to_bits), "{}", original.id);
    }
    assert_eq!(back.verdict, report.verdict);
    assert_eq!(back.face.as_ref().unwrap().landmarks, report.face.as_ref().unwrap().landmarks);
}

#[test]
fn eight_threads_at_once_give_the_sequential_report() {
    let bytes = fixture_bytes("frll_034_de.jpg");
    let checker = checker("de-live");
    let sequential = without_timings(&checker.check_bytes(&bytes).unwrap());
    let parallel: Vec<_> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..8).map(|_| scope.spawn(|| checker.check_bytes(&bytes).unwrap())).collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for report in parallel {
        assert_eq!(without_timings(&report), sequential);
    }
}

#[test]
fn one_photos_stages_side_by_side_give_the_one_thread_report() {
    // With two threads a photo's independent stages run side by side (docs/performance.md).
    let build = |threads| Checker::builder().profile_name("de-live").unwrap().threads(threads).build().unwrap();
    let (one, two) = (build(1), build(2));
    for name in ["frll_034_de.jpg", "two_people.jpg"] {
        let bytes = fixture_bytes(name);
        let report = two.check_bytes(&bytes).unwrap();
        assert_eq!(without_timings(&report), without_timings(&one.check_bytes(&bytes).unwrap()), "{name}");
    }
    // A document and a live capture are analysed side by side too.
    let (document, live) = (fixture_bytes("frll_034_de.jpg"), fixture_bytes("frll_119_de.jpg"));
    assert_eq!(
        without_timings(&two.check_with_reference(&document, &live).unwrap()),
        without_timings(&one.check_with_reference(&document, &live).unwrap())
    );
}

#[test]
fn photos_checked_from_a_callers_own_pool_are_not_nested() {
    // A caller's `par_iter` over photos: a worker of that pool waiting for a check must not take
    // up the caller's next photo on its own stack meanwhile (photo within photo, deeper each time,
    // until the stack overflows).
    use rayon::prelude::*;
    use std::cell::Cell;
    use std::sync::atomic::{AtomicUsize, Ordering};
    thread_local!(static PHOTOS_ON_THIS_STACK: Cell<usize> = const { Cell::new(0) });
    let callers_pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let bytes = fixture_bytes("lisa3.jpg");
    let deepest = AtomicUsize::new(0);
    for threads in [1, 2] {
        let checker = Checker::builder().profile_name("icao").unwrap().threads(threads).build().unwrap();
        callers_pool.install(|| {
            (0..8).into_par_iter().for_each(|photo| {
                let depth = PHOTOS_ON_THIS_STACK.with(|n| n.replace(n.get() + 1)) + 1;
                deepest.fetch_max(depth, Ordering::Relaxed);
                let report = if photo % 4 == 0 {
                    checker.check_batch(std::slice::from_ref(&bytes)).remove(0)
                } else {
                    checker.check_bytes(&bytes)
                };
                assert_eq!(report.unwrap().faces.len(), 1);
                PHOTOS_ON_THIS_STACK.with(|n| n.set(n.get() - 1));
            })
        });
    }
    assert_eq!(deepest.into_inner(), 1);
}

#[test]
fn batches_keep_their_order_and_report_errors_in_place() {
    let inputs = vec![fixture_bytes("frll_034_de.jpg"), b"not a photo".to_vec(), fixture_bytes("two_people.jpg")];
    let results = checker("icao").check_batch(&inputs);
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().unwrap().faces.len(), 1);
    assert!(results[1].is_err());
    assert_eq!(results[2].as_ref().unwrap().faces.len(), 2);
}

#[test]
fn messages_come_in_english_and_german() {
    let german = Checker::builder().profile_name("icao").unwrap().language(Language::De).build().unwrap();
    let mut report = german.check_bytes(&fixture_bytes("lisa3.jpg")).unwrap();
    let roll = report.check(ids::ROLL).unwrap();
    assert_eq!(roll.status, Status::Fail);
    assert!(roll.message.contains("Kopf"), "{}", roll.message);
    assert!(roll.message_in(Language::En).contains("head"));
    report.set_language(Language::En);
    assert!(report.check(ids::ROLL).unwrap().message.contains("head"));
}

#[test]
fn a_user_profile_overrides_a_threshold() {
    let strict = passbild::Profile::from_toml(
        "base = \"de-live\"\nname = \"strict-roll\"\n[pose.roll]\nmin = -0.1\nmax = 0.1\n",
    )
    .unwrap();
    let checker = Checker::builder().profile(strict).build().unwrap();
    let report = checker.check_bytes(&fixture_bytes("frll_034_de.jpg")).unwrap();
    assert_eq!(report.profile, "strict-roll");
    assert_eq!(status(&report, ids::ROLL), Status::Fail);
    assert_eq!(status(&report, ids::YAW), Status::Pass);
}

#[test]
fn a_check_the_profile_does_not_use_is_absent() {
    let report = checker("icao").check_bytes(&fixture_bytes("frll_034_de.jpg")).unwrap();
    assert!(report.check(ids::CHIN_TO_CROWN_DE).is_none());
    assert!(
        checker("de-live")
            .check_bytes(&fixture_bytes("frll_034_de.jpg"))
            .unwrap()
            .check(ids::CHIN_TO_CROWN_DE)
            .is_some()
    );
}

#[test]
fn a_profile_that_enables_no_check_judges_nothing_and_passes_nothing() {
    let nothing = passbild::Profile::from_toml("name = \"nothing\"\n").unwrap();
    let checker = Checker::builder().profile(nothing).build().unwrap();
    let report = checker.check_bytes(&fixture_bytes("frll_034_de.jpg")).unwrap();
    assert!(report.checks.is_empty());
    assert_eq!(report.verdict, Status::NotAssessed);
}
