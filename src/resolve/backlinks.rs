//! Backlinks: for every node, the groups of nodes that refer to it, keyed by the
//! referring collection and field (links in text last), each with its heading from the
//! schema. Reads only the edges; it must not look at what the nodes say.

use std::collections::{BTreeMap, HashMap};

use super::{BacklinkGroup, DocIndex, Edge, Node};
use crate::config::{Collection, Config, FieldKind, FieldSpec};

pub(super) fn backlinks<'a>(
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
