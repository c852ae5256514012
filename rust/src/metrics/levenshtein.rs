//! Levenshtein distance (unit costs for insertion, deletion and substitution), as the
//! `Levenshtein.distance` function the reference uses computes it: over Unicode code points
//! for strings (never bytes or grapheme clusters), over elements for token sequences.
//!
//! Bit-parallel (Myers 1999, in Hyyrö's block form): 64 rows of the dynamic-programming
//! table per machine word, so a pair of 300-character sentences costs a few thousand word
//! operations instead of 90,000 cell updates.
//!
//! Edge cases: the distance to an empty sequence is the other's length; equal inputs give 0;
//! case, accents and combining marks are all distinct code points.

use std::collections::HashMap;

/// Distance between two strings, by Unicode code points.
pub fn levenshtein_str(a: &str, b: &str) -> usize {
    if a == b {
        return 0;
    }
    let a: Vec<u64> = a.chars().map(|c| u64::from(u32::from(c))).collect();
    let b: Vec<u64> = b.chars().map(|c| u64::from(u32::from(c))).collect();
    levenshtein(&a, &b)
}

/// Mean distance over pairs of strings (an exact integer sum, then one division, as
/// numpy's mean of Python ints); NaN for no pairs. Pairs are computed in parallel.
pub fn mean_levenshtein<S: AsRef<str> + Sync>(y_true: &[S], y_pred: &[S]) -> Result<f64, String> {
    use rayon::prelude::*;
    if y_true.len() != y_pred.len() {
        return Err(format!(
            "y_true has {} texts but y_pred has {}",
            y_true.len(),
            y_pred.len()
        ));
    }
    let total: u64 = y_true
        .par_iter()
        .zip(y_pred.par_iter())
        .map(|(t, p)| levenshtein_str(t.as_ref(), p.as_ref()) as u64)
        .sum();
    Ok(total as f64 / y_true.len() as f64)
}

/// Distance between two sequences of symbols (equal symbols match).
pub fn levenshtein(a: &[u64], b: &[u64]) -> usize {
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a
        .iter()
        .rev()
        .zip(b.iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    // the shorter one is the pattern packed into bit vectors
    let (pattern, text) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if pattern.is_empty() {
        return text.len();
    }
    if pattern.len() <= 64 {
        return myers_single_word(pattern, text);
    }
    myers_blocks(pattern, text)
}

/// The one-word case (pattern of at most 64 symbols) without heap allocation for ASCII
/// patterns: the common case of words and short sentences after trimming.
fn myers_single_word(pattern: &[u64], text: &[u64]) -> usize {
    let m = pattern.len();
    let mut ascii = [0u64; 128];
    let mut other: Vec<(u64, u64)> = Vec::new(); // few distinct non-ASCII symbols: linear scan
    for (i, &s) in pattern.iter().enumerate() {
        if s < 128 {
            ascii[s as usize] |= 1 << i;
        } else if let Some(entry) = other.iter_mut().find(|(sym, _)| *sym == s) {
            entry.1 |= 1 << i;
        } else {
            other.push((s, 1 << i));
        }
    }
    let last = 1u64 << (m - 1);
    let (mut pv, mut mv, mut score) = (!0u64, 0u64, m);
    for &symbol in text {
        let eq = if symbol < 128 {
            ascii[symbol as usize]
        } else {
            other
                .iter()
                .find(|(sym, _)| *sym == symbol)
                .map_or(0, |e| e.1)
        };
        let xv = eq | mv;
        let xh = (((eq & pv).wrapping_add(pv)) ^ pv) | eq;
        let ph = mv | !(xh | pv);
        let mh = pv & xh;
        if ph & last != 0 {
            score += 1;
        } else if mh & last != 0 {
            score -= 1;
        }
        // the top row grows by one per text symbol: shift a +1 into row 0
        let ph = (ph << 1) | 1;
        let mh = mh << 1;
        pv = mh | !(xv | ph);
        mv = ph & xv;
    }
    score
}

/// For each symbol, the bit mask of the pattern rows holding it, one word per block.
struct PatternMasks {
    blocks: usize,
    ascii: Vec<u64>,
    other: HashMap<u64, Vec<u64>>,
    none: Vec<u64>,
}

impl PatternMasks {
    fn new(pattern: &[u64]) -> Self {
        let blocks = pattern.len().div_ceil(64);
        let mut ascii = vec![0u64; 128 * blocks];
        let mut other: HashMap<u64, Vec<u64>> = HashMap::new();
        for (i, &s) in pattern.iter().enumerate() {
            let bit = 1u64 << (i % 64);
            if s < 128 {
                ascii[s as usize * blocks + i / 64] |= bit;
            } else {
                other.entry(s).or_insert_with(|| vec![0; blocks])[i / 64] |= bit;
            }
        }
        PatternMasks {
            blocks,
            ascii,
            other,
            none: vec![0; blocks],
        }
    }

    fn get(&self, s: u64) -> &[u64] {
        if s < 128 {
            let start = s as usize * self.blocks;
            &self.ascii[start..start + self.blocks]
        } else {
            self.other.get(&s).map_or(&self.none, |v| v.as_slice())
        }
    }
}

fn myers_blocks(pattern: &[u64], text: &[u64]) -> usize {
    let m = pattern.len();
    let masks = PatternMasks::new(pattern);
    let blocks = masks.blocks;
    let mut pv = vec![!0u64; blocks]; // vertical deltas +1
    let mut mv = vec![0u64; blocks]; // vertical deltas -1
    let last_bit = 1u64 << ((m - 1) % 64);
    let mut score = m as isize;
    for &symbol in text {
        let eq_words = masks.get(symbol);
        // the top row of the table grows by one per text symbol: carry +1 into block 0
        let mut carry: i8 = 1;
        for blk in 0..blocks {
            let high = if blk + 1 == blocks {
                last_bit
            } else {
                1u64 << 63
            };
            let (p, mn) = (pv[blk], mv[blk]);
            let mut eq = eq_words[blk];
            let xv = eq | mn;
            if carry < 0 {
                eq |= 1;
            }
            let xh = (((eq & p).wrapping_add(p)) ^ p) | eq;
            let mut ph = mn | !(xh | p);
            let mut mh = p & xh;
            let out: i8 = if ph & high != 0 {
                1
            } else if mh & high != 0 {
                -1
            } else {
                0
            };
            ph <<= 1;
            mh <<= 1;
            if carry < 0 {
                mh |= 1;
            } else if carry > 0 {
                ph |= 1;
            }
            pv[blk] = mh | !(xv | ph);
            mv[blk] = ph & xv;
            carry = out;
        }
        score += isize::from(carry);
    }
    score as usize
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(a: &[u64], b: &[u64]) -> usize {
        let mut prev: Vec<usize> = (0..=b.len()).collect();
        for (i, x) in a.iter().enumerate() {
            let mut cur = vec![i + 1; b.len() + 1];
            for (j, y) in b.iter().enumerate() {
                cur[j + 1] = (prev[j] + usize::from(x != y))
                    .min(prev[j + 1] + 1)
                    .min(cur[j] + 1);
            }
            prev = cur;
        }
        prev[b.len()]
    }

    /// xorshift, to avoid a dependency for test data
    fn rng(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn known_values() {
        assert_eq!(levenshtein_str("kitten", "sitting"), 3);
        assert_eq!(levenshtein_str("", "abc"), 3);
        assert_eq!(levenshtein_str("abc", ""), 3);
        assert_eq!(levenshtein_str("", ""), 0);
        assert_eq!(levenshtein_str("flaw", "lawn"), 2);
        // code points, not bytes: one substitution of a 2-byte by a 1-byte character
        assert_eq!(levenshtein_str("héllo", "hello"), 1);
        // a precomposed letter differs from base letter + combining accent (1 sub + 1 ins)
        assert_eq!(levenshtein_str("é", "e\u{301}"), 2);
        assert_eq!(levenshtein_str("😀a", "a"), 1);
    }

    #[test]
    fn mean_distance() {
        assert_eq!(mean_levenshtein(&["abc", "x"], &["abd", "x"]), Ok(0.5));
        let none: [&str; 0] = [];
        assert!(mean_levenshtein(&none, &none).unwrap().is_nan());
        assert!(mean_levenshtein(&["a"], &none).is_err());
    }

    #[test]
    fn matches_dynamic_programming_across_block_sizes() {
        let mut seed = 0x2545F4914F6CDD1Du64;
        for round in 0..3000 {
            let alphabet = [2, 3, 5, 200, 70000][round % 5];
            let la = (rng(&mut seed) % 200) as usize;
            let lb = (rng(&mut seed) % 200) as usize;
            let a: Vec<u64> = (0..la).map(|_| rng(&mut seed) % alphabet).collect();
            let mut b: Vec<u64> = (0..lb).map(|_| rng(&mut seed) % alphabet).collect();
            if round % 3 == 0 {
                // near-copies exercise the prefix/suffix trimming and small distances
                b = a.clone();
                for _ in 0..(rng(&mut seed) % 4) {
                    if !b.is_empty() {
                        let i = (rng(&mut seed) as usize) % b.len();
                        b[i] = rng(&mut seed) % alphabet;
                    }
                }
            }
            assert_eq!(levenshtein(&a, &b), naive(&a, &b), "{a:?} {b:?}");
        }
    }

    #[test]
    fn long_patterns_exactly_at_block_edges() {
        for m in [63usize, 64, 65, 127, 128, 129] {
            let a: Vec<u64> = (0..m as u64).map(|i| i % 7).collect();
            let b: Vec<u64> = (0..m as u64 + 3).map(|i| (i * 3) % 7).collect();
            assert_eq!(levenshtein(&a, &b), naive(&a, &b));
            assert_eq!(levenshtein(&b, &a), naive(&a, &b));
        }
    }
}
