//! Metric kernels on plain float arrays, each computed in the same order of floating-point
//! operations as the scikit-learn function it mirrors. Input checks that decide a
//! submission's validity live in `crate::sklearn` and the graders; the kernels only refuse
//! inputs the metric is undefined for.

pub mod classification;
pub mod columnwise_auc;
pub mod multilabel;
pub mod ranking;
pub mod regression;
pub mod weighted_auc;

pub use classification::{accuracy_from_matches, log_loss_binary, log_loss_onehot, quadratic_weighted_kappa};
pub use columnwise_auc::mean_columnwise_roc_auc;
pub use multilabel::multilabel_micro_f1;
pub use ranking::roc_auc;
pub use weighted_auc::weighted_roc_auc;
pub use regression::{rmse, rmsle};

/// Why a metric could not be computed; the text becomes the report's `error`.
pub type MetricResult = Result<f64, String>;
