//! Reads `content/`: finds the files, splits front matter from body, parses the YAML
//! while keeping line and column of every key and value.
//!
//! This stage knows which folder a file is in (home, collection index, entry, page) but
//! not what its fields mean: checking front matter against the schema is the model's
//! job. It reads only `content/`, never writes, and never follows symbolic links.

mod front_matter;

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde_yaml::Mapping;
use thiserror::Error;
use walkdir::WalkDir;

use crate::config::{strip_location, Config};
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Location};
use crate::yaml_spans::SpanIndex;

pub use front_matter::{split, Split, SplitError};

/// Content files larger than this are refused, so hostile input cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

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
    #[error("file is {size} bytes; content files are limited to {limit} bytes")]
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// Not UTF-8.
    #[error("file is not valid UTF-8 text")]
    NotUtf8,
    /// Front matter problems.
    #[error("{0}")]
    Split(#[from] SplitError),
    /// YAML syntax.
    #[error("invalid YAML in front matter: {0}")]
    Yaml(String),
    /// Front matter that is not a mapping.
    #[error("front matter must be a mapping of keys to values")]
    NotMapping,
    /// A repeated key.
    #[error("duplicate key `{0}` in front matter")]
    DuplicateKey(String),
    /// A symbolic link.
    #[error("symbolic links are not followed in `content/`: copy the file instead")]
    Symlink,
    /// A file stem that cannot be a slug.
    #[error("`{0}` is not a valid slug: use lowercase letters, digits and single hyphens")]
    BadSlug(String),
    /// A folder that is not a declared collection.
    #[error("folder `{0}` is not a collection declared in `site.yaml`")]
    UnknownCollection(String),
    /// Too deep.
    #[error("content files go in `content/` or one collection folder below it")]
    TooDeep,
}

/// Reads every Markdown file under `<root>/content`: the files that loaded, and the
/// problems with the others (so the next stage can still check the good ones).
pub fn load_content(config: &Config) -> (Vec<SourceFile>, Diagnostics) {
    let content = config.root.join("content");
    if !content.is_dir() {
        return (
            Vec::new(),
            Diagnostic::content("content", None, LoadError::NoContent).into(),
        );
    }
    let mut diagnostics = Diagnostics::new();
    let mut paths = Vec::new();
    for item in WalkDir::new(&content)
        .follow_links(false)
        .sort_by_file_name()
    {
        let item = match item {
            Ok(item) => item,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| relative(p, &config.root))
                    .unwrap_or_else(|| "content".into());
                diagnostics.push(Diagnostic::content(
                    path,
                    None,
                    LoadError::Unreadable(e.to_string()),
                ));
                continue;
            }
        };
        let name = item.file_name().to_string_lossy();
        if item.depth() > 0 && (name.starts_with('.') || name.ends_with('~')) {
            continue;
        }
        if item.path_is_symlink() {
            diagnostics.push(Diagnostic::content(
                relative(item.path(), &config.root),
                None,
                LoadError::Symlink,
            ));
            continue;
        }
        if item.file_type().is_file() && name.ends_with(".md") {
            paths.push(item.into_path());
        }
    }
    let collections: Vec<&str> = config.collections.iter().map(|c| c.name.as_str()).collect();
    let results: Vec<Result<SourceFile, Diagnostic>> = paths
        .par_iter()
        .map(|path| read_source(path, &content, &config.root, &collections))
        .collect();
    let mut files = Vec::new();
    for result in results {
        match result {
            Ok(file) => files.push(file),
            Err(d) => diagnostics.push(d),
        }
    }
    (files, diagnostics)
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

/// True for `[a-z0-9]+(-[a-z0-9]+)*`.
pub fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

fn checked_slug(stem: &str) -> Result<String, LoadError> {
    if is_slug(stem) {
        Ok(stem.to_string())
    } else {
        Err(LoadError::BadSlug(stem.to_string()))
    }
}

/// `Han Dong.md` -> `han-dong`, for hints.
pub fn suggest_slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn read_source(
    path: &Path,
    content: &Path,
    root: &Path,
    collections: &[&str],
) -> Result<SourceFile, Diagnostic> {
    let rel = relative(path, root);
    let fail = |e: LoadError, at: Option<Location>| Diagnostic::content(rel.clone(), at, e);
    let kind = classify(path, content, collections).map_err(|e| {
        let hint = match &e {
            LoadError::BadSlug(stem) => {
                Some(format!("rename the file to `{}.md`", suggest_slug(stem)))
            }
            LoadError::UnknownCollection(folder) => {
                did_you_mean(folder, collections.iter().copied())
            }
            _ => None,
        };
        fail(e, None).with_hint(hint)
    })?;
    let size = std::fs::metadata(path)
        .map_err(|e| fail(LoadError::Unreadable(e.to_string()), None))?
        .len();
    if size > MAX_FILE_BYTES {
        return Err(fail(
            LoadError::TooLarge {
                size,
                limit: MAX_FILE_BYTES,
            },
            None,
        ));
    }
    let bytes =
        std::fs::read(path).map_err(|e| fail(LoadError::Unreadable(e.to_string()), None))?;
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

/// Drops a byte-order mark and turns CRLF into LF, so both give the same output.
fn normalise(text: String) -> String {
    let text = text
        .strip_prefix('\u{feff}')
        .map(String::from)
        .unwrap_or(text);
    if text.contains('\r') {
        text.replace("\r\n", "\n")
    } else {
        text
    }
}

/// Parses front matter into a mapping plus its span index (lines of the whole file).
pub fn parse_yaml(
    yaml: &str,
    first_line: usize,
) -> Result<(Mapping, SpanIndex), (LoadError, Option<Location>)> {
    if yaml.trim().is_empty() {
        return Ok((Mapping::new(), SpanIndex::default()));
    }
    let value: serde_yaml::Value = serde_yaml::from_str(yaml).map_err(|e| {
        let at = e
            .location()
            .map(|l| Location::new(l.line(), l.column()).shifted(first_line - 1));
        (LoadError::Yaml(strip_location(&e.to_string())), at)
    })?;
    let mut spans = SpanIndex::build(yaml);
    spans.shift(first_line - 1);
    if let Some((name, at)) = spans.duplicate_keys().first() {
        return Err((LoadError::DuplicateKey(name.clone()), Some(*at)));
    }
    match value {
        serde_yaml::Value::Mapping(map) => Ok((map, spans)),
        serde_yaml::Value::Null => Ok((Mapping::new(), spans)),
        _ => Err((LoadError::NotMapping, Some(Location::new(first_line, 1)))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs() {
        assert!(is_slug("han-dong"));
        assert!(is_slug("2019-election"));
        assert!(!is_slug("Han-Dong"));
        assert!(!is_slug("han--dong"));
        assert!(!is_slug("-x"));
        assert!(!is_slug(".."));
        assert_eq!(suggest_slug("Han Dong"), "han-dong");
    }

    #[test]
    fn yaml_errors_point_into_the_file() {
        let (err, at) = parse_yaml("title: [a\n", 2).unwrap_err();
        assert!(matches!(err, LoadError::Yaml(_)));
        assert_eq!(at.unwrap().line, 3);
    }

    #[test]
    fn crlf_and_bom_are_normalised() {
        assert_eq!(normalise("\u{feff}a\r\nb".to_string()), "a\nb");
    }
}
