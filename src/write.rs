//! The only code that touches the output folder.
//!
//! A build renders into a temporary folder beside the output, then swaps it in with one
//! atomic rename (`renameat2(RENAME_EXCHANGE)` on Linux), so a failed or killed build
//! leaves the previous site exactly as it was. Dotfiles in the old output (a deploy
//! worktree's `.git`, `.nojekyll`) and names listed under `keep:` are carried over.
//! Leftovers of a killed build are cleaned up (and kept files rescued) by the next one.

use std::ffi::OsString;
use std::fs;
use std::io;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use thiserror::Error;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::render::Output;

/// Problems writing the output.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum WriteError {
    /// The output path exists and is not a folder.
    #[error("the output path exists and is not a folder")]
    NotAFolder,
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

/// Writes `output` to the configured folder, atomically replacing the previous build.
pub fn write_output(config: &Config, output: &Output) -> Result<WriteSummary, Diagnostics> {
    write_into(&config.output, &config.site.keep, output, &config.root)
        .map_err(|e| Diagnostics::from(Diagnostic::content(config.output.clone(), None, e)))
}

fn sibling(target: &Path, tag: &str, id: u32) -> PathBuf {
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    target.with_file_name(format!(".{name}.casefile-{tag}-{id}"))
}

fn write_into(
    target: &Path,
    keep: &[String],
    output: &Output,
    root: &Path,
) -> Result<WriteSummary, WriteError> {
    let target = absolute(target)?;
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
    fs::create_dir_all(&parent)
        .map_err(io_error(format!("cannot create `{}`", parent.display())))?;
    clean_leftovers(&target, keep)?;

    let staging = sibling(&target, "tmp", std::process::id());
    fs::create_dir(&staging).map_err(io_error(format!("cannot create `{}`", staging.display())))?;
    let summary = match fill(&staging, output) {
        Ok(summary) => summary,
        Err(e) => {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
    };
    if target.exists() {
        if let Err(e) = exchange(&staging, &target) {
            let _ = fs::remove_dir_all(&staging);
            return Err(e);
        }
        // `staging` now holds the previous site: carry its kept files over, then drop it.
        let old = sibling(&target, "old", std::process::id());
        fs::rename(&staging, &old).map_err(io_error("cannot set the previous build aside"))?;
        carry_over(&old, &target, keep)?;
        fs::remove_dir_all(&old).map_err(io_error(format!("cannot remove `{}`", old.display())))?;
    } else {
        fs::rename(&staging, &target)
            .map_err(io_error(format!("cannot create `{}`", target.display())))?;
    }
    Ok(summary)
}

fn absolute(path: &Path) -> Result<PathBuf, WriteError> {
    std::path::absolute(path).map_err(io_error(format!("cannot resolve `{}`", path.display())))
}

/// Writes every file below `dir`, creating folders first, then files in parallel.
fn fill(dir: &Path, output: &Output) -> Result<WriteSummary, WriteError> {
    let mut folders: Vec<PathBuf> = Vec::new();
    for path in output.files.keys() {
        let rel = safe_relative(path)?;
        if let Some(parent) = rel.parent() {
            if !parent.as_os_str().is_empty() && folders.last().map(|l| l.as_path()) != Some(parent)
            {
                folders.push(parent.to_path_buf());
            }
        }
    }
    folders.sort();
    folders.dedup();
    for folder in &folders {
        fs::create_dir_all(dir.join(folder))
            .map_err(io_error(format!("cannot create `{}`", folder.display())))?;
    }
    output
        .files
        .par_iter()
        .map(|(path, bytes)| {
            fs::write(dir.join(path), bytes).map_err(io_error(format!("cannot write `{path}`")))?;
            Ok(bytes.len() as u64)
        })
        .collect::<Result<Vec<u64>, WriteError>>()
        .map(|sizes| WriteSummary {
            files: sizes.len(),
            bytes: sizes.iter().sum(),
        })
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

/// Moves kept top-level entries of `from` into `to`, unless `to` already has them.
fn carry_over(from: &Path, to: &Path, keep: &[String]) -> Result<(), WriteError> {
    let entries =
        fs::read_dir(from).map_err(io_error(format!("cannot read `{}`", from.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        if is_kept(&name, keep) && !to.join(&name).exists() {
            fs::rename(entry.path(), to.join(&name)).map_err(io_error(format!(
                "cannot keep `{}`",
                name.to_string_lossy()
            )))?;
        }
    }
    Ok(())
}

/// Removes folders left by killed builds, rescuing kept files from a set-aside old site.
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
    for entry in entries.flatten() {
        let file_name = entry.file_name().to_string_lossy().into_owned();
        let Some(rest) = file_name.strip_prefix(&prefix) else {
            continue;
        };
        // Another build of the same folder may be running right now: leave its folders.
        let pid = rest.rsplit('-').next().and_then(|p| p.parse::<u32>().ok());
        if pid.is_some_and(is_running) {
            continue;
        }
        if rest.starts_with("old-") && target.is_dir() {
            carry_over(&entry.path(), target, keep)?;
        }
        fs::remove_dir_all(entry.path())
            .map_err(io_error(format!("cannot remove leftover `{file_name}`")))?;
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
    let aside = a.with_extension("swap");
    fs::rename(b, &aside).map_err(io_error("cannot set the previous build aside"))?;
    fs::rename(a, b).map_err(io_error("cannot move the new build into place"))?;
    fs::rename(&aside, a).map_err(io_error("cannot move the previous build"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output(files: &[(&str, &str)]) -> Output {
        Output {
            files: files
                .iter()
                .map(|(p, b)| (p.to_string(), b.as_bytes().to_vec()))
                .collect(),
            pages: files.len(),
        }
    }

    #[test]
    fn replaces_the_old_site_and_keeps_dotfiles_and_listed_names() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("public");
        let root = dir.path().join("site");
        fs::create_dir_all(&root).unwrap();
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
        let leftovers: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .collect();
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
}
