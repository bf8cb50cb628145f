//! The matching policy: who comes first, what a good match is worth, when to refer.
//!
//! A [`Policy`] is the one place where a county (or the province) states its rules in
//! numbers. It is read from TOML or JSON, every key has a documented default that follows
//! the Shaanxi 2024 measures on linking government social assistance with charity help,
//! and [`Policy::default().to_toml()`](Policy::to_toml) prints the whole policy with the
//! defaults filled in, ready to be edited.
//!
//! What a policy sets:
//!
//! * **Priority tiers** ([`Policy::tiers`]): tier 1 needs are matched as many as possible
//!   before tier 2 is considered, and so on (the solver's lexicographic guarantee). A need
//!   belongs to the first tier whose rule it meets; needs meeting no rule form the last
//!   tier. Default: tier 1 = `emergency` urgency, `orphan`, `unsupported_child`, `tekun`;
//!   tier 2 = `dibao`, `severe_disabled`, `serious_illness`, `disabled_elderly`, `urgent`
//!   urgency; tier 3 = everyone else.
//! * **Score terms** ([`Policy::score`]): integer points added up for every eligible
//!   (need, resource) pair; within a tier the total score is maximised.
//! * **Household limit** ([`Policy::household`]): how many needs of one household may be
//!   helped in one round, so that help spreads over households (against 优亲厚友).
//! * **Referral rules** ([`Policy::referral`]): when a household is referred to the
//!   county civil-affairs bureau for government aid.
//! * **Fast track** ([`Policy::fast_track`]): the statuses the civil-affairs system
//!   already recognises, for which charities may skip their own verification.
//!
//! Every policy carries a free-form [`Policy::version`] label and a SHA-256
//! [`Policy::digest`] of its canonical form, both recorded in every run's summary so an
//! auditor can tell exactly which rules produced a result.
//!
//! Unknown keys are an error naming the key: a misspelt key must never silently fall back
//! to a default.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::taxonomy::{Status, Urgency};

/// The largest absolute value of a single score term, in points. Keeps every arc weight
/// far below the solver's exact range whatever the policy says.
pub const MAX_POINTS: i64 = 1_000_000;

/// The most tiers a policy may define (the last, implicit tier makes at most 255).
pub const MAX_TIER_RULES: usize = 254;

/// Everything that can be wrong with a policy file. Every variant but `Syntax` names the
/// key, as a dotted path from the top of the file: `score.urgency.emergency`; an element
/// of a list of tables is numbered from 1 (`tiers[2].statuses`, the second `[[tiers]]`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A key the policy format does not know (often a misspelling).
    #[error("unknown policy key `{key}` at line {line}, column {column}")]
    UnknownKey {
        /// Dotted path of the key, e.g. `score.basis` for `basis` under `[score]`.
        key: String,
        /// 1-based line of the key (0 when unknown).
        line: usize,
        /// 1-based column of the key (0 when unknown).
        column: usize,
    },
    /// The text is not valid TOML or JSON (or a JSON key is repeated).
    #[error("invalid policy at line {line}, column {column}: {message}")]
    Syntax {
        /// 1-based line (0 when unknown).
        line: usize,
        /// 1-based column (0 when unknown).
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A value has the wrong type (a string for a number, an unknown status or urgency),
    /// does not fit its type (an integer beyond 64 bits, a negative `u32`), or is outside
    /// what the policy allows.
    #[error("invalid policy value for `{key}`: {value} ({message})")]
    Invalid {
        /// Dotted path of the key, e.g. `score.urgency.emergency`.
        key: String,
        /// The value as written (a string without its quotes; a long value cut short).
        value: String,
        /// Why it is refused; for a value the parser refused, its words and where.
        message: String,
    },
}

/// The matching policy. See the [module documentation](self) for what each part means;
/// [`Policy::default`] is the documented default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Policy {
    /// Free-form label of this policy (e.g. `"shaanxi-2024.1"`), recorded in every summary.
    pub version: String,
    /// Priority tier rules, most urgent first: a need is in tier `k` if it meets rule `k`
    /// (1-based) and no earlier one; needs meeting none are in tier `tiers.len() + 1`.
    pub tiers: Vec<TierRule>,
    /// Score terms: integer points per eligible (need, resource) pair.
    pub score: ScoreTerms,
    /// Limits per household and round.
    pub household: HouseholdRules,
    /// When to refer a household to government aid.
    pub referral: ReferralRules,
    /// Statuses that mark an assignment `fast_track`.
    pub fast_track: FastTrack,
}

/// One priority tier: a need meets it if its urgency is listed, or if its household has
/// at least one of the listed statuses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct TierRule {
    /// Urgencies that place a need in this tier.
    pub urgency: Vec<Urgency>,
    /// Hardship statuses that place a need in this tier.
    pub statuses: Vec<Status>,
}

/// Points for one level of urgency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UrgencyPoints {
    /// `normal` (一般). Default 0.
    pub normal: i64,
    /// `urgent` (紧急). Default 30.
    pub urgent: i64,
    /// `emergency` (急难). Default 60.
    pub emergency: i64,
}

impl Default for UrgencyPoints {
    fn default() -> Self {
        Self {
            normal: 0,
            urgent: 30,
            emergency: 60,
        }
    }
}

/// Points by how close the resource's area is to the need's region: the longest of the
/// resource's area prefixes that contains the need's division code decides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ProximityPoints {
    /// The area prefix names the need's village (12 digits). Default 40.
    pub village: i64,
    /// ... its township (9 digits). Default 30.
    pub township: i64,
    /// ... its county (6 digits). Default 20.
    pub county: i64,
    /// ... its city (4 digits). Default 10.
    pub city: i64,
    /// ... its province (2 digits), or any shorter prefix. Default 0.
    pub province: i64,
}

impl Default for ProximityPoints {
    fn default() -> Self {
        Self {
            village: 40,
            township: 30,
            county: 20,
            city: 10,
            province: 0,
        }
    }
}

impl ProximityPoints {
    /// Points for an area prefix of `len` digits containing the need's code. Prefix
    /// lengths between the standard ones (2, 4, 6, 9, 12) count as the level they reach.
    pub fn for_prefix_len(&self, len: usize) -> i64 {
        match len {
            12.. => self.village,
            9..=11 => self.township,
            6..=8 => self.county,
            4..=5 => self.city,
            _ => self.province,
        }
    }
}

/// The score terms. The score of an eligible pair is the sum of all terms; every term is
/// a non-negative integer number of points, so scores are exact and ties break by ids.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ScoreTerms {
    /// Points every eligible pair gets, so that any match beats none. Default 100.
    pub base: i64,
    /// Points by the need's urgency.
    pub urgency: UrgencyPoints,
    /// Points by hardship status: the household gets the points of its most severe
    /// status (the maximum, not the sum, so that a long list of statuses does not
    /// outweigh one grave one). Statuses not listed are worth 0.
    pub status_severity: BTreeMap<Status, i64>,
    /// Points when the resource serves the need's category only (a specialist offer,
    /// e.g. a rehabilitation centre for a rehabilitation need). Default 20.
    pub category_specialist: i64,
    /// Points when the resource serves the need's category among others. Default 10.
    pub category_general: i64,
    /// Points by proximity (division-code depth of the matching area prefix).
    pub proximity: ProximityPoints,
    /// Points when the household has one of the resource's `priority_statuses`. Default 25.
    pub provider_priority: i64,
    /// Points per full week between the need's `reported_at` and the run date. Default 2.
    pub waiting_per_week: i64,
    /// Weeks after which waiting stops adding points. Default 26.
    pub waiting_cap_weeks: u32,
    /// Points when the household was helped by the same provider in the previous round
    /// (given as previous pairs to the run): continuity of care. Default 15.
    pub continuity: i64,
}

impl Default for ScoreTerms {
    fn default() -> Self {
        let status_severity = [
            (Status::Tekun, 50),
            (Status::Orphan, 50),
            (Status::UnsupportedChild, 50),
            (Status::SevereDisabled, 40),
            (Status::DisabledElderly, 40),
            (Status::SeriousIllness, 40),
            (Status::Dibao, 35),
            (Status::Temporary, 30),
            (Status::DibaoEdge, 25),
            (Status::RigidExpense, 25),
            (Status::Disabled, 20),
            (Status::Monitored, 20),
            (Status::WorkerInDifficulty, 15),
            (Status::Elderly, 10),
        ]
        .into_iter()
        .collect();
        Self {
            base: 100,
            urgency: UrgencyPoints::default(),
            status_severity,
            category_specialist: 20,
            category_general: 10,
            proximity: ProximityPoints::default(),
            provider_priority: 25,
            waiting_per_week: 2,
            waiting_cap_weeks: 26,
            continuity: 15,
        }
    }
}

impl ScoreTerms {
    /// The largest score any pair can get under these terms (used to bound weights).
    pub fn max_score(&self) -> i64 {
        let u = &self.urgency;
        let p = &self.proximity;
        let sev = self
            .status_severity
            .values()
            .copied()
            .max()
            .unwrap_or(0)
            .max(0);
        self.base
            + u.normal.max(u.urgent).max(u.emergency)
            + sev
            + self.category_specialist.max(self.category_general)
            + p.village
                .max(p.township)
                .max(p.county)
                .max(p.city)
                .max(p.province)
            + self.provider_priority
            + self.waiting_per_week * i64::from(self.waiting_cap_weeks)
            + self.continuity
    }
}

/// Limits per household and round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HouseholdRules {
    /// How many needs of one household may be helped in one round (at least 1).
    /// Default 2: a household with many needs gets its two best-placed needs met and
    /// leaves capacity for other households; the rest wait for the next round.
    pub max_needs_per_round: u32,
}

impl Default for HouseholdRules {
    fn default() -> Self {
        Self {
            max_needs_per_round: 2,
        }
    }
}

/// When a household is referred to the county civil-affairs bureau (转介).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ReferralRules {
    /// The local minimum living standard (低保标准), yuan per person per month, by
    /// division-code prefix; the longest prefix of a need's region decides. A household
    /// whose `income_per_capita` is below the line and that receives no `dibao` (nor
    /// `tekun`, which replaces it) is referred for `dibao`.
    ///
    /// Default: `{"61" = 700}`, one province-wide figure for Shaanxi. It is an
    /// illustrative round figure of the order of the 2024 urban lines, not a quotation of
    /// any notice: each city and county publishes its own line, urban and rural, and a
    /// county should list its own prefixes (e.g. `"610102" = 880`).
    pub dibao_lines: BTreeMap<String, u32>,
    /// The edge line (低保边缘) as a percentage of the dibao line. A household between the
    /// two lines, without `dibao` or `tekun` and not yet recognised as `dibao_edge`, is
    /// referred to the special assistance programs (`medical_aid`, `education_aid`,
    /// `housing_aid`, `employment_aid`) its needs call for and it does not receive
    /// (see [`crate::referral`]). Default 150 (1.5 times the line, as the
    /// measures define low-income edge households).
    pub edge_line_percent: u32,
    /// Refer `orphan` and `unsupported_child` households without `child_allowance` for
    /// the child allowance (孤儿/事实无人抚养儿童基本生活费). Default true.
    pub child_allowance: bool,
    /// Refer `severe_disabled` households without `disability_allowance` for the two
    /// disability allowances (残疾人两项补贴). Default true.
    pub disability_allowance: bool,
    /// Refer `emergency` needs for temporary assistance (临时救助), whatever else they
    /// receive, unless the household already receives `temporary`. Default true.
    pub emergency_temporary: bool,
}

impl Default for ReferralRules {
    fn default() -> Self {
        Self {
            dibao_lines: [("61".to_owned(), 700)].into_iter().collect(),
            edge_line_percent: 150,
            child_allowance: true,
            disability_allowance: true,
            emergency_temporary: true,
        }
    }
}

impl ReferralRules {
    /// The dibao line of a division code: the value of the longest listed prefix of
    /// `region`, or `None` when no listed prefix covers it. O(prefixes).
    pub fn dibao_line(&self, region: &str) -> Option<u32> {
        self.dibao_lines
            .iter()
            .filter(|(prefix, _)| region.starts_with(prefix.as_str()))
            .max_by_key(|(prefix, _)| prefix.len())
            .map(|(_, &line)| line)
    }
}

/// Statuses that mark an assignment `fast_track`: the civil-affairs system already
/// recognises the household, so the charity may skip its own means test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FastTrack {
    /// Default: `dibao`, `tekun`, `dibao_edge`, `orphan`, `unsupported_child` (the spec).
    pub statuses: Vec<Status>,
}

impl Default for FastTrack {
    fn default() -> Self {
        Self {
            statuses: vec![
                Status::Dibao,
                Status::Tekun,
                Status::DibaoEdge,
                Status::Orphan,
                Status::UnsupportedChild,
            ],
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            version: "shaanxi-2024.1".to_owned(),
            tiers: vec![
                TierRule {
                    urgency: vec![Urgency::Emergency],
                    statuses: vec![Status::Orphan, Status::UnsupportedChild, Status::Tekun],
                },
                TierRule {
                    urgency: vec![Urgency::Urgent],
                    statuses: vec![
                        Status::Dibao,
                        Status::SevereDisabled,
                        Status::SeriousIllness,
                        Status::DisabledElderly,
                    ],
                },
            ],
            score: ScoreTerms::default(),
            household: HouseholdRules::default(),
            referral: ReferralRules::default(),
            fast_track: FastTrack::default(),
        }
        .normalized()
    }
}

/// Comments printed above each section by [`Policy::to_toml`].
const SECTION_NOTES: &[(&str, &str)] = &[
    (
        "[[tiers]]",
        "# A priority tier (first = tier 1): a need is in the first tier whose urgency or\n\
         # statuses it has; needs in no tier form the last tier. Tier 1 is matched as\n\
         # fully as possible before tier 2 is considered, and so on.",
    ),
    (
        "[score]",
        "# Score terms, integer points added per eligible (need, resource) pair; within a\n\
         # tier the total is maximised. base: every pair; category_specialist/general:\n\
         # the resource serves the need's category only / among others;\n\
         # provider_priority: the household has one of the resource's priority_statuses;\n\
         # waiting_per_week (capped at waiting_cap_weeks) since reported_at; continuity:\n\
         # same provider as in the previous round.",
    ),
    ("[score.urgency]", "# Points by the need's urgency."),
    (
        "[score.status_severity]",
        "# Points of the household's most severe status (the maximum, not the sum).",
    ),
    (
        "[score.proximity]",
        "# Points by the depth of the resource's area prefix containing the need's region.",
    ),
    (
        "[household]",
        "# How many needs of one household may be helped in one round.",
    ),
    (
        "[referral]",
        "# Referral to the county civil-affairs bureau. edge_line_percent: the low-income\n\
         # edge line (dibao_edge) as a percentage of the dibao line.",
    ),
    (
        "[referral.dibao_lines]",
        "# Local dibao line, yuan per person per month, by division-code prefix (the\n\
         # longest matching prefix wins). The default is one illustrative provincial\n\
         # figure: list your own city and county lines.",
    ),
    (
        "[fast_track]",
        "# Statuses for which charities may skip their own verification.",
    ),
];

impl Policy {
    /// Reads a policy from TOML. Missing keys take their defaults.
    ///
    /// # Errors
    /// [`PolicyError::UnknownKey`] for a key the format does not know,
    /// [`PolicyError::Syntax`] for malformed TOML, [`PolicyError::Invalid`] for a value of
    /// the wrong type (including an unknown status or urgency), beyond its type or out of
    /// range; each names the key's dotted path.
    pub fn from_toml(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = toml::from_str(text).map_err(|e| toml_error(text, &e))?;
        policy.validated()
    }

    /// Reads a policy from JSON (the same keys as TOML). Missing keys take their defaults.
    ///
    /// # Errors
    /// As [`Policy::from_toml`].
    pub fn from_json(text: &str) -> Result<Policy, PolicyError> {
        let policy: Policy = serde_json::from_str(text).map_err(|e| json_error(text, &e))?;
        policy.validated()
    }

    /// Reads a policy from TOML or JSON, deciding by the first non-blank character
    /// (`{` means JSON).
    ///
    /// # Errors
    /// As [`Policy::from_toml`].
    pub fn from_str_auto(text: &str) -> Result<Policy, PolicyError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        if text.trim_start().starts_with('{') {
            Self::from_json(text)
        } else {
            Self::from_toml(text)
        }
    }

    /// The whole policy as commented TOML, every key with its value (defaults filled in).
    /// Reading the result back with [`Policy::from_toml`] gives an equal policy.
    pub fn to_toml(&self) -> String {
        // Serialising plain structs, maps of enum keys and vectors cannot fail.
        let body = toml::to_string_pretty(&self.normalized()).unwrap_or_default();
        let mut out = String::with_capacity(body.len() + 2048);
        out.push_str(
            "# aidmatch matching policy. Every key is shown with its value; a key left out\n\
             # takes its default, an unknown key is an error.\n",
        );
        let mut seen_tiers = false;
        for line in body.lines() {
            let header = line.trim();
            if let Some((_, note)) = SECTION_NOTES.iter().find(|(h, _)| *h == header) {
                if header != "[[tiers]]" || !seen_tiers {
                    if !out.ends_with("\n\n") {
                        out.push('\n');
                    }
                    out.push_str(note);
                    out.push('\n');
                }
                seen_tiers |= header == "[[tiers]]";
            }
            out.push_str(line);
            out.push('\n');
        }
        out
    }

    /// The canonical form: JSON of the normalised policy (status and urgency lists sorted
    /// and deduplicated, maps in key order), compact, UTF-8. Two policies that mean the
    /// same thing have the same canonical form.
    pub fn canonical_json(&self) -> String {
        serde_json::to_string(&self.normalized()).unwrap_or_default()
    }

    /// SHA-256 of [`Policy::canonical_json`], as 64 lower-case hex digits.
    pub fn digest(&self) -> String {
        sha256_hex(self.canonical_json().as_bytes())
    }

    /// The tier of a need with this urgency and these statuses: the 1-based index of the
    /// first rule it meets, else `tiers.len() + 1`. O(rules × listed values).
    pub fn tier_of(&self, urgency: Urgency, has_status: impl Fn(Status) -> bool) -> u8 {
        for (k, rule) in self.tiers.iter().enumerate() {
            if rule.urgency.contains(&urgency) || rule.statuses.iter().any(|&s| has_status(s)) {
                return (k + 1) as u8;
            }
        }
        (self.tiers.len() + 1) as u8
    }

    /// The number of tiers (rules plus the implicit last one).
    pub fn n_tiers(&self) -> u8 {
        (self.tiers.len() + 1) as u8
    }

    /// The policy with its lists sorted and deduplicated (the order of statuses in a tier
    /// or in the fast-track list does not change their meaning).
    pub fn normalized(&self) -> Policy {
        let mut p = self.clone();
        for rule in &mut p.tiers {
            rule.urgency.sort();
            rule.urgency.dedup();
            rule.statuses.sort();
            rule.statuses.dedup();
        }
        p.fast_track.statuses.sort();
        p.fast_track.statuses.dedup();
        p
    }

    /// Checks ranges; returns the policy, normalised (lists sorted in the spec's order and
    /// deduplicated), when valid.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] naming the first offending key.
    pub fn validated(self) -> Result<Policy, PolicyError> {
        self.validate()?;
        Ok(self.normalized())
    }

    /// Checks every value's range.
    ///
    /// # Errors
    /// [`PolicyError::Invalid`] naming the first offending key.
    pub fn validate(&self) -> Result<(), PolicyError> {
        if self.version.trim().is_empty() {
            return Err(invalid("version", "\"\"", "must not be empty"));
        }
        if self.tiers.len() > MAX_TIER_RULES {
            return Err(invalid(
                "tiers",
                &self.tiers.len().to_string(),
                "at most 254 tier rules",
            ));
        }
        let s = &self.score;
        let points: [(&str, i64); 14] = [
            ("score.base", s.base),
            ("score.urgency.normal", s.urgency.normal),
            ("score.urgency.urgent", s.urgency.urgent),
            ("score.urgency.emergency", s.urgency.emergency),
            ("score.category_specialist", s.category_specialist),
            ("score.category_general", s.category_general),
            ("score.proximity.village", s.proximity.village),
            ("score.proximity.township", s.proximity.township),
            ("score.proximity.county", s.proximity.county),
            ("score.proximity.city", s.proximity.city),
            ("score.proximity.province", s.proximity.province),
            ("score.provider_priority", s.provider_priority),
            ("score.waiting_per_week", s.waiting_per_week),
            ("score.continuity", s.continuity),
        ];
        for (key, value) in points {
            check_points(key, value)?;
        }
        for (status, &value) in &s.status_severity {
            check_points(&format!("score.status_severity.{status}"), value)?;
        }
        if s.waiting_cap_weeks > 520 {
            return Err(invalid(
                "score.waiting_cap_weeks",
                &s.waiting_cap_weeks.to_string(),
                "at most 520 weeks",
            ));
        }
        if self.household.max_needs_per_round == 0 {
            return Err(invalid(
                "household.max_needs_per_round",
                "0",
                "at least 1 need per household and round",
            ));
        }
        for (prefix, &line) in &self.referral.dibao_lines {
            let key = format!("referral.dibao_lines.{prefix}");
            if prefix.is_empty() || prefix.len() > 12 || !prefix.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(invalid(&key, prefix, "a prefix is 1 to 12 digits"));
            }
            if line == 0 || line > 1_000_000 {
                return Err(invalid(
                    &key,
                    &line.to_string(),
                    "yuan per month in 1..=1000000",
                ));
            }
        }
        let pct = self.referral.edge_line_percent;
        if !(100..=1000).contains(&pct) {
            return Err(invalid(
                "referral.edge_line_percent",
                &pct.to_string(),
                "a percentage in 100..=1000",
            ));
        }
        Ok(())
    }
}

impl fmt::Display for Policy {
    /// The policy as commented TOML ([`Policy::to_toml`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_toml())
    }
}

/// SHA-256 of `bytes` as 64 lower-case hex digits.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lower-case hex of a byte string.
pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[usize::from(b >> 4)] as char);
        out.push(DIGITS[usize::from(b & 15)] as char);
    }
    out
}

fn check_points(key: &str, value: i64) -> Result<(), PolicyError> {
    if (0..=MAX_POINTS).contains(&value) {
        Ok(())
    } else {
        Err(invalid(
            key,
            &value.to_string(),
            "points must be in 0..=1000000",
        ))
    }
}

fn invalid(key: &str, value: &str, message: &str) -> PolicyError {
    PolicyError::Invalid {
        key: key.to_owned(),
        value: value.to_owned(),
        message: message.to_owned(),
    }
}

/// Where in a well-formed document a parser's complaint lies: the key's dotted path and
/// the value there as written (the key itself when the complaint is about a key).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Located {
    key: String,
    value: String,
}

/// The longest value an error repeats, in characters.
const MAX_VALUE_CHARS: usize = 100;

/// Turns a parser's complaint into an error: serde's "unknown field `x`" is an unknown
/// key; a complaint located at a key or value of a well-formed document (wrong type,
/// beyond its type, unknown status) is an invalid value; anything else is syntax.
fn parser_error(
    message: &str,
    line: usize,
    column: usize,
    located: Option<Located>,
) -> PolicyError {
    let message = message.trim();
    if let Some(rest) = message.strip_prefix("unknown field `") {
        if let Some((key, _)) = rest.split_once('`') {
            return PolicyError::UnknownKey {
                key: located.map_or_else(|| key.to_owned(), |l| l.key),
                line,
                column,
            };
        }
    }
    match located {
        Some(Located { key, value }) => {
            let value = match value.char_indices().nth(MAX_VALUE_CHARS) {
                Some((cut, _)) => format!("{}…", &value[..cut]),
                None => value,
            };
            PolicyError::Invalid {
                key,
                value,
                message: format!("{message}, at line {line}, column {column}"),
            }
        }
        None => PolicyError::Syntax {
            line,
            column,
            message: message.to_owned(),
        },
    }
}

/// The error of a TOML text that does not read as a policy.
fn toml_error(text: &str, e: &toml::de::Error) -> PolicyError {
    let at = e.span().map(|span| span.start);
    let (line, column) = at.map_or((0, 0), |at| line_column(text, at));
    // Only a document that is valid TOML has keys and values to point at; for one that
    // is not, the complaint is its syntax.
    let located = at.and_then(|at| {
        let doc = toml::de::DeTable::parse(text).ok()?;
        locate_toml(text, doc.get_ref(), at)
    });
    parser_error(e.message(), line, column, located)
}

/// One step of a dotted key path.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    /// A 0-based element of a list (written 1-based).
    Element(usize),
}

/// The dotted path of `steps`: `tiers[2].statuses`. A trailing element of a list of
/// values is left out: the value names it (`fast_track.statuses` with value `rich`).
fn dotted(steps: &[Step]) -> String {
    let steps = match steps.last() {
        Some(Step::Element(_)) => &steps[..steps.len() - 1],
        _ => steps,
    };
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Element(i) => out.push_str(&format!("[{}]", i + 1)),
        }
    }
    out
}

/// The key or value of a parsed TOML document at byte offset `at`: of the keys and
/// values whose span holds `at`, the narrowest (a value inside an inline table before
/// the table). Iterative: a deeply nested document cannot exhaust the stack.
fn locate_toml(text: &str, doc: &toml::de::DeTable<'_>, at: usize) -> Option<Located> {
    use toml::de::DeValue;
    // The narrowest span holding `at` so far, and what it locates.
    let mut best: Option<(usize, Located)> = None;
    let mut consider = |span: std::ops::Range<usize>, steps: &[Step], value: String| {
        if span.contains(&at) && best.as_ref().is_none_or(|(len, _)| span.len() < *len) {
            let key = dotted(steps);
            best = Some((span.len(), Located { key, value }));
        }
    };
    // The keys and values still to look at, with their paths.
    let mut todo: Vec<(Vec<Step>, &toml::Spanned<DeValue<'_>>)> = Vec::new();
    let mut tables: Vec<(Vec<Step>, &toml::de::DeTable<'_>)> = vec![(Vec::new(), doc)];
    loop {
        if let Some((steps, table)) = tables.pop() {
            for (key, value) in table {
                let mut path = steps.clone();
                path.push(Step::Key(key.get_ref().to_string()));
                consider(key.span(), &path, key.get_ref().to_string());
                todo.push((path, value));
            }
            continue;
        }
        let Some((steps, value)) = todo.pop() else {
            break;
        };
        let written = match value.get_ref() {
            DeValue::Table(table) => {
                tables.push((steps.clone(), table));
                text.get(value.span()).unwrap_or_default().to_owned()
            }
            DeValue::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    let mut path = steps.clone();
                    path.push(Step::Element(i));
                    todo.push((path, item));
                }
                text.get(value.span()).unwrap_or_default().to_owned()
            }
            // A string's content; anything else as written.
            DeValue::String(s) => s.to_string(),
            _ => text.get(value.span()).unwrap_or_default().to_owned(),
        };
        consider(value.span(), &steps, written);
    }
    best.map(|(_, located)| located)
}

/// The error of a JSON text that does not read as a policy.
fn json_error(text: &str, e: &serde_json::Error) -> PolicyError {
    // serde_json appends " at line L column C"; keep the bare message.
    let bare = |e: &serde_json::Error| {
        let message = e.to_string();
        match message.rsplit_once(" at line ") {
            Some((m, _)) => m.to_owned(),
            None => message,
        }
    };
    // Only a document that is valid JSON has keys and values to point at: a complaint
    // about a value read before the text turned out not to be JSON (`{"version": 3` at
    // its end) is a syntax error all the same. (Skipping the text is iterative and
    // converts no number.)
    if let Err(syntax) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return parser_error(&bare(&syntax), syntax.line(), syntax.column(), None);
    }
    let message = bare(e);
    // A complaint about a key or value (`Data`), not a repeated key; and a number too
    // large for any type (valid JSON all the same).
    let about_a_value = match e.classify() {
        serde_json::error::Category::Data => !message.starts_with("duplicate field"),
        serde_json::error::Category::Syntax => message == "number out of range",
        _ => false,
    };
    let located = if about_a_value {
        locate_json(text, e.line(), e.column())
    } else {
        None
    };
    parser_error(&message, e.line(), e.column(), located)
}

/// Where a complaint of serde_json at `line` and `column` lies in `text`, a valid JSON
/// document. serde_json reports the position after what it last read: a key (an
/// unknown field; a map key it refused), a value (a scalar of the wrong type, a list it
/// read whole and refused), or the separator before a value it looked at without
/// reading it (an object or list where a scalar belongs). Scans the text up to there,
/// keeping the path of keys and list positions (iteratively).
fn locate_json(text: &str, line: usize, column: usize) -> Option<Located> {
    let line_start = if line <= 1 {
        0
    } else {
        text.match_indices('\n').nth(line - 2)?.0 + 1
    };
    let end = (line_start + column).min(text.len());
    let bytes = text.as_bytes();
    // One frame per open object (its current key, and whether a key comes next) or list
    // (the position of its current element), with the offset where it opened.
    enum Frame {
        Object {
            start: usize,
            key: Option<String>,
            want_key: bool,
        },
        List {
            start: usize,
            n: usize,
        },
    }
    // What was read last: a key, a value (where it starts), or a separator after which
    // a value comes (`:`, `[`, a `,` in a list).
    enum Last {
        Key(String),
        Value(usize),
        BeforeValue,
    }
    let mut frames: Vec<Frame> = Vec::new();
    let mut last = Last::BeforeValue;
    let mut i = 0;
    while i < end {
        match bytes[i] {
            b'{' => {
                frames.push(Frame::Object {
                    start: i,
                    key: None,
                    want_key: true,
                });
                last = Last::Value(i);
                i += 1;
            }
            b'[' => {
                frames.push(Frame::List { start: i, n: 0 });
                last = Last::BeforeValue;
                i += 1;
            }
            b'}' | b']' => {
                if let Some(Frame::Object { start, .. } | Frame::List { start, .. }) = frames.pop()
                {
                    last = Last::Value(start);
                }
                i += 1;
            }
            b',' => {
                match frames.last_mut() {
                    Some(Frame::Object { key, want_key, .. }) => {
                        *key = None;
                        *want_key = true;
                    }
                    Some(Frame::List { n, .. }) => {
                        *n += 1;
                        last = Last::BeforeValue;
                    }
                    None => {}
                }
                i += 1;
            }
            b':' => {
                if let Some(Frame::Object { want_key, .. }) = frames.last_mut() {
                    *want_key = false;
                }
                last = Last::BeforeValue;
                i += 1;
            }
            b'"' => {
                let stop = json_token_end(bytes, i);
                match frames.last_mut() {
                    Some(Frame::Object {
                        key,
                        want_key: true,
                        ..
                    }) => {
                        let name = json_string(text.get(i..stop).unwrap_or_default());
                        *key = Some(name.clone());
                        last = Last::Key(name);
                    }
                    _ => last = Last::Value(i),
                }
                i = stop;
            }
            b if b.is_ascii_whitespace() => i += 1,
            _ => {
                last = Last::Value(i);
                i = json_token_end(bytes, i);
            }
        }
    }
    let start = match last {
        Last::Key(key) => Some(Err(key)),
        Last::Value(start) => Some(Ok(start)),
        // The value after the separator, not read yet.
        Last::BeforeValue => (end..bytes.len())
            .find(|&k| !bytes[k].is_ascii_whitespace())
            .filter(|&k| !matches!(bytes[k], b']' | b'}' | b','))
            .map(Ok),
    }?;
    let mut steps = Vec::new();
    for frame in &frames {
        match frame {
            // An object that is itself the value at fault (still open) is no step.
            Frame::Object { start: s, .. } if start == Ok(*s) => {}
            Frame::Object { key: Some(k), .. } => steps.push(Step::Key(k.clone())),
            Frame::Object { key: None, .. } => {}
            Frame::List { n, .. } => steps.push(Step::Element(*n)),
        }
    }
    if steps.is_empty() {
        return None;
    }
    let value = match start {
        Err(key) => key,
        Ok(start) => {
            let raw = text
                .get(start..json_value_end(bytes, start))
                .unwrap_or_default();
            if bytes[start] == b'"' {
                json_string(raw)
            } else {
                raw.to_owned()
            }
        }
    };
    Some(Located {
        key: dotted(&steps),
        value,
    })
}

/// The end (exclusive) of the string or scalar token starting at `start`.
fn json_token_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start;
    if bytes.get(i) == Some(&b'"') {
        i += 1;
        while i < bytes.len() {
            match bytes[i] {
                b'\\' => i += 2,
                b'"' => return i + 1,
                _ => i += 1,
            }
        }
        return bytes.len();
    }
    while i < bytes.len()
        && !matches!(bytes[i], b',' | b'}' | b']' | b':' | b'"' | b'{' | b'[')
        && !bytes[i].is_ascii_whitespace()
    {
        i += 1;
    }
    i.max(start + 1).min(bytes.len())
}

/// The end (exclusive) of the JSON value starting at `start` (an object or list up to
/// its closing bracket, or the end of the text).
fn json_value_end(bytes: &[u8], start: usize) -> usize {
    if !matches!(bytes.get(start), Some(b'{' | b'[')) {
        return json_token_end(bytes, start);
    }
    let mut depth = 0usize;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i = json_token_end(bytes, i);
                continue;
            }
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    bytes.len()
}

/// The content of a JSON string token (the token itself if it does not decode).
fn json_string(token: &str) -> String {
    serde_json::from_str(token).unwrap_or_else(|_| token.to_owned())
}

/// 1-based line and column (in characters) of byte offset `at` in `text`.
fn line_column(text: &str, at: usize) -> (usize, usize) {
    let at = at.min(text.len());
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_round_trips_through_toml_and_json() {
        let p = Policy::default();
        let text = p.to_toml();
        let back = Policy::from_toml(&text).expect("default policy reads back");
        assert_eq!(back, p);
        let json = serde_json::to_string(&p).expect("serialises");
        assert_eq!(Policy::from_json(&json).expect("json reads back"), p);
        assert_eq!(Policy::from_str_auto(&json).expect("auto json"), p);
        assert_eq!(Policy::from_str_auto(&text).expect("auto toml"), p);
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(Policy::from_toml("").expect("empty"), Policy::default());
        assert_eq!(Policy::from_json("{}").expect("empty"), Policy::default());
    }

    #[test]
    fn unknown_key_is_named() {
        let err = Policy::from_toml("version = \"x\"\n[score]\nbasis = 3\n")
            .expect_err("must be refused");
        assert_eq!(
            err,
            PolicyError::UnknownKey {
                key: "score.basis".into(),
                line: 3,
                column: 1
            }
        );
        let err =
            Policy::from_json("{\"household\": {\"max_needs\": 3}}").expect_err("must be refused");
        assert!(
            matches!(err, PolicyError::UnknownKey { ref key, .. } if key == "household.max_needs"),
            "{err:?}"
        );
        let err = Policy::from_toml("colour = 1").expect_err("must be refused");
        assert!(err.to_string().contains("colour"), "{err}");
    }

    #[test]
    fn chinese_aliases_and_partial_files() {
        let p = Policy::from_toml(
            "[[tiers]]\nurgency = [\"急难\"]\nstatuses = [\"孤儿\"]\n\n\
             [score.status_severity]\n\"低保\" = 7\n\n[household]\nmax_needs_per_round = 3\n",
        )
        .expect("valid");
        assert_eq!(p.tiers.len(), 1);
        assert_eq!(p.tiers[0].statuses, vec![Status::Orphan]);
        assert_eq!(p.score.status_severity.get(&Status::Dibao), Some(&7));
        assert_eq!(p.score.status_severity.len(), 1);
        assert_eq!(p.household.max_needs_per_round, 3);
        assert_eq!(p.score.base, 100);
        assert_eq!(p.n_tiers(), 2);
    }

    #[test]
    fn invalid_values_name_the_key() {
        let err = Policy::from_toml("[score.urgency]\nurgent = -5\n").expect_err("must be refused");
        assert!(
            matches!(err, PolicyError::Invalid { ref key, .. } if key == "score.urgency.urgent")
        );
        let err = Policy::from_toml("[household]\nmax_needs_per_round = 0\n")
            .expect_err("must be refused");
        assert!(
            matches!(err, PolicyError::Invalid { ref key, .. } if key == "household.max_needs_per_round")
        );
        let err = Policy::from_toml("[referral.dibao_lines]\n\"61a\" = 700\n")
            .expect_err("must be refused");
        assert!(
            matches!(err, PolicyError::Invalid { ref key, .. } if key == "referral.dibao_lines.61a")
        );
        let err =
            Policy::from_toml("[[tiers]]\nstatuses = [\"rich\"]\n").expect_err("must be refused");
        assert!(
            matches!(err, PolicyError::Invalid { ref key, ref value, .. }
                if key == "tiers[1].statuses" && value == "[\"rich\"]"),
            "{err:?}"
        );
        assert!(err.to_string().contains("rich"));
    }

    /// The key and value of an `Invalid` error, or the error.
    fn key_value(result: Result<Policy, PolicyError>) -> Result<(String, String), PolicyError> {
        match result.expect_err("must be refused") {
            PolicyError::Invalid { key, value, .. } => Ok((key, value)),
            other => Err(other),
        }
    }

    fn kv(key: &str, value: &str) -> Result<(String, String), PolicyError> {
        Ok((key.to_owned(), value.to_owned()))
    }

    #[test]
    fn values_of_the_wrong_type_or_beyond_their_type_name_the_dotted_key() {
        let toml = |text: &str| key_value(Policy::from_toml(text));
        assert_eq!(
            toml("[score]\nbase = 99999999999999999999"),
            kv("score.base", "99999999999999999999")
        );
        assert_eq!(
            toml("[score]\nwaiting_cap_weeks = 4294967296"),
            kv("score.waiting_cap_weeks", "4294967296")
        );
        assert_eq!(toml("[score]\nbase = \"x\""), kv("score.base", "x"));
        assert_eq!(toml("version = 5"), kv("version", "5"));
        assert_eq!(
            toml("[score.urgency]\nurgent = 1.5"),
            kv("score.urgency.urgent", "1.5")
        );
        assert_eq!(
            toml("score = { urgency = { urgent = true } }"),
            kv("score.urgency.urgent", "true")
        );
        assert_eq!(
            toml("[referral.dibao_lines]\n\"61\" = -1"),
            kv("referral.dibao_lines.61", "-1")
        );
        assert_eq!(
            toml("[[tiers]]\nstatuses = [\"dibao\"]\n[[tiers]]\nurgency = [\"soon\"]"),
            kv("tiers[2].urgency", "[\"soon\"]")
        );
        assert_eq!(toml("tiers = 5"), kv("tiers", "5"));
        assert_eq!(
            toml("[score.status_severity]\nrich = 5"),
            kv("score.status_severity.rich", "rich")
        );
        let err = Policy::from_toml("\n[score]\nbase = \"x\"").expect_err("refused");
        assert_eq!(
            err.to_string(),
            "invalid policy value for `score.base`: x (invalid type: string \"x\", expected \
             i64, at line 3, column 8)"
        );

        let json = |text: &str| key_value(Policy::from_json(text));
        assert_eq!(
            json(r#"{"score": {"base": 1e400}}"#),
            kv("score.base", "1e400")
        );
        assert_eq!(
            json(r#"{"score": {"base": 99999999999999999999}}"#),
            kv("score.base", "99999999999999999999")
        );
        assert_eq!(
            json("{\n  \"version\": \"v\",\n  \"score\": {\"waiting_cap_weeks\": 4294967296}\n}"),
            kv("score.waiting_cap_weeks", "4294967296")
        );
        assert_eq!(json(r#"{"score": {"base": "x"}}"#), kv("score.base", "x"));
        assert_eq!(json(r#"{"version": 5}"#), kv("version", "5"));
        assert_eq!(
            json(r#"{"version": {"a": [1, "}"]}}"#),
            kv("version", r#"{"a": [1, "}"]}"#)
        );
        assert_eq!(
            json(r#"{"tiers": [{"statuses": ["dibao"]}, {"statuses": ["dibao", "rich"]}]}"#),
            kv("tiers[2].statuses", r#"["dibao", "rich"]"#)
        );
        assert_eq!(
            json(r#"{"fast_track": {"statuses": 3}}"#),
            kv("fast_track.statuses", "3")
        );
        // A byte-order mark before JSON, as a Windows editor writes it.
        assert_eq!(
            key_value(Policy::from_str_auto(
                "\u{feff}{\"score\": {\"base\": -1e400}}"
            )),
            kv("score.base", "-1e400")
        );
        // A long value is cut short.
        let long = format!("version = {}", "9".repeat(300));
        let (_, value) = toml(&long).expect("invalid");
        assert_eq!(value.chars().count(), MAX_VALUE_CHARS + 1);
        assert!(value.ends_with('…'));
    }

    #[test]
    fn unknown_keys_inside_tables_are_dotted_and_syntax_stays_syntax() {
        assert_eq!(
            Policy::from_toml("[score]\nnope = 1").expect_err("refused"),
            PolicyError::UnknownKey {
                key: "score.nope".into(),
                line: 2,
                column: 1
            }
        );
        assert!(matches!(
            Policy::from_toml("[[tiers]]\n[[tiers]]\nstatus = []").expect_err("refused"),
            PolicyError::UnknownKey { ref key, line: 3, .. } if key == "tiers[2].status"
        ));
        assert!(matches!(
            Policy::from_json(r#"{"score": {"urgency": {"high": 1}}}"#).expect_err("refused"),
            PolicyError::UnknownKey { ref key, .. } if key == "score.urgency.high"
        ));
        for text in ["[[[ not toml", "base = ", "a = 1\na = 2"] {
            let err = Policy::from_toml(text).expect_err("refused");
            assert!(matches!(err, PolicyError::Syntax { .. }), "{text}: {err:?}");
        }
        for text in [
            "{\"version\": 3",
            "{\"version\": \"a\", \"version\": \"b\"}",
            "{\"score\": {\"base\": 1,}}",
        ] {
            let err = Policy::from_json(text).expect_err("refused");
            assert!(matches!(err, PolicyError::Syntax { .. }), "{text}: {err:?}");
        }
    }

    #[test]
    fn digest_is_canonical() {
        let a = Policy::default();
        let mut b = Policy::default();
        b.fast_track.statuses.reverse();
        b.tiers[0].statuses.push(Status::Orphan);
        assert_eq!(a.digest(), b.digest());
        assert_eq!(a.digest().len(), 64);
        let mut c = Policy::default();
        c.score.base = 101;
        assert_ne!(a.digest(), c.digest());
        // Known answer of the hex encoder: SHA-256 of the empty string.
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn tiers_follow_the_default_rules() {
        let p = Policy::default();
        let none = |_: Status| false;
        assert_eq!(p.tier_of(Urgency::Emergency, none), 1);
        assert_eq!(p.tier_of(Urgency::Normal, |s| s == Status::Tekun), 1);
        assert_eq!(p.tier_of(Urgency::Urgent, none), 2);
        assert_eq!(p.tier_of(Urgency::Normal, |s| s == Status::Dibao), 2);
        assert_eq!(p.tier_of(Urgency::Normal, |s| s == Status::Monitored), 3);
    }

    #[test]
    fn dibao_line_takes_the_longest_prefix() {
        let mut r = ReferralRules::default();
        r.dibao_lines.insert("6101".into(), 900);
        assert_eq!(r.dibao_line("610102001001"), Some(900));
        assert_eq!(r.dibao_line("610602100201"), Some(700));
        assert_eq!(r.dibao_line("110101"), None);
    }
}
