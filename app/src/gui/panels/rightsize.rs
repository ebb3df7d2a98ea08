//! Right-size… and Headroom…: the engine's tune and headroom searches run
//! on a worker thread (as simulation runs do, [`crate::gui::run::Worker`])
//! with progress and Cancel; the dialog then shows what they found. Tune's
//! proposal is applied as one `Command::Batch` (one undo step,
//! [`super::rightsize_tuned`]); its controls are [`super::rightsize_setup`].

use std::sync::{Arc, Mutex, PoisonError};

use egui::{Color32, Id, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points};
use engine::Design;
use engine::rightsize::headroom::{Headroom, HeadroomOptions, HeadroomPoint, headroom};
use engine::rightsize::tune::{TuneError, TuneOptions, TunePoint, Tuned, Vary, pareto_front, tune_observed};
use engine::sim::SimError;

use crate::gui::action::Action;
use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args, tr_messages};
use crate::gui::run::Worker;
use crate::gui::style;

/// Which search.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// The cheapest replicas that pass every SLO.
    Tune,
    /// The highest rate scale at which every SLO passes.
    Headroom,
}

/// What a search ended with.
#[derive(Debug)]
enum Outcome {
    Tuned(Box<Tuned>),
    Headroom(Box<Headroom>),
    /// The design has no SLOs to pass.
    NoSlos,
    /// Workers may vary but this node has no per-worker CPU figure.
    NoWorkerCpu(String),
}

/// What a tune may change and which scenarios it must pass, as the dialog's
/// controls set them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setup {
    /// Replicas, workers, queues.
    pub vary: Vary,
    /// Scenarios that must all pass (none: the design as drawn).
    pub scenarios: Vec<String>,
}

/// Candidates tried so far, shared with the worker.
#[derive(Debug, Default)]
struct Live {
    tune: Vec<TunePoint>,
    headroom: Vec<HeadroomPoint>,
}

/// The dialog and its job.
#[derive(Debug)]
pub struct Dialog {
    kind: Kind,
    design: Arc<Design>,
    doc_id: u64,
    revision: u64,
    max_runs: u32,
    live: Arc<Mutex<Live>>,
    job: Option<Worker<Outcome>>,
    result: Option<Result<Outcome, String>>,
    /// The tune's controls.
    pub setup: Setup,
    /// Start (again) with the current design on the next frame.
    relaunch: bool,
}

/// The app's right-sizing state.
#[derive(Debug, Default)]
pub struct RightsizeState {
    /// The dialog on screen.
    pub dialog: Option<Dialog>,
}

impl RightsizeState {
    /// A search is running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.dialog.as_ref().is_some_and(|d| d.job.is_some())
    }

    /// The search ended and its result is shown.
    #[must_use]
    pub fn has_result(&self) -> bool {
        self.dialog.as_ref().is_some_and(|d| d.result.is_some())
    }
}

/// Open Right-size… with its controls, nothing started yet (the menu's
/// action: the user picks what may vary and the scenarios to hold first).
pub fn open_tune(app: &mut SwitchboardApp) {
    let setup = app.rightsize.dialog.as_ref().map(|d| d.setup.clone()).unwrap_or_default();
    app.rightsize.dialog = Some(Dialog {
        kind: Kind::Tune,
        design: Arc::new(app.design().clone()),
        doc_id: app.doc.id(),
        revision: app.doc.revision(),
        max_runs: TuneOptions::default().max_runs,
        live: Arc::new(Mutex::new(Live::default())),
        job: None,
        result: None,
        setup,
        relaunch: false,
    });
}

/// Start a search of the open design and open its dialog (a tune with the
/// default controls: replicas, the design as drawn).
pub fn start(app: &mut SwitchboardApp, ctx: &egui::Context, kind: Kind) {
    start_with(app, ctx, kind, Setup::default());
}

/// Start a search with these controls.
pub fn start_with(app: &mut SwitchboardApp, ctx: &egui::Context, kind: Kind, setup: Setup) {
    let design = Arc::new(app.design().clone());
    let live = Arc::new(Mutex::new(Live::default()));
    let (for_job, shared) = (Arc::clone(&design), Arc::clone(&live));
    let tune_options = TuneOptions { vary: setup.vary, scenarios: setup.scenarios.clone(), ..TuneOptions::default() };
    let headroom_options = HeadroomOptions::default();
    let max_runs = match kind {
        Kind::Tune => tune_options.max_runs,
        Kind::Headroom => headroom_options.max_runs,
    };
    let repaint = ctx.clone();
    let job = Worker::start("rightsize", Some(ctx.clone()), move |control| match kind {
        Kind::Tune => {
            let found = tune_observed(&for_job, &tune_options, control, |p| {
                shared.lock().unwrap_or_else(PoisonError::into_inner).tune.push(p.clone());
                repaint.request_repaint();
            });
            match found {
                Ok(t) => Ok(Outcome::Tuned(Box::new(t))),
                Err(TuneError::NoSlos) => Ok(Outcome::NoSlos),
                Err(TuneError::NoWorkerCpu(node)) => Ok(Outcome::NoWorkerCpu(node)),
                Err(TuneError::Sim(e)) => Err(e),
                Err(e @ (TuneError::UnknownNode(_) | TuneError::UnknownScenario(_))) => {
                    Err(SimError::Internal(e.to_string()))
                }
            }
        }
        Kind::Headroom => {
            if for_job.slos.is_empty() {
                return Ok(Outcome::NoSlos);
            }
            let h = headroom(&for_job, &headroom_options, control, |p| {
                shared.lock().unwrap_or_else(PoisonError::into_inner).headroom.push(p.clone());
                repaint.request_repaint();
            })?;
            Ok(Outcome::Headroom(Box::new(h)))
        }
    });
    let (job, result) = match job {
        Ok(j) => (Some(j), None),
        Err(e) => (None, Some(Err(format!("{e:#}")))),
    };
    app.rightsize.dialog = Some(Dialog {
        kind,
        design,
        doc_id: app.doc.id(),
        revision: app.doc.revision(),
        max_runs,
        live,
        job,
        result,
        setup,
        relaunch: false,
    });
}

/// Pick the job's result up once it has ended.
fn poll(d: &mut Dialog) {
    let Some(r) = d.job.as_ref().and_then(Worker::poll) else { return };
    d.job = None;
    d.result = Some(match r {
        Ok(o) => Ok(o),
        Err(SimError::Cancelled) => Err(tr("rightsize-cancelled")),
        Err(e) => Err(e.to_string()),
    });
}

/// Show the dialog, if open.
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    if let Some(d) = app.rightsize.dialog.as_ref().filter(|d| d.relaunch) {
        let (kind, setup) = (d.kind, d.setup.clone());
        start_with(app, ctx, kind, setup);
    }
    let Some(d) = app.rightsize.dialog.as_mut() else { return };
    poll(d);
    if d.job.is_some() {
        ctx.request_repaint_after(std::time::Duration::from_millis(100));
    }
    let stale = d.doc_id != app.doc.id() || d.revision != app.doc.revision();
    let mut close = false;
    let title = match d.kind {
        Kind::Tune => tr("rightsize-title"),
        Kind::Headroom => tr("headroom-title"),
    };
    egui::Window::new(title)
        .id(Id::new("rightsize-dialog"))
        .collapsible(false)
        .resizable(true)
        .default_size([760.0, 700.0])
        .min_width(640.0)
        .min_height(640.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical().auto_shrink([false, false]).show(ui, |ui| {
                body(ui, d, stale, actions, &mut close);
            });
        });
    if close {
        app.rightsize.dialog = None;
    }
}

fn body(ui: &mut Ui, d: &mut Dialog, stale: bool, actions: &mut Vec<Action>, close: &mut bool) {
    if d.kind == Kind::Tune {
        super::rightsize_setup::controls(ui, &d.design, &mut d.setup, d.job.is_some(), &mut d.relaunch);
        ui.separator();
    }
    if let Some(job) = &d.job {
        let runs = {
            let live = d.live.lock().unwrap_or_else(PoisonError::into_inner);
            match d.kind {
                Kind::Tune => live.tune.last().map_or(0, |p| p.runs),
                Kind::Headroom => live.headroom.len() as u32,
            }
        };
        let run_part = job.progress().fraction().clamp(0.0, 1.0);
        let fraction = ((f64::from(runs) + run_part) / f64::from(d.max_runs.max(1))).clamp(0.0, 1.0);
        ui.horizontal(|ui| {
            ui.spinner();
            ui.label(tr_args("rightsize-running", &[("runs", runs.into()), ("max", d.max_runs.into())]));
        });
        ui.add(egui::ProgressBar::new(fraction as f32).show_percentage());
        if ui.button(tr("rightsize-cancel")).clicked() {
            job.cancel();
        }
    }
    let live = d.live.lock().unwrap_or_else(PoisonError::into_inner);
    match &d.result {
        None => {}
        Some(Err(e)) => {
            ui.colored_label(style::error_text(ui), e);
        }
        Some(Ok(Outcome::NoSlos)) => {
            ui.colored_label(style::warning_text(ui), tr("rightsize-no-slos"));
        }
        Some(Ok(Outcome::NoWorkerCpu(node))) => {
            let name = d.design.node(node).map_or(node.as_str(), |n| n.name.as_str());
            ui.colored_label(style::warning_text(ui), tr_args("rightsize-no-worker-cpu", &[("node", name.into())]));
        }
        Some(Ok(Outcome::Tuned(t))) => super::rightsize_tuned::show(ui, &d.design, t, stale, actions, close),
        Some(Ok(Outcome::Headroom(h))) => headroom_ui(ui, h),
    }
    match d.kind {
        Kind::Tune => tune_plot(ui, &live.tune),
        Kind::Headroom => {
            let points = match &d.result {
                Some(Ok(Outcome::Headroom(h))) => h.points.as_slice(),
                _ => live.headroom.as_slice(),
            };
            headroom_plot(ui, points);
        }
    }
    drop(live);
    ui.separator();
    if ui.button(tr("rightsize-close")).clicked() {
        if let Some(job) = &d.job {
            job.cancel();
        }
        *close = true;
    }
}

fn headroom_ui(ui: &mut Ui, h: &Headroom) {
    let scale = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |x| format!("×{x:.3}"));
    egui::Grid::new("headroom-result").num_columns(2).spacing([16.0, 4.0]).show(ui, |ui| {
        ui.label(tr("headroom-scale"));
        ui.strong(scale(h.scale));
        ui.end_row();
        ui.label(tr("headroom-interval"));
        ui.label(format!("{} .. {}", scale(h.scale), scale(h.fails_from)));
        ui.end_row();
        ui.label(tr("headroom-estimate"));
        ui.label(scale(h.estimate));
        ui.end_row();
        if let Some(o) = h.offered_per_s {
            ui.label(tr("headroom-offered"));
            ui.label(format!("{o:.1} req/s"));
            ui.end_row();
        }
        ui.label(tr("headroom-saturates-first"));
        ui.label(h.saturates_first.as_ref().map_or_else(
            || "–".to_owned(),
            |b| format!("{} ({:.0} %, {})", b.name, b.utilization * 100.0, scale(h.saturates_at_scale)),
        ));
        ui.end_row();
        ui.label(tr("headroom-analytic"));
        let a = &h.analytic;
        ui.label(a.saturation_scale.map_or_else(
            || "–".to_owned(),
            |s| format!("{} ({})", scale(Some(s)), a.name.clone().unwrap_or_default()),
        ));
        ui.end_row();
        ui.label(tr("headroom-runs"));
        ui.label(h.runs.to_string());
        ui.end_row();
    });
    // The run where the search first saw a failure: unstable (said in the
    // UI's language), or the SLOs that did not pass (workload, objective, verdict).
    let first = h.saturates_at_scale.and_then(|x| h.points.iter().find(|p| p.scale == x));
    if first.is_some_and(|p| p.unstable) {
        ui.label(tr("headroom-first-unstable"));
    }
    let slos: Vec<engine::message::Message> = first
        .map(|p| p.not_passing.iter().filter(|s| !p.unstable || !s.starts_with("unstable at")).cloned().collect())
        .unwrap_or_default();
    if !slos.is_empty() {
        ui.label(tr_args("headroom-first-failing", &[("slos", tr_messages(&slos, ", ").into())]));
    }
    if h.run_cap_hit {
        ui.colored_label(style::warning_text(ui), tr("headroom-cap-hit"));
    }
}

fn tune_plot(ui: &mut Ui, points: &[TunePoint]) {
    if points.is_empty() {
        return;
    }
    ui.label(RichText::new(tr("rightsize-plot")).strong());
    let xy = |p: &TunePoint| p.cost.map(|c| [c, p.p99_ms]);
    let tried: Vec<[f64; 2]> = points.iter().filter_map(xy).collect();
    let front: Vec<[f64; 2]> = pareto_front(points).into_iter().filter_map(|i| points.get(i)).filter_map(xy).collect();
    let passing: Vec<[f64; 2]> = points.iter().filter(|p| p.all_pass).filter_map(xy).collect();
    if tried.is_empty() {
        ui.weak(tr("rightsize-no-cost-plot"));
        return;
    }
    Plot::new("rightsize-plot")
        .height(200.0)
        .legend(Legend::default().text_style(egui::TextStyle::Small))
        .x_axis_label(tr("axis-cost-per-month"))
        .y_axis_label(tr("axis-p99-ms"))
        .show(ui, |p| {
            p.points(Points::new(tr("legend-tried"), PlotPoints::from(tried)).radius(3.0).color(Color32::GRAY));
            p.line(
                Line::new(tr("legend-pareto"), PlotPoints::from(front.clone())).color(Color32::from_rgb(37, 99, 235)),
            );
            p.points(
                Points::new(tr("legend-pareto"), PlotPoints::from(front))
                    .radius(5.0)
                    .color(Color32::from_rgb(37, 99, 235)),
            );
            p.points(
                Points::new(tr("legend-passing"), PlotPoints::from(passing))
                    .radius(6.0)
                    .filled(false)
                    .color(Color32::from_rgb(22, 163, 74)),
            );
        });
}

fn headroom_plot(ui: &mut Ui, points: &[HeadroomPoint]) {
    if points.is_empty() {
        return;
    }
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a.scale.total_cmp(&b.scale));
    ui.label(RichText::new(tr("headroom-plot")).strong());
    let p99: Vec<[f64; 2]> = sorted.iter().map(|p| [p.scale, p.p99_ms]).collect();
    let errors: Vec<[f64; 2]> = sorted.iter().map(|p| [p.scale, p.error_rate * 100.0]).collect();
    ui.columns(2, |cols| {
        if let [a, b] = cols {
            Plot::new("headroom-p99")
                .height(220.0)
                .x_axis_label(tr("axis-rate-scale"))
                .y_axis_label(tr("axis-p99-ms"))
                .show(a, |p| {
                    let blue = Color32::from_rgb(37, 99, 235);
                    p.line(Line::new("p99", PlotPoints::from(p99.clone())).color(blue));
                    p.points(Points::new("p99", PlotPoints::from(p99)).radius(3.0).color(blue));
                });
            Plot::new("headroom-errors")
                .height(220.0)
                .x_axis_label(tr("axis-rate-scale"))
                .y_axis_label(tr("axis-error-rate"))
                .show(b, |p| {
                    p.line(
                        Line::new(tr("axis-error-rate"), PlotPoints::from(errors.clone())).color(style::ERROR_COLOR),
                    );
                    p.points(
                        Points::new(tr("axis-error-rate"), PlotPoints::from(errors))
                            .radius(3.0)
                            .color(style::ERROR_COLOR),
                    );
                });
        }
    });
}
