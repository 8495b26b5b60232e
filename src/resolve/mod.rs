//! The site graph: references resolved both ways, rendered Markdown, orders, tags.
//!
//! Takes the checked [`Model`] and answers every "what links to what" question before
//! any template runs, so templates see backlinks as data. [`resolve`] runs the jobs in
//! order, each in its own module:
//!
//! - [`text`]: each document's body and fields rendered, references and links as edges
//!   (through [`links`], which finds what a slug or path names);
//! - [`links`]: every `#fragment` checked against its target's headings;
//! - [`rules`]: the editorial rules of `site.yaml`;
//! - [`backlinks`]: the groups of nodes that refer to each node;
//! - [`order`]: each collection's order and the timeline;
//! - [`tags`]: the documents of each tag;
//! - [`redirects`]: the old addresses of pages, checked to be free.
//!
//! Given the previous graph of the same site ([`reuse`]), it keeps what no change
//! touched. It must not run page templates or touch the output folder; the only
//! templates it draws are the theme's component templates, handed in already loaded,
//! through Markdown.

mod backlinks;
mod fields;
mod links;
mod order;
mod redirects;
mod reuse;
mod rules;
mod tags;
mod text;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use thiserror::Error;

use crate::config::{Config, SortOrder};
use crate::diagnostic::{Diagnostic, Diagnostics, Place, Stage};
use crate::markdown::{ComponentTemplates, Heading, HighlightMemo};
use crate::model::{DocId, Document, EntryId, Model, PartialDate, RefQualifiers};
use crate::published::PublishedRecord;
use crate::routes::Route;

use order::{Changed, MAX_REORDERED};
pub(crate) use redirects::Redirect;
use reuse::Reuse;

/// Index of a node in [`Graph::nodes`].
pub(crate) type DocIndex = usize;

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
    Ref(RefTarget),
    /// Several entries.
    Refs(Vec<RefTarget>),
    /// Records, each its resolved fields in declaration order.
    Records(Vec<Vec<(String, Resolved)>>),
    /// A checked image and its words.
    Image(crate::images::Picture),
}

/// The entry a reference names, with what a qualified reference says about itself.
#[derive(Debug, Clone, PartialEq)]
pub struct RefTarget {
    /// The entry.
    pub node: DocIndex,
    /// `since`, `until`, `role`, when the reference is qualified.
    pub qualifiers: Option<Box<RefQualifiers>>,
}

/// One document with its address, rendered body and resolved fields.
///
/// The document and what was rendered from it are shared, not owned: a graph built from
/// a previous one ([`resolve`]) shares them with it for every document that did not
/// change, so an unchanged node costs a few reference counts, and
/// [`Arc::ptr_eq`] tells that a part is the same without comparing it.
#[derive(Debug, Clone)]
pub struct Node {
    /// The checked document.
    pub doc: Arc<Document>,
    /// Where its page is published.
    pub route: Route,
    /// Site-absolute URL, including the base path: `/explainer/people/han-dong/`.
    pub url: String,
    /// Body HTML.
    pub content: Arc<str>,
    /// Headings of the body.
    pub toc: Arc<[Heading]>,
    /// The first sentences of the body's paragraphs (`page.excerpt`).
    pub excerpt: Arc<str>,
    /// Declared fields, resolved, in declaration order.
    pub fields: Arc<[(String, Resolved)]>,
    /// The pictures of the body, in order.
    pub images: Arc<[crate::images::Picture]>,
}

/// Entries that refer to one entry through the same collection and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BacklinkGroup {
    /// The referring collection (`None` for standalone pages).
    pub collection: Option<String>,
    /// The referring field (`responses.by` for record fields); `None` for links in text.
    pub field: Option<String>,
    /// Whether the group gathers references whose period has ended (`until` given):
    /// "Former members" beside "Members".
    pub former: bool,
    /// A heading for the group, from the schema's `backlink` (or `former_backlink`) or a
    /// default.
    pub label: String,
    /// The referring documents, in site order, without repeats.
    pub docs: Vec<DocIndex>,
    /// For each of `docs`, what its reference says about itself, if it is qualified.
    pub periods: Vec<Option<Box<RefQualifiers>>>,
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
    pub backlinks: Arc<Vec<Vec<BacklinkGroup>>>,
    /// For each collection (declaration order), its entries in the collection's order.
    pub collections: Vec<(String, Vec<DocIndex>)>,
    /// Every dated entry, oldest first.
    pub timeline: Vec<DocIndex>,
    /// Tags by slug.
    pub tags: BTreeMap<String, Tag>,
    /// Old addresses that lead to pages, in document order, then `site.yaml`'s.
    pub redirects: Vec<Redirect>,
    /// Documents by id, slug and path.
    tables: Arc<links::LinkTables>,
    /// Each node's outgoing edges, and the drafts left out: what a later [`resolve`]
    /// needs to reuse this graph's rendering.
    edges: Vec<Arc<[Edge]>>,
    drafts: Vec<EntryId>,
}

impl Node {
    /// The picture of an entry's share card: its first image field that has a value.
    pub(crate) fn share_picture(&self) -> Option<&crate::images::Picture> {
        self.doc.id.entry()?;
        self.fields.iter().find_map(|(_, value)| match value {
            Resolved::Image(picture) => Some(picture),
            _ => None,
        })
    }
}

impl Graph {
    /// Lets go of the Markdown of every document but those `keep` names, once their
    /// bodies are rendered: a one-shot build reads the raw text of no other document
    /// again (20 MB at 10,000 entries). A document shared with another graph keeps it.
    pub(crate) fn let_go_of_markdown(&mut self, keep: impl Fn(&Document) -> bool) {
        for node in &mut self.nodes {
            if keep(&node.doc) {
                continue;
            }
            if let Some(doc) = Arc::get_mut(&mut node.doc) {
                doc.body = String::new();
            }
        }
    }

    /// Every correction of the site's pages as (page, its correction's position), newest
    /// first, then in site order, then in the page's order: the corrections page and the
    /// corrections feed list them so.
    pub(crate) fn corrections(&self) -> Vec<(DocIndex, usize)> {
        let mut all: Vec<(DocIndex, usize)> = self
            .nodes
            .iter()
            .enumerate()
            .flat_map(|(i, node)| (0..node.doc.corrections.len()).map(move |n| (i, n)))
            .collect();
        // A stable sort keeps site order, then the page's order, among equal dates.
        all.sort_by_key(|&(i, n)| std::cmp::Reverse(self.nodes[i].doc.corrections[n].date));
        all
    }

    /// Every picture the site shows (image fields, records' image fields, Markdown
    /// images), with whether its share crop is published too.
    pub(crate) fn pictures(&self) -> Vec<crate::images::process::Use> {
        fn in_fields(
            fields: &[(String, Resolved)],
            file: &Path,
            out: &mut Vec<crate::images::process::Use>,
        ) {
            for (_, value) in fields {
                match value {
                    Resolved::Image(picture) => out.push(crate::images::process::Use {
                        picture: picture.clone(),
                        share: false,
                        file: file.to_path_buf(),
                    }),
                    Resolved::Records(records) => {
                        for record in records {
                            in_fields(record, file, out);
                        }
                    }
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        for node in &self.nodes {
            let file = node.doc.path.as_path();
            if let Some(picture) = node.share_picture() {
                out.push(crate::images::process::Use {
                    picture: picture.clone(),
                    share: true,
                    file: file.to_path_buf(),
                });
            }
            in_fields(&node.fields, file, &mut out);
            for picture in node.images.iter() {
                out.push(crate::images::process::Use {
                    picture: picture.clone(),
                    share: false,
                    file: file.to_path_buf(),
                });
            }
        }
        out
    }

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

    /// The entries of the collection `name`, in its order (none for an unknown name).
    pub fn members(&self, name: &str) -> &[DocIndex] {
        self.collections
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, m)| m.as_slice())
            .unwrap_or(&[])
    }
}

/// Problems found while linking documents.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ResolveError {
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
    /// An old address that a page of the site has.
    #[error("`{address}` cannot redirect: it is the address of {page}")]
    RedirectTaken {
        /// The old address.
        address: String,
        /// Whose address it is.
        page: String,
    },
    /// An old address given twice.
    #[error("`{address}` already redirects: it is an old address of {other}")]
    RedirectRepeated {
        /// The old address.
        address: String,
        /// Who gave it first.
        other: String,
    },
    /// An old path inside a folder whose addresses belong to the engine's pages.
    #[error("`{address}` cannot redirect: the addresses in `/{folder}/` belong to the site's own pages (an entry's old address is `collection/slug/`)")]
    RedirectReserved {
        /// The old address.
        address: String,
        /// The folder.
        folder: String,
    },
    /// A changed text with no new correction (`correction-when-changed`).
    #[error("{message}")]
    Uncorrected {
        /// The rule's message.
        message: String,
    },
}

/// Resolves references, renders Markdown and builds the orders and tags of `model`.
///
/// With `previous`, a graph of the same site under the same configuration (`casefile
/// serve` passes the last one), it keeps what no change touched: the rendering of every
/// unchanged document that links to no retitled one, the lookup tables, backlinks,
/// orders and tags when no changed document alters them.
pub(crate) fn resolve(
    config: &Config,
    components: &ComponentTemplates,
    highlights: &HighlightMemo,
    model: Model,
    previous: Option<&Graph>,
    published: Option<&PublishedRecord>,
) -> Result<Graph, Diagnostics> {
    let Model {
        documents, drafts, ..
    } = model;
    let draft_ids: Vec<EntryId> = drafts.keys().cloned().collect();
    let reuse = Reuse::new(previous, &documents, &draft_ids);
    let tables = match reuse.kept_if(&documents, |a, b| a.path == b.path) {
        Some(p) => Arc::clone(&p.tables),
        None => Arc::new(links::LinkTables::new(&documents)),
    };
    // Addresses follow from the ids, the configuration and each document's language
    // (a page left untranslated in an edition is the original's page).
    let urls: Vec<(Route, String)> = documents
        .iter()
        .map(|d| {
            let route = d.id.route().in_edition(config.edition_of(&d.lang));
            let url = route.url(&config.site.base_url);
            (route, url)
        })
        .collect();
    // A link to a page that is not in this edition's language says so.
    let marks: Vec<Option<(String, String)>> = documents
        .iter()
        .map(|d| {
            (!config.publishes(&d.lang))
                .then(|| (d.lang.clone(), config.word_in(&d.lang, "in_this_language")))
        })
        .collect();
    let index = links::LinkIndex::new(&tables, &documents, &urls, &marks, &drafts);

    let theme = text::TextTheme::new(
        config,
        components,
        highlights,
        documents.iter().map(|d| d.lang.as_str()),
    );
    // Documents are rendered in parallel; each yields its own problems.
    let rendered: Vec<text::RenderedDocument> = documents
        .par_iter()
        .enumerate()
        .map(|(i, doc)| {
            let doc = Arc::clone(doc);
            match reuse.rendering(i, &doc) {
                Some((node, edges)) => text::RenderedDocument {
                    node: Node {
                        doc,
                        route: urls[i].0.clone(),
                        url: urls[i].1.clone(),
                        content: Arc::clone(&node.content),
                        toc: Arc::clone(&node.toc),
                        excerpt: Arc::clone(&node.excerpt),
                        fields: Arc::clone(&node.fields),
                        images: Arc::clone(&node.images),
                    },
                    problems: Vec::new(),
                    edges: Arc::clone(edges),
                },
                None => text::render_document(config, &theme, &index, i, doc, urls[i].clone()),
            }
        })
        .collect();

    let mut diagnostics = Diagnostics::new();
    let mut nodes = Vec::with_capacity(rendered.len());
    let mut edges_by_node = Vec::with_capacity(rendered.len());
    for document in rendered {
        diagnostics.extend(document.problems);
        edges_by_node.push(document.edges);
        nodes.push(document.node);
    }
    let edges = || edges_by_node.iter().flat_map(|e| e.iter());
    diagnostics.extend(links::check_fragments(&nodes, edges()));
    let (redirects, problems) = redirects::redirects(config, &nodes, &index);
    diagnostics.extend(problems);
    // A document shared with the previous graph passed its editorial rules there.
    let unshared = nodes
        .iter()
        .enumerate()
        .filter(|(i, _)| !reuse.is_shared(*i));
    diagnostics.extend(rules::editorial_rules(
        config,
        unshared.map(|(_, n)| n),
        published,
    ));

    let same_edges = reuse.previous().filter(|p| {
        p.edges.iter().zip(&edges_by_node).all(|(a, b)| {
            Arc::ptr_eq(a, b)
                || (a.len() == b.len()
                    && a.iter().zip(b.iter()).all(|(a, b)| {
                        a.to == b.to && a.field == b.field && a.qualifiers == b.qualifiers
                    }))
        })
    });
    let backlinks = match same_edges {
        Some(p) => Arc::clone(&p.backlinks),
        None => Arc::new(backlinks::backlinks(config, &nodes, edges())),
    };
    let (collections, timeline) = orders(config, &reuse, &documents, &nodes);
    let tags = match reuse.kept_if(&documents, |a, b| a.tags == b.tags) {
        Some(p) => p.tags.clone(),
        None => tags::tags(&nodes),
    };
    diagnostics.into_result(Graph {
        nodes,
        backlinks,
        collections,
        timeline,
        tags,
        redirects,
        tables,
        edges: edges_by_node,
        drafts: draft_ids,
    })
}

/// Each collection's order and the timeline: the previous ones when no changed document
/// has a new title or date, the previous ones with the changed documents moved when few
/// changed, else sorted anew.
fn orders(
    config: &Config,
    reuse: &Reuse<'_>,
    documents: &[Arc<Document>],
    nodes: &[Node],
) -> (Vec<(String, Vec<DocIndex>)>, Vec<DocIndex>) {
    // Orders read titles and dates only.
    if let Some(p) = reuse.kept_if(documents, |a, b| a.title == b.title && a.date == b.date) {
        return (p.collections.clone(), p.timeline.clone());
    }
    let Some(p) = reuse
        .previous()
        .filter(|_| reuse.changed().len() <= MAX_REORDERED)
    else {
        return (
            order::collection_orders(config, nodes),
            order::timeline(config, nodes),
        );
    };
    let changed = Changed::new(reuse.changed(), nodes.len());
    let collections = config
        .collections
        .iter()
        .zip(&p.collections)
        .map(|(c, (name, old))| {
            let member = |i| order::in_collection(&nodes[i], c);
            let order = match c.sort {
                SortOrder::Title => {
                    changed.reorder(old, member, |i| (order::title_key(&nodes[i]), i))
                }
                SortOrder::Date => {
                    changed.reorder(old, member, |i| (order::date_key(&nodes[i]), i))
                }
            };
            (name.clone(), order)
        })
        .collect();
    let timeline = changed.reorder(
        &p.timeline,
        |i| order::on_timeline(config, &nodes[i]),
        |i| order::timeline_key(config, nodes, i),
    );
    (collections, timeline)
}

/// A reference from one node to another, through a field or a link in text.
#[derive(Debug, Clone)]
struct Edge {
    from: DocIndex,
    to: DocIndex,
    /// `subjects`, `responses.by`; `None` for links in Markdown.
    field: Option<String>,
    /// What a qualified reference says about itself.
    qualifiers: Option<Box<RefQualifiers>>,
    fragment: Option<String>,
    at: Option<Place>,
}

/// A problem of one file, with the entry to look for near misses of when it is an
/// unknown reference.
type FileProblem = (Diagnostic, Option<EntryId>);

fn diagnostic(path: &Path, error: ResolveError) -> Diagnostic {
    Diagnostic::new(Stage::Resolve, path, error)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The graph of `model`, with the built-in theme's component templates.
    fn resolved(
        config: &Config,
        model: Model,
        previous: Option<&Graph>,
    ) -> Result<Graph, Diagnostics> {
        let highlights = HighlightMemo::default();
        resolve(
            config,
            ComponentTemplates::builtin(),
            &highlights,
            model,
            previous,
            None,
        )
    }

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

    #[test]
    fn markdown_is_let_go_of_except_where_asked_to_keep_it() {
        let (_tmp, config) = site();
        let mut graph = resolved(&config, crate::model_of(&config), None).unwrap();
        let rendered = |g: &Graph| -> Vec<(Arc<str>, Arc<str>)> {
            g.nodes
                .iter()
                .map(|n| (Arc::clone(&n.content), Arc::clone(&n.excerpt)))
                .collect()
        };
        let before = rendered(&graph);
        graph.let_go_of_markdown(|doc| doc.title == "Ada");
        for node in &graph.nodes {
            match node.doc.title.as_str() {
                "Ada" => assert_eq!(node.doc.body, "## Early life\n\nAda.\n"),
                _ => assert_eq!(node.doc.body, "", "{}", node.doc.title),
            }
        }
        assert_eq!(rendered(&graph), before, "what was rendered stays");
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
        let model = crate::model_of(&config);
        let before = resolved(&config, model.clone(), None).unwrap();
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
            let fresh = resolved(&config, model.clone(), None);
            let reused = resolved(&config, model, Some(&before));
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
        let model = crate::model_of(&config);
        let before = resolved(&config, model.clone(), None).unwrap();
        let ada = before
            .find(&DocId::Entry(EntryId {
                collection: "people".into(),
                slug: "ada".into(),
            }))
            .unwrap();
        let bob = ada + 1;

        let again = resolved(&config, model.clone(), Some(&before)).unwrap();
        for (a, b) in before.nodes.iter().zip(&again.nodes) {
            assert!(Arc::ptr_eq(&a.content, &b.content), "{:?}", a.doc.path);
        }
        assert!(Arc::ptr_eq(&before.tables, &again.tables));

        // Bob's link shows Ada's title, so his body is rendered again.
        let retitled = edited(&model, "content/people/ada.md", |d| {
            d.title = "Ada L".into()
        });
        let after = resolved(&config, retitled, Some(&before)).unwrap();
        assert!(!Arc::ptr_eq(
            &before.nodes[bob].content,
            &after.nodes[bob].content
        ));
        assert!(after.nodes[bob].content.contains("Ada L"));

        // Checks that read only the changed document still run on it.
        let unnoted = edited(&model, "content/groups/chess.md", |d| {
            d.fields.retain(|(name, _)| name != "notes")
        });
        let errors = resolved(&config, unnoted, Some(&before)).unwrap_err();
        assert!(
            errors.to_string().contains("every member needs a note"),
            "{errors}"
        );

        // A fragment that a changed heading no longer provides.
        let renamed = edited(&model, "content/people/ada.md", |d| {
            d.body = "## Childhood\n".into()
        });
        let errors = resolved(&config, renamed, Some(&before)).unwrap_err();
        assert!(errors.to_string().contains("early-life"), "{errors}");
    }
}
