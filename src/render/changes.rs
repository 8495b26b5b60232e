//! What an edit changed, as pages read it: the [`Dep`]s whose values differ between the
//! last graph rendered and the new one. Each is found by comparing the value itself
//! (a node's parts, a card, an order, the map), and a value is only worked out again
//! when something it is made of changed: cards are rebuilt for the nodes that changed
//! and for those whose cards showed a changed link (as recorded when they were built).

use std::sync::{Arc, OnceLock};

use tera::Value;

use super::deps::{Changes, Dep};
use super::reads::Aggregate;
use super::{map, Renderer};
use crate::config::Config;
use crate::model::DocId;
use crate::resolve::{Graph, Node};

/// The reads that differ from `old` to `new`, with `renderer`'s views brought up to
/// date; `None` when the two graphs are not of the same documents (then everything is
/// rendered again).
pub(super) fn changed_reads(
    config: &Config,
    old: &Graph,
    new: &Graph,
    renderer: &mut Renderer,
) -> Option<Changes> {
    let n = new.nodes.len();
    let same_documents = old.nodes.len() == n
        && old
            .nodes
            .iter()
            .zip(&new.nodes)
            .all(|(a, b)| a.doc.id == b.doc.id);
    if !same_documents {
        return None;
    }
    let mut changed = Changes::new(n, config.collections.len());
    let nodes_changed: Vec<bool> = (0..n)
        .map(|i| !same_node(&old.nodes[i], &new.nodes[i]))
        .collect();
    let backlinks_changed: Vec<bool> = (0..n)
        .map(|i| old.backlinks[i] != new.backlinks[i])
        .collect();
    for i in 0..n {
        if nodes_changed[i] || backlinks_changed[i] {
            changed.insert(Dep::Node(i));
        }
        if backlinks_changed[i] {
            changed.insert(Dep::Backlinks(i));
        }
    }
    let (links_changed, cards_changed) = super::view::refresh(
        config,
        new,
        &mut renderer.views,
        &nodes_changed,
        &backlinks_changed,
    );
    let mut card_changed = vec![false; n];
    for &i in &cards_changed {
        card_changed[i] = true;
        changed.insert(Dep::Card(i));
    }
    let any_card = |members: &[usize]| members.iter().any(|&i| card_changed[i]);

    let mut orders_changed = false;
    for (c, ((_, a), (_, b))) in old.collections.iter().zip(&new.collections).enumerate() {
        if a != b {
            changed.insert(Dep::CollectionOrder(c));
        }
        if a != b || any_card(b) {
            orders_changed |= a != b;
            changed.insert(Dep::Collection(c));
            changed.insert(Dep::Site(Aggregate::SiteCollections));
        }
    }
    let pages_changed = new
        .nodes
        .iter()
        .enumerate()
        .any(|(i, node)| matches!(node.doc.id, DocId::Page(_)) && card_changed[i]);
    if pages_changed {
        changed.insert(Dep::Site(Aggregate::SitePages));
    }
    let tag_list = |g: &Graph| -> Vec<(String, String, usize)> {
        g.tags
            .values()
            .map(|t| (t.slug.clone(), t.name.clone(), t.docs.len()))
            .collect()
    };
    if tag_list(old) != tag_list(new) {
        changed.insert(Dep::Site(Aggregate::SiteTags));
    }
    for (slug, tag) in &new.tags {
        let order_changed = old.tags.get(slug).is_none_or(|o| o.docs != tag.docs);
        if order_changed {
            changed.insert(Dep::TagOrder(slug.clone()));
        }
        if order_changed || any_card(&tag.docs) {
            changed.insert(Dep::Tag(slug.clone()));
        }
    }
    for slug in old.tags.keys().filter(|s| !new.tags.contains_key(*s)) {
        changed.insert(Dep::Tag(slug.clone()));
        changed.insert(Dep::TagOrder(slug.clone()));
    }
    let corrected = |g: &Graph, i: usize| !g.nodes[i].doc.corrections.is_empty();
    let corrections_changed = (0..n).any(|i| {
        (corrected(old, i) || corrected(new, i))
            && (card_changed[i] || old.nodes[i].doc.corrections != new.nodes[i].doc.corrections)
    });
    if corrections_changed {
        changed.insert(Dep::Site(Aggregate::Corrections));
    }
    if old.timeline != new.timeline || any_card(&new.timeline) {
        changed.insert(Dep::Site(Aggregate::Timeline));
    }
    // The map shows titles, addresses, the collections' members and the references
    // made through fields: drawn again only when one of them changed.
    let map_inputs_changed =
        !links_changed.is_empty() || orders_changed || backlinks_changed.contains(&true);
    if map_inputs_changed {
        let drawn = renderer.map(config, old).clone();
        let map = Value::safe_string(&map::relationship_map(config, new));
        if map != drawn {
            changed.insert(Dep::Site(Aggregate::Map));
        }
        renderer.map = OnceLock::from(map);
    }
    if !cards_changed.is_empty() || changed.contains(&Dep::Site(Aggregate::SiteTags)) {
        renderer.refresh_site(config, new);
    }
    Some(changed)
}

/// Whether two nodes of one document have the same parts (shared parts are the same
/// without being compared).
fn same_node(a: &Node, b: &Node) -> bool {
    fn same<T: PartialEq + ?Sized>(a: &Arc<T>, b: &Arc<T>) -> bool {
        Arc::ptr_eq(a, b) || **a == **b
    }
    a.route == b.route
        && a.url == b.url
        && same(&a.doc, &b.doc)
        && same(&a.content, &b.content)
        && same(&a.toc, &b.toc)
        && same(&a.fields, &b.fields)
}
