//! Behaviour of a successful build of the `valid` fixture through the library API:
//! the output tree, URLs under a base path, backlinks, timeline, tags, drafts, Markdown
//! safety, highlighting, determinism and how the output folder is replaced.

mod common;

use std::fs;

use common::{between, files, lines_with, page, tree, Site};

/// Every file a build of the `valid` fixture writes.
const VALID_TREE: [&str; 30] = [
    "404.html",
    "about/index.html",
    "allegations/advice/index.html",
    "allegations/atom.xml",
    "allegations/election-funds/index.html",
    "allegations/index.html",
    "allegations/witting-affiliate/index.html",
    "atom.xml",
    "bodies/atom.xml",
    "bodies/global-news/index.html",
    "bodies/house-committee/index.html",
    "bodies/index.html",
    CSS,
    "index.html",
    "people/atom.xml",
    "people/han-dong/index.html",
    "people/han-tao/index.html",
    "people/index.html",
    "robots.txt",
    "shared.txt",
    "sitemap.xml",
    "tags/elections/atom.xml",
    "tags/elections/index.html",
    "tags/foreign-interference/atom.xml",
    "tags/foreign-interference/index.html",
    "tags/index.html",
    "tags/parliament/atom.xml",
    "tags/parliament/index.html",
    "timeline.json",
    "timeline/index.html",
];

/// The theme's stylesheet, published under a name carrying its content hash.
const CSS: &str = "css/min.731b254b29.css";

fn built() -> (Site, std::path::PathBuf) {
    let site = Site::copy("valid");
    let out = site.out("public");
    if let Err(d) = site.build(&out) {
        panic!("the valid fixture must build:\n{d}");
    }
    (site, out)
}

#[test]
fn output_tree_is_exactly_the_expected_files() {
    let (_site, out) = built();
    assert_eq!(files(&out), VALID_TREE);
}

#[test]
fn report_counts_entries_pages_and_files() {
    let site = Site::copy("valid");
    let out = site.out("public");
    let report = site.build(&out).unwrap();
    let entries: Vec<(&str, usize)> = report
        .entries
        .iter()
        .map(|(c, n)| (c.as_str(), *n))
        .collect();
    assert_eq!(entries, [("people", 2), ("bodies", 2), ("allegations", 3)]);
    assert_eq!(report.pages, 1, "one standalone page");
    assert_eq!(report.rendered, 18, "pages rendered from templates");
    assert_eq!(report.files, 30);
    let bytes: u64 = tree(&out).values().map(|b| b.len() as u64).sum();
    assert_eq!(report.bytes, bytes);
}

#[test]
fn check_renders_in_memory_and_writes_nothing() {
    let site = Site::copy("valid");
    let out = site.out("public");
    let before = tree(&site.root);
    let (report, links) = casefile::check(&site.config(&out, false)).unwrap();
    assert_eq!(links.pages, 18, "HTML pages checked");
    assert!(
        links.external.contains_key("https://example.com/x"),
        "{:?}",
        links.external
    );
    assert_eq!(report.rendered, 18);
    assert!(!out.exists(), "check must not create the output folder");
    assert!(!site.root.join("public").exists());
    assert_eq!(tree(&site.root), before, "check must not touch the site");
    let leftovers = common::names_in(site.tmp.path());
    assert_eq!(leftovers, ["site"], "no staging folders either");
}

#[test]
fn every_internal_link_honours_the_base_path() {
    let (_site, out) = built();
    let mut checked = 0;
    for (path, bytes) in tree(&out) {
        if !path.ends_with(".html") {
            continue;
        }
        let html = String::from_utf8(bytes).unwrap();
        for (i, _) in html.match_indices("href=\"") {
            let url = &html[i + 6..];
            let url = &url[..url.find('"').unwrap()];
            checked += 1;
            assert!(
                url.starts_with("/explainer/")
                    || url.starts_with("https://")
                    || url.starts_with('#'),
                "{path}: link `{url}` ignores the base path"
            );
        }
    }
    assert!(checked > 100, "only {checked} links checked");
    let home = page(&out, "index.html");
    assert!(home.contains(r#"<p class="url">/explainer/</p>"#));
    assert!(home.contains(r#"<p class="base">https://example.org/explainer/ /explainer/</p>"#));
    assert!(home.contains(&format!(
        r#"<link rel="stylesheet" href="/explainer/{CSS}">"#
    )));
    let entry = page(&out, "people/han-dong/index.html");
    assert!(entry.contains(
        "Person people/han-dong /explainer/people/han-dong/ https://example.org/explainer/people/han-dong/"
    ));
}

#[test]
fn base_url_override_replaces_the_configured_one() {
    let site = Site::copy("valid");
    let out = site.out("preview");
    let mut options = common::options(&site.root, &out, false);
    options.base_url = Some("https://preview.example.net".into());
    let config = casefile::load_config(&options).unwrap();
    casefile::build(&config).unwrap();
    let home = page(&out, "index.html");
    assert!(
        home.contains(r#"<p class="base">https://preview.example.net/ /</p>"#),
        "{home}"
    );
    assert!(home.contains(r#"<a href="/people/han-dong/">Han Dong</a>"#));
    assert!(!home.contains("/explainer/"));
}

#[test]
fn wiki_links_of_every_form_and_file_links_resolve() {
    let (_site, out) = built();
    let about = page(&out, "about/index.html");
    let expected = concat!(
        "<p>Links of every form: <a href=\"/explainer/people/han-dong/\">Han Dong</a>, ",
        "<a href=\"/explainer/people/han-dong/\">the MP</a>, ",
        "<a href=\"/explainer/people/han-tao/\">Han Tao</a>,\n",
        "<a href=\"/explainer/people/han-dong/#denial\">Han Dong</a>, ",
        "<a href=\"/explainer/bodies/house-committee/\">the committee</a>,\n",
        "<a href=\"/explainer/people/han-dong/#denial\">Dong’s denial</a> and ",
        "<a href=\"https://example.com/x\">an outside page</a>.</p>",
    );
    assert!(about.contains(expected), "{about}");
    // A relative file link from inside a collection folder.
    let tao = page(&out, "people/han-tao/index.html");
    assert!(
        tao.contains(r#"<a href="/explainer/people/han-dong/#denial">the denial</a>"#),
        "{tao}"
    );
    // Wiki-links inside a Markdown field.
    let allegation = page(&out, "allegations/witting-affiliate/index.html");
    assert!(allegation.contains(
        r#"<p class="claim">Han Dong was a <em>witting affiliate</em>, according to <a href="/explainer/bodies/global-news/">Global News</a>.</p>"#
    ));
}

#[test]
fn headings_get_ids_and_a_table_of_contents() {
    let (_site, out) = built();
    let dong = page(&out, "people/han-dong/index.html");
    assert!(dong.contains(r#"<h2 id="background">Background</h2>"#));
    assert!(dong.contains(r#"<h2 id="denial">Denial</h2>"#));
    assert!(dong.contains(
        r##"<nav class="toc"><a href="#background">Background</a> <a href="#denial">Denial</a> </nav>"##
    ));
}

#[test]
fn fields_are_typed_and_refs_become_cards() {
    let (_site, out) = built();
    let committee = page(&out, "bodies/house-committee/index.html");
    let fields = between(&committee, "<dl class=\"fields\">\n", "</dl>");
    assert_eq!(
        lines_with(fields, "<dt>"),
        [
            r#"<dt>Kind</dt><dd class="field-kind">committee</dd>"#,
            r#"<dt>Chair</dt><dd class="field-chair"><a href="/explainer/people/han-tao/">Han Tao</a></dd>"#,
            r#"<dt>Founded</dt><dd class="field-founded">1994</dd>"#,
            r#"<dt>Also known as</dt><dd class="field-known_as">PROC, Procedure committee</dd>"#,
        ]
    );
    assert!(committee.contains(r#"<p class="date">2019 (year)</p>"#));

    let news = page(&out, "bodies/global-news/index.html");
    assert!(news.contains(r#"<dd class="field-website">https://globalnews.ca/</dd>"#));

    // A per-collection template (`allegations/entry.html`) with records.
    let advice = page(&out, "allegations/advice/index.html");
    assert!(advice.contains("allegation allegations/advice dated February 2023 (month)"));
    assert!(advice.contains(r#"<p class="status">Status: reported</p>"#));
    assert!(advice.contains(
        r#"<p class="subjects">About: <a href="/explainer/people/han-dong/">Han Dong</a> (Member of Parliament), <a href="/explainer/people/han-tao/">Han Tao</a> (Consul general)</p>"#
    ));
    assert!(advice.contains(
        r#"<ul class="responses"><li>Han Dong (/explainer/people/han-dong/): denies</li><li>Han Tao (/explainer/people/han-tao/): no-response</li></ul>"#
    ));
    let witting = page(&out, "allegations/witting-affiliate/index.html");
    assert!(witting
        .contains(r#"<li>Han Dong (/explainer/people/han-dong/): denies, February 2023</li>"#));
    assert!(witting.contains(r#"<p class="anonymous">Anonymous: true</p>"#));
    // A single slug with its collection prefix, where a list is declared.
    let funds = page(&out, "allegations/election-funds/index.html");
    assert!(funds.contains(
        r#"<p class="subjects">About: <a href="/explainer/people/han-dong/">Han Dong</a> (Member of Parliament)</p>"#
    ));
}

#[test]
fn backlinks_are_grouped_under_their_labels() {
    let (_site, out) = built();
    let a = |slug: &str, title: &str| format!("<a href=\"/explainer/{slug}/\">{title}</a>");
    let dong = page(&out, "people/han-dong/index.html");
    let allegations = [
        a("allegations/advice", "Advice on detained Canadians"),
        a("allegations/election-funds", "Election funds"),
        a("allegations/witting-affiliate", "Witting affiliate"),
    ]
    .join(", ");
    let mentions = [
        a("", "Fixture Explainer home").replace("explainer//", "explainer/"),
        a("allegations/witting-affiliate", "Witting affiliate"),
        a("bodies/house-committee", "House committee"),
        a("people/han-tao", "Han Tao"),
        a("about", "About this site"),
    ]
    .join(", ");
    assert_eq!(
        lines_with(&dong, "class=\"backlinks\""),
        [
            format!("<p class=\"backlinks\">Allegations about them: {allegations}</p>"),
            format!("<p class=\"backlinks\">Their responses: {allegations}</p>"),
            format!("<p class=\"backlinks\">Mentioned in: {mentions}</p>"),
        ]
    );

    let tao = page(&out, "people/han-tao/index.html");
    assert_eq!(
        lines_with(&tao, "class=\"backlinks\""),
        [
            format!(
                "<p class=\"backlinks\">Chairs: {}</p>",
                a("bodies/house-committee", "House committee")
            ),
            format!(
                "<p class=\"backlinks\">Allegations about them: {}</p>",
                a("allegations/advice", "Advice on detained Canadians")
            ),
            format!(
                "<p class=\"backlinks\">Their responses: {}</p>",
                a("allegations/advice", "Advice on detained Canadians")
            ),
            format!(
                "<p class=\"backlinks\">Mentioned in: {}</p>",
                a("about", "About this site")
            ),
        ]
    );

    // A ref field without `backlink:` gets "<Collection> (<label>)".
    let news = page(&out, "bodies/global-news/index.html");
    assert_eq!(
        lines_with(&news, "class=\"backlinks\""),
        [
            format!(
                "<p class=\"backlinks\">Allegations (reported by): {}</p>",
                a("allegations/witting-affiliate", "Witting affiliate")
            ),
            format!(
                "<p class=\"backlinks\">Mentioned in: {}</p>",
                a("allegations/witting-affiliate", "Witting affiliate")
            ),
        ]
    );

    let committee = page(&out, "bodies/house-committee/index.html");
    assert_eq!(
        lines_with(&committee, "class=\"backlinks\""),
        [
            format!(
                "<p class=\"backlinks\">Members: {}</p>",
                a("people/han-dong", "Han Dong")
            ),
            format!(
                "<p class=\"backlinks\">Mentioned in: {}, {}</p>",
                a("people/han-dong", "Han Dong"),
                a("about", "About this site")
            ),
        ]
    );
}

#[test]
fn timeline_orders_partial_dates_before_precise_ones() {
    let (_site, out) = built();
    let timeline = page(&out, "timeline/index.html");
    assert!(timeline.contains(
        "<p class=\"order\">bodies/house-committee;allegations/election-funds;allegations/advice;allegations/witting-affiliate;</p>"
    ));
    let years: Vec<&str> = lines_with(&timeline, "<h2>");
    assert_eq!(years, ["<section><h2>2019</h2>", "<section><h2>2023</h2>"]);
    assert!(timeline.contains(concat!(
        "<ol><li>2023 <a href=\"/explainer/allegations/election-funds/\">Election funds</a></li>",
        "<li>2023-02 <a href=\"/explainer/allegations/advice/\">Advice on detained Canadians</a></li>",
        "<li>2023-02-25 <a href=\"/explainer/allegations/witting-affiliate/\">Witting affiliate</a></li></ol>"
    )));
    // The home page gets the same timeline.
    let home = page(&out, "index.html");
    assert!(home.contains(concat!(
        "<ol class=\"timeline\"><li>bodies/house-committee</li><li>allegations/election-funds</li>",
        "<li>allegations/advice</li><li>allegations/witting-affiliate</li></ol>"
    )));
    // A collection sorted by date lists oldest first.
    let index = page(&out, "allegations/index.html");
    assert!(index.contains(concat!(
        "<ul class=\"entries\"><li><a href=\"/explainer/allegations/election-funds/\">Election funds</a> 2023</li>",
        "<li><a href=\"/explainer/allegations/advice/\">Advice on detained Canadians</a> 2023-02</li>",
        "<li><a href=\"/explainer/allegations/witting-affiliate/\">Witting affiliate</a> 2023-02-25</li></ul>"
    )));
}

#[test]
fn collection_pages_use_index_files_or_a_generated_page() {
    let (_site, out) = built();
    let people = page(&out, "people/index.html");
    assert!(people.contains("<h1>The people</h1>"));
    assert!(people.contains(r#"<p class="kind">collection people 2</p>"#));
    assert!(people.contains("<p>People named in the allegations.</p>"));
    assert!(people.contains(concat!(
        "<ul class=\"entries\"><li><a href=\"/explainer/people/han-dong/\">Han Dong</a></li>",
        "<li><a href=\"/explainer/people/han-tao/\">Han Tao</a></li></ul>"
    )));
    // `bodies` has no `_index.md`: the page is generated from the collection's title.
    let bodies = page(&out, "bodies/index.html");
    assert!(bodies.contains("<h1>Bodies</h1>"));
    assert!(bodies.contains(r#"<p class="kind">generated bodies 2</p>"#));
}

#[test]
fn tag_pages_list_tagged_entries() {
    let (_site, out) = built();
    let tags = page(&out, "tags/index.html");
    assert!(tags.contains(concat!(
        "<ul><li><a href=\"/explainer/tags/elections/\">Elections</a> (3)</li>",
        "<li><a href=\"/explainer/tags/foreign-interference/\">Foreign Interference</a> (1)</li>",
        "<li><a href=\"/explainer/tags/parliament/\">Parliament</a> (1)</li></ul>"
    )));
    let elections = page(&out, "tags/elections/index.html");
    assert!(elections.contains("<h1>Tagged Elections</h1>"));
    assert!(elections.contains(concat!(
        "<ul><li><a href=\"/explainer/allegations/witting-affiliate/\">Witting affiliate</a></li>",
        "<li><a href=\"/explainer/bodies/house-committee/\">House committee</a></li>",
        "<li><a href=\"/explainer/people/han-dong/\">Han Dong</a></li></ul>"
    )));
    let fi = page(&out, "tags/foreign-interference/index.html");
    assert!(fi.contains("<title>Foreign Interference | Fixture Explainer</title>"));
    let entry = page(&out, "allegations/witting-affiliate/index.html");
    assert!(entry.contains(concat!(
        "<p class=\"tags\"><a href=\"/explainer/tags/foreign-interference/\">Foreign Interference</a> ",
        "<a href=\"/explainer/tags/elections/\">Elections</a> </p>"
    )));
}

#[test]
fn drafts_are_left_out_unless_asked_for() {
    let (site, out) = built();
    let all = files(&out);
    assert!(!all
        .iter()
        .any(|f| f.contains("jane-doe") || f.contains("drafts")));
    for (path, bytes) in tree(&out) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("Jane Doe"), "{path} mentions the draft");
    }

    let with_drafts = site.out("with-drafts");
    let report = casefile::build(&site.config(&with_drafts, true)).unwrap();
    assert_eq!(report.entries[0], ("people".to_string(), 3));
    let mut expected: Vec<String> = VALID_TREE.iter().map(|s| s.to_string()).collect();
    expected.push("people/jane-doe/index.html".into());
    expected.push("tags/drafts/index.html".into());
    expected.push("tags/drafts/atom.xml".into());
    expected.sort();
    assert_eq!(files(&with_drafts), expected);
    let jane = page(&with_drafts, "people/jane-doe/index.html");
    assert!(jane.contains("<h1>Jane Doe</h1>"));
    let people = page(&with_drafts, "people/index.html");
    assert!(people.contains(r#"<a href="/explainer/people/jane-doe/">Jane Doe</a>"#));
}

#[test]
fn raw_html_in_markdown_is_escaped() {
    let (_site, out) = built();
    let witting = page(&out, "allegations/witting-affiliate/index.html");
    assert!(witting.contains("<p>Raw HTML is escaped: &lt;script&gt;alert(1)&lt;/script&gt;</p>"));
    assert!(!witting.contains("<script>"));
    let about = page(&out, "about/index.html");
    assert!(about.contains("<p>Raw HTML is shown as text: &lt;b&gt;bold?&lt;/b&gt;</p>"));
}

#[test]
fn raw_html_passes_through_when_the_site_allows_it() {
    let site = Site::copy("valid");
    site.replace(
        "site.yaml",
        "theme: min\n",
        "theme: min\nmarkdown:\n  unsafe_html: true\n",
    );
    let out = site.out("public");
    site.build(&out).unwrap();
    let about = page(&out, "about/index.html");
    assert!(
        about.contains("<p>Raw HTML is shown as text: <b>bold?</b></p>"),
        "{about}"
    );
}

#[test]
fn fenced_code_is_highlighted_with_classes() {
    let (_site, out) = built();
    let witting = page(&out, "allegations/witting-affiliate/index.html");
    assert!(witting.contains(r#"<pre class="highlight"><code class="language-rust">"#));
    assert!(witting.contains(r#"<span class="hl-storage hl-type hl-function hl-rust">fn</span>"#));
    assert!(
        !witting.contains("style="),
        "colours belong to the theme's CSS"
    );
}

#[test]
fn site_templates_and_static_files_override_the_theme() {
    let (_site, out) = built();
    let about = page(&out, "about/index.html");
    assert!(about.contains("<h1>SITE PAGE About this site</h1>"));
    assert!(!about.contains("THEME PAGE"));
    assert_eq!(page(&out, "shared.txt"), "from the site\n");
    assert_eq!(page(&out, CSS), "body { font-family: serif; }\n");
}

#[test]
fn a_site_static_file_is_not_silently_replaced_by_a_generated_one() {
    // The fixture has `static/robots.txt`; the engine also generates a `robots.txt`.
    // Either the site's file wins or the clash is reported, but it must not vanish.
    let site = Site::copy("valid");
    let out = site.out("public");
    match site.build(&out) {
        Ok(_) => assert_eq!(
            page(&out, "robots.txt"),
            "User-agent: *\n",
            "static/robots.txt was replaced by the generated one"
        ),
        Err(d) => assert!(common::listed(&d).contains("robots.txt"), "{d}"),
    }
}

#[test]
fn template_functions_and_filters_work() {
    let (_site, out) = built();
    let home = page(&out, "index.html");
    assert!(home
        .contains(r#"<p class="featured"><a href="/explainer/people/han-dong/">Han Dong</a></p>"#));
    assert!(home.contains(r#"<p class="humanize">Reported by</p>"#));
    assert!(home.contains(r#"<p class="count">3 allegations</p>"#));
    assert!(home.contains(r#"<p class="extra">as of 2023-03-22</p>"#));
    assert!(
        home.contains(r#"<p class="pages"><a href="/explainer/about/">About this site</a></p>"#)
    );
    let not_found = page(&out, "404.html");
    assert!(not_found.contains("<h1>Page not found</h1>"));
}

#[test]
fn output_is_byte_identical_across_builds() {
    let site = Site::copy("valid");
    let (a, b) = (site.out("a"), site.out("b"));
    site.build(&a).unwrap();
    site.build(&b).unwrap();
    let (ta, tb) = (tree(&a), tree(&b));
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(&tb[path] == bytes, "{path} differs between two builds");
    }
    // Rebuilding into the same folder gives the same bytes again.
    site.build(&a).unwrap();
    assert!(tree(&a) == ta);
}

#[test]
fn crlf_and_byte_order_marks_give_the_same_output() {
    let site = Site::copy("valid");
    let out = site.out("lf");
    site.build(&out).unwrap();
    let reference = tree(&out);
    for rel in ["content/people/han-dong.md", "content/about.md"] {
        let text = site.read(rel);
        site.write(rel, format!("\u{feff}{}", text.replace('\n', "\r\n")));
    }
    let crlf = site.out("crlf");
    site.build(&crlf).unwrap();
    let other = tree(&crlf);
    for (path, bytes) in &reference {
        assert!(&other[path] == bytes, "{path} differs with CRLF input");
    }
}

#[test]
fn a_failed_build_leaves_the_previous_output_unchanged() {
    let site = Site::copy("valid");
    let out = site.out("public");
    site.build(&out).unwrap();
    fs::create_dir_all(out.join(".git")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref: refs/heads/main\n").unwrap();
    let before = tree(&out);

    site.replace(
        "content/people/han-tao.md",
        "role: Consul general",
        "rol: x",
    );
    let err = site.build(&out).unwrap_err();
    assert_eq!(err.exit_code(), 1);
    assert!(
        tree(&out) == before,
        "the output changed after a failed build"
    );

    // A template error (found after rendering starts) must not touch it either.
    site.replace(
        "content/people/han-tao.md",
        "rol: x",
        "role: Consul general",
    );
    site.write("themes/min/templates/tag.html", "{{ tag.nope }}\n");
    assert!(site.build(&out).is_err());
    assert!(
        tree(&out) == before,
        "the output changed after a failed render"
    );
    let leftovers = common::names_in(site.tmp.path());
    assert_eq!(
        leftovers,
        ["public", "site"],
        "no staging folder left behind"
    );
}

#[test]
fn dotfiles_and_kept_names_survive_a_rebuild() {
    let site = Site::copy("valid");
    site.replace("site.yaml", "theme: min\n", "theme: min\nkeep: [CNAME]\n");
    let out = site.out("public");
    site.build(&out).unwrap();
    fs::create_dir_all(out.join(".git/refs")).unwrap();
    fs::write(out.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(out.join(".git/refs/x"), "abc\n").unwrap();
    fs::write(out.join(".nojekyll"), "").unwrap();
    fs::write(out.join("CNAME"), "example.org\n").unwrap();
    fs::write(out.join("stray.html"), "not ours").unwrap();
    site.build(&out).unwrap();
    assert_eq!(page(&out, ".git/HEAD"), "ref: refs/heads/gh-pages\n");
    assert_eq!(page(&out, ".git/refs/x"), "abc\n");
    assert!(out.join(".nojekyll").exists());
    assert_eq!(page(&out, "CNAME"), "example.org\n");
    assert!(
        !out.join("stray.html").exists(),
        "unlisted files are not kept"
    );
    let mut expected: Vec<String> = VALID_TREE.iter().map(|s| s.to_string()).collect();
    expected.extend([".git/HEAD", ".git/refs/x", ".nojekyll", "CNAME"].map(String::from));
    expected.sort();
    assert_eq!(files(&out), expected);
}

#[test]
fn stale_pages_from_a_previous_build_are_removed() {
    let site = Site::copy("valid");
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\ntags: [Scratch]\n---\nSee [[han-dong]].\n",
    );
    let out = site.out("public");
    site.build(&out).unwrap();
    assert!(out.join("notes/index.html").exists());
    assert!(out.join("tags/scratch/index.html").exists());
    site.remove("content/notes.md");
    site.build(&out).unwrap();
    assert_eq!(files(&out), VALID_TREE);
    let dong = page(&out, "people/han-dong/index.html");
    assert!(
        !dong.contains("/explainer/notes/"),
        "backlink to a removed page"
    );
}

#[test]
fn default_output_folder_is_public_in_the_site() {
    let site = Site::copy("valid");
    let config = casefile::load_config(&casefile::BuildOptions {
        root: site.root.clone(),
        output: None,
        base_url: None,
        drafts: false,
    })
    .unwrap();
    assert_eq!(config.output, site.root.join("public"));
    casefile::build(&config).unwrap();
    assert_eq!(files(&site.root.join("public")), VALID_TREE);
    // The output folder inside the site is not read back as content or static files.
    casefile::build(&config).unwrap();
    assert_eq!(files(&site.root.join("public")), VALID_TREE);
}

#[test]
fn an_output_folder_containing_the_site_is_refused() {
    let site = Site::copy("valid");
    let err = site.build(site.tmp.path()).unwrap_err();
    assert_eq!(
        common::listed(&err),
        format!(
            "{}: error: the output folder must not contain the site folder",
            site.tmp.path().display()
        )
    );
    assert_eq!(common::names_in(site.tmp.path()), ["site"]);
}

#[test]
fn sitemap_lists_every_page_under_the_base_url() {
    let (_site, out) = built();
    let sitemap = page(&out, "sitemap.xml");
    let mut locs: Vec<&str> = sitemap
        .match_indices("<loc>")
        .map(|(i, _)| {
            let rest = &sitemap[i + 5..];
            &rest[..rest.find("</loc>").unwrap()]
        })
        .collect();
    locs.sort();
    let mut expected: Vec<String> = VALID_TREE
        .iter()
        .filter(|f| f.ends_with("index.html"))
        .map(|f| {
            format!(
                "https://example.org/explainer/{}",
                f.trim_end_matches("index.html")
            )
        })
        .collect();
    expected.sort();
    assert_eq!(locs, expected);
    // `lastmod` is when a page changed, which only `updated` says; an event's `date` is
    // not one, and a partial date is not valid there.
    assert!(sitemap.contains(
        "<url><loc>https://example.org/explainer/allegations/witting-affiliate/</loc></url>"
    ));
    assert!(!sitemap.contains("<lastmod>"), "{sitemap}");
}

#[test]
fn feed_and_timeline_data_list_dated_entries() {
    let (_site, out) = built();
    let feed = page(&out, "atom.xml");
    let titles: Vec<&str> = feed
        .match_indices("<entry>\n    <title>")
        .map(|(i, _)| {
            let rest = &feed[i + "<entry>\n    <title>".len()..];
            &rest[..rest.find("</title>").unwrap()]
        })
        .collect();
    // Only entries dated to the day are in the feed: the others (`2019`, `2023`,
    // `2023-02`) have no day to give without inventing one.
    assert_eq!(titles, ["Witting affiliate"]);
    assert!(feed.contains("<published>2023-02-25T00:00:00Z</published>"));
    assert!(
        !feed.contains("-01-01T00:00:00Z"),
        "no invented days: {feed}"
    );
    assert!(!feed.contains("<script>"), "content is escaped in the feed");

    let json: serde_json::Value = serde_json::from_str(&page(&out, "timeline.json")).unwrap();
    let ids: Vec<&str> = json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["unique_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "bodies-house-committee",
            "allegations-election-funds",
            "allegations-advice",
            "allegations-witting-affiliate"
        ]
    );
    assert_eq!(
        json["events"][2]["start_date"],
        serde_json::json!({"year": "2023", "month": "2"})
    );
}

#[test]
fn search_index_is_built_by_default_and_deterministic() {
    let site = Site::copy("valid");
    site.replace("site.yaml", "search: false\n", "");
    let (a, b) = (site.out("a"), site.out("b"));
    site.build(&a).unwrap();
    site.build(&b).unwrap();
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.contains_key("search/manifest.json"), "{:?}", ta.keys());
    assert!(ta.keys().any(|k| k.starts_with("search/index/")));
    assert!(ta.contains_key("search/docs/0.json"));
    for f in VALID_TREE {
        assert!(ta.contains_key(f), "{f} missing with search on");
    }
    assert_eq!(ta.keys().collect::<Vec<_>>(), tb.keys().collect::<Vec<_>>());
    for (path, bytes) in &ta {
        assert!(&tb[path] == bytes, "{path} differs between two builds");
    }
}

#[test]
fn hidden_backup_and_other_files_in_content_are_ignored() {
    let site = Site::copy("valid");
    site.write("content/people/.han-li.md", "not front matter");
    site.write("content/people/han-tao.md~", "not front matter");
    site.write("content/people/notes.txt", "not markdown");
    site.write("content/.git/HEAD", "ref");
    let out = site.out("public");
    if let Err(d) = site.build(&out) {
        panic!("{d}");
    }
    assert_eq!(files(&out), VALID_TREE);
}

#[test]
fn timeline_ties_break_by_collection_order_then_title() {
    let site = Site::copy("valid");
    // `people` is declared before `allegations`: on the same date it comes first.
    site.replace(
        "content/people/han-tao.md",
        "role: Consul general\n",
        "role: Consul general\ndate: 2023\n",
    );
    site.replace(
        "content/people/han-dong.md",
        "tags: [Elections]\n",
        "tags: [Elections]\ndate: 2023\n",
    );
    let out = site.out("public");
    site.build(&out).unwrap();
    let timeline = page(&out, "timeline/index.html");
    assert!(
        timeline.contains(concat!(
            "<p class=\"order\">bodies/house-committee;people/han-dong;people/han-tao;",
            "allegations/election-funds;allegations/advice;allegations/witting-affiliate;</p>"
        )),
        "{timeline}"
    );
}

#[test]
fn tags_differing_only_in_case_share_a_page() {
    let site = Site::copy("valid");
    site.replace(
        "content/people/han-dong.md",
        "tags: [Elections]",
        "tags: [elections, ELECTIONS]",
    );
    let out = site.out("public");
    site.build(&out).unwrap();
    let tag = page(&out, "tags/elections/index.html");
    // The first document in site order (an allegation) wrote it `Elections`.
    assert!(tag.contains("<h1>Tagged Elections</h1>"));
    assert_eq!(
        tag.matches("/explainer/people/han-dong/").count(),
        1,
        "listed once"
    );
    let tags = page(&out, "tags/index.html");
    assert!(
        tags.contains("<a href=\"/explainer/tags/elections/\">Elections</a> (3)"),
        "{tags}"
    );
}

#[test]
fn a_files_code_blocks_and_markdown_fields_share_one_highlighting_budget() {
    let site = Site::copy("valid");
    // Plain text is quick to highlight and draws on the budget like any language.
    let block = |tag: &str, kib: usize| {
        let line = format!("{tag} line of code\n");
        format!("```txt\n{}```\n", line.repeat(kib * 1024 / line.len()))
    };
    let claim = block("claim", 30).replace('\n', "\n  ");
    let body: String = (0..3)
        .map(|i| block(&format!("body{i}"), 80) + "\n")
        .collect();
    site.replace(
        "content/allegations/advice.md",
        "claim: Advice was given.",
        &format!("claim: |\n  {claim}"),
    );
    site.replace(
        "content/allegations/advice.md",
        "Reported in February 2023.",
        &body,
    );
    let out = site.out("public");
    site.build(&out).unwrap();
    let html = page(&out, "allegations/advice/index.html");
    // The body's three blocks (240 KiB) are highlighted; the field's 30 KiB no longer
    // fits in the 256 KiB the file may have highlighted, and is plain.
    assert_eq!(
        html.matches("<pre class=\"highlight\"><code class=\"language-txt\">")
            .count(),
        3
    );
    assert!(
        html.contains("<pre><code class=\"language-txt\">claim line of code\n"),
        "{}",
        &html[..html.len().min(2000)]
    );
    // On its own, the same field is highlighted.
    site.replace("content/allegations/advice.md", &body, "Short.");
    site.build(&out).unwrap();
    let html = page(&out, "allegations/advice/index.html");
    assert_eq!(
        html.matches("<pre class=\"highlight\"><code class=\"language-txt\">")
            .count(),
        1
    );
}

/// The highlighted code of a build is kept in the cache folder and read back by the
/// next, but only as class spans around the block's own text: a cache someone else
/// wrote can change colours, never what a page says or runs.
#[test]
fn highlighted_code_is_read_back_only_as_spans_around_the_same_text() {
    let (site, out) = built();
    let page_of = |out: &std::path::Path| page(out, "allegations/witting-affiliate/index.html");
    let first = page_of(&out);
    assert!(first.contains("<pre class=\"highlight\"><code class=\"language-rust\">"));
    let folder = site.root.join(".casefile-cache/highlight");
    let kept: Vec<_> = files(&folder);
    assert_eq!(kept.len(), 1, "one file of highlighted code: {kept:?}");
    let file = folder.join(&kept[0]);
    let stored: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&fs::read(&file).unwrap()).unwrap();
    assert_eq!(stored.len(), 1, "the fixture's one code block");
    let (key, spans) = stored.iter().next().unwrap();
    let spans = spans.as_str().unwrap();
    assert!(first.contains(spans));

    // Other colours, same text: read back as they are.
    let recoloured = spans.replace("hl-", "hl-x-");
    fs::write(&file, serde_json::json!({ key: recoloured }).to_string()).unwrap();
    let second = site.out("second");
    site.build(&second).unwrap();
    assert!(page_of(&second).contains(&recoloured));

    // Markup that is more than spans around the text: drawn again, as the first build.
    let script = format!("<script>alert(1)</script>{spans}");
    fs::write(&file, serde_json::json!({ key: script }).to_string()).unwrap();
    let third = site.out("third");
    site.build(&third).unwrap();
    assert_eq!(page_of(&third), first);
    assert_eq!(tree(&third), tree(&out));
}
