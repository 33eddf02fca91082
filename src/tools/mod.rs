//! Tools for tests, examples, benchmarks and training (cargo feature `tools`): controlled edits of
//! photos, a morph generator and a forger's post-processing, the differential morph scorer's
//! training, and the library's inner stages for benchmarks that time them one by one. None of it
//! is part of checking: the default build of the library, the CLI and the C library leaves it out,
//! and it is not covered by the crate's semver promise.

pub mod accuracy;
pub mod dmad;
pub mod edits;
pub mod morph;
pub mod render;

/// The library's inner parts, for benchmarks and training that time or feed them one by one.
pub mod internals {
    pub use crate::decode::{Decoded, JpegBlockLayout, check_jpeg_entropy, decode};
    pub use crate::imaging::{Pyramid, Similarity};
    pub use crate::measure::face_image::FaceImage;
    pub use crate::measure::pose::PITCH_RESPONSE;
    pub use crate::measure::reference::{FEATURES, GEOMETRY_FEATURE_NAMES, features, geometry_residuals};
    pub use crate::measure::scene::Scene;
    pub use crate::measure::{background, colour, compression, coverings, exposure, eyes_mouth, focus, integrity};
    pub use crate::models::face_embedding::{Embedding, FaceEmbedder, SAME_PERSON_DISTANCE};
    pub use crate::models::face_mesh::{MeshLandmarks, eye_corner_centres, index as mesh_index};
    pub use crate::models::iris::Eye;
    pub use crate::models::morph_detector::{CROP_PX, MorphDetector, face_crops};
    pub use crate::models::{FaceMesh, Models, PersonMask};
    pub use crate::pipeline::FaceAnalysis;

    use crate::{Analysis, Checker, Profile};

    /// Any bytes as the payload of a receipt signed with `key`: what `receipt::verify` reads
    /// once the signature holds (the `receipt` fuzz target).
    pub fn receipt_around(payload: Vec<u8>, key: &crate::receipt::ReceiptKey) -> Vec<u8> {
        crate::receipt::signed_envelope(payload, key)
    }

    /// The measured face of an analysis (mesh, irises, head outline), if one was found.
    pub fn face(analysis: &Analysis) -> Option<&FaceAnalysis> {
        analysis.face.as_ref().ok()
    }

    /// The face oval (MediaPipe's outline) in photo pixels.
    pub fn face_oval(face: &FaceAnalysis) -> Vec<crate::Point> {
        crate::models::face_mesh::index::FACE_OVAL.iter().map(|&i| face.mesh.point(i)).collect()
    }

    /// How a JPEG's blocks lie in its file, if the analysed photo was one.
    pub fn jpeg_blocks(analysis: &Analysis) -> Option<JpegBlockLayout> {
        analysis.facts.jpeg_blocks
    }

    /// The person mask of an analysis.
    pub fn person_mask(analysis: &Analysis) -> &crate::models::PersonMask {
        &analysis.mask
    }

    /// Measures a decoded photo with loaded models, as `Checker::analyse_image` does.
    pub fn analyse(models: &Models, decoded: Decoded) -> crate::Result<Analysis> {
        crate::pipeline::analyse(models, decoded.image, decoded.facts)
    }

    /// Every check of a profile on an analysis, without the report around them.
    pub fn run_checks(analysis: &Analysis, profile: &Profile) -> Vec<crate::CheckResult> {
        crate::checks::run_all(analysis, profile, crate::Language::En)
    }

    /// The checker's loaded models.
    pub fn models(checker: &Checker) -> &Models {
        &checker.models
    }
}
