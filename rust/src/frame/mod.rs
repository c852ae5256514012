//! A small data frame read from CSV with the type inference of `pandas.read_csv`
//! (C parser, `float_precision="round_trip"`), because the reference's graders see exactly
//! those types: an empty cell makes an int column float, one text cell makes a numeric
//! column text, `True`/`false` become booleans, `007` becomes 7, and so on.

mod c_tokenizer;
mod decimal;
mod direct;
mod index;
mod infer;
pub mod npsort;
mod prefetch;
pub mod spares;
mod tokenizer;
pub mod value;

pub use index::{IndexCache, RowIndex};
pub use infer::{parse_pandas_float, parse_pandas_int, IntParse};
pub use spares::Spares;
pub use tokenizer::{tokenize, Records, TokenizeError};
pub use value::{Cell, Column, Value};

use std::fmt;

#[derive(Debug, Clone, PartialEq)]
pub enum ReadError {
    /// pandas: `EmptyDataError: No columns to parse from file`
    Empty,
    NotUtf8 {
        offset: usize,
    },
    Tokenize(String),
    FieldCount {
        line: usize,
        expected: usize,
        saw: usize,
    },
    TooManyColumns {
        columns: usize,
        limit: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Empty => f.write_str("the CSV file is empty (no columns to parse)"),
            ReadError::NotUtf8 { offset } => {
                write!(
                    f,
                    "the file is not valid UTF-8 text (bad byte at offset {offset})"
                )
            }
            ReadError::Tokenize(m) => write!(f, "malformed CSV: {m}"),
            ReadError::FieldCount {
                line,
                expected,
                saw,
            } => write!(
                f,
                "malformed CSV: expected {expected} fields in line {line}, saw {saw}"
            ),
            ReadError::TooManyColumns { columns, limit } => write!(
                f,
                "the CSV has {columns} columns, more than the {limit} any competition uses"
            ),
        }
    }
}

/// From this many rows on, a float column is parsed in parallel chunks, and a text column
/// is compared with the answers' in parallel chunks.
const PARALLEL_ROWS: usize = 1 << 16;

/// Rows of a column per parallel chunk.
const CHUNK_ROWS: usize = 1 << 15;

/// Columns wider than any competition's submission are refused before type inference, so a
/// 20,000-column file costs a tokenizer pass and nothing more.
pub const MAX_COLUMNS: usize = 10_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Frame {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
    pub nrows: usize,
    /// row indexes of id columns, built when a grader first pairs ids by hash
    pub indexes: IndexCache,
}

impl Frame {
    pub fn from_csv_bytes(bytes: &[u8]) -> Result<Frame, ReadError> {
        Frame::from_csv_bytes_like(bytes, None)
    }

    /// `from_csv_bytes` for a submission graded against `answers`: a text column whose
    /// fields are, row by row, the very texts of the answers' column of the same name (the
    /// id column of a submission in the answers' order, the usual case) would be typed to
    /// an equal column, so it shares the answers' cells instead of building a copy.
    pub fn from_csv_bytes_like(bytes: &[u8], answers: Option<&Frame>) -> Result<Frame, ReadError> {
        Frame::from_csv_bytes_spared(bytes, answers, None)
    }

    /// `from_csv_bytes_like` with the long float columns' buffers taken from `spares` (give
    /// them back with `Spares::recycle` when done with the frame).
    pub fn from_csv_bytes_spared(
        bytes: &[u8],
        answers: Option<&Frame>,
        spares: Option<&Spares>,
    ) -> Result<Frame, ReadError> {
        if bytes.len() >= direct::MIN_BYTES {
            if let Some(frame) = direct::read_plain(bytes, answers, spares, direct::CHUNK_BYTES) {
                return Ok(frame);
            }
        }
        let text = std::str::from_utf8(bytes).map_err(|e| ReadError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let records = tokenize(text).map_err(|e| ReadError::Tokenize(e.message))?;
        Frame::from_records(&records, answers, spares)
    }

    pub fn from_csv_str(text: &str) -> Result<Frame, ReadError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let records = tokenize(text).map_err(|e| ReadError::Tokenize(e.message))?;
        Frame::from_records(&records, None, None)
    }

    fn from_records(
        records: &Records<'_>,
        answers: Option<&Frame>,
        spares: Option<&Spares>,
    ) -> Result<Frame, ReadError> {
        if records.is_empty() {
            return Err(ReadError::Empty);
        }
        let ncols = records.record_len(0);
        if ncols > MAX_COLUMNS {
            return Err(ReadError::TooManyColumns {
                columns: ncols,
                limit: MAX_COLUMNS,
            });
        }
        let names = header_names(records.record(0));
        let nrows = records.len() - 1;
        // pandas: when the first data row has more fields than the header, the extra leading
        // fields form an implicit index and are dropped from every row.
        let skip = if nrows > 0 {
            records.record_len(1).saturating_sub(ncols)
        } else {
            0
        };
        too_many_fields(records, ncols)?;
        // columns are independent: type them in parallel when there is enough work
        let build = |c: usize| {
            let k = c + skip;
            let fields = records.column(k, 1);
            shared_text_column(
                &names[c],
                |a, b| records.column_between(k, 1 + a, 1 + b),
                nrows,
                answers,
            )
            .or_else(|| {
                // a long numeric column is parsed on all cores
                (nrows >= PARALLEL_ROWS)
                    .then(|| {
                        infer::float_column_in_parallel(
                            |a, b| records.column_between(k, 1 + a, 1 + b),
                            nrows,
                            spares,
                        )
                    })
                    .flatten()
            })
            .unwrap_or_else(|| infer::infer_column(fields, nrows))
        };
        let columns: Vec<Column> = if nrows * ncols >= 200_000 && ncols > 1 {
            use rayon::prelude::*;
            (0..ncols).into_par_iter().map(build).collect()
        } else {
            (0..ncols).map(build).collect()
        };
        Ok(Frame {
            names,
            columns,
            nrows,
            indexes: IndexCache::new(ncols),
        })
    }

    pub fn ncols(&self) -> usize {
        self.names.len()
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    pub fn column(&self, name: &str) -> Option<&Column> {
        self.position(name).map(|i| &self.columns[i])
    }

    /// The row index of a column (id -> row), built on first use and kept with the frame;
    /// `None` when its ids are not unique.
    pub fn row_index(&self, position: usize) -> Option<&RowIndex> {
        self.indexes.get(position, &self.columns[position])
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.position(name).is_some()
    }
}

/// The answers' column `name`, when it is text without missing values and the fields
/// (`rows(a, b)`: those of data rows `a..b`) are exactly its texts: typing those fields gives
/// an equal column (the type of a column depends only on its texts), so the cells can be
/// shared. A long column is compared in chunks on all cores.
fn shared_text_column<'a, I, R>(
    name: &str,
    rows: R,
    nrows: usize,
    answers: Option<&Frame>,
) -> Option<Column>
where
    R: Fn(usize, usize) -> I + Sync,
    I: Iterator<Item = Option<&'a str>>,
{
    use rayon::prelude::*;
    let answers = answers.filter(|a| a.nrows == nrows && nrows > 0)?;
    let Column::Object(cells) = answers.column(name)? else {
        return None;
    };
    let same_in = |from: usize, to: usize| {
        let mut fields = rows(from, to);
        cells[from..to]
            .iter()
            .all(|cell| match (cell, fields.next()) {
                (Cell::Str(t), Some(Some(f))) => t.as_str() == f,
                _ => false,
            })
    };
    let same = if nrows >= PARALLEL_ROWS {
        (0..nrows.div_ceil(CHUNK_ROWS))
            .into_par_iter()
            .all(|c| same_in(c * CHUNK_ROWS, ((c + 1) * CHUNK_ROWS).min(nrows)))
    } else {
        same_in(0, nrows)
    };
    same.then(|| Column::Object(std::sync::Arc::clone(cells)))
}

/// pandas' check of row lengths: a row longer than the one before it (shorter rows count
/// as padded) is an error, except the first row of each batch that pandas tokenizes, since
/// its buffers then hold only the header, or the last row of the previous batch, before it.
/// Batches are `buffer_lines` rows: the largest power of two below half of 2^20 / width.
fn too_many_fields(records: &Records<'_>, ncols: usize) -> Result<(), ReadError> {
    let width = if records.len() > 1 {
        ncols.max(records.record_len(1))
    } else {
        ncols
    };
    let heuristic = (1usize << 20) / width.max(1);
    let mut batch = 1usize;
    while batch * 2 < heuristic {
        batch *= 2;
    }
    let mut expected = ncols;
    for (r, saw) in records.record_lens().enumerate().skip(1) {
        if saw > expected && (r - 1) % batch != 0 {
            return Err(ReadError::FieldCount {
                line: r + 1,
                expected,
                saw,
            });
        }
        expected = expected.max(saw);
    }
    Ok(())
}

/// Header names as pandas' C parser makes them: a blank name becomes `Unnamed: i`; then,
/// visiting named columns first and generated ones last, a repeated name becomes `name.k`,
/// skipping any `name.k` already present in the header.
fn header_names<'a>(fields: impl Iterator<Item = &'a str>) -> Vec<String> {
    use std::collections::HashMap;
    let raw: Vec<&str> = fields.collect();
    let mut header: Vec<String> = raw
        .iter()
        .enumerate()
        .map(|(i, n)| {
            if n.is_empty() {
                format!("Unnamed: {i}")
            } else {
                n.to_string()
            }
        })
        .collect();
    let order = (0..raw.len())
        .filter(|&i| !raw[i].is_empty())
        .chain((0..raw.len()).filter(|&i| raw[i].is_empty()));
    let mut counts: HashMap<String, usize> = HashMap::new();
    for i in order.collect::<Vec<_>>() {
        let old = header[i].clone();
        let mut col = old.clone();
        let mut count = counts.get(&col).copied().unwrap_or(0);
        while count > 0 {
            counts.insert(old.clone(), count + 1);
            col = format!("{old}.{count}");
            if header.contains(&col) {
                count += 1;
            } else {
                count = counts.get(&col).copied().unwrap_or(0);
            }
        }
        counts.insert(col.clone(), count + 1);
        header[i] = col;
    }
    header
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(s: &str) -> Frame {
        Frame::from_csv_str(s).unwrap()
    }

    #[test]
    fn header_mangling() {
        let f = frame("a,a,,b\n1,2,3,4");
        assert_eq!(f.names, vec!["a", "a.1", "Unnamed: 2", "b"]);
        assert_eq!(frame("a,a,a.1\n1,2,3").names, vec!["a", "a.2", "a.1"]);
        assert_eq!(
            frame("a,,a,Unnamed: 1\n1,2,3,4").names,
            vec!["a", "Unnamed: 1.1", "a.1", "Unnamed: 1"]
        );
        assert_eq!(
            frame("Unnamed: 1,,Unnamed: 1\n1,2,3").names,
            vec!["Unnamed: 1", "Unnamed: 1.2", "Unnamed: 1.1"]
        );
    }

    #[test]
    fn implicit_index_and_short_rows() {
        let f = frame("a,b\n1,5x,1\n2,2");
        assert_eq!(
            f.columns[0],
            Column::Object(std::sync::Arc::new(vec![
                Cell::Str("5x".into()),
                Cell::Str("2".into())
            ]))
        );
        assert!(matches!(&f.columns[1], Column::Float(v) if v[0] == 1.0 && v[1].is_nan()));
        let f = frame("a,b\n1,2\n3");
        assert!(matches!(&f.columns[1], Column::Float(v) if v[0] == 2.0 && v[1].is_nan()));
    }

    #[test]
    fn too_many_fields_is_an_error() {
        assert!(matches!(
            Frame::from_csv_str("a,b\n1,2\n3,4,5"),
            Err(ReadError::FieldCount { line: 3, .. })
        ));
    }

    #[test]
    fn empty_and_header_only() {
        assert_eq!(Frame::from_csv_str(""), Err(ReadError::Empty));
        assert_eq!(Frame::from_csv_str("\n\n"), Err(ReadError::Empty));
        let f = frame("a,b");
        assert_eq!(f.nrows, 0);
        assert_eq!(f.columns[0], Column::Object(std::sync::Arc::new(vec![])));
    }

    #[test]
    fn bom_nul_and_utf8() {
        assert_eq!(frame("\u{feff}a\n1").names, vec!["a"]);
        // pandas' C parser ends a value at a NUL byte
        let f = Frame::from_csv_bytes(b"a,b\n1\x00,ab\x00c\n\x00,\"x\x00y\"\n").unwrap();
        assert!(matches!(&f.columns[0], Column::Float(v) if v[0] == 1.0 && v[1].is_nan()));
        assert_eq!(
            f.columns[1],
            Column::Object(std::sync::Arc::new(vec![
                Cell::Str("ab".into()),
                Cell::Str("x".into())
            ]))
        );
        assert_eq!(
            Frame::from_csv_bytes(b"a\x00z,b\n1,2").unwrap().names,
            vec!["a", "b"]
        );
        assert_eq!(
            Frame::from_csv_bytes(b"\x00\x00\x00").unwrap().names,
            vec!["Unnamed: 0"]
        );
        assert!(matches!(
            Frame::from_csv_bytes(b"a\n\xff"),
            Err(ReadError::NotUtf8 { .. })
        ));
    }

    #[test]
    fn submission_text_column_equal_to_the_answers_shares_their_cells() {
        let answers = frame("id,value\na_1,0.5\nb_2,1\n c,2\n");
        let like = |csv: &str| Frame::from_csv_bytes_like(csv.as_bytes(), Some(&answers)).unwrap();
        let shares = |f: &Frame| match (&f.columns[0], &answers.columns[0]) {
            (Column::Object(x), Column::Object(y)) => std::sync::Arc::ptr_eq(x, y),
            _ => false,
        };
        let same_order = like("id,value\na_1,0.1\nb_2,0.2\n c,0.3\n");
        assert!(shares(&same_order));
        assert_eq!(same_order, frame("id,value\na_1,0.1\nb_2,0.2\n c,0.3\n"));
        // one text differs (even by a space), another order, or other lengths: typed as usual
        for csv in [
            "id,value\na_1,0\nb_2,0\nc,0\n",
            "id,value\nb_2,0\na_1,0\n c,0\n",
            "id,value\na_1,0\nb_2,0\n",
        ] {
            let f = like(csv);
            assert!(!shares(&f), "{csv}");
            assert_eq!(f, frame(csv));
        }
        // answers with a missing id, or numeric ids, are never shared
        let with_nan = frame("id,value\na,1\n,2\n");
        assert!(
            !matches!(Frame::from_csv_bytes_like(b"id,value\na,1\n,2\n", Some(&with_nan)).unwrap().columns[0],
            Column::Object(ref x) if matches!(&with_nan.columns[0], Column::Object(y) if std::sync::Arc::ptr_eq(x, y)))
        );
    }

    #[test]
    fn long_text_columns_are_compared_with_the_answers_chunk_by_chunk() {
        // long enough to be compared in parallel chunks, and read in several parts
        let n = 3 * PARALLEL_ROWS + 7;
        let csv = |ids: &dyn Fn(usize) -> String| {
            let mut s = String::from("id,value\n");
            for i in 0..n {
                s.push_str(&format!("{},{}.5\n", ids(i), i % 10));
            }
            s
        };
        let answers = Frame::from_csv_str(&csv(&|i| format!("{i}_x"))).unwrap();
        let like =
            |text: &str| Frame::from_csv_bytes_like(text.as_bytes(), Some(&answers)).unwrap();
        let shares = |f: &Frame| match (&f.columns[0], &answers.columns[0]) {
            (Column::Object(x), Column::Object(y)) => std::sync::Arc::ptr_eq(x, y),
            _ => false,
        };
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(3)
            .build()
            .unwrap();
        pool.install(|| {
            assert!(shares(&like(&csv(&|i| format!("{i}_x")))));
            // one id differs, in the first chunk, in a middle one, in the last row
            for bad in [0, 1 << 15, PARALLEL_ROWS + 5, n - 1] {
                let text = csv(&|i| {
                    if i == bad {
                        format!("{i}_y")
                    } else {
                        format!("{i}_x")
                    }
                });
                let f = like(&text);
                assert!(!shares(&f), "row {bad}");
                assert_eq!(f, Frame::from_csv_str(&text).unwrap(), "row {bad}");
            }
        });
    }
}
