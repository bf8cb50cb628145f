//! Builders shared by the closed-loop tests (emergency insertion and the desk): one
//! county (610122), one category, and a state made by a real engine run.

use aidmatch::division::{AreaPrefix, Division};
use aidmatch::generate::AS_OF;
use aidmatch::model::{Inputs, Need, Resource};
use aidmatch::outcome::LoopRules;
use aidmatch::snapshot::State;
use aidmatch::taxonomy::{Category, CategorySet, ProviderKind, Status};
use aidmatch::{Policy, RunOptions};

/// A need for living support in a village of 610122, with consent.
pub fn need(id: &str, household: &str) -> Need {
    Need::new(
        id,
        household,
        Division::parse("610122100201").expect("region"),
        Category::Living,
        true,
    )
}

/// A resource for living support over 610122 with `capacity` places.
pub fn res(id: &str, kind: ProviderKind, capacity: u32) -> Resource {
    Resource::new(
        id,
        format!("P-{id}"),
        kind,
        [Category::Living].into_iter().collect::<CategorySet>(),
        capacity,
        vec![AreaPrefix::parse("610122").expect("area")],
    )
}

/// The state of an engine run of `needs` and `resources` under the default policy.
pub fn state_of(needs: Vec<Need>, resources: Vec<Resource>, rules: LoopRules) -> State {
    let inputs = Inputs {
        needs,
        resources,
        exclusions: Vec::new(),
    };
    let policy = Policy::default();
    let r = aidmatch::run(&inputs, &policy, &RunOptions::new(AS_OF)).expect("run");
    State::from_run(&inputs, &policy, &rules, &r)
}

/// Need A (tier 3, disabled) holds R1 (one place); R2 (one place) takes only disabled
/// people: an emergency that can only use R1 displaces A, who moves to R2.
pub fn displacement_state() -> State {
    let mut a = need("A", "HA");
    a.statuses = [Status::Disabled].into_iter().collect();
    let mut r2 = res("R2", ProviderKind::Charity, 1);
    r2.eligible_statuses = [Status::Disabled].into_iter().collect();
    r2.area = vec![AreaPrefix::parse("61").expect("area")];
    state_of(
        vec![a],
        vec![res("R1", ProviderKind::Charity, 1), r2],
        LoopRules::default(),
    )
}
