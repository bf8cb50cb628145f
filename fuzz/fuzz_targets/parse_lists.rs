//! Parse any bytes as any list (needs, supply, exclusions, outcomes) in CSV or JSON.
//!
//! The first byte picks the list (bits 0-1), the format (bit 2) and the encoding mode
//! (bit 3: auto-detect or forced UTF-8); the rest is the file. Properties: no panic;
//! a list that parses is written back as CSV and reads back to the same records.
#![no_main]

use aidmatch::io::{self, Encoding, Format, ReadOptions, Record};
use aidmatch::model::{Exclusion, Need, Outcome, Resource};
use libfuzzer_sys::fuzz_target;

fn check<R: Record + PartialEq + std::fmt::Debug>(
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
) {
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
