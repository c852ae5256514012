//! Python's text forms of numbers: `repr(float)` (also numpy's `str` of a float64, which
//! pandas writes into CSVs), so written files match the reference byte for byte.

/// `repr(x)` for a Python float: the shortest digits that round-trip, positional when the
/// decimal exponent is in [-4, 16), scientific (`1e-05`, `1.5e+16`) otherwise; `nan`, `inf`.
pub fn repr_f64(x: f64) -> String {
    let mut out = String::with_capacity(24);
    write_repr_f64(&mut out, x);
    out
}

/// [`repr_f64`] appended to `out` (no allocation besides the buffer's growth).
pub fn write_repr_f64(out: &mut String, x: f64) {
    use std::fmt::Write;
    if x.is_nan() {
        out.push_str("nan");
        return;
    }
    if x.is_infinite() {
        out.push_str(if x > 0.0 { "inf" } else { "-inf" });
        return;
    }
    // Rust's `{:e}` prints a shortest digit string that round-trips. When two such strings
    // exist, Python (and numpy) take the one nearest the exact value, ties to even: the value
    // correctly rounded to that many digits, which is used whenever it round-trips too.
    // (It may not at a power of two, where the rounding interval is lopsided.)
    let mut shortest = [0u8; 40];
    let shortest_len = {
        let mut cursor = std::io::Cursor::new(&mut shortest[..]);
        std::io::Write::write_fmt(&mut cursor, format_args!("{x:e}"))
            .expect("a float fits in 40 bytes");
        cursor.position() as usize
    };
    let n_digits = shortest[..shortest_len]
        .iter()
        .take_while(|&&b| b != b'e')
        .filter(|b| b.is_ascii_digit())
        .count();
    let mut nearest = [0u8; 40];
    let nearest_len = {
        let mut cursor = std::io::Cursor::new(&mut nearest[..]);
        std::io::Write::write_fmt(
            &mut cursor,
            format_args!("{x:.prec$e}", prec = n_digits - 1),
        )
        .expect("a float fits in 40 bytes");
        cursor.position() as usize
    };
    let nearest_text = std::str::from_utf8(&nearest[..nearest_len]).expect("ASCII");
    let (sci, len) = if nearest_text.parse::<f64>() == Ok(x) {
        (nearest, nearest_len)
    } else {
        (shortest, shortest_len)
    };
    let sci = std::str::from_utf8(&sci[..len]).expect("ASCII");
    let (mantissa, exp) = sci.split_once('e').expect("LowerExp has an exponent");
    let exp: i32 = exp.parse().expect("integer exponent");
    let mantissa = match mantissa.strip_prefix('-') {
        Some(m) => {
            out.push('-');
            m
        }
        None => mantissa,
    };
    let (lead, rest) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    let n_digits = lead.len() + rest.len();
    let digit = |i: usize| if i < lead.len() { lead.as_bytes()[i] } else { rest.as_bytes()[i - lead.len()] } as char;
    if (-4..16).contains(&exp) {
        let point = exp + 1; // digits before the decimal point
        if point <= 0 {
            out.push_str("0.");
            (0..-point).for_each(|_| out.push('0'));
            (0..n_digits).for_each(|i| out.push(digit(i)));
        } else if point as usize >= n_digits {
            (0..n_digits).for_each(|i| out.push(digit(i)));
            (n_digits..point as usize).for_each(|_| out.push('0'));
            out.push_str(".0");
        } else {
            (0..point as usize).for_each(|i| out.push(digit(i)));
            out.push('.');
            (point as usize..n_digits).for_each(|i| out.push(digit(i)));
        }
        return;
    }
    out.push_str(lead);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let exp_sign = if exp < 0 { '-' } else { '+' };
    write!(out, "e{exp_sign}{:02}", exp.abs()).expect("writing to a String");
}

#[cfg(test)]
mod tests {
    use super::repr_f64;

    #[test]
    fn like_python() {
        assert_eq!(repr_f64(562949953421312.2), "562949953421312.2"); // a decimal tie: half to even
        assert_eq!(repr_f64(5.960464477539063e-08), "5.960464477539063e-08"); // 2**-24: lopsided
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
