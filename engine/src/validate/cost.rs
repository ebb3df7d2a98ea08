//! Checks of the cost settings and of the nodes' own prices: finite prices
//! from zero up, and a month with hours in it.

use super::{Sink, Target, node_path};
use crate::model::Design;

pub(super) fn check_cost(design: &Design, sink: &mut Sink) {
    let t = Target::Design;
    if let Some(c) = &design.cost {
        let p = &c.price_table;
        sink.range(&t, "cost.price_table.vcpu_hour_price".into(), p.vcpu_hour_price, 0.0, f64::INFINITY);
        sink.range(&t, "cost.price_table.gib_hour_price".into(), p.gib_hour_price, 0.0, f64::INFINITY);
        sink.range(&t, "cost.hours_per_month".into(), c.hours_per_month, 1.0, 744.0);
    }
    for n in &design.nodes {
        if let Some(price) = n.cost.monthly_price {
            let t = Target::Node(n.id.clone());
            sink.range(&t, format!("{}.cost.monthly_price", node_path(n)), price, 0.0, f64::INFINITY);
        }
    }
}
