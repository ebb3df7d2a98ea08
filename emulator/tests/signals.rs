//! Signals end to end on loopback (20 s at time scale ×16, about a thousand
//! requests): receivers run on their sender's task, a `send` receiver's
//! failure fails the request, a `send_robust` one's is caught, and the
//! latency is the sum of the service times, as the simulator has it.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::{Emulation, Options};

#[test]
fn robust_signals_swallow_failures_and_plain_ones_pass_them_on() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/signals.json");
    let design = engine::model::format::load(&path).unwrap();
    let options = Options { time_scale: Some(16.0), ..Options::of(&design) };
    let emulation = Emulation::start(&design, &options).unwrap();
    let m = emulation.run(&mut |_| {}).unwrap();
    let w = &m.workloads[0];
    let n = w.finished() as f64;
    assert!(n > 700.0, "{w:?}");
    assert_eq!(w.outcomes.in_flight, 0, "{w:?}");
    // A 99.9% binomial interval around the share each receiver fails.
    let within = |failed: u64, of: f64, p: f64| {
        let share = failed as f64 / of;
        let half = 3.29 * (p * (1.0 - p) / of).sqrt();
        assert!((share - p).abs() < half, "share {share} over {of}, expected {p} ± {half}");
    };
    // Only notify's failures (send) reach the request; audit's (send_robust) do not.
    within(w.outcomes.failed(), n, 0.1);
    let (audit, notify) = (&m.nodes[1], &m.nodes[2]);
    within(audit.outcomes.error, audit.visits as f64, 0.3);
    // Notify runs after audit whatever audit did. Visits that begin after
    // the load's end are not measured, so a request sent at its very end
    // can count its audit and not its notify: at 1,000 requests/s of
    // 2.5 ms, about three are in progress then; ten leaves room.
    let straddling = 10;
    assert!(
        notify.visits <= audit.visits && audit.visits - notify.visits <= straddling,
        "notify {} against audit {}",
        notify.visits,
        audit.visits
    );
    let (n_err, w_err) = (notify.outcomes.error, w.outcomes.error);
    assert!(n_err <= w_err && w_err - n_err <= straddling, "{notify:?} {w:?}");
    // Receivers run in-process: no queue, no network; the request takes the
    // front's 1 ms, audit's 1 ms and notify's 0.5 ms in turn. The tolerance
    // is the single-server test's, 15%: three sleeps' timer lateness and
    // scheduling on a loaded machine (a full test run measured +11%); a
    // receiver run over the network or queued, or a sleep left out, moves
    // the mean by far more.
    assert!(audit.wait_ms.abs() < 1e-9 && audit.max_queue_length == 0, "{audit:?}");
    let mean = w.latency.mean_ms();
    assert!((mean - 2.5).abs() < 0.375, "mean {mean} ms against 2.5 ms");
}
