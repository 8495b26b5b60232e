//! Reads `content/`: finds the files, splits front matter from body, parses the YAML
//! while keeping line and column of every key and value.
//!
//! This stage knows which folder a file is in (home, collection index, entry, page) but
//! not what its fields mean: checking front matter against the schema is the model's
//! job. It reads only `content/`, never writes, and never follows symbolic links.
//!
//! What hostile input can cost is bounded here: [`MAX_FILES`] files and
//! [`MAX_TOTAL_BYTES`] in all, [`MAX_FILE_BYTES`] per file, and the limits of the YAML
//! reader ([`crate::yaml`]: value length, nesting depth, number of values, alias
//! expansion). Each is a located error, never a crash.

mod cache;
mod front_matter;

use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_yaml::Mapping;
use thiserror::Error;
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{did_you_mean, Diagnostic, Diagnostics, Place, Stage};
use crate::routes::slug::{is_slug, odd_character, suggest_slug};
use crate::text_file::{self, FileError};
use crate::yaml::{self, Document, Origin, SpanIndex, YamlError};

pub(crate) use cache::FileCache;
pub(crate) use front_matter::{split, SplitError};

/// Content files larger than this are refused, so hostile input cannot exhaust memory.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// At most this many Markdown files in `content/`.
pub const MAX_FILES: usize = 100_000;

/// At most this many bytes of Markdown in `content/`, all files together.
pub const MAX_TOTAL_BYTES: u64 = 256 * 1024 * 1024;

/// Where a content file sits in the site.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum SourceKind {
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
pub(crate) struct SourceFile {
    /// Path relative to the site root, e.g. `content/people/han-dong.md`.
    pub path: PathBuf,
    /// What the file is.
    pub kind: SourceKind,
    /// The language of a translation (`han-dong.fr.md`: `fr`); `None` for a file in the
    /// site's own language.
    pub language: Option<String>,
    /// The front matter (empty when there was none).
    pub front: Mapping,
    /// Positions of the front matter's keys and values, as lines of the whole file.
    pub(crate) spans: SpanIndex,
    /// Whether the file had front matter.
    pub has_front_matter: bool,
    /// The Markdown body.
    pub body: String,
    /// The 1-based line on which the body starts.
    pub body_line: usize,
    /// The byte of the file's text at which the body starts.
    pub body_offset: usize,
}

/// Problems reading content.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum LoadError {
    /// No `content/` folder.
    #[error("no `content/` folder in the site")]
    NoContent,
    /// The file could not be read.
    #[error("cannot read file: {0}")]
    Unreadable(String),
    /// A named pipe, a socket or a device where a content file should be.
    #[error("this is {0}, not a file: content files must be regular files")]
    NotAFile(&'static str),
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
    /// Front matter that is not valid YAML, or passes a limit of the YAML reader.
    #[error(transparent)]
    Yaml(YamlError),
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
    /// A control character in the body (other than tab and line feed).
    #[error("the text contains the control character U+{:04X}{}, which no page can show", *.0 as u32, yaml::control_name(*.0).map(|n| format!(" ({n})")).unwrap_or_default())]
    ControlCharacter(char),
    /// A Markdown file under another extension (`.MD`, `.markdown`), which is not read.
    #[error("`{}` is not read: content files end in `.md`", shown(.0))]
    NotDotMd(String),
    /// A file that is neither Markdown nor published (a warning).
    #[error("casefile does not read this file: it is not Markdown, and no page uses it")]
    NotRead,
}

impl LoadError {
    /// A suggestion for the editor, where one helps.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            LoadError::Yaml(error) => error.hint(),
            LoadError::NotUtf8 => Some("save the file as UTF-8".into()),
            _ => None,
        }
    }
}

fn diagnostic(path: impl Into<PathBuf>, error: LoadError) -> Diagnostic {
    Diagnostic::new(Stage::Load, path, error)
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

/// `8388608` -> `8.0 MiB`.
fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

/// Reads every Markdown file under `<root>/content`: the files that loaded, in the walk's
/// order, and the problems with the others (so the next stage can still check the good
/// ones). A file `cache` holds unchanged since it was read is taken from it, not read
/// again; an empty cache (as `build` and `check` pass) reads every file.
pub(crate) fn load_content(
    config: &Config,
    cache: &mut FileCache,
) -> (Vec<Arc<SourceFile>>, Diagnostics) {
    let loaded = load_files(config, cache);
    cache.update(&loaded.read, &loaded.files);
    (loaded.files, loaded.diagnostics)
}

/// What a walk of `content/` found.
#[derive(Debug, Default)]
struct Loaded {
    /// The files that loaded, in the walk's order.
    files: Vec<Arc<SourceFile>>,
    /// The files among them that were read rather than taken from the cache: their full
    /// path, and their metadata from before the read.
    read: Vec<(PathBuf, Metadata, Arc<SourceFile>)>,
    /// The problems with the others.
    diagnostics: Diagnostics,
}

fn load_files(config: &Config, cache: &FileCache) -> Loaded {
    let content = config.root.join("content");
    if !content.is_dir() {
        return Loaded {
            diagnostics: diagnostic("content", LoadError::NoContent).into(),
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
        diagnostics.push(diagnostic("content", LoadError::TooMuchContent(limit)));
        return Loaded {
            diagnostics,
            ..Loaded::default()
        };
    }
    let collections: Vec<&str> = config.collections.iter().map(|c| c.name.as_str()).collect();
    let languages: Vec<&str> = config
        .site
        .languages
        .iter()
        .skip(1)
        .map(String::as_str)
        .collect();
    // Each file as loaded (or its problems), and whether it was read rather than reused.
    let results: Vec<(Loading, bool)> = walk
        .paths
        .par_iter()
        .zip(&metadata)
        .map(|(path, metadata)| {
            if let Some(file) = metadata.as_ref().and_then(|m| cache.get(path, m)) {
                return (Ok(file), false);
            }
            let read =
                read_source(path, &content, &config.root, &collections, &languages).map(Arc::new);
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
            Err(problems) => loaded.diagnostics.extend(problems),
        }
    }
    loaded
}

/// One file read, or the problems that kept it from loading.
type Loading = Result<Arc<SourceFile>, Vec<Diagnostic>>;

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
                let problem = diagnostic(path, LoadError::Unreadable(e.to_string()));
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
            let problem = diagnostic(relative(item.path(), root), error).with_hint(hint);
            walk.diagnostics.push((found, problem));
            continue;
        }
        let kind = item.file_type();
        if kind.is_dir() {
            continue;
        }
        if !kind.is_file() {
            // A named pipe would hang the build and a device never ends; skipping one in
            // silence would drop a page (a FIFO `_index.md` is the home page's text).
            let what = item
                .metadata()
                .ok()
                .and_then(|m| crate::text_file::kind_of(&m))
                .unwrap_or("not a regular file");
            let problem = diagnostic(relative(item.path(), root), LoadError::NotAFile(what))
                .with_hint(Some("replace it with a regular file, or remove it".into()));
            walk.diagnostics.push((found, problem));
            continue;
        }
        if name.ends_with(".md") {
            if found >= MAX_FILES {
                walk.over_files = true;
                break;
            }
            walk.paths.push(item.into_path());
        } else if let Some(stem) = markdown_stem(&name) {
            let hint = if item.path().with_file_name(format!("{stem}.md")).exists() {
                format!("`{stem}.md` is already in this folder: merge the two files, or remove this one")
            } else {
                format!("did you mean `{stem}.md`? rename the file to be published")
            };
            let problem = diagnostic(
                relative(item.path(), root),
                LoadError::NotDotMd(name.into_owned()),
            )
            .with_hint(Some(hint));
            walk.diagnostics.push((found, problem));
        } else {
            // A warning only: the run drops it for a file the site publishes (see
            // `lib::run`), and a notes file left beside the entries breaks nothing.
            let problem = diagnostic(relative(item.path(), root), LoadError::NotRead)
                .warning()
                .with_hint(Some(
                    "files for the site to publish as they are go in static/; remove this one, or name it with a leading `.` to keep it unread".into(),
                ));
            walk.diagnostics.push((found, problem));
        }
    }
    walk
}

/// The stem of a file named like Markdown but not read as it (`a.MD`, `a.markdown`,
/// `a.mdown`, `a.mkd`): an editor meant it to be published.
fn markdown_stem(name: &str) -> Option<&str> {
    let (stem, extension) = name.rsplit_once('.')?;
    let extension = extension.to_ascii_lowercase();
    let markdown = ["md", "markdown", "mdown", "mkd", "mkdn", "mdwn"];
    (!stem.is_empty() && markdown.contains(&extension.as_str())).then_some(stem)
}

/// Where a symbolic link leads, when that makes it worse than a copy: a loop, a file
/// outside the site, or nothing at all.
pub(crate) fn symlink_hint(link: &Path, root: &Path) -> Option<String> {
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

/// What a file is, and the language of a translation: `han-dong.fr.md` is the entry
/// `han-dong` in `fr` when `fr` is one of the site's other `languages`.
fn classify(
    path: &Path,
    content: &Path,
    collections: &[&str],
    languages: &[&str],
) -> Result<(SourceKind, Option<String>), LoadError> {
    let rel = path.strip_prefix(content).unwrap_or(path);
    let mut parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().into_owned())
        .collect();
    let mut language = None;
    if let Some(file) = parts.last_mut() {
        let stem = file.trim_end_matches(".md");
        if let Some((original, suffix)) = stem.rsplit_once('.') {
            if languages.contains(&suffix) {
                language = Some(suffix.to_string());
                *file = format!("{original}.md");
            }
        }
    }
    classify_original(&parts, collections).map(|kind| (kind, language))
}

fn classify_original(parts: &[String], collections: &[&str]) -> Result<SourceKind, LoadError> {
    let stem = |file: &str| file.trim_end_matches(".md").to_string();
    match parts {
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
    languages: &[&str],
) -> Result<SourceFile, Vec<Diagnostic>> {
    let rel = relative(path, root);
    let fail = |e: LoadError, at: Option<Place>| {
        let hint = e.hint();
        vec![diagnostic(rel.clone(), e).at(at).with_hint(hint)]
    };
    let (kind, language) = classify(path, content, collections, languages).map_err(|e| {
        let hint = match &e {
            LoadError::BadSlug(stem) => slug_hint(stem, path),
            LoadError::UnknownCollection(folder) => {
                did_you_mean(folder, collections.iter().copied())
            }
            _ => None,
        };
        vec![diagnostic(rel.clone(), e).with_hint(hint)]
    })?;
    let text = text_file::read_text(path, MAX_FILE_BYTES).map_err(|e| match e {
        FileError::Unreadable(message) => fail(LoadError::Unreadable(message), None),
        FileError::NotAFile(what) => fail(LoadError::NotAFile(what), None),
        FileError::TooLarge { size, limit } => fail(LoadError::TooLarge { size, limit }, None),
        FileError::NotUtf8(at) => fail(LoadError::NotUtf8, Some(Place::at(at))),
    })?;
    if text.trim().is_empty() && !matches!(kind, SourceKind::CollectionIndex { .. }) {
        return Err(fail(LoadError::Empty, Some(Place::start())));
    }
    let parts = split(&text).map_err(|e| fail(e.into(), Some(Place::start())))?;
    let origin = Origin {
        line: parts.yaml_line,
        byte: offset_in(&text, parts.yaml),
    };
    let body_offset = offset_in(&text, parts.body);
    let body_problems: Vec<Diagnostic> = yaml::control_characters(parts.body)
        .take(10)
        .map(|(offset, c)| {
            let at = body_offset + offset;
            let place = Place::of_span(&text, crate::diagnostic::Span::new(at, at + c.len_utf8()));
            diagnostic(rel.clone(), LoadError::ControlCharacter(c))
                .at(Some(place))
                .with_hint(Some(
                    "remove it; a tab or a line break is the only control character text may hold"
                        .into(),
                ))
        })
        .collect();
    let yaml = yaml::parse(parts.yaml, origin, Document::FrontMatter).map_err(|problems| {
        problems
            .into_iter()
            .map(|(error, place)| {
                let error = LoadError::Yaml(error);
                let hint = error.hint();
                diagnostic(rel.clone(), error).at(place).with_hint(hint)
            })
            .chain(body_problems.iter().cloned())
            .collect::<Vec<_>>()
    })?;
    if !body_problems.is_empty() {
        return Err(body_problems);
    }
    Ok(SourceFile {
        path: rel.clone(),
        kind,
        language,
        front: yaml.root,
        spans: yaml.spans,
        has_front_matter: parts.has_front_matter,
        body: parts.body.to_string(),
        body_line: parts.body_line,
        body_offset,
    })
}

/// Where `part`, a slice of `text`, starts in it.
fn offset_in(text: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(text.as_ptr() as usize)
}

/// What to tell the editor about a file name that is not a slug.
fn slug_hint(stem: &str, path: &Path) -> Option<String> {
    if let Some(note) = crate::routes::slug::device_name_note(stem) {
        return Some(note);
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Location;

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
        let (files, problems) = load_content(&config, &mut FileCache::default());
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
    fn long_keys_are_refused_by_yaml_itself() {
        let long = "x".repeat(yaml::MAX_VALUE_BYTES + 1);
        let (err, _) = yaml::parse(
            &format!("title: A\n{long}: 1\n"),
            Origin::file(),
            Document::FrontMatter,
        )
        .unwrap_err()
        .remove(0);
        assert!(
            err.to_string().starts_with("invalid YAML in front matter"),
            "{err}"
        );
    }

    /// Found by the `front_matter` fuzz target: lone CRs counted as lines by YAML but
    /// not by anything else put an error on line 91 of a 5-line file.
    #[test]
    fn lone_carriage_returns_are_line_ends_everywhere() {
        let bytes = b"\xef\xbb\xbf---\r\ntitle: BOM an\r\r\r\r\rd CRLF\r\n---  \r\nBody\r\n";
        let text = text_file::normalise(String::from_utf8(bytes.to_vec()).unwrap());
        assert_eq!(text, "---\ntitle: BOM an\n\n\n\n\nd CRLF\n---  \nBody\n");
        let lines = text.matches('\n').count();
        let parts = split(&text).unwrap();
        let origin = Origin {
            line: parts.yaml_line,
            byte: 4,
        };
        let (_, at) = yaml::parse(parts.yaml, origin, Document::FrontMatter)
            .unwrap_err()
            .remove(0);
        let at = at.unwrap().location;
        assert!(at.line <= lines, "{at:?} in {lines} lines");
        assert_eq!(
            at,
            Location::new(8, 1),
            "where serde_yaml notices the missing `:`"
        );
    }
}
