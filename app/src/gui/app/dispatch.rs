//! What the app does with an [`Action`]: edits become commands on the
//! document (a refusal goes to the status bar), the rest changes the view,
//! starts or stops a run, or opens a dialog.

use super::{Pending, SwitchboardApp, chooser};
use crate::gui::action::Action;
use crate::gui::document::Command;
use crate::gui::i18n::tr;
use crate::gui::{edit, files, layout, panels};

impl SwitchboardApp {
    /// Apply an edit, reporting a refusal in the status bar.
    pub(super) fn edit(&mut self, command: Command) {
        let renamed = self.workload_rename(&command);
        match self.doc.apply(command) {
            Ok(()) => self.follow_rename(renamed),
            Err(e) => self.notify(e.to_string()),
        }
    }

    /// A workload's name before and after `command`, when it renames one.
    fn workload_rename(&self, command: &Command) -> Option<(String, String)> {
        match command {
            Command::SetWorkload { name, workload } if *name != workload.name => {
                Some((name.clone(), workload.name.clone()))
            }
            _ => None,
        }
    }

    /// Keep a renamed workload selected (the selection holds its name).
    fn follow_rename(&mut self, renamed: Option<(String, String)>) {
        if let Some((old, new)) = renamed
            && self.view.selection.workload.as_deref() == Some(old.as_str())
        {
            self.view.selection.workload = Some(new);
        }
    }

    /// Handle one action.
    #[allow(clippy::too_many_lines, reason = "a flat dispatch over every action")]
    pub fn handle(&mut self, ctx: &egui::Context, action: Action) {
        match action {
            Action::Edit(command) => self.edit(command),
            Action::EditMerging(command, key) => {
                let renamed = self.workload_rename(&command);
                match self.doc.apply_merging(command, &key) {
                    Ok(()) => self.follow_rename(renamed),
                    Err(e) => self.notify(e.to_string()),
                }
            }
            Action::Seal => self.doc.seal(),
            Action::Run => self.start_run(ctx),
            Action::StopRun => self.runs.stop(),
            Action::Emulate => self.start_emulation(ctx),
            Action::StopEmulate => self.emulate.stop(),
            Action::AddWorkload => self.add_workload(),
            Action::ConnectPrevious => self.connect_previous(ctx),
            Action::QuickAdd => {
                let screen = self.view.canvas.rect.center();
                let world = self.free_spot();
                self.view.canvas.open_quick_add(screen, world);
            }
            Action::AddNode { preset, kind, at } => {
                let at = at.unwrap_or_else(|| self.free_spot());
                let node = edit::new_node(self.doc.design(), kind, preset, at);
                let id = node.id.clone();
                self.edit(Command::AddNode(Box::new(node)));
                self.view.selection.only_node(&id);
            }
            Action::Connect { from, to, kind } => self.connect(&from, &to, kind),
            Action::Delete => {
                // One command, so one undo step, for the whole selection.
                if let Some(cmd) = edit::delete(&self.view.selection) {
                    self.edit(cmd);
                }
                self.view.selection.clear();
            }
            Action::Duplicate => {
                if let Some(cmd) = edit::duplicate(self.doc.design(), &self.view.selection) {
                    self.insert_and_select(cmd);
                }
            }
            Action::Copy | Action::Cut => {
                if let Some(json) = edit::copy_json(self.doc.design(), &self.view.selection) {
                    ctx.copy_text(json.clone());
                    self.clipboard = Some(json);
                    if matches!(action, Action::Cut) {
                        self.handle(ctx, Action::Delete);
                    }
                }
            }
            Action::Paste(at) => self.paste(at),
            Action::SelectAll => {
                self.view.selection.clear();
                self.view.selection.nodes = self.doc.design().nodes.iter().map(|n| n.id.clone()).collect();
                self.view.selection.edges = self.doc.design().edges.iter().map(|e| e.id.clone()).collect();
            }
            Action::Rename(id) => {
                if let Some(node) = self.doc.design().node(&id) {
                    let name = node.name.clone();
                    self.view.selection.only_node(&id);
                    self.view.canvas.start_rename(&id, &name);
                }
            }
            Action::Group => self.group_selection(),
            Action::Ungroup => {
                let ids = edit::grouped_ids(self.doc.design(), &self.view.selection);
                if !ids.is_empty() {
                    self.edit(Command::SetGroup { ids, group: None });
                }
            }
            Action::Undo => {
                if !self.doc.undo() {
                    self.notify(tr("app-nothing-to-undo"));
                }
            }
            Action::Redo => {
                if !self.doc.redo() {
                    self.notify(tr("app-nothing-to-redo"));
                }
            }
            Action::FitView => self.view.canvas.fit_pending = true,
            Action::ZoomToSelection => self.view.canvas.zoom_selection_pending = true,
            Action::Focus(id) => {
                self.view.selection.only_node(&id);
                self.view.canvas.focus_request = Some(id);
            }
            Action::AutoLayout => {
                let laid = layout::layered(self.doc.design());
                self.edit(Command::ReplaceDesign(Box::new(laid)));
                self.view.canvas.fit_pending = true;
            }
            Action::New => self.guard(Pending::New),
            Action::Open(path) => self.guard(Pending::Open(path)),
            Action::Quit => self.guard(Pending::Quit),
            Action::Save => self.save_then(false, None),
            Action::SaveAs => self.save_then(true, None),
            Action::Export(format) => {
                self.dialogs.export_dialog = Some(panels::export_dialog::ExportDialog::new(format));
            }
            Action::Import(None) => self.ask_file(panels::file_dialog::Ask::OpenImport, chooser::Purpose::Import),
            Action::Import(Some(path)) => {
                if panels::import::prepare(self, Some(path)) {
                    self.guard(Pending::Import);
                }
            }
            Action::Calibrate(None) => {
                self.ask_file(panels::file_dialog::Ask::OpenTelemetry, chooser::Purpose::Calibrate);
            }
            Action::Calibrate(Some(path)) => panels::calibrate::start(self, &path),
            Action::ExportSvg => self.export_svg(),
            Action::ExportPng => self.ask_png_path(),
        }
    }

    /// Add a workload entering at the first client (or entry service).
    fn add_workload(&mut self) {
        match edit::workload_entry(self.doc.design()) {
            Some(entry) => {
                let workload = panels::edge_inspector::new_workload(self.doc.design(), &entry.id);
                self.edit(Command::AddWorkload(Box::new(workload)));
            }
            None => self.notify(tr("app-add-a-client-or-a")),
        }
    }

    /// Connect two nodes with an edge of the kind that fits them, and select it.
    fn connect(&mut self, from: &str, to: &str, kind: Option<engine::model::EdgeKind>) {
        match edit::connect(self.doc.design(), from, to, kind) {
            Ok(edge) => {
                let id = edge.id.clone();
                self.edit(Command::AddEdge(Box::new(edge)));
                self.view.selection.only_edge(&id);
            }
            Err(e) => self.notify(e),
        }
    }

    /// Put the selected nodes in a new group, and select its frame.
    fn group_selection(&mut self) {
        let ids: Vec<String> = self.view.selection.nodes.iter().cloned().collect();
        if !ids.is_empty() {
            let group = edit::new_group_name(self.doc.design());
            self.edit(Command::SetGroup { ids, group: Some(group.clone()) });
            self.view.selection.group = Some(group);
        }
    }

    /// Ask where to write the canvas as PNG.
    fn ask_png_path(&mut self) {
        let suggested = format!("{}.png", files::design_slug(self.doc.design()));
        let ask = panels::file_dialog::Ask::SaveExport { suggested, extension: "png".into() };
        self.ask_file(ask, chooser::Purpose::ExportPng);
    }

    /// Paste the app's clipboard (a design fragment) at `at`, selecting what came in.
    fn paste(&mut self, at: Option<egui::Pos2>) {
        let Some(text) = self.clipboard.clone() else {
            self.notify(tr("app-nothing-to-paste"));
            return;
        };
        match edit::paste(self.doc.design(), &text, at) {
            Ok((nodes, edges)) => self.insert_and_select(Command::Insert { nodes, edges }),
            Err(_) => self.notify(tr("app-the-clipboard-does-not-hold")),
        }
    }

    /// Connect the node selected before to the one selected now (keyboard connect).
    fn connect_previous(&mut self, ctx: &egui::Context) {
        match (self.view.previous_node().map(str::to_owned), self.view.selection.single_node()) {
            (Some(from), Some(to)) if from != to && self.doc.design().node(&from).is_some() => {
                let to = to.to_owned();
                self.handle(ctx, Action::Connect { from, to, kind: None });
            }
            _ => self.notify(tr("app-select-a-node-then-another")),
        }
    }

    fn insert_and_select(&mut self, cmd: Command) {
        let ids: Vec<String> = match &cmd {
            Command::Insert { nodes, .. } => nodes.iter().map(|n| n.id.clone()).collect(),
            _ => Vec::new(),
        };
        self.edit(cmd);
        self.view.selection.clear();
        self.view.selection.nodes.extend(ids);
    }

    /// A world point near the view centre not covered by a node.
    fn free_spot(&self) -> egui::Pos2 {
        let c = self.view.canvas.view_center_world();
        let mut p = c;
        for step in 0..200 {
            if self.geometry.node_at(p).is_none()
                && self.geometry.node_at(p + egui::vec2(90.0, 0.0)).is_none()
                && self.geometry.node_at(p - egui::vec2(90.0, 0.0)).is_none()
            {
                break;
            }
            p = c + egui::vec2(0.0, 80.0 * (step as f32 + 1.0));
        }
        p
    }
}
