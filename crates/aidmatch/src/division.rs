//! Statistical division codes: where a need is, and which areas a resource serves.
//!
//! A need's `region` is a code of the national statistical divisions: the six digits of
//! GB/T 2260 (province 2, prefecture-level city 2, county-level unit 2), then three digits
//! of the township (乡镇/街道) and three of the village or community (村/社区) — 6, 9 or 12
//! digits in all, e.g. `610102001001`. A resource's `area` is a list of code *prefixes*
//! at any of those levels (2, 4, 6, 9 or 12 digits): `61` serves all of Shaanxi, `6101`
//! the city of Xi'an, `610103002` one township.
//!
//! Any province is accepted (the lists of neighbouring provinces use the same format); the
//! first two digits must be a province code that exists in GB/T 2260 (11–15, 21–23,
//! 31–37, 41–46, 50–54, 61–65, 71, 81, 82), which catches most typing and spreadsheet
//! mistakes (a code stored as a number losing its leading digits, a phone number in the
//! wrong column). The lower levels are not checked against a register: registers change
//! every year and the platforms' codes are authoritative.
//!
//! [`Proximity`] says how close two codes are (same village, township, county, city,
//! province, or none), for scoring local help above distant help. All operations are O(1)
//! on a `u64`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A level of the division hierarchy, by the number of digits that name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// 2 digits (省).
    Province,
    /// 4 digits (地级市).
    City,
    /// 6 digits (县/区).
    County,
    /// 9 digits (乡镇/街道).
    Township,
    /// 12 digits (村/社区).
    Village,
}

impl Level {
    /// Every level, from the widest.
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Township,
        Level::Village,
    ];

    /// The number of digits of a code at this level.
    pub const fn digits(self) -> u8 {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Township => 9,
            Level::Village => 12,
        }
    }

    /// The level of a code with `n` digits, if `n` is one of 2, 4, 6, 9, 12.
    pub const fn from_digits(n: usize) -> Option<Level> {
        match n {
            2 => Some(Level::Province),
            4 => Some(Level::City),
            6 => Some(Level::County),
            9 => Some(Level::Township),
            12 => Some(Level::Village),
            _ => None,
        }
    }

    /// English name (`"county"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Province => "province",
            Level::City => "city",
            Level::County => "county",
            Level::Township => "township",
            Level::Village => "village",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The province codes of GB/T 2260 (including Taiwan 71, Hong Kong 81, Macao 82).
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82,
];

/// True if `code` is a province code of GB/T 2260.
pub fn is_province(code: u8) -> bool {
    PROVINCES.contains(&code)
}

/// Why a string is not a division code or area prefix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DivisionError {
    /// Not all ASCII digits.
    #[error("a division code has only digits")]
    NotDigits,
    /// Wrong number of digits.
    #[error("{what} has {expected} digits, not {found}")]
    Length {
        /// `"a division code"` or `"an area prefix"`.
        what: &'static str,
        /// The accepted lengths (`"6, 9 or 12"`).
        expected: &'static str,
        /// The length found.
        found: usize,
    },
    /// The first two digits are no province.
    #[error("{0:02} is not a province code of GB/T 2260")]
    Province(u8),
}

/// Parses digits into (value, length) after trimming; checks the province.
fn parse_digits(s: &str) -> Result<(u64, u8), DivisionError> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DivisionError::NotDigits);
    }
    if s.len() > 12 {
        return Err(DivisionError::Length {
            what: "a division code",
            expected: "at most 12",
            found: s.len(),
        });
    }
    let mut v = 0u64;
    for b in s.bytes() {
        v = v * 10 + u64::from(b - b'0');
    }
    let len = s.len() as u8;
    if len >= 2 {
        let province = (v / POW10[usize::from(len - 2)]) as u8;
        if !is_province(province) {
            return Err(DivisionError::Province(province));
        }
    }
    Ok((v, len))
}

const POW10: [u64; 13] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
    1_000_000_000,
    10_000_000_000,
    100_000_000_000,
    1_000_000_000_000,
];

/// The code of a place: 6 (county), 9 (township) or 12 (village) digits.
///
/// Ordered by the digits as written (a code before the codes inside it), which keeps
/// output sorted by place.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Division {
    /// The digits as a number (no leading zero is possible: provinces start at 11).
    value: u64,
    /// 6, 9 or 12.
    len: u8,
}

impl Division {
    /// Parses a 6, 9 or 12 digit code (trimmed) with a real province.
    pub fn parse(s: &str) -> Result<Division, DivisionError> {
        let (value, len) = parse_digits(s)?;
        if !matches!(len, 6 | 9 | 12) {
            return Err(DivisionError::Length {
                what: "a division code",
                expected: "6, 9 or 12",
                found: usize::from(len),
            });
        }
        Ok(Division { value, len })
    }

    /// The code from its numeric value and digit count (6, 9 or 12); `None` if they do
    /// not form a valid code.
    pub fn from_parts(value: u64, len: u8) -> Option<Division> {
        if !matches!(len, 6 | 9 | 12) || value >= POW10[usize::from(len)] {
            return None;
        }
        let province = (value / POW10[usize::from(len - 2)]) as u8;
        is_province(province).then_some(Division { value, len })
    }

    /// The digits as a number (`610102001001`).
    pub fn value(self) -> u64 {
        self.value
    }

    /// Number of digits: 6, 9 or 12.
    pub fn len(self) -> u8 {
        self.len
    }

    /// Always false (a code has at least 6 digits); for clippy's `len` convention.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The level this code names (county, township or village).
    pub fn level(self) -> Level {
        match self.len {
            6 => Level::County,
            9 => Level::Township,
            _ => Level::Village,
        }
    }

    /// The first `digits` digits as a number, if the code has that many.
    pub fn prefix_value(self, digits: u8) -> Option<u64> {
        (digits <= self.len).then(|| self.value / POW10[usize::from(self.len - digits)])
    }

    /// The code cut to `level` (the county of a village), if the code is that deep.
    pub fn truncate(self, level: Level) -> Option<AreaPrefix> {
        let d = level.digits();
        self.prefix_value(d)
            .map(|value| AreaPrefix { value, len: d })
    }

    /// The province code (first two digits).
    pub fn province(self) -> u8 {
        (self.value / POW10[usize::from(self.len - 2)]) as u8
    }

    /// The 6-digit county-level code.
    pub fn county(self) -> u32 {
        (self.value / POW10[usize::from(self.len - 6)]) as u32
    }

    /// How close two places are: the deepest level at which both codes agree.
    pub fn proximity(self, other: Division) -> Proximity {
        let mut p = Proximity::None;
        for level in Level::ALL {
            let d = level.digits();
            match (self.prefix_value(d), other.prefix_value(d)) {
                (Some(a), Some(b)) if a == b => p = Proximity::from(level),
                _ => break,
            }
        }
        p
    }
}

impl PartialOrd for Division {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Division {
    /// A number (below 2⁴⁴) that orders codes as [`Ord`] does: a plain integer key
    /// for sorting many of them.
    pub(crate) fn order_key(self) -> u64 {
        (self.value * POW10[usize::from(12 - self.len)]) << 4 | u64::from(self.len)
    }
}

impl Ord for Division {
    /// Lexicographic on the digits, so a county sorts before its townships.
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.order_key().cmp(&other.order_key())
    }
}

impl fmt::Display for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.value, width = usize::from(self.len))
    }
}

impl fmt::Debug for Division {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Division({self})")
    }
}

impl std::str::FromStr for Division {
    type Err = DivisionError;
    fn from_str(s: &str) -> Result<Self, DivisionError> {
        Division::parse(s)
    }
}

/// How close two places are, for scoring: the deepest common level of their codes.
/// Ordered: `None < Province < City < County < Township < Village`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Proximity {
    /// Different provinces.
    #[default]
    None,
    /// Same province only.
    Province,
    /// Same prefecture-level city.
    City,
    /// Same county-level unit.
    County,
    /// Same township.
    Township,
    /// Same village or community.
    Village,
}

impl Proximity {
    /// 0 (none) to 5 (same village).
    pub fn rank(self) -> u8 {
        self as u8
    }
    /// English name (`"county"`, `"none"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Proximity::None => "none",
            Proximity::Province => "province",
            Proximity::City => "city",
            Proximity::County => "county",
            Proximity::Township => "township",
            Proximity::Village => "village",
        }
    }
}

impl From<Level> for Proximity {
    fn from(level: Level) -> Self {
        match level {
            Level::Province => Proximity::Province,
            Level::City => Proximity::City,
            Level::County => Proximity::County,
            Level::Township => Proximity::Township,
            Level::Village => Proximity::Village,
        }
    }
}

/// A prefix of division codes: 2, 4, 6, 9 or 12 digits (`61` = all of Shaanxi).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AreaPrefix {
    value: u64,
    len: u8,
}

impl AreaPrefix {
    /// Parses a 2, 4, 6, 9 or 12 digit prefix (trimmed) with a real province.
    pub fn parse(s: &str) -> Result<AreaPrefix, DivisionError> {
        let (value, len) = parse_digits(s)?;
        if Level::from_digits(usize::from(len)).is_none() {
            return Err(DivisionError::Length {
                what: "an area prefix",
                expected: "2, 4, 6, 9 or 12",
                found: usize::from(len),
            });
        }
        Ok(AreaPrefix { value, len })
    }

    /// The prefix from its numeric value and level; `None` if the province is not real or
    /// the value has too many digits.
    pub fn from_parts(value: u64, level: Level) -> Option<AreaPrefix> {
        let len = level.digits();
        if value >= POW10[usize::from(len)] {
            return None;
        }
        let province = (value / POW10[usize::from(len - 2)]) as u8;
        is_province(province).then_some(AreaPrefix { value, len })
    }

    /// True if `code` lies in this area (its digits start with the prefix's).
    pub fn contains(self, code: Division) -> bool {
        code.prefix_value(self.len) == Some(self.value)
    }

    /// The level of the prefix (how wide the area is).
    pub fn level(self) -> Level {
        match self.len {
            2 => Level::Province,
            4 => Level::City,
            6 => Level::County,
            9 => Level::Township,
            _ => Level::Village,
        }
    }

    /// The digits as a number.
    pub fn value(self) -> u64 {
        self.value
    }

    /// Number of digits: 2, 4, 6, 9 or 12.
    pub fn len(self) -> u8 {
        self.len
    }

    /// Always false; for clippy's `len` convention.
    pub fn is_empty(self) -> bool {
        false
    }

    /// The proximity an area of this width guarantees to every code it contains
    /// (a township-wide offer is at least township-close to its needs).
    pub fn proximity(self) -> Proximity {
        Proximity::from(self.level())
    }
}

impl From<Division> for AreaPrefix {
    fn from(d: Division) -> Self {
        AreaPrefix {
            value: d.value,
            len: d.len,
        }
    }
}

impl PartialOrd for AreaPrefix {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for AreaPrefix {
    /// Lexicographic on the digits (`61` < `6101` < `610102`).
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        let widen = |d: AreaPrefix| d.value * POW10[usize::from(12 - d.len)];
        widen(*self)
            .cmp(&widen(*other))
            .then(self.len.cmp(&other.len))
    }
}

impl fmt::Display for AreaPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:0width$}", self.value, width = usize::from(self.len))
    }
}

impl fmt::Debug for AreaPrefix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AreaPrefix({self})")
    }
}

impl std::str::FromStr for AreaPrefix {
    type Err = DivisionError;
    fn from_str(s: &str) -> Result<Self, DivisionError> {
        AreaPrefix::parse(s)
    }
}

macro_rules! string_serde {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                <$t>::parse(&s).map_err(|e| serde::de::Error::custom(format_args!("{e}: {s:?}")))
            }
        }
    };
}
string_serde!(Division);
string_serde!(AreaPrefix);

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Division {
        Division::parse(s).unwrap()
    }
    fn a(s: &str) -> AreaPrefix {
        AreaPrefix::parse(s).unwrap()
    }

    #[test]
    fn parse_and_display() {
        for s in ["610102", "610102001", "610102001001", "110101", "820000001"] {
            assert_eq!(d(s).to_string(), s);
        }
        assert_eq!(d(" 610103 ").to_string(), "610103");
        assert_eq!(d("610102001001").level(), Level::Village);
        assert_eq!(d("610102001").county(), 610102);
        assert_eq!(d("610102001").province(), 61);
        assert_eq!(
            Division::parse("6101"),
            Err(DivisionError::Length {
                what: "a division code",
                expected: "6, 9 or 12",
                found: 4
            })
        );
        assert_eq!(
            Division::parse("6101020010"),
            Err(DivisionError::Length {
                what: "a division code",
                expected: "6, 9 or 12",
                found: 10
            })
        );
        assert_eq!(Division::parse("991020"), Err(DivisionError::Province(99)));
        assert_eq!(Division::parse("6101O2"), Err(DivisionError::NotDigits));
        assert_eq!(Division::parse("-610102"), Err(DivisionError::NotDigits));
        assert_eq!(Division::parse(""), Err(DivisionError::NotDigits));
        assert!(matches!(
            Division::parse("6101020010010"),
            Err(DivisionError::Length { .. })
        ));
        assert!(matches!(
            Division::parse("61010200100199999999999"),
            Err(DivisionError::Length { .. })
        ));
        assert_eq!(Division::from_parts(610102, 6), Some(d("610102")));
        assert_eq!(Division::from_parts(610102, 9), None);
        assert_eq!(Division::from_parts(610102001, 9), Some(d("610102001")));
    }

    #[test]
    fn areas_contain() {
        let v = d("610103002001");
        assert!(a("61").contains(v));
        assert!(a("6101").contains(v));
        assert!(a("610103").contains(v));
        assert!(a("610103002").contains(v));
        assert!(a("610103002001").contains(v));
        assert!(!a("610103002002").contains(v));
        assert!(!a("610103001").contains(v));
        assert!(!a("6106").contains(v));
        assert!(!a("62").contains(v));
        // A county-level need is not inside a township-wide offer.
        assert!(!a("610103002").contains(d("610103")));
        assert!(a("610103").contains(d("610103")));
        assert!(AreaPrefix::parse("610").is_err());
        assert!(AreaPrefix::parse("6").is_err());
        assert_eq!(AreaPrefix::parse("99"), Err(DivisionError::Province(99)));
        assert_eq!(a("610103002").level(), Level::Township);
    }

    #[test]
    fn proximity() {
        let v = d("610103002001");
        assert_eq!(v.proximity(v), Proximity::Village);
        assert_eq!(v.proximity(d("610103002005")), Proximity::Township);
        assert_eq!(v.proximity(d("610103002")), Proximity::Township);
        assert_eq!(v.proximity(d("610103001001")), Proximity::County);
        assert_eq!(v.proximity(d("610113003005")), Proximity::City);
        assert_eq!(v.proximity(d("610602100201")), Proximity::Province);
        assert_eq!(v.proximity(d("620102001001")), Proximity::None);
        assert_eq!(d("610103").proximity(v), Proximity::County);
        assert!(Proximity::Village > Proximity::Township);
        assert!(Proximity::Province > Proximity::None);
    }

    #[test]
    fn order_follows_digits() {
        let mut v = [
            d("610103002001"),
            d("610103"),
            d("610102001"),
            d("610103002"),
        ];
        v.sort();
        let s: Vec<String> = v.iter().map(ToString::to_string).collect();
        assert_eq!(s, ["610102001", "610103", "610103002", "610103002001"]);
        let mut p = [a("6101"), a("61"), a("610102")];
        p.sort();
        assert_eq!(p, [a("61"), a("6101"), a("610102")]);
    }
}
