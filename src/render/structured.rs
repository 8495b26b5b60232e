//! schema.org JSON-LD for each page, and JSON safe to embed in HTML.
//!
//! Tera escapes HTML only. JSON that ends up inside `<script>` (or anywhere a browser
//! might sniff it as HTML) must not contain `<`, `>` or `&` raw, or a title such as
//! `</script><script>...` would end the element: they are written as `\u003c`, `\u003e`
//! and `\u0026`, which JSON parsers read back as the same characters.

use serde_json::{json, Map, Value as Json};

use crate::config::Config;
use crate::resolve::Node;
use crate::routes::Route;

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
pub(crate) fn json_ld(config: &Config, node: &Node, schema_type: &str) -> Json {
    let base = &config.site.base_url;
    let mut object = Map::new();
    object.insert("@context".into(), json!("https://schema.org"));
    object.insert("@type".into(), json!(schema_type));
    object.insert("name".into(), json!(node.doc.title));
    if let Some(summary) = &node.doc.summary {
        object.insert("description".into(), json!(summary));
    }
    object.insert("url".into(), json!(node.route.permalink(base)));
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
            json!({ "@type": "WebSite", "name": config.site.title, "url": Route::Home.permalink(base) }),
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
    if !creative {
        // A person, body or event is the main subject of its page, which is the work.
        object.insert(
            "mainEntityOfPage".into(),
            json!({ "@type": "WebPage", "url": node.route.permalink(base), "isPartOf": { "@type": "WebSite", "name": config.site.title, "url": Route::Home.permalink(base) } }),
        );
    }
    Json::Object(object)
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
