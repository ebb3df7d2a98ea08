//! Prometheus' text exposition format: classic histograms (`_bucket{le=…}`,
//! `_sum`, `_count`) become latency distributions, and counters read twice
//! (two scrapes: two files, or one file with two timestamps) become rates.
//!
//! Quantiles are interpolated inside buckets as PromQL's
//! `histogram_quantile` does: linearly between the bucket's lower and upper
//! bound (the first bucket's lower bound is 0), and a quantile that falls in
//! the `+Inf` bucket is the largest finite bound.

use std::collections::BTreeMap;

/// Labels that name a service, in order of preference.
const SERVICE_LABELS: [&str; 4] = ["service_name", "service", "job", "app"];

/// One sample line.
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// Metric name.
    pub name: String,
    /// Labels, sorted.
    pub labels: BTreeMap<String, String>,
    /// Value.
    pub value: f64,
    /// Timestamp, ms since the epoch, when given.
    pub timestamp_ms: Option<i64>,
    /// 1-based line.
    pub line: usize,
}

/// A place in the text and what is wrong there.
#[derive(Debug, thiserror::Error)]
#[error("{line}:{column}: {message}")]
pub struct ParseError {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
    /// What is wrong.
    pub message: String,
}

/// Parse exposition text into samples (comments and blank lines skipped).
///
/// # Errors
/// The first line that is not a sample.
pub fn parse(text: &str) -> Result<Vec<Sample>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |column: usize, message: &str| ParseError { line: i + 1, column, message: message.to_owned() };
        let name_end = line.find(|c: char| c == '{' || c.is_whitespace()).unwrap_or(line.len());
        let name = line.get(..name_end).unwrap_or("").to_owned();
        if name.is_empty() {
            return Err(err(1, "expected a metric name"));
        }
        let mut rest = line.get(name_end..).unwrap_or("");
        let mut labels = BTreeMap::new();
        if let Some(body) = rest.strip_prefix('{') {
            let close = find_close(body).ok_or_else(|| err(name_end + 1, "unclosed `{`"))?;
            let inner = body.get(..close).unwrap_or("");
            for (k, v) in split_labels(inner).map_err(|m| err(name_end + 2, &m))? {
                labels.insert(k, v);
            }
            rest = body.get(close + 1..).unwrap_or("");
        }
        let mut fields = rest.split_whitespace();
        let value_col = line.len() - rest.trim_start().len() + 1;
        let value = fields.next().ok_or_else(|| err(value_col, "expected a value"))?;
        let value = match value {
            "+Inf" => f64::INFINITY,
            "-Inf" => f64::NEG_INFINITY,
            v => v.parse::<f64>().map_err(|_| err(value_col, &format!("{v:?} is not a number")))?,
        };
        let timestamp_ms = fields
            .next()
            .map(str::parse::<i64>)
            .transpose()
            .map_err(|_| err(value_col, "the timestamp is not whole milliseconds"))?;
        out.push(Sample { name, labels, value, timestamp_ms, line: i + 1 });
    }
    Ok(out)
}

fn find_close(body: &str) -> Option<usize> {
    let mut in_quotes = false;
    let mut escaped = false;
    for (i, c) in body.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '"' => in_quotes = !in_quotes,
            '}' if !in_quotes => return Some(i),
            _ => {}
        }
    }
    None
}

fn split_labels(inner: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rest = inner.trim();
    while !rest.is_empty() {
        let eq = rest.find('=').ok_or("a label without `=`")?;
        let key = rest.get(..eq).unwrap_or("").trim().to_owned();
        let after = rest.get(eq + 1..).unwrap_or("").trim_start();
        let body = after.strip_prefix('"').ok_or("a label value without quotes")?;
        let mut value = String::new();
        let mut end = None;
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, other)) => value.push(other),
                    None => {}
                },
                '"' => {
                    end = Some(i);
                    break;
                }
                c => value.push(c),
            }
        }
        let end = end.ok_or("an unclosed label value")?;
        out.push((key, value));
        rest = body.get(end + 1..).unwrap_or("").trim_start().trim_start_matches(',').trim_start();
    }
    Ok(out)
}

/// The service a sample belongs to.
#[must_use]
pub fn service_of(labels: &BTreeMap<String, String>) -> Option<&str> {
    SERVICE_LABELS.iter().find_map(|k| labels.get(*k)).map(String::as_str)
}

/// A classic histogram: cumulative bucket counts by upper bound.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Histogram {
    /// (upper bound, cumulative count), sorted by bound; the last may be +Inf.
    pub buckets: Vec<(f64, f64)>,
    /// `_sum`.
    pub sum: f64,
    /// `_count`.
    pub count: f64,
}

impl Histogram {
    /// Quantile `q` as PromQL's `histogram_quantile`.
    #[must_use]
    pub fn quantile(&self, q: f64) -> Option<f64> {
        let total = self.buckets.last()?.1;
        if total <= 0.0 {
            return None;
        }
        let rank = q.clamp(0.0, 1.0) * total;
        let mut lower = 0.0;
        let mut below = 0.0;
        for &(upper, count) in &self.buckets {
            if count >= rank {
                if upper.is_infinite() {
                    // In the +Inf bucket: the largest finite bound.
                    return Some(lower);
                }
                if count <= below {
                    return Some(upper);
                }
                return Some(lower + (upper - lower) * (rank - below) / (count - below));
            }
            lower = upper;
            below = count;
        }
        Some(lower)
    }
}

/// Histograms by (base metric name, service), from one scrape.
#[must_use]
pub fn histograms(samples: &[Sample]) -> BTreeMap<(String, String), Histogram> {
    let mut out: BTreeMap<(String, String), Histogram> = BTreeMap::new();
    for s in samples {
        let Some(service) = service_of(&s.labels) else { continue };
        if let Some(base) = s.name.strip_suffix("_bucket") {
            let Some(le) = s.labels.get("le") else { continue };
            let bound = if le == "+Inf" { f64::INFINITY } else { le.parse().unwrap_or(f64::NAN) };
            if bound.is_nan() {
                continue;
            }
            let h = out.entry((base.to_owned(), service.to_owned())).or_default();
            // Buckets of several label sets (methods, status codes) add up per bound.
            match h.buckets.iter_mut().find(|(b, _)| *b == bound) {
                Some(slot) => slot.1 += s.value,
                None => h.buckets.push((bound, s.value)),
            }
        } else if let Some(base) = s.name.strip_suffix("_sum") {
            out.entry((base.to_owned(), service.to_owned())).or_default().sum += s.value;
        } else if let Some(base) = s.name.strip_suffix("_count") {
            out.entry((base.to_owned(), service.to_owned())).or_default().count += s.value;
        }
    }
    out.retain(|_, h| !h.buckets.is_empty());
    for h in out.values_mut() {
        h.buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
    }
    out
}

/// Milliseconds per unit of a metric, from its name's unit suffix.
#[must_use]
pub fn ms_per_unit(base: &str) -> f64 {
    if base.ends_with("_milliseconds") || base.ends_with("_ms") {
        1.0
    } else if base.ends_with("_microseconds") {
        1e-3
    } else {
        1e3
    }
}

/// Counter rates per (metric, service): the difference between two scrapes
/// over their interval. `samples` holds both scrapes; `interval_s` is used
/// when the samples carry no timestamps (then `first` and `second` are the two files).
#[must_use]
pub fn rates(first: &[Sample], second: &[Sample], interval_s: Option<f64>) -> BTreeMap<(String, String), f64> {
    let sum = |samples: &[Sample]| {
        let mut m: BTreeMap<(String, String), (f64, Option<i64>)> = BTreeMap::new();
        for s in samples.iter().filter(|s| s.name.ends_with("_total") || s.name.ends_with("_count")) {
            let Some(service) = service_of(&s.labels) else { continue };
            let e = m.entry((s.name.clone(), service.to_owned())).or_insert((0.0, None));
            e.0 += s.value;
            e.1 = s.timestamp_ms.or(e.1);
        }
        m
    };
    let (a, b) = (sum(first), sum(second));
    let mut out = BTreeMap::new();
    for (k, (v2, t2)) in &b {
        let Some((v1, t1)) = a.get(k) else { continue };
        let dt = match (t1, t2) {
            (Some(t1), Some(t2)) if t2 > t1 => (t2 - t1) as f64 / 1e3,
            _ => match interval_s {
                Some(s) if s > 0.0 => s,
                _ => continue,
            },
        };
        // A counter that went down was reset: its new value is the increase.
        let increase = if v2 >= v1 { v2 - v1 } else { *v2 };
        out.insert(k.clone(), increase / dt);
    }
    out
}

/// Split one file's samples into two scrapes by timestamp (earliest and
/// latest); `None` when it holds fewer than two timestamps.
#[must_use]
pub fn split_by_timestamp(samples: &[Sample]) -> Option<(Vec<Sample>, Vec<Sample>)> {
    let lo = samples.iter().filter_map(|s| s.timestamp_ms).min()?;
    let hi = samples.iter().filter_map(|s| s.timestamp_ms).max()?;
    (hi > lo).then(|| {
        let pick = |t: i64| samples.iter().filter(|s| s.timestamp_ms == Some(t)).cloned().collect();
        (pick(lo), pick(hi))
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;

    const SCRAPE: &str = r#"# HELP http_server_duration_seconds Request latency.
# TYPE http_server_duration_seconds histogram
http_server_duration_seconds_bucket{service_name="cart",le="0.005"} 10 1700000000000
http_server_duration_seconds_bucket{service_name="cart",le="0.01"} 60 1700000000000
http_server_duration_seconds_bucket{service_name="cart",le="0.05"} 100 1700000000000
http_server_duration_seconds_bucket{service_name="cart",le="+Inf"} 100 1700000000000
http_server_duration_seconds_sum{service_name="cart"} 0.9 1700000000000
http_server_duration_seconds_count{service_name="cart"} 100 1700000000000
http_requests_total{service_name="cart",code="200"} 1000 1700000000000
http_requests_total{service_name="cart",code="200"} 1600 1700000060000
"#;

    #[test]
    fn quantiles_interpolate_in_buckets_as_promql_does() {
        let samples = parse(SCRAPE).unwrap();
        let h = histograms(&samples);
        let h = h.get(&("http_server_duration_seconds".to_owned(), "cart".to_owned())).unwrap();
        // Rank 50 of 100 falls in (0.005, 0.01] holding 10..60: 0.005 + 0.005 × 40/50.
        assert!((h.quantile(0.5).unwrap() - 0.009).abs() < 1e-12);
        // Rank 99 in (0.01, 0.05] holding 60..100: 0.01 + 0.04 × 39/40.
        assert!((h.quantile(0.99).unwrap() - 0.049).abs() < 1e-12);
        // Rank 5 in the first bucket, from 0.
        assert!((h.quantile(0.05).unwrap() - 0.0025).abs() < 1e-12);
    }

    #[test]
    fn two_timestamps_give_a_rate_and_errors_name_the_place() {
        let samples = parse(SCRAPE).unwrap();
        let (a, b) = split_by_timestamp(&samples).unwrap();
        let r = rates(&a, &b, None);
        assert_eq!(r.get(&("http_requests_total".to_owned(), "cart".to_owned())), Some(&10.0));
        let e = parse("ok 1\nbad{a=\"x\" 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 4));
        let e = parse("x{a=\"1\"} notanumber\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("notanumber"));
    }
}
