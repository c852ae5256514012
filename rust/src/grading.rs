//! The grading pipeline: read a submission, grade it against the answers, round, rank.
//! `grade_many` grades a whole list in parallel, loading each competition's answers once,
//! and turns every failure (unreadable file, bad CSV, grader error, even a panic) into an
//! invalid result for that row only.

use crate::cache::{cache_key, content_hash, CachedResult, ResultCache};
use crate::frame::Frame;
use crate::graders::{Answers, GraderSpec};
use crate::medals::{rank, MedalThresholds, Ranking};
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// Bump when a grader's behaviour changes: cached results of older graders are then ignored.
pub const GRADER_REVISION: u32 = 1;

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
    /// identity of the grader for the results cache (see `CompetitionSpec::from_json`)
    #[serde(skip)]
    pub grader_fingerprint: u128,
}

impl CompetitionSpec {
    /// Parse a spec and fingerprint its grader (its JSON text, the crate version and
    /// `GRADER_REVISION`).
    pub fn from_json(value: serde_json::Value) -> Result<CompetitionSpec, String> {
        let identity = format!(
            "{}|{}|{}",
            env!("CARGO_PKG_VERSION"),
            GRADER_REVISION,
            value.get("grader").map(|g| g.to_string()).unwrap_or_default()
        );
        let mut spec: CompetitionSpec = serde_json::from_value(value).map_err(|e| e.to_string())?;
        spec.grader_fingerprint = content_hash(identity.as_bytes());
        Ok(spec)
    }
}

/// Answers parsed once per competition, with the hash of their bytes.
#[derive(Debug)]
pub struct LoadedAnswers {
    pub answers: Answers,
    pub hash: u128,
}

/// What a bulk grading did, for progress reports and tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct GradeStats {
    pub graded: usize,
    pub from_cache: usize,
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
pub fn load_answers(path: &Path) -> Result<LoadedAnswers, String> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    if ext != "csv" && ext != "jsonl" {
        return Err(format!("unsupported answers format: {}", path.display()));
    }
    let bytes = std::fs::read(path).map_err(|e| {
        format!(
            "cannot read the answers file {} ({e}); is the competition prepared?",
            path.display()
        )
    })?;
    let hash = content_hash(&bytes);
    if ext == "jsonl" {
        return parse_jsonl(&bytes)
            .map(|v| LoadedAnswers { answers: Answers::Jsonl(v), hash })
            .map_err(|e| format!("cannot parse the answers file {}: {e}", path.display()));
    }
    Frame::from_csv_bytes(&bytes)
        .map(|f| LoadedAnswers { answers: Answers::Table(f), hash })
        .map_err(|e| format!("cannot parse the answers file {}: {e}", path.display()))
}

/// One JSON value per line, as the reference's `[json.loads(line) for line in f]`: a blank
/// line is an error too.
fn parse_jsonl(bytes: &[u8]) -> Result<Vec<serde_json::Value>, String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("not UTF-8 text ({e})"))?;
    text.lines()
        .enumerate()
        .map(|(i, line)| serde_json::from_str(line).map_err(|e| format!("line {}: {e}", i + 1)))
        .collect()
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

/// Grade one submission against already loaded answers (no cache).
pub fn grade_submission(
    path: Option<&Path>,
    competition: &CompetitionSpec,
    answers: Result<&LoadedAnswers, &str>,
) -> Outcome {
    grade_with_cache(path, competition, answers, None).0
}

/// Grade one submission, consulting and filling `cache` when given; also says whether the
/// result came from the cache.
pub fn grade_with_cache(
    path: Option<&Path>,
    competition: &CompetitionSpec,
    answers: Result<&LoadedAnswers, &str>,
    cache: Option<&ResultCache>,
) -> (Outcome, bool) {
    let path = match check_submission_path(path) {
        Ok(p) => p,
        Err(e) => return (Outcome::invalid(false, e), false),
    };
    let Some(grader) = &competition.grader else {
        let e = format!("the grader of `{}` is not implemented yet in mlebench-fast", competition.id);
        return (Outcome::invalid(true, e), false);
    };
    let answers = match answers {
        Ok(a) => a,
        Err(e) => return (Outcome::invalid(true, e.to_string()), false),
    };
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) => return (Outcome::invalid(true, format!("cannot read submission: {e}")), false),
    };
    let key = cache.map(|_| cache_key(content_hash(&bytes), answers.hash, competition.grader_fingerprint));
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(hit) = cache.get(key) {
            return (outcome_from(hit, competition), true);
        }
    }
    let result = match Frame::from_csv_bytes(&bytes) {
        Err(e) => CachedResult { score: None, valid: false, error: Some(format!("cannot read submission CSV: {e}")) },
        Ok(frame) => {
            drop(bytes);
            match grader.grade(&frame, &answers.answers) {
                Ok(raw) => CachedResult { score: Some(raw.rounded()), valid: true, error: None },
                Err(e) => CachedResult { score: None, valid: false, error: Some(format!("invalid submission: {e}")) },
            }
        }
    };
    if let (Some(cache), Some(key)) = (cache, key) {
        // a cache that cannot be written must not fail the grading
        let _ = cache.put(key, result.clone());
    }
    (outcome_from(result, competition), false)
}

fn outcome_from(r: CachedResult, competition: &CompetitionSpec) -> Outcome {
    Outcome {
        score: r.score,
        submission_exists: true,
        valid_submission: r.valid,
        error: r.error,
        ranking: if r.valid { rank(r.score, competition.medals.as_ref()) } else { Ranking::default() },
    }
}

/// Grade many submissions in parallel; results come back in input order. `on_done` is
/// called once per finished submission (for progress bars), from worker threads.
pub fn grade_many(
    jobs: &[Job],
    competitions: &HashMap<String, CompetitionSpec>,
    on_done: &(dyn Fn() + Sync),
    cache: Option<&ResultCache>,
) -> (Vec<Outcome>, GradeStats) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    // Jobs are graded competition by competition (competitions themselves in parallel), so a
    // competition's answers are parsed once, by the first worker that needs them, and freed
    // as soon as its last submission is graded: memory holds the answers of the competitions
    // in progress, not of every competition in the job.
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut group_of: HashMap<&str, usize> = HashMap::new();
    for (i, job) in jobs.iter().enumerate() {
        let g = *group_of.entry(job.competition_id.as_str()).or_insert_with(|| {
            groups.push((job.competition_id.as_str(), Vec::new()));
            groups.len() - 1
        });
        groups[g].1.push(i);
    }
    let (graded, from_cache) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let per_group: Vec<Vec<(usize, Outcome)>> = groups
        .par_iter()
        .map(|(competition_id, rows)| {
            let answers: OnceLock<Result<Arc<LoadedAnswers>, String>> = OnceLock::new();
            rows.par_iter()
                .map(|&i| {
                    let job = &jobs[i];
                    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        let Some(comp) = competitions.get(*competition_id) else {
                            let exists = check_submission_path(job.submission_path.as_deref()).is_ok();
                            return Outcome::invalid(exists, format!("unknown competition id `{competition_id}`"));
                        };
                        let needed = comp.grader.is_some() && check_submission_path(job.submission_path.as_deref()).is_ok();
                        let loaded = if needed {
                            answers
                                .get_or_init(|| load_answers(&comp.answers_path).map(Arc::new))
                                .as_ref()
                                .map(|a| a.as_ref())
                                .map_err(String::as_str)
                        } else {
                            Err("answers not needed")
                        };
                        let (outcome, hit) = grade_with_cache(job.submission_path.as_deref(), comp, loaded, cache);
                        if hit { &from_cache } else { &graded }.fetch_add(1, Ordering::Relaxed);
                        outcome
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
                    (i, outcome)
                })
                .collect()
        })
        .collect();
    let mut outcomes: Vec<Option<Outcome>> = vec![None; jobs.len()];
    for (i, o) in per_group.into_iter().flatten() {
        outcomes[i] = Some(o);
    }
    let outcomes = outcomes.into_iter().map(|o| o.expect("every job graded")).collect();
    (outcomes, GradeStats { graded: graded.into_inner(), from_cache: from_cache.into_inner() })
}
