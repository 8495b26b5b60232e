//! Shared helpers for the integration tests: copying fixture sites into temporary
//! folders, editing them, building them and reading output trees back.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use casefile::{BuildOptions, Config, Diagnostics, Report};

/// `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("fixtures")
        .join(name)
}

/// A fixture copied into a fresh temporary folder, so tests can edit and build it.
pub struct Site {
    /// Owns the temporary folder (removed on drop).
    pub tmp: tempfile::TempDir,
    /// The site folder (holding `site.yaml`).
    pub root: PathBuf,
}

impl Site {
    /// Copies `tests/fixtures/<name>` to `<tmp>/site`.
    pub fn copy(name: &str) -> Site {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let root = tmp.path().join("site");
        copy_dir(&fixture(name), &root);
        Site { tmp, root }
    }

    /// Copies the bundled explainer at the repository root (`site.yaml` and the folders
    /// a build reads) to `<tmp>/site`.
    pub fn bundled() -> Site {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let root = tmp.path().join("site");
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        for folder in ["content", "themes", "templates", "static"] {
            if repo.join(folder).is_dir() {
                copy_dir(&repo.join(folder), &root.join(folder));
            }
        }
        fs::copy(repo.join("site.yaml"), root.join("site.yaml")).unwrap();
        Site { tmp, root }
    }

    /// A folder next to the site (inside the same temporary folder), not created.
    pub fn out(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// Writes `contents` to `rel` (relative to the site root), creating folders.
    pub fn write(&self, rel: &str, contents: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, contents).unwrap();
    }

    /// Reads `rel` (relative to the site root) as text.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Replaces the only occurrence of `from` by `to` in the file `rel`.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(
            text.matches(from).count(),
            1,
            "`{from}` must occur exactly once in {rel}:\n{text}"
        );
        self.write(rel, text.replacen(from, to, 1));
    }

    /// Removes the file `rel`.
    pub fn remove(&self, rel: &str) {
        fs::remove_file(self.root.join(rel)).unwrap();
    }

    /// The config for building into `output`.
    pub fn config(&self, output: &Path, drafts: bool) -> Config {
        config_for(&self.root, output, drafts)
    }

    /// Builds into `output`.
    pub fn build(&self, output: &Path) -> Result<Report, Diagnostics> {
        casefile::build(&self.config(output, false))
    }

    /// Checks (renders in memory) with the output set to `<tmp>/public`.
    pub fn check(&self) -> Result<Report, Diagnostics> {
        check(&self.config(&self.out("public"), false))
    }
}

/// `casefile::check`, keeping only the build report.
pub fn check(config: &Config) -> Result<Report, Diagnostics> {
    casefile::check(config).map(|(report, _)| report)
}

/// The options of a build of `root` into `output`.
pub fn options(root: &Path, output: &Path, drafts: bool) -> BuildOptions {
    BuildOptions {
        root: root.to_path_buf(),
        output: Some(output.to_path_buf()),
        base_url: None,
        drafts,
    }
}

/// Loads the config of `root`, panicking with the diagnostics if it is invalid.
pub fn config_for(root: &Path, output: &Path, drafts: bool) -> Config {
    match casefile::load_config(&options(root, output, drafts)) {
        Ok(config) => config,
        Err(d) => panic!("config of {} is invalid:\n{d}", root.display()),
    }
}

/// Copies a folder recursively (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let kind = entry.file_type().unwrap();
        let dest = to.join(entry.file_name());
        if kind.is_dir() {
            copy_dir(&entry.path(), &dest);
        } else if kind.is_file() {
            fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// Every file below `dir` (dotfiles included), by `/`-separated relative path, with bytes.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    collect(dir, dir, &mut out);
    out
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        if kind.is_dir() {
            collect(base, &path, out);
        } else {
            let rel = path
                .strip_prefix(base)
                .unwrap()
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.insert(rel, fs::read(&path).unwrap());
        }
    }
}

/// The relative paths of every file below `dir`, sorted.
pub fn files(dir: &Path) -> Vec<String> {
    tree(dir).into_keys().collect()
}

/// The names directly inside `dir`, sorted.
pub fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Reads an output page as text.
pub fn page(output: &Path, rel: &str) -> String {
    fs::read_to_string(output.join(rel)).unwrap_or_else(|e| panic!("cannot read {rel}: {e}"))
}

/// The text between the first `start` and the next `end` after it.
pub fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("`{start}` not found in:\n{text}"))
        + start.len();
    let len = text[from..]
        .find(end)
        .unwrap_or_else(|| panic!("`{end}` not found after `{start}` in:\n{text}"));
    &text[from..from + len]
}

/// Each line of the text containing `needle`, trimmed.
pub fn lines_with<'a>(text: &'a str, needle: &str) -> Vec<&'a str> {
    text.lines()
        .filter(|l| l.contains(needle))
        .map(str::trim)
        .collect()
}

/// The `Display` of diagnostics without the trailing `error: N problems found` line.
pub fn listed(diagnostics: &Diagnostics) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A JPEG photo of `width` × `height`: a gradient, so it compresses like a picture and
/// every resized width differs.
pub fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 128])
    });
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90)
        .encode(&img, width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}
