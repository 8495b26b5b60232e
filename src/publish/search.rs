//! Full-text search that works on any static host: an inverted index split into small
//! shards by the first letters of each term (two, more where a shard would be large),
//! loaded on demand by a few lines of JavaScript, so a query downloads the manifest, the
//! stemmer, one shard per word and the records of the hits it shows — never the whole
//! index.
//!
//! A term is a word as the [`Analyzer`] of the site's language makes it: lowercased,
//! stemmed by that language's Snowball stemmer (rust-stemmers), then accent-folded
//! ([`fold`]), so `released`, `release` and `releasing` are one term, and `Élection`
//! is found by `election`. The search page stems queries with the same Snowball
//! algorithms compiled to JavaScript (`stemmers/<language>.js`, made by
//! `scripts/gen-stemmers.sh` from rust-stemmers' own `.sbl` files), written next to the
//! index; the two are checked against each other word for word by
//! `tests/search_index.rs`. Typo tolerance, ranking and highlighting are the
//! client's (`themes/default/static/search.js`); the format below is what it reads.
//!
//! A page is indexed with what it shows of itself: title, summary, body, field values,
//! the dates and tags, and the titles of the entries its ref fields (and records' refs)
//! point to. Not the backlink cards: those are other pages' words.
//!
//! Built from data already in memory (the graph), in parallel; it must not read the
//! rendered pages. Pagefind was the first choice; on a 10,000-entry site it took about
//! 20 s and 1.3 GB more than the rest of the build (measured in docs/performance.md), so
//! casefile keeps its own index. Everything written is JSON with `<`, `>` and `&`
//! escaped, and the client inserts results with DOM methods only.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rayon::prelude::*;
use rust_stemmers::{Algorithm, Stemmer};
use serde_json::json;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use crate::config::Config;
use crate::model::DocId;
use crate::render::structured::json_for_html;
use crate::resolve::{DocIndex, Graph, Node, Resolved};
use crate::routes::Route;

/// Records per `docs/<n>.json` file. A query shows up to 20 hits from anywhere in the
/// site, so it loads up to 20 chunks: small ones keep that close to the records it shows.
pub(crate) const DOCS_PER_CHUNK: usize = 32;
/// The format of `manifest.json` and the shards (the client checks it).
pub(crate) const FORMAT_VERSION: u32 = 2;
const MAX_TERM_CHARS: usize = 32;
const SUMMARY_CHARS: usize = 180;
const TITLE_WEIGHT: u32 = 10;
const SUMMARY_WEIGHT: u32 = 3;
/// The title of an entry a ref field points to: shown on the page as a link.
const LINK_WEIGHT: u32 = 2;
const TEXT_WEIGHT: u32 = 1;

/// English words too common to be worth an index entry (the client drops them from
/// queries too).
pub(crate) const ENGLISH_STOP_WORDS: [&str; 40] = [
    "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "had", "has", "have", "he",
    "her", "his", "in", "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them",
    "there", "they", "this", "to", "was", "were", "which", "who", "will", "with", "would", "not",
];

/// French words too common to be worth an index entry.
pub(crate) const FRENCH_STOP_WORDS: [&str; 60] = [
    "au", "aux", "avec", "ce", "ces", "cet", "cette", "dans", "de", "des", "du", "elle", "elles",
    "en", "est", "et", "été", "était", "eux", "il", "ils", "je", "la", "le", "les", "leur",
    "leurs", "lui", "ma", "mais", "me", "mes", "moi", "mon", "ne", "nos", "notre", "nous", "on",
    "ou", "par", "pas", "pour", "qu", "que", "qui", "sa", "se", "ses", "son", "sont", "sur", "ta",
    "te", "tes", "ton", "tu", "un", "une", "vous",
];

/// A language whose words casefile stems, with the stemmer the search page loads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Language {
    /// Snowball's English (Porter2) stemmer.
    English,
    /// Snowball's French stemmer.
    French,
}

impl Language {
    /// The language of a BCP 47 tag (`en`, `en-CA`, `fr-CA`), if casefile stems it.
    pub(crate) fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next().unwrap_or("");
        match primary.to_ascii_lowercase().as_str() {
            "en" => Some(Language::English),
            "fr" => Some(Language::French),
            _ => None,
        }
    }

    /// The file name of the search page's stemmer, inside the search index's folder.
    pub(crate) fn stemmer_file(self) -> &'static str {
        match self {
            Language::English => "stem-en.js",
            Language::French => "stem-fr.js",
        }
    }

    /// The stemmer compiled to JavaScript (an ES module whose default export is a class
    /// with `stem(word)`), from the same Snowball source as [`Language::algorithm`].
    pub(crate) fn stemmer_js(self) -> &'static str {
        match self {
            Language::English => include_str!("stemmers/english.js"),
            Language::French => include_str!("stemmers/french.js"),
        }
    }

    fn algorithm(self) -> Algorithm {
        match self {
            Language::English => Algorithm::English,
            Language::French => Algorithm::French,
        }
    }

    fn stop_words(self) -> &'static [&'static str] {
        match self {
            Language::English => &ENGLISH_STOP_WORDS,
            Language::French => &FRENCH_STOP_WORDS,
        }
    }
}

/// How text becomes index terms, for one language. A site in a language casefile has no
/// stemmer for gets lowercasing and accent folding only, and no stop words.
pub(crate) struct Analyzer {
    language: Option<Language>,
    stemmer: Option<Stemmer>,
    stop_words: &'static [&'static str],
    /// The same, sorted, for a binary search.
    sorted_stop_words: Vec<&'static str>,
    /// The longest stop word in bytes: longer words skip the stop-word scan (a fifth of
    /// the index's time once went to that scan).
    longest_stop_word: usize,
}

impl Analyzer {
    /// The analyzer of a language, or of a language casefile does not stem (`None`).
    pub(crate) fn new(language: Option<Language>) -> Analyzer {
        let stop_words = language.map(Language::stop_words).unwrap_or(&[]);
        let mut sorted_stop_words = stop_words.to_vec();
        sorted_stop_words.sort_unstable();
        Analyzer {
            language,
            stemmer: language.map(|l| Stemmer::create(l.algorithm())),
            stop_words,
            sorted_stop_words,
            longest_stop_word: stop_words.iter().map(|w| w.len()).max().unwrap_or(0),
        }
    }

    /// The analyzer for a site's `language` tag.
    pub(crate) fn for_tag(tag: &str) -> Analyzer {
        Analyzer::new(Language::from_tag(tag))
    }

    /// Its language, if it stems.
    pub(crate) fn language(&self) -> Option<Language> {
        self.language
    }

    /// Lowercased words of two or more letters or digits, cut to 32 characters, stop
    /// words removed: the surface forms [`Analyzer::terms`] turns into terms.
    pub(crate) fn words<'a>(&'a self, text: &'a str) -> impl Iterator<Item = Cow<'a, str>> + 'a {
        // Letters, digits and combining marks, so that a decomposed "é" (e + U+0301)
        // stays inside its word; the client's pattern is [\p{Alphabetic}\p{N}\p{M}].
        // ASCII is decided without the Unicode tables (a tenth of the index's time).
        let separates = |c: char| match c.is_ascii() {
            true => !c.is_ascii_alphanumeric(),
            false => !(c.is_alphanumeric() || is_combining_mark(c)),
        };
        text.split(separates)
            .filter(|w| w.chars().nth(1).is_some())
            .map(|w| {
                // ASCII words (nearly all) lowercase in place, or not at all when they
                // are lowercase already: a fifth of the index's time went to
                // char-by-char lowercasing. Same result: an ASCII char is one byte.
                if w.is_ascii() {
                    let w = &w[..w.len().min(MAX_TERM_CHARS)];
                    match w.bytes().any(|b| b.is_ascii_uppercase()) {
                        true => Cow::Owned(w.to_ascii_lowercase()),
                        false => Cow::Borrowed(w),
                    }
                } else {
                    Cow::Owned(
                        w.chars()
                            .take(MAX_TERM_CHARS)
                            .flat_map(char::to_lowercase)
                            .collect::<String>(),
                    )
                }
            })
            .filter(|w| {
                w.len() > self.longest_stop_word
                    || self.sorted_stop_words.binary_search(&&**w).is_err()
            })
    }

    /// The terms of one lowercased word: its folded stem, and the stem of its folded
    /// form when that differs (French suffixes carry accents, so `fédérée` and a query
    /// typed `federee` stem differently; the index keeps both, the query uses either).
    pub(crate) fn terms(&self, word: &str) -> Vec<String> {
        let stemmed = fold(&self.stem(word)).into_owned();
        let folded = fold(word);
        if folded == word {
            return vec![stemmed];
        }
        let other = fold(&self.stem(&folded)).into_owned();
        if other == stemmed {
            vec![stemmed]
        } else {
            vec![stemmed, other]
        }
    }

    fn stem<'a>(&self, word: &'a str) -> Cow<'a, str> {
        match &self.stemmer {
            Some(stemmer) => stemmer.stem(word),
            None => Cow::Borrowed(word),
        }
    }
}

/// Accent folding: compatibility decomposition (NFKD), combining marks dropped, the
/// Latin letters that do not decompose spelt out, lowercased: `Œuvre` → `oeuvre`,
/// `Ça` → `ca`, `Straße` → `strasse`. The client does the same with
/// `normalize("NFKD")` and the same table.
pub(crate) fn fold(word: &str) -> Cow<'_, str> {
    if word.is_ascii() {
        return if word.bytes().any(|b| b.is_ascii_uppercase()) {
            Cow::Owned(word.to_ascii_lowercase())
        } else {
            Cow::Borrowed(word)
        };
    }
    let mut out = String::with_capacity(word.len());
    for c in word.nfkd() {
        if is_combining_mark(c) {
            continue;
        }
        match c {
            'œ' | 'Œ' => out.push_str("oe"),
            'æ' | 'Æ' => out.push_str("ae"),
            'ß' | 'ẞ' => out.push_str("ss"),
            'ø' | 'Ø' => out.push('o'),
            'ł' | 'Ł' => out.push('l'),
            'đ' | 'Đ' | 'ð' | 'Ð' => out.push('d'),
            'þ' | 'Þ' => out.push_str("th"),
            'ı' => out.push('i'),
            c => out.extend(c.to_lowercase()),
        }
    }
    Cow::Owned(out)
}

/// A shard name: the hex of the UTF-8 bytes of a term's first `chars` characters.
pub(crate) fn shard_key(term: &str, chars: usize) -> String {
    let prefix: String = term.chars().take(chars).collect();
    prefix.bytes().map(|b| format!("{b:02x}")).collect()
}

/// Shards whose encoded postings would pass this size are split by one more character
/// (up to [`MAX_SHARD_KEY_CHARS`]), so a common prefix ("re", "con") does not make a query
/// download a large file. A single common term can still pass it on its own.
pub(crate) const SPLIT_SHARD_BYTES: usize = 32 * 1024;
/// The longest shard key, in characters.
pub(crate) const MAX_SHARD_KEY_CHARS: usize = 8;

/// One document's use of a term: its number, its weight, and, when the term is in the
/// document's title, how many words the title has (0 otherwise): the client ranks title
/// matches first, and of those the shorter titles, which the query covers more of
/// ("Michael Kovrig" before "Michael Kovrig and Michael Spavor released").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    doc: u32,
    weight: u32,
    title_words: u32,
}

type Postings = Vec<Posting>;

/// A weight on a log scale, one digit: 1 for 1, 2 for 2-3, 3 for 4-7, ... 9 from 256 on.
/// Ranking needs the order of magnitude, and one digit a posting keeps shards small.
fn weight_digit(weight: u32) -> char {
    let digit = 1 + weight.max(1).ilog2().min(8);
    char::from_digit(digit, 10).expect("1 to 9")
}

/// A term's postings (sorted by document) as the client reads them:
/// `[[doc gaps], "weight digits", [doc, title words, ...]]`. The first gap is the first
/// document's number, each next one the difference to the one before; the weight digit
/// of the n-th document is the n-th character ([`weight_digit`]); the third list, left
/// out when empty, pairs each document whose title has the term with its title's length.
fn encode_postings(postings: &[Posting]) -> serde_json::Value {
    let mut gaps = Vec::with_capacity(postings.len());
    let mut weights = String::with_capacity(postings.len());
    let mut titles = Vec::new();
    let mut previous = 0;
    for p in postings {
        gaps.push(p.doc - previous);
        previous = p.doc;
        weights.push(weight_digit(p.weight));
        if p.title_words > 0 {
            titles.extend([p.doc, p.title_words]);
        }
    }
    if titles.is_empty() {
        json!([gaps, weights])
    } else {
        json!([gaps, weights, titles])
    }
}

/// About the encoded size of a term and its postings: the term, a gap's digits, a comma
/// and a weight digit per posting.
fn encoded_size(term: &str, postings: &[Posting]) -> usize {
    let mut previous = 0;
    let mut size = term.len() + 12;
    for p in postings {
        size += (p.doc - previous).max(1).ilog10() as usize + 3;
        previous = p.doc;
        if p.title_words > 0 {
            size += 8;
        }
    }
    size
}

type Shards = BTreeMap<String, BTreeMap<String, Postings>>;

/// Groups terms into shards by their first two characters, splitting a large shard by
/// one more character, again and again: a shard named by n characters keeps the terms
/// of n characters or fewer, and the longer ones move to the shards of n + 1. A term's
/// shard is therefore the one named by its longest prefix that names a shard (the
/// client's `shardFor`).
fn shard_terms(terms: BTreeMap<String, Postings>) -> Shards {
    let mut shards = Shards::new();
    let mut by_two: Shards = BTreeMap::new();
    for (term, postings) in terms {
        by_two
            .entry(shard_key(&term, 2))
            .or_default()
            .insert(term, postings);
    }
    for (key, terms) in by_two {
        split_shard(key, 2, terms, &mut shards);
    }
    shards
}

fn split_shard(key: String, chars: usize, terms: BTreeMap<String, Postings>, shards: &mut Shards) {
    let size: usize = terms.iter().map(|(t, p)| encoded_size(t, p)).sum();
    if size <= SPLIT_SHARD_BYTES || chars >= MAX_SHARD_KEY_CHARS || terms.len() == 1 {
        shards.insert(key, terms);
        return;
    }
    let mut here = BTreeMap::new();
    let mut longer: Shards = BTreeMap::new();
    for (term, postings) in terms {
        if term.chars().count() <= chars {
            here.insert(term, postings);
        } else {
            longer
                .entry(shard_key(&term, chars + 1))
                .or_default()
                .insert(term, postings);
        }
    }
    if !here.is_empty() {
        shards.insert(key, here);
    }
    for (key, terms) in longer {
        split_shard(key, chars + 1, terms, shards);
    }
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

/// A document's words (surface forms) with their weights and, for title words, the
/// title's length in words. Stemming waits until the words of every document are merged, so each
/// distinct word is stemmed once per build, not once per document.
struct DocWords<'a> {
    analyzer: &'a Analyzer,
    /// The document's language, for its dates in words.
    language: &'a str,
    words: HashMap<String, (u32, u32)>,
}

impl<'a> DocWords<'a> {
    fn add(&mut self, text: &str, weight: u32) {
        for w in self.analyzer.words(text) {
            // A word seen before costs no allocation.
            match self.words.get_mut(&*w) {
                Some(entry) => entry.0 += weight,
                None => {
                    self.words.insert(w.into_owned(), (weight, 0));
                }
            }
        }
    }

    fn add_title(&mut self, title: &str) {
        let words: Vec<String> = self.analyzer.words(title).map(Cow::into_owned).collect();
        let length = words.len() as u32;
        for w in words {
            let entry = self.words.entry(w).or_default();
            entry.0 += TITLE_WEIGHT;
            entry.1 = length;
        }
    }

    fn add_field(&mut self, graph: &Graph, value: &Resolved) {
        match value {
            Resolved::Text(text) | Resolved::Enum(text) => self.add(text, TEXT_WEIGHT),
            Resolved::Html(html) => self.add(&html_text(html), TEXT_WEIGHT),
            Resolved::Strings(list) => {
                for text in list {
                    self.add(text, TEXT_WEIGHT);
                }
            }
            Resolved::Date(date) => self.add(&date.human_in(self.language), TEXT_WEIGHT),
            Resolved::Integer(n) => self.add(&n.to_string(), TEXT_WEIGHT),
            Resolved::Ref(target) => self.add(&graph.nodes[target.node].doc.title, LINK_WEIGHT),
            Resolved::Refs(targets) => {
                for target in targets {
                    self.add(&graph.nodes[target.node].doc.title, LINK_WEIGHT);
                }
            }
            Resolved::Records(records) => {
                for record in records {
                    for (_, value) in record {
                        self.add_field(graph, value);
                    }
                }
            }
            // An address and a flag show no words of the page's own.
            Resolved::Image(picture) => {
                self.add(&picture.alt, TEXT_WEIGHT);
                if let Some(caption) = &picture.caption {
                    self.add(caption, TEXT_WEIGHT);
                }
            }
            Resolved::Url(_) | Resolved::Bool(_) => {}
        }
    }
}

fn doc_words<'a>(analyzer: &'a Analyzer, graph: &Graph, node: &'a Node) -> DocWords<'a> {
    let mut words = DocWords {
        analyzer,
        language: &node.doc.lang,
        words: HashMap::new(),
    };
    words.add_title(&node.doc.title);
    if let Some(summary) = &node.doc.summary {
        words.add(summary, SUMMARY_WEIGHT);
    }
    if let Some(date) = &node.doc.date {
        words.add(&date.human_in(&node.doc.lang), TEXT_WEIGHT);
    }
    for tag in &node.doc.tags {
        words.add(tag, TEXT_WEIGHT);
    }
    for (_, value) in node.fields.iter() {
        words.add_field(graph, value);
    }
    words.add(&html_text(&node.content), TEXT_WEIGHT);
    words
}

/// Merges postings of words that share a term (`release`, `released`): per document,
/// weights add up and a title word in either makes a title posting.
fn merge_into(into: &mut Postings, from: &[Posting]) {
    let mut merged = Vec::with_capacity(into.len() + from.len());
    let (mut a, mut b) = (into.iter().peekable(), from.iter().peekable());
    loop {
        let next = match (a.peek(), b.peek()) {
            (Some(x), Some(y)) if x.doc == y.doc => {
                let p = Posting {
                    doc: x.doc,
                    weight: x.weight + y.weight,
                    title_words: x.title_words.max(y.title_words),
                };
                a.next();
                b.next();
                p
            }
            (Some(x), Some(y)) if x.doc < y.doc => *a.next().expect("peeked"),
            (Some(_), Some(_)) | (None, Some(_)) => *b.next().expect("peeked"),
            (Some(_), None) => *a.next().expect("peeked"),
            (None, None) => break,
        };
        merged.push(next);
    }
    *into = merged;
}

/// How many documents' words are gathered (in parallel) before they are merged into the
/// index: all 10,000 at once held 50 MB of per-document maps at the build's peak.
const WORDS_CHUNK: usize = 256;

/// The index's terms with their postings (sorted by document), from each document's
/// words in document order.
fn index_terms(
    analyzer: &Analyzer,
    per_doc: impl Iterator<Item = HashMap<String, (u32, u32)>>,
) -> BTreeMap<String, Postings> {
    let mut words: HashMap<String, Postings> = HashMap::new();
    for (doc, doc_words) in per_doc.enumerate() {
        for (word, (weight, title_words)) in doc_words {
            words.entry(word).or_default().push(Posting {
                doc: doc as u32,
                weight,
                title_words,
            });
        }
    }
    // Each distinct word is stemmed once, in parallel; then words merge into terms.
    let stemmed: Vec<(Vec<String>, Postings)> = words
        .into_par_iter()
        .map(|(word, postings)| (analyzer.terms(&word), postings))
        .collect();
    let mut terms: BTreeMap<String, Postings> = BTreeMap::new();
    for (word_terms, postings) in stemmed {
        for term in word_terms {
            match terms.get_mut(&term) {
                Some(existing) => merge_into(existing, &postings),
                None => {
                    terms.insert(term, postings.clone());
                }
            }
        }
    }
    terms
}

/// Adds the search index for the site's language (`site.yaml` `language`).
pub(crate) fn add_search_index(
    config: &Config,
    graph: &Graph,
    output: &mut Vec<(String, Vec<u8>)>,
) {
    let analyzer = Analyzer::for_tag(&config.site.language);
    add_search_index_with(&analyzer, config, graph, output)
}

/// Adds `search/manifest.json`, `search/index/<shard>.json`, `search/docs/<n>.json` and
/// the query stemmer `search/stem-<language>.js`, with terms made by `analyzer`.
pub(crate) fn add_search_index_with(
    analyzer: &Analyzer,
    config: &Config,
    graph: &Graph,
    output: &mut Vec<(String, Vec<u8>)>,
) {
    // Documents are numbered collection by collection, then standalone pages, so a
    // collection filter is a range of numbers and needs no per-document data.
    let mut order: Vec<DocIndex> = Vec::new();
    let mut groups = Vec::new();
    // An edition indexes its own pages only: an original left untranslated is found in
    // its own language's search.
    let own = |i: &DocIndex| config.publishes(&graph.nodes[*i].doc.lang);
    for (name, members) in &graph.collections {
        let start = order.len();
        order.extend(members.iter().filter(|i| own(i)));
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
            .filter(|(_, n)| matches!(n.doc.id, DocId::Page(_)) && config.publishes(&n.doc.lang))
            .map(|(i, _)| i),
    );
    groups.push(json!({ "name": "pages", "title": config.word("pages"), "start": start, "end": order.len() }));

    let per_doc = order.chunks(WORDS_CHUNK).flat_map(|chunk| {
        chunk
            .par_iter()
            .map(|&i| doc_words(analyzer, graph, &graph.nodes[i]).words)
            .collect::<Vec<_>>()
    });
    let shards = shard_terms(index_terms(analyzer, per_doc));
    let shard_names: Vec<&String> = shards.keys().collect();
    let language = analyzer.language();
    let manifest = json!({
        "version": FORMAT_VERSION,
        "docs": order.len(),
        "chunk": DOCS_PER_CHUNK,
        "shards": shard_names,
        "groups": groups,
        "stop_words": analyzer.stop_words.to_vec(),
        "stemmer": language.map(Language::stemmer_file),
    });
    output.push((
        Route::SearchIndex("manifest.json".into())
            .in_edition(config.edition())
            .output_file(),
        json_for_html(&manifest).into_bytes(),
    ));
    if let Some(language) = language {
        output.push((
            Route::SearchIndex(language.stemmer_file().into())
                .in_edition(config.edition())
                .output_file(),
            language.stemmer_js().as_bytes().to_vec(),
        ));
    }
    let files: Vec<(String, Vec<u8>)> = shards
        .par_iter()
        .map(|(key, terms)| {
            let encoded: serde_json::Map<String, serde_json::Value> = terms
                .iter()
                .map(|(term, postings)| (term.clone(), encode_postings(postings)))
                .collect();
            (
                Route::SearchIndex(format!("index/{key}.json"))
                    .in_edition(config.edition())
                    .output_file(),
                json_for_html(&serde_json::Value::Object(encoded)).into_bytes(),
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
            Route::SearchIndex(format!("docs/{n}.json"))
                .in_edition(config.edition())
                .output_file(),
            json_for_html(&json!(records)).into_bytes(),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn english() -> Analyzer {
        Analyzer::for_tag("en-CA")
    }

    fn terms_of(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer
            .words(text)
            .flat_map(|w| analyzer.terms(&w))
            .collect()
    }

    #[test]
    fn words_are_lowercase_without_stop_words() {
        let words: Vec<String> = english()
            .words("The Consul-General's <b>statement</b>, 2023: a Ça")
            .map(Cow::into_owned)
            .collect();
        assert_eq!(words, ["consul", "general", "statement", "2023", "ça"]);
    }

    #[test]
    fn forms_of_a_word_share_a_term() {
        let en = english();
        let terms = terms_of(&en, "released release releasing Releases");
        assert_eq!(terms, ["releas", "releas", "releas", "releas"]);
        assert_eq!(terms_of(&en, "detained detention"), ["detain", "detent"]);
    }

    #[test]
    fn french_is_stemmed_by_the_french_stemmer() {
        let fr = Analyzer::for_tag("fr");
        assert_eq!(fr.language(), Some(Language::French));
        // Accented suffixes are the French stemmer's, so the accented word and the same
        // word typed without accents both reach a shared term.
        let accented = terms_of(&fr, "élections fédérées");
        let plain = terms_of(&fr, "elections federees");
        assert_eq!(accented, ["elect", "feder", "federe"]);
        for term in &plain {
            assert!(accented.contains(term), "{plain:?} not all in {accented:?}");
        }
        // French stop words go, English ones stay words.
        assert_eq!(
            fr.words("le député et the").collect::<Vec<_>>(),
            ["député", "the"]
        );
    }

    #[test]
    fn unknown_languages_fold_but_do_not_stem() {
        let de = Analyzer::for_tag("de");
        assert_eq!(de.language(), None);
        assert_eq!(terms_of(&de, "Straße Häuser"), ["strasse", "hauser"]);
    }

    #[test]
    fn folding_drops_accents_and_spells_out_ligatures() {
        assert_eq!(fold("Élection"), "election");
        assert_eq!(fold("garçon"), "garcon");
        assert_eq!(fold("Œuvre"), "oeuvre");
        assert_eq!(fold("Æsir"), "aesir");
        assert_eq!(fold("Łódź"), "lodz");
        assert_eq!(fold("ﬁnance"), "finance");
        assert_eq!(fold("plain"), "plain");
        // A decomposed accent (e + U+0301) stays in its word and folds the same.
        let decomposed: Vec<String> = english()
            .words("re\u{301}sume\u{301} here")
            .map(Cow::into_owned)
            .collect();
        assert_eq!(decomposed.len(), 2, "{decomposed:?}");
        assert_eq!(fold(&decomposed[0]), "resume");
    }

    #[test]
    fn an_accented_query_and_plain_text_meet() {
        // A query matches a term when any of its terms does.
        let en = english();
        assert_eq!(terms_of(&en, "Poilièvre"), terms_of(&en, "Poilievre"));
        assert_eq!(terms_of(&en, "released"), ["releas"]);
        assert!(terms_of(&en, "rélèased").contains(&"releas".to_string()));
    }

    #[test]
    fn languages_come_from_bcp47_tags() {
        assert_eq!(Language::from_tag("en"), Some(Language::English));
        assert_eq!(Language::from_tag("EN-gb"), Some(Language::English));
        assert_eq!(Language::from_tag("fr_CA"), Some(Language::French));
        assert_eq!(Language::from_tag("zh-Hant"), None);
        assert!(Language::French
            .stemmer_js()
            .contains("export default class"));
    }

    #[test]
    fn shard_keys_are_hex_of_two_characters() {
        assert_eq!(shard_key("consul", 2), "636f");
        assert_eq!(shard_key("consul", 3), "636f6e");
        assert_eq!(shard_key("ça", 2), "c3a761");
    }

    fn postings(docs: std::ops::Range<u32>) -> Postings {
        docs.map(|doc| Posting {
            doc,
            weight: 1,
            title_words: 0,
        })
        .collect()
    }

    #[test]
    fn large_shards_split_by_one_more_character() {
        let mut terms = BTreeMap::new();
        terms.insert("re".to_string(), postings(0..1));
        terms.insert("report".to_string(), postings(0..8000));
        terms.insert("releas".to_string(), postings(0..8000));
        terms.insert("zebra".to_string(), postings(1..2));
        let keys: Vec<String> = shard_terms(terms).into_keys().collect();
        assert_eq!(keys, ["7265", "72656c", "726570", "7a65"]);
    }

    #[test]
    fn a_shard_splits_again_until_it_is_small() {
        // "con" is too large even by three characters: consul, confirm, confidential.
        let mut terms = BTreeMap::new();
        for term in ["con", "consul", "confirm", "confidenti", "contact"] {
            terms.insert(term.to_string(), postings(0..8000));
        }
        let shards: Vec<String> = shard_terms(terms)
            .iter()
            .map(|(key, terms)| {
                let names: Vec<&str> = terms.keys().map(String::as_str).collect();
                format!("{key}:{}", names.join("+"))
            })
            .collect();
        // "con" stays in the shard of its own three characters; longer terms move down,
        // "conf" twice more since confidenti and confirm are large together.
        assert_eq!(
            shards,
            [
                "636f6e:con",
                "636f6e666964:confidenti",
                "636f6e666972:confirm",
                "636f6e73:consul",
                "636f6e74:contact"
            ]
        );
    }

    #[test]
    fn weights_are_one_digit_on_a_log_scale() {
        let digits: String = [0, 1, 2, 3, 4, 10, 255, 256, 100_000]
            .into_iter()
            .map(weight_digit)
            .collect();
        assert_eq!(digits, "112234899");
    }

    #[test]
    fn postings_of_forms_merge_per_document_and_title_words_are_marked() {
        let en = english();
        let doc = |pairs: &[(&str, u32, u32)]| -> HashMap<String, (u32, u32)> {
            pairs
                .iter()
                .map(|(w, n, t)| (w.to_string(), (*n, *t)))
                .collect()
        };
        let terms = index_terms(
            &en,
            vec![
                doc(&[("released", 10, 6)]),
                doc(&[("release", 1, 0), ("releasing", 2, 0)]),
                doc(&[("spavor", 3, 0)]),
            ]
            .into_iter(),
        );
        let shard: serde_json::Map<String, serde_json::Value> = terms
            .iter()
            .map(|(t, p)| (t.clone(), encode_postings(p)))
            .collect();
        // Document gaps, weight digits (10 -> 4, 3 -> 2), then [doc, title words].
        assert_eq!(
            serde_json::Value::Object(shard).to_string(),
            r#"{"releas":[[0,1],"42",[0,6]],"spavor":[[2],"2"]}"#,
            "the shard format the client reads"
        );
    }

    #[test]
    fn merging_keeps_documents_sorted() {
        let p = |doc, weight| Posting {
            doc,
            weight,
            title_words: 0,
        };
        let mut into = vec![p(1, 1), p(4, 1), p(9, 1)];
        merge_into(&mut into, &[p(0, 2), p(4, 2), p(10, 2)]);
        let docs: Vec<(u32, u32)> = into.iter().map(|p| (p.doc, p.weight)).collect();
        assert_eq!(docs, [(0, 2), (1, 1), (4, 3), (9, 1), (10, 2)]);
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
