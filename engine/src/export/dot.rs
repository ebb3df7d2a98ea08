//! Graphviz DOT, for documentation: nodes shaped by kind, edges styled by
//! kind, groups as clusters, and dashed open-arrow links from discovered
//! services to their registry ("registers") and from the callers of
//! client-side discovered ones ("looks up"). Every design string is written as a quoted DOT
//! string through [`quote`], which escapes `"` and `\` and turns line breaks
//! into DOT's `\n`, so no name can end its string early or start an escape
//! sequence of its own.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::names::{self, NameTable};
use super::{Note, NoteKind};
use crate::Design;
use crate::model::{Edge, EdgeKind, Node, NodeKind};

/// A DOT quoted string.
#[must_use]
pub(crate) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn shape(kind: NodeKind) -> &'static str {
    match kind {
        NodeKind::Service => "box",
        NodeKind::Gateway => "hexagon",
        NodeKind::Database => "cylinder",
        NodeKind::Cache => "box3d",
        NodeKind::Broker => "cds",
        NodeKind::Client => "ellipse",
        NodeKind::Receiver => "component",
        NodeKind::Registry => "folder",
    }
}

fn edge_style(kind: EdgeKind) -> &'static str {
    match kind {
        EdgeKind::Call => "solid",
        EdgeKind::Event | EdgeKind::Subscription => "dashed",
        EdgeKind::Signal => "dotted",
    }
}

/// Node ids (`n_orders`), unique, in design order.
pub(crate) fn node_ids(design: &Design) -> BTreeMap<&str, String> {
    let mut table = NameTable::identifiers(64);
    let mut ids = BTreeMap::new();
    for node in &design.nodes {
        let base = names::identifier(&node.name, 60);
        let base = if base.is_empty() { names::identifier(&node.id, 60) } else { base };
        let base = if base.is_empty() { node.kind.as_str().to_owned() } else { base };
        ids.entry(node.id.as_str()).or_insert_with(|| table.claim(&format!("n_{base}")));
    }
    ids
}

/// Distinct groups in design order.
pub(crate) fn groups(design: &Design) -> Vec<&str> {
    let mut seen: Vec<&str> = Vec::new();
    for g in design.nodes.iter().filter_map(|n| n.group.as_deref()) {
        if !seen.contains(&g) {
            seen.push(g);
        }
    }
    seen
}

/// The text under a node's name: its kind and preset.
pub(crate) fn kind_line(node: &crate::model::Node) -> String {
    match &node.preset {
        Some(p) => format!("{} · {p}", node.kind.as_str()),
        None => node.kind.as_str().to_owned(),
    }
}

/// The label of an edge: its kind unless a call, then its canvas label.
pub(crate) fn edge_label(edge: &crate::model::Edge) -> String {
    let detail = edge.label().to_string();
    match (edge.kind, detail.is_empty()) {
        (EdgeKind::Call, _) => detail,
        (kind, true) => kind.as_str().to_owned(),
        (kind, false) => format!("{} · {detail}", kind.as_str()),
    }
}

/// The nodes of each group inside a block (`open(number, group)` up to
/// `close`), then the nodes in no group, one `node_line` each: the layout
/// the DOT and Mermaid exports share.
pub(crate) fn write_grouped_nodes(
    out: &mut String,
    design: &Design,
    open: impl Fn(usize, &str) -> String,
    close: &str,
    node_line: impl Fn(&Node) -> String,
) {
    for (i, group) in groups(design).iter().enumerate() {
        let _ = writeln!(out, "  {}", open(i + 1, group));
        for node in design.nodes.iter().filter(|n| n.group.as_deref() == Some(group)) {
            let _ = writeln!(out, "    {}", node_line(node));
        }
        let _ = writeln!(out, "  {close}");
    }
    for node in design.nodes.iter().filter(|n| n.group.is_none()) {
        let _ = writeln!(out, "  {}", node_line(node));
    }
}

/// An edge's two ends by their diagram ids; `None`, with a note, when an
/// end does not exist.
pub(crate) fn edge_ends<'a>(
    ids: &'a BTreeMap<&str, String>,
    edge: &Edge,
    notes: &mut Vec<Note>,
) -> Option<(&'a str, &'a str)> {
    if let (Some(from), Some(to)) = (ids.get(edge.from.as_str()), ids.get(edge.to.as_str())) {
        return Some((from, to));
    }
    notes.push(Note::new(
        NoteKind::Unsupported,
        &edge.id,
        crate::msg!("engine-export-edge-end-missing", "an end of this edge does not exist: left out"),
    ));
    None
}

pub(super) fn export(design: &Design) -> super::Output {
    let ids = node_ids(design);
    let mut notes = Vec::new();
    let mut out = String::new();
    let _ = writeln!(out, "digraph {} {{", quote(&design.name));
    let _ = writeln!(out, "  graph [rankdir=LR, labelloc=t, fontname=\"Helvetica\", label={}];", quote(&design.name));
    let _ = writeln!(out, "  node [fontname=\"Helvetica\", style=\"rounded,filled\", fillcolor=\"#f5f7fa\"];");
    let _ = writeln!(out, "  edge [fontname=\"Helvetica\", fontsize=10];");
    let node_line = |node: &crate::model::Node| {
        let id = ids.get(node.id.as_str()).cloned().unwrap_or_default();
        format!("{id} [label={}, shape={}];", quote(&format!("{}\n{}", node.name, kind_line(node))), shape(node.kind))
    };
    write_grouped_nodes(
        &mut out,
        design,
        |i, group| format!("subgraph cluster_{i} {{\n    label={};", quote(group)),
        "}",
        node_line,
    );
    for edge in &design.edges {
        let Some((from, to)) = edge_ends(&ids, edge, &mut notes) else { continue };
        let _ =
            writeln!(out, "  {from} -> {to} [label={}, style={}];", quote(&edge_label(edge)), edge_style(edge.kind));
    }
    for (from, to, link) in super::discovery::diagram_links(design, &mut notes) {
        let (Some(from), Some(to)) = (ids.get(from), ids.get(to)) else { continue };
        let _ = writeln!(
            out,
            "  {from} -> {to} [label={}, style=dashed, arrowhead=open, color=\"#7a869a\"];",
            quote(link.label())
        );
    }
    out.push_str("}\n");
    (vec![(super::ExportFormat::Dot.file_name().to_owned(), out)], notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_never_lets_a_string_escape() {
        assert_eq!(quote(r#"a"b\"#), r#""a\"b\\""#);
        assert_eq!(quote("x\ny\r\u{7}"), "\"x\\ny \"");
        // The only unescaped quotes are the two delimiters.
        let q = quote("\"\\\"\\\\\"");
        let inner = &q[1..q.len() - 1];
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            assert_ne!(c, '"');
            if c == '\\' {
                assert!(matches!(chars.next(), Some('"' | '\\' | 'n')));
            }
        }
    }
}
