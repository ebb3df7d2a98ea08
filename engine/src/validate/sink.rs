//! The collector of validation's findings, with the checks every rule
//! shares: finite numbers within a range, positive numbers, periods,
//! probabilities and the parameters of a distribution.

use crate::message::Message;
use crate::model::Distribution;
use crate::model::GAMMA_MAX_CV;
use crate::model::limits::{MAX_DURATION_MS, MAX_EMPIRICAL_SAMPLES, MIN_PERIOD_S, MIN_SCALE_MS};

use super::{Problem, Severity, Target};

/// Collects problems with a current location prefix.
pub(super) struct Sink {
    pub(super) problems: Vec<Problem>,
}

impl Sink {
    pub(super) fn push(&mut self, severity: Severity, target: &Target, path: String, message: Message) {
        self.problems.push(Problem { severity, path, message, target: target.clone() });
    }

    pub(super) fn error(&mut self, target: &Target, path: String, message: Message) {
        self.push(Severity::Error, target, path, message);
    }

    pub(super) fn warn(&mut self, target: &Target, path: String, message: Message) {
        self.push(Severity::Warning, target, path, message);
    }

    /// A finite number within [min, max].
    pub(super) fn range(&mut self, target: &Target, path: String, value: f64, min: f64, max: f64) {
        if !value.is_finite() {
            self.error(
                target,
                path,
                crate::msg!("engine-must-finite-number-found", "must be a finite number, found {value}", value = value),
            );
        } else if value < min || value > max {
            let message = if max.is_infinite() {
                crate::msg!(
                    "engine-must-be-at-least",
                    "must be at least {min}, found {value}",
                    min = min,
                    value = value
                )
            } else {
                crate::msg!(
                    "engine-must-be-between",
                    "must be between {min} and {max}, found {value}",
                    min = min,
                    max = max,
                    value = value
                )
            };
            self.error(target, path, message);
        }
    }

    /// A finite number strictly above zero.
    pub(super) fn positive(&mut self, target: &Target, path: String, value: f64) {
        if !value.is_finite() {
            self.error(
                target,
                path,
                crate::msg!("engine-must-finite-number-found", "must be a finite number, found {value}", value = value),
            );
        } else if value <= 0.0 {
            self.error(
                target,
                path,
                crate::msg!("engine-must-greater-than-0-found", "must be greater than 0, found {value}", value = value),
            );
        }
    }

    /// The period of something the simulator does again and again (a health
    /// check, a sweep, an evaluation): from 1 ms (shorter would schedule
    /// millions of events per simulated second) to a year.
    pub(crate) fn period(&mut self, target: &Target, path: String, value_s: f64) {
        if !value_s.is_finite() {
            self.error(
                target,
                path,
                crate::msg!(
                    "engine-must-finite-number-found-2",
                    "must be a finite number, found {value_s}",
                    value_s = value_s
                ),
            );
        } else if !(MIN_PERIOD_S..=MAX_DURATION_MS / 1000.0).contains(&value_s) {
            self.error(
                target,
                path,
                crate::msg!(
                    "engine-must-between-0-001-year",
                    "must be between 0.001 s and a year (31536000 s), found {value_s}",
                    value_s = value_s
                ),
            );
        }
    }

    /// A scale the sampler can draw from: below a nanosecond, the gamma's
    /// scale (mean × cv²) can round to zero and the log-normal's σ (from
    /// p99 / p50) to infinity.
    pub(super) fn drawable(&mut self, target: &Target, path: String, value_ms: f64) {
        if value_ms > 0.0 && value_ms < MIN_SCALE_MS {
            self.error(
                target,
                path,
                crate::msg!(
                    "engine-must-least-ms-1-ns",
                    "must be at least {min_scale_ms} ms (1 ns), found {value_ms}",
                    min_scale_ms = MIN_SCALE_MS,
                    value_ms = value_ms
                ),
            );
        }
    }

    pub(super) fn probability(&mut self, target: &Target, path: String, value: f64) {
        self.range(target, path, value, 0.0, 1.0);
    }

    pub(super) fn distribution(&mut self, target: &Target, path: &str, d: &Distribution) {
        for (field, value) in d.fields() {
            if !value.is_finite() {
                self.error(
                    target,
                    format!("{path}.{field}"),
                    crate::msg!(
                        "engine-must-finite-number-found",
                        "must be a finite number, found {value}",
                        value = value
                    ),
                );
                return;
            }
            if field.ends_with("_ms") && value > MAX_DURATION_MS {
                self.error(
                    target,
                    format!("{path}.{field}"),
                    crate::msg!(
                        "engine-must-most-year-ms-found",
                        "must be at most a year ({max_duration_ms} ms), found {value}",
                        max_duration_ms = MAX_DURATION_MS,
                        value = value
                    ),
                );
                return;
            }
        }
        match d {
            Distribution::Constant { value_ms } => {
                self.range(target, format!("{path}.value_ms"), *value_ms, 0.0, f64::INFINITY);
            }
            Distribution::Exponential { mean_ms } => self.positive(target, format!("{path}.mean_ms"), *mean_ms),
            Distribution::Uniform { min_ms, max_ms } => {
                self.range(target, format!("{path}.min_ms"), *min_ms, 0.0, f64::INFINITY);
                if max_ms < min_ms {
                    self.error(
                        target,
                        format!("{path}.max_ms"),
                        crate::msg!(
                            "engine-must-least-min-ms-found",
                            "must be at least min_ms ({min_ms}), found {max_ms}",
                            min_ms = min_ms,
                            max_ms = max_ms
                        ),
                    );
                }
            }
            Distribution::Gamma { mean_ms, cv } => {
                self.positive(target, format!("{path}.mean_ms"), *mean_ms);
                self.drawable(target, format!("{path}.mean_ms"), *mean_ms);
                // 0 (and anything below GAMMA_MIN_CV) is drawn as a constant.
                self.range(target, format!("{path}.cv"), *cv, 0.0, GAMMA_MAX_CV);
            }
            Distribution::Lognormal { p50_ms, p99_ms } => {
                self.positive(target, format!("{path}.p50_ms"), *p50_ms);
                self.drawable(target, format!("{path}.p50_ms"), *p50_ms);
                if p99_ms <= p50_ms {
                    self.error(
                        target,
                        format!("{path}.p99_ms"),
                        crate::msg!(
                            "engine-must-exceed-p50-ms-found",
                            "must exceed p50_ms ({p50_ms}), found {p99_ms}",
                            p50_ms = p50_ms,
                            p99_ms = p99_ms
                        ),
                    );
                }
            }
            Distribution::Empirical { samples_ms } => {
                if samples_ms.len() > MAX_EMPIRICAL_SAMPLES {
                    self.error(
                        target,
                        format!("{path}.samples_ms"),
                        crate::msg!(
                            "engine-most-samples-found",
                            "at most {max_empirical_samples} samples, found {count}",
                            max_empirical_samples = MAX_EMPIRICAL_SAMPLES,
                            count = samples_ms.len()
                        ),
                    );
                }
                if samples_ms.is_empty() {
                    self.error(
                        target,
                        format!("{path}.samples_ms"),
                        crate::msg!("engine-needs-least-one-sample", "needs at least one sample"),
                    );
                }
                if let Some((i, s)) = samples_ms.iter().enumerate().find(|(_, s)| **s < 0.0) {
                    self.error(
                        target,
                        format!("{path}.samples_ms[{i}]"),
                        crate::msg!("engine-must-least-0-found", "must be at least 0, found {s}", s = s),
                    );
                }
            }
        }
        // A heavy tail may reach past the clock (a draw beyond it is held past
        // the end of the run); a fault that stretches it is checked with the
        // fault (`items.rs`).
    }
}
