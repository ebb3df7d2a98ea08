//! Where the app keeps its settings and recent files: the platform's
//! configuration directory — `$XDG_CONFIG_HOME/switchboard` (else
//! `~/.config/switchboard`) on Linux and the BSDs, `~/Library/Application
//! Support/Switchboard` on macOS, `%APPDATA%\Switchboard\config` on Windows.
//!
//! Versions before this one kept the settings file in the data directory
//! (`~/.local/share/switchboard/app.ron`); the first start that finds no
//! settings in the configuration directory copies that file over, so no one
//! loses their language, theme or recent files. Autosaved recovery files are
//! data and stay in the data directory.

use std::path::{Path, PathBuf};

/// The settings file's name.
const SETTINGS_FILE: &str = "settings.ron";

/// The configuration directory of the app on this platform, `None` when
/// the environment names no home.
#[must_use]
pub fn config_dir() -> Option<PathBuf> {
    config_dir_with(std::env::consts::OS, |k| std::env::var_os(k).map(PathBuf::from), std::env::home_dir())
}

/// [`config_dir`] for a given platform, environment and home (for tests).
pub fn config_dir_with(os: &str, env: impl Fn(&str) -> Option<PathBuf>, home: Option<PathBuf>) -> Option<PathBuf> {
    match os {
        "macos" => home.map(|h| h.join("Library").join("Application Support").join("Switchboard")),
        "windows" => env("APPDATA").filter(|p| p.is_absolute()).map(|p| p.join("Switchboard").join("config")),
        // XDG: a relative XDG_CONFIG_HOME is invalid and must be ignored.
        _ => env("XDG_CONFIG_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| home.map(|h| h.join(".config")))
            .map(|p| p.join("switchboard")),
    }
}

/// The settings file in `config_dir`, first copying the file earlier
/// versions kept at `legacy` when the configuration directory has none.
/// A copy that fails leaves the settings at their defaults; it never stops
/// the app from starting.
#[must_use]
pub fn settings_file(config_dir: &Path, legacy: Option<&Path>) -> PathBuf {
    let file = config_dir.join(SETTINGS_FILE);
    if !file.exists()
        && let Some(old) = legacy.filter(|p| p.is_file())
        && std::fs::create_dir_all(config_dir).is_ok()
    {
        let _ = std::fs::copy(old, &file);
    }
    file
}

#[cfg(test)]
#[allow(clippy::unwrap_used, reason = "tests")]
mod tests {
    use super::*;

    #[test]
    fn each_platform_has_its_configuration_directory() {
        let home = Some(PathBuf::from("/home/ada"));
        let none = |_: &str| None;
        assert_eq!(config_dir_with("linux", none, home.clone()), Some(PathBuf::from("/home/ada/.config/switchboard")));
        let xdg = |k: &str| (k == "XDG_CONFIG_HOME").then(|| PathBuf::from("/cfg"));
        assert_eq!(config_dir_with("linux", xdg, home.clone()), Some(PathBuf::from("/cfg/switchboard")));
        let relative = |k: &str| (k == "XDG_CONFIG_HOME").then(|| PathBuf::from("cfg"));
        assert_eq!(
            config_dir_with("freebsd", relative, home.clone()),
            Some(PathBuf::from("/home/ada/.config/switchboard"))
        );
        assert_eq!(
            config_dir_with("macos", none, home.clone()),
            Some(PathBuf::from("/home/ada/Library/Application Support/Switchboard"))
        );
        assert_eq!(config_dir_with("linux", none, None), None);
        assert_eq!(config_dir_with("windows", none, home), None);
    }

    #[test]
    fn earlier_settings_are_copied_once_and_never_overwrite() {
        let root = std::env::temp_dir().join(format!("switchboard-config-dir-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let legacy = root.join("share/app.ron");
        std::fs::create_dir_all(legacy.parent().unwrap()).unwrap();
        std::fs::write(&legacy, "(old)").unwrap();
        let config = root.join("config/switchboard");
        let file = settings_file(&config, Some(&legacy));
        assert_eq!(std::fs::read_to_string(&file).unwrap(), "(old)");
        std::fs::write(&file, "(new)").unwrap();
        let again = settings_file(&config, Some(&legacy));
        assert_eq!(std::fs::read_to_string(again).unwrap(), "(new)", "the configuration directory's file wins");
        // No earlier file: nothing is written until the app saves.
        let fresh = root.join("fresh");
        assert!(!settings_file(&fresh, Some(&root.join("missing.ron"))).exists());
        let _ = std::fs::remove_dir_all(&root);
    }
}
