//! LSD radix sort of `u64` keys (11-bit digits, 6 passes at most), used to rank scores by
//! their order-preserving integer keys. A digit on which every key agrees costs no pass, so
//! scores spanning few exponents or mantissa bits sort in fewer passes.

const DIGIT_BITS: u32 = 11;
const BUCKETS: usize = 1 << DIGIT_BITS;
const MASK: u64 = BUCKETS as u64 - 1;
const PASSES: usize = 64usize.div_ceil(DIGIT_BITS as usize);

/// Below this many keys a comparison sort is faster than the radix passes.
const RADIX_MIN: usize = 256;

fn digit(key: u64, pass: usize) -> usize {
    ((key >> (pass as u32 * DIGIT_BITS)) & MASK) as usize
}

/// Sort `keys` ascending.
pub fn sort_u64(keys: &mut [u64]) {
    let mut scratch = vec![
        0u64;
        if keys.len() < RADIX_MIN {
            0
        } else {
            keys.len()
        }
    ];
    sort_u64_with(keys, &mut scratch);
}

/// Sort `keys` ascending, using `scratch` (at least as long as `keys` when there are
/// `RADIX_MIN` keys or more) as the second buffer of the passes; the result is in `keys`.
pub fn sort_u64_with(keys: &mut [u64], scratch: &mut [u64]) {
    let n = keys.len();
    if n < RADIX_MIN {
        keys.sort_unstable();
        return;
    }
    let scratch = &mut scratch[..n];
    // every digit's histogram in one read pass (counts do not depend on the order)
    let mut hist = vec![[0u32; BUCKETS]; PASSES];
    for &k in keys.iter() {
        for (pass, h) in hist.iter_mut().enumerate() {
            h[digit(k, pass)] += 1;
        }
    }
    let first = keys[0];
    let mut in_scratch = false;
    for (pass, h) in hist.iter().enumerate() {
        if h[digit(first, pass)] as usize == n {
            continue; // every key has this digit: the pass would not move anything
        }
        let mut offset = [0u32; BUCKETS];
        let mut total = 0u32;
        for (o, &c) in offset.iter_mut().zip(h.iter()) {
            *o = total;
            total += c;
        }
        let (src, dst): (&[u64], &mut [u64]) = if in_scratch {
            (scratch, keys)
        } else {
            (keys, scratch)
        };
        for &k in src.iter() {
            let d = digit(k, pass);
            dst[offset[d] as usize] = k;
            offset[d] += 1;
        }
        in_scratch = !in_scratch;
    }
    if in_scratch {
        keys.copy_from_slice(scratch);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    #[test]
    fn sorts_like_sort_unstable() {
        let mut seed = 7u64;
        for &n in &[0usize, 1, 5, 255, 256, 1000, 70_000] {
            for shape in 0..4 {
                let mut v: Vec<u64> = (0..n)
                    .map(|_| {
                        let r = xorshift(&mut seed);
                        match shape {
                            0 => r,
                            1 => r % 7, // heavy ties, most digits constant
                            2 => (r % 1000) << 40 | 12345, // low digits constant
                            _ => (0.5f64 + (r % 1_000_000) as f64 * 1e-7).to_bits(),
                        }
                    })
                    .collect();
                let mut expected = v.clone();
                expected.sort_unstable();
                sort_u64(&mut v);
                assert_eq!(v, expected, "n={n} shape={shape}");
            }
        }
    }
}
