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

/// All records of a CSV text. Fields are slices of the input where they can be (unquoted
/// fields, quoted ones without escapes); only fields that need unescaping are copied, into
/// `owned`, so a file costs little more than its own bytes while it is being typed.
#[derive(Debug, Default)]
pub struct Records<'a> {
    input: &'a str,
    owned: String,
    /// (start, end) byte offsets, one per field; `OWNED` set on both means `owned`.
    spans: Vec<(u32, u32)>,
    /// index into `spans` where each record starts; one extra entry at the end. `u32` is
    /// enough: inputs are under 2 GiB and every field takes at least one byte but the last.
    starts: Vec<u32>,
}

const OWNED: u32 = 1 << 31;

impl<'a> Records<'a> {
    pub fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn record_len(&self, i: usize) -> usize {
        (self.starts[i + 1] - self.starts[i]) as usize
    }

    fn text(&self, (s, e): (u32, u32)) -> &str {
        if s & OWNED != 0 {
            &self.owned[(s & !OWNED) as usize..(e & !OWNED) as usize]
        } else {
            &self.input[s as usize..e as usize]
        }
    }

    pub fn field(&self, record: usize, field: usize) -> &str {
        self.text(self.spans[self.starts[record] as usize + field])
    }

    pub fn record(&self, record: usize) -> impl Iterator<Item = &str> + '_ {
        self.spans[self.starts[record] as usize..self.starts[record + 1] as usize].iter().map(move |&span| self.text(span))
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

/// The field being read: still a slice of the input, or copied into `owned` since it
/// needed unescaping.
#[derive(Clone, Copy)]
enum Field {
    Borrowed { start: usize, end: usize },
    Owned { start: usize },
}

struct Builder<'a> {
    rec: Records<'a>,
    field: Field,
}

impl Builder<'_> {
    fn begin(&mut self, at: usize) {
        self.field = Field::Borrowed { start: at, end: at };
    }

    /// Append input bytes `from..to`; contiguous input keeps a field borrowed.
    fn extend(&mut self, from: usize, to: usize) {
        match &mut self.field {
            Field::Borrowed { end, .. } if *end == from => *end = to,
            Field::Borrowed { .. } => {
                self.to_owned();
                self.rec.owned.push_str(&self.rec.input[from..to]);
            }
            Field::Owned { .. } => self.rec.owned.push_str(&self.rec.input[from..to]),
        }
    }

    /// Append text that is not a slice of the input where the field stands (an unescaped
    /// quote).
    fn push_char(&mut self, c: char) {
        self.to_owned();
        self.rec.owned.push(c);
    }

    fn to_owned(&mut self) {
        if let Field::Borrowed { start, end } = self.field {
            let at = self.rec.owned.len();
            self.rec.owned.push_str(&self.rec.input[start..end]);
            self.field = Field::Owned { start: at };
        }
    }

    fn end_field(&mut self) {
        let span = match self.field {
            Field::Borrowed { start, end } => (start as u32, end as u32),
            Field::Owned { start } => (start as u32 | OWNED, self.rec.owned.len() as u32 | OWNED),
        };
        self.rec.spans.push(span);
    }

    fn end_record(&mut self) {
        self.rec.starts.push(self.rec.spans.len() as u32);
    }
}

/// Split CSV text into records of fields.
pub fn tokenize(input: &str) -> Result<Records<'_>, TokenizeError> {
    if input.len() >= OWNED as usize {
        return Err(TokenizeError { message: "file is larger than 2 GiB; not supported".into() });
    }
    // Size the span lists from the line count and the header's width up front: growing them
    // by doubling would hold the old and the new buffer at once, up to three times the need.
    // A file has at most (commas + lines) fields, which bounds the guess for odd files.
    let (mut lines, mut commas) = (1usize, 0usize);
    for &c in input.as_bytes() {
        lines += usize::from(c == b'\n');
        commas += usize::from(c == b',');
    }
    let width = input.lines().next().map_or(1, |h| h.bytes().filter(|&c| c == b',').count() + 1);
    let mut starts = Vec::with_capacity(lines + 1);
    starts.push(0);
    let mut b = Builder {
        rec: Records { input, owned: String::new(), spans: Vec::with_capacity(lines.saturating_mul(width).min(commas + lines)), starts },
        field: Field::Borrowed { start: 0, end: 0 },
    };
    let mut state = State::StartRecord;
    // where a line that may turn out to be blank (spaces/tabs only) started
    let mut ws_start = 0usize;
    let mut quote_line = 0usize;
    let mut line = 1usize;
    let bytes = input.as_bytes();
    let mut i = 0usize;
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
                    ws_start = i;
                    state = State::WhitespaceLine;
                    i += 1;
                    continue;
                }
                state = State::StartField;
            }
            State::WhitespaceLine => {
                if c == b' ' || c == b'\t' {
                    i += 1;
                    continue;
                }
                if c == b'\n' || c == b'\r' {
                    // a whitespace-only line is blank
                    state = State::StartRecord;
                    continue;
                }
                // the whitespace was the start of a real field
                b.begin(ws_start);
                b.extend(ws_start, i);
                state = State::InField;
            }
            State::StartField => {
                if c == b'"' {
                    b.begin(i + 1);
                    state = State::InQuoted;
                    quote_line = line;
                    i += 1;
                } else if c == b',' {
                    b.begin(i);
                    b.end_field();
                    i += 1;
                } else if c == b'\n' || c == b'\r' {
                    b.begin(i);
                    b.end_field();
                    b.end_record();
                    state = State::StartRecord;
                } else {
                    b.begin(i);
                    state = State::InField;
                }
            }
            State::InField => {
                let run_start = i;
                while i < bytes.len() && !matches!(bytes[i], b',' | b'\n' | b'\r') {
                    i += 1;
                }
                b.extend(run_start, i);
                if i < bytes.len() {
                    b.end_field();
                    if bytes[i] == b',' {
                        i += 1;
                        state = State::StartField;
                        // a trailing comma at end of line gives an empty last field
                        if i >= bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r' {
                            b.begin(i);
                            b.end_field();
                            b.end_record();
                            state = State::StartRecord;
                        }
                    } else {
                        b.end_record();
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
                b.extend(run_start, i);
                if i < bytes.len() {
                    i += 1;
                    state = State::QuoteInQuoted;
                }
            }
            State::QuoteInQuoted => {
                if c == b'"' {
                    b.push_char('"');
                    i += 1;
                    state = State::InQuoted;
                } else if c == b',' {
                    b.end_field();
                    i += 1;
                    state = State::StartField;
                    if i >= bytes.len() || bytes[i] == b'\n' || bytes[i] == b'\r' {
                        b.begin(i);
                        b.end_field();
                        b.end_record();
                        state = State::StartRecord;
                    }
                } else if c == b'\n' || c == b'\r' {
                    b.end_field();
                    b.end_record();
                    state = State::StartRecord;
                } else {
                    // text after the closing quote joins the field (not contiguous with it)
                    b.to_owned();
                    state = State::InField;
                }
            }
        }
    }
    match state {
        State::InQuoted => {
            return Err(TokenizeError { message: format!("EOF inside string starting at line {quote_line}") })
        }
        State::InField | State::QuoteInQuoted => {
            b.end_field();
            b.end_record();
        }
        State::StartField => {
            // only reached right after a comma that ended the input
            b.begin(bytes.len());
            b.end_field();
            b.end_record();
        }
        State::StartRecord | State::WhitespaceLine => {}
    }
    Ok(b.rec)
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
