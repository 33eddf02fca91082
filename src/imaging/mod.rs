//! Geometry primitives and the one sampler every model input is cut with: a rotated rectangle of
//! the photo, resampled to the model's input size from an image pyramid so that strong
//! downscaling (1600 px to 128 px for detection) averages pixels instead of aliasing them.

pub(crate) mod cells;
pub(crate) mod colour;

use image::RgbImage;
use serde::{Deserialize, Serialize};

/// A position in image pixels; (0, 0) is the top-left corner of the top-left pixel, y grows down.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
pub struct Point {
    /// Pixels from the left edge.
    pub x: f32,
    /// Pixels from the top edge.
    pub y: f32,
}

impl Point {
    /// The point at (x, y).
    pub const fn new(x: f32, y: f32) -> Self {
        Point { x, y }
    }

    /// The Euclidean distance to `other`, in pixels.
    pub fn distance(self, other: Point) -> f32 {
        (self.x - other.x).hypot(self.y - other.y)
    }

    /// The point halfway to `other`.
    pub fn midpoint(self, other: Point) -> Point {
        Point::new((self.x + other.x) / 2.0, (self.y + other.y) / 2.0)
    }

    /// Angle of the line from `self` to `other`, in radians, clockwise in the y-down image.
    pub fn angle_to(self, other: Point) -> f32 {
        (other.y - self.y).atan2(other.x - self.x)
    }
}

/// A rectangle of the photo turned by `angle` radians (clockwise in the y-down image) about its centre.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RotatedRect {
    pub centre: Point,
    pub width: f32,
    pub height: f32,
    pub angle: f32,
}

impl RotatedRect {
    /// The image position of rectangle coordinates (u, v), each 0..1 from its top-left corner.
    pub fn to_image(self, u: f32, v: f32) -> Point {
        let (dx, dy) = ((u - 0.5) * self.width, (v - 0.5) * self.height);
        let (sin, cos) = self.angle.sin_cos();
        Point::new(self.centre.x + dx * cos - dy * sin, self.centre.y + dx * sin + dy * cos)
    }
}

/// Scale, rotation and shift: x' = s R x + t.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Similarity {
    /// s cos, s sin of the rotation.
    a: f32,
    b: f32,
    tx: f32,
    ty: f32,
}

impl Similarity {
    /// The least-squares similarity that takes `from` onto `to` (Umeyama's closed form in 2-D).
    pub fn fit(from: &[Point], to: &[Point]) -> Similarity {
        let n = from.len().max(1) as f64;
        let mean = |points: &[Point]| {
            let (x, y) = points.iter().fold((0f64, 0f64), |(x, y), p| (x + f64::from(p.x), y + f64::from(p.y)));
            (x / n, y / n)
        };
        let ((fx, fy), (tx, ty)) = (mean(from), mean(to));
        let (mut dot, mut cross, mut norm) = (0f64, 0f64, 0f64);
        for (p, q) in from.iter().zip(to) {
            let (px, py) = (f64::from(p.x) - fx, f64::from(p.y) - fy);
            let (qx, qy) = (f64::from(q.x) - tx, f64::from(q.y) - ty);
            dot += px * qx + py * qy;
            cross += px * qy - py * qx;
            norm += px * px + py * py;
        }
        let (a, b) = if norm > 0.0 { (dot / norm, cross / norm) } else { (1.0, 0.0) };
        Similarity { a: a as f32, b: b as f32, tx: (tx - a * fx + b * fy) as f32, ty: (ty - b * fx - a * fy) as f32 }
    }

    pub fn apply(&self, p: Point) -> Point {
        Point::new(self.a * p.x - self.b * p.y + self.tx, self.b * p.x + self.a * p.y + self.ty)
    }

    #[cfg(any(test, feature = "tools"))]
    pub fn inverse(&self) -> Similarity {
        let det = (self.a * self.a + self.b * self.b).max(f32::EPSILON);
        let (a, b) = (self.a / det, -self.b / det);
        Similarity { a, b, tx: -(a * self.tx - b * self.ty), ty: -(b * self.tx + a * self.ty) }
    }
}

impl Similarity {
    /// The square of `side` pixels at (0, 0)..(side, side) that this similarity takes into the
    /// photo, as a rectangle the pyramid can sample.
    pub fn square(&self, side: f32) -> RotatedRect {
        RotatedRect {
            centre: self.apply(Point::new(side / 2.0, side / 2.0)),
            width: side * self.a.hypot(self.b),
            height: side * self.a.hypot(self.b),
            angle: self.b.atan2(self.a),
        }
    }
}

/// How pixel values 0..255 are scaled for a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputRange {
    ZeroToOne,
    MinusOneToOne,
    /// 0..255 as it is, for measuring rather than for a model.
    Unscaled,
}

impl InputRange {
    /// `value * scale + offset` maps 0..255 onto the range.
    fn scale_and_offset(self) -> (f32, f32) {
        match self {
            InputRange::ZeroToOne => (1.0 / 255.0, 0.0),
            InputRange::MinusOneToOne => (1.0 / 127.5, -1.0),
            InputRange::Unscaled => (1.0, 0.0),
        }
    }
}

/// What a crop reads beyond the photo's edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Border {
    /// Black, as MediaPipe letterboxes a whole photo for a detector.
    Zero,
    /// The nearest edge pixel, MediaPipe's default for the crops its landmark models read.
    Replicate,
}

/// The photo and its successive halvings. Level 0 is the photo itself.
#[derive(Debug, Clone)]
pub struct Pyramid {
    levels: Vec<RgbImage>,
}

impl Pyramid {
    /// Smallest side a level may have; below it the models never need more reduction.
    const MIN_SIDE: u32 = 48;

    pub fn new(image: RgbImage) -> Self {
        let mut levels = vec![image];
        while let Some(last) = levels.last() {
            if last.width() / 2 < Self::MIN_SIDE || last.height() / 2 < Self::MIN_SIDE {
                break;
            }
            let next = halve(last);
            levels.push(next);
        }
        Pyramid { levels }
    }

    pub fn base(&self) -> &RgbImage {
        &self.levels[0]
    }

    /// Resamples `rect` to `out_width` x `out_height` RGB values in row-major HWC order, mapped to
    /// `range`. Pixels outside the photo are as `border` says. `mirror` flips the result left to
    /// right.
    ///
    /// Reads from the pyramid level where one output pixel spans one to two level pixels, so a
    /// single bilinear tap (a triangle filter two pixels wide) covers its footprint; more taps are
    /// averaged only when the pyramid runs out of levels.
    pub fn sample(
        &self,
        rect: &RotatedRect,
        out_width: usize,
        out_height: usize,
        mirror: bool,
        range: InputRange,
        border: Border,
    ) -> Vec<f32> {
        let mut out = vec![0f32; out_width * out_height * 3];
        let (scale, offset) = range.scale_and_offset();
        self.sample_each(rect, out_width, out_height, border, |row, column, rgb| {
            let out_column = if mirror { out_width - 1 - column } else { column };
            let pixel = &mut out[(row * out_width + out_column) * 3..][..3];
            for c in 0..3 {
                pixel[c] = rgb[c] * scale + offset;
            }
        });
        out
    }

    /// `sample` as RGB triples of 0..255, for measuring rather than for a model.
    pub fn sample_rgb(&self, rect: &RotatedRect, out_width: usize, out_height: usize, border: Border) -> Vec<[f32; 3]> {
        let mut out = vec![[0f32; 3]; out_width * out_height];
        self.sample_each(rect, out_width, out_height, border, |row, column, rgb| out[row * out_width + column] = rgb);
        out
    }

    /// Calls `put(row, column, rgb)` for every output pixel, row-major, with the average of its
    /// taps (0..255).
    fn sample_each(
        &self,
        rect: &RotatedRect,
        out_width: usize,
        out_height: usize,
        border: Border,
        mut put: impl FnMut(usize, usize, [f32; 3]),
    ) {
        if out_width == 0 || out_height == 0 {
            return;
        }
        // Source pixels per output pixel along each axis of the rectangle.
        let scale_x = (rect.width / out_width as f32).abs().max(f32::EPSILON);
        let scale_y = (rect.height / out_height as f32).abs().max(f32::EPSILON);
        let level = (scale_x.min(scale_y).log2().floor().max(0.0) as usize).min(self.levels.len() - 1);
        let level_image = &self.levels[level];
        let level_scale = (1u32 << level) as f32;
        let taps_x = ((scale_x / level_scale / 2.0).ceil() as usize).clamp(1, 4);
        let taps_y = ((scale_y / level_scale / 2.0).ceil() as usize).clamp(1, 4);
        let weight = 1.0 / (taps_x * taps_y) as f32;
        let photo_width = self.levels[0].width() as f32 / level_scale;
        let photo_height = self.levels[0].height() as f32 / level_scale;
        let sampler = Bilinear::new(level_image);

        // Affine map from output (column, row) to level coordinates.
        let (sin, cos) = rect.angle.sin_cos();
        let step_u = rect.width / out_width as f32 / level_scale;
        let step_v = rect.height / out_height as f32 / level_scale;
        let origin = rect.to_image(0.0, 0.0);
        let (ox, oy) = (origin.x / level_scale, origin.y / level_scale);
        let (ux, uy) = (cos * step_u, sin * step_u);
        let (vx, vy) = (-sin * step_v, cos * step_v);
        #[inline(always)]
        fn tap(at: &Tap, sampler: &Bilinear, u: f32, v: f32) -> Option<[f32; 3]> {
            at.read(sampler, at.ox + u * at.ux + v * at.vx, at.oy + u * at.uy + v * at.vy)
        }
        let at = Tap { ox, oy, ux, uy, vx, vy, photo_width, photo_height, border };

        if taps_x == 1 && taps_y == 1 && rect.angle == 0.0 {
            sample_upright(&at, &sampler, out_width, out_height, put);
            return;
        }
        if taps_x == 1 && taps_y == 1 {
            // The common case, kept apart so the loops over the taps disappear. `tap`'s sums
            // ((origin + u * step along u) + v * step along v) with the column's part and the
            // row's product each made once.
            let by_column: Vec<(f32, f32)> = (0..out_width)
                .map(|column| {
                    let u = column as f32 + 0.5;
                    (at.ox + u * at.ux, at.oy + u * at.uy)
                })
                .collect();
            for row in 0..out_height {
                let v = row as f32 + 0.5;
                let (row_x, row_y) = (v * at.vx, v * at.vy);
                for (column, &(column_x, column_y)) in by_column.iter().enumerate() {
                    put(row, column, at.read(&sampler, column_x + row_x, column_y + row_y).unwrap_or([0.0; 3]));
                }
            }
            return;
        }
        for row in 0..out_height {
            for column in 0..out_width {
                let mut sum = [0f32; 3];
                for ty in 0..taps_y {
                    let v = row as f32 + (ty as f32 + 0.5) / taps_y as f32;
                    for tx in 0..taps_x {
                        let u = column as f32 + (tx as f32 + 0.5) / taps_x as f32;
                        if let Some(rgb) = tap(&at, &sampler, u, v) {
                            sum[0] += rgb[0];
                            sum[1] += rgb[1];
                            sum[2] += rgb[2];
                        }
                    }
                }
                put(row, column, sum.map(|c| c * weight));
            }
        }
    }
}

/// `Pyramid::sample_each`'s one-tap loop for an upright rectangle (the detector's views, the
/// segmentation's and the scene's grids): each column's horizontal tap and each row's vertical
/// one are computed once, by the same arithmetic as a tap of its own (with no turn, `v * vx`
/// and `u * uy` are zeros, which change no sum). Apart, so that the turned case's loop compiles
/// as it did.
#[inline(never)]
fn sample_upright(
    at: &Tap,
    sampler: &Bilinear,
    out_width: usize,
    out_height: usize,
    mut put: impl FnMut(usize, usize, [f32; 3]),
) {
    let columns: Vec<Option<AxisTap>> = (0..out_width)
        .map(|column| {
            let u = column as f32 + 0.5;
            let x = at.ox + u * at.ux + 0.5 * at.vx;
            at.inside(x, at.photo_width).then(|| sampler.axis_tap(x - 0.5, sampler.max_x, 3))
        })
        .collect();
    for row in 0..out_height {
        let v = row as f32 + 0.5;
        let y = at.oy + 0.5 * at.uy + v * at.vy;
        let vertical =
            at.inside(y, at.photo_height).then(|| sampler.axis_tap(y - 0.5, sampler.max_y, sampler.width * 3));
        for (column, horizontal) in columns.iter().enumerate() {
            let rgb = match (horizontal, &vertical) {
                (Some(horizontal), Some(vertical)) => sampler.at_taps(horizontal, vertical),
                _ => [0.0; 3],
            };
            put(row, column, rgb);
        }
    }
}

/// The affine map from output (column, row) to level coordinates, and the photo's extent there.
struct Tap {
    ox: f32,
    oy: f32,
    ux: f32,
    uy: f32,
    vx: f32,
    vy: f32,
    photo_width: f32,
    photo_height: f32,
    border: Border,
}

impl Tap {
    /// The photo at level coordinates (x, y); None outside it where the border is black. Inside,
    /// and everywhere where it replicates, edge pixels repeat (halving may have dropped a
    /// fraction of the last row or column).
    #[inline(always)]
    fn read(&self, sampler: &Bilinear, x: f32, y: f32) -> Option<[f32; 3]> {
        (self.inside(x, self.photo_width) && self.inside(y, self.photo_height)).then(|| sampler.at(x - 0.5, y - 0.5))
    }

    /// Whether a coordinate along an axis of this extent reads the photo.
    #[inline(always)]
    fn inside(&self, coordinate: f32, extent: f32) -> bool {
        self.border == Border::Replicate || (coordinate >= 0.0 && coordinate < extent)
    }
}

/// One axis of a bilinear tap: byte offsets of the two neighbours and the second's weight.
struct AxisTap {
    first: usize,
    second: usize,
    weight: f32,
}

/// Bilinear interpolation at pixel-centre coordinates; taps beyond the edge repeat the edge.
pub(crate) struct Bilinear<'a> {
    raw: &'a [u8],
    width: usize,
    max_x: f32,
    max_y: f32,
}

impl<'a> Bilinear<'a> {
    pub(crate) fn new(image: &'a RgbImage) -> Self {
        Bilinear {
            raw: image.as_raw(),
            width: image.width() as usize,
            max_x: (image.width() - 1) as f32,
            max_y: (image.height() - 1) as f32,
        }
    }

    /// One axis of `at`'s interpolation: the two neighbours' byte offsets (`step` bytes per
    /// pixel along the axis) and the weight of the second.
    #[inline(always)]
    fn axis_tap(&self, position: f32, max: f32, step: usize) -> AxisTap {
        let position = position.clamp(0.0, max);
        let first = position as usize;
        let weight = position - first as f32;
        let second = if first as f32 + 1.0 <= max { first + 1 } else { first };
        AxisTap { first: first * step, second: second * step, weight }
    }

    /// `at` from its two axes' taps: the same reads and the same arithmetic.
    #[inline(always)]
    fn at_taps(&self, horizontal: &AxisTap, vertical: &AxisTap) -> [f32; 3] {
        self.interpolate(
            [
                vertical.first + horizontal.first,
                vertical.first + horizontal.second,
                vertical.second + horizontal.first,
                vertical.second + horizontal.second,
            ],
            horizontal.weight,
            vertical.weight,
        )
    }

    #[inline(always)]
    pub(crate) fn at(&self, x: f32, y: f32) -> [f32; 3] {
        let x = x.clamp(0.0, self.max_x);
        let y = y.clamp(0.0, self.max_y);
        let (x0, y0) = (x as usize, y as usize);
        let (fx, fy) = (x - x0 as f32, y - y0 as f32);
        let x1 = if x0 as f32 + 1.0 <= self.max_x { x0 + 1 } else { x0 };
        let y1 = if y0 as f32 + 1.0 <= self.max_y { y0 + 1 } else { y0 };
        let (top, bottom) = (y0 * self.width, y1 * self.width);
        self.interpolate([(top + x0) * 3, (top + x1) * 3, (bottom + x0) * 3, (bottom + x1) * 3], fx, fy)
    }

    /// The four texels at byte offsets (top left, top right, bottom left, bottom right) weighed
    /// by the fractions across (`fx`) and down (`fy`).
    #[inline(always)]
    fn interpolate(&self, [a, b, c, d]: [usize; 4], fx: f32, fy: f32) -> [f32; 3] {
        // Fixed-size reads: one bounds check per tap instead of one per byte.
        let texel = |at: usize| -> [f32; 3] {
            let bytes: &[u8; 3] = self.raw[at..at + 3].try_into().expect("three bytes");
            bytes.map(f32::from)
        };
        let (pa, pb, pc, pd) = (texel(a), texel(b), texel(c), texel(d));
        let mut out = [0f32; 3];
        for i in 0..3 {
            let upper = pa[i] + (pb[i] - pa[i]) * fx;
            let lower = pc[i] + (pd[i] - pc[i]) * fx;
            out[i] = upper + (lower - upper) * fy;
        }
        out
    }
}

/// Averages 2x2 blocks; an odd last row or column is dropped, as the continuous coordinates of the
/// levels stay aligned at the top-left corner. Also compiled for AVX2 (integer sums: the same
/// bytes).
#[multiversion::multiversion(targets("x86_64+avx2"))]
fn halve(image: &RgbImage) -> RgbImage {
    let (width, height) = (image.width() / 2, image.height() / 2);
    let src = image.as_raw();
    let src_stride = image.width() as usize * 3;
    let mut out = vec![0u8; width as usize * height as usize * 3];
    for (row, out_row) in out.chunks_exact_mut(width as usize * 3).enumerate() {
        let top = &src[2 * row * src_stride..][..src_stride];
        let bottom = &src[(2 * row + 1) * src_stride..][..src_stride];
        // Zipped fixed-size chunks let the compiler drop the bounds checks.
        let pairs = top.chunks_exact(6).zip(bottom.chunks_exact(6));
        for (pixel, (upper, lower)) in out_row.chunks_exact_mut(3).zip(pairs) {
            for c in 0..3 {
                let sum = u16::from(upper[c]) + u16::from(upper[3 + c]) + u16::from(lower[c]) + u16::from(lower[3 + c]);
                pixel[c] = ((sum + 2) / 4) as u8;
            }
        }
    }
    RgbImage::from_raw(width, height, out).expect("buffer sized for the halved image")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_fit_recovers_a_known_transform_and_inverts() {
        let truth = Similarity { a: 1.2 * 0.3f32.cos(), b: 1.2 * 0.3f32.sin(), tx: 15.0, ty: -7.0 };
        let from: Vec<Point> = (0..20).map(|i| Point::new((i * 37 % 101) as f32, (i * 53 % 89) as f32)).collect();
        let to: Vec<Point> = from.iter().map(|&p| truth.apply(p)).collect();
        let fitted = Similarity::fit(&from, &to);
        for (&p, &q) in from.iter().zip(&to) {
            assert!(fitted.apply(p).distance(q) < 1e-3);
            assert!(fitted.inverse().apply(q).distance(p) < 1e-3);
        }
        let square = truth.square(150.0);
        for (u, v) in [(0.0, 0.0), (1.0, 0.0), (0.3, 0.8)] {
            assert!(square.to_image(u, v).distance(truth.apply(Point::new(150.0 * u, 150.0 * v))) < 1e-3);
        }
    }

    #[test]
    fn upright_sampling_gives_each_pixels_own_tap_bit_for_bit() {
        let image =
            RgbImage::from_fn(301, 203, |x, y| image::Rgb([(x * 7 + y * 3) as u8, (x * y) as u8, (x ^ y) as u8]));
        let sampler = Bilinear::new(&image);
        // Inside, across the border (black or replicated there), scaled up and down, at fractional
        // offsets.
        for ((ox, oy, step_u, step_v, width, height), border) in
            [(0.0, 0.0, 1.0, 1.0, 301, 203), (-20.3, 15.7, 0.77, 1.31, 97, 64), (250.2, -9.9, 1.9, 0.45, 40, 50)]
                .into_iter()
                .flat_map(|case| [(case, Border::Zero), (case, Border::Replicate)])
        {
            let at = Tap {
                ox,
                oy,
                ux: step_u,
                uy: 0.0,
                vx: -0.0,
                vy: step_v,
                photo_width: image.width() as f32,
                photo_height: image.height() as f32,
                border,
            };
            let mut upright = Vec::new();
            sample_upright(&at, &sampler, width, height, |_, _, rgb| upright.push(rgb));
            let mut each = Vec::new();
            for row in 0..height {
                for column in 0..width {
                    let (u, v) = (column as f32 + 0.5, row as f32 + 0.5);
                    let (x, y) = (at.ox + u * at.ux + v * at.vx, at.oy + u * at.uy + v * at.vy);
                    each.push(at.read(&sampler, x, y).unwrap_or([0.0; 3]));
                }
            }
            let bits = |values: &[[f32; 3]]| values.iter().flatten().map(|v| v.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&upright), bits(&each));
        }
    }

    #[test]
    fn an_unrotated_full_rect_reproduces_a_flat_image() {
        let image = RgbImage::from_pixel(400, 300, image::Rgb([200, 100, 50]));
        let pyramid = Pyramid::new(image);
        let rect = RotatedRect { centre: Point::new(200.0, 150.0), width: 400.0, height: 300.0, angle: 0.0 };
        let out = pyramid.sample(&rect, 40, 30, false, InputRange::ZeroToOne, Border::Zero);
        assert!(out.chunks(3).all(|p| (p[0] - 200.0 / 255.0).abs() < 1e-3 && (p[2] - 50.0 / 255.0).abs() < 1e-3));
    }

    #[test]
    fn rect_corners_map_through_the_rotation() {
        let rect =
            RotatedRect { centre: Point::new(10.0, 10.0), width: 4.0, height: 2.0, angle: std::f32::consts::FRAC_PI_2 };
        let right_middle = rect.to_image(1.0, 0.5);
        assert!((right_middle.x - 10.0).abs() < 1e-5 && (right_middle.y - 12.0).abs() < 1e-5);
    }

    proptest::proptest! {
        #[test]
        fn rect_coordinates_rotate_rigidly(
            cx in -100.0f32..2000.0, cy in -100.0f32..2000.0, width in 1.0f32..800.0, height in 1.0f32..800.0,
            angle in -3.2f32..3.2, u in 0.0f32..1.0, v in 0.0f32..1.0,
        ) {
            let rect = RotatedRect { centre: Point::new(cx, cy), width, height, angle };
            let centre = rect.to_image(0.5, 0.5);
            proptest::prop_assert!(centre.distance(rect.centre) < 1e-3);
            // Distances from the centre are those of the unrotated rectangle.
            let p = rect.to_image(u, v);
            let expected = ((u - 0.5) * width).hypot((v - 0.5) * height);
            proptest::prop_assert!((p.distance(rect.centre) - expected).abs() < 1e-2 * (1.0 + expected));
            // The rectangle's x axis points along `angle`.
            let right = rect.to_image(1.0, 0.5);
            if width > 1.0 {
                let along = rect.centre.angle_to(right);
                let difference = (along - angle).rem_euclid(std::f32::consts::TAU);
                proptest::prop_assert!(!(1e-3..=std::f32::consts::TAU - 1e-3).contains(&difference));
            }
        }
    }

    #[test]
    fn mirroring_flips_columns_and_outside_is_black() {
        let image = RgbImage::from_fn(64, 64, |x, _| image::Rgb([if x < 32 { 255 } else { 0 }; 3]));
        let pyramid = Pyramid::new(image);
        let rect = RotatedRect { centre: Point::new(32.0, 32.0), width: 64.0, height: 64.0, angle: 0.0 };
        let plain = pyramid.sample(&rect, 8, 8, false, InputRange::ZeroToOne, Border::Zero);
        let mirrored = pyramid.sample(&rect, 8, 8, true, InputRange::ZeroToOne, Border::Zero);
        assert!(plain[0] > 0.99 && mirrored[0] < 0.01);
        let outside = RotatedRect { centre: Point::new(-100.0, -100.0), ..rect };
        assert!(
            pyramid.sample(&outside, 4, 4, false, InputRange::MinusOneToOne, Border::Zero).iter().all(|&v| v == -1.0)
        );
    }

    #[test]
    fn a_replicated_border_repeats_the_nearest_edge_pixel() {
        // Left half white, right half black; a crop hanging off the left edge, upright and turned.
        let image = RgbImage::from_fn(64, 64, |x, _| image::Rgb([if x < 32 { 255 } else { 0 }; 3]));
        let pyramid = Pyramid::new(image);
        for angle in [0.0, 0.3] {
            let off_left = RotatedRect { centre: Point::new(-40.0, 32.0), width: 32.0, height: 32.0, angle };
            let replicated = pyramid.sample(&off_left, 4, 4, false, InputRange::ZeroToOne, Border::Replicate);
            assert!(replicated.iter().all(|&v| v > 0.99), "{angle}");
            let black = pyramid.sample(&off_left, 4, 4, false, InputRange::ZeroToOne, Border::Zero);
            assert!(black.iter().all(|&v| v == 0.0), "{angle}");
        }
    }
}
