//! W3C `traceparent` on loopback: a node joins the caller's trace and
//! answers with its own span in `traceresponse`, a request without one
//! starts a trace, and every call a node makes carries its span as the
//! parent (seen on the wire by a listener standing in for a callee).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use emulator::trace::{Hop, TraceContext};
use emulator::wire::Client;
use emulator::{Emulation, Options};
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};

/// POST `/` with `headers` and read the whole answer (the server closes it).
async fn post(addr: std::net::SocketAddr, headers: &str) -> String {
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let req = format!("POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n{headers}\r\n");
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    out
}

fn header<'a>(response: &'a str, name: &str) -> Option<&'a str> {
    response.lines().find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

#[test]
fn a_node_joins_the_callers_trace_and_passes_its_span_on() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/emulate/errors.json");
    let design = engine::model::format::load(&path).unwrap();
    let emulation = Emulation::start(&design, &Options { time_scale: Some(1.0), ..Options::of(&design) }).unwrap();
    let front = emulation.endpoints()[0].addr;
    let rt = emulation.handle();

    let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    let answer = rt.block_on(post(front, &format!("traceparent: {parent}\r\n")));
    let own = TraceContext::parse(header(&answer, "traceresponse").expect(&answer)).unwrap();
    let caller = TraceContext::parse(parent).unwrap();
    assert_eq!(own.trace_id, caller.trace_id, "{answer}");
    assert_ne!(own.span_id, caller.span_id, "{answer}");
    assert_eq!(own.flags, caller.flags);

    // No traceparent (or a malformed one): the visit starts a trace.
    for headers in ["", "traceparent: 00-zz-00f067aa0ba902b7-01\r\n"] {
        let answer = rt.block_on(post(front, headers));
        let root = TraceContext::parse(header(&answer, "traceresponse").expect(&answer)).unwrap();
        assert_ne!(root.trace_id, caller.trace_id);
    }

    // A call carries the calling span as traceparent, and the depth.
    let seen = rt.block_on(async {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let callee = tokio::spawn(async move {
            let (mut s, _) = listener.accept().await.unwrap();
            let mut buf = vec![0u8; 4096];
            let n = s.read(&mut buf).await.unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n").await.unwrap();
            String::from_utf8_lossy(&buf[..n]).into_owned()
        });
        let hop = Hop { depth: 3, trace: Some(own) };
        let outcome =
            tokio::time::timeout(std::time::Duration::from_secs(5), Client::new().call(addr, None, hop)).await;
        assert_eq!(outcome.ok(), Some(engine::model::Outcome::Ok));
        callee.await.unwrap()
    });
    assert_eq!(header(&seen, "traceparent"), Some(own.header().as_str()), "{seen}");
    assert_eq!(header(&seen, "x-switchboard-depth"), Some("3"), "{seen}");
}
