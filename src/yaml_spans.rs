//! Line and column of every key and value in a YAML document.
//!
//! serde_yaml gives positions only for syntax errors; a well-formed but wrong value
//! (an unknown slug, a bad date) needs its own position. This module reads the same text
//! with saphyr-parser's event stream and records where each key and value starts, by path
//! (`responses.0.by`). It also spots duplicate keys, which serde_yaml would report without
//! the line of the second one. It does not interpret values: that is the model's job.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, Span};

use crate::diagnostic::Location;

/// A path into a YAML document: mapping keys and sequence indices.
pub type YamlPath = [PathSegment];

/// One step into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathSegment {
    /// A mapping key.
    Key(String),
    /// A sequence index.
    Index(usize),
}

impl From<&str> for PathSegment {
    fn from(key: &str) -> Self {
        PathSegment::Key(key.to_string())
    }
}

impl From<usize> for PathSegment {
    fn from(index: usize) -> Self {
        PathSegment::Index(index)
    }
}

/// Where a key and its value start.
#[derive(Debug, Clone, Copy, Default)]
struct NodeSpans {
    key: Option<Location>,
    value: Option<Location>,
}

/// Positions of the keys and values of one YAML document.
#[derive(Debug, Default, Clone)]
pub struct SpanIndex {
    nodes: HashMap<Vec<PathSegment>, NodeSpans>,
    duplicates: Vec<(String, Location)>,
}

enum Frame {
    Mapping { key: Option<String> },
    Sequence { next: usize },
}

impl SpanIndex {
    /// Indexes `text`. A document saphyr cannot read gives an empty index: the caller
    /// reports serde_yaml's syntax error instead, so nothing is lost.
    pub fn build(text: &str) -> SpanIndex {
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        let mut path: Vec<PathSegment> = Vec::new();
        let mut seen_keys: Vec<Vec<String>> = Vec::new();
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let Ok((event, span)) = next else {
                return SpanIndex::default();
            };
            match event {
                Event::Scalar(value, ..) => {
                    if let Some(Frame::Mapping { key: key @ None }) = stack.last_mut() {
                        let name = value.to_string();
                        let at = location(&span);
                        if let Some(seen) = seen_keys.last_mut() {
                            if seen.contains(&name) {
                                index.duplicates.push((name.clone(), at));
                            } else {
                                seen.push(name.clone());
                            }
                        }
                        path.push(PathSegment::Key(name.clone()));
                        index.nodes.entry(path.clone()).or_default().key = Some(at);
                        path.pop();
                        *key = Some(name);
                    } else {
                        index.enter_value(&mut stack, &mut path, &span);
                        index.leave_value(&mut stack, &mut path);
                    }
                }
                Event::Alias(_) => {
                    index.enter_value(&mut stack, &mut path, &span);
                    index.leave_value(&mut stack, &mut path);
                }
                Event::MappingStart(..) => {
                    index.enter_value(&mut stack, &mut path, &span);
                    stack.push(Frame::Mapping { key: None });
                    seen_keys.push(Vec::new());
                }
                Event::SequenceStart(..) => {
                    index.enter_value(&mut stack, &mut path, &span);
                    stack.push(Frame::Sequence { next: 0 });
                }
                Event::MappingEnd => {
                    stack.pop();
                    seen_keys.pop();
                    index.leave_value(&mut stack, &mut path);
                }
                Event::SequenceEnd => {
                    stack.pop();
                    index.leave_value(&mut stack, &mut path);
                }
                Event::StreamStart
                | Event::StreamEnd
                | Event::DocumentStart(_)
                | Event::DocumentEnd
                | Event::Nothing => {}
            }
        }
        index
    }

    /// Called when a value (scalar or container) starts: pushes its path segment.
    fn enter_value(&mut self, stack: &mut [Frame], path: &mut Vec<PathSegment>, span: &Span) {
        match stack.last_mut() {
            Some(Frame::Mapping { key }) => {
                // A complex (non-scalar) key is rare in front matter; index it under "?".
                let name = key.clone().unwrap_or_else(|| "?".to_string());
                path.push(PathSegment::Key(name));
            }
            Some(Frame::Sequence { next }) => {
                path.push(PathSegment::Index(*next));
                *next += 1;
            }
            None => {
                // The document root keeps the empty path.
                self.nodes.entry(Vec::new()).or_default().value = Some(location(span));
                return;
            }
        }
        self.nodes.entry(path.clone()).or_default().value = Some(location(span));
    }

    /// Called when a value ends: pops its path segment and readies the mapping for a key.
    fn leave_value(&mut self, stack: &mut [Frame], path: &mut Vec<PathSegment>) {
        match stack.last_mut() {
            Some(Frame::Mapping { key }) => {
                *key = None;
                path.pop();
            }
            Some(Frame::Sequence { .. }) => {
                path.pop();
            }
            None => {}
        }
    }

    /// Moves every position down by `lines`, for YAML that starts below line 1 of its file.
    pub fn shift(&mut self, lines: usize) {
        for node in self.nodes.values_mut() {
            node.key = node.key.map(|l| l.shifted(lines));
            node.value = node.value.map(|l| l.shifted(lines));
        }
        for (_, at) in &mut self.duplicates {
            *at = at.shifted(lines);
        }
    }

    /// Where the key at `path` starts (the last segment must be a key).
    pub fn key(&self, path: &YamlPath) -> Option<Location> {
        self.nodes.get(path).and_then(|n| n.key)
    }

    /// Where the value at `path` starts.
    pub fn value(&self, path: &YamlPath) -> Option<Location> {
        self.nodes.get(path).and_then(|n| n.value)
    }

    /// The value's position, else its key's, else the nearest indexed parent's.
    pub fn best(&self, path: &YamlPath) -> Option<Location> {
        let mut end = path.len();
        loop {
            let prefix = &path[..end];
            if let Some(found) = self.value(prefix).or_else(|| self.key(prefix)) {
                return Some(found);
            }
            if end == 0 {
                return None;
            }
            end -= 1;
        }
    }

    /// Keys written twice in the same mapping, with the position of the repeat.
    pub fn duplicate_keys(&self) -> &[(String, Location)] {
        &self.duplicates
    }
}

fn location(span: &Span) -> Location {
    Location::new(span.start.line(), span.start.col() + 1)
}

/// Builds a path from mixed keys and indices: `path!["responses", 0, "by"]`.
#[macro_export]
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        [$($crate::yaml_spans::PathSegment::from($seg)),*]
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: Han Dong\ntags: [a, b]\nresponses:\n  - by: han-dong\n    stance: denies\n  - by: han-tao\n";

    #[test]
    fn finds_keys_and_values_by_path() {
        let index = SpanIndex::build(DOC);
        assert_eq!(index.key(&yaml_path!["title"]), Some(Location::new(1, 1)));
        assert_eq!(index.value(&yaml_path!["title"]), Some(Location::new(1, 8)));
        assert_eq!(
            index.value(&yaml_path!["tags", 1]),
            Some(Location::new(2, 11))
        );
        assert_eq!(
            index.value(&yaml_path!["responses", 1, "by"]),
            Some(Location::new(6, 9))
        );
        assert_eq!(
            index.key(&yaml_path!["responses", 0, "stance"]),
            Some(Location::new(5, 5))
        );
    }

    #[test]
    fn best_falls_back_to_parent() {
        let index = SpanIndex::build(DOC);
        assert_eq!(
            index.best(&yaml_path!["responses", 0, "missing"]),
            Some(Location::new(4, 5))
        );
    }

    #[test]
    fn reports_duplicate_keys_at_the_repeat() {
        let index = SpanIndex::build("a: 1\nb: 2\na: 3\n");
        assert_eq!(
            index.duplicate_keys(),
            &[("a".to_string(), Location::new(3, 1))]
        );
    }

    #[test]
    fn broken_yaml_gives_empty_index() {
        let index = SpanIndex::build("a: [1, 2\n");
        assert_eq!(index.value(&yaml_path!["a"]), None);
    }
}
