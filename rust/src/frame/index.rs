//! A row index over an id column: id -> row, for pairing submission rows with answer rows
//! by a hash join. Built at most once per answers column and shared by every submission of
//! a bulk job (`IndexCache`), because rebuilding it per submission was a third of the time
//! of grading a large pixel-id competition.
//!
//! An open-addressing table of (32-bit hash tag, row) slots, at most half full. Ids are not
//! copied: a candidate row is confirmed by comparing with the column. Lookups go in batches
//! that prefetch their slots, then their candidate rows, so the cache misses of a batch
//! overlap instead of queuing up (a shuffled submission of millions of ids otherwise waits
//! on two or three misses per id).

use super::prefetch::prefetch;
use super::value::{Column, HashKey};
use std::hash::BuildHasher;
use std::sync::OnceLock;

pub struct RowIndex {
    /// `tag << 32 | row`, or `EMPTY`
    slots: Vec<u64>,
    mask: usize,
    hasher: foldhash::fast::RandomState,
}

const EMPTY: u64 = u64::MAX;
/// Lookups per batch: enough misses in flight to hide memory latency.
const BATCH: usize = 32;

fn tag(h: u64) -> u64 {
    h >> 32
}

impl RowIndex {
    /// The index of `ids`, or `None` when a hash join cannot stand in for the reference's
    /// sort-and-compare: a duplicated or missing (NaN) id, or more rows than `u32` counts.
    // the batch's hashes are filled by index, as in `find_all`
    #[allow(clippy::needless_range_loop)]
    pub fn build(ids: &Column) -> Option<RowIndex> {
        let n = ids.len();
        if n >= u32::MAX as usize {
            return None;
        }
        // at most three quarters full: a probe that passes its first slot mostly stays in
        // the same cache line, and a smaller table misses the cache less
        let size = (n + n / 3 + 1).next_power_of_two().max(BATCH);
        let mut index = RowIndex {
            slots: vec![EMPTY; size],
            mask: size - 1,
            hasher: Default::default(),
        };
        let mut hashes = [0u64; BATCH];
        for start in (0..n).step_by(BATCH) {
            let len = BATCH.min(n - start);
            // a batch's hashes first, prefetching their slots, so the misses overlap
            for j in 0..len {
                let k = ids.get(start + j).hash_key();
                if matches!(k, HashKey::Nan) {
                    return None;
                }
                hashes[j] = index.hasher.hash_one(k);
                prefetch(&index.slots[hashes[j] as usize & index.mask]);
            }
            for (j, &h) in hashes[..len].iter().enumerate() {
                let row = start + j;
                let mut i = h as usize & index.mask;
                loop {
                    let e = index.slots[i];
                    if e == EMPTY {
                        index.slots[i] = tag(h) << 32 | row as u64;
                        break;
                    }
                    if e >> 32 == tag(h)
                        && ids.get((e & 0xffff_ffff) as usize).hash_key() == ids.get(row).hash_key()
                    {
                        return None;
                    }
                    i = (i + 1) & index.mask;
                }
            }
        }
        Some(index)
    }

    /// The row of `ids` (the column this index was built from) whose id has `key`.
    pub fn find(&self, ids: &Column, key: HashKey<'_>) -> Option<usize> {
        let h = self.hasher.hash_one(key);
        self.probe(ids, key, h, h as usize & self.mask)
    }

    fn probe(&self, ids: &Column, key: HashKey<'_>, h: u64, mut i: usize) -> Option<usize> {
        loop {
            let e = self.slots[i];
            if e == EMPTY {
                return None;
            }
            if e >> 32 == tag(h) {
                let row = (e & 0xffff_ffff) as usize;
                if ids.get(row).hash_key() == key {
                    return Some(row);
                }
            }
            i = (i + 1) & self.mask;
        }
    }

    /// `find` for `keys[0..]`, in batches that overlap their memory accesses; same results.
    // the batch's arrays (hashes, first slots) are walked in lockstep by index
    #[allow(clippy::needless_range_loop)]
    pub fn find_all<'k>(
        &self,
        ids: &Column,
        keys: impl Fn(usize) -> HashKey<'k>,
        n: usize,
    ) -> Vec<Option<u32>> {
        let mut out = Vec::with_capacity(n);
        let mut hashes = [0u64; BATCH];
        let mut first = [EMPTY; BATCH];
        for start in (0..n).step_by(BATCH) {
            let len = BATCH.min(n - start);
            for j in 0..len {
                hashes[j] = self.hasher.hash_one(keys(start + j));
                prefetch(&self.slots[hashes[j] as usize & self.mask]);
            }
            for j in 0..len {
                // the first slot usually decides: its row is the candidate to confirm
                first[j] = self.slots[hashes[j] as usize & self.mask];
                if first[j] != EMPTY && first[j] >> 32 == tag(hashes[j]) {
                    ids.prefetch((first[j] & 0xffff_ffff) as usize);
                }
            }
            for j in 0..len {
                let key = keys(start + j);
                let (h, e) = (hashes[j], first[j]);
                let found = if e == EMPTY {
                    None
                } else if e >> 32 == tag(h) && ids.get((e & 0xffff_ffff) as usize).hash_key() == key
                {
                    Some((e & 0xffff_ffff) as usize)
                } else {
                    self.probe(ids, key, h, (h as usize + 1) & self.mask)
                };
                out.push(found.map(|r| r as u32));
            }
        }
        out
    }
}

/// One lazily built `RowIndex` per column of a frame. Cloning a frame drops the indexes;
/// equality of frames ignores them.
#[derive(Default)]
pub struct IndexCache(Vec<OnceLock<Option<RowIndex>>>);

impl IndexCache {
    pub fn new(ncols: usize) -> Self {
        IndexCache((0..ncols).map(|_| OnceLock::new()).collect())
    }

    /// The index of column `position`, built on first use.
    pub fn get(&self, position: usize, column: &Column) -> Option<&RowIndex> {
        self.0
            .get(position)?
            .get_or_init(|| RowIndex::build(column))
            .as_ref()
    }
}

impl Clone for IndexCache {
    fn clone(&self) -> Self {
        IndexCache::new(self.0.len())
    }
}

impl PartialEq for IndexCache {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl std::fmt::Debug for IndexCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IndexCache({} columns)", self.0.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::Cell;

    fn text(ids: &[&str]) -> Column {
        Column::Object(std::sync::Arc::new(
            ids.iter().map(|s| Cell::Str((*s).into())).collect(),
        ))
    }

    #[test]
    fn finds_every_row_and_nothing_else() {
        let ids = text(&["b", "a", "c"]);
        let index = RowIndex::build(&ids).unwrap();
        assert_eq!(index.find(&ids, HashKey::Str("a")), Some(1));
        assert_eq!(index.find(&ids, HashKey::Str("c")), Some(2));
        assert_eq!(index.find(&ids, HashKey::Str("d")), None);
    }

    #[test]
    fn numbers_match_across_types_as_in_python() {
        let ids = Column::Int(vec![3, 1, 2]);
        let index = RowIndex::build(&ids).unwrap();
        assert_eq!(
            index.find(&ids, crate::frame::Value::Float(1.0).hash_key()),
            Some(1)
        );
        assert_eq!(
            index.find(&ids, crate::frame::Value::Float(1.5).hash_key()),
            None
        );
    }

    #[test]
    fn batched_lookups_equal_single_ones() {
        let ids: Vec<String> = (0..5000).map(|i| format!("{}_{}", i % 97, i)).collect();
        let column = Column::Object(std::sync::Arc::new(
            ids.iter().map(|s| Cell::Str(s.as_str().into())).collect(),
        ));
        let index = RowIndex::build(&column).unwrap();
        let probes: Vec<String> = (0..7000)
            .rev()
            .map(|i| format!("{}_{}", i % 97, i))
            .collect();
        let batched = index.find_all(&column, |i| HashKey::Str(&probes[i]), probes.len());
        for (i, p) in probes.iter().enumerate() {
            let single = index.find(&column, HashKey::Str(p)).map(|r| r as u32);
            assert_eq!(batched[i], single);
            assert_eq!(single.is_some(), i >= 2000);
        }
    }

    #[test]
    fn duplicated_or_missing_ids_have_no_index() {
        assert!(RowIndex::build(&text(&["a", "b", "a"])).is_none());
        assert!(RowIndex::build(&Column::Object(std::sync::Arc::new(vec![
            Cell::Str("a".into()),
            Cell::Nan
        ])))
        .is_none());
        assert!(RowIndex::build(&Column::Float(vec![1.0, f64::NAN])).is_none());
    }

    #[test]
    fn cache_builds_once_and_clones_empty() {
        let ids = text(&["x", "y"]);
        let cache = IndexCache::new(1);
        let a = cache.get(0, &ids).unwrap() as *const RowIndex;
        let b = cache.get(0, &ids).unwrap() as *const RowIndex;
        assert_eq!(a, b);
        assert!(cache.get(1, &ids).is_none());
        let copy = cache.clone();
        assert!(copy.0[0].get().is_none());
    }
}
