//! Rebuilds for `serve`: read and check only the content files that changed, resolve
//! reusing the last graph's Markdown for unchanged documents, then render only the pages
//! whose template data changed.
//!
//! Content files are kept, read and checked against the schema, while their stamp (size,
//! times, inode) stays the same; they are shared with the graph, never copied. When every
//! file is the one the last graph was built from, that graph stands and nothing else
//! runs. The caches hold for one configuration: a change to `site.yaml`, templates or
//! static files starts them anew.
//!
//! The previous [`Graph`] is kept. After a content change the new graph is compared with
//! it node by node (both are sorted by document id, so a site with the same documents
//! has the same indexes):
//!
//! - a node whose *page* data changed (body, headings, fields, backlinks) gets its own
//!   page re-rendered;
//! - a node whose *card* changed (what templates see of it on other pages: title, URL,
//!   summary, dates, tags, fields with the titles of the entries they refer to, and the
//!   fields through which others refer to it) also re-renders every page that shows the
//!   card: the entries that refer to it and that it refers to (before and after the
//!   edit), its collection index, the tag pages it carries or carried, the home page, the
//!   timeline, the map and the search page (which lists every entry without JavaScript);
//! - a tag that gained or lost entries re-renders the tag index; a tag that lost its
//!   last entry has its page removed.
//!
//! Everything is re-rendered after a change to templates, static files or `site.yaml`,
//! when documents were added or removed, and when a standalone page's card changed
//! (every page lists the standalone pages in `site.pages`). What a theme shows of the
//! whole site on *entry* pages (every entry of a collection through `site.collections`,
//! `collection.entries` or `get_entry`; the tag list and counts through `site.tags`) is
//! refreshed on those full rebuilds only; the default theme shows none of it there.
//!
//! The [`render::Renderer`] (every card, the collections, the templates) is kept as well;
//! an edit rebuilds only the cards it changed, so rendering one page costs about as much
//! as that page.
//!
//! After a rebuild that rendered something, the sitemap, feed and timeline data are made
//! again only when what they read changed ([`Generated::may_differ`]); the search index
//! reads every document (about 0.4 s at 10,000 entries), so it is rebuilt on full
//! rebuilds only.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::config::{load_config, BuildOptions, Config};
use crate::diagnostic::Diagnostics;
use crate::model::DocId;
use crate::publish::Generated;
use crate::resolve::{DocIndex, Graph, Node, Resolved};
use crate::routes::Route;
use crate::{load, model, publish, render, resolve};

use rayon::prelude::*;

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
    /// Wall time of each stage: `load`, `model`, `resolve`, `select`, `render`, `publish`.
    pub stages: Vec<(&'static str, Duration)>,
    /// Wall time of the whole rebuild.
    pub elapsed: Duration,
}

/// A site kept in memory between rebuilds.
pub struct Incremental {
    options: BuildOptions,
    config: Option<Config>,
    graph: Option<Graph>,
    files: Arc<Files>,
    publish: bool,
    search: bool,
    sources: SourceCache,
    /// The content files `graph` was built from.
    built_from: Vec<Arc<load::SourceFile>>,
    /// Generated files that a static file of the same name replaces.
    replaced: BTreeSet<Generated>,
    full_owed: bool,
    /// The views and templates of the last good site, refreshed card by card.
    renderer: Option<render::Renderer>,
}

impl Incremental {
    /// A site that has not been built yet. `options.base_url` should be the address the
    /// site is served at.
    pub fn new(options: BuildOptions) -> Self {
        Incremental {
            options,
            config: None,
            graph: None,
            files: Arc::new(Files::new()),
            publish: true,
            search: true,
            sources: SourceCache::default(),
            built_from: Vec::new(),
            replaced: BTreeSet::new(),
            full_owed: true,
            renderer: None,
        }
    }

    /// Skips the publishing stage (sitemap, feed, search index) even on full rebuilds:
    /// for benchmarks and tests of the page selection.
    pub fn without_publishing(mut self) -> Self {
        self.publish = false;
        self
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
        self.graph.is_some()
    }

    /// Rebuilds after `change`. On failure the last good site is kept, and the next
    /// rebuild is compared with it.
    pub fn rebuild(&mut self, change: Change) -> Result<Rebuild, Diagnostics> {
        let started = Instant::now();
        // A full rebuild that failed stays owed until one succeeds: until then some
        // pages were rendered from old templates or an old `site.yaml`.
        self.full_owed |= change == Change::Everything || self.config.is_none();
        let mut full = self.full_owed || self.graph.is_none();
        if full {
            self.config = None;
            let mut config = load_config(&self.options)?;
            config.site.search &= self.search;
            self.config = Some(config);
        }
        let config = self.config.clone().expect("loaded above");
        let config = &config;
        let mut stages = Vec::new();
        // The last graph and its files are reused only under the same configuration.
        let previous = match (&self.graph, full) {
            (Some(graph), false) => Some((graph, self.built_from.as_slice())),
            _ => None,
        };
        if full {
            self.sources = SourceCache::default();
        }
        let (graph, built_from) =
            match front_half(config, previous, &mut self.sources, &mut stages)? {
                Front::Unchanged => {
                    stages.push(("select", Duration::ZERO));
                    return Ok(Rebuild {
                        front: started.elapsed(),
                        stages,
                        elapsed: started.elapsed(),
                        ..Rebuild::default()
                    });
                }
                Front::Changed(graph, built_from) => (*graph, built_from),
            };
        let front = started.elapsed();
        let selecting = Instant::now();
        let selection = match (&self.graph, full) {
            (Some(old), false) => select(old, &graph),
            _ => None,
        };
        stages.push(("select", selecting.elapsed()));
        let mut rebuild = match selection {
            None => {
                full = true;
                self.render_all(config, &graph)?
            }
            Some(selection) => self.render_selected(config, &graph, selection)?,
        };
        rebuild.full = full;
        rebuild.front = front;
        stages.append(&mut rebuild.stages);
        rebuild.stages = stages;
        rebuild.elapsed = started.elapsed();
        self.graph = Some(graph);
        self.built_from = built_from;
        self.full_owed = false;
        Ok(rebuild)
    }

    fn render_all(&mut self, config: &Config, graph: &Graph) -> Result<Rebuild, Diagnostics> {
        let asked = Mutex::new(Vec::new());
        let mut stages = Vec::new();
        let rendering = Instant::now();
        self.renderer = None;
        let renderer = render::Renderer::new(config, graph)?;
        let select = |path: &str| {
            asked.lock().expect("not poisoned").push(path.to_string());
            true
        };
        let mut output = renderer.render(config, graph, &select, None)?;
        self.renderer = Some(renderer);
        stages.push(("render", rendering.elapsed()));
        let publishing = Instant::now();
        self.replaced = Generated::ALL
            .into_iter()
            .filter(|file| output.files.contains_key(&file.path()))
            .collect();
        if self.publish {
            publish::publish(config, graph, &mut output);
        }
        stages.push(("publish", publishing.elapsed()));
        let mut rendered: Vec<String> = asked.into_inner().expect("not poisoned");
        rendered.retain(|p| output.files.contains_key(p));
        rendered.sort();
        let files: Files = output
            .files
            .into_iter()
            .map(|(path, bytes)| (path, Arc::new(bytes)))
            .collect();
        let changed = *self.files != files;
        let removed = self
            .files
            .keys()
            .filter(|p| !files.contains_key(*p))
            .cloned()
            .collect();
        self.files = Arc::new(files);
        Ok(Rebuild {
            rendered,
            removed,
            changed,
            stages,
            ..Rebuild::default()
        })
    }

    fn render_selected(
        &mut self,
        config: &Config,
        graph: &Graph,
        selection: Selection,
    ) -> Result<Rebuild, Diagnostics> {
        let Selection {
            pages,
            removed,
            changed_cards,
        } = selection;
        let mut rebuild = Rebuild::default();
        let rendering = Instant::now();
        // Cards are kept up to date even when no page shows the change, so that the
        // renderer always matches the graph kept beside it.
        let renderer = match self.renderer.take() {
            Some(mut renderer) => {
                renderer.refresh_cards(config, graph, &changed_cards);
                renderer
            }
            None => render::Renderer::new(config, graph)?,
        };
        if pages.is_empty() && removed.is_empty() {
            self.renderer = Some(renderer);
            return Ok(rebuild);
        }
        // A failed render leaves no renderer: the next rebuild makes a fresh one rather
        // than trust cards refreshed for a graph that was never kept.
        let output = renderer.render(config, graph, &|path| pages.contains(path), None)?;
        self.renderer = Some(renderer);
        rebuild.stages.push(("render", rendering.elapsed()));
        let publishing = Instant::now();
        // Pages a theme has no template for are selected but not rendered.
        let produced: BTreeSet<String> = output
            .files
            .keys()
            .filter(|p| pages.contains(*p))
            .cloned()
            .collect();
        let published = match (&self.graph, self.publish) {
            (Some(old), true) => republish(
                config,
                (old, graph),
                &self.files,
                (&produced, &removed),
                &self.replaced,
            ),
            _ => Vec::new(),
        };
        rebuild.stages.push(("publish", publishing.elapsed()));
        let files = Arc::make_mut(&mut self.files);
        for (path, bytes) in published {
            if files.get(&path).is_none_or(|old| **old != bytes) {
                rebuild.changed = true;
                files.insert(path, Arc::new(bytes));
            }
        }
        for (path, bytes) in output.files {
            if pages.contains(&path) {
                rebuild.rendered.push(path.clone());
            }
            if files.get(&path).is_none_or(|old| **old != bytes) {
                rebuild.changed = true;
                files.insert(path, Arc::new(bytes));
            }
        }
        for path in removed {
            if files.remove(&path).is_some() {
                rebuild.changed = true;
                rebuild.removed.push(path);
            }
        }
        Ok(rebuild)
    }
}

/// The sitemap, feed and timeline data that an incremental rebuild from `old` to `new`
/// changed, skipping any that a static file of the same name replaces. The search index
/// needs every page's text and is left as the last full build made it.
fn republish(
    config: &Config,
    (old, new): (&Graph, &Graph),
    files: &Files,
    (rendered, removed): (&BTreeSet<String>, &BTreeSet<String>),
    replaced: &BTreeSet<Generated>,
) -> Vec<(String, Vec<u8>)> {
    let pages_changed = rendered.iter().any(|p| !files.contains_key(p))
        || removed.iter().any(|p| files.contains_key(p));
    let stale: Vec<Generated> = Generated::ALL
        .into_iter()
        .filter(|file| !replaced.contains(file) && file.may_differ(old, new, pages_changed))
        .collect();
    if stale.is_empty() {
        return Vec::new();
    }
    // Generated files read which pages exist, not what they say.
    let mut paths: BTreeSet<&String> = files.keys().filter(|p| !removed.contains(*p)).collect();
    paths.extend(rendered);
    let pages = publish::page_paths(paths);
    stale
        .into_iter()
        .map(|file| {
            let text = file.text(config, new, &pages);
            (file.path(), text.into_bytes())
        })
        .collect()
}

/// What the front half made of the content.
enum Front {
    /// Every content file is the one the last graph was built from.
    Unchanged,
    /// A new graph, and the files it was built from.
    Changed(Box<Graph>, Vec<Arc<load::SourceFile>>),
}

/// Load, model and resolve, with every problem of the first failing stage. Files whose
/// stamp did not change are neither read nor checked again; when no file changed at
/// all, the last graph stands (a graph depends only on the configuration and the files).
fn front_half(
    config: &Config,
    previous: Option<(&Graph, &[Arc<load::SourceFile>])>,
    cache: &mut SourceCache,
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<Front, Diagnostics> {
    let mut clock = Instant::now();
    let mut lap = |name: &'static str| {
        stages.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let loaded = load::load_content_with(config, &|path, metadata| cache.reuse(path, metadata));
    let (sources, mut diagnostics) = cache.update(loaded);
    lap("load");
    if let Some((_, built_from)) = previous {
        let same = |a: &[Arc<load::SourceFile>], b: &[Arc<load::SourceFile>]| {
            a.len() == b.len() && a.iter().zip(b).all(|(a, b)| Arc::ptr_eq(a, b))
        };
        if diagnostics.is_empty() && same(&sources, built_from) {
            return Ok(Front::Unchanged);
        }
    }
    let checked = cache.checked(config, &sources);
    let model = model::assemble_model(config, checked.iter().map(Arc::as_ref));
    lap("model");
    match model {
        Ok(_) if !diagnostics.is_empty() => Err(diagnostics.sorted()),
        Err(more) => {
            diagnostics.extend(more);
            Err(diagnostics.sorted())
        }
        Ok(model) => {
            let graph = resolve::resolve(config, model, previous.map(|(graph, _)| graph));
            lap("resolve");
            Ok(Front::Changed(Box::new(graph?), sources))
        }
    }
}

/// Content files read and checked, reused while a file's size, modification time (and on
/// Unix its inode and change time) stay the same. Valid for one configuration: a full
/// rebuild starts a new cache.
#[derive(Default)]
struct SourceCache {
    /// Files by full path, with the stamp they were read under.
    files: HashMap<PathBuf, (Stamp, Arc<load::SourceFile>)>,
    /// The schema checks of the files last loaded, by the file's address. Each entry
    /// holds its file, so no other file can take that address while the entry lives.
    checks: HashMap<usize, (Arc<load::SourceFile>, Arc<model::CheckedFile>)>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
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

    fn from(meta: &std::fs::Metadata) -> Stamp {
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

impl SourceCache {
    /// The file read before at `path`, if `metadata` (taken before any new read) shows
    /// the same stamp.
    fn reuse(&self, path: &Path, metadata: &std::fs::Metadata) -> Option<Arc<load::SourceFile>> {
        let (stamp, file) = self.files.get(path)?;
        (*stamp == Stamp::from(metadata)).then(|| Arc::clone(file))
    }

    /// Keeps the files `loaded` read, and forgets files that are gone or no longer load;
    /// returns the files and problems.
    fn update(&mut self, loaded: load::Loaded) -> (Vec<Arc<load::SourceFile>>, Diagnostics) {
        for (path, metadata, file) in loaded.read {
            // Only a stamp taken before the read can vouch for what was read.
            let stamp = Stamp::from(&metadata);
            if Stamp::of(&path) == Some(stamp) {
                self.files.insert(path, (stamp, file));
            } else {
                self.files.remove(&path);
            }
        }
        if self.files.len() > loaded.files.len() {
            let kept: std::collections::HashSet<usize> = loaded.files.iter().map(address).collect();
            self.files
                .retain(|_, (_, file)| kept.contains(&address(file)));
        }
        (loaded.files, loaded.diagnostics)
    }

    /// Each of `sources` checked against the schema: the last check of a file loaded
    /// last time too, a new check for any other. Keeps the checks of `sources` only.
    fn checked(
        &mut self,
        config: &Config,
        sources: &[Arc<load::SourceFile>],
    ) -> Vec<Arc<model::CheckedFile>> {
        let checks = &self.checks;
        let checked: Vec<Arc<model::CheckedFile>> = sources
            .par_iter()
            .map(|source| match checks.get(&address(source)) {
                Some((_, checked)) => Arc::clone(checked),
                None => Arc::new(model::check_file(config, source)),
            })
            .collect();
        self.checks = sources
            .iter()
            .zip(&checked)
            .map(|(source, checked)| (address(source), (Arc::clone(source), Arc::clone(checked))))
            .collect();
        checked
    }
}

/// Where a shared file lives: its identity while it is shared.
fn address(file: &Arc<load::SourceFile>) -> usize {
    Arc::as_ptr(file) as usize
}

/// Pages to re-render, pages to remove, and the nodes whose cards changed.
#[derive(Debug, Default)]
struct Selection {
    pages: BTreeSet<String>,
    removed: BTreeSet<String>,
    changed_cards: Vec<DocIndex>,
}

fn page_path(node: &Node) -> String {
    node.route.output_file()
}

/// The pages an edit from `old` to `new` can change, or `None` when everything must be
/// re-rendered. Parts of a node shared with the old graph (the same [`Arc`]) are equal
/// without being compared.
fn select(old: &Graph, new: &Graph) -> Option<Selection> {
    if old.nodes.len() != new.nodes.len()
        || old
            .nodes
            .iter()
            .zip(&new.nodes)
            .any(|(a, b)| a.doc.id != b.doc.id)
    {
        return None;
    }
    let n = new.nodes.len();
    let same_doc: Vec<bool> = (0..n)
        .map(|i| Arc::ptr_eq(&old.nodes[i].doc, &new.nodes[i].doc))
        .collect();
    let retitled: Vec<bool> = (0..n)
        .map(|i| !same_doc[i] && old.nodes[i].doc.title != new.nodes[i].doc.title)
        .collect();
    let any_retitled = retitled.contains(&true);
    let mut selection = Selection::default();
    let mut any_card = false;
    for (i, &same_doc) in same_doc.iter().enumerate() {
        let (a, b) = (&old.nodes[i], &new.nodes[i]);
        let card_changed = card_changed(old, new, i, same_doc, any_retitled.then_some(&retitled));
        let page_changed = card_changed
            || (!Arc::ptr_eq(&a.content, &b.content) && a.content != b.content)
            || (!Arc::ptr_eq(&a.toc, &b.toc) && a.toc != b.toc)
            || (!same_doc && a.doc.path != b.doc.path)
            || old.backlinks[i] != new.backlinks[i];
        if page_changed {
            selection.pages.insert(page_path(b));
        }
        if !card_changed {
            continue;
        }
        selection.changed_cards.push(i);
        if matches!(b.doc.id, DocId::Page(_)) {
            // Every page lists the standalone pages.
            return None;
        }
        any_card = true;
        let related = old.backlinks[i]
            .iter()
            .chain(&new.backlinks[i])
            .flat_map(|g| g.docs.iter().copied())
            .chain(old.targets_of(i))
            .chain(new.targets_of(i));
        for j in related {
            selection.pages.insert(page_path(&new.nodes[j]));
        }
        if let Some(id) = b.doc.id.entry() {
            let index = Route::CollectionIndex(id.collection.clone());
            selection.pages.insert(index.output_file());
        }
        for tag in a.doc.tags.iter().chain(&b.doc.tags) {
            selection.pages.insert(Route::tag(tag).output_file());
        }
    }
    if any_card {
        // The pages that list entries of every collection.
        for page in [Route::Home, Route::Timeline, Route::Map, Route::Search] {
            selection.pages.insert(page.output_file());
        }
    }
    let tag_summary = |g: &Graph| -> Vec<(String, String, usize)> {
        g.tags
            .values()
            .map(|t| (t.slug.clone(), t.name.clone(), t.docs.len()))
            .collect()
    };
    if tag_summary(old) != tag_summary(new) {
        selection.pages.insert(Route::TagIndex.output_file());
        for (slug, tag) in &new.tags {
            if old.tags.get(slug).is_none_or(|o| o.docs != tag.docs) {
                selection
                    .pages
                    .insert(Route::Tag(slug.clone()).output_file());
            }
        }
    }
    for slug in old.tags.keys() {
        if !new.tags.contains_key(slug) {
            let path = Route::Tag(slug.clone()).output_file();
            selection.pages.remove(&path);
            selection.removed.insert(path);
        }
    }
    Some(selection)
}

/// Whether node `i`'s card (what templates see of it on other pages, built by
/// [`render::view::build_views`]) differs: its link (title; the URL follows from the id),
/// summary, dates, tags, fields (which show the titles of the entries they refer to),
/// and `referenced_by` (the fields through which others refer to it). `same_doc` tells
/// that both nodes share their document; `retitled` marks the nodes whose title changed,
/// when any did.
///
/// `tests/serve.rs` fails when cards gain a key, so this comparison is kept complete.
fn card_changed(
    old: &Graph,
    new: &Graph,
    i: DocIndex,
    same_doc: bool,
    retitled: Option<&Vec<bool>>,
) -> bool {
    let (a, b) = (&old.nodes[i], &new.nodes[i]);
    let doc_changed = !same_doc
        && (a.doc.title != b.doc.title
            || a.doc.summary != b.doc.summary
            || a.doc.date != b.doc.date
            || a.doc.updated != b.doc.updated
            || a.doc.tags != b.doc.tags);
    doc_changed
        || a.url != b.url
        || (!Arc::ptr_eq(&a.fields, &b.fields) && a.fields != b.fields)
        || retitled.is_some_and(|marked| refers_to_any(&b.fields, marked))
        || !referenced_by(old, i).eq(referenced_by(new, i))
}

/// The fields through which others refer to node `i`, as its card's `referenced_by`.
fn referenced_by(graph: &Graph, i: DocIndex) -> impl Iterator<Item = (&String, &String)> {
    graph.backlinks[i]
        .iter()
        .filter_map(|g| Some((g.collection.as_ref()?, g.field.as_ref()?)))
}

/// Whether any ref in `fields` (records included) points at a node marked in `marked`.
fn refers_to_any(fields: &[(String, Resolved)], marked: &[bool]) -> bool {
    fields.iter().any(|(_, value)| match value {
        Resolved::Ref(i) => marked[*i],
        Resolved::Refs(list) => list.iter().any(|&i| marked[i]),
        Resolved::Records(records) => records.iter().any(|r| refers_to_any(r, marked)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn site(files: &[(&str, &str)]) -> (tempfile::TempDir, Config) {
        let tmp = tempfile::tempdir().unwrap();
        let write = |rel: &str, text: &str| {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write("site.yaml", "title: T\nbase_url: https://example.org/\n");
        std::fs::create_dir_all(tmp.path().join("themes/default")).unwrap();
        for (rel, text) in files {
            write(rel, text);
        }
        let config = crate::config::test_config(tmp.path());
        (tmp, config)
    }

    fn load(config: &Config, cache: &mut SourceCache) -> Vec<Arc<load::SourceFile>> {
        let loaded = load::load_content_with(config, &|path, metadata| cache.reuse(path, metadata));
        let (sources, problems) = cache.update(loaded);
        assert!(problems.is_empty(), "{problems}");
        sources
    }

    #[test]
    fn unchanged_files_are_shared_and_changed_ones_read_and_checked_again() {
        let (tmp, config) = site(&[
            ("content/_index.md", "---\ntitle: Home\n---\nHi.\n"),
            ("content/about.md", "---\ntitle: About\n---\nA.\n"),
        ]);
        let mut cache = SourceCache::default();
        let first = load(&config, &mut cache);
        let first_checked = cache.checked(&config, &first);
        std::fs::write(
            tmp.path().join("content/about.md"),
            "---\ntitle: About us\n---\nA.\n",
        )
        .unwrap();
        let second = load(&config, &mut cache);
        let second_checked = cache.checked(&config, &second);
        assert!(
            Arc::ptr_eq(&first[0], &second[0]),
            "the home page is shared"
        );
        assert!(Arc::ptr_eq(&first_checked[0], &second_checked[0]));
        assert!(!Arc::ptr_eq(&first[1], &second[1]), "the edit is read");
        assert!(!Arc::ptr_eq(&first_checked[1], &second_checked[1]));
        let about = second_checked[1].document.as_ref().unwrap();
        assert_eq!(about.0.title, "About us");

        std::fs::remove_file(tmp.path().join("content/about.md")).unwrap();
        let third = load(&config, &mut cache);
        assert_eq!(third.len(), 1);
        assert_eq!(cache.files.len(), 1, "the removed file is forgotten");
        cache.checked(&config, &third);
        assert_eq!(cache.checks.len(), 1, "and so is its check");
    }

    #[test]
    fn a_rebuild_with_the_same_files_keeps_the_graph() {
        let (tmp, config) = site(&[("content/_index.md", "---\ntitle: Home\n---\nHi.\n")]);
        let mut cache = SourceCache::default();
        let mut stages = Vec::new();
        let Ok(Front::Changed(graph, sources)) = front_half(&config, None, &mut cache, &mut stages)
        else {
            panic!("the first build makes a graph");
        };
        let previous = Some((&*graph, sources.as_slice()));
        assert!(matches!(
            front_half(&config, previous, &mut cache, &mut stages),
            Ok(Front::Unchanged)
        ));
        std::fs::write(
            tmp.path().join("content/_index.md"),
            "---\ntitle: Home\n---\nHello.\n",
        )
        .unwrap();
        assert!(matches!(
            front_half(&config, previous, &mut cache, &mut stages),
            Ok(Front::Changed(..))
        ));
    }
}
