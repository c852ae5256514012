//! Python bindings of the regression and bespoke numeric kernels (see `metrics.py` for the
//! documented wrappers).

use super::convert::slice;
use super::errors::value_error;
use crate::metrics;
use numpy::{IntoPyArray, PyArray1, PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

type Array1<'py> = PyReadonlyArray1<'py, f64>;
type Array2<'py> = PyReadonlyArray2<'py, f64>;

/// A C-contiguous 2-D float64 array as a row-major slice and its column count.
fn matrix<'a>(a: &'a Array2<'_>, name: &str) -> PyResult<(&'a [f64], usize)> {
    let k = a.shape()[1];
    let data = a
        .as_slice()
        .map_err(|_| value_error(format!("{name} must be a C-contiguous float64 array")))?;
    Ok((data, k))
}

fn same_shape(a: &Array2<'_>, b: &Array2<'_>) -> PyResult<()> {
    if a.shape() != b.shape() {
        return Err(value_error(format!(
            "shapes differ: {:?} and {:?}",
            a.shape(),
            b.shape()
        )));
    }
    Ok(())
}

#[pyfunction]
fn mae(py: Python<'_>, y_true: Array1<'_>, y_pred: Array1<'_>) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    py.detach(|| metrics::mae(t, p)).map_err(value_error)
}

#[pyfunction]
fn mean_log_mae_by_group(
    py: Python<'_>,
    y_true: Array1<'_>,
    y_pred: Array1<'_>,
    group: PyReadonlyArray1<'_, i64>,
    n_groups: usize,
) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    let g = group
        .as_slice()
        .map_err(|_| value_error("group must be a contiguous int64 array".into()))?;
    let g: Vec<usize> = g
        .iter()
        .map(|&i| {
            usize::try_from(i).map_err(|_| value_error("group indices must be non-negative".into()))
        })
        .collect::<PyResult<_>>()?;
    py.detach(|| metrics::mean_log_mae_by_group(t, p, &g, n_groups))
        .map_err(value_error)
}

#[pyfunction]
fn mcrmse(py: Python<'_>, y_true: Array2<'_>, y_pred: Array2<'_>) -> PyResult<f64> {
    same_shape(&y_true, &y_pred)?;
    let (t, k) = matrix(&y_true, "y_true")?;
    let (p, _) = matrix(&y_pred, "y_pred")?;
    py.detach(|| {
        // column-major copies: the kernel takes one slice per column
        let column = |m: &[f64], j: usize| {
            m.iter()
                .skip(j)
                .step_by(k.max(1))
                .copied()
                .collect::<Vec<f64>>()
        };
        let tc: Vec<Vec<f64>> = (0..k).map(|j| column(t, j)).collect();
        let pc: Vec<Vec<f64>> = (0..k).map(|j| column(p, j)).collect();
        let tr: Vec<&[f64]> = tc.iter().map(Vec::as_slice).collect();
        let pr: Vec<&[f64]> = pc.iter().map(Vec::as_slice).collect();
        metrics::mcrmse(&tr, &pr)
    })
    .map_err(value_error)
}

#[pyfunction]
fn pearson(py: Python<'_>, x: Array1<'_>, y: Array1<'_>) -> PyResult<f64> {
    let (a, b) = (slice(&x, "x")?, slice(&y, "y")?);
    py.detach(|| metrics::pearson(a, b)).map_err(value_error)
}

#[pyfunction]
fn kl_divergence(py: Python<'_>, y_true: Array2<'_>, y_pred: Array2<'_>) -> PyResult<f64> {
    same_shape(&y_true, &y_pred)?;
    let (t, k) = matrix(&y_true, "y_true")?;
    let (p, _) = matrix(&y_pred, "y_pred")?;
    py.detach(|| metrics::kl_divergence(t, p, k))
        .map_err(value_error)
}

#[pyfunction]
fn weighted_multilabel_log_loss(
    py: Python<'_>,
    y_true: Array2<'_>,
    y_pred: Array2<'_>,
    negative_weights: Array1<'_>,
    positive_weights: Array1<'_>,
    eps: f64,
) -> PyResult<f64> {
    same_shape(&y_true, &y_pred)?;
    let (t, _) = matrix(&y_true, "y_true")?;
    let (p, _) = matrix(&y_pred, "y_pred")?;
    let (neg, pos) = (
        slice(&negative_weights, "negative_weights")?,
        slice(&positive_weights, "positive_weights")?,
    );
    py.detach(|| metrics::weighted_multilabel_log_loss(t, p, neg, pos, eps))
        .map_err(value_error)
}

#[pyfunction]
#[pyo3(signature = (y_true, y_score, sample_weight=None))]
fn label_ranking_average_precision(
    py: Python<'_>,
    y_true: Array2<'_>,
    y_score: Array2<'_>,
    sample_weight: Option<Array1<'_>>,
) -> PyResult<f64> {
    same_shape(&y_true, &y_score)?;
    let (t, k) = matrix(&y_true, "y_true")?;
    let (s, _) = matrix(&y_score, "y_score")?;
    let w = sample_weight
        .as_ref()
        .map(|w| slice(w, "sample_weight"))
        .transpose()?;
    py.detach(|| metrics::label_ranking_average_precision(t, s, k, w))
        .map_err(value_error)
}

#[pyfunction]
fn probabilistic_fbeta(
    py: Python<'_>,
    labels: Array1<'_>,
    predictions: Array1<'_>,
    beta: f64,
) -> PyResult<f64> {
    let (l, p) = (
        slice(&labels, "labels")?,
        slice(&predictions, "predictions")?,
    );
    py.detach(|| metrics::probabilistic_fbeta(l, p, beta))
        .map_err(value_error)
}

#[pyfunction]
fn mean_angular_error(
    py: Python<'_>,
    az_true: Array1<'_>,
    zen_true: Array1<'_>,
    az_pred: Array1<'_>,
    zen_pred: Array1<'_>,
) -> PyResult<f64> {
    let (a, b) = (slice(&az_true, "az_true")?, slice(&zen_true, "zen_true")?);
    let (c, d) = (slice(&az_pred, "az_pred")?, slice(&zen_pred, "zen_pred")?);
    py.detach(|| metrics::mean_angular_error(a, b, c, d))
        .map_err(value_error)
}

#[pyfunction]
fn haversine_distances<'py>(
    py: Python<'py>,
    lat1: Array1<'_>,
    lon1: Array1<'_>,
    lat2: Array1<'_>,
    lon2: Array1<'_>,
) -> PyResult<Bound<'py, PyArray1<f64>>> {
    let (a, b) = (slice(&lat1, "lat1")?, slice(&lon1, "lon1")?);
    let (c, d) = (slice(&lat2, "lat2")?, slice(&lon2, "lon2")?);
    let distances = py
        .detach(|| metrics::haversine_distances(a, b, c, d))
        .map_err(value_error)?;
    Ok(distances.into_pyarray(py))
}

#[pyfunction]
fn laplace_log_likelihood(
    py: Python<'_>,
    actual: Array1<'_>,
    predicted: Array1<'_>,
    confidence: Array1<'_>,
    sigma_floor: f64,
    delta_cap: f64,
) -> PyResult<f64> {
    let (a, p) = (slice(&actual, "actual")?, slice(&predicted, "predicted")?);
    let c = slice(&confidence, "confidence")?;
    py.detach(|| metrics::laplace_log_likelihood(a, p, c, sigma_floor, delta_cap))
        .map_err(value_error)
}

#[pyfunction]
fn bias_auc(
    py: Python<'_>,
    labels: Array1<'_>,
    scores: Array1<'_>,
    subgroups: PyReadonlyArray2<'_, bool>,
    power: f64,
    weight: f64,
) -> PyResult<f64> {
    let (l, s) = (slice(&labels, "labels")?, slice(&scores, "scores")?);
    let n = subgroups.shape()[1];
    let flat = subgroups
        .as_slice()
        .map_err(|_| value_error("subgroups must be a C-contiguous bool array".into()))?;
    let masks: Vec<Vec<bool>> = if n == 0 {
        Vec::new()
    } else {
        flat.chunks(n).map(<[bool]>::to_vec).collect()
    };
    py.detach(|| metrics::bias_auc_score(l, s, &masks, power, weight))
        .map_err(value_error)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(mae, m)?)?;
    m.add_function(wrap_pyfunction!(mean_log_mae_by_group, m)?)?;
    m.add_function(wrap_pyfunction!(mcrmse, m)?)?;
    m.add_function(wrap_pyfunction!(pearson, m)?)?;
    m.add_function(wrap_pyfunction!(kl_divergence, m)?)?;
    m.add_function(wrap_pyfunction!(weighted_multilabel_log_loss, m)?)?;
    m.add_function(wrap_pyfunction!(label_ranking_average_precision, m)?)?;
    m.add_function(wrap_pyfunction!(probabilistic_fbeta, m)?)?;
    m.add_function(wrap_pyfunction!(mean_angular_error, m)?)?;
    m.add_function(wrap_pyfunction!(haversine_distances, m)?)?;
    m.add_function(wrap_pyfunction!(laplace_log_likelihood, m)?)?;
    m.add_function(wrap_pyfunction!(bias_auc, m)?)?;
    Ok(())
}
