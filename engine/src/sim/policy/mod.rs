//! Policies that act on requests: caller-side call policies (timeouts,
//! retries, breakers, bulkheads), node policies (rate limits, outlier
//! ejection, autoscaling) and the fault schedule.

pub(crate) mod call_policies;
pub(crate) mod faults;
pub(crate) mod node_policies;
