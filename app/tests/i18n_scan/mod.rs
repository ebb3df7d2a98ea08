//! The scanner behind the catalogue tests: the GUI's sources, the string
//! literals in them, and which of those are UI text written in a widget call
//! instead of a catalogue key.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use switchboard::gui::i18n;

pub fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The GUI's sources without their test modules, by path relative to `src/gui`.
pub fn gui_sources() -> BTreeMap<String, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/gui");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    files
        .into_iter()
        .map(|f| {
            let text = std::fs::read_to_string(&f).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap_or_default().to_owned();
            (f.strip_prefix(&root).unwrap().to_string_lossy().replace('\\', "/"), code)
        })
        .collect()
}

/// A string literal of a source: where its opening quote is and its text.
pub struct Literal {
    pub start: usize,
    pub text: String,
}

/// The string literals of Rust code (comments and char literals skipped),
/// with byte offsets into `code`.
pub fn literals(code: &str) -> Vec<Literal> {
    let b = code.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') || (b.get(i + 1) == Some(&b'\\') && b.get(i + 3) == Some(&b'\'')) => {
                i += if b[i + 1] == b'\\' { 3 } else { 2 };
            }
            b'"' => {
                let raw_hashes = {
                    let mut j = i;
                    let mut h = 0;
                    while j > 0 && b[j - 1] == b'#' {
                        h += 1;
                        j -= 1;
                    }
                    (j > 0 && b[j - 1] == b'r').then_some(h)
                };
                let start = i;
                i += 1;
                let body = i;
                while i < b.len() {
                    if raw_hashes.is_none() && b[i] == b'\\' {
                        i += 2;
                        continue;
                    }
                    let hashes = raw_hashes.unwrap_or(0);
                    if b[i] == b'"' && (0..hashes).all(|k| b.get(i + 1 + k) == Some(&b'#')) {
                        break;
                    }
                    i += 1;
                }
                out.push(Literal { start, text: code[body..i.min(b.len())].to_owned() });
            }
            _ => {}
        }
        i += 1;
    }
    out
}

/// The literals that are catalogue keys: the first argument of `tr(` or `tr_args(`.
pub fn is_key_position(code: &str, literal: &Literal) -> bool {
    let before = code[..literal.start].trim_end();
    before.ends_with("tr(") || before.ends_with("tr_args(")
}

/// Calls whose string arguments the user reads.
pub const WIDGET_CALLS: &[&str] = &[
    ".label(",
    ".button(",
    ".small_button(",
    ".heading(",
    ".weak(",
    ".strong(",
    ".small(",
    ".monospace(",
    ".code(",
    ".colored_label(",
    "menu_button(",
    "RichText::new(",
    ".on_hover_text(",
    ".on_disabled_hover_text(",
    ".on_hover_text_at_pointer(",
    ".checkbox(",
    ".radio(",
    ".radio_value(",
    ".selectable_value(",
    ".selectable_label(",
    ".toggle_value(",
    "Button::new(",
    "Label::new(",
    "Checkbox::new(",
    ".hint_text(",
    ".selected_text(",
    ".collapsing(",
    "CollapsingHeader::new(",
    "Window::new(",
    ".link(",
    ".hyperlink_to(",
    "ComboBox::from_label(",
    ".text(",
    ".notify(",
    "show_error(",
    "Modal::Error(",
    ".suffix(",
    ".prefix(",
    // The inspector's helpers that put a label, a hint or a unit on screen.
    "row(",
    "row_hint(",
    "optional(",
    "ms(",
    "opt_ms(",
    "number(",
    "combo(",
    // Plots and native dialogs.
    "plot(",
    ".x_axis_label(",
    ".y_axis_label(",
    "Line::new(",
    "HLine::new(",
    "Points::new(",
    ".set_title(",
    ".add_filter(",
];

/// Calls whose string argument is an id, not text (egui ids, combo salts).
pub const ID_CALLS: &[&str] =
    &["env!(", "plot(", "combo(ui,", "node_combo(ui,", "editor(ui,", "from_id_salt(", "Id::new(", "id_salt("];

/// Literal texts (after `{…}` placeholders are removed) allowed in widget
/// calls: units, symbols and identifiers that read the same in every language.
pub const ALLOWED_LITERALS: &[&str] = &[
    "ms",
    "s",
    "/s",
    "req/s",
    "MiB",
    "m",
    "– s",
    "ρ",
    "ρ =",
    "(ρ )",
    "s ( %)",
    "λ",
    "μ",
    "p",
    "p50",
    "p95",
    "p99",
    "p99.9",
    "id",
    "Ctrl+Shift+A",
    "post_save",
    "registry/name:tag",
    "Switchboard",
    "JSON",
    "YAML",
    "json",
    "yaml",
    "yml",
    "ok/s",
    "p99, ms",
];

/// Files whose strings are not in the catalogue yet; the list only shrinks
/// (a listed file with nothing left to move fails the test).
pub const NOT_YET_MOVED: &[&str] = &[];

/// The end of a call's arguments: the index of the `)` matching the `(` at `open`.
pub fn call_end(code: &str, open: usize) -> usize {
    let lits = literals(&code[open..]);
    let b = code.as_bytes();
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        if let Some(l) = lits.iter().find(|l| l.start + open == i) {
            i += l.text.len() + 2;
            continue;
        }
        match b[i] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// A literal's words once format placeholders (`{}`, `{name:.1}`) are taken out.
pub fn words(text: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for c in text.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out.trim().to_owned()
}

/// Whether a literal names a message variable: `("count", n.into())` in the
/// argument list of `tr_args`.
pub fn is_variable_name(code: &str, literal: &Literal) -> bool {
    let before = code[..literal.start].trim_end();
    let after = code[literal.start + literal.text.len() + 2..].trim_start();
    let opener = before.strip_suffix('(').map(str::trim_end);
    opener.is_some_and(|o| o.ends_with('[') || o.ends_with(','))
        && after.starts_with(',')
        && literal.text.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
}

/// Whether a literal is an id: the argument of an id call, or data put in a
/// struct field (`group: "branch".into()`).
pub fn is_id(code: &str, literal: &Literal) -> bool {
    let before: String = code[..literal.start].chars().filter(|c| !c.is_whitespace()).collect();
    let after = &code[literal.start + literal.text.len() + 2..];
    ID_CALLS.iter().any(|c| before.ends_with(&c.replace(' ', "")))
        || (before.ends_with(':') && !before.ends_with("::") && after.starts_with(".into()"))
}

/// Whether a literal in a widget call is text the user reads in one language.
pub fn is_ui_text(text: &str) -> bool {
    let w = words(text);
    w.chars().any(char::is_alphabetic) && !ALLOWED_LITERALS.contains(&w.as_str())
}

/// `file:line: "literal"` for every UI text written in a widget call
/// (catalogue keys passed to helpers such as `style::count` are not text).
pub fn literals_outside_catalogue(file: &str, code: &str) -> Vec<String> {
    let keys: BTreeSet<String> = i18n::keys(i18n::EN_FTL).into_iter().collect();
    let mut found = Vec::new();
    let lits = literals(code);
    for call in WIDGET_CALLS {
        for (at, _) in code.match_indices(call) {
            // `row(` is not `end_row(` or `arrow(`.
            let word_call = call.starts_with(|c: char| c.is_alphabetic());
            if word_call && code[..at].ends_with(|c: char| c.is_alphanumeric() || c == '_') {
                continue;
            }
            // A call inside a literal or comment is not a call.
            if lits.iter().any(|l| l.start < at && at < l.start + l.text.len() + 2) {
                continue;
            }
            let open = at + call.len() - 1;
            let end = call_end(code, open);
            for lit in lits.iter().filter(|l| l.start > open && l.start < end) {
                if !is_key_position(code, lit)
                    && !is_variable_name(code, lit)
                    && !is_id(code, lit)
                    && !keys.contains(&lit.text)
                    && is_ui_text(&lit.text)
                {
                    let line = code[..lit.start].matches('\n').count() + 1;
                    found.push(format!("{file}:{line}: {call} {:?}", lit.text));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}
