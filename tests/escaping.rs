//! Escaping (issue 6), proven with the classic payloads in every field the schema has,
//! in site settings, tags, headings, link text and titles, and in file names where a
//! file name can carry them.
//!
//! The checks read the output generically, so they hold for whatever the theme and the
//! publishing stage write: every HTML page is scanned for markup a payload could have
//! made (event handlers, script URLs, scripts, unescaped `&`), every
//! `<script type="application/ld+json">` must be JSON that cannot close its element,
//! every `.xml` file (feeds, sitemap) must be well-formed as far as escaping goes,
//! every `.json` file (search index, timeline data) must be JSON with no raw `<`, the
//! timeline's strings (which TimelineJS shows as HTML) must be escaped text, and the
//! search script must insert what it finds as text.

mod common;
#[path = "adversarial/html.rs"]
mod html;
#[path = "adversarial/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::fs;

use casefile::{Config, FieldKind, FieldSpec};
use serde_yaml::{Mapping, Value};
use support::{files_below, listed, tree, Site};

/// The payloads, joined: each must come out as text wherever it lands.
const PAYLOAD: &str =
    "<script>alert(1)</script>\"><img src=x onerror=alert(1)></script>]]>&amp & 'q' \"q\"";

/// A URL that is allowed (http) but full of characters that must be escaped in `href`.
/// (No spaces: URLs with white space are refused, so `<img/src=x/onerror=...>`.)
const PAYLOAD_URL: &str = "https://example.net/?q=\"><img/src=x/onerror=alert(1)>&x='y'";

fn yaml_quoted(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// Appends the payload to every text and Markdown value the schema allows, sets URL
/// fields to the payload URL, and adds a payload tag; refs, enums and dates stay valid.
fn poison_front_matter(front: &mut Mapping, specs: &[FieldSpec], top: bool) {
    if top {
        for key in ["title", "summary"] {
            if let Some(Value::String(s)) = front.get_mut(key) {
                s.push(' ');
                s.push_str(PAYLOAD);
            } else if key == "summary" {
                front.insert(key.into(), PAYLOAD.into());
            }
        }
        let tags = front
            .entry("tags".into())
            .or_insert_with(|| Value::Sequence(Vec::new()));
        if let Value::Sequence(list) = tags {
            list.push(PAYLOAD.into());
        }
    }
    for spec in specs {
        let key = Value::from(spec.name.as_str());
        match &spec.kind {
            FieldKind::String | FieldKind::Markdown => {
                let value = front.entry(key).or_insert_with(|| "".into());
                if let Value::String(s) = value {
                    s.push(' ');
                    s.push_str(PAYLOAD);
                }
            }
            FieldKind::Strings => {
                front.insert(key, Value::Sequence(vec![PAYLOAD.into()]));
            }
            FieldKind::Url => {
                front.insert(key, PAYLOAD_URL.into());
            }
            FieldKind::Records(inner) => {
                if let Some(Value::Sequence(records)) = front.get_mut(&key) {
                    for record in records {
                        if let Value::Mapping(m) = record {
                            poison_front_matter(m, inner, false);
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

/// The bundled site with the payload everywhere it can go.
fn poisoned_bundled_site() -> Site {
    let site = Site::bundled();
    let config: Config = site.config(&site.public());
    // site.yaml: title, description, extra values, collection names and labels.
    let mut yaml = site.read("site.yaml");
    for key in ["title", "description"] {
        let start = yaml.find(&format!("\n{key}: ")).unwrap() + 1;
        let end = start + yaml[start..].find('\n').unwrap();
        yaml.replace_range(start..end, &format!("{key}: {}", yaml_quoted(PAYLOAD)));
    }
    yaml = yaml.replace(
        "\nextra:\n",
        &format!("\nextra:\n  injected: {}\n", yaml_quoted(PAYLOAD)),
    );
    for c in &config.collections {
        let from = format!("    title: {}\n", c.title);
        if yaml.contains(&from) {
            yaml = yaml.replacen(
                &from,
                &format!(
                    "    title: {}\n",
                    yaml_quoted(&format!("{} {PAYLOAD}", c.title))
                ),
                1,
            );
        }
    }
    yaml = yaml.replace(
        "label: Role }",
        &format!("label: {} }}", yaml_quoted(PAYLOAD)),
    );
    site.write("site.yaml", &yaml);

    // Every content file.
    for path in files_below(&site.root.join("content")) {
        let rel = path
            .strip_prefix(&site.root)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let text = site.read(&rel);
        let Some(rest) = text.strip_prefix("---\n") else {
            continue;
        };
        let (front, body) = rest.split_once("\n---\n").unwrap();
        let mut front: Mapping = serde_yaml::from_str(front).unwrap();
        let collection = rel
            .split('/')
            .nth(1)
            .filter(|_| rel.matches('/').count() == 2);
        let specs: &[FieldSpec] = collection
            // A collection's `_index.md` and its translations are pages, not entries.
            .filter(|_| {
                !rel.rsplit('/')
                    .next()
                    .unwrap_or_default()
                    .starts_with("_index")
            })
            .and_then(|name| config.collections.iter().find(|c| c.name == name))
            .map_or(&[], |c| c.fields.as_slice());
        poison_front_matter(&mut front, specs, true);
        let body = format!(
            "{body}\n\n## Heading {PAYLOAD}\n\n### Explicit id {{#x\"><img src=x onerror=alert(1)>}}\n\n{PAYLOAD}\n\n<div onclick=\"alert(1)\">{PAYLOAD}</div>\n\n[link text {PAYLOAD}](https://example.net/ \"title {PAYLOAD}\") and `{PAYLOAD}`\n\n```html\n{PAYLOAD}\n```\n"
        );
        site.write(
            &rel,
            format!("---\n{}---\n{body}", serde_yaml::to_string(&front).unwrap()),
        );
    }
    // A static file whose name carries markup (slugs cannot).
    site.write("static/<script>alert(1)<%2Fscript>&'.txt", "static\n");
    site
}

/// Every problem the generic checks find in an output tree.
fn output_problems(files: &BTreeMap<String, Vec<u8>>) -> Vec<String> {
    let mut problems = Vec::new();
    for (path, bytes) in files {
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue;
        };
        if path.ends_with(".html") {
            problems.extend(
                html::unsafe_markup(text)
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        } else if path.ends_with(".xml") {
            problems.extend(
                html::xml_problems(text)
                    .into_iter()
                    .map(|p| format!("{path}: {p}")),
            );
        } else if path.ends_with(".json") {
            if text.contains('<') {
                let at = text.find('<').unwrap();
                let around: String = text[at.saturating_sub(40)..].chars().take(80).collect();
                problems.push(format!("{path}: raw `<` in JSON: …{around}…"));
            }
            if text.to_ascii_lowercase().contains("</script") {
                problems.push(format!("{path}: raw `</script` in JSON"));
            }
            match serde_json::from_str::<serde_json::Value>(text) {
                // TimelineJS inserts the strings of its data as HTML, so they must be
                // escaped text; other JSON (the search index) is read by scripts that
                // insert with `textContent` (checked below), so raw text is right there.
                Ok(value) if path.contains("timeline") => {
                    let mut strings = Vec::new();
                    json_strings(&value, &mut strings);
                    for s in strings {
                        if s.contains("<script") || s.contains("<img") {
                            problems.push(format!(
                                "{path}: markup from content in a JSON string: {s:?}"
                            ));
                            break;
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => problems.push(format!("{path}: not valid JSON: {e}")),
            }
        } else if is_search_script(path) {
            for sink in [
                "innerHTML",
                "outerHTML",
                "insertAdjacentHTML",
                "document.write",
            ] {
                if text.contains(sink) {
                    problems.push(format!(
                        "{path}: search results must be inserted as text, not with `{sink}`"
                    ));
                }
            }
        }
    }
    problems
}

/// `search.js`, or its fingerprinted copy `search.<hash>.js`.
fn is_search_script(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with("search.") && name.ends_with(".js")
}

fn json_strings<'a>(value: &'a serde_json::Value, out: &mut Vec<&'a str>) {
    match value {
        serde_json::Value::String(s) => out.push(s),
        serde_json::Value::Array(items) => items.iter().for_each(|v| json_strings(v, out)),
        serde_json::Value::Object(map) => map.values().for_each(|v| json_strings(v, out)),
        _ => {}
    }
}

#[test]
fn payloads_in_every_field_come_out_as_text() {
    let site = poisoned_bundled_site();
    if let Err(d) = site.build(&site.public()) {
        panic!("the poisoned site must build:\n{d}");
    }
    let files = tree(&site.public());
    let problems = output_problems(&files);
    assert!(
        problems.is_empty(),
        "{} problems:\n{}",
        problems.len(),
        problems.join("\n")
    );

    // Not vacuous: what the checks look at is there.
    for (what, found) in [
        (
            "a feed or sitemap",
            files.keys().any(|p| p.ends_with(".xml")),
        ),
        (
            "timeline or search data",
            files.keys().any(|p| p.ends_with(".json")),
        ),
    ] {
        assert!(
            found,
            "the output has no {what}: {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    // The payload reached the pages, escaped, in text and attributes.
    let person = String::from_utf8(files["people/han-dong/index.html"].clone()).unwrap();
    let escaped =
        "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;";
    assert!(person.contains(escaped), "{person}");
    assert!(
        person.matches(escaped).count() >= 5,
        "title, summary, role, body, tag"
    );
    // And as data: the JSON-LD of the page holds the exact title.
    let json_ld = html::pieces(&person)
        .unwrap()
        .into_iter()
        .find_map(|p| match p {
            html::Piece::Raw {
                contents, attrs, ..
            } if attrs
                .iter()
                .any(|(n, v)| n == "type" && v == "application/ld+json") =>
            {
                Some(html::json_in_script(contents).unwrap())
            }
            _ => None,
        });
    if let Some(json_ld) = json_ld {
        let text = json_ld.to_string();
        assert!(
            text.contains("alert(1)</script>"),
            "the JSON-LD keeps the title as data: {text}"
        );
    }
    let xml: Vec<&String> = files.keys().filter(|p| p.ends_with(".xml")).collect();
    for path in &xml {
        let text = String::from_utf8_lossy(&files[*path]);
        // A feed with entries (an edition without corrections has an empty one).
        let feed = path.contains("atom") || path.contains("feed") || path.contains("rss");
        if feed && text.contains("<entry>") {
            assert!(text.contains("alert(1)"), "{path} carries the titles");
        }
    }
    // The static file with markup in its name is copied as is; nothing links to it.
    assert!(files.contains_key("<script>alert(1)<%2Fscript>&'.txt"));
}

#[test]
fn payloads_in_the_adversarial_theme_too() {
    // The base site's own theme puts values in attributes (`title=`, `data-*=`) and
    // URL fields in `href`; the same payloads must stay text there.
    let site = Site::base();
    let config = site.config(&site.public());
    for rel in [
        "content/people/han-dong.md",
        "content/orgs/parliament.md",
        "content/about.md",
    ] {
        let text = site.read(rel);
        let rest = text.strip_prefix("---\n").unwrap();
        let (front, body) = rest.split_once("\n---\n").unwrap();
        let mut front: Mapping = serde_yaml::from_str(front).unwrap();
        let specs = rel
            .split('/')
            .nth(1)
            .and_then(|c| config.collections.iter().find(|x| x.name == c))
            .map_or(&[][..], |c| c.fields.as_slice());
        poison_front_matter(&mut front, specs, true);
        site.write(
            rel,
            format!(
                "---\n{}---\n{body}\n{PAYLOAD}\n",
                serde_yaml::to_string(&front).unwrap()
            ),
        );
    }
    site.build(&site.public()).unwrap();
    let files = tree(&site.public());
    let problems = output_problems(&files);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    let person = String::from_utf8(files["people/han-dong/index.html"].clone()).unwrap();
    assert!(person.contains(
        "<h1 title=\"Han Dong &lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/script&gt;]]&gt;&amp;amp &amp; &#39;q&#39; &quot;q&quot;\">"
    ), "{person}");
    assert!(person.contains(
        "<a href=\"https://example.net/?q=&quot;&gt;&lt;img/src=x/onerror=alert(1)&gt;&amp;x=&#39;y&#39;\">"
    ), "{person}");
}

#[test]
fn javascript_urls_are_refused_in_front_matter() {
    let site = Site::base();
    site.replace(
        "content/people/han-dong.md",
        "website: https://example.com/han-dong",
        "website: \" JaVaScRiPt:alert(1)\"",
    );
    let err = site.build(&site.public()).unwrap_err();
    assert_eq!(
        listed(&err),
        "content/people/han-dong.md:10:10: error: `website`: ` JaVaScRiPt:alert(1)` is not an absolute URL with an allowed scheme"
    );
    assert!(!site.public().exists());
}

#[test]
fn javascript_urls_are_refused_in_markdown_links() {
    let site = Site::base();
    site.write(
        "content/about.md",
        concat!(
            "---\ntitle: About\n---\n",
            "[a](javascript:alert(1)) [b](JAVA&#9;SCRIPT:alert(1)) [c](&#106;avascript:alert(1))\n",
            "<javascript:alert(1)> ![i](data:text/html,<script>alert(1)</script>)\n",
            "[d][ref] [e](vbscript:msgbox(1))\n\n[ref]: javascript&colon;alert(1)\n",
        ),
    );
    let err = site.build(&site.public()).unwrap_err();
    assert_eq!(
        listed(&err),
        [
            "content/about.md:4:1: error: link `javascript:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:4:26: error: link `JAVA\tSCRIPT:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:4:55: error: link `javascript:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:5:1: error: link `javascript:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:5:23: error: image source `data:text/html,<script>alert(1)</script>` uses a scheme that is not allowed\n  = help: `data:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:6:1: error: link `javascript:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:6:10: error: link `vbscript:msgbox(1)` uses a scheme that is not allowed\n  = help: `vbscript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
        ]
        .join("\n")
    );
    assert!(!site.public().exists());
}

#[test]
fn raw_html_in_markdown_is_off_by_default_and_a_setting_turns_it_on() {
    let body = "<script>alert(1)</script>\n\nText with <b onmouseover=\"alert(1)\">bold</b>.\n\n# Head {onclick=alert(1)}\n";
    let site = Site::base();
    site.write(
        "content/about.md",
        format!("---\ntitle: About\n---\n{body}"),
    );
    site.build(&site.public()).unwrap();
    let about = fs::read_to_string(site.public().join("about/index.html")).unwrap();
    assert!(
        about.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{about}"
    );
    assert!(
        about.contains("Text with &lt;b onmouseover=\"alert(1)\"&gt;bold&lt;/b&gt;."),
        "{about}"
    );
    assert!(about.contains("<h1 id=\"head\">Head</h1>"), "{about}");
    assert!(html::unsafe_markup(&about).is_empty());

    let text = site.read("site.yaml");
    site.write(
        "site.yaml",
        format!("{text}markdown: {{ unsafe_html: true }}\n"),
    );
    let out = site.out("unsafe");
    site.build(&out).unwrap();
    let about = fs::read_to_string(out.join("about/index.html")).unwrap();
    assert!(about.contains("<script>alert(1)</script>"), "{about}");
    assert!(
        about.contains("<b onmouseover=\"alert(1)\">bold</b>"),
        "{about}"
    );
    assert!(about.contains("onclick=\"alert(1)\""), "{about}");
    assert!(
        !html::unsafe_markup(&about).is_empty(),
        "the checker sees it"
    );
}

#[test]
fn payloads_in_file_names_are_refused_with_the_name_shown_as_written() {
    let site = Site::base();
    site.write(
        "content/people/<script>alert(1)<script>.md",
        "---\ntitle: x\n---\n",
    );
    site.write(
        "content/people/\"><img src=x onerror=alert(1)>.md",
        "---\ntitle: x\n---\n",
    );
    let err = site.build(&site.public()).unwrap_err();
    assert_eq!(
        listed(&err),
        [
            "content/people/\"><img src=x onerror=alert(1)>.md: error: `\"><img src=x onerror=alert(1)>` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: rename the file to `img-src-x-onerror-alert-1.md`",
            "content/people/<script>alert(1)<script>.md: error: `<script>alert(1)<script>` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: rename the file to `script-alert-1-script.md`",
        ]
        .join("\n")
    );
}

#[test]
fn the_html_checker_catches_what_it_must() {
    // The checks above are only as good as the scanner: it must see each attack.
    let bad = [
        "<p><img src=x onerror=alert(1)></p>",
        "<a href=\"javascript:alert(1)\">x</a>",
        "<a href=\" java&#x09;script:alert(1)\">x</a>",
        "<a href='JAVASCRIPT:alert(1)'>x</a>",
        "<p>a & b</p>",
        "<p title=\"a\" onclick=x>b</p>",
        "<script>alert(1)</script>",
        "<script type=\"application/ld+json\">{\"a\": \"</script><script>alert(1)\"}</script>",
        "<script type=\"application/ld+json\">{not json}</script>",
        "<iframe src=\"https://example.org\"></iframe>",
    ];
    for page in bad {
        assert!(!html::unsafe_markup(page).is_empty(), "missed: {page}");
    }
    let good = "<!doctype html><p title=\"&quot;&gt;&lt;img&gt;\">&lt;script&gt; &amp; &#39;</p><script type=\"application/ld+json\">{\"a\":\"\\u003c/script\\u003e\"}</script><script src=\"/x.js\"></script>";
    assert_eq!(html::unsafe_markup(good), Vec::<String>::new());
    assert!(!html::xml_problems("<feed><title>a & b</title></feed>").is_empty());
    assert!(!html::xml_problems("<feed><title>]]></title></feed>").is_empty());
    assert!(!html::xml_problems("<feed><title><![CDATA[x]]>]]></title></feed>").is_empty());
    assert!(html::xml_problems("<?xml version=\"1.0\"?><feed><title type=\"html\">&lt;b&gt; <![CDATA[<b>]]]]><![CDATA[>]]></title><link href=\"/a?b=1&amp;c=2\"/></feed>").is_empty());
}
