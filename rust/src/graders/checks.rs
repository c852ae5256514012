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

/// How submission rows pair with answer rows when the reference sorts both files by id and
/// compares them position by position.
pub struct Pairing {
    /// submission row of each pair
    pub sub_rows: Vec<usize>,
    /// answer row of each pair
    pub ans_rows: Vec<usize>,
    /// whether the sorted id columns are equal element by element
    pub ids_equal: bool,
}

/// The reference's "sort both by id, then pair by position" without sorting in the common
/// cases: ids in the same order as the answers (identity), or the same set of unique ids in
/// another order (a hash join gives the same pairs). Otherwise both are sorted, as the
/// reference does, so even mismatched ids pair exactly as there. Pairs may come in another
/// order than the reference's, which only reorders sums.
pub fn sorted_pairing(sub_ids: &Column, ans_ids: &Column) -> Pairing {
    let n = ans_ids.len();
    if sub_ids.len() != n {
        // no pairing exists; callers fail on the lengths, so skip the sorting
        return Pairing { sub_rows: (0..sub_ids.len()).collect(), ans_rows: (0..n).collect(), ids_equal: false };
    }
    {
        if (0..n).all(|i| sub_ids.get(i).py_eq(ans_ids.get(i))) {
            let rows: Vec<usize> = (0..n).collect();
            return Pairing { sub_rows: rows.clone(), ans_rows: rows, ids_equal: true };
        }
        if let Some(sub_rows) = hash_join(sub_ids, ans_ids) {
            return Pairing { sub_rows, ans_rows: (0..n).collect(), ids_equal: true };
        }
    }
    let sub_rows = sub_ids.argsort();
    let ans_rows = ans_ids.argsort();
    let ids_equal = sub_rows.len() == ans_rows.len()
        && sub_rows.iter().zip(&ans_rows).all(|(&s, &a)| sub_ids.get(s).py_eq(ans_ids.get(a)));
    Pairing { sub_rows, ans_rows, ids_equal }
}

/// For each answer row, the submission row with the same id, when the answers' ids are
/// unique and the submission has exactly those ids once each.
fn hash_join(sub_ids: &Column, ans_ids: &Column) -> Option<Vec<usize>> {
    let mut index: crate::frame::value::FastMap<crate::frame::value::HashKey, usize> = Default::default();
    index.reserve(ans_ids.len());
    for (row, v) in ans_ids.values().enumerate() {
        if v.is_nan() || index.insert(v.hash_key(), row).is_some() {
            return None;
        }
    }
    let mut sub_rows = vec![usize::MAX; ans_ids.len()];
    for (row, v) in sub_ids.values().enumerate() {
        let &a = index.get(&v.hash_key())?;
        if sub_rows[a] != usize::MAX || !v.py_eq(ans_ids.get(a)) {
            return None;
        }
        sub_rows[a] = row;
    }
    Some(sub_rows)
}

/// `sorted_pairing` that must match: the reference rejects differing ids.
pub fn pair_matching_ids(sub_ids: &Column, ans_ids: &Column, id: &str) -> Result<Pairing, String> {
    let pairing = sorted_pairing(sub_ids, ans_ids);
    if !pairing.ids_equal {
        if sub_ids.len() != ans_ids.len() {
            return Err(format!("Submission and answers have different numbers of `{id}` values"));
        }
        ids_match(&sub_ids.take(&sub_ids.argsort()), &ans_ids.take(&ans_ids.argsort()), id)?;
    }
    Ok(pairing)
}

/// The (submission rows, answer rows) of `pair_matching_ids`.
pub fn matching_rows(sub_ids: &Column, ans_ids: &Column, id: &str) -> Result<(Vec<usize>, Vec<usize>), String> {
    let pairing = pair_matching_ids(sub_ids, ans_ids, id)?;
    Ok((pairing.sub_rows, pairing.ans_rows))
}
