//! Conversions between Python/numpy values and core types; every binding module uses these
//! and only these.

use super::errors::value_error;
use crate::frame::{Cell, Column};
use numpy::PyReadonlyArray1;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};

pub(super) fn slice<'a>(a: &'a PyReadonlyArray1<'_, f64>, name: &str) -> PyResult<&'a [f64]> {
    a.as_slice()
        .map_err(|_| value_error(format!("{name} must be a contiguous float64 array")))
}

pub(super) fn int_slice<'a>(a: &'a PyReadonlyArray1<'_, i64>, name: &str) -> PyResult<&'a [i64]> {
    a.as_slice()
        .map_err(|_| value_error(format!("{name} must be a contiguous int64 array")))
}

/// The column pandas would make from a Python list: bools, ints, floats (ints and floats
/// mixed give floats), otherwise an object column of text (None/NaN are missing).
pub(super) fn column_from_py(values: &Bound<'_, PyList>) -> PyResult<Column> {
    let items: Vec<Bound<'_, PyAny>> = values.iter().collect();
    if !items.is_empty() && items.iter().all(|v| v.is_instance_of::<PyBool>()) {
        return Ok(Column::Bool(
            items
                .iter()
                .map(|v| v.extract::<bool>())
                .collect::<PyResult<_>>()?,
        ));
    }
    let is_int =
        |v: &Bound<'_, PyAny>| v.is_instance_of::<PyInt>() && !v.is_instance_of::<PyBool>();
    if items.iter().all(is_int) {
        return Ok(Column::Int(
            items
                .iter()
                .map(|v| v.extract::<i64>())
                .collect::<PyResult<_>>()?,
        ));
    }
    if items
        .iter()
        .all(|v| is_int(v) || v.is_instance_of::<PyFloat>())
    {
        return Ok(Column::Float(
            items
                .iter()
                .map(|v| v.extract::<f64>())
                .collect::<PyResult<_>>()?,
        ));
    }
    let cells = items
        .iter()
        .map(|v| {
            if v.is_none() {
                Ok(Cell::Nan)
            } else if let Ok(b) = v.cast::<PyBool>() {
                Ok(Cell::Bool(b.is_true()))
            } else if v.is_instance_of::<PyFloat>() && v.extract::<f64>()?.is_nan() {
                Ok(Cell::Nan)
            } else if let Ok(s) = v.cast::<PyString>() {
                Ok(Cell::Str(s.to_str()?.into()))
            } else {
                Err(PyTypeError::new_err(format!(
                    "a text column holds only str, bool or None/NaN, not {}",
                    v.get_type().name()?
                )))
            }
        })
        .collect::<PyResult<Vec<_>>>()?;
    Ok(Column::Object(cells.into()))
}

/// A column as a Python list: ints, floats, bools, or text with NaN for missing values.
pub(super) fn column_to_py<'py>(py: Python<'py>, col: &Column) -> PyResult<Bound<'py, PyList>> {
    Ok(match col {
        Column::Int(v) => PyList::new(py, v)?,
        Column::UInt(v) => PyList::new(py, v)?,
        Column::Float(v) => PyList::new(py, v)?,
        Column::Bool(v) => PyList::new(py, v)?,
        Column::Object(cells) => {
            let l = PyList::empty(py);
            for c in cells.iter() {
                match c {
                    Cell::Str(s) => l.append(s.as_str())?,
                    Cell::Nan => l.append(f64::NAN)?,
                    Cell::Bool(b) => l.append(*b)?,
                }
            }
            l
        }
    })
}

/// A JSON value as the Python object `json.loads` would give.
pub(super) fn json_to_py<'py>(
    py: Python<'py>,
    value: &serde_json::Value,
) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let l = PyList::empty(py);
            for item in items {
                l.append(json_to_py(py, item)?)?;
            }
            l.into_any()
        }
        Value::Object(map) => {
            let d = PyDict::new(py);
            for (k, v) in map {
                d.set_item(k, json_to_py(py, v)?)?;
            }
            d.into_any()
        }
    })
}
