//! The whole photo on a coarse grid, split into the subject, other people and the background,
//! for the background checks. Computed once per photo by the pipeline.

use image::{GrayImage, Luma};
use imageproc::distance_transform::{Norm, distance_transform};

use crate::imaging::{Border, Point, Pyramid, RotatedRect, cells, colour};
use crate::models::PersonMask;

/// Grid columns across the photo: the person mask's own resolution.
const COLUMNS: usize = 256;
/// Cells this close to the person (mask edge blur, stray hair) are neither person nor background.
const EDGE_CELLS: u8 = 5;

#[derive(Debug, Clone)]
pub struct Scene {
    pub width: usize,
    pub height: usize,
    /// Photo pixels per grid cell.
    pub cell_px: f32,
    /// sRGB 0..255 per cell.
    pub rgb: Vec<[f32; 3]>,
    /// ISO/IEC 29794-5 luminance per cell.
    pub luminance: Vec<u8>,
    /// Person regions not connected to the subject: other people, or things the mask took for one.
    pub other_people: Vec<bool>,
    /// Each such region's bounding box in photo pixels (x0, y0, x1, y1), largest first.
    pub other_people_boxes: Vec<[f32; 4]>,
    /// Clear background: no person within a few cells.
    pub background: Vec<bool>,
    /// Cells from each cell to the nearest person cell (saturates at 255).
    pub distance_to_person: Vec<u8>,
}

impl Scene {
    /// `face_centre` picks which person region is the subject.
    pub fn new(pyramid: &Pyramid, mask: &PersonMask, face_centre: Point) -> Scene {
        let (photo_width, photo_height) = (pyramid.base().width() as f32, pyramid.base().height() as f32);
        let cell_px = photo_width / COLUMNS as f32;
        let width = COLUMNS;
        let height = ((photo_height / cell_px).round() as usize).max(1);
        // The grid starts at the photo's top-left corner, as `cell_of` and the mask's cell centres
        // read it; its last row may reach up to half a cell past the bottom edge, where the edge's
        // own pixels stand in.
        let whole = RotatedRect {
            centre: Point::new(photo_width / 2.0, height as f32 * cell_px / 2.0),
            width: photo_width,
            height: height as f32 * cell_px,
            angle: 0.0,
        };
        let rgb = pyramid.sample_rgb(&whole, width, height, Border::Replicate);
        let luminance = rgb.iter().map(|&p| colour::luminance(p)).collect();

        let cell_centre =
            |i: usize| Point::new(((i % width) as f32 + 0.5) * cell_px, ((i / width) as f32 + 0.5) * cell_px);
        let person = GrayImage::from_fn(width as u32, height as u32, |x, y| {
            let p = mask.at(cell_centre(y as usize * width + x as usize));
            Luma([if p > 0.5 { 255 } else { 0 }])
        });
        let person_cells: Vec<bool> = person.as_raw().iter().map(|&p| p > 0).collect();
        let labels = cells::regions(&person_cells, width, height);
        let face_cell =
            (((face_centre.x / cell_px) as usize).min(width - 1), ((face_centre.y / cell_px) as usize).min(height - 1));
        // The region under the eyes, or where the mask leaves a hole there, the nearest one: with
        // no subject region nothing could count as another person.
        let distance_to_face =
            |i: usize| (i % width).abs_diff(face_cell.0).pow(2) + (i / width).abs_diff(face_cell.1).pow(2);
        let subject_label = match labels[face_cell.1 * width + face_cell.0] {
            0 => labels
                .iter()
                .enumerate()
                .filter(|&(_, &label)| label != 0)
                .min_by_key(|&(i, _)| distance_to_face(i))
                .map_or(0, |(_, &label)| label),
            under_the_eyes => under_the_eyes,
        };
        let other_people: Vec<bool> =
            labels.iter().map(|&l| l != 0 && subject_label != 0 && l != subject_label).collect();
        let mut boxes: std::collections::BTreeMap<u32, (usize, [usize; 4])> = std::collections::BTreeMap::new();
        for (i, &label) in labels.iter().enumerate().filter(|&(i, _)| other_people[i]) {
            let (x, y) = (i % width, i / width);
            let entry = boxes.entry(label).or_insert((0, [x, y, x, y]));
            entry.0 += 1;
            entry.1 = [entry.1[0].min(x), entry.1[1].min(y), entry.1[2].max(x), entry.1[3].max(y)];
        }
        let mut boxes: Vec<(usize, [usize; 4])> = boxes.into_values().collect();
        boxes.sort_by_key(|b| std::cmp::Reverse(b.0));
        let other_people_boxes = boxes
            .into_iter()
            .map(|(_, [x0, y0, x1, y1])| [x0, y0, x1 + 1, y1 + 1].map(|v| v as f32 * cell_px))
            .collect();
        let distance_to_person = distance_transform(&person, Norm::L2).into_raw();
        let background = distance_to_person.iter().map(|&d| d > EDGE_CELLS).collect();
        Scene {
            width,
            height,
            cell_px,
            rgb,
            luminance,
            other_people,
            other_people_boxes,
            background,
            distance_to_person,
        }
    }

    /// Grid cell of a photo position, clamped to the grid.
    pub fn cell_of(&self, p: Point) -> (usize, usize) {
        let x = (p.x / self.cell_px).floor().clamp(0.0, (self.width - 1) as f32) as usize;
        let y = (p.y / self.cell_px).floor().clamp(0.0, (self.height - 1) as f32) as usize;
        (x, y)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::segmentation::SIZE;

    /// A grey 256x256 photo whose mask holds the subject (columns 96..160, rows 64 on) with a
    /// hole around `face_centre`, and another person in the top left corner.
    fn scene_with_hole_at(face_centre: Point) -> Scene {
        let photo = image::RgbImage::from_pixel(256, 256, image::Rgb([200, 200, 200]));
        let probabilities = (0..SIZE * SIZE)
            .map(|i| {
                let (x, y) = (i % SIZE, i / SIZE);
                let subject = (96..160).contains(&x) && y >= 64;
                let hole = x.abs_diff(face_centre.x as usize) < 8 && y.abs_diff(face_centre.y as usize) < 8;
                let other = x < 40 && y < 40;
                if (subject && !hole) || other { 1.0 } else { 0.0 }
            })
            .collect();
        let mask = PersonMask::from_probabilities(probabilities, 256, 256);
        Scene::new(&Pyramid::new(photo), &mask, face_centre)
    }

    #[test]
    fn another_person_counts_when_the_mask_has_a_hole_under_the_eyes() {
        let scene = scene_with_hole_at(Point::new(128.0, 100.0));
        let cell = |x: f32, y: f32| {
            let (column, row) = scene.cell_of(Point::new(x, y));
            row * scene.width + column
        };
        assert!(scene.other_people[cell(20.0, 20.0)], "the person in the corner");
        assert!(!scene.other_people[cell(128.0, 200.0)], "the subject");
        assert_eq!(scene.other_people_boxes.len(), 1);
    }

    /// The grid's cells read the photo where `cell_of` places them, also where the photo's height
    /// is no whole number of cells: a 512x1001 photo (2 px cells, 500.5 rows) white in its top 2
    /// rows of pixels reads white in its first cell row and black in its second, and its last row
    /// (half past the bottom edge) reads the grey of the bottom rows.
    #[test]
    fn the_grid_lies_where_cell_of_says() {
        let photo = image::RgbImage::from_fn(512, 1001, |_, y| {
            image::Rgb(if y < 2 {
                [255; 3]
            } else if y >= 995 {
                [128; 3]
            } else {
                [0; 3]
            })
        });
        let mask = PersonMask::from_probabilities(vec![0.0; SIZE * SIZE], 512, 1001);
        let scene = Scene::new(&Pyramid::new(photo), &mask, Point::new(256.0, 500.0));
        assert_eq!(scene.cell_of(Point::new(0.0, 1.9)), (0, 0));
        let row_mean = |row: usize| {
            scene.rgb[row * scene.width..(row + 1) * scene.width].iter().map(|p| p[0]).sum::<f32>() / scene.width as f32
        };
        assert!(row_mean(0) > 250.0, "first row {}", row_mean(0));
        assert!(row_mean(1) < 5.0, "second row {}", row_mean(1));
        let last = scene.height - 1;
        assert!((row_mean(last) - 128.0).abs() < 8.0, "last row {} of {}", row_mean(last), scene.height);
    }
}
