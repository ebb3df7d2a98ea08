//! The event queue: a min-heap keyed by `(time, sequence)`.
//!
//! The sequence number is taken from a counter at insertion, so events at the
//! same nanosecond come out in the order they were scheduled; together with
//! the seeded streams this makes a run reproducible. Events are 24 bytes: the
//! time, then the sequence (upper 56 bits) packed with the kind (8 bits) — the
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
    /// Discovered node `a`'s registry checks the health of its instances.
    HealthCheck = 20,
}

impl Kind {
    const ALL: [Self; 21] = [
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
        Self::HealthCheck,
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

/// The future-event list: a binary min-heap on `(time, sequence)`.
///
/// The event being processed stays at the root, *held*, until its handler
/// schedules the next event: that one then takes the root's place with a
/// single sift-down, instead of a pop (sift-down) followed by a push
/// (sift-up). Most handlers schedule exactly one event, so this halves the
/// heap work. A held root counts as removed: only [`EventQueue::next_until`]
/// looks at the heap, and it settles the held root first.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: Vec<Event>,
    seq: u64,
    /// The root is the event being processed, already taken out.
    held: bool,
}

impl EventQueue {
    /// Schedule an event.
    #[inline]
    pub fn push(&mut self, t_ns: u64, kind: Kind, a: u32, b: u32) {
        self.seq += 1;
        let ev = Event { t_ns, seq_kind: (self.seq << 8) | kind as u64, a, b };
        if self.held {
            self.held = false;
            self.sift_down_from_root(ev);
            return;
        }
        let key = ev.key();
        let mut i = self.heap.len();
        self.heap.push(ev);
        while i > 0 {
            let parent = (i - 1) / 2;
            let Some(p) = self.heap.get(parent).copied() else { break };
            if p.key() <= key {
                break;
            }
            self.heap[i] = p;
            i = parent;
        }
        self.heap[i] = ev;
    }

    /// Remove the held root, if any.
    #[inline]
    fn settle(&mut self) {
        if self.held {
            self.held = false;
            if let Some(last) = self.heap.pop()
                && !self.heap.is_empty()
            {
                self.sift_down_from_root(last);
            }
        }
    }

    /// The earliest event if its time is at most `limit`, held at the root
    /// (taken out) while it is processed; `None` leaves the queue as it is.
    #[inline]
    pub fn next_until(&mut self, limit: u64) -> Option<Event> {
        self.settle();
        let top = *self.heap.first()?;
        if top.t_ns > limit {
            return None;
        }
        self.held = true;
        Some(top)
    }

    /// Remove and return the earliest event.
    #[cfg(test)]
    pub fn pop(&mut self) -> Option<Event> {
        let ev = self.next_until(u64::MAX);
        self.settle();
        ev
    }

    /// Put `ev` at the root (the root's event is dropped) and sift it down,
    /// bottom-up (Floyd): the hole at the root follows the smaller child
    /// down to a leaf with one compare per level, then `ev` rises from there.
    /// A new event is usually later than most pending ones, so it rarely
    /// rises far, and this takes about half the compares of a plain sift-down.
    #[inline]
    fn sift_down_from_root(&mut self, ev: Event) {
        let heap = self.heap.as_mut_slice();
        let n = heap.len();
        let mut i = 0;
        loop {
            let left = 2 * i + 1;
            let right = left + 1;
            // The smaller child is picked by arithmetic rather than by a
            // branch the CPU cannot predict.
            let child = if right < n {
                left + usize::from(heap[right].key() < heap[left].key())
            } else if left < n {
                left
            } else {
                break;
            };
            heap[i] = heap[child];
            i = child;
        }
        let key = ev.key();
        while i > 0 {
            let parent = (i - 1) / 2;
            if heap[parent].key() <= key {
                break;
            }
            heap[i] = heap[parent];
            i = parent;
        }
        if i < n {
            heap[i] = ev;
        }
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
        pushed.sort_unstable();
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
