//! The event queue: a binary min-heap keyed by `(time, sequence)`.
//!
//! The sequence number is taken from a counter at insertion, so events at the
//! same nanosecond come out in the order they were scheduled; together with
//! the seeded streams this makes a run reproducible. Events are 24 bytes: the
//! time, then the sequence (upper 40 bits) packed with the kind (8 bits) — the
//! key compares as one pair of integers — and a 32-bit payload plus a spare
//! 32-bit argument.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

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
}

impl Kind {
    const ALL: [Self; 9] = [
        Self::Arrival,
        Self::ThinkDone,
        Self::ServiceDone,
        Self::NetArrive,
        Self::NetReturn,
        Self::Deliver,
        Self::Redeliver,
        Self::Warmup,
        Self::Window,
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
}

impl PartialEq for Event {
    fn eq(&self, other: &Self) -> bool {
        self.t_ns == other.t_ns && self.seq_kind == other.seq_kind
    }
}

impl Eq for Event {}

impl PartialOrd for Event {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Event {
    /// Reversed, so the std max-heap pops the earliest event first.
    #[inline]
    fn cmp(&self, other: &Self) -> Ordering {
        (other.t_ns, other.seq_kind).cmp(&(self.t_ns, self.seq_kind))
    }
}

/// The future-event list.
#[derive(Debug, Default)]
pub(crate) struct EventQueue {
    heap: BinaryHeap<Event>,
    seq: u64,
}

impl EventQueue {
    /// Schedule an event.
    #[inline]
    pub fn push(&mut self, t_ns: u64, kind: Kind, a: u32, b: u32) {
        self.seq += 1;
        self.heap.push(Event { t_ns, seq_kind: (self.seq << 8) | kind as u64, a, b });
    }

    /// The earliest event's time.
    #[inline]
    pub fn peek_time(&self) -> Option<u64> {
        self.heap.peek().map(|e| e.t_ns)
    }

    /// Remove and return the earliest event.
    #[inline]
    pub fn pop(&mut self) -> Option<Event> {
        self.heap.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
