//! Parse any bytes as any list (needs, supply, exclusions, outcomes) in CSV or JSON.
//!
//! The first byte picks the list (bits 0-1), the format (bit 2) and the encoding mode
//! (bit 3: auto-detect or forced UTF-8); the rest is the file. Properties: no panic;
//! a list that parses is written back as CSV and reads back to the same records; read
//! through a reader in small chunks under a small row limit (`max_rows` = length % 7),
//! it gives exactly what `from_bytes` gives under that limit: the row counter that
//! stops reading early never refuses a list the parser accepts.
#![no_main]

use aidmatch::io::{self, Encoding, Format, ReadOptions, Record};
use aidmatch::model::{Exclusion, Need, Outcome, Resource};
use libfuzzer_sys::fuzz_target;

fn check<R: Record + PartialEq + std::fmt::Debug>(
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
) {
    // A reader that hands the bytes over a few at a time (the counter sees every split).
    struct Trickle<'a>(&'a [u8], usize);
    impl std::io::Read for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            self.1 = self.1 % 5 + 1;
            let n = self.1.min(buf.len()).min(self.0.len());
            buf[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }
    let small = ReadOptions {
        max_rows: bytes.len() % 7,
        ..opts.clone()
    };
    let direct = io::from_bytes::<R>(bytes, format, &small);
    let streamed = io::from_reader::<R>(Trickle(bytes, 0), format, &small);
    match (direct, streamed) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "reader and bytes differ"),
        (Ok(a), Err(e)) => panic!("the reader refused a list of {} rows: {e}", a.len()),
        (Err(e), Ok(_)) => panic!("the reader accepted what from_bytes refuses: {e}"),
        (Err(_), Err(_)) => {}
    }
    if let Ok(records) = io::from_bytes::<R>(bytes, format, opts) {
        let csv = io::to_csv_string(&records);
        let again = io::from_bytes::<R>(csv.as_bytes(), Format::Csv, &ReadOptions::default());
        match again {
            Ok(again) => assert_eq!(again, records, "CSV round trip changed the records"),
            Err(e) => panic!("CSV written by aidmatch does not read back: {e}\n{csv}"),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let format = if sel & 4 == 0 {
        Format::Csv
    } else {
        Format::Json
    };
    let opts = ReadOptions {
        encoding: if sel & 8 == 0 {
            Encoding::Auto
        } else {
            Encoding::Utf8
        },
        max_problems: 1 + usize::from(sel >> 4),
        label: None,
        max_rows: aidmatch::io::MAX_ROWS,
    };
    match sel & 3 {
        0 => check::<Need>(rest, format, &opts),
        1 => check::<Resource>(rest, format, &opts),
        2 => check::<Exclusion>(rest, format, &opts),
        _ => check::<Outcome>(rest, format, &opts),
    }
});
