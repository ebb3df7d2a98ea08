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
    pub(crate) const ALL: [Self; 21] = [
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

/// An empty slot: later than any event (real sequences stay below 2⁵⁶).
const SENTINEL: Event = Event { t_ns: u64::MAX, seq_kind: u64::MAX, a: 0, b: 0 };

/// Fewest slots of the tree (three levels).
const MIN_SLOTS: usize = 7;

/// The future-event list: a binary min-heap on `(time, sequence)`.
///
/// The events fill the first `len` slots as usual; the slots after them,
/// down to the bottom of the deepest level in use, hold sentinels (later
/// than any event). A sift then walks down to that level whatever the path,
/// and back up as many levels: the loops run a number of times set by `len`
/// alone, and the path is chosen by arithmetic, so the CPU mispredicts no
/// branch on the events' times (a random walk down a heap otherwise costs a
/// misprediction or two per event, more than the few extra steps).
///
/// The event being processed stays at the root, *held*, until its handler
/// schedules the next event: that one then takes the root's place with a
/// single sift-down, instead of a pop (sift-down) followed by a push
/// (sift-up). Most handlers schedule exactly one event, so this halves the
/// heap work. A held root counts as removed: only [`EventQueue::next_until`]
/// looks at the heap, and it settles the held root first.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    /// The tree: `len` events, then sentinels (2^k − 1 slots in all, more
    /// than `len`).
    heap: Vec<Event>,
    len: usize,
    seq: u64,
    /// The root is the event being processed, already taken out.
    held: bool,
}

impl EventQueue {
    /// Schedule an event.
    #[inline]
    pub fn push(&mut self, t_ns: u64, kind: Kind, a: u32, b: u32) {
        self.push_inline(t_ns, kind, a, b);
    }

    /// Schedule an event, inlined at the caller: for the service start, the
    /// most frequent scheduling of all.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "one call per service start: the call and its register saves cost more")]
    pub fn push_inline(&mut self, t_ns: u64, kind: Kind, a: u32, b: u32) {
        self.seq += 1;
        let ev = Event { t_ns, seq_kind: (self.seq << 8) | kind as u64, a, b };
        if self.held {
            self.held = false;
            Self::sift_down_from_root(&mut self.heap, self.len, ev);
            return;
        }
        if self.len + 1 >= self.heap.len() {
            self.grow();
        }
        let i = self.len;
        self.len += 1;
        Self::rise(&mut self.heap, i, depth(i), ev);
    }

    /// Double the tree (one level more), filling it with sentinels.
    #[cold]
    fn grow(&mut self) {
        let slots = (2 * self.heap.len() + 1).max(MIN_SLOTS);
        self.heap.resize(slots, SENTINEL);
    }

    /// Remove the held root, if any.
    #[inline]
    fn settle(&mut self) {
        if self.held {
            self.held = false;
            self.len -= 1;
            let last_i = self.len;
            let Some(last) = self.heap.get_mut(last_i).map(|slot| std::mem::replace(slot, SENTINEL)) else { return };
            if last_i > 0 {
                Self::sift_down_from_root(&mut self.heap, last_i, last);
            }
        }
    }

    /// The earliest event if its time is at most `limit_ns`, held at the root
    /// (taken out) while it is processed; `None` leaves the queue as it is.
    #[inline]
    pub fn next_until(&mut self, limit_ns: u64) -> Option<Event> {
        self.settle();
        if self.len == 0 {
            return None;
        }
        let top = *self.heap.first()?;
        if top.t_ns > limit_ns {
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

    /// Put `ev` at the root of a heap of `len` events (the root's event is
    /// dropped) and sift it down, bottom-up (Floyd): the hole at the root
    /// follows the smaller child down to the deepest level in use, then `ev`
    /// rises from there.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "the hottest loop: a call would pass the event through memory")]
    fn sift_down_from_root(heap: &mut [Event], len: usize, ev: Event) {
        let levels = depth(len - 1);
        let mut i = 0;
        for _ in 0..levels {
            // The smaller child is picked by arithmetic, not by a branch
            // (past the last event, the children are sentinels).
            let left = 2 * i + 1;
            let child = left + usize::from(heap[left + 1].key() < heap[left].key());
            heap[i] = heap[child];
            i = child;
        }
        Self::rise(heap, i, levels, ev);
    }

    /// Put `ev` in the hole at `hole` (at depth `levels`) and let it rise to
    /// its place. Each ancestor later than `ev` moves down one level; the
    /// ancestors are in order, so those form an unbroken run from the hole
    /// up, and a conditional move per level (no branch) does the work.
    #[inline(always)]
    #[allow(clippy::inline_always, reason = "part of the hottest loop")]
    fn rise(heap: &mut [Event], mut hole: usize, levels: u32, ev: Event) {
        let key = ev.key();
        let mut cur = hole;
        for _ in 0..levels {
            let parent = (cur - 1) / 2;
            let src = if heap[parent].key() > key { parent } else { hole };
            heap[hole] = heap[src];
            hole = src;
            cur = parent;
        }
        heap[hole] = ev;
    }
}

/// Depth of slot `i` in the tree (the root is at depth 0).
#[inline]
fn depth(i: usize) -> u32 {
    (i + 1).ilog2()
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

    /// The way the event loop uses the queue: each event taken may schedule
    /// none, one or several more (the first replaces the held root), some at
    /// the same instant; the queue grows to hundreds and empties again.
    #[test]
    fn held_root_replacement_matches_a_sorted_list() {
        let mut q = EventQueue::default();
        // The expected pending events, (time, insertion number), kept sorted.
        let mut expected: std::collections::BTreeSet<(u64, u32)> = std::collections::BTreeSet::new();
        let mut x: u64 = 99;
        let mut rand = |n: u64| {
            x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % n
        };
        let mut next_id = 0u32;
        let mut now_ns = 0u64;
        for _ in 0..3 {
            expected.insert((now_ns, next_id));
            q.push(now_ns, Kind::Arrival, next_id, 0);
            next_id += 1;
        }
        for step in 0..100_000u32 {
            // A limit before the next event leaves it in place.
            if let Some(&(t, _)) = expected.first()
                && t > 0
            {
                assert!(q.next_until(t - 1).is_none());
            }
            let Some(ev) = q.next_until(u64::MAX) else { break };
            let first = expected.pop_first();
            assert_eq!(Some((ev.t_ns, ev.a)), first, "step {step}");
            now_ns = ev.t_ns;
            // Grow to a few hundred pending events, then drain.
            let fan_out = if step < 1_000 { rand(4) } else { rand(2) };
            for _ in 0..fan_out {
                let t = now_ns + rand(3) * rand(50);
                expected.insert((t, next_id));
                q.push(t, Kind::ServiceDone, next_id, 7);
                next_id += 1;
            }
        }
        assert!(expected.is_empty());
        assert!(q.next_until(u64::MAX).is_none());
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
