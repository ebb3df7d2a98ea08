//! Right-size…'s controls: what the tune may change (replicas, workers,
//! queues) and which of the design's scenarios must all pass, then Start
//! (or Run again). The controls stay on screen, disabled while a tune runs.

use egui::Ui;
use engine::Design;

use super::rightsize::Setup;
use crate::gui::i18n::tr;

/// The controls; `start` is set when the user asks to run.
pub fn controls(ui: &mut Ui, design: &Design, setup: &mut Setup, running: bool, start: &mut bool) {
    ui.add_enabled_ui(!running, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(tr("rightsize-vary"));
            ui.checkbox(&mut setup.vary.replicas, tr("rightsize-vary-replicas"));
            ui.checkbox(&mut setup.vary.workers, tr("rightsize-vary-workers"))
                .on_hover_text(tr("rightsize-vary-workers-hint"));
            ui.checkbox(&mut setup.vary.queue, tr("rightsize-vary-queue"));
        });
        ui.horizontal_wrapped(|ui| {
            ui.label(tr("rightsize-scenarios"));
            if design.scenarios.is_empty() {
                ui.weak(tr("rightsize-no-scenarios"));
            }
            let mut changed = false;
            for s in &design.scenarios {
                let mut held = setup.scenarios.contains(&s.name);
                if ui.checkbox(&mut held, s.name.as_str()).changed() {
                    if held {
                        setup.scenarios.push(s.name.clone());
                    } else {
                        setup.scenarios.retain(|n| n != &s.name);
                    }
                    changed = true;
                }
            }
            if changed {
                // The design's order, whatever the order of the clicks: the
                // same choice runs and reads the same.
                let chosen = std::mem::take(&mut setup.scenarios);
                setup.scenarios =
                    design.scenarios.iter().map(|s| s.name.clone()).filter(|n| chosen.contains(n)).collect();
            }
        });
        let any = setup.vary.replicas || setup.vary.workers || setup.vary.queue;
        ui.horizontal(|ui| {
            if ui.add_enabled(any, egui::Button::new(tr("rightsize-start"))).clicked() {
                *start = true;
            }
            if !any {
                ui.weak(tr("rightsize-nothing-to-vary"));
            }
        });
    });
}
