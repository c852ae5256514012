//! Floating-point building blocks that reproduce numpy and Python bit for bit where it
//! can move a score across a 5-decimal rounding boundary.

/// numpy's summation (`np.sum`/`np.mean` over a float64 array).
pub fn pairwise_sum(a: &[f64]) -> f64 {
    pairwise_sum_by(a.len(), &|i| a[i])
}

/// numpy reduces an array in chunks of its ufunc buffer size: each chunk is summed pairwise,
/// and the chunk sums are added left to right. (Checked against `np.sum` and `np.mean` of
/// numpy 1.26 on arrays of every size around the chunk boundaries.)
const NUMPY_CHUNK: usize = 8192;

/// From this many items on, the chunks of a sum are computed on several threads.
const PARALLEL_SUM_MIN: usize = 1 << 17;

/// numpy's summation of `value(0), ..., value(n - 1)` without materialising them: chunks of
/// `NUMPY_CHUNK` items summed pairwise (blocks of up to 128 items use 8 running sums; longer
/// runs split at half, rounded down to a multiple of 8), the chunk sums then added in order.
/// Chunks are independent, so large sums compute them in parallel, with the same result.
pub fn pairwise_sum_by<F: Fn(usize) -> f64 + Sync>(n: usize, value: &F) -> f64 {
    sum_chunks(n, &|start, len| pairwise_range(start, len, value))
}

/// `chunk(start, len)` for each numpy chunk of `0..n`, added left to right.
fn sum_chunks<C: Fn(usize, usize) -> f64 + Sync>(n: usize, chunk: &C) -> f64 {
    use rayon::prelude::*;
    if n <= NUMPY_CHUNK {
        return chunk(0, n);
    }
    let one = |c: usize| chunk(c * NUMPY_CHUNK, NUMPY_CHUNK.min(n - c * NUMPY_CHUNK));
    let count = n.div_ceil(NUMPY_CHUNK);
    let sums: Vec<f64> = if n >= PARALLEL_SUM_MIN {
        (0..count).into_par_iter().map(one).collect()
    } else {
        (0..count).map(one).collect()
    };
    let mut total = sums[0];
    for s in &sums[1..] {
        total += s;
    }
    total
}

fn pairwise_range<F: Fn(usize) -> f64 + Sync>(start: usize, n: usize, value: &F) -> f64 {
    if n < 8 {
        let mut res = 0.0;
        for i in start..start + n {
            res += value(i);
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        for (j, slot) in r.iter_mut().enumerate() {
            *slot = value(start + j);
        }
        let mut i = 8;
        while i < n - (n % 8) {
            for (j, slot) in r.iter_mut().enumerate() {
                *slot += value(start + i + j);
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += value(start + i);
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_range(start, n2, value) + pairwise_range(start + n2, n - n2, value)
    }
}

/// `pairwise_sum_by(a.len(), |i| f(a[i], b[i]))` on slices: the same tree of additions, with
/// leaves that index no further than their own 128 items, so the compiler drops the bounds
/// checks and runs the 8 running sums as vector lanes (each lane adds in the same order, so
/// the result is bit-identical). `b` must be at least as long as `a`.
pub fn pairwise_sum_zip<F: Fn(f64, f64) -> f64 + Sync>(a: &[f64], b: &[f64], f: &F) -> f64 {
    let b = &b[..a.len()];
    sum_chunks(a.len(), &|start, len| {
        zip_tree(&a[start..start + len], &b[start..start + len], f)
    })
}

/// The pairwise tree of `pairwise_range` over one chunk of two slices.
fn zip_tree<F: Fn(f64, f64) -> f64>(a: &[f64], b: &[f64], f: &F) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for (&x, &y) in a.iter().zip(b) {
            res += f(x, y);
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        for (j, slot) in r.iter_mut().enumerate() {
            *slot = f(a[j], b[j]);
        }
        let full = n - (n % 8);
        for (ca, cb) in a[8..full].chunks_exact(8).zip(b[8..full].chunks_exact(8)) {
            for j in 0..8 {
                r[j] += f(ca[j], cb[j]);
            }
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (&x, &y) in a[full..].iter().zip(&b[full..]) {
            res += f(x, y);
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        let (a1, a2) = a.split_at(n2);
        let (b1, b2) = b.split_at(n2);
        zip_tree(a1, b1, f) + zip_tree(a2, b2, f)
    }
}

/// `np.mean` of a float64 array.
pub fn np_mean(a: &[f64]) -> f64 {
    pairwise_sum(a) / a.len() as f64
}

/// Python's `round(x, ndigits)` on a float: correctly rounded, ties to even on the exact
/// binary value.
pub fn py_round(x: f64, ndigits: usize) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let s = format!("{x:.ndigits$}");
    let r: f64 = s.parse().expect("formatted float parses");
    // keep the sign of zero as Python does
    if r == 0.0 {
        0.0f64.copysign(x)
    } else {
        r
    }
}

/// `round(np.float64(x), ndigits)`, i.e. `np.round`: scale, round half to even, unscale.
pub fn np_round(x: f64, ndigits: i32) -> f64 {
    if !x.is_finite() {
        return x;
    }
    let f = 10f64.powi(ndigits);
    (x * f).round_ties_even() / f
}

/// Python's `float(str)` (used when numpy converts an object array to float64):
/// surrounding whitespace, `_` between digits, `nan`/`inf`/`infinity` in any case.
pub fn py_float(s: &str) -> Option<f64> {
    // Python reads any Unicode decimal digit as its ASCII digit first
    let ascii: std::borrow::Cow<str> = if s.is_ascii() {
        std::borrow::Cow::Borrowed(s)
    } else {
        s.chars()
            .map(|c| {
                if c.is_ascii() {
                    c
                } else {
                    crate::pystr::decimal_digit(c).map_or(c, |d| (b'0' + d) as char)
                }
            })
            .collect::<String>()
            .into()
    };
    let t = ascii.trim();
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    let neg = t.starts_with('-');
    let lower = body.to_ascii_lowercase();
    match lower.as_str() {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => {
            return Some(if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            })
        }
        _ => {}
    }
    // underscores are allowed only between digits
    let b = body.as_bytes();
    for (i, &c) in b.iter().enumerate() {
        if c == b'_'
            && !(i > 0 && i + 1 < b.len() && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit())
        {
            return None;
        }
    }
    let cleaned: String = t.chars().filter(|&c| c != '_').collect();
    let cb = cleaned.strip_prefix(['+', '-']).unwrap_or(&cleaned);
    if cb.is_empty()
        || !cb
            .bytes()
            .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    cleaned.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_modes_differ_like_python_and_numpy() {
        assert_eq!(py_round(0.123455, 5), 0.12345);
        assert_eq!(np_round(0.123455, 5), 0.12346);
        assert_eq!(py_round(0.125, 2), 0.12);
        assert!(py_round(f64::NAN, 5).is_nan());
    }

    #[test]
    fn pairwise_matches_naive_on_small() {
        let v: Vec<f64> = (0..5).map(|i| i as f64 * 0.1).collect();
        assert_eq!(
            pairwise_sum(&v),
            0.0 + 0.0 + 0.1 + 0.2 + 0.30000000000000004 + 0.4
        );
        let big: Vec<f64> = (0..1000).map(|i| 1.0 / (i as f64 + 1.0)).collect();
        let naive: f64 = big.iter().sum();
        assert!((pairwise_sum(&big) - naive).abs() < 1e-12);
    }

    #[test]
    fn parallel_pairwise_sum_is_bit_identical() {
        let v: Vec<f64> = (0..1_000_003u64)
            .map(|i| ((i * 7919) % 1000) as f64 * 1e-3 + 1e-9 * i as f64)
            .collect();
        // reference: numpy's scheme computed sequentially, chunk by chunk
        fn tree(a: &[f64]) -> f64 {
            let n = a.len();
            if n <= 128 {
                return pairwise_range(0, n, &|i| a[i]);
            }
            let mut n2 = n / 2;
            n2 -= n2 % 8;
            tree(&a[..n2]) + tree(&a[n2..])
        }
        fn seq(a: &[f64]) -> f64 {
            let mut chunks = a.chunks(NUMPY_CHUNK);
            let mut total = chunks.next().map_or(0.0, tree);
            for c in chunks {
                total += tree(c);
            }
            total
        }
        assert_eq!(pairwise_sum(&v).to_bits(), seq(&v).to_bits());
        assert_eq!(
            pairwise_sum_by(v.len(), &|i| v[i] * 2.0).to_bits(),
            (2.0 * seq(&v)).to_bits()
        );
        let w: Vec<f64> = v.iter().rev().map(|x| x * 0.37).collect();
        for n in [0, 1, 7, 8, 9, 127, 128, 129, 1000, 300_001, v.len()] {
            let sq = |x: f64, y: f64| (x - y) * (x - y);
            assert_eq!(
                pairwise_sum_zip(&v[..n], &w, &sq).to_bits(),
                pairwise_sum_by(n, &|i| sq(v[i], w[i])).to_bits(),
                "n={n}"
            );
        }
    }

    #[test]
    fn python_float() {
        assert_eq!(py_float(" 1_000.5 "), Some(1000.5));
        assert_eq!(py_float("1e500"), Some(f64::INFINITY));
        assert!(py_float("NaN").unwrap().is_nan());
        assert_eq!(py_float("$12.50"), None);
        assert_eq!(py_float("_1"), None);
        assert_eq!(py_float(""), None);
        assert_eq!(py_float("\u{663}.\u{665}"), Some(3.5)); // Arabic-Indic digits, as Python
    }
}
