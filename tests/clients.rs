//! What third-party clients get: the bundled site's `sitemap.xml` against the
//! sitemaps.org schema, its `atom.xml` against the Atom RELAX NG grammar of RFC 4287 and
//! through a feed reader's parser (Python's feedparser), and every page's JSON-LD against
//! the schema.org vocabulary (each property used on a type whose domain includes it).
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
    let out = site.out("public");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--quiet", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    (site, out)
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
fn the_feed_is_valid_atom_and_a_feed_reader_follows_its_links() {
    let (_site, out) = bundled();
    python(
        r#"
import sys, re
from lxml import etree
import feedparser
out, schemas = sys.argv[1], sys.argv[2]
grammar = etree.RelaxNG(etree.parse(schemas + "/atom.rng"))
doc = etree.parse(out + "/atom.xml")
if not grammar.validate(doc):
    print("\n".join(str(e) for e in grammar.error_log))
    sys.exit(1)
# A reader given the bytes alone, without the feed's address.
feed = feedparser.parse(open(out + "/atom.xml", "rb").read())
if feed.bozo:
    print("feedparser:", feed.bozo_exception)
    sys.exit(1)
if len(feed.entries) == 0:
    print("no entries")
    sys.exit(1)
problems = []
for entry in feed.entries:
    html = entry.content[0].value
    for link in re.findall(r'(?:href|src)="([^"]*)"', html):
        if not re.match(r"^(https?|mailto):", link):
            problems.append(f"{entry.title}: {link}")
    for key in ("updated", "published"):
        value = entry.get(key)
        if value and not re.match(r"^\d{4}-\d{2}-\d{2}T", value):
            problems.append(f"{entry.title}: {key} {value}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok")
"#,
        &out,
    );
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
