//! Mermaid flowchart, for documentation in Markdown. Registrations and
//! client-side lookups are dotted links labelled `registers` / `looks up`. Every design string is
//! written inside `"..."` through [`quote`], which replaces each character
//! Mermaid's lexer, its entity decoding, Markdown strings or HTML labels
//! could read as syntax with a numeric entity (`#34;`), so no name can close
//! its string or inject markup.
//!
//! Mermaid refuses a flowchart of more than `maxEdges` links (500 by
//! default): the report says so, and the collapsed view (one node per
//! group, edges between groups aggregated into one labelled link per pair
//! of ends and kind) draws such a design at the level of its groups.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::dot::{edge_ends, edge_label, groups, kind_line, node_ids, write_grouped_nodes};
use super::{Note, NoteKind};
use crate::Design;
use crate::model::{EdgeKind, NodeKind};

/// Mermaid's default `maxTextSize`: larger diagrams need the viewer's setting raised.
const MERMAID_MAX_TEXT: usize = 50_000;

/// Mermaid's default `maxEdges` (its configuration schema): a flowchart with
/// more links is refused ("Too many edges") unless the viewer raises it.
const MERMAID_MAX_EDGES: usize = 500;

/// A Mermaid quoted string.
#[must_use]
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' | '#' | '&' | '<' | '>' | '`' | '|' | '%' | '\\' | '{' | '}' | '[' | ']' | '(' | ')' | ';' => {
                let _ = write!(out, "#{};", u32::from(c));
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(kind: NodeKind, label: &str) -> String {
    match kind {
        NodeKind::Service => format!("[{label}]"),
        NodeKind::Gateway => format!("{{{{{label}}}}}"),
        NodeKind::Database => format!("[({label})]"),
        NodeKind::Cache => format!("([{label}])"),
        NodeKind::Broker => format!(">{label}]"),
        NodeKind::Client => format!("(({label}))"),
        NodeKind::Receiver => format!("[[{label}]]"),
        NodeKind::Registry => format!("[/{label}/]"),
    }
}

fn arrow(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Call => "-->",
        EdgeKind::Event | EdgeKind::Subscription => "-.->",
        EdgeKind::Signal => "==>",
    }
}

pub(super) fn export(design: &Design, collapse_groups: bool) -> super::Output {
    let mut notes = Vec::new();
    let (out, edge_count) = if collapse_groups { collapsed(design, &mut notes) } else { detailed(design, &mut notes) };
    if edge_count > MERMAID_MAX_EDGES {
        notes.push(Note::new(
            NoteKind::Approximated,
            "design",
            edge_limit_message(design, edge_count, collapse_groups),
        ));
    }
    if out.len() > MERMAID_MAX_TEXT {
        notes.push(Note::new(
            NoteKind::Approximated,
            "design",
            crate::msg!(
                "engine-export-mermaid-text-size",
                "{characters} characters: more than Mermaid's default maxTextSize ({limit})",
                characters = out.len(),
                limit = MERMAID_MAX_TEXT
            ),
        ));
    }
    (vec![(super::ExportFormat::Mermaid.file_name().to_owned(), out)], notes)
}

/// Every node and every edge, groups as subgraphs. Returns the text and
/// the number of links drawn (Mermaid counts each as one edge).
fn detailed(design: &Design, notes: &mut Vec<Note>) -> (String, usize) {
    let mut links = 0_usize;
    let ids = node_ids(design);
    let mut out = String::from("flowchart LR\n");
    let node_line = |node: &crate::model::Node| {
        let id = ids.get(node.id.as_str()).cloned().unwrap_or_default();
        let label = quote(&format!("{} · {}", node.name, kind_line(node)));
        format!("{id}{}", shape(node.kind, &label))
    };
    write_grouped_nodes(&mut out, design, |i, group| format!("subgraph g_{i} [{}]", quote(group)), "end", node_line);
    for edge in &design.edges {
        let Some((from, to)) = edge_ends(&ids, edge, notes) else { continue };
        let label = edge_label(edge);
        links += 1;
        if label.is_empty() {
            let _ = writeln!(out, "  {from} {} {to}", arrow(edge.kind));
        } else {
            let _ = writeln!(out, "  {from} {}|{}| {to}", arrow(edge.kind), quote(&label));
        }
    }
    for (from, to, link) in super::discovery::diagram_links(design, notes) {
        let (Some(from), Some(to)) = (ids.get(from), ids.get(to)) else { continue };
        // The label is one of two fixed words, so it needs no quoting.
        let _ = writeln!(out, "  {from} -.{}.-> {to}", link.label());
        links += 1;
    }
    (out, links)
}

fn edge_limit_message(design: &Design, edge_count: usize, collapsed: bool) -> crate::message::Message {
    let limit = MERMAID_MAX_EDGES;
    if collapsed {
        crate::msg!(
            "engine-export-mermaid-edges-collapsed",
            "{edge_count} edges: more than Mermaid's default maxEdges ({limit}), above which Mermaid refuses to draw \
             the diagram (raise `maxEdges` in the viewer's configuration, or split the design into more groups)",
            edge_count = edge_count,
            limit = limit
        )
    } else if design.nodes.iter().any(|n| n.group.is_some()) {
        crate::msg!(
            "engine-export-mermaid-edges-grouped",
            "{edge_count} edges: more than Mermaid's default maxEdges ({limit}), above which Mermaid refuses to draw \
             the diagram (raise `maxEdges` in the viewer's configuration, or export the grouped, collapsed view: \
             --collapse-groups, \"Collapse groups\" in the Export dialog)",
            edge_count = edge_count,
            limit = limit
        )
    } else {
        crate::msg!(
            "engine-export-mermaid-edges",
            "{edge_count} edges: more than Mermaid's default maxEdges ({limit}), above which Mermaid refuses to draw \
             the diagram (raise `maxEdges` in the viewer's configuration, or put the nodes in groups and export the \
             collapsed view: --collapse-groups)",
            edge_count = edge_count,
            limit = limit
        )
    }
}

/// One node per group (the nodes in no group stay as they are) and one
/// line per (from, to, edge kind) between them, labelled with how many
/// edges it stands for; edges inside one group are counted in a note.
/// Returns the text and the number of links drawn.
fn collapsed(design: &Design, notes: &mut Vec<Note>) -> (String, usize) {
    let node_ids = node_ids(design);
    let group_numbers: BTreeMap<&str, usize> =
        groups(design).into_iter().enumerate().map(|(i, g)| (g, i + 1)).collect();
    let mut group_sizes: BTreeMap<usize, usize> = BTreeMap::new();
    let mut ends: BTreeMap<&str, String> = BTreeMap::new();
    for node in &design.nodes {
        if let Some(number) = node.group.as_deref().and_then(|g| group_numbers.get(g)) {
            *group_sizes.entry(*number).or_default() += 1;
            ends.insert(node.id.as_str(), format!("g_{number}"));
        } else if let Some(id) = node_ids.get(node.id.as_str()) {
            ends.insert(node.id.as_str(), id.clone());
        }
    }
    let mut out = String::from("flowchart LR\n");
    for (group, number) in groups(design).into_iter().map(|g| (g, group_numbers.get(g).copied().unwrap_or_default())) {
        let size = group_sizes.get(&number).copied().unwrap_or_default();
        let label = quote(&format!("{group} · group of {size} node{}", if size == 1 { "" } else { "s" }));
        let _ = writeln!(out, "  g_{number}[{label}]");
    }
    for node in design.nodes.iter().filter(|n| n.group.is_none()) {
        let id = node_ids.get(node.id.as_str()).cloned().unwrap_or_default();
        let label = quote(&format!("{} · {}", node.name, kind_line(node)));
        let _ = writeln!(out, "  {id}{}", shape(node.kind, &label));
    }
    // (from, to, arrow, what) → how many edges the line stands for.
    let mut links: BTreeMap<(String, String, &'static str, &'static str), usize> = BTreeMap::new();
    let (mut inside, mut drawn) = (0_usize, 0_usize);
    for edge in &design.edges {
        let (Some(from), Some(to)) = (ends.get(edge.from.as_str()), ends.get(edge.to.as_str())) else {
            notes.push(Note::new(
                NoteKind::Unsupported,
                &edge.id,
                crate::msg!("engine-export-edge-end-missing", "an end of this edge does not exist: left out"),
            ));
            continue;
        };
        if from == to && edge.from != edge.to {
            inside += 1;
            continue;
        }
        drawn += 1;
        *links.entry((from.clone(), to.clone(), arrow(edge.kind), edge.kind.as_str())).or_default() += 1;
    }
    for (from, to, link) in super::discovery::diagram_links(design, notes) {
        let (Some(from), Some(to)) = (ends.get(from), ends.get(to)) else { continue };
        if from == to {
            inside += 1;
            continue;
        }
        drawn += 1;
        *links.entry((from.clone(), to.clone(), "-.->", link.label())).or_default() += 1;
    }
    for ((from, to, arrow, what), count) in &links {
        // The label is a count and a fixed word, so it needs no quoting.
        let _ = writeln!(out, "  {from} {arrow}|\"{count} × {what}\"| {to}");
    }
    if !group_numbers.is_empty() {
        notes.push(Note::new(
            NoteKind::Approximated,
            "design",
            crate::msg!(
                "engine-export-mermaid-collapsed",
                "collapsed view: {groups} group(s) drawn as one node each; {drawn} edge(s) and link(s) between them \
                 drawn as {links} aggregated link(s); {inside} inside a group not drawn",
                groups = group_numbers.len(),
                drawn = drawn,
                links = links.len(),
                inside = inside
            ),
        ));
    }
    (out, links.len())
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

    use super::*;

    #[test]
    fn quoting_leaves_only_safe_characters() {
        let q = quote("a\"b#c|d`e<f>\n库存服务");
        assert_eq!(q, "\"a#34;b#35;c#124;d#96;e#60;f#62; 库存服务\"");
        assert_eq!(q.matches('"').count(), 2);
    }

    /// `groups` groups of `per_group` services, each calling every service
    /// of the next group (a design of `groups × per_group²` call edges).
    fn layered(groups: usize, per_group: usize) -> Design {
        use crate::model::{Edge, Node};
        let mut design = Design::default();
        for g in 0..groups {
            for i in 0..per_group {
                let mut node = Node::new(format!("s{g}_{i}"), format!("svc {g}.{i}"), NodeKind::Service);
                node.group = Some(format!("team {g}"));
                design.nodes.push(node);
            }
        }
        for g in 0..groups.saturating_sub(1) {
            for i in 0..per_group {
                for j in 0..per_group {
                    let id = format!("e{g}_{i}_{j}");
                    design.edges.push(Edge::new(id, format!("s{g}_{i}"), format!("s{}_{j}", g + 1), EdgeKind::Call));
                }
            }
        }
        design
    }

    #[test]
    fn above_the_edge_limit_the_report_says_so_and_offers_the_collapsed_view() {
        // 4 groups of 12: 3 × 144 = 432 edges, under the limit; 5 groups: 576, over it.
        let (_, notes) = export(&layered(4, 12), false);
        assert!(!notes.iter().any(|n| n.message.contains("maxEdges")), "{notes:?}");
        let (files, notes) = export(&layered(5, 12), false);
        let note = notes.iter().find(|n| n.message.contains("maxEdges")).expect("a note about the limit");
        assert!(note.message.starts_with("576 edges"), "{}", note.message);
        assert!(note.message.contains("--collapse-groups"), "{}", note.message);
        assert_eq!(files[0].1.lines().filter(|l| l.contains(" --> ")).count(), 576);
    }

    #[test]
    fn the_collapsed_view_draws_one_node_per_group_and_one_link_per_pair() {
        let mut design = layered(5, 12);
        // One edge inside a group, and one service in no group called by two groups.
        design.edges.push(crate::model::Edge::new("inner", "s0_0", "s0_1", EdgeKind::Call));
        design.nodes.push(crate::model::Node::new("lone", "lone", NodeKind::Database));
        design.edges.push(crate::model::Edge::new("x1", "s0_0", "lone", EdgeKind::Call));
        design.edges.push(crate::model::Edge::new("x2", "s0_1", "lone", EdgeKind::Call));
        design.edges.push(crate::model::Edge::new("x3", "s4_1", "lone", EdgeKind::Call));
        let (files, notes) = export(&design, true);
        let text = &files[0].1;
        assert!(text.contains("g_1[\"team 0 · group of 12 nodes\"]"), "{text}");
        assert!(text.contains("g_5[\"team 4 · group of 12 nodes\"]"), "{text}");
        assert!(!text.contains("svc 0.0"), "members are not drawn: {text}");
        assert!(text.contains("g_1 -->|\"144 × call\"| g_2"), "{text}");
        assert!(text.contains("g_1 -->|\"2 × call\"| n_lone"), "{text}");
        assert!(text.contains("g_5 -->|\"1 × call\"| n_lone"), "{text}");
        let links = text.lines().filter(|l| l.contains(" --> ") || l.contains(" -->|")).count();
        assert_eq!(links, 6, "4 between groups, 2 to the lone node: {text}");
        assert!(!notes.iter().any(|n| n.message.contains("maxEdges")), "{notes:?}");
        let summary = notes.iter().find(|n| n.message.starts_with("collapsed view")).expect("a summary note");
        assert!(summary.message.contains("5 group(s)"), "{}", summary.message);
        assert!(summary.message.contains("579 edge(s)"), "{}", summary.message);
        assert!(summary.message.contains("1 inside a group"), "{}", summary.message);
    }
}
