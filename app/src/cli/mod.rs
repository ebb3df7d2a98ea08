//! The command line: `switchboard [FILE]` opens the app, `switchboard
//! <command> ...` runs headless. Every command shares one convention for
//! output (`--json PATH`, `-` for stdout) and for exit codes.

/// `eprintln!` for messages that may hold user text (names, paths): control
/// characters are shown escaped so a design cannot drive the terminal.
macro_rules! say {
    ($($arg:tt)*) => {
        eprintln!("{}", engine::text::printable_lines(&format!($($arg)*)))
    };
}

mod calibrate;
mod compare;
mod cost_summary;
mod emulate;
mod emulate_tables;
mod export;
mod fmt;
mod headroom;
pub(crate) mod import;
mod loadgen;
pub mod logs;
mod render;
mod search_args;
mod serve_node;
mod sim_run;
mod sim_traces;
mod simulate;
mod summary;
mod sweep;
mod tune;
mod validate;

pub use simulate::RunArgs;

use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

/// Exit codes shared by every command.
pub mod exit {
    /// Success.
    pub const OK: u8 = 0;
    /// The design has errors.
    pub const DESIGN_ERRORS: u8 = 1;
    /// Usage error, or unreadable / unparseable input.
    pub const USAGE: u8 = 2;
    /// An SLO was violated.
    pub const SLO_VIOLATED: u8 = 3;
    /// The simulation was unstable.
    pub const UNSTABLE: u8 = 4;
}

const EXIT_CODES_HELP: &str = "\
The commands' output is in English on purpose, whatever the locale: scripts
parse it. The app (no command) speaks English or Simplified Chinese (--lang).

Exit codes (every command):
  0  success
  1  the design has errors
  2  usage error, or unreadable / unparseable input
  3  an SLO was violated, or a gate (compare --fail-on, emulate --max-error)
  4  the simulation was unstable";

/// The version and the git commit the binary was built from.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (commit ", env!("SWITCHBOARD_COMMIT"), ")");

/// Design, simulate and export microservice systems.
#[derive(Debug, Parser)]
#[command(name = "switchboard", version = VERSION, about, after_help = EXIT_CODES_HELP)]
pub struct Cli {
    /// A design file to open in the app (JSON or YAML).
    pub file: Option<PathBuf>,
    /// Render the design to this PNG and exit (needs a display, e.g. Xvfb).
    #[arg(long, value_name = "PATH")]
    pub screenshot: Option<PathBuf>,
    /// Simulate the design when the app opens and show the results (with
    /// `--screenshot`: capture them).
    #[arg(long)]
    pub run: bool,
    /// Window size for the app and for screenshots, e.g. 1600x1000.
    #[arg(long, value_name = "WxH", default_value = "1600x1000")]
    pub window_size: String,
    /// Colour theme for this session (default: the one chosen last time, dark at first).
    #[arg(long, value_enum)]
    pub theme: Option<Theme>,
    /// Language of the app for this session: en or zh-CN (default: the one
    /// chosen last time in View → Language, else the system locale's).
    #[arg(long, value_name = "LANG", value_parser = parse_lang)]
    pub lang: Option<crate::gui::i18n::Lang>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The app's colour theme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Theme {
    /// Light text on dark panels.
    Dark,
    /// Dark text on light panels.
    Light,
}

/// Output flags shared by every command.
#[derive(Debug, Clone, clap::Args)]
pub struct Output {
    /// Also write the machine-readable result as JSON to PATH (`-` = stdout).
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

/// Headless commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check a design: every problem with its place, and the instant capacity estimate.
    #[command(after_help = EXIT_CODES_HELP)]
    Validate(validate::Args),
    /// Print the JSON Schema of the design format.
    Schema,
    /// Rewrite a design in canonical form, or convert it between JSON and YAML.
    #[command(after_help = EXIT_CODES_HELP)]
    Fmt(fmt::Args),
    /// Export a design to Compose, Kubernetes, Istio, AsyncAPI, DOT or Mermaid.
    #[command(after_help = EXIT_CODES_HELP)]
    Export(export::Args),
    /// Import a Compose file, Kubernetes manifests or an isotope service graph as a design.
    #[command(after_help = EXIT_CODES_HELP)]
    Import(import::Args),
    /// Make or update a design from traces (OTLP or Jaeger JSON) and Prometheus metrics.
    #[command(after_help = EXIT_CODES_HELP)]
    Calibrate(calibrate::Args),
    /// Simulate a design: latency, throughput, utilization, SLO verdicts.
    #[command(after_help = EXIT_CODES_HELP)]
    Simulate(simulate::Args),
    /// What-if: simulate at several rate scales or replica counts, one line per point.
    #[command(after_help = EXIT_CODES_HELP)]
    Sweep(sweep::Args),
    /// The highest rate scale at which every SLO still passes, with its confidence interval.
    #[command(after_help = EXIT_CODES_HELP)]
    Headroom(headroom::Args),
    /// The cheapest replicas, workers and queues that pass every SLO, with the cost before and after.
    #[command(after_help = EXIT_CODES_HELP)]
    Tune(tune::Args),
    /// Compare two simulation reports; `--fail-on` gates CI (exit 3).
    #[command(after_help = EXIT_CODES_HELP)]
    Compare(compare::Args),
    /// Run the design as real HTTP services on this machine and measure it
    /// (with --compare: beside the simulation).
    #[command(after_help = EXIT_CODES_HELP)]
    Emulate(emulate::Args),
    /// Serve one node of the design alone (a container of the emulated
    /// exports, or one process of several on one machine).
    #[command(after_help = EXIT_CODES_HELP)]
    ServeNode(serve_node::Args),
    /// Drive the design's workloads at entries served elsewhere (serve-node)
    /// and measure them; every process must use the same --time-scale.
    #[command(after_help = EXIT_CODES_HELP)]
    Loadgen(loadgen::Args),
    /// Draw the design diagram to an SVG or PNG file, without a display.
    #[command(after_help = EXIT_CODES_HELP)]
    Render(render::Args),
}

/// Parse arguments and run; the process exit code is returned.
pub fn main(args: Vec<OsString>, out: &mut dyn Write) -> ExitCode {
    ExitCode::from(run(args, out))
}

/// Parse arguments and run, returning the numeric exit code (for tests).
pub fn run(args: Vec<OsString>, out: &mut dyn Write) -> u8 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { exit::USAGE } else { exit::OK };
            if e.use_stderr() {
                eprint!("{e}");
            } else {
                let _ = write!(out, "{e}");
            }
            return code;
        }
    };
    match dispatch(cli, out) {
        Ok(code) => code,
        // The reader went away (`switchboard ... | head`): as other command
        // line tools, stop quietly.
        Err(e)
            if e.chain().any(|c| {
                c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            exit::OK
        }
        Err(e) => {
            say!("error: {e:#}");
            exit::USAGE
        }
    }
}

fn dispatch(cli: Cli, out: &mut dyn Write) -> anyhow::Result<u8> {
    match cli.command {
        Some(Command::Validate(args)) => validate::run(&args, out),
        Some(Command::Fmt(args)) => fmt::run(&args, out),
        Some(Command::Export(args)) => export::run(&args, out),
        Some(Command::Import(args)) => import::run(&args, out),
        Some(Command::Calibrate(args)) => calibrate::run(&args, out),
        Some(Command::Simulate(args)) => simulate::run(&args, out),
        Some(Command::Sweep(args)) => sweep::run(&args, out),
        Some(Command::Headroom(args)) => headroom::run(&args, out),
        Some(Command::Tune(args)) => tune::run(&args, out),
        Some(Command::Compare(args)) => compare::run(&args, out),
        Some(Command::Emulate(args)) => emulate::run(&args, out),
        Some(Command::ServeNode(args)) => serve_node::run(&args, out),
        Some(Command::Loadgen(args)) => loadgen::run(&args, out),
        Some(Command::Render(args)) => render::run(&args, out),
        Some(Command::Schema) => {
            out.write_all(engine::model::format::json_schema().as_bytes())?;
            Ok(exit::OK)
        }
        None => {
            let (width, height) = parse_size(&cli.window_size)?;
            crate::gui::run(crate::gui::Options {
                file: cli.file,
                screenshot: cli.screenshot,
                window_size: [width, height],
                run: cli.run,
                dark: cli.theme.map(|t| t == Theme::Dark),
                lang: cli.lang,
            })?;
            Ok(exit::OK)
        }
    }
}

fn parse_lang(s: &str) -> Result<crate::gui::i18n::Lang, String> {
    crate::gui::i18n::Lang::from_code(s).ok_or_else(|| format!("{s:?}: expected en or zh-CN"))
}

fn parse_size(s: &str) -> anyhow::Result<(f32, f32)> {
    let (w, h) = s.split_once(['x', 'X']).with_context(|| format!("--window-size {s:?}: expected WxH"))?;
    let w: f32 = w.trim().parse().with_context(|| format!("--window-size {s:?}: bad width"))?;
    let h: f32 = h.trim().parse().with_context(|| format!("--window-size {s:?}: bad height"))?;
    anyhow::ensure!(
        (200.0..=10_000.0).contains(&w) && (200.0..=10_000.0).contains(&h),
        "--window-size {s:?}: out of range"
    );
    Ok((w, h))
}

/// Write a JSON document to `--json PATH` (`-` = `out`).
///
/// # Errors
/// When the file cannot be written.
pub fn write_json(path: &Path, json: &str, out: &mut dyn Write) -> anyhow::Result<()> {
    if path.as_os_str() == "-" {
        out.write_all(json.as_bytes())?;
    } else {
        engine::model::format::write_atomic(path, json.as_bytes())?;
    }
    Ok(())
}

/// Where the places validation names are in a design file, so messages read
/// `file:line:column: error: path: message` (as compilers print them, which
/// editors and CI annotations can follow).
pub struct Places {
    file: String,
    map: Option<engine::model::locate::SourceMap>,
    /// Node names by id, where they differ from the id: a problem about a
    /// node then names it as the user sees it, `nodes[web] ("Web shop")`.
    names: std::collections::BTreeMap<String, String>,
}

impl Places {
    /// Read `path` again for positions (only done when there is something to
    /// report); a file that cannot be read gives messages without lines.
    #[must_use]
    pub fn of(path: &Path) -> Self {
        let map = std::fs::read(path)
            .ok()
            .and_then(|bytes| String::from_utf8(bytes).ok())
            .and_then(|text| engine::model::locate::SourceMap::parse(&text));
        Self { file: path.display().to_string(), map, names: std::collections::BTreeMap::new() }
    }

    /// Name the design's nodes in problems, not only their ids.
    #[must_use]
    pub fn with_names(mut self, design: &engine::Design) -> Self {
        self.names = design.nodes.iter().filter(|n| n.name != n.id).map(|n| (n.id.clone(), n.name.clone())).collect();
        self
    }

    /// Line and column of a validation path, when found.
    #[must_use]
    pub fn locate(&self, path: &str) -> Option<(u64, u64)> {
        self.map.as_ref()?.locate(path)
    }

    /// `file:line:column` of a validation path, or `file` alone.
    #[must_use]
    pub fn prefix(&self, path: &str) -> String {
        match self.locate(path) {
            Some((line, column)) => format!("{}:{line}:{column}", self.file),
            None => self.file.clone(),
        }
    }

    /// A validation problem with its place in the file.
    #[must_use]
    pub fn problem(&self, p: &engine::validate::Problem) -> String {
        let named = match &p.target {
            engine::validate::Target::Node(id) => self.names.get(id).and_then(|name| {
                let at = format!("nodes[{id}]");
                p.path.strip_prefix(&at).map(|rest| format!("{at} (\"{}\"){rest}", engine::text::printable(name)))
            }),
            _ => None,
        };
        match named {
            Some(path) => {
                let severity = match p.severity {
                    engine::validate::Severity::Error => "error",
                    engine::validate::Severity::Warning => "warning",
                };
                format!("{}: {severity}: {path}: {}", self.prefix(&p.path), p.message)
            }
            None => format!("{}: {p}", self.prefix(&p.path)),
        }
    }

    /// The simulator's refusal of the design as `validate` prints problems,
    /// each once (a sweep's points refuse for the same reasons).
    #[must_use]
    pub fn refusal(&self, problems: &[engine::validate::Problem]) -> Vec<String> {
        let mut said = std::collections::BTreeSet::new();
        problems.iter().map(|p| self.problem(p)).filter(|line| said.insert(line.clone())).collect()
    }

    /// Print [`Places::refusal`] on stderr.
    pub fn print_refusal(&self, problems: &[engine::validate::Problem]) {
        for line in self.refusal(problems) {
            say!("{line}");
        }
    }
}

/// A writer for human-readable output: control characters in what passes
/// through (a name with an escape sequence, a bell, a newline in a table cell
/// is already escaped by [`pad`]) are written escaped. Machine output (JSON,
/// exported files) goes to the plain writer, byte for byte.
pub struct Printable<'a>(pub &'a mut dyn Write);

impl Write for Printable<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // `write!` hands over whole `str` pieces, so a chunk is valid UTF-8;
        // anything else passes unchanged (no control byte can hide in it
        // that `from_utf8` would have let through).
        match std::str::from_utf8(buf) {
            Ok(text) => self.0.write_all(engine::text::printable_lines(text).as_bytes())?,
            Err(_) => self.0.write_all(buf)?,
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

/// Terminal columns `text` takes: wide characters (CJK) count two, so table
/// columns line up whatever script names are written in.
#[must_use]
pub fn display_width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(engine::text::printable(text).as_ref())
}

/// `text` followed by spaces up to `width` terminal columns, control
/// characters shown as escapes (`\n`). Longer text is kept whole (a name is
/// never cut): that row's columns shift instead.
#[must_use]
pub fn pad(text: &str, width: usize) -> String {
    let text = engine::text::printable(text);
    let fill = width.saturating_sub(display_width(&text));
    let mut out = String::with_capacity(text.len() + fill);
    out.push_str(&text);
    out.extend(std::iter::repeat_n(' ', fill));
    out
}

/// Load a design for a command, with the file named in the error.
///
/// # Errors
/// Unreadable or malformed files.
pub fn load_design(path: &Path) -> anyhow::Result<engine::Design> {
    Ok(engine::model::format::load(path)?)
}

#[cfg(test)]
mod tests {
    #[test]
    fn wide_characters_take_two_columns() {
        assert_eq!(super::display_width("订单服务"), 8);
        assert_eq!(super::pad("订单", 6), "订单  ");
        assert_eq!(super::pad("заказы", 8), "заказы  ");
        assert_eq!(super::pad("a-long-name", 4), "a-long-name");
    }
}
