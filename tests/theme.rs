//! The default theme on the bundled explainer and on a site with other collections:
//! page weight, structure for assistive technology, partial dates, the relationship map.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod common;

use casefile::BuildOptions;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(root: &Path, out: &Path) -> BTreeMap<String, Vec<u8>> {
    let options = BuildOptions {
        root: root.to_path_buf(),
        output: Some(out.to_path_buf()),
        base_url: None,
        drafts: false,
    };
    let config = casefile::load_config(&options).unwrap_or_else(|d| panic!("{d}"));
    casefile::build(&config).unwrap_or_else(|d| panic!("{d}"));
    common::tree(out)
}

fn html(files: &BTreeMap<String, Vec<u8>>, path: &str) -> String {
    String::from_utf8(files[path].clone()).unwrap()
}

#[test]
fn entry_pages_with_their_stylesheet_weigh_under_50_kb_and_load_nothing_from_other_hosts() {
    let dir = tempfile::tempdir().unwrap();
    let files = build(&repo(), &dir.path().join("out"));
    let css: usize = files
        .iter()
        .filter(|(p, _)| p.ends_with(".css"))
        .map(|(_, b)| b.len())
        .sum();
    let mut heaviest = (String::new(), 0);
    for (path, bytes) in files
        .iter()
        .filter(|(p, _)| p.ends_with("index.html") && p.matches('/').count() == 2)
    {
        let total = bytes.len() + css;
        if total > heaviest.1 {
            heaviest = (path.clone(), total);
        }
        let page = String::from_utf8_lossy(bytes);
        for attr in [" src=\"http", " href=\"http"] {
            for hit in page.match_indices(attr) {
                let rest = &page[hit.0 + attr.len() - 4..];
                let url = &rest[..rest.find('"').unwrap()];
                let is_link = page[..hit.0]
                    .rfind('<')
                    .map(|i| &page[i..hit.0])
                    .unwrap_or("");
                // Stylesheets, scripts, images and icons must be local; ordinary links may go anywhere.
                if !is_link.starts_with("<a")
                    && !is_link.contains("rel=\"canonical\"")
                    && !is_link.contains("rel=\"alternate\"")
                {
                    assert!(
                        url.starts_with("https://example.org/han-dong/"),
                        "{path} loads {url}"
                    );
                }
            }
        }
    }
    assert!(
        heaviest.1 < 50 * 1024,
        "{} with CSS weighs {} bytes",
        heaviest.0,
        heaviest.1
    );
}

#[test]
fn pages_have_landmarks_a_skip_link_and_one_h1() {
    let dir = tempfile::tempdir().unwrap();
    let files = build(&repo(), &dir.path().join("out"));
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let page = String::from_utf8_lossy(bytes);
        let lang = if path.starts_with("fr/") { "fr" } else { "en" };
        assert!(page.contains(&format!("<html lang=\"{lang}\">")), "{path}");
        assert!(
            page.contains("<a class=\"skip-link\" href=\"#main\">"),
            "{path}"
        );
        assert!(page.contains("<main id=\"main\""), "{path}");
        assert!(
            page.contains("<header")
                && page.contains("<nav aria-label=")
                && page.contains("<footer"),
            "{path}"
        );
        assert_eq!(page.matches("<h1").count(), 1, "{path}");
    }
}

#[test]
fn the_stylesheet_has_dark_mode_print_styles_and_visible_focus() {
    let css = std::fs::read_to_string(repo().join("themes/default/static/style.css")).unwrap();
    assert!(css.contains("@media (prefers-color-scheme: dark)"));
    assert!(css.contains("@media print"));
    assert!(css.contains(":focus-visible"));
    assert!(
        !css.contains("@import") && !css.contains("url(http"),
        "no web fonts or remote assets"
    );
}

#[test]
fn allegation_pages_put_status_in_words_and_the_response_beside_the_claim() {
    let dir = tempfile::tempdir().unwrap();
    let files = build(&repo(), &dir.path().join("out"));
    let page = html(
        &files,
        "allegations/advice-on-detained-canadians/index.html",
    );
    assert!(page.contains("<span class=\"status status-denied\">Denied</span>"));
    let claim = page.find("What is alleged").unwrap();
    let response = page.find("The response").unwrap();
    let grid = page.find("class=\"claim-response\"").unwrap();
    assert!(grid < claim && claim < response);
    assert!(page.contains("<strong>Denies</strong>"));
    assert!(
        page.contains("href=\"/han-dong/sources/"),
        "sources are linked"
    );
    let person = html(&files, "people/han-dong/index.html");
    assert!(person.contains("<h3>Allegations about Han Dong</h3>"));
    assert!(person.contains("<h2 id=\"page-connections\">Connections</h2>"));
}

#[test]
fn the_timeline_reads_partial_dates_naturally_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let files = build(&repo(), &dir.path().join("out"));
    let page = html(&files, "timeline/index.html");
    let order = [
        "<time datetime=\"2018-12\">December 2018</time>",
        "<time datetime=\"2019\">2019</time>",
        "<time datetime=\"2021-02\">February 2021</time>",
        "<time datetime=\"2023-03-22\">22 March 2023</time>",
    ];
    let positions: Vec<usize> = order
        .iter()
        .map(|o| page.find(o).unwrap_or_else(|| panic!("{o}")))
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn the_relationship_map_is_an_svg_with_a_link_for_every_entry() {
    let dir = tempfile::tempdir().unwrap();
    let files = build(&repo(), &dir.path().join("out"));
    let page = html(&files, "map/index.html");
    let svg = &page[page.find("<svg").unwrap()..page.find("</svg>").unwrap()];
    let entries = files
        .keys()
        .filter(|p| {
            // The English pages: the French edition's map is its own.
            p.ends_with("index.html")
                && p.matches('/').count() == 2
                && !p.starts_with("tags/")
                && !p.starts_with("fr/")
        })
        .count();
    assert_eq!(svg.matches("<a class=\"node\" href=").count(), entries);
    assert!(
        svg.matches("<path class=\"edge\"").count() > entries,
        "references are drawn"
    );
    assert!(!page.contains("<script src"), "the map needs no JavaScript");
}

#[test]
fn the_default_theme_renders_any_declared_collection() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("site");
    std::fs::create_dir_all(site.join("content/ships")).unwrap();
    std::fs::create_dir_all(site.join("content/ports")).unwrap();
    common::copy_dir(&repo().join("themes/default"), &site.join("themes/default"));
    std::fs::write(
        site.join("site.yaml"),
        "title: Harbour log\nbase_url: https://example.org/\nsearch: false\ncollections:\n  ports:\n    fields:\n      country: { type: string }\n  ships:\n    singular: Ship\n    fields:\n      tonnage: { type: integer, label: Tonnage }\n      launched: { type: date }\n      home_port: { type: ref, to: ports, backlink: \"Ships based in {title}\" }\n      flags: { type: strings }\n      active: { type: bool }\n      kind: { type: enum, values: [tug, ferry] }\n      site: { type: url }\n      crew:\n        type: records\n        fields:\n          name: { type: string }\n          role: { type: enum, values: [captain, mate] }\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/_index.md"),
        "---\ntitle: Harbour log\n---\nShips and ports.\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/ports/oslo.md"),
        "---\ntitle: Oslo\ncountry: Norway\n---\n",
    )
    .unwrap();
    std::fs::write(
        site.join("content/ships/fram.md"),
        "---\ntitle: Fram\nsummary: A polar ship.\ndate: 1892\ntonnage: 402\nlaunched: 1892-10\nhome_port: oslo\nflags: [NO]\nactive: false\nkind: ferry\nsite: https://example.org/fram\ncrew:\n  - { name: Otto, role: captain }\n---\nBuilt for [[oslo]] expeditions.\n",
    )
    .unwrap();
    let files = build(&site, &dir.path().join("out"));
    let ship = html(&files, "ships/fram/index.html");
    for needle in [
        "<dt>Tonnage</dt><dd>402</dd>",
        "October 1892",
        "<a href=\"/ports/oslo/\">Oslo</a>",
        "<dt>Active</dt><dd>No</dd>",
        "Ferry",
        "<dt>Name</dt><dd>Otto</dd>",
        "Captain",
    ] {
        assert!(ship.contains(needle), "ship page lacks {needle}");
    }
    let port = html(&files, "ports/oslo/index.html");
    assert!(port.contains("<h3>Ships based in Oslo</h3>"));
    assert!(port.contains("<h3>Mentioned in</h3>"));
    assert!(html(&files, "index.html").contains("Ships"));
}

#[test]
fn the_home_and_search_pages_stay_small_as_collections_grow() {
    // 300 more people: the home page shows the first twelve of each section and links
    // to the rest; the search page links each collection instead of listing entries.
    let site = common::Site::bundled();
    for i in 0..300 {
        site.write(
            &format!("content/people/generated-person-{i:03}.md"),
            format!("---\ntitle: Generated person {i:03}\nrole: Witness\n---\nText.\n"),
        );
    }
    let small = tempfile::tempdir().unwrap();
    let before = build(&repo(), &small.path().join("out"));
    let files = build(&site.root, &site.out("public"));
    let home = html(&files, "index.html");
    let people = home.split("id=\"home-1\"").nth(1).unwrap();
    let people = &people[..people.find("</section>").unwrap()];
    assert_eq!(people.matches("<li class=\"card").count(), 12, "{people}");
    assert!(people.contains("All 311 entries of People</a>"), "{people}");
    // The whole map is drawn on the home page only for a small site.
    assert!(html(&before, "index.html").contains("relationship-map"));
    assert!(!home.contains("relationship-map"));
    let grown = home.len() as f64 / html(&before, "index.html").len() as f64;
    assert!(grown < 1.2, "the home page grew {grown:.2} times");
    let search = html(&files, "search/index.html");
    assert!(
        !search.contains("generated-person"),
        "the search page lists entries"
    );
    assert!(search.contains("People</a> (311)"));
}

#[test]
fn an_entry_map_draws_neighbours_in_groups_and_counts_the_rest_of_a_hub() {
    // 120 more events involving Han Dong: his map draws a few per group, counts the rest
    // and links the complete list; every box is a link whose name is the whole title.
    let site = common::Site::bundled();
    for i in 0..120 {
        site.write(
            &format!("content/events/generated-event-{i:03}.md"),
            format!("---\ntitle: A generated event with a long title, number {i:03}\ndate: 2022-01-01\nparticipants: [han-dong]\n---\nText.\n"),
        );
    }
    let files = build(&site.root, &site.out("public"));
    let page = html(&files, "people/han-dong/index.html");
    let map = page
        .split("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"entry-map\"")
        .nth(1)
        .expect("an entry map");
    let map = &map[..map.find("</svg>").unwrap()];
    assert!(
        map.contains("role=\"group\" aria-label=\"How Han Dong connects"),
        "{map}"
    );
    let group = map
        .split("Events involving Han Dong (")
        .nth(1)
        .expect("the events group");
    assert!(group.starts_with("125)"), "{group}");
    let group = &group[..group.find("class=\"group-title\"").unwrap_or(group.len())];
    assert_eq!(group.matches("<a class=\"node\" ").count(), 4, "{group}");
    assert!(group.contains("and 121 more"), "{group}");
    assert!(
        group.contains("people/han-dong/connections/\"><title>and 121 more"),
        "{group}"
    );
    // Cut names keep the whole title as the link's name (its `<title>`).
    let cut = map
        .find("A generated event with a long title, number")
        .expect("a generated event");
    let link = &map[map[..cut].rfind("<a ").unwrap()..];
    let link = &link[..link.find("</a>").unwrap()];
    assert!(
        link.contains("<title>A generated event with a long title, number"),
        "{link}"
    );
    assert!(link.contains('…'), "{link}");
    // Neighbours the entry refers to are on the other side.
    assert!(map.contains("Affiliations (2)"), "{map}");
    // The page does not grow with the hub: at most 5 boxes per group.
    let boxes = map.matches("<rect").count();
    assert!(boxes < 45, "{boxes} boxes");
    assert!(page.len() < 100_000, "{} bytes", page.len());
    // The map is on the other side's pages too: an event that names Han Dong has one.
    let event = files
        .iter()
        .filter(|(p, _)| p.starts_with("events/generated-event-") && p.ends_with("/index.html"))
        .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
        .next()
        .unwrap();
    assert!(
        event.contains("class=\"entry-map\""),
        "an event refers to Han Dong"
    );
}
