//! The folder where encoded images and share cards are kept between builds,
//! `.casefile-cache/` in the site folder, keyed by what made them (content, settings,
//! encoder), so a file is encoded once and then read back.
//!
//! The folder ignores itself for git (it holds a `.gitignore` of `*`) and is marked as
//! a cache for backup tools (`CACHEDIR.TAG`). A cache that cannot be written (a
//! read-only site) only makes builds slower: every problem here is ignored, and a file
//! read back is checked against nothing but its name, which is a hash of its inputs.

use std::path::PathBuf;

use crate::config::Config;

/// The cache of one site.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    dir: PathBuf,
}

/// The folder name, in the site folder.
pub(crate) const CACHE_DIR: &str = ".casefile-cache";

const TAG: &str = "Signature: 8a477f597d28d172789f06886806bc55\n# This folder is a cache made by casefile; it can be deleted at any time.\n";

impl Cache {
    /// The cache of the site of `config`.
    pub(crate) fn of(config: &Config) -> Cache {
        Cache::of_folder(&config.root)
    }

    /// The cache of the site in `root`.
    pub(crate) fn of_folder(root: &std::path::Path) -> Cache {
        Cache {
            dir: root.join(CACHE_DIR),
        }
    }

    fn file(&self, kind: &str, key: &str, ext: &str) -> PathBuf {
        self.dir.join(kind).join(format!("{key}.{ext}"))
    }

    /// The bytes kept under `key`, if any.
    pub(crate) fn get(&self, kind: &str, key: &str, ext: &str) -> Option<Vec<u8>> {
        let file = self.file_of(kind, key, ext)?;
        std::fs::read(file).ok().filter(|b| !b.is_empty())
    }

    /// The file kept under `key`, if any: for a caller that links it into the output
    /// instead of reading it. Only a regular file is one: a symbolic link (to a key, to
    /// `/dev/zero`), a pipe or a device put in the folder is not read, linked or
    /// published.
    pub(crate) fn file_of(&self, kind: &str, key: &str, ext: &str) -> Option<PathBuf> {
        let file = self.file(kind, key, ext);
        std::fs::symlink_metadata(&file)
            .is_ok_and(|m| m.file_type().is_file() && m.len() > 0)
            .then_some(file)
    }

    /// Keeps `bytes` under `key`: written beside and renamed into place, so that two
    /// builds at once never see half a file.
    pub(crate) fn put(&self, kind: &str, key: &str, ext: &str, bytes: &[u8]) {
        let target = self.file(kind, key, ext);
        let Some(folder) = target.parent() else {
            return;
        };
        if !self.dir.is_dir() {
            if std::fs::create_dir_all(&self.dir).is_err() {
                return;
            }
            let _ = std::fs::write(self.dir.join(".gitignore"), "*\n");
            let _ = std::fs::write(self.dir.join("CACHEDIR.TAG"), TAG);
        }
        if std::fs::create_dir_all(folder).is_err() {
            return;
        }
        let partial = folder.join(format!(
            ".{key}.{}.{:?}.partial",
            std::process::id(),
            std::thread::current().id()
        ));
        // A kept file is never changed in place, only replaced by a rename: the output
        // may hold hard links to it (`render::PageSink::link`).
        if std::fs::write(&partial, bytes).is_ok() && std::fs::rename(&partial, &target).is_err() {
            let _ = std::fs::remove_file(&partial);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_files_are_read_back_and_the_folder_ignores_itself() {
        let tmp = tempfile::tempdir().unwrap();
        let cache = Cache {
            dir: tmp.path().join(CACHE_DIR),
        };
        assert_eq!(cache.get("images", "k", "webp"), None);
        cache.put("images", "k", "webp", b"RIFF");
        assert_eq!(
            cache.get("images", "k", "webp").as_deref(),
            Some(&b"RIFF"[..])
        );
        let file = cache.file_of("images", "k", "webp").unwrap();
        assert_eq!(std::fs::read(file).unwrap(), b"RIFF");
        assert_eq!(cache.file_of("images", "other", "webp"), None);
        // A symbolic link in the cache is no kept file, whatever it points to.
        #[cfg(unix)]
        {
            let secret = tmp.path().join("secret");
            std::fs::write(&secret, b"key").unwrap();
            let link = tmp.path().join(CACHE_DIR).join("images").join("s.webp");
            std::os::unix::fs::symlink(&secret, link).unwrap();
            assert_eq!(cache.file_of("images", "s", "webp"), None);
            assert_eq!(cache.get("images", "s", "webp"), None);
        }
        let ignore = std::fs::read_to_string(tmp.path().join(CACHE_DIR).join(".gitignore"));
        assert_eq!(ignore.unwrap(), "*\n");
    }
}
