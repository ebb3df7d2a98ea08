//! Broker rules: a broker that receives events but delivers them to nobody
//! keeps a backlog that only grows. The simulator would report it at the end
//! of a run ("backlog kept growing"); validation says it before any run, so
//! the estimate and the simulator agree on what a design is.

use std::collections::{BTreeMap, BTreeSet};

use super::{Sink, Target, node_path};
use crate::model::{Design, EdgeKind, Node, NodeKind};

/// Warn about every broker with publishers and no subscription.
pub(super) fn check_brokers(design: &Design, nodes: &BTreeMap<&str, &Node>, sink: &mut Sink) {
    let mut published: BTreeSet<&str> = BTreeSet::new();
    let mut subscribed: BTreeSet<&str> = BTreeSet::new();
    for e in &design.edges {
        match e.kind {
            EdgeKind::Event => {
                published.insert(e.to.as_str());
            }
            EdgeKind::Subscription => {
                subscribed.insert(e.from.as_str());
            }
            EdgeKind::Call | EdgeKind::Signal => {}
        }
    }
    for id in published.difference(&subscribed) {
        let Some(node) = nodes.get(id).filter(|n| n.kind == NodeKind::Broker) else { continue };
        sink.warn(
            &Target::Node(node.id.clone()),
            node_path(node),
            crate::msg!(
                "engine-broker-has-no-subscriber",
                "broker {name} has publishers but no subscriber: its messages pile up",
                name = format!("{:?}", node.name)
            ),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::model::{Design, Edge, EdgeKind, Node, NodeKind};
    use crate::validate::validate;

    fn design(with_subscriber: bool) -> Design {
        let mut d = Design::default();
        d.nodes.push(Node::new("api", "api", NodeKind::Service));
        d.nodes.push(Node::new("queue", "queue", NodeKind::Broker));
        d.nodes.push(Node::new("worker", "worker", NodeKind::Service));
        d.edges.push(Edge::new("e1", "api", "queue", EdgeKind::Event));
        if with_subscriber {
            d.edges.push(Edge::new("e2", "queue", "worker", EdgeKind::Subscription));
        }
        d
    }

    fn warned(d: &Design) -> bool {
        validate(d).iter().any(|p| p.message.key() == Some("engine-broker-has-no-subscriber"))
    }

    #[test]
    fn a_broker_without_subscriber_is_a_warning() {
        assert!(warned(&design(false)));
        assert!(!warned(&design(true)));
    }
}
