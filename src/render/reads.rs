//! Which parts of the site a template can read, worked out from its source: the lists of
//! entries it may show (`collection.entries`, `site.collections[..].entries`,
//! `site.pages`, `site.tags`, the timeline, the map, a tag's entries).
//!
//! The renderer records, for each page, what its context and template functions handed
//! out; a handed-out value such as `site` holds every entry of every collection, but a
//! page whose templates only read `site.collections[..].title` does not depend on those
//! entries. tera keeps its parsed templates to itself, so this module reads the template
//! text: it follows `for` and `set` bindings and `include`s, and treats anything it
//! cannot follow as reading everything below it (a value given to a filter, a component
//! or an unknown tag), so that it may say a page reads more than it does, never less.
//! It knows nothing of pages or values; [`super`] records the handouts.

use std::collections::{BTreeMap, HashMap, HashSet};

/// A list of entries that a page can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Aggregate {
    /// Any collection's entries (or counts) through `site.collections`.
    SiteCollections,
    /// The standalone pages through `site.pages`.
    SitePages,
    /// The tag list and counts through `site.tags`.
    SiteTags,
    /// The entries (or count) of the page's own `collection`.
    CollectionEntries,
    /// `timeline` or `timeline_years`.
    Timeline,
    /// `relationship_map`.
    Map,
    /// The entries (or count) of a tag page's `tag`.
    TagEntries,
    /// Every correction of the site, through `corrections`.
    Corrections,
    /// An entry's own map, `entry_map` (its neighbours: what refers to it, what it
    /// refers to).
    EntryMap,
    /// A listing page's `paginator`: the entries of its page, and how many pages the
    /// listing it pages (a collection's, a tag's, the timeline) has.
    Paginator,
}

impl Aggregate {
    /// Every aggregate.
    pub(crate) const ALL: [Aggregate; 10] = [
        Aggregate::SiteCollections,
        Aggregate::SitePages,
        Aggregate::SiteTags,
        Aggregate::CollectionEntries,
        Aggregate::Timeline,
        Aggregate::Map,
        Aggregate::TagEntries,
        Aggregate::Corrections,
        Aggregate::EntryMap,
        Aggregate::Paginator,
    ];

    /// The access paths that reach it (`*` for any key or index).
    fn paths(self) -> &'static [&'static [&'static str]] {
        match self {
            Aggregate::SiteCollections => &[
                &["site", "collections", "*", "entries"],
                &["site", "collections", "*", "count"],
            ],
            Aggregate::SitePages => &[&["site", "pages"]],
            Aggregate::SiteTags => &[&["site", "tags"]],
            Aggregate::CollectionEntries => &[&["collection", "entries"], &["collection", "count"]],
            Aggregate::Timeline => &[&["timeline"], &["timeline_years"]],
            Aggregate::Map => &[&["relationship_map"]],
            Aggregate::TagEntries => &[&["tag", "entries"], &["tag", "count"]],
            Aggregate::Corrections => &[&["corrections"]],
            Aggregate::EntryMap => &[&["entry_map"]],
            Aggregate::Paginator => &[&["paginator"]],
        }
    }
}

/// A step of an access path: a key, or any key or index.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Step {
    Key(String),
    Any,
}

type AccessPath = Vec<Step>;

/// How a path is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Read {
    /// The value and everything below it.
    Whole,
    /// Only that it exists, or how long it is (`is defined`, `| length`, a loop's source).
    Shallow,
}

/// The aggregates a template (with its parents, includes and the components it may call)
/// can read.
pub(crate) type Reads = Vec<Aggregate>;

/// Works out, for each template of a set, the aggregates it can read.
pub(crate) struct ReadsOf<'t> {
    sources: &'t BTreeMap<String, String>,
    /// What component bodies read of the context: any template may call any component.
    components: HashSet<(AccessPath, Read)>,
    cache: HashMap<String, Reads>,
}

impl<'t> ReadsOf<'t> {
    /// An analysis of the templates `sources` (name to text).
    pub(crate) fn new(sources: &'t BTreeMap<String, String>) -> Self {
        let mut components = HashSet::new();
        for text in sources.values() {
            let mut walker = Walker::new(sources);
            walker.components_only = true;
            walker.walk(text, &mut Vec::new());
            components.extend(walker.component_reads);
        }
        ReadsOf {
            sources,
            components,
            cache: HashMap::new(),
        }
    }

    /// The aggregates the template `name` can read.
    pub(crate) fn of(&mut self, name: &str) -> Reads {
        if let Some(found) = self.cache.get(name) {
            return found.clone();
        }
        let mut all: HashSet<(AccessPath, Read)> = self.components.clone();
        let mut seen = HashSet::new();
        let mut next = Some(name.to_string());
        while let Some(current) = next.take() {
            if !seen.insert(current.clone()) {
                break;
            }
            let Some(text) = self.sources.get(&current) else {
                break;
            };
            let mut walker = Walker::new(self.sources);
            walker.walk(text, &mut Vec::new());
            all.extend(walker.reads);
            next = walker.extends;
        }
        let reads: Reads = Aggregate::ALL
            .into_iter()
            .filter(|a| all.iter().any(|(path, read)| reaches(path, *read, *a)))
            .collect();
        self.cache.insert(name.to_string(), reads.clone());
        reads
    }
}

/// Whether reading `path` this way reads aggregate `a`.
fn reaches(path: &AccessPath, read: Read, a: Aggregate) -> bool {
    a.paths().iter().any(|target| {
        let common = path.len().min(target.len());
        let agree = path[..common]
            .iter()
            .zip(&target[..common])
            .all(|(step, key)| match step {
                Step::Any => true,
                Step::Key(k) => *key == "*" || k == key,
            });
        // A whole read of a value reads what is below it; any read of what is below an
        // aggregate reads the aggregate.
        agree && (path.len() >= target.len() || read == Read::Whole)
    })
}

/// What a name stands for inside a template.
#[derive(Debug, Clone)]
enum Binding {
    /// A part of the context: reads through it are reads of this path.
    Path(AccessPath),
    /// A value whose reads are already counted where it came from (a filter's result,
    /// a function's, a component's parameter).
    Counted,
}

/// One scope of local names.
type Scope = HashMap<String, Binding>;

/// Names that are never context values.
const KEYWORDS: [&str; 14] = [
    "and", "or", "not", "in", "is", "if", "else", "true", "false", "none", "True", "False", "None",
    "loop",
];

struct Walker<'t> {
    sources: &'t BTreeMap<String, String>,
    reads: HashSet<(AccessPath, Read)>,
    component_reads: HashSet<(AccessPath, Read)>,
    extends: Option<String>,
    /// Whether only component definitions are walked (the rest is skipped).
    components_only: bool,
    in_component: usize,
    includes: Vec<String>,
}

impl<'t> Walker<'t> {
    fn new(sources: &'t BTreeMap<String, String>) -> Self {
        Walker {
            sources,
            reads: HashSet::new(),
            component_reads: HashSet::new(),
            extends: None,
            components_only: false,
            in_component: 0,
            includes: Vec::new(),
        }
    }

    fn record(&mut self, path: AccessPath, read: Read) {
        if self.in_component > 0 {
            self.component_reads.insert((path, read));
        } else if !self.components_only {
            self.reads.insert((path, read));
        }
    }

    /// Walks one template's text with `scopes` (innermost last).
    fn walk(&mut self, text: &str, scopes: &mut Vec<Scope>) {
        scopes.push(Scope::new());
        for tag in tags(text) {
            let tokens = tokenize(tag.inner);
            match tag.kind {
                TagKind::Expression => {
                    if self.in_component > 0 || !self.components_only {
                        self.expression(&tokens, scopes);
                    }
                }
                TagKind::Statement => self.statement(&tokens, scopes),
            }
        }
        scopes.pop();
    }

    fn statement(&mut self, tokens: &[Token], scopes: &mut Vec<Scope>) {
        let Some(Token::Ident(first)) = tokens.first() else {
            // A component call in block form (`{% <name ...> %}`), or something unknown.
            self.expression(tokens, scopes);
            return;
        };
        let rest = &tokens[1..];
        let walking = self.in_component > 0 || !self.components_only;
        match first.as_str() {
            "component" => {
                self.in_component += 1;
                let mut scope = Scope::new();
                for token in rest {
                    if let Token::Ident(name) = token {
                        scope.insert(name.clone(), Binding::Counted);
                    }
                }
                scopes.push(scope);
            }
            "endcomponent" => {
                self.in_component = self.in_component.saturating_sub(1);
                scopes.pop();
            }
            _ if !walking => {}
            "extends" => {
                if let Some(Token::Str(name)) = rest.first() {
                    self.extends = Some(name.clone());
                }
            }
            "include" => {
                for token in rest {
                    if let Token::Str(name) = token {
                        if self.includes.contains(name) {
                            continue;
                        }
                        if let Some(text) = self.sources.get(name) {
                            self.includes.push(name.clone());
                            self.walk(text, scopes);
                            self.includes.pop();
                        }
                    }
                }
            }
            "for" => {
                let Some(at) = rest.iter().position(|t| *t == Token::Ident("in".into())) else {
                    self.expression(rest, scopes);
                    scopes.push(Scope::new());
                    return;
                };
                let names: Vec<String> = rest[..at]
                    .iter()
                    .filter_map(|t| match t {
                        Token::Ident(n) => Some(n.clone()),
                        _ => None,
                    })
                    .collect();
                let source = &rest[at + 1..];
                let bound = self.loop_source(source, scopes, names.len() > 1);
                let mut scope = Scope::new();
                let value = names.last().cloned();
                for name in &names {
                    scope.insert(name.clone(), Binding::Counted);
                }
                if let (Some(value), Some(path)) = (value, bound) {
                    scope.insert(value, Binding::Path(path));
                }
                scopes.push(scope);
            }
            "endfor" => {
                scopes.pop();
            }
            "set" | "set_global" => {
                let Some(Token::Ident(name)) = rest.first() else {
                    return;
                };
                let value = rest
                    .iter()
                    .position(|t| *t == Token::Punct("="))
                    .map(|i| &rest[i + 1..])
                    .unwrap_or(&[]);
                let binding = match pure_path(value) {
                    Some(path) => match self.resolve(&path, scopes) {
                        Some(path) => Binding::Path(path),
                        None => Binding::Counted,
                    },
                    None => {
                        self.expression(value, scopes);
                        Binding::Counted
                    }
                };
                let scope = if first == "set_global" {
                    scopes.first_mut()
                } else {
                    scopes.last_mut()
                };
                if let Some(scope) = scope {
                    scope.insert(name.clone(), binding);
                }
            }
            "block" | "endblock" | "else" | "endif" | "endfilter" | "break" | "continue"
            | "raw" | "endraw" => {}
            _ => self.expression(rest, scopes),
        }
    }

    /// Records the read of a loop's source and returns what its items are, when that is
    /// a path of the context.
    fn loop_source(
        &mut self,
        tokens: &[Token],
        scopes: &[Scope],
        pairs: bool,
    ) -> Option<AccessPath> {
        match pure_path(tokens) {
            Some(path) => {
                let path = self.resolve(&path, scopes)?;
                // Iterating a map yields its keys too: the whole of it.
                let read = if pairs { Read::Whole } else { Read::Shallow };
                self.record(path.clone(), read);
                let mut item = path;
                item.push(Step::Any);
                Some(item)
            }
            None => {
                self.expression(tokens, scopes);
                None
            }
        }
    }

    /// The context path `path` stands for, through the local bindings; `None` when it
    /// goes through a value already counted.
    fn resolve(&self, path: &[PathPart], scopes: &[Scope]) -> Option<AccessPath> {
        let (PathPart::Name(root), rest) = path.split_first()? else {
            return None;
        };
        let mut out = match scopes.iter().rev().find_map(|s| s.get(root)) {
            Some(Binding::Path(p)) => p.clone(),
            Some(Binding::Counted) => return None,
            None => vec![Step::Key(root.clone())],
        };
        for part in rest {
            out.push(match part {
                PathPart::Name(n) => Step::Key(n.clone()),
                PathPart::Any => Step::Any,
            });
        }
        Some(out)
    }

    /// Records every path read by an expression.
    fn expression(&mut self, tokens: &[Token], scopes: &[Scope]) {
        let mut i = 0;
        while i < tokens.len() {
            let Token::Ident(name) = &tokens[i] else {
                i += 1;
                continue;
            };
            let before = i.checked_sub(1).map(|b| &tokens[b]);
            let after_dot = matches!(before, Some(Token::Punct("." | "?.")));
            let after_pipe_or_is = matches!(before, Some(Token::Punct("|")))
                || matches!(before, Some(Token::Ident(k)) if k == "is");
            let is_call = matches!(tokens.get(i + 1), Some(Token::Punct("(")));
            let is_argument_name = matches!(tokens.get(i + 1), Some(Token::Punct("=")));
            if after_dot
                || after_pipe_or_is
                || is_call
                || is_argument_name
                || KEYWORDS.contains(&name.as_str())
            {
                i += 1;
                continue;
            }
            if name == "__tera_context" {
                // The whole context, dumped.
                for root in [
                    "site",
                    "page",
                    "collection",
                    "tag",
                    "timeline",
                    "timeline_years",
                    "relationship_map",
                    "entry_map",
                    "corrections",
                    "paginator",
                ] {
                    self.record(vec![Step::Key(root.into())], Read::Whole);
                }
                i += 1;
                continue;
            }
            let (path, end) = path_at(tokens, i);
            // What is inside brackets is an expression of its own.
            self.expression(&subscripts(tokens, i, end), scopes);
            let read = match (tokens.get(end), tokens.get(end + 1), tokens.get(end + 2)) {
                (Some(Token::Punct("|")), Some(Token::Ident(f)), _) if f == "length" => {
                    Read::Shallow
                }
                (Some(Token::Ident(is)), Some(Token::Ident(t)), _)
                    if is == "is" && matches!(t.as_str(), "defined" | "undefined" | "none") =>
                {
                    Read::Shallow
                }
                (Some(Token::Ident(is)), Some(Token::Ident(not)), Some(Token::Ident(t)))
                    if is == "is"
                        && not == "not"
                        && matches!(t.as_str(), "defined" | "undefined" | "none") =>
                {
                    Read::Shallow
                }
                _ => Read::Whole,
            };
            if let Some(path) = self.resolve(&path, scopes) {
                self.record(path, read);
            }
            i = end;
        }
    }
}

/// A part of a path as written.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PathPart {
    Name(String),
    /// `[...]`: any key or index.
    Any,
}

/// The path starting with the name at `start`, and the index of the token after it.
fn path_at(tokens: &[Token], start: usize) -> (Vec<PathPart>, usize) {
    let mut path = Vec::new();
    if let Token::Ident(name) = &tokens[start] {
        path.push(PathPart::Name(name.clone()));
    }
    let mut i = start + 1;
    loop {
        match (tokens.get(i), tokens.get(i + 1)) {
            (Some(Token::Punct("." | "?.")), Some(Token::Ident(name))) => {
                path.push(PathPart::Name(name.clone()));
                i += 2;
            }
            (Some(Token::Punct("[" | "?[")), _) => {
                i = closing(tokens, i) + 1;
                path.push(PathPart::Any);
            }
            _ => return (path, i),
        }
    }
}

/// The tokens inside the brackets of the path from `start` to `end`.
fn subscripts(tokens: &[Token], start: usize, end: usize) -> Vec<Token> {
    let mut out = Vec::new();
    let mut i = start + 1;
    while i < end {
        if matches!(tokens[i], Token::Punct("[" | "?[")) {
            let close = closing(tokens, i);
            out.extend_from_slice(&tokens[i + 1..close.min(tokens.len())]);
            out.push(Token::Punct(","));
            i = close + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// The index of the bracket closing the one at `open` (or the end).
fn closing(tokens: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, token) in tokens.iter().enumerate().skip(open) {
        match token {
            Token::Punct("[" | "?[") => depth += 1,
            Token::Punct("]") => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
    }
    tokens.len()
}

/// The path that is the whole of `tokens`, if they are just one path.
fn pure_path(tokens: &[Token]) -> Option<Vec<PathPart>> {
    match tokens.first() {
        Some(Token::Ident(name)) if !KEYWORDS.contains(&name.as_str()) => {
            let (path, end) = path_at(tokens, 0);
            (end == tokens.len()).then_some(path)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Ident(String),
    Str(String),
    Number,
    Punct(&'static str),
}

/// Splits the inside of a tag into tokens.
fn tokenize(text: &str) -> Vec<Token> {
    const PUNCTS: [&str; 27] = [
        "...", "?.", "?[", "==", "!=", "<=", ">=", "</", "//", "**", ".", "[", "]", "(", ")", "{",
        "}", ",", ":", "|", "=", "<", ">", "~", "+", "-", "!",
    ];
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < text.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        if c.is_whitespace() {
            i += c.len_utf8();
        } else if c.is_alphabetic() || c == '_' {
            let end = text[i..]
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map_or(text.len(), |e| i + e);
            out.push(Token::Ident(text[i..end].to_string()));
            i = end;
        } else if c.is_ascii_digit() {
            let end = text[i..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
                .map_or(text.len(), |e| i + e);
            out.push(Token::Number);
            i = end;
        } else if matches!(c, '"' | '\'' | '`') {
            let mut j = i + 1;
            while j < bytes.len() && bytes[j] != c as u8 {
                if bytes[j] == b'\\' {
                    j += 1;
                }
                j += 1;
            }
            out.push(Token::Str(text[i + 1..j.min(text.len())].to_string()));
            i = (j + 1).min(text.len());
        } else if let Some(p) = PUNCTS.iter().find(|p| text[i..].starts_with(**p)) {
            out.push(Token::Punct(p));
            i += p.len();
        } else {
            out.push(Token::Punct("?"));
            i += c.len_utf8();
        }
    }
    out
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TagKind {
    /// `{{ ... }}`
    Expression,
    /// `{% ... %}`
    Statement,
}

struct Tag<'a> {
    kind: TagKind,
    inner: &'a str,
}

/// The tags of a template, comments and raw blocks left out.
fn tags(text: &str) -> Vec<Tag<'_>> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        let after = &rest[start..];
        let (kind, close) = if after.starts_with("{{") {
            (Some(TagKind::Expression), "}}")
        } else if after.starts_with("{%") {
            (Some(TagKind::Statement), "%}")
        } else if after.starts_with("{#") {
            (None, "#}")
        } else {
            rest = &rest[start + 1..];
            continue;
        };
        let body = &after[2..];
        // Comments are prose: a quote in them opens no string.
        let end = match kind {
            Some(_) => find_close(body, close),
            None => body.find(close),
        };
        let Some(end) = end else {
            break;
        };
        let inner = body[..end].trim_start_matches('-').trim_end_matches('-');
        rest = &body[end + 2..];
        let Some(kind) = kind else { continue };
        if kind == TagKind::Statement && inner.trim() == "raw" {
            // Skip to the matching `endraw`.
            match rest.find("endraw") {
                Some(e) => {
                    rest = &rest[e..];
                    rest = rest.find("%}").map_or("", |c| &rest[c + 2..]);
                }
                None => break,
            }
            continue;
        }
        out.push(Tag { kind, inner });
    }
    out
}

/// Where `close` ends a tag in `body`, outside quoted strings.
fn find_close(body: &str, close: &str) -> Option<usize> {
    let bytes = body.as_bytes();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if matches!(b, b'"' | b'\'' | b'`') => quote = Some(b),
            None if bytes[i..].starts_with(close.as_bytes()) => return Some(i),
            None => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reads(templates: &[(&str, &str)], name: &str) -> Reads {
        let sources: BTreeMap<String, String> = templates
            .iter()
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        ReadsOf::new(&sources).of(name)
    }

    #[test]
    fn navigation_over_collections_reads_no_entries() {
        let base = "{% for c in site.collections %}<a href=\"{{ c.url }}\">{{ c.title }}</a>{% endfor %}{% block main %}{% endblock main %}";
        let entry = "{% extends \"base.html\" %}{% block main %}{{ page.title }} {{ collection.singular }}{% endblock main %}";
        assert_eq!(
            reads(&[("base.html", base), ("entry.html", entry)], "entry.html"),
            []
        );
    }

    #[test]
    fn entries_read_through_loops_sets_and_includes() {
        let index = "{% for c in site.collections %}{% if c.count > 0 %}{% for e in c.entries %}{{ e.title }}{% endfor %}{% endif %}{% endfor %}";
        assert_eq!(
            reads(&[("i.html", index)], "i.html"),
            [Aggregate::SiteCollections]
        );
        let aliased =
            "{% set cs = site.collections %}{% for c in cs %}{% include \"p.html\" %}{% endfor %}";
        let partial = "{{ c.entries | length }}";
        assert_eq!(
            reads(&[("a.html", aliased), ("p.html", partial)], "a.html"),
            [Aggregate::SiteCollections]
        );
        assert_eq!(
            reads(&[("t.html", "{% for p in site.pages %}{{ p.url }}{% endfor %}{% if timeline | length > 0 %}{% endif %}")], "t.html"),
            [Aggregate::SitePages, Aggregate::Timeline]
        );
    }

    #[test]
    fn whatever_cannot_be_followed_counts_as_read_whole() {
        // A collection value given to a component, a filter or printed.
        assert_eq!(
            reads(
                &[(
                    "a.html",
                    "{% for c in site.collections %}{{ <x v={c}/> }}{% endfor %}"
                )],
                "a.html"
            ),
            [Aggregate::SiteCollections]
        );
        assert_eq!(
            reads(&[("a.html", "{{ site | json_encode }}")], "a.html"),
            [
                Aggregate::SiteCollections,
                Aggregate::SitePages,
                Aggregate::SiteTags
            ]
        );
        assert_eq!(
            reads(&[("a.html", "{{ collection }}")], "a.html"),
            [Aggregate::CollectionEntries]
        );
        // The whole context.
        assert_eq!(
            reads(&[("a.html", "{{ __tera_context }}")], "a.html"),
            Aggregate::ALL
        );
    }

    #[test]
    fn component_bodies_count_for_every_template() {
        let components = "{% component tags_cloud() %}{% for t in site.tags %}{{ t.name }}{% endfor %}{% endcomponent tags_cloud %}";
        assert_eq!(
            reads(
                &[
                    ("components.html", components),
                    ("a.html", "{{ page.title }}")
                ],
                "a.html"
            ),
            [Aggregate::SiteTags]
        );
        // Parameters are counted where the component is called.
        let card = "{% component card(e) %}{{ e.entries }}{% endcomponent card %}";
        assert_eq!(reads(&[("c.html", card), ("a.html", "x")], "a.html"), []);
    }

    #[test]
    fn comments_strings_and_raw_blocks_are_not_code() {
        let text = "{# it's {{ site.tags }} → #}{{ \"site.pages }}\" }}{% raw %}{{ timeline }}{% endraw %}{{ page.title }}";
        assert_eq!(reads(&[("a.html", text)], "a.html"), []);
    }
}

#[cfg(test)]
mod default_theme {
    use super::*;

    /// The default theme's entry pages read no list of entries but the standalone pages
    /// (in the navigation) and their own map (its neighbours), so an edit to one entry's
    /// title re-renders the pages that show that entry, not every entry page.
    #[test]
    fn entry_pages_read_only_the_standalone_pages() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut sources = BTreeMap::new();
        for item in walkdir::WalkDir::new(&dir) {
            let item = item.unwrap();
            if item.file_type().is_file() {
                let name = item.path().strip_prefix(&dir).unwrap();
                let name = name.to_string_lossy().replace('\\', "/");
                sources.insert(name, std::fs::read_to_string(item.path()).unwrap());
            }
        }
        let mut reads = ReadsOf::new(&sources);
        use Aggregate::*;
        assert_eq!(reads.of("entry.html"), [SitePages, EntryMap]);
        assert_eq!(reads.of("allegations/entry.html"), [SitePages, EntryMap]);
        // A listing page reads its own page of the list, not the whole list.
        assert_eq!(reads.of("collection.html"), [SitePages, Paginator]);
        assert_eq!(
            reads.of("index.html"),
            [SiteCollections, SitePages, Timeline, Map]
        );
        assert_eq!(reads.of("search.html"), [SiteCollections, SitePages]);
        assert_eq!(reads.of("tags.html"), [SitePages, SiteTags]);
        assert_eq!(reads.of("tag.html"), [SitePages, Paginator]);
    }
}
