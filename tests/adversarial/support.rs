//! Helpers for `tests/adversarial.rs` and `tests/escaping.rs`: a copy of the base site
//! (or of the bundled site) in a temporary folder, builds through the library and the
//! binary, and snapshots of output folders.

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use casefile::{BuildOptions, Config, Diagnostics};

pub use crate::common::copy_dir;

/// `tests/adversarial/<rel>`.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/adversarial")
        .join(rel)
}

/// The bytes of `tests/adversarial/cases/<name>`.
pub fn case(name: &str) -> Vec<u8> {
    let path = fixture("cases").join(name);
    fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A site in a temporary folder: `<tmp>/site`, built into `<tmp>/public`.
pub struct Site {
    /// Owns the temporary folder.
    pub tmp: tempfile::TempDir,
    /// The site folder.
    pub root: PathBuf,
}

impl Site {
    /// A copy of `tests/adversarial/base`.
    pub fn base() -> Site {
        Site::copy_of(&fixture("base"))
    }

    /// A copy of the bundled explainer (site.yaml, content, the default theme).
    pub fn bundled() -> Site {
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        let site = Site::empty();
        fs::copy(repo.join("site.yaml"), site.root.join("site.yaml")).unwrap();
        for dir in ["content", "themes", "static", "templates"] {
            if repo.join(dir).is_dir() {
                copy_dir(&repo.join(dir), &site.root.join(dir));
            }
        }
        site
    }

    /// A copy of `from`.
    pub fn copy_of(from: &Path) -> Site {
        let site = Site::empty();
        copy_dir(from, &site.root);
        site
    }

    fn empty() -> Site {
        let tmp = tempfile::tempdir().expect("temporary folder");
        let root = tmp.path().join("site");
        fs::create_dir_all(&root).unwrap();
        Site { tmp, root }
    }

    /// `<tmp>/<name>`.
    pub fn out(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The default output, `<tmp>/public`.
    pub fn public(&self) -> PathBuf {
        self.out("public")
    }

    /// Writes `bytes` to `rel` in the site, creating folders.
    pub fn write(&self, rel: &str, bytes: impl AsRef<[u8]>) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }

    /// Removes the file `rel` of the site.
    pub fn remove_file(&self, rel: &str) {
        fs::remove_file(self.root.join(rel)).unwrap();
    }

    /// The text of `rel` in the site.
    pub fn read(&self, rel: &str) -> String {
        fs::read_to_string(self.root.join(rel)).unwrap()
    }

    /// Replaces the only `from` in `rel` by `to`.
    pub fn replace(&self, rel: &str, from: &str, to: &str) {
        let text = self.read(rel);
        assert_eq!(text.matches(from).count(), 1, "`{from}` in {rel}:\n{text}");
        self.write(rel, text.replacen(from, to, 1));
    }

    /// The build options for `output`.
    pub fn options(&self, output: &Path) -> BuildOptions {
        BuildOptions {
            root: self.root.clone(),
            output: Some(output.to_path_buf()),
            base_url: None,
            drafts: false,
        }
    }

    /// The config for `output`, panicking on config errors.
    pub fn config(&self, output: &Path) -> Config {
        casefile::load_config(&self.options(output))
            .unwrap_or_else(|d| panic!("config of {} refused:\n{d}", self.root.display()))
    }

    /// Loads the config and builds into `output`.
    pub fn build(&self, output: &Path) -> Result<casefile::Report, Diagnostics> {
        let config = casefile::load_config(&self.options(output))?;
        casefile::build(&config)
    }

    /// Builds into `<tmp>/public`, which must succeed, and returns what it holds.
    pub fn build_public(&self) -> BTreeMap<String, Vec<u8>> {
        if let Err(d) = self.build(&self.public()) {
            panic!("the build must succeed:\n{d}");
        }
        tree(&self.public())
    }

    /// Runs the binary with `args` (`--root` is added), for at most two minutes.
    pub fn run(&self, args: &[&str]) -> Output {
        run_binary(args, &self.root, Duration::from_secs(120))
    }

    /// The names directly inside the temporary folder (to spot staging leftovers).
    pub fn tmp_names(&self) -> Vec<String> {
        names_in(self.tmp.path())
    }
}

/// Runs `casefile <args> --root <root>`, killing it after `limit`.
pub fn run_binary(args: &[&str], root: &Path, limit: Duration) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .arg("--root")
        .arg(root)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary starts");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            let out = child.wait_with_output().unwrap();
            panic!(
                "casefile {args:?} ran longer than {limit:?}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The path of every file below `dir`, sorted.
pub fn files_below(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(files_below(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

/// Every file below `dir` (dotfiles included) by `/`-separated path, with its bytes;
/// symbolic links are listed with the bytes `-> target`.
pub fn tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    if dir.exists() {
        collect(dir, dir, &mut out);
    }
    out
}

fn collect(base: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) {
    for entry in fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let path = entry.path();
        let kind = entry.file_type().unwrap();
        let rel = path
            .strip_prefix(base)
            .unwrap()
            .iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
            .join("/");
        if kind.is_symlink() {
            let target = fs::read_link(&path).unwrap();
            out.insert(rel, format!("-> {}", target.display()).into_bytes());
        } else if kind.is_dir() {
            out.insert(format!("{rel}/"), Vec::new());
            collect(base, &path, out);
        } else {
            out.insert(rel, fs::read(&path).unwrap());
        }
    }
}

/// Recreates, in `dir` (which must not exist), the files and folders of a [`tree`].
pub fn copy_tree_from(files: &BTreeMap<String, Vec<u8>>, dir: &Path) {
    fs::create_dir_all(dir).unwrap();
    for (rel, bytes) in files {
        let path = dir.join(rel.trim_end_matches('/'));
        if rel.ends_with('/') {
            fs::create_dir_all(&path).unwrap();
        } else {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, bytes).unwrap();
        }
    }
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

/// Diagnostics as printed, one per line (hints on their own `  = help:` lines), without
/// the final count.
pub fn listed(diagnostics: &Diagnostics) -> String {
    diagnostics
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Where two trees differ, for assertion messages.
pub fn differences(a: &BTreeMap<String, Vec<u8>>, b: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut out = Vec::new();
    for (path, bytes) in a {
        match b.get(path) {
            None => out.push(format!("only in the first: {path}")),
            Some(other) if other != bytes => out.push(format!("differs: {path}")),
            _ => {}
        }
    }
    for path in b.keys() {
        if !a.contains_key(path) {
            out.push(format!("only in the second: {path}"));
        }
    }
    out
}
