//! A results cache for bulk re-grading: a graded submission is remembered under the hash of
//! its bytes, of the answers' bytes and of the grader (its spec and the grader version), so a
//! re-run grades only what changed. Every result is appended to a journal file as soon as it
//! is known, so a job killed half-way resumes where it stopped.
//!
//! Each process appends to its own journal file (no interleaved writes between concurrent
//! jobs); loading reads them all and skips a torn last line.

use serde_json::{json, Value as Json};
use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use xxhash_rust::xxh3::xxh3_128;

/// What a cache entry holds: the grading result before medal ranking (thresholds may move).
#[derive(Debug, Clone, PartialEq)]
pub struct CachedResult {
    pub score: Option<f64>,
    pub valid: bool,
    pub error: Option<String>,
}

pub fn content_hash(bytes: &[u8]) -> u128 {
    xxh3_128(bytes)
}

/// The key of one grading: submission bytes, answers bytes, grader identity.
pub fn cache_key(submission: u128, answers: u128, grader: u128) -> String {
    format!("{submission:032x}{answers:032x}{grader:032x}")
}

pub struct ResultCache {
    dir: PathBuf,
    entries: Mutex<HashMap<String, CachedResult>>,
    journal: Mutex<Option<File>>,
}

fn score_to_json(score: Option<f64>) -> Json {
    match score {
        None => Json::Null,
        // the bit pattern keeps NaN and infinities exact
        Some(s) => Json::String(format!("{:016x}", s.to_bits())),
    }
}

fn score_from_json(v: &Json) -> Option<Option<f64>> {
    match v {
        Json::Null => Some(None),
        Json::String(s) => u64::from_str_radix(s, 16)
            .ok()
            .map(|b| Some(f64::from_bits(b))),
        _ => None,
    }
}

impl ResultCache {
    /// Open (or create) a cache folder and load every journal in it.
    pub fn open(dir: &Path) -> std::io::Result<ResultCache> {
        std::fs::create_dir_all(dir)?;
        let mut entries = HashMap::new();
        let mut journals: Vec<PathBuf> = std::fs::read_dir(dir)?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "jsonl"))
            .collect();
        journals.sort();
        for path in journals {
            let reader = BufReader::new(File::open(&path)?);
            for line in reader.lines() {
                let Ok(line) = line else { break };
                let Ok(v) = serde_json::from_str::<Json>(&line) else {
                    continue;
                };
                let (Some(key), Some(score), Some(valid)) =
                    (v["k"].as_str(), score_from_json(&v["s"]), v["v"].as_bool())
                else {
                    continue;
                };
                let error = v["e"].as_str().map(str::to_string);
                entries.insert(
                    key.to_string(),
                    CachedResult {
                        score,
                        valid,
                        error,
                    },
                );
            }
        }
        Ok(ResultCache {
            dir: dir.to_path_buf(),
            entries: Mutex::new(entries),
            journal: Mutex::new(None),
        })
    }

    pub fn len(&self) -> usize {
        self.entries.lock().unwrap().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn get(&self, key: &str) -> Option<CachedResult> {
        self.entries.lock().unwrap().get(key).cloned()
    }

    /// Remember a result and append it to this process's journal right away.
    pub fn put(&self, key: String, result: CachedResult) -> std::io::Result<()> {
        let line = json!({"k": key, "s": score_to_json(result.score), "v": result.valid, "e": result.error});
        let mut text = line.to_string();
        text.push('\n');
        {
            let mut journal = self.journal.lock().unwrap();
            if journal.is_none() {
                let name = format!("journal-{}-{}.jsonl", std::process::id(), unique_suffix());
                *journal = Some(
                    OpenOptions::new()
                        .create(true)
                        .append(true)
                        .open(self.dir.join(name))?,
                );
            }
            // one write per line: a kill leaves at most a torn last line, skipped on load
            journal.as_mut().unwrap().write_all(text.as_bytes())?;
        }
        self.entries.lock().unwrap().insert(key, result);
        Ok(())
    }
}

fn unique_suffix() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn survives_reopen_and_torn_lines() {
        let dir = std::env::temp_dir().join(format!("mlebench-cache-test-{}", unique_suffix()));
        let cache = ResultCache::open(&dir).unwrap();
        cache
            .put(
                "a".into(),
                CachedResult {
                    score: Some(f64::NAN),
                    valid: true,
                    error: None,
                },
            )
            .unwrap();
        cache
            .put(
                "b".into(),
                CachedResult {
                    score: None,
                    valid: false,
                    error: Some("bad".into()),
                },
            )
            .unwrap();
        drop(cache);
        // a torn line, as a kill mid-write leaves
        std::fs::write(dir.join("journal-torn.jsonl"), "{\"k\": \"c\", \"s\"").unwrap();
        let cache = ResultCache::open(&dir).unwrap();
        assert_eq!(cache.len(), 2);
        assert!(cache.get("a").unwrap().score.unwrap().is_nan());
        assert_eq!(cache.get("b").unwrap().error.as_deref(), Some("bad"));
        std::fs::remove_dir_all(dir).unwrap();
    }
}
