//! Each node's HTTP/1.1 server: `POST /op/{operation}` (and `/` for the
//! default handling) runs a request through the node, `GET /metrics` serves
//! its metrics, `GET /healthz` says it is up and at which time scale;
//! `POST /_switchboard/orphan` (a caller gave up on a call, see
//! [`crate::waste`]) is answered outside the node's station.
//! Listeners are opened before anything runs, so the port table printed at
//! start is where the nodes are.

use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use bytes::Bytes;
use engine::otlp::SpanKind;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinSet;

use crate::error::EmulateError;
use crate::node::{MAX_DEPTH, Shared};
use crate::spans::SpanOf;
use crate::trace::{Hop, TRACEPARENT, TRACERESPONSE, TraceContext};
use crate::wire::{DEPTH_HEADER, Route, response, route};

/// Open one listener per node on `ip`: at `base_port + i` for node `i`, or
/// on a port the system chooses when `base_port` is `None`.
///
/// # Errors
/// A port that cannot be opened, or ports past 65535.
pub async fn bind(ids: &[String], ip: IpAddr, base_port: Option<u16>) -> Result<Vec<TcpListener>, EmulateError> {
    let mut listeners = Vec::with_capacity(ids.len());
    for (i, id) in ids.iter().enumerate() {
        let port = match base_port {
            None => 0,
            Some(base) => u16::try_from(usize::from(base) + i).map_err(|_| EmulateError::Ports(base, ids.len()))?,
        };
        let addr = SocketAddr::new(ip, port);
        let listener =
            TcpListener::bind(addr).await.map_err(|source| EmulateError::Bind { node: id.clone(), addr, source })?;
        if let Ok(at) = listener.local_addr() {
            tracing::info!(node = %id, addr = %at, "listening");
        }
        listeners.push(listener);
    }
    Ok(listeners)
}

/// Serve node `node` on `listener` until the task is aborted; connections
/// run in `connections`, which the caller aborts at shutdown.
pub async fn serve(shared: Arc<Shared>, node: usize, listener: TcpListener) {
    let mut connections = JoinSet::new();
    loop {
        let Ok((stream, _)) = listener.accept().await else { continue };
        // Small request/response pairs: Nagle's delay would add up to 40 ms a hop.
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        connections.spawn(async move {
            let service = service_fn(move |request| {
                let shared = Arc::clone(&shared);
                async move { Ok::<_, Infallible>(answer(shared, node, &request).await) }
            });
            // A connection that fails (the peer went away) ends quietly.
            let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
        });
        // Reap finished connections so the set does not grow without bound.
        while connections.try_join_next().is_some() {}
    }
}

/// The response to one request at node `node`.
async fn answer(shared: Arc<Shared>, node: usize, request: &Request<Incoming>) -> Response<Full<Bytes>> {
    if request.uri().path() == crate::load_origin::START_PATH {
        // The load's start, from the load generator or a caller (see `load_origin`).
        return match crate::load_origin::origin_of(request.uri().query()) {
            Some(origin) if request.method() == hyper::Method::POST => {
                shared.start_load_at_unix(origin, node);
                status(StatusCode::NO_CONTENT)
            }
            _ => status(StatusCode::BAD_REQUEST),
        };
    }
    if request.uri().path() == crate::waste::ORPHAN_PATH {
        // A caller gave up on a call (see `waste`): no worker is taken.
        return match crate::waste::notice_of(request.uri().query()) {
            Some((call, parent)) if request.method() == hyper::Method::POST => {
                shared.orphan_notice(node, call, parent);
                status(StatusCode::NO_CONTENT)
            }
            _ => status(StatusCode::BAD_REQUEST),
        };
    }
    match route(request.uri().path()) {
        Route::Metrics => {
            let Some(state) = shared.nodes.get(node) else { return status(StatusCode::NOT_FOUND) };
            let mut text = state.metrics.encode(state.station.as_deref(), state.in_flight.load(Ordering::Relaxed));
            if let (Some(b), Some(n)) = (&state.broker, shared.topology.nodes.get(node)) {
                // The broker's lines go before the exposition's end marker.
                let end = text.rfind("# EOF").unwrap_or(text.len());
                text.insert_str(end, &b.metrics_text(&n.id));
            }
            if let (Some(Some(d)), Some(n)) = (shared.discovery.get(node), shared.topology.nodes.get(node)) {
                let end = text.rfind("# EOF").unwrap_or(text.len());
                text.insert_str(end, &d.metrics_text(&n.id));
            }
            if let Some(n) = shared.topology.nodes.get(node) {
                let end = text.rfind("# EOF").unwrap_or(text.len());
                text.insert_str(end, &crate::metrics::breaker_text(&n.id, &shared.breakers_of(node)));
            }
            Response::builder()
                .header("content-type", "application/openmetrics-text; version=1.0.0; charset=utf-8")
                .body(Full::new(Bytes::from(text)))
                .unwrap_or_else(|_| status(StatusCode::INTERNAL_SERVER_ERROR))
        }
        Route::Operation(op) => {
            let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
            let depth = header(DEPTH_HEADER).and_then(|v| v.parse::<u16>().ok()).unwrap_or(0).min(MAX_DEPTH);
            // This visit's span: a child of the caller's, or a new trace.
            let parent = header(TRACEPARENT).and_then(TraceContext::parse);
            let span = shared.ids.enter(parent);
            let start_ns = shared.now_ns();
            let blocks = header(crate::broker::WHEN_FULL_HEADER) == Some("block");
            let sent = header(crate::broker::SENT_HEADER).and_then(|v| v.parse::<u64>().ok());
            let target = header(crate::discovery::REPLICA_HEADER).and_then(|v| v.parse::<usize>().ok());
            let lookup = header(crate::discovery::LOOKUP_HEADER).and_then(|id| shared.topology.node_index(id));
            let parent_orphan = header(crate::waste::PARENT_ORPHAN_HEADER).is_some();
            let hop = Hop { depth, trace: Some(span) };
            let visit = Arc::clone(&shared).handle_call(node, op.clone(), hop, (parent, parent_orphan));
            let visit = crate::broker::SENT_UNIX_NS.scope(sent, crate::discovery::TARGET.scope(target, visit));
            let outcome = crate::broker::BLOCKS.scope(blocks, visit).await;
            // A load source's own root is a CLIENT span, as the simulator writes it.
            let source = parent.is_none() && shared.topology.nodes.get(node).is_some_and(|n| n.client);
            let kind = if source { SpanKind::Client } else { SpanKind::Server };
            let of = SpanOf { node, kind, operation: op.as_deref(), peer: None, outcome };
            shared.spans.record(span, parent, of, (start_ns, shared.now_ns()));
            let mut answer = response(outcome);
            // A lookup served: the instances the registry lists now.
            if let Some(listed) = lookup
                .filter(|_| matches!(outcome, engine::model::Outcome::Ok | engine::model::Outcome::Degraded))
                .and_then(|n| shared.listed_instances(n))
                && let Ok(value) = hyper::header::HeaderValue::from_str(&crate::discovery::format_instances(&listed))
            {
                answer.headers_mut().insert(crate::discovery::INSTANCES_HEADER, value);
            }
            if let Ok(value) = hyper::header::HeaderValue::from_str(&span.header()) {
                answer.headers_mut().insert(TRACERESPONSE, value);
            }
            answer
        }
        Route::Health => {
            // The load generator reads the time scale to refuse a mismatch (see `standalone`).
            let id = shared.topology.nodes.get(node).map_or("", |n| n.id.as_str());
            let text = crate::standalone::health_body(id, shared.time_scale);
            Response::new(Full::new(Bytes::from(text)))
        }
        Route::Unknown => status(StatusCode::NOT_FOUND),
    }
}

fn status(code: StatusCode) -> Response<Full<Bytes>> {
    let mut r = Response::new(Full::new(Bytes::new()));
    *r.status_mut() = code;
    r
}
