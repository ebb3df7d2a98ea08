//! The price tables shipped with Switchboard, each with its source and the
//! date its figures were read. A design copies one into its `cost` settings
//! (the app's Cost section, or by hand) and may edit it there: prices change,
//! and the file keeps saying where its own figures came from.

use crate::model::PriceTable;

/// One shipped table.
struct Shipped {
    name: &'static str,
    what: &'static str,
    source: &'static str,
    date: &'static str,
    vcpu_hour_price: f64,
    gib_hour_price: f64,
}

/// The shipped tables, cheapest first. Figures are on-demand list prices in
/// US dollars; the providers price memory per "GB" meaning GiB.
const SHIPPED: [Shipped; 3] = [
    Shipped {
        name: "gcp-e2-on-demand-us-central1",
        what: "a generic on-demand VM (Compute Engine E2, us-central1)",
        source: "https://cloud.google.com/compute/vm-instance-pricing#e2_machine-types",
        date: "2025-05",
        vcpu_hour_price: 0.021_811,
        gib_hour_price: 0.002_923,
    },
    Shipped {
        name: "aws-fargate-linux-x86-us-east-1",
        what: "per-pod pricing on EKS/ECS Fargate (Linux x86, us-east-1)",
        source: "https://aws.amazon.com/fargate/pricing/",
        date: "2026-06",
        vcpu_hour_price: 0.040_48,
        gib_hour_price: 0.004_445,
    },
    Shipped {
        name: "gke-autopilot-us-central1",
        what: "managed Kubernetes per-pod pricing (GKE Autopilot general-purpose, us-central1)",
        source: "https://cloud.google.com/kubernetes-engine/pricing#autopilot_mode",
        date: "2025-05",
        vcpu_hour_price: 0.044_5,
        gib_hour_price: 0.004_922_5,
    },
];

/// Names of the shipped tables, in the order [`shipped`] lists them.
#[must_use]
pub fn names() -> Vec<&'static str> {
    SHIPPED.iter().map(|s| s.name).collect()
}

/// What each shipped table prices, by name (for a chooser's hover text).
#[must_use]
pub fn description(name: &str) -> Option<&'static str> {
    SHIPPED.iter().find(|s| s.name == name).map(|s| s.what)
}

/// Every shipped table as a design holds it.
#[must_use]
pub fn shipped() -> Vec<PriceTable> {
    SHIPPED
        .iter()
        .map(|s| PriceTable {
            name: s.name.to_owned(),
            source: s.source.to_owned(),
            date: s.date.to_owned(),
            currency: "USD".to_owned(),
            vcpu_hour_price: s.vcpu_hour_price,
            gib_hour_price: s.gib_hour_price,
        })
        .collect()
}

/// The shipped table with this name.
#[must_use]
pub fn by_name(name: &str) -> Option<PriceTable> {
    shipped().into_iter().find(|t| t.name == name)
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_shipped_table_says_where_its_figures_come_from_and_prices_above_zero() {
        for t in super::shipped() {
            assert!(t.source.starts_with("https://"), "{}", t.name);
            assert_eq!(t.date.len().min(7), 7, "{}", t.name);
            assert!(t.vcpu_hour_price > 0.0 && t.gib_hour_price > 0.0, "{}", t.name);
            // A vCPU costs more than a GiB on every provider.
            assert!(t.vcpu_hour_price > t.gib_hour_price, "{}", t.name);
            assert_eq!(super::by_name(&t.name).as_ref(), Some(&t));
        }
        assert_eq!(super::names().len(), 3);
        assert!(super::by_name("nope").is_none());
    }
}
