//! Template data: the graph turned into tera values, built once and shared.
//!
//! Each node becomes a *link* (title and URL), a *card* (link plus summary, date, tags
//! and fields whose refs are links) and, for its own page, a *page* (card plus body,
//! table of contents, fields whose refs are cards, and backlinks). tera values share
//! their contents behind `Arc`s, so a card used on a hundred pages is built once.

use rayon::prelude::*;
use tera::{Map, Value};

use crate::config::{Collection, Config, FieldKind, FieldSpec, SortOrder};
use crate::model::{DocId, PartialDate, RefQualifiers};
use crate::resolve::{DocIndex, Graph, Node, RefTarget, Resolved};
use crate::routes::Route;

use super::deps::{self, Dep};

/// Builds a tera map from `key => value` pairs, keeping their order.
macro_rules! map {
    ($($key:expr => $value:expr),* $(,)?) => {{
        let mut m = Map::new();
        $( m.insert($key.into(), Value::from($value)); )*
        Value::from(m)
    }};
}

/// Prebuilt values for every node.
#[derive(Clone)]
pub(crate) struct Views {
    /// `{ id, collection, slug, title, url }` per node.
    pub links: Vec<Value>,
    /// Cards per node.
    pub cards: Vec<Value>,
    /// Per node, the nodes whose links its card shows (read while it was built).
    pub card_reads: Vec<Vec<DocIndex>>,
    /// Whether the theme draws share cards (`share-card.svg`).
    pub share_cards: bool,
}

/// A date for templates: ISO form, words, parts, precision.
pub(crate) fn date_value(date: &PartialDate, language: &str) -> Value {
    map! {
        "iso" => date.to_string(),
        "human" => date.human_in(language),
        "year" => date.year,
        "month" => date.month,
        "day" => date.day,
        "precision" => date.precision(),
        "approximate" => date.approximate,
    }
}

/// What a qualified reference says about itself, for templates:
/// `{ since, until, role, former }` (dates as [`date_value`]s, absent ones `none`).
pub(crate) fn period_value(q: &RefQualifiers, language: &str) -> Value {
    let date = |d: &Option<PartialDate>| {
        d.as_ref()
            .map(|d| date_value(d, language))
            .unwrap_or_else(Value::none)
    };
    map! {
        "since" => date(&q.since),
        "until" => date(&q.until),
        "role" => q.role.clone(),
        "former" => q.is_former(),
    }
}

/// The value of one reference: the target's value, with `period` added when the
/// reference is qualified.
fn ref_value(language: &str, r: &RefTarget, target: &dyn Fn(DocIndex) -> Value) -> Value {
    let value = target(r.node);
    let Some(q) = &r.qualifiers else {
        return value;
    };
    let mut m = value.as_map().cloned().unwrap_or_default();
    m.insert("period".into(), period_value(q, language));
    Value::from(m)
}

fn id_string(id: &DocId) -> String {
    match id {
        DocId::Entry(e) => e.to_string(),
        DocId::Page(slug) => slug.clone(),
        DocId::Index(c) => c.clone(),
        DocId::Home => String::new(),
    }
}

fn kind_name(id: &DocId) -> &'static str {
    match id {
        DocId::Home => "home",
        DocId::Index(_) => "collection",
        DocId::Entry(_) => "entry",
        DocId::Page(_) => "page",
    }
}

fn link_value(config: &Config, node: &Node) -> Value {
    let (collection, slug) = match &node.doc.id {
        DocId::Entry(e) => (Some(e.collection.clone()), e.slug.clone()),
        DocId::Page(s) => (None, s.clone()),
        DocId::Index(c) => (Some(c.clone()), String::new()),
        DocId::Home => (None, String::new()),
    };
    map! {
        "id" => id_string(&node.doc.id),
        "kind" => kind_name(&node.doc.id),
        "collection" => collection,
        "slug" => slug,
        "title" => node.doc.title.clone(),
        "url" => node.url.clone(),
        "permalink" => node.route.permalink(&config.site.base_url),
        "lang" => node.doc.lang.clone(),
        // The words that mark a link to a page in another language than this edition's.
        "lang_note" => (!config.publishes(&node.doc.lang))
            .then(|| config.word_in(&node.doc.lang, "in_this_language")),
    }
}

/// Every version of a page, this one included, in the site's language order: `{ lang,
/// name, url, permalink, locale, current }`. `route` is the page's route in the site's
/// own language; `languages` those it is published in.
pub(crate) fn alternates_value(config: &Config, route: &Route, languages: &[String]) -> Value {
    let base = &config.site.base_url;
    let (own, _) = route.split_edition();
    let versions: Vec<Value> = languages
        .iter()
        .map(|language| {
            let route = own.clone().in_edition(config.edition_of(language));
            map! {
                "lang" => language.clone(),
                "name" => config.word_in(language, "language_name"),
                "url" => route.url(base),
                "permalink" => route.permalink(base),
                "locale" => config.site.locales.get(language).cloned().unwrap_or_else(|| language.clone()),
                "in_this_language" => config.word_in(language, "in_this_language"),
                "current" => *language == config.site.language,
            }
        })
        .collect();
    Value::from(versions)
}

/// The languages a node's page is published in: every language for the home page and
/// collection indexes (an edition makes its own when one has no translation), else the
/// document's versions.
fn node_languages<'a>(config: &'a Config, node: &'a Node) -> &'a [String] {
    match node.doc.id {
        DocId::Home | DocId::Index(_) => &config.site.languages,
        _ => &node.doc.versions,
    }
}

/// Tag values `{ name, slug, url }`.
pub(crate) fn tag_value(config: &Config, name: &str) -> Value {
    let route = Route::tag(name);
    let url = route
        .clone()
        .in_edition(config.edition())
        .url(&config.site.base_url);
    let Route::Tag(slug) = route else {
        unreachable!("Route::tag makes a tag route")
    };
    map! { "name" => name, "slug" => slug, "url" => url }
}

fn base_fields(config: &Config, node: &Node, link: &Value, m: &mut Map) {
    if let Some(src) = link.as_map() {
        for (k, v) in src {
            m.insert(k.clone(), v.clone());
        }
    }
    m.insert("summary".into(), Value::from(node.doc.summary.clone()));
    m.insert(
        "date".into(),
        node.doc
            .date
            .as_ref()
            .map(|d| date_value(d, &config.site.language))
            .unwrap_or_else(Value::none),
    );
    m.insert(
        "updated".into(),
        node.doc
            .updated
            .as_ref()
            .map(|d| date_value(d, &config.site.language))
            .unwrap_or_else(Value::none),
    );
    let tags: Vec<Value> = node.doc.tags.iter().map(|t| tag_value(config, t)).collect();
    m.insert("tags".into(), Value::from(tags));
    // An entry's picture, for cards and the page's header: its first image field.
    let image = node
        .share_picture()
        .map(|p| crate::images::picture_value(p, config))
        .unwrap_or_else(Value::none);
    m.insert("image".into(), image);
}

/// Values for every node: links first, then cards (which contain links).
pub(crate) fn build_views(config: &Config, graph: &Graph) -> Views {
    let links: Vec<Value> = graph
        .nodes
        .par_iter()
        .map(|n| link_value(config, n))
        .collect();
    let (cards, card_reads) = (0..graph.nodes.len())
        .into_par_iter()
        .map(|i| card_value(config, graph, &links, i))
        .unzip();
    Views {
        links,
        cards,
        card_reads,
        share_cards: false,
    }
}

/// Brings `views`, built for an earlier graph of the same documents, up to date with
/// `graph`, where the nodes marked in `nodes_changed` differ and those marked in
/// `referrers_changed` are referred to through other fields than before. Rebuilds the
/// links of changed nodes, then the cards that read a changed node or a changed link,
/// and returns the nodes whose link, and those whose card, is not what it was.
pub(crate) fn refresh(
    config: &Config,
    graph: &Graph,
    views: &mut Views,
    nodes_changed: &[bool],
    referrers_changed: &[bool],
) -> (Vec<DocIndex>, Vec<DocIndex>) {
    let mut links_changed = Vec::new();
    for (i, _) in nodes_changed.iter().enumerate().filter(|(_, c)| **c) {
        let link = link_value(config, &graph.nodes[i]);
        if link != views.links[i] {
            views.links[i] = link;
            links_changed.push(i);
        }
    }
    let mut stale: Vec<bool> = nodes_changed
        .iter()
        .zip(referrers_changed)
        .map(|(a, b)| *a || *b)
        .collect();
    if !links_changed.is_empty() {
        let mut link_changed = vec![false; stale.len()];
        for &j in &links_changed {
            link_changed[j] = true;
        }
        for (i, reads) in views.card_reads.iter().enumerate() {
            if reads.iter().any(|&j| link_changed[j]) {
                stale[i] = true;
            }
        }
    }
    let mut cards_changed = Vec::new();
    for (i, _) in stale.iter().enumerate().filter(|(_, s)| **s) {
        let (card, reads) = card_value(config, graph, &views.links, i);
        views.card_reads[i] = reads;
        if card != views.cards[i] {
            views.cards[i] = card;
            cards_changed.push(i);
        }
    }
    (links_changed, cards_changed)
}

/// Node `i`'s card, and the nodes whose links it shows.
fn card_value(
    config: &Config,
    graph: &Graph,
    links: &[Value],
    i: DocIndex,
) -> (Value, Vec<DocIndex>) {
    let node = &graph.nodes[i];
    let mut m = Map::new();
    base_fields(config, node, &links[i], &mut m);
    let shown = std::cell::RefCell::new(Vec::new());
    m.insert(
        "fields".into(),
        fields_value(config, &node.fields, &|t| {
            shown.borrow_mut().push(t);
            links[t].clone()
        }),
    );
    // `allegations.investigated_by`: the fields through which others refer to it, so
    // templates can pick, say, the bodies that investigate something.
    let referenced_by: Vec<Value> = graph.backlinks[i]
        .iter()
        .filter_map(|g| Some(format!("{}.{}", g.collection.as_ref()?, g.field.as_ref()?)))
        .map(Value::from)
        .collect();
    m.insert("referenced_by".into(), Value::from(referenced_by));
    let mut shown = shown.into_inner();
    shown.sort_unstable();
    shown.dedup();
    (Value::from(m), shown)
}

/// Resolved fields as a map; `target` turns a referenced node into a value.
pub(crate) fn fields_value(
    config: &Config,
    fields: &[(String, Resolved)],
    target: &dyn Fn(DocIndex) -> Value,
) -> Value {
    let mut m = Map::new();
    for (name, value) in fields {
        m.insert(name.clone().into(), resolved_value(config, value, target));
    }
    Value::from(m)
}

fn resolved_value(config: &Config, value: &Resolved, target: &dyn Fn(DocIndex) -> Value) -> Value {
    match value {
        Resolved::Image(picture) => crate::images::picture_value(picture, config),
        Resolved::Text(s) | Resolved::Enum(s) | Resolved::Url(s) => Value::from(s.as_str()),
        Resolved::Html(html) => Value::safe_string(html),
        Resolved::Date(d) => date_value(d, &config.site.language),
        Resolved::Bool(b) => Value::from(*b),
        Resolved::Integer(n) => Value::from(*n),
        Resolved::Strings(v) => Value::from(
            v.iter()
                .map(|s| Value::from(s.as_str()))
                .collect::<Vec<_>>(),
        ),
        Resolved::Ref(r) => ref_value(&config.site.language, r, target),
        Resolved::Refs(list) => Value::from(
            list.iter()
                .map(|r| ref_value(&config.site.language, r, target))
                .collect::<Vec<_>>(),
        ),
        Resolved::Records(records) => Value::from(
            records
                .iter()
                .map(|r| fields_value(config, r, target))
                .collect::<Vec<_>>(),
        ),
    }
}

/// The full view of one node for its own page.
pub(crate) fn page_value(config: &Config, graph: &Graph, views: &Views, i: DocIndex) -> Value {
    let node = &graph.nodes[i];
    let mut m = Map::new();
    base_fields(config, node, &views.links[i], &mut m);
    deps::read(Dep::Node(i));
    let card = |t: DocIndex| {
        deps::read(Dep::Card(t));
        views.cards[t].clone()
    };
    m.insert("fields".into(), fields_value(config, &node.fields, &card));
    m.insert("content".into(), Value::safe_string(&node.content));
    // Made with the node's content, which `Dep::Node` above covers.
    m.insert("excerpt".into(), Value::from(&*node.excerpt));
    m.insert(
        "corrections".into(),
        corrections_of(&config.site.language, node),
    );
    let toc: Vec<Value> = node
        .toc
        .iter()
        .map(|h| map! { "level" => h.level, "id" => h.id.clone(), "title" => h.title.clone() })
        .collect();
    m.insert("toc".into(), Value::from(toc));
    // An entry's page shows the first `pagination.backlinks` of each group, so that it
    // does not grow with the number of entries citing it; the rest are on its
    // connections page.
    let cap = match (&node.doc.id, config.site.pagination.backlinks) {
        (DocId::Entry(_), n) if n > 0 => n,
        _ => usize::MAX,
    };
    let connections_url = node.doc.id.entry().map(|id| {
        Route::Connections(id.clone())
            .in_edition(config.edition())
            .url(&config.site.base_url)
    });
    let backlinks: Vec<Value> = graph.backlinks[i]
        .iter()
        .map(|g| {
            let entries: Vec<Value> = g
                .docs
                .iter()
                .zip(&g.periods)
                .take(cap)
                .map(|(&d, period)| {
                    let r = RefTarget {
                        node: d,
                        qualifiers: period.clone(),
                    };
                    ref_value(&config.site.language, &r, &card)
                })
                .collect();
            map! {
                "label" => g.label.replace("{title}", &node.doc.title),
                "collection" => g.collection.clone(),
                "field" => g.field.clone(),
                "former" => g.former,
                "entries" => entries,
                "count" => g.docs.len(),
                "more_url" => if g.docs.len() > cap { connections_url.clone() } else { None },
            }
        })
        .collect();
    m.insert("backlinks".into(), Value::from(backlinks));
    if let Some(referenced_by) = views.cards[i].get_from_path("referenced_by") {
        m.insert("referenced_by".into(), referenced_by.clone());
    }
    m.insert(
        "source_path".into(),
        Value::from(node.doc.path.to_string_lossy().replace('\\', "/")),
    );
    m.insert(
        "alternates".into(),
        alternates_value(config, &node.route, node_languages(config, node)),
    );
    let schema_type = match &node.doc.id {
        DocId::Entry(id) => config
            .collections
            .iter()
            .find(|c| c.name == id.collection)
            .and_then(|c| c.schema_org.clone())
            .unwrap_or_else(|| "Thing".into()),
        DocId::Index(_) => "CollectionPage".into(),
        DocId::Home | DocId::Page(_) => config.site.schema_org.clone(),
    };
    let share = share_image(
        config,
        views,
        &node.route,
        node.share_picture(),
        &node.doc.title,
    );
    m.insert("share_image".into(), share_value(&share));
    let image = share.as_ref().map(|s| s.url.as_str());
    let json_ld = super::structured::json_ld(config, graph, i, &schema_type, image);
    m.insert("schema_org".into(), Value::from(schema_type));
    m.insert(
        "json_ld".into(),
        Value::safe_string(&super::structured::json_for_html(&json_ld)),
    );
    Value::from(m)
}

/// The picture that stands for a page where it is shared (`og:image`, JSON-LD `image`).
pub(crate) struct ShareImage {
    /// A full URL, as Open Graph wants.
    url: String,
    mime: &'static str,
    alt: String,
}

impl ShareImage {
    /// What templates get: `{ url, type, width, height, alt }`.
    fn value(&self) -> Value {
        map! {
            "url" => self.url.clone(),
            "type" => self.mime,
            "width" => crate::images::SHARE_WIDTH,
            "height" => crate::images::SHARE_HEIGHT,
            "alt" => self.alt.clone(),
        }
    }
}

/// The share image of the page at `route`: the crop of an entry's picture, else the
/// page's share card (the not-found page has the home page's), or none when the theme
/// draws no cards.
pub(crate) fn share_image(
    config: &Config,
    views: &Views,
    route: &Route,
    picture: Option<&crate::images::Picture>,
    title: &str,
) -> Option<ShareImage> {
    let base = &config.site.base_url;
    if let Some(picture) = picture {
        let (crop, _) = crate::images::share_variant(&picture.source, &config.site.images);
        let alt = if picture.decorative {
            title
        } else {
            picture.alt.as_str()
        };
        return Some(ShareImage {
            url: crop.route.permalink(base),
            mime: crop.format.mime(),
            alt: alt.to_string(),
        });
    }
    if !views.share_cards {
        return None;
    }
    let page = match route {
        Route::NotFound => Route::Home,
        other => other.clone(),
    };
    Some(ShareImage {
        url: Route::ShareCard(Box::new(page)).permalink(base),
        mime: "image/png",
        alt: format!("{title} · {}", config.site.title),
    })
}

fn share_value(share: &Option<ShareImage>) -> Value {
    share
        .as_ref()
        .map(ShareImage::value)
        .unwrap_or_else(Value::none)
}

/// A page that has no content file (a collection without `_index.md`, the timeline).
pub(crate) fn synthetic_page(config: &Config, views: &Views, title: &str, route: &Route) -> Value {
    synthetic_page_in(config, views, title, route, &config.site.languages)
}

/// [`synthetic_page`] for a page that exists in `languages` only (a tag's page: each
/// language has its own tags).
pub(crate) fn synthetic_page_in(
    config: &Config,
    views: &Views,
    title: &str,
    route: &Route,
    languages: &[String],
) -> Value {
    let base = &config.site.base_url;
    let route = &route.clone().in_edition(config.edition());
    let share = share_image(config, views, route, None, title);
    let mut json_ld = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": title,
        "url": route.permalink(base),
    });
    if let Some(share) = &share {
        json_ld["image"] = serde_json::json!(share.url);
    }
    map! {
        "share_image" => share_value(&share),
        "id" => "",
        "kind" => "generated",
        "title" => title,
        "summary" => Value::none(),
        "excerpt" => "",
        "url" => route.url(base),
        "permalink" => route.permalink(base),
        "content" => Value::safe_string(""),
        "toc" => Vec::<Value>::new(),
        "backlinks" => Vec::<Value>::new(),
        "fields" => Map::new(),
        "image" => Value::none(),
        "tags" => Vec::<Value>::new(),
        "date" => Value::none(),
        "updated" => Value::none(),
        "schema_org" => "WebPage",
        "alternates" => alternates_value(config, route, languages),
        "json_ld" => Value::safe_string(&super::structured::json_for_html(&json_ld)),
    }
}

fn field_schema(spec: &FieldSpec) -> Value {
    let values: Vec<Value> = match &spec.kind {
        FieldKind::Enum(v) => v.iter().map(|s| Value::from(s.as_str())).collect(),
        _ => Vec::new(),
    };
    let fields: Vec<Value> = match &spec.kind {
        FieldKind::Records(inner) => inner.iter().map(field_schema).collect(),
        _ => Vec::new(),
    };
    map! {
        "name" => spec.name.clone(),
        "label" => spec.label.clone(),
        "type" => spec.kind.type_name(),
        "required" => spec.required,
        "to" => spec.kind.target().map(String::from),
        "values" => values,
        "fields" => fields,
    }
}

/// A node's corrections for templates, oldest first: `[{ date, note, id }]`; `id` is
/// the anchor of the notice on the node's page.
fn corrections_of(language: &str, node: &Node) -> Value {
    Value::from(
        (0..node.doc.corrections.len())
            .map(|n| Value::from(correction_value(language, node, n)))
            .collect::<Vec<_>>(),
    )
}

/// The `n`th correction of `node`: `{ date, note, id }`.
fn correction_value(language: &str, node: &Node, n: usize) -> Map {
    let c = &node.doc.corrections[n];
    let mut m = Map::new();
    m.insert("date".into(), date_value(&c.date, language));
    m.insert("note".into(), Value::from(c.note.as_str()));
    m.insert("id".into(), Value::from(format!("correction-{}", n + 1)));
    m
}

/// Every correction of the site, newest first (then in site order), each with the card
/// of the page it corrects: `[{ date, note, id, entry }]`.
pub(crate) fn corrections_value(config: &Config, graph: &Graph, views: &Views) -> Value {
    Value::from(
        graph
            .corrections()
            .into_iter()
            .map(|(i, n)| {
                let mut m = correction_value(&config.site.language, &graph.nodes[i], n);
                m.insert("entry".into(), views.cards[i].clone());
                Value::from(m)
            })
            .collect::<Vec<_>>(),
    )
}

/// A collection's schema and entries.
pub(crate) fn collection_value(
    config: &Config,
    graph: &Graph,
    views: &Views,
    collection: &Collection,
) -> Value {
    let members = graph
        .collections
        .iter()
        .find(|(name, _)| name == &collection.name)
        .map(|(_, m)| m.as_slice())
        .unwrap_or(&[]);
    let entries: Vec<Value> = members.iter().map(|&i| views.cards[i].clone()).collect();
    let route = Route::CollectionIndex(collection.name.clone()).in_edition(config.edition());
    map! {
        "name" => collection.name.clone(),
        "title" => collection.title.clone(),
        "singular" => collection.singular.clone(),
        "schema_org" => collection.schema_org.clone(),
        "sort" => match collection.sort {
            SortOrder::Title => "title",
            SortOrder::Date => "date",
        },
        "timeline" => collection.timeline,
        "url" => route.url(&config.site.base_url),
        "feed_url" => Route::CollectionFeed(collection.name.clone()).in_edition(config.edition()).url(&config.site.base_url),
        "count" => entries.len(),
        "fields" => collection.fields.iter().map(field_schema).collect::<Vec<_>>(),
        "entries" => entries,
    }
}

/// Every collection's value, in `site.yaml` order.
pub(crate) fn collection_values(config: &Config, graph: &Graph, views: &Views) -> Vec<Value> {
    config
        .collections
        .iter()
        .map(|c| collection_value(config, graph, views, c))
        .collect()
}

/// The `site` value every template sees; `collections` from [`collection_values`].
pub(crate) fn site_value(
    config: &Config,
    graph: &Graph,
    views: &Views,
    collections: &[Value],
) -> Value {
    let collections = collections.to_vec();
    let pages: Vec<Value> = graph
        .nodes
        .iter()
        .enumerate()
        .filter(|(_, n)| matches!(n.doc.id, DocId::Page(_)))
        .map(|(i, _)| views.cards[i].clone())
        .collect();
    let tags: Vec<Value> = graph
        .tags
        .values()
        .map(|t| {
            map! {
                "name" => t.name.clone(),
                "slug" => t.slug.clone(),
                "url" => Route::Tag(t.slug.clone()).in_edition(config.edition()).url(&config.site.base_url),
                "feed_url" => Route::TagFeed(t.slug.clone()).in_edition(config.edition()).url(&config.site.base_url),
                "count" => t.docs.len(),
            }
        })
        .collect();
    let extra = Value::from_serializable(&config.site.extra);
    let base = &config.site.base_url;
    let edition = config.edition();
    let here = |route: Route| route.in_edition(edition).url(base);
    let language = &config.site.language;
    let strings: Map = config
        .words_of(language)
        .into_iter()
        .flatten()
        .map(|(k, v)| (k.clone().into(), Value::from(v.as_str())))
        .collect();
    map! {
        "title" => config.site.title.clone(),
        "description" => config.site.description.clone(),
        "language" => language.clone(),
        "default_language" => config.site.default_language.clone(),
        "locale" => config.site.locales.get(language).cloned().unwrap_or_else(|| language.clone()),
        "languages" => alternates_value(config, &Route::Home, &config.site.languages),
        "strings" => Value::from(strings),
        "base_url" => Route::Home.in_edition(edition).permalink(base),
        "base_path" => base.path(),
        "home_url" => here(Route::Home),
        "timeline_url" => here(Route::Timeline),
        "tags_url" => here(Route::TagIndex),
        "search_url" => here(Route::Search),
        "map_url" => here(Route::Map),
        "feed_url" => here(Route::Feed),
        "corrections_url" => here(Route::Corrections),
        "corrections_feed_url" => here(Route::CorrectionsFeed),
        "collections" => collections,
        "search" => config.site.search,
        "schema_org" => config.site.schema_org.clone(),
        "pages" => pages,
        "tags" => tags,
        "extra" => extra,
        "generator" => concat!("casefile ", env!("CARGO_PKG_VERSION")),
    }
}

/// The timeline: every dated entry, and the same grouped by year.
pub(crate) fn timeline_value(graph: &Graph, views: &Views) -> (Value, Value) {
    timeline_slice(graph, views, 0..graph.timeline.len())
}

/// [`timeline_value`] of the timeline's entries in `range` (one page of it).
pub(crate) fn timeline_slice(
    graph: &Graph,
    views: &Views,
    range: std::ops::Range<usize>,
) -> (Value, Value) {
    let slice = &graph.timeline[range];
    let entries: Vec<Value> = slice.iter().map(|&i| views.cards[i].clone()).collect();
    let mut years: Vec<(i32, Vec<Value>)> = Vec::new();
    for &i in slice {
        let Some(date) = graph.nodes[i].doc.date else {
            continue;
        };
        match years.last_mut() {
            Some((y, list)) if *y == date.year => list.push(views.cards[i].clone()),
            _ => years.push((date.year, vec![views.cards[i].clone()])),
        }
    }
    let years: Vec<Value> = years
        .into_iter()
        .map(|(year, entries)| map! { "year" => year, "entries" => entries })
        .collect();
    (Value::from(entries), Value::from(years))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cards hold these keys, as docs/templates.md lists them; `serve` compares whole
    /// cards, so a key added here needs no other change to stay fresh.
    #[test]
    fn cards_hold_the_documented_keys() {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/serve-site");
        let config = crate::config::test_config(&root);
        let graph = crate::graph_of(&config);
        let views = build_views(&config, &graph);
        for card in &views.cards {
            let mut keys: Vec<String> = card
                .as_map()
                .expect("a card is a map")
                .keys()
                .map(|k| k.to_string())
                .collect();
            keys.sort();
            assert_eq!(
                keys,
                [
                    "collection",
                    "date",
                    "fields",
                    "id",
                    "image",
                    "kind",
                    "lang",
                    "lang_note",
                    "permalink",
                    "referenced_by",
                    "slug",
                    "summary",
                    "tags",
                    "title",
                    "updated",
                    "url"
                ],
            );
        }
    }
}
