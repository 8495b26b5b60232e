//! Components: blocks an editor calls from Markdown without raw HTML, written as a
//! fenced block whose info string names the component and whose text is YAML arguments:
//!
//! ````markdown
//! ```pullquote
//! text: We will not be intimidated.
//! by: han-dong
//! source: global-news-2023-03-22
//! ```
//! ````
//!
//! - `pullquote`: `text` (required), `by` (required, an entry, as in `[[...]]`) and
//!   `source` (an entry). Both refs are resolved like wiki-links, so they are checked,
//!   linked and backlinked.
//! - `embed`: `url` (required, `https://` on a host listed in `site.yaml`'s
//!   `embeds: { hosts: [...] }`) and `title` (required: an iframe's accessible name).
//!
//! Every argument is checked like a field, at its line: unknown keys, missing or empty
//! values, unknown entries, hosts not allowed. Text is escaped; nothing else reaches the
//! page. This module only builds markup from arguments; the caller resolves refs.

use pulldown_cmark_escape::{escape_href, escape_html};

use super::ResolvedLink;
use crate::routes::scheme::is_safe_url;

/// The info strings that name a component.
pub(super) fn is_component(lang: &str) -> bool {
    matches!(lang, "pullquote" | "embed")
}

/// One problem with a component's arguments, at a line of its text (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ArgProblem {
    pub(super) line: usize,
    pub(super) message: String,
    pub(super) hint: Option<String>,
}

/// The arguments as written: key, value and the line each is on.
type Args = Vec<(String, String, usize)>;

/// What a component needs from its caller: entries resolved (and recorded as links).
pub(super) trait Refs {
    /// Resolves `target` as a `[[target]]` link written at line `line` of the text.
    fn entry(&mut self, target: &str, line: usize) -> Result<ResolvedLink, ArgProblem>;
}

fn problem(line: usize, message: String, hint: Option<&str>) -> ArgProblem {
    ArgProblem {
        line,
        message,
        hint: hint.map(String::from),
    }
}

/// Reads `text` as a YAML mapping of strings, allowing only `keys`.
/// Problems with some arguments do not stop the others being checked.
fn args(
    component: &str,
    text: &str,
    keys: &[&str],
) -> Result<(Args, Vec<ArgProblem>), Vec<ArgProblem>> {
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line().saturating_sub(1));
            return Err(vec![problem(
                line,
                format!("the arguments of `{component}` are not valid YAML: {e}"),
                Some("write one `key: value` a line"),
            )]);
        }
    };
    let Some(map) = value.as_mapping() else {
        return Err(vec![problem(
            0,
            format!("the arguments of `{component}` must be `key: value` lines"),
            Some(&format!("its keys are {}", keys.join(", "))),
        )]);
    };
    let line_of = |key: &str| {
        text.lines()
            .position(|l| l.trim_start().starts_with(&format!("{key}:")))
            .unwrap_or(0)
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (k, v) in map {
        let key = match k {
            serde_yaml::Value::String(s) => s.clone(),
            _ => {
                problems.push(problem(0, format!("`{component}` keys are words"), None));
                continue;
            }
        };
        let line = line_of(&key);
        if !keys.contains(&key.as_str()) {
            let hint = format!("`{component}` takes {}", keys.join(", "));
            problems.push(problem(
                line,
                format!("unknown argument `{key}` of `{component}`"),
                Some(&hint),
            ));
            continue;
        }
        let text = match v {
            serde_yaml::Value::String(s) => s.clone(),
            serde_yaml::Value::Number(n) => n.to_string(),
            _ => {
                problems.push(problem(
                    line,
                    format!("`{key}` of `{component}` must be text"),
                    None,
                ));
                continue;
            }
        };
        out.push((key, text.trim().to_string(), line));
    }
    Ok((out, problems))
}

fn get<'a>(args: &'a Args, key: &str) -> Option<(&'a str, usize)> {
    args.iter()
        .find(|(k, v, _)| k == key && !v.is_empty())
        .map(|(_, v, line)| (v.as_str(), *line))
}

fn required<'a>(
    args: &'a Args,
    component: &str,
    key: &str,
    problems: &mut Vec<ArgProblem>,
) -> Option<(&'a str, usize)> {
    let found = get(args, key);
    if found.is_none() {
        problems.push(problem(
            0,
            format!("`{component}` needs `{key}`"),
            Some(&format!("add a line `{key}: ...`")),
        ));
    }
    found
}

fn html(text: &str) -> String {
    let mut out = String::new();
    let _ = escape_html(&mut out, text);
    out
}

fn href(url: &str) -> String {
    let mut out = String::new();
    // Escapes `&`, quotes and angle brackets for the attribute, and percent-encodes
    // what may not stand in a URL.
    let _ = escape_href(&mut out, url);
    out
}

/// The markup of component `lang` with arguments `text`, or its problems.
pub(super) fn render(
    lang: &str,
    text: &str,
    embed_hosts: &[String],
    refs: &mut dyn Refs,
) -> Result<String, Vec<ArgProblem>> {
    match lang {
        "pullquote" => pullquote(text, refs),
        _ => embed(text, embed_hosts),
    }
}

fn pullquote(text: &str, refs: &mut dyn Refs) -> Result<String, Vec<ArgProblem>> {
    let (args, mut problems) = args("pullquote", text, &["text", "by", "source"])?;
    let quote = required(&args, "pullquote", "text", &mut problems);
    let by = required(&args, "pullquote", "by", &mut problems);
    let mut link = |found: Option<(&str, usize)>| {
        let (target, line) = found?;
        refs.entry(target, line).map_err(|p| problems.push(p)).ok()
    };
    let by = link(by);
    let source = link(get(&args, "source"));
    let (Some(quote), Some(by)) = (quote, by) else {
        return Err(problems);
    };
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = format!(
        "<figure class=\"pullquote\">\n<blockquote><p>{}</p></blockquote>\n<figcaption><a href=\"{}\">{}</a>",
        html(quote.0),
        href(&by.url),
        html(&by.title)
    );
    if let Some(source) = source {
        out.push_str(&format!(
            ", <cite><a href=\"{}\">{}</a></cite>",
            href(&source.url),
            html(&source.title)
        ));
    }
    out.push_str("</figcaption>\n</figure>\n");
    Ok(out)
}

/// The host of an `https://` URL, lower-cased.
fn https_host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.contains('@') || authority.is_empty() {
        return None;
    }
    let host = authority.split(':').next()?;
    Some(host.to_ascii_lowercase())
}

fn embed(text: &str, hosts: &[String]) -> Result<String, Vec<ArgProblem>> {
    let (args, mut problems) = args("embed", text, &["url", "title"])?;
    let url = required(&args, "embed", "url", &mut problems);
    let title = required(&args, "embed", "title", &mut problems);
    if let Some((url, line)) = url {
        match https_host(url).filter(|_| is_safe_url(url)) {
            None => problems.push(problem(
                line,
                format!("embed address `{url}` is not an https:// address"),
                Some("embeds are shown from https:// addresses only"),
            )),
            Some(host) if !hosts.iter().any(|h| h.eq_ignore_ascii_case(&host)) => {
                let hint = if hosts.is_empty() {
                    "site.yaml lists no hosts to embed from: add `embeds: { hosts: [...] }`"
                        .to_string()
                } else {
                    format!("embeds may come from {}", hosts.join(", "))
                };
                problems.push(problem(
                    line,
                    format!("`{host}` is not a host this site embeds from"),
                    Some(&hint),
                ));
            }
            Some(_) => {}
        }
    }
    let (Some((url, _)), Some((title, _)), true) = (url, title, problems.is_empty()) else {
        return Err(problems);
    };
    Ok(format!(
        "<figure class=\"embed\">\n<iframe src=\"{src}\" title=\"{title}\" loading=\"lazy\" \
         sandbox=\"allow-scripts allow-same-origin allow-popups allow-presentation\" \
         allow=\"fullscreen; picture-in-picture\" referrerpolicy=\"strict-origin-when-cross-origin\"></iframe>\n\
         <figcaption><a href=\"{src}\">{title}</a></figcaption>\n</figure>\n",
        src = href(url),
        title = html(title)
    ))
}

/// What the caller's resolver says of a target, as a component's problem.
pub(super) fn ref_problem(line: usize, message: String, hint: Option<String>) -> ArgProblem {
    ArgProblem {
        line,
        message,
        hint,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Known;
    impl Refs for Known {
        fn entry(&mut self, target: &str, line: usize) -> Result<ResolvedLink, ArgProblem> {
            match target {
                "han-dong" => Ok(ResolvedLink {
                    url: "/people/han-dong/".into(),
                    title: "Han <Dong>".into(),
                    key: 1,
                    other_language: None,
                }),
                "news" => Ok(ResolvedLink {
                    url: "/sources/news/".into(),
                    title: "News & Views".into(),
                    key: 2,
                    other_language: None,
                }),
                other => Err(ref_problem(line, format!("no entry `{other}`"), None)),
            }
        }
    }

    #[test]
    fn a_pull_quote_links_its_speaker_and_source_escaped() {
        let html = render(
            "pullquote",
            "text: \"<b>We</b> & they\"\nby: han-dong\nsource: news\n",
            &[],
            &mut Known,
        )
        .unwrap();
        assert_eq!(
            html,
            "<figure class=\"pullquote\">\n<blockquote><p>&lt;b&gt;We&lt;/b&gt; &amp; they</p></blockquote>\n\
             <figcaption><a href=\"/people/han-dong/\">Han &lt;Dong&gt;</a>, <cite><a href=\"/sources/news/\">News &amp; Views</a></cite></figcaption>\n</figure>\n"
        );
    }

    #[test]
    fn bad_arguments_are_refused_at_their_lines() {
        let problems = render(
            "pullquote",
            "text: x\nby: nobody\nsorce: news\n",
            &[],
            &mut Known,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert_eq!(
            (problems[0].line, problems[0].message.as_str()),
            (2, "unknown argument `sorce` of `pullquote`")
        );
        assert_eq!(
            (problems[1].line, problems[1].message.as_str()),
            (1, "no entry `nobody`")
        );
        let problems = render("pullquote", "text: x\nby: nobody\n", &[], &mut Known).unwrap_err();
        assert_eq!(
            (problems[0].line, problems[0].message.as_str()),
            (1, "no entry `nobody`")
        );
        let problems = render("pullquote", "by: han-dong\n", &[], &mut Known).unwrap_err();
        assert_eq!(problems[0].message, "`pullquote` needs `text`");
    }

    #[test]
    fn embeds_come_only_from_listed_hosts_over_https() {
        let hosts = vec!["www.youtube-nocookie.com".to_string()];
        let ok = render(
            "embed",
            "url: https://www.youtube-nocookie.com/embed/x?a=1&b=2\ntitle: The \"statement\"\n",
            &hosts,
            &mut Known,
        )
        .unwrap();
        assert!(ok.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/x?a=1&amp;b=2\" title=\"The &quot;statement&quot;\""), "{ok}");
        for (url, message) in [
            ("https://evil.example/x", "`evil.example` is not a host this site embeds from"),
            ("http://www.youtube-nocookie.com/x", "embed address `http://www.youtube-nocookie.com/x` is not an https:// address"),
            ("javascript:alert(1)", "embed address `javascript:alert(1)` is not an https:// address"),
            ("https://www.youtube-nocookie.com@evil.example/", "embed address `https://www.youtube-nocookie.com@evil.example/` is not an https:// address"),
        ] {
            let problems = render("embed", &format!("title: t\nurl: \"{url}\"\n"), &hosts, &mut Known).unwrap_err();
            assert_eq!((problems[0].line, problems[0].message.as_str()), (1, message));
        }
        let problems = render(
            "embed",
            "url: https://www.youtube-nocookie.com/x\n",
            &hosts,
            &mut Known,
        )
        .unwrap_err();
        assert_eq!(problems[0].message, "`embed` needs `title`");
    }
}
