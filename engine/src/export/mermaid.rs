//! Mermaid flowchart, for documentation in Markdown. Registrations and
//! client-side lookups are dotted links labelled `registers` / `looks up`. Every design string is
//! written inside `"..."` through [`quote`], which replaces each character
//! Mermaid's lexer, its entity decoding, Markdown strings or HTML labels
//! could read as syntax with a numeric entity (`#34;`), so no name can close
//! its string or inject markup.

use std::fmt::Write as _;

use super::dot::{edge_ends, edge_label, kind_line, node_ids, write_grouped_nodes};
use super::{Note, NoteKind};
use crate::Design;
use crate::model::{EdgeKind, NodeKind};

/// Mermaid's default `maxTextSize`: larger diagrams need the viewer's setting raised.
const MERMAID_MAX_TEXT: usize = 50_000;

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

pub(super) fn export(design: &Design) -> super::Output {
    let ids = node_ids(design);
    let mut notes = Vec::new();
    let mut out = String::from("flowchart LR\n");
    let node_line = |node: &crate::model::Node| {
        let id = ids.get(node.id.as_str()).cloned().unwrap_or_default();
        let label = quote(&format!("{} · {}", node.name, kind_line(node)));
        format!("{id}{}", shape(node.kind, &label))
    };
    write_grouped_nodes(&mut out, design, |i, group| format!("subgraph g_{i} [{}]", quote(group)), "end", node_line);
    for edge in &design.edges {
        let Some((from, to)) = edge_ends(&ids, edge, &mut notes) else { continue };
        let label = edge_label(edge);
        if label.is_empty() {
            let _ = writeln!(out, "  {from} {} {to}", arrow(edge.kind));
        } else {
            let _ = writeln!(out, "  {from} {}|{}| {to}", arrow(edge.kind), quote(&label));
        }
    }
    for (from, to, link) in super::discovery::diagram_links(design, &mut notes) {
        let (Some(from), Some(to)) = (ids.get(from), ids.get(to)) else { continue };
        // The label is one of two fixed words, so it needs no quoting.
        let _ = writeln!(out, "  {from} -.{}.-> {to}", link.label());
    }
    if out.len() > MERMAID_MAX_TEXT {
        notes.push(Note::new(
            NoteKind::Approximated,
            "design",
            format!("{} characters: more than Mermaid's default maxTextSize ({MERMAID_MAX_TEXT})", out.len()),
        ));
    }
    (vec![(super::ExportFormat::Mermaid.file_name().to_owned(), out)], notes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_leaves_only_safe_characters() {
        let q = quote("a\"b#c|d`e<f>\n库存服务");
        assert_eq!(q, "\"a#34;b#35;c#124;d#96;e#60;f#62; 库存服务\"");
        assert_eq!(q.matches('"').count(), 2);
    }
}
