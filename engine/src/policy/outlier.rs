//! Outlier ejection (Envoy's outlier detection): a host that answers
//! `consecutive_errors` errors in a row is ejected from its load balancer for
//! `base_ejection_ns` × the times it has been ejected, unless that would eject
//! more than `max_ejection_percent` of the serving hosts (at least one may
//! always be ejected); a sweep every `interval_ns` brings back the hosts
//! whose time is over.
//!
//! [`HostHealth`] is one host's state; [`OutlierDetector`] the compiled rule
//! that decides over a node's hosts. The sweep is the caller's timer.

use crate::model::OutlierEjection;
use crate::sampling::s_to_ns;

/// Compiled outlier detection of a node.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OutlierDetector {
    /// Errors in a row that eject a host (at least 1).
    pub consecutive_errors: u32,
    /// Time between sweeps (at least 1 ns).
    pub interval_ns: u64,
    /// Ejection time of a first ejection.
    pub base_ejection_ns: u64,
    /// Most hosts ejected at once, in percent (0–100).
    pub max_ejection_percent: f64,
}

impl OutlierDetector {
    /// Compile the design's outlier ejection.
    #[must_use]
    pub fn from_model(o: &OutlierEjection) -> Self {
        Self {
            consecutive_errors: o.consecutive_errors.max(1),
            interval_ns: s_to_ns(o.interval_s).max(1),
            base_ejection_ns: s_to_ns(o.base_ejection_s),
            max_ejection_percent: o.max_ejection_percent.clamp(0.0, 100.0),
        }
    }

    /// Whether one more host may be ejected when `serving` hosts serve and
    /// `ejected` are ejected (Envoy ejects at least one whatever the share).
    #[must_use]
    pub fn may_eject(&self, serving: usize, ejected: usize) -> bool {
        let allowed = ((serving as f64 * self.max_ejection_percent / 100.0).floor() as usize).max(1);
        ejected < allowed
    }

    /// When the sweep after one at `now_ns` is due.
    #[must_use]
    pub fn next_sweep_ns(&self, now_ns: u64) -> u64 {
        now_ns.saturating_add(self.interval_ns)
    }
}

/// One host's health as outlier detection sees it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct HostHealth {
    consecutive_errors: u32,
    ejected: bool,
    ejected_until_ns: u64,
    times_ejected: u32,
}

impl HostHealth {
    /// Whether the host is ejected.
    #[must_use]
    pub fn is_ejected(&self) -> bool {
        self.ejected
    }

    /// Times the host has been ejected.
    #[must_use]
    pub fn times_ejected(&self) -> u32 {
        self.times_ejected
    }

    /// When an ejected host may come back (`None` unless ejected).
    #[must_use]
    pub fn next_deadline_ns(&self) -> Option<u64> {
        self.ejected.then_some(self.ejected_until_ns)
    }

    /// The host answered with an error: whether it is now due for ejection
    /// (not ejected yet, and `consecutive_errors` errors in a row).
    pub fn on_error(&mut self, rule: &OutlierDetector) -> bool {
        self.consecutive_errors = self.consecutive_errors.saturating_add(1);
        !self.ejected && self.consecutive_errors >= rule.consecutive_errors
    }

    /// The host answered well: the run of errors is over.
    pub fn on_success(&mut self) {
        self.consecutive_errors = 0;
    }

    /// Eject the host at `now_ns`, each time for longer.
    pub fn eject(&mut self, now_ns: u64, rule: &OutlierDetector) {
        self.ejected = true;
        self.times_ejected = self.times_ejected.saturating_add(1);
        self.consecutive_errors = 0;
        self.ejected_until_ns =
            now_ns.saturating_add(rule.base_ejection_ns.saturating_mul(u64::from(self.times_ejected)));
    }

    /// Bring an ejected host back if its time is over at `now_ns`; returns
    /// whether it came back.
    pub fn readmit(&mut self, now_ns: u64) -> bool {
        if self.ejected && self.ejected_until_ns <= now_ns {
            self.ejected = false;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(consecutive_errors: u32, max_ejection_percent: f64) -> OutlierDetector {
        OutlierDetector { consecutive_errors, interval_ns: 10, base_ejection_ns: 100, max_ejection_percent }
    }

    #[test]
    fn errors_in_a_row_eject_for_longer_each_time() {
        let r = rule(2, 50.0);
        let mut h = HostHealth::default();
        assert!(!h.on_error(&r));
        h.on_success();
        assert!(!h.on_error(&r), "the success broke the run");
        assert!(h.on_error(&r));
        h.eject(1_000, &r);
        assert!(h.is_ejected());
        assert_eq!(h.next_deadline_ns(), Some(1_100));
        assert!(!h.on_error(&r) && !h.on_error(&r), "an ejected host is not ejected again");
        assert!(!h.readmit(1_099));
        assert!(h.readmit(1_100));
        assert!(!h.readmit(1_200), "already back");
        h.eject(2_000, &r);
        assert_eq!((h.times_ejected(), h.next_deadline_ns()), (2, Some(2_200)));
    }

    #[test]
    fn the_share_ejected_is_capped_but_one_always_may_be() {
        let r = rule(1, 10.0);
        assert!(r.may_eject(3, 0), "10% of 3 rounds down to 0: still one");
        assert!(!r.may_eject(3, 1));
        assert!(rule(1, 50.0).may_eject(10, 4));
        assert!(!rule(1, 50.0).may_eject(10, 5));
        assert!(rule(1, 0.0).may_eject(0, 0));
    }

    #[test]
    fn huge_times_saturate() {
        let r = OutlierDetector {
            consecutive_errors: 1,
            interval_ns: u64::MAX,
            base_ejection_ns: u64::MAX,
            max_ejection_percent: 100.0,
        };
        let mut h = HostHealth::default();
        assert!(h.on_error(&r));
        h.eject(5, &r);
        assert_eq!(h.next_deadline_ns(), Some(u64::MAX));
        assert_eq!(r.next_sweep_ns(5), u64::MAX);
    }
}
