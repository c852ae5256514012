//! A step-by-step replay of pandas 2.2's C tokenizer (`tokenizer.c`, default `read_csv`
//! options), run only on the files where its quirks change what it reads; the fast tokenizer
//! reads every other file the same way.
//!
//! The quirk: a line starting with a space or tab is first taken for a blank line; at its
//! first other byte the tokenizer backs up to the last `\n` *of the current read call* (or
//! the start of the call) and reads again from there. After a bare `\r` that `\n` lies
//! before the lines already read, so those lines are read again, and again each time the
//! same line is reached: rows are duplicated until pandas' buffers overflow ("Buffer
//! overflow caught") or the call's row limit is reached. What the limit and the buffers are
//! depends on how pandas feeds the tokenizer, which is replayed too:
//! - the file comes in chunks of 262,144 characters, one call per chunk at least;
//! - the header is read by a call limited to 2 lines, then rows in batches of
//!   `buffer_lines` (a power of two near 2^20 / width), after each of which the rows read
//!   are dropped from the buffers but the last one;
//! - buffer capacities grow as `grow_buffer` makes them at each call (and when a short row
//!   is padded), and a push past them is the overflow error.
//!
//! A `\r` then `,` after a blank line also differs: pandas drops that comma.

/// `tokenize_chunksize` of `TextReader`, in characters (the file is read in text mode).
const CHUNK_CHARS: usize = 262_144;
/// `DEFAULT_BUFFER_HEURISTIC`
const BUFFER_HEURISTIC: usize = 1 << 20;
/// A replay that produces more fields (or text bytes) than this, or than 4 per input byte,
/// stops with an error, which keeps a bulk job's memory bounded: pandas would be building
/// millions of duplicated rows, which no grader accepts.
const MAX_FIELDS: usize = 1 << 22;

/// Whether pandas' reading of `bytes` may differ from the fast tokenizer's: a bare `\r`
/// followed by a space, a tab or a comma, or a chunk boundary inside the leading blanks of
/// a line (the back-up never crosses into the previous chunk).
pub fn needs_replay(bytes: &[u8]) -> bool {
    let cr_quirk = memchr::memchr_iter(b'\r', bytes)
        .any(|i| matches!(bytes.get(i + 1), Some(b' ' | b'\t' | b',')));
    cr_quirk
        || chunk_bounds(bytes)
            .iter()
            .any(|&b| inside_leading_blanks(bytes, b))
}

/// Byte offsets where pandas' 262,144-character chunks start (the first one excluded).
fn chunk_bounds(bytes: &[u8]) -> Vec<usize> {
    // no more characters than bytes: a small file (most submissions) is one chunk, uncounted
    if bytes.len() <= CHUNK_CHARS {
        return Vec::new();
    }
    // a UTF-8 continuation byte does not start a character
    let starts_char = |b: &u8| b & 0xC0 != 0x80;
    let mut bounds = Vec::new();
    let (mut i, mut chars) = (0usize, 0usize);
    loop {
        let target = (bounds.len() + 1) * CHUNK_CHARS;
        // whole blocks while they stay below the next boundary (counted a block at a time;
        // an ASCII block, the usual one, has a character per byte)
        while let Some(block) = bytes.get(i..i + 4096) {
            let n = if block.is_ascii() {
                block.len()
            } else {
                block.iter().filter(|b| starts_char(b)).count()
            };
            if chars + n > target {
                break;
            }
            chars += n;
            i += 4096;
        }
        while i < bytes.len() && !(starts_char(&bytes[i]) && chars == target) {
            chars += usize::from(starts_char(&bytes[i]));
            i += 1;
        }
        if i >= bytes.len() {
            return bounds;
        }
        bounds.push(i);
    }
}

/// Whether offset `at` follows only blanks since the start of its line (not at the start).
fn inside_leading_blanks(bytes: &[u8], at: usize) -> bool {
    let line = &bytes[..at];
    let start = line
        .iter()
        .rposition(|&c| c == b'\n' || c == b'\r')
        .map_or(0, |p| p + 1);
    start < at && line[start..].iter().all(|&c| c == b' ' || c == b'\t')
}

#[derive(Clone, Copy, PartialEq, Debug)]
enum State {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
    EatCrnl,
    EatCrnlNop,
    WhitespaceLine,
    Finished,
}

/// The records pandas reads: all field texts one after another in `text`, `spans` (start,
/// end) into it, and where each record's spans start (one extra entry at the end).
#[derive(Debug)]
pub struct Replayed {
    pub text: String,
    pub spans: Vec<(u32, u32)>,
    pub starts: Vec<u32>,
}

const OVERFLOW: &str = "Buffer overflow caught - possible malformed input file.";

/// `grow_buffer`: double `cap` until `length + space < cap`.
fn grow(length: usize, mut cap: usize, space: usize) -> usize {
    while length + space >= cap {
        cap = if cap == 0 { 2 } else { cap << 1 };
    }
    cap
}

struct Parser<'a> {
    chunks: Vec<&'a [u8]>,
    next_chunk: usize,
    data: &'a [u8],
    pos: usize,
    state: State,
    first_call: bool,
    // pandas' buffer lengths and capacities: stream bytes, words, lines
    stream_len: usize,
    stream_cap: usize,
    words_len: usize,
    words_cap: usize,
    max_words_cap: usize,
    lines: usize,
    lines_cap: usize,
    /// field count of each line in the buffers (the last one is the line being read)
    line_fields: Vec<usize>,
    /// stream and word lengths at the end of each line in the buffers, from 0
    line_ends: Vec<(usize, usize)>,
    /// the field being read
    field: Vec<u8>,
    out: Replayed,
    max_fields: usize,
}

impl<'a> Parser<'a> {
    fn make_stream_space(&mut self, n: usize) {
        self.stream_cap = grow(self.stream_len, self.stream_cap, 2 * n);
        let length = if self.words_len + n < self.max_words_cap {
            self.max_words_cap - n - 1
        } else {
            self.words_len
        };
        self.words_cap = grow(length, self.words_cap, n);
        self.lines_cap = grow(self.lines + 1, self.lines_cap, n);
    }

    fn push(&mut self, c: u8) -> Result<(), String> {
        if self.stream_len >= self.stream_cap {
            return Err(OVERFLOW.into());
        }
        self.stream_len += 1;
        self.field.push(c);
        Ok(())
    }

    fn end_field(&mut self) -> Result<(), String> {
        if self.words_len >= self.words_cap {
            return Err(OVERFLOW.into());
        }
        // the terminating NUL; pandas ignores a failure to store it
        if self.stream_len < self.stream_cap {
            self.stream_len += 1;
        }
        self.words_len += 1;
        *self.line_fields.last_mut().unwrap() += 1;
        let start = self.out.text.len();
        let text = std::str::from_utf8(&self.field)
            .map_err(|_| "the file is not valid UTF-8 text".to_string())?;
        self.out.text.push_str(text);
        self.out
            .spans
            .push((start as u32, self.out.text.len() as u32));
        self.field.clear();
        if self.out.spans.len() > self.max_fields || self.out.text.len() > self.max_fields {
            return Err("the file makes pandas' tokenizer read its rows again and again (millions of duplicated rows)".into());
        }
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), String> {
        let mut fields = *self.line_fields.last().unwrap();
        let expected = if self.lines > 0 {
            Some(self.line_fields[self.line_fields.len() - 2])
        } else {
            None
        };
        if let Some(ex) = expected {
            // lines 0 and 1 of the buffers (the header and first row, or the row kept from
            // the last batch and the first of this one) may be longer
            if self.lines > 1 && fields > ex {
                return Err(format!(
                    "Expected {ex} fields in line {}, saw {fields}",
                    self.out.starts.len()
                ));
            }
            if fields < ex {
                self.make_stream_space(ex - fields);
                while fields < ex {
                    self.end_field()?;
                    fields += 1;
                }
            }
        }
        self.lines += 1;
        if self.lines >= self.lines_cap {
            return Err(OVERFLOW.into());
        }
        self.line_fields.push(0);
        self.line_ends.push((self.stream_len, self.words_len));
        self.out.starts.push(self.out.spans.len() as u32);
        Ok(())
    }

    /// `tokenize_bytes` over the rest of the current chunk, stopping once `start + limit`
    /// lines are buffered.
    fn tokenize_bytes(&mut self, limit: usize, start: usize) -> Result<(), String> {
        let data = self.data;
        self.make_stream_space(data.len() - self.pos);
        if self.first_call {
            self.first_call = false;
            if data[self.pos..].starts_with(b"\xef\xbb\xbf") {
                self.pos += 3;
            }
        }
        let low = self.pos;
        let mut i = self.pos;
        let at_limit = |p: &Self| p.lines == start + limit;
        while i < data.len() {
            let c = data[i];
            match self.state {
                State::WhitespaceLine => match c {
                    b'\n' => self.state = State::StartRecord,
                    b'\r' => self.state = State::EatCrnlNop,
                    b' ' | b'\t' => {}
                    _ => {
                        // back up to just after the last '\n' since `low`, or to `low`
                        let mut b = i;
                        while b > low && data[b] != b'\n' {
                            b -= 1;
                        }
                        if data[b] == b'\n' && b < i {
                            b += 1;
                        }
                        i = b;
                        self.state = State::StartField;
                        continue;
                    }
                },
                State::StartRecord => match c {
                    b'\n' => {}
                    b'\r' => self.state = State::EatCrnlNop,
                    b' ' | b'\t' => self.state = State::WhitespaceLine,
                    _ => {
                        self.state = State::StartField;
                        continue;
                    }
                },
                State::StartField | State::InField => match c {
                    b'\n' => {
                        self.end_field()?;
                        self.end_line()?;
                        self.state = State::StartRecord;
                        if at_limit(self) {
                            i += 1;
                            break;
                        }
                    }
                    b'\r' => {
                        self.end_field()?;
                        self.state = State::EatCrnl;
                    }
                    b'"' if self.state == State::StartField => self.state = State::InQuoted,
                    b',' => {
                        self.end_field()?;
                        self.state = State::StartField;
                    }
                    _ => {
                        self.push(c)?;
                        self.state = State::InField;
                    }
                },
                State::InQuoted => {
                    if c == b'"' {
                        self.state = State::QuoteInQuoted;
                    } else {
                        self.push(c)?;
                    }
                }
                State::QuoteInQuoted => match c {
                    b'"' => {
                        self.push(c)?;
                        self.state = State::InQuoted;
                    }
                    b',' => {
                        self.end_field()?;
                        self.state = State::StartField;
                    }
                    b'\n' => {
                        self.end_field()?;
                        self.end_line()?;
                        self.state = State::StartRecord;
                        if at_limit(self) {
                            i += 1;
                            break;
                        }
                    }
                    b'\r' => {
                        self.end_field()?;
                        self.state = State::EatCrnl;
                    }
                    _ => {
                        self.push(c)?;
                        self.state = State::InField;
                    }
                },
                State::EatCrnl => {
                    self.end_line()?;
                    match c {
                        b'\n' => {
                            self.state = State::StartRecord;
                            i += 1;
                        }
                        b',' => {
                            self.end_field()?;
                            self.state = State::StartField;
                            i += 1;
                        }
                        // a bare '\r' ended the line: this byte starts the next one
                        _ => self.state = State::StartRecord,
                    }
                    if at_limit(self) {
                        break;
                    }
                    continue;
                }
                State::EatCrnlNop => {
                    self.state = State::StartRecord;
                    if c != b'\n' && c != b',' {
                        continue;
                    }
                }
                State::Finished => unreachable!("no bytes are read after the end"),
            }
            i += 1;
        }
        self.pos = i;
        Ok(())
    }

    /// `_tokenize_helper`: read until `nrows` more lines are buffered or the file ends.
    fn tokenize_rows(&mut self, nrows: usize) -> Result<(), String> {
        let start = self.lines;
        while self.state != State::Finished && self.lines - start < nrows {
            if self.pos == self.data.len() {
                if self.next_chunk == self.chunks.len() {
                    return self.handle_eof();
                }
                self.data = self.chunks[self.next_chunk];
                self.next_chunk += 1;
                self.pos = 0;
            }
            self.tokenize_bytes(nrows, start)?;
        }
        Ok(())
    }

    fn handle_eof(&mut self) -> Result<(), String> {
        let state = std::mem::replace(&mut self.state, State::Finished);
        match state {
            State::StartRecord | State::WhitespaceLine | State::EatCrnlNop | State::Finished => {
                Ok(())
            }
            State::InQuoted => Err(format!(
                "EOF inside string starting at row {}",
                self.out.starts.len() - 1
            )),
            State::InField | State::StartField | State::QuoteInQuoted => {
                self.end_field()?;
                self.end_line()
            }
            State::EatCrnl => self.end_line(),
        }
    }

    /// `parser_consume_rows` after a batch: the buffers keep only the last row read.
    fn consume(&mut self, rows: usize) {
        let (bytes, words) = self.line_ends[rows];
        self.stream_len -= bytes;
        self.words_len -= words;
        self.lines -= rows;
        self.line_ends.drain(..rows);
        for e in &mut self.line_ends {
            e.0 -= bytes;
            e.1 -= words;
        }
        self.line_fields.drain(..rows);
    }
}

/// Read `input` exactly as `pd.read_csv(path)` tokenizes it, or pandas' error message.
pub fn replay(input: &str) -> Result<Replayed, String> {
    let bytes = input.as_bytes();
    let mut cuts = vec![0];
    cuts.extend(chunk_bounds(bytes));
    cuts.push(bytes.len());
    let chunks: Vec<&[u8]> = cuts
        .windows(2)
        .map(|w| &bytes[w[0]..w[1]])
        .filter(|c| !c.is_empty())
        .collect();
    let mut p = Parser {
        chunks,
        next_chunk: 0,
        data: &[],
        pos: 0,
        state: State::StartRecord,
        first_call: true,
        stream_len: 0,
        stream_cap: 32,
        words_len: 0,
        words_cap: 3,
        max_words_cap: 3,
        lines: 0,
        lines_cap: 3,
        line_fields: vec![0, 0],
        line_ends: vec![(0, 0)],
        field: Vec::new(),
        out: Replayed {
            text: String::new(),
            spans: Vec::new(),
            starts: vec![0],
        },
        max_fields: MAX_FIELDS.max(4 * bytes.len()),
    };
    // `line_fields` holds a placeholder before line 0 so that the previous line's count is
    // always at `len - 2`
    p.tokenize_rows(2)?;
    let width = match p.lines {
        0 => 0,
        1 => p.line_fields[1],
        _ => p.line_fields[2],
    };
    if let Some(heuristic) = BUFFER_HEURISTIC.checked_div(width) {
        let mut batch = 1usize;
        while batch * 2 < heuristic {
            batch *= 2;
        }
        while p.state != State::Finished {
            let buffered = p.lines - 1;
            p.tokenize_rows(batch.saturating_sub(buffered))?;
            if p.state != State::Finished {
                p.consume(batch);
            }
        }
    }
    Ok(p.out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(s: &str) -> Result<Vec<Vec<String>>, String> {
        let r = replay(s)?;
        Ok(r.starts
            .windows(2)
            .map(|w| {
                r.spans[w[0] as usize..w[1] as usize]
                    .iter()
                    .map(|&(a, b)| r.text[a as usize..b as usize].to_string())
                    .collect()
            })
            .collect())
    }

    #[test]
    fn header_read_again_when_the_first_row_starts_with_a_space() {
        assert_eq!(
            rows("a,b\r 1,2\r").unwrap(),
            vec![vec!["a", "b"], vec!["a", "b"], vec![" 1", "2"]]
        );
    }

    #[test]
    fn rows_read_again_until_the_buffers_overflow() {
        assert_eq!(rows("a,b\r 1,2\r 3,4\r").unwrap_err(), OVERFLOW);
        assert_eq!(rows("a,b\r1,2\r3,4\r 5,6\r").unwrap_err(), OVERFLOW);
        // the back-up stops at a '\n'
        assert_eq!(
            rows("a,b\r\n 1,2\r 3,4\r").unwrap(),
            vec![vec!["a", "b"], vec![" 1", "2"], vec![" 3", "4"]]
        );
    }

    #[test]
    fn short_rows_grow_the_buffers_so_the_row_limit_ends_the_loop() {
        // pandas 2.2.3: 262,146 rows, the row " 2" 262,143 times
        let r = rows("c0,c1\r 2\r\t\"a\rb\"\r ").unwrap();
        assert_eq!(r.len(), 262_147);
        assert_eq!(r[1], vec!["c0", "c1"]);
        assert!(r[2..262_145].iter().all(|row| row == &vec![" 2", ""]));
        assert_eq!(r[262_145], vec!["\t\"a", ""]);
        assert_eq!(r[262_146], vec!["b\"", ""]);
    }

    #[test]
    fn comma_after_a_blank_cr_line_is_dropped() {
        assert_eq!(
            rows("a,b\r\r,1\r").unwrap(),
            vec![vec!["a", "b"], vec!["1", ""]]
        );
    }

    #[test]
    fn replay_reads_plain_files_like_the_fast_tokenizer() {
        for text in [
            "a,b\n1,2\n",
            "a,b\r\n\"x,\"\"y\",2\r\n3\n",
            "a\n\n  \n1\n",
            "a,b\n1,2,3\n",
        ] {
            let fast = super::super::tokenize(text).unwrap();
            let fast: Vec<Vec<String>> = (0..fast.len())
                .map(|i| fast.record(i).map(str::to_string).collect())
                .collect();
            let replayed = rows(text).unwrap();
            // the replay pads short rows as pandas does
            assert_eq!(replayed.len(), fast.len(), "{text:?}");
            for (a, b) in replayed.iter().zip(&fast) {
                assert_eq!(&a[..b.len()], &b[..], "{text:?}");
                assert!(a[b.len()..].iter().all(String::is_empty));
            }
        }
    }

    #[test]
    fn triggers() {
        assert!(needs_replay(b"a\r b"));
        assert!(needs_replay(b"a\r\tb"));
        assert!(needs_replay(b"a\r,b"));
        assert!(!needs_replay(b"a\r\n b\n c\rd"));
        let mut big = vec![b'x'; CHUNK_CHARS - 2];
        big.extend_from_slice(b"\n  y\n");
        assert!(needs_replay(&big));
        let mut big = vec![b'x'; CHUNK_CHARS - 1];
        big.extend_from_slice(b"\n  y\n");
        assert!(!needs_replay(&big));
    }

    #[test]
    fn chunks_are_counted_in_characters() {
        let text = "é".repeat(CHUNK_CHARS * 2 + 5) + "ab";
        assert_eq!(
            chunk_bounds(text.as_bytes()),
            vec![2 * CHUNK_CHARS, 4 * CHUNK_CHARS]
        );
        assert_eq!(
            chunk_bounds(&vec![b'x'; 3 * CHUNK_CHARS]),
            vec![CHUNK_CHARS, 2 * CHUNK_CHARS]
        );
        // at most one chunk's bytes: one chunk; one more byte starts a second
        assert!(chunk_bounds(&vec![b'x'; CHUNK_CHARS]).is_empty());
        assert_eq!(
            chunk_bounds(&vec![b'x'; CHUNK_CHARS + 1]),
            vec![CHUNK_CHARS]
        );
        let text = "é".repeat(CHUNK_CHARS / 2);
        assert!(chunk_bounds(text.as_bytes()).is_empty());
        assert_eq!(
            chunk_bounds(&vec![b'x'; 3 * CHUNK_CHARS + 1]),
            vec![CHUNK_CHARS, 2 * CHUNK_CHARS, 3 * CHUNK_CHARS]
        );
        assert!(chunk_bounds(b"short").is_empty());
    }

    #[test]
    fn chunk_bounds_of_mixed_text_are_every_262144th_character() {
        // ASCII runs and multibyte characters across the 4,096-byte blocks and the bounds
        let mut text = String::new();
        let mut seed = 3u32;
        while text.len() < 5 * CHUNK_CHARS {
            seed = seed.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            let run = (seed >> 16) as usize % 9000;
            match seed % 3 {
                0 => text.push_str(&"a,1\n".repeat(run / 4)),
                1 => text.push_str(&"é€".repeat(run / 5)),
                _ => text.push_str(&"😀x".repeat(run / 5)),
            }
        }
        let expected: Vec<usize> = text
            .char_indices()
            .map(|(at, _)| at)
            .enumerate()
            .filter(|&(k, _)| k > 0 && k % CHUNK_CHARS == 0)
            .map(|(_, at)| at)
            .collect();
        assert_eq!(chunk_bounds(text.as_bytes()), expected);
    }

    #[test]
    fn endless_rereads_stop_with_an_error() {
        // every blank-led row re-reads up to 262,144 rows: far more than the file's size
        let text = "a,b\r".to_string() + &" 1\r".repeat(40);
        assert!(replay(&text).unwrap_err().contains("again and again"));
    }
}
