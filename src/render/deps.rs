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
    /// The entries of a collection (by position in `site.yaml`), in order, with their
    /// cards.
    Collection(usize),
    /// The entries of a tag, by slug, with their cards.
    Tag(String),
    /// A site-wide list: every collection's entries, the standalone pages, the tags, the
    /// timeline or the map.
    Site(Aggregate),
}

thread_local! {
    /// The reads of the page rendering on this thread, while one is.
    static READS: RefCell<Option<Vec<Dep>>> = const { RefCell::new(None) };
}

/// Runs `render`, returning what it returned and everything it read.
pub(crate) fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<Dep>) {
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
        let ((), reads) = recording(|| {
            read(Dep::Card(3));
            read(Dep::Node(2));
            read(Dep::Card(3));
        });
        assert_eq!(reads, [Dep::Node(2), Dep::Card(3)]);
        let ((), none) = recording(|| {});
        assert!(none.is_empty());
    }
}
