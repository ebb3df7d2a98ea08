//! Faults on call, event and subscription edges in wall-clock time: error
//! bursts refuse a request (a call, a publish, a delivery) before it leaves
//! (an injected abort), latency faults stretch its network time (each way
//! of a call; the one way of a publish or a delivery), a partition refuses
//! it (fail fast) or swallows it (hang: only the caller's timeout ends the
//! wait; a publish or a delivery has none). The decision is the engine's
//! [`FaultEffect::gate`](engine::policy::FaultEffect::gate), the one the
//! simulator's `transmit` takes, with one draw per request from the edge's
//! own `fault` stream, fault active or not, as the simulator keys it.

use std::collections::BTreeMap;
use std::sync::{Mutex, PoisonError};

use engine::policy::Gate;
use engine::sampling::Stream;

use crate::faults::NodeFaults;
use crate::topology::Topology;

/// One faulted edge: its schedule and its draws.
#[derive(Debug)]
struct Faulted {
    faults: NodeFaults,
    rng: Mutex<Stream>,
}

/// The faulted edges of a topology, by edge id.
#[derive(Debug, Default)]
pub struct EdgeFaults(BTreeMap<String, Faulted>);

impl EdgeFaults {
    /// The faulted edges of `topology`, their streams keyed by `seed`.
    #[must_use]
    pub fn new(topology: &Topology, seed: u64) -> Self {
        Self(
            topology
                .edge_faults
                .iter()
                .map(|(id, faults)| {
                    let rng = Mutex::new(Stream::keyed(seed, 0, id, "fault"));
                    (id.clone(), Faulted { faults: faults.clone(), rng })
                })
                .collect(),
        )
    }

    /// What edge `edge` does to a request sent `since_load_ns` after the
    /// load's start (`None`: before it) with network delay `d_ns`.
    pub fn gate(&self, edge: &str, since_load_ns: Option<u64>, d_ns: u64) -> Gate {
        let Some(f) = self.0.get(edge) else { return Gate::Pass(d_ns) };
        let u = f.rng.lock().unwrap_or_else(PoisonError::into_inner).unit();
        f.faults.at(0.0, since_load_ns).gate(u, d_ns)
    }

    /// The answer's network delay `d_ns` back over edge `edge`.
    #[must_use]
    pub fn stretch(&self, edge: &str, since_load_ns: Option<u64>, d_ns: u64) -> u64 {
        self.0.get(edge).map_or(d_ns, |f| f.faults.at(0.0, since_load_ns).stretch(d_ns))
    }
}
