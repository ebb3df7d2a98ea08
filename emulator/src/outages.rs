//! Outages of replicas in wall-clock time: at each instant an outage starts
//! or ends (counted from the load's start in modelled time, so stretched by
//! the time scale), the node's replicas go down or come back as the engine's
//! [`FaultEffect`](engine::policy::FaultEffect) folds the outages active then,
//! the first k of n replicas down, as the simulator's `apply_node_faults`
//! takes them. Going down is a crash ([`Station::set_down`](crate::station::Station::set_down));
//! a discovered node's registry hears of it ([`crate::discovery`]).

use std::sync::{Arc, PoisonError};

use crate::node::Shared;

impl Shared {
    /// Run every node's outages from the load's start at modelled time
    /// `load_from_ns` (a task per node that has any, on the current runtime).
    pub(crate) fn start_outages(self: &Arc<Self>, load_from_ns: u64) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        // A new start (a second load against served nodes) replaces the
        // earlier schedule: every replica up, the new one from its start.
        let mut tasks = self.outage_tasks.lock().unwrap_or_else(PoisonError::into_inner);
        for t in tasks.drain(..) {
            t.abort();
        }
        for (i, n) in self.topology.nodes.iter().enumerate() {
            let changes = n.faults.outage_changes_ns();
            let Some(station) = self.nodes.get(i).and_then(|s| s.station.clone()) else { continue };
            if changes.is_empty() {
                continue;
            }
            for o in 0..station.replicas() {
                station.set_down(o, false);
            }
            let shared = Arc::clone(self);
            let task = tokio::spawn(async move {
                let Some(node) = shared.topology.nodes.get(i) else { return };
                for t_ns in changes {
                    let at_ns = load_from_ns.saturating_add(t_ns);
                    let now_ns = shared.now_ns();
                    if at_ns > now_ns {
                        shared.pause(at_ns - now_ns).await;
                    }
                    // The state from this instant on, whatever the timer's lateness.
                    let fx = node.faults.at(0.0, Some(t_ns));
                    let replicas = u32::try_from(station.replicas()).unwrap_or(u32::MAX);
                    for o in 0..replicas {
                        let down = fx.replica_down(o, replicas);
                        if !station.set_down(o as usize, down) {
                            continue;
                        }
                        if down {
                            tracing::info!(node = %node.id, replica = o, "replica down (fault schedule)");
                        } else {
                            tracing::info!(node = %node.id, replica = o, "replica back up");
                        }
                        // A discovered node's registry hears of it (a crash stays listed).
                        if let Some(Some(d)) = shared.discovery.get(i) {
                            d.down_changed(o as usize, down, t_ns);
                        }
                    }
                }
            });
            tasks.push(task.abort_handle());
        }
    }
}
