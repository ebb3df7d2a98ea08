//! File → Import traces / metrics: calibrate the design from an OTLP JSON
//! or Jaeger JSON trace file or a Prometheus text scrape, on a worker
//! thread, then show what changed, what could not be inferred, and per
//! service operation the fit of its own time (the data's CDF against the
//! fitted log-normal, with the KS distance). The result either updates the
//! open design (one `ReplaceDesign` command: one undo step) or opens as a
//! new, unsaved design.

use std::io::{BufRead, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::sync::mpsc;

use anyhow::Context as _;
use egui::{Id, RichText, ScrollArea};
use egui_plot::{Legend, Line, Plot, PlotPoints};
use engine::Design;
use engine::calibrate::InputKind as Kind;
use engine::calibrate::{Calibration, Calibrator, ServiceFit, fit, prometheus};

use crate::gui::app::{Modal, Pending, SwitchboardApp};
use crate::gui::document::{Command, Document};
use crate::gui::i18n::{tr, tr_args, tr_message};

/// Most bytes read from one input file.
const MAX_INPUT: u64 = 4 << 30;

/// z of the 99th percentile of the standard normal distribution.
const Z_P99: f64 = 2.326_347_874_040_841;

/// A finished calibration, as the dialog shows it.
#[derive(Debug)]
pub struct Calibrated {
    /// The file's name.
    pub source: String,
    /// The calibration against the open design (changes listed against it).
    pub update: Box<Calibration>,
    /// The design made from the data alone.
    pub fresh: Box<Design>,
    /// Revision of the open document the update was computed against.
    revision: u64,
    /// Document it was computed against.
    doc_id: u64,
}

/// The calibration in progress and the result on screen.
#[derive(Debug, Default)]
pub struct CalibrateState {
    job: Option<(String, mpsc::Receiver<Result<Calibrated, String>>)>,
    /// The result shown in the dialog.
    pub result: Option<Calibrated>,
    /// The service operation whose fit is plotted (index into `services`).
    pub selected: usize,
    /// A design waiting for "save changes?" before opening as new.
    pending_new: Option<Box<Design>>,
}

impl CalibrateState {
    /// A calibration is running.
    #[must_use]
    pub fn busy(&self) -> bool {
        self.job.is_some()
    }
}

/// Read one file into a calibrator.
fn read_into(cal: &mut Calibrator, path: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::open(path).with_context(|| format!("reading {}", path.display()))?;
    let mut reader = BufReader::with_capacity(1 << 16, file);
    let kind = Kind::sniff(reader.fill_buf().with_context(|| format!("reading {}", path.display()))?);
    match kind {
        Kind::Otlp => {
            cal.read_otlp(reader, MAX_INPUT).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Kind::Jaeger => {
            cal.read_jaeger(reader, MAX_INPUT).map_err(|e| anyhow::anyhow!("{e}"))?;
        }
        Kind::Prometheus => {
            let mut text = String::new();
            reader
                .take(MAX_INPUT.saturating_add(1))
                .read_to_string(&mut text)
                .with_context(|| format!("reading {}", path.display()))?;
            anyhow::ensure!(text.len() as u64 <= MAX_INPUT, "{}: too large", path.display());
            let samples =
                prometheus::parse(&text).map_err(|e| anyhow::anyhow!("{}:{}: {}", e.line, e.column, e.message))?;
            match prometheus::split_by_timestamp(&samples) {
                Some((a, b)) => cal.add_prometheus(&a, &b, None),
                None => cal.add_prometheus(&samples, &samples, None),
            }
        }
    }
    Ok(())
}

/// Calibrate from `path`: against `base` (the update) and alone (a new design).
///
/// # Errors
/// When the file cannot be read or parsed.
pub fn calibrate_file(path: &Path, base: &Design) -> anyhow::Result<(Calibration, Design)> {
    let mut cal = Calibrator::new();
    read_into(&mut cal, path)?;
    anyhow::ensure!(cal.span_count() > 0 || sniff_is_metrics(path), "{}", tr("calibrate-no-data"));
    let (update, _) = cal.finish(1.0, Some(base));
    let mut cal = Calibrator::new();
    read_into(&mut cal, path)?;
    let (fresh, _) = cal.finish(1.0, None);
    Ok((update, fresh.design))
}

fn sniff_is_metrics(path: &Path) -> bool {
    std::fs::File::open(path).ok().and_then(|f| BufReader::new(f).fill_buf().ok().map(Kind::sniff))
        == Some(Kind::Prometheus)
}

/// Start calibrating from `path` on a worker thread (asking for the file is
/// the caller's job).
pub fn start(app: &mut SwitchboardApp, path: &Path) {
    let source = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let base = app.doc.design().clone();
    let (revision, doc_id) = (app.doc.revision(), app.doc.id());
    let (tx, rx) = mpsc::channel();
    let owned = path.to_path_buf();
    let name = source.clone();
    let spawned = std::thread::Builder::new().name("calibrate".to_owned()).spawn(move || {
        let out = calibrate_file(&owned, &base)
            .map(|(update, fresh)| Calibrated {
                source: name,
                update: Box::new(update),
                fresh: Box::new(fresh),
                revision,
                doc_id,
            })
            .map_err(|e| format!("{e:#}"));
        let _ = tx.send(out);
    });
    match spawned {
        Ok(_) => {
            app.calibrate.result = None;
            app.calibrate.job = Some((source, rx));
        }
        Err(e) => app.dialogs.modal = Some(Modal::Error(e.to_string())),
    }
}

/// Collect the worker's answer, if it came.
fn poll(ctx: &egui::Context, app: &mut SwitchboardApp) {
    let Some((source, rx)) = &app.calibrate.job else { return };
    match rx.try_recv() {
        Ok(Ok(done)) => {
            app.calibrate.job = None;
            app.calibrate.selected = 0;
            app.calibrate.result = Some(done);
        }
        Ok(Err(e)) => {
            let path = source.clone();
            app.calibrate.job = None;
            app.dialogs.modal =
                Some(Modal::Error(tr_args("calibrate-failed", &[("path", path.into()), ("error", e.into())])));
        }
        Err(mpsc::TryRecvError::Empty) => ctx.request_repaint_after(std::time::Duration::from_millis(50)),
        Err(mpsc::TryRecvError::Disconnected) => {
            let path = source.clone();
            app.calibrate.job = None;
            app.dialogs.modal = Some(Modal::Error(tr_args(
                "calibrate-failed",
                &[("path", path.into()), ("error", tr("calibrate-worker-stopped").into())],
            )));
        }
    }
}

/// Apply the result to the open design as one command (one undo step).
pub fn apply_update(app: &mut SwitchboardApp) {
    let Some(done) = app.calibrate.result.take() else { return };
    if done.doc_id != app.doc.id() || done.revision != app.doc.revision() {
        // The design changed meanwhile: the change list no longer holds.
        app.dialogs.modal = Some(Modal::Error(tr("calibrate-design-changed")));
        return;
    }
    let count = done.update.changes.len();
    match app.doc.apply(Command::ReplaceDesign(Box::new(done.update.design))) {
        Ok(()) => app.notify(tr_args("calibrate-applied", &[("count", count.into())])),
        Err(e) => app.dialogs.modal = Some(Modal::Error(e.to_string())),
    }
}

/// Open the design made from the data alone (after "save changes?").
pub fn open_new(app: &mut SwitchboardApp) {
    let Some(design) = app.calibrate.pending_new.take() else { return };
    app.set_document(Document::new(*design, None));
    app.doc.mark_dirty();
}

/// The (x ms, F(x)) points of the data's CDF and of the fitted log-normal.
#[must_use]
pub fn cdf_points(f: &fit::Fit) -> (Vec<[f64; 2]>, Vec<[f64; 2]>) {
    let n = f.quantiles_ms.len() as f64;
    let data: Vec<[f64; 2]> = f.quantiles_ms.iter().enumerate().map(|(i, &x)| [x, (i as f64 + 0.5) / n]).collect();
    let mut model = Vec::new();
    if f.p50_ms > 0.0 && f.p99_ms > f.p50_ms {
        let sigma = (f.p99_ms / f.p50_ms).ln() / Z_P99;
        let hi = f.quantiles_ms.last().copied().unwrap_or(f.p99_ms).max(f.p99_ms);
        let lo = f.quantiles_ms.first().copied().unwrap_or(0.0).min(f.p50_ms);
        let steps = 200;
        for i in 0..=steps {
            let x = lo + (hi - lo) * f64::from(i) / f64::from(steps);
            let y = if x <= 0.0 { 0.0 } else { fit::normal_cdf((x / f.p50_ms).ln() / sigma) };
            model.push([x, y]);
        }
    }
    (data, model)
}

fn service_label(s: &ServiceFit) -> String {
    match &s.operation {
        Some(op) => format!("{} {op}", s.service),
        None => s.service.clone(),
    }
}

/// Show the progress or the result, if any.
#[allow(clippy::too_many_lines, reason = "one dialog")]
pub fn show(ctx: &egui::Context, app: &mut SwitchboardApp) {
    poll(ctx, app);
    if let Some((source, _)) = &app.calibrate.job {
        egui::Modal::new(Id::new("calibrate-busy")).show(ctx, |ui| {
            ui.horizontal(|ui| {
                ui.spinner();
                ui.label(tr_args("calibrate-running", &[("source", source.as_str().into())]));
            });
        });
        return;
    }
    let Some(done) = &app.calibrate.result else { return };
    let mut choice = None;
    let mut selected = app.calibrate.selected;
    let c = &done.update;
    let resp = egui::Modal::new(Id::new("calibrate-result")).show(ctx, |ui| {
        ui.set_width(900.0);
        ui.heading(tr_args("calibrate-title", &[("source", done.source.as_str().into())]));
        ui.label(tr_args(
            "calibrate-read",
            &[("spans", c.spans.into()), ("traces", c.traces.into()), ("seconds", format!("{:.1}", c.window_s).into())],
        ));
        ui.add_space(4.0);
        ui.columns(2, |cols| {
            let [left, right] = cols else { return };
            left.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                ui.label(RichText::new(tr_args("calibrate-changes", &[("count", c.changes.len().into())])).strong());
                ScrollArea::vertical().id_salt("calibrate-changes").max_height(150.0).auto_shrink([false, true]).show(
                    ui,
                    |ui| {
                        for ch in &c.changes {
                            ui.label(format!("• {}", tr_message(ch)));
                        }
                    },
                );
                ui.label(
                    RichText::new(tr_args("calibrate-not-inferred", &[("count", c.not_inferred.len().into())]))
                        .strong(),
                );
                ScrollArea::vertical()
                    .id_salt("calibrate-not-inferred")
                    .max_height(120.0)
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        for n in &c.not_inferred {
                            ui.label(format!("• {}", tr_message(n)));
                        }
                        for w in &c.warnings {
                            ui.colored_label(ui.visuals().warn_fg_color, format!("⚠ {}", tr_message(w)));
                        }
                    });
            });
            right.with_layout(egui::Layout::top_down(egui::Align::LEFT), |ui| {
                ui.label(RichText::new(tr("calibrate-fit")).strong());
                let fitted: Vec<(usize, &ServiceFit)> = c
                    .services
                    .iter()
                    .enumerate()
                    .filter(|(_, s)| s.fit.as_ref().is_some_and(|f| f.p99_ms > 0.0))
                    .collect();
                if fitted.is_empty() {
                    ui.weak(tr("calibrate-no-fit"));
                    return;
                }
                if !fitted.iter().any(|(i, _)| *i == selected) {
                    selected = fitted[0].0;
                }
                egui::ComboBox::from_id_salt("calibrate-service")
                    .selected_text(c.services.get(selected).map(service_label).unwrap_or_default())
                    .width(380.0)
                    .show_ui(ui, |ui| {
                        for (i, s) in &fitted {
                            ui.selectable_value(&mut selected, *i, service_label(s));
                        }
                    });
                let Some(s) = c.services.get(selected) else { return };
                let Some(f) = &s.fit else { return };
                ui.label(tr_args(
                    "calibrate-fit-figures",
                    &[
                        ("samples", f.samples.into()),
                        ("p50", format!("{:.3}", f.p50_ms).into()),
                        ("p99", format!("{:.3}", f.p99_ms).into()),
                        ("ks", format!("{:.3}", f.ks_lognormal).into()),
                    ],
                ));
                let kept = match &f.distribution {
                    engine::model::Distribution::Lognormal { .. } => tr("calibrate-kept-lognormal"),
                    _ => tr("calibrate-kept-empirical"),
                };
                ui.weak(kept);
                let (data, model) = cdf_points(f);
                Plot::new(("calibrate-cdf", selected))
                    .height(240.0)
                    .legend(Legend::default())
                    .x_axis_label(tr("calibrate-axis-ms"))
                    .y_axis_label(tr("calibrate-axis-cdf"))
                    .allow_drag(false)
                    .allow_scroll(false)
                    .show(ui, |plot| {
                        plot.line(Line::new(tr("calibrate-data"), PlotPoints::from(data)).width(2.0));
                        if !model.is_empty() {
                            plot.line(Line::new(tr("calibrate-lognormal"), PlotPoints::from(model)).width(1.5));
                        }
                    });
            });
        });
        ui.add_space(8.0);
        ui.horizontal(|ui| {
            if ui.button(tr("calibrate-update")).on_hover_text(tr("calibrate-update-hint")).clicked() {
                choice = Some(1);
            }
            if ui.button(tr("calibrate-open-new")).clicked() {
                choice = Some(2);
            }
            if ui.button(tr("calibrate-cancel")).clicked() {
                choice = Some(0);
            }
        });
    });
    app.calibrate.selected = selected;
    match choice {
        Some(1) => apply_update(app),
        Some(2) => {
            if let Some(done) = app.calibrate.result.take() {
                app.calibrate.pending_new = Some(done.fresh);
                app.guard(Pending::Calibrated);
            }
        }
        Some(_) => app.calibrate.result = None,
        None if resp.should_close() => app.calibrate.result = None,
        None => {}
    }
}

/// Documentation screenshots (`SWITCHBOARD_SCREENSHOT_CALIBRATE=TRACES
/// switchboard --screenshot ...`): calibrate from the file at once, on this
/// thread, so the dialog is on screen before the capture.
pub fn screenshot_from_env(app: &mut SwitchboardApp) {
    let Some(path) = std::env::var_os("SWITCHBOARD_SCREENSHOT_CALIBRATE").map(PathBuf::from) else { return };
    match calibrate_file(&path, app.doc.design()) {
        Ok((update, fresh)) => {
            let source =
                path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
            app.calibrate.result = Some(Calibrated {
                source,
                update: Box::new(update),
                fresh: Box::new(fresh),
                revision: app.doc.revision(),
                doc_id: app.doc.id(),
            });
        }
        Err(e) => eprintln!("error: {e:#}"),
    }
    if let Ok(i) = std::env::var("SWITCHBOARD_SCREENSHOT_CALIBRATE_SERVICE")
        && let Ok(i) = i.parse()
    {
        app.calibrate.selected = i;
    }
}
