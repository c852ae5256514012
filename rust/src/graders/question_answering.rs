//! TensorFlow 2.0 Question Answering (Natural Questions): one `<example_id>_long` and one
//! `<example_id>_short` row per answer example, each predicting a token span `start:end`,
//! `YES`, `NO` or nothing. Each row becomes a binary label pair scored with micro F1:
//! predicted = "the row has an answer"; true = "the predicted answer is one of the
//! annotated ones", or for an empty row "an annotated answer exists".

use super::checks::{describe, submission_column};
use super::{Grade, RawScore};
use crate::frame::{Column, Frame};
use crate::metrics;
use crate::pystr::{cell_str, float_repr, parse_int, strip, PyInt};
use serde::Deserialize;
use serde_json::Value as Json;
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// One acceptable answer of a row.
#[derive(Debug, PartialEq)]
enum Answer {
    Span(PyInt, PyInt),
    Text(String),
    /// a `yes_no_answer` that is not a string: counts as an answer, matches nothing
    Other,
}

/// `fillna("").astype(str)` of a cell.
fn cell_text(col: &Column, i: usize) -> Cow<'_, str> {
    let v = col.get(i);
    if v.is_nan() {
        Cow::Borrowed("")
    } else {
        cell_str(v)
    }
}

/// `str(value)` of a JSON scalar as Python prints it.
fn json_str(v: &Json) -> Result<String, String> {
    match v {
        Json::String(s) => Ok(s.clone()),
        Json::Bool(b) => Ok(if *b { "True" } else { "False" }.into()),
        Json::Null => Ok("None".into()),
        Json::Number(n) => Ok(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (_, Some(u)) => u.to_string(),
            _ => float_repr(n.as_f64().unwrap_or(f64::NAN)),
        }),
        _ => Err(format!("unsupported example_id in the answers: {v}")),
    }
}

/// Python's `int(value)` on a JSON value.
fn json_int(v: &Json) -> Result<PyInt, String> {
    let bad = || format!("the answers hold a token index that is not an integer: {v}");
    match v {
        Json::Number(n) => {
            if let Some(i) = n.as_i64() {
                Ok(PyInt::from_i64(i))
            } else if let Some(u) = n.as_u64() {
                parse_int(&u.to_string()).ok_or_else(bad)
            } else {
                let f = n.as_f64().filter(|f| f.is_finite()).ok_or_else(bad)?;
                parse_int(&format!("{:.0}", f.trunc())).ok_or_else(bad)
            }
        }
        Json::String(s) => parse_int(s).ok_or_else(bad),
        Json::Bool(b) => Ok(PyInt::from_i64(i64::from(*b))),
        _ => Err(bad()),
    }
}

fn field<'a>(v: &'a Json, key: &str) -> Result<&'a Json, String> {
    v.get(key)
        .ok_or_else(|| format!("the answers lack the key `{key}` in {}", truncate(v)))
}

fn truncate(v: &Json) -> String {
    let s = v.to_string();
    if s.chars().count() > 80 {
        format!("{}...", s.chars().take(80).collect::<String>())
    } else {
        s
    }
}

fn span(v: &Json) -> Result<Answer, String> {
    Ok(Answer::Span(
        json_int(field(v, "start_token")?)?,
        json_int(field(v, "end_token")?)?,
    ))
}

fn long_answers(annotation: &Json) -> Result<Vec<Answer>, String> {
    let long = field(annotation, "long_answer")?;
    let start = field(long, "start_token")?;
    // `start_token != -1` with Python equality: -1 and -1.0 mean "no long answer"
    let absent = start.as_f64() == Some(-1.0);
    Ok(if absent { vec![] } else { vec![span(long)?] })
}

fn short_answers(annotation: &Json) -> Result<Vec<Answer>, String> {
    let shorts = field(annotation, "short_answers")?
        .as_array()
        .ok_or("the answers' `short_answers` is not a list")?;
    let mut out: Vec<Answer> = shorts.iter().map(span).collect::<Result<_, _>>()?;
    match field(annotation, "yes_no_answer")? {
        Json::String(s) if s == "NONE" => {}
        Json::String(s) => out.push(Answer::Text(s.clone())),
        _ => out.push(Answer::Other),
    }
    Ok(out)
}

/// A prediction: `start:end`, `YES`, `NO`, or empty (`None`).
fn parse_prediction(raw: &str) -> Result<Option<Answer>, String> {
    let p = strip(raw);
    let parts: Vec<&str> = p.split(':').collect();
    if parts.len() == 2 {
        let int = |t: &str| {
            parse_int(t)
                .ok_or_else(|| format!("invalid literal for int(): '{t}' in prediction '{p}'"))
        };
        return Ok(Some(Answer::Span(int(parts[0])?, int(parts[1])?)));
    }
    match p {
        "" => Ok(None),
        "YES" | "NO" => Ok(Some(Answer::Text(p.to_string()))),
        _ => Err(format!(
            "Invalid submission format: '{p}' (expected start:end, YES, NO or empty)"
        )),
    }
}

/// Micro F1 of Natural Questions long/short answers against JSON Lines annotations
/// (TensorFlow 2.0 Question Answering).
///
/// Micro F1 of long and short answer rows against the annotations.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct NaturalQuestionsF1 {}

impl Grade for NaturalQuestionsF1 {
    type Answers = [Json];

    fn grade(&self, sub: &Frame, answers: &[Json]) -> Result<RawScore, String> {
        if sub.nrows != 2 * answers.len() {
            return Err(format!(
                "Submission has {} rows but {} are expected (a _long and a _short row per example)",
                sub.nrows,
                2 * answers.len()
            ));
        }
        let mut expected: HashSet<String> = HashSet::with_capacity(sub.nrows);
        for sample in answers {
            let id = json_str(field(sample, "example_id")?)?;
            expected.insert(format!("{id}_long"));
            expected.insert(format!("{id}_short"));
        }
        let ids = submission_column(sub, "example_id")?;
        let predictions = submission_column(sub, "PredictionString")?;
        let sub_ids: Vec<Cow<str>> = (0..sub.nrows).map(|i| cell_text(ids, i)).collect();
        let distinct: HashSet<&str> = sub_ids.iter().map(|s| s.as_ref()).collect();
        if distinct != expected.iter().map(String::as_str).collect() {
            return Err(
                "Submission example_ids do not match the expected <example_id>_long and _short ids"
                    .into(),
            );
        }
        if distinct.len() != sub.nrows {
            return Err("Submission example_ids are not unique".into());
        }
        // only string ids can be looked up by the submission's string keys; later rows win
        let mut annotations: HashMap<&str, &Json> = HashMap::with_capacity(answers.len());
        for sample in answers {
            let first = field(sample, "annotations")?
                .as_array()
                .and_then(|a| a.first())
                .ok_or("an answer example has no annotation")?;
            if let Json::String(id) = field(sample, "example_id")? {
                annotations.insert(id.as_str(), first);
            }
        }
        let mut y_true = Vec::with_capacity(sub.nrows);
        let mut y_pred = Vec::with_capacity(sub.nrows);
        for (i, row_id) in sub_ids.iter().enumerate() {
            let prediction = parse_prediction(&cell_text(predictions, i))?;
            let (key, long) = if row_id.ends_with("_long") {
                (before_first(row_id, "_long"), true)
            } else if row_id.ends_with("_short") {
                (before_first(row_id, "_short"), false)
            } else {
                return Err(format!(
                    "example_id {} does not end with '_long' or '_short'",
                    describe(ids.get(i))
                ));
            };
            let annotation = annotations
                .get(key)
                .ok_or_else(|| format!("no annotation for example_id '{key}'"))?;
            let valid = if long {
                long_answers(annotation)?
            } else {
                short_answers(annotation)?
            };
            let truth = match &prediction {
                Some(p) => valid.contains(p),
                None => !valid.is_empty(),
            };
            y_true.push(i64::from(truth));
            y_pred.push(i64::from(prediction.is_some()));
        }
        metrics::micro_f1_labels(&y_true, &y_pred).map(RawScore::numpy)
    }
}

/// `s.split(sep)[0]`
fn before_first<'a>(s: &'a str, sep: &str) -> &'a str {
    s.split_once(sep).map_or(s, |(head, _)| head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn natural_questions_f1(sub: &Frame, answers: &[Json]) -> Result<RawScore, String> {
        NaturalQuestionsF1 {}.grade(sub, answers)
    }

    fn answers() -> Vec<Json> {
        [
            r#"{"example_id": "-7", "annotations": [{"yes_no_answer": "NONE", "long_answer": {"start_token": 3, "end_token": 9}, "short_answers": [{"start_token": 4, "end_token": 5}, {"start_token": 6, "end_token": 7}]}]}"#,
            r#"{"example_id": "8", "annotations": [{"yes_no_answer": "YES", "long_answer": {"start_token": -1, "end_token": -1}, "short_answers": []}]}"#,
        ]
        .iter()
        .map(|s| serde_json::from_str(s).unwrap())
        .collect()
    }

    fn grade(csv: &str) -> Result<f64, String> {
        natural_questions_f1(&Frame::from_csv_str(csv).unwrap(), &answers()).map(|r| r.value)
    }

    #[test]
    fn scoring() {
        assert_eq!(
            grade("example_id,PredictionString\n-7_long,3:9\n-7_short,6:7\n8_long,\n8_short,YES\n"),
            Ok(1.0)
        );
        // empty long row of example 8 is right (no long answer); YES on a long row is wrong
        assert_eq!(grade("example_id,PredictionString\n-7_long,3:9\n-7_short, 4:5 \n8_long,YES\n8_short,YES\n"), Ok(0.75));
        // empty everywhere: right only where nothing is annotated (8_long)
        assert_eq!(
            grade("example_id,PredictionString\n-7_long,\n-7_short,\n8_long,\n8_short,\n"),
            Ok(0.25)
        );
    }

    #[test]
    fn invalid_submissions() {
        for csv in [
            "example_id,PredictionString\n-7_long,3:9\n-7_short,6:7\n8_long,\n8_short,yes\n",
            "example_id,PredictionString\n-7_long,3:9\n-7_short,6:7\n8_long,\n",
            "example_id,PredictionString\n-7_long,3:9\n-7_short,6:7\n8_short,\n8_short,YES\n",
            "example_id,PredictionString\n-7_long,3.0:9\n-7_short,6:7\n8_long,\n8_short,YES\n",
            "example_id,PredictionString\n-7_long,1:2:3\n-7_short,6:7\n8_long,\n8_short,YES\n",
            "example_id,Prediction\n-7_long,3:9\n-7_short,6:7\n8_long,\n8_short,YES\n",
        ] {
            assert!(grade(csv).is_err(), "{csv}");
        }
    }
}
