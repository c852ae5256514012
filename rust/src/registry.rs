//! The competition registry: every `competitions/<id>/` folder (`config.yaml`, and beside it
//! `prepare.yaml` and `checksums.yaml` when present), parsed once into typed [`Competition`]s.
//!
//! The built-in registry is the repository's folder compiled in by `build.rs` (so the
//! installed package and Rust users carry the same competitions as the source tree) and
//! parsed on first use; [`Registry::from_dir`] reads a folder of the same layout instead
//! (`MLEBENCH_FAST_COMPETITIONS_DIR`, handy while editing configs). This module is the one
//! owner of these facts: Python's `mlebench_fast.registry` is a view of it.

use crate::graders::GraderSpec;
use crate::grading::{grader_fingerprint, CompetitionSpec, GRADER_VERSION};
use crate::medals::MedalThresholds;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

include!(concat!(env!("OUT_DIR"), "/builtin_configs.rs"));

/// The splits of the benchmark a competition can belong to (the reference's
/// `experiments/splits/*.txt`; `split75` is the 75 of the full benchmark).
pub const SPLITS: [&str; 5] = ["low", "medium", "high", "split75", "dev"];

/// The Kaggle leaderboard figures a competition's medals are ranked against.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Medals {
    pub num_teams: u32,
    pub lower_is_better: bool,
    pub gold: f64,
    pub silver: f64,
    pub bronze: f64,
    pub median: f64,
}

impl Medals {
    pub fn thresholds(&self) -> MedalThresholds {
        MedalThresholds {
            gold: self.gold,
            silver: self.silver,
            bronze: self.bronze,
            median: self.median,
            lower_is_better: self.lower_is_better,
        }
    }
}

/// `prepare.yaml`: the declarative steps `mlebench_fast.prepare` executes (kept as data:
/// the steps run in Python), or why the competition cannot be prepared yet.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrepareRecipe {
    #[serde(default)]
    pub steps: Option<serde_json::Value>,
    #[serde(default)]
    pub unsupported: Option<String>,
}

/// `checksums.yaml`, the reference's layout: md5 of the download and of the top-level data
/// files of `prepared/public` and `prepared/private`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Checksums {
    pub zip: Option<String>,
    #[serde(default)]
    pub public: BTreeMap<String, String>,
    #[serde(default)]
    pub private: BTreeMap<String, String>,
}

/// What `config.yaml` says, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Config {
    id: String,
    name: String,
    answers: String,
    sample_submission: String,
    metric: String,
    #[serde(default)]
    splits: Vec<String>,
    grader: Option<serde_json::Value>,
    medals: Option<Medals>,
}

/// One competition: the whole of its folder.
#[derive(Debug, Clone)]
pub struct Competition {
    pub id: String,
    pub name: String,
    /// answers file, relative to the data dir (the reference's layout)
    pub answers: String,
    /// sample submission, relative to the data dir
    pub sample_submission: String,
    /// the reference's metric name
    pub metric: String,
    pub splits: Vec<String>,
    /// `None` while the competition's grader is not implemented
    pub grader: Option<GraderSpec>,
    /// the grader as configured (for the results cache's fingerprint and for display)
    pub grader_config: Option<serde_json::Value>,
    /// `None` when the competition has no leaderboard figures
    pub medals: Option<Medals>,
    pub prepare: Option<PrepareRecipe>,
    pub checksums: Option<Checksums>,
}

impl Competition {
    /// Parse a competition from the texts of its folder; errors name the file.
    pub fn parse(
        config: &str,
        prepare: Option<&str>,
        checksums: Option<&str>,
        origin: &str,
    ) -> Result<Self, String> {
        let c: Config =
            serde_yaml::from_str(config).map_err(|e| format!("{origin}/config.yaml: {e}"))?;
        if let Some(bad) = c.splits.iter().find(|s| !SPLITS.contains(&s.as_str())) {
            return Err(format!(
                "{origin}/config.yaml: unknown split `{bad}` (splits: {})",
                SPLITS.join(", ")
            ));
        }
        let grader = match &c.grader {
            Some(value) => Some(
                serde_json::from_value::<GraderSpec>(value.clone())
                    .map_err(|e| format!("{origin}/config.yaml: grader: {e}"))?,
            ),
            None => None,
        };
        let prepare = prepare
            .map(|t| {
                serde_yaml::from_str::<Option<PrepareRecipe>>(t)
                    .map_err(|e| format!("{origin}/prepare.yaml: {e}"))
            })
            .transpose()?
            .flatten();
        let checksums = checksums
            .map(|t| {
                serde_yaml::from_str::<Option<Checksums>>(t)
                    .map_err(|e| format!("{origin}/checksums.yaml: {e}"))
            })
            .transpose()?
            .flatten();
        Ok(Competition {
            id: c.id,
            name: c.name,
            answers: c.answers,
            sample_submission: c.sample_submission,
            metric: c.metric,
            splits: c.splits,
            grader,
            grader_config: c.grader,
            medals: c.medals,
            prepare,
            checksums,
        })
    }

    pub fn answers_path(&self, data_dir: &Path) -> PathBuf {
        data_dir.join(&self.answers)
    }

    pub fn sample_submission_path(&self, data_dir: &Path) -> PathBuf {
        data_dir.join(&self.sample_submission)
    }

    /// Why `prepare` cannot prepare this competition, or `None` when it can.
    pub fn unpreparable_reason(&self) -> Option<String> {
        match &self.prepare {
            None => Some("no preparation recipe yet".into()),
            Some(PrepareRecipe {
                unsupported: Some(why),
                ..
            }) => Some(why.clone()),
            Some(PrepareRecipe { steps: None, .. }) => Some("its prepare.yaml has no steps".into()),
            Some(_) => None,
        }
    }

    /// What the grading pipeline needs, with the answers under `data_dir`.
    pub fn grading_spec(&self, data_dir: &Path) -> CompetitionSpec {
        CompetitionSpec {
            id: self.id.clone(),
            answers_path: self.answers_path(data_dir),
            grader: self.grader.clone(),
            medals: self.medals.map(|m| m.thresholds()),
            grader_fingerprint: grader_fingerprint(
                GRADER_VERSION,
                &self
                    .grader_config
                    .as_ref()
                    .map(|g| g.to_string())
                    .unwrap_or_default(),
            ),
        }
    }
}

/// Every competition, in the order `list` shows them (ids compared case-insensitively).
#[derive(Debug, Clone)]
pub struct Registry {
    competitions: Vec<Arc<Competition>>,
}

impl Registry {
    /// The registry compiled into the library, parsed once.
    pub fn builtin() -> &'static Registry {
        static BUILTIN: OnceLock<Registry> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            let file = |files: &[(&str, &'static str)], id: &str| {
                files.iter().find(|(i, _)| *i == id).map(|(_, t)| *t)
            };
            let competitions = BUILTIN_CONFIGS
                .iter()
                .map(|(id, config)| {
                    Competition::parse(
                        config,
                        file(BUILTIN_PREPARE, id),
                        file(BUILTIN_CHECKSUMS, id),
                        &format!("competitions/{id}"),
                    )
                })
                .collect::<Result<Vec<_>, _>>()
                // the build's own files: a parse error is caught by the crate's tests
                .unwrap_or_else(|e| panic!("built-in competition registry: {e}"));
            Registry::new(competitions)
        })
    }

    /// The competitions of a folder of `<id>/config.yaml` (with their prepare.yaml and
    /// checksums.yaml).
    pub fn from_dir(dir: &Path) -> Result<Registry, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("competitions folder {}: {e}", dir.display()))?;
        let mut folders: Vec<PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.join("config.yaml").is_file())
            .collect();
        folders.sort();
        let read = |p: PathBuf| -> Result<Option<String>, String> {
            match std::fs::read_to_string(&p) {
                Ok(t) => Ok(Some(t)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(format!("{}: {e}", p.display())),
            }
        };
        let mut competitions = Vec::with_capacity(folders.len());
        for folder in folders {
            let config = read(folder.join("config.yaml"))?.unwrap_or_default();
            let prepare = read(folder.join("prepare.yaml"))?;
            let checksums = read(folder.join("checksums.yaml"))?;
            let origin = folder.display().to_string();
            competitions.push(Competition::parse(
                &config,
                prepare.as_deref(),
                checksums.as_deref(),
                &origin,
            )?);
        }
        Ok(Registry::new(competitions))
    }

    fn new(mut competitions: Vec<Competition>) -> Registry {
        competitions.sort_by_key(|c| c.id.to_lowercase());
        Registry {
            competitions: competitions.into_iter().map(Arc::new).collect(),
        }
    }

    pub fn competitions(&self) -> &[Arc<Competition>] {
        &self.competitions
    }

    pub fn get(&self, id: &str) -> Option<&Arc<Competition>> {
        self.competitions.iter().find(|c| c.id == id)
    }

    pub fn len(&self) -> usize {
        self.competitions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.competitions.is_empty()
    }

    /// The ids of a split, in registry order.
    pub fn split_ids(&self, split: &str) -> Result<Vec<&str>, String> {
        if !SPLITS.contains(&split) {
            return Err(format!(
                "unknown split `{split}`; choose one of {}",
                SPLITS.join(", ")
            ));
        }
        Ok(self
            .competitions
            .iter()
            .filter(|c| c.splits.iter().any(|s| s == split))
            .map(|c| c.id.as_str())
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How many competition folders the repository has (the count is derived, not written).
    fn repository_folders() -> usize {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../competitions");
        std::fs::read_dir(dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().join("config.yaml").is_file())
            .count()
    }

    #[test]
    fn every_config_parses_and_builds_its_grader() {
        let reg = Registry::builtin();
        assert_eq!(reg.len(), repository_folders());
        for c in reg.competitions() {
            assert!(c.grader.is_some(), "{} has no grader", c.id);
            assert!(
                c.answers
                    .starts_with(&format!("{}/prepared/private/", c.id)),
                "{}",
                c.id
            );
            // under prepared/ (billion-word-imputation keeps its sample in private/)
            assert!(
                c.sample_submission
                    .starts_with(&format!("{}/prepared/", c.id)),
                "{}",
                c.id
            );
            assert!(!c.splits.is_empty(), "{} is in no split", c.id);
            assert!(c.checksums.is_some(), "{} has no checksums.yaml", c.id);
        }
    }

    #[test]
    fn split_sizes_are_the_benchmarks() {
        let reg = Registry::builtin();
        assert_eq!(reg.split_ids("low").unwrap().len(), 22);
        assert_eq!(reg.split_ids("split75").unwrap().len(), 75);
        assert_eq!(reg.split_ids("dev").unwrap().len(), 7);
        assert!(reg.split_ids("lite").is_err());
    }

    #[test]
    fn from_dir_matches_builtin() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../competitions");
        let from_dir = Registry::from_dir(&dir).unwrap();
        let builtin = Registry::builtin();
        assert_eq!(from_dir.len(), builtin.len());
        for (a, b) in from_dir.competitions().iter().zip(builtin.competitions()) {
            assert_eq!(
                (&a.id, &a.grader, &a.prepare, &a.checksums),
                (&b.id, &b.grader, &b.prepare, &b.checksums)
            );
        }
    }

    #[test]
    fn recipe_steps_keep_their_written_order() {
        // derive ops apply in the order written: the map must not be re-sorted
        let ok = "id: x\nname: X\nanswers: a\nsample_submission: s\nmetric: m\ngrader: null\nmedals: null\n";
        let c = Competition::parse(
            ok,
            Some("steps:\n  - derive: {from: t, as: u, select: [a], drop: [b]}\n"),
            None,
            "here",
        )
        .unwrap();
        let step = &c.prepare.unwrap().steps.unwrap()[0]["derive"];
        let keys: Vec<&str> = step
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["from", "as", "select", "drop"]);
    }

    #[test]
    fn config_errors_name_the_file_and_field() {
        let ok = "id: x\nname: X\nanswers: x/prepared/private/a.csv\nsample_submission: x/prepared/public/s.csv\nmetric: m\nsplits: [dev]\ngrader: null\nmedals: null\n";
        let c = Competition::parse(ok, None, None, "here").unwrap();
        assert_eq!(
            c.unpreparable_reason().unwrap(),
            "no preparation recipe yet"
        );
        let typo = ok.replace("metric:", "metrc:");
        assert!(Competition::parse(&typo, None, None, "here")
            .unwrap_err()
            .starts_with("here/config.yaml:"));
        let bad_split = ok.replace("[dev]", "[lite]");
        assert!(Competition::parse(&bad_split, None, None, "here")
            .unwrap_err()
            .contains("unknown split `lite`"));
        let bad_grader = ok.replace("grader: null", "grader: {kind: no_such_kind}");
        assert!(Competition::parse(&bad_grader, None, None, "here")
            .unwrap_err()
            .contains("grader:"));
        let unsupported =
            Competition::parse(ok, Some("unsupported: needs X\n"), None, "here").unwrap();
        assert_eq!(unsupported.unpreparable_reason().unwrap(), "needs X");
        let recipe = Competition::parse(
            ok,
            Some("steps:\n  - call: a:b\n"),
            Some("zip: abc\npublic: {a.csv: d}\n"),
            "here",
        )
        .unwrap();
        assert_eq!(recipe.unpreparable_reason(), None);
        assert_eq!(recipe.checksums.unwrap().public["a.csv"], "d");
    }
}
