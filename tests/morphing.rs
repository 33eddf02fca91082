//! The morph generator on two real photos: both kinds, the morph's own landmarks (found by the
//! face mesh on the morph) lie between the contributors', and the morph matches both of them.

mod common;

use common::*;
use passbild::Point;
use passbild::ids;
use passbild::tools::internals::Pyramid;
use passbild::tools::internals::{Embedding, FaceEmbedder, SAME_PERSON_DISTANCE};
use passbild::tools::morph::post::{PostProcess, apply};
use passbild::tools::morph::{BlendSpace, Contributor, Morph, MorphKind, Recipe, Seam, WarpLandmarks, morph};
use passbild::{Backend, ModelSource, Status};

/// Where the morph's landmarks sit on the way from the first contributor's to the second's: the
/// median over landmarks that differ by more than 8 px of the projection onto that segment
/// (0 = first, 1 = second).
fn position_between(morph: &Morph, found: &[Point]) -> f32 {
    let [first, second] = &morph.contributors;
    let mut positions: Vec<f32> = first
        .iter()
        .zip(second)
        .zip(found)
        .filter(|((a, b), _)| a.distance(**b) > 8.0)
        .map(|((a, b), m)| {
            let (dx, dy) = (b.x - a.x, b.y - a.y);
            ((m.x - a.x) * dx + (m.y - a.y) * dy) / (dx * dx + dy * dy)
        })
        .collect();
    assert!(positions.len() > 100, "the two faces differ at only {} landmarks", positions.len());
    positions.sort_by(f32::total_cmp);
    positions[positions.len() / 2]
}

/// FRLL 034 and 119 (both in the detector's test split) with their face mesh landmarks.
struct FixturePair {
    images: [image::RgbImage; 2],
    points: [Vec<Point>; 2],
}

impl FixturePair {
    fn load() -> FixturePair {
        let images = [fixture_image("frll_034_de.jpg"), fixture_image("frll_119_de.jpg")];
        let points = [mesh_points(&images[0]), mesh_points(&images[1])];
        FixturePair { images, points }
    }

    fn contributors(&self) -> [Contributor<'_>; 2] {
        [0, 1].map(|k| Contributor { image: &self.images[k], landmarks: &self.points[k] })
    }
}

/// The face embedding of a photo, where the pipeline finds its face.
fn embedding(embedder: &FaceEmbedder, image: &image::RgbImage) -> Embedding {
    let analysis = checker("icao").analyse_image(&image.clone().into()).unwrap();
    embedder.run(&Pyramid::new(image.clone()), &passbild::tools::internals::face(&analysis).unwrap().mesh).unwrap()
}

#[test]
fn complete_and_spliced_morphs_of_two_photos_lie_between_them() {
    let pair = FixturePair::load();
    let ([first_image, second_image], [first, second]) = (&pair.images, pair.contributors());

    let mut previous = f32::MIN;
    for blend in [0.3, 0.5, 0.7] {
        let complete = morph(first, second, Recipe::house(MorphKind::Complete, blend)).unwrap();
        let position = position_between(&complete, &mesh_points(&complete.image));
        assert!((position - blend).abs() < 0.1, "complete morph at {blend}: its landmarks sit at {position}");
        assert!(position > previous, "more of the second face moves the landmarks towards it");
        previous = position;
    }

    let spliced = morph(first, second, Recipe::house(MorphKind::Spliced, 0.5)).unwrap();
    let position = position_between(&spliced, &mesh_points(&spliced.image));
    assert!((position - 0.5).abs() < 0.1, "spliced morph: its landmarks sit at {position}");
    // Outside the face the spliced morph is the first photo (the frame's edge is not warped).
    for (x, y) in [(5, 5), (1200, 40), (20, 1580)] {
        let (m, f) = (spliced.image.get_pixel(x, y).0, first_image.get_pixel(x, y).0);
        assert!(m.iter().zip(f).all(|(a, b)| a.abs_diff(b) <= 2), "({x}, {y}): {m:?} vs {f:?}");
    }
    // What makes it an attack: both morphs match both contributors for the face embedding
    // (measured 0.26-0.37; the contributors are 0.55 apart).
    let embedder = FaceEmbedder::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    let embed = |image: &image::RgbImage| embedding(&embedder, image);
    let contributors = [embed(first_image), embed(second_image)];
    let complete = morph(first, second, Recipe::house(MorphKind::Complete, 0.5)).unwrap();
    for (kind, image) in [("complete", &complete.image), ("spliced", &spliced.image)] {
        let embedding = embed(image);
        for (who, contributor) in ["first", "second"].iter().zip(&contributors) {
            let distance = embedding.distance(contributor);
            assert!(distance < SAME_PERSON_DISTANCE, "the {kind} morph is {distance} from the {who} contributor");
        }
    }
    // A forger's post-processing keeps a face there.
    let hidden = apply(&apply(&spliced.image, PostProcess::Sharpen { amount: 0.5 }), PostProcess::Jpeg { quality: 80 });
    assert_eq!(mesh_points(&hidden).len(), 468);
}

/// Other tools' recipes (dlib-style landmarks, a pyramid seam, linear light) make morphs too: the
/// landmarks sit half-way, the frame's edge is untouched where only the face is spliced, and the
/// face still matches both contributors.
#[test]
fn every_recipe_makes_a_morph_of_both_faces() {
    let pair = FixturePair::load();
    let ([first_image, second_image], [first, second]) = (&pair.images, pair.contributors());
    let embedder = FaceEmbedder::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    let embed = |image: &image::RgbImage| embedding(&embedder, image);
    let contributors = [embed(first_image), embed(second_image)];
    let house = |kind| Recipe::house(kind, 0.5);
    for recipe in [
        Recipe { landmarks: WarpLandmarks::Dlib68, ..house(MorphKind::Complete) },
        Recipe { landmarks: WarpLandmarks::Dlib68, ..house(MorphKind::Spliced) },
        Recipe { seam: Seam::Pyramid, ..house(MorphKind::Spliced) },
        Recipe { colour: BlendSpace::Linear, ..house(MorphKind::Complete) },
    ] {
        let made = morph(first, second, recipe).unwrap();
        let position = position_between(&made, &mesh_points(&made.image));
        assert!((position - 0.5).abs() < 0.15, "{recipe:?}: its landmarks sit at {position}");
        if recipe.kind == MorphKind::Spliced {
            for (x, y) in [(5, 5), (1200, 40), (20, 1580)] {
                let (m, f) = (made.image.get_pixel(x, y).0, first_image.get_pixel(x, y).0);
                assert!(m.iter().zip(f).all(|(a, b)| a.abs_diff(b) <= 2), "{recipe:?} at ({x}, {y}): {m:?} vs {f:?}");
            }
        }
        let embedding = embed(&made.image);
        for contributor in &contributors {
            let distance = embedding.distance(contributor);
            assert!(distance < SAME_PERSON_DISTANCE, "{recipe:?}: {distance} from a contributor");
        }
    }
}

/// Both fixture photos pass `morph.single_image` under `profile`, and both kinds of morph of them
/// fail it, each as the pipeline sees it after `post`.
fn photos_pass_and_their_morphs_fail(profile: &str, post: PostProcess) {
    let pair = FixturePair::load();
    let ([first_image, second_image], [first, second]) = (&pair.images, pair.contributors());
    let checker = checker(profile);
    let single_image = |image: &image::RgbImage| {
        let report = checker.check_image(&apply(image, post).into()).unwrap();
        (status(&report, ids::MORPH_SINGLE_IMAGE), value(&report, ids::MORPH_SINGLE_IMAGE))
    };
    for (who, image) in [("first", first_image), ("second", second_image)] {
        let (status, score) = single_image(image);
        assert_eq!(status, Status::Pass, "{profile}, {post:?}: the {who} photo scores {score}");
    }
    for kind in [MorphKind::Complete, MorphKind::Spliced] {
        let made = morph(first, second, Recipe::house(kind, 0.5)).unwrap();
        let (status, score) = single_image(&made.image);
        assert_eq!(status, Status::Fail, "{profile}, {post:?}: the {kind:?} morph scores {score}");
    }
}

/// The single-image detector on photos of two people it never saw in training (FRLL 034 and 119
/// are in the test split), as the pipeline sees each after saving as JPEG 90.
#[test]
fn the_single_image_detector_passes_the_photos_and_flags_their_morphs() {
    photos_pass_and_their_morphs_fail("de-live", PostProcess::Jpeg { quality: 90 });
}

/// de-scan's photos are scans of prints, and its fail bound is set on print-scanned genuine
/// photos (pooled with the digital ones it failed a tenth of them). The print's grain is not the
/// one trained on (seed 1): the spliced morph scores 0.69 against the bound 0.624.
#[test]
fn printed_and_scanned_photos_pass_de_scan_and_their_morphs_fail_it() {
    photos_pass_and_their_morphs_fail("de-scan", PostProcess::PrintScan { seed: 11 });
}

/// A genuine photo is no more a morph for being small: the detector has been trained on photos
/// shrunk to 70-170 px between the eyes, the sizes between its sources, and passes both fixtures
/// at any of them (before that, frll_034 at 96 px scored 0.99).
#[test]
fn the_single_image_detector_passes_genuine_photos_at_every_size() {
    for name in ["frll_034_de.jpg", "frll_119_de.jpg"] {
        let photo = fixture_image(name);
        let full_size = value(&check("icao", &photo), ids::INTER_EYE_DISTANCE);
        let mut scores = Vec::new();
        for inter_eye_px in [96.0, 120.0, 150.0, 200.0, 250.0] {
            let factor = inter_eye_px / full_size as f32;
            let shrunk = apply(&apply(&photo, PostProcess::Resize { factor }), PostProcess::Jpeg { quality: 90 });
            let report = check("icao", &shrunk);
            scores.push((
                inter_eye_px,
                status(&report, ids::MORPH_SINGLE_IMAGE),
                value(&report, ids::MORPH_SINGLE_IMAGE),
            ));
        }
        println!("{name}: {scores:?}");
        assert!(scores.iter().all(|s| s.1 == Status::Pass), "{name}: {scores:?}");
    }
}
