//! The load balancer's choice among the replicas a request may go to (those
//! serving, not ejected, listed): round robin resumes after the last replica
//! used, random draws one, least outstanding scans from a rotating start for
//! the fewest requests in flight, power of two choices draws two and keeps the
//! less loaded. The simulator's dynamic routing (outlier ejection,
//! autoscaling, discovery) and the emulator's load balancer both choose here.

use crate::model::LoadBalancer;
use crate::sampling::Stream;

/// The choice among `eligible` replica offsets (ascending) by `lb`; `rr` is
/// the rotation state, `rng` the load balancer's stream and `active(o)` the
/// requests in flight on replica offset `o`. With no eligible replica, 0.
pub fn choose(lb: LoadBalancer, eligible: &[u32], rr: &mut u32, rng: &mut Stream, active: impl Fn(u32) -> u32) -> u32 {
    let k = eligible.len();
    let (Some(&first), true) = (eligible.first(), k > 1) else {
        return eligible.first().copied().unwrap_or(0);
    };
    let at = |i: usize| eligible.get(i).copied().unwrap_or(first);
    match lb {
        LoadBalancer::RoundRobin => {
            // The next eligible slot after the last one used.
            let pick = eligible.iter().copied().find(|&o| o >= *rr).unwrap_or(first);
            *rr = pick + 1;
            pick
        }
        LoadBalancer::Random => at(rng.index(k)),
        LoadBalancer::LeastOutstanding => {
            let start = (*rr as usize) % k;
            *rr = rr.wrapping_add(1);
            let mut best = at(start);
            let mut best_active = u32::MAX;
            for j in 0..k {
                let o = at((start + j) % k);
                let a = active(o);
                if a < best_active {
                    best_active = a;
                    best = o;
                }
            }
            best
        }
        LoadBalancer::PowerOfTwo => {
            let a = at(rng.index(k));
            let b = at(rng.index(k));
            if active(b) < active(a) { b } else { a }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_robin_skips_what_is_not_eligible() {
        let mut rr = 0;
        let mut rng = Stream::from_seed(1);
        let picks: Vec<u32> =
            (0..4).map(|_| choose(LoadBalancer::RoundRobin, &[0, 2], &mut rr, &mut rng, |_| 0)).collect();
        assert_eq!(picks, vec![0, 2, 0, 2]);
        assert_eq!(choose(LoadBalancer::Random, &[], &mut rr, &mut rng, |_| 0), 0);
    }

    #[test]
    fn least_outstanding_takes_the_least_loaded() {
        let mut rr = 0;
        let mut rng = Stream::from_seed(1);
        let load = |o: u32| if o == 3 { 0 } else { 5 };
        assert_eq!(choose(LoadBalancer::LeastOutstanding, &[1, 3, 4], &mut rr, &mut rng, load), 3);
    }
}
