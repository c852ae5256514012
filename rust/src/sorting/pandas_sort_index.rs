//! Row order of pandas' `DataFrame.sort_index()` on an object (text) index, duplicates
//! included. pandas skips the sort when the index is already monotonic increasing, and
//! otherwise argsorts the non-missing values with numpy's *unstable* generic introsort
//! (quicksort with median-of-3 pivots, insertion sort below 16 items, heapsort past a depth
//! limit) and appends the missing ones. The order among equal ids only matters to graders
//! that pair rows by position without rejecting duplicated ids (jigsaw-toxic-comment).

use crate::frame::npsort::np_quicksort_argsort;
use crate::frame::{Cell, Column};
use std::cmp::Ordering;

/// Row order of `sort_index()` for an index made of `col`: none when it is already
/// monotonic increasing, else numpy's quicksort order (the generic one for numeric columns,
/// see `Column::argsort`).
pub fn sort_index_order(col: &Column) -> Vec<usize> {
    let Column::Object(cells) = col else {
        let increasing = match col {
            Column::Int(v) => v.windows(2).all(|w| w[0] <= w[1]),
            Column::UInt(v) => v.windows(2).all(|w| w[0] <= w[1]),
            // a NaN makes the index non-monotonic
            Column::Float(v) => v.windows(2).all(|w| w[0] <= w[1]) && !v.iter().any(|x| x.is_nan()),
            Column::Bool(v) => v.windows(2).all(|w| w[0] <= w[1]),
            Column::Object(_) => unreachable!(),
        };
        return if increasing {
            (0..col.len()).collect()
        } else {
            col.argsort()
        };
    };
    if is_monotonic_increasing(cells) {
        return (0..cells.len()).collect();
    }
    let present: Vec<usize> = (0..cells.len())
        .filter(|&i| !matches!(cells[i], Cell::Nan))
        .collect();
    let missing = (0..cells.len()).filter(|&i| matches!(cells[i], Cell::Nan));
    let keys: Vec<&Cell> = present.iter().map(|&i| &cells[i]).collect();
    // numpy's generic (object) quicksort, shared with `Column::argsort`
    let order = np_quicksort_argsort(&keys, true, |a, b| cell_less(a, b));
    order
        .into_iter()
        .map(|k| present[k])
        .chain(missing)
        .collect()
}

/// pandas' `is_monotonic_increasing`: every value >= the previous one; a missing value
/// makes the index non-monotonic.
fn is_monotonic_increasing(cells: &[Cell]) -> bool {
    if cells.iter().any(|c| matches!(c, Cell::Nan)) {
        return false;
    }
    cells.windows(2).all(|w| !cell_less(&w[1], &w[0]))
}

/// Python's `<` between two non-missing object cells (text by code point, which is the
/// byte order of UTF-8; booleans as 0/1; text and booleans never meet in one CSV column).
fn cell_less(a: &Cell, b: &Cell) -> bool {
    let rank = |c: &Cell| match c {
        Cell::Bool(_) => 0,
        Cell::Str(_) => 1,
        Cell::Nan => 2,
    };
    match (a, b) {
        (Cell::Str(x), Cell::Str(y)) => x < y,
        (Cell::Bool(x), Cell::Bool(y)) => x < y,
        _ => rank(a).cmp(&rank(b)) == Ordering::Less,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(v: &[&str]) -> Column {
        Column::Object(std::sync::Arc::new(
            v.iter().map(|s| Cell::Str((*s).into())).collect(),
        ))
    }

    #[test]
    fn duplicates_follow_numpy_quicksort() {
        // numpy 1.26: np.array(["b","a","a","c","b","a"] * 5, dtype=object).argsort()
        let ids: Vec<&str> = ["b", "a", "a", "c", "b", "a"].repeat(5);
        let expected = vec![
            14, 26, 25, 23, 20, 19, 17, 13, 11, 29, 5, 8, 1, 7, 2, 24, 22, 4, 10, 6, 16, 28, 12,
            18, 0, 9, 21, 3, 15, 27,
        ];
        assert_eq!(sort_index_order(&text(&ids)), expected);
    }

    #[test]
    fn monotonic_index_is_left_alone_and_missing_go_last() {
        assert_eq!(sort_index_order(&text(&["a", "a", "b"])), vec![0, 1, 2]);
        let with_nan = Column::Object(std::sync::Arc::new(vec![
            Cell::Str("b".into()),
            Cell::Nan,
            Cell::Str("a".into()),
        ]));
        assert_eq!(sort_index_order(&with_nan), vec![2, 0, 1]);
    }
}
