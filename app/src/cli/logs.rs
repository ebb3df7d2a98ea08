//! Where the emulator's logs go: its events (`tracing`) are written to
//! stderr, warnings and errors only unless `RUST_LOG` asks for more
//! (`RUST_LOG=info` for starts, faults, breakers and scaling,
//! `RUST_LOG=emulator=debug` for every visit that did not end ok). Stdout
//! stays the command's results.

use std::io::IsTerminal as _;

use tracing_subscriber::EnvFilter;

/// Install the log writer once for the process (later calls do nothing).
/// A `RUST_LOG` that does not parse is reported and warnings are logged.
pub fn init() {
    let filter = match std::env::var("RUST_LOG") {
        Ok(spec) if !spec.trim().is_empty() => EnvFilter::try_new(&spec).unwrap_or_else(|e| {
            eprintln!("warning: RUST_LOG={spec:?} is not a log filter ({e}); logging warnings only");
            EnvFilter::new("warn")
        }),
        _ => EnvFilter::new("warn"),
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .try_init();
}
