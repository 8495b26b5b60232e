//! Rebuilds for `serve`: load and model on every change, resolve reusing the last
//! graph's Markdown for unchanged documents, then only the pages whose template data
//! changed.
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
//!   card: the
//!   entries that refer to it and that it refers to (before and after the edit), its
//!   collection index, the tag pages it carries or carried, the home page, the timeline,
//!   the map and the search page (which lists every entry without JavaScript);
//! - a tag that gained or lost entries re-renders the tag index; a tag that lost its
//!   last entry has its page removed.
//!
//! Everything is re-rendered after a change to templates, static files or `site.yaml`,
//! when documents were added or removed, and when a standalone page's card changed
//! (every page lists the standalone pages in `site.pages`). Templates that show every
//! entry of a collection on every page (through `site.collections` or `get_entry`) are
//! refreshed on those full rebuilds only.
//!
//! Publishing runs on every rebuild that rendered something, except the search index:
//! it needs the text of every page, so it is rebuilt on full rebuilds only.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use crate::config::{load_config, BuildOptions, Config};
use crate::diagnostic::Diagnostics;
use crate::model::DocId;
use crate::resolve::{DocIndex, Graph, Node, Resolved};
use crate::{load, model, publish, render, resolve};

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
        // The last graph's Markdown is reused only under the same configuration.
        let previous = self.graph.as_ref().filter(|_| !full);
        if full {
            self.sources = SourceCache::default();
        }
        let graph = front_half(config, previous, &self.sources, &mut stages)?;
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
        if self.publish {
            publish::publish(config, graph, &mut output)?;
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
            cards,
        } = selection;
        let mut rebuild = Rebuild::default();
        let rendering = Instant::now();
        // Cards are kept up to date even when no page shows the change, so that the
        // renderer always matches the graph kept beside it.
        let renderer = match self.renderer.take() {
            Some(mut renderer) => {
                renderer.refresh_cards(config, graph, &cards);
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
        let published = if self.publish {
            republish(config, graph, &self.files, &produced, &removed)?
        } else {
            Vec::new()
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

/// The sitemap, feed and timeline data for the site after an incremental rebuild. The
/// search index needs every page's text and is left as the last full build made it.
fn republish(
    config: &Config,
    graph: &Graph,
    files: &Files,
    rendered: &BTreeSet<String>,
    removed: &BTreeSet<String>,
) -> Result<Vec<(String, Vec<u8>)>, Diagnostics> {
    let mut config = config.clone();
    config.site.search = false;
    // Publishing reads which pages exist, not what they say.
    let mut pages = render::Output::default();
    for path in files.keys().chain(rendered) {
        if path.ends_with(".html") && !removed.contains(path) {
            pages.files.insert(path.clone(), Vec::new());
        }
    }
    pages.pages = pages.files.len();
    let before: BTreeSet<String> = pages.files.keys().cloned().collect();
    publish::publish(&config, graph, &mut pages)?;
    Ok(pages
        .files
        .into_iter()
        .filter(|(path, _)| !before.contains(path))
        .collect())
}

/// Load, model and resolve, with every problem of the first failing stage.
fn front_half(
    config: &Config,
    previous: Option<&Graph>,
    sources: &SourceCache,
    stages: &mut Vec<(&'static str, Duration)>,
) -> Result<Graph, Diagnostics> {
    let mut clock = Instant::now();
    let mut lap = |name: &'static str| {
        stages.push((name, clock.elapsed()));
        clock = Instant::now();
    };
    let (sources, mut diagnostics) =
        load::load_content_with(config, &|path, read| sources.get_or_read(path, read));
    lap("load");
    let model = model::build_model(config, sources);
    lap("model");
    match model {
        Ok(_) if !diagnostics.is_empty() => Err(diagnostics.sorted()),
        Err(more) => {
            diagnostics.extend(more);
            Err(diagnostics.sorted())
        }
        Ok(model) => {
            let graph = resolve::resolve_links_reusing(config, model, previous);
            lap("resolve");
            graph
        }
    }
}

/// Parsed content files by path, reused while a file's size, modification time (and on
/// Unix its inode and change time) stay the same.
#[derive(Default)]
struct SourceCache {
    files: Mutex<HashMap<PathBuf, (Stamp, load::SourceFile)>>,
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
        let meta = std::fs::symlink_metadata(path).ok()?;
        #[cfg(unix)]
        let (inode, changed, changed_ns) = {
            use std::os::unix::fs::MetadataExt;
            (meta.ino(), meta.ctime(), meta.ctime_nsec())
        };
        #[cfg(not(unix))]
        let (inode, changed, changed_ns) = (0, 0, 0);
        Some(Stamp {
            len: meta.len(),
            modified: meta.modified().ok(),
            inode,
            changed,
            changed_ns,
        })
    }
}

impl SourceCache {
    fn get_or_read(
        &self,
        path: &Path,
        read: &dyn Fn() -> Result<load::SourceFile, crate::Diagnostic>,
    ) -> Result<load::SourceFile, crate::Diagnostic> {
        let Some(stamp) = Stamp::of(path) else {
            return read();
        };
        if let Some((cached, file)) = self.files.lock().expect("not poisoned").get(path) {
            if *cached == stamp {
                return Ok(file.clone());
            }
        }
        let result = read();
        let mut files = self.files.lock().expect("not poisoned");
        match &result {
            // Only a stamp taken before the read can vouch for what was read.
            Ok(file) if Stamp::of(path) == Some(stamp) => {
                files.insert(path.to_path_buf(), (stamp, file.clone()));
            }
            _ => {
                files.remove(path);
            }
        }
        result
    }
}

/// Pages to re-render, pages to remove, and the nodes whose cards changed.
#[derive(Debug, Default)]
struct Selection {
    pages: BTreeSet<String>,
    removed: BTreeSet<String>,
    cards: Vec<DocIndex>,
}

fn page_path(node: &Node) -> String {
    format!("{}index.html", node.site_path)
}

/// The pages an edit from `old` to `new` can change, or `None` when everything must be
/// re-rendered.
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
    let retitled: Vec<bool> = (0..n)
        .map(|i| old.nodes[i].doc.title != new.nodes[i].doc.title)
        .collect();
    let card_changed: Vec<bool> = (0..n)
        .map(|i| card_changed(old, new, i, &retitled))
        .collect();
    let mut selection = Selection::default();
    let old_out = out_links(old);
    let new_out = out_links(new);
    let mut any_card = false;
    for i in 0..n {
        let (a, b) = (&old.nodes[i], &new.nodes[i]);
        let page_changed = card_changed[i]
            || a.content != b.content
            || a.toc != b.toc
            || a.doc.path != b.doc.path
            || old.backlinks[i] != new.backlinks[i];
        if page_changed {
            selection.pages.insert(page_path(b));
        }
        if !card_changed[i] {
            continue;
        }
        selection.cards.push(i);
        if matches!(b.doc.id, DocId::Page(_)) {
            // Every page lists the standalone pages.
            return None;
        }
        any_card = true;
        let related = old.backlinks[i]
            .iter()
            .chain(&new.backlinks[i])
            .flat_map(|g| g.docs.iter().copied())
            .chain(old_out[i].iter().copied())
            .chain(new_out[i].iter().copied());
        for j in related {
            selection.pages.insert(page_path(&new.nodes[j]));
        }
        if let Some(id) = b.doc.id.entry() {
            selection
                .pages
                .insert(format!("{}/index.html", id.collection));
        }
        for tag in a.doc.tags.iter().chain(&b.doc.tags) {
            let slug = crate::markdown::heading_slug(tag);
            selection.pages.insert(format!("tags/{slug}/index.html"));
        }
    }
    if any_card {
        // The pages that list entries of every collection.
        for page in [
            "index.html",
            "timeline/index.html",
            "map/index.html",
            "search/index.html",
        ] {
            selection.pages.insert(page.to_string());
        }
    }
    let tag_summary = |g: &Graph| -> Vec<(String, String, usize)> {
        g.tags
            .values()
            .map(|t| (t.slug.clone(), t.name.clone(), t.docs.len()))
            .collect()
    };
    if tag_summary(old) != tag_summary(new) {
        selection.pages.insert("tags/index.html".to_string());
        for (slug, tag) in &new.tags {
            if old.tags.get(slug).is_none_or(|o| o.docs != tag.docs) {
                selection.pages.insert(format!("tags/{slug}/index.html"));
            }
        }
    }
    for slug in old.tags.keys() {
        if !new.tags.contains_key(slug) {
            let path = format!("tags/{slug}/index.html");
            selection.pages.remove(&path);
            selection.removed.insert(path);
        }
    }
    Some(selection)
}

/// Whether node `i`'s card (what templates see of it on other pages, built by
/// [`render::view::build_views`]) differs: its link (title; the URL follows from the id),
/// summary, dates, tags, fields (which show the titles of the entries they refer to),
/// and `referenced_by` (the fields through which others refer to it).
///
/// `tests/serve.rs` fails when cards gain a key, so this comparison is kept complete.
fn card_changed(old: &Graph, new: &Graph, i: DocIndex, retitled: &[bool]) -> bool {
    let (a, b) = (&old.nodes[i], &new.nodes[i]);
    let referenced_by = |g: &Graph| -> Vec<(Option<String>, Option<String>)> {
        g.backlinks[i]
            .iter()
            .filter(|g| g.collection.is_some() && g.field.is_some())
            .map(|g| (g.collection.clone(), g.field.clone()))
            .collect()
    };
    retitled[i]
        || a.url != b.url
        || a.doc.summary != b.doc.summary
        || a.doc.date != b.doc.date
        || a.doc.updated != b.doc.updated
        || a.doc.tags != b.doc.tags
        || a.fields != b.fields
        || refers_to_any(&b.fields, retitled)
        || referenced_by(old) != referenced_by(new)
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

/// For each node, the nodes whose backlinks list it (the nodes it refers to or links to).
fn out_links(graph: &Graph) -> Vec<Vec<DocIndex>> {
    let mut out = vec![Vec::new(); graph.nodes.len()];
    for (target, groups) in graph.backlinks.iter().enumerate() {
        for group in groups {
            for &from in &group.docs {
                out[from].push(target);
            }
        }
    }
    out
}
