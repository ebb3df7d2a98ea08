//! Hostile names (quotes, colons, `#`, newlines, backslashes, tabs, Mermaid
//! and DOT keywords, unicode such as 库存服务, 300 characters, names that
//! collide after sanitizing) never break out of their scalar: every format
//! parses back to the exact original strings, and every generated name is
//! valid for its target and unique.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod export_support;

use std::collections::BTreeSet;

use engine::export::names::{DNS_LABEL_MAX, is_dns_label};
use engine::export::{ExportFormat, NoteKind, export};
use export_support::{s, yaml_docs};
use serde_json::Value;

fn hostile() -> engine::Design {
    let d = export_support::test_design("hostile");
    assert!(d.nodes.iter().any(|n| n.name == "库存服务"));
    assert!(d.nodes.iter().any(|n| n.name.chars().count() >= 300));
    assert!(d.nodes.iter().any(|n| n.name.contains('\n')));
    d
}

#[test]
fn yaml_exports_carry_every_name_exactly() {
    let design = hostile();
    let deployable: BTreeSet<&str> =
        design.nodes.iter().filter(|n| n.kind.is_deployable()).map(|n| n.name.as_str()).collect();

    let compose = yaml_docs(&export(&design, ExportFormat::Compose).unwrap().text()).remove(0);
    let services = compose["services"].as_object().unwrap();
    let carried: BTreeSet<&str> =
        services.values().map(|svc| svc.pointer("/labels/switchboard.node").and_then(Value::as_str).unwrap()).collect();
    assert_eq!(carried, deployable);
    for name in services.keys() {
        assert!(is_dns_label(name, DNS_LABEL_MAX), "{name:?}");
    }

    for format in [ExportFormat::Kubernetes, ExportFormat::Istio] {
        let docs = yaml_docs(&export(&design, format).unwrap().text());
        let mut seen = BTreeSet::new();
        for doc in &docs {
            let name = s(doc, "/metadata/name");
            assert!(name.len() <= 253 && !name.is_empty(), "{format}: {name:?}");
            assert!(seen.insert((s(doc, "/kind").to_owned(), name.to_owned())), "{format}: duplicate {name}");
            let node = s(doc, "/metadata/annotations/switchboard~1node");
            assert!(deployable.contains(node), "{format}: annotation {node:?} is not a node name");
            for (_, v) in doc.pointer("/metadata/labels").and_then(Value::as_object).unwrap() {
                let v = v.as_str().unwrap();
                assert!(v.len() <= 63 && v.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c)), "{v:?}");
            }
        }
    }

    let asyncapi = yaml_docs(&export(&design, ExportFormat::AsyncApi).unwrap().text()).remove(0);
    assert_eq!(s(&asyncapi, "/info/title"), design.name);
    assert_eq!(s(&asyncapi, "/info/description"), design.description);
    // Channel keys appear in $ref pointers: ASCII only.
    for key in asyncapi["channels"].as_object().unwrap().keys() {
        assert!(key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{key:?}");
    }
    // Operation ids keep the letters of any script, nothing else.
    for key in asyncapi["operations"].as_object().unwrap().keys() {
        assert!(!key.is_empty() && key.chars().all(|c| c.is_alphanumeric() || c == '_'), "{key:?}");
    }
}

#[test]
fn collisions_and_unusable_names_are_resolved_and_reported() {
    let design = hostile();
    let e = export(&design, ExportFormat::Compose).unwrap();
    let doc = yaml_docs(&e.text()).remove(0);
    let names: Vec<&String> = doc["services"].as_object().unwrap().keys().collect();
    // "Orders" and "orders" both sanitize to `orders`: the first keeps it.
    assert!(names.iter().any(|n| *n == "orders"));
    assert!(names.iter().any(|n| *n == "orders-2"));
    // 300 characters are cut to a label.
    assert!(names.iter().all(|n| n.len() <= DNS_LABEL_MAX));
    let renamed: Vec<&str> =
        e.report.iter().filter(|n| n.kind == NoteKind::Renamed).map(|n| n.subject.as_str()).collect();
    assert!(renamed.contains(&"库存服务"), "{renamed:?}");
    assert!(renamed.contains(&"orders"), "the second `orders` is renamed: {renamed:?}");
}

/// The strings inside DOT's quoted strings, unescaped.
fn dot_strings(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '"' {
            continue;
        }
        let mut s = String::new();
        loop {
            match chars.next() {
                Some('\\') => match chars.next() {
                    Some('n') => s.push('\n'),
                    Some(other) => s.push(other),
                    None => panic!("dangling escape"),
                },
                Some('"') => break,
                Some(c) => {
                    assert_ne!(c, '\n', "a raw line break inside a DOT string");
                    s.push(c);
                }
                None => panic!("unterminated DOT string"),
            }
        }
        out.push(s);
    }
    out
}

#[test]
fn dot_strings_unescape_to_the_original_names() {
    let design = hostile();
    let text = export(&design, ExportFormat::Dot).unwrap().text();
    let strings = dot_strings(&text);
    assert_eq!(strings.first().map(String::as_str), Some(design.name.as_str()));
    for node in &design.nodes {
        // Control characters other than line breaks become spaces.
        let expected: String = node
            .name
            .chars()
            .filter(|c| *c != '\r')
            .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
            .collect();
        assert!(
            strings.iter().any(|s| s.starts_with(&format!("{expected}\n"))),
            "node {:?} not found intact",
            node.name
        );
    }
    for line in text.lines().filter(|l| l.contains(" -> ")) {
        let ids: Vec<&str> = line.trim().split(" -> ").collect();
        assert!(ids[0].chars().all(|c| c.is_ascii_alphanumeric() || c == '_'), "{line}");
    }
}

#[test]
fn mermaid_labels_hold_only_safe_characters() {
    let design = hostile();
    let text = export(&design, ExportFormat::Mermaid).unwrap().text();
    for line in text.lines().skip(1) {
        let mut in_string = false;
        for c in line.chars() {
            if c == '"' {
                in_string = !in_string;
                continue;
            }
            if in_string {
                // `#` and `;` only appear as parts of entities such as `#34;`.
                assert!(!"&<>`|%\\{}[]()".contains(c), "raw {c:?} in {line}");
            }
        }
        assert!(!in_string, "unterminated string in {line}");
    }
    // Decoding the entities gives the names back.
    for node in &design.nodes {
        let expected: String = node.name.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
        let found = text.lines().any(|l| decode(l).contains(&expected));
        assert!(found, "{:?} not found", node.name);
    }
}

fn decode(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(i) = rest.find('#') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some((j, n)) = after.find(';').and_then(|j| after[..j].parse::<u32>().ok().map(|n| (j, n))) {
            out.push(char::from_u32(n).unwrap());
            rest = &after[j + 1..];
        } else {
            out.push('#');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}
