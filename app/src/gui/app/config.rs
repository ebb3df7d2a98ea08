//! How the app starts and what it keeps: the start-up configuration, the
//! persisted settings, the dialogs over the window and what waits for
//! "save changes?".

use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::gui::files::{FileDialogs, Recovered};
use crate::gui::i18n::Lang;

/// What persists between runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct Settings {
    /// Dark theme (else light).
    pub dark: bool,
    /// Recently opened files, newest first.
    pub recent: Vec<PathBuf>,
    /// Snap moved nodes to the grid.
    pub snap: bool,
    /// Draw the grid.
    pub show_grid: bool,
    /// Show the minimap.
    pub show_minimap: bool,
    /// Show the problems panel.
    pub show_problems: bool,
    /// Show the start panel.
    pub show_start: bool,
    /// Always use the in-app file dialog, even when the desktop has one.
    pub in_app_file_dialog: bool,
    /// The language chosen in View → Language (`None`: the system locale's).
    pub language: Option<Lang>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            dark: true,
            recent: Vec::new(),
            snap: true,
            show_grid: true,
            show_minimap: true,
            show_problems: true,
            show_start: true,
            in_app_file_dialog: false,
            language: None,
        }
    }
}

/// What to do once unsaved changes are dealt with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Pending {
    /// Start a new design.
    New,
    /// Open a file (ask when `None`).
    Open(Option<PathBuf>),
    /// Close the window.
    Quit,
    /// Open the imported design waiting in `SwitchboardApp::import`.
    Import,
    /// Open the calibrated design waiting in `SwitchboardApp::calibrate`.
    Calibrated,
}

/// A dialog over the window.
#[derive(Clone, Debug)]
pub enum Modal {
    /// "Save changes?" before `Pending`.
    SaveChanges(Pending),
    /// An error message.
    Error(String),
    /// Offer to restore unsaved work found at start.
    Recovery(Box<Recovered>),
    /// The keyboard shortcut sheet.
    Shortcuts,
    /// About the app.
    About,
}

/// A step run between writing a save's temporary file and the rename.
pub type SaveHook = Box<dyn Fn(&std::path::Path) -> std::io::Result<()>>;

/// With `SWITCHBOARD_TEST_CRASH_IN_SAVE=1` (end-to-end tests only), a save
/// aborts the process between the temporary file and the rename: a real crash.
pub(super) fn crash_hook_from_env() -> Option<SaveHook> {
    (std::env::var_os("SWITCHBOARD_TEST_CRASH_IN_SAVE").is_some_and(|v| v == "1"))
        .then(|| Box::new(|_: &std::path::Path| -> std::io::Result<()> { std::process::abort() }) as SaveHook)
}

/// How the app starts (tests build it with their own).
pub struct AppConfig {
    /// A design to open.
    pub file: Option<PathBuf>,
    /// Where the samples are (`None`: none).
    pub samples_dir: Option<PathBuf>,
    /// Open the default sample when no file is given.
    pub open_default_sample: bool,
    /// Where autosave keeps the recovery file (`None`: no autosave).
    pub recovery_dir: Option<PathBuf>,
    /// File dialogs.
    pub dialogs: Box<dyn FileDialogs>,
    /// Render to this PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// Simulate the design at start and show the results (with `screenshot`:
    /// capture once the run has finished).
    pub run_on_start: bool,
    /// Force the theme for this session (`Some(true)`: dark), e.g. for
    /// screenshots; `None` keeps the persisted choice.
    pub dark: Option<bool>,
    /// Force the language for this session (`--lang`); `None` keeps the
    /// persisted choice, or else follows the system locale.
    pub lang: Option<Lang>,
}

impl AppConfig {
    /// A config with no files, samples, autosave or dialogs (for tests).
    #[must_use]
    pub fn bare(dialogs: Box<dyn FileDialogs>) -> Self {
        Self {
            file: None,
            samples_dir: None,
            open_default_sample: false,
            recovery_dir: None,
            dialogs,
            screenshot: None,
            run_on_start: false,
            dark: None,
            // Tests read labels in English whatever the machine's locale.
            lang: Some(Lang::En),
        }
    }
}
