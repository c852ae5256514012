//! Box overlaps as the reference's detection graders compute them: axis-aligned boxes given
//! by corners (SIIM), pycocotools' `bbIou` on `[x, y, w, h]` boxes (VinBigData), and the
//! Lyft 3D boxes (a rotated ground rectangle extruded along z).

/// Python's `max(a, b)`: `a` unless `b > a` (so a NaN first argument wins).
fn py_max(a: f64, b: f64) -> f64 {
    if b > a {
        b
    } else {
        a
    }
}

/// Python's `min(a, b)`: `a` unless `b < a`.
fn py_min(a: f64, b: f64) -> f64 {
    if b < a {
        b
    } else {
        a
    }
}

/// IoU of two `[xmin, ymin, xmax, ymax]` boxes, in the SIIM grader's arithmetic.
///
/// Edge cases: disjoint or touching boxes give 0.0; a non-positive union (zero-area boxes)
/// gives 0.0; negative widths count as zero overlap but their (negative) areas still enter
/// the union, as in the reference.
pub fn box_iou_corners(a: &[f64; 4], b: &[f64; 4]) -> f64 {
    let inter_w = py_max(0.0, py_min(a[2], b[2]) - py_max(a[0], b[0]));
    let inter_h = py_max(0.0, py_min(a[3], b[3]) - py_max(a[1], b[1]));
    let inter = inter_w * inter_h;
    let area_a = (a[2] - a[0]) * (a[3] - a[1]);
    let area_b = (b[2] - b[0]) * (b[3] - b[1]);
    let union = area_a + area_b - inter;
    if union > 0.0 {
        inter / union
    } else {
        0.0
    }
}

/// pycocotools' `bbIou` for one detection and one non-crowd ground truth, both
/// `[x, y, w, h]`.
///
/// Edge cases: no overlap (width or height `<= 0`) gives 0.0; C's `fmin`/`fmax` ignore a NaN
/// operand, so NaN coordinates can still give a (NaN) overlap, as in pycocotools.
pub fn coco_box_iou(dt: &[f64; 4], gt: &[f64; 4]) -> f64 {
    let gt_area = gt[2] * gt[3];
    let dt_area = dt[2] * dt[3];
    let w = (dt[2] + dt[0]).min(gt[2] + gt[0]) - dt[0].max(gt[0]);
    if w <= 0.0 {
        return 0.0;
    }
    let h = (dt[3] + dt[1]).min(gt[3] + gt[1]) - dt[1].max(gt[1]);
    if h <= 0.0 {
        return 0.0;
    }
    let inter = w * h;
    inter / (dt_area + gt_area - inter)
}

type Point = (f64, f64);

/// Area of the intersection of two convex polygons given counter-clockwise
/// (Sutherland-Hodgman clipping, then the shoelace formula).
pub fn convex_intersection_area(subject: &[Point], clip: &[Point]) -> f64 {
    let mut poly: Vec<Point> = subject.to_vec();
    for i in 0..clip.len() {
        if poly.len() < 3 {
            return 0.0;
        }
        let a = clip[i];
        let b = clip[(i + 1) % clip.len()];
        poly = clip_half_plane(&poly, a, b);
    }
    if poly.len() < 3 {
        return 0.0;
    }
    polygon_area(&poly).abs()
}

/// Keep the part of `poly` left of the directed line `a -> b`.
fn clip_half_plane(poly: &[Point], a: Point, b: Point) -> Vec<Point> {
    let side = |p: Point| (b.0 - a.0) * (p.1 - a.1) - (b.1 - a.1) * (p.0 - a.0);
    let mut out = Vec::with_capacity(poly.len() + 2);
    for i in 0..poly.len() {
        let p = poly[i];
        let q = poly[(i + 1) % poly.len()];
        let (sp, sq) = (side(p), side(q));
        if sp >= 0.0 {
            out.push(p);
        }
        if (sp >= 0.0) != (sq >= 0.0) {
            out.push(crossing(p, q, sp, sq, a, b));
        }
    }
    out
}

/// Where segment `p -> q` crosses the line `a -> b`; exact on axis-parallel lines.
fn crossing(p: Point, q: Point, sp: f64, sq: f64, a: Point, b: Point) -> Point {
    let t = sp / (sp - sq);
    let mut x = p.0 + t * (q.0 - p.0);
    let mut y = p.1 + t * (q.1 - p.1);
    if a.0 == b.0 {
        x = a.0;
    }
    if a.1 == b.1 {
        y = a.1;
    }
    if p.0 == q.0 {
        x = p.0;
    }
    if p.1 == q.1 {
        y = p.1;
    }
    (x, y)
}

/// Signed shoelace area (GEOS' formulation: x shifted by the first vertex).
fn polygon_area(poly: &[Point]) -> f64 {
    let x0 = poly[0].0;
    let n = poly.len();
    let mut sum = 0.0;
    for i in 0..n {
        let prev = poly[(i + n - 1) % n];
        let cur = poly[i];
        let next = poly[(i + 1) % n];
        sum += (cur.0 - x0) * (prev.1 - next.1);
    }
    sum / 2.0
}

/// A Lyft 3D box: centre, size `(width, length, height)` and yaw about the z axis, with the
/// ground rectangle the reference's `Box3D` builds from the yaw quaternion.
#[derive(Debug, Clone)]
pub struct Box3d {
    pub volume: f64,
    pub min_z: f64,
    pub max_z: f64,
    /// ground rectangle, counter-clockwise
    pub ground: [Point; 4],
}

impl Box3d {
    /// Build and validate as `Box3D(**box)` does; `Err` where the reference raises (NaN
    /// centre, size or yaw; a size that is not positive; a ground rectangle whose corners
    /// are not orthogonal within 1e-8, which happens for non-finite or huge values).
    pub fn new(translation: [f64; 3], size: [f64; 3], yaw: f64) -> Result<Box3d, String> {
        if translation.iter().any(|v| v.is_nan()) {
            return Err("Translation may not be NaN!".into());
        }
        if size.iter().any(|v| v.is_nan()) {
            return Err("Size may not be NaN!".into());
        }
        let (c, s) = yaw_quaternion(yaw);
        if c.is_nan() || s.is_nan() {
            return Err("Rotation may not be NaN!".into());
        }
        let volume = (size[0] * size[1]) * size[2];
        if !size.iter().all(|&v| v > 0.0) {
            return Err(format!("box size must be positive, got {size:?}"));
        }
        // rotation matrix entries (0,0) and (1,0) of the quaternion (c, 0, 0, s), rounded as
        // numpy's BLAS product does (one fused multiply-add)
        let cos_angle = (-s).mul_add(s, c * c);
        let sin_angle = s * c + c * s;
        let [width, length, height] = size;
        let [cx, cy, cz] = translation;
        let (hl, hw) = (length / 2.0, width / 2.0);
        let p0 = (
            cx + hl * cos_angle + hw * sin_angle,
            cy + hl * sin_angle - hw * cos_angle,
        );
        let p1 = (
            cx + hl * cos_angle - hw * sin_angle,
            cy + hl * sin_angle + hw * cos_angle,
        );
        let p2 = (
            cx - hl * cos_angle - hw * sin_angle,
            cy - hl * sin_angle + hw * cos_angle,
        );
        let p3 = (
            cx - hl * cos_angle + hw * sin_angle,
            cy - hl * sin_angle - hw * cos_angle,
        );
        let orthogonal = |a: Point, b: Point, c: Point| {
            ((b.0 - a.0) * (c.0 - a.0) + (b.1 - a.1) * (c.1 - a.1)).abs() <= 1e-8
        };
        if !(orthogonal(p0, p1, p3)
            && orthogonal(p1, p0, p2)
            && orthogonal(p2, p1, p3)
            && orthogonal(p3, p0, p2))
        {
            return Err(
                "the box's ground rectangle is not orthogonal (non-finite or huge values)".into(),
            );
        }
        Ok(Box3d {
            volume,
            min_z: cz - height / 2.0,
            max_z: cz + height / 2.0,
            ground: [p0, p1, p2, p3],
        })
    }

    /// `Box3D.get_iou`: intersection volume over union volume, clipped to [0, 1]; `self` is
    /// the prediction and `other` the ground truth.
    pub fn iou(&self, other: &Box3d) -> f64 {
        let min_z = py_max(other.min_z, self.min_z);
        let max_z = py_min(other.max_z, self.max_z);
        let height = py_max(0.0, max_z - min_z);
        let area = convex_intersection_area(&self.ground, &other.ground);
        let inter = height * area;
        let union = self.volume + other.volume - inter;
        (inter / union).clamp(0.0, 1.0)
    }
}

/// The quaternion `Quaternion(axis=[0, 0, 1], radians=yaw)`: `(cos(yaw/2), sin(yaw/2))`.
pub fn yaw_quaternion(yaw: f64) -> (f64, f64) {
    let theta = yaw / 2.0;
    (theta.cos(), theta.sin())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corner_iou() {
        assert_eq!(
            box_iou_corners(&[0.0, 0.0, 2.0, 2.0], &[1.0, 0.0, 3.0, 2.0]),
            2.0 / 6.0
        );
        assert_eq!(
            box_iou_corners(&[0.0, 0.0, 1.0, 1.0], &[0.0, 0.0, 1.0, 1.0]),
            1.0
        );
        assert_eq!(
            box_iou_corners(&[0.0, 0.0, 1.0, 1.0], &[2.0, 2.0, 3.0, 3.0]),
            0.0
        );
        assert_eq!(
            box_iou_corners(&[0.0, 0.0, 0.0, 0.0], &[0.0, 0.0, 0.0, 0.0]),
            0.0
        );
    }

    #[test]
    fn coco_iou_reads_xywh() {
        assert_eq!(
            coco_box_iou(&[0.0, 0.0, 2.0, 2.0], &[1.0, 0.0, 2.0, 2.0]),
            2.0 / 6.0
        );
        assert_eq!(
            coco_box_iou(&[0.0, 0.0, 1.0, 1.0], &[1.0, 0.0, 1.0, 1.0]),
            0.0
        );
        assert_eq!(
            coco_box_iou(&[0.0, 0.0, 0.0, 0.0], &[0.0, 0.0, 1.0, 1.0]),
            0.0
        );
    }

    #[test]
    fn rotated_rectangles() {
        let sq = |cx: f64, cy: f64, h: f64| {
            [
                (cx - h, cy - h),
                (cx + h, cy - h),
                (cx + h, cy + h),
                (cx - h, cy + h),
            ]
        };
        assert_eq!(
            convex_intersection_area(&sq(0.0, 0.0, 1.0), &sq(1.0, 0.0, 1.0)),
            2.0
        );
        assert_eq!(
            convex_intersection_area(&sq(0.0, 0.0, 1.0), &sq(3.0, 0.0, 1.0)),
            0.0
        );
        // a square and its 45-degree rotation: an octagon of area 8 (sqrt 2 - 1) for side 2
        let r = std::f64::consts::SQRT_2;
        let diamond = [(0.0, -r), (r, 0.0), (0.0, r), (-r, 0.0)];
        let area = convex_intersection_area(&sq(0.0, 0.0, 1.0), &diamond);
        assert!((area - 8.0 * (r - 1.0)).abs() < 1e-12, "{area}");
    }

    #[test]
    fn boxes_3d() {
        let a = Box3d::new([0.0, 0.0, 0.0], [2.0, 4.0, 2.0], 0.3).unwrap();
        assert!((a.iou(&a) - 1.0).abs() < 1e-12);
        let b = Box3d::new([0.0, 0.0, 1.0], [2.0, 4.0, 2.0], 0.3).unwrap();
        assert!((a.iou(&b) - 1.0 / 3.0).abs() < 1e-12);
        assert!(Box3d::new([0.0, 0.0, 0.0], [0.0, 4.0, 2.0], 0.0).is_err());
        assert!(Box3d::new([f64::NAN, 0.0, 0.0], [1.0, 4.0, 2.0], 0.0).is_err());
        assert!(Box3d::new([0.0, 0.0, 0.0], [1.0, 4.0, 2.0], f64::NAN).is_err());
        assert!(Box3d::new([f64::INFINITY, 0.0, 0.0], [1.0, 4.0, 2.0], 0.0).is_err());
    }
}
