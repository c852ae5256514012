//! Bindings of the competition registry ([`crate::registry`]): `Registry` and `Competition`
//! objects that Python's `mlebench_fast.registry` presents; the configs are parsed once, in
//! Rust, and never turned back into text.

use super::convert::json_to_py;
use super::errors::value_error;
use crate::registry::{Competition, Medals, Registry};
use pyo3::prelude::*;
use pyo3::types::PyDict;
use std::path::PathBuf;
use std::sync::Arc;

/// Every competition of a competitions folder (or of the built-in one).
#[pyclass(name = "Registry", frozen)]
pub(super) struct PyRegistry(Registry);

#[pymethods]
impl PyRegistry {
    /// The registry compiled into the extension.
    #[staticmethod]
    fn builtin() -> Self {
        PyRegistry(Registry::builtin().clone())
    }

    /// The competitions of a folder of `<id>/config.yaml` (+ prepare.yaml, checksums.yaml).
    #[staticmethod]
    fn from_dir(path: PathBuf) -> PyResult<Self> {
        Registry::from_dir(&path)
            .map(PyRegistry)
            .map_err(value_error)
    }

    /// All competitions, ids in case-insensitive order.
    fn competitions(&self) -> Vec<PyCompetition> {
        self.0
            .competitions()
            .iter()
            .cloned()
            .map(PyCompetition)
            .collect()
    }

    /// The ids of a split (`low`, `medium`, `high`, `split75`, `dev`).
    fn split_ids(&self, split: &str) -> PyResult<Vec<String>> {
        Ok(self
            .0
            .split_ids(split)
            .map_err(value_error)?
            .into_iter()
            .map(String::from)
            .collect())
    }

    fn __len__(&self) -> usize {
        self.0.len()
    }
}

/// One competition: its config, preparation recipe and checksums.
#[pyclass(name = "Competition", frozen)]
#[derive(Clone)]
pub(crate) struct PyCompetition(pub(crate) Arc<Competition>);

/// The Kaggle leaderboard figures of a competition.
#[pyclass(name = "Medals", frozen, get_all)]
#[derive(Clone)]
pub(super) struct PyMedals {
    num_teams: u32,
    lower_is_better: bool,
    gold: f64,
    silver: f64,
    bronze: f64,
    median: f64,
}

impl From<Medals> for PyMedals {
    fn from(m: Medals) -> Self {
        PyMedals {
            num_teams: m.num_teams,
            lower_is_better: m.lower_is_better,
            gold: m.gold,
            silver: m.silver,
            bronze: m.bronze,
            median: m.median,
        }
    }
}

#[pymethods]
impl PyMedals {
    fn __repr__(&self) -> String {
        format!(
            "Medals(num_teams={}, lower_is_better={}, gold={}, silver={}, bronze={}, median={})",
            self.num_teams,
            if self.lower_is_better {
                "True"
            } else {
                "False"
            },
            self.gold,
            self.silver,
            self.bronze,
            self.median
        )
    }
}

#[pymethods]
impl PyCompetition {
    #[getter]
    fn id(&self) -> &str {
        &self.0.id
    }
    #[getter]
    fn name(&self) -> &str {
        &self.0.name
    }
    /// The answers file, relative to the data dir.
    #[getter]
    fn answers(&self) -> &str {
        &self.0.answers
    }
    /// The sample submission, relative to the data dir.
    #[getter]
    fn sample_submission(&self) -> &str {
        &self.0.sample_submission
    }
    /// The reference's metric name.
    #[getter]
    fn metric(&self) -> &str {
        &self.0.metric
    }
    #[getter]
    fn splits(&self) -> Vec<String> {
        self.0.splits.clone()
    }
    /// The grader as configured (`kind` + parameters), or None.
    #[getter]
    fn grader<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .grader_config
            .as_ref()
            .map(|g| json_to_py(py, g))
            .transpose()
    }
    /// True when mlebench-fast implements this competition's grader.
    #[getter]
    fn supported(&self) -> bool {
        self.0.grader.is_some()
    }
    #[getter]
    fn medals(&self) -> Option<PyMedals> {
        self.0.medals.map(PyMedals::from)
    }
    /// The steps of `prepare.yaml` (as Python data), or None.
    #[getter]
    fn prepare_steps<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.0
            .prepare
            .as_ref()
            .and_then(|p| p.steps.as_ref())
            .map(|s| json_to_py(py, s))
            .transpose()
    }
    /// Why this competition cannot be prepared, or None when it can.
    #[getter]
    fn unpreparable_reason(&self) -> Option<String> {
        self.0.unpreparable_reason()
    }
    /// `checksums.yaml` as `{"zip": ..., "public": {...}, "private": {...}}`, or None.
    #[getter]
    fn checksums<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyDict>>> {
        let Some(c) = &self.0.checksums else {
            return Ok(None);
        };
        let d = PyDict::new(py);
        d.set_item("zip", &c.zip)?;
        d.set_item("public", c.public.clone())?;
        d.set_item("private", c.private.clone())?;
        Ok(Some(d))
    }
    fn answers_path(&self, data_dir: PathBuf) -> PathBuf {
        self.0.answers_path(&data_dir)
    }
    fn sample_submission_path(&self, data_dir: PathBuf) -> PathBuf {
        self.0.sample_submission_path(&data_dir)
    }
    fn __repr__(&self) -> String {
        format!("Competition({:?})", self.0.id)
    }
    fn __eq__(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.id == other.0.id
    }
    fn __hash__(&self) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        self.0.id.hash(&mut h);
        h.finish()
    }
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyRegistry>()?;
    m.add_class::<PyCompetition>()?;
    m.add_class::<PyMedals>()?;
    m.add("SPLITS", crate::registry::SPLITS.to_vec())?;
    Ok(())
}
