//! Full-text search that works on any static host: an inverted index split into small
//! shards by the first two letters of each word, loaded on demand by a few lines of
//! JavaScript, so a query downloads the manifest, one shard per word and the records of
//! the hits it shows — never the whole index.
//!
//! Built from data already in memory (titles, summaries, rendered bodies), in parallel.
//! Pagefind was the first choice; on a 10,000-entry site it took about 20 s and 1.3 GB
//! more than the rest of the build (measured in docs/performance.md), so casefile keeps
//! its own index. Everything written is JSON with `<`, `>` and `&` escaped, and the
//! client inserts results with `textContent` only.

use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use serde_json::json;

use crate::config::Config;
use crate::model::DocId;
use crate::render::structured::json_for_html;
use crate::resolve::{DocIndex, Graph, Node};
use crate::routes::Route;

/// Records per `docs/<n>.json` file.
pub const DOCS_PER_CHUNK: usize = 256;
const MAX_TERM_CHARS: usize = 32;
const SUMMARY_CHARS: usize = 180;
const TITLE_WEIGHT: u32 = 10;
const SUMMARY_WEIGHT: u32 = 3;

/// Words too common to be worth an index entry (the client drops them from queries too).
pub const STOP_WORDS: [&str; 40] = [
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them",
    "there", "they", "this", "to", "was", "were", "which", "who", "will", "with", "would", "not",
];

/// Lowercased words of two or more letters or digits, stop words removed.
pub fn tokens(text: &str) -> impl Iterator<Item = String> + '_ {
    // The stop-word test below relies on this; checked at compile time.
    const _: () = {
        let mut i = 0;
        while i < STOP_WORDS.len() {
            assert!(
                STOP_WORDS[i].len() <= 5,
                "a stop word is longer than five bytes"
            );
            i += 1;
        }
    };
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().nth(1).is_some())
        .map(|w| {
            // ASCII words (nearly all) lowercase in place: a fifth of the index's time
            // went to char-by-char lowercasing. Same result: an ASCII char is one byte.
            if w.is_ascii() {
                w[..w.len().min(MAX_TERM_CHARS)].to_ascii_lowercase()
            } else {
                w.chars()
                    .take(MAX_TERM_CHARS)
                    .flat_map(char::to_lowercase)
                    .collect::<String>()
            }
        })
        // No stop word is longer than five bytes: skip the scan for every other word.
        .filter(|w| w.len() > 5 || !STOP_WORDS.contains(&w.as_str()))
}

/// A shard name: the hex of the UTF-8 bytes of a word's first `chars` characters.
pub fn shard_key(term: &str, chars: usize) -> String {
    let prefix: String = term.chars().take(chars).collect();
    prefix.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Shards above this size are split by the first three characters instead of two, so a
/// common prefix ("re", "in") does not make a query download a large file.
pub const SPLIT_SHARD_BYTES: usize = 48 * 1024;

type Postings = Vec<[u32; 2]>;

/// Groups words into shards by two characters, splitting large shards by three.
fn shard_words(words: BTreeMap<String, Postings>) -> BTreeMap<String, BTreeMap<String, Postings>> {
    let mut by_two: BTreeMap<String, BTreeMap<String, Postings>> = BTreeMap::new();
    for (word, postings) in words {
        by_two
            .entry(shard_key(&word, 2))
            .or_default()
            .insert(word, postings);
    }
    let mut shards = BTreeMap::new();
    for (key, words) in by_two {
        // Rough JSON size: the words plus about eight bytes a posting.
        let size: usize = words.iter().map(|(w, p)| w.len() + 4 + p.len() * 8).sum();
        if size <= SPLIT_SHARD_BYTES {
            shards.insert(key, words);
            continue;
        }
        for (word, postings) in words {
            let chars = if word.chars().count() >= 3 { 3 } else { 2 };
            shards
                .entry(shard_key(&word, chars))
                .or_insert_with(BTreeMap::new)
                .insert(word, postings);
        }
    }
    shards
}

/// Text of rendered HTML: tags dropped, entities left as written (they are rare in
/// bodies and harmless in an index).
fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

fn excerpt(node: &Node) -> String {
    let source = match &node.doc.summary {
        Some(summary) => summary.clone(),
        None => html_text(&node.content),
    };
    let words: Vec<&str> = source.split_whitespace().collect();
    let mut out = String::new();
    for word in words {
        if out.chars().count() + word.chars().count() > SUMMARY_CHARS {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn weights(node: &Node) -> HashMap<String, u32> {
    let mut weights: HashMap<String, u32> = HashMap::new();
    for t in tokens(&node.doc.title) {
        *weights.entry(t).or_default() += TITLE_WEIGHT;
    }
    if let Some(summary) = &node.doc.summary {
        for t in tokens(summary) {
            *weights.entry(t).or_default() += SUMMARY_WEIGHT;
        }
    }
    for t in tokens(&html_text(&node.content)) {
        *weights.entry(t).or_default() += 1;
    }
    weights
}

/// Adds `search/manifest.json`, `search/index/<shard>.json` and `search/docs/<n>.json`.
pub fn add_search_index(config: &Config, graph: &Graph, output: &mut Vec<(String, Vec<u8>)>) {
    // Documents are numbered collection by collection, then standalone pages, so a
    // collection filter is a range of numbers and needs no per-document data.
    let mut order: Vec<DocIndex> = Vec::new();
    let mut groups = Vec::new();
    for (name, members) in &graph.collections {
        let start = order.len();
        order.extend(members);
        let title = config
            .collections
            .iter()
            .find(|c| &c.name == name)
            .map(|c| c.title.clone())
            .unwrap_or_default();
        groups.push(json!({ "name": name, "title": title, "start": start, "end": order.len() }));
    }
    let start = order.len();
    order.extend(
        graph
            .nodes
            .iter()
            .enumerate()
            .filter(|(_, n)| matches!(n.doc.id, DocId::Page(_)))
            .map(|(i, _)| i),
    );
    groups.push(json!({ "name": "pages", "title": "Pages", "start": start, "end": order.len() }));

    let per_doc: Vec<HashMap<String, u32>> = order
        .par_iter()
        .map(|&i| weights(&graph.nodes[i]))
        .collect();
    let mut words: BTreeMap<String, Postings> = BTreeMap::new();
    for (doc, doc_words) in per_doc.into_iter().enumerate() {
        for (word, score) in doc_words {
            words.entry(word).or_default().push([doc as u32, score]);
        }
    }
    let shards = shard_words(words);
    let shard_names: Vec<&String> = shards.keys().collect();
    let manifest = json!({
        "version": 1,
        "docs": order.len(),
        "chunk": DOCS_PER_CHUNK,
        "shards": shard_names,
        "groups": groups,
        "stop_words": STOP_WORDS.to_vec(),
    });
    output.push((
        Route::SearchIndex("manifest.json".into()).output_file(),
        json_for_html(&manifest).into_bytes(),
    ));
    let files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .map(|(key, words)| {
            (
                Route::SearchIndex(format!("index/{key}.json")).output_file(),
                json_for_html(&json!(words)).into_bytes(),
            )
        })
        .collect();
    output.extend(files);
    for (n, chunk) in order.chunks(DOCS_PER_CHUNK).enumerate() {
        let records: Vec<serde_json::Value> = chunk
            .iter()
            .map(|&i| {
                let node = &graph.nodes[i];
                json!([node.doc.title, node.url, excerpt(node)])
            })
            .collect();
        output.push((
            Route::SearchIndex(format!("docs/{n}.json")).output_file(),
            json_for_html(&json!(records)).into_bytes(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_lowercase_words_without_stop_words() {
        let words: Vec<String> =
            tokens("The Consul-General's <b>statement</b>, 2023: a Ça").collect();
        assert_eq!(words, ["consul", "general", "statement", "2023", "ça"]);
    }

    #[test]
    fn shard_keys_are_hex_of_two_characters() {
        assert_eq!(shard_key("consul", 2), "636f");
        assert_eq!(shard_key("consul", 3), "636f6e");
        assert_eq!(shard_key("ça", 2), "c3a761");
    }

    #[test]
    fn large_shards_split_by_three_characters() {
        let mut words = BTreeMap::new();
        words.insert("re".to_string(), vec![[0, 1]]);
        words.insert("report".to_string(), (0..4000).map(|d| [d, 1]).collect());
        words.insert("release".to_string(), (0..4000).map(|d| [d, 1]).collect());
        words.insert("zebra".to_string(), vec![[1, 1]]);
        let keys: Vec<String> = shard_words(words).into_keys().collect();
        assert_eq!(keys, ["7265", "72656c", "726570", "7a65"]);
    }

    #[test]
    fn html_text_drops_tags() {
        assert_eq!(
            html_text("<p>a <a href=\"x\">b</a></p>")
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
    }
}
