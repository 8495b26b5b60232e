//! What third-party clients get: the bundled site's `sitemap.xml` against the
//! sitemaps.org schema (and, split past its limits, the index and its parts against the
//! protocol's two schemas), every feed (the site's, the corrections', each collection's
//! and tag's, in both editions) against the Atom RELAX NG grammar of RFC 4287 and through
//! a feed reader's parser (Python's feedparser), the listing pages' links to their feeds,
//! and every page's JSON-LD against the schema.org vocabulary (each property used on a
//! type whose domain includes it).
//!
//! The schemas are in `tests/schemas/` and the vocabulary in `tests/schemaorg/`, each
//! with its source. The XML checks run `/usr/bin/python3` with lxml and feedparser, which
//! `tests/browser/setup.sh` installs (`.ci/run` calls it).

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

use common::Site;

/// The bundled site built through the binary under a base path, and its output folder.
fn bundled() -> (Site, std::path::PathBuf) {
    let site = Site::bundled();
    let out = build(&site, &[]);
    (site, out)
}

/// Builds `site` through the binary, with `env` set, into its `public` folder.
fn build(site: &Site, env: &[(&str, &str)]) -> std::path::PathBuf {
    let out = site.out("public");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--quiet", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    out
}

/// Runs a Python check over the output folder; it prints `ok` or what failed.
fn python(script: &str, out: &Path) {
    let schemas = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas");
    let o = Command::new("/usr/bin/python3")
        .arg("-c")
        .arg(script)
        .arg(out)
        .arg(&schemas)
        .output()
        .expect("/usr/bin/python3 (tests/browser/setup.sh installs what this test needs)");
    let stdout = String::from_utf8_lossy(&o.stdout);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        o.status.success() && stdout.trim() == "ok",
        "{stdout}{stderr}"
    );
}

#[test]
fn the_sitemap_is_valid_against_the_sitemaps_org_schema() {
    let (_site, out) = bundled();
    python(
        r#"
import sys
from lxml import etree
out, schemas = sys.argv[1], sys.argv[2]
schema = etree.XMLSchema(etree.parse(schemas + "/sitemap.xsd"))
doc = etree.parse(out + "/sitemap.xml")
if not schema.validate(doc):
    print("\n".join(str(e) for e in schema.error_log))
    sys.exit(1)
print("ok")
"#,
        &out,
    );
}

#[test]
fn every_feed_is_valid_atom_and_a_feed_reader_follows_its_links() {
    let (_site, out) = bundled();
    python(
        r#"
import sys, re, os
from lxml import etree
import feedparser
out, schemas = sys.argv[1], sys.argv[2]
grammar = etree.RelaxNG(etree.parse(schemas + "/atom.rng"))
feeds = sorted(
    os.path.relpath(os.path.join(d, f), out)
    for d, _, files in os.walk(out) for f in files if f == "atom.xml"
)
problems = []
entries = {}
for path in feeds:
    doc = etree.parse(os.path.join(out, path))
    if not grammar.validate(doc):
        problems.append(path + ": " + "; ".join(str(e) for e in grammar.error_log))
        continue
    # A reader given the bytes alone, without the feed's address.
    feed = feedparser.parse(open(os.path.join(out, path), "rb").read())
    if feed.bozo:
        problems.append(f"{path}: feedparser: {feed.bozo_exception}")
        continue
    entries[path] = len(feed.entries)
    language = "fr" if path.startswith("fr/") else "en"
    if feed.feed.get("language") != language:
        problems.append(f"{path}: language {feed.feed.get('language')}")
    for entry in feed.entries:
        for content in entry.get("content", []):
            for link in re.findall(r'(?:href|src)="([^"]*)"', content.value):
                if not re.match(r"^(https?|mailto):", link):
                    problems.append(f"{path}: {entry.title}: {link}")
        for key in ("updated", "published"):
            value = entry.get(key)
            if value and not re.match(r"^\d{4}-\d{2}-\d{2}T", value):
                problems.append(f"{path}: {entry.title}: {key} {value}")
# The site's feeds, collections' and tags' feeds with entries, and (people: nobody has a
# date) a listing's feed with none, which must be valid too.
for path in ("atom.xml", "fr/atom.xml", "allegations/atom.xml", "tags/two-michaels/atom.xml", "fr/tags/deux-michael/atom.xml"):
    if entries.get(path, 0) == 0:
        problems.append(f"{path}: no entries")
for path in ("people/atom.xml", "fr/personnes/atom.xml"):
    if path not in entries or entries[path] != 0:
        problems.append(f"{path}: {entries.get(path)} entries, expected a valid empty feed")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
"#,
        &out,
    );
}

/// The feed a page's head advertises beside the site's, as (title, href).
fn listing_feed_link(html: &str) -> Option<(String, String)> {
    html.lines()
        .filter(|l| l.starts_with("<link rel=\"alternate\" type=\"application/atom+xml\""))
        .nth(1)
        .map(|l| {
            let attribute = |name: &str| {
                let start = l.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
                l[start..start + l[start..].find('"').unwrap()].to_string()
            };
            (attribute("title"), attribute("href"))
        })
}

#[test]
fn each_collection_and_tag_page_advertises_its_feed_in_its_language() {
    let site = Site::bundled();
    // Two pages per listing: the first page and the ones below it advertise one feed.
    site.replace(
        "site.yaml",
        "title: { en: People, fr: Personnes }",
        "title: { en: People, fr: Personnes }\n    per_page: 2",
    );
    let out = build(&site, &[]);
    let config = casefile::load_config(&casefile::BuildOptions {
        root: site.root.clone(),
        ..casefile::BuildOptions::default()
    })
    .unwrap();
    let files = common::tree(&out);
    let text = |path: &str| String::from_utf8(files[path].clone()).unwrap();
    let mut feeds = BTreeMap::new();
    for path in files.keys() {
        let Some(folder) = path.strip_suffix("/atom.xml") else {
            continue;
        };
        let listing = folder.trim_start_matches("fr/");
        // The site's feed in French, and the corrections feeds, are not a listing's.
        if folder == "fr" || listing == "corrections" {
            continue;
        }
        let feed = roxmltree::Document::parse(&text(path))
            .unwrap()
            .root_element()
            .children()
            .find(|n| n.has_tag_name("title"))
            .and_then(|n| n.text())
            .unwrap()
            .to_string();
        feeds.insert(folder.to_string(), feed);
    }
    let tag_pages = files
        .keys()
        .filter(|p| {
            p.contains("tags/")
                && p.ends_with("/index.html")
                && !p.contains("/page/")
                && p.matches('/').count() == 2 + usize::from(p.starts_with("fr/"))
        })
        .count();
    assert_eq!(
        feeds.len(),
        config.collections.len() * config.site.languages.len() + tag_pages,
        "{feeds:#?}"
    );
    let mut pages = 0;
    for (folder, title) in &feeds {
        let listing: Vec<&String> = files
            .keys()
            .filter(|p| {
                p.strip_prefix(folder.as_str()).is_some_and(|rest| {
                    rest == "/index.html"
                        || (rest.starts_with("/page/") && rest.matches('/').count() == 3)
                })
            })
            .collect();
        assert!(!listing.is_empty(), "no page beside {folder}/atom.xml");
        for page in listing {
            pages += 1;
            assert_eq!(
                listing_feed_link(&text(page)),
                Some((
                    title.replace('"', "&quot;"),
                    format!("/han-dong/{folder}/atom.xml")
                )),
                "{page}"
            );
        }
    }
    assert!(feeds.keys().any(|f| f == "people"), "{feeds:#?}");
    assert!(files.contains_key("people/page/2/index.html"));
    assert!(
        pages > feeds.len(),
        "{pages} pages for {} feeds",
        feeds.len()
    );
    assert_eq!(
        feeds["fr/personnes"],
        "Personnes · Han Dong quitte le caucus libéral"
    );
    assert_eq!(
        feeds["fr/tags/deux-michael"],
        "Mot-clé « deux Michael » · Han Dong quitte le caucus libéral"
    );
    assert_eq!(
        feeds["tags/two-michaels"],
        "Tagged “two-michaels” · Han Dong leaves the Liberal caucus"
    );
}

#[test]
fn past_its_limit_the_sitemap_is_an_index_of_valid_parts_that_list_every_page_once() {
    // One site in two languages (hreflang alternates), one in one.
    for fixture in ["bundled", "valid"] {
        let site = match fixture {
            "bundled" => Site::bundled(),
            name => Site::copy(name),
        };
        let whole = common::tree(&build(&site, &[]));
        let locs = |xml: &[u8]| -> Vec<String> {
            let xml = std::str::from_utf8(xml).unwrap();
            roxmltree::Document::parse(xml)
                .unwrap()
                .descendants()
                .filter(|n| n.has_tag_name("loc"))
                .filter_map(|n| n.text().map(String::from))
                .collect()
        };
        let pages = locs(&whole["sitemap.xml"]);
        assert!(pages.len() > 12, "{fixture}: {} pages", pages.len());
        let limit = pages.len() / 3 - 1;
        std::fs::remove_dir_all(site.out("public")).unwrap();
        let out = build(
            &site,
            &[("CASEFILE_TEST_SITEMAP_MAX_URLS", &limit.to_string())],
        );
        let split = common::tree(&out);
        let parts: Vec<&String> = split.keys().filter(|p| p.starts_with("sitemap-")).collect();
        assert_eq!(
            parts.len(),
            pages.len().div_ceil(limit),
            "{fixture}: {parts:?}"
        );
        let home = pages.iter().min_by_key(|p| p.len()).unwrap();
        let origin = home.trim_end_matches('/');
        let index = locs(&split["sitemap.xml"]);
        assert_eq!(
            index,
            (1..=parts.len())
                .map(|n| format!("{origin}/sitemap-{n}.xml"))
                .collect::<Vec<_>>(),
            "{fixture}"
        );
        let mut listed = Vec::new();
        for n in 1..=parts.len() {
            let part = locs(&split[&format!("sitemap-{n}.xml")]);
            assert!(
                part.len() <= limit,
                "{fixture}: part {n} has {}",
                part.len()
            );
            listed.extend(part);
        }
        assert_eq!(listed, pages, "{fixture}");
        // Crawlers find the index where they found the sitemap (the `valid` fixture has
        // a robots.txt of its own, which wins).
        assert_eq!(split["robots.txt"], whole["robots.txt"]);
        assert!(
            fixture == "valid"
                || String::from_utf8_lossy(&split["robots.txt"])
                    .contains(&format!("Sitemap: {origin}/sitemap.xml\n")),
            "{fixture}"
        );
        python(
            r#"
import sys, os
from lxml import etree
out, schemas = sys.argv[1], sys.argv[2]
index = etree.XMLSchema(etree.parse(schemas + "/siteindex.xsd"))
urlset = etree.XMLSchema(etree.parse(schemas + "/sitemap.xsd"))
files = [("sitemap.xml", index)] + [(f, urlset) for f in sorted(os.listdir(out)) if f.startswith("sitemap-")]
problems = []
for name, schema in files:
    if not schema.validate(etree.parse(os.path.join(out, name))):
        problems.append(name + ": " + "; ".join(str(e) for e in schema.error_log))
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
"#,
            &out,
        );
    }
}

/// schema.org's types (with their direct supertypes) and properties (with their
/// domains), from `tests/schemaorg/vocabulary.json`.
struct Vocabulary {
    types: BTreeMap<String, Vec<String>>,
    properties: BTreeMap<String, Vec<String>>,
}

impl Vocabulary {
    fn load() -> Vocabulary {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemaorg/vocabulary.json");
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let map = |key: &str| -> BTreeMap<String, Vec<String>> {
            json[key]
                .as_object()
                .unwrap()
                .iter()
                .map(|(k, v)| {
                    let list = v.as_array().unwrap();
                    (
                        k.clone(),
                        list.iter()
                            .map(|s| s.as_str().unwrap().to_string())
                            .collect(),
                    )
                })
                .collect()
        };
        Vocabulary {
            types: map("types"),
            properties: map("properties"),
        }
    }

    /// `name` and every type it is a kind of.
    fn ancestors(&self, name: &str) -> BTreeSet<String> {
        let mut found = BTreeSet::new();
        let mut todo = vec![name.to_string()];
        while let Some(t) = todo.pop() {
            if found.insert(t.clone()) {
                todo.extend(self.types.get(&t).cloned().unwrap_or_default());
            }
        }
        found
    }

    /// Every property of `object` (and of the typed objects inside it) that its type
    /// does not have, as `Type.property`.
    fn misplaced(&self, object: &serde_json::Value, out: &mut Vec<String>) {
        self.misplaced_via(object, None, out);
    }

    /// As [`Vocabulary::misplaced`], for an object reached through property `via`.
    /// schema.org's Role pattern repeats the linking property inside the Role
    /// (`memberOf: { @type: OrganizationRole, memberOf: {...}, startDate }`), so a Role
    /// may carry the property it was reached through.
    fn misplaced_via(&self, object: &serde_json::Value, via: Option<&str>, out: &mut Vec<String>) {
        if let Some(list) = object.as_array() {
            for item in list {
                self.misplaced_via(item, via, out);
            }
            return;
        }
        let Some(map) = object.as_object() else {
            return;
        };
        let Some(ty) = map.get("@type").and_then(|t| t.as_str()) else {
            return;
        };
        if !self.types.contains_key(ty) {
            out.push(format!("unknown type {ty}"));
            return;
        }
        let kinds = self.ancestors(ty);
        for (property, value) in map {
            if property.starts_with('@') {
                continue;
            }
            let role_link = kinds.contains("Role") && via == Some(property.as_str());
            match self.properties.get(property) {
                Some(_) if role_link => {}
                None => out.push(format!("{ty}.{property}: not a schema.org property")),
                Some(domain) if !domain.iter().any(|d| kinds.contains(d)) => out.push(format!(
                    "{ty}.{property}: its domain is {}",
                    domain.join(", ")
                )),
                Some(_) => {}
            }
            self.misplaced_via(value, Some(property), out);
        }
    }
}

#[test]
fn every_json_ld_property_belongs_to_its_type() {
    let vocabulary = Vocabulary::load();
    // The checker itself: what the old output had must be caught.
    let mut caught = Vec::new();
    vocabulary.misplaced(
        &serde_json::json!({"@type": "Person", "name": "x", "isPartOf": {"@type": "WebSite", "name": "s"}, "dateCreated": "2019"}),
        &mut caught,
    );
    assert_eq!(caught.len(), 2, "{caught:?}");

    let (_site, out) = bundled();
    let mut problems = BTreeMap::new();
    let mut pages = 0;
    for entry in walkdir::WalkDir::new(&out) {
        let entry = entry.unwrap();
        if entry.path().extension().is_none_or(|e| e != "html") {
            continue;
        }
        let html = std::fs::read_to_string(entry.path()).unwrap();
        let start = "<script type=\"application/ld+json\">";
        let Some(at) = html.find(start) else {
            continue;
        };
        let rest = &html[at + start.len()..];
        let json: serde_json::Value =
            serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap();
        pages += 1;
        let mut found = Vec::new();
        vocabulary.misplaced(&json, &mut found);
        if !found.is_empty() {
            let rel = entry
                .path()
                .strip_prefix(&out)
                .unwrap()
                .display()
                .to_string();
            problems.insert(rel, found);
        }
    }
    assert!(pages > 40, "{pages} pages with JSON-LD");
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn article_pages_name_their_author_and_dates() {
    let (_site, out) = bundled();
    let page =
        std::fs::read_to_string(out.join("sources/global-news-2023-02-25/index.html")).unwrap();
    let start = "<script type=\"application/ld+json\">";
    let rest = &page[page.find(start).unwrap() + start.len()..];
    let json: serde_json::Value =
        serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap();
    assert_eq!(json["@type"], "NewsArticle");
    assert_eq!(json["author"]["@type"], "Organization");
    assert!(json["author"]["name"]
        .as_str()
        .is_some_and(|n| !n.is_empty()));
    assert_eq!(json["datePublished"], "2023-02-25");
    assert_eq!(json["dateModified"], "2023-02-25");
}
