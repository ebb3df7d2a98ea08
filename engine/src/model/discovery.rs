//! Service discovery: how callers find a service's instances.
//!
//! Instances register with a registry when they start (autoscaled ones after
//! their cold start) and deregister when they stop gracefully; a crashed
//! instance stays listed until the registry's health check evicts it. With
//! `server_side` discovery the platform's load balancer (a gateway, a
//! Kubernetes Service) routes over the listed instances; with `client_side`
//! discovery each caller asks the registry, caches the answer for
//! `cache_ttl_s` and picks an instance itself.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who finds the instances of a service.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DiscoveryMode {
    /// A load balancer or platform DNS in front of the service routes over the
    /// instances it lists (Kubernetes Service, Envoy, a gateway).
    #[default]
    ServerSide,
    /// The caller queries the registry, caches the instance list for
    /// `cache_ttl_s` and balances over it itself (Eureka + Ribbon, Consul
    /// client libraries).
    ClientSide,
}

impl DiscoveryMode {
    /// The snake_case name used in files and reports.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ServerSide => "server_side",
            Self::ClientSide => "client_side",
        }
    }
}

/// What a client-side caller does when a lookup fails (registry down or erroring).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RegistryFailure {
    /// Keep using the last instance list it fetched, however old; fail only
    /// when it never had one.
    #[default]
    StaleCache,
    /// The call fails.
    Fail,
}

/// What happens to a call sent to an instance that has crashed but is still listed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadInstance {
    /// Connection refused: the call fails at once.
    #[default]
    Refuse,
    /// The host is gone: the call hangs until the caller's timeout.
    Hang,
}

/// The registry's health check of each registered instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiscoveryHealthCheck {
    /// Seconds between checks of an instance.
    #[serde(default = "default_interval_s")]
    pub interval_s: f64,
    /// Consecutive failed checks before the instance is removed from the list.
    #[serde(default = "default_failures")]
    pub failures_before_removal: u32,
}

fn default_interval_s() -> f64 {
    10.0
}

fn default_failures() -> u32 {
    3
}

fn default_ttl_s() -> f64 {
    30.0
}

impl Default for DiscoveryHealthCheck {
    fn default() -> Self {
        Self { interval_s: default_interval_s(), failures_before_removal: default_failures() }
    }
}

impl DiscoveryHealthCheck {
    /// Mean time from a crash to the eviction of the instance, in seconds: the
    /// first failed check comes on average half an interval after the crash.
    #[must_use]
    pub fn mean_eviction_s(&self) -> f64 {
        (f64::from(self.failures_before_removal.max(1)) - 0.5) * self.interval_s
    }
}

/// How a service's instances are registered and found (absent: no registry,
/// a crashed instance stays in the load balancer's rotation until it recovers).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Discovery {
    /// Server-side (platform load balancer) or client-side (caller looks up).
    #[serde(default)]
    pub mode: DiscoveryMode,
    /// Id of the `registry` node the instances register with. Required for
    /// client-side discovery; absent for server-side means the platform's own
    /// (Kubernetes endpoints, DNS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// Seconds a caller keeps a fetched instance list (client-side only).
    #[serde(default = "default_ttl_s")]
    pub cache_ttl_s: f64,
    /// What a caller does when a lookup fails (client-side only).
    #[serde(default)]
    pub on_registry_failure: RegistryFailure,
    /// How the registry notices crashed instances.
    #[serde(default)]
    pub health_check: DiscoveryHealthCheck,
    /// What a call to a crashed but still listed instance does.
    #[serde(default)]
    pub dead_instance: DeadInstance,
}

impl Default for Discovery {
    fn default() -> Self {
        Self {
            mode: DiscoveryMode::default(),
            registry: None,
            cache_ttl_s: default_ttl_s(),
            on_registry_failure: RegistryFailure::default(),
            health_check: DiscoveryHealthCheck::default(),
            dead_instance: DeadInstance::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn defaults_fill_in_and_mean_eviction_follows_interval() {
        let d: Discovery = serde_json::from_str(r#"{"mode":"client_side","registry":"consul"}"#).unwrap();
        assert_eq!(d.mode, DiscoveryMode::ClientSide);
        assert!((d.cache_ttl_s - 30.0).abs() < 1e-12);
        assert_eq!(d.health_check.failures_before_removal, 3);
        assert!((d.health_check.mean_eviction_s() - 25.0).abs() < 1e-12);
        let long = DiscoveryHealthCheck { interval_s: 20.0, failures_before_removal: 3 };
        assert!((long.mean_eviction_s() - 50.0).abs() < 1e-12);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let e = serde_json::from_str::<Discovery>(r#"{"mode":"client_side","ttl":3}"#).unwrap_err();
        assert!(e.to_string().contains("ttl"), "{e}");
    }
}
