//! Live emulation: a design run as real HTTP/1.1 services on tokio, driven
//! by an open-loop load generator, measured, and set beside the simulator.
//!
//! Every node becomes a server on its own port ([`server`]); a request runs
//! through the node as the simulator models it ([`node`], [`station`]):
//! replicas × workers with a bounded FIFO queue per replica, the load
//! balancer, blocking or async workers, service time drawn with the engine's
//! sampler and slept, the error draw, then the node's steps as real HTTP
//! calls ([`wire`]). The load generator ([`loadgen`]) sends each workload's
//! requests at their intended times and measures latency from them, into the
//! simulator's own latency type ([`measure`]). Modelled times are stretched
//! by a time scale so timer lateness stays small beside them ([`timing`]).
//! Work done for nobody (orphans, cancelled and crashed visits) is counted
//! as the simulator's wasted work ([`waste`]).
//!
//! The engine knows nothing of this crate or of tokio: the dependency goes
//! one way, emulator → engine.

pub mod autoscale;
pub mod broker;
mod broker_measure;
mod broker_spec;
mod call;
pub mod compare;
pub mod discovery;
pub mod edge_faults;
pub mod emulation;
pub mod error;
pub mod faults;
pub mod load_origin;
pub mod loadgen;
pub mod measure;
pub mod metrics;
pub mod node;
mod outages;
pub mod parts;
pub mod policy;
pub mod policy_measure;
pub mod server;
pub mod spans;
pub mod standalone;
pub mod station;
pub mod timing;
pub mod topology;
pub mod trace;
mod users;
pub mod waste;
pub mod wire;

pub use emulation::{Emulation, Endpoint, Options, ProgressView};
pub use error::EmulateError;
pub use measure::{Measured, WorkloadMeasure};
pub use standalone::{LoadGenerator, NodeServer};
pub use timing::{Overshoot, default_time_scale};
pub use topology::{Missing, Refusal, not_emulated, refusals};
