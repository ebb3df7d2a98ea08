//! A directory of files written as one atomic step (`export --split`):
//! every file goes into a temporary directory beside the target, the file
//! system is synced once (Linux `syncfs`; elsewhere each file, as no
//! portable call syncs many at once), the temporary directory replaces the
//! target in one rename (Linux `renameat2(RENAME_EXCHANGE)`, so the target
//! never disappears), and the parent directory is synced. A failure at any
//! step leaves the old directory as it was; thousands of files cost one
//! sync instead of one per file.

use std::io::Write as _;
use std::path::{Component, Path, PathBuf};

use super::format::FormatError;

/// Write `files` (relative path, text) as the whole content of `dir`.
/// An existing `dir` is replaced only when it is empty or holds `marker`
/// (a file every earlier export wrote, such as `kustomization.yaml`), so a
/// directory of other files is never swept away.
///
/// # Errors
/// A path that leaves the directory, a target that is not such a
/// directory, and I/O errors, each naming the path.
pub fn write_dir_atomic(dir: &Path, files: &[(String, String)], marker: &str) -> Result<(), FormatError> {
    write_dir_atomic_with(dir, files, marker, |_| Ok(()))
}

/// [`write_dir_atomic`] with a step run after the temporary directory is
/// written and synced and before it replaces the target: tests inject a
/// crash there.
///
/// # Errors
/// As [`write_dir_atomic`], and the step's error.
pub fn write_dir_atomic_with(
    dir: &Path,
    files: &[(String, String)],
    marker: &str,
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FormatError> {
    let shown = dir.display().to_string();
    let err = |what: &str, e: std::io::Error| FormatError::new(&shown, format!("{what}: {e}"));
    // A link to the directory is followed: the link stays, its target is replaced.
    let target =
        if dir.exists() { std::fs::canonicalize(dir).map_err(|e| err("cannot resolve", e))? } else { dir.into() };
    let exists = check_target(&target, marker).map_err(|e| err("cannot replace", e))?;
    let parent = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = target.file_name().map_or_else(|| "export".into(), |n| n.to_string_lossy().into_owned());
    std::fs::create_dir_all(parent).map_err(|e| err("cannot create the parent directory", e))?;
    let tmp = parent.join(format!(".{name}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let result = (|| {
        std::fs::create_dir(&tmp).map_err(|e| err("cannot create a temporary directory", e))?;
        for (path, text) in files {
            let relative = relative_path(path)
                .ok_or_else(|| FormatError::new(&shown, format!("`{path}` is not a path inside the directory")))?;
            write_file(&tmp.join(relative), text.as_bytes()).map_err(|e| err(&format!("cannot write {path}"), e))?;
        }
        sync_tree(&tmp).map_err(|e| err("cannot flush to disk", e))?;
        before_rename(&tmp).map_err(|e| err("cannot replace the directory", e))?;
        replace(&tmp, &target, exists).map_err(|e| err("cannot replace the directory", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&tmp);
        return result;
    }
    // The rename itself is durable once the parent's entry is on disk.
    sync_dir(parent).map_err(|e| err("cannot flush the parent directory", e))
}

/// Whether the target exists; an error when it must not be replaced.
fn check_target(target: &Path, marker: &str) -> std::io::Result<bool> {
    match std::fs::metadata(target) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(e),
        Ok(meta) if !meta.is_dir() => Err(std::io::Error::other("it is not a directory")),
        Ok(_) => {
            let empty = std::fs::read_dir(target)?.next().is_none();
            if empty || target.join(marker).is_file() {
                Ok(true)
            } else {
                Err(std::io::Error::other(format!(
                    "it holds other files and no {marker} of an earlier export (choose an empty or new directory)"
                )))
            }
        }
    }
}

/// A relative path of plain components only (no `..`, no root).
fn relative_path(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let plain = p.components().all(|c| matches!(c, Component::Normal(_)));
    (plain && p.components().next().is_some()).then(|| p.to_path_buf())
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut f = std::fs::File::create(path)?;
    f.write_all(bytes)?;
    // No sync here: the whole tree is synced once (`sync_tree`).
    Ok(())
}

/// Every file and directory of the tree on disk: one `syncfs` on Linux.
#[cfg(target_os = "linux")]
fn sync_tree(root: &Path) -> std::io::Result<()> {
    let dir = std::fs::File::open(root)?;
    rustix::fs::syncfs(&dir).map_err(std::io::Error::from)
}

/// Every file and directory of the tree on disk, one at a time.
#[cfg(not(target_os = "linux"))]
fn sync_tree(root: &Path) -> std::io::Result<()> {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let entry = entry?;
            if entry.file_type()?.is_dir() {
                stack.push(entry.path());
            } else {
                std::fs::File::open(entry.path())?.sync_all()?;
            }
        }
        sync_dir(&dir)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> std::io::Result<()> {
    match std::fs::File::open(dir) {
        Ok(f) => f.sync_all(),
        // Some platforms cannot open a directory; their renames are durable otherwise.
        Err(_) if cfg!(not(unix)) => Ok(()),
        Err(e) => Err(e),
    }
}

/// Put the synced temporary directory in the target's place and remove
/// what was there.
fn replace(tmp: &Path, target: &Path, exists: bool) -> std::io::Result<()> {
    if !exists {
        return std::fs::rename(tmp, target);
    }
    if exchange(tmp, target).is_ok() {
        // `tmp` now holds the old content.
        return std::fs::remove_dir_all(tmp);
    }
    // No atomic exchange here: move the old directory aside first; a crash
    // between the two renames leaves it whole under its temporary name.
    let old = tmp.with_extension("old");
    std::fs::rename(target, &old)?;
    if let Err(e) = std::fs::rename(tmp, target) {
        let _ = std::fs::rename(&old, target);
        return Err(e);
    }
    std::fs::remove_dir_all(&old)
}

#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(std::io::Error::from)
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> std::io::Result<()> {
    Err(std::io::Error::other("no atomic exchange"))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, reason = "tests")]

    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("sb-atomic-dir-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap_or_default();
        dir
    }

    fn files(names: &[&str], text: &str) -> Vec<(String, String)> {
        names.iter().map(|n| ((*n).to_owned(), format!("{text} {n}\n"))).collect()
    }

    fn listing(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .map(|r| r.filter_map(Result::ok).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        names
    }

    #[test]
    fn writes_a_new_directory_and_replaces_an_earlier_export_whole() {
        let root = scratch("replace");
        let out = root.join("k8s");
        write_dir_atomic(&out, &files(&["kustomization.yaml", "a.yaml", "b.yaml"], "v1"), "kustomization.yaml")
            .unwrap();
        assert_eq!(listing(&out), ["a.yaml", "b.yaml", "kustomization.yaml"]);
        write_dir_atomic(&out, &files(&["kustomization.yaml", "a.yaml", "sub/c.yaml"], "v2"), "kustomization.yaml")
            .unwrap();
        assert_eq!(listing(&out), ["a.yaml", "kustomization.yaml", "sub"], "b.yaml of the old export is gone");
        assert_eq!(std::fs::read_to_string(out.join("sub/c.yaml")).unwrap_or_default(), "v2 sub/c.yaml\n");
        assert_eq!(listing(&root), ["k8s"], "no temporary directory is left");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_failure_before_the_rename_leaves_the_old_directory_intact() {
        let root = scratch("crash");
        let out = root.join("k8s");
        let old = files(&["kustomization.yaml", "a.yaml"], "old");
        assert!(write_dir_atomic(&out, &old, "kustomization.yaml").is_ok());
        let new = files(&["kustomization.yaml", "a.yaml", "b.yaml"], "new");
        let crash = write_dir_atomic_with(&out, &new, "kustomization.yaml", |tmp| {
            assert_eq!(listing(tmp), ["a.yaml", "b.yaml", "kustomization.yaml"], "everything written first");
            Err(std::io::Error::other("power cut"))
        });
        let e = crash.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(e.contains("power cut") && e.contains("k8s"), "{e}");
        assert_eq!(listing(&out), ["a.yaml", "kustomization.yaml"]);
        assert_eq!(std::fs::read_to_string(out.join("a.yaml")).unwrap_or_default(), "old a.yaml\n");
        assert_eq!(listing(&root), ["k8s"], "the temporary directory is removed");
        let _ = std::fs::remove_dir_all(root);
    }

    #[test]
    fn a_directory_of_other_files_and_paths_outside_are_refused() {
        let root = scratch("refuse");
        let mine = root.join("notes");
        std::fs::create_dir_all(&mine).unwrap_or_default();
        std::fs::write(mine.join("todo.txt"), "keep me").unwrap_or_default();
        let e = write_dir_atomic(&mine, &files(&["kustomization.yaml"], "x"), "kustomization.yaml")
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("other files"), "{e}");
        assert_eq!(std::fs::read_to_string(mine.join("todo.txt")).unwrap_or_default(), "keep me");
        let out = root.join("k8s");
        for bad in ["../escape.yaml", "/etc/x.yaml", ""] {
            let e = write_dir_atomic(&out, &files(&[bad], "x"), "kustomization.yaml");
            assert!(e.is_err(), "{bad}");
        }
        assert!(!out.exists() && !root.join("escape.yaml").exists());
        let _ = std::fs::remove_dir_all(root);
    }
}
