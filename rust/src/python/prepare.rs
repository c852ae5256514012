//! PyO3 layer of dataset preparation: pandas-exact CSV tables ([`crate::table`]), parallel
//! streaming MD5 ([`crate::checksum`]) and PNG gray levels ([`crate::image_gray`]).

use super::convert::{column_from_py, column_to_py};
use super::errors::value_error as err;
use super::progress::{Progress, Unit};
use crate::frame::{Cell, Column};
use crate::table::{Quoting, Table};
use pyo3::prelude::*;
use pyo3::types::PyList;
use std::path::PathBuf;

fn quoting(name: &str) -> PyResult<Quoting> {
    match name {
        "minimal" => Ok(Quoting::Minimal),
        "nonnumeric" => Ok(Quoting::NonNumeric),
        other => Err(err(format!(
            "quoting must be 'minimal' or 'nonnumeric', not {other:?}"
        ))),
    }
}

/// A table with pandas' column types, written back as pandas' `to_csv(index=False)` would.
#[pyclass(name = "Table")]
#[derive(Clone)]
struct PyTable(Table);

#[pymethods]
impl PyTable {
    /// `pd.read_csv(path, float_precision="round_trip")`.
    #[staticmethod]
    fn read_csv(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        py.detach(|| {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Table::read_csv_bytes(&bytes).map_err(|e| format!("{}: {e}", path.display()))
        })
        .map(PyTable)
        .map_err(err)
    }

    /// A table from `(name, values)` pairs (`pd.DataFrame(dict)`).
    #[staticmethod]
    fn from_columns(columns: Vec<(String, Bound<'_, PyList>)>) -> PyResult<Self> {
        let mut names = Vec::with_capacity(columns.len());
        let mut cols = Vec::with_capacity(columns.len());
        for (name, values) in columns {
            names.push(name);
            cols.push(column_from_py(&values)?);
        }
        Table::new(names, cols).map(PyTable).map_err(err)
    }

    #[getter]
    fn names(&self) -> Vec<String> {
        self.0.names.clone()
    }

    #[getter]
    fn nrows(&self) -> usize {
        self.0.nrows
    }

    fn __len__(&self) -> usize {
        self.0.nrows
    }

    fn dtype(&self, name: &str) -> PyResult<&'static str> {
        self.0.column(name).map(Column::dtype).map_err(err)
    }

    fn column<'py>(&self, py: Python<'py>, name: &str) -> PyResult<Bound<'py, PyList>> {
        column_to_py(py, self.0.column(name).map_err(err)?)
    }

    fn take(&self, py: Python<'_>, rows: Vec<usize>) -> PyResult<Self> {
        py.detach(|| self.0.take(&rows)).map(PyTable).map_err(err)
    }

    fn select(&self, names: Vec<String>) -> PyResult<Self> {
        self.0.select(&names).map(PyTable).map_err(err)
    }

    fn drop(&self, names: Vec<String>) -> PyResult<Self> {
        self.0.drop(&names).map(PyTable).map_err(err)
    }

    /// `df.rename(columns={old: new})`; returns a new table.
    fn rename(&self, old: &str, new: &str) -> PyResult<Self> {
        let mut t = self.0.clone();
        t.rename(old, new).map_err(err)?;
        Ok(PyTable(t))
    }

    /// `df[name] = values` (a list with one value per row); returns a new table.
    fn with_column(&self, name: &str, values: Bound<'_, PyList>) -> PyResult<Self> {
        let mut t = self.0.clone();
        t.set_column(name, column_from_py(&values)?).map_err(err)?;
        Ok(PyTable(t))
    }

    /// Per row, the rank of its value in order of first appearance (`pd.factorize` codes).
    fn codes(&self, py: Python<'_>, name: &str) -> PyResult<Vec<usize>> {
        py.detach(|| self.0.first_appearance_codes(name))
            .map_err(err)
    }

    fn to_csv_string(&self, py: Python<'_>, quoting_name: &str) -> PyResult<String> {
        let q = quoting(quoting_name)?;
        Ok(py.detach(|| self.0.to_csv(q)))
    }

    #[pyo3(signature = (path, quoting="minimal"))]
    fn to_csv(&self, py: Python<'_>, path: PathBuf, quoting: &str) -> PyResult<()> {
        let q = self::quoting(quoting)?;
        py.detach(|| {
            let file = std::fs::File::create(&path)?;
            let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
            self.0.write_csv(&mut w, q)?;
            std::io::Write::flush(&mut w)
        })
        .map_err(|e: std::io::Error| err(format!("{}: {e}", path.display())))
    }
}

/// The MD5 of each file (streamed, in parallel), with a progress line on a terminal.
#[pyfunction]
#[pyo3(signature = (paths, label=None))]
fn md5_files(py: Python<'_>, paths: Vec<PathBuf>, label: Option<String>) -> PyResult<Vec<String>> {
    let total = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let show = label.is_some();
    let bar = Progress::new(label.unwrap_or_default(), Unit::Bytes, total, show);
    let out = py.detach(|| crate::checksum::md5_files(&paths, &|n| bar.advance(n)));
    bar.finish();
    out.map_err(err)
}

/// `(height, width, gray levels)` of a PNG, as Pillow's `convert("L")` gives them.
#[pyfunction]
fn png_gray(py: Python<'_>, path: PathBuf) -> PyResult<(usize, usize, Vec<u8>)> {
    py.detach(|| {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        crate::image_gray::png_to_gray(&bytes).map_err(|e| format!("{}: {e}", path.display()))
    })
    .map(|g| (g.height, g.width, g.pixels))
    .map_err(err)
}

/// The `feature` (a bytes feature) of every `tf.train.Example` in a TFRecord file.
#[pyfunction]
fn tfrecord_ids(py: Python<'_>, path: PathBuf, feature: &str) -> PyResult<Vec<String>> {
    py.detach(|| {
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        crate::tfrecord::ids(&bytes, feature).map_err(|e| format!("{}: {e}", path.display()))
    })
    .map_err(err)
}

/// Python's `repr` of a float.
#[pyfunction]
fn float_repr(x: f64) -> String {
    crate::pyfmt::repr_f64(x)
}

/// Row order of pandas' `sort_values` on a text column (None = missing): numpy's unstable
/// quicksort, as the reference's preparations and graders sort.
#[pyfunction]
fn sort_values_order(values: Vec<Option<String>>) -> Vec<usize> {
    let cells: Vec<Cell> = values
        .into_iter()
        .map(|v| v.map_or(Cell::Nan, |s| Cell::Str(s.into())))
        .collect();
    Column::Object(cells.into()).argsort()
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(sort_values_order, m)?)?;
    m.add_class::<PyTable>()?;
    m.add_function(wrap_pyfunction!(md5_files, m)?)?;
    m.add_function(wrap_pyfunction!(png_gray, m)?)?;
    m.add_function(wrap_pyfunction!(float_repr, m)?)?;
    m.add_function(wrap_pyfunction!(tfrecord_ids, m)?)?;
    Ok(())
}
