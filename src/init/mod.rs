//! `casefile init [DIR]`: a new site folder that builds at once.
//!
//! The starter site lives in `src/init/starter/` (the `--bare` one in `src/init/bare/`)
//! and is compiled in, so the binary needs nothing from this repository; the GitHub Pages
//! workflow is `docs/github-pages.yml`, the one copy the README also points to. This
//! module only writes those files: it never overwrites one, refuses a folder that
//! already holds a site, and removes what it wrote if writing fails half way.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use thiserror::Error;

/// A file of a starter site: where it goes (`/`-separated, relative to the site folder)
/// and its text.
type StarterFile = (&'static str, &'static str);

/// The full starter: three collections that refer to each other, an editorial rule,
/// entries that link, an about page, `.gitignore` and the GitHub Pages workflow.
const STARTER: &[StarterFile] = &[
    ("site.yaml", include_str!("starter/site.yaml")),
    (
        "content/_index.md",
        include_str!("starter/content/_index.md"),
    ),
    ("content/about.md", include_str!("starter/content/about.md")),
    (
        "content/people/alex-moreau.md",
        include_str!("starter/content/people/alex-moreau.md"),
    ),
    (
        "content/people/jordan-lee.md",
        include_str!("starter/content/people/jordan-lee.md"),
    ),
    (
        "content/organisations/harbour-works.md",
        include_str!("starter/content/organisations/harbour-works.md"),
    ),
    (
        "content/organisations/city-ledger.md",
        include_str!("starter/content/organisations/city-ledger.md"),
    ),
    (
        "content/claims/contract-claim.md",
        include_str!("starter/content/claims/contract-claim.md"),
    ),
    (GITIGNORE, include_str!("starter/gitignore")),
    (
        ".github/workflows/pages.yml",
        include_str!("../../docs/github-pages.yml"),
    ),
];

/// `--bare`: the settings and a home page, nothing else.
const BARE: &[StarterFile] = &[
    ("site.yaml", include_str!("bare/site.yaml")),
    ("content/_index.md", include_str!("bare/_index.md")),
];

const GITIGNORE: &str = ".gitignore";

/// Why `casefile init` wrote nothing. Every case is a usage error (exit code 2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum InitError {
    /// The folder already holds a site or content.
    #[error("`{0}` already exists; `casefile init` starts a new site and changes nothing here")]
    AlreadyASite(String),
    /// A file the starter would write exists.
    #[error("`{0}` already exists; `casefile init` never overwrites a file")]
    Exists(String),
    /// The folder is a file.
    #[error("`{0}` is not a folder")]
    NotAFolder(String),
    /// Writing failed (what was written is removed again).
    #[error("cannot write `{path}`: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        message: String,
    },
}

impl InitError {
    /// A suggestion for the editor.
    pub fn hint(&self) -> Option<&'static str> {
        match self {
            InitError::AlreadyASite(_) => Some(
                "run it with a new folder's name (`casefile init my-site`) or in an empty folder",
            ),
            InitError::Exists(_) => Some("move the file away, or use `--bare`"),
            _ => None,
        }
    }
}

/// What [`init_site`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Initialised {
    /// The files written, relative to the site folder, in the order written.
    pub written: Vec<PathBuf>,
    /// Whether an existing `.gitignore` got a `/public/` line (as `cargo init` adds
    /// `/target` to one) rather than being written.
    pub gitignore_appended: bool,
}

/// Writes a starter site into `dir` (created if missing): the full one, or with `bare`
/// only `site.yaml` and `content/_index.md`. Refuses a folder holding `site.yaml` or
/// `content`, or any file the starter would write, before writing anything.
pub fn init_site(dir: &Path, bare: bool) -> Result<Initialised, InitError> {
    let files = if bare { BARE } else { STARTER };
    let shown = |rel: &str| dir.join(rel).display().to_string();
    if dir.exists() && !dir.is_dir() {
        return Err(InitError::NotAFolder(dir.display().to_string()));
    }
    for taken in ["site.yaml", "content"] {
        if dir.join(taken).symlink_metadata().is_ok() {
            return Err(InitError::AlreadyASite(shown(taken)));
        }
    }
    let mut gitignore_appended = false;
    for (rel, _) in files {
        if dir.join(rel).symlink_metadata().is_ok() {
            if *rel == GITIGNORE && dir.join(rel).is_file() {
                gitignore_appended = true;
            } else {
                return Err(InitError::Exists(shown(rel)));
            }
        }
    }
    let mut written = Written::new(dir);
    for (rel, text) in files {
        let result = if *rel == GITIGNORE && gitignore_appended {
            append_ignore(&dir.join(rel), text)
        } else {
            written.file(rel, text)
        };
        if let Err(e) = result {
            let error = InitError::Io {
                path: shown(rel),
                message: e.to_string(),
            };
            written.undo();
            return Err(error);
        }
    }
    Ok(Initialised {
        written: written.files,
        gitignore_appended,
    })
}

/// Adds the starter's ignore lines to an existing `.gitignore` unless it has them.
fn append_ignore(path: &Path, starter: &str) -> std::io::Result<()> {
    let existing = std::fs::read_to_string(path)?;
    let has = |line: &str| existing.lines().any(|l| l.trim() == line);
    let missing: Vec<&str> = starter
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter(|l| !has(l) && !has(l.trim_start_matches('/')))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let mut file = std::fs::OpenOptions::new().append(true).open(path)?;
    let sep = if existing.is_empty() || existing.ends_with('\n') {
        ""
    } else {
        "\n"
    };
    writeln!(file, "{sep}{}", missing.join("\n"))
}

/// The files and folders written so far, to remove them all if a later one fails.
struct Written<'a> {
    dir: &'a Path,
    files: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl<'a> Written<'a> {
    fn new(dir: &'a Path) -> Self {
        Written {
            dir,
            files: Vec::new(),
            folders: Vec::new(),
        }
    }

    fn file(&mut self, rel: &str, text: &str) -> std::io::Result<()> {
        let path = self.dir.join(rel);
        // The site folder itself may be new too; `""` is the current folder.
        let mut missing: Vec<PathBuf> = path
            .ancestors()
            .skip(1)
            .take_while(|a| !a.as_os_str().is_empty() && !a.exists())
            .map(Path::to_path_buf)
            .collect();
        missing.reverse();
        for folder in missing {
            std::fs::create_dir(&folder)?;
            self.folders.push(folder);
        }
        // `create_new`: a file that appeared since the check is not overwritten.
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)?;
        self.files.push(PathBuf::from(rel));
        file.write_all(text.as_bytes())
    }

    fn undo(self) {
        for rel in &self.files {
            let _ = std::fs::remove_file(self.dir.join(rel));
        }
        for folder in self.folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_starter_file_is_listed_once() {
        for files in [STARTER, BARE] {
            let mut names: Vec<&str> = files.iter().map(|(n, _)| *n).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), files.len());
        }
        // The listed files are the folder's files, so none is left out.
        let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/init/starter");
        let on_disk = walkdir::WalkDir::new(&folder)
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .count();
        let listed = STARTER
            .iter()
            .filter(|(n, _)| !n.starts_with(".github"))
            .count();
        assert_eq!(on_disk, listed);
    }

    #[test]
    fn an_existing_gitignore_gets_only_the_missing_line() {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(".gitignore");
        std::fs::write(&path, "/target").unwrap();
        append_ignore(&path, "# built\n/public/\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "/target\n/public/\n"
        );
        append_ignore(&path, "# built\n/public/\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&path).unwrap(),
            "/target\n/public/\n"
        );
        std::fs::write(&path, "public/\n").unwrap();
        append_ignore(&path, "/public/\n").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "public/\n");
    }

    #[test]
    fn a_failed_write_removes_what_was_written() {
        let tmp = tempfile::tempdir().unwrap();
        let site = tmp.path().join("new/site");
        let mut written = Written::new(&site);
        written.file("content/a/b.md", "x").unwrap();
        assert!(site.join("content/a/b.md").is_file());
        assert!(written.file("content/a/b.md", "y").is_err());
        written.undo();
        assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
    }
}
