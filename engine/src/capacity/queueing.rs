//! Queueing formulas of the estimate: Erlang C (the chance an arrival
//! waits), Erlang B (the chance it is turned away) and the M/M/c waiting
//! time scaled by the service time's variability (Allen–Cunneen).

/// Erlang C: probability that an arrival waits, for c servers and offered load a = λ/μ.
fn erlang_c(c: u32, a: f64) -> f64 {
    let rho = a / f64::from(c);
    if rho >= 1.0 {
        return 1.0;
    }
    let b = erlang_b(c, a);
    b / (1.0 - rho * (1.0 - b))
}

/// Erlang B (blocking probability of c servers under offered load a) by its
/// stable recursion `B(k) = a·B(k−1) / (k + a·B(k−1))`.
///
/// The recursion is a contraction, so it need not start at k = 0: far below
/// `a` (40 standard deviations of a Poisson(a)), `B(k) ≈ 1 − k/a` and the
/// starting error dies out long before `k` reaches `a`. Far above `a`, `B`
/// underflows and stays 0. Either way the work is O(√a), not O(c): a node
/// with millions of workers (valid input) must not stall the editor, which
/// re-estimates on every edit.
pub(super) fn erlang_b(c: u32, a: f64) -> f64 {
    let start = (a - 40.0 * a.sqrt() - 10.0).floor();
    let (mut b, first) = if start >= 1.0 && start < f64::from(c) {
        // In range of u32: `start` < c.
        ((a - start) / a, start as u32 + 1)
    } else {
        (1.0, 1)
    };
    for k in first..=c {
        b = a * b / (f64::from(k) + a * b);
        if b < 1e-300 {
            return 0.0;
        }
    }
    b
}

/// Mean M/M/c waiting time scaled by (1 + scv)/2.
pub(super) fn wait_ms(lambda_per_ms: f64, holding_ms: f64, servers: u32, scv: f64) -> f64 {
    if lambda_per_ms <= 0.0 || holding_ms <= 0.0 {
        return 0.0;
    }
    let a = lambda_per_ms * holding_ms;
    let c = f64::from(servers.max(1));
    if a >= c {
        return f64::INFINITY;
    }
    let mu = 1.0 / holding_ms;
    erlang_c(servers.max(1), a) / (c * mu - lambda_per_ms) * (1.0 + scv) / 2.0
}
