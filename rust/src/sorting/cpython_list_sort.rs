//! A port of CPython 3.11's `list.sort` (Objects/listobject.c: natural runs, binary
//! insertion to `minrun`, powersort merge order, galloping merges) over item indices.
//! Only needed where the comparison is not a total order (NaN keys): then the order
//! CPython produces depends on exactly which comparisons it makes.

const MIN_GALLOP: usize = 7;

/// Sort `v` ascending with `lt` as CPython's `list.sort` would (stable).
pub fn cpython_sort(v: &mut [usize], lt: &dyn Fn(usize, usize) -> bool) {
    TimSort {
        lt,
        min_gallop: MIN_GALLOP,
        tmp: Vec::new(),
    }
    .sort(v);
}

struct TimSort<'a> {
    lt: &'a dyn Fn(usize, usize) -> bool,
    min_gallop: usize,
    tmp: Vec<usize>,
}

#[derive(Clone, Copy)]
struct Run {
    base: usize,
    len: usize,
    power: u32,
}

/// CPython's `merge_compute_minrun`.
fn compute_minrun(mut n: usize) -> usize {
    let mut r = 0;
    while n >= 64 {
        r |= n & 1;
        n >>= 1;
    }
    n + r
}

/// CPython's `powerloop`: the powersort depth of the boundary between two adjacent runs.
fn power_loop(s1: usize, n1: usize, n2: usize, n: usize) -> u32 {
    let mut result = 0;
    let mut a = 2 * s1 + n1;
    let mut b = a + n1 + n2;
    loop {
        result += 1;
        if a >= n {
            a -= n;
            b -= n;
        } else if b >= n {
            break;
        }
        a <<= 1;
        b <<= 1;
    }
    result
}

impl TimSort<'_> {
    fn lt(&self, a: usize, b: usize) -> bool {
        (self.lt)(a, b)
    }

    fn sort(&mut self, v: &mut [usize]) {
        let n = v.len();
        if n < 2 {
            return;
        }
        let minrun = compute_minrun(n);
        let mut pending: Vec<Run> = Vec::new();
        let mut lo = 0;
        while lo < n {
            let (mut run, descending) = self.count_run(&v[lo..]);
            if descending {
                v[lo..lo + run].reverse();
            }
            if run < minrun {
                let force = (n - lo).min(minrun);
                self.binary_sort(&mut v[lo..lo + force], run);
                run = force;
            }
            if let Some(top) = pending.last() {
                let power = power_loop(top.base, top.len, run, n);
                while pending.len() > 1 && pending[pending.len() - 2].power > power {
                    let i = pending.len() - 2;
                    self.merge_at(v, &mut pending, i);
                }
                pending.last_mut().unwrap().power = power;
            }
            pending.push(Run {
                base: lo,
                len: run,
                power: 0,
            });
            lo += run;
        }
        while pending.len() > 1 {
            let mut i = pending.len() - 2;
            if i > 0 && pending[i - 1].len < pending[i + 1].len {
                i -= 1;
            }
            self.merge_at(v, &mut pending, i);
        }
    }

    /// Length of the natural run at the start of `v` and whether it is strictly descending.
    fn count_run(&self, v: &[usize]) -> (usize, bool) {
        if v.len() == 1 {
            return (1, false);
        }
        let mut k = 2;
        if self.lt(v[1], v[0]) {
            while k < v.len() && self.lt(v[k], v[k - 1]) {
                k += 1;
            }
            (k, true)
        } else {
            while k < v.len() && !self.lt(v[k], v[k - 1]) {
                k += 1;
            }
            (k, false)
        }
    }

    /// Binary insertion of `v[start..]` into the sorted prefix `v[..start]`.
    fn binary_sort(&self, v: &mut [usize], start: usize) {
        for s in start.max(1)..v.len() {
            let pivot = v[s];
            let (mut l, mut r) = (0, s);
            while l < r {
                let p = l + (r - l) / 2;
                if self.lt(pivot, v[p]) {
                    r = p;
                } else {
                    l = p + 1;
                }
            }
            v.copy_within(l..s, l + 1);
            v[l] = pivot;
        }
    }

    fn merge_at(&mut self, v: &mut [usize], pending: &mut Vec<Run>, i: usize) {
        let (a, b) = (pending[i], pending[i + 1]);
        pending[i].len = a.len + b.len;
        pending.remove(i + 1);
        let (mut base_a, mut na) = (a.base, a.len);
        let k = self.gallop_right(v[b.base], &v[base_a..base_a + na], 0);
        base_a += k;
        na -= k;
        if na == 0 {
            return;
        }
        let nb = self.gallop_left(v[base_a + na - 1], &v[b.base..b.base + b.len], b.len - 1);
        if nb == 0 {
            return;
        }
        if na <= nb {
            self.merge_lo(v, base_a, na, nb);
        } else {
            self.merge_hi(v, base_a, na, nb);
        }
    }

    /// CPython's `gallop_left`: the slot of `key` in sorted `a`, left of equal items.
    fn gallop_left(&self, key: usize, a: &[usize], hint: usize) -> usize {
        let n = a.len() as isize;
        let h = hint as isize;
        let (mut lastofs, mut ofs): (isize, isize) = (0, 1);
        if self.lt(a[hint], key) {
            let maxofs = n - h;
            while ofs < maxofs && self.lt(a[(h + ofs) as usize], key) {
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            lastofs += h;
            ofs += h;
        } else {
            let maxofs = h + 1;
            while ofs < maxofs && !self.lt(a[(h - ofs) as usize], key) {
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            let k = lastofs;
            lastofs = h - ofs;
            ofs = h - k;
        }
        lastofs += 1;
        while lastofs < ofs {
            let m = lastofs + ((ofs - lastofs) >> 1);
            if self.lt(a[m as usize], key) {
                lastofs = m + 1;
            } else {
                ofs = m;
            }
        }
        ofs as usize
    }

    /// CPython's `gallop_right`: the slot of `key` in sorted `a`, right of equal items.
    fn gallop_right(&self, key: usize, a: &[usize], hint: usize) -> usize {
        let n = a.len() as isize;
        let h = hint as isize;
        let (mut lastofs, mut ofs): (isize, isize) = (0, 1);
        if self.lt(key, a[hint]) {
            let maxofs = h + 1;
            while ofs < maxofs && self.lt(key, a[(h - ofs) as usize]) {
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            let k = lastofs;
            lastofs = h - ofs;
            ofs = h - k;
        } else {
            let maxofs = n - h;
            while ofs < maxofs && !self.lt(key, a[(h + ofs) as usize]) {
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            ofs = ofs.min(maxofs);
            lastofs += h;
            ofs += h;
        }
        lastofs += 1;
        while lastofs < ofs {
            let m = lastofs + ((ofs - lastofs) >> 1);
            if self.lt(key, a[m as usize]) {
                ofs = m;
            } else {
                lastofs = m + 1;
            }
        }
        ofs as usize
    }

    /// CPython's `merge_lo`: merge run A = `v[base..base+na]` with the run B after it
    /// (`nb` long) from the left, A copied to a temporary.
    fn merge_lo(&mut self, v: &mut [usize], base: usize, mut na: usize, mut nb: usize) {
        let mut tmp = std::mem::take(&mut self.tmp);
        tmp.clear();
        tmp.extend_from_slice(&v[base..base + na]);
        let (mut pa, mut pb, mut dest) = (0usize, base + na, base);
        v[dest] = v[pb];
        dest += 1;
        pb += 1;
        nb -= 1;
        let copy_b = 'merge: {
            if nb == 0 {
                break 'merge false;
            }
            if na == 1 {
                break 'merge true;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let (mut acount, mut bcount) = (0usize, 0usize);
                loop {
                    if self.lt(v[pb], tmp[pa]) {
                        v[dest] = v[pb];
                        dest += 1;
                        pb += 1;
                        bcount += 1;
                        acount = 0;
                        nb -= 1;
                        if nb == 0 {
                            break 'merge false;
                        }
                        if bcount >= min_gallop {
                            break;
                        }
                    } else {
                        v[dest] = tmp[pa];
                        dest += 1;
                        pa += 1;
                        acount += 1;
                        bcount = 0;
                        na -= 1;
                        if na == 1 {
                            break 'merge true;
                        }
                        if acount >= min_gallop {
                            break;
                        }
                    }
                }
                min_gallop += 1;
                loop {
                    min_gallop -= usize::from(min_gallop > 1);
                    self.min_gallop = min_gallop;
                    let k = self.gallop_right(v[pb], &tmp[pa..pa + na], 0);
                    acount = k;
                    if k > 0 {
                        v[dest..dest + k].copy_from_slice(&tmp[pa..pa + k]);
                        dest += k;
                        pa += k;
                        na -= k;
                        if na == 1 {
                            break 'merge true;
                        }
                        if na == 0 {
                            break 'merge false;
                        }
                    }
                    v[dest] = v[pb];
                    dest += 1;
                    pb += 1;
                    nb -= 1;
                    if nb == 0 {
                        break 'merge false;
                    }
                    let k = self.gallop_left(tmp[pa], &v[pb..pb + nb], 0);
                    bcount = k;
                    if k > 0 {
                        v.copy_within(pb..pb + k, dest);
                        dest += k;
                        pb += k;
                        nb -= k;
                        if nb == 0 {
                            break 'merge false;
                        }
                    }
                    v[dest] = tmp[pa];
                    dest += 1;
                    pa += 1;
                    na -= 1;
                    if na == 1 {
                        break 'merge true;
                    }
                    if acount < MIN_GALLOP && bcount < MIN_GALLOP {
                        break;
                    }
                }
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        if copy_b {
            // the last element of A belongs after what is left of B
            v.copy_within(pb..pb + nb, dest);
            v[dest + nb] = tmp[pa];
        } else if na > 0 {
            v[dest..dest + na].copy_from_slice(&tmp[pa..pa + na]);
        }
        self.tmp = tmp;
    }

    /// CPython's `merge_hi`: merge run A = `v[base_a..base_a+na]` with the run B after it
    /// (`nb` long) from the right, B copied to a temporary.
    fn merge_hi(&mut self, v: &mut [usize], base_a: usize, mut na: usize, mut nb: usize) {
        let base_b = base_a + na;
        let mut tmp = std::mem::take(&mut self.tmp);
        tmp.clear();
        tmp.extend_from_slice(&v[base_b..base_b + nb]);
        // positions of the last remaining element of A (in v), of B (in tmp), and of dest
        let mut dest = (base_b + nb - 1) as isize;
        let mut pa = (base_a + na - 1) as isize;
        let mut pb = (nb - 1) as isize;
        v[dest as usize] = v[pa as usize];
        dest -= 1;
        pa -= 1;
        na -= 1;
        let copy_a = 'merge: {
            if na == 0 {
                break 'merge false;
            }
            if nb == 1 {
                break 'merge true;
            }
            let mut min_gallop = self.min_gallop;
            loop {
                let (mut acount, mut bcount) = (0usize, 0usize);
                loop {
                    if self.lt(tmp[pb as usize], v[pa as usize]) {
                        v[dest as usize] = v[pa as usize];
                        dest -= 1;
                        pa -= 1;
                        acount += 1;
                        bcount = 0;
                        na -= 1;
                        if na == 0 {
                            break 'merge false;
                        }
                        if acount >= min_gallop {
                            break;
                        }
                    } else {
                        v[dest as usize] = tmp[pb as usize];
                        dest -= 1;
                        pb -= 1;
                        bcount += 1;
                        acount = 0;
                        nb -= 1;
                        if nb == 1 {
                            break 'merge true;
                        }
                        if bcount >= min_gallop {
                            break;
                        }
                    }
                }
                min_gallop += 1;
                loop {
                    min_gallop -= usize::from(min_gallop > 1);
                    self.min_gallop = min_gallop;
                    let k =
                        na - self.gallop_right(tmp[pb as usize], &v[base_a..base_a + na], na - 1);
                    acount = k;
                    if k > 0 {
                        let ki = k as isize;
                        let (d, a) = ((dest - ki + 1) as usize, (pa - ki + 1) as usize);
                        v.copy_within(a..a + k, d);
                        dest -= ki;
                        pa -= ki;
                        na -= k;
                        if na == 0 {
                            break 'merge false;
                        }
                    }
                    v[dest as usize] = tmp[pb as usize];
                    dest -= 1;
                    pb -= 1;
                    nb -= 1;
                    if nb == 1 {
                        break 'merge true;
                    }
                    let k = nb - self.gallop_left(v[pa as usize], &tmp[..nb], nb - 1);
                    bcount = k;
                    if k > 0 {
                        let ki = k as isize;
                        let (d, b) = ((dest - ki + 1) as usize, (pb - ki + 1) as usize);
                        v[d..d + k].copy_from_slice(&tmp[b..b + k]);
                        dest -= ki;
                        pb -= ki;
                        nb -= k;
                        if nb == 1 {
                            break 'merge true;
                        }
                        if nb == 0 {
                            break 'merge false;
                        }
                    }
                    v[dest as usize] = v[pa as usize];
                    dest -= 1;
                    pa -= 1;
                    na -= 1;
                    if na == 0 {
                        break 'merge false;
                    }
                    if acount < MIN_GALLOP && bcount < MIN_GALLOP {
                        break;
                    }
                }
                min_gallop += 1;
                self.min_gallop = min_gallop;
            }
        };
        if copy_a {
            // what is left of A shifts right by one; B's remaining element goes before it
            let a0 = (pa - na as isize + 1) as usize;
            let d0 = (dest - na as isize + 1) as usize;
            v.copy_within(a0..a0 + na, d0);
            v[d0 - 1] = tmp[pb as usize];
        } else if nb > 0 {
            let d = (dest - nb as isize + 1) as usize;
            v[d..d + nb].copy_from_slice(&tmp[..nb]);
        }
        self.tmp = tmp;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_consistent_keys_stably() {
        let mut state = 7u64;
        let keys: Vec<u32> = (0..3000)
            .map(|_| {
                state = state
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((state >> 33) % 50) as u32
            })
            .collect();
        let mut v: Vec<usize> = (0..keys.len()).collect();
        cpython_sort(&mut v, &|a, b| keys[a] < keys[b]);
        let mut expected: Vec<usize> = (0..keys.len()).collect();
        expected.sort_by_key(|&i| keys[i]);
        assert_eq!(v, expected);
    }

    #[test]
    fn minrun_and_power() {
        assert_eq!(compute_minrun(63), 63);
        assert_eq!(compute_minrun(64), 32);
        assert_eq!(compute_minrun(65), 33);
        assert_eq!(power_loop(0, 32, 32, 64), 1);
    }
}
