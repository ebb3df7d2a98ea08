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
            && self.selection.workload.as_deref() == Some(old.as_str())
        {
            self.selection.workload = Some(new);
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
            Action::AddWorkload => match edit::workload_entry(self.doc.design()) {
                Some(entry) => {
                    let workload = panels::edge_inspector::new_workload(self.doc.design(), &entry.id);
                    self.edit(Command::AddWorkload(Box::new(workload)));
                }
                None => self.notify(tr("app-add-a-client-or-a")),
            },
            Action::ConnectPrevious => match (self.previous_node.clone(), self.selection.single_node()) {
                (Some(from), Some(to)) if from != to && self.doc.design().node(&from).is_some() => {
                    let to = to.to_owned();
                    self.handle(ctx, Action::Connect { from, to, kind: None });
                }
                _ => self.notify(tr("app-select-a-node-then-another")),
            },
            Action::QuickAdd => {
                let screen = self.canvas.rect.center();
                let world = self.free_spot();
                self.canvas.open_quick_add(screen, world);
            }
            Action::AddNode { preset, kind, at } => {
                let at = at.unwrap_or_else(|| self.free_spot());
                let node = edit::new_node(self.doc.design(), kind, preset, at);
                let id = node.id.clone();
                self.edit(Command::AddNode(Box::new(node)));
                self.selection.only_node(&id);
            }
            Action::Connect { from, to, kind } => match edit::connect(self.doc.design(), &from, &to, kind) {
                Ok(edge) => {
                    let id = edge.id.clone();
                    self.edit(Command::AddEdge(Box::new(edge)));
                    self.selection.only_edge(&id);
                }
                Err(e) => self.notify(e),
            },
            Action::Delete => {
                // One undo step for the whole selection.
                let nodes: Vec<String> = self.selection.nodes.iter().cloned().collect();
                let edges: Vec<String> = self.selection.edges.iter().cloned().collect();
                let mut parts = Vec::new();
                if let Some(w) = &self.selection.workload {
                    parts.push(Command::RemoveWorkload(w.clone()));
                }
                if !edges.is_empty() {
                    parts.push(Command::RemoveEdges(edges));
                }
                if !nodes.is_empty() {
                    parts.push(Command::RemoveNodes(nodes));
                }
                if !parts.is_empty() {
                    self.edit(Command::Batch(parts));
                }
                self.selection.clear();
            }
            Action::Duplicate => {
                if let Some(cmd) = edit::duplicate(self.doc.design(), &self.selection) {
                    self.insert_and_select(cmd);
                }
            }
            Action::Copy | Action::Cut => {
                if let Some(json) = edit::copy_json(self.doc.design(), &self.selection) {
                    ctx.copy_text(json.clone());
                    self.clipboard = Some(json);
                    if matches!(action, Action::Cut) {
                        self.handle(ctx, Action::Delete);
                    }
                }
            }
            Action::Paste(at) => {
                let Some(text) = self.clipboard.clone() else {
                    self.notify(tr("app-nothing-to-paste"));
                    return;
                };
                match edit::paste(self.doc.design(), &text, at) {
                    Ok((nodes, edges)) => self.insert_and_select(Command::Insert { nodes, edges }),
                    Err(_) => self.notify(tr("app-the-clipboard-does-not-hold")),
                }
            }
            Action::SelectAll => {
                self.selection.clear();
                self.selection.nodes = self.doc.design().nodes.iter().map(|n| n.id.clone()).collect();
                self.selection.edges = self.doc.design().edges.iter().map(|e| e.id.clone()).collect();
            }
            Action::Rename(id) => {
                if let Some(node) = self.doc.design().node(&id) {
                    let name = node.name.clone();
                    self.selection.only_node(&id);
                    self.canvas.start_rename(&id, &name);
                }
            }
            Action::Group => {
                let ids: Vec<String> = self.selection.nodes.iter().cloned().collect();
                if !ids.is_empty() {
                    let group = edit::new_group_name(self.doc.design());
                    self.edit(Command::SetGroup { ids, group: Some(group.clone()) });
                    self.selection.group = Some(group);
                }
            }
            Action::Ungroup => {
                let mut ids: Vec<String> = self.selection.nodes.iter().cloned().collect();
                if let Some(g) = &self.selection.group {
                    ids.extend(
                        self.doc.design().nodes.iter().filter(|n| n.group.as_ref() == Some(g)).map(|n| n.id.clone()),
                    );
                }
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
            Action::FitView => self.canvas.fit_pending = true,
            Action::ZoomToSelection => self.canvas.zoom_selection_pending = true,
            Action::Focus(id) => {
                self.selection.only_node(&id);
                self.canvas.focus_request = Some(id);
            }
            Action::AutoLayout => {
                let laid = layout::layered(self.doc.design());
                self.edit(Command::ReplaceDesign(Box::new(laid)));
                self.canvas.fit_pending = true;
            }
            Action::New => self.guard(Pending::New),
            Action::Open(path) => self.guard(Pending::Open(path)),
            Action::Quit => self.guard(Pending::Quit),
            Action::Save => self.save_then(false, None),
            Action::SaveAs => self.save_then(true, None),
            Action::Export(format) => {
                self.export_dialog = Some(panels::export_dialog::ExportDialog::new(format));
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
            Action::ExportPng => {
                let suggested = format!("{}.png", files::design_slug(self.doc.design()));
                let ask = panels::file_dialog::Ask::SaveExport { suggested, extension: "png".into() };
                self.ask_file(ask, chooser::Purpose::ExportPng);
            }
        }
    }

    fn insert_and_select(&mut self, cmd: Command) {
        let ids: Vec<String> = match &cmd {
            Command::Insert { nodes, .. } => nodes.iter().map(|n| n.id.clone()).collect(),
            _ => Vec::new(),
        };
        self.edit(cmd);
        self.selection.clear();
        self.selection.nodes.extend(ids);
    }

    /// A world point near the view centre not covered by a node.
    fn free_spot(&self) -> egui::Pos2 {
        let c = self.canvas.view_center_world();
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
