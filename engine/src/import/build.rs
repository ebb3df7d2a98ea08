//! Building a design while importing: nodes whose kind [`super::kinds`]
//! decided (agents and dashboards left out), edges that are calls only when
//! they are calls (a registry is discovery, a broker is published to), and
//! the finishing phases in order: subscriptions, entry points, the
//! placeholder load sized to stay below ρ 0.5, the notes on kinds, and the
//! list of invented values.

use std::collections::{BTreeMap, BTreeSet};

use super::kinds::{self, Role};
use crate::Design;
use crate::message::Message;
use crate::model::{Arrival, ArrivalProcess, Distribution, Edge, EdgeKind, Node, NodeKind, RateProfile, Workload};
use crate::msg;

/// Requests per second of the workload an import adds at its entry points
/// when that keeps every node below [`MAX_PLACEHOLDER_UTILIZATION`]; the
/// source files say nothing about traffic.
pub(super) const PLACEHOLDER_RATE_PER_S: f64 = 10.0;

/// Highest utilization the placeholder load may give a node, so imported
/// designs are stable (and far from saturation) before anyone measures.
pub(super) const MAX_PLACEHOLDER_UTILIZATION: f64 = 0.5;

/// Name of the workload an import adds.
pub(super) const WORKLOAD_NAME: &str = "imported traffic";

/// What a workload's labels declare about its node (our exports write them).
#[derive(Default)]
pub(super) struct Declared {
    /// The node's name.
    pub name: Option<String>,
    /// The node's kind, as in design files (`database`).
    pub kind: Option<String>,
    /// The label the kind came from, for the notes.
    pub kind_label: &'static str,
    /// The node's group.
    pub group: Option<String>,
}

/// A design under construction.
pub(super) struct Builder {
    pub design: Design,
    pub notes: Vec<Message>,
    edges: BTreeSet<(String, String)>,
    /// Node id → (rule that decided its kind).
    rules: BTreeMap<String, Message>,
    /// Workloads left out (agents, dashboards) → what they are.
    aside: BTreeMap<String, &'static str>,
    /// Node id → its environment, for the subscription phase.
    pub envs: BTreeMap<String, Vec<(String, String)>>,
    /// Nodes whose service time the source file gave.
    pub measured: BTreeSet<String>,
    /// Dependencies on registries, kept as discovery rather than calls.
    registry_uses: BTreeSet<(String, String)>,
}

impl Builder {
    pub(super) fn new(name: &str) -> Self {
        let design = Design { name: name.to_owned(), ..Design::default() };
        Self {
            design,
            notes: Vec::new(),
            edges: BTreeSet::new(),
            rules: BTreeMap::new(),
            aside: BTreeMap::new(),
            envs: BTreeMap::new(),
            measured: BTreeSet::new(),
            registry_uses: BTreeSet::new(),
        }
    }

    pub(super) fn note(&mut self, message: Message) {
        self.notes.push(message);
    }

    /// A node for workload `id`, its kind decided from its image, environment
    /// and ports — or from what the file's own labels declare (an export of
    /// ours writes the node's name, kind and group: a declared kind wins over
    /// inference, a declared name and group are kept); `None` (and a note)
    /// for a workload that is not on any request's path. The caller fills it
    /// and pushes it.
    pub(super) fn node_declared(
        &mut self,
        id: &str,
        image: Option<&str>,
        env: &[(String, String)],
        ports: &[u16],
        declared: &Declared,
    ) -> Option<Node> {
        let declared_kind = declared.kind.as_deref().and_then(|k| NodeKind::ALL.into_iter().find(|n| n.as_str() == k));
        let inferred = match declared_kind {
            Some(kind) => kinds::Inferred {
                role: Role::Node { kind, preset: image.and_then(crate::export::infra::by_image).map(|i| i.key) },
                rule: {
                    let label = declared.kind_label;
                    msg!("engine-import-rule-label", "its label `{label}` says so", label = label)
                },
            },
            None => kinds::infer(id, image, env, ports),
        };
        let (kind, preset) = match inferred.role {
            Role::Aside(what) => {
                let rule = inferred.rule;
                let phrase = kinds::aside_phrase(what);
                self.note(
                    msg!(
                        "engine-import-aside",
                        "{id}: a {phrase} ({rule}), left out: it is not on any request's path, so depending on it is not a call",
                        id = id,
                        phrase = phrase.as_str(),
                        rule = rule.as_str(),
                    )
                    .with_list("phrase", vec![phrase], " ")
                    .with_list("rule", vec![rule], " "),
                );
                self.aside.insert(id.to_owned(), what);
                return None;
            }
            Role::Node { kind, preset } => (kind, preset),
        };
        let name = declared
            .name
            .as_deref()
            .filter(|n| !n.trim().is_empty() && !self.design.nodes.iter().any(|o| o.name == *n));
        let mut node = Node::new(id, name.unwrap_or(id), kind);
        node.preset = preset.map(str::to_owned);
        node.group.clone_from(&declared.group);
        node.deployment.image = image.map(str::to_owned);
        self.rules.insert(id.to_owned(), inferred.rule);
        self.envs.insert(id.to_owned(), env.to_vec());
        Some(node)
    }

    /// Whether a workload was left out as an agent or a dashboard.
    pub(super) fn is_aside(&self, id: &str) -> bool {
        self.aside.contains_key(id)
    }

    /// A dependency of `from` on `to` (both node ids). A registry is used for
    /// discovery, not called; a broker is published to; anything else is
    /// called. Duplicates, self-loops and left-out ends are ignored. Returns
    /// the edge's index when one was added.
    pub(super) fn connect(&mut self, from: &str, to: &str) -> Option<usize> {
        if from == to || self.is_aside(from) || self.is_aside(to) {
            return None;
        }
        let target_kind = self.design.node(to).map(|n| n.kind);
        if target_kind == Some(NodeKind::Registry) {
            self.registry_uses.insert((from.to_owned(), to.to_owned()));
            return None;
        }
        if !self.edges.insert((from.to_owned(), to.to_owned())) {
            return None;
        }
        let kind = if target_kind == Some(NodeKind::Broker) { EdgeKind::Event } else { EdgeKind::Call };
        let id = format!("e{}", self.design.edges.len() + 1);
        let mut edge = Edge::new(id, from, to, kind);
        // Steps run in the order they were found in the file.
        edge.order = u32::try_from(self.design.edges.iter().filter(|e| e.from == from).count()).unwrap_or(u32::MAX);
        self.design.edges.push(edge);
        Some(self.design.edges.len() - 1)
    }

    /// The finishing phases, in order. `entries` are the published workloads.
    pub(super) fn finish(mut self, entries: &[String]) -> (Design, Vec<Message>) {
        self.note_registry_uses();
        super::brokers::subscribe(&mut self, entries);
        let entries = self.entries_or_roots(entries);
        self.add_entries(&entries);
        self.note_kinds();
        self.mark_placeholders();
        super::load::size_placeholder_load(&mut self);
        (self.design, self.notes)
    }

    fn note_registry_uses(&mut self) {
        let uses = std::mem::take(&mut self.registry_uses);
        for (from, to) in uses {
            self.note(msg!(
                "engine-import-registry-use",
                "{from} → {to}: a registry, used for discovery, not a per-request call",
                from = from,
                to = to
            ));
        }
    }

    /// The published entry points, or when nothing is published the services
    /// nothing calls (with a note saying so).
    fn entries_or_roots(&mut self, entries: &[String]) -> Vec<String> {
        if !entries.is_empty() {
            return entries.to_vec();
        }
        let reached: BTreeSet<&str> = self.design.edges.iter().map(|e| e.to.as_str()).collect();
        let roots: Vec<String> = self
            .design
            .nodes
            .iter()
            .filter(|n| matches!(n.kind, NodeKind::Service | NodeKind::Gateway) && !reached.contains(n.id.as_str()))
            .map(|n| n.id.clone())
            .collect();
        if !roots.is_empty() {
            let entries = roots.join(", ");
            self.note(msg!("engine-import-entries-roots", "nothing is published (ports, LoadBalancer/NodePort Services, Ingress): the services nothing calls became the entries: {entries}", entries = entries));
        }
        roots
    }

    /// Feed the entry points from one client node with a placeholder workload.
    fn add_entries(&mut self, entries: &[String]) {
        if entries.is_empty() {
            self.note(msg!(
                "engine-import-no-entry",
                "no entry point found (published ports, LoadBalancer Services, entrypoints): add a client and a workload"
            ));
            return;
        }
        let mut client_id = "clients".to_owned();
        let mut n = 2;
        while self.design.node(&client_id).is_some() {
            client_id = format!("clients-{n}");
            n += 1;
        }
        let mut client = Node::new(client_id.clone(), client_id.clone(), NodeKind::Client);
        client.service_time = Distribution::Constant { value_ms: 0.0 };
        self.design.nodes.insert(0, client);
        self.measured.insert(client_id.clone());
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
            name: WORKLOAD_NAME.to_owned(),
            entry: client_id.clone(),
            operation: None,
            arrival: Arrival::Open {
                process: ArrivalProcess::Poisson,
                rate_per_s: PLACEHOLDER_RATE_PER_S,
                profile: RateProfile::Constant,
            },
        });
        let entries = entries.join(", ");
        self.note(msg!(
            "engine-import-entries",
            "entry points (published to the outside): {entries}, fed by `{client_id}`",
            entries = entries,
            client_id = client_id
        ));
    }

    /// One note per kind of infrastructure node saying which rule decided
    /// it, and one for all the services.
    fn note_kinds(&mut self) {
        let mut services: Vec<String> = Vec::new();
        let mut lines: Vec<Message> = Vec::new();
        for n in &self.design.nodes {
            let Some(rule) = self.rules.get(&n.id) else { continue };
            if n.kind == NodeKind::Service && rule.starts_with("no ") {
                services.push(n.id.clone());
            } else {
                lines.push(
                    msg!(
                        "engine-import-kind",
                        "kind: {id} is a {kind} because {rule}",
                        id = &n.id,
                        kind = n.kind.as_str(),
                        rule = rule.as_str(),
                    )
                    .with_list("rule", vec![rule.clone()], " "),
                );
            }
        }
        if !services.is_empty() {
            let ids = services.join(", ");
            lines.push(if services.len() == 1 {
                msg!(
                    "engine-import-kind-service",
                    "kind: {ids} is a service (no infrastructure image, environment or port)",
                    ids = ids
                )
            } else {
                msg!(
                    "engine-import-kind-services",
                    "kind: {ids} are services (no infrastructure image, environment or port)",
                    ids = ids
                )
            });
        }
        self.notes.extend(lines);
    }

    /// List the values the files did not give: service times and the
    /// workload's rate.
    fn mark_placeholders(&mut self) {
        let mut invented: Vec<String> = self
            .design
            .nodes
            .iter()
            .filter(|n| n.kind != NodeKind::Client && !self.measured.contains(&n.id))
            .map(|n| format!("nodes[{}].service_time", n.id))
            .collect();
        if !invented.is_empty() {
            let count = invented.len();
            self.note(msg!("engine-import-placeholder-times", "service times of {count} nodes are placeholders (exponential, mean 10 ms): set measured ones before trusting a run", count = count));
        }
        if self.design.workloads.iter().any(|w| w.name == WORKLOAD_NAME) {
            invented.push(format!("workloads[{WORKLOAD_NAME}].arrival.rate_per_s"));
        }
        self.design.placeholders = invented;
    }
}
