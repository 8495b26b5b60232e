//! Reads `content/`: finds the files, splits front matter from body, parses the YAML
//! while keeping line and column of every key and value.
//!
//! This stage knows which folder a file is in (home, collection index, entry, page) but
//! not what its fields mean: checking front matter against the schema is the model's
//! job. It reads only `content/`, never writes, and never follows symbolic links.
//!
//! What hostile input can cost is bounded here: [`MAX_FILES`] files and
//! [`MAX_TOTAL_BYTES`] in all, [`MAX_FILE_BYTES`] per file, [`MAX_VALUE_BYTES`] per
//! front-matter value, and the YAML limits of [`crate::yaml_spans`] (nesting depth,
//! number of values, alias expansion). Each is a located error, never a crash.

mod front_matter;

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_yaml::Mapping;
use thiserror::Error;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Location};
use crate::routes::slug::{is_slug, odd_character, suggest_slug};
use crate::yaml_spans::{self, LimitError, PathSegment, SpanIndex};

pub use front_matter::{split, Split, SplitError};

/// Content files larger than this are refused, so hostile input cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// Front-matter text values longer than this are refused: a value is repeated
/// on every page that shows the entry (cards, backlinks), so its size is multiplied.
pub const MAX_VALUE_BYTES: usize = 64 * 1024;

/// At most this many Markdown files in `content/`.
pub const MAX_FILES: usize = 100_000;

/// At most this many bytes of Markdown in `content/`, all files together.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// Where a content file sits in the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum SourceKind {
    /// `content/_index.md`
    Home,
    /// `content/<collection>/_index.md`
    CollectionIndex {
        /// The collection's name.
        collection: String,
    },
    /// `content/<collection>/<slug>.md`
    Entry {
        /// The collection's name.
        collection: String,
        /// The file stem.
        slug: String,
    },
    /// `content/<slug>.md`
    Page {
        /// The file stem.
        slug: String,
    },
}

/// One content file, split and parsed.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Path relative to the site root, e.g. `content/people/han-dong.md`.
    pub path: PathBuf,
    /// What the file is.
    pub kind: SourceKind,
    /// The front matter (empty when there was none).
    pub front: Mapping,
    /// Positions of the front matter's keys and values, as lines of the whole file.
    pub spans: SpanIndex,
    /// Whether the file had front matter.
    pub has_front_matter: bool,
    /// The Markdown body.
    pub body: String,
    /// The 1-based line on which the body starts.
    pub body_line: usize,
}

/// Problems reading content.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoadError {
    /// No `content/` folder.
    #[error("no `content/` folder in the site")]
    NoContent,
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Unreadable(String),
    /// Too large.
    #[error("file is {} ({size} bytes); content files are limited to {}", mib(*.size), mib(*.limit))]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Too many files, or too many bytes, in `content/`.
    #[error("`content/` holds more than {0}, the most casefile builds in one site")]
    TooMuchContent(String),
    /// A file with nothing in it.
    #[error("file is empty: start it with `---`, a `title:` line and `---`")]
    Empty,
    /// Not UTF-8.
    #[error("file is not valid UTF-8 text")]
    NotUtf8,
    /// Front matter problems.
    #[error("{0}")]
    Split(#[from] SplitError),
    /// YAML syntax.
    #[error("invalid YAML in front matter: {message}")]
    Yaml {
        /// serde_yaml's message, without its position.
        message: String,
        /// A suggestion, such as "indent with spaces".
        hint: Option<String>,
    },
    /// Front matter that passes one of the YAML limits.
    #[error("{0}")]
    Limit(LimitError),
    /// Front matter that is not a mapping.
    #[error("front matter must be a mapping of keys to values")]
    NotMapping,
    /// A text value longer than [`MAX_VALUE_BYTES`].
    #[error("this value is {} long; front-matter values are limited to {}: put long text in the body", kib(*.0 as u64), kib(MAX_VALUE_BYTES as u64))]
    ValueTooLong(usize),
    /// A character YAML reads as a line break but editors do not show as one.
    #[error("front matter contains U+{:04X}, which YAML reads as a line break: remove it, or write it as `\\u{:04X}` in double quotes", *.0 as u32, *.0 as u32)]
    HiddenLineBreak(char),
    /// A repeated key.
    #[error("duplicate key `{0}` in front matter")]
    DuplicateKey(String),
    /// A symbolic link.
    #[error("symbolic links are not followed in `content/`: copy the file instead")]
    Symlink,
    /// `content/` itself is a symbolic link.
    #[error("`content/` is a symbolic link, and casefile does not follow symbolic links: make it a folder")]
    SymlinkRoot,
    /// A file stem that cannot be a slug.
    #[error("`{}` is not a valid slug: use lowercase letters, digits and single hyphens", shown(.0))]
    BadSlug(String),
    /// A folder that is not a declared collection.
    #[error("folder `{}` is not a collection declared in `site.yaml`", shown(.0))]
    UnknownCollection(String),
    /// Too deep.
    #[error("content files go in `content/` or one collection folder below it")]
    TooDeep,
}

impl LoadError {
    /// A suggestion for the editor, where one helps.
    pub fn hint(&self) -> Option<String> {
        match self {
            LoadError::Yaml { hint, .. } => hint.clone(),
            LoadError::Limit(limit) => limit.hint(),
            LoadError::NotUtf8 => Some("save the file as UTF-8".into()),
            _ => None,
        }
    }
}

/// A file or folder name for a message: control characters (a newline, an escape
/// sequence) are written as escapes, so a name cannot forge or garble output lines.
fn shown(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// `65536` -> `64 KiB`.
fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

/// `8388608` -> `8.0 MiB`.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Reads every Markdown file under `<root>/content`: the files that loaded, and the
/// problems with the others (so the next stage can still check the good ones).
pub fn load_content(config: &Config) -> (Vec<SourceFile>, Diagnostics) {
    let loaded = load_content_with(config, &|_, _| None);
    let files = loaded
        .files
        .into_iter()
        .map(|file| Arc::try_unwrap(file).unwrap_or_else(|shared| (*shared).clone()))
        .collect();
    (files, loaded.diagnostics)
}

/// How [`load_content_with`] finds a file it read before: given the file's path and its
/// metadata (taken before any read), the file as read then, if that metadata shows it
/// unchanged since.
pub type Reuse<'a> = dyn Fn(&Path, &Metadata) -> Option<Arc<SourceFile>> + Sync + 'a;

/// What [`load_content_with`] found.
#[derive(Debug, Default)]
pub struct Loaded {
    /// The files that loaded, in the walk's order.
    pub files: Vec<Arc<SourceFile>>,
    /// The files among them that were read rather than reused: their full path, and their
    /// metadata from before the read.
    pub read: Vec<(PathBuf, Metadata, Arc<SourceFile>)>,
    /// The problems with the others.
    pub diagnostics: Diagnostics,
}

/// [`load_content`], reusing what `reuse` returns instead of reading: `casefile serve`
/// keeps files that did not change since the last rebuild, and shares them rather than
/// copying them. The walk and its checks are the same.
pub fn load_content_with(config: &Config, reuse: &Reuse<'_>) -> Loaded {
    let content = config.root.join("content");
    if !content.is_dir() {
        return Loaded {
            diagnostics: Diagnostic::content("content", None, LoadError::NoContent).into(),
            ..Loaded::default()
        };
    }
    let walk = walk_content(&content, &config.root);
    // Sizes are taken in parallel (a stat costs microseconds, and a site has thousands of
    // files), then added up in the walk's order, so the limits stop the walk where a walk
    // adding them up as it went would have stopped.
    let metadata: Vec<Option<Metadata>> = walk
        .paths
        .par_iter()
        .map(|path| std::fs::symlink_metadata(path).ok())
        .collect();
    let mut total_bytes = 0u64;
    let over_bytes = metadata.iter().position(|m| {
        total_bytes += m.as_ref().map(|m| m.len()).unwrap_or(0);
        total_bytes > MAX_TOTAL_BYTES
    });
    let over = match (over_bytes, walk.over_files) {
        (Some(at), _) => Some((at, mib(MAX_TOTAL_BYTES))),
        (None, true) => Some((walk.paths.len(), format!("{MAX_FILES} Markdown files"))),
        (None, false) => None,
    };
    if let Some((at, limit)) = over {
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(
            walk.diagnostics
                .into_iter()
                .filter(|(before, _)| *before <= at)
                .map(|(_, d)| d),
        );
        diagnostics.push(Diagnostic::content(
            "content",
            None,
            LoadError::TooMuchContent(limit),
        ));
        return Loaded {
            diagnostics,
            ..Loaded::default()
        };
    }
    let collections: Vec<&str> = config.collections.iter().map(|c| c.name.as_str()).collect();
    let results: Vec<(Result<Arc<SourceFile>, Diagnostic>, bool)> = walk
        .paths
        .par_iter()
        .zip(&metadata)
        .map(|(path, metadata)| {
            if let Some(file) = metadata.as_ref().and_then(|m| reuse(path, m)) {
                return (Ok(file), false);
            }
            let read = read_source(path, &content, &config.root, &collections).map(Arc::new);
            (read, true)
        })
        .collect();
    let mut loaded = Loaded::default();
    loaded
        .diagnostics
        .extend(walk.diagnostics.into_iter().map(|(_, d)| d));
    for ((result, fresh), (path, metadata)) in results
        .into_iter()
        .zip(walk.paths.into_iter().zip(metadata))
    {
        match result {
            Ok(file) => {
                if let (true, Some(metadata)) = (fresh, metadata) {
                    loaded.read.push((path, metadata, Arc::clone(&file)));
                }
                loaded.files.push(file);
            }
            Err(d) => loaded.diagnostics.push(d),
        }
    }
    loaded
}

/// The Markdown files of `content/` in walk order, and the problems met on the way, each
/// with the number of files found before it.
struct Walk {
    paths: Vec<PathBuf>,
    diagnostics: Vec<(usize, Diagnostic)>,
    /// Whether the walk stopped at a file past [`MAX_FILES`].
    over_files: bool,
}

fn walk_content(content: &Path, root: &Path) -> Walk {
    let mut walk = Walk {
        paths: Vec::new(),
        diagnostics: Vec::new(),
        over_files: false,
    };
    // Entries of one folder are sorted by name. Their paths differ only after the last
    // separator, so comparing whole paths orders them by name too, without finding the
    // name in each path at each comparison (which cost more than the rest of the walk).
    for item in WalkDir::new(content)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by(|a, b| a.path().as_os_str().cmp(b.path().as_os_str()))
    {
        let found = walk.paths.len();
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(p, root))
                    .unwrap_or_else(|| "content".into());
                let problem = Diagnostic::content(path, None, LoadError::Unreadable(e.to_string()));
                walk.diagnostics.push((found, problem));
                continue;
            }
        };
        let name = item.file_name().to_string_lossy();
        if item.depth() > 0 && (name.starts_with('.') || name.ends_with('~')) {
            continue;
        }
        if item.path_is_symlink() {
            let error = if item.depth() == 0 {
                LoadError::SymlinkRoot
            } else {
                LoadError::Symlink
            };
            let hint = symlink_hint(item.path(), root);
            let problem =
                Diagnostic::content(relative(item.path(), root), None, error).with_hint(hint);
            walk.diagnostics.push((found, problem));
            continue;
        }
        if item.file_type().is_file() && name.ends_with(".md") {
            if found >= MAX_FILES {
                walk.over_files = true;
                break;
            }
            walk.paths.push(item.into_path());
        }
    }
    walk
}

/// Where a symbolic link leads, when that makes it worse than a copy: a loop, a file
/// outside the site, or nothing at all.
pub fn symlink_hint(link: &Path, root: &Path) -> Option<String> {
    let shown_target = || {
        std::fs::read_link(link)
            .map(|t| t.display().to_string())
            .unwrap_or_default()
    };
    match std::fs::canonicalize(link) {
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            Some("it loops: following it never reaches a file".into())
        }
        Err(_) => Some(format!(
            "it points to `{}`, which does not exist",
            shown_target()
        )),
        Ok(target) => {
            let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
            (!target.starts_with(&root))
                .then(|| format!("it points outside the site, to `{}`", target.display()))
        }
    }
}

fn relative(path: &Path, root: &Path) -> PathBuf {
    crate::diagnostic::relative_to(path, root)
}

fn classify(path: &Path, content: &Path, collections: &[&str]) -> Result<SourceKind, LoadError> {
    let rel = path.strip_prefix(content).unwrap_or(path);
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let stem = |file: &str| file.trim_end_matches(".md").to_string();
    match parts.as_slice() {
        [file] if file == "_index.md" => Ok(SourceKind::Home),
        [file] => {
            let slug = checked_slug(&stem(file))?;
            Ok(SourceKind::Page { slug })
        }
        [folder, file] => {
            if !collections.contains(&folder.as_str()) {
                return Err(LoadError::UnknownCollection(folder.clone()));
            }
            if file == "_index.md" {
                Ok(SourceKind::CollectionIndex {
                    collection: folder.clone(),
                })
            } else {
                let slug = checked_slug(&stem(file))?;
                Ok(SourceKind::Entry {
                    collection: folder.clone(),
                    slug,
                })
            }
        }
        _ => Err(LoadError::TooDeep),
    }
}

fn checked_slug(stem: &str) -> Result<String, LoadError> {
    if is_slug(stem) {
        Ok(stem.to_string())
    } else {
        Err(LoadError::BadSlug(stem.to_string()))
    }
}

fn read_source(
    path: &Path,
    content: &Path,
    root: &Path,
    collections: &[&str],
) -> Result<SourceFile, Diagnostic> {
    let rel = relative(path, root);
    let fail = |e: LoadError, at: Option<Location>| {
        let hint = e.hint();
        Diagnostic::content(rel.clone(), at, e).with_hint(hint)
    };
    let kind = classify(path, content, collections).map_err(|e| {
        let hint = match &e {
            LoadError::BadSlug(stem) => slug_hint(stem, path),
            LoadError::UnknownCollection(folder) => {
                did_you_mean(folder, collections.iter().copied())
            }
            _ => None,
        };
        Diagnostic::content(rel.clone(), None, e).with_hint(hint)
    })?;
    let bytes = read_limited(path).map_err(|e| fail(e, None))?;
    let text = match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let prefix = String::from_utf8_lossy(&e.as_bytes()[..valid]).into_owned();
            return Err(fail(
                LoadError::NotUtf8,
                Some(Location::of_offset(&prefix, valid)),
            ));
        }
    };
    let text = normalise(text);
    if text.trim().is_empty() && !matches!(kind, SourceKind::CollectionIndex { .. }) {
        return Err(fail(LoadError::Empty, Some(Location::start())));
    }
    let parts = split(&text).map_err(|e| fail(e.into(), Some(Location::start())))?;
    let (front, spans) = parse_yaml(parts.yaml, parts.yaml_line).map_err(|(e, at)| fail(e, at))?;
    Ok(SourceFile {
        path: rel.clone(),
        kind,
        front,
        spans,
        has_front_matter: parts.has_front_matter,
        body: parts.body.to_string(),
        body_line: parts.body_line,
    })
}

/// Reads a file of at most [`MAX_FILE_BYTES`], never more (the file may grow meanwhile).
fn read_limited(path: &Path) -> Result<Vec<u8>, LoadError> {
    use std::io::Read;
    let file = std::fs::File::open(path).map_err(|e| LoadError::Unreadable(e.to_string()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    let too_large = |size| LoadError::TooLarge {
        size,
        limit: MAX_FILE_BYTES,
    };
    if size > MAX_FILE_BYTES {
        return Err(too_large(size));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| LoadError::Unreadable(e.to_string()))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
    Ok(bytes)
}

/// What to tell the editor about a file name that is not a slug.
fn slug_hint(stem: &str, path: &Path) -> Option<String> {
    if let Some(note) = odd_character(stem) {
        return Some(format!("{note}: retype the name with ASCII letters"));
    }
    let suggestion = suggest_slug(stem);
    if suggestion.is_empty() {
        return Some("name the file like `my-entry.md`".into());
    }
    let renamed = path.with_file_name(format!("{suggestion}.md"));
    if renamed.exists() {
        return Some(format!(
            "`{suggestion}.md` is already in this folder, and both files would be published at `{suggestion}`: merge them or rename this one"
        ));
    }
    Some(format!("rename the file to `{suggestion}.md`"))
}

/// Drops a byte-order mark and turns CRLF (and a lone CR, the old Mac line end, which
/// YAML and Markdown also read as a line end) into LF, so all give the same output and
/// every stage counts the same lines.
pub fn normalise(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(String::from)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        text
    }
}

/// Parses front matter into a mapping plus its span index (lines of the whole file).
///
/// The text is first scanned for positions, duplicate keys and the YAML limits (so a
/// "billion laughs" is stopped at the alias that passes them, before any value is
/// built), then parsed by serde_yaml under the same limits.
pub fn parse_yaml(
    yaml: &str,
    first_line: usize,
) -> Result<(Mapping, SpanIndex), (LoadError, Option<Location>)> {
    if yaml.trim().is_empty() {
        return Ok((Mapping::new(), SpanIndex::default()));
    }
    let shift = first_line.saturating_sub(1);
    if let Some((offset, c)) = yaml_spans::hidden_line_break(yaml) {
        let at = Location::of_offset(yaml, offset).shifted(shift);
        return Err((LoadError::HiddenLineBreak(c), Some(at)));
    }
    let mut spans = SpanIndex::scan(yaml)
        .map_err(|limit| (LoadError::Limit(limit.error), Some(limit.at.shifted(shift))))?;
    spans.shift(shift);
    if let Some((name, at)) = spans.duplicate_keys().first() {
        return Err((LoadError::DuplicateKey(name.clone()), Some(*at)));
    }
    let value = yaml_spans::parse_value(yaml).map_err(|e| {
        let at = e
            .location()
            .map(|l| Location::new(l.line(), l.column()).shifted(shift));
        let (opened, hint) = yaml_hint(yaml, &e);
        let error = LoadError::Yaml {
            message: yaml_spans::describe(&e),
            hint,
        };
        (error, opened.map(|l| l.shifted(shift)).or(at))
    })?;
    let mut path = Vec::new();
    if let Some(len) = long_value(&value, &mut path) {
        let at = spans.best(&path);
        return Err((LoadError::ValueTooLong(len), at));
    }
    match value {
        serde_yaml::Value::Mapping(map) => Ok((map, spans)),
        serde_yaml::Value::Null => Ok((Mapping::new(), spans)),
        _ => Err((LoadError::NotMapping, Some(Location::new(first_line, 1)))),
    }
}

/// The length of the first text value longer than [`MAX_VALUE_BYTES`], with its
/// path left in `path`.
fn long_value(value: &serde_yaml::Value, path: &mut Vec<PathSegment>) -> Option<usize> {
    use serde_yaml::Value;
    match value {
        Value::String(s) if s.len() > MAX_VALUE_BYTES => Some(s.len()),
        Value::Sequence(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(PathSegment::Index(i));
            let found = long_value(item, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        Value::Mapping(map) => map.iter().find_map(|(k, v)| {
            // (Keys need no check: YAML itself refuses keys over 1024 characters.)
            let key = k.as_str().unwrap_or("?");
            path.push(PathSegment::Key(key.to_string()));
            let found = long_value(v, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        Value::Tagged(tagged) => long_value(&tagged.value, path),
        _ => None,
    }
}

/// A hint for a YAML syntax error, and for a list, mapping or quote never closed the
/// place where it was opened (serde_yaml notices only at the end of the front matter).
fn yaml_hint(yaml: &str, error: &serde_yaml::Error) -> (Option<Location>, Option<String>) {
    if let Some(at) = error.location() {
        let line = yaml.lines().nth(at.line().saturating_sub(1)).unwrap_or("");
        let upto: String = line.chars().take(at.column()).collect();
        if upto.contains('\t') {
            let hint = "YAML is indented with spaces: replace the tab with spaces";
            return (None, Some(hint.into()));
        }
    }
    // "..., while parsing a flow sequence at line 1 column 8"
    let text = error.to_string();
    let opened = text.split_once(", while ").and_then(|(_, context)| {
        let (what, place) = context.split_once(" at line ")?;
        let (line, column) = place.split_once(" column ")?;
        let at = Location::new(line.trim().parse().ok()?, column.trim().parse().ok()?);
        Some((what.to_string(), at))
    });
    let unclosed = ["did not find expected", "found unexpected end of stream"];
    if !unclosed.iter().any(|u| text.starts_with(u)) {
        return (None, None);
    }
    match opened {
        Some((what, at)) => {
            let hint = match what.as_str() {
                "parsing a flow sequence" => "the list opened here with `[` is not closed with `]`",
                "parsing a flow mapping" => {
                    "the mapping opened here with `{` is not closed with `}`"
                }
                "scanning a quoted scalar" | "parsing a quoted scalar" => {
                    "the text quoted here is not closed with the same quote"
                }
                _ => return (None, None),
            };
            (Some(at), Some(hint.into()))
        }
        None => (None, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_walk_visits_each_folder_in_name_order() {
        let tmp = tempfile::tempdir().unwrap();
        let content = tmp.path().join("content");
        for rel in [
            "a.md",
            "a-b.md",
            "a0.md",
            "ab.md",
            "B.md",
            "_index.md",
            "a/z.md",
            "a/_index.md",
            "a-b/c.md",
            "a.b/c.md",
            "é.md",
            "e.md",
        ] {
            let path = content.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, "---\ntitle: T\n---\n").unwrap();
        }
        let by_name: Vec<PathBuf> = WalkDir::new(&content)
            .sort_by_file_name()
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "md"))
            .collect();
        assert_eq!(walk_content(&content, tmp.path()).paths, by_name);
    }

    /// The byte limit is checked after the sizes are taken in parallel, but stops the
    /// walk at the same file, with the same problems before it, as a walk adding up.
    #[cfg(unix)]
    #[test]
    fn the_byte_limit_stops_where_the_walk_passes_it() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        std::fs::write(
            root.join("site.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .unwrap();
        std::fs::create_dir_all(root.join("themes/default")).unwrap();
        std::fs::create_dir_all(root.join("content")).unwrap();
        std::os::unix::fs::symlink("nowhere", root.join("content/a-link.md")).unwrap();
        for name in ["b.md", "c.md"] {
            // Sparse: the sizes count, and nothing is read past the limit.
            let file = std::fs::File::create(root.join("content").join(name)).unwrap();
            file.set_len(MAX_TOTAL_BYTES / 2 + 1).unwrap();
        }
        std::os::unix::fs::symlink("nowhere", root.join("content/d-link.md")).unwrap();
        let config = crate::config::test_config(root);
        let (files, problems) = load_content(&config);
        assert!(files.is_empty());
        let messages: Vec<String> = problems.iter().map(|d| d.to_string()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("content/a-link.md: error: symbolic links"),
            "{messages:?}"
        );
        assert_eq!(
            messages[1],
            "content: error: `content/` holds more than 256.0 MiB, the most casefile builds in one site"
        );
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let (err, at) = parse_yaml("title: [a\n", 2).unwrap_err();
        assert!(matches!(err, LoadError::Yaml { .. }));
        // Noticed at the end, located where the list was opened.
        assert_eq!(at, Some(Location::new(2, 8)));
        assert_eq!(
            err.hint().as_deref(),
            Some("the list opened here with `[` is not closed with `]`")
        );
        let (_, at) = parse_yaml("a: \"x\\q\"\n", 2).unwrap_err();
        assert_eq!(
            at,
            Some(Location::new(2, 6)),
            "a bad escape stays where it is"
        );
    }

    #[test]
    fn crlf_and_bom_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb".to_string()), "a\nb");
    }

    #[test]
    fn long_values_are_refused_where_they_are() {
        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        let (err, at) = parse_yaml(&format!("title: A\ntags: [a, {long}]\n"), 2).unwrap_err();
        assert_eq!(err, LoadError::ValueTooLong(MAX_VALUE_BYTES + 1));
        assert_eq!(at, Some(Location::new(3, 11)));
        assert_eq!(
            err.to_string(),
            "this value is 65 KiB long; front-matter values are limited to 64 KiB: put long text in the body"
        );
        let (err, _) = parse_yaml(&format!("title: A\n{long}: 1\n"), 2).unwrap_err();
        assert!(
            matches!(err, LoadError::Yaml { .. }),
            "YAML refuses long keys itself"
        );
        let ok = "x".repeat(MAX_VALUE_BYTES);
        assert!(parse_yaml(&format!("title: {ok}\n"), 2).is_ok());
    }

    /// Found by the `front_matter` fuzz target: lone CRs counted as lines by YAML but
    /// not by anything else put an error on line 91 of a 5-line file.
    #[test]
    fn lone_carriage_returns_are_line_ends_everywhere() {
        let bytes = b"\xef\xbb\xbf---\r\ntitle: BOM an\r\r\r\r\rd CRLF\r\n---  \r\nBody\r\n";
        let text = normalise(String::from_utf8(bytes.to_vec()).unwrap());
        assert_eq!(text, "---\ntitle: BOM an\n\n\n\n\nd CRLF\n---  \nBody\n");
        let lines = text.matches('\n').count();
        let parts = split(&text).unwrap();
        let (_, at) = parse_yaml(parts.yaml, parts.yaml_line).unwrap_err();
        let at = at.unwrap();
        assert!(at.line <= lines, "{at:?} in {lines} lines");
        assert_eq!(
            at,
            Location::new(8, 1),
            "where serde_yaml notices the missing `:`"
        );
    }

    #[test]
    fn line_breaks_that_editors_hide_are_refused_where_they_are() {
        let (err, at) = parse_yaml("title: a\u{2028}b\nrole: \u{85}\n", 2).unwrap_err();
        assert_eq!(err, LoadError::HiddenLineBreak('\u{2028}'));
        assert_eq!(at, Some(Location::new(2, 9)));
        assert_eq!(
            err.to_string(),
            "front matter contains U+2028, which YAML reads as a line break: remove it, or write it as `\\u2028` in double quotes"
        );
    }
}
