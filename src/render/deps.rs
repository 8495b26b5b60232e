//! What a page read while it rendered: the nodes, cards, collections and site-wide lists
//! its context and template functions handed out ([`Dep`]), recorded per rendering
//! thread while the page renders.
//!
//! `casefile serve` keeps each page's reads; after an edit it re-renders exactly the
//! pages that read something that changed. This module only records; what changed is
//! worked out in [`super::changes`].

use std::cell::RefCell;

use super::reads::Aggregate;
use crate::resolve::DocIndex;

/// One thing a page can read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Dep {
    /// A node's own page data: its document, body, fields and backlinks.
    Node(DocIndex),
    /// A node's card: what other pages show of it.
    Card(DocIndex),
    /// Who refers to a node: its backlink groups (its connections page lists them).
    Backlinks(DocIndex),
    /// The entries of a collection (by position in `site.yaml`), in order, with their
    /// cards.
    Collection(usize),
    /// The entries of a tag, by slug, with their cards.
    Tag(String),
    /// Which entries a collection has, in order (not what their cards show): what says
    /// which of them a page of its index lists.
    CollectionOrder(usize),
    /// Which documents a tag has, in order, by slug (not what their cards show).
    TagOrder(String),
    /// A site-wide list: every collection's entries, the standalone pages, the tags, the
    /// timeline or the map.
    Site(Aggregate),
}

thread_local! {
    /// The reads of the page rendering on this thread, while one is.
    static READS: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Runs `render`, returning what it returned and, when asked to `record`, everything it
/// read (a one-shot build keeps no reads: 13 MB at 10,000 entries).
pub(crate) fn recording<T>(record: bool, render: impl FnOnce() -> T) -> (T, Vec<Dep>) {
    if !record {
        return (render(), Vec::new());
    }
    let outer = READS.with(|r| r.borrow_mut().replace(Vec::new()));
    let value = render();
    let mut reads = READS
        .with(|r| std::mem::replace(&mut *r.borrow_mut(), outer))
        .unwrap_or_default();
    reads.sort_unstable();
    reads.dedup();
    (value, reads)
}

/// Notes that the page rendering on this thread read `dep` (nothing when none is).
pub(crate) fn read(dep: Dep) {
    READS.with(|r| {
        if let Some(reads) = r.borrow_mut().as_mut() {
            reads.push(dep);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_are_recorded_per_page_and_only_while_recording() {
        read(Dep::Card(1));
        let ((), reads) = recording(true, || {
            read(Dep::Card(3));
            read(Dep::Node(2));
            read(Dep::Card(3));
        });
        assert_eq!(reads, [Dep::Node(2), Dep::Card(3)]);
        let ((), none) = recording(true, || {});
        assert!(none.is_empty());
        let ((), unasked) = recording(false, || read(Dep::Card(3)));
        assert!(unasked.is_empty());
    }
}

/// A set of [`Dep`]s that changed, for a graph of `n` nodes and `c` collections: nodes,
/// cards and collections by index, so that checking every page's reads costs no hashing.
#[derive(Debug, Clone, Default)]
pub(crate) struct Changes {
    nodes: Vec<bool>,
    cards: Vec<bool>,
    backlinks: Vec<bool>,
    collections: Vec<bool>,
    tags: std::collections::HashSet<String>,
    collection_orders: Vec<bool>,
    tag_orders: std::collections::HashSet<String>,
    site: Vec<Aggregate>,
}

impl Changes {
    /// Nothing changed yet, in a graph of `nodes` nodes and `collections` collections.
    pub(crate) fn new(nodes: usize, collections: usize) -> Self {
        Changes {
            nodes: vec![false; nodes],
            cards: vec![false; nodes],
            backlinks: vec![false; nodes],
            collections: vec![false; collections],
            collection_orders: vec![false; collections],
            ..Changes::default()
        }
    }

    /// Marks `dep` as changed.
    pub(crate) fn insert(&mut self, dep: Dep) {
        match dep {
            Dep::Node(i) => self.nodes[i] = true,
            Dep::Card(i) => self.cards[i] = true,
            Dep::Backlinks(i) => self.backlinks[i] = true,
            Dep::Collection(c) => self.collections[c] = true,
            Dep::Tag(slug) => {
                self.tags.insert(slug);
            }
            Dep::CollectionOrder(c) => self.collection_orders[c] = true,
            Dep::TagOrder(slug) => {
                self.tag_orders.insert(slug);
            }
            Dep::Site(a) => {
                if !self.site.contains(&a) {
                    self.site.push(a);
                }
            }
        }
    }

    /// Whether `dep` changed.
    pub(crate) fn contains(&self, dep: &Dep) -> bool {
        match dep {
            Dep::Node(i) => self.nodes.get(*i).copied().unwrap_or(true),
            Dep::Card(i) => self.cards.get(*i).copied().unwrap_or(true),
            Dep::Backlinks(i) => self.backlinks.get(*i).copied().unwrap_or(true),
            Dep::Collection(c) => self.collections.get(*c).copied().unwrap_or(true),
            Dep::Tag(slug) => self.tags.contains(slug),
            Dep::CollectionOrder(c) => self.collection_orders.get(*c).copied().unwrap_or(true),
            Dep::TagOrder(slug) => self.tag_orders.contains(slug),
            Dep::Site(a) => self.site.contains(a),
        }
    }
}
