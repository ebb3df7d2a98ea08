//! A calibration change's old and new values as the design's users read
//! them ("log-normal p50 6.01 ms, p99 18 ms", "3 tries, exponential backoff
//! 50 ms, at most 400 ms", "none"), not as Rust sees them: each value is a
//! [`Message`] with its catalogue key, so the GUI says it in the reader's
//! language, and numbers keep three significant digits in every language.

use crate::message::{Message, list};
use crate::model::{Backoff, Branch, CallPolicy, Discovery, DiscoveryMode, Distribution};

/// Significant digits of a number in a change.
const DIGITS: i32 = 3;

/// A value of a design field, said for a person.
pub trait Describe {
    /// The value as a phrase, numbers with `digits` significant digits.
    fn describe_digits(&self, digits: i32) -> Message;

    /// The value as a phrase, numbers with three significant digits.
    fn describe(&self) -> Message {
        self.describe_digits(DIGITS)
    }
}

/// `x` with three significant digits, trailing zeros dropped (6.01, 18,
/// 0.421, 0.00123); from 100 up, the whole number (1234).
#[must_use]
pub fn number(x: f64) -> String {
    number_digits(x, DIGITS)
}

/// `x` with `digits` significant digits, as [`number`].
#[must_use]
pub fn number_digits(x: f64, digits: i32) -> String {
    if !x.is_finite() || x == 0.0 {
        return if x == 0.0 { "0".to_owned() } else { format!("{x}") };
    }
    // Digits before the point (negative for 0.00x), from the value rounded to three digits.
    let magnitude = x.abs().log10().floor() as i32 + 1;
    let decimals = usize::try_from((digits - magnitude).max(0)).unwrap_or(0);
    let s = format!("{x:.decimals$}");
    let s = if s.contains('.') { s.trim_end_matches('0').trim_end_matches('.') } else { &s };
    if s == "-0" { "0".to_owned() } else { s.to_owned() }
}

impl Describe for f64 {
    fn describe_digits(&self, digits: i32) -> Message {
        Message::untranslated(number_digits(*self, digits))
    }
}

impl Describe for u32 {
    fn describe_digits(&self, _digits: i32) -> Message {
        Message::untranslated(self.to_string())
    }
}

impl Describe for bool {
    fn describe_digits(&self, _digits: i32) -> Message {
        // The design file's words: `robust: true`.
        Message::untranslated(self.to_string())
    }
}

impl Describe for String {
    fn describe_digits(&self, _digits: i32) -> Message {
        Message::untranslated(self.clone())
    }
}

impl<T: Describe> Describe for Option<T> {
    fn describe_digits(&self, digits: i32) -> Message {
        self.as_ref().map_or_else(|| crate::msg!("engine-value-none", "none"), |v| v.describe_digits(digits))
    }
}

impl<T: Describe> Describe for &T {
    fn describe_digits(&self, digits: i32) -> Message {
        (*self).describe_digits(digits)
    }
}

impl Describe for Distribution {
    fn describe_digits(&self, digits: i32) -> Message {
        match self {
            Self::Constant { value_ms } => {
                crate::msg!("engine-value-constant", "{value} ms", value = number_digits(*value_ms, digits))
            }
            Self::Exponential { mean_ms } => {
                crate::msg!(
                    "engine-value-exponential",
                    "exponential mean {mean} ms",
                    mean = number_digits(*mean_ms, digits)
                )
            }
            Self::Uniform { min_ms, max_ms } => crate::msg!(
                "engine-value-uniform",
                "uniform {min}–{max} ms",
                min = number_digits(*min_ms, digits),
                max = number_digits(*max_ms, digits)
            ),
            Self::Gamma { mean_ms, cv } => crate::msg!(
                "engine-value-gamma",
                "gamma mean {mean} ms, cv {cv}",
                mean = number_digits(*mean_ms, digits),
                cv = number_digits(*cv, digits)
            ),
            Self::Lognormal { p50_ms, p99_ms } => crate::msg!(
                "engine-value-lognormal",
                "log-normal p50 {p50} ms, p99 {p99} ms",
                p50 = number_digits(*p50_ms, digits),
                p99 = number_digits(*p99_ms, digits)
            ),
            Self::Empirical { samples_ms } => {
                let mut sorted = samples_ms.clone();
                sorted.sort_by(f64::total_cmp);
                crate::msg!(
                    "engine-value-empirical",
                    "empirical, {count} samples, p50 {p50} ms, p99 {p99} ms",
                    count = sorted.len(),
                    p50 = number_digits(super::fit::quantile(&sorted, 0.5), digits),
                    p99 = number_digits(super::fit::quantile(&sorted, 0.99), digits)
                )
            }
        }
    }
}

impl Describe for Branch {
    fn describe_digits(&self, digits: i32) -> Message {
        crate::msg!(
            "engine-value-branch",
            "branch {group}, weight {weight}",
            group = &self.group,
            weight = number_digits(self.weight, digits)
        )
    }
}

impl Describe for CallPolicy {
    fn describe_digits(&self, digits: i32) -> Message {
        let mut parts = Vec::new();
        if let Some(t) = self.timeout_ms {
            parts.push(crate::msg!("engine-value-timeout", "timeout {t} ms", t = number_digits(t, digits)));
        }
        if let Some(t) = self.per_try_timeout_ms {
            parts.push(crate::msg!(
                "engine-value-per-try-timeout",
                "per-try timeout {t} ms",
                t = number_digits(t, digits)
            ));
        }
        if let Some(r) = &self.retries {
            parts.push(crate::msg!("engine-value-tries", "{tries} tries", tries = r.max_attempts));
            parts.push(match r.backoff {
                None => crate::msg!("engine-value-no-backoff", "no backoff"),
                Some(Backoff::Fixed { delay_ms }) => {
                    crate::msg!(
                        "engine-value-backoff-fixed",
                        "fixed backoff {delay} ms",
                        delay = number_digits(delay_ms, digits)
                    )
                }
                Some(Backoff::Exponential { base_ms, max_ms }) => crate::msg!(
                    "engine-value-backoff-exponential",
                    "exponential backoff {base} ms, at most {max} ms",
                    base = number_digits(base_ms, digits),
                    max = number_digits(max_ms, digits)
                ),
            });
        }
        if self.circuit_breaker.is_some() {
            parts.push(crate::msg!("engine-label-breaker", "breaker"));
        }
        if let Some(b) = &self.bulkhead {
            parts.push(crate::msg!("engine-label-bulkhead", "bulkhead {n}", n = b.max_concurrent));
        }
        if self.fallback.is_some() {
            parts.push(crate::msg!("engine-label-fallback", "fallback"));
        }
        if parts.is_empty() { crate::msg!("engine-value-none", "none") } else { list(parts, ", ") }
    }
}

impl Describe for Discovery {
    fn describe_digits(&self, digits: i32) -> Message {
        let registry = self.registry.clone().describe_digits(digits);
        match self.mode {
            DiscoveryMode::ClientSide => crate::msg!(
                "engine-value-discovery-client",
                "client-side at {registry}, instance list cached {ttl} s",
                registry = registry.as_str(),
                ttl = number_digits(self.cache_ttl_s, digits)
            )
            .with_list("registry", vec![registry.clone()], ""),
            DiscoveryMode::ServerSide => crate::msg!("engine-value-discovery-server", "server-side"),
        }
    }
}

/// The sentence of a changed field: `path: old → new`, both said for a person.
#[must_use]
pub fn changed(path: &str, old: &impl Describe, new: &impl Describe) -> Message {
    // More digits where three would show the two values alike (a probability 1 → 0.9996).
    let (old, new) = (DIGITS..=DIGITS + 3)
        .map(|digits| (old.describe_digits(digits), new.describe_digits(digits)))
        .find(|(a, b)| a.as_str() != b.as_str())
        .unwrap_or_else(|| (old.describe(), new.describe()));
    crate::msg!(
        "engine-calibrate-changed",
        "{path}: {old} → {new}",
        path = path,
        old = old.as_str(),
        new = new.as_str()
    )
    .with_list("old", vec![old.clone()], "")
    .with_list("new", vec![new.clone()], "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_keep_three_significant_digits() {
        assert_eq!(number(6.014_999_9), "6.01");
        assert_eq!(number(18.0), "18");
        assert_eq!(number(0.4213), "0.421");
        assert_eq!(number(0.42), "0.42");
        assert_eq!(number(0.001_234_5), "0.00123");
        assert_eq!(number(123.456), "123");
        assert_eq!(number(1234.6), "1235");
        assert_eq!(number(99.96), "100");
        assert_eq!(number(0.0), "0");
        assert_eq!(number(-2.5), "-2.5");
    }

    #[test]
    fn every_distribution_reads_as_words_and_milliseconds() {
        let said = |d: Distribution| d.describe().as_str().to_owned();
        assert_eq!(said(Distribution::Constant { value_ms: 8.0 }), "8 ms");
        assert_eq!(said(Distribution::Exponential { mean_ms: 12.04 }), "exponential mean 12 ms");
        assert_eq!(said(Distribution::Uniform { min_ms: 1.0, max_ms: 2.55 }), "uniform 1–2.55 ms");
        assert_eq!(said(Distribution::Gamma { mean_ms: 2.03, cv: 0.74 }), "gamma mean 2.03 ms, cv 0.74");
        assert_eq!(
            said(Distribution::Lognormal { p50_ms: 6.014_999_9, p99_ms: 18.000_1 }),
            "log-normal p50 6.01 ms, p99 18 ms"
        );
        let samples_ms = (1..=100).map(f64::from).collect();
        assert_eq!(said(Distribution::Empirical { samples_ms }), "empirical, 100 samples, p50 50.5 ms, p99 99 ms");
        for d in [Distribution::Constant { value_ms: 1.0 }, Distribution::Exponential { mean_ms: 1.0 }] {
            assert!(d.describe().key().is_some());
        }
    }

    #[test]
    fn absent_values_policies_and_discovery_read_as_words() {
        assert_eq!(None::<Distribution>.describe().as_str(), "none");
        assert_eq!(Some(0.4213).describe().as_str(), "0.421");
        assert_eq!(3u32.describe().as_str(), "3");
        let policy = CallPolicy {
            timeout_ms: Some(200.0),
            per_try_timeout_ms: Some(80.0),
            retries: Some(crate::model::Retries {
                max_attempts: 3,
                retry_on: vec![crate::model::RetryOn::Error],
                backoff: Some(Backoff::Exponential { base_ms: 50.0, max_ms: 400.0 }),
                jitter: 0.0,
                budget_ratio: None,
            }),
            ..CallPolicy::default()
        };
        assert_eq!(
            policy.describe().as_str(),
            "timeout 200 ms, per-try timeout 80 ms, 3 tries, exponential backoff 50 ms, at most 400 ms"
        );
        assert_eq!(CallPolicy::default().describe().as_str(), "none");
        let b = Branch { group: "branch-2".to_owned(), weight: 0.333_33 };
        assert_eq!(b.describe().as_str(), "branch branch-2, weight 0.333");
        let d = Discovery {
            mode: DiscoveryMode::ClientSide,
            registry: Some("consul".to_owned()),
            cache_ttl_s: 30.0,
            ..Discovery::default()
        };
        assert_eq!(d.describe().as_str(), "client-side at consul, instance list cached 30 s");
        let c = changed("edges[e1].probability", &0.5, &0.4213);
        assert_eq!(c.as_str(), "edges[e1].probability: 0.5 → 0.421");
        let c = changed("edges[e1].probability", &1.0, &0.9996);
        assert_eq!(c.as_str(), "edges[e1].probability: 1 → 0.9996");
        assert_eq!(c.key(), Some("engine-calibrate-changed"));
    }
}
