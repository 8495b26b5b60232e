//! The whole pipeline on a small site made from the input: `load_config`, then
//! `render_in_memory` and the output check (what `casefile check` runs), in a temporary
//! folder. Nothing may panic, every diagnostic must be printable with a file, and with
//! raw HTML off (and no templates or static files from the input, which are the site
//! author's own HTML) the pages must hold no markup a payload could make.
//!
//! The input is a list of files, each introduced by a line `=== <path>`:
//!
//! ```text
//! === content/people/han-dong.md
//! ---
//! title: Han Dong
//! ---
//! Body.
//! === site.yaml
//! ...
//! ```
//!
//! The base site of `tests/adversarial/base` is written first; the input's files replace
//! or add to it. Paths must stay inside `content/`, `templates/` or `static/` (or be
//! `site.yaml`); others are ignored.

#![no_main]

use std::fs;
use std::path::{Component, Path, PathBuf};
use std::sync::OnceLock;

use casefile::BuildOptions;
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/adversarial/html.rs"]
mod html;

const BASE: &[(&str, &str)] = &[
    (
        "site.yaml",
        include_str!("../../tests/adversarial/base/site.yaml"),
    ),
    (
        "content/_index.md",
        include_str!("../../tests/adversarial/base/content/_index.md"),
    ),
    (
        "content/about.md",
        include_str!("../../tests/adversarial/base/content/about.md"),
    ),
    (
        "content/people/han-dong.md",
        include_str!("../../tests/adversarial/base/content/people/han-dong.md"),
    ),
    (
        "content/orgs/parliament.md",
        include_str!("../../tests/adversarial/base/content/orgs/parliament.md"),
    ),
    (
        "themes/min/templates/index.html",
        include_str!("../../tests/adversarial/base/themes/min/templates/index.html"),
    ),
    (
        "themes/min/templates/collection.html",
        include_str!("../../tests/adversarial/base/themes/min/templates/collection.html"),
    ),
    (
        "themes/min/templates/entry.html",
        include_str!("../../tests/adversarial/base/themes/min/templates/entry.html"),
    ),
    (
        "themes/min/templates/page.html",
        include_str!("../../tests/adversarial/base/themes/min/templates/page.html"),
    ),
    (
        "themes/min/templates/timeline.html",
        include_str!("../../tests/adversarial/base/themes/min/templates/timeline.html"),
    ),
];

fn workdir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| tempfile::tempdir().expect("temporary folder"))
        .path()
}

/// A path the input may write: plain, relative, at most four deep, in an allowed place.
fn allowed(path: &str) -> Option<PathBuf> {
    let p = Path::new(path);
    let plain = p.components().all(|c| matches!(c, Component::Normal(_)));
    let depth = p.components().count();
    let first = p.components().next()?.as_os_str().to_str()?;
    let ok = plain
        && depth <= 4
        && !path.contains('\0')
        && (path == "site.yaml" || matches!(first, "content" | "templates" | "static"));
    ok.then(|| p.to_path_buf())
}

/// The input's files: text before the first `=== ` line is the home page.
fn files(input: &str) -> Vec<(PathBuf, &str)> {
    let mut out = Vec::new();
    let mut current = Some(PathBuf::from("content/_index.md"));
    let mut body_start = 0;
    let mut offset = 0;
    for line in input.split_inclusive('\n') {
        if let Some(header) = line.strip_prefix("=== ") {
            // With no text before the first file, the base site's home page stays.
            if let Some(path) = current.take().filter(|_| offset > 0) {
                out.push((path, &input[body_start..offset]));
            }
            current = allowed(header.trim_end());
            body_start = offset + line.len();
        }
        offset += line.len();
    }
    if let Some(path) = current {
        out.push((path, &input[body_start..]));
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let root = workdir().join("site");
    let _ = fs::remove_dir_all(&root);
    for (path, text) in BASE {
        let path = root.join(path);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
    for (path, text) in files(&input) {
        let path = root.join(path);
        if path.is_dir() {
            continue;
        }
        if fs::create_dir_all(path.parent().unwrap()).is_err() {
            continue;
        }
        let _ = fs::write(path, text);
    }
    let options = BuildOptions {
        root: root.clone(),
        output: Some(workdir().join("public")),
        base_url: None,
        drafts: input.len() % 2 == 0,
    };
    let config = match casefile::load_config(&options) {
        Ok(config) => config,
        Err(diagnostics) => {
            assert_eq!(diagnostics.exit_code(), 2);
            assert!(!diagnostics.is_empty());
            let _ = diagnostics.to_string();
            return;
        }
    };
    match casefile::render_in_memory(&config) {
        Ok((output, _)) => {
            // Templates and static files from the input are the site author's own HTML.
            let authored = input.contains("=== templates/") || input.contains("=== static/");
            if !config.site.unsafe_html && !authored {
                for (path, bytes) in &output.files {
                    if !path.ends_with(".html") {
                        continue;
                    }
                    let page = String::from_utf8_lossy(bytes);
                    let problems = html::unsafe_markup(&page);
                    assert!(problems.is_empty(), "{path}: {problems:?}\n{page}");
                }
            }
            if let Err(diagnostics) = casefile::check(&config) {
                let _ = diagnostics.to_string();
            }
        }
        Err(diagnostics) => {
            assert!(!diagnostics.is_empty());
            for d in diagnostics.iter() {
                assert!(!d.path().as_os_str().is_empty(), "{d}");
                if let Some(at) = d.location() {
                    assert!(at.line >= 1 && at.col >= 1, "{d}");
                }
            }
            let _ = diagnostics.to_string();
        }
    }
});
