//! Markdown bodies to HTML, with a table of contents and checked links.
//!
//! Given text, a [`LinkResolver`] and the theme's component templates, returns HTML,
//! headings and the links found; it reads no files (the built-in theme's templates are
//! in the binary). It knows nothing of entries or collections; the caller's resolver
//! decides what `[[han-dong]]` or `../people/han-dong.md` means. Raw HTML is escaped
//! unless allowed, and links with schemes that run code or read local data are refused.

mod components;
mod excerpt;

pub(crate) use components::{template_name as component_template, ComponentTemplates, COMPONENTS};
mod highlight;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{
    BlockQuoteKind, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd,
};

use crate::config::EmbedHosts;
use crate::diagnostic::{Location, Span};
use crate::images::{check_words, Picture, Source};
use crate::routes::scheme::{SchemePolicy, Use};
use crate::routes::slug::text_slug;
use crate::text_file::floor_char_boundary;

pub(crate) use highlight::{highlight_block, HighlightBudget, HighlightMemo, HIGHLIGHTER};

/// A link written in Markdown that points into the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum LinkTarget<'a> {
    /// `[[people/han-dong#denial]]`: the target before `#`.
    Wiki(&'a str),
    /// `[x](../people/han-dong.md#denial)`: the path before `#`.
    File(&'a str),
}

/// What a resolver returns for a link it knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ResolvedLink {
    /// The URL to write (without fragment).
    pub url: String,
    /// The target's title, used as text for `[[slug]]`.
    pub title: String,
    /// The resolver's own key for the target, handed back in [`Rendered::links`].
    pub key: usize,
    /// For a target in another language than the text's: its language tag and the words
    /// that say so after the link (`en`, `(in English)`).
    pub other_language: Option<(String, String)>,
}

/// Why a link could not be resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LinkProblem {
    /// One line saying what is wrong.
    pub message: String,
    /// A suggestion.
    pub hint: Option<String>,
}

/// Turns site links into URLs, and image sources into checked files.
pub(crate) trait LinkResolver {
    /// Resolves a link; `Err` becomes a diagnostic at the link's position.
    fn resolve(&self, target: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem>;

    /// Finds and checks the image file `src`; `Err` becomes a diagnostic at the image.
    fn image(&self, src: &str) -> Result<Arc<Source>, LinkProblem> {
        Err(LinkProblem {
            message: format!("image `{src}`: images are not published from this text"),
            hint: None,
        })
    }

    /// The markup of a checked picture standing on its own.
    fn figure(&self, picture: &Picture) -> String {
        let _ = picture;
        String::new()
    }
}

/// A heading of the rendered text.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Heading {
    /// 1 to 6.
    pub level: u8,
    /// The unique `id` attribute.
    pub id: String,
    /// The heading's plain text.
    pub title: String,
}

/// A resolved site link found in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FoundLink {
    /// The resolver's key for the target.
    pub key: usize,
    /// The `#fragment`, if any.
    pub fragment: Option<String>,
    /// Where the link starts in the text.
    pub at: Location,
    /// The link's bytes in the text.
    pub span: Span,
}

/// An image found in the text, standing in a paragraph of its own.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FoundImage {
    /// The checked picture (its `at` is left for the caller to set).
    pub picture: Picture,
    /// Where the image starts in the text.
    pub at: Location,
    /// The image's bytes in the text.
    pub span: Span,
}

/// A problem at a position of the Markdown text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MarkdownProblem {
    /// Where, within the Markdown text given (1-based).
    pub at: Location,
    /// The bytes of the text it is about.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// A suggestion.
    pub hint: Option<String>,
}

/// The result of rendering one Markdown text.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Rendered {
    /// The HTML.
    pub html: String,
    /// Headings, in order, for a table of contents.
    pub toc: Vec<Heading>,
    /// The site links found, in order.
    pub links: Vec<FoundLink>,
    /// The images found, in order.
    pub images: Vec<FoundImage>,
    /// Links that could not be resolved or were refused.
    pub problems: Vec<MarkdownProblem>,
    /// The first sentences of its paragraphs: `page.excerpt`.
    pub excerpt: String,
}

/// The most HTML one Markdown text may render to. Markdown can expand a lot (a reference
/// link written once with a long address and used a million times, a thousand nested
/// quotes per line); past this the text is refused with a problem, before the HTML is
/// ever built, so that memory stays bounded by the site and not by a hostile file.
pub(crate) const MAX_HTML_BYTES: usize = 64 * 1024 * 1024;

/// How deeply blocks and inline elements may nest (quotes in quotes, lists in lists).
/// Deeper nesting is refused: every later stage, and every browser, pays for each level.
pub(crate) const MAX_NESTING: usize = 100;

/// Rendering switches.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RenderOptions<'a> {
    /// Pass raw HTML through instead of escaping it.
    pub unsafe_html: bool,
    /// The highlighting budget of the file this text belongs to, shared by its body and
    /// fields; `None` gives this text a budget of its own.
    pub highlight: Option<&'a HighlightBudget>,
    /// Code highlighted by an earlier build, and where this one's goes; `None` draws
    /// every block.
    pub highlighted: Option<&'a HighlightMemo>,
    /// The hosts the `embed` component may show pages of (`embeds:`); `None` is none.
    pub embeds: Option<&'a EmbedHosts>,
    /// The templates that draw components; `None` is the built-in theme's.
    pub components: Option<&'a ComponentTemplates>,
    /// The site's URL-scheme policy; `None` is the default one.
    pub schemes: Option<&'a SchemePolicy>,
    /// The titles of callouts in the text's language, in [`CALLOUT_WORDS`] order;
    /// `None` titles them with the engine's English words.
    pub callout_titles: Option<&'a [String; 5]>,
}

/// The default scheme policy, for texts rendered without a site's.
static DEFAULT_SCHEMES: SchemePolicy = SchemePolicy {
    allow: Vec::new(),
    refuse: Vec::new(),
};

fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_WIKILINKS
        // GitHub's alerts: `> [!NOTE]` and its kin start a blockquote of that kind.
        | Options::ENABLE_GFM
}

/// The kinds of GitHub-style alert, in the order of [`RenderOptions::callout_titles`],
/// with the engine word (`config::ENGINE_WORDS`) that titles each.
pub(crate) const CALLOUT_WORDS: [&str; 5] = [
    "callout_note",
    "callout_tip",
    "callout_important",
    "callout_warning",
    "callout_caution",
];

/// The `id` of footnote `name` (and the fragment its references link to).
fn footnote_id(name: &str) -> String {
    format!("fn-{name}")
}

/// A GitHub-style alert's kind, as its class and [`CALLOUT_WORDS`] name it.
fn callout_kind(kind: BlockQuoteKind) -> (&'static str, usize) {
    match kind {
        BlockQuoteKind::Note => ("note", 0),
        BlockQuoteKind::Tip => ("tip", 1),
        BlockQuoteKind::Important => ("important", 2),
        BlockQuoteKind::Warning => ("warning", 3),
        BlockQuoteKind::Caution => ("caution", 4),
    }
}

/// Renders a Markdown document, with its excerpt.
pub(crate) fn render(text: &str, resolver: &dyn LinkResolver, options: RenderOptions) -> Rendered {
    let (mut out, paragraphs) = render_text(text, resolver, options);
    out.excerpt = paragraphs.excerpt();
    out
}

/// Renders a Markdown text, with the text of its paragraphs.
fn render_text(
    text: &str,
    resolver: &dyn LinkResolver,
    options: RenderOptions,
) -> (Rendered, excerpt::ParagraphText) {
    let mut html = String::with_capacity(text.len() * 3 / 2);
    // Events stream from the parser through the transform into the HTML writer: only a
    // heading's events are held at once (for its id). Collecting them all first cost
    // 80 bytes per event, 100 MB for a 7 MB text.
    let mut events = Transform::new(text, resolver, options);
    pulldown_cmark::html::push_html(&mut html, &mut events);
    let mut out = events.out;
    out.html = html;
    (out, events.paragraphs)
}

/// Renders a short Markdown value (a field) without the wrapping paragraph (and
/// without an excerpt).
pub(crate) fn render_inline(
    text: &str,
    resolver: &dyn LinkResolver,
    options: RenderOptions,
) -> Rendered {
    let (mut out, _) = render_text(text, resolver, options);
    if let Some(inner) = one_paragraph(&out.html) {
        out.html = inner.to_string();
    }
    out.toc.clear();
    out
}

/// What is inside the `<p>` of `html` when it is one paragraph and nothing else.
fn one_paragraph(html: &str) -> Option<&str> {
    html.trim_end()
        .strip_prefix("<p>")
        .and_then(|s| s.strip_suffix("</p>"))
        .filter(|inner| !inner.contains("<p>"))
}

fn problem(
    locator: &mut Locator<'_>,
    range: &Range<usize>,
    message: String,
    hint: Option<String>,
) -> MarkdownProblem {
    MarkdownProblem {
        at: locator.locate(range.start),
        span: Span::new(range.start, range.end),
        message,
        hint,
    }
}

/// How many problems one text reports; after that, one last problem says there are more
/// and later links are not resolved (a file of a million broken links would otherwise
/// cost a million did-you-mean searches over every slug of the site).
pub(crate) const MAX_PROBLEMS: usize = 100;

fn push_problem(
    out: &mut Rendered,
    locator: &mut Locator<'_>,
    range: &Range<usize>,
    message: String,
    hint: Option<String>,
) {
    match out.problems.len().cmp(&MAX_PROBLEMS) {
        std::cmp::Ordering::Less => out.problems.push(problem(locator, range, message, hint)),
        std::cmp::Ordering::Equal => out.problems.push(problem(
            locator,
            range,
            format!("more than {MAX_PROBLEMS} problems in this text; the rest are not listed"),
            Some("fix these first".into()),
        )),
        std::cmp::Ordering::Greater => {}
    }
}

/// Byte offsets to line and column, in time proportional to the text rather than to
/// the text times the number of links (offsets arrive mostly in increasing order).
struct Locator<'a> {
    text: &'a str,
    /// The last offset located, and its location.
    last: (usize, Location),
}

impl<'a> Locator<'a> {
    fn new(text: &'a str) -> Self {
        Locator {
            text,
            last: (0, Location::start()),
        }
    }

    fn locate(&mut self, offset: usize) -> Location {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let (from, start) = if offset >= self.last.0 {
            self.last
        } else {
            (0, Location::start())
        };
        let mut at = start;
        for c in self.text[from..offset].chars() {
            if c == '\n' {
                at = Location::new(at.line + 1, 1);
            } else {
                at.col += 1;
            }
        }
        self.last = (offset, at);
        at
    }
}

/// Resolves links, highlights code and escapes raw HTML, event by event, and gives each
/// heading a unique id (recording it for the table of contents): an iterator over the
/// events to write, pulled by the HTML writer as it goes.
struct Transform<'a, 'r> {
    parser: pulldown_cmark::OffsetIter<'a, pulldown_cmark::DefaultBrokenLinkCallback>,
    /// Events read ahead of the parser (to see whether a paragraph is one image), to be
    /// transformed before the parser's next.
    lookahead: std::collections::VecDeque<(Event<'a>, Range<usize>)>,
    resolver: &'r dyn LinkResolver,
    options: RenderOptions<'r>,
    /// What was found besides the HTML: headings, links, problems.
    out: Rendered,
    /// The code block being gathered: its language and text.
    code: Option<(String, String)>,
    /// Where the code block being gathered starts in the text.
    code_at: usize,
    /// For `[[slug]]` without a label, the text event that follows is replaced by the title.
    replace_label: Option<String>,
    /// Refused links render as their text; their closing tag is dropped.
    dropped_links: usize,
    /// The words to write after the open link, which goes to a page in another language
    /// (links do not nest, so one is enough).
    language_note: Option<(String, String)>,
    locator: Locator<'a>,
    budget: Budget,
    own_highlight: HighlightBudget,
    ids: HeadingIds,
    /// A heading's events, held until its end so that its id can be made from its text.
    heading: std::collections::VecDeque<Event<'a>>,
    /// The text ended, or a limit stopped it.
    done: bool,
    /// The closing markup of each callout open around the current event, innermost last.
    callout_ends: Vec<String>,
    /// The text of the paragraphs written, for the excerpt.
    paragraphs: excerpt::ParagraphText,
}

impl<'a, 'r> Transform<'a, 'r> {
    fn new(text: &'a str, resolver: &'r dyn LinkResolver, options: RenderOptions<'r>) -> Self {
        Transform {
            parser: Parser::new_ext(text, parser_options()).into_offset_iter(),
            lookahead: std::collections::VecDeque::new(),
            resolver,
            options,
            out: Rendered::default(),
            code: None,
            code_at: 0,
            replace_label: None,
            dropped_links: 0,
            language_note: None,
            locator: Locator::new(text),
            budget: Budget::default(),
            own_highlight: HighlightBudget::per_file(),
            ids: HeadingIds::default(),
            heading: std::collections::VecDeque::new(),
            done: false,
            callout_ends: Vec::new(),
            paragraphs: excerpt::ParagraphText::default(),
        }
    }

    /// The next event to write, with headings' ids assigned.
    fn next_event(&mut self) -> Option<Event<'a>> {
        if let Some(event) = self.heading.pop_front() {
            return Some(event);
        }
        let event = self.next_transformed()?;
        if !matches!(event, Event::Start(Tag::Heading { .. })) {
            return Some(event);
        }
        self.heading.push_back(event);
        while let Some(inner) = self.next_transformed() {
            let end = matches!(inner, Event::End(TagEnd::Heading(_)));
            self.heading.push_back(inner);
            if end {
                break;
            }
        }
        self.ids.assign(&mut self.heading, &mut self.out.toc);
        self.heading.pop_front()
    }

    /// The next event of the text, transformed; `None` at its end or past a limit.
    fn next_transformed(&mut self) -> Option<Event<'a>> {
        while !self.done {
            let Some((event, range)) = self.pull() else {
                self.done = true;
                break;
            };
            if let Some(message) = self.budget.spend(&event) {
                self.out
                    .problems
                    .push(problem(&mut self.locator, &range, message, None));
                self.done = true;
                break;
            }
            if let Some(event) = self.transform(event, range) {
                return Some(event);
            }
        }
        None
    }

    /// The next event of the parser, read ahead or not.
    fn pull(&mut self) -> Option<(Event<'a>, Range<usize>)> {
        self.lookahead.pop_front().or_else(|| self.parser.next())
    }

    /// An image's events from its start (given) through its end.
    fn image_events(&mut self, start: (Event<'a>, Range<usize>)) -> Vec<(Event<'a>, Range<usize>)> {
        let mut events = vec![start];
        let mut depth = 0usize;
        while let Some(next) = self.pull() {
            let end = match &next.0 {
                Event::Start(Tag::Image { .. }) => {
                    depth += 1;
                    false
                }
                Event::End(TagEnd::Image) if depth == 0 => true,
                Event::End(TagEnd::Image) => {
                    depth -= 1;
                    false
                }
                _ => false,
            };
            events.push(next);
            if end {
                break;
            }
        }
        events
    }

    /// A paragraph's start: a paragraph that is one image becomes that image's figure;
    /// any other is left as it is.
    fn paragraph(&mut self, range: Range<usize>) -> Option<Event<'a>> {
        let paragraph = Event::Start(Tag::Paragraph);
        let Some(first) = self.pull() else {
            return Some(paragraph);
        };
        if !matches!(first.0, Event::Start(Tag::Image { .. })) {
            self.lookahead.push_front(first);
            return Some(paragraph);
        }
        let image = self.image_events(first);
        let after = self.pull();
        if matches!(after, Some((Event::End(TagEnd::Paragraph), _))) {
            return self.figure(&image, &range);
        }
        for event in after.into_iter().chain(image.into_iter().rev()) {
            self.lookahead.push_front(event);
        }
        Some(paragraph)
    }

    /// The figure of an image standing alone, or nothing (and a problem) when its file or
    /// words are not right.
    fn figure(
        &mut self,
        events: &[(Event<'a>, Range<usize>)],
        paragraph: &Range<usize>,
    ) -> Option<Event<'a>> {
        let (
            Event::Start(Tag::Image {
                dest_url, title, ..
            }),
            range,
        ) = &events[0]
        else {
            return None;
        };
        let range = if range.is_empty() { paragraph } else { range };
        let alt: String = events[1..events.len().saturating_sub(1)]
            .iter()
            .filter_map(|(e, _)| match e {
                Event::Text(t) | Event::Code(t) => Some(t.as_ref()),
                Event::SoftBreak | Event::HardBreak => Some(" "),
                _ => None,
            })
            .collect();
        let schemes = self.options.schemes.unwrap_or(&DEFAULT_SCHEMES);
        if let Some(scheme) = schemes.refused(dest_url, Use::Image) {
            let message = format!("image source `{dest_url}` uses a scheme that is not allowed");
            let hint = Some(scheme_hint(&scheme));
            push_problem(&mut self.out, &mut self.locator, range, message, hint);
            return None;
        }
        let (caption, credit, decorative) = image_title(title);
        let source = match self.resolver.image(dest_url) {
            Ok(source) => source,
            Err(LinkProblem { message, hint }) => {
                push_problem(&mut self.out, &mut self.locator, range, message, hint);
                return None;
            }
        };
        if let Err(error) = check_words(&source, &alt, credit.as_deref(), decorative) {
            let hint = error.hint(true);
            push_problem(
                &mut self.out,
                &mut self.locator,
                range,
                error.to_string(),
                hint,
            );
            return None;
        }
        let picture = Picture {
            source,
            alt: if decorative {
                String::new()
            } else {
                alt.trim().to_string()
            },
            credit,
            caption,
            decorative,
            at: None,
        };
        let html = self.resolver.figure(&picture);
        self.budget.html += html.len();
        self.out.images.push(FoundImage {
            picture,
            at: self.locator.locate(range.start),
            span: Span::new(range.start, range.end),
        });
        Some(Event::Html(html.into()))
    }

    /// The markup before and after the text of a GitHub-style alert (`> [!WARNING]`),
    /// drawn by the theme's callout template and titled in words in the text's language
    /// (a note landmark that says what kind of note it is, not only by colour). A template
    /// that cannot draw one is a problem at the alert, which then takes the built-in
    /// theme's markup, so the page's structure holds.
    fn callout(&mut self, kind: BlockQuoteKind, range: &Range<usize>) -> (String, String) {
        let (class, n) = callout_kind(kind);
        let title = match self.options.callout_titles {
            Some(titles) => titles[n].as_str(),
            None => crate::config::engine_word("en", CALLOUT_WORDS[n]).unwrap_or_default(),
        };
        let templates = self
            .options
            .components
            .unwrap_or_else(|| ComponentTemplates::builtin());
        let drawn = templates.callout(class, title).or_else(|message| {
            let line = range.start
                ..self.locator.text[range.start..]
                    .find('\n')
                    .map_or(range.end, |n| range.start + n);
            push_problem(&mut self.out, &mut self.locator, &line, message, None);
            ComponentTemplates::builtin().callout(class, title)
        });
        let (before, after) = drawn.unwrap_or_default();
        self.budget.html += before.len() + after.len();
        (before, after)
    }

    /// The markup of a component block (`lang` its info string, `text` its arguments),
    /// recording the entries it links; nothing, with problems at the arguments' lines,
    /// when they are wrong.
    fn component(&mut self, lang: &str, text: &str) -> String {
        struct SiteRefs<'x> {
            resolver: &'x dyn LinkResolver,
            options: RenderOptions<'x>,
            /// Each entry linked: its key, the `#fragment` linked to, the line.
            found: Vec<(usize, Option<String>, usize)>,
        }
        impl components::Refs for SiteRefs<'_> {
            fn inline(
                &mut self,
                text: &str,
                line: usize,
            ) -> Result<String, Vec<components::ArgProblem>> {
                let (rendered, _) = render_text(text, self.resolver, self.options);
                let paragraph = one_paragraph(&rendered.html).map(String::from);
                let mut problems: Vec<components::ArgProblem> = rendered
                    .problems
                    .into_iter()
                    .map(|p| components::ref_problem(line, p.message, p.hint))
                    .collect();
                if !rendered.images.is_empty() {
                    problems.push(components::ref_problem(
                        line,
                        "a pull quote's text cannot hold an image".into(),
                        Some("put the picture before or after the quote".into()),
                    ));
                }
                let Some(paragraph) = paragraph.filter(|_| problems.is_empty()) else {
                    if problems.is_empty() {
                        problems.push(components::ref_problem(
                            line,
                            "a pull quote's text is one paragraph of inline Markdown".into(),
                            Some(
                                "a text that starts with `1984.`, `#` or `-` reads as a list \
                                 or a heading: write `1984\\.`, `\\#` or `\\-`"
                                    .into(),
                            ),
                        ));
                    }
                    return Err(problems);
                };
                self.found.extend(
                    rendered
                        .links
                        .into_iter()
                        .map(|link| (link.key, link.fragment, line)),
                );
                Ok(paragraph)
            }

            fn entry(
                &mut self,
                target: &str,
                line: usize,
            ) -> Result<ResolvedLink, components::ArgProblem> {
                let target = target.trim_start_matches("[[").trim_end_matches("]]");
                match self.resolver.resolve(&LinkTarget::Wiki(target)) {
                    Ok(link) => {
                        self.found.push((link.key, None, line));
                        Ok(link)
                    }
                    Err(p) => Err(components::ref_problem(line, p.message, p.hint)),
                }
            }
        }
        // The arguments start on the line after the opening fence.
        let source = self.locator.text;
        let block = &source[self.code_at.min(source.len())..];
        let start = self.code_at + block.find('\n').map_or(block.len(), |n| n + 1);
        let line_range = |line: usize| -> Range<usize> {
            let mut at = start;
            for l in source[start.min(source.len())..]
                .split_inclusive('\n')
                .take(line)
            {
                at += l.len();
            }
            let len = source[at.min(source.len())..]
                .find('\n')
                .unwrap_or(source.len().saturating_sub(at));
            at..at + len
        };
        let mut refs = SiteRefs {
            resolver: self.resolver,
            options: self.options,
            found: Vec::new(),
        };
        let no_embeds = EmbedHosts::default();
        let rendered = components::render(
            lang,
            text,
            self.options.embeds.unwrap_or(&no_embeds),
            &mut refs,
            self.options
                .components
                .unwrap_or_else(|| ComponentTemplates::builtin()),
        );
        for (key, fragment, line) in refs.found {
            let range = line_range(line);
            self.out.links.push(FoundLink {
                key,
                fragment,
                at: self.locator.locate(range.start),
                span: Span::new(range.start, range.end),
            });
        }
        match rendered {
            Ok(html) => html,
            Err(problems) => {
                for p in problems {
                    let range = line_range(p.line);
                    push_problem(&mut self.out, &mut self.locator, &range, p.message, p.hint);
                }
                String::new()
            }
        }
    }

    /// What one event of the parser becomes: nothing (a code block's text, gathered; a
    /// refused link's end) or one event.
    fn transform(&mut self, event: Event<'a>, range: Range<usize>) -> Option<Event<'a>> {
        if let Some((_, buffer)) = self.code.as_mut() {
            return match event {
                Event::Text(t) => {
                    buffer.push_str(&t);
                    None
                }
                Event::End(TagEnd::CodeBlock) => {
                    let (lang, buffer) = self.code.take().unwrap_or_default();
                    if components::is_component(&lang) {
                        let html = self.component(&lang, &buffer);
                        self.budget.html += html.len();
                        return Some(Event::Html(html.into()));
                    }
                    let highlight = self.options.highlight.unwrap_or(&self.own_highlight);
                    let block =
                        highlight_block(&buffer, &lang, highlight, self.options.highlighted);
                    self.budget.html += block.len();
                    Some(Event::Html(block.into()))
                }
                _ => None,
            };
        }
        match event {
            // Footnotes take ids of their own kind, so that a footnote named like a
            // heading (`[^sources]` beside "## Sources") never repeats its id.
            Event::FootnoteReference(name) => {
                Some(Event::FootnoteReference(footnote_id(&name).into()))
            }
            Event::Start(Tag::FootnoteDefinition(name)) => Some(Event::Start(
                Tag::FootnoteDefinition(footnote_id(&name).into()),
            )),
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(info) => info.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                self.code = Some((lang, String::new()));
                self.code_at = range.start;
                None
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) => match link(
                &mut self.locator,
                &range,
                link_type,
                &dest_url,
                self.resolver,
                self.options.schemes.unwrap_or(&DEFAULT_SCHEMES),
                &mut self.out,
            ) {
                LinkOutcome::Keep => Some(Event::Start(Tag::Link {
                    link_type,
                    dest_url,
                    title,
                    id,
                })),
                LinkOutcome::Rewrite {
                    url,
                    label,
                    other_language,
                } => {
                    self.budget.html += url.len();
                    if let Some(label) = label {
                        self.budget.html += label.len();
                        self.replace_label = Some(label);
                    }
                    if let Some((language, note)) = other_language {
                        // The writer has no attribute for `hreflang`: the opening tag is
                        // written here, escaped as the writer escapes its own.
                        let mut tag = String::from("<a href=\"");
                        let _ = pulldown_cmark_escape::escape_href(&mut tag, &url);
                        tag.push_str("\" hreflang=\"");
                        let _ = pulldown_cmark_escape::escape_html(&mut tag, &language);
                        if !title.is_empty() {
                            tag.push_str("\" title=\"");
                            let _ = pulldown_cmark_escape::escape_html(&mut tag, &title);
                        }
                        tag.push_str("\">");
                        self.budget.html += tag.len() + note.len() + language.len() + 40;
                        self.language_note = Some((language, note));
                        return Some(Event::Html(tag.into()));
                    }
                    Some(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url: url.into(),
                        title,
                        id,
                    }))
                }
                LinkOutcome::Drop => {
                    self.dropped_links += 1;
                    None
                }
            },
            Event::End(TagEnd::Link) if self.language_note.is_some() => {
                let (language, note) = self.language_note.take().unwrap_or_default();
                let mut html = String::from("</a> <span class=\"in-language\" lang=\"");
                let _ = pulldown_cmark_escape::escape_html(&mut html, &language);
                html.push_str("\">");
                let _ = pulldown_cmark_escape::escape_html(&mut html, &note);
                html.push_str("</span>");
                self.paragraphs.push(" ");
                self.paragraphs.push(&note);
                Some(Event::Html(html.into()))
            }
            Event::End(TagEnd::Link) if self.dropped_links > 0 => {
                self.dropped_links -= 1;
                None
            }
            Event::Start(Tag::Paragraph) => self.paragraph(range),
            Event::Start(Tag::BlockQuote(Some(kind))) => {
                let (before, after) = self.callout(kind, &range);
                self.callout_ends.push(after);
                Some(Event::Html(before.into()))
            }
            Event::End(TagEnd::BlockQuote(Some(_))) => {
                let after = self.callout_ends.pop().unwrap_or_default();
                Some(Event::Html(after.into()))
            }
            // An image inside text, a list item, a link or a table: it could not have its
            // caption and credit beside it.
            Event::Start(Tag::Image { ref dest_url, .. }) => {
                let schemes = self.options.schemes.unwrap_or(&DEFAULT_SCHEMES);
                let (message, hint) = match schemes.refused(dest_url, Use::Image) {
                    Some(scheme) => (
                        format!("image source `{dest_url}` uses a scheme that is not allowed"),
                        scheme_hint(&scheme),
                    ),
                    None => (
                        "an image must stand in a paragraph of its own".to_string(),
                        "put a blank line before and after `![...](...)`, so it is shown as a figure with its caption and credit".to_string(),
                    ),
                };
                let _ = self.image_events((event, range.clone()));
                push_problem(
                    &mut self.out,
                    &mut self.locator,
                    &range,
                    message,
                    Some(hint),
                );
                None
            }
            Event::Text(t) => match self.replace_label.take() {
                Some(label) => Some(Event::Text(label.into())),
                None => Some(Event::Text(t)),
            },
            Event::Html(html) | Event::InlineHtml(html) if !self.options.unsafe_html => {
                Some(Event::Text(html))
            }
            // `# Title {#id .class key=value}`: the id and classes are kept, but the
            // key=value pairs are raw HTML attributes (`onclick=...`) and are dropped.
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) if !self.options.unsafe_html && !attrs.is_empty() => {
                Some(Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs: Vec::new(),
                }))
            }
            other => Some(other),
        }
    }
}

impl<'a> Iterator for Transform<'a, '_> {
    type Item = Event<'a>;

    fn next(&mut self) -> Option<Event<'a>> {
        let event = self.next_event()?;
        self.paragraphs.observe(&event);
        Some(event)
    }
}

/// What the HTML of a text will cost, counted event by event before it is built.
#[derive(Default)]
struct Budget {
    /// Bytes of HTML so far (an estimate that never undercounts by much).
    html: usize,
    /// Open elements.
    depth: usize,
}

impl Budget {
    /// Counts `event`; a message when a limit is passed.
    fn spend(&mut self, event: &Event<'_>) -> Option<String> {
        self.html += match event {
            Event::Start(tag) => {
                self.depth += 1;
                match tag {
                    Tag::Link {
                        dest_url, title, ..
                    }
                    | Tag::Image {
                        dest_url, title, ..
                    } => 32 + 2 * (dest_url.len() + title.len()),
                    _ => 32,
                }
            }
            Event::End(_) => {
                self.depth = self.depth.saturating_sub(1);
                16
            }
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                // Escaping turns `"` into `&quot;`: at most six bytes for one.
                t.len() + 5 * t.bytes().filter(|b| b"&<>\"'".contains(b)).count()
            }
            _ => 32,
        };
        if self.depth > MAX_NESTING {
            return Some(format!(
                "Markdown nested more than {MAX_NESTING} levels deep (quotes, lists or emphasis inside each other)"
            ));
        }
        if self.html > MAX_HTML_BYTES {
            return Some(format!(
                "this text renders to more than {} MiB of HTML: split it, or write repeated links out",
                MAX_HTML_BYTES / (1024 * 1024)
            ));
        }
        None
    }
}

/// What to do about a refused scheme.
fn scheme_hint(scheme: &str) -> String {
    if crate::routes::scheme::REFUSED_SCHEMES.contains(&scheme) {
        format!("`{scheme}:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: {{ allow_schemes: [...] }}` in site.yaml)")
    } else {
        format!("site.yaml refuses `{scheme}:` (`links: refuse_schemes`)")
    }
}

enum LinkOutcome {
    Keep,
    Rewrite {
        url: String,
        label: Option<String>,
        other_language: Option<(String, String)>,
    },
    Drop,
}

fn link(
    locator: &mut Locator<'_>,
    range: &Range<usize>,
    link_type: LinkType,
    dest: &str,
    resolver: &dyn LinkResolver,
    schemes: &SchemePolicy,
    out: &mut Rendered,
) -> LinkOutcome {
    let (path, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let target = match link_type {
        LinkType::WikiLink { .. } => LinkTarget::Wiki(path.trim()),
        _ if schemes.refused(dest, Use::Link).is_some() => {
            let scheme = schemes.refused(dest, Use::Link).unwrap_or_default();
            let message = format!("link `{dest}` uses a scheme that is not allowed");
            push_problem(out, locator, range, message, Some(scheme_hint(&scheme)));
            return LinkOutcome::Drop;
        }
        _ if is_content_file(path) => LinkTarget::File(path),
        _ => return LinkOutcome::Keep,
    };
    if out.problems.len() >= MAX_PROBLEMS {
        // The text fails anyway; resolving (and suggesting) more would only cost time.
        push_problem(out, locator, range, String::new(), None);
        return LinkOutcome::Drop;
    }
    match resolver.resolve(&target) {
        Ok(resolved) => {
            out.links.push(FoundLink {
                key: resolved.key,
                fragment: fragment.filter(|f| !f.is_empty()).map(String::from),
                at: locator.locate(range.start),
                span: Span::new(range.start, range.end),
            });
            let url = match fragment {
                Some(f) if !f.is_empty() => format!("{}#{f}", resolved.url),
                _ => resolved.url,
            };
            let label = matches!(link_type, LinkType::WikiLink { has_pothole: false })
                .then_some(resolved.title);
            LinkOutcome::Rewrite {
                url,
                label,
                other_language: resolved.other_language,
            }
        }
        Err(LinkProblem { message, hint }) => {
            push_problem(out, locator, range, message, hint);
            LinkOutcome::Drop
        }
    }
}

/// The caption, credit and whether decorative, from an image's title:
/// `"Caption. Credit: Name"`, `"Credit: Name"`, or `"decorative"`.
fn image_title(title: &str) -> (Option<String>, Option<String>, bool) {
    let title = title.trim();
    if title.eq_ignore_ascii_case("decorative") {
        return (None, None, true);
    }
    let lower = title.to_ascii_lowercase();
    let at = lower
        .match_indices("credit:")
        .map(|(i, _)| i)
        .filter(|&i| i == 0 || title[..i].ends_with(char::is_whitespace))
        .last();
    let nonempty = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
    match at {
        Some(i) => (
            nonempty(&title[..i]),
            nonempty(&title[i + "credit:".len()..]),
            false,
        ),
        None => (nonempty(title), None, false),
    }
}

/// A relative link to a Markdown file: `../people/han-dong.md`.
fn is_content_file(path: &str) -> bool {
    path.ends_with(".md") && !path.contains("://") && !path.starts_with("mailto:")
}

/// The ids given to a text's headings so far: each unique, from an explicit `{#id}` or
/// the heading's text.
#[derive(Default)]
struct HeadingIds {
    used: HashSet<String>,
    /// The next suffix to try for each base id, so that many equal headings take linear
    /// time (every smaller suffix is known to be taken already).
    next_suffix: HashMap<String, usize>,
}

impl HeadingIds {
    /// Gives the heading whose events are `events` (its start first) its unique id, and
    /// records it in `toc`.
    fn assign(
        &mut self,
        events: &mut std::collections::VecDeque<Event<'_>>,
        toc: &mut Vec<Heading>,
    ) {
        let Some(Event::Start(Tag::Heading { level, id, .. })) = events.front() else {
            return;
        };
        let level = *level as u8;
        let explicit = id.as_ref().map(|s| s.to_string());
        let mut title = String::new();
        for event in events.iter().skip(1) {
            if let Event::Text(t) | Event::Code(t) = event {
                title.push_str(t);
            }
        }
        let mut base = explicit.unwrap_or_else(|| text_slug(&title));
        // `fn-` ids are the footnotes' ([`footnote_id`]).
        if base.starts_with("fn-") {
            base.insert_str(0, "h-");
        }
        let mut unique = base.clone();
        let mut n = self.next_suffix.get(&base).copied().unwrap_or(1);
        while !self.used.insert(unique.clone()) {
            unique = format!("{base}-{n}");
            n += 1;
        }
        self.next_suffix.insert(base, n);
        if let Some(Event::Start(Tag::Heading { id, .. })) = events.front_mut() {
            *id = Some(CowStr::from(unique.clone()));
        }
        toc.push(Heading {
            level,
            id: unique,
            title,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed;

    impl LinkResolver for Fixed {
        fn resolve(&self, target: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem> {
            match target {
                LinkTarget::Wiki("han-dong")
                | LinkTarget::Wiki("people/han-dong")
                | LinkTarget::File("../people/han-dong.md") => Ok(ResolvedLink {
                    url: "/people/han-dong/".into(),
                    title: "Han Dong".into(),
                    key: 7,
                    other_language: None,
                }),
                other => Err(LinkProblem {
                    message: format!("unknown entry {other:?}"),
                    hint: Some("did you mean `han-dong`?".into()),
                }),
            }
        }
    }

    fn html(text: &str) -> String {
        render(text, &Fixed, RenderOptions::default()).html
    }

    #[test]
    fn wiki_links_take_the_title() {
        assert_eq!(
            html("See [[han-dong]]."),
            "<p>See <a href=\"/people/han-dong/\">Han Dong</a>.</p>\n"
        );
        assert_eq!(
            html("See [[han-dong|Mr. Dong]]."),
            "<p>See <a href=\"/people/han-dong/\">Mr. Dong</a>.</p>\n"
        );
        assert_eq!(
            html("[[people/han-dong#denial]]"),
            "<p><a href=\"/people/han-dong/#denial\">Han Dong</a></p>\n"
        );
    }

    #[test]
    fn file_links_resolve() {
        let r = render(
            "[him](../people/han-dong.md#x)",
            &Fixed,
            RenderOptions::default(),
        );
        assert_eq!(r.html, "<p><a href=\"/people/han-dong/#x\">him</a></p>\n");
        assert_eq!(
            r.links,
            vec![FoundLink {
                key: 7,
                fragment: Some("x".to_string()),
                at: Location::new(1, 1),
                span: Span::new(0, 30),
            }]
        );
    }

    #[test]
    fn broken_links_are_located() {
        let r = render(
            "Intro\n\nand [[han-dng]] here",
            &Fixed,
            RenderOptions::default(),
        );
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].at, Location::new(3, 5));
        assert_eq!(
            r.problems[0].hint.as_deref(),
            Some("did you mean `han-dong`?")
        );
        assert_eq!(r.html, "<p>Intro</p>\n<p>and han-dng here</p>\n");
    }

    #[test]
    fn javascript_links_are_refused() {
        let r = render(
            "[x](javascript:alert(1)) [y](JAVA&#9;SCRIPT:alert(1))",
            &Fixed,
            RenderOptions::default(),
        );
        assert_eq!(r.problems.len(), 2);
        assert!(!r.html.contains("javascript"), "{}", r.html);
        // Text before `:` that is no scheme is a relative link; other schemes pass.
        let r = render(
            "[a](foo\\):) [b](tel:+15550100) [c](/a/b:c)",
            &Fixed,
            RenderOptions::default(),
        );
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert!(r.html.contains("href=\"foo):\""), "{}", r.html);
        assert!(r.html.contains("href=\"tel:+15550100\""), "{}", r.html);
    }

    /// What `render` gives for refused links (the build stops, but the HTML must still
    /// hold no script URL, for `serve` and anything else that shows it).
    #[test]
    fn refused_links_render_as_text() {
        struct Nothing;
        impl LinkResolver for Nothing {
            fn resolve(&self, _: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem> {
                Err(LinkProblem {
                    message: "no".into(),
                    hint: None,
                })
            }
        }
        let out = render(
            "[a](javascript:alert(1)) <javascript:alert(1)> [b](vbscript:x)\n",
            &Nothing,
            RenderOptions::default(),
        );
        assert_eq!(out.problems.len(), 3);
        assert!(!out.html.contains("href"), "{}", out.html);
        assert_eq!(
            out.html.matches('<').count(),
            2,
            "only <p> and </p>: {}",
            out.html
        );
    }

    #[test]
    fn a_footnote_named_like_a_heading_keeps_a_distinct_id() {
        let out = html("## Sources\n\nSee the report.[^sources]\n\n[^sources]: The report.\n");
        assert!(out.contains("<h2 id=\"sources\">Sources</h2>"), "{out}");
        assert!(out.contains("<a href=\"#fn-sources\">1</a>"), "{out}");
        assert!(out.contains("id=\"fn-sources\""), "{out}");
        assert_eq!(out.matches("id=\"sources\"").count(), 1, "{out}");
        // Nor can a heading take a footnote's id.
        let out = html("## Fn sources\n\nSee.[^sources]\n\n[^sources]: It.\n");
        assert!(out.contains("<h2 id=\"h-fn-sources\">"), "{out}");
        assert_eq!(out.matches("id=\"fn-sources\"").count(), 1, "{out}");
    }

    #[test]
    fn github_alerts_are_callouts_that_say_their_kind() {
        let text = "> [!WARNING]\n> Check the *date*.\n\n> [!NOTE]\n> One.\n\n> Plain quote.\n";
        assert_eq!(
            html(text),
            "<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>Check the <em>date</em>.</p>\n</div>\n\
             <div class=\"callout callout-note\" role=\"note\">\n<p class=\"callout-title\">Note</p>\n<p>One.</p>\n</div>\n\
             <blockquote>\n<p>Plain quote.</p>\n</blockquote>\n"
        );
        // An unknown kind is a plain quote, its marker kept as text.
        assert!(html("> [!DANGER]\n> x\n").starts_with("<blockquote>\n<p>[!DANGER]"));
    }

    #[test]
    fn raw_html_is_escaped_unless_allowed() {
        assert_eq!(
            html("<script>alert(1)</script>\n"),
            "&lt;script&gt;alert(1)&lt;/script&gt;\n"
        );
        assert_eq!(html("a <b>b</b>"), "<p>a &lt;b&gt;b&lt;/b&gt;</p>\n");
        let allowed = render(
            "a <b>b</b>",
            &Fixed,
            RenderOptions {
                unsafe_html: true,
                ..RenderOptions::default()
            },
        );
        assert_eq!(allowed.html, "<p>a <b>b</b></p>\n");
    }

    #[test]
    fn headings_get_unique_ids_and_a_toc() {
        let r = render(
            "## The claim\n\n## The claim\n\n### Denial {#denial}\n",
            &Fixed,
            RenderOptions::default(),
        );
        assert_eq!(r.html, "<h2 id=\"the-claim\">The claim</h2>\n<h2 id=\"the-claim-1\">The claim</h2>\n<h3 id=\"denial\">Denial</h3>\n");
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(ids, ["the-claim", "the-claim-1", "denial"]);
    }

    #[test]
    fn tables_footnotes_strikethrough_and_smart_quotes() {
        let out = html("| a |\n|---|\n| b |\n\n~~x~~ \"q\" it's[^1]\n\n[^1]: note\n");
        assert!(out.contains("<table>"));
        assert!(out.contains("<del>x</del>"));
        assert!(out.contains("“q”"));
        assert!(out.contains("it’s"));
        assert!(out.contains("footnote-definition"));
    }

    #[test]
    fn fenced_code_is_highlighted_and_unknown_languages_are_plain() {
        assert!(html("```rust\nlet x = 1;\n```\n").contains("hl-"));
        assert!(html("```zzz\n<x>\n```\n").contains("&lt;x&gt;"));
    }

    #[test]
    fn inline_render_drops_the_paragraph() {
        let r = render_inline("He *denies* it", &Fixed, RenderOptions::default());
        assert_eq!(r.html, "He <em>denies</em> it");
    }

    #[test]
    fn locator_agrees_with_location_of_offset() {
        let text = "ab\né [[x]]\n\n  ü[[y]] z\n";
        let mut locator = Locator::new(text);
        let offsets: Vec<usize> = (0..=text.len()).chain([9, 3, 20, 0]).collect();
        for offset in offsets {
            assert_eq!(
                locator.locate(offset),
                Location::of_offset(text, offset),
                "offset {offset}"
            );
        }
    }

    #[test]
    fn many_equal_headings_take_linear_time() {
        // Quadratic before: each heading tried every earlier suffix again.
        let text = "## a\n\n".repeat(50_000) + "## a-1 {#a-1}\n## a\n";
        let started = std::time::Instant::now();
        let r = render(&text, &Fixed, RenderOptions::default());
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        let ids: Vec<&str> = r.toc.iter().map(|h| h.id.as_str()).collect();
        assert_eq!(&ids[..3], ["a", "a-1", "a-2"]);
        // An explicit id already taken gets a suffix; the next `a` skips it.
        assert_eq!(ids[50_000], "a-1-1");
        assert_eq!(ids[50_001], "a-50000");
    }

    #[test]
    fn many_links_are_located_in_linear_time() {
        let text = "[[han-dong]] [[nope]] ".repeat(100_000);
        let started = std::time::Instant::now();
        let r = render(&text, &Fixed, RenderOptions::default());
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
        // Valid links are found until the text has too many problems to be built.
        assert_eq!(r.links.len(), MAX_PROBLEMS);
        assert_eq!(r.problems.len(), MAX_PROBLEMS + 1);
        assert_eq!(r.problems[99].at, Location::new(1, 22 * 99 + 14));
        assert_eq!(r.problems[100].at, Location::new(1, 22 * 100 + 1));
        assert_eq!(
            r.problems[100].message,
            "more than 100 problems in this text; the rest are not listed"
        );
        // Valid links alone are all found, however many.
        let r = render(
            &"[[han-dong]] ".repeat(100_000),
            &Fixed,
            RenderOptions::default(),
        );
        assert_eq!(r.links.len(), 100_000);
        assert_eq!(r.links[99_999].at, Location::new(1, 13 * 99_999 + 1));
    }

    #[test]
    fn heading_attributes_cannot_add_event_handlers() {
        let text = "# A {#a .b onclick=alert(1) data-x=\"y\"}\n";
        assert_eq!(html(text), "<h1 id=\"a\" class=\"b\">A</h1>\n");
        let allowed = render(
            text,
            &Fixed,
            RenderOptions {
                unsafe_html: true,
                ..RenderOptions::default()
            },
        );
        assert!(allowed.html.contains("onclick"), "{}", allowed.html);
    }

    #[test]
    fn markdown_that_expands_too_much_is_refused_before_it_is_built() {
        // (pulldown-cmark already limits how far reference links expand.) Quotes nested
        // 99 deep, 30000 times: 3 MB of text, 80 MB of HTML.
        let text = format!("{} x\n\n", ">".repeat(99)).repeat(30_000);
        let r = render(&text, &Fixed, RenderOptions::default());
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert!(r.problems[0].message.contains("more than 64 MiB of HTML"));
        assert!(r.html.len() < MAX_HTML_BYTES);
        // Quotes nested a thousand deep.
        let r = render(&">".repeat(1000), &Fixed, RenderOptions::default());
        assert_eq!(r.problems.len(), 1);
        assert_eq!(r.problems[0].at, Location::new(1, 101));
        assert!(r.problems[0]
            .message
            .starts_with("Markdown nested more than 100 levels deep"));
        // A hundred is fine.
        let r = render(&">".repeat(90), &Fixed, RenderOptions::default());
        assert!(r.problems.is_empty());
    }

    /// From the `markdown` fuzz target: control characters before a scheme. Browsers
    /// drop leading C0 controls but not DEL, so `\x7fhttps://x` is a relative path
    /// (written `%7Fhttps://x`), while a scheme hidden behind any control character is
    /// still refused.
    #[test]
    fn control_characters_before_a_scheme() {
        let refused = |url: &str| DEFAULT_SCHEMES.refused(url, Use::Link).is_some();
        assert!(refused("\u{7f}javascript:alert(1)"));
        assert!(refused("\u{1}\u{7f} javascript:alert(1)"));
        let r = render(
            "[x](\u{7f}https://example.org/)",
            &Fixed,
            RenderOptions::default(),
        );
        assert!(r.problems.is_empty());
        assert_eq!(r.html, "<p><a href=\"%7Fhttps://example.org/\">x</a></p>\n");
    }
}
