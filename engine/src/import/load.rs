//! The placeholder load of an imported design: the files say nothing about
//! traffic, so the rate is invented, but it is chosen so that the capacity
//! estimate keeps every node below ρ 0.5. An imported design is then stable
//! as imported, and its first run shows the shape of the system rather than
//! an overload the user never asked for.

use super::build::{Builder, MAX_PLACEHOLDER_UTILIZATION, PLACEHOLDER_RATE_PER_S, WORKLOAD_NAME};
use crate::model::Arrival;
use crate::msg;

/// Target utilization below the bound, so rounding the rate down keeps it.
const TARGET_UTILIZATION: f64 = 0.45;

/// Lower the placeholder rate until the estimate's busiest node is below
/// ρ 0.5 (utilization is proportional to an open workload's rate), and say
/// what was chosen.
pub(super) fn size_placeholder_load(b: &mut Builder) {
    let Some(index) = b.design.workloads.iter().position(|w| w.name == WORKLOAD_NAME) else { return };
    let (busiest, rho) = busiest(b);
    let rate_per_s = if rho.is_finite() && rho >= MAX_PLACEHOLDER_UTILIZATION {
        // Two significant digits, rounded down; dividing by an exact power
        // of ten keeps the printed figure short (4.4, not 4.4000000000000004).
        let exact = PLACEHOLDER_RATE_PER_S * TARGET_UTILIZATION / rho;
        #[allow(clippy::cast_possible_truncation, reason = "a small exponent, clamped")]
        let decimals = (1.0 - exact.log10().floor()).clamp(0.0, 9.0) as i32;
        let scale = 10f64.powi(decimals);
        ((exact * scale).floor() / scale).max(1e-9)
    } else {
        PLACEHOLDER_RATE_PER_S
    };
    if let Some(Arrival::Open { rate_per_s: r, .. }) = b.design.workloads.get_mut(index).map(|w| &mut w.arrival) {
        *r = rate_per_s;
    }
    let (busiest, rho) =
        if (rate_per_s - PLACEHOLDER_RATE_PER_S).abs() > f64::EPSILON { self::busiest(b) } else { (busiest, rho) };
    if rho.is_finite() {
        let (limit, rho) = (MAX_PLACEHOLDER_UTILIZATION, format!("{rho:.2}"));
        b.note(msg!("engine-import-placeholder-load", "traffic is a placeholder: {rate_per_s} requests/s, chosen so the estimate keeps every node below ρ {limit} (busiest: {busiest} at ρ {rho})", rate_per_s = rate_per_s, limit = limit, busiest = busiest, rho = rho));
    } else {
        b.note(msg!("engine-import-placeholder-load-infinite", "traffic is a placeholder: {rate_per_s} requests/s; the estimate finds no finite load ({busiest}): check loops", rate_per_s = rate_per_s, busiest = busiest));
    }
}

/// The node with the highest estimated utilization, and that utilization.
fn busiest(b: &Builder) -> (String, f64) {
    let estimate = crate::capacity::estimate(&b.design);
    estimate.nodes.iter().filter_map(|n| Some((n.id.clone(), n.utilization?))).fold(
        (String::from("none"), 0.0),
        |best, (id, rho)| {
            if rho.is_nan() || rho <= best.1 { best } else { (id, rho) }
        },
    )
}
