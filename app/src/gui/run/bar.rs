//! The run bar: Run / Stop, the run's settings (duration, warm-up, seed,
//! replications are the design's own settings, edited as undoable commands;
//! the rate scale and the scenario belong to the next run only), and the
//! progress of the run in progress.

use egui::{DragValue, RichText, Ui};

use super::RunNotice;
use crate::gui::action::Action;
use crate::gui::app::SwitchboardApp;
use crate::gui::document::Command;
use crate::gui::i18n::{num, tr, tr_args};
use crate::gui::style;

/// A labelled number field whose accessible name is its label.
fn number(ui: &mut Ui, label: &str, drag: DragValue<'_>) -> egui::Response {
    let l = ui.label(label);
    ui.add(drag).labelled_by(l.id)
}

/// "1 m 05 s", "12.3 s".
#[must_use]
pub fn format_seconds(s: f64) -> String {
    if s >= 60.0 {
        format!("{} m {:02.0} s", (s / 60.0).floor(), s % 60.0)
    } else if s >= 10.0 {
        format!("{s:.0} s")
    } else {
        format!("{s:.1} s")
    }
}

/// Show the run bar at the top of the window.
pub fn bar(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>) {
    egui::Panel::top("run-bar").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            let running = app.runs.is_running();
            let emulating = app.emulate.is_running();
            if running {
                if ui
                    .button(RichText::new(tr("run-stop")).color(style::ERROR_COLOR))
                    .on_hover_text(tr("run-stop-the-run-esc"))
                    .clicked()
                {
                    actions.push(Action::StopRun);
                }
            } else if ui
                .add_enabled(!emulating, egui::Button::new(RichText::new(tr("run-run")).strong()))
                .on_hover_text(tr("run-simulate-the-design-f5"))
                .clicked()
            {
                actions.push(Action::Run);
            }
            emulate_button(ui, running, emulating, actions);
            ui.separator();
            settings_ui(ui, app, actions, running || emulating);
            ui.separator();
            scenario_ui(ui, app, running || emulating);
            ui.separator();
            status_ui(ui, app);
        });
    });
}

/// Emulate ▶ next to Run, Stop while the emulation runs.
fn emulate_button(ui: &mut Ui, running: bool, emulating: bool, actions: &mut Vec<Action>) {
    if emulating {
        if ui
            .button(RichText::new(tr("emulate-stop")).color(style::ERROR_COLOR))
            .on_hover_text(tr("emulate-stop-hint"))
            .clicked()
        {
            actions.push(Action::StopEmulate);
        }
    } else if ui
        .add_enabled(!running, egui::Button::new(tr("emulate-emulate")))
        .on_hover_text(tr("emulate-hint"))
        .clicked()
    {
        actions.push(Action::Emulate);
    }
}

fn settings_ui(ui: &mut Ui, app: &mut SwitchboardApp, actions: &mut Vec<Action>, running: bool) {
    let original = app.design().simulation.clone();
    let mut s = original.clone();
    ui.add_enabled_ui(!running, |ui| {
        number(ui, &tr("run-duration"), style::number(&mut s.duration_s).range(0.1..=86_400.0).suffix(" s").speed(1.0));
        number(ui, &tr("run-warm-up"), style::number(&mut s.warmup_s).range(0.0..=86_400.0).suffix(" s").speed(0.5));
        number(ui, &tr("run-seed"), style::number(&mut s.seed).speed(1.0));
        number(ui, &tr("run-replications"), style::number(&mut s.replications).range(1..=100).speed(0.1));
        number(
            ui,
            &tr("run-rate-scale"),
            style::number(&mut app.runs.rate_scale).range(0.01..=100.0).speed(0.01).prefix("×"),
        );
    });
    if s != original {
        actions.push(Action::EditMerging(Command::SetSimulation(Box::new(s)), "run-bar-settings".to_owned()));
    }
}

fn scenario_ui(ui: &mut Ui, app: &mut SwitchboardApp, running: bool) {
    let names: Vec<String> = app.design().scenarios.iter().map(|s| s.name.clone()).collect();
    if app.runs.scenario.as_ref().is_some_and(|s| !names.contains(s)) {
        app.runs.scenario = None;
    }
    let label = ui.label(tr("run-scenario"));
    ui.add_enabled_ui(!running, |ui| {
        let shown = app.runs.scenario.clone().unwrap_or_else(|| tr("run-as-drawn"));
        egui::ComboBox::from_id_salt("run-scenario")
            .selected_text(shown)
            .show_ui(ui, |ui| {
                ui.selectable_value(&mut app.runs.scenario, None, tr("run-as-drawn"));
                for name in names {
                    ui.selectable_value(&mut app.runs.scenario, Some(name.clone()), name);
                }
            })
            .response
            .labelled_by(label.id);
    });
}

fn status_ui(ui: &mut Ui, app: &mut SwitchboardApp) {
    if app.emulate.is_running() {
        crate::gui::results::emulation::status(ui, &app.emulate);
        return;
    }
    if let Some((p, left)) = app.runs.progress() {
        let asked = app.runs.active_replications().unwrap_or(p.replications);
        let figures = [("done", num(p.sim_time_s, 1)), ("total", num(p.duration_s, 1))];
        let what = progress_words(&p, asked);
        let text = match left {
            Some(s) => tr_args(
                "run-progress-left",
                &[figures[0].clone(), figures[1].clone(), ("what", what.into()), ("left", format_seconds(s).into())],
            ),
            None => tr_args("run-progress", &[figures[0].clone(), figures[1].clone(), ("what", what.into())]),
        };
        ui.add(egui::ProgressBar::new(p.fraction() as f32).desired_width(220.0).show_percentage()).on_hover_text(&text);
        ui.label(text);
        return;
    }
    match &app.runs.notice {
        Some(RunNotice::Cancelled) => {
            ui.weak(tr("run-stopped"));
        }
        Some(RunNotice::Invalid(n)) => {
            ui.colored_label(
                style::error_text(ui),
                tr_args("run-cannot", &[("problems", style::count(*n, "count-problem").into())]),
            );
        }
        Some(RunNotice::Failed(m)) => {
            ui.colored_label(style::error_text(ui), tr_args("run-failed", &[("error", m.as_str().into())]));
        }
        None => {}
    }
    if app.runs.notice.is_none() {
        if let Some(r) = app.runs.current() {
            let stale = app.results_stale();
            let key = if stale { "run-showing-stale" } else { "run-showing" };
            let text = tr_args(key, &[("run", r.label.as_str().into()), ("design", r.design.name.as_str().into())]);
            if stale {
                ui.colored_label(style::warning_text(ui), text);
            } else {
                ui.weak(text);
            }
        } else {
            ui.weak(tr("run-press-run-f5-to-simulate"));
        }
    }
}

/// What the run in progress is doing, in words: "replication 1 of 1, then
/// 1 run without the faults to measure their share". `asked` is the number
/// of replications the design asks for; the engine's total adds the runs
/// that measure the faults' share.
#[must_use]
pub fn progress_words(p: &engine::sim::Progress, asked: u32) -> String {
    let asked = asked.max(1);
    let extra = p.replications.saturating_sub(asked);
    if p.replications_done < asked {
        let now = (p.replications_done + 1).min(asked);
        if extra > 0 {
            tr_args("run-progress-then", &[("now", now.into()), ("asked", asked.into()), ("runs", extra.into())])
        } else {
            tr_args("run-progress-replication", &[("now", now.into()), ("asked", asked.into())])
        }
    } else {
        let now = (p.replications_done - asked + 1).min(extra.max(1));
        tr_args("run-progress-fault-runs", &[("now", now.into()), ("total", extra.max(1).into())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn progress(done: u32, all: u32) -> engine::sim::Progress {
        engine::sim::Progress {
            sim_time_s: 0.0,
            duration_s: 1.0,
            events: 0,
            requests: 0,
            replications_done: done,
            replications: all,
        }
    }

    #[test]
    fn progress_says_what_it_runs() {
        assert_eq!(
            progress_words(&progress(0, 2), 1),
            "replication 1 of 1, then 1 run without the faults to measure their share"
        );
        assert_eq!(progress_words(&progress(1, 2), 1), "run 1 of 1 without the faults, to measure their share");
        assert_eq!(
            progress_words(&progress(2, 5), 3),
            "replication 3 of 3, then 2 runs without the faults to measure their share"
        );
        assert_eq!(progress_words(&progress(0, 1), 1), "replication 1 of 1");
    }
}
