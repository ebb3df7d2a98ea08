//! The app: owns the document and the UI state, lays out the panels, and
//! handles the actions they emit once per frame.

use std::path::PathBuf;

use egui::Ui;
use engine::Design;

use super::analysis::Analysis;
use super::canvas::geometry::Geometry;
use super::canvas::{self, CanvasInput};
use super::document::Document;
use super::files::{self, FileDialogs, RecoveryStore, Sample};
use super::i18n::{self, Lang};
use super::portal::PortalProbe;
use super::screenshot::Screenshot;
use super::view::{PanelContext, ViewState};
use super::{panels, results, run};

use self::config::crash_hook_from_env;
pub use self::config::{AppConfig, Modal, Pending, SaveHook, Settings};
pub use self::dialogs::Dialogs;
use crate::gui::i18n::tr;

pub mod chooser;
mod config;
mod dialogs;
mod dispatch;
mod persistence;
mod shortcuts;
pub mod state_log;

/// Seconds between autosaves of unsaved work.
const AUTOSAVE_INTERVAL_S: f64 = 5.0;
/// Recent files remembered.
const RECENT_LIMIT: usize = 10;

/// The Switchboard desktop app.
pub struct SwitchboardApp {
    /// The open document.
    pub doc: Document,
    /// What the user looks at and how: selection, canvas view, culprit,
    /// find box, inspector buffers (never part of the document).
    pub(crate) view: ViewState,
    /// Persisted settings.
    pub settings: Settings,
    /// The language the UI is shown in now.
    lang: Lang,
    /// The dialogs open over the window.
    pub(crate) dialogs: Dialogs,
    /// Samples offered on the start panel.
    pub(crate) samples: Vec<Sample>,
    /// Where they are (canonical): the app never writes there.
    samples_dir: Option<PathBuf>,
    pub(crate) geometry: Geometry,
    pub(crate) analysis: Analysis,
    /// Simulation runs: the run bar's choices, the run in progress, recent runs.
    pub runs: run::Runs,
    /// The results view.
    pub results: results::ResultsView,
    /// Emulate ▶: the live emulation running or its last result.
    pub emulate: run::emulate::EmulateState,
    run_on_start: bool,
    /// Start an emulation at the first frame (`SWITCHBOARD_SCREENSHOT_EMULATE`).
    run_on_start_emulate: bool,
    pub(crate) file_dialogs: Box<dyn FileDialogs>,
    /// Right-size… and Headroom…: the search running and its dialog.
    pub(crate) rightsize: panels::rightsize::RightsizeState,
    /// File → Import traces / metrics: the calibration running or shown.
    pub(crate) calibrate: panels::calibrate::CalibrateState,
    native_wait: Option<chooser::NativeWait>,
    native_answer: fn(&panels::file_dialog::Ask) -> Option<PathBuf>,
    portal: PortalProbe,
    /// The folder of the last file chosen.
    last_dir: Option<PathBuf>,
    state_log: Option<state_log::StateLog>,
    font_coverage: Option<super::fonts::Coverage>,
    /// The window's fonts, grown by fontconfig lookups for names in
    /// scripts none of them has (absent in tests that set a coverage only).
    font_set: Option<super::fonts::FontSet>,
    /// A node name with characters no loaded font has, per revision.
    uncovered_name: (u64, Option<String>),
    recovery: Option<RecoveryStore>,
    /// Recovery is offered and not yet answered: the file must stay.
    recovery_offered: bool,
    /// An error to show once the recovery question is answered.
    deferred_error: Option<String>,
    /// Runs between writing the temporary file and renaming it over the
    /// design when saving (tests inject a crash there).
    before_rename: Option<SaveHook>,
    last_autosave_s: f64,
    autosaved_revision: Option<u64>,
    clipboard: Option<String>,
    allow_close: bool,
    title: String,
    pub(crate) capture: Option<Screenshot>,
    screenshot_mode: bool,
    /// Status message and when it was set.
    status: Option<(String, f64)>,
    seen_revision: u64,
    theme_applied: bool,
    /// Last frame's CPU time of the UI pass, for the status bar.
    frame_ms: f32,
}

impl SwitchboardApp {
    /// Build the app: open the file or the default sample, offer recovery.
    #[must_use]
    pub fn new(ctx: &egui::Context, storage: Option<&dyn eframe::Storage>, config: AppConfig) -> Self {
        let mut settings: Settings = storage.and_then(|s| eframe::get_value(s, eframe::APP_KEY)).unwrap_or_default();
        if config.screenshot.is_some() {
            settings = Settings::default();
        }
        if let Some(dark) = config.dark {
            settings.dark = dark;
        }
        ctx.set_theme(if settings.dark { egui::Theme::Dark } else { egui::Theme::Light });
        super::style::install_number_format(ctx);
        let lang = config.lang.or(settings.language).unwrap_or_else(Lang::from_env);
        i18n::set_language(lang);
        let samples = config.samples_dir.as_deref().map(files::list_samples).unwrap_or_default();
        let mut app = Self {
            doc: Document::default(),
            view: ViewState::default(),
            settings,
            lang,
            dialogs: Dialogs::default(),
            samples,
            samples_dir: config.samples_dir.as_deref().and_then(|d| d.canonicalize().ok()),
            geometry: Geometry::default(),
            analysis: Analysis::default(),
            runs: run::Runs::default(),
            results: results::ResultsView::default(),
            emulate: run::emulate::EmulateState::default(),
            run_on_start: config.run_on_start,
            run_on_start_emulate: false,
            rightsize: panels::rightsize::RightsizeState::default(),
            calibrate: panels::calibrate::CalibrateState::default(),
            portal: if config.dialogs.is_native() { PortalProbe::start() } else { PortalProbe::known(false) },
            file_dialogs: config.dialogs,
            native_wait: None,
            native_answer: chooser::native_answer,
            last_dir: None,
            state_log: state_log::StateLog::from_env(),
            font_coverage: None,
            font_set: None,
            uncovered_name: (u64::MAX, None),
            recovery: config.recovery_dir.map(RecoveryStore::new),
            recovery_offered: false,
            deferred_error: None,
            before_rename: crash_hook_from_env(),
            last_autosave_s: 0.0,
            autosaved_revision: None,
            clipboard: None,
            allow_close: false,
            title: String::new(),
            screenshot_mode: config.screenshot.is_some(),
            capture: config.screenshot.map(Screenshot::new),
            status: None,
            seen_revision: 0,
            theme_applied: false,
            frame_ms: 0.0,
        };
        // Look for unsaved work first: opening the start-up design must not
        // throw it away before the user has been asked.
        if !app.screenshot_mode
            && let Some(rec) = app.recovery.as_ref().and_then(RecoveryStore::read)
        {
            app.recovery_offered = true;
            app.dialogs.modal = Some(Modal::Recovery(Box::new(rec)));
        }
        if let Some(file) = config.file {
            app.open_path(&file);
        } else if config.open_default_sample
            && let Some(dir) = &config.samples_dir
        {
            let path = dir.join(files::DEFAULT_SAMPLE);
            app.open_sample(&path);
        }
        // Documentation screenshots of the Export dialog
        // (`SWITCHBOARD_SCREENSHOT_EXPORT=k8s switchboard --screenshot ...`,
        // `SWITCHBOARD_SCREENSHOT_EXPORT=k8s-emulate` for the emulated variant).
        if app.screenshot_mode
            && let Ok(name) = std::env::var("SWITCHBOARD_SCREENSHOT_EXPORT")
        {
            let (format, emulate) = name.strip_suffix("-emulate").map_or((name.as_str(), false), |f| (f, true));
            if let Ok(format) = format.parse() {
                let mut dialog = panels::export_dialog::ExportDialog::new(format);
                dialog.set_emulate(emulate);
                app.dialogs.export_dialog = Some(dialog);
            }
        }
        // ... and of a results tab (`SWITCHBOARD_SCREENSHOT_TAB=plots ... --run`).
        if app.screenshot_mode
            && let Ok(name) = std::env::var("SWITCHBOARD_SCREENSHOT_TAB")
        {
            app.results.screenshot_tab = results::Tab::ALL
                .into_iter()
                .find(|t| t.key().strip_prefix("tab-").is_some_and(|k| k.eq_ignore_ascii_case(name.trim())));
        }
        // ... and of Right-size… or Headroom… (`SWITCHBOARD_SCREENSHOT_RIGHTSIZE=tune|headroom`).
        if app.screenshot_mode
            && let Ok(kind) = std::env::var("SWITCHBOARD_SCREENSHOT_RIGHTSIZE")
        {
            let kind = if kind.trim().eq_ignore_ascii_case("headroom") {
                panels::rightsize::Kind::Headroom
            } else {
                panels::rightsize::Kind::Tune
            };
            panels::rightsize::start(&mut app, ctx, kind);
        }
        // ... and of File → Import traces / metrics (`SWITCHBOARD_SCREENSHOT_CALIBRATE=FILE ...`).
        if app.screenshot_mode {
            panels::calibrate::screenshot_from_env(&mut app);
        }
        // ... and of Emulate ▶ (`SWITCHBOARD_SCREENSHOT_EMULATE=live|done`).
        if app.screenshot_mode
            && let Ok(when) = std::env::var("SWITCHBOARD_SCREENSHOT_EMULATE")
        {
            app.emulate.screenshot_live = when.trim().eq_ignore_ascii_case("live");
            app.run_on_start_emulate = true;
        }
        // ... and of the inspector (`SWITCHBOARD_SCREENSHOT_SELECT=NODE_ID ...`).
        if app.screenshot_mode
            && let Ok(id) = std::env::var("SWITCHBOARD_SCREENSHOT_SELECT")
            && app.design().node(&id).is_some()
        {
            app.view.selection.only_node(&id);
        }
        app
    }

    /// What the user looks at and how (selection, canvas view, culprit, find box).
    #[must_use]
    pub fn view(&self) -> &ViewState {
        &self.view
    }

    /// The dialogs open over the window.
    #[must_use]
    pub fn dialogs(&self) -> &Dialogs {
        &self.dialogs
    }

    /// File → Import traces / metrics: the calibration running or shown.
    #[must_use]
    pub fn calibrate(&self) -> &panels::calibrate::CalibrateState {
        &self.calibrate
    }

    /// Right-size… and Headroom…: the search running and its dialog.
    #[must_use]
    pub fn rightsize(&self) -> &panels::rightsize::RightsizeState {
        &self.rightsize
    }

    /// The dialogs, to change (tests answer or close them).
    pub fn dialogs_mut(&mut self) -> &mut Dialogs {
        &mut self.dialogs
    }

    /// The view state, to change (tests).
    pub fn view_mut(&mut self) -> &mut ViewState {
        &mut self.view
    }

    /// The design being edited.
    #[must_use]
    pub fn design(&self) -> &Design {
        self.doc.design()
    }

    /// The live analysis (problems and load).
    #[must_use]
    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Where the canvas draws nodes and edges (world coordinates).
    #[must_use]
    pub fn geometry(&self) -> &Geometry {
        &self.geometry
    }

    /// Show an error in a dialog (after the recovery question, if that is open).
    pub fn show_error(&mut self, message: String) {
        self.log_event(&format!("error {}", message.replace('\n', " ")));
        if matches!(self.dialogs.modal, Some(Modal::Recovery(_))) {
            self.deferred_error = Some(message);
        } else {
            self.dialogs.modal = Some(Modal::Error(message));
        }
    }

    /// Show a message in the status bar for a few seconds.
    pub fn notify(&mut self, message: impl Into<String>) {
        self.status = Some((message.into(), -1.0));
    }

    /// Run the per-frame logic that needs no UI (screenshots).
    pub fn logic(&mut self, ctx: &egui::Context) {
        if self.run_on_start {
            self.run_on_start = false;
            self.start_run(ctx);
        }
        if self.run_on_start_emulate {
            self.run_on_start_emulate = false;
            self.start_emulation(ctx);
        }
        if self.runs.is_running() || self.rightsize.is_running() || self.emulate.waits_for_screenshot() {
            // A screenshot of the results waits for them.
            ctx.request_repaint();
            return;
        }
        if let Some(capture) = &mut self.capture {
            capture.logic(ctx);
            if capture.is_done() && !capture.closes_app() {
                self.capture = None;
                self.notify(tr("app-exported-the-canvas-as-png"));
            }
        }
    }

    /// Show the whole window.
    pub fn ui(&mut self, ui: &mut Ui) {
        let started = std::time::Instant::now();
        let ctx = ui.ctx().clone();
        if !self.theme_applied {
            self.theme_applied = true;
            let dark = self.settings.dark;
            self.set_dark(&ctx, dark);
        }
        // The catalogue is per thread: make sure this one shows our language.
        i18n::set_language(self.lang);
        self.refresh();
        self.poll_run(&ctx);
        self.poll_emulation(&ctx);
        self.poll_native_dialog(&ctx);
        let mut actions = Vec::new();
        self.shortcuts(&ctx, &mut actions);
        self.handle_dropped_files(&ctx, &mut actions);

        panels::menu::menu_bar(ui, self, &mut actions);
        run::bar::bar(ui, self, &mut actions);
        panels::status::status_bar(ui, self);
        if self.settings.show_problems {
            panels::problems::panel(ui, self.doc.design(), &self.analysis, &mut self.view, &mut actions);
        }
        results::dock(ui, self, &mut actions);
        egui::Panel::left("left-panel").resizable(true).default_size(230.0).show(ui, |ui| {
            panels::palette::panel(ui, self, &mut actions);
        });
        egui::Panel::right("inspector").resizable(true).default_size(320.0).show(ui, |ui| {
            let mut cx = PanelContext { design: self.doc.design(), analysis: &self.analysis, view: &mut self.view };
            panels::inspector::panel(ui, &mut cx, &mut actions);
        });
        egui::CentralPanel::no_frame().show(ui, |ui| {
            let input = CanvasInput {
                design: self.doc.design(),
                geometry: &self.geometry,
                analysis: &self.analysis,
                culprit: self.view.culprit.as_deref(),
                results_overlay: self.results.overlay && self.runs.current().is_some(),
                snap: self.settings.snap,
                show_grid: self.settings.show_grid,
            };
            canvas::show(ui, &mut self.view.canvas, &input, &mut self.view.selection, &mut actions);
            if self.results.overlay
                && let Some(run) = self.runs.current()
            {
                let report = std::sync::Arc::clone(&run.report);
                canvas::results_overlay::show(
                    ui,
                    &self.view.canvas,
                    &self.geometry,
                    self.doc.design(),
                    &report,
                    &mut self.results,
                );
            }
            if self.settings.show_minimap {
                panels::minimap::show(ui, self.doc.design(), &self.geometry, &mut self.view.canvas);
            }
        });
        panels::find::window(&ctx, self.doc.design(), &mut self.view, &mut actions);
        panels::export_dialog::show(&ctx, self);
        panels::rightsize::show(&ctx, self, &mut actions);
        panels::import::show(&ctx, self);
        panels::calibrate::show(&ctx, self);
        panels::file_dialog::show(&ctx, self);
        panels::modals::show(&ctx, self, &mut actions);

        for action in actions {
            self.handle(&ctx, action);
        }
        if ctx.input(|i| i.pointer.any_released()) {
            self.doc.seal();
        }
        if self.refresh() {
            // The frame just painted shows the geometry before this change
            // (the routes of a drag that just ended, say).
            ctx.request_repaint();
        }
        if self.analysis.is_running() || self.geometry.is_routing() {
            // Pick the background analysis and routes up as soon as they end.
            ctx.request_repaint_after(std::time::Duration::from_millis(50));
        }
        self.view.track_selection();
        self.autosave(&ctx);
        self.handle_close(&ctx);
        self.update_title(&ctx);
        self.log_state();
        self.frame_ms = started.elapsed().as_secs_f32() * 1000.0;
    }

    /// Bring caches up to date with the document; returns whether the
    /// canvas geometry changed.
    fn refresh(&mut self) -> bool {
        let rev = self.doc.revision();
        let moved = self.geometry.refresh(self.doc.design(), rev, self.view.canvas.moving_nodes());
        self.analysis.refresh(self.doc.design(), rev);
        if rev != self.seen_revision {
            self.seen_revision = rev;
            self.view.selection.prune(self.doc.design());
        }
        moved
    }

    /// Last frame's CPU time of the UI pass, ms.
    #[must_use]
    pub fn frame_ms(&self) -> f32 {
        self.frame_ms
    }

    /// The window title.
    #[must_use]
    pub fn title(&self) -> &str {
        &self.title
    }

    /// Status text, expiring after a few seconds.
    pub(crate) fn status_text(&mut self, now: f64) -> Option<String> {
        let (text, at) = self.status.as_mut()?;
        if *at < 0.0 {
            *at = now;
        }
        if now - *at > 6.0 {
            self.status = None;
            return None;
        }
        Some(text.clone())
    }

    /// Apply the theme setting.
    pub fn set_dark(&mut self, ctx: &egui::Context, dark: bool) {
        self.settings.dark = dark;
        ctx.set_theme(if dark { egui::Theme::Dark } else { egui::Theme::Light });
    }

    /// Use a clipboard text as if the platform had pasted it (tests).
    pub fn set_clipboard(&mut self, text: String) {
        self.clipboard = Some(text);
    }

    /// Inject a step between a save's temporary file and its rename (tests:
    /// an error there stands for a crash in the middle of a save).
    pub fn set_save_hook(&mut self, hook: SaveHook) {
        self.before_rename = Some(hook);
    }

    /// What the loaded fonts can draw (set once the fonts are installed).
    pub fn set_font_coverage(&mut self, coverage: super::fonts::Coverage) {
        self.font_coverage = Some(coverage);
        self.uncovered_name = (u64::MAX, None);
    }

    /// The fonts installed in the window, which grow by fontconfig
    /// lookups when a name needs a script none of them has.
    pub fn set_fonts(&mut self, fonts: super::fonts::FontSet) {
        self.set_font_coverage(fonts.coverage().clone());
        self.font_set = Some(fonts);
    }

    /// A node name holding characters no loaded font has (shown in the
    /// status bar), recomputed when the design changes; before that, fonts
    /// installed on the machine for those characters are looked up and
    /// loaded, so the warning names only what no installed font can draw.
    pub fn uncovered_name(&mut self, ctx: &egui::Context) -> Option<String> {
        let key = self.doc.id().wrapping_mul(1_000_003) ^ self.doc.revision();
        if self.uncovered_name.0 != key
            && let Some(set) = &mut self.font_set
            && set.fill(self.doc.design().nodes.iter().map(|n| n.name.as_str()))
        {
            ctx.set_fonts(set.definitions().clone());
            self.font_coverage = Some(set.coverage().clone());
        }
        let Some(coverage) = &self.font_coverage else { return None };
        if self.uncovered_name.0 != key {
            let found = coverage.first_uncovered(self.doc.design().nodes.iter().map(|n| n.name.as_str()));
            self.uncovered_name = (key, found.map(str::to_owned));
        }
        self.uncovered_name.1.clone()
    }

    /// Replace the file chooser portal probe (tests).
    pub fn set_portal(&mut self, portal: PortalProbe) {
        self.portal = portal;
    }

    /// The app's own clipboard (last copied design JSON).
    #[must_use]
    pub fn clipboard(&self) -> Option<&str> {
        self.clipboard.as_deref()
    }
}

impl eframe::App for SwitchboardApp {
    fn logic(&mut self, ctx: &egui::Context, _frame: &mut eframe::Frame) {
        SwitchboardApp::logic(self, ctx);
    }

    fn ui(&mut self, ui: &mut Ui, _frame: &mut eframe::Frame) {
        SwitchboardApp::ui(self, ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        if self.screenshot_mode {
            return;
        }
        eframe::set_value(storage, eframe::APP_KEY, &self.settings);
    }

    fn persist_egui_memory(&self) -> bool {
        !self.screenshot_mode
    }

    fn raw_input_hook(&mut self, _ctx: &egui::Context, raw_input: &mut egui::RawInput) {
        if self.screenshot_mode {
            // Wherever the display server left the pointer, a screenshot
            // shows no hover highlight or tooltip.
            raw_input.events.retain(|e| {
                !matches!(
                    e,
                    egui::Event::PointerMoved(_) | egui::Event::PointerButton { .. } | egui::Event::MouseMoved(_)
                )
            });
        }
    }
}
