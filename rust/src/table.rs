//! The tables of dataset preparation: CSVs read with pandas' type inference (see [`frame`])
//! and written back exactly as pandas' `DataFrame.to_csv(index=False)` writes them, so a
//! prepared file is the reference's byte for byte:
//! - floats in Python's `repr` (`1.0`, `0.30000000000000004`, `1e-05`, `inf`), NaN as an
//!   empty field;
//! - booleans as `True`/`False`, integers in decimal;
//! - Python's `csv` quoting (CPython 3.11): `QUOTE_MINIMAL` quotes a field holding `,`, `"`
//!   or `\n` (not a lone `\r`), and a row made of one empty field; `QUOTE_NONNUMERIC` quotes
//!   every text field (the header and NaN's empty text included) but no number or boolean;
//!   `"` is doubled inside quotes; lines end with `\n`.
//!
//! [`frame`]: crate::frame

use crate::frame::{Cell, Column, Frame, Value};
use crate::pyfmt::write_repr_f64;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    Minimal,
    NonNumeric,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub names: Vec<String>,
    pub columns: Vec<Column>,
    pub nrows: usize,
}

impl From<Frame> for Table {
    fn from(f: Frame) -> Table {
        Table {
            names: f.names,
            columns: f.columns,
            nrows: f.nrows,
        }
    }
}

impl Table {
    pub fn read_csv_bytes(bytes: &[u8]) -> Result<Table, String> {
        Frame::from_csv_bytes(bytes)
            .map(Table::from)
            .map_err(|e| e.to_string())
    }

    pub fn new(names: Vec<String>, columns: Vec<Column>) -> Result<Table, String> {
        let nrows = columns.first().map_or(0, Column::len);
        if names.len() != columns.len() {
            return Err("as many names as columns are needed".into());
        }
        if let Some(bad) = columns.iter().position(|c| c.len() != nrows) {
            return Err(format!(
                "column {} has {} rows, not {nrows}",
                names[bad],
                columns[bad].len()
            ));
        }
        Ok(Table {
            names,
            columns,
            nrows,
        })
    }

    pub fn position(&self, name: &str) -> Result<usize, String> {
        self.names
            .iter()
            .position(|n| n == name)
            .ok_or_else(|| format!("no column named {name:?}"))
    }

    pub fn column(&self, name: &str) -> Result<&Column, String> {
        Ok(&self.columns[self.position(name)?])
    }

    /// The rows at `rows`, in that order (`df.iloc[rows]`).
    pub fn take(&self, rows: &[usize]) -> Result<Table, String> {
        if let Some(&bad) = rows.iter().find(|&&r| r >= self.nrows) {
            return Err(format!(
                "row {bad} is out of range for a table of {} rows",
                self.nrows
            ));
        }
        Ok(Table {
            names: self.names.clone(),
            columns: self.columns.iter().map(|c| c.take(rows)).collect(),
            nrows: rows.len(),
        })
    }

    /// These columns in this order (`df[names]`).
    pub fn select(&self, names: &[String]) -> Result<Table, String> {
        let columns = names
            .iter()
            .map(|n| self.column(n).cloned())
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Table {
            names: names.to_vec(),
            columns,
            nrows: self.nrows,
        })
    }

    /// Without these columns (`df.drop(columns=names)`).
    pub fn drop(&self, names: &[String]) -> Result<Table, String> {
        for n in names {
            self.position(n)?;
        }
        let keep: Vec<String> = self
            .names
            .iter()
            .filter(|n| !names.contains(n))
            .cloned()
            .collect();
        self.select(&keep)
    }

    /// `df.rename(columns={old: new})`: the column keeps its place, type and values.
    pub fn rename(&mut self, old: &str, new: &str) -> Result<(), String> {
        let i = self.position(old)?;
        if old != new && self.names.iter().any(|n| n == new) {
            return Err(format!("a column named {new:?} exists already"));
        }
        self.names[i] = new.to_string();
        Ok(())
    }

    /// `df[name] = column`: replaces in place, or appends a new last column.
    pub fn set_column(&mut self, name: &str, column: Column) -> Result<(), String> {
        if column.len() != self.nrows && !self.names.is_empty() {
            return Err(format!(
                "column {name:?} has {} values for {} rows",
                column.len(),
                self.nrows
            ));
        }
        if self.names.is_empty() {
            self.nrows = column.len();
        }
        match self.names.iter().position(|n| n == name) {
            Some(i) => self.columns[i] = column,
            None => {
                self.names.push(name.to_string());
                self.columns.push(column);
            }
        }
        Ok(())
    }

    /// For each row, the rank of its value among the distinct values of the column in order
    /// of first appearance (`pd.factorize`, NaN included as one value).
    pub fn first_appearance_codes(&self, name: &str) -> Result<Vec<usize>, String> {
        let col = self.column(name)?;
        let mut seen: HashMap<Key, usize> = HashMap::new();
        Ok(col
            .values()
            .map(|v| {
                let next = seen.len();
                *seen.entry(Key::of(v)).or_insert(next)
            })
            .collect())
    }

    /// The CSV text pandas' `to_csv(index=False, quoting=...)` writes.
    pub fn to_csv(&self, quoting: Quoting) -> String {
        let mut out = Vec::new();
        self.write_csv(&mut out, quoting)
            .expect("writing to memory");
        String::from_utf8(out).expect("the table holds UTF-8 text")
    }

    /// Streams the CSV to `sink`: blocks of rows are formatted in parallel, a bounded number
    /// at a time, and written in order, so memory stays flat however long the table is.
    pub fn write_csv(
        &self,
        sink: &mut impl std::io::Write,
        quoting: Quoting,
    ) -> std::io::Result<()> {
        use rayon::prelude::*;
        const BLOCK: usize = 16_384;
        const BLOCKS_AT_ONCE: usize = 64;
        let mut header = String::new();
        let names: Vec<Field> = self.names.iter().map(|n| Field::Text(n.as_str())).collect();
        write_row(&mut header, &names, quoting);
        sink.write_all(header.as_bytes())?;
        let n_blocks = self.nrows.div_ceil(BLOCK);
        for first in (0..n_blocks).step_by(BLOCKS_AT_ONCE) {
            let texts: Vec<String> = (first..(first + BLOCKS_AT_ONCE).min(n_blocks))
                .into_par_iter()
                .map(|b| self.rows_csv(b * BLOCK..((b + 1) * BLOCK).min(self.nrows), quoting))
                .collect();
            for text in texts {
                sink.write_all(text.as_bytes())?;
            }
        }
        Ok(())
    }

    fn rows_csv(&self, rows: std::ops::Range<usize>, quoting: Quoting) -> String {
        let mut out = String::with_capacity(rows.len() * 12 * self.columns.len().max(1));
        let mut scratch: Vec<String> = vec![String::new(); self.columns.len()];
        for r in rows {
            for (c, col) in self.columns.iter().enumerate() {
                scratch[c].clear();
                render(col, r, &mut scratch[c]);
            }
            let row: Vec<Field> = self
                .columns
                .iter()
                .zip(&scratch)
                .map(|(col, text)| field_kind(col, r, text))
                .collect();
            write_row(&mut out, &row, quoting);
        }
        out
    }
}

/// A hashable key with pandas' equality of values within one column (NaN equals NaN).
#[derive(Hash, PartialEq, Eq)]
enum Key {
    Int(i128),
    Float(u64),
    Str(String),
    Nan,
}

impl Key {
    fn of(v: Value<'_>) -> Key {
        match v {
            Value::Int(i) => Key::Int(i128::from(i)),
            Value::UInt(u) => Key::Int(i128::from(u)),
            Value::Bool(b) => Key::Int(i128::from(b)),
            Value::Float(f) if f.is_nan() => Key::Nan,
            Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e18 => Key::Int(f as i128),
            Value::Float(f) => Key::Float((f + 0.0).to_bits()),
            Value::Str(s) => Key::Str(s.to_string()),
            Value::Nan => Key::Nan,
        }
    }
}

/// How one cell is written: a number (never quoted by `QUOTE_NONNUMERIC`) or text.
enum Field<'a> {
    Number(&'a str),
    Text(&'a str),
}

fn render(col: &Column, r: usize, buf: &mut String) {
    use std::fmt::Write;
    match col {
        Column::Int(v) => write!(buf, "{}", v[r]).unwrap(),
        Column::UInt(v) => write!(buf, "{}", v[r]).unwrap(),
        Column::Float(v) if v[r].is_nan() => {}
        Column::Float(v) => write_repr_f64(buf, v[r]),
        Column::Bool(v) => buf.push_str(if v[r] { "True" } else { "False" }),
        Column::Object(cells) => match &cells[r] {
            Cell::Str(s) => buf.push_str(s),
            Cell::Nan => {}
            Cell::Bool(b) => buf.push_str(if *b { "True" } else { "False" }),
        },
    }
}

fn field_kind<'a>(col: &Column, r: usize, text: &'a str) -> Field<'a> {
    let numeric = match col {
        Column::Float(v) => !v[r].is_nan(),
        Column::Object(cells) => matches!(cells[r], Cell::Bool(_)),
        _ => true,
    };
    if numeric {
        Field::Number(text)
    } else {
        Field::Text(text)
    }
}

fn needs_quotes(s: &str) -> bool {
    s.bytes().any(|b| b == b',' || b == b'"' || b == b'\n')
}

fn write_row(out: &mut String, row: &[Field<'_>], quoting: Quoting) {
    for (i, f) in row.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        let (text, quote) = match *f {
            Field::Number(t) => (t, false),
            Field::Text(t) => (t, quoting == Quoting::NonNumeric || needs_quotes(t)),
        };
        // Python's csv writer quotes a row that is a single empty field, so it is not a blank line
        let quote = quote || (row.len() == 1 && text.is_empty());
        if quote {
            out.push('"');
            for ch in text.chars() {
                if ch == '"' {
                    out.push('"');
                }
                out.push(ch);
            }
            out.push('"');
        } else {
            out.push_str(text);
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(csv: &str) -> Table {
        Table::read_csv_bytes(csv.as_bytes()).unwrap()
    }

    #[test]
    fn round_trip_like_pandas() {
        let t =
            table("id,x,flag,text\n1,0,True,\"a,b\"\n2,1.50,False,\n3,,true,\"say \"\"hi\"\"\"\n");
        assert_eq!(
            t.to_csv(Quoting::Minimal),
            "id,x,flag,text\n1,0.0,True,\"a,b\"\n2,1.5,False,\n3,,True,\"say \"\"hi\"\"\"\n"
        );
        assert_eq!(
            t.to_csv(Quoting::NonNumeric),
            "\"id\",\"x\",\"flag\",\"text\"\n1,0.0,True,\"a,b\"\n2,1.5,False,\"\"\n3,\"\",True,\"say \"\"hi\"\"\"\n"
        );
    }

    #[test]
    fn single_empty_field_rows_are_quoted() {
        let t = table("a\nx\n\"\"\n");
        // pandas reads the quoted empty field as NaN and writes it back as ""
        assert_eq!(t.to_csv(Quoting::Minimal), "a\nx\n\"\"\n");
    }

    #[test]
    fn rename_keeps_place_and_type() {
        let mut t = table("a,b\n1,x\n2,y\n");
        t.rename("a", "id").unwrap();
        assert_eq!(t.to_csv(Quoting::Minimal), "id,b\n1,x\n2,y\n");
        assert!(t.rename("nope", "z").is_err());
        assert!(t.rename("id", "b").is_err());
    }

    #[test]
    fn take_select_drop_set() {
        let mut t = table("a,b,c\n1,x,0.5\n2,y,1\n3,z,2\n");
        let sub = t.take(&[2, 0]).unwrap().drop(&["b".to_string()]).unwrap();
        assert_eq!(sub.to_csv(Quoting::Minimal), "a,c\n3,2.0\n1,0.5\n");
        t.set_column("b", Column::Int(vec![7, 8, 9])).unwrap();
        t.set_column("d", Column::Float(vec![0.25; 3])).unwrap();
        assert_eq!(
            t.select(&["d".into(), "b".into()])
                .unwrap()
                .to_csv(Quoting::Minimal),
            "d,b\n0.25,7\n0.25,8\n0.25,9\n"
        );
        assert!(t.take(&[3]).is_err());
        assert!(t.select(&["nope".into()]).is_err());
        assert!(t.set_column("e", Column::Int(vec![1])).is_err());
    }

    #[test]
    fn codes_by_first_appearance() {
        let t = table("s\n5\n3\n5\n7\n3\n");
        assert_eq!(t.first_appearance_codes("s").unwrap(), vec![0, 1, 0, 2, 1]);
        let t = table("s\na\nNA\nb\nNA\n");
        assert_eq!(t.first_appearance_codes("s").unwrap(), vec![0, 1, 2, 1]);
    }
}
