//! The message catalogues: both parse, both hold the same keys with the same
//! variables, every key is used by the GUI code and every key the code asks
//! for exists, plurals and numbers come out right, no UI string is written in
//! a widget call outside the catalogue, and the language can be switched
//! from View → Language.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use egui_kittest::kittest::Queryable as _;
use switchboard::gui::i18n::{self, Lang};

/// Each catalogue's messages: key → its text (value and continuation lines).
fn messages(source: &str) -> BTreeMap<String, String> {
    let mut out: BTreeMap<String, String> = BTreeMap::new();
    let mut current: Option<String> = None;
    for line in source.lines() {
        if line.starts_with(char::is_whitespace) {
            if let Some(key) = &current {
                out.get_mut(key).unwrap().push_str(line);
            }
        } else if let Some((key, value)) = line.split_once('=')
            && !line.starts_with('#')
            && !line.starts_with('-')
        {
            current = Some(key.trim().to_owned());
            out.insert(key.trim().to_owned(), value.to_owned());
        } else {
            current = None;
        }
    }
    out
}

/// The `$variables` a message uses.
fn variables(text: &str) -> BTreeSet<String> {
    text.split('$')
        .skip(1)
        .map(|rest| rest.chars().take_while(|c| c.is_alphanumeric() || *c == '-' || *c == '_').collect())
        .collect()
}

#[test]
fn both_catalogues_parse_without_errors() {
    for lang in Lang::ALL {
        let errors = i18n::parse_errors(lang.source());
        assert!(errors.is_empty(), "{}: {errors:#?}", lang.code());
        let keys = i18n::keys(lang.source());
        let unique: BTreeSet<&String> = keys.iter().collect();
        assert_eq!(unique.len(), keys.len(), "{}: a key is defined twice", lang.code());
    }
}

#[test]
fn the_parse_check_catches_a_broken_catalogue() {
    assert!(!i18n::parse_errors("good = fine\nbroken = { $x\n").is_empty());
    assert!(i18n::parse_errors("good = fine\n").is_empty());
}

#[test]
fn every_key_is_in_both_languages_with_the_same_variables() {
    let en = messages(i18n::EN_FTL);
    let zh = messages(i18n::ZH_CN_FTL);
    // The test's own reader agrees with Fluent's parser on the keys.
    assert_eq!(en.keys().cloned().collect::<Vec<_>>(), {
        let mut k = i18n::keys(i18n::EN_FTL);
        k.sort();
        k
    });
    let missing_zh: Vec<&String> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
    let missing_en: Vec<&String> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
    assert!(missing_zh.is_empty(), "keys missing in zh-CN: {missing_zh:?}");
    assert!(missing_en.is_empty(), "keys in zh-CN that English lacks: {missing_en:?}");
    let differ: Vec<String> = en
        .iter()
        .filter(|(k, v)| variables(v) != variables(&zh[*k]))
        .map(|(k, v)| format!("{k}: en {:?} zh-CN {:?}", variables(v), variables(&zh[k])))
        .collect();
    assert!(differ.is_empty(), "messages whose variables differ:\n{}", differ.join("\n"));
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
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
fn gui_sources() -> BTreeMap<String, String> {
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
struct Literal {
    start: usize,
    text: String,
}

/// The string literals of Rust code (comments and char literals skipped),
/// with byte offsets into `code`.
fn literals(code: &str) -> Vec<Literal> {
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
fn is_key_position(code: &str, literal: &Literal) -> bool {
    let before = code[..literal.start].trim_end();
    before.ends_with("tr(") || before.ends_with("tr_args(")
}

#[test]
fn every_catalogue_key_is_used_and_every_key_used_exists() {
    let en = messages(i18n::EN_FTL);
    let sources = gui_sources();
    let mut all_literals: BTreeSet<String> = BTreeSet::new();
    let mut asked: BTreeMap<String, String> = BTreeMap::new();
    for (file, code) in &sources {
        for lit in literals(code) {
            if is_key_position(code, &lit) {
                asked.insert(lit.text.clone(), file.clone());
            }
            all_literals.insert(lit.text);
        }
    }
    let unused: Vec<&String> = en.keys().filter(|k| !all_literals.contains(*k)).collect();
    assert!(unused.is_empty(), "catalogue keys no GUI code uses: {unused:?}");
    let unknown: Vec<String> =
        asked.iter().filter(|(k, _)| !en.contains_key(*k)).map(|(k, f)| format!("{k} ({f})")).collect();
    assert!(unknown.is_empty(), "keys the code asks for that the catalogue lacks: {unknown:?}");
}

/// Calls whose string arguments the user reads.
const WIDGET_CALLS: &[&str] = &[
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
const ID_CALLS: &[&str] =
    &["env!(", "plot(", "combo(ui,", "node_combo(ui,", "editor(ui,", "from_id_salt(", "Id::new(", "id_salt("];

/// Literal texts (after `{…}` placeholders are removed) allowed in widget
/// calls: units, symbols and identifiers that read the same in every language.
const ALLOWED_LITERALS: &[&str] = &[
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
const NOT_YET_MOVED: &[&str] = &[];

/// The end of a call's arguments: the index of the `)` matching the `(` at `open`.
fn call_end(code: &str, open: usize) -> usize {
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
fn words(text: &str) -> String {
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
fn is_variable_name(code: &str, literal: &Literal) -> bool {
    let before = code[..literal.start].trim_end();
    let after = code[literal.start + literal.text.len() + 2..].trim_start();
    let opener = before.strip_suffix('(').map(str::trim_end);
    opener.is_some_and(|o| o.ends_with('[') || o.ends_with(','))
        && after.starts_with(',')
        && literal.text.chars().all(|c| c.is_ascii_lowercase() || c == '-' || c == '_')
}

/// Whether a literal is an id: the argument of an id call, or data put in a
/// struct field (`group: "branch".into()`).
fn is_id(code: &str, literal: &Literal) -> bool {
    let before: String = code[..literal.start].chars().filter(|c| !c.is_whitespace()).collect();
    let after = &code[literal.start + literal.text.len() + 2..];
    ID_CALLS.iter().any(|c| before.ends_with(&c.replace(' ', "")))
        || (before.ends_with(':') && !before.ends_with("::") && after.starts_with(".into()"))
}

/// Whether a literal in a widget call is text the user reads in one language.
fn is_ui_text(text: &str) -> bool {
    let w = words(text);
    w.chars().any(char::is_alphabetic) && !ALLOWED_LITERALS.contains(&w.as_str())
}

/// `file:line: "literal"` for every UI text written in a widget call
/// (catalogue keys passed to helpers such as `style::count` are not text).
fn literals_outside_catalogue(file: &str, code: &str) -> Vec<String> {
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

#[test]
fn no_ui_string_is_written_outside_the_catalogue() {
    let mut found = Vec::new();
    for (file, code) in gui_sources() {
        let here = literals_outside_catalogue(&file, &code);
        if NOT_YET_MOVED.contains(&file.as_str()) {
            assert!(!here.is_empty(), "{file} has no UI string left: take it off NOT_YET_MOVED");
        } else {
            found.extend(here);
        }
    }
    assert!(found.is_empty(), "UI strings outside the catalogue (use tr):\n{}", found.join("\n"));
}

#[test]
fn the_scanner_finds_literals_in_widget_calls_and_spares_keys_and_symbols() {
    let code = r#"
        ui.label("Hello there");
        ui.button(tr("menu-file"));
        ui.label(format!("{} ms", x));
        ui.label("▶");
        // ui.label("in a comment");
        ui.checkbox(&mut on, tr_args("k", &[("n", "not shown".into())]));
        ui.heading(format!("{name}: {} nodes", n));
    "#;
    let found = literals_outside_catalogue("x.rs", code);
    assert_eq!(found.len(), 3, "{found:#?}");
    assert!(!found.iter().any(|f| f.contains("\"n\"")), "a variable name is not UI text: {found:#?}");
    assert!(found[0].contains("Hello there"));
    assert!(found.iter().any(|f| f.contains("not shown")));
    assert!(found.iter().any(|f| f.contains("nodes")));
}

#[test]
fn plurals_and_numbers_follow_each_language() {
    i18n::set_language(Lang::En);
    let one = i18n::tr_args("count-node", &[("count", 1.into())]);
    let many = i18n::tr_args("count-node", &[("count", 1234.into())]);
    assert_eq!(one, "1 node");
    assert_eq!(many, "1,234 nodes");
    i18n::set_language(Lang::ZhCn);
    assert_eq!(i18n::tr_args("count-node", &[("count", 1.into())]), "1 个节点");
    assert_eq!(i18n::tr_args("count-node", &[("count", 1234.into())]), "1,234 个节点");
    assert_eq!(i18n::tr("menu-file"), "文件");
    // A decimal argument keeps its places and groups thousands in both languages.
    let rate = i18n::num(12_345.678, 1);
    assert_eq!(i18n::tr_args("menu-export-format", &[("format", rate)]), "12,345.7…");
    i18n::set_language(Lang::En);
    assert_eq!(i18n::tr("no-such-key"), "no-such-key");
}

#[test]
fn the_language_switches_from_the_view_menu_and_is_remembered() {
    let (mut h, _) = gui_support::harness(engine::Design::default());
    h.get_by_label("View").click();
    h.run();
    h.get_by_label_contains("Language").hover();
    h.run();
    h.get_by_label("简体中文").click();
    h.run();
    assert_eq!(h.state().language(), Lang::ZhCn);
    assert_eq!(h.state().settings.language, Some(Lang::ZhCn));
    h.get_by_label("文件");
    h.get_by_label("视图");
    // Back to English for the other tests of this thread.
    h.state_mut().set_language(Lang::En);
    h.run_steps(2);
    h.get_by_label("File");
}

/// Every `msg!("engine-…", "English …", name = value, …)` of the engine's
/// code (its test modules and doc comments left out): key → the English
/// sentence and the names of its arguments.
fn engine_messages() -> BTreeMap<String, (String, BTreeSet<String>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../engine/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut out = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for (at, _) in code.match_indices("msg!(") {
            let line_start = code[..at].rfind('\n').map_or(0, |i| i + 1);
            if code[line_start..at].trim_start().starts_with("//") {
                continue;
            }
            let open = at + "msg!".len();
            let end = call_end(code, open);
            let call = &code[open..end];
            let lits = literals(call);
            let (Some(key), Some(english)) = (lits.first(), lits.get(1)) else { continue };
            // After the English sentence: `, name = value` pairs at depth one.
            let rest = &call[english.start + english.text.len() + 2..];
            let mut names = BTreeSet::new();
            let mut depth = 0i32;
            let mut after_comma = false;
            let mut word = String::new();
            for c in rest.chars() {
                match c {
                    '(' | '[' | '{' => depth += 1,
                    ')' | ']' | '}' => depth -= 1,
                    ',' if depth == 0 => {
                        after_comma = true;
                        word.clear();
                        continue;
                    }
                    '=' if depth == 0 && after_comma => {
                        names.insert(word.trim().to_owned());
                        after_comma = false;
                    }
                    _ => {}
                }
                if after_comma {
                    word.push(c);
                }
            }
            out.insert(key.text.clone(), (english.text.clone(), names));
        }
    }
    out
}

#[test]
fn every_engine_sentence_has_its_chinese_with_the_same_arguments() {
    let engine = engine_messages();
    assert!(engine.len() > 100, "the scan found only {} engine sentences", engine.len());
    let zh = messages(i18n::ZH_CN_ENGINE_FTL);
    assert!(i18n::parse_errors(i18n::ZH_CN_ENGINE_FTL).is_empty(), "{:?}", i18n::parse_errors(i18n::ZH_CN_ENGINE_FTL));
    let missing: Vec<&String> = engine.keys().filter(|k| !zh.contains_key(*k)).collect();
    assert!(missing.is_empty(), "engine sentences with no Chinese: {missing:?}");
    // Keys the code names itself: sentences said one after another, and
    // the separators of lists.
    let by_name = ["engine-list", "engine-separator-comma", "engine-separator-semicolon", "engine-separator-sentence"];
    let unused: Vec<&String> =
        zh.keys().filter(|k| !engine.contains_key(*k) && !by_name.contains(&k.as_str())).collect();
    assert!(unused.is_empty(), "Chinese engine sentences the engine never says: {unused:?}");
    let gui = messages(i18n::EN_FTL);
    let shared: Vec<&String> = zh.keys().filter(|k| gui.contains_key(*k)).collect();
    assert!(shared.is_empty(), "engine keys that the GUI's catalogue also defines: {shared:?}");
    let differ: Vec<String> = engine
        .iter()
        .filter(|(k, (_, names))| !variables(&zh[*k]).is_subset(names))
        .map(|(k, (_, names))| format!("{k}: zh-CN uses {:?}, the code gives {names:?}", variables(&zh[k])))
        .collect();
    assert!(differ.is_empty(), "sentences using arguments the code does not give:\n{}", differ.join("\n"));
    // Every value the English sentence shows is an argument, so the Chinese
    // can show it too.
    let hidden: Vec<String> = engine
        .iter()
        .filter(|(_, (english, names))| !variables(&english.replace('{', "{$")).is_subset(names))
        .map(|(k, (english, names))| format!("{k}: {english:?} shows more than {names:?}"))
        .collect();
    assert!(hidden.is_empty(), "English sentences with values that are not arguments:\n{}", hidden.join("\n"));
}

#[test]
fn problems_and_run_warnings_read_in_the_chosen_language() {
    let mut design: engine::Design =
        serde_json::from_str(&std::fs::read_to_string(gui_support::samples_dir().join("retry-storm.json")).unwrap())
            .unwrap();
    design.nodes[0].capacity.replicas = 0;
    let edge = design.edges.iter().position(|e| e.kind == engine::model::EdgeKind::Call).unwrap();
    let to = design.edges[edge].to.clone();
    design.edges[edge].from = to;
    let problems = engine::analysis::problems(&design);
    let at_least = problems.iter().find(|p| p.message == "must be at least 1").unwrap();
    let itself = problems.iter().find(|p| p.message.as_str().contains("itself")).unwrap();
    i18n::set_language(Lang::ZhCn);
    assert_eq!(i18n::tr_message(&at_least.message), "至少为 1");
    assert_eq!(i18n::tr_message(&itself.message), "边不能把节点连到它自己");
    let kind = engine::msg!("engine-cannot-consume-messages", "a {kind} cannot consume messages", kind = "broker");
    assert_eq!(i18n::tr_message(&kind), "消息代理不能消费消息");
    // A sentence read back from JSON has no key: it stays English.
    let read: engine::message::Message = serde_json::from_str("\"must be at least 1\"").unwrap();
    assert_eq!(i18n::tr_message(&read), "must be at least 1");
    i18n::set_language(Lang::En);
    assert_eq!(i18n::tr_message(&at_least.message), "must be at least 1");
    assert_eq!(i18n::tr_message(&kind), "a broker cannot consume messages");
}

#[test]
fn number_fields_group_thousands_and_read_them_back() {
    use switchboard::gui::style;
    assert_eq!(style::parse_number("12,000.5"), Some(12_000.5));
    assert_eq!(style::parse_number(" −1,234 "), Some(-1234.0));
    assert_eq!(style::parse_number("1,2x"), None);
    let ctx = egui::Context::default();
    style::install_number_format(&ctx);
    assert_eq!(ctx.style_of(egui::Theme::Dark).number_formatter.format(100_000.0, 0..=0), "100,000");
    assert_eq!(ctx.style_of(egui::Theme::Dark).number_formatter.format(1234.5, 1..=1), "1,234.5");
    // Every number field goes through the helper that reads commas back.
    let raw: Vec<String> = gui_sources()
        .into_iter()
        .filter(|(file, code)| file != "style.rs" && code.contains("DragValue::new("))
        .map(|(file, _)| file)
        .collect();
    assert!(raw.is_empty(), "number fields made without style::number: {raw:?}");
}

#[test]
fn no_message_relies_on_a_leading_space_fluent_drops() {
    // Fluent trims the whitespace that starts a value: "n =  requests" reads
    // "requests" and a suffix sticks to its number. `{" "}` keeps the space.
    for lang in Lang::ALL {
        for source in std::iter::once(lang.source()).chain(lang.engine_source()) {
            let bad: Vec<&str> = source.lines().filter(|l| !l.starts_with('#') && l.contains(" =  ")).collect();
            assert!(bad.is_empty(), "{}: values starting with a space Fluent drops: {bad:?}", lang.code());
        }
    }
}
