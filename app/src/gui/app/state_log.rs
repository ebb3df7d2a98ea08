//! A log of the app's visible state for end-to-end tests in a real window,
//! which cannot see widgets: with `SWITCHBOARD_TEST_STATE_LOG=PATH` set, the
//! app appends one line to PATH whenever that state changes, and the test
//! waits for the line it expects instead of sleeping or reading pixels.

use std::io::Write as _;
use std::path::PathBuf;

use super::{Modal, SwitchboardApp};

/// The environment variable that turns the log on (tests only).
pub const STATE_LOG_ENV: &str = "SWITCHBOARD_TEST_STATE_LOG";

/// Where the lines go and the last one written.
#[derive(Debug)]
pub struct StateLog {
    path: PathBuf,
    last: String,
}

impl StateLog {
    /// The log named by the environment, if any.
    #[must_use]
    pub fn from_env() -> Option<Self> {
        let path = std::env::var_os(STATE_LOG_ENV).filter(|p| !p.is_empty())?;
        Some(Self { path: PathBuf::from(path), last: String::new() })
    }
}

impl SwitchboardApp {
    /// One line describing what a user would see.
    #[must_use]
    pub fn state_line(&self) -> String {
        let modal = match &self.dialogs.modal {
            None => "none",
            Some(Modal::SaveChanges(_)) => "save-changes",
            Some(Modal::Error(_)) => "error",
            Some(Modal::Recovery(_)) => "recovery",
            Some(Modal::Shortcuts) => "shortcuts",
            Some(Modal::About) => "about",
        };
        let dialog =
            self.dialogs.file_dialog.as_ref().map_or("none", |d| if d.ready() { d.ask.log_name() } else { "opening" });
        let d = self.design();
        let run = if self.runs.is_running() {
            "running".to_owned()
        } else {
            self.runs.current().map_or_else(|| "none".to_owned(), |r| format!("shown:{}", r.id))
        };
        format!(
            "modal={modal} dialog={dialog} export={} doc={:?} dirty={} nodes={} edges={} workloads={} run={run} \
             results={} selected={} quick_add={}",
            self.dialogs.export_dialog.as_ref().map_or("closed", |_| "open"),
            self.doc.display_name(),
            self.doc.is_dirty(),
            d.nodes.len(),
            d.edges.len(),
            d.workloads.len(),
            if self.results.open { "open" } else { "closed" },
            self.view.selection.nodes.len(),
            if self.view.canvas.quick_add_ready() { "open" } else { "closed" },
        )
    }

    /// Append the state line when it changed (and events such as saves).
    pub(super) fn log_state(&mut self) {
        let line = self.state_line();
        let Some(log) = &mut self.state_log else { return };
        if line != log.last {
            log.last.clone_from(&line);
            append(&log.path, &line);
        }
    }

    /// Append an event line (a save, an autosave, an error).
    pub(super) fn log_event(&self, event: &str) {
        if let Some(log) = &self.state_log {
            append(&log.path, &format!("event {event}"));
        }
    }
}

fn append(path: &std::path::Path, line: &str) {
    if let Ok(mut f) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = writeln!(f, "{line}");
    }
}
