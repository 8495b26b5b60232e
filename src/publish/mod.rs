//! Machine-readable companions of the rendered site: sitemap, robots.txt, Atom feed,
//! TimelineJS data and the search index.
//!
//! Runs after rendering and adds files to the in-memory [`Output`]; it never writes to
//! disk (the write stage does) and never changes a rendered page. The search index reads
//! only the graph, so a build makes it *before* rendering ([`search_index`]): its
//! per-document word maps are then freed before the rendered pages pile up.
//!
//! Every text that came from content is escaped for its format: XML text for the feed
//! and sitemap (no raw markup inside CDATA), `\u003c`-escaped JSON for the timeline.

mod search;

use std::fmt::Write;
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::json;

use crate::config::Config;
use crate::model::{DocId, Document, PartialDate};
use crate::render::structured::json_for_html;
use crate::render::Output;
use crate::render::{Aggregate, Dep};
use crate::resolve::{DocIndex, Graph, Node};
use crate::routes::{self, BaseUrl, Route};

/// How many of the most recent entries the Atom feed carries.
pub(crate) const FEED_ENTRIES: usize = 50;

/// The files of the search index, when the site has search.
#[derive(Debug, Default)]
pub(crate) struct SearchIndex {
    files: Vec<(String, Vec<u8>)>,
}

/// Builds the search index from the graph (it needs no rendered page).
pub(crate) fn search_index(config: &Config, graph: &Graph) -> SearchIndex {
    let mut files = Vec::new();
    if config.site.search {
        search::add_search_index(config, graph, &mut files);
    }
    SearchIndex { files }
}

/// What publishing keeps for the next run of the same site: each timeline event as JSON,
/// by the document it was made from, so that after an edit only its events are made
/// again.
#[derive(Debug, Default)]
pub(crate) struct PublishMemo {
    events: std::collections::HashMap<usize, (Arc<Document>, String)>,
}

/// Adds the sitemap, robots.txt, feed, timeline JSON and the search index made
/// beforehand to `output`. `previous` is the graph of the memo's run, if any.
pub(crate) fn publish(
    config: &Config,
    graph: &Graph,
    previous: Option<&Graph>,
    output: &mut Output,
    index: SearchIndex,
    memo: &mut PublishMemo,
) {
    let redirected = redirect_pages(std::iter::once(graph));
    let pages: Vec<String> = output
        .site_pages
        .iter()
        .filter(|p| routes::is_page_file(p) && !redirected.contains(p.as_str()))
        .cloned()
        .collect();
    // A file of the same name in the site's or theme's `static/` wins: an editor who
    // writes their own robots.txt means it.
    // The corrections feed goes with the corrections page: a theme without one has none.
    let has_corrections_page = pages.contains(
        &Route::Corrections
            .in_edition(config.edition())
            .output_file(),
    );
    for file in Generated::ALL {
        // One sitemap and one robots.txt serve every edition: the site's own language's
        // run makes them (with the pages of every language, see [`sitemap_of_editions`]).
        if config.edition.is_some() && matches!(file, Generated::Sitemap | Generated::Robots) {
            continue;
        }
        if file == Generated::Sitemap && config.site.languages.len() > 1 {
            continue;
        }
        if file == Generated::CorrectionsFeed && !has_corrections_page {
            continue;
        }
        let path = file.path(config);
        if !output.contains(&path) && file.may_have_changed(graph, previous, output) {
            let text = match file {
                Generated::Timeline => Some(timeline_json(config, graph, memo)),
                _ => file.text(config, graph, &pages),
            };
            if let Some(text) = text {
                output.files.insert(path, text.into_bytes());
            }
        }
    }
    output.files.extend(index.files);
}

/// A file made from a few parts of the graph (the search index, which reads every
/// document, aside).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Generated {
    /// `sitemap.xml`: every page, with its last change.
    Sitemap,
    /// `robots.txt`: points at the sitemap.
    Robots,
    /// `atom.xml`: the most recent dated entries.
    Atom,
    /// `timeline.json`: every dated entry, for TimelineJS.
    Timeline,
    /// `corrections/atom.xml`: every correction, newest first.
    CorrectionsFeed,
    /// `casefile-published.json`: what this build published, for the next one.
    PublishedRecord,
}

impl Generated {
    /// Every generated file.
    pub(crate) const ALL: [Generated; 6] = [
        Generated::Sitemap,
        Generated::Robots,
        Generated::Atom,
        Generated::Timeline,
        Generated::CorrectionsFeed,
        Generated::PublishedRecord,
    ];

    /// Its route in the edition of `config` (each language has its own feed and
    /// timeline).
    pub(crate) fn route(self, config: &Config) -> Route {
        let route = match self {
            Generated::Sitemap => Route::Sitemap,
            Generated::Robots => Route::Robots,
            Generated::Atom => Route::Feed,
            Generated::Timeline => Route::TimelineData,
            Generated::CorrectionsFeed => Route::CorrectionsFeed,
            Generated::PublishedRecord => Route::PublishedRecord,
        };
        route.in_edition(config.edition())
    }

    /// Its output path.
    pub(crate) fn path(self, config: &Config) -> String {
        self.route(config).output_file()
    }

    /// Whether what the file reads changed in the render of `output` (always, for a
    /// render of every page): the file is made again only then.
    fn may_have_changed(self, graph: &Graph, previous: Option<&Graph>, output: &Output) -> bool {
        let (Some(changed), Some(previous)) = (&output.changed, previous) else {
            return true;
        };
        let node = |i: DocIndex| changed.contains(&Dep::Node(i));
        let timeline = changed.contains(&Dep::Site(Aggregate::Timeline));
        match self {
            Generated::Robots => false,
            // Which pages there are, and when each document last changed.
            Generated::Sitemap => {
                output.pages_changed
                    || graph.nodes.iter().zip(&previous.nodes).any(|(a, b)| {
                        !Arc::ptr_eq(&a.doc, &b.doc)
                            && a.doc.updated.or(a.doc.date) != b.doc.updated.or(b.doc.date)
                    })
            }
            // Any entry can become one of the most recently updated.
            Generated::Atom => {
                timeline
                    || (0..graph.nodes.len())
                        .any(|i| node(i) && graph.nodes[i].doc.id.entry().is_some())
            }
            // The timeline's entries as their cards show them.
            Generated::Timeline => timeline,
            Generated::CorrectionsFeed => changed.contains(&Dep::Site(Aggregate::Corrections)),
            Generated::PublishedRecord => graph
                .nodes
                .iter()
                .zip(&previous.nodes)
                .any(|(a, b)| !Arc::ptr_eq(&a.doc, &b.doc)),
        }
    }

    /// Its text, for a site whose pages are `pages`; `None` for a file the site does
    /// not have (the record, when no collection has the rule that reads it).
    fn text(self, config: &Config, graph: &Graph, pages: &[String]) -> Option<String> {
        Some(match self {
            Generated::Sitemap => sitemap(config, graph, pages),
            Generated::Robots => robots(config),
            Generated::Atom => atom(config, graph),
            Generated::Timeline => timeline_json(config, graph, &mut PublishMemo::default()),
            Generated::CorrectionsFeed => corrections_atom(config, graph),
            Generated::PublishedRecord => return crate::published::record(config, graph),
        })
    }
}

/// Escapes text for XML element content and double-quoted attributes.
pub(crate) fn xml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newline are not allowed in XML 1.0.
            c if c.is_control() && c != '\t' && c != '\n' && c != '\r' => {}
            c => out.push(c),
        }
    }
    out
}

fn sitemap(config: &Config, graph: &Graph, pages: &[String]) -> String {
    let base = &config.site.base_url;
    // `lastmod` says when a page last changed, to the day (the sitemaps.org schema
    // accepts only a full date or date-time): an entry's full `updated` date, and nothing
    // otherwise. An entry's `date` is when its event happened, not when its page changed.
    let mut lastmod_by_path = std::collections::HashMap::new();
    for node in &graph.nodes {
        if let Some(date) = node.doc.updated.filter(PartialDate::is_full) {
            lastmod_by_path.insert(node.route.output_file(), date);
        }
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n");
    for page in pages {
        let site_path = routes::site_path_of_page(page);
        let _ = write!(
            xml,
            "  <url><loc>{}</loc>",
            xml_escape(&base.permalink(site_path))
        );
        if let Some(date) = lastmod_by_path.get(page) {
            let _ = write!(xml, "<lastmod>{date}</lastmod>");
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    xml
}

/// The one sitemap of a site in several languages, made once every edition has
/// rendered: each page with an `xhtml:link` to every version of it (itself included) and
/// `x-default` at the site language's. Versions are the pages at the same path below
/// each language's folder (`people/han-dong/`, `fr/people/han-dong/`).
pub(crate) fn sitemap_of_editions(editions: &[(&Config, &Graph)], output: &mut Output) {
    let Some((config, _)) = editions.first() else {
        return;
    };
    let path = Generated::Sitemap.path(config);
    if output.contains(&path) {
        return;
    }
    let base = &config.site.base_url;
    let languages = &config.site.languages;
    let mut lastmod_by_path = std::collections::HashMap::new();
    for (_, graph) in editions {
        for node in &graph.nodes {
            if let Some(date) = node.doc.updated.filter(PartialDate::is_full) {
                lastmod_by_path.insert(node.route.output_file(), date);
            }
        }
    }
    // Each page's path in the site's own language, and the language it is in.
    let original = |page: &str| -> (String, String) {
        for language in languages.iter().skip(1) {
            let prefix = routes::in_edition_path(Some(language), "");
            if let Some(rest) = page.strip_prefix(&prefix) {
                return (rest.to_string(), language.clone());
            }
        }
        (page.to_string(), config.site.default_language.clone())
    };
    let redirected = redirect_pages(editions.iter().map(|(_, graph)| *graph));
    let pages: Vec<&String> = output
        .site_pages
        .iter()
        .filter(|p| routes::is_page_file(p) && !redirected.contains(p.as_str()))
        .collect();
    let mut versions: std::collections::BTreeMap<String, Vec<(String, String)>> =
        Default::default();
    for page in &pages {
        let (path, language) = original(page);
        versions
            .entry(path)
            .or_default()
            .push((language, page.to_string()));
    }
    // Versions in the site's order of languages, its own first.
    for group in versions.values_mut() {
        group.sort_by_key(|(language, _)| languages.iter().position(|l| l == language));
    }
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n");
    let permalink = |page: &str| xml_escape(&base.permalink(routes::site_path_of_page(page)));
    for page in pages {
        let _ = write!(xml, "  <url><loc>{}</loc>", permalink(page));
        if let Some(date) = lastmod_by_path.get(page.as_str()) {
            let _ = write!(xml, "<lastmod>{date}</lastmod>");
        }
        let group = &versions[&original(page).0];
        if group.len() > 1 {
            for (language, version) in group {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                    xml_escape(language),
                    permalink(version)
                );
            }
            if let Some((_, own)) = group
                .iter()
                .find(|(l, _)| *l == config.site.default_language)
            {
                let _ = write!(
                    xml,
                    "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/>",
                    permalink(own)
                );
            }
        }
        xml.push_str("</url>\n");
    }
    xml.push_str("</urlset>\n");
    output.files.insert(path, xml.into_bytes());
}

/// The output files of the redirect pages of `graphs`: pages, but not the site's own,
/// so the sitemap leaves them out.
fn redirect_pages<'g>(
    graphs: impl Iterator<Item = &'g Graph>,
) -> std::collections::HashSet<String> {
    graphs
        .flat_map(|graph| graph.redirects.iter().map(|r| r.from.output_file()))
        .collect()
}

/// Static hosts that read `_redirects` (Netlify, Cloudflare Pages) answer these
/// addresses with a permanent redirect; others serve the redirect pages.
const REDIRECT_STATUS: u16 = 301;

/// Adds `_redirects` to `output`: a line `old new 301` for each redirect of every
/// edition, after the lines of a `_redirects` the site's `static/` gives (the first
/// rule for an address wins, so the newsroom's own come first). Netlify serves a file
/// that exists at an address before its rules; it then serves the redirect page, which
/// leads to the same place.
pub(crate) fn redirect_rules(editions: &[(&Config, &Graph)], output: &mut Output) {
    let Some((config, _)) = editions.first() else {
        return;
    };
    let path = Route::RedirectRules.output_file();
    let base = &config.site.base_url;
    let mut rules = String::new();
    for (_, graph) in editions {
        for redirect in &graph.redirects {
            let _ = writeln!(
                rules,
                "{} {} {REDIRECT_STATUS}",
                redirect.from.url(base),
                graph.nodes[redirect.to].url
            );
        }
    }
    if rules.is_empty() {
        // An incremental run after the last redirect went: the file goes too, unless
        // the site gives its own.
        if !output.full && !output.contains(&path) {
            output.removed.push(path);
        }
        return;
    }
    let mut text = match output.files.remove(&path) {
        Some(own) => {
            let mut own = String::from_utf8_lossy(&own).into_owned();
            if !own.ends_with('\n') {
                own.push('\n');
            }
            own
        }
        None => String::new(),
    };
    text.push_str("# Old addresses, from `aliases:` in front matter and `redirects:` in site.yaml (written by casefile)\n");
    text.push_str(&rules);
    output.files.insert(path, text.into_bytes());
}

fn robots(config: &Config) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        Route::Sitemap.permalink(&config.site.base_url)
    )
}

/// RFC 3339 timestamp of a full date (the start of its day, UTC).
fn rfc3339(date: &PartialDate) -> String {
    format!(
        "{:04}-{:02}-{:02}T00:00:00Z",
        date.year,
        date.month.unwrap_or(1),
        date.day.unwrap_or(1)
    )
}

/// When an entry's feed item says it was last updated: its `updated` date, else its
/// `date`, whichever is a full date; `None` keeps it out of the feed, since Atom needs a
/// day and a partial date (`2019`, `2023-03`) has none to give without inventing one.
fn feed_date(node: &Node) -> Option<PartialDate> {
    node.doc
        .updated
        .filter(PartialDate::is_full)
        .or(node.doc.date.filter(PartialDate::is_full))
}

/// The entries of the feed: the entries with a full date (those of collections kept off
/// the timeline too: a report is news), most recently updated first (ties in site order),
/// at most [`FEED_ENTRIES`].
fn feed_entries<'g>(config: &Config, graph: &'g Graph) -> Vec<(&'g Node, PartialDate)> {
    let mut entries: Vec<(&Node, PartialDate)> = graph
        .nodes
        .iter()
        .filter(|n| n.doc.id.entry().is_some())
        .filter(|n| config.publishes(&n.doc.lang))
        .filter_map(|n| feed_date(n).map(|d| (n, d)))
        .collect();
    entries.sort_by_key(|e| std::cmp::Reverse(e.1));
    entries.truncate(FEED_ENTRIES);
    entries
}

/// `html` with every root-relative or fragment link made absolute against the page at
/// `page_url`, so that a feed reader that has the entry's content without the feed's
/// address can still follow them.
fn absolute_links(html: &str, base: &BaseUrl, page_url: &str) -> String {
    use lol_html::{element, rewrite_str, RewriteStrSettings};
    let absolute = |value: &str| -> Option<String> {
        if let Some(fragment) = value.strip_prefix('#') {
            Some(format!("{page_url}#{fragment}"))
        } else if value.starts_with('/') && !value.starts_with("//") {
            Some(format!("{}{value}", base.origin()))
        } else {
            None
        }
    };
    let settings =
        RewriteStrSettings::new().append_element_content_handler(element!("[href], [src]", |el| {
            for name in ["href", "src"] {
                if let Some(value) = el.get_attribute(name) {
                    if let Some(new) = absolute(&value) {
                        el.set_attribute(name, &new)?;
                    }
                }
            }
            Ok(())
        }));
    // The content is casefile's own HTML; were it ever unreadable, it stays as it is
    // (the feed's `xml:base` still resolves root-relative links).
    rewrite_str(html, settings).unwrap_or_else(|_| html.to_string())
}

fn atom(config: &Config, graph: &Graph) -> String {
    let base = &config.site.base_url;
    let entries = feed_entries(config, graph);
    let updated = entries.iter().map(|(_, d)| *d).max();
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let edition = config.edition();
    let home = Route::Home.in_edition(edition).permalink(base);
    let _ = write!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\" xml:base=\"{}\">\n  <title>{}</title>\n  <subtitle>{}</subtitle>\n  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n  <author><name>{}</name>{}</author>\n  <generator>casefile</generator>\n",
        xml_escape(&config.site.language),
        xml_escape(&home),
        xml_escape(&config.site.title),
        xml_escape(&config.site.description),
        xml_escape(&Route::Feed.in_edition(edition).permalink(base)),
        xml_escape(&home),
        xml_escape(&home),
        updated.map(|d| rfc3339(&d)).unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        xml_escape(&config.site.publisher.name),
        config
            .site
            .publisher
            .url
            .as_ref()
            .map(|u| format!("<uri>{}</uri>", xml_escape(u)))
            .unwrap_or_default(),
    );
    for (node, updated) in entries {
        let link = node.route.permalink(base);
        let collection = node
            .doc
            .id
            .entry()
            .map(|id| id.collection.as_str())
            .unwrap_or("");
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}</title>\n    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{}</id>\n",
            xml_escape(&node.doc.title),
            xml_escape(&link),
            xml_escape(&link),
        );
        if let Some(published) = node.doc.date.filter(PartialDate::is_full) {
            let _ = writeln!(xml, "    <published>{}</published>", rfc3339(&published));
        }
        let _ = writeln!(
            xml,
            "    <updated>{}</updated>\n    <category term=\"{}\"/>",
            rfc3339(&updated),
            xml_escape(collection),
        );
        if let Some(summary) = &node.doc.summary {
            let _ = writeln!(
                xml,
                "    <summary type=\"text\">{}</summary>",
                xml_escape(summary)
            );
        }
        let _ = writeln!(
            xml,
            "    <content type=\"html\">{}</content>\n  </entry>",
            xml_escape(&absolute_links(&node.content, base, &link))
        );
    }
    xml.push_str("</feed>\n");
    xml
}

/// The corrections feed: one Atom entry per correction, newest first, each linking to
/// the notice on the corrected page.
fn corrections_atom(config: &Config, graph: &Graph) -> String {
    let base = &config.site.base_url;
    let all: Vec<(PartialDate, &Node, usize)> = graph
        .corrections()
        .into_iter()
        .take(FEED_ENTRIES)
        .map(|(i, n)| {
            let node = &graph.nodes[i];
            (node.doc.corrections[n].date, node, n)
        })
        .collect();
    let edition = config.edition();
    let page = Route::Corrections.in_edition(edition).permalink(base);
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = write!(
        xml,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">\n  <title>{} · {}</title>\n  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>\n  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n  <id>{}</id>\n  <updated>{}</updated>\n  <author><name>{}</name></author>\n  <generator>casefile</generator>\n",
        xml_escape(&config.site.language),
        xml_escape(&config.word("corrections")),
        xml_escape(&config.site.title),
        xml_escape(&Route::CorrectionsFeed.in_edition(edition).permalink(base)),
        xml_escape(&page),
        xml_escape(&page),
        all.first()
            .map(|(d, _, _)| rfc3339(d))
            .unwrap_or_else(|| "1970-01-01T00:00:00Z".into()),
        xml_escape(&config.site.publisher.name),
    );
    let correction = config.word("correction");
    for (date, node, n) in all {
        let link = format!("{}#correction-{}", node.route.permalink(base), n + 1);
        let _ = write!(
            xml,
            "  <entry>\n    <title>{}: {}</title>\n    <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{}</id>\n    <updated>{}</updated>\n    <summary type=\"text\">{}</summary>\n  </entry>\n",
            xml_escape(&correction),
            xml_escape(&node.doc.title),
            xml_escape(&link),
            xml_escape(&link),
            rfc3339(&date),
            xml_escape(&node.doc.corrections[n].note),
        );
    }
    xml.push_str("</feed>\n");
    xml
}

fn timeline_json(config: &Config, graph: &Graph, memo: &mut PublishMemo) -> String {
    // Thousands of events: each is made and escaped on its own, in parallel (or taken
    // from the memo when its document is the one it was made from), then put in the
    // frame's empty list. Escaping goes character by character, so the pieces escape as
    // the whole would.
    let address = |doc: &Arc<Document>| Arc::as_ptr(doc) as usize;
    let known = &memo.events;
    let events: Vec<String> = graph
        .timeline
        .par_iter()
        .map(|&i| {
            let node = &graph.nodes[i];
            match known.get(&address(&node.doc)) {
                Some((_, json)) => json.clone(),
                None => json_for_html(&timeline_event(config, node)),
            }
        })
        .collect();
    memo.events = graph
        .timeline
        .iter()
        .zip(&events)
        .map(|(&i, json)| {
            let doc = &graph.nodes[i].doc;
            (address(doc), (Arc::clone(doc), json.clone()))
        })
        .collect();
    let frame = json_for_html(&json!({
        "title": { "text": { "headline": xml_escape(&config.site.title), "text": xml_escape(&config.site.description) } },
        "events": [],
    }));
    // Inside a JSON string every quote is escaped, so only the key itself matches.
    let empty = "\"events\":[]";
    let at = frame
        .find(empty)
        .expect("the frame has an empty event list")
        + empty.len()
        - 1;
    let mut out =
        String::with_capacity(frame.len() + events.iter().map(|e| e.len() + 1).sum::<usize>());
    out.push_str(&frame[..at]);
    out.push_str(&events.join(","));
    out.push_str(&frame[at..]);
    out
}

/// One dated entry as a TimelineJS event.
fn timeline_event(config: &Config, node: &Node) -> serde_json::Value {
    let date = node.doc.date.expect("timeline entries are dated");
    let mut start = serde_json::Map::new();
    start.insert("year".into(), json!(date.year.to_string()));
    if let Some(m) = date.month {
        start.insert("month".into(), json!(m.to_string()));
    }
    if let Some(d) = date.day {
        start.insert("day".into(), json!(d.to_string()));
    }
    let (group, unique_id) = match &node.doc.id {
        DocId::Entry(id) => (
            config
                .collections
                .iter()
                .find(|c| c.name == id.collection)
                .map(|c| xml_escape(&c.title))
                .unwrap_or_default(),
            format!("{}-{}", id.collection, id.slug),
        ),
        _ => (
            String::new(),
            node.route
                .site_path()
                .trim_end_matches('/')
                .replace('/', "-"),
        ),
    };
    let mut text = format!(
        "<p>{}</p>",
        xml_escape(node.doc.summary.as_deref().unwrap_or(""))
    );
    let _ = write!(
        text,
        "<p><a href=\"{}\">{}</a></p>",
        xml_escape(&node.route.permalink(&config.site.base_url)),
        xml_escape(&config.word("read_more")),
    );
    json!({
        "start_date": start,
        "display_date": date.human_in(&config.site.language),
        "text": { "headline": xml_escape(&node.doc.title), "text": text },
        "group": group,
        "unique_id": unique_id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeline_events_made_apart_give_the_whole_document() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let write = |rel: &str, text: &str| {
            let path = root.join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        write(
            "site.yaml",
            "title: 'Site \"events\":[] <b>'\nbase_url: https://example.org/\ncollections:\n  events:\n    title: Events\n    sort: date\n",
        );
        std::fs::create_dir_all(root.join("themes/default")).unwrap();
        write(
            "content/events/a.md",
            "---\ntitle: '\"events\":[] & </script>'\ndate: 2020-02-03\nsummary: \"\\u2028 x\"\n---\nA.\n",
        );
        write(
            "content/events/b.md",
            "---\ntitle: B\ndate: 2019\n---\nB.\n",
        );
        let config = crate::config::test_config(root);
        let graph = crate::graph_of(&config);
        let events: Vec<serde_json::Value> = graph
            .timeline
            .iter()
            .map(|&i| timeline_event(&config, &graph.nodes[i]))
            .collect();
        let whole = json_for_html(&json!({
            "title": { "text": { "headline": xml_escape(&config.site.title), "text": xml_escape(&config.site.description) } },
            "events": events,
        }));
        assert_eq!(
            timeline_json(&config, &graph, &mut PublishMemo::default()),
            whole
        );
        assert!(whole.contains("\\u2028"), "{whole}");
    }

    #[test]
    fn xml_escape_covers_markup_and_quotes() {
        assert_eq!(
            xml_escape("<a href=\"x\">&'</a>]]>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;]]&gt;"
        );
        assert_eq!(xml_escape("bell\u{7}"), "bell");
    }

    #[test]
    fn partial_dates_become_timestamps() {
        assert_eq!(
            rfc3339(&PartialDate::parse("2021-02").unwrap()),
            "2021-02-01T00:00:00Z"
        );
    }
}
