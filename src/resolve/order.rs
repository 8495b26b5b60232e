//! The orders of the site: each collection's entries in its declared order (title or
//! date; undated entries after the dated ones, by title), and the timeline of every
//! dated entry of the collections on it (`timeline: false` keeps a collection off). After an edit, the changed documents
//! are moved within the last orders instead of sorting everything anew.

use super::{DocIndex, Node};
use crate::config::{Collection, Config, SortOrder};
use crate::model::PartialDate;

/// At most this many changed documents are moved within the last graph's orders; more,
/// and the orders are sorted anew.
pub(super) const MAX_REORDERED: usize = 64;

pub(super) fn collection_orders(config: &Config, nodes: &[Node]) -> Vec<(String, Vec<DocIndex>)> {
    config
        .collections
        .iter()
        .map(|c| {
            let mut members: Vec<DocIndex> = (0..nodes.len())
                .filter(|&i| in_collection(&nodes[i], c))
                .collect();
            match c.sort {
                SortOrder::Title => members.sort_by_cached_key(|&a| (title_key(&nodes[a]), a)),
                SortOrder::Date => members.sort_by_cached_key(|&a| (date_key(&nodes[a]), a)),
            }
            (c.name.clone(), members)
        })
        .collect()
}

pub(super) fn in_collection(node: &Node, collection: &Collection) -> bool {
    node.doc
        .id
        .entry()
        .is_some_and(|id| id.collection == collection.name)
}

pub(super) fn title_key(node: &Node) -> String {
    node.doc.title.to_lowercase()
}

/// Dated entries first, by date (then title); undated ones after, by title.
pub(super) fn date_key(node: &Node) -> (bool, Option<PartialDate>, String) {
    (node.doc.date.is_none(), node.doc.date, title_key(node))
}

/// Whether a node is on the timeline: a dated entry of a collection that is on it.
pub(super) fn on_timeline(config: &Config, node: &Node) -> bool {
    node.doc.date.is_some()
        && node.doc.id.entry().is_some_and(|id| {
            config
                .collections
                .iter()
                .any(|c| c.name == id.collection && c.timeline)
        })
}

/// Where node `i` sorts on the timeline: by date, collection (in declaration order),
/// title, then site order.
pub(super) fn timeline_key(
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

pub(super) fn timeline(config: &Config, nodes: &[Node]) -> Vec<DocIndex> {
    let mut dated: Vec<DocIndex> = (0..nodes.len())
        .filter(|&i| on_timeline(config, &nodes[i]))
        .collect();
    dated.sort_by_cached_key(|&i| timeline_key(config, nodes, i));
    dated
}

/// The documents that changed since the last graph, for moving them within its orders.
pub(super) struct Changed<'a> {
    list: &'a [DocIndex],
    marked: Vec<bool>,
}

impl<'a> Changed<'a> {
    pub(super) fn new(list: &'a [DocIndex], nodes: usize) -> Self {
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
    pub(super) fn reorder<K: Ord>(
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
