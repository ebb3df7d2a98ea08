//! The cost lines of the CLI summary: the design's monthly total, per million
//! requests, and per node (unpriced nodes named, never counted as zero).

use std::io::Write;

use engine::cost::{CostBasis, CostReport, money};

/// The cost section, when the report has one.
///
/// # Errors
/// Write failures.
pub fn write_cost(cost: Option<&CostReport>, out: &mut dyn Write) -> std::io::Result<()> {
    let Some(c) = cost else { return Ok(()) };
    writeln!(out)?;
    let per_million =
        c.per_million_requests.map_or_else(String::new, |v| format!(", {} per million requests", money(v)));
    writeln!(
        out,
        "Cost: {} {} per month{per_million} (prices: {}{})",
        money(c.monthly_total),
        c.currency,
        c.price_table,
        if c.date.is_empty() { String::new() } else { format!(", {}", c.date) }
    )?;
    let width = c.nodes.iter().map(|n| super::display_width(&n.name)).max().unwrap_or(8).clamp(8, 30);
    for n in &c.nodes {
        let figure = match (n.basis, n.monthly) {
            (CostBasis::Unpriced, _) | (_, None) => {
                "UNPRICED (no cpu_millicores or memory_mib, no cost.monthly_price)".to_owned()
            }
            (CostBasis::Managed, Some(m)) => format!("{:>10}  managed", money(m)),
            (CostBasis::Resources, Some(m)) => format!(
                "{:>10}  {} × ({} vCPU, {} GiB)",
                money(m),
                engine::units::plain(n.replicas),
                engine::units::plain(n.vcpu),
                engine::units::plain(n.memory_gib)
            ),
        };
        writeln!(out, "  {}  {figure}", super::pad(&n.name, width))?;
    }
    if !c.unpriced.is_empty() {
        writeln!(out, "  ({} node(s) unpriced: the total leaves them out)", c.unpriced.len())?;
    }
    Ok(())
}
