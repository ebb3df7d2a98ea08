//! Fonts: egui's defaults first, then the symbols the UI draws (arrows,
//! bullets, triangles, ✕) from an embedded subset of DejaVu Sans, so they
//! render on any machine, then an embedded subset of Noto Sans CJK SC (the
//! Chinese catalogue's characters and the GB2312 level-1 hanzi), so the
//! Chinese UI never shows an empty box, then system fonts covering Chinese,
//! Japanese, Korean and other scripts as fallbacks, so names in any script
//! render.
//! Missing or unreadable font files are skipped, never fatal.

use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Directories searched for fallback fonts, most specific first.
const FONT_DIRS: &[&str] = &[
    "/usr/share/fonts/opentype/noto",
    "/usr/share/fonts/truetype/noto",
    "/usr/share/fonts/noto-cjk",
    "/usr/share/fonts/google-noto-cjk",
    "/usr/share/fonts/opentype",
    "/usr/share/fonts/truetype/droid",
    "/usr/share/fonts/truetype",
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:\\Windows\\Fonts",
];

/// File names (lower case) of fonts with wide CJK coverage, in preference order.
const FALLBACK_FILES: &[&str] = &[
    "notosanscjk-regular.ttc",
    "notosanscjksc-regular.otf",
    "notosanscjk-regular.otf",
    "notosanssc-regular.otf",
    "notosanssc-regular.ttf",
    "droidsansfallbackfull.ttf",
    "droidsansfallback.ttf",
    "wqy-microhei.ttc",
    "pingfang.ttc",
    "msyh.ttc",
];

/// Find fallback font files present on this machine (at most one per name).
#[must_use]
pub fn find_fallback_fonts() -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = Vec::new();
    for wanted in FALLBACK_FILES {
        'dirs: for dir in FONT_DIRS {
            let Ok(entries) = std::fs::read_dir(dir) else { continue };
            let mut names: Vec<PathBuf> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
            names.sort();
            for path in names {
                let matches = path.file_name().is_some_and(|n| n.to_string_lossy().to_ascii_lowercase() == *wanted);
                if matches && !found.contains(&path) {
                    found.push(path);
                    break 'dirs;
                }
            }
        }
        if found.len() >= 2 {
            break;
        }
    }
    found
}

/// Face index to use in a font file: Noto CJK collections order their faces
/// JP, KR, SC, TC, HK; the Simplified Chinese face covers the widest set of
/// Han characters a user is likely to type.
fn face_index(path: &Path) -> u32 {
    let name = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()).unwrap_or_default();
    let ttc = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("ttc"));
    if name.starts_with("notosanscjk") && ttc { 2 } else { 0 }
}

/// Whether the bytes parse as a font face at `index` (egui panics on a bad font).
fn parses(bytes: &[u8], index: u32) -> bool {
    skrifa::FontRef::from_index(bytes, index).is_ok()
}

/// The embedded symbol font: DejaVu Sans reduced to punctuation, arrows,
/// mathematical operators, technical symbols, box drawing, geometric shapes,
/// miscellaneous symbols and dingbats (U+2000–27BF; license in
/// `assets/fonts/LICENSE-DejaVu.txt`).
const SYMBOLS: &[u8] = include_bytes!("../../../assets/fonts/DejaVuSans-symbols.ttf");

/// The embedded Chinese font: Noto Sans CJK SC reduced by
/// `tools/subset-cjk-font.py` to the catalogues' characters, the GB2312
/// level-1 hanzi and CJK punctuation (license in
/// `assets/fonts/LICENSE-NotoSansCJK.txt`).
const CJK_SUBSET: &[u8] = include_bytes!("../../../assets/fonts/NotoSansCJKsc-subset.otf");

/// The fonts every installation has: egui's defaults with the embedded
/// symbols right after the main text font, and the embedded Chinese subset
/// after them (before any system font, so the UI looks the same everywhere).
#[must_use]
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    let name = "DejaVuSans-symbols".to_owned();
    let cjk = "NotoSansCJKsc-subset".to_owned();
    fonts.font_data.insert(name.clone(), Arc::new(egui::FontData::from_static(SYMBOLS)));
    fonts.font_data.insert(cjk.clone(), Arc::new(egui::FontData::from_static(CJK_SUBSET)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        let at = list.len().min(1);
        list.insert(at, name.clone());
        list.push(cjk.clone());
    }
    fonts
}

/// Which characters the loaded fonts can draw (their character maps).
#[derive(Clone, Default)]
pub struct Coverage(Vec<Arc<egui::FontData>>);

impl std::fmt::Debug for Coverage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Coverage({} faces)", self.0.len())
    }
}

impl Coverage {
    /// The faces of the proportional family of `fonts`.
    #[must_use]
    pub fn of(fonts: &egui::FontDefinitions) -> Self {
        let names = fonts.families.get(&egui::FontFamily::Proportional).cloned().unwrap_or_default();
        Self(names.iter().filter_map(|n| fonts.font_data.get(n).cloned()).collect())
    }

    /// Whether some face has a glyph for `c` (control and space characters count as drawn).
    #[must_use]
    pub fn covers(&self, c: char) -> bool {
        use skrifa::MetadataProvider as _;
        c.is_control()
            || c.is_whitespace()
            || self
                .0
                .iter()
                .any(|d| skrifa::FontRef::from_index(&d.font, d.index).is_ok_and(|f| f.charmap().map(c).is_some()))
    }

    /// The first name (of `names`) holding a character no face has.
    #[must_use]
    pub fn first_uncovered<'a>(&self, names: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
        names.into_iter().find(|n| n.chars().any(|c| !self.covers(c)))
    }
}

/// Install the fonts of [`definitions`] plus the system fallbacks found.
/// Returns the names of the fallback files loaded and what they cover.
pub fn install(ctx: &egui::Context) -> (Vec<String>, Coverage) {
    let mut fonts = definitions();
    let mut loaded = Vec::new();
    for path in find_fallback_fonts() {
        let Ok(bytes) = std::fs::read(&path) else { continue };
        let mut index = face_index(&path);
        if !parses(&bytes, index) {
            index = 0;
            if !parses(&bytes, index) {
                continue;
            }
        }
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut data = egui::FontData::from_owned(bytes);
        data.index = index;
        fonts.font_data.insert(name.clone(), Arc::new(data));
        for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
            fonts.families.entry(family).or_default().push(name.clone());
        }
        loaded.push(name);
    }
    let coverage = Coverage::of(&fonts);
    ctx.set_fonts(fonts);
    (loaded, coverage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junk_is_not_a_font() {
        assert!(!parses(b"definitely not a font", 0));
        assert!(!parses(&[], 0));
    }

    #[test]
    fn noto_collections_use_the_chinese_face() {
        assert_eq!(face_index(Path::new("/x/NotoSansCJK-Regular.ttc")), 2);
        assert_eq!(face_index(Path::new("/x/DroidSansFallback.ttf")), 0);
    }
}
