//! Compose variable interpolation, applied to every string value of a file
//! before it is read (images included): `${VAR}`, `$VAR`, `${VAR:-default}`
//! (default when unset or empty), `${VAR-default}` (default when unset),
//! `${VAR:?message}`/`${VAR?message}` (required), `${VAR:+other}`/
//! `${VAR+other}` (other when set), and `$$` for a literal `$`. Defaults may
//! hold further variables. Variables come from the caller (the `.env` file
//! next to the Compose file); an unset one without a default becomes empty
//! text, as Compose does, and is reported.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

/// Deepest nesting of variables in defaults, so a hostile file cannot recurse without end.
const MAX_DEPTH: usize = 8;

/// What interpolation could not resolve.
#[derive(Debug, Default)]
pub(crate) struct Unresolved {
    /// Variables without a value and without a default.
    pub unset: BTreeSet<String>,
    /// Required variables (`${VAR:?message}`) that were unset, with their message.
    pub required: BTreeMap<String, String>,
}

/// Interpolate every string of `value` in place (mapping keys are left as they are).
pub(crate) fn interpolate(value: &mut Value, vars: &BTreeMap<String, String>, out: &mut Unresolved) {
    match value {
        Value::String(s) if s.contains('$') => *s = text(s, vars, out, 0),
        Value::Array(items) => items.iter_mut().for_each(|v| interpolate(v, vars, out)),
        Value::Object(map) => map.values_mut().for_each(|v| interpolate(v, vars, out)),
        _ => {}
    }
}

/// One string, interpolated.
pub(crate) fn text(s: &str, vars: &BTreeMap<String, String>, out: &mut Unresolved, depth: usize) -> String {
    let mut result = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('$') {
        result.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            result.push('$');
            rest = tail;
        } else if let Some(body) = after.strip_prefix('{') {
            let Some(end) = closing_brace(body) else {
                // An unterminated `${`: kept as written.
                result.push_str(&rest[i..]);
                return result;
            };
            result.push_str(&braced(&body[..end], vars, out, depth));
            rest = &body[end + 1..];
        } else {
            let len = after.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(after.len());
            if len == 0 {
                result.push('$');
            } else {
                result.push_str(&lookup(&after[..len], vars, out));
            }
            rest = &after[len..];
        }
    }
    result.push_str(rest);
    result
}

/// The index of the `}` closing a `${`, nested braces counted.
fn closing_brace(body: &str) -> Option<usize> {
    let mut depth = 0_usize;
    for (i, c) in body.char_indices() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => return Some(i),
            '}' => depth -= 1,
            _ => {}
        }
    }
    None
}

fn lookup(name: &str, vars: &BTreeMap<String, String>, out: &mut Unresolved) -> String {
    vars.get(name).cloned().unwrap_or_else(|| {
        out.unset.insert(name.to_owned());
        String::new()
    })
}

/// The value of `${...}`'s inside.
fn braced(inner: &str, vars: &BTreeMap<String, String>, out: &mut Unresolved, depth: usize) -> String {
    let name_len = inner.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_')).unwrap_or(inner.len());
    let (name, op) = inner.split_at(name_len);
    let value = vars.get(name);
    let nested = |t: &str, out: &mut Unresolved| {
        if depth < MAX_DEPTH { text(t, vars, out, depth + 1) } else { t.to_owned() }
    };
    let (op, arg) =
        [":-", ":?", ":+", "-", "?", "+"].iter().find_map(|o| op.strip_prefix(o).map(|a| (*o, a))).unwrap_or(("", op));
    let set = value.is_some();
    let set_non_empty = value.is_some_and(|v| !v.is_empty());
    match op {
        ":-" if !set_non_empty => nested(arg, out),
        "-" if !set => nested(arg, out),
        ":?" | "?" if (op == ":?" && !set_non_empty) || (op == "?" && !set) => {
            out.required.insert(name.to_owned(), arg.to_owned());
            String::new()
        }
        ":+" => {
            if set_non_empty {
                nested(arg, out)
            } else {
                String::new()
            }
        }
        "+" => {
            if set {
                nested(arg, out)
            } else {
                String::new()
            }
        }
        _ => lookup(name, vars, out),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(s: &str, vars: &[(&str, &str)]) -> (String, Unresolved) {
        let vars: BTreeMap<String, String> = vars.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut out = Unresolved::default();
        (text(s, &vars, &mut out, 0), out)
    }

    #[test]
    fn forms() {
        assert_eq!(run("${REGISTRY:-docker.io}/shop/api:${TAG:-1.2}", &[]).0, "docker.io/shop/api:1.2");
        assert_eq!(run("${TAG:-latest}", &[("TAG", "")]).0, "latest");
        assert_eq!(run("${TAG-latest}", &[("TAG", "")]).0, "");
        assert_eq!(run("${TAG-latest}", &[]).0, "latest");
        assert_eq!(run("$HOST:${PORT}", &[("HOST", "db"), ("PORT", "5432")]).0, "db:5432");
        assert_eq!(run("echo $$HOME", &[]).0, "echo $HOME");
        assert_eq!(run("${A:-${B:-x}}", &[]).0, "x");
        assert_eq!(run("${A:+on}", &[("A", "1")]).0, "on");
        let (value, out) = run("${MISSING}/x", &[]);
        assert_eq!(value, "/x");
        assert!(out.unset.contains("MISSING"));
        let (_, out) = run("${KEY:?set KEY first}", &[]);
        assert_eq!(out.required.get("KEY").map(String::as_str), Some("set KEY first"));
    }
}
