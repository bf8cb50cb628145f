//! Minimal `.npy` (NumPy format version 1.0) writer and reader for one-dimensional and
//! two-dimensional little-endian integer arrays in C order.
//!
//! The format: the magic `\x93NUMPY`, the version bytes `1 0`, a little-endian `u16`
//! header length, an ASCII Python dict such as
//! `{'descr': '<i8', 'fortran_order': False, 'shape': (3, 4), }` padded with spaces and
//! a final newline so that the data starts at a multiple of 64 bytes, then the raw data.
//! `numpy.load(path, mmap_mode="r")` maps such a file without copying.
//!
//! Only what the bench instances need is supported: dtypes `<i8`, `<i4`, `<u4`.

use std::io::{self, Read, Write};

const MAGIC: &[u8] = b"\x93NUMPY";

/// Element types the instances use.
pub trait Element: Copy {
    /// The NumPy `descr` string, e.g. `<i8`.
    const DESCR: &'static str;
    /// Size in bytes.
    const SIZE: usize;
    fn write_le(self, out: &mut Vec<u8>);
    fn read_le(bytes: &[u8]) -> Self;
}

macro_rules! element {
    ($t:ty, $descr:literal) => {
        impl Element for $t {
            const DESCR: &'static str = $descr;
            const SIZE: usize = std::mem::size_of::<$t>();
            fn write_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn read_le(bytes: &[u8]) -> Self {
                let mut b = [0u8; std::mem::size_of::<$t>()];
                b.copy_from_slice(bytes);
                <$t>::from_le_bytes(b)
            }
        }
    };
}
element!(i64, "<i8");
element!(u64, "<u8");
element!(i32, "<i4");
element!(u32, "<u4");

/// A read or write failure, with what was expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum NpyError {
    #[error("i/o error: {0}")]
    Io(#[from] io::Error),
    #[error("not a version 1.0 .npy file")]
    Magic,
    #[error("unsupported .npy header {header:?}: {reason}")]
    Header {
        header: String,
        reason: &'static str,
    },
    #[error("dtype {found} where {expected} was expected")]
    Dtype {
        expected: &'static str,
        found: String,
    },
    #[error("shape {shape:?} holds {expected} elements but the file has {got} bytes of data")]
    Truncated {
        shape: Vec<usize>,
        expected: usize,
        got: usize,
    },
}

/// Writes `data` with the given `shape` (whose product must be `data.len()`).
///
/// # Errors
/// I/O errors of `out`.
pub fn write<T: Element, W: Write>(out: &mut W, shape: &[usize], data: &[T]) -> io::Result<()> {
    debug_assert_eq!(shape.iter().product::<usize>(), data.len());
    let shape_str = match shape {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            shape
                .iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!(
        "{{'descr': '{}', 'fortran_order': False, 'shape': {}, }}",
        T::DESCR,
        shape_str
    );
    // 6 magic + 2 version + 2 length + header + '\n' must be a multiple of 64.
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    out.write_all(MAGIC)?;
    out.write_all(&[1, 0])?;
    out.write_all(&(header.len() as u16).to_le_bytes())?;
    out.write_all(header.as_bytes())?;
    // Write in chunks so that a large array does not double its memory.
    let mut buf = Vec::with_capacity(1 << 20);
    for chunk in data.chunks((1 << 20) / T::SIZE) {
        buf.clear();
        for &x in chunk {
            x.write_le(&mut buf);
        }
        out.write_all(&buf)?;
    }
    Ok(())
}

/// Reads an array written by [`write`] or by `numpy.save` (version 1.0, C order, the
/// dtype of `T`). Returns the shape and the data.
///
/// # Errors
/// [`NpyError`] naming what did not match.
pub fn read<T: Element, R: Read>(input: &mut R) -> Result<(Vec<usize>, Vec<T>), NpyError> {
    let mut pre = [0u8; 10];
    input.read_exact(&mut pre)?;
    if &pre[..6] != MAGIC || pre[6] != 1 {
        return Err(NpyError::Magic);
    }
    let len = u16::from_le_bytes([pre[8], pre[9]]) as usize;
    let mut header = vec![0u8; len];
    input.read_exact(&mut header)?;
    let header = String::from_utf8_lossy(&header).into_owned();
    let bad = |reason| NpyError::Header {
        header: header.clone(),
        reason,
    };
    let descr = dict_value(&header, "descr").ok_or_else(|| bad("no descr"))?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    if descr != T::DESCR {
        return Err(NpyError::Dtype {
            expected: T::DESCR,
            found: descr.to_string(),
        });
    }
    if dict_value(&header, "fortran_order").is_none_or(|v| v != "False") {
        return Err(bad("only C order is supported"));
    }
    let shape_str = dict_value(&header, "shape").ok_or_else(|| bad("no shape"))?;
    let shape = shape_str
        .trim_matches(|c| c == '(' || c == ')')
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::parse::<usize>)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| bad("shape is not a tuple of integers"))?;
    let count: usize = shape.iter().product();
    let mut bytes = Vec::with_capacity(count * T::SIZE);
    input.read_to_end(&mut bytes)?;
    if bytes.len() != count * T::SIZE {
        return Err(NpyError::Truncated {
            shape,
            expected: count,
            got: bytes.len(),
        });
    }
    let data = bytes.chunks_exact(T::SIZE).map(T::read_le).collect();
    Ok((shape, data))
}

/// The text of `'key': value` in a flat Python dict literal; a tuple value is returned
/// whole, parentheses included.
fn dict_value<'a>(header: &'a str, key: &str) -> Option<&'a str> {
    let at = header.find(&format!("'{key}'"))?;
    let rest = header[at + key.len() + 2..]
        .trim_start()
        .strip_prefix(':')?
        .trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else {
        rest.find([',', '}'])?
    };
    Some(rest[..end].trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_2d_and_1d() {
        let data: Vec<i64> = (0..12).map(|x| x * 1_000_000_007 - 5).collect();
        let mut buf = Vec::new();
        write(&mut buf, &[3, 4], &data).expect("write to a vec");
        assert_eq!(
            (buf.len() - data.len() * 8) % 64,
            0,
            "data is 64-byte aligned"
        );
        let (shape, back) = read::<i64, _>(&mut buf.as_slice()).expect("read back");
        assert_eq!((shape, back), (vec![3, 4], data));

        let small: Vec<u32> = vec![7, 0, u32::MAX];
        let mut buf = Vec::new();
        write(&mut buf, &[3], &small).expect("write to a vec");
        let header = String::from_utf8_lossy(&buf[10..64]).into_owned();
        assert!(header.contains("'shape': (3,)"), "{header}");
        let (shape, back) = read::<u32, _>(&mut buf.as_slice()).expect("read back");
        assert_eq!((shape, back), (vec![3], small));
    }

    #[test]
    fn wrong_dtype_and_truncation_are_errors() {
        let mut buf = Vec::new();
        write(&mut buf, &[2], &[1i64, 2]).expect("write to a vec");
        assert!(matches!(
            read::<u32, _>(&mut buf.as_slice()),
            Err(NpyError::Dtype { .. })
        ));
        buf.pop();
        assert!(matches!(
            read::<i64, _>(&mut buf.as_slice()),
            Err(NpyError::Truncated { .. })
        ));
        assert!(matches!(
            read::<i64, _>(&mut &b"not npy at all"[..]),
            Err(NpyError::Magic)
        ));
    }
}
