//! How the reference turns a label column into the labels it scores. Graders differ: some
//! hand pandas' typed array to scikit-learn, some a Python list (which numpy re-types), some
//! call `int()` on every value first. Each rule reproduces one of these conversions, with the
//! same failures (an invalid submission) and the same surprises (`1234.7` becomes `1234`).

use crate::frame::{Cell, Column, Value};
use serde::Deserialize;
use std::borrow::Cow;

/// A conversion applied to the submission's label column before scoring.
#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum LabelRule {
    /// `series.to_numpy()`: the column exactly as pandas typed it.
    #[default]
    AsRead,
    /// `series.tolist()`: numpy re-types the list, so in a text column every value becomes
    /// text (a missing value becomes the label `"nan"`, a boolean `"True"`).
    PythonList,
    /// `series.fillna("").tolist()`: a missing label becomes `""` (never a real label).
    MissingAsEmpty,
    /// `[int(v) for v in series]`: Python's `int()` per value; floats are truncated
    /// (`1234.7` is `1234`), integer text is parsed, NaN or other text is invalid.
    Int,
    /// `int(v) if isinstance(v, int) else int(v.split()[0])`: the first whitespace-separated
    /// token of a text label; a float column (even `12.0`) or a missing value is invalid.
    FirstTokenInt,
}

impl LabelRule {
    /// The conversion the same grader applies to the answers' labels.
    pub fn for_answers(self) -> LabelRule {
        match self {
            LabelRule::AsRead | LabelRule::MissingAsEmpty => LabelRule::AsRead,
            LabelRule::PythonList => LabelRule::PythonList,
            LabelRule::Int | LabelRule::FirstTokenInt => LabelRule::Int,
        }
    }

    /// Apply the rule to a label column (`name` is used in error messages).
    pub fn apply<'a>(self, col: &'a Column, name: &str) -> Result<Cow<'a, Column>, String> {
        match self {
            LabelRule::AsRead => Ok(Cow::Borrowed(col)),
            LabelRule::PythonList => python_list(col, name),
            LabelRule::MissingAsEmpty => match fill_missing_with_empty(col) {
                Cow::Borrowed(c) => python_list(c, name),
                Cow::Owned(filled) => python_list(&filled, name).map(|c| Cow::Owned(c.into_owned())),
            },
            LabelRule::Int => to_ints(col, name, python_int).map(Cow::Owned),
            LabelRule::FirstTokenInt => to_ints(col, name, first_token_int).map(Cow::Owned),
        }
    }
}

/// `np.asarray(series.tolist())`: text anywhere makes every value text; a list of booleans
/// and NaN becomes float; integers beyond int64 become float64, which scikit-learn then
/// calls continuous (invalid).
fn python_list<'a>(col: &'a Column, name: &str) -> Result<Cow<'a, Column>, String> {
    match col {
        Column::UInt(_) => Err(too_large(name)),
        Column::Object(cells) if cells.iter().any(|c| matches!(c, Cell::Str(_))) => {
            let text = cells
                .iter()
                .map(|c| match c {
                    Cell::Str(s) => Cell::Str(s.clone()),
                    Cell::Nan => Cell::Str("nan".into()),
                    Cell::Bool(b) => Cell::Str(if *b { "True" } else { "False" }.into()),
                })
                .collect();
            Ok(Cow::Owned(Column::Object(text)))
        }
        Column::Object(cells) => Ok(Cow::Owned(Column::Float(
            cells
                .iter()
                .map(|c| match c {
                    Cell::Bool(b) => f64::from(u8::from(*b)),
                    _ => f64::NAN,
                })
                .collect(),
        ))),
        _ => Ok(Cow::Borrowed(col)),
    }
}

/// `series.fillna("")`: a float column with a missing value turns into text cells (the
/// numbers as Python prints them) and `""`; a text column gets `""` for its missing cells.
fn fill_missing_with_empty(col: &Column) -> Cow<'_, Column> {
    match col {
        Column::Float(v) if v.iter().any(|x| x.is_nan()) => Cow::Owned(Column::Object(
            v.iter()
                .map(|&x| Cell::Str(if x.is_nan() { String::new() } else { py_float_repr(x) }))
                .collect(),
        )),
        Column::Object(cells) if cells.iter().any(|c| matches!(c, Cell::Nan)) => Cow::Owned(Column::Object(
            cells
                .iter()
                .map(|c| match c {
                    Cell::Nan => Cell::Str(String::new()),
                    other => other.clone(),
                })
                .collect(),
        )),
        _ => Cow::Borrowed(col),
    }
}

fn too_large(name: &str) -> String {
    format!("`{name}` holds integers beyond int64; numpy stores them as floats and scikit-learn rejects them as continuous targets")
}

/// Convert every value with `convert`, keeping the result an int64 column as numpy would
/// (a Python int beyond int64 makes numpy choose float64 or object, both rejected).
fn to_ints(col: &Column, name: &str, convert: fn(Value<'_>) -> Result<i64, String>) -> Result<Column, String> {
    col.values()
        .map(convert)
        .collect::<Result<Vec<i64>, String>>()
        .map(Column::Int)
        .map_err(|e| format!("`{name}`: {e}"))
}

fn beyond_int64(v: impl std::fmt::Display) -> String {
    format!("the label {v} is beyond int64 (numpy would not keep it as an integer)")
}

/// Python's `int(v)` for one pandas value.
fn python_int(v: Value<'_>) -> Result<i64, String> {
    match v {
        Value::Int(i) => Ok(i),
        Value::UInt(u) => i64::try_from(u).map_err(|_| beyond_int64(u)),
        Value::Bool(b) => Ok(i64::from(b)),
        Value::Float(x) if x.is_nan() => Err("cannot convert float NaN to integer".into()),
        Value::Nan => Err("cannot convert float NaN to integer".into()),
        Value::Float(x) => truncate_float(x),
        Value::Str(s) => python_int_of_text(s).ok_or_else(|| format!("invalid literal for int() with base 10: '{s}'")),
    }
}

/// `int(v) if isinstance(v, int) else int(v.split()[0])` for one pandas value.
fn first_token_int(v: Value<'_>) -> Result<i64, String> {
    match v {
        Value::Int(_) | Value::UInt(_) | Value::Bool(_) => python_int(v),
        Value::Float(_) | Value::Nan => {
            Err("'float' object has no attribute 'split' (labels must be integers or text, not floats or blanks)".into())
        }
        Value::Str(s) => {
            let token = s
                .split(is_python_space)
                .find(|t| !t.is_empty())
                .ok_or_else(|| format!("list index out of range (the label '{s}' has no token)"))?;
            python_int_of_text(token).ok_or_else(|| format!("invalid literal for int() with base 10: '{token}'"))
        }
    }
}

/// `int(x)` of a float: truncation toward zero; infinity or a value beyond int64 fails.
fn truncate_float(x: f64) -> Result<i64, String> {
    if x.is_infinite() {
        return Err("cannot convert float infinity to integer".into());
    }
    let t = x.trunc();
    // -2^63 is exactly representable; 2^63 is not an int64
    if !(-9_223_372_036_854_775_808.0..9_223_372_036_854_775_808.0).contains(&t) {
        return Err(beyond_int64(x));
    }
    Ok(t as i64)
}

/// Python's `str.isspace()` for one character: Unicode White_Space plus the four
/// information separators U+001C..U+001F.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// Python's `int(text)` in base 10: surrounding whitespace, an optional sign, ASCII digits
/// with single underscores between them. `None` where Python raises, and for values beyond
/// int64 (which numpy could not keep as integers). Non-ASCII decimal digits, which Python
/// also accepts, are not supported.
pub fn python_int_of_text(text: &str) -> Option<i64> {
    let t = text.trim_matches(is_python_space);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    let b = digits.as_bytes();
    if b.is_empty() || !b[0].is_ascii_digit() || !b[b.len() - 1].is_ascii_digit() {
        return None;
    }
    let mut value: i128 = 0;
    for (i, &c) in b.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                value = value * 10 + i128::from(c - b'0');
                if value > 1 << 64 {
                    return None;
                }
            }
            b'_' if b[i - 1] != b'_' => {}
            _ => return None,
        }
    }
    i64::try_from(if negative { -value } else { value }).ok()
}

/// Python's `repr(float)`: the shortest text that reads back to the same float, in
/// positional notation for exponents -5 < e < 16 and scientific (`1e+16`, `1e-05`) otherwise.
pub fn py_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let sci = format!("{:e}", x.abs());
    let (mantissa, exponent) = sci.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("integer exponent");
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let body = if !(-4..16).contains(&exponent) {
        let rest = if digits.len() > 1 { format!(".{}", &digits[1..]) } else { String::new() };
        let exp_sign = if exponent < 0 { '-' } else { '+' };
        format!("{}{rest}e{exp_sign}{:02}", &digits[..1], exponent.abs())
    } else if exponent >= 0 {
        let point = exponent as usize + 1;
        if digits.len() <= point {
            format!("{digits}{}.0", "0".repeat(point - digits.len()))
        } else {
            format!("{}.{}", &digits[..point], &digits[point..])
        }
    } else {
        format!("0.{}{digits}", "0".repeat((-exponent - 1) as usize))
    };
    format!("{sign}{body}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &[&str]) -> Column {
        Column::Object(v.iter().map(|s| Cell::Str(s.to_string())).collect())
    }

    #[test]
    fn python_float_repr() {
        for (x, s) in [
            (1.0, "1.0"),
            (0.1, "0.1"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456.789, "123456.789"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1.2345678901234567e20, "1.2345678901234567e+20"),
            (2.0 / 3.0, "0.6666666666666666"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
            (-0.0, "-0.0"),
        ] {
            assert_eq!(py_float_repr(x), s, "{x}");
        }
    }

    #[test]
    fn python_int_parsing() {
        assert_eq!(python_int_of_text(" 12 "), Some(12));
        assert_eq!(python_int_of_text("-007"), Some(-7));
        assert_eq!(python_int_of_text("+1_000"), Some(1000));
        assert_eq!(python_int_of_text("1__0"), None);
        assert_eq!(python_int_of_text("_1"), None);
        assert_eq!(python_int_of_text("1_"), None);
        assert_eq!(python_int_of_text("12.0"), None);
        assert_eq!(python_int_of_text(""), None);
        assert_eq!(python_int_of_text("-"), None);
        assert_eq!(python_int_of_text("99999999999999999999999"), None);
        assert_eq!(python_int_of_text("-9223372036854775808"), Some(i64::MIN));
    }

    #[test]
    fn int_rule_truncates_floats_and_parses_text() {
        let floats = Column::Float(vec![1234.7, -3.9, 12.0]);
        assert_eq!(*LabelRule::Int.apply(&floats, "y").unwrap(), Column::Int(vec![1234, -3, 12]));
        assert!(LabelRule::Int.apply(&Column::Float(vec![1.0, f64::NAN]), "y").is_err());
        assert!(LabelRule::Int.apply(&Column::Float(vec![f64::INFINITY]), "y").is_err());
        assert!(LabelRule::Int.apply(&Column::Float(vec![1e19]), "y").is_err());
        assert_eq!(*LabelRule::Int.apply(&text(&["1_000", " 7"]), "y").unwrap(), Column::Int(vec![1000, 7]));
        assert!(LabelRule::Int.apply(&text(&["12", "oak"]), "y").is_err());
        assert_eq!(*LabelRule::Int.apply(&Column::Bool(vec![true, false]), "y").unwrap(), Column::Int(vec![1, 0]));
        assert!(LabelRule::Int.apply(&Column::UInt(vec![1 << 63]), "y").is_err());
    }

    #[test]
    fn first_token_rule() {
        let top5 = text(&["12 7 3", "  5\t9", "4"]);
        assert_eq!(*LabelRule::FirstTokenInt.apply(&top5, "y").unwrap(), Column::Int(vec![12, 5, 4]));
        assert!(LabelRule::FirstTokenInt.apply(&Column::Float(vec![12.0]), "y").is_err());
        assert!(LabelRule::FirstTokenInt.apply(&text(&["   "]), "y").is_err());
        assert!(LabelRule::FirstTokenInt.apply(&text(&["x 1"]), "y").is_err());
        let with_nan = Column::Object(vec![Cell::Str("1".into()), Cell::Nan]);
        assert!(LabelRule::FirstTokenInt.apply(&with_nan, "y").is_err());
        let ints = Column::Int(vec![3, 4]);
        assert_eq!(*LabelRule::FirstTokenInt.apply(&ints, "y").unwrap(), ints);
    }

    #[test]
    fn python_list_retypes_like_numpy() {
        let mixed = Column::Object(vec![Cell::Str("a".into()), Cell::Nan, Cell::Bool(true)]);
        assert_eq!(*LabelRule::PythonList.apply(&mixed, "y").unwrap(), text(&["a", "nan", "True"]));
        let bools = Column::Object(vec![Cell::Bool(true), Cell::Nan]);
        assert!(matches!(&*LabelRule::PythonList.apply(&bools, "y").unwrap(), Column::Float(v) if v[0] == 1.0 && v[1].is_nan()));
        let floats = Column::Float(vec![1.0, f64::NAN]);
        assert!(matches!(LabelRule::PythonList.apply(&floats, "y").unwrap(), Cow::Borrowed(_)));
    }

    #[test]
    fn missing_as_empty() {
        let t = Column::Object(vec![Cell::Str("blast".into()), Cell::Nan]);
        assert_eq!(*LabelRule::MissingAsEmpty.apply(&t, "y").unwrap(), text(&["blast", ""]));
        let all_missing = Column::Float(vec![f64::NAN, f64::NAN]);
        assert_eq!(*LabelRule::MissingAsEmpty.apply(&all_missing, "y").unwrap(), text(&["", ""]));
        let some = Column::Float(vec![1.0, f64::NAN]);
        assert_eq!(*LabelRule::MissingAsEmpty.apply(&some, "y").unwrap(), text(&["1.0", ""]));
        let ints = Column::Int(vec![1, 2]);
        assert_eq!(*LabelRule::MissingAsEmpty.apply(&ints, "y").unwrap(), ints);
    }
}
