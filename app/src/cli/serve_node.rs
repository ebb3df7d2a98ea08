//! `switchboard serve-node FILE --node ID`: one node of the design served
//! alone, for a cluster (the emulated exports run it in every container) or
//! for several processes on one machine. Peers' addresses come from
//! `--peer ID=URL` or from the environment variables the Compose and
//! Kubernetes exports write (`ORDERS_URL`, `EVENTS_ADDR`).

use std::collections::BTreeMap;
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context as _;
use emulator::NodeServer;

use super::emulate::check_emulated;
use super::exit;
use super::sim_run::parse_rate_scale;

/// Arguments of `serve-node`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// The id of the node to serve.
    #[arg(long, value_name = "ID")]
    pub node: String,
    /// The port to listen on (default: one the system chooses, printed at start).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub port: u16,
    /// The address to listen on; anything but loopback exposes the node to
    /// the network (a container needs 0.0.0.0).
    #[arg(long, value_name = "ADDR", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    pub bind: IpAddr,
    /// A peer's address, `ID=URL` (`api=http://127.0.0.1:8081`, or
    /// `host:port`); repeatable. Without it, the environment variable the
    /// exports write for that node (`API_URL`) is used.
    #[arg(long = "peer", value_name = "ID=URL", value_parser = parse_pair)]
    pub peers: Vec<(String, String)>,
    /// Multiply every modelled time by K; every serve-node and the loadgen
    /// of one run need the same K (default: computed from the design, so the
    /// same file gives the same K everywhere).
    #[arg(long, value_name = "K", value_parser = parse_rate_scale)]
    pub time_scale: Option<f64>,
    /// Seed of the random streams (default: the design's; the same seed as a
    /// single-process `emulate` draws the same service times).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// `ID=URL`.
///
/// # Errors
/// Text without `=`, or with an empty side.
pub fn parse_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((id, url)) if !id.trim().is_empty() && !url.trim().is_empty() => {
            Ok((id.trim().to_owned(), url.trim().to_owned()))
        }
        _ => Err(format!("{s:?}: expected ID=URL, such as api=http://127.0.0.1:8081")),
    }
}

/// Every node's address given by `flags` (by id or name) or, failing that,
/// by the environment variable the exports write for it.
///
/// # Errors
/// A flag naming no node of the design.
pub fn addresses(
    design: &engine::Design,
    flags: &[(String, String)],
    flag: &str,
) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for (key, url) in flags {
        let node = design
            .nodes
            .iter()
            .find(|n| &n.id == key)
            .or_else(|| design.nodes.iter().find(|n| &n.name == key))
            .with_context(|| format!("{flag} {key}={url}: no node {key:?} in the design"))?;
        out.insert(node.id.clone(), url.clone());
    }
    for (id, var) in engine::export::emulate::peer_variables(design) {
        if !out.contains_key(&id)
            && let Ok(url) = std::env::var(&var)
            && !url.trim().is_empty()
        {
            out.insert(id, url);
        }
    }
    Ok(out)
}

/// Run `serve-node`.
///
/// # Errors
/// Unreadable input, an unknown node, a peer without an address, a port
/// that cannot be opened.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let design = super::load_design(&args.file)?;
    if let Err(code) = check_emulated(&design, &args.file) {
        return Ok(code);
    }
    let peers = addresses(&design, &args.peers, "--peer")?;
    let seed = args.seed.unwrap_or(design.simulation.seed);
    let bind = SocketAddr::new(args.bind, args.port);
    let server = match NodeServer::start(&design, &args.node, bind, &peers, args.time_scale, seed) {
        Ok(s) => s,
        Err(e @ emulator::EmulateError::Settings(_)) => {
            say!("error: {e}");
            say!("(peers: --peer ID=URL, or the variables the exports write: {})", variables(&design));
            return Ok(exit::USAGE);
        }
        Err(e) => return Err(e.into()),
    };
    if !args.quiet {
        let t = server.overshoot();
        writeln!(
            out,
            "{}: node {} listening on http://{}/ (metrics /metrics, health /healthz), time scale ×{:.3}, timer \
             overshoot {:.3} ms",
            design.name,
            args.node,
            server.addr(),
            server.time_scale(),
            t.mean_ms
        )?;
        if !server.addr().ip().is_loopback() {
            writeln!(out, "warning: listening on {}, reachable from the network", server.addr().ip())?;
        }
        out.flush()?;
    }
    server.serve_until_stopped();
    Ok(exit::OK)
}

/// `ID=VAR` for every node, for an error message.
fn variables(design: &engine::Design) -> String {
    let vars = engine::export::emulate::peer_variables(design);
    vars.iter().map(|(id, v)| format!("{id}: {v}")).collect::<Vec<_>>().join(", ")
}
