//! `switchboard render FILE -o design.svg|png [--theme light|dark]`: the
//! canvas picture without a display, for documents and CI. The SVG is the
//! engine's design diagram (the canvas's SVG export); the PNG is that SVG
//! rasterised in-process with the app's embedded fonts, so text shows on a
//! machine without any font installed.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Context as _;
use engine::diagram::{Diagram, svg};

use super::{Theme, exit};

/// Arguments of `render`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The design file (JSON or YAML).
    pub file: PathBuf,
    /// Where to write the picture: `.svg` or `.png` (`-` = SVG on stdout).
    #[arg(long, short, value_name = "PATH")]
    pub output: PathBuf,
    /// Colours of the picture.
    #[arg(long, value_enum, default_value = "light")]
    pub theme: Theme,
    /// PNG pixels per diagram pixel (2 = sharp on high-density screens).
    #[arg(long, default_value_t = 2.0, value_parser = parse_scale)]
    pub scale: f32,
    /// Print nothing but errors.
    #[arg(long, short)]
    pub quiet: bool,
}

fn parse_scale(s: &str) -> Result<f32, String> {
    let v: f32 = s.parse().map_err(|e| format!("{e}"))?;
    if (0.25..=8.0).contains(&v) { Ok(v) } else { Err("expected a scale from 0.25 to 8".to_owned()) }
}

/// Largest PNG side in pixels: a huge design still renders, scaled down.
const MAX_PNG_SIDE_PX: f32 = 16_384.0;

/// Run `render`.
///
/// # Errors
/// Unreadable input, an unknown output extension, unwritable output.
pub fn run(args: &Args, out: &mut dyn Write) -> anyhow::Result<u8> {
    let png = match args.output.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("png") => true,
        Some("svg") => false,
        _ if args.output.as_os_str() == "-" => false,
        _ => {
            say!("error: {}: the output must end in .svg or .png", args.output.display());
            return Ok(exit::USAGE);
        }
    };
    let design = super::load_design(&args.file)?;
    let diagram = Diagram::build(&design);
    let estimate = engine::capacity::estimate(&design);
    let utilization = |id: &str| estimate.nodes.iter().find(|n| n.id == id).and_then(|n| n.utilization);
    let options = crate::gui::export::options(&design, utilization, args.theme == Theme::Dark);
    let text = svg::render(&design, &diagram, &options);
    if args.output.as_os_str() == "-" {
        out.write_all(text.as_bytes())?;
        return Ok(exit::OK);
    }
    let bytes = if png { rasterise(&text, args.scale)? } else { text.into_bytes() };
    engine::model::format::write_atomic(&args.output, &bytes)
        .with_context(|| format!("cannot write {}", args.output.display()))?;
    if !args.quiet {
        say!("wrote {} ({} nodes, {} edges)", args.output.display(), design.nodes.len(), design.edges.len());
    }
    Ok(exit::OK)
}

/// The SVG as PNG bytes at `scale`, with the app's fonts (and the system's
/// CJK fallbacks when present).
///
/// # Errors
/// An SVG the renderer refuses, or a picture too large to allocate.
pub fn rasterise(text: &str, scale: f32) -> anyhow::Result<Vec<u8>> {
    use resvg::{tiny_skia, usvg};
    let mut options = usvg::Options { font_family: "Ubuntu".to_owned(), ..usvg::Options::default() };
    let db = options.fontdb_mut();
    for data in crate::gui::fonts::definitions().font_data.values() {
        db.load_font_data(data.font.to_vec());
    }
    for path in crate::gui::fonts::find_fallback_fonts() {
        // A fallback that cannot be read only costs its script's glyphs.
        if let Ok(bytes) = std::fs::read(&path) {
            db.load_font_data(bytes);
        }
    }
    db.set_sans_serif_family("Ubuntu");
    let tree = usvg::Tree::from_str(text, &options).context("the diagram is not valid SVG")?;
    let size = tree.size();
    let scale = scale.min(MAX_PNG_SIDE_PX / size.width().max(size.height()).max(1.0));
    let (w, h) = ((size.width() * scale).ceil() as u32, (size.height() * scale).ceil() as u32);
    let mut pixmap = tiny_skia::Pixmap::new(w.max(1), h.max(1)).context("the picture is too large")?;
    resvg::render(&tree, tiny_skia::Transform::from_scale(scale, scale), &mut pixmap.as_mut());
    pixmap.encode_png().context("cannot encode the PNG")
}
