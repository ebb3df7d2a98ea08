//! Switchboard: design, simulate and export microservice systems.
//!
//! The library holds the whole app so tests can drive it in-process: the CLI
//! (`cli`), and the desktop GUI (`gui`). The binary in `main.rs` only calls
//! [`cli::main`].

pub mod cli;
pub mod gui;
