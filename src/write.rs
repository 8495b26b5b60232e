//! The only code that touches the output folder.
//!
//! A build renders into a temporary folder beside the output ([`Staging`], which takes
//! pages as the render threads finish them, through [`PageSink`]), then swaps it in with
//! one atomic rename (`renameat2(RENAME_EXCHANGE)` on Linux), so a failed or killed build
//! leaves the previous site exactly as it was. Dotfiles in the old output (a deploy
//! worktree's `.git`, `.nojekyll`) and names listed under `keep:` are hard-linked into
//! the new folder *before* the swap, so that at every moment the output folder is either
//! the whole old site or the whole new one, kept files included. Leftovers of a killed
//! build are removed by the next one (after rescuing any kept file the output lacks).
//!
//! Every problem here is about where the output goes, not about the content, so it is a
//! configuration diagnostic (exit code 2).

use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use thiserror::Error;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Stage};
use crate::render::{Output, PageSink};

/// Problems writing the output.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output path exists and is not a folder.
    #[error("the output path exists and is not a folder")]
    NotAFolder,
    /// A folder above the output path is a file.
    #[error("cannot create the output folder: `{0}` is a file, not a folder")]
    ParentNotAFolder(String),
    /// The output would replace the site itself.
    #[error("the output folder must not contain the site folder")]
    ContainsSite,
    /// A generated path that would leave the output folder.
    #[error("refusing to write `{0}`: it is not a plain relative path")]
    UnsafePath(String),
    /// Any I/O failure.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The failure.
        source: io::Error,
    },
}

fn io_error(context: impl Into<String>) -> impl FnOnce(io::Error) -> WriteError {
    let context = context.into();
    move |source| WriteError::Io { context, source }
}

/// What a write did.
#[derive(Debug, Clone, Copy, Default)]
pub struct WriteSummary {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
}

/// A build's temporary folder beside the output: filled (pages may arrive while they are
/// still being rendered, through [`PageSink`]), then swapped in by [`Staging::finish`].
/// Dropped unfinished, it removes itself and the output stays as it was.
pub struct Staging {
    /// The output folder, as configured (for diagnostics).
    output: PathBuf,
    /// The output folder, absolute.
    target: PathBuf,
    /// The temporary folder beside it, `.<name>.casefile-tmp-<pid>`.
    dir: PathBuf,
    /// Names in the previous output to carry over (besides dotfiles).
    keep: Vec<String>,
    /// Folders already created below `dir`, so each page costs one `mkdir` at most.
    folders: Mutex<HashSet<PathBuf>>,
    /// Whether `dir` was swapped in (then it must not be removed on drop).
    finished: bool,
}

impl Staging {
    /// Checks the output path, removes leftovers of killed builds, and creates the
    /// temporary folder.
    pub fn create(config: &Config) -> Result<Staging, Diagnostics> {
        Staging::at(&config.output, &config.site.keep, &config.root)
            .map_err(|e| Diagnostics::from(Diagnostic::new(Stage::Write, config.output.clone(), e)))
    }

    fn at(output: &Path, keep: &[String], root: &Path) -> Result<Staging, WriteError> {
        let target = absolute(output)?;
        let root = absolute(root)?;
        if root.starts_with(&target) {
            return Err(WriteError::ContainsSite);
        }
        if target.exists() && !target.is_dir() {
            return Err(WriteError::NotAFolder);
        }
        let parent = target
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        if let Some(file) = parent
            .ancestors()
            .find(|a| fs::metadata(a).is_ok_and(|m| !m.is_dir()))
        {
            return Err(WriteError::ParentNotAFolder(file.display().to_string()));
        }
        fs::create_dir_all(&parent)
            .map_err(io_error(format!("cannot create `{}`", parent.display())))?;
        clean_leftovers(&target, keep)?;
        let dir = sibling(&target, "tmp", std::process::id());
        fs::create_dir(&dir).map_err(io_error(format!(
            "cannot create the build folder `{}` beside the output",
            dir.display()
        )))?;
        Ok(Staging {
            output: output.to_path_buf(),
            target,
            dir,
            keep: keep.to_vec(),
            folders: Mutex::new(HashSet::new()),
            finished: false,
        })
    }

    /// Writes one file below the temporary folder, creating its folders.
    fn write_file(&self, path: &str, bytes: &[u8]) -> Result<u64, WriteError> {
        let rel = safe_relative(path)?;
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            let known = self.folders.lock().expect("not poisoned").contains(parent);
            if !known {
                fs::create_dir_all(self.dir.join(parent))
                    .map_err(io_error(format!("cannot create `{}`", parent.display())))?;
                self.folders
                    .lock()
                    .expect("not poisoned")
                    .insert(parent.to_path_buf());
            }
        }
        fs::write(self.dir.join(&rel), bytes)
            .map_err(io_error(format!("cannot write `{path}`")))?;
        Ok(bytes.len() as u64)
    }

    /// Writes the files of `output` still in memory, links kept files over from the
    /// previous build, and swaps the folder in.
    pub fn finish(mut self, output: &Output) -> Result<WriteSummary, Diagnostics> {
        let output_path = self.output.clone();
        self.swap_in(output)
            .map_err(|e| Diagnostics::from(Diagnostic::new(Stage::Write, output_path, e)))
    }

    fn swap_in(&mut self, output: &Output) -> Result<WriteSummary, WriteError> {
        let sizes = output
            .files
            .par_iter()
            .map(|(path, bytes)| self.write_file(path, bytes))
            .collect::<Result<Vec<u64>, WriteError>>()?;
        let summary = WriteSummary {
            files: sizes.len() + output.streamed.len(),
            bytes: sizes.iter().sum::<u64>() + output.streamed.values().sum::<u64>(),
        };
        if self.target.is_dir() {
            link_kept(&self.target, &self.dir, &self.keep)?;
            exchange(&self.dir, &self.target)?;
            self.finished = true;
            // `dir` now holds the previous site (its kept files are linked into the new).
            fs::remove_dir_all(&self.dir)
                .map_err(io_error(format!("cannot remove `{}`", self.dir.display())))?;
        } else {
            fs::rename(&self.dir, &self.target).map_err(io_error(format!(
                "cannot create `{}`",
                self.target.display()
            )))?;
            self.finished = true;
        }
        Ok(summary)
    }
}

impl PageSink for Staging {
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic> {
        self.write_file(path, bytes)
            .map(|_| ())
            .map_err(|e| Diagnostic::new(Stage::Write, self.output.clone(), e))
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.finished {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

fn sibling(target: &Path, tag: &str, id: u32) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.casefile-{tag}-{id}"))
}

#[cfg(test)]
fn write_into(
    target: &Path,
    keep: &[String],
    output: &Output,
    root: &Path,
) -> Result<WriteSummary, WriteError> {
    Staging::at(target, keep, root)?.swap_in(output)
}

fn absolute(path: &Path) -> Result<PathBuf, WriteError> {
    std::path::absolute(path).map_err(io_error(format!("cannot resolve `{}`", path.display())))
}

/// A generated path as a relative path of plain components only.
fn safe_relative(path: &str) -> Result<PathBuf, WriteError> {
    let candidate = Path::new(path);
    let plain = !path.is_empty()
        && candidate
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
    if plain {
        Ok(candidate.to_path_buf())
    } else {
        Err(WriteError::UnsafePath(path.to_string()))
    }
}

fn is_kept(name: &OsString, keep: &[String]) -> bool {
    let name = name.to_string_lossy();
    name.starts_with('.') || keep.iter().any(|k| *k == name)
}

/// Links the kept top-level entries of `from` into `to` (a fresh folder): files are
/// hard-linked (copied where links are not possible), folders recreated, symbolic links
/// copied as links. Both folders then hold every kept file, so swapping them loses none.
fn link_kept(from: &Path, to: &Path, keep: &[String]) -> Result<(), WriteError> {
    let entries =
        fs::read_dir(from).map_err(io_error(format!("cannot read `{}`", from.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if is_kept(&name, keep) && fs::symlink_metadata(to.join(&name)).is_err() {
            link_tree(&entry.path(), &to.join(&name)).map_err(io_error(format!(
                "cannot keep `{}`",
                name.to_string_lossy()
            )))?;
        }
    }
    Ok(())
}

fn link_tree(from: &Path, to: &Path) -> io::Result<()> {
    let kind = fs::symlink_metadata(from)?.file_type();
    if kind.is_symlink() {
        #[cfg(unix)]
        return std::os::unix::fs::symlink(fs::read_link(from)?, to);
        #[cfg(not(unix))]
        return fs::copy(from, to).map(|_| ());
    }
    if kind.is_dir() {
        fs::create_dir(to)?;
        for entry in fs::read_dir(from)? {
            let entry = entry?;
            link_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        return Ok(());
    }
    if kind.is_file() {
        return fs::hard_link(from, to).or_else(|_| fs::copy(from, to).map(|_| ()));
    }
    // Sockets, pipes and devices have no place in a site; they are not carried over.
    Ok(())
}

/// Moves kept top-level entries of `from` into `to`, unless `to` already has them.
fn carry_over(from: &Path, to: &Path, keep: &[String]) -> Result<(), WriteError> {
    let entries =
        fs::read_dir(from).map_err(io_error(format!("cannot read `{}`", from.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if is_kept(&name, keep) && fs::symlink_metadata(to.join(&name)).is_err() {
            fs::rename(entry.path(), to.join(&name)).map_err(io_error(format!(
                "cannot keep `{}`",
                name.to_string_lossy()
            )))?;
        }
    }
    Ok(())
}

/// Removes folders left by killed builds. A build killed in the middle of the
/// two-rename fallback may have left the previous site aside with no output folder:
/// that is put back first. Kept files the output lacks are rescued from any leftover.
fn clean_leftovers(target: &Path, keep: &[String]) -> Result<(), WriteError> {
    let Some(parent) = target.parent() else {
        return Ok(());
    };
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let prefix = format!(".{name}.casefile-");
    let Ok(entries) = fs::read_dir(parent) else {
        return Ok(());
    };
    let mut leftovers: Vec<(String, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let file_name = entry.file_name().to_string_lossy().into_owned();
            let rest = file_name.strip_prefix(&prefix)?;
            // Another build of the same folder may be running right now: leave its folders.
            let pid = rest
                .split(['-', '.'])
                .nth(1)
                .and_then(|p| p.parse::<u32>().ok());
            if pid.is_some_and(is_running) {
                return None;
            }
            Some((file_name, entry.path()))
        })
        .collect();
    leftovers.sort();
    if !target.exists() {
        if let Some((_, aside)) = leftovers.iter().find(|(n, _)| n.ends_with(".swap")) {
            fs::rename(aside, target)
                .map_err(io_error("cannot put the previous build back in place"))?;
        }
    }
    for (file_name, path) in leftovers {
        if fs::symlink_metadata(&path).is_err() {
            continue;
        }
        if target.is_dir() && path.is_dir() {
            carry_over(&path, target, keep)?;
        }
        let removed = if path.is_dir() {
            fs::remove_dir_all(&path)
        } else {
            fs::remove_file(&path)
        };
        removed.map_err(io_error(format!("cannot remove leftover `{file_name}`")))?;
    }
    Ok(())
}

fn is_running(pid: u32) -> bool {
    pid != std::process::id() && Path::new(&format!("/proc/{pid}")).exists()
}

/// Swaps two folders in one step where the system allows it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<(), WriteError> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let to_c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|_| WriteError::UnsafePath(p.display().to_string()))
    };
    let (ca, cb) = (to_c(a)?, to_c(b)?);
    // SAFETY: both pointers are valid NUL-terminated strings for the duration of the call.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(());
    }
    let err = io::Error::last_os_error();
    match err.raw_os_error() {
        // File systems without RENAME_EXCHANGE: fall back to two renames.
        Some(libc::EINVAL) | Some(libc::ENOSYS) => exchange_by_renames(a, b),
        _ => Err(WriteError::Io {
            context: "cannot swap in the new build".into(),
            source: err,
        }),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<(), WriteError> {
    exchange_by_renames(a, b)
}

fn exchange_by_renames(a: &Path, b: &Path) -> Result<(), WriteError> {
    // `a` is `.<name>.casefile-tmp-<pid>`; the previous build waits beside it.
    let mut aside = a.as_os_str().to_owned();
    aside.push(".swap");
    let aside = PathBuf::from(aside);
    fs::rename(b, &aside).map_err(io_error("cannot set the previous build aside"))?;
    fs::rename(a, b).map_err(io_error("cannot move the new build into place"))?;
    fs::rename(&aside, a).map_err(io_error("cannot move the previous build"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A temporary folder holding an empty site folder; the output goes beside it.
    fn site_and_output() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let root = dir.path().join("site");
        fs::create_dir_all(&root).unwrap();
        (dir, target, root)
    }

    /// The names directly inside `dir`.
    fn names_in(dir: &Path) -> Vec<OsString> {
        fs::read_dir(dir)
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect()
    }

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
            pages: files.len(),
            ..Output::default()
        }
    }

    #[test]
    fn replaces_the_old_site_and_keeps_dotfiles_and_listed_names() {
        let (dir, target, root) = site_and_output();
        write_into(
            &target,
            &[],
            &output(&[("index.html", "one"), ("stale/index.html", "x")]),
            &root,
        )
        .unwrap();
        fs::create_dir_all(target.join(".git")).unwrap();
        fs::write(target.join(".git/HEAD"), "ref").unwrap();
        fs::write(target.join("CNAME"), "example.org").unwrap();
        write_into(
            &target,
            &["CNAME".into()],
            &output(&[("index.html", "two")]),
            &root,
        )
        .unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "two"
        );
        assert!(!target.join("stale").exists(), "stale pages are removed");
        assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(
            fs::read_to_string(target.join("CNAME")).unwrap(),
            "example.org"
        );
        let leftovers = names_in(dir.path());
        assert_eq!(leftovers.len(), 2, "{leftovers:?}");
    }

    #[test]
    fn refuses_paths_that_leave_the_output() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("a/./b").is_ok());
        assert!(safe_relative("people/han-dong/index.html").is_ok());
    }

    #[test]
    fn streamed_pages_land_beside_the_files_held_in_memory() {
        let (dir, target, root) = site_and_output();
        let mut staging = Staging::at(&target, &[], &root).unwrap();
        staging.put("people/a/index.html", b"page a").unwrap();
        staging.put("people/b/index.html", b"page b").unwrap();
        assert!(staging.put("../escape.html", b"x").is_err());
        let mut rest = output(&[("style.css", "css")]);
        rest.streamed.insert("people/a/index.html".into(), 6);
        rest.streamed.insert("people/b/index.html".into(), 6);
        let summary = staging.swap_in(&rest).unwrap();
        assert_eq!((summary.files, summary.bytes), (3, 15));
        assert_eq!(
            fs::read_to_string(target.join("people/b/index.html")).unwrap(),
            "page b"
        );
        assert!(!dir.path().join("escape.html").exists());
    }

    #[test]
    fn an_unfinished_build_folder_removes_itself_and_leaves_the_output() {
        let (dir, target, root) = site_and_output();
        write_into(&target, &[], &output(&[("index.html", "one")]), &root).unwrap();
        let staging = Staging::at(&target, &[], &root).unwrap();
        staging.put("index.html", b"two").unwrap();
        drop(staging);
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "one"
        );
        let names = names_in(dir.path());
        assert_eq!(names.len(), 2, "only the site and the output: {names:?}");
    }

    #[test]
    fn refuses_an_output_that_contains_the_site() {
        let dir = tempfile::tempdir().unwrap();
        let err = write_into(dir.path(), &[], &output(&[]), &dir.path().join("site")).unwrap_err();
        assert!(matches!(err, WriteError::ContainsSite));
    }

    #[test]
    fn output_that_is_a_file_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        fs::write(&target, "not a folder").unwrap();
        let err = write_into(&target, &[], &output(&[]), &dir.path().join("site")).unwrap_err();
        assert!(matches!(err, WriteError::NotAFolder));
        assert_eq!(fs::read_to_string(&target).unwrap(), "not a folder");
    }

    #[test]
    fn kept_files_in_a_killed_builds_leftovers_are_rescued() {
        let (dir, target, root) = site_and_output();
        write_into(&target, &[], &output(&[("index.html", "one")]), &root).unwrap();
        // A build killed by an older layout, after the swap: the old site, with the only
        // copy of `.git` and `CNAME`, is still beside the output. No process has this pid.
        let leftover = dir.path().join(".public.casefile-tmp-4000000000");
        fs::create_dir_all(leftover.join(".git")).unwrap();
        fs::write(leftover.join(".git/HEAD"), "ref").unwrap();
        fs::write(leftover.join("CNAME"), "example.org").unwrap();
        fs::write(leftover.join("old.html"), "old").unwrap();
        write_into(
            &target,
            &["CNAME".into()],
            &output(&[("index.html", "two")]),
            &root,
        )
        .unwrap();
        assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
        assert_eq!(
            fs::read_to_string(target.join("CNAME")).unwrap(),
            "example.org"
        );
        assert!(!target.join("old.html").exists());
        assert!(!leftover.exists());
    }

    #[test]
    fn a_previous_site_left_aside_by_the_rename_fallback_is_put_back() {
        let (dir, target, root) = site_and_output();
        // Killed between the two renames of the fallback: no output folder at all.
        let aside = dir.path().join(".public.casefile-tmp-4000000001.swap");
        fs::create_dir_all(aside.join(".git")).unwrap();
        fs::write(aside.join(".git/HEAD"), "ref").unwrap();
        write_into(&target, &[], &output(&[("index.html", "new")]), &root).unwrap();
        assert_eq!(
            fs::read_to_string(target.join("index.html")).unwrap(),
            "new"
        );
        assert_eq!(fs::read_to_string(target.join(".git/HEAD")).unwrap(), "ref");
        let names = names_in(dir.path());
        assert_eq!(names.len(), 2, "{names:?}");
    }

    #[test]
    fn the_rename_fallback_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (
            dir.path().join(".public.casefile-tmp-1"),
            dir.path().join("public"),
        );
        fs::create_dir_all(&a).unwrap();
        fs::create_dir_all(&b).unwrap();
        fs::write(a.join("x"), "a").unwrap();
        fs::write(b.join("x"), "b").unwrap();
        exchange_by_renames(&a, &b).unwrap();
        assert_eq!(fs::read_to_string(a.join("x")).unwrap(), "b");
        assert_eq!(fs::read_to_string(b.join("x")).unwrap(), "a");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn kept_folders_symlinks_and_files_are_linked_not_moved() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        fs::create_dir_all(from.join(".git/objects")).unwrap();
        fs::write(from.join(".git/objects/ab"), "blob").unwrap();
        std::os::unix::fs::symlink("objects/ab", from.join(".git/link")).unwrap();
        fs::write(from.join("CNAME"), "example.org").unwrap();
        fs::write(from.join("page.html"), "not kept").unwrap();
        fs::create_dir_all(&to).unwrap();
        link_kept(&from, &to, &["CNAME".into()]).unwrap();
        assert_eq!(
            fs::read_to_string(to.join(".git/objects/ab")).unwrap(),
            "blob"
        );
        assert_eq!(
            fs::read_link(to.join(".git/link")).unwrap(),
            Path::new("objects/ab")
        );
        assert_eq!(fs::read_to_string(to.join("CNAME")).unwrap(), "example.org");
        assert!(!to.join("page.html").exists());
        // The originals stay where they were until the swap.
        assert!(from.join(".git/objects/ab").exists() && from.join("CNAME").exists());
    }
}
