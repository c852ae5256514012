//! Checks shared by the graders, each with the reference's outcome (pass or invalid).

use crate::frame::{Cell, Column, Frame};

pub fn submission_column<'a>(sub: &'a Frame, name: &str) -> Result<&'a Column, String> {
    sub.column(name)
        .ok_or_else(|| format!("Submission is missing the `{name}` column (columns found: {})", list_columns(sub)))
}

pub fn answers_column<'a>(answers: &'a Frame, name: &str) -> Result<&'a Column, String> {
    answers
        .column(name)
        .ok_or_else(|| format!("the answers file has no `{name}` column; is the competition prepared correctly?"))
}

fn list_columns(f: &Frame) -> String {
    const SHOW: usize = 8;
    let mut s: Vec<String> = f.names.iter().take(SHOW).map(|n| format!("`{n}`")).collect();
    if f.names.len() > SHOW {
        s.push(format!("... {} more", f.names.len() - SHOW));
    }
    if s.is_empty() { "none".into() } else { s.join(", ") }
}

pub fn same_length(sub: &Frame, answers: &Frame) -> Result<(), String> {
    if sub.nrows != answers.nrows {
        return Err(format!(
            "Submission has {} rows but {} are expected",
            sub.nrows, answers.nrows
        ));
    }
    Ok(())
}

/// After sorting both id columns, `(sub_ids != answer_ids).any()` must be false.
pub fn ids_match(sub_ids: &Column, answer_ids: &Column, id: &str) -> Result<(), String> {
    if sub_ids.len() != answer_ids.len() {
        return Err(format!("Submission and answers have different numbers of `{id}` values"));
    }
    if let Some(i) = (0..sub_ids.len()).find(|&i| !sub_ids.get(i).py_eq(answer_ids.get(i))) {
        return Err(format!(
            "Submission `{id}` values do not match the answers (first difference after sorting: {})",
            describe(sub_ids.get(i))
        ));
    }
    Ok(())
}

pub fn describe(v: crate::frame::Value<'_>) -> String {
    use crate::frame::Value;
    match v {
        Value::Str(s) if s.chars().count() > 60 => format!("'{}...'", s.chars().take(60).collect::<String>()),
        Value::Str(s) => format!("'{s}'"),
        Value::Int(i) => i.to_string(),
        Value::UInt(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => if b { "True".into() } else { "False".into() },
        Value::Nan => "NaN".into(),
    }
}

/// `pd.to_numeric(col)` succeeds and `col.min() >= 0 and col.max() <= 1` (NaN skipped).
pub fn probabilities_by_min_max(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    let values = col.numeric_f64().ok_or_else(|| {
        format!("Expected the `{name}` column to be numeric, got {} instead", col.dtype())
    })?;
    let finite = values.iter().filter(|x| !x.is_nan());
    let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
    for &x in finite {
        lo = lo.min(x);
        hi = hi.max(x);
    }
    if lo < 0.0 || hi > 1.0 {
        return Err(format!(
            "The `{name}` column must hold probabilities between 0 and 1 inclusive (found values in [{lo}, {hi}])"
        ));
    }
    Ok(values)
}

/// `((col >= 0) & (col <= 1)).all()`: elementwise, NaN fails, text cannot be compared.
pub fn probabilities_elementwise(col: &Column, name: &str) -> Result<(), String> {
    if let Column::Object(cells) = col {
        if cells.iter().any(|c| matches!(c, Cell::Str(_))) {
            return Err(format!(
                "The `{name}` column holds text; '>=' not supported between instances of 'str' and 'int'"
            ));
        }
    }
    let ok = col.values().all(|v| v.as_f64().is_some_and(|x| (0.0..=1.0).contains(&x)));
    if !ok {
        return Err(format!("All values in the `{name}` column must be between 0 and 1."));
    }
    Ok(())
}
