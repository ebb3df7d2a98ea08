//! Is the run in a steady state? A queue that keeps growing while its node is
//! saturated (ρ ≥ 1), or a broker backlog that keeps growing, has no steady
//! state: its averages depend on the run length and mean nothing. Growth is
//! judged on the time series after the warm-up: the second half's mean
//! against the first half's.

use crate::sim::core::plan::Plan;
use crate::sim::report::{BrokerReport, NodeReport, TimeSeries};

/// Utilization from which a node counts as saturated.
const SATURATED: f64 = 0.98;
/// The second half's level must exceed the first's by this factor…
const GROWTH: f64 = 1.5;
/// …and reach at least this many waiting requests or messages.
const MIN_LEVEL: f64 = 10.0;

fn halves(series: &[f64], first: usize) -> Option<(f64, f64)> {
    let tail = series.get(first..)?;
    if tail.len() < 4 {
        return None;
    }
    let mid = tail.len() / 2;
    let (a, b) = tail.split_at(mid);
    let mean = |x: &[f64]| x.iter().sum::<f64>() / x.len().max(1) as f64;
    Some((mean(a), mean(b)))
}

fn grows(a: f64, b: f64) -> bool {
    b >= MIN_LEVEL && b > GROWTH * a + 1.0
}

/// Reasons (in words) and places (node ids) of unbounded growth.
pub(crate) fn growth(
    plan: &Plan,
    series: &TimeSeries,
    nodes: &[NodeReport],
    brokers: &[BrokerReport],
) -> (Vec<crate::message::Message>, Vec<String>) {
    let warmup_s = plan.settings.warmup_ns as f64 / 1e9;
    let first = series.start_s.iter().position(|s| *s >= warmup_s - 1e-9).unwrap_or(series.start_s.len());
    let mut reasons = Vec::new();
    let mut places = Vec::new();
    for (n, s) in nodes.iter().zip(&series.nodes) {
        let Some((a, b)) = halves(&s.queue_length, first) else { continue };
        if n.utilization.mean >= SATURATED && grows(a, b) {
            reasons.push(crate::msg!(
                "engine-queue-kept-growing-mean-then",
                "the queue at {id} kept growing (mean {a} then {b} waiting) with its workers {busy} busy",
                id = &n.id,
                a = format!("{:.1}", a),
                b = format!("{:.1}", b),
                busy = format!("{:.0}%", n.utilization.mean * 100.0)
            ));
            places.push(n.id.clone());
        }
    }
    for (br, s) in brokers.iter().zip(&series.brokers) {
        let Some((a, b)) = halves(&s.backlog, first) else { continue };
        if grows(a, b) {
            reasons.push(crate::msg!(
                "engine-backlog-kept-growing-mean-then",
                "the backlog at {id} kept growing (mean {a} then {b} messages)",
                id = &br.id,
                a = format!("{:.1}", a),
                b = format!("{:.1}", b)
            ));
            places.push(br.id.clone());
        }
    }
    (reasons, places)
}

/// The saturated nodes, or the one with the longest queue.
pub(crate) fn busiest(nodes: &[NodeReport]) -> Vec<String> {
    let saturated: Vec<String> =
        nodes.iter().filter(|n| n.utilization.mean >= SATURATED).map(|n| n.id.clone()).collect();
    if !saturated.is_empty() {
        return saturated;
    }
    nodes
        .iter()
        .max_by(|a, b| a.mean_queue_length.mean.total_cmp(&b.mean_queue_length.mean))
        .map(|n| vec![n.id.clone()])
        .unwrap_or_default()
}
