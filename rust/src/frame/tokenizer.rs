//! CSV tokenizer with the rules of pandas' C parser (the one `pd.read_csv` uses by default).
//!
//! What differs from RFC 4180 and matters for faithful grading:
//! - `\n`, `\r\n` and a lone `\r` all end a record;
//! - blank lines, and lines holding only spaces/tabs, are skipped (`skip_blank_lines=True`);
//! - a quote in the middle of an unquoted field is kept literally (`x"y"` stays `x"y"`);
//! - text after a closing quote is appended to the field (`"x"y` reads as `xy`);
//! - an unterminated quote is an error ("EOF inside string");
//! - a value ends at a NUL byte (pandas keeps fields as C strings);
//! - files where pandas' tokenizer re-reads lines (a bare `\r` before a line starting with
//!   a space) are replayed step by step by `c_tokenizer`.
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
/// `owned`, so a file costs little more than its own bytes while it is being typed. A large
/// file without quotes is read in parts, one per core, each a run of whole lines.
#[derive(Debug, Default)]
pub struct Records<'a> {
    input: &'a str,
    parts: Vec<Part>,
    /// record number at which each part starts; one extra entry at the end
    firsts: Vec<usize>,
}

#[derive(Debug, Default)]
struct Part {
    owned: String,
    /// (start, end) byte offsets, one per field; `OWNED` set on both means `owned`.
    spans: Vec<(u32, u32)>,
    /// index into `spans` where each record starts; one extra entry at the end. `u32` is
    /// enough: inputs are under 2 GiB and every field takes at least one byte but the last.
    starts: Vec<u32>,
}

const OWNED: u32 = 1 << 31;

impl Part {
    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    fn text<'s>(&'s self, input: &'s str, (s, e): (u32, u32)) -> &'s str {
        if s & OWNED != 0 {
            &self.owned[(s & !OWNED) as usize..(e & !OWNED) as usize]
        } else {
            &input[s as usize..e as usize]
        }
    }

    /// pandas' C parser keeps fields as C strings: a value ends at its first NUL byte.
    fn cut_at_nul(&mut self, input: &str) {
        for k in 0..self.spans.len() {
            let (s, e) = self.spans[k];
            if let Some(n) = memchr::memchr(0, self.text(input, (s, e)).as_bytes()) {
                self.spans[k] = (s, s + n as u32);
            }
        }
    }

    fn record(&self, r: usize) -> &[(u32, u32)] {
        &self.spans[self.starts[r] as usize..self.starts[r + 1] as usize]
    }
}

impl<'a> Records<'a> {
    pub fn len(&self) -> usize {
        *self.firsts.last().unwrap_or(&0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The part holding `record`, and the record's number within it.
    fn locate(&self, record: usize) -> (&Part, usize) {
        let p = if self.parts.len() == 1 {
            0
        } else {
            self.firsts.partition_point(|&f| f <= record) - 1
        };
        (&self.parts[p], record - self.firsts[p])
    }

    pub fn record_len(&self, i: usize) -> usize {
        let (part, r) = self.locate(i);
        part.record(r).len()
    }

    pub fn field(&self, record: usize, field: usize) -> &str {
        let (part, r) = self.locate(record);
        part.text(self.input, part.record(r)[field])
    }

    pub fn record(&self, record: usize) -> impl Iterator<Item = &str> + '_ {
        let (part, r) = self.locate(record);
        part.record(r)
            .iter()
            .map(move |&span| part.text(self.input, span))
    }

    /// The number of fields of every record, in order.
    pub fn record_lens(&self) -> impl Iterator<Item = usize> + '_ {
        self.parts
            .iter()
            .flat_map(|part| part.starts.windows(2).map(|w| (w[1] - w[0]) as usize))
    }

    /// Field `k` of every record from `from` on (`None` where a record is shorter), in order.
    pub fn column(&self, k: usize, from: usize) -> ColumnFields<'_> {
        self.column_between(k, from, self.len())
    }

    /// Field `k` of records `from..to`, in order.
    pub fn column_between(&self, k: usize, from: usize, to: usize) -> ColumnFields<'_> {
        let mut fields = ColumnFields {
            input: self.input,
            parts: &self.parts,
            firsts: &self.firsts,
            k,
            from,
            to,
            part: 0,
            record: 0,
            end: 0,
            left: to.min(self.len()).saturating_sub(from),
        };
        fields.enter_part();
        fields
    }
}

/// Field `k` of a run of records (`None` where a record is shorter): what typing a column
/// walks, once per field, so a plain cursor rather than an iterator adapter over the parts.
#[derive(Clone)]
pub struct ColumnFields<'r> {
    input: &'r str,
    parts: &'r [Part],
    firsts: &'r [usize],
    k: usize,
    /// the run's records, numbered in the whole file
    from: usize,
    to: usize,
    /// the current part, and its records of the run still to read: `record..end`
    part: usize,
    record: usize,
    end: usize,
    /// fields still to come: collecting a column then allocates it once, at its size
    left: usize,
}

impl ColumnFields<'_> {
    /// The run's records in the current part.
    fn enter_part(&mut self) {
        if let Some(w) = self.firsts.get(self.part..self.part + 2) {
            self.record = self.from.clamp(w[0], w[1]) - w[0];
            self.end = self.to.clamp(w[0], w[1]) - w[0];
        }
    }
}

impl<'r> Iterator for ColumnFields<'r> {
    type Item = Option<&'r str>;

    #[inline]
    fn next(&mut self) -> Option<Option<&'r str>> {
        while self.record >= self.end {
            self.part += 1;
            if self.part >= self.parts.len() {
                return None;
            }
            self.enter_part();
        }
        let part = &self.parts[self.part];
        let field = part.record(self.record).get(self.k);
        self.record += 1;
        self.left -= 1;
        Some(field.map(|&span| part.text(self.input, span)))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for ColumnFields<'_> {}

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
    input: &'a str,
    rec: Part,
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
                self.make_owned();
                self.rec.owned.push_str(&self.input[from..to]);
            }
            Field::Owned { .. } => self.rec.owned.push_str(&self.input[from..to]),
        }
    }

    /// Append text that is not a slice of the input where the field stands (an unescaped
    /// quote).
    fn push_char(&mut self, c: char) {
        self.make_owned();
        self.rec.owned.push(c);
    }

    fn make_owned(&mut self) {
        if let Field::Borrowed { start, end } = self.field {
            let at = self.rec.owned.len();
            self.rec.owned.push_str(&self.input[start..end]);
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

/// The first `,`, `\n` or `\r` at or after `i` (or the end).
#[inline]
fn next_delimiter(bytes: &[u8], i: usize) -> usize {
    next_of(bytes, i, [b',', b'\n', b'\r'])
}

/// The first of the bytes `set` at or after `i` (or the end), sixteen bytes a step where
/// SSE2 is (every x86_64 CPU), else eight: most fields are a few bytes long, so one step
/// finds their end.
#[inline(always)]
pub(super) fn next_of<const N: usize>(bytes: &[u8], mut i: usize, set: [u8; N]) -> usize {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
            _mm_setzero_si128,
        };
        while i + 16 <= bytes.len() {
            // SAFETY: SSE2 is part of x86_64; the load reads bytes[i..i + 16], in bounds.
            let mask = unsafe {
                let v = _mm_loadu_si128(bytes.as_ptr().add(i).cast());
                let mut hits = _mm_setzero_si128();
                for c in set {
                    hits = _mm_or_si128(hits, _mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8)));
                }
                _mm_movemask_epi8(hits) as u32
            };
            if mask != 0 {
                return i + mask.trailing_zeros() as usize;
            }
            i += 16;
        }
    }
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    // high bit set in the bytes of `v` that are zero; exact for the lowest such byte, which
    // is the only one used
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap());
        let hits = set
            .iter()
            .fold(0, |h, &c| h | zero_bytes(w ^ (ONES * c as u64)));
        if hits != 0 {
            return i + (hits.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !set.contains(&bytes[i]) {
        i += 1;
    }
    i
}

/// Below this many bytes a file is read in one part.
const PARALLEL_BYTES: usize = 4 << 20;

/// Split CSV text into records of fields.
pub fn tokenize(input: &str) -> Result<Records<'_>, TokenizeError> {
    if input.len() >= OWNED as usize {
        return Err(TokenizeError {
            message: "file is larger than 2 GiB; not supported".into(),
        });
    }
    let bytes = input.as_bytes();
    if super::c_tokenizer::needs_replay(bytes) {
        let r = super::c_tokenizer::replay(input).map_err(|message| TokenizeError { message })?;
        let spans = r
            .spans
            .into_iter()
            .map(|(s, e)| (s | OWNED, e | OWNED))
            .collect();
        let mut part = Part {
            owned: r.text,
            spans,
            starts: r.starts,
        };
        part.cut_at_nul(input);
        let firsts = vec![0, part.len()];
        return Ok(Records {
            input,
            parts: vec![part],
            firsts,
        });
    }
    let threads = rayon::current_num_threads();
    // Lines are independent unless a quoted field spans them, so a file without quotes can be
    // cut after any newline.
    let bounds: Vec<usize> =
        if input.len() >= PARALLEL_BYTES && threads > 1 && memchr::memchr(b'"', bytes).is_none() {
            let mut cuts = vec![0];
            for t in 1..threads {
                let aim = (input.len() * t / threads).max(*cuts.last().unwrap());
                if let Some(nl) = memchr::memchr(b'\n', &bytes[aim..]) {
                    cuts.push(aim + nl + 1);
                }
            }
            cuts.push(input.len());
            cuts.dedup();
            cuts
        } else {
            vec![0, input.len()]
        };
    let mut parts: Vec<Part> = if bounds.len() > 2 {
        use rayon::prelude::*;
        bounds
            .par_windows(2)
            .map(|w| tokenize_part(input, w[0], w[1]))
            .collect::<Result<_, _>>()?
    } else {
        vec![tokenize_part(input, 0, input.len())?]
    };
    if memchr::memchr(0, bytes).is_some() {
        parts.iter_mut().for_each(|p| p.cut_at_nul(input));
    }
    let mut firsts = vec![0];
    for p in &parts {
        firsts.push(firsts.last().unwrap() + p.len());
    }
    Ok(Records {
        input,
        parts,
        firsts,
    })
}

/// Tokenize `input[from..to]`, where `from` starts a line and `to` ends one (or the input).
fn tokenize_part(input: &str, from: usize, to: usize) -> Result<Part, TokenizeError> {
    let bytes = &input.as_bytes()[..to];
    // Size the span lists from the line count and the header's width up front: growing them
    // by doubling would hold the old and the new buffer at once, up to three times the need.
    // A file has fewer fields than bytes plus lines, which bounds the guess for odd files.
    let lines = memchr::memchr_iter(b'\n', &bytes[from..]).count() + 1;
    let first_line = input[from..to].lines().next().unwrap_or("");
    let width = first_line.bytes().filter(|&c| c == b',').count() + 1;
    let mut starts = Vec::with_capacity(lines + 1);
    starts.push(0);
    let mut b = Builder {
        input,
        rec: Part {
            owned: String::new(),
            spans: Vec::with_capacity(lines.saturating_mul(width).min(to - from + lines)),
            starts,
        },
        field: Field::Borrowed {
            start: from,
            end: from,
        },
    };
    let mut state = State::StartRecord;
    // where a line that may turn out to be blank (spaces/tabs only) started
    let mut ws_start = 0usize;
    let mut quote_line = 0usize;
    let mut line = 1usize;
    let mut i = from;
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
                i = next_delimiter(bytes, i);
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
                    b.make_owned();
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
        assert_eq!(
            rows("a,b\n1,2\r\n3,4\r5,6"),
            vec![
                vec!["a", "b"],
                vec!["1", "2"],
                vec!["3", "4"],
                vec!["5", "6"]
            ]
        );
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
        assert_eq!(
            rows("a,b\n,\n1,"),
            vec![vec!["a", "b"], vec!["", ""], vec!["1", ""]]
        );
        assert_eq!(rows(",1"), vec![vec!["", "1"]]);
    }

    /// A file cut into parts reads exactly as in one piece: blank and whitespace lines,
    /// every line ending, trailing commas and short rows across the cuts.
    #[test]
    fn parts_read_like_one_piece() {
        let lines = [
            "1,a b,2.5\n",
            "\n",
            "  \n",
            "3,x,\r\n",
            "4\r",
            "5,y,6\n",
            " 7,z ,8\n",
            "\t\n",
            ",,\n",
            "9,w,1e3",
        ];
        let mut text = String::from("id,name,value\n");
        let mut k = 0usize;
        while text.len() < 3 * PARALLEL_BYTES {
            text.push_str(lines[k % lines.len()]);
            if k % lines.len() == lines.len() - 1 {
                text.push('\n');
            }
            k = k.wrapping_mul(7).wrapping_add(3) % 1000;
        }
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        let parallel = pool.install(|| tokenize(&text).unwrap());
        assert_eq!(parallel.parts.len(), 3);
        let whole = tokenize_part(&text, 0, text.len()).unwrap();
        assert_eq!(parallel.len(), whole.len());
        for r in 0..whole.len() {
            let expected: Vec<&str> = whole
                .record(r)
                .iter()
                .map(|&span| whole.text(&text, span))
                .collect();
            assert_eq!(
                parallel.record(r).collect::<Vec<_>>(),
                expected,
                "record {r}"
            );
        }
        let column: Vec<Option<&str>> = parallel.column(2, 1).collect();
        assert_eq!(column.len(), whole.len() - 1);
        assert_eq!(column[0], Some("2.5"));
        // any run of records, across the parts' bounds, field by field (short rows: None)
        let n = parallel.len();
        let cuts = [
            0,
            1,
            parallel.firsts[1] - 1,
            parallel.firsts[1],
            parallel.firsts[2] + 1,
            n - 1,
            n,
        ];
        for k in 0..4 {
            for &from in &cuts {
                for &to in cuts.iter().filter(|&&to| to >= from) {
                    let expected: Vec<Option<&str>> = (from..to)
                        .map(|r| (k < parallel.record_len(r)).then(|| parallel.field(r, k)))
                        .collect();
                    let fields = parallel.column_between(k, from, to);
                    assert_eq!(fields.len(), to - from);
                    assert_eq!(
                        fields.clone().collect::<Vec<_>>(),
                        expected,
                        "{k} {from}..{to}"
                    );
                    assert_eq!(fields.count(), to - from);
                }
            }
        }
    }

    #[test]
    fn delimiter_scan_matches_bytewise() {
        let text = b"abcdefghij,k\nlmnopqrstuvw\rxyz,,0123456789abcdef0123456789abcdefghijklmnopqrstuvwxyz,x\r\n0123456789abcdef\n";
        for i in 0..text.len() {
            let expected = (i..text.len())
                .find(|&j| matches!(text[j], b',' | b'\n' | b'\r'))
                .unwrap_or(text.len());
            assert_eq!(next_delimiter(text, i), expected, "from {i}");
        }
        // bytes just below and above the delimiters, and high bytes (UTF-8)
        let tricky = "\u{0b}\u{0c}\u{2b}\u{2d}é日本\u{0e}\u{09},x".as_bytes();
        assert_eq!(
            next_delimiter(tricky, 0),
            tricky.iter().position(|&c| c == b',').unwrap()
        );
    }
}
