//! The built-in sample county (`examples/data/`), compiled into the binary so that
//! `aidmatch demo` works from any folder.

use aidmatch::date::Date;
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::Inputs;

const NEEDS: &[u8] = include_bytes!("../../../examples/data/needs.csv");
const SUPPLY: &[u8] = include_bytes!("../../../examples/data/supply.csv");
/// The sample's exclusions (回避), as `examples/data/exclusions.csv`.
pub const EXCLUSIONS: &[u8] = include_bytes!("../../../examples/data/exclusions.csv");
/// The name the sample's exclusions go by in messages.
pub const EXCLUSIONS_LABEL: &str = "examples/data/exclusions.csv";

/// The run date the sample data was made for.
pub fn as_of() -> Date {
    Date::from_ymd(2024, 10, 1).expect("2024-10-01 is a date")
}

/// The sample lists, parsed like any input.
pub fn inputs() -> Result<Inputs, aidmatch::Error> {
    let opts = |label: &str| ReadOptions {
        label: Some(format!("examples/data/{label}")),
        ..ReadOptions::default()
    };
    Ok(Inputs {
        needs: io::needs_from_bytes(NEEDS, Format::Csv, &opts("needs.csv"))?,
        resources: io::supply_from_bytes(SUPPLY, Format::Csv, &opts("supply.csv"))?,
        exclusions: io::exclusions_from_bytes(EXCLUSIONS, Format::Csv, &opts("exclusions.csv"))?,
    })
}
