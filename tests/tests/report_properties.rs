//! Properties of every sample's report, as a reader would check them: no
//! ratio outside its possible range (tries per call never below 1, and
//! exactly 1 where nothing retries; utilization and shares within 0–1), a
//! gap instead of a 0 where a window has no data, and a unit on every figure
//! of the SLO table in the HTML report and the CLI, failing verdicts first,
//! and each workload's latency distribution rising to 1 through the
//! percentiles the report prints.
//! The runs are short (simulated time up to 70 s) so the whole file takes
//! seconds.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use engine::Design;
use engine::sim::{Report, Verdict};

fn samples() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().and_then(|e| e.to_str()) == Some("json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no samples in {}", dir.display());
    files
}

fn tmp(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("switchboard-report-props-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// A sample's run through the CLI: its design, JSON report, HTML page and summary.
struct Run {
    design: Design,
    report: Report,
    html: String,
    summary: String,
}

fn run(path: &Path) -> Run {
    let design = engine::model::format::load(path).unwrap();
    // Long enough for the retry storm's fault (40–55 s) and its aftermath.
    let duration = design.simulation.duration_s.min(70.0);
    let warmup = design.simulation.warmup_s.min(10.0);
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    let (json, html) = (tmp(&format!("{stem}.json")), tmp(&format!("{stem}.html")));
    let mut out = Vec::new();
    let argv: Vec<std::ffi::OsString> = vec![
        "switchboard".into(),
        "simulate".into(),
        path.into(),
        "--duration".into(),
        format!("{duration}s").into(),
        "--warmup".into(),
        format!("{warmup}s").into(),
        "--replications".into(),
        "1".into(),
        "--json".into(),
        json.clone().into(),
        "--html".into(),
        html.clone().into(),
    ];
    let code = switchboard::cli::run(argv, &mut out);
    let summary = String::from_utf8(out).unwrap();
    assert!(code != 1 && code != 2, "{}: exit {code}\n{summary}", path.display());
    Run {
        design,
        report: Report::from_json(&std::fs::read_to_string(&json).unwrap()).unwrap(),
        html: std::fs::read_to_string(&html).unwrap(),
        summary,
    }
}

fn in_unit_range(v: f64) -> bool {
    (-1e-9..=1.0 + 1e-9).contains(&v)
}

/// Ratios within their possible range, in the totals and in every window.
fn check_ratios(name: &str, r: &Report, design: &Design) {
    for w in &r.workloads {
        assert!(in_unit_range(w.error_rate.mean), "{name}: {} error rate {}", w.name, w.error_rate.mean);
    }
    for n in &r.nodes {
        assert!(in_unit_range(n.utilization.mean), "{name}: {} utilization {}", n.id, n.utilization.mean);
    }
    for s in &r.series.nodes {
        for (i, u) in s.utilization.iter().enumerate() {
            assert!(in_unit_range(*u), "{name}: {} utilization {u} in window {i}", s.id);
        }
    }
    let retries = |id: &str| {
        design
            .edge(id)
            .and_then(|e| e.policy.as_ref())
            .and_then(|p| p.retries.as_ref())
            .is_some_and(|r| r.max_attempts > 1)
    };
    for e in &r.edges {
        let Some(p) = &e.policy else { continue };
        if p.logical_outcomes.total() > p.logical_outcomes.in_flight {
            assert!(p.retry_amplification >= 1.0, "{name}: {} tries per call {}", e.id, p.retry_amplification);
        }
        if !retries(&e.id) {
            assert!(
                p.retry_amplification == 1.0 || p.logical_calls == 0,
                "{name}: {} retries nothing but shows {} tries per call",
                e.id,
                p.retry_amplification
            );
        }
        if let Some(b) = &p.breaker {
            assert!(in_unit_range(b.open_share), "{name}: {} open share {}", e.id, b.open_share);
        }
    }
    for s in &r.series.edges {
        assert_eq!(s.tries_per_call.len(), r.series.start_s.len(), "{name}: {}", s.id);
        for (i, v) in s.tries_per_call.iter().enumerate() {
            let Some(v) = v else { continue };
            assert!(*v >= 1.0, "{name}: {} has {v} tries per call in window {i}", s.id);
            if !retries(&s.id) {
                assert!((*v - 1.0).abs() < 1e-12, "{name}: {} retries nothing but shows {v} in window {i}", s.id);
            }
        }
        for v in &s.breaker_open {
            assert!(in_unit_range(*v), "{name}: {} breaker open share {v}", s.id);
        }
    }
    if let Some(l) = &r.load {
        assert!(in_unit_range(l.wasted_share), "{name}: wasted share {}", l.wasted_share);
    }
}

/// A window where no request succeeded has no latency (a gap, JSON null);
/// every other window has one, and p50 ≤ p99.
fn check_gaps(name: &str, r: &Report) {
    for w in &r.series.workloads {
        for (i, ok_per_s) in w.throughput_per_s.iter().enumerate() {
            let (p50, p99) = (w.p50_ms.get(i).copied().flatten(), w.p99_ms.get(i).copied().flatten());
            if *ok_per_s == 0.0 {
                assert!(
                    p50.is_none() && p99.is_none(),
                    "{name}: {} window {i}: nothing succeeded, latency {p99:?}",
                    w.name
                );
            } else {
                let (p50, p99) = (p50.unwrap(), p99.unwrap());
                assert!(p50 <= p99 && p50 >= 0.0, "{name}: {} window {i}: p50 {p50} p99 {p99}", w.name);
            }
        }
    }
}

/// Each workload's latency distribution: at most 63 points, rising in
/// latency and share, shares within 0–1 ending at 1, empty exactly when no
/// request succeeded, and holding the percentiles the report prints (one
/// replication: the same histogram, to its resolution of 0.1 %). The HTML
/// page draws it with every point in its data.
fn check_cdf(name: &str, run: &Run) {
    for w in &run.report.workloads {
        let p = &w.latency_cdf;
        let ok = w.outcomes.ok + w.outcomes.degraded;
        assert_eq!(p.is_empty(), ok == 0, "{name}: {} has {} points for {ok} successes", w.name, p.len());
        if p.is_empty() {
            continue;
        }
        assert!(p.len() <= 63, "{name}: {} has {} points", w.name, p.len());
        for q in p {
            assert!(q.fraction > 0.0 && q.fraction <= 1.0, "{name}: {} share {}", w.name, q.fraction);
            assert!(q.latency_ms.is_finite() && q.latency_ms >= 0.0, "{name}: {} latency {}", w.name, q.latency_ms);
        }
        for pair in p.windows(2) {
            assert!(
                pair[0].latency_ms < pair[1].latency_ms && pair[0].fraction < pair[1].fraction,
                "{name}: {} not rising: {pair:?}",
                w.name
            );
        }
        assert_eq!(p.last().map(|q| q.fraction), Some(1.0), "{name}: {}", w.name);
        let l = &w.latency_ms;
        for (q, printed) in [(0.5, l.p50.mean), (0.95, l.p95.mean), (0.99, l.p99.mean), (0.999, l.p999.mean)] {
            let at = p.iter().find(|x| x.fraction >= q).map_or(f64::NAN, |x| x.latency_ms);
            assert!(
                (at - printed).abs() <= printed * 0.001 + 1e-9,
                "{name}: {} p{} is {printed} ms in the report, {at} ms in the distribution",
                w.name,
                q * 100.0
            );
            // Below the percentile, fewer than that share.
            if let Some(below) = p.iter().rev().find(|x| x.latency_ms < printed * 0.999) {
                assert!(below.fraction < q, "{name}: {} {below:?} below p{}", w.name, q * 100.0);
            }
        }
        let data = format!("data-name=\"{}\" data-x=\"", engine::report_html::escape(&w.name));
        assert!(run.html.contains(&data), "{name}: the page draws no distribution of {}", w.name);
    }
}

/// Every number of an SLO figure is followed by its unit.
fn has_units(text: &str) -> bool {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    let numbers = tokens.iter().filter(|t| t.parse::<f64>().is_ok()).count();
    numbers > 0
        && tokens
            .iter()
            .enumerate()
            .all(|(i, t)| t.parse::<f64>().is_err() || tokens.get(i + 1).is_some_and(|u| *u == "%" || *u == "ms"))
}

fn text_of(cell: &str) -> String {
    let mut out = String::new();
    let mut tag = false;
    for c in cell.chars() {
        match c {
            '<' => tag = true,
            '>' => tag = false,
            _ if !tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// The SLO table of the HTML report: units on target and measurement,
/// failing verdicts first.
fn check_html_slos(name: &str, run: &Run) {
    let r = &run.report;
    if r.slos.is_empty() {
        return;
    }
    let start = run.html.find("<h2>Service-level objectives</h2>").unwrap_or_else(|| panic!("{name}: no SLO table"));
    let table = &run.html[start..];
    let table = &table[..table.find("</table>").unwrap()];
    let rows: Vec<&str> = table.split("<tr>").skip(2).collect();
    assert_eq!(rows.len(), r.slos.len(), "{name}: {table}");
    let mut seen_pass = false;
    for row in rows {
        let cells: Vec<String> = row.split("<td").skip(1).map(|c| text_of(&format!("<td{c}"))).collect();
        let [_, _, target, measured, verdict] = cells.as_slice() else { panic!("{name}: row {row}") };
        assert!(has_units(target.trim_start_matches('≤')), "{name}: target {target:?} has no unit");
        assert!(has_units(measured), "{name}: measurement {measured:?} has no unit");
        seen_pass |= verdict.contains("PASS");
        assert!(!(seen_pass && verdict.contains("FAIL")), "{name}: a failing verdict listed after a passing one");
    }
}

/// The CLI's SLO lines: units on every figure, failing verdicts first.
fn check_cli_slos(name: &str, run: &Run) {
    let lines: Vec<&str> = run.summary.lines().filter(|l| l.starts_with("SLO ")).collect();
    assert_eq!(lines.len(), run.report.slos.len(), "{name}: {}", run.summary);
    let mut seen_pass = false;
    for line in lines {
        let figures = line.split_once(": ").map_or("", |x| x.1);
        let figures = figures.split('→').next().unwrap_or("").replace(['(', ')', '±', '≤'], " ").replace("target", " ");
        assert!(has_units(&figures), "{name}: {line:?} has a figure without a unit");
        seen_pass |= line.ends_with("PASS");
        assert!(!(seen_pass && line.ends_with("FAIL")), "{name}: a failing verdict listed after a passing one");
    }
}

/// A latency verdict of a workload where some requests failed says whose latency it is.
fn check_latency_of_whom(name: &str, run: &Run) {
    let r = &run.report;
    for s in r.slos.iter().filter(|s| s.objective.contains("latency")) {
        let w = r.workload(&s.workload).unwrap();
        if w.outcomes.failed() == 0 {
            continue;
        }
        let line = run.summary.lines().find(|l| l.starts_with(&format!("SLO {} {}", s.workload, s.objective))).unwrap();
        assert!(line.contains("succeeded"), "{name}: {line:?} does not say whose latency it is");
        assert!(run.html.contains(&format!("{} of the", s.objective)) || run.html.contains("no request succeeded"));
    }
}

#[test]
fn every_sample_report_reads_right() {
    for path in samples() {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let run = run(&path);
        check_ratios(&name, &run.report, &run.design);
        check_gaps(&name, &run.report);
        check_cdf(&name, &run);
        check_html_slos(&name, &run);
        check_cli_slos(&name, &run);
        check_latency_of_whom(&name, &run);
    }
}

fn sample(name: &str) -> Run {
    run(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples").join(name))
}

#[test]
fn the_retry_storm_names_its_saturated_database_and_draws_gaps() {
    let run = sample("retry-storm.json");
    let ex = engine::report_explain::explain(&run.report, Some(&run.design));
    assert_eq!(ex.saturated.first().map(|s| s.node.as_str()), Some("profile-db"), "{:?}", ex.saturated);
    let line = run.summary.lines().find(|l| l.starts_with("Saturated:")).unwrap();
    assert!(line.starts_with("Saturated: Profile DB ("), "{line}");
    assert!(run.html.contains("Saturated: Profile DB ("), "the report does not name the database");
    assert!(run.html.contains("Largest share of tail latency:"));
    // Nothing succeeds for a while after the fault: a gap, said why.
    let w = &run.report.series.workloads[0];
    assert!(w.p99_ms.iter().any(Option::is_none), "no gap in the storm's latency");
    assert!(run.html.contains("no request succeeded in those windows"));
    // The failing error-rate verdict comes before the passing latency one.
    let slo: Vec<&str> = run.summary.lines().filter(|l| l.starts_with("SLO ")).collect();
    assert!(slo[0].contains("error rate") && slo[0].ends_with("FAIL"), "{slo:?}");
    assert!(slo[1].contains("p99 latency of the") && slo[1].contains("% that succeeded"), "{slo:?}");
    assert!(run.report.slos.iter().any(|s| s.verdict == Verdict::Fail));
}

#[test]
fn the_payment_provider_is_slow_not_saturated() {
    let run = sample("ecommerce-checkout.json");
    let ex = engine::report_explain::explain(&run.report, Some(&run.design));
    assert!(ex.saturated.iter().all(|s| s.node != "psp"), "{:?}", ex.saturated);
    let sat = run.summary.lines().find(|l| l.starts_with("Saturated:")).unwrap();
    assert!(!sat.contains("Payment provider"), "{sat}");
    let tail = run.summary.lines().find(|l| l.starts_with("Largest share of tail latency:")).unwrap();
    assert!(tail.contains("not saturated"), "{tail}");
    // Three edges from the shoppers to the gateway, told apart by workload.
    for w in ["browse", "cart", "checkout"] {
        assert!(run.html.contains(&format!("API gateway · workload {w}</td>")), "no row for {w}");
    }
}

#[test]
fn reports_written_before_gaps_and_tries_per_call_still_read() {
    let run = sample("retry-storm.json");
    // An older report: 0 where a window had no latency, no tries per call.
    let mut old: serde_json::Value = serde_json::from_str(&run.report.to_json()).unwrap();
    for w in old["series"]["workloads"].as_array_mut().unwrap() {
        for key in ["p50_ms", "p99_ms"] {
            for v in w[key].as_array_mut().unwrap() {
                if v.is_null() {
                    *v = serde_json::json!(0.0);
                }
            }
        }
    }
    for e in old["series"]["edges"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("tries_per_call");
    }
    // Nor a latency distribution.
    for w in old["workloads"].as_array_mut().unwrap() {
        assert!(w.as_object_mut().unwrap().remove("latency_cdf").is_some());
    }
    let back = Report::from_json(&old.to_string()).unwrap();
    assert!(back.series.edges.iter().all(|e| e.tries_per_call.is_empty()));
    assert!(back.workloads.iter().all(|w| w.latency_cdf.is_empty()));
    // Its page draws the percentiles and no distribution; a comparison with
    // a newer report draws what both have.
    let page = engine::report_html::html(&back, &run.design);
    assert!(page.contains("Latency percentiles per workload") && !page.contains("<figure class=\"chart cdf\""));
    let both = engine::report_html::compare::compare_html("old.json", "new.json", &back, &run.report, &[], &[]);
    assert!(
        both.contains("<figure class=\"chart cdf\"") && both.contains("data-name=\"product page · new\""),
        "compare page"
    );
    assert!(!engine::sim::compare::compare(&back, &run.report).is_empty());
}

#[test]
fn an_autoscaled_node_is_never_more_than_fully_busy() {
    // Load that swings between 25/s and 175/s against replicas of one
    // worker × 10 ms: a replica added mid-window serves 0.3 of it, so the
    // window's capacity is 1.3 replicas, not 1 (which read as 126 % busy).
    let doc = serde_json::json!({
        "version": 1, "name": "autoscaled",
        "nodes": [
            {"id": "api", "name": "API", "capacity": {"replicas": 1, "workers": 1, "queue_capacity": 5000},
             "service_time": {"type": "exponential", "mean_ms": 10.0},
             "policies": {"autoscaling": {"min_replicas": 1, "max_replicas": 6, "target_utilization": 0.6,
               "evaluation_period_s": 3.0, "scale_down_stabilization_s": 0.0, "cold_start_s": 1.7}}}
        ],
        "edges": [],
        "workloads": [{"name": "w", "entry": "api", "arrival": {"type": "open", "rate_per_s": 100.0,
            "profile": {"type": "diurnal", "amplitude": 0.75, "period_s": 20.0}}}],
        "simulation": {"duration_s": 60.0, "warmup_s": 5.0, "seed": 4, "window_s": 1.0}
    });
    let design: Design = serde_json::from_value(doc).unwrap();
    let r =
        engine::sim::run(&design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::default()).unwrap();
    let replicas = &r.series.nodes[0].replicas;
    assert!(replicas.iter().any(|v| v.fract() > 0.05 && v.fract() < 0.5), "no fractional window: {replicas:?}");
    check_ratios("autoscaled", &r, &design);
}
