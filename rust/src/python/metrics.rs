//! Bindings of the classification, text, ranking, mask and box kernels of [`crate::metrics`]
//! (documented in `mlebench_fast.metrics`): numpy arrays in, the GIL released around each
//! computation. Input checks live in the kernels; here only the array layout is checked.

use super::convert::{int_slice, slice};
use super::errors::value_error;
use crate::metrics;
use numpy::{PyReadonlyArray1, PyReadonlyArray2, PyUntypedArrayMethods};
use pyo3::prelude::*;

#[pyfunction]
fn roc_auc(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_score: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, s) = (slice(&y_true, "y_true")?, slice(&y_score, "y_score")?);
    py.detach(|| metrics::roc_auc(t, s)).map_err(value_error)
}

#[pyfunction]
fn accuracy(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_pred: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    if t.len() != p.len() {
        return Err(value_error(format!(
            "y_true has {} values but y_pred has {}",
            t.len(),
            p.len()
        )));
    }
    // the share of matches, as `accuracy_from_matches` computes it
    Ok(py.detach(|| metrics::int_labels::count_equal_f64(t, p) as f64 / t.len() as f64))
}

/// `accuracy` of integer labels compared as float64 numbers, without converting them.
#[pyfunction]
fn accuracy_int(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
) -> PyResult<f64> {
    let (t, p) = (int_slice(&y_true, "y_true")?, int_slice(&y_pred, "y_pred")?);
    if t.len() != p.len() {
        return Err(value_error(format!(
            "y_true has {} values but y_pred has {}",
            t.len(),
            p.len()
        )));
    }
    Ok(py.detach(|| metrics::int_labels::count_equal_as_f64(t, p) as f64 / t.len() as f64))
}

#[pyfunction]
fn log_loss_binary(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_pred: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    py.detach(|| metrics::log_loss_binary(t, p))
        .map_err(value_error)
}

#[pyfunction]
fn log_loss_onehot(
    py: Python<'_>,
    y_true: PyReadonlyArray2<'_, f64>,
    y_pred: PyReadonlyArray2<'_, f64>,
) -> PyResult<f64> {
    let shape = y_true.shape().to_vec();
    if shape != y_pred.shape() {
        return Err(value_error(
            "y_true and y_pred must have the same shape".into(),
        ));
    }
    let t = y_true
        .as_slice()
        .map_err(|_| value_error("y_true must be C-contiguous".into()))?;
    let p = y_pred
        .as_slice()
        .map_err(|_| value_error("y_pred must be C-contiguous".into()))?;
    py.detach(|| metrics::log_loss_onehot(t, p, shape[1]))
        .map_err(value_error)
}

#[pyfunction]
fn rmse(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_pred: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    py.detach(|| metrics::rmse(t, p)).map_err(value_error)
}

#[pyfunction]
fn rmsle(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_pred: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, p) = (slice(&y_true, "y_true")?, slice(&y_pred, "y_pred")?);
    py.detach(|| metrics::rmsle(t, p)).map_err(value_error)
}

#[pyfunction]
fn quadratic_weighted_kappa(
    py: Python<'_>,
    y1: PyReadonlyArray1<'_, i64>,
    y2: PyReadonlyArray1<'_, i64>,
) -> PyResult<f64> {
    let a = y1
        .as_slice()
        .map_err(|_| value_error("y1 must be a contiguous int64 array".into()))?;
    let b = y2
        .as_slice()
        .map_err(|_| value_error("y2 must be a contiguous int64 array".into()))?;
    py.detach(|| metrics::classification::quadratic_weighted_kappa_int(a, b))
        .map_err(value_error)
}

#[pyfunction]
fn f1_score(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
    average: &str,
) -> PyResult<f64> {
    let average = match average {
        "micro" => Some(metrics::F1Average::Micro),
        "macro" => Some(metrics::F1Average::Macro),
        "binary" => None,
        other => {
            return Err(value_error(format!(
                "average must be 'binary', 'micro' or 'macro', got {other:?}"
            )))
        }
    };
    let (t, p) = (int_slice(&y_true, "y_true")?, int_slice(&y_pred, "y_pred")?);
    py.detach(|| match average {
        Some(average) => metrics::f1::f1_score_int(t, p, average),
        None => metrics::f1::f1_binary_int(t, p),
    })
    .map_err(value_error)
}

#[pyfunction]
fn matthews_corrcoef(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, i64>,
    y_pred: PyReadonlyArray1<'_, i64>,
) -> PyResult<f64> {
    let (t, p) = (int_slice(&y_true, "y_true")?, int_slice(&y_pred, "y_pred")?);
    py.detach(|| metrics::mcc::matthews_corrcoef_int(t, p))
        .map_err(value_error)
}

#[pyfunction]
fn levenshtein(py: Python<'_>, a: String, b: String) -> usize {
    py.detach(|| metrics::levenshtein_str(&a, &b))
}

#[pyfunction]
fn levenshtein_tokens(py: Python<'_>, a: Vec<i64>, b: Vec<i64>) -> usize {
    let (a, b): (Vec<u64>, Vec<u64>) = (
        a.iter().map(|&v| v as u64).collect(),
        b.iter().map(|&v| v as u64).collect(),
    );
    py.detach(|| metrics::levenshtein(&a, &b))
}

#[pyfunction]
fn mean_levenshtein(py: Python<'_>, y_true: Vec<String>, y_pred: Vec<String>) -> PyResult<f64> {
    py.detach(|| metrics::mean_levenshtein(&y_true, &y_pred))
        .map_err(value_error)
}

#[pyfunction]
fn word_jaccard(a: &str, b: &str) -> Option<f64> {
    metrics::word_jaccard(a, b)
}

#[pyfunction]
#[pyo3(signature = (y_true, y_pred, both_empty=None))]
fn mean_word_jaccard(
    py: Python<'_>,
    y_true: Vec<String>,
    y_pred: Vec<String>,
    both_empty: Option<f64>,
) -> PyResult<f64> {
    py.detach(|| {
        let t: Vec<&str> = y_true.iter().map(String::as_str).collect();
        let p: Vec<&str> = y_pred.iter().map(String::as_str).collect();
        metrics::mean_word_jaccard(&t, &p, both_empty)
    })
    .map_err(value_error)
}

#[pyfunction]
fn exact_match_accuracy(py: Python<'_>, y_true: Vec<String>, y_pred: Vec<String>) -> PyResult<f64> {
    py.detach(|| {
        let t: Vec<&str> = y_true.iter().map(String::as_str).collect();
        let p: Vec<&str> = y_pred.iter().map(String::as_str).collect();
        metrics::exact_match_accuracy(&t, &p)
    })
    .map_err(value_error)
}

#[pyfunction]
fn micro_f1_label_sets(
    py: Python<'_>,
    y_true: Vec<Vec<String>>,
    y_pred: Vec<Vec<String>>,
) -> PyResult<f64> {
    py.detach(|| metrics::micro_f1_label_sets(&y_true, &y_pred))
        .map_err(value_error)
}

#[pyfunction]
fn micro_f1_labels(py: Python<'_>, y_true: Vec<i64>, y_pred: Vec<i64>) -> PyResult<f64> {
    py.detach(|| metrics::micro_f1_labels(&y_true, &y_pred))
        .map_err(value_error)
}

#[pyfunction]
fn kendall_tau_ordering(
    py: Python<'_>,
    ground_truth: Vec<Vec<String>>,
    predictions: Vec<Vec<String>>,
) -> PyResult<f64> {
    py.detach(|| metrics::kendall_tau_ordering(&ground_truth, &predictions))
        .map_err(value_error)
}

#[pyfunction]
fn map_at_k(
    py: Python<'_>,
    actual: Vec<Vec<String>>,
    predicted: Vec<Vec<String>>,
    k: usize,
) -> PyResult<f64> {
    if actual.len() != predicted.len() {
        return Err(value_error(format!(
            "actual has {} rows but predicted has {}",
            actual.len(),
            predicted.len()
        )));
    }
    Ok(py.detach(|| metrics::mean_average_precision_at_k(&actual, &predicted, k)))
}

#[pyfunction]
fn spearman(
    py: Python<'_>,
    x: PyReadonlyArray1<'_, f64>,
    y: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (x, y) = (slice(&x, "x")?, slice(&y, "y")?);
    py.detach(|| metrics::spearman(x, y)).map_err(value_error)
}

#[pyfunction]
fn split_words(s: &str) -> Vec<String> {
    crate::pystr::split_words(s).map(str::to_string).collect()
}

#[pyfunction]
fn split_on_space(s: &str) -> Vec<String> {
    crate::pystr::split_on_space(s)
        .map(str::to_string)
        .collect()
}

#[pyfunction]
fn mean_columnwise_roc_auc(
    py: Python<'_>,
    y_true: PyReadonlyArray2<'_, f64>,
    y_score: PyReadonlyArray2<'_, f64>,
) -> PyResult<f64> {
    let shape = y_true.shape().to_vec();
    if shape != y_score.shape() {
        return Err(value_error(
            "y_true and y_score must have the same shape".into(),
        ));
    }
    let t = y_true
        .as_slice()
        .map_err(|_| value_error("y_true must be C-contiguous".into()))?;
    let s = y_score
        .as_slice()
        .map_err(|_| value_error("y_score must be C-contiguous".into()))?;
    py.detach(|| metrics::mean_columnwise_roc_auc(t, s, shape[1]))
        .map_err(value_error)
}

#[pyfunction]
fn weighted_roc_auc(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_score: PyReadonlyArray1<'_, f64>,
    tpr_thresholds: Vec<f64>,
    weights: Vec<f64>,
) -> PyResult<f64> {
    let (t, s) = (slice(&y_true, "y_true")?, slice(&y_score, "y_score")?);
    py.detach(|| metrics::weighted_roc_auc(t, s, &tpr_thresholds, &weights))
        .map_err(value_error)
}

/// Label-indicator rows (nonzero = label present) as lists of label indices.
fn indicator_rows(m: &PyReadonlyArray2<'_, u8>, name: &str) -> PyResult<Vec<Vec<usize>>> {
    let k = m.shape()[1];
    let flat = m
        .as_slice()
        .map_err(|_| value_error(format!("{name} must be C-contiguous")))?;
    if k == 0 {
        return Ok(vec![Vec::new(); m.shape()[0]]);
    }
    Ok(flat
        .chunks(k)
        .map(|row| (0..k).filter(|&j| row[j] != 0).collect())
        .collect())
}

#[pyfunction]
fn multilabel_micro_f1(
    py: Python<'_>,
    y_true: PyReadonlyArray2<'_, u8>,
    y_pred: PyReadonlyArray2<'_, u8>,
) -> PyResult<f64> {
    if y_true.shape() != y_pred.shape() {
        return Err(value_error(
            "y_true and y_pred must have the same shape".into(),
        ));
    }
    let n_labels = y_true.shape()[1];
    let (t, p) = (
        indicator_rows(&y_true, "y_true")?,
        indicator_rows(&y_pred, "y_pred")?,
    );
    py.detach(|| metrics::multilabel_micro_f1(&t, &p, n_labels))
        .map_err(value_error)
}

fn bools<'a>(a: &'a PyReadonlyArray1<'_, bool>, name: &str) -> PyResult<&'a [bool]> {
    a.as_slice()
        .map_err(|_| value_error(format!("{name} must be a contiguous boolean array")))
}

fn mask_overlap(pred: &[bool], truth: &[bool]) -> PyResult<metrics::masks::Overlap> {
    use metrics::rle::RunMask;
    if pred.len() != truth.len() {
        return Err(value_error(format!(
            "masks differ in size: {} and {} pixels",
            pred.len(),
            truth.len()
        )));
    }
    Ok(metrics::masks::Overlap::of(
        &RunMask::from_bools(pred),
        &RunMask::from_bools(truth),
    ))
}

/// Decode an RLE into a flat boolean array of `length` pixels (reference checks).
#[pyfunction]
fn rle_decode<'py>(
    py: Python<'py>,
    rle: &str,
    length: u64,
) -> PyResult<Bound<'py, numpy::PyArray1<bool>>> {
    let mask = py
        .detach(|| metrics::rle::RunMask::from_rle(rle, length))
        .map_err(value_error)?;
    Ok(numpy::PyArray1::from_vec(py, mask.to_bools()))
}

/// Encode a flat boolean array as RLE text (1-based starts and lengths).
#[pyfunction]
fn rle_encode(py: Python<'_>, pixels: PyReadonlyArray1<'_, bool>) -> PyResult<String> {
    let p = bools(&pixels, "mask")?;
    Ok(py.detach(|| metrics::rle::RunMask::from_bools(p).to_rle()))
}

#[pyfunction]
fn dice(
    py: Python<'_>,
    pred: PyReadonlyArray1<'_, bool>,
    truth: PyReadonlyArray1<'_, bool>,
    both_empty: f64,
) -> PyResult<f64> {
    let (p, t) = (bools(&pred, "pred")?, bools(&truth, "truth")?);
    let o = py.detach(|| mask_overlap(p, t))?;
    Ok(metrics::masks::dice(o, both_empty))
}

#[pyfunction]
fn mask_iou(
    py: Python<'_>,
    pred: PyReadonlyArray1<'_, bool>,
    truth: PyReadonlyArray1<'_, bool>,
    both_empty: f64,
) -> PyResult<f64> {
    let (p, t) = (bools(&pred, "pred")?, bools(&truth, "truth")?);
    let o = py.detach(|| mask_overlap(p, t))?;
    Ok(metrics::masks::mask_iou(o, both_empty))
}

#[pyfunction]
fn fbeta_mask(
    py: Python<'_>,
    truth: PyReadonlyArray1<'_, bool>,
    pred: PyReadonlyArray1<'_, bool>,
    beta: f64,
) -> PyResult<f64> {
    let (p, t) = (bools(&pred, "pred")?, bools(&truth, "truth")?);
    let o = py.detach(|| mask_overlap(p, t))?;
    Ok(metrics::masks::fbeta(o, beta))
}

#[pyfunction]
fn iou_threshold_precision(
    py: Python<'_>,
    truth: PyReadonlyArray1<'_, bool>,
    pred: PyReadonlyArray1<'_, bool>,
) -> PyResult<f64> {
    let (p, t) = (bools(&pred, "pred")?, bools(&truth, "truth")?);
    let o = py.detach(|| mask_overlap(p, t))?;
    Ok(metrics::masks::iou_threshold_precision(o, t.len() as u64))
}

#[pyfunction]
fn directed_hausdorff(
    py: Python<'_>,
    u: PyReadonlyArray2<'_, f64>,
    v: PyReadonlyArray2<'_, f64>,
) -> PyResult<f64> {
    use metrics::hausdorff::Points;
    let (du, dv) = (u.shape()[1], v.shape()[1]);
    let a = u
        .as_slice()
        .map_err(|_| value_error("u must be C-contiguous".into()))?;
    let b = v
        .as_slice()
        .map_err(|_| value_error("v must be C-contiguous".into()))?;
    py.detach(|| {
        let (pa, pb) = (Points::new(a, du.max(1))?, Points::new(b, dv.max(1))?);
        metrics::hausdorff::directed_hausdorff(&pa, &pb)
    })
    .map_err(value_error)
}

fn four(a: &PyReadonlyArray1<'_, f64>, name: &str) -> PyResult<[f64; 4]> {
    slice(a, name)?
        .try_into()
        .map_err(|_| value_error(format!("{name} must hold 4 numbers")))
}

#[pyfunction]
fn box_iou_corners(a: PyReadonlyArray1<'_, f64>, b: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    Ok(metrics::boxes::box_iou_corners(
        &four(&a, "a")?,
        &four(&b, "b")?,
    ))
}

#[pyfunction]
fn coco_box_iou(dt: PyReadonlyArray1<'_, f64>, gt: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    Ok(metrics::boxes::coco_box_iou(
        &four(&dt, "dt")?,
        &four(&gt, "gt")?,
    ))
}

/// IoU of two Lyft boxes `[x, y, z, width, length, height, yaw]` (prediction first).
#[pyfunction]
fn box3d_iou(pred: PyReadonlyArray1<'_, f64>, truth: PyReadonlyArray1<'_, f64>) -> PyResult<f64> {
    let build = |a: &PyReadonlyArray1<'_, f64>, name: &str| -> PyResult<metrics::boxes::Box3d> {
        let v: [f64; 7] = slice(a, name)?
            .try_into()
            .map_err(|_| value_error(format!("{name} must hold 7 numbers")))?;
        metrics::boxes::Box3d::new([v[0], v[1], v[2]], [v[3], v[4], v[5]], v[6])
            .map_err(value_error)
    };
    Ok(build(&pred, "pred")?.iou(&build(&truth, "truth")?))
}

#[pyfunction]
fn average_precision(
    py: Python<'_>,
    y_true: PyReadonlyArray1<'_, f64>,
    y_score: PyReadonlyArray1<'_, f64>,
) -> PyResult<f64> {
    let (t, s) = (slice(&y_true, "y_true")?, slice(&y_score, "y_score")?);
    let positive: Vec<bool> = t.iter().map(|&x| x == 1.0).collect();
    py.detach(|| metrics::average_precision::average_precision(&positive, s))
        .map_err(value_error)
}

pub(super) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(roc_auc, m)?)?;
    m.add_function(wrap_pyfunction!(accuracy, m)?)?;
    m.add_function(wrap_pyfunction!(accuracy_int, m)?)?;
    m.add_function(wrap_pyfunction!(log_loss_binary, m)?)?;
    m.add_function(wrap_pyfunction!(log_loss_onehot, m)?)?;
    m.add_function(wrap_pyfunction!(rmse, m)?)?;
    m.add_function(wrap_pyfunction!(rmsle, m)?)?;
    m.add_function(wrap_pyfunction!(quadratic_weighted_kappa, m)?)?;
    m.add_function(wrap_pyfunction!(f1_score, m)?)?;
    m.add_function(wrap_pyfunction!(matthews_corrcoef, m)?)?;
    m.add_function(wrap_pyfunction!(levenshtein, m)?)?;
    m.add_function(wrap_pyfunction!(levenshtein_tokens, m)?)?;
    m.add_function(wrap_pyfunction!(mean_levenshtein, m)?)?;
    m.add_function(wrap_pyfunction!(word_jaccard, m)?)?;
    m.add_function(wrap_pyfunction!(mean_word_jaccard, m)?)?;
    m.add_function(wrap_pyfunction!(exact_match_accuracy, m)?)?;
    m.add_function(wrap_pyfunction!(micro_f1_label_sets, m)?)?;
    m.add_function(wrap_pyfunction!(micro_f1_labels, m)?)?;
    m.add_function(wrap_pyfunction!(kendall_tau_ordering, m)?)?;
    m.add_function(wrap_pyfunction!(map_at_k, m)?)?;
    m.add_function(wrap_pyfunction!(spearman, m)?)?;
    m.add_function(wrap_pyfunction!(split_words, m)?)?;
    m.add_function(wrap_pyfunction!(split_on_space, m)?)?;
    m.add_function(wrap_pyfunction!(mean_columnwise_roc_auc, m)?)?;
    m.add_function(wrap_pyfunction!(weighted_roc_auc, m)?)?;
    m.add_function(wrap_pyfunction!(multilabel_micro_f1, m)?)?;
    m.add_function(wrap_pyfunction!(rle_decode, m)?)?;
    m.add_function(wrap_pyfunction!(rle_encode, m)?)?;
    m.add_function(wrap_pyfunction!(dice, m)?)?;
    m.add_function(wrap_pyfunction!(mask_iou, m)?)?;
    m.add_function(wrap_pyfunction!(fbeta_mask, m)?)?;
    m.add_function(wrap_pyfunction!(iou_threshold_precision, m)?)?;
    m.add_function(wrap_pyfunction!(directed_hausdorff, m)?)?;
    m.add_function(wrap_pyfunction!(box_iou_corners, m)?)?;
    m.add_function(wrap_pyfunction!(coco_box_iou, m)?)?;
    m.add_function(wrap_pyfunction!(box3d_iou, m)?)?;
    m.add_function(wrap_pyfunction!(average_precision, m)?)?;
    Ok(())
}
