//! Static files of the theme and the site, with stylesheets and scripts fingerprinted.
//!
//! `style.css` is published as `style.<hash>.css`, where the hash is of its contents, so
//! hosts can cache it forever; `url_for(path="style.css")` returns the fingerprinted URL.
//! Other files keep their names (a favicon or `CNAME` must stay where clients look).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use crate::config::Config;
use crate::diagnostic::{relative_to, Diagnostic};

/// Static files ready for output, and the fingerprinted name of each asset.
#[derive(Debug, Default)]
pub struct Assets {
    /// Output path to contents.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Original path (`style.css`) to published path (`style.1a2b3c4d5e.css`).
    pub renamed: HashMap<String, String>,
    /// Published path to the source file (relative to the site root), for messages.
    pub sources: HashMap<String, PathBuf>,
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

/// Reads the theme's static files, then the site's over them, fingerprinting assets.
pub fn load_assets(config: &Config) -> (Assets, Vec<Diagnostic>) {
    let mut sources: BTreeMap<String, PathBuf> = BTreeMap::new();
    let mut problems = Vec::new();
    let theme_static = config
        .root
        .join("themes")
        .join(&config.site.theme)
        .join("static");
    collect(&theme_static, &config.root, &mut sources, &mut problems);
    collect(
        &config.root.join("static"),
        &config.root,
        &mut sources,
        &mut problems,
    );
    let mut assets = Assets::default();
    for (path, source) in sources {
        match std::fs::read(&source) {
            Ok(bytes) => {
                let published = if fingerprinted(&path) {
                    hashed_name(&path, &bytes)
                } else {
                    path.clone()
                };
                if published != path {
                    assets.renamed.insert(path, published.clone());
                }
                assets
                    .sources
                    .insert(published.clone(), relative_to(&source, &config.root));
                assets.files.insert(published, bytes);
            }
            Err(e) => problems.push(Diagnostic::content(
                relative_to(&source, &config.root),
                None,
                format!("cannot read static file: {e}"),
            )),
        }
    }
    (assets, problems)
}

fn collect(
    dir: &Path,
    root: &Path,
    into: &mut BTreeMap<String, PathBuf>,
    problems: &mut Vec<Diagnostic>,
) {
    if !dir.is_dir() {
        return;
    }
    let walk = WalkDir::new(dir)
        .follow_links(false)
        .follow_root_links(false)
        .sort_by_file_name();
    for item in walk {
        let Ok(item) = item else { continue };
        let rel: Vec<String> = item
            .path()
            .strip_prefix(dir)
            .unwrap_or(item.path())
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        if rel.iter().any(|p| p.starts_with('.')) {
            continue;
        }
        if item.path_is_symlink() {
            // Following it could publish any file the build can read (`/etc/passwd`).
            let message = match item.depth() {
                0 => "the static folder is a symbolic link, and casefile does not follow symbolic links: make it a folder",
                _ => "symbolic links are not followed in static files: copy the file instead",
            };
            problems.push(
                Diagnostic::content(relative_to(item.path(), root), None, message)
                    .with_hint(crate::load::symlink_hint(item.path(), root)),
            );
            continue;
        }
        if !item.file_type().is_file() {
            continue;
        }
        into.insert(rel.join("/"), item.into_path());
    }
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
