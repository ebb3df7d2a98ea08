//! The bounds of a design: the largest counts and durations the file format
//! accepts (its JSON schema states them) and validation enforces, each far
//! beyond real use and low enough that a run's memory and time stay bounded.

/// Most replicas one node may have (or scale to): far beyond any real
/// deployment, low enough that the simulator's per-replica state fits.
pub const MAX_REPLICAS_PER_NODE: u32 = 100_000;
/// Most replicas a whole design may have (each node at its most).
pub const MAX_REPLICAS_TOTAL: u32 = 1_000_000;

/// Longest duration a distribution may describe: a year, in ms (the
/// simulator's clock runs for at most a year too).
pub const MAX_DURATION_MS: f64 = 365.0 * 24.0 * 3600.0 * 1000.0;

/// Most requests in flight a run may hold before it stops as unstable.
pub const MAX_IN_FLIGHT: u32 = 10_000_000;

/// Most samples an empirical distribution may hold (a day of one sample per
/// second is ~86,400; ten times that still loads in well under a second).
pub const MAX_EMPIRICAL_SAMPLES: usize = 1_000_000;

/// Shortest period of a repeated simulator activity, s.
pub const MIN_PERIOD_S: f64 = 0.001;

/// Shortest span of simulated time a run measures, s: the run, its windows
/// and what is left of it after the warm-up. A microsecond is a thousand
/// ticks of the simulator's nanosecond clock; anything shorter rounds away.
pub const MIN_SPAN_S: f64 = 1e-6;

/// Smallest positive scale a gamma mean or a log-normal median may have, ms
/// (a nanosecond): far smaller and the sampler's parameters leave the range
/// of floating-point numbers.
pub const MIN_SCALE_MS: f64 = 1e-6;

/// Most steps of one operation that may belong to branch groups: the
/// simulator marks the branches a request skips in a 64-bit mask.
pub const MAX_BRANCH_STEPS: usize = 64;
