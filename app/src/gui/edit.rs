//! Editing operations that need more than one field: new nodes with unique
//! names, connecting with a sensible edge kind, copy/paste as design JSON,
//! duplicate and grouping. Pure functions from the design to commands, so
//! they are tested without a UI.

use crate::gui::i18n::tr_args;
use std::collections::{BTreeMap, BTreeSet};

use egui::Pos2;
use engine::Design;
use engine::model::{Edge, EdgeKind, Node, NodeKind, Position, SubscriptionSettings, format};

use super::canvas;
use super::document::Command;
use super::presets;
use super::selection::Selection;

/// A name not used by any node: `base`, else `base-2`, `base-3`, …
#[must_use]
pub fn unique_name(design: &Design, base: &str) -> String {
    let taken: BTreeSet<&str> = design.nodes.iter().map(|n| n.name.as_str()).collect();
    if !taken.contains(base) {
        return base.to_owned();
    }
    // Among len + 1 candidates at least one is free, so the search is bounded.
    (2..taken.len() + 3)
        .map(|n| format!("{base}-{n}"))
        .find(|c| !taken.contains(c.as_str()))
        .unwrap_or_else(|| base.to_owned())
}

/// A fresh id not used by nodes, edges or `also`.
fn fresh_id(design: &Design, prefix: &str, also: &BTreeSet<String>) -> String {
    let mut n = design.nodes.len() + design.edges.len() + also.len() + 1;
    loop {
        let id = format!("{prefix}{n}");
        if design.node(&id).is_none() && design.edge(&id).is_none() && !also.contains(&id) {
            return id;
        }
        n += 1;
    }
}

/// A new node of a kind or preset at a world position.
#[must_use]
pub fn new_node(design: &Design, kind: NodeKind, preset: Option<&str>, at: Pos2) -> Node {
    let id = fresh_id(design, "n", &BTreeSet::new());
    let name = unique_name(design, &presets::base_name(kind, preset));
    let mut node = presets::build(id, name, kind, preset);
    node.position =
        Position { x: (at.x / canvas::GRID).round() * canvas::GRID, y: (at.y / canvas::GRID).round() * canvas::GRID };
    node
}

/// A new edge between two nodes with the default kind for their ends.
///
/// # Errors
/// When an end does not exist.
pub fn connect(design: &Design, from: &str, to: &str, kind: Option<EdgeKind>) -> Result<Edge, String> {
    let missing = |id: &str| tr_args("command-no-node", &[("id", format!("{id:?}").into())]);
    let a = design.node(from).ok_or_else(|| missing(from))?;
    let b = design.node(to).ok_or_else(|| missing(to))?;
    let kind = kind.unwrap_or_else(|| canvas::default_edge_kind(a.kind, b.kind));
    let id = fresh_id(design, "e", &BTreeSet::new());
    let mut edge = Edge::new(id, from, to, kind);
    match kind {
        EdgeKind::Subscription => edge.subscription = Some(SubscriptionSettings::default()),
        EdgeKind::Signal => edge.signal = Some("post_save".to_owned()),
        EdgeKind::Call | EdgeKind::Event => {}
    }
    // Later steps run after earlier ones: number them in creation order.
    edge.order = design.edges.iter().filter(|e| e.from == from).map(|e| e.order + 1).max().unwrap_or(0);
    Ok(edge)
}

/// The selected nodes plus the receivers they host.
fn selected_with_receivers(design: &Design, selection: &Selection) -> BTreeSet<String> {
    let mut ids: BTreeSet<String> = selection.nodes.clone();
    for n in &design.nodes {
        if n.host.as_ref().is_some_and(|h| ids.contains(h)) {
            ids.insert(n.id.clone());
        }
    }
    ids
}

/// The selection as a design document (nodes and the edges among them), for
/// the clipboard. `None` when no node is selected.
#[must_use]
pub fn copy_json(design: &Design, selection: &Selection) -> Option<String> {
    let ids = selected_with_receivers(design, selection);
    if ids.is_empty() {
        return None;
    }
    let clip = Design {
        name: "clipboard".to_owned(),
        nodes: design.nodes.iter().filter(|n| ids.contains(&n.id)).cloned().collect(),
        edges: design.edges.iter().filter(|e| ids.contains(&e.from) && ids.contains(&e.to)).cloned().collect(),
        ..Design::default()
    };
    Some(format::to_json(&clip))
}

/// Nodes and edges to insert for pasted design JSON, with fresh ids and
/// names. Placed centred on `at`, or offset from the originals.
///
/// # Errors
/// When the text is not a design.
pub fn paste(design: &Design, text: &str, at: Option<Pos2>) -> Result<(Vec<Node>, Vec<Edge>), String> {
    let clip = format::from_str(text, format::Format::sniff(text), "clipboard").map_err(|e| e.to_string())?;
    Ok(remap(design, &clip.nodes, &clip.edges, at))
}

/// Copies of nodes and edges with fresh ids and unique names.
fn remap(design: &Design, nodes: &[Node], edges: &[Edge], at: Option<Pos2>) -> (Vec<Node>, Vec<Edge>) {
    let mut used_ids: BTreeSet<String> = BTreeSet::new();
    let mut id_map: BTreeMap<String, String> = BTreeMap::new();
    let mut scratch = design.clone();
    let offset = match at {
        Some(p) if !nodes.is_empty() => {
            let n = nodes.len() as f32;
            let cx = nodes.iter().map(|n| n.position.x).sum::<f32>() / n;
            let cy = nodes.iter().map(|n| n.position.y).sum::<f32>() / n;
            (p.x - cx, p.y - cy)
        }
        _ => (40.0, 40.0),
    };
    let mut out_nodes = Vec::with_capacity(nodes.len());
    for node in nodes {
        let id = fresh_id(&scratch, "n", &used_ids);
        used_ids.insert(id.clone());
        id_map.insert(node.id.clone(), id.clone());
        let mut copy = node.clone();
        copy.id = id;
        copy.name = unique_name(&scratch, &node.name);
        copy.position.x += offset.0;
        copy.position.y += offset.1;
        scratch.nodes.push(copy.clone());
        out_nodes.push(copy);
    }
    for node in &mut out_nodes {
        // A pasted receiver follows its pasted host; else it keeps the original host.
        if let Some(h) = &node.host
            && let Some(new) = id_map.get(h)
        {
            node.host = Some(new.clone());
        }
        // Likewise a pasted service registers with the pasted copy of its registry.
        if let Some(d) = &mut node.discovery
            && let Some(new) = d.registry.as_ref().and_then(|r| id_map.get(r))
        {
            d.registry = Some(new.clone());
        }
    }
    let mut out_edges = Vec::new();
    for edge in edges {
        let (Some(from), Some(to)) = (id_map.get(&edge.from), id_map.get(&edge.to)) else { continue };
        let id = fresh_id(&scratch, "e", &used_ids);
        used_ids.insert(id.clone());
        let mut copy = edge.clone();
        copy.id = id;
        copy.from.clone_from(from);
        copy.to.clone_from(to);
        out_edges.push(copy);
    }
    (out_nodes, out_edges)
}

/// Duplicate the selection next to itself.
#[must_use]
pub fn duplicate(design: &Design, selection: &Selection) -> Option<Command> {
    let ids = selected_with_receivers(design, selection);
    if ids.is_empty() {
        return None;
    }
    let nodes: Vec<Node> = design.nodes.iter().filter(|n| ids.contains(&n.id)).cloned().collect();
    let edges: Vec<Edge> =
        design.edges.iter().filter(|e| ids.contains(&e.from) && ids.contains(&e.to)).cloned().collect();
    let (nodes, edges) = remap(design, &nodes, &edges, None);
    Some(Command::Insert { nodes, edges })
}

/// The command that deletes the selection: its workload, edges and nodes
/// (with everything that cannot live without them) in one `Batch`, so the
/// whole deletion is one undo step; `None` when nothing is selected.
#[must_use]
pub fn delete(selection: &Selection) -> Option<Command> {
    let nodes: Vec<String> = selection.nodes.iter().cloned().collect();
    let edges: Vec<String> = selection.edges.iter().cloned().collect();
    let mut parts = Vec::new();
    if let Some(w) = &selection.workload {
        parts.push(Command::RemoveWorkload(w.clone()));
    }
    if !edges.is_empty() {
        parts.push(Command::RemoveEdges(edges));
    }
    if !nodes.is_empty() {
        parts.push(Command::RemoveNodes(nodes));
    }
    (!parts.is_empty()).then_some(Command::Batch(parts))
}

/// The nodes of the selection and of its group frame, to put in or out of a group.
#[must_use]
pub fn grouped_ids(design: &Design, selection: &Selection) -> Vec<String> {
    let mut ids: Vec<String> = selection.nodes.iter().cloned().collect();
    if let Some(g) = &selection.group {
        ids.extend(design.nodes.iter().filter(|n| n.group.as_ref() == Some(g)).map(|n| n.id.clone()));
    }
    ids
}

/// A group label not in use yet.
#[must_use]
pub fn new_group_name(design: &Design) -> String {
    let taken: BTreeSet<&str> = design.nodes.iter().filter_map(|n| n.group.as_deref()).collect();
    (1..taken.len() + 2)
        .map(|n| format!("group {n}"))
        .find(|g| !taken.contains(g.as_str()))
        .unwrap_or_else(|| "group".to_owned())
}

/// The node a new workload enters: a client if there is one, then a
/// gateway, then any node that may be an entry (never a broker, a signal
/// receiver or a registry).
#[must_use]
pub fn workload_entry(design: &Design) -> Option<&engine::model::Node> {
    use engine::model::NodeKind;
    let nodes = &design.nodes;
    nodes
        .iter()
        .find(|n| n.kind == NodeKind::Client)
        .or_else(|| nodes.iter().find(|n| n.kind == NodeKind::Gateway))
        .or_else(|| nodes.iter().find(|n| n.kind == NodeKind::Service))
        .or_else(|| {
            nodes.iter().find(|n| !matches!(n.kind, NodeKind::Broker | NodeKind::Receiver | NodeKind::Registry))
        })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;
    use crate::gui::document::Document;

    fn doc() -> Document {
        let mut doc = Document::default();
        let a = new_node(doc.design(), NodeKind::Service, None, Pos2::ZERO);
        doc.apply(Command::AddNode(Box::new(a))).unwrap();
        let b = new_node(doc.design(), NodeKind::Broker, Some("kafka"), Pos2::new(200.0, 0.0));
        doc.apply(Command::AddNode(Box::new(b))).unwrap();
        doc
    }

    #[test]
    fn deleting_a_selection_is_one_command_that_one_undo_reverts() {
        let mut d = doc();
        let (a, b) = (d.design().nodes[0].id.clone(), d.design().nodes[1].id.clone());
        let edge = connect(d.design(), &a, &b, None).unwrap();
        d.apply(Command::AddEdge(Box::new(edge))).unwrap();
        let before = d.design().clone();
        assert_eq!(before.edges.len(), 1);
        let sel = Selection {
            nodes: before.nodes.iter().map(|n| n.id.clone()).collect(),
            edges: before.edges.iter().map(|e| e.id.clone()).collect(),
            ..Selection::default()
        };
        let cmd = delete(&sel).unwrap();
        assert!(matches!(cmd, Command::Batch(_)));
        d.apply(cmd).unwrap();
        assert!(d.design().nodes.is_empty() && d.design().edges.is_empty());
        assert!(d.undo());
        assert_eq!(d.design(), &before, "one undo brings everything back");
        assert!(delete(&Selection::default()).is_none(), "nothing selected, nothing to do");
    }

    #[test]
    fn names_stay_unique() {
        let doc = doc();
        assert_eq!(unique_name(doc.design(), "service"), "service-2");
        assert_eq!(unique_name(doc.design(), "orders"), "orders");
    }

    #[test]
    fn connect_picks_event_into_a_broker() {
        let doc = doc();
        let (a, b) = (&doc.design().nodes[0].id, &doc.design().nodes[1].id);
        let e = connect(doc.design(), a, b, None).unwrap();
        assert_eq!(e.kind, EdgeKind::Event);
        let e = connect(doc.design(), b, a, None).unwrap();
        assert_eq!(e.kind, EdgeKind::Subscription);
        assert!(e.subscription.is_some());
    }

    #[test]
    fn copy_paste_round_trip_gets_fresh_ids_and_names() {
        let mut doc = doc();
        let (a, b) = (doc.design().nodes[0].id.clone(), doc.design().nodes[1].id.clone());
        let e = connect(doc.design(), &a, &b, None).unwrap();
        doc.apply(Command::AddEdge(Box::new(e))).unwrap();
        let mut sel = Selection::default();
        sel.nodes.insert(a);
        sel.nodes.insert(b);
        let json = copy_json(doc.design(), &sel).unwrap();
        let (nodes, edges) = paste(doc.design(), &json, Some(Pos2::new(500.0, 500.0))).unwrap();
        assert_eq!(nodes.len(), 2);
        assert_eq!(edges.len(), 1);
        doc.apply(Command::Insert { nodes, edges }).unwrap();
        assert_eq!(doc.design().nodes.len(), 4);
        assert_eq!(doc.design().edges.len(), 2);
        let names: BTreeSet<&str> = doc.design().nodes.iter().map(|n| n.name.as_str()).collect();
        assert_eq!(names.len(), 4);
    }

    #[test]
    fn a_duplicated_service_follows_its_duplicated_registry() {
        let mut doc = Document::default();
        let reg = new_node(doc.design(), NodeKind::Registry, Some("consul"), Pos2::ZERO);
        doc.apply(Command::AddNode(Box::new(reg.clone()))).unwrap();
        let mut svc = new_node(doc.design(), NodeKind::Service, None, Pos2::new(0.0, 200.0));
        svc.discovery = Some(engine::model::Discovery { registry: Some(reg.id.clone()), ..Default::default() });
        doc.apply(Command::AddNode(Box::new(svc.clone()))).unwrap();

        // Both copied: the copy registers with the copied registry.
        let mut both = Selection::default();
        both.nodes.insert(reg.id.clone());
        both.nodes.insert(svc.id.clone());
        let Some(Command::Insert { nodes, .. }) = duplicate(doc.design(), &both) else { panic!("an insert") };
        let new_reg = nodes.iter().find(|n| n.kind == NodeKind::Registry).unwrap();
        let new_svc = nodes.iter().find(|n| n.kind == NodeKind::Service).unwrap();
        assert_ne!(new_reg.id, reg.id);
        assert_eq!(new_svc.discovery.as_ref().unwrap().registry.as_deref(), Some(new_reg.id.as_str()));

        // The service alone: it keeps the original registry.
        let mut one = Selection::default();
        one.nodes.insert(svc.id.clone());
        let Some(Command::Insert { nodes, .. }) = duplicate(doc.design(), &one) else { panic!("an insert") };
        assert_eq!(nodes[0].discovery.as_ref().unwrap().registry.as_deref(), Some(reg.id.as_str()));
    }

    #[test]
    fn paste_rejects_junk() {
        let doc = doc();
        assert!(paste(doc.design(), "not json at all {", None).is_err());
    }
}
