//! Benchmark: calibrate from one million spans (README figures).
//! `cargo run --release -p switchboard-engine --example calibrate_million`
//! writes a synthetic OTLP JSON file (a gateway calling three services, one
//! of them a database, in traces of five spans), reads it back through the
//! streamed reader and calibrates, printing the time taken and the peak
//! resident memory (Linux `VmHWM`).

use std::io::BufReader;
use std::time::Instant;

use engine::otlp::{AttrValue, Span, SpanKind};

fn span(t: u64, id: u64, parent: u64, service: &str, kind: SpanKind, start: u64, end: u64) -> Span {
    let mut trace_id = [0u8; 16];
    trace_id[8..].copy_from_slice(&t.to_be_bytes());
    Span {
        trace_id,
        span_id: id.to_be_bytes(),
        parent_span_id: (parent != 0).then(|| parent.to_be_bytes()),
        name: "GET /".to_owned(),
        kind,
        start_ns: start,
        end_ns: end,
        service: service.to_owned(),
        attributes: vec![("http.route".to_owned(), AttrValue::Str("/".to_owned()))],
        error: false,
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let traces: u64 = 200_000;
    let path = std::env::temp_dir().join("switchboard-calibrate-million.otlp.json");
    let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let mut batch = Vec::with_capacity(1000);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for t in 1..=traces {
        // A cheap deterministic jitter (xorshift).
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let j = x % 1_000_000;
        let t0 = 1_700_000_000_000_000_000 + t * 5_000_000;
        batch.push(span(t, 1, 0, "gateway", SpanKind::Server, t0, t0 + 9_000_000 + j));
        batch.push(span(t, 2, 1, "gateway", SpanKind::Client, t0 + 100_000, t0 + 4_000_000 + j));
        batch.push(span(t, 3, 2, "orders", SpanKind::Server, t0 + 400_000, t0 + 3_700_000 + j));
        batch.push(span(t, 4, 1, "gateway", SpanKind::Client, t0 + 4_100_000 + j, t0 + 8_000_000 + j));
        batch.push(span(t, 5, 4, "stock", SpanKind::Server, t0 + 4_400_000 + j, t0 + 7_700_000 + j / 2));
        if batch.len() >= 1000 {
            engine::otlp::write::write_spans(&mut file, &batch)?;
            batch.clear();
        }
    }
    engine::otlp::write::write_spans(&mut file, &batch)?;
    drop(file);
    let size = std::fs::metadata(&path)?.len();
    let started = Instant::now();
    let mut cal = engine::calibrate::Calibrator::new();
    let spans = cal.read_otlp(BufReader::new(std::fs::File::open(&path)?), u64::MAX)?;
    let read_s = started.elapsed().as_secs_f64();
    let (c, _) = cal.finish(1.0, None);
    let total_s = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM")).map(str::to_owned))
        .unwrap_or_default();
    println!(
        "{spans} spans ({} MiB of OTLP JSON): read {read_s:.2} s, calibrated in {total_s:.2} s in all; {} nodes, {} edges; peak {peak}",
        size >> 20,
        c.design.nodes.len(),
        c.design.edges.len()
    );
    std::fs::remove_file(&path)?;
    Ok(())
}
