//! What travels between emulated nodes: the request path of an operation,
//! the outcome of a hop as HTTP status and headers, and the HTTP/1.1 client
//! every node and the load generator call through.
//!
//! A hop's outcome is the simulator's vocabulary, carried in the
//! `x-switchboard-outcome` header (with the status a plain HTTP tool expects:
//! 200 ok, 500 error, 503 rejected with the cause in `x-switchboard-reject`,
//! 504 timeout), so a caller fails with exactly its callee's outcome, as in
//! the simulator.

use std::net::SocketAddr;

use bytes::Bytes;
use engine::model::{Outcome, RejectCause};
use http_body_util::{BodyExt as _, Full};
use hyper::{Request, Response, StatusCode};
use hyper_util::client::legacy::Client as HyperClient;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use percent_encoding::{NON_ALPHANUMERIC, percent_decode_str, utf8_percent_encode};

use crate::metrics::outcome_name;
use crate::trace::{Hop, TRACEPARENT};

/// Header with a hop's outcome.
pub const OUTCOME_HEADER: &str = "x-switchboard-outcome";
/// Header with the cause of a rejection.
pub const REJECT_HEADER: &str = "x-switchboard-reject";
/// Header with the call depth, which bounds a request's hops as the simulator does.
pub const DEPTH_HEADER: &str = "x-switchboard-depth";

/// The path of an operation: `/op/{operation}` (percent-encoded), or `/`
/// for the default handling.
#[must_use]
pub fn op_path(operation: Option<&str>) -> String {
    match operation {
        Some(op) => format!("/op/{}", utf8_percent_encode(op, NON_ALPHANUMERIC)),
        None => "/".to_owned(),
    }
}

/// What a request path asks for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// An operation (`None`: the default handling).
    Operation(Option<String>),
    /// The node's metrics.
    Metrics,
    /// Whether the node is up, and its time scale (`GET /healthz`).
    Health,
    /// Nothing this node serves.
    Unknown,
}

/// Read a request path.
#[must_use]
pub fn route(path: &str) -> Route {
    match path {
        "/" => Route::Operation(None),
        "/metrics" => Route::Metrics,
        "/healthz" => Route::Health,
        _ => match path.strip_prefix("/op/") {
            Some(op) if !op.is_empty() => match percent_decode_str(op).decode_utf8() {
                Ok(op) => Route::Operation(Some(op.into_owned())),
                Err(_) => Route::Unknown,
            },
            _ => Route::Unknown,
        },
    }
}

/// The response that carries `outcome`.
#[must_use]
pub fn response(outcome: Outcome) -> Response<Full<Bytes>> {
    let status = match outcome {
        Outcome::Ok | Outcome::Degraded => StatusCode::OK,
        Outcome::Timeout => StatusCode::GATEWAY_TIMEOUT,
        Outcome::Rejected(_) => StatusCode::SERVICE_UNAVAILABLE,
        Outcome::Error | Outcome::InFlight => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let mut builder = Response::builder().status(status).header(OUTCOME_HEADER, outcome_name(outcome));
    if let Outcome::Rejected(cause) = outcome {
        builder = builder.header(REJECT_HEADER, cause.as_str());
    }
    let body = Bytes::from(format!("{}\n", outcome_name(outcome)));
    builder.body(Full::new(body)).unwrap_or_else(|_| Response::new(Full::new(Bytes::new())))
}

/// The outcome a response carries: its header, else its status.
#[must_use]
pub fn outcome_of<B>(response: &Response<B>) -> Outcome {
    let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok());
    let cause = header(REJECT_HEADER).and_then(|c| RejectCause::ALL.into_iter().find(|x| x.as_str() == c));
    match header(OUTCOME_HEADER) {
        Some("ok") => Outcome::Ok,
        Some("degraded") => Outcome::Degraded,
        Some("timeout") => Outcome::Timeout,
        Some("error") => Outcome::Error,
        _ if cause.is_some() => Outcome::Rejected(cause.unwrap_or(RejectCause::QueueFull)),
        _ => match response.status() {
            s if s.is_success() => Outcome::Ok,
            StatusCode::SERVICE_UNAVAILABLE | StatusCode::TOO_MANY_REQUESTS => {
                Outcome::Rejected(RejectCause::QueueFull)
            }
            StatusCode::GATEWAY_TIMEOUT => Outcome::Timeout,
            _ => Outcome::Error,
        },
    }
}

/// An HTTP/1.1 client with pooled connections (no TLS: loopback only).
#[derive(Clone, Debug)]
pub struct Client(HyperClient<HttpConnector, Full<Bytes>>);

impl Default for Client {
    fn default() -> Self {
        Self::new()
    }
}

impl Client {
    /// A client with idle connections kept for reuse.
    #[must_use]
    pub fn new() -> Self {
        let mut connector = HttpConnector::new();
        // Small request/response pairs: Nagle's delay would add up to 40 ms a hop.
        connector.set_nodelay(true);
        Self(
            HyperClient::builder(TokioExecutor::new())
                .pool_idle_timeout(std::time::Duration::from_secs(30))
                .pool_max_idle_per_host(1024)
                .build(connector),
        )
    }

    /// POST to `operation` of the node at `addr` as `hop` (its depth, and its
    /// caller's span as `traceparent`); a
    /// connection or protocol failure is an error, as a refused connection is
    /// in the simulator.
    pub async fn call(&self, addr: SocketAddr, operation: Option<&str>, hop: Hop) -> Outcome {
        self.call_with(addr, operation, hop, &[]).await
    }

    /// [`Client::call`] with more headers (a publish's `when_full`, the
    /// replica a client-side discovered call goes to).
    pub async fn call_with(
        &self,
        addr: SocketAddr,
        operation: Option<&str>,
        hop: Hop,
        headers: &[(&str, &str)],
    ) -> Outcome {
        let uri = format!("http://{addr}{}", op_path(operation));
        let mut builder = Request::post(uri).header(DEPTH_HEADER, hop.depth);
        for (name, value) in headers {
            builder = builder.header(*name, *value);
        }
        if let Some(t) = hop.trace {
            builder = builder.header(TRACEPARENT, t.header());
        }
        let Ok(request) = builder.body(Full::new(Bytes::new())) else {
            return Outcome::Error;
        };
        match self.0.request(request).await {
            Ok(response) => {
                let outcome = outcome_of(&response);
                // Read the body so the connection goes back to the pool.
                let _ = response.into_body().collect().await;
                outcome
            }
            Err(_) => Outcome::Error,
        }
    }

    /// POST to `path` (with its query) of `addr`, with no body: the status.
    ///
    /// # Errors
    /// A connection or protocol failure, in words.
    pub async fn post(&self, addr: SocketAddr, path: &str) -> Result<StatusCode, String> {
        let request =
            Request::post(format!("http://{addr}{path}")).body(Full::new(Bytes::new())).map_err(|e| e.to_string())?;
        let response = self.0.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let _ = response.into_body().collect().await;
        Ok(status)
    }

    /// Look node `node` up on the registry at `addr` (its default handling,
    /// queued and served there): the instances listed at the answer, or
    /// `None` when the lookup failed.
    pub async fn lookup(&self, addr: SocketAddr, node: &str, hop: Hop) -> Option<Vec<u32>> {
        let request = Request::post(format!("http://{addr}/"))
            .header(DEPTH_HEADER, hop.depth)
            .header(crate::discovery::LOOKUP_HEADER, node)
            .body(Full::new(Bytes::new()))
            .ok()?;
        let response = self.0.request(request).await.ok()?;
        let ok = matches!(outcome_of(&response), Outcome::Ok | Outcome::Degraded);
        let listed = response
            .headers()
            .get(crate::discovery::INSTANCES_HEADER)
            .and_then(|v| v.to_str().ok())
            .map(crate::discovery::parse_instances);
        // Read the body so the connection goes back to the pool.
        let _ = response.into_body().collect().await;
        listed.filter(|_| ok)
    }

    /// GET `path` of `addr`: status and body text (for metrics and tests).
    ///
    /// # Errors
    /// A connection or protocol failure, in words.
    pub async fn get(&self, addr: SocketAddr, path: &str) -> Result<(StatusCode, String), String> {
        let request =
            Request::get(format!("http://{addr}{path}")).body(Full::new(Bytes::new())).map_err(|e| e.to_string())?;
        let response = self.0.request(request).await.map_err(|e| e.to_string())?;
        let status = response.status();
        let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
        Ok((status, String::from_utf8_lossy(&body).into_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operation_paths_round_trip() {
        for op in [None, Some("GET /cart"), Some("订单"), Some("a%b")] {
            assert_eq!(route(&op_path(op)), Route::Operation(op.map(str::to_owned)));
        }
        assert_eq!(route("/metrics"), Route::Metrics);
        assert_eq!(route("/nothing"), Route::Unknown);
        assert_eq!(route("/op/"), Route::Unknown);
    }

    #[test]
    fn outcomes_round_trip_through_responses() {
        let all = [Outcome::Ok, Outcome::Degraded, Outcome::Error, Outcome::Timeout]
            .into_iter()
            .chain(RejectCause::ALL.into_iter().map(Outcome::Rejected));
        for o in all {
            assert_eq!(outcome_of(&response(o)), o);
        }
        let plain = Response::builder().status(503).body(()).unwrap_or_default();
        assert_eq!(outcome_of(&plain), Outcome::Rejected(RejectCause::QueueFull));
    }
}
