//! The files of a theme's or site's `static/` or `templates/` folder.
//!
//! Walks one folder in name order, skips dotfiles, and never follows a symbolic link: a
//! link is a located problem saying where it points, since following it could publish
//! or render any file the build can read. It only lists files; reading them is the
//! caller's job.

use std::path::{Path, PathBuf};

use thiserror::Error;
use walkdir::WalkDir;

use crate::diagnostic::{relative_to, Diagnostic, Stage};

/// Which folder is walked, in the words its problems use.
#[derive(Debug, Clone, Copy)]
pub(super) struct FolderKind {
    /// The folder, as in "the static folder".
    pub folder: &'static str,
    /// Its files, as in "in static files".
    pub files: &'static str,
}

/// Symbolic links in a walked folder.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub(super) enum LinkError {
    /// The folder itself is a link.
    #[error("the {0} folder is a symbolic link, and casefile does not follow symbolic links: make it a folder")]
    Folder(&'static str),
    /// A file or folder inside it is a link.
    #[error("symbolic links are not followed in {0}: copy the file instead")]
    Inside(&'static str),
}

/// Every file below `dir` as (`/`-separated name inside `dir`, path), in name order;
/// nothing when `dir` does not exist. Symbolic links go to `problems`, located relative
/// to `root`.
pub(super) fn files_in(
    dir: &Path,
    root: &Path,
    kind: FolderKind,
    problems: &mut Vec<Diagnostic>,
) -> Vec<(String, PathBuf)> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return files;
    }
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name();
    for item in walk.into_iter().flatten() {
        let parts: Vec<String> = item
            .path()
            .strip_prefix(dir)
            .unwrap_or(item.path())
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if parts.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        if item.path_is_symlink() {
            let error = match item.depth() {
                0 => LinkError::Folder(kind.folder),
                _ => LinkError::Inside(kind.files),
            };
            problems.push(
                Diagnostic::new(Stage::Render, relative_to(item.path(), root), error)
                    .with_hint(crate::load::symlink_hint(item.path(), root)),
            );
            continue;
        }
        if item.file_type().is_file() {
            files.push((parts.join("/"), item.into_path()));
        }
    }
    files
}
