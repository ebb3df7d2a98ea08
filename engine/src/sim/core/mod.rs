//! The simulator's core: the compiled plan, the clock and event loop of a
//! replication, the event queue, the random streams, and the pool of workers
//! that runs replications.

mod compile;
pub(crate) mod event_queue;
pub(crate) mod plan;
pub(crate) mod replications;
mod setup;
pub(crate) mod simulation;
