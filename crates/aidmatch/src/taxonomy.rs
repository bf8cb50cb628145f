//! The enumerations of the two-lists format: English ids and official Chinese terms.
//!
//! Every enumerated value of the interchange format (`two-lists.md`) has an English
//! identifier, used in all output, and the official Chinese term, accepted as an alias on
//! input. Both are listed here exactly as the spec gives them; parsing trims surrounding
//! whitespace and is otherwise exact (ids are lower-case, as the spec writes them).
//! An unknown value parses to `None`: the io layer turns it into an input problem naming
//! the row, the column and the value, never a silent drop.
//!
//! Serde: each enum serialises as its English id and deserialises from the id or the
//! Chinese alias, so policy files may use either.
//!
//! [`EnumSet`] is a compact set (a `u32` bitset) of one of these enums, used for the
//! statuses of a household, the categories of a resource and the government programs
//! received. It iterates in declaration order (the order of the spec), so output built from
//! it is deterministic.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, Deserializer, SeqAccess, Visitor};
use serde::ser::{SerializeSeq, Serializer};
use serde::{Deserialize, Serialize};

/// An enumeration of the spec: a fixed, small list of values with an English id and a
/// Chinese alias. Implemented by every enum of this module.
pub trait Term: Copy + Eq + Ord + fmt::Debug + 'static {
    /// Every value, in the order the spec lists them.
    const ALL: &'static [Self];
    /// What the values name, for error messages (`"hardship status"`).
    const WHAT: &'static str;
    /// The English id (used in all output).
    fn as_str(self) -> &'static str;
    /// The official Chinese term (accepted on input).
    fn zh(self) -> &'static str;
    /// Position in [`Term::ALL`] (less than 32).
    fn index(self) -> usize;
    /// Parses the English id or the Chinese alias, after trimming whitespace.
    /// Returns `None` for anything else.
    fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s || v.zh() == s)
    }
}

/// The error of `FromStr` on a taxonomy enum: the value is neither an id nor an alias.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {what} {value:?}")]
pub struct UnknownTerm {
    /// What the value should have named (`"hardship status"`).
    pub what: &'static str,
    /// The value as given.
    pub value: String,
}

macro_rules! term_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal {
            $( $(#[$vmeta:meta])* $variant:ident = $id:literal / $($zh:literal)|+ ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum $name {
            $( $(#[$vmeta])* #[doc = concat!("`", $id, "` (", $($zh, " ",)+ ")")] $variant, )+
        }

        impl Term for $name {
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            const WHAT: &'static str = $what;
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $id,)+ }
            }
            fn zh(self) -> &'static str {
                match self { $(Self::$variant => term_enum!(@first $($zh)+),)+ }
            }
            fn index(self) -> usize {
                self as usize
            }
            fn parse(s: &str) -> Option<Self> {
                match s.trim() {
                    $($id $(| $zh)+ => Some(Self::$variant),)+
                    _ => None,
                }
            }
        }

        impl $name {
            /// Every value, in the order the spec lists them.
            pub const ALL: &'static [Self] = <Self as Term>::ALL;
            /// The English id (used in all output).
            pub fn as_str(self) -> &'static str {
                <Self as Term>::as_str(self)
            }
            /// The official Chinese term.
            pub fn zh(self) -> &'static str {
                <Self as Term>::zh(self)
            }
            /// Parses the English id or the Chinese alias (trimmed); `None` if unknown.
            pub fn parse(s: &str) -> Option<Self> {
                <Self as Term>::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = UnknownTerm;
            fn from_str(s: &str) -> Result<Self, UnknownTerm> {
                Self::parse(s).ok_or_else(|| UnknownTerm { what: $what, value: s.to_owned() })
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                Self::parse(&s).ok_or_else(|| {
                    de::Error::custom(format_args!("unknown {} {:?}", $what, s))
                })
            }
        }
    };
    (@first $first:literal $($rest:literal)*) => { $first };
}

term_enum! {
    /// A hardship status of a household or person, as recognised by civil affairs.
    Status, "hardship status" {
        Dibao = "dibao" / "低保",
        Tekun = "tekun" / "特困",
        DibaoEdge = "dibao_edge" / "低保边缘",
        RigidExpense = "rigid_expense" / "刚性支出困难",
        Monitored = "monitored" / "防止返贫监测",
        Temporary = "temporary" / "临时救助",
        Orphan = "orphan" / "孤儿",
        UnsupportedChild = "unsupported_child" / "事实无人抚养儿童",
        Disabled = "disabled" / "残疾",
        SevereDisabled = "severe_disabled" / "重度残疾",
        WorkerInDifficulty = "worker_in_difficulty" / "困难职工",
        Elderly = "elderly" / "老年",
        DisabledElderly = "disabled_elderly" / "失能老人",
        SeriousIllness = "serious_illness" / "重病",
    }
}

impl Status {
    /// Statuses of households the civil-affairs system already recognises: charities may
    /// skip their own verification for them (`fast_track` in the results, per the spec).
    pub const FAST_TRACK: StatusSet = StatusSet::from_bits(
        1 << Status::Dibao as u32
            | 1 << Status::Tekun as u32
            | 1 << Status::DibaoEdge as u32
            | 1 << Status::Orphan as u32
            | 1 << Status::UnsupportedChild as u32,
    );
}

term_enum! {
    /// What a need item asks for; what a resource serves.
    Category, "need category" {
        Living = "living" / "基本生活",
        Medical = "medical" / "助医",
        Education = "education" / "助学",
        ElderlyCare = "elderly_care" / "扶老",
        Disability = "disability" / "助残",
        Child = "child" / "救孤",
        Housing = "housing" / "住房",
        Employment = "employment" / "就业创业",
        Psychological = "psychological" / "心理慰藉",
        Legal = "legal" / "法律援助",
        CareVisit = "care_visit" / "访视照料",
        Rehabilitation = "rehabilitation" / "康复训练",
        SocialIntegration = "social_integration" / "社会融入",
        Emergency = "emergency" / "急难救助",
    }
}

term_enum! {
    /// The form help takes. `quantity` is in yuan for cash, units for goods, hours for service.
    Form, "form" {
        Cash = "cash" / "现金",
        Goods = "goods" / "物资",
        Service = "service" / "服务",
    }
}

impl Default for Form {
    /// The spec's default when the column is empty: `service`.
    fn default() -> Self {
        Form::Service
    }
}

term_enum! {
    /// How urgent a need item is.
    Urgency, "urgency" {
        Normal = "normal" / "一般",
        Urgent = "urgent" / "紧急",
        Emergency = "emergency" / "急难",
    }
}

impl Default for Urgency {
    /// The spec's default when the column is empty: `normal`.
    fn default() -> Self {
        Urgency::Normal
    }
}

term_enum! {
    /// Who offers a resource. Only `government` resources may serve needs without consent.
    ProviderKind, "provider kind" {
        Government = "government" / "部门",
        Charity = "charity" / "慈善组织",
        Enterprise = "enterprise" / "企业",
        /// The spec's alias is `爱心人士/志愿者`; each half is accepted too.
        Volunteer = "volunteer" / "爱心人士/志愿者" | "爱心人士" | "志愿者",
        Cadre = "cadre" / "结对干部",
        Union = "union" / "工会",
        YouthLeague = "youth_league" / "共青团",
        WomensFederation = "womens_federation" / "妇联",
        RedCross = "red_cross" / "红十字会",
        DisabledFederation = "disabled_federation" / "残联",
    }
}

impl ProviderKind {
    /// True for government departments: the only kind that may serve a need whose person
    /// did not consent to charity referral.
    pub fn is_government(self) -> bool {
        self == ProviderKind::Government
    }
}

term_enum! {
    /// Government aid a household already receives.
    GovProgram, "government program" {
        Dibao = "dibao" / "低保金",
        Tekun = "tekun" / "特困供养",
        Temporary = "temporary" / "临时救助",
        ChildAllowance = "child_allowance" / "孤儿/事实无人抚养儿童基本生活费",
        DisabilityAllowance = "disability_allowance" / "残疾人两项补贴",
        MedicalAid = "medical_aid" / "医疗救助",
        EducationAid = "education_aid" / "教育资助",
        HousingAid = "housing_aid" / "住房救助",
        EmploymentAid = "employment_aid" / "就业援助",
    }
}

term_enum! {
    /// A person's gender (needs), or a gender restriction (resources).
    Gender, "gender" {
        Male = "male" / "男",
        Female = "female" / "女",
    }
}

term_enum! {
    /// The feedback on a proposed match (帮扶结果反馈).
    OutcomeStatus, "outcome status" {
        Accepted = "accepted" / "已接受",
        Declined = "declined" / "已拒绝",
        Delivered = "delivered" / "已落实",
        Failed = "failed" / "未落实",
    }
}

term_enum! {
    /// Who declined a proposed match (outcomes file, column `declined_by`).
    DeclinedBy, "declined by" {
        Recipient = "recipient" / "受助方" | "受助人",
        Provider = "provider" / "帮扶方" | "提供方",
    }
}

term_enum! {
    /// Why a proposed match was declined (outcomes file, column `reason`).
    DeclineReason, "decline reason" {
        Capacity = "capacity" / "能力不足",
        NotEligible = "not_eligible" / "不符合条件",
        Unreachable = "unreachable" / "联系不上",
        NoLongerNeeded = "no_longer_needed" / "不再需要",
        Other = "other" / "其他",
    }
}

/// Parses a boolean cell: `true`/`false`, `是`/`否`, and also `1`/`0`, `yes`/`no`
/// (ASCII case-insensitive, trimmed). Anything else is `None`.
pub fn parse_bool(s: &str) -> Option<bool> {
    let s = s.trim();
    match s {
        "是" | "1" => Some(true),
        "否" | "0" => Some(false),
        _ if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") => Some(true),
        _ if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") => Some(false),
        _ => None,
    }
}

/// A set of values of one [`Term`] enum, as a `u32` bitset.
///
/// Copy, 4 bytes, O(1) membership and intersection; iteration in the order of the spec.
/// Serialises as a JSON array of English ids; deserialises from an array or a `;`/`；`
/// separated string of ids or aliases.
pub struct EnumSet<T> {
    bits: u32,
    _t: PhantomData<T>,
}

/// Hardship statuses of a household.
pub type StatusSet = EnumSet<Status>;
/// Categories a resource serves.
pub type CategorySet = EnumSet<Category>;
/// Government programs a household receives.
pub type ProgramSet = EnumSet<GovProgram>;

impl<T> Clone for EnumSet<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for EnumSet<T> {}
impl<T> PartialEq for EnumSet<T> {
    fn eq(&self, other: &Self) -> bool {
        self.bits == other.bits
    }
}
impl<T> Eq for EnumSet<T> {}
impl<T> std::hash::Hash for EnumSet<T> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.bits.hash(state);
    }
}
impl<T> Default for EnumSet<T> {
    fn default() -> Self {
        Self::EMPTY
    }
}

impl<T> EnumSet<T> {
    /// The empty set.
    pub const EMPTY: Self = EnumSet {
        bits: 0,
        _t: PhantomData,
    };

    /// The raw bits (bit `i` = the `i`-th value of the spec's list).
    pub const fn bits(self) -> u32 {
        self.bits
    }
    /// True if the set holds nothing.
    pub const fn is_empty(self) -> bool {
        self.bits == 0
    }
    /// Number of values in the set.
    pub const fn len(self) -> usize {
        self.bits.count_ones() as usize
    }
    /// Values in both sets.
    pub const fn intersection(self, other: Self) -> Self {
        EnumSet {
            bits: self.bits & other.bits,
            _t: PhantomData,
        }
    }
    /// Values in either set.
    pub const fn union(self, other: Self) -> Self {
        EnumSet {
            bits: self.bits | other.bits,
            _t: PhantomData,
        }
    }
    /// True if the two sets share a value.
    pub const fn intersects(self, other: Self) -> bool {
        self.bits & other.bits != 0
    }
}

impl<T: Term> EnumSet<T> {
    /// The set of every value.
    pub const ALL: Self = EnumSet {
        bits: if T::ALL.len() >= 32 {
            u32::MAX
        } else {
            (1u32 << T::ALL.len()) - 1
        },
        _t: PhantomData,
    };

    /// The set with the given raw bits; bits beyond the enum's values are dropped.
    pub const fn from_bits(bits: u32) -> Self {
        EnumSet {
            bits: bits & Self::ALL.bits,
            _t: PhantomData,
        }
    }
    /// The set holding one value.
    pub fn single(value: T) -> Self {
        Self::from_bits(1 << value.index())
    }
    /// True if `value` is in the set.
    pub fn contains(self, value: T) -> bool {
        self.bits & (1 << value.index()) != 0
    }
    /// Adds `value`; returns false if it was already there.
    pub fn insert(&mut self, value: T) -> bool {
        let had = self.contains(value);
        self.bits |= 1 << value.index();
        !had
    }
    /// Removes `value`; returns true if it was there.
    pub fn remove(&mut self, value: T) -> bool {
        let had = self.contains(value);
        self.bits &= !(1 << value.index());
        had
    }
    /// The values, in the order the spec lists them.
    pub fn iter(self) -> impl DoubleEndedIterator<Item = T> + Clone {
        T::ALL
            .iter()
            .copied()
            .filter(move |v| self.bits & (1 << v.index()) != 0)
    }
    /// The English ids joined by `;` (the CSV form of a list); empty for the empty set.
    pub fn to_list_string(self) -> String {
        let mut out = String::new();
        for (i, v) in self.iter().enumerate() {
            if i > 0 {
                out.push(';');
            }
            out.push_str(v.as_str());
        }
        out
    }
    /// Parses a `;`/`；` separated list of ids or aliases; empty items are skipped.
    /// On an unknown item, returns it as the error.
    pub fn parse_list(s: &str) -> Result<Self, UnknownTerm> {
        let mut set = Self::EMPTY;
        for item in split_list(s) {
            match T::parse(item) {
                Some(v) => {
                    set.insert(v);
                }
                None => {
                    return Err(UnknownTerm {
                        what: T::WHAT,
                        value: item.to_owned(),
                    });
                }
            }
        }
        Ok(set)
    }
}

/// Splits a list cell on `;` and the full-width `；`, trimming items and skipping empty ones.
pub fn split_list(s: &str) -> impl Iterator<Item = &str> {
    s.split([';', '；'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
}

impl<T: Term> FromIterator<T> for EnumSet<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut set = Self::EMPTY;
        for v in iter {
            set.insert(v);
        }
        set
    }
}

impl<T: Term> fmt::Debug for EnumSet<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl<T: Term> fmt::Display for EnumSet<T> {
    /// The CSV form: English ids joined by `;`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_list_string())
    }
}

impl<T: Term> Serialize for EnumSet<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for v in self.iter() {
            seq.serialize_element(v.as_str())?;
        }
        seq.end()
    }
}

impl<'de, T: Term> Deserialize<'de> for EnumSet<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(PhantomData<T>);
        impl<'de, T: Term> Visitor<'de> for V<T> {
            type Value = EnumSet<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "a list of {} values", T::WHAT)
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<Self::Value, E> {
                EnumSet::parse_list(s).map_err(E::custom)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut set = EnumSet::EMPTY;
                while let Some(item) = seq.next_element::<std::borrow::Cow<'de, str>>()? {
                    match T::parse(&item) {
                        Some(v) => {
                            set.insert(v);
                        }
                        None => {
                            return Err(de::Error::custom(format_args!(
                                "unknown {} {:?}",
                                T::WHAT,
                                item
                            )));
                        }
                    }
                }
                Ok(set)
            }
        }
        d.deserialize_any(V(PhantomData))
    }
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_aliases_round_trip() {
        fn check<T: Term + std::fmt::Display>() {
            assert!(T::ALL.len() <= 32);
            for (i, &v) in T::ALL.iter().enumerate() {
                assert_eq!(v.index(), i);
                assert_eq!(T::parse(v.as_str()), Some(v));
                assert_eq!(T::parse(v.zh()), Some(v));
                assert_eq!(T::parse(&format!(" {} ", v.as_str())), Some(v));
            }
            assert_eq!(T::parse("no-such-value"), None);
            assert_eq!(T::parse(""), None);
        }
        check::<Status>();
        check::<Category>();
        check::<Form>();
        check::<Urgency>();
        check::<ProviderKind>();
        check::<GovProgram>();
        check::<Gender>();
        check::<OutcomeStatus>();
        check::<DeclinedBy>();
        check::<DeclineReason>();
        assert_eq!(Status::ALL.len(), 14);
        assert_eq!(Category::ALL.len(), 14);
        assert_eq!(ProviderKind::ALL.len(), 10);
        assert_eq!(GovProgram::ALL.len(), 9);
    }

    #[test]
    fn ambiguous_spellings_resolve_per_enum() {
        // `emergency` is both a category and an urgency, `dibao` both a status and a program.
        assert_eq!(Category::parse("emergency"), Some(Category::Emergency));
        assert_eq!(Urgency::parse("emergency"), Some(Urgency::Emergency));
        assert_eq!(Urgency::parse("急难"), Some(Urgency::Emergency));
        assert_eq!(Category::parse("急难救助"), Some(Category::Emergency));
        assert_eq!(Status::parse("低保"), Some(Status::Dibao));
        assert_eq!(GovProgram::parse("低保金"), Some(GovProgram::Dibao));
        assert_eq!(GovProgram::parse("低保"), None);
        assert_eq!(ProviderKind::parse("志愿者"), Some(ProviderKind::Volunteer));
        assert_eq!(
            ProviderKind::parse("爱心人士/志愿者"),
            Some(ProviderKind::Volunteer)
        );
        assert_eq!(Status::parse("Dibao"), None, "ids are case-sensitive");
    }

    #[test]
    fn sets_iterate_in_spec_order() {
        let set = StatusSet::parse_list("重病；dibao; ;orphan").unwrap();
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Status::Dibao, Status::Orphan, Status::SeriousIllness]
        );
        assert_eq!(set.to_list_string(), "dibao;orphan;serious_illness");
        assert_eq!(set.len(), 3);
        let err = StatusSet::parse_list("dibao;poor").unwrap_err();
        assert_eq!(err.value, "poor");
        assert!(Status::FAST_TRACK.contains(Status::Orphan));
        assert!(!Status::FAST_TRACK.contains(Status::Monitored));
        assert_eq!(Status::FAST_TRACK.len(), 5);
        assert_eq!(StatusSet::ALL.len(), 14);
        assert_eq!(StatusSet::from_bits(u32::MAX), StatusSet::ALL);
        let json = serde_json::to_string(&set).unwrap();
        assert_eq!(json, r#"["dibao","orphan","serious_illness"]"#);
        let back: StatusSet = serde_json::from_str(r#"["低保","孤儿","serious_illness"]"#).unwrap();
        assert_eq!(back, set);
        let from_str: StatusSet = serde_json::from_str(r#""dibao;孤儿;重病""#).unwrap();
        assert_eq!(from_str, set);
    }

    #[test]
    fn booleans() {
        for t in ["true", "TRUE", "是", "1", "yes", " Yes "] {
            assert_eq!(parse_bool(t), Some(true), "{t}");
        }
        for f in ["false", "否", "0", "no", "False"] {
            assert_eq!(parse_bool(f), Some(false), "{f}");
        }
        for x in ["", "y", "2", "对"] {
            assert_eq!(parse_bool(x), None, "{x}");
        }
    }
}
