//! The cost figures against sums worked by hand.
#![allow(clippy::unwrap_used, reason = "tests")]

use super::{CostBasis, estimate, of_run};
use crate::model::format::{Format, from_str};

fn design(extra_node: &str) -> crate::Design {
    let text = format!(
        r#"{{"version": 1, "name": "priced",
        "cost": {{"price_table": {{"name": "t", "vcpu_hour_price": 0.04, "gib_hour_price": 0.005}}}},
        "nodes": [
          {{"id": "c", "name": "C", "kind": "client"}},
          {{"id": "api", "name": "API", "capacity": {{"replicas": 3}},
            "service_time": {{"type": "exponential", "mean_ms": 1.0}},
            "deployment": {{"cpu_millicores": 500, "memory_mib": 1024}}}},
          {{"id": "db", "name": "DB", "kind": "database", "cost": {{"monthly_price": 200.0}},
            "service_time": {{"type": "exponential", "mean_ms": 1.0}}}},
          {{"id": "bare", "name": "Bare", "service_time": {{"type": "exponential", "mean_ms": 1.0}}}}
          {extra_node}
        ],
        "edges": [{{"id": "e1", "from": "api", "to": "db"}}, {{"id": "e2", "from": "api", "to": "bare"}}],
        "workloads": [{{"name": "w", "entry": "api", "arrival": {{"type": "open", "rate_per_s": 100.0}}}}],
        "simulation": {{"duration_s": 20.0, "warmup_s": 2.0}}}}"#
    );
    from_str(&text, Format::Json, "<test>").unwrap()
}

#[test]
fn resources_times_replicas_times_the_table_and_managed_nodes_at_their_price() {
    let c = estimate(&design("")).unwrap();
    // Clients are not deployed: not listed.
    assert!(c.node("c").is_none());
    let api = c.node("api").unwrap();
    assert_eq!(api.basis, CostBasis::Resources);
    // (0.5 vCPU × 0.04 + 1 GiB × 0.005) per hour × 3 replicas × 730 h.
    assert!((api.monthly.unwrap() - 0.025 * 3.0 * 730.0).abs() < 1e-9);
    let db = c.node("db").unwrap();
    assert_eq!((db.basis, db.monthly), (CostBasis::Managed, Some(200.0)));
    // No resources, no price: unpriced, never zero.
    let bare = c.node("bare").unwrap();
    assert_eq!((bare.basis, bare.monthly), (CostBasis::Unpriced, None));
    assert_eq!(c.unpriced, vec!["bare".to_owned()]);
    assert!((c.monthly_total - (54.75 + 200.0)).abs() < 1e-9);
    assert_eq!(c.per_million_requests, None);
}

#[test]
fn a_design_without_cost_settings_has_no_cost() {
    let mut d = design("");
    d.cost = None;
    assert!(estimate(&d).is_none());
    let r = crate::sim::run(&d, &crate::sim::RunOptions::default(), &crate::sim::RunControl::new()).unwrap();
    assert!(of_run(&d, &r).is_none());
    assert_eq!(super::report_json(&r, &d), r.to_json());
}

#[test]
fn a_run_prices_autoscaled_nodes_by_their_mean_replicas_and_requests_by_the_million() {
    let auto = r#", {"id": "auto", "name": "Auto", "capacity": {"replicas": 1},
        "service_time": {"type": "exponential", "mean_ms": 20.0},
        "deployment": {"cpu_millicores": 1000},
        "policies": {"autoscaling": {"min_replicas": 1, "max_replicas": 8, "target_utilization": 0.5,
                                     "evaluation_period_s": 1.0, "scale_down_stabilization_s": 5.0}}}"#;
    let mut d = design(auto);
    d.edges.push(crate::model::Edge::new("e3", "api", "auto", crate::model::EdgeKind::Call));
    let r = crate::sim::run(&d, &crate::sim::RunOptions::default(), &crate::sim::RunControl::new()).unwrap();
    let c = of_run(&d, &r).unwrap();
    // The JSON report is the report's own JSON with the cost as its last field.
    let json = super::report_json(&r, &d);
    let plain = r.to_json();
    let fields = plain.trim_end().strip_suffix("\n}").unwrap();
    assert!(json.starts_with(&format!("{fields},\n  \"cost\": {{")), "the report's fields first, in order");
    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(parsed["cost"]["monthly_total"].as_f64(), Some(c.monthly_total));
    let read = crate::sim::Report::from_json;
    assert!(read(&json).unwrap() == read(&plain).unwrap(), "the cost is the only addition");
    let measured = r.node("auto").unwrap().resilience.as_ref().unwrap().replicas_mean;
    // 100 req/s × 20 ms = 2 busy workers at 50 % target: about 4 replicas, not the 1 drawn.
    assert!(measured > 2.0, "{measured}");
    let auto = c.node("auto").unwrap();
    assert!((auto.replicas - measured).abs() < 1e-12);
    assert!((auto.monthly.unwrap() - measured * 0.04 * 730.0).abs() < 1e-9);
    // Per million requests: the monthly total over a month of the run's throughput.
    let per_s = r.workloads[0].throughput_per_s.mean;
    let expected = c.monthly_total / (per_s * 3600.0 * 730.0) * 1e6;
    assert!((c.per_million_requests.unwrap() - expected).abs() < 1e-9);
}

#[test]
fn negative_prices_are_design_errors_naming_the_field() {
    let mut d = design("");
    if let Some(c) = d.cost.as_mut() {
        c.price_table.vcpu_hour_price = -1.0;
    }
    d.nodes[2].cost.monthly_price = Some(f64::NAN);
    let problems = crate::validate::validate(&d);
    let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
    assert!(paths.contains(&"cost.price_table.vcpu_hour_price"), "{paths:?}");
    assert!(paths.contains(&"nodes[db].cost.monthly_price"), "{paths:?}");
}
