//! The grading report's JSON text, byte for byte as Python's `json.dumps(report, indent=2,
//! allow_nan=True)` writes the reference's schema (ASCII only, `NaN`/`Infinity`, floats as
//! `repr`), so a bulk job of 100,000 submissions writes its report in a fraction of a second
//! instead of Python's pure-Python indenting encoder.

use crate::pyfmt::write_repr_f64;

/// A number field: `null`, a Python float or a Python int.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Num {
    Null,
    Float(f64),
    Int(i64),
}

/// One graded submission, the fields of the reference's competition report plus `error`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportRow {
    pub competition_id: String,
    pub score: Num,
    /// gold, silver, bronze, median
    pub thresholds: [Num; 4],
    pub any_medal: bool,
    pub gold_medal: bool,
    pub silver_medal: bool,
    pub bronze_medal: bool,
    pub above_median: bool,
    pub submission_exists: bool,
    pub valid_submission: bool,
    pub is_lower_better: Option<bool>,
    pub created_at: String,
    pub submission_path: String,
    pub error: Option<String>,
    /// the grader could not grade it: listed under `grader_errors`, out of the totals
    pub grader_error: bool,
}

/// The whole grading report (totals, competition reports, `grader_errors` when any).
pub fn grading_report(rows: &[ReportRow]) -> String {
    let mut out = Vec::new();
    write_grading_report(rows, &mut out).expect("writing to memory");
    String::from_utf8(out).expect("the report is ASCII")
}

/// [`grading_report`] written to `w` a few kB at a time (the text of 100,000 reports is 66 MB:
/// one string that size would cost more in fresh pages than the formatting).
pub fn write_grading_report(
    rows: &[ReportRow],
    w: &mut impl std::io::Write,
) -> std::io::Result<()> {
    const FLUSH_AT: usize = 1 << 16;
    let graded: Vec<&ReportRow> = rows.iter().filter(|r| !r.grader_error).collect();
    let not_graded: Vec<&ReportRow> = rows.iter().filter(|r| r.grader_error).collect();
    let count = |f: fn(&ReportRow) -> bool| graded.iter().filter(|r| f(r)).count();
    let (gold, silver, bronze) = (
        count(|r| r.gold_medal),
        count(|r| r.silver_medal),
        count(|r| r.bronze_medal),
    );
    let totals = [
        ("total_runs", graded.len()),
        (
            "total_runs_with_submissions",
            count(|r| r.submission_exists),
        ),
        ("total_valid_submissions", count(|r| r.valid_submission)),
        ("total_medals", gold + silver + bronze),
        ("total_gold_medals", gold),
        ("total_silver_medals", silver),
        ("total_bronze_medals", bronze),
        ("total_above_median", count(|r| r.above_median)),
    ];
    let mut out = String::with_capacity(FLUSH_AT + 4096);
    let mut floats = FloatReprs::default();
    out.push('{');
    for (key, value) in totals {
        out.push_str("\n  ");
        push_str(&mut out, key);
        out.push_str(": ");
        out.push_str(&value.to_string());
        out.push(',');
    }
    // a list at nesting level 1, its objects at level 2, as `indent=2` lays them out
    let lists: [(&str, &[&ReportRow]); 2] = [
        ("competition_reports", &graded),
        ("grader_errors", &not_graded),
    ];
    for (n, (key, items)) in lists.into_iter().enumerate() {
        if n > 0 && items.is_empty() {
            break; // `grader_errors` only when there are some
        }
        out.push_str(if n == 0 { "\n  " } else { ",\n  " });
        push_str(&mut out, key);
        out.push_str(": ");
        if items.is_empty() {
            out.push_str("[]");
            continue;
        }
        out.push('[');
        for (i, r) in items.iter().enumerate() {
            out.push_str(if i == 0 { "\n    " } else { ",\n    " });
            if n == 0 {
                push_report(&mut out, r, &mut floats);
            } else {
                push_fields(
                    &mut out,
                    &[
                        ("competition_id", Field::Str(&r.competition_id)),
                        ("submission_path", Field::Str(&r.submission_path)),
                        ("error", Field::OptStr(r.error.as_deref())),
                    ],
                    &mut floats,
                );
            }
            if out.len() >= FLUSH_AT {
                w.write_all(out.as_bytes())?;
                out.clear();
            }
        }
        out.push_str("\n  ]");
    }
    out.push_str("\n}");
    w.write_all(out.as_bytes())?;
    w.flush()
}

/// The last float written and its text: thresholds repeat from report to report, and a
/// shortest round-trip repr costs a few hundred ns.
#[derive(Default)]
struct FloatReprs {
    last: Vec<(u64, String)>,
}

impl FloatReprs {
    const KEEP: usize = 8;

    fn push(&mut self, out: &mut String, x: f64) {
        let bits = x.to_bits();
        if let Some((_, text)) = self.last.iter().find(|(b, _)| *b == bits) {
            out.push_str(text);
            return;
        }
        let mut text = String::with_capacity(24);
        push_float(&mut text, x);
        out.push_str(&text);
        if self.last.len() == Self::KEEP {
            self.last.remove(0);
        }
        self.last.push((bits, text));
    }
}

enum Field<'a> {
    Str(&'a str),
    OptStr(Option<&'a str>),
    Num(Num),
    Bool(bool),
    OptBool(Option<bool>),
}

fn push_report(out: &mut String, r: &ReportRow, floats: &mut FloatReprs) {
    let [gold, silver, bronze, median] = r.thresholds;
    push_fields(
        out,
        &[
            ("competition_id", Field::Str(&r.competition_id)),
            ("score", Field::Num(r.score)),
            ("gold_threshold", Field::Num(gold)),
            ("silver_threshold", Field::Num(silver)),
            ("bronze_threshold", Field::Num(bronze)),
            ("median_threshold", Field::Num(median)),
            ("any_medal", Field::Bool(r.any_medal)),
            ("gold_medal", Field::Bool(r.gold_medal)),
            ("silver_medal", Field::Bool(r.silver_medal)),
            ("bronze_medal", Field::Bool(r.bronze_medal)),
            ("above_median", Field::Bool(r.above_median)),
            ("submission_exists", Field::Bool(r.submission_exists)),
            ("valid_submission", Field::Bool(r.valid_submission)),
            ("is_lower_better", Field::OptBool(r.is_lower_better)),
            ("created_at", Field::Str(&r.created_at)),
            ("submission_path", Field::Str(&r.submission_path)),
            ("error", Field::OptStr(r.error.as_deref())),
        ],
        floats,
    );
}

/// An object at nesting level 2 (its fields at level 3).
fn push_fields(out: &mut String, fields: &[(&str, Field<'_>)], floats: &mut FloatReprs) {
    out.push('{');
    for (i, (key, value)) in fields.iter().enumerate() {
        out.push_str(if i == 0 { "\n      " } else { ",\n      " });
        push_str(out, key);
        out.push_str(": ");
        match value {
            Field::Str(s) => push_str(out, s),
            Field::OptStr(None) | Field::OptBool(None) | Field::Num(Num::Null) => {
                out.push_str("null")
            }
            Field::OptStr(Some(s)) => push_str(out, s),
            Field::Bool(b) | Field::OptBool(Some(b)) => {
                out.push_str(if *b { "true" } else { "false" })
            }
            Field::Num(Num::Int(v)) => out.push_str(&v.to_string()),
            Field::Num(Num::Float(x)) => floats.push(out, *x),
        }
    }
    out.push_str("\n    }");
}

/// `float.__repr__`, with json's `NaN`, `Infinity` and `-Infinity`.
fn push_float(out: &mut String, x: f64) {
    if x.is_nan() {
        out.push_str("NaN");
    } else if x.is_infinite() {
        out.push_str(if x > 0.0 { "Infinity" } else { "-Infinity" });
    } else {
        write_repr_f64(out, x);
    }
}

/// A JSON string as `ensure_ascii=True` writes it: everything outside `' '..='~'` escaped,
/// `\n \r \t \b \f` by name, the rest as `\uXXXX` (UTF-16 surrogate pairs above U+FFFF).
fn push_str(out: &mut String, s: &str) {
    use std::fmt::Write;
    out.push('"');
    let bytes = s.as_bytes();
    let (mut plain, mut i) = (0, 0);
    while i < bytes.len() {
        let b = bytes[i];
        if (b' '..=b'~').contains(&b) && b != b'"' && b != b'\\' {
            i += 1;
            continue;
        }
        out.push_str(&s[plain..i]);
        let c = s[i..].chars().next().expect("a char starts here");
        i += c.len_utf8();
        plain = i;
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            _ => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    let _ = write!(out, "\\u{unit:04x}");
                }
            }
        }
    }
    out.push_str(&s[plain..]);
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> String {
        let mut out = String::new();
        push_str(&mut out, s);
        out
    }

    #[test]
    fn strings_are_escaped_as_ensure_ascii_does() {
        assert_eq!(text("a/b c~"), "\"a/b c~\"");
        assert_eq!(text("q\"\\\n\r\t\u{8}\u{c}"), r#""q\"\\\n\r\t\b\f""#);
        assert_eq!(text("\u{1}\u{1f}\u{7f}"), r#""\u0001\u001f\u007f""#);
        assert_eq!(text("é中"), r#""\u00e9\u4e2d""#);
        assert_eq!(text("😀x"), r#""\ud83d\ude00x""#);
    }

    #[test]
    fn floats_are_python_reprs_with_json_names() {
        let mut out = String::new();
        for x in [
            0.1,
            1e-5,
            1e16,
            2.0,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ] {
            push_float(&mut out, x);
            out.push(' ');
        }
        assert_eq!(out, "0.1 1e-05 1e+16 2.0 NaN Infinity -Infinity ");
    }

    #[test]
    fn an_empty_report_has_empty_lists() {
        let text = grading_report(&[]);
        assert!(text.starts_with("{\n  \"total_runs\": 0,\n"));
        assert!(text.ends_with("\n  \"competition_reports\": []\n}"));
    }
}
