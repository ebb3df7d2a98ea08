//! The report page's service-discovery table: per discovered service, how
//! callers found its instances and what a crash cost before its eviction.

use std::fmt::Write as _;

use super::{cell, count_cell, escape, num_cell};
use crate::model::Design;
use crate::sim::Report;

pub(super) fn discovery_section(s: &mut String, report: &Report, design: &Design) {
    if report.discovery.is_empty() {
        return;
    }
    s.push_str("<h2>Service discovery</h2><p class=\"meta\">Client-side callers look instances up on the registry and cache the list; a crashed instance stays listed until the health check evicts it, so calls reach it (and fail) in between.</p>");
    s.push_str("<table><tr><th>Service</th><th>Mode</th><th>Registry</th><th>Calls</th><th>Cache hits, %</th><th>Lookups</th><th>Lookup failures</th><th>Stale routed</th><th>Failed for no list</th><th>To dead instances</th><th>Crashes</th><th>Evictions</th><th>Crash→eviction mean, s</th><th>max, s</th><th>Lookups/s</th></tr>");
    for d in &report.discovery {
        let k = format!("discovery/{}", d.id);
        let registry = d
            .registry
            .as_deref()
            .map_or_else(|| "platform".to_owned(), |r| design.node(r).map_or(r, |n| n.name.as_str()).to_owned());
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td>",
            escape(&d.name),
            escape(&d.mode.replace('_', "-")),
            escape(&registry)
        );
        s.push_str(&count_cell(&format!("{k}/calls"), d.calls));
        s.push_str(&cell(
            &format!("{k}/cache_hit_ratio"),
            d.cache_hit_ratio,
            &format!("{:.1}", d.cache_hit_ratio * 100.0),
        ));
        s.push_str(&count_cell(&format!("{k}/lookups"), d.lookups));
        s.push_str(&count_cell(&format!("{k}/lookup_failures"), d.lookup_failures));
        s.push_str(&count_cell(&format!("{k}/stale_routed"), d.stale_routed));
        s.push_str(&count_cell(&format!("{k}/lookup_failed_calls"), d.lookup_failed_calls));
        s.push_str(&count_cell(&format!("{k}/calls_to_dead"), d.calls_to_dead));
        s.push_str(&count_cell(&format!("{k}/crashes"), d.crashes));
        s.push_str(&count_cell(&format!("{k}/evictions"), d.evictions));
        s.push_str(&cell(
            &format!("{k}/mean_eviction_ms"),
            d.mean_eviction_ms,
            &format!("{:.1}", d.mean_eviction_ms / 1000.0),
        ));
        s.push_str(&cell(
            &format!("{k}/max_eviction_ms"),
            d.max_eviction_ms,
            &format!("{:.1}", d.max_eviction_ms / 1000.0),
        ));
        s.push_str(&num_cell(&format!("{k}/registry_lookups_per_s"), d.registry_lookups_per_s));
        s.push_str("</tr>");
    }
    s.push_str("</table>");
}
