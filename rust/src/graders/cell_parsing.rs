//! Reading single cells the way the reference's Python code sees them (a `str`, a float
//! NaN, a number), for graders that parse text fields themselves. Python's whitespace rules
//! (`split()`, `strip()`) are in [`crate::pystr`].

use crate::frame::{Cell, Column, Value};
use crate::numeric::py_float;

/// The cell's text when it is a Python `str` (NaN and numbers are not).
pub fn text(v: Value<'_>) -> Option<&str> {
    match v {
        Value::Str(s) => Some(s),
        _ => None,
    }
}

/// `pd.isna(v)`.
pub fn is_missing(v: Value<'_>) -> bool {
    v.is_nan()
}

/// Python's `int(v)` of an answers cell: ints as they are, floats truncated, text parsed;
/// NaN, infinity and other text are an error.
pub fn py_int(v: Value<'_>, what: &str) -> Result<i64, String> {
    let bad = || format!("cannot convert the {what} value {v:?} to an integer");
    match v {
        Value::Int(i) => Ok(i),
        Value::UInt(u) => i64::try_from(u).map_err(|_| bad()),
        Value::Bool(b) => Ok(i64::from(b)),
        Value::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Ok(f.trunc() as i64),
        Value::Str(s) => s.trim().parse::<i64>().map_err(|_| bad()),
        _ => Err(bad()),
    }
}

/// The number of pixels of a `height x width` image (`np.zeros(height * width)` and the
/// reshape refuse negative sizes).
pub fn pixel_count(height: i64, width: i64) -> Result<u64, String> {
    if height < 0 || width < 0 {
        return Err(format!("negative image size {height} x {width}"));
    }
    (height as u64)
        .checked_mul(width as u64)
        .ok_or_else(|| format!("image size {height} x {width} is too large"))
}

/// `col.fillna("")` where every value must then be a `str` (text or missing); `Err` names
/// the first other value.
pub fn text_or_empty(col: &Column, name: &str) -> Result<Column, String> {
    let cells = (0..col.len())
        .map(|i| match col.get(i) {
            Value::Str(s) => Ok(Cell::Str(s.into())),
            v if v.is_nan() => Ok(Cell::Str(Default::default())),
            v => Err(format!(
                "Expected all items in `{name}` to be strings, found {v:?}"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Column::Object(std::sync::Arc::new(cells)))
}

/// Python's `float(token)`, with the reference's error.
pub fn float_token(token: &str) -> Result<f64, String> {
    py_float(token).ok_or_else(|| format!("could not convert string to float: '{token}'"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(py_int(Value::Float(32.9), "h").unwrap(), 32);
        assert!(py_int(Value::Nan, "h").is_err());
        assert_eq!(py_int(Value::Str(" 7"), "h").unwrap(), 7);
        assert!(pixel_count(-1, 3).is_err());
        assert_eq!(pixel_count(0, 3).unwrap(), 0);
        let c = text_or_empty(&Column::Float(vec![f64::NAN]), "x").unwrap();
        assert_eq!(
            c,
            Column::Object(std::sync::Arc::new(vec![Cell::Str(Default::default())]))
        );
        assert!(text_or_empty(&Column::Int(vec![1]), "x").is_err());
    }
}
