//! Capturing the window: the `--screenshot PATH` mode (render a few frames,
//! save a PNG, close) and "Export → PNG" (capture the canvas area, keep going).

use std::path::PathBuf;

use egui::{Rect, ViewportCommand};

/// Frames rendered before capturing, so fonts and layout have settled.
const WARMUP_FRAMES: u32 = 4;
/// Frames to wait for the image before giving up.
const GIVE_UP_FRAMES: u32 = 600;

/// A capture in progress.
#[derive(Debug)]
pub struct Screenshot {
    path: PathBuf,
    crop: Option<Rect>,
    close_after: bool,
    frames: u32,
    requested: bool,
    done: bool,
}

impl Screenshot {
    /// The whole window, then close it.
    #[must_use]
    pub fn new(path: PathBuf) -> Self {
        Self { path, crop: None, close_after: true, frames: 0, requested: false, done: false }
    }

    /// A region (logical points), keeping the window open.
    #[must_use]
    pub fn export(path: PathBuf, crop: Rect) -> Self {
        Self {
            path,
            crop: Some(crop),
            close_after: false,
            frames: WARMUP_FRAMES.saturating_sub(1),
            requested: false,
            done: false,
        }
    }

    /// Whether the capture is finished (saved or failed).
    #[must_use]
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Whether this capture closes the app (the `--screenshot` mode).
    #[must_use]
    pub fn closes_app(&self) -> bool {
        self.close_after
    }

    /// Drive the capture; call once per frame before the UI.
    pub fn logic(&mut self, ctx: &egui::Context) {
        if self.done {
            return;
        }
        self.frames += 1;
        ctx.request_repaint();
        let image = ctx.input(|i| {
            i.events.iter().find_map(|e| match e {
                egui::Event::Screenshot { image, .. } => Some(image.clone()),
                _ => None,
            })
        });
        if let Some(image) = image {
            let ppp = ctx.pixels_per_point();
            match save_png(&image, self.crop.map(|r| r * ppp), &self.path) {
                Ok(()) => eprintln!("screenshot written to {}", self.path.display()),
                Err(e) => eprintln!("error: {e:#}"),
            }
            self.finish(ctx);
            return;
        }
        if !self.requested && self.frames >= WARMUP_FRAMES {
            ctx.send_viewport_cmd(ViewportCommand::Screenshot(egui::UserData::default()));
            self.requested = true;
        }
        if self.frames > GIVE_UP_FRAMES {
            eprintln!("error: no screenshot arrived from the window system");
            self.finish(ctx);
        }
    }

    fn finish(&mut self, ctx: &egui::Context) {
        self.done = true;
        if self.close_after {
            ctx.send_viewport_cmd(ViewportCommand::Close);
        }
    }
}

/// Save a captured image (optionally a pixel region of it) as PNG.
fn save_png(image: &egui::ColorImage, crop: Option<Rect>, path: &std::path::Path) -> anyhow::Result<()> {
    let [w, h] = image.size;
    let (x0, y0, x1, y1) = match crop {
        Some(r) => (
            (r.min.x.max(0.0) as usize).min(w),
            (r.min.y.max(0.0) as usize).min(h),
            (r.max.x.max(0.0) as usize).min(w),
            (r.max.y.max(0.0) as usize).min(h),
        ),
        None => (0, 0, w, h),
    };
    anyhow::ensure!(x1 > x0 && y1 > y0, "the captured image is empty");
    let mut bytes = Vec::with_capacity((x1 - x0) * (y1 - y0) * 4);
    for y in y0..y1 {
        for x in x0..x1 {
            let c = image.pixels.get(y * w + x).copied().unwrap_or_default();
            bytes.extend_from_slice(&c.to_srgba_unmultiplied());
        }
    }
    let (cw, ch) = (u32::try_from(x1 - x0)?, u32::try_from(y1 - y0)?);
    let img = image::RgbaImage::from_raw(cw, ch, bytes).ok_or_else(|| anyhow::anyhow!("bad image size"))?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| anyhow::anyhow!("creating {}: {e}", dir.display()))?;
    }
    img.save(path).map_err(|e| anyhow::anyhow!("writing {}: {e}", path.display()))?;
    Ok(())
}
