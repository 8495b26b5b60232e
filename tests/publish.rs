//! Publishing: what static hosts, search engines, feed readers and newsrooms get from a
//! build. Builds the bundled explainer under a base path and a hostile fixture site.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use casefile::{BuildOptions, Config};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(root: &Path, out: &Path, base_url: &str) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: Some(base_url.to_string()),
        drafts: false,
    };
    let config: Config = casefile::load_config(&options).unwrap_or_else(|d| panic!("{d}"));
    casefile::build(&config).unwrap_or_else(|d| panic!("{d}"));
    common::tree(out)
}

fn text(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(
        files
            .get(path)
            .unwrap_or_else(|| panic!("no {path} in the output"))
            .clone(),
    )
    .unwrap()
}

fn bundled() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let files = build(
        &repo(),
        &dir.path().join("site"),
        "https://example.org/explainer/",
    );
    (dir, files)
}

/// The JSON-LD objects of a page.
fn json_ld(html: &str) -> Vec<serde_json::Value> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script type=\"application/ld+json\">") {
        let after = &rest[start + "<script type=\"application/ld+json\">".len()..];
        let end = after.find("</script>").expect("script element is closed");
        out.push(serde_json::from_str(&after[..end]).expect("JSON-LD parses"));
        rest = &after[end..];
    }
    out
}

#[test]
fn sitemap_lists_every_page_under_the_base_path() {
    let (_dir, files) = bundled();
    let sitemap = text(&files, "sitemap.xml");
    let doc = roxmltree::Document::parse(&sitemap).expect("sitemap is well-formed XML");
    let locs: Vec<&str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("loc"))
        .filter_map(|n| n.text())
        .collect();
    let pages: Vec<&String> = files.keys().filter(|p| p.ends_with("index.html")).collect();
    assert_eq!(locs.len(), pages.len());
    assert!(locs.contains(&"https://example.org/explainer/"));
    assert!(locs.contains(&"https://example.org/explainer/people/han-dong/"));
    assert!(locs
        .iter()
        .all(|l| l.starts_with("https://example.org/explainer/")));
    let robots = text(&files, "robots.txt");
    assert!(
        robots.contains("Sitemap: https://example.org/explainer/sitemap.xml"),
        "{robots}"
    );
}

#[test]
fn atom_feed_is_well_formed_with_escaped_html_content() {
    let (_dir, files) = bundled();
    let feed = text(&files, "atom.xml");
    let doc = roxmltree::Document::parse(&feed).expect("feed is well-formed XML");
    let entries: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("entry"))
        .collect();
    assert!(!entries.is_empty());
    let ids: Vec<&str> = entries
        .iter()
        .filter_map(|e| {
            e.children()
                .find(|c| c.has_tag_name("id"))
                .and_then(|c| c.text())
        })
        .collect();
    assert_eq!(ids.len(), entries.len());
    assert!(ids
        .iter()
        .all(|id| id.starts_with("https://example.org/explainer/")));
    // HTML content is escaped text, not raw markup and not CDATA.
    assert!(!feed.contains("<![CDATA["));
    let content = entries[0]
        .children()
        .find(|c| c.has_tag_name("content"))
        .unwrap();
    assert_eq!(content.attribute("type"), Some("html"));
    assert!(
        content.text().unwrap().contains("<p>"),
        "the parsed content is HTML"
    );
    assert!(
        content.children().all(|c| c.is_text()),
        "no markup elements inside <content>"
    );
}

#[test]
fn every_page_has_canonical_social_meta_and_typed_json_ld() {
    let (_dir, files) = bundled();
    let expected_types = [
        ("people/han-dong/index.html", "Person"),
        ("bodies/nsicop/index.html", "Organization"),
        ("events/dong-leaves-liberal-caucus/index.html", "Event"),
        ("sources/epoch-times-2023-03-22/index.html", "NewsArticle"),
        ("about/index.html", "NewsArticle"),
        ("index.html", "NewsArticle"),
    ];
    for (page, ty) in expected_types {
        let html = text(&files, page);
        let objects = json_ld(&html);
        assert_eq!(objects.len(), 1, "{page}");
        assert_eq!(objects[0]["@type"], ty, "{page}");
        assert_eq!(objects[0]["@context"], "https://schema.org");
        assert!(objects[0]["url"]
            .as_str()
            .unwrap()
            .starts_with("https://example.org/explainer/"));
    }
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for needle in [
            "<link rel=\"canonical\" href=\"https://example.org/explainer/",
            "<meta property=\"og:title\"",
            "<meta name=\"twitter:card\" content=\"summary_large_image\">",
            "<meta property=\"og:image\" content=\"https://example.org/explainer/share/",
            "<meta name=\"description\" content=\"",
        ] {
            assert!(html.contains(needle), "{path} lacks {needle}");
        }
        assert_eq!(json_ld(&html).len(), 1, "{path}");
    }
}

#[test]
fn timeline_json_follows_timelinejs() {
    let (_dir, files) = bundled();
    let value: serde_json::Value = serde_json::from_str(&text(&files, "timeline.json")).unwrap();
    let events = value["events"].as_array().unwrap();
    assert!(events.len() >= 10);
    let mut ids = std::collections::BTreeSet::new();
    for e in events {
        assert!(e["start_date"]["year"].as_str().unwrap().len() == 4);
        assert!(e["text"]["headline"]
            .as_str()
            .is_some_and(|h| !h.is_empty()));
        assert!(e["group"].as_str().is_some_and(|g| !g.is_empty()));
        assert!(
            ids.insert(e["unique_id"].as_str().unwrap().to_string()),
            "unique ids"
        );
    }
    let feb_2021 = events
        .iter()
        .find(|e| e["unique_id"] == "events-alleged-conversation-with-han-tao")
        .unwrap();
    assert_eq!(
        feb_2021["start_date"],
        serde_json::json!({ "year": "2021", "month": "2" })
    );
}

#[test]
fn assets_are_fingerprinted_and_pages_link_to_the_fingerprinted_names() {
    let (_dir, files) = bundled();
    let css: Vec<&String> = files
        .keys()
        .filter(|p| p.starts_with("style.") && p.ends_with(".css"))
        .collect();
    assert_eq!(css.len(), 1, "{css:?}");
    assert!(!files.contains_key("style.css"));
    let name = css[0];
    assert_eq!(name.len(), "style..css".len() + 10);
    let home = text(&files, "index.html");
    assert!(
        home.contains(&format!("href=\"/explainer/{name}\"")),
        "home links to {name}"
    );
    assert!(
        files.contains_key("favicon.svg"),
        "favicons keep their name"
    );
}

#[test]
fn search_index_is_sharded_and_the_page_works_under_the_base_path() {
    let (_dir, files) = bundled();
    let manifest: serde_json::Value =
        serde_json::from_str(&text(&files, "search/manifest.json")).unwrap();
    let docs = manifest["docs"].as_u64().unwrap();
    assert_eq!(docs, 44, "42 entries and 2 standalone pages");
    let shards: Vec<&str> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(shards.len() > 20);
    for shard in &shards {
        assert!(
            files.contains_key(&format!("search/index/{shard}.json")),
            "{shard}"
        );
    }
    // The word "consul" lives in the shard of "co" and points at Han Tao's record.
    let co: serde_json::Value =
        serde_json::from_str(&text(&files, "search/index/636f.json")).unwrap();
    // A term's postings are `[doc gaps, weight digits, (doc, title words)...]`: the
    // stem `consul` (of "consul", "consular", ...) lists the documents that use it.
    let encoded = co["consul"].as_array().expect("`consul` is indexed");
    let gaps = encoded[0].as_array().unwrap();
    let weights = encoded[1].as_str().unwrap();
    assert_eq!(gaps.len(), weights.len(), "one weight digit per document");
    let docs_of_consul: Vec<u64> = gaps
        .iter()
        .scan(0, |doc, gap| {
            *doc += gap.as_u64().unwrap();
            Some(*doc)
        })
        .collect();
    let groups = manifest["groups"].as_array().unwrap();
    let people = groups.iter().find(|g| g["name"] == "people").unwrap();
    let (start, end) = (
        people["start"].as_u64().unwrap(),
        people["end"].as_u64().unwrap(),
    );
    let records: serde_json::Value =
        serde_json::from_str(&text(&files, "search/docs/0.json")).unwrap();
    let han_tao = records
        .as_array()
        .unwrap()
        .iter()
        .position(|r| r[1] == "/explainer/people/han-tao/")
        .unwrap() as u64;
    assert!(
        han_tao >= start && han_tao < end,
        "the people filter is a range of records"
    );
    assert!(
        docs_of_consul.contains(&han_tao),
        "Han Tao's page mentions the consul"
    );
    let page = text(&files, "search/index.html");
    assert!(page.contains("data-index=\"/explainer/search/\""));
    assert!(page.contains("<option value=\"people\">People</option>"));
    // Without JavaScript the page links every collection's index (not every entry, so
    // that it does not grow with the site) and the standalone pages.
    assert!(
        page.contains("<li><a href=\"/explainer/people/\">People</a> (11)</li>"),
        "{page}"
    );
    assert!(page.contains("href=\"/explainer/about/\""));
    assert!(!page.contains("href=\"/explainer/people/han-dong/\""));
}

#[test]
fn hostile_front_matter_is_escaped_in_json_ld_feed_and_sitemap() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content/notes")).unwrap();
    common::copy_dir(&repo().join("themes/default"), &site.join("themes/default"));
    std::fs::write(
        site.join("site.yaml"),
        "title: \"Evil </script><script>alert(1)</script>\"\nbase_url: https://example.org/\ncollections:\n  notes:\n    schema_org: Article\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "---\ntitle: Home\n---\nHi\n",
    )
    .unwrap();
    let payload = "</script><script>alert(1)</script> ]]> & \"quotes\" <b>";
    std::fs::write(
        site.join("content/notes/evil.md"),
        format!("---\ntitle: '{payload}'\nsummary: '{payload}'\ndate: 2023-03-22\n---\nBody <script>alert(2)</script>\n"),
    )
    .unwrap();
    let files = build(&site, &dir.path().join("out"), "https://example.org/");
    let html = text(&files, "notes/evil/index.html");
    let script_body = html
        .split("<script type=\"application/ld+json\">")
        .nth(1)
        .unwrap()
        .split("</script>")
        .next()
        .unwrap();
    assert!(
        !script_body.contains('<') && !script_body.contains('>'),
        "{script_body}"
    );
    assert_eq!(json_ld(&html)[0]["name"], payload);
    assert!(
        !html.contains("<script>alert"),
        "no executable payload in the page"
    );
    roxmltree::Document::parse(&text(&files, "atom.xml")).expect("feed stays well-formed");
    roxmltree::Document::parse(&text(&files, "sitemap.xml")).expect("sitemap stays well-formed");
    let timeline = text(&files, "timeline.json");
    assert!(!timeline.contains('<'), "timeline JSON escapes <");
    let value: serde_json::Value = serde_json::from_str(&timeline).unwrap();
    assert!(value["events"][0]["text"]["headline"]
        .as_str()
        .unwrap()
        .contains("&lt;/script&gt;"));
}

#[test]
fn check_renders_in_memory_and_finds_no_broken_links_in_the_bundled_site() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("never-written");
    let options = BuildOptions {
        root: repo(),
        output: Some(out.clone()),
        base_url: None,
        drafts: false,
    };
    let config = casefile::load_config(&options).unwrap();
    let (report, links) = casefile::check(&config).unwrap_or_else(|d| panic!("{d}"));
    assert!(report.rendered > 50);
    assert!(links.links > 1000, "{} links", links.links);
    assert!(!out.exists(), "check writes nothing");
}
