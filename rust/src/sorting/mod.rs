//! Ports of the sorts the reference's libraries run, where their exact order decides a
//! result: the order among equal keys (duplicated ids paired by position) or around NaN keys
//! (which compare neither below nor above anything), plus a fast sort of integer keys.
//!
//! - [`cpython_list_sort`]: CPython 3.11's `list.sort`, comparison by comparison;
//! - [`descending`]: `sorted(..., reverse=True)` and `np.argsort(-x, kind="mergesort")`;
//! - [`pandas_sort_index`]: pandas' `sort_index()` on a text index;
//! - [`radix`]: an LSD radix sort of `u64` keys (ranking scores).
//!
//! numpy's quicksort of `sort_values` lives with the frame's argsort in `crate::frame::npsort`.

pub mod cpython_list_sort;
pub mod descending;
pub mod pandas_sort_index;
pub mod radix;
