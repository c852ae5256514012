//! Float column buffers handed from one file to the next in a bulk job.
//!
//! Freed memory goes back to the system at once (see `release_memory_promptly`), so each
//! fresh buffer of a large file is faulted in and zeroed by the kernel page by page (slow on
//! this kind of VM: about 1.5 GB/s). A bulk job keeps the few largest float columns of the
//! files it is done with, and the next file's long float columns are parsed into them. A kept
//! column waits only while the next file is read and tokenized, and is taken again before
//! that file's columns are typed, so keeping it does not raise the job's peak memory. (Keeping
//! the tokenizer's span lists too would save more page faults, but they would wait through
//! the grading, which is where the peak is: about 100 MB more on the large-file workload.)
//! Only buffers of at least `MIN_BYTES` are kept (mimalloc reuses small blocks itself), and
//! at most `KEEP`.

use std::sync::Mutex;

/// Buffers below this size are left to the allocator.
const MIN_BYTES: usize = 1 << 20;
/// Buffers kept at most: a file's long float columns.
const KEEP: usize = 4;

/// The kept float column buffers of a bulk job.
#[derive(Default)]
pub struct Spares(Mutex<Vec<Vec<f64>>>);

impl Spares {
    /// An empty vector with room for at least `capacity` values: the smallest kept one that
    /// has it, else a new one (one that is too small stays for a smaller need).
    pub fn take(&self, capacity: usize) -> Vec<f64> {
        if capacity * std::mem::size_of::<f64>() >= MIN_BYTES {
            let mut kept = self.0.lock().unwrap();
            let fit = (0..kept.len())
                .filter(|&k| kept[k].capacity() >= capacity)
                .min_by_key(|&k| kept[k].capacity());
            if let Some(k) = fit {
                return kept.swap_remove(k);
            }
        }
        Vec::with_capacity(capacity)
    }

    /// Keep `v` for a later `take` when it is large, dropping the smallest beyond `KEEP`.
    pub fn give(&self, mut v: Vec<f64>) {
        if v.capacity() * std::mem::size_of::<f64>() < MIN_BYTES {
            return;
        }
        v.clear();
        let mut kept = self.0.lock().unwrap();
        kept.push(v);
        if kept.len() > KEEP {
            let smallest = (0..kept.len()).min_by_key(|&k| kept[k].capacity()).unwrap();
            kept.swap_remove(smallest);
        }
    }

    /// Keep the float columns of a frame that is done with.
    pub fn recycle(&self, frame: super::Frame) {
        for column in frame.columns {
            if let super::Column::Float(v) = column {
                self.give(v);
            }
        }
    }

    #[cfg(test)]
    fn capacities(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self.0.lock().unwrap().iter().map(Vec::capacity).collect();
        c.sort_unstable();
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_largest_few_and_hands_out_the_smallest_that_fits() {
        let spares = Spares::default();
        let mib = MIN_BYTES / 8;
        // small buffers are not kept
        spares.give(Vec::with_capacity(10));
        assert!(spares.capacities().is_empty());
        for k in 1..=6 {
            let mut v = Vec::with_capacity(k * mib);
            v.push(7.0);
            spares.give(v);
        }
        let kept = spares.capacities();
        assert_eq!(kept.len(), KEEP);
        assert!(kept[0] >= 3 * mib, "{kept:?}");
        // the smallest that fits, cleared
        let v = spares.take(3 * mib + 1);
        assert!(v.is_empty() && v.capacity() > 3 * mib && v.capacity() < 5 * mib);
        // nothing fits: a new vector, the kept ones stay
        let big = spares.take(100 * mib);
        assert!(big.capacity() >= 100 * mib);
        assert_eq!(spares.capacities().len(), KEEP - 1);
        // small needs never take a kept buffer
        assert_eq!(spares.take(10).capacity(), 10);
    }

    #[test]
    fn a_long_float_column_is_parsed_into_a_kept_buffer_and_recycled() {
        let spares = Spares::default();
        let n = MIN_BYTES / 8 + 1;
        let text: String = std::iter::once("id,x,y\n".to_string())
            .chain((0..n).map(|i| format!("a{i},{i}.5,{i}\n")))
            .collect();
        let plain = super::super::Frame::from_csv_str(&text).unwrap();
        let mut kept = vec![f64::NAN; n + 5];
        kept.clear();
        let at = kept.as_ptr();
        spares.give(kept);
        let frame =
            super::super::Frame::from_csv_bytes_spared(text.as_bytes(), None, Some(&spares))
                .unwrap();
        // same frame, the float column in the kept buffer (whose old values are gone)
        assert_eq!(frame, plain);
        assert!(matches!(&frame.columns[1], super::super::Column::Float(v) if v.as_ptr() == at));
        assert!(spares.capacities().is_empty());
        spares.recycle(frame);
        // the float column is kept again, the int column is not
        assert_eq!(spares.capacities().len(), 1);
    }
}
