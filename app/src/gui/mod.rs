//! The desktop GUI: an editor for designs with a hand-painted canvas, a
//! palette, an inspector, live validation and the instant capacity estimate.
//!
//! [`run`] opens the window; [`SwitchboardApp`] holds everything and can be
//! driven without a window (tests use `egui_kittest`).

pub mod action;
pub mod analysis;
pub mod app;
pub mod canvas;
pub mod config_dir;
pub mod document;
pub mod edit;
pub mod export;
pub mod files;
pub mod fonts;
pub mod i18n;
pub mod layout;
pub mod panels;
pub mod portal;
pub mod presets;
pub mod results;
pub mod run;
pub mod screenshot;
pub mod selection;
pub mod style;
pub mod view;

use std::path::PathBuf;

use anyhow::Context as _;

pub use self::app::{AppConfig, SwitchboardApp};

/// How the GUI starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A design to open.
    pub file: Option<PathBuf>,
    /// Render to this PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// Window size in logical pixels.
    pub window_size: [f32; 2],
    /// Simulate the design at start and show the results.
    pub run: bool,
    /// Force the theme (`Some(true)`: dark) instead of the persisted one.
    pub dark: Option<bool>,
    /// Force the language instead of the persisted one or the system's.
    pub lang: Option<i18n::Lang>,
}

/// The message shown when there is no display to open a window on.
pub const NO_DISPLAY: &str = "no display found: set DISPLAY or WAYLAND_DISPLAY (or run under xvfb-run), \
or use a subcommand such as `switchboard validate FILE`";

/// Whether a display server is reachable, as far as the environment tells.
#[must_use]
pub fn display_available() -> bool {
    if !cfg!(target_os = "linux") && !cfg!(target_os = "freebsd") {
        return true;
    }
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    set("DISPLAY") || set("WAYLAND_DISPLAY")
}

/// The application's id: desktop entry, AppStream component and icon name.
pub const APP_ID: &str = "dev.switchboard.Switchboard";
/// The directory name of settings, recent files and the recovery file
/// (`~/.local/share/switchboard` on Linux).
const STORAGE_NAME: &str = "switchboard";

/// The window's icon, drawn from the packaged icon; the platform's default
/// icon if the picture cannot be read (it is compiled in, so it can).
fn window_icon() -> std::sync::Arc<egui::IconData> {
    let png = include_bytes!("../../../packaging/icons/switchboard-256.png");
    std::sync::Arc::new(eframe::icon_data::from_png_bytes(png).unwrap_or_default())
}

/// Open the window and run until it closes.
///
/// # Errors
/// When no display is available or the window cannot be created, or the
/// screenshot could not be written.
pub fn run(options: Options) -> anyhow::Result<()> {
    if !display_available() {
        anyhow::bail!(NO_DISPLAY);
    }
    let screenshot = options.screenshot.clone();
    let size = if options.window_size[0] > 0.0 { options.window_size } else { [1600.0, 1000.0] };
    let mut native = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_inner_size(size)
            .with_min_inner_size([640.0, 400.0])
            .with_title("Switchboard")
            // The desktop entry's name: Wayland compositors and X11 docks
            // match the window to its entry (and icon) by it.
            .with_app_id(APP_ID)
            .with_icon(window_icon()),
        ..Default::default()
    };
    let recovery_dir = if screenshot.is_some() {
        // Screenshots must not depend on what an earlier run left behind.
        native.persist_window = false;
        native.persistence_path =
            Some(std::env::temp_dir().join(format!("switchboard-screenshot-{}.ron", std::process::id())));
        native.centered = false;
        native.viewport = native.viewport.with_position([0.0, 0.0]);
        None
    } else {
        // Settings and recent files live in the configuration directory;
        // autosaved recovery files are data.
        let data_dir = eframe::storage_dir(STORAGE_NAME);
        let legacy = data_dir.as_ref().map(|d| d.join("app.ron"));
        native.persistence_path =
            config_dir::config_dir().map(|dir| config_dir::settings_file(&dir, legacy.as_deref()));
        data_dir
    };
    let samples_dir = files::find_samples_dir();
    let config = AppConfig {
        open_default_sample: options.file.is_none(),
        file: options.file,
        samples_dir,
        recovery_dir,
        dialogs: Box::new(files::NativeDialogs),
        screenshot: screenshot.clone(),
        run_on_start: options.run,
        dark: options.dark,
        lang: options.lang,
    };
    if let Some(path) = &screenshot {
        // A stale file must not pass for a fresh screenshot.
        let _ = std::fs::remove_file(path);
    }
    eframe::run_native(
        "Switchboard",
        native,
        Box::new(move |cc| {
            let fonts = fonts::install(&cc.egui_ctx);
            let mut app = SwitchboardApp::new(&cc.egui_ctx, cc.storage, config);
            app.set_fonts(fonts);
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("{e}"))
    .with_context(|| format!("could not open a window ({NO_DISPLAY})"))?;
    if let Some(path) = screenshot {
        let _ = std::fs::remove_file(
            std::env::temp_dir().join(format!("switchboard-screenshot-{}.ron", std::process::id())),
        );
        anyhow::ensure!(path.is_file(), "the screenshot {} was not written", path.display());
    }
    Ok(())
}
