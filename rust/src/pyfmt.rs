//! Python's text forms of numbers: `repr(float)` (also numpy's `str` of a float64, which
//! pandas writes into CSVs), so written files match the reference byte for byte.

/// `repr(x)` for a Python float: the shortest digits that round-trip, positional when the
/// decimal exponent is in [-4, 16), scientific (`1e-05`, `1.5e+16`) otherwise; `nan`, `inf`.
pub fn repr_f64(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf".into() } else { "-inf".into() };
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "-1.2345e-7"
    let sci = format!("{x:e}");
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("integer exponent");
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        let body = if point <= 0 {
            format!("0.{}{digits}", "0".repeat((-point) as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        return format!("{sign}{body}");
    }
    let exp_sign = if exp < 0 { '-' } else { '+' };
    let frac = if digits.len() > 1 { format!(".{}", &digits[1..]) } else { String::new() };
    format!("{sign}{}{frac}e{exp_sign}{:02}", &digits[..1], exp.abs())
}

#[cfg(test)]
mod tests {
    use super::repr_f64;

    #[test]
    fn like_python() {
        let cases: [(f64, &str); 16] = [
            (0.0, "0.0"),
            (-0.0, "-0.0"),
            (1.0, "1.0"),
            (0.5, "0.5"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1.0 / 120.0, "0.008333333333333333"),
            (1e-4, "0.0001"),
            (1e-5, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (1e15, "1000000000000000.0"),
            (1e16, "1e+16"),
            (1.2345678901234567e17, "1.2345678901234566e+17"),
            (123.456, "123.456"),
            (f64::MAX, "1.7976931348623157e+308"),
            (5e-324, "5e-324"),
            (-73.98, "-73.98"),
        ];
        for (x, want) in cases {
            assert_eq!(repr_f64(x), want, "{x}");
        }
        assert_eq!(repr_f64(f64::NAN), "nan");
        assert_eq!(repr_f64(f64::NEG_INFINITY), "-inf");
    }
}
