//! Replications on a fixed pool of worker threads, each result folded into
//! the aggregate as soon as its turn comes, so memory does not grow with the
//! number of replications.
//!
//! Results are folded in replication order whatever the thread timing (float
//! sums and merged histograms depend on the order, and reports must be
//! byte-identical run after run): a replication that finishes before an
//! earlier one waits in a small reorder buffer. A worker starts a new
//! replication only while fewer than `threads` are held (running, or finished
//! and waiting for their turn), which bounds both the buffer and the running
//! state by the worker count.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex};

use crate::sim::SimError;

/// What the workers share: which replication starts next, which is folded
/// next, the early finishers, the fold itself and the first failure.
struct State<T, F> {
    next_start: u32,
    next_fold: u32,
    held: u32,
    peak_held: u32,
    waiting: BTreeMap<u32, T>,
    fold: F,
    /// The failure of the lowest-numbered replication that failed.
    error: Option<(u32, SimError)>,
}

impl<T, F> State<T, F> {
    fn fail(&mut self, i: u32, e: SimError) {
        if self.error.as_ref().is_none_or(|(j, _)| i < *j) {
            self.error = Some((i, e));
        }
    }
}

struct Shared<T, F> {
    state: Mutex<State<T, F>>,
    turn: Condvar,
}

/// Marks a replication failed if its worker unwinds (a bug in the
/// simulator), so the other workers stop waiting for its turn instead of
/// waiting for ever; the panic itself reaches the caller through the scope.
struct Unwind<'a, T, F> {
    shared: &'a Shared<T, F>,
    replication: u32,
}

impl<T, F> Drop for Unwind<'_, T, F> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            if let Ok(mut s) = self.shared.state.lock() {
                s.fail(self.replication, SimError::Internal("a replication thread panicked".to_owned()));
            }
            self.shared.turn.notify_all();
        }
    }
}

/// Run replications `0..count` with `job` on `threads` workers and hand each
/// result to `fold` in replication order. Returns the most replications held
/// at once (never more than `threads`).
///
/// # Errors
/// The error of the lowest-numbered replication that failed, or a thread
/// that could not start.
pub(crate) fn run_in_order<T, F>(
    count: u32,
    threads: usize,
    job: impl Fn(u32) -> Result<T, SimError> + Sync,
    fold: F,
) -> Result<u32, SimError>
where
    T: Send,
    F: FnMut(u32, T) + Send,
{
    let threads = threads.clamp(1, count.max(1) as usize);
    let limit = threads as u32;
    let shared = Shared {
        state: Mutex::new(State {
            next_start: 0,
            next_fold: 0,
            held: 0,
            peak_held: 0,
            waiting: BTreeMap::new(),
            fold,
            error: None,
        }),
        turn: Condvar::new(),
    };
    let worker = || work(&shared, count, limit, &job);
    if threads == 1 {
        worker();
    } else {
        std::thread::scope(|scope| -> Result<(), SimError> {
            for t in 0..threads {
                std::thread::Builder::new()
                    .name(format!("sim-replication-{t}"))
                    .spawn_scoped(scope, worker)
                    .map_err(|e| SimError::Internal(format!("cannot start a simulation thread: {e}")))?;
            }
            Ok(())
        })?;
    }
    let state =
        shared.state.into_inner().map_err(|_| SimError::Internal("a replication thread panicked".to_owned()))?;
    if let Some((_, e)) = state.error {
        return Err(e);
    }
    if state.next_fold < count {
        return Err(SimError::Internal("a replication did not run".to_owned()));
    }
    Ok(state.peak_held)
}

/// One worker: take the next replication when fewer than `limit` are held,
/// run it, then fold every result whose turn has come.
fn work<T, F>(shared: &Shared<T, F>, count: u32, limit: u32, job: &(impl Fn(u32) -> Result<T, SimError> + Sync))
where
    F: FnMut(u32, T),
{
    loop {
        let i = {
            let Ok(mut s) = shared.state.lock() else { return };
            loop {
                if s.error.is_some() || s.next_start >= count {
                    return;
                }
                if s.held < limit {
                    break;
                }
                let Ok(next) = shared.turn.wait(s) else { return };
                s = next;
            }
            let i = s.next_start;
            s.next_start += 1;
            s.held += 1;
            s.peak_held = s.peak_held.max(s.held);
            i
        };
        let guard = Unwind { shared, replication: i };
        let result = job(i);
        drop(guard);
        let Ok(mut s) = shared.state.lock() else { return };
        match result {
            Err(e) => {
                s.fail(i, e);
                shared.turn.notify_all();
                return;
            }
            Ok(r) => {
                s.waiting.insert(i, r);
                loop {
                    let next = s.next_fold;
                    let Some(r) = s.waiting.remove(&next) else { break };
                    (s.fold)(next, r);
                    s.next_fold += 1;
                    s.held -= 1;
                }
                shared.turn.notify_all();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use std::sync::atomic::{AtomicU32, Ordering};
    use std::time::Duration;

    use super::*;

    #[test]
    fn folds_in_order_when_the_first_finishes_last_and_holds_no_more_than_the_workers() {
        // Replication 0 is held back until replication 1 has finished, so
        // 1 must wait in the buffer for its turn.
        let finished = AtomicU32::new(0);
        let mut order = Vec::new();
        let peak = run_in_order(
            12,
            3,
            |i| {
                if i == 0 {
                    while finished.load(Ordering::SeqCst) == 0 {
                        std::thread::sleep(Duration::from_millis(1));
                    }
                } else {
                    std::thread::sleep(Duration::from_millis(u64::from(i % 3)));
                }
                finished.fetch_add(1, Ordering::SeqCst);
                Ok(i * 10)
            },
            |i, r| order.push((i, r)),
        )
        .unwrap();
        assert_eq!(order, (0..12).map(|i| (i, i * 10)).collect::<Vec<_>>());
        assert!((2..=3).contains(&peak), "held at once: {peak}");
    }

    #[test]
    fn the_lowest_failure_is_reported_and_later_replications_stop() {
        let started = AtomicU32::new(0);
        let mut folded = 0;
        let err = run_in_order(
            50,
            2,
            |i| {
                started.fetch_add(1, Ordering::SeqCst);
                if i == 3 { Err(SimError::Internal(format!("replication {i}"))) } else { Ok(()) }
            },
            |_, ()| folded += 1,
        )
        .unwrap_err();
        assert!(matches!(err, SimError::Internal(ref m) if m == "replication 3"), "{err}");
        assert!(folded <= 3);
        assert!(started.load(Ordering::SeqCst) < 50);
    }

    #[test]
    fn one_worker_runs_in_place() {
        let mut order = Vec::new();
        let peak = run_in_order(4, 1, Ok, |i, r| order.push((i, r))).unwrap();
        assert_eq!(order, vec![(0, 0), (1, 1), (2, 2), (3, 3)]);
        assert_eq!(peak, 1);
    }
}
