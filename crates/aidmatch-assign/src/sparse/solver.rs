//! The primal–dual core: successive shortest augmenting paths on one component.
//!
//! The component is a circulation network with one hub node `O` (source and sink
//! merged; the hub-to-hub flow is free, so nobody is forced to be matched):
//!
//! ```text
//! O ──cap G_g──▶ group g ──cap a_i──▶ row i ──cap u_a, cost −c_a──▶ col j ──cap b_j──▶ O
//! O ───────────────cap a_i──────────▶ row i          (rows without a group)
//! ```
//!
//! The solver keeps node potentials `π` such that every residual arc has a non-negative
//! reduced cost `cost(u, v) + π(u) − π(v)`; the flow is then optimal among the rows
//! processed so far. Rows are added one at a time. A new row `i` gets the smallest
//! potential that makes its own arcs non-negative; the arc `head(i) → i` is then short
//! by a *gap* `π(i) − π(head(i)) ≥ 0`. A Dijkstra search from `i` over reduced costs,
//! pruned at the gap (the value of leaving the unit unmatched), either finds a cycle
//! `head(i) → i → … → head(i)` of negative cost, which is augmented and shrinks the
//! gap, or proves that no such cycle exists, and the gap is closed by a potential
//! update. The mirror image, a search backwards from a column whose price is positive
//! while it has free capacity, repairs a warm start.
//!
//! Prices for the certificate are potential differences: `t_g = π(g) − π(O)`,
//! `y_i = π(i) − π(head(i))`, `z_j = π(O) − π(j)`, clamped at zero on nodes without
//! flow (where the clamp only loosens constraints of arcs without flow).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use super::cost::Cost;

#[path = "tiered.rs"]
mod tiered;
use crate::Problem;

/// Why a component solve stopped early.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fail {
    /// A price or path length does not fit the cost type.
    Overflow,
    /// The caller's cancel flag was set.
    Interrupted,
}

const NONE: u32 = u32::MAX;
/// Entries of a column list sorted at a time by backward searches, at the least (the
/// sorted prefix of a column at least doubles each time: see `ensure_sorted`).
const SORT_CHUNK: usize = 8;
/// Check the cancel flag after this many heap pops or rows.
const CANCEL_EVERY: u32 = 1 << 12;

/// The rows, columns and groups of one connected component (global indices, ascending).
#[derive(Debug, Default, Clone)]
pub(super) struct Part {
    pub rows: Vec<u32>,
    pub cols: Vec<u32>,
    pub groups: Vec<u32>,
}

/// Which side's nodes a cold solve adds one at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Drive {
    /// Decide per component (see `choose_drive`).
    Auto,
    Rows,
    Cols,
}

/// Read-only data shared by all component solves.
#[derive(Debug)]
pub(super) struct Shared<'a> {
    pub problem: &'a Problem,
    /// Global column → index within its component.
    pub col_local: &'a [u32],
    /// Global group → index within its component.
    pub group_local: &'a [u32],
    pub bonus: &'a [i128],
    pub cancel: Option<&'a AtomicBool>,
    pub drive: Drive,
    /// Whether a solve may use rayon's pool (for the column index).
    pub parallel: bool,
}

/// The result of one component, in local indices (arcs of the component's rows in
/// row order, then column order).
#[derive(Debug, Default)]
pub(super) struct Outcome {
    pub flow: Vec<u32>,
    pub row_price: Vec<i128>,
    pub col_price: Vec<i128>,
    pub group_price: Vec<i128>,
}

/// A warm start in local indices: flow per local arc (already within arc capacities)
/// and prices (non-negative).
#[derive(Debug, Default)]
pub(super) struct LocalWarm {
    pub flow: Vec<u32>,
    pub row_price: Vec<i128>,
    pub col_price: Vec<i128>,
    pub group_price: Vec<i128>,
}

#[derive(Clone, Copy)]
enum Node {
    Row(usize),
    Col(usize),
    Group(usize),
    Hub,
}

pub(super) struct Solver<'a, C: Cost> {
    sh: &'a Shared<'a>,
    part: &'a Part,
    nr: usize,
    nc: usize,
    ng: usize,
    /// Node id of the hub `O`.
    hub: u32,
    /// Local arcs of local row `r`: `arc_base[r]..arc_base[r + 1]`.
    arc_base: Vec<usize>,
    /// Tier bonus of every local row.
    row_bonus: Vec<C>,
    /// Node feeding every local row: its group node, or the hub.
    head: Vec<u32>,
    supply: Vec<u32>,
    col_cap: Vec<u32>,
    group_cap: Vec<u32>,
    flow: Vec<u32>,
    row_flow: Vec<u32>,
    col_flow: Vec<u32>,
    group_flow: Vec<u32>,
    active: Vec<bool>,
    group_start: Vec<usize>,
    group_rows: Vec<u32>,
    ungrouped: Vec<u32>,
    /// Per local column: (local arc, local row, compound weight) of every arc with
    /// flow (the weight kept here spares the expansion of a column a lookup per row).
    assigned: Vec<Vec<(u32, u32, C)>>,
    /// Column-major index of the arcs, for backward searches: the entries of local
    /// column `j` are `t_list[t_start[j]..t_start[j + 1]]`, each (compound weight,
    /// local arc, local row); empty when not built.
    t_start: Vec<usize>,
    t_list: Vec<(C, u32, u32)>,
    /// Per column: entries before this index are sorted, heaviest first, and heavier
    /// than all after it (the list is sorted lazily, a chunk at a time).
    t_sorted: Vec<usize>,
    /// Per column: every sorted entry before this index is dead (a full arc, or a row
    /// taken out), so backward searches start their scan there instead of at the top,
    /// where the column's own holders (the heaviest entries) sit. Any change that can
    /// make an entry usable again (flow leaving an arc, a row activated, flows
    /// replaced) resets it to the column's start.
    live: Vec<usize>,
    /// Next entry to scan of every column during a lazy backward search.
    cursor: Vec<usize>,
    /// Entries added to the column index after it was built (rows appended by a
    /// [`super::Session`]), per column; relaxed eagerly. Empty when none.
    t_extra: Vec<Vec<(C, u32, u32)>>,
    /// Keep the column index after a solve (sessions reuse it).
    keep_index: bool,
    /// The column index was built for `zero_path_to_group` during a forward solve.
    index_for_zero: bool,
    /// Whether to note nodes whose potential changes (in `dirty`), so that a session
    /// updates only their prices.
    track: bool,
    dirty: Vec<u32>,
    /// `π(O)` when the prices were last computed (prices are relative to it).
    price_hub: C,
    pi: Vec<C>,
    dist: Vec<C>,
    stamp: Vec<u32>,
    epoch: u32,
    /// Forward search: predecessor (node, local arc); backward: successor.
    pred: Vec<(u32, u32)>,
    heap: BinaryHeap<Reverse<(C, u32)>>,
    settled: Vec<u32>,
    /// The current search's target, and the label it has so far (or the search's
    /// bound): no label at or above `cut` can matter, so none is pushed.
    target: u32,
    cut: C,
    ticks: u32,
    /// Scratch space of `zero_path_to_group`.
    zero: ZeroPaths,
}

/// Scratch space of the searches that finish a row search into a full group at the
/// hub: `Solver::zero_path_to_group` and `Solver::through_hub`.
#[derive(Debug, Default, Clone)]
pub(super) struct ZeroPaths {
    /// Nodes the breadth-first search over zero reduced costs visited.
    seen: Marks,
    /// Per visited node: the next node towards the group and the local arc (or NONE).
    next: Vec<(u32, u32)>,
    queue: Vec<u32>,
    /// `through_hub`: the search tree's nodes within the hub's distance, and their
    /// tree predecessors.
    tree: Marks,
    tree_pred: Vec<(u32, u32)>,
}

/// A mark per node, all cleared at once by moving to a new epoch.
#[derive(Debug, Default, Clone)]
struct Marks {
    stamp: Vec<u32>,
    epoch: u32,
}

impl Marks {
    /// Clears every mark, for `n` nodes; true when the storage was (re)allocated (the
    /// caller's per-node payload must then be too).
    fn clear(&mut self, n: usize) -> bool {
        let fresh = self.stamp.len() != n;
        if fresh {
            self.stamp = vec![0; n];
            self.epoch = 0;
        }
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        fresh
    }

    #[inline]
    fn set(&mut self, v: usize) {
        self.stamp[v] = self.epoch;
    }

    #[inline]
    fn has(&self, v: usize) -> bool {
        self.stamp[v] == self.epoch
    }
}

/// An augmenting path as a search recorded it, walked from `from` to `to` through
/// `pred` (or, with `tree`, the tree links `through_hub` kept): a forward search's
/// predecessors (the arc `u → v` for `links[v] = (u, k)`) or a backward one's
/// successors (the arc `u → v` for `links[u] = (v, k)`).
#[derive(Clone, Copy)]
struct Path {
    from: u32,
    to: u32,
    tree: bool,
    forward: bool,
}

/// How a [`Solver::search`] ended.
enum Reach<C> {
    /// The target, at this distance.
    Target(C),
    /// A forward search towards a group: the hub, final at this distance, with neither
    /// a free `O → g` at zero cost nor a zero-cost path on from it to the group
    /// (finished by `Solver::through_hub`).
    Hub(C),
    /// Nothing below the bound.
    Bound,
}

impl<C: Cost> std::fmt::Debug for Solver<'_, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Solver")
            .field("rows", &self.nr)
            .field("cols", &self.nc)
            .field("groups", &self.ng)
            .finish_non_exhaustive()
    }
}

/// Resets every column's `live` index to its start (empty without the column index).
fn all_live(live: &mut [usize], t_start: &[usize]) {
    let n = live.len();
    live.copy_from_slice(&t_start[..n]);
}

#[inline]
fn ck<T>(v: Option<T>) -> Result<T, Fail> {
    v.ok_or(Fail::Overflow)
}

impl<'a, C: Cost> Solver<'a, C> {
    /// Sets up an empty flow with zero potentials. `None` when a tier bonus does not fit
    /// `C` (the caller then uses a wider type).
    pub(super) fn new(sh: &'a Shared<'a>, part: &'a Part) -> Option<Self> {
        let p = sh.problem;
        let (nr, nc, ng) = (part.rows.len(), part.cols.len(), part.groups.len());
        let hub = (nr + nc + ng) as u32;
        let mut bonus_c = Vec::with_capacity(sh.bonus.len());
        for &b in sh.bonus {
            if b > C::MAX_BONUS {
                return None;
            }
            bonus_c.push(C::from_i128(b)?);
        }
        let mut arc_base = Vec::with_capacity(nr + 1);
        let mut row_bonus = Vec::with_capacity(nr);
        let mut head = Vec::with_capacity(nr);
        let mut supply = Vec::with_capacity(nr);
        let mut ungrouped = Vec::new();
        let mut group_count = vec![0usize; ng + 1];
        let mut total = 0usize;
        for (r, &gr) in part.rows.iter().enumerate() {
            let gr = gr as usize;
            arc_base.push(total);
            total += p.arcs_of(gr).len();
            row_bonus.push(
                bonus_c
                    .get(p.row_tier(gr) as usize - 1)
                    .copied()
                    .unwrap_or(C::ZERO),
            );
            supply.push(p.row_supply(gr));
            match p.row_group(gr) {
                Some(g) => {
                    let lg = sh.group_local[g] as usize;
                    head.push((nr + nc + lg) as u32);
                    group_count[lg + 1] += 1;
                }
                None => {
                    head.push(hub);
                    ungrouped.push(r as u32);
                }
            }
        }
        arc_base.push(total);
        for g in 0..ng {
            group_count[g + 1] += group_count[g];
        }
        let group_start = group_count.clone();
        let mut fill = group_count;
        let mut group_rows = vec![0u32; group_start[ng]];
        for (r, &h) in head.iter().enumerate() {
            if h != hub {
                let g = h as usize - nr - nc;
                group_rows[fill[g]] = r as u32;
                fill[g] += 1;
            }
        }
        let n_nodes = nr + nc + ng + 1;
        Some(Self {
            sh,
            part,
            nr,
            nc,
            ng,
            hub,
            arc_base,
            row_bonus,
            head,
            supply,
            col_cap: part
                .cols
                .iter()
                .map(|&j| p.col_capacity(j as usize))
                .collect(),
            group_cap: part
                .groups
                .iter()
                .map(|&g| p.group_capacity(g as usize))
                .collect(),
            flow: vec![0; total],
            row_flow: vec![0; nr],
            col_flow: vec![0; nc],
            group_flow: vec![0; ng],
            active: vec![false; nr],
            group_start,
            group_rows,
            ungrouped,
            assigned: vec![Vec::new(); nc],
            t_start: Vec::new(),
            t_list: Vec::new(),
            t_sorted: Vec::new(),
            live: Vec::new(),
            cursor: Vec::new(),
            t_extra: Vec::new(),
            keep_index: false,
            index_for_zero: false,
            track: false,
            dirty: Vec::new(),
            price_hub: C::ZERO,
            pi: vec![C::ZERO; n_nodes],
            dist: vec![C::ZERO; n_nodes],
            stamp: vec![0; n_nodes],
            epoch: 0,
            pred: vec![(NONE, NONE); n_nodes],
            heap: BinaryHeap::new(),
            settled: Vec::new(),
            target: NONE,
            cut: C::ZERO,
            ticks: 0,
            zero: ZeroPaths::default(),
        })
    }

    // ----- small accessors -------------------------------------------------------------

    #[inline]
    fn node(&self, v: u32) -> Node {
        let v = v as usize;
        if v < self.nr {
            Node::Row(v)
        } else if v < self.nr + self.nc {
            Node::Col(v - self.nr)
        } else if v < self.nr + self.nc + self.ng {
            Node::Group(v - self.nr - self.nc)
        } else {
            Node::Hub
        }
    }

    /// Global arc of local arc `k` of local row `r`.
    #[inline]
    fn global_arc(&self, r: usize, k: usize) -> usize {
        self.sh.problem.row_start()[self.part.rows[r] as usize] + (k - self.arc_base[r])
    }

    /// Compound weight of local arc `k` of local row `r` (fits `C` by construction).
    #[inline]
    fn weight(&self, r: usize, k: usize) -> C {
        C::from_i64(self.sh.problem.arc_weight(self.global_arc(r, k))) + self.row_bonus[r]
    }

    #[inline]
    fn cap(&self, r: usize, k: usize) -> u32 {
        self.sh.problem.arc_cap(self.global_arc(r, k))
    }

    #[inline]
    fn col_of(&self, r: usize, k: usize) -> usize {
        let ga = self.global_arc(r, k);
        self.sh.col_local[self.sh.problem.arc_col(ga)] as usize
    }

    #[inline]
    fn col_node(&self, j: usize) -> u32 {
        (self.nr + j) as u32
    }

    /// Calls `f(r, &mut out[r])` for every row, by chunks of 4096 rows (checking for
    /// cancellation before each), on rayon's pool when the solve may use it and there
    /// are several chunks. Each call may read anything but writes its own slot only,
    /// so the result is the same either way.
    fn each_row_chunk<T: Send>(
        &self,
        out: &mut [T],
        f: impl Fn(usize, &mut T) -> Result<(), Fail> + Sync + Send,
    ) -> Result<(), Fail> {
        const CHUNK: usize = 4096;
        let chunk = |(c, slots): (usize, &mut [T])| -> Result<(), Fail> {
            self.check_cancel()?;
            (c * CHUNK..)
                .zip(slots)
                .try_for_each(|(r, slot)| f(r, slot))
        };
        if self.sh.parallel && out.len() > CHUNK {
            out.par_chunks_mut(CHUNK).enumerate().try_for_each(chunk)
        } else {
            out.chunks_mut(CHUNK).enumerate().try_for_each(chunk)
        }
    }

    fn check_cancel(&self) -> Result<(), Fail> {
        match self.sh.cancel {
            Some(c) if c.load(Ordering::Relaxed) => Err(Fail::Interrupted),
            _ => Ok(()),
        }
    }

    fn tick(&mut self) -> Result<(), Fail> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks % CANCEL_EVERY == 0 {
            if let Some(c) = self.sh.cancel {
                if c.load(Ordering::Relaxed) {
                    return Err(Fail::Interrupted);
                }
            }
        }
        Ok(())
    }

    // ----- flow bookkeeping ------------------------------------------------------------

    fn add_arc_flow(&mut self, r: usize, k: usize, j: usize, delta: u32) {
        if self.flow[k] == 0 {
            let c = self.weight(r, k);
            self.assigned[j].push((k as u32, r as u32, c));
        }
        self.flow[k] += delta;
    }

    /// Column `j` may have usable entries before `live[j]` again (no-op without the
    /// column index).
    #[inline]
    fn column_entries_live(&mut self, j: usize) {
        if let Some(at) = self.live.get_mut(j) {
            *at = self.t_start[j];
        }
    }

    /// Every column may have usable entries anywhere (flows or activity replaced).
    pub(super) fn all_entries_live(&mut self) {
        all_live(&mut self.live, &self.t_start);
    }

    /// Marks every row active (without adding flow); their entries are usable again.
    fn activate_all(&mut self) {
        self.active.fill(true);
        self.all_entries_live();
    }

    fn sub_arc_flow(&mut self, k: usize, j: usize, delta: u32) {
        self.flow[k] -= delta;
        self.column_entries_live(j);
        if self.flow[k] == 0 {
            let list = &mut self.assigned[j];
            if let Some(pos) = list.iter().position(|&(a, _, _)| a as usize == k) {
                list.remove(pos);
            }
        }
    }

    /// Residual capacity of the arc `u → v` (local arc `k` for row–column arcs).
    fn residual(&self, u: u32, v: u32, k: u32) -> u32 {
        match (self.node(u), self.node(v)) {
            (Node::Row(r), Node::Col(_)) => self.cap(r, k as usize) - self.flow[k as usize],
            (Node::Col(_), Node::Row(_)) => self.flow[k as usize],
            (Node::Col(j), Node::Hub) => self.col_cap[j] - self.col_flow[j],
            (Node::Hub, Node::Col(j)) => self.col_flow[j],
            (Node::Group(_) | Node::Hub, Node::Row(r)) => self.supply[r] - self.row_flow[r],
            (Node::Row(r), Node::Group(_) | Node::Hub) => self.row_flow[r],
            (Node::Hub, Node::Group(g)) => self.group_cap[g] - self.group_flow[g],
            (Node::Group(g), Node::Hub) => self.group_flow[g],
            _ => 0,
        }
    }

    /// Pushes `delta` units along the residual arc `u → v`.
    fn push(&mut self, u: u32, v: u32, k: u32, delta: u32) {
        match (self.node(u), self.node(v)) {
            (Node::Row(r), Node::Col(j)) => self.add_arc_flow(r, k as usize, j, delta),
            (Node::Col(j), Node::Row(_)) => self.sub_arc_flow(k as usize, j, delta),
            (Node::Col(j), Node::Hub) => self.col_flow[j] += delta,
            (Node::Hub, Node::Col(j)) => self.col_flow[j] -= delta,
            (Node::Group(_) | Node::Hub, Node::Row(r)) => self.row_flow[r] += delta,
            (Node::Row(r), Node::Group(_) | Node::Hub) => self.row_flow[r] -= delta,
            (Node::Hub, Node::Group(g)) => self.group_flow[g] += delta,
            (Node::Group(g), Node::Hub) => self.group_flow[g] -= delta,
            _ => {}
        }
    }

    /// The arc of `path` at node `at`, as (tail, head, local arc), and the next node.
    #[inline]
    fn path_step(&self, path: Path, at: u32) -> (u32, u32, u32, u32) {
        let links = if path.tree {
            &self.zero.tree_pred
        } else {
            &self.pred
        };
        let (next, k) = links[at as usize];
        if path.forward {
            (next, at, k, next)
        } else {
            (at, next, k, next)
        }
    }

    /// The least residual capacity along `path`, at most `room`.
    fn path_room(&self, path: Path, mut room: u32) -> u32 {
        let mut at = path.from;
        while at != path.to {
            let (u, v, k, next) = self.path_step(path, at);
            room = room.min(self.residual(u, v, k));
            at = next;
        }
        room
    }

    /// Pushes `delta` units along `path`.
    fn path_push(&mut self, path: Path, delta: u32) {
        let mut at = path.from;
        while at != path.to {
            let (u, v, k, next) = self.path_step(path, at);
            self.push(u, v, k, delta);
            at = next;
        }
    }

    // ----- Dijkstra machinery ----------------------------------------------------------

    fn begin_search(&mut self) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.stamp.fill(0);
            self.epoch = 1;
        }
        self.heap.clear();
        self.settled.clear();
    }

    /// Labels `v` at `nd` unless it already has a label at most `nd`; whether it did.
    #[inline]
    fn label(&mut self, v: u32, nd: C, link: u32, arc: u32) -> bool {
        let vi = v as usize;
        if self.stamp[vi] == self.epoch && self.dist[vi] <= nd {
            return false;
        }
        self.stamp[vi] = self.epoch;
        self.dist[vi] = nd;
        self.pred[vi] = (link, arc);
        if v == self.target {
            // Labels at or above the target's can no longer matter.
            self.cut = self.cut.min(nd);
        }
        self.heap.push(Reverse((nd, v)));
        true
    }

    /// Relaxes the residual arc `u → v` of reduced cost `rc` in a forward search, or
    /// the arc `v → u` in a backward one (`u` is the settled node at distance `d`).
    #[inline]
    fn relax(&mut self, v: u32, d: C, rc: C, bound: C, u: u32, arc: u32) -> Result<bool, Fail> {
        debug_assert!(rc >= C::ZERO, "negative reduced cost {rc:?}");
        let nd = ck(d.add_c(rc))?;
        Ok(nd < bound && nd < self.cut && self.label(v, nd, u, arc))
    }

    /// Runs Dijkstra from `src` to `target` over reduced costs, ignoring labels
    /// `>= bound`. Returns the distance of `target` if it is below `bound`; `settled`
    /// then holds every node of smaller distance (and `target`). A forward search
    /// towards a group stops instead when the hub's label is final and no zero-cost
    /// path leads on from it ([`Reach::Hub`]; see `through_hub`).
    fn search(&mut self, src: u32, target: u32, bound: C, forward: bool) -> Result<Reach<C>, Fail> {
        self.begin_search();
        self.target = target;
        self.cut = bound;

        self.label(src, C::ZERO, NONE, NONE);
        let hub = self.hub;
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d >= bound {
                break;
            }
            let vi = v as usize;
            if vi >= self.pi.len() {
                self.continue_col(vi - self.pi.len(), bound)?;
                continue;
            }
            if self.dist[vi] < d || self.stamp[vi] != self.epoch {
                continue;
            }
            // Mark settled: a label can no longer improve once popped.
            self.settled.push(v);
            if v == target {
                return Ok(Reach::Target(d));
            }
            self.tick()?;
            if forward {
                self.expand_forward(v, d, bound)?;
                // Once the hub is labelled at the current distance, its label is final;
                // in a search towards a group (a row's head, when not the hub), the
                // group is then reached at `d` when `O → g` is free (see `hub_reaches`)
                // or a zero-cost path leads from the hub to the full group (see
                // `hub_to_full_group`); otherwise `through_hub` finishes the search.
                // Deciding this when the hub is *labelled*, not popped, spares settling
                // the plateau of nodes at distance `d` that would be popped before it;
                // the hub itself is never expanded.
                let hi = hub as usize;
                if target != hub && self.stamp[hi] == self.epoch && self.dist[hi] <= d {
                    if self.hub_reaches(target) {
                        self.label(target, d, hub, NONE);
                        self.settled.push(target);
                        return Ok(Reach::Target(d));
                    }
                    if self.hub_to_full_group(target, d)? {
                        return Ok(Reach::Target(d));
                    }
                    return Ok(Reach::Hub(self.dist[hi]));
                }
            } else {
                self.expand_backward(v, d, bound, true)?;
            }
            // Reached at the current distance: nothing left in the heap is shorter, so
            // the label is final (this ends searches across plateaus of zero reduced
            // cost early).
            let t = target as usize;
            if self.stamp[t] == self.epoch && self.dist[t] <= d {
                self.settled.push(target);
                return Ok(Reach::Target(self.dist[t]));
            }
        }
        Ok(Reach::Bound)
    }

    /// Finishes a row search that stopped at the hub ([`Reach::Hub`] at distance `a`)
    /// towards the group node `g` (full, as a rule), without scanning the hub: a scan
    /// labels every column with flow and every group with room, and the search would
    /// then settle every node closer than the group, a whole region when the gap is a
    /// tier bonus. Instead:
    ///
    /// 1. the potentials of the nodes settled so far are lowered as after a search to
    ///    distance `a` (`min(d, a)` is a valid potential change); every node of the
    ///    search tree within `a`, the set `S` (the hub and the source row in it), is
    ///    then at distance zero from the row, through tight tree arcs;
    /// 2. a backward Dijkstra from `g`, which never expands the hub, runs until it
    ///    settles a node of `S` at distance `m`: every path from the row to `g` leaves
    ///    `S` for the last time somewhere, so `m` is the remaining shortest distance,
    ///    and the path is the tree's path to that node followed by the backward one
    ///    (disjoint: the backward search settles no other node of `S`);
    /// 3. the nodes it settled are raised as after a backward search to `m` (the
    ///    backward path becomes tight; `S` is untouched), and the cycle is augmented.
    ///
    /// Without a node of `S` below `bound` (what is left of the gap) the same update to
    /// `bound` closes the row's gap. Exact, like the search it replaces: both updates
    /// keep every residual reduced cost non-negative. Returns whether it augmented.
    fn through_hub(&mut self, r: usize, g: u32, a: C, gap: C) -> Result<bool, Fail> {
        let n = self.pi.len();
        if self.zero.tree.clear(n) {
            self.zero.tree_pred = vec![(NONE, NONE); n];
        }
        for idx in 0..self.settled.len() {
            let v = self.settled[idx] as usize;
            if self.dist[v] <= a {
                self.zero.tree.set(v);
                self.zero.tree_pred[v] = self.pred[v];
            }
        }
        // The hub's own tree path (its last column may be labelled, not settled).
        let mut v = self.hub;
        while v != NONE && !self.zero.tree.has(v as usize) {
            self.zero.tree.set(v as usize);
            self.zero.tree_pred[v as usize] = self.pred[v as usize];
            v = self.pred[v as usize].0;
        }
        self.update_potentials(a, true)?;
        if self.t_start.is_empty() {
            self.build_transpose()?;
            self.index_for_zero = true;
        }
        let bound = ck(gap.sub_c(a))?;
        let Some((m, meet)) = self.search_to_tree(g, bound)? else {
            self.update_potentials(bound, false)?;
            return Ok(false);
        };
        let tree = Path {
            from: meet,
            to: r as u32,
            tree: true,
            forward: true,
        };
        let back = Path {
            from: meet,
            to: g,
            tree: false,
            forward: false,
        };
        let delta = self.path_room(
            back,
            self.path_room(tree, self.supply[r] - self.row_flow[r]),
        );
        debug_assert!(delta > 0);
        self.path_push(tree, delta);
        self.path_push(back, delta);
        self.row_flow[r] += delta;
        self.update_potentials(m, false)?;
        Ok(true)
    }

    /// Backward Dijkstra from group node `g` over the residual arcs into each node,
    /// until it pops a node of the tree marked by `through_hub`; returns its distance
    /// and the node (`pred` leads from it to `g`). Labels `>= bound` are dropped; the
    /// hub is in the tree, so it is never expanded. Columns are scanned whole (the lazy
    /// scan of `continue_col` assumes every active row at or above `π(O)`, which the
    /// tree's rows, just lowered, need not be).
    fn search_to_tree(&mut self, g: u32, bound: C) -> Result<Option<(C, u32)>, Fail> {
        self.begin_search();
        self.target = self.hub;
        self.cut = bound;
        self.label(g, C::ZERO, NONE, NONE);
        while let Some(Reverse((d, v))) = self.heap.pop() {
            if d >= bound {
                break;
            }
            let vi = v as usize;
            if self.dist[vi] < d || self.stamp[vi] != self.epoch {
                continue;
            }
            if self.zero.tree.has(vi) {
                return Ok(Some((d, v)));
            }
            self.settled.push(v);
            self.tick()?;
            self.expand_backward(v, d, bound, false)?;
        }
        Ok(None)
    }

    /// Relaxes the arc from row `r` (local arc `k`, compound weight `c`) into column
    /// node `v`, settled at `d`, in a backward search.
    #[inline]
    fn relax_into_col(&mut self, v: u32, d: C, bound: C, c: C, k: u32, r: u32) -> Result<(), Fail> {
        let (ku, ru) = (k as usize, r as usize);
        if !self.active[ru] || self.flow[ku] >= self.cap(ru, ku) {
            return Ok(());
        }
        let rc = ck(ck(self.pi[ru].sub_c(c))?.sub_c(self.pi[v as usize]))?;
        self.relax(r, d, rc, bound, v, k)?;
        Ok(())
    }

    /// Whether the arc `O → g` into group node `target` is residual with reduced cost
    /// zero, after raising `π(g)` to `π(O)` when the group carries no flow (always
    /// valid then: it only raises the reduced costs of the group's arcs to its rows,
    /// and no arc into `g` but `O → g` exists). This spares a row search whose group
    /// has room from scanning every residual arc of the hub.
    fn hub_reaches(&mut self, target: u32) -> bool {
        let Node::Group(g) = self.node(target) else {
            return false;
        };
        if self.group_flow[g] >= self.group_cap[g] {
            return false;
        }
        let (t, h) = (target as usize, self.hub as usize);
        if self.group_flow[g] == 0 && self.pi[t] < self.pi[h] {
            self.pi[t] = self.pi[h];
            self.mark(t);
        }
        self.pi[t] == self.pi[h]
    }

    /// On settling the hub at distance `d` in a forward search towards a *full* group
    /// `target`: looks for a path from the hub to the group whose every arc has reduced
    /// cost zero, breadth-first and backwards from the group (see `zero_path_to_group`).
    /// When there is one, the group is reached at `d` itself, which is final (every
    /// label left is at least `d`), and the search ends without the hub's scan, which
    /// is `O(n)` and, worse, settles the whole plateau of nodes at distance `d` behind
    /// it (every free row, every column with room). The path is written into `pred`,
    /// spliced onto the search tree where the two meet.
    fn hub_to_full_group(&mut self, target: u32, d: C) -> Result<bool, Fail> {
        let Node::Group(g) = self.node(target) else {
            return Ok(false);
        };
        if self.group_flow[g] < self.group_cap[g] {
            return Ok(false);
        }
        if self.t_start.is_empty() {
            self.build_transpose()?;
            self.index_for_zero = true;
        }
        let Some(path) = self.zero_path_to_group(target)? else {
            return Ok(false);
        };
        // `path` runs from the hub to the group. Splice it after its last node that is
        // on the search tree's path from the source to the hub (the hub itself at
        // worst), so the augmenting path stays simple.
        let mut on_tree = Vec::new();
        let mut v = self.hub;
        while v != NONE {
            on_tree.push(v);
            v = self.pred[v as usize].0;
        }
        let cut = path
            .iter()
            .rposition(|&(u, _)| on_tree.contains(&u))
            .unwrap_or(0);
        for w in cut..path.len() {
            let (u, _) = path[w];
            let (next, k) = if w + 1 < path.len() {
                (path[w + 1].0, path[w].1)
            } else {
                (target, path[w].1)
            };
            let ni = next as usize;
            self.stamp[ni] = self.epoch;
            self.dist[ni] = d;
            self.pred[ni] = (u, k);
        }
        self.settled.push(target);
        Ok(true)
    }

    /// Breadth-first search, backwards from the full group node `target`, over residual
    /// arcs of zero reduced cost, for the hub. Returns the path as `(node, arc to the
    /// next node)` from the hub to the group's last row, or `None`. Arcs into a column
    /// from rows come from the column index, scanned while the weight can still give a
    /// zero reduced cost.
    fn zero_path_to_group(&mut self, target: u32) -> Result<Option<Vec<(u32, u32)>>, Fail> {
        let n = self.pi.len();
        let z = &mut self.zero;
        if z.seen.clear(n) {
            z.next = vec![(NONE, NONE); n];
        }
        z.queue.clear();
        z.queue.push(target);
        z.seen.set(target as usize);
        z.next[target as usize] = (NONE, NONE);
        let hub = self.hub;
        let ph = self.pi[hub as usize];
        let mut head = 0;
        let mut found = false;
        while head < self.zero.queue.len() && !found {
            let x = self.zero.queue[head];
            head += 1;
            if head % 1024 == 0 {
                self.check_cancel()?;
            }
            let px = self.pi[x as usize];
            // Visits `u` (an arc u → x of zero reduced cost, local arc `k`).
            macro_rules! visit {
                ($u:expr, $k:expr) => {{
                    let u: u32 = $u;
                    let ui = u as usize;
                    if !self.zero.seen.has(ui) {
                        self.zero.seen.set(ui);
                        self.zero.next[ui] = (x, $k);
                        if u == hub {
                            found = true;
                        } else {
                            self.zero.queue.push(u);
                        }
                    }
                }};
            }
            match self.node(x) {
                Node::Group(g) => {
                    if self.group_flow[g] < self.group_cap[g] && ph == px {
                        visit!(hub, NONE);
                    }
                    for idx in self.group_start[g]..self.group_start[g + 1] {
                        let r = self.group_rows[idx] as usize;
                        if self.row_flow[r] > 0 && self.pi[r] == px {
                            visit!(r as u32, NONE);
                        }
                    }
                }
                Node::Row(r) => {
                    let h = self.head[r];
                    if self.row_flow[r] < self.supply[r] && self.pi[h as usize] == px {
                        visit!(h, NONE);
                    }
                    for k in self.arc_base[r]..self.arc_base[r + 1] {
                        if self.flow[k] == 0 {
                            continue;
                        }
                        let j = self.col_of(r, k);
                        let w = self.col_node(j);
                        let rc = ck(ck(self.weight(r, k).add_c(self.pi[w as usize]))?.sub_c(px))?;
                        if rc == C::ZERO {
                            visit!(w, k as u32);
                        }
                    }
                }
                Node::Col(j) => {
                    if self.col_flow[j] > 0 && ph == px {
                        visit!(hub, NONE);
                    }
                    // Every entry is checked: a free row may sit below π(O) here (in a
                    // group that lost all its flow), so no weight bound ends the scan.
                    for idx in self.t_start[j]..self.t_start[j + 1] {
                        let (c, k, r) = self.t_list[idx];
                        let (k, r) = (k as usize, r as usize);
                        if !self.active[r] || self.flow[k] >= self.cap(r, k) {
                            continue;
                        }
                        if ck(ck(self.pi[r].sub_c(c))?.sub_c(px))? == C::ZERO {
                            visit!(r as u32, k as u32);
                        }
                    }
                    let extra = self.t_extra.get(j).map_or(0, Vec::len);
                    for e in 0..extra {
                        let (c, k, r) = self.t_extra[j][e];
                        let (k, r) = (k as usize, r as usize);
                        if !self.active[r] || self.flow[k] >= self.cap(r, k) {
                            continue;
                        }
                        if ck(ck(self.pi[r].sub_c(c))?.sub_c(px))? == C::ZERO {
                            visit!(r as u32, k as u32);
                        }
                    }
                }
                Node::Hub => {}
            }
        }
        if !found {
            return Ok(None);
        }
        let mut path = Vec::new();
        let mut v = hub;
        while v != target {
            let (next, k) = self.zero.next[v as usize];
            path.push((v, k));
            v = next;
        }
        Ok(Some(path))
    }

    fn expand_forward(&mut self, v: u32, d: C, bound: C) -> Result<(), Fail> {
        let p = self.sh.problem;
        let pv = self.pi[v as usize];
        match self.node(v) {
            Node::Row(r) => {
                let gr = self.part.rows[r] as usize;
                let base = self.arc_base[r];
                let rb = self.row_bonus[r];
                let has_caps = p.has_arc_caps();
                for (off, ga) in p.arcs_of(gr).enumerate() {
                    let k = base + off;
                    let cap = if has_caps { p.arc_cap(ga) } else { 1 };
                    if self.flow[k] >= cap {
                        continue;
                    }
                    let j = self.sh.col_local[p.arc_col(ga)] as usize;
                    let w = self.col_node(j);
                    let c = C::from_i64(p.arc_weight(ga)) + rb;
                    let pw = self.pi[w as usize];
                    let rc = ck(ck(pv.sub_c(c))?.sub_c(pw))?;
                    if self.relax(w, d, rc, bound, v, k as u32)?
                        && self.col_flow[j] < self.col_cap[j]
                    {
                        // A column with room leads to the hub: label the hub now, through
                        // this tentative path, so that its label bounds the search early
                        // (when the hub is the target) instead of once the column settles.
                        let rh = ck(pw.sub_c(self.pi[self.hub as usize]))?;
                        let dw = self.dist[w as usize];
                        self.relax(self.hub, dw, rh, bound, w, NONE)?;
                    }
                }
                if self.row_flow[r] > 0 {
                    let h = self.head[r];
                    let rc = ck(pv.sub_c(self.pi[h as usize]))?;
                    self.relax(h, d, rc, bound, v, NONE)?;
                }
            }
            Node::Col(j) => {
                for idx in 0..self.assigned[j].len() {
                    let (k, r, c) = self.assigned[j][idx];
                    let rc = ck(ck(c.add_c(pv))?.sub_c(self.pi[r as usize]))?;
                    self.relax(r, d, rc, bound, v, k)?;
                }
                if self.col_flow[j] < self.col_cap[j] {
                    let rc = ck(pv.sub_c(self.pi[self.hub as usize]))?;
                    self.relax(self.hub, d, rc, bound, v, NONE)?;
                }
            }
            Node::Group(g) => {
                for idx in self.group_start[g]..self.group_start[g + 1] {
                    let r = self.group_rows[idx] as usize;
                    if self.active[r] && self.row_flow[r] < self.supply[r] {
                        let rc = ck(pv.sub_c(self.pi[r]))?;
                        self.relax(r as u32, d, rc, bound, v, NONE)?;
                    }
                }
                if self.group_flow[g] > 0 {
                    let rc = ck(pv.sub_c(self.pi[self.hub as usize]))?;
                    self.relax(self.hub, d, rc, bound, v, NONE)?;
                }
            }
            // Never expanded: a forward search ends when the hub's label is final (its
            // target is the hub, or a group finished by `through_hub`).
            Node::Hub => {}
        }
        Ok(())
    }

    /// Relaxes the residual arcs *into* `v` (backward search). A column's arcs from
    /// rows are scanned `lazy`ily (heaviest first, see `continue_col`: valid while every
    /// active row sits at or above `π(O)`) or whole.
    fn expand_backward(&mut self, v: u32, d: C, bound: C, lazy: bool) -> Result<(), Fail> {
        let p = self.sh.problem;
        let pv = self.pi[v as usize];
        match self.node(v) {
            Node::Row(r) => {
                if self.row_flow[r] < self.supply[r] {
                    let h = self.head[r];
                    let rc = ck(self.pi[h as usize].sub_c(pv))?;
                    self.relax(h, d, rc, bound, v, NONE)?;
                }
                let gr = self.part.rows[r] as usize;
                let base = self.arc_base[r];
                let rb = self.row_bonus[r];
                for (off, ga) in p.arcs_of(gr).enumerate() {
                    let k = base + off;
                    if self.flow[k] == 0 {
                        continue;
                    }
                    let w = self.col_node(self.sh.col_local[p.arc_col(ga)] as usize);
                    let c = C::from_i64(p.arc_weight(ga)) + rb;
                    let rc = ck(ck(c.add_c(self.pi[w as usize]))?.sub_c(pv))?;
                    self.relax(w, d, rc, bound, v, k as u32)?;
                }
            }
            Node::Col(j) => {
                if self.col_flow[j] > 0 {
                    let rc = ck(self.pi[self.hub as usize].sub_c(pv))?;
                    self.relax(self.hub, d, rc, bound, v, NONE)?;
                }
                if lazy {
                    self.cursor[j] = self.live[j];
                    self.continue_col(j, bound)?;
                } else {
                    for idx in self.t_start[j]..self.t_start[j + 1] {
                        let (c, k, r) = self.t_list[idx];
                        self.relax_into_col(v, d, bound, c, k, r)?;
                    }
                }
                for e in 0..self.t_extra.get(j).map_or(0, Vec::len) {
                    let (c, k, r) = self.t_extra[j][e];
                    self.relax_into_col(v, d, bound, c, k, r)?;
                }
            }
            Node::Group(g) => {
                if self.group_flow[g] < self.group_cap[g] {
                    let rc = ck(self.pi[self.hub as usize].sub_c(pv))?;
                    self.relax(self.hub, d, rc, bound, v, NONE)?;
                }
                for idx in self.group_start[g]..self.group_start[g + 1] {
                    let r = self.group_rows[idx] as usize;
                    if self.row_flow[r] > 0 {
                        let rc = ck(self.pi[r].sub_c(pv))?;
                        self.relax(r as u32, d, rc, bound, v, NONE)?;
                    }
                }
            }
            // The hub is always the target of a backward search.
            Node::Hub => {}
        }
        Ok(())
    }

    /// Makes sure entry `idx` of column `j` is in the column's sorted prefix, sorting
    /// the next chunk (a selection, then a sort of the chunk only) when it is not.
    #[inline]
    fn ensure_sorted(&mut self, j: usize, idx: usize) {
        if idx < self.t_sorted[j] {
            return;
        }
        let end = self.t_start[j + 1];
        let rest = &mut self.t_list[idx..end];
        let order = |a: &(C, u32, u32), b: &(C, u32, u32)| b.0.cmp(&a.0).then(a.1.cmp(&b.1));
        // The sorted prefix at least doubles each time: a scan that passes many entries
        // it cannot use (arcs already full, rows taken out) costs O(len log len) in all,
        // not a selection over the whole rest per chunk of SORT_CHUNK.
        let chunk = SORT_CHUNK.max(idx - self.t_start[j]).min(rest.len());
        if chunk < rest.len() {
            rest.select_nth_unstable_by(chunk - 1, order);
        }
        rest[..chunk].sort_unstable_by(order);
        self.t_sorted[j] = idx + chunk;
    }

    /// Relaxes the arcs into column `j` from its cursor on, heaviest first. Every active
    /// row's potential is at least `π(O)` whenever backward searches run, so the label
    /// an entry can give is at least `d(j) + π(O) − c − π(j)`, which grows along the
    /// list: the scan stops as soon as that bound reaches the heap's minimum and leaves
    /// a continuation entry keyed by it.
    fn continue_col(&mut self, j: usize, bound: C) -> Result<(), Fail> {
        let v = self.col_node(j);
        let d = self.dist[v as usize];
        let pv = self.pi[v as usize];
        let floor = ck(d.add_c(self.pi[self.hub as usize]))?;
        let end = self.t_start[j + 1];
        let mut idx = self.cursor[j];
        while idx < end {
            self.ensure_sorted(j, idx);
            let (c, k, r) = self.t_list[idx];
            let lb = ck(ck(floor.sub_c(c))?.sub_c(pv))?;
            if lb >= bound {
                idx = end;
                break;
            }
            if let Some(Reverse((top, _))) = self.heap.peek() {
                if *top < lb {
                    self.heap.push(Reverse((lb, (self.pi.len() + j) as u32)));
                    break;
                }
            }
            idx += 1;
            let (k, r) = (k as usize, r as usize);
            if !self.active[r] || self.flow[k] >= self.cap(r, k) {
                if self.live[j] == idx - 1 {
                    self.live[j] = idx;
                }
                continue;
            }
            debug_assert!(self.pi[r] >= self.pi[self.hub as usize]);
            let rc = ck(ck(self.pi[r].sub_c(c))?.sub_c(pv))?;
            self.relax(r as u32, d, rc, bound, v, k as u32)?;
        }
        self.cursor[j] = idx;
        Ok(())
    }

    /// Lowers (forward) or raises (backward) the potential of every settled node by
    /// `x − dist`, keeping every residual reduced cost non-negative.
    fn update_potentials(&mut self, x: C, forward: bool) -> Result<(), Fail> {
        for idx in 0..self.settled.len() {
            let v = self.settled[idx] as usize;
            let delta = ck(x.sub_c(self.dist[v]))?;
            if delta > C::ZERO {
                self.pi[v] = if forward {
                    ck(self.pi[v].sub_c(delta))?
                } else {
                    ck(self.pi[v].add_c(delta))?
                };
                self.mark(v);
            }
        }
        Ok(())
    }

    // ----- rows ------------------------------------------------------------------------

    /// Adds local row `r` to the network and augments from it while that pays.
    fn activate_row(&mut self, r: usize) -> Result<(), Fail> {
        let p = self.sh.problem;
        self.active[r] = true;
        let h = self.head[r] as usize;
        let mut top = self.pi[h];
        let gr = self.part.rows[r] as usize;
        let rb = self.row_bonus[r];
        for ga in p.arcs_of(gr) {
            let j = self.sh.col_local[p.arc_col(ga)] as usize;
            // The row's entries in the column index are usable again.
            self.column_entries_live(j);
            let c = C::from_i64(p.arc_weight(ga)) + rb;
            let cand = ck(self.pi[self.nr + j].add_c(c))?;
            if cand > top {
                top = cand;
            }
        }
        self.pi[r] = top;
        self.mark(r);
        self.fill_row(r)
    }

    /// Raises the potential of a full group `g` to the lowest potential of its rows
    /// carrying flow. Always valid: the only residual arcs into a full group come from
    /// those rows, and arcs out of it only gain. A row added to the group then has a gap
    /// of what it offers beyond the group's weakest member, not its whole value: without
    /// the lift, a lower-tier row of a full group searches the whole region within its
    /// tier bonus, through the hub, to learn that displacing a sibling does not pay.
    fn lift_group(&mut self, g: usize) {
        if self.group_flow[g] < self.group_cap[g] {
            return;
        }
        let mut low: Option<C> = None;
        for idx in self.group_start[g]..self.group_start[g + 1] {
            let r = self.group_rows[idx] as usize;
            if self.row_flow[r] > 0 {
                let p = self.pi[r];
                low = Some(low.map_or(p, |l: C| l.min(p)));
            }
        }
        let v = self.nr + self.nc + g;
        if let Some(low) = low {
            if low > self.pi[v] {
                self.pi[v] = low;
                self.mark(v);
            }
        }
    }

    /// Augments from active row `r` until it is full or its gap is closed.
    fn fill_row(&mut self, r: usize) -> Result<(), Fail> {
        let h = self.head[r];
        while self.row_flow[r] < self.supply[r] {
            if h != self.hub {
                self.lift_group(h as usize - self.nr - self.nc);
            }
            let gap = ck(self.pi[r].sub_c(self.pi[h as usize]))?;
            if gap <= C::ZERO {
                break;
            }
            let res = self.search(r as u32, h, gap, true)?;
            match res {
                Reach::Hub(a) => {
                    if !self.through_hub(r, h, a, gap)? {
                        break;
                    }
                }
                Reach::Target(dd) => {
                    let path = Path {
                        from: h,
                        to: r as u32,
                        tree: false,
                        forward: true,
                    };
                    let delta = self.path_room(path, self.supply[r] - self.row_flow[r]);
                    debug_assert!(delta > 0);
                    self.path_push(path, delta);
                    self.row_flow[r] += delta;
                    self.update_potentials(dd, true)?;
                }
                Reach::Bound => {
                    self.update_potentials(gap, true)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// Cold solve: adds every row in order.
    pub(super) fn run_cold(&mut self) -> Result<(), Fail> {
        for r in 0..self.nr {
            self.tick()?;
            self.activate_row(r)?;
        }
        self.drop_zero_index();
        Ok(())
    }

    /// Cold solve driven from the columns: every row starts in the network without
    /// flow, and columns are added one at a time, each filled by backward searches.
    /// Preferred when the columns are the scarce side: free rows then abound and end
    /// the searches early, and no search ever has to scan the hub.
    pub(super) fn run_cold_by_cols(&mut self) -> Result<(), Fail> {
        self.activate_all();
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            self.pi[r] = self.pi[self.head[r] as usize];
        }
        self.build_transpose()?;
        let hub = self.pi[self.hub as usize];
        for j in 0..self.nc {
            self.tick()?;
            // Every row's potential is at least π(O) here, so `π(O) − c_max` keeps
            // every arc into `j` non-negative (see `continue_col`).
            let lo = self.t_start[j];
            let low = if lo < self.t_start[j + 1] {
                self.ensure_sorted(j, lo);
                ck(hub.sub_c(self.t_list[lo].0))?.min(hub)
            } else {
                hub
            };
            self.pi[self.nr + j] = low;
            self.fill_col(j)?;
        }
        self.drop_transpose();
        Ok(())
    }

    // ----- warm start ------------------------------------------------------------------

    /// Removes every unit of flow of local row `r` and takes it out of the network.
    fn deactivate_row(&mut self, r: usize) {
        self.active[r] = false;
        if self.row_flow[r] == 0 {
            return;
        }
        for k in self.arc_base[r]..self.arc_base[r + 1] {
            let f = self.flow[k];
            if f > 0 {
                let j = self.col_of(r, k);
                self.sub_arc_flow(k, j, f);
                self.col_flow[j] -= f;
            }
        }
        let h = self.head[r];
        if h != self.hub {
            self.group_flow[h as usize - self.nr - self.nc] -= self.row_flow[r];
        }
        self.row_flow[r] = 0;
    }

    /// Whether active row `r` satisfies every reduced-cost condition.
    fn row_consistent(&self, r: usize) -> Result<bool, Fail> {
        let p = self.sh.problem;
        let pr = self.pi[r];
        let ph = self.pi[self.head[r] as usize];
        if self.row_flow[r] < self.supply[r] && pr > ph {
            return Ok(false);
        }
        if self.row_flow[r] > 0 && pr < ph {
            return Ok(false);
        }
        let gr = self.part.rows[r] as usize;
        for (off, ga) in p.arcs_of(gr).enumerate() {
            let k = self.arc_base[r] + off;
            let j = self.sh.col_local[p.arc_col(ga)] as usize;
            let c = C::from_i64(p.arc_weight(ga)) + self.row_bonus[r];
            // rc of the forward arc: π(r) − c − π(j).
            let rc = ck(ck(pr.sub_c(c))?.sub_c(self.pi[self.nr + j]))?;
            if self.flow[k] < p.arc_cap(ga) && rc < C::ZERO {
                return Ok(false);
            }
            if self.flow[k] > 0 && rc > C::ZERO {
                return Ok(false);
            }
        }
        Ok(true)
    }

    fn build_transpose(&mut self) -> Result<(), Fail> {
        let p = self.sh.problem;
        let (cols, weights) = (p.arc_cols(), p.arc_weights());
        let col_local = self.sh.col_local;
        let mut start = vec![0usize; self.nc + 1];
        for (r, &gr) in self.part.rows.iter().enumerate() {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            for &c in &cols[p.arcs_of(gr as usize)] {
                start[col_local[c as usize] as usize + 1] += 1;
            }
        }
        for j in 0..self.nc {
            start[j + 1] += start[j];
        }
        let mut list = vec![(C::ZERO, 0u32, 0u32); start[self.nc]];
        // The scatter is split by column ranges of about equal size, one per thread;
        // every thread reads all arcs and writes only its range, so the index is the
        // same for any number of threads.
        let threads = if self.sh.parallel && list.len() >= 1 << 20 {
            rayon::current_num_threads().clamp(1, 8)
        } else {
            1
        };
        let mut bounds = vec![0usize];
        for t in 1..threads {
            let goal = list.len() / threads * t;
            let j = start.partition_point(|&x| x < goal).min(self.nc);
            bounds.push(j.max(*bounds.last().unwrap_or(&0)));
        }
        bounds.push(self.nc);
        let mut slices = Vec::with_capacity(threads);
        let mut rest: &mut [(C, u32, u32)] = &mut list;
        for t in 0..threads {
            let len = start[bounds[t + 1]] - start[bounds[t]];
            let (head, tail) = rest.split_at_mut(len);
            slices.push((bounds[t], bounds[t + 1], head));
            rest = tail;
        }
        let (rows, arc_base, row_bonus) = (&self.part.rows, &self.arc_base, &self.row_bonus);
        let cancel = self.sh.cancel;
        let start_ref = &start;
        let fill_range = |(lo, hi, out): (usize, usize, &mut [(C, u32, u32)])| {
            let base = start_ref[lo];
            let mut fill: Vec<usize> = start_ref[lo..hi].iter().map(|&x| x - base).collect();
            for (r, &gr) in rows.iter().enumerate() {
                if r % 4096 == 0 && cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                    return Err(Fail::Interrupted);
                }
                let range = p.arcs_of(gr as usize);
                let rb = row_bonus[r];
                let arcs = cols[range.clone()].iter().zip(&weights[range]);
                for (k, (&c, &w)) in (arc_base[r] as u32..).zip(arcs) {
                    let j = col_local[c as usize] as usize;
                    if (lo..hi).contains(&j) {
                        let at = &mut fill[j - lo];
                        out[*at] = (C::from_i64(w) + rb, k, r as u32);
                        *at += 1;
                    }
                }
            }
            Ok(())
        };
        if threads == 1 {
            slices.into_iter().try_for_each(fill_range)?;
        } else {
            slices.into_par_iter().try_for_each(fill_range)?;
        }
        self.t_sorted = start[..self.nc].to_vec();
        self.live = start[..self.nc].to_vec();
        self.t_extra = Vec::new();
        self.t_start = start;
        self.t_list = list;
        self.cursor = vec![0; self.nc];
        Ok(())
    }

    /// Drops the column index if only `zero_path_to_group` needed it.
    pub(super) fn drop_zero_index(&mut self) {
        if self.index_for_zero {
            self.index_for_zero = false;
            self.drop_transpose();
        }
    }

    fn drop_transpose(&mut self) {
        if self.keep_index {
            return;
        }
        self.t_start = Vec::new();
        self.t_list = Vec::new();
        self.t_sorted = Vec::new();
        self.live = Vec::new();
        self.cursor = Vec::new();
        self.t_extra = Vec::new();
    }

    /// Augments into column `j` (free capacity, positive price) until it is full or its
    /// price has fallen to zero.
    fn fill_col(&mut self, j: usize) -> Result<(), Fail> {
        let src = self.col_node(j);
        let hub = self.hub;
        while self.col_flow[j] < self.col_cap[j] {
            let gap = ck(self.pi[hub as usize].sub_c(self.pi[src as usize]))?;
            if gap <= C::ZERO {
                break;
            }
            match self.search(src, hub, gap, false)? {
                Reach::Target(dd) => {
                    let path = Path {
                        from: hub,
                        to: src,
                        tree: false,
                        forward: false,
                    };
                    let delta = self.path_room(path, self.col_cap[j] - self.col_flow[j]);
                    debug_assert!(delta > 0);
                    self.path_push(path, delta);
                    self.col_flow[j] += delta;
                    self.update_potentials(dd, false)?;
                }
                // Backward searches never stop at the hub short of their target.
                Reach::Hub(_) | Reach::Bound => {
                    self.update_potentials(gap, false)?;
                    break;
                }
            }
        }
        Ok(())
    }

    /// Warm solve: installs `warm`, repairs it into an optimal state of the rows that
    /// stay consistent, then adds the others in order.
    pub(super) fn run_warm(&mut self, warm: LocalWarm) -> Result<(), Fail> {
        let hub = self.hub as usize;
        // Potentials from prices: π(O) = 0, π(g) = t_g, π(i) = π(head) + y_i, π(j) = −z_j.
        for g in 0..self.ng {
            let t = warm.group_price.get(g).copied().unwrap_or(0);
            self.pi[self.nr + self.nc + g] = ck(C::from_i128(t))?;
        }
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            let y = ck(C::from_i128(warm.row_price.get(r).copied().unwrap_or(0)))?;
            self.pi[r] = ck(self.pi[self.head[r] as usize].add_c(y))?;
        }
        for j in 0..self.nc {
            let z = warm.col_price.get(j).copied().unwrap_or(0);
            self.pi[self.nr + j] = ck(C::from_i128(-z))?;
        }
        // Flow, clipped to row supplies (dropping the last arcs first).
        self.flow = warm.flow;
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            let mut excess: u64 = 0;
            let mut total: u64 = 0;
            for k in self.arc_base[r]..self.arc_base[r + 1] {
                total += u64::from(self.flow[k]);
            }
            if total > u64::from(self.supply[r]) {
                excess = total - u64::from(self.supply[r]);
            }
            for k in (self.arc_base[r]..self.arc_base[r + 1]).rev() {
                if excess == 0 {
                    break;
                }
                let cut = u64::from(self.flow[k]).min(excess);
                self.flow[k] -= cut as u32;
                excess -= cut;
            }
            self.row_flow[r] = (total.min(u64::from(self.supply[r]))) as u32;
        }
        // Group capacities: drop whole units from the last rows first.
        for g in 0..self.ng {
            let mut total: u64 = 0;
            for idx in self.group_start[g]..self.group_start[g + 1] {
                total += u64::from(self.row_flow[self.group_rows[idx] as usize]);
            }
            let mut excess = total.saturating_sub(u64::from(self.group_cap[g]));
            for idx in (self.group_start[g]..self.group_start[g + 1]).rev() {
                if excess == 0 {
                    break;
                }
                let r = self.group_rows[idx] as usize;
                for k in (self.arc_base[r]..self.arc_base[r + 1]).rev() {
                    if excess == 0 {
                        break;
                    }
                    let cut = u64::from(self.flow[k]).min(excess);
                    self.flow[k] -= cut as u32;
                    self.row_flow[r] -= cut as u32;
                    excess -= cut;
                }
            }
            self.group_flow[g] = total.min(u64::from(self.group_cap[g])) as u32;
        }
        // Column lists, then column capacities (dropping the latest arcs first).
        let mut col_total = vec![0u64; self.nc];
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            for k in self.arc_base[r]..self.arc_base[r + 1] {
                if self.flow[k] > 0 {
                    let j = self.col_of(r, k);
                    let c = self.weight(r, k);
                    self.assigned[j].push((k as u32, r as u32, c));
                    col_total[j] += u64::from(self.flow[k]);
                }
            }
        }
        for (j, total) in col_total.iter_mut().enumerate() {
            while *total > u64::from(self.col_cap[j]) {
                let Some(&(k, r, _)) = self.assigned[j].last() else {
                    break;
                };
                let over = *total - u64::from(self.col_cap[j]);
                let cut = u64::from(self.flow[k as usize]).min(over) as u32;
                self.sub_arc_flow(k as usize, j, cut);
                *total -= u64::from(cut);
                self.row_flow[r as usize] -= cut;
                let h = self.head[r as usize];
                if h as usize != hub {
                    self.group_flow[h as usize - self.nr - self.nc] -= cut;
                }
            }
            self.col_flow[j] = *total as u32;
        }
        // Rows carrying flow take the price their arcs imply at the installed column
        // prices, `π(i) = max(π(head), max_a c_a + π(j))`, instead of the previous one:
        // a change that moves all of a row's weights alike (its waiting time, a new
        // tier bonus) then keeps its arcs tight, and the row stays.
        // Each row reads only column and group potentials: rows are written in place,
        // by chunks (on the pool when the solve may use it).
        let mut pi = std::mem::take(&mut self.pi);
        let (row_pi, node_pi) = pi.split_at_mut(self.nr);
        let implied = self.each_row_chunk(row_pi, |r, p| {
            if self.row_flow[r] > 0 {
                let mut top = node_pi[self.head[r] as usize - self.nr];
                for k in self.arc_base[r]..self.arc_base[r + 1] {
                    let j = self.col_of(r, k);
                    top = top.max(ck(self.weight(r, k).add_c(node_pi[j]))?);
                }
                *p = top;
            }
            Ok(())
        });
        self.pi = pi;
        implied?;
        // Rows: keep the consistent ones, take the others out. A row's check reads its
        // own arcs' flow and the potentials only, which taking other rows out leaves
        // as they are: all checked first, then taken out in row order.
        self.activate_all();
        let mut consistent = vec![true; self.nr];
        self.each_row_chunk(&mut consistent, |r, ok| {
            *ok = self.row_consistent(r)?;
            Ok(())
        })?;
        for (r, ok) in consistent.into_iter().enumerate() {
            if !ok {
                self.deactivate_row(r);
            }
        }
        // Groups with free capacity must have price zero; lowering it can only open a
        // gap on the group's rows with free supply.
        for g in 0..self.ng {
            let gn = self.nr + self.nc + g;
            if self.group_flow[g] < self.group_cap[g] && self.pi[gn] > self.pi[hub] {
                self.pi[gn] = self.pi[hub];
                for idx in self.group_start[g]..self.group_start[g + 1] {
                    let r = self.group_rows[idx] as usize;
                    if self.active[r]
                        && self.row_flow[r] < self.supply[r]
                        && self.pi[r] > self.pi[gn]
                    {
                        self.deactivate_row(r);
                    }
                }
            }
        }
        // Columns with free capacity and a positive price: fill them or lower the price.
        for j in 0..self.nc {
            if self.col_flow[j] < self.col_cap[j] && self.pi[self.nr + j] < self.pi[hub] {
                if self.t_start.is_empty() {
                    self.build_transpose()?;
                }
                self.tick()?;
                self.fill_col(j)?;
            }
        }
        if !self.t_start.is_empty() {
            // Kept for the row searches' zero-cost paths to full groups
            // (`hub_to_full_group`): rebuilding it costs a pass over the arcs.
            self.index_for_zero = true;
        }
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            if !self.active[r] {
                self.tick()?;
                self.activate_row(r)?;
            }
        }
        self.drop_zero_index();
        Ok(())
    }

    /// Writes the certificate's prices (see the module docs) into the given vectors.
    pub(super) fn prices_into(
        &self,
        row_price: &mut Vec<i128>,
        col_price: &mut Vec<i128>,
        group_price: &mut Vec<i128>,
    ) -> Result<(), Fail> {
        let hub = self.pi[self.hub as usize].to_i128();
        let diff = |a: C, b: i128| a.to_i128().checked_sub(b).ok_or(Fail::Overflow);
        group_price.clear();
        let mut group_level = Vec::with_capacity(self.ng);
        for g in 0..self.ng {
            let t = diff(self.pi[self.nr + self.nc + g], hub)?.max(0);
            group_price.push(t);
            group_level.push(ck(hub.checked_add(t))?);
        }
        row_price.clear();
        for r in 0..self.nr {
            if r % 4096 == 0 {
                self.check_cancel()?;
            }
            let h = self.head[r] as usize;
            let level = if h == self.hub as usize {
                hub
            } else {
                group_level[h - self.nr - self.nc]
            };
            row_price.push(diff(self.pi[r], level)?.max(0));
        }
        col_price.clear();
        for j in 0..self.nc {
            let z = ck(hub.checked_sub(self.pi[self.nr + j].to_i128()))?;
            col_price.push(z.max(0));
        }
        Ok(())
    }

    /// Prices of the certificate (see the module docs) and the flow.
    pub(super) fn finish(self) -> Result<Outcome, Fail> {
        let (mut row_price, mut col_price, mut group_price) = (Vec::new(), Vec::new(), Vec::new());
        self.prices_into(&mut row_price, &mut col_price, &mut group_price)?;
        Ok(Outcome {
            flow: self.flow,
            row_price,
            col_price,
            group_price,
        })
    }
}

/// Generates [`State`] (the solver's owned arrays, without borrows) and the moves
/// between it and a [`Solver`], from one list of fields.
macro_rules! owned_state {
    ($($field:ident: $ty:ty),* $(,)?) => {
        /// Everything a [`Solver`] owns, kept by a [`super::Session`] between solves.
        #[derive(Clone)]
        pub(super) struct State<C: Cost> {
            $($field: $ty,)*
        }

        impl<'a, C: Cost> Solver<'a, C> {
            /// Gives up the borrows and keeps the arrays.
            pub(super) fn into_state(self) -> State<C> {
                State { $($field: self.$field,)* }
            }

            /// A solver over `part` with the arrays of an earlier one (same part,
            /// possibly with rows appended since: see [`Solver::append_rows`]).
            pub(super) fn from_state(sh: &'a Shared<'a>, part: &'a Part, st: State<C>) -> Self {
                Solver { sh, part, $($field: st.$field,)* }
            }
        }
    };
}

owned_state! {
    nr: usize, nc: usize, ng: usize, hub: u32,
    arc_base: Vec<usize>, row_bonus: Vec<C>, head: Vec<u32>, supply: Vec<u32>,
    col_cap: Vec<u32>, group_cap: Vec<u32>, flow: Vec<u32>, row_flow: Vec<u32>,
    col_flow: Vec<u32>, group_flow: Vec<u32>, active: Vec<bool>,
    group_start: Vec<usize>, group_rows: Vec<u32>, ungrouped: Vec<u32>,
    assigned: Vec<Vec<(u32, u32, C)>>, t_start: Vec<usize>, t_list: Vec<(C, u32, u32)>,
    t_sorted: Vec<usize>, live: Vec<usize>, cursor: Vec<usize>, t_extra: Vec<Vec<(C, u32, u32)>>,
    keep_index: bool, index_for_zero: bool, track: bool, dirty: Vec<u32>, price_hub: C, pi: Vec<C>, dist: Vec<C>, stamp: Vec<u32>, epoch: u32,
    pred: Vec<(u32, u32)>, heap: BinaryHeap<Reverse<(C, u32)>>, settled: Vec<u32>,
    target: u32, cut: C, ticks: u32, zero: ZeroPaths,
}

impl<C: Cost> State<C> {
    /// The flow per arc (moved out; the session keeps it in its [`crate::Matching`]).
    pub(super) fn take_flow(&mut self) -> Vec<u32> {
        std::mem::take(&mut self.flow)
    }
    pub(super) fn put_flow(&mut self, flow: Vec<u32>) {
        self.flow = flow;
        all_live(&mut self.live, &self.t_start);
    }
}

// ----- sessions: incremental repairs -------------------------------------------------------

impl<C: Cost> Solver<'_, C> {
    /// Puts every column's list of arcs with flow in arc order, the order a warm start
    /// installs them in. A session's repairs take rows off a cut column from the end of
    /// its list, so a session started cold and one started warm from the same optimum
    /// then make the same choices (a re-match without changes moves nothing).
    pub(super) fn canonical_assigned(&mut self) {
        for list in &mut self.assigned {
            list.sort_unstable_by_key(|&(k, _, _)| k);
        }
    }

    /// Keeps the column index across solves; with `build_now`, builds it if missing.
    pub(super) fn keep_index(&mut self, build_now: bool) -> Result<(), Fail> {
        self.keep_index = true;
        if build_now && self.t_start.is_empty() {
            self.build_transpose()?;
        }
        Ok(())
    }

    #[inline]
    fn mark(&mut self, v: usize) {
        if self.track {
            self.dirty.push(v as u32);
        }
    }

    /// Brings the certificate's prices up to date: only the rows and columns whose
    /// potential changed since the last call, unless the hub or a group moved (every
    /// price is relative to them) or too much changed; then all of them.
    pub(super) fn update_prices(
        &mut self,
        row_price: &mut Vec<i128>,
        col_price: &mut Vec<i128>,
        group_price: &mut Vec<i128>,
    ) -> Result<(), Fail> {
        let hub = self.hub as usize;
        let full = !self.track
            || self.pi[hub] != self.price_hub
            || self.dirty.len() > self.pi.len() / 8
            || col_price.len() != self.nc
            || group_price.len() != self.ng
            || row_price.len() > self.nr
            || self.dirty.iter().any(|&v| v as usize >= self.nr + self.nc);
        if full {
            self.prices_into(row_price, col_price, group_price)?;
        } else {
            row_price.resize(self.nr, 0);
            let hp = self.pi[hub].to_i128();
            let diff = |a: C, b: i128| a.to_i128().checked_sub(b).ok_or(Fail::Overflow);
            for idx in 0..self.dirty.len() {
                let v = self.dirty[idx] as usize;
                if v < self.nr {
                    let h = self.head[v] as usize;
                    let level = if h == hub {
                        hp
                    } else {
                        ck(hp.checked_add(diff(self.pi[h], hp)?.max(0)))?
                    };
                    row_price[v] = diff(self.pi[v], level)?.max(0);
                } else {
                    let z = ck(hp.checked_sub(self.pi[v].to_i128()))?;
                    col_price[v - self.nr] = z.max(0);
                }
            }
        }
        self.dirty.clear();
        self.track = true;
        self.price_hub = self.pi[hub];
        Ok(())
    }

    /// Resets the potentials to the certificate's clamped prices: `π(O) = 0`,
    /// `π(g) = t_g`, `π(i) = π(head(i)) + y_i`, `π(j) = −z_j`. Any prices that satisfy
    /// the certificate keep every residual reduced cost non-negative, and these also
    /// give every row `π(i) ≥ π(O)`, which the lazy backward scan needs. `O(nodes)`.
    fn normalize(&mut self) -> Result<(), Fail> {
        let hub_i = self.hub as usize;
        let hub = self.pi[hub_i];
        for g in 0..self.ng {
            let gn = self.nr + self.nc + g;
            self.pi[gn] = ck(self.pi[gn].sub_c(hub))?.max(C::ZERO);
        }
        for r in 0..self.nr {
            let h = self.head[r] as usize;
            let level = if h == hub_i { C::ZERO } else { self.pi[h] };
            let y = ck(ck(self.pi[r].sub_c(hub))?.sub_c(level))?.max(C::ZERO);
            self.pi[r] = ck(level.add_c(y))?;
        }
        for j in 0..self.nc {
            let v = self.nr + j;
            let z = ck(hub.sub_c(self.pi[v]))?.max(C::ZERO);
            self.pi[v] = ck(C::ZERO.sub_c(z))?;
        }
        self.pi[hub_i] = C::ZERO;
        // The prices are unchanged, now relative to a hub at zero.
        if self.price_hub == hub {
            self.price_hub = C::ZERO;
        } else {
            self.track = false;
        }
        Ok(())
    }

    /// Takes in the rows the part lists beyond the solver's own (appended to the
    /// problem since the last solve), inactive and without flow. Column, group and
    /// hub node ids move up; their potentials move with them. `O(nodes + new arcs)`.
    pub(super) fn append_rows(&mut self) -> Result<(), Fail> {
        let p = self.sh.problem;
        let (old, new) = (self.nr, self.part.rows.len());
        if new == old {
            return Ok(());
        }
        let add = new - old;
        // Groups and the hub come after the rows: every head moves up by `add`.
        for h in &mut self.head {
            *h += add as u32;
        }
        self.nr = new;
        self.hub += add as u32;
        let mut grouped = false;
        for r in old..new {
            let gr = self.part.rows[r] as usize;
            let range = p.arcs_of(gr);
            let base = *self.arc_base.last().unwrap_or(&0);
            self.arc_base.push(base + range.len());
            self.flow.resize(base + range.len(), 0);
            let b = self
                .sh
                .bonus
                .get(p.row_tier(gr) as usize - 1)
                .copied()
                .unwrap_or(0);
            self.row_bonus.push(ck(C::from_i128(b))?);
            self.supply.push(p.row_supply(gr));
            self.row_flow.push(0);
            self.active.push(false);
            self.mark(r);
            match p.row_group(gr) {
                Some(g) => {
                    let lg = self.sh.group_local[g] as usize;
                    self.head.push((new + self.nc + lg) as u32);
                    grouped = true;
                }
                None => {
                    self.head.push(self.hub);
                    self.ungrouped.push(r as u32);
                }
            }
        }
        if grouped {
            let mut count = vec![0usize; self.ng + 1];
            for &h in &self.head {
                if h != self.hub {
                    count[h as usize - self.nr - self.nc + 1] += 1;
                }
            }
            for g in 0..self.ng {
                count[g + 1] += count[g];
            }
            let mut fill = count.clone();
            self.group_rows = vec![0; count[self.ng]];
            for (r, &h) in self.head.iter().enumerate() {
                if h != self.hub {
                    let g = h as usize - self.nr - self.nc;
                    self.group_rows[fill[g]] = r as u32;
                    fill[g] += 1;
                }
            }
            self.group_start = count;
        }
        self.pi.splice(old..old, std::iter::repeat_n(C::ZERO, add));
        let n_nodes = self.pi.len();
        self.dist.resize(n_nodes, C::ZERO);
        self.stamp.resize(n_nodes, 0);
        self.pred.resize(n_nodes, (NONE, NONE));
        if !self.t_start.is_empty() {
            if self.t_extra.is_empty() {
                self.t_extra = vec![Vec::new(); self.nc];
            }
            for r in old..new {
                let gr = self.part.rows[r] as usize;
                for (off, ga) in p.arcs_of(gr).enumerate() {
                    let j = self.sh.col_local[p.arc_col(ga)] as usize;
                    let c = C::from_i64(p.arc_weight(ga)) + self.row_bonus[r];
                    self.t_extra[j].push((c, (self.arc_base[r] + off) as u32, r as u32));
                }
            }
        }
        Ok(())
    }

    /// Row `r`'s supply changed in the problem.
    pub(super) fn set_supply(&mut self, r: usize, supply: u32) {
        self.supply[r] = supply;
    }

    /// Column `j`'s capacity changed in the problem.
    pub(super) fn set_col_cap(&mut self, j: usize, cap: u32) {
        self.col_cap[j] = cap;
    }

    /// Takes row `r` out (if active), noting the columns it drew from and the row.
    fn take_out(&mut self, r: usize, cols: &mut Vec<u32>, out: &mut Vec<u32>) {
        if !self.active[r] {
            return;
        }
        for k in self.arc_base[r]..self.arc_base[r + 1] {
            if self.flow[k] > 0 {
                cols.push(self.col_of(r, k) as u32);
            }
        }
        self.deactivate_row(r);
        out.push(r as u32);
    }

    /// Re-optimises an optimal state after edits, touching only what they touched:
    /// the rows in `rows` (changed supply or arcs) are taken out, columns in `cols`
    /// (changed capacity) shed the rows over their new capacity, groups and columns
    /// left with free capacity and a positive price are repaired (group price
    /// lowered; columns filled by backward searches over the kept column index), and
    /// then every row taken out, and every appended row (all inactive), is added back
    /// by a forward search. Exact for the same reasons as [`Solver::run_warm`]; costs
    /// `O(nodes)` for the potentials plus the searches.
    pub(super) fn repair(&mut self, rows: &[u32], cols: &[u32], added: usize) -> Result<(), Fail> {
        let mut out: Vec<u32> = Vec::new();
        let mut touched: Vec<u32> = cols.to_vec();
        if !rows.is_empty() || !cols.is_empty() {
            self.normalize()?;
        }
        for &r in rows {
            self.take_out(r as usize, &mut touched, &mut out);
        }
        for &j in cols {
            let j = j as usize;
            while self.col_flow[j] > self.col_cap[j] {
                let Some(&(_, r, _)) = self.assigned[j].last() else {
                    break;
                };
                self.take_out(r as usize, &mut touched, &mut out);
            }
        }
        let hub = self.hub as usize;
        let mut groups: Vec<u32> = out
            .iter()
            .map(|&r| self.head[r as usize])
            .filter(|&h| h as usize != hub)
            .collect();
        groups.sort_unstable();
        groups.dedup();
        for gn in groups {
            let gn = gn as usize;
            let g = gn - self.nr - self.nc;
            if self.group_flow[g] < self.group_cap[g] && self.pi[gn] > self.pi[hub] {
                self.pi[gn] = self.pi[hub];
                self.mark(gn);
                for idx in self.group_start[g]..self.group_start[g + 1] {
                    let r = self.group_rows[idx] as usize;
                    if self.active[r]
                        && self.row_flow[r] < self.supply[r]
                        && self.pi[r] > self.pi[gn]
                    {
                        self.take_out(r, &mut touched, &mut out);
                    }
                }
            }
        }
        touched.sort_unstable();
        touched.dedup();
        for &j in &touched {
            let j = j as usize;
            if self.col_flow[j] < self.col_cap[j] && self.pi[self.nr + j] < self.pi[hub] {
                if self.t_start.is_empty() {
                    self.build_transpose()?;
                }
                self.tick()?;
                self.fill_col(j)?;
            }
        }
        out.extend((self.nr - added..self.nr).map(|r| r as u32));
        out.sort_unstable();
        out.dedup();
        for r in out {
            if !self.active[r as usize] {
                self.tick()?;
                self.activate_row(r as usize)?;
            }
        }
        Ok(())
    }
}
