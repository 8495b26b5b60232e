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

/// The JSON-LD object of one page, typed by its collection's `schema_org` (or the site's
/// `schema_org` for the home page and standalone pages).
pub(crate) fn json_ld(config: &Config, node: &Node, schema_type: &str) -> Json {
    let base = &config.site.base_url;
    let mut object = Map::new();
    object.insert("@context".into(), json!("https://schema.org"));
    object.insert("@type".into(), json!(schema_type));
    object.insert("name".into(), json!(node.doc.title));
    if is_article(schema_type) {
        object.insert("headline".into(), json!(node.doc.title));
    }
    if let Some(summary) = &node.doc.summary {
        object.insert("description".into(), json!(summary));
    }
    object.insert("url".into(), json!(node.route.permalink(base)));
    if let Some(date) = node.doc.date {
        let key = match schema_type {
            "Event" => "startDate",
            t if is_article(t) => "datePublished",
            _ => "dateCreated",
        };
        object.insert(key.into(), json!(date.to_string()));
    }
    if let Some(updated) = node.doc.updated {
        object.insert("dateModified".into(), json!(updated.to_string()));
    }
    if !node.doc.tags.is_empty() {
        object.insert("keywords".into(), json!(node.doc.tags.join(", ")));
    }
    object.insert(
        "isPartOf".into(),
        json!({ "@type": "WebSite", "name": config.site.title, "url": Route::Home.permalink(base) }),
    );
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
