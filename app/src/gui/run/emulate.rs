//! Emulate ▶ from the app: the design runs as real HTTP services on a thread
//! of its own (the emulator's tokio runtime lives there, never on the frame
//! thread). The frame loop only polls the thread's messages: the port table,
//! the load generator's progress about twice a second, then the measured
//! report, then the simulated one for the comparison. Stop ends the load
//! early and still shows what was measured (a second Stop, while the
//! simulation runs, leaves the comparison out).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, Sender, TryRecvError};

use anyhow::Context as _;
use emulator::compare::Row;
use emulator::{Emulation, Endpoint, Options, ProgressView, Refusal};
use engine::Design;
use engine::sim::{Report, RunControl, RunOptions, SimError};
use engine::validate::{Problem, Severity};

use crate::gui::app::SwitchboardApp;
use crate::gui::i18n::tr;
use crate::gui::results::Tab;

/// Live points kept for the plots (at two a second, ten minutes).
const LIVE_LIMIT: usize = 1200;

/// Where the emulation is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Phase {
    /// The nodes are being started and the timer measured.
    Starting,
    /// The load runs; the nodes answer on their ports.
    Running,
    /// The load ended; the simulator runs the same design for the comparison.
    Simulating,
    /// Finished: the measured report (and the simulated one) are in.
    Done,
    /// The emulator does not run parts of this design yet.
    Refused(Vec<Refusal>),
    /// It could not start or run (ports, runtime, settings).
    Failed(String),
}

/// Why the comparison is missing after a finished emulation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NoComparison {
    /// Stopped before the warm-up ended: nothing to compare.
    NoWindow,
    /// Stopped while the simulation ran.
    Cancelled,
    /// The simulation failed.
    Failed(String),
}

/// The load generator's figures over one progress interval.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LivePoint {
    /// Modelled seconds since the load began (end of the interval).
    pub elapsed_s: f64,
    /// Successful answers per modelled second.
    pub throughput_per_s: f64,
    /// Failed answers per modelled second.
    pub failed_per_s: f64,
    /// Mean latency of the successful answers, modelled ms (`None`: none).
    pub mean_ms: Option<f64>,
}

/// A message from the emulation thread.
enum Msg {
    Started { endpoints: Vec<Endpoint>, time_scale: f64, overshoot_ms: f64 },
    Progress(ProgressView),
    Measured { report: Box<Report>, interrupted: bool },
    Simulated(Result<Box<Report>, NoComparison>),
    Failed(String),
}

/// The thread's stop switches: one for the load, one for the simulation.
#[derive(Debug, Default)]
struct Stops {
    load: RunControl,
    sim: RunControl,
}

/// The thread, while it runs.
#[derive(Debug)]
struct Job {
    rx: Receiver<Msg>,
    stops: Arc<Stops>,
}

impl Drop for Job {
    fn drop(&mut self) {
        // A forgotten emulation must not keep its ports and load running.
        self.stops.load.cancel();
        self.stops.sim.cancel();
    }
}

/// The emulation started from the run bar, its live figures and its result.
#[derive(Debug, Default)]
pub struct EmulateState {
    /// Where it is (`None`: nothing emulated in this session).
    pub phase: Option<Phase>,
    /// The design's name.
    pub design_name: String,
    /// Where each node listens, while the load runs.
    pub endpoints: Vec<Endpoint>,
    /// Wall-clock time per modelled time.
    pub time_scale: f64,
    /// The timer's mean lateness measured at start, wall ms.
    pub overshoot_ms: f64,
    /// The latest progress.
    pub progress: Option<ProgressView>,
    /// Figures per progress interval, oldest first.
    pub live: Vec<LivePoint>,
    /// The measured figures, in the report format.
    pub measured: Option<Arc<Report>>,
    /// The simulated figures for the same window.
    pub simulated: Option<Arc<Report>>,
    /// Measured beside simulated, per workload, node and edge.
    pub rows: Vec<Row>,
    /// Stop ended the load early.
    pub interrupted: bool,
    /// Why there is no comparison.
    pub no_comparison: Option<NoComparison>,
    /// A screenshot is taken while the load runs (not after).
    pub(crate) screenshot_live: bool,
    job: Option<Job>,
}

impl EmulateState {
    /// Whether an emulation (or its comparison) is running.
    #[must_use]
    pub fn is_running(&self) -> bool {
        self.job.is_some()
    }

    /// Forget the last emulation and show `phase`.
    fn reset(&mut self, phase: Phase, design_name: &str) {
        let screenshot_live = self.screenshot_live;
        *self = Self { phase: Some(phase), design_name: design_name.to_owned(), screenshot_live, ..Self::default() };
    }

    /// Whether a screenshot of the window waits: until the end, or with
    /// `screenshot_live` until a few live figures have arrived.
    #[must_use]
    pub fn waits_for_screenshot(&self) -> bool {
        self.is_running() && !(self.screenshot_live && self.phase == Some(Phase::Running) && self.live.len() >= 8)
    }

    /// The design cannot be emulated: show why.
    pub fn refuse(&mut self, design_name: &str, refusals: Vec<Refusal>) {
        self.reset(Phase::Refused(refusals), design_name);
    }

    /// Start emulating `design` (scenario and rate scale applied, no errors,
    /// nothing refused) on a thread of its own; `ctx` is asked to repaint
    /// when something arrives.
    ///
    /// # Errors
    /// When the thread cannot start.
    pub fn start(&mut self, design: Design, ctx: Option<egui::Context>) -> anyhow::Result<()> {
        self.reset(Phase::Starting, &design.name);
        let (tx, rx) = mpsc::channel();
        let stops = Arc::new(Stops::default());
        let for_job = Arc::clone(&stops);
        std::thread::Builder::new()
            .name("emulation".to_owned())
            .spawn(move || emulate(&design, &for_job, &Notify { tx, ctx }))
            .context("could not start the emulation thread")?;
        self.job = Some(Job { rx, stops });
        Ok(())
    }

    /// Stop: the load when it runs (what was measured still shows), the
    /// comparison's simulation when that runs.
    pub fn stop(&mut self) {
        let Some(job) = &self.job else { return };
        match self.phase {
            Some(Phase::Simulating) => job.stops.sim.cancel(),
            _ => job.stops.load.cancel(),
        }
    }

    /// Another design is opened: stop and forget.
    pub fn leave_design(&mut self) {
        *self = Self::default();
    }

    /// Take what the thread sent; `true` when the emulation ended this frame.
    pub fn poll(&mut self) -> bool {
        loop {
            let Some(job) = &self.job else { return false };
            match job.rx.try_recv() {
                Ok(msg) => self.apply(msg),
                Err(TryRecvError::Empty) => return false,
                Err(TryRecvError::Disconnected) => {
                    self.job = None;
                    if matches!(self.phase, Some(Phase::Starting | Phase::Running | Phase::Simulating)) {
                        self.phase = Some(Phase::Failed("the emulation thread ended".to_owned()));
                    }
                    return true;
                }
            }
        }
    }

    fn apply(&mut self, msg: Msg) {
        match msg {
            Msg::Started { endpoints, time_scale, overshoot_ms } => {
                self.endpoints = endpoints;
                self.time_scale = time_scale;
                self.overshoot_ms = overshoot_ms;
                self.phase = Some(Phase::Running);
            }
            Msg::Progress(p) => {
                if let Some(point) = self.progress.map(|before| live_point(&before, &p)) {
                    if self.live.len() >= LIVE_LIMIT {
                        self.live.remove(0);
                    }
                    self.live.push(point);
                }
                self.progress = Some(p);
            }
            Msg::Measured { report, interrupted } => {
                self.measured = Some(Arc::from(report));
                self.interrupted = interrupted;
                self.endpoints.clear();
                self.phase = Some(Phase::Simulating);
            }
            Msg::Simulated(result) => {
                match result {
                    Ok(sim) => {
                        if let Some(m) = &self.measured {
                            self.rows = emulator::compare::rows(m, &sim);
                        }
                        self.simulated = Some(Arc::from(sim));
                    }
                    Err(why) => self.no_comparison = Some(why),
                }
                self.phase = Some(Phase::Done);
            }
            Msg::Failed(why) => self.phase = Some(Phase::Failed(why)),
        }
    }

    /// The live figures of the last interval.
    #[must_use]
    pub fn latest(&self) -> Option<&LivePoint> {
        self.live.last()
    }
}

impl SwitchboardApp {
    /// Emulate ▶: run the design as real services, with the run bar's
    /// scenario and rate scale, and show it in the results dock. A design
    /// with errors goes to the problems panel; one the emulator refuses
    /// shows why in the dock.
    pub fn start_emulation(&mut self, ctx: &egui::Context) {
        if self.emulate.is_running() || self.runs.is_running() {
            return;
        }
        let Some(design) = self.design_of_next_run() else { return };
        let design = RunOptions { rate_scale: self.runs.rate_scale, ..RunOptions::default() }.applied_to(&design);
        let errors: Vec<Problem> =
            engine::analysis::problems(&design).into_iter().filter(|p| p.severity == Severity::Error).collect();
        if !errors.is_empty() {
            self.report_engine_problems(&errors);
            return;
        }
        self.results.open = true;
        self.results.tab = Tab::Emulation;
        let refusals = emulator::refusals(&design);
        if !refusals.is_empty() {
            self.emulate.refuse(&design.name, refusals);
            return;
        }
        if let Err(e) = self.emulate.start(design, Some(ctx.clone())) {
            self.notify(format!("{e:#}"));
        }
    }

    /// Take the emulation's news; repaint while it runs.
    pub fn poll_emulation(&mut self, ctx: &egui::Context) {
        if self.emulate.is_running() {
            ctx.request_repaint_after(std::time::Duration::from_millis(250));
        }
        if self.emulate.poll() {
            let key = if self.emulate.interrupted { "emulate-stopped" } else { "emulate-finished" };
            self.notify(tr(key));
        }
    }
}

/// The figures between two progress reports.
fn live_point(before: &ProgressView, now: &ProgressView) -> LivePoint {
    let dt_s = now.elapsed_s - before.elapsed_s;
    let ok = now.ok.saturating_sub(before.ok);
    let failed = now.failed.saturating_sub(before.failed);
    let per_s = |n: u64| if dt_s > 0.0 { n as f64 / dt_s } else { 0.0 };
    LivePoint {
        elapsed_s: now.elapsed_s,
        throughput_per_s: per_s(ok),
        failed_per_s: per_s(failed),
        mean_ms: (ok > 0).then(|| (now.ok_latency_ms - before.ok_latency_ms) / ok as f64),
    }
}

/// The thread's way back to the frame loop.
struct Notify {
    tx: Sender<Msg>,
    ctx: Option<egui::Context>,
}

impl Notify {
    fn send(&self, msg: Msg) {
        // The receiver is gone when another design was opened: nothing to do.
        let _ = self.tx.send(msg);
        if let Some(ctx) = &self.ctx {
            ctx.request_repaint();
        }
    }
}

/// The thread's work: start, load, measure, then simulate the same window.
fn emulate(design: &Design, stops: &Stops, notify: &Notify) {
    let options = Options::of(design);
    let emulation = match Emulation::start(design, &options) {
        Ok(e) => e,
        Err(e) => return notify.send(Msg::Failed(e.to_string())),
    };
    notify.send(Msg::Started {
        endpoints: emulation.endpoints().to_vec(),
        time_scale: emulation.time_scale(),
        overshoot_ms: emulation.overshoot().mean_ms,
    });
    let measured = emulation.run(&mut |p| {
        if stops.load.is_cancelled() {
            emulation.stop();
        }
        notify.send(Msg::Progress(p));
    });
    // The nodes stop listening here, before the simulation takes the cores.
    drop(emulation);
    let measured = match measured {
        Ok(m) => m,
        Err(e) => return notify.send(Msg::Failed(e.to_string())),
    };
    let report = measured.report(&design.name, measured.settings(design));
    notify.send(Msg::Measured { report: Box::new(report), interrupted: measured.interrupted });
    if measured.window_s() <= 0.0 {
        return notify.send(Msg::Simulated(Err(NoComparison::NoWindow)));
    }
    // The same window as measured: after a Stop, the time the load ran.
    let sim_options = RunOptions { duration_s: Some(measured.ran_s), ..RunOptions::default() };
    let simulated = match engine::sim::run(design, &sim_options, &stops.sim) {
        Ok(r) => Ok(Box::new(r)),
        Err(SimError::Cancelled) => Err(NoComparison::Cancelled),
        Err(e) => Err(NoComparison::Failed(e.to_string())),
    };
    notify.send(Msg::Simulated(simulated));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn live_figures_are_per_interval() {
        let a = ProgressView { elapsed_s: 1.0, ok: 10, failed: 1, ok_latency_ms: 50.0, ..ProgressView::default() };
        let b = ProgressView { elapsed_s: 1.5, ok: 30, failed: 2, ok_latency_ms: 150.0, ..ProgressView::default() };
        let p = live_point(&a, &b);
        assert!((p.throughput_per_s - 40.0).abs() < 1e-9);
        assert!((p.failed_per_s - 2.0).abs() < 1e-9);
        assert_eq!(p.mean_ms, Some(5.0));
        assert_eq!(live_point(&b, &b).mean_ms, None);
    }
}
