//! Editorial rules declared in `site.yaml` (`checks:`), checked on every entry: a
//! failed rule is a problem at the reference (or record) that breaks it, with a hint to
//! fix it. `correction-when-changed` compares an entry with the record of the last good
//! build ([`PublishedRecord`]); without one, there is nothing to compare with.

use super::{diagnostic, Node, ResolveError};
use crate::config::{Config, Rule};
use crate::diagnostic::{Diagnostic, Place};
use crate::model::{EntryId, FieldValue, Reference};
use crate::published::{fingerprint, PublishedRecord};

/// The problems of `nodes` with their collections' rules; `published` is what the last
/// good build published, if it left a record.
pub(super) fn editorial_rules<'a>(
    config: &Config,
    nodes: impl Iterator<Item = &'a Node>,
    published: Option<&PublishedRecord>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for node in nodes {
        let Some(id) = node.doc.id.entry() else {
            continue;
        };
        let Some(collection) = config.collections.iter().find(|c| c.name == id.collection) else {
            continue;
        };
        for rule in &collection.rules {
            let (field, records, key, message) = match rule {
                Rule::EachHasRecord {
                    field,
                    records,
                    key,
                    message,
                } => (field, records, key, message),
                Rule::CorrectionWhenChanged { message } => {
                    out.extend(correction_when_changed(node, id, message, published));
                    continue;
                }
            };
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
                        diagnostic(
                            &node.doc.path,
                            ResolveError::Editorial {
                                message: message.clone(),
                                missing: r.target.slug.clone(),
                            },
                        )
                        .at(r.at)
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

/// The problem of an entry whose text differs from what the last build published while
/// it carries no more corrections than it did then.
fn correction_when_changed(
    node: &Node,
    id: &EntryId,
    message: &str,
    published: Option<&PublishedRecord>,
) -> Option<Diagnostic> {
    let before = published?.entries.get(&id.to_string())?;
    if node.doc.corrections.len() > before.corrections || fingerprint(&node.doc) == before.text {
        return None;
    }
    let at = node
        .doc
        .corrections
        .last()
        .and_then(|c| c.at)
        .unwrap_or_else(Place::start);
    Some(
        diagnostic(
            &node.doc.path,
            ResolveError::Uncorrected {
                message: message.to_string(),
            },
        )
        .at(Some(at))
        .with_hint(Some(
            "add a record to `corrections:` saying what changed, e.g. `- { date: YYYY-MM-DD, note: An earlier version said ... }`"
                .into(),
        )),
    )
}
