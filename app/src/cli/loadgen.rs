//! `switchboard loadgen FILE`: the open-loop load generator alone, driving
//! the design's workloads at entries served elsewhere (`serve-node`
//! processes, the emulated exports' containers), measured from each
//! request's intended send time, with a progress bar on a terminal and an
//! HDR-style percentile summary in the engine's histogram type.

use std::io::{IsTerminal as _, Write};
use std::path::{Path, PathBuf};

use emulator::{LoadGenerator, Options};

use super::emulate::check_emulated;
use super::emulate_tables::{progress_bar, write_ladder, write_measured};
use super::serve_node::{addresses, parse_pair};
use super::sim_run::{parse_duration_s, parse_rate_scale};
use super::{Output, exit};

/// Arguments of `loadgen`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// A workload entry's address, `ID=URL` (`gateway=http://127.0.0.1:8080`);
    /// repeatable. Without it, the environment variable the exports write for
    /// that node (`GATEWAY_URL`) is used.
    #[arg(long = "target", value_name = "ID=URL", value_parser = parse_pair)]
    pub targets: Vec<(String, String)>,
    /// Modelled time of load, warm-up included, e.g. `30s` (default: the design's).
    #[arg(long, value_parser = parse_duration_s)]
    pub duration: Option<f64>,
    /// Modelled time at the start excluded from the figures (default: the design's).
    #[arg(long, value_parser = parse_duration_s)]
    pub warmup: Option<f64>,
    /// Seed of the arrival streams (default: the design's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Multiply every modelled time by K, as every serve-node of the run
    /// does (they must agree: the targets' K is read from /healthz and a
    /// different one is refused; default: computed from the design).
    #[arg(long, value_name = "K", value_parser = parse_rate_scale)]
    pub time_scale: Option<f64>,
    /// Most requests sent.
    #[arg(long, value_name = "N", default_value_t = 1_000_000)]
    pub max_requests: u64,
    #[command(flatten)]
    pub output: Output,
}

/// Run `loadgen`.
///
/// # Errors
/// Unreadable input, an output file that cannot be written.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let mut design = super::load_design(&args.file)?;
    if let Some(d) = args.duration {
        design.simulation.duration_s = d;
    }
    if let Some(w) = args.warmup {
        design.simulation.warmup_s = w;
    }
    if let Some(s) = args.seed {
        design.simulation.seed = s;
    }
    if design.simulation.warmup_s >= design.simulation.duration_s {
        say!(
            "error: a warm-up of {} s is not shorter than the run ({} s): pass --duration or --warmup",
            design.simulation.warmup_s,
            design.simulation.duration_s
        );
        return Ok(exit::USAGE);
    }
    if let Err(code) = check_emulated(&design, &args.file) {
        return Ok(code);
    }
    let targets = addresses(&design, &args.targets, "--target")?;
    let options =
        Options { time_scale: args.time_scale, max_requests: args.max_requests, ctrl_c: true, ..Options::of(&design) };
    let generator = match LoadGenerator::start(&design, &targets, &options) {
        Ok(g) => g,
        Err(e @ emulator::EmulateError::Settings(_)) => {
            say!("error: {e}");
            return Ok(exit::USAGE);
        }
        Err(e) => return Err(e.into()),
    };
    let quiet = args.output.quiet;
    let to_stdout = args.output.json.as_deref() == Some(Path::new("-"));
    let k = generator.time_scale();
    if !quiet {
        say!(
            "{}: {} s of load ({} s warm-up) at time scale ×{k:.3} ({:.0} s of wall time), timer overshoot {:.3} ms",
            design.name,
            options.duration_s,
            options.warmup_s,
            options.duration_s * k,
            generator.overshoot().mean_ms
        );
    }
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| progress_bar(options.duration_s));
    let measured = generator.run(&mut |p| {
        if let Some(bar) = &bar {
            bar.set_position((p.elapsed_s * 1e3) as u64);
            bar.set_message(format!("{} sent, {} answered, {} in flight", p.sent, p.answered, p.in_flight));
        }
    })?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    drop(generator);
    let report = measured.report(&design.name, measured.settings(&design));
    if !quiet && !to_stdout {
        let out = &mut super::Printable(&mut *out);
        write_measured(&measured, &report, out)?;
        write_ladder(&measured, out)?;
    }
    if let Some(path) = &args.output.json {
        let mut json = serde_json::to_string_pretty(&report)?;
        json.push('\n');
        super::write_json(path, &json, out)?;
    }
    Ok(exit::OK)
}
