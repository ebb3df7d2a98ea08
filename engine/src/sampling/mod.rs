//! Seeded random streams and the duration distributions drawn from them,
//! usable outside the event loop: the simulator draws every service time,
//! network latency, think time and policy coin from here, and the live
//! emulator draws from the very same types with wall-clock time, so both
//! read a design's distributions the same way.
//!
//! - [`Stream`]: one portable PCG64 MCG stream, seeded from a `u64` or keyed
//!   by (seed, replication, stable id, purpose) so adding a node leaves every
//!   other node's draws unchanged.
//! - [`Sampler`]: a [`Distribution`](crate::model::Distribution) compiled
//!   once and sampled as integer nanoseconds.
//! - [`BranchGroup`]: a group of branch steps and the weighted choice of
//!   the one a request takes.
//! - [`ms_to_ns`], [`s_to_ns`]: the model's float durations as integer
//!   nanoseconds, rounded the way every draw is.

mod branch;
mod exponential;
mod nanos;
mod sampler;
mod stream;

pub use branch::BranchGroup;
pub use exponential::exp1;
pub use nanos::{MAX_DELAY_NS, ms_to_ns, s_to_ns};
pub(crate) use nanos::{clamped, take_clamped};
pub use sampler::{Sampler, SamplerError};
pub use stream::Stream;
