//! The Discovery tab: per discovered service, how its callers found its
//! instances (cache hits, lookups, failed lookups, stale lists) and what
//! crashes cost before the registry evicted the instance (calls to dead
//! instances, crash → eviction time). Without discovery in the run it says
//! how to turn it on.

use egui::{RichText, Ui};
use engine::Design;
use engine::sim::Report;

use super::tables::{Row, TableState, count, none, num, row, table, text};
use crate::gui::action::Action;
use crate::gui::i18n::{tr, tr_args};

/// Column titles (catalogue keys).
pub const HEADERS: [&str; 15] = [
    "col-service",
    "col-mode",
    "col-registry",
    "col-calls",
    "col-cache-hit-pct",
    "col-lookups",
    "col-lookup-failures",
    "col-stale-routed",
    "col-failed-for-no-list",
    "col-calls-to-dead",
    "col-crashes",
    "col-evictions",
    "col-crash-to-eviction-mean",
    "col-crash-to-eviction-max",
    "col-lookups-per-s",
];

/// The column sorted by default: calls sent to dead instances, the cost of
/// slow eviction users look for first.
pub const DEFAULT_SORT: usize = 9;

/// A duration given in milliseconds, in seconds once it is long: `850 ms`, `25.3 s`.
#[must_use]
pub fn fmt_duration_ms(ms: f64) -> String {
    if ms.abs() >= 1000.0 {
        let s = ms / 1000.0;
        if s.abs() >= 100.0 { format!("{s:.0} s") } else { format!("{s:.1} s") }
    } else {
        format!("{} ms", format_ms(ms))
    }
}

fn format_ms(ms: f64) -> String {
    let digits = super::ms_digits(ms);
    format!("{ms:.digits$}")
}

fn duration(ms: f64, evictions: u64) -> (String, super::tables::Key) {
    if evictions == 0 { none() } else { (fmt_duration_ms(ms), super::tables::Key::Num(ms)) }
}

/// "server-side" / "client-side" from the report's snake_case mode.
fn mode_words(mode: &str) -> String {
    match mode {
        "client_side" => tr("discovery-mode-client-side"),
        "server_side" => tr("discovery-mode-server-side"),
        other => other.replace('_', "-"),
    }
}

/// Rows of the discovery table. Figures that only client-side callers have
/// (cache, lookups) read "—" for server-side services.
#[must_use]
pub fn rows(report: &Report, design: &Design) -> Vec<Row> {
    report
        .discovery
        .iter()
        .map(|d| {
            let client = d.mode == "client_side";
            let platform = tr("results-discovery-platform");
            let registry = d.registry.as_deref().map_or(platform.as_str(), |r| design.node_name(r));
            let client_only = |cell: (String, super::tables::Key)| if client { cell } else { none() };
            row(
                &d.id,
                vec![
                    text(&d.name),
                    text(&mode_words(&d.mode)),
                    text(registry),
                    count(d.calls),
                    client_only((
                        format!("{:.1} %", d.cache_hit_ratio * 100.0),
                        super::tables::Key::Num(d.cache_hit_ratio),
                    )),
                    client_only(count(d.lookups)),
                    client_only(count(d.lookup_failures)),
                    client_only(count(d.stale_routed)),
                    client_only(count(d.lookup_failed_calls)),
                    count(d.calls_to_dead),
                    count(d.crashes),
                    count(d.evictions),
                    duration(d.mean_eviction_ms, d.evictions),
                    duration(d.max_eviction_ms, d.evictions),
                    client_only(num(d.registry_lookups_per_s, 2)),
                ],
                d.calls_to_dead > 0 || d.lookup_failed_calls > 0,
            )
        })
        .collect()
}

/// A line of totals over the discovered services.
#[must_use]
pub fn summary_line(report: &Report) -> String {
    let services = report.discovery.len();
    let dead: u64 = report.discovery.iter().map(|d| d.calls_to_dead).sum();
    let crashes: u64 = report.discovery.iter().map(|d| d.crashes).sum();
    let evictions: u64 = report.discovery.iter().map(|d| d.evictions).sum();
    let worst = report
        .discovery
        .iter()
        .filter(|d| d.evictions > 0)
        .map(|d| d.max_eviction_ms)
        .fold(None, |m, v| Some(m.map_or(v, |m: f64| m.max(v))));
    let mut line = tr_args(
        "discovery-totals",
        &[
            ("services", services.into()),
            ("crashes", crashes.into()),
            ("evictions", evictions.into()),
            ("dead", dead.into()),
        ],
    );
    if let Some(w) = worst {
        line.push_str(&tr_args("discovery-slowest", &[("time", fmt_duration_ms(w).into())]));
    }
    line
}

/// The tab. `design_has_discovery` tells whether the design on screen uses
/// discovery (so an older run without it asks for a new run).
pub fn tab(
    ui: &mut Ui,
    state: &mut TableState,
    report: &Report,
    design: &Design,
    design_has_discovery: bool,
    actions: &mut Vec<Action>,
) {
    if report.discovery.is_empty() {
        empty(ui, design_has_discovery);
        return;
    }
    ui.label(summary_line(report)).on_hover_text(tr("results-discovery-hint"));
    ui.add_space(2.0);
    if let Some(id) = table(ui, "discovery-table", &HEADERS, rows(report, design), &mut state.discovery) {
        actions.push(Action::Focus(id));
    }
}

fn empty(ui: &mut Ui, design_has_discovery: bool) {
    if design_has_discovery {
        ui.label(tr("results-discovery-this-run-has-no-service"));
        return;
    }
    ui.label(RichText::new(tr("results-discovery-no-service-in-this-run")).strong());
    ui.add_space(4.0);
    ui.label(tr("results-discovery-to-see-how-callers-find"));
    ui.label(tr("results-discovery-1-add-a-service-registry"));
    ui.label(tr("results-discovery-2-select-a-service-in"));
    ui.label(tr("results-discovery-3-add-a-crash-fault"));
    ui.add_space(4.0);
    ui.weak(tr("results-discovery-client-side-callers-cache-the"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_durations_read_in_seconds() {
        assert_eq!(fmt_duration_ms(850.0), "850 ms");
        assert_eq!(fmt_duration_ms(2.5), "2.50 ms");
        assert_eq!(fmt_duration_ms(25_300.0), "25.3 s");
        assert_eq!(fmt_duration_ms(125_000.0), "125 s");
    }
}
