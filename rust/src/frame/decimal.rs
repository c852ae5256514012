//! A fast, correctly rounded parse of the decimals submissions are made of.
//!
//! Nearly every float field of a submission is a plain decimal such as `0.8643290410076061`
//! (Python's or polars' shortest repr of a float64: 16 to 17 significant digits, no
//! exponent). Rust's `f64::from_str` parses those correctly but generally, at about 20 ns a
//! field, a fifth of a bulk job's time. This parses exactly that shape, `[-]digits[.digits]`
//! with at most 19 digits in all, eight digits at a time, and rounds exactly:
//! - a value `w / 10^k` with `w <= 2^53` and `k <= 22` is one IEEE division of two exact
//!   doubles, hence correctly rounded (Clinger's fast path);
//! - otherwise the integer quotient `w * 2^s / 10^k` is taken with 64 significant bits, and
//!   rounded to 53 bits half to even with the remainder as sticky bit: exact too.
//!
//! Anything else (an exponent, signs, spaces, more digits) returns `None`, and the caller
//! parses the field the general way. Results are bit for bit `f64::from_str`'s.

/// 10^k as f64, exact for k <= 22.
const POW10_F64: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// 10^k as u64, k <= 19.
const POW10_U64: [u64; 20] = {
    let mut t = [1u64; 20];
    let mut k = 1;
    while k < 20 {
        t[k] = t[k - 1] * 10;
        k += 1;
    }
    t
};

/// Whether all eight bytes of `v` are ASCII digits.
#[inline]
fn all_digits(v: u64) -> bool {
    const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;
    // a digit is 0x30..=0x39: high nibble 3, and adding 6 keeps it 3
    (v & HIGH_NIBBLES) | (((v.wrapping_add(0x0606_0606_0606_0606)) & HIGH_NIBBLES) >> 4)
        == 0x3333_3333_3333_3333
}

/// The number eight ASCII digits (first digit in the lowest byte) stand for.
#[inline]
fn eight_digits(v: u64) -> u64 {
    let v = v - 0x3030_3030_3030_3030;
    // pairs, then quads, then the whole
    let v = (v * 10) + (v >> 8);
    let v1 = (v & 0x0000_00FF_0000_00FF).wrapping_mul(100 + (1_000_000 << 32));
    let v2 = ((v >> 16) & 0x0000_00FF_0000_00FF).wrapping_mul(1 + (10_000 << 32));
    (v1.wrapping_add(v2) >> 32) as u32 as u64
}

/// `(hi * 2^64 + lo) / d` and the remainder, when the quotient fits 64 bits (`hi < d`).
#[inline]
fn div_wide(hi: u64, lo: u64, d: u64) -> (u64, u64) {
    debug_assert!(hi < d);
    #[cfg(target_arch = "x86_64")]
    {
        let (q, r): (u64, u64);
        // SAFETY: `div` faults only on a zero divisor or a quotient beyond 64 bits; `d` is a
        // power of ten and `hi < d` bounds the quotient.
        unsafe {
            std::arch::asm!(
                "div {d}",
                d = in(reg) d,
                inout("rax") lo => q,
                inout("rdx") hi => r,
                options(pure, nomem, nostack)
            );
        }
        (q, r)
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let n = (hi as u128) << 64 | lo as u128;
        ((n / d as u128) as u64, (n % d as u128) as u64)
    }
}

/// `[-]digits[.digits]`, at most 19 digits, at least one: correctly rounded, or `None`.
#[inline]
pub fn parse_plain_decimal(s: &[u8]) -> Option<f64> {
    let (negative, mut i) = match s.first() {
        Some(b'-') => (true, 1),
        _ => (false, 0),
    };
    let mut w: u64 = 0;
    let mut digits = 0usize;
    while i < s.len() && s[i].is_ascii_digit() {
        w = w.wrapping_mul(10).wrapping_add((s[i] - b'0') as u64);
        i += 1;
        digits += 1;
    }
    let mut fraction = 0usize;
    if i < s.len() && s[i] == b'.' {
        i += 1;
        while let Some(chunk) = s.get(i..i + 8) {
            let v = u64::from_le_bytes(chunk.try_into().unwrap());
            if !all_digits(v) {
                break;
            }
            w = w.wrapping_mul(100_000_000).wrapping_add(eight_digits(v));
            i += 8;
            fraction += 8;
        }
        while i < s.len() && s[i].is_ascii_digit() {
            w = w.wrapping_mul(10).wrapping_add((s[i] - b'0') as u64);
            i += 1;
            fraction += 1;
        }
    }
    digits += fraction;
    // 19 digits always fit: 10^19 - 1 < 2^64
    if i != s.len() || digits == 0 || digits > 19 {
        return None;
    }
    let magnitude = if w == 0 {
        0.0
    } else if w <= 1 << 53 {
        // Clinger: both operands exact, one correctly rounded division
        w as f64 / POW10_F64[fraction]
    } else {
        exact_quotient(w, fraction)
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// `w / 10^k` rounded to nearest, ties to even, for `0 < w < 2^64` and `k <= 19`.
#[inline]
fn exact_quotient(w: u64, k: usize) -> f64 {
    let d = POW10_U64[k];
    let (bits_w, bits_d) = (64 - w.leading_zeros(), 64 - d.leading_zeros());
    // w * 2^s / d lies in [2^62, 2^64): 62 or more bits of quotient, and it fits a `div`
    let s = 63 + bits_d - bits_w;
    let n = (w as u128) << s;
    let (q, r) = div_wide((n >> 64) as u64, n as u64, d);
    let shift = (64 - q.leading_zeros()) - 53;
    let mut m = q >> shift;
    let half = 1u64 << (shift - 1);
    let rest = q & ((1u64 << shift) - 1);
    if rest > half || (rest == half && (r != 0 || m & 1 == 1)) {
        m += 1;
    }
    // value = m * 2^(shift - s), m in [2^52, 2^53]
    let mut exponent = shift as i32 - s as i32;
    if m == 1 << 53 {
        m >>= 1;
        exponent += 1;
    }
    let biased = (exponent + 52 + 1023) as u64;
    f64::from_bits(biased << 52 | (m & ((1 << 52) - 1)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Same bits as `from_str` when parsed; whether it was (an exponent or more than 19
    /// digits is not).
    fn check(s: &str) -> bool {
        let expected: f64 = s.parse().unwrap();
        let digits = s.bytes().filter(u8::is_ascii_digit).count();
        let got = parse_plain_decimal(s.as_bytes());
        match got {
            Some(got) => assert_eq!(got.to_bits(), expected.to_bits(), "{s}"),
            None => assert!(digits > 19 || s.contains('e'), "{s} refused"),
        }
        got.is_some()
    }

    /// xorshift: fixed draws, so a failure repeats
    fn draws(seed: u64) -> impl Iterator<Item = u64> {
        let mut x = seed;
        std::iter::repeat_with(move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x
        })
    }

    #[test]
    fn agrees_bit_for_bit_with_from_str_on_float_reprs() {
        let mut parsed = 0;
        for (n, r) in draws(0x9E37_79B9_7F4A_7C15).take(300_000).enumerate() {
            let unit = (r >> 11) as f64 / (1u64 << 53) as f64;
            let scale = [1.0, 1e-3, 37.0, 1e5, 123456.0, 1e-9][n % 6];
            let v = unit * scale;
            parsed += usize::from(check(&format!("{v:?}")));
            check(&format!("{:?}", -v));
            // shorter and longer roundings of the same value
            for p in [1, 3, 6, 10, 15] {
                check(&format!("{v:.p$}"));
            }
        }
        // the exponent forms (1e-9 scale) and 20-digit reprs go the general way
        assert!(parsed > 200_000, "{parsed}");
    }

    #[test]
    fn agrees_on_random_digit_strings_of_every_length() {
        let mut rng = draws(42);
        for _ in 0..400_000 {
            let r = rng.next().unwrap();
            let digits = 1 + (r % 19) as usize;
            let point = ((r >> 8) % (digits as u64 + 1)) as usize;
            let mut s = String::new();
            let mut d = rng.next().unwrap();
            for k in 0..digits {
                if k == point && k > 0 {
                    s.push('.');
                }
                s.push((b'0' + (d % 10) as u8) as char);
                d /= 10;
                if d == 0 {
                    d = rng.next().unwrap();
                }
            }
            if point == digits {
                s.push('.');
            }
            check(&s);
        }
    }

    #[test]
    fn ties_and_edges_round_like_from_str() {
        // halfway cases between doubles, and their neighbours: 2^53 + 1, + 3, ... as decimals
        for k in [1u64, 3, 5, 7, 1001] {
            let n = (1u64 << 53) + k;
            check(&n.to_string());
            check(&format!("{}.0", n));
            check(&format!("{n}.5"));
        }
        for s in [
            "9007199254740993",
            "9007199254740992.5",
            "18446744073.70955161",
            "9999999999999999999",
            "0.9999999999999999999",
            "1.000000000000000000",
            "0.1",
            "0.2",
            "0.3",
            "5e-324".trim_end_matches("e-324"),
            "0.0000000000000000001",
            "123.",
            ".5",
            "-0.0",
            "0",
            "-0",
            "00000000000000000001",
        ] {
            if parse_plain_decimal(s.as_bytes()).is_some() {
                check(s);
            }
        }
        assert_eq!(
            parse_plain_decimal(b"-0.0").map(f64::to_bits),
            Some((-0.0f64).to_bits())
        );
    }

    #[test]
    fn refuses_what_it_does_not_parse() {
        for s in [
            "",
            "-",
            ".",
            "-.",
            "1e5",
            "1.5E-3",
            "+1",
            " 1",
            "1 ",
            "1..2",
            "1.2.3",
            "inf",
            "nan",
            "0x10",
            "1_0",
            "12345678901234567890",
            "0.12345678901234567890",
            "1,5",
        ] {
            assert_eq!(parse_plain_decimal(s.as_bytes()), None, "{s:?}");
        }
    }

    #[test]
    fn eight_digit_steps() {
        for s in ["00000000", "12345678", "99999999", "90000001"] {
            let v = u64::from_le_bytes(s.as_bytes().try_into().unwrap());
            assert!(all_digits(v));
            assert_eq!(eight_digits(v), s.parse::<u64>().unwrap());
        }
        for s in [
            "1234567/",
            "1234567:",
            "a2345678",
            "1234 678",
            "\u{0}1234567",
        ] {
            let v = u64::from_le_bytes(s.as_bytes().try_into().unwrap());
            assert!(!all_digits(v), "{s:?}");
        }
    }
}
