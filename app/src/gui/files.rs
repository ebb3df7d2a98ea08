//! Files: native dialogs behind a small trait (tests stand in for it), the
//! samples shipped with the app, and the recovery file that autosave writes.

use std::path::{Path, PathBuf};

use crate::gui::i18n::tr;
use anyhow::Context as _;
use engine::Design;
use engine::model::format;
use serde::{Deserialize, Serialize};

/// File dialogs. The app only talks to this trait so tests can answer for the user.
pub trait FileDialogs {
    /// Ask for a design to open; `None` if cancelled.
    fn open_design(&mut self) -> Option<PathBuf>;
    /// Ask where to save a design; `None` if cancelled.
    fn save_design(&mut self, suggested_name: &str) -> Option<PathBuf>;
    /// Ask where to save an export with the given extension; `None` if cancelled.
    fn save_export(&mut self, suggested_name: &str, extension: &str) -> Option<PathBuf>;
    /// Ask for a file to import (Compose, Kubernetes, isotope); `None` if cancelled.
    fn open_import(&mut self) -> Option<PathBuf> {
        self.open_design()
    }
    /// Whether these are the platform's dialogs (shown on a thread, and only
    /// when the desktop has a file chooser), not an immediate answer.
    fn is_native(&self) -> bool {
        false
    }
}

/// The platform's dialogs (xdg portal on Linux). With no portal service they
/// return `None` at once, which reads as "cancelled".
#[derive(Debug, Default)]
pub struct NativeDialogs;

impl FileDialogs for NativeDialogs {
    fn open_design(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(tr("files-title-open"))
            .add_filter(tr("native-designs"), &["json", "yaml", "yml"])
            .add_filter(tr("native-all-files"), &["*"])
            .pick_file()
    }

    fn save_design(&mut self, suggested_name: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(tr("files-title-save"))
            .set_file_name(suggested_name)
            .add_filter(tr("native-json-design"), &["json"])
            .add_filter(tr("native-yaml-design"), &["yaml", "yml"])
            .save_file()
    }

    fn save_export(&mut self, suggested_name: &str, extension: &str) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(tr("files-title-export"))
            .set_file_name(suggested_name)
            .add_filter(extension, &[extension])
            .save_file()
    }

    fn open_import(&mut self) -> Option<PathBuf> {
        rfd::FileDialog::new()
            .set_title(tr("files-title-import"))
            .add_filter("YAML", &["yaml", "yml", "json"])
            .add_filter(tr("native-all-files"), &["*"])
            .pick_file()
    }

    fn is_native(&self) -> bool {
        true
    }
}

/// A design shipped in `samples/`.
#[derive(Clone, Debug)]
pub struct Sample {
    /// The file.
    pub path: PathBuf,
    /// The design's name.
    pub name: String,
    /// What it shows.
    pub description: String,
    /// Node count.
    pub nodes: usize,
}

/// Where the samples are: `./samples`, then `samples/` next to the executable
/// or up to three directories above it (a `target/release` build), then
/// `share/switchboard/samples` beside the executable's `bin` (an installed
/// package), then the source tree this binary was built from.
#[must_use]
pub fn find_samples_dir() -> Option<PathBuf> {
    let mut candidates = vec![PathBuf::from("samples")];
    if let Ok(exe) = std::env::current_exe() {
        let mut dir = exe.parent().map(Path::to_path_buf);
        for _ in 0..4 {
            let Some(d) = dir else { break };
            candidates.push(d.join("samples"));
            dir = d.parent().map(Path::to_path_buf);
        }
        if let Some(prefix) = exe.parent().and_then(Path::parent) {
            candidates.push(prefix.join("share/switchboard/samples"));
        }
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../samples"));
    candidates.into_iter().find(|c| c.is_dir())
}

/// The samples in a directory, sorted by file name. Unreadable files are skipped.
#[must_use]
pub fn list_samples(dir: &Path) -> Vec<Sample> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut paths: Vec<PathBuf> =
        entries.filter_map(Result::ok).map(|e| e.path()).filter(|p| format::Format::from_path(p).is_some()).collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| {
            let design = format::load(&path).ok()?;
            Some(Sample { path, name: design.name, description: design.description, nodes: design.nodes.len() })
        })
        .collect()
}

/// The sample opened when the app starts without a file.
pub const DEFAULT_SAMPLE: &str = "ecommerce-checkout.json";

/// What the recovery file holds.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Recovered {
    /// The file the unsaved design belongs to, if it had one.
    pub original: Option<PathBuf>,
    /// Seconds since the Unix epoch when it was written.
    pub saved_at_s: u64,
    /// The unsaved design.
    pub design: Design,
}

/// The recovery file in a directory.
#[derive(Clone, Debug)]
pub struct RecoveryStore {
    dir: PathBuf,
}

impl RecoveryStore {
    /// A store in `dir` (created on first write).
    #[must_use]
    pub fn new(dir: PathBuf) -> Self {
        Self { dir }
    }

    /// The recovery file's path.
    #[must_use]
    pub fn path(&self) -> PathBuf {
        self.dir.join("recovery.json")
    }

    /// Write the unsaved design.
    ///
    /// # Errors
    /// When the directory or file cannot be written.
    pub fn write(&self, design: &Design, original: Option<&Path>) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.dir).with_context(|| format!("creating {}", self.dir.display()))?;
        let saved_at_s = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
        let rec = Recovered { original: original.map(Path::to_path_buf), saved_at_s, design: design.clone() };
        let json = serde_json::to_string(&rec).context("serializing the recovery file")?;
        format::write_atomic(&self.path(), json.as_bytes())?;
        Ok(())
    }

    /// Read the recovery file, if one was left behind.
    #[must_use]
    pub fn read(&self) -> Option<Recovered> {
        let text = std::fs::read_to_string(self.path()).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Remove the recovery file (after a save, or when the user discards it).
    pub fn clear(&self) {
        let _ = std::fs::remove_file(self.path());
    }
}

/// The file name suggested when saving a design for the first time.
#[must_use]
pub fn suggested_file_name(design: &Design) -> String {
    format!("{}{DESIGN_EXTENSION}", design_slug(design))
}

/// The extension new designs are saved with: the double extension lets the
/// desktop open design files with the app without claiming every JSON file.
pub const DESIGN_EXTENSION: &str = ".switchboard.json";

/// The design's name as a file name stem (`design` when it has none).
#[must_use]
pub fn design_slug(design: &Design) -> String {
    let slug: String = design
        .name
        .chars()
        .map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if slug.is_empty() { "design".to_owned() } else { slug }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn recovery_round_trip() {
        let dir = std::env::temp_dir().join(format!("sb-recovery-{}", std::process::id()));
        let store = RecoveryStore::new(dir.clone());
        assert!(store.read().is_none());
        let d = Design { name: "draft".into(), ..Design::default() };
        store.write(&d, Some(Path::new("/x/y.json"))).unwrap();
        let rec = store.read().unwrap();
        assert_eq!(rec.design.name, "draft");
        assert_eq!(rec.original.as_deref(), Some(Path::new("/x/y.json")));
        store.clear();
        assert!(store.read().is_none());
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn suggested_names_are_slugs() {
        let d = Design { name: "E-commerce checkout (v2)".into(), ..Design::default() };
        assert_eq!(suggested_file_name(&d), "e-commerce-checkout-v2.switchboard.json");
    }
}
