//! Where a validation path points in a design file's text.
//!
//! Validation names places as paths (`nodes[orders].capacity.replicas`); a
//! person at a terminal, an editor or a CI log wants `design.yaml:42:7` too.
//! This module reads the text once more into a tree of positions and walks it
//! along the path, matching list items by the `id` or `name` the path uses
//! (or by index). JSON is read by the YAML parser: a JSON document is a YAML
//! flow mapping, so one reader serves both formats.
//!
//! It only runs when there are problems to print, and it never fails the
//! caller: text it cannot read, or a path it cannot follow to the end, gives
//! the deepest place it found (or none).

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_saphyr::Spanned;

/// A YAML/JSON value with the position of every part.
#[derive(Debug)]
enum Tree {
    Map(Vec<(String, Spanned<Tree>)>),
    Seq(Vec<Spanned<Tree>>),
    Scalar(String),
}

impl Tree {
    /// The text of a scalar (keys and identities are compared as text).
    fn scalar(&self) -> Option<&str> {
        match self {
            Self::Scalar(s) => Some(s),
            _ => None,
        }
    }

    fn get(&self, key: &str) -> Option<&Spanned<Self>> {
        match self {
            Self::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }
}

struct TreeVisitor;

impl<'de> Visitor<'de> for TreeVisitor {
    type Value = Tree;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML or JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_string()))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Tree, E> {
        Ok(Tree::Scalar(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Tree, E> {
        Ok(Tree::Scalar(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Scalar(String::new()))
    }

    fn visit_none<E: de::Error>(self) -> Result<Tree, E> {
        Ok(Tree::Scalar(String::new()))
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Tree, D::Error> {
        Tree::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Tree, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element::<Spanned<Tree>>()? {
            items.push(item);
        }
        Ok(Tree::Seq(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Tree, A::Error> {
        let mut entries = Vec::new();
        while let Some(key) = map.next_key::<Tree>()? {
            let value = map.next_value::<Spanned<Tree>>()?;
            entries.push((key.scalar().unwrap_or_default().to_owned(), value));
        }
        Ok(Tree::Map(entries))
    }
}

impl<'de> Deserialize<'de> for Tree {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TreeVisitor)
    }
}

/// One step of a validation path.
#[derive(Debug, PartialEq, Eq)]
enum Step<'a> {
    /// A mapping key: `capacity`.
    Key(&'a str),
    /// A list item by identity or index: `[orders]`, `[3]`.
    Item(&'a str),
}

/// Split `nodes[orders].capacity.replicas` into its steps. Brackets are read
/// whole, so identities may contain dots.
fn steps(path: &str) -> Vec<Step<'_>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('[') {
            let end = after.find(']').unwrap_or(after.len());
            out.push(Step::Item(after.get(..end).unwrap_or_default()));
            rest = after.get(end + 1..).unwrap_or_default();
        } else if let Some(after) = rest.strip_prefix('.') {
            rest = after;
        } else {
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            out.push(Step::Key(rest.get(..end).unwrap_or_default()));
            rest = rest.get(end..).unwrap_or_default();
        }
    }
    out
}

/// The item of a list a path step names: by `id`, `name` or `workload` (as
/// nodes, edges, workloads, faults and SLOs are named), else by index.
fn item<'t>(items: &'t [Spanned<Tree>], selector: &str) -> Option<&'t Spanned<Tree>> {
    let by_identity = items.iter().find(|it| {
        ["id", "name", "workload"]
            .iter()
            .any(|field| it.value.get(field).and_then(|v| v.value.scalar()) == Some(selector))
    });
    by_identity.or_else(|| selector.parse::<usize>().ok().and_then(|i| items.get(i)))
}

/// Positions of a design file's parts.
#[derive(Debug)]
pub struct SourceMap {
    root: Spanned<Tree>,
}

impl SourceMap {
    /// Read `text` (JSON or YAML); `None` if it cannot be read.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let mut limits = serde_saphyr::options::AliasLimits::default();
        limits.max_total_replayed_events = 100_000;
        limits.max_replay_stack_depth = 16;
        limits.max_alias_expansions_per_anchor = 1_000;
        let options = serde_saphyr::options! { alias_limits: limits };
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        serde_saphyr::from_str_with_options::<Spanned<Tree>>(text, options).ok().map(|root| Self { root })
    }

    /// Line and column (from 1) of the place `path` names, or of its deepest
    /// part present in the text (a missing field points at its parent).
    #[must_use]
    pub fn locate(&self, path: &str) -> Option<(u64, u64)> {
        let mut here = &self.root;
        for step in steps(path) {
            let next = match (step, &here.value) {
                (Step::Key(key), tree) => tree.get(key),
                (Step::Item(selector), Tree::Seq(items)) => item(items, selector),
                (Step::Item(_), _) => None,
            };
            let Some(next) = next else { break };
            here = next;
        }
        let at = here.referenced;
        (at.line() > 0).then(|| (at.line(), at.column()))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_items() {
        assert_eq!(
            steps("nodes[api.v2].capacity.replicas"),
            vec![Step::Key("nodes"), Step::Item("api.v2"), Step::Key("capacity"), Step::Key("replicas")]
        );
        assert_eq!(steps("samples_ms[3]"), vec![Step::Key("samples_ms"), Step::Item("3")]);
        assert_eq!(steps("nodes"), vec![Step::Key("nodes")]);
        assert_eq!(steps("a[unclosed"), vec![Step::Key("a"), Step::Item("unclosed")]);
    }

    const YAML: &str = "\
version: 1
name: shop
nodes:
  - id: api
    name: API
    capacity:
      replicas: 0
  - id: orders
    name: Orders
    service_time:
      type: empirical
      samples_ms: [1, 2, -3]
workloads:
  - name: browse
    entry: api
";

    #[test]
    fn yaml_paths_find_their_line_and_column() {
        let map = SourceMap::parse(YAML).unwrap();
        assert_eq!(map.locate("nodes[api].capacity.replicas"), Some((7, 17)));
        assert_eq!(map.locate("nodes[orders].service_time.samples_ms[2]").map(|l| l.0), Some(12));
        assert_eq!(map.locate("workloads[browse].entry"), Some((15, 12)));
        // A missing field points at its parent; an unknown item at the list.
        assert_eq!(map.locate("nodes[api].capacity.workers").map(|l| l.0), Some(7));
        assert_eq!(map.locate("nodes[nope].name").map(|l| l.0), Some(4));
    }

    #[test]
    fn json_is_read_too() {
        let json = "{\n  \"version\": 1,\n  \"nodes\": [\n    {\"id\": \"a\",\n     \"capacity\": {\"replicas\": 0}}\n  ]\n}\n";
        let map = SourceMap::parse(json).unwrap();
        assert_eq!(map.locate("nodes[a].capacity.replicas").map(|l| l.0), Some(5));
        assert_eq!(map.locate("nodes[0].id").map(|l| l.0), Some(4));
    }

    #[test]
    fn unreadable_text_has_no_map() {
        assert!(SourceMap::parse("{ \"nodes\": [ ").is_none());
    }
}
