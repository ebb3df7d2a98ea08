//! Names as each target accepts them.
//!
//! Kubernetes Services need RFC 1035 labels (lowercase letters, digits and
//! `-`, starting with a letter, at most 63 characters); Compose service names
//! are DNS names too, because containers find each other by them. Diagram ids
//! are plain identifiers. Design names may be anything (any script, quotes,
//! newlines), so every exporter maps them through this module, and a
//! [`NameTable`] resolves collisions after sanitizing deterministically, in
//! design order: the first keeps the name, the next gets `-2`, `-3`, ...

use std::collections::BTreeSet;

/// Longest DNS label.
pub const DNS_LABEL_MAX: usize = 63;

/// `raw` as an RFC 1035 label: ASCII letters lowercased, every run of other
/// characters turned into one `-`, leading characters up to the first letter
/// dropped, trimmed to `max` characters without a trailing `-`. Empty when
/// `raw` has no ASCII letter.
#[must_use]
pub fn dns_label(raw: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending_dash = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && !c.is_ascii_alphabetic() {
                continue;
            }
            if pending_dash && !out.is_empty() {
                out.push('-');
            }
            pending_dash = false;
            out.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    truncate_label(&out, max)
}

fn truncate_label(s: &str, max: usize) -> String {
    let cut: String = s.chars().take(max).collect();
    cut.trim_end_matches('-').to_owned()
}

/// Whether `s` is an RFC 1035 label of at most `max` characters.
#[must_use]
pub fn is_dns_label(s: &str, max: usize) -> bool {
    let bytes = s.as_bytes();
    let (Some(first), Some(last)) = (bytes.first(), bytes.last()) else {
        return false;
    };
    bytes.len() <= max
        && first.is_ascii_lowercase()
        && (last.is_ascii_lowercase() || last.is_ascii_digit())
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
}

/// `raw` as an identifier `[A-Za-z][A-Za-z0-9_]*` (DOT and Mermaid ids,
/// AsyncAPI keys): other characters become `_`, runs collapse.
#[must_use]
pub fn identifier(raw: &str, max: usize) -> String {
    let mut out = String::new();
    let mut pending = false;
    for c in raw.chars() {
        if c.is_ascii_alphanumeric() {
            if out.is_empty() && !c.is_ascii_alphabetic() {
                continue;
            }
            if pending && !out.is_empty() {
                out.push('_');
            }
            pending = false;
            out.push(c);
        } else {
            pending = true;
        }
    }
    let cut: String = out.chars().take(max).collect();
    cut.trim_end_matches('_').to_owned()
}

/// An environment-variable prefix for a DNS label: `orders-db` → `ORDERS_DB`.
#[must_use]
pub fn env_prefix(label: &str) -> String {
    label.chars().map(|c| if c == '-' { '_' } else { c.to_ascii_uppercase() }).collect()
}

/// Names handed out so far in one namespace.
#[derive(Debug, Default)]
pub struct NameTable {
    used: BTreeSet<String>,
    max: usize,
    separator: char,
}

impl NameTable {
    /// A table for DNS labels (suffix `-N`).
    #[must_use]
    pub fn dns() -> Self {
        Self { used: BTreeSet::new(), max: DNS_LABEL_MAX, separator: '-' }
    }

    /// A table for identifiers of at most `max` characters (suffix `_N`).
    #[must_use]
    pub fn identifiers(max: usize) -> Self {
        Self { used: BTreeSet::new(), max, separator: '_' }
    }

    /// Reserve a name that must not be handed out (e.g. a keyword).
    pub fn reserve(&mut self, name: &str) {
        self.used.insert(name.to_owned());
    }

    /// A free name based on `base` (already sanitized, non-empty): `base`
    /// itself, else `base-2`, `base-3`, ... shortened to fit.
    pub fn claim(&mut self, base: &str) -> String {
        let base = if base.is_empty() { "x" } else { base };
        let mut n: u64 = 1;
        loop {
            let candidate = if n == 1 {
                truncate_with(base, self.max, self.separator)
            } else {
                let suffix = format!("{}{n}", self.separator);
                let room = self.max.saturating_sub(suffix.len());
                format!("{}{suffix}", truncate_with(base, room, self.separator))
            };
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }
}

fn truncate_with(s: &str, max: usize, separator: char) -> String {
    let cut: String = s.chars().take(max).collect();
    cut.trim_end_matches(separator).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_rfc_1035() {
        assert_eq!(dns_label("Orders Service", 63), "orders-service");
        assert_eq!(dns_label("  9lives__db ", 63), "lives-db");
        assert_eq!(dns_label("a\"b:c\n#d", 63), "a-b-c-d");
        assert_eq!(dns_label("库存服务", 63), "");
        assert_eq!(dns_label("库存 inventory", 63), "inventory");
        let long = "x".repeat(300);
        assert_eq!(dns_label(&long, 63).len(), 63);
        for raw in ["Orders Service", "a--b", "ab-", "x-1", &long] {
            let l = dns_label(raw, 63);
            assert!(is_dns_label(&l, 63), "{l:?}");
        }
    }

    #[test]
    fn collisions_get_numbered_suffixes_within_the_limit() {
        let mut t = NameTable::dns();
        assert_eq!(t.claim("orders"), "orders");
        assert_eq!(t.claim("orders"), "orders-2");
        assert_eq!(t.claim("orders"), "orders-3");
        let long = "y".repeat(63);
        assert_eq!(t.claim(&long), long);
        let second = t.claim(&long);
        assert_eq!(second.len(), 63);
        assert!(second.ends_with("-2"));
    }

    #[test]
    fn identifiers_and_env_prefixes() {
        assert_eq!(identifier("orders-db.v2", 40), "orders_db_v2");
        assert_eq!(identifier("1st", 40), "st");
        assert_eq!(env_prefix("orders-db-2"), "ORDERS_DB_2");
    }
}
