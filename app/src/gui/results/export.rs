//! Exporting the run shown: the engine's JSON report, the time series as
//! CSV, and the self-contained HTML report.

use egui::Ui;

use crate::gui::app::SwitchboardApp;
use crate::gui::app::chooser::Purpose;
use crate::gui::files;
use crate::gui::i18n::tr;
use crate::gui::panels::file_dialog::Ask;

/// What to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportFormat {
    /// The engine's report as JSON.
    Json,
    /// Time series as CSV.
    Csv,
    /// Self-contained HTML.
    Html,
}

impl ReportFormat {
    /// File extension.
    #[must_use]
    pub fn ext(self) -> &'static str {
        match self {
            Self::Json => "json",
            Self::Csv => "csv",
            Self::Html => "html",
        }
    }
}

/// The file contents of a run in a format.
#[must_use]
pub fn render(run: &crate::gui::run::RunRecord, format: ReportFormat) -> String {
    match format {
        ReportFormat::Json => engine::cost::report_json(&run.report, &run.design),
        ReportFormat::Csv => engine::report_csv::time_series_csv(&run.report),
        ReportFormat::Html => engine::report_html::html(&run.report, &run.design),
    }
}

/// The export menu of the results dock.
pub fn menu(ui: &mut Ui, app: &mut SwitchboardApp) {
    let has = app.runs.current().is_some();
    ui.add_enabled_ui(has, |ui| {
        ui.menu_button(tr("results-export-export"), |ui| {
            for (label, f) in [
                ("results-export-json", ReportFormat::Json),
                ("results-export-csv", ReportFormat::Csv),
                ("results-export-html", ReportFormat::Html),
            ] {
                if ui.button(tr(label)).clicked() {
                    app.export_run(f);
                    ui.close();
                }
            }
        });
    });
}

impl SwitchboardApp {
    /// Ask where, then write the run shown in `format`.
    pub fn export_run(&mut self, format: ReportFormat) {
        let Some(run) = self.runs.current().cloned() else {
            self.notify(tr("results-export-no-results-to-export-run"));
            return;
        };
        let stem = files::design_slug(self.doc.design());
        let suffix = if format == ReportFormat::Json { "-report" } else { "" };
        let name = format!("{stem}{suffix}.{}", format.ext());
        let text = render(&run, format);
        let ask = Ask::SaveExport { suggested: name, extension: format.ext().to_owned() };
        self.ask_file(ask, Purpose::WriteText { text, what: crate::gui::i18n::tr("what-run"), export_dialog: false });
    }
}
