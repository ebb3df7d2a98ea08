//! Comparing two reports, and gating CI on the differences.
//!
//! A gate such as `p99:+10%` fails when any workload's p99 latency grew by
//! more than 10%; `errors:+1pp` when an error rate grew by more than one
//! percentage point; `throughput:-5%` when throughput fell by more than 5%.

use serde::{Deserialize, Serialize};

use super::Report;

/// A headline figure that can be compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// Mean latency, ms.
    Mean,
    /// Median latency, ms.
    P50,
    /// 95th percentile latency, ms.
    P95,
    /// 99th percentile latency, ms.
    P99,
    /// 99.9th percentile latency, ms.
    P999,
    /// Error rate, 0–1.
    Errors,
    /// Successful requests per second.
    Throughput,
}

impl Metric {
    /// Every metric, in table order.
    pub const ALL: [Self; 7] =
        [Self::Throughput, Self::Errors, Self::Mean, Self::P50, Self::P95, Self::P99, Self::P999];

    /// The name used in gates and tables.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Mean => "mean",
            Self::P50 => "p50",
            Self::P95 => "p95",
            Self::P99 => "p99",
            Self::P999 => "p999",
            Self::Errors => "errors",
            Self::Throughput => "throughput",
        }
    }

    fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|m| m.as_str() == s.trim().to_ascii_lowercase())
    }

    fn of(self, w: &super::WorkloadReport) -> f64 {
        match self {
            Self::Mean => w.latency_ms.mean.mean,
            Self::P50 => w.latency_ms.p50.mean,
            Self::P95 => w.latency_ms.p95.mean,
            Self::P99 => w.latency_ms.p99.mean,
            Self::P999 => w.latency_ms.p999.mean,
            Self::Errors => w.error_rate.mean,
            Self::Throughput => w.throughput_per_s.mean,
        }
    }
}

/// One figure in both reports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Delta {
    /// Workload name.
    pub workload: String,
    /// The figure.
    pub metric: Metric,
    /// In the base report.
    pub base: f64,
    /// In the new report.
    pub new: f64,
    /// Relative change in percent (absent when the base is zero).
    pub change_pct: Option<f64>,
}

/// How much a figure may move.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Limit {
    /// Relative, percent of the base (signed: + limits growth, − limits decline).
    Percent(f64),
    /// Absolute, in percentage points (error rates).
    Points(f64),
    /// Absolute, in the figure's unit (ms, requests/s).
    Absolute(f64),
}

/// A CI gate.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Gate {
    /// The figure.
    pub metric: Metric,
    /// The allowed move.
    pub limit: Limit,
}

/// Parse `p99:+10%,errors:+1pp,throughput:-5%`.
///
/// # Errors
/// An unknown metric or a malformed limit.
pub fn parse_gates(s: &str) -> Result<Vec<Gate>, String> {
    s.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|part| {
            let (m, l) =
                part.split_once(':').ok_or_else(|| format!("{part:?}: expected METRIC:LIMIT, e.g. p99:+10%"))?;
            let metric = Metric::parse(m).ok_or_else(|| {
                let names: Vec<&str> = Metric::ALL.iter().map(|m| m.as_str()).collect();
                format!("{m:?}: unknown metric (one of {})", names.join(", "))
            })?;
            let l = l.trim();
            let num =
                |t: &str| t.trim().parse::<f64>().map_err(|_| format!("{l:?}: expected a signed number such as +10%"));
            let limit = if let Some(t) = l.strip_suffix("pp") {
                Limit::Points(num(t)?)
            } else if let Some(t) = l.strip_suffix('%') {
                Limit::Percent(num(t)?)
            } else {
                Limit::Absolute(num(l.trim_end_matches("ms"))?)
            };
            Ok(Gate { metric, limit })
        })
        .collect()
}

/// Every headline figure of the workloads both reports share.
#[must_use]
pub fn compare(base: &Report, new: &Report) -> Vec<Delta> {
    let mut out = Vec::new();
    for b in &base.workloads {
        let Some(n) = new.workload(&b.name) else { continue };
        for metric in Metric::ALL {
            let (x, y) = (metric.of(b), metric.of(n));
            out.push(Delta {
                workload: b.name.clone(),
                metric,
                base: x,
                new: y,
                change_pct: (x != 0.0).then(|| (y - x) / x.abs() * 100.0),
            });
        }
    }
    out
}

/// The gates that failed, in words.
#[must_use]
pub fn check(deltas: &[Delta], gates: &[Gate]) -> Vec<String> {
    let mut failures = Vec::new();
    for g in gates {
        for d in deltas.iter().filter(|d| d.metric == g.metric) {
            let diff = d.new - d.base;
            let (moved, limit, unit) = match g.limit {
                Limit::Percent(p) => {
                    (d.change_pct.unwrap_or(if diff == 0.0 { 0.0 } else { f64::INFINITY * diff.signum() }), p, "%")
                }
                Limit::Points(p) => (diff * 100.0, p, "pp"),
                Limit::Absolute(a) => (diff, a, ""),
            };
            let broken = if limit >= 0.0 { moved > limit } else { moved < limit };
            if broken {
                failures.push(format!(
                    "{} {}: {:.4} → {:.4} ({moved:+.2}{unit}, limit {limit:+}{unit})",
                    d.workload,
                    d.metric.as_str(),
                    d.base,
                    d.new
                ));
            }
        }
    }
    failures
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gates_parse() {
        let g = parse_gates("p99:+10%,errors:+1pp, throughput:-5%").unwrap_or_default();
        assert_eq!(
            g,
            vec![
                Gate { metric: Metric::P99, limit: Limit::Percent(10.0) },
                Gate { metric: Metric::Errors, limit: Limit::Points(1.0) },
                Gate { metric: Metric::Throughput, limit: Limit::Percent(-5.0) },
            ]
        );
        assert!(parse_gates("p98:+1%").is_err());
        assert!(parse_gates("p99:lots").is_err());
    }

    #[test]
    fn gates_check() {
        let d = |metric, base, new| Delta {
            workload: "w".into(),
            metric,
            base,
            new,
            change_pct: Some((new - base) / base * 100.0),
        };
        let deltas =
            vec![d(Metric::P99, 100.0, 109.0), d(Metric::Errors, 0.01, 0.025), d(Metric::Throughput, 100.0, 90.0)];
        let fails = check(&deltas, &parse_gates("p99:+10%,errors:+1pp,throughput:-5%").unwrap_or_default());
        assert_eq!(fails.len(), 2, "{fails:?}");
        assert!(fails[0].contains("errors"));
        assert!(fails[1].contains("throughput"));
    }
}
