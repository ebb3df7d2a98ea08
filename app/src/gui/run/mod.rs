//! Simulation runs from the app: the run bar's choices, the job on a worker
//! thread, and the recent runs kept for the results view and comparisons.
//!
//! A run simulates a snapshot of the design taken when Run was pressed, and
//! remembers the document revision it was taken at: when the document moves
//! on, the results are stale (undoing back to that revision makes them fresh
//! again, as the numbers then describe the design on screen).

pub mod bar;
pub mod emulate;
mod worker;

use std::sync::Arc;

use engine::Design;
use engine::sim::sweep::SweepPoint;
use engine::sim::{Progress, Report, RunOptions, SimError};
use engine::validate::Problem;

pub use self::worker::Worker;
use super::app::SwitchboardApp;
use crate::gui::i18n::{tr, tr_args};

/// Recent runs kept for comparison.
pub const HISTORY_LIMIT: usize = 8;

/// A finished run.
#[derive(Clone, Debug)]
pub struct RunRecord {
    /// Unique within the session, increasing.
    pub id: u64,
    /// What was run, e.g. `#3 Black Friday ×1.5`.
    pub label: String,
    /// The engine's report.
    pub report: Arc<Report>,
    /// The design as simulated (scenario applied).
    pub design: Arc<Design>,
    /// Document revision the run was taken at.
    pub revision: u64,
    /// The document it was taken from ([`crate::gui::document::Document::id`]).
    pub doc_id: u64,
}

/// The run in progress.
#[derive(Debug)]
struct ActiveRun {
    worker: Worker<Report>,
    design: Arc<Design>,
    revision: u64,
    doc_id: u64,
    label: String,
}

/// What a what-if sweep varies.
#[derive(Clone, Debug, PartialEq)]
pub enum SweepKind {
    /// Every open-loop rate multiplied by each value.
    RateScale,
    /// The replicas of one node (by id).
    Replicas(String),
}

/// A what-if sweep: its setup, the job and the points so far.
#[derive(Debug)]
pub struct Sweep {
    /// What is varied.
    pub kind: SweepKind,
    /// From, to and the number of points (rates) / from and to (replicas).
    pub from: f64,
    /// Last value.
    pub to: f64,
    /// Points for rate sweeps.
    pub points: u32,
    /// Results, in sweep order.
    pub results: Vec<SweepPoint>,
    /// The job, while it runs.
    worker: Option<Worker<Vec<SweepPoint>>>,
    /// Why the last sweep failed.
    pub error: Option<String>,
}

impl Default for Sweep {
    fn default() -> Self {
        Self {
            kind: SweepKind::RateScale,
            from: 0.5,
            to: 1.5,
            points: 5,
            results: Vec::new(),
            worker: None,
            error: None,
        }
    }
}

impl Sweep {
    /// Whether a sweep is running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.worker.is_some()
    }

    /// Stop the sweep.
    pub fn stop(&mut self) {
        self.worker = None;
    }

    /// Progress of the point being simulated.
    #[must_use]
    pub fn progress(&self) -> Option<Progress> {
        self.worker.as_ref().map(Worker::progress)
    }

    /// Start a sweep of `design` on a worker thread.
    ///
    /// # Errors
    /// When the thread cannot start.
    pub fn start(&mut self, design: Design, rate_scale: f64, ctx: Option<egui::Context>) -> anyhow::Result<()> {
        let options = RunOptions { rate_scale, ..RunOptions::default() };
        self.results.clear();
        self.error = None;
        let kind = self.kind.clone();
        let (from, to, points) = (self.from, self.to, self.points.clamp(2, 50));
        self.worker = Some(Worker::start("simulation-sweep", ctx, move |control| match kind {
            SweepKind::RateScale => {
                let values: Vec<f64> =
                    (0..points).map(|i| from + (to - from) * f64::from(i) / f64::from(points - 1)).collect();
                engine::sim::sweep::rate_scale(&design, &options, &values, control, |_| {})
            }
            SweepKind::Replicas(node) => {
                let (a, b) = (from.round().max(1.0) as u32, to.round().max(1.0) as u32);
                let counts: Vec<u32> = (a.min(b)..=b.max(a)).take(64).collect();
                engine::sim::sweep::replicas(&design, &options, &node, &counts, control, |_| {})
            }
        })?);
        Ok(())
    }

    /// Collect a finished sweep; a refused design's problems are returned
    /// for the problems panel.
    pub fn poll(&mut self) -> Option<Vec<Problem>> {
        let result = self.worker.as_ref().and_then(Worker::poll)?;
        self.worker = None;
        match result {
            Ok(points) => self.results = points,
            Err(SimError::InvalidDesign(problems)) => {
                self.error = Some(tr("sweep-error"));
                return Some(problems);
            }
            Err(e) => self.error = Some(e.to_string()),
        }
        None
    }
}

/// How the last run ended, when it did not produce results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunNotice {
    /// Stopped by the user.
    Cancelled,
    /// The engine refused the design; the problems are in the problems panel.
    Invalid(usize),
    /// Something else failed.
    Failed(String),
}

/// The run bar's choices, the run in progress and the recent runs.
#[derive(Debug)]
pub struct Runs {
    /// Multiplier of every open-loop rate for the next run.
    pub rate_scale: f64,
    /// Scenario to run (`None`: the design as drawn).
    pub scenario: Option<String>,
    active: Option<ActiveRun>,
    /// Finished runs, oldest first.
    pub history: Vec<RunRecord>,
    /// The run shown in the results view (id).
    pub shown: Option<u64>,
    /// The run pinned as the baseline (id).
    pub baseline: Option<u64>,
    /// How the last run ended, when it failed or was stopped.
    pub notice: Option<RunNotice>,
    /// The what-if sweep.
    pub sweep: Sweep,
    next_id: u64,
}

impl Default for Runs {
    fn default() -> Self {
        Self {
            rate_scale: 1.0,
            scenario: None,
            active: None,
            history: Vec::new(),
            shown: None,
            baseline: None,
            notice: None,
            sweep: Sweep::default(),
            next_id: 1,
        }
    }
}

/// The design a run simulates: the scenario applied.
///
/// # Errors
/// An unknown scenario or one that does not fit the design.
pub fn design_for_run(design: &Design, scenario: Option<&str>) -> Result<Design, String> {
    match scenario {
        Some(name) => design.with_scenario(name),
        None => Ok(design.clone()),
    }
}

impl Runs {
    /// Whether a run is in progress.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.active.is_some()
    }

    /// Progress of the run in progress and the estimated seconds left.
    #[must_use]
    pub fn progress(&self) -> Option<(Progress, Option<f64>)> {
        self.active.as_ref().map(|a| (a.worker.progress(), a.worker.time_left_s()))
    }

    /// Start simulating `design` (already prepared by [`design_for_run`]).
    ///
    /// # Errors
    /// When the worker thread cannot start.
    pub fn start(
        &mut self,
        design: Design,
        (doc_id, revision): (u64, u64),
        ctx: Option<egui::Context>,
    ) -> anyhow::Result<()> {
        let options = RunOptions { rate_scale: self.rate_scale, ..RunOptions::default() };
        let design = Arc::new(design);
        let for_job = Arc::clone(&design);
        let worker =
            Worker::start("simulation-run", ctx, move |control| engine::sim::run(&for_job, &options, control))?;
        let mut label = format!("#{}", self.next_id);
        if let Some(s) = &self.scenario {
            label.push(' ');
            label.push_str(s);
        }
        if (self.rate_scale - 1.0).abs() > 1e-9 {
            label.push_str(&format!(" ×{}", self.rate_scale));
        }
        self.active = Some(ActiveRun { worker, design, revision, doc_id, label });
        self.notice = None;
        Ok(())
    }

    /// Another design is opened: stop what runs for this one and show none
    /// of its results (they stay in the history, named, for Compare).
    pub fn leave_design(&mut self) {
        if let Some(a) = self.active.take() {
            a.worker.cancel();
        }
        self.sweep.stop();
        self.sweep.results.clear();
        self.sweep.error = None;
        self.shown = None;
        self.notice = None;
        self.scenario = None;
    }

    /// Replications the design of the run in progress asks for.
    #[must_use]
    pub fn active_replications(&self) -> Option<u32> {
        self.active.as_ref().map(|a| a.design.simulation.replications)
    }

    /// Stop the run in progress at once.
    pub fn stop(&mut self) {
        if let Some(a) = self.active.take() {
            a.worker.cancel();
            self.notice = Some(RunNotice::Cancelled);
        }
    }

    /// Collect a finished run: `Some` when one ended this frame.
    pub fn poll(&mut self) -> Option<Result<u64, SimError>> {
        let result = self.active.as_ref()?.worker.poll()?;
        let active = self.active.take()?;
        match result {
            Ok(report) => {
                let id = self.next_id;
                self.next_id += 1;
                self.history.push(RunRecord {
                    id,
                    label: active.label,
                    report: Arc::new(report),
                    design: active.design,
                    revision: active.revision,
                    doc_id: active.doc_id,
                });
                if self.history.len() > HISTORY_LIMIT {
                    // Keep the pinned baseline however old it is.
                    if let Some(pos) = self.history.iter().position(|r| Some(r.id) != self.baseline) {
                        self.history.remove(pos);
                    }
                }
                self.shown = Some(id);
                Some(Ok(id))
            }
            Err(e) => {
                self.notice = Some(match &e {
                    SimError::Cancelled => RunNotice::Cancelled,
                    SimError::InvalidDesign(p) => RunNotice::Invalid(p.len()),
                    SimError::Internal(m) => RunNotice::Failed(m.clone()),
                    too_big @ SimError::TooMuchMemory { .. } => RunNotice::Failed(too_big.to_string()),
                });
                Some(Err(e))
            }
        }
    }

    /// A run by id.
    #[must_use]
    pub fn get(&self, id: u64) -> Option<&RunRecord> {
        self.history.iter().find(|r| r.id == id)
    }

    /// The run shown in the results view.
    #[must_use]
    pub fn current(&self) -> Option<&RunRecord> {
        // Only the run chosen: after another design was opened, none.
        self.shown.and_then(|id| self.get(id))
    }

    /// The pinned baseline, unless it is the run shown.
    #[must_use]
    pub fn baseline_run(&self) -> Option<&RunRecord> {
        let b = self.baseline.and_then(|id| self.get(id))?;
        (Some(b.id) != self.current().map(|c| c.id)).then_some(b)
    }
}

impl SwitchboardApp {
    /// Start a run of the design (the run bar's Run, F5).
    pub fn start_run(&mut self, ctx: &egui::Context) {
        if self.runs.is_running() || self.emulate.is_running() {
            return;
        }
        let Some(design) = self.design_of_next_run() else { return };
        let revision = self.doc.revision();
        if let Err(e) = self.runs.start(design, (self.doc.id(), revision), Some(ctx.clone())) {
            self.notify(format!("{e:#}"));
        }
    }

    /// The design the next run or emulation takes: the run bar's scenario
    /// applied (`None`, with the problem shown, when it does not fit).
    fn design_of_next_run(&mut self) -> Option<Design> {
        let scenario = self.runs.scenario.as_deref();
        match design_for_run(self.doc.design(), scenario) {
            Ok(d) => Some(d),
            Err(e) => {
                let path = format!("scenarios[{}]", scenario.unwrap_or_default());
                self.report_engine_problems(&[Problem::design_error(path, engine::message::Message::untranslated(e))]);
                None
            }
        }
    }

    /// Collect a finished run; engine errors go to the problems panel.
    pub fn poll_run(&mut self, ctx: &egui::Context) {
        if let Some(problems) = self.runs.sweep.poll() {
            self.report_engine_problems(&problems);
        }
        if self.runs.is_running() || self.runs.sweep.is_running() {
            ctx.request_repaint_after(std::time::Duration::from_millis(100));
        }
        match self.runs.poll() {
            Some(Ok(_)) => {
                self.results.open = true;
                self.results.reset_for_new_run();
            }
            Some(Err(SimError::InvalidDesign(problems))) => self.report_engine_problems(&problems),
            Some(Err(SimError::Cancelled)) => self.notify(tr("run-simulation-stopped")),
            Some(Err(e)) => self.notify(tr_args("run-failed", &[("error", e.to_string().into())])),
            None => {}
        }
    }

    fn report_engine_problems(&mut self, problems: &[Problem]) {
        self.runs.notice = Some(RunNotice::Invalid(problems.len()));
        self.analysis.add_refusal(problems);
        self.settings.show_problems = true;
        self.notify(tr("run-the-design-cannot-be-simulated"));
    }

    /// Whether the results shown describe an older state of the design.
    #[must_use]
    pub fn results_stale(&self) -> bool {
        self.runs.current().is_some_and(|r| r.doc_id != self.doc.id() || r.revision != self.doc.revision())
    }

    /// "run #2 of “Retry storm”", with "(the design changed since)" when stale.
    #[must_use]
    pub fn results_caption(&self) -> Option<String> {
        let r = self.runs.current()?;
        let key = if self.results_stale() { "results-caption-stale" } else { "results-caption" };
        Some(tr_args(key, &[("run", r.label.as_str().into()), ("design", r.design.name.as_str().into())]))
    }
}
