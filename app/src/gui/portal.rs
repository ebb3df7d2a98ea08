//! Whether the desktop's file chooser portal exists.
//!
//! rfd answers "nothing chosen" both when the user cancels and when no
//! `org.freedesktop.portal.FileChooser` service is running (a plain window
//! manager, a remote session, WSL, a minimal install), so the app asks the
//! D-Bus session bus once, on a background thread, and uses its own in-app
//! file dialog unless the portal answered.

use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};

const UNKNOWN: u8 = 0;
const AVAILABLE: u8 = 1;
const MISSING: u8 = 2;

/// Seconds the portal may take to answer (D-Bus activation included).
const PORTAL_TIMEOUT_S: u64 = 3;

/// The answer of a probe running in the background.
#[derive(Clone, Debug, Default)]
pub struct PortalProbe(Arc<AtomicU8>);

impl PortalProbe {
    /// Start asking the session bus, on a thread.
    #[must_use]
    pub fn start() -> Self {
        let probe = Self::default();
        let state = Arc::clone(&probe.0);
        let spawned = std::thread::Builder::new().name("portal-probe".into()).spawn(move || {
            let answer = if file_chooser_available() { AVAILABLE } else { MISSING };
            state.store(answer, Ordering::Release);
        });
        if spawned.is_err() {
            probe.0.store(MISSING, Ordering::Release);
        }
        probe
    }

    /// A probe that already knows (tests).
    #[must_use]
    pub fn known(available: bool) -> Self {
        Self(Arc::new(AtomicU8::new(if available { AVAILABLE } else { MISSING })))
    }

    /// `Some(true)` when the portal answered, `Some(false)` when it does not
    /// exist, `None` while the probe is still asking.
    #[must_use]
    pub fn available(&self) -> Option<bool> {
        match self.0.load(Ordering::Acquire) {
            UNKNOWN => None,
            AVAILABLE => Some(true),
            _ => Some(false),
        }
    }
}

/// Ask the session bus whether `org.freedesktop.portal.FileChooser` answers
/// (blocking: call it on a thread).
#[cfg(target_os = "linux")]
#[must_use]
pub fn file_chooser_available() -> bool {
    let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
    let default_socket =
        std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if !set("DBUS_SESSION_BUS_ADDRESS") && !default_socket {
        return false;
    }
    let Ok(builder) = zbus::blocking::connection::Builder::session() else { return false };
    let Ok(connection) = builder.method_timeout(std::time::Duration::from_secs(PORTAL_TIMEOUT_S)).build() else {
        return false;
    };
    connection
        .call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.portal.FileChooser", "version"),
        )
        .is_ok()
}

/// Other platforms have native dialogs that always exist.
#[cfg(not(target_os = "linux"))]
#[must_use]
pub fn file_chooser_available() -> bool {
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_session_bus_means_no_portal() {
        // The test process has no session bus of its own unless the
        // environment provides one; with none, the answer is a quick "no".
        if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() && std::env::var_os("XDG_RUNTIME_DIR").is_none() {
            let started = std::time::Instant::now();
            assert!(!file_chooser_available());
            assert!(started.elapsed().as_secs() < 1);
        }
        assert_eq!(PortalProbe::known(false).available(), Some(false));
        assert_eq!(PortalProbe::default().available(), None);
    }
}
