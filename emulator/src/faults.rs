//! The design's fault schedule in wall-clock time: error bursts, latency
//! faults and outages on nodes, error bursts, latency faults and partitions
//! on call, event and subscription edges (broker outages are the broker's,
//! [`crate::broker`]). They fold through
//! the engine's [`FaultEffect`] as the simulator folds them
//! (`apply_node_faults` and `apply_edge_faults` in
//! `engine/src/sim/policy/faults.rs`): while faults are active, failure
//! probabilities combine as independent failures, 1 − (1 − p_node) ·
//! Π (1 − p_burst); added latencies add up and factors multiply, a service
//! time d becoming d × factor + added; an outage takes down the first k
//! replicas; a partition refuses or swallows the edge's requests. A fault's
//! times count from the start of the load, in modelled time (so they
//! stretch with the time scale like every other time).

use engine::model::{Design, FaultKind, PartitionMode};
use engine::policy::FaultEffect;
use engine::sampling::{ms_to_ns, s_to_ns};

/// What an active fault does to its node.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Effect {
    /// An error burst of this probability.
    Errors(f64),
    /// Service stretched.
    Latency { added_ns: u64, factor: f64 },
    /// Replicas down (`None`: every one).
    Outage(Option<u32>),
    /// The edge partitioned (`true`: requests hang).
    Partition(bool),
}

/// One scheduled fault on a node.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Window {
    start_ns: u64,
    end_ns: u64,
    effect: Effect,
}

/// The faults scheduled on one node or edge.
#[derive(Clone, Debug, Default)]
pub struct NodeFaults(Vec<Window>);

impl NodeFaults {
    /// The error bursts, latency faults and outages the design schedules on node `id`.
    #[must_use]
    pub fn of(design: &Design, id: &str) -> Self {
        Self::scheduled(design, id, |kind| !matches!(kind, FaultKind::Partition { .. }))
    }

    /// The error bursts, latency faults and partitions the design schedules
    /// on edge `id` (bursts and latency go to a node of the same id first,
    /// as the simulator's plan compiler sends them).
    #[must_use]
    pub fn of_edge(design: &Design, id: &str) -> Self {
        let node = design.node(id).is_some();
        Self::scheduled(design, id, |kind| match kind {
            FaultKind::Partition { .. } => true,
            FaultKind::Errors { .. } | FaultKind::Latency { .. } => !node,
            _ => false,
        })
    }

    fn scheduled(design: &Design, id: &str, keep: impl Fn(&FaultKind) -> bool) -> Self {
        let windows = design
            .faults
            .iter()
            .filter(|f| f.target == id && keep(&f.fault))
            .filter_map(|f| {
                let effect = match &f.fault {
                    FaultKind::Errors { probability } => Effect::Errors(probability.clamp(0.0, 1.0)),
                    FaultKind::Latency { added_ms, factor } => {
                        Effect::Latency { added_ns: ms_to_ns(*added_ms), factor: factor.max(0.0) }
                    }
                    FaultKind::Outage { replicas } => Effect::Outage(*replicas),
                    FaultKind::Partition { mode } => Effect::Partition(*mode == PartitionMode::Hang),
                    FaultKind::BrokerOutage { .. } => return None,
                };
                Some(Window { start_ns: s_to_ns(f.start_s), end_ns: s_to_ns(f.end_s), effect })
            })
            .collect();
        Self(windows)
    }

    /// Whether nothing is scheduled.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The instants (after the load's start, ascending, no repeats) at which
    /// an outage starts or ends: when replicas crash or come back.
    #[must_use]
    pub fn outage_changes_ns(&self) -> Vec<u64> {
        let mut at: Vec<u64> = self
            .0
            .iter()
            .filter(|w| matches!(w.effect, Effect::Outage(_)))
            .flat_map(|w| [w.start_ns, w.end_ns])
            .collect();
        at.sort_unstable();
        at.dedup();
        at
    }

    /// The effects at `t_ns` after the load's start (`None`: before it)
    /// on a node failing with probability `base_p` of its own.
    #[must_use]
    pub fn at(&self, base_p: f64, t_ns: Option<u64>) -> FaultEffect {
        let mut fx = FaultEffect::new(base_p);
        let Some(t) = t_ns else { return fx };
        for w in self.0.iter().filter(|w| w.start_ns <= t && t < w.end_ns) {
            match w.effect {
                Effect::Errors(p) => fx.add_errors(p),
                Effect::Latency { added_ns, factor } => fx.add_latency(added_ns, factor),
                Effect::Outage(replicas) => fx.add_outage(replicas),
                Effect::Partition(hang) => fx.add_partition(hang),
            }
        }
        fx
    }
}

/// Whether the emulator runs this fault on its target: every fault the
/// simulator runs, compiled to the same target (`compile` in
/// `engine/src/sim/policy/faults.rs`). An outage acts on a node, a broker
/// outage on a broker node, a partition on an edge of any kind, bursts and
/// latency on a node of that id or else the edge (a signal runs in-process:
/// no edge fault reaches it, as in the simulator). What fits no target
/// (validation refuses it) is not run.
#[must_use]
pub fn emulated(design: &Design, fault: &engine::model::Fault) -> bool {
    let node = design.node(&fault.target);
    let edge = design.edges.iter().any(|e| e.id == fault.target);
    match fault.fault {
        // A broker outage is the broker's own (see `crate::broker`).
        FaultKind::BrokerOutage { .. } => node.is_some_and(|n| n.kind == engine::model::NodeKind::Broker),
        FaultKind::Outage { .. } => node.is_some(),
        FaultKind::Partition { .. } => edge,
        FaultKind::Errors { .. } | FaultKind::Latency { .. } => node.is_some() || edge,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_combine_as_independent_failures_and_latency_stretches() {
        let f = NodeFaults(vec![
            Window { start_ns: 10, end_ns: 20, effect: Effect::Errors(0.5) },
            Window { start_ns: 15, end_ns: 30, effect: Effect::Latency { added_ns: 7, factor: 2.0 } },
        ]);
        assert!((f.at(0.1, None).error_p() - 0.1).abs() < 1e-12);
        assert_eq!(f.at(0.1, Some(9)), FaultEffect::new(0.1));
        let both = f.at(0.1, Some(15));
        assert!((both.error_p() - (1.0 - 0.9 * 0.5)).abs() < 1e-12);
        assert_eq!(both.stretch(100), 207);
        assert!((f.at(0.1, Some(20)).error_p() - 0.1).abs() < 1e-12, "the end is exclusive");
        assert_eq!(f.at(0.0, Some(30)).stretch(100), 100);
    }
}
