//! The accuracy harness's parts (`cargo run --release --example accuracy` writes docs/accuracy.md;
//! tests/accuracy.rs runs them on a small subset with bounds): compliant passport-framed photos
//! from the shared datasets, split by identity into a calibration half and a test half, and the
//! edits whose label is known by construction (turned heads, rotated photos, scaled heads).

use std::path::Path;

use image::RgbImage;
use imageproc::geometric_transformations::{Border, Interpolation, rotate_about_center};

use super::edits::{Someone, parse_tem, passport_crop, person_behind};
use super::render::turn_head;
use crate::imaging::Point;
use crate::measure::pose::{Camera, HeadPose, angles_seen, rigid_fit};
use crate::{Checker, PoseAngles};

/// Which half of the identities a photo belongs to: thresholds are set on the calibration half,
/// figures are reported on the test half.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Half {
    /// Thresholds and calibrations are set on these.
    Calibration,
    /// Figures are reported on these.
    Test,
}

/// The half of an identity: the parity of its name's FNV-1a hash, the same on every machine.
pub fn half(identity: &str) -> Half {
    if name_hash(identity).count_ones().is_multiple_of(2) { Half::Calibration } else { Half::Test }
}

/// Which of `count` donors (of a face, a person, a hand) edits an identity's photo: spread over
/// all of them by the name's hash, mixed (MurmurHash3's finaliser: names that differ in their last
/// character differ only in a few bits of FNV-1a), the same on every machine.
pub fn donor_index(identity: &str, count: usize) -> usize {
    let mut h = name_hash(identity);
    h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h = (h ^ (h >> 33)).wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    ((h ^ (h >> 33)) % count.max(1) as u64) as usize
}

/// A compliant photo of one person, framed as a passport photo.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The set and the person, such as "frll/001".
    pub identity: String,
    /// The photo, cut to 35:45 and resampled to the requested size.
    pub photo: RgbImage,
    /// The eye line's angle in the photo from the set's pupil labels, degrees (the crate's roll
    /// sign: positive when the eye on the right of the picture is lower).
    pub roll_deg: f64,
    /// How far below the pupils the set's labellers placed the ear roots, in inter-pupil
    /// distances (`labelled_ear_drop`); None where the photo's own outline has no ears.
    pub ear_drop_ipd: Option<f64>,
    /// How far below the top of the uncropped photo the set's labellers placed the pupils'
    /// midpoint, in its pixels: FRLL's only, whose frames are as the camera took them (the Canada
    /// set was aligned on the pupils). None for the smiling photos (labelled on the neutral one).
    pub frame_eye_y_px: Option<f64>,
}

/// The labelled outline's points where each ear joins the head (WebMorph's 189-point template:
/// 109-111 on the right of the picture's subject, 112-114 on the left, top to bottom).
const EAR_ROOTS: [usize; 6] = [109, 110, 111, 112, 113, 114];

/// How far below the pupils' line the ear roots lie, across that line, in inter-pupil distances.
/// The ears lie about 8 cm behind the pupils, so a raised chin lowers them against the eyes by
/// about 0.022 inter-pupil distances per degree: a reading of head tilt that people made, apart
/// from the face mesh. None without pupils and ear roots.
pub fn labelled_ear_drop(points: &[Point]) -> Option<f64> {
    let (a, b) = (points.first()?, points.get(1)?);
    let (right, left) = if a.x < b.x { (a, b) } else { (b, a) };
    let eye_line = (f64::from(left.x - right.x), f64::from(left.y - right.y));
    let inter_pupil = eye_line.0.hypot(eye_line.1);
    if inter_pupil <= 0.0 {
        return None;
    }
    let centre = (f64::from(right.x + left.x) / 2.0, f64::from(right.y + left.y) / 2.0);
    let mut drop = 0.0;
    for &i in &EAR_ROOTS {
        let p = points.get(i)?;
        let (dx, dy) = (f64::from(p.x) - centre.0, f64::from(p.y) - centre.1);
        // The component across the eye line, downwards in the picture.
        drop += (dy * eye_line.0 - dx * eye_line.1) / inter_pupil;
    }
    Some(drop / EAR_ROOTS.len() as f64 / inter_pupil)
}

/// The labelled sets with a face outline (`.tem`) to frame from: FRLL's neutral photos and the
/// Canada set, each cut to 35:45 with the top of the hair to the chin 80 % of the height, and
/// resampled to `width` x `height` (Catmull-Rom).
pub fn subjects(datasets: &Path, width: u32, height: u32) -> Vec<Subject> {
    let sets = [("frll", datasets.join("frll/neutral_front")), ("canada", datasets.join("webmorph_canada"))];
    let mut subjects = Vec::new();
    for (set, dir) in sets {
        for path in jpeg_files(&dir) {
            let Some(points) = std::fs::read_to_string(path.with_extension("tem")).ok().and_then(|t| parse_tem(&t))
            else {
                continue;
            };
            subjects.extend(cut(set, &path, &points, width, height));
        }
    }
    subjects
}

/// A photographed person as the harness stands them behind a subject: the photo, its person mask
/// and its measured face.
pub type PersonBehind = (RgbImage, super::internals::PersonMask, super::internals::FaceAnalysis);

/// The people the harness stands behind a subject of `half`: the first eight of
/// `uncropped_people` of that half, with their identities, measured by `checker` (one it cannot
/// measure is left out). The test half's subjects get people of the test half, whom no bound was
/// set on.
pub fn people_to_stand_behind(checker: &Checker, datasets: &Path, half: Half) -> Vec<(String, PersonBehind)> {
    uncropped_people(datasets, half)
        .into_iter()
        .take(8)
        .filter_map(|(identity, path)| {
            let photo = image::open(path).ok()?.to_rgb8();
            let analysis = checker.analyse_image(&photo.clone().into()).ok()?;
            let face = super::internals::face(&analysis)?.clone();
            Some((identity, (photo, super::internals::person_mask(&analysis).clone(), face)))
        })
        .collect()
}

/// FRLL's neutral photos of one half, uncropped (their shoulders show), in name order, with their
/// identities: the people the accuracy harness stands behind a subject.
pub fn uncropped_people(datasets: &Path, wanted: Half) -> Vec<(String, std::path::PathBuf)> {
    jpeg_files(&datasets.join("frll/neutral_front"))
        .into_iter()
        .filter_map(|path| {
            let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
            let identity = format!("frll/{}", &stem[..stem.len().min(3)]);
            (half(&identity) == wanted).then_some((identity, path))
        })
        .collect()
}

/// The donor (of a face, a person) that edits an identity's photo, spread over the others as
/// `donor_index` spreads them: never the identity itself (donors come from the subjects' own
/// half). None when no one else is among them.
pub fn donor_for<'a, T>(identity: &str, donors: &'a [(String, T)]) -> Option<&'a T> {
    let others: Vec<&'a T> = donors.iter().filter(|(donor, _)| donor != identity).map(|(_, donor)| donor).collect();
    others.get(donor_index(identity, others.len())).copied()
}

/// Where the harness stands another person behind the subject, beside them and taller, so that
/// their shoulder and the side of their head enter a lower corner: the side, their eyes this many
/// photo widths to that side of the subject's, and this many of the subject's inter-eye distances
/// higher.
pub const PEOPLE_BEHIND: [(&str, f32, f32); 2] = [("left", -1.1, 1.65), ("right", 1.1, 1.3)];

/// `other` standing behind `subject` where `PEOPLE_BEHIND` places them (`across`, `higher`).
pub fn person_behind_at(subject: &Someone, other: &Someone, across: f32, higher: f32) -> RgbImage {
    let eyes = subject.face.head.eye_midpoint();
    let at = Point::new(
        eyes.x + across * subject.photo.width() as f32,
        eyes.y - higher * subject.face.head.inter_eye_distance_px(),
    );
    person_behind(subject, other, at, 1.0)
}

/// The US Congress portraits labelled by eye as with or without glasses, as (file name in
/// `datasets/congress`, glasses worn), from the project's `tests/data/congress_glasses.csv`.
pub fn congress_glasses_labels(project_root: &Path) -> std::io::Result<Vec<(String, bool)>> {
    let labels = std::fs::read_to_string(project_root.join("tests/data/congress_glasses.csv"))?;
    Ok(labels
        .lines()
        .filter(|line| !line.starts_with('#') && !line.starts_with("file,"))
        .filter_map(|line| line.split_once(','))
        .map(|(file, glasses)| (file.to_string(), glasses.trim() == "1"))
        .collect())
}

/// FRLL's smiling photos, cut as `subjects` cuts the same person's neutral photo (the smiling
/// photos have no outline of their own; the sitters kept still between the two shots).
pub fn smiling_subjects(datasets: &Path, width: u32, height: u32) -> Vec<Subject> {
    jpeg_files(&datasets.join("frll/smiling_front"))
        .iter()
        .filter_map(|path| {
            let stem = path.file_stem()?.to_string_lossy();
            let tem = datasets.join(format!("frll/neutral_front/{}_03.tem", stem.get(..3)?));
            let points = parse_tem(&std::fs::read_to_string(tem).ok()?)?;
            // The ears were labelled on the neutral photo, not this one.
            cut("frll", path, &points, width, height).map(|subject| Subject {
                ear_drop_ipd: None,
                frame_eye_y_px: None,
                ..subject
            })
        })
        .collect()
}

/// The `.jpg` files in `dir`, sorted by name; none when it cannot be read.
fn jpeg_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut files: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "jpg"))
        .collect();
    files.sort();
    files
}

/// `photo` resampled to `width` x `height` as the harness resamples its subjects: a studio's photo
/// resized for delivery at a profile's size.
pub fn resized(photo: &RgbImage, width: u32, height: u32) -> RgbImage {
    image::imageops::resize(photo, width, height, image::imageops::FilterType::CatmullRom)
}

/// One photo of `set` cut to 35:45 by its face outline `points` and resampled.
fn cut(set: &str, path: &Path, points: &[Point], width: u32, height: u32) -> Option<Subject> {
    let image = image::open(path).ok()?;
    let crop = passport_crop(&image.to_rgb8(), points)?;
    let photo = resized(&crop, width, height);
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let (a, b) = (points[0], points[1]);
    let (right, left) = if a.x < b.x { (a, b) } else { (b, a) };
    Some(Subject {
        identity: format!("{set}/{}", &stem[..stem.len().min(3)]),
        photo,
        roll_deg: f64::from((left.y - right.y).atan2(left.x - right.x)).to_degrees(),
        ear_drop_ipd: labelled_ear_drop(points),
        frame_eye_y_px: (set == "frll").then(|| (f64::from(a.y) + f64::from(b.y)) / 2.0),
    })
}

/// One turned head: what it was turned to, and what passbild read.
#[derive(Debug, Clone)]
pub struct PoseSample {
    /// Whose photo.
    pub identity: String,
    /// The pose rendered, against the line of sight.
    pub truth: PoseAngles,
    /// The camera's distance, centimetres.
    pub distance_cm: f64,
    /// The pose fit's raw angles (before its response is divided out).
    pub raw: Option<PoseAngles>,
    /// The pose as reported.
    pub reading: Option<PoseAngles>,
    /// The rigid 3D fit of the render's own mesh (with the network's depth), the fit that defines
    /// the truth's frame on the unturned photo, seen from the studio distance the estimator
    /// assumes.
    pub rigid: Option<PoseAngles>,
}

/// The angles of the rigid 3D fit of `points` (image x, y and depth in pixels), against the line
/// of sight of a camera at `camera`'s distance.
fn rigid_angles(points: &[[f32; 3]], camera: Camera) -> Option<PoseAngles> {
    let (rotation, scale, translation) = rigid_fit(points)?;
    let at = nalgebra::Vector3::new(
        (translation.x - f64::from(camera.centre.x)) / scale,
        (translation.y - f64::from(camera.centre.y)) / scale,
        camera.distance_cm,
    );
    Some(angles_seen(&rotation, &at))
}

/// Each subject's face turned to each (yaw, pitch) and rendered from a studio distance of 1, 1.5
/// or 2 m (drawn per render from its name), then analysed.
pub fn pose_set(checker: &Checker, subjects: &[Subject], angles: &[(f64, f64)]) -> Vec<PoseSample> {
    use rayon::prelude::*;
    subjects
        .par_iter()
        .flat_map(|subject| {
            let Ok(analysis) = checker.analyse_image(&subject.photo.clone().into()) else { return Vec::new() };
            let Some(face) = analysis.face.as_ref().ok() else { return Vec::new() };
            angles
                .iter()
                .enumerate()
                .filter_map(|(n, &(yaw, pitch))| {
                    let draw = name_hash(&format!("{}/{n}", subject.identity));
                    let distance_cm = [100.0, 150.0, 200.0][(draw % 3) as usize];
                    let turned = turn_head(&subject.photo, face, yaw, pitch, distance_cm)?;
                    let seen = checker.analyse_image(&turned.image.clone().into()).ok()?;
                    let (width, height) = turned.image.dimensions();
                    let camera = Camera::studio(width, height);
                    let mesh = seen.face.as_ref().ok().map(|f| &f.mesh.points);
                    let raw = mesh.and_then(|m| HeadPose::fit_uncalibrated(m, camera).map(|p| p.angles()));
                    let rigid = mesh.and_then(|m| rigid_angles(m, camera));
                    Some(PoseSample {
                        identity: subject.identity.clone(),
                        truth: turned.pose,
                        distance_cm,
                        raw,
                        reading: seen.pose(),
                        rigid,
                    })
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// FNV-1a of a name: the same draw on every machine.
fn name_hash(name: &str) -> u64 {
    name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
}

/// `photo` turned clockwise by `degrees` about its centre (the crate's positive roll), the corners
/// filled by repeating the border.
pub fn rolled(photo: &RgbImage, degrees: f64) -> RgbImage {
    rotate_about_center(photo, (degrees as f32).to_radians(), Interpolation::Bilinear, Border::Replicate)
}

/// `photo` with everything scaled by `factor` about the eye midpoint `eyes` (its size kept; the
/// border repeated where the scaled photo does not reach): the head becomes `factor` times as
/// large, the eyes stay where they were.
pub fn scaled_about(photo: &RgbImage, eyes: Point, factor: f64) -> RgbImage {
    let (width, height) = photo.dimensions();
    let sampler = crate::imaging::Bilinear::new(photo);
    let factor = factor as f32;
    RgbImage::from_fn(width, height, |x, y| {
        let sx = eyes.x + (x as f32 + 0.5 - eyes.x) / factor;
        let sy = eyes.y + (y as f32 + 0.5 - eyes.y) / factor;
        image::Rgb(sampler.at(sx - 0.5, sy - 0.5).map(|c| c.round().clamp(0.0, 255.0) as u8))
    })
}

/// The value a share `q` (0..1) of the way up `values` sorted: the one at rank q (n - 1), rounded;
/// NaN for none.
pub fn percentile(values: &[f64], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted[((q * (sorted.len() - 1) as f64).round() as usize).min(sorted.len() - 1)]
}

/// The mean; NaN for none.
pub fn mean(values: &[f64]) -> f64 {
    values.iter().sum::<f64>() / values.len() as f64
}

/// The population standard deviation; NaN for none.
pub fn standard_deviation(values: &[f64]) -> f64 {
    let m = mean(values);
    (values.iter().map(|v| (v - m).powi(2)).sum::<f64>() / values.len() as f64).sqrt()
}

/// Pearson's correlation of `x` and `y` (paired).
pub fn correlation(x: &[f64], y: &[f64]) -> f64 {
    let (mx, my) = (mean(x), mean(y));
    let covariance: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum::<f64>() / x.len() as f64;
    covariance / (standard_deviation(x) * standard_deviation(y))
}

/// The share of a reading's variance that a common cause explains, from three readings of it
/// (the method of triads): where each reading is a multiple of the cause plus an error of its
/// own, independent of the others' errors, the correlations are products of the readings' own
/// correlations with the cause, so the first reading's squared one is `r_ab * r_ac / r_bc`.
pub fn triad_share(r_ab: f64, r_ac: f64, r_bc: f64) -> f64 {
    r_ab * r_ac / r_bc
}

/// Least-squares slope and offset of `y` against `x`.
pub fn line_fit(x: &[f64], y: &[f64]) -> (f64, f64) {
    let n = x.len().max(1) as f64;
    let (mx, my) = (x.iter().sum::<f64>() / n, y.iter().sum::<f64>() / n);
    let sxy: f64 = x.iter().zip(y).map(|(a, b)| (a - mx) * (b - my)).sum();
    let sxx: f64 = x.iter().map(|a| (a - mx) * (a - mx)).sum();
    let slope = if sxx > 0.0 { sxy / sxx } else { f64::NAN };
    (slope, my - slope * mx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn three_readings_of_one_cause_give_each_ones_share() {
        // Readings with loadings 0.9, 0.8 and 0.7 on a common cause.
        let (a, b, c) = (0.9, 0.8, 0.7);
        assert!((triad_share(a * b, a * c, b * c) - a * a).abs() < 1e-12);
        assert!((triad_share(b * c, b * a, c * a) - b * b).abs() < 1e-12);
    }

    #[test]
    fn halves_split_identities_about_evenly_and_stably() {
        let names: Vec<String> = (0..200).map(|i| format!("frll/{i:03}")).collect();
        let calibration = names.iter().filter(|n| half(n) == Half::Calibration).count();
        assert!((70..130).contains(&calibration), "{calibration}");
        // Pinned: a change of the split would move every figure between the halves.
        assert_eq!(
            ["frll/001", "frll/002", "frll/003", "frll/034", "canada/010"].map(half),
            [Half::Test, Half::Calibration, Half::Calibration, Half::Test, Half::Test],
            "the split moved"
        );
    }

    #[test]
    fn donors_are_spread_over_the_test_half() {
        let test: Vec<String> = (0..200).map(|i| format!("frll/{i:03}")).filter(|n| half(n) == Half::Test).collect();
        let mut uses = [0usize; 8];
        test.iter().for_each(|n| uses[donor_index(n, uses.len())] += 1);
        let fair = test.len() / uses.len();
        assert!(uses.iter().all(|&u| u >= fair / 2 && u <= fair * 2), "{uses:?}");
        assert_eq!(donor_index("frll/001", 0), 0);
    }

    #[test]
    fn no_one_is_their_own_donor() {
        let donors: Vec<(String, usize)> = (0..8).map(|i| (format!("frll/{i:03}"), i)).collect();
        for (identity, own) in &donors {
            assert_ne!(donor_for(identity, &donors), Some(own), "{identity}");
        }
        assert_eq!(donor_for("frll/000", &donors[..1]), None);
    }

    #[test]
    fn ear_drop_is_measured_across_the_eye_line_in_inter_pupil_distances() {
        let mut points = vec![Point::new(0.0, 0.0); 115];
        points[0] = Point::new(100.0, 200.0);
        points[1] = Point::new(200.0, 200.0);
        EAR_ROOTS.iter().for_each(|&i| points[i] = Point::new(if i < 112 { 60.0 } else { 240.0 }, 240.0));
        assert!((labelled_ear_drop(&points).unwrap() - 0.4).abs() < 1e-9);
        // The same face turned by 30 degrees about its eye centre reads the same.
        let turn = |p: Point| {
            let (s, c) = 30f32.to_radians().sin_cos();
            let (dx, dy) = (p.x - 150.0, p.y - 200.0);
            Point::new(150.0 + c * dx - s * dy, 200.0 + s * dx + c * dy)
        };
        let turned: Vec<Point> = points.iter().map(|&p| turn(p)).collect();
        assert!((labelled_ear_drop(&turned).unwrap() - 0.4).abs() < 1e-5);
        assert_eq!(labelled_ear_drop(&points[..113]), None);
    }

    #[test]
    fn statistics_helpers() {
        assert_eq!(percentile(&[3.0, 1.0, 2.0], 0.5), 2.0);
        assert_eq!(mean(&[1.0, 2.0, 6.0]), 3.0);
        assert_eq!(standard_deviation(&[1.0, 3.0]), 1.0);
        assert!((correlation(&[1.0, 2.0, 3.0], &[6.0, 4.0, 2.0]) + 1.0).abs() < 1e-12);
        let (slope, offset) = line_fit(&[0.0, 1.0, 2.0], &[1.0, 3.0, 5.0]);
        assert!((slope - 2.0).abs() < 1e-12 && (offset - 1.0).abs() < 1e-12);
    }
}
