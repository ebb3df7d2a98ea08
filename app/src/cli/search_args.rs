//! What `headroom` and `tune` share: the design file, the scenarios to run
//! under, the run flags and the output flags, and how their result is
//! printed (the human summary unless `--quiet` or JSON on stdout, then the
//! JSON where `--json` says).

use std::io::Write;
use std::path::PathBuf;

use serde::Serialize;

use super::Output;
use super::simulate::RunArgs;

/// Arguments both searches take.
#[derive(Debug, clap::Args)]
pub struct SearchArgs {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Run under this scenario of the design (tune: repeatable, every named
    /// scenario must pass; headroom: at most one).
    #[arg(long = "scenario", value_name = "NAME")]
    pub scenarios: Vec<String>,
    #[command(flatten)]
    pub run: RunArgs,
    #[command(flatten)]
    pub output: Output,
}

impl SearchArgs {
    /// The design, after checking the run flags against it under each scenario.
    ///
    /// # Errors
    /// Unreadable input, an unknown scenario (named), run flags that do not fit.
    pub fn load(&self) -> anyhow::Result<engine::Design> {
        let design = super::load_design(&self.file)?;
        let mut views = Vec::new();
        for name in &self.scenarios {
            views.push(design.with_scenario(name).map_err(|e| anyhow::anyhow!("{}: {e}", self.file.display()))?);
        }
        if views.is_empty() {
            views.push(design.clone());
        }
        for view in &views {
            self.run.check_window(view)?;
            self.run.check_limits(view, 1.0)?;
        }
        Ok(design)
    }

    /// Print the summary (unless quiet or JSON goes to stdout), then the JSON.
    ///
    /// # Errors
    /// Write failures.
    pub fn emit<T: Serialize>(
        &self,
        value: &T,
        summary: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
        out: &mut dyn Write,
    ) -> anyhow::Result<()> {
        let to_stdout = self.output.json.as_deref() == Some(std::path::Path::new("-"));
        if !self.output.quiet && !to_stdout {
            summary(&mut super::Printable(&mut *out))?;
        }
        if let Some(path) = &self.output.json {
            let mut json = serde_json::to_string_pretty(value)?;
            json.push('\n');
            super::write_json(path, &json, out)?;
        }
        Ok(())
    }
}
