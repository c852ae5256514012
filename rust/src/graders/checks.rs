//! Checks shared by the graders, each with the reference's outcome (pass or invalid).

use crate::frame::value::same_value_set;
use crate::frame::{Cell, Column, Frame, RowIndex, Value};
use serde::Deserialize;

/// How a grader checks the submission's ids against the answers' (a config's `ids:`). Each
/// grader accepts the policies the reference's graders of its family use.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum IdPolicy {
    /// same length, and after sorting both files by id the ids are equal row by row
    #[default]
    SortedEqual,
    /// `set(submission ids) == set(answer ids)`; a duplicated id passes when the row count
    /// still matches (rows are then paired by sorted position)
    SameSet,
    /// every answer id present; rows of other ids are dropped (a duplicated row is kept and
    /// shifts the pairing after sorting, as in the reference)
    Superset,
}

impl IdPolicy {
    /// Deserialise an `ids:` value that must be one of `allowed` (a grader's config field).
    pub fn one_of<'de, D: serde::Deserializer<'de>>(
        d: D,
        allowed: &[IdPolicy],
    ) -> Result<IdPolicy, D::Error> {
        let policy = IdPolicy::deserialize(d)?;
        if !allowed.contains(&policy) {
            return Err(serde::de::Error::custom(format!(
                "this grader's `ids` must be one of {allowed:?}, not {policy:?}"
            )));
        }
        Ok(policy)
    }
}

/// How a grader checks the submission's columns (a config's `column_rule:`); "the expected
/// columns" are the id and the grader's target (or class) columns. Each grader accepts the
/// rules the reference's graders of its family use.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum ColumnRule {
    /// exactly one more column than the targets and as many rows as the answers; the id
    /// must come first, since row sums are taken over every column after the first
    ExactShape,
    /// the column set is exactly the expected columns, in any order
    ExactColumnSet,
    /// every expected column must be present; other columns are ignored
    RequiredColumns,
}

impl ColumnRule {
    /// Deserialise a `column_rule:` value that must be one of `allowed`.
    pub fn one_of<'de, D: serde::Deserializer<'de>>(
        d: D,
        allowed: &[ColumnRule],
    ) -> Result<ColumnRule, D::Error> {
        let rule = ColumnRule::deserialize(d)?;
        if !allowed.contains(&rule) {
            return Err(serde::de::Error::custom(format!(
                "this grader's `column_rule` must be one of {allowed:?}, not {rule:?}"
            )));
        }
        Ok(rule)
    }

    /// `exact_column_set` or `required_columns`, for graders without a shape rule.
    pub fn set_or_required<'de, D: serde::Deserializer<'de>>(d: D) -> Result<ColumnRule, D::Error> {
        ColumnRule::one_of(
            d,
            &[ColumnRule::ExactColumnSet, ColumnRule::RequiredColumns],
        )
    }
}

/// `set(submission.columns) == set(expected)` (column names are unique, as pandas makes them).
pub fn exact_column_set(sub: &Frame, expected: &[&str]) -> Result<(), String> {
    let mut got: Vec<&str> = sub.names.iter().map(String::as_str).collect();
    let mut want = expected.to_vec();
    got.sort_unstable();
    want.sort_unstable();
    if got != want {
        let quoted = |names: &mut dyn Iterator<Item = &str>| {
            names
                .map(|n| format!("`{n}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(format!(
            "Submission must have exactly the columns {} (found: {})",
            quoted(&mut expected.iter().copied()),
            quoted(&mut sub.names.iter().map(String::as_str))
        ));
    }
    Ok(())
}

/// Every column of `columns` in the answers, then every one in the submission, each in the
/// order given: graders list them in the order of the reference's checks, so an invalid
/// submission is reported with the column the reference names (and a broken answers file
/// before anything about the submission, as the reference reads the answers first).
pub fn require_columns(sub: &Frame, answers: &Frame, columns: &[&str]) -> Result<(), String> {
    for c in columns {
        answers_column(answers, c)?;
    }
    for c in columns {
        submission_column(sub, c)?;
    }
    Ok(())
}

pub fn submission_column<'a>(sub: &'a Frame, name: &str) -> Result<&'a Column, String> {
    sub.column(name).ok_or_else(|| {
        format!(
            "Submission is missing the `{name}` column (columns found: {})",
            list_columns(sub)
        )
    })
}

/// A column of the answers. Used as ids, it brings the answers' cached row index along, so
/// a bulk job builds each competition's id index once, not once per submission.
#[derive(Clone, Copy)]
pub struct AnswersColumn<'a> {
    frame: &'a Frame,
    position: usize,
}

impl<'a> AnswersColumn<'a> {
    pub fn column(self) -> &'a Column {
        &self.frame.columns[self.position]
    }
}

impl std::ops::Deref for AnswersColumn<'_> {
    type Target = Column;
    fn deref(&self) -> &Column {
        &self.frame.columns[self.position]
    }
}

pub fn answers_column<'a>(answers: &'a Frame, name: &str) -> Result<AnswersColumn<'a>, String> {
    answers
        .position(name)
        .map(|position| AnswersColumn {
            frame: answers,
            position,
        })
        .ok_or_else(|| {
            format!(
                "the answers file has no `{name}` column; is the competition prepared correctly?"
            )
        })
}

/// Ids to pair with: a plain column, or an answers column with its cached index.
#[derive(Clone, Copy)]
pub struct Ids<'a> {
    column: &'a Column,
    answers: Option<AnswersColumn<'a>>,
}

impl<'a> From<&'a Column> for Ids<'a> {
    fn from(column: &'a Column) -> Self {
        Ids {
            column,
            answers: None,
        }
    }
}

impl<'a> From<AnswersColumn<'a>> for Ids<'a> {
    fn from(c: AnswersColumn<'a>) -> Self {
        Ids {
            column: &c.frame.columns[c.position],
            answers: Some(c),
        }
    }
}

impl<'a> From<&AnswersColumn<'a>> for Ids<'a> {
    fn from(c: &AnswersColumn<'a>) -> Self {
        Ids::from(*c)
    }
}

impl<'a> Ids<'a> {
    /// The id -> row index: the answers' cached one, or one built now for a plain column.
    fn with_index<R>(&self, f: impl FnOnce(Option<&RowIndex>) -> R) -> R {
        match self.answers {
            Some(a) => f(a.frame.row_index(a.position)),
            None => f(RowIndex::build(self.column).as_ref()),
        }
    }
}

fn list_columns(f: &Frame) -> String {
    const SHOW: usize = 8;
    let mut s: Vec<String> = f
        .names
        .iter()
        .take(SHOW)
        .map(|n| format!("`{n}`"))
        .collect();
    if f.names.len() > SHOW {
        s.push(format!("... {} more", f.names.len() - SHOW));
    }
    if s.is_empty() {
        "none".into()
    } else {
        s.join(", ")
    }
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
        return Err(format!(
            "Submission and answers have different numbers of `{id}` values"
        ));
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
        Value::Str(s) if s.chars().count() > 60 => {
            format!("'{}...'", s.chars().take(60).collect::<String>())
        }
        Value::Str(s) => format!("'{s}'"),
        Value::Int(i) => i.to_string(),
        Value::UInt(i) => i.to_string(),
        Value::Float(f) => format!("{f:?}"),
        Value::Bool(b) => {
            if b {
                "True".into()
            } else {
                "False".into()
            }
        }
        Value::Nan => "NaN".into(),
    }
}

/// `pd.to_numeric(col)` succeeds and `col.min() >= 0 and col.max() <= 1` (NaN skipped).
pub fn probabilities_by_min_max(col: &Column, name: &str) -> Result<Vec<f64>, String> {
    let values = col.numeric_f64().ok_or_else(|| {
        format!(
            "Expected the `{name}` column to be numeric, got {} instead",
            col.dtype()
        )
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
    let ok = col
        .values()
        .all(|v| v.as_f64().is_some_and(|x| (0.0..=1.0).contains(&x)));
    if !ok {
        return Err(format!(
            "All values in the `{name}` column must be between 0 and 1."
        ));
    }
    Ok(())
}

/// The rows of one file in the order a pairing takes them: all of them as they stand (ids
/// already in the answers' order, the usual case, kept without a list of `0..n`: a bulk job
/// of large files would otherwise fill and zero two such lists per submission), or these.
#[derive(Debug, Clone, PartialEq)]
pub enum Order {
    /// rows `0..n`
    Identity(usize),
    Rows(Vec<usize>),
}

impl Order {
    /// The row numbers, listed.
    pub fn into_vec(self) -> Vec<usize> {
        match self {
            Order::Identity(n) => (0..n).collect(),
            Order::Rows(rows) => rows,
        }
    }

    /// `col`'s values in this order; the column itself for the identity.
    pub fn take<'c>(&self, col: &'c Column) -> std::borrow::Cow<'c, Column> {
        match self {
            Order::Identity(n) if *n == col.len() => std::borrow::Cow::Borrowed(col),
            Order::Identity(n) => std::borrow::Cow::Owned(col.take(&(0..*n).collect::<Vec<_>>())),
            Order::Rows(rows) => std::borrow::Cow::Owned(col.take(rows)),
        }
    }

    /// `values` in this order, borrowed when that order is the identity.
    pub fn gather<'a>(&self, values: &'a [f64]) -> std::borrow::Cow<'a, [f64]> {
        match self {
            Order::Identity(n) => std::borrow::Cow::Borrowed(&values[..*n]),
            Order::Rows(rows)
                if rows.len() == values.len() && rows.iter().enumerate().all(|(i, &r)| i == r) =>
            {
                std::borrow::Cow::Borrowed(values)
            }
            Order::Rows(rows) => std::borrow::Cow::Owned(rows.iter().map(|&r| values[r]).collect()),
        }
    }
}

/// How submission rows pair with answer rows when the reference sorts both files by id and
/// compares them position by position.
pub struct Pairing {
    /// submission row of each pair
    pub sub: Order,
    /// answer row of each pair
    pub ans: Order,
    /// whether the sorted id columns are equal element by element
    pub ids_equal: bool,
}

impl Pairing {
    /// The (submission, answer) row orders, listed.
    pub fn rows(self) -> (Vec<usize>, Vec<usize>) {
        (self.sub.into_vec(), self.ans.into_vec())
    }
}

/// The reference's "sort both by id, then pair by position" without sorting in the common
/// cases: ids in the same order as the answers (identity), or the same set of unique ids in
/// another order (a hash join gives the same pairs). Otherwise both are sorted, as the
/// reference does, so even mismatched ids pair exactly as there. Pairs may come in another
/// order than the reference's, which only reorders sums.
pub fn sorted_pairing<'a>(sub_ids: &Column, ans_ids: impl Into<Ids<'a>>) -> Pairing {
    let ans: Ids<'a> = ans_ids.into();
    let ans_ids = ans.column;
    let n = ans_ids.len();
    if sub_ids.len() != n {
        // no pairing exists; callers fail on the lengths, so skip the sorting
        return Pairing {
            sub: Order::Identity(sub_ids.len()),
            ans: Order::Identity(n),
            ids_equal: false,
        };
    }
    if same_values(sub_ids, ans_ids) {
        return Pairing {
            sub: Order::Identity(n),
            ans: Order::Identity(n),
            ids_equal: true,
        };
    }
    if let Some(sub_rows) =
        ans.with_index(|index| index.and_then(|index| hash_join(sub_ids, ans_ids, index)))
    {
        return Pairing {
            sub: Order::Rows(sub_rows),
            ans: Order::Identity(n),
            ids_equal: true,
        };
    }
    let sub_rows = sub_ids.argsort();
    let ans_rows = ans_ids.argsort();
    let ids_equal = sub_rows.len() == ans_rows.len()
        && sub_rows
            .iter()
            .zip(&ans_rows)
            .all(|(&s, &a)| sub_ids.get(s).py_eq(ans_ids.get(a)));
    Pairing {
        sub: Order::Rows(sub_rows),
        ans: Order::Rows(ans_rows),
        ids_equal,
    }
}

/// Below this many rows the id checks run on one thread.
const PARALLEL_ROWS: usize = 1 << 16;

/// Whether two equally long columns hold equal values (Python `==`) row by row.
fn same_values(a: &Column, b: &Column) -> bool {
    rows_equal(a, b, |x, y| x.py_eq(y))
}

/// Whether two equally long columns hold values with equal set keys row by row: then they
/// hold the same set of values (a NaN key equals nothing, so a NaN makes this false).
fn same_keys(a: &Column, b: &Column) -> bool {
    rows_equal(a, b, |x, y| x.hash_key() == y.hash_key())
}

/// Whether `equal` holds between the values of every row. Text against text, the usual id
/// column, compares the strings directly; integers too.
fn rows_equal(a: &Column, b: &Column, equal: impl Fn(Value, Value) -> bool + Sync) -> bool {
    use rayon::prelude::*;
    let n = a.len();
    if let (Column::Object(x), Column::Object(y)) = (a, b) {
        if std::sync::Arc::ptr_eq(x, y) {
            // a submission column that shares the answers' cells (text without missing
            // values, when `shared_text_column` made it): equal unless a NaN is there
            return !x
                .par_iter()
                .with_min_len(PARALLEL_ROWS / 4)
                .any(|c| matches!(c, Cell::Nan));
        }
    }
    let equal = |i: usize| match (a, b) {
        (Column::Object(x), Column::Object(y)) => match (&x[i], &y[i]) {
            (Cell::Str(s), Cell::Str(t)) => s == t,
            _ => equal(a.get(i), b.get(i)),
        },
        (Column::Int(x), Column::Int(y)) => x[i] == y[i],
        _ => equal(a.get(i), b.get(i)),
    };
    if n < PARALLEL_ROWS {
        (0..n).all(equal)
    } else {
        (0..n)
            .into_par_iter()
            .with_min_len(PARALLEL_ROWS / 4)
            .all(equal)
    }
}

/// `set(sub_ids) == set(ans_ids)` ([`same_value_set`]) without hashing the answers' ids for
/// every submission of a bulk job: ids in the answers' order, or the answers' unique ids in
/// another order (found through the answers' cached row index), are the same set; any other
/// case builds both sets.
pub fn same_id_set<'a>(sub_ids: &Column, ans_ids: impl Into<Ids<'a>>) -> bool {
    let ans: Ids<'a> = ans_ids.into();
    if sub_ids.len() == ans.column.len() {
        if same_keys(sub_ids, ans.column) {
            return true;
        }
        // a key match is a set match; `hash_join` also asks Python `==`, which only makes it
        // refuse more, and those cases go to the sets below
        let joined = ans.with_index(|index| {
            index.is_some_and(|index| hash_join(sub_ids, ans.column, index).is_some())
        });
        if joined {
            return true;
        }
    }
    same_value_set(sub_ids, ans.column)
}

/// For each answer row, the submission row with the same id, when the submission has
/// exactly the answers' (unique) ids once each.
fn hash_join(sub_ids: &Column, ans_ids: &Column, index: &RowIndex) -> Option<Vec<usize>> {
    use rayon::prelude::*;
    let n = sub_ids.len();
    let lookup = |from: usize, to: usize| -> Option<Vec<u32>> {
        let rows = index.find_all(ans_ids, |i| sub_ids.get(from + i).hash_key(), to - from);
        // a key match is a Python `==` match except across types (1 == True), checked here
        rows.into_iter()
            .enumerate()
            .map(|(i, a)| a.filter(|&a| sub_ids.get(from + i).py_eq(ans_ids.get(a as usize))))
            .collect()
    };
    // u32: a RowIndex only exists for fewer than u32::MAX rows
    let found: Option<Vec<u32>> = if n < PARALLEL_ROWS {
        lookup(0, n)
    } else {
        let chunk = PARALLEL_ROWS / 4;
        let parts: Option<Vec<Vec<u32>>> = (0..n.div_ceil(chunk))
            .into_par_iter()
            .map(|c| lookup(c * chunk, ((c + 1) * chunk).min(n)))
            .collect();
        parts.map(|p| p.concat())
    };
    let mut sub_rows = vec![usize::MAX; ans_ids.len()];
    for (row, a) in found?.into_iter().enumerate() {
        let a = a as usize;
        if sub_rows[a] != usize::MAX {
            return None;
        }
        sub_rows[a] = row;
    }
    Some(sub_rows)
}

/// The one "pair rows by sorted id" of graders whose reference sorts both files by id and
/// refuses `(submission[id] != answers[id]).any()`: [`sorted_pairing`], and an error naming
/// the first differing id (after sorting) when the ids differ.
pub fn pair_matching_ids<'a>(
    sub_ids: &Column,
    ans_ids: impl Into<Ids<'a>>,
    id: &str,
) -> Result<Pairing, String> {
    let ans_ids: Ids<'a> = ans_ids.into();
    let pairing = sorted_pairing(sub_ids, ans_ids);
    let ans_ids = ans_ids.column;
    if !pairing.ids_equal {
        if sub_ids.len() != ans_ids.len() {
            return Err(format!(
                "Submission and answers have different numbers of `{id}` values"
            ));
        }
        ids_match(
            &sub_ids.take(&sub_ids.argsort()),
            &ans_ids.take(&ans_ids.argsort()),
            id,
        )?;
    }
    Ok(pairing)
}

/// [`pair_matching_ids`] on the `id` columns of both frames (the submission's looked up
/// first, so a missing column is reported as the reference reports it).
pub fn pair_rows_by_id(sub: &Frame, answers: &Frame, id: &str) -> Result<Pairing, String> {
    pair_matching_ids(
        submission_column(sub, id)?,
        answers_column(answers, id)?,
        id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(csv: &str) -> Frame {
        Frame::from_csv_str(csv).unwrap()
    }

    fn text(values: &[&str]) -> Column {
        Column::Object(std::sync::Arc::new(
            values.iter().map(|s| Cell::Str((*s).into())).collect(),
        ))
    }

    #[test]
    fn same_id_set_agrees_with_the_sets_of_both_columns() {
        let big = 9_007_199_254_740_993i64; // 2**53 + 1: equal to 2**53 as a float, not in Python
        let answers = [
            frame("id\na\nb\nc\nd\n"),
            frame(&format!("id\n1\n2\n{big}\n")),
            frame("id\n0.5\n1\n2.5\n"),
            frame("id\na\n\"\"\nc\n"), // a missing answer id: no row index
            frame("id\na\na\nc\n"),    // a duplicated answer id: no row index either
        ];
        let floats = |v: &[f64]| Column::Float(v.to_vec());
        let subs = [
            text(&["a", "b", "c", "d"]),
            text(&["d", "b", "a", "c"]),
            text(&["a", "b", "c", "c"]),
            text(&["a", "b", "c", "e"]),
            text(&["a", "b", "c"]),
            text(&["a", "a", "c"]),
            text(&["c", "a", "a"]),
            Column::Object(std::sync::Arc::new(vec![
                Cell::Str("a".into()),
                Cell::Nan,
                Cell::Str("c".into()),
            ])),
            Column::Int(vec![1, 2, big]),
            Column::Int(vec![big, 1, 2]),
            floats(&[1.0, 2.0, big as f64]),
            floats(&[2.0, 1.0, 9_007_199_254_740_992.0]),
            Column::Bool(vec![true, false, true]),
            floats(&[0.5, 1.0, 2.5]),
            floats(&[2.5, 0.5, 1.0]),
            floats(&[2.5, 0.5, f64::NAN]),
            Column::Int(vec![1, 1, 1]),
            floats(&[1.0, 2.5, 0.5]),
        ];
        for a in &answers {
            let ans = answers_column(a, "id").unwrap();
            for sub in &subs {
                assert_eq!(
                    same_id_set(sub, ans),
                    same_value_set(sub, &ans),
                    "{sub:?} against {:?}",
                    ans.column()
                );
            }
            // the answers' own column, and a submission sharing its cells
            assert_eq!(same_id_set(ans.column(), ans), same_value_set(&ans, &ans));
        }
    }

    /// The pairs as (submission id, answer id) texts, sorted: what any pairing of the
    /// reference's "sort both, pair by position" must produce.
    fn pairs(sub: &Column, ans: &Column, p: &Pairing) -> Vec<(String, String)> {
        let (sub_rows, ans_rows) = (p.sub.clone().into_vec(), p.ans.clone().into_vec());
        let mut v: Vec<(String, String)> = sub_rows
            .iter()
            .zip(&ans_rows)
            .map(|(&s, &a)| (describe(sub.get(s)), describe(ans.get(a))))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn exact_column_set_ignores_order_and_refuses_extra_or_missing_columns() {
        assert!(exact_column_set(&frame("b,id,a\n1,2,3\n"), &["id", "a", "b"]).is_ok());
        let extra = exact_column_set(&frame("id,a,b,c\n1,2,3,4\n"), &["id", "a", "b"]).unwrap_err();
        assert!(
            extra.contains("exactly the columns `id`, `a`, `b`") && extra.contains("`c`"),
            "{extra}"
        );
        assert!(exact_column_set(&frame("id,a\n1,2\n"), &["id", "a", "b"]).is_err());
        // pandas renames a repeated header, so `a` twice is `a` and `a.1`
        assert!(exact_column_set(&frame("id,a,a\n1,2,3\n"), &["id", "a"]).is_err());
    }

    #[test]
    fn require_columns_reports_the_answers_first_then_the_submission_in_order() {
        let answers = frame("id,y,z\n1,2,3\n");
        assert!(require_columns(&frame("z,y,id\n1,2,3\n"), &answers, &["id", "y", "z"]).is_ok());
        let first_missing =
            require_columns(&frame("id\n1\n"), &answers, &["id", "z", "y"]).unwrap_err();
        assert!(
            first_missing.contains("missing the `z` column"),
            "{first_missing}"
        );
        let broken =
            require_columns(&frame("id\n1\n"), &frame("id\n1\n"), &["id", "y"]).unwrap_err();
        assert!(broken.contains("answers file has no `y`"), "{broken}");
    }

    #[test]
    fn a_missing_column_names_what_was_found() {
        let err = submission_column(&frame("a,b\n1,2\n"), "id").unwrap_err();
        assert!(err.contains("`id`") && err.contains("`a`, `b`"), "{err}");
        let wide = frame("c0,c1,c2,c3,c4,c5,c6,c7,c8,c9\n0,1,2,3,4,5,6,7,8,9\n");
        assert!(submission_column(&wide, "id")
            .unwrap_err()
            .contains("... 2 more"));
        assert!(answers_column(&wide, "c3").is_ok());
    }

    #[test]
    fn lengths_and_ids() {
        assert!(same_length(&frame("a\n1\n2\n"), &frame("a\n1\n"))
            .unwrap_err()
            .contains("2 rows but 1"));
        assert!(ids_match(&text(&["a", "b"]), &text(&["a", "b"]), "id").is_ok());
        let err = ids_match(&text(&["a", "c"]), &text(&["a", "b"]), "id").unwrap_err();
        assert!(err.contains("'c'"), "{err}");
        assert!(ids_match(&text(&["a"]), &text(&["a", "b"]), "id").is_err());
        let long = "x".repeat(70);
        assert_eq!(
            describe(crate::frame::Value::Str(&long)),
            format!("'{}...'", "x".repeat(60))
        );
        assert_eq!(describe(crate::frame::Value::Bool(true)), "True");
        assert_eq!(describe(crate::frame::Value::Nan), "NaN");
    }

    #[test]
    fn probability_checks_by_min_max_skip_nan_elementwise_do_not() {
        let col = |csv: &str| frame(csv).columns[0].clone();
        // a blank cell (not a blank line, which pandas skips) is NaN
        assert_eq!(
            probabilities_by_min_max(&col("p,q\n0,1\n,1\n1,1\n"), "p")
                .unwrap()
                .len(),
            3
        );
        assert!(probabilities_by_min_max(&col("p\n0\n1.5\n"), "p").is_err());
        assert!(probabilities_by_min_max(&col("p\n0\nhigh\n"), "p")
            .unwrap_err()
            .contains("numeric"));
        assert!(probabilities_elementwise(&col("p\n0\n1\n"), "p").is_ok());
        assert!(probabilities_elementwise(&col("p,q\n0,1\n,1\n1,1\n"), "p").is_err());
        assert!(probabilities_elementwise(&col("p\n-0.1\n1\n"), "p").is_err());
        assert!(probabilities_elementwise(&col("p\n0.5\nhigh\n"), "p")
            .unwrap_err()
            .contains("text"));
    }

    #[test]
    fn sorted_pairing_pairs_as_sorting_both_files_would() {
        let answers = text(&["b", "a", "c", "d"]);
        // same order: identity, no sort
        let p = sorted_pairing(&text(&["b", "a", "c", "d"]), &answers);
        assert!(p.ids_equal && p.sub == Order::Identity(4) && p.ans == Order::Identity(4));
        // shuffled unique ids, with and without the answers' cached index
        let shuffled = text(&["d", "c", "b", "a"]);
        let answers_frame = frame("id\nb\na\nc\nd\n");
        let plain = sorted_pairing(&shuffled, &answers);
        let indexed = sorted_pairing(&shuffled, answers_column(&answers_frame, "id").unwrap());
        for p in [&plain, &indexed] {
            assert!(p.ids_equal);
            assert!(pairs(&shuffled, &answers, p).iter().all(|(s, a)| s == a));
        }
        // a duplicated id pairs by sorted position and is reported unequal
        let dup = text(&["a", "a", "c", "d"]);
        let p = sorted_pairing(&dup, &answers);
        assert!(!p.ids_equal);
        let expected: Vec<(String, String)> = [
            ("'a'", "'a'"),
            ("'a'", "'b'"),
            ("'c'", "'c'"),
            ("'d'", "'d'"),
        ]
        .map(|(s, a)| (s.into(), a.into()))
        .into();
        assert_eq!(pairs(&dup, &answers, &p), expected);
        // different lengths: no pairing, ids unequal
        assert!(!sorted_pairing(&text(&["a"]), &answers).ids_equal);
    }

    #[test]
    fn pair_matching_ids_refuses_what_the_reference_refuses() {
        let answers = text(&["b", "a", "c"]);
        assert!(pair_matching_ids(&text(&["c", "b", "a"]), &answers, "id").is_ok());
        let foreign = pair_matching_ids(&text(&["c", "b", "z"]), &answers, "id")
            .err()
            .unwrap();
        assert!(
            foreign.contains("first difference after sorting: 'b'"),
            "{foreign}"
        );
        assert!(pair_matching_ids(&text(&["c", "b", "b"]), &answers, "id").is_err());
        assert!(pair_matching_ids(&text(&["c", "b"]), &answers, "id")
            .err()
            .unwrap()
            .contains("numbers of `id`"));
        // numbers pair with equal numbers of another type (1 == 1.0), not with their text
        let ints = frame("id\n2\n1\n").columns[0].clone();
        let floats = frame("id\n1.0\n2.0\n").columns[0].clone();
        assert!(pair_matching_ids(&ints, &floats, "id").is_ok());
        assert!(pair_matching_ids(&ints, &text(&["1", "2"]), "id").is_err());
    }

    #[test]
    fn orders_borrow_in_the_identity_order() {
        use std::borrow::Cow;
        let v = [1.0, 2.0, 3.0];
        assert!(matches!(Order::Identity(3).gather(&v), Cow::Borrowed(_)));
        assert!(matches!(
            Order::Rows(vec![0, 1, 2]).gather(&v),
            Cow::Borrowed(_)
        ));
        assert_eq!(Order::Rows(vec![2, 0]).gather(&v).as_ref(), &[3.0, 1.0]);
        assert_eq!(Order::Identity(2).gather(&v).as_ref(), &[1.0, 2.0]);
        let col = Column::Float(v.to_vec());
        assert!(matches!(Order::Identity(3).take(&col), Cow::Borrowed(_)));
        assert_eq!(
            *Order::Rows(vec![2, 0]).take(&col),
            Column::Float(vec![3.0, 1.0])
        );
        assert_eq!(*Order::Identity(1).take(&col), Column::Float(vec![1.0]));
        assert_eq!(Order::Identity(3).into_vec(), [0, 1, 2]);
        assert_eq!(Order::Rows(vec![2, 0]).into_vec(), [2, 0]);
    }
}
