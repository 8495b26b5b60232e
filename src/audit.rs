//! The audit of a rendered site (what `casefile check` adds to a build's checks): it
//! reads the pages as a reader's browser would see them: every internal link,
//! `#fragment` and asset resolves, every page has a title and a description.
//!
//! Works on the in-memory [`Output`] (so `casefile check` needs no earlier build and
//! writes nothing). It lists external URLs but cannot test them: this tool runs with no
//! network, and says so rather than pretend.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use lol_html::{element, rewrite_str, text, RewriteStrSettings};
use rayon::prelude::*;
use thiserror::Error;

use crate::config::Config;
use std::path::PathBuf;

use crate::diagnostic::{Diagnostic, Diagnostics, Location, Stage};
use crate::render::Output;

/// What is wrong with a rendered page.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum AuditError {
    /// A link to a page or file that is not in the output.
    #[error("link to `{0}` does not resolve to a page or file of the site")]
    Missing(String),
    /// A link to an `#id` that the target page does not have.
    #[error("link to `{url}`: the page has no element with id `{fragment}`")]
    Fragment {
        /// The link.
        url: String,
        /// The missing id.
        fragment: String,
    },
    /// No `<title>`.
    #[error("page has no <title>")]
    NoTitle,
    /// No description meta tag.
    #[error("page has no <meta name=\"description\"> with content")]
    NoDescription,
    /// Pages made by the engine (no content file) with no description meta tag.
    #[error("{count} page{} with no content file {} no <meta name=\"description\">: {pages}", if *.count == 1 { "" } else { "s" }, if *.count == 1 { "has" } else { "have" })]
    GeneratedWithoutDescription {
        /// How many.
        count: usize,
        /// The first few.
        pages: String,
    },
    /// HTML that could not be parsed.
    #[error("cannot parse the page: {0}")]
    Parse(String),
}

/// What the check found.
#[derive(Debug, Clone, Default)]
pub struct AuditReport {
    /// HTML pages checked.
    pub pages: usize,
    /// Internal links and assets checked.
    pub links: usize,
    /// External URL to the pages that use it (not fetched: there is no network here).
    pub external: BTreeMap<String, BTreeSet<String>>,
}

#[derive(Default)]
struct PageScan {
    ids: HashSet<String>,
    urls: Vec<String>,
    title: bool,
    description: bool,
    /// `<meta name="robots" content="noindex">`: not for search engines (a redirect page).
    noindex: bool,
}

fn scan(html: &str) -> Result<PageScan, String> {
    let found = RefCell::new(PageScan::default());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("[id]", |el| {
            if let Some(id) = el.get_attribute("id") {
                found.borrow_mut().ids.insert(id);
            }
            Ok(())
        }))
        .append_element_content_handler(element!("a[href], link[href]", |el| {
            if let Some(href) = el.get_attribute("href") {
                found.borrow_mut().urls.push(href);
            }
            Ok(())
        }))
        .append_element_content_handler(element!(
            "script[src], img[src], source[src], iframe[src], video[src], audio[src]",
            |el| {
                if let Some(src) = el.get_attribute("src") {
                    found.borrow_mut().urls.push(src);
                }
                Ok(())
            }
        ))
        .append_element_content_handler(element!("meta[name=description]", |el| {
            if el
                .get_attribute("content")
                .is_some_and(|c| !c.trim().is_empty())
            {
                found.borrow_mut().description = true;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("meta[name=robots]", |el| {
            if el.get_attribute("content").is_some_and(|c| {
                c.split(',')
                    .any(|d| d.trim().eq_ignore_ascii_case("noindex"))
            }) {
                found.borrow_mut().noindex = true;
            }
            Ok(())
        }))
        .append_element_content_handler(text!("title", |t| {
            if !t.as_str().trim().is_empty() {
                found.borrow_mut().title = true;
            }
            Ok(())
        }));
    rewrite_str(html, settings).map_err(|e| e.to_string())?;
    Ok(found.into_inner())
}

/// Where a URL points, relative to the output root, if it is internal.
enum Target {
    Internal {
        path: String,
        fragment: Option<String>,
    },
    External(String),
    Ignored,
}

fn classify(url: &str, page: &str, config: &Config) -> Target {
    let base = &config.site.base_url;
    let url = url.trim();
    if url.is_empty()
        || url.starts_with("mailto:")
        || url.starts_with("tel:")
        || url.starts_with("data:")
    {
        return Target::Ignored;
    }
    let (without_fragment, fragment) = match url.split_once('#') {
        Some((u, f)) => (u, Some(f.to_string())),
        None => (url, None),
    };
    let without_query = without_fragment.split('?').next().unwrap_or("");
    let site_relative = if let Some(rest) = without_query.strip_prefix(base.origin()) {
        if !rest.is_empty() && !rest.starts_with('/') {
            return Target::External(url.to_string());
        }
        rest.to_string()
    } else if without_query.contains("://") || without_query.starts_with("//") {
        return Target::External(url.to_string());
    } else if without_query.is_empty() {
        // `#id` on the same page.
        return Target::Internal {
            path: page.to_string(),
            fragment,
        };
    } else if without_query.starts_with('/') {
        without_query.to_string()
    } else {
        let dir = page
            .rsplit_once('/')
            .map(|(d, _)| format!("/{d}/"))
            .unwrap_or_else(|| "/".into());
        format!("{}{}", base.url(&dir), without_query)
    };
    let Some(inside) = site_relative
        .strip_prefix(base.path())
        .or_else(|| (site_relative == base.path().trim_end_matches('/')).then_some(""))
    else {
        return Target::Internal {
            path: site_relative,
            fragment,
        };
    };
    let mut parts: Vec<&str> = Vec::new();
    for part in inside.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    let mut site_path = parts.join("/");
    if (inside.is_empty() || inside.ends_with('/')) && !site_path.is_empty() {
        site_path.push('/');
    }
    Target::Internal {
        path: crate::routes::output_file(&site_path),
        fragment,
    }
}

/// Checks every HTML page of `output`: the report, and the problems found (errors and
/// warnings). `sources` names the content file of each page rendered from one, where a
/// problem of the page's own text is reported.
pub(crate) fn audit_output(
    config: &Config,
    output: &Output,
    sources: &BTreeMap<String, PathBuf>,
) -> (AuditReport, Diagnostics) {
    let output_name = config
        .output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "public".into());
    let pages: Vec<(&String, &Vec<u8>)> = output
        .files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .collect();
    let scans: Vec<(&String, Result<PageScan, String>)> = pages
        .par_iter()
        .map(|(path, bytes)| (*path, scan(&String::from_utf8_lossy(bytes))))
        .collect();
    let mut diagnostics = Diagnostics::new();
    let mut ids: HashMap<&str, &HashSet<String>> = HashMap::new();
    for (path, result) in &scans {
        if let Ok(found) = result {
            ids.insert(path.as_str(), &found.ids);
        }
    }
    let mut report = AuditReport {
        pages: scans.len(),
        ..AuditReport::default()
    };
    // Pages with no content file (collection indexes, the timeline, tags) take the
    // site's description: one warning for them all, where the fix is.
    let mut generated_without: Vec<&str> = Vec::new();
    for (path, result) in &scans {
        let location = format!("{output_name}/{path}");
        let found = match result {
            Ok(found) => found,
            Err(e) => {
                diagnostics.push(Diagnostic::new(
                    Stage::Audit,
                    &location,
                    AuditError::Parse(e.clone()),
                ));
                continue;
            }
        };
        // A not-found page is served at any address, so it has no canonical place to check from.
        let is_not_found = path.as_str() == "404.html";
        if !found.title {
            diagnostics.push(Diagnostic::new(
                Stage::Audit,
                &location,
                AuditError::NoTitle,
            ));
        }
        // A page kept out of search engines (a redirect page) is not described to them.
        if !found.description && !is_not_found && !found.noindex {
            // A warning: the page works, but search engines and link previews make up
            // a description of their own. The theme already tried the text's first
            // sentences, so the fix is in the front matter.
            match sources.get(path.as_str()) {
                Some(source) => diagnostics.push(
                    Diagnostic::new(Stage::Audit, source, AuditError::NoDescription)
                        .at(Some(Location::start()))
                        .with_hint(Some(
                            "give it a `summary:` in its front matter, or text the theme can take its first sentences from".into(),
                        ))
                        .warning(),
                ),
                None => generated_without.push(path.as_str()),
            }
        }
        for url in &found.urls {
            match classify(url, path, config) {
                Target::Ignored => {}
                Target::External(u) => {
                    report
                        .external
                        .entry(u)
                        .or_default()
                        .insert(path.to_string());
                }
                Target::Internal {
                    path: target,
                    fragment,
                } => {
                    report.links += 1;
                    if !output.contains(&target) {
                        diagnostics.push(Diagnostic::new(
                            Stage::Audit,
                            &location,
                            AuditError::Missing(url.clone()),
                        ));
                        continue;
                    }
                    if let Some(fragment) = fragment.filter(|f| !f.is_empty() && f != "top") {
                        let has = ids
                            .get(target.as_str())
                            .is_some_and(|set| set.contains(&fragment));
                        if target.ends_with(".html") && !has {
                            diagnostics.push(Diagnostic::new(
                                Stage::Audit,
                                &location,
                                AuditError::Fragment {
                                    url: url.clone(),
                                    fragment,
                                },
                            ));
                        }
                    }
                }
            }
        }
    }
    if !generated_without.is_empty() {
        let n = generated_without.len();
        let shown: Vec<&str> = generated_without.iter().take(3).copied().collect();
        let more = if n > 3 {
            format!(" and {} more", n - 3)
        } else {
            String::new()
        };
        diagnostics.push(
            Diagnostic::new(
                Stage::Audit,
                "site.yaml",
                AuditError::GeneratedWithoutDescription {
                    count: n,
                    pages: format!("{}{more}", shown.join(", ")),
                },
            )
            .at(Some(Location::start()))
            .with_hint(Some(
                "set `description:` in site.yaml; the theme uses it on pages without text of their own".into(),
            ))
            .warning(),
        );
    }
    (report, diagnostics)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{BaseUrl, BuildOptions};

    fn config(base: &str) -> Config {
        let mut c = crate::config::Config {
            root: ".".into(),
            output: "public".into(),
            drafts: false,
            deny_warnings: false,
            site: crate::config::SiteSettings {
                title: "t".into(),
                description: "d".into(),
                base_url: BaseUrl::parse(base).unwrap(),
                language: "en".into(),
                default_language: "en".into(),
                languages: vec!["en".into()],
                locales: Default::default(),
                editions: Vec::new(),
                theme: "default".into(),
                unsafe_html: false,
                schemes: Default::default(),
                extra: serde_json::Value::Null,
                keep: Vec::new(),
                schema_org: "WebPage".into(),
                search: false,
                publisher: crate::config::Publisher {
                    name: "t".into(),
                    url: None,
                },
                images: crate::config::ImageSettings::default(),
                embed_hosts: Default::default(),
                redirects: Vec::new(),
                pagination: crate::config::Pagination::default(),
            },
            collections: Vec::new(),
            edition: None,
            translations: Vec::new(),
            strings: Default::default(),
        };
        c.drafts = BuildOptions::default().drafts;
        c
    }

    fn site(pages: &[(&str, &str)]) -> Output {
        Output {
            files: pages
                .iter()
                .map(|(p, h)| (p.to_string(), h.as_bytes().to_vec()))
                .collect(),
            pages: pages.len(),
            ..Output::default()
        }
    }

    const HEAD: &str = "<title>T</title><meta name=\"description\" content=\"D\">";

    #[test]
    fn finds_broken_links_and_fragments_under_a_base_path() {
        let c = config("https://example.org/x/");
        let out = site(&[
            ("index.html", &format!("{HEAD}<a href=\"/x/a/\">a</a><a href=\"/x/a/#here\">h</a><a href=\"/x/a/#gone\">g</a><a href=\"/x/nope/\">n</a><a href=\"https://other.org/\">o</a><a href=\"a/\">r</a>")),
            ("a/index.html", &format!("{HEAD}<h2 id=\"here\">x</h2><a href=\"../\">up</a><a href=\"https://example.org/x/\">abs</a>")),
        ]);
        let (_, err) = audit_output(&c, &out, &BTreeMap::new());
        let text: Vec<String> = err.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "public/index.html: error: link to `/x/a/#gone`: the page has no element with id `gone`",
                "public/index.html: error: link to `/x/nope/` does not resolve to a page or file of the site",
            ]
        );
    }

    #[test]
    fn lists_external_urls_and_requires_titles() {
        let c = config("https://example.org/");
        let out = site(&[("index.html", "<a href=\"https://other.org/a\">o</a>")]);
        let sources = BTreeMap::from([("index.html".to_string(), "content/_index.md".into())]);
        let (_, problems) = audit_output(&c, &out, &sources);
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "public/index.html: error: page has no <title>",
                "content/_index.md:1:1: warning: page has no <meta name=\"description\"> with content\n  = help: give it a `summary:` in its front matter, or text the theme can take its first sentences from",
            ]
        );
        assert_eq!((problems.errors(), problems.warnings()), (1, 1));
        let ok = site(&[(
            "index.html",
            &format!("{HEAD}<a href=\"https://other.org/a\">o</a>"),
        )]);
        let (report, problems) = audit_output(&c, &ok, &sources);
        assert!(problems.is_empty());
        assert_eq!(
            report.external.keys().collect::<Vec<_>>(),
            ["https://other.org/a"]
        );
    }
}
