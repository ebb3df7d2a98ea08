//! One emulation from start to end: the runtime, every node listening, the
//! timer measured, then the load run and measured, interrupted cleanly by
//! Ctrl+C when asked, and everything stopped when the emulation is dropped.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use engine::model::Design;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::EmulateError;
use crate::loadgen::{LoadSettings, Progress, drive};
use crate::measure::Measured;
use crate::node::Shared;
use crate::timing::{Overshoot, default_time_scale, measure_overshoot};
use crate::topology::Topology;

/// How to run an emulation.
#[derive(Clone, Debug)]
pub struct Options {
    /// Modelled seconds of load, warm-up included.
    pub duration_s: f64,
    /// Modelled seconds at the start excluded from the figures.
    pub warmup_s: f64,
    /// Wall-clock time per modelled time (`None`: [`default_time_scale`]).
    pub time_scale: Option<f64>,
    /// Node `i` listens on `base_port + i` (`None`: ports the system chooses).
    pub base_port: Option<u16>,
    /// The address every node listens on.
    pub bind: IpAddr,
    /// Seed of every random stream.
    pub seed: u64,
    /// Most requests the load generator sends.
    pub max_requests: u64,
    /// Stop the load at Ctrl+C and still return what was measured.
    pub ctrl_c: bool,
}

impl Options {
    /// The design's duration, warm-up and seed, on loopback, with ports the
    /// system chooses.
    #[must_use]
    pub fn of(design: &Design) -> Self {
        Self {
            duration_s: design.simulation.duration_s,
            warmup_s: design.simulation.warmup_s,
            time_scale: None,
            base_port: None,
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            seed: design.simulation.seed,
            max_requests: 1_000_000,
            ctrl_c: false,
        }
    }
}

/// Where a node listens.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// Node id.
    pub node: String,
    /// Node name.
    pub name: String,
    /// Its address.
    pub addr: SocketAddr,
}

impl Endpoint {
    /// The URL of its default handling.
    #[must_use]
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The URL of its metrics.
    #[must_use]
    pub fn metrics_url(&self) -> String {
        format!("http://{}/metrics", self.addr)
    }
}

/// The load's progress, for a progress line.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct ProgressView {
    /// Modelled seconds elapsed.
    pub elapsed_s: f64,
    /// Modelled seconds the load runs.
    pub duration_s: f64,
    /// Requests sent.
    pub sent: u64,
    /// Requests answered.
    pub answered: u64,
    /// Requests in flight.
    pub in_flight: u64,
    /// Requests answered successfully.
    pub ok: u64,
    /// Requests answered with a failure (rejections and timeouts included).
    pub failed: u64,
    /// Latency of the successful ones, summed, modelled ms.
    pub ok_latency_ms: f64,
}

/// A running emulation: nodes listening, ready for load.
#[derive(Debug)]
pub struct Emulation {
    runtime: tokio::runtime::Runtime,
    shared: Arc<Shared>,
    servers: Vec<JoinHandle<()>>,
    endpoints: Vec<Endpoint>,
    overshoot: Overshoot,
    design: Design,
    options: Options,
    /// Turned true to stop the load early (Ctrl+C, [`Emulation::stop`]).
    stop: watch::Sender<bool>,
}

impl Emulation {
    /// Start every node of an analysed design (one without errors) and
    /// measure the timer.
    ///
    /// # Errors
    /// Parts of the design not emulated yet, settings out of range, a port
    /// that cannot be opened, or a runtime that cannot start.
    pub fn start(design: &Design, options: &Options) -> Result<Self, EmulateError> {
        let time_scale = options.time_scale.unwrap_or_else(|| default_time_scale(design));
        if !(time_scale.is_finite() && time_scale > 0.0) {
            return Err(EmulateError::Settings(format!("--time-scale {time_scale}: expected a number above 0")));
        }
        if !(options.duration_s.is_finite() && options.duration_s > 0.0 && options.warmup_s < options.duration_s) {
            return Err(EmulateError::Settings(format!(
                "a run of {} s with {} s of warm-up: the warm-up must be shorter than the run",
                options.duration_s, options.warmup_s
            )));
        }
        let topology = Topology::of(design)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("emulate")
            .enable_all()
            .build()
            .map_err(EmulateError::Runtime)?;
        let ids: Vec<String> = topology.nodes.iter().map(|n| n.id.clone()).collect();
        let listeners = runtime.block_on(crate::server::bind(&ids, options.bind, options.base_port))?;
        let addrs: Vec<SocketAddr> = listeners.iter().filter_map(|l| l.local_addr().ok()).collect();
        let endpoints = topology
            .nodes
            .iter()
            .zip(&addrs)
            .map(|(n, addr)| Endpoint { node: n.id.clone(), name: n.name.clone(), addr: *addr })
            .collect();
        let overshoot = runtime.block_on(measure_overshoot(50, Duration::from_millis(2)));
        let lateness = Duration::from_secs_f64(overshoot.mean_ms.max(0.0) / 1e3);
        let shared = Arc::new(Shared::new(topology, addrs, time_scale, lateness, options.seed)?);
        let mut servers: Vec<JoinHandle<()>> = listeners
            .into_iter()
            .enumerate()
            .map(|(i, l)| runtime.spawn(crate::server::serve(Arc::clone(&shared), i, l)))
            .collect();
        // Each broker delivers on a task of its own.
        for (i, n) in shared.nodes.iter().enumerate() {
            if n.broker.is_some() {
                servers.push(runtime.spawn(crate::broker::run(Arc::clone(&shared), i)));
            }
        }
        let stop = watch::Sender::new(false);
        Ok(Self {
            runtime,
            shared,
            servers,
            endpoints,
            overshoot,
            design: design.clone(),
            options: options.clone(),
            stop,
        })
    }

    /// Where each node listens, in design order.
    #[must_use]
    pub fn endpoints(&self) -> &[Endpoint] {
        &self.endpoints
    }

    /// Wall-clock time per modelled time.
    #[must_use]
    pub fn time_scale(&self) -> f64 {
        self.shared.time_scale
    }

    /// The timer's lateness measured at start.
    #[must_use]
    pub fn overshoot(&self) -> Overshoot {
        self.overshoot
    }

    /// Keep every visit's and call's span from now on (`--traces`); take
    /// them with [`Emulation::take_spans`].
    pub fn record_spans(&self) {
        self.shared.spans.enable();
    }

    /// The spans kept so far, and how many were dropped past
    /// [`crate::spans::MAX_SPANS`].
    #[must_use]
    pub fn take_spans(&self) -> (Vec<engine::otlp::Span>, u64) {
        self.shared.spans.take()
    }

    /// The runtime the nodes run on (to send requests of one's own in tests).
    #[must_use]
    pub fn handle(&self) -> tokio::runtime::Handle {
        self.runtime.handle().clone()
    }

    /// Stop the load early, as Ctrl+C does: [`Emulation::run`] waits a
    /// second for answers and returns what was measured. Callable from
    /// `on_progress` or another thread.
    pub fn stop(&self) {
        self.stop.send_replace(true);
    }

    /// Run the design's workloads and measure them; `on_progress` is called
    /// about twice a second.
    ///
    /// # Errors
    /// None in practice (see [`drive`]).
    pub fn run(&self, on_progress: &mut dyn FnMut(ProgressView)) -> Result<Measured, EmulateError> {
        run_load(&self.runtime, &self.shared, &self.design, &self.options, &self.stop, on_progress)
    }
}

/// Drive `design`'s workloads against the nodes `shared` knows on
/// `runtime`, with `options`' bounds, Ctrl+C stopping the load when asked.
///
/// # Errors
/// None in practice (see [`drive`]).
pub(crate) fn run_load(
    runtime: &tokio::runtime::Runtime,
    shared: &Arc<Shared>,
    design: &Design,
    options: &Options,
    stop: &watch::Sender<bool>,
    on_progress: &mut dyn FnMut(ProgressView),
) -> Result<Measured, EmulateError> {
    let scale = shared.time_scale;
    let wall_s = options.duration_s * scale;
    let settings = LoadSettings {
        duration_s: options.duration_s,
        warmup_s: options.warmup_s,
        seed: options.seed,
        max_requests: options.max_requests,
        max_in_flight: u64::from(design.simulation.max_in_flight),
        drain: Duration::from_secs_f64((wall_s * 0.1).clamp(2.0, 30.0)),
    };
    let progress = Arc::new(Progress::default());
    let (stop_tx, stop_rx) = (stop.clone(), stop.subscribe());
    let ctrl_c = options.ctrl_c;
    runtime.block_on(async {
        let watcher = ctrl_c.then(|| {
            tokio::spawn(async move {
                if tokio::signal::ctrl_c().await.is_ok() {
                    let _ = stop_tx.send(true);
                }
            })
        });
        let started = tokio::time::Instant::now();
        let run = drive(Arc::clone(shared), design, &settings, Arc::clone(&progress), stop_rx);
        tokio::pin!(run);
        let mut tick = tokio::time::interval(Duration::from_millis(500));
        let measured = loop {
            tokio::select! {
                m = &mut run => break m,
                _ = tick.tick() => on_progress(ProgressView {
                    elapsed_s: (started.elapsed().as_secs_f64() / scale).min(settings.duration_s),
                    duration_s: settings.duration_s,
                    sent: progress.sent.load(Ordering::Relaxed),
                    answered: progress.answered.load(Ordering::Relaxed),
                    in_flight: progress.in_flight.load(Ordering::Relaxed),
                    ok: progress.ok.load(Ordering::Relaxed),
                    failed: progress.failed.load(Ordering::Relaxed),
                    ok_latency_ms: progress.ok_latency_ns.load(Ordering::Relaxed) as f64 / 1e6,
                }),
            }
        };
        if let Some(w) = watcher {
            w.abort();
        }
        measured.map_err(|e| EmulateError::Settings(e.to_string()))
    })
}

impl Drop for Emulation {
    fn drop(&mut self) {
        for s in &self.servers {
            s.abort();
        }
    }
}
