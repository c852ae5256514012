//! `mlebench_fast._core._testing`: exports that only the test suite uses, to compare core
//! internals (sort orders, hashes) with Python's and pandas' own.

use crate::frame::Column;
use pyo3::prelude::*;

/// `hash(int(s))` as the gesture grader keys tokens, or None where `int(s)` raises.
#[pyfunction]
fn int_hash(s: &str) -> Option<i64> {
    crate::pystr::parse_int(s).map(|v| v.py_hash())
}

/// Row order of `sort_values` on a boolean column.
#[pyfunction]
fn sort_order_bool(values: Vec<bool>) -> Vec<usize> {
    Column::Bool(values).argsort()
}

/// Row order of CPython's `sorted(keys, reverse=True)` (NaN keys included).
#[pyfunction]
fn python_sorted_desc(keys: Vec<f64>) -> Vec<usize> {
    crate::sorting::descending::python_sorted_desc(&keys)
}

/// Row order of `sort_values` on an int64 column: numpy's generic (non-AVX-512) tie order.
#[pyfunction]
fn sort_order_int(values: Vec<i64>) -> Vec<usize> {
    Column::Int(values).argsort()
}

/// Row order of `sort_values` on a float64 column, NaN last.
#[pyfunction]
fn sort_order_float(values: Vec<f64>) -> Vec<usize> {
    Column::Float(values).argsort()
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(int_hash, m)?)?;
    m.add_function(wrap_pyfunction!(sort_order_bool, m)?)?;
    m.add_function(wrap_pyfunction!(sort_order_int, m)?)?;
    m.add_function(wrap_pyfunction!(sort_order_float, m)?)?;
    m.add_function(wrap_pyfunction!(python_sorted_desc, m)?)?;
    Ok(())
}
