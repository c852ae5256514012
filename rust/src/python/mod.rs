//! The PyO3 layer, `mlebench_fast._core`: converts Python/numpy values to core types and
//! back, releases the GIL around every computation and maps core errors to `ValueError`
//! (`errors`). No logic lives here. One module per domain, each registering its own names:
//!
//! - [`registry`]: `Registry`, `Competition`, `Medals` (the parsed `competitions/` folders);
//! - [`grading`]: bulk grading, the graders' CSV reader, medal ranking;
//! - [`metrics`], [`numeric_metrics`]: the metric kernels behind `mlebench_fast.metrics`;
//! - [`prepare`]: pandas-exact tables, checksums, PNG and TFRecord readers for `prepare`;
//! - [`split`]: the bit-exact random generators behind `mlebench_fast.split`;
//! - [`testing`]: the `_testing` submodule, exports only the test suite uses.

mod convert;
mod errors;
mod grading;
mod metrics;
mod numeric_metrics;
mod prepare;
mod progress;
mod registry;
mod split;
mod testing;

use pyo3::prelude::*;

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    crate::release_memory_promptly();
    registry::register(m)?;
    grading::register(m)?;
    metrics::register(m)?;
    numeric_metrics::register(m)?;
    prepare::register(m)?;
    split::register(m)?;
    let testing_module = PyModule::new(m.py(), "_testing")?;
    testing::register(&testing_module)?;
    m.add_submodule(&testing_module)?;
    m.add("GRADER_VERSION", crate::grading::GRADER_VERSION)?;
    Ok(())
}
