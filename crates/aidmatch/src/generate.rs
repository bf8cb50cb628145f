//! Seeded synthetic Shaanxi lists, from one county to the whole province.
//!
//! Benchmarks, demos and tests need lists with the shape of real ones — the province's
//! real division structure, plausible mixes of hardship statuses, needs, urgencies, forms,
//! quantities and providers — without a single real person in them. [`generate`] builds
//! them from a seed: the same `(scale, seed)` gives the same [`Inputs`] on every platform
//! (ChaCha8 stream, integer-only sampling, no hash-map iteration order involved).
//!
//! # Geography
//! Shaanxi's 10 prefecture-level cities (6101 西安 … 6110 商洛) and their 107 county-level
//! units with their GB/T 2260 codes (written from the published code list of recent years,
//! 2021-2023 editions; a merger after that would make one or two codes stale, which does
//! not matter for synthetic data). The townships (乡镇/街道) and villages (村/社区) are
//! synthetic: 1,335 townships in all, as in the province's recent statistics, distributed
//! over the counties with fixed pseudo-random sizes (urban districts have street offices
//! `001…`, counties towns `100…`); each township has 6 to 24 villages or communities
//! (`001…` communities, `200…` villages). The geography does not depend on the seed.
//!
//! Needs are spread over counties by a rough weight of each city's low-income population
//! (the rural south and Xi'an carry most); resources follow the needs.
//!
//! # Households and needs
//! Households are drawn from archetypes (dibao, tekun, dibao edge, monitored, orphans and
//! unsupported children, disabled, serious illness, workers in difficulty, elderly, …), each
//! with its statuses, government programs, income, ages and typical needs; a household has
//! one to three need items. About 10% of needs lack consent; urgency is mostly normal, with
//! `emergency` needs mostly urgent. Quantities: yuan for cash (medical aid in thousands,
//! living aid in hundreds), units for goods, hours for service.
//!
//! # Resources
//! Every provider kind appears: government departments per county, charities, enterprises,
//! volunteers, paired cadres (1+N: a cadre with capacity 1 to 5 serving one village or
//! township), unions, the youth league, women's federations, the red cross and disabled
//! persons' federations, each with the categories, forms, areas, status and age
//! restrictions typical of it. About 4% of offers have already expired on [`AS_OF`].
//! In a sparse list (under 100 needs per township, such as the 300-need sample) the
//! organisations' township offers become county-wide, so the sample still shows matches.
//! Exclusions pair some cadres and local organisations with households of their own area.
//!
//! # Density
//! Resource areas and restrictions are tuned so that, by the spec's eligibility rules
//! (area, category, form, consent, status, age, gender, validity on [`AS_OF`]), a need has
//! about 16 eligible resources on average at province scale (1M needs × 100k resources ≈
//! 16M eligible pairs), the target of the design. The integration tests measure it.
//!
//! # Complexity
//! O(needs + resources) time and memory; the province scale takes a few seconds.

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::date::Date;
use crate::division::{AreaPrefix, Division, Level};
use crate::model::{Exclusion, Inputs, Need, Outcome, Quantity, Resource};
use crate::taxonomy::{
    Category, CategorySet, DeclineReason, DeclinedBy, Form, Gender, GovProgram, OutcomeStatus,
    ProgramSet, ProviderKind, Status, StatusSet, Urgency,
};

/// The run date the synthetic lists are made for (needs reported before it, offers open on
/// it unless deliberately expired): 2024-10-01.
pub const AS_OF: Date = match Date::from_ymd(2024, 10, 1) {
    Some(d) => d,
    // Evaluated at compile time: a typo here fails the build, never a run.
    None => panic!("2024-10-01 is a valid date"),
};

/// Which part of Shaanxi a generated list covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// One county-level unit, by its 6-digit code (`610122`).
    County(u32),
    /// One prefecture-level city, by its 4-digit code (`6101`).
    City(u32),
    /// The whole province.
    Province,
}

/// How much to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scale {
    /// 300 needs, 40 resources in 蓝田县 (610122): the shipped sample.
    Sample,
    /// 10,000 needs, 1,000 resources in 蓝田县 (610122).
    County,
    /// 100,000 needs, 10,000 resources in 西安市 (6101).
    City,
    /// 1,000,000 needs, 100,000 resources in all of Shaanxi (61).
    Province,
    /// Any size and scope.
    Custom {
        /// Number of need items.
        needs: usize,
        /// Number of resources.
        resources: usize,
        /// Where.
        scope: Scope,
    },
}

impl Scale {
    /// Number of need items.
    pub fn needs(self) -> usize {
        match self {
            Scale::Sample => 300,
            Scale::County => 10_000,
            Scale::City => 100_000,
            Scale::Province => 1_000_000,
            Scale::Custom { needs, .. } => needs,
        }
    }

    /// Number of resources.
    pub fn resources(self) -> usize {
        match self {
            Scale::Sample => 40,
            Scale::County => 1_000,
            Scale::City => 10_000,
            Scale::Province => 100_000,
            Scale::Custom { resources, .. } => resources,
        }
    }

    /// The area covered.
    pub fn scope(self) -> Scope {
        match self {
            Scale::Sample | Scale::County => Scope::County(SAMPLE_COUNTY),
            Scale::City => Scope::City(6101),
            Scale::Province => Scope::Province,
            Scale::Custom { scope, .. } => scope,
        }
    }

    /// Parses `sample`, `county`, `city`, `province` (ASCII case-insensitive).
    pub fn parse(s: &str) -> Option<Scale> {
        match s.trim().to_ascii_lowercase().as_str() {
            "sample" => Some(Scale::Sample),
            "county" => Some(Scale::County),
            "city" => Some(Scale::City),
            "province" => Some(Scale::Province),
            _ => None,
        }
    }
}

/// 蓝田县, a rural county of Xi'an: the county of the sample and county scales.
pub const SAMPLE_COUNTY: u32 = 610_122;

/// Why a scope cannot be generated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GenerateError {
    /// The code is not a Shaanxi county or city of the built-in geography.
    #[error("{0} is not a county or city of shaanxi known to the generator")]
    UnknownScope(u32),
}

// ---------------------------------------------------------------------------------------
// Geography

/// (city code, city name, weight of the city's low-income population in per mille,
/// county codes).
const CITIES: [(u32, &str, u32, &[u32]); 10] = [
    (
        6101,
        "西安市",
        200,
        &[
            610_102, 610_103, 610_104, 610_111, 610_112, 610_113, 610_114, 610_115, 610_116,
            610_117, 610_118, 610_122, 610_124,
        ],
    ),
    (6102, "铜川市", 25, &[610_202, 610_203, 610_204, 610_222]),
    (
        6103,
        "宝鸡市",
        90,
        &[
            610_302, 610_303, 610_304, 610_305, 610_323, 610_324, 610_326, 610_327, 610_328,
            610_329, 610_330, 610_331,
        ],
    ),
    (
        6104,
        "咸阳市",
        105,
        &[
            610_402, 610_403, 610_404, 610_422, 610_423, 610_424, 610_425, 610_426, 610_428,
            610_429, 610_430, 610_431, 610_481, 610_482,
        ],
    ),
    (
        6105,
        "渭南市",
        125,
        &[
            610_502, 610_503, 610_522, 610_523, 610_524, 610_525, 610_526, 610_527, 610_528,
            610_581, 610_582,
        ],
    ),
    (
        6106,
        "延安市",
        60,
        &[
            610_602, 610_603, 610_621, 610_622, 610_625, 610_626, 610_627, 610_628, 610_629,
            610_630, 610_631, 610_632, 610_681,
        ],
    ),
    (
        6107,
        "汉中市",
        110,
        &[
            610_702, 610_703, 610_722, 610_723, 610_724, 610_725, 610_726, 610_727, 610_728,
            610_729, 610_730,
        ],
    ),
    (
        6108,
        "榆林市",
        80,
        &[
            610_802, 610_803, 610_822, 610_824, 610_825, 610_826, 610_827, 610_828, 610_829,
            610_830, 610_831, 610_881,
        ],
    ),
    (
        6109,
        "安康市",
        115,
        &[
            610_902, 610_921, 610_922, 610_923, 610_924, 610_925, 610_926, 610_927, 610_929,
            610_981,
        ],
    ),
    (
        6110,
        "商洛市",
        90,
        &[
            611_002, 611_021, 611_022, 611_023, 611_024, 611_025, 611_026,
        ],
    ),
];

/// Townships in the province, as in recent statistics.
const TOWNSHIPS_TOTAL: u32 = 1_335;

/// One county-level unit of the built-in geography.
#[derive(Debug, Clone)]
pub struct County {
    /// 6-digit code.
    pub code: u32,
    /// 4-digit code of its city.
    pub city: u32,
    /// Relative weight of its low-income population.
    pub weight: u32,
    /// 9-digit township codes, each with its village count.
    pub townships: Vec<(u64, u32)>,
}

impl County {
    /// True for a city district (市辖区, code digits 5-6 below 21): street offices rather
    /// than towns, communities rather than villages.
    pub fn is_urban(&self) -> bool {
        self.code % 100 < 21
    }

    /// The 12-digit code of village `v` (0-based) of township `t`.
    fn village(&self, t: usize, v: u32) -> u64 {
        let (township, villages) = self.townships[t];
        let communities = if self.is_urban() {
            villages
        } else {
            villages / 5
        };
        let local = if v < communities {
            1 + v
        } else {
            200 + (v - communities)
        };
        township * 1_000 + u64::from(local)
    }
}

/// The built-in geography of Shaanxi (independent of any seed).
#[derive(Debug, Clone)]
pub struct Geography {
    /// The 107 county-level units, in code order.
    pub counties: Vec<County>,
}

impl Geography {
    /// Builds the geography: real city and county codes, synthetic townships and villages.
    pub fn shaanxi() -> Geography {
        // A fixed stream: the geography is the same for every seed.
        let mut rng = ChaCha8Rng::seed_from_u64(0x5348_4141_4E58_4931);
        let mut counties = Vec::new();
        for &(city, _, city_weight, codes) in &CITIES {
            let n = codes.len() as u32;
            for &code in codes {
                // Counties of one city differ by up to ±40% around the city's share.
                let w = city_weight * 1_000 / n * rng.random_range(60..=140u32) / 100;
                counties.push(County {
                    code,
                    city,
                    weight: w.max(1),
                    townships: Vec::new(),
                });
            }
        }
        // Township counts: 6 to 22 per county, then adjusted to the province total.
        let mut sizes: Vec<u32> = counties
            .iter()
            .map(|_| rng.random_range(6..=22u32))
            .collect();
        let mut total: u32 = sizes.iter().sum();
        let mut i = 0usize;
        while total != TOWNSHIPS_TOTAL {
            let k = i % sizes.len();
            if total < TOWNSHIPS_TOTAL && sizes[k] < 30 {
                sizes[k] += 1;
                total += 1;
            } else if total > TOWNSHIPS_TOTAL && sizes[k] > 4 {
                sizes[k] -= 1;
                total -= 1;
            }
            i += 7;
        }
        for (county, &size) in counties.iter_mut().zip(&sizes) {
            let urban = county.is_urban();
            county.townships = (0..size)
                .map(|t| {
                    let local = if urban { 1 + t } else { 100 + t };
                    let code = u64::from(county.code) * 1_000 + u64::from(local);
                    (code, rng.random_range(6..=24u32))
                })
                .collect();
        }
        Geography { counties }
    }

    /// Number of townships.
    pub fn township_count(&self) -> usize {
        self.counties.iter().map(|c| c.townships.len()).sum()
    }

    /// Number of villages and communities.
    pub fn village_count(&self) -> usize {
        self.counties
            .iter()
            .flat_map(|c| c.townships.iter().map(|t| t.1 as usize))
            .sum()
    }

    /// The counties in `scope` (indices into `counties`).
    fn select(&self, scope: Scope) -> Result<Vec<usize>, GenerateError> {
        let picked: Vec<usize> = self
            .counties
            .iter()
            .enumerate()
            .filter(|(_, c)| match scope {
                Scope::County(code) => c.code == code,
                Scope::City(code) => c.city == code,
                Scope::Province => true,
            })
            .map(|(i, _)| i)
            .collect();
        match scope {
            Scope::County(code) | Scope::City(code) if picked.is_empty() => {
                Err(GenerateError::UnknownScope(code))
            }
            _ => Ok(picked),
        }
    }
}

// ---------------------------------------------------------------------------------------
// Sampling helpers (integer weights only: portable and exact)

/// Picks an index with probability proportional to `weights[i]`.
fn pick_weighted(rng: &mut ChaCha8Rng, weights: &[u32]) -> usize {
    let total: u32 = weights.iter().sum();
    if total == 0 {
        return 0;
    }
    let mut x = rng.random_range(0..total);
    for (i, &w) in weights.iter().enumerate() {
        if x < w {
            return i;
        }
        x -= w;
    }
    weights.len() - 1
}

/// Picks from `(value, weight)` pairs.
fn pick<T: Copy>(rng: &mut ChaCha8Rng, items: &[(T, u32)]) -> T {
    let mut total = 0u32;
    for &(_, w) in items {
        total += w;
    }
    let mut x = rng.random_range(0..total.max(1));
    for &(v, w) in items {
        if x < w {
            return v;
        }
        x -= w;
    }
    items[items.len() - 1].0
}

/// True with probability `pct`/100.
fn chance(rng: &mut ChaCha8Rng, pct: u32) -> bool {
    rng.random_range(0..100u32) < pct
}

/// Cumulative weights for fast repeated picks.
struct Cumulative(Vec<u64>);

impl Cumulative {
    fn new(weights: impl Iterator<Item = u32>) -> Cumulative {
        let mut acc = 0u64;
        Cumulative(
            weights
                .map(|w| {
                    acc += u64::from(w);
                    acc
                })
                .collect(),
        )
    }
    fn pick(&self, rng: &mut ChaCha8Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(0);
        if total == 0 {
            return 0;
        }
        let x = rng.random_range(0..total);
        self.0.partition_point(|&c| c <= x)
    }
}

// ---------------------------------------------------------------------------------------
// Categories and forms

/// How often each form occurs for a category (cash, goods, service), in percent.
fn form_mix(c: Category) -> [(Form, u32); 3] {
    use Category::*;
    let (cash, goods, service) = match c {
        Living => (40, 60, 0),
        Medical => (80, 0, 20),
        Education => (80, 10, 10),
        ElderlyCare => (0, 20, 80),
        Disability => (0, 40, 60),
        Child => (40, 20, 40),
        Housing => (70, 0, 30),
        Emergency => (60, 40, 0),
        Employment | Psychological | Legal | CareVisit | Rehabilitation | SocialIntegration => {
            (0, 0, 100)
        }
    };
    [
        (Form::Cash, cash),
        (Form::Goods, goods),
        (Form::Service, service),
    ]
}

fn form_weight(c: Category, f: Form) -> u32 {
    form_mix(c)
        .iter()
        .find(|(x, _)| *x == f)
        .map_or(0, |(_, w)| *w)
}

/// A quantity for a need of this category and form.
fn need_quantity(rng: &mut ChaCha8Rng, c: Category, f: Form) -> Quantity {
    use Category::*;
    let units: u64 = match f {
        Form::Cash => {
            let (lo, hi, step) = match c {
                Medical => (2_000, 30_000, 500),
                Education => (1_000, 6_000, 500),
                Living => (300, 2_000, 100),
                Housing => (5_000, 30_000, 1_000),
                Emergency => (500, 5_000, 100),
                Child => (500, 3_000, 100),
                _ => (200, 2_000, 100),
            };
            rng.random_range(lo / step..=hi / step) * step
        }
        Form::Goods => rng.random_range(1..=5u64),
        Form::Service => match c {
            Rehabilitation => rng.random_range(8..=40u64),
            CareVisit | ElderlyCare => rng.random_range(4..=24u64),
            Employment | Legal => rng.random_range(1..=6u64),
            _ => rng.random_range(2..=12u64),
        },
    };
    Quantity(units * 100)
}

// ---------------------------------------------------------------------------------------
// Households

/// A kind of household: its statuses, programs and typical needs.
struct Archetype {
    weight: u32,
    /// Statuses always present.
    base: &'static [Status],
    /// Statuses sometimes added, with their chance in percent.
    extra: &'static [(Status, u32)],
    /// Programs received, with their chance in percent.
    programs: &'static [(GovProgram, u32)],
    /// Needs, weighted.
    needs: &'static [(Category, u32)],
    /// Age of the person in need.
    age: (u32, u32),
    /// Monthly income per person, yuan.
    income: (u64, u64),
    /// Household size.
    size: (u32, u32),
}

use Category as C;
use GovProgram as G;
use Status as S;

const ARCHETYPES: &[Archetype] = &[
    Archetype {
        weight: 28,
        base: &[S::Dibao],
        extra: &[(S::Disabled, 15), (S::SeriousIllness, 15), (S::Elderly, 20)],
        programs: &[(G::Dibao, 95), (G::MedicalAid, 30), (G::EducationAid, 10)],
        needs: &[
            (C::Living, 25),
            (C::Medical, 20),
            (C::Education, 12),
            (C::CareVisit, 10),
            (C::Employment, 10),
            (C::Housing, 6),
            (C::Psychological, 6),
            (C::Legal, 3),
            (C::SocialIntegration, 3),
        ],
        age: (8, 85),
        income: (200, 800),
        size: (1, 6),
    },
    Archetype {
        weight: 7,
        base: &[S::Tekun],
        extra: &[
            (S::Elderly, 70),
            (S::DisabledElderly, 25),
            (S::Disabled, 20),
        ],
        programs: &[(G::Tekun, 98), (G::MedicalAid, 40)],
        needs: &[
            (C::ElderlyCare, 30),
            (C::CareVisit, 30),
            (C::Medical, 15),
            (C::Living, 15),
            (C::Psychological, 10),
        ],
        age: (55, 95),
        income: (0, 400),
        size: (1, 1),
    },
    Archetype {
        weight: 12,
        base: &[S::DibaoEdge],
        extra: &[(S::SeriousIllness, 15), (S::Elderly, 15)],
        programs: &[(G::MedicalAid, 15), (G::EducationAid, 10)],
        needs: &[
            (C::Medical, 25),
            (C::Education, 20),
            (C::Employment, 20),
            (C::Living, 15),
            (C::Housing, 10),
            (C::CareVisit, 10),
        ],
        age: (6, 80),
        income: (700, 1_300),
        size: (2, 6),
    },
    Archetype {
        weight: 14,
        base: &[S::Monitored],
        extra: &[(S::SeriousIllness, 10), (S::Disabled, 8)],
        programs: &[(G::EmploymentAid, 20), (G::EducationAid, 15)],
        needs: &[
            (C::Employment, 35),
            (C::Education, 20),
            (C::Medical, 20),
            (C::Housing, 15),
            (C::Living, 10),
        ],
        age: (16, 65),
        income: (600, 1_600),
        size: (2, 7),
    },
    Archetype {
        weight: 5,
        base: &[S::RigidExpense, S::SeriousIllness],
        extra: &[(S::DibaoEdge, 20)],
        programs: &[(G::MedicalAid, 50)],
        needs: &[
            (C::Medical, 60),
            (C::Living, 15),
            (C::Psychological, 15),
            (C::Rehabilitation, 10),
        ],
        age: (20, 80),
        income: (500, 1_800),
        size: (2, 5),
    },
    Archetype {
        weight: 6,
        base: &[S::Temporary],
        extra: &[(S::SeriousIllness, 10)],
        programs: &[(G::Temporary, 60)],
        needs: &[
            (C::Emergency, 45),
            (C::Living, 30),
            (C::Housing, 10),
            (C::Psychological, 15),
        ],
        age: (18, 75),
        income: (0, 1_500),
        size: (1, 6),
    },
    Archetype {
        weight: 2,
        base: &[S::Orphan],
        extra: &[(S::Disabled, 5)],
        programs: &[(G::ChildAllowance, 95), (G::EducationAid, 50)],
        needs: &[
            (C::Education, 35),
            (C::Child, 30),
            (C::Psychological, 20),
            (C::CareVisit, 15),
        ],
        age: (3, 17),
        income: (0, 300),
        size: (1, 3),
    },
    Archetype {
        weight: 3,
        base: &[S::UnsupportedChild],
        extra: &[(S::Dibao, 40)],
        programs: &[(G::ChildAllowance, 90), (G::EducationAid, 40)],
        needs: &[
            (C::Education, 30),
            (C::Child, 30),
            (C::Psychological, 25),
            (C::CareVisit, 15),
        ],
        age: (3, 17),
        income: (0, 600),
        size: (1, 4),
    },
    Archetype {
        weight: 8,
        base: &[S::Disabled],
        extra: &[(S::SevereDisabled, 35), (S::Dibao, 35)],
        programs: &[(G::DisabilityAllowance, 85), (G::Dibao, 25)],
        needs: &[
            (C::Rehabilitation, 30),
            (C::Disability, 30),
            (C::Employment, 15),
            (C::CareVisit, 15),
            (C::SocialIntegration, 10),
        ],
        age: (5, 80),
        income: (300, 1_200),
        size: (1, 5),
    },
    Archetype {
        weight: 4,
        base: &[S::WorkerInDifficulty],
        extra: &[(S::SeriousIllness, 15)],
        programs: &[(G::EmploymentAid, 30)],
        needs: &[
            (C::Employment, 30),
            (C::Living, 25),
            (C::Medical, 20),
            (C::Education, 15),
            (C::Legal, 10),
        ],
        age: (25, 60),
        income: (800, 2_000),
        size: (2, 5),
    },
    Archetype {
        weight: 7,
        base: &[S::Elderly],
        extra: &[(S::DisabledElderly, 35), (S::Dibao, 30)],
        programs: &[(G::Dibao, 25), (G::MedicalAid, 20)],
        needs: &[
            (C::ElderlyCare, 35),
            (C::CareVisit, 30),
            (C::Medical, 15),
            (C::Psychological, 10),
            (C::SocialIntegration, 10),
        ],
        age: (60, 95),
        income: (200, 1_500),
        size: (1, 3),
    },
    Archetype {
        weight: 4,
        base: &[],
        extra: &[(S::SeriousIllness, 20)],
        programs: &[],
        needs: &[
            (C::Emergency, 30),
            (C::Living, 25),
            (C::Medical, 20),
            (C::Psychological, 15),
            (C::Legal, 10),
        ],
        age: (18, 80),
        income: (800, 3_000),
        size: (1, 6),
    },
];

// ---------------------------------------------------------------------------------------
// Resources

/// The area width of an offer.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Reach {
    Village,
    Township,
    County,
    /// Two or three counties of one city.
    Counties,
    City,
    Province,
}

/// A kind of provider: its share, reach, categories, capacities and restrictions.
struct ProviderProfile {
    kind: ProviderKind,
    weight: u32,
    reach: &'static [(Reach, u32)],
    categories: &'static [(Category, u32)],
    /// 1 to this many categories per offer.
    max_categories: u32,
    capacity: (u32, u32),
    /// Chance in percent that the offer restricts eligible statuses, and the pool.
    restrict: (u32, &'static [Status]),
    /// Age bounds applied with a chance in percent.
    ages: (u32, Option<u32>, Option<u32>),
}

const PROFILES: &[ProviderProfile] = &[
    ProviderProfile {
        kind: ProviderKind::Cadre,
        weight: 38,
        reach: &[(Reach::Village, 55), (Reach::Township, 45)],
        categories: &[
            (C::CareVisit, 40),
            (C::Psychological, 20),
            (C::Employment, 15),
            (C::Living, 15),
            (C::SocialIntegration, 10),
        ],
        max_categories: 3,
        capacity: (1, 5),
        restrict: (0, &[]),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::Government,
        weight: 8,
        reach: &[
            (Reach::Township, 795),
            (Reach::County, 200),
            (Reach::City, 5),
        ],
        categories: &[
            (C::Living, 25),
            (C::Emergency, 20),
            (C::Medical, 15),
            (C::Education, 10),
            (C::Housing, 10),
            (C::Employment, 10),
            (C::ElderlyCare, 10),
        ],
        max_categories: 2,
        capacity: (20, 200),
        restrict: (
            50,
            &[S::Dibao, S::Tekun, S::DibaoEdge, S::Temporary, S::Monitored],
        ),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::Charity,
        weight: 15,
        reach: &[
            (Reach::Township, 694),
            (Reach::County, 250),
            (Reach::Counties, 40),
            (Reach::City, 15),
            (Reach::Province, 1),
        ],
        categories: &[
            (C::Medical, 20),
            (C::Education, 20),
            (C::Living, 15),
            (C::ElderlyCare, 10),
            (C::Child, 10),
            (C::Emergency, 10),
            (C::Psychological, 10),
            (C::Housing, 5),
        ],
        max_categories: 2,
        capacity: (10, 100),
        restrict: (
            45,
            &[
                S::Dibao,
                S::Tekun,
                S::DibaoEdge,
                S::Orphan,
                S::UnsupportedChild,
                S::SeriousIllness,
                S::RigidExpense,
            ],
        ),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::Enterprise,
        weight: 7,
        reach: &[
            (Reach::Township, 715),
            (Reach::County, 250),
            (Reach::Counties, 30),
            (Reach::City, 5),
        ],
        categories: &[
            (C::Employment, 45),
            (C::Education, 25),
            (C::Living, 20),
            (C::Housing, 10),
        ],
        max_categories: 2,
        capacity: (5, 50),
        restrict: (30, &[S::Monitored, S::Dibao, S::DibaoEdge, S::Disabled]),
        ages: (40, Some(18), Some(55)),
    },
    ProviderProfile {
        kind: ProviderKind::Volunteer,
        weight: 12,
        reach: &[
            (Reach::Village, 200),
            (Reach::Township, 700),
            (Reach::County, 100),
        ],
        categories: &[
            (C::CareVisit, 30),
            (C::Psychological, 25),
            (C::ElderlyCare, 15),
            (C::SocialIntegration, 15),
            (C::Legal, 10),
            (C::Education, 5),
        ],
        max_categories: 3,
        capacity: (1, 8),
        restrict: (0, &[]),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::Union,
        weight: 4,
        reach: &[
            (Reach::Township, 685),
            (Reach::County, 300),
            (Reach::City, 15),
        ],
        categories: &[
            (C::Living, 35),
            (C::Medical, 25),
            (C::Employment, 25),
            (C::Education, 15),
        ],
        max_categories: 2,
        capacity: (10, 80),
        restrict: (85, &[S::WorkerInDifficulty]),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::YouthLeague,
        weight: 4,
        reach: &[
            (Reach::Township, 685),
            (Reach::County, 300),
            (Reach::City, 15),
        ],
        categories: &[(C::Education, 45), (C::Child, 25), (C::Psychological, 30)],
        max_categories: 2,
        capacity: (5, 60),
        restrict: (50, &[S::Orphan, S::UnsupportedChild, S::Dibao]),
        ages: (90, Some(6), Some(18)),
    },
    ProviderProfile {
        kind: ProviderKind::WomensFederation,
        weight: 4,
        reach: &[
            (Reach::Township, 690),
            (Reach::County, 300),
            (Reach::City, 10),
        ],
        categories: &[
            (C::Child, 30),
            (C::Psychological, 25),
            (C::Employment, 25),
            (C::Legal, 20),
        ],
        max_categories: 2,
        capacity: (5, 50),
        restrict: (
            30,
            &[S::Dibao, S::Orphan, S::UnsupportedChild, S::Monitored],
        ),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::RedCross,
        weight: 4,
        reach: &[
            (Reach::Township, 629),
            (Reach::County, 350),
            (Reach::City, 20),
            (Reach::Province, 1),
        ],
        categories: &[(C::Medical, 45), (C::Emergency, 35), (C::Living, 20)],
        max_categories: 2,
        capacity: (10, 100),
        restrict: (40, &[S::Dibao, S::Tekun, S::SeriousIllness, S::Temporary]),
        ages: (0, None, None),
    },
    ProviderProfile {
        kind: ProviderKind::DisabledFederation,
        weight: 4,
        reach: &[
            (Reach::Township, 690),
            (Reach::County, 300),
            (Reach::City, 10),
        ],
        categories: &[
            (C::Rehabilitation, 40),
            (C::Disability, 40),
            (C::Employment, 20),
        ],
        max_categories: 2,
        capacity: (5, 60),
        restrict: (90, &[S::Disabled, S::SevereDisabled]),
        ages: (0, None, None),
    },
];

/// Below this many needs per township in scope, organisations' offers are county-wide
/// (see [`gen_resources`]).
const SPARSE_NEEDS_PER_TOWNSHIP: usize = 100;

/// Government departments (provider id part) by the first category of an offer.
fn department(c: Category) -> &'static str {
    match c {
        C::Medical => "YB",
        C::Education => "JY",
        C::Housing => "ZJ",
        C::Employment => "RS",
        _ => "MZ",
    }
}

// ---------------------------------------------------------------------------------------
// The generator

/// Generates synthetic lists of the given scale from a seed.
///
/// Same `(scale, seed)`, same lists, on every platform. Needs and resources are sorted by
/// id; exclusions by household and provider.
///
/// # Errors
/// [`GenerateError::UnknownScope`] if a custom scope names a county or city outside the
/// built-in geography.
pub fn try_generate(scale: Scale, seed: u64) -> Result<Inputs, GenerateError> {
    let geo = Geography::shaanxi();
    let counties = geo.select(scale.scope())?;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let county_pick = Cumulative::new(counties.iter().map(|&i| geo.counties[i].weight));
    let needs = gen_needs(&mut rng, &geo, &counties, &county_pick, scale.needs());
    let resources = gen_resources(&mut rng, &geo, &counties, &county_pick, scale);
    let exclusions = gen_exclusions(&mut rng, &needs, &resources);
    Ok(Inputs {
        needs,
        resources,
        exclusions,
    })
}

/// Generates synthetic lists for one of the named scales (whose scopes always exist).
///
/// A [`Scale::Custom`] with an unknown county or city yields empty lists; use
/// [`try_generate`] to get the error instead.
pub fn generate(scale: Scale, seed: u64) -> Inputs {
    try_generate(scale, seed).unwrap_or_default()
}

fn gen_needs(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    counties: &[usize],
    county_pick: &Cumulative,
    count: usize,
) -> Vec<Need> {
    let arche_weights: Vec<u32> = ARCHETYPES.iter().map(|a| a.weight).collect();
    let mut needs = Vec::with_capacity(count);
    let mut household = 0usize;
    while needs.len() < count {
        household += 1;
        let a = &ARCHETYPES[pick_weighted(rng, &arche_weights)];
        let county = &geo.counties[counties[county_pick.pick(rng)]];
        let t = rng.random_range(0..county.townships.len() as u32) as usize;
        let v = rng.random_range(0..county.townships[t].1);
        let region = Division::from_parts(county.village(t, v), 12);
        let Some(region) = region else {
            continue;
        };
        let mut statuses: StatusSet = a.base.iter().copied().collect();
        for &(s, pct) in a.extra {
            if chance(rng, pct) {
                statuses.insert(s);
            }
        }
        let mut programs = ProgramSet::EMPTY;
        for &(p, pct) in a.programs {
            if chance(rng, pct) {
                programs.insert(p);
            }
        }
        let size = rng.random_range(a.size.0..=a.size.1);
        let income = rng.random_range(a.income.0 / 10..=a.income.1 / 10) * 10;
        // Consent is a household decision; about 10% have not given it.
        let consent = !chance(rng, 10);
        let reported = AS_OF.add_days(-(rng.random_range(1..=365u32) as i32));
        let items = pick(rng, &[(1u32, 70), (2, 20), (3, 10)]);
        let hid = format!("H{household:07}");
        let mut used = crate::taxonomy::CategorySet::EMPTY;
        for _ in 0..items {
            if needs.len() >= count {
                break;
            }
            let category = pick(rng, a.needs);
            if !used.insert(category) {
                continue;
            }
            let form = pick(rng, &form_mix(category));
            let urgency = if category == C::Emergency {
                pick(
                    rng,
                    &[
                        (Urgency::Emergency, 60),
                        (Urgency::Urgent, 30),
                        (Urgency::Normal, 10),
                    ],
                )
            } else {
                pick(
                    rng,
                    &[
                        (Urgency::Normal, 82),
                        (Urgency::Urgent, 15),
                        (Urgency::Emergency, 3),
                    ],
                )
            };
            let age = rng.random_range(a.age.0..=a.age.1);
            let gender = if chance(rng, 50) {
                Gender::Male
            } else {
                Gender::Female
            };
            // A few records lack the optional person fields, as real exports do.
            let complete = !chance(rng, 3);
            needs.push(Need {
                need_id: format!("N{:07}", needs.len() + 1),
                household_id: hid.clone(),
                region,
                statuses,
                category,
                form,
                quantity: need_quantity(rng, category, form),
                urgency,
                consent,
                gov_programs: programs,
                income_per_capita: Some(Quantity(income * 100)),
                household_size: Some(size),
                age: complete.then_some(age),
                gender: complete.then_some(gender),
                reported_at: reported,
            });
        }
    }
    needs
}

fn gen_resources(
    rng: &mut ChaCha8Rng,
    geo: &Geography,
    counties: &[usize],
    county_pick: &Cumulative,
    scale: Scale,
) -> Vec<Resource> {
    let count = scale.resources();
    let scope = scale.scope();
    let profile_weights: Vec<u32> = PROFILES.iter().map(|p| p.weight).collect();
    let townships: usize = counties
        .iter()
        .map(|&i| geo.counties[i].townships.len())
        .sum();
    let sparse = scale.needs() < SPARSE_NEEDS_PER_TOWNSHIP * townships.max(1);
    let mut out = Vec::with_capacity(count);
    let mut serial: HashMap<ProviderKind, u32> = HashMap::new();
    // Make sure every provider kind appears when there is room for it.
    let mut first_kinds = PROFILES
        .iter()
        .map(|p| p.kind)
        .collect::<Vec<_>>()
        .into_iter();
    while out.len() < count {
        let profile = match first_kinds.next() {
            Some(kind) if count >= PROFILES.len() => PROFILES
                .iter()
                .find(|p| p.kind == kind)
                .unwrap_or(&PROFILES[0]),
            _ => &PROFILES[pick_weighted(rng, &profile_weights)],
        };
        let county = &geo.counties[counties[county_pick.pick(rng)]];
        let mut reach = pick(rng, profile.reach);
        // Keep offers inside the scope of the list.
        reach = match (reach, scope) {
            (Reach::Province, Scope::County(_) | Scope::City(_)) => Reach::County,
            (Reach::City | Reach::Counties, Scope::County(_)) => Reach::County,
            (r, _) => r,
        };
        // In a sparse list (a sample), organisations' offers are county-wide: a
        // township-wide offer would meet almost no need of the list.
        if sparse
            && reach == Reach::Township
            && !matches!(profile.kind, ProviderKind::Cadre | ProviderKind::Volunteer)
        {
            reach = Reach::County;
        }
        let t = rng.random_range(0..county.townships.len() as u32) as usize;
        let area: Vec<AreaPrefix> = match reach {
            Reach::Village => {
                let v = rng.random_range(0..county.townships[t].1);
                AreaPrefix::from_parts(county.village(t, v), Level::Village)
                    .into_iter()
                    .collect()
            }
            Reach::Township => AreaPrefix::from_parts(county.townships[t].0, Level::Township)
                .into_iter()
                .collect(),
            Reach::County => AreaPrefix::from_parts(u64::from(county.code), Level::County)
                .into_iter()
                .collect(),
            Reach::Counties => {
                let siblings: Vec<u32> = geo
                    .counties
                    .iter()
                    .filter(|c| c.city == county.city && c.code != county.code)
                    .map(|c| c.code)
                    .collect();
                let mut codes = vec![county.code];
                let extra = rng.random_range(1..=2u32);
                for _ in 0..extra {
                    if siblings.is_empty() {
                        break;
                    }
                    let c = siblings[rng.random_range(0..siblings.len() as u32) as usize];
                    if !codes.contains(&c) {
                        codes.push(c);
                    }
                }
                codes.sort_unstable();
                codes
                    .into_iter()
                    .filter_map(|c| AreaPrefix::from_parts(u64::from(c), Level::County))
                    .collect()
            }
            Reach::City => AreaPrefix::from_parts(u64::from(county.city), Level::City)
                .into_iter()
                .collect(),
            Reach::Province => AreaPrefix::from_parts(61, Level::Province)
                .into_iter()
                .collect(),
        };
        if area.is_empty() {
            continue;
        }

        // Form first, then categories that come in that form.
        let first = pick(rng, profile.categories);
        let form = pick(rng, &form_mix(first));
        let mut categories = CategorySet::single(first);
        let more = rng.random_range(1..=profile.max_categories) - 1;
        for _ in 0..more {
            let c = pick(rng, profile.categories);
            if form_weight(c, form) > 0 {
                categories.insert(c);
            }
        }
        let capacity = rng.random_range(profile.capacity.0..=profile.capacity.1);

        let (max_per_need, budget) = match form {
            Form::Cash => {
                let per = match first {
                    C::Medical | C::Housing => rng.random_range(5..=30u64) * 1_000,
                    C::Education => rng.random_range(2..=6u64) * 1_000,
                    _ => rng.random_range(5..=30u64) * 100,
                };
                let budget = if chance(rng, 70) {
                    Some(Quantity(
                        per * u64::from(capacity) * rng.random_range(60..=100u64),
                    ))
                } else {
                    None
                };
                (Some(Quantity(per * 100)), budget)
            }
            Form::Goods => (Some(Quantity(rng.random_range(2..=5u64) * 100)), None),
            Form::Service => {
                let hours = rng.random_range(4..=40u64);
                (chance(rng, 60).then_some(Quantity(hours * 100)), None)
            }
        };

        let mut eligible = StatusSet::EMPTY;
        if chance(rng, profile.restrict.0) && !profile.restrict.1.is_empty() {
            let pool = profile.restrict.1;
            let n = rng.random_range(1..=pool.len().min(3) as u32);
            for _ in 0..n {
                eligible.insert(pool[rng.random_range(0..pool.len() as u32) as usize]);
            }
        }
        let mut priority = StatusSet::EMPTY;
        if chance(rng, 40) {
            for s in [S::Tekun, S::Orphan, S::UnsupportedChild, S::SevereDisabled] {
                if chance(rng, 35) {
                    priority.insert(s);
                }
            }
        }
        let (min_age, max_age) = {
            let (pct, lo, hi) = profile.ages;
            if chance(rng, pct) {
                (lo, hi)
            } else if categories.contains(C::ElderlyCare) && chance(rng, 50) {
                (Some(60), None)
            } else {
                (None, None)
            }
        };
        let gender = (profile.kind == ProviderKind::WomensFederation && chance(rng, 30))
            .then_some(Gender::Female);

        let (valid_from, valid_to) = if chance(rng, 20) {
            (None, None)
        } else if chance(rng, 5) {
            // Already expired on the run date.
            let to = AS_OF.add_days(-(rng.random_range(1..=90u32) as i32));
            (to.and_then(|t| t.add_days(-365)), to)
        } else {
            let from = AS_OF.add_days(-(rng.random_range(0..=270u32) as i32));
            let to = AS_OF.add_days(rng.random_range(30..=450u32) as i32);
            (from, to)
        };

        let n = serial.entry(profile.kind).or_insert(0);
        *n += 1;
        let provider_id = provider_id(rng, profile.kind, *n, county, first, count);
        out.push(Resource {
            resource_id: String::new(),
            provider_id,
            provider_kind: profile.kind,
            categories,
            form,
            capacity,
            budget,
            max_per_need,
            area,
            eligible_statuses: eligible,
            priority_statuses: priority,
            min_age,
            max_age,
            gender,
            valid_from,
            valid_to,
        });
    }
    for (i, r) in out.iter_mut().enumerate() {
        r.resource_id = format!("R{:06}", i + 1);
    }
    out
}

/// A provider id: departments and mass organisations are one provider per county;
/// charities and enterprises offer several resources each; cadres and volunteers one.
fn provider_id(
    rng: &mut ChaCha8Rng,
    kind: ProviderKind,
    n: u32,
    county: &County,
    first: Category,
    total: usize,
) -> String {
    let pool = (total / 30).max(3) as u32;
    match kind {
        ProviderKind::Government => format!("GOV-{}-{}", department(first), county.code),
        ProviderKind::Charity => format!("ORG-CF-{:04}", rng.random_range(1..=pool)),
        ProviderKind::Enterprise => format!("ENT-{:04}", rng.random_range(1..=pool)),
        ProviderKind::Volunteer => format!("VOL-{n:05}"),
        ProviderKind::Cadre => format!("CADRE-{n:05}"),
        ProviderKind::Union => format!("UNION-{}", county.code),
        ProviderKind::YouthLeague => format!("YL-{}", county.code),
        ProviderKind::WomensFederation => format!("WF-{}", county.code),
        ProviderKind::RedCross => format!("RC-{}", county.code),
        ProviderKind::DisabledFederation => format!("DPF-{}", county.code),
    }
}

/// Conflict-of-interest pairs: a cadre or volunteer and a household of their own area
/// (about one in twelve of them), and some local organisations with a household of their
/// county.
fn gen_exclusions(rng: &mut ChaCha8Rng, needs: &[Need], resources: &[Resource]) -> Vec<Exclusion> {
    // Households by township and by county (first need of each household).
    let mut by_township: HashMap<u64, Vec<usize>> = HashMap::new();
    let mut by_county: HashMap<u32, Vec<usize>> = HashMap::new();
    let mut last: Option<&str> = None;
    for (i, n) in needs.iter().enumerate() {
        if last == Some(n.household_id.as_str()) {
            continue;
        }
        last = Some(&n.household_id);
        if let Some(t) = n.region.prefix_value(9) {
            by_township.entry(t).or_default().push(i);
        }
        by_county.entry(n.region.county()).or_default().push(i);
    }
    let mut out = Vec::new();
    for r in resources {
        let (pct, reason) = match r.provider_kind {
            ProviderKind::Cadre => (8, "近亲属"),
            ProviderKind::Volunteer => (5, "邻里亲属"),
            ProviderKind::Charity | ProviderKind::Enterprise => (2, "机构工作人员亲属"),
            _ => (0, ""),
        };
        if pct == 0 || !chance(rng, pct) {
            continue;
        }
        let Some(area) = r.area.first() else {
            continue;
        };
        let pool = match area.level() {
            Level::Village | Level::Township => {
                let t = if area.len() == 12 {
                    area.value() / 1_000
                } else {
                    area.value()
                };
                by_township.get(&t)
            }
            Level::County => u32::try_from(area.value())
                .ok()
                .and_then(|c| by_county.get(&c)),
            _ => None,
        };
        let Some(pool) = pool.filter(|p| !p.is_empty()) else {
            continue;
        };
        let n = &needs[pool[rng.random_range(0..pool.len() as u32) as usize]];
        out.push(Exclusion {
            household_id: n.household_id.clone(),
            provider_id: r.provider_id.clone(),
            reason: reason.to_owned(),
        });
    }
    out.sort();
    out.dedup_by(|a, b| a.household_id == b.household_id && a.provider_id == b.provider_id);
    out
}

/// Synthetic feedback for up to `count` needs: each paired with a resource that serves its
/// category and form in its area, with a plausible outcome dated after the need.
///
/// For samples and demos: O(needs + resources × categories) with an index by category.
pub fn outcomes(inputs: &Inputs, seed: u64, count: usize) -> Vec<Outcome> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6F75_7463_6F6D_6573);
    let mut by_category: Vec<Vec<usize>> = vec![Vec::new(); Category::ALL.len()];
    for (i, r) in inputs.resources.iter().enumerate() {
        for c in r.categories.iter() {
            by_category[c as usize].push(i);
        }
    }
    let mut out = Vec::new();
    if inputs.needs.is_empty() {
        return out;
    }
    let tries = count.saturating_mul(20);
    for _ in 0..tries {
        if out.len() >= count {
            break;
        }
        let need = &inputs.needs[rng.random_range(0..inputs.needs.len() as u64) as usize];
        if out.iter().any(|o: &Outcome| o.need_id == need.need_id) {
            continue;
        }
        let candidates: Vec<usize> = by_category[need.category as usize]
            .iter()
            .copied()
            .filter(|&i| {
                let r = &inputs.resources[i];
                r.form == need.form
                    && r.serves_region(need.region)
                    && (need.consent || r.provider_kind.is_government())
            })
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let r =
            &inputs.resources[candidates[rng.random_range(0..candidates.len() as u64) as usize]];
        let status = pick(
            &mut rng,
            &[
                (OutcomeStatus::Accepted, 35),
                (OutcomeStatus::Delivered, 40),
                (OutcomeStatus::Declined, 15),
                (OutcomeStatus::Failed, 10),
            ],
        );
        let note = match status {
            OutcomeStatus::Declined => "已在其他渠道获得帮扶",
            OutcomeStatus::Failed => "联系不上",
            _ => "",
        };
        let at = AS_OF.add_days(-(rng.random_range(1..=30u32) as i32));
        out.push(Outcome {
            need_id: need.need_id.clone(),
            resource_id: r.resource_id.clone(),
            status,
            at,
            note: note.to_owned(),
            declined_by: (status == OutcomeStatus::Declined).then_some(DeclinedBy::Recipient),
            reason: (status == OutcomeStatus::Declined).then_some(DeclineReason::NoLongerNeeded),
        });
    }
    out.sort_by(|a, b| a.need_id.cmp(&b.need_id));
    out
}
