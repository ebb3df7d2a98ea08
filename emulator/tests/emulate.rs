//! The emulator end to end on loopback, each run bounded to a few seconds
//! and a few thousand requests: outcomes add up, an injected error
//! probability is observed within its binomial interval, a single-server
//! queue's measured mean matches the simulation of the same draws, metrics
//! parse as Prometheus text, a full queue answers 503 with its reason, and
//! nothing listens beyond loopback.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::wire::Client;
use emulator::{Emulation, Measured, Options};
use engine::Design;
use engine::model::{Outcome, RejectCause};

fn fixture(name: &str) -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate").join(name);
    engine::model::format::load(&path).unwrap()
}

fn options(design: &Design, time_scale: f64) -> Options {
    Options { time_scale: Some(time_scale), ..Options::of(design) }
}

fn run(design: &Design, options: &Options) -> (Emulation, Measured) {
    let emulation = Emulation::start(design, options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    (emulation, measured)
}

/// Every sent request has exactly one outcome, and the nodes counted what
/// the load generator saw.
#[test]
fn outcomes_add_up_and_an_injected_error_rate_is_observed() {
    let design = fixture("errors.json");
    let (emulation, m) = run(&design, &options(&design, 1.0));
    let w = &m.workloads[0];
    let o = &w.outcomes;
    assert!(w.arrived > 1000, "{w:?}");
    assert_eq!(w.arrived, o.ok + o.degraded + o.failed() + o.in_flight, "{o:?}");
    assert_eq!(o.in_flight, 0, "every request was answered: {o:?}");
    // The backend fails one request in five, and the front fails with it:
    // the observed share lies within a 99.9% binomial interval of 0.2.
    let n = w.finished() as f64;
    let p = o.error as f64 / n;
    let half = 3.29 * (0.2 * 0.8 / n).sqrt();
    assert!((p - 0.2).abs() < half, "error share {p} over {n} requests, 0.2 ± {half}");
    assert_eq!(o.failed(), o.error, "only errors: {o:?}");

    // The node and edge sections: every visit has one outcome; the front's
    // visits are the workload's requests and the edge's calls the backend's
    // visits (give or take a request at the warm-up's edge), and the
    // backend's error share lies in the same interval.
    let (front, backend, edge) = (&m.nodes[0], &m.nodes[1], &m.edges[0]);
    for n in &m.nodes {
        assert_eq!(n.visits, n.outcomes.total(), "{n:?}");
        assert_eq!(n.outcomes.in_flight, 0, "{n:?}");
    }
    assert_eq!(edge.calls, edge.outcomes.total(), "{edge:?}");
    assert!(front.visits.abs_diff(w.arrived) <= 2, "{front:?} {w:?}");
    assert!(backend.visits.abs_diff(edge.calls) <= 2, "{backend:?} {edge:?}");
    assert!(backend.outcomes.error.abs_diff(o.error) <= 2, "{backend:?}");
    let pb = backend.outcomes.error as f64 / backend.visits as f64;
    assert!((pb - 0.2).abs() < half, "backend error share {pb}");
    // Service is a constant 1 ms: served visits took at least that, and
    // the front's worker (async) is held for its service only.
    assert!(backend.service_ms >= 0.95 && backend.latency_ms.p50 >= 0.95, "{backend:?}");
    assert!(front.mean_time_in_node_ms > backend.mean_time_in_node_ms, "{front:?}");
    let busy = front.utilization.mean * 8.0 * m.window_s();
    assert!((busy / (front.service_ms * 1e-3 * front.visits as f64) - 1.0).abs() < 0.05, "{front:?}");

    // The backend's own counter saw every call, warm-up included.
    let client = Client::new();
    let backend = emulation.endpoints()[1].addr;
    let (status, text) = emulation.handle().block_on(client.get(backend, "/metrics")).unwrap();
    assert!(status.is_success());
    let errors = sample(&text, "switchboard_requests_total", "error");
    let ok = sample(&text, "switchboard_requests_total", "ok");
    assert_eq!(errors + ok, m.sent as f64, "{text}");
}

/// The value of `name` with `outcome="…"` in a metrics text.
fn sample(text: &str, name: &str, outcome: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(name) && l.contains(&format!("outcome=\"{outcome}\"")))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

/// A Prometheus text exposition: `# HELP`/`# TYPE`/`# UNIT`/`# EOF`
/// comments, and samples `name{label="value",…} number`.
fn assert_prometheus_text(text: &str) {
    assert!(text.ends_with("# EOF\n"), "{text}");
    let mut samples = 0;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# ") {
            let kind = rest.split(' ').next().unwrap();
            assert!(["HELP", "TYPE", "UNIT", "EOF"].contains(&kind), "{line}");
            continue;
        }
        let (series, value) = line.rsplit_once(' ').unwrap();
        assert!(value.parse::<f64>().is_ok() || ["+Inf", "-Inf", "NaN"].contains(&value), "{line}");
        let name_end = series.find('{').unwrap_or(series.len());
        let name = &series[..name_end];
        assert!(
            !name.is_empty()
                && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
                && !name.starts_with(|c: char| c.is_ascii_digit()),
            "{line}"
        );
        if name_end < series.len() {
            let labels = series[name_end..].strip_prefix('{').and_then(|l| l.strip_suffix('}')).unwrap();
            for pair in labels.split("\",").filter(|p| !p.is_empty()) {
                let (key, value) = pair.split_once("=\"").unwrap();
                assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
                assert!(!value.trim_end_matches('"').contains('"'), "{line}");
            }
        }
        samples += 1;
    }
    assert!(samples > 0, "{text}");
}

/// One server, one worker, exponential service at utilisation 0.5. The
/// emulator draws the simulator's very numbers (the same keyed streams for
/// arrivals and service, consumed in the same FIFO order), so the measured
/// mean differs from the simulated one (same seed) only by timer lateness:
/// about a millisecond per sleep on a 40 ms mean. The tolerance, 15%, is
/// that bias with room for a loaded machine; a wrong queue discipline, a
/// lost worker or a service time not slept moves the mean by far more.
#[test]
fn a_single_server_queue_matches_its_simulation() {
    let design = fixture("mm1.json");
    let (emulation, m) = run(&design, &options(&design, 1.0));
    let sim = engine::sim::run(
        &design,
        &engine::sim::RunOptions { replications: Some(1), ..engine::sim::RunOptions::default() },
        &engine::sim::RunControl::new(),
    )
    .unwrap();
    let measured = m.report("mm1", sim.settings.clone());
    let (e, s) = (&measured.workloads[0], &sim.workloads[0]);
    assert!(e.arrived.abs_diff(s.arrived) <= 1, "the same arrivals: {} vs {}", e.arrived, s.arrived);
    let rel = (e.latency_ms.mean.mean - s.latency_ms.mean.mean) / s.latency_ms.mean.mean;
    eprintln!(
        "M/M/1: measured mean {:.2} ms, p99 {:.2} ms; simulated {:.2} ms, p99 {:.2} ms; timer lateness {:.3} ms",
        e.latency_ms.mean.mean,
        e.latency_ms.p99.mean,
        s.latency_ms.mean.mean,
        s.latency_ms.p99.mean,
        emulation.overshoot().mean_ms
    );
    assert!(
        rel.abs() < 0.15,
        "measured mean {:.2} ms vs simulated {:.2} ms ({:+.1}%)",
        e.latency_ms.mean.mean,
        s.latency_ms.mean.mean,
        rel * 100.0
    );
    assert_eq!(e.outcomes.failed(), 0);

    // Metrics after the run parse as Prometheus text and count the requests.
    let client = Client::new();
    let addr = emulation.endpoints()[0].addr;
    let (_, text) = emulation.handle().block_on(client.get(addr, "/metrics")).unwrap();
    assert_prometheus_text(&text);
    assert_eq!(sample(&text, "switchboard_requests_total", "ok"), m.sent as f64, "{text}");
    assert!(text.contains("switchboard_request_duration_seconds_bucket"), "{text}");
    assert!(text.contains("switchboard_queue_length"), "{text}");
}

/// One worker and a queue of one: of three requests sent at once, one is
/// served, one waits and is served, and one is turned away with 503 and
/// its reason.
#[test]
fn a_full_queue_rejects_with_503() {
    let design = fixture("queue-full.json");
    let emulation = Emulation::start(&design, &options(&design, 1.0)).unwrap();
    let addr = emulation.endpoints()[0].addr;
    let handle = emulation.handle();
    let outcomes = handle.block_on(async {
        let client = Client::new();
        let first = tokio::spawn({
            let c = client.clone();
            async move { c.call(addr, None, emulator::trace::Hop::default()).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let second = tokio::spawn({
            let c = client.clone();
            async move { c.call(addr, None, emulator::trace::Hop::default()).await }
        });
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        let third = raw_post(addr).await;
        (first.await.unwrap(), second.await.unwrap(), third)
    });
    assert_eq!(outcomes.0, Outcome::Ok);
    assert_eq!(outcomes.1, Outcome::Ok);
    let (status, reason) = outcomes.2;
    assert_eq!(status, 503);
    assert_eq!(reason.as_deref(), Some(RejectCause::QueueFull.as_str()));
}

/// A POST with a plain HTTP/1.1 exchange on a socket: status and reason header.
async fn raw_post(addr: std::net::SocketAddr) -> (u16, Option<String>) {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut text = String::new();
    stream.read_to_string(&mut text).await.unwrap();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let reason = text
        .lines()
        .find_map(|l| l.to_ascii_lowercase().strip_prefix("x-switchboard-reject:").map(|v| v.trim().to_owned()));
    (status, reason)
}

/// Every node listens on loopback only, as the operating system reports its
/// listening sockets (no traffic is sent to find out).
#[test]
fn nothing_listens_beyond_loopback() {
    let design = fixture("errors.json");
    let emulation = Emulation::start(&design, &options(&design, 1.0)).unwrap();
    for e in emulation.endpoints() {
        assert!(e.addr.ip().is_loopback(), "{e:?}");
    }
    // /proc/net/tcp lists each listening socket's local address (state 0A).
    if let Ok(table) = std::fs::read_to_string("/proc/net/tcp") {
        for e in emulation.endpoints() {
            let port = format!("{:04X}", e.addr.port());
            let listening: Vec<&str> = table
                .lines()
                .filter_map(|l| {
                    let f: Vec<&str> = l.split_whitespace().collect();
                    (f.get(3) == Some(&"0A") && f.get(1).is_some_and(|a| a.ends_with(&format!(":{port}"))))
                        .then(|| f[1])
                })
                .collect();
            assert_eq!(listening, vec![format!("0100007F:{port}").as_str()], "node {}", e.node);
        }
    }
}

/// A design using what the emulator does not run yet is refused, each part named.
#[test]
fn designs_with_parts_not_emulated_are_refused() {
    let mut design = fixture("errors.json");
    design.nodes[1].policies.autoscaling = Some(engine::model::Autoscaling {
        min_replicas: 1,
        max_replicas: 2,
        target_utilization: 0.5,
        evaluation_period_s: 15.0,
        scale_down_stabilization_s: 300.0,
        cold_start_s: 0.0,
    });
    // Autoscaling runs, but not of a node found through service discovery.
    design.nodes[1].discovery = Some(engine::model::Discovery::default());
    let err = Emulation::start(&design, &options(&design, 1.0)).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("nodes[backend].policies.autoscaling"), "{text}");
}

/// The errors fixture with a backend that always fails (or is slow), a
/// policy on the call, and a gentle constant load for a second.
fn with_policy(policy: engine::model::CallPolicy, backend: impl Fn(&mut engine::model::Node)) -> (Design, Options) {
    let mut design = fixture("errors.json");
    design.edges[0].policy = Some(policy);
    backend(&mut design.nodes[1]);
    if let engine::model::Arrival::Open { rate_per_s, .. } = &mut design.workloads[0].arrival {
        *rate_per_s = 20.0;
    }
    let o = Options { duration_s: 1.0, warmup_s: 0.0, ..options(&design, 1.0) };
    (design, o)
}

fn retries(max_attempts: u32, on: engine::model::RetryOn) -> engine::model::Retries {
    engine::model::Retries { max_attempts, retry_on: vec![on], backoff: None, jitter: 0.0, budget_ratio: None }
}

fn backend_tries(emulation: &Emulation) -> f64 {
    let addr = emulation.endpoints()[1].addr;
    let (_, text) = emulation.handle().block_on(Client::new().get(addr, "/metrics")).unwrap();
    ["ok", "error"].iter().map(|o| sample(&text, "switchboard_requests_total", o)).sum()
}

/// Every try of a retried call reaches the callee: three tries per call.
#[test]
fn retries_are_counted_per_try() {
    let policy = engine::model::CallPolicy {
        retries: Some(retries(3, engine::model::RetryOn::Error)),
        ..engine::model::CallPolicy::default()
    };
    let (design, o) = with_policy(policy, |n| n.error_probability = 1.0);
    let (emulation, m) = run(&design, &o);
    let w = &m.workloads[0];
    assert!(w.arrived >= 15, "{w:?}");
    assert_eq!(w.outcomes.error, w.arrived, "{w:?}");
    assert_eq!(backend_tries(&emulation), 3.0 * w.arrived as f64);
}

/// A breaker opens after five failed tries in a row: the callee sees about
/// five (a try or two more may be in flight as it opens), and the calls
/// after it fail fast, not retried.
#[test]
fn a_breaker_opens_under_failure() {
    let policy = engine::model::CallPolicy {
        retries: Some(retries(3, engine::model::RetryOn::Error)),
        circuit_breaker: Some(engine::model::CircuitBreaker {
            consecutive_failures: Some(5),
            failure_ratio: None,
            window_calls: 20,
            open_s: 60.0,
            half_open_probes: 1,
        }),
        ..engine::model::CallPolicy::default()
    };
    let (design, o) = with_policy(policy, |n| n.error_probability = 1.0);
    let (emulation, m) = run(&design, &o);
    let w = &m.workloads[0];
    let tries = backend_tries(&emulation);
    assert!((5.0..=7.0).contains(&tries), "{tries} tries reached the backend");
    assert!(w.outcomes.rejected.breaker_open + 3 >= w.arrived, "{w:?}");
    // The caller's metrics show the breaker open (for 60 s), and nothing else.
    let front = emulation.endpoints()[0].addr;
    let (_, text) = emulation.handle().block_on(Client::new().get(front, "/metrics")).unwrap();
    assert_prometheus_text(&text);
    let state = |s: &str| format!("switchboard_breaker_state{{node=\"front\",edge=\"front-backend\",state=\"{s}\"}}");
    for (s, v) in [("open", 1), ("closed", 0), ("half_open", 0)] {
        assert!(text.contains(&format!("{} {v}\n", state(s))), "{s} {v}: {text}");
    }
    // The callee has no breaker of its own.
    let backend = emulation.endpoints()[1].addr;
    let (_, text) = emulation.handle().block_on(Client::new().get(backend, "/metrics")).unwrap();
    assert!(!text.contains("switchboard_breaker_state"), "{text}");
}

/// A per-try timeout gives up on a slow callee: two tries of 50 ms each,
/// then the call times out after about 100 ms.
#[test]
fn per_try_timeouts_bound_the_call() {
    let policy = engine::model::CallPolicy {
        per_try_timeout_ms: Some(50.0),
        retries: Some(retries(2, engine::model::RetryOn::Timeout)),
        ..engine::model::CallPolicy::default()
    };
    let (design, o) = with_policy(policy, |n| {
        n.service_time = engine::model::Distribution::Constant { value_ms: 300.0 };
    });
    let (emulation, m) = run(&design, &o);
    let w = &m.workloads[0];
    assert_eq!(w.outcomes.timeout, w.arrived, "{w:?}");
    // At most two tries of each call reached the callee.
    assert!(backend_tries(&emulation) <= 2.0 * w.arrived as f64);
    let front = emulation.endpoints()[0].addr;
    let (_, text) = emulation.handle().block_on(Client::new().get(front, "/metrics")).unwrap();
    assert_eq!(sample(&text, "switchboard_requests_total", "timeout"), w.arrived as f64, "{text}");
}

/// A node's token bucket (10/s, burst 1) at 40 requests/s lets about a
/// quarter through and rejects the rest as rate limited.
#[test]
fn a_rate_limit_rejects_the_excess() {
    let mut design = fixture("errors.json");
    design.nodes[0].policies.rate_limit = Some(engine::model::RateLimit { rate_per_s: 10.0, burst: 1 });
    design.nodes[1].error_probability = 0.0;
    if let engine::model::Arrival::Open { rate_per_s, .. } = &mut design.workloads[0].arrival {
        *rate_per_s = 40.0;
    }
    let o = Options { duration_s: 2.0, warmup_s: 0.0, ..options(&design, 1.0) };
    let (_, m) = run(&design, &o);
    let w = &m.workloads[0];
    let (ok, limited) = (w.outcomes.ok, w.outcomes.rejected.rate_limited);
    assert_eq!(ok + limited, w.arrived, "{w:?}");
    assert!((17..=23).contains(&ok), "{ok} of {} let through at 10/s for 2 s", w.arrived);
}
