//! Cost: what a design costs per month, node by node, and per million
//! requests served.
//!
//! A node's monthly price is its replicas times its deployment's CPU and
//! memory requests times the design's price table (`cost.price_table`), or
//! its own `cost.monthly_price` (a managed service). An autoscaled node is
//! priced by the replicas it ran in a simulation (its replica-seconds), not
//! by the count drawn. A deployable node with neither resources nor a price
//! is listed as unpriced: its cost is unknown, never zero. Clients (outside
//! the system) and receivers (running on their host's workers) are not
//! deployed, so they are not listed.

pub mod tables;

use serde::{Deserialize, Serialize};

use crate::model::{CostSettings, Design, Node};
use crate::sim::Report;

/// Hours in a month: 8760 / 12, as cloud providers' monthly estimates use.
pub const HOURS_PER_MONTH: f64 = 730.0;

/// How a node's price was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CostBasis {
    /// Its replicas' CPU and memory requests at the price table's rates.
    Resources,
    /// Its own monthly price (a managed service).
    Managed,
    /// Neither resources nor a price: unknown.
    Unpriced,
}

/// One node's cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NodeCostReport {
    /// Node id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// How the price was found.
    pub basis: CostBasis,
    /// Replicas paid for: as drawn, or an autoscaled node's mean over the run.
    pub replicas: f64,
    /// CPU request per replica, vCPU.
    pub vcpu: f64,
    /// Memory request per replica, GiB.
    pub memory_gib: f64,
    /// Price per month; absent when unpriced.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly: Option<f64>,
}

/// The design's cost.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CostReport {
    /// The price table's name.
    pub price_table: String,
    /// Where its figures come from.
    pub source: String,
    /// When they were read.
    pub date: String,
    /// Currency of every figure.
    pub currency: String,
    /// Hours a month is priced at.
    pub hours_per_month: f64,
    /// Sum of the priced nodes' monthly prices (unpriced nodes add an unknown amount).
    pub monthly_total: f64,
    /// Monthly total over the requests served in a month at the run's
    /// throughput, per million; absent without a run or without throughput.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_million_requests: Option<f64>,
    /// Per deployed node, in design order.
    pub nodes: Vec<NodeCostReport>,
    /// Ids of the nodes listed as unpriced.
    pub unpriced: Vec<String>,
}

impl CostReport {
    /// The node with this id.
    #[must_use]
    pub fn node(&self, id: &str) -> Option<&NodeCostReport> {
        self.nodes.iter().find(|n| n.id == id)
    }
}

/// One node's price per month with `replicas` replicas (`None`: unpriced).
#[must_use]
pub fn node_monthly(settings: &CostSettings, node: &Node, replicas: f64) -> (CostBasis, Option<f64>) {
    if let Some(price) = node.cost.monthly_price {
        return (CostBasis::Managed, Some(price));
    }
    let d = &node.deployment;
    if d.cpu_millicores.is_none() && d.memory_mib.is_none() {
        return (CostBasis::Unpriced, None);
    }
    let t = &settings.price_table;
    let per_hour = vcpu(node) * t.vcpu_hour_price + memory_gib(node) * t.gib_hour_price;
    (CostBasis::Resources, Some(per_hour * replicas * settings.hours_per_month))
}

fn vcpu(node: &Node) -> f64 {
    f64::from(node.deployment.cpu_millicores.unwrap_or(0)) / 1000.0
}

fn memory_gib(node: &Node) -> f64 {
    f64::from(node.deployment.memory_mib.unwrap_or(0)) / 1024.0
}

/// The design's cost as drawn (every node at its drawn replicas), without a
/// run: what the inspector shows. `None` when the design has no `cost` settings.
#[must_use]
pub fn estimate(design: &Design) -> Option<CostReport> {
    build(design, None)
}

/// The design's cost in a run: autoscaled nodes at their mean replicas and
/// the cost per million requests at the run's throughput. `None` when the
/// design has no `cost` settings.
#[must_use]
pub fn of_run(design: &Design, report: &Report) -> Option<CostReport> {
    build(design, Some(report))
}

fn build(design: &Design, report: Option<&Report>) -> Option<CostReport> {
    let settings = design.cost.as_ref()?;
    let mut nodes = Vec::new();
    for n in design.nodes.iter().filter(|n| n.kind.is_deployable()) {
        let measured = n
            .policies
            .autoscaling
            .as_ref()
            .and(report)
            .and_then(|r| r.node(&n.id))
            .and_then(|r| r.resilience.as_ref())
            .map(|r| r.replicas_mean);
        let replicas = measured.unwrap_or_else(|| f64::from(n.capacity.replicas));
        let (basis, monthly) = node_monthly(settings, n, replicas);
        nodes.push(NodeCostReport {
            id: n.id.clone(),
            name: n.name.clone(),
            basis,
            replicas,
            vcpu: vcpu(n),
            memory_gib: memory_gib(n),
            monthly,
        });
    }
    let monthly_total = nodes.iter().filter_map(|n| n.monthly).sum();
    let per_million_requests = report.and_then(|r| {
        let per_s: f64 = r.workloads.iter().map(|w| w.throughput_per_s.mean).sum();
        let per_month = per_s * 3600.0 * settings.hours_per_month;
        (per_month > 0.0).then(|| monthly_total / per_month * 1e6)
    });
    let t = &settings.price_table;
    Some(CostReport {
        price_table: t.name.clone(),
        source: t.source.clone(),
        date: t.date.clone(),
        currency: t.currency.clone(),
        hours_per_month: settings.hours_per_month,
        monthly_total,
        per_million_requests,
        unpriced: nodes.iter().filter(|n| n.basis == CostBasis::Unpriced).map(|n| n.id.clone()).collect(),
        nodes,
    })
}

/// A run report with the design's cost beside its other sections: the
/// report's own fields in their order, then `cost` (absent for a design
/// without `cost` settings, so such reports stay byte-identical).
#[derive(Serialize)]
struct PricedReport<'a> {
    #[serde(flatten)]
    report: &'a Report,
    #[serde(skip_serializing_if = "Option::is_none")]
    cost: Option<CostReport>,
}

/// The report's canonical JSON ([`Report::to_json`]) with the design's cost
/// ([`of_run`]) as its last field. [`Report::from_json`] reads it back
/// (without the cost, which it does not know).
#[must_use]
pub fn report_json(report: &Report, design: &Design) -> String {
    let priced = PricedReport { report, cost: of_run(design, report) };
    if priced.cost.is_none() {
        return report.to_json();
    }
    let mut s = serde_json::to_string_pretty(&priced).unwrap_or_default();
    s.push('\n');
    s
}

/// A money figure as people read it: cents from 1 up, four decimals below
/// (a cost per million requests is often a fraction of a cent).
#[must_use]
pub fn money(v: f64) -> String {
    if v.abs() >= 1.0 { format!("{v:.2}") } else { format!("{v:.4}") }
}

#[cfg(test)]
mod tests;
