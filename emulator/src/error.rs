//! What can stop an emulation from starting or running.

/// An emulation that cannot run.
#[derive(Debug, thiserror::Error)]
pub enum EmulateError {
    /// The design uses parts the emulator does not run yet (one "path: what" each).
    #[error("not emulated yet:\n  {}", .0.join("\n  "))]
    NotEmulated(Vec<String>),
    /// A distribution the sampler cannot draw from (path, reason).
    #[error("{0}: {1}")]
    Undrawable(String, String),
    /// A listening socket could not be opened.
    #[error("cannot listen on {addr} for node {node}: {source}")]
    Bind {
        /// The node.
        node: String,
        /// The address tried.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// `--base-port` leaves no port for every node.
    #[error("--base-port {0}: {1} nodes need ports up to {max}, past 65535", max = u32::from(*.0) + *.1 as u32 - 1)]
    Ports(u16, usize),
    /// The async runtime could not start.
    #[error("cannot start the async runtime: {0}")]
    Runtime(std::io::Error),
    /// A setting out of range (the flag and why).
    #[error("{0}")]
    Settings(String),
}
