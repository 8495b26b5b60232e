//! The site graph: URLs, references resolved both ways, rendered Markdown, timeline, tags.
//!
//! Takes the checked [`Model`] and answers every "what links to what" question before
//! any template runs, so templates see backlinks as data. Every ref field value and
//! every Markdown link is checked here; a broken one becomes a diagnostic at its line.
//! Editorial checks declared in `site.yaml` run here too. It must not run templates or
//! touch the output folder.

mod links;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use thiserror::Error;

use crate::config::{Check, Collection, Config, FieldKind, FieldSpec, SortOrder};
use crate::diagnostic::{first_problems_of_file, Diagnostic, Diagnostics, Location};
use crate::markdown::{self, heading_slug, Heading, RenderOptions};
use crate::model::{DocId, Document, EntryId, FieldValue, Model, PartialDate, Reference};

pub use links::SiteResolver;

/// Index of a node in [`Graph::nodes`].
pub type DocIndex = usize;

/// A field value with references resolved and Markdown rendered.
#[derive(Debug, Clone, PartialEq)]
pub enum Resolved {
    /// Plain text.
    Text(String),
    /// Rendered Markdown (trusted HTML).
    Html(String),
    /// A partial date.
    Date(PartialDate),
    /// An enum value.
    Enum(String),
    /// A checked URL.
    Url(String),
    /// A flag.
    Bool(bool),
    /// A whole number.
    Integer(i64),
    /// A list of strings.
    Strings(Vec<String>),
    /// One entry.
    Ref(DocIndex),
    /// Several entries.
    Refs(Vec<DocIndex>),
    /// Records, each its resolved fields in declaration order.
    Records(Vec<Vec<(String, Resolved)>>),
}

/// One document with its address, rendered body and resolved fields.
///
/// The document and what was rendered from it are shared, not owned: a graph built by
/// [`resolve_links_reusing`] shares them with the previous graph for every document
/// that did not change, so an unchanged node costs a few reference counts, and
/// [`Arc::ptr_eq`] tells that a part is the same without comparing it.
#[derive(Debug, Clone)]
pub struct Node {
    /// The checked document.
    pub doc: Arc<Document>,
    /// Path below the base URL: `people/han-dong/`.
    pub site_path: String,
    /// Site-absolute URL, including the base path: `/explainer/people/han-dong/`.
    pub url: String,
    /// Body HTML.
    pub content: Arc<str>,
    /// Headings of the body.
    pub toc: Arc<[Heading]>,
    /// Declared fields, resolved, in declaration order.
    pub fields: Arc<[(String, Resolved)]>,
}

/// Entries that refer to one entry through the same collection and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklinkGroup {
    /// The referring collection (`None` for standalone pages).
    pub collection: Option<String>,
    /// The referring field (`responses.by` for record fields); `None` for links in text.
    pub field: Option<String>,
    /// A heading for the group, from the schema's `backlink` or a default.
    pub label: String,
    /// The referring documents, in site order, without repeats.
    pub docs: Vec<DocIndex>,
}

/// A tag and the documents that carry it.
#[derive(Debug, Clone)]
pub struct Tag {
    /// As first written.
    pub name: String,
    /// URL-safe form.
    pub slug: String,
    /// Documents, in site order.
    pub docs: Vec<DocIndex>,
}

/// The resolved site.
#[derive(Debug, Clone)]
pub struct Graph {
    /// Every published document, sorted by id.
    pub nodes: Vec<Node>,
    /// For each node, the groups of nodes referring to it.
    pub backlinks: Vec<Vec<BacklinkGroup>>,
    /// For each collection (declaration order), its entries in the collection's order.
    pub collections: Vec<(String, Vec<DocIndex>)>,
    /// Every dated entry, oldest first.
    pub timeline: Vec<DocIndex>,
    /// Tags by slug.
    pub tags: BTreeMap<String, Tag>,
    /// Documents by id, slug and path.
    tables: Arc<links::LinkTables>,
    /// Each node's outgoing edges, and the drafts left out: what a later
    /// [`resolve_links_reusing`] needs to reuse this graph's rendering.
    edges: Vec<Arc<[Edge]>>,
    drafts: Vec<EntryId>,
}

impl Graph {
    /// The node of a document id.
    pub fn find(&self, id: &DocId) -> Option<DocIndex> {
        self.tables.by_id.get(id).copied()
    }

    /// The nodes that node `i` refers to or links to: those whose backlinks list it.
    pub fn targets_of(&self, i: DocIndex) -> impl Iterator<Item = DocIndex> + '_ {
        self.edges[i]
            .iter()
            .map(|e| e.to)
            .filter(move |&to| to != i)
    }

    /// The home page, if the site has one.
    pub fn home(&self) -> Option<DocIndex> {
        self.find(&DocId::Home)
    }
}

/// Problems found while linking documents.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResolveError {
    /// A ref to an entry that does not exist.
    #[error("`{0}` does not exist")]
    UnknownEntry(EntryId),
    /// A ref to a draft that is not being built.
    #[error("`{0}` is a draft and is not published")]
    Draft(EntryId),
    /// A link fragment that names no heading of the target.
    #[error("`{target}` has no heading with id `{fragment}`")]
    UnknownFragment {
        /// The target.
        target: String,
        /// The fragment.
        fragment: String,
    },
    /// An editorial rule that failed.
    #[error("{message} (`{missing}` has none)")]
    Editorial {
        /// The rule's message.
        message: String,
        /// The value without a record.
        missing: String,
    },
    /// A link problem from the Markdown stage.
    #[error("{0}")]
    Link(String),
}

/// Resolves references, renders Markdown and builds the timeline and tags.
pub fn resolve_links(config: &Config, model: Model) -> Result<Graph, Diagnostics> {
    resolve_links_reusing(config, model, None)
}

/// [`resolve_links`], reusing `previous` (a graph of the same site built with the same
/// configuration) when the documents and drafts are the same: the rendered Markdown of
/// every document whose body and fields are unchanged and that links to no document
/// whose title changed, and the lookup tables, backlinks, collection orders, timeline
/// and tags when no changed document alters them. Documents shared with `previous`
/// (the same [`Arc`]) are known to be unchanged without comparing them. `casefile
/// serve` uses this after an edit.
pub fn resolve_links_reusing(
    config: &Config,
    model: Model,
    previous: Option<&Graph>,
) -> Result<Graph, Diagnostics> {
    let Model { documents, drafts } = model;
    let draft_ids: Vec<EntryId> = drafts.keys().cloned().collect();
    let previous = previous.filter(|p| {
        p.drafts == draft_ids
            && p.nodes.len() == documents.len()
            && p.nodes
                .iter()
                .zip(&documents)
                .all(|(n, d)| n.doc.id == d.id)
    });
    // Documents not shared with the previous graph: all of them when there is none.
    let changed: Vec<DocIndex> = match previous {
        Some(p) => p
            .nodes
            .iter()
            .zip(&documents)
            .enumerate()
            .filter(|(_, (n, d))| !Arc::ptr_eq(&n.doc, d))
            .map(|(i, _)| i)
            .collect(),
        None => (0..documents.len()).collect(),
    };
    let mut retitled = vec![false; documents.len()];
    let mut shared = vec![previous.is_some(); documents.len()];
    for &i in &changed {
        shared[i] = false;
        retitled[i] = previous.is_some_and(|p| p.nodes[i].doc.title != documents[i].title);
    }
    // Whether `same` holds between every changed document and its previous version.
    let kept = |same: &dyn Fn(&Document, &Document) -> bool| -> Option<&Graph> {
        let p = previous?;
        changed
            .iter()
            .all(|&i| same(&p.nodes[i].doc, &documents[i]))
            .then_some(p)
    };
    let reusable = |i: DocIndex, doc: &Arc<Document>| -> Option<(&Node, &Arc<[Edge]>)> {
        let p = previous?;
        let (node, edges) = (&p.nodes[i], &p.edges[i]);
        let same_source = shared[i]
            || (node.doc.body == doc.body
                && node.doc.body_line == doc.body_line
                && node.doc.path == doc.path
                && node.doc.fields == doc.fields);
        let same = same_source && !edges.iter().any(|e| retitled[e.to]);
        same.then_some((node, edges))
    };
    let tables = match kept(&|a, b| a.path == b.path) {
        Some(p) => Arc::clone(&p.tables),
        None => Arc::new(links::LinkTables::new(&documents)),
    };
    // Addresses follow from the ids and the configuration, both the same as before.
    let urls: Vec<(String, String)> = match previous {
        Some(p) => p
            .nodes
            .iter()
            .map(|n| (n.site_path.clone(), n.url.clone()))
            .collect(),
        None => documents
            .iter()
            .map(|d| {
                let site_path = d.id.site_path();
                let url = config.site.base_url.url(&site_path);
                (site_path, url)
            })
            .collect(),
    };
    let resolver_base = links::LinkIndex::new(&tables, &documents, &urls, &drafts);
    let options = RenderOptions {
        unsafe_html: config.site.unsafe_html,
        ..RenderOptions::default()
    };

    // Bodies and Markdown fields are rendered in parallel; each yields its own problems.
    let rendered: Vec<(Node, Vec<Diagnostic>, Arc<[Edge]>)> = documents
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let doc = Arc::clone(doc);
            if let Some((node, edges)) = reusable(i, &doc) {
                let (site_path, url) = urls[i].clone();
                let node = Node {
                    doc,
                    site_path,
                    url,
                    content: Arc::clone(&node.content),
                    toc: Arc::clone(&node.toc),
                    fields: Arc::clone(&node.fields),
                };
                return (node, Vec::new(), Arc::clone(edges));
            }
            let resolver = SiteResolver::new(&resolver_base, &doc.path);
            let mut problems = Vec::new();
            let mut edges = Vec::new();
            // One highlighting budget for the file: its body and its Markdown fields.
            let highlight = markdown::HighlightBudget::per_file();
            let options = RenderOptions {
                highlight: Some(&highlight),
                ..options
            };
            let body = markdown::render(&doc.body, &resolver, options);
            let shift = doc.body_line - 1;
            for p in body.problems {
                problems.push((
                    Diagnostic::content(
                        doc.path.clone(),
                        Some(p.at.shifted(shift)),
                        ResolveError::Link(p.message),
                    )
                    .with_hint(p.hint),
                    None,
                ));
            }
            for link in &body.links {
                edges.push(Edge {
                    from: i,
                    to: link.key,
                    field: None,
                    fragment: link.fragment.clone(),
                    at: Some(link.at.shifted(shift)),
                });
            }
            let schema = doc
                .id
                .entry()
                .and_then(|id| config.collections.iter().find(|c| c.name == id.collection));
            let specs: &[FieldSpec] = schema.map(|c| c.fields.as_slice()).unwrap_or(&[]);
            let fields = resolve_fields(
                &doc.fields,
                specs,
                "",
                &resolver_base,
                &resolver,
                options,
                i,
                &doc.path,
                &mut edges,
                &mut problems,
            );
            let (site_path, url) = urls[i].clone();
            let node = Node {
                doc,
                site_path,
                url,
                content: body.html.into(),
                toc: body.toc.into(),
                fields: fields.into(),
            };
            // The did-you-mean search over every slug, for the problems listed only.
            let problems: Vec<Diagnostic> = first_problems_of_file(problems)
                .into_iter()
                .map(|(d, unknown)| match unknown {
                    Some(id) => d.with_hint(resolver_base.unknown_entry_hint(&id)),
                    None => d,
                })
                .collect();
            (node, problems, edges.into())
        })
        .collect();

    let mut diagnostics = Diagnostics::new();
    let mut nodes = Vec::with_capacity(rendered.len());
    let mut edges_by_node = Vec::with_capacity(rendered.len());
    for (node, problems, node_edges) in rendered {
        diagnostics.extend(problems);
        edges_by_node.push(node_edges);
        nodes.push(node);
    }
    let edges = || edges_by_node.iter().flat_map(|e| e.iter());
    diagnostics.extend(check_fragments(&nodes, edges()));
    // A document shared with the previous graph passed its editorial checks there.
    let unshared = nodes.iter().zip(&shared).filter(|(_, s)| !**s);
    diagnostics.extend(editorial_checks(config, unshared.map(|(n, _)| n)));

    let same_edges = previous.filter(|p| {
        p.edges.iter().zip(&edges_by_node).all(|(a, b)| {
            Arc::ptr_eq(a, b)
                || (a.len() == b.len()
                    && a.iter()
                        .zip(b.iter())
                        .all(|(a, b)| a.to == b.to && a.field == b.field))
        })
    });
    let backlinks = match same_edges {
        Some(p) => p.backlinks.clone(),
        None => backlinks(config, &nodes, edges()),
    };
    // Orders read titles and dates; tags read tags.
    let (collections, timeline) = match kept(&|a, b| a.title == b.title && a.date == b.date) {
        Some(p) => (p.collections.clone(), p.timeline.clone()),
        None => match previous.filter(|_| changed.len() <= MAX_REORDERED) {
            Some(p) => {
                let changed = Changed::new(&changed, nodes.len());
                let collections = config
                    .collections
                    .iter()
                    .zip(&p.collections)
                    .map(|(c, (name, order))| {
                        let member = |i| in_collection(&nodes[i], c);
                        let order = match c.sort {
                            SortOrder::Title => {
                                changed.reorder(order, member, |i| (title_key(&nodes[i]), i))
                            }
                            SortOrder::Date => {
                                changed.reorder(order, member, |i| (date_key(&nodes[i]), i))
                            }
                        };
                        (name.clone(), order)
                    })
                    .collect();
                let timeline = changed.reorder(
                    &p.timeline,
                    |i| on_timeline(&nodes[i]),
                    |i| timeline_key(config, &nodes, i),
                );
                (collections, timeline)
            }
            None => (collection_orders(config, &nodes), timeline(config, &nodes)),
        },
    };
    let tags = match kept(&|a, b| a.tags == b.tags) {
        Some(p) => p.tags.clone(),
        None => tags(&nodes),
    };
    diagnostics.into_result(Graph {
        nodes,
        backlinks,
        collections,
        timeline,
        tags,
        tables,
        edges: edges_by_node,
        drafts: draft_ids,
    })
}

/// A reference from one node to another, through a field or a link in text.
#[derive(Debug, Clone)]
struct Edge {
    from: DocIndex,
    to: DocIndex,
    /// `subjects`, `responses.by`; `None` for links in Markdown.
    field: Option<String>,
    fragment: Option<String>,
    at: Option<Location>,
}

/// A problem of one file, with the entry to look for near misses of when it is an
/// unknown reference.
type FileProblem = (Diagnostic, Option<EntryId>);

#[allow(clippy::too_many_arguments)]
fn resolve_fields(
    fields: &[(String, FieldValue)],
    specs: &[FieldSpec],
    prefix: &str,
    index: &links::LinkIndex,
    resolver: &SiteResolver<'_>,
    options: RenderOptions,
    from: DocIndex,
    path: &Path,
    edges: &mut Vec<Edge>,
    problems: &mut Vec<FileProblem>,
) -> Vec<(String, Resolved)> {
    let mut out = Vec::with_capacity(fields.len());
    for (name, value) in fields {
        let field_path = format!("{prefix}{name}");
        let reference = |r: &Reference,
                         edges: &mut Vec<Edge>,
                         problems: &mut Vec<FileProblem>|
         -> Option<DocIndex> {
            match index.entry(&r.target) {
                Ok(to) => {
                    edges.push(Edge {
                        from,
                        to,
                        field: Some(field_path.clone()),
                        fragment: None,
                        at: r.at,
                    });
                    Some(to)
                }
                Err(error) => {
                    // An unknown entry's hint is worked out later, if it is listed.
                    let (hint, unknown) = match &error {
                        ResolveError::UnknownEntry(id) => (None, Some(id.clone())),
                        _ => (index.entry_hint(&r.target, &error), None),
                    };
                    problems.push((
                        Diagnostic::content(path.to_path_buf(), r.at, error).with_hint(hint),
                        unknown,
                    ));
                    None
                }
            }
        };
        let resolved = match value {
            FieldValue::Text(s) => Resolved::Text(s.clone()),
            FieldValue::Markdown { source, at } => {
                let r = markdown::render_inline(source, resolver, options);
                for p in r.problems {
                    // Positions inside a YAML string are approximate; point at the value.
                    problems.push((
                        Diagnostic::content(path.to_path_buf(), *at, ResolveError::Link(p.message))
                            .with_hint(p.hint),
                        None,
                    ));
                }
                for link in r.links {
                    edges.push(Edge {
                        from,
                        to: link.key,
                        field: None,
                        fragment: link.fragment,
                        at: *at,
                    });
                }
                Resolved::Html(r.html)
            }
            FieldValue::Date(d) => Resolved::Date(*d),
            FieldValue::Enum(s) => Resolved::Enum(s.clone()),
            FieldValue::Url(s) => Resolved::Url(s.clone()),
            FieldValue::Bool(b) => Resolved::Bool(*b),
            FieldValue::Integer(n) => Resolved::Integer(*n),
            FieldValue::Strings(v) => Resolved::Strings(v.clone()),
            FieldValue::Ref(r) => match reference(r, edges, problems) {
                Some(to) => Resolved::Ref(to),
                None => continue,
            },
            FieldValue::Refs(refs) => {
                let mut targets = Vec::with_capacity(refs.len());
                for r in refs {
                    targets.extend(reference(r, edges, problems));
                }
                Resolved::Refs(targets)
            }
            FieldValue::Records(records) => {
                let inner: &[FieldSpec] = specs
                    .iter()
                    .find(|s| &s.name == name)
                    .and_then(|s| match &s.kind {
                        FieldKind::Records(inner) => Some(inner.as_slice()),
                        _ => None,
                    })
                    .unwrap_or(&[]);
                let record_prefix = format!("{field_path}.");
                Resolved::Records(
                    records
                        .iter()
                        .map(|record| {
                            resolve_fields(
                                record,
                                inner,
                                &record_prefix,
                                index,
                                resolver,
                                options,
                                from,
                                path,
                                edges,
                                problems,
                            )
                        })
                        .collect(),
                )
            }
        };
        out.push((name.clone(), resolved));
    }
    out
}

fn check_fragments<'a>(nodes: &[Node], edges: impl Iterator<Item = &'a Edge>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for edge in edges {
        let Some(fragment) = &edge.fragment else {
            continue;
        };
        let target = &nodes[edge.to];
        if !target.toc.iter().any(|h| &h.id == fragment) {
            let ids: Vec<&str> = target.toc.iter().map(|h| h.id.as_str()).collect();
            let hint =
                crate::diagnostic::did_you_mean(fragment, ids.iter().copied()).or_else(|| {
                    (!ids.is_empty()).then(|| {
                        format!(
                            "its headings are: {}",
                            ids.iter()
                                .map(|i| format!("`{i}`"))
                                .collect::<Vec<_>>()
                                .join(", ")
                        )
                    })
                });
            out.push(
                Diagnostic::content(
                    nodes[edge.from].doc.path.clone(),
                    edge.at,
                    ResolveError::UnknownFragment {
                        target: target.doc.path.display().to_string(),
                        fragment: fragment.clone(),
                    },
                )
                .with_hint(hint),
            );
        }
    }
    out
}

fn editorial_checks<'a>(config: &Config, nodes: impl Iterator<Item = &'a Node>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for node in nodes {
        let Some(id) = node.doc.id.entry() else {
            continue;
        };
        let Some(collection) = config.collections.iter().find(|c| c.name == id.collection) else {
            continue;
        };
        for check in &collection.checks {
            let Check::EachHasRecord {
                field,
                records,
                key,
                message,
            } = check;
            let refs: Vec<&Reference> = match node.doc.field(field) {
                Some(FieldValue::Refs(refs)) => refs.iter().collect(),
                Some(FieldValue::Ref(r)) => vec![r],
                _ => continue,
            };
            let covered: Vec<&EntryId> = match node.doc.field(records) {
                Some(FieldValue::Records(list)) => list
                    .iter()
                    .filter_map(|rec| rec.iter().find(|(n, _)| n == key))
                    .filter_map(|(_, v)| match v {
                        FieldValue::Ref(r) => Some(&r.target),
                        _ => None,
                    })
                    .collect(),
                _ => Vec::new(),
            };
            for r in refs {
                if !covered.contains(&&r.target) {
                    out.push(
                        Diagnostic::content(
                            node.doc.path.clone(),
                            r.at,
                            ResolveError::Editorial {
                                message: message.clone(),
                                missing: r.target.slug.clone(),
                            },
                        )
                        .with_hint(Some(format!(
                            "add to `{records}`: `- {{ {key}: {}, ... }}`",
                            r.target.slug
                        ))),
                    );
                }
            }
        }
    }
    out
}

fn backlinks<'a>(
    config: &Config,
    nodes: &'a [Node],
    edges: impl Iterator<Item = &'a Edge>,
) -> Vec<Vec<BacklinkGroup>> {
    // Group key: (collection order, field order, collection, field); text mentions sort last.
    type Key<'k> = (usize, usize, Option<&'k str>, Option<&'k str>);
    let mut groups: Vec<BTreeMap<Key<'a>, Vec<DocIndex>>> = vec![BTreeMap::new(); nodes.len()];
    for edge in edges {
        if edge.from == edge.to {
            continue;
        }
        let collection = nodes[edge.from]
            .doc
            .id
            .entry()
            .map(|id| id.collection.as_str());
        let col_order = collection
            .and_then(|c| config.collections.iter().position(|x| x.name == c))
            .unwrap_or(usize::MAX - 1);
        let field = edge.field.as_deref();
        let field_order = match (field, collection) {
            (Some(f), Some(c)) => field_position(config, c, f).unwrap_or(usize::MAX - 1),
            _ => usize::MAX,
        };
        let (col_order, collection) = if field.is_none() {
            (usize::MAX, None)
        } else {
            (col_order, collection)
        };
        groups[edge.to]
            .entry((col_order, field_order, collection, field))
            .or_default()
            .push(edge.from);
    }
    // A label depends on the collection and field only.
    let mut labels: HashMap<(Option<&str>, Option<&str>), String> = HashMap::new();
    groups
        .into_iter()
        .map(|by_key| {
            by_key
                .into_iter()
                .map(|((_, _, collection, field), mut docs)| {
                    docs.sort_unstable();
                    docs.dedup();
                    let label = labels
                        .entry((collection, field))
                        .or_insert_with(|| backlink_label(config, collection, field))
                        .clone();
                    BacklinkGroup {
                        collection: collection.map(String::from),
                        field: field.map(String::from),
                        label,
                        docs,
                    }
                })
                .collect()
        })
        .collect()
}

fn field_spec<'a>(collection: &'a Collection, field: &str) -> Option<&'a FieldSpec> {
    let mut parts = field.split('.');
    let mut spec = collection.field(parts.next()?)?;
    for part in parts {
        spec = match &spec.kind {
            FieldKind::Records(inner) => inner.iter().find(|f| f.name == part)?,
            _ => return None,
        };
    }
    Some(spec)
}

fn field_position(config: &Config, collection: &str, field: &str) -> Option<usize> {
    let c = config.collections.iter().find(|c| c.name == collection)?;
    let top = field.split('.').next()?;
    c.fields.iter().position(|f| f.name == top)
}

fn backlink_label(config: &Config, collection: Option<&str>, field: Option<&str>) -> String {
    let (Some(collection), Some(field)) = (collection, field) else {
        return "Mentioned in".to_string();
    };
    let Some(c) = config.collections.iter().find(|c| c.name == collection) else {
        return "Mentioned in".to_string();
    };
    match field_spec(c, field) {
        Some(FieldSpec {
            backlink: Some(label),
            ..
        }) => label.clone(),
        Some(spec) => format!("{} ({})", c.title, spec.label.to_lowercase()),
        None => c.title.clone(),
    }
}

/// At most this many changed documents are moved within the last graph's orders; more,
/// and the orders are sorted anew.
const MAX_REORDERED: usize = 64;

fn collection_orders(config: &Config, nodes: &[Node]) -> Vec<(String, Vec<DocIndex>)> {
    config
        .collections
        .iter()
        .map(|c| {
            let mut members: Vec<DocIndex> = (0..nodes.len())
                .filter(|&i| in_collection(&nodes[i], c))
                .collect();
            match c.sort {
                SortOrder::Title => members.sort_by_cached_key(|&a| (title_key(&nodes[a]), a)),
                SortOrder::Date => members.sort_by_key(|&a| (date_key(&nodes[a]), a)),
            }
            (c.name.clone(), members)
        })
        .collect()
}

fn in_collection(node: &Node, collection: &Collection) -> bool {
    node.doc
        .id
        .entry()
        .is_some_and(|id| id.collection == collection.name)
}

fn title_key(node: &Node) -> String {
    node.doc.title.to_lowercase()
}

/// Dated entries first, by date; undated ones after.
fn date_key(node: &Node) -> (bool, Option<PartialDate>) {
    (node.doc.date.is_none(), node.doc.date)
}

fn on_timeline(node: &Node) -> bool {
    node.doc.date.is_some() && node.doc.id.entry().is_some()
}

/// Where node `i` sorts on the timeline: by date, collection (in declaration order),
/// title, then site order.
fn timeline_key(
    config: &Config,
    nodes: &[Node],
    i: DocIndex,
) -> (Option<PartialDate>, usize, String, DocIndex) {
    let collection = nodes[i]
        .doc
        .id
        .entry()
        .map(|id| id.collection.as_str())
        .unwrap_or("");
    let order = config
        .collections
        .iter()
        .position(|x| x.name == collection)
        .unwrap_or(usize::MAX);
    (nodes[i].doc.date, order, title_key(&nodes[i]), i)
}

fn timeline(config: &Config, nodes: &[Node]) -> Vec<DocIndex> {
    let mut dated: Vec<DocIndex> = (0..nodes.len())
        .filter(|&i| on_timeline(&nodes[i]))
        .collect();
    dated.sort_by_cached_key(|&i| timeline_key(config, nodes, i));
    dated
}

/// The documents that changed since the last graph, for moving them within its orders.
struct Changed<'a> {
    list: &'a [DocIndex],
    marked: Vec<bool>,
}

impl<'a> Changed<'a> {
    fn new(list: &'a [DocIndex], nodes: usize) -> Self {
        let mut marked = vec![false; nodes];
        for &i in list {
            marked[i] = true;
        }
        Changed { list, marked }
    }

    /// `order`, sorted by `key` (unique per document) before the change, with each
    /// changed document taken out and, if it is still a `member`, put back where its
    /// key now sorts it. The other documents' keys did not change, so they keep their
    /// order, and the result is what sorting the members anew gives.
    fn reorder<K: Ord>(
        &self,
        order: &[DocIndex],
        member: impl Fn(DocIndex) -> bool,
        key: impl Fn(DocIndex) -> K,
    ) -> Vec<DocIndex> {
        let mut out: Vec<DocIndex> = order.iter().copied().filter(|&i| !self.marked[i]).collect();
        for &i in self.list {
            if member(i) {
                let own = key(i);
                let at = out.partition_point(|&j| key(j) < own);
                out.insert(at, i);
            }
        }
        out
    }
}

fn tags(nodes: &[Node]) -> BTreeMap<String, Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        for name in &node.doc.tags {
            let slug = heading_slug(name);
            let tag = tags.entry(slug.clone()).or_insert_with(|| Tag {
                name: name.clone(),
                slug,
                docs: Vec::new(),
            });
            if tag.docs.last() != Some(&i) {
                tag.docs.push(i);
            }
        }
    }
    tags
}

/// The drafts a build leaves out, for messages.
pub type Drafts = BTreeMap<EntryId, PathBuf>;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{load, model};

    fn site() -> (tempfile::TempDir, Config) {
        let tmp = tempfile::tempdir().unwrap();
        let files = [
            (
                "site.yaml",
                "title: T\nbase_url: https://example.org/\ncollections:\n  people:\n    title: People\n    sort: title\n    fields:\n      member_of: { type: refs, to: groups, label: Member of }\n  groups:\n    title: Groups\n    sort: title\n    fields:\n      members: { type: refs, to: people, label: Members }\n      notes:\n        type: records\n        label: Notes\n        fields:\n          by: { type: ref, to: people, required: true, label: By }\n    checks:\n      - rule: each-has-record\n        field: members\n        records: notes\n        key: by\n        message: every member needs a note\n  events:\n    title: Events\n    sort: date\n",
            ),
            ("content/people/ada.md", "---\ntitle: Ada\ntags: [founders]\nmember_of: [chess]\n---\n## Early life\n\nAda.\n"),
            ("content/people/bob.md", "---\ntitle: Bob\n---\nBob met [[ada]] ([early](../people/ada.md#early-life)).\n"),
            ("content/groups/chess.md", "---\ntitle: Chess\nmembers: [ada]\nnotes:\n  - { by: ada }\n---\nA club.\n"),
            ("content/events/first.md", "---\ntitle: First\ndate: 2020\ntags: [founders]\n---\nOne.\n"),
            ("content/events/second.md", "---\ntitle: Second\ndate: 2021\n---\nTwo.\n"),
        ];
        for (rel, text) in files {
            let path = tmp.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        }
        std::fs::create_dir_all(tmp.path().join("themes/default")).unwrap();
        let config = crate::config::test_config(tmp.path());
        (tmp, config)
    }

    /// Everything templates and publishing read of a graph.
    fn public_parts(graph: &Graph) -> String {
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            graph.nodes, graph.backlinks, graph.collections, graph.timeline, graph.tags
        )
    }

    fn edited(model: &Model, path: &str, edit: impl Fn(&mut Document)) -> Model {
        let mut model = model.clone();
        let doc = model
            .documents
            .iter_mut()
            .find(|d| d.path == Path::new(path))
            .unwrap();
        let mut changed = (**doc).clone();
        edit(&mut changed);
        *doc = Arc::new(changed);
        model
    }

    #[test]
    fn a_graph_reusing_the_last_equals_a_fresh_one() {
        let (_tmp, config) = site();
        let (sources, problems) = load::load_content(&config);
        assert!(problems.is_empty(), "{problems}");
        let model = model::build_model(&config, sources).unwrap();
        let before = resolve_links(&config, model.clone()).unwrap();
        let title = |t: &'static str| move |d: &mut Document| d.title = t.into();
        type Edit = Box<dyn Fn(&mut Document)>;
        let edits: Vec<(&str, Edit)> = vec![
            ("content/people/ada.md", Box::new(title("Ada Lovelace"))),
            ("content/people/ada.md", Box::new(title("Zed"))),
            ("content/people/ada.md", Box::new(|d| d.tags.clear())),
            ("content/people/ada.md", Box::new(|d| d.fields.clear())),
            (
                "content/people/ada.md",
                Box::new(|d| d.body = "## Later\n".into()),
            ),
            (
                "content/people/bob.md",
                Box::new(|d| d.body.push_str("See [[second]].\n")),
            ),
            (
                "content/events/first.md",
                Box::new(|d| d.date = PartialDate::parse("2022").ok()),
            ),
            (
                "content/events/second.md",
                Box::new(|d| d.tags = vec!["new".into()]),
            ),
            ("content/events/first.md", Box::new(|d| d.date = None)),
            (
                "content/events/second.md",
                Box::new(|d| {
                    d.date = PartialDate::parse("2019-05").ok();
                    d.title = "Earlier".into();
                }),
            ),
            ("content/people/bob.md", Box::new(title("aaron"))),
            ("content/people/bob.md", Box::new(title("ADA"))),
        ];
        for (path, edit) in &edits {
            let model = edited(&model, path, edit);
            let fresh = resolve_links(&config, model.clone());
            let reused = resolve_links_reusing(&config, model, Some(&before));
            match (fresh, reused) {
                (Ok(fresh), Ok(reused)) => {
                    assert_eq!(public_parts(&fresh), public_parts(&reused), "{path}");
                }
                (Err(fresh), Err(reused)) => {
                    assert_eq!(fresh.to_string(), reused.to_string(), "{path}");
                }
                (fresh, reused) => panic!("{path}: {fresh:?} but {reused:?}"),
            }
        }
    }

    #[test]
    fn unchanged_documents_share_their_rendering_and_changed_ones_are_checked() {
        let (_tmp, config) = site();
        let (sources, _) = load::load_content(&config);
        let model = model::build_model(&config, sources).unwrap();
        let before = resolve_links(&config, model.clone()).unwrap();
        let ada = before
            .find(&DocId::Entry(EntryId {
                collection: "people".into(),
                slug: "ada".into(),
            }))
            .unwrap();
        let bob = ada + 1;

        let again = resolve_links_reusing(&config, model.clone(), Some(&before)).unwrap();
        for (a, b) in before.nodes.iter().zip(&again.nodes) {
            assert!(Arc::ptr_eq(&a.content, &b.content), "{:?}", a.doc.path);
        }
        assert!(Arc::ptr_eq(&before.tables, &again.tables));

        // Bob's link shows Ada's title, so his body is rendered again.
        let retitled = edited(&model, "content/people/ada.md", |d| {
            d.title = "Ada L".into()
        });
        let after = resolve_links_reusing(&config, retitled, Some(&before)).unwrap();
        assert!(!Arc::ptr_eq(
            &before.nodes[bob].content,
            &after.nodes[bob].content
        ));
        assert!(after.nodes[bob].content.contains("Ada L"));

        // Checks that read only the changed document still run on it.
        let unnoted = edited(&model, "content/groups/chess.md", |d| {
            d.fields.retain(|(name, _)| name != "notes")
        });
        let errors = resolve_links_reusing(&config, unnoted, Some(&before)).unwrap_err();
        assert!(
            errors.to_string().contains("every member needs a note"),
            "{errors}"
        );

        // A fragment that a changed heading no longer provides.
        let renamed = edited(&model, "content/people/ada.md", |d| {
            d.body = "## Childhood\n".into()
        });
        let errors = resolve_links_reusing(&config, renamed, Some(&before)).unwrap_err();
        assert!(errors.to_string().contains("early-life"), "{errors}");
    }
}
