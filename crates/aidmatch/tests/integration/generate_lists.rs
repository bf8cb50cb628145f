//! The synthetic generator: determinism, the shape of the lists, the eligible density.

// A failed unwrap is the test's failure report.
#![allow(clippy::unwrap_used)]

use std::collections::{HashMap, HashSet};

use aidmatch::generate::{self, AS_OF, Geography, Scale, Scope};
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::{Inputs, Need, Resource};
use aidmatch::taxonomy::{Category, Form, ProviderKind, Status};

/// Counts eligible (need, resource) pairs by the spec's rules, as the engine documents
/// them: area, category, form, consent, eligible statuses, age, gender, validity on
/// [`AS_OF`] (exclusions and capacity left out: they remove a negligible number of pairs).
/// An independent count, keyed by (category, form, area prefix). Returns (needs counted,
/// pairs, needs without any eligible resource).
fn eligible_counts(inputs: &Inputs, sample_every: usize) -> (usize, usize, usize) {
    let mut index: HashMap<(Category, Form, u64, u8), Vec<&Resource>> = HashMap::new();
    for r in &inputs.resources {
        for c in r.categories.iter() {
            for a in &r.area {
                index
                    .entry((c, r.form, a.value(), a.len()))
                    .or_default()
                    .push(r);
            }
        }
    }
    let ok = |n: &Need, r: &Resource| -> bool {
        (n.consent || r.provider_kind == ProviderKind::Government)
            && (r.eligible_statuses.is_empty() || r.eligible_statuses.intersects(n.statuses))
            && r.min_age.is_none_or(|lo| n.age.is_some_and(|a| a >= lo))
            && r.max_age.is_none_or(|hi| n.age.is_some_and(|a| a <= hi))
            && r.gender.is_none_or(|g| n.gender == Some(g))
            && r.is_open_on(AS_OF)
    };
    let (mut needs, mut pairs, mut none) = (0, 0, 0);
    for n in inputs.needs.iter().step_by(sample_every) {
        needs += 1;
        let mut seen: HashSet<&str> = HashSet::new();
        for digits in [2u8, 4, 6, 9, 12] {
            let Some(prefix) = n.region.prefix_value(digits) else {
                continue;
            };
            if let Some(rs) = index.get(&(n.category, n.form, prefix, digits)) {
                for r in rs {
                    if ok(n, r) && seen.insert(&r.resource_id) {
                        pairs += 1;
                    }
                }
            }
        }
        if seen.is_empty() {
            none += 1;
        }
    }
    (needs, pairs, none)
}

#[test]
fn same_seed_same_lists_other_seed_other_lists() {
    let a = generate::generate(Scale::County, 7);
    let b = generate::generate(Scale::County, 7);
    assert_eq!(a, b);
    let c = generate::generate(Scale::County, 8);
    assert_ne!(a.needs, c.needs);
    // Byte-identical CSV, the form the CLI writes.
    assert_eq!(io::to_csv_string(&a.needs), io::to_csv_string(&b.needs));
}

#[test]
fn geography_has_the_real_structure() {
    let geo = Geography::shaanxi();
    assert_eq!(geo.counties.len(), 107);
    assert_eq!(geo.township_count(), 1_335);
    let cities: HashSet<u32> = geo.counties.iter().map(|c| c.city).collect();
    assert_eq!(cities.len(), 10);
    assert!(cities.iter().all(|c| (6101..=6110).contains(c)));
    for c in &geo.counties {
        assert_eq!(c.code / 100, c.city, "{}", c.code);
    }
    let codes: HashSet<u32> = geo.counties.iter().map(|c| c.code).collect();
    assert_eq!(codes.len(), 107);
    for code in [610_102, 610_122, 610_602, 610_113, 611_026] {
        assert!(codes.contains(&code), "{code}");
    }
    let villages = geo.village_count();
    assert!((12_000..25_000).contains(&villages), "{villages}");
    assert_eq!(
        Geography::shaanxi().counties[5].townships,
        geo.counties[5].townships
    );
}

#[test]
fn county_scale_has_a_realistic_shape() {
    let inputs = generate::generate(Scale::County, 42);
    let (needs, resources) = (&inputs.needs, &inputs.resources);
    assert_eq!(needs.len(), 10_000);
    assert_eq!(resources.len(), 1_000);
    assert!(
        needs
            .iter()
            .all(|n| n.region.county() == generate::SAMPLE_COUNTY)
    );
    assert!(
        resources
            .iter()
            .all(|r| r.area.iter().all(|a| a.to_string().starts_with("610122")))
    );

    // Ids unique and sorted.
    let ids: HashSet<&str> = needs.iter().map(|n| n.need_id.as_str()).collect();
    assert_eq!(ids.len(), needs.len());
    assert!(needs.windows(2).all(|w| w[0].need_id < w[1].need_id));
    let households: HashSet<&str> = needs.iter().map(|n| n.household_id.as_str()).collect();
    let per_household = needs.len() as f64 / households.len() as f64;
    assert!((1.1..1.6).contains(&per_household), "{per_household}");

    // About 10% without consent.
    let no_consent = needs.iter().filter(|n| !n.consent).count();
    assert!((700..1_300).contains(&no_consent), "{no_consent}");
    // Every category, urgency, form and status occurs.
    for c in Category::ALL {
        assert!(needs.iter().any(|n| n.category == *c), "{c}");
    }
    for s in Status::ALL {
        assert!(needs.iter().any(|n| n.statuses.contains(*s)), "{s}");
    }
    for f in Form::ALL {
        assert!(needs.iter().any(|n| n.form == *f), "{f}");
    }
    let emergencies = needs
        .iter()
        .filter(|n| n.urgency == aidmatch::taxonomy::Urgency::Emergency)
        .count();
    assert!((100..1_000).contains(&emergencies), "{emergencies}");
    assert!(needs.iter().any(|n| n.statuses.is_empty()));
    assert!(needs.iter().any(|n| !n.gov_programs.is_empty()));

    // Every provider kind; cadres are 1+N pairings in one village or township.
    for k in ProviderKind::ALL {
        assert!(resources.iter().any(|r| r.provider_kind == *k), "{k}");
    }
    let cadres: Vec<&Resource> = resources
        .iter()
        .filter(|r| r.provider_kind == ProviderKind::Cadre)
        .collect();
    assert!(cadres.len() > 250, "{}", cadres.len());
    for r in &cadres {
        assert!((1..=5).contains(&r.capacity));
        assert_eq!(r.area.len(), 1);
        assert!(matches!(r.area[0].len(), 9 | 12));
    }
    // Some offers expired on the run date, most open.
    let open = resources.iter().filter(|r| r.is_open_on(AS_OF)).count();
    assert!((900..990).contains(&open), "{open}");
    assert!(!inputs.exclusions.is_empty());
    let provider_ids: HashSet<&str> = resources.iter().map(|r| r.provider_id.as_str()).collect();
    let hh: HashSet<&str> = households;
    for e in &inputs.exclusions {
        assert!(provider_ids.contains(e.provider_id.as_str()));
        assert!(hh.contains(e.household_id.as_str()));
    }

    let (n, pairs, none) = eligible_counts(&inputs, 1);
    let avg = pairs as f64 / n as f64;
    eprintln!("county: {pairs} eligible pairs, {avg:.1} per need, {none} needs with none");
    assert!((8.0..30.0).contains(&avg), "{avg}");
}

#[test]
fn generated_lists_survive_csv_and_json() {
    let inputs = generate::generate(Scale::Sample, 1);
    assert_eq!(inputs.needs.len(), 300);
    assert_eq!(inputs.resources.len(), 40);
    let opts = ReadOptions::default();
    let needs = io::needs_from_bytes(
        io::to_csv_string(&inputs.needs).as_bytes(),
        Format::Csv,
        &opts,
    )
    .unwrap();
    assert_eq!(needs, inputs.needs);
    let supply = io::supply_from_bytes(
        io::to_csv_string(&inputs.resources).as_bytes(),
        Format::Csv,
        &opts,
    )
    .unwrap();
    assert_eq!(supply, inputs.resources);
    let ex = io::exclusions_from_bytes(
        io::to_csv_string(&inputs.exclusions).as_bytes(),
        Format::Csv,
        &opts,
    )
    .unwrap();
    assert_eq!(ex, inputs.exclusions);
    let mut json = Vec::new();
    io::write_json(&mut json, &inputs.resources).unwrap();
    assert_eq!(
        io::supply_from_bytes(&json, Format::Json, &opts).unwrap(),
        inputs.resources
    );

    let outcomes = generate::outcomes(&inputs, 1, 20);
    assert!(outcomes.len() >= 10, "{}", outcomes.len());
    let text = io::to_csv_string(&outcomes);
    assert_eq!(
        io::outcomes_from_bytes(text.as_bytes(), Format::Csv, &opts).unwrap(),
        outcomes
    );
}

#[test]
fn custom_scopes() {
    let s = Scale::Custom {
        needs: 500,
        resources: 60,
        scope: Scope::City(6109),
    };
    let inputs = generate::try_generate(s, 3).unwrap();
    assert_eq!(inputs.needs.len(), 500);
    assert!(inputs.needs.iter().all(|n| n.region.county() / 100 == 6109));
    let bad = Scale::Custom {
        needs: 5,
        resources: 5,
        scope: Scope::County(110_101),
    };
    assert!(generate::try_generate(bad, 3).is_err());
    assert_eq!(generate::generate(bad, 3), Inputs::default());
    let empty = Scale::Custom {
        needs: 0,
        resources: 0,
        scope: Scope::Province,
    };
    assert_eq!(generate::generate(empty, 3), Inputs::default());
}

#[test]
fn province_scale_density() {
    let start = std::time::Instant::now();
    let inputs = generate::generate(Scale::Province, 2024);
    eprintln!("province generated in {:?}", start.elapsed());
    assert_eq!(inputs.needs.len(), 1_000_000);
    assert_eq!(inputs.resources.len(), 100_000);
    let counties: HashSet<u32> = inputs.needs.iter().map(|n| n.region.county()).collect();
    assert_eq!(counties.len(), 107);
    // Count on every 20th need (50,000 needs).
    let (n, pairs, none) = eligible_counts(&inputs, 20);
    let avg = pairs as f64 / n as f64;
    eprintln!(
        "province: {avg:.2} eligible resources per need, {none} of {n} sampled needs with none"
    );
    assert!((13.0..19.0).contains(&avg), "{avg}");
}

/// The sample county shipped in `examples/data/` (the CLI's `demo` reads it) is exactly
/// what the generator makes for [`Scale::Sample`] with seed [`SAMPLE_SEED`]. Set
/// `AIDMATCH_WRITE_SAMPLE=1` to rewrite the files after a deliberate generator change.
#[test]
fn shipped_sample_is_the_generator_output() {
    const SAMPLE_SEED: u64 = 2024;
    let inputs = generate::generate(Scale::Sample, SAMPLE_SEED);
    let outcomes = generate::outcomes(&inputs, SAMPLE_SEED, 12);
    let files = [
        ("needs.csv", io::to_csv_string(&inputs.needs)),
        ("supply.csv", io::to_csv_string(&inputs.resources)),
        ("exclusions.csv", io::to_csv_string(&inputs.exclusions)),
        ("outcomes.csv", io::to_csv_string(&outcomes)),
    ];
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data");
    if std::env::var_os("AIDMATCH_WRITE_SAMPLE").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).unwrap();
        }
    }
    for (name, text) in &files {
        let shipped = std::fs::read_to_string(dir.join(name)).unwrap();
        assert_eq!(
            &shipped, text,
            "examples/data/{name} differs from the generator"
        );
    }
    // And it reads back through the public readers.
    let read = io::read_inputs(
        dir.join("needs.csv"),
        dir.join("supply.csv"),
        Some(&dir.join("exclusions.csv")),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(read, inputs);
    assert_eq!(
        io::read_outcomes(dir.join("outcomes.csv"), &ReadOptions::default()).unwrap(),
        outcomes
    );
}
