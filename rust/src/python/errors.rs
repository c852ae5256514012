//! The one mapping of core errors to Python exceptions: the core reports failures as
//! messages (`Err(String)`), which Python sees as `ValueError` with that message.

use pyo3::exceptions::PyValueError;
use pyo3::PyErr;

pub(super) fn value_error(e: String) -> PyErr {
    PyValueError::new_err(e)
}
