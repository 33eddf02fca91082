//! The morph generator on two real photos: both kinds, the morph's own landmarks (found by the
//! face mesh on the morph) lie between the contributors', and the morph matches both of them.

mod common;

use common::*;
use passbild::imaging::{Point, Pyramid};
use passbild::models::face_embedding::{FaceEmbedder, SAME_PERSON_DISTANCE};
use passbild::morph::post::{PostProcess, apply};
use passbild::morph::{Contributor, Morph, MorphKind, morph};
use passbild::{Backend, ModelSource};

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

#[test]
fn complete_and_spliced_morphs_of_two_photos_lie_between_them() {
    let (first_image, second_image) = (fixture_image("frll_034_de.jpg"), fixture_image("frll_119_de.jpg"));
    let (first_points, second_points) = (mesh_points(&first_image), mesh_points(&second_image));
    let first = Contributor { image: &first_image, landmarks: &first_points };
    let second = Contributor { image: &second_image, landmarks: &second_points };

    let mut previous = f32::MIN;
    for blend in [0.3, 0.5, 0.7] {
        let complete = morph(first, second, blend, MorphKind::Complete).unwrap();
        let position = position_between(&complete, &mesh_points(&complete.image));
        assert!((position - blend).abs() < 0.1, "complete morph at {blend}: its landmarks sit at {position}");
        assert!(position > previous, "more of the second face moves the landmarks towards it");
        previous = position;
    }

    let spliced = morph(first, second, 0.5, MorphKind::Spliced).unwrap();
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
    let embed = |image: &image::RgbImage| {
        let mesh = checker("icao").analyse_image(&image.clone().into()).unwrap().face.unwrap().mesh;
        embedder.run(&Pyramid::new(image.clone()), &mesh).unwrap()
    };
    let contributors = [embed(&first_image), embed(&second_image)];
    let complete = morph(first, second, 0.5, MorphKind::Complete).unwrap();
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

#[test]
fn blending_two_faces_lowers_the_fine_skin_texture() {
    use passbild::face_image::FaceImage;
    use passbild::morph::features::texture_features;
    let features = |image: &image::RgbImage| {
        let face = checker("icao").analyse_image(&image.clone().into()).unwrap().face.unwrap();
        let face_image =
            FaceImage::new(&Pyramid::new(image.clone()), &face.mesh, &face.right_eye, &face.left_eye, &face.head)
                .unwrap();
        texture_features(&face_image)
    };
    let (first_image, second_image) = (fixture_image("frll_034_de.jpg"), fixture_image("frll_119_de.jpg"));
    let (first_points, second_points) = (mesh_points(&first_image), mesh_points(&second_image));
    let morphed = morph(
        Contributor { image: &first_image, landmarks: &first_points },
        Contributor { image: &second_image, landmarks: &second_points },
        0.5,
        MorphKind::Complete,
    )
    .unwrap();
    let (first, second, blended) = (features(&first_image), features(&second_image), features(&morphed.image));
    // Feature 0: the finest band's energy on bare skin.
    assert!(blended[0] < first[0].min(second[0]), "skin detail {} vs {} and {}", blended[0], first[0], second[0]);
}
