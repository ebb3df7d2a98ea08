//! Figures as people read them, shared by the HTML report, the app's results
//! dock and the CLI so that all three print the same thing: every figure
//! with its unit, and with enough significant digits to tell a measurement
//! from its target (a 0.21 % error rate against a 0.5 % target must not read
//! "0.00 against 0.01"). Error rates are stored as shares (0–1) and shown as
//! percentages.

use crate::message::Message;
use crate::model::Design;
use crate::sim::compare::Metric;
use crate::sim::{Estimate, Report, SloVerdict, Verdict, WorkloadReport};

/// The most decimals a figure is ever given.
const MAX_DECIMALS: usize = 6;
/// Significant digits of a percentage.
const PERCENT_DIGITS: i32 = 2;
/// Significant digits of a latency.
const MS_DIGITS: i32 = 3;

/// Decimals that show `sig` significant digits of `v` (0 for 0 and for
/// figures with at least `sig` digits before the point).
#[must_use]
pub fn decimals(v: f64, sig: i32) -> usize {
    if v == 0.0 || !v.is_finite() {
        return 0;
    }
    let magnitude = v.abs().log10().floor() as i32;
    usize::try_from((sig - 1 - magnitude).clamp(0, MAX_DECIMALS as i32)).unwrap_or(0)
}

/// `v` with `d` decimals ("-0" shown as "0").
#[must_use]
pub fn fixed(v: f64, d: usize) -> String {
    let s = format!("{v:.d$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') { s[1..].to_owned() } else { s }
}

/// `v` with up to six significant digits and no trailing zeros: a figure a
/// user typed (a target of 0.5 %, 200 ms) reads as typed.
#[must_use]
pub fn plain(v: f64) -> String {
    let s = fixed(v, decimals(v, 6));
    if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.').to_owned() } else { s }
}

/// A share (0–1) as a percentage with two significant digits: "0.21 %",
/// "28 %", "0 %".
#[must_use]
pub fn percent(share: f64) -> String {
    let v = share * 100.0;
    format!("{} %", fixed(v, decimals(v, PERCENT_DIGITS)))
}

/// The share of requests that succeeded, never rounded to 100 % or 0 %
/// unless it is exactly that: "28 %", "99.96 %".
#[must_use]
pub fn success_percent(share: f64) -> String {
    let v = share * 100.0;
    let mut d = decimals(v, PERCENT_DIGITS);
    while d < MAX_DECIMALS && share < 1.0 && fixed(v, d).parse::<f64>().is_ok_and(|x| x >= 100.0) {
        d += 1;
    }
    format!("{} %", fixed(v, d))
}

/// A latency: "98.3 ms", "1250 ms", "0.412 ms".
#[must_use]
pub fn ms(v: f64) -> String {
    format!("{} ms", fixed(v, decimals(v, MS_DIGITS)))
}

/// A compared figure with its unit: "98.3 ms", "0.21 %", "299.7 req/s".
#[must_use]
pub fn metric(m: Metric, v: f64) -> String {
    match m {
        Metric::Errors => percent(v),
        Metric::Throughput => format!("{} req/s", fixed(v, decimals(v, 4).min(2))),
        Metric::Mean | Metric::P50 | Metric::P95 | Metric::P99 | Metric::P999 => ms(v),
    }
}

/// An estimate with its 95 % interval, each with the unit: the interval gets
/// at least one significant digit of its own, so it never reads "± 0.00".
fn with_ci(mean: f64, ci: f64, d: usize, unit: &str) -> String {
    if ci > 0.0 && ci.is_finite() {
        let dc = d.max(decimals(ci, 1));
        format!("{} {unit} ± {} {unit}", fixed(mean, d), fixed(ci, dc))
    } else {
        format!("{} {unit}", fixed(mean, d))
    }
}

/// A share estimate as a percentage with its interval: "0.21 % ± 0.03 %".
#[must_use]
pub fn percent_est(e: &Estimate) -> String {
    let v = e.mean * 100.0;
    with_ci(v, e.ci95 * 100.0, decimals(v, PERCENT_DIGITS), "%")
}

/// A latency estimate with its interval: "98.3 ms ± 2.1 ms".
#[must_use]
pub fn ms_est(e: &Estimate) -> String {
    with_ci(e.mean, e.ci95, decimals(e.mean, MS_DIGITS), "ms")
}

/// What an SLO objective measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SloKind {
    /// A latency percentile, ms.
    Latency,
    /// The share of finished requests that failed, 0–1.
    ErrorRate,
}

/// The kind of an objective, from its name (`p99 latency`, `error rate`).
#[must_use]
pub fn slo_kind(v: &SloVerdict) -> SloKind {
    if v.objective.contains("error") { SloKind::ErrorRate } else { SloKind::Latency }
}

/// An SLO's target and measurement as shown, units included.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SloFigures {
    /// "≤ 0.5 %", "≤ 200 ms".
    pub target: String,
    /// "0.21 %".
    pub measured: String,
    /// "± 0.03 %", or empty when the interval is 0.
    pub ci: String,
}

impl SloFigures {
    /// "0.21 % ± 0.03 %".
    #[must_use]
    pub fn measured_with_ci(&self) -> String {
        if self.ci.is_empty() { self.measured.clone() } else { format!("{} {}", self.measured, self.ci) }
    }
}

/// Target and measurement of an SLO with units and as many decimals as it
/// takes to tell them apart (up to six).
#[must_use]
pub fn slo_figures(v: &SloVerdict) -> SloFigures {
    let (scale, unit, sig) = match slo_kind(v) {
        SloKind::ErrorRate => (100.0, "%", PERCENT_DIGITS),
        SloKind::Latency => (1.0, "ms", MS_DIGITS),
    };
    let (m, t, ci) = (v.measured.mean * scale, v.target * scale, v.measured.ci95 * scale);
    let mut d = decimals(m, sig);
    // An exact 0 reads "0" whatever the target; any other figure gets digits
    // until it reads differently from the target.
    while d < MAX_DECIMALS && m != 0.0 && m != t && fixed(m, d) == fixed(t, d) {
        d += 1;
    }
    let ci = if ci > 0.0 && ci.is_finite() {
        format!("± {} {unit}", fixed(ci, d.max(decimals(ci, 1))))
    } else {
        String::new()
    };
    SloFigures { target: format!("≤ {} {unit}", plain(t)), measured: format!("{} {unit}", fixed(m, d)), ci }
}

/// Share of a workload's finished requests that succeeded (ok or degraded);
/// `None` when none finished.
#[must_use]
pub fn success_share(w: &WorkloadReport) -> Option<f64> {
    let o = &w.outcomes;
    let finished = o.ok + o.degraded + o.failed();
    (finished > 0).then(|| (o.ok + o.degraded) as f64 / finished as f64)
}

/// Whose latency a workload's figures are, when not everyone's: "of the
/// 28 % that succeeded", or "no request succeeded"; `None` when all did.
#[must_use]
pub fn latency_population(w: &WorkloadReport) -> Option<Message> {
    match success_share(w) {
        Some(s) if s >= 1.0 => None,
        Some(s) if s > 0.0 => Some(crate::msg!(
            "engine-latency-of-succeeded",
            "of the {share} that succeeded",
            share = success_percent(s)
        )),
        _ => Some(no_request_succeeded()),
    }
}

/// Why a latency has no value: nothing succeeded.
#[must_use]
pub fn no_request_succeeded() -> Message {
    crate::msg!("engine-no-request-succeeded", "no request succeeded")
}

/// An SLO's objective in words: "p99 latency", "error rate".
#[must_use]
pub fn objective(v: &SloVerdict) -> Message {
    match v.objective.strip_suffix(" latency") {
        Some(percentile) => {
            crate::msg!("engine-objective-latency", "{percentile} latency", percentile = percentile)
        }
        None if v.objective == "error rate" => crate::msg!("engine-objective-error-rate", "error rate"),
        None => Message::untranslated(v.objective.clone()),
    }
}

/// An objective as shown: a latency objective says whose latency it is when
/// some requests failed ("p99 latency of the 28 % that succeeded").
#[must_use]
pub fn objective_text(report: &Report, v: &SloVerdict) -> Message {
    let objective = objective(v);
    let Some(w) = report.workload(&v.workload).filter(|_| slo_kind(v) == SloKind::Latency) else { return objective };
    let message = match success_share(w) {
        Some(s) if s >= 1.0 => return objective,
        Some(s) if s > 0.0 => crate::msg!(
            "engine-objective-of-succeeded",
            "{objective} of the {share} that succeeded",
            objective = &objective,
            share = success_percent(s)
        ),
        _ => {
            crate::msg!("engine-objective-none-succeeded", "{objective} (no request succeeded)", objective = &objective)
        }
    };
    message.with_list("objective", vec![objective], "")
}

/// Indexes of the SLO verdicts, failing first, then inconclusive, then
/// passing; design order within each.
#[must_use]
pub fn slo_order(slos: &[SloVerdict]) -> Vec<usize> {
    let rank = |v: Verdict| match v {
        Verdict::Fail => 0,
        Verdict::Inconclusive => 1,
        Verdict::Pass => 2,
    };
    let mut order: Vec<usize> = (0..slos.len()).collect();
    order.sort_by_key(|&i| slos.get(i).map_or(3, |s| rank(s.verdict)));
    order
}

/// An edge as a table row names it: "Shoppers → API gateway", and when
/// another edge joins the same two nodes, what tells them apart: the
/// workload it carries ("· workload browse"), else its operation, else its id.
#[must_use]
pub fn edge_label(design: &Design, from: &str, to: &str, id: &str) -> Message {
    let base = format!("{} → {}", design.node_name(from), design.node_name(to));
    let twins = design.edges.iter().filter(|e| e.from == from && e.to == to).count();
    if twins < 2 {
        return Message::untranslated(base);
    }
    let Some(edge) = design.edge(id) else { return Message::untranslated(format!("{base} · {id}")) };
    let op = edge.operation.as_deref().or(edge.target_operation.as_deref());
    let workloads: Vec<&str> = design
        .workloads
        .iter()
        .filter(|w| w.entry == from && op.is_some() && w.operation.as_deref() == op)
        .map(|w| w.name.as_str())
        .collect();
    match (workloads.as_slice(), op) {
        ([], Some(op)) => crate::msg!("engine-edge-row-operation", "{base} · operation {op}", base = &base, op = op),
        ([], None) => Message::untranslated(format!("{base} · {id}")),
        (names, _) => {
            crate::msg!("engine-edge-row-workload", "{base} · workload {names}", base = &base, names = names.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slo(objective: &str, target: f64, mean: f64, ci95: f64) -> SloVerdict {
        SloVerdict {
            workload: "w".into(),
            objective: objective.into(),
            target,
            measured: Estimate { mean, ci95, ..Estimate::default() },
            verdict: Verdict::Pass,
        }
    }

    #[test]
    fn error_rates_read_as_percentages_that_differ_from_their_target() {
        let f = slo_figures(&slo("error rate", 0.005, 0.0021, 0.0003));
        assert_eq!(f.target, "≤ 0.5 %");
        assert_eq!(f.measured_with_ci(), "0.21 % ± 0.03 %");
        let f = slo_figures(&slo("error rate", 0.001, 0.0, 0.0));
        assert_eq!((f.target.as_str(), f.measured_with_ci().as_str()), ("≤ 0.1 %", "0 %"));
        // Close to the target: more digits until they differ.
        let f = slo_figures(&slo("error rate", 0.005, 0.004_999, 0.0));
        assert_eq!(f.measured, "0.4999 %");
        // A tiny interval keeps a significant digit.
        assert_eq!(slo_figures(&slo("error rate", 0.01, 0.02, 0.000_04)).ci, "± 0.004 %");
    }

    #[test]
    fn latencies_carry_ms() {
        let f = slo_figures(&slo("p99 latency", 200.0, 98.31, 2.14));
        assert_eq!((f.target.as_str(), f.measured_with_ci().as_str()), ("≤ 200 ms", "98.3 ms ± 2.1 ms"));
        assert_eq!(ms(0.4123), "0.412 ms");
        assert_eq!(ms(1250.4), "1250 ms");
        assert_eq!(metric(Metric::Errors, 0.0021), "0.21 %");
        assert_eq!(metric(Metric::Throughput, 299.74), "299.7 req/s");
    }

    #[test]
    fn shares_never_round_to_all_or_nothing() {
        assert_eq!(success_percent(0.9996), "99.96 %");
        assert_eq!(success_percent(0.2812), "28 %");
        assert_eq!(success_percent(1.0), "100 %");
        assert_eq!(percent(0.000_012), "0.0012 %");
        assert_eq!(plain(0.1 * 100.0), "10");
        assert_eq!(fixed(-0.0001, 2), "0.00");
    }

    #[test]
    fn failing_verdicts_come_first() {
        let mut a = slo("p99 latency", 1.0, 0.5, 0.0);
        let mut b = slo("error rate", 0.01, 0.5, 0.0);
        let c = slo("error rate", 0.01, 0.5, 0.0);
        a.verdict = Verdict::Pass;
        b.verdict = Verdict::Fail;
        let mut c = c;
        c.verdict = Verdict::Inconclusive;
        assert_eq!(slo_order(&[a, b, c]), vec![1, 2, 0]);
    }
}
