//! A simulation job on its own named thread. The frame loop only polls it:
//! it never waits for the engine, and Stop cancels through the shared
//! [`RunControl`] and forgets the job at once (the thread notices the
//! cancellation within a few thousand events and ends on its own).

use std::sync::Arc;
use std::sync::mpsc::{self, Receiver, TryRecvError};
use std::time::Instant;

use anyhow::Context as _;
use engine::sim::{Progress, RunControl, SimError};

/// A job running off the UI thread, producing a `T`.
#[derive(Debug)]
pub struct Worker<T> {
    control: Arc<RunControl>,
    rx: Receiver<Result<T, SimError>>,
    started: Instant,
}

impl<T: Send + 'static> Worker<T> {
    /// Start `job` on a thread named `name`; `ctx` is asked to repaint when
    /// the job ends so the result shows without waiting for input.
    ///
    /// # Errors
    /// When the thread cannot be started.
    pub fn start(
        name: &str,
        ctx: Option<egui::Context>,
        job: impl FnOnce(&RunControl) -> Result<T, SimError> + Send + 'static,
    ) -> anyhow::Result<Self> {
        let control = Arc::new(RunControl::new());
        let (tx, rx) = mpsc::channel();
        let shared = Arc::clone(&control);
        std::thread::Builder::new()
            .name(name.to_owned())
            .spawn(move || {
                let result = job(&shared);
                // The receiver is gone when the user stopped the run: nothing to do.
                let _ = tx.send(result);
                if let Some(ctx) = ctx {
                    ctx.request_repaint();
                }
            })
            .with_context(|| format!("could not start the {name} thread"))?;
        Ok(Self { control, rx, started: Instant::now() })
    }

    /// The result, once the job has ended.
    pub fn poll(&self) -> Option<Result<T, SimError>> {
        match self.rx.try_recv() {
            Ok(r) => Some(r),
            Err(TryRecvError::Empty) => None,
            Err(TryRecvError::Disconnected) => Some(Err(SimError::Internal("the simulation thread ended".to_owned()))),
        }
    }

    /// Ask the job to stop.
    pub fn cancel(&self) {
        self.control.cancel();
    }

    /// Progress reported by the engine.
    #[must_use]
    pub fn progress(&self) -> Progress {
        self.control.progress()
    }

    /// Wall-clock seconds since the start.
    #[must_use]
    pub fn elapsed_s(&self) -> f64 {
        self.started.elapsed().as_secs_f64()
    }

    /// Estimated wall-clock seconds left, from the progress so far.
    #[must_use]
    pub fn time_left_s(&self) -> Option<f64> {
        let f = self.progress().fraction();
        let elapsed = self.elapsed_s();
        (f > 0.02 && elapsed > 0.2).then(|| elapsed * (1.0 - f) / f)
    }
}

impl<T> Drop for Worker<T> {
    fn drop(&mut self) {
        // A forgotten job must not keep a core busy.
        self.control.cancel();
    }
}
