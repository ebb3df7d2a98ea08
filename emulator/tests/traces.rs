//! `--traces`: an emulated run's spans, written by the engine's OTLP
//! writer, read back by the engine's reader; parents and children follow
//! the `traceparent` chain (a call is a CLIENT span of the caller's visit,
//! the callee's SERVER span its child), and calibration of the traces
//! gives back the emulated design: its nodes, its call edges (the parallel
//! pair as parallel), the catalog's 0.5 probability of reading the
//! database within four binomial standard errors, and each node's mean
//! service time within a stated tolerance (below).
//!
//! The shop fixture runs at a quarter of its rate (utilisation ≤ 0.13), so
//! the own times calibration fits are service times with little queueing,
//! for 15 modelled seconds at time scale ×2 (30 s of wall time, loopback).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use emulator::{Emulation, Options};
use engine::model::{Arrival, Design};
use engine::otlp::{Span, SpanKind, keys};

fn shop_at_a_quarter() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/shop.json");
    let mut design = engine::model::format::load(&path).unwrap();
    for w in &mut design.workloads {
        if let Arrival::Open { rate_per_s, .. } = &mut w.arrival {
            *rate_per_s *= 0.25;
        }
    }
    design
}

#[test]
fn traces_follow_the_traceparent_chain_and_calibrate_back_to_the_design() {
    let design = shop_at_a_quarter();
    let options = Options { duration_s: 15.0, warmup_s: 0.0, time_scale: Some(2.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    emulation.record_spans();
    let measured = emulation.run(&mut |_| {}).unwrap();
    let (spans, dropped) = emulation.take_spans();
    drop(emulation);
    assert_eq!(dropped, 0);

    // The one writer, then the one reader.
    let mut file = Vec::new();
    engine::otlp::write::write_spans(&mut file, &spans).unwrap();
    let mut read: Vec<Span> = Vec::new();
    engine::otlp::read::read_spans(file.as_slice(), 1 << 30, |s| read.push(s)).unwrap();
    assert_eq!(read.len(), spans.len());

    // The chain: every root is the gateway's SERVER span, one per request;
    // a SERVER span below it hangs from a CLIENT span of its caller naming
    // it as `peer.service`, and a CLIENT span from its own service's visit.
    let by_id: BTreeMap<([u8; 16], [u8; 8]), &Span> = read.iter().map(|s| ((s.trace_id, s.span_id), s)).collect();
    assert_eq!(by_id.len(), read.len(), "span ids are unique");
    let page = measured.workloads.first().unwrap();
    let answered = page.outcomes.total() - page.outcomes.in_flight;
    let mut roots = 0u64;
    for s in &read {
        let Some(p) = s.parent_span_id else {
            assert_eq!((s.service.as_str(), s.kind), ("gateway", SpanKind::Server), "{s:?}");
            roots += 1;
            continue;
        };
        let parent = by_id.get(&(s.trace_id, p)).unwrap_or_else(|| panic!("parent of {s:?}"));
        assert!(parent.start_ns <= s.start_ns && s.end_ns <= parent.end_ns, "{s:?} within {parent:?}");
        match s.kind {
            SpanKind::Server => {
                assert_eq!(parent.kind, SpanKind::Client, "{s:?}");
                assert_eq!(parent.attr(keys::PEER_SERVICE), Some(s.service.as_str()), "{parent:?}");
            }
            SpanKind::Client => {
                assert_eq!(parent.kind, SpanKind::Server, "{s:?}");
                assert_eq!(parent.service, s.service, "{s:?}");
            }
            other => panic!("unexpected kind {other:?}"),
        }
    }
    assert_eq!(roots, answered, "one trace per answered request");
    assert!(roots > 200, "{roots} requests");

    // Calibration gives back the structure.
    let mut cal = engine::calibrate::Calibrator::new();
    cal.read_otlp(file.as_slice(), 1 << 30).unwrap();
    let (c, _) = cal.finish(1.0, None);
    let got = &c.design;
    let names = |d: &Design| d.nodes.iter().map(|n| n.name.clone()).collect::<BTreeSet<_>>();
    assert_eq!(names(got), names(&design));
    let (want, have) = (edges(&design), edges(got));
    assert_eq!(want.keys().collect::<Vec<_>>(), have.keys().collect::<Vec<_>>());
    for (ends, e) in &want {
        let g = have[ends];
        assert_eq!(g.parallel_group.is_some(), e.parallel_group.is_some(), "{ends:?}");
        let callers = c.services.iter().filter(|s| s.service == ends.0).map(|s| s.visits).sum::<u64>();
        let p = e.probability;
        let tol = 4.0 * (p * (1.0 - p) / callers.max(1) as f64).sqrt() + 1e-9;
        assert!((g.probability - p).abs() <= tol, "{ends:?}: p {} vs {p} ± {tol:.3}", g.probability);
    }

    // Mean service times. Tolerance: three standard errors of the mean
    // (σ of the design's distribution over √n), plus 5% because the fit is
    // a log-normal through the sample's p50 and p99 (whose mean is 3.5% off
    // an exponential's, less for the gamma), plus 0.5 ms of modelled time
    // for what a real server adds to each visit (HTTP parsing, task
    // wake-ups, the timer's spread at ×2) and the rare wait in a queue.
    for n in &design.nodes {
        let fit = c.services.iter().find(|s| s.service == n.name).unwrap_or_else(|| panic!("{}", n.name));
        let mean_ms = n.service_time.mean_ms();
        let sd_ms = std_dev_ms(&n.service_time);
        let tol = 3.0 * sd_ms / (fit.visits as f64).sqrt() + 0.05 * mean_ms + 0.5;
        let node = got.nodes.iter().find(|x| x.name == n.name).unwrap();
        let got_ms = node.service_time.mean_ms();
        assert!((got_ms - mean_ms).abs() <= tol, "{}: {got_ms:.2} vs {mean_ms} ms ± {tol:.2}", n.name);
    }
}

/// The edges of `d` by (caller name, callee name).
fn edges(d: &Design) -> BTreeMap<(String, String), &engine::model::Edge> {
    let name_of = |id: &str| d.node(id).map(|n| n.name.clone()).unwrap();
    d.edges.iter().map(|e| ((name_of(&e.from), name_of(&e.to)), e)).collect()
}

/// Standard deviation of the shop's distributions.
fn std_dev_ms(d: &engine::model::Distribution) -> f64 {
    use engine::model::Distribution as D;
    match d {
        D::Exponential { mean_ms } => *mean_ms,
        D::Gamma { mean_ms, cv } => mean_ms * cv,
        D::Lognormal { p50_ms, p99_ms } => {
            let sigma = (p99_ms / p50_ms).ln() / 2.326_347_874_040_841;
            d.mean_ms() * (sigma * sigma).exp_m1().sqrt()
        }
        other => panic!("{other:?} is not in the shop"),
    }
}
