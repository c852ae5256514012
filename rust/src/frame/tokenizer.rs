//! CSV tokenizer with the rules of pandas' C parser (the one `pd.read_csv` uses by default).
//!
//! What differs from RFC 4180 and matters for faithful grading:
//! - `\n`, `\r\n` and a lone `\r` all end a record;
//! - blank lines, and lines holding only spaces/tabs, are skipped (`skip_blank_lines=True`);
//! - a quote in the middle of an unquoted field is kept literally (`x"y"` stays `x"y"`);
//! - text after a closing quote is appended to the field (`"x"y` reads as `xy`);
//! - an unterminated quote is an error ("EOF inside string").
//!
//! Each field remembers whether it was quoted: pandas treats a quoted empty field as missing
//! too, so the flag is informational only.

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub struct TokenizeError {
    pub message: String,
}

impl fmt::Display for TokenizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// All records of a CSV text; field text is stored once in `text`, records index into it.
#[derive(Debug, Default)]
pub struct Records {
    text: String,
    /// (start, end) byte offsets into `text`, one per field.
    spans: Vec<(u32, u32)>,
    /// index into `spans` where each record starts; one extra entry at the end.
    starts: Vec<usize>,
}

impl Records {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn record_len(&self, i: usize) -> usize {
        self.starts[i + 1] - self.starts[i]
    }

    pub fn field(&self, record: usize, field: usize) -> &str {
        let (s, e) = self.spans[self.starts[record] + field];
        &self.text[s as usize..e as usize]
    }

    pub fn record(&self, record: usize) -> impl Iterator<Item = &str> + '_ {
        self.spans[self.starts[record]..self.starts[record + 1]]
            .iter()
            .map(move |&(s, e)| &self.text[s as usize..e as usize])
    }
}

#[derive(Clone, Copy, PartialEq)]
enum State {
    StartRecord,
    WhitespaceLine,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// Split CSV text into records of fields.
pub fn tokenize(input: &str) -> Result<Records, TokenizeError> {
    if input.len() >= u32::MAX as usize {
        return Err(TokenizeError {
            message: "file is larger than 4 GiB; not supported".into(),
        });
    }
    let mut rec = Records {
        text: String::with_capacity(input.len()),
        spans: Vec::new(),
        starts: vec![0],
    };
    let mut state = State::StartRecord;
    let mut field_start = 0u32;
    // Pending whitespace of a line that might turn out to be blank.
    let mut pending_ws = String::new();
    let mut quote_line = 0usize;
    let mut line = 1usize;

    let bytes = input.as_bytes();
    let mut i = 0usize;
    // Fast path helper: find run of ordinary bytes inside an unquoted/quoted field.
    macro_rules! end_field {
        () => {{
            rec.spans.push((field_start, rec.text.len() as u32));
        }};
    }
    macro_rules! end_record {
        () => {{
            rec.starts.push(rec.spans.len());
        }};
    }
    while i < bytes.len() {
        let c = bytes[i];
        match state {
            State::StartRecord => {
                if c == b'\n' {
                    line += 1;
                    i += 1;
                    continue;
                }
                if c == b'\r' {
                    i += 1;
                    if i < bytes.len() && bytes[i] == b'\n' {
                        i += 1;
                    }
                    line += 1;
                    continue;
                }
                if c == b' ' || c == b'\t' {
                    pending_ws.clear();
                    pending_ws.push(c as char);
                    state = State::WhitespaceLine;
                    i += 1;
                    continue;
                }
                state = State::StartField;
            }
            State::WhitespaceLine => {
                if c == b' ' || c == b'\t' {
                    pending_ws.push(c as char);
                    i += 1;
                    continue;
                }
                if c == b'\n' || c == b'\r' {
                    // a whitespace-only line is blank
                    state = State::StartRecord;
                    continue;
                }
                // the whitespace was the start of a real field
                field_start = rec.text.len() as u32;
                rec.text.push_str(&pending_ws);
                state = State::InField;
            }
            State::StartField => {
                field_start = rec.text.len() as u32;
                if c == b'"' {
                    state = State::InQuoted;
                    quote_line = line;
                    i += 1;
                } else if c == b',' {
                    end_field!();
                    i += 1;
                } else if c == b'\n' || c == b'\r' {
                    end_field!();
                    end_record!();
                    state = State::StartRecord;
                } else {
                    state = State::InField;
                }
            }
            State::InField => {
                // copy a run of ordinary bytes at once
                let run_start = i;
                while i < bytes.len() && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                    i += 1;
                }
                rec.text.push_str(&input[run_start..i]);
                if i < bytes.len() {
                    end_field!();
                    if bytes[i] == b',' {
                        i += 1;
                        state = State::StartField;
                        // a trailing comma at end of line gives an empty last field
                        if i >= bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r' {
                            field_start = rec.text.len() as u32;
                            end_field!();
                            end_record!();
                            state = State::StartRecord;
                        }
                    } else {
                        end_record!();
                        state = State::StartRecord;
                    }
                }
            }
            State::InQuoted => {
                let run_start = i;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\n' {
                        line += 1;
                    }
                    i += 1;
                }
                rec.text.push_str(&input[run_start..i]);
                if i < bytes.len() {
                    i += 1;
                    state = State::QuoteInQuoted;
                }
            }
            State::QuoteInQuoted => {
                if c == b'"' {
                    rec.text.push('"');
                    i += 1;
                    state = State::InQuoted;
                } else if c == b',' {
                    end_field!();
                    i += 1;
                    state = State::StartField;
                    if i >= bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r' {
                        field_start = rec.text.len() as u32;
                        end_field!();
                        end_record!();
                        state = State::StartRecord;
                    }
                } else if c == b'\n' || c == b'\r' {
                    end_field!();
                    end_record!();
                    state = State::StartRecord;
                } else {
                    // text after the closing quote joins the field
                    state = State::InField;
                }
            }
        }
    }
    match state {
        State::InQuoted => {
            return Err(TokenizeError {
                message: format!("EOF inside string starting at line {quote_line}"),
            })
        }
        State::InField | State::QuoteInQuoted => {
            end_field!();
            end_record!();
        }
        State::StartField => {
            // only reached right after a comma that ended the input
            field_start = rec.text.len() as u32;
            end_field!();
            end_record!();
        }
        State::StartRecord | State::WhitespaceLine => {}
    }
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(s: &str) -> Vec<Vec<String>> {
        let r = tokenize(s).unwrap();
        (0..r.len())
            .map(|i| r.record(i).map(|f| f.to_string()).collect())
            .collect()
    }

    #[test]
    fn basic_and_line_endings() {
        assert_eq!(rows("a,b\n1,2\r\n3,4\r5,6"), vec![
            vec!["a", "b"], vec!["1", "2"], vec!["3", "4"], vec!["5", "6"]
        ]);
    }

    #[test]
    fn blank_and_whitespace_lines_are_skipped() {
        assert_eq!(rows("a\n\n  \n1\n\t\n"), vec![vec!["a"], vec!["1"]]);
        assert_eq!(rows("a\n  x\n"), vec![vec!["a"], vec!["  x"]]);
    }

    #[test]
    fn quotes_like_pandas() {
        assert_eq!(rows("\"x,y\",\"q\"\"r\"\n"), vec![vec!["x,y", "q\"r"]]);
        assert_eq!(rows("\"x\"y,1"), vec![vec!["xy", "1"]]);
        assert_eq!(rows("x\"y\",1"), vec![vec!["x\"y\"", "1"]]);
        assert_eq!(rows("\"a\nb\",1"), vec![vec!["a\nb", "1"]]);
        assert!(tokenize("\"x,1\n2").is_err());
    }

    #[test]
    fn empty_fields() {
        assert_eq!(rows("a,b\n,\n1,"), vec![vec!["a", "b"], vec!["", ""], vec!["1", ""]]);
        assert_eq!(rows(",1"), vec![vec!["", "1"]]);
    }
}
