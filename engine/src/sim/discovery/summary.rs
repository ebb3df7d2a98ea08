//! The report's discovery section: each discovered node's figures summed
//! over replications (as they are folded), and a warning when calls hung on
//! crashed instances with nothing to end the wait.

use crate::sim::core::plan::{NONE, Plan};
use crate::sim::discovery::report::DiscoveryReport;
use crate::sim::discovery::runtime::DiscAcc;
use crate::sim::report::confidence::finite;

/// One report per discovered node, in design order; `len_s` is the measured
/// time of one replication. Warnings are appended to `warnings`.
pub(in crate::sim) fn discovery(
    plan: &Plan,
    totals: &[DiscAcc],
    reps: usize,
    len_s: f64,
    warnings: &mut Vec<crate::message::Message>,
) -> Vec<DiscoveryReport> {
    let nrep = reps.max(1) as f64;
    let mut out = Vec::with_capacity(plan.discs.len());
    for (di, d) in plan.discs.iter().enumerate() {
        let t = totals.get(di).copied().unwrap_or_default();
        let ni = d.node as usize;
        let id = plan.nodes.get(ni).map(|n| n.id.clone()).unwrap_or_default();
        let name = plan.node_names.get(ni).cloned().unwrap_or_default();
        if t.hung_forever > 0 {
            warnings.push(crate::msg!("engine-call-hung-crashed-instance-with", "{hung_forever} call(s) to {name} hung on a crashed instance with no timeout to end the wait: their requests never finished", hung_forever = t.hung_forever, name = format!("{:?}", name)));
        }
        let looked_up = t.hits + t.misses;
        out.push(DiscoveryReport {
            id,
            name,
            mode: if d.rule.client { "client_side" } else { "server_side" }.to_owned(),
            registry: if d.registry == NONE { None } else { plan.nodes.get(d.registry as usize).map(|n| n.id.clone()) },
            calls: t.calls,
            cache_hits: t.hits,
            cache_misses: t.misses,
            cache_hit_ratio: if looked_up > 0 { t.hits as f64 / looked_up as f64 } else { 0.0 },
            lookups: t.lookups,
            lookup_failures: t.lookup_failures,
            stale_routed: t.stale_routed,
            lookup_failed_calls: t.lookup_failed_calls,
            calls_to_dead: t.calls_to_dead,
            crashes: t.crashes,
            evictions: t.evictions,
            mean_eviction_ms: if t.evictions > 0 {
                finite(t.eviction_sum_ns as f64 / t.evictions as f64 / 1e6)
            } else {
                0.0
            },
            max_eviction_ms: t.eviction_max_ns as f64 / 1e6,
            registry_lookups_per_s: if len_s > 0.0 { finite(t.lookups as f64 / (len_s * nrep)) } else { 0.0 },
        });
    }
    out
}
