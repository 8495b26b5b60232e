//! One document rendered: its Markdown body to HTML with a table of contents, its fields
//! resolved, every reference and link as an edge, every broken one as a problem at its
//! place. Documents are rendered independently of each other, in parallel.

use std::sync::Arc;

use super::fields::resolve_fields;
use super::links::{LinkIndex, SiteResolver};
use super::{diagnostic, DocIndex, Edge, Node, ResolveError};
use crate::config::{Config, FieldSpec};
use crate::diagnostic::{first_problems_of_file, Diagnostic, Location, Place, Span};
use crate::images::Picture;
use crate::markdown::{self, ComponentTemplates, HighlightMemo, RenderOptions};
use crate::model::Document;
use crate::routes::Route;

/// A document rendered: its node, its problems and its outgoing edges.
pub(super) struct RenderedDocument {
    pub(super) node: Node,
    pub(super) problems: Vec<Diagnostic>,
    pub(super) edges: Arc<[Edge]>,
}

/// What the theme gives every text: its component templates, and the callout titles of
/// each language the site's documents are in (looked up once, not once a document).
pub(super) struct TextTheme<'a> {
    components: &'a ComponentTemplates,
    highlights: &'a HighlightMemo,
    callout_titles: Vec<(String, [String; 5])>,
}

impl<'a> TextTheme<'a> {
    pub(super) fn new<'l>(
        config: &Config,
        components: &'a ComponentTemplates,
        highlights: &'a HighlightMemo,
        languages: impl Iterator<Item = &'l str>,
    ) -> TextTheme<'a> {
        let mut callout_titles: Vec<(String, [String; 5])> = Vec::new();
        for language in languages {
            if !callout_titles.iter().any(|(l, _)| l == language) {
                let titles = markdown::CALLOUT_WORDS.map(|key| config.word_in(language, key));
                callout_titles.push((language.to_string(), titles));
            }
        }
        TextTheme {
            components,
            highlights,
            callout_titles,
        }
    }

    fn callout_titles(&self, language: &str) -> Option<&[String; 5]> {
        self.callout_titles
            .iter()
            .find(|(l, _)| l == language)
            .map(|(_, titles)| titles)
    }
}

/// Renders document `i`, published at `route` and `url`.
pub(super) fn render_document(
    config: &Config,
    theme: &TextTheme<'_>,
    index: &LinkIndex<'_>,
    i: DocIndex,
    doc: Arc<Document>,
    (route, url): (Route, String),
) -> RenderedDocument {
    // One highlighting budget for the file: its body and its Markdown fields.
    let highlight = markdown::HighlightBudget::per_file();
    let options = RenderOptions {
        unsafe_html: config.site.unsafe_html,
        highlight: Some(&highlight),
        highlighted: Some(theme.highlights),
        embeds: Some(&config.site.embed_hosts),
        components: Some(theme.components),
        schemes: Some(&config.site.schemes),
        callout_titles: theme.callout_titles(&doc.lang),
    };
    let resolver = SiteResolver::new(config, index, &doc.path);
    let mut problems = Vec::new();
    let mut edges = Vec::new();
    let body = markdown::render(&doc.body, &resolver, options);
    let in_body = |at: Location, span: Span| Place {
        location: at.shifted(doc.body_line - 1),
        span: Some(span.shifted(doc.body_offset)),
    };
    for p in body.problems {
        problems.push((
            diagnostic(&doc.path, ResolveError::Link(p.message))
                .at(Some(in_body(p.at, p.span)))
                .with_hint(p.hint),
            None,
        ));
    }
    let images: Vec<Picture> = body
        .images
        .iter()
        .map(|found| Picture {
            at: Some(in_body(found.at, found.span)),
            ..found.picture.clone()
        })
        .collect();
    for link in &body.links {
        edges.push(Edge {
            from: i,
            to: link.key,
            field: None,
            qualifiers: None,
            fragment: link.fragment.clone(),
            at: Some(in_body(link.at, link.span)),
        });
    }
    let schema = doc
        .id
        .entry()
        .and_then(|id| config.collections.iter().find(|c| c.name == id.collection));
    let specs: &[FieldSpec] = schema.map(|c| c.fields.as_slice()).unwrap_or(&[]);
    let fields = resolve_fields(
        &doc.fields,
        specs,
        "",
        index,
        &resolver,
        options,
        i,
        &doc.path,
        &mut edges,
        &mut problems,
    );
    // The did-you-mean search over every slug, for the problems listed only.
    let problems: Vec<Diagnostic> = first_problems_of_file(problems)
        .into_iter()
        .map(|(d, unknown)| match unknown {
            Some(id) => d.with_hint(index.unknown_entry_hint(&id)),
            None => d,
        })
        .collect();
    RenderedDocument {
        node: Node {
            doc,
            route,
            url,
            content: body.html.into(),
            toc: body.toc.into(),
            excerpt: body.excerpt.into(),
            fields: fields.into(),
            images: images.into(),
        },
        problems,
        edges: edges.into(),
    }
}
