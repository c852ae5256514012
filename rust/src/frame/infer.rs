//! Column type inference of pandas' C parser, measured on pandas 2.2:
//! - missing: an absent field, `""`, or one of pandas' default NA words (exact match);
//! - int64 when every value is an integer (surrounding spaces/tabs allowed, `007` is 7) and
//!   none is missing; an integer beyond int64 gives uint64 when all fit and none is negative
//!   or missing, otherwise the column stays text;
//! - float64 when every value parses as a float (`inf`/`Infinity` in any case, not `nan`,
//!   not out-of-range like `1e500`, no `_`), missing values become NaN;
//! - bool when every value is `true` or `false` in any letter case; with missing values
//!   it becomes an object column of bools and NaN;
//! - otherwise object: the raw text, missing values as NaN. An all-missing column is float.

use super::value::{Cell, Column};

/// pandas' default missing-value markers (with "null"); none ends in a digit.
const NA_VALUES: [&str; 17] = [
    "#N/A", "#N/A N/A", "#NA", "-1.#IND", "-1.#QNAN", "-NaN", "-nan", "1.#IND", "1.#QNAN", "<NA>",
    "N/A", "NA", "NULL", "NaN", "None", "n/a", "nan",
];

#[inline]
pub fn is_na(field: Option<&str>) -> bool {
    match field {
        None => true,
        // no missing-value marker ends in a digit: numbers skip the list
        Some(s) => {
            s.is_empty()
                || (s.len() <= 8
                    && !s.as_bytes()[s.len() - 1].is_ascii_digit()
                    && (NA_VALUES.contains(&s) || s == "null"))
        }
    }
}

/// The whitespace pandas' number parsers skip around a value: C's `isspace` (a quoted field
/// can carry a newline).
fn trim_ws(s: &str) -> &str {
    s.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c'))
}

pub enum IntParse {
    Int(i64),
    /// a valid integer literal outside int64
    Overflow {
        negative: bool,
    },
    NotInt,
}

/// pandas' integer syntax: optional sign, ASCII digits, spaces/tabs around.
pub fn parse_pandas_int(s: &str) -> IntParse {
    let t = trim_ws(s);
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return IntParse::NotInt;
    }
    match t.trim_start_matches('+').parse::<i64>() {
        Ok(v) => IntParse::Int(v),
        Err(_) => IntParse::Overflow { negative: neg },
    }
}

/// pandas' float syntax with `float_precision="round_trip"`: decimal literals with optional
/// exponent, or `inf`/`infinity` in any case, optionally signed; spaces/tabs around.
/// Out-of-range literals (`1e500`) are refused, tiny ones underflow to 0.
pub fn parse_pandas_float(s: &str) -> Option<f64> {
    // the shape of nearly every submission's float, parsed fast and exactly
    if let Some(v) = super::decimal::parse_plain_decimal(s.as_bytes()) {
        return Some(v);
    }
    // The usual field, like `0.25` or `-3e-05`: nothing to trim, and not an inf/nan word,
    // since it starts like a number and ends in a digit or a dot. Rust's float grammar is
    // then exactly the decimal literal's, so one parse does it.
    if let (Some(&first), Some(&last)) = (s.as_bytes().first(), s.as_bytes().last()) {
        if (first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.'))
            && (last.is_ascii_digit() || last == b'.')
        {
            return s.parse::<f64>().ok().filter(|v| v.is_finite());
        }
    }
    parse_float_checked(s)
}

/// `parse_pandas_float` for any field: trims, reads inf words, checks the grammar.
fn parse_float_checked(s: &str) -> Option<f64> {
    let t = trim_ws(s);
    let body = t.strip_prefix(['+', '-']).unwrap_or(t);
    if body.eq_ignore_ascii_case("inf") || body.eq_ignore_ascii_case("infinity") {
        return Some(if t.starts_with('-') {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        });
    }
    if !is_decimal_literal(body) {
        return None;
    }
    let v: f64 = t.parse().ok()?;
    v.is_finite().then_some(v)
}

fn is_decimal_literal(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let mut ndigits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        ndigits += i - frac_start;
    }
    if ndigits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

/// pandas accepts `true`/`false` in any letter case, nothing around them.
fn parse_bool(s: &str) -> Option<bool> {
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// Infer one column from its raw fields (`None` = the row was short).
pub fn infer_column<'a>(
    fields: impl Iterator<Item = Option<&'a str>> + Clone,
    nrows: usize,
) -> Column {
    if nrows == 0 {
        return Column::Object(std::sync::Arc::new(Vec::new()));
    }
    let mut any_na = false;
    let mut all_na = true;
    // int64 pass
    let mut ints = Vec::with_capacity(nrows);
    let mut int_state = Ok(());
    for f in fields.clone() {
        if is_na(f) {
            any_na = true;
            ints.push(0);
            continue;
        }
        all_na = false;
        match parse_pandas_int(f.unwrap()) {
            IntParse::Int(v) => ints.push(v),
            IntParse::Overflow { .. } => {
                int_state = Err(true);
                break;
            }
            IntParse::NotInt => {
                int_state = Err(false);
                break;
            }
        }
    }
    match int_state {
        Ok(()) if all_na => return Column::Float(vec![f64::NAN; nrows]),
        Ok(()) if !any_na => return Column::Int(ints),
        // integers with missing values: pandas parses them as int64, marking a missing value
        // with the int64 minimum, then casts, so "-0" is 0.0 and a real -2**63 becomes NaN
        Ok(()) => {
            let na = fields.clone().map(is_na);
            return Column::Float(
                ints.iter()
                    .zip(na)
                    .map(|(&v, m)| {
                        if m || v == i64::MIN {
                            f64::NAN
                        } else {
                            v as f64
                        }
                    })
                    .collect(),
            );
        }
        Err(true) => return uint_or_object(fields, nrows),
        Err(false) => {}
    }
    drop(ints);
    float_bool_or_object(fields, nrows)
}

/// `infer_column` of a long column whose rows `from..to` `rows` yields, when it comes out
/// float: the float pass, the costly one on a long numeric column, parses row chunks on all
/// cores. `None` (the caller then runs `infer_column`) for any other outcome: integers, text,
/// a uint64 overflow first, or a field that is not a float.
pub fn float_column_in_parallel<'a, I, R>(
    rows: R,
    nrows: usize,
    spares: Option<&super::spares::Spares>,
) -> Option<Column>
where
    R: Fn(usize, usize) -> I + Sync,
    I: Iterator<Item = Option<&'a str>>,
{
    use rayon::prelude::*;
    // `infer_column`'s int pass stops at the first field that is neither missing nor an
    // int64; the float pass follows only when that field is not an int at all
    let first = rows(0, nrows)
        .find(|&f| !is_na(f) && !matches!(parse_pandas_int(f.unwrap_or("")), IntParse::Int(_)))?;
    // not an int, and not a float either (a text column): nothing to do in parallel
    let first = first.unwrap_or("");
    if !matches!(parse_pandas_int(first), IntParse::NotInt) || parse_pandas_float(first).is_none() {
        return None;
    }
    let mut floats = match spares {
        Some(sp) => {
            let mut v = sp.take(nrows);
            v.resize(nrows, 0.0);
            v
        }
        None => vec![0f64; nrows],
    };
    let parsed = floats
        .par_chunks_mut(super::CHUNK_ROWS)
        .enumerate()
        .all(|(c, out)| {
            let (from, len) = (c * super::CHUNK_ROWS, out.len());
            for (x, f) in out.iter_mut().zip(rows(from, from + len)) {
                *x = if is_na(f) {
                    f64::NAN
                } else {
                    match parse_pandas_float(f.unwrap_or("")) {
                        Some(v) => v,
                        None => return false,
                    }
                };
            }
            true
        });
    if !parsed {
        if let Some(sp) = spares {
            sp.give(floats);
        }
        return None;
    }
    Some(Column::Float(floats))
}

fn float_bool_or_object<'a>(
    fields: impl Iterator<Item = Option<&'a str>> + Clone,
    nrows: usize,
) -> Column {
    // float64 pass
    let mut floats = Vec::with_capacity(nrows);
    let mut float_ok = true;
    for f in fields.clone() {
        if is_na(f) {
            floats.push(f64::NAN);
            continue;
        }
        match parse_pandas_float(f.unwrap()) {
            Some(v) => floats.push(v),
            None => {
                float_ok = false;
                break;
            }
        }
    }
    if float_ok {
        return Column::Float(floats);
    }
    drop(floats);
    // bool pass
    let mut bools = Vec::with_capacity(nrows);
    let mut bool_ok = true;
    let mut bool_na = false;
    for f in fields.clone() {
        if is_na(f) {
            bool_na = true;
            bools.push(None);
            continue;
        }
        match parse_bool(f.unwrap()) {
            Some(b) => bools.push(Some(b)),
            None => {
                bool_ok = false;
                break;
            }
        }
    }
    if bool_ok {
        if !bool_na {
            return Column::Bool(bools.into_iter().map(Option::unwrap).collect());
        }
        return Column::Object(std::sync::Arc::new(
            bools
                .into_iter()
                .map(|b| b.map_or(Cell::Nan, Cell::Bool))
                .collect(),
        ));
    }
    object_column(fields)
}

fn object_column<'a>(fields: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::Object(std::sync::Arc::new(fields.map(text_cell).collect()))
}

/// A field's cell in a text column: the text, or NaN where it is missing.
#[inline]
pub fn text_cell(field: Option<&str>) -> Cell {
    match field {
        Some(s) if !is_na(field) => Cell::Str(s.into()),
        _ => Cell::Nan,
    }
}

/// Whether `infer_column` types a column as text from its first field that is not missing
/// alone: that field is not an integer (not even one beyond int64), not a float and not a
/// bool, so the int, the float and the bool pass each stop at it. Then every field is the
/// column's `text_cell`.
pub fn text_from_first(first: &str) -> bool {
    matches!(parse_pandas_int(first), IntParse::NotInt)
        && parse_pandas_float(first).is_none()
        && parse_bool(first).is_none()
}

/// After an int64 overflow pandas retries the column as uint64, in file order:
/// - a value beyond uint64 (or below int64) raises again and the column becomes text with
///   missing values as NaN;
/// - a non-integer gives up on integers and falls through to float/bool/text;
/// - otherwise a negative value or a missing value next to a value above int64 is a
///   "conflict": the column becomes text holding the raw fields, missing ones included;
/// - negative values without any value above int64 (the overflow was below int64) raise
///   again: text with missing values as NaN.
fn uint_or_object<'a>(
    fields: impl Iterator<Item = Option<&'a str>> + Clone,
    nrows: usize,
) -> Column {
    let mut out = Vec::with_capacity(nrows);
    let (mut seen_null, mut seen_sint, mut seen_uint) = (false, false, false);
    for f in fields.clone() {
        if is_na(f) {
            seen_null = true;
            out.push(0);
            continue;
        }
        let token = f.unwrap();
        // any token with a minus sign marks the column signed, even `-0` or `-1.5`
        if trim_ws(token).starts_with('-') {
            seen_sint = true;
            continue;
        }
        match parse_pandas_int(token) {
            IntParse::Int(v) => out.push(v as u64),
            IntParse::Overflow { .. } => {
                let t = trim_ws(token);
                match t.strip_prefix('+').unwrap_or(t).parse::<u64>() {
                    Ok(v) => {
                        seen_uint = true;
                        out.push(v);
                    }
                    Err(_) => return object_column(fields),
                }
            }
            IntParse::NotInt => return float_bool_or_object(fields, nrows),
        }
    }
    if seen_uint && (seen_null || seen_sint) {
        return Column::Object(std::sync::Arc::new(
            fields.map(|f| Cell::Str(f.unwrap_or("").into())).collect(),
        ));
    }
    if seen_sint {
        return object_column(fields);
    }
    Column::UInt(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(vals: &[&str]) -> Column {
        let fields: Vec<Option<&str>> = vals.iter().map(|s| Some(*s)).collect();
        infer_column(fields.iter().copied(), fields.len())
    }

    #[test]
    fn ints_and_floats() {
        assert_eq!(
            col(&["1", "007", " 3", "+4", "-0"]),
            Column::Int(vec![1, 7, 3, 4, 0])
        );
        assert_eq!(
            col(&["\n0", "2\x0c", "\r\x0b5"]),
            Column::Int(vec![0, 2, 5])
        );
        assert_eq!(col(&["1", "2.5"]), Column::Float(vec![1.0, 2.5]));
        assert_eq!(
            col(&["1e+05", ".5", "5.", "-.5e-2"]),
            Column::Float(vec![1e5, 0.5, 5.0, -0.005])
        );
        assert_eq!(
            col(&["inf", "-Infinity", "iNf"]),
            Column::Float(vec![f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY])
        );
        assert!(matches!(col(&["1", ""]), Column::Float(v) if v[1].is_nan()));
        // pandas marks missing ints with the int64 minimum, so that value turns NaN too
        assert!(
            matches!(col(&["", "-9223372036854775808", "5"]), Column::Float(v) if v[1].is_nan() && v[2] == 5.0)
        );
        assert!(matches!(
            col(&["1", "None", "null", "-nan"]),
            Column::Float(_)
        ));
    }

    #[test]
    fn texts() {
        for bad in [
            "1_000", "1e500", "0x10", "+nan", "NAN", "1 2", "1.5e", " NA",
        ] {
            assert!(matches!(col(&[bad, "2"]), Column::Object(_)), "{bad}");
        }
    }

    #[test]
    fn big_ints() {
        assert_eq!(
            col(&["9223372036854775808", "1"]),
            Column::UInt(vec![9223372036854775808, 1])
        );
        assert!(matches!(
            col(&["18446744073709551615", "-1"]),
            Column::Object(_)
        ));
        assert!(matches!(
            col(&["99999999999999999999", "1.5"]),
            Column::Object(_)
        ));
        assert_eq!(
            col(&["9223372036854775808", "1.5"]),
            Column::Float(vec![9223372036854775808.0, 1.5])
        );
        assert_eq!(
            col(&["9223372036854775808", "NA"]),
            Column::Object(std::sync::Arc::new(vec![
                Cell::Str("9223372036854775808".into()),
                Cell::Str("NA".into())
            ]))
        );
        // below int64 without anything above it: no conflict, NA words become NaN
        assert_eq!(
            col(&["-9223372036854775809", "NA"]),
            Column::Object(std::sync::Arc::new(vec![
                Cell::Str("-9223372036854775809".into()),
                Cell::Nan
            ]))
        );
        assert!(matches!(
            col(&["-9223372036854775809", "1.5"]),
            Column::Float(_)
        ));
    }

    #[test]
    fn ints_with_missing_values_convert_from_the_int_result() {
        let c = col(&["-0", "NA", "-9223372036854775808", "9007199254740993"]);
        assert!(matches!(c, Column::Float(v)
            if v[0].to_bits() == 0 && v[1].is_nan() && v[2].is_nan() && v[3] == 9007199254740992.0));
    }

    #[test]
    fn bools() {
        assert_eq!(
            col(&["True", "false", "TRUE"]),
            Column::Bool(vec![true, false, true])
        );
        assert!(matches!(col(&["True", "1"]), Column::Object(_)));
        assert_eq!(col(&["tRUE", "fAlSe"]), Column::Bool(vec![true, false]));
        assert!(matches!(col(&[" True", "False"]), Column::Object(_)));
        assert_eq!(
            col(&["True", ""]),
            Column::Object(std::sync::Arc::new(vec![Cell::Bool(true), Cell::Nan]))
        );
    }

    #[test]
    fn missing_markers_never_end_in_a_digit() {
        assert!(NA_VALUES
            .iter()
            .chain(["null"].iter())
            .all(|v| !v.as_bytes()[v.len() - 1].is_ascii_digit()));
        assert!(is_na(Some("1.#IND")) && is_na(Some("nan")) && is_na(Some("")) && is_na(None));
        assert!(!is_na(Some("0.5")) && !is_na(Some("1")));
    }

    #[test]
    fn float_fast_path_agrees_with_the_checked_parse() {
        let parts = [
            "", "-", "+", ".", "1", "05", "2.", ".5", "e", "E-", "e+", "7", "x", " ", "inf", "nan",
            "_", "9",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    let (fast, checked) = (parse_pandas_float(&s), parse_float_checked(&s));
                    assert_eq!(fast.map(f64::to_bits), checked.map(f64::to_bits), "{s:?}");
                }
            }
        }
    }

    #[test]
    fn parallel_float_pass_agrees_with_infer_column() {
        let columns: Vec<Vec<&str>> = vec![
            vec!["0.5", "", "1e3", "-2", "NA", "7"],
            vec!["1", "2", "3.5"],
            vec!["1", "2", "3"],
            vec!["", "NA", "nan"],
            vec!["1.5", "x"],
            vec!["9223372036854775808", "1.5"],
            vec!["-0", "0.25"],
            vec!["True", "1.5"],
            vec![" 1.5 ", "inf", "-Infinity"],
        ];
        for base in columns {
            // long enough for several chunks, with the odd field at the end too
            let fields: Vec<&str> = base.iter().copied().cycle().take(100_003).collect();
            let rows = |a: usize, b: usize| fields[a..b].iter().map(|&f| Some(f));
            let expected = infer_column(fields.iter().map(|&f| Some(f)), fields.len());
            // `None` only sends the column to `infer_column`; a column must never differ
            match float_column_in_parallel(rows, fields.len(), None) {
                Some(c) => {
                    let bits = |c: &Column| match c {
                        Column::Float(v) => Some(v.iter().map(|x| x.to_bits()).collect::<Vec<_>>()),
                        _ => None,
                    };
                    assert!(
                        bits(&c).is_some() && bits(&c) == bits(&expected),
                        "{base:?}"
                    );
                }
                None => assert!(
                    !["0.5", "1", " 1.5 ", "-0"].contains(&base[0]) || base[1] == "2",
                    "{base:?} should take the parallel pass"
                ),
            }
        }
    }
}
