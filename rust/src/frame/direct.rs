//! Reading the plainest CSV straight into columns, without the tokenizer's records.
//!
//! Most large submissions have the plainest shape: no quote, CR or NUL byte, `\n` line ends,
//! every line with the header's number of fields (2 to `MAX_WIDTH`) and none starting with a
//! blank, the ids in the answers' order, numbers in the other columns. There a field is simply
//! the text between two delimiters, and the tokenizer's records (8 bytes of fresh memory a
//! field and 4 a line, written once and read once) are pure overhead.
//! `read_plain` walks such a file once, in chunks of lines on all cores, comparing each id
//! column with the answers' texts and parsing each other column as floats as it goes. A
//! column that turns out to be anything else (ints, text, missing values, ids in another
//! order) is then typed by `infer_column` over the same fields, so every column comes out
//! exactly as the tokenizer's path types it. A file of any other shape gives `None`, and the
//! caller tokenizes it.

use super::infer::{
    infer_column, is_na, parse_pandas_float, parse_pandas_int, text_cell, text_from_first, IntParse,
};
use super::tokenizer::next_of;
use super::value::{Cell, Column};
use super::{header_names, Frame, IndexCache, Spares};
use std::mem::MaybeUninit;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// Smaller files are tokenized: the records of a small file cost little, and the
/// tokenizer's path is the one every small file of the oracle exercises.
pub(super) const MIN_BYTES: usize = 1 << 20;

/// Bytes of one chunk of lines: the unit of parallel work.
pub(super) const CHUNK_BYTES: usize = 1 << 20;

/// Wider files are tokenized: a column typed afterwards walks every line up to its field,
/// which costs the square of the width a line.
const MAX_WIDTH: usize = 32;

/// Rows between two looks at what the other chunks found.
const POLL_ROWS: usize = 1 << 12;

/// What the walk does with a column's fields.
enum Plan<'a> {
    /// compare with the answers' texts, to share their cells (`shared_text_column`)
    Same(&'a Arc<Vec<Cell>>),
    /// parse as floats into the column's buffer
    Float,
    /// leave to `infer_column` (its first field is not a float: text, or missing)
    Rest,
}

/// `Frame::from_records` of `bytes` when the file has the plain shape (module docs), else
/// `None`; also `None` for a file that is not UTF-8, so that the caller reports it.
pub(super) fn read_plain(
    bytes: &[u8],
    answers: Option<&Frame>,
    spares: Option<&Spares>,
    chunk_bytes: usize,
) -> Option<Frame> {
    use rayon::prelude::*;
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let header_end = memchr::memchr(b'\n', bytes)?;
    let header = std::str::from_utf8(&bytes[..header_end]).ok()?;
    // a line starting with a blank may meet pandas' chunk quirk (`c_tokenizer`)
    if header.starts_with([' ', '\t']) || header.bytes().any(|c| matches!(c, b'"' | b'\r' | 0)) {
        return None;
    }
    let ncols = header.split(',').count();
    if !(2..=MAX_WIDTH).contains(&ncols) {
        return None;
    }
    let names = header_names(header.split(','));
    let body = &bytes[header_end + 1..];
    if body.is_empty() {
        return None;
    }
    let cuts = line_cuts(body, chunk_bytes);
    // UTF-8 chunk by chunk: a cut follows a `\n`, which no multi-byte character contains
    let chunks: Vec<&str> = cuts
        .par_windows(2)
        .map(|w| std::str::from_utf8(&body[w[0]..w[1]]).ok())
        .collect::<Option<_>>()?;
    // SAFETY: `body` is the concatenation of the chunks, each valid UTF-8 (checked above).
    let body = unsafe { std::str::from_utf8_unchecked(body) };
    let rows: Vec<usize> = chunks
        .par_iter()
        .map(|c| memchr::memchr_iter(b'\n', c.as_bytes()).count() + usize::from(!c.ends_with('\n')))
        .collect();
    let nrows: usize = rows.iter().sum();
    let mut first_line = chunks[0].split('\n').next().unwrap_or_default().split(',');
    let plans: Vec<Plan> = names
        .iter()
        .map(|name| {
            let first = first_line.next().unwrap_or_default();
            match answers.filter(|a| a.nrows == nrows).map(|a| a.column(name)) {
                Some(Some(Column::Object(cells))) => Plan::Same(cells),
                // the walk would give up on it at once
                _ if parse_pandas_float(first).is_none() => Plan::Rest,
                _ => Plan::Float,
            }
        })
        .collect();
    let mut floats: Vec<Option<Vec<f64>>> = plans
        .iter()
        .map(|p| {
            // empty: the walk writes every value of a column that stays a float column
            matches!(p, Plan::Float)
                .then(|| spares.map_or_else(|| Vec::with_capacity(nrows), |s| s.take(nrows)))
        })
        .collect();
    let bad_shape = AtomicBool::new(false);
    let failed: Vec<AtomicBool> = (0..ncols).map(|_| AtomicBool::new(false)).collect();
    // each chunk's own slice of every float column
    let mut outs: Vec<Vec<&mut [MaybeUninit<f64>]>> = chunks.iter().map(|_| Vec::new()).collect();
    for column in floats.iter_mut().flatten() {
        let slices = by_chunk(&mut column.spare_capacity_mut()[..nrows], &rows);
        for (out, mine) in outs.iter_mut().zip(slices) {
            out.push(mine);
        }
    }
    let mut firsts = Vec::with_capacity(rows.len());
    let mut row = 0;
    for &n in &rows {
        firsts.push(row);
        row += n;
    }
    // per chunk and column: a field that is not an integer (where the int pass of
    // `infer_column` would stop) was seen
    let not_int: Vec<Vec<bool>> = chunks
        .par_iter()
        .zip(outs)
        .zip(firsts.par_iter().zip(&rows))
        .map(|((chunk, mut out), (&first, &n))| {
            let (not_int, walked) = walk_chunk(chunk, first, &plans, &mut out, &failed, &bad_shape);
            if walked != n {
                bad_shape.store(true, Ordering::Relaxed);
            }
            not_int
        })
        .collect();
    let give_back = |floats: Vec<Option<Vec<f64>>>| {
        if let Some(sp) = spares {
            floats.into_iter().flatten().for_each(|v| sp.give(v));
        }
    };
    if bad_shape.load(Ordering::Relaxed) {
        give_back(floats);
        return None;
    }
    // the walk's columns, and the others typed from their fields
    let mut columns: Vec<Option<Column>> = Vec::with_capacity(ncols);
    let mut unused = Vec::new();
    for (c, plan) in plans.iter().enumerate() {
        let ok = !failed[c].load(Ordering::Relaxed);
        if let (true, Some(v)) = (ok, floats[c].as_mut()) {
            // SAFETY: a float column that never failed had every one of its `nrows` values
            // written: each chunk walked all its lines (`walked == n`, else `bad_shape`), and
            // a line leaves a value unwritten only after marking the column failed.
            unsafe { v.set_len(nrows) };
        }
        columns.push(match plan {
            Plan::Same(cells) if ok => Some(Column::Object(Arc::clone(cells))),
            Plan::Rest => None,
            Plan::Float if ok && not_int.iter().any(|chunk| chunk[c]) => {
                Some(Column::Float(floats[c].take().unwrap()))
            }
            // ints only (each within 2^53, so exact as a float): int64 to pandas
            Plan::Float if ok => Some(Column::Int(
                floats[c]
                    .take()
                    .unwrap()
                    .into_iter()
                    .map(|v| v as i64)
                    .collect(),
            )),
            _ => {
                unused.extend(floats[c].take());
                None
            }
        });
    }
    give_back(unused.into_iter().map(Some).collect());
    let typed: Vec<(usize, Column)> = (0..ncols)
        .filter(|&c| columns[c].is_none())
        .collect::<Vec<_>>()
        .into_par_iter()
        .map(|c| {
            let column = text_column_in_parallel(&chunks, &rows, c, nrows, spares)
                .unwrap_or_else(|| infer_column(PlainFields::new(body, c, nrows), nrows));
            (c, column)
        })
        .collect();
    for (c, column) in typed {
        columns[c] = Some(column);
    }
    Some(Frame {
        names,
        columns: columns.into_iter().map(Option::unwrap).collect(),
        nrows,
        indexes: IndexCache::new(ncols),
    })
}

/// Column `k` typed as text when its first field that is not missing says so
/// (`text_from_first`), its cells made chunk by chunk on all cores; else `None`.
fn text_column_in_parallel(
    chunks: &[&str],
    rows: &[usize],
    k: usize,
    nrows: usize,
    spares: Option<&Spares>,
) -> Option<Column> {
    use rayon::prelude::*;
    let first = chunks
        .iter()
        .zip(rows)
        .flat_map(|(chunk, &n)| PlainFields::new(chunk, k, n))
        .find(|&f| !is_na(f))??;
    if !text_from_first(first) {
        return None;
    }
    let mut cells: Vec<Cell> =
        spares.map_or_else(|| Vec::with_capacity(nrows), |s| s.take_cells(nrows));
    let outs = by_chunk(&mut cells.spare_capacity_mut()[..nrows], rows);
    chunks
        .par_iter()
        .zip(outs)
        .zip(rows)
        .for_each(|((chunk, out), &n)| {
            for (slot, field) in out.iter_mut().zip(PlainFields::new(chunk, k, n)) {
                slot.write(text_cell(field));
            }
        });
    // SAFETY: every one of the `nrows` slots was written: the walk found exactly `rows[i]`
    // lines of the header's width in chunk `i`, so its `PlainFields` yields `rows[i]` fields.
    unsafe { cells.set_len(nrows) };
    Some(Column::Object(Arc::new(cells)))
}

/// `column` cut into the slices of each chunk's rows (`rows`: the chunks' row counts).
fn by_chunk<'c, T>(mut column: &'c mut [T], rows: &[usize]) -> Vec<&'c mut [T]> {
    rows.iter()
        .map(|&n| {
            let (mine, after) = std::mem::take(&mut column).split_at_mut(n);
            column = after;
            mine
        })
        .collect()
}

/// Offsets cutting `body` into runs of whole lines of about `chunk_bytes`: 0, each cut just
/// after a `\n`, and the end.
fn line_cuts(body: &[u8], chunk_bytes: usize) -> Vec<usize> {
    let mut cuts = vec![0];
    let mut aim = chunk_bytes.max(1);
    while aim < body.len() {
        match memchr::memchr(b'\n', &body[aim - 1..]) {
            Some(nl) if aim + nl < body.len() => {
                cuts.push(aim + nl);
                aim += nl + chunk_bytes.max(1);
            }
            _ => break,
        }
    }
    cuts.push(body.len());
    cuts
}

/// Walk the lines of one chunk (data rows `first..`): compare or parse every field as its
/// column's plan says, into `out` (the chunk's slice of each float column, in column order).
/// A column whose fields do not fit its plan is marked in `failed`, a line that does not
/// have the plain shape in `bad_shape`; both stop the work they make useless. Returns, per
/// column, whether a field that is not an integer was seen, and the lines walked.
fn walk_chunk(
    chunk: &str,
    first: usize,
    plans: &[Plan],
    out: &mut [&mut [MaybeUninit<f64>]],
    failed: &[AtomicBool],
    bad_shape: &AtomicBool,
) -> (Vec<bool>, usize) {
    let ncols = plans.len();
    let mut not_int = vec![false; ncols];
    let mut alive: Vec<bool> = failed.iter().map(|f| !f.load(Ordering::Relaxed)).collect();
    let fail = |alive: &mut Vec<bool>, c: usize| {
        alive[c] = false;
        failed[c].store(true, Ordering::Relaxed);
    };
    let bytes = chunk.as_bytes();
    let mut pos = 0;
    let mut r = 0;
    while pos < bytes.len() {
        if r % POLL_ROWS == 0 {
            if bad_shape.load(Ordering::Relaxed) {
                break;
            }
            for (a, f) in alive.iter_mut().zip(failed) {
                *a &= !f.load(Ordering::Relaxed);
            }
        }
        // a line starting with a blank may be blank, or meet pandas' chunk quirk
        if matches!(bytes[pos], b' ' | b'\t') {
            bad_shape.store(true, Ordering::Relaxed);
            return (not_int, r);
        }
        let mut float_k = 0;
        for (c, plan) in plans.iter().enumerate() {
            // ends a field: `,` or `\n`; the others end the plain shape
            let end = next_of(bytes, pos, [b',', b'\n', b'\r', b'"', 0]);
            let delimiter = bytes.get(end).copied();
            let last = c + 1 == ncols;
            let fits = match delimiter {
                Some(b',') => !last,
                Some(b'\n') | None => last,
                _ => false,
            };
            if !fits {
                bad_shape.store(true, Ordering::Relaxed);
                return (not_int, r);
            }
            // `pos..end` lies between ASCII bytes (or the chunk's ends)
            let field = &chunk[pos..end];
            match plan {
                Plan::Same(cells) => {
                    if alive[c] && !matches!(&cells[first + r], Cell::Str(t) if t.as_str() == field)
                    {
                        fail(&mut alive, c);
                    }
                }
                Plan::Float => {
                    if alive[c] {
                        match parse_pandas_float(field) {
                            Some(v) => {
                                out[float_k][r].write(v);
                            }
                            // missing, or text: typed afterwards
                            None => fail(&mut alive, c),
                        }
                    }
                    // until the chunk's first field that is not an int (`1.5`, `1e3`, `inf`)
                    if alive[c] && !not_int[c] {
                        if field.contains('.') {
                            not_int[c] = true;
                        } else {
                            match parse_pandas_int(field) {
                                // its float is the int exactly, for a column of ints
                                IntParse::Int(i) if i.unsigned_abs() <= 1 << 53 => {}
                                IntParse::Int(_) => fail(&mut alive, c),
                                IntParse::NotInt => not_int[c] = true,
                                // the int pass turns to uint64 at an overflow that comes
                                // before the first non-int: left to `infer_column`
                                IntParse::Overflow { .. } => fail(&mut alive, c),
                            }
                        }
                    }
                    float_k += 1;
                }
                Plan::Rest => {}
            }
            pos = end + 1;
        }
        r += 1;
    }
    (not_int, r)
}

/// Field `k` of every line of a plain body (every line has the header's width), as the
/// tokenizer's `ColumnFields` yields it.
#[derive(Clone)]
struct PlainFields<'a> {
    body: &'a str,
    k: usize,
    pos: usize,
    left: usize,
}

impl<'a> PlainFields<'a> {
    fn new(body: &'a str, k: usize, nrows: usize) -> Self {
        PlainFields {
            body,
            k,
            pos: 0,
            left: nrows,
        }
    }
}

impl<'a> Iterator for PlainFields<'a> {
    type Item = Option<&'a str>;

    fn next(&mut self) -> Option<Option<&'a str>> {
        if self.left == 0 {
            return None;
        }
        let bytes = self.body.as_bytes();
        let mut start = self.pos;
        for _ in 0..self.k {
            start = next_of(bytes, start, [b',']) + 1;
        }
        let end = next_of(bytes, start, [b',', b'\n']);
        self.pos = if bytes.get(end) == Some(&b'\n') {
            end + 1
        } else {
            next_of(bytes, end, [b'\n']) + 1
        };
        self.left -= 1;
        Some(Some(&self.body[start..end]))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.left, Some(self.left))
    }
}

impl ExactSizeIterator for PlainFields<'_> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::frame::{tokenize, ReadError};

    /// The tokenizer's path, whatever the file's shape.
    fn tokenized(bytes: &[u8], answers: Option<&Frame>) -> Result<Frame, ReadError> {
        let text = std::str::from_utf8(bytes).unwrap();
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let records = tokenize(text).map_err(|e| ReadError::Tokenize(e.message))?;
        Frame::from_records(&records, answers, None)
    }

    /// Frames compared by their debug text, so that NaN equals NaN and -0.0 differs from 0.0.
    fn same(a: &Frame, b: &Frame) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    fn shares(f: &Frame, answers: &Frame, name: &str) -> bool {
        matches!((f.column(name), answers.column(name)),
            (Some(Column::Object(x)), Some(Column::Object(y))) if Arc::ptr_eq(x, y))
    }

    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }
        fn below(&mut self, n: usize) -> usize {
            (self.next() % n as u64) as usize
        }
        fn chance(&mut self, one_in: usize) -> bool {
            self.below(one_in) == 0
        }
    }

    fn answers(n: usize) -> Frame {
        let mut s = String::from("id,value,label\n");
        for i in 0..n {
            s.push_str(&format!("r{i},{}.5,{}\n", i % 7, ["a", "b", "c"][i % 3]));
        }
        tokenized(s.as_bytes(), None).unwrap()
    }

    /// A field of a column of `kind`, one in `odd` an odd one (never, for 0).
    fn field(rng: &mut Rng, kind: usize, row: usize, odd: usize) -> String {
        const ODD: [&str; 27] = [
            "",
            "nan",
            "NA",
            "inf",
            "-Infinity",
            "1e5",
            "-0",
            "+3",
            "007",
            " 5",
            "5 ",
            "1_0",
            "99999999999999999999",
            "-9223372036854775808",
            "1e500",
            ".5",
            "5.",
            "é",
            "true",
            "x\"y",
            "0x1A",
            "1.0e-3",
            "12345678901234567890123",
            "-",
            "9007199254740993",
            "-9007199254740992",
            "1,5",
        ];
        if odd > 0 && kind != 4 && rng.chance(odd) {
            return ODD[rng.below(ODD.len())].to_string();
        }
        match kind {
            0 => format!("{}", rng.below(1000)),
            1 => format!("{}.{:03}", rng.below(10), rng.below(1000)),
            2 => format!("0.{}", rng.next() % 100_000_000_000_000_000),
            3 => ["a", "b", "c", "dé"][rng.below(4)].to_string(),
            _ => format!("r{row}"),
        }
    }

    /// A CSV close to the plain shape, with the odd deviation from it.
    fn csv(rng: &mut Rng, n: usize) -> String {
        let header = [
            ["id", "value"],
            ["id", "label"],
            ["value", "id"],
            ["x", "value"],
        ][rng.below(4)];
        let mut kinds = [4, [0, 1, 2, 3][rng.below(4)]];
        if header[0] != "id" {
            kinds.swap(0, 1);
        }
        let mut s = String::new();
        if rng.chance(20) {
            s.push('\u{feff}');
        }
        s.push_str(&header.join(","));
        if rng.chance(30) {
            s.push_str(",extra");
        }
        s.push('\n');
        let rows = if rng.chance(10) { n + 1 } else { n };
        let odd = [0, 0, 3, 50, 1000][rng.below(5)];
        let shape_odd = [0, 0, 0, 20, 300][rng.below(5)];
        let other_id = if rng.chance(4) {
            rng.below(n)
        } else {
            usize::MAX
        };
        for r in 0..rows {
            let id_row = if r == other_id { r + 1 } else { r };
            let fields: Vec<String> = kinds.iter().map(|&k| field(rng, k, id_row, odd)).collect();
            if shape_odd > 0 && rng.chance(shape_odd) {
                s.push_str(["\n", " ", "\t", "\"q\",", "\r"][rng.below(5)]);
            }
            s.push_str(&fields.join(","));
            if shape_odd > 0 && rng.chance(shape_odd) {
                s.push(',');
            }
            if r + 1 < rows || !rng.chance(3) {
                let crlf = shape_odd > 0 && rng.chance(shape_odd);
                s.push_str(if crlf { "\r\n" } else { "\n" });
            }
        }
        s
    }

    #[test]
    fn plain_files_read_as_the_tokenizer_reads_them() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut direct, mut shared) = (0, 0);
        for case in 0..3000 {
            let n = 1 + rng.below(300);
            let answers = answers(n);
            let text = csv(&mut rng, n);
            let chunk = 1 + rng.below(text.len() + 64);
            let expected = tokenized(text.as_bytes(), Some(&answers));
            let Some(got) = read_plain(text.as_bytes(), Some(&answers), None, chunk) else {
                continue;
            };
            direct += 1;
            let expected = expected.unwrap_or_else(|e| panic!("case {case}: {e}\n{text}"));
            assert!(
                same(&got, &expected),
                "case {case}, chunks of {chunk}:\n{text}"
            );
            for name in ["id", "label"] {
                assert_eq!(
                    shares(&got, &answers, name),
                    shares(&expected, &answers, name),
                    "case {case} {name}"
                );
                shared += usize::from(shares(&got, &answers, name));
            }
        }
        // the plain shape is the common case, and most of its id columns are shared
        assert!(direct > 1500, "{direct} read directly");
        assert!(shared > 600, "{shared} shared");
    }

    #[test]
    fn lines_starting_with_blanks_are_left_to_the_tokenizer() {
        // pandas reads 262,144 characters at a time; where a cut falls inside a line's
        // leading blanks its tokenizer re-reads (`c_tokenizer`): a line starting with a
        // blank is never read directly
        let mut text = String::from("id,value\n");
        while text.len() < (1 << 18) - 40 {
            text.push_str("r,0.5\n");
        }
        // the blank line's spaces start 3 bytes before the cut
        let fill = (1 << 18) - 8 - text.len();
        text.push_str(&"x".repeat(fill));
        text.push_str(",0.5\n      a,0.25\n");
        for _ in 0..1000 {
            text.push_str("r,0.5\n");
        }
        assert!(crate::frame::c_tokenizer::needs_replay(text.as_bytes()));
        assert!(read_plain(text.as_bytes(), None, None, 1 << 16).is_none());
        let plain = text.replace("      a", "a");
        let got = read_plain(plain.as_bytes(), None, None, 1 << 16).unwrap();
        assert!(same(&got, &tokenized(plain.as_bytes(), None).unwrap()));
    }

    #[test]
    fn bad_large_files_get_the_tokenizers_errors() {
        let mut text = String::from("id,value\n");
        while text.len() < 2 * MIN_BYTES {
            text.push_str("r,0.5\n");
        }
        // a byte that is not UTF-8 in the middle: the offset is reported, as for any file
        let mut bytes = text.clone().into_bytes();
        let at = bytes.len() / 2;
        bytes[at] = 0xff;
        assert!(read_plain(&bytes, None, None, CHUNK_BYTES).is_none());
        assert_eq!(
            Frame::from_csv_bytes(&bytes),
            Err(ReadError::NotUtf8 { offset: at })
        );
        // too many fields on a late line, and an unterminated quote
        for bad in ["r,0.5,7\n", "\"r,0.5\n"] {
            let broken = format!("{text}{bad}");
            assert!(read_plain(broken.as_bytes(), None, None, CHUNK_BYTES).is_none());
            assert_eq!(
                Frame::from_csv_bytes(broken.as_bytes()),
                tokenized(broken.as_bytes(), None)
            );
            assert!(Frame::from_csv_bytes(broken.as_bytes()).is_err(), "{bad}");
        }
    }
}
