//! The single-image detector's data and evaluation. Bona fide documents from three sources (FRLL
//! neutral and smiling, cut to 35:45; the Canada set; the congress portraits), morphs made from
//! pairs within one source, one expression and one split. Every photo, bona fide or morph, gets
//! each variant's post-processing and then JPEG 90, so the detector cannot score the
//! post-processing instead of the morph. The detector trains on this project's recipes under
//! every post-processing, genuine photos and morphs alike; other tools' recipes, and genuine
//! photos from a camera it never saw, are held out to measure what it has not learnt. Identities
//! are split train / validation / test by a
//! fold of their number (3 / 1 / 1 of 5): the network trains on train, the shipped thresholds are
//! set on the validation bona fide photos, the figures are measured on test.

use std::fmt::Write as _;
use std::path::Path;

use image::RgbImage;
use passbild::Checker;
use passbild::Point;
use passbild::Profile;
use passbild::tools::edits::{parse_tem, passport_crop};
use passbild::tools::internals::Pyramid;
use passbild::tools::internals::eye_corner_centres;
use passbild::tools::internals::{CROP_PX, MorphDetector, face_crops};
use passbild::tools::internals::{Embedding, FaceEmbedder};
use passbild::tools::morph::post::{PostProcess, apply};
use passbild::tools::morph::{BlendSpace, Contributor, MorphKind, Recipe, Seam, WarpLandmarks, morph};
use rayon::prelude::*;

use crate::{POSTS, Post, VARIANTS, Variant, equal_error_rate, quantile};

/// A studio enlarging a smaller photo to the German 1244 x 1600 (as the two FRLL fixtures were):
/// only in this set, so that the smoothness of an enlargement is not read as a blend.
const ENLARGED: Post = ("enlarged-1.8", &[PostProcess::Resize { factor: 1.8 }]);
const ENLARGED_VARIANT: Variant = Variant {
    name: "spliced-0.5-enlarged-1.8",
    recipe: Recipe::house(MorphKind::Spliced, 0.5),
    post: ENLARGED,
    held_out: false,
};

/// A photo shrunk so that its eyes are `REDUCED_INTER_EYE_PX` apart (a point of that range drawn
/// from its name): the sizes between congress (about 45 px) and FRLL (190-360 px), where the
/// detector otherwise sees no photo and reads the softness of an enlargement as a blend. The
/// resize is per photo, so its steps are empty here (`reduction`).
const REDUCED: Post = ("reduced", &[]);
const REDUCED_INTER_EYE_PX: (f32, f32) = (70.0, 170.0);
const REDUCED_VARIANTS: [Variant; 2] = [
    Variant {
        name: "complete-0.5-reduced",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: REDUCED,
        held_out: false,
    },
    Variant {
        name: "spliced-0.5-reduced",
        recipe: Recipe::house(MorphKind::Spliced, 0.5),
        post: REDUCED,
        held_out: false,
    },
];

/// What a studio or a forger may do to a photo: retouching (a softened skin, sharpened again,
/// grain added back) and a photo shrunk for an upload, compressed, and enlarged again. Trained on,
/// under genuine photos and morphs alike.
const RETOUCHED: Post = (
    "retouched",
    &[
        PostProcess::Blur { sigma: 1.2 },
        PostProcess::Sharpen { amount: 0.8 },
        PostProcess::Grain { sigma: 3.0, seed: 5 },
    ],
);
const RECOMPRESSED: Post = (
    "halved-jpeg80-doubled",
    &[PostProcess::Resize { factor: 0.5 }, PostProcess::Jpeg { quality: 80 }, PostProcess::Resize { factor: 2.0 }],
);

/// A camera the detector has never seen: a phone's noise reduction, its strong sharpening and a
/// JPEG of quality 60. Only genuine photos get it, none is trained on: it measures whether the
/// shipped bound flags genuine photos from an unknown camera.
const PHONE: Post = (
    "phone-denoised-sharpened-jpeg60",
    &[PostProcess::Blur { sigma: 0.7 }, PostProcess::Sharpen { amount: 1.5 }, PostProcess::Jpeg { quality: 60 }],
);
const UNSEEN_POSTS: [Post; 1] = [PHONE];

/// The house recipes under those post-processings, trained on. Each post-processing is on both
/// kinds of morph: leaving one recipe out (training/smad/leave_one_out.py) then still trains on
/// its post-processing on morphs, not on genuine photos alone, which would teach that the
/// post-processing means bona fide.
const POST_PROCESSED: [Variant; 7] = [
    Variant {
        name: "spliced-0.7-retouched",
        recipe: Recipe::house(MorphKind::Spliced, 0.7),
        post: RETOUCHED,
        held_out: false,
    },
    Variant {
        name: "complete-0.5-halved-jpeg80-doubled",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: RECOMPRESSED,
        held_out: false,
    },
    Variant {
        name: "complete-0.5-retouched",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: RETOUCHED,
        held_out: false,
    },
    Variant {
        name: "spliced-0.5-halved-jpeg80-doubled",
        recipe: Recipe::house(MorphKind::Spliced, 0.5),
        post: RECOMPRESSED,
        held_out: false,
    },
    Variant {
        name: "complete-0.5-sharpened-jpeg75",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: POSTS[1],
        held_out: false,
    },
    Variant {
        name: "complete-0.5-print-scan",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: POSTS[2],
        held_out: false,
    },
    Variant {
        name: "complete-0.5-enlarged-1.8",
        recipe: Recipe::house(MorphKind::Complete, 0.5),
        post: ENLARGED,
        held_out: false,
    },
];

/// Morphs made as other tools make them, never trained on: the sparse landmarks and triangles of
/// dlib-style tools, a Laplacian pyramid seam, textures averaged in linear light.
const OTHER_TOOLS: [Variant; 4] = [
    Variant {
        name: "dlib68-complete-0.5",
        recipe: Recipe { landmarks: WarpLandmarks::Dlib68, ..Recipe::house(MorphKind::Complete, 0.5) },
        post: POSTS[0],
        held_out: true,
    },
    Variant {
        name: "dlib68-spliced-0.5",
        recipe: Recipe { landmarks: WarpLandmarks::Dlib68, ..Recipe::house(MorphKind::Spliced, 0.5) },
        post: POSTS[0],
        held_out: true,
    },
    Variant {
        name: "pyramid-spliced-0.5",
        recipe: Recipe { seam: Seam::Pyramid, ..Recipe::house(MorphKind::Spliced, 0.5) },
        post: POSTS[0],
        held_out: true,
    },
    Variant {
        name: "linear-complete-0.5",
        recipe: Recipe { colour: BlendSpace::Linear, ..Recipe::house(MorphKind::Complete, 0.5) },
        post: POSTS[0],
        held_out: true,
    },
];

fn posts() -> impl Iterator<Item = Post> {
    POSTS.iter().copied().chain([ENLARGED, REDUCED, RETOUCHED, RECOMPRESSED]).chain(UNSEEN_POSTS)
}

fn unseen_post(post: &str) -> bool {
    UNSEEN_POSTS.iter().any(|p| p.0 == post)
}

fn variants() -> impl Iterator<Item = &'static Variant> {
    VARIANTS.iter().chain([&ENLARGED_VARIANT]).chain(&REDUCED_VARIANTS).chain(&POST_PROCESSED).chain(&OTHER_TOOLS)
}

/// Whether the single-image detector trains on `variant`: on every house recipe under every
/// post-processing (the differential detector's held-out print-scan included), not on other
/// tools' recipes, which measure tools it never saw.
fn trained_on(variant: &Variant) -> bool {
    !OTHER_TOOLS.iter().any(|v| v.name == variant.name)
}

/// The scale factor of `REDUCED` for the photo `name` with these landmarks; None where its eyes
/// are already too close together to shrink it into the range.
fn reduction(name: &str, landmarks: &[Point]) -> Option<f32> {
    let [right, left] = eye_corner_centres(|i| landmarks[i]);
    let inter_eye_px = right.distance(left);
    // FNV-1a: the same draw on every machine and toolchain.
    let hash = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
    let (low, high) = REDUCED_INTER_EYE_PX;
    let target_px = low + (high - low) * (hash % 1000) as f32 / 1000.0;
    (inter_eye_px > high * 1.1).then(|| target_px / inter_eye_px)
}

/// How many nearest others each photo is morphed with.
const NEAREST: usize = 2;

/// Reads a listed photo, cut as a document.
type Reader = Box<dyn Fn() -> Option<RgbImage> + Send + Sync>;

/// A bona fide document photo as listed by its source, before it is read.
struct Listed {
    source: &'static str,
    group: String,
    id: String,
    gender: Option<String>,
    fold: usize,
}

/// A bona fide document photo, as found.
struct Photo {
    source: &'static str,
    /// The source and expression: morph pairs stay within one group.
    group: String,
    id: String,
    gender: Option<String>,
    fold: usize,
    image: RgbImage,
    landmarks: Vec<Point>,
    embedding: Embedding,
}

/// One photo of the set as the detector sees it.
pub struct Sample {
    name: String,
    source: &'static str,
    split: &'static str,
    variant: &'static str,
    post: &'static str,
    held_out: bool,
    /// As the pipeline measures it on the saved photo: a profile's size rule admits the photo or
    /// not.
    inter_eye_px: f32,
    /// RGB bytes, as the network trains on them.
    crop: Vec<u8>,
}

fn split_of(fold: usize) -> &'static str {
    match fold % 5 {
        0..=2 => "train",
        3 => "validation",
        _ => "test",
    }
}

fn digits(id: &str) -> usize {
    id.chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap_or(0)
}

/// The bona fide documents of the three sources, each with its mesh and embedding.
fn photos(checker: &Checker, embedder: &FaceEmbedder, datasets: &Path) -> Vec<Photo> {
    let frll = datasets.join("frll");
    let frll_labels = std::fs::read_to_string(frll.join("labels.csv")).unwrap();
    let canada = datasets.join("webmorph_canada");
    let canada_info = std::fs::read_to_string(canada.join("canada_info.csv")).unwrap();
    let mut found: Vec<(Listed, Reader)> = Vec::new();
    // One row per photo: the neutral row stands for the person.
    let frll_people = frll_labels.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
    for cells in frll_people.filter(|cells| cells[2] == "neutral") {
        let (id, gender) = (cells[1].clone(), cells[5].clone());
        for (expression, file) in
            [("neutral", format!("neutral_front/{id}_03.jpg")), ("smiling", format!("smiling_front/{id}_08.jpg"))]
        {
            let (frll, tem_id) = (frll.clone(), id.clone());
            let load = move || {
                let tem =
                    parse_tem(&std::fs::read_to_string(frll.join(format!("neutral_front/{tem_id}_03.tem"))).ok()?)?;
                passport_crop(&image::open(frll.join(&file)).ok()?.to_rgb8(), &tem)
            };
            let listed = Listed {
                source: "FRLL",
                group: format!("FRLL {expression}"),
                id: format!("{id}_{expression}"),
                gender: Some(gender.clone()),
                fold: digits(&id),
            };
            found.push((listed, Box::new(load)));
        }
    }
    for cells in canada_info.lines().skip(1).map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>()) {
        let path = canada.join(format!("{}.jpg", cells[0]));
        let load = move || Some(image::open(&path).ok()?.to_rgb8());
        let listed = Listed {
            source: "Canada",
            group: "Canada".into(),
            id: cells[0].clone(),
            gender: Some(cells[2].clone()),
            fold: digits(&cells[0]),
        };
        found.push((listed, Box::new(load)));
    }
    let mut congress: Vec<_> =
        std::fs::read_dir(datasets.join("congress")).unwrap().map(|e| e.unwrap().path()).collect();
    congress.sort();
    for (index, path) in congress.into_iter().enumerate() {
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        let load = move || Some(image::open(&path).ok()?.to_rgb8());
        found.push((
            Listed { source: "congress", group: "congress".into(), id, gender: None, fold: index },
            Box::new(load),
        ));
    }
    found
        .into_par_iter()
        .filter_map(|(Listed { source, group, id, gender, fold }, load)| {
            let image = load()?;
            let analysis = checker.analyse_image(&image.clone().into()).ok()?;
            let face = passbild::tools::internals::face(&analysis)?;
            let embedding = embedder.run(&Pyramid::new(image.clone()), &face.mesh).ok()?;
            Some(Photo { source, group, id, gender, fold, landmarks: face.mesh.image_points(), embedding, image })
        })
        .collect()
}

/// Each photo with its `NEAREST` nearest others by embedding in its group and split, of the same
/// gender where it is known; a pair once.
fn pairs(photos: &[Photo]) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    for (i, photo) in photos.iter().enumerate() {
        let mut others: Vec<(f32, usize)> = photos
            .iter()
            .enumerate()
            .filter(|(j, o)| {
                *j != i
                    && o.group == photo.group
                    && split_of(o.fold) == split_of(photo.fold)
                    && o.gender == photo.gender
            })
            .map(|(j, o)| (photo.embedding.distance(&o.embedding), j))
            .collect();
        others.sort_by(|a, b| a.0.total_cmp(&b.0));
        for &(_, j) in others.iter().take(NEAREST) {
            let pair = (i.min(j), i.max(j));
            if !pairs.contains(&pair) {
                pairs.push(pair);
            }
        }
    }
    pairs
}

/// Builds the set: every bona fide photo under every post-processing, every morph variant of
/// every pair; each saved as JPEG 90 and cropped where the pipeline finds the face.
pub fn build(checker: &Checker, embedder: &FaceEmbedder, datasets: &Path) -> (Vec<Sample>, String) {
    let photos = photos(checker, embedder, datasets);
    let pairs = pairs(&photos);
    let sample = |name: String,
                  fold: usize,
                  source,
                  variant,
                  (post, steps): Post,
                  held_out,
                  image: RgbImage,
                  landmarks: &[Point]| {
        let image = if post == REDUCED.0 {
            apply(&image, PostProcess::Resize { factor: reduction(&name, landmarks)? })
        } else {
            image
        };
        let image = steps.iter().fold(image, |image, &step| apply(&image, step));
        let saved = apply(&image, PostProcess::Jpeg { quality: 90 });
        let analysis = checker.analyse_image(&saved.clone().into()).ok()?;
        let face = passbild::tools::internals::face(&analysis)?;
        let crop = face_crops(&Pyramid::new(saved), &face.mesh)
            .into_iter()
            .map(|v| (v * 255.0).round().clamp(0.0, 255.0) as u8)
            .collect();
        let inter_eye_px = face.head.inter_eye_distance_px();
        Some(Sample { name, source, split: split_of(fold), variant, post, held_out, inter_eye_px, crop })
    };
    let bona_fide: Vec<(&Photo, Post)> = photos.iter().flat_map(|p| posts().map(move |post| (p, post))).collect();
    let mut samples: Vec<Sample> = bona_fide
        .par_iter()
        .filter_map(|&(p, post)| {
            sample(
                format!("bona_fide_{}_{}", p.id, post.0),
                p.fold,
                p.source,
                "bona fide",
                post,
                unseen_post(post.0),
                p.image.clone(),
                &p.landmarks,
            )
        })
        .collect();
    let morphs: Vec<_> = variants().flat_map(|v| pairs.iter().map(move |&pair| (v, pair))).collect();
    samples.par_extend(morphs.par_iter().filter_map(|&(variant, (i, j))| {
        let (a, b) = (&photos[i], &photos[j]);
        let first = Contributor { image: &a.image, landmarks: &a.landmarks };
        let second = Contributor { image: &b.image, landmarks: &b.landmarks };
        let made = morph(first, second, variant.recipe).ok()?;
        let name = format!("morph_{}_{}_{}", variant.name, a.id, b.id);
        sample(name, a.fold, a.source, variant.name, variant.post, !trained_on(variant), made.image, &made.landmarks)
    }));
    let count =
        |source: &str, split: &str| photos.iter().filter(|p| p.source == source && split_of(p.fold) == split).count();
    let pair_count = |split: &str| pairs.iter().filter(|(i, _)| split_of(photos[*i].fold) == split).count();
    let mut description = String::from("| source | train | validation | test |\n|---|---|---|---|\n");
    for source in ["FRLL", "Canada", "congress"] {
        let [train, validation, test] = ["train", "validation", "test"].map(|s| count(source, s));
        writeln!(description, "| {source} bona fide photos | {train} | {validation} | {test} |").unwrap();
    }
    let [train, validation, test] = ["train", "validation", "test"].map(pair_count);
    writeln!(description, "| morph pairs | {train} | {validation} | {test} |").unwrap();
    (samples, description)
}

/// Writes the crops as bytes (n x 384 x 192 x 3, RGB), a CSV of what each is, for training, and
/// the set's description beside them.
pub fn write_crops(samples: &[Sample], description: &str, path: &Path) {
    let mut bytes = Vec::with_capacity(samples.len() * 2 * CROP_PX * CROP_PX * 3);
    let mut csv = String::from("index,name,source,split,variant,post,held_out,inter_eye_px,morph\n");
    for (index, s) in samples.iter().enumerate() {
        bytes.extend(&s.crop);
        let morph = u8::from(s.variant != "bona fide");
        writeln!(
            csv,
            "{index},{},{},{},{},{},{},{:.1},{morph}",
            s.name, s.source, s.split, s.variant, s.post, s.held_out, s.inter_eye_px
        )
        .unwrap();
    }
    std::fs::write(path, bytes).unwrap();
    std::fs::write(path.with_extension("csv"), csv).unwrap();
    std::fs::write(path.with_extension("md"), description).unwrap();
}

/// The set `write_crops` wrote, with its description: the figures again without rebuilding it.
pub fn read_crops(path: &Path) -> (Vec<Sample>, String) {
    let bytes = std::fs::read(path).unwrap();
    let csv = std::fs::read_to_string(path.with_extension("csv")).unwrap();
    let description = std::fs::read_to_string(path.with_extension("md")).unwrap();
    let names: Vec<&'static str> = ["FRLL", "Canada", "congress", "train", "validation", "test", "bona fide"]
        .into_iter()
        .chain(variants().map(|v| v.name))
        .chain(posts().map(|p| p.0))
        .collect();
    let known = |name: &str| *names.iter().find(|n| **n == name).unwrap_or_else(|| panic!("{name} is not in this set"));
    let crop_bytes = 2 * CROP_PX * CROP_PX * 3;
    let samples = csv
        .lines()
        .skip(1)
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            let index: usize = cells[0].parse().unwrap();
            Sample {
                name: cells[1].to_string(),
                source: known(cells[2]),
                split: known(cells[3]),
                variant: known(cells[4]),
                post: known(cells[5]),
                held_out: cells[6] == "true",
                inter_eye_px: cells[7].parse().unwrap(),
                crop: bytes[index * crop_bytes..(index + 1) * crop_bytes].to_vec(),
            }
        })
        .collect();
    (samples, description)
}

/// The heading of the section `evaluate` writes.
pub const SECTION: &str = "## Single-image detection (shipped, `morph.single_image`)";

/// The profiles whose `morph.single_image` bounds the evaluation sets, each with the
/// post-processings every one of its genuine photos has been through: de-scan's photos are
/// scans of prints, so its fail bound must hold for print-scanned genuine photos on their own,
/// not only pooled with the many digital ones.
const PROFILES: [(&str, Option<&str>); 3] = [("icao", None), ("de-live", None), ("de-scan", Some("print-scan"))];

/// The fewest pixels between the eyes `profile` does not reject: a smaller photo fails
/// `geometry.inter_eye_distance` whatever its morph score, so its score sets no bound.
fn minimum_inter_eye_px(profile: &str) -> f32 {
    let profile = Profile::built_in(profile).expect("a built-in profile");
    let rule = profile.geometry.inter_eye_distance.as_ref().filter(|rule| rule.enabled);
    rule.and_then(|rule| rule.reject_min.or(rule.min)).unwrap_or(0.0) as f32
}

/// The share of `scores` on the flagged side of `threshold` (above it) or on the missed side, in
/// per cent.
fn percent(scores: &[f32], flagged: bool, threshold: f32) -> f64 {
    100.0 * scores.iter().filter(|&&s| (s > threshold) == flagged).count() as f64 / scores.len().max(1) as f64
}

/// A profile's operating point: where `warn` starts (its `max`) and where `fail` does
/// (`reject_max`).
struct Bounds {
    warn: f32,
    fail: f32,
}

/// Scores the validation and test photos with the embedded detector and writes the section: each
/// profile's bounds from the validation genuine photos its size rule admits, and the test
/// figures at them.
pub fn evaluate(doc: &mut String, samples: &[Sample], description: &str, detector: &MorphDetector) {
    let scored: Vec<(&Sample, f32)> = samples
        .par_iter()
        .filter(|s| s.split != "train")
        .map(|s| {
            let crop = s.crop.iter().map(|&v| f32::from(v) / 255.0).collect();
            (s, detector.score_crops(crop).expect("the detector runs"))
        })
        .collect();
    let scores = |split: &str, keep: &dyn Fn(&Sample) -> bool| -> Vec<f32> {
        scored.iter().filter(|(s, _)| s.split == split && keep(s)).map(|p| p.1).collect()
    };
    // Genuine photos as trained on set the bounds; those under unseen post-processings are
    // reported on their own.
    let bona_fide_photo = |s: &Sample| s.variant == "bona fide" && !s.held_out;
    writeln!(
        doc,
        "\n{SECTION}\n\n\
         A convolutional network (training/smad/train.py) scores two {CROP_PX} px crops aligned on \
         the eye centres, the whole face and the eyes to the mouth at 2.3 times the detail, 0..1. \
         Data (bona fide photos by identity split; each also under every post-processing):\n\n\
         {description}\n\
         ### Bounds per profile\n\n\
         Each profile's bounds come from the validation split's genuine photos (every \
         post-processing trained on) that its size rule admits (`geometry.inter_eye_distance`: a \
         smaller photo fails that check whatever its score): `max`, where `warn` starts, at BSCER \
         5 %, and `reject_max`, where `fail` starts, at BSCER 1 %, of them all or, for a \
         profile whose photos all come through one post-processing, of those through it where \
         that is higher (de-scan's are scans of prints: pooled with the digital ones, the bound \
         would fail a tenth of the print-scanned; at a few dozen photos, 1 % is their highest \
         score). The test figures are on the test split's photos under the same rule; a genuine \
         photo warned is one scored between the two bounds.\n\n\
         | profile | eyes at least | validation genuine photos | warn from (BSCER 5 %) | fail from \
         (BSCER 1 %) | of the photos | test genuine photos | warned | failed | failed, unseen \
         camera | trained morphs missed at fail, worst | other tools' morphs missed at fail, worst \
         |\n\
         |---|---|---|---|---|---|---|---|---|---|---|---|"
    )
    .unwrap();
    let worst_missed = |admitted: &dyn Fn(&Sample) -> bool, threshold: f32, trained: bool| {
        variants()
            .filter(|v| trained_on(v) == trained)
            .map(|v| {
                let morphs = scores("test", &|s: &Sample| s.variant == v.name && admitted(s));
                (percent(&morphs, false, threshold), v.name, morphs.len())
            })
            .filter(|candidate| candidate.2 > 0)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .expect("variants")
    };
    let mut profiles = Vec::new();
    for (profile, photos_through) in PROFILES {
        let minimum_px = minimum_inter_eye_px(profile);
        let admitted = move |s: &Sample| s.inter_eye_px >= minimum_px;
        let validation = scores("validation", &|s: &Sample| bona_fide_photo(s) && admitted(s));
        let pooled_fail = quantile(&validation, 0.99);
        // Pooled with the many digital photos, the bound would fail a tenth of the print-scanned
        // ones, which are all a scanning profile sees.
        let (fail, set_by) = match photos_through {
            Some(post) => {
                let through = scores("validation", &|s: &Sample| bona_fide_photo(s) && s.post == post && admitted(s));
                let kind_fail = quantile(&through, 0.99);
                if kind_fail > pooled_fail { (kind_fail, post) } else { (pooled_fail, "all") }
            }
            None => (pooled_fail, "all"),
        };
        let bounds = Bounds { warn: quantile(&validation, 0.95), fail };
        let test = scores("test", &|s: &Sample| bona_fide_photo(s) && admitted(s));
        let unseen = scores("test", &|s: &Sample| s.variant == "bona fide" && s.held_out && admitted(s));
        let warned = percent(&test, true, bounds.warn) - percent(&test, true, bounds.fail);
        let (trained, other) =
            (worst_missed(&admitted, bounds.fail, true), worst_missed(&admitted, bounds.fail, false));
        writeln!(
            doc,
            "| {profile} | {minimum_px:.0} px | {} | {:.3} | {:.3} | {set_by} | {} | {warned:.1} % | {:.1} % | \
             {:.1} % | {:.1} % ({}, {} morphs) | {:.1} % ({}, {} morphs) |",
            validation.len(),
            bounds.warn,
            bounds.fail,
            test.len(),
            percent(&test, true, bounds.fail),
            percent(&unseen, true, bounds.fail),
            trained.0,
            trained.1,
            trained.2,
            other.0,
            other.1,
            other.2,
        )
        .unwrap();
        profiles.push((profile, minimum_px, bounds));
    }
    let icao = profiles.iter().find(|(name, ..)| *name == "icao").expect("icao is one of PROFILES");
    let icao_px = icao.1;
    let admitted = |s: &Sample| s.inter_eye_px >= icao_px;
    let test_bona_fide = scores("test", &|s: &Sample| bona_fide_photo(s) && admitted(s));
    // The ISO/IEC 20059 operating points of the test set itself.
    let (test_at_1, test_at_10) = (quantile(&test_bona_fide, 0.99), quantile(&test_bona_fide, 0.90));
    let profile_columns: String = profiles.iter().map(|(name, _, _)| format!(" {name} |")).collect();
    writeln!(
        doc,
        "\n### Per photo kind\n\n\
         Each profile's column: the test photos its size rule admits, then the share failed \
         (genuine photos) or missed (morphs) at its fail bound, then at its warn bound (genuine \
         photos warned or failed, morphs not even warned). The last three columns: the test \
         photos icao admits at the test split's own operating points (the ISO/IEC 20059 \
         definition, {} genuine photos: BSCER 1 % at {test_at_1:.3}, 10 % at {test_at_10:.3}).\n\n\
         | photos | seen in training |{profile_columns} APCER at test BSCER 1 % | APCER at test \
         BSCER 10 % | D-EER |\n|---|---|{}---|---|---|",
        test_bona_fide.len(),
        "---|".repeat(profiles.len())
    )
    .unwrap();
    let at_each_profile = |kind: &dyn Fn(&Sample) -> bool, flagged: bool| -> String {
        profiles
            .iter()
            .map(|(_, minimum_px, bounds)| {
                let kept = scores("test", &|s: &Sample| kind(s) && s.inter_eye_px >= *minimum_px);
                format!(
                    " {}: {:.1} % / {:.1} % |",
                    kept.len(),
                    percent(&kept, flagged, bounds.fail),
                    percent(&kept, flagged, bounds.warn)
                )
            })
            .collect()
    };
    for post in posts() {
        let kind = |s: &Sample| s.variant == "bona fide" && s.post == post.0;
        writeln!(
            doc,
            "| bona fide, {} (BSCER) | {} |{} | | |",
            post.0,
            if unseen_post(post.0) { "no" } else { "yes" },
            at_each_profile(&kind, true)
        )
        .unwrap();
    }
    for variant in variants() {
        let morphs = scores("test", &|s: &Sample| s.variant == variant.name && admitted(s));
        writeln!(
            doc,
            "| {} (APCER) | {} |{} {:.1} % | {:.1} % | {:.1} % |",
            variant.name,
            if trained_on(variant) { "yes" } else { "no" },
            at_each_profile(&|s: &Sample| s.variant == variant.name, false),
            percent(&morphs, false, test_at_1),
            percent(&morphs, false, test_at_10),
            equal_error_rate(&test_bona_fide, &morphs)
        )
        .unwrap();
    }
    let ((worst_at_1, name_at_1, _), (worst_at_10, name_at_10, _)) =
        (worst_missed(&admitted, test_at_1, false), worst_missed(&admitted, test_at_10, false));
    writeln!(
        doc,
        "\nMorphs made as other tools make them (the last {} rows, never trained on): the worst at the \
         test's BSCER 10 % is {name_at_10}, APCER {worst_at_10:.1} %; at BSCER 1 % {name_at_1}, \
         {worst_at_1:.1} %.",
        OTHER_TOOLS.len()
    )
    .unwrap();
    let icao = &icao.2;
    writeln!(
        doc,
        "\nPer source, every test photo whatever its size, at icao's bounds (all trained \
         post-processings and variants; the size is of the genuine photos as taken):\n\n\
         | source | px between the eyes, median (range) | genuine photos | failed | warned | morphs | \
         missed at fail | missed at warn |\n|---|---|---|---|---|---|---|---|"
    )
    .unwrap();
    for source in ["FRLL", "Canada", "congress"] {
        let sizes: Vec<f32> = scored
            .iter()
            .filter(|(s, _)| s.source == source && s.variant == "bona fide" && s.post == "none")
            .map(|(s, _)| s.inter_eye_px)
            .collect();
        let bona_fide = scores("test", &|s: &Sample| bona_fide_photo(s) && s.source == source);
        let morphs = scores("test", &|s: &Sample| s.variant != "bona fide" && !s.held_out && s.source == source);
        writeln!(
            doc,
            "| {source} | {:.0} ({:.0}-{:.0}) | {} | {:.1} % | {:.1} % | {} | {:.1} % | {:.1} % |",
            quantile(&sizes, 0.5),
            quantile(&sizes, 0.0),
            quantile(&sizes, 1.0),
            bona_fide.len(),
            percent(&bona_fide, true, icao.fail),
            percent(&bona_fide, true, icao.warn) - percent(&bona_fide, true, icao.fail),
            morphs.len(),
            percent(&morphs, false, icao.fail),
            percent(&morphs, false, icao.warn)
        )
        .unwrap();
    }
    writeln!(doc, "\n{READING}").unwrap();
}

/// How to read the tables, beside the figures.
const READING: &str = "The detector trains on every recipe of this project under every \
post-processing, morphs and genuine photos alike, print-scanned, retouched and halved, \
compressed and enlarged ones among them.

At icao's bounds, on test photos of 90 px or more between the eyes, it fails 1.8 % of the \
genuine photos (two print-scanned, two retouched and two enlarged ones), none of those from the \
camera it never saw (a phone's noise reduction and strong sharpening, JPEG 60), and warns on 2.9 \
% more, print-scanned and retouched ones most (8 % each). It misses 6 % of complete morphs (13 % \
of 70/30 ones), 17 % of spliced ones, 11-13 % of the spliced ones halved and re-compressed or \
print-scanned, 23 % of the retouched 70/30 ones and 26 % of the sharpened spliced ones; at the \
warn bound it misses 4-21 %. The validation photos at icao's size come from 25 FRLL and Canada \
people under every post-processing and 92 congress portraits enlarged 1.8 times, so each bound \
rests on a handful of faces. Measure them on a new capture device before relying on the bounds: \
`passbild calibrate` sets them on your own genuine photos.

de-scan's photos are scans of prints. At the point 1 % of all its validation photos exceed \
(0.405) it failed 10.5 % of the print-scanned genuine test photos and 7.9 % of the retouched \
ones, so its fail bound is the print-scanned validation photos' highest score (0.624): it fails \
none of the genuine test photos and warns on 13 % of the print-scanned ones, and of the \
print-scanned morphs it misses 6 % of complete ones and 15 % of spliced ones (11 % at 0.405). \
Digital morphs, which reach this profile only printed and scanned, it misses more often at that \
bound (47 % of the sharpened spliced ones, 23 % at 0.405); its warn bound, from all its \
photos, is where it was.

Against the model shipped before (trained 2026-11-24 without the complete morphs sharpened, \
print-scanned or enlarged), on the same test photos (of the set as built on 2026-12-05): at the \
test's own BSCER 1 % this one misses fewer morphs of 15 of the 16 kinds both were measured on \
(spliced-0.5-print-scan 27 -> 15 %, spliced-0.5-sharpened-jpeg75 40 -> 31 %, dlib68-spliced-0.5 \
27 -> 21 %; more only of spliced-0.5-reduced, 17 -> 20 %), and its validation bounds hold on the \
test photos (icao's fail bound flagged 2.9 % of them before, 0.9 % now). At BSCER 10 % it misses \
more of 12 of the 16 (spliced-0.5-sharpened-jpeg75 6 -> 12 %, dlib68-spliced-0.5 2 -> 10 %), and \
the spliced morphs' D-EERs rose by 2-4 points: the bounds sit at the strict end, where it is \
better.

The bounds were once set on every photo, congress portraits of about 55 px between the eyes \
included (0.970 for BSCER 1 %); those score higher as genuine photos, so the bound sat where it \
missed half the print-scanned morphs, for photos every profile rejects for their size anyway.

The weak side is the Canada set: it scores low, genuine photos and morphs alike, so its morphs \
are missed far more often than FRLL's (per source table). At de-live's size (300 px between the \
eyes) only Canada photos and enlarged ones remain, and de-live's fail bound lets through 2 of \
Canada's 13 complete morphs and 46-62 % of its 70/30, retouched and sharpened ones (13 test \
pairs each; 15-54 % get no warning either). 20 Canada identities train; a studio whose \
photos the detector has not seen may fare like Canada rather than like FRLL.

Other tools' recipes (the last four rows, never trained on) are caught about as this project's \
own are: morphs warped on dlib's 68 points, seamed in by a Laplacian pyramid or blended in \
linear light. docs/morphing_leave_one_out.md trains on every variant but one and measures the \
one left out (training/smad/leave_one_out.py): that is the measure of a recipe never seen.

### Scale

The genuine photos have 33-72 px (congress), 180-250 (FRLL) or 350-370 (Canada) between the \
eyes, 1.8 times that enlarged. The detector also trains on the FRLL and Canada photos and morphs \
shrunk to 70-170 px between the eyes (`reduced`); before that its score drifted up there, and \
fixtures/frll_034_de.jpg shrunk to 96 px scored 0.99. Now it scores 0.03 or less at 96, 120, \
150, 200 and 250 px (as JPEG 90; tests/morphing.rs holds both fixtures under icao's warn bound \
at those sizes), and about 0.14 shrunk to 96 px with a triangle filter and no JPEG, a softer shrink \
than any in training (tests/geometry.rs). Congress portraits stay the only genuine photos under \
70 px.";
