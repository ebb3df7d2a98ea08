//! The desktop GUI.

use std::path::PathBuf;

/// How the GUI starts.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// A design to open.
    pub file: Option<PathBuf>,
    /// Render to this PNG and exit.
    pub screenshot: Option<PathBuf>,
    /// Window size in logical pixels.
    pub window_size: [f32; 2],
}

/// Open the window and run until it closes.
///
/// # Errors
/// When no display is available or the window cannot be created.
pub fn run(_options: Options) -> anyhow::Result<()> {
    anyhow::bail!("the GUI is not built yet")
}
