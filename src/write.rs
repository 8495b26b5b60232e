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
//! The new folder takes over the old one's mode, owner and group, so a deploy folder set
//! up for a web server (`chmod 750`, group `www-data`) stays that way. Files are written
//! 0644 and folders 0755 whatever the umask, so that a web server running as another
//! user can read them (under `umask 077` they would be 0600 and 0700).
//!
//! A folder cannot be swapped when it is a mount point, and must not be when it is also
//! mounted elsewhere (a bind mount, a container's volume): the other side would keep
//! the old, deleted folder. Both are detected ([`in_place_reason`]), and the build then
//! updates the folder in place ([`update_in_place`]): each new or changed file is
//! written beside its old self and renamed over it, assets before pages, then stale
//! files are removed. Each file is replaced atomically, but the site as a whole is not,
//! and the summary says so.
//!
//! It also reads back one file of the last build for the next one ([`last_build_file`]:
//! the record of what was published, see `published`).
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
pub(crate) enum WriteError {
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
#[derive(Debug, Clone, Default)]
pub(crate) struct WriteSummary {
    /// Files written.
    pub files: usize,
    /// Bytes written.
    pub bytes: u64,
    /// Why the output folder was updated file by file instead of swapped in one step
    /// (`None` when it was swapped).
    pub in_place: Option<String>,
}

/// A build's temporary folder beside the output: filled (pages may arrive while they are
/// still being rendered, through [`PageSink`]), then swapped in by [`Staging::finish`].
/// Dropped unfinished, it removes itself and the output stays as it was.
pub(crate) struct Staging {
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
    /// Why the output must be updated in place, when it must.
    in_place: Option<String>,
    /// Whether `dir` was swapped in (then it must not be removed on drop).
    finished: bool,
}

impl Staging {
    /// Checks the output path, removes leftovers of killed builds, and creates the
    /// temporary folder.
    pub(crate) fn create(config: &Config) -> Result<Staging, Diagnostics> {
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
        let previous = fs::metadata(&target).ok().filter(|m| m.is_dir());
        let in_place = previous.as_ref().and_then(|_| in_place_reason(&target));
        let staging = Staging {
            output: output.to_path_buf(),
            target,
            dir,
            keep: keep.to_vec(),
            folders: Mutex::new(HashSet::new()),
            in_place,
            finished: false,
        };
        // Before any file is written, so that a set-group-ID folder passes its group on.
        take_over_attributes(&staging.dir, previous.as_ref()).map_err(io_error(format!(
            "cannot set the mode of the build folder `{}`",
            staging.dir.display()
        )))?;
        Ok(staging)
    }

    /// Writes one file below the temporary folder, creating its folders.
    fn write_file(&self, path: &str, bytes: &[u8]) -> Result<u64, WriteError> {
        let rel = self.folder_for(path)?;
        write_readable(&self.dir.join(&rel), bytes)
            .map_err(io_error(format!("cannot write `{path}`")))?;
        Ok(bytes.len() as u64)
    }

    /// Puts the file `from` at `path` as a hard link, which costs no bytes, or as a copy
    /// where it cannot be linked (another file system). `from` is a cache file, which is
    /// only ever replaced, never changed in place, so the link keeps its bytes.
    fn link_file(&self, path: &str, from: &Path) -> Result<u64, WriteError> {
        let rel = self.folder_for(path)?;
        let to = self.dir.join(&rel);
        let meta = fs::symlink_metadata(from)
            .map_err(io_error(format!("cannot read `{}`", from.display())))?;
        if !meta.file_type().is_file() {
            return Err(io_error(format!("cannot publish `{}`", from.display()))(
                io::Error::other("it is not a regular file"),
            ));
        }
        let size = meta.len();
        if fs::hard_link(from, &to).is_err() {
            let bytes =
                fs::read(from).map_err(io_error(format!("cannot read `{}`", from.display())))?;
            write_readable(&to, &bytes).map_err(io_error(format!("cannot write `{path}`")))?;
            return Ok(bytes.len() as u64);
        }
        // Readable by everyone, like every file written (a cache made under `umask 077`).
        set_mode(&to, FILE_MODE).map_err(io_error(format!("cannot set the mode of `{path}`")))?;
        Ok(size)
    }

    /// The checked relative path of `path`, with its folder made in the build folder.
    fn folder_for(&self, path: &str) -> Result<PathBuf, WriteError> {
        let rel = safe_relative(path)?;
        if let Some(parent) = rel.parent().filter(|p| !p.as_os_str().is_empty()) {
            let known = self.folders.lock().expect("not poisoned").contains(parent);
            if !known {
                fs::create_dir_all(self.dir.join(parent))
                    .map_err(io_error(format!("cannot create `{}`", parent.display())))?;
                let mut folders = self.folders.lock().expect("not poisoned");
                for folder in parent.ancestors().filter(|a| !a.as_os_str().is_empty()) {
                    if folders.insert(folder.to_path_buf()) {
                        set_mode(&self.dir.join(folder), FOLDER_MODE).map_err(io_error(
                            format!("cannot set the mode of `{}`", folder.display()),
                        ))?;
                    }
                }
            }
        }
        Ok(rel)
    }

    /// Writes the files of `output` still in memory, links kept files over from the
    /// previous build, and swaps the folder in.
    pub(crate) fn finish(mut self, output: &Output) -> Result<WriteSummary, Diagnostics> {
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
        let mut summary = WriteSummary {
            files: sizes.len() + output.streamed.len(),
            bytes: sizes.iter().sum::<u64>() + output.streamed.values().sum::<u64>(),
            in_place: None,
        };
        if self.target.is_dir() {
            if self.in_place.is_none() {
                link_kept(&self.target, &self.dir, &self.keep)?;
                match exchange(&self.dir, &self.target) {
                    Ok(()) => {}
                    // A mount point that detection missed (another kind of system).
                    Err(Exchange::Busy) => {
                        self.in_place = Some(
                            "the output folder is in use as a mount point and cannot be swapped"
                                .into(),
                        )
                    }
                    Err(Exchange::Failed(e)) => return Err(e),
                }
            }
            if let Some(reason) = self.in_place.take() {
                update_in_place(&self.dir, &self.target, &self.keep)?;
                summary.in_place = Some(reason);
            }
            self.finished = true;
            // `dir` now holds the previous site (its kept files are linked into the new),
            // or, after an update in place, the copy the output was updated from.
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

    fn link(&self, path: &str, from: &Path) -> Result<u64, Diagnostic> {
        self.link_file(path, from)
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

/// Why two folders were not swapped.
enum Exchange {
    /// The output folder is a mount point (`EBUSY`): update it in place instead.
    Busy,
    /// Anything else.
    Failed(WriteError),
}

impl From<WriteError> for Exchange {
    fn from(e: WriteError) -> Self {
        match &e {
            WriteError::Io { source, .. } if source.raw_os_error() == Some(libc::EBUSY) => {
                Exchange::Busy
            }
            _ => Exchange::Failed(e),
        }
    }
}

/// Swaps two folders in one step where the system allows it.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<(), Exchange> {
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
        Some(libc::EINVAL) | Some(libc::ENOSYS) => Ok(exchange_by_renames(a, b)?),
        _ => Err(WriteError::Io {
            context: "cannot swap in the new build".into(),
            source: err,
        }
        .into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(a: &Path, b: &Path) -> Result<(), Exchange> {
    Ok(exchange_by_renames(a, b)?)
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

/// The mode of every file written.
const FILE_MODE: u32 = 0o644;
/// The mode of every folder created, and of a new output folder.
const FOLDER_MODE: u32 = 0o755;

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) -> io::Result<()> {
    Ok(())
}

/// Writes `bytes` to a new file readable by everyone, whatever the umask. A file
/// already at `path` is replaced, never written through: it may be a hard link to a
/// file of the cache ([`Staging::link_file`]).
fn write_readable(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write as _;
    let new = || {
        fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    };
    let mut file = match new() {
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            fs::remove_file(path)?;
            new()?
        }
        other => other?,
    };
    file.write_all(bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))?;
    }
    Ok(())
}

/// Gives the build folder the previous output folder's owner, group and mode (or 0755
/// for a first build). An owner the user may not give away is left as it is.
fn take_over_attributes(dir: &Path, previous: Option<&fs::Metadata>) -> io::Result<()> {
    #[cfg(unix)]
    if let Some(previous) = previous {
        use std::os::unix::fs::{chown, MetadataExt};
        let mine = fs::metadata(dir)?;
        if (mine.uid(), mine.gid()) != (previous.uid(), previous.gid())
            && chown(dir, Some(previous.uid()), Some(previous.gid())).is_err()
        {
            // Not root: the group can still be kept when the user is in it.
            let _ = chown(dir, None, Some(previous.gid()));
        }
        // After chown, which may clear the set-group-ID bit.
        return set_mode(dir, previous.mode() & 0o7777);
    }
    let _ = previous;
    set_mode(dir, FOLDER_MODE)
}

/// Why `target`, an existing folder, must be updated in place rather than swapped:
/// it is a mount point, or it (or a folder in it) is mounted somewhere else too, in
/// this mount namespace or another one (a container's). `None` when it can be swapped.
#[cfg(target_os = "linux")]
pub(crate) fn in_place_reason(target: &Path) -> Option<String> {
    use std::os::unix::fs::MetadataExt;
    let target = target.canonicalize().ok()?;
    let dev = fs::metadata(&target).ok()?.dev();
    let parent_dev = target
        .parent()
        .and_then(|p| fs::metadata(p).ok())
        .map(|m| m.dev());
    if parent_dev.is_some_and(|p| p != dev) {
        return Some("the output folder is a mount point".into());
    }
    let own = fs::read_to_string("/proc/self/mountinfo").ok()?;
    let own = mountinfo::parse(&own);
    if own.iter().any(|m| m.mount_point == target) {
        return Some("the output folder is a mount point".into());
    }
    let dev = mountinfo::Dev::of(dev);
    let inner = mountinfo::path_in_filesystem(&own, dev, &target)?;
    if let Some(m) = mountinfo::mounted_from(&own, dev, &inner) {
        return Some(format!(
            "the output folder is also mounted at `{}`",
            m.mount_point.display()
        ));
    }
    let mounted_elsewhere = mountinfo::other_namespaces()
        .iter()
        .any(|text| mountinfo::mounted_from(&mountinfo::parse(text), dev, &inner).is_some());
    mounted_elsewhere.then(|| {
        "the output folder is mounted in another mount namespace (a container's volume)".into()
    })
}

#[cfg(not(target_os = "linux"))]
pub fn in_place_reason(_: &Path) -> Option<String> {
    None
}

/// Reading `/proc/<pid>/mountinfo`.
#[cfg(target_os = "linux")]
mod mountinfo {
    use std::collections::HashSet;
    use std::fs;
    use std::path::{Path, PathBuf};

    /// A device number as mountinfo writes it (`major:minor`).
    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    pub(super) struct Dev(pub u32, pub u32);

    impl Dev {
        pub(super) fn of(dev: u64) -> Dev {
            Dev(libc::major(dev), libc::minor(dev))
        }
    }

    /// One mount.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub(super) struct Mount {
        /// The file system holding it.
        pub dev: Dev,
        /// The folder of that file system that is mounted.
        pub root: PathBuf,
        /// Where it is mounted.
        pub mount_point: PathBuf,
    }

    /// The mounts of one mountinfo text; malformed lines are skipped.
    pub(super) fn parse(text: &str) -> Vec<Mount> {
        text.lines()
            .filter_map(|line| {
                let mut fields = line.split(' ');
                let dev = fields.nth(2)?;
                let (major, minor) = dev.split_once(':')?;
                let root = fields.next()?;
                let mount_point = fields.next()?;
                Some(Mount {
                    dev: Dev(major.parse().ok()?, minor.parse().ok()?),
                    root: PathBuf::from(unescape(root)),
                    mount_point: PathBuf::from(unescape(mount_point)),
                })
            })
            .collect()
    }

    /// mountinfo writes space, tab, newline and backslash as `\ooo`.
    fn unescape(field: &str) -> String {
        let bytes = field.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            let octal = bytes
                .get(i + 1..i + 4)
                .filter(|d| bytes[i] == b'\\' && d.iter().all(|b| (b'0'..=b'7').contains(b)));
            match octal {
                Some(d) => {
                    out.push(d.iter().fold(0u8, |n, b| n.wrapping_mul(8) + (b - b'0')));
                    i += 4;
                }
                None => {
                    out.push(bytes[i]);
                    i += 1;
                }
            }
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// Where `path` (canonical, on `dev`) is inside its file system: the mount that holds
    /// it, its root, and the rest of the path.
    pub(super) fn path_in_filesystem(mounts: &[Mount], dev: Dev, path: &Path) -> Option<PathBuf> {
        let holder = mounts
            .iter()
            .filter(|m| m.dev == dev && path.starts_with(&m.mount_point))
            .max_by_key(|m| m.mount_point.components().count())?;
        let rest = path.strip_prefix(&holder.mount_point).ok()?;
        Some(holder.root.join(rest))
    }

    /// A mount of `inner` (a folder of the file system `dev`) or of a folder inside it.
    pub(super) fn mounted_from<'m>(
        mounts: &'m [Mount],
        dev: Dev,
        inner: &Path,
    ) -> Option<&'m Mount> {
        mounts
            .iter()
            .find(|m| m.dev == dev && m.root.starts_with(inner))
    }

    /// The mountinfo of one process in each mount namespace other than this one that
    /// can be read (all of them for root).
    pub(super) fn other_namespaces() -> Vec<String> {
        let own = fs::read_link("/proc/self/ns/mnt").ok();
        let mut seen: HashSet<PathBuf> = own.into_iter().collect();
        let Ok(processes) = fs::read_dir("/proc") else {
            return Vec::new();
        };
        processes
            .flatten()
            .filter(|p| {
                p.file_name()
                    .to_string_lossy()
                    .bytes()
                    .all(|b| b.is_ascii_digit())
            })
            .filter_map(|p| {
                let ns = fs::read_link(p.path().join("ns/mnt")).ok()?;
                if !seen.insert(ns) {
                    return None;
                }
                fs::read_to_string(p.path().join("mountinfo")).ok()
            })
            .collect()
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const SAMPLE: &str = "\
22 1 254:0 / / rw,relatime - ext4 /dev/vda rw
45 22 254:0 /srv/site/public /mnt/web\\040root rw,relatime - ext4 /dev/vda rw
46 22 0:40 / /srv/site/volume rw - tmpfs tmpfs rw
";

        #[test]
        fn mounts_and_bind_mount_sources_are_found() {
            let mounts = parse(SAMPLE);
            assert_eq!(mounts.len(), 3);
            assert_eq!(mounts[1].mount_point, Path::new("/mnt/web root"));
            let dev = Dev(254, 0);
            let public = path_in_filesystem(&mounts, dev, Path::new("/srv/site/public")).unwrap();
            assert_eq!(public, Path::new("/srv/site/public"));
            let found = mounted_from(&mounts, dev, &public).unwrap();
            assert_eq!(found.mount_point, Path::new("/mnt/web root"));
            let other = path_in_filesystem(&mounts, dev, Path::new("/srv/other")).unwrap();
            assert!(mounted_from(&mounts, dev, &other).is_none());
            // Inside the bind mount, paths are the source's.
            let via = path_in_filesystem(&mounts, dev, Path::new("/mnt/web root/people")).unwrap();
            assert_eq!(via, Path::new("/srv/site/public/people"));
        }
    }
}

/// Makes the folder `to` hold what `from` holds, one file at a time: new and changed
/// files are written beside their old selves and renamed over them (assets first, then
/// HTML pages, so a page never names an asset that is not there yet); then files and
/// folders that `from` lacks are removed, except the kept top-level names. Folders
/// and unchanged files keep their inodes, so every mount of `to` sees the new site.
fn update_in_place(from: &Path, to: &Path, keep: &[String]) -> Result<(), WriteError> {
    let mut files: Vec<PathBuf> = Vec::new();
    for entry in walkdir::WalkDir::new(from).min_depth(1).sort_by_file_name() {
        let entry = entry.map_err(|e| WriteError::Io {
            context: format!("cannot read `{}`", from.display()),
            source: e.into(),
        })?;
        let rel = entry.path().strip_prefix(from).unwrap_or(entry.path());
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            let existing = fs::symlink_metadata(&dest).ok();
            if existing.as_ref().is_some_and(|m| !m.is_dir()) {
                fs::remove_file(&dest).map_err(io_error(format!(
                    "cannot replace `{}` with a folder",
                    dest.display()
                )))?;
            }
            if existing.is_none_or(|m| !m.is_dir()) {
                fs::create_dir(&dest)
                    .and_then(|()| set_mode(&dest, FOLDER_MODE))
                    .map_err(io_error(format!("cannot create `{}`", dest.display())))?;
            }
        } else if entry.file_type().is_file() {
            files.push(rel.to_path_buf());
        }
    }
    let is_page = |p: &PathBuf| p.extension().is_some_and(|e| e == "html");
    files.sort_by_key(is_page);
    for rel in &files {
        replace_if_changed(&from.join(rel), &to.join(rel))?;
    }
    remove_stale(from, to, keep, true)
}

/// Copies `from` over `to` through a temporary file beside `to`, unless they already hold
/// the same bytes.
fn replace_if_changed(from: &Path, to: &Path) -> Result<(), WriteError> {
    let new = fs::read(from).map_err(io_error(format!("cannot read `{}`", from.display())))?;
    let same = match fs::symlink_metadata(to) {
        Ok(m) if m.is_file() && m.len() == new.len() as u64 => {
            fs::read(to).is_ok_and(|old| old == new)
        }
        Ok(m) if m.is_dir() => {
            fs::remove_dir_all(to).map_err(io_error(format!(
                "cannot replace the folder `{}` with a file",
                to.display()
            )))?;
            false
        }
        _ => false,
    };
    if same {
        return Ok(());
    }
    let name = to.file_name().unwrap_or_default().to_string_lossy();
    let temp = to.with_file_name(format!(".{name}{NEW_FILE_TAG}{}", std::process::id()));
    write_readable(&temp, &new)
        .and_then(|()| fs::rename(&temp, to))
        .map_err(|e| {
            let _ = fs::remove_file(&temp);
            WriteError::Io {
                context: format!("cannot write `{}`", to.display()),
                source: e,
            }
        })
}

/// What marks a file being written by an update in place (`.<name>.casefile-new-<pid>`).
const NEW_FILE_TAG: &str = ".casefile-new-";

/// Removes what `to` holds and `from` lacks (at the top, except kept names), and files
/// left by a killed update in place.
fn remove_stale(from: &Path, to: &Path, keep: &[String], top: bool) -> Result<(), WriteError> {
    let entries = fs::read_dir(to).map_err(io_error(format!("cannot read `{}`", to.display())))?;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let leftover = name.to_string_lossy().contains(NEW_FILE_TAG);
        if top && is_kept(&name, keep) && !leftover {
            continue;
        }
        let path = entry.path();
        let source = fs::symlink_metadata(from.join(&name)).ok();
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        let removed = match (&source, is_dir) {
            (Some(s), true) if s.is_dir() && !leftover => {
                remove_stale(&from.join(&name), &path, keep, false)?;
                continue;
            }
            (Some(_), false) if !leftover => continue,
            (_, true) => fs::remove_dir_all(&path),
            (_, false) => fs::remove_file(&path),
        };
        removed.map_err(io_error(format!("cannot remove `{}`", path.display())))?;
    }
    Ok(())
}

/// The text of `file` (relative to the output folder) as the last good build left it;
/// `None` when there is no such file, or the output folder is not a folder (which the
/// build reports on its own).
pub(crate) fn last_build_file(output: &Path, file: &str) -> std::io::Result<Option<String>> {
    if !output.is_dir() {
        return Ok(None);
    }
    match fs::read_to_string(output.join(file)) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
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
    fn linked_files_are_links_where_they_can_be_and_copies_where_not() {
        let (dir, target, root) = site_and_output();
        let kept = dir.path().join("kept.png");
        fs::write(&kept, b"card").unwrap();
        let mut staging = Staging::at(&target, &[], &root).unwrap();
        assert_eq!(staging.link("share/a/card.png", &kept).unwrap(), 4);
        // A name that is taken cannot be linked: the file is copied over it.
        staging.put("share/b/card.png", b"old").unwrap();
        assert_eq!(staging.link("share/b/card.png", &kept).unwrap(), 4);
        assert!(staging.link("../escape.png", &kept).is_err());
        assert!(staging
            .link("share/c/card.png", &dir.path().join("none"))
            .is_err());
        // A file written where a linked one is replaces it, and leaves the cache's file
        // as it was.
        staging.link("share/d/card.png", &kept).unwrap();
        staging.put("share/d/card.png", b"static").unwrap();
        assert_eq!(fs::read(&kept).unwrap(), b"card");
        #[cfg(unix)]
        {
            // A symbolic link is not published, wherever it points.
            let link = dir.path().join("link.png");
            std::os::unix::fs::symlink(&kept, &link).unwrap();
            assert!(staging.link("share/e/card.png", &link).is_err());
        }
        let mut rest = output(&[]);
        rest.streamed.insert("share/a/card.png".into(), 4);
        rest.streamed.insert("share/b/card.png".into(), 4);
        staging.swap_in(&rest).unwrap();
        for name in ["share/a/card.png", "share/b/card.png"] {
            assert_eq!(fs::read(target.join(name)).unwrap(), b"card");
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            let ino = |p: &Path| fs::metadata(p).unwrap().ino();
            assert_eq!(ino(&target.join("share/a/card.png")), ino(&kept));
            assert_ne!(ino(&target.join("share/b/card.png")), ino(&kept));
        }
        assert!(!dir.path().join("escape.png").exists());
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

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        use std::os::unix::fs::PermissionsExt;
        fs::metadata(path).unwrap().permissions().mode() & 0o7777
    }

    #[cfg(unix)]
    #[test]
    fn the_output_keeps_its_mode_and_group_and_files_are_readable_by_all() {
        use std::os::unix::fs::MetadataExt;
        let (_dir, target, root) = site_and_output();
        let site = output(&[("index.html", "one"), ("people/a/index.html", "a")]);
        write_into(&target, &[], &site, &root).unwrap();
        assert_eq!(mode_of(&target), 0o755);
        assert_eq!(mode_of(&target.join("people/a")), 0o755);
        assert_eq!(mode_of(&target.join("people/a/index.html")), 0o644);
        set_mode(&target, 0o2750).unwrap();
        // Any group will do for root; others may only pick their own groups.
        let gid = 4242;
        let group_set = std::os::unix::fs::chown(&target, None, Some(gid)).is_ok();
        if !group_set {
            eprintln!("not root: the group part of this test is skipped");
        }
        write_into(&target, &[], &site, &root).unwrap();
        assert_eq!(mode_of(&target), 0o2750);
        if group_set {
            assert_eq!(fs::metadata(&target).unwrap().gid(), gid);
            // The set-group-ID bit passed the group on to what the build created.
            assert_eq!(fs::metadata(target.join("people")).unwrap().gid(), gid);
        }
        assert_eq!(mode_of(&target.join("index.html")), 0o644);
    }

    #[cfg(unix)]
    #[test]
    fn an_update_in_place_keeps_the_folder_and_unchanged_files_and_removes_stale_ones() {
        use std::os::unix::fs::MetadataExt;
        let (dir, target, root) = site_and_output();
        let first = output(&[
            ("index.html", "one"),
            ("style.css", "css"),
            ("old/index.html", "old"),
            ("people/a/index.html", "a"),
            ("people/b/index.html", "b"),
        ]);
        write_into(&target, &[], &first, &root).unwrap();
        fs::create_dir_all(target.join(".git")).unwrap();
        fs::write(target.join(".git/HEAD"), "ref").unwrap();
        fs::write(target.join("CNAME"), "example.org").unwrap();
        // Left by an update in place that was killed.
        fs::write(target.join(".index.html.casefile-new-4000000000"), "x").unwrap();
        fs::write(target.join("people/.a.casefile-new-4000000000"), "x").unwrap();
        let inode = |p: &Path| fs::metadata(p).unwrap().ino();
        let (folder, css, people) = (
            inode(&target),
            inode(&target.join("style.css")),
            inode(&target.join("people")),
        );

        let mut staging = Staging::at(&target, &["CNAME".into()], &root).unwrap();
        staging.in_place = Some("forced by the test".into());
        let second = output(&[
            ("index.html", "two"),
            ("style.css", "css"),
            ("people/a/index.html", "a2"),
            ("people/c/index.html", "c"),
            ("old", "now a file"),
        ]);
        let summary = staging.swap_in(&second).unwrap();

        assert_eq!(summary.in_place.as_deref(), Some("forced by the test"));
        assert_eq!(inode(&target), folder, "the same folder, updated");
        assert_eq!(inode(&target.join("people")), people);
        assert_eq!(
            inode(&target.join("style.css")),
            css,
            "unchanged: not rewritten"
        );
        let read = |rel: &str| fs::read_to_string(target.join(rel)).unwrap();
        assert_eq!(read("index.html"), "two");
        assert_eq!(read("people/a/index.html"), "a2");
        assert_eq!(read("people/c/index.html"), "c");
        assert_eq!(read("old"), "now a file");
        assert!(!target.join("people/b").exists(), "stale pages are removed");
        assert_eq!(read(".git/HEAD"), "ref");
        assert_eq!(read("CNAME"), "example.org");
        assert_eq!(mode_of(&target.join("people/c")), 0o755);
        assert_eq!(mode_of(&target.join("people/c/index.html")), 0o644);
        let mut names = names_in(&target);
        names.sort();
        assert_eq!(
            names,
            [".git", "CNAME", "index.html", "old", "people", "style.css"]
                .map(OsString::from)
                .to_vec()
        );
        assert_eq!(names_in(&target.join("people")).len(), 2);
        assert_eq!(names_in(dir.path()).len(), 2, "the build folder is gone");
    }

    #[test]
    fn a_plain_folder_is_swapped_not_updated_in_place() {
        let (_dir, target, root) = site_and_output();
        fs::create_dir_all(&target).unwrap();
        assert_eq!(in_place_reason(&target), None);
        let summary = write_into(&target, &[], &output(&[("a", "b")]), &root).unwrap();
        assert!(summary.in_place.is_none());
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
