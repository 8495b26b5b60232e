//! The record of what the last good build published, for the `correction-when-changed`
//! rule: for each entry of a collection with that rule, a fingerprint of its text and
//! how many corrections it carried.
//!
//! The publish stage writes the record beside the pages (`casefile-published.json`, a
//! [`Route::PublishedRecord`]), so it is deployed with the site; the next run reads it
//! back from the output folder before resolving ([`read_previous`]). A newsroom whose CI
//! builds from a clean checkout downloads the deployed record into the output folder
//! first (the README shows how). This module owns the record's format: it makes and
//! parses it, and must neither touch the output folder (the write stage does) nor
//! decide whether a change needs a correction (the resolve stage's rules do).

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::config::{Collection, Config, Rule};
use crate::diagnostic::{Diagnostic, Stage};
use crate::model::Document;
use crate::resolve::Graph;
use crate::routes::Route;

/// What the last build published of one entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PublishedEntry {
    /// [`fingerprint`] of its text.
    pub text: String,
    /// How many corrections it carried.
    pub corrections: usize,
}

/// The record of one build: entries by id (`allegations/witting-affiliate-2019-election`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct PublishedRecord {
    /// The format's version.
    pub version: u32,
    /// The entries of the collections that have the rule.
    pub entries: BTreeMap<String, PublishedEntry>,
}

const VERSION: u32 = 1;

/// Why the last build's record could not be used.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub(crate) enum RecordError {
    /// Not the JSON this module writes.
    #[error("the last build's record `{file}` is unreadable: {reason}")]
    Unreadable {
        /// The file, relative to the output folder.
        file: String,
        /// What is wrong.
        reason: String,
    },
}

/// The fingerprint of an entry's text as readers see it: title, summary, body and every
/// text or Markdown field (records included). References, dates and enums are not text:
/// changing them is not what the rule is about.
pub(crate) fn fingerprint(doc: &Document) -> String {
    use crate::model::FieldValue;
    fn add_fields(hash: &mut Sha256, fields: &[(String, FieldValue)]) {
        for (name, value) in fields {
            match value {
                FieldValue::Text(s) | FieldValue::Markdown { source: s, .. } => {
                    hash.update(name.as_bytes());
                    hash.update([0]);
                    hash.update(s.as_bytes());
                    hash.update([0]);
                }
                FieldValue::Records(records) => {
                    for record in records {
                        add_fields(hash, record);
                    }
                }
                _ => {}
            }
        }
    }
    let mut hash = Sha256::new();
    for part in [
        doc.title.as_str(),
        doc.summary.as_deref().unwrap_or(""),
        doc.body.as_str(),
    ] {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    add_fields(&mut hash, &doc.fields);
    let digest = hash.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether a collection has the rule, and so its entries are in the record.
fn has_the_rule(collection: &Collection) -> bool {
    collection
        .rules
        .iter()
        .any(|r| matches!(r, Rule::CorrectionWhenChanged { .. }))
}

/// Whether any collection has the rule.
fn has_rule(config: &Config) -> bool {
    config.collections.iter().any(has_the_rule)
}

/// Whether the collection called `collection` is in the record.
fn recorded(config: &Config, collection: &str) -> bool {
    config
        .collections
        .iter()
        .any(|c| c.name == collection && has_the_rule(c))
}

/// Whether the record of what was published holds `doc` (and so reads its text).
pub(crate) fn records(config: &Config, doc: &Document) -> bool {
    doc.id
        .entry()
        .is_some_and(|id| recorded(config, &id.collection))
}

/// The record of `graph`; `None` when no collection has the rule (no file is written).
pub(crate) fn record(config: &Config, graph: &Graph) -> Option<String> {
    if !has_rule(config) {
        return None;
    }
    let entries = graph
        .nodes
        .iter()
        .filter(|node| records(config, &node.doc))
        .filter_map(|node| {
            let id = node.doc.id.entry()?;
            Some((
                id.to_string(),
                PublishedEntry {
                    text: fingerprint(&node.doc),
                    corrections: node.doc.corrections.len(),
                },
            ))
        })
        .collect();
    let record = PublishedRecord {
        version: VERSION,
        entries,
    };
    Some(serde_json::to_string_pretty(&record).unwrap_or_default() + "\n")
}

/// The record the last good build left in `output`, if it left one and a collection has
/// the rule that reads it (the write stage reads the file).
pub(crate) fn read_previous(
    config: &Config,
    output: &Path,
) -> Result<Option<PublishedRecord>, Diagnostic> {
    if !has_rule(config) {
        return Ok(None);
    }
    let file = Route::PublishedRecord
        .in_edition(config.edition())
        .output_file();
    let path = output.join(&file);
    let unreadable = |reason: String| {
        Diagnostic::new(
            Stage::Load,
            path.clone(),
            RecordError::Unreadable {
                file: file.clone(),
                reason,
            },
        )
        .with_hint(Some(
            "delete the file to start a new record (the next build checks no change against it)"
                .into(),
        ))
    };
    let text = match crate::write::last_build_file(output, &file) {
        Ok(Some(text)) => text,
        Ok(None) => return Ok(None),
        Err(e) => return Err(unreadable(e.to_string())),
    };
    let record: PublishedRecord =
        serde_json::from_str(&text).map_err(|e| unreadable(e.to_string()))?;
    if record.version != VERSION {
        return Err(unreadable(format!(
            "version {} (this casefile writes version {VERSION})",
            record.version
        )));
    }
    Ok(Some(record))
}
