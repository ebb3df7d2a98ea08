//! Fonts: egui's defaults first, then the symbols the UI draws (arrows,
//! bullets, triangles, ✕) from an embedded subset of DejaVu Sans, so they
//! render on any machine, then system fonts covering Chinese, Japanese,
//! Korean as fallbacks, so names in any script render. A name in another
//! script (Hebrew, Arabic, Tifinagh…) makes the app ask fontconfig for an
//! installed font that has its characters and load it then ([`FontSet`]).
//! Missing or unreadable font files are skipped, never fatal.

use std::collections::BTreeSet;
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

/// The fonts every installation has: egui's defaults with the embedded
/// symbols right after the main text font.
#[must_use]
pub fn definitions() -> egui::FontDefinitions {
    let mut fonts = egui::FontDefinitions::default();
    let name = "DejaVuSans-symbols".to_owned();
    fonts.font_data.insert(name.clone(), Arc::new(egui::FontData::from_static(SYMBOLS)));
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        let list = fonts.families.entry(family).or_default();
        let at = list.len().min(1);
        list.insert(at, name.clone());
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
/// Returns the set installed, which can grow later ([`FontSet::fill`]).
pub fn install(ctx: &egui::Context) -> FontSet {
    let mut fonts = definitions();
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
    }
    ctx.set_fonts(fonts.clone());
    FontSet::new(fonts)
}

/// Characters looked up in fontconfig per design change at most: each
/// lookup starts a process, and a pasted name in an unknown script must not
/// stall the frame.
const LOOKUPS_PER_CHANGE: usize = 8;

/// The fonts the window has loaded, able to grow: a character no loaded
/// face has is looked up once in fontconfig, and the font found is added.
#[derive(Debug)]
pub struct FontSet {
    definitions: egui::FontDefinitions,
    coverage: Coverage,
    /// Characters already looked up (found or not), never asked twice.
    tried: BTreeSet<char>,
    /// Font files added by lookups.
    added: BTreeSet<PathBuf>,
}

impl FontSet {
    /// The set of `definitions` (the fonts installed in the window).
    #[must_use]
    pub fn new(definitions: egui::FontDefinitions) -> Self {
        let coverage = Coverage::of(&definitions);
        Self { definitions, coverage, tried: BTreeSet::new(), added: BTreeSet::new() }
    }

    /// What the set's faces cover.
    #[must_use]
    pub fn coverage(&self) -> &Coverage {
        &self.coverage
    }

    /// Look up the characters of `names` that no face has and add the
    /// fonts fontconfig names for them. Returns whether fonts were added
    /// (the caller then installs [`Self::definitions`]).
    pub fn fill<'a>(&mut self, names: impl IntoIterator<Item = &'a str>) -> bool {
        self.fill_with(names, system_font_for)
    }

    /// [`Self::fill`] with the lookup given (tests).
    pub fn fill_with<'a>(
        &mut self,
        names: impl IntoIterator<Item = &'a str>,
        mut lookup: impl FnMut(char) -> Option<(PathBuf, u32)>,
    ) -> bool {
        let mut wanted: Vec<char> = Vec::new();
        for c in names.into_iter().flat_map(str::chars) {
            if wanted.len() >= LOOKUPS_PER_CHANGE {
                break;
            }
            if !self.tried.contains(&c) && !self.coverage.covers(c) {
                self.tried.insert(c);
                wanted.push(c);
            }
        }
        let mut grew = false;
        for c in wanted {
            // A font added for an earlier character may cover this one too.
            if self.coverage.covers(c) {
                continue;
            }
            let Some((path, index)) = lookup(c) else { continue };
            if self.added.contains(&path) {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else { continue };
            if !parses(&bytes, index) {
                continue;
            }
            let name = format!("fontconfig:{}", path.display());
            let mut data = egui::FontData::from_owned(bytes);
            data.index = index;
            self.definitions.font_data.insert(name.clone(), Arc::new(data));
            for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
                self.definitions.families.entry(family).or_default().push(name.clone());
            }
            self.added.insert(path);
            self.coverage = Coverage::of(&self.definitions);
            grew = true;
        }
        grew
    }

    /// The definitions to install in the window.
    #[must_use]
    pub fn definitions(&self) -> &egui::FontDefinitions {
        &self.definitions
    }
}

/// An installed font file (and face index) that has `c`, as fontconfig's
/// `fc-list` reports it; `None` when fontconfig is absent or knows none.
#[must_use]
pub fn system_font_for(c: char) -> Option<(PathBuf, u32)> {
    let out = std::process::Command::new("fc-list")
        .arg("--format=%{file}\t%{index}\t%{style}\n")
        .arg(format!(":charset={:x}", u32::from(c)))
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    pick_font(&String::from_utf8_lossy(&out.stdout))
}

/// The font to load from an `fc-list` listing (`file TAB index TAB
/// styles`): a regular face before bold or italic ones, then by path, so
/// the choice does not depend on fontconfig's order.
fn pick_font(listing: &str) -> Option<(PathBuf, u32)> {
    listing
        .lines()
        .filter_map(|line| {
            let mut parts = line.split('\t');
            let file = parts.next().filter(|f| !f.is_empty())?;
            let index = parts.next().and_then(|i| i.trim().parse::<u32>().ok()).unwrap_or(0);
            let styles = parts.next().unwrap_or("");
            let regular = styles.split(',').any(|s| matches!(s.trim(), "Regular" | "Book" | "Normal"));
            // egui reads TrueType and OpenType outlines only.
            let outline = Path::new(file)
                .extension()
                .is_some_and(|e| ["ttf", "otf", "ttc", "otc"].iter().any(|x| e.eq_ignore_ascii_case(x)));
            outline.then(|| (!regular, PathBuf::from(file), index))
        })
        .min()
        .map(|(_, path, index)| (path, index))
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
    fn a_regular_outline_face_is_picked_from_a_listing() {
        let listing = "/f/DejaVuSans-Bold.ttf\t0\tBold\n/f/misc/x.pcf.gz\t0\tRegular\n/f/DejaVuSans.ttf\t0\tBook\n/f/A.ttc\t2\tCondensed Bold,Bold\n";
        assert_eq!(pick_font(listing), Some((PathBuf::from("/f/DejaVuSans.ttf"), 0)));
        assert_eq!(pick_font("/f/A.ttc\t2\tBold\n"), Some((PathBuf::from("/f/A.ttc"), 2)));
        assert_eq!(pick_font(""), None);
        assert_eq!(pick_font("/f/x.pcf.gz\t0\tRegular\n"), None);
    }

    #[test]
    fn a_name_in_a_script_no_face_has_loads_the_font_fontconfig_names() {
        let mut set = FontSet::new(definitions());
        assert!(!set.coverage().covers('ⴰ'));
        // Only a font that really has the character helps: the embedded
        // symbol font has no Tifinagh, so adding it changes nothing.
        let symbols = std::env::temp_dir().join(format!("switchboard-fonts-{}.ttf", std::process::id()));
        std::fs::write(&symbols, SYMBOLS).unwrap();
        let mut asked = Vec::new();
        let grew = set.fill_with(["ⴰⵣ", "ⴰ"], |c| {
            asked.push(c);
            Some((symbols.clone(), 0))
        });
        assert_eq!(asked, vec!['ⴰ', 'ⵣ'], "each character looked up once, the repeated one not again");
        assert!(grew && !set.coverage().covers('ⴰ'));
        // Never asked twice for the same character.
        assert!(!set.fill_with(["ⴰ"], |_| panic!("asked again")));
        let _ = std::fs::remove_file(&symbols);
        // With the system's fontconfig, when it knows a font for Tifinagh
        // (DejaVu Sans has it), that font is loaded and covers the name.
        if let Some(found) = system_font_for('ⴰ') {
            let mut set = FontSet::new(definitions());
            assert!(set.fill(["ⴰⵣⵓⵍ"]), "{found:?} was not loaded");
            assert!("ⴰⵣⵓⵍ".chars().all(|c| set.coverage().covers(c)), "{found:?}");
        }
    }

    #[test]
    fn noto_collections_use_the_chinese_face() {
        assert_eq!(face_index(Path::new("/x/NotoSansCJK-Regular.ttc")), 2);
        assert_eq!(face_index(Path::new("/x/DroidSansFallback.ttf")), 0);
    }
}
