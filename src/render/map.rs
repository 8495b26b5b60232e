//! Relationship maps, SVG drawn at build time with no JavaScript:
//!
//! - [`relationship_map`], the site's: one column per collection, one link per entry,
//!   one curve per reference made through a field. A column holds at most
//!   [`MAX_PER_COLUMN`] entries, so the map stays one screen per collection at any size:
//!   past that, the most connected entries are drawn, each with its number of
//!   connections, and a last box links the collection's index for the rest.
//! - [`entry_map`], an entry's: the entry and its direct neighbours, those that refer to
//!   it on the left and those it refers to on the right, in groups by collection and
//!   field. A group draws at most [`ENTRY_MAP_GROUP`] entries and counts the rest, so a
//!   hub's map is as small as anyone's. It is [`ENTRY_MAP_WIDTH`] wide, readable on a
//!   phone without zooming; a shortened name keeps the whole one as its link's name
//!   (the link's `<title>`, as on the site's map).

use std::fmt::Write;

use super::html_escape;
use crate::config::Config;
use crate::resolve::Graph;

const COLUMN_WIDTH: usize = 200;
const COLUMN_GAP: usize = 70;
const ROW_HEIGHT: usize = 34;
const NODE_HEIGHT: usize = 26;
const TOP: usize = 44;
const MAX_LABEL: usize = 26;
/// Entries drawn per column at most.
pub(super) const MAX_PER_COLUMN: usize = 24;

fn shorten(title: &str) -> String {
    shorten_by(title, 0)
}

/// `title` shortened to fit a box that also holds `reserved` more characters.
fn shorten_by(title: &str, reserved: usize) -> String {
    let room = MAX_LABEL - reserved;
    if title.chars().count() <= room {
        title.to_string()
    } else {
        let cut: String = title.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The word that counts `n` connections in `language`: French, unlike English, counts
/// none in the singular ("0 lien", "0 connections").
fn connection_word(language: &str, n: usize) -> &'static str {
    let primary = language.split('-').next().unwrap_or_default();
    if n == 1 || (n == 0 && primary == "fr") {
        "map_connection"
    } else {
        "map_connections"
    }
}

/// The map as an `<svg>` element, or an empty string for a site without entries.
pub(super) fn relationship_map(config: &Config, graph: &Graph) -> String {
    let columns: Vec<(&str, &[usize])> = config
        .collections
        .iter()
        .filter_map(|c| {
            let members = graph
                .collections
                .iter()
                .find(|(n, _)| n == &c.name)?
                .1
                .as_slice();
            (!members.is_empty()).then_some((c.title.as_str(), members))
        })
        .collect();
    if columns.is_empty() {
        return String::new();
    }
    let mut edges: Vec<(usize, usize)> = Vec::new();
    for (to, groups) in graph.backlinks.iter().enumerate() {
        for group in groups.iter().filter(|g| g.field.is_some()) {
            for &from in &group.docs {
                // A reference each way between two entries is one line on the map.
                edges.push((from.min(to), from.max(to)));
            }
        }
    }
    edges.sort_unstable();
    edges.dedup();
    let mut degree = vec![0usize; graph.nodes.len()];
    for &(a, b) in &edges {
        degree[a] += 1;
        degree[b] += 1;
    }
    let mut position = vec![None; graph.nodes.len()];
    // Per column, the entries left out and the row of the box that links to them.
    let mut more: Vec<Option<(usize, usize, String)>> = Vec::new();
    for (col, (_, members)) in columns.iter().enumerate() {
        let mut shown: Vec<usize> = members.to_vec();
        let cut = shown.len() > MAX_PER_COLUMN;
        if cut {
            shown.sort_by_key(|&i| (std::cmp::Reverse(degree[i]), i));
            shown.truncate(MAX_PER_COLUMN - 1);
        }
        shown.sort_by_key(|&i| graph.nodes[i].doc.title.to_lowercase());
        for (row, &i) in shown.iter().enumerate() {
            position[i] = Some((col, row));
        }
        more.push(cut.then(|| {
            let collection = graph.nodes[members[0]]
                .doc
                .id
                .entry()
                .map(|id| id.collection.clone())
                .unwrap_or_default();
            (
                shown.len(),
                members.len() - shown.len(),
                crate::routes::Route::CollectionIndex(collection)
                    .in_edition(config.edition())
                    .url(&config.site.base_url),
            )
        }));
    }
    let truncated: Vec<bool> = more.iter().map(Option::is_some).collect();
    let rows = columns
        .iter()
        .map(|(_, m)| m.len().min(MAX_PER_COLUMN))
        .max()
        .unwrap_or(0);
    let width = columns.len() * (COLUMN_WIDTH + COLUMN_GAP) - COLUMN_GAP + 20;
    let height = TOP + rows * ROW_HEIGHT + 10;
    let centre = |col: usize, row: usize| {
        (
            10 + col * (COLUMN_WIDTH + COLUMN_GAP),
            TOP + row * ROW_HEIGHT + NODE_HEIGHT / 2,
        )
    };

    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-label="{}" font-size="14" font-family="system-ui, sans-serif">"#,
        html_escape(&config.word("map_label")),
    );
    for (col, (title, _)) in columns.iter().enumerate() {
        let (x, _) = centre(col, 0);
        let _ = write!(
            svg,
            r#"<text class="column-title" x="{x}" y="24">{}</text>"#,
            html_escape(title)
        );
    }
    svg.push_str(r#"<g class="edges" aria-hidden="true">"#);
    for (from, to) in edges {
        let (Some((c1, r1)), Some((c2, r2))) = (position[from], position[to]) else {
            continue;
        };
        if c1 == c2 {
            continue;
        }
        let ((a, b), (ra, rb)) = if c1 < c2 {
            ((c1, c2), (r1, r2))
        } else {
            ((c2, c1), (r2, r1))
        };
        let (x1, y1) = centre(a, ra);
        let (x2, y2) = centre(b, rb);
        let (x1, x2) = (x1 + COLUMN_WIDTH, x2);
        let mid = (x1 + x2) / 2;
        let _ = write!(
            svg,
            r#"<path class="edge" d="M{x1} {y1} C{mid} {y1} {mid} {y2} {x2} {y2}" fill="none"/>"#
        );
    }
    svg.push_str("</g>");
    for (i, pos) in position.iter().enumerate() {
        let Some((col, row)) = *pos else { continue };
        let node = &graph.nodes[i];
        let (x, y) = centre(col, row);
        let top = y - NODE_HEIGHT / 2;
        // In a column cut short, each box says how connected its entry is: why it is drawn.
        let (title, label) = if truncated[col] {
            let n = degree[i];
            let key = connection_word(&config.site.language, n);
            let count = config.word(key).replace("{count}", &n.to_string());
            (
                format!("{} ({count})", node.doc.title),
                format!("{} ({n})", shorten_by(&node.doc.title, 6)),
            )
        } else {
            (node.doc.title.clone(), shorten(&node.doc.title))
        };
        let _ = write!(
            svg,
            r#"<a class="node" href="{}"><title>{}</title><rect x="{x}" y="{top}" width="{COLUMN_WIDTH}" height="{NODE_HEIGHT}" rx="5"/><text x="{}" y="{}">{}</text></a>"#,
            html_escape(&node.url),
            html_escape(&title),
            x + 8,
            y + 4,
            html_escape(&label),
        );
    }
    for (col, more) in more.iter().enumerate() {
        let Some((row, count, url)) = more else {
            continue;
        };
        let (x, y) = centre(col, *row);
        let top = y - NODE_HEIGHT / 2;
        let label = config
            .word("map_more")
            .replace("{count}", &count.to_string());
        let _ = write!(
            svg,
            r#"<a class="node more" href="{}"><title>{} {label}: {}</title><rect x="{x}" y="{top}" width="{COLUMN_WIDTH}" height="{NODE_HEIGHT}" rx="5"/><text x="{}" y="{}">{label} →</text></a>"#,
            html_escape(url),
            html_escape(columns[col].0),
            html_escape(&config.word("map_full_list")),
            x + 8,
            y + 4,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// Width of an entry's map: a phone's screen, less its margins.
pub(super) const ENTRY_MAP_WIDTH: usize = 320;
/// Entries drawn per group of an entry's map at most.
pub(super) const ENTRY_MAP_GROUP: usize = 5;
const ENTRY_COLUMN: usize = 146;
const ENTRY_LABEL: usize = 18;
const ENTRY_ROW: usize = 30;
const ENTRY_NODE: usize = 24;
const ENTRY_GROUP_GAP: usize = 10;

/// One group of an entry's neighbours: a heading, the entries drawn, how many in all,
/// and where the whole group is listed when it is not all drawn.
pub(super) struct NeighbourGroup {
    /// `Allegations about Han Dong`, `Member of`.
    pub label: String,
    /// In the group's order.
    pub docs: Vec<crate::resolve::DocIndex>,
    /// Where every one is listed, when some are not drawn.
    pub more_url: Option<String>,
}

/// Entry `i`'s neighbours: who refers to it (its backlink groups, with `more_url` for a
/// group its page also shows only in part), then what it refers to (each ref field by
/// label, then the links of its text).
pub(super) fn neighbours(
    config: &Config,
    graph: &Graph,
    i: usize,
    connections_url: Option<&str>,
) -> (Vec<NeighbourGroup>, Vec<NeighbourGroup>) {
    use crate::resolve::Resolved;
    let node = &graph.nodes[i];
    let title = &node.doc.title;
    let incoming = graph.backlinks[i]
        .iter()
        .map(|g| NeighbourGroup {
            label: g.label.replace("{title}", title),
            docs: g.docs.iter().copied().filter(|&d| d != i).collect(),
            more_url: connections_url.map(String::from),
        })
        .filter(|g| !g.docs.is_empty())
        .collect();
    let schema = node
        .doc
        .id
        .entry()
        .and_then(|id| config.collections.iter().find(|c| c.name == id.collection));
    let mut outgoing: Vec<NeighbourGroup> = Vec::new();
    let mut by_fields: Vec<usize> = Vec::new();
    fn refs(value: &Resolved, out: &mut Vec<usize>) {
        match value {
            Resolved::Ref(t) => out.push(t.node),
            Resolved::Refs(ts) => out.extend(ts.iter().map(|t| t.node)),
            Resolved::Records(records) => {
                for record in records {
                    for (_, v) in record {
                        refs(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    for (name, value) in node.fields.iter() {
        let mut docs = Vec::new();
        refs(value, &mut docs);
        docs.retain(|&d| d != i);
        let mut seen = std::collections::HashSet::new();
        docs.retain(|d| seen.insert(*d));
        if docs.is_empty() {
            continue;
        }
        by_fields.extend(&docs);
        let label = schema
            .and_then(|c| c.field(name))
            .map(|f| f.label.clone())
            .unwrap_or_else(|| name.clone());
        outgoing.push(NeighbourGroup {
            label,
            docs,
            more_url: None,
        });
    }
    let mut mentioned: Vec<usize> = graph
        .targets_of(i)
        .filter(|d| !by_fields.contains(d))
        .collect();
    let mut seen = std::collections::HashSet::new();
    mentioned.retain(|d| seen.insert(*d));
    if !mentioned.is_empty() {
        outgoing.push(NeighbourGroup {
            label: config.word("map_mentions"),
            docs: mentioned,
            more_url: None,
        });
    }
    (incoming, outgoing)
}

/// `title` in at most `room` characters, ending in `…` when cut.
fn cut_to(title: &str, room: usize) -> String {
    if title.chars().count() <= room {
        title.to_string()
    } else {
        let cut: String = title.chars().take(room - 1).collect();
        format!("{}…", cut.trim_end())
    }
}

/// The most characters of a group's heading drawn in a column (smaller and bolder than a
/// title: "Published by Glo… (3)" fits at the theme's font, one more did not).
const GROUP_HEADING: usize = ENTRY_LABEL + 3;

/// A group's heading as drawn: its label, cut to leave room for its count, which is
/// always shown whole.
fn group_heading(label: &str, count: usize) -> String {
    let count = format!(" ({count})");
    let room = GROUP_HEADING.saturating_sub(count.chars().count()).max(4);
    format!("{}{count}", cut_to(label, room))
}

/// Entry `i`'s map, with the neighbours it draws (for the page's recorded reads); an
/// empty string for an entry with no neighbours.
pub(super) fn entry_map(
    config: &Config,
    graph: &Graph,
    i: usize,
    incoming: &[NeighbourGroup],
    outgoing: &[NeighbourGroup],
) -> (String, Vec<usize>) {
    if incoming.is_empty() && outgoing.is_empty() {
        return (String::new(), Vec::new());
    }
    let node = &graph.nodes[i];
    let mut drawn = Vec::new();
    let mut body = String::new();
    // The entry itself, at the top in the middle.
    let centre_x = ENTRY_MAP_WIDTH / 2;
    let entry_width = ENTRY_MAP_WIDTH - 2 * 60;
    let entry_x = centre_x - entry_width / 2;
    let _ = write!(
        body,
        r#"<g class="node current"><title>{}</title><rect x="{entry_x}" y="4" width="{entry_width}" height="{ENTRY_NODE}" rx="5"/><text x="{centre_x}" y="21" text-anchor="middle" font-weight="700">{}</text></g>"#,
        html_escape(&node.doc.title),
        html_escape(&cut_to(&node.doc.title, ENTRY_LABEL + 6)),
    );
    let start_y = 4 + ENTRY_NODE;
    let mut edges = String::new();
    let mut bottom = start_y;
    for (side, groups) in [(0usize, incoming), (1, outgoing)] {
        let x = if side == 0 {
            0
        } else {
            ENTRY_MAP_WIDTH - ENTRY_COLUMN
        };
        let mut y = start_y + 26;
        for group in groups {
            let count = group.docs.len();
            let heading = format!("{} ({count})", group.label);
            let _ = write!(
                body,
                r#"<text class="group-title" x="{}" y="{}" font-size="11"><title>{}</title>{}</text>"#,
                x + 2,
                y + 12,
                html_escape(&heading),
                html_escape(&group_heading(&group.label, count)),
            );
            y += 18;
            let shown = if count > ENTRY_MAP_GROUP {
                ENTRY_MAP_GROUP - 1
            } else {
                count
            };
            for &d in &group.docs[..shown] {
                let target = &graph.nodes[d];
                drawn.push(d);
                let _ = write!(
                    body,
                    r#"<a class="node" href="{}"><title>{}</title><rect x="{x}" y="{y}" width="{ENTRY_COLUMN}" height="{ENTRY_NODE}" rx="5"/><text x="{}" y="{}">{}</text></a>"#,
                    html_escape(&target.url),
                    html_escape(&target.doc.title),
                    x + 7,
                    y + 16,
                    html_escape(&cut_to(&target.doc.title, ENTRY_LABEL)),
                );
                edges.push_str(&entry_edge(side, centre_x, start_y, x, y));
                y += ENTRY_ROW;
            }
            if shown < count {
                let label = config
                    .word("map_more")
                    .replace("{count}", &(count - shown).to_string());
                let full = format!("{}: {}", group.label, config.word("map_full_list"));
                let text = format!(
                    r#"<rect x="{x}" y="{y}" width="{ENTRY_COLUMN}" height="{ENTRY_NODE}" rx="5"/><text x="{}" y="{}">{}</text>"#,
                    x + 7,
                    y + 16,
                    html_escape(&cut_to(&label, ENTRY_LABEL)),
                );
                match &group.more_url {
                    Some(url) => {
                        let _ = write!(
                            body,
                            r#"<a class="node more" href="{}"><title>{} {}</title>{text}</a>"#,
                            html_escape(url),
                            html_escape(&label),
                            html_escape(&full),
                        );
                    }
                    None => {
                        let _ = write!(body, r#"<g class="node more">{text}</g>"#);
                    }
                }
                edges.push_str(&entry_edge(side, centre_x, start_y, x, y));
                y += ENTRY_ROW;
            }
            y += ENTRY_GROUP_GAP;
        }
        bottom = bottom.max(y);
    }
    let height = bottom + 4;
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="entry-map" viewBox="0 0 {ENTRY_MAP_WIDTH} {height}" width="{ENTRY_MAP_WIDTH}" height="{height}" role="group" aria-label="{}" font-size="13" font-family="system-ui, sans-serif">"#,
        html_escape(
            &config
                .word("entry_map_label")
                .replace("{title}", &node.doc.title)
        ),
    );
    let _ = write!(svg, r#"<g class="edges" aria-hidden="true">{edges}</g>"#);
    svg.push_str(&body);
    svg.push_str("</svg>");
    drawn.sort_unstable();
    drawn.dedup();
    (svg, drawn)
}

/// The curve from the entry's box down to a neighbour's box on `side` (0 left, 1 right).
fn entry_edge(side: usize, centre_x: usize, start_y: usize, x: usize, y: usize) -> String {
    // Down the gap between the columns, then across to the box.
    let gap = (ENTRY_MAP_WIDTH - 2 * ENTRY_COLUMN) / 4;
    let (to_x, from_x) = if side == 0 {
        (x + ENTRY_COLUMN, centre_x - gap)
    } else {
        (x, centre_x + gap)
    };
    let to_y = y + ENTRY_NODE / 2;
    format!(
        r#"<path class="edge" d="M{from_x} {start_y} C{from_x} {to_y} {from_x} {to_y} {to_x} {to_y}" fill="none"/>"#
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_are_counted_in_the_singular_as_each_language_does() {
        assert_eq!(connection_word("en", 1), "map_connection");
        assert_eq!(connection_word("en", 0), "map_connections");
        assert_eq!(connection_word("en", 2), "map_connections");
        assert_eq!(connection_word("fr-CA", 0), "map_connection");
        assert_eq!(connection_word("fr", 2), "map_connections");
        assert_eq!(connection_word("frr", 0), "map_connections");
        let config = crate::config::test_config(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/bilingual"),
        );
        assert_eq!(config.word_in("fr", "map_connections"), "{count} liens");
        assert_eq!(config.word_in("en", "map_connection"), "{count} connection");
    }

    #[test]
    fn long_titles_are_shortened() {
        assert_eq!(shorten("Short"), "Short");
        let long = shorten("National Security and Intelligence Committee of Parliamentarians");
        assert!(long.ends_with('…'));
        assert!(long.chars().count() <= MAX_LABEL);
    }

    #[test]
    fn a_group_heading_cut_to_fit_keeps_its_count() {
        assert_eq!(group_heading("Members", 3), "Members (3)");
        let cut = group_heading("Bodies reporting to Bernard Rioux", 1204);
        assert!(cut.ends_with("… (1204)"), "{cut}");
        assert!(cut.chars().count() <= GROUP_HEADING, "{cut}");
        assert!(group_heading("Long label of a group", 7).ends_with("… (7)"));
    }
}
