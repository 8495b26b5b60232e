//! casefile: a static site generator for cross-linked explainer microsites.
//!
//! The build is a one-way pipeline, each stage a module that takes the previous stage's
//! value and returns a new one:
//!
//! 1. [`config`]: `site.yaml` into a validated [`Config`] (collections and their schemas);
//! 2. [`load`]: `content/` files split into front matter and body, YAML with positions;
//! 3. [`model`]: front matter checked against the schemas into typed documents;
//! 4. [`resolve`]: references and links resolved both ways, Markdown rendered (its
//!    components drawn by the theme's `components/` templates, read just before), timeline, tags;
//! 5. [`render`]: tera templates over the graph, in parallel, into an output in memory or
//!    straight into the build folder;
//! 6. [`publish`]: sitemap, robots.txt, Atom feed, TimelineJS data, search index;
//! 7. [`write`](mod@write): the output swapped into the output folder atomically.
//!
//! Every stage collects all its problems as [`Diagnostic`]s before the run stops, so an
//! editor sees every error of a build at once.
//!
//! Beside the pipeline, [`serve`] rebuilds a site in memory as its files change and
//! serves it with live reload, and [`scaffold`] starts new entries from their schema.

#![warn(missing_docs, unreachable_pub)]

mod audit;
mod config;
mod diagnostic;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod images;
mod init;
mod load;
mod markdown;
mod model;
mod publish;
mod published;
mod render;
mod resolve;
mod routes;
mod scaffold;
mod schema;
mod serve;
mod text_file;
mod theme;
mod write;
mod yaml;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

pub use audit::AuditReport;
pub use config::{
    load_config, BaseUrl, BuildOptions, Collection, Config, EmbedHosts, FieldKind, FieldSpec,
    ImageSettings, Publisher, Rule, SiteSettings, SortOrder,
};
pub use diagnostic::{
    Category, Diagnostic, Diagnostics, Location, Place, Printer, Severity, Span, Stage,
};
pub use init::{init_site, InitError, Initialised};
pub use load::{MAX_FILES, MAX_FILE_BYTES, MAX_TOTAL_BYTES};
pub use render::Output;
pub use scaffold::{new_entry, Created, Refused, ScaffoldError};
pub use schema::{collection_schema, site_schema};
pub use serve::{
    allowed_host_name, serve, Change, Files, Preview, Rebuild, ServeError, ServeOptions,
    MAX_CONNECTIONS,
};
pub use theme::{copy_builtin_theme, ThemeCopyError};

/// What a successful run produced.
#[derive(Debug, Clone, Default)]
pub struct Report {
    /// Published entries per collection, in declaration order.
    pub entries: Vec<(String, usize)>,
    /// Standalone pages.
    pub pages: usize,
    /// Pages rendered from templates.
    pub rendered: usize,
    /// Files in the output (pages and static files).
    pub files: usize,
    /// Bytes in the output.
    pub bytes: u64,
    /// Wall time of the run.
    pub elapsed: Duration,
    /// Why the output folder was updated file by file rather than swapped atomically
    /// (`None` when it was swapped, or nothing was written).
    pub in_place: Option<String>,
    /// Image files and share cards encoded by this run (not found in the cache).
    pub encoded: usize,
    /// Image files and share cards read back from the cache.
    pub reused: usize,
    /// What the run warns about: printed and counted, not failing it.
    pub warnings: Diagnostics,
    /// The content file each page was rendered from, by output file
    /// (`people/han-dong/index.html` -> `content/people/han-dong.md`), so that what
    /// `check` finds in a page is reported where an editor can fix it.
    pub(crate) page_sources: BTreeMap<String, std::path::PathBuf>,
}

/// What a run reports to a progress display while it works.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Progress {
    /// A stage starts: `loading`, `checking`, `linking`, `indexing`, `rendering`,
    /// `images`, `publishing`, `writing`.
    Stage(&'static str),
    /// Rendering starts; about this many pages will be rendered.
    Pages(usize),
    /// One more page is being rendered.
    Page,
}

/// What a run keeps for the next run of the same site under the same configuration:
/// the files read and typed, and for each edition (language) its graph and what each
/// page read while it rendered.
/// `casefile serve` keeps one between rebuilds ([`Memo::kept`]); `build` and `check` run
/// with one that keeps nothing ([`Memo::default`]), so every stage does all its work and
/// each stage's working data is freed as soon as the next stage has what it needs.
#[derive(Default)]
pub(crate) struct Memo {
    /// Whether anything is kept for a next run.
    keep: bool,
    files: load::FileCache,
    types: model::TypeCache,
    /// The files the last graphs were built from.
    built_from: Option<Vec<std::sync::Arc<load::SourceFile>>>,
    /// Per edition, in [`Config::editions`] order.
    editions: Vec<EditionMemo>,
    /// The image files the last run published, for every edition.
    images: images::process::ImageMemo,
    /// Highlighted code, read from the cache folder by the first run.
    highlights: Option<markdown::HighlightMemo>,
}

/// What a run keeps of one edition: its last graph, and what its pages and generated
/// files were made from.
#[derive(Default)]
struct EditionMemo {
    graph: Option<resolve::Graph>,
    /// The theme's component templates, read once: any change to a template starts
    /// `serve` from an empty memo.
    components: Option<markdown::ComponentTemplates>,
    render: render::RenderMemo,
    publish: publish::PublishMemo,
}

impl Memo {
    /// A memo that keeps what each run did for the next one.
    pub(crate) fn kept() -> Memo {
        Memo {
            keep: true,
            ..Memo::default()
        }
    }
}

/// What a run made: the rendered output (every page, or with a memo the pages that read
/// what changed) and its report; `None` when no content file changed since the memo's
/// run.
pub(crate) type Run = Option<(Output, Report)>;

/// Runs every stage, in the one order they run in: load, model, then for each edition
/// (the site's own language, then each other one of `languages:`) resolve, index,
/// render and publish. The output is handed to `sink` page by page when one is given
/// (the build's folder); writing it is the caller's job.
pub(crate) fn run(
    config: &Config,
    memo: &mut Memo,
    sink: Option<&dyn render::PageSink>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Run, Diagnostics> {
    let mut warnings = Diagnostics::new();
    match run_stages(config, memo, sink, progress, &mut warnings) {
        Ok(Some((output, mut report))) => {
            report.warnings = warnings;
            Ok(Some((output, report)))
        }
        Ok(None) => Ok(None),
        Err(mut errors) => {
            errors.extend(warnings);
            Err(errors.sorted())
        }
    }
}

/// What [`run`] does, putting the warnings it finds in `warnings`.
fn run_stages(
    config: &Config,
    memo: &mut Memo,
    sink: Option<&dyn render::PageSink>,
    progress: &(dyn Fn(Progress) + Sync),
    warnings: &mut Diagnostics,
) -> Result<Run, Diagnostics> {
    let started = Instant::now();
    progress(Progress::Stage("loading"));
    let (sources, mut diagnostics) = load::load_content(config, &mut memo.files);
    warnings.extend(diagnostics.take_warnings());
    if let Some(built_from) = &memo.built_from {
        let same = sources.len() == built_from.len()
            && sources
                .iter()
                .zip(built_from)
                .all(|(a, b)| std::sync::Arc::ptr_eq(a, b));
        if diagnostics.is_empty() && same {
            return Ok(None);
        }
    }
    progress(Progress::Stage("checking"));
    let model = match model::build_model(config, &sources, &mut memo.types) {
        Ok(model) if diagnostics.is_empty() => model,
        Ok(_) => return Err(diagnostics.sorted()),
        Err(more) => {
            diagnostics.extend(more);
            return Err(diagnostics.sorted());
        }
    };
    // A one-shot run lets go of the files' text and YAML once they are typed: at 10,000
    // entries, about 100 MB less at the peak.
    let sources = if memo.keep {
        Some(sources)
    } else {
        memo.files = load::FileCache::default();
        memo.types = model::TypeCache::default();
        drop(sources);
        None
    };
    let editions: Vec<&Config> = config.editions().collect();
    let mut models = Vec::with_capacity(editions.len());
    let mut problems = Diagnostics::new();
    for edition in &editions {
        match model::edition(edition, &model) {
            Ok((model, more)) => {
                warnings.extend(more);
                models.push(model);
            }
            Err(more) => problems.extend(more),
        }
    }
    if !problems.is_empty() {
        return Err(problems.sorted());
    }
    drop(model);
    memo.editions
        .resize_with(editions.len(), EditionMemo::default);
    if memo.highlights.is_none() {
        let stored =
            images::cache::Cache::of(config).get("highlight", markdown::HIGHLIGHTER, "json");
        memo.highlights = Some(markdown::HighlightMemo::from_json(
            &stored.unwrap_or_default(),
        ));
    }
    let mut graphs = Vec::with_capacity(editions.len());
    let mut output: Option<Output> = None;
    for (done, (edition, model)) in editions.iter().zip(models).enumerate() {
        match run_edition(edition, model, memo, done, sink, progress) {
            Ok((graph, rendered)) => {
                match &mut output {
                    None => output = Some(rendered),
                    Some(all) => all.absorb(rendered),
                }
                graphs.push(graph);
            }
            Err(problems) => {
                // The editions rendered before this one have memos of graphs the memo
                // does not keep: the next run renders them all again.
                for kept in &mut memo.editions[..done] {
                    *kept = EditionMemo::default();
                }
                memo.built_from = None;
                return Err(problems);
            }
        }
    }
    let mut output = output.expect("a site has at least its own language's edition");
    // Kept for the next build by a build or `serve` (`check` leaves the site folder as
    // it was); a run that rendered every text keeps only the blocks it used.
    let prune = !memo.keep;
    let changed = memo.highlights.as_mut().and_then(|h| h.take_changes(prune));
    if let Some(changed) = changed.filter(|_| sink.is_some() || memo.keep) {
        images::cache::Cache::of(config).put("highlight", markdown::HIGHLIGHTER, "json", &changed);
    }
    // Images once for every edition: a photo two editions show is one set of files,
    // and none is removed while another edition still shows it.
    progress(Progress::Stage("images"));
    let counts = images::process::Counts::default();
    let pictures: Vec<images::process::Use> =
        graphs.iter().flat_map(resolve::Graph::pictures).collect();
    // A picture beside its entry is read by the page that shows it, under another name
    // (its published files are content-hashed): not a file casefile leaves unread.
    let pictured: std::collections::HashSet<&Path> = pictures
        .iter()
        .map(|u| Path::new(u.picture.source.shown.as_str()))
        .collect();
    let unread_picture = |d: &Diagnostic| {
        d.error::<load::LoadError>()
            .is_some_and(|e| matches!(e, load::LoadError::NotRead))
            && pictured.contains(d.path())
    };
    *warnings = std::mem::take(warnings)
        .into_iter()
        .filter(|d| !unread_picture(d))
        .collect();
    drop(pictured);
    if let Err(problems) = images::process::publish(
        config,
        pictures,
        &mut output,
        sink,
        &mut memo.images,
        &counts,
    ) {
        // The render memos are of these graphs, which the memo does not keep: the next
        // run renders everything.
        memo.editions.clear();
        memo.built_from = None;
        memo.images = images::process::ImageMemo::default();
        return Err(problems);
    }
    let pairs: Vec<(&Config, &resolve::Graph)> = editions.iter().copied().zip(&graphs).collect();
    if editions.len() > 1 {
        publish::sitemap_of_editions(&pairs, &mut output, &mut memo.editions[0].publish);
    }
    publish::redirect_rules(&pairs, &mut output);
    drop(pairs);
    let mut report = report(config, &graphs[0], &output, started);
    report.encoded = counts.encoded.into_inner() + output.cards.0;
    report.reused = counts.reused.into_inner() + output.cards.1;
    if let Some(sources) = sources {
        // The last graphs are let go of on another thread: freeing 10,000 nodes takes a
        // few milliseconds that nothing waits for.
        let mut last = Vec::new();
        for (kept, graph) in memo.editions.iter_mut().zip(graphs) {
            last.extend(kept.graph.replace(graph));
        }
        memo.built_from = Some(sources);
        if !last.is_empty() {
            rayon::spawn(move || drop(last));
        }
    } else {
        for kept in &mut memo.editions {
            kept.publish = publish::PublishMemo::default();
        }
    }
    Ok(Some((output, report)))
}

/// Resolves, indexes, renders and publishes one edition (`edition`, the `done`th of the
/// site's), keeping what its pages read in the memo's entry for it.
fn run_edition(
    edition: &Config,
    model: model::Model,
    memo: &mut Memo,
    done: usize,
    sink: Option<&dyn render::PageSink>,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(resolve::Graph, Output), Diagnostics> {
    let keep = memo.keep;
    let kept = &mut memo.editions[done];
    progress(Progress::Stage("linking"));
    let previous = kept.graph.as_ref();
    // What the last good build of this edition published, for the
    // `correction-when-changed` rule; an unreadable record is reported with the site's
    // own problems.
    let (published, record_problem) = match published::read_previous(edition, &edition.output) {
        Ok(record) => (record, None),
        Err(problem) => (None, Some(problem)),
    };
    // Markdown components are drawn by theme templates while bodies are rendered. A
    // template that cannot be loaded is reported with the content's problems, which are
    // found meanwhile with the built-in theme's templates.
    let mut problems = Diagnostics::new();
    if kept.components.is_none() {
        kept.components = render::component_templates(edition)
            .map_err(|templates| problems.extend(templates))
            .ok();
    }
    let components = kept
        .components
        .as_ref()
        .unwrap_or_else(|| markdown::ComponentTemplates::builtin());
    let highlights = memo.highlights.get_or_insert_with(Default::default);
    let resolved = resolve::resolve(
        edition,
        components,
        highlights,
        model,
        previous,
        published.as_ref(),
    );
    problems.extend(record_problem);
    let mut graph = match resolved {
        Ok(graph) if problems.is_empty() => graph,
        Ok(_) => return Err(problems.sorted()),
        Err(more) => {
            problems.extend(more);
            return Err(problems.sorted());
        }
    };
    // Only `serve` (to see what an edit changed) and the record of what was published
    // (for the correction rule) read a document's Markdown once it is rendered.
    if !keep {
        graph.let_go_of_markdown(|doc| published::records(edition, doc));
    }
    // Before rendering: the index's working memory is gone before the pages pile up.
    // After an edit in `serve` the last index stands (see the README).
    progress(Progress::Stage("indexing"));
    let search = match previous {
        None => publish::search_index(edition, &graph),
        Some(_) => publish::SearchIndex::default(),
    };
    progress(Progress::Stage("rendering"));
    progress(Progress::Pages(estimated_pages(edition, &graph)));
    let on_page = || progress(Progress::Page);
    // On failure the memo's graph stays the one its pages were rendered from.
    let render_memo = keep.then_some(&mut kept.render);
    let mut rendered = render::render(edition, &graph, previous, render_memo, sink, &on_page)?;
    progress(Progress::Stage("publishing"));
    publish::publish(
        edition,
        &graph,
        previous,
        &mut rendered,
        search,
        &mut kept.publish,
    );
    Ok((graph, rendered))
}

/// The checked model of the site of `config`, for unit tests of later stages.
#[cfg(test)]
pub(crate) fn model_of(config: &Config) -> model::Model {
    let (sources, problems) = load::load_content(config, &mut load::FileCache::default());
    assert!(problems.is_empty(), "{problems}");
    model::build_model(config, &sources, &mut model::TypeCache::default())
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The graph of the site of `config`, for unit tests of later stages.
#[cfg(test)]
pub(crate) fn graph_of(config: &Config) -> resolve::Graph {
    let components = render::component_templates(config).unwrap_or_else(|e| panic!("{e}"));
    let highlights = markdown::HighlightMemo::default();
    resolve::resolve(
        config,
        &components,
        &highlights,
        model_of(config),
        None,
        None,
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

/// Renders the whole site in memory: every stage but writing.
pub fn render_in_memory(config: &Config) -> Result<(Output, Report), Diagnostics> {
    render_in_memory_with(config, &|_| {})
}

/// [`render_in_memory`], telling `progress` what it is doing.
pub fn render_in_memory_with(
    config: &Config,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Output, Report), Diagnostics> {
    let run = run(config, &mut Memo::default(), None, progress)?;
    Ok(run.expect("a run without a memo always renders"))
}

fn report(config: &Config, graph: &resolve::Graph, output: &Output, started: Instant) -> Report {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    let mut pages = 0;
    for node in &graph.nodes {
        match &node.doc.id {
            model::DocId::Entry(id) => *counts.entry(id.collection.as_str()).or_default() += 1,
            model::DocId::Page(_) => pages += 1,
            _ => {}
        }
    }
    Report {
        entries: config
            .collections
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    counts.get(c.name.as_str()).copied().unwrap_or(0),
                )
            })
            .collect(),
        pages,
        rendered: output.pages,
        files: output.file_count(),
        bytes: output.byte_count(),
        elapsed: started.elapsed(),
        in_place: None,
        encoded: 0,
        reused: 0,
        warnings: Diagnostics::new(),
        page_sources: graph
            .nodes
            .iter()
            .map(|n| (n.route.output_file(), n.doc.path.clone()))
            .collect(),
    }
}

/// About how many pages a site renders: one per document, collection and tag, plus the
/// home, timeline, map, tag index and not-found pages (for progress displays).
pub fn estimated_pages(config: &Config, graph: &resolve::Graph) -> usize {
    let indexes = config
        .collections
        .iter()
        .filter(|c| graph.find(&model::DocId::Index(c.name.clone())).is_none())
        .count();
    let home = usize::from(graph.home().is_none());
    graph.nodes.len() + indexes + home + graph.tags.len() + 4
}

/// Builds the site into `config.output`, replacing the previous build only on success.
pub fn build(config: &Config) -> Result<Report, Diagnostics> {
    build_with(config, &|_| {})
}

/// [`build`], telling `progress` what it is doing.
pub fn build_with(
    config: &Config,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Report, Diagnostics> {
    // Pages go to the temporary folder as they are rendered rather than all being held
    // in memory until the end (at 10,000 entries, 118 MB less at the peak).
    let staging = write::Staging::create(config);
    let sink = staging.as_ref().ok().map(|s| s as &dyn render::PageSink);
    // Without a build folder the pages are still rendered (in memory), so that template
    // errors are reported together with the output folder's problem.
    let rendered = run(config, &mut Memo::default(), sink, progress)
        .map(|run| run.expect("a run without a memo always renders"));
    let (staging, (output, mut report)) = match (staging, rendered) {
        (Ok(staging), Ok(output)) => (staging, output),
        (Err(mut problems), Err(more)) => {
            problems.extend(more);
            return Err(problems.sorted());
        }
        (Err(problems), Ok(_)) | (Ok(_), Err(problems)) => return Err(problems),
    };
    if config.deny_warnings && !report.warnings.is_empty() {
        // The staging folder goes with `staging`: the last good build stays.
        return Err(std::mem::take(&mut report.warnings).denied().sorted());
    }
    progress(Progress::Stage("writing"));
    let written = staging.finish(&output)?;
    report.files = written.files;
    report.bytes = written.bytes;
    report.in_place = written.in_place;
    Ok(report)
}

/// Checks the site as [`build`] would, then checks the rendered pages themselves (links,
/// fragments, assets, titles, descriptions), writing nothing.
pub fn check(config: &Config) -> Result<(Report, audit::AuditReport), Diagnostics> {
    check_with(config, &|_| {})
}

/// [`check()`], telling `progress` what it is doing.
pub fn check_with(
    config: &Config,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<(Report, audit::AuditReport), Diagnostics> {
    let (output, mut report) = render_in_memory_with(config, progress)?;
    progress(Progress::Stage("checking links"));
    let (links, mut problems) = audit::audit_output(config, &output, &report.page_sources);
    report.warnings.extend(problems.take_warnings());
    if !problems.is_empty() {
        problems.extend(std::mem::take(&mut report.warnings));
        return Err(problems.sorted());
    }
    report.warnings = std::mem::take(&mut report.warnings).sorted();
    if config.deny_warnings && !report.warnings.is_empty() {
        return Err(std::mem::take(&mut report.warnings).denied().sorted());
    }
    Ok((report, links))
}
