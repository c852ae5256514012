//! The input checks scikit-learn 1.5 runs before a metric, reproduced on our columns:
//! which label arrays it accepts, which it rejects and with what reason. The reference turns
//! every such exception into an invalid submission, so these decide validity.

use crate::frame::value::FastSet;
use crate::frame::{Cell, Column, Value};
use crate::numeric::py_float;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TargetType {
    Binary,
    Multiclass,
    Continuous,
    Unknown,
}

impl TargetType {
    pub fn name(self) -> &'static str {
        match self {
            TargetType::Binary => "binary",
            TargetType::Multiclass => "multiclass",
            TargetType::Continuous => "continuous",
            TargetType::Unknown => "unknown",
        }
    }
}

/// Distinct labels of a column under Python equality; `Err` when numpy's `unique` would
/// fail to sort them (text mixed with NaN or numbers).
fn distinct_count(col: &Column) -> Result<usize, String> {
    if let Column::Object(cells) = col {
        let has_str = cells.iter().any(|c| matches!(c, Cell::Str(_)));
        let has_other = cells.iter().any(|c| !matches!(c, Cell::Str(_)));
        if has_str && has_other {
            return Err("'<' not supported between instances of 'float' and 'str'".into());
        }
    }
    let mut seen: FastSet<_> = FastSet::default();
    let mut nans = 0usize;
    for v in col.values() {
        if v.is_nan() {
            nans = 1; // np.unique collapses NaNs into one
        } else {
            seen.insert(v.hash_key());
        }
    }
    Ok(seen.len() + nans)
}

/// `sklearn.utils.validation.check_consistent_length` for two inputs of `a` and `b` samples.
pub fn check_consistent_length(a: usize, b: usize) -> Result<(), String> {
    if a != b {
        return Err(format!(
            "Found input variables with inconsistent numbers of samples: [{a}, {b}]"
        ));
    }
    Ok(())
}

/// `sklearn.utils.multiclass.type_of_target` for a 1-D column.
pub fn type_of_target(col: &Column, name: &str) -> Result<TargetType, String> {
    if col.is_empty() {
        return Ok(TargetType::Binary);
    }
    if let Column::Object(cells) = col {
        if !matches!(cells[0], Cell::Str(_)) {
            return Ok(TargetType::Unknown);
        }
    }
    if let Column::Float(v) = col {
        // `y != y.astype(int)`: a float beyond int64 casts to INT64_MIN, so it is not integral
        let integral = |x: f64| {
            x.fract() == 0.0
                && (-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&x)
        };
        if v.iter().any(|&x| !integral(x)) {
            if v.iter().any(|x| x.is_nan()) {
                return Err(format!("Input {name} contains NaN."));
            }
            if v.iter().any(|x| x.is_infinite()) {
                return Err(format!(
                    "Input {name} contains infinity or a value too large for dtype('float64')."
                ));
            }
            return Ok(TargetType::Continuous);
        }
    }
    Ok(if distinct_count(col)? > 2 {
        TargetType::Multiclass
    } else {
        TargetType::Binary
    })
}

/// `sklearn.metrics._classification._check_targets` for 1-D inputs: the common type of
/// `y_true` and `y_pred`, or the error scikit-learn raises.
pub fn check_targets(y_true: &Column, y_pred: &Column) -> Result<TargetType, String> {
    crate::sklearn::check_consistent_length(y_true.len(), y_pred.len())?;
    let t = type_of_target(y_true, "y_true")?;
    let p = type_of_target(y_pred, "y_pred")?;
    let mut ty = if t == p {
        t
    } else if matches!(
        (t, p),
        (TargetType::Binary, TargetType::Multiclass) | (TargetType::Multiclass, TargetType::Binary)
    ) {
        TargetType::Multiclass
    } else {
        return Err(format!(
            "Classification metrics can't handle a mix of {} and {} targets",
            t.name(),
            p.name()
        ));
    };
    if !matches!(ty, TargetType::Binary | TargetType::Multiclass) {
        return Err(format!("{} is not supported", ty.name()));
    }
    if ty == TargetType::Binary {
        // np.union1d sorts the concatenation: text next to numbers cannot be ordered
        let true_text = matches!(y_true, Column::Object(_));
        let pred_text = matches!(y_pred, Column::Object(_));
        if true_text != pred_text {
            return Err("Labels in y_true and y_pred should be of the same type.".into());
        }
        let mut union: FastSet<_> = FastSet::default();
        for v in y_true.values().chain(y_pred.values()) {
            union.insert(v.hash_key());
        }
        if union.len() > 2 {
            ty = TargetType::Multiclass;
        }
    }
    Ok(ty)
}

/// `sklearn.utils.multiclass.unique_labels(y_true, y_pred)` for 1-D labels: sorted distinct
/// labels, refusing text mixed with numbers.
pub fn unique_labels<'a>(a: &'a Column, b: &'a Column) -> Result<Vec<Value<'a>>, String> {
    let is_text = |c: &Column| matches!(c, Column::Object(_));
    if is_text(a) != is_text(b) {
        return Err("Mix of label input types (string and number)".into());
    }
    let mut seen: FastSet<_> = FastSet::default();
    let mut labels: Vec<Value> = Vec::new();
    for v in a.values().chain(b.values()) {
        if seen.insert(v.hash_key()) {
            labels.push(v);
        }
    }
    if is_text(a) {
        if labels.iter().any(|v| !matches!(v, Value::Str(_))) {
            return Err("Mix of label input types (string and number)".into());
        }
        labels.sort_by(|x, y| match (x, y) {
            (Value::Str(p), Value::Str(q)) => p.cmp(q),
            _ => std::cmp::Ordering::Equal,
        });
    } else {
        labels.sort_by(|x, y| x.as_f64().unwrap().total_cmp(&y.as_f64().unwrap()));
    }
    Ok(labels)
}

/// `check_array(col, dtype="numeric", ensure_2d=False)`: float64 values, or the error.
/// Text cells go through Python's `float()`; NaN and infinity are refused when `finite`.
pub fn to_float_array(col: &Column, name: &str, finite: bool) -> Result<Vec<f64>, String> {
    let values: Vec<f64> = match col {
        Column::Object(cells) => cells
            .iter()
            .map(|c| match c {
                Cell::Str(s) => {
                    py_float(s).ok_or_else(|| format!("could not convert string to float: '{s}'"))
                }
                Cell::Nan => Ok(f64::NAN),
                Cell::Bool(b) => Ok(f64::from(u8::from(*b))),
            })
            .collect::<Result<_, _>>()?,
        other => other.numeric_f64().expect("numeric column"),
    };
    if finite {
        check_finite(&values, name)?;
    }
    Ok(values)
}

/// `to_float_array` without a copy when the column is already float64 (the usual
/// submission and answers column).
pub fn float_view<'a>(
    col: &'a Column,
    name: &str,
    finite: bool,
) -> Result<std::borrow::Cow<'a, [f64]>, String> {
    match col {
        Column::Float(v) => {
            if finite {
                check_finite(v, name)?;
            }
            Ok(std::borrow::Cow::Borrowed(v))
        }
        other => to_float_array(other, name, finite).map(std::borrow::Cow::Owned),
    }
}

/// sklearn's `_assert_all_finite` messages.
pub fn check_finite(values: &[f64], name: &str) -> Result<(), String> {
    if values.iter().any(|x| x.is_nan()) {
        return Err(format!("Input {name} contains NaN."));
    }
    if values.iter().any(|x| x.is_infinite()) {
        return Err(format!(
            "Input {name} contains infinity or a value too large for dtype('float64')."
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Column {
        Column::Object(std::sync::Arc::new(
            v.iter().map(|x| Cell::Str((*x).into())).collect(),
        ))
    }

    #[test]
    fn targets() {
        assert_eq!(
            type_of_target(&Column::Int(vec![0, 1, 1]), "y").unwrap(),
            TargetType::Binary
        );
        assert_eq!(
            type_of_target(&Column::Float(vec![0.0, 2.0, 1.0]), "y").unwrap(),
            TargetType::Multiclass
        );
        assert_eq!(
            type_of_target(&Column::Float(vec![0.5, 1.0]), "y").unwrap(),
            TargetType::Continuous
        );
        assert_eq!(
            type_of_target(&Column::Float(vec![1e20, 1.0]), "y").unwrap(),
            TargetType::Continuous
        );
        assert_eq!(
            type_of_target(&Column::Float(vec![i64::MIN as f64, 1.0]), "y").unwrap(),
            TargetType::Binary
        );
        assert!(type_of_target(&Column::Float(vec![f64::NAN, 1.0]), "y").is_err());
        assert_eq!(
            type_of_target(
                &Column::Object(std::sync::Arc::new(vec![Cell::Bool(true), Cell::Nan])),
                "y"
            )
            .unwrap(),
            TargetType::Unknown
        );
    }

    #[test]
    fn mixed_binary_labels_are_refused() {
        assert!(check_targets(&Column::Bool(vec![true, false]), &s(&["Yes", "No"])).is_err());
        assert_eq!(
            check_targets(&Column::Bool(vec![true, false]), &Column::Int(vec![1, 0])).unwrap(),
            TargetType::Binary
        );
        assert_eq!(
            check_targets(&Column::Int(vec![1, 2, 3]), &s(&["a", "b", "c"])).unwrap(),
            TargetType::Multiclass
        );
    }

    #[test]
    fn labels_sorted_and_merged() {
        let a = Column::Int(vec![2, 0]);
        let b = Column::Float(vec![2.0, 5.0]);
        let l = unique_labels(&a, &b).unwrap();
        assert_eq!(
            l.iter().map(|v| v.as_f64().unwrap()).collect::<Vec<_>>(),
            vec![0.0, 2.0, 5.0]
        );
        assert!(unique_labels(&a, &s(&["x"])).is_err());
    }
}
