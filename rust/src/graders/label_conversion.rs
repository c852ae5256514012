//! How the reference turns a label column into the labels it scores. Graders differ: some
//! hand pandas' typed array to scikit-learn, some a Python list (which numpy re-types), some
//! call `int()` on every value first. Each rule reproduces one of these conversions, with the
//! same failures (an invalid submission) and the same surprises (`1234.7` becomes `1234`).

use crate::frame::{Cell, Column, Value};
use crate::pyfmt::repr_f64;
use crate::pystr::{is_py_space, parse_int};
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
                Cow::Owned(filled) => {
                    python_list(&filled, name).map(|c| Cow::Owned(c.into_owned()))
                }
            },
            LabelRule::Int => to_ints(col, name, python_int).map(Cow::Owned),
            LabelRule::FirstTokenInt => to_ints(col, name, first_token_int).map(Cow::Owned),
        }
    }
}

/// `np.asarray(series.tolist())`: text anywhere makes every value text; a list of booleans
/// and NaN becomes float; a uint64 column stays uint64 only if no value fits int64.
fn python_list<'a>(col: &'a Column, name: &str) -> Result<Cow<'a, Column>, String> {
    match col {
        Column::UInt(_) => to_ints(col, name, python_int).map(Cow::Owned),
        Column::Object(cells) if cells.iter().any(|c| matches!(c, Cell::Str(_))) => {
            let text = cells
                .iter()
                .map(|c| match c {
                    Cell::Str(s) => Cell::Str(s.clone()),
                    Cell::Nan => Cell::Str("nan".into()),
                    Cell::Bool(b) => Cell::Str(if *b { "True" } else { "False" }.into()),
                })
                .collect();
            Ok(Cow::Owned(Column::Object(std::sync::Arc::new(text))))
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
        Column::Float(v) if v.iter().any(|x| x.is_nan()) => {
            Cow::Owned(Column::Object(std::sync::Arc::new(
                v.iter()
                    .map(|&x| {
                        Cell::Str(if x.is_nan() {
                            Default::default()
                        } else {
                            repr_f64(x).into()
                        })
                    })
                    .collect(),
            )))
        }
        Column::Object(cells) if cells.iter().any(|c| matches!(c, Cell::Nan)) => {
            Cow::Owned(Column::Object(std::sync::Arc::new(
                cells
                    .iter()
                    .map(|c| match c {
                        Cell::Nan => Cell::Str(Default::default()),
                        other => other.clone(),
                    })
                    .collect(),
            )))
        }
        _ => Cow::Borrowed(col),
    }
}

fn too_large(name: &str) -> String {
    format!("`{name}` holds integers beyond int64; numpy stores them as floats and scikit-learn rejects them as continuous targets")
}

/// Convert every value with `convert` (Python's arbitrary-size ints, saturated far beyond
/// 64 bits), then type the list as numpy does: int64 when every value fits, uint64 when every
/// value lies in [2^63, 2^64); otherwise numpy makes float64 (scikit-learn: continuous) or
/// object (scikit-learn: unknown), both rejected.
fn to_ints(
    col: &Column,
    name: &str,
    convert: fn(Value<'_>) -> Result<i128, String>,
) -> Result<Column, String> {
    let values = col
        .values()
        .map(convert)
        .collect::<Result<Vec<i128>, String>>()
        .map_err(|e| format!("`{name}`: {e}"))?;
    if let Ok(ints) = values
        .iter()
        .map(|&v| i64::try_from(v))
        .collect::<Result<Vec<i64>, _>>()
    {
        return Ok(Column::Int(ints));
    }
    let above_int64 = |v: i128| v > i128::from(i64::MAX) && v <= i128::from(u64::MAX);
    if values.iter().all(|&v| above_int64(v)) {
        return Ok(Column::UInt(values.iter().map(|&v| v as u64).collect()));
    }
    Err(too_large(name))
}

/// Python's `int(v)` for one pandas value.
fn python_int(v: Value<'_>) -> Result<i128, String> {
    match v {
        Value::Int(i) => Ok(i128::from(i)),
        Value::UInt(u) => Ok(i128::from(u)),
        Value::Bool(b) => Ok(i128::from(b)),
        Value::Float(x) if x.is_nan() => Err("cannot convert float NaN to integer".into()),
        Value::Nan => Err("cannot convert float NaN to integer".into()),
        Value::Float(x) => truncate_float(x),
        Value::Str(s) => python_int_of_text(s)
            .ok_or_else(|| format!("invalid literal for int() with base 10: '{s}'")),
    }
}

/// `int(v) if isinstance(v, int) else int(v.split()[0])` for one pandas value.
fn first_token_int(v: Value<'_>) -> Result<i128, String> {
    match v {
        Value::Int(_) | Value::UInt(_) | Value::Bool(_) => python_int(v),
        Value::Float(_) | Value::Nan => {
            Err("'float' object has no attribute 'split' (labels must be integers or text, not floats or blanks)".into())
        }
        Value::Str(s) => {
            let token = s
                .split(is_py_space)
                .find(|t| !t.is_empty())
                .ok_or_else(|| format!("list index out of range (the label '{s}' has no token)"))?;
            python_int_of_text(token).ok_or_else(|| format!("invalid literal for int() with base 10: '{token}'"))
        }
    }
}

/// Far beyond 64 bits every value is rejected alike, so magnitudes saturate here.
const SATURATED: i128 = 1 << 100;

/// `int(x)` of a float: truncation toward zero; infinity fails.
fn truncate_float(x: f64) -> Result<i128, String> {
    if x.is_infinite() {
        return Err("cannot convert float infinity to integer".into());
    }
    Ok((x.trunc() as i128).clamp(-SATURATED, SATURATED))
}

/// Python's `int(text)` (see `pystr::parse_int`) as an i128; magnitudes far beyond 64 bits
/// saturate, since they are all rejected alike.
fn python_int_of_text(text: &str) -> Option<i128> {
    let int = parse_int(text)?;
    let magnitude = if int.digits.len() > 30 {
        SATURATED
    } else {
        int.digits.parse::<i128>().ok()?.min(SATURATED)
    };
    Some(if int.negative { -magnitude } else { magnitude })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &[&str]) -> Column {
        Column::Object(std::sync::Arc::new(
            v.iter().map(|s| Cell::Str((*s).into())).collect(),
        ))
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
        assert_eq!(
            python_int_of_text("99999999999999999999999"),
            Some(99999999999999999999999)
        );
        assert_eq!(python_int_of_text(&"9".repeat(60)), Some(SATURATED));
        assert_eq!(
            python_int_of_text("-9223372036854775808"),
            Some(i128::from(i64::MIN))
        );
        assert_eq!(python_int_of_text("\u{663}"), Some(3));
        assert_eq!(python_int_of_text("\u{ff11}\u{ff12}\u{a0}"), Some(12));
        assert_eq!(python_int_of_text("\u{b2}"), None); // superscript two is not a decimal digit
    }

    #[test]
    fn int_rule_truncates_floats_and_parses_text() {
        let floats = Column::Float(vec![1234.7, -3.9, 12.0]);
        assert_eq!(
            *LabelRule::Int.apply(&floats, "y").unwrap(),
            Column::Int(vec![1234, -3, 12])
        );
        assert!(LabelRule::Int
            .apply(&Column::Float(vec![1.0, f64::NAN]), "y")
            .is_err());
        assert!(LabelRule::Int
            .apply(&Column::Float(vec![f64::INFINITY]), "y")
            .is_err());
        // numpy keeps ints beyond int64 only when all of them fit uint64 (then scikit-learn accepts them)
        assert!(LabelRule::Int
            .apply(&Column::Float(vec![1e19, 1.0]), "y")
            .is_err());
        assert_eq!(
            *LabelRule::Int
                .apply(&Column::Float(vec![1e19]), "y")
                .unwrap(),
            Column::UInt(vec![10_000_000_000_000_000_000])
        );
        assert!(LabelRule::Int
            .apply(&Column::Float(vec![1e20]), "y")
            .is_err());
        assert_eq!(
            *LabelRule::Int.apply(&text(&["1_000", " 7"]), "y").unwrap(),
            Column::Int(vec![1000, 7])
        );
        assert!(LabelRule::Int.apply(&text(&["12", "oak"]), "y").is_err());
        assert_eq!(
            *LabelRule::Int
                .apply(&Column::Bool(vec![true, false]), "y")
                .unwrap(),
            Column::Int(vec![1, 0])
        );
        assert!(LabelRule::Int
            .apply(&Column::UInt(vec![1 << 63, 1]), "y")
            .is_err());
        assert_eq!(
            *LabelRule::Int
                .apply(&Column::UInt(vec![1 << 63]), "y")
                .unwrap(),
            Column::UInt(vec![1 << 63])
        );
    }

    #[test]
    fn first_token_rule() {
        let top5 = text(&["12 7 3", "  5\t9", "4"]);
        assert_eq!(
            *LabelRule::FirstTokenInt.apply(&top5, "y").unwrap(),
            Column::Int(vec![12, 5, 4])
        );
        assert!(LabelRule::FirstTokenInt
            .apply(&Column::Float(vec![12.0]), "y")
            .is_err());
        assert!(LabelRule::FirstTokenInt
            .apply(&text(&["   "]), "y")
            .is_err());
        assert!(LabelRule::FirstTokenInt
            .apply(&text(&["x 1"]), "y")
            .is_err());
        let with_nan = Column::Object(std::sync::Arc::new(vec![Cell::Str("1".into()), Cell::Nan]));
        assert!(LabelRule::FirstTokenInt.apply(&with_nan, "y").is_err());
        let ints = Column::Int(vec![3, 4]);
        assert_eq!(*LabelRule::FirstTokenInt.apply(&ints, "y").unwrap(), ints);
    }

    #[test]
    fn python_list_retypes_like_numpy() {
        let mixed = Column::Object(std::sync::Arc::new(vec![
            Cell::Str("a".into()),
            Cell::Nan,
            Cell::Bool(true),
        ]));
        assert_eq!(
            *LabelRule::PythonList.apply(&mixed, "y").unwrap(),
            text(&["a", "nan", "True"])
        );
        let bools = Column::Object(std::sync::Arc::new(vec![Cell::Bool(true), Cell::Nan]));
        assert!(
            matches!(&*LabelRule::PythonList.apply(&bools, "y").unwrap(), Column::Float(v) if v[0] == 1.0 && v[1].is_nan())
        );
        let floats = Column::Float(vec![1.0, f64::NAN]);
        assert!(matches!(
            LabelRule::PythonList.apply(&floats, "y").unwrap(),
            Cow::Borrowed(_)
        ));
        assert!(LabelRule::PythonList
            .apply(&Column::UInt(vec![1 << 63, 5]), "y")
            .is_err());
        assert!(LabelRule::PythonList
            .apply(&Column::UInt(vec![1 << 63]), "y")
            .is_ok());
    }

    #[test]
    fn missing_as_empty() {
        let t = Column::Object(std::sync::Arc::new(vec![
            Cell::Str("blast".into()),
            Cell::Nan,
        ]));
        assert_eq!(
            *LabelRule::MissingAsEmpty.apply(&t, "y").unwrap(),
            text(&["blast", ""])
        );
        let all_missing = Column::Float(vec![f64::NAN, f64::NAN]);
        assert_eq!(
            *LabelRule::MissingAsEmpty.apply(&all_missing, "y").unwrap(),
            text(&["", ""])
        );
        let some = Column::Float(vec![1.0, f64::NAN]);
        assert_eq!(
            *LabelRule::MissingAsEmpty.apply(&some, "y").unwrap(),
            text(&["1.0", ""])
        );
        let ints = Column::Int(vec![1, 2]);
        assert_eq!(*LabelRule::MissingAsEmpty.apply(&ints, "y").unwrap(), ints);
    }
}
