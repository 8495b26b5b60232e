//! Callouts and components in Markdown, through the binary on
//! `tests/fixtures/share-cards` with the default theme: GitHub alerts become callouts,
//! a pull quote links (and backlinks) its speaker and source, an embed shows only a
//! host `site.yaml` allows, and wrong arguments are refused at their lines.

mod common;

use std::path::Path;
use std::process::Command;

use common::{copy_dir, Site};

fn site() -> Site {
    let site = Site::copy("share-cards");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &repo.join("themes/default"),
        &site.root.join("themes/default"),
    );
    // The portrait is not what these tests are about.
    site.replace(
        "content/people/ada-lovelace.md",
        "portrait:\n  src: ada-lovelace.jpg\n  alt: Ada Lovelace at her desk\n  credit: Card Desk\n",
        "",
    );
    site.replace(
        "site.yaml",
        "search: false\n",
        "search: false\nembeds: { hosts: [www.youtube-nocookie.com] }\n",
    );
    site
}

/// Runs `casefile <command>` on the site (building into `public` beside it).
fn run(site: &Site, command: &str) -> std::process::Output {
    let out = site.out("public");
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args([command, "--color", "never", "--root"])
        .arg(&site.root)
        .args(if command == "build" {
            vec!["--output".to_string(), out.to_string_lossy().into_owned()]
        } else {
            Vec::new()
        })
        .output()
        .unwrap()
}

fn casefile(site: &Site, command: &str) -> (bool, String, String) {
    let run = run(site, command);
    (
        run.status.success(),
        String::from_utf8_lossy(&run.stdout).into_owned(),
        String::from_utf8_lossy(&run.stderr).into_owned(),
    )
}

const BODY: &str = "---
title: Short
date: 2023-01-05
---
A short title.

> [!WARNING]
> The date is *disputed*.

```pullquote
text: \"I <never> said *that* & I won't, as [[fish-and-chips]] knows.\"
by: ada-lovelace
source: about
```

```embed
url: https://www.youtube-nocookie.com/embed/abc?start=5&end=9
title: The statement, in full
```
";

#[test]
fn callouts_pull_quotes_and_embeds_render_safely_and_link_both_ways() {
    let site = site();
    site.write("content/events/short.md", BODY);
    let (ok, stdout, stderr) = casefile(&site, "build");
    assert!(ok, "{stdout}{stderr}");
    let out = site.out("public");
    let page = common::page(&out, "events/short/index.html");
    assert!(
        page.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Warning</p>\n<p>The date is <em>disputed</em>.</p>\n</div>"),
        "{page}"
    );
    assert!(
        page.contains("<figure class=\"pullquote\">\n<blockquote><p>I &lt;never&gt; said <em>that</em> &amp; I won’t, as <a href=\"/cards/people/fish-and-chips/\">Fish &amp; Chips &lt;b&gt;Ltd&lt;/b&gt; \"quoted\" &lt;/text&gt;&lt;text&gt;INJECTED</a> knows.</p></blockquote>"),
        "{page}"
    );
    assert!(
        page.contains("<figcaption><a href=\"/cards/people/ada-lovelace/\">Ada Lovelace</a>, <cite><a href=\"/cards/about/\">About this desk</a></cite></figcaption>"),
        "{page}"
    );
    assert!(
        page.contains("<iframe src=\"https://www.youtube-nocookie.com/embed/abc?start=5&amp;end=9\" title=\"The statement, in full\" loading=\"lazy\" sandbox="),
        "{page}"
    );
    // The speaker's page, and the page the quote's text links, link back to the quote's.
    for person in ["ada-lovelace", "fish-and-chips"] {
        let back = common::page(&out, &format!("people/{person}/index.html"));
        assert!(
            back.contains("href=\"/cards/events/short/\""),
            "{person}: {back}"
        );
    }
}

#[test]
fn wrong_component_arguments_are_refused_at_their_lines() {
    let site = site();
    site.write(
        "content/events/short.md",
        "---\ntitle: Short\n---\nText.\n\n```pullquote\ntext: x\nby: ada-lovelac\nsorce: about\n```\n\n```embed\nurl: https://evil.example/x\ntitle: t\n```\n\n```embed\nurl: https://www.youtube-nocookie.com/embed/abc\n```\n",
    );
    let (ok, stdout, stderr) = casefile(&site, "check");
    assert!(!ok, "{stdout}");
    for expected in [
        "content/events/short.md:9:1: error: unknown argument `sorce` of `pullquote`",
        "content/events/short.md:8:1: error: ",
        "content/events/short.md:13:1: error: `evil.example` is not a host this site embeds from",
        "content/events/short.md:18:1: error: `embed` needs `title`",
    ] {
        assert!(stderr.contains(expected), "{expected}\n{stderr}");
    }
    assert!(
        stderr.contains("help: embeds may come from www.youtube-nocookie.com"),
        "{stderr}"
    );
}

#[test]
fn a_site_draws_a_component_with_its_own_template() {
    let site = site();
    site.write("content/events/short.md", BODY);
    site.write(
        "templates/components/pullquote.html",
        "<aside class=\"quote\">{{ text }} <b>{{ by.title }}</b>{% if source %} ({{ source.title }}){% endif %}</aside>\n",
    );
    let (ok, stdout, stderr) = casefile(&site, "build");
    assert!(ok, "{stdout}{stderr}");
    let page = common::page(&site.out("public"), "events/short/index.html");
    assert!(
        page.contains("<aside class=\"quote\">I &lt;never&gt; said <em>that</em> &amp; I won’t, as <a href=\"/cards/people/fish-and-chips/\">"),
        "{page}"
    );
    assert!(
        page.contains(" <b>Ada Lovelace</b> (About this desk)</aside>"),
        "{page}"
    );
    // The embed keeps the theme's template.
    assert!(
        page.contains("<figure class=\"embed\">\n<iframe src="),
        "{page}"
    );

    // A template that cannot draw the quote is an error at the quote, naming the file.
    site.write("templates/components/pullquote.html", "{{ by.nickname }}");
    let (ok, _, stderr) = casefile(&site, "check");
    assert!(!ok);
    let line = BODY
        .lines()
        .position(|l| l == "```pullquote")
        .expect("the body has a pull quote")
        + 2;
    let expected = format!(
        "content/events/short.md:{line}:1: error: `templates/components/pullquote.html` could not draw it: "
    );
    assert!(stderr.contains(&expected), "{expected}\n{stderr}");
}

#[test]
fn a_site_draws_callouts_with_its_own_template() {
    let site = site();
    site.write("content/events/short.md", BODY);
    site.write(
        "templates/components/callout.html",
        "<aside class=\"alert {{ kind }}\"><strong>{{ title }}:</strong>{{ body }}</aside>\n",
    );
    let (ok, stdout, stderr) = casefile(&site, "build");
    assert!(ok, "{stdout}{stderr}");
    let page = common::page(&site.out("public"), "events/short/index.html");
    assert!(
        page.contains("<aside class=\"alert warning\"><strong>Warning:</strong>\n<p>The date is <em>disputed</em>.</p>\n</aside>"),
        "{page}"
    );

    // The text must go somewhere, once: else the alert is an error at its line.
    site.write(
        "templates/components/callout.html",
        "<aside>{{ title }}</aside>",
    );
    let (ok, _, stderr) = casefile(&site, "check");
    assert!(!ok);
    let line = BODY
        .lines()
        .position(|l| l == "> [!WARNING]")
        .expect("the body has a callout")
        + 1;
    let expected = format!(
        "content/events/short.md:{line}:1: error: `templates/components/callout.html` must print `body` exactly once"
    );
    assert!(stderr.contains(&expected), "{expected}\n{stderr}");
}

#[test]
fn component_templates_get_the_theme_words_and_refuse_what_they_cannot_call() {
    let site = site();
    site.write("content/events/short.md", BODY);
    site.write(
        "templates/components/embed.html",
        "<p class=\"embed\">{{ word(key=\"search\") }}: <a href=\"{{ url }}\">{{ title }}</a></p>\n",
    );
    let (ok, stdout, stderr) = casefile(&site, "build");
    assert!(ok, "{stdout}{stderr}");
    let page = common::page(&site.out("public"), "events/short/index.html");
    assert!(
        page.contains("<p class=\"embed\">Search: <a href=\"https://www.youtube-nocookie.com/embed/abc?start=5&amp;end=9\">The statement, in full</a></p>"),
        "{page}"
    );

    // A template that calls what component templates do not have is refused, named,
    // and reported beside the content's own problems; it is never silently replaced.
    site.write(
        "templates/components/embed.html",
        "{{ url_for(path=\"/\") }}",
    );
    site.replace(
        "content/events/short.md",
        "by: ada-lovelace",
        "by: ada-lovelac",
    );
    let output = run(&site, "check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("templates/components/embed.html:1:4: error: Unknown function `url_for`"),
        "{stderr}"
    );
    assert!(stderr.contains("content/events/short.md:"), "{stderr}");
}

#[test]
fn a_pull_quote_is_one_paragraph_and_a_host_is_sandboxed_or_not() {
    let site = site();
    site.write(
        "content/events/short.md",
        "---\ntitle: Short\n---\nText.\n\n```pullquote\ntext: 1984. The year.\nby: ada-lovelace\n```\n",
    );
    let (ok, _, stderr) = casefile(&site, "check");
    assert!(!ok);
    assert!(
        stderr.contains("content/events/short.md:7:1: error: a pull quote's text is one paragraph of inline Markdown"),
        "{stderr}"
    );
    assert!(stderr.contains("write `1984\\.`"), "{stderr}");

    site.write("content/events/short.md", "---\ntitle: Short\n---\nText.\n");
    site.replace(
        "site.yaml",
        "embeds: { hosts: [www.youtube-nocookie.com] }",
        "embeds: { hosts: [www.youtube-nocookie.com], own_origin: [www.youtube-nocookie.com] }",
    );
    let output = run(&site, "check");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("site.yaml:"), "{stderr}");
    assert!(stderr.contains("own_origin"), "{stderr}");
}
