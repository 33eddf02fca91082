//! How often `background.side_objects` finds another person standing behind the subject, with
//! every subject of a half given each of eight people of the same half (its uncropped FRLL
//! photos; on the test half the people the accuracy harness draws from) at both of its
//! placements, rather than one person each: on the calibration half, the wider set
//! `background.side_objects`' bounds were set on (docs/calibration.md). The eight people are among
//! the half's subjects, so each of them also stands behind themselves, as in the figures there.
//!     cargo run --release --features tools --example people_behind [calibration|test] [--dump IDENTITY:PERSON:SIDE]
//! Prints the photos missed, the compliant photos reading above 0, and the counts per side and
//! per person. `--dump frll/030:3:1` writes that placement and its person mask to
//! /tmp/people_behind.png and /tmp/people_behind_mask.png.

use std::path::PathBuf;

use passbild::tools::accuracy::{self, Half, half};
use passbild::tools::{edits, internals};
use passbild::{Checker, Point, Status, ids};
use rayon::prelude::*;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let wanted = if args.iter().any(|a| a == "test") { Half::Test } else { Half::Calibration };
    let dump = args.iter().position(|a| a == "--dump").and_then(|i| args.get(i + 1)).cloned();
    let datasets = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/datasets");
    let checker = Checker::builder().profile_name("de-live").unwrap().threads(2).build().unwrap();
    let subjects: Vec<_> =
        accuracy::subjects(&datasets, 1244, 1600).into_iter().filter(|s| half(&s.identity) == wanted).collect();
    let people: Vec<_> =
        accuracy::people_to_stand_behind(&checker, &datasets, wanted).into_iter().map(|(_, person)| person).collect();
    assert_eq!(people.len(), 8, "every person behind is analysed, so that each keeps its number");
    let side_objects = |report: &passbild::Report| report.check(ids::BACKGROUND_SIDE_OBJECTS).cloned();
    let rows: Vec<SubjectReadings> = subjects
        .par_iter()
        .filter_map(|s| {
            let analysis = checker.analyse_image(&s.photo.clone().into()).ok()?;
            let Some(face) = internals::face(&analysis).cloned() else {
                println!("no face: {}", s.identity);
                return None;
            };
            let mask = internals::person_mask(&analysis).clone();
            let own = side_objects(&checker.judge(&analysis, None))?.value.unwrap_or(f64::NAN);
            let subject = edits::Someone { photo: &s.photo, mask: &mask, face: &face };
            let mut placements = Vec::new();
            for (person, (photo, other_mask, other_face)) in people.iter().enumerate() {
                let other = edits::Someone { photo, mask: other_mask, face: other_face };
                for (side, (_, across, higher)) in accuracy::PEOPLE_BEHIND.iter().enumerate() {
                    let edited = accuracy::person_behind_at(&subject, &other, *across, *higher);
                    if dump.as_deref() == Some(&format!("{}:{person}:{side}", s.identity)) {
                        save_with_mask(&checker, &edited);
                    }
                    // A placement that cannot be checked counts as missed, with no value.
                    let check = checker.check_image(&edited.into()).ok().and_then(|report| side_objects(&report));
                    let value = check.as_ref().and_then(|c| c.value).unwrap_or(f64::NAN);
                    placements.push((person, side, value, check.is_some_and(|c| c.status == Status::Fail)));
                }
            }
            Some((s.identity.clone(), own, placements))
        })
        .collect();
    let mut found = [0usize; 2];
    let mut placed = [0usize; 2];
    let mut found_by_person = vec![[0usize; 2]; people.len()];
    for (identity, own, placements) in &rows {
        if *own > 0.0 {
            println!("compliant photo above 0: {identity} {own:.3}");
        }
        for &(person, side, value, caught) in placements {
            placed[side] += 1;
            if caught {
                found[side] += 1;
                found_by_person[person][side] += 1;
            } else {
                println!("missed: {identity}, person {person}, {}: {value:.3}", accuracy::PEOPLE_BEHIND[side].0);
            }
        }
    }
    println!("found at the left {} of {}, at the right {} of {}", found[0], placed[0], found[1], placed[1]);
    for (person, counts) in found_by_person.iter().enumerate() {
        println!("person {person}: left {}, right {}", counts[0], counts[1]);
    }
}

/// A subject's identity and its own reading, and per placement (person, side) the reading and
/// whether it fails.
type SubjectReadings = (String, f64, Vec<(usize, usize, f64, bool)>);

fn save_with_mask(checker: &Checker, edited: &image::RgbImage) {
    edited.save("/tmp/people_behind.png").unwrap();
    let analysis = checker.analyse_image(&edited.clone().into()).unwrap();
    let mask = internals::person_mask(&analysis);
    let picture = image::GrayImage::from_fn(edited.width(), edited.height(), |x, y| {
        image::Luma([(255.0 * mask.at(Point::new(x as f32 + 0.5, y as f32 + 0.5))) as u8])
    });
    picture.save("/tmp/people_behind_mask.png").unwrap();
}
