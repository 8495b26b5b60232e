//! What a graph can keep from the previous graph of the same site (in `casefile serve`,
//! after an edit): the rendering of every document whose source is unchanged and that
//! links to no document whose title changed, and the tables and orders that no changed
//! document alters. A document shared with the previous graph (the same [`Arc`]) is
//! known to be unchanged without being compared.
//!
//! A kept rendering holds what the theme's component templates drew; that is right only
//! because `serve` starts from no previous graph after any change outside `content/`
//! (templates included).

use std::sync::Arc;

use super::{DocIndex, Edge, Graph, Node};
use crate::model::{Document, EntryId};

/// The previous graph, when it is of the same documents, and what changed since.
pub(super) struct Reuse<'p> {
    previous: Option<&'p Graph>,
    /// The documents not shared with the previous graph (all of them without one).
    changed: Vec<DocIndex>,
    /// Per document: shared with the previous graph.
    shared: Vec<bool>,
    /// Per document: its title changed.
    retitled: Vec<bool>,
}

impl<'p> Reuse<'p> {
    /// What `previous` offers to a graph of `documents` with `drafts` left out: nothing
    /// unless the documents and drafts are the same (by id, in the same order).
    pub(super) fn new(
        previous: Option<&'p Graph>,
        documents: &[Arc<Document>],
        drafts: &[EntryId],
    ) -> Self {
        let previous = previous.filter(|p| {
            p.drafts == drafts
                && p.nodes.len() == documents.len()
                && p.nodes.iter().zip(documents).all(|(n, d)| n.doc.id == d.id)
        });
        let changed: Vec<DocIndex> = match previous {
            Some(p) => p
                .nodes
                .iter()
                .zip(documents)
                .enumerate()
                .filter(|(_, (n, d))| !Arc::ptr_eq(&n.doc, d))
                .map(|(i, _)| i)
                .collect(),
            None => (0..documents.len()).collect(),
        };
        let mut retitled = vec![false; documents.len()];
        let mut shared = vec![previous.is_some(); documents.len()];
        for &i in &changed {
            shared[i] = false;
            // A document in another language than before is at another address (a
            // translation added or removed in an edition): its linkers are made again.
            retitled[i] = previous.is_some_and(|p| {
                let old = &p.nodes[i].doc;
                old.title != documents[i].title || old.lang != documents[i].lang
            });
        }
        Reuse {
            previous,
            changed,
            shared,
            retitled,
        }
    }

    /// The previous graph, when it is of the same documents.
    pub(super) fn previous(&self) -> Option<&'p Graph> {
        self.previous
    }

    /// The documents that changed.
    pub(super) fn changed(&self) -> &[DocIndex] {
        &self.changed
    }

    /// Whether document `i` is the one of the previous graph.
    pub(super) fn is_shared(&self, i: DocIndex) -> bool {
        self.shared[i]
    }

    /// The previous graph, if `same` holds between every changed document and its
    /// previous version (so that what reads only those parts can be kept).
    pub(super) fn kept_if(
        &self,
        documents: &[Arc<Document>],
        same: impl Fn(&Document, &Document) -> bool,
    ) -> Option<&'p Graph> {
        let p = self.previous?;
        self.changed
            .iter()
            .all(|&i| same(&p.nodes[i].doc, &documents[i]))
            .then_some(p)
    }

    /// The previous node of document `i` and its edges, when its rendering stands: its
    /// body, fields and path are the same, and no document it links to was retitled.
    pub(super) fn rendering(
        &self,
        i: DocIndex,
        doc: &Document,
    ) -> Option<(&'p Node, &'p Arc<[Edge]>)> {
        let p = self.previous?;
        let (node, edges) = (&p.nodes[i], &p.edges[i]);
        let same_source = self.shared[i]
            || (node.doc.body == doc.body
                && node.doc.body_line == doc.body_line
                && node.doc.body_offset == doc.body_offset
                && node.doc.path == doc.path
                && node.doc.fields == doc.fields);
        let same = same_source && !edges.iter().any(|e| self.retitled[e.to]);
        same.then_some((node, edges))
    }
}
