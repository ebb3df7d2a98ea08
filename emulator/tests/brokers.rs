//! Brokers, events and subscriptions emulated on loopback, each run held
//! against the simulator of the same design and seed (never against the
//! emulator itself): outcomes add up, a topic copies to every subscription,
//! consumer concurrency caps a subscriber's throughput, failed deliveries
//! are redelivered then dead-lettered, a full broker drops or refuses, and
//! an outage pauses deliveries and loses the backlog. Bounded: every run is
//! at most 8 s of modelled load at time scale 2 (16 s of wall time) and a
//! few thousand messages.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Measured, Options};
use engine::Design;
use engine::model::{Arrival, BrokerMode, Edge, EdgeKind, FaultKind, SubscriptionSettings, WhenFull};
use engine::sim::Report;
use engine::sim::report::BrokerReport;

fn fixture() -> Design {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/events.json");
    engine::model::format::load(&path).unwrap()
}

/// Emulate `design` for `duration_s` (warm-up `warmup_s`) at time scale 2,
/// and simulate the same window with the same seed.
fn both(design: &mut Design, duration_s: f64, warmup_s: f64) -> (Measured, Report) {
    design.simulation.duration_s = duration_s;
    design.simulation.warmup_s = warmup_s;
    design.simulation.replications = 1;
    assert!(emulator::not_emulated(design).is_empty(), "{:?}", emulator::not_emulated(design));
    let options = Options { time_scale: Some(2.0), ..Options::of(design) };
    let emulation = Emulation::start(design, &options).unwrap();
    let measured = emulation.run(&mut |_| {}).unwrap();
    drop(emulation);
    let simulated =
        engine::sim::run(design, &engine::sim::RunOptions::default(), &engine::sim::RunControl::new()).unwrap();
    (measured, simulated)
}

fn rate(design: &mut Design, per_s: f64) {
    if let Arrival::Open { rate_per_s, .. } = &mut design.workloads[0].arrival {
        *rate_per_s = per_s;
    }
}

fn subscription(design: &mut Design) -> &mut SubscriptionSettings {
    design.edges[1].subscription.get_or_insert_with(SubscriptionSettings::default)
}

fn broker(m: &Measured) -> &BrokerReport {
    &m.brokers[0]
}

fn node<'a>(r: &'a Report, id: &str) -> &'a engine::sim::report::NodeReport {
    r.node(id).unwrap()
}

/// Every copy stored after the warm-up is accounted for once.
fn adds_up(b: &BrokerReport) {
    assert_eq!(
        b.accepted_copies(),
        b.delivered + b.dead_lettered + b.lost + b.in_flight,
        "stored copies = delivered + dead-lettered + lost + still queued or in delivery: {b:?}"
    );
}

trait Copies {
    fn accepted_copies(&self) -> u64;
}

impl Copies for BrokerReport {
    /// Copies stored: published × copies per publish, less those dropped
    /// (one copy per publish in queue mode).
    fn accepted_copies(&self) -> u64 {
        let per_publish = if self.mode == "topic" { 2 } else { 1 };
        self.published * per_publish - self.dropped
    }
}

/// Relative difference.
fn rel(a: f64, b: f64) -> f64 {
    (a / b - 1.0).abs()
}

#[test]
fn outcomes_add_up_and_the_subscriber_matches_the_simulator() {
    let mut design = fixture();
    let (m, s) = both(&mut design, 8.0, 1.0);
    let b = broker(&m);
    adds_up(b);
    // One publish per request: published (counted at the broker) follows the
    // requests sent, less the few still on the wire at the edges of the window.
    let arrived = m.workloads[0].arrived;
    assert!(b.published.abs_diff(arrived) <= 3, "published {} for {arrived} requests", b.published);
    assert!(b.dead_lettered == 0 && b.dropped == 0 && b.lost == 0, "{b:?}");
    assert!(b.delivered > 150, "{b:?}");

    let measured = m.report("events", m.settings(&design));
    // The subscriber's visits, measured as any node's: its mean latency
    // within 10% of the simulated (the same service draws in the same
    // order, a single consumer: the difference is timer lateness).
    let (wm, ws) = (node(&measured, "worker"), node(&s, "worker"));
    assert!(
        rel(wm.latency_ms.mean, ws.latency_ms.mean) < 0.10,
        "worker mean {:.2} ms, simulated {:.2} ms",
        wm.latency_ms.mean,
        ws.latency_ms.mean
    );
    // The broker's publish-to-consume delay is an M/M/1 sojourn behind the
    // backlog (utilisation 0.5): 15%, its waiting amplifies the lateness.
    let sb = &s.brokers[0];
    assert!(
        rel(b.delay_ms.mean, sb.delay_ms.mean) < 0.15,
        "delay {:.2} ms, simulated {:.2} ms",
        b.delay_ms.mean,
        sb.delay_ms.mean
    );
    // Publishes and deliveries have edge rows, the broker rows of its own.
    let rows = emulator::compare::rows(&measured, &s);
    for id in ["api-bus", "bus-worker"] {
        assert!(rows.iter().any(|r| r.scope == emulator::compare::Scope::Edge && r.id == id), "no row for {id}");
    }
    assert!(rows.iter().any(|r| r.scope == emulator::compare::Scope::Broker && r.id == "bus"));
}

#[test]
fn the_delay_counts_from_the_publishers_send_as_simulated() {
    // A slow broker (20 ms constant, many workers) and 5 ms of network each
    // way at a low rate, so nothing queues: the delay is 5 + 20 + 5 ms to
    // the delivery plus the worker's 20 ms mean, all of it from the
    // publisher's send. Counted from the store instead it would lose the
    // event edge and the broker's own 25 ms, half of it.
    let mut design = fixture();
    design.nodes[1].service_time = engine::model::Distribution::Constant { value_ms: 20.0 };
    design.nodes[1].capacity.workers = 64;
    for e in &mut design.edges {
        e.network_latency = Some(engine::model::Distribution::Constant { value_ms: 5.0 });
    }
    rate(&mut design, 10.0);
    let (m, s) = both(&mut design, 6.0, 1.0);
    let (b, sb) = (broker(&m), &s.brokers[0]);
    assert!(b.delivered > 30, "{b:?}");
    assert!(
        rel(b.delay_ms.mean, sb.delay_ms.mean) < 0.10,
        "delay {:.2} ms, simulated {:.2} ms",
        b.delay_ms.mean,
        sb.delay_ms.mean
    );
}

#[test]
fn a_topic_delivers_each_message_to_every_subscription() {
    let mut design = fixture();
    if let Some(b) = design.nodes[1].broker.as_mut() {
        b.mode = BrokerMode::Topic;
    }
    let mut audit = design.nodes[2].clone();
    audit.id = "audit".to_owned();
    audit.name = "audit".to_owned();
    design.nodes.push(audit);
    let mut sub = Edge::new("bus-audit", "bus", "audit", EdgeKind::Subscription);
    sub.subscription = Some(SubscriptionSettings { concurrency: 4, ..SubscriptionSettings::default() });
    design.edges.push(sub);
    subscription(&mut design).concurrency = 4;
    let (m, s) = both(&mut design, 3.0, 0.5);
    let b = broker(&m);
    adds_up(b);
    assert_eq!(b.mode, "topic");
    // Each subscription got a copy of every message: their deliveries
    // match, but for the few in flight at the end.
    let calls = |id: &str| m.edges.iter().find(|e| e.id == id).unwrap().outcomes.ok;
    let (w, a) = (calls("bus-worker"), calls("bus-audit"));
    assert!(w.abs_diff(a) <= 4, "worker {w}, audit {a}");
    assert!(w.abs_diff(b.published) <= 4, "worker {w} of {} published", b.published);
    // The simulator copies as many: delivered within 10% (a Poisson count
    // of about 125 per subscription, the same arrivals by seed).
    let sd = s.brokers[0].delivered as f64;
    assert!(rel(b.delivered as f64, sd) < 0.10, "delivered {} vs {sd}", b.delivered);
}

#[test]
fn consumer_concurrency_caps_the_subscriber_as_simulated() {
    let mut per_s = Vec::new();
    for concurrency in [1, 4] {
        let mut design = fixture();
        // 80 orders/s against a consumer of 20 ms: one at a time serves at
        // most 50/s, four keep up.
        rate(&mut design, 80.0);
        subscription(&mut design).concurrency = concurrency;
        let (m, s) = both(&mut design, 4.0, 1.0);
        adds_up(broker(&m));
        let measured = m.report("events", m.settings(&design));
        let (wm, ws) = (node(&measured, "worker"), node(&s, "worker"));
        // Throughput within 10% of the simulated (about 150 to 240 visits).
        let (tm, ts) = (wm.throughput_per_s.mean, ws.throughput_per_s.mean);
        assert!(rel(tm, ts) < 0.10, "concurrency {concurrency}: {tm:.1}/s, simulated {ts:.1}/s");
        per_s.push(tm);
        if concurrency == 1 {
            // The backlog grows: the delay is far above the service time.
            assert!(broker(&m).delay_ms.mean > 100.0, "{:?}", broker(&m).delay_ms);
            assert!(broker(&m).in_flight > 20, "{:?}", broker(&m));
        }
    }
    assert!(per_s[0] < 0.75 * per_s[1], "one at a time {:.1}/s, four {:.1}/s", per_s[0], per_s[1]);
}

#[test]
fn failed_deliveries_are_redelivered_then_dead_lettered_as_simulated() {
    let mut design = fixture();
    rate(&mut design, 150.0);
    design.nodes[2].error_probability = 0.3;
    design.nodes[2].service_time = engine::model::Distribution::Constant { value_ms: 5.0 };
    let sub = subscription(&mut design);
    sub.concurrency = 4;
    sub.max_deliveries = 2;
    sub.redelivery_delay_ms = 5.0;
    let (m, s) = both(&mut design, 4.0, 0.5);
    let (b, sb) = (broker(&m), &s.brokers[0]);
    adds_up(b);
    // Each finished message is dead-lettered with p = 0.3² = 0.09 and
    // redelivered with p = 0.3. 99.9% binomial interval (z = 3.29) of the
    // difference of two shares over n and n' messages.
    let check = |what: &str, (km, nm): (u64, u64), (ks, ns): (u64, u64), p: f64| {
        let (pm, ps) = (km as f64 / nm as f64, ks as f64 / ns as f64);
        let half = 3.29 * (p * (1.0 - p) * (1.0 / nm as f64 + 1.0 / ns as f64)).sqrt();
        assert!((pm - ps).abs() < half, "{what}: {pm:.4} emulated, {ps:.4} simulated, ± {half:.4}");
        let theory = 3.29 * (p * (1.0 - p) / nm as f64).sqrt();
        assert!((pm - p).abs() < theory, "{what}: {pm:.4} emulated, {p} in theory ± {theory:.4}");
    };
    let finished = |b: &BrokerReport| b.delivered + b.dead_lettered;
    assert!(finished(b) > 400, "{b:?}");
    check("dead-lettered", (b.dead_lettered, finished(b)), (sb.dead_lettered, finished(sb)), 0.09);
    check("redelivered", (b.redelivered, finished(b)), (sb.redelivered, finished(sb)), 0.3);
}

#[test]
fn a_full_broker_drops_or_refuses_as_simulated() {
    for when_full in [WhenFull::Drop, WhenFull::Error] {
        let mut design = fixture();
        rate(&mut design, 80.0);
        if let Some(b) = design.nodes[1].broker.as_mut() {
            b.capacity_messages = Some(5);
        }
        design.edges[0].publish = Some(engine::model::PublishSettings { when_full });
        let (m, s) = both(&mut design, 4.0, 1.0);
        let (b, sb) = (broker(&m), &s.brokers[0]);
        adds_up(b);
        // Past 50/s of service the backlog of 5 is full: about 3/8 of the
        // publishes do not fit. Shares within 25% of the simulated (a few
        // hundred publishes, and which ones fit depends on timing).
        let share = |r: &BrokerReport| r.dropped as f64 / r.published as f64;
        assert!(share(sb) > 0.2, "{sb:?}");
        assert!(rel(share(b), share(sb)) < 0.25, "{when_full:?}: dropped {:.3} vs {:.3}", share(b), share(sb));
        assert!(b.backlog_max <= 5, "{b:?}");
        let failed = m.workloads[0].outcomes.rejected.queue_full;
        if when_full == WhenFull::Drop {
            assert_eq!(failed, 0, "a dropping publisher is not told");
        } else {
            // The publisher waits for the confirm and fails with the refusal.
            assert!(failed.abs_diff(b.dropped) <= 3, "{failed} rejected, {} dropped", b.dropped);
        }
    }
}

#[test]
fn a_broker_outage_refuses_publishes_and_loses_the_backlog() {
    let mut design = fixture();
    // Concurrency 1 at 80/s: a backlog builds at about 30/s until the
    // outage at 2 s loses it; publishes fail for its second.
    rate(&mut design, 80.0);
    design.faults.push(engine::model::Fault {
        name: "bus-down".to_owned(),
        target: "bus".to_owned(),
        start_s: 2.0,
        end_s: 3.0,
        fault: FaultKind::BrokerOutage { lose_messages: true },
    });
    let (m, s) = both(&mut design, 4.0, 1.0);
    let (b, sb) = (broker(&m), &s.brokers[0]);
    adds_up(b);
    // About 30 lost (the backlog at 2 s): within 30% of the simulated (the
    // backlog's size at that instant follows the service draws, the same by
    // seed, and timing).
    assert!(sb.lost > 15, "{sb:?}");
    assert!(rel(b.lost as f64, sb.lost as f64) < 0.30, "lost {} vs {}", b.lost, sb.lost);
    // A second of publishes refused: about 80 failed publishes, as simulated
    // (within 20%: a Poisson count, the same arrivals by seed).
    let errors = |r: &[engine::sim::report::EdgeReport]| r.iter().find(|e| e.id == "api-bus").unwrap().outcomes.error;
    let (em, es) = (errors(&m.edges), errors(&s.edges));
    assert!(es > 50, "{es}");
    assert!(rel(em as f64, es as f64) < 0.20, "failed publishes {em} vs {es}");
}

#[test]
fn a_broker_serving_alone_needs_its_subscribers_addresses() {
    let design = fixture();
    let topology = emulator::topology::Topology::of(&design).unwrap();
    let (api, bus, worker) = (0, 1, 2);
    assert_eq!(emulator::standalone::callees(&topology, api), vec![bus], "a publisher needs its broker");
    assert_eq!(emulator::standalone::callees(&topology, bus), vec![worker], "a broker needs its subscribers");
    assert!(emulator::standalone::callees(&topology, worker).is_empty());
}
