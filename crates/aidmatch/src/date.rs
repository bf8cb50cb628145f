//! A calendar date (ISO `yyyy-mm-dd`), with day arithmetic.
//!
//! The lists only carry dates (when a need was recorded, when an offer is open, when an
//! outcome happened), never times or zones, and the engine only compares them and counts
//! days (how long a need has waited). A 4-byte day number does all of that, so this tiny
//! type replaces a date-time crate (`jiff`, `time`): no dependency, no time zone database,
//! trivially deterministic.
//!
//! Representation: days since 1970-01-01 in the proleptic Gregorian calendar, so `Ord`,
//! subtraction and `add_days` are integer operations. Conversions use Howard Hinnant's
//! `days_from_civil` / `civil_from_days` algorithms, O(1).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A calendar date between 0001-01-01 and 9999-12-31.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    days: i32,
}

/// Why a string is not a date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not of the shape `yyyy-mm-dd`.
    #[error("expected an ISO date yyyy-mm-dd")]
    Shape,
    /// The shape is right but the day does not exist (`2024-02-30`).
    #[error("no such day")]
    NoSuchDay,
}

impl Date {
    /// The date of `year-month-day`, or `None` if that day does not exist or the year is
    /// outside 1..=9999.
    pub const fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if year < 1 || year > 9999 || month < 1 || month > 12 || day == 0 {
            return None;
        }
        if day > days_in_month(year, month) {
            return None;
        }
        Some(Date {
            days: days_from_civil(year, month, day),
        })
    }

    /// Parses `yyyy-mm-dd` (exactly four, two and two digits; surrounding whitespace is
    /// trimmed).
    pub fn parse(s: &str) -> Result<Date, DateError> {
        let b = s.trim().as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(DateError::Shape);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, DateError> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return Err(DateError::Shape);
                }
                v = v * 10 + u32::from(c - b'0');
            }
            Ok(v)
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        // y < 10_000: four digits.
        Date::from_ymd(y as i32, m, d).ok_or(DateError::NoSuchDay)
    }

    /// Days since 1970-01-01 (negative before).
    pub fn days_since_epoch(self) -> i32 {
        self.days
    }

    /// The date `days` days since 1970-01-01, if within 0001-01-01..=9999-12-31.
    pub fn from_days_since_epoch(days: i32) -> Option<Date> {
        let d = Date { days };
        let (y, _, _) = d.ymd();
        (1..=9999).contains(&y).then_some(d)
    }

    /// `(year, month, day)`.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.days)
    }

    /// The date `n` days later (earlier if negative), if still within range.
    pub fn add_days(self, n: i32) -> Option<Date> {
        Date::from_days_since_epoch(self.days.checked_add(n)?)
    }

    /// `self - earlier` in days (negative if `earlier` is later).
    pub fn days_since(self, earlier: Date) -> i32 {
        self.days - earlier.days
    }
}

const fn is_leap(y: i32) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

const fn days_in_month(y: i32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if is_leap(y) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a valid civil date (Hinnant).
const fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400) as u32; // [0, 399]
    let mp = (m + 9) % 12; // March = 0
    let doy = (153 * mp + 2) / 5 + d - 1; // [0, 365]
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // [0, 146096]
    era * 146_097 + doe as i32 - 719_468
}

/// The civil date of a day number (Hinnant).
fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097) as u32; // [0, 146096]
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // [0, 399]
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // [0, 365]
    let mp = (5 * doy + 2) / 153; // [0, 11]
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe as i32 + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

impl std::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Date, DateError> {
        Date::parse(s)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Date::parse(&s).map_err(|e| serde::de::Error::custom(format_args!("{e}: {s:?}")))
    }
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn known_days() {
        assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse("2000-03-01").unwrap().days_since_epoch(),
            11_017
        );
        assert_eq!(
            Date::parse("2024-09-02").unwrap().days_since_epoch(),
            19_968
        );
        assert_eq!(Date::parse("1969-12-31").unwrap().days_since_epoch(), -1);
        let a = Date::parse("2024-02-28").unwrap();
        assert_eq!(a.add_days(1).unwrap().to_string(), "2024-02-29");
        assert_eq!(a.add_days(2).unwrap().to_string(), "2024-03-01");
        assert_eq!(
            Date::parse("2025-01-01")
                .unwrap()
                .days_since(Date::parse("2024-01-01").unwrap()),
            366
        );
    }

    #[test]
    fn round_trip_every_day_of_four_centuries() {
        let start = Date::parse("1900-01-01").unwrap();
        let mut prev = start;
        for n in 1..(400 * 366) {
            let d = start.add_days(n).unwrap();
            let (y, m, dd) = d.ymd();
            assert_eq!(Date::from_ymd(y, m, dd), Some(d));
            assert_eq!(Date::parse(&d.to_string()), Ok(d));
            assert!(d > prev);
            prev = d;
        }
    }

    #[test]
    fn rejects() {
        for s in [
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-04-31",
            "0000-01-01",
        ] {
            assert_eq!(Date::parse(s), Err(DateError::NoSuchDay), "{s}");
        }
        for s in [
            "2024/09/02",
            "2024-9-2",
            "20240902",
            "",
            "2024-09-02x",
            "２０２４-09-02",
        ] {
            assert_eq!(Date::parse(s), Err(DateError::Shape), "{s}");
        }
        assert_eq!(Date::parse("9999-12-31").unwrap().add_days(1), None);
    }
}
