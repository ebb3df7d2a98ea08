//! The Switchboard engine: the design model and its file format, validation
//! and the instant capacity estimate, the deterministic discrete-event
//! simulator, and the exporters and importers. It has no GUI dependency: the
//! desktop app and the CLI are both thin clients of this crate.

pub mod analysis;
pub mod calibrate;
pub mod capacity;
pub mod cost;
pub mod diagram;
pub mod export;
pub mod fuzzing;
pub mod import;
pub mod message;
pub mod model;
pub mod otlp;
pub mod policy;
pub mod problem;
pub mod report_bottleneck;
pub mod report_csv;
pub mod report_explain;
pub mod report_html;
pub mod rightsize;
pub mod sampling;
pub mod scc;
pub mod sim;
pub mod text;
pub mod units;
pub mod validate;

pub use model::Design;
