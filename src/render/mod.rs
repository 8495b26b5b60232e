//! Pages from templates: every node, index, timeline and tag page, rendered in parallel.
//!
//! Takes the resolved [`Graph`] and produces [`Output`]: site-relative paths and their
//! bytes, static files included. Nothing is written here (the write stage owns the
//! output folder), so `casefile check` can render a whole site in memory. A build can
//! instead hand each page to a [`PageSink`] as soon as it is rendered, so that thousands
//! of pages are not all held in memory at once; this module never learns where they go.
//!
//! While a page renders, what its context and template functions hand out is recorded
//! ([`deps`]), narrowed to what its templates can read ([`reads`]). Given the memo of
//! the last render and the graph it rendered ([`RenderMemo`], which `casefile serve`
//! keeps), [`render`] renders only the pages that read something that changed
//! ([`changes`]); without one it renders every page.

mod assets;
mod changes;
mod deps;
mod map;
mod paginate;
mod reads;
mod site_folder;
pub(crate) mod structured;
mod templates;
pub(crate) mod view;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Value};

use crate::config::{humanise, Config};
use crate::diagnostic::{Diagnostic, Diagnostics, Stage};
use crate::images::card::CardPng;
use crate::model::DocId;
use crate::resolve::{DocIndex, Graph};
use crate::routes::Route;

pub(crate) use deps::Dep;
pub(crate) use reads::Aggregate;
pub(crate) use templates::{component_templates, load_templates, TemplateError, Templates};
use view::Views;

/// A rendered site: the files held in memory, and the pages already handed to a
/// [`PageSink`].
#[derive(Debug, Default)]
pub struct Output {
    /// Site-relative path (`people/han-dong/index.html`) to contents, sorted by path.
    pub files: BTreeMap<String, Vec<u8>>,
    /// Pages given to a [`PageSink`] instead of kept in `files`, with their sizes.
    pub streamed: BTreeMap<String, u64>,
    /// How many pages came from templates (the rest are static files).
    pub pages: usize,
    /// Pages of the last render that this one no longer has (with a memo only).
    pub removed: Vec<String>,
    /// Every page of the site, rendered this time or not, sorted.
    pub site_pages: Vec<String>,
    /// Whether the site has other pages than the memo's render had.
    pub pages_changed: bool,
    /// What changed since the memo's render, as pages read it (`None`: everything).
    pub(crate) changed: Option<deps::Changes>,
    /// Whether every page was rendered.
    pub full: bool,
    /// Share cards drawn this time, and read back from the cache.
    pub(crate) cards: (usize, usize),
}

impl Output {
    /// Whether the site has a file at `path`, in memory or streamed.
    pub fn contains(&self, path: &str) -> bool {
        self.files.contains_key(path) || self.streamed.contains_key(path)
    }

    /// Every path of the site, sorted.
    pub fn paths(&self) -> Vec<&str> {
        let mut paths: Vec<&str> = self
            .files
            .keys()
            .chain(self.streamed.keys())
            .map(String::as_str)
            .collect();
        paths.sort_unstable();
        paths
    }

    /// How many files the site has.
    pub fn file_count(&self) -> usize {
        self.files.len() + self.streamed.len()
    }

    /// How many bytes the site has.
    pub fn byte_count(&self) -> u64 {
        let held: u64 = self.files.values().map(|b| b.len() as u64).sum();
        held + self.streamed.values().sum::<u64>()
    }

    /// Adds the output of another edition of the site (whose files are all in its
    /// language's folder, so none is another's).
    pub(crate) fn absorb(&mut self, other: Output) {
        self.files.extend(other.files);
        self.streamed.extend(other.streamed);
        self.pages += other.pages;
        self.removed.extend(other.removed);
        self.site_pages.extend(other.site_pages);
        self.site_pages.sort_unstable();
        self.pages_changed |= other.pages_changed;
        // What changed is per edition; its publishing has used it already.
        self.changed = None;
        self.full &= other.full;
        self.cards.0 += other.cards.0;
        self.cards.1 += other.cards.1;
    }
}

/// Text escaped for HTML element content and quoted attributes (`&`, `<`, `>`, `"`, `'`).
pub(crate) fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    // Writing into a String cannot fail.
    let _ = pulldown_cmark_escape::escape_html(&mut out, text);
    out
}

/// Takes rendered pages as they are produced, from several threads at once (the build
/// writes them to its temporary folder).
pub(crate) trait PageSink: Sync {
    /// Stores one page at its site-relative path.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;

    /// Stores the file `from` (a cached share card) at `path`, and returns its size.
    /// A sink that can link it instead of copying its bytes does; by default it is read
    /// and stored like a page.
    fn link(&self, path: &str, from: &std::path::Path) -> Result<u64, Diagnostic> {
        let bytes = std::fs::read(from)
            .map_err(|e| Diagnostic::new(Stage::Write, from.display().to_string(), e))?;
        self.put(path, &bytes)?;
        Ok(bytes.len() as u64)
    }
}

/// What a page job made: bytes, or a file of the cache to publish as it is.
enum Made {
    Bytes(Vec<u8>),
    Kept(std::path::PathBuf),
}

/// A rendered page: kept in memory, or handed to a sink (then only its size is kept).
enum Page {
    Held(Vec<u8>),
    Streamed(u64),
}

/// Which page a job renders; its context is built only if the job is selected.
#[derive(Clone)]
enum PageKind {
    Home,
    /// Page `.1` (from 1) of a collection's index: the collection's position in
    /// `site.yaml`.
    CollectionIndex(usize, usize),
    /// An entry, with its collection's position.
    Entry(usize, DocIndex),
    Standalone(DocIndex),
    /// Page `.0` (from 1) of the timeline.
    Timeline(usize),
    Map,
    Search,
    TagIndex,
    /// Page `.1` (from 1) of a tag's page, by slug.
    Tag(String, usize),
    NotFound,
    Corrections,
    /// Page `.1` (from 1) of an entry's connections page.
    Connections(DocIndex, usize),
    /// An old address: the graph's `redirects[.0]`.
    Redirect(usize),
}

/// One page to render: where it goes, which templates may render it, and what it is.
struct PageJob {
    path: String,
    url: String,
    what: String,
    templates: Vec<String>,
    kind: PageKind,
    /// Skipped, rather than an error, when the theme has no template for it.
    optional: bool,
    /// The page's share card: its template is SVG, drawn to a PNG.
    card: bool,
}

/// What a render keeps for the next render of the same site under the same
/// configuration: the renderer (views, templates, static files) and what each page
/// read. Empty, the next render renders every page.
#[derive(Default)]
pub(crate) struct RenderMemo {
    last: Option<LastRender>,
}

/// The documents of `graph` that this edition does not publish: originals without a
/// translation in its language, which its pages link to in theirs.
fn untranslated(config: &Config, graph: &Graph) -> Vec<DocIndex> {
    (0..graph.nodes.len())
        .filter(|&i| !config.publishes(&graph.nodes[i].doc.lang))
        .collect()
}

/// A page (by its place among the jobs) and what it read.
type PageReads = (usize, Vec<deps::Dep>);

struct LastRender {
    renderer: Renderer,
    /// Every page of the site, as last rendered.
    pages: Pages,
}

/// The pages of a site: the jobs that render them, in a fixed order, and what each read
/// when it was last rendered (`None` before it was).
struct Pages {
    jobs: Vec<PageJob>,
    reads: Vec<Option<Vec<deps::Dep>>>,
    /// The tags the pages were made for, with how many pages each has.
    tags: Vec<(String, usize)>,
    /// The entries with a picture the pages were made for (they have no share card).
    pictured: Vec<DocIndex>,
    /// The documents left untranslated in this edition the pages were made for (they
    /// have no page in it).
    untranslated: Vec<DocIndex>,
    /// The old addresses the pages were made for (each has a redirect page).
    redirects: Vec<crate::resolve::Redirect>,
}

impl Pages {
    /// The pages of `graph`, each not yet read.
    fn of(config: &Config, graph: &Graph, templates: &Templates) -> Pages {
        let jobs: Vec<PageJob> = page_jobs(config, graph)
            .into_iter()
            .filter(|job| !job.optional || templates.pick(&job.templates).is_some())
            .collect();
        Pages {
            reads: vec![None; jobs.len()],
            jobs,
            tags: tag_pages(config, graph),
            pictured: pictured(graph),
            untranslated: untranslated(config, graph),
            redirects: graph.redirects.clone(),
        }
    }

    /// The pages of `graph`, a graph of the same documents as the one these were made
    /// for: these same jobs when the site has the same tags, the same entries with a
    /// picture (which share it instead of a card) and the same old addresses, else new jobs that keep the
    /// reads of the pages that were there before. Also the pages that are gone.
    fn follow(self, config: &Config, graph: &Graph, templates: &Templates) -> (Pages, Vec<String>) {
        if tag_pages(config, graph) == self.tags
            && pictured(graph) == self.pictured
            && untranslated(config, graph) == self.untranslated
            && graph.redirects == self.redirects
        {
            return (self, Vec::new());
        }
        let mut pages = Pages::of(config, graph, templates);
        let mut before: HashMap<String, Option<Vec<deps::Dep>>> = self
            .jobs
            .into_iter()
            .zip(self.reads)
            .map(|(job, reads)| (job.path, reads))
            .collect();
        for (job, reads) in pages.jobs.iter().zip(&mut pages.reads) {
            *reads = before.remove(&job.path).flatten();
        }
        let mut gone: Vec<String> = before.into_keys().collect();
        gone.sort();
        (pages, gone)
    }

    /// Every page's output path, sorted.
    fn paths(&self) -> Vec<String> {
        let mut paths: Vec<String> = self.jobs.iter().map(|j| j.path.clone()).collect();
        paths.sort();
        paths
    }
}

/// Renders the pages of `graph`: every page, or, with the `memo` of the render of
/// `previous` (the last graph, under the same configuration), only the pages that read
/// something that changed. Without a memo (a one-shot build) nothing is kept and what
/// pages read is not recorded. Pages go to `sink` as soon as they are rendered when one
/// is given; `on_page` is told of each. Static files are always in the returned
/// [`Output`].
pub(crate) fn render(
    config: &Config,
    graph: &Graph,
    previous: Option<&Graph>,
    mut memo: Option<&mut RenderMemo>,
    sink: Option<&dyn PageSink>,
    on_page: &(dyn Fn() + Sync),
) -> Result<Output, Diagnostics> {
    // Taken out: a render that fails leaves no memo, and the next renders everything.
    let last = memo.as_mut().and_then(|m| m.last.take());
    let followed = match (last, previous) {
        (Some(mut last), Some(previous)) => {
            changes::changed_reads(config, previous, graph, &mut last.renderer).map(|changed| {
                let templates = &last.renderer.templates;
                let (pages, removed) = last.pages.follow(config, graph, templates);
                (last.renderer, pages, removed, changed)
            })
        }
        _ => None,
    };
    let (renderer, mut pages, removed, changed) = match followed {
        Some((renderer, pages, removed, changed)) => (renderer, pages, removed, Some(changed)),
        None => {
            let renderer = Renderer::new(config, graph)?;
            let pages = Pages::of(config, graph, &renderer.templates);
            (renderer, pages, Vec::new(), None)
        }
    };
    let selected: Vec<usize> = (0..pages.jobs.len())
        .filter(|&i| match (&changed, &pages.reads[i]) {
            (Some(changed), Some(read)) => read.iter().any(|d| changed.contains(d)),
            _ => true,
        })
        .collect();
    let pages_changed =
        changed.is_none() || !removed.is_empty() || pages.reads.iter().any(Option::is_none);
    let mut renderer = renderer;
    renderer.record_reads = memo.is_some();
    let (mut output, page_reads) =
        renderer.render(config, graph, &pages.jobs, &selected, sink, on_page)?;
    for (i, reads) in page_reads {
        pages.reads[i] = Some(reads);
    }
    output.pages_changed = pages_changed;
    output.removed = removed;
    output.site_pages = pages.paths();
    output.full = changed.is_none();
    output.changed = changed;
    if let Some(memo) = memo {
        memo.last = Some(LastRender { renderer, pages });
    }
    Ok(output)
}

/// What page rendering shares: every node's link and card, the collections, the static
/// files and the templates with casefile's functions registered.
///
/// A build makes one and renders every page with it. [`RenderMemo`] keeps it between
/// renders: after an edit only the cards that read what changed are rebuilt (building
/// the cards of 10,000 entries costs about 100 ms).
pub(crate) struct Renderer {
    views: Views,
    collections: Vec<Value>,
    assets: assets::Assets,
    asset_problems: Vec<Diagnostic>,
    templates: Templates,
    lookups: Lookups,
    /// The relationship map of the graph the views are of, once drawn.
    map: OnceLock<Value>,
    /// Draws share cards, when the theme has a `share-card.svg` template.
    painter: Option<crate::images::card::CardPainter>,
    /// What the painter did in the current render.
    card_counts: crate::images::process::Counts,
    /// Whether what each page reads is recorded, for a next render (`serve`).
    record_reads: bool,
}

impl Renderer {
    /// Builds the views of `graph`, loads static files and templates.
    pub(crate) fn new(config: &Config, graph: &Graph) -> Result<Renderer, Diagnostics> {
        let mut views = view::build_views(config, graph);
        let collections = view::collection_values(config, graph, &views);
        let (assets, asset_problems) = assets::load_assets(config);
        let lookups = Lookups::new(config, graph);
        let mut tera = tera::Tera::new();
        tera.autoescape_on([".html", ".htm", ".xml", ".svg"]);
        register_functions(&mut tera, config, &assets);
        register_lookups(
            &mut tera,
            &lookups,
            Arc::new(views.cards.clone()),
            Arc::new(collections.clone()),
        );
        tera.global_context().insert_value(
            "site",
            view::site_value(config, graph, &views, &collections),
        );
        let templates = match load_templates(config, tera) {
            Ok(templates) => templates,
            Err(mut diagnostics) => {
                diagnostics.extend(asset_problems);
                return Err(diagnostics.sorted());
            }
        };
        let painter = templates.tera.contains_template(SHARE_CARD).then(|| {
            let cache = crate::images::cache::Cache::of(config);
            match crate::theme::ThemeSource::of(&config.root, &config.site.theme) {
                Some(crate::theme::ThemeSource::Builtin) => {
                    let fonts = crate::theme::builtin_files("fonts")
                        .into_iter()
                        .map(|(name, bytes)| (name, bytes.to_vec()))
                        .collect();
                    crate::images::card::CardPainter::with_fonts(fonts, cache)
                }
                _ => {
                    let fonts = config
                        .root
                        .join("themes")
                        .join(&config.site.theme)
                        .join("fonts");
                    crate::images::card::CardPainter::new(&fonts, cache)
                }
            }
        });
        views.share_cards = painter.is_some();
        // `site` and the collections were made before it was known whether pages have
        // cards; they hold no page values, so only the views change.
        Ok(Renderer {
            views,
            collections,
            assets,
            asset_problems,
            templates,
            lookups,
            map: OnceLock::new(),
            painter,
            card_counts: crate::images::process::Counts::default(),
            record_reads: false,
        })
    }

    /// Rebuilds what is made from the cards (collections, `site`, the functions' tables)
    /// after [`changes`] refreshed them for `graph`.
    fn refresh_site(&mut self, config: &Config, graph: &Graph) {
        self.collections = view::collection_values(config, graph, &self.views);
        let tera = &mut self.templates.tera;
        register_lookups(
            tera,
            &self.lookups,
            Arc::new(self.views.cards.clone()),
            Arc::new(self.collections.clone()),
        );
        tera.global_context().insert_value(
            "site",
            view::site_value(config, graph, &self.views, &self.collections),
        );
    }

    /// The relationship map of `graph` (the graph the views are of), drawn once.
    /// Entry `i`'s own map, recording what it reads: who refers to the entry, and the
    /// cards of the neighbours it draws.
    fn entry_map(&self, config: &Config, graph: &Graph, i: DocIndex) -> Value {
        deps::read(Dep::Backlinks(i));
        let cap = config.site.pagination.backlinks;
        let paged = cap > 0 && graph.backlinks[i].iter().any(|g| g.docs.len() > cap);
        let connections = graph.nodes[i].doc.id.entry().filter(|_| paged).map(|id| {
            Route::Connections(id.clone())
                .in_edition(config.edition())
                .url(&config.site.base_url)
        });
        let (incoming, outgoing) = map::neighbours(config, graph, i, connections.as_deref());
        let (svg, drawn) = map::entry_map(config, graph, i, &incoming, &outgoing);
        for d in drawn {
            deps::read(Dep::Card(d));
        }
        Value::safe_string(&svg)
    }

    fn map(&self, config: &Config, graph: &Graph) -> &Value {
        self.map
            .get_or_init(|| Value::safe_string(&map::relationship_map(config, graph)))
    }

    /// Renders `jobs`, handing each page to `sink` (when given) as soon as it is
    /// rendered instead of keeping it in the returned [`Output`], and returns what each
    /// page read when it records reads. Static files are always included, in memory.
    fn render(
        &self,
        config: &Config,
        graph: &Graph,
        jobs: &[PageJob],
        selected: &[usize],
        sink: Option<&dyn PageSink>,
        on_page: &(dyn Fn() + Sync),
    ) -> Result<(Output, Vec<PageReads>), Diagnostics> {
        let record = self.record_reads;
        let shared = SharedValues::default();
        let templates = &self.templates;
        self.card_counts
            .encoded
            .store(0, std::sync::atomic::Ordering::Relaxed);
        self.card_counts
            .reused
            .store(0, std::sync::atomic::Ordering::Relaxed);
        // A full disk is one problem, not one per page: the first failure to store a page
        // is kept, and the pages not rendered yet are skipped.
        let sink_failure: OnceLock<Diagnostic> = OnceLock::new();
        type Rendered = Result<(usize, Page, Vec<deps::Dep>), Diagnostic>;
        let rendered: Vec<Rendered> = selected
            .par_iter()
            .filter_map(|&i| {
                let job = &jobs[i];
                if sink_failure.get().is_some() {
                    return None;
                }
                on_page();
                let (page, reads) = deps::recording(record, || {
                    let context = self.context(config, graph, &shared, job);
                    let rendered = render_job(templates, job, &context)?;
                    match (&self.painter, job.card) {
                        (Some(painter), true) => match painter.png(&rendered, &self.card_counts) {
                            Ok(CardPng::Kept(file)) => Ok(Made::Kept(file)),
                            Ok(CardPng::Drawn(png)) => Ok(Made::Bytes(png)),
                            Err(e) => Err(card_problem(templates, job, e)),
                        },
                        _ => Ok(Made::Bytes(rendered)),
                    }
                });
                let path = &job.path;
                let made = match page {
                    Ok(made) => made,
                    Err(d) => return Some(Err(d)),
                };
                match sink {
                    Some(sink) => {
                        let stored = match &made {
                            Made::Bytes(bytes) => {
                                sink.put(path, bytes).map(|()| bytes.len() as u64)
                            }
                            Made::Kept(file) => sink.link(path, file),
                        };
                        match stored {
                            Ok(size) => Some(Ok((i, Page::Streamed(size), reads))),
                            Err(d) => {
                                let _ = sink_failure.set(d);
                                None
                            }
                        }
                    }
                    None => {
                        let mut bytes = match made {
                            Made::Bytes(bytes) => bytes,
                            Made::Kept(file) => match std::fs::read(&file) {
                                Ok(bytes) => bytes,
                                Err(e) => {
                                    return Some(Err(card_problem(templates, job, e.to_string())))
                                }
                            },
                        };
                        // A page kept in memory stays there until the end: give back the
                        // unused capacity (a 16 KiB start that doubled to 32 KiB wastes
                        // half). 40 MB less peak RSS at 10k pages.
                        bytes.shrink_to_fit();
                        Some(Ok((i, Page::Held(bytes), reads)))
                    }
                }
            })
            .collect();
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(sink_failure.into_inner());
        diagnostics.extend(self.asset_problems.iter().cloned());
        let mut output = Output::default();
        let mut page_reads = Vec::with_capacity(rendered.len());
        for result in rendered {
            match result {
                Ok((i, Page::Held(bytes), reads)) => {
                    output.files.insert(jobs[i].path.clone(), bytes);
                    output.pages += usize::from(!jobs[i].card);
                    page_reads.push((i, reads));
                }
                Ok((i, Page::Streamed(size), reads)) => {
                    output.streamed.insert(jobs[i].path.clone(), size);
                    output.pages += usize::from(!jobs[i].card);
                    page_reads.push((i, reads));
                }
                Err(d) => diagnostics.push(d),
            }
        }
        // Static files are shared by every edition: the site's own language's run
        // publishes them.
        let none = BTreeMap::new();
        let assets = match config.edition {
            None => &self.assets.files,
            Some(_) => &none,
        };
        for (dest, bytes) in assets {
            if output.contains(dest) {
                let source = self
                    .assets
                    .sources
                    .get(dest)
                    .cloned()
                    .unwrap_or_else(|| "static".into());
                diagnostics.push(Diagnostic::new(
                    Stage::Render,
                    source,
                    assets::AssetError::OverGeneratedPage(dest.clone()),
                ));
                continue;
            }
            output.files.insert(dest.clone(), bytes.clone());
        }
        output.cards = (
            self.card_counts
                .encoded
                .load(std::sync::atomic::Ordering::Relaxed),
            self.card_counts
                .reused
                .load(std::sync::atomic::Ordering::Relaxed),
        );
        diagnostics.into_result((output, page_reads))
    }

    /// The template context of one page, recording the lists of entries it hands out
    /// that the page's template can read.
    fn context(
        &self,
        config: &Config,
        graph: &Graph,
        shared: &SharedValues,
        job: &PageJob,
    ) -> Context {
        let views = &self.views;
        let reads: &[Aggregate] = match self.templates.pick(&job.templates) {
            Some(name) => self.templates.reads(name),
            None => &[],
        };
        let can_read = |a: Aggregate| reads.contains(&a);
        for site_wide in [
            Aggregate::SiteCollections,
            Aggregate::SitePages,
            Aggregate::SiteTags,
        ] {
            if can_read(site_wide) {
                deps::read(Dep::Site(site_wide));
            }
        }
        let hand_collection = |c: usize| {
            if can_read(Aggregate::CollectionEntries) {
                deps::read(Dep::Collection(c));
            }
            self.collections[c].clone()
        };
        let hand_timeline = || {
            if can_read(Aggregate::Timeline) {
                deps::read(Dep::Site(Aggregate::Timeline));
            }
            shared.timeline(graph, views)
        };
        // A listing's page shows its slice of the list (which the list's order decides)
        // and how many pages the list takes: it reads that order and the cards it shows,
        // not the cards of the listing's other pages.
        let hand_page_of = |order: Dep, slice: &[DocIndex]| {
            if can_read(Aggregate::Paginator) {
                deps::read(order);
                for &i in slice {
                    deps::read(Dep::Card(i));
                }
            }
            slice
                .iter()
                .map(|&i| views.cards[i].clone())
                .collect::<Vec<Value>>()
        };
        let hand_map = || {
            if can_read(Aggregate::Map) {
                deps::read(Dep::Site(Aggregate::Map));
            }
            self.map(config, graph).clone()
        };
        let kind = &job.kind;
        let reads_entry_map = can_read(Aggregate::EntryMap);
        let mut context = Context::new();
        let page = |i: DocIndex| view::page_value(config, graph, views, i);
        let synthetic =
            |title: &str, route: Route| view::synthetic_page(config, views, title, &route);
        match kind {
            PageKind::Home => {
                let page = match graph.home() {
                    Some(i) => page(i),
                    None => synthetic(&config.site.title, Route::Home),
                };
                context.insert_value("page", page);
                let (timeline, years) = hand_timeline();
                context.insert_value("timeline", timeline.clone());
                context.insert_value("timeline_years", years.clone());
                context.insert_value("relationship_map", hand_map());
            }
            PageKind::CollectionIndex(c, number) => {
                let collection = &config.collections[*c];
                let listing = Route::CollectionIndex(collection.name.clone());
                let page = match graph.find(&DocId::Index(collection.name.clone())) {
                    Some(i) => page(i),
                    None => synthetic(&collection.title, listing.clone()),
                };
                context.insert_value("page", page);
                context.insert_value("collection", hand_collection(*c));
                let members = graph.members(&collection.name);
                let range = paginate::page_range(members.len(), collection.per_page, *number);
                let entries = hand_page_of(Dep::CollectionOrder(*c), &members[range]);
                context.insert_value(
                    "paginator",
                    paginate::paginator_value(
                        config,
                        &listing,
                        members.len(),
                        collection.per_page,
                        *number,
                        entries,
                    ),
                );
            }
            PageKind::Entry(c, i) => {
                context.insert_value("page", page(*i));
                context.insert_value("collection", hand_collection(*c));
                if reads_entry_map {
                    context.insert_value("entry_map", self.entry_map(config, graph, *i));
                }
            }
            PageKind::Standalone(i) => context.insert_value("page", page(*i)),
            PageKind::Timeline(number) => {
                context.insert_value("page", synthetic(&config.word("timeline"), Route::Timeline));
                // The whole timeline is read (a page's slice moves when any entry does);
                // `timeline` and `timeline_years` hold this page's slice, as `paginator` does.
                hand_timeline();
                if can_read(Aggregate::Paginator) {
                    deps::read(Dep::Site(Aggregate::Timeline));
                }
                let per_page = config.site.pagination.timeline;
                let range = paginate::page_range(graph.timeline.len(), per_page, *number);
                let (timeline, years) = view::timeline_slice(graph, views, range.clone());
                let entries = graph.timeline[range]
                    .iter()
                    .map(|&i| views.cards[i].clone())
                    .collect();
                context.insert_value("timeline", timeline);
                context.insert_value("timeline_years", years);
                context.insert_value(
                    "paginator",
                    paginate::paginator_value(
                        config,
                        &Route::Timeline,
                        graph.timeline.len(),
                        per_page,
                        *number,
                        entries,
                    ),
                );
            }
            PageKind::Map => {
                context.insert_value(
                    "page",
                    synthetic(&config.word("relationship_map"), Route::Map),
                );
                context.insert_value("relationship_map", hand_map());
            }
            PageKind::Search => {
                context.insert_value("page", synthetic(&config.word("search"), Route::Search))
            }
            PageKind::TagIndex => {
                context.insert_value("page", synthetic(&config.word("tags"), Route::TagIndex))
            }
            PageKind::Tag(slug, number) => {
                let route = Route::Tag(slug.clone()).in_edition(config.edition());
                let tag = &graph.tags[slug];
                if can_read(Aggregate::TagEntries) {
                    deps::read(Dep::Tag(slug.clone()));
                }
                let own = [config.site.language.clone()];
                let page = view::synthetic_page_in(config, views, &tag.name, &route, &own);
                context.insert_value("page", page);
                let entries: Vec<Value> =
                    tag.docs.iter().map(|&d| views.cards[d].clone()).collect();
                let mut tag_value = tera::Map::new();
                tag_value.insert("name".into(), Value::from(tag.name.as_str()));
                tag_value.insert("slug".into(), Value::from(tag.slug.as_str()));
                tag_value.insert("url".into(), Value::from(route.url(&config.site.base_url)));
                let feed = Route::TagFeed(slug.clone()).in_edition(config.edition());
                tag_value.insert(
                    "feed_url".into(),
                    Value::from(feed.url(&config.site.base_url)),
                );
                tag_value.insert("count".into(), Value::from(entries.len()));
                let per_page = config.site.pagination.tags;
                let range = paginate::page_range(entries.len(), per_page, *number);
                let count = entries.len();
                let slice = hand_page_of(Dep::TagOrder(slug.clone()), &tag.docs[range]);
                tag_value.insert("entries".into(), Value::from(entries));
                context.insert_value("tag", Value::from(tag_value));
                context.insert_value(
                    "paginator",
                    paginate::paginator_value(config, &route, count, per_page, *number, slice),
                );
            }
            PageKind::NotFound => {
                // One not-found page serves every language.
                let own = [config.site.language.clone()];
                let title = config.word("page_not_found");
                let page = view::synthetic_page_in(config, views, &title, &Route::NotFound, &own);
                context.insert_value("page", page);
            }
            PageKind::Connections(i, number) => {
                let node = &graph.nodes[*i];
                let listing = node.doc.id.entry().map(|id| Route::Connections(id.clone()));
                // The page reads who refers to the entry and the entry's card, not its text.
                deps::read(Dep::Backlinks(*i));
                deps::read(Dep::Card(*i));
                let title = config
                    .word("connections_of")
                    .replace("{title}", &node.doc.title);
                let route = listing.clone().unwrap_or(Route::NotFound).page(*number);
                context.insert_value("page", synthetic(&title, route));
                context.insert_value("entry", views.cards[*i].clone());
                let all: Vec<(String, DocIndex)> = graph.backlinks[*i]
                    .iter()
                    .flat_map(|g| {
                        let label = g.label.replace("{title}", &node.doc.title);
                        g.docs.iter().map(move |&d| (label.clone(), d))
                    })
                    .collect();
                let range = paginate::page_range(all.len(), CONNECTIONS_PER_PAGE, *number);
                let entries: Vec<Value> = all[range]
                    .iter()
                    .map(|(label, d)| {
                        deps::read(Dep::Card(*d));
                        let mut m = tera::Map::new();
                        m.insert("group".into(), Value::from(label.as_str()));
                        m.insert("entry".into(), views.cards[*d].clone());
                        Value::from(m)
                    })
                    .collect();
                if let Some(listing) = listing {
                    context.insert_value(
                        "paginator",
                        paginate::paginator_value(
                            config,
                            &listing,
                            all.len(),
                            CONNECTIONS_PER_PAGE,
                            *number,
                            entries,
                        ),
                    );
                }
            }
            PageKind::Redirect(r) => {
                let redirect = &graph.redirects[*r];
                // The page reads where its target is and what it is called.
                deps::read(Dep::Card(redirect.to));
                let node = &graph.nodes[redirect.to];
                let mut target = tera::Map::new();
                target.insert("title".into(), Value::from(node.doc.title.as_str()));
                target.insert("url".into(), Value::from(node.url.as_str()));
                let permalink = format!("{}{}", config.site.base_url.origin(), node.url);
                target.insert("permalink".into(), Value::from(permalink));
                target.insert("lang".into(), Value::from(node.doc.lang.as_str()));
                context.insert_value("redirect", Value::from(target));
            }
            PageKind::Corrections => {
                if can_read(Aggregate::Corrections) {
                    deps::read(Dep::Site(Aggregate::Corrections));
                }
                context.insert_value(
                    "page",
                    synthetic(&config.word("corrections"), Route::Corrections),
                );
                context.insert_value("corrections", view::corrections_value(config, graph, views));
            }
        }
        context
    }
}

/// Values several pages show, built by the first page that needs them.
#[derive(Default)]
struct SharedValues {
    timeline: OnceLock<(Value, Value)>,
}

impl SharedValues {
    fn timeline(&self, graph: &Graph, views: &Views) -> &(Value, Value) {
        self.timeline
            .get_or_init(|| view::timeline_value(graph, views))
    }
}

/// The theme's template of share cards.
const SHARE_CARD: &str = "share-card.svg";

/// A share card whose SVG resvg could not read.
fn card_problem(templates: &Templates, job: &PageJob, error: String) -> Diagnostic {
    Diagnostic::new(
        Stage::Render,
        templates.file(SHARE_CARD),
        TemplateError::Tera(format!(
            "the share card of `{}` is not an SVG image resvg can draw: {error}",
            job.url
        )),
    )
}

fn render_job(
    templates: &Templates,
    job: &PageJob,
    context: &Context,
) -> Result<Vec<u8>, Diagnostic> {
    let Some(name) = templates.pick(&job.templates) else {
        let names = job
            .templates
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let theme_hint =
            "templates are looked up in `templates/`, then in the theme's `templates/`";
        return Err(Diagnostic::new(
            Stage::Render,
            "templates",
            TemplateError::Missing {
                what: job.what.clone(),
                names,
            },
        )
        .with_hint(Some(theme_hint.into())));
    };
    let mut bytes = Vec::with_capacity(16 * 1024);
    templates
        .tera
        .render_to(name, context, &mut bytes)
        .map_err(|e| templates.diagnostic(&e, name, Some(&job.url)))?;
    Ok(bytes)
}

/// Entries per page of a connections page.
const CONNECTIONS_PER_PAGE: usize = 100;

/// Every page of the site, in a fixed order; cheap, since no context is built here.
fn page_jobs(config: &Config, graph: &Graph) -> Vec<PageJob> {
    let base = &config.site.base_url;
    let edition = config.edition();
    let job = |route: Route, what: &str, templates: Vec<String>, kind, optional| {
        let route = route.in_edition(edition);
        PageJob {
            path: route.output_file(),
            url: route.url(base),
            what: what.to_string(),
            templates,
            kind,
            optional,
            card: false,
        }
    };
    let one = |name: &str| vec![name.to_string()];
    let mut jobs = vec![job(
        Route::Home,
        "the home page",
        one("index.html"),
        PageKind::Home,
        false,
    )];

    for (c, collection) in config.collections.iter().enumerate() {
        let members = graph.members(&collection.name);
        for number in 1..=paginate::page_count(members.len(), collection.per_page) {
            jobs.push(job(
                Route::CollectionIndex(collection.name.clone()).page(number),
                &format!("the `{}` index", collection.name),
                vec![
                    format!("{}/collection.html", collection.name),
                    "collection.html".into(),
                ],
                PageKind::CollectionIndex(c, number),
                false,
            ));
        }
        let what = format!("entries of `{}`", collection.name);
        let templates = vec![
            format!("{}/entry.html", collection.name),
            "entry.html".into(),
        ];
        let cap = config.site.pagination.backlinks;
        for &i in members {
            let node = &graph.nodes[i];
            // An original left untranslated has its page in its own language only.
            if !config.publishes(&node.doc.lang) {
                continue;
            }
            jobs.push(PageJob {
                path: node.route.output_file(),
                url: node.url.clone(),
                what: what.clone(),
                templates: templates.clone(),
                kind: PageKind::Entry(c, i),
                optional: false,
                card: false,
            });
            // The connections page, for an entry whose page shows only part of a group.
            let groups = &graph.backlinks[i];
            if cap > 0 && groups.iter().any(|g| g.docs.len() > cap) {
                let Some(id) = node.doc.id.entry() else {
                    continue;
                };
                let total: usize = groups.iter().map(|g| g.docs.len()).sum();
                for number in 1..=paginate::page_count(total, CONNECTIONS_PER_PAGE) {
                    jobs.push(job(
                        Route::Connections(id.clone()).page(number),
                        "connections pages",
                        one("connections.html"),
                        PageKind::Connections(i, number),
                        true,
                    ));
                }
            }
        }
    }

    for (i, node) in graph.nodes.iter().enumerate() {
        if let DocId::Page(slug) = &node.doc.id {
            if !config.publishes(&node.doc.lang) {
                continue;
            }
            jobs.push(PageJob {
                path: node.route.output_file(),
                url: node.url.clone(),
                what: "standalone pages".into(),
                templates: vec![format!("pages/{slug}.html"), "page.html".into()],
                kind: PageKind::Standalone(i),
                optional: false,
                card: false,
            });
        }
    }

    let per_page = config.site.pagination.timeline;
    for number in 1..=paginate::page_count(graph.timeline.len(), per_page) {
        jobs.push(job(
            Route::Timeline.page(number),
            "the timeline",
            one("timeline.html"),
            PageKind::Timeline(number),
            false,
        ));
    }
    jobs.push(job(
        Route::Map,
        "the relationship map",
        one("map.html"),
        PageKind::Map,
        true,
    ));
    jobs.push(job(
        Route::Search,
        "the search page",
        one("search.html"),
        PageKind::Search,
        true,
    ));
    jobs.push(job(
        Route::TagIndex,
        "the tag index",
        one("tags.html"),
        PageKind::TagIndex,
        true,
    ));
    for tag in graph.tags.values() {
        for number in 1..=paginate::page_count(tag.docs.len(), config.site.pagination.tags) {
            jobs.push(job(
                Route::Tag(tag.slug.clone()).page(number),
                "tag pages",
                one("tag.html"),
                PageKind::Tag(tag.slug.clone(), number),
                true,
            ));
        }
    }
    jobs.push(job(
        Route::Corrections,
        "the corrections page",
        one("corrections.html"),
        PageKind::Corrections,
        true,
    ));
    // Static hosts serve one `404.html` for every missing address, in every language.
    if edition.is_none() {
        jobs.push(job(
            Route::NotFound,
            "the not-found page",
            one("404.html"),
            PageKind::NotFound,
            true,
        ));
    }
    // Old addresses, each a page that sends readers on.
    for (r, redirect) in graph.redirects.iter().enumerate() {
        jobs.push(PageJob {
            path: redirect.from.output_file(),
            url: redirect.from.url(base),
            what: "redirect pages (`aliases:` and `redirects:`)".into(),
            templates: one("redirect.html"),
            kind: PageKind::Redirect(r),
            optional: false,
            card: false,
        });
    }
    // Each listed page's share card, drawn from the theme's SVG template with the page's
    // own context (so it is rendered again exactly when what it reads changes). An entry
    // with a picture shares a crop of it instead.
    let cards: Vec<PageJob> = jobs
        .iter()
        .filter_map(|page| {
            let route = page_route(graph, &page.kind)?;
            if let PageKind::Entry(_, i) = page.kind {
                if graph.nodes[i].share_picture().is_some() {
                    return None;
                }
            }
            let card = Route::ShareCard(Box::new(route.in_edition(edition)));
            Some(PageJob {
                path: card.output_file(),
                url: card.url(base),
                what: "share cards".into(),
                templates: vec![SHARE_CARD.into()],
                kind: page.kind.clone(),
                optional: true,
                card: true,
            })
        })
        .collect();
    jobs.extend(cards);
    jobs
}

/// Each tag of `graph`, by slug, with how many pages its listing takes.
fn tag_pages(config: &Config, graph: &Graph) -> Vec<(String, usize)> {
    graph
        .tags
        .iter()
        .map(|(slug, tag)| {
            let pages = paginate::page_count(tag.docs.len(), config.site.pagination.tags);
            (slug.clone(), pages)
        })
        .collect()
}

/// The entries whose share image is their picture rather than a card.
fn pictured(graph: &Graph) -> Vec<DocIndex> {
    (0..graph.nodes.len())
        .filter(|&i| graph.nodes[i].share_picture().is_some())
        .collect()
}

/// The route of a page job's page; `None` for the not-found page, which shares the home
/// page's card.
fn page_route(graph: &Graph, kind: &PageKind) -> Option<Route> {
    Some(match kind {
        PageKind::Home => Route::Home,
        PageKind::CollectionIndex(c, n) => {
            Route::CollectionIndex(graph.collections[*c].0.clone()).page(*n)
        }
        PageKind::Entry(_, i) | PageKind::Standalone(i) => graph.nodes[*i].route.clone(),
        PageKind::Timeline(n) => Route::Timeline.page(*n),
        PageKind::Map => Route::Map,
        PageKind::Search => Route::Search,
        PageKind::TagIndex => Route::TagIndex,
        PageKind::Tag(slug, n) => Route::Tag(slug.clone()).page(*n),
        PageKind::Corrections => Route::Corrections,
        PageKind::Connections(i, n) => {
            Route::Connections(graph.nodes[*i].doc.id.entry()?.clone()).page(*n)
        }
        PageKind::NotFound | PageKind::Redirect(_) => return None,
    })
}

/// The names templates look entries and collections up by: `people/han-dong` to its
/// node, `people` to its position. They follow from the documents and the
/// configuration, so a renderer builds them once.
struct Lookups {
    entries: Arc<HashMap<String, DocIndex>>,
    collections: Arc<HashMap<String, usize>>,
}

impl Lookups {
    fn new(config: &Config, graph: &Graph) -> Self {
        let entries = graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| n.doc.id.entry().map(|id| (id.to_string(), i)))
            .collect();
        let collections = config
            .collections
            .iter()
            .enumerate()
            .map(|(i, c)| (c.name.clone(), i))
            .collect();
        Lookups {
            entries: Arc::new(entries),
            collections: Arc::new(collections),
        }
    }
}

/// `get_entry` and `get_collection`, handing out `cards` and `collections` (and
/// recording what they hand out). Registered again whenever the cards change.
fn register_lookups(
    tera: &mut tera::Tera,
    lookups: &Lookups,
    cards: Arc<Vec<Value>>,
    collections: Arc<Vec<Value>>,
) {
    let entries = Arc::clone(&lookups.entries);
    tera.register_function(
        "get_entry",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            let found = entries.get(id).map(|&i| {
                deps::read(Dep::Card(i));
                cards[i].clone()
            });
            found.ok_or_else(|| {
                let hint = crate::diagnostic::did_you_mean(id, entries.keys().map(String::as_str))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                tera::Error::message(format!(
                    "get_entry: no entry `{id}` (write it as `collection/slug`){hint}"
                ))
            })
        },
    );
    let names = Arc::clone(&lookups.collections);
    tera.register_function(
        "get_collection",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let name: &str = kwargs.must_get("name")?;
            let found = names.get(name).map(|&i| {
                deps::read(Dep::Collection(i));
                collections[i].clone()
            });
            found.ok_or_else(|| {
                tera::Error::message(format!("get_collection: no collection `{name}`"))
            })
        },
    );
}

/// The functions and filters that do not change with the content: `url_for` (over the
/// fingerprinted static files), `human_date`, `humanize` and an ordered `group_by`.
fn register_functions(tera: &mut tera::Tera, config: &Config, assets: &assets::Assets) {
    let base = config.site.base_url.clone();
    let renamed = assets.renamed.clone();
    let statics: std::collections::HashSet<String> = assets.files.keys().cloned().collect();
    let edition = config.edition.clone();
    tera.register_function(
        "url_for",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let path: &str = kwargs.must_get("path")?;
            if path.contains("://") {
                return Err(tera::Error::message(format!(
                    "url_for: `{path}` is already a full address; write it as it is"
                )));
            }
            let published = renamed
                .get(path.trim_start_matches('/'))
                .map(String::as_str)
                .unwrap_or(path);
            // A static file is shared by every edition; any other path is a page or file
            // of this edition's language.
            if statics.contains(published.trim_start_matches('/')) {
                return Ok(Value::from(base.url(published)));
            }
            let path = crate::routes::in_edition_path(edition.as_deref(), published);
            Ok(Value::from(base.url(&path)))
        },
    );
    register_text_functions(tera, config);
}

/// The functions and filters that need nothing but the configuration: words in the
/// edition's language, dates, enum values, wrapping, grouping. Component templates, which
/// are drawn before any page, get these too.
pub(crate) fn register_text_functions(tera: &mut tera::Tera, config: &Config) {
    let language = config.site.language.clone();
    tera.register_filter(
        "human_date",
        move |value: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            crate::model::PartialDate::parse(value)
                .map(|d| d.human_in(&language))
                .map_err(|e| tera::Error::message(format!("human_date: {e}")))
        },
    );
    // `word(key="yes")`: the theme's word in this edition's language, for components,
    // which see only their arguments.
    let words = config
        .words_of(&config.site.language)
        .cloned()
        .unwrap_or_default();
    tera.register_function(
        "word",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let key: &str = kwargs.must_get("key")?;
            Ok(Value::from(
                words.get(key).map(String::as_str).unwrap_or(key),
            ))
        },
    );
    // An enum value in words: the strings file's `value.<value>` for this language,
    // else the value humanised.
    let values: HashMap<String, String> = config
        .words_of(&config.site.language)
        .into_iter()
        .flatten()
        .filter_map(|(k, v)| Some((k.strip_prefix("value.")?.to_string(), v.clone())))
        .collect();
    tera.register_filter("humanize", move |value: &str, _: Kwargs, _: &State| {
        values
            .get(value)
            .cloned()
            .unwrap_or_else(|| humanise(value))
    });
    // SVG has no line breaking: share cards lay their text out line by line.
    tera.register_filter(
        "wrap",
        |value: &str, kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let width: usize = kwargs.must_get("width")?;
            let lines: usize = kwargs.get("lines")?.unwrap_or(usize::MAX);
            let wrapped = crate::images::card::wrap(value, width.max(1), lines);
            Ok(Value::from(
                wrapped.into_iter().map(Value::from).collect::<Vec<_>>(),
            ))
        },
    );
    // tera's own `group_by` returns its groups in hash order, which would make output
    // differ between builds; this one keeps the order in which groups first appear.
    tera.register_filter(
        "group_by",
        |values: &[Value], kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let attribute: &str = kwargs.must_get("attribute")?;
            let mut groups: Vec<(String, Vec<Value>)> = Vec::new();
            for (i, value) in values.iter().enumerate() {
                let Some(key) = value.get_from_path(attribute) else {
                    return Err(tera::Error::message(format!(
                        "group_by: value at index {i} has no attribute `{attribute}`"
                    )));
                };
                if key.is_none() {
                    continue;
                }
                let key = key
                    .as_str()
                    .map(String::from)
                    .unwrap_or_else(|| key.to_string());
                match groups.iter_mut().find(|(k, _)| *k == key) {
                    Some((_, list)) => list.push(value.clone()),
                    None => groups.push((key, vec![value.clone()])),
                }
            }
            let mut map = tera::Map::new();
            for (key, list) in groups {
                map.insert(key.into(), Value::from(list));
            }
            Ok(Value::from(map))
        },
    );
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    fn fixture_graph() -> (Config, Graph) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/valid");
        let config = crate::config::test_config(&root);
        let graph = crate::graph_of(&config);
        (config, graph)
    }

    /// Counts the pages it is given, and fails on every one after the first `ok`.
    struct CountingSink {
        ok: usize,
        seen: AtomicUsize,
    }

    impl PageSink for CountingSink {
        fn put(&self, path: &str, _: &[u8]) -> Result<(), Diagnostic> {
            match self.seen.fetch_add(1, Ordering::SeqCst) < self.ok {
                true => Ok(()),
                false => Err(Diagnostic::new(
                    Stage::Write,
                    "public",
                    std::io::Error::other(format!("disk full at {path}")),
                )),
            }
        }
    }

    #[test]
    fn pages_handed_to_a_sink_are_not_kept() {
        let (config, graph) = fixture_graph();
        let sink = CountingSink {
            ok: usize::MAX,
            seen: AtomicUsize::new(0),
        };
        let mut memo = RenderMemo::default();
        let output = render(&config, &graph, None, Some(&mut memo), Some(&sink), &|| {}).unwrap();
        assert!(output.pages > 10);
        assert_eq!(sink.seen.load(Ordering::SeqCst), output.pages);
        assert_eq!(output.streamed.len(), output.pages);
        assert!(output.files.keys().all(|p| !p.ends_with(".html")));
    }

    #[test]
    fn a_failing_sink_is_one_problem_not_one_per_page() {
        let (config, graph) = fixture_graph();
        let sink = CountingSink {
            ok: 2,
            seen: AtomicUsize::new(0),
        };
        let mut memo = RenderMemo::default();
        let problems =
            render(&config, &graph, None, Some(&mut memo), Some(&sink), &|| {}).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems}");
        assert!(problems.to_string().contains("disk full at"), "{problems}");
    }
}
