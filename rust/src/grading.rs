//! The grading pipeline: read a submission, grade it against the answers, round, rank.
//! `grade_many` grades a whole list in parallel, loading each competition's answers once,
//! and turns every failure (unreadable file, bad CSV, grader error, even a panic) into an
//! invalid result for that row only.

use crate::frame::Frame;
use crate::graders::{Answers, GraderSpec};
use crate::medals::{rank, MedalThresholds, Ranking};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// What the core needs to know about a competition.
#[derive(Debug, Clone, Deserialize)]
pub struct CompetitionSpec {
    pub id: String,
    /// absolute path of the private answers file
    pub answers_path: PathBuf,
    /// `None` while the competition's grader is not implemented
    pub grader: Option<GraderSpec>,
    /// `None` when the competition has no leaderboard figures
    pub medals: Option<MedalThresholds>,
}

/// One graded submission.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    pub score: Option<f64>,
    pub submission_exists: bool,
    pub valid_submission: bool,
    pub error: Option<String>,
    pub ranking: Ranking,
}

impl Outcome {
    fn invalid(submission_exists: bool, error: String) -> Self {
        Outcome { score: None, submission_exists, valid_submission: false, error: Some(error), ranking: Ranking::default() }
    }
}

/// A submission to grade: the competition and the CSV path (`None` when the run produced
/// no path at all).
#[derive(Debug, Clone)]
pub struct Job {
    pub competition_id: String,
    pub submission_path: Option<PathBuf>,
}

/// Load an answers file.
pub fn load_answers(path: &Path) -> Result<Answers, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "csv" {
        return Err(format!("unsupported answers format: {}", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read the answers file {} ({e}); is the competition prepared?",
            path.display()
        )
    })?;
    Frame::from_csv_bytes(&bytes)
        .map(Answers::Table)
        .map_err(|e| format!("cannot parse the answers file {}: {e}", path.display()))
}

/// `is_file() and suffix.lower() == ".csv"`, the reference's test for "a submission exists";
/// `Err` says why not.
pub fn check_submission_path(path: Option<&Path>) -> Result<&Path, String> {
    let Some(path) = path else {
        return Err("no submission path given".into());
    };
    if path.is_dir() {
        return Err(format!("submission path is a directory, not a CSV file: {}", path.display()));
    }
    if !path.is_file() {
        return Err(format!("submission file not found: {}", path.display()));
    }
    let is_csv = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return Err(format!("submission must be a .csv file: {}", path.display()));
    }
    Ok(path)
}

/// Grade one submission against already loaded answers.
pub fn grade_submission(
    path: Option<&Path>,
    competition: &CompetitionSpec,
    answers: Result<&Answers, &str>,
) -> Outcome {
    let path = match check_submission_path(path) {
        Ok(p) => p,
        Err(e) => return Outcome::invalid(false, e),
    };
    let Some(grader) = &competition.grader else {
        return Outcome::invalid(
            true,
            format!("the grader of `{}` is not implemented yet in mlebench-fast", competition.id),
        );
    };
    let answers = match answers {
        Ok(a) => a,
        Err(e) => return Outcome::invalid(true, e.to_string()),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return Outcome::invalid(true, format!("cannot read submission: {e}")),
    };
    let frame = match Frame::from_csv_bytes(&bytes) {
        Ok(f) => f,
        Err(e) => return Outcome::invalid(true, format!("cannot read submission CSV: {e}")),
    };
    drop(bytes);
    match grader.grade(&frame, answers) {
        Ok(raw) => {
            let score = raw.rounded();
            Outcome {
                score: Some(score),
                submission_exists: true,
                valid_submission: true,
                error: None,
                ranking: rank(Some(score), competition.medals.as_ref()),
            }
        }
        Err(e) => Outcome::invalid(true, format!("invalid submission: {e}")),
    }
}

/// Grade many submissions in parallel; results come back in input order. `on_done` is
/// called once per finished submission (for progress bars), from worker threads.
pub fn grade_many(
    jobs: &[Job],
    competitions: &HashMap<String, CompetitionSpec>,
    on_done: &(dyn Fn() + Sync),
) -> Vec<Outcome> {
    // Answers are parsed lazily, once per competition, by whichever worker needs them first.
    let answers: HashMap<&str, OnceLock<Result<Arc<Answers>, String>>> =
        jobs.iter().map(|j| (j.competition_id.as_str(), OnceLock::new())).collect();
    jobs.par_iter()
        .map(|job| {
            let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                let Some(comp) = competitions.get(&job.competition_id) else {
                    let exists = check_submission_path(job.submission_path.as_deref()).is_ok();
                    return Outcome::invalid(exists, format!("unknown competition id `{}`", job.competition_id));
                };
                let cell = &answers[job.competition_id.as_str()];
                let loaded = if comp.grader.is_some() && check_submission_path(job.submission_path.as_deref()).is_ok() {
                    cell.get_or_init(|| load_answers(&comp.answers_path).map(Arc::new))
                        .as_ref()
                        .map(|a| a.as_ref())
                        .map_err(String::as_str)
                } else {
                    Err("answers not needed")
                };
                grade_submission(job.submission_path.as_deref(), comp, loaded)
            }))
            .unwrap_or_else(|panic| {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_else(|| "unknown panic".into());
                let exists = check_submission_path(job.submission_path.as_deref()).is_ok();
                Outcome::invalid(exists, format!("internal error while grading (please report): {msg}"))
            });
            on_done();
            outcome
        })
        .collect()
}
