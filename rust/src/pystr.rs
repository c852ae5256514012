//! Python's string semantics where the reference's graders rely on them: `str(x)` of a
//! cell (`astype(str)`), `str.split()` on whitespace, `str.split(" ")`, `str.strip()`, and
//! `int(token)`. Text graders pair these with the kernels in `crate::metrics`, so that a
//! prediction string is parsed exactly as the reference parses it.

use crate::frame::Value;
use std::borrow::Cow;

/// Python's `str.isspace` for one character: Rust's Unicode `White_Space` plus the four
/// ASCII separators U+001C..U+001F, which Python also treats as whitespace.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

/// `s.split()`: runs of whitespace separate words; no empty words.
pub fn split_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|w| !w.is_empty())
}

/// `s.split(" ")`: every single space separates, so doubled spaces give empty tokens and
/// an empty string gives one empty token.
pub fn split_on_space(s: &str) -> impl Iterator<Item = &str> {
    s.split(' ')
}

/// `s.strip()` with no argument.
pub fn strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// `repr(x)` / `str(x)` of a Python float (see [`crate::pyfmt::repr_f64`]).
pub fn float_repr(x: f64) -> String {
    crate::pyfmt::repr_f64(x)
}

/// `str(value)` of one cell as pandas' `astype(str)` gives it: missing values become
/// `"nan"`, floats their Python repr, booleans `"True"`/`"False"`.
#[inline]
pub fn cell_str(v: Value<'_>) -> Cow<'_, str> {
    match v {
        Value::Str(s) => Cow::Borrowed(s),
        Value::Int(i) => Cow::Owned(i.to_string()),
        Value::UInt(u) => Cow::Owned(u.to_string()),
        Value::Float(f) => Cow::Owned(float_repr(f)),
        Value::Bool(b) => Cow::Borrowed(if b { "True" } else { "False" }),
        Value::Nan => Cow::Borrowed("nan"),
    }
}

/// A Python integer parsed from text, kept exact at any size: the sign and the decimal
/// digits without leading zeros (zero is never negative).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PyInt {
    pub negative: bool,
    pub digits: String,
}

/// Code points of the Unicode `Nd` zeros (Unicode 14, Python 3.11); each starts a run of
/// ten consecutive decimal digits, all of which `int()` accepts.
const DECIMAL_ZEROS: [u32; 66] = [
    0x30, 0x660, 0x6f0, 0x7c0, 0x966, 0x9e6, 0xa66, 0xae6, 0xb66, 0xbe6, 0xc66, 0xce6, 0xd66,
    0xde6, 0xe50, 0xed0, 0xf20, 0x1040, 0x1090, 0x17e0, 0x1810, 0x1946, 0x19d0, 0x1a80, 0x1a90,
    0x1b50, 0x1bb0, 0x1c40, 0x1c50, 0xa620, 0xa8d0, 0xa900, 0xa9d0, 0xa9f0, 0xaa50, 0xabf0, 0xff10,
    0x104a0, 0x10d30, 0x11066, 0x110f0, 0x11136, 0x111d0, 0x112f0, 0x11450, 0x114d0, 0x11650,
    0x116c0, 0x11730, 0x118e0, 0x11950, 0x11c50, 0x11d50, 0x11da0, 0x16a60, 0x16ac0, 0x16b50,
    0x1d7ce, 0x1d7d8, 0x1d7e2, 0x1d7ec, 0x1d7f6, 0x1e140, 0x1e2f0, 0x1e950, 0x1fbf0,
];

/// The value of a Unicode decimal digit (category `Nd`), as Python's `int()` and `float()`
/// read it.
pub fn decimal_digit(c: char) -> Option<u8> {
    let cp = c as u32;
    let i = DECIMAL_ZEROS.partition_point(|&z| z <= cp);
    let zero = *DECIMAL_ZEROS.get(i.checked_sub(1)?)?;
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// `int(s)` for a string (base 10): surrounding whitespace, one sign, Unicode decimal
/// digits, single underscores between digits. `None` where Python raises `ValueError`.
pub fn parse_int(s: &str) -> Option<PyInt> {
    let t = strip(s);
    let (negative, body) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let mut digits = String::with_capacity(body.len());
    let mut prev_digit = false;
    for c in body.chars() {
        if c == '_' {
            if !prev_digit {
                return None;
            }
            prev_digit = false;
            continue;
        }
        let d = decimal_digit(c)?;
        digits.push(char::from(b'0' + d));
        prev_digit = true;
    }
    if !prev_digit {
        return None; // empty, or a trailing underscore
    }
    Some(PyInt::from_ascii_digits(negative, &digits))
}

impl PyInt {
    fn from_ascii_digits(negative: bool, digits: &str) -> PyInt {
        let trimmed = digits.trim_start_matches('0');
        let digits = if trimmed.is_empty() { "0" } else { trimmed };
        PyInt {
            negative: negative && digits != "0",
            digits: digits.to_string(),
        }
    }

    pub fn from_i64(v: i64) -> PyInt {
        PyInt::from_ascii_digits(v < 0, &v.unsigned_abs().to_string())
    }

    /// Python's `hash(int)`: the value modulo 2**61 - 1 with the sign kept, where -1
    /// becomes -2 (CPython reserves -1 for errors).
    pub fn py_hash(&self) -> i64 {
        const MODULUS: u128 = (1 << 61) - 1;
        let r = self
            .digits
            .bytes()
            .fold(0u128, |r, d| (r * 10 + u128::from(d - b'0')) % MODULUS) as i64;
        let h = if self.negative { -r } else { r };
        if h == -1 {
            -2
        } else {
            h
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_repr_matches_python() {
        let cases = [
            (1e20, "1e+20"),
            (0.1, "0.1"),
            (1.5e-7, "1.5e-07"),
            (123456789012345678.0, "1.2345678901234568e+17"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (-0.0, "-0.0"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (3.0, "3.0"),
            (-2.5, "-2.5"),
            (36363.0, "36363.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (f64::NAN, "nan"),
            (f64::NEG_INFINITY, "-inf"),
        ];
        for (x, want) in cases {
            assert_eq!(float_repr(x), want, "{x:e}");
        }
    }

    #[test]
    fn splitting_like_python() {
        assert_eq!(
            split_words(" a\u{1f}b\u{a0} c\t").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
        assert_eq!(
            split_words("\u{200b}").collect::<Vec<_>>(),
            vec!["\u{200b}"]
        ); // not a space
        assert_eq!(
            split_on_space("a  b").collect::<Vec<_>>(),
            vec!["a", "", "b"]
        );
        assert_eq!(split_on_space("").collect::<Vec<_>>(), vec![""]);
        assert_eq!(strip("\u{3000} YES \n"), "YES");
    }

    #[test]
    fn ints_like_python() {
        assert_eq!(parse_int(" 007 "), Some(PyInt::from_i64(7)));
        assert_eq!(parse_int("-1_000"), Some(PyInt::from_i64(-1000)));
        assert_eq!(parse_int("\u{663}"), Some(PyInt::from_i64(3))); // Arabic-Indic three
        assert_eq!(parse_int("-0"), Some(PyInt::from_i64(0)));
        for bad in [
            "", "-", "1_", "_1", "1__0", "3.0", "nan", "1e3", "+-1", "０x",
        ] {
            assert_eq!(parse_int(bad), None, "{bad}");
        }
    }

    #[test]
    fn python_int_hash() {
        assert_eq!(PyInt::from_i64(-1).py_hash(), -2);
        assert_eq!(PyInt::from_i64(-2).py_hash(), -2);
        assert_eq!(PyInt::from_i64((1 << 61) - 1).py_hash(), 0);
        assert_eq!(parse_int("18446744073709551616").unwrap().py_hash(), 8); // 2**64
        assert_eq!(PyInt::from_i64(12).py_hash(), 12);
    }
}
