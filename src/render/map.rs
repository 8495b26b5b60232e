//! The relationship map: an SVG drawn at build time, one column per collection, one link
//! per entry, one curve per reference made through a field. No JavaScript.
//!
//! A column holds at most [`MAX_PER_COLUMN`] entries, so the map stays one screen per
//! collection at any size: past that, the most connected entries are drawn, each with
//! its number of connections, and a last box links the collection's index for the rest.

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
            let word = if n == 1 { "connection" } else { "connections" };
            (
                format!("{} ({n} {word})", node.doc.title),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_titles_are_shortened() {
        assert_eq!(shorten("Short"), "Short");
        let long = shorten("National Security and Intelligence Committee of Parliamentarians");
        assert!(long.ends_with('…'));
        assert!(long.chars().count() <= MAX_LABEL);
    }
}
