//! Old addresses: each `aliases:` entry of a published document and, in the site's own
//! language, each line of `redirects:` in `site.yaml`, as a [`Redirect`] from the old
//! address to the page that replaced it.
//!
//! An old address must be free: not a page of this edition, not another redirect, and
//! not inside the engine's or an edition's folders. Targets of `site.yaml` are found like
//! wiki links, with the same hints. This job reads documents and the configuration
//! only; the render stage publishes the redirect pages and the publish stage the
//! `_redirects` file.

use std::collections::HashMap;
use std::path::Path;

use crate::config::Config;
use crate::diagnostic::{Diagnostic, Diagnostics, Stage};
use crate::model::DocId;
use crate::routes::{self, OldAddress, Route};

use super::links::LinkIndex;
use super::{DocIndex, Node, ResolveError};

/// A page that sends readers from an old address on to a page's current one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The old address, in this edition.
    pub from: Route,
    /// The page it leads to.
    pub to: DocIndex,
}

/// Every redirect of the edition of `config`, in document order and then in the order
/// of `site.yaml`, and the problems that kept others out.
pub(super) fn redirects(
    config: &Config,
    nodes: &[Node],
    index: &LinkIndex<'_>,
) -> (Vec<Redirect>, Diagnostics) {
    let edition = config.edition();
    let mut problems = Diagnostics::new();
    // Every address a page of this edition is published at, and who has it.
    let mut taken: HashMap<String, String> = HashMap::new();
    taken.insert(
        Route::Home.in_edition(edition).output_file(),
        "the home page".into(),
    );
    for collection in &config.collections {
        let route = Route::CollectionIndex(collection.name.clone()).in_edition(edition);
        taken.insert(
            route.output_file(),
            format!("the `{}` index", collection.name),
        );
    }
    for node in nodes.iter().filter(|n| config.publishes(&n.doc.lang)) {
        taken.insert(node.route.output_file(), named(&node.doc.id));
    }
    let mut redirects: Vec<Redirect> = Vec::new();
    // Old address to whose redirect it already is.
    let mut claimed: HashMap<String, String> = HashMap::new();
    let mut claim = |from: Route,
                     to: DocIndex,
                     by: String,
                     path: &Path,
                     at: Option<crate::diagnostic::Place>,
                     problems: &mut Diagnostics| {
        let file = from.output_file();
        let address = format!("/{}", from.site_path());
        let error = match taken.get(&file) {
            Some(page) => Some(ResolveError::RedirectTaken {
                address,
                page: page.clone(),
            }),
            None => claimed
                .get(&file)
                .map(|other| ResolveError::RedirectRepeated {
                    address,
                    other: other.clone(),
                }),
        };
        match error {
            Some(error) => problems.push(Diagnostic::new(Stage::Resolve, path, error).at(at)),
            None => {
                claimed.insert(file, by);
                redirects.push(Redirect { from, to });
            }
        }
    };
    for (i, node) in nodes.iter().enumerate() {
        if !config.publishes(&node.doc.lang) {
            continue;
        }
        for alias in &node.doc.aliases {
            let from = Route::Redirect(alias.address.clone()).in_edition(edition);
            let by = named(&node.doc.id);
            claim(from, i, by, &node.doc.path, alias.at, &mut problems);
        }
    }
    // `site.yaml` names addresses of the site's own language.
    if edition.is_none() {
        let site_yaml = Path::new("site.yaml");
        for line in &config.site.redirects {
            let at = line.at;
            let to = match index.named(&line.to, &|name| name.to_string()) {
                Ok(to) => to,
                Err(problem) => {
                    problems.push(
                        Diagnostic::new(
                            Stage::Resolve,
                            site_yaml,
                            ResolveError::Link(problem.message),
                        )
                        .at(at)
                        .with_hint(problem.hint),
                    );
                    continue;
                }
            };
            let from = match old_path_route(config, &line.from) {
                Ok(from) => from,
                Err(error) => {
                    problems.push(Diagnostic::new(Stage::Resolve, site_yaml, error).at(at));
                    continue;
                }
            };
            let by = format!("`redirects:` in site.yaml to `{}`", line.to);
            claim(from, to, by, site_yaml, at, &mut problems);
        }
    }
    (redirects, problems)
}

/// The redirect page of a path of `redirects:`: a collection's folder and a slug is an
/// entry's old address (so an edition's folders apply, and it meets the entries'
/// addresses in the checks); any other path inside the engine's, a collection's or an
/// edition's folder is refused, since those addresses belong to their pages.
fn old_path_route(config: &Config, path: &str) -> Result<Route, ResolveError> {
    let segments: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    let first = segments[0];
    let collections = || config.collections.iter().map(|c| c.name.as_str());
    let folder_of_pages = routes::is_reserved_page(first, collections())
        || config.site.languages.iter().any(|l| l == first);
    if !folder_of_pages {
        return Ok(Route::Redirect(OldAddress::Path(path.to_string())));
    }
    let is_collection = collections().any(|c| c == first);
    if is_collection && segments.len() == 2 && path.ends_with('/') {
        return Ok(Route::Redirect(OldAddress::Entry(crate::model::EntryId {
            collection: first.to_string(),
            slug: segments[1].to_string(),
        })));
    }
    Err(ResolveError::RedirectReserved {
        address: format!("/{path}"),
        folder: first.to_string(),
    })
}

/// A document as messages name it.
fn named(id: &DocId) -> String {
    match id {
        DocId::Home => "the home page".into(),
        DocId::Index(c) => format!("the `{c}` index"),
        DocId::Entry(e) => format!("`{e}`"),
        DocId::Page(slug) => format!("`{slug}`"),
    }
}
