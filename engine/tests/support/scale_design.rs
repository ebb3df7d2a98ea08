//! A synthetic design of `n` services for the export scale checks (the
//! linearity test and the `export_scale` example): groups of 50, each
//! service calling the next one and one far away, every third call with
//! retries and a timeout (so the Istio export writes routes and backoff
//! filters), every fifth with a bulkhead.

use engine::Design;
use engine::model::{Bulkhead, CallPolicy, Edge, EdgeKind, Node, NodeKind, Retries, RetryOn};

/// The design; `n` ≥ 2.
pub fn services(n: usize) -> Design {
    let mut design = Design { name: format!("{n} services"), ..Design::default() };
    for i in 0..n {
        let mut node = Node::new(format!("s{i}"), format!("service-{i}"), NodeKind::Service);
        node.group = Some(format!("team-{}", i / 50));
        design.nodes.push(node);
    }
    let mut calls = 0_usize;
    let mut call = |design: &mut Design, from: usize, to: usize| {
        calls += 1;
        let mut edge = Edge::new(format!("c{calls}"), format!("s{from}"), format!("s{to}"), EdgeKind::Call);
        let mut policy = CallPolicy::default();
        if calls.is_multiple_of(3) {
            policy.timeout_ms = Some(500.0);
            policy.retries = Some(Retries {
                max_attempts: 3,
                retry_on: vec![RetryOn::Error],
                backoff: None,
                jitter: 0.0,
                budget_ratio: None,
            });
        }
        if calls.is_multiple_of(5) {
            policy.bulkhead = Some(Bulkhead { max_concurrent: 64 });
        }
        edge.policy = (!policy.is_empty()).then_some(policy);
        design.edges.push(edge);
    };
    for i in 0..n {
        if i + 1 < n {
            call(&mut design, i, i + 1);
        }
        let far = (i * 7 + n / 2) % n;
        if far != i && far != i + 1 {
            call(&mut design, i, far);
        }
    }
    design
}
