//! The event queue: a min-heap keyed by `(time, sequence)`.
//!
//! The sequence number is taken from a counter at insertion, so events at the
//! same nanosecond come out in the order they were scheduled; together with
//! the seeded streams this makes a run reproducible. Events are 24 bytes: the
//! time, then the sequence (upper 40 bits) packed with the kind (8 bits) — the
//! key compares as one pair of integers — and a 32-bit payload plus a spare
//! 32-bit argument.

/// What happens at an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub(crate) enum Kind {
    /// Next open-loop arrival of workload `a`.
    Arrival = 0,
    /// A closed-loop user of workload `a` ends thinking.
    ThinkDone = 1,
    /// Visit `a` finishes its service.
    ServiceDone = 2,
    /// Visit `a` reaches its node over the network.
    NetArrive = 3,
    /// Visit `a`'s response reaches its caller.
    NetReturn = 4,
    /// Message `a` is handed to subscription `b`'s consumer.
    Deliver = 5,
    /// Message `a` goes back to its backlog after a failed delivery.
    Redeliver = 6,
    /// The warm-up ends: statistics start.
    Warmup = 7,
    /// A time-series window (and possibly a batch) ends.
    Window = 8,
    /// Call `a`'s try with token `b` ran out of time.
    PerTryTimeout = 9,
    /// Call `a` (token `b`) reached its overall timeout.
    CallTimeout = 10,
    /// Call `a`'s backoff (token `b`) is over: the next try goes.
    RetryTimer = 11,
    /// Call `a`'s fallback (token `b`) answered.
    FallbackDone = 12,
    /// Policy `a`'s breaker (epoch `b`) leaves the open state.
    BreakerHalfOpen = 13,
    /// Fault `a` starts.
    FaultStart = 14,
    /// Fault `a` ends.
    FaultEnd = 15,
    /// Node `a`'s outlier detection sweeps.
    OutlierSweep = 16,
    /// Node `a`'s autoscaler evaluates.
    HpaEval = 17,
    /// Replica `a` (epoch `b`) ends its cold start.
    ReplicaReady = 18,
    /// Backlog `a` has room: a blocked publisher may go on.
    Unblock = 19,
}

impl Kind {
    const ALL: [Self; 20] = [
        Self::Arrival,
        Self::ThinkDone,
        Self::ServiceDone,
        Self::NetArrive,
        Self::NetReturn,
        Self::Deliver,
        Self::Redeliver,
        Self::Warmup,
        Self::Window,
        Self::PerTryTimeout,
        Self::CallTimeout,
        Self::RetryTimer,
        Self::FallbackDone,
        Self::BreakerHalfOpen,
        Self::FaultStart,
        Self::FaultEnd,
        Self::OutlierSweep,
        Self::HpaEval,
        Self::ReplicaReady,
        Self::Unblock,
    ];
}

/// A scheduled event.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Event {
    /// Simulated time, nanoseconds.
    pub t_ns: u64,
    /// Sequence (upper 56 bits) and kind (lower 8 bits).
    seq_kind: u64,
    /// Main argument (visit, workload or message index).
    pub a: u32,
    /// Second argument (subscription index).
    pub b: u32,
}

impl Event {
    /// The event's kind.
    #[inline]
    pub fn kind(&self) -> Kind {
        let k = (self.seq_kind & 0xFF) as usize;
        Kind::ALL.get(k).copied().unwrap_or(Kind::Window)
    }

    /// The ordering key: time, then sequence, as one integer compare.
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.t_ns) << 64) | u128::from(self.seq_kind)
    }
}

/// Children per heap node: a 4-ary heap is shallower than a binary one and
/// its four children share a cache line or two.
const ARITY: usize = 4;

/// The future-event list: a 4-ary min-heap on `(time, sequence)`.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: Vec<Event>,
    seq: u64,
}

impl EventQueue {
    /// Schedule an event.
    #[inline]
    pub fn push(&mut self, t_ns: u64, kind: Kind, a: u32, b: u32) {
        self.seq += 1;
        let ev = Event { t_ns, seq_kind: (self.seq << 8) | kind as u64, a, b };
        let key = ev.key();
        let mut i = self.heap.len();
        self.heap.push(ev);
        while i > 0 {
            let parent = (i - 1) / ARITY;
            let Some(p) = self.heap.get(parent).copied() else { break };
            if p.key() <= key {
                break;
            }
            self.heap[i] = p;
            i = parent;
        }
        self.heap[i] = ev;
    }

    /// The earliest event's time.
    #[inline]
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.first().map(|e| e.t_ns)
    }

    /// Remove and return the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        let last = self.heap.pop()?;
        let n = self.heap.len();
        if n == 0 {
            return Some(last);
        }
        let top = self.heap[0];
        // Sift the last element down from the root.
        let key = last.key();
        let mut i = 0;
        loop {
            let first = i * ARITY + 1;
            if first >= n {
                break;
            }
            let end = (first + ARITY).min(n);
            let mut best = first;
            let mut best_key = self.heap[first].key();
            for c in first + 1..end {
                let k = self.heap[c].key();
                if k < best_key {
                    best = c;
                    best_key = k;
                }
            }
            if key <= best_key {
                break;
            }
            self.heap[i] = self.heap[best];
            i = best;
        }
        self.heap[i] = last;
        Some(top)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pops_in_time_then_insertion_order() {
        let mut q = EventQueue::default();
        let mut x: u64 = 12345;
        let mut pushed = Vec::new();
        for i in 0..2000u32 {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
            let t = (x >> 33) % 500;
            q.push(t, Kind::Arrival, i, 0);
            pushed.push((t, i));
        }
        pushed.sort();
        let popped: Vec<(u64, u32)> = std::iter::from_fn(|| q.pop()).map(|e| (e.t_ns, e.a)).collect();
        assert_eq!(popped, pushed);
    }

    #[test]
    fn equal_times_keep_insertion_order() {
        let mut q = EventQueue::default();
        q.push(5, Kind::Window, 1, 0);
        q.push(3, Kind::Arrival, 2, 0);
        q.push(5, Kind::ServiceDone, 3, 0);
        q.push(5, Kind::Arrival, 4, 0);
        let order: Vec<(u64, u32, Kind)> = std::iter::from_fn(|| q.pop()).map(|e| (e.t_ns, e.a, e.kind())).collect();
        assert_eq!(
            order,
            vec![(3, 2, Kind::Arrival), (5, 1, Kind::Window), (5, 3, Kind::ServiceDone), (5, 4, Kind::Arrival)]
        );
    }
}
