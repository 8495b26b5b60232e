//! The content files read by earlier runs, kept while they are unchanged on disk, so that
//! `casefile serve` reads and parses only the files an edit touched.
//!
//! A file is taken as unchanged while its stamp (size, modification time and, on Unix,
//! inode and change time) is the one it had before it was read. An empty cache, as
//! `build` and `check` use, holds nothing and every file is read.

use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::Metadata;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::SystemTime;

use super::SourceFile;

/// Content files by full path, with the stamp they were read under.
#[derive(Debug, Default)]
pub(crate) struct FileCache {
    // Keyed by the path's bytes: hashing a `Path` goes component by component, which
    // cost more than the rest of a lookup over 10,000 files.
    files: HashMap<OsString, (Stamp, Arc<SourceFile>)>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Stamp {
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
    changed: i64,
    changed_ns: i64,
}

impl Stamp {
    fn of(path: &Path) -> Option<Stamp> {
        std::fs::symlink_metadata(path)
            .ok()
            .map(|m| Stamp::from(&m))
    }

    fn from(meta: &Metadata) -> Stamp {
        #[cfg(unix)]
        let (inode, changed, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let (inode, changed, changed_ns) = (0, 0, 0);
        Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
            changed,
            changed_ns,
        }
    }
}

impl FileCache {
    /// The file read before at `path`, if `metadata` (taken before any new read) shows
    /// the same stamp.
    pub(super) fn get(&self, path: &Path, metadata: &Metadata) -> Option<Arc<SourceFile>> {
        let (stamp, file) = self.files.get(path.as_os_str())?;
        (*stamp == Stamp::from(metadata)).then(|| Arc::clone(file))
    }

    /// Keeps the files just `read` (with their metadata from before the read) and
    /// forgets those that are gone or no longer load: the cache holds `files` only.
    pub(super) fn update(
        &mut self,
        read: &[(PathBuf, Metadata, Arc<SourceFile>)],
        files: &[Arc<SourceFile>],
    ) {
        for (path, metadata, file) in read {
            // Only a stamp taken before the read can vouch for what was read.
            let stamp = Stamp::from(metadata);
            if Stamp::of(path) == Some(stamp) {
                self.files
                    .insert(path.as_os_str().to_owned(), (stamp, Arc::clone(file)));
            } else {
                self.files.remove(path.as_os_str());
            }
        }
        if self.files.len() > files.len() {
            let kept: HashSet<*const SourceFile> = files.iter().map(Arc::as_ptr).collect();
            self.files
                .retain(|_, (_, file)| kept.contains(&Arc::as_ptr(file)));
        }
    }

    /// How many files are kept.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.files.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::load_content;

    #[test]
    fn unchanged_files_are_shared_and_changed_ones_read_again() {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.yaml", "title: T\nbase_url: https://example.org/\n");
        std::fs::create_dir_all(tmp.path().join("themes/default")).unwrap();
        write("content/_index.md", "---\ntitle: Home\n---\nHi.\n");
        write("content/about.md", "---\ntitle: About\n---\nA.\n");
        let config = crate::config::test_config(tmp.path());
        let mut cache = FileCache::default();
        let (first, problems) = load_content(&config, &mut cache);
        assert!(problems.is_empty(), "{problems}");
        write("content/about.md", "---\ntitle: About us\n---\nA.\n");
        let (second, _) = load_content(&config, &mut cache);
        assert!(
            Arc::ptr_eq(&first[0], &second[0]),
            "the home page is shared"
        );
        assert!(!Arc::ptr_eq(&first[1], &second[1]), "the edit is read");
        assert_eq!(
            second[1].front.get("title").and_then(|t| t.as_str()),
            Some("About us")
        );
        std::fs::remove_file(tmp.path().join("content/about.md")).unwrap();
        let (third, _) = load_content(&config, &mut cache);
        assert_eq!(third.len(), 1);
        assert_eq!(cache.len(), 1, "the removed file is forgotten");
    }
}
