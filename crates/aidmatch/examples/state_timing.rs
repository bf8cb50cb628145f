//! Timing of a stored state's input and output: reading and writing a state folder and
//! the one-document state of the C ABI (a quick measurement, not a statistical bench).
//!
//! ```text
//! cargo run --release -p aidmatch-cli -- generate --scale province --out lists
//! cargo run --release -p aidmatch-cli -- match --needs lists/needs.csv --supply lists/supply.csv \
//!     --exclusions lists/exclusions.csv --as-of 2024-10-01 --snapshot --out r1
//! cargo run --release -p aidmatch --example state_timing -- r1 [--repeat N]
//! ```
//!
//! Per repetition: `State::load` of the folder, `State::save` into a temporary folder
//! (removed afterwards), `State::to_json` and `State::from_json` of that text; checks
//! that the text reads back into the same state.

use std::time::Instant;

use aidmatch::snapshot::State;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().ok_or("usage: state_timing DIR [--repeat N]")?);
    let mut repeat = 2usize;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--repeat" => repeat = args.next().ok_or("--repeat needs a value")?.parse()?,
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    let out = std::env::temp_dir().join(format!("aidmatch-state-timing-{}", std::process::id()));
    for _ in 0..repeat {
        let clock = Instant::now();
        let state = State::load(&dir)?;
        let load = clock.elapsed();
        let clock = Instant::now();
        state.save(&out)?;
        let save = clock.elapsed();
        let clock = Instant::now();
        let text = state.to_json()?;
        let to_json = clock.elapsed();
        let clock = Instant::now();
        let back = State::from_json(&text, "state")?;
        let from_json = clock.elapsed();
        if back != state {
            return Err("the state document did not read back into the same state".into());
        }
        println!(
            "{} needs: load {:.2} s, save {:.2} s, to_json {:.2} s ({} MB), from_json {:.2} s",
            state.inputs.needs.len(),
            load.as_secs_f64(),
            save.as_secs_f64(),
            to_json.as_secs_f64(),
            text.len() / 1_000_000,
            from_json.as_secs_f64(),
        );
    }
    std::fs::remove_dir_all(&out)?;
    Ok(())
}
