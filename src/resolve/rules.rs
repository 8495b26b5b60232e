//! Editorial rules declared in `site.yaml` (`checks:`), checked on every entry: a
//! failed rule is a problem at the reference that breaks it, with a hint to fix it.

use super::{diagnostic, Node, ResolveError};
use crate::config::{Config, Rule};
use crate::diagnostic::Diagnostic;
use crate::model::{EntryId, FieldValue, Reference};

/// The problems of `nodes` with their collections' rules.
pub(super) fn editorial_rules<'a>(
    config: &Config,
    nodes: impl Iterator<Item = &'a Node>,
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
            let Rule::EachHasRecord {
                field,
                records,
                key,
                message,
            } = rule;
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
