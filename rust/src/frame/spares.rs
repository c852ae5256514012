//! Column buffers handed from one file to the next in a bulk job.
//!
//! Freed memory goes back to the system at once (see `release_memory_promptly`), so each
//! fresh buffer of a large file is faulted in and zeroed by the kernel page by page (slow on
//! this kind of VM: about 1.5 GB/s). A bulk job keeps the few largest float columns of the
//! files it is done with, and the largest text column's cells, and the next file's long
//! columns are made in them. A kept buffer waits only while the next file is read and walked,
//! and is taken again when that file's columns are typed, so keeping it does not raise the
//! job's peak memory much. (Keeping the tokenizer's span lists too would save more page
//! faults, but they would wait through the grading, which is where the peak is: about 100 MB
//! more on the large-file workload.) Only buffers of at least `MIN_BYTES` are kept (mimalloc
//! reuses small blocks itself), at most `KEEP_FLOATS` and `KEEP_CELLS`.

use super::value::Cell;
use std::sync::{Arc, Mutex};

/// Buffers below this size are left to the allocator.
const MIN_BYTES: usize = 1 << 20;
/// Float buffers kept at most: a file's long float columns.
const KEEP_FLOATS: usize = 4;
/// Text cell buffers kept at most: a file's one long text column that is not shared with
/// the answers (its labels, or the ids of a shuffled submission).
const KEEP_CELLS: usize = 1;

/// Kept buffers of one element type.
struct Kept<T> {
    buffers: Mutex<Vec<Vec<T>>>,
    keep: usize,
}

impl<T> Kept<T> {
    fn new(keep: usize) -> Self {
        Kept {
            buffers: Mutex::new(Vec::new()),
            keep,
        }
    }

    fn take(&self, capacity: usize) -> Vec<T> {
        if capacity * std::mem::size_of::<T>() >= MIN_BYTES {
            let mut kept = self.buffers.lock().unwrap();
            let fit = (0..kept.len())
                .filter(|&k| kept[k].capacity() >= capacity)
                .min_by_key(|&k| kept[k].capacity());
            if let Some(k) = fit {
                return kept.swap_remove(k);
            }
        }
        Vec::with_capacity(capacity)
    }

    fn give(&self, mut v: Vec<T>) {
        if v.capacity() * std::mem::size_of::<T>() < MIN_BYTES {
            return;
        }
        v.clear();
        let mut kept = self.buffers.lock().unwrap();
        kept.push(v);
        if kept.len() > self.keep {
            let smallest = (0..kept.len()).min_by_key(|&k| kept[k].capacity()).unwrap();
            kept.swap_remove(smallest);
        }
    }
}

/// The kept column buffers of a bulk job.
pub struct Spares {
    floats: Kept<f64>,
    cells: Kept<Cell>,
}

impl Default for Spares {
    fn default() -> Self {
        Spares {
            floats: Kept::new(KEEP_FLOATS),
            cells: Kept::new(KEEP_CELLS),
        }
    }
}

impl Spares {
    /// An empty vector with room for at least `capacity` values: the smallest kept one that
    /// has it, else a new one (one that is too small stays for a smaller need).
    pub fn take(&self, capacity: usize) -> Vec<f64> {
        self.floats.take(capacity)
    }

    /// Keep `v` for a later `take` when it is large, dropping the smallest beyond the limit.
    pub fn give(&self, v: Vec<f64>) {
        self.floats.give(v)
    }

    /// `take` for the cells of a text column.
    pub fn take_cells(&self, capacity: usize) -> Vec<Cell> {
        self.cells.take(capacity)
    }

    /// Keep the float columns of a frame that is done with, and its text columns that no
    /// one else holds (not the answers' shared cells).
    pub fn recycle(&self, frame: super::Frame) {
        for column in frame.columns {
            match column {
                super::Column::Float(v) => self.floats.give(v),
                super::Column::Object(cells) => {
                    if let Ok(cells) = Arc::try_unwrap(cells) {
                        self.cells.give(cells);
                    }
                }
                _ => {}
            }
        }
    }

    #[cfg(test)]
    fn capacities(&self) -> Vec<usize> {
        let mut c: Vec<usize> = self
            .floats
            .buffers
            .lock()
            .unwrap()
            .iter()
            .map(Vec::capacity)
            .collect();
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
        assert_eq!(kept.len(), KEEP_FLOATS);
        assert!(kept[0] >= 3 * mib, "{kept:?}");
        // the smallest that fits, cleared
        let v = spares.take(3 * mib + 1);
        assert!(v.is_empty() && v.capacity() > 3 * mib && v.capacity() < 5 * mib);
        // nothing fits: a new vector, the kept ones stay
        let big = spares.take(100 * mib);
        assert!(big.capacity() >= 100 * mib);
        assert_eq!(spares.capacities().len(), KEEP_FLOATS - 1);
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

    #[test]
    fn text_cells_are_kept_unless_the_answers_share_them() {
        let spares = Spares::default();
        // a file read directly (1 MB or more), its text cells above MIN_BYTES
        let n = 200_000;
        let text: String = std::iter::once("id,label\n".to_string())
            .chain((0..n).map(|i| format!("a{i},b{}\n", i % 3)))
            .collect();
        let answers = super::super::Frame::from_csv_str(&text).unwrap();
        let sub = text.replace(",b1\n", ",b2\n");
        let frame = super::super::Frame::from_csv_bytes_spared(
            sub.as_bytes(),
            Some(&answers),
            Some(&spares),
        )
        .unwrap();
        let label = match &frame.columns[1] {
            super::super::Column::Object(cells) => cells.as_ptr(),
            _ => panic!("labels are text"),
        };
        spares.recycle(frame);
        // the labels' cells are kept, the ids (the answers' own cells) are not
        assert_eq!(spares.cells.buffers.lock().unwrap().len(), 1);
        let again = super::super::Frame::from_csv_bytes_spared(
            sub.as_bytes(),
            Some(&answers),
            Some(&spares),
        )
        .unwrap();
        assert!(
            matches!(&again.columns[1], super::super::Column::Object(c) if c.as_ptr() == label)
        );
        assert_eq!(again, super::super::Frame::from_csv_str(&sub).unwrap());
    }
}
