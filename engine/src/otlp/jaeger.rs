//! Jaeger's JSON: what its query API (`/api/traces`) returns and its UI's
//! "Download JSON" saves, `{"data": [trace, ...]}`, each trace holding its
//! `spans` (microsecond `startTime` and `duration`, `references` of type
//! `CHILD_OF`/`FOLLOWS_FROM`, `tags` with `span.kind`) and the `processes`
//! that name their services. Read as one document under a size limit (Jaeger
//! has no line-per-batch form); a bare list of traces or one trace is accepted too.

use std::collections::BTreeMap;
use std::io::Read;

use serde::Deserialize;

use super::read::ReadError;
use super::{AttrValue, Span, SpanKind, parse_hex};

/// `{"data": [...]}`, or one trace object (`spans`, `processes`).
#[derive(Deserialize)]
struct Document {
    #[serde(default)]
    data: Option<Vec<Trace>>,
    #[serde(flatten)]
    one: Trace,
}

#[derive(Deserialize)]
struct Trace {
    #[serde(default)]
    spans: Vec<RawSpan>,
    #[serde(default)]
    processes: BTreeMap<String, Process>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Process {
    service_name: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawSpan {
    #[serde(rename = "traceID")]
    trace_id: String,
    #[serde(rename = "spanID")]
    span_id: String,
    #[serde(default)]
    operation_name: String,
    #[serde(default)]
    references: Option<Vec<Reference>>,
    start_time: u64,
    duration: u64,
    #[serde(default)]
    tags: Option<Vec<Tag>>,
    #[serde(default, rename = "processID")]
    process_id: String,
    #[serde(default)]
    process: Option<Process>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Reference {
    ref_type: String,
    #[serde(rename = "spanID")]
    span_id: String,
}

#[derive(Deserialize)]
struct Tag {
    key: String,
    #[serde(default)]
    value: serde_json::Value,
}

/// Read Jaeger JSON from `input`, at most `limit_bytes`, handing each span to `sink`.
/// Returns the number of spans read.
///
/// # Errors
/// The first place that is not Jaeger JSON (line and column), the size limit, a read failure.
pub fn read_spans(input: impl Read, limit_bytes: u64, mut sink: impl FnMut(Span)) -> Result<u64, ReadError> {
    let mut text = Vec::new();
    input.take(limit_bytes.saturating_add(1)).read_to_end(&mut text)?;
    if text.len() as u64 > limit_bytes {
        return Err(ReadError::TooLarge { limit_bytes });
    }
    let syntax = |e: serde_json::Error| ReadError::Syntax {
        line: e.line(),
        column: e.column(),
        message: format!("not Jaeger JSON (`{{\"data\": [traces]}}`): {e}"),
    };
    let bare_list = text.iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'[');
    let traces = if bare_list {
        serde_json::from_slice::<Vec<Trace>>(&text).map_err(syntax)?
    } else {
        let doc: Document = serde_json::from_slice(&text).map_err(syntax)?;
        doc.data.unwrap_or_else(|| vec![doc.one])
    };
    drop(text);
    let mut count = 0u64;
    for (ti, trace) in traces.into_iter().enumerate() {
        for (si, raw) in trace.spans.into_iter().enumerate() {
            let service = raw
                .process
                .as_ref()
                .or_else(|| trace.processes.get(&raw.process_id))
                .map(|p| p.service_name.clone())
                .unwrap_or_default();
            let span = convert(raw, service).map_err(|message| ReadError::Syntax {
                line: 1,
                column: 1,
                message: format!("data[{ti}].spans[{si}]: {message}"),
            })?;
            sink(span);
            count += 1;
        }
    }
    Ok(count)
}

fn convert(raw: RawSpan, service: String) -> Result<Span, String> {
    // 64-bit trace ids (16 hex digits) are the low half of a 128-bit one.
    let padded = format!("{:0>32}", raw.trace_id);
    let trace_id = parse_hex::<16>(&padded).ok_or_else(|| format!("traceID {:?} is not hex", raw.trace_id))?;
    let span_id = parse_hex::<8>(&format!("{:0>16}", raw.span_id))
        .ok_or_else(|| format!("spanID {:?} is not hex", raw.span_id))?;
    let parent_span_id = raw
        .references
        .unwrap_or_default()
        .iter()
        .find(|r| r.ref_type == "CHILD_OF")
        .map(|r| {
            parse_hex::<8>(&format!("{:0>16}", r.span_id))
                .ok_or_else(|| format!("reference spanID {:?} is not hex", r.span_id))
        })
        .transpose()?;
    let mut kind = SpanKind::Unspecified;
    let mut error = false;
    let mut attributes = Vec::new();
    for tag in raw.tags.unwrap_or_default() {
        let value = match tag.value {
            serde_json::Value::String(s) => AttrValue::Str(s),
            serde_json::Value::Bool(b) => AttrValue::Bool(b),
            serde_json::Value::Number(n) => {
                n.as_i64().map_or_else(|| AttrValue::Double(n.as_f64().unwrap_or(0.0)), AttrValue::Int)
            }
            _ => continue,
        };
        match (tag.key.as_str(), &value) {
            ("span.kind", AttrValue::Str(k)) => kind = SpanKind::from_name(k),
            ("error", AttrValue::Bool(true)) => error = true,
            ("otel.status_code", AttrValue::Str(c)) if c == "ERROR" => error = true,
            _ => attributes.push((tag.key, value)),
        }
    }
    let start_ns = raw.start_time.saturating_mul(1000);
    let end_ns = start_ns.saturating_add(raw.duration.saturating_mul(1000));
    Ok(Span {
        trace_id,
        span_id,
        parent_span_id,
        name: raw.operation_name,
        kind,
        start_ns,
        end_ns,
        service,
        attributes,
        error,
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic, reason = "tests")]
    use super::*;

    const DOWNLOAD: &str = r#"{"data":[{"traceID":"a1b2c3d4e5f60718","spans":[
      {"traceID":"a1b2c3d4e5f60718","spanID":"0000000000000001","flags":1,"operationName":"HTTP GET /dispatch",
       "references":[],"startTime":1700000000000000,"duration":5000,
       "tags":[{"key":"span.kind","type":"string","value":"server"},{"key":"http.route","type":"string","value":"/dispatch"}],
       "logs":[],"processID":"p1","warnings":null},
      {"traceID":"a1b2c3d4e5f60718","spanID":"0000000000000002","flags":1,"operationName":"GetDriver",
       "references":[{"refType":"CHILD_OF","traceID":"a1b2c3d4e5f60718","spanID":"0000000000000001"}],
       "startTime":1700000000001000,"duration":2000,
       "tags":[{"key":"span.kind","type":"string","value":"client"},{"key":"error","type":"bool","value":true}],
       "logs":[],"processID":"p2","warnings":null}],
      "processes":{"p1":{"serviceName":"frontend","tags":[]},"p2":{"serviceName":"redis","tags":[]}},"warnings":null}],
      "total":0,"limit":0,"offset":0,"errors":null}"#;

    #[test]
    fn a_jaeger_download_reads_with_services_kinds_parents_and_times() {
        let mut spans = Vec::new();
        assert_eq!(read_spans(DOWNLOAD.as_bytes(), 1 << 20, |s| spans.push(s)).unwrap(), 2);
        let [root, child] = spans.as_slice() else { panic!("two spans") };
        assert_eq!((root.service.as_str(), root.kind, root.parent_span_id), ("frontend", SpanKind::Server, None));
        assert_eq!(root.attr("http.route"), Some("/dispatch"));
        assert_eq!(root.end_ns - root.start_ns, 5_000_000);
        assert_eq!((child.service.as_str(), child.kind, child.error), ("redis", SpanKind::Client, true));
        assert_eq!(child.parent_span_id, Some(root.span_id));
        assert_eq!(child.trace_id, root.trace_id);
    }

    #[test]
    fn jaeger_errors_name_the_place_and_the_limit_holds() {
        let e = read_spans(&b"{\"data\": [{\"spans\": [{\"traceID\": 5}]}]}"[..], 1 << 20, |_| {}).unwrap_err();
        assert!(matches!(e, ReadError::Syntax { line: 1, .. }), "{e}");
        let e = read_spans(DOWNLOAD.as_bytes(), 100, |_| {}).unwrap_err();
        assert!(matches!(e, ReadError::TooLarge { .. }), "{e}");
    }
}
