//! The message catalogues: both parse, both hold the same keys with the same
//! variables, every key is used by the GUI code and every key the code asks
//! for exists, plurals and numbers come out right, no UI string is written in
//! a widget call outside the catalogue, and the language can be switched
//! from View → Language.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod gui_support;
mod i18n_scan;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use egui_kittest::kittest::Queryable as _;
use i18n_scan::{
    NOT_YET_MOVED, call_end, gui_sources, is_key_position, literals, literals_outside_catalogue, rust_files,
};
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

#[test]
fn import_notes_read_in_the_chosen_language() {
    // Every note of every import fixture has a catalogue key, and its
    // Chinese differs from the English (nested rules and phrases too).
    let dir = gui_support::samples_dir().join("../tests/fixtures/import");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut said = 0;
    for path in files.iter().filter(|p| !p.to_string_lossy().contains("override")) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let sources = [engine::import::Source { text: &text, name: &name }];
        let Ok(imported) = engine::import::import_files(&sources, None, &std::collections::BTreeMap::new()) else {
            continue;
        };
        i18n::set_language(Lang::ZhCn);
        for note in &imported.notes {
            assert!(note.key().is_some(), "{name}: a note with no key: {note}");
            let zh = i18n::tr_message(note);
            assert_ne!(zh, note.as_str(), "{name}: not translated: {note}");
            for english in [" because ", "left out", "not mapped", "a tool around it", "names `"] {
                assert!(!zh.contains(english), "{name}: English left in {zh:?}");
            }
            said += 1;
        }
        i18n::set_language(Lang::En);
    }
    assert!(said > 30, "only {said} notes were said");
}

#[test]
fn calibration_sentences_read_in_the_chosen_language() {
    // A short simulated run of a sample, exported as OTLP and calibrated:
    // every change, gap and warning has a catalogue key and its Chinese.
    let design: engine::Design = serde_json::from_str(
        &std::fs::read_to_string(gui_support::samples_dir().join("service-discovery.json")).unwrap(),
    )
    .unwrap();
    let options = engine::sim::RunOptions {
        seed: Some(3),
        duration_s: Some(20.0),
        warmup_s: Some(0.0),
        replications: Some(1),
        trace_every: Some(1),
        trace_export: true,
        ..engine::sim::RunOptions::default()
    };
    let (_, sampled) =
        engine::sim::run_with_sampled_traces(&design, &options, &engine::sim::RunControl::default()).unwrap();
    let spans = engine::sim::report::sampled_otlp::to_otlp_spans(&sampled, &design, 3);
    let mut file = Vec::new();
    engine::otlp::write::write_spans(&mut file, &spans).unwrap();
    let mut cal = engine::calibrate::Calibrator::new();
    cal.read_otlp(file.as_slice(), 1 << 30).unwrap();
    let (c, _) = cal.finish(1.0, Some(&design));
    let all: Vec<&engine::message::Message> = c.changes.iter().chain(&c.not_inferred).chain(&c.warnings).collect();
    assert!(all.len() > 5, "{all:?}");
    // Values are written for people ("log-normal p50 6.01 ms, p99 18 ms"), not as Rust sees them.
    assert!(c.changes.iter().any(|m| m.contains(" → ")), "{:?}", c.changes);
    for m in &c.changes {
        for debug in ["Some(", "{ ", "None", "Lognormal"] {
            assert!(!m.contains(debug), "Rust's debug form in {m}");
        }
    }
    i18n::set_language(Lang::ZhCn);
    for m in &c.changes {
        let zh = i18n::tr_message(m);
        for debug in ["Some(", "{ ", "log-normal", "exponential", "none"] {
            assert!(!zh.contains(debug), "{debug:?} in {zh:?}");
        }
    }
    for m in &all {
        assert!(m.key().is_some(), "a sentence with no key: {m}");
        let zh = i18n::tr_message(m);
        assert_ne!(zh, m.as_str(), "not translated: {m}");
        for english in ["not in traces", "added", "kept"] {
            assert!(!zh.contains(english), "English left in {zh:?}");
        }
    }
    i18n::set_language(Lang::En);
}

#[test]
fn export_notes_read_in_the_chosen_language() {
    // Every note of every export of every sample and imported fixture has
    // a catalogue key, and its Chinese differs from the English (nested
    // phrases too).
    use engine::export::{self, ExportFormat, ExportOptions, Mesh};
    let mut designs = Vec::new();
    let samples = gui_support::samples_dir();
    let mut paths: Vec<_> = std::fs::read_dir(&samples).unwrap().map(|e| e.unwrap().path()).collect();
    paths.sort();
    designs.extend(
        paths
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), engine::model::format::load(p).unwrap())),
    );
    let dir = samples.join("../tests/fixtures/import");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for path in files.iter().filter(|p| !p.to_string_lossy().contains("override")) {
        let text = std::fs::read_to_string(path).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let sources = [engine::import::Source { text: &text, name: &name }];
        if let Ok(imported) = engine::import::import_files(&sources, None, &BTreeMap::new()) {
            designs.push((name, imported.design));
        }
    }
    let variants =
        [ExportOptions::default(), ExportOptions { split: true, mesh: Some(Mesh::Istio), collapse_groups: true }];
    let mut keys = BTreeSet::new();
    let mut said = 0;
    i18n::set_language(Lang::ZhCn);
    for (name, design) in &designs {
        for format in ExportFormat::ALL {
            for options in variants {
                let Ok(done) = export::export_with(design, format, options) else { continue };
                let mut notes = done.report.clone();
                if matches!(format, ExportFormat::Compose | ExportFormat::Kubernetes) && !options.split {
                    notes.extend(export::emulate::emulated(design, &done).unwrap().report);
                }
                for note in &notes {
                    let m = &note.message;
                    assert!(m.key().is_some(), "{name} {format:?}: a note with no key: {m}");
                    let zh = i18n::tr_message(m);
                    assert_ne!(zh, m.as_str(), "{name} {format:?}: not translated: {m}");
                    for english in [" the ", " is ", " are ", "left out", "not deployed"] {
                        assert!(!zh.contains(english), "{name} {format:?}: English left in {zh:?}");
                    }
                    keys.insert(m.key().unwrap_or_default());
                    said += 1;
                }
            }
        }
    }
    i18n::set_language(Lang::En);
    assert!(keys.len() > 40, "only {} kinds of note were said ({said} notes): {keys:?}", keys.len());
}
