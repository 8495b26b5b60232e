//! The one YAML reader, for `site.yaml` and front matter alike: every limit, every
//! position and every "wrong key or value" message comes from here.
//!
//! A document is read twice, by two parsers with different strengths:
//!
//! - saphyr-parser's event stream gives the line, column and bytes of every key and value
//!   ([`SpanIndex`], by path such as `responses.0.by`), the text of plain scalars as the
//!   editor wrote them (`0x1F`, `1.50`), repeated keys, and where an unclosed list or
//!   quote was opened. The same pass enforces [`MAX_DEPTH`] and [`MAX_VALUES`] (counting
//!   every value an alias repeats, so a "billion laughs" document stops at the alias that
//!   passes the limit).
//! - serde_yaml (the project's YAML crate) builds the value, under the same limits, and
//!   words syntax errors.
//!
//! [`Fields`] then reads a mapping the way both `site.yaml` and front matter need: known
//! keys, required keys, strings, booleans and lists, each wrong one reported as a
//! [`ShapeError`] at its place. This module does not know what any key means: that is
//! the config's and the model's job.

use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::fmt;

use saphyr_parser::{Event, Parser, ScalarStyle};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_yaml::value::{Tag, TaggedValue};
use serde_yaml::{Mapping, Value};
use thiserror::Error;

use crate::diagnostic::{did_you_mean, Location, Place, Span};

/// How deeply lists and mappings may nest in one YAML document.
pub(crate) const MAX_DEPTH: usize = 32;

/// How many values (scalars, lists and mappings, counting every value an alias repeats)
/// one YAML document may hold.
pub(crate) const MAX_VALUES: usize = 100_000;

/// Text values longer than this are refused: a front-matter value is repeated on every
/// page that shows the entry (cards, backlinks), so its size is multiplied.
pub(crate) const MAX_VALUE_BYTES: usize = 64 * 1024;

/// Which document is read, for the words of its messages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    /// `site.yaml`.
    SiteYaml,
    /// The front matter of a content file.
    FrontMatter,
    /// A theme's strings file (`themes/<theme>/strings/<language>.yaml`).
    ThemeStrings,
}

/// A document that passes one of the limits.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub(crate) enum LimitError {
    /// Lists and mappings nested too deeply.
    #[error("YAML values are nested more than {MAX_DEPTH} levels deep")]
    TooDeep,
    /// Too many values written out.
    #[error("the YAML holds more than {MAX_VALUES} values")]
    TooManyValues,
    /// Too many values once aliases are expanded ("billion laughs").
    #[error("the YAML alias `*{0}` expands to more than {MAX_VALUES} values")]
    AliasExpansion(String),
    /// Aliases repeated more than a hundred times per value written, which serde_yaml
    /// refuses to expand.
    #[error("the YAML alias `*{0}` repeats its anchor's values too many times")]
    AliasRepetition(String),
}

impl LimitError {
    fn hint(&self) -> Option<String> {
        match self {
            LimitError::TooDeep => {
                Some("check the indentation: fields hold text, lists and records".into())
            }
            LimitError::TooManyValues => None,
            LimitError::AliasExpansion(name) | LimitError::AliasRepetition(name) => Some(format!(
                "each `*{name}` repeats the whole value anchored as `&{name}`; write the values out instead"
            )),
        }
    }
}

/// The most control characters reported for one document: enough to show where they
/// are without a screenful per pasted binary.
const MAX_REPORTED_CONTROLS: usize = 10;

/// What is wrong with a YAML document as YAML.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum YamlProblem {
    /// Not valid YAML: the parser's words, without their position (reported apart).
    Syntax(String),
    /// An integer that does not fit in 64 bits, as written.
    NumberTooLarge(String),
    /// Passes one of the limits.
    Limit(LimitError),
    /// The same key twice in one mapping.
    DuplicateKey(String),
    /// A character YAML reads as a line break but editors do not show as one.
    HiddenLineBreak(char),
    /// A control character (other than tab and line feed), written or escaped.
    ControlCharacter(char),
    /// A text value longer than [`MAX_VALUE_BYTES`].
    ValueTooLong(usize),
    /// The document is not a mapping of keys to values.
    NotMapping,
}

/// A YAML problem of `site.yaml` or of front matter, worded for that document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct YamlError {
    problem: YamlProblem,
    document: Document,
    hint: Option<String>,
}

impl YamlError {
    fn new(problem: YamlProblem, document: Document) -> Self {
        let hint = match &problem {
            YamlProblem::Limit(limit) => limit.hint(),
            _ => None,
        };
        YamlError {
            problem,
            document,
            hint,
        }
    }

    /// A suggestion for the editor.
    pub(crate) fn hint(&self) -> Option<String> {
        self.hint.clone()
    }
}

impl std::error::Error for YamlError {}

impl fmt::Display for YamlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (inside, subject) = match self.document {
            Document::SiteYaml => ("", "`site.yaml`"),
            Document::FrontMatter => (" in front matter", "front matter"),
            Document::ThemeStrings => (" in the theme's strings", "the strings file"),
        };
        match &self.problem {
            YamlProblem::Syntax(message) => write!(f, "invalid YAML{inside}: {message}"),
            YamlProblem::NumberTooLarge(number) => write!(
                f,
                "invalid YAML{inside}: `{number}` is too large for a number; quote it to keep it as text"
            ),
            YamlProblem::Limit(limit) => write!(f, "{limit}"),
            YamlProblem::DuplicateKey(key) => write!(f, "duplicate key `{key}`{inside}"),
            YamlProblem::HiddenLineBreak(c) => write!(
                f,
                "{subject} contains U+{:04X}, which YAML reads as a line break: remove it, or write it as `\\u{:04X}` in double quotes",
                *c as u32, *c as u32
            ),
            YamlProblem::ControlCharacter(c) => write!(
                f,
                "{subject} contains the control character U+{:04X}{}, which no page can show: remove it",
                *c as u32,
                control_name(*c).map(|n| format!(" ({n})")).unwrap_or_default()
            ),
            YamlProblem::ValueTooLong(len) => write!(
                f,
                "this value is {} long; {} values are limited to {}: put long text in the body",
                kib(*len as u64),
                match self.document {
                    Document::SiteYaml => "`site.yaml`",
                    Document::FrontMatter => "front-matter",
                    Document::ThemeStrings => "strings-file",
                },
                kib(MAX_VALUE_BYTES as u64)
            ),
            YamlProblem::NotMapping => match self.document {
                Document::SiteYaml => write!(f, "`site.yaml` must be a mapping"),
                Document::ThemeStrings => {
                    write!(f, "a strings file must be a mapping of names to text")
                }
                Document::FrontMatter => {
                    write!(f, "front matter must be a mapping of keys to values")
                }
            },
        }
    }
}

/// `65536` -> `64 KiB`.
fn kib(bytes: u64) -> String {
    format!("{} KiB", bytes.div_ceil(1024))
}

/// Where a YAML text sits in its file: the 1-based line and the byte it starts at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The line of the file on which the text starts.
    pub(crate) line: usize,
    /// The byte of the file at which the text starts.
    pub(crate) byte: usize,
}

impl Origin {
    /// A text that is the whole file.
    pub(crate) fn file() -> Self {
        Origin { line: 1, byte: 0 }
    }
}

/// A parsed document: its top-level mapping and where each key and value is.
#[derive(Debug, Clone, Default)]
pub(crate) struct Yaml {
    /// The document's mapping (empty for an empty document).
    pub(crate) root: Mapping,
    /// Positions, by path.
    pub(crate) spans: SpanIndex,
}

/// Reads a YAML document that must be a mapping. Every problem comes with its place in
/// the file; a document with problems yields no value.
pub(crate) fn parse(
    text: &str,
    origin: Origin,
    document: Document,
) -> Result<Yaml, Vec<(YamlError, Option<Place>)>> {
    let error = |problem| YamlError::new(problem, document);
    let locate = Locator::new(text, origin);
    if text.trim().is_empty() {
        return match document {
            Document::FrontMatter | Document::ThemeStrings => Ok(Yaml::default()),
            Document::SiteYaml => Err(vec![(error(YamlProblem::NotMapping), None)]),
        };
    }
    if let Some((offset, c)) = hidden_line_break(text) {
        let span = Span::new(offset, offset + c.len_utf8());
        return Err(vec![(
            error(YamlProblem::HiddenLineBreak(c)),
            Some(locate.bytes(span)),
        )]);
    }
    let controls: Vec<_> = control_characters(text)
        .take(MAX_REPORTED_CONTROLS)
        .map(|(offset, c)| {
            let span = Span::new(offset, offset + c.len_utf8());
            (
                error(YamlProblem::ControlCharacter(c)),
                Some(locate.bytes(span)),
            )
        })
        .collect();
    if !controls.is_empty() {
        return Err(controls);
    }
    let (spans, unclosed) = match SpanIndex::scan(text, &locate) {
        Ok(spans) => (spans, None),
        Err(Scan::Limit(limit, place)) => {
            return Err(vec![(error(YamlProblem::Limit(limit)), Some(place))]);
        }
        // serde_yaml words the syntax error below; the scan only tells where a list or a
        // quote that is never closed was opened.
        Err(Scan::Syntax(opened)) => (SpanIndex::default(), Some(opened)),
    };
    if !spans.escaped_controls.is_empty() {
        return Err(spans
            .escaped_controls
            .iter()
            .map(|&(c, place)| (error(YamlProblem::ControlCharacter(c)), Some(place)))
            .collect());
    }
    if !spans.duplicates.is_empty() {
        return Err(spans
            .duplicates
            .iter()
            .map(|(key, place)| (error(YamlProblem::DuplicateKey(key.clone())), Some(*place)))
            .collect());
    }
    let value = parse_value(text).map_err(|(problem, at)| {
        let at = at.map(|l| Place::at(l.shifted(origin.line - 1)));
        let (at, hint) = match (&problem, unclosed) {
            (YamlProblem::Syntax(_), Some(Some((place, hint)))) => {
                (Some(place), Some(hint.to_string()))
            }
            (YamlProblem::Syntax(_), _) => (at, tab_hint(text, &at, origin)),
            _ => (at, None),
        };
        let mut error = error(problem);
        error.hint = hint.or(error.hint);
        vec![(error, at)]
    })?;
    let mut path = Vec::new();
    if let Some(len) = long_value(&value, &mut path) {
        return Err(vec![(
            error(YamlProblem::ValueTooLong(len)),
            spans.best(&path),
        )]);
    }
    match value {
        Value::Mapping(root) => Ok(Yaml { root, spans }),
        Value::Null if document == Document::FrontMatter => Ok(Yaml {
            root: Mapping::new(),
            spans,
        }),
        _ => {
            let place = match document {
                Document::FrontMatter => Some(Place::at(Location::new(origin.line, 1))),
                Document::SiteYaml | Document::ThemeStrings => None,
            };
            Err(vec![(error(YamlProblem::NotMapping), place)])
        }
    }
}

/// "replace the tab" when the error's line has a tab before its column.
fn tab_hint(text: &str, at: &Option<Place>, origin: Origin) -> Option<String> {
    let at = at.as_ref()?.location;
    let line = text
        .lines()
        .nth((at.line + 1).checked_sub(origin.line)?.checked_sub(1)?)?;
    let upto: String = line.chars().take(at.col).collect();
    upto.contains('\t')
        .then(|| "YAML is indented with spaces: replace the tab with spaces".to_string())
}

/// The first character YAML 1.1 reads as a line break that editors do not show as one
/// (NEL, LINE SEPARATOR, PARAGRAPH SEPARATOR), with its byte offset. Line numbers would
/// disagree between the parser and the editor, so such text is refused.
/// The byte offset and character of each control character of `text` other than tab
/// and line feed: they would reach pages, feeds and the search index, where a NUL or a
/// BEL is invalid and invisible.
pub(crate) fn control_characters(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    text.char_indices()
        .filter(|&(_, c)| c.is_control() && c != '\t' && c != '\n')
}

/// The usual name of a control character, for messages.
pub(crate) fn control_name(c: char) -> Option<&'static str> {
    Some(match c {
        '\0' => "NUL",
        '\u{7}' => "BEL",
        '\u{8}' => "backspace",
        '\u{b}' => "vertical tab",
        '\u{c}' => "form feed",
        '\r' => "carriage return",
        '\u{1b}' => "escape",
        '\u{7f}' => "DEL",
        _ => return None,
    })
}

fn hidden_line_break(text: &str) -> Option<(usize, char)> {
    text.char_indices()
        .find(|(_, c)| matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}'))
}

/// The length of the first text value longer than [`MAX_VALUE_BYTES`], with its
/// path left in `path`.
fn long_value(value: &Value, path: &mut Vec<PathSegment>) -> Option<usize> {
    match value {
        Value::String(s) if s.len() > MAX_VALUE_BYTES => Some(s.len()),
        Value::Sequence(items) => items.iter().enumerate().find_map(|(i, item)| {
            path.push(PathSegment::Index(i));
            let found = long_value(item, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        Value::Mapping(map) => map.iter().find_map(|(k, v)| {
            // (Keys need no check: YAML itself refuses keys over 1024 characters.)
            let key = k.as_str().unwrap_or("?");
            path.push(PathSegment::Key(key.to_string()));
            let found = long_value(v, path);
            if found.is_none() {
                path.pop();
            }
            found
        }),
        Value::Tagged(tagged) => long_value(&tagged.value, path),
        _ => None,
    }
}

/// A path into a YAML document: mapping keys and sequence indices.
pub(crate) type YamlPath = [PathSegment];

/// One step into a YAML document.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum PathSegment {
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

/// `path` with `segment` added.
pub(crate) fn child(path: &YamlPath, segment: impl Into<PathSegment>) -> Vec<PathSegment> {
    let mut out = path.to_vec();
    out.push(segment.into());
    out
}

/// Turns saphyr's positions (characters from the start of the text) into places in the
/// file (lines and bytes from the start of the file).
struct Locator<'t> {
    origin: Origin,
    /// Byte offset of each character, when the text is not ASCII (else they are equal).
    bytes_of_chars: Option<Vec<u32>>,
    text: &'t str,
}

impl<'t> Locator<'t> {
    fn new(text: &'t str, origin: Origin) -> Self {
        let bytes_of_chars =
            (!text.is_ascii()).then(|| text.char_indices().map(|(i, _)| i as u32).collect());
        Locator {
            origin,
            bytes_of_chars,
            text,
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.bytes_of_chars {
            None => char_index.min(self.text.len()),
            Some(offsets) => offsets
                .get(char_index)
                .map_or(self.text.len(), |&b| b as usize),
        }
    }

    /// The place of saphyr's span.
    fn span(&self, span: &saphyr_parser::Span) -> Place {
        let start = span.start;
        Place {
            location: Location::new(start.line() + self.origin.line - 1, start.col() + 1),
            span: Some(
                Span::new(self.byte(start.index()), self.byte(span.end.index()))
                    .shifted(self.origin.byte),
            ),
        }
    }

    /// The place of bytes of the text.
    fn bytes(&self, span: Span) -> Place {
        Place {
            location: Location::of_offset(self.text, span.start).shifted(self.origin.line - 1),
            span: Some(span.shifted(self.origin.byte)),
        }
    }
}

/// Where a key and its value are, and what a plain scalar value says as written.
#[derive(Debug, Clone, Default)]
struct NodeSpans {
    key: Option<Place>,
    value: Option<Place>,
    /// For a mapping: the node of its first key, where "a key is missing" points.
    first_key: Option<NodeId>,
    /// For a plain (unquoted) scalar: its text as written.
    plain: Option<Box<str>>,
}

/// A node of the index: `0` is the document root.
type NodeId = usize;

/// Positions of the keys and values of one YAML document.
///
/// Nodes form a tree keyed by (parent, segment), so every key is stored once however
/// deeply it nests: the index takes memory in proportion to the text, not to its depth.
#[derive(Debug, Clone)]
pub(crate) struct SpanIndex {
    children: HashMap<(NodeId, PathSegment), NodeId>,
    nodes: Vec<NodeSpans>,
    duplicates: Vec<(String, Place)>,
    /// Control characters written as escapes (`"\a"`, `"\x00"`) in a quoted scalar.
    escaped_controls: Vec<(char, Place)>,
}

impl Default for SpanIndex {
    fn default() -> Self {
        SpanIndex {
            children: HashMap::new(),
            nodes: vec![NodeSpans::default()],
            duplicates: Vec::new(),
            escaped_controls: Vec::new(),
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

impl Frame {
    fn node(&self) -> NodeId {
        match self {
            Frame::Mapping { node, .. } | Frame::Sequence { node, .. } => *node,
        }
    }
}

/// Why a scan stopped.
enum Scan {
    /// A limit was passed, here.
    Limit(LimitError, Place),
    /// saphyr cannot read the text; when a list, mapping or quote opened before the error
    /// is still open, where it was opened and what to tell the editor.
    Syntax(Option<(Place, &'static str)>),
}

/// An anchored list or mapping still open: its anchor id, and the values and alias
/// expansions counted before it.
type OpenAnchor = Option<(usize, usize, usize)>;

impl SpanIndex {
    /// Indexes `text`, stopping at the first value that passes [`MAX_DEPTH`] or
    /// [`MAX_VALUES`], or at a syntax error.
    fn scan(text: &str, locate: &Locator<'_>) -> Result<SpanIndex, Scan> {
        let mut index = SpanIndex::default();
        let mut stack: Vec<Frame> = Vec::new();
        // In step with `stack`: where each open container starts, and its anchor.
        let mut opened: Vec<(Place, OpenAnchor)> = Vec::new();
        // Values in each closed anchored node, by anchor id.
        let mut anchor_sizes: HashMap<usize, usize> = HashMap::new();
        let mut values = 0usize;
        // Alias expansions, as serde_yaml counts them (one per alias, plus those inside
        // the anchored node), and where each alias is with the count reached there.
        let mut jumps = 0usize;
        let mut anchor_jumps: HashMap<usize, usize> = HashMap::new();
        let mut aliases: Vec<(usize, saphyr_parser::Span)> = Vec::new();
        let mut events = 0usize;
        let mut parser = Parser::new_from_str(text);
        while let Some(next) = parser.next_event() {
            let (event, span) = match next {
                Ok(next) => next,
                Err(error) => return Err(Scan::Syntax(unclosed(text, locate, &opened, &error))),
            };
            let at = locate.span(&span);
            events += 1;
            if let Event::Alias(anchor) = &event {
                jumps = jumps.saturating_add(1 + anchor_jumps.get(anchor).copied().unwrap_or(0));
                aliases.push((jumps, span));
            }
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
                return Err(Scan::Limit(error, at));
            }
            match event {
                Event::Scalar(value, style, anchor, _) => {
                    if let Some(c) = control_characters(&value).next().map(|(_, c)| c) {
                        if index.escaped_controls.len() < MAX_REPORTED_CONTROLS {
                            index.escaped_controls.push((c, at));
                        }
                    }
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
                            index.nodes[child].key = Some(at);
                            if index.nodes[parent].first_key.is_none() {
                                index.nodes[parent].first_key = Some(child);
                            }
                            if let Some(Frame::Mapping { key, .. }) = stack.last_mut() {
                                *key = Some(child);
                            }
                            continue;
                        }
                    }
                    let node = index.enter_value(&mut stack, at);
                    if style == ScalarStyle::Plain {
                        index.nodes[node].plain = Some(value.into_owned().into_boxed_str());
                    }
                    index.leave_value(&mut stack);
                }
                Event::Alias(_) => {
                    index.enter_value(&mut stack, at);
                    index.leave_value(&mut stack);
                }
                Event::MappingStart(anchor, _) | Event::SequenceStart(anchor, _) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(Scan::Limit(LimitError::TooDeep, at));
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
                    opened.push((at, (anchor > 0).then_some((anchor, values - 1, jumps))));
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    if let Some(frame) = stack.pop() {
                        // The container's bytes run to the end of its closing event.
                        let end = locate.span(&span).span.map(|s| s.end);
                        if let (Some(value), Some(end)) =
                            (&mut index.nodes[frame.node()].value, end)
                        {
                            if let Some(s) = &mut value.span {
                                *s = Span::new(s.start, end);
                            }
                        }
                    }
                    if let Some((_, Some((anchor, before, jumps_before)))) = opened.pop() {
                        anchor_sizes.insert(anchor, values - before);
                        anchor_jumps.insert(anchor, jumps - jumps_before);
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
        // serde_yaml stops expanding aliases past a hundred expansions per event of the
        // document; stop at the alias that passes that point, so it can be named.
        let allowed = events.saturating_mul(100);
        if let Some((_, span)) = aliases.iter().find(|(count, _)| *count > allowed) {
            let name = alias_name(text, span);
            return Err(Scan::Limit(
                LimitError::AliasRepetition(name),
                locate.span(span),
            ));
        }
        Ok(index)
    }

    /// The child of `parent` at `segment`, created if needed.
    fn child(&mut self, parent: NodeId, segment: PathSegment) -> NodeId {
        let next = self.nodes.len();
        let id = *self.children.entry((parent, segment)).or_insert(next);
        if id == next {
            self.nodes.push(NodeSpans::default());
        }
        id
    }

    /// A node no path leads to (the value of a repeated key).
    fn detached(&mut self) -> NodeId {
        self.nodes.push(NodeSpans::default());
        self.nodes.len() - 1
    }

    /// Called when a value (scalar or container) starts: records where, returns its node.
    /// In a mapping that awaits a key, the "value" is a complex key, indexed under `?`.
    fn enter_value(&mut self, stack: &mut [Frame], at: Place) -> NodeId {
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
        self.nodes[node].value = Some(at);
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

    fn node(&self, path: &YamlPath) -> Option<NodeId> {
        let mut node = 0;
        for segment in path {
            node = *self.children.get(&(node, segment.clone()))?;
        }
        Some(node)
    }

    /// Where the key at `path` is (the last segment must be a key).
    pub(crate) fn key(&self, path: &YamlPath) -> Option<Place> {
        self.node(path).and_then(|n| self.nodes[n].key)
    }

    /// Where the value at `path` is.
    pub(crate) fn value(&self, path: &YamlPath) -> Option<Place> {
        self.node(path).and_then(|n| self.nodes[n].value)
    }

    /// The value's place, else its key's, else the nearest indexed parent's.
    pub(crate) fn best(&self, path: &YamlPath) -> Option<Place> {
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

    /// Where a problem with the mapping at `path` as a whole (a key it lacks) is shown:
    /// its first key, else the mapping itself.
    pub(crate) fn mapping(&self, path: &YamlPath) -> Option<Place> {
        let Some(node) = self.node(path) else {
            return self.best(path);
        };
        let Some(mapping) = self.nodes[node].value else {
            return self.best(path);
        };
        let first_key = self.nodes[node].first_key.and_then(|k| self.nodes[k].key);
        // A block mapping starts at its first key: that key is what is shown. A flow
        // mapping (`{ type: enum }`) is shown whole.
        match first_key {
            Some(key) if key.location == mapping.location => Some(key),
            _ => Some(mapping),
        }
    }

    /// The text of the plain (unquoted) scalar at `path`, as written: `0x1F` where the
    /// YAML value is the number 31.
    pub(crate) fn plain_text(&self, path: &YamlPath) -> Option<&str> {
        self.node(path).and_then(|n| self.nodes[n].plain.as_deref())
    }
}

/// Where a list, mapping or quote that saphyr found unclosed was opened, and what to
/// tell the editor; `None` when the error is of another kind.
fn unclosed(
    text: &str,
    locate: &Locator<'_>,
    opened: &[(Place, OpenAnchor)],
    error: &saphyr_parser::ScanError,
) -> Option<(Place, &'static str)> {
    let at = error.marker();
    let byte = locate.byte(at.index());
    // saphyr stops at the opening quote of a quoted scalar it cannot read: one that never
    // ends, or one with a bad escape inside.
    let rest = &text[byte.min(text.len())..];
    if let Some(quote @ ('"' | '\'')) = rest.chars().next() {
        if is_closed(&rest[1..], quote) {
            return None;
        }
        let span = Span::new(byte, byte + quote.len_utf8());
        return Some((
            locate.bytes(span),
            "the text quoted here is not closed with the same quote",
        ));
    }
    // A flow list or mapping still open on a later line than its opening, or at the end.
    let (place, _) = opened.last()?;
    let start = place.span?.start - locate.origin.byte;
    let opening = text[start..].chars().next()?;
    let later = at.line() + locate.origin.line - 1 > place.location.line || byte >= text.len();
    match opening {
        '[' if later => Some((
            *place,
            "the list opened here with `[` is not closed with `]`",
        )),
        '{' if later => Some((
            *place,
            "the mapping opened here with `{` is not closed with `}`",
        )),
        _ => None,
    }
}

/// Whether `rest`, the text after an opening `quote`, closes it: `\"` escapes a double
/// quote, `''` a single one.
fn is_closed(rest: &str, quote: char) -> bool {
    let mut chars = rest.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            ('"', '\\') => {
                chars.next();
            }
            ('\'', '\'') if chars.peek() == Some(&'\'') => {
                chars.next();
            }
            _ if c == quote => return true,
            _ => {}
        }
    }
    false
}

/// The name of the alias written at `span` (`*name`), for messages.
fn alias_name(text: &str, span: &saphyr_parser::Span) -> String {
    text.chars()
        .skip(span.start.index())
        .skip_while(|&c| c == '*')
        .take_while(|c| !c.is_whitespace() && !matches!(c, ',' | ']' | '}'))
        .take(64)
        .collect()
}

/// Parses one YAML document into a value as serde_yaml does, but refuses, as soon as it
/// passes them, documents deeper than [`MAX_DEPTH`] or larger than [`MAX_VALUES`]
/// (aliases counted each time they are expanded), and integers too large for 64 bits.
fn parse_value(text: &str) -> Result<Value, (YamlProblem, Option<Location>)> {
    let budget = Cell::new(MAX_VALUES);
    // What the visitor refused, so the problem is known without reading it back out of
    // serde_yaml's message.
    let refused = RefCell::new(None);
    let result = Bounded {
        budget: &budget,
        depth: 0,
        refused: &refused,
    }
    .deserialize(serde_yaml::Deserializer::from_str(text));
    result.map_err(|e| {
        let at = e.location().map(|l| Location::new(l.line(), l.column()));
        let problem = refused
            .into_inner()
            .unwrap_or_else(|| YamlProblem::Syntax(syntax_message(&e)));
        (problem, at)
    })
}

/// serde_yaml's words for a syntax error, without the position it appends (" at line L
/// column C"), which is reported apart. serde_yaml has no accessor for the words alone.
fn syntax_message(error: &serde_yaml::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Cell<usize>,
    depth: usize,
    refused: &'b RefCell<Option<YamlProblem>>,
}

impl Bounded<'_> {
    fn refuse<E: de::Error>(&self, problem: YamlProblem) -> E {
        let message = match &problem {
            YamlProblem::Limit(limit) => limit.to_string(),
            _ => "refused".to_string(),
        };
        self.refused.borrow_mut().get_or_insert(problem);
        E::custom(message)
    }

    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.budget.get().checked_sub(1) {
            Some(left) => {
                self.budget.set(left);
                Ok(())
            }
            None => Err(self.refuse(YamlProblem::Limit(LimitError::TooManyValues))),
        }
    }

    fn deeper<E: de::Error>(&self) -> Result<Self, E> {
        if self.depth >= MAX_DEPTH {
            return Err(self.refuse(YamlProblem::Limit(LimitError::TooDeep)));
        }
        Ok(Bounded {
            depth: self.depth + 1,
            ..*self
        })
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

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
        Err(self.refuse(YamlProblem::NumberTooLarge(n.to_string())))
    }

    fn visit_u128<E: de::Error>(self, n: u128) -> Result<Value, E> {
        Err(self.refuse(YamlProblem::NumberTooLarge(n.to_string())))
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
                return Err(self.refuse(YamlProblem::DuplicateKey(shown)));
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

/// "a number", "a list": what a YAML value is, for messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "a number",
        Value::Number(_) => "a decimal number",
        Value::String(_) => "text",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

/// A key or value of the wrong shape: the one way `site.yaml` and front matter report
/// them.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ShapeError {
    /// A key that is not allowed here.
    #[error("unknown key `{key}`{}", .of.as_ref().map(|of| format!(" for {of}")).unwrap_or_default())]
    UnknownKey {
        /// The key.
        key: String,
        /// What the mapping is ("an entry of `people`"), when that helps.
        of: Option<String>,
        /// A did-you-mean over the keys allowed.
        hint: Option<String>,
    },
    /// A required key is absent.
    #[error("missing required {noun} `{key}`")]
    Missing {
        /// The key.
        key: String,
        /// "key" in `site.yaml`, "field" in front matter.
        noun: &'static str,
    },
    /// A value of the wrong type.
    #[error("`{key}` must be {expected}{}", .found.map(|f| format!(", found {f}")).unwrap_or_default())]
    WrongType {
        /// The key (`aliases[1]` inside a list).
        key: String,
        /// What it must be.
        expected: String,
        /// What was written, when that helps.
        found: Option<&'static str>,
    },
}

impl ShapeError {
    /// A suggestion for the editor.
    pub(crate) fn hint(&self) -> Option<String> {
        match self {
            ShapeError::UnknownKey { hint, .. } => hint.clone(),
            _ => None,
        }
    }
}

/// A problem found while reading a document, with its place and a suggestion.
#[derive(Debug)]
pub(crate) struct Problem<E> {
    /// What is wrong.
    pub(crate) error: E,
    /// Where.
    pub(crate) place: Option<Place>,
    /// A suggestion for the editor.
    pub(crate) hint: Option<String>,
}

/// Reads the mappings of one document, collecting every [`ShapeError`] with its place,
/// in the order found, among the caller's own problems of type `E`.
pub(crate) struct Fields<'y, E> {
    spans: &'y SpanIndex,
    /// "key" or "field", for missing ones.
    noun: &'static str,
    /// Whether type errors say what was found instead.
    say_found: bool,
    problems: Vec<Problem<E>>,
}

impl<'y, E: From<ShapeError>> Fields<'y, E> {
    /// A reader of the document indexed by `spans`, which calls its keys `noun` ("key"
    /// or "field") and says what a value of the wrong type is when `say_found`.
    pub(crate) fn new(spans: &'y SpanIndex, noun: &'static str, say_found: bool) -> Self {
        Fields {
            spans,
            noun,
            say_found,
            problems: Vec::new(),
        }
    }

    /// The problems found, in the order found.
    pub(crate) fn into_problems(self) -> Vec<Problem<E>> {
        self.problems
    }

    /// Records one of the caller's own problems.
    pub(crate) fn push(&mut self, error: E, place: Option<Place>, hint: Option<String>) {
        self.problems.push(Problem { error, place, hint });
    }

    /// The positions of the document.
    pub(crate) fn spans(&self) -> &'y SpanIndex {
        self.spans
    }

    /// Records `error` about the value at `path` (about its key, for unknown keys).
    pub(crate) fn report(&mut self, path: &YamlPath, error: ShapeError) {
        let place = match &error {
            ShapeError::UnknownKey { .. } => self.spans.key(path).or_else(|| self.spans.best(path)),
            ShapeError::Missing { .. } => self.spans.mapping(path),
            ShapeError::WrongType { .. } => self.spans.best(path),
        };
        let hint = error.hint();
        self.push(error.into(), place, hint);
    }

    /// A wrong type at `path`.
    pub(crate) fn wrong_type(&mut self, path: &YamlPath, key: &str, expected: &str, found: &Value) {
        let found = self.say_found.then(|| kind_of(found));
        self.report(
            path,
            ShapeError::WrongType {
                key: key.to_string(),
                expected: expected.to_string(),
                found,
            },
        );
    }

    /// Reports every key of `map` (at `path`) not in `known`; `of` names the mapping.
    pub(crate) fn unknown_keys(
        &mut self,
        map: &Mapping,
        path: &YamlPath,
        known: &[&str],
        of: Option<&str>,
    ) {
        for k in map.keys() {
            let name = k
                .as_str()
                .map(String::from)
                .unwrap_or_else(|| format!("{k:?}"));
            if !known.contains(&name.as_str()) {
                let hint = did_you_mean(&name, known.iter().copied());
                let path = child(path, name.as_str());
                self.report(
                    &path,
                    ShapeError::UnknownKey {
                        key: name,
                        of: of.map(String::from),
                        hint,
                    },
                );
            }
        }
    }

    /// A missing required key `name` of the mapping at `path`.
    pub(crate) fn missing(&mut self, path: &YamlPath, name: &str) {
        let noun = self.noun;
        self.report(
            path,
            ShapeError::Missing {
                key: name.to_string(),
                noun,
            },
        );
    }

    /// The text at `key` of `map` (at `path`): a string, or a number as the editor wrote
    /// it. Absent or empty (`~`) is `None`, reported when `required`.
    pub(crate) fn string(
        &mut self,
        map: &Mapping,
        path: &YamlPath,
        key: &str,
        required: bool,
        expected: &str,
    ) -> Option<String> {
        let at = child(path, key);
        match map.get(key) {
            None | Some(Value::Null) => {
                if required {
                    self.missing(path, key);
                }
                None
            }
            Some(value) => match self.text(value, &at) {
                Some(text) => Some(text),
                None => {
                    self.wrong_type(&at, key, expected, value);
                    None
                }
            },
        }
    }

    /// The text of a string value, or of a number as written (`1.50`, `0x1F`); `None`
    /// for any other value.
    pub(crate) fn text(&self, value: &Value, path: &YamlPath) -> Option<String> {
        match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(
                self.spans
                    .plain_text(path)
                    .map(String::from)
                    .unwrap_or_else(|| n.to_string()),
            ),
            _ => None,
        }
    }

    /// The boolean at `key` of `map`, if given.
    pub(crate) fn boolean(&mut self, map: &Mapping, path: &YamlPath, key: &str) -> Option<bool> {
        let at = child(path, key);
        match map.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.wrong_type(&at, key, "`true` or `false`", other);
                None
            }
        }
    }

    /// The list of strings at `key` of `map`, empty when absent.
    pub(crate) fn string_list(
        &mut self,
        map: &Mapping,
        path: &YamlPath,
        key: &str,
        expected: &str,
    ) -> Vec<String> {
        let at = child(path, key);
        match map.get(key) {
            None => Vec::new(),
            Some(Value::Sequence(items)) if items.iter().all(|v| v.is_string()) => items
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            Some(other) => {
                self.wrong_type(&at, key, expected, other);
                Vec::new()
            }
        }
    }
}

/// Builds a path from mixed keys and indices: `yaml_path!["responses", 0, "by"]`.
#[cfg(test)]
macro_rules! yaml_path {
    ($($seg:expr),* $(,)?) => {
        vec![$($crate::yaml::PathSegment::from($seg)),*]
    };
}

#[cfg(test)]
// `yaml_path!` builds owned paths; here they are only borrowed.
#[allow(clippy::useless_vec)]
mod tests {
    use super::*;

    const DOC: &str = "title: Han Dong\ntags: [a, b]\nresponses:\n  - by: han-dong\n    stance: denies\n  - by: han-tao\n";

    fn index(text: &str) -> SpanIndex {
        parse(text, Origin::file(), Document::FrontMatter)
            .unwrap()
            .spans
    }

    fn loc(place: Option<Place>) -> Option<Location> {
        place.map(|p| p.location)
    }

    #[test]
    fn finds_keys_and_values_by_path() {
        let index = index(DOC);
        assert_eq!(
            loc(index.key(&yaml_path!["title"])),
            Some(Location::new(1, 1))
        );
        assert_eq!(
            loc(index.value(&yaml_path!["title"])),
            Some(Location::new(1, 8))
        );
        assert_eq!(
            loc(index.value(&yaml_path!["tags", 1])),
            Some(Location::new(2, 11))
        );
        assert_eq!(
            loc(index.value(&yaml_path!["responses", 1, "by"])),
            Some(Location::new(6, 9))
        );
        assert_eq!(
            loc(index.key(&yaml_path!["responses", 0, "stance"])),
            Some(Location::new(5, 5))
        );
    }

    #[test]
    fn places_carry_the_bytes_of_keys_values_and_lists() {
        let text = "a: x\nrole: [a, \"b c\"]\nq: 'é'\n";
        let index = index(text);
        let bytes = |p: Option<Place>| {
            let s = p.unwrap().span.unwrap();
            &text[s.start..s.end]
        };
        assert_eq!(bytes(index.key(&yaml_path!["role"])), "role");
        assert_eq!(bytes(index.value(&yaml_path!["role"])), "[a, \"b c\"]");
        assert_eq!(bytes(index.value(&yaml_path!["role", 1])), "\"b c\"");
        assert_eq!(bytes(index.value(&yaml_path!["q"])), "'é'");
        assert_eq!(bytes(index.mapping(&[])), "a");
        let shifted = parse("b: y\n", Origin { line: 2, byte: 4 }, Document::FrontMatter)
            .unwrap()
            .spans;
        let place = shifted.value(&yaml_path!["b"]).unwrap();
        assert_eq!(place.location, Location::new(2, 4));
        assert_eq!(place.span, Some(Span::new(7, 8)));
    }

    #[test]
    fn plain_scalars_keep_their_text() {
        let index = index("t: 0x1F\nu: 1.50\nv: '1.50'\n");
        assert_eq!(index.plain_text(&yaml_path!["t"]), Some("0x1F"));
        assert_eq!(index.plain_text(&yaml_path!["u"]), Some("1.50"));
        assert_eq!(index.plain_text(&yaml_path!["v"]), None);
    }

    #[test]
    fn best_falls_back_to_parent() {
        let index = index(DOC);
        assert_eq!(
            loc(index.best(&yaml_path!["responses", 0, "missing"])),
            Some(Location::new(4, 5))
        );
    }

    fn problems(text: &str) -> Vec<(String, Option<Location>)> {
        parse(text, Origin { line: 2, byte: 4 }, Document::FrontMatter)
            .unwrap_err()
            .into_iter()
            .map(|(e, at)| (e.to_string(), at.map(|p| p.location)))
            .collect()
    }

    #[test]
    fn reports_duplicate_keys_at_the_repeat() {
        assert_eq!(
            problems("a: 1\nb: 2\na: 3\n"),
            [(
                "duplicate key `a` in front matter".to_string(),
                Some(Location::new(4, 1))
            )]
        );
        // Keys inside a repeated key are not repeats.
        assert_eq!(problems("a: {x: 1}\na: {x: 2}\n").len(), 1);
    }

    #[test]
    fn syntax_errors_point_where_the_list_or_quote_was_opened() {
        let (error, at) = parse(
            "title: [a\n",
            Origin { line: 2, byte: 4 },
            Document::FrontMatter,
        )
        .unwrap_err()
        .remove(0);
        assert!(matches!(error.problem, YamlProblem::Syntax(_)));
        assert_eq!(at.map(|p| p.location), Some(Location::new(2, 8)));
        assert_eq!(
            error.hint().as_deref(),
            Some("the list opened here with `[` is not closed with `]`")
        );
        let (error, at) = parse("a: \"abc\n", Origin::file(), Document::FrontMatter)
            .unwrap_err()
            .remove(0);
        assert_eq!(at.map(|p| p.location), Some(Location::new(1, 4)));
        assert_eq!(
            error.hint().as_deref(),
            Some("the text quoted here is not closed with the same quote")
        );
        let found = problems("a: \"x\\q\"\n");
        assert_eq!(
            found[0].1,
            Some(Location::new(2, 6)),
            "a bad escape stays where it is"
        );
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
        // Four levels are fine; five repeat more than serde_yaml expands.
        assert!(parse(&laughs(4), Origin::file(), Document::FrontMatter).is_ok());
        assert_eq!(
            problems(&laughs(5)),
            [(
                "the YAML alias `*d` repeats its anchor's values too many times".to_string(),
                Some(Location::new(6, 32))
            )]
        );
        let found = problems(&laughs(9));
        assert_eq!(
            found,
            [(
                "the YAML alias `*e` expands to more than 100000 values".to_string(),
                Some(Location::new(7, 8))
            )]
        );
        // serde_yaml on its own refuses it too (before it builds the value).
        assert!(parse_value(&laughs(9)).is_err());
    }

    #[test]
    fn deep_nesting_and_too_many_values_are_refused() {
        let doc = format!("a: {}{}\n", "[".repeat(40), "]".repeat(40));
        assert_eq!(
            problems(&doc),
            [(
                "YAML values are nested more than 32 levels deep".to_string(),
                Some(Location::new(2, 4 + MAX_DEPTH - 1))
            )]
        );
        assert_eq!(
            parse_value(&doc).unwrap_err().0,
            YamlProblem::Limit(LimitError::TooDeep)
        );
        let ok = format!("a: {}{}\n", "[".repeat(20), "]".repeat(20));
        assert!(parse(&ok, Origin::file(), Document::FrontMatter).is_ok());
        let many = format!("a: [{}]\n", vec!["1"; MAX_VALUES + 1].join(","));
        assert_eq!(
            problems(&many)[0].0,
            "the YAML holds more than 100000 values"
        );
    }

    #[test]
    fn parse_value_matches_serde_yaml() {
        let doc = "a: 1\nb: [x, 2.5, true, ~]\nc: {d: !foo bar}\ne: -3\n? [k]\n: v\n";
        let expected: Value = serde_yaml::from_str(doc).unwrap();
        assert_eq!(parse_value(doc).unwrap(), expected);
        assert_eq!(
            problems("a: 99999999999999999999\n")[0].0,
            "invalid YAML in front matter: `99999999999999999999` is too large for a number; quote it to keep it as text"
        );
    }

    #[test]
    fn long_values_and_hidden_line_breaks_are_refused_where_they_are() {
        let long = "x".repeat(MAX_VALUE_BYTES + 1);
        assert_eq!(
            problems(&format!("title: A\ntags: [a, {long}]\n")),
            [(
                "this value is 65 KiB long; front-matter values are limited to 64 KiB: put long text in the body".to_string(),
                Some(Location::new(3, 11))
            )]
        );
        let ok = "x".repeat(MAX_VALUE_BYTES);
        assert!(parse(
            &format!("title: {ok}\n"),
            Origin::file(),
            Document::FrontMatter
        )
        .is_ok());
        assert_eq!(
            problems("title: a\u{2028}b\nrole: \u{85}\n"),
            [(
                "front matter contains U+2028, which YAML reads as a line break: remove it, or write it as `\\u2028` in double quotes".to_string(),
                Some(Location::new(2, 9))
            )]
        );
    }

    #[test]
    fn complex_keys_and_aliases_as_keys_do_not_confuse_the_index() {
        let index = SpanIndex::scan(
            "? [a, b]\n: c\nd: &x e\n*x : f\ng: h\n",
            &Locator::new("? [a, b]\n: c\nd: &x e\n*x : f\ng: h\n", Origin::file()),
        )
        .ok()
        .unwrap();
        assert_eq!(
            loc(index.value(&yaml_path!["g"])),
            Some(Location::new(5, 4))
        );
        assert_eq!(
            loc(index.value(&yaml_path!["d"])),
            Some(Location::new(3, 4))
        );
    }

    #[test]
    fn fields_report_shapes_at_their_places() {
        let yaml = parse(
            "title: 1.50\nrole: [a]\nbogus: 1\nflag: yes please\n",
            Origin::file(),
            Document::FrontMatter,
        )
        .unwrap();
        let mut fields: Fields<ShapeError> = Fields::new(&yaml.spans, "field", true);
        let title = fields.string(&yaml.root, &[], "title", true, "text");
        assert_eq!(title.as_deref(), Some("1.50"), "a number keeps its text");
        assert_eq!(fields.string(&yaml.root, &[], "role", false, "text"), None);
        assert_eq!(fields.string(&yaml.root, &[], "kind", true, "text"), None);
        assert_eq!(fields.boolean(&yaml.root, &[], "flag"), None);
        fields.unknown_keys(&yaml.root, &[], &["title", "role", "flag"], Some("a page"));
        let found: Vec<(String, Option<Location>)> = fields
            .into_problems()
            .into_iter()
            .map(|p| (p.error.to_string(), p.place.map(|p| p.location)))
            .collect();
        assert_eq!(
            found,
            [
                (
                    "`role` must be text, found a list".into(),
                    Some(Location::new(2, 7))
                ),
                (
                    "missing required field `kind`".into(),
                    Some(Location::new(1, 1))
                ),
                (
                    "`flag` must be `true` or `false`, found text".into(),
                    Some(Location::new(4, 7))
                ),
                (
                    "unknown key `bogus` for a page".into(),
                    Some(Location::new(3, 1))
                ),
            ]
        );
    }
}
