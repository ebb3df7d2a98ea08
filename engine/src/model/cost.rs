//! What a design costs to run: the price table in the design's `cost`
//! settings and a node's own price (a managed service billed by the month).
//!
//! Prices are per hour of one vCPU and of one GiB of memory, as cloud
//! providers publish them; a node's price comes from its deployment's CPU and
//! memory requests times its replicas. The shipped tables are in
//! [`crate::cost::tables`]; the design holds its own copy, so a user can edit
//! it and the file says where the figures came from.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

fn default_currency() -> String {
    "USD".to_owned()
}

fn default_hours_per_month() -> f64 {
    crate::cost::HOURS_PER_MONTH
}

/// A price table: per vCPU-hour and per GiB-hour, with where the figures come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PriceTable {
    /// A short name, e.g. `aws-fargate-linux-x86-us-east-1`.
    pub name: String,
    /// Where the figures come from (a pricing page's address).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub source: String,
    /// When the figures were read, `YYYY-MM-DD` or `YYYY-MM`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub date: String,
    /// Currency of every price, e.g. `USD`.
    #[serde(default = "default_currency")]
    pub currency: String,
    /// Price of one vCPU (1000 millicores) for one hour.
    pub vcpu_hour_price: f64,
    /// Price of one GiB of memory for one hour.
    pub gib_hour_price: f64,
}

/// The design's cost settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CostSettings {
    /// The prices resources are charged at.
    pub price_table: PriceTable,
    /// Hours in a month (730 = 8760 / 12).
    #[serde(default = "default_hours_per_month")]
    pub hours_per_month: f64,
}

/// A node's own cost settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NodeCost {
    /// A fixed price per month for the whole node (a managed database or
    /// broker), in place of its resources times the price table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_price: Option<f64>,
    /// CPU one worker needs, millicores: when tuning changes the workers, the
    /// replica's CPU request changes by this much per worker (tune refuses to
    /// vary the workers of a node without it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_millicores_per_worker: Option<u32>,
}

impl NodeCost {
    /// Whether nothing is set.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        *self == Self::default()
    }
}
