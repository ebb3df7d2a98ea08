//! The OTLP JSON writer: what the OpenTelemetry Collector's file exporter
//! writes, one `ExportTraceServiceRequest` per line (JSON Lines), each
//! holding at most [`SPANS_PER_LINE`] spans grouped by their resource's
//! `service.name` (`resourceSpans` → `scopeSpans` → `spans`). Ids are hex,
//! times decimal strings of Unix nanoseconds, kinds integers (the OTLP/JSON
//! rules), so Jaeger, Tempo and the Collector read the file as it is.

use std::collections::BTreeMap;
use std::io::{self, Write};

use super::{AttrValue, Span, hex, keys};

/// Spans per line: a line stays small enough to read as one piece.
pub const SPANS_PER_LINE: usize = 1000;

/// The instrumentation scope written for the spans.
const SCOPE: &str = "switchboard";

/// Write `spans` as OTLP JSON Lines to `out`.
///
/// # Errors
/// What writing to `out` fails with.
pub fn write_spans(out: &mut impl Write, spans: &[Span]) -> io::Result<()> {
    for batch in spans.chunks(SPANS_PER_LINE) {
        write_line(out, batch)?;
    }
    Ok(())
}

/// One request: the batch's spans grouped by service, each group in span order.
fn write_line(out: &mut impl Write, batch: &[Span]) -> io::Result<()> {
    let mut by_service: BTreeMap<&str, Vec<&Span>> = BTreeMap::new();
    for s in batch {
        by_service.entry(s.service.as_str()).or_default().push(s);
    }
    out.write_all(b"{\"resourceSpans\":[")?;
    for (i, (service, spans)) in by_service.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        out.write_all(b"{\"resource\":{\"attributes\":[")?;
        write_attr(out, keys::SERVICE_NAME, &AttrValue::Str((*service).to_owned()))?;
        write!(out, "]}},\"scopeSpans\":[{{\"scope\":{{\"name\":\"{SCOPE}\"}},\"spans\":[")?;
        for (j, s) in spans.iter().enumerate() {
            if j > 0 {
                out.write_all(b",")?;
            }
            write_span(out, s)?;
        }
        out.write_all(b"]}]}")?;
    }
    out.write_all(b"]}\n")
}

fn write_span(out: &mut impl Write, s: &Span) -> io::Result<()> {
    write!(out, "{{\"traceId\":\"{}\",\"spanId\":\"{}\"", hex(&s.trace_id), hex(&s.span_id))?;
    if let Some(p) = s.parent_span_id {
        write!(out, ",\"parentSpanId\":\"{}\"", hex(&p))?;
    }
    out.write_all(b",\"name\":")?;
    write_str(out, &s.name)?;
    write!(
        out,
        ",\"kind\":{},\"startTimeUnixNano\":\"{}\",\"endTimeUnixNano\":\"{}\",\"attributes\":[",
        s.kind.code(),
        s.start_ns,
        s.end_ns
    )?;
    for (i, (k, v)) in s.attributes.iter().enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        write_attr(out, k, v)?;
    }
    out.write_all(b"]")?;
    if s.error {
        out.write_all(b",\"status\":{\"code\":2}")?;
    }
    out.write_all(b"}")
}

fn write_attr(out: &mut impl Write, key: &str, value: &AttrValue) -> io::Result<()> {
    out.write_all(b"{\"key\":")?;
    write_str(out, key)?;
    out.write_all(b",\"value\":{")?;
    match value {
        AttrValue::Str(v) => {
            out.write_all(b"\"stringValue\":")?;
            write_str(out, v)?;
        }
        // int64 is a decimal string in the proto3 JSON mapping.
        AttrValue::Int(v) => write!(out, "\"intValue\":\"{v}\"")?,
        AttrValue::Double(v) if v.is_finite() => write!(out, "\"doubleValue\":{v}")?,
        AttrValue::Double(v) => write!(
            out,
            "\"doubleValue\":\"{}\"",
            if v.is_nan() {
                "NaN"
            } else if *v > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            }
        )?,
        AttrValue::Bool(v) => write!(out, "\"boolValue\":{v}")?,
    }
    out.write_all(b"}}")
}

fn write_str(out: &mut impl Write, text: &str) -> io::Result<()> {
    serde_json::to_writer(&mut *out, text).map_err(io::Error::other)
}
