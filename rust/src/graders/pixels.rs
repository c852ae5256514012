//! Graders of image-to-image competitions scored per pixel.

use super::checks::{answers_column, pair_matching_ids, same_length, submission_column};
use super::RawScore;
use crate::frame::Frame;
use crate::metrics;
use crate::sklearn::to_float_array;

/// Pixel RMSE (Denoising Dirty Documents): values must convert to float, lengths agree,
/// ids sorted and compared, then `root_mean_squared_error` (NaN or infinity invalid).
pub fn matched_id_rmse(sub: &Frame, answers: &Frame, id: &str, target: &str) -> Result<RawScore, String> {
    let ans_ids = answers_column(answers, id)?;
    let ans_values = answers_column(answers, target)?;
    to_float_array(&ans_values, "answers value", false)?;
    let sub_ids = submission_column(sub, id)?;
    let sub_values = submission_column(sub, target)?;
    // `Series.astype(float)`
    to_float_array(sub_values, target, false)
        .map_err(|e| format!("Submission must have float values in the '{target}' column ({e})"))?;
    same_length(sub, answers)?;
    let pairing = pair_matching_ids(sub_ids, ans_ids, id)?;
    let (so, ao) = (pairing.sub_rows, pairing.ans_rows);
    let y_sub = to_float_array(&sub_values.take(&so), "y_true", true)?;
    let y_ans = to_float_array(&ans_values.take(&ao), "y_pred", true)?;
    metrics::rmse(&y_sub, &y_ans).map(RawScore::numpy)
}

#[cfg(test)]
mod tests {
    use super::*;

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
