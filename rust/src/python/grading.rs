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
use crate::report_json::{write_grading_report as write_report_json, Num, ReportRow};
use pyo3::intern;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyString};
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

/// `(competition_id, submission_path, submission_error)` of each entry of a submission JSONL
/// in its usual form, or None (the caller then reads it the general way).
#[pyfunction]
fn usual_jsonl_entries(text: &str) -> Option<Vec<crate::grading::JsonlEntry>> {
    crate::grading::usual_jsonl_entries(text)
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

/// A report field's value, or `None` when it is of a type the Rust writer does not write
/// (the caller then uses Python's `json`): a str without lone surrogates, a bool, a float,
/// an int within i64, or None where the schema allows it.
fn text_of(v: &Bound<'_, PyAny>) -> Option<String> {
    v.cast::<PyString>().ok()?.to_str().ok().map(str::to_owned)
}

fn opt_text_of(v: &Bound<'_, PyAny>) -> Option<Option<String>> {
    if v.is_none() {
        Some(None)
    } else {
        text_of(v).map(Some)
    }
}

fn bool_of(v: &Bound<'_, PyAny>) -> Option<bool> {
    v.cast::<PyBool>().ok().map(|b| b.is_true())
}

fn num_of(v: &Bound<'_, PyAny>) -> Option<Num> {
    if v.is_none() {
        Some(Num::Null)
    } else if v.is_exact_instance_of::<PyFloat>() {
        v.extract::<f64>().ok().map(Num::Float)
    } else if v.is_exact_instance_of::<PyInt>() {
        v.extract::<i64>().ok().map(Num::Int)
    } else {
        None
    }
}

/// One `CompetitionReport`'s fields; `created_at` is formatted by its own `isoformat`, once
/// per distinct datetime object (a bulk job stamps every report with the same one).
fn report_row<'py>(
    r: &Bound<'py, PyAny>,
    last_stamp: &mut Option<(Py<PyAny>, String)>,
) -> PyResult<Option<ReportRow>> {
    let py = r.py();
    let get = |name: &Bound<'py, PyString>| r.getattr(name);
    let stamp = get(intern!(py, "created_at"))?;
    let created_at = match last_stamp {
        Some((obj, text)) if obj.is(&stamp) => text.clone(),
        _ => {
            let Some(text) = text_of(&stamp.call_method0(intern!(py, "isoformat"))?) else {
                return Ok(None);
            };
            *last_stamp = Some((stamp.unbind(), text.clone()));
            text
        }
    };
    let is_lower_better = get(intern!(py, "is_lower_better"))?;
    let row = (|| {
        let flag = |name: &Bound<'py, PyString>| get(name).ok().as_ref().and_then(bool_of);
        let num = |name: &Bound<'py, PyString>| get(name).ok().as_ref().and_then(num_of);
        Some(ReportRow {
            competition_id: text_of(&get(intern!(py, "competition_id")).ok()?)?,
            score: num(intern!(py, "score"))?,
            thresholds: [
                num(intern!(py, "gold_threshold"))?,
                num(intern!(py, "silver_threshold"))?,
                num(intern!(py, "bronze_threshold"))?,
                num(intern!(py, "median_threshold"))?,
            ],
            any_medal: flag(intern!(py, "any_medal"))?,
            gold_medal: flag(intern!(py, "gold_medal"))?,
            silver_medal: flag(intern!(py, "silver_medal"))?,
            bronze_medal: flag(intern!(py, "bronze_medal"))?,
            above_median: flag(intern!(py, "above_median"))?,
            submission_exists: flag(intern!(py, "submission_exists"))?,
            valid_submission: flag(intern!(py, "valid_submission"))?,
            is_lower_better: if is_lower_better.is_none() {
                None
            } else {
                Some(bool_of(&is_lower_better)?)
            },
            created_at,
            submission_path: text_of(&get(intern!(py, "submission_path")).ok()?)?,
            error: opt_text_of(&get(intern!(py, "error")).ok()?)?,
            grader_error: get(intern!(py, "grader_error")).ok()?.is_truthy().ok()?,
        })
    })();
    Ok(row)
}

/// Write the grading report of `reports` (`CompetitionReport` objects) to `path`, byte for
/// byte as `json.dumps(aggregate_reports(reports), indent=2, allow_nan=True)`. Returns False,
/// writing nothing, when a field holds a value it does not write (see `num_of`).
#[pyfunction]
fn write_grading_report(
    py: Python<'_>,
    path: PathBuf,
    reports: &Bound<'_, PyList>,
) -> PyResult<bool> {
    let mut rows = Vec::with_capacity(reports.len());
    let mut last_stamp = None;
    for r in reports.iter() {
        match report_row(&r, &mut last_stamp)? {
            Some(row) => rows.push(row),
            None => return Ok(false),
        }
    }
    py.detach(|| {
        let mut file = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&path)?);
        write_report_json(&rows, &mut file)
    })
    .map_err(|e| value_error(format!("cannot write {}: {e}", path.display())))?;
    Ok(true)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(write_grading_report, m)?)?;
    m.add_function(wrap_pyfunction!(read_csv, m)?)?;
    m.add_function(wrap_pyfunction!(usual_jsonl_entries, m)?)?;
    m.add_function(wrap_pyfunction!(leaderboard_thresholds, m)?)?;
    m.add_function(wrap_pyfunction!(rank_score, m)?)?;
    m.add_function(wrap_pyfunction!(grade_many, m)?)?;
    Ok(())
}
