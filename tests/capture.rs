//! Best-capture selection over a sequence: most mandatory criteria met, then most optional, then
//! the most recent (TR-03121).

mod common;

use common::*;
use passbild::capture::best_capture;
use passbild::ids;
use passbild::{Profile, Report, Status};

fn failed(report: &Report) -> Vec<String> {
    report.checks.iter().filter(|c| c.status == Status::Fail).map(|c| c.id.clone()).collect()
}

#[test]
fn the_capture_meeting_most_criteria_wins_and_ties_go_to_the_latest() {
    let photo = fixture_image("frll_034_de.jpg");
    let good = check("de-live", &photo);
    let dark = check("de-live", &passbild::tools::edits::gamma(&photo, 3.5));
    let blurred = check("de-live", &passbild::tools::edits::gaussian_blur(&photo, 5.0));
    assert_eq!(good.verdict, Status::Pass);
    assert!(failed(&blurred).contains(&ids::SHARPNESS.to_string()), "{:?}", failed(&blurred));
    let profile = checker("de-live").profile().clone();

    assert_eq!(best_capture(&Vec::<Report>::new(), &profile), None);
    assert_eq!(best_capture(&[good.clone(), dark.clone(), blurred.clone()], &profile), Some(0));
    assert_eq!(best_capture(&[dark.clone(), good.clone(), good.clone()], &profile), Some(2));

    // When what the dark capture fails is optional, it beats the blurred one, which fails a
    // mandatory criterion, even though the blurred one is more recent.
    let mut lenient = profile.clone();
    lenient.optional = failed(&dark);
    assert!(!failed(&dark).is_empty());
    assert_eq!(best_capture(&[dark.clone(), blurred.clone()], &lenient), Some(0));
    // And a capture that fails nothing still beats both.
    assert_eq!(best_capture(&[dark, good, blurred], &lenient), Some(1));
}

#[test]
fn an_unknown_optional_check_is_refused() {
    let error = Profile::from_toml("base = \"de-live\"\noptional = [\"exposure.luminence_mean\"]\n").unwrap_err();
    assert!(error.to_string().contains("luminence"), "{error}");
    let profile = Profile::from_toml("base = \"de-live\"\noptional = [\"exposure.luminance_mean\"]\n").unwrap();
    assert_eq!(profile.optional, ["exposure.luminance_mean"]);
}
