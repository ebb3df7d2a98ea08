//! The OTLP JSON reader: one `ExportTraceServiceRequest` after another
//! (the Collector's file exporter writes one per line; a single pretty-printed
//! document reads the same), each handed over span by span, so memory holds
//! one request at a time. The whole input is read under a size limit.
//!
//! Accepted as the proto3 JSON mapping allows: lowerCamelCase or the proto's
//! snake_case field names, int64 as strings or numbers, kinds as integers or
//! enum names, ids in hex (the OTLP/JSON rule).

use std::io::{self, BufRead, Read};

use serde::Deserialize;

use super::{AttrValue, Span, SpanKind, parse_hex, parse_parent};

/// A place in the input and what is wrong there.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The text is not OTLP JSON at this place.
    #[error("{line}:{column}: {message}")]
    Syntax {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, with the field path when known.
        message: String,
    },
    /// The input is above the size limit.
    #[error("the input is larger than the limit of {limit_bytes} bytes")]
    TooLarge {
        /// The limit.
        limit_bytes: u64,
    },
    /// Reading failed.
    #[error("{0}")]
    Io(#[from] io::Error),
}

/// A number that proto3 JSON may write as a string.
#[derive(Deserialize)]
#[serde(untagged)]
enum Num {
    Int(i64),
    UInt(u64),
    Float(f64),
    Text(String),
}

impl Num {
    fn as_u64(&self) -> Option<u64> {
        match self {
            Self::Int(v) => u64::try_from(*v).ok(),
            Self::UInt(v) => Some(*v),
            Self::Float(_) => None,
            Self::Text(t) => t.trim().parse().ok(),
        }
    }
    fn as_i64(&self) -> Option<i64> {
        match self {
            Self::Int(v) => Some(*v),
            Self::UInt(v) => i64::try_from(*v).ok(),
            Self::Float(_) => None,
            Self::Text(t) => t.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Request {
    #[serde(default, alias = "resource_spans")]
    resource_spans: Vec<ResourceSpans>,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct ResourceSpans {
    #[serde(default)]
    resource: Resource,
    #[serde(default, alias = "scope_spans", alias = "instrumentationLibrarySpans")]
    scope_spans: Vec<ScopeSpans>,
}

#[derive(Deserialize, Default)]
struct Resource {
    #[serde(default)]
    attributes: Vec<KeyValue>,
}

#[derive(Deserialize, Default)]
struct ScopeSpans {
    #[serde(default)]
    spans: Vec<RawSpan>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpan {
    #[serde(alias = "trace_id")]
    trace_id: String,
    #[serde(alias = "span_id")]
    span_id: String,
    #[serde(default, alias = "parent_span_id")]
    parent_span_id: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: Option<Num>,
    #[serde(alias = "start_time_unix_nano")]
    start_time_unix_nano: Num,
    #[serde(alias = "end_time_unix_nano")]
    end_time_unix_nano: Num,
    #[serde(default)]
    attributes: Vec<KeyValue>,
    #[serde(default)]
    status: Option<Status>,
}

#[derive(Deserialize)]
struct Status {
    #[serde(default)]
    code: Option<Num>,
}

#[derive(Deserialize)]
struct KeyValue {
    key: String,
    #[serde(default)]
    value: Option<Value>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Value {
    #[serde(default, alias = "string_value")]
    string_value: Option<String>,
    #[serde(default, alias = "int_value")]
    int_value: Option<Num>,
    #[serde(default, alias = "double_value")]
    double_value: Option<Num>,
    #[serde(default, alias = "bool_value")]
    bool_value: Option<bool>,
}

impl Value {
    fn into_attr(self) -> Option<AttrValue> {
        if let Some(s) = self.string_value {
            return Some(AttrValue::Str(s));
        }
        if let Some(i) = self.int_value.and_then(|n| n.as_i64()) {
            return Some(AttrValue::Int(i));
        }
        if let Some(d) = self.double_value {
            return match d {
                Num::Float(f) => Some(AttrValue::Double(f)),
                Num::Int(i) => Some(AttrValue::Double(i as f64)),
                Num::UInt(u) => Some(AttrValue::Double(u as f64)),
                Num::Text(t) => t.parse().ok().map(AttrValue::Double),
            };
        }
        self.bool_value.map(AttrValue::Bool)
    }
}

/// Counts what the parser consumed and refuses to go past the limit.
struct Limited<R> {
    inner: R,
    read_bytes: u64,
    limit_bytes: u64,
    /// Newlines consumed, shared with the caller (the parser owns the reader).
    lines: std::rc::Rc<std::cell::Cell<usize>>,
    /// Set when the limit stopped the reading.
    over: std::rc::Rc<std::cell::Cell<bool>>,
}

impl<R: Read> Read for Limited<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read_bytes += n as u64;
        let newlines = buf.get(..n).map_or(0, |b| b.iter().filter(|c| **c == b'\n').count());
        self.lines.set(self.lines.get() + newlines);
        if self.read_bytes > self.limit_bytes {
            self.over.set(true);
            return Err(io::Error::other(TooLargeMarker));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct TooLargeMarker;
impl std::fmt::Display for TooLargeMarker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("size limit")
    }
}
impl std::error::Error for TooLargeMarker {}

/// Read OTLP JSON from `input`, at most `limit_bytes`, handing each span to `sink`.
/// Returns the number of spans read.
///
/// Each line is first parsed on its own from a slice (the Collector writes
/// one request per line, and parsing a slice is several times faster than
/// parsing byte by byte from a reader); from the first line that is not one
/// whole request (a pretty-printed document, several requests on a line, an
/// error) the rest is read by the streaming parser, which also names the
/// place of an error.
///
/// # Errors
/// The first place that is not OTLP JSON (line and column), the size limit, a read failure.
pub fn read_spans(mut input: impl BufRead, limit_bytes: u64, mut sink: impl FnMut(Span)) -> Result<u64, ReadError> {
    let mut count = 0u64;
    let mut read_bytes = 0u64;
    let mut lines = 0usize;
    let mut line = Vec::new();
    loop {
        line.clear();
        let n =
            (&mut input).take(limit_bytes.saturating_sub(read_bytes).saturating_add(1)).read_until(b'\n', &mut line)?;
        if n == 0 {
            return Ok(count);
        }
        if read_bytes + n as u64 > limit_bytes {
            return Err(ReadError::TooLarge { limit_bytes });
        }
        if line.trim_ascii().is_empty() {
            read_bytes += n as u64;
            lines += usize::from(line.ends_with(b"\n"));
            continue;
        }
        let Ok(request) = serde_json::from_slice::<Request>(&line) else {
            let rest = line.as_slice().chain(input);
            return read_stream(rest, limit_bytes, read_bytes, lines, count, sink);
        };
        deliver(request, lines + 1, &mut sink, &mut count)?;
        read_bytes += n as u64;
        lines += usize::from(line.ends_with(b"\n"));
    }
}

/// Hand the spans of one request to `sink`; `line` is where it ends.
fn deliver(request: Request, line: usize, sink: &mut impl FnMut(Span), count: &mut u64) -> Result<(), ReadError> {
    for rs in request.resource_spans {
        let service = rs
            .resource
            .attributes
            .into_iter()
            .find(|kv| kv.key == super::keys::SERVICE_NAME)
            .and_then(|kv| kv.value)
            .and_then(|v| v.string_value)
            .unwrap_or_default();
        for ss in rs.scope_spans {
            for raw in ss.spans {
                let span = convert(raw, &service).map_err(|message| ReadError::Syntax { line, column: 1, message })?;
                sink(span);
                *count += 1;
            }
        }
    }
    Ok(())
}

/// The streaming parser, from a place `read_bytes` bytes and `lines` lines
/// into the input, with `count` spans read so far.
fn read_stream(
    input: impl Read,
    limit_bytes: u64,
    read_bytes: u64,
    lines_before: usize,
    mut count: u64,
    mut sink: impl FnMut(Span),
) -> Result<u64, ReadError> {
    let lines = std::rc::Rc::new(std::cell::Cell::new(lines_before));
    let over = std::rc::Rc::new(std::cell::Cell::new(false));
    let limited = Limited {
        inner: input,
        read_bytes,
        limit_bytes,
        lines: std::rc::Rc::clone(&lines),
        over: std::rc::Rc::clone(&over),
    };
    let mut stream = serde_json::Deserializer::from_reader(limited).into_iter::<Request>();
    for next in stream.by_ref() {
        let request = next.map_err(|e| {
            if over.get() {
                ReadError::TooLarge { limit_bytes }
            } else {
                match from_json(&e) {
                    ReadError::Syntax { line, column, message } => {
                        // serde's own "at line L column C" counts from where this parser started.
                        let own = format!(" at line {line} column {column}");
                        let message = message.strip_suffix(&own).map_or(message.clone(), str::to_owned);
                        ReadError::Syntax { line: line + lines_before, column, message }
                    }
                    other => other,
                }
            }
        })?;
        // The parser has consumed the request: its closing line is the nearest place.
        deliver(request, lines.get() + 1, &mut sink, &mut count)?;
    }
    Ok(count)
}

fn from_json(e: &serde_json::Error) -> ReadError {
    if e.is_io() {
        return ReadError::Io(io::Error::other(e.to_string()));
    }
    ReadError::Syntax { line: e.line(), column: e.column(), message: e.to_string() }
}

fn convert(raw: RawSpan, service: &str) -> Result<Span, String> {
    let trace_id =
        parse_hex::<16>(&raw.trace_id).ok_or_else(|| format!("traceId {:?} is not 32 hex digits", raw.trace_id))?;
    let span_id =
        parse_hex::<8>(&raw.span_id).ok_or_else(|| format!("spanId {:?} is not 16 hex digits", raw.span_id))?;
    let parent_span_id = if raw.parent_span_id.is_empty() {
        None
    } else if parse_hex::<8>(&raw.parent_span_id).is_none() {
        return Err(format!("parentSpanId {:?} is not 16 hex digits", raw.parent_span_id));
    } else {
        parse_parent(&raw.parent_span_id)
    };
    let start_ns = raw.start_time_unix_nano.as_u64().ok_or("startTimeUnixNano is not a whole number of nanoseconds")?;
    let end_ns = raw.end_time_unix_nano.as_u64().ok_or("endTimeUnixNano is not a whole number of nanoseconds")?;
    let kind = match raw.kind {
        None => SpanKind::Unspecified,
        Some(Num::Text(t)) => SpanKind::from_name(&t),
        Some(n) => SpanKind::from_code(n.as_i64().unwrap_or(0)),
    };
    let attributes = raw.attributes.into_iter().filter_map(|kv| Some((kv.key, kv.value?.into_attr()?))).collect();
    let error = raw.status.and_then(|s| s.code).is_some_and(|c| match c {
        Num::Text(t) => t == "STATUS_CODE_ERROR",
        n => n.as_i64() == Some(2),
    });
    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        name: raw.name,
        kind,
        start_ns,
        end_ns,
        service: service.to_owned(),
        attributes,
        error,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
    use super::*;
    use crate::otlp::write::write_spans;

    fn span(i: u8, parent: Option<u8>, service: &str, kind: SpanKind) -> Span {
        Span {
            trace_id: [7; 16],
            span_id: [i; 8],
            parent_span_id: parent.map(|p| [p; 8]),
            name: format!("op \"{i}\""),
            kind,
            start_ns: 1_700_000_000_000_000_000 + u64::from(i),
            end_ns: 1_700_000_000_000_000_100 + u64::from(i),
            service: service.to_owned(),
            attributes: vec![
                ("http.route".to_owned(), AttrValue::Str("/cart".to_owned())),
                ("n".to_owned(), AttrValue::Int(-3)),
                ("x".to_owned(), AttrValue::Double(0.5)),
                ("b".to_owned(), AttrValue::Bool(true)),
            ],
            error: i == 2,
        }
    }

    #[test]
    fn what_the_writer_writes_the_reader_reads_back() {
        let spans = vec![span(1, None, "gateway", SpanKind::Server), span(2, Some(1), "cart", SpanKind::Client)];
        let mut out = Vec::new();
        write_spans(&mut out, &spans).unwrap();
        let mut back = Vec::new();
        let n = read_spans(out.as_slice(), 1 << 20, |s| back.push(s)).unwrap();
        assert_eq!(n, 2);
        // The writer groups by service (cart before gateway).
        back.sort_by_key(|s| s.span_id);
        assert_eq!(back, spans);
    }

    #[test]
    fn a_hand_written_collector_line_is_read() {
        let text = r#"{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"frontend"}}]},
        "scopeSpans":[{"scope":{"name":"io.opentelemetry"},"spans":[{"traceId":"5B8EFFF798038103D269B633813FC60C",
        "spanId":"EEE19B7EC3C1B174","parentSpanId":"","name":"GET /","kind":"SPAN_KIND_SERVER",
        "startTimeUnixNano":1544712660000000000,"endTimeUnixNano":"1544712661000000000",
        "attributes":[{"key":"http.status_code","value":{"intValue":200}}],"status":{}}]}]}]}"#;
        let mut back = Vec::new();
        read_spans(text.as_bytes(), 1 << 20, |s| back.push(s)).unwrap();
        let s = back.first().unwrap();
        assert_eq!((s.service.as_str(), s.kind, s.parent_span_id), ("frontend", SpanKind::Server, None));
        assert_eq!(s.end_ns - s.start_ns, 1_000_000_000);
        assert_eq!(s.attributes, vec![("http.status_code".to_owned(), AttrValue::Int(200))]);
    }

    #[test]
    fn lines_then_a_pretty_printed_request_read_the_same() {
        let mut one = Vec::new();
        crate::otlp::write::write_spans(&mut one, &[span(1, None, "a", SpanKind::Server)]).unwrap();
        let line = String::from_utf8(one).unwrap();
        let value: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
        let pretty = serde_json::to_string_pretty(&value).unwrap();
        let text = format!("{line}\n{line}{pretty}\n{line}");
        let mut got = Vec::new();
        assert_eq!(read_spans(text.as_bytes(), 1 << 20, |s| got.push(s)).unwrap(), 4);
        assert!(got.iter().all(|s| s == &got[0]));
        let bad = format!("{line}{line}{{\"resourceSpans\": 5}}\n");
        let e = read_spans(bad.as_bytes(), 1 << 20, |_| {}).unwrap_err();
        assert!(matches!(&e, ReadError::Syntax { line: 3, message, .. } if !message.contains("at line")), "{e}");
    }

    #[test]
    fn errors_name_the_line_and_column_and_the_limit_holds() {
        let text = "{\"resourceSpans\":[]}\n{\"resourceSpans\": [{\"scopeSpans\": 5}]}\n";
        let e = read_spans(text.as_bytes(), 1 << 20, |_| {}).unwrap_err();
        assert!(matches!(e, ReadError::Syntax { line: 2, .. }), "{e}");
        let e = read_spans(text.as_bytes(), 10, |_| {}).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { limit_bytes: 10 }), "{e}");
        let bad = r#"{"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"xy","spanId":"0000000000000001","startTimeUnixNano":"1","endTimeUnixNano":"2"}]}]}]}"#;
        let e = read_spans(bad.as_bytes(), 1 << 20, |_| {}).unwrap_err();
        assert!(e.to_string().contains("traceId"), "{e}");
    }
}
