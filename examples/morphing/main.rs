//! Builds the morphing evaluation sets, measures the detectors on them and trains the differential
//! classifier, writing docs/morphing.md and models/differential_morph.onnx (regenerate on
//! purpose, review the diff, set the profiles' `morph.differential` and `morph.single_image`
//! bounds from the document, commit). About 40 minutes on two cores (2026-12-06):
//!     cargo run --release --example morphing [-- --out DIR]
//! With `--out DIR` it also saves every document photo of the differential set (bona fide and
//! morph) as JPEG 90 with a manifest.csv; with `--dmad FILE` the differential features and
//! embedding differences of every attempt, as CSV; with `--smad-crops FILE` the single-image
//! detector's training set (`single_image`): the face crops as bytes in FILE, what each is in FILE
//! with the extension csv (training/smad/train.py reads both) and the set's description in FILE
//! with the extension md. With `--smad-from FILE` it reads such a set back instead of building
//! anything, and rewrites only the single-image section of docs/morphing.md (about two minutes):
//! the figures of a new model or new bounds.
//!
//! The differential set: each FRLL neutral photo, cut to 35:45, is a bona fide document; the same
//! person's smiling photo (same session) is the trusted live capture. Identities are split by
//! number into train (about 60 %) and test; morph pairs stay within one split and one gender, each
//! identity with its nearest other by the dlib embedding (the dangerous pairs). Every morph is
//! attacked with the live capture of each contributor. The single-image set is in `single_image`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use image::RgbImage;
use passbild::Point;
use passbild::tools::dmad::DifferentialModel;
use passbild::tools::edits::{parse_tem, passport_crop};
use passbild::tools::internals::MorphDetector;
use passbild::tools::internals::Pyramid;
use passbild::tools::internals::{self, GEOMETRY_FEATURE_NAMES};
use passbild::tools::internals::{Embedding, FaceEmbedder};
use passbild::tools::morph::post::{PostProcess, apply};
use passbild::tools::morph::{Contributor, MorphKind, Recipe, morph};
use passbild::{Backend, Checker, ModelSource, Profile};
use rayon::prelude::*;

mod single_image;

/// How each morph variant is made. `held_out` variants are never used for training.
struct Variant {
    name: &'static str,
    recipe: Recipe,
    /// One of `POSTS`.
    post: Post,
    held_out: bool,
}

/// One morph of a variant, with what the evaluation keeps of it.
struct MadeMorph {
    file: String,
    split: &'static str,
    /// Identity distances to the first and second contributor's live captures.
    distances: [f32; 2],
    differential: Vec<DifferentialRow>,
    fold: u32,
}

/// A document photo presented with a live capture, as the differential classifier sees it.
struct DifferentialAttempt {
    variant: &'static str,
    split: &'static str,
    /// A morph presented with the live capture of its larger contributor.
    major_side: bool,
    /// The cross-validation fold: the (first) contributor's number modulo 5.
    fold: u32,
    features: [f32; internals::FEATURES],
}

fn fold_of(id: &str) -> u32 {
    id.parse::<u32>().unwrap_or(0) % 5
}

/// One differential attempt of a morph: whether the live capture is the larger contributor's, the
/// CSV row, the features.
type DifferentialRow = (bool, (String, [f32; internals::FEATURES]));

/// A named post-processing.
type Post = (&'static str, &'static [PostProcess]);

/// The post-processings of the variants, applied to bona fide photos as well in the feature file,
/// so a detector cannot learn the post-processing instead of the morph.
const POSTS: &[Post] = &[
    ("none", &[]),
    ("sharpened-jpeg75", &[PostProcess::Sharpen { amount: 0.6 }, PostProcess::Jpeg { quality: 75 }]),
    ("print-scan", &[PostProcess::PrintScan { seed: 1 }]),
];

const VARIANTS: &[Variant] = &[
    Variant { name: "complete-0.5", recipe: Recipe::house(MorphKind::Complete, 0.5), post: POSTS[0], held_out: false },
    Variant { name: "complete-0.3", recipe: Recipe::house(MorphKind::Complete, 0.3), post: POSTS[0], held_out: false },
    Variant { name: "spliced-0.5", recipe: Recipe::house(MorphKind::Spliced, 0.5), post: POSTS[0], held_out: false },
    Variant {
        name: "spliced-0.5-sharpened-jpeg75",
        recipe: Recipe::house(MorphKind::Spliced, 0.5),
        post: POSTS[1],
        held_out: false,
    },
    Variant {
        name: "spliced-0.5-print-scan",
        recipe: Recipe::house(MorphKind::Spliced, 0.5),
        post: POSTS[2],
        held_out: true,
    },
];

struct Person {
    id: String,
    gender: String,
    document: RgbImage,
    landmarks: Vec<Point>,
    document_embedding: Embedding,
    live_landmarks: Vec<Point>,
    live_embedding: Embedding,
}

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let frll = root.join("../shared/datasets/frll");
    let out_dir = std::env::args().skip_while(|a| a != "--out").nth(1).map(PathBuf::from);
    let dmad_out = std::env::args().skip_while(|a| a != "--dmad").nth(1).map(PathBuf::from);
    let crops_out = std::env::args().skip_while(|a| a != "--smad-crops").nth(1).map(PathBuf::from);
    if let Some(crops) = std::env::args().skip_while(|a| a != "--smad-from").nth(1) {
        single_image_again(&PathBuf::from(crops), &root);
        return;
    }
    let checker = Checker::builder().profile(Profile::built_in("icao").unwrap()).threads(2).build().unwrap();
    let embedder = FaceEmbedder::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    let started = std::time::Instant::now();

    let labels = std::fs::read_to_string(frll.join("labels.csv")).unwrap();
    let genders: BTreeMap<String, String> = labels
        .lines()
        .skip(1)
        .map(|line| line.split(',').collect::<Vec<_>>())
        .map(|cells| (cells[1].to_string(), cells[5].to_string()))
        .collect();
    let embed = |image: &RgbImage| -> Option<(Vec<Point>, Embedding)> {
        let analysis = checker.analyse_image(&image.clone().into()).ok()?;
        let face = internals::face(&analysis)?;
        let landmarks = face.mesh.image_points();
        Some((landmarks, embedder.run(&Pyramid::new(image.clone()), &face.mesh).ok()?))
    };
    let mut people: Vec<Person> = genders
        .par_iter()
        .filter_map(|(id, gender)| {
            let neutral = image::open(frll.join(format!("neutral_front/{id}_03.jpg"))).ok()?.to_rgb8();
            let tem = parse_tem(&std::fs::read_to_string(frll.join(format!("neutral_front/{id}_03.tem"))).ok()?)?;
            let document = passport_crop(&neutral, &tem)?;
            let smiling = image::open(frll.join(format!("smiling_front/{id}_08.jpg"))).ok()?.to_rgb8();
            let (landmarks, document_embedding) = embed(&document)?;
            let (live_landmarks, live_embedding) = embed(&smiling)?;
            Some(Person {
                id: id.clone(),
                gender: gender.clone(),
                document,
                landmarks,
                document_embedding,
                live_landmarks,
                live_embedding,
            })
        })
        .collect();
    people.sort_by(|a, b| a.id.cmp(&b.id));
    let split_of = |person: &Person| if person.id.parse::<u32>().unwrap_or(0) % 5 < 3 { "train" } else { "test" };

    // Each identity with its nearest other of the same gender and split; a pair once.
    let mut pairs: Vec<(usize, usize)> = Vec::new();
    for (i, person) in people.iter().enumerate() {
        let nearest = people
            .iter()
            .enumerate()
            .filter(|(j, other)| *j != i && other.gender == person.gender && split_of(other) == split_of(person))
            .min_by(|(_, a), (_, b)| {
                let d = |o: &Person| person.document_embedding.distance(&o.document_embedding);
                d(a).total_cmp(&d(b))
            });
        if let Some((j, _)) = nearest {
            let pair = (i.min(j), i.max(j));
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }

    // Attempts: (variant or "bona fide", split, document-vs-live distance).
    let mut attempts: Vec<(&str, &str, f32)> =
        people.iter().map(|p| ("bona fide", split_of(p), p.document_embedding.distance(&p.live_embedding))).collect();
    let mut manifest = String::from("file,split,variant,first,second\n");
    // Differential features per attempt: identity distance, then the geometry residuals.
    let dmad_row = |variant: &str,
                    split: &str,
                    pair: &str,
                    (document, document_embedding): (&[Point], &Embedding),
                    (live, live_embedding): (&[Point], &Embedding)| {
        let features = internals::features(document_embedding.distance(live_embedding), document, live)?;
        let difference = document_embedding.0.iter().zip(&live_embedding.0).map(|(d, l)| d - l);
        let values: Vec<String> = features.iter().copied().chain(difference).map(|v| v.to_string()).collect();
        Some((format!("{variant},{split},{pair},{}", values.join(",")), features))
    };
    let mut differential_attempts: Vec<DifferentialAttempt> = Vec::new();
    let mut dmad_rows: Vec<String> = Vec::new();
    for p in &people {
        let document = (p.landmarks.as_slice(), &p.document_embedding);
        if let Some((row, features)) =
            dmad_row("bona fide", split_of(p), &p.id, document, (&p.live_landmarks, &p.live_embedding))
        {
            dmad_rows.push(row);
            let attempt = DifferentialAttempt {
                variant: "bona fide",
                split: split_of(p),
                major_side: false,
                fold: fold_of(&p.id),
                features,
            };
            differential_attempts.push(attempt);
        }
    }
    let save = |name: &str, image: &RgbImage| {
        if let Some(dir) = &out_dir {
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(dir.join(name), passbild::tools::edits::jpeg_bytes(image, 90)).unwrap();
        }
    };
    for person in &people {
        let name = format!("bona_fide_{}.jpg", person.id);
        save(&name, &person.document);
        writeln!(manifest, "{name},{},bona fide,{},", split_of(person), person.id).unwrap();
    }
    for variant in VARIANTS {
        let made: Vec<MadeMorph> = pairs
            .par_iter()
            .filter_map(|&(i, j)| {
                let (a, b) = (&people[i], &people[j]);
                let first = Contributor { image: &a.document, landmarks: &a.landmarks };
                let second = Contributor { image: &b.document, landmarks: &b.landmarks };
                let made = morph(first, second, variant.recipe).ok()?.image;
                let image = variant.post.1.iter().fold(made, |image, &step| apply(&image, step));
                let name = format!("morph_{}_{}_{}", variant.name, a.id, b.id);
                save(&format!("{name}.jpg"), &image);
                let (morph_landmarks, embedding) = embed(&image)?;
                let distances = [embedding.distance(&a.live_embedding), embedding.distance(&b.live_embedding)];
                let pair = format!("{}-{}", a.id, b.id);
                // The first contributor gives 1 - blend of the morph: the larger share below 0.5.
                let rows: Vec<DifferentialRow> = [(a, true), (b, false)]
                    .iter()
                    .filter_map(|&(live, first)| {
                        let document = (morph_landmarks.as_slice(), &embedding);
                        let row = dmad_row(
                            variant.name,
                            split_of(a),
                            &pair,
                            document,
                            (&live.live_landmarks, &live.live_embedding),
                        )?;
                        Some((first == (variant.recipe.blend < 0.5), row))
                    })
                    .collect();
                Some(MadeMorph {
                    file: format!("{name}.jpg"),
                    split: split_of(a),
                    distances,
                    differential: rows,
                    fold: fold_of(&a.id),
                })
            })
            .collect();
        for MadeMorph { file: name, split, distances, differential: rows, fold } in made {
            for (major_side, (row, features)) in rows {
                dmad_rows.push(row);
                let attempt = DifferentialAttempt { variant: variant.name, split, major_side, fold, features };
                differential_attempts.push(attempt);
            }
            writeln!(manifest, "{name},{split},{},,", variant.name).unwrap();
            attempts.extend(distances.map(|d| (variant.name, split, d)));
        }
    }
    if let Some(dir) = &out_dir {
        std::fs::write(dir.join("manifest.csv"), manifest).unwrap();
    }
    if let Some(path) = &dmad_out {
        let geometry = GEOMETRY_FEATURE_NAMES.map(|n| n.replace(' ', "_")).join(",");
        let difference: Vec<String> = (0..128).map(|k| format!("e{k}")).collect();
        let header = format!("{geometry},{}", difference.join(","));
        std::fs::write(path, format!("variant,split,pair,distance,{header}\n{}\n", dmad_rows.join("\n"))).unwrap();
    }

    let mut doc = String::new();
    writeln!(doc, "# Morphing attack detection: measured figures\n").unwrap();
    writeln!(
        doc,
        "Generated by `cargo run --release --example morphing` ({:.0} s); regenerate on purpose.\n",
        started.elapsed().as_secs_f64()
    )
    .unwrap();
    let count = |split: &str| people.iter().filter(|p| split_of(p) == split).count();
    let pair_count = |split: &str| pairs.iter().filter(|(i, _)| split_of(&people[*i]) == split).count();
    writeln!(
        doc,
        "Data: FRLL, {} identities ({} train, {} test), the neutral photo cut to 35:45 as the document and \
         the smiling photo of the same session as the live capture. {} morph pairs ({} train, {} test), \
         same gender, each identity with its nearest other by embedding. Each morph is presented with the \
         live capture of each of its two contributors, so a variant has two attempts per pair.\n",
        people.len(),
        count("train"),
        count("test"),
        pairs.len(),
        pair_count("train"),
        pair_count("test")
    )
    .unwrap();
    writeln!(doc, "## Differential baseline: identity distance only (test split)\n").unwrap();
    writeln!(
        doc,
        "The score is the dlib embedding distance between document and live capture; no training. A \
         morph sits further from each contributor than the contributor's own photo does. The thresholds \
         for BSCER 1 % and 10 % are set on the train split's bona fide attempts (48: 1 % is their \
         largest distance) and applied to the test split; the test BSCER they give is in the first \
         row. The D-EER is computed on the test split alone.\n"
    )
    .unwrap();
    let bona_fide: Vec<f32> =
        attempts.iter().filter(|(v, s, _)| *v == "bona fide" && *s == "test").map(|a| a.2).collect();
    let train_bona_fide: Vec<f32> =
        attempts.iter().filter(|(v, s, _)| *v == "bona fide" && *s == "train").map(|a| a.2).collect();
    let at_bscer = |rate: f64| quantile(&train_bona_fide, 1.0 - rate);
    let rows: Vec<(String, bool, Vec<f32>)> = VARIANTS
        .iter()
        .map(|variant| {
            let scores = attempts.iter().filter(|(v, s, _)| *v == variant.name && *s == "test").map(|a| a.2).collect();
            (variant.name.to_string(), variant.held_out, scores)
        })
        .collect();
    rates_table(&mut doc, &bona_fide, (at_bscer(0.01), at_bscer(0.10)), &rows);
    writeln!(
        doc,
        "\nThresholds from the train split: {:.3} for BSCER 1 %, {:.3} for BSCER 10 %. Until \
         2026-11-24 `morph.differential` reported this distance, bounded at the first.",
        at_bscer(0.01),
        at_bscer(0.10)
    )
    .unwrap();
    let range = |variant: &str, split: &str| {
        let scores: Vec<f32> = attempts.iter().filter(|(v, s, _)| *v == variant && *s == split).map(|a| a.2).collect();
        format!("{:.2}-{:.2}", quantile(&scores, 0.0), quantile(&scores, 1.0))
    };
    writeln!(
        doc,
        "Distances on the test split: bona fide {}, complete-0.5 morphs {}, complete-0.3 morphs {}.",
        range("bona fide", "test"),
        range("complete-0.5", "test"),
        range("complete-0.3", "test")
    )
    .unwrap();
    differential_classifier(&mut doc, &differential_attempts, &root);
    let (samples, description) = single_image::build(&checker, &embedder, &root.join("../shared/datasets"));
    if let Some(path) = &crops_out {
        single_image::write_crops(&samples, &description, path);
    }
    let detector = MorphDetector::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    single_image::evaluate(&mut doc, &samples, &description, &detector);
    std::fs::write(root.join("docs/morphing.md"), doc).unwrap();
}

/// Scores a saved single-image set with the embedded detector and replaces the document's
/// single-image section, which runs to its end.
fn single_image_again(crops: &Path, root: &Path) {
    let (samples, description) = single_image::read_crops(crops);
    let detector = MorphDetector::load(&ModelSource::Embedded, &Backend::Tract).unwrap();
    let path = root.join("docs/morphing.md");
    let document = std::fs::read_to_string(&path).unwrap();
    let start = document.find(single_image::SECTION).expect("docs/morphing.md has the single-image section");
    let mut doc = document[..start].trim_end().to_string();
    doc.push('\n');
    single_image::evaluate(&mut doc, &samples, &description, &detector);
    std::fs::write(path, doc).unwrap();
}

/// Trains the shipped differential classifier on the train split's bona fide attempts and seen
/// variants, writes it to models/differential_morph.onnx, and its test figures to the document.
fn differential_classifier(doc: &mut String, attempts: &[DifferentialAttempt], root: &Path) {
    let fit = |training: &[&DifferentialAttempt]| {
        let samples: Vec<_> = training.iter().map(|a| a.features).collect();
        let is_morph: Vec<bool> = training.iter().map(|a| a.variant != "bona fide").collect();
        DifferentialModel::fit(&samples, &is_morph, L2).expect("both classes in training")
    };
    let held_out = |variant: &str| VARIANTS.iter().any(|v| v.name == variant && v.held_out);
    let training: Vec<_> = attempts.iter().filter(|a| a.split == "train" && !held_out(a.variant)).collect();
    let is_morph: Vec<bool> = training.iter().map(|a| a.variant != "bona fide").collect();
    let model = fit(&training);
    let scores = |variant: &str, split: &str, side: Option<bool>| -> Vec<f32> {
        attempts
            .iter()
            .filter(|a| a.variant == variant && a.split == split && side.is_none_or(|major| a.major_side == major))
            .map(|a| model.score(&a.features) as f32)
            .collect()
    };
    let train_bona_fide = scores("bona fide", "train", None);
    let test_bona_fide = scores("bona fide", "test", None);
    let (at_1, at_10) = (quantile(&train_bona_fide, 0.99), quantile(&train_bona_fide, 0.90));
    writeln!(doc, "\n## Differential classifier: identity distance and face geometry (shipped, test split)\n").unwrap();
    writeln!(
        doc,
        "`morph.differential` reports this score (0..1). Features: the identity distance and the \
         geometry residuals of the document's landmarks against the live capture's after a similarity \
         fit, per region ({}; in inter-eye distances; mouth and jaw left out, as the live capture \
         smiles), as logarithms, standardised. A logistic regression (L2 {L2}, classes weighted \
         equally), fitted by Newton's method on the train split's {} bona fide and {} morph attempts \
         of the seen variants. Thresholds from the train split's bona fide scores: {at_1:.3} for BSCER \
         1 % (the profiles' `morph.differential` bound, rounded up), {at_10:.3} for BSCER 10 %.\n",
        GEOMETRY_FEATURE_NAMES.join(", "),
        is_morph.iter().filter(|&&m| !m).count(),
        is_morph.iter().filter(|&&m| m).count(),
    )
    .unwrap();
    let mut rows = Vec::new();
    for variant in VARIANTS {
        rows.push((variant.name.to_string(), variant.held_out, scores(variant.name, "test", None)));
        if variant.recipe.blend < 0.5 {
            for (major, share) in [(true, 1.0 - variant.recipe.blend), (false, variant.recipe.blend)] {
                let label = format!("{}, live capture of the {:.0} % contributor", variant.name, 100.0 * share);
                rows.push((label, variant.held_out, scores(variant.name, "test", Some(major))));
            }
        }
    }
    rates_table(doc, &test_bona_fide, (at_1, at_10), &rows);
    cross_validation(doc, attempts, fit);
    let doc = "passbild's differential morph detector: a logistic regression on the logarithms of the \
               identity distance and the eyes, nose, brows and upper-outline residuals, standardised; \
               trained by examples/morphing on the FRLL train split (docs/morphing.md)";
    std::fs::write(root.join("models/differential_morph.onnx"), model.to_onnx(doc)).unwrap();
}

/// 5-fold cross-validation over all identities: the classifier against the identity distance
/// alone, out-of-fold scores pooled, at the same pooled BSCER. The fixed split has only 29 test
/// bona fide attempts, where one attempt is 3.4 %.
fn cross_validation(
    doc: &mut String,
    attempts: &[DifferentialAttempt],
    fit: impl Fn(&[&DifferentialAttempt]) -> DifferentialModel,
) {
    let held_out = |variant: &str| VARIANTS.iter().any(|v| v.name == variant && v.held_out);
    // (variant, classifier score, identity distance), each attempt scored by the model of the
    // folds it is not in.
    let mut pooled: Vec<(&str, f32, f32)> = Vec::new();
    for fold in 0..5 {
        let training: Vec<_> = attempts.iter().filter(|a| a.fold != fold && !held_out(a.variant)).collect();
        let model = fit(&training);
        pooled.extend(
            attempts
                .iter()
                .filter(|a| a.fold == fold)
                .map(|a| (a.variant, model.score(&a.features) as f32, a.features[0])),
        );
    }
    let bona_fide = |pick: fn(&(&str, f32, f32)) -> f32| -> Vec<f32> {
        pooled.iter().filter(|p| p.0 == "bona fide").map(pick).collect()
    };
    let (classifier_bona_fide, distance_bona_fide) = (bona_fide(|p| p.1), bona_fide(|p| p.2));
    let flagged_counts = [1usize, 2, 4, 8];
    writeln!(
        doc,
        "\nFive-fold cross-validation over all {} identities (folds by identity number; morphs go with \
         their first contributor; out-of-fold scores pooled). APCER when the threshold flags the given \
         number of bona fide attempts, for the identity distance alone / the classifier:\n",
        classifier_bona_fide.len()
    )
    .unwrap();
    let header: Vec<String> = flagged_counts
        .iter()
        .map(|&n| format!("BSCER {:.1} % ({n})", 100.0 * n as f64 / classifier_bona_fide.len() as f64))
        .collect();
    writeln!(doc, "| variant | attempts | {} |", header.join(" | ")).unwrap();
    writeln!(doc, "|---|---|{}", "---|".repeat(flagged_counts.len())).unwrap();
    for variant in VARIANTS {
        let morphs: Vec<&(&str, f32, f32)> = pooled.iter().filter(|p| p.0 == variant.name).collect();
        let missed = |bona_fide: &[f32], flagged: usize, pick: fn(&(&str, f32, f32)) -> f32| {
            let mut sorted = bona_fide.to_vec();
            sorted.sort_by(f32::total_cmp);
            let threshold = sorted[sorted.len() - 1 - flagged];
            100.0 * morphs.iter().filter(|p| pick(p) <= threshold).count() as f64 / morphs.len().max(1) as f64
        };
        let cells: Vec<String> = flagged_counts
            .iter()
            .map(|&n| {
                format!(
                    "{:.1} / {:.1} %",
                    missed(&distance_bona_fide, n, |p| p.2),
                    missed(&classifier_bona_fide, n, |p| p.1)
                )
            })
            .collect();
        writeln!(doc, "| {} | {} | {} |", variant.name, morphs.len(), cells.join(" | ")).unwrap();
    }
}

/// The L2 penalty of the differential classifier: light, the features are few and standardised.
const L2: f64 = 0.1;

/// The table of one detector on the test split: BSCER of the test bona fide attempts, then per row
/// of morph scores APCER at the two thresholds (BSCER 1 % and 10 % on the train split) and D-EER.
/// Scores above a threshold are flagged as morphs.
fn rates_table(doc: &mut String, bona_fide: &[f32], (at_1, at_10): (f32, f32), rows: &[(String, bool, Vec<f32>)]) {
    let percent = |scores: &[f32], flagged: bool, threshold: f32| {
        100.0 * scores.iter().filter(|&&s| (s > threshold) == flagged).count() as f64 / scores.len().max(1) as f64
    };
    writeln!(doc, "| variant | seen in training | attempts | APCER at BSCER 1 % | APCER at BSCER 10 % | D-EER |")
        .unwrap();
    writeln!(doc, "|---|---|---|---|---|---|").unwrap();
    writeln!(
        doc,
        "| bona fide (BSCER on test) | | {} | {:.1} % | {:.1} % | |",
        bona_fide.len(),
        percent(bona_fide, true, at_1),
        percent(bona_fide, true, at_10)
    )
    .unwrap();
    for (label, held_out, morphs) in rows {
        writeln!(
            doc,
            "| {label} | {} | {} | {:.1} % | {:.1} % | {:.1} % |",
            if *held_out { "no" } else { "yes" },
            morphs.len(),
            percent(morphs, false, at_1),
            percent(morphs, false, at_10),
            equal_error_rate(bona_fide, morphs)
        )
        .unwrap();
    }
}

/// The value a share `q` (0..1) of the way up `values` sorted: the one at rank q (n - 1), rounded.
fn quantile(values: &[f32], q: f64) -> f32 {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

/// The rate at which bona fide attempts flagged (score above the threshold) equals morphs missed
/// (score at or below it), in per cent, over every threshold the scores offer.
fn equal_error_rate(bona_fide: &[f32], morphs: &[f32]) -> f64 {
    let mut best = (f64::MAX, 0.0);
    for &threshold in bona_fide.iter().chain(morphs) {
        let bscer = bona_fide.iter().filter(|&&s| s > threshold).count() as f64 / bona_fide.len().max(1) as f64;
        let apcer = morphs.iter().filter(|&&s| s <= threshold).count() as f64 / morphs.len().max(1) as f64;
        if (bscer - apcer).abs() < best.0 {
            best = ((bscer - apcer).abs(), 50.0 * (bscer + apcer));
        }
    }
    best.1
}
