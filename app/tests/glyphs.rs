//! Every character of every UI string has a glyph in the fonts the app always
//! loads (egui's built-in fonts, the embedded symbols and the embedded Chinese
//! subset: nothing is drawn as an empty box on a minimal Linux install whatever
//! its system fonts), in the code's literals and in both message catalogues.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use skrifa::MetadataProvider as _;

#[allow(dead_code)]
mod i18n_scan;

/// The characters inside string and char literals of a Rust source (comments skipped).
fn literal_chars(source: &str) -> Vec<char> {
    let chars: Vec<char> = source.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '/' if chars.get(i + 1) == Some(&'/') => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '"' => {
                // A raw string r#"..."# ends at the quote followed by its hashes.
                let mut hashes = 0;
                let mut j = i;
                while j > 0 && chars[j - 1] == '#' {
                    hashes += 1;
                    j -= 1;
                }
                let raw = j > 0 && chars[j - 1] == 'r';
                i += 1;
                while i < chars.len() {
                    if !raw && chars[i] == '\\' {
                        i += 2;
                        continue;
                    }
                    if chars[i] == '"' && (0..hashes).all(|k| chars.get(i + 1 + k) == Some(&'#')) {
                        break;
                    }
                    out.push(chars[i]);
                    i += 1;
                }
            }
            '\'' if chars.get(i + 2) == Some(&'\'') && chars.get(i + 1) != Some(&'\\') => {
                out.push(chars[i + 1]);
                i += 2;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[test]
fn every_ui_character_has_a_glyph_in_the_fonts_loaded() {
    let fonts = switchboard::gui::fonts::definitions();
    // The faces of the proportional family, which draws the UI's text.
    let faces: Vec<(String, std::sync::Arc<egui::FontData>)> = fonts.families[&egui::FontFamily::Proportional]
        .iter()
        .map(|name| (name.clone(), std::sync::Arc::clone(&fonts.font_data[name])))
        .collect();
    let covered = |c: char| {
        faces.iter().any(|(_, data)| {
            skrifa::FontRef::from_index(&data.font, data.index).is_ok_and(|f| f.charmap().map(c).is_some())
        })
    };
    let mut missing: BTreeMap<char, Vec<String>> = BTreeMap::new();
    // The GUI's sources without their test modules: those hold test data, not UI strings.
    for (path, code) in i18n_scan::gui_sources() {
        for c in literal_chars(&code) {
            if !c.is_control() && !covered(c) {
                let name = path.rsplit('/').next().unwrap_or(&path).to_owned();
                let places = missing.entry(c).or_default();
                if !places.contains(&name) {
                    places.push(name);
                }
            }
        }
    }
    let report: Vec<String> =
        missing.iter().map(|(c, files)| format!("{c:?} U+{:04X} in {}", u32::from(*c), files.join(", "))).collect();
    assert!(report.is_empty(), "characters no loaded font has:\n{}", report.join("\n"));
}

#[test]
fn every_character_of_both_catalogues_has_a_glyph_in_the_fonts_loaded() {
    let coverage = switchboard::gui::fonts::Coverage::of(&switchboard::gui::fonts::definitions());
    for lang in switchboard::gui::i18n::Lang::ALL {
        let mut missing: Vec<String> = std::iter::once(lang.source())
            .chain(lang.engine_source())
            .flat_map(str::lines)
            // Comments are for translators, not drawn.
            .filter(|l| !l.trim_start().starts_with('#'))
            .flat_map(str::chars)
            .filter(|c| !coverage.covers(*c))
            .map(|c| format!("{c:?} U+{:04X}", u32::from(c)))
            .collect();
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "{}: characters no loaded font has (run tools/subset-cjk-font.py):\n{}",
            lang.code(),
            missing.join("\n")
        );
    }
    // The check can fail: a character outside every loaded font is reported.
    assert!(!coverage.covers('ⴰ'));
    assert!(coverage.covers('熔') && coverage.covers('舱'));
}

#[test]
fn the_literal_scanner_skips_comments_and_reads_raw_strings() {
    let chars: String = literal_chars("// “no”\nlet a = \"x→\"; let b = r#\"q\"#; let c = '●';").into_iter().collect();
    assert_eq!(chars, "x→q●");
}

#[test]
fn the_status_bar_names_a_node_no_installed_font_can_draw() {
    use egui_kittest::kittest::Queryable as _;
    let mut design = engine::Design { name: "scripts".into(), ..engine::Design::default() };
    design.nodes.push(engine::model::Node::new("a", "orders", engine::model::NodeKind::Service));
    design.nodes.push(engine::model::Node::new("b", "ⴰⵣⵓⵍ", engine::model::NodeKind::Service));
    let mut h = egui_kittest::Harness::builder().with_size([1400.0, 900.0]).build_eframe(move |cc| {
        let config = switchboard::gui::AppConfig::bare(Box::new(NoDialogs));
        let mut app = switchboard::gui::SwitchboardApp::new(&cc.egui_ctx, None, config);
        app.set_document(switchboard::gui::document::Document::new(design, None));
        // The fonts every installation has (no system fallbacks): Tifinagh is not among them.
        app.set_font_coverage(switchboard::gui::fonts::Coverage::of(&switchboard::gui::fonts::definitions()));
        app
    });
    h.run_steps(3);
    h.get_by_label("“ⴰⵣⵓⵍ” has characters no installed font has");
    let coverage = switchboard::gui::fonts::Coverage::of(&switchboard::gui::fonts::definitions());
    assert!(coverage.covers('→') && coverage.covers('a') && !coverage.covers('ⴰ'));
}

struct NoDialogs;

impl switchboard::gui::files::FileDialogs for NoDialogs {
    fn open_design(&mut self) -> Option<PathBuf> {
        None
    }
    fn save_design(&mut self, _: &str) -> Option<PathBuf> {
        None
    }
    fn save_export(&mut self, _: &str, _: &str) -> Option<PathBuf> {
        None
    }
}
