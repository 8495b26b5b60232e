//! Tags: every tag as first written, its address slug, and the documents that carry it.

use std::collections::BTreeMap;

use super::{Node, Tag};
use crate::routes::slug::tag_slug;

/// The tags of `nodes`, by slug, each with its documents in site order.
pub(super) fn tags(nodes: &[Node]) -> BTreeMap<String, Tag> {
    let mut tags: BTreeMap<String, Tag> = BTreeMap::new();
    for (i, node) in nodes.iter().enumerate() {
        for name in &node.doc.tags {
            let slug = tag_slug(name);
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
