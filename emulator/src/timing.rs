//! Wall-clock timing: the default time scale, and how late the timer wakes.
//!
//! Timers on a shared machine wake about a millisecond late and overshoot
//! short sleeps, so modelled times are stretched by the time scale until the
//! overshoot is small beside them: by default the shortest mean service time
//! becomes at least [`MIN_SHORTEST_SERVICE_MS`].

use std::time::{Duration, Instant};

use engine::model::Design;

use crate::topology::Topology;

/// The shortest mean service time, in wall-clock milliseconds, that the
/// default time scale guarantees.
pub const MIN_SHORTEST_SERVICE_MS: f64 = 20.0;

/// The default time scale of a design: the factor that stretches its
/// shortest mean service time to [`MIN_SHORTEST_SERVICE_MS`], and 1 when it
/// is already that long.
#[must_use]
pub fn default_time_scale(design: &Design) -> f64 {
    match Topology::shortest_mean_service_ms(design) {
        Some(ms) if ms < MIN_SHORTEST_SERVICE_MS => MIN_SHORTEST_SERVICE_MS / ms,
        _ => 1.0,
    }
}

/// How late the timer woke over a number of short sleeps, wall-clock.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Overshoot {
    /// Sleeps measured.
    pub samples: u32,
    /// Each sleep's length, ms.
    pub sleep_ms: f64,
    /// Mean lateness, ms.
    pub mean_ms: f64,
    /// Largest lateness, ms.
    pub max_ms: f64,
}

/// Measure the timer: `samples` sleeps of `sleep` each, one after another.
pub async fn measure_overshoot(samples: u32, sleep: Duration) -> Overshoot {
    let mut sum_ms = 0.0;
    let mut max_ms: f64 = 0.0;
    for _ in 0..samples {
        let t = Instant::now();
        tokio::time::sleep(sleep).await;
        let late_ms = t.elapsed().saturating_sub(sleep).as_secs_f64() * 1e3;
        sum_ms += late_ms;
        max_ms = max_ms.max(late_ms);
    }
    Overshoot {
        samples,
        sleep_ms: sleep.as_secs_f64() * 1e3,
        mean_ms: if samples == 0 { 0.0 } else { sum_ms / f64::from(samples) },
        max_ms,
    }
}
