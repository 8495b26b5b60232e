//! `casefile schema [COLLECTION]`: a JSON Schema (draft 2020-12) of the front matter the
//! build accepts, for editor extensions, CMS forms and pre-commit checks that validate
//! entries without running casefile.
//!
//! Reads the validated [`Config`] only and writes nothing. The schema checks *shape*
//! (types, enum values, required keys, no unknown keys, slug patterns for refs), which is
//! all a file can be checked for alone: whether a ref names an entry that exists, and the
//! editorial rules, need the whole site and stay the build's job.

use serde_json::{json, Map, Value};

use crate::config::{Collection, Config, FieldKind, FieldSpec, Qualifier};
use crate::routes::scheme::REFUSED_SCHEMES;

/// The JSON Schema dialect written.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// A slug: lowercase letters and digits in groups joined by single hyphens.
const SLUG: &str = "[a-z0-9]+(?:-[a-z0-9]+)*";
/// An alias: a slug, or a collection's name and a slug (`routes::slug::is_name`).
const ALIAS_PATTERN: &str = "^\\s*(?:[a-z][a-z0-9_-]*/)?[a-z0-9]+(?:-[a-z0-9]+)*\\s*$";

/// The schema of one collection's entries, or `None` for an unknown collection.
pub fn collection_schema(config: &Config, name: &str) -> Option<Value> {
    let collection = config.collections.iter().find(|c| c.name == name)?;
    let mut schema = entry_schema(config, Some(collection), false);
    let object = schema
        .as_object_mut()
        .expect("an entry schema is an object");
    let mut head = Map::new();
    head.insert("$schema".into(), DIALECT.into());
    head.insert(
        "title".into(),
        format!(
            "{}: front matter of content/{}/*.md",
            config.site.title, name
        )
        .into(),
    );
    head.append(object);
    Some(Value::Object(head))
}

/// One schema for the whole site: each collection's entries under `$defs/<name>`, and
/// standalone pages, the home page and collection intros (`_index.md`) under
/// `$defs/page`. A tool picks the definition by the file's folder.
pub fn site_schema(config: &Config) -> Value {
    let mut defs = Map::new();
    let translated = config.site.languages.len() > 1;
    for c in &config.collections {
        defs.insert(c.name.clone(), entry_schema(config, Some(c), false));
        if translated {
            defs.insert(
                format!("{}.translation", c.name),
                entry_schema(config, Some(c), true),
            );
        }
    }
    defs.insert("page".into(), entry_schema(config, None, false));
    let mut description = String::from("content/<collection>/<slug>.md validates against #/$defs/<collection>; content/<slug>.md and every _index.md against #/$defs/page.");
    if translated {
        description.push_str(" A translation (content/<collection>/<slug>.<language>.md) validates against #/$defs/<collection>.translation, a translated page or _index.<language>.md against #/$defs/page.");
    }
    json!({
        "$schema": DIALECT,
        "title": format!("{}: front matter of content/", config.site.title),
        "description": description,
        "$defs": defs,
    })
}

/// The keys every file has, then the collection's fields. A `translation` needs only its
/// own words: a field that is not text is the original's when it leaves it out.
fn entry_schema(config: &Config, collection: Option<&Collection>, translation: bool) -> Value {
    let mut properties = Map::new();
    properties.insert(
        "title".into(),
        json!({ "description": "The title (required).", "anyOf": [{ "type": "string", "minLength": 1 }, { "type": "number" }] }),
    );
    properties.insert(
        "summary".into(),
        optional(json!({ "description": "A one-sentence summary.", "type": ["string", "number"] })),
    );
    properties.insert("date".into(), optional(date()));
    properties.insert(
        "approximate".into(),
        optional(json!({ "type": "boolean", "description": "The date is approximate (`around September 2021`)." })),
    );
    properties.insert(
        "corrections".into(),
        optional(json!({
            "type": "array",
            "items": {
                "type": "object",
                "properties": { "date": full_date(), "note": { "type": ["string", "number"] } },
                "required": ["date", "note"],
                "additionalProperties": false,
            },
        })),
    );
    properties.insert("updated".into(), optional(date()));
    properties.insert(
        "tags".into(),
        optional(json!({ "type": "array", "items": { "type": ["string", "number"] } })),
    );
    properties.insert("draft".into(), optional(json!({ "type": "boolean" })));
    properties.insert(
        "aliases".into(),
        optional(json!({
            "type": "array",
            "description": "Old addresses that redirect here: an old slug, or an old collection and slug.",
            "items": { "type": "string", "pattern": ALIAS_PATTERN },
        })),
    );
    let mut required = vec![Value::from("title")];
    if let Some(c) = collection {
        for field in &c.fields {
            let schema = field_schema(config, field);
            if field.required && (!translation || field.kind.is_text()) {
                required.push(field.name.clone().into());
                properties.insert(field.name.clone(), schema);
            } else {
                properties.insert(field.name.clone(), optional(schema));
            }
        }
    }
    let mut schema = json!({
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": false,
    });
    if let Some(c) = collection {
        schema["description"] = if translation {
            format!("A translation of an entry of {}.", c.title).into()
        } else {
            format!("An entry of {}.", c.title).into()
        };
    }
    schema
}

/// An optional key: an empty value (YAML null) counts as absent.
fn optional(schema: Value) -> Value {
    json!({ "anyOf": [schema, { "type": "null" }] })
}

/// A full `YYYY-MM-DD` date (a correction's).
fn full_date() -> Value {
    json!({ "type": "string", "pattern": "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$" })
}

/// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; a year alone may be a number.
fn date() -> Value {
    json!({
        "anyOf": [
            { "type": "string", "pattern": "^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$" },
            { "type": "integer", "minimum": 1, "maximum": 9999 },
        ]
    })
}

fn field_schema(config: &Config, field: &FieldSpec) -> Value {
    let mut schema = match &field.kind {
        FieldKind::Ref(to) => qualified(reference(to), field),
        FieldKind::Refs(to) => {
            let one = qualified(reference(to), field);
            // A single slug where a list is expected is accepted too.
            json!({ "anyOf": [{ "type": "array", "items": one }, reference(to)] })
        }
        kind => kind_schema(config, kind),
    };
    if let Some(object) = schema.as_object_mut() {
        object.insert("title".into(), field.label.clone().into());
    }
    schema
}

fn kind_schema(config: &Config, kind: &FieldKind) -> Value {
    match kind {
        FieldKind::String => json!({ "type": ["string", "number"] }),
        FieldKind::Markdown => json!({ "type": "string" }),
        FieldKind::Date => date(),
        FieldKind::Enum(values) => json!({ "type": "string", "enum": values }),
        FieldKind::Url => url(config),
        FieldKind::Bool => json!({ "type": "boolean" }),
        FieldKind::Integer => json!({ "type": "integer" }),
        FieldKind::Strings => json!({ "type": "array", "items": { "type": ["string", "number"] } }),
        // `{ src, alt, credit, caption }`; alt and credit are required unless
        // `decorative: true`, which the build checks.
        FieldKind::Image => json!({
            "type": "object",
            "properties": {
                "src": { "type": "string", "description": "A file beside the entry, or /path under static/." },
                "alt": { "type": "string" },
                "credit": { "type": "string" },
                "caption": { "type": "string" },
                "decorative": { "type": "boolean" },
            },
            "required": ["src"],
            "additionalProperties": false,
        }),
        FieldKind::Ref(to) => reference(to),
        FieldKind::Refs(to) => json!({ "anyOf": [
            { "type": "array", "items": reference(to) },
            reference(to),
        ] }),
        FieldKind::Records(fields) => {
            let mut properties = Map::new();
            let mut required = Vec::new();
            for f in fields {
                let schema = field_schema(config, f);
                if f.required {
                    required.push(Value::from(f.name.clone()));
                    properties.insert(f.name.clone(), schema);
                } else {
                    properties.insert(f.name.clone(), optional(schema));
                }
            }
            json!({
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": properties,
                    "required": required,
                    "additionalProperties": false,
                },
            })
        }
    }
}

/// A reference, or with the field's `qualifiers` also `{ to: slug, since, until, role }`.
fn qualified(reference: Value, field: &FieldSpec) -> Value {
    if field.qualifiers.is_empty() {
        return reference;
    }
    let mut properties = Map::new();
    properties.insert("to".into(), reference.clone());
    for q in &field.qualifiers {
        let schema = match q {
            Qualifier::Since | Qualifier::Until => date(),
            Qualifier::Role => json!({ "type": ["string", "number"] }),
        };
        properties.insert(q.name().into(), optional(schema));
    }
    json!({ "anyOf": [reference, {
        "type": "object",
        "properties": properties,
        "required": ["to"],
        "additionalProperties": false,
    }] })
}

/// The slug of an entry of `to`, optionally written `<to>/<slug>`.
fn reference(to: &str) -> Value {
    json!({
        "type": "string",
        "pattern": format!("^\\s*(?:{}/)?{SLUG}\\s*$", regex_escape(to)),
        "description": format!("The slug of an entry of `{to}`."),
    })
}

/// An absolute address whose scheme the site does not refuse.
fn url(config: &Config) -> Value {
    let policy = &config.site.schemes;
    let mut refused: Vec<&str> = REFUSED_SCHEMES
        .iter()
        .copied()
        .filter(|s| !policy.allow.iter().any(|a| a == s))
        .collect();
    refused.extend(policy.refuse.iter().map(String::as_str));
    let refused: Vec<String> = refused.iter().map(|s| regex_escape(s)).collect();
    // Case-insensitive by spelling each letter both ways: ECMA-262 patterns in JSON
    // Schema have no flags.
    let either_case: Vec<String> = refused
        .iter()
        .map(|s| {
            s.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c.to_ascii_lowercase(), c.to_ascii_uppercase())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    let not_refused = if either_case.is_empty() {
        String::new()
    } else {
        format!("(?!(?:{}):)", either_case.join("|"))
    };
    json!({
        "type": "string",
        "pattern": format!("^{not_refused}[A-Za-z][A-Za-z0-9+.-]*:[^\\s]*$"),
        "description": "An absolute address (https:, mailto:, tel:...).",
    })
}

fn regex_escape(text: &str) -> String {
    text.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c.to_string()
            } else {
                format!("\\{c}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_escaped_for_patterns() {
        assert_eq!(regex_escape("a.b+c"), "a\\.b\\+c");
        assert_eq!(regex_escape("people"), "people");
    }
}
