//! Instances on disk, for the peers in `compare.py` and for re-running one instance.
//!
//! An instance is a directory:
//!
//! * `meta.json`: `{"format": "aidmatch-bench-instance/1", "family", "size", "seed",
//!   "kind": "dense" | "sparse", "rows", "cols", "arcs", "sense": "min" | "max"}`;
//! * dense: `costs.npy` (`int64`, shape `(rows, cols)`), to be **minimised**;
//! * sparse: `row_start.npy` (`int64`, `rows + 1`), `arc_col.npy` (`uint32`, arcs),
//!   `arc_weight.npy` (`int64`, arcs), `col_capacity.npy` (`uint32`, cols); every row
//!   has supply 1 and every arc capacity 1; the total weight is to be **maximised**
//!   and nobody is forced to be matched.
//!
//! Python reads it with `numpy.load(dir / "costs.npy", mmap_mode="r")` and so on.

use std::fs::File;
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::npy::{self, NpyError};
use crate::{DenseInstance, Instance, SparseInstance};

/// The format tag of `meta.json`.
pub const FORMAT: &str = "aidmatch-bench-instance/1";

/// The header of a stored instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    pub format: String,
    pub family: String,
    pub size: String,
    pub seed: u64,
    /// `dense` or `sparse`.
    pub kind: String,
    pub rows: usize,
    pub cols: usize,
    /// Number of arcs (`rows * cols` for dense instances).
    pub arcs: usize,
    /// `min` (dense costs) or `max` (sparse weights).
    pub sense: String,
}

/// A failure to store or load an instance.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    #[error("{file}: {source}")]
    Npy {
        file: &'static str,
        #[source]
        source: NpyError,
    },
    #[error("{file}: i/o error: {source}")]
    Io {
        file: &'static str,
        #[source]
        source: std::io::Error,
    },
    #[error("meta.json: {0}")]
    Meta(#[from] serde_json::Error),
    #[error("meta.json: {field} is {found:?}, expected {expected}")]
    Inconsistent {
        field: &'static str,
        found: String,
        expected: String,
    },
}

fn io_err(file: &'static str) -> impl FnOnce(std::io::Error) -> StoreError {
    move |source| StoreError::Io { file, source }
}

fn save<T: npy::Element>(
    dir: &Path,
    file: &'static str,
    shape: &[usize],
    data: &[T],
) -> Result<(), StoreError> {
    let f = File::create(dir.join(file)).map_err(io_err(file))?;
    let mut w = BufWriter::new(f);
    npy::write(&mut w, shape, data).map_err(io_err(file))?;
    w.flush().map_err(io_err(file))
}

fn load<T: npy::Element>(dir: &Path, file: &'static str) -> Result<Vec<T>, StoreError> {
    let f = File::open(dir.join(file)).map_err(io_err(file))?;
    let (_, data) =
        npy::read(&mut BufReader::new(f)).map_err(|source| StoreError::Npy { file, source })?;
    Ok(data)
}

/// Writes `instance` into `dir` (created if missing).
///
/// # Errors
/// [`StoreError`] naming the file that could not be written.
pub fn write(
    dir: &Path,
    instance: &Instance,
    family: &str,
    size: &str,
    seed: u64,
) -> Result<Meta, StoreError> {
    std::fs::create_dir_all(dir).map_err(io_err("directory"))?;
    let meta = match instance {
        Instance::Dense(d) => {
            save(dir, "costs.npy", &[d.rows, d.cols], &d.costs)?;
            Meta {
                format: FORMAT.into(),
                family: family.into(),
                size: size.into(),
                seed,
                kind: "dense".into(),
                rows: d.rows,
                cols: d.cols,
                arcs: d.rows * d.cols,
                sense: "min".into(),
            }
        }
        Instance::Sparse(s) => {
            let row_start: Vec<i64> = s.row_start.iter().map(|&x| x as i64).collect();
            save(dir, "row_start.npy", &[row_start.len()], &row_start)?;
            save(dir, "arc_col.npy", &[s.n_arcs()], &s.arc_col)?;
            save(dir, "arc_weight.npy", &[s.n_arcs()], &s.arc_weight)?;
            save(dir, "col_capacity.npy", &[s.cols], &s.col_capacity)?;
            Meta {
                format: FORMAT.into(),
                family: family.into(),
                size: size.into(),
                seed,
                kind: "sparse".into(),
                rows: s.rows,
                cols: s.cols,
                arcs: s.n_arcs(),
                sense: "max".into(),
            }
        }
    };
    let f = File::create(dir.join("meta.json")).map_err(io_err("meta.json"))?;
    let mut w = BufWriter::new(f);
    serde_json::to_writer_pretty(&mut w, &meta)?;
    w.write_all(b"\n").map_err(io_err("meta.json"))?;
    w.flush().map_err(io_err("meta.json"))?;
    Ok(meta)
}

/// Reads an instance written by [`write`].
///
/// # Errors
/// [`StoreError`] naming the file that is missing or inconsistent with `meta.json`.
pub fn read(dir: &Path) -> Result<(Meta, Instance), StoreError> {
    let f = File::open(dir.join("meta.json")).map_err(io_err("meta.json"))?;
    let meta: Meta = serde_json::from_reader(BufReader::new(f))?;
    let check = |field: &'static str, found: usize, expected: usize| {
        if found == expected {
            Ok(())
        } else {
            Err(StoreError::Inconsistent {
                field,
                found: found.to_string(),
                expected: expected.to_string(),
            })
        }
    };
    if meta.format != FORMAT {
        return Err(StoreError::Inconsistent {
            field: "format",
            found: meta.format.clone(),
            expected: FORMAT.into(),
        });
    }
    let instance = match meta.kind.as_str() {
        "dense" => {
            let costs: Vec<i64> = load(dir, "costs.npy")?;
            check("rows * cols", costs.len(), meta.rows * meta.cols)?;
            Instance::Dense(DenseInstance {
                rows: meta.rows,
                cols: meta.cols,
                costs,
            })
        }
        "sparse" => {
            let row_start: Vec<i64> = load(dir, "row_start.npy")?;
            let arc_col: Vec<u32> = load(dir, "arc_col.npy")?;
            let arc_weight: Vec<i64> = load(dir, "arc_weight.npy")?;
            let col_capacity: Vec<u32> = load(dir, "col_capacity.npy")?;
            check("rows + 1", row_start.len(), meta.rows + 1)?;
            check("arcs", arc_col.len(), meta.arcs)?;
            check("arcs", arc_weight.len(), meta.arcs)?;
            check("cols", col_capacity.len(), meta.cols)?;
            let mut prev = 0i64;
            for (row, &s) in row_start.iter().enumerate() {
                if s < prev || s as usize > meta.arcs {
                    return Err(StoreError::Inconsistent {
                        field: "row_start",
                        found: format!("{s} at row {row}"),
                        expected: "non-decreasing offsets within the arcs".into(),
                    });
                }
                prev = s;
            }
            Instance::Sparse(SparseInstance {
                rows: meta.rows,
                cols: meta.cols,
                row_start: row_start.into_iter().map(|x| x as u64).collect(),
                arc_col,
                arc_weight,
                col_capacity,
            })
        }
        other => {
            return Err(StoreError::Inconsistent {
                field: "kind",
                found: other.into(),
                expected: "dense or sparse".into(),
            });
        }
    };
    Ok((meta, instance))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Family, dense_uniform, two_lists};

    fn tmp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("aidmatch-bench-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    #[test]
    fn dense_round_trip() {
        let dir = tmp("dense");
        let inst = Instance::Dense(dense_uniform(7, 9, 1));
        let meta = write(&dir, &inst, "rect", "7x9", 1).expect("write");
        assert_eq!((meta.arcs, meta.sense.as_str()), (63, "min"));
        let (meta2, back) = read(&dir).expect("read");
        assert_eq!((meta2, back), (meta, inst));
        std::fs::remove_dir_all(&dir).expect("cleanup");
    }

    #[test]
    fn sparse_round_trip_and_family_parse() {
        let dir = tmp("sparse");
        let inst = Family::TwoLists
            .generate("300,40,6", 5)
            .expect("size parses");
        assert_eq!(inst, Instance::Sparse(two_lists(300, 40, 6, 5)));
        write(&dir, &inst, "two-lists", "300,40,6", 5).expect("write");
        let (meta, back) = read(&dir).expect("read");
        assert_eq!((meta.kind.as_str(), meta.arcs), ("sparse", 1800));
        assert_eq!(back, inst);
        std::fs::remove_dir_all(&dir).expect("cleanup");
        assert!(Family::Geometric.generate("3x4", 1).is_err());
        assert!(Family::parse("nope").is_none());
    }
}
