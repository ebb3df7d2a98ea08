//! NetworkPolicies: a workload admits exactly the callers the design draws
//! and reaches exactly its dependencies, plus DNS. With a mesh, the sidecar
//! must also reach its control plane (istiod's xDS and certificate port
//! 15012) and be reached on its own ports (probes rewritten to 15020, the
//! sidecar's readiness 15021, its metrics 15090), or no pod becomes Ready.

use super::super::Mesh;
use super::super::map::Map;
use super::super::plan::Plan;
use super::objects::{EgressRule, IngressRule, NetworkPolicySpec, Peer, PolicyPort, Selector};
use super::{selector, tcp};

/// The label Kubernetes gives every namespace with its own name.
const NAMESPACE_LABEL: &str = "kubernetes.io/metadata.name";
/// Where istiod runs in a default Istio installation.
pub(super) const ISTIO_NAMESPACE: &str = "istio-system";
/// istiod's port for configuration (xDS) and certificates.
pub(super) const ISTIOD_XDS_PORT: u16 = 15012;
/// The sidecar's own inbound ports: rewritten application probes and merged
/// metrics (15020), its readiness (15021), Envoy's metrics (15090).
pub(super) const SIDECAR_PORTS: [u16; 3] = [15020, 15021, 15090];

/// The policy of one workload: ingress from its callers (and from anywhere
/// on its port when it is an entry point), egress to its dependencies and DNS.
pub(super) fn network_policy(
    plan: &Plan<'_>,
    index: usize,
    peer_ports: &[u16],
    mesh: Option<Mesh>,
) -> NetworkPolicySpec {
    let Some(unit) = plan.units.get(index) else {
        return NetworkPolicySpec {
            pod_selector: selector(""),
            policy_types: ["Ingress", "Egress"],
            ingress: Vec::new(),
            egress: Vec::new(),
        };
    };
    let mut ingress = Vec::new();
    let mut egress_peers = Vec::new();
    let callers = plan.callers(index);
    if !callers.is_empty() {
        let from = callers
            .iter()
            .filter_map(|&c| plan.units.get(c))
            .map(|c| Peer { namespace_selector: None, pod_selector: selector(&c.name) })
            .collect();
        ingress.push(IngressRule { from, ports: vec![tcp(unit.port)] });
    }
    if !peer_ports.is_empty() {
        // Members of one cluster replicate and vote among themselves.
        let me = || vec![Peer { namespace_selector: None, pod_selector: selector(&unit.name) }];
        let ports = || peer_ports.iter().map(|&p| tcp(p)).collect::<Vec<_>>();
        ingress.push(IngressRule { from: me(), ports: ports() });
        egress_peers.push(EgressRule { to: me(), ports: ports() });
    }
    if unit.entry {
        // Traffic from outside the design: any source, this port only.
        ingress.push(IngressRule { from: Vec::new(), ports: vec![tcp(unit.port)] });
    }
    let mut egress: Vec<EgressRule> = egress_peers;
    egress.extend(unit.deps.iter().filter_map(|&d| plan.units.get(d)).map(|d| EgressRule {
        to: vec![Peer { namespace_selector: None, pod_selector: selector(&d.name) }],
        ports: vec![tcp(d.port)],
    }));
    let mut dns_pods = Map::new();
    dns_pods.push("k8s-app", "kube-dns".to_owned());
    egress.push(EgressRule {
        to: vec![Peer {
            namespace_selector: Some(Selector { match_labels: Map::new() }),
            pod_selector: Selector { match_labels: dns_pods },
        }],
        ports: vec![PolicyPort { protocol: "UDP", port: 53 }, tcp(53)],
    });
    if mesh == Some(Mesh::Istio) {
        let mut namespace = Map::new();
        namespace.push(NAMESPACE_LABEL, ISTIO_NAMESPACE.to_owned());
        let mut istiod = Map::new();
        istiod.push("app", "istiod".to_owned());
        egress.push(EgressRule {
            to: vec![Peer {
                namespace_selector: Some(Selector { match_labels: namespace }),
                pod_selector: Selector { match_labels: istiod },
            }],
            ports: vec![tcp(ISTIOD_XDS_PORT)],
        });
        // The kubelet and the metrics scraper come from outside the design.
        ingress.push(IngressRule { from: Vec::new(), ports: SIDECAR_PORTS.iter().map(|&p| tcp(p)).collect() });
    }
    NetworkPolicySpec { pod_selector: selector(&unit.name), policy_types: ["Ingress", "Egress"], ingress, egress }
}
