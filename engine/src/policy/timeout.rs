//! Timeouts of a call (Istio/Envoy's): an overall timeout covering every try
//! and the waits between them, and a timeout of each try. The part only says
//! when each is due; the caller sets its own timer (an event, a sleep) and
//! gives up on the call or the try when it fires.

use crate::model::CallPolicy;
use crate::sampling::ms_to_ns;

/// A call's compiled timeouts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timeouts {
    /// Overall timeout, tries and backoff included (`None`: none).
    pub call_ns: Option<u64>,
    /// Timeout of each try (`None`: none).
    pub per_try_ns: Option<u64>,
}

impl Timeouts {
    /// Compile the design's timeouts (a timeout is at least 1 ns).
    #[must_use]
    pub fn from_model(p: &CallPolicy) -> Self {
        let timeout = |v: Option<f64>| v.map(|ms| ms_to_ns(ms).max(1));
        Self { call_ns: timeout(p.timeout_ms), per_try_ns: timeout(p.per_try_timeout_ms) }
    }

    /// When a call started at `start_ns` is given up.
    #[must_use]
    pub fn call_deadline_ns(&self, start_ns: u64) -> Option<u64> {
        self.call_ns.map(|t| start_ns.saturating_add(t))
    }

    /// When a try started at `start_ns` is given up.
    #[must_use]
    pub fn try_deadline_ns(&self, start_ns: u64) -> Option<u64> {
        self.per_try_ns.map(|t| start_ns.saturating_add(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_from_the_start() {
        let t = Timeouts { call_ns: Some(100), per_try_ns: None };
        assert_eq!(t.call_deadline_ns(5), Some(105));
        assert_eq!(t.try_deadline_ns(5), None);
        assert_eq!(t.call_deadline_ns(u64::MAX - 1), Some(u64::MAX), "saturates");
        assert_eq!(Timeouts::default().call_deadline_ns(0), None);
    }

    #[test]
    fn compiled_from_the_design() {
        let p = CallPolicy { timeout_ms: Some(0.0), per_try_timeout_ms: Some(2.5), ..CallPolicy::default() };
        assert_eq!(Timeouts::from_model(&p), Timeouts { call_ns: Some(1), per_try_ns: Some(2_500_000) });
    }
}
