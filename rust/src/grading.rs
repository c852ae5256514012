//! The grading pipeline: read a submission, grade it against the answers, round, rank.
//! `grade_many` grades a whole list in parallel, loading each competition's answers once,
//! and turns every failure (unreadable file, bad CSV, grader error, even a panic) into an
//! invalid result for that row only.

use crate::cache::{cache_key, content_hash, CachedResult, ResultCache};
use crate::frame::Frame;
use crate::graders::{Answers, GraderSpec};
use crate::medals::{rank, MedalThresholds, Ranking};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

/// The version of the graders: the crate's version, then a revision to bump when a grader's
/// behaviour changes between releases. Cached results key on it (with the grader's spec), so
/// results of older graders are then ignored. Python sees it as `mlebench_fast.GRADER_VERSION`.
pub const GRADER_VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), "+1");

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
    /// Parse a spec and fingerprint its grader (see [`grader_fingerprint`]).
    pub fn from_json(value: serde_json::Value) -> Result<CompetitionSpec, String> {
        let grader = value
            .get("grader")
            .map(|g| g.to_string())
            .unwrap_or_default();
        let mut spec: CompetitionSpec = serde_json::from_value(value).map_err(|e| e.to_string())?;
        spec.grader_fingerprint = grader_fingerprint(GRADER_VERSION, &grader);
        Ok(spec)
    }
}

/// The identity of a grader in the results cache: the graders' version and the grader's spec
/// (its JSON text), so a new version or a changed spec grades again.
pub fn grader_fingerprint(version: &str, grader_json: &str) -> u128 {
    content_hash(format!("{version}|{grader_json}").as_bytes())
}

/// A competition's answers, loaded by the first of its submissions to need them.
type AnswersOnce = OnceLock<Result<Arc<LoadedAnswers>, String>>;

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
        Outcome {
            score: None,
            submission_exists,
            valid_submission: false,
            error: Some(error),
            ranking: Ranking::default(),
        }
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
            .map(|v| LoadedAnswers {
                answers: Answers::Jsonl(v),
                hash,
            })
            .map_err(|e| format!("cannot parse the answers file {}: {e}", path.display()));
    }
    Frame::from_csv_bytes(&bytes)
        .map(|f| LoadedAnswers {
            answers: Answers::Table(f),
            hash,
        })
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

/// An entry of a submission JSONL: competition id, submission path, submission error.
pub type JsonlEntry = (String, Option<String>, Option<String>);

/// The entries of a submission JSONL in its usual form, fast: ASCII text, one JSON object per
/// line with a text `competition_id` and text or null `submission_path`/`submission_error`;
/// blank lines and lines starting with `#` or `//` skipped. `None` for anything else (a
/// malformed line, another line break, a number where text is expected, NaN ...): the caller
/// then reads the file the general way, which words the errors and converts odd values.
pub fn usual_jsonl_entries(text: &str) -> Option<Vec<JsonlEntry>> {
    // ASCII without the separators and blanks Python's splitlines/strip know beyond \n, \r\n,
    // space and tab: the lines and their trimming are then the same here
    let odd = |b: &u8| !b.is_ascii() || matches!(b, 0x0b | 0x0c | 0x1c..=0x1f);
    if text.as_bytes().iter().any(odd) {
        return None;
    }
    let text_or_null = |v: Option<&serde_json::Value>| match v {
        None | Some(serde_json::Value::Null) => Some(None),
        Some(serde_json::Value::String(s)) => Some(Some(s.clone())),
        Some(_) => None,
    };
    let mut entries = Vec::new();
    for line in text.split('\n') {
        let line = line.strip_suffix('\r').unwrap_or(line);
        if line.contains('\r') {
            return None;
        }
        let line = line.trim_matches([' ', '\t']);
        if line.is_empty() || line.starts_with('#') || line.starts_with("//") {
            continue;
        }
        let serde_json::Value::Object(obj) = serde_json::from_str(line).ok()? else {
            return None;
        };
        let Some(serde_json::Value::String(id)) = obj.get("competition_id") else {
            return None;
        };
        entries.push((
            id.clone(),
            text_or_null(obj.get("submission_path"))?,
            text_or_null(obj.get("submission_error"))?,
        ));
    }
    Some(entries)
}

/// `is_file() and suffix.lower() == ".csv"`, the reference's test for "a submission exists";
/// `Err` says why not.
pub fn check_submission_path(path: Option<&Path>) -> Result<&Path, String> {
    let Some(path) = path else {
        return Err("no submission path given".into());
    };
    // one `stat` answers both of the reference's questions (`is_dir`, `is_file`): a bulk job
    // asks them for every file
    let meta = std::fs::metadata(path).ok();
    if meta.as_ref().is_some_and(|m| m.is_dir()) {
        return Err(format!(
            "submission path is a directory, not a CSV file: {}",
            path.display()
        ));
    }
    if !meta.is_some_and(|m| m.is_file()) {
        return Err(format!("submission file not found: {}", path.display()));
    }
    let is_csv = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("csv"));
    if !is_csv {
        return Err(format!(
            "submission must be a .csv file: {}",
            path.display()
        ));
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
    grade_reusing(
        check_submission_path(path),
        competition,
        answers,
        cache,
        None,
    )
}

/// A read buffer handed from one submission to the next in a bulk job. Freed memory goes
/// back to the system at once (see `release_memory_promptly`), so every fresh buffer is
/// faulted in and zeroed page by page again: for files of 100 MB that was a quarter of the
/// job's time. Keeps one buffer, the largest given back.
#[derive(Default)]
pub struct SpareBuffer(std::sync::Mutex<Option<Vec<u8>>>, crate::frame::Spares);

impl SpareBuffer {
    /// The whole file, read into the spare buffer when there is one. A large file is read
    /// as two halves side by side: the kernel's copy out of the page cache is otherwise the
    /// one part of a large submission that runs on a single core.
    fn read(&self, path: &Path) -> std::io::Result<Vec<u8>> {
        use std::io::{Read, Seek};
        let mut file = std::fs::File::open(path)?;
        let size = file.metadata().map_or(0, |m| m.len() as usize);
        let mut buf = self.0.lock().unwrap().take().unwrap_or_default();
        buf.try_reserve_exact((size + 1).saturating_sub(buf.len()))
            .map_err(|e| std::io::Error::new(std::io::ErrorKind::OutOfMemory, e.to_string()))?;
        if size >= PARALLEL_READ_BYTES && rayon::current_num_threads() > 1 {
            // the kept buffer's old bytes are overwritten, not zeroed first
            if buf.len() >= size {
                buf.truncate(size);
            } else {
                buf.resize(size, 0);
            }
            let half = size / 2;
            let (first, second) = buf.split_at_mut(half);
            let (a, b) = rayon::join(
                || read_fully_at(&file, first, 0),
                || read_fully_at(&file, second, half as u64),
            );
            let (a, b) = (a?, b?);
            if a == half {
                buf.truncate(half + b);
                if b == size - half {
                    // the file may have grown since its size was read
                    file.seek(std::io::SeekFrom::Start(size as u64))?;
                    file.read_to_end(&mut buf)?;
                }
                return Ok(buf);
            }
            // it shrank: read it again from the start
            file.seek(std::io::SeekFrom::Start(0))?;
        }
        buf.clear();
        file.read_to_end(&mut buf)?;
        Ok(buf)
    }

    fn give_back(&self, buf: Vec<u8>) {
        let mut spare = self.0.lock().unwrap();
        if spare.as_ref().is_none_or(|s| s.capacity() < buf.capacity()) {
            *spare = Some(buf);
        }
    }
}

/// From this size on a bulk job reads a submission in two halves at once.
const PARALLEL_READ_BYTES: usize = 16 << 20;

/// Read into `buf` from `offset` until it is full or the file ends; the bytes read.
fn read_fully_at(file: &std::fs::File, buf: &mut [u8], offset: u64) -> std::io::Result<usize> {
    use std::os::unix::fs::FileExt;
    let mut done = 0;
    while done < buf.len() {
        match file.read_at(&mut buf[done..], offset + done as u64) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(done)
}

/// `grade_with_cache` of a submission whose path `check_submission_path` already checked.
fn grade_reusing(
    checked_path: Result<&Path, String>,
    competition: &CompetitionSpec,
    answers: Result<&LoadedAnswers, &str>,
    cache: Option<&ResultCache>,
    spare: Option<&SpareBuffer>,
) -> (Outcome, bool) {
    let path = match checked_path {
        Ok(p) => p,
        Err(e) => return (Outcome::invalid(false, e), false),
    };
    let Some(grader) = &competition.grader else {
        let e = format!(
            "the grader of `{}` is not implemented yet in mlebench-fast",
            competition.id
        );
        return (Outcome::invalid(true, e), false);
    };
    let answers = match answers {
        Ok(a) => a,
        Err(e) => return (Outcome::invalid(true, e.to_string()), false),
    };
    let read = match spare {
        Some(spare) => spare.read(path),
        None => std::fs::read(path),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            return (
                Outcome::invalid(true, format!("cannot read submission: {e}")),
                false,
            )
        }
    };
    let key = cache.map(|_| {
        cache_key(
            content_hash(&bytes),
            answers.hash,
            competition.grader_fingerprint,
        )
    });
    if let (Some(cache), Some(key)) = (cache, &key) {
        if let Some(hit) = cache.get(key) {
            return (outcome_from(hit, competition), true);
        }
    }
    let like = match &answers.answers {
        crate::graders::Answers::Table(frame) => Some(frame),
        _ => None,
    };
    let result = match Frame::from_csv_bytes_spared(&bytes, like, spare.map(|s| &s.1)) {
        Err(e) => CachedResult {
            score: None,
            valid: false,
            error: Some(format!("cannot read submission CSV: {e}")),
        },
        Ok(frame) => {
            match spare {
                Some(spare) => spare.give_back(bytes),
                None => drop(bytes),
            }
            let graded = grader.grade(&frame, &answers.answers);
            if let Some(spare) = spare {
                spare.1.recycle(frame);
            }
            match graded {
                Ok(raw) => CachedResult {
                    score: Some(raw.rounded()),
                    valid: true,
                    error: None,
                },
                Err(e) => CachedResult {
                    score: None,
                    valid: false,
                    error: Some(format!("invalid submission: {e}")),
                },
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
        ranking: if r.valid {
            rank(r.score, competition.medals.as_ref())
        } else {
            Ranking::default()
        },
    }
}

/// Grade many submissions in parallel; results come back in input order. `on_done` is
/// called once per finished submission (for progress bars), from worker threads.
///
/// Memory is bounded by a budget of CSV bytes in flight: a submission is started only when
/// its size, plus its competition's answers if they are not loaded yet, fits in what the
/// submissions and answers in progress leave of the budget. The budget is the largest
/// (answers + submission) of the job, or `MIN_BUDGET` if more, so the largest submission can always run, alone if
/// need be, with the free cores helping inside it; small ones run side by side. Work starts
/// competition by competition, those needing the most memory first, and a submission that
/// does not fit holds back those after it until it does, so a huge file is never starved. Answers are parsed once
/// per competition and freed when its last submission is done.
pub fn grade_many(
    jobs: &[Job],
    competitions: &HashMap<String, CompetitionSpec>,
    on_done: &(dyn Fn() + Sync),
    cache: Option<&ResultCache>,
) -> (Vec<Outcome>, GradeStats) {
    grade_many_with_budget(jobs, competitions, on_done, cache, None)
}

/// The least default budget of CSV bytes in flight: small files run side by side up to this
/// much, whatever the largest of them needs (a budget of one small submission plus its
/// answers would grade a job of small files one at a time). A few MB, next to the tens of
/// MB the interpreter itself holds.
pub const MIN_BUDGET: u64 = 8 << 20;

/// `grade_many` with an explicit budget of bytes in flight (`None`: the largest answers +
/// submission of the job). A job larger than the budget still runs, alone.
pub fn grade_many_with_budget(
    jobs: &[Job],
    competitions: &HashMap<String, CompetitionSpec>,
    on_done: &(dyn Fn() + Sync),
    cache: Option<&ResultCache>,
    budget: Option<u64>,
) -> (Vec<Outcome>, GradeStats) {
    let plan = Plan::new(jobs, competitions);
    let budget = budget.unwrap_or_else(|| plan.largest_need().max(MIN_BUDGET));
    let sched = Scheduler {
        jobs,
        competitions,
        on_done,
        cache,
        budget,
        max_running: rayon::current_num_threads().max(1),
        state: std::sync::Mutex::new(State {
            next: 0,
            in_flight: 0,
            running: 0,
            peak_in_flight: 0,
            peak_running: 0,
            left: plan.groups.iter().map(|g| g.rows.len()).collect(),
            group_running: vec![0; plan.groups.len()],
            answers: plan.groups.iter().map(|_| None).collect(),
        }),
        outcomes: std::sync::Mutex::new(vec![None; jobs.len()]),
        graded: Default::default(),
        from_cache: Default::default(),
        spare: SpareBuffer::default(),
        plan,
    };
    rayon::scope(|scope| sched.start_more(scope));
    #[cfg(test)]
    {
        let st = sched.state.lock().unwrap();
        LAST_PEAKS.with(|p| p.set((st.peak_in_flight, st.peak_running)));
    }
    let outcomes = sched
        .outcomes
        .into_inner()
        .unwrap()
        .into_iter()
        .map(|o| o.expect("every job graded"))
        .collect();
    (
        outcomes,
        GradeStats {
            graded: sched.graded.into_inner(),
            from_cache: sched.from_cache.into_inner(),
        },
    )
}

/// The jobs grouped by competition, with the sizes the budget counts.
struct Plan<'a> {
    groups: Vec<PlanGroup<'a>>,
    /// (group, row) in the order work starts
    order: Vec<(usize, usize)>,
}

struct PlanGroup<'a> {
    competition_id: &'a str,
    rows: Vec<usize>,
    sizes: Vec<u64>,
    answers_size: u64,
}

impl<'a> Plan<'a> {
    fn new(jobs: &'a [Job], competitions: &HashMap<String, CompetitionSpec>) -> Self {
        let mut groups: Vec<PlanGroup<'a>> = Vec::new();
        let mut group_of: HashMap<&str, usize> = HashMap::new();
        let file_size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        for (i, job) in jobs.iter().enumerate() {
            let id = job.competition_id.as_str();
            let g = *group_of.entry(id).or_insert_with(|| {
                let answers_size = competitions
                    .get(id)
                    .map_or(0, |c| file_size(&c.answers_path));
                groups.push(PlanGroup {
                    competition_id: id,
                    rows: Vec::new(),
                    sizes: Vec::new(),
                    answers_size,
                });
                groups.len() - 1
            });
            groups[g].rows.push(i);
            groups[g]
                .sizes
                .push(job.submission_path.as_deref().map_or(0, file_size));
        }
        // The competitions that need the most memory go first: their peak is the job's peak
        // then, rather than landing on top of what smaller ones left fragmented in the heap.
        let mut by_need: Vec<usize> = (0..groups.len()).collect();
        by_need.sort_by_key(|&g| std::cmp::Reverse(groups[g].need()));
        let order = by_need
            .into_iter()
            .flat_map(|g| (0..groups[g].rows.len()).map(move |k| (g, k)))
            .collect();
        Plan { groups, order }
    }

    /// The most any one submission needs with its answers: the default budget.
    fn largest_need(&self) -> u64 {
        self.groups.iter().map(PlanGroup::need).max().unwrap_or(0)
    }
}

impl PlanGroup<'_> {
    /// Bytes in flight for the group's largest submission with its answers.
    fn need(&self) -> u64 {
        self.answers_size + self.sizes.iter().max().copied().unwrap_or(0)
    }
}

#[cfg(test)]
thread_local! {
    /// (peak bytes in flight, peak submissions running) of this thread's last `grade_many`
    static LAST_PEAKS: std::cell::Cell<(u64, usize)> = const { std::cell::Cell::new((0, 0)) };
}

struct State {
    /// position in `Plan::order` of the next job to start
    next: usize,
    in_flight: u64,
    running: usize,
    peak_in_flight: u64,
    peak_running: usize,
    /// submissions of each group not finished yet
    left: Vec<usize>,
    /// submissions of each group in progress
    group_running: Vec<usize>,
    /// each group's answers while it has submissions in progress
    answers: Vec<Option<Arc<AnswersOnce>>>,
}

struct Scheduler<'a> {
    jobs: &'a [Job],
    competitions: &'a HashMap<String, CompetitionSpec>,
    on_done: &'a (dyn Fn() + Sync),
    cache: Option<&'a ResultCache>,
    budget: u64,
    max_running: usize,
    plan: Plan<'a>,
    state: std::sync::Mutex<State>,
    outcomes: std::sync::Mutex<Vec<Option<Outcome>>>,
    graded: std::sync::atomic::AtomicUsize,
    from_cache: std::sync::atomic::AtomicUsize,
    spare: SpareBuffer,
}

impl<'a> Scheduler<'a> {
    /// Start every job that fits, in order, stopping at the first that does not.
    fn start_more<'s>(&'s self, scope: &rayon::Scope<'s>) {
        let mut st = self.state.lock().unwrap();
        while st.next < self.plan.order.len() && st.running < self.max_running {
            let (g, k) = self.plan.order[st.next];
            let group = &self.plan.groups[g];
            let cost = group.sizes[k]
                + if st.answers[g].is_none() {
                    group.answers_size
                } else {
                    0
                };
            if st.running > 0 && st.in_flight + cost > self.budget {
                break;
            }
            // While a submission of this competition is loading its answers, the others wait:
            // loading runs parallel work, and a worker waiting on that work may pick up any
            // queued task; one that waited on the same answers would wait on itself.
            let loading = st.answers[g].as_ref().is_some_and(|a| a.get().is_none())
                && st.group_running[g] > 0;
            if loading {
                break;
            }
            st.next += 1;
            st.running += 1;
            st.group_running[g] += 1;
            st.in_flight += cost;
            st.peak_in_flight = st.peak_in_flight.max(st.in_flight);
            st.peak_running = st.peak_running.max(st.running);
            let answers = st.answers[g]
                .get_or_insert_with(|| Arc::new(OnceLock::new()))
                .clone();
            scope.spawn(move |scope| {
                let outcome =
                    self.grade_one(group.competition_id, &answers, group.rows[k], &|| {
                        self.start_more(scope)
                    });
                drop(answers);
                self.outcomes.lock().unwrap()[group.rows[k]] = Some(outcome);
                (self.on_done)();
                {
                    let mut st = self.state.lock().unwrap();
                    st.running -= 1;
                    st.group_running[g] -= 1;
                    st.in_flight -= group.sizes[k];
                    st.left[g] -= 1;
                    if st.left[g] == 0 {
                        // the group's last submission: its answers go
                        st.answers[g] = None;
                        st.in_flight -= group.answers_size;
                    }
                }
                self.start_more(scope);
            });
        }
    }

    /// Grade job `i`; `loaded` runs once the answers are loaded, to let the competition's
    /// other submissions start.
    fn grade_one(
        &self,
        competition_id: &str,
        answers: &AnswersOnce,
        i: usize,
        loaded: &dyn Fn(),
    ) -> Outcome {
        use std::sync::atomic::Ordering;
        let job = &self.jobs[i];
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let Some(comp) = self.competitions.get(competition_id) else {
                let exists = check_submission_path(job.submission_path.as_deref()).is_ok();
                return Outcome::invalid(
                    exists,
                    format!("unknown competition id `{competition_id}`"),
                );
            };
            let checked_path = check_submission_path(job.submission_path.as_deref());
            let needed = comp.grader.is_some() && checked_path.is_ok();
            let answers = if needed {
                let first = answers.get().is_none();
                let a = answers.get_or_init(|| load_answers(&comp.answers_path).map(Arc::new));
                if first {
                    loaded();
                }
                a.as_ref().map(|a| a.as_ref()).map_err(String::as_str)
            } else {
                Err("answers not needed")
            };
            let (outcome, hit) =
                grade_reusing(checked_path, comp, answers, self.cache, Some(&self.spare));
            if hit { &self.from_cache } else { &self.graded }.fetch_add(1, Ordering::Relaxed);
            outcome
        }))
        .unwrap_or_else(|panic| {
            let msg = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            let exists = check_submission_path(job.submission_path.as_deref()).is_ok();
            Outcome::invalid(
                exists,
                format!("internal error while grading (please report): {msg}"),
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_grader_version_or_spec_is_a_new_cache_identity() {
        let spec = r#"{"kind":"accuracy","id_column":"id","target_column":"y"}"#;
        let other = r#"{"kind":"accuracy","id_column":"id","target_column":"label"}"#;
        assert_eq!(
            grader_fingerprint(GRADER_VERSION, spec),
            grader_fingerprint(GRADER_VERSION, spec)
        );
        assert_ne!(
            grader_fingerprint(GRADER_VERSION, spec),
            grader_fingerprint("0.0.0+0", spec)
        );
        assert_ne!(
            grader_fingerprint(GRADER_VERSION, spec),
            grader_fingerprint(GRADER_VERSION, other)
        );
        let grader =
            serde_json::json!({"kind": "accuracy", "id_column": "id", "target_column": "y"});
        let parsed = CompetitionSpec::from_json(
            serde_json::json!({"id": "c", "answers_path": "/a.csv", "grader": grader}),
        );
        assert_eq!(
            parsed.unwrap().grader_fingerprint,
            grader_fingerprint(GRADER_VERSION, &grader.to_string())
        );
        assert!(GRADER_VERSION.starts_with(env!("CARGO_PKG_VERSION")));
    }

    /// Two competitions (one with a large submission), answers and submissions on disk.
    fn workload(dir: &Path) -> (Vec<Job>, HashMap<String, CompetitionSpec>) {
        std::fs::create_dir_all(dir).unwrap();
        let mut competitions = HashMap::new();
        let mut jobs = Vec::new();
        for (cid, rows) in [("small", 50usize), ("large", 5000)] {
            let answers: String = std::iter::once("id,label\n".to_string())
                .chain((0..rows).map(|i| format!("r{i},{}\n", i % 2)))
                .collect();
            let answers_path = dir.join(format!("{cid}-answers.csv"));
            std::fs::write(&answers_path, answers).unwrap();
            let spec = serde_json::json!({
                "id": cid,
                "answers_path": answers_path,
                "grader": {"kind": "sorted_id_score", "id_column": "id", "target_column": "label", "metric": "mae"},
                "medals": null,
            });
            competitions.insert(cid.to_string(), CompetitionSpec::from_json(spec).unwrap());
            for k in 0..6 {
                let sub: String = std::iter::once("id,label\n".to_string())
                    .chain((0..rows).map(|i| format!("r{i},{}\n", (i + k) % 2)))
                    .collect();
                let path = dir.join(format!("{cid}-{k}.csv"));
                std::fs::write(&path, sub).unwrap();
                jobs.push(Job {
                    competition_id: cid.into(),
                    submission_path: Some(path),
                });
            }
        }
        jobs.push(Job {
            competition_id: "small".into(),
            submission_path: Some(dir.join("missing.csv")),
        });
        (jobs, competitions)
    }

    #[test]
    fn budget_bounds_bytes_in_flight_without_changing_results() {
        let dir = std::env::temp_dir().join(format!(
            "mlebench-sched-{}-{:?}",
            std::process::id(),
            std::thread::current().id()
        ));
        let (jobs, competitions) = workload(&dir);
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(4)
            .build()
            .unwrap();
        let run = |budget: Option<u64>| {
            pool.install(|| {
                let (outcomes, stats) =
                    grade_many_with_budget(&jobs, &competitions, &|| {}, None, budget);
                (outcomes, stats, LAST_PEAKS.with(|p| p.get()))
            })
        };
        let plan = Plan::new(&jobs, &competitions);
        let largest = plan.largest_need();
        let (default_out, stats, (peak_bytes, default_running)) = run(None);
        assert_eq!(stats.graded, 13);
        assert!(
            peak_bytes <= largest.max(MIN_BUDGET),
            "{peak_bytes} bytes in flight, budget {largest}"
        );
        // small files run side by side by default, though two of them exceed the largest need
        assert!(largest < MIN_BUDGET && default_running > 1);
        // the budget of the largest need alone bounds the bytes in flight by it
        let (tight, _, (peak_bytes, _)) = run(Some(largest));
        assert!(peak_bytes <= largest, "{peak_bytes} > {largest}");
        assert_eq!(tight, default_out);
        // a budget below any single job: one submission at a time, same results
        let (serial, _, (_, peak_running)) = run(Some(1));
        assert_eq!(peak_running, 1);
        assert_eq!(serial, default_out);
        // a generous budget: side by side, same results, in input order
        let (wide, _, (_, peak_running)) = run(Some(u64::MAX));
        assert!(peak_running > 1);
        assert_eq!(wide, default_out);
        assert_eq!(default_out[0].score, Some(0.0));
        assert_eq!(default_out[1].score, Some(1.0));
        assert!(!default_out[12].submission_exists);
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn usual_jsonl_entries_read_the_usual_form_and_leave_the_rest() {
        let text = "{\"competition_id\": \"a\", \"submission_path\": \"/x/s.csv\"}\r\n\n  \t\n# note\n// note\n \
                    {\"competition_id\": \"b\", \"submission_path\": null, \"submission_error\": \"too big\"}\n\
                    {\"submission_path\": \"p\", \"competition_id\": \"c\", \"competition_id\": \"d\"}";
        assert_eq!(
            usual_jsonl_entries(text).unwrap(),
            vec![
                ("a".into(), Some("/x/s.csv".into()), None),
                ("b".into(), None, Some("too big".into())),
                // a repeated key: the last one, as Python's json
                ("d".into(), Some("p".into()), None),
            ]
        );
        assert_eq!(usual_jsonl_entries("").unwrap(), vec![]);
        // anything unusual goes the general way
        for odd in [
            "{\"competition_id\": 5}",
            "{\"competition_id\": \"a\", \"submission_path\": 3}",
            "{\"submission_path\": \"a\"}",
            "[1]",
            "{\"competition_id\": \"a\"",
            "{\"competition_id\": \"a\", \"x\": NaN}",
            "{\"competition_id\": \"é\"}",
            "{\"competition_id\": \"a\"}\r{\"competition_id\": \"b\"}",
            "{\"competition_id\": \"a\"}\x0c",
        ] {
            assert_eq!(usual_jsonl_entries(odd), None, "{odd:?}");
        }
    }

    #[test]
    fn spare_buffer_reads_whole_files_and_keeps_the_largest() {
        let dir = std::env::temp_dir().join(format!("mlebench-spare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let (big, small) = (dir.join("big.csv"), dir.join("small.csv"));
        std::fs::write(&big, "x".repeat(10_000)).unwrap();
        std::fs::write(&small, "id\n1\n").unwrap();
        let spare = SpareBuffer::default();
        let b = spare.read(&big).unwrap();
        assert_eq!(b.len(), 10_000);
        spare.give_back(b);
        // the small file reuses the big buffer, and reads only its own bytes
        let s = spare.read(&small).unwrap();
        assert_eq!(s, b"id\n1\n");
        assert!(s.capacity() >= 10_000);
        spare.give_back(s);
        spare.give_back(Vec::with_capacity(10));
        assert!(spare.0.lock().unwrap().as_ref().unwrap().capacity() >= 10_000);
        assert!(spare.read(&dir.join("missing.csv")).is_err());
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn spare_buffer_reads_large_files_in_halves_exactly() {
        let dir = std::env::temp_dir().join(format!("mlebench-halves-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let content = |n: usize, salt: u8| -> Vec<u8> {
            (0..n).map(|i| (i as u8).wrapping_mul(31) ^ salt).collect()
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let spare = SpareBuffer::default();
        // larger, then smaller over the kept buffer's stale bytes, then an odd size, then a
        // small file read whole, then a large one again
        for (k, n) in [
            PARALLEL_READ_BYTES + 4097,
            PARALLEL_READ_BYTES,
            PARALLEL_READ_BYTES + 3 * (1 << 20) + 1,
            100,
            PARALLEL_READ_BYTES + 1,
        ]
        .into_iter()
        .enumerate()
        {
            let path = dir.join(format!("{k}.csv"));
            let expected = content(n, k as u8);
            std::fs::write(&path, &expected).unwrap();
            let got = pool.install(|| spare.read(&path)).unwrap();
            assert!(got == expected, "file {k} of {n} bytes");
            spare.give_back(got);
        }
        std::fs::remove_dir_all(&dir).ok();
    }

    /// Answers large enough to be parsed with parallel work, many workers, several submissions
    /// of the competition queued: the others wait for the load instead of deadlocking on it.
    #[test]
    fn submissions_wait_for_answers_loaded_with_parallel_work() {
        let dir = std::env::temp_dir().join(format!("mlebench-load-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let rows = 600_000;
        let csv: String = std::iter::once("id,label\n".to_string())
            .chain((0..rows).map(|i| format!("r{i},{}\n", i % 2)))
            .collect();
        assert!(csv.len() > 4 << 20, "answers must take the parallel read");
        let answers_path = dir.join("answers.csv");
        std::fs::write(&answers_path, &csv).unwrap();
        let sub = dir.join("sub.csv");
        std::fs::write(&sub, &csv).unwrap();
        let spec = serde_json::json!({
            "id": "c", "answers_path": answers_path, "medals": null,
            "grader": {"kind": "sorted_id_score", "id_column": "id", "target_column": "label", "metric": "mae"},
        });
        let competitions =
            HashMap::from([("c".to_string(), CompetitionSpec::from_json(spec).unwrap())]);
        let jobs: Vec<Job> = (0..6)
            .map(|_| Job {
                competition_id: "c".into(),
                submission_path: Some(sub.clone()),
            })
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(8)
            .build()
            .unwrap();
        let (outcomes, _) = pool
            .install(|| grade_many_with_budget(&jobs, &competitions, &|| {}, None, Some(u64::MAX)));
        assert!(outcomes.iter().all(|o| o.score == Some(0.0)));
        std::fs::remove_dir_all(&dir).ok();
    }
}
