//! A broker node's settings as the emulator runs them, compiled from the
//! design as the simulator's plan compiles them: its mode and capacity, its
//! subscriptions (consumer, concurrency, tries, redelivery delay, the
//! subscription edge's latency) and the broker outages of the fault
//! schedule, with the questions asked of that schedule (down now, outages
//! begun, the next change).

use std::collections::BTreeMap;

use engine::model::{BrokerMode, Design, EdgeKind, FaultKind};
use engine::sampling::{Sampler, ms_to_ns, s_to_ns};

use crate::error::EmulateError;

/// One subscription of a broker.
#[derive(Clone, Debug)]
pub struct SubSpec {
    /// The subscription edge's id.
    pub edge: String,
    /// Index of the consumer node.
    pub consumer: usize,
    /// The consumer's operation (`None`: its default handling).
    pub operation: Option<String>,
    /// Deliveries in flight at most.
    pub concurrency: u32,
    /// Tries before a message is dead-lettered.
    pub max_deliveries: u32,
    /// Delay before a failed message is back in its backlog, modelled ns.
    pub redelivery_ns: u64,
    /// The edge's network latency, once per delivery.
    pub latency: Option<Sampler>,
}

/// One broker outage of the fault schedule, from the start of the load.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Outage {
    /// Start, modelled ns after the load began.
    pub start_ns: u64,
    /// End (exclusive).
    pub end_ns: u64,
    /// The backlogs are lost as it begins.
    pub lose: bool,
}

/// A broker node's settings as the emulator runs them.
#[derive(Clone, Debug)]
pub struct BrokerSpec {
    /// Queue or topic.
    pub mode: BrokerMode,
    /// Messages per backlog (`u64::MAX`: unbounded).
    pub capacity: u64,
    /// Its subscriptions, in design order.
    pub subs: Vec<SubSpec>,
    /// Its outages.
    pub outages: Vec<Outage>,
}

impl BrokerSpec {
    /// The broker settings of `node` (`None` unless it is a broker), its
    /// subscriptions compiled as the simulator's plan does.
    ///
    /// # Errors
    /// [`EmulateError::Undrawable`] for a latency the sampler refuses.
    pub fn of(
        design: &Design,
        node: &engine::model::Node,
        by_id: &BTreeMap<&str, usize>,
    ) -> Result<Option<Self>, EmulateError> {
        if node.kind != engine::model::NodeKind::Broker {
            return Ok(None);
        }
        let settings = node.broker.clone().unwrap_or_default();
        let mut subs = Vec::new();
        for e in design.edges.iter().filter(|e| e.kind == EdgeKind::Subscription && e.from == node.id) {
            let Some(&consumer) = by_id.get(e.to.as_str()) else { continue };
            let s = e.subscription.clone().unwrap_or_default();
            let latency = match &e.network_latency {
                Some(d) => Sampler::new(d)
                    .map_err(|x| EmulateError::Undrawable(format!("edges[{}].network_latency", e.id), x.to_string()))?,
                None => Sampler::constant_ns(0),
            };
            subs.push(SubSpec {
                edge: e.id.clone(),
                consumer,
                operation: e.target_operation.clone(),
                concurrency: s.concurrency.max(1),
                max_deliveries: s.max_deliveries.max(1),
                redelivery_ns: ms_to_ns(s.redelivery_delay_ms),
                latency: Some(latency).filter(|l| !l.is_zero()),
            });
        }
        let outages = design
            .faults
            .iter()
            .filter(|f| f.target == node.id)
            .filter_map(|f| match f.fault {
                FaultKind::BrokerOutage { lose_messages } => {
                    Some(Outage { start_ns: s_to_ns(f.start_s), end_ns: s_to_ns(f.end_s), lose: lose_messages })
                }
                _ => None,
            })
            .collect();
        Ok(Some(Self { mode: settings.mode, capacity: settings.capacity_messages.unwrap_or(u64::MAX), subs, outages }))
    }

    /// Whether an outage is on at `t_ns` after the load began (`None`: before it).
    #[must_use]
    pub fn down_at(&self, t_ns: Option<u64>) -> bool {
        t_ns.is_some_and(|t| self.outages.iter().any(|o| o.start_ns <= t && t < o.end_ns))
    }

    /// How many outages have begun by `t_ns` after the load began.
    #[must_use]
    pub fn outages_begun(&self, t_ns: Option<u64>) -> usize {
        t_ns.map_or(0, |t| self.outages.iter().filter(|o| o.start_ns <= t).count())
    }

    /// The next start or end of an outage after `t_ns`.
    pub(crate) fn next_boundary_ns(&self, t_ns: u64) -> Option<u64> {
        self.outages.iter().flat_map(|o| [o.start_ns, o.end_ns]).filter(|&b| b > t_ns).min()
    }
}
