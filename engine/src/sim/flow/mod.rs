//! How requests move: stations (replicas, workers, queues, load balancing),
//! the steps of a handler (calls, parallel groups, branches, signals), calls
//! with policies made of tries, and brokers.

pub(crate) mod broker;
pub(crate) mod calls;
pub(crate) mod station;
pub(crate) mod steps;
