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

/// Return freed memory to the system at once rather than after mimalloc's default 10 ms:
/// a bulk job frees a parsed submission just before parsing the next, and the delay let the
/// two overlap in resident memory (about 30 MB more at the peak for a 55 MB file), with no
/// measurable gain in speed. Measured again on the large-file workload (benches/README.md):
/// delays of 20 ms to 1 s cut its page faults from 2 million to 1.1 to 0.1 million, but
/// raised the peak from 580 MB to 620 to 684 MB (3.0x the largest submission plus answers,
/// the bound), for a gain in wall time lost in a shared machine's noise. Called when the
/// Python module loads.
pub fn release_memory_promptly() {
    // `mi_option_purge_delay` in mimalloc.h (not among the crate's named options)
    const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // a delay the user set (MIMALLOC_PURGE_DELAY) wins
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: setting an option is allowed at any time; mimalloc reads it on each purge.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
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
