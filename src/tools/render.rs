//! Ground truth for head pose: a photographed face turned to a known yaw and pitch and rendered
//! again. The face mesh (image positions and the network's depth) is fitted rigidly to the
//! canonical face, which defines the face's own frontal orientation; the mesh is turned from the
//! pose it has in the photo to the requested one about a point inside the head, textured with the
//! photo, and rendered with a perspective camera at a studio's distance. Rings of triangles
//! around the face oval carry the hair, ears and neck with it (their depth from an ellipsoidal
//! head); the rest of the head's old place is painted in the background's colour.
//!
//! The labels are exact in that frame. Its zero is the canonical face's frontal orientation, the
//! zero `measure::pose` reports against; the estimator reads only the rendered image.

use image::{Rgb, RgbImage};
use nalgebra::{Rotation3, Vector3};

use crate::PoseAngles;
use crate::imaging::{Bilinear, Point};
use crate::measure::face_image::polygon_mask;
use crate::measure::pose::{angles_seen, rigid_fit};
use crate::models::face_mesh::index;
use crate::pipeline::FaceAnalysis;

/// The face mesh's triangles (MediaPipe's canonical face, Apache-2.0; models/README.md).
const TRIANGLES_CSV: &str = include_str!("../../models/canonical_face_model_triangles.csv");
/// The head turns about a point this far behind the face's mean depth.
const PIVOT_BEHIND_FACE_CM: f64 = 5.0;
/// Rings around the face oval: how far out (times the oval's radius from its centre) and how
/// far back (in oval radii) each lies; an ellipsoidal head seen from the front.
const RINGS: [(f64, f64); 3] = [(1.15, 0.2), (1.35, 0.55), (1.6, 1.0)];

/// A rendered photo and the pose it shows, against the line of sight.
#[derive(Debug, Clone)]
pub struct Turned {
    /// The photo, same size as the source.
    pub image: RgbImage,
    /// The head's pose in it.
    pub pose: PoseAngles,
}

/// `image` with its face (as `face` measured it) turned to `yaw` and `pitch` (degrees, the
/// crate's sign convention, roll 0) and photographed from `distance_cm`. None without a mesh fit.
pub fn turn_head(image: &RgbImage, face: &FaceAnalysis, yaw: f64, pitch: f64, distance_cm: f64) -> Option<Turned> {
    let mesh = &face.mesh.points;
    let (source_rotation, scale, _) = rigid_fit(mesh)?;
    let (width, height) = image.dimensions();
    let principal = Vector3::new(f64::from(width) / 2.0, f64::from(height) / 2.0, 0.0);
    // The mesh in centimetres, in the photo's frame (x right, y down, z into the scene).
    let points: Vec<Vector3<f64>> =
        mesh.iter().map(|p| Vector3::new(f64::from(p[0]), f64::from(p[1]), f64::from(p[2])) / scale).collect();
    let centroid = points.iter().sum::<Vector3<f64>>() / points.len() as f64;
    let pivot = centroid + source_rotation * Vector3::new(0.0, 0.0, PIVOT_BEHIND_FACE_CM);
    // Frontal: the mesh turned back by its own fitted rotation, about the pivot.
    let frontal: Vec<Vector3<f64>> = points.iter().map(|p| source_rotation.transpose() * (p - pivot)).collect();
    let (ring_points, ring_triangles) = rings(&frontal);
    let mut vertices = frontal;
    vertices.extend(ring_points);
    // Texture: where each vertex was in the photo (rings: turned back into the photo's pose).
    let texture: Vec<Point> = vertices
        .iter()
        .map(|v| {
            let p = (source_rotation * v + pivot) * scale;
            Point::new(p.x as f32, p.y as f32)
        })
        .collect();
    let target = (Rotation3::from_axis_angle(&Vector3::y_axis(), yaw.to_radians())
        * Rotation3::from_axis_angle(&Vector3::x_axis(), pitch.to_radians()))
    .into_inner();
    // The pivot stays where it was in the picture, at the camera's distance.
    let offset = (pivot - principal / scale).xy();
    let at = Vector3::new(offset.x, offset.y, distance_cm);
    let focal = distance_cm * scale;
    let projected: Vec<(Point, f64)> = vertices
        .iter()
        .map(|v| {
            let p = target * v + at;
            let u = focal * p.x / p.z + principal.x;
            let w = focal * p.y / p.z + principal.y;
            (Point::new(u as f32, w as f32), p.z)
        })
        .collect();
    let mut triangles = face_triangles();
    triangles.extend(ring_triangles);
    let mut out = erase_head(image, &texture, mesh.len());
    rasterise(&mut out, image, &projected, &texture, &triangles);
    // The frontal mesh has the canonical face's orientation, so the head's is `target`.
    let pose = angles_seen(&target, &at);
    Some(Turned { image: out, pose })
}

fn face_triangles() -> Vec<[usize; 3]> {
    TRIANGLES_CSV
        .lines()
        .skip(1)
        .filter_map(|line| {
            let v: Vec<usize> = line.split(',').filter_map(|s| s.trim().parse().ok()).collect();
            (v.len() == 3).then(|| [v[0], v[1], v[2]])
        })
        .collect()
}

/// Rings of vertices around the face oval (in the frontal frame) and the triangles joining the
/// oval to them; the vertices are numbered after the mesh's.
fn rings(frontal: &[Vector3<f64>]) -> (Vec<Vector3<f64>>, Vec<[usize; 3]>) {
    let oval = index::FACE_OVAL;
    let centre = oval.iter().map(|&i| frontal[i]).sum::<Vector3<f64>>() / oval.len() as f64;
    let radius = oval.iter().map(|&i| (frontal[i] - centre).xy().norm()).sum::<f64>() / oval.len() as f64;
    let mut points = Vec::new();
    for (out, back) in RINGS {
        for &i in oval {
            let p = frontal[i];
            let radial = (p - centre).xy();
            points.push(Vector3::new(centre.x + radial.x * out, centre.y + radial.y * out, p.z + back * radius));
        }
    }
    let n = oval.len();
    let first_ring = frontal.len();
    let ring = |r: usize, k: usize| first_ring + r * n + k % n;
    let mut triangles = Vec::new();
    for k in 0..n {
        let (a, b) = (oval[k], oval[(k + 1) % n]);
        triangles.push([a, b, ring(0, k)]);
        triangles.push([b, ring(0, k + 1), ring(0, k)]);
        for r in 0..RINGS.len() - 1 {
            triangles.push([ring(r, k), ring(r, k + 1), ring(r + 1, k)]);
            triangles.push([ring(r, k + 1), ring(r + 1, k + 1), ring(r + 1, k)]);
        }
    }
    (points, triangles)
}

/// The photo with the head's old place (inside the outer ring) painted in the background's
/// colour, the median of the strips along the sides of the upper half.
fn erase_head(image: &RgbImage, texture: &[Point], mesh_len: usize) -> RgbImage {
    let n = index::FACE_OVAL.len();
    let outer: Vec<Point> = texture[mesh_len + (RINGS.len() - 1) * n..].to_vec();
    let mask = polygon_mask(image.width(), image.height(), &[outer]);
    // The side strips of the upper half: background beside the head in a passport framing.
    let (width, height) = image.dimensions();
    let strip = (width / 30).max(1);
    let mut channels: [Vec<u8>; 3] = Default::default();
    for y in 0..height / 2 {
        for x in (0..strip).chain(width - strip..width) {
            let p = image.get_pixel(x, y).0;
            (0..3).for_each(|c| channels[c].push(p[c]));
        }
    }
    let background = channels.map(|mut v| {
        v.sort_unstable();
        v[v.len() / 2]
    });
    let mut out = image.clone();
    for (x, y, p) in out.enumerate_pixels_mut() {
        if mask.get_pixel(x, y)[0] > 0 {
            *p = Rgb(background);
        }
    }
    out
}

/// Draws the textured triangles nearest first (a depth buffer), sampling the source bilinearly.
fn rasterise(
    out: &mut RgbImage,
    source: &RgbImage,
    projected: &[(Point, f64)],
    texture: &[Point],
    triangles: &[[usize; 3]],
) {
    let (width, height) = out.dimensions();
    let mut depth = vec![f64::INFINITY; (width * height) as usize];
    let sampler = Bilinear::new(source);
    for &[a, b, c] in triangles {
        let ((pa, za), (pb, zb), (pc, zc)) = (projected[a], projected[b], projected[c]);
        let area = (pb.x - pa.x) * (pc.y - pa.y) - (pc.x - pa.x) * (pb.y - pa.y);
        if area.abs() < 1e-6 {
            continue;
        }
        let x0 = pa.x.min(pb.x).min(pc.x).floor().max(0.0) as u32;
        let x1 = (pa.x.max(pb.x).max(pc.x).ceil() as u32).min(width.saturating_sub(1));
        let y0 = pa.y.min(pb.y).min(pc.y).floor().max(0.0) as u32;
        let y1 = (pa.y.max(pb.y).max(pc.y).ceil() as u32).min(height.saturating_sub(1));
        for y in y0..=y1 {
            for x in x0..=x1 {
                let (px, py) = (x as f32 + 0.5, y as f32 + 0.5);
                let wa = ((pb.x - px) * (pc.y - py) - (pc.x - px) * (pb.y - py)) / area;
                let wb = ((pc.x - px) * (pa.y - py) - (pa.x - px) * (pc.y - py)) / area;
                let wc = 1.0 - wa - wb;
                if wa < 0.0 || wb < 0.0 || wc < 0.0 {
                    continue;
                }
                let z = f64::from(wa) * za + f64::from(wb) * zb + f64::from(wc) * zc;
                let at = (y * width + x) as usize;
                if z >= depth[at] {
                    continue;
                }
                depth[at] = z;
                let (ta, tb, tc) = (texture[a], texture[b], texture[c]);
                let u = wa * ta.x + wb * tb.x + wc * tc.x;
                let v = wa * ta.y + wb * tb.y + wc * tc.y;
                let rgb = sampler.at(u - 0.5, v - 0.5);
                out.put_pixel(x, y, Rgb(rgb.map(|c| c.round().clamp(0.0, 255.0) as u8)));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_face_mesh_has_its_triangles() {
        let triangles = face_triangles();
        assert_eq!(triangles.len(), 898);
        assert!(triangles.iter().flatten().all(|&i| i < 468));
    }
}
