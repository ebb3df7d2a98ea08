//! The pieces of an emulation as processes of their own, for a real
//! cluster (or several processes on one machine): one node alone
//! ([`NodeServer`], `switchboard serve-node`) and the load generator alone
//! ([`LoadGenerator`], `switchboard loadgen`), talking only through the
//! network.
//!
//! Each process builds the whole design's topology (signal receivers run
//! in-process on their host, as in a single-process run) but listens for
//! one node only; the nodes it calls are found at the addresses it is given
//! (`host:port` or a URL, as the exporters write them), resolved once at
//! start, retrying while the name does not resolve yet (a peer's container
//! may start later). Every process must run at the same time scale; the
//! default is computed from the design, so the same file gives the same
//! one, and the load generator reads its targets' scale from `/healthz` and
//! refuses to run against a different one.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use engine::model::Design;
use tokio::task::JoinHandle;

use crate::emulation::{Options, ProgressView, run_load};
use crate::error::EmulateError;
use crate::measure::Measured;
use crate::node::Shared;
use crate::timing::{Overshoot, default_time_scale, measure_overshoot};
use crate::topology::Topology;

/// How long a peer's name may take to resolve, or a target to answer `/healthz`.
pub const PEER_WAIT: Duration = Duration::from_mins(2);

/// The address of nodes this process neither serves nor calls: never dialled.
const NOWHERE: SocketAddr = SocketAddr::new(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED), 0);

/// The body of `GET /healthz`: `node=ID time_scale=K`.
#[must_use]
pub fn health_body(node: &str, time_scale: f64) -> String {
    format!("node={node} time_scale={time_scale}\n")
}

/// The time scale a `/healthz` body states.
#[must_use]
pub fn health_time_scale(body: &str) -> Option<f64> {
    body.split_whitespace().find_map(|w| w.strip_prefix("time_scale=")).and_then(|k| k.parse().ok())
}

/// The `host:port` of an address given as `host:port` or as a URL
/// (`http://orders:8080/`, `postgres://user@db:5432/app`); a URL without a
/// port gets its scheme's (80 for http, else none).
#[must_use]
pub fn authority(address: &str) -> Option<String> {
    let address = address.trim();
    let (scheme, rest) = match address.split_once("://") {
        Some((scheme, rest)) => (Some(scheme), rest),
        None => (None, address),
    };
    let host_port = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_port = host_port.rsplit_once('@').map_or(host_port, |(_, hp)| hp);
    if host_port.is_empty() {
        return None;
    }
    // A port is the digits after the last colon outside an IPv6 literal's brackets.
    let has_port = host_port.rsplit_once(':').is_some_and(|(h, p)| {
        !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) && (!h.contains(':') || h.ends_with(']'))
    });
    match (has_port, scheme) {
        (true, _) => Some(host_port.to_owned()),
        (false, Some("http")) => Some(format!("{host_port}:80")),
        (false, _) => None,
    }
}

/// Resolve `address` (see [`authority`]), retrying until `wait` has passed.
async fn resolve(node: &str, address: &str, wait: Duration) -> Result<SocketAddr, EmulateError> {
    let Some(host_port) = authority(address) else {
        return Err(EmulateError::Settings(format!(
            "node {node}: address {address:?}: expected host:port or a URL with a port"
        )));
    };
    let until = tokio::time::Instant::now() + wait;
    loop {
        match tokio::net::lookup_host(host_port.as_str()).await {
            Ok(mut addrs) => {
                if let Some(a) = addrs.next() {
                    return Ok(a);
                }
            }
            Err(e) if tokio::time::Instant::now() >= until => {
                return Err(EmulateError::Settings(format!("node {node}: cannot resolve {host_port}: {e}")));
            }
            Err(e) => {
                tracing::warn!(node = %node, peer = %host_port, error = %e, "peer not resolved yet; trying again");
            }
        }
        if tokio::time::Instant::now() >= until {
            return Err(EmulateError::Settings(format!("node {node}: {host_port} resolves to nothing")));
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
}

/// The nodes whose addresses node `node` needs: those it (or a signal
/// receiver it runs in-process, transitively) calls or publishes to over
/// the network, the registries it looks those up at, and a broker's
/// subscribers.
#[must_use]
pub fn callees(topology: &Topology, node: usize) -> Vec<usize> {
    let mut inside = vec![node];
    let mut called: Vec<usize> = topology
        .nodes
        .get(node)
        .and_then(|n| n.broker.as_ref())
        .map(|b| b.subs.iter().map(|s| s.consumer).collect())
        .unwrap_or_default();
    called.dedup();
    let mut i = 0;
    while let Some(&n) = inside.get(i) {
        i += 1;
        let steps = topology.nodes.get(n).into_iter().flat_map(|x| &x.handlers).flat_map(|h| h.stages.iter().flatten());
        for step in steps {
            let list = if step.signal.is_some() { &mut inside } else { &mut called };
            if !list.contains(&step.to_node) {
                list.push(step.to_node);
            }
            // A client-side discovered callee is looked up at its registry,
            // which must also hear of the load's start to run its health checks.
            let registry = step
                .cache
                .and_then(|ci| topology.caches.get(ci))
                .and_then(|k| topology.nodes.get(k.node))
                .and_then(|n| n.discovery.as_ref())
                .and_then(|d| d.registry);
            if let Some(r) = registry
                && !called.contains(&r)
            {
                called.push(r);
            }
        }
    }
    called.sort_unstable();
    called
}

fn runtime() -> Result<tokio::runtime::Runtime, EmulateError> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("emulate")
        .enable_all()
        .build()
        .map_err(EmulateError::Runtime)
}

/// The addresses of every node for `shared`: `known` resolved where given,
/// [`NOWHERE`] elsewhere; an error names every node in `needed` without one.
fn addresses(
    runtime: &tokio::runtime::Runtime,
    topology: &Topology,
    known: &BTreeMap<String, String>,
    needed: &[usize],
    what: &str,
) -> Result<Vec<SocketAddr>, EmulateError> {
    let missing: Vec<&str> = needed
        .iter()
        .filter_map(|&i| topology.nodes.get(i))
        .filter(|n| !known.contains_key(&n.id))
        .map(|n| n.id.as_str())
        .collect();
    if !missing.is_empty() {
        return Err(EmulateError::Settings(format!("no address for {what} {}", missing.join(", "))));
    }
    runtime.block_on(async {
        let mut out = Vec::with_capacity(topology.nodes.len());
        for n in &topology.nodes {
            out.push(match known.get(&n.id) {
                Some(address) => resolve(&n.id, address, PEER_WAIT).await?,
                None => NOWHERE,
            });
        }
        Ok(out)
    })
}

/// One node of a design serving alone.
#[derive(Debug)]
pub struct NodeServer {
    runtime: tokio::runtime::Runtime,
    shared: Arc<Shared>,
    server: JoinHandle<()>,
    /// A broker's deliveries.
    deliveries: Option<JoinHandle<()>>,
    addr: SocketAddr,
    overshoot: Overshoot,
}

impl NodeServer {
    /// Listen at `bind` as node `node` of an analysed design, calling its
    /// peers at `peers` (node id → address), with `time_scale` (`None`: the
    /// design's default) and random streams keyed by `seed`.
    ///
    /// # Errors
    /// An unknown node or a signal receiver (it runs inside its host), a
    /// peer without an address or whose name does not resolve in time, a
    /// port that cannot be opened, what [`Topology::of`] refuses.
    pub fn start(
        design: &Design,
        node: &str,
        bind: SocketAddr,
        peers: &BTreeMap<String, String>,
        time_scale: Option<f64>,
        seed: u64,
    ) -> Result<Self, EmulateError> {
        let time_scale = checked_scale(time_scale.unwrap_or_else(|| default_time_scale(design)))?;
        let topology = Topology::of(design)?;
        let Some(index) = topology.node_index(node) else {
            return Err(EmulateError::Settings(format!("--node {node}: no such node in the design")));
        };
        if topology.nodes.get(index).is_some_and(|n| n.receiver) {
            return Err(EmulateError::Settings(format!(
                "--node {node}: a signal receiver runs inside the node that sends its signal; serve that one"
            )));
        }
        let runtime = runtime()?;
        let needed = callees(&topology, index);
        let mut addrs = addresses(&runtime, &topology, peers, &needed, &format!("{node}'s peer"))?;
        let listener = runtime.block_on(async {
            let listener = tokio::net::TcpListener::bind(bind).await.map_err(|source| EmulateError::Bind {
                node: node.to_owned(),
                addr: bind,
                source,
            })?;
            Ok::<_, EmulateError>(listener)
        })?;
        let addr =
            listener.local_addr().map_err(|source| EmulateError::Bind { node: node.to_owned(), addr: bind, source })?;
        if let Some(own) = addrs.get_mut(index) {
            *own = addr;
        }
        let overshoot = runtime.block_on(measure_overshoot(50, Duration::from_millis(2)));
        let lateness = Duration::from_secs_f64(overshoot.mean_ms.max(0.0) / 1e3);
        let shared = Arc::new(Shared::new(topology, addrs, time_scale, lateness, seed)?);
        let server = runtime.spawn(crate::server::serve(Arc::clone(&shared), index, listener));
        // A broker delivers to its subscribers at their addresses.
        let deliveries = shared
            .nodes
            .get(index)
            .is_some_and(|n| n.broker.is_some())
            .then(|| runtime.spawn(crate::broker::run(Arc::clone(&shared), index)));
        Ok(Self { runtime, shared, server, deliveries, addr, overshoot })
    }

    /// Where it listens.
    #[must_use]
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Wall-clock time per modelled time.
    #[must_use]
    pub fn time_scale(&self) -> f64 {
        self.shared.time_scale
    }

    /// The timer's lateness measured at start.
    #[must_use]
    pub fn overshoot(&self) -> Overshoot {
        self.overshoot
    }

    /// Serve until Ctrl+C (or SIGTERM, as a container is stopped).
    pub fn serve_until_stopped(&self) {
        self.runtime.block_on(stopped());
    }
}

impl Drop for NodeServer {
    fn drop(&mut self) {
        self.server.abort();
        if let Some(d) = &self.deliveries {
            d.abort();
        }
    }
}

/// Ctrl+C, or SIGTERM on Unix.
async fn stopped() {
    #[cfg(unix)]
    {
        let term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate());
        if let Ok(mut term) = term {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

fn checked_scale(k: f64) -> Result<f64, EmulateError> {
    if k.is_finite() && k > 0.0 {
        Ok(k)
    } else {
        Err(EmulateError::Settings(format!("--time-scale {k}: expected a number above 0")))
    }
}

/// The open-loop load generator alone, against nodes served elsewhere.
#[derive(Debug)]
pub struct LoadGenerator {
    runtime: tokio::runtime::Runtime,
    shared: Arc<Shared>,
    design: Design,
    options: Options,
    overshoot: Overshoot,
}

impl LoadGenerator {
    /// Ready to drive `design`'s workloads at their entries' `targets`
    /// (node id → address), once every target answers `/healthz` at the
    /// same time scale as `options` (waiting up to [`PEER_WAIT`] for it).
    ///
    /// # Errors
    /// An entry without an address, one that does not resolve or answer in
    /// time, a target at another time scale, what [`Topology::of`] refuses.
    pub fn start(design: &Design, targets: &BTreeMap<String, String>, options: &Options) -> Result<Self, EmulateError> {
        let time_scale = checked_scale(options.time_scale.unwrap_or_else(|| default_time_scale(design)))?;
        let topology = Topology::of(design)?;
        let mut entries: Vec<usize> = design.workloads.iter().filter_map(|w| topology.node_index(&w.entry)).collect();
        entries.sort_unstable();
        entries.dedup();
        let runtime = runtime()?;
        let addrs = addresses(&runtime, &topology, targets, &entries, "workload entry")?;
        let client = crate::wire::Client::new();
        runtime.block_on(async {
            for &e in &entries {
                let (Some(node), Some(&addr)) = (topology.nodes.get(e), addrs.get(e)) else { continue };
                let k = healthy_scale(&client, addr).await.ok_or_else(|| {
                    EmulateError::Settings(format!("{} at {addr}: no answer to GET /healthz", node.id))
                })?;
                if (k / time_scale - 1.0).abs() > 1e-9 {
                    return Err(EmulateError::Settings(format!(
                        "{} at {addr} runs at time scale {k}, this load generator at {time_scale}: give every \
                         process the same --time-scale",
                        node.id
                    )));
                }
            }
            Ok(())
        })?;
        let overshoot = runtime.block_on(measure_overshoot(50, Duration::from_millis(2)));
        let lateness = Duration::from_secs_f64(overshoot.mean_ms.max(0.0) / 1e3);
        let targets: Vec<SocketAddr> = entries.iter().filter_map(|&e| addrs.get(e).copied()).collect();
        let shared = Arc::new(Shared::new(topology, addrs, time_scale, lateness, options.seed)?);
        // The load's start goes to the entries, and from them to every node
        // they reach, so each applies the fault schedule from it.
        shared.announce_to(targets);
        Ok(Self { runtime, shared, design: design.clone(), options: options.clone(), overshoot })
    }

    /// Wall-clock time per modelled time.
    #[must_use]
    pub fn time_scale(&self) -> f64 {
        self.shared.time_scale
    }

    /// The timer's lateness measured at start.
    #[must_use]
    pub fn overshoot(&self) -> Overshoot {
        self.overshoot
    }

    /// Run the load and measure the workloads (nodes and edges are measured
    /// where they run: their `/metrics`).
    ///
    /// # Errors
    /// None in practice.
    pub fn run(&self, on_progress: &mut dyn FnMut(ProgressView)) -> Result<Measured, EmulateError> {
        let mut measured = run_load(
            &self.runtime,
            &self.shared,
            &self.design,
            &self.options,
            &tokio::sync::watch::Sender::new(false),
            on_progress,
        )?;
        measured.nodes.clear();
        measured.edges.clear();
        measured.node_work = None;
        Ok(measured)
    }
}

/// The time scale a node states at `/healthz`, asked until it answers or [`PEER_WAIT`] passes.
async fn healthy_scale(client: &crate::wire::Client, addr: SocketAddr) -> Option<f64> {
    let until = tokio::time::Instant::now() + PEER_WAIT;
    loop {
        let asked = tokio::time::timeout(Duration::from_secs(2), client.get(addr, "/healthz")).await;
        if let Ok(Ok((status, body))) = asked
            && status.is_success()
        {
            return health_time_scale(&body);
        }
        if tokio::time::Instant::now() >= until {
            return None;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_as_exporters_write_them() {
        assert_eq!(authority("http://orders:8080").as_deref(), Some("orders:8080"));
        assert_eq!(authority("http://orders:8080/api?x=1").as_deref(), Some("orders:8080"));
        assert_eq!(authority("postgres://app@db:5432/app").as_deref(), Some("db:5432"));
        assert_eq!(authority("events:9092").as_deref(), Some("events:9092"));
        assert_eq!(authority("http://web").as_deref(), Some("web:80"));
        assert_eq!(authority("http://[::1]:81/").as_deref(), Some("[::1]:81"));
        assert_eq!(authority("redis://cache"), None);
        assert_eq!(authority(""), None);
    }

    #[test]
    fn health_states_the_time_scale() {
        assert_eq!(health_time_scale(&health_body("api", 2.5)), Some(2.5));
        assert_eq!(health_time_scale("node=api\n"), None);
    }
}
