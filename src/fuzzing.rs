//! Entry points for the fuzz targets in `fuzz/` (with the `fuzzing` feature only): the
//! stages they exercise, called as the pipeline calls them, with their results turned
//! into plain data the targets check. Not an API: nothing else may use it.

use crate::diagnostic::Location;
use crate::markdown::{self, LinkProblem, LinkResolver, LinkTarget, RenderOptions, ResolvedLink};
use crate::yaml::{self, Document, Origin};

/// A key or a problem, and where it is.
pub type Placed = (String, Option<Location>);

/// A content file split and its front matter read.
#[derive(Debug)]
pub struct FrontMatter {
    /// The text after normalising (BOM dropped, LF line ends).
    pub text: String,
    /// The line the YAML starts on.
    pub yaml_line: usize,
    /// The line the body starts on.
    pub body_line: usize,
    /// The body.
    pub body: String,
    /// Where each top-level key is, or the problems with their places.
    pub keys: Result<Vec<Placed>, Vec<Placed>>,
}

/// Reads `text` as `load` reads a content file; `None` when it cannot be split.
pub fn front_matter(text: &str) -> Option<FrontMatter> {
    let text = crate::text_file::normalise(text.to_string());
    let parts = crate::load::split(&text).ok()?;
    let origin = Origin {
        line: parts.yaml_line,
        byte: parts.yaml.as_ptr() as usize - text.as_ptr() as usize,
    };
    let keys = match yaml::parse(parts.yaml, origin, Document::FrontMatter) {
        Ok(doc) => Ok(doc
            .root
            .keys()
            .filter_map(|k| k.as_str())
            .map(|k| {
                let at = doc.spans.key(&[k.into()]).map(|p| p.location);
                (k.to_string(), at)
            })
            .collect()),
        Err(problems) => Err(problems
            .into_iter()
            .map(|(e, at)| (format!("{e} {:?}", e.hint()), at.map(|p| p.location)))
            .collect()),
    };
    Some(FrontMatter {
        yaml_line: parts.yaml_line,
        body_line: parts.body_line,
        body: parts.body.to_string(),
        keys,
        text: text.clone(),
    })
}

/// What Markdown rendering gave.
#[derive(Debug)]
pub struct RenderedText {
    /// The HTML.
    pub html: String,
    /// Each problem's place and message.
    pub problems: Vec<(Location, String)>,
    /// Each site link's place and target key (0 or 1).
    pub links: Vec<(Location, usize)>,
    /// The heading ids.
    pub ids: Vec<String>,
}

struct Resolver;

impl LinkResolver for Resolver {
    fn resolve(&self, target: &LinkTarget<'_>) -> Result<ResolvedLink, LinkProblem> {
        let key = match target {
            LinkTarget::Wiki("han-dong") | LinkTarget::Wiki("people/han-dong") => 0,
            LinkTarget::File("../people/han-dong.md") | LinkTarget::File("han-dong.md") => 0,
            // A title full of markup: it must come out as text.
            LinkTarget::Wiki("x") => 1,
            other => {
                return Err(LinkProblem {
                    message: format!("no entry {other:?}"),
                    hint: Some("did you mean `han-dong`?".into()),
                })
            }
        };
        Ok(ResolvedLink {
            url: ["/people/han-dong/", "/x/"][key].into(),
            title: ["Han Dong", "<script>alert(1)</script>\"'&"][key].into(),
            key,
            other_language: None,
        })
    }
}

/// Renders `text` (inline for a Markdown field, else a body) with a resolver that knows
/// `han-dong` and `x`.
pub fn markdown(text: &str, unsafe_html: bool, inline: bool) -> RenderedText {
    let options = RenderOptions {
        unsafe_html,
        ..RenderOptions::default()
    };
    let out = if inline {
        markdown::render_inline(text, &Resolver, options)
    } else {
        markdown::render(text, &Resolver, options)
    };
    RenderedText {
        html: out.html,
        problems: out
            .problems
            .into_iter()
            .map(|p| (p.at, p.message))
            .collect(),
        links: out.links.into_iter().map(|l| (l.at, l.key)).collect(),
        ids: out.toc.into_iter().map(|h| h.id).collect(),
    }
}
