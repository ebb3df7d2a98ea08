//! The Istio objects the export writes, as serde structs in the field order
//! Istio documents: VirtualService, DestinationRule and their parts, and the
//! `Resource`/`Meta` wrapper the EnvoyFilters share.

use serde::Serialize;

use crate::export::map::Map;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Resource<S> {
    pub(crate) api_version: &'static str,
    pub(crate) kind: &'static str,
    pub(crate) metadata: Meta,
    pub(crate) spec: S,
}

/// Name, labels and the `switchboard/node` annotation of every Istio object
/// (the EnvoyFilters of `envoy_filter.rs` too).
#[derive(Serialize)]
pub(crate) struct Meta {
    pub(crate) name: String,
    pub(crate) labels: Map<String>,
    pub(crate) annotations: Map<String>,
}

#[derive(Serialize)]
pub(crate) struct VirtualServiceSpec {
    pub(crate) hosts: Vec<String>,
    pub(crate) http: Vec<HttpRoute>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpRoute {
    pub(crate) name: String,
    #[serde(rename = "match", skip_serializing_if = "Vec::is_empty")]
    pub(crate) matches: Vec<RouteMatch>,
    pub(crate) route: Vec<RouteDestination>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retries: Option<Retries>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RouteMatch {
    pub(crate) source_labels: Map<String>,
}

#[derive(Serialize)]
pub(crate) struct RouteDestination {
    pub(crate) destination: Destination,
}

#[derive(Serialize)]
pub(crate) struct Destination {
    pub(crate) host: String,
    pub(crate) port: PortSelector,
}

#[derive(Serialize)]
pub(crate) struct PortSelector {
    pub(crate) number: u16,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Retries {
    pub(crate) attempts: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) per_try_timeout: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retry_on: Option<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct DestinationRuleSpec {
    pub(crate) host: String,
    pub(crate) traffic_policy: TrafficPolicy,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TrafficPolicy {
    pub(crate) load_balancer: LoadBalancerSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) connection_pool: Option<ConnectionPool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) outlier_detection: Option<OutlierDetection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) retry_budget: Option<RetryBudget>,
}

/// Envoy's retry budget on the callee's cluster: retries in flight at most
/// `percent` of the requests in flight and pending, but always
/// `min_retry_concurrency` of them.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct RetryBudget {
    pub(crate) percent: f64,
    pub(crate) min_retry_concurrency: u32,
}

#[derive(Serialize)]
pub(crate) struct LoadBalancerSettings {
    pub(crate) simple: &'static str,
}

#[derive(Serialize)]
pub(crate) struct ConnectionPool {
    pub(crate) tcp: TcpPool,
    pub(crate) http: HttpPool,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TcpPool {
    pub(crate) max_connections: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct HttpPool {
    pub(crate) http1_max_pending_requests: u32,
    pub(crate) http2_max_requests: u32,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct OutlierDetection {
    pub(crate) consecutive5xx_errors: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) consecutive_gateway_errors: Option<u32>,
    pub(crate) interval: String,
    pub(crate) base_ejection_time: String,
    pub(crate) max_ejection_percent: u32,
}

#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum Manifest {
    VirtualService(Resource<VirtualServiceSpec>),
    DestinationRule(Resource<DestinationRuleSpec>),
    EnvoyFilter(crate::export::envoy_filter::EnvoyFilter),
}
