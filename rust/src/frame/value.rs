//! Column storage and the Python/numpy comparison semantics the reference's graders rely on.

use compact_str::CompactString;
use std::cmp::Ordering;

/// One entry of an `object` column: text, a missing value (pandas' float NaN), or a
/// boolean (a boolean column with missing values becomes `object` in pandas). Text up to 24
/// bytes (most ids and labels) is stored inline: no heap allocation, and comparisons and
/// hashing stay in cache.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Str(CompactString),
    Nan,
    Bool(bool),
}

/// A typed column, as pandas would type it.
#[derive(Debug, Clone, PartialEq)]
pub enum Column {
    Int(Vec<i64>),
    UInt(Vec<u64>),
    Float(Vec<f64>),
    Bool(Vec<bool>),
    /// Shared: a submission's id column that equals the answers' is the answers' own cells.
    Object(std::sync::Arc<Vec<Cell>>),
}

/// A borrowed scalar, with Python's equality and ordering rules.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Value<'a> {
    Int(i64),
    UInt(u64),
    Float(f64),
    Bool(bool),
    Str(&'a str),
    Nan,
}

impl<'a> Value<'a> {
    /// The number this value stands for in numeric context (bools are 0/1), if any.
    #[inline]
    pub fn as_f64(self) -> Option<f64> {
        match self {
            Value::Int(v) => Some(v as f64),
            Value::UInt(v) => Some(v as f64),
            Value::Float(v) => Some(v),
            Value::Bool(b) => Some(f64::from(u8::from(b))),
            Value::Nan => Some(f64::NAN),
            Value::Str(_) => None,
        }
    }

    #[inline]
    pub fn is_nan(self) -> bool {
        matches!(self, Value::Nan) || matches!(self, Value::Float(v) if v.is_nan())
    }

    /// Python `==` between two scalars (numpy object comparison does the same): numbers and
    /// bools compare by value, text only equals identical text, NaN equals nothing.
    #[inline]
    pub fn py_eq(self, other: Value<'_>) -> bool {
        match (self, other) {
            (Value::Str(a), Value::Str(b)) => a == b,
            (Value::Str(_), _) | (_, Value::Str(_)) => false,
            (Value::Int(a), Value::Int(b)) => a == b,
            (Value::UInt(a), Value::UInt(b)) => a == b,
            (Value::Int(a), Value::UInt(b)) | (Value::UInt(b), Value::Int(a)) => {
                a >= 0 && a as u64 == b
            }
            (a, b) => match (a.as_f64(), b.as_f64()) {
                (Some(x), Some(y)) => x == y,
                _ => false,
            },
        }
    }

    /// A key that makes equal Python values hash alike (1 == 1.0 == True), for set checks.
    #[inline]
    pub fn hash_key(self) -> HashKey<'a> {
        match self {
            Value::Str(s) => HashKey::Str(s),
            Value::Nan => HashKey::Nan,
            Value::Float(v) if v.is_nan() => HashKey::Nan,
            Value::Int(v) => HashKey::Num(v as f64, v as i128),
            Value::UInt(v) => HashKey::Num(v as f64, v as i128),
            Value::Bool(b) => HashKey::Num(f64::from(u8::from(b)), i128::from(b)),
            Value::Float(v) => {
                if v.fract() == 0.0 && v.abs() < 1.7e38 {
                    HashKey::Num(v, v as i128)
                } else {
                    HashKey::Float(v.to_bits())
                }
            }
        }
    }
}

/// Hash maps and sets keyed by values: foldhash, fast and robust on ids that differ only in
/// a few middle characters (FxHash degrades to many probes on such keys).
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// Hashable stand-in for a Python value. NaN keys never equal each other (see `Eq`), as
/// distinct NaN objects in a Python set are distinct members.
#[derive(Debug, Clone, Copy)]
pub enum HashKey<'a> {
    Str(&'a str),
    /// integral numbers: compared by exact integer value
    Num(f64, i128),
    Float(u64),
    Nan,
}

impl PartialEq for HashKey<'_> {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (HashKey::Str(a), HashKey::Str(b)) => a == b,
            (HashKey::Num(_, a), HashKey::Num(_, b)) => a == b,
            (HashKey::Float(a), HashKey::Float(b)) => a == b,
            _ => false,
        }
    }
}
impl Eq for HashKey<'_> {}
impl std::hash::Hash for HashKey<'_> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        match self {
            HashKey::Str(s) => {
                0u8.hash(state);
                s.hash(state)
            }
            HashKey::Num(_, i) => {
                1u8.hash(state);
                i.hash(state)
            }
            HashKey::Float(b) => {
                2u8.hash(state);
                b.hash(state)
            }
            HashKey::Nan => 3u8.hash(state),
        }
    }
}

impl Column {
    pub fn len(&self) -> usize {
        match self {
            Column::Int(v) => v.len(),
            Column::UInt(v) => v.len(),
            Column::Float(v) => v.len(),
            Column::Bool(v) => v.len(),
            Column::Object(v) => v.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// pandas' dtype name, for error messages.
    pub fn dtype(&self) -> &'static str {
        match self {
            Column::Int(_) => "int64",
            Column::UInt(_) => "uint64",
            Column::Float(_) => "float64",
            Column::Bool(_) => "bool",
            Column::Object(_) => "object",
        }
    }

    #[inline]
    pub fn get(&self, i: usize) -> Value<'_> {
        match self {
            Column::Int(v) => Value::Int(v[i]),
            Column::UInt(v) => Value::UInt(v[i]),
            Column::Float(v) => Value::Float(v[i]),
            Column::Bool(v) => Value::Bool(v[i]),
            Column::Object(v) => match &v[i] {
                Cell::Str(s) => Value::Str(s),
                Cell::Nan => Value::Nan,
                Cell::Bool(b) => Value::Bool(*b),
            },
        }
    }

    /// Start loading row `i` into the cache (a hint, for lookups in batches).
    #[inline]
    pub fn prefetch(&self, i: usize) {
        use super::prefetch::prefetch;
        match self {
            Column::Int(v) => prefetch(&v[i]),
            Column::UInt(v) => prefetch(&v[i]),
            Column::Float(v) => prefetch(&v[i]),
            Column::Bool(v) => prefetch(&v[i]),
            Column::Object(v) => prefetch(&v[i]),
        }
    }

    pub fn values(&self) -> impl Iterator<Item = Value<'_>> + '_ {
        (0..self.len()).map(move |i| self.get(i))
    }

    /// True for int, uint, float and bool columns: what `pd.to_numeric` and numpy
    /// comparisons with numbers accept without error.
    pub fn is_numeric(&self) -> bool {
        !matches!(self, Column::Object(_))
    }

    /// The column as float64 if it is numeric (bools are 0/1).
    pub fn numeric_f64(&self) -> Option<Vec<f64>> {
        match self {
            Column::Int(v) => Some(v.iter().map(|&x| x as f64).collect()),
            Column::UInt(v) => Some(v.iter().map(|&x| x as f64).collect()),
            Column::Float(v) => Some(v.clone()),
            Column::Bool(v) => Some(v.iter().map(|&b| f64::from(u8::from(b))).collect()),
            Column::Object(_) => None,
        }
    }

    /// Row order of `DataFrame.sort_values(column)`: ascending, missing values last.
    /// Equal keys come in the order of numpy's quicksort (pandas' default), so duplicated
    /// ids pair as in the reference. For int64, uint64 and float64 that is the order of
    /// numpy's generic introsort, which numpy 1.26 runs on CPUs without AVX-512 (and on any
    /// CPU with `NPY_DISABLE_CPU_FEATURES` set to the AVX-512 features); its AVX-512 sort
    /// orders ties differently, so the reference itself differs on such machines.
    pub fn argsort(&self) -> Vec<usize> {
        let mut idx: Vec<usize> = (0..self.len()).collect();
        match self {
            Column::Int(v) => idx = super::npsort::np_quicksort_argsort(v, false, |a, b| a < b),
            Column::UInt(v) => idx = super::npsort::np_quicksort_argsort(v, false, |a, b| a < b),
            Column::Bool(v) => idx = super::npsort::np_quicksort_argsort(v, false, |a, b| a < b),
            Column::Float(v) => {
                // pandas' nargsort drops the NaNs, argsorts the rest and appends them
                let (missing, present): (Vec<usize>, Vec<usize>) =
                    idx.into_iter().partition(|&i| v[i].is_nan());
                let keys: Vec<f64> = present.iter().map(|&i| v[i]).collect();
                let order = super::npsort::np_quicksort_argsort(&keys, false, |a, b| a < b);
                idx = order
                    .into_iter()
                    .map(|k| present[k])
                    .chain(missing)
                    .collect();
            }
            Column::Object(v) => {
                // pandas' nargsort: sort the non-missing values, then append the missing rows
                let (missing, present): (Vec<usize>, Vec<usize>) =
                    idx.into_iter().partition(|&i| v[i] == Cell::Nan);
                let keys: Vec<&Cell> = present.iter().map(|&i| &v[i]).collect();
                let order = super::npsort::np_quicksort_argsort(&keys, true, |a, b| {
                    cell_order(a, b) == Ordering::Less
                });
                idx = order
                    .into_iter()
                    .map(|k| present[k])
                    .chain(missing)
                    .collect();
            }
        }
        idx
    }

    /// Reorder rows.
    pub fn take(&self, order: &[usize]) -> Column {
        match self {
            Column::Int(v) => Column::Int(order.iter().map(|&i| v[i]).collect()),
            Column::UInt(v) => Column::UInt(order.iter().map(|&i| v[i]).collect()),
            Column::Float(v) => Column::Float(order.iter().map(|&i| v[i]).collect()),
            Column::Bool(v) => Column::Bool(order.iter().map(|&i| v[i]).collect()),
            Column::Object(v) => Column::Object(std::sync::Arc::new(
                order.iter().map(|&i| v[i].clone()).collect(),
            )),
        }
    }
}

fn cell_order(a: &Cell, b: &Cell) -> Ordering {
    match (a, b) {
        (Cell::Nan, Cell::Nan) => Ordering::Equal,
        (Cell::Nan, _) => Ordering::Greater,
        (_, Cell::Nan) => Ordering::Less,
        (Cell::Str(x), Cell::Str(y)) => x.cmp(y),
        (Cell::Bool(x), Cell::Bool(y)) => x.cmp(y),
        // text vs bool cannot come out of read_csv in one column
        (Cell::Str(_), Cell::Bool(_)) => Ordering::Greater,
        (Cell::Bool(_), Cell::Str(_)) => Ordering::Less,
    }
}

/// `(a.values != b.values).any()` for equal-length columns, element by element.
pub fn any_mismatch(a: &Column, b: &Column) -> bool {
    (0..a.len()).any(|i| !a.get(i).py_eq(b.get(i)))
}

/// `set(a) == set(b)` with Python's value semantics.
pub fn same_value_set(a: &Column, b: &Column) -> bool {
    // NaN keys are never equal, so a NaN on either side makes the sets differ, as in Python
    // (pandas hands out a fresh float object for every NaN).
    let has_nan = |c: &Column| c.values().any(Value::is_nan);
    if has_nan(a) || has_nan(b) {
        return false;
    }
    let sa: FastSet<HashKey> = a.values().map(Value::hash_key).collect();
    let sb: FastSet<HashKey> = b.values().map(Value::hash_key).collect();
    sa == sb
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_equality() {
        assert!(Value::Int(1).py_eq(Value::Float(1.0)));
        assert!(Value::Bool(true).py_eq(Value::Int(1)));
        assert!(!Value::Str("1").py_eq(Value::Int(1)));
        assert!(!Value::Nan.py_eq(Value::Nan));
        assert!(!Value::Float(f64::NAN).py_eq(Value::Float(f64::NAN)));
        assert!(Value::UInt(5).py_eq(Value::Int(5)));
    }

    #[test]
    fn sets() {
        let a = Column::Int(vec![1, 2, 3]);
        let b = Column::Float(vec![3.0, 2.0, 1.0, 1.0]);
        assert!(same_value_set(&a, &b));
        let c = Column::Object(std::sync::Arc::new(vec![Cell::Str("1".into())]));
        assert!(!same_value_set(&Column::Int(vec![1]), &c));
    }

    #[test]
    fn argsort_nan_last_and_numpy_tie_order() {
        let c = Column::Float(vec![2.0, f64::NAN, 1.0, 2.0]);
        assert_eq!(c.argsort(), vec![2, 0, 3, 1]);
        // numpy 1.26 without AVX-512: np.array([3, 1, 1, 2, 1, 3, 1] * 5).argsort()
        let ints: Vec<i64> = [3, 1, 1, 2, 1, 3, 1].repeat(5);
        let expected = vec![
            34, 23, 18, 16, 15, 25, 13, 27, 11, 20, 29, 8, 30, 6, 4, 32, 2, 1, 9, 22, 31, 24, 17,
            10, 3, 19, 33, 14, 26, 12, 28, 7, 5, 21, 0,
        ];
        assert_eq!(Column::Int(ints.clone()).argsort(), expected);
        assert_eq!(
            Column::UInt(ints.iter().map(|&x| x as u64).collect()).argsort(),
            expected
        );
        assert_eq!(
            Column::Float(ints.iter().map(|&x| x as f64).collect()).argsort(),
            expected
        );
        let o = Column::Object(std::sync::Arc::new(vec![
            Cell::Nan,
            Cell::Str("b".into()),
            Cell::Str("a".into()),
        ]));
        assert_eq!(o.argsort(), vec![2, 1, 0]);
    }
}
