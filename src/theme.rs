//! The built-in theme: `themes/default` of this repository, compiled into the binary.
//!
//! A site whose `themes/<theme>/` folder exists uses that folder; a site with
//! `theme: default` (or no `theme:`) and no such folder uses the copy compiled in here,
//! so a new site needs no theme files at all. `casefile theme copy` writes this copy out
//! for a newsroom that wants to restyle it. This module only lists and copies files: it
//! does not render, and it never overwrites anything on disk.

use std::path::{Path, PathBuf};

use include_dir::{include_dir, Dir, DirEntry};
use thiserror::Error;

/// The theme compiled into the binary. Its source is `themes/default/` in the repository,
/// the one copy of it: the bundled explainer builds from that folder, and every other
/// site from these bytes, which are the same.
static BUILTIN: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/themes/default");

/// The name of the built-in theme.
pub(crate) const BUILTIN_NAME: &str = "default";

/// Where diagnostics say a built-in file lives: no such folder exists on disk.
pub(crate) const BUILTIN_LABEL: &str = "<built-in theme>";

/// Where a site's theme comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ThemeSource {
    /// `themes/<name>/` in the site folder.
    Folder(PathBuf),
    /// The theme compiled into the binary.
    Builtin,
}

impl ThemeSource {
    /// The site's theme: its folder when there is one, the built-in theme for `default`
    /// without one, and `None` for any other name without a folder.
    pub(crate) fn of(root: &Path, name: &str) -> Option<ThemeSource> {
        let dir = root.join("themes").join(name);
        if dir.is_dir() {
            Some(ThemeSource::Folder(dir))
        } else if name == BUILTIN_NAME {
            Some(ThemeSource::Builtin)
        } else {
            None
        }
    }
}

/// Every built-in file under `part` (`templates`, `static`, `fonts` or `strings`) as (`/`-separated name
/// inside it, contents), in name order.
pub(crate) fn builtin_files(part: &str) -> Vec<(String, &'static [u8])> {
    let mut out = Vec::new();
    if let Some(dir) = BUILTIN.get_dir(part) {
        collect(dir, Path::new(part), &mut out);
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn collect(dir: &'static Dir<'static>, prefix: &Path, out: &mut Vec<(String, &'static [u8])>) {
    for entry in dir.entries() {
        match entry {
            DirEntry::Dir(d) => collect(d, prefix, out),
            DirEntry::File(f) => {
                let name = f
                    .path()
                    .strip_prefix(prefix)
                    .unwrap_or(f.path())
                    .iter()
                    .map(|p| p.to_string_lossy().into_owned())
                    .collect::<Vec<_>>()
                    .join("/");
                if !name.split('/').any(|p| p.starts_with('.')) {
                    out.push((name, f.contents()));
                }
            }
        }
    }
}

/// Why `casefile theme copy` wrote nothing.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ThemeCopyError {
    /// The name is not a plain folder name.
    #[error("`{0}` is not a theme name: use letters, digits, `-` and `_`")]
    BadName(String),
    /// The folder exists.
    #[error("`{0}` already exists; remove it or pick another name")]
    Exists(String),
    /// Writing failed.
    #[error("cannot write `{path}`: {message}")]
    Io {
        /// The file or folder.
        path: String,
        /// The error.
        message: String,
    },
}

/// Writes the built-in theme to `<root>/themes/<name>/`, refusing a folder that exists.
/// Returns the folder written (relative to `root`) and how many files it holds.
pub fn copy_builtin_theme(root: &Path, name: &str) -> Result<(PathBuf, usize), ThemeCopyError> {
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !plain {
        return Err(ThemeCopyError::BadName(name.to_string()));
    }
    let rel = Path::new("themes").join(name);
    let dest = root.join(&rel);
    if dest.symlink_metadata().is_ok() {
        return Err(ThemeCopyError::Exists(rel.display().to_string()));
    }
    let io = |path: &Path, e: std::io::Error| ThemeCopyError::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(root.join("themes")).map_err(|e| io(&root.join("themes"), e))?;
    // Written beside the destination and renamed into place, so a failed copy leaves no
    // half theme that the next build would pick up.
    let staging = tempfile::Builder::new()
        .prefix(".theme-copy-")
        .tempdir_in(root.join("themes"))
        .map_err(|e| io(&root.join("themes"), e))?;
    let mut count = 0;
    for part in ["templates", "static", "fonts", "strings"] {
        for (file, bytes) in builtin_files(part) {
            let path = staging.path().join(part).join(&file);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(|e| io(parent, e))?;
            }
            std::fs::write(&path, bytes).map_err(|e| io(&rel.join(part).join(&file), e))?;
            count += 1;
        }
    }
    let staged = staging.keep();
    std::fs::rename(&staged, &dest).map_err(|e| {
        let _ = std::fs::remove_dir_all(&staged);
        io(&rel, e)
    })?;
    Ok((rel, count))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_theme_is_the_repository_folder() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default");
        for part in ["templates", "static", "strings"] {
            let files = builtin_files(part);
            assert!(!files.is_empty());
            for (name, bytes) in files {
                let on_disk = std::fs::read(root.join(part).join(&name)).unwrap();
                assert_eq!(on_disk, bytes, "{part}/{name}");
            }
        }
        assert!(builtin_files("templates")
            .iter()
            .any(|(n, _)| n == "allegations/entry.html"));
    }

    #[test]
    fn source_prefers_a_folder() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(
            ThemeSource::of(tmp.path(), "default"),
            Some(ThemeSource::Builtin)
        );
        assert_eq!(ThemeSource::of(tmp.path(), "other"), None);
        std::fs::create_dir_all(tmp.path().join("themes/default")).unwrap();
        assert!(matches!(
            ThemeSource::of(tmp.path(), "default"),
            Some(ThemeSource::Folder(_))
        ));
    }
}
