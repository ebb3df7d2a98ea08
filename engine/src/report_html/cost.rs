//! The report page's cost table: the design's monthly total, per million
//! requests, and each deployed node's price (unpriced nodes named as such).

use std::fmt::Write as _;

use super::{cell, escape};
use crate::cost::{CostBasis, money};
use crate::model::Design;
use crate::sim::Report;

pub(super) fn cost_section(s: &mut String, report: &Report, design: &Design) {
    let Some(c) = crate::cost::of_run(design, report) else { return };
    let _ = write!(
        s,
        "<h2>Cost</h2><p class=\"meta\">Prices: {} ({}{}), {} per month of {} hours.</p><table><tr><th>Design</th><th>Per month</th><th>Per million requests</th></tr><tr><td>{}</td>",
        escape(&c.price_table),
        escape(&c.source),
        if c.date.is_empty() { String::new() } else { format!(", {}", escape(&c.date)) },
        escape(&c.currency),
        crate::units::plain(c.hours_per_month),
        escape(&report.design),
    );
    s.push_str(&cell("cost/monthly_total", c.monthly_total, &money(c.monthly_total)));
    match c.per_million_requests {
        Some(v) => s.push_str(&cell("cost/per_million_requests", v, &money(v))),
        None => s.push_str("<td>—</td>"),
    }
    s.push_str("</tr></table>");
    s.push_str("<table><tr><th>Node</th><th>Priced by</th><th>Replicas</th><th>vCPU each</th><th>GiB each</th><th>Per month</th></tr>");
    for n in &c.nodes {
        let basis = match n.basis {
            CostBasis::Resources => "resources",
            CostBasis::Managed => "managed price",
            CostBasis::Unpriced => "UNPRICED",
        };
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{basis}</td><td>{}</td><td>{}</td><td>{}</td>",
            escape(&n.name),
            crate::units::plain(n.replicas),
            crate::units::plain(n.vcpu),
            crate::units::plain(n.memory_gib)
        );
        match n.monthly {
            Some(m) => s.push_str(&cell(&format!("cost/nodes/{}/monthly", n.id), m, &money(m))),
            None => s.push_str("<td>unknown</td>"),
        }
        s.push_str("</tr>");
    }
    s.push_str("</table>");
    if !c.unpriced.is_empty() {
        let _ = write!(
            s,
            "<p class=\"meta\">{} node(s) have neither CPU and memory requests nor a monthly price: the total leaves them out.</p>",
            c.unpriced.len()
        );
    }
}
