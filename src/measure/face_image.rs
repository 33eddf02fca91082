//! The face turned upright (eye line horizontal) and resampled to a common scale, with the mesh,
//! the irises and the region masks that the photographic and subject checks share. Computed once
//! per photo by the pipeline.

use image::{GrayImage, Luma};
use imageproc::drawing::draw_polygon_mut;

use crate::imaging::colour;
use crate::imaging::{Border, Point, Pyramid, RotatedRect};
use crate::measure::head::HeadOutline;
use crate::models::face_mesh::index;
use crate::models::{EyeLandmarks, MeshLandmarks};

/// Crop pixels per inter-eye distance. A larger face is reduced, a smaller one enlarged, as OFIQ
/// aligns every face to one size, so that histogram measures see the same pixel counts.
const PX_PER_IED: f32 = 112.0;
/// The crop is this many inter-eye distances square...
const SIDE_IN_IED: f32 = 4.0;
/// ...with the eye midpoint at this height (fraction from the top), so it holds the crown above
/// and the chin below.
const EYES_FROM_TOP: f32 = 0.45;
/// Below this many photo pixels between the eyes the photographic measures mean little.
const MIN_IED_PX: f32 = 16.0;

/// The iris (a little beyond the model's radius, for its dark rim) is not eye white.
pub const IRIS_RIM: f32 = 1.15;

/// One iris in crop coordinates.
#[derive(Debug, Clone, Copy)]
pub struct IrisInCrop {
    pub centre: Point,
    pub radius: f32,
    /// The widest gap between the eyelids, from the iris model's eye contour.
    pub lid_gap: f32,
}

impl IrisInCrop {
    /// Whether `p` lies within `scale` times the iris radius of its centre.
    pub fn covers(&self, p: Point, scale: f32) -> bool {
        p.distance(self.centre) <= scale * self.radius
    }
}

/// An axis-aligned pixel rectangle, end exclusive, inside the crop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PixelRect {
    pub x0: usize,
    pub y0: usize,
    pub x1: usize,
    pub y1: usize,
}

impl PixelRect {
    pub fn is_empty(&self) -> bool {
        self.x0 >= self.x1 || self.y0 >= self.y1
    }
}

#[derive(Debug, Clone)]
pub struct FaceImage {
    pub side: usize,
    pub px_per_ied: f32,
    /// Crop pixels per pixel of the photo: above 1 the crop enlarges a small face.
    pub crop_px_per_photo_px: f32,
    /// sRGB 0..255, row-major.
    pub rgb: Vec<[f32; 3]>,
    /// ISO/IEC 29794-5 luminance (linear light, 0..255) inside the face oval, where the exposure
    /// measures read it; 0 outside.
    pub luminance: Vec<u8>,
    /// Gamma-encoded luma 0..255.
    pub luma: Vec<f32>,
    /// The 468 mesh points in crop coordinates.
    pub points: Vec<Point>,
    /// Where the crop lies in the photo.
    crop: RotatedRect,
    pub right_iris: IrisInCrop,
    pub left_iris: IrisInCrop,
    /// Inside the face oval (OFIQ's "landmarked region").
    pub face: Vec<bool>,
    /// The face oval without eyes, brows and lips: bare skin, where shadows and hot spots show.
    pub skin: Vec<bool>,
    /// The eye openings (the mesh's eye outlines).
    pub eyes: Vec<bool>,
}

/// The photo position of the centre of pixel `i` (row-major) of a `side` x `side` crop lying at
/// `crop`.
fn crop_pixel_in_photo(crop: &RotatedRect, side: usize, i: usize) -> Point {
    crop.to_image(((i % side) as f32 + 0.5) / side as f32, ((i / side) as f32 + 0.5) / side as f32)
}

impl FaceImage {
    pub fn new(
        pyramid: &Pyramid,
        mesh: &MeshLandmarks,
        right_eye: &EyeLandmarks,
        left_eye: &EyeLandmarks,
        head: &HeadOutline,
    ) -> Option<FaceImage> {
        let ied = head.inter_eye_distance_px();
        if !ied.is_finite() || ied < MIN_IED_PX {
            return None;
        }
        let px_per_ied = PX_PER_IED;
        let side = (SIDE_IN_IED * px_per_ied).round() as usize;
        let side_in_photo = SIDE_IN_IED * ied;
        let angle = head.right_eye_centre.angle_to(head.left_eye_centre);
        let (sin, cos) = angle.sin_cos();
        // The eye midpoint sits at (0.5, EYES_FROM_TOP) of the crop.
        let down = (0.5 - EYES_FROM_TOP) * side_in_photo;
        let eyes = head.eye_midpoint();
        let rect = RotatedRect {
            centre: Point::new(eyes.x - down * sin, eyes.y + down * cos),
            width: side_in_photo,
            height: side_in_photo,
            angle,
        };
        let rgb = pyramid.sample_rgb(&rect, side, side, Border::Zero);
        let luma = rgb.iter().map(|&p| colour::luma(p)).collect();

        // Crop pixels per photo pixel.
        let scale = side as f32 / side_in_photo;
        let to_crop = |p: Point| {
            let (dx, dy) = (p.x - rect.centre.x, p.y - rect.centre.y);
            Point::new(
                (dx * cos + dy * sin) * scale + side as f32 / 2.0,
                (-dx * sin + dy * cos) * scale + side as f32 / 2.0,
            )
        };
        let points: Vec<Point> = (0..mesh.points.len()).map(|i| to_crop(mesh.point(i))).collect();
        let iris = |eye: &EyeLandmarks| IrisInCrop {
            centre: to_crop(eye.iris_centre),
            radius: eye.iris_radius * scale,
            lid_gap: eye.lid_gap_px() * scale,
        };

        let polygon = |indices: &[usize], grow_px: f32| -> Vec<Point> {
            let outline: Vec<Point> = indices.iter().map(|&i| points[i]).collect();
            grow(&outline, grow_px)
        };
        // Where the crop reaches past the photo's edge it holds black padding, no face: the
        // masks leave it out, so that no measure reads it as skin, eye or shadow.
        let (photo_width, photo_height) = pyramid.base().dimensions();
        let in_photo: Vec<bool> = (0..side * side)
            .map(|i| {
                let p = crop_pixel_in_photo(&rect, side, i);
                p.x >= 0.0 && p.y >= 0.0 && p.x < photo_width as f32 && p.y < photo_height as f32
            })
            .collect();
        let within_photo = |mask: Vec<bool>| -> Vec<bool> {
            mask.into_iter().zip(&in_photo).map(|(in_mask, &in_photo)| in_mask && in_photo).collect()
        };
        let face = within_photo(fill(side, &[polygon(index::FACE_OVAL, 0.0)]));
        let luminance =
            rgb.iter().zip(&face).map(|(&p, &inside)| if inside { colour::luminance(p) } else { 0 }).collect();
        let eye_margin = 0.06 * px_per_ied;
        let eye_outlines = [polygon(index::RIGHT_EYE, eye_margin), polygon(index::LEFT_EYE, eye_margin)];
        let eyes_mask = within_photo(fill(side, &[polygon(index::RIGHT_EYE, 0.0), polygon(index::LEFT_EYE, 0.0)]));
        let features = fill(
            side,
            &[
                eye_outlines[0].clone(),
                eye_outlines[1].clone(),
                polygon(index::RIGHT_BROW, 0.08 * px_per_ied),
                polygon(index::LEFT_BROW, 0.08 * px_per_ied),
                polygon(index::LIPS_OUTER, 0.05 * px_per_ied),
            ],
        );
        let skin = face.iter().zip(&features).map(|(&f, &x)| f && !x).collect();
        Some(FaceImage {
            side,
            px_per_ied,
            crop_px_per_photo_px: scale,
            rgb,
            luminance,
            luma,
            right_iris: iris(right_eye),
            left_iris: iris(left_eye),
            points,
            crop: rect,
            face,
            skin,
            eyes: eyes_mask,
        })
    }

    /// The photo position of crop pixel `i`'s centre.
    pub fn photo_position(&self, i: usize) -> Point {
        crop_pixel_in_photo(&self.crop, self.side, i)
    }

    pub fn point(&self, index: usize) -> Point {
        self.points[index]
    }

    /// The centre of crop pixel `i` (row-major).
    pub fn pixel_centre(&self, i: usize) -> Point {
        Point::new((i % self.side) as f32 + 0.5, (i / self.side) as f32 + 0.5)
    }

    /// The eye centres (iris centres), picture-left first.
    pub fn eye_centres(&self) -> (Point, Point) {
        (self.right_iris.centre, self.left_iris.centre)
    }

    /// Distance from the eye midpoint to the chin, the yardstick of OFIQ's eye and mouth measures.
    pub fn eyes_to_chin(&self) -> f32 {
        let (right, left) = self.eye_centres();
        right.midpoint(left).distance(self.point(index::CHIN))
    }

    /// OFIQ's cheek zones: squares of 0.3 inter-eye distances, half the eye-to-mouth distance
    /// below each eye. Picture-left (subject's right) first.
    pub fn cheek_patches(&self) -> [PixelRect; 2] {
        let (right, left) = self.eye_centres();
        let mouth = self.point(index::MOUTH_RIGHT_CORNER).midpoint(self.point(index::MOUTH_LEFT_CORNER));
        let eye_to_mouth = right.midpoint(left).distance(mouth);
        let half = 0.15 * self.px_per_ied;
        [right, left].map(|eye| self.rect_around(Point::new(eye.x, eye.y + 0.5 * eye_to_mouth), half, half))
    }

    /// A rectangle of half-size (hx, hy) around `centre`, clipped to the crop.
    pub fn rect_around(&self, centre: Point, hx: f32, hy: f32) -> PixelRect {
        let clip = |v: f32| v.round().clamp(0.0, self.side as f32) as usize;
        PixelRect { x0: clip(centre.x - hx), y0: clip(centre.y - hy), x1: clip(centre.x + hx), y1: clip(centre.y + hy) }
    }

    /// Indices of the pixels inside `rect`.
    pub fn indices_in(&self, rect: PixelRect) -> impl Iterator<Item = usize> + '_ {
        (rect.y0..rect.y1).flat_map(move |y| (rect.x0..rect.x1).map(move |x| y * self.side + x))
    }
}

/// Moves each vertex `by` pixels away from the outline's centroid.
pub fn grow(outline: &[Point], by: f32) -> Vec<Point> {
    if by == 0.0 || outline.is_empty() {
        return outline.to_vec();
    }
    let n = outline.len() as f32;
    let centre = Point::new(outline.iter().map(|p| p.x).sum::<f32>() / n, outline.iter().map(|p| p.y).sum::<f32>() / n);
    outline
        .iter()
        .map(|p| {
            let (dx, dy) = (p.x - centre.x, p.y - centre.y);
            let length = dx.hypot(dy).max(f32::EPSILON);
            Point::new(p.x + dx / length * by, p.y + dy / length * by)
        })
        .collect()
}

/// A mask of the pixels inside any of the polygons.
pub fn fill(side: usize, polygons: &[Vec<Point>]) -> Vec<bool> {
    polygon_mask(side as u32, side as u32, polygons).into_raw().into_iter().map(|v| v > 0).collect()
}

/// The pixels inside any of the polygons at 255, the rest at 0.
pub fn polygon_mask(width: u32, height: u32, polygons: &[Vec<Point>]) -> GrayImage {
    let mut canvas = GrayImage::new(width, height);
    for polygon in polygons {
        let mut vertices: Vec<imageproc::point::Point<i32>> =
            polygon.iter().map(|p| imageproc::point::Point::new(p.x.round() as i32, p.y.round() as i32)).collect();
        vertices.dedup();
        while vertices.len() > 1 && vertices.first() == vertices.last() {
            vertices.pop();
        }
        if vertices.len() >= 3 {
            draw_polygon_mut(&mut canvas, &vertices, Luma([255u8]));
        }
    }
    canvas
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fill_covers_a_square_and_nothing_else() {
        let square = vec![Point::new(2.0, 2.0), Point::new(6.0, 2.0), Point::new(6.0, 6.0), Point::new(2.0, 6.0)];
        let mask = fill(10, &[square]);
        assert!(mask[4 * 10 + 4]);
        assert!(!mask[8 * 10 + 8] && !mask[0]);
        assert_eq!(mask.iter().filter(|&&m| m).count(), 25);
    }

    #[test]
    fn growing_moves_vertices_outwards() {
        let square = vec![Point::new(0.0, 0.0), Point::new(2.0, 0.0), Point::new(2.0, 2.0), Point::new(0.0, 2.0)];
        let grown = grow(&square, 1.0);
        assert!(grown[0].x < 0.0 && grown[0].y < 0.0 && grown[2].x > 2.0);
    }
}
