//! What-if sweeps: the same design at several load levels or replica counts,
//! one line of headline figures per point.

use crate::model::Design;

use super::{Report, RunControl, RunOptions, SimError, run};

/// One workload at one sweep point.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepWorkload {
    /// Workload name.
    pub name: String,
    /// Successful requests per second.
    pub throughput_per_s: f64,
    /// 99th percentile latency, ms.
    pub p99_ms: f64,
    /// Failed share of finished requests.
    pub error_rate: f64,
}

/// One point of a sweep.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SweepPoint {
    /// What was set, e.g. `rate ×1.2` or `orders replicas 3`.
    pub label: String,
    /// The swept value.
    pub value: f64,
    /// Successful requests per second over all workloads.
    pub throughput_per_s: f64,
    /// Worst 99th percentile latency over the workloads, ms.
    pub p99_ms: f64,
    /// Failed share of all finished requests.
    pub error_rate: f64,
    /// The run was unstable.
    pub unstable: bool,
    /// An SLO failed.
    pub slo_violated: bool,
    /// Per workload.
    pub workloads: Vec<SweepWorkload>,
}

impl SweepPoint {
    fn from_report(label: String, value: f64, r: &Report) -> Self {
        let workloads: Vec<SweepWorkload> = r
            .workloads
            .iter()
            .map(|w| SweepWorkload {
                name: w.name.clone(),
                throughput_per_s: w.throughput_per_s.mean,
                p99_ms: w.latency_ms.p99.mean,
                error_rate: w.error_rate.mean,
            })
            .collect();
        let failed: u64 = r.workloads.iter().map(|w| w.outcomes.failed()).sum();
        let finished: u64 = r.workloads.iter().map(|w| w.outcomes.total() - w.outcomes.in_flight).sum();
        Self {
            label,
            value,
            throughput_per_s: workloads.iter().map(|w| w.throughput_per_s).sum(),
            p99_ms: workloads.iter().map(|w| w.p99_ms).fold(0.0, f64::max),
            error_rate: if finished > 0 { failed as f64 / finished as f64 } else { 0.0 },
            unstable: r.unstable,
            slo_violated: r.slo_violated(),
            workloads,
        }
    }
}

/// Most points one sweep runs.
pub const MAX_POINTS: usize = 1000;

/// Parse `FROM..TO:N` (N evenly spaced values, ends included) or a single value.
///
/// # Errors
/// A malformed range.
pub fn parse_range(s: &str) -> Result<Vec<f64>, String> {
    let bad = || format!("{s:?}: expected FROM..TO:N (e.g. 0.5..1.5:11) or a number");
    let s = s.trim();
    let above_zero = |v: f64| v.is_finite() && v > 0.0;
    let Some((range, n)) = s.split_once(':') else {
        return match s.parse::<f64>() {
            Ok(v) if above_zero(v) => Ok(vec![v]),
            Ok(_) => Err(format!("{s:?}: a rate scale is a number above 0")),
            Err(_) => Err(bad()),
        };
    };
    let (a, b) = range.split_once("..").ok_or_else(bad)?;
    let a: f64 = a.trim().parse().map_err(|_| bad())?;
    let b: f64 = b.trim().parse().map_err(|_| bad())?;
    let n: usize = n.trim().parse().map_err(|_| bad())?;
    if !(a.is_finite() && b.is_finite()) || n == 0 {
        return Err(bad());
    }
    if !(above_zero(a) && above_zero(b)) {
        return Err(format!("{s:?}: a rate scale is a number above 0"));
    }
    if n > MAX_POINTS {
        return Err(format!("{s:?}: {n} points; a sweep has at most {MAX_POINTS}"));
    }
    if n == 1 {
        return Ok(vec![a]);
    }
    Ok((0..n).map(|i| a + (b - a) * i as f64 / (n - 1) as f64).collect())
}

/// Parse `FROM..TO` of whole numbers (every value) or a single number.
///
/// # Errors
/// A malformed range.
pub fn parse_int_range(s: &str) -> Result<Vec<u32>, String> {
    let bad = || format!("{s:?}: expected FROM..TO (e.g. 1..8) or a number");
    let s = s.trim();
    let Some((a, b)) = s.split_once("..") else {
        return s.parse::<u32>().map(|v| vec![v]).map_err(|_| bad());
    };
    let a: u32 = a.trim().parse().map_err(|_| bad())?;
    let b: u32 = b.trim().parse().map_err(|_| bad())?;
    if a > b {
        return Err(format!("{s:?}: FROM ({a}) is above TO ({b})"));
    }
    if b - a >= MAX_POINTS as u32 {
        return Err(format!("{s:?}: {} points; a sweep has at most {MAX_POINTS}", u64::from(b - a) + 1));
    }
    Ok((a..=b).collect())
}

/// Run the design at each rate scale.
///
/// # Errors
/// Invalid designs or cancellation.
pub fn rate_scale(
    design: &Design,
    options: &RunOptions,
    scales: &[f64],
    control: &RunControl,
    mut on_point: impl FnMut(&SweepPoint),
) -> Result<Vec<SweepPoint>, SimError> {
    let mut out = Vec::new();
    for &x in scales {
        let opts = RunOptions { rate_scale: options.rate_scale * x, ..options.clone() };
        let report = run(design, &opts, control)?;
        let p = SweepPoint::from_report(format!("rate ×{x:.3}"), x, &report);
        on_point(&p);
        out.push(p);
    }
    Ok(out)
}

/// Run the design with `node` at each replica count.
///
/// # Errors
/// An unknown node, invalid designs or cancellation.
pub fn replicas(
    design: &Design,
    options: &RunOptions,
    node: &str,
    counts: &[u32],
    control: &RunControl,
    mut on_point: impl FnMut(&SweepPoint),
) -> Result<Vec<SweepPoint>, SimError> {
    let Some(i) = design.node_index(node) else {
        return Err(SimError::InvalidDesign(vec![crate::problem::Problem::design_error(
            "sweep",
            crate::msg!("engine-sweep-no-node", "no node {node}", node = format!("{node:?}")),
        )]));
    };
    let mut out = Vec::new();
    for &n in counts {
        let mut d = design.clone();
        if let Some(node) = d.nodes.get_mut(i) {
            node.capacity.replicas = n;
        }
        let report = run(&d, options, control)?;
        let p = SweepPoint::from_report(format!("{node} replicas {n}"), f64::from(n), &report);
        on_point(&p);
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("0.5..1.5:3"), Ok(vec![0.5, 1.0, 1.5]));
        assert_eq!(parse_range("2"), Ok(vec![2.0]));
        assert!(parse_range("1..2").is_err());
        assert!(parse_range("nan").is_err());
        assert!(parse_range("0..1:3").is_err_and(|e| e.contains("above 0")));
        assert!(parse_range("-1").is_err());
        assert_eq!(parse_int_range("1..4"), Ok(vec![1, 2, 3, 4]));
        assert!(parse_int_range("4..1").is_err_and(|e| e.contains("above")));
        assert!(parse_int_range("1..5000").is_err_and(|e| e.contains("at most 1000")));
        assert_eq!(parse_int_range("1..1000").map(|v| v.len()), Ok(1000));
        assert!(parse_range("0.5..1:1001").is_err_and(|e| e.contains("at most 1000")));
    }
}
