//! The distributed path on one machine: one OS process per node
//! (`serve-node`, each on its own loopback port, talking only through the
//! network), driven by a `loadgen` process, gives what the single-process
//! `emulate` gives: the same requests (the same seed sends the same
//! arrivals), outcome shares within their binomial interval (three standard
//! errors of the difference of two proportions), the mean latency within
//! 10%; and no process listens beyond loopback.
//!
//! The shop fixture with the catalog failing 10% of its requests, 10
//! modelled seconds (1 of warm-up) at time scale ×2: about 720 measured
//! requests per run, 20 s of wall time each. And the fault schedule across
//! processes: the events fixture (an API publishing to a broker its worker
//! consumes) with an error burst on the API and a broker outage, each
//! applied by the process serving its node from the load's start that the
//! load generator announces; 4 modelled seconds at ×4, 16 s of wall time
//! a run. And orphans across processes: a try given up on is wasted work
//! at its callee (and at the callee's plain calls) as in one process,
//! counted by each node's own process; 4 modelled seconds at ×2. And an
//! autoscaled node served alone: its process runs the autoscaler from the
//! announced start and keeps the spike's latency as one process does; 8
//! modelled seconds at ×2. The tests run one at a time.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use std::collections::BTreeSet;
use std::io::{BufRead as _, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_switchboard");
const RUN: [&str; 6] = ["--time-scale", "2", "--duration", "10s", "--warmup", "1s"];

/// One test at a time: each runs several processes whose timers a second
/// run beside them on a small machine would make late.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-multiprocess-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// The shop with a catalog that fails one request in ten.
fn design() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/shop.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let catalog = doc["nodes"].as_array_mut().unwrap().iter_mut().find(|n| n["id"] == "catalog").unwrap();
    catalog["error_probability"] = serde_json::json!(0.1);
    let out = tmp("shop-errors.json");
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// The events fixture at 100 orders/s, its publisher waiting for the
/// broker's confirm, with an error burst of p = 0.5 on the API from 1 s to
/// 2 s and the broker down from 2.5 s to 3.5 s.
fn faulted_events() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/events.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["workloads"][0]["arrival"]["rate_per_s"] = serde_json::json!(100.0);
    doc["edges"][0]["publish"] = serde_json::json!({ "when_full": "error" });
    doc["edges"][1]["subscription"] = serde_json::json!({ "concurrency": 4 });
    doc["faults"] = serde_json::json!([
        { "name": "api errors", "target": "api", "start_s": 1.0, "end_s": 2.0,
          "fault": { "type": "errors", "probability": 0.5 } },
        { "name": "bus down", "target": "bus", "start_s": 2.5, "end_s": 3.5,
          "fault": { "type": "broker_outage" } }
    ]);
    let out = tmp("events-faults.json");
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// The calls fixture (a front calling a back of two replicas at 100
/// requests/s) with the back found client-side through a registry node
/// `consul` (5 ms a lookup, 1 s cache), health-checked every 0.5 s and
/// removed after two failed checks, and one of its replicas down from 1 s
/// to 3 s: calls to the crashed instance fail until the registry drops it
/// and the front's cache learns of it.
fn discovered_crash() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["nodes"].as_array_mut().unwrap().push(serde_json::json!({
        "id": "consul", "name": "consul", "kind": "registry",
        "capacity": { "workers": 8 },
        "service_time": { "type": "constant", "value_ms": 5.0 }
    }));
    doc["nodes"][1]["discovery"] = serde_json::json!({
        "mode": "client_side", "registry": "consul", "cache_ttl_s": 1.0,
        "health_check": { "interval_s": 0.5, "failures_before_removal": 2 },
        "dead_instance": "refuse"
    });
    doc["faults"] = serde_json::json!([
        { "name": "one down", "target": "back", "start_s": 1.0, "end_s": 3.0,
          "fault": { "type": "outage", "replicas": 1 } }
    ]);
    doc["simulation"]["duration_s"] = serde_json::json!(4.0);
    let out = tmp("discovered-crash.json");
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// Child processes, killed when the test ends however it ends.
struct Nodes(Vec<(String, Child)>);

impl Drop for Nodes {
    fn drop(&mut self) {
        for (_, c) in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// Start `serve-node` for `node` with `peers` as flags and `env` as
/// variables; its address, read from the line it prints at start.
fn serve(nodes: &mut Nodes, file: &Path, node: &str, peers: &[String], env: &[(&str, String)]) -> String {
    serve_at(nodes, file, node, "2", (peers, env))
}

/// [`serve`] at time scale `k`.
fn serve_at(
    nodes: &mut Nodes,
    file: &Path,
    node: &str,
    k: &str,
    (peers, env): (&[String], &[(&str, String)]),
) -> String {
    let mut cmd = Command::new(BIN);
    cmd.arg("serve-node").arg(file).args(["--node", node, "--time-scale", k]);
    for p in peers {
        cmd.args(["--peer", p]);
    }
    cmd.envs(env.iter().map(|(k, v)| (*k, v.as_str())));
    let mut child = cmd.stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().unwrap();
    let stdout = child.stdout.take().unwrap();
    nodes.0.push((node.to_owned(), child));
    let mut line = String::new();
    BufReader::new(stdout).read_line(&mut line).unwrap();
    let url = line.split_whitespace().find(|w| w.starts_with("http://")).unwrap_or_else(|| panic!("{line}"));
    url.trim_end_matches('/').to_owned()
}

/// Listening TCP sockets of process `pid`, as local addresses in /proc/net's hex.
fn listening(pid: u32) -> Vec<String> {
    let inodes: BTreeSet<String> = std::fs::read_dir(format!("/proc/{pid}/fd"))
        .map(|d| {
            d.filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
                .filter_map(|l| l.to_str()?.strip_prefix("socket:[")?.strip_suffix(']').map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for table in ["/proc/net/tcp", "/proc/net/tcp6"] {
        for l in std::fs::read_to_string(table).unwrap_or_default().lines().skip(1) {
            let f: Vec<&str> = l.split_whitespace().collect();
            if f.get(3) == Some(&"0A") && f.get(9).is_some_and(|i| inodes.contains(*i)) {
                out.push(f[1].to_owned());
            }
        }
    }
    out
}

/// `loadgen` over `file` with the run settings `run` against `target`
/// (`ID=URL`), its report written to `json`; it must exit 0.
fn loadgen(file: &Path, run: &[&str], target: &str, json: &Path) {
    let status = Command::new(BIN)
        .arg("loadgen")
        .arg(file)
        .args(run)
        .args(["--target", target, "--quiet", "--json"])
        .arg(json)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
}

/// `emulate` over `file` in one process with the run settings `run`, its
/// report written to `json`; it must exit 0.
fn emulate(file: &Path, run: &[&str], json: &Path) {
    let status =
        Command::new(BIN).arg("emulate").arg(file).args(run).args(["--quiet", "--json"]).arg(json).status().unwrap();
    assert_eq!(status.code(), Some(0));
}

fn report(path: &Path) -> engine::sim::Report {
    engine::sim::Report::from_json(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[test]
fn one_process_per_node_agrees_with_the_single_process_emulation() {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let file = design();
    let mut nodes = Nodes(Vec::new());
    let db = serve(&mut nodes, &file, "db", &[], &[]);
    let catalog = serve(&mut nodes, &file, "catalog", &[format!("db={db}")], &[]);
    let pricing = serve(&mut nodes, &file, "pricing", &[], &[]);
    // The gateway finds pricing as the exports name it, in its environment.
    let gateway = serve(&mut nodes, &file, "gateway", &[format!("catalog={catalog}")], &[("PRICING_URL", pricing)]);

    let multi = tmp("multi.json");
    loadgen(&file, &RUN, &format!("gateway={gateway}"), &multi);
    for (node, child) in &nodes.0 {
        let addrs = listening(child.id());
        assert_eq!(addrs.len(), 1, "{node} listens once: {addrs:?}");
        // 127.0.0.1 in /proc/net/tcp's little-endian hex.
        assert!(addrs.iter().all(|a| a.starts_with("0100007F:")), "{node}: {addrs:?}");
    }
    drop(nodes);

    let single = tmp("single.json");
    emulate(&file, &RUN, &single);

    let (m, s) = (report(&multi), report(&single));
    let (wm, ws) = (m.workload("page").unwrap(), s.workload("page").unwrap());
    assert_eq!(wm.arrived, ws.arrived, "the same seed sends the same requests");
    assert!(wm.arrived > 600, "{}", wm.arrived);
    let share = |w: &engine::sim::WorkloadReport, n: u64| n as f64 / w.outcomes.total().max(1) as f64;
    let pairs = [
        ("ok", wm.outcomes.ok, ws.outcomes.ok),
        ("error", wm.outcomes.error, ws.outcomes.error),
        ("in flight", wm.outcomes.in_flight, ws.outcomes.in_flight),
    ];
    for (what, a, b) in pairs {
        let (p1, p2) = (share(wm, a), share(ws, b));
        let p = (a + b) as f64 / (wm.outcomes.total() + ws.outcomes.total()) as f64;
        let se = (p * (1.0 - p) * (1.0 / wm.outcomes.total() as f64 + 1.0 / ws.outcomes.total() as f64)).sqrt();
        assert!((p1 - p2).abs() <= 3.0 * se + 1e-9, "{what}: {p1:.4} vs {p2:.4} (3 se = {:.4})", 3.0 * se);
    }
    assert!(share(wm, wm.outcomes.error) > 0.05, "the catalog's errors show: {:?}", wm.outcomes);
    let (a, b) = (wm.latency_ms.mean.mean, ws.latency_ms.mean.mean);
    assert!((a / b - 1.0).abs() <= 0.10, "mean latency {a:.2} ms (processes) vs {b:.2} ms (one process)");
}

/// Outcome shares of the two runs within three standard errors of their
/// difference, and the mean latency within `mean_tolerance`.
fn same_outcomes(wm: &engine::sim::WorkloadReport, ws: &engine::sim::WorkloadReport, mean_tolerance: f64) {
    let share = |w: &engine::sim::WorkloadReport, n: u64| n as f64 / w.outcomes.total().max(1) as f64;
    let pairs = [
        ("ok", wm.outcomes.ok, ws.outcomes.ok),
        ("error", wm.outcomes.error, ws.outcomes.error),
        ("in flight", wm.outcomes.in_flight, ws.outcomes.in_flight),
    ];
    for (what, a, b) in pairs {
        let (p1, p2) = (share(wm, a), share(ws, b));
        let p = (a + b) as f64 / (wm.outcomes.total() + ws.outcomes.total()) as f64;
        let se = (p * (1.0 - p) * (1.0 / wm.outcomes.total() as f64 + 1.0 / ws.outcomes.total() as f64)).sqrt();
        assert!((p1 - p2).abs() <= 3.0 * se + 1e-9, "{what}: {p1:.4} vs {p2:.4} (3 se = {:.4})", 3.0 * se);
    }
    let (a, b) = (wm.latency_ms.mean.mean, ws.latency_ms.mean.mean);
    assert!((a / b - 1.0).abs() <= mean_tolerance, "mean latency {a:.2} ms (processes) vs {b:.2} ms (one process)");
}

#[test]
fn the_fault_schedule_runs_across_processes_as_in_one() {
    // ×4: a request's 3.5 ms crosses three processes, and each one's timer
    // lateness weighs less at a larger scale.
    const RUN: [&str; 6] = ["--time-scale", "4", "--duration", "4s", "--warmup", "0.5s"];
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let file = faulted_events();
    let mut nodes = Nodes(Vec::new());
    let worker = serve_at(&mut nodes, &file, "worker", "4", (&[], &[]));
    let bus = serve_at(&mut nodes, &file, "bus", "4", (&[format!("worker={worker}")], &[]));
    let api = serve_at(&mut nodes, &file, "api", "4", (&[format!("bus={bus}")], &[]));
    // The load generator tells the API the load's start; the API passes it
    // on to the broker, the broker to the worker.
    let multi = tmp("events-multi.json");
    loadgen(&file, &RUN, &format!("api={api}"), &multi);
    drop(nodes);

    let single = tmp("events-single.json");
    emulate(&file, &RUN, &single);

    let (m, s) = (report(&multi), report(&single));
    let (wm, ws) = (m.workload("orders").unwrap(), s.workload("orders").unwrap());
    assert_eq!(wm.arrived, ws.arrived, "the same seed sends the same requests");
    assert!(wm.arrived > 300, "{}", wm.arrived);
    // Failed: half of 1 s, and the outage's second, of the 3.5 measured:
    // about 43% in either run (well above 25%: both faults acted).
    let failed = |w: &engine::sim::WorkloadReport| w.outcomes.error as f64 / w.outcomes.total().max(1) as f64;
    eprintln!(
        "processes: {} of {} failed, mean {:.2} ms; one process: {} of {} failed, mean {:.2} ms",
        wm.outcomes.error,
        wm.outcomes.total(),
        wm.latency_ms.mean.mean,
        ws.outcomes.error,
        ws.outcomes.total(),
        ws.latency_ms.mean.mean
    );
    assert!(
        failed(wm) > 0.25 && failed(ws) > 0.25,
        "failed {:.3} (processes), {:.3} (one process)",
        failed(wm),
        failed(ws)
    );
    // The successes' 3.5 ms cross three processes (timer lateness and
    // scheduling of each on a shared machine): 25%.
    same_outcomes(wm, ws, 0.25);
}

#[test]
fn the_registry_checks_health_across_processes_as_in_one() {
    const RUN: [&str; 6] = ["--time-scale", "4", "--duration", "4s", "--warmup", "0s"];
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let file = discovered_crash();
    let mut nodes = Nodes(Vec::new());
    let consul = serve_at(&mut nodes, &file, "consul", "4", (&[], &[]));
    let back = serve_at(&mut nodes, &file, "back", "4", (&[], &[]));
    // The front looks the back up at the registry, which hears of the
    // load's start from it and runs its health checks from there.
    let peers = [format!("back={back}"), format!("consul={consul}")];
    let front = serve_at(&mut nodes, &file, "front", "4", (&peers, &[]));
    let multi = tmp("discovered-multi.json");
    loadgen(&file, &RUN, &format!("front={front}"), &multi);
    drop(nodes);

    let single = tmp("discovered-single.json");
    emulate(&file, &RUN, &single);

    let (m, s) = (report(&multi), report(&single));
    let (wm, ws) = (m.workload("pages").unwrap(), s.workload("pages").unwrap());
    assert_eq!(wm.arrived, ws.arrived, "the same seed sends the same requests");
    eprintln!(
        "processes: {} of {} failed; one process: {} of {} failed",
        wm.outcomes.error,
        wm.outcomes.total(),
        ws.outcomes.error,
        ws.outcomes.total()
    );
    // Half the calls fail from the crash until the registry drops the
    // instance (0.5–1 s after it) and the front's cache is renewed (up to
    // 1 s more): 25–100 pages in one process. Were the registry's checks
    // not running, every other call would fail for the outage's whole 2 s
    // (about 100).
    assert!(ws.outcomes.error >= 20 && ws.outcomes.error < 90, "{:?}", ws.outcomes);
    same_outcomes(wm, ws, 0.25);
}

/// A front calling a back with tries of 25 ms at most (no cancellation),
/// the back (10 ms) calling a deep node (20 ms on average, memoryless)
/// plainly: about half the back's visits outlast their try (orphans), and
/// the deep visits under them are wasted too.
fn orphans() -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/calls.json");
    let mut doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["nodes"][1]["capacity"]["replicas"] = serde_json::json!(1);
    doc["nodes"][1]["service_time"] = serde_json::json!({ "type": "constant", "value_ms": 10.0 });
    let mut deep = doc["nodes"][1].clone();
    deep["id"] = serde_json::json!("deep");
    deep["name"] = serde_json::json!("deep");
    deep["service_time"] = serde_json::json!({ "type": "exponential", "mean_ms": 20.0 });
    doc["nodes"].as_array_mut().unwrap().push(deep);
    doc["edges"][0]["policy"] = serde_json::json!({ "per_try_timeout_ms": 25.0 });
    doc["edges"].as_array_mut().unwrap().push(serde_json::json!({ "id": "back-deep", "from": "back", "to": "deep" }));
    let out = tmp("orphans.json");
    std::fs::write(&out, serde_json::to_string_pretty(&doc).unwrap()).unwrap();
    out
}

/// The wasted visits node `url` counted, from its metrics.
fn wasted_visits(url: &str) -> u64 {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(url.trim_start_matches("http://")).unwrap();
    stream.write_all(b"GET /metrics HTTP/1.1\r\nHost: node\r\nConnection: close\r\n\r\n").unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).unwrap();
    let line =
        text.lines().find(|l| l.starts_with("switchboard_wasted_visits_total")).unwrap_or_else(|| panic!("{text}"));
    line.split_whitespace().last().unwrap().parse().unwrap()
}

#[test]
fn orphans_waste_the_same_work_across_processes_as_in_one() {
    const RUN: [&str; 6] = ["--time-scale", "2", "--duration", "4s", "--warmup", "0s"];
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let file = orphans();
    let mut nodes = Nodes(Vec::new());
    let deep = serve(&mut nodes, &file, "deep", &[], &[]);
    let back = serve(&mut nodes, &file, "back", &[format!("deep={deep}")], &[]);
    let front = serve(&mut nodes, &file, "front", &[format!("back={back}")], &[]);
    loadgen(&file, &RUN, &format!("front={front}"), &tmp("orphans-multi.json"));
    // Each process counted its own node's wasted visits (the notices went
    // over the network: front to back, back to deep).
    let (multi_back, multi_deep) = (wasted_visits(&back), wasted_visits(&deep));
    drop(nodes);

    let single = tmp("orphans-single.json");
    emulate(&file, &RUN, &single);
    let s = report(&single);
    let wasted = |id: &str| s.node(id).unwrap().resilience.as_ref().unwrap().wasted_visits;
    // The same seed draws the same services in both runs: only the timers'
    // lateness (over three processes) moves a visit across the try's edge,
    // and the metrics also count the visits still running at the load's
    // end: 10% and 5 visits.
    for (id, m) in [("back", multi_back), ("deep", multi_deep)] {
        let one = wasted(id);
        eprintln!("{id}: {m} wasted visits across processes, {one} in one process");
        assert!(one > 100, "{id}: {one}");
        assert!(m.abs_diff(one) as f64 <= 0.1 * one as f64 + 5.0, "{id}: {m} (processes) vs {one} (one process)");
    }
}

#[test]
fn an_autoscaled_node_scales_in_its_own_process_as_in_one() {
    // The spike from 3 s to 7 s and the scale-up it needs; the scale-down after is left out.
    const RUN: [&str; 6] = ["--time-scale", "2", "--duration", "8s", "--warmup", "0s"];
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/autoscaling.json");
    let mut nodes = Nodes(Vec::new());
    let api = serve(&mut nodes, &file, "api", &[], &[]);
    let multi = tmp("autoscaling-multi.json");
    loadgen(&file, &RUN, &format!("api={api}"), &multi);
    drop(nodes);

    let single = tmp("autoscaling-single.json");
    emulate(&file, &RUN, &single);
    let (m, s) = (report(&multi), report(&single));
    let (wm, ws) = (m.workload("requests").unwrap(), s.workload("requests").unwrap());
    assert_eq!(wm.arrived, ws.arrived, "the same seed sends the same requests");
    assert_eq!(wm.outcomes.failed(), 0, "{:?}", wm.outcomes);
    // One replica alone would queue 80 requests a second during the spike
    // (a mean far above 200 ms): the process scaled up on its own clock,
    // from the start the load generator announced, as the single process did.
    let (a, b) = (wm.latency_ms.mean.mean, ws.latency_ms.mean.mean);
    eprintln!("mean latency {a:.1} ms across processes, {b:.1} ms in one");
    assert!(b < 150.0, "the single process scaled up: {b:.1} ms");
    assert!((a / b - 1.0).abs() <= 0.10, "mean latency {a:.1} ms (processes) vs {b:.1} ms (one process)");
}
