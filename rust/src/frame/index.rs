//! A row index over an id column: id -> row, for pairing submission rows with answer rows
//! by a hash join. Built at most once per answers column and shared by every submission of
//! a bulk job (`IndexCache`), because rebuilding it per submission was a third of the time
//! of grading a large pixel-id competition.
//!
//! The table stores only `u32` row numbers (5 bytes a bucket with its control byte) and
//! rehashes ids from the column, so an index over 4 million ids takes about 40 MB instead of
//! the 170 MB of a map holding (key, row) pairs.

use super::value::{Column, HashKey};
use hashbrown::HashTable;
use std::hash::BuildHasher;
use std::sync::OnceLock;

pub struct RowIndex {
    table: HashTable<u32>,
    hasher: foldhash::fast::RandomState,
}

impl RowIndex {
    /// The index of `ids`, or `None` when a hash join cannot stand in for the reference's
    /// sort-and-compare: a duplicated or missing (NaN) id, or more rows than `u32` counts.
    pub fn build(ids: &Column) -> Option<RowIndex> {
        let n = ids.len();
        if n >= u32::MAX as usize {
            return None;
        }
        let hasher = foldhash::fast::RandomState::default();
        let key = |row: u32| ids.get(row as usize).hash_key();
        let mut table: HashTable<u32> = HashTable::with_capacity(n);
        for row in 0..n as u32 {
            let k = key(row);
            if matches!(k, HashKey::Nan) {
                return None;
            }
            let h = hasher.hash_one(k);
            if table.find(h, |&r| key(r) == k).is_some() {
                return None;
            }
            table.insert_unique(h, row, |&r| hasher.hash_one(key(r)));
        }
        Some(RowIndex { table, hasher })
    }

    /// The row of `ids` (the column this index was built from) whose id has `key`.
    pub fn find(&self, ids: &Column, key: HashKey<'_>) -> Option<usize> {
        let h = self.hasher.hash_one(key);
        self.table.find(h, |&r| ids.get(r as usize).hash_key() == key).map(|&r| r as usize)
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
        self.0.get(position)?.get_or_init(|| RowIndex::build(column)).as_ref()
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
        Column::Object(ids.iter().map(|s| Cell::Str((*s).into())).collect())
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
        assert_eq!(index.find(&ids, crate::frame::Value::Float(1.0).hash_key()), Some(1));
        assert_eq!(index.find(&ids, crate::frame::Value::Float(1.5).hash_key()), None);
    }

    #[test]
    fn duplicated_or_missing_ids_have_no_index() {
        assert!(RowIndex::build(&text(&["a", "b", "a"])).is_none());
        assert!(RowIndex::build(&Column::Object(vec![Cell::Str("a".into()), Cell::Nan])).is_none());
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
