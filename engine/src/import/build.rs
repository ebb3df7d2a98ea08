//! Building a design while importing: nodes recognised from their images,
//! deduplicated edges whose kind follows the target (a broker is published
//! to, anything else is called), and entry points fed by a client.

use std::collections::BTreeSet;

use crate::Design;
use crate::export::infra;
use crate::model::{Arrival, ArrivalProcess, Edge, EdgeKind, Node, NodeKind, RateProfile, Workload};

/// Requests per second of the workload an import adds at its entry points;
/// the source files say nothing about traffic.
pub(super) const PLACEHOLDER_RATE_PER_S: f64 = 10.0;

/// Images of infrastructure the exporters do not deploy themselves but whose
/// kind is clear.
const OTHER_IMAGES: &[(&str, NodeKind)] = &[
    ("traefik", NodeKind::Gateway),
    ("kong", NodeKind::Gateway),
    ("haproxy", NodeKind::Gateway),
    ("caddy", NodeKind::Gateway),
    ("elasticsearch", NodeKind::Database),
    ("docker.elastic.co/elasticsearch/elasticsearch", NodeKind::Database),
    ("cassandra", NodeKind::Database),
    ("couchdb", NodeKind::Database),
    ("influxdb", NodeKind::Database),
    ("clickhouse/clickhouse-server", NodeKind::Database),
    ("neo4j", NodeKind::Database),
    ("eclipse-mosquitto", NodeKind::Broker),
    ("apachepulsar/pulsar", NodeKind::Broker),
];

/// A node for a workload running `image`.
pub(super) fn node_for_image(id: &str, image: Option<&str>) -> Node {
    let known = image.and_then(infra::by_image);
    let other = image.and_then(|i| {
        let repo = infra::image_repository(i);
        OTHER_IMAGES.iter().find(|(r, _)| *r == repo).map(|(_, k)| *k)
    });
    let kind = known.map(|i| i.kind).or(other).unwrap_or(NodeKind::Service);
    let mut node = Node::new(id, id, kind);
    node.preset = known.map(|i| i.key.to_owned());
    node.deployment.image = image.map(str::to_owned);
    node
}

/// A design under construction.
pub(super) struct Builder {
    pub design: Design,
    pub notes: Vec<String>,
    edges: BTreeSet<(String, String)>,
}

impl Builder {
    pub(super) fn new(name: &str) -> Self {
        let design = Design { name: name.to_owned(), ..Design::default() };
        Self { design, notes: Vec::new(), edges: BTreeSet::new() }
    }

    pub(super) fn note(&mut self, message: impl Into<String>) {
        self.notes.push(message.into());
    }

    /// A connection from `from` to `to` (both node ids); duplicates and
    /// self-loops are ignored. Returns the edge's index when one was added.
    pub(super) fn connect(&mut self, from: &str, to: &str) -> Option<usize> {
        if from == to || !self.edges.insert((from.to_owned(), to.to_owned())) {
            return None;
        }
        let target_kind = self.design.node(to).map(|n| n.kind);
        let kind = if target_kind == Some(NodeKind::Broker) { EdgeKind::Event } else { EdgeKind::Call };
        let id = format!("e{}", self.design.edges.len() + 1);
        let mut edge = Edge::new(id, from, to, kind);
        // Steps run in the order they were found in the file.
        edge.order = u32::try_from(self.design.edges.iter().filter(|e| e.from == from).count()).unwrap_or(u32::MAX);
        self.design.edges.push(edge);
        Some(self.design.edges.len() - 1)
    }

    /// Feed the entry points from one client node with a placeholder workload each.
    pub(super) fn add_entries(&mut self, entries: &[String]) {
        if entries.is_empty() {
            self.note("no entry point found (published ports, LoadBalancer Services, entrypoints): add a client and a workload");
            return;
        }
        let mut client_id = "clients".to_owned();
        let mut n = 2;
        while self.design.node(&client_id).is_some() {
            client_id = format!("clients-{n}");
            n += 1;
        }
        let mut client = Node::new(client_id.clone(), client_id.clone(), NodeKind::Client);
        client.service_time = crate::model::Distribution::Constant { value_ms: 0.0 };
        self.design.nodes.insert(0, client);
        for entry in entries {
            let Some(e) = self.connect(&client_id, entry) else { continue };
            if entries.len() > 1
                && let Some(edge) = self.design.edges.get_mut(e)
            {
                // Each request enters at one of the entry points, evenly.
                edge.branch = Some(crate::model::Branch { group: "entry".to_owned(), weight: 1.0 });
            }
        }
        self.design.workloads.push(Workload {
            name: "imported traffic".to_owned(),
            entry: client_id.clone(),
            operation: None,
            arrival: Arrival::Open {
                process: ArrivalProcess::Poisson,
                rate_per_s: PLACEHOLDER_RATE_PER_S,
                profile: RateProfile::Constant,
            },
        });
        self.note(format!(
            "traffic is a placeholder: {PLACEHOLDER_RATE_PER_S} requests/s from `{client_id}` into {}",
            entries.join(", ")
        ));
    }
}
