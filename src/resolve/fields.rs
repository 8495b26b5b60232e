//! Field values resolved: each ref becomes the node it names (and an edge), each
//! Markdown field becomes HTML with its links resolved. An unknown or draft target is a
//! problem at the slug's place. It must not decide what a page shows.

use std::path::Path;

use super::links::{LinkIndex, SiteResolver};
use super::{diagnostic, DocIndex, Edge, FileProblem, RefTarget, ResolveError, Resolved};
use crate::config::{FieldKind, FieldSpec};
use crate::markdown::{self, RenderOptions};
use crate::model::{FieldValue, Reference};

/// One document's fields, resolved. References and links found become `edges` from
/// `from`; problems go to `problems`.
#[allow(clippy::too_many_arguments)]
pub(super) fn resolve_fields(
    fields: &[(String, FieldValue)],
    specs: &[FieldSpec],
    prefix: &str,
    index: &LinkIndex,
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
         -> Option<RefTarget> {
            match index.entry(&r.target) {
                Ok(to) => {
                    edges.push(Edge {
                        from,
                        to,
                        field: Some(field_path.clone()),
                        qualifiers: r.qualifiers.clone(),
                        fragment: None,
                        at: r.at,
                    });
                    Some(RefTarget {
                        node: to,
                        qualifiers: r.qualifiers.clone(),
                    })
                }
                Err(error) => {
                    // An unknown entry's hint is worked out later, if it is listed.
                    let (hint, unknown) = match &error {
                        ResolveError::UnknownEntry(id) => (None, Some(id.clone())),
                        _ => (index.entry_hint(&r.target, &error), None),
                    };
                    problems.push((diagnostic(path, error).at(r.at).with_hint(hint), unknown));
                    None
                }
            }
        };
        let resolved = match value {
            FieldValue::Text(s) => Resolved::Text(s.clone()),
            FieldValue::Markdown { source, at } => {
                let r = markdown::render_inline(source, resolver, options);
                if !r.images.is_empty() {
                    let message = "images are not shown from a Markdown field: put the picture in the body, or declare an `image` field".to_string();
                    problems.push((diagnostic(path, ResolveError::Link(message)).at(*at), None));
                }
                for p in r.problems {
                    // Positions inside a YAML string are approximate; point at the value.
                    problems.push((
                        diagnostic(path, ResolveError::Link(p.message))
                            .at(*at)
                            .with_hint(p.hint),
                        None,
                    ));
                }
                for link in r.links {
                    edges.push(Edge {
                        from,
                        to: link.key,
                        field: None,
                        qualifiers: None,
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
            FieldValue::Image(picture) => Resolved::Image(picture.clone()),
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
