//! Finding the document a reference or link names, with did-you-mean hints, and checking
//! that every `#fragment` a link names is a heading of its target.

use std::collections::{BTreeMap, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use crate::config::Config;
use crate::diagnostic::{closest, did_you_mean};
use crate::images::{Picture, Source};
use crate::markdown::{LinkProblem, LinkResolver, LinkTarget, ResolvedLink};
use crate::model::{DocId, Document, EntryId};

use super::{diagnostic, DocIndex, Edge, Node, ResolveError};
use crate::diagnostic::Diagnostic;

/// Where each document is found by id, slug and file path. They depend only on the
/// documents' ids and paths, so a graph of the same documents shares them with the last.
#[derive(Debug)]
pub(crate) struct LinkTables {
    pub(super) by_id: HashMap<DocId, DocIndex>,
    by_slug: HashMap<String, Vec<DocIndex>>,
    by_path: HashMap<PathBuf, DocIndex>,
}

impl LinkTables {
    /// Tables over `docs`.
    pub(crate) fn new(docs: &[Arc<Document>]) -> Self {
        let mut by_slug: HashMap<String, Vec<DocIndex>> = HashMap::new();
        for (i, d) in docs.iter().enumerate() {
            let slug = match &d.id {
                DocId::Entry(id) => id.slug.as_str(),
                DocId::Page(slug) => slug.as_str(),
                _ => continue,
            };
            by_slug.entry(slug.to_string()).or_default().push(i);
        }
        LinkTables {
            by_id: docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.id.clone(), i))
                .collect(),
            by_slug,
            by_path: docs
                .iter()
                .enumerate()
                .map(|(i, d)| (d.path.clone(), i))
                .collect(),
        }
    }
}

/// Lookup tables over every published document, with their titles, URLs and the drafts.
pub(crate) struct LinkIndex<'a> {
    tables: &'a LinkTables,
    docs: &'a [Arc<Document>],
    urls: &'a [(crate::routes::Route, String)],
    /// Per document, its language and the words that mark a link to it when it is not
    /// in the edition's language.
    marks: &'a [Option<(String, String)>],
    drafts: &'a BTreeMap<EntryId, PathBuf>,
}

impl<'a> LinkIndex<'a> {
    /// Indexes `docs` (whose `tables` these are), whose URLs are `urls` (same order).
    pub(crate) fn new(
        tables: &'a LinkTables,
        docs: &'a [Arc<Document>],
        urls: &'a [(crate::routes::Route, String)],
        marks: &'a [Option<(String, String)>],
        drafts: &'a BTreeMap<EntryId, PathBuf>,
    ) -> Self {
        LinkIndex {
            tables,
            docs,
            urls,
            marks,
            drafts,
        }
    }

    /// The node of an entry named by a ref field.
    pub(crate) fn entry(&self, id: &EntryId) -> Result<DocIndex, ResolveError> {
        if let Some(&i) = self.tables.by_id.get(&DocId::Entry(id.clone())) {
            return Ok(i);
        }
        if self.drafts.contains_key(id) {
            return Err(ResolveError::Draft(id.clone()));
        }
        Err(ResolveError::UnknownEntry(id.clone()))
    }

    /// A hint for a failed [`LinkIndex::entry`].
    pub(crate) fn entry_hint(&self, id: &EntryId, error: &ResolveError) -> Option<String> {
        match error {
            ResolveError::Draft(_) => {
                Some("build with `--drafts`, or remove `draft: true` from that entry".into())
            }
            _ => self.unknown_entry_hint(id),
        }
    }

    /// "did you mean" the closest slug of the same collection.
    pub(crate) fn unknown_entry_hint(&self, id: &EntryId) -> Option<String> {
        let same_collection = self.docs.iter().filter_map(|d| match &d.id {
            DocId::Entry(e) if e.collection == id.collection => Some(e.slug.as_str()),
            _ => None,
        });
        did_you_mean(&id.slug, same_collection)
    }

    fn resolved(&self, i: DocIndex) -> ResolvedLink {
        ResolvedLink {
            url: self.urls[i].1.clone(),
            title: self.docs[i].title.clone(),
            key: i,
            other_language: self.marks.get(i).cloned().flatten(),
        }
    }

    fn wiki(&self, target: &str) -> Result<DocIndex, LinkProblem> {
        self.named(target, &|name| format!("[[{name}]]"))
    }

    /// The document `collection/slug` names, or the one document whose slug is `slug`;
    /// `show` writes a name as the editor would have written it, for the messages.
    pub(super) fn named(
        &self,
        target: &str,
        show: &dyn Fn(&str) -> String,
    ) -> Result<DocIndex, LinkProblem> {
        if let Some((collection, slug)) = target.split_once('/') {
            let id = EntryId {
                collection: collection.to_string(),
                slug: slug.to_string(),
            };
            return self.entry(&id).map_err(|e| LinkProblem {
                hint: self.entry_hint(&id, &e),
                message: e.to_string(),
            });
        }
        match self.tables.by_slug.get(target).map(Vec::as_slice) {
            Some([one]) => Ok(*one),
            Some(many) => {
                let options: Vec<String> = many
                    .iter()
                    .map(|&i| show(&qualified(&self.docs[i].id)))
                    .collect();
                Err(LinkProblem {
                    message: format!(
                        "`{}` is ambiguous: several entries have that slug",
                        show(target)
                    ),
                    hint: Some(format!("write one of {}", options.join(", "))),
                })
            }
            None => {
                if let Some((id, _)) = self.drafts.iter().find(|(id, _)| id.slug == target) {
                    return Err(LinkProblem {
                        message: ResolveError::Draft(id.clone()).to_string(),
                        hint: Some(
                            "build with `--drafts`, or remove `draft: true` from that entry".into(),
                        ),
                    });
                }
                let hint = closest(target, self.tables.by_slug.keys().map(String::as_str))
                    .map(|slug| format!("did you mean `{}`?", show(slug)));
                Err(LinkProblem {
                    message: format!("no entry or page has the slug `{target}`"),
                    hint,
                })
            }
        }
    }
}

fn qualified(id: &DocId) -> String {
    match id {
        DocId::Entry(e) => e.to_string(),
        DocId::Page(slug) => slug.clone(),
        DocId::Index(c) => format!("{c}/_index"),
        DocId::Home => "_index".into(),
    }
}

/// Resolves the links of one document (relative file links depend on where it is).
pub(crate) struct SiteResolver<'a> {
    config: &'a Config,
    index: &'a LinkIndex<'a>,
    from: &'a Path,
}

impl<'a> SiteResolver<'a> {
    /// A resolver for links written in the file at `from` (relative to the site root).
    pub(crate) fn new(config: &'a Config, index: &'a LinkIndex<'a>, from: &'a Path) -> Self {
        SiteResolver {
            config,
            index,
            from,
        }
    }
}

impl LinkResolver for SiteResolver<'_> {
    fn image(&self, src: &str) -> Result<Arc<Source>, LinkProblem> {
        crate::images::probe(self.config, self.from, src).map_err(|e| LinkProblem {
            message: e.to_string(),
            hint: e.hint(true),
        })
    }

    fn figure(&self, picture: &Picture) -> String {
        crate::images::figure_html(
            picture,
            &self.config.site.images,
            &self.config.site.base_url,
        )
    }

    fn resolve(&self, target: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem> {
        match target {
            LinkTarget::Wiki(name) => self.index.wiki(name).map(|i| self.index.resolved(i)),
            LinkTarget::File(path) => {
                let joined =
                    lexically_normal(&self.from.parent().unwrap_or(Path::new("")).join(path));
                match self.index.tables.by_path.get(joined.as_path()) {
                    Some(&i) => Ok(self.index.resolved(i)),
                    None => {
                        let candidates =
                            self.index.tables.by_path.keys().filter_map(|p| p.to_str());
                        let hint = joined
                            .to_str()
                            .and_then(|j| closest(j, candidates))
                            .map(|c| format!("did you mean `{c}`?"));
                        Err(LinkProblem {
                            message: format!(
                                "link to `{path}`: no content file at `{}`",
                                joined.display()
                            ),
                            hint,
                        })
                    }
                }
            }
        }
    }
}

/// Resolves `.` and `..` without touching the file system.
fn lexically_normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// A problem for each link whose `#fragment` is not a heading of its target.
pub(super) fn check_fragments<'a>(
    nodes: &[Node],
    edges: impl Iterator<Item = &'a Edge>,
) -> Vec<Diagnostic> {
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
                diagnostic(
                    &nodes[edge.from].doc.path,
                    ResolveError::UnknownFragment {
                        target: target.doc.path.display().to_string(),
                        fragment: fragment.clone(),
                    },
                )
                .at(edge.at)
                .with_hint(hint),
            );
        }
    }
    out
}
