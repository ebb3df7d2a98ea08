//! The design model: the one `Design` type that the GUI edits, the simulator runs
//! and the exporters read, together with its file format.
//!
//! Times in the file are milliseconds (`*_ms`, floating point, for service and
//! network times) or seconds (`*_s`, for run lengths and schedules); the simulator
//! converts them to integer nanoseconds once, when it compiles a design.

pub mod atomic_dir;
mod cost;
mod design;
mod discovery;
mod distribution;
mod edge;
pub mod format;
pub mod layers;
pub mod limits;
pub mod locate;
mod node;
mod outcome;
mod scenario;
mod workload;

pub use cost::{CostSettings, NodeCost, PriceTable};
pub use design::{Design, FORMAT_VERSION, Fault, FaultKind, PartitionMode, SimulationSettings, Slo, SloLatency};
pub use discovery::{DeadInstance, Discovery, DiscoveryHealthCheck, DiscoveryMode, RegistryFailure};
pub use distribution::{Distribution, GAMMA_MAX_CV, GAMMA_MIN_CV, UPPER_TAIL};
pub use edge::{
    Backoff, Branch, Bulkhead, CallPolicy, CircuitBreaker, Edge, EdgeKind, Fallback, PublishSettings, Retries, RetryOn,
    SubscriptionSettings, WhenFull,
};
pub use node::{
    Autoscaling, BrokerMode, BrokerSettings, CacheSettings, Capacity, Concurrency, Deployment, Healthcheck,
    LoadBalancer, Node, NodeKind, NodePolicies, Operation, OutlierEjection, Position, RateLimit,
};
pub use outcome::{Outcome, RejectCause};
pub use scenario::{Scenario, ScenarioRate};
pub use workload::{Arrival, ArrivalProcess, RateProfile, Workload};
