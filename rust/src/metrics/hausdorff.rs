//! Directed Hausdorff distance between point sets, with the value
//! `scipy.spatial.distance.directed_hausdorff` returns: `sqrt(max_a min_b |a - b|^2)`, the
//! squared distance summed over coordinates in order, as scipy does.
//!
//! scipy compares every pair (with an early break); here the nearest-neighbour search uses a
//! k-d tree over `b` and stops for a point of `a` as soon as some point of `b` is no
//! farther than the running maximum, which cannot change the result. Pruning compares exact
//! floating-point lower bounds, so the result is the same number scipy computes.

use rayon::prelude::*;

/// Points stored row-major: `coords.len() == n * dims`.
#[derive(Debug, Clone)]
pub struct Points<'a> {
    pub coords: &'a [f64],
    pub dims: usize,
}

impl<'a> Points<'a> {
    pub fn new(coords: &'a [f64], dims: usize) -> Result<Self, String> {
        if dims == 0 || !coords.len().is_multiple_of(dims) {
            return Err(format!(
                "{} coordinates do not form points of {dims} dimensions",
                coords.len()
            ));
        }
        Ok(Points { coords, dims })
    }

    pub fn len(&self) -> usize {
        self.coords.len() / self.dims
    }

    pub fn is_empty(&self) -> bool {
        self.coords.is_empty()
    }

    fn point(&self, i: usize) -> &'a [f64] {
        &self.coords[i * self.dims..(i + 1) * self.dims]
    }
}

fn squared_distance(a: &[f64], b: &[f64]) -> f64 {
    let mut d = 0.0;
    for (x, y) in a.iter().zip(b) {
        d += (x - y) * (x - y);
    }
    d
}

/// A k-d tree over a point set: indices permuted so that every node's median point splits
/// its range along `depth % dims`.
struct KdTree<'a> {
    points: Points<'a>,
    order: Vec<usize>,
}

impl<'a> KdTree<'a> {
    fn build(points: Points<'a>) -> Self {
        let mut order: Vec<usize> = (0..points.len()).collect();
        Self::split(&points, &mut order, 0);
        KdTree { points, order }
    }

    fn split(points: &Points<'_>, idx: &mut [usize], depth: usize) {
        if idx.len() <= 1 {
            return;
        }
        let axis = depth % points.dims;
        let mid = idx.len() / 2;
        idx.select_nth_unstable_by(mid, |&a, &b| {
            points.point(a)[axis].total_cmp(&points.point(b)[axis])
        });
        let (left, right) = idx.split_at_mut(mid);
        Self::split(points, left, depth + 1);
        Self::split(points, &mut right[1..], depth + 1);
    }

    /// The smallest squared distance from `q` to the tree's points, or any value not above
    /// `enough` as soon as one is found (the caller only needs to know it is not above).
    fn nearest(&self, q: &[f64], enough: f64) -> f64 {
        let mut best = f64::INFINITY;
        self.search(q, 0, self.order.len(), 0, enough, &mut best);
        best
    }

    fn search(
        &self,
        q: &[f64],
        lo: usize,
        hi: usize,
        depth: usize,
        enough: f64,
        best: &mut f64,
    ) -> bool {
        if lo >= hi {
            return false;
        }
        let mid = lo + (hi - lo) / 2;
        let p = self.points.point(self.order[mid]);
        let d = squared_distance(q, p);
        if d < *best {
            *best = d;
        }
        // a point of `b` no farther than the running maximum cannot raise it
        if *best <= enough {
            return true;
        }
        let axis = depth % self.points.dims;
        let diff = q[axis] - p[axis];
        let (near, far) = if diff < 0.0 {
            ((lo, mid), (mid + 1, hi))
        } else {
            ((mid + 1, hi), (lo, mid))
        };
        if self.search(q, near.0, near.1, depth + 1, enough, best) {
            return true;
        }
        // every point on the far side is at least |diff| away along `axis`
        if diff * diff < *best {
            return self.search(q, far.0, far.1, depth + 1, enough, best);
        }
        false
    }
}

/// `directed_hausdorff(a, b)[0]`: the largest distance from a point of `a` to its nearest
/// point of `b`.
///
/// Edge cases: an empty `a` gives 0.0 and an empty `b` gives infinity (scipy's results for
/// empty arrays); NaN coordinates never count as nearer, as in scipy's comparisons.
pub fn directed_hausdorff(a: &Points<'_>, b: &Points<'_>) -> Result<f64, String> {
    if a.dims != b.dims {
        return Err(format!(
            "point sets have {} and {} dimensions",
            a.dims, b.dims
        ));
    }
    if a.is_empty() {
        return Ok(0.0);
    }
    if b.is_empty() {
        return Ok(f64::INFINITY);
    }
    let tree = KdTree::build(b.clone());
    // chunks in parallel; each chunk starts from the largest distance found so far
    let chunk = 4096;
    let n = a.len();
    let starts: Vec<usize> = (0..n).step_by(chunk).collect();
    let cmax = starts
        .par_iter()
        .map(|&s| {
            let mut cmax = 0.0f64;
            for i in s..(s + chunk).min(n) {
                let d = tree.nearest(a.point(i), cmax);
                if d > cmax {
                    cmax = d;
                }
            }
            cmax
        })
        .reduce(|| 0.0, f64::max);
    Ok(cmax.sqrt())
}

/// Voxels of a 3D grid mask, `[z, y, x]`.
pub type Voxel = [u32; 3];

/// Membership of voxels: a bitset over the bounding grid, or a hash set when that grid
/// would be too large.
enum VoxelSet {
    Bits { dims: [u64; 3], words: Vec<u64> },
    Hash(std::collections::HashSet<Voxel>),
}

impl VoxelSet {
    fn new(voxels: &[Voxel], dims: [u64; 3]) -> Self {
        let total = dims[0].saturating_mul(dims[1]).saturating_mul(dims[2]);
        if total > 1 << 32 {
            return VoxelSet::Hash(voxels.iter().copied().collect());
        }
        let mut words = vec![0u64; (total as usize).div_ceil(64)];
        for v in voxels {
            let i = Self::index(dims, v);
            words[i / 64] |= 1 << (i % 64);
        }
        VoxelSet::Bits { dims, words }
    }

    fn index(dims: [u64; 3], v: &Voxel) -> usize {
        ((u64::from(v[0]) * dims[1] + u64::from(v[1])) * dims[2] + u64::from(v[2])) as usize
    }

    /// Membership of `v + offset`, false outside the grid.
    fn contains(&self, v: &Voxel, offset: [i64; 3]) -> bool {
        let mut n = [0u32; 3];
        for k in 0..3 {
            let c = i64::from(v[k]) + offset[k];
            if c < 0 || c > i64::from(u32::MAX) {
                return false;
            }
            n[k] = c as u32;
        }
        match self {
            VoxelSet::Bits { dims, words } => {
                if (0..3).any(|k| u64::from(n[k]) >= dims[k]) {
                    return false;
                }
                let i = Self::index(*dims, &n);
                words[i / 64] >> (i % 64) & 1 == 1
            }
            VoxelSet::Hash(h) => h.contains(&n),
        }
    }
}

const FACES: [[i64; 3]; 6] = [
    [-1, 0, 0],
    [1, 0, 0],
    [0, -1, 0],
    [0, 1, 0],
    [0, 0, -1],
    [0, 0, 1],
];

/// `directed_hausdorff(a / scale, b / scale)[0]` for voxel sets (coordinates divided by
/// `scale` per axis, as the reference normalises `np.argwhere` by the mask shape).
///
/// Same value as [`directed_hausdorff`] on the normalised points, found faster: a voxel of
/// `a` inside `b`, or with a neighbour in `b` no farther than the running maximum, cannot
/// raise the maximum; and the nearest voxel of `b` to a voxel outside `b` is always on
/// `b`'s surface (a voxel whose six face neighbours are all in `b` has one of them strictly
/// closer), so only surface voxels are searched.
pub fn voxel_directed_hausdorff(a: &[Voxel], b: &[Voxel], scale: [f64; 3]) -> f64 {
    if a.is_empty() {
        return 0.0;
    }
    if b.is_empty() {
        return f64::INFINITY;
    }
    let mut dims = [0u64; 3];
    for v in a.iter().chain(b) {
        for k in 0..3 {
            dims[k] = dims[k].max(u64::from(v[k]) + 1);
        }
    }
    let members = VoxelSet::new(b, dims);
    let norm = |v: &Voxel| {
        [
            v[0] as f64 / scale[0],
            v[1] as f64 / scale[1],
            v[2] as f64 / scale[2],
        ]
    };
    let surface: Vec<f64> = b
        .iter()
        .filter(|v| FACES.iter().any(|&f| !members.contains(v, f)))
        .flat_map(norm)
        .collect();
    let tree = std::sync::OnceLock::new();
    let build = || {
        KdTree::build(Points {
            coords: &surface,
            dims: 3,
        })
    };
    let cmax = a
        .par_chunks(4096)
        .map(|part| {
            let mut cmax = 0.0f64;
            for v in part {
                if members.contains(v, [0, 0, 0]) {
                    continue; // distance 0
                }
                let p = norm(v);
                if neighbour_within(v, &p, &members, scale, cmax) {
                    continue;
                }
                let d = tree.get_or_init(build).nearest(&p, cmax);
                if d > cmax {
                    cmax = d;
                }
            }
            cmax
        })
        .reduce(|| 0.0, f64::max);
    cmax.sqrt()
}

/// Whether one of the 26 grid neighbours of `v` is in the set at squared distance
/// `<= limit` (computed from normalised coordinates as scipy does).
fn neighbour_within(v: &Voxel, p: &[f64; 3], set: &VoxelSet, scale: [f64; 3], limit: f64) -> bool {
    for dz in -1i64..=1 {
        for dy in -1i64..=1 {
            for dx in -1i64..=1 {
                if !set.contains(v, [dz, dy, dx]) {
                    continue;
                }
                let n = [
                    i64::from(v[0]) + dz,
                    i64::from(v[1]) + dy,
                    i64::from(v[2]) + dx,
                ];
                let q = [
                    n[0] as f64 / scale[0],
                    n[1] as f64 / scale[1],
                    n[2] as f64 / scale[2],
                ];
                if squared_distance(p, &q) <= limit {
                    return true;
                }
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brute(a: &[f64], b: &[f64], dims: usize) -> f64 {
        let mut cmax = 0.0f64;
        for p in a.chunks(dims) {
            let m = b
                .chunks(dims)
                .map(|q| squared_distance(p, q))
                .fold(f64::INFINITY, f64::min);
            cmax = cmax.max(m);
        }
        cmax.sqrt()
    }

    #[test]
    fn matches_brute_force() {
        // a deterministic scatter of points on a grid with duplicates
        let mut state = 12345u64;
        let mut next = || {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % 17) as f64 / 17.0
        };
        for dims in 1..=3 {
            let a: Vec<f64> = (0..300 * dims).map(|_| next()).collect();
            let b: Vec<f64> = (0..200 * dims).map(|_| next()).collect();
            let (pa, pb) = (
                Points::new(&a, dims).unwrap(),
                Points::new(&b, dims).unwrap(),
            );
            assert_eq!(directed_hausdorff(&pa, &pb).unwrap(), brute(&a, &b, dims));
            assert_eq!(directed_hausdorff(&pb, &pa).unwrap(), brute(&b, &a, dims));
        }
    }

    #[test]
    fn voxels_match_points() {
        let mut state = 99u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((state >> 33) % m) as u32
        };
        for _ in 0..20 {
            let a: Vec<Voxel> = (0..300).map(|_| [next(4), next(12), next(12)]).collect();
            let b: Vec<Voxel> = (0..200).map(|_| [next(4), next(12), next(12)]).collect();
            let scale = [4.0, 12.0, 10.0];
            let flat = |v: &[Voxel]| -> Vec<f64> {
                v.iter()
                    .flat_map(|p| {
                        [
                            p[0] as f64 / scale[0],
                            p[1] as f64 / scale[1],
                            p[2] as f64 / scale[2],
                        ]
                    })
                    .collect()
            };
            let (fa, fb) = (flat(&a), flat(&b));
            assert_eq!(voxel_directed_hausdorff(&a, &b, scale), brute(&fa, &fb, 3));
            assert_eq!(voxel_directed_hausdorff(&b, &a, scale), brute(&fb, &fa, 3));
        }
    }

    #[test]
    fn edge_cases() {
        let p = [0.0, 0.0, 3.0, 4.0];
        let q = [0.0, 0.0];
        let (pp, pq) = (Points::new(&p, 2).unwrap(), Points::new(&q, 2).unwrap());
        assert_eq!(directed_hausdorff(&pp, &pq).unwrap(), 5.0);
        assert_eq!(directed_hausdorff(&pq, &pp).unwrap(), 0.0);
        let e: [f64; 0] = [];
        let pe = Points::new(&e, 2).unwrap();
        assert_eq!(directed_hausdorff(&pe, &pp).unwrap(), 0.0);
        assert_eq!(directed_hausdorff(&pp, &pe).unwrap(), f64::INFINITY);
        assert!(Points::new(&[1.0, 2.0, 3.0], 2).is_err());
    }
}
