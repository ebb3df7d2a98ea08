//! `switchboard emulate FILE`: run the design as real HTTP services on this
//! machine, drive its workloads, print what was measured; with `--compare`
//! also simulate it and print both side by side, and with `--max-error`
//! exit 3 when they differ by more than the limits.

use std::io::{IsTerminal as _, Write};
use std::net::{IpAddr, Ipv4Addr};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use emulator::compare::Row;
use emulator::{Emulation, Options};
use engine::sim::Report;
use engine::sim::compare::{Delta, Gate, Limit, check, compare, parse_gates};
use serde::Serialize;

use super::emulate_tables::{progress_bar, write_comparison, write_ladder, write_measured, write_resilience};
use super::sim_run::parse_rate_scale;
use super::simulate::RunArgs;
use super::{Output, exit};

/// Arguments of `emulate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    #[command(flatten)]
    pub run: RunArgs,
    /// Multiply every modelled time by K (and divide rates by K); figures are
    /// reported divided back (default: the shortest mean service time becomes 20 ms).
    #[arg(long, value_name = "K", value_parser = parse_rate_scale)]
    pub time_scale: Option<f64>,
    /// Node i listens on port N + i (default: free ports chosen by the system).
    #[arg(long, value_name = "N")]
    pub base_port: Option<u16>,
    /// The address the nodes listen on; anything but loopback exposes them to the network.
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// Also simulate the design (same duration, warm-up and seed) and print both.
    #[arg(long)]
    pub compare: bool,
    /// Largest relative differences allowed between measured and simulated,
    /// e.g. "mean:10%,p99:25%" (the syntax of `compare --fail-on`; implies
    /// --compare): exit 3 when one is exceeded.
    #[arg(long, value_name = "LIMITS")]
    pub max_error: Option<String>,
    /// Most requests the load generator sends.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_requests: u64,
    /// Write every visit's and call's span to PATH as OTLP JSON (one
    /// Collector file-exporter request per line; opens in Jaeger or Tempo,
    /// reads back with `switchboard calibrate`). Times are modelled.
    #[arg(long, value_name = "PATH")]
    pub traces: Option<PathBuf>,
    #[command(flatten)]
    pub output: Output,
}

/// How the run was emulated (the JSON's `emulation` section).
#[derive(Serialize)]
struct EmulationInfo {
    time_scale: f64,
    timer_overshoot_mean_ms: f64,
    timer_overshoot_max_ms: f64,
    interrupted: bool,
    requests_sent: u64,
    endpoints: Vec<EndpointInfo>,
}

#[derive(Serialize)]
struct EndpointInfo {
    node: String,
    url: String,
    metrics_url: String,
}

/// `--json`: the measured figures in the report format (so `switchboard
/// compare` reads them), with the simulated report beside them.
#[derive(Serialize)]
struct Doc<'a> {
    #[serde(flatten)]
    measured: &'a Report,
    emulation: EmulationInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    simulated: Option<&'a Report>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison: Option<&'a [Delta]>,
    /// Every figure per workload, node and edge, measured beside simulated.
    #[serde(skip_serializing_if = "Option::is_none")]
    comparison_rows: Option<&'a [Row]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failures: Option<&'a [String]>,
}

/// Run `emulate`.
///
/// # Errors
/// Unreadable input, a design the emulator cannot run, ports that cannot be
/// opened, or an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    args.run.check_window(&design)?;
    args.run.check_limits(&design, 1.0)?;
    let gates = match &args.max_error {
        Some(g) => parse_gates(g).map_err(anyhow::Error::msg).context("--max-error")?,
        None => Vec::new(),
    };
    let sim_options = args.run.options(1.0);
    let applied = sim_options.applied_to(&design);
    if let Err(code) = check_emulated(&applied, &args.file) {
        return Ok(code);
    }
    let s = &applied.simulation;
    let options = Options {
        duration_s: s.duration_s,
        warmup_s: s.warmup_s,
        time_scale: args.time_scale,
        base_port: args.base_port,
        bind: args.bind,
        seed: s.seed,
        max_requests: args.max_requests,
        ctrl_c: true,
    };
    let emulation = Emulation::start(&applied, &options)?;
    if args.traces.is_some() {
        emulation.record_spans();
    }
    let quiet = args.output.quiet;
    let to_stdout = args.output.json.as_deref() == Some(Path::new("-"));
    if !quiet {
        // The port table goes to stderr when stdout carries the JSON.
        let mut err = std::io::stderr();
        let sink: &mut dyn Write = if to_stdout { &mut err } else { &mut *out };
        write_start(&emulation, &applied, &options, &mut super::Printable(sink))?;
    }
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(options.duration_s));
    let measured = emulation.run(&mut |p| {
        if let Some(bar) = &bar {
            bar.set_position((p.elapsed_s * 1e3) as u64);
            bar.set_message(format!("{} sent, {} answered, {} in flight", p.sent, p.answered, p.in_flight));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let time_scale = emulation.time_scale();
    let overshoot = emulation.overshoot();
    let endpoints = emulation
        .endpoints()
        .iter()
        .map(|e| EndpointInfo { node: e.node.clone(), url: e.url(), metrics_url: e.metrics_url() })
        .collect();
    if let Some(path) = &args.traces {
        write_traces(path, emulation.take_spans())?;
    }
    drop(emulation);
    let measured_report = measured.report(&applied.name, measured.settings(&applied));

    let simulated = if args.compare || !gates.is_empty() {
        match super::sim_run::simulate_or_refuse(&design, &sim_options, quiet, &args.file)? {
            Ok(r) => Some(r),
            Err(code) => return Ok(code),
        }
    } else {
        None
    };
    let deltas = simulated.as_ref().map(|sim| compare(sim, &measured_report));
    let rows = simulated.as_ref().map(|sim| emulator::compare::rows(&measured_report, sim));
    let failures = deltas.as_ref().map(|d| check(d, &both_ways(&gates)));

    if !quiet && !to_stdout {
        let out = &mut super::Printable(&mut *out);
        write_measured(&measured, &measured_report, out)?;
        write_ladder(&measured, out)?;
        if let Some(rows) = &rows {
            write_comparison(rows, out)?;
        }
        if let Some(sim) = &simulated {
            write_resilience(&measured_report, sim, out)?;
        }
        for f in failures.iter().flatten() {
            writeln!(out, "FAIL {f}")?;
        }
    }
    if let Some(path) = &args.output.json {
        let doc = Doc {
            measured: &measured_report,
            emulation: EmulationInfo {
                time_scale,
                timer_overshoot_mean_ms: overshoot.mean_ms,
                timer_overshoot_max_ms: overshoot.max_ms,
                interrupted: measured.interrupted,
                requests_sent: measured.sent,
                endpoints,
            },
            simulated: simulated.as_ref(),
            comparison: deltas.as_deref(),
            comparison_rows: rows.as_deref(),
            failures: failures.as_deref(),
        };
        let mut json = serde_json::to_string_pretty(&doc)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    Ok(if failures.is_some_and(|f| !f.is_empty()) { exit::SLO_VIOLATED } else { exit::OK })
}

/// Refuse a design with errors (exit 1) or with parts the emulator does
/// not run (exit 2), each problem with its place in `file`.
///
/// # Errors
/// The exit code, once the problems are printed.
pub(super) fn check_emulated(design: &engine::Design, file: &Path) -> Result<(), u8> {
    let places = super::Places::of(file).with_names(design);
    let errors: Vec<_> = engine::analysis::problems(design)
        .into_iter()
        .filter(|p| p.severity == engine::validate::Severity::Error)
        .collect();
    if !errors.is_empty() {
        places.print_refusal(&errors);
        return Err(exit::DESIGN_ERRORS);
    }
    let missing = emulator::not_emulated(design);
    if !missing.is_empty() {
        for m in &missing {
            let path = m.split_once(": ").map_or(m.as_str(), |(p, _)| p);
            say!("{}: error: {m}", places.prefix(path));
        }
        say!("error: the emulator cannot run this design yet (`switchboard simulate` can)");
        return Err(exit::USAGE);
    }
    Ok(())
}

/// A `--max-error` limit bounds the difference either way: `mean:10%`
/// fails when the measured mean is more than 10% above or below the
/// simulated one.
fn both_ways(gates: &[Gate]) -> Vec<Gate> {
    let flip = |l: Limit| match l {
        Limit::Percent(p) => Limit::Percent(-p),
        Limit::Points(p) => Limit::Points(-p),
        Limit::Absolute(a) => Limit::Absolute(-a),
    };
    let abs = |l: Limit| match l {
        Limit::Percent(p) => Limit::Percent(p.abs()),
        Limit::Points(p) => Limit::Points(p.abs()),
        Limit::Absolute(a) => Limit::Absolute(a.abs()),
    };
    gates
        .iter()
        .flat_map(|g| {
            [Gate { metric: g.metric, limit: abs(g.limit) }, Gate { metric: g.metric, limit: flip(abs(g.limit)) }]
        })
        .collect()
}

/// The start banner: time scale, timer, and the port table.
fn write_start(e: &Emulation, design: &engine::Design, o: &Options, out: &mut dyn Write) -> std::io::Result<()> {
    let k = e.time_scale();
    let t = e.overshoot();
    writeln!(
        out,
        "{}: emulating {} s ({} s warm-up), seed {}, time scale ×{k:.3} ({:.0} s of wall time)",
        design.name,
        o.duration_s,
        o.warmup_s,
        o.seed,
        o.duration_s * k
    )?;
    writeln!(
        out,
        "timer overshoot over {} sleeps of {} ms: mean {:.3} ms, max {:.3} ms (wall); {:.3} ms mean in modelled time",
        t.samples,
        t.sleep_ms,
        t.mean_ms,
        t.max_ms,
        t.mean_ms / k
    )?;
    if !e.endpoints().first().is_some_and(|p| p.addr.ip().is_loopback()) {
        writeln!(out, "warning: the nodes listen on {}, reachable from the network", o.bind)?;
    }
    writeln!(out)?;
    let nn = e.endpoints().iter().map(|p| super::display_width(&p.node)).max().unwrap_or(4).clamp(4, 30);
    let un = e.endpoints().iter().map(|p| p.url().len()).max().unwrap_or(3).max(3);
    writeln!(out, "{}  {:<un$}  metrics", super::pad("node", nn), "url")?;
    for p in e.endpoints() {
        writeln!(out, "{}  {:<un$}  {}", super::pad(&p.node, nn), p.url(), p.metrics_url())?;
    }
    writeln!(out)?;
    Ok(())
}

/// Write the run's spans with the engine's OTLP writer (the one `simulate --traces` uses).
fn write_traces(path: &Path, (spans, dropped): (Vec<engine::otlp::Span>, u64)) -> anyhow::Result<()> {
    let mut text = Vec::new();
    engine::otlp::write::write_spans(&mut text, &spans).context("writing traces")?;
    engine::model::format::write_atomic(path, &text).with_context(|| format!("writing {}", path.display()))?;
    if dropped > 0 {
        say!("warning: {}: {dropped} spans left out after the first {}", path.display(), spans.len());
    }
    Ok(())
}
