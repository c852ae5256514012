//! Medal thresholds and ranking with Kaggle's progression rules, as the reference applies
//! them: thresholds come from a leaderboard's scores by team count, a score earns the best
//! medal whose threshold it reaches (ties count), and "above median" is strict.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MedalThresholds {
    pub gold: f64,
    pub silver: f64,
    pub bronze: f64,
    pub median: f64,
    pub lower_is_better: bool,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Ranking {
    pub gold_medal: bool,
    pub silver_medal: bool,
    pub bronze_medal: bool,
    pub above_median: bool,
}

impl Ranking {
    pub fn any_medal(&self) -> bool {
        self.gold_medal || self.silver_medal || self.bronze_medal
    }
}

/// Rank a (rounded) score. No score, a NaN score or no thresholds earn nothing.
pub fn rank(score: Option<f64>, t: Option<&MedalThresholds>) -> Ranking {
    let (Some(s), Some(t)) = (score, t) else {
        return Ranking::default();
    };
    let reaches = |threshold: f64| {
        if t.lower_is_better {
            s <= threshold
        } else {
            s >= threshold
        }
    };
    let gold = reaches(t.gold);
    let silver = !gold && reaches(t.silver);
    let bronze = !gold && !silver && reaches(t.bronze);
    let above_median = if t.lower_is_better {
        s < t.median
    } else {
        s > t.median
    };
    Ranking {
        gold_medal: gold,
        silver_medal: silver,
        bronze_medal: bronze,
        above_median,
    }
}

/// Thresholds from a leaderboard's scores, best first (the order Kaggle lists them).
/// The direction is read off the leaderboard: lower is better when the top score is
/// smaller than the bottom one.
pub fn thresholds_from_leaderboard(scores: &[f64]) -> Result<MedalThresholds, String> {
    let n = scores.len();
    if n == 0 {
        return Err("the leaderboard has no teams".into());
    }
    let at = |position: usize| -> Result<f64, String> {
        if position < 1 || position > n {
            return Err(format!(
                "position {position} is outside a leaderboard of {n} teams"
            ));
        }
        Ok(scores[position - 1])
    };
    let share = |fraction: f64| ((n as f64 * fraction) as usize).max(1);
    let (gold, silver, bronze) = if n < 100 {
        (at(share(0.1))?, at(share(0.2))?, at(share(0.4))?)
    } else if n < 250 {
        (at(10)?, at(share(0.2))?, at(share(0.4))?)
    } else if n < 1000 {
        (at(10 + (n as f64 * 0.002) as usize)?, at(50)?, at(100)?)
    } else {
        (
            at(10 + (n as f64 * 0.002) as usize)?,
            at(share(0.05))?,
            at(share(0.1))?,
        )
    };
    Ok(MedalThresholds {
        gold,
        silver,
        bronze,
        median: median(scores),
        lower_is_better: scores[0] < scores[n - 1],
    })
}

/// pandas' `Series.median()`: NaN skipped, mean of the two middle values for even counts.
fn median(scores: &[f64]) -> f64 {
    let mut v: Vec<f64> = scores.iter().copied().filter(|x| !x.is_nan()).collect();
    if v.is_empty() {
        return f64::NAN;
    }
    v.sort_by(f64::total_cmp);
    let m = v.len() / 2;
    if v.len() % 2 == 1 {
        v[m]
    } else {
        (v[m - 1] + v[m]) / 2.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_rules() {
        let t = MedalThresholds {
            gold: 0.9,
            silver: 0.8,
            bronze: 0.7,
            median: 0.5,
            lower_is_better: false,
        };
        assert!(rank(Some(0.9), Some(&t)).gold_medal);
        let r = rank(Some(0.75), Some(&t));
        assert!(r.bronze_medal && !r.silver_medal && r.above_median);
        assert!(!rank(Some(0.5), Some(&t)).above_median);
        assert_eq!(rank(Some(f64::NAN), Some(&t)), Ranking::default());
        assert_eq!(rank(None, Some(&t)), Ranking::default());
        let low = MedalThresholds {
            gold: 1.0,
            silver: 2.0,
            bronze: 3.0,
            median: 5.0,
            lower_is_better: true,
        };
        assert!(rank(Some(2.0), Some(&low)).silver_medal);
    }

    #[test]
    fn progression_by_team_count() {
        let scores: Vec<f64> = (0..50).map(|i| 100.0 - i as f64).collect();
        let t = thresholds_from_leaderboard(&scores).unwrap();
        assert_eq!((t.gold, t.silver, t.bronze), (96.0, 91.0, 81.0));
        assert_eq!(t.median, 75.5);
        assert!(!t.lower_is_better);
        let big: Vec<f64> = (0..1500).map(|i| i as f64).collect();
        let t = thresholds_from_leaderboard(&big).unwrap();
        assert_eq!((t.gold, t.silver, t.bronze), (12.0, 74.0, 149.0));
        assert!(t.lower_is_better);
    }
}
