//! Pages that stay small as a site grows (issue 17), on a generated corpus of a few
//! thousand entries (`examples/gen-corpus.rs`, which `cargo test` builds): every HTML page
//! is at most 100 KB, every entry is reachable from its collection's index pages, every
//! dated entry from the timeline's pages, and every internal link resolves.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

mod common;

const ENTRIES: usize = 3000;
const MAX_PAGE: usize = 100 * 1024;

/// The corpus, built once: its output files by path.
fn built() -> &'static BTreeMap<String, Vec<u8>> {
    static BUILT: OnceLock<BTreeMap<String, Vec<u8>>> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap().keep();
        let site = dir.join("corpus");
        let status = Command::new(gen_corpus())
            .args([&ENTRIES.to_string(), site.to_str().unwrap(), "--no-search"])
            .status()
            .expect("gen-corpus runs");
        assert!(status.success());
        let out = dir.join("public");
        let output = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .args(["build", "--quiet", "--root"])
            .arg(&site)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let files = common::tree(&out);
        let _ = std::fs::remove_dir_all(&dir);
        files
    })
}

/// The example binary, beside this test's own binary's folder.
fn gen_corpus() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.parent().and_then(Path::parent).unwrap();
    let path = target.join("examples").join("gen-corpus");
    assert!(path.exists(), "{} is built by `cargo test`", path.display());
    path
}

fn html(path: &str) -> String {
    String::from_utf8(built()[path].clone()).unwrap()
}

/// Every `href="/..."` of a page (site-absolute, as the theme writes them).
fn links(page: &str) -> Vec<String> {
    page.split("href=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .filter(|href| href.starts_with('/') && !href.starts_with("//"))
        .map(|href| href.split('#').next().unwrap_or(href).to_string())
        .collect()
}

/// The output file that serves a site-absolute URL.
fn file_of(url: &str) -> String {
    let path = url.trim_start_matches('/');
    if path.is_empty() || path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    }
}

/// The pages of a listing, from its first page along its `rel="next"` links, and every
/// link they hold.
fn listing(first: &str) -> (usize, BTreeSet<String>) {
    let mut found = BTreeSet::new();
    let mut pages = 0;
    let mut next = Some(first.to_string());
    while let Some(file) = next {
        let page = html(&file);
        pages += 1;
        found.extend(links(&page));
        next = page
            .split("<link rel=\"next\" href=\"")
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .map(file_of);
        assert!(pages < 10_000, "the pages of {first} loop");
    }
    (pages, found)
}

#[test]
fn every_html_page_is_at_most_100_kb() {
    let mut heavy: Vec<(usize, &String)> = built()
        .iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (bytes.len(), path))
        .filter(|(size, _)| *size > MAX_PAGE)
        .collect();
    heavy.sort();
    assert!(heavy.is_empty(), "pages over 100 KB: {heavy:?}");
    // The listings are paged: a collection of 750 entries takes several pages.
    assert!(built().contains_key("people/page/2/index.html"));
    assert!(built().contains_key("timeline/page/2/index.html"));
}

#[test]
fn every_entry_is_reachable_from_its_collections_pages_and_every_dated_one_from_the_timeline() {
    let files = built();
    let (timeline_pages, on_timeline) = listing("timeline/index.html");
    assert!(timeline_pages > 1);
    let mut dated = 0;
    for collection in ["people", "bodies", "allegations", "events", "sources"] {
        let (pages, found) = listing(&format!("{collection}/index.html"));
        assert!(pages >= 1);
        let entries: Vec<&String> = files
            .keys()
            .filter(|p| {
                p.starts_with(&format!("{collection}/"))
                    && p.ends_with("/index.html")
                    && p.matches('/').count() == 2
                    && !p.starts_with(&format!("{collection}/page/"))
            })
            .collect();
        assert!(!entries.is_empty(), "{collection}");
        for entry in entries {
            let url = format!("/{}", entry.trim_end_matches("index.html"));
            assert!(
                found.contains(&url),
                "{url} is on no page of /{collection}/"
            );
            let page = html(entry);
            // A dated entry of a collection on the timeline shows its date in the infobox.
            if collection != "sources" && page.contains("<dt>Date</dt>") {
                dated += 1;
                assert!(on_timeline.contains(&url), "{url} is on no timeline page");
            }
        }
    }
    assert!(dated > 100, "{dated} dated entries");
}

#[test]
fn every_internal_link_resolves() {
    let files = built();
    let mut broken = BTreeSet::new();
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        for href in links(&page) {
            let file = file_of(&href);
            if !files.contains_key(&file) {
                broken.insert(format!("{path} -> {href}"));
            }
        }
    }
    let first: Vec<&String> = broken.iter().take(20).collect();
    assert!(
        broken.is_empty(),
        "{} broken links, first: {first:#?}",
        broken.len()
    );
}

#[test]
fn a_hub_shows_part_of_each_long_group_and_links_all_of_it() {
    let files = built();
    let hub = files
        .keys()
        .find(|p| p.ends_with("/connections/index.html"))
        .expect("some entry has a connections page");
    let entry = hub.replace("connections/index.html", "index.html");
    let page = html(&entry);
    let connections_url = format!("/{}", hub.trim_end_matches("index.html"));
    assert!(page.contains(&format!("<a href=\"{connections_url}\">All ")));
    // Each group on the entry's page shows at most 20 cards.
    for group in page.split("<h3>").skip(1) {
        let list = group.split("</ul>").next().unwrap();
        assert!(list.matches("<li class=\"card\">").count() <= 20);
    }
    // The connections pages list every referrer: as many cards as the groups count.
    let (_, found) = listing(hub);
    let total: usize = page
        .split("<p class=\"more\"><a href=\"")
        .skip(1)
        .filter_map(|rest| rest.split("\">All ").nth(1))
        .filter_map(|rest| rest.split(':').next()?.parse::<usize>().ok())
        .max()
        .unwrap();
    assert!(
        found.len() >= total / 2,
        "{} links for {total}",
        found.len()
    );
}

#[test]
fn the_site_map_says_how_connected_each_shown_entry_of_a_long_column_is() {
    let map = html("map/index.html");
    assert!(map.contains(" connections)</title>"), "{map}");
    assert!(!map.contains("(1 connections)"));
}
