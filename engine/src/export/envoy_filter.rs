//! Retry backoff through an EnvoyFilter. A VirtualService has no backoff
//! field, so without one Envoy waits its default (a random time up to
//! 25 ms × 2^(retry−1), at most 250 ms), whatever the design asks. The
//! route Istio generates from a VirtualService route carries that route's
//! name inside the callee's virtual host (`HOST.NAMESPACE.svc.cluster.local:PORT`),
//! so a MERGE patch on exactly that route sets its `retry_back_off`.
//! The namespace is not part of a design: the export assumes `default`
//! (a placeholder in the report).

use serde::Serialize;

use super::istio::{Meta, Resource, duration_ms};
use super::map::Map;
use crate::model::{Backoff, Retries};

/// The namespace the filters name hosts in (the design has none).
pub(crate) const ASSUMED_NAMESPACE: &str = "default";
/// The API version of EnvoyFilter.
const API_VERSION: &str = "networking.istio.io/v1alpha3";

/// An EnvoyFilter: an Istio object like the others, with its own spec.
pub(crate) type EnvoyFilter = Resource<FilterSpec>;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FilterSpec {
    config_patches: Vec<ConfigPatch>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ConfigPatch {
    apply_to: &'static str,
    #[serde(rename = "match")]
    matcher: PatchMatch,
    patch: Patch,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PatchMatch {
    context: &'static str,
    route_configuration: RouteConfigurationMatch,
}

#[derive(Serialize)]
struct RouteConfigurationMatch {
    vhost: VirtualHostMatch,
}

#[derive(Serialize)]
struct VirtualHostMatch {
    name: String,
    route: RouteMatch,
}

#[derive(Serialize)]
struct RouteMatch {
    name: String,
}

#[derive(Serialize)]
struct Patch {
    operation: &'static str,
    value: PatchValue,
}

#[derive(Serialize)]
struct PatchValue {
    route: RouteValue,
}

#[derive(Serialize)]
struct RouteValue {
    retry_policy: RetryPolicyValue,
}

#[derive(Serialize)]
struct RetryPolicyValue {
    retry_back_off: BackOff,
}

#[derive(Serialize)]
struct BackOff {
    base_interval: String,
    max_interval: String,
}

/// The bounds Envoy gets for the design's backoff, milliseconds: the base
/// and the cap. An immediate retry gets Envoy's smallest useful wait (1 ms).
pub(crate) fn bounds_ms(r: &Retries) -> (f64, f64) {
    match &r.backoff {
        None => (1.0, 1.0),
        Some(Backoff::Fixed { delay_ms }) => (*delay_ms, *delay_ms),
        Some(Backoff::Exponential { base_ms, max_ms }) => (*base_ms, max_ms.max(*base_ms)),
    }
}

/// The EnvoyFilter that gives the route `route` of the VirtualService for
/// `host:port` the design's backoff; `name` is the filter's name and
/// `node_name` the callee's design name.
pub(crate) fn backoff_filter(
    name: &str,
    node_name: &str,
    host: &str,
    port: u16,
    route: &str,
    r: &Retries,
) -> EnvoyFilter {
    let (base, max) = bounds_ms(r);
    let mut labels = Map::new();
    labels.push(super::kubernetes::NAME_LABEL, host.to_owned());
    let mut annotations = Map::new();
    annotations.push("switchboard/node", node_name.to_owned());
    EnvoyFilter {
        api_version: API_VERSION,
        kind: "EnvoyFilter",
        metadata: Meta { name: name.to_owned(), labels, annotations },
        spec: FilterSpec {
            config_patches: vec![ConfigPatch {
                apply_to: "HTTP_ROUTE",
                matcher: PatchMatch {
                    context: "SIDECAR_OUTBOUND",
                    route_configuration: RouteConfigurationMatch {
                        vhost: VirtualHostMatch {
                            name: format!("{host}.{ASSUMED_NAMESPACE}.svc.cluster.local:{port}"),
                            route: RouteMatch { name: route.to_owned() },
                        },
                    },
                },
                patch: Patch {
                    operation: "MERGE",
                    value: PatchValue {
                        route: RouteValue {
                            retry_policy: RetryPolicyValue {
                                retry_back_off: BackOff {
                                    base_interval: duration_ms(base),
                                    max_interval: duration_ms(max),
                                },
                            },
                        },
                    },
                },
            }],
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RetryOn;

    #[test]
    fn bounds_follow_the_design() {
        let mut r =
            Retries { max_attempts: 3, retry_on: vec![RetryOn::Error], backoff: None, jitter: 0.0, budget_ratio: None };
        assert_eq!(bounds_ms(&r), (1.0, 1.0));
        r.backoff = Some(Backoff::Exponential { base_ms: 20.0, max_ms: 200.0 });
        assert_eq!(bounds_ms(&r), (20.0, 200.0));
        r.backoff = Some(Backoff::Fixed { delay_ms: 50.0 });
        assert_eq!(bounds_ms(&r), (50.0, 50.0));
    }
}
