//! Counting a list's records while its bytes are read, so that a list longer than
//! [`super::MAX_ROWS`] is refused before the rest of the file is read into memory.
//!
//! [`RowCounter`] follows the bytes as they arrive, before decoding, and counts records
//! the parser will count too: CSV records after the header (terminators outside quoted
//! fields, as the `csv` crate reads them: a quote opens a quoted field only at the start
//! of a field, `""` inside is a quote, blank lines are not records) and JSON objects
//! directly inside the top-level array. The count is a **lower bound** of what the
//! parser counts, never more, so a list at or under the limit is never refused here; the
//! parser checks the exact count again ([`super::csv::parse`], [`super::json::parse`]).
//!
//! Encodings: UTF-8 and GB18030 bytes are counted as they are (the bytes of `"`, `,`,
//! tab and line breaks never occur inside a GB18030 character); UTF-16 with a byte-order
//! mark is counted by 16-bit units. JSON counting stops (the count stays a lower bound)
//! at the first byte sequence that is not UTF-8, where a GB18030 byte could look like a
//! backslash.
//!
//! # Complexity
//! O(1) per byte, O(1) memory besides the first line of a CSV file (kept until its end
//! tells the delimiter, at most [`FIRST_LINE_MAX`] bytes).

use super::Format;

/// The longest first line kept to find the CSV delimiter; beyond it counting stops
/// (the parser's exact check still applies).
const FIRST_LINE_MAX: usize = 1 << 20;

/// How the bytes are grouped into characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Units {
    /// Not known yet (fewer than two bytes seen).
    Unknown,
    /// One byte each (UTF-8, GB18030).
    Bytes,
    /// UTF-16 little-endian (BOM `FF FE`).
    Utf16Le,
    /// UTF-16 big-endian (BOM `FE FF`).
    Utf16Be,
}

/// The `csv` crate's reading states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Csv {
    StartRecord,
    StartField,
    InField,
    InQuoted,
    QuoteInQuoted,
}

/// Counts records while a list's bytes are read (see the module docs).
#[derive(Debug)]
pub(crate) struct RowCounter {
    format: Format,
    units: Units,
    /// Bytes held back: the first two (to see a BOM) or an odd UTF-16 byte.
    held: Vec<u8>,
    /// CSV: the first line, until its end decides the delimiter.
    first_line: Option<Vec<u8>>,
    delimiter: u8,
    csv: Csv,
    /// Completed records (CSV, header included) or objects (JSON).
    records: u64,
    json_depth: u32,
    json_in_string: bool,
    json_escape: bool,
    /// UTF-8 continuation bytes still expected (JSON, byte units).
    utf8_pending: u8,
    /// False once counting stopped (the count so far remains a lower bound).
    counting: bool,
}

impl RowCounter {
    pub(crate) fn new(format: Format) -> RowCounter {
        RowCounter {
            format,
            units: Units::Unknown,
            held: Vec::new(),
            first_line: (format == Format::Csv).then(Vec::new),
            delimiter: b',',
            csv: Csv::StartRecord,
            records: 0,
            json_depth: 0,
            json_in_string: false,
            json_escape: false,
            utf8_pending: 0,
            counting: true,
        }
    }

    /// The rows counted so far: CSV records after the header, or JSON objects of the
    /// top-level array. Never more than the parser will count.
    pub(crate) fn rows(&self) -> u64 {
        match self.format {
            Format::Csv => self.records.saturating_sub(1),
            Format::Json => self.records,
        }
    }

    /// Follows the next bytes of the input.
    pub(crate) fn feed(&mut self, bytes: &[u8]) {
        if !self.counting {
            return;
        }
        let mut bytes = bytes;
        if self.units == Units::Unknown {
            let need = 2 - self.held.len();
            let take = need.min(bytes.len());
            self.held.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.held.len() < 2 {
                return;
            }
            self.units = match self.held[..] {
                [0xFF, 0xFE] => Units::Utf16Le,
                [0xFE, 0xFF] => Units::Utf16Be,
                _ => Units::Bytes,
            };
            let head = std::mem::take(&mut self.held);
            if self.units == Units::Bytes {
                self.feed_units(head.iter().map(|&b| u32::from(b)));
            }
        }
        match self.units {
            Units::Bytes => self.feed_bytes(bytes),
            Units::Utf16Le | Units::Utf16Be => {
                let mut joined = std::mem::take(&mut self.held);
                joined.extend_from_slice(bytes);
                let pairs = joined.len() / 2;
                if joined.len() % 2 == 1 {
                    self.held.push(joined[joined.len() - 1]);
                }
                let le = self.units == Units::Utf16Le;
                let units: Vec<u32> = (0..pairs)
                    .map(|k| {
                        let (a, b) = (joined[2 * k], joined[2 * k + 1]);
                        u32::from(if le {
                            u16::from_le_bytes([a, b])
                        } else {
                            u16::from_be_bytes([a, b])
                        })
                    })
                    .collect();
                self.feed_units(units.into_iter());
            }
            Units::Unknown => {}
        }
    }

    /// Follows byte units: one tight loop per format (the state stays in registers),
    /// after the CSV header line, which goes unit by unit until its end decides the
    /// delimiter.
    fn feed_bytes(&mut self, mut bytes: &[u8]) {
        while self.first_line.is_some() && self.counting {
            let Some((&b, rest)) = bytes.split_first() else {
                return;
            };
            self.feed_units(std::iter::once(u32::from(b)));
            bytes = rest;
        }
        if !self.counting {
            return;
        }
        match self.format {
            Format::Csv => {
                for &b in bytes {
                    self.csv_step(u32::from(b));
                }
            }
            Format::Json => {
                for &b in bytes {
                    if !self.utf8_ok(u32::from(b)) {
                        self.counting = false;
                        return;
                    }
                    self.json_unit(u32::from(b));
                }
            }
        }
    }

    /// Follows characters: a unit below 0x80 is that ASCII character; anything else is
    /// part of a non-ASCII character.
    fn feed_units(&mut self, units: impl Iterator<Item = u32>) {
        let utf16 = matches!(self.units, Units::Utf16Le | Units::Utf16Be);
        for u in units {
            if !self.counting {
                return;
            }
            match self.format {
                Format::Csv => self.csv_unit(u),
                Format::Json => {
                    if !utf16 && !self.utf8_ok(u) {
                        self.counting = false;
                        return;
                    }
                    self.json_unit(u);
                }
            }
        }
    }

    /// Tracks UTF-8 structure (byte units, JSON): false at the first byte that cannot
    /// be UTF-8 there, after which an ASCII-looking byte might be part of a character.
    #[inline]
    fn utf8_ok(&mut self, b: u32) -> bool {
        if self.utf8_pending > 0 {
            if (0x80..0xC0).contains(&b) {
                self.utf8_pending -= 1;
                return true;
            }
            return false;
        }
        match b {
            0x00..0x80 => true,
            0xC2..0xE0 => {
                self.utf8_pending = 1;
                true
            }
            0xE0..0xF0 => {
                self.utf8_pending = 2;
                true
            }
            0xF0..0xF5 => {
                self.utf8_pending = 3;
                true
            }
            _ => false,
        }
    }

    fn csv_unit(&mut self, u: u32) {
        if let Some(line) = &mut self.first_line {
            if u == u32::from(b'\n') {
                // `str::lines` of the parser: the first line decides the delimiter.
                let has_comma = line.contains(&b',');
                let has_tab = line.contains(&b'\t');
                self.delimiter = if !has_comma && has_tab { b'\t' } else { b',' };
                let line = std::mem::take(line);
                self.first_line = None;
                for &c in &line {
                    self.csv_step(u32::from(c));
                }
                self.csv_step(u);
            } else if line.len() >= FIRST_LINE_MAX {
                self.counting = false;
            } else {
                // Only ASCII matters for the delimiter and the quoting.
                line.push(if u < 0x80 { u as u8 } else { 0x80 });
            }
            return;
        }
        self.csv_step(u);
    }

    /// One step of the `csv` crate's reader (`csv-core`, default settings: `"` quotes,
    /// doubled quotes escape, `\r`, `\n` or `\r\n` end a record, blank lines skipped).
    #[inline]
    fn csv_step(&mut self, u: u32) {
        let quote = u == u32::from(b'"');
        let delim = u == u32::from(self.delimiter);
        let end = u == u32::from(b'\n') || u == u32::from(b'\r');
        self.csv = match self.csv {
            Csv::StartRecord if end => Csv::StartRecord,
            Csv::StartRecord | Csv::StartField if quote => Csv::InQuoted,
            Csv::StartRecord | Csv::StartField | Csv::InField | Csv::QuoteInQuoted if delim => {
                Csv::StartField
            }
            Csv::StartField | Csv::InField | Csv::QuoteInQuoted if end => {
                self.records += 1;
                Csv::StartRecord
            }
            Csv::InQuoted if quote => Csv::QuoteInQuoted,
            Csv::InQuoted => Csv::InQuoted,
            Csv::QuoteInQuoted if quote => Csv::InQuoted,
            _ => Csv::InField,
        };
    }

    #[inline]
    fn json_unit(&mut self, u: u32) {
        if self.json_in_string {
            if self.json_escape {
                self.json_escape = false;
            } else if u == u32::from(b'\\') {
                self.json_escape = true;
            } else if u == u32::from(b'"') {
                self.json_in_string = false;
            }
            return;
        }
        match u {
            0x22 => self.json_in_string = true,
            0x5B => self.json_depth = self.json_depth.saturating_add(1),
            0x7B => {
                if self.json_depth == 1 {
                    self.records += 1;
                }
                self.json_depth = self.json_depth.saturating_add(1);
            }
            0x5D | 0x7D => self.json_depth = self.json_depth.saturating_sub(1),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(format: Format, bytes: &[u8], chunk: usize) -> u64 {
        let mut c = RowCounter::new(format);
        for piece in bytes.chunks(chunk.max(1)) {
            c.feed(piece);
        }
        c.rows()
    }

    #[test]
    fn csv_records_as_the_csv_crate_reads_them() {
        let text = "a,b\n1,\"x\ny\"\r\n\n\n2,\"say \"\"hi\"\"\n\"\r3,5\" screen\n4,z";
        // Records after the header: 1, 2, 3 completed (the last, unterminated, is not).
        for chunk in [1, 2, 3, 7, 100] {
            assert_eq!(
                count(Format::Csv, text.as_bytes(), chunk),
                3,
                "chunk {chunk}"
            );
        }
        let mut reader = ::csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes());
        assert_eq!(reader.records().count(), 5, "header + 4 records");
    }

    #[test]
    fn tab_separated_and_utf16_and_gb18030() {
        let tsv = "a\tb\n\"1,\n\"\tx\n2\ty\n";
        assert_eq!(count(Format::Csv, tsv.as_bytes(), 3), 2);
        let mut le = vec![0xFF, 0xFE];
        for u in tsv.encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        for chunk in [1, 3, 64] {
            assert_eq!(count(Format::Csv, &le, chunk), 2, "chunk {chunk}");
        }
        let mut be = vec![0xFE, 0xFF];
        for u in "[{\"a\":\"}{\"},{}]".encode_utf16() {
            be.extend_from_slice(&u.to_be_bytes());
        }
        assert_eq!(count(Format::Json, &be, 5), 2);
        // 数 in GB18030 is CA FD; 乗 has a trail byte 0x5C (a backslash in ASCII).
        let gb: &[u8] = b"id,name\n1,\xCA\xFD\n2,\x81\x5C\n";
        assert_eq!(count(Format::Csv, gb, 2), 2);
    }

    /// The byte-unit loops count as the unit-by-unit state machine does, for any split
    /// of the input into pieces.
    fn one_by_one(format: Format, bytes: &[u8]) -> u64 {
        let mut c = RowCounter::new(format);
        c.feed(&bytes[..bytes.len().min(2)]);
        if bytes.len() > 2 {
            c.feed_units(bytes[2..].iter().map(|&b| u32::from(b)));
        }
        c.rows()
    }

    proptest::proptest! {
        #[test]
        fn runs_count_as_single_units(
            picks in proptest::collection::vec(0usize..16, 0..400),
            chunk in 1usize..80,
            json in proptest::bool::ANY,
        ) {
            // Structure, quotes, escapes, line ends, delimiters, plain ASCII, UTF-8 and
            // GB18030-like bytes, with long plain runs between them.
            const PIECES: [&[u8]; 16] = [
                b"[", b"]", b"{", b"}", b"\"", b"\\", b",", b"\n", b"\r", b"\t",
                b"plain text of a value that runs past a block ", b"x",
                "数".as_bytes(), b"\x81\x5C", b"\xFF", b" ",
            ];
            let bytes: Vec<u8> = picks.iter().flat_map(|&k| PIECES[k].iter().copied()).collect();
            let format = if json { Format::Json } else { Format::Csv };
            proptest::prop_assert_eq!(count(format, &bytes, chunk), one_by_one(format, &bytes));
        }
    }

    #[test]
    fn json_objects_of_the_top_level_array() {
        let text = br#" [ {"a": "}{[", "b": [{"c": 1}]}, {"q": "\"{"}, 3, {} ] "#;
        for chunk in [1, 4, 100] {
            assert_eq!(count(Format::Json, text, chunk), 3, "chunk {chunk}");
        }
        // Not UTF-8 (a GB18030 backslash trail byte): counting stops, never overcounts.
        let gb = b"[{\"a\": \"\x81\\\"}, {\"b\": \"{{{\"}, {}]";
        assert!(count(Format::Json, gb, 3) <= 3);
    }
}
