//! The relationship map: an SVG drawn at build time, one column per collection, one link
//! per entry, one curve per reference made through a field. No JavaScript.

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

fn shorten(title: &str) -> String {
    if title.chars().count() <= MAX_LABEL {
        title.to_string()
    } else {
        let cut: String = title.chars().take(MAX_LABEL - 1).collect();
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
    let mut position = vec![None; graph.nodes.len()];
    for (col, (_, members)) in columns.iter().enumerate() {
        let mut sorted: Vec<usize> = members.to_vec();
        sorted.sort_by_key(|&i| graph.nodes[i].doc.title.to_lowercase());
        for (row, &i) in sorted.iter().enumerate() {
            position[i] = Some((col, row));
        }
    }
    let rows = columns.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
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
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" height="{height}" role="group" aria-label="Relationship map: entries by collection, with lines for references between them" font-size="14" font-family="system-ui, sans-serif">"#
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
        let _ = write!(
            svg,
            r#"<a class="node" href="{}"><title>{}</title><rect x="{x}" y="{top}" width="{COLUMN_WIDTH}" height="{NODE_HEIGHT}" rx="5"/><text x="{}" y="{}">{}</text></a>"#,
            html_escape(&node.url),
            html_escape(&node.doc.title),
            x + 8,
            y + 4,
            html_escape(&shorten(&node.doc.title)),
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
