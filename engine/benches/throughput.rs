//! Requests per second and peak memory of the simulator on the four reference
//! models and the e-commerce sample, for the README table:
//! `cargo bench -p switchboard-engine --bench throughput [-- REQUESTS]`.
//!
//! Each model runs in its own process (this binary re-executes itself) so the
//! peak resident memory reported is that model's alone; the time is the
//! median of three runs. `-- --report MODEL|FILE REQUESTS` prints one run's
//! JSON report instead (to check that a change leaves the numbers alone).

mod common;

use std::process::Command;
use std::time::Instant;

use engine::Design;
use engine::sim::{RunControl, RunOptions, run};

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

fn ecommerce(requests: u64) -> Option<(String, Design)> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples/ecommerce-checkout.json");
    let mut d = engine::model::format::load(&path).ok()?;
    let rate: f64 = d
        .workloads
        .iter()
        .map(|w| match &w.arrival {
            engine::model::Arrival::Open { rate_per_s, .. } => *rate_per_s,
            engine::model::Arrival::Closed { .. } => 0.0,
        })
        .sum();
    if rate <= 0.0 {
        return None;
    }
    d.simulation.warmup_s = 0.0;
    d.simulation.duration_s = requests as f64 / rate;
    d.simulation.window_s = (d.simulation.duration_s / 1000.0).max(1.0);
    d.simulation.replications = 1;
    Some(("e-commerce sample".to_owned(), d))
}

fn model(name: &str, requests: u64) -> Option<(String, Design)> {
    if name == "ecommerce" {
        return ecommerce(requests);
    }
    common::all(requests).into_iter().find(|m| m.design.name == name).map(|m| (m.name.to_owned(), m.design))
}

/// Child mode: run one model three times, print `name|requests|median_s|events|rss`.
fn child(name: &str, requests: u64) {
    let Some((label, design)) = model(name, requests) else {
        eprintln!("unknown model {name}");
        return;
    };
    let mut times = Vec::new();
    let mut events = 0;
    let mut arrived = 0;
    for _ in 0..3 {
        let t = Instant::now();
        match run(&design, &RunOptions::default(), &RunControl::default()) {
            Ok(r) => {
                events = r.events;
                arrived = r.workloads.iter().map(|w| w.arrived).sum();
            }
            Err(e) => {
                eprintln!("{label}: {e}");
                return;
            }
        }
        times.push(t.elapsed().as_secs_f64());
    }
    times.sort_by(f64::total_cmp);
    println!("{label}|{arrived}|{}|{events}|{:.1}", times[1], peak_rss_mib());
}

/// Report mode: print one model's (or design file's) JSON report, to check
/// that an optimisation leaves every number unchanged.
fn report(name: &str, requests: u64) {
    let design = if std::path::Path::new(name).is_file() {
        engine::model::format::load(std::path::Path::new(name)).ok()
    } else {
        model(name, requests).map(|(_, d)| d)
    };
    let Some(design) = design else {
        eprintln!("unknown model {name}");
        return;
    };
    match run(&design, &RunOptions::default(), &RunControl::default()) {
        Ok(r) => println!("{}", serde_json::to_string_pretty(&r).unwrap_or_default()),
        Err(e) => eprintln!("{name}: {e}"),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    if let [flag, name, n] = args.as_slice()
        && flag == "--report"
    {
        report(name, n.parse().unwrap_or(1_000_000));
        return;
    }
    if let [flag, name, n] = args.as_slice()
        && flag == "--model"
    {
        child(name, n.parse().unwrap_or(1_000_000));
        return;
    }
    let requests: u64 = args.first().and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let Ok(exe) = std::env::current_exe() else { return };
    println!("| model | requests | time (median of 3) | requests/s | events/s | peak RSS |");
    println!("|---|---|---|---|---|---|");
    let mut runs: Vec<(&str, u64)> =
        ["M/M/1", "M/M/4", "tandem", "gateway"].into_iter().map(|m| (m, requests)).collect();
    runs.push(("ecommerce", requests * 10));
    for (name, n) in runs {
        let out = Command::new(&exe).args(["--model", name, &n.to_string()]).output();
        let Ok(out) = out else { continue };
        let text = String::from_utf8_lossy(&out.stdout);
        let Some(line) = text.lines().last() else { continue };
        let f: Vec<&str> = line.split('|').collect();
        if let [label, arrived, secs, events, rss] = f.as_slice() {
            let secs: f64 = secs.parse().unwrap_or(f64::NAN);
            let arrived: f64 = arrived.parse().unwrap_or(0.0);
            let events: f64 = events.parse().unwrap_or(0.0);
            println!(
                "| {label} | {arrived:.0} | {secs:.3} s | {:.2}M | {:.1}M | {rss} MiB |",
                arrived / secs / 1e6,
                events / secs / 1e6
            );
        }
    }
}
