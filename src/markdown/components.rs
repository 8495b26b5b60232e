//! Components: blocks an editor calls from Markdown without raw HTML, written as a
//! fenced block whose info string names the component and whose text is YAML arguments:
//!
//! ````markdown
//! ```pullquote
//! text: We will publish the *full* report.
//! by: jane-roe
//! source: city-hall-statement
//! ```
//! ````
//!
//! - `pullquote`: `text` (required, inline Markdown), `by` (required, an entry, as in
//!   `[[...]]`) and `source` (an entry). Both refs, and links in the text, are resolved
//!   like wiki-links, so they are checked, linked and backlinked.
//! - `embed`: `url` (required, `https://` on a host listed in `site.yaml`'s
//!   `embeds: { hosts: [...], own_origin: [...] }`) and `title` (required: an iframe's
//!   accessible name).
//!
//! Every argument is checked like a field, at its line: unknown keys, missing or empty
//! values, unknown entries, hosts not allowed. The checked arguments are then drawn by
//! the theme's template `components/<name>.html` ([`ComponentTemplates`]), autoescaped,
//! so a newsroom restyles a pull quote the way it restyles a page. This module checks
//! arguments and renders those templates; the caller resolves refs and finds the files.

use std::sync::OnceLock;

use tera::{Context, Map, Tera, Value};

use super::ResolvedLink;
use crate::config::EmbedHosts;
use crate::routes::scheme::is_safe_url;

/// What the theme draws in a text, each with its template `components/<name>.html`:
/// the two fenced components, and callouts (GitHub's alerts).
pub(crate) const COMPONENTS: [&str; 3] = ["pullquote", "embed", "callout"];

/// Stands where a callout's text goes while its template is drawn, so that the one
/// drawing splits into the markup before the text and after it. Markdown's HTML never
/// holds a NUL (the parser replaces it), so the text cannot fake it.
const CALLOUT_BODY: &str = "\u{0}callout-body\u{0}";

/// The template that draws component `name`.
pub(crate) fn template_name(name: &str) -> String {
    format!("components/{name}.html")
}

/// The theme's component templates, loaded apart from the page templates: Markdown is
/// rendered before pages are, and a component needs none of a page's functions.
pub(crate) struct ComponentTemplates {
    tera: Tera,
    /// The file each template came from, as diagnostics name it.
    files: Vec<(String, String)>,
}

impl std::fmt::Debug for ComponentTemplates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentTemplates")
            .field("files", &self.files)
            .finish()
    }
}

impl ComponentTemplates {
    /// The templates among `sources` (name, text, the file shown in errors) whose names
    /// are `components/<name>.html`, loaded into `tera` (which holds the functions they
    /// may call); a component the sources leave out is drawn by the built-in theme's
    /// template. `Err` holds each template that does not load: its name and tera's error.
    pub(crate) fn new(
        mut tera: Tera,
        sources: &[(String, String, String)],
    ) -> Result<ComponentTemplates, Vec<(String, tera::Error)>> {
        tera.autoescape_on([".html"]);
        let mut files = Vec::new();
        let mut problems = Vec::new();
        for name in COMPONENTS {
            let wanted = template_name(name);
            let given = sources
                .iter()
                .find(|(n, _, _)| *n == wanted)
                .map(|(_, text, shown)| (text.clone(), shown.clone()));
            let Some((text, shown)) = given.or_else(|| {
                let shown = format!("{}/templates/{wanted}", crate::theme::BUILTIN_LABEL);
                builtin_source(&wanted).map(|text| (text, shown))
            }) else {
                continue;
            };
            match tera.add_raw_template(&wanted, &text) {
                Ok(()) => files.push((wanted, shown)),
                Err(e) => problems.push((wanted, e)),
            }
        }
        if problems.is_empty() {
            Ok(ComponentTemplates { tera, files })
        } else {
            Err(problems)
        }
    }

    /// The built-in theme's, for texts rendered without a site (tests, fuzzing).
    pub(crate) fn builtin() -> &'static ComponentTemplates {
        static BUILTIN: OnceLock<ComponentTemplates> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            ComponentTemplates::new(Tera::new(), &[])
                .unwrap_or_else(|e| panic!("the built-in component templates load: {e:?}"))
        })
    }

    /// Component `name` drawn with `args`, or why its template failed.
    fn render(&self, name: &str, args: Args) -> Result<String, String> {
        let template = template_name(name);
        let shown = self.shown(&template);
        let mut context = Context::new();
        for (key, value) in args {
            context.insert_value(key, value);
        }
        self.tera
            .render(&template, &context)
            .map_err(|e| format!("`{shown}` could not draw it: {}", tera_message(&e)))
    }

    /// The markup before and after the text of a callout of `kind` (`note`, `warning`...)
    /// titled `title`, or why its template cannot draw one.
    pub(super) fn callout(&self, kind: &str, title: &str) -> Result<(String, String), String> {
        let drawn = self.render(
            "callout",
            vec![
                ("kind", Value::from(kind)),
                ("title", Value::from(title)),
                ("body", Value::safe_string(CALLOUT_BODY)),
            ],
        )?;
        match drawn.split_once(CALLOUT_BODY) {
            Some((before, after)) if !after.contains(CALLOUT_BODY) => {
                Ok((before.to_string(), after.to_string()))
            }
            _ => Err(format!(
                "`{}` must print `body` exactly once",
                self.shown(&template_name("callout"))
            )),
        }
    }

    /// The file template `template` came from, as diagnostics name it.
    fn shown<'t>(&'t self, template: &'t str) -> &'t str {
        self.files
            .iter()
            .find(|(n, _)| n == template)
            .map_or(template, |(_, shown)| shown.as_str())
    }
}

/// The built-in theme's text of template `name`.
fn builtin_source(name: &str) -> Option<String> {
    crate::theme::builtin_files("templates")
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, bytes)| String::from_utf8_lossy(bytes).into_owned())
}

/// tera's message and its causes, on one line.
fn tera_message(error: &tera::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The info strings that name a fenced component.
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
type Written = Vec<(String, String, usize)>;

/// The arguments as the template sees them.
type Args = Vec<(&'static str, Value)>;

/// What a component needs from its caller: entries resolved and inline Markdown
/// rendered (their links recorded as the page's).
pub(super) trait Refs {
    /// Resolves `target` as a `[[target]]` link written at line `line` of the text.
    fn entry(&mut self, target: &str, line: usize) -> Result<ResolvedLink, ArgProblem>;

    /// Renders `text`, written at line `line`, as inline Markdown.
    fn inline(&mut self, text: &str, line: usize) -> Result<String, Vec<ArgProblem>>;
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
) -> Result<(Written, Vec<ArgProblem>), Vec<ArgProblem>> {
    let value: serde_yaml::Value = match serde_yaml::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            let line = e.location().map_or(0, |l| l.line().saturating_sub(1));
            // YAML reads a value that starts with `[`, `*`, `&`... as a list, an alias or
            // an anchor: the usual cause when an editor writes a link or emphasis first.
            let special = text.lines().enumerate().find(|(_, l)| {
                l.split_once(':').is_some_and(|(_, value)| {
                    value
                        .trim_start()
                        .starts_with(['[', '{', '*', '&', '!', '|', '>', '%', '@', '`'])
                })
            });
            let (line, hint) = match special {
                Some((at, l)) => {
                    let key = l.split(':').next().unwrap_or_default().trim();
                    let hint = format!(
                        "YAML reads a value that starts with `[`, `*`, `&` and the like as \
                         something else: put it in quotes, `{key}: \"...\"`"
                    );
                    (at, hint)
                }
                None => (line, "write one `key: value` a line".to_string()),
            };
            return Err(vec![problem(
                line,
                format!("the arguments of `{component}` are not valid YAML: {e}"),
                Some(&hint),
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

fn get<'a>(args: &'a Written, key: &str) -> Option<(&'a str, usize)> {
    args.iter()
        .find(|(k, v, _)| k == key && !v.is_empty())
        .map(|(_, v, line)| (v.as_str(), *line))
}

fn required<'a>(
    args: &'a Written,
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

/// An entry as the templates see it: as `entry_link` in `components.html` reads one.
fn entry_value(link: &ResolvedLink) -> Value {
    let mut m = Map::new();
    m.insert("url".into(), Value::from(link.url.as_str()));
    m.insert("title".into(), Value::from(link.title.as_str()));
    if let Some((lang, note)) = &link.other_language {
        m.insert("lang".into(), Value::from(lang.as_str()));
        m.insert("lang_note".into(), Value::from(note.as_str()));
    }
    Value::from(m)
}

/// The markup of component `lang` with arguments `text`, drawn by `templates`, or its
/// problems (a template that fails is a problem at the block's first line).
pub(super) fn render(
    lang: &str,
    text: &str,
    embeds: &EmbedHosts,
    refs: &mut dyn Refs,
    templates: &ComponentTemplates,
) -> Result<String, Vec<ArgProblem>> {
    let args = match lang {
        "pullquote" => pullquote(text, refs)?,
        _ => embed(text, embeds)?,
    };
    templates
        .render(lang, args)
        .map_err(|message| vec![problem(0, message, None)])
}

fn pullquote(text: &str, refs: &mut dyn Refs) -> Result<Args, Vec<ArgProblem>> {
    let (args, mut problems) = args("pullquote", text, &["text", "by", "source"])?;
    let quote = required(&args, "pullquote", "text", &mut problems);
    let by = required(&args, "pullquote", "by", &mut problems);
    let quote = quote.and_then(|(quote, line)| {
        refs.inline(quote, line)
            .map_err(|p| problems.extend(p))
            .ok()
    });
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
    Ok(vec![
        ("text", Value::safe_string(&quote)),
        ("by", entry_value(&by)),
        ("source", source.as_ref().map_or(Value::none(), entry_value)),
    ])
}

/// What may not stand in an address as written in an attribute.
const URL_UNSAFE: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'<')
    .add(b'>')
    .add(b'`');

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

fn embed(text: &str, embeds: &EmbedHosts) -> Result<Args, Vec<ArgProblem>> {
    let (args, mut problems) = args("embed", text, &["url", "title"])?;
    let url = required(&args, "embed", "url", &mut problems);
    let title = required(&args, "embed", "title", &mut problems);
    let mut own_origin = false;
    if let Some((url, line)) = url {
        match https_host(url).filter(|_| is_safe_url(url)) {
            None => problems.push(problem(
                line,
                format!("embed address `{url}` is not an https:// address"),
                Some("embeds are shown from https:// addresses only"),
            )),
            Some(host) => match embeds.lookup(&host) {
                Some(own) => own_origin = own,
                None => {
                    let all = embeds.all();
                    let hint = if all.is_empty() {
                        "site.yaml lists no hosts to embed from: add `embeds: { hosts: [...] }`"
                            .to_string()
                    } else {
                        format!("embeds may come from {}", all.join(", "))
                    };
                    problems.push(problem(
                        line,
                        format!("`{host}` is not a host this site embeds from"),
                        Some(&hint),
                    ));
                }
            },
        }
    }
    let (Some((url, _)), Some((title, _)), true) = (url, title, problems.is_empty()) else {
        return Err(problems);
    };
    // Spaces, quotes and characters past ASCII are percent-encoded: an address as a
    // browser (and the HTML checker) reads it in an attribute.
    let encoded = percent_encoding::utf8_percent_encode(url, URL_UNSAFE).to_string();
    Ok(vec![
        ("url", Value::from(encoded)),
        ("host", Value::from(https_host(url).unwrap_or_default())),
        ("title", Value::from(title)),
        ("own_origin", Value::from(own_origin)),
    ])
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

        fn inline(&mut self, text: &str, _: usize) -> Result<String, Vec<ArgProblem>> {
            let mut out = String::new();
            let _ = pulldown_cmark_escape::escape_html(&mut out, text);
            Ok(out.replace("*We*", "<em>We</em>"))
        }
    }

    fn no_hosts() -> EmbedHosts {
        EmbedHosts::default()
    }

    fn draw(lang: &str, text: &str, hosts: &EmbedHosts) -> Result<String, Vec<ArgProblem>> {
        render(lang, text, hosts, &mut Known, ComponentTemplates::builtin())
    }

    #[test]
    fn a_pull_quote_links_its_speaker_and_source_escaped() {
        let html = draw(
            "pullquote",
            "text: \"<b>*We*</b> & they\"\nby: han-dong\nsource: news\n",
            &no_hosts(),
        )
        .unwrap();
        assert_eq!(
            html,
            "<figure class=\"pullquote\">\n<blockquote><p>&lt;b&gt;<em>We</em>&lt;/b&gt; &amp; they</p></blockquote>\n\
             <figcaption><a href=\"/people/han-dong/\">Han &lt;Dong&gt;</a>, <cite><a href=\"/sources/news/\">News &amp; Views</a></cite></figcaption>\n</figure>\n"
        );
    }

    #[test]
    fn bad_arguments_are_refused_at_their_lines() {
        let problems = draw(
            "pullquote",
            "text: x\nby: nobody\nsorce: news\n",
            &no_hosts(),
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
        let problems = draw("pullquote", "text: x\nby: nobody\n", &no_hosts()).unwrap_err();
        assert_eq!(
            (problems[0].line, problems[0].message.as_str()),
            (1, "no entry `nobody`")
        );
        let problems = draw("pullquote", "by: han-dong\n", &no_hosts()).unwrap_err();
        assert_eq!(problems[0].message, "`pullquote` needs `text`");
    }

    #[test]
    fn embeds_come_only_from_listed_hosts_over_https() {
        let hosts = EmbedHosts {
            hosts: vec!["charts.example".to_string()],
            own_origin: vec!["www.youtube-nocookie.com".to_string()],
        };
        let ok = draw(
            "embed",
            "url: https://www.youtube-nocookie.com/embed/é?a=1&b=2\ntitle: The \"statement\"\n",
            &hosts,
        )
        .unwrap();
        assert!(ok.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/%C3%A9?a=1&amp;b=2\" title=\"The &quot;statement&quot;\" loading=\"lazy\" allow="), "{ok}");
        // A host of `hosts:` is sandboxed; one of `own_origin:` is not.
        assert!(!ok.contains("sandbox"), "{ok}");
        let chart = draw(
            "embed",
            "url: https://Charts.example/c/1\ntitle: A chart\n",
            &hosts,
        )
        .unwrap();
        assert!(chart.contains(" sandbox=\"allow-scripts allow-popups allow-popups-to-escape-sandbox allow-presentation\" "), "{chart}");
        for (url, message) in [
            ("https://evil.example/x", "`evil.example` is not a host this site embeds from"),
            ("https://charts.example.evil/x", "`charts.example.evil` is not a host this site embeds from"),
            ("http://www.youtube-nocookie.com/x", "embed address `http://www.youtube-nocookie.com/x` is not an https:// address"),
            ("javascript:alert(1)", "embed address `javascript:alert(1)` is not an https:// address"),
            ("https://www.youtube-nocookie.com@evil.example/", "embed address `https://www.youtube-nocookie.com@evil.example/` is not an https:// address"),
        ] {
            let problems = draw("embed", &format!("title: t\nurl: \"{url}\"\n"), &hosts).unwrap_err();
            assert_eq!((problems[0].line, problems[0].message.as_str()), (1, message));
        }
        let problems =
            draw("embed", "url: https://www.youtube-nocookie.com/x\n", &hosts).unwrap_err();
        assert_eq!(problems[0].message, "`embed` needs `title`");
    }

    #[test]
    fn a_theme_template_draws_the_component_and_its_failure_is_a_problem() {
        let own = ComponentTemplates::new(
            Tera::new(),
            &[(
                "components/pullquote.html".into(),
                "<q>{{ text }}</q> — {{ by.title }}".into(),
                "templates/components/pullquote.html".into(),
            )],
        )
        .unwrap();
        let html = render(
            "pullquote",
            "text: x & y\nby: han-dong\n",
            &no_hosts(),
            &mut Known,
            &own,
        )
        .unwrap();
        assert_eq!(html, "<q>x &amp; y</q> — Han &lt;Dong&gt;");
        // The embed, which the site does not override, is the built-in theme's.
        let hosts = EmbedHosts {
            hosts: vec!["charts.example".into()],
            own_origin: Vec::new(),
        };
        let embed = render(
            "embed",
            "url: https://charts.example/\ntitle: t\n",
            &hosts,
            &mut Known,
            &own,
        )
        .unwrap();
        assert!(embed.starts_with("<figure class=\"embed\">"), "{embed}");

        let broken = ComponentTemplates::new(
            Tera::new(),
            &[(
                "components/pullquote.html".into(),
                "{{ by.nickname }}".into(),
                "templates/components/pullquote.html".into(),
            )],
        )
        .unwrap();
        let problems = render(
            "pullquote",
            "text: x\nby: han-dong\n",
            &no_hosts(),
            &mut Known,
            &broken,
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .starts_with("`templates/components/pullquote.html` could not draw it: "),
            "{problems:?}"
        );
    }

    #[test]
    fn a_template_that_cannot_load_is_refused_not_replaced() {
        let problems = ComponentTemplates::new(
            Tera::new(),
            &[(
                "components/embed.html".into(),
                "{{ no_such_function() }}".into(),
                "templates/components/embed.html".into(),
            )],
        )
        .unwrap_err();
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, "components/embed.html");
    }

    #[test]
    fn a_value_yaml_reads_as_something_else_gets_a_hint_at_its_line() {
        let problems = draw(
            "pullquote",
            "by: han-dong\ntext: [[han-dong]] said it.\n",
            &no_hosts(),
        )
        .unwrap_err();
        assert_eq!(problems[0].line, 1, "{problems:?}");
        assert_eq!(
            problems[0].hint.as_deref(),
            Some("YAML reads a value that starts with `[`, `*`, `&` and the like as something else: put it in quotes, `text: \"...\"`")
        );
    }
}
