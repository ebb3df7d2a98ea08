//! The deployment plan shared by the Compose, Kubernetes, Istio and AsyncAPI
//! exporters: which nodes become workloads, under which DNS name, running
//! which image on which port, and which other workloads each one connects to.
//!
//! Dependencies follow the network, not the canvas: a call or a publish is a
//! connection from the caller's workload, a subscription is a connection from
//! the consumer to its broker, a signal stays inside one process. Receivers
//! run inside their host, so their edges count as the host's. Infrastructure
//! does not call anyone: an edge out of a cache or a database (the miss path
//! of cache-aside) is the application's work, so it is carried over to the
//! workloads that use that cache.
//!
//! Service registries are planned apart from the dependencies: a service that
//! registers with one, or looks a client-side discovered service up there,
//! talks to it without that being a step of the design. Compose deploys
//! registries; Kubernetes and Istio plan without them ([`Plan::build_platform`])
//! because the platform's own Services and endpoints take their place.

use std::collections::{BTreeMap, BTreeSet};

use super::infra::{self, Infra};
use super::names::{self, NameTable};
use super::{Note, NoteKind};
use crate::Design;
use crate::model::{DiscoveryMode, EdgeKind, Node, NodeKind};
use crate::msg;

/// Port assumed for application services that name none.
pub(crate) const DEFAULT_APP_PORT: u16 = 8080;

/// What runs in a workload's container.
#[derive(Debug)]
pub(crate) enum Runtime {
    /// The design's own application image (or a placeholder).
    App {
        /// Image reference (a clearly named placeholder when the node has none).
        image: String,
    },
    /// A known infrastructure image.
    Infra {
        /// What it is.
        infra: &'static Infra,
        /// Image reference (the node's own, or the default).
        image: String,
    },
}

/// One deployable node.
#[derive(Debug)]
pub(crate) struct Unit<'a> {
    /// The node.
    pub node: &'a Node,
    /// Its DNS name (Compose service, Kubernetes Deployment and Service).
    pub name: String,
    /// What it runs.
    pub runtime: Runtime,
    /// Port it listens on.
    pub port: u16,
    /// Indices of the units it connects to, ascending.
    pub deps: Vec<usize>,
    /// Whether traffic enters the design here (workload entry or client target).
    pub entry: bool,
    /// Whether it listens on `port`: false for an application with no port
    /// of its own that nobody connects to (a consumer or a batch worker),
    /// which gets no Service and no network probe.
    pub listens: bool,
    /// Receivers running inside it.
    pub receivers: Vec<&'a Node>,
    /// The registry unit it registers with (its node's `discovery.registry`).
    pub registry: Option<usize>,
    /// Registry units it looks services up on (the registries of the
    /// client-side discovered services it calls), ascending, its own excluded.
    pub lookups: Vec<usize>,
}

impl Unit<'_> {
    /// The infrastructure it runs, if any.
    pub(crate) fn infra(&self) -> Option<&'static Infra> {
        match self.runtime {
            Runtime::Infra { infra, .. } => Some(infra),
            Runtime::App { .. } => None,
        }
    }

    /// The image it runs.
    pub(crate) fn image(&self) -> &str {
        match &self.runtime {
            Runtime::App { image, .. } | Runtime::Infra { image, .. } => image,
        }
    }

    /// Whether clients speak HTTP to it.
    pub(crate) fn is_http(&self) -> bool {
        self.infra().is_none_or(|i| i.scheme == Some("http"))
    }
}

/// The deployment plan of a design.
#[derive(Debug)]
pub(crate) struct Plan<'a> {
    /// The design.
    pub design: &'a Design,
    /// Deployable nodes in design order.
    pub units: Vec<Unit<'a>>,
    /// Report lines gathered while planning.
    pub notes: Vec<Note>,
    /// Registry nodes left out because the platform discovers instances itself.
    pub dropped_registries: Vec<&'a Node>,
    /// Node id → index of the unit that runs it (itself, or a receiver's host).
    owner: BTreeMap<&'a str, usize>,
    /// Node id → node, so per-edge lookups are not scans of every node.
    by_id: BTreeMap<&'a str, &'a Node>,
    /// Per unit, the units that connect to it, ascending.
    callers: Vec<Vec<usize>>,
}

impl<'a> Plan<'a> {
    /// Plan a design, registries deployed as workloads (Compose).
    pub(crate) fn build(design: &'a Design) -> Self {
        Self::build_with(design, true)
    }

    /// Plan a design for a platform that discovers instances itself
    /// (Kubernetes, Istio): registry nodes are not deployed.
    pub(crate) fn build_platform(design: &'a Design) -> Self {
        Self::build_with(design, false)
    }

    fn build_with(design: &'a Design, deploy_registries: bool) -> Self {
        let mut notes = Vec::new();
        let mut table = NameTable::dns();
        let mut units: Vec<Unit<'a>> = Vec::new();
        let mut owner = BTreeMap::new();
        let dropped_registries: Vec<&Node> = if deploy_registries {
            Vec::new()
        } else {
            design.nodes.iter().filter(|n| n.kind == NodeKind::Registry).collect()
        };
        let deployed = |n: &&Node| n.kind.is_deployable() && (deploy_registries || n.kind != NodeKind::Registry);
        for node in design.nodes.iter().filter(deployed) {
            let name = claim_name(&mut table, node, &mut notes);
            let runtime = runtime(node, &name, &mut notes);
            let port = match &runtime {
                // Gateways get a generated configuration that listens on the design's port.
                Runtime::Infra { infra, .. }
                    if node.kind == NodeKind::Gateway && matches!(infra.key, "nginx" | "envoy") =>
                {
                    node.deployment.port.unwrap_or(infra.port)
                }
                Runtime::Infra { infra, .. } => {
                    if let Some(p) = node.deployment.port.filter(|&p| p != infra.port) {
                        notes.push(Note::new(
                            NoteKind::Approximated,
                            &node.name,
                            msg!(
                                "engine-export-port-ignored",
                                "the {image} image listens on {port}: port {p} ignored",
                                image = infra.key,
                                port = infra.port,
                                p = p
                            ),
                        ));
                    }
                    infra.port
                }
                // Whether a missing port matters is known once edges are connected.
                Runtime::App { .. } => node.deployment.port.unwrap_or(DEFAULT_APP_PORT),
            };
            owner.insert(node.id.as_str(), units.len());
            units.push(Unit {
                node,
                name,
                runtime,
                port,
                deps: Vec::new(),
                entry: false,
                listens: true,
                receivers: Vec::new(),
                registry: None,
                lookups: Vec::new(),
            });
        }
        for node in design.nodes.iter().filter(|n| n.kind == NodeKind::Receiver) {
            let host = node.host.as_deref().and_then(|h| owner.get(h).copied());
            match host.and_then(|h| units.get_mut(h)) {
                Some(unit) => {
                    notes.push(Note::new(
                        NoteKind::Mapped,
                        &node.name,
                        msg!(
                            "engine-export-receiver-inside",
                            "signal receiver runs inside `{host}`, not as a workload of its own",
                            host = &unit.node.name
                        ),
                    ));
                    unit.receivers.push(node);
                    owner.insert(node.id.as_str(), host.unwrap_or_default());
                }
                None => notes.push(Note::new(
                    NoteKind::Unsupported,
                    &node.name,
                    msg!(
                        "engine-export-receiver-no-host",
                        "receiver without a deployable host: left out with its edges"
                    ),
                )),
            }
        }
        let by_id = design.nodes.iter().map(|n| (n.id.as_str(), n)).collect();
        let mut plan = Self { design, units, notes, dropped_registries, owner, by_id, callers: Vec::new() };
        plan.connect();
        plan.mark_entries();
        plan.mark_listeners();
        plan.link_registries();
        plan
    }

    /// The unit that runs the node with this id.
    pub(crate) fn owner_of(&self, node_id: &str) -> Option<usize> {
        self.owner.get(node_id).copied()
    }

    /// `from → to` by node names, looked up in the plan's index (the
    /// design's own lookup walks its nodes).
    pub(crate) fn edge_subject(&self, from: &str, to: &str) -> String {
        let name = |id: &str| self.by_id.get(id).map_or_else(|| id.to_owned(), |n| n.name.clone());
        format!("{} → {}", name(from), name(to))
    }

    fn connect(&mut self) {
        let design = self.design;
        let mut deps: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.units.len()];
        // Calls out of infrastructure, carried over to the infrastructure's users.
        let mut pass_through: Vec<(usize, usize)> = Vec::new();
        for edge in &design.edges {
            let from = self.owner_of(&edge.from);
            let to = self.owner_of(&edge.to);
            let (client, server) = match edge.kind {
                EdgeKind::Signal => continue,
                EdgeKind::Subscription => (to, from),
                EdgeKind::Call | EdgeKind::Event => (from, to),
            };
            let (Some(client), Some(server)) = (client, server) else {
                let from_kind = self.by_id.get(edge.from.as_str()).map(|n| n.kind);
                let to_kind = self.by_id.get(edge.to.as_str()).map(|n| n.kind);
                let involves_client = from_kind == Some(NodeKind::Client) || to_kind == Some(NodeKind::Client);
                if !involves_client {
                    self.notes.push(Note::new(
                        NoteKind::Unsupported,
                        edge_subject(design, edge.from.as_str(), edge.to.as_str()),
                        msg!("engine-export-edge-end-not-deployed", "an end of this edge is not deployed: left out"),
                    ));
                }
                continue;
            };
            if client == server {
                continue;
            }
            let client_is_store = self.units.get(client).is_some_and(|u| {
                matches!(u.node.kind, NodeKind::Database | NodeKind::Cache | NodeKind::Broker) && u.infra().is_some()
            });
            if client_is_store && edge.kind == EdgeKind::Call {
                pass_through.push((client, server));
                self.notes.push(Note::new(
                    NoteKind::Mapped,
                    edge_subject(design, &edge.from, &edge.to),
                    msg!(
                        "engine-export-pass-through",
                        "infrastructure does not call other services: the callers of the first get the second's \
                         address"
                    ),
                ));
            } else if let Some(set) = deps.get_mut(client) {
                set.insert(server);
            }
        }
        // Carry pass-through calls to the users of the store, repeatedly, so
        // chains (cache → cache → database) resolve too.
        for _ in 0..=self.units.len() {
            let mut changed = false;
            for &(store, target) in &pass_through {
                for (user, set) in deps.iter_mut().enumerate() {
                    if user != target && set.contains(&store) && set.insert(target) {
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        let mut callers = vec![Vec::new(); self.units.len()];
        for (user, set) in deps.iter().enumerate() {
            for &target in set {
                if let Some(list) = callers.get_mut(target) {
                    list.push(user);
                }
            }
        }
        self.callers = callers;
        for (unit, set) in self.units.iter_mut().zip(deps) {
            unit.deps = set.into_iter().collect();
        }
    }

    /// The registry unit a node's discovery names, when it is deployed.
    fn registry_unit(&self, node: &Node) -> Option<usize> {
        let id = node.discovery.as_ref()?.registry.as_deref()?;
        let unit = self.owner_of(id)?;
        self.units.get(unit).is_some_and(|u| u.node.kind == NodeKind::Registry && u.node.id == id).then_some(unit)
    }

    fn link_registries(&mut self) {
        let design = self.design;
        let registries: Vec<Option<usize>> = self.units.iter().map(|u| self.registry_unit(u.node)).collect();
        let mut lookups: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); self.units.len()];
        for edge in design.edges.iter().filter(|e| e.kind == EdgeKind::Call) {
            let Some(&callee) = self.by_id.get(edge.to.as_str()) else { continue };
            if callee.discovery.as_ref().is_none_or(|d| d.mode != DiscoveryMode::ClientSide) {
                continue;
            }
            let (Some(caller), Some(registry)) = (self.owner_of(&edge.from), self.registry_unit(callee)) else {
                continue;
            };
            if caller != registry
                && registries.get(caller).copied().flatten() != Some(registry)
                && let Some(set) = lookups.get_mut(caller)
            {
                set.insert(registry);
            }
        }
        for ((unit, registry), set) in self.units.iter_mut().zip(registries).zip(lookups) {
            unit.registry = registry;
            unit.lookups = set.into_iter().collect();
        }
    }

    fn mark_entries(&mut self) {
        let design = self.design;
        let mut entries = BTreeSet::new();
        for w in &design.workloads {
            if let Some(u) = self.owner_of(&w.entry) {
                entries.insert(u);
            }
        }
        for edge in &design.edges {
            let from_client = self.by_id.get(edge.from.as_str()).is_some_and(|n| n.kind == NodeKind::Client);
            if from_client && let Some(u) = self.owner_of(&edge.to) {
                entries.insert(u);
            }
        }
        for u in entries {
            if let Some(unit) = self.units.get_mut(u) {
                unit.entry = true;
            }
        }
    }

    /// Applications without a port listen on the assumed one when something
    /// connects to them; otherwise they are workers that listen on nothing.
    fn mark_listeners(&mut self) {
        for index in 0..self.units.len() {
            let called = !self.callers(index).is_empty();
            let Some(unit) = self.units.get_mut(index) else { continue };
            if !matches!(unit.runtime, Runtime::App { .. }) || unit.node.deployment.port.is_some() {
                continue;
            }
            unit.listens = called || unit.entry;
            if unit.listens {
                self.notes.push(Note::new(
                    NoteKind::Placeholder,
                    &unit.node.name,
                    msg!("engine-export-no-port", "no port set: {port} assumed", port = DEFAULT_APP_PORT),
                ));
            }
        }
    }

    /// Indices of the units that connect to `unit`, ascending.
    pub(crate) fn callers(&self, unit: usize) -> Vec<usize> {
        self.callers.get(unit).cloned().unwrap_or_default()
    }

    /// The address other workloads use to reach `unit`.
    pub(crate) fn url(&self, unit: usize) -> String {
        self.units.get(unit).map(|u| self.url_with_host(unit, &u.name)).unwrap_or_default()
    }

    /// `unit`'s address under another DNS name of it (a headless Service).
    pub(crate) fn url_with_host(&self, unit: usize, host: &str) -> String {
        let Some(u) = self.units.get(unit) else { return String::new() };
        match u.infra() {
            Some(infra) => match infra.scheme {
                Some(scheme) => format!("{scheme}://{}{host}:{}{}", infra.userinfo, u.port, infra.path),
                None => format!("{host}:{}", u.port),
            },
            None => format!("http://{host}:{}", u.port),
        }
    }

    /// The environment variable holding `unit`'s address: `ORDERS_URL`, or
    /// `EVENTS_ADDR` for plain `host:port` addresses.
    pub(crate) fn env_key(&self, unit: usize) -> String {
        let Some(u) = self.units.get(unit) else { return String::new() };
        let suffix = if u.infra().is_some_and(|i| i.scheme.is_none()) { "ADDR" } else { "URL" };
        format!("{}_{suffix}", names::env_prefix(&u.name))
    }

    /// The dependency addresses of `unit`, as environment variables.
    pub(crate) fn dependency_env(&self, unit: usize) -> Vec<(String, String)> {
        let Some(u) = self.units.get(unit) else { return Vec::new() };
        u.deps.iter().map(|&d| (self.env_key(d), self.url(d))).collect()
    }

    /// Notes for the parts of a design that are simulation inputs only.
    pub(crate) fn simulation_only_note(&self) -> Note {
        Note::new(
            NoteKind::Unsupported,
            "design",
            msg!(
                "engine-export-simulation-only",
                "service times, error probabilities, workers and queues, workloads, faults and SLOs are simulation \
                 inputs with no deployment equivalent"
            ),
        )
    }
}

fn claim_name(table: &mut NameTable, node: &Node, notes: &mut Vec<Note>) -> String {
    let from_name = names::dns_label(&node.name, names::DNS_LABEL_MAX);
    let base = if from_name.is_empty() {
        let from_id = names::dns_label(&node.id, names::DNS_LABEL_MAX);
        if from_id.is_empty() { node.kind.as_str().to_owned() } else { from_id }
    } else {
        from_name
    };
    let name = table.claim(&base);
    let lossless = node.name.to_ascii_lowercase().replace([' ', '_', '.'], "-") == name;
    if !lossless {
        notes.push(Note::new(
            NoteKind::Renamed,
            &node.name,
            msg!("engine-export-renamed", "deployed as `{name}`", name = &name),
        ));
    }
    name
}

fn runtime(node: &Node, name: &str, notes: &mut Vec<Note>) -> Runtime {
    let own_image = node.deployment.image.as_deref().filter(|i| !i.trim().is_empty());
    let preset = node.preset.as_deref().filter(|p| !p.trim().is_empty());
    let known = preset.and_then(infra::by_preset).or_else(|| own_image.and_then(infra::by_image));
    if node.kind == NodeKind::Service {
        return if let Some(image) = own_image {
            Runtime::App { image: image.to_owned() }
        } else {
            let image = format!("switchboard-placeholder/{name}:replace-me");
            notes.push(no_image_note(node, &image));
            Runtime::App { image }
        };
    }
    if let Some(infra) = known {
        if matches!(infra.key, "elasticsearch" | "opensearch") {
            notes.push(Note::new(
                NoteKind::Approximated,
                &node.name,
                msg!(
                    "engine-export-search-single-node",
                    "{image} runs as one node (discovery.type=single-node) with security off: plain HTTP on 9200 \
                     without users, as the design's address says; turn TLS and passwords on (and give the heap a \
                     size) before it holds real data",
                    image = infra.key
                ),
            ));
        }
        return Runtime::Infra { infra, image: own_image.unwrap_or(infra.image).to_owned() };
    }
    if let Some(image) = own_image {
        return Runtime::App { image: image.to_owned() };
    }
    if let Some(infra) = infra::default_for(node.kind) {
        let message = if let Some(p) = preset {
            msg!(
                "engine-export-unknown-preset",
                "preset `{p}` is not one the exporters know: deployed as {key} (`{image}`)",
                p = p,
                key = infra.key,
                image = infra.image
            )
        } else {
            msg!(
                "engine-export-no-preset",
                "no preset or image set: deployed as {key} (`{image}`)",
                key = infra.key,
                image = infra.image
            )
        };
        notes.push(Note::new(NoteKind::Placeholder, &node.name, message));
        Runtime::Infra { infra, image: infra.image.to_owned() }
    } else {
        let image = format!("switchboard-placeholder/{name}:replace-me");
        notes.push(no_image_note(node, &image));
        Runtime::App { image }
    }
}

fn no_image_note(node: &Node, image: &str) -> Note {
    Note::new(
        NoteKind::Placeholder,
        &node.name,
        msg!("engine-export-no-image", "no image set: `{image}` used", image = image),
    )
}

/// `a → b` with the nodes' names, for report subjects.
pub(crate) fn edge_subject(design: &Design, from: &str, to: &str) -> String {
    format!("{} → {}", design.node_name(from), design.node_name(to))
}

/// The note of a design with groups: they are kept as `how`, not turned into
/// namespaces, since one namespace keeps every short DNS name, Istio host and
/// NetworkPolicy pod selector of the export valid across groups.
pub(crate) fn groups_note(design: &Design, how: crate::message::Message) -> Option<Note> {
    let mut groups: Vec<&str> = Vec::new();
    for g in design.nodes.iter().filter_map(|n| n.group.as_deref()) {
        if !groups.contains(&g) {
            groups.push(g);
        }
    }
    (!groups.is_empty()).then(|| {
        Note::new(
            NoteKind::Mapped,
            "design",
            msg!(
                "engine-export-groups",
                "groups ({groups}) are kept as {how}, not as namespaces: every workload deploys to one namespace, so \
                 the short names in addresses and the policies' selectors hold across groups",
                groups = groups.join(", "),
                how = how.clone()
            )
            .with_list("how", vec![how], " "),
        )
    })
}
