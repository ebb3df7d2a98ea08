//! Keyboard shortcuts and files dropped on the window, turned into actions.

use std::path::PathBuf;

use egui::{Key, KeyboardShortcut, Modifiers};

use super::SwitchboardApp;
use crate::gui::action::Action;

impl SwitchboardApp {
    pub(super) fn shortcuts(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let cmd = Modifiers::COMMAND;
        let shift_cmd = Modifiers::COMMAND | Modifiers::SHIFT;
        let typing = ctx.egui_wants_keyboard_input();
        let consume = |m: Modifiers, k: Key| ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(m, k)));
        // File shortcuts work even while typing.
        // Shift variants first: a Ctrl shortcut also matches with Shift held.
        if consume(shift_cmd, Key::S) {
            actions.push(Action::SaveAs);
        }
        if consume(cmd, Key::S) {
            // In the Export dialog, Ctrl+S saves the export.
            if self.dialogs.export_dialog.is_some() {
                crate::gui::panels::export_dialog::save(self);
            } else {
                actions.push(Action::Save);
            }
        }
        if consume(cmd, Key::E) {
            actions.push(Action::Export(self.dialogs.export_dialog.as_ref().map_or(
                engine::export::ExportFormat::Kubernetes,
                crate::gui::panels::export_dialog::ExportDialog::format,
            )));
        }
        if consume(cmd, Key::O) {
            actions.push(Action::Open(None));
        }
        if consume(cmd, Key::N) {
            actions.push(Action::New);
        }
        if consume(Modifiers::NONE, Key::F5) {
            actions.push(Action::Run);
        }
        if self.runs.is_running() && consume(Modifiers::NONE, Key::Escape) {
            actions.push(Action::StopRun);
        }
        if consume(cmd, Key::F) {
            self.view.find = Some(self.view.find.take().unwrap_or_default());
            self.view.find_focus = true;
        }
        // Editing shortcuts act on the canvas: not while typing, and not
        // while a file dialog is up (its path field may not have the focus yet).
        if typing || self.dialogs.file_dialog.is_some() {
            return;
        }
        if consume(shift_cmd, Key::Z) || consume(cmd, Key::Y) {
            actions.push(Action::Redo);
        }
        if consume(cmd, Key::Z) {
            actions.push(Action::Undo);
        }
        if consume(shift_cmd, Key::A) {
            actions.push(Action::AddWorkload);
        }
        if consume(cmd, Key::A) {
            actions.push(Action::SelectAll);
        }
        if consume(Modifiers::SHIFT, Key::A) {
            actions.push(Action::QuickAdd);
        }
        if consume(cmd, Key::D) {
            actions.push(Action::Duplicate);
        }
        if consume(shift_cmd, Key::G) {
            actions.push(Action::Ungroup);
        }
        if consume(cmd, Key::G) {
            actions.push(Action::Group);
        }
        if consume(shift_cmd, Key::L) {
            actions.push(Action::AutoLayout);
        }
        if consume(cmd, Key::L) {
            actions.push(Action::ConnectPrevious);
        }
        if consume(Modifiers::NONE, Key::Delete) || consume(Modifiers::NONE, Key::Backspace) {
            actions.push(Action::Delete);
        }
        if consume(Modifiers::NONE, Key::F2)
            && let Some(id) = self.view.selection.single_node()
        {
            actions.push(Action::Rename(id.to_owned()));
        }
        // Escape closes a dialog first (the dialog reads it itself).
        let dialog_open =
            self.dialogs.modal.is_some() || self.dialogs.export_dialog.is_some() || self.dialogs.file_dialog.is_some();
        if !dialog_open && consume(Modifiers::NONE, Key::Escape) {
            self.view.selection.clear();
            self.view.culprit = None;
        }
        if consume(Modifiers::NONE, Key::Home) || consume(cmd, Key::Num0) {
            actions.push(Action::FitView);
        }
        if consume(Modifiers::SHIFT, Key::Num2) {
            actions.push(Action::ZoomToSelection);
        }
        // Copy, cut and paste arrive as events (the platform reads the clipboard).
        let events = ctx.input(|i| i.events.clone());
        for event in events {
            match event {
                egui::Event::Copy => actions.push(Action::Copy),
                egui::Event::Cut => actions.push(Action::Cut),
                egui::Event::Paste(text) => {
                    self.clipboard = Some(text);
                    let at = ctx.pointer_hover_pos().filter(|p| self.view.canvas.rect.contains(*p));
                    actions.push(Action::Paste(at.map(|p| self.view.canvas.transform.inverse().mul_pos(p))));
                }
                _ => {}
            }
        }
    }

    pub(super) fn handle_dropped_files(&mut self, ctx: &egui::Context, actions: &mut Vec<Action>) {
        let dropped: Vec<PathBuf> = ctx.input(|i| i.raw.dropped_files.iter().map(|f| f.path().to_path_buf()).collect());
        if let Some(path) = dropped.into_iter().next() {
            actions.push(Action::Open(Some(path)));
        }
    }
}
