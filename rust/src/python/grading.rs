//! Bindings of grading: the parallel bulk pipeline ([`crate::grading`]), the CSV reader the
//! graders see, and medal ranking ([`crate::medals`]).

use super::convert::column_to_py;
use super::errors::value_error;
use super::progress::{Progress, Unit};
use super::registry::PyCompetition;
use crate::cache::ResultCache;
use crate::frame::Frame;
use crate::grading::{grade_many as core_grade_many, CompetitionSpec, Job};
use crate::medals::{rank, thresholds_from_leaderboard, MedalThresholds};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use std::collections::HashMap;
use std::path::PathBuf;

/// Parse a CSV the way the graders see it: `[(name, dtype, values)]`.
#[pyfunction]
fn read_csv(py: Python<'_>, path: PathBuf) -> PyResult<Py<PyList>> {
    let frame = py
        .detach(|| {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Frame::from_csv_bytes(&bytes).map_err(|e| e.to_string())
        })
        .map_err(value_error)?;
    let out = PyList::empty(py);
    for (name, col) in frame.names.iter().zip(&frame.columns) {
        let values = column_to_py(py, col)?;
        out.append((name, col.dtype(), values))?;
    }
    Ok(out.unbind())
}

fn thresholds_dict<'py>(py: Python<'py>, t: &MedalThresholds) -> PyResult<Bound<'py, PyDict>> {
    let d = PyDict::new(py);
    d.set_item("gold", t.gold)?;
    d.set_item("silver", t.silver)?;
    d.set_item("bronze", t.bronze)?;
    d.set_item("median", t.median)?;
    d.set_item("lower_is_better", t.lower_is_better)?;
    Ok(d)
}

/// Medal thresholds from leaderboard scores listed best first.
#[pyfunction]
fn leaderboard_thresholds(py: Python<'_>, scores: Vec<f64>) -> PyResult<Py<PyDict>> {
    let t = thresholds_from_leaderboard(&scores).map_err(value_error)?;
    Ok(thresholds_dict(py, &t)?.unbind())
}

/// Medals earned by `score` (None = invalid) given thresholds (None = no leaderboard).
#[pyfunction]
#[pyo3(signature = (score, gold, silver, bronze, median, lower_is_better))]
fn rank_score(
    py: Python<'_>,
    score: Option<f64>,
    gold: f64,
    silver: f64,
    bronze: f64,
    median: f64,
    lower_is_better: bool,
) -> PyResult<Py<PyDict>> {
    let t = MedalThresholds {
        gold,
        silver,
        bronze,
        median,
        lower_is_better,
    };
    let r = rank(score, Some(&t));
    let d = PyDict::new(py);
    d.set_item("gold_medal", r.gold_medal)?;
    d.set_item("silver_medal", r.silver_medal)?;
    d.set_item("bronze_medal", r.bronze_medal)?;
    d.set_item("above_median", r.above_median)?;
    d.set_item("any_medal", r.any_medal())?;
    Ok(d.unbind())
}

/// Grade `[(competition_id, submission_path or None)]` in parallel against `competitions`
/// (their answers under `data_dir`). Returns one dict per job, in order, and the counts.
#[pyfunction]
#[pyo3(signature = (jobs, competitions, data_dir, threads=None, progress=false, cache_dir=None))]
#[allow(clippy::too_many_arguments)]
fn grade_many(
    py: Python<'_>,
    jobs: Vec<(String, Option<PathBuf>)>,
    competitions: Vec<PyRef<'_, PyCompetition>>,
    data_dir: PathBuf,
    threads: Option<usize>,
    progress: bool,
    cache_dir: Option<PathBuf>,
) -> PyResult<(Py<PyList>, Py<PyDict>)> {
    let specs: Vec<CompetitionSpec> = competitions
        .iter()
        .map(|c| c.0.grading_spec(&data_dir))
        .collect();
    let cache = match &cache_dir {
        Some(dir) => Some(ResultCache::open(dir).map_err(|e| {
            value_error(format!(
                "cannot open the results cache {}: {e}",
                dir.display()
            ))
        })?),
        None => None,
    };
    let competitions: HashMap<String, CompetitionSpec> =
        specs.into_iter().map(|c| (c.id.clone(), c)).collect();
    let jobs: Vec<Job> = jobs
        .into_iter()
        .map(|(competition_id, submission_path)| Job {
            competition_id,
            submission_path,
        })
        .collect();
    let bar = Progress::new(
        "Grading submissions",
        Unit::Items,
        jobs.len() as u64,
        progress,
    );
    let (outcomes, stats) = py
        .detach(|| {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads.unwrap_or(0))
                .build()?;
            Ok::<_, rayon::ThreadPoolBuildError>(pool.install(|| {
                core_grade_many(&jobs, &competitions, &|| bar.advance(1), cache.as_ref())
            }))
        })
        .map_err(|e| value_error(e.to_string()))?;
    bar.finish();
    let out = PyList::empty(py);
    for o in outcomes {
        let d = PyDict::new(py);
        d.set_item("score", o.score)?;
        d.set_item("submission_exists", o.submission_exists)?;
        d.set_item("valid_submission", o.valid_submission)?;
        d.set_item("error", o.error)?;
        d.set_item("gold_medal", o.ranking.gold_medal)?;
        d.set_item("silver_medal", o.ranking.silver_medal)?;
        d.set_item("bronze_medal", o.ranking.bronze_medal)?;
        d.set_item("above_median", o.ranking.above_median)?;
        d.set_item("any_medal", o.ranking.any_medal())?;
        out.append(d)?;
    }
    let st = PyDict::new(py);
    st.set_item("graded", stats.graded)?;
    st.set_item("from_cache", stats.from_cache)?;
    Ok((out.unbind(), st.unbind()))
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(leaderboard_thresholds, m)?)?;
    m.add_function(wrap_pyfunction!(rank_score, m)?)?;
    m.add_function(wrap_pyfunction!(grade_many, m)?)?;
    Ok(())
}
