//! How each [`Command`] changes a design: the checks that refuse it and the
//! change itself. The document applies a command to a copy of its design, so
//! an error in a later part of a batch leaves the design as it was.

use std::collections::BTreeSet;

use engine::Design;
use engine::model::{Edge, Node};

use super::{Command, CommandError, refuse};
use crate::gui::i18n::{tr, tr_args};

fn node_mut<'a>(design: &'a mut Design, id: &str) -> Result<&'a mut Node, CommandError> {
    match design.nodes.iter_mut().find(|n| n.id == id) {
        Some(n) => Ok(n),
        None => refuse(tr_args("command-no-node", &[("id", format!("{id:?}").into())])),
    }
}

fn check_new_node(design: &Design, node: &Node) -> Result<(), CommandError> {
    if node.id.is_empty() || design.node(&node.id).is_some() || design.edge(&node.id).is_some() {
        return refuse(tr_args("command-id-in-use", &[("id", format!("{:?}", node.id).into())]));
    }
    if node.name.trim().is_empty() {
        return refuse(tr("command-node-needs-name"));
    }
    if design.nodes.iter().any(|n| n.name == node.name) {
        return refuse(tr_args("command-name-in-use", &[("name", format!("{:?}", node.name).into())]));
    }
    Ok(())
}

fn check_new_edge(design: &Design, edge: &Edge) -> Result<(), CommandError> {
    if edge.id.is_empty() || design.edge(&edge.id).is_some() || design.node(&edge.id).is_some() {
        return refuse(tr_args("command-id-in-use", &[("id", format!("{:?}", edge.id).into())]));
    }
    for end in [&edge.from, &edge.to] {
        if design.node(end).is_none() {
            return refuse(tr_args("command-no-node", &[("id", format!("{end:?}").into())]));
        }
    }
    Ok(())
}

/// Apply a command to a design (the document snapshots it first).
pub(super) fn execute(design: &mut Design, command: Command) -> Result<(), CommandError> {
    match command {
        // The document applies a command to a copy, so an error in a later
        // part leaves the design as it was.
        Command::Batch(commands) => {
            for command in commands {
                execute(design, command)?;
            }
        }
        Command::AddNode(node) => {
            check_new_node(design, &node)?;
            design.nodes.push(*node);
        }
        Command::Insert { nodes, edges } => {
            for node in nodes {
                check_new_node(design, &node)?;
                design.nodes.push(node);
            }
            for edge in edges {
                check_new_edge(design, &edge)?;
                design.edges.push(edge);
            }
        }
        Command::RemoveNodes(ids) => remove_nodes(design, &ids),
        Command::MoveNodes(moves) => {
            for (id, position) in moves {
                node_mut(design, &id)?.position = position;
            }
        }
        Command::SetNode(node) => set_node(design, *node)?,
        Command::Rename { id, name } => rename_node(design, &id, &name)?,
        Command::AddEdge(edge) => {
            check_new_edge(design, &edge)?;
            design.edges.push(*edge);
        }
        Command::RemoveEdges(ids) => {
            let ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
            design.edges.retain(|e| !ids.contains(e.id.as_str()));
        }
        Command::SetEdge(edge) => set_edge(design, *edge)?,
        Command::SetGroup { ids, group } => {
            let group = group.map(|g| g.trim().to_owned()).filter(|g| !g.is_empty());
            for id in ids {
                node_mut(design, &id)?.group.clone_from(&group);
            }
        }
        Command::RenameGroup { from, to } => rename_group(design, &from, &to)?,
        Command::AddWorkload(workload) => {
            if design.workloads.iter().any(|w| w.name == workload.name) {
                return refuse(workload_name_in_use(&workload.name));
            }
            design.workloads.push(*workload);
        }
        Command::SetWorkload { name, workload } => set_workload(design, &name, *workload)?,
        Command::RemoveWorkload(name) => {
            let Some(index) = design.workloads.iter().position(|w| w.name == name) else {
                return refuse(tr_args("command-no-workload", &[("name", format!("{name:?}").into())]));
            };
            design.workloads.remove(index);
            design.slos.retain(|s| s.workload != name);
        }
        Command::SetSlos(slos) => design.slos = slos,
        Command::SetSimulation(settings) => design.simulation = *settings,
        Command::SetInfo { name, description } => {
            design.name = name;
            design.description = description;
        }
        Command::ReplaceDesign(next) => *design = *next,
        Command::SetFaults { scenario, faults } => match scenario {
            None => design.faults = faults,
            Some(name) => {
                let Some(s) = design.scenarios.iter_mut().find(|s| s.name == name) else {
                    return refuse(tr_args("command-no-scenario", &[("name", format!("{name:?}").into())]));
                };
                s.faults = faults;
            }
        },
        Command::SetScenarios(scenarios) => set_scenarios(design, scenarios)?,
    }
    Ok(())
}

/// Replace a node (found by its id), keeping names unique and non-empty.
fn set_node(design: &mut Design, node: Node) -> Result<(), CommandError> {
    if design.nodes.iter().any(|n| n.id != node.id && n.name == node.name) {
        return refuse(tr_args("command-name-in-use", &[("name", format!("{:?}", node.name).into())]));
    }
    if node.name.trim().is_empty() {
        return refuse(tr("command-node-needs-name"));
    }
    let id = node.id.clone();
    let slot = node_mut(design, &id)?;
    // A service time or capacity typed in is no longer an invention.
    let timed = slot.service_time != node.service_time;
    let sized = slot.capacity != node.capacity;
    *slot = node;
    let known = [timed.then(|| format!("nodes[{id}].service_time")), sized.then(|| format!("nodes[{id}].capacity"))];
    design.placeholders.retain(|p| !known.iter().flatten().any(|k| k == p));
    Ok(())
}

/// Rename a node to its trimmed new name, unique and non-empty.
fn rename_node(design: &mut Design, id: &str, name: &str) -> Result<(), CommandError> {
    let name = name.trim().to_owned();
    if name.is_empty() {
        return refuse(tr("command-node-needs-name"));
    }
    if design.nodes.iter().any(|n| n.id != id && n.name == name) {
        return refuse(tr_args("command-name-in-use", &[("name", format!("{name:?}").into())]));
    }
    node_mut(design, id)?.name = name;
    Ok(())
}

/// Replace an edge (found by its id) whose ends both exist.
fn set_edge(design: &mut Design, edge: Edge) -> Result<(), CommandError> {
    for end in [&edge.from, &edge.to] {
        if design.node(end).is_none() {
            return refuse(tr_args("command-no-node", &[("id", format!("{end:?}").into())]));
        }
    }
    let Some(slot) = design.edges.iter_mut().find(|e| e.id == edge.id) else {
        return refuse(tr_args("command-no-edge", &[("id", format!("{:?}", edge.id).into())]));
    };
    *slot = edge;
    Ok(())
}

/// Give every node of group `from` the group `to` (trimmed, non-empty).
fn rename_group(design: &mut Design, from: &str, to: &str) -> Result<(), CommandError> {
    let to = to.trim().to_owned();
    if to.is_empty() {
        return refuse(tr("command-group-needs-name"));
    }
    for node in &mut design.nodes {
        if node.group.as_deref() == Some(from) {
            node.group = Some(to.clone());
        }
    }
    Ok(())
}

fn workload_name_in_use(name: &str) -> String {
    tr_args("command-workload-name-in-use", &[("name", format!("{name:?}").into())])
}

/// Replace the workload named `name`; its SLOs follow a rename.
fn set_workload(design: &mut Design, name: &str, workload: engine::model::Workload) -> Result<(), CommandError> {
    if workload.name != name && design.workloads.iter().any(|w| w.name == workload.name) {
        return refuse(workload_name_in_use(&workload.name));
    }
    let Some(slot) = design.workloads.iter_mut().find(|w| w.name == name) else {
        return refuse(tr_args("command-no-workload", &[("name", format!("{name:?}").into())]));
    };
    let new_name = workload.name.clone();
    // A rate typed in is no longer an import's invention.
    let rate_changed = slot.arrival != workload.arrival;
    *slot = workload;
    if rate_changed {
        let path = format!("workloads[{name}].arrival.rate_per_s");
        design.placeholders.retain(|p| *p != path);
    }
    if new_name != name {
        // Keep the SLOs attached to the renamed workload.
        for slo in &mut design.slos {
            if slo.workload == name {
                slo.workload.clone_from(&new_name);
            }
        }
    }
    Ok(())
}

/// Replace the scenarios, each named and no two alike.
fn set_scenarios(design: &mut Design, scenarios: Vec<engine::model::Scenario>) -> Result<(), CommandError> {
    let mut names = BTreeSet::new();
    for s in &scenarios {
        if s.name.trim().is_empty() {
            return refuse(tr("command-scenario-needs-name"));
        }
        if !names.insert(s.name.as_str()) {
            return refuse(tr_args("command-scenario-name-in-use", &[("name", format!("{:?}", s.name).into())]));
        }
    }
    design.scenarios = scenarios;
    Ok(())
}

/// Remove nodes with everything that cannot live without them.
fn remove_nodes(design: &mut Design, ids: &[String]) {
    let mut gone: BTreeSet<String> = ids.iter().cloned().collect();
    // Receivers run inside their host: they go with it.
    for node in &design.nodes {
        if node.host.as_ref().is_some_and(|h| gone.contains(h)) {
            gone.insert(node.id.clone());
        }
    }
    design.nodes.retain(|n| !gone.contains(&n.id));
    design.edges.retain(|e| !gone.contains(&e.from) && !gone.contains(&e.to));
    let removed_workloads: BTreeSet<String> =
        design.workloads.iter().filter(|w| gone.contains(&w.entry)).map(|w| w.name.clone()).collect();
    design.workloads.retain(|w| !gone.contains(&w.entry));
    design.slos.retain(|s| !removed_workloads.contains(&s.workload));
    design.faults.retain(|f| !gone.contains(&f.target));
    for s in &mut design.scenarios {
        s.faults.retain(|f| !gone.contains(&f.target));
    }
    // Services that registered with a removed registry keep their health
    // check on the platform's own discovery: there is nothing left to look up.
    for node in &mut design.nodes {
        if let Some(d) = node.discovery.as_mut()
            && d.registry.as_ref().is_some_and(|r| gone.contains(r))
        {
            d.registry = None;
            d.mode = engine::model::DiscoveryMode::ServerSide;
        }
    }
}
