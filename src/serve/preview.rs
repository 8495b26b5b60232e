//! The site `casefile serve` shows: built in memory, and rebuilt after each change by
//! the same stages as `casefile build` ([`crate::run`]), given the memo of the last run.
//!
//! The memo makes a rebuild cheap: content files whose stamp did not change are neither
//! read nor typed again, unchanged documents keep their rendered Markdown, and only the
//! pages that read something that changed are rendered (each page's reads are recorded
//! as it renders). A change to `site.yaml`, templates or static files starts from an
//! empty memo. After a failed rebuild the last good site stays served; the next rebuild
//! is compared with it.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::config::{load_config, BuildOptions, Config};
use crate::diagnostic::Diagnostics;
use crate::{Memo, Progress};

/// The served site: site-relative path to contents, shared cheaply between threads.
pub type Files = BTreeMap<String, Arc<Vec<u8>>>;

/// What changed on disk, as far as a rebuild needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// Only files under `content/`.
    Content,
    /// Templates, static files, `site.yaml` or anything else: rebuild everything.
    Everything,
}

/// What one successful rebuild did.
#[derive(Debug, Clone, Default)]
pub struct Rebuild {
    /// Whether every page was rendered.
    pub full: bool,
    /// The output paths of the pages rendered, sorted.
    pub rendered: Vec<String>,
    /// Output paths removed from the site.
    pub removed: Vec<String>,
    /// Whether any served file differs from before.
    pub changed: bool,
    /// Wall time of the load, model and resolve stages.
    pub front: Duration,
    /// Wall time of each stage: `load`, `model`, `resolve`, `index`, `render`,
    /// `publish`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Wall time of the whole rebuild.
    pub elapsed: Duration,
    /// What the build warns of (empty when no content file changed since the last).
    pub warnings: Diagnostics,
}

/// A site kept in memory between rebuilds.
pub struct Preview {
    options: BuildOptions,
    config: Option<Config>,
    memo: Memo,
    files: Arc<Files>,
    search: bool,
    /// A rebuild from an empty memo is owed (the configuration changed, or the last
    /// attempt at one failed).
    full_owed: bool,
    /// The warnings of the last run that read the content (a run that finds no content
    /// file changed keeps them).
    warnings: Diagnostics,
}

impl Preview {
    /// A site that has not been built yet. `options.base_url` should be the address the
    /// site is served at.
    pub fn new(options: BuildOptions) -> Self {
        Preview {
            options,
            config: None,
            memo: Memo::kept(),
            files: Arc::new(Files::new()),
            search: true,
            full_owed: true,
            warnings: Diagnostics::new(),
        }
    }

    /// Never builds the search index, whatever `site.yaml` says (it takes seconds on a
    /// site with thousands of pages).
    pub fn without_search_index(mut self) -> Self {
        self.search = false;
        self
    }

    /// The configuration of the last rebuild that got that far.
    pub fn config(&self) -> Option<&Config> {
        self.config.as_ref()
    }

    /// The options the site is built with.
    pub fn options(&self) -> &BuildOptions {
        &self.options
    }

    /// The last good site (empty before the first successful build).
    pub fn files(&self) -> Arc<Files> {
        Arc::clone(&self.files)
    }

    /// Whether a build has succeeded yet.
    pub fn has_site(&self) -> bool {
        !self.files.is_empty()
    }

    /// Rebuilds after `change`. On failure the last good site is kept, and the next
    /// rebuild is compared with it.
    pub fn rebuild(&mut self, change: Change) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        self.full_owed |= change == Change::Everything || self.config.is_none();
        if self.full_owed {
            self.config = None;
            self.memo = Memo::kept();
            let mut config = load_config(&self.options)?;
            config.site.search &= self.search;
            for edition in &mut config.translations {
                edition.site.search &= self.search;
            }
            self.config = Some(config);
        }
        let config = self.config.as_ref().expect("loaded above");
        let marks: Mutex<Vec<(&'static str, Instant)>> = Mutex::new(Vec::new());
        let progress = |p: Progress| {
            if let Progress::Stage(stage) = p {
                marks
                    .lock()
                    .expect("not poisoned")
                    .push((stage, Instant::now()));
            }
        };
        let run = crate::run(config, &mut self.memo, None, &progress)?;
        let marks = marks.into_inner().expect("not poisoned");
        let mut rebuild = Rebuild {
            stages: stage_times(&marks, Instant::now()),
            front: marks
                .iter()
                .find(|(stage, _)| *stage == "indexing")
                .map_or(started.elapsed(), |(_, at)| *at - started),
            ..Rebuild::default()
        };
        if let Some((output, report)) = run {
            self.warnings = report.warnings.clone();
            rebuild.full = output.full;
            let pages: std::collections::HashSet<&str> =
                output.site_pages.iter().map(String::as_str).collect();
            rebuild.rendered = output
                .files
                .keys()
                .filter(|p| pages.contains(p.as_str()))
                .cloned()
                .collect();
            let files = if output.full {
                let files: Files = output
                    .files
                    .into_iter()
                    .map(|(path, bytes)| (path, Arc::new(bytes)))
                    .collect();
                rebuild.changed = *self.files != files;
                rebuild.removed = self
                    .files
                    .keys()
                    .filter(|p| !files.contains_key(*p))
                    .cloned()
                    .collect();
                Arc::new(files)
            } else {
                let mut files = Arc::clone(&self.files);
                let served = Arc::make_mut(&mut files);
                for (path, bytes) in output.files {
                    if served.get(&path).is_none_or(|old| **old != bytes) {
                        rebuild.changed = true;
                        served.insert(path, Arc::new(bytes));
                    }
                }
                for path in output.removed {
                    if served.remove(&path).is_some() {
                        rebuild.changed = true;
                        rebuild.removed.push(path);
                    }
                }
                files
            };
            self.files = files;
        }
        self.full_owed = false;
        rebuild.warnings = self.warnings.clone();
        rebuild.elapsed = started.elapsed();
        Ok(rebuild)
    }
}

/// How long each stage took, from the times they started.
fn stage_times(marks: &[(&'static str, Instant)], end: Instant) -> Vec<(&'static str, Duration)> {
    marks
        .iter()
        .enumerate()
        .map(|(i, (stage, at))| {
            let next = marks.get(i + 1).map_or(end, |(_, t)| *t);
            let name = match *stage {
                "loading" => "load",
                "checking" => "model",
                "linking" => "resolve",
                "indexing" => "index",
                "rendering" => "render",
                "publishing" => "publish",
                other => other,
            };
            (name, next - *at)
        })
        .collect()
}
