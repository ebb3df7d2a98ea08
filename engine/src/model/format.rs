//! Reading and writing design files.
//!
//! JSON is canonical: pretty, in the types' field order, so a save without
//! edits is byte-identical. YAML is read and written too. Every error names the
//! file, the line and column where the parser knows them, and the field path
//! (`nodes[3].capacity.replicas`), because a user with a 2,000-line file needs
//! to know where to look. Inputs are bounded (file size, nesting depth, YAML
//! alias expansion) so a hostile file cannot exhaust the machine.

use std::fmt;
use std::io::Write as _;
use std::path::Path;

use super::{Design, FORMAT_VERSION};

/// Largest design file read, in bytes.
pub const MAX_FILE_BYTES: usize = 64 * 1024 * 1024;

/// A text format for designs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// JSON (canonical).
    Json,
    /// YAML.
    Yaml,
}

impl Format {
    /// The format implied by a path's extension, if any.
    #[must_use]
    pub fn from_path(path: &Path) -> Option<Self> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "json" => Some(Self::Json),
            "yaml" | "yml" => Some(Self::Yaml),
            _ => None,
        }
    }

    /// Guess from content: JSON documents start with `{`.
    #[must_use]
    pub fn sniff(text: &str) -> Self {
        if text.trim_start_matches('\u{feff}').trim_start().starts_with('{') { Self::Json } else { Self::Yaml }
    }
}

/// Why a design could not be read or written.
#[derive(Debug, thiserror::Error)]
pub struct FormatError {
    /// The file (or `<input>` for in-memory text).
    pub file: String,
    /// 1-based line and column, when known.
    pub line_col: Option<(usize, usize)>,
    /// The field path, e.g. `nodes[3] (id "orders").capacity.replicas`, when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some((line, col)) = self.line_col {
            write!(f, ":{line}:{col}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": at `{field}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl FormatError {
    pub(crate) fn new(file: &str, message: impl Into<String>) -> Self {
        Self { file: file.to_owned(), line_col: None, field: None, message: message.into() }
    }
}

/// Read a design from a file, detecting the format from the extension or the content.
///
/// # Errors
/// Unreadable, oversized, non-UTF-8, malformed or invalidly typed files.
pub fn load(path: &Path) -> Result<Design, FormatError> {
    let file = path.display().to_string();
    let meta = std::fs::metadata(path).map_err(|e| FormatError::new(&file, format!("cannot read: {e}")))?;
    if meta.is_dir() {
        return Err(FormatError::new(&file, "is a directory, not a design file"));
    }
    if meta.len() > MAX_FILE_BYTES as u64 {
        return Err(FormatError::new(
            &file,
            format!("file is {} bytes, more than the {MAX_FILE_BYTES}-byte limit for designs", meta.len()),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| FormatError::new(&file, format!("cannot read: {e}")))?;
    let text = decode_utf8(&file, &bytes)?;
    let format = Format::from_path(path).unwrap_or_else(|| Format::sniff(text));
    from_str(text, format, &file)
}

/// Check that bytes are UTF-8 text, naming the first bad byte.
///
/// # Errors
/// When the bytes are not UTF-8.
pub fn decode_utf8<'a>(file: &str, bytes: &'a [u8]) -> Result<&'a str, FormatError> {
    std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let line = bytes.get(..offset).map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) + 1;
        FormatError {
            file: file.to_owned(),
            line_col: Some((line, 1)),
            field: None,
            message: format!("not UTF-8 text (bad byte at offset {offset}): is this a design file?"),
        }
    })
}

/// Parse a design from text. `file` names the source in errors.
///
/// # Errors
/// Malformed text, wrong types, unknown fields, unsupported versions.
pub fn from_str(text: &str, format: Format, file: &str) -> Result<Design, FormatError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_FILE_BYTES {
        return Err(FormatError::new(file, "text is larger than the limit for designs"));
    }
    if text.trim().is_empty() {
        return Err(FormatError::new(file, "the file is empty"));
    }
    match format {
        Format::Json => from_json(text, file),
        Format::Yaml => from_yaml(text, file),
    }
}

fn from_json(text: &str, file: &str) -> Result<Design, FormatError> {
    // A first pass into a generic value catches syntax errors (with line and
    // column), reads the version and lets migrations rewrite old files.
    let value: serde_json::Value = serde_json::from_str(text).map_err(|e| json_error(file, &e, None))?;
    let version = read_version(file, &value)?;
    if version == FORMAT_VERSION {
        // Deserialize from the text itself so type errors carry line and column.
        let mut de = serde_json::Deserializer::from_str(text);
        return serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let field = annotate_path(&e.path().to_string(), &value);
            json_error(file, e.inner(), Some(field))
        });
    }
    from_value(&migrate(file, value, version)?, file, text)
}

fn from_yaml(text: &str, file: &str) -> Result<Design, FormatError> {
    // Bounded alias replay: a "billion laughs" file fails fast instead of
    // expanding into gigabytes.
    let mut alias_limits = serde_saphyr::options::AliasLimits::default();
    alias_limits.max_total_replayed_events = 100_000;
    alias_limits.max_replay_stack_depth = 16;
    alias_limits.max_alias_expansions_per_anchor = 1_000;
    let options = serde_saphyr::options! { alias_limits: alias_limits };
    let value: serde_json::Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let line_col = e.location().map(|l| (l.line() as usize, l.column() as usize));
        FormatError { file: file.to_owned(), line_col, field: None, message: yaml_message(&e.to_string()) }
    })?;
    let version = read_version(file, &value)?;
    from_value(&migrate(file, value, version)?, file, text)
}

/// Deserialize a parsed document; a type error names its field and, found
/// in `text` (the deserializer of a parsed value has no positions), its line.
fn from_value(value: &serde_json::Value, file: &str, text: &str) -> Result<Design, FormatError> {
    serde_path_to_error::deserialize::<_, Design>(value).map_err(|e| {
        let path = e.path().to_string();
        let line_col = super::locate::SourceMap::parse(text)
            .and_then(|map| map.locate(&path))
            .and_then(|(line, column)| Some((usize::try_from(line).ok()?, usize::try_from(column).ok()?)));
        FormatError {
            file: file.to_owned(),
            line_col,
            field: Some(annotate_path(&path, value)),
            message: e.inner().to_string(),
        }
    })
}

/// The YAML parser's first line without its own "error: line L column C:"
/// prefix (the location is shown separately).
fn yaml_message(s: &str) -> String {
    let line = s.lines().next().unwrap_or(s);
    let line = line.strip_prefix("error: ").unwrap_or(line);
    if let Some(rest) = line.strip_prefix("line ")
        && let Some((_, after)) = rest.split_once(": ")
        && rest.split_once(": ").is_some_and(|(loc, _)| loc.contains("column"))
    {
        return after.to_owned();
    }
    line.to_owned()
}

fn json_error(file: &str, e: &serde_json::Error, field: Option<String>) -> FormatError {
    let line_col = (e.line() > 0).then(|| (e.line(), e.column()));
    // serde_json appends " at line L column C"; the location is shown separately.
    let message = e.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message).to_owned();
    FormatError { file: file.to_owned(), line_col, field: field.filter(|f| f != "."), message }
}

fn read_version(file: &str, value: &serde_json::Value) -> Result<u32, FormatError> {
    let Some(map) = value.as_object() else {
        return Err(FormatError::new(file, "a design is a mapping with `version`, `name`, `nodes`, ... at the top"));
    };
    let Some(version) = map.get("version") else {
        return Err(FormatError { field: Some("version".into()), ..FormatError::new(file, "missing field `version`") });
    };
    let Some(v) = version.as_u64().and_then(|v| u32::try_from(v).ok()) else {
        return Err(FormatError {
            field: Some("version".into()),
            ..FormatError::new(file, format!("`version` must be a small whole number, found {version}"))
        });
    };
    if v > FORMAT_VERSION {
        return Err(FormatError {
            field: Some("version".into()),
            ..FormatError::new(
                file,
                format!("version {v} is newer than this build reads (up to {FORMAT_VERSION}); update Switchboard"),
            )
        });
    }
    if v == 0 {
        return Err(FormatError {
            field: Some("version".into()),
            ..FormatError::new(file, "version 0 does not exist")
        });
    }
    Ok(v)
}

/// One migration step: rewrites a document of version `from` into `from + 1`.
type Migration = fn(serde_json::Value) -> Result<serde_json::Value, String>;

/// Migrations indexed by source version − 1. Empty while only version 1 exists;
/// a format change appends a step here and bumps `FORMAT_VERSION`.
const MIGRATIONS: &[Migration] = &[];

fn migrate(file: &str, mut value: serde_json::Value, from: u32) -> Result<serde_json::Value, FormatError> {
    for version in from..FORMAT_VERSION {
        let Some(step) = usize::try_from(version - 1).ok().and_then(|i| MIGRATIONS.get(i)) else {
            return Err(FormatError::new(file, format!("no migration from version {version}")));
        };
        value = step(value).map_err(|m| FormatError::new(file, format!("migrating from version {version}: {m}")))?;
        if let Some(map) = value.as_object_mut() {
            map.insert("version".into(), serde_json::Value::from(version + 1));
        }
    }
    Ok(value)
}

/// Turn `nodes[3].capacity` into `nodes[3] (id "orders").capacity` so the user
/// can find the entry by the id they see.
fn annotate_path(path: &str, value: &serde_json::Value) -> String {
    for list in ["nodes", "edges", "workloads", "faults", "slos"] {
        let prefix = format!("{list}[");
        let Some(rest) = path.strip_prefix(&prefix) else { continue };
        let Some(close) = rest.find(']') else { continue };
        let Ok(index) = rest[..close].parse::<usize>() else { continue };
        let entry = value.get(list).and_then(|l| l.get(index));
        let label = entry
            .and_then(|e| e.get("id").or_else(|| e.get("name")).or_else(|| e.get("workload")))
            .and_then(serde_json::Value::as_str);
        if let Some(label) = label {
            return format!("{list}[{index}] (\"{label}\"){}", &rest[close + 1..]);
        }
    }
    path.to_owned()
}

/// The canonical JSON text of a design (pretty, trailing newline).
#[must_use]
pub fn to_json(design: &Design) -> String {
    let mut s = serde_json::to_string_pretty(design).unwrap_or_default();
    s.push('\n');
    s
}

/// The YAML text of a design.
///
/// # Errors
/// When the serializer fails (it should not for a `Design`).
pub fn to_yaml(design: &Design) -> Result<String, FormatError> {
    serde_saphyr::to_string(design).map_err(|e| FormatError::new("<yaml>", e.to_string()))
}

/// Serialize a design in the given format.
///
/// # Errors
/// When the serializer fails.
pub fn to_string(design: &Design, format: Format) -> Result<String, FormatError> {
    match format {
        Format::Json => Ok(to_json(design)),
        Format::Yaml => to_yaml(design),
    }
}

/// Save a design atomically: write a temporary file beside the target, fsync
/// it, then rename over the target, so a crash never leaves half a file.
/// A symbolic link is followed (its target is written, the link stays) and
/// an existing file keeps its permission bits.
///
/// # Errors
/// I/O errors, named with the path.
pub fn save(design: &Design, path: &Path) -> Result<(), FormatError> {
    let format = Format::from_path(path).unwrap_or(Format::Json);
    let text = to_string(design, format)?;
    write_atomic(path, text.as_bytes())
}

/// Write bytes atomically (temp file, fsync, rename), through symbolic links
/// and keeping an existing file's permission bits.
///
/// # Errors
/// I/O errors, named with the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), FormatError> {
    write_atomic_with(path, bytes, |_| Ok(()))
}

/// [`write_atomic`] with a step run after the temporary file is written and
/// flushed and before it replaces the target: tests inject a crash there.
///
/// # Errors
/// I/O errors (and the step's error), named with the path.
pub fn write_atomic_with(
    path: &Path,
    bytes: &[u8],
    before_rename: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), FormatError> {
    let file = path.display().to_string();
    let err = |what: &str, e: std::io::Error| FormatError::new(&file, format!("{what}: {e}"));
    let target = follow_links(path).map_err(|e| err("cannot follow the symbolic link", e))?;
    let dir = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or_else(|| Path::new("."));
    let name = target.file_name().map_or_else(|| "design".into(), |n| n.to_string_lossy().into_owned());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let permissions = std::fs::metadata(&target).ok().filter(std::fs::Metadata::is_file).map(|m| m.permissions());
    let result = (|| {
        let mut f = std::fs::File::create(&tmp).map_err(|e| err("cannot create a temporary file", e))?;
        if let Some(permissions) = permissions {
            f.set_permissions(permissions).map_err(|e| err("cannot keep the file's permissions", e))?;
        }
        f.write_all(bytes).map_err(|e| err("cannot write", e))?;
        f.sync_all().map_err(|e| err("cannot flush to disk", e))?;
        drop(f);
        before_rename(&tmp).map_err(|e| err("cannot replace the file", e))?;
        std::fs::rename(&tmp, &target).map_err(|e| err("cannot replace the file", e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Most symbolic links followed before giving up (as the kernel's `ELOOP`).
const MAX_LINKS: usize = 40;

/// The file a path finally names: symbolic links followed (even a dangling
/// last one, whose target is then created), relative targets taken from the
/// link's directory.
fn follow_links(path: &Path) -> std::io::Result<std::path::PathBuf> {
    let mut current = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        match std::fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = std::fs::read_link(&current)?;
                current = if link.is_absolute() {
                    link
                } else {
                    current.parent().map_or_else(|| link.clone(), |dir| dir.join(&link))
                };
            }
            _ => return Ok(current),
        }
    }
    Err(std::io::Error::other("too many levels of symbolic links"))
}

/// The JSON Schema of the design format, generated from the types.
#[must_use]
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Design);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}
