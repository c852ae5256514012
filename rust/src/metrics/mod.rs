//! Metric kernels on plain float arrays, each computed in the same order of floating-point
//! operations as the scikit-learn function it mirrors. Input checks that decide a
//! submission's validity live in `crate::sklearn` and the graders; the kernels only refuse
//! inputs the metric is undefined for.

pub mod bias_auc;
pub mod classification;
pub mod correlation;
pub mod divergence;
pub mod geo;
pub mod grouped;
pub mod likelihood;
pub mod multilabel;
pub mod pfbeta;
pub mod ranking;
pub mod regression;

pub use classification::{accuracy_from_matches, log_loss_binary, log_loss_onehot, quadratic_weighted_kappa};
pub use ranking::roc_auc;
pub use regression::{rmse, rmsle};

pub use bias_auc::{bias_auc_score, generalized_mean};
pub use correlation::pearson;
pub use divergence::kl_divergence;
pub use geo::{haversine_distances, mean_angular_error, quantile};
pub use grouped::{mae, mcrmse, mean_log_mae_by_group};
pub use likelihood::laplace_log_likelihood;
pub use multilabel::{label_ranking_average_precision, weighted_multilabel_log_loss};
pub use pfbeta::{pfbeta_returns_numpy, probabilistic_fbeta};

/// Why a metric could not be computed; the text becomes the report's `error`.
pub type MetricResult = Result<f64, String>;
