//! Static files of the theme and the site, with stylesheets and scripts fingerprinted.
//!
//! `style.css` is published as `style.<hash>.css`, where the hash is of its contents, so
//! hosts can cache it forever; `url_for(path="style.css")` returns the fingerprinted URL.
//! Other files keep their names (a favicon or `CNAME` must stay where clients look).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::site_folder::{files_in, FolderKind};
use crate::config::Config;
use crate::diagnostic::{relative_to, Diagnostic, Stage};
use crate::theme::{self, ThemeSource};

/// A static file that cannot be published.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub(super) enum AssetError {
    /// The system refused to read it.
    #[error("cannot read static file: {0}")]
    Unreadable(String),
    /// It has the name of a page the site generates.
    #[error("static file would overwrite the generated page `{0}`")]
    OverGeneratedPage(String),
}

/// Static files ready for output, and the fingerprinted name of each asset.
#[derive(Debug, Default)]
pub(super) struct Assets {
    /// Output path to contents.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Original path (`style.css`) to published path (`style.1a2b3c4d5e.css`).
    pub renamed: HashMap<String, String>,
    /// Published path to the source file (relative to the site root), for messages.
    pub sources: HashMap<String, PathBuf>,
}

impl Assets {
    /// Adds the file published at `path` (fingerprinted if it is an asset).
    fn add(&mut self, path: String, bytes: Vec<u8>, source: PathBuf) {
        let published = if fingerprinted(&path) {
            hashed_name(&path, &bytes)
        } else {
            path.clone()
        };
        if published != path {
            self.renamed.insert(path, published.clone());
        }
        self.sources.insert(published.clone(), source);
        self.files.insert(published, bytes);
    }
}

fn fingerprinted(path: &str) -> bool {
    path.ends_with(".css") || path.ends_with(".js")
}

/// `style.css` + hash -> `style.<first 10 hex digits>.css`.
fn hashed_name(path: &str, bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let hex: String = digest.iter().take(5).map(|b| format!("{b:02x}")).collect();
    match path.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hex}.{ext}"),
        None => format!("{path}.{hex}"),
    }
}

/// Reads the theme's static files (its folder's or the built-in theme's), then the
/// site's over them, fingerprinting assets.
pub(super) fn load_assets(config: &Config) -> (Assets, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    let kind = FolderKind {
        folder: "static",
        files: "static files",
    };
    let mut assets = Assets::default();
    let mut dirs = vec![config.root.join("static")];
    match ThemeSource::of(&config.root, &config.site.theme) {
        Some(ThemeSource::Folder(dir)) => dirs.insert(0, dir.join("static")),
        Some(ThemeSource::Builtin) | None => {
            let site_files: Vec<String> = files_in(&dirs[0], &config.root, kind, &mut Vec::new())
                .into_iter()
                .map(|(name, _)| name)
                .collect();
            for (path, bytes) in theme::builtin_files("static") {
                // The site's file of the same name replaces it below.
                if !site_files.contains(&path) {
                    let source = Path::new(theme::BUILTIN_LABEL).join("static").join(&path);
                    assets.add(path, bytes.to_vec(), source);
                }
            }
        }
    }
    // The site's files replace the theme's of the same name.
    let sources: BTreeMap<String, PathBuf> = dirs
        .iter()
        .flat_map(|dir| files_in(dir, &config.root, kind, &mut problems))
        .collect();
    for (path, source) in sources {
        match std::fs::read(&source) {
            Ok(bytes) => assets.add(path, bytes, relative_to(&source, &config.root)),
            Err(e) => problems.push(Diagnostic::new(
                Stage::Render,
                relative_to(&source, &config.root),
                AssetError::Unreadable(e.to_string()),
            )),
        }
    }
    (assets, problems)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_carry_a_content_hash() {
        let a = hashed_name("css/style.css", b"body{}");
        assert!(
            a.starts_with("css/style.")
                && a.ends_with(".css")
                && a.len() == "css/style..css".len() + 10,
            "{a}"
        );
        assert_ne!(a, hashed_name("css/style.css", b"body{color:red}"));
        assert_eq!(a, hashed_name("css/style.css", b"body{}"));
    }
}
