//! schema.org JSON-LD for each page, and JSON safe to embed in HTML.
//!
//! Tera escapes HTML only. JSON that ends up inside `<script>` (or anywhere a browser
//! might sniff it as HTML) must not contain `<`, `>` or `&` raw, or a title such as
//! `</script><script>...` would end the element: they are written as `\u003c`, `\u003e`
//! and `\u0026`, which JSON parsers read back as the same characters.

use serde_json::{json, Map, Value as Json};

use crate::config::{Config, FieldKind};
use crate::resolve::{DocIndex, Graph, RefTarget, Resolved};
use crate::routes::Route;

use super::deps::{self, Dep};

/// Serialises `value` as JSON with `<`, `>` and `&` escaped for embedding in HTML.
pub(crate) fn json_for_html(value: &Json) -> String {
    let text = value.to_string();
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            other => out.push(other),
        }
    }
    out
}

fn is_article(schema_type: &str) -> bool {
    matches!(
        schema_type,
        "Article" | "NewsArticle" | "BlogPosting" | "Report" | "ScholarlyArticle"
    )
}

/// Whether `schema_type` is a schema.org CreativeWork, the domain of `isPartOf`,
/// `keywords`, `datePublished` and `dateModified`. Types not listed here get only the
/// properties every Thing has, so an unknown type never gets a property it lacks.
fn is_creative_work(schema_type: &str) -> bool {
    is_article(schema_type)
        || matches!(
            schema_type,
            "CreativeWork"
                | "Claim"
                | "WebPage"
                | "AboutPage"
                | "FAQPage"
                | "CollectionPage"
                | "WebSite"
                | "Review"
                | "Book"
                | "Dataset"
                | "Legislation"
                | "Statement"
        )
}

/// The JSON-LD object of one page, typed by its collection's `schema_org` (or the site's
/// `schema_org` for the home page and standalone pages). Every property is one that
/// schema.org gives the type (tests/jsonld.rs checks them against the vocabulary);
/// partial dates stay partial (`2021-02`), as ISO 8601 and schema.org's Date allow.
/// `image` (a Thing's property, so every type has it) is the page's share image.
pub(crate) fn json_ld(
    config: &Config,
    graph: &Graph,
    i: DocIndex,
    schema_type: &str,
    image: Option<&str>,
) -> Json {
    let node = &graph.nodes[i];
    let base = &config.site.base_url;
    let mut object = Map::new();
    object.insert("@context".into(), json!("https://schema.org"));
    object.insert("@type".into(), json!(schema_type));
    object.insert("name".into(), json!(node.doc.title));
    if let Some(summary) = &node.doc.summary {
        object.insert("description".into(), json!(summary));
    }
    object.insert("url".into(), json!(node.route.permalink(base)));
    if let Some(image) = image {
        object.insert("image".into(), json!(image));
    }
    let creative = is_creative_work(schema_type);
    if creative {
        if is_article(schema_type) {
            object.insert("headline".into(), json!(node.doc.title));
            let publisher = publisher(config);
            object.insert("author".into(), publisher.clone());
            object.insert("publisher".into(), publisher);
        }
        if let Some(date) = node.doc.date {
            let key = if is_article(schema_type) {
                "datePublished"
            } else {
                "dateCreated"
            };
            object.insert(key.into(), json!(date.to_string()));
        }
        if let Some(modified) = node.doc.updated.or(node.doc.date) {
            object.insert("dateModified".into(), json!(modified.to_string()));
        }
        object.insert(
            "isPartOf".into(),
            json!({ "@type": "WebSite", "name": config.site.title, "url": Route::Home.in_edition(config.edition()).permalink(base) }),
        );
    } else if schema_type == "Event" {
        if let Some(date) = node.doc.date {
            object.insert("startDate".into(), json!(date.to_string()));
        }
    }
    let has_keywords = creative || matches!(schema_type, "Event" | "Organization");
    if has_keywords && !node.doc.tags.is_empty() {
        object.insert("keywords".into(), json!(node.doc.tags.join(", ")));
    }
    linked_properties(config, graph, i, &mut object);
    // `correction` belongs to CreativeWork: on a person's, body's or event's page the
    // corrections are the page's, so they go on the WebPage.
    let corrections: Vec<Json> = node
        .doc
        .corrections
        .iter()
        .map(|c| json!({ "@type": "CorrectionComment", "text": c.note, "datePublished": c.date.to_string() }))
        .collect();
    if creative {
        if !corrections.is_empty() {
            object.insert("correction".into(), Json::Array(corrections));
        }
    } else {
        // A person, body or event is the main subject of its page, which is the work.
        let mut page = json!({ "@type": "WebPage", "url": node.route.permalink(base), "isPartOf": { "@type": "WebSite", "name": config.site.title, "url": Route::Home.in_edition(config.edition()).permalink(base) } });
        if !corrections.is_empty() {
            page["correction"] = Json::Array(corrections);
        }
        object.insert("mainEntityOfPage".into(), page);
    }
    Json::Object(object)
}

/// The ref fields a collection maps to a schema.org property (`schema_org: memberOf`),
/// each target as a typed object; a qualified reference becomes a schema.org Role
/// (`OrganizationRole` when the target is an Organization) carrying `startDate`,
/// `endDate` and `roleName`, the pattern schema.org gives for "member from ... until".
fn linked_properties(config: &Config, graph: &Graph, i: DocIndex, object: &mut Map<String, Json>) {
    let node = &graph.nodes[i];
    let Some(collection) = node
        .doc
        .id
        .entry()
        .and_then(|id| config.collections.iter().find(|c| c.name == id.collection))
    else {
        return;
    };
    let base = &config.site.base_url;
    for spec in &collection.fields {
        let Some(property) = &spec.schema_org else {
            continue;
        };
        let Some(target_collection) = spec
            .kind
            .target()
            .and_then(|to| config.collections.iter().find(|c| c.name == to))
        else {
            continue;
        };
        let targets: Vec<&RefTarget> = match node.fields.iter().find(|(n, _)| n == &spec.name) {
            Some((_, Resolved::Ref(r))) => vec![r],
            Some((_, Resolved::Refs(list))) => list.iter().collect(),
            _ => continue,
        };
        let target_type = target_collection.schema_org.as_deref().unwrap_or("Thing");
        let values: Vec<Json> = targets
            .iter()
            .map(|r| {
                deps::read(Dep::Card(r.node));
                let target = &graph.nodes[r.node];
                let thing = json!({
                    "@type": target_type,
                    "name": target.doc.title,
                    "url": target.route.permalink(base),
                });
                let Some(q) = &r.qualifiers else {
                    return thing;
                };
                let role_type = if target_type == "Organization" {
                    "OrganizationRole"
                } else {
                    "Role"
                };
                let mut role = Map::new();
                role.insert("@type".into(), json!(role_type));
                role.insert(property.clone(), thing);
                if let Some(since) = q.since {
                    role.insert("startDate".into(), json!(since.to_string()));
                }
                if let Some(until) = q.until {
                    role.insert("endDate".into(), json!(until.to_string()));
                }
                if let Some(name) = &q.role {
                    role.insert("roleName".into(), json!(name));
                }
                Json::Object(role)
            })
            .collect();
        if !values.is_empty() {
            let value = match spec.kind {
                FieldKind::Ref(_) => values.into_iter().next().unwrap_or(Json::Null),
                _ => Json::Array(values),
            };
            object.insert(property.clone(), value);
        }
    }
}

/// The site's publisher as a schema.org Organization.
fn publisher(config: &Config) -> Json {
    let publisher = &config.site.publisher;
    let mut object = Map::new();
    object.insert("@type".into(), json!("Organization"));
    object.insert("name".into(), json!(publisher.name));
    if let Some(url) = &publisher.url {
        object.insert("url".into(), json!(url));
    }
    Json::Object(object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_end_cannot_escape_the_element() {
        let text = json_for_html(&json!({ "name": "</script><script>alert(1)</script> & co" }));
        assert!(
            !text.contains('<') && !text.contains('>') && !text.contains('&'),
            "{text}"
        );
        let back: Json = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "</script><script>alert(1)</script> & co");
    }
}
