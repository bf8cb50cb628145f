//! The records of the two lists, typed: needs, resources, exclusions and outcomes.
//!
//! One struct per record kind of the interchange format (`two-lists.md`), with one field
//! per column under the spec's name. Required columns are plain fields, optional ones are
//! `Option` (or a documented default: an empty status list is the empty set, an empty
//! `form` is `service`, an empty `quantity` is 1, an empty `urgency` is `normal`).
//! Values are already validated: enumerations are enums, lists are bitsets, places are
//! [`Division`]s, dates are [`Date`]s and amounts are [`Quantity`]s, so the engine never
//! re-parses or meets an invalid value. Ids stay `String`s: they are pseudonymous keys the
//! platforms choose, and only their equality and order matter.
//!
//! Construct records with the io layer (`crate::io`), the generator, or directly; the
//! `Serialize` impls write the spec's field names and English ids (the JSON form of the
//! lists).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::date::Date;
use crate::division::{AreaPrefix, Division};
use crate::taxonomy::{
    Category, CategorySet, DeclineReason, DeclinedBy, Form, Gender, OutcomeStatus, ProgramSet,
    ProviderKind, Status, StatusSet, Urgency,
};

/// A non-negative amount with two decimal places: yuan for cash, units for goods, hours
/// for service.
///
/// Stored exactly as an integer number of hundredths (`Quantity(300_050)` is 3000.50), so
/// sums, comparisons and digests are exact and platform-independent. Input accepts
/// integers and decimals with at most two places (`"3000"`, `"3000.5"`, `"3000.50"`);
/// negative values, more places, exponents and thousands separators are errors.
/// The largest value is `u64::MAX / 100` whole units, far above any budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Quantity(pub u64);

/// Why a string is not a [`Quantity`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuantityError {
    /// A minus sign.
    #[error("a quantity cannot be negative")]
    Negative,
    /// More than two decimal places.
    #[error("a quantity has at most two decimal places")]
    TooManyDecimals,
    /// Not a plain decimal number.
    #[error("expected a number such as 3000 or 3000.50")]
    NotANumber,
    /// Does not fit.
    #[error("the number is too large")]
    TooLarge,
}

impl Quantity {
    /// Zero.
    pub const ZERO: Quantity = Quantity(0);

    /// `n` whole units (yuan, units, hours); `None` on overflow.
    pub const fn from_units(n: u64) -> Option<Quantity> {
        match n.checked_mul(100) {
            Some(h) => Some(Quantity(h)),
            None => None,
        }
    }

    /// The amount in hundredths of a unit.
    pub const fn hundredths(self) -> u64 {
        self.0
    }

    /// The whole units, rounded down.
    pub const fn whole_units(self) -> u64 {
        self.0 / 100
    }

    /// True for zero.
    pub const fn is_zero(self) -> bool {
        self.0 == 0
    }

    /// Parses `"3000"`, `"3000.5"` or `"3000.50"` (trimmed).
    pub fn parse(s: &str) -> Result<Quantity, QuantityError> {
        let s = s.trim();
        if let Some(rest) = s.strip_prefix('-') {
            // "-0" is still written negative: reject it like any minus sign, but only if
            // the rest is a number, so "-abc" reports NotANumber.
            return match Quantity::parse(rest) {
                Ok(_) => Err(QuantityError::Negative),
                Err(e) => Err(e),
            };
        }
        let (int, frac) = match s.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (s, None),
        };
        if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit()) {
            return Err(QuantityError::NotANumber);
        }
        let mut units: u64 = 0;
        for b in int.bytes() {
            units = units
                .checked_mul(10)
                .and_then(|u| u.checked_add(u64::from(b - b'0')))
                .ok_or(QuantityError::TooLarge)?;
        }
        let mut cents = 0u64;
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
                return Err(QuantityError::NotANumber);
            }
            // Trailing zeros beyond two places are harmless ("3000.500" from a float export).
            let significant = f.trim_end_matches('0');
            if significant.len() > 2 {
                return Err(QuantityError::TooManyDecimals);
            }
            for (i, b) in significant.bytes().enumerate() {
                cents += u64::from(b - b'0') * if i == 0 { 10 } else { 1 };
            }
        }
        units
            .checked_mul(100)
            .and_then(|h| h.checked_add(cents))
            .map(Quantity)
            .ok_or(QuantityError::TooLarge)
    }

    /// `self + other`, `None` on overflow.
    pub fn checked_add(self, other: Quantity) -> Option<Quantity> {
        self.0.checked_add(other.0).map(Quantity)
    }

    /// `self - other`, saturating at zero.
    pub fn saturating_sub(self, other: Quantity) -> Quantity {
        Quantity(self.0.saturating_sub(other.0))
    }
}

impl fmt::Display for Quantity {
    /// `3000`, `3000.5`, `3000.05`: whole numbers without a point, otherwise the shortest
    /// of one or two places.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (u, c) = (self.0 / 100, self.0 % 100);
        if c == 0 {
            write!(f, "{u}")
        } else if c % 10 == 0 {
            write!(f, "{u}.{}", c / 10)
        } else {
            write!(f, "{u}.{c:02}")
        }
    }
}

impl std::str::FromStr for Quantity {
    type Err = QuantityError;
    fn from_str(s: &str) -> Result<Self, QuantityError> {
        Quantity::parse(s)
    }
}

impl Serialize for Quantity {
    /// A JSON number: an integer when whole, otherwise a decimal with at most two places
    /// (which reads back exactly through [`Quantity::parse`]).
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % 100 == 0 {
            s.serialize_u64(self.0 / 100)
        } else {
            // Exact for amounts below 2^53 hundredths: the shortest float text that
            // round-trips is the two-place decimal itself.
            s.serialize_f64(self.0 as f64 / 100.0)
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    /// From a JSON number or string, through [`Quantity::parse`].
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = serde_json::Value::deserialize(d)?;
        let text = match &v {
            serde_json::Value::Number(n) => n.to_string(),
            serde_json::Value::String(s) => s.clone(),
            _ => return Err(serde::de::Error::custom("expected a number")),
        };
        Quantity::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// One item of the needs list (需求清单): one thing one household needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Need {
    /// Unique id of this need item.
    pub need_id: String,
    /// Pseudonymous household id; several needs may share one.
    pub household_id: String,
    /// Where the household lives (6, 9 or 12 digits).
    pub region: Division,
    /// Hardship statuses recognised so far (empty = none yet).
    pub statuses: StatusSet,
    /// What is needed.
    pub category: Category,
    /// Cash, goods or service (default service).
    pub form: Form,
    /// Yuan, units or hours (default 1).
    pub quantity: Quantity,
    /// Default normal.
    pub urgency: Urgency,
    /// The person agreed to be referred to charity help. Without it the need is never
    /// matched to a non-government resource.
    pub consent: bool,
    /// Government aid already received.
    pub gov_programs: ProgramSet,
    /// Household monthly income per person, yuan.
    pub income_per_capita: Option<Quantity>,
    /// Number of people in the household.
    pub household_size: Option<u32>,
    /// Age of the person, years.
    pub age: Option<u32>,
    /// Gender of the person.
    pub gender: Option<Gender>,
    /// When the need was recorded.
    pub reported_at: Option<Date>,
}

impl Need {
    /// The spec's default quantity when the column is empty: 1.
    pub const DEFAULT_QUANTITY: Quantity = Quantity(100);

    /// A need with the required fields and every optional one at its spec default.
    pub fn new(
        need_id: impl Into<String>,
        household_id: impl Into<String>,
        region: Division,
        category: Category,
        consent: bool,
    ) -> Need {
        Need {
            need_id: need_id.into(),
            household_id: household_id.into(),
            region,
            statuses: StatusSet::EMPTY,
            category,
            form: Form::default(),
            quantity: Need::DEFAULT_QUANTITY,
            urgency: Urgency::default(),
            consent,
            gov_programs: ProgramSet::EMPTY,
            income_per_capita: None,
            household_size: None,
            age: None,
            gender: None,
            reported_at: None,
        }
    }

    /// True if civil affairs already recognises the household (dibao, tekun, dibao_edge,
    /// orphan, unsupported_child): the `fast_track` of the results.
    pub fn fast_track(&self) -> bool {
        self.statuses.intersects(Status::FAST_TRACK)
    }
}

/// One offer of the supply list (供给清单).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Resource {
    /// Unique id of this offer.
    pub resource_id: String,
    /// The organisation or person that offers it.
    pub provider_id: String,
    /// What kind of provider.
    pub provider_kind: ProviderKind,
    /// Need categories it serves (never empty when read by the io layer).
    pub categories: CategorySet,
    /// Cash, goods or service (default service).
    pub form: Form,
    /// How many need items it can take on (the N of a 1+N pairing, the places of a grant).
    pub capacity: u32,
    /// Total quantity it can give; `None` = limited by capacity only.
    pub budget: Option<Quantity>,
    /// The most it gives to one need item.
    pub max_per_need: Option<Quantity>,
    /// Division-code prefixes it serves (never empty when read by the io layer).
    pub area: Vec<AreaPrefix>,
    /// Only households with at least one of these statuses; empty = anyone.
    pub eligible_statuses: StatusSet,
    /// Statuses it prefers (a scoring bonus, not a restriction).
    pub priority_statuses: StatusSet,
    /// Youngest person it serves.
    pub min_age: Option<u32>,
    /// Oldest person it serves.
    pub max_age: Option<u32>,
    /// Only persons of this gender.
    pub gender: Option<Gender>,
    /// First day the offer is open.
    pub valid_from: Option<Date>,
    /// Last day the offer is open (inclusive).
    pub valid_to: Option<Date>,
}

impl Resource {
    /// A resource with the required fields and every optional one empty.
    pub fn new(
        resource_id: impl Into<String>,
        provider_id: impl Into<String>,
        provider_kind: ProviderKind,
        categories: CategorySet,
        capacity: u32,
        area: Vec<AreaPrefix>,
    ) -> Resource {
        Resource {
            resource_id: resource_id.into(),
            provider_id: provider_id.into(),
            provider_kind,
            categories,
            form: Form::default(),
            capacity,
            budget: None,
            max_per_need: None,
            area,
            eligible_statuses: StatusSet::EMPTY,
            priority_statuses: StatusSet::EMPTY,
            min_age: None,
            max_age: None,
            gender: None,
            valid_from: None,
            valid_to: None,
        }
    }

    /// True if some prefix of `area` contains `region`.
    pub fn serves_region(&self, region: Division) -> bool {
        self.area.iter().any(|a| a.contains(region))
    }

    /// True if the offer is open on `day` (both bounds inclusive, missing = unbounded).
    pub fn is_open_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_to.is_none_or(|t| day <= t)
    }
}

/// A conflict-of-interest pair (回避): this household is never matched with this provider.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Exclusion {
    /// The household.
    pub household_id: String,
    /// The provider it must not be matched with.
    pub provider_id: String,
    /// Why (free text, kept for the auditors; never copied to results).
    pub reason: String,
}

/// Feedback on a proposed match (帮扶结果反馈).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The need item.
    pub need_id: String,
    /// The resource it was matched with.
    pub resource_id: String,
    /// What happened.
    pub status: OutcomeStatus,
    /// When.
    pub at: Option<Date>,
    /// Free text (never copied to results).
    pub note: String,
    /// Who declined (`declined` rows; optional column, an extension of the spec).
    pub declined_by: Option<DeclinedBy>,
    /// Why it was declined (`declined` rows; optional column, an extension of the spec).
    pub reason: Option<DeclineReason>,
}

/// The three input lists of one matching run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Inputs {
    /// The needs list.
    pub needs: Vec<Need>,
    /// The supply list.
    pub resources: Vec<Resource>,
    /// Conflict-of-interest pairs.
    pub exclusions: Vec<Exclusion>,
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn quantity_parse() {
        let ok = [
            ("3000", 300_000),
            ("3000.5", 300_050),
            ("3000.50", 300_050),
            ("3000.05", 300_005),
            ("0", 0),
            ("0.01", 1),
            (" 12 ", 1200),
            ("3000.500", 300_050),
            ("007", 700),
        ];
        for (s, h) in ok {
            assert_eq!(Quantity::parse(s), Ok(Quantity(h)), "{s}");
        }
        assert_eq!(Quantity::parse("-3"), Err(QuantityError::Negative));
        assert_eq!(Quantity::parse("-0"), Err(QuantityError::Negative));
        assert_eq!(Quantity::parse("-x"), Err(QuantityError::NotANumber));
        assert_eq!(
            Quantity::parse("3.141"),
            Err(QuantityError::TooManyDecimals)
        );
        for s in ["", "abc", "1e3", "3,000", ".5", "5.", "+5", "1.2.3", "５"] {
            assert_eq!(Quantity::parse(s), Err(QuantityError::NotANumber), "{s}");
        }
        assert_eq!(
            Quantity::parse("184467440737095517"),
            Err(QuantityError::TooLarge)
        );
        assert_eq!(
            Quantity::parse("99999999999999999999999"),
            Err(QuantityError::TooLarge)
        );
    }

    #[test]
    fn quantity_display_and_json_round_trip() {
        for (h, s) in [
            (300_000, "3000"),
            (300_050, "3000.5"),
            (300_005, "3000.05"),
            (1, "0.01"),
        ] {
            let q = Quantity(h);
            assert_eq!(q.to_string(), s);
            assert_eq!(Quantity::parse(s), Ok(q));
            let json = serde_json::to_string(&q).unwrap();
            let back: Quantity = serde_json::from_str(&json).unwrap();
            assert_eq!(back, q, "{json}");
        }
        // Every two-place amount up to a large bound survives the float form.
        for h in (0..2_000_000u64)
            .step_by(7)
            .chain([12_345_678_901, 99_999_999_999])
        {
            let json = serde_json::to_string(&Quantity(h)).unwrap();
            let back: Quantity = serde_json::from_str(&json).unwrap();
            assert_eq!(back, Quantity(h), "{json}");
        }
    }
}
