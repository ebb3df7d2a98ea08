//! A broker's decisions as a plain part: how its backlogs are laid out
//! (queue: one backlog all subscriptions compete for; topic: one backlog,
//! so one copy, per subscription), whether a backlog has room, which
//! subscription gets the next message (round robin from the last one
//! served, skipping those with every slot of their consumer concurrency in
//! flight), and what becomes of a message after a delivery (consumed,
//! redelivered, or dead-lettered after `max_deliveries` tries).
//!
//! It owns no clock, queue or message store: the simulator keeps its
//! messages in its event loop and the live emulator in memory behind a
//! lock, and both ask these functions, so there is one implementation of
//! the broker's semantics.

use crate::model::BrokerMode;

/// The subscriptions each backlog of a broker serves, backlog by backlog:
/// in queue mode one backlog for all of `subs`, in topic mode one backlog
/// per subscription (a topic nobody subscribes to has none).
#[must_use]
pub fn backlog_layout<S: Copy>(mode: BrokerMode, subs: &[S]) -> Vec<Vec<S>> {
    match mode {
        BrokerMode::Queue => vec![subs.to_vec()],
        BrokerMode::Topic => subs.iter().map(|&s| vec![s]).collect(),
    }
}

/// Whether a backlog holding `len` messages takes one more under a capacity
/// of `capacity` messages (`u64::MAX`: unbounded).
#[must_use]
pub fn has_room(len: u64, capacity: u64) -> bool {
    len < capacity
}

/// The position in `subs` of the subscription that gets a backlog's next
/// message: the first, from position `rr` on and wrapping around, for which
/// `free` says a consumer slot is free; `None` when every one is busy.
/// The caller moves `rr` past the chosen position.
pub fn next_subscription<S: Copy>(rr: usize, subs: &[S], mut free: impl FnMut(S) -> bool) -> Option<usize> {
    let n = subs.len();
    (0..n).map(|k| (rr + k) % n).find(|&i| subs.get(i).is_some_and(|&s| free(s)))
}

/// What becomes of a message after one delivery.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryFate {
    /// Consumed: it leaves the broker.
    Delivered,
    /// Failed with tries left: back at the head of its backlog after the
    /// subscription's redelivery delay.
    Redeliver,
    /// Failed its last try: it leaves for the dead-letter queue.
    DeadLetter,
}

/// The fate of a message whose `deliveries`-th delivery ended (`ok`: the
/// consumer succeeded), under `max_deliveries` tries (at-least-once).
#[must_use]
pub fn delivery_fate(ok: bool, deliveries: u32, max_deliveries: u32) -> DeliveryFate {
    if ok {
        DeliveryFate::Delivered
    } else if deliveries < max_deliveries {
        DeliveryFate::Redeliver
    } else {
        DeliveryFate::DeadLetter
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queues_share_one_backlog_topics_copy_per_subscription() {
        assert_eq!(backlog_layout(BrokerMode::Queue, &[3u32, 5]), vec![vec![3, 5]]);
        assert_eq!(backlog_layout(BrokerMode::Topic, &[3u32, 5]), vec![vec![3], vec![5]]);
        assert!(backlog_layout::<u32>(BrokerMode::Topic, &[]).is_empty());
        assert_eq!(backlog_layout::<u32>(BrokerMode::Queue, &[]), vec![Vec::<u32>::new()]);
    }

    #[test]
    fn round_robin_skips_busy_subscriptions() {
        let subs = [10u32, 11, 12];
        assert_eq!(next_subscription(0, &subs, |_| true), Some(0));
        assert_eq!(next_subscription(2, &subs, |_| true), Some(2));
        assert_eq!(next_subscription(2, &subs, |s| s != 12), Some(0));
        assert_eq!(next_subscription(1, &subs, |s| s == 10), Some(0));
        assert_eq!(next_subscription(1, &subs, |_| false), None);
        assert_eq!(next_subscription::<u32>(0, &[], |_| true), None);
    }

    #[test]
    fn capacity_and_fates() {
        assert!(has_room(0, 1) && !has_room(1, 1) && has_room(u64::MAX - 1, u64::MAX));
        assert_eq!(delivery_fate(true, 3, 3), DeliveryFate::Delivered);
        assert_eq!(delivery_fate(false, 1, 3), DeliveryFate::Redeliver);
        assert_eq!(delivery_fate(false, 3, 3), DeliveryFate::DeadLetter);
        assert_eq!(delivery_fate(false, 1, 1), DeliveryFate::DeadLetter);
    }
}
