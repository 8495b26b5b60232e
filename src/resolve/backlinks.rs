//! Backlinks: for every node, the groups of nodes that refer to it, keyed by the
//! referring collection and field (links in text last), each with its heading from the
//! schema. References whose period has ended (`until`) form their own group after the
//! current one ("Former members"). Reads only the edges; it must not look at what the
//! nodes say.

use std::collections::{BTreeMap, HashMap};

use super::{BacklinkGroup, DocIndex, Edge, Node};
use crate::config::{Collection, Config, FieldKind, FieldSpec};
use crate::model::RefQualifiers;

pub(super) fn backlinks<'a>(
    config: &Config,
    nodes: &'a [Node],
    edges: impl Iterator<Item = &'a Edge>,
) -> Vec<Vec<BacklinkGroup>> {
    // Group key: (collection order, field order, former, collection, field); text
    // mentions sort last, former references right after the current ones of their field.
    type Key<'k> = (usize, usize, bool, Option<&'k str>, Option<&'k str>);
    type Referrers<'k> = Vec<(DocIndex, Option<&'k RefQualifiers>)>;
    let mut groups: Vec<BTreeMap<Key<'a>, Referrers<'a>>> = vec![BTreeMap::new(); nodes.len()];
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
        let qualifiers = edge.qualifiers.as_deref();
        let former = qualifiers.is_some_and(RefQualifiers::is_former);
        groups[edge.to]
            .entry((col_order, field_order, former, collection, field))
            .or_default()
            .push((edge.from, qualifiers));
    }
    // A label depends on the collection, field and period only.
    let mut labels: HashMap<(Option<&str>, Option<&str>, bool), String> = HashMap::new();
    groups
        .into_iter()
        .map(|by_key| {
            by_key
                .into_iter()
                .map(|((_, _, former, collection, field), mut referrers)| {
                    // Stable: of two references from one entry, the first written stays.
                    referrers.sort_by_key(|(doc, _)| *doc);
                    referrers.dedup_by_key(|(doc, _)| *doc);
                    let label = labels
                        .entry((collection, field, former))
                        .or_insert_with(|| backlink_label(config, collection, field, former))
                        .clone();
                    BacklinkGroup {
                        collection: collection.map(String::from),
                        field: field.map(String::from),
                        former,
                        label,
                        docs: referrers.iter().map(|(doc, _)| *doc).collect(),
                        periods: referrers
                            .iter()
                            .map(|(_, q)| q.map(|q| Box::new(q.clone())))
                            .collect(),
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

fn backlink_label(
    config: &Config,
    collection: Option<&str>,
    field: Option<&str>,
    former: bool,
) -> String {
    let (Some(collection), Some(field)) = (collection, field) else {
        return "Mentioned in".to_string();
    };
    let Some(c) = config.collections.iter().find(|c| c.name == collection) else {
        return "Mentioned in".to_string();
    };
    let Some(spec) = field_spec(c, field) else {
        return c.title.clone();
    };
    let current = match &spec.backlink {
        Some(label) => label.clone(),
        None => format!("{} ({})", c.title, spec.label.to_lowercase()),
    };
    match (&spec.former_backlink, former) {
        (_, false) => current,
        (Some(label), true) => label.clone(),
        (None, true) => format!("{current} (former)"),
    }
}
