//! Pages from templates: every node, index, timeline and tag page, rendered in parallel.
//!
//! Takes the resolved [`Graph`] and produces [`Output`]: site-relative paths and their
//! bytes, static files included. Nothing is written here (the write stage owns the
//! output folder), so `casefile check` can render a whole site in memory. A build can
//! instead hand each page to a [`PageSink`] as soon as it is rendered, so that thousands
//! of pages are not all held in memory at once; this module never learns where they go.

mod assets;
mod map;
pub mod structured;
mod templates;
pub mod view;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Kwargs, State, Value};

use crate::config::{humanise, Config};
use crate::diagnostic::{Diagnostic, Diagnostics};
use crate::model::DocId;
use crate::resolve::{DocIndex, Graph};

pub use templates::{load_templates, TemplateError, Templates};
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
}

/// Takes rendered pages as they are produced, from several threads at once (the build
/// writes them to its temporary folder).
pub trait PageSink: Sync {
    /// Stores one page at its site-relative path.
    fn put(&self, path: &str, bytes: &[u8]) -> Result<(), Diagnostic>;
}

/// A rendered page: kept in memory, or handed to a sink (then only its size is kept).
enum Page {
    Held(Vec<u8>),
    Streamed(u64),
}

/// One page to render: where it goes, which templates may render it, and its context.
struct PageJob {
    path: String,
    url: String,
    what: String,
    templates: Vec<String>,
    context: Context,
    /// The node whose page data goes in as `page`, built only if the job is rendered
    /// (that data is most of a page's cost, and `serve` renders a few pages of many).
    node: Option<DocIndex>,
    /// Skipped, rather than an error, when the theme has no template for it.
    optional: bool,
}

/// Renders every page of the site and gathers static files.
pub fn render_site(config: &Config, graph: &Graph) -> Result<Output, Diagnostics> {
    render_pages(config, graph, &|_| true)
}

/// Renders only the pages whose output path `select` accepts (static files are always
/// gathered); `serve` uses this to re-render just the pages an edit can change.
pub fn render_pages(
    config: &Config,
    graph: &Graph,
    select: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Output, Diagnostics> {
    render_pages_into(config, graph, select, None)
}

/// [`render_pages`], handing each page to `sink` (when given) as soon as it is rendered
/// instead of keeping it in the returned [`Output`]. Static files stay in memory.
pub fn render_pages_into(
    config: &Config,
    graph: &Graph,
    select: &(dyn Fn(&str) -> bool + Sync),
    sink: Option<&dyn PageSink>,
) -> Result<Output, Diagnostics> {
    let views = view::build_views(config, graph);
    let (assets, asset_problems) = assets::load_assets(config);
    let mut tera = tera::Tera::new();
    register_functions(&mut tera, config, graph, &views, &assets);
    tera.global_context()
        .insert_value("site", view::site_value(config, graph, &views));
    let templates = load_templates(config, tera)?;

    let jobs = page_jobs(config, graph, &views);
    let rendered: Vec<Result<(String, Page), Diagnostic>> = jobs
        .into_par_iter()
        .filter(|job| select(&job.path))
        .filter(|job| !job.optional || templates.pick(&job.templates).is_some())
        .map(|mut job| {
            if let Some(i) = job.node {
                job.context
                    .insert_value("page", view::page_value(config, graph, &views, i));
            }
            let (path, bytes) = render_job(&templates, job)?;
            match sink {
                Some(sink) => {
                    sink.put(&path, &bytes)?;
                    Ok((path, Page::Streamed(bytes.len() as u64)))
                }
                None => {
                    // A page kept in memory stays there until the end: give back the
                    // unused capacity (a 16 KiB start that doubled to 32 KiB wastes
                    // half). 40 MB less peak RSS at 10k pages.
                    let mut bytes = bytes;
                    bytes.shrink_to_fit();
                    Ok((path, Page::Held(bytes)))
                }
            }
        })
        .collect();
    let mut diagnostics = Diagnostics::new();
    diagnostics.extend(asset_problems);
    let mut output = Output::default();
    for result in rendered {
        match result {
            Ok((path, Page::Held(bytes))) => {
                output.files.insert(path, bytes);
                output.pages += 1;
            }
            Ok((path, Page::Streamed(size))) => {
                output.streamed.insert(path, size);
                output.pages += 1;
            }
            Err(d) => diagnostics.push(d),
        }
    }
    for (dest, bytes) in assets.files {
        if output.contains(&dest) {
            let source = assets
                .sources
                .get(&dest)
                .cloned()
                .unwrap_or_else(|| "static".into());
            diagnostics.push(Diagnostic::content(
                source,
                None,
                format!("static file would overwrite the generated page `{dest}`"),
            ));
            continue;
        }
        output.files.insert(dest, bytes);
    }
    diagnostics.into_result(output)
}

fn render_job(templates: &Templates, job: PageJob) -> Result<(String, Vec<u8>), Diagnostic> {
    let Some(name) = templates.pick(&job.templates) else {
        let names = job
            .templates
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(" or ");
        let theme_hint =
            "templates are looked up in `templates/`, then in the theme's `templates/`";
        return Err(Diagnostic::content(
            "templates",
            None,
            TemplateError::Missing {
                what: job.what,
                names,
            },
        )
        .with_hint(Some(theme_hint.into())));
    };
    let mut bytes = Vec::with_capacity(16 * 1024);
    templates
        .tera
        .render_to(name, &job.context, &mut bytes)
        .map_err(|e| templates.diagnostic(&e, name, Some(&job.url)))?;
    Ok((job.path, bytes))
}

fn page_jobs(config: &Config, graph: &Graph, views: &Views) -> Vec<PageJob> {
    let mut jobs = Vec::new();
    let base = &config.site.base_url;
    // Home.
    let mut home = match graph.home() {
        Some(_) => Context::new(),
        None => {
            let mut c = Context::new();
            c.insert_value("page", view::synthetic_page(config, &config.site.title, ""));
            c
        }
    };
    let (timeline, years) = view::timeline_value(graph, views);
    let relationship_map = Value::safe_string(&map::relationship_map(config, graph));
    home.insert_value("timeline", timeline.clone());
    home.insert_value("timeline_years", years.clone());
    home.insert_value("relationship_map", relationship_map.clone());
    jobs.push(PageJob {
        path: "index.html".into(),
        url: base.url(""),
        what: "the home page".into(),
        templates: vec!["index.html".into()],
        context: home,
        node: graph.home(),
        optional: false,
    });

    // Collection indexes and entries.
    for collection in &config.collections {
        let site_path = format!("{}/", collection.name);
        let collection_value = view::collection_value(config, graph, views, collection);
        let index_node = graph.find(&DocId::Index(collection.name.clone()));
        let mut context = match index_node {
            Some(_) => Context::new(),
            None => {
                let mut c = Context::new();
                c.insert_value(
                    "page",
                    view::synthetic_page(config, &collection.title, &site_path),
                );
                c
            }
        };
        context.insert_value("collection", collection_value.clone());
        jobs.push(PageJob {
            path: format!("{site_path}index.html"),
            url: base.url(&site_path),
            what: format!("the `{}` index", collection.name),
            templates: vec![
                format!("{}/collection.html", collection.name),
                "collection.html".into(),
            ],
            context,
            node: index_node,
            optional: false,
        });
        let members = graph
            .collections
            .iter()
            .find(|(n, _)| n == &collection.name)
            .map(|(_, m)| m.as_slice())
            .unwrap_or(&[]);
        for &i in members {
            let node = &graph.nodes[i];
            let mut context = Context::new();
            context.insert_value("collection", collection_value.clone());
            jobs.push(PageJob {
                path: format!("{}index.html", node.site_path),
                url: node.url.clone(),
                what: format!("entries of `{}`", collection.name),
                templates: vec![
                    format!("{}/entry.html", collection.name),
                    "entry.html".into(),
                ],
                context,
                node: Some(i),
                optional: false,
            });
        }
    }

    // Standalone pages.
    for (i, node) in graph.nodes.iter().enumerate() {
        if let DocId::Page(slug) = &node.doc.id {
            jobs.push(PageJob {
                path: format!("{}index.html", node.site_path),
                url: node.url.clone(),
                what: "standalone pages".into(),
                templates: vec![format!("pages/{slug}.html"), "page.html".into()],
                context: Context::new(),
                node: Some(i),
                optional: false,
            });
        }
    }

    // Timeline.
    let mut context = Context::new();
    context.insert_value(
        "page",
        view::synthetic_page(config, "Timeline", "timeline/"),
    );
    context.insert_value("timeline", timeline);
    context.insert_value("timeline_years", years);
    jobs.push(PageJob {
        path: "timeline/index.html".into(),
        url: base.url("timeline/"),
        what: "the timeline".into(),
        templates: vec!["timeline.html".into()],
        context,
        node: None,
        optional: false,
    });

    // Relationship map, when the theme has a page for it.
    let mut context = Context::new();
    context.insert_value(
        "page",
        view::synthetic_page(config, "Relationship map", "map/"),
    );
    context.insert_value("relationship_map", relationship_map);
    jobs.push(PageJob {
        path: "map/index.html".into(),
        url: base.url("map/"),
        what: "the relationship map".into(),
        templates: vec!["map.html".into()],
        context,
        node: None,
        optional: true,
    });

    // Search, when the theme has a page for it.
    let mut context = Context::new();
    context.insert_value("page", view::synthetic_page(config, "Search", "search/"));
    jobs.push(PageJob {
        path: "search/index.html".into(),
        url: base.url("search/"),
        what: "the search page".into(),
        templates: vec!["search.html".into()],
        context,
        node: None,
        optional: true,
    });

    // Tags.
    let mut context = Context::new();
    context.insert_value("page", view::synthetic_page(config, "Tags", "tags/"));
    jobs.push(PageJob {
        path: "tags/index.html".into(),
        url: base.url("tags/"),
        what: "the tag index".into(),
        templates: vec!["tags.html".into()],
        context,
        node: None,
        optional: true,
    });
    for tag in graph.tags.values() {
        let site_path = format!("tags/{}/", tag.slug);
        let mut context = Context::new();
        context.insert_value("page", view::synthetic_page(config, &tag.name, &site_path));
        let entries: Vec<Value> = tag.docs.iter().map(|&d| views.cards[d].clone()).collect();
        let mut tag_value = tera::Map::new();
        tag_value.insert("name".into(), Value::from(tag.name.as_str()));
        tag_value.insert("slug".into(), Value::from(tag.slug.as_str()));
        tag_value.insert("url".into(), Value::from(base.url(&site_path)));
        tag_value.insert("count".into(), Value::from(entries.len()));
        tag_value.insert("entries".into(), Value::from(entries));
        context.insert_value("tag", Value::from(tag_value));
        jobs.push(PageJob {
            path: format!("{site_path}index.html"),
            url: base.url(&site_path),
            what: "tag pages".into(),
            templates: vec!["tag.html".into()],
            context,
            node: None,
            optional: true,
        });
    }

    // Not-found page, when the theme has one.
    let mut context = Context::new();
    context.insert_value(
        "page",
        view::synthetic_page(config, "Page not found", "404.html"),
    );
    jobs.push(PageJob {
        path: "404.html".into(),
        url: base.url("404.html"),
        what: "the not-found page".into(),
        templates: vec!["404.html".into()],
        context,
        node: None,
        optional: true,
    });
    jobs
}

fn register_functions(
    tera: &mut tera::Tera,
    config: &Config,
    graph: &Graph,
    views: &Views,
    assets: &assets::Assets,
) {
    let by_id: Arc<HashMap<String, Value>> = Arc::new(
        graph
            .nodes
            .iter()
            .enumerate()
            .filter_map(|(i, n)| {
                n.doc
                    .id
                    .entry()
                    .map(|id| (id.to_string(), views.cards[i].clone()))
            })
            .collect(),
    );
    let lookup = Arc::clone(&by_id);
    tera.register_function(
        "get_entry",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let id: &str = kwargs.must_get("id")?;
            lookup.get(id).cloned().ok_or_else(|| {
                let hint = crate::diagnostic::did_you_mean(id, lookup.keys().map(String::as_str))
                    .map(|h| format!("; {h}"))
                    .unwrap_or_default();
                tera::Error::message(format!(
                    "get_entry: no entry `{id}` (write it as `collection/slug`){hint}"
                ))
            })
        },
    );
    let base = config.site.base_url.clone();
    let renamed = assets.renamed.clone();
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
            Ok(Value::from(base.url(published)))
        },
    );
    let collections: Arc<HashMap<String, Value>> = Arc::new(
        config
            .collections
            .iter()
            .map(|c| {
                (
                    c.name.clone(),
                    view::collection_value(config, graph, views, c),
                )
            })
            .collect(),
    );
    tera.register_function(
        "get_collection",
        move |kwargs: Kwargs, _: &State| -> tera::TeraResult<Value> {
            let name: &str = kwargs.must_get("name")?;
            collections.get(name).cloned().ok_or_else(|| {
                tera::Error::message(format!("get_collection: no collection `{name}`"))
            })
        },
    );
    tera.register_filter(
        "human_date",
        |value: &str, _: Kwargs, _: &State| -> tera::TeraResult<String> {
            crate::model::PartialDate::parse(value)
                .map(|d| d.human())
                .map_err(|e| tera::Error::message(format!("human_date: {e}")))
        },
    );
    tera.register_filter("humanize", |value: &str, _: Kwargs, _: &State| {
        humanise(value)
    });
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
