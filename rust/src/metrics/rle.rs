//! Run-length encoded binary masks, read and written as the reference's `rle_decode` and
//! `rle_encode` (`mlebench.competitions.utils`) do, without materialising the pixels: a mask
//! is held as its foreground runs over a flat pixel order.
//!
//! Pixel order: an RLE numbers pixels 1.. along a flat order. The reference's default is
//! column-major ("top to bottom, then left to right": flat index `col * height + row`);
//! Vesuvius uses row-major. Metrics that only count pixels do not care; callers that need
//! coordinates map a flat index back with [`PixelOrder`].
//!
//! Decoding reproduces the reference's checks and its numpy arithmetic exactly:
//! - an empty or whitespace-only string is the empty mask;
//! - tokens go through Python's `int()` (`+3`, `007`, `1_0` are accepted; `1.0` is not);
//! - the starts must be sorted (ties allowed), every start and length must be positive;
//! - starts and lengths are paired by numpy broadcasting: `n` starts with `n` lengths, two
//!   starts with one length (both runs get that length), a lone start with no length (no
//!   run at all); any other odd count is an error;
//! - a run is cut at the image end, and a run starting past the end is ignored, silently;
//! - runs overlapping pixels set by an earlier run are an error;
//! - numbers beyond int64 follow numpy's dtype rules: an int64 end that overflows gives an
//!   empty run, mixing int64 and uint64 arrays gives float ends and fails, beyond uint64
//!   Python integers are exact.

use std::cmp::Ordering;

/// How a flat pixel index maps to `(row, col)` of a `height x width` image.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelOrder {
    /// `index = col * height + row` (the reference's default, Fortran order)
    ColumnMajor,
    /// `index = row * width + col` (C order)
    RowMajor,
}

impl PixelOrder {
    pub fn row_col(self, index: u64, height: u64, width: u64) -> (u64, u64) {
        match self {
            PixelOrder::ColumnMajor => (index % height, index / height),
            PixelOrder::RowMajor => (index / width, index % width),
        }
    }

    pub fn index(self, row: u64, col: u64, height: u64, width: u64) -> u64 {
        match self {
            PixelOrder::ColumnMajor => col * height + row,
            PixelOrder::RowMajor => row * width + col,
        }
    }
}

/// A binary mask of `len` pixels held as sorted, disjoint, non-adjacent foreground runs
/// `[start, end)` of flat pixel indices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RunMask {
    len: u64,
    runs: Vec<(u64, u64)>,
}

impl RunMask {
    pub fn empty(len: u64) -> Self {
        RunMask {
            len,
            runs: Vec::new(),
        }
    }

    /// The mask of a flat boolean array.
    pub fn from_bools(pixels: &[bool]) -> Self {
        let mut runs = Vec::new();
        let mut i = 0;
        while i < pixels.len() {
            if pixels[i] {
                let start = i;
                while i < pixels.len() && pixels[i] {
                    i += 1;
                }
                runs.push((start as u64, i as u64));
            } else {
                i += 1;
            }
        }
        RunMask {
            len: pixels.len() as u64,
            runs,
        }
    }

    /// Build from runs already sorted by start and disjoint; adjacent runs are merged and
    /// empty ones dropped.
    fn from_sorted_runs(len: u64, sorted: impl IntoIterator<Item = (u64, u64)>) -> Self {
        let mut runs: Vec<(u64, u64)> = Vec::new();
        for (s, e) in sorted {
            if s >= e {
                continue;
            }
            match runs.last_mut() {
                Some(last) if last.1 >= s => last.1 = last.1.max(e),
                _ => runs.push((s, e)),
            }
        }
        RunMask { len, runs }
    }

    /// Decode an RLE string with the reference's checks (see the module docs).
    pub fn from_rle(rle: &str, len: u64) -> Result<Self, String> {
        let tokens: Vec<&str> = rle
            .split(is_python_space)
            .filter(|t| !t.is_empty())
            .collect();
        if tokens.is_empty() {
            return Ok(RunMask::empty(len));
        }
        let ints = tokens
            .iter()
            .map(|t| PyInt::parse(t))
            .collect::<Result<Vec<_>, _>>()?;
        let starts: Vec<&PyInt> = ints.iter().step_by(2).collect();
        let lengths: Vec<&PyInt> = ints.iter().skip(1).step_by(2).collect();
        if starts
            .windows(2)
            .any(|w| w[0].cmp(w[1]) == Ordering::Greater)
        {
            return Err("The pairs in the RLE string must be sorted.".into());
        }
        if starts.iter().chain(&lengths).any(|v| !v.is_positive()) {
            return Err("All pairs in the RLE string must be positive integers.".into());
        }
        let pairs: Vec<(&PyInt, &PyInt)> = match (starts.len(), lengths.len()) {
            (_, 0) => Vec::new(), // a lone start broadcasts against nothing
            (s, l) if s == l => starts
                .iter()
                .copied()
                .zip(lengths.iter().copied())
                .collect(),
            (_, 1) => starts.iter().map(|s| (*s, lengths[0])).collect(),
            (s, l) => {
                return Err(format!(
                    "operands could not be broadcast together with shapes ({s},) ({l},): \
                     the RLE has {} tokens, so its starts and lengths cannot be paired",
                    s + l
                ))
            }
        };
        let start_kind = IntKind::of(&starts);
        let length_kind = IntKind::of(&lengths);
        let mut runs = Vec::with_capacity(pairs.len());
        let mut set_until = 0u64; // end of the pixels set so far (starts are sorted)
        for (start, length) in pairs {
            let lo = start.value.saturating_sub(1); // exact: start >= 1
            let Some(hi) = run_end(lo, length.value, start_kind, length_kind)? else {
                continue; // numpy's int64/uint64 sum wrapped around: an empty slice
            };
            let (lo, hi) = (clamp(lo, len), clamp(hi, len));
            if lo >= hi {
                continue;
            }
            if lo < set_until {
                return Err("Overlapping RLE pairs are not allowed.".into());
            }
            set_until = hi;
            runs.push((lo, hi));
        }
        Ok(RunMask::from_sorted_runs(len, runs))
    }

    /// The reference's `rle_encode` written as text: 1-based start and length of each run.
    pub fn to_rle(&self) -> String {
        let mut out = String::new();
        for (s, e) in &self.runs {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&format!("{} {}", s + 1, e - s));
        }
        out
    }

    /// Number of pixels of the image.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn runs(&self) -> &[(u64, u64)] {
        &self.runs
    }

    /// Number of foreground pixels.
    pub fn count(&self) -> u64 {
        self.runs.iter().map(|(s, e)| e - s).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.runs.is_empty()
    }

    /// Foreground pixels present in both masks.
    pub fn intersection_count(&self, other: &RunMask) -> u64 {
        let (a, b) = (&self.runs, &other.runs);
        let (mut i, mut j, mut total) = (0, 0, 0u64);
        while i < a.len() && j < b.len() {
            let lo = a[i].0.max(b[j].0);
            let hi = a[i].1.min(b[j].1);
            if lo < hi {
                total += hi - lo;
            }
            if a[i].1 < b[j].1 {
                i += 1;
            } else {
                j += 1;
            }
        }
        total
    }

    /// Pixel-wise OR of two masks of the same size.
    pub fn union(&self, other: &RunMask) -> RunMask {
        let mut all: Vec<(u64, u64)> = self.runs.iter().chain(&other.runs).copied().collect();
        all.sort_unstable();
        RunMask::from_sorted_runs(self.len.max(other.len), all)
    }

    /// Flat indices of the foreground pixels, ascending.
    pub fn pixels(&self) -> impl Iterator<Item = u64> + '_ {
        self.runs.iter().flat_map(|&(s, e)| s..e)
    }

    /// The mask as a flat boolean array.
    pub fn to_bools(&self) -> Vec<bool> {
        let mut v = vec![false; self.len as usize];
        for &(s, e) in &self.runs {
            v[s as usize..e as usize].iter_mut().for_each(|p| *p = true);
        }
        v
    }
}

fn clamp(x: u128, len: u64) -> u64 {
    x.min(u128::from(len)) as u64
}

/// Python's `str.split()` separators: Unicode whitespace plus the ASCII separators
/// U+001C..U+001F, which Rust does not count as whitespace.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// numpy's dtype for an array made from Python integers (all positive here).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IntKind {
    I64,
    U64,
    Object,
}

impl IntKind {
    fn of(values: &[&PyInt]) -> IntKind {
        let big = |v: &&PyInt| v.huge || v.value > u128::from(u64::MAX);
        if values.iter().any(big) {
            IntKind::Object
        } else if values.iter().any(|v| v.value > i64::MAX as u128) {
            IntKind::U64
        } else {
            IntKind::I64
        }
    }
}

/// `(starts - 1) + lengths` with numpy's dtypes: `Ok(None)` when a fixed-width sum wraps
/// around (the slice is then empty), `Err` when int64 meets uint64 (float slice bounds).
fn run_end(
    lo: u128,
    length: u128,
    starts: IntKind,
    lengths: IntKind,
) -> Result<Option<u128>, String> {
    use IntKind::*;
    let sum = lo.saturating_add(length);
    match (starts, lengths) {
        (Object, _) | (_, Object) => Ok(Some(sum)),
        (I64, I64) => Ok((sum <= i64::MAX as u128).then_some(sum)),
        (U64, U64) => Ok((sum <= u128::from(u64::MAX)).then_some(sum)),
        _ => Err(
            "slice indices must be integers or None or have an __index__ method \
                  (RLE numbers mix int64 and uint64 ranges)"
                .into(),
        ),
    }
}

/// A Python integer as `int()` parses it: sign, magnitude saturated to u128, and the
/// normalised digits for exact comparisons of huge values.
#[derive(Debug, Clone, PartialEq, Eq)]
struct PyInt {
    negative: bool,
    value: u128,
    huge: bool,
    digits: String,
}

/// CPython refuses to convert longer decimal strings (`sys.get_int_max_str_digits()`).
const MAX_INT_DIGITS: usize = 4300;

impl PyInt {
    fn parse(token: &str) -> Result<PyInt, String> {
        let bad = || format!("invalid literal for int() with base 10: '{token}'");
        let (negative, body) = match token.as_bytes().first() {
            Some(b'-') => (true, &token[1..]),
            Some(b'+') => (false, &token[1..]),
            _ => (false, token),
        };
        // Python reads any Unicode decimal digit; underscores only between digits
        let chars: Vec<char> = body.chars().collect();
        if chars.is_empty()
            || chars[0] == '_'
            || chars[chars.len() - 1] == '_'
            || body.contains("__")
        {
            return Err(bad());
        }
        let digits = chars
            .iter()
            .filter(|&&c| c != '_')
            .map(|&c| {
                crate::pystr::decimal_digit(c)
                    .map(|d| char::from(b'0' + d))
                    .ok_or_else(bad)
            })
            .collect::<Result<String, String>>()?;
        if digits.len() > MAX_INT_DIGITS {
            return Err(format!(
                "Exceeds the limit ({MAX_INT_DIGITS} digits) for integer string conversion"
            ));
        }
        let digits = digits.trim_start_matches('0').to_string();
        let parsed = digits.parse::<u128>();
        let (value, huge) = match (digits.is_empty(), parsed) {
            (true, _) => (0, false),
            (false, Ok(v)) => (v, false),
            (false, Err(_)) => (u128::MAX, true),
        };
        Ok(PyInt {
            negative: negative && value != 0,
            value,
            huge,
            digits,
        })
    }

    fn is_positive(&self) -> bool {
        !self.negative && self.value > 0
    }

    fn magnitude_cmp(&self, other: &PyInt) -> Ordering {
        self.digits
            .len()
            .cmp(&other.digits.len())
            .then_with(|| self.digits.cmp(&other.digits))
    }

    fn cmp(&self, other: &PyInt) -> Ordering {
        match (self.negative, other.negative) {
            (false, false) => self.magnitude_cmp(other),
            (true, true) => other.magnitude_cmp(self),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn px(rle: &str, len: u64) -> Result<Vec<u64>, String> {
        RunMask::from_rle(rle, len).map(|m| m.pixels().collect())
    }

    #[test]
    fn decodes_like_the_reference() {
        assert_eq!(px("1 2", 20).unwrap(), vec![0, 1]);
        assert_eq!(px("3", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("1 2 5", 20).unwrap(), vec![0, 1, 4, 5]);
        assert!(px("1 2 5 1 9", 20).is_err());
        assert_eq!(px("19 5", 20).unwrap(), vec![18, 19]);
        assert_eq!(px("25 3", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("20 2 21 1", 20).unwrap(), vec![19]);
        assert_eq!(px("19 5 30 1", 20).unwrap(), vec![18, 19]);
        assert!(px("2 2 2 1", 20).is_err());
        assert!(px("3 1 3 1", 20).is_err());
        assert_eq!(px(" \t\n", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("1\u{1c}2", 20).unwrap(), vec![0, 1]);
        assert_eq!(px("1_0 1", 20).unwrap(), vec![9]);
        assert_eq!(px("+3 1", 20).unwrap(), vec![2]);
        assert!(px("1 2 3 4 5 6 7", 20).is_err());
        assert!(px("1.0 2", 20).is_err());
        assert!(px("5 1 3 1", 20).is_err());
        // Unicode decimal digits are digits for Python's int()
        assert_eq!(px("\u{661} \u{ff12}", 20).unwrap(), vec![0, 1]);
        assert!(
            px("\u{b2} 1", 20).is_err(),
            "superscript two is not a decimal digit"
        );
    }

    #[test]
    fn positivity() {
        for bad in ["-0 1", "0 1", "1 0", "-3 1", "1 -1"] {
            assert!(px(bad, 20).is_err(), "{bad}");
        }
    }

    #[test]
    fn numpy_integer_ranges() {
        assert_eq!(px("9223372036854775808 1", 20).map_err(|_| ()), Err(()));
        assert_eq!(px("1 9223372036854775808", 20).map_err(|_| ()), Err(()));
        assert_eq!(px("9223372036854775807 1", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("1 9223372036854775807", 20).unwrap().len(), 20);
        assert_eq!(px("5 9223372036854775807", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("18446744073709551616 1", 20).unwrap(), Vec::<u64>::new());
        assert_eq!(px("1 2 18446744073709551616 1", 20).unwrap(), vec![0, 1]);
        // huge values are still compared exactly for sortedness
        assert!(px("100000000000000000000000000000000000000000 1 99999999999999999999999999999999999999999 1", 20).is_err());
    }

    #[test]
    fn round_trip_and_set_operations() {
        let bools = [false, true, true, false, true, false, false, true];
        let m = RunMask::from_bools(&bools);
        assert_eq!(m.to_rle(), "2 2 5 1 8 1");
        assert_eq!(RunMask::from_rle(&m.to_rle(), 8).unwrap(), m);
        assert_eq!(m.to_bools(), bools);
        let other = RunMask::from_rle("1 3", 8).unwrap();
        assert_eq!(m.intersection_count(&other), 2);
        assert_eq!(m.union(&other).to_rle(), "1 3 5 1 8 1");
        assert_eq!(m.count(), 4);
        // adjacent runs are merged, so equal masks compare equal
        assert_eq!(
            RunMask::from_rle("1 2 3 2", 8).unwrap(),
            RunMask::from_rle("1 4", 8).unwrap()
        );
    }
}
