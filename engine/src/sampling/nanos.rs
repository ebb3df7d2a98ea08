//! Durations as integer nanoseconds: the model's float milliseconds and
//! seconds, and float draws, rounded one way everywhere and held below
//! [`MAX_DELAY_NS`] so that `now_ns + delay_ns` never overflows.

/// Longest delay the simulator schedules, ns (about three years). The clock
/// runs for at most a year, so `now + delay` never comes near `u64::MAX`,
/// whatever a design or a heavy-tailed draw asks for.
pub const MAX_DELAY_NS: u64 = 100_000_000_000_000_000;

/// Milliseconds (f64) to integer nanoseconds, clamping negatives and NaN to zero.
#[inline]
#[must_use]
pub fn ms_to_ns(ms: f64) -> u64 {
    to_ns(ms * 1e6)
}

/// Seconds (f64) to integer nanoseconds.
#[must_use]
pub fn s_to_ns(s: f64) -> u64 {
    ms_to_ns(s * 1e3)
}

/// Nanoseconds (f64) to an integer delay: rounded, negatives and NaN to zero,
/// anything longer than [`MAX_DELAY_NS`] to that.
#[inline]
pub(crate) fn to_ns(ns: f64) -> u64 {
    #[allow(clippy::cast_precision_loss, reason = "1e17 is exact in f64")]
    const LIMIT: f64 = MAX_DELAY_NS as f64;
    // Adding ½ then truncating rounds without a libm call; below 2⁶³ the
    // signed conversion is one instruction (x86-64 emulates the unsigned).
    let x = ns + 0.5;
    if ns > 0.0 && x < LIMIT {
        x as i64 as u64
    } else if ns > 0.0 {
        clamped()
    } else {
        0
    }
}

thread_local! {
    /// Draws held at [`MAX_DELAY_NS`] on this thread since the last
    /// [`take_clamped`]: a replication runs on one thread, and the simulator
    /// collects the count after each chunk of events, so the report can say
    /// that some delays were longer than the clock holds.
    static CLAMPED: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A draw longer than [`MAX_DELAY_NS`]: counted, and held there.
#[cold]
#[inline(never)]
pub(crate) fn clamped() -> u64 {
    CLAMPED.with(|c| c.set(c.get().saturating_add(1)));
    MAX_DELAY_NS
}

/// Clamped draws counted on this thread since the last call.
pub(crate) fn take_clamped() -> u64 {
    CLAMPED.with(|c| c.replace(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_and_clamps() {
        let _ = take_clamped();
        assert_eq!(ms_to_ns(1.5), 1_500_000);
        assert_eq!(ms_to_ns(0.000_000_4), 0);
        assert_eq!(ms_to_ns(0.000_000_6), 1);
        assert_eq!(ms_to_ns(-3.0), 0);
        assert_eq!(ms_to_ns(f64::NAN), 0);
        assert_eq!(s_to_ns(2.0), 2_000_000_000);
        assert_eq!(take_clamped(), 0);
        assert_eq!(ms_to_ns(f64::INFINITY), MAX_DELAY_NS);
        assert_eq!(s_to_ns(1e12), MAX_DELAY_NS);
        assert_eq!(take_clamped(), 2);
    }
}
