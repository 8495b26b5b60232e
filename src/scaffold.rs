//! `casefile new <collection> <slug>`: a new entry file with every field of its
//! collection's schema, each commented with its type, so an editor only fills in values.
//!
//! Reads the validated [`Config`] and writes exactly one new file,
//! `content/<collection>/<slug>.md`; it never overwrites anything. Empty values are YAML
//! nulls, which the model treats as absent, so a fresh entry builds as soon as its
//! required fields are filled in.

use std::fmt::Write as _;
use std::io::Write as _;
use std::path::PathBuf;

use thiserror::Error;

use crate::config::{Collection, Config, FieldKind, FieldSpec};
use crate::diagnostic::closest;
use crate::routes::slug::{is_slug, suggest_slug};

/// Why a new entry was not written. Every case is a usage error (exit code 2).
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScaffoldError {
    /// No such collection in `site.yaml`.
    #[error("there is no collection `{name}` in site.yaml (collections: {known})")]
    UnknownCollection {
        /// What was asked for.
        name: String,
        /// The declared collections, comma-separated.
        known: String,
    },
    /// The slug is not `[a-z0-9]+(-[a-z0-9]+)*`.
    #[error("`{0}` is not a valid slug: use lowercase letters, digits and single hyphens")]
    BadSlug(String),
    /// The file exists.
    #[error("`{0}` already exists; pick another slug or edit that file")]
    Exists(String),
    /// Writing failed.
    #[error("cannot write `{path}`: {message}")]
    Io {
        /// The file.
        path: String,
        /// The error.
        message: String,
    },
}

/// A refusal with a suggestion.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[error("{error}")]
pub struct Refused {
    /// What is wrong.
    pub error: ScaffoldError,
    /// A suggestion, such as "did you mean `people`?".
    pub hint: Option<String>,
}

/// What [`new_entry`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// The new file, relative to the site root: `content/people/han-dong.md`.
    pub path: PathBuf,
    /// Required fields to fill in (`title` first).
    pub required: Vec<String>,
    /// Other collections that already use this slug (links to it then need the
    /// `[[collection/slug]]` form).
    pub shared_with: Vec<String>,
}

/// Writes `content/<collection>/<slug>.md` for a new entry, refusing unknown collections,
/// invalid slugs and existing files.
pub fn new_entry(config: &Config, collection: &str, slug: &str) -> Result<Created, Refused> {
    let Some(schema) = config.collections.iter().find(|c| c.name == collection) else {
        return Err(usage(
            ScaffoldError::UnknownCollection {
                name: collection.to_string(),
                known: config
                    .collections
                    .iter()
                    .map(|c| format!("`{}`", c.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            },
            collection_hint(config, collection),
        ));
    };
    if !is_slug(slug) {
        let suggestion = suggest_slug(slug);
        let hint = crate::routes::slug::device_name_note(slug)
            .or_else(|| (!suggestion.is_empty()).then(|| format!("did you mean `{suggestion}`?")));
        return Err(usage(ScaffoldError::BadSlug(slug.to_string()), hint));
    }
    let rel = PathBuf::from("content")
        .join(collection)
        .join(format!("{slug}.md"));
    let path = config.root.join(&rel);
    let io = |e: std::io::Error| {
        usage(
            ScaffoldError::Io {
                path: rel.display().to_string(),
                message: e.to_string(),
            },
            None,
        )
    };
    std::fs::create_dir_all(path.parent().expect("a file in a folder")).map_err(io)?;
    // `create_new` refuses an existing file (or symbolic link) atomically.
    let mut file = match std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
    {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(usage(
                ScaffoldError::Exists(rel.display().to_string()),
                Some(format!(
                    "a free slug would be `{}`",
                    free_slug(config, collection, slug)
                )),
            ))
        }
        Err(e) => return Err(io(e)),
    };
    file.write_all(template(schema, slug).as_bytes())
        .map_err(io)?;
    let mut required = vec!["title".to_string()];
    required.extend(
        schema
            .fields
            .iter()
            .filter(|f| f.required)
            .map(|f| f.name.clone()),
    );
    let shared_with = config
        .collections
        .iter()
        .filter(|c| c.name != collection)
        .filter(|c| {
            config
                .root
                .join("content")
                .join(&c.name)
                .join(format!("{slug}.md"))
                .exists()
        })
        .map(|c| c.name.clone())
        .collect();
    Ok(Created {
        path: rel,
        required,
        shared_with,
    })
}

fn usage(error: ScaffoldError, hint: Option<String>) -> Refused {
    Refused { error, hint }
}

/// "did you mean `people`?", matching collection names and their singular titles.
fn collection_hint(config: &Config, name: &str) -> Option<String> {
    let lower = name.to_lowercase();
    let by_singular = config
        .collections
        .iter()
        .find(|c| c.singular.to_lowercase() == lower || c.title.to_lowercase() == lower);
    let found = by_singular
        .map(|c| c.name.as_str())
        .or_else(|| closest(&lower, config.collections.iter().map(|c| c.name.as_str())));
    found.map(|c| format!("did you mean `{c}`?"))
}

fn free_slug(config: &Config, collection: &str, slug: &str) -> String {
    (2..)
        .map(|n| format!("{slug}-{n}"))
        .find(|s| {
            !config
                .root
                .join("content")
                .join(collection)
                .join(format!("{s}.md"))
                .exists()
        })
        .expect("some number is free")
}

/// The file's text: front matter with every field, required ones first.
pub(crate) fn template(schema: &Collection, slug: &str) -> String {
    let mut out = String::from("---\n");
    let title = slug
        .split('-')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|c| c.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ");
    let _ = writeln!(out, "title: {}  # string, required", yaml_text(&title));
    let (required, optional): (Vec<&FieldSpec>, Vec<&FieldSpec>) =
        schema.fields.iter().partition(|f| f.required);
    for field in required {
        field_lines(&mut out, field, "");
    }
    out.push_str("summary:  # string: one sentence for cards, search and link previews\n");
    // Commented out: a `date:` without a value is an error, unlike a declared field's.
    out.push_str("# date:  # date: YYYY, YYYY-MM or YYYY-MM-DD; remove the first # to set it\n");
    out.push_str("tags: []  # strings\n");
    for field in optional {
        field_lines(&mut out, field, "");
    }
    out.push_str("---\n");
    out
}

/// `role:  # string, required`, and for records a commented example of one record.
fn field_lines(out: &mut String, field: &FieldSpec, indent: &str) {
    let required = if field.required { ", required" } else { "" };
    let empty = match field.kind {
        FieldKind::Refs(_) | FieldKind::Strings => " []",
        _ => "",
    };
    let _ = writeln!(
        out,
        "{indent}{}:{empty}  # {}{required}",
        field.name,
        type_comment(&field.kind)
    );
    if let FieldKind::Records(inner) = &field.kind {
        let _ = writeln!(out, "{indent}#   one record per item, like this:");
        for (i, spec) in inner.iter().enumerate() {
            let lead = if i == 0 { "- " } else { "  " };
            let mut line = String::new();
            field_lines(&mut line, spec, "");
            for l in line.lines() {
                let _ = writeln!(out, "{indent}#   {lead}{l}");
            }
        }
    }
}

fn type_comment(kind: &FieldKind) -> String {
    match kind {
        FieldKind::String => "string".into(),
        FieldKind::Markdown => "markdown: inline text, [[links]] work".into(),
        FieldKind::Date => "date: YYYY, YYYY-MM or YYYY-MM-DD".into(),
        FieldKind::Enum(values) => format!("enum: {}", values.join(" | ")),
        FieldKind::Url => "url: https://…".into(),
        FieldKind::Bool => "bool: true or false".into(),
        FieldKind::Integer => "integer".into(),
        FieldKind::Strings => "strings: a list of text".into(),
        FieldKind::Ref(to) => format!("ref: the slug of one entry of `{to}`"),
        FieldKind::Refs(to) => format!("refs: slugs of entries of `{to}`"),
        FieldKind::Records(_) => "records: a list of mappings".into(),
        FieldKind::Image => {
            "image: { src: photo.jpg, alt: what it shows, credit: who took it, caption: … }".into()
        }
    }
}

/// A YAML scalar for `text`, quoted when plain style would change its meaning.
fn yaml_text(text: &str) -> String {
    let plain = text
        .chars()
        .all(|c| c.is_alphanumeric() || c == ' ' || c == '-')
        && !text.starts_with('-')
        && !matches!(
            text.to_lowercase().as_str(),
            "yes" | "no" | "true" | "false" | "null" | "on" | "off" | "y" | "n"
        )
        && text.parse::<f64>().is_err();
    if plain {
        text.to_string()
    } else {
        serde_json::to_string(text).expect("strings serialise")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_titles_are_quoted_when_needed() {
        assert_eq!(yaml_text("Han Dong"), "Han Dong");
        assert_eq!(yaml_text("2019"), "\"2019\"");
        assert_eq!(yaml_text("Yes"), "\"Yes\"");
    }
}
