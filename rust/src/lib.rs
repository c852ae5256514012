//! mlebench-fast core: grading of MLE-bench submissions, faithful to the reference
//! implementation's results and much faster. Pure Rust; the optional `python` feature adds
//! the thin PyO3 module `mlebench_fast._core`.
//!
//! - [`frame`]: CSV reading with pandas' type inference;
//! - [`sklearn`]: scikit-learn's input checks (what makes a submission invalid);
//! - [`metrics`]: metric kernels on float arrays, texts and label lists;
//! - [`pystr`]: Python's string semantics (`str()`, `split`, `int()`) for text graders;
//! - [`graders`]: declarative per-competition graders;
//! - [`sorting`]: ports of CPython's, numpy's and pandas' sorts, where their order matters;
//! - [`medals`]: Kaggle medal thresholds and ranking;
//! - [`grading`]: the pipeline and parallel bulk grading;
//! - [`split`]: bit-exact numpy/scikit-learn/Python randomness for dataset preparation;
//! - [`pyfmt`]: Python's text forms of numbers;
//! - [`registry`]: every competition's folder, parsed once into typed competitions;
//! - [`report_json`]: the grading report's JSON text, as Python's `json` writes it.

// Grading allocates and frees large buffers on every thread; glibc's malloc hands those to
// mmap/munmap, whose page faults serialise the threads on the process's memory map lock.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Return freed memory to the system after 50 ms rather than mimalloc's default 10 ms or at
/// once. A bulk job frees a parsed submission just before parsing the next; with no delay
/// every buffer of the next one is a fresh mapping that the kernel faults in and zeroes page
/// by page (on the large-file workload: 2 million faults and 16 s of system CPU for 15 GB of
/// CSV). Kept for 50 ms, the freed pages serve the next file (750,000 faults at 20 ms, 320,000
/// at 100 ms), for a higher peak (582 MB at no delay, 621 MB at 20 ms, 655 MB at 100 ms for a
/// largest submission plus answers of 230 MB; benches/README.md). Called when the Python
/// module loads.
pub fn release_memory_promptly() {
    const PURGE_DELAY_MS: std::ffi::c_long = 50;
    // `mi_option_purge_delay` in mimalloc.h (not among the crate's named options)
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // a delay the user set (MIMALLOC_PURGE_DELAY) wins
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is allowed at any time; mimalloc reads it on each purge.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) };
    }
}

pub mod cache;
pub mod checksum;
pub mod frame;
pub mod graders;
pub mod grading;
pub mod image_gray;
pub mod medals;
pub mod metrics;
pub mod numeric;
pub mod pyfmt;
pub mod pystr;
pub mod registry;
pub mod report_json;
pub mod sklearn;
pub mod sorting;
pub mod split;
pub mod table;
pub mod tfrecord;

#[cfg(feature = "python")]
mod python;
