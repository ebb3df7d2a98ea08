//! The results view: a dock under the canvas with tabs for the summary,
//! tables, plots, traces, service discovery, explanations, comparisons and
//! the chaos timeline.
//! It reads the run shown ([`crate::gui::run::Runs::current`]) and never
//! edits the design itself: fault edits leave as commands.

pub mod compare;
pub mod discovery;
pub mod emulation;
pub mod explain;
pub mod export;
pub mod faults;
pub mod load;
pub mod plots;
pub mod resilience;
pub mod summary;
pub mod tables;
pub mod traces;

use std::collections::BTreeSet;

use egui::{RichText, Ui};
use engine::sim::Estimate;

use crate::gui::action::Action;
use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args};
use crate::gui::panels::timeline;
use crate::gui::style;

/// The tabs of the results dock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tab {
    /// Cards per workload, SLOs, warnings.
    Summary,
    /// Explanations in words.
    Explain,
    /// Plots over simulated time.
    Plots,
    /// Per-node table.
    Nodes,
    /// Per-edge table.
    Edges,
    /// Per-broker table.
    Brokers,
    /// Per discovered service: lookups, cache, crashes and evictions.
    Discovery,
    /// Trace waterfall.
    Traces,
    /// Baseline diff and what-if sweeps.
    Compare,
    /// The live emulation: ports, live figures, measured vs simulated.
    Emulation,
    /// Chaos timeline (fault editing).
    Chaos,
}

impl Tab {
    /// Every tab, in display order.
    pub const ALL: [Self; 11] = [
        Self::Summary,
        Self::Explain,
        Self::Plots,
        Self::Nodes,
        Self::Edges,
        Self::Brokers,
        Self::Discovery,
        Self::Traces,
        Self::Compare,
        Self::Emulation,
        Self::Chaos,
    ];

    /// The tab's title, in the UI's language.
    #[must_use]
    pub fn title(self) -> String {
        tr(self.key())
    }

    /// The catalogue key of the tab's title; without its `tab-` prefix, the
    /// tab's name for `SWITCHBOARD_SCREENSHOT_TAB` in every language.
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Self::Summary => "tab-summary",
            Self::Explain => "tab-why",
            Self::Plots => "tab-plots",
            Self::Nodes => "tab-nodes",
            Self::Edges => "tab-edges",
            Self::Brokers => "tab-brokers",
            Self::Discovery => "tab-discovery",
            Self::Traces => "tab-traces",
            Self::Compare => "tab-compare",
            Self::Emulation => "tab-emulation",
            Self::Chaos => "tab-chaos",
        }
    }
}

/// Transient state of the results view.
#[derive(Debug)]
pub struct ResultsView {
    /// The dock is shown.
    pub open: bool,
    /// The tab shown.
    pub tab: Tab,
    /// Table sorting.
    pub tables: tables::TableState,
    /// Nodes picked for the per-node plots (empty: the busiest few).
    pub picked_nodes: BTreeSet<String>,
    /// Colour the canvas by the run's figures.
    pub overlay: bool,
    /// The time window the canvas overlay shows (`None`: the whole run).
    pub window: Option<usize>,
    /// The scrubber replays windows one after another.
    pub playing: bool,
    pub(crate) play_clock_s: f64,
    /// The trace shown in the waterfall (out of range: the slowest).
    pub trace: usize,
    /// Chaos timeline interaction.
    pub timeline: timeline::TimelineState,
    /// The tab a screenshot of the results shows.
    pub(crate) screenshot_tab: Option<Tab>,
    /// The dock takes (almost) the whole window.
    pub maximised: bool,
}

impl Default for ResultsView {
    fn default() -> Self {
        Self {
            open: false,
            tab: Tab::Summary,
            tables: tables::TableState::default(),
            picked_nodes: BTreeSet::new(),
            overlay: true,
            window: None,
            playing: false,
            play_clock_s: 0.0,
            trace: usize::MAX,
            timeline: timeline::TimelineState::default(),
            screenshot_tab: None,
            maximised: false,
        }
    }
}

impl ResultsView {
    /// A new run arrived: show its summary from the start.
    /// Another design is opened: close the dock, clear the scrubber.
    pub fn leave_design(&mut self) {
        self.open = false;
        self.window = None;
        self.playing = false;
        self.trace = usize::MAX;
        self.picked_nodes.clear();
    }

    /// A new run is shown: back to its summary unless working elsewhere.
    pub fn reset_for_new_run(&mut self) {
        if let Some(tab) = self.screenshot_tab {
            self.tab = tab;
        } else if matches!(self.tab, Tab::Chaos | Tab::Compare | Tab::Emulation) {
            // The user is working there: stay.
        } else {
            self.tab = Tab::Summary;
        }
        self.window = None;
        self.playing = false;
        self.trace = usize::MAX;
    }
}

/// A figure with its confidence interval: `12.3 ± 0.4`.
#[must_use]
pub fn fmt_est(e: &Estimate, digits: usize) -> String {
    if e.ci95 > 0.0 { format!("{:.digits$} ± {:.digits$}", e.mean, e.ci95) } else { format!("{:.digits$}", e.mean) }
}

/// Digits that suit a latency in milliseconds.
#[must_use]
pub fn ms_digits(v: f64) -> usize {
    if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else {
        2
    }
}

/// A latency with its interval, in ms.
#[must_use]
pub fn fmt_ms(e: &Estimate) -> String {
    format!("{} ms", fmt_est(e, ms_digits(e.mean)))
}

/// A share as a percentage with its interval, significant digits kept
/// ("0.21 % ± 0.03 %", never "0.00 ± 0.00").
#[must_use]
pub fn fmt_pct(e: &Estimate) -> String {
    engine::units::percent_est(e)
}

/// The run's verdict in one line, failures first, and whether it is bad:
/// "FAIL: 1 of 2 SLOs missed (checkout p99 latency) · unstable" or
/// "All 2 SLOs met · stable".
#[must_use]
pub fn verdict_line(report: &engine::sim::Report) -> (String, bool) {
    use engine::sim::report::Verdict;
    let failed: Vec<String> = report
        .slos
        .iter()
        .filter(|s| s.verdict == Verdict::Fail)
        .map(|s| {
            format!("{} {}", style::one_line(&s.workload), crate::gui::i18n::tr_message(&engine::units::objective(s)))
        })
        .collect();
    let unsure = report.slos.iter().filter(|s| s.verdict == Verdict::Inconclusive).count();
    let mut parts = Vec::new();
    if report.unstable {
        parts.push(tr("verdict-unstable"));
    }
    if !failed.is_empty() {
        parts.push(tr_args(
            "verdict-fail",
            &[
                ("failed", failed.len().into()),
                ("slos", style::count(report.slos.len(), "count-slo").into()),
                ("list", failed.join(", ").into()),
            ],
        ));
    }
    if unsure > 0 {
        parts.push(tr_args("verdict-inconclusive", &[("slos", style::count(unsure, "count-slo").into())]));
    }
    let bad = report.unstable || !failed.is_empty();
    if parts.is_empty() {
        parts.push(if report.slos.is_empty() {
            tr("verdict-no-slos")
        } else {
            tr_args("verdict-all-met", &[("slos", style::count(report.slos.len(), "count-slo").into())])
        });
    }
    (parts.join(" · "), bad)
}

/// Show the results dock at the bottom of the window.
pub fn dock(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if !app.results.open {
        return;
    }
    // A third of the window at most at first, so the design above stays readable.
    let default_h = (ui.available_height() * 0.36).clamp(200.0, 330.0);
    let mut panel = egui::Panel::bottom("results-dock").resizable(true).default_size(default_h).min_size(120.0);
    if app.results.maximised {
        // Leave a strip of canvas so the design stays in sight.
        let full = (ui.available_height() - 80.0).max(120.0);
        panel = egui::Panel::bottom("results-dock-maximised").resizable(false).exact_size(full);
    }
    panel.show(ui, |ui| {
        ui.horizontal(|ui| {
            // The Discovery tab stays reachable (it explains how to turn
            // discovery on) but reads dimmed while the run has none.
            let no_discovery = app.runs.current().is_none_or(|r| r.report.discovery.is_empty());
            for tab in Tab::ALL {
                let title = if tab == Tab::Discovery && no_discovery && app.results.tab != tab {
                    RichText::new(tab.title()).weak()
                } else {
                    RichText::new(tab.title())
                };
                ui.selectable_value(&mut app.results.tab, tab, title);
            }
            ui.separator();
            ui.checkbox(&mut app.results.overlay, tr("results-canvas-overlay"));
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                if ui.button("✕").on_hover_text(tr("results-hide-the-results-view-results")).clicked() {
                    app.results.open = false;
                }
                let (label, tip) = if app.results.maximised {
                    ("results-restore-size", "results-restore-hint")
                } else {
                    ("results-maximise", "results-maximise-hint")
                };
                if ui.button(tr(label)).on_hover_text(tr(tip)).clicked() {
                    app.results.maximised = !app.results.maximised;
                }
                export::menu(ui, app);
                history_ui(ui, app);
            });
        });
        if let Some(caption) = app.results_caption().filter(|_| app.results.tab != Tab::Emulation) {
            ui.label(RichText::new(tr_args("results-of", &[("caption", caption.into())])).strong());
        }
        if let Some(run) = app.runs.current().filter(|_| app.results.tab != Tab::Emulation) {
            let (text, bad) = verdict_line(&run.report);
            let color = if bad { style::error_text(ui) } else { ui.visuals().text_color() };
            ui.label(RichText::new(text).color(color).strong());
        }
        if app.results_stale() && !matches!(app.results.tab, Tab::Chaos | Tab::Emulation) {
            ui.colored_label(style::WARNING_COLOR, tr("results-stale-the-design-changed-since"));
        }
        ui.separator();
        let tab = app.results.tab;
        if tab == Tab::Chaos {
            timeline::panel(ui, app, actions);
            return;
        }
        if tab == Tab::Compare {
            compare::tab(ui, app);
            return;
        }
        if tab == Tab::Emulation {
            emulation::tab(ui, app);
            return;
        }
        let Some(run) = app.runs.current().cloned() else {
            ui.weak(tr("results-no-results-yet-press-run"));
            return;
        };
        let report = &run.report;
        match tab {
            Tab::Summary => summary::tab(ui, report, &run.design),
            Tab::Explain => explain::tab(ui, report, &run.design, actions),
            Tab::Plots => plots::tab(ui, app, &run),
            Tab::Nodes => tables::nodes(ui, &mut app.results.tables, report, actions),
            Tab::Edges => tables::edges(ui, &mut app.results.tables, report, &run.design),
            Tab::Brokers => tables::brokers(ui, &mut app.results.tables, report),
            Tab::Discovery => {
                let design_has_discovery = app.design().nodes.iter().any(|n| n.discovery.is_some());
                discovery::tab(ui, &mut app.results.tables, report, &run.design, design_has_discovery, actions);
            }
            Tab::Traces => traces::tab(ui, &mut app.results.trace, report, &run.design, actions),
            Tab::Compare | Tab::Chaos | Tab::Emulation => {}
        }
    });
}

fn history_ui(ui: &mut Ui, app: &mut SwitchboardApp) {
    let Some(current) = app.runs.current().map(|r| (r.id, r.label.clone())) else { return };
    let mut shown = current.0;
    egui::ComboBox::from_id_salt("results-run")
        .selected_text(RichText::new(tr_args("results-run", &[("run", current.1.as_str().into())])))
        .show_ui(ui, |ui| {
            for r in app.runs.history.iter().rev() {
                let label = if Some(r.id) == app.runs.baseline {
                    tr_args("results-run-baseline", &[("run", r.label.as_str().into())])
                } else {
                    r.label.clone()
                };
                ui.selectable_value(&mut shown, r.id, label);
            }
        });
    if shown != current.0 {
        app.runs.shown = Some(shown);
        app.results.window = None;
    }
}
