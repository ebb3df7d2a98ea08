//! The load's start shared by every process of a run, so that nodes served
//! alone (`serve-node`) apply the fault schedule on the same clock as the
//! load generator: the schedule counts from the load's start, and each
//! process has a modelled clock of its own.
//!
//! The start travels as a wall-clock instant (UNIX nanoseconds, which the
//! machines of a cluster share through NTP to well within a millisecond):
//! the load generator posts it to its targets at `POST /_switchboard/start?
//! origin_unix_ns=N` as its load begins, and every node passes it on to the
//! nodes it calls, publishes to or delivers to, once (a node that already
//! has this start does not pass it on again, so cycles end). Each process
//! turns the instant into its own modelled clock; faults scheduled after
//! the start act when their modelled time since it comes, whichever process
//! hosts their node or edge. A later start (a second load against the same
//! processes) replaces the earlier one: outages restart from it.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::node::Shared;

/// The control path a load's start is posted to.
pub const START_PATH: &str = "/_switchboard/start";

/// Its query parameter: the start as UNIX nanoseconds.
const ORIGIN_PARAM: &str = "origin_unix_ns";

/// Now, as UNIX nanoseconds (0 before 1970, which no clock in use shows).
#[must_use]
pub fn unix_now_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The path and query that announce a load begun at `origin_unix_ns`.
#[must_use]
pub fn start_path(origin_unix_ns: u64) -> String {
    format!("{START_PATH}?{ORIGIN_PARAM}={origin_unix_ns}")
}

/// The start a request's query announces.
#[must_use]
pub fn origin_of(query: Option<&str>) -> Option<u64> {
    query?.split('&').find_map(|kv| kv.strip_prefix(ORIGIN_PARAM)?.strip_prefix('=')?.parse().ok())
}

impl Shared {
    /// This process's modelled time (as [`Shared::now_ns`] counts) at the
    /// wall-clock instant `unix_ns`.
    pub(crate) fn modelled_at_unix(&self, unix_ns: u64) -> u64 {
        let (now_unix, now) = (unix_now_ns(), self.now_ns());
        let modelled = |wall_ns: u64| (wall_ns as f64 / self.time_scale) as u64;
        if unix_ns <= now_unix {
            now.saturating_sub(modelled(now_unix - unix_ns))
        } else {
            now.saturating_add(modelled(unix_ns - now_unix))
        }
    }

    /// The wall-clock instant (UNIX ns) of this process's modelled time `t_ns`.
    pub(crate) fn unix_at(&self, t_ns: u64) -> u64 {
        let (now_unix, now) = (unix_now_ns(), self.now_ns());
        let wall = |modelled_ns: u64| (modelled_ns as f64 * self.time_scale) as u64;
        if t_ns <= now { now_unix.saturating_sub(wall(now - t_ns)) } else { now_unix.saturating_add(wall(t_ns - now)) }
    }

    /// Tell these peers the start of every load this process begins (the
    /// load generator's targets).
    pub(crate) fn announce_to(&self, peers: Vec<SocketAddr>) {
        let _ = self.announce.set(peers);
    }

    /// Post the load's start to the peers set by [`Shared::announce_to`]
    /// (on the current runtime; a peer that does not answer is let be).
    pub(crate) fn announce(self: &Arc<Self>, origin_unix_ns: u64) {
        let Some(peers) = self.announce.get() else { return };
        self.post_start(peers.clone(), origin_unix_ns);
    }

    fn post_start(self: &Arc<Self>, peers: Vec<SocketAddr>, origin_unix_ns: u64) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        for addr in peers.into_iter().filter(|a| a.port() != 0) {
            let shared = Arc::clone(self);
            tokio::spawn(async move {
                let _ = shared.client.post(addr, &start_path(origin_unix_ns)).await;
            });
        }
    }

    /// A load began at `origin_unix_ns` (posted to node `node`): unless this
    /// process has that start already, the fault schedule counts from it
    /// and the nodes `node` reaches hear of it. Whether it was news.
    pub fn start_load_at_unix(self: &Arc<Self>, origin_unix_ns: u64, node: usize) -> bool {
        if self.load_origin_unix_ns.swap(origin_unix_ns, Ordering::Relaxed) == origin_unix_ns {
            return false;
        }
        tracing::info!(origin_unix_ns, "the load began: the fault schedule and autoscaling count from here");
        self.begin_load(self.modelled_at_unix(origin_unix_ns));
        let peers: Vec<SocketAddr> = crate::standalone::callees(&self.topology, node)
            .into_iter()
            .filter_map(|i| self.addrs.get(i).copied())
            .collect();
        self.post_start(peers, origin_unix_ns);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_start_round_trips_through_its_query() {
        let path = start_path(1_700_000_000_123_456_789);
        let (p, q) = path.split_once('?').unwrap_or_default();
        assert_eq!(p, START_PATH);
        assert_eq!(origin_of(Some(q)), Some(1_700_000_000_123_456_789));
        assert_eq!(origin_of(Some("x=1&origin_unix_ns=5")), Some(5));
        assert_eq!(origin_of(Some("origin_unix_nsx=5")), None);
        assert_eq!(origin_of(None), None);
    }
}
