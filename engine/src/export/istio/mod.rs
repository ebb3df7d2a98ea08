//! Istio: the simulated call policies become the deployed ones. Per called
//! HTTP workload a VirtualService carries timeouts and retries (one route per
//! distinct caller policy, matched by the caller's `app` label through
//! `sourceLabels`); per workload a DestinationRule carries the load-balancing
//! algorithm, the connection pool (from bulkheads) and outlier detection
//! (from the node's ejection settings). What Istio cannot express is listed.
//!
//! The mesh discovers instances itself, so registries are not deployed; a
//! discovered service without ejection settings of its own gets outlier
//! detection on connection failures that follows the registry's health check.

mod objects;

use std::collections::BTreeMap;

use objects::{
    ConnectionPool, Destination, DestinationRuleSpec, HttpPool, HttpRoute, LoadBalancerSettings, Manifest,
    OutlierDetection, PortSelector, Retries, RetryBudget, RouteDestination, RouteMatch, TcpPool, TrafficPolicy,
    VirtualServiceSpec,
};
pub(super) use objects::{Meta, Resource};

use super::discovery;
use super::kubernetes::{APP_LABEL, NAME_LABEL};
use super::map::Map;
use super::plan::Plan;
use super::{ExportError, ExportFormat, Note, NoteKind};
use crate::Design;
use crate::message::Message;
use crate::model::{
    Backoff, CallPolicy, Discovery, DiscoveryMode, Edge, EdgeKind, LoadBalancer, Retries as RetryPolicy, RetryOn,
};
use crate::msg;

const API_VERSION: &str = "networking.istio.io/v1beta1";

/// Milliseconds as a protobuf duration in seconds (`0.25s`), at least 1 ms.
pub(crate) fn duration_ms(ms: f64) -> String {
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped, rounded milliseconds")]
    let ms = ms.round().clamp(1.0, 1.0e12) as u64;
    if ms.is_multiple_of(1000) {
        format!("{}s", ms / 1000)
    } else {
        let s = format!("{}.{:03}", ms / 1000, ms % 1000);
        format!("{}s", s.trim_end_matches('0'))
    }
}

/// The narrowest Envoy retry conditions for the failures the design retries,
/// and what they retry beyond the design (said in the report). A number in
/// `retryOn` is a retriable status code (Istio moves it to
/// `retriableStatusCodes`), so error answers need not bring in `5xx`, which
/// also retries gateway errors, resets and per-try timeouts.
fn retry_on(kinds: &[RetryOn]) -> (String, Vec<Message>) {
    let mut on: Vec<&str> = Vec::new();
    let mut extra: Vec<Message> = Vec::new();
    for k in kinds {
        let (add, differs): (&[&str], Message) = match k {
            // An error answer (500), or a refused connection, which the
            // simulator counts as an error too.
            RetryOn::Error => (
                &["500", "connect-failure"],
                msg!(
                    "engine-export-istio-retry-on-error",
                    "errors are retried on a 500 answer or a refused connection (other 5xx answers are not)"
                ),
            ),
            // Envoy retries a per-try timeout only under `reset`, `5xx` or
            // `gateway-error`; `reset` is the narrowest of them.
            RetryOn::Timeout => (
                &["reset"],
                msg!(
                    "engine-export-istio-retry-on-timeout",
                    "timeouts are retried under Envoy's `reset`, which also retries a connection the callee resets \
                     or drops"
                ),
            ),
            // A full queue or a rate limiter answers 503 or 429.
            RetryOn::Rejected => (
                &["503", "429"],
                msg!(
                    "engine-export-istio-retry-on-rejected",
                    "rejections are retried on 503 and 429, and a 503 also comes from the callee's sidecar when it \
                     cannot reach the application"
                ),
            ),
        };
        for a in add {
            if !on.contains(a) {
                on.push(a);
            }
        }
        if !extra.contains(&differs) {
            extra.push(differs);
        }
    }
    (on.join(","), extra)
}

/// How Envoy's backoff differs from the design's, with the EnvoyFilter
/// that sets it.
fn backoff_difference(r: &RetryPolicy) -> Message {
    let (base, max) = super::envoy_filter::bounds_ms(r);
    let waits = match &r.backoff {
        None => msg!(
            "engine-export-istio-backoff-none",
            "the design retries at once; the filter sets Envoy's smallest wait (1 ms) instead of its 25 ms default"
        ),
        Some(Backoff::Fixed { delay_ms }) => {
            msg!("engine-export-istio-backoff-fixed", "the design waits {delay_ms} ms", delay_ms = delay_ms)
        }
        Some(Backoff::Exponential { base_ms, max_ms }) => msg!(
            "engine-export-istio-backoff-exponential",
            "the design waits {base_ms} ms × 2^(retry−1), at most {max_ms} ms",
            base_ms = base_ms,
            max_ms = max_ms
        ),
    };
    let design = if r.jitter > 0.0 {
        msg!(
            "engine-export-istio-backoff-jitter",
            "{waits} with {percent}% jitter",
            waits = waits.clone(),
            percent = r.jitter * 100.0
        )
        .with_list("waits", vec![waits], " ")
    } else {
        waits
    };
    msg!(
        "engine-export-istio-backoff",
        "retry backoff: {design}; the VirtualService has no backoff field, so an EnvoyFilter sets the route's \
         retry_back_off (base {base}, max {max}), and Envoy waits a random time up to min(base × 2^(retry−1), max) \
         (full jitter)",
        design = design.clone(),
        base = duration_ms(base),
        max = duration_ms(max)
    )
    .with_list("design", vec![design], " ")
}

fn meta(name: &str, node_name: &str) -> Meta {
    let mut labels = Map::new();
    labels.push(NAME_LABEL, name.to_owned());
    let mut annotations = Map::new();
    annotations.push("switchboard/node", node_name.to_owned());
    Meta { name: name.to_owned(), labels, annotations }
}

/// The retries and timeout of one route for a policy (`None` = no policy).
fn route_policy(policy: Option<&CallPolicy>, subject: &str, notes: &mut Vec<Note>) -> (Option<String>, Retries) {
    let Some(p) = policy else {
        return (None, Retries { attempts: 0, per_try_timeout: None, retry_on: None });
    };
    let timeout = p.timeout_ms.map(duration_ms);
    let retries = if let Some(r) = &p.retries {
        notes.push(Note::new(NoteKind::Approximated, subject, backoff_difference(r)));
        let (on, differences) = retry_on(&r.retry_on);
        if r.max_attempts > 1 {
            let list = crate::message::list(differences, "; ");
            notes.push(Note::new(
                NoteKind::Approximated,
                subject,
                msg!(
                    "engine-export-istio-retry-on",
                    "retryOn `{on}`: {differences}",
                    on = &on,
                    differences = list.clone()
                )
                .with_list("differences", vec![list], " "),
            ));
        }
        Retries {
            attempts: r.max_attempts.saturating_sub(1),
            per_try_timeout: p.per_try_timeout_ms.map(duration_ms),
            retry_on: (!on.is_empty()).then_some(on),
        }
    } else {
        if p.per_try_timeout_ms.is_some() {
            notes.push(Note::new(
                NoteKind::Unsupported,
                subject,
                msg!(
                    "engine-export-istio-per-try-alone",
                    "a per-try timeout without retries is the overall timeout in Istio; only `timeout` is set"
                ),
            ));
        }
        Retries { attempts: 0, per_try_timeout: None, retry_on: None }
    };
    if p.circuit_breaker.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            subject,
            msg!(
                "engine-export-istio-breaker",
                "caller-side circuit breaker: Istio only ejects single replicas of the callee (outlier detection); \
                 the breaker as modelled is not generated"
            ),
        ));
    }
    if p.fallback.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            subject,
            msg!("engine-export-istio-fallback", "fallback: the caller's code must provide it"),
        ));
    }
    (timeout, retries)
}

/// The Istio export, in phases: per workload the calls into it, its
/// VirtualService (HTTP callees) and DestinationRule (listening ones), then
/// the export's notes and the backoff filters after every other object.
pub(super) fn export(design: &Design) -> Result<super::Output, ExportError> {
    let plan = Plan::build_platform(design);
    if plan.units.is_empty() {
        return Err(ExportError::Empty {
            format: ExportFormat::Istio,
            reason: "the design has no deployable node (clients and receivers are not deployed)".into(),
        });
    }
    let mut notes: Vec<Note> = plan
        .dropped_registries
        .iter()
        .map(|r| {
            discovery::registry_replaced(
                &r.name,
                msg!(
                    "engine-export-istio-replaced-by",
                    "the mesh's own discovery (istiod pushes the endpoints to the sidecars)"
                ),
            )
        })
        .collect();
    let mut manifests = Vec::new();
    // Backoff filters go after every VirtualService and DestinationRule.
    let mut filters = Vec::new();
    let mut disabled_default_retries = false;
    // Client-side callers address the Kubernetes export's headless Service:
    // the VirtualService must name it too, or their calls escape its policies.
    let headless = super::kubernetes::headless_names(&plan);
    let calls_into = calls_into(design, &plan);
    for (index, unit) in plan.units.iter().enumerate() {
        let edges = calls_into.get(index).map_or(&[][..], Vec::as_slice);
        let inbound = Inbound::of(&plan, index, edges, &mut notes);
        if inbound.by_caller.is_empty() {
            // Nobody calls it (entry points, brokers): only the DestinationRule below.
        } else if !unit.is_http() {
            if inbound.by_caller.iter().any(|(_, p)| p.is_some()) {
                notes.push(Note::new(
                    NoteKind::Unsupported,
                    &unit.node.name,
                    msg!(
                        "engine-export-istio-tcp",
                        "calls to it are TCP: Istio applies timeouts and retries to HTTP only"
                    ),
                ));
            }
        } else {
            let routes = Routes { plan: &plan, unit, headless: headless.get(index).cloned().flatten() };
            manifests.push(routes.virtual_service(&inbound, &mut filters, &mut disabled_default_retries, &mut notes));
        }
        // A worker with no port has no Service for a rule to name.
        if unit.listens {
            manifests.push(destination_rule(unit, &inbound, &mut notes));
        }
    }
    closing_notes(disabled_default_retries, !filters.is_empty(), &mut notes);
    manifests.append(&mut filters);
    let text = super::yaml_multi(ExportFormat::Istio, &manifests)?;
    Ok((vec![(ExportFormat::Istio.file_name().to_owned(), text)], notes))
}

/// The call edges into each workload (by unit index) in design order, from
/// one pass over the edges: looking them up per workload made the export
/// quadratic in the design's size.
fn calls_into<'d>(design: &'d Design, plan: &Plan<'_>) -> Vec<Vec<&'d Edge>> {
    let mut into: Vec<Vec<&Edge>> = vec![Vec::new(); plan.units.len()];
    for edge in design.edges.iter().filter(|e| e.kind == EdgeKind::Call) {
        if let Some(edges) = plan.owner_of(&edge.to).and_then(|callee| into.get_mut(callee)) {
            edges.push(edge);
        }
    }
    into
}

/// The calls into one workload: each calling workload's policy (its first
/// edge's), and the bulkheads and retry budgets they carry.
struct Inbound<'d> {
    by_caller: Vec<(usize, Option<&'d CallPolicy>)>,
    bulkheads: Vec<u32>,
    budgets: Vec<f64>,
}

impl<'d> Inbound<'d> {
    /// `edges`: the call edges into workload `index` ([`calls_into`]).
    fn of(plan: &Plan<'_>, index: usize, edges: &[&'d Edge], notes: &mut Vec<Note>) -> Self {
        let mut inbound = Self { by_caller: Vec::new(), bulkheads: Vec::new(), budgets: Vec::new() };
        // Caller → its place in `by_caller`, so a hub called by thousands stays linear.
        let mut seen: BTreeMap<usize, usize> = BTreeMap::new();
        for &edge in edges {
            let Some(caller) = plan.owner_of(&edge.from) else { continue };
            if plan.owner_of(&edge.to) != Some(index) || caller == index {
                continue;
            }
            let policy = edge.policy.as_ref().filter(|p| !p.is_empty());
            if let Some(b) = policy.and_then(|p| p.bulkhead.as_ref()) {
                inbound.bulkheads.push(b.max_concurrent);
            }
            if let Some(ratio) =
                policy.and_then(|p| p.retries.as_ref()).filter(|r| r.max_attempts > 1).and_then(|r| r.budget_ratio)
            {
                inbound.budgets.push(ratio);
            }
            match seen.get(&caller).and_then(|&at| inbound.by_caller.get(at)) {
                Some((_, first)) if *first != policy => notes.push(Note::new(
                    NoteKind::Approximated,
                    plan.edge_subject(&edge.from, &edge.to),
                    msg!(
                        "engine-export-istio-second-policy",
                        "this caller calls the same service with another policy: Istio matches callers, not \
                         operations, so the caller's first policy applies"
                    ),
                )),
                Some(_) => {}
                None => {
                    seen.insert(caller, inbound.by_caller.len());
                    inbound.by_caller.push((caller, policy));
                }
            }
        }
        inbound
    }
}

/// The VirtualService of one HTTP workload: a route per policy its callers
/// use (matched by the callers' labels when they differ).
struct Routes<'a, 'd> {
    plan: &'a Plan<'d>,
    unit: &'a super::plan::Unit<'d>,
    /// The headless Service its client-side callers address.
    headless: Option<String>,
}

impl Routes<'_, '_> {
    fn virtual_service(
        &self,
        inbound: &Inbound<'_>,
        filters: &mut Vec<Manifest>,
        disabled_default_retries: &mut bool,
        notes: &mut Vec<Note>,
    ) -> Manifest {
        let (plan, unit) = (self.plan, self.unit);
        let mut groups: Vec<(Option<&CallPolicy>, Vec<usize>)> = Vec::new();
        for &(caller, policy) in &inbound.by_caller {
            match groups.iter_mut().find(|(p, _)| *p == policy) {
                Some((_, callers)) => callers.push(caller),
                None => groups.push((policy, vec![caller])),
            }
        }
        let destination = || RouteDestination {
            destination: Destination { host: unit.name.clone(), port: PortSelector { number: unit.port } },
        };
        let mut http = Vec::new();
        let single = groups.len() == 1;
        for (policy, callers) in &groups {
            let subject = callers
                .iter()
                .filter_map(|&c| plan.units.get(c))
                .map(|c| format!("{} → {}", c.node.name, unit.node.name))
                .collect::<Vec<_>>()
                .join(", ");
            let (timeout, retries) = route_policy(*policy, &subject, notes);
            *disabled_default_retries |= policy.is_none_or(|p| p.retries.is_none());
            let matches = if single {
                Vec::new()
            } else {
                callers
                    .iter()
                    .filter_map(|&c| plan.units.get(c))
                    .map(|c| {
                        let mut source_labels = Map::new();
                        source_labels.push(APP_LABEL, c.name.clone());
                        RouteMatch { source_labels }
                    })
                    .collect()
            };
            let name = if single {
                "default".to_owned()
            } else {
                let first = callers.first().and_then(|&c| plan.units.get(c)).map_or("", |c| c.name.as_str());
                format!("from-{first}")
            };
            if let Some(r) = policy.and_then(|p| p.retries.as_ref()).filter(|r| r.max_attempts > 1) {
                filters.push(Manifest::EnvoyFilter(super::envoy_filter::backoff_filter(
                    &format!("{}-{name}-backoff", unit.name),
                    &unit.node.name,
                    &unit.name,
                    unit.port,
                    &name,
                    r,
                )));
            }
            http.push(HttpRoute { name, matches, route: vec![destination()], timeout, retries: Some(retries) });
        }
        if !single {
            // Callers the design does not draw keep Istio's defaults.
            http.push(HttpRoute {
                name: "default".into(),
                matches: Vec::new(),
                route: vec![destination()],
                timeout: None,
                retries: None,
            });
        }
        let mut hosts = vec![unit.name.clone()];
        if let Some(h) = self.headless.clone() {
            notes.push(Note::new(
                NoteKind::Mapped,
                &unit.node.name,
                msg!(
                    "engine-export-istio-headless",
                    "its callers address the headless Service `{h}`: the VirtualService names it too, so their \
                     calls keep the timeouts and retries",
                    h = h.clone()
                ),
            ));
            hosts.push(h);
        }
        Manifest::VirtualService(Resource {
            api_version: API_VERSION,
            kind: "VirtualService",
            metadata: meta(&unit.name, &unit.node.name),
            spec: VirtualServiceSpec { hosts, http },
        })
    }
}

/// The DestinationRule of one listening workload: load balancer, the
/// callers' bulkheads as its connection pool, their retry budget, outlier
/// detection; and the notes on what the mesh does instead of the design.
fn destination_rule(unit: &super::plan::Unit<'_>, inbound: &Inbound<'_>, notes: &mut Vec<Note>) -> Manifest {
    let node = unit.node;
    let simple = match node.capacity.load_balancer {
        LoadBalancer::RoundRobin => "ROUND_ROBIN",
        LoadBalancer::Random => "RANDOM",
        LoadBalancer::PowerOfTwo => "LEAST_REQUEST",
        LoadBalancer::LeastOutstanding => {
            notes.push(Note::new(
                NoteKind::Approximated,
                &node.name,
                msg!(
                    "engine-export-istio-least-outstanding",
                    "least outstanding requests: Envoy's LEAST_REQUEST compares two random replicas, not all"
                ),
            ));
            "LEAST_REQUEST"
        }
    };
    let bulkheads = &inbound.bulkheads;
    let connection_pool = bulkheads.iter().min().map(|&max| {
        let all_equal = bulkheads.iter().all(|&b| b == max) && bulkheads.len() == inbound.by_caller.len();
        notes.push(Note::new(
            if all_equal { NoteKind::Mapped } else { NoteKind::Approximated },
            &node.name,
            if all_equal {
                msg!(
                    "engine-export-istio-bulkhead",
                    "bulkhead of {max} concurrent calls becomes the connection pool, enforced per calling pod",
                    max = max
                )
            } else {
                msg!(
                    "engine-export-istio-bulkheads-differ",
                    "callers' bulkheads differ or only some callers have one: the smallest ({max}) limits every \
                     caller, per calling pod",
                    max = max
                )
            },
        ));
        ConnectionPool {
            tcp: TcpPool { max_connections: max.max(1) },
            http: HttpPool { http1_max_pending_requests: 1, http2_max_requests: max.max(1) },
        }
    });
    let retry_budget =
        if unit.is_http() { retry_budget(&node.name, &inbound.budgets, inbound.by_caller.len(), notes) } else { None };
    let outlier_detection = node.policies.outlier_ejection.as_ref().map(|o| {
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "clamped percent")]
        let percent = o.max_ejection_percent.round().clamp(0.0, 100.0) as u32;
        OutlierDetection {
            consecutive5xx_errors: o.consecutive_errors,
            consecutive_gateway_errors: None,
            interval: duration_ms(o.interval_s * 1000.0),
            base_ejection_time: duration_ms(o.base_ejection_s * 1000.0),
            max_ejection_percent: percent,
        }
    });
    let outlier_detection = match (&node.discovery, outlier_detection) {
        (Some(d), None) => Some(discovery_outlier_detection(&node.name, d, notes)),
        (Some(_), Some(o)) => {
            notes.push(Note::new(
                NoteKind::Mapped,
                &node.name,
                msg!(
                    "engine-export-istio-ejection-kept",
                    "the design's outlier ejection is kept; the registry's health check is the readiness probe of \
                     the Kubernetes export"
                ),
            ));
            Some(o)
        }
        (None, o) => o,
    };
    if node.discovery.as_ref().is_some_and(|d| d.mode == DiscoveryMode::ClientSide) {
        notes.push(Note::new(
            NoteKind::Mapped,
            &node.name,
            msg!(
                "engine-export-istio-client-side",
                "client-side lookups are done by the callers' sidecars, which get the Service's endpoints from \
                 istiod and balance over them: the application looks nothing up"
            ),
        ));
    }
    if node.policies.rate_limit.is_some() {
        notes.push(Note::new(
            NoteKind::Unsupported,
            &node.name,
            msg!(
                "engine-export-istio-rate-limit",
                "ingress rate limit: needs an EnvoyFilter with Envoy's local rate limit, not generated"
            ),
        ));
    }
    if node.policies.autoscaling.is_some() {
        notes.push(Note::new(
            NoteKind::Mapped,
            &node.name,
            msg!("engine-export-istio-autoscaling", "autoscaling: in the Kubernetes export (HPA)"),
        ));
    }
    Manifest::DestinationRule(Resource {
        api_version: API_VERSION,
        kind: "DestinationRule",
        metadata: meta(&unit.name, &node.name),
        spec: DestinationRuleSpec {
            host: unit.name.clone(),
            traffic_policy: TrafficPolicy {
                load_balancer: LoadBalancerSettings { simple },
                connection_pool,
                outlier_detection,
                retry_budget,
            },
        },
    })
}

/// Notes of the whole export: Istio's default retries, how to apply it, the
/// namespace the backoff filters assume.
fn closing_notes(disabled_default_retries: bool, has_filters: bool, notes: &mut Vec<Note>) {
    if disabled_default_retries {
        notes.push(Note::new(
            NoteKind::Mapped,
            "design",
            msg!(
                "engine-export-istio-no-retries",
                "calls without retries get `attempts: 0`: Istio would otherwise retry twice by default"
            ),
        ));
    }
    notes.push(Note::new(
        NoteKind::Mapped,
        "design",
        msg!(
            "engine-export-istio-apply-with",
            "apply together with the Kubernetes export made with `--mesh istio` (its NetworkPolicies then admit istiod \
             and the sidecars' ports): hosts are its Service names, sourceLabels its `app` labels"
        ),
    ));
    if has_filters {
        notes.push(Note::new(
            NoteKind::Placeholder,
            "design",
            msg!(
                "engine-export-istio-filter-namespace",
                "the backoff EnvoyFilters name hosts in the namespace `{namespace}` \
                 (HOST.{namespace}.svc.cluster.local:PORT): change it where the workloads run elsewhere",
                namespace = super::envoy_filter::ASSUMED_NAMESPACE
            ),
        ));
    }
}

/// The callers' retry budgets as the callee's `retryBudget`: Envoy keeps one
/// budget per cluster, so the smallest of the callers' ratios applies to all.
/// The design's budget is a share of calls over time (a token per call);
/// Envoy's is a share of the requests in flight, so the two agree when
/// retries take about as long as first tries.
fn retry_budget(node_name: &str, budgets: &[f64], callers: usize, notes: &mut Vec<Note>) -> Option<RetryBudget> {
    let smallest = budgets.iter().copied().reduce(f64::min)?;
    // Rounded to a millionth of a percent, so that 0.07 reads 7, not 7.000000000000001.
    let percent = (smallest * 100.0 * 1e6).round() / 1e6;
    let same = budgets.len() == callers && budgets.iter().all(|&b| b == smallest);
    let field = format!("{{percent: {percent}, minRetryConcurrency: 1}}");
    let message = if same {
        msg!(
            "engine-export-istio-retry-budget",
            "retry budget of {percent}% of calls becomes trafficPolicy.retryBudget {field}: Envoy lets retries in \
             flight be at most {percent}% of the requests in flight and pending (at least one), not {percent}% of the \
             calls over time; an Istio whose DestinationRule has no retryBudget rejects the rule (remove the field \
             there)",
            percent = percent,
            field = field
        )
    } else {
        msg!(
            "engine-export-istio-retry-budgets-differ",
            "callers' retry budgets differ or only some callers have one: the smallest ({percent}%) limits every \
             caller; retry budget of {percent}% of calls becomes trafficPolicy.retryBudget {field}: Envoy lets \
             retries in flight be at most {percent}% of the requests in flight and pending (at least one), not \
             {percent}% of the calls over time; an Istio whose DestinationRule has no retryBudget rejects the rule \
             (remove the field there)",
            percent = percent,
            field = field
        )
    };
    notes.push(Note::new(NoteKind::Approximated, node_name, message));
    Some(RetryBudget { percent, min_retry_concurrency: 1 })
}

/// Outlier detection standing in for the registry's health check: an
/// instance that refuses `failures_before_removal` connections in a row is
/// ejected for one check interval, as many instances as fail (the registry
/// removes every one). Application 5xx answers do not count, as they do not
/// fail a registry's check.
fn discovery_outlier_detection(subject: &str, d: &Discovery, notes: &mut Vec<Note>) -> OutlierDetection {
    let failures = d.health_check.failures_before_removal.max(1);
    let interval = duration_ms(d.health_check.interval_s * 1000.0);
    notes.push(Note::new(
        NoteKind::Approximated,
        subject,
        msg!(
            "engine-export-istio-health-check",
            "the registry's health check (every {interval_s} s, removed after {failures} failed checks) becomes \
             outlier detection on connection failures (consecutiveGatewayErrors {failures}, interval {interval}, \
             ejected for {interval}): the sidecar counts failed calls instead of probing",
            interval_s = d.health_check.interval_s,
            failures = failures,
            interval = interval.clone()
        ),
    ));
    OutlierDetection {
        consecutive5xx_errors: 0,
        consecutive_gateway_errors: Some(failures),
        interval: interval.clone(),
        base_ejection_time: interval,
        max_ejection_percent: 100,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_are_protobuf_seconds() {
        assert_eq!(duration_ms(500.0), "0.5s");
        assert_eq!(duration_ms(2000.0), "2s");
        assert_eq!(duration_ms(1234.0), "1.234s");
        assert_eq!(duration_ms(0.2), "0.001s");
    }

    #[test]
    fn retry_conditions_are_the_narrowest_envoy_has() {
        // `5xx` and `gateway-error` would also retry 502/503/504 answers.
        assert_eq!(retry_on(&[RetryOn::Error]).0, "500,connect-failure");
        assert_eq!(retry_on(&[RetryOn::Timeout]).0, "reset");
        assert_eq!(retry_on(&[RetryOn::Error, RetryOn::Timeout]).0, "500,connect-failure,reset");
        assert_eq!(retry_on(&[RetryOn::Rejected]).0, "503,429");
        assert_eq!(retry_on(&[RetryOn::Timeout, RetryOn::Rejected]).1.len(), 2, "each difference is reported");
    }

    #[test]
    fn backoff_differences_are_reported() {
        let mut r = RetryPolicy {
            max_attempts: 3,
            retry_on: vec![RetryOn::Error],
            backoff: None,
            jitter: 0.0,
            budget_ratio: None,
        };
        assert!(backoff_difference(&r).contains("retries at once"));
        r.backoff = Some(Backoff::Fixed { delay_ms: 100.0 });
        r.jitter = 0.5;
        let text = backoff_difference(&r);
        assert!(text.contains("waits 100 ms with 50% jitter") && text.contains("base 0.1s, max 0.1s"), "{text}");
    }

    #[test]
    fn the_smallest_retry_budget_applies_and_the_difference_is_reported() {
        let mut notes = Vec::new();
        assert!(retry_budget("db", &[], 2, &mut notes).is_none(), "no budget, no field");
        assert!(notes.is_empty());
        let same = retry_budget("db", &[0.07, 0.07], 2, &mut notes).map(|b| (b.percent, b.min_retry_concurrency));
        assert_eq!(same, Some((7.0, 1)));
        assert!(!notes[0].message.contains("differ"), "{}", notes[0].message);
        let mixed = retry_budget("db", &[0.2, 0.1], 3, &mut notes).map(|b| b.percent);
        assert_eq!(mixed, Some(10.0));
        assert!(
            notes[1].message.contains("the smallest (10%)") && notes[1].message.contains("in flight"),
            "{}",
            notes[1].message
        );
    }
}
