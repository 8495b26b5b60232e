//! Line and column of every key and value in a YAML document, and the limits that keep
//! hostile YAML from exhausting memory.
//!
//! serde_yaml gives positions only for syntax errors; a well-formed but wrong value
//! (an unknown slug, a bad date) needs its own position. This module reads the same text
//! with saphyr-parser's event stream and records where each key and value starts, by path
//! (`responses.0.by`). It also spots duplicate keys, which serde_yaml would report without
//! the line of the second one. It does not interpret values: that is the model's job.
//!
//! The same pass enforces [`MAX_DEPTH`] and [`MAX_VALUES`] (counting every value an alias
//! repeats, so a "billion laughs" document stops at the alias that passes the limit), and
//! [`parse_value`] enforces them again while serde_yaml builds the value, so that memory
//! stays bounded even for text the two parsers read differently.

use std::cell::Cell;
use std::collections::{HashMap, HashSet};
use std::fmt;

use saphyr_parser::{Event, Parser, Span};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};
use thiserror::Error;

use crate::diagnostic::Location;

/// How deeply lists and mappings may nest in one YAML document.
pub const MAX_DEPTH: usize = 32;

/// How many values (scalars, lists and mappings, counting every value an alias repeats)
/// one YAML document may hold.
pub const MAX_VALUES: usize = 100_000;

/// A YAML document that passes one of the limits.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum LimitError {
    /// Lists and mappings nested too deeply.
    #[error("YAML values are nested more than {MAX_DEPTH} levels deep")]
    TooDeep,
    /// Too many values written out.
    #[error("the YAML holds more than {MAX_VALUES} values")]
    TooManyValues,
    /// Too many values once aliases are expanded ("billion laughs").
    #[error("the YAML alias `*{0}` expands to more than {MAX_VALUES} values")]
    AliasExpansion(String),
}

impl LimitError {
    /// A suggestion for the editor.
    pub fn hint(&self) -> Option<String> {
        match self {
            LimitError::TooDeep => {
                Some("check the indentation: fields hold text, lists and records".into())
            }
            LimitError::TooManyValues => None,
            LimitError::AliasExpansion(name) => Some(format!(
                "each `*{name}` repeats the whole value anchored as `&{name}`; write the values out instead"
            )),
        }
    }
}

/// A limit passed, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitExceeded {
    /// Which limit.
    pub error: LimitError,
    /// Where the value that passed it starts.
    pub at: Location,
}

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

/// A node of the index: `0` is the document root.
type NodeId = usize;

/// Positions of the keys and values of one YAML document.
///
/// Nodes form a tree keyed by (parent, segment), so every key is stored once however
/// deeply it nests: the index takes memory in proportion to the text, not to its depth.
#[derive(Debug, Clone)]
pub struct SpanIndex {
    children: HashMap<(NodeId, PathSegment), NodeId>,
    spans: Vec<NodeSpans>,
    duplicates: Vec<(String, Location)>,
}

impl Default for SpanIndex {
    fn default() -> Self {
        SpanIndex {
            children: HashMap::new(),
            spans: vec![NodeSpans::default()],
            duplicates: Vec::new(),
        }
    }
}

enum Frame {
    Mapping {
        /// The mapping's own node.
        node: NodeId,
        /// The node of the key just read, while its value is awaited.
        key: Option<NodeId>,
        /// Keys seen so far, for duplicates.
        seen: HashSet<String>,
    },
    Sequence {
        node: NodeId,
        next: usize,
    },
}

/// An anchored list or mapping still open: its anchor id and the values counted before it.
type OpenAnchor = Option<(usize, usize)>;

impl SpanIndex {
    /// Indexes `text`. A document saphyr cannot read gives an empty index: the caller
    /// reports serde_yaml's syntax error instead, so nothing is lost. A document that
    /// passes a limit gives an empty index too; use [`SpanIndex::scan`] to learn why.
    pub fn build(text: &str) -> SpanIndex {
        SpanIndex::scan(text).unwrap_or_default()
    }

    /// Indexes `text`, stopping at the first value that passes [`MAX_DEPTH`] or
    /// [`MAX_VALUES`]. A syntax error gives an empty index (see [`SpanIndex::build`]).
    pub fn scan(text: &str) -> Result<SpanIndex, LimitExceeded> {
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        // In step with `stack`: the anchor of each open container, if it has one.
        let mut open_anchors: Vec<OpenAnchor> = Vec::new();
        // Values in each closed anchored node, by anchor id.
        let mut anchor_sizes: HashMap<usize, usize> = HashMap::new();
        let mut values = 0usize;
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let Ok((event, span)) = next else {
                return Ok(SpanIndex::default());
            };
            let at = location(&span);
            let added = match &event {
                Event::Scalar(..) | Event::MappingStart(..) | Event::SequenceStart(..) => 1,
                // An alias repeats every value of its anchored node.
                Event::Alias(anchor) => anchor_sizes.get(anchor).copied().unwrap_or(1),
                _ => 0,
            };
            values = values.saturating_add(added);
            if values > MAX_VALUES {
                let error = match &event {
                    Event::Alias(_) => LimitError::AliasExpansion(alias_name(text, &span)),
                    _ => LimitError::TooManyValues,
                };
                return Err(LimitExceeded { error, at });
            }
            match event {
                Event::Scalar(value, _, anchor, _) => {
                    if anchor > 0 {
                        anchor_sizes.insert(anchor, 1);
                    }
                    if let Some(Frame::Mapping { node, key, seen }) = stack.last_mut() {
                        if key.is_none() {
                            let (parent, name) = (*node, value.into_owned());
                            let child = if seen.insert(name.clone()) {
                                index.child(parent, PathSegment::Key(name))
                            } else {
                                // A repeat: reported, and indexed apart so that its own
                                // keys are not taken for repeats of the first one's.
                                index.duplicates.push((name, at));
                                index.detached()
                            };
                            index.spans[child].key = Some(at);
                            if let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                                *key = Some(child);
                            }
                            continue;
                        }
                    }
                    index.enter_value(&mut stack, at);
                    index.leave_value(&mut stack);
                }
                Event::Alias(_) => {
                    index.enter_value(&mut stack, at);
                    index.leave_value(&mut stack);
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(LimitExceeded {
                            error: LimitError::TooDeep,
                            at,
                        });
                    }
                    let node = index.enter_value(&mut stack, at);
                    stack.push(if matches!(event, Event::MappingStart(..)) {
                        Frame::Mapping {
                            node,
                            key: None,
                            seen: HashSet::new(),
                        }
                    } else {
                        Frame::Sequence { node, next: 0 }
                    });
                    open_anchors.push((anchor > 0).then_some((anchor, values - 1)));
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if let Some(Some((anchor, before))) = open_anchors.pop() {
                        anchor_sizes.insert(anchor, values - before);
                    }
                    index.leave_value(&mut stack);
                }
                Event::StreamStart
                | Event::StreamEnd
                | Event::DocumentStart(_)
                | Event::DocumentEnd
                | Event::Nothing => {}
            }
        }
        Ok(index)
    }

    /// The child of `parent` at `segment`, created if needed.
    fn child(&mut self, parent: NodeId, segment: PathSegment) -> NodeId {
        let next = self.spans.len();
        let id = *self.children.entry((parent, segment)).or_insert(next);
        if id == next {
            self.spans.push(NodeSpans::default());
        }
        id
    }

    /// A node no path leads to (the value of a repeated key).
    fn detached(&mut self) -> NodeId {
        self.spans.push(NodeSpans::default());
        self.spans.len() - 1
    }

    /// Called when a value (scalar or container) starts: records where, returns its node.
    /// In a mapping that awaits a key, the "value" is a complex key, indexed under `?`.
    fn enter_value(&mut self, stack: &mut [Frame], at: Location) -> NodeId {
        let node = match stack.last_mut() {
            Some(Frame::Mapping { node, key, .. }) => match *key {
                Some(k) => k,
                None => {
                    let parent = *node;
                    self.child(parent, PathSegment::Key("?".into()))
                }
            },
            Some(Frame::Sequence { node, next }) => {
                let i = *next;
                *next += 1;
                let parent = *node;
                self.child(parent, PathSegment::Index(i))
            }
            None => 0,
        };
        self.spans[node].value = Some(at);
        node
    }

    /// Called when a value ends: the enclosing mapping awaits its next key, or, when
    /// what ended was a complex key, that key's value.
    fn leave_value(&mut self, stack: &mut [Frame]) {
        let Some(Frame::Mapping { node, key, .. }) = stack.last_mut() else {
            return;
        };
        if key.is_some() {
            *key = None;
        } else {
            let parent = *node;
            let complex = self.child(parent, PathSegment::Key("?".into()));
            if let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                *key = Some(complex);
            }
        }
    }

    /// Moves every position down by `lines`, for YAML that starts below line 1 of its file.
    pub fn shift(&mut self, lines: usize) {
        for node in &mut self.spans {
            node.key = node.key.map(|l| l.shifted(lines));
            node.value = node.value.map(|l| l.shifted(lines));
        }
        for (_, at) in &mut self.duplicates {
            *at = at.shifted(lines);
        }
    }

    fn node(&self, path: &YamlPath) -> Option<NodeId> {
        let mut node = 0;
        for segment in path {
            node = *self.children.get(&(node, segment.clone()))?;
        }
        Some(node)
    }

    /// Where the key at `path` starts (the last segment must be a key).
    pub fn key(&self, path: &YamlPath) -> Option<Location> {
        self.node(path).and_then(|n| self.spans[n].key)
    }

    /// Where the value at `path` starts.
    pub fn value(&self, path: &YamlPath) -> Option<Location> {
        self.node(path).and_then(|n| self.spans[n].value)
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

/// The name of the alias written at `span` (`*name`), for messages.
fn alias_name(text: &str, span: &Span) -> String {
    let start = span.start.index();
    let name: String = text
        .chars()
        .skip(start)
        .skip_while(|&c| c == '*')
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .take(64)
        .collect();
    name
}

/// The first character YAML 1.1 reads as a line break that editors do not show as one
/// (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR), with its byte offset. Line numbers would
/// disagree between the parser and the editor, so callers refuse such text.
pub fn hidden_line_break(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
}

/// Parses one YAML document into a value as serde_yaml does, but refuses, as soon as it
/// passes them, documents deeper than [`MAX_DEPTH`] or larger than [`MAX_VALUES`]
/// (aliases counted each time they are expanded), and integers too large for 64 bits.
pub fn parse_value(text: &str) -> Result<Value, serde_yaml::Error> {
    let budget = Cell::new(MAX_VALUES);
    Bounded {
        budget: &budget,
        depth: 0,
    }
    .deserialize(serde_yaml::Deserializer::from_str(text))
}

/// serde_yaml's message for `error`, without the position (reported apart) and, for the
/// limits, without the path serde_yaml puts in front.
pub fn describe(error: &serde_yaml::Error) -> String {
    let text = error.to_string();
    let text = match text.find(" at line ") {
        Some(i) => &text[..i],
        None => &text,
    };
    let limits = [
        LimitError::TooDeep.to_string(),
        LimitError::TooManyValues.to_string(),
    ];
    for limit in &limits {
        if let Some(i) = text.find(limit.as_str()) {
            return text[i..].to_string();
        }
    }
    if text.contains("repetition limit exceeded") {
        return format!("YAML aliases expand to more than {MAX_VALUES} values");
    }
    if text.contains("recursion limit exceeded") {
        return LimitError::TooDeep.to_string();
    }
    if let Some(i) = text.find(NUMBER_TOO_LARGE) {
        // "path: `123...` is too large ..." -> "`123...` is too large ..."
        if let Some(start) = text[..i].rfind(": `") {
            return text[start + 2..].to_string();
        }
    }
    text.to_string()
}

#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Cell<usize>,
    depth: usize,
}

impl Bounded<'_> {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(E::custom(LimitError::TooManyValues)),
        }
    }

    fn deeper<E: de::Error>(&self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(E::custom(LimitError::TooDeep));
        }
        Ok(Bounded {
            budget: self.budget,
            depth: self.depth + 1,
        })
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The message for an integer that does not fit in 64 bits.
pub const NUMBER_TOO_LARGE: &str = "is too large for a number; quote it to keep it as text";

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E: de::Error>(self, b: bool) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Bool(b))
    }

    fn visit_i64<E: de::Error>(self, n: i64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E: de::Error>(self, n: u64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(n.into()))
    }

    fn visit_i128<E: de::Error>(self, n: i128) -> Result<Value, E> {
        Err(E::custom(format!("`{n}` {NUMBER_TOO_LARGE}")))
    }

    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Value, E> {
        Err(E::custom(format!("`{n}` {NUMBER_TOO_LARGE}")))
    }

    fn visit_f64<E: de::Error>(self, n: f64) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Number(n.into()))
    }

    fn visit_str<E: de::Error>(self, s: &str) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(s.to_owned()))
    }

    fn visit_string<E: de::Error>(self, s: String) -> Result<Value, E> {
        self.take()?;
        Ok(Value::String(s))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.take()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.take()?;
        let inner = self.deeper()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(inner)? {
            items.push(item);
        }
        Ok(Value::Sequence(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.take()?;
        let inner = self.deeper()?;
        let mut mapping = Mapping::new();
        while let Some(key) = map.next_key_seed(inner)? {
            if mapping.contains_key(&key) {
                let shown = match &key {
                    Value::String(s) => s.clone(),
                    other => serde_yaml::to_string(other)
                        .map(|s| s.trim_end().to_string())
                        .unwrap_or_default(),
                };
                return Err(de::Error::custom(format_args!(
                    "duplicate entry with key \"{shown}\""
                )));
            }
            let value = map.next_value_seed(inner)?;
            mapping.insert(key, value);
        }
        Ok(Value::Mapping(mapping))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        use serde::de::VariantAccess;
        let (tag, contents): (String, _) = data.variant()?;
        let value = contents.newtype_variant_seed(self)?;
        if tag.is_empty() {
            return Ok(value);
        }
        Ok(Value::Tagged(Box::new(TaggedValue {
            tag: Tag::new(tag),
            value,
        })))
    }
}

/// Builds a path from mixed keys and indices: `path!["responses", 0, "by"]`.
#[macro_export]
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::yaml_spans::PathSegment::from($seg)),*]
    };
}

#[cfg(test)]
// `yaml_path!` builds the owned paths that callers keep; here they are only borrowed.
#[allow(clippy::useless_vec)]
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
    fn keys_inside_a_repeated_key_are_not_repeats() {
        let index = SpanIndex::build("a: {x: 1}\na: {x: 2}\n");
        assert_eq!(
            index.duplicate_keys(),
            &[("a".to_string(), Location::new(2, 1))]
        );
        assert_eq!(
            index.value(&yaml_path!["a", "x"]),
            Some(Location::new(1, 8))
        );
    }

    #[test]
    fn broken_yaml_gives_empty_index() {
        let index = SpanIndex::build("a: [1, 2\n");
        assert_eq!(index.value(&yaml_path!["a"]), None);
    }

    fn laughs(levels: usize) -> String {
        let mut doc = String::from("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for level in 1..levels {
            let (this, prev) = (
                (b'a' + level as u8) as char,
                (b'a' + level as u8 - 1) as char,
            );
            let items = vec![format!("*{prev}"); 9].join(", ");
            doc.push_str(&format!("{this}: &{this} [{items}]\n"));
        }
        doc
    }

    #[test]
    fn billion_laughs_stop_at_the_alias_that_passes_the_limit() {
        // Levels a to e hold 74732 values; the first `*e` of level f passes 100000.
        assert!(SpanIndex::scan(&laughs(5)).is_ok());
        let err = SpanIndex::scan(&laughs(9)).unwrap_err();
        assert_eq!(err.error, LimitError::AliasExpansion("e".into()));
        assert_eq!(err.at, Location::new(6, 8));
        let err = parse_value(&laughs(9)).unwrap_err();
        assert_eq!(
            describe(&err),
            "YAML aliases expand to more than 100000 values"
        );
    }

    #[test]
    fn one_wide_anchor_repeated_is_stopped_too() {
        let wide = vec!["x"; 1000].join(",");
        let aliases = vec!["*a"; 1000].join(",");
        let doc = format!("a: &a [{wide}]\nb: [{aliases}]\n");
        let err = SpanIndex::scan(&doc).unwrap_err();
        assert_eq!(err.error, LimitError::AliasExpansion("a".into()));
        assert_eq!(err.at.line, 2);
        assert!(parse_value(&doc).is_err());
    }

    #[test]
    fn deep_nesting_is_refused_where_it_passes_the_limit() {
        let doc = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
        let err = SpanIndex::scan(&doc).unwrap_err();
        assert_eq!(err.error, LimitError::TooDeep);
        assert_eq!(err.at, Location::new(1, 4 + MAX_DEPTH - 1));
        let err = parse_value(&doc).unwrap_err();
        assert_eq!(
            describe(&err),
            "YAML values are nested more than 32 levels deep"
        );
        assert_eq!(err.location().map(|l| l.line()), Some(1));
        let ok = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
        assert!(SpanIndex::scan(&ok).is_ok());
        assert!(parse_value(&ok).is_ok());
    }

    #[test]
    fn too_many_values_are_refused() {
        let doc = format!("a: [{}]\n", vec!["1"; MAX_VALUES + 1].join(","));
        assert_eq!(
            SpanIndex::scan(&doc).unwrap_err().error,
            LimitError::TooManyValues
        );
        assert!(parse_value(&doc).is_err());
    }

    #[test]
    fn parse_value_matches_serde_yaml() {
        let doc = "a: 1\nb: [x, 2.5, true, ~]\nc: {d: !foo bar}\ne: -3\n? [k]\n: v\n";
        let expected: Value = serde_yaml::from_str(doc).unwrap();
        assert_eq!(parse_value(doc).unwrap(), expected);
        let err = parse_value("a: 99999999999999999999\n").unwrap_err();
        assert_eq!(
            describe(&err),
            format!("`99999999999999999999` {NUMBER_TOO_LARGE}")
        );
        let err = parse_value("a: 1\na: 2\n").unwrap_err();
        assert!(
            err.to_string().contains("duplicate entry with key \"a\""),
            "{err}"
        );
    }

    #[test]
    fn complex_keys_and_aliases_as_keys_do_not_confuse_the_index() {
        let index = SpanIndex::build("? [a, b]\n: c\nd: &x e\n*x : f\ng: h\n");
        assert_eq!(index.value(&yaml_path!["g"]), Some(Location::new(5, 4)));
        assert_eq!(index.value(&yaml_path!["d"]), Some(Location::new(3, 4)));
    }
}
