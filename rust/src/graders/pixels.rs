//! Graders of image-to-image competitions scored per pixel.

use super::checks::{answers_column, gather, pair_matching_ids, same_length, submission_column};
use super::{Grade, RawScore};
use serde::Deserialize;
use crate::frame::Frame;
use crate::metrics;
use crate::sklearn::{check_finite, float_view};

/// Pixel RMSE; ids sorted and compared.
///
/// Pixel RMSE (Denoising Dirty Documents): values must convert to float, lengths agree,
/// ids sorted and compared, then `root_mean_squared_error` (NaN or infinity invalid).
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct MatchedIdRmse {
    pub id_column: String,
    pub target_column: String,
}

impl Grade for MatchedIdRmse {
    type Answers = Frame;

    fn grade(&self, sub: &Frame, answers: &Frame) -> Result<RawScore, String> {
        let (id, target) = (self.id_column.as_str(), self.target_column.as_str());
        let ans_ids = answers_column(answers, id)?;
        let ans_values = float_view(answers_column(answers, target)?.column(), "answers value", false)?;
        let sub_ids = submission_column(sub, id)?;
        // `Series.astype(float)`
        let sub_values = float_view(submission_column(sub, target)?, target, false)
            .map_err(|e| format!("Submission must have float values in the '{target}' column ({e})"))?;
        same_length(sub, answers)?;
        let pairing = pair_matching_ids(sub_ids, ans_ids, id)?;
        // pairs are a permutation of all rows, so the NaN/infinity checks can run unordered
        check_finite(&sub_values, "y_true")?;
        check_finite(&ans_values, "y_pred")?;
        let y_sub = gather(&sub_values, &pairing.sub_rows);
        let y_ans = gather(&ans_values, &pairing.ans_rows);
        metrics::rmse(&y_sub, &y_ans).map(RawScore::numpy)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matched_id_rmse(sub: &Frame, answers: &Frame, id: &str, target: &str) -> Result<RawScore, String> {
        MatchedIdRmse { id_column: id.into(), target_column: target.into() }.grade(sub, answers)
    }

    #[test]
    fn rmse_with_id_check() {
        let ans = Frame::from_csv_str("id,value\n1_1_1,1.0\n1_1_2,0.0\n").unwrap();
        let grade = |s: &str| matched_id_rmse(&Frame::from_csv_str(s).unwrap(), &ans, "id", "value");
        assert_eq!(grade("id,value\n1_1_2,0\n1_1_1,1\n").unwrap().value, 0.0);
        assert_eq!(grade("id,value\n1_1_1,0\n1_1_2,0\n").unwrap().value, 0.5f64.sqrt());
        assert!(grade("id,value\n1_1_1,1\n1_1_3,0\n").is_err());
        assert!(grade("id,value\n1_1_1,x\n1_1_2,0\n").is_err());
        assert!(grade("id,value\n1_1_1,\n1_1_2,0\n").is_err());
    }
}
