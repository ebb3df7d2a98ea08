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
    let address = std::env::var("DBUS_SESSION_BUS_ADDRESS").ok().filter(|a| !a.is_empty());
    let default_socket =
        std::env::var_os("XDG_RUNTIME_DIR").is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if address.is_none() && !default_socket {
        return false;
    }
    file_chooser_on(address.as_deref())
}

/// Ask the bus at `address` (`None`: the default session bus) for the file
/// chooser portal's `version` property.
#[cfg(target_os = "linux")]
#[must_use]
pub fn file_chooser_on(address: Option<&str>) -> bool {
    let builder = match address {
        Some(a) => zbus::blocking::connection::Builder::address(a),
        None => zbus::blocking::connection::Builder::session(),
    };
    let Ok(builder) = builder else { return false };
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
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use super::*;

    #[test]
    fn a_probe_reports_what_it_knows() {
        assert_eq!(PortalProbe::known(false).available(), Some(false));
        assert_eq!(PortalProbe::known(true).available(), Some(true));
        assert_eq!(PortalProbe::default().available(), None);
    }

    /// A private session bus (`dbus-daemon`), killed when dropped.
    #[cfg(target_os = "linux")]
    struct Bus(std::process::Child, String);

    #[cfg(target_os = "linux")]
    impl Bus {
        fn start() -> Option<Self> {
            use std::io::BufRead as _;
            let mut child = std::process::Command::new("dbus-daemon")
                .args(["--session", "--nofork", "--print-address=1"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .ok()?;
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take()?).read_line(&mut line).ok()?;
            Some(Self(child, line.trim().to_owned()))
        }
    }

    #[cfg(target_os = "linux")]
    impl Drop for Bus {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// A stand-in for xdg-desktop-portal's file chooser.
    #[cfg(target_os = "linux")]
    struct FakeFileChooser;

    #[cfg(target_os = "linux")]
    #[zbus::interface(name = "org.freedesktop.portal.FileChooser")]
    impl FakeFileChooser {
        #[zbus(property, name = "version")]
        fn version(&self) -> u32 {
            4
        }
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn the_portal_is_found_on_the_bus_only_when_it_is_there() {
        let Some(bus) = Bus::start() else {
            eprintln!("no dbus-daemon here: skipped");
            return;
        };
        let started = std::time::Instant::now();
        assert!(!file_chooser_on(Some(&bus.1)), "a bus without the portal: no file chooser");
        assert!(started.elapsed().as_secs() < PORTAL_TIMEOUT_S, "answered at once, not by timeout");
        let _portal = zbus::blocking::connection::Builder::address(bus.1.as_str())
            .unwrap()
            .name("org.freedesktop.portal.Desktop")
            .unwrap()
            .serve_at("/org/freedesktop/portal/desktop", FakeFileChooser)
            .unwrap()
            .build()
            .unwrap();
        assert!(file_chooser_on(Some(&bus.1)), "the portal answers: the native dialog may be used");
    }
}
