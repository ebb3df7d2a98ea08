//! A retried call from its tries: the CLIENT spans a caller sent to one
//! callee, each after the previous one failed (see `analyse.rs`), become
//! one edge with a retry policy. What the tries show is set: the most tries
//! seen, the delay between a failed try and the next (none, fixed, or
//! doubling), and a per-try timeout when the failed tries share one longest
//! duration. What they cannot show is named: the configured limit (only the
//! most tries seen), which failures are retried, jitter and budgets.

use super::analyse::EdgeObs;
use super::describe::Describe;
use super::fit::quantile;
use crate::model::{Backoff, CallPolicy, Edge, Retries};

/// A delay below this (ms) is no backoff: the next try left at once.
const NO_DELAY_MS: f64 = 0.01;
/// Failed tries whose durations lie within this share of the longest one
/// ended at one deadline.
const DEADLINE_SPREAD: f64 = 0.001;
/// Fewest failed tries at one deadline before it is taken for a per-try timeout.
const DEADLINE_MIN_TRIES: usize = 3;

/// Set `edge`'s retry policy from what its tries showed, listing changes and what stays unknown.
pub fn apply(
    edge: &mut Edge,
    e: &mut EdgeObs,
    changes: &mut Vec<crate::message::Message>,
    not_inferred: &mut Vec<crate::message::Message>,
) {
    if e.max_tries <= 1 {
        return;
    }
    let id = edge.id.clone();
    let mut policy = edge.policy.clone().unwrap_or_default();
    let mut retries = policy.retries.clone().unwrap_or(Retries {
        max_attempts: 1,
        retry_on: vec![crate::model::RetryOn::Error, crate::model::RetryOn::Timeout],
        backoff: None,
        jitter: 0.0,
        budget_ratio: None,
    });
    retries.max_attempts = retries.max_attempts.max(e.max_tries);
    retries.backoff = backoff(&mut e.backoff_ms);
    if let Some(t) = per_try_deadline_ms(&mut e.failed_try_ms) {
        policy.per_try_timeout_ms = Some(t);
    }
    policy.retries = Some(retries);
    if edge.policy.as_ref() != Some(&policy) {
        let (old, new) = (edge.policy.describe(), policy.describe());
        changes.push(
            crate::msg!(
                "engine-calibrate-retries",
                "edges[{id}].policy: {old} → {new} ({retries} retries seen, at most {tries} tries of one call)",
                id = &id,
                old = old.as_str(),
                new = new.as_str(),
                retries = e.retries,
                tries = e.max_tries
            )
            .with_list("old", vec![old.clone()], "")
            .with_list("new", vec![new.clone()], ""),
        );
        edge.policy = Some(policy);
    }
    not_inferred.push(crate::msg!("engine-calibrate-retry-limits", "edges[{id}].policy.retries: max_attempts is the most tries seen, not the configured limit; retry_on, jitter and budget_ratio are not in traces", id = &id));
    if edge.policy.as_ref().is_some_and(|p: &CallPolicy| p.timeout_ms.is_none()) {
        not_inferred.push(crate::msg!(
            "engine-calibrate-overall-timeout",
            "edges[{id}].policy.timeout_ms: an overall deadline is not told apart from the tries' in traces",
            id = &id
        ));
    }
}

/// The delay between tries: none when the next try leaves at once, doubling
/// when the second delay is about twice the first, else fixed (medians).
fn backoff(gaps_ms: &mut [Vec<f64>; 2]) -> Option<Backoff> {
    let [first, second] = gaps_ms;
    first.sort_by(f64::total_cmp);
    second.sort_by(f64::total_cmp);
    if first.is_empty() {
        return None;
    }
    let d1 = quantile(first, 0.5);
    if d1 < NO_DELAY_MS {
        return None;
    }
    let round = |ms: f64| (ms * 1e3).round() / 1e3;
    if !second.is_empty() {
        let d2 = quantile(second, 0.5);
        if (d2 / d1 - 2.0).abs() < 0.5 {
            let max_ms = second.last().copied().unwrap_or(d2).max(d2);
            return Some(Backoff::Exponential { base_ms: round(d1), max_ms: round(max_ms) });
        }
    }
    Some(Backoff::Fixed { delay_ms: round(d1) })
}

/// The per-try timeout: the longest failed try, when enough failed tries ended at it.
fn per_try_deadline_ms(failed_ms: &mut [f64]) -> Option<f64> {
    failed_ms.sort_by(f64::total_cmp);
    let longest = failed_ms.last().copied()?;
    let at_deadline = failed_ms.iter().rev().take_while(|&&d| d >= longest * (1.0 - DEADLINE_SPREAD)).count();
    (at_deadline >= DEADLINE_MIN_TRIES && longest > 0.0).then(|| (longest * 1e3).round() / 1e3)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_read_as_none_fixed_or_doubling() {
        assert_eq!(backoff(&mut [vec![0.0, 0.0], vec![0.0]]), None);
        assert_eq!(backoff(&mut [vec![], vec![]]), None);
        assert_eq!(backoff(&mut [vec![50.0, 50.0, 50.0], vec![50.0]]), Some(Backoff::Fixed { delay_ms: 50.0 }));
        assert_eq!(
            backoff(&mut [vec![25.0, 25.0], vec![50.0, 50.0]]),
            Some(Backoff::Exponential { base_ms: 25.0, max_ms: 50.0 })
        );
    }

    #[test]
    fn a_per_try_timeout_is_a_common_longest_failed_try() {
        assert_eq!(per_try_deadline_ms(&mut [3.0, 100.0, 12.0, 100.0, 100.0]), Some(100.0));
        // Failures of their own kind, at no common deadline.
        assert_eq!(per_try_deadline_ms(&mut [3.0, 90.0, 12.0, 95.0, 100.0]), None);
        assert_eq!(per_try_deadline_ms(&mut []), None);
    }
}
