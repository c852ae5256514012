//! Metric kernels on plain float arrays, each computed in the same order of floating-point
//! operations as the scikit-learn function it mirrors. Input checks that decide a
//! submission's validity live in `crate::sklearn` and the graders; the kernels only refuse
//! inputs the metric is undefined for.

pub mod average_precision;
pub mod bias_auc;
pub mod boxes;
pub mod classification;
pub mod coco;
pub mod columnwise_auc;
pub mod correlation;
pub mod detection;
pub mod divergence;
pub mod exact_match;
pub mod f1;
pub mod geo;
pub mod hausdorff;
pub mod int_labels;
pub mod jaccard;
pub mod kendall;
pub mod levenshtein;
pub mod likelihood;
pub mod map_at_k;
pub mod masks;
pub mod mcc;
pub mod multilabel;
pub mod multilabel_f1;
pub mod pfbeta;
pub mod regression;
pub mod rle;
pub mod roc_auc;
pub mod set_f1;
pub mod weighted_auc;

pub use classification::{
    accuracy_from_matches, log_loss_binary, log_loss_onehot, quadratic_weighted_kappa,
};
pub use columnwise_auc::mean_columnwise_roc_auc;
pub use correlation::spearman;
pub use exact_match::exact_match_accuracy;
pub use f1::{f1_score, F1Average};
pub use jaccard::{mean_word_jaccard, word_jaccard};
pub use kendall::kendall_tau_ordering;
pub use levenshtein::{levenshtein, levenshtein_str, mean_levenshtein};
pub use map_at_k::mean_average_precision_at_k;
pub use mcc::matthews_corrcoef;
pub use multilabel_f1::multilabel_micro_f1;
pub use regression::{rmse, rmsle};
pub use roc_auc::roc_auc;
pub use set_f1::{micro_f1_label_sets, micro_f1_labels};
pub use weighted_auc::weighted_roc_auc;

pub use bias_auc::{bias_auc_score, generalized_mean};
pub use correlation::pearson;
pub use divergence::kl_divergence;
pub use geo::{haversine_distances, mean_angular_error, quantile};
pub use likelihood::laplace_log_likelihood;
pub use multilabel::{label_ranking_average_precision, weighted_multilabel_log_loss};
pub use pfbeta::{pfbeta_returns_numpy, probabilistic_fbeta};
pub use regression::{mae, mcrmse, mean_log_mae_by_group};

/// Why a metric could not be computed; the text becomes the report's `error`.
pub type MetricResult = Result<f64, String>;
