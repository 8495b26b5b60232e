//! Writes a synthetic, deterministic site for benchmarks, as a casefile site or as the
//! same corpus for Hugo.
//!
//! ```sh
//! cargo run --release --example gen-corpus -- 10000 /dev/shm/corpus-10k
//! cargo run --release --example gen-corpus -- 10000 /dev/shm/hugo-10k --format hugo
//! ```
//!
//! `N` entries are spread over the collections of the bundled `site.yaml` (people 25%,
//! bodies 10%, allegations 20%, events 25%, sources 20%). Every entry gets 3 to 6
//! cross-links, at least one through a ref field and at least one `[[wiki-link]]`, all to
//! entries that exist; 3 to 6 paragraphs with headings, a list, a blockquote, footnotes,
//! inline markup and, in every fifth entry, a fenced code block; tags; and partial dates
//! (`YYYY`, `YYYY-MM`, `YYYY-MM-DD`). Every allegation has a response for each subject.
//! References favour early entries (a few hubs with long backlink lists, as real sites
//! have). The same seed gives the same bytes.
//!
//! The casefile site copies the collections of `site.yaml` and the `themes/` folder of
//! this repository. The Hugo site carries the same content with wiki-links turned into
//! plain Markdown links, and minimal layouts that render the same things; see
//! `docs/performance.md` for what is and is not equivalent.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::json;
use serde_yaml::Value as Yaml;

/// Written into every generated folder; only folders carrying it are ever replaced.
const MARKER: &str = ".gen-corpus";

/// Collection names in `site.yaml` order, and their share of the entries (percent).
const COLLECTIONS: [(&str, usize); 5] = [
    ("people", 25),
    ("bodies", 10),
    ("allegations", 20),
    ("events", 25),
    ("sources", 20),
];
const PEOPLE: usize = 0;
const BODIES: usize = 1;
const ALLEGATIONS: usize = 2;
const EVENTS: usize = 3;
const SOURCES: usize = 4;

// ---------------------------------------------------------------------------------------
// Randomness: splitmix64, so the example needs no crate beyond the library's own.

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 11) as u128 * n as u128) >> 53) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// In `0..n`, favouring small values: a few entries become hubs.
    fn skewed(&mut self, n: usize) -> usize {
        let u = self.unit();
        ((u * u * n as f64) as usize).min(n - 1)
    }
}

// ---------------------------------------------------------------------------------------
// Vocabulary.

const FIRST: &[&str] = &[
    "Amira", "Ben", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonah", "Kavya",
    "Liam", "Maya", "Noah", "Olivia", "Pavel", "Quinn", "Rosa", "Samuel", "Tara", "Umar", "Vera",
    "Wei", "Ximena", "Yusuf", "Zoe", "Aidan", "Beatriz", "Caleb", "Dalia", "Emeka", "Fiona",
    "Gustavo", "Hannah", "Ivan", "Julia", "Kenji", "Leila", "Marco", "Nadia", "Oscar", "Priya",
    "Rafael", "Sofia", "Tomas", "Ursula", "Victor", "Wren",
];
const LAST: &[&str] = &[
    "Abbott",
    "Bergeron",
    "Chen",
    "Dubois",
    "Evans",
    "Fischer",
    "Gagnon",
    "Haddad",
    "Ito",
    "Jensen",
    "Kowalski",
    "Lam",
    "Moreau",
    "Nguyen",
    "Okafor",
    "Patel",
    "Quispe",
    "Roy",
    "Singh",
    "Tremblay",
    "Ueda",
    "Vasquez",
    "Wong",
    "Xu",
    "Yilmaz",
    "Zhang",
    "Ahmed",
    "Bouchard",
    "Castillo",
    "Dang",
    "Eriksen",
    "Fontaine",
    "Gill",
    "Hughes",
    "Iqbal",
    "Jovanovic",
    "Kim",
    "Leblanc",
    "Morrison",
    "Novak",
    "Ortiz",
    "Pelletier",
    "Reid",
    "Santos",
    "Thompson",
    "Umarov",
    "Villeneuve",
    "Walsh",
];
const ROLES: &[&str] = &[
    "Member of Parliament",
    "Senator",
    "Consul general",
    "Journalist",
    "Political staffer",
    "Intelligence analyst",
    "Minister",
    "Party leader",
    "Campaign manager",
    "Diplomat",
    "Lawyer",
    "Community organiser",
];
const PARTIES: &[&str] = &[
    "Liberal",
    "Conservative",
    "New Democratic",
    "Green",
    "Bloc Québécois",
    "Independent",
];
const TOPICS: &[&str] = &[
    "Procedure and House Affairs",
    "Public Safety",
    "National Security",
    "Foreign Affairs",
    "Elections",
    "Ethics",
    "Intelligence",
    "Trade",
    "Access to Information",
    "Democratic Institutions",
    "Human Rights",
    "Finance",
];
const PLACES: &[&str] = &[
    "Toronto",
    "Vancouver",
    "Ottawa",
    "Montreal",
    "Calgary",
    "Halifax",
    "Winnipeg",
    "Markham",
    "Richmond",
    "Quebec City",
    "Victoria",
    "Regina",
];
const COUNTRIES: &[&str] = &["Ruritania", "Freedonia", "Latveria", "Elbonia", "Genovia"];
const PAPERS: &[&str] = &[
    "Courier", "Herald", "Ledger", "Dispatch", "Observer", "Tribune",
];
const MISDEEDS: &[&str] = &[
    "undisclosed contact",
    "campaign interference",
    "misuse of briefing material",
    "undeclared donations",
    "pressure on a nomination race",
    "advice to a foreign mission",
    "leaked committee documents",
    "coordination with a proxy group",
];
const EVENT_KINDS: &[&str] = &[
    "Committee hearing on",
    "Briefing about",
    "Statement on",
    "Vote on a motion about",
    "Press conference on",
    "Report published on",
    "Inquiry opened into",
    "Meeting about",
];
const HEADLINES: &[&str] = &[
    "Sources describe a pattern of contacts",
    "Officials dispute the account",
    "What the documents show",
    "Committee presses for answers",
    "A timeline of the allegations",
    "Statement in response to reporting",
    "Review finds gaps in reporting",
    "Questions over a nomination race",
];
const TAGS: &[&str] = &[
    "foreign-interference",
    "elections",
    "2019-election",
    "2021-election",
    "national-security",
    "diplomacy",
    "parliament",
    "senate",
    "intelligence",
    "media",
    "ethics",
    "inquiry",
    "nominations",
    "donations",
    "consulates",
    "committees",
    "leaks",
    "transparency",
    "public-safety",
    "trade",
    "human-rights",
    "detentions",
    "campaigns",
    "disinformation",
    "cybersecurity",
    "lobbying",
    "review-agencies",
    "statements",
    "hearings",
    "sanctions",
];
const DETS: &[&str] = &[
    "the",
    "a",
    "one",
    "that",
    "another",
    "the same",
    "an earlier",
];
const ADJS: &[&str] = &[
    "national",
    "anonymous",
    "federal",
    "provincial",
    "senior",
    "confidential",
    "public",
    "former",
    "independent",
    "foreign",
    "parliamentary",
    "unverified",
    "classified",
    "detailed",
    "formal",
    "informal",
    "written",
    "later",
];
const NOUNS: &[&str] = &[
    "committee",
    "report",
    "minister",
    "caucus",
    "election",
    "statement",
    "inquiry",
    "source",
    "consulate",
    "briefing",
    "agency",
    "review",
    "campaign",
    "candidate",
    "official",
    "document",
    "hearing",
    "motion",
    "investigation",
    "allegation",
    "response",
    "interview",
    "memo",
    "meeting",
    "policy",
    "record",
    "delegation",
    "transcript",
    "analyst",
    "nomination",
    "donation",
    "riding",
    "ballot",
    "mandate",
    "warning",
];
const VERBS: &[&str] = &[
    "reported",
    "denied",
    "described",
    "alleged",
    "reviewed",
    "confirmed",
    "questioned",
    "disputed",
    "published",
    "examined",
    "cited",
    "announced",
    "rejected",
    "requested",
    "noted",
    "summarised",
    "challenged",
    "welcomed",
    "criticised",
    "documented",
];
const PREPS: &[&str] = &[
    "in", "during", "after", "before", "about", "against", "with", "without", "under", "over",
];
const CONNECTIVES: &[&str] = &[
    "However,",
    "According to the report,",
    "In a statement,",
    "At the time,",
    "Later that year,",
    "By then,",
    "In response,",
    "As quoted,",
];
const STANCES: &[&str] = &[
    "denies",
    "denies",
    "disputes",
    "declined-to-comment",
    "no-response-received",
    "confirms",
];
const SOURCE_KINDS: &[&str] = &["news-report", "statement", "official-document"];
const HEADINGS: &[&str] = &[
    "What was reported",
    "Responses",
    "Context",
    "What happened next",
];

// ---------------------------------------------------------------------------------------
// The corpus, format-independent.

/// A field value. Ref targets are entry indexes.
enum Field {
    Text(String),
    Enum(&'static str),
    Bool(bool),
    Url(String),
    Date(String),
    Ref(usize),
    Refs(Vec<usize>),
    /// Markdown, possibly with `[[wiki-links]]`.
    Markdown(String),
    Records(Vec<Vec<(&'static str, Field)>>),
}

struct Entry {
    collection: usize,
    slug: String,
    title: String,
    summary: String,
    date: Option<String>,
    tags: Vec<&'static str>,
    fields: Vec<(&'static str, Field)>,
    /// Markdown with `[[wiki-links]]`.
    body: String,
    /// Entries named by wiki-links in the body and Markdown fields (Hugo's backlinks).
    mentions: Vec<usize>,
}

struct Corpus {
    entries: Vec<Entry>,
    /// First entry index of each collection, and one past the last.
    bounds: [usize; 6],
}

impl Corpus {
    fn count(&self, c: usize) -> usize {
        self.bounds[c + 1] - self.bounds[c]
    }

    /// A random entry of collection `c`, never `not`.
    fn target(&self, rng: &mut Rng, c: usize, not: usize) -> usize {
        for _ in 0..8 {
            let t = self.bounds[c] + rng.skewed(self.count(c));
            if t != not {
                return t;
            }
        }
        // Tiny collections: walk to the next entry.
        let t = self.bounds[c] + rng.below(self.count(c));
        if t != not {
            t
        } else {
            self.bounds[c] + (t - self.bounds[c] + 1) % self.count(c)
        }
    }

    /// Up to `n` distinct targets in `c`.
    fn targets(&self, rng: &mut Rng, c: usize, n: usize, not: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::new();
        for _ in 0..n * 4 {
            if out.len() == n {
                break;
            }
            let t = self.target(rng, c, not);
            if !out.contains(&t) {
                out.push(t);
            }
        }
        out
    }
}

fn slugify(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

fn partial_date(rng: &mut Rng) -> String {
    let year = rng.range(1998, 2024);
    let month = rng.range(1, 12);
    let day = rng.range(1, 28);
    match rng.below(10) {
        0 | 1 => format!("{year}"),
        2..=4 => format!("{year}-{month:02}"),
        _ => format!("{year}-{month:02}-{day:02}"),
    }
}

/// One sentence; `link` (a finished `[[...]]`) is woven in when given.
fn sentence(rng: &mut Rng, link: Option<&str>) -> String {
    let mut words: Vec<String> = Vec::new();
    if rng.chance(0.2) {
        words.push(rng.pick(CONNECTIVES).to_string());
    }
    let subject = format!("{} {}", rng.pick(DETS), rng.pick(NOUNS));
    words.push(subject);
    words.push(rng.pick(VERBS).to_string());
    words.push(rng.pick(DETS).to_string());
    if rng.chance(0.6) {
        words.push(rng.pick(ADJS).to_string());
    }
    words.push(rng.pick(NOUNS).to_string());
    for _ in 0..rng.range(1, 3) {
        words.push(rng.pick(PREPS).to_string());
        words.push(rng.pick(DETS).to_string());
        let noun = rng.pick(NOUNS);
        words.push(match rng.below(14) {
            0 => format!("*{noun}*"),
            1 => format!("**{noun}**"),
            2 => format!("\"{noun}\""),
            3 => format!("`{noun}`"),
            4 => format!("[{noun}](https://example.com/{noun})"),
            _ => noun.to_string(),
        });
    }
    if rng.chance(0.25) {
        words.push(format!("(the {}'s {})", rng.pick(NOUNS), rng.pick(NOUNS)));
    }
    if let Some(link) = link {
        // Before a preposition, or at the end: between phrases, never inside one.
        let spots: Vec<usize> = (2..words.len())
            .filter(|&j| PREPS.contains(&words[j].as_str()))
            .chain([words.len()])
            .collect();
        let at = *rng.pick(&spots);
        let phrase = match rng.below(3) {
            0 => format!("with {link}"),
            1 => format!("naming {link}"),
            _ => format!("about {link}"),
        };
        words.insert(at, phrase);
    }
    let mut s = capitalise(&words.join(" "));
    s.push('.');
    s
}

fn paragraph(rng: &mut Rng, links: &[String], footnote: Option<usize>) -> String {
    let n = rng.range(3, 6).max(links.len());
    let mut slots: Vec<Option<&str>> = vec![None; n];
    for link in links {
        loop {
            let i = rng.below(n);
            if slots[i].is_none() {
                slots[i] = Some(link);
                break;
            }
        }
    }
    let mut out: Vec<String> = slots.into_iter().map(|l| sentence(rng, l)).collect();
    if let Some(f) = footnote {
        let last = out.len() - 1;
        out[last].push_str(&format!("[^{f}]"));
    }
    out.join(" ")
}

/// A `[[...]]` link to entry `t`, in one of the accepted forms.
fn wiki_link(rng: &mut Rng, corpus_slugs: &[(usize, String)], t: usize) -> String {
    let (c, slug) = &corpus_slugs[t];
    match rng.below(10) {
        0..=5 => format!("[[{slug}]]"),
        6 | 7 => {
            let label = format!("{} {}", rng.pick(ADJS), rng.pick(NOUNS));
            format!("[[{slug}|{label}]]")
        }
        8 => format!("[[{}/{slug}]]", COLLECTIONS[*c].0),
        _ => format!("[[{slug}#background]]"),
    }
}

const CODE: &[(&str, &str)] = &[
    (
        "python",
        "import json\n\ndef load_{n}(path):\n    \"\"\"Reads the {n} export.\"\"\"\n    with open(path) as f:\n        rows = json.load(f)\n    return [r for r in rows if r.get(\"{n}\") is not None]\n\nprint(len(load_{n}(\"{n}.json\")))\n",
    ),
    (
        "rust",
        "fn count_{n}(items: &[&str]) -> usize {\n    items.iter().filter(|s| s.contains(\"{n}\")).count()\n}\n\nfn main() {\n    let items = vec![\"{n}\", \"other\"];\n    println!(\"{}\", count_{n}(&items));\n}\n",
    ),
    (
        "yaml",
        "{n}:\n  source: anonymous\n  confirmed: false\n  dates: [2019, 2021-02]\n  notes: >-\n    Reported, not proven.\n",
    ),
    (
        "bash",
        "#!/bin/sh\nset -eu\nfor f in records/{n}/*.txt; do\n  grep -c \"{n}\" \"$f\" || true\ndone | sort -n | tail -5\n",
    ),
    (
        "json",
        "{\n  \"id\": \"{n}\",\n  \"status\": \"reported\",\n  \"sources\": [1, 2, 3],\n  \"anonymous\": true\n}\n",
    ),
];

fn code_block(rng: &mut Rng) -> String {
    let (lang, code) = rng.pick(CODE);
    let name = rng.pick(NOUNS);
    format!("```{lang}\n{}```", code.replace("{n}", name))
}

/// The body: 3 to 6 paragraphs, `links` spread over them.
fn body(rng: &mut Rng, links: Vec<String>, with_code: bool) -> String {
    let paragraphs = rng.range(3, 6);
    let mut per: Vec<Vec<String>> = vec![Vec::new(); paragraphs];
    for link in links {
        let p = rng.below(paragraphs);
        per[p].push(link);
    }
    let footnotes = rng.range(1, 2);
    let mut blocks: Vec<String> = Vec::new();
    let mut notes = Vec::new();
    for (i, links) in per.iter().enumerate() {
        match i {
            1 => blocks.push("## Background".into()),
            3 => blocks.push(format!("## {}", HEADINGS[rng.below(HEADINGS.len())])),
            _ => {}
        }
        let note = (i < footnotes).then_some(i + 1);
        blocks.push(paragraph(rng, links, note));
        if let Some(n) = note {
            notes.push(format!("[^{n}]: {}", sentence(rng, None)));
        }
        if i == 0 {
            let items = rng.range(3, 5);
            let list: Vec<String> = (0..items)
                .map(|_| {
                    format!(
                        "- {} {} {}",
                        capitalise(ADJS[rng.below(ADJS.len())]),
                        rng.pick(NOUNS),
                        rng.pick(VERBS)
                    )
                })
                .collect();
            blocks.push(list.join("\n"));
        }
        if i == 1 {
            blocks.push(format!("> {} {}", sentence(rng, None), sentence(rng, None)));
        }
        if i == 2 && with_code {
            blocks.push(code_block(rng));
        }
    }
    blocks.extend(notes);
    blocks.join("\n\n") + "\n"
}

/// How many top-level ref values each field gets, `budget` in all, `min` first.
fn spread(rng: &mut Rng, budget: usize, fields: &[(&'static str, usize, usize)]) -> Vec<usize> {
    let mut counts: Vec<usize> = fields.iter().map(|f| f.1).collect();
    let mut left = budget.saturating_sub(counts.iter().sum());
    while left > 0 {
        let open: Vec<usize> = (0..fields.len())
            .filter(|&i| counts[i] < fields[i].2)
            .collect();
        if open.is_empty() {
            break;
        }
        counts[*rng.pick(&open)] += 1;
        left -= 1;
    }
    counts
}

fn generate(n: usize, seed: u64) -> Corpus {
    let mut rng = Rng(seed);
    let mut sizes: Vec<usize> = COLLECTIONS.iter().map(|(_, p)| n * p / 100).collect();
    for s in &mut sizes {
        *s = (*s).max(1);
    }
    let assigned: usize = sizes[..4].iter().sum();
    sizes[SOURCES] = n.saturating_sub(assigned).max(1);
    let mut bounds = [0usize; 6];
    for c in 0..5 {
        bounds[c + 1] = bounds[c] + sizes[c];
    }
    let total = bounds[5];

    // Pass 1: identities (collection, title, slug), so every reference has a target.
    let mut entries: Vec<Entry> = Vec::with_capacity(total);
    let mut body_kinds: Vec<&'static str> = Vec::with_capacity(total);
    for c in 0..5 {
        for i in bounds[c]..bounds[c + 1] {
            let (title, kind) = match c {
                PEOPLE => (format!("{} {}", rng.pick(FIRST), rng.pick(LAST)), ""),
                BODIES => {
                    let kind = *rng.pick(&[
                        "parliamentary-committee",
                        "review-agency",
                        "office",
                        "party-caucus",
                        "legislature",
                        "diplomatic-mission",
                        "news-organization",
                        "news-organization",
                    ]);
                    let title = match kind {
                        "parliamentary-committee" => {
                            format!("Standing Committee on {}", rng.pick(TOPICS))
                        }
                        "review-agency" => format!("{} Review Agency", rng.pick(TOPICS)),
                        "office" => format!("Office of the {} Commissioner", rng.pick(TOPICS)),
                        "party-caucus" => format!("{} caucus", rng.pick(PARTIES)),
                        "legislature" => format!("{} City Council", rng.pick(PLACES)),
                        "diplomatic-mission" => format!(
                            "Consulate of {} in {}",
                            rng.pick(COUNTRIES),
                            rng.pick(PLACES)
                        ),
                        _ => format!("The {} {}", rng.pick(PLACES), rng.pick(PAPERS)),
                    };
                    (title, kind)
                }
                ALLEGATIONS => (format!("Alleged {}", rng.pick(MISDEEDS)), ""),
                EVENTS => (
                    format!(
                        "{} {}",
                        rng.pick(EVENT_KINDS),
                        rng.pick(TOPICS).to_lowercase()
                    ),
                    "",
                ),
                _ => (rng.pick(HEADLINES).to_string(), ""),
            };
            let words: Vec<&str> = title.split_whitespace().take(4).collect();
            let slug = format!("{}-{i}", slugify(&words.join(" ")));
            body_kinds.push(kind);
            entries.push(Entry {
                collection: c,
                slug,
                title,
                summary: String::new(),
                date: None,
                tags: Vec::new(),
                fields: Vec::new(),
                body: String::new(),
                mentions: Vec::new(),
            });
        }
    }
    let mut corpus = Corpus { entries, bounds };
    let slugs: Vec<(usize, String)> = corpus
        .entries
        .iter()
        .map(|e| (e.collection, e.slug.clone()))
        .collect();
    let titles: Vec<String> = corpus.entries.iter().map(|e| e.title.clone()).collect();

    // Pass 2: fields, links and text.
    for i in 0..total {
        let c = corpus.entries[i].collection;
        let k = rng.range(3, 6);
        let (r_min, r_max) = match c {
            PEOPLE => (1, 3),
            BODIES => (1, 1),
            ALLEGATIONS => (2, 5),
            EVENTS => (1, 5),
            _ => (1, 2),
        };
        let refs = rng.range(r_min, r_max.min(k - 1).max(r_min));
        let wikis = k.saturating_sub(refs).max(1);
        let mut fields: Vec<(&'static str, Field)> = Vec::new();
        let mut date = None;
        let summary;
        match c {
            PEOPLE => {
                let role = *rng.pick(ROLES);
                fields.push(("role", Field::Text(role.into())));
                if rng.chance(0.5) {
                    fields.push(("party", Field::Text(rng.pick(PARTIES).to_string())));
                }
                fields.push((
                    "affiliations",
                    Field::Refs(corpus.targets(&mut rng, BODIES, refs, i)),
                ));
                if rng.chance(0.1) {
                    date = Some(partial_date(&mut rng));
                }
                summary = format!(
                    "{role} named in {} reports about {}.",
                    rng.range(2, 9),
                    rng.pick(TOPICS).to_lowercase()
                );
            }
            BODIES => {
                if rng.chance(0.4) {
                    let acronym: String = titles[i]
                        .split_whitespace()
                        .filter_map(|w| w.chars().next())
                        .filter(|c| c.is_uppercase())
                        .collect();
                    fields.push(("acronym", Field::Text(acronym)));
                }
                fields.push(("kind", Field::Enum(body_kinds[i])));
                fields.push(("reports_to", Field::Ref(corpus.target(&mut rng, PEOPLE, i))));
                summary = format!(
                    "A {} that appears in the reporting on {}.",
                    body_kinds[i].replace('-', " "),
                    rng.pick(TOPICS).to_lowercase()
                );
            }
            ALLEGATIONS => {
                let spec = [
                    ("subjects", 1, 2),
                    ("reported_by", 0, 2),
                    ("involves", 0, 2),
                    ("investigated_by", 0, 2),
                    ("sources", 1, 3),
                ];
                let counts = spread(&mut rng, refs, &spec);
                let status = *rng.pick(&[
                    "reported",
                    "denied",
                    "denied",
                    "under-review",
                    "substantiated",
                    "unsubstantiated",
                ]);
                fields.push(("status", Field::Enum(status)));
                let subjects = corpus.targets(&mut rng, PEOPLE, counts[0], i);
                let sources = corpus.targets(&mut rng, SOURCES, counts[4], i);
                fields.push(("subjects", Field::Refs(subjects.clone())));
                fields.push((
                    "claim",
                    Field::Markdown(format!(
                        "{} {}",
                        sentence(&mut rng, None),
                        sentence(&mut rng, None)
                    )),
                ));
                for (f, to, n) in [
                    ("reported_by", BODIES, counts[1]),
                    ("involves", PEOPLE, counts[2]),
                    ("investigated_by", BODIES, counts[3]),
                ] {
                    if n > 0 {
                        fields.push((f, Field::Refs(corpus.targets(&mut rng, to, n, i))));
                    }
                }
                fields.push(("sources", Field::Refs(sources.clone())));
                let responses = subjects
                    .iter()
                    .map(|&s| {
                        let mut r: Vec<(&'static str, Field)> = vec![("by", Field::Ref(s))];
                        r.push(("stance", Field::Enum(STANCES[rng.below(STANCES.len())])));
                        if rng.chance(0.6) {
                            r.push(("statement", Field::Markdown(sentence(&mut rng, None))));
                        }
                        if rng.chance(0.5) {
                            r.push(("source", Field::Ref(*rng.pick(&sources))));
                        }
                        if rng.chance(0.3) {
                            r.push(("date", Field::Date(partial_date(&mut rng))));
                        }
                        r
                    })
                    .collect();
                fields.push(("responses", Field::Records(responses)));
                if rng.chance(0.9) {
                    date = Some(partial_date(&mut rng));
                }
                summary = format!(
                    "An allegation about {}, reported by {} sources; it is {}.",
                    titles[subjects[0]],
                    sources.len(),
                    status.replace('-', " ")
                );
            }
            EVENTS => {
                let spec = [
                    ("participants", 0, 3),
                    ("bodies", 0, 2),
                    ("allegations", 0, 2),
                    ("led_to", 0, 1),
                    ("sources", 0, 2),
                ];
                let counts = spread(&mut rng, refs, &spec);
                for (f, to, n) in [
                    ("participants", PEOPLE, counts[0]),
                    ("bodies", BODIES, counts[1]),
                    ("allegations", ALLEGATIONS, counts[2]),
                    ("led_to", EVENTS, counts[3]),
                    ("sources", SOURCES, counts[4]),
                ] {
                    if n > 0 {
                        fields.push((f, Field::Refs(corpus.targets(&mut rng, to, n, i))));
                    }
                }
                date = Some(partial_date(&mut rng));
                summary = format!(
                    "{} in {}, with {} people involved.",
                    titles[i],
                    rng.pick(PLACES),
                    rng.range(2, 12)
                );
            }
            _ => {
                let outlet = corpus.target(&mut rng, BODIES, i);
                fields.push(("outlet", Field::Ref(outlet)));
                if refs > 1 {
                    fields.push(("author", Field::Ref(corpus.target(&mut rng, PEOPLE, i))));
                }
                fields.push((
                    "kind",
                    Field::Enum(SOURCE_KINDS[rng.below(SOURCE_KINDS.len())]),
                ));
                if rng.chance(0.7) {
                    fields.push((
                        "url",
                        Field::Url(format!(
                            "https://news.example.com/{}/{}",
                            rng.range(1998, 2024),
                            slugs[i].1
                        )),
                    ));
                }
                if rng.chance(0.3) {
                    fields.push(("anonymous_sourcing", Field::Bool(rng.chance(0.7))));
                }
                if rng.chance(0.95) {
                    date = Some(partial_date(&mut rng));
                }
                summary = format!("{}, as published by {}.", titles[i], titles[outlet]);
            }
        }

        let mut mentions = Vec::new();
        let links: Vec<String> = (0..wikis)
            .map(|_| {
                let to = rng.below(5);
                let t = corpus.target(&mut rng, to, i);
                if !mentions.contains(&t) {
                    mentions.push(t);
                }
                wiki_link(&mut rng, &slugs, t)
            })
            .collect();
        let text = body(&mut rng, links, i % 5 == 0);
        let mut tags: Vec<&'static str> = Vec::new();
        for _ in 0..rng.range(0, 3) {
            let t = TAGS[rng.skewed(TAGS.len())];
            if !tags.contains(&t) {
                tags.push(t);
            }
        }
        let e = &mut corpus.entries[i];
        e.summary = summary;
        e.date = date;
        e.tags = tags;
        e.fields = fields;
        e.body = text;
        e.mentions = mentions;
    }
    corpus
}

// ---------------------------------------------------------------------------------------
// Writing.

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            _ => out.push(c),
        }
    }
    out.push('"');
    out
}

fn slug_list(corpus: &Corpus, list: &[usize]) -> String {
    let slugs: Vec<&str> = list
        .iter()
        .map(|&t| corpus.entries[t].slug.as_str())
        .collect();
    format!("[{}]", slugs.join(", "))
}

#[derive(Clone, Copy, PartialEq)]
enum Format {
    Casefile,
    Hugo,
    Zola,
}

/// Field names that Hugo reserves in front matter, renamed in the Hugo corpus.
fn hugo_name(name: &str) -> &str {
    match name {
        "url" => "address",
        other => other,
    }
}

/// `[[slug|label#frag]]` into `[label](/collection/slug/#frag)`.
fn hugo_links(text: &str, corpus: &Corpus, by_slug: &HashMap<&str, usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let slug = path.rsplit('/').next().unwrap_or(path);
        let e = &corpus.entries[by_slug[slug]];
        let text = label.unwrap_or(&e.title);
        let _ = write!(
            out,
            "[{text}](/{}/{}/{})",
            COLLECTIONS[e.collection].0,
            e.slug,
            fragment.map(|f| format!("#{f}")).unwrap_or_default()
        );
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

fn write_field(
    out: &mut String,
    indent: &str,
    name: &str,
    value: &Field,
    corpus: &Corpus,
    format: Format,
    by_slug: &HashMap<&str, usize>,
) {
    let name = if format == Format::Hugo {
        hugo_name(name)
    } else {
        name
    };
    let _ = match value {
        Field::Text(s) | Field::Url(s) | Field::Date(s) => {
            writeln!(out, "{indent}{name}: {}", quote(s))
        }
        Field::Enum(s) => writeln!(out, "{indent}{name}: {s}"),
        Field::Bool(b) => writeln!(out, "{indent}{name}: {b}"),
        Field::Ref(t) => writeln!(out, "{indent}{name}: {}", corpus.entries[*t].slug),
        Field::Refs(list) => writeln!(out, "{indent}{name}: {}", slug_list(corpus, list)),
        Field::Markdown(md) => {
            let md = match format {
                Format::Casefile => md.clone(),
                Format::Hugo | Format::Zola => hugo_links(md, corpus, by_slug),
            };
            writeln!(out, "{indent}{name}: {}", quote(&md))
        }
        Field::Records(records) => {
            let _ = writeln!(out, "{indent}{name}:");
            for record in records {
                for (j, (n, v)) in record.iter().enumerate() {
                    let lead = if j == 0 { "  - " } else { "    " };
                    write_field(
                        out,
                        &format!("{indent}{lead}"),
                        n,
                        v,
                        corpus,
                        format,
                        by_slug,
                    );
                }
            }
            Ok(())
        }
    };
}

fn entry_file(
    e: &Entry,
    corpus: &Corpus,
    format: Format,
    by_slug: &HashMap<&str, usize>,
) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("---\n");
    let _ = writeln!(out, "title: {}", quote(&e.title));
    match format {
        Format::Casefile => {
            let _ = writeln!(out, "summary: {}", quote(&e.summary));
            if let Some(d) = &e.date {
                let _ = writeln!(out, "date: {}", quote(d));
            }
        }
        Format::Hugo | Format::Zola => {
            let _ = writeln!(out, "description: {}", quote(&e.summary));
            if let Some(d) = &e.date {
                // Hugo needs a full date to sort by; the partial one is kept for display.
                let full = match d.len() {
                    4 => format!("{d}-01-01"),
                    7 => format!("{d}-01"),
                    _ => d.clone(),
                };
                let _ = writeln!(out, "date: {full}");
                let _ = writeln!(out, "when: {}", quote(d));
            }
        }
    }
    if !e.tags.is_empty() {
        let _ = writeln!(out, "tags: [{}]", e.tags.join(", "));
    }
    for (name, value) in &e.fields {
        write_field(&mut out, "", name, value, corpus, format, by_slug);
    }
    if format == Format::Hugo && !e.mentions.is_empty() {
        let _ = writeln!(out, "mentions: {}", slug_list(corpus, &e.mentions));
    }
    out.push_str("---\n");
    match format {
        Format::Casefile => out.push_str(&e.body),
        Format::Hugo | Format::Zola => out.push_str(&hugo_links(&e.body, corpus, by_slug)),
    }
    out
}

fn copy_dir(from: &Path, to: &Path) -> io::Result<()> {
    fs::create_dir_all(to)?;
    for item in fs::read_dir(from)? {
        let item = item?;
        let target = to.join(item.file_name());
        if item.file_type()?.is_dir() {
            copy_dir(&item.path(), &target)?;
        } else {
            fs::copy(item.path(), &target)?;
        }
    }
    Ok(())
}

fn write_file(path: &Path, text: &str) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)
}

const SITE_TITLE: &str = "Synthetic casefile corpus";
const SITE_DESCRIPTION: &str =
    "A generated explainer for benchmarks: people, bodies, allegations, events and sources.";

fn home_text(corpus: &Corpus) -> String {
    let firsts: Vec<String> = (0..5)
        .map(|c| format!("[[{}]]", corpus.entries[corpus.bounds[c]].slug))
        .collect();
    format!(
        "This corpus was generated for benchmarks. It starts with {}, {} and {}, and goes on to {} and {}. See [[about]].\n\nEvery allegation is reported as an allegation, with the responses beside it.\n",
        firsts[0], firsts[1], firsts[2], firsts[3], firsts[4]
    )
}

const ABOUT: &str = "## What it covers\n\nA generated site with every kind of entry.\n\n## How it was made\n\nBy `examples/gen-corpus.rs`, from a seed.\n\n## Corrections\n\nThere is nothing to correct.\n";

/// The bundled `site.yaml`, read as an English-only site: each display string's English
/// text in place of its map of languages, and no translated folders (the corpus has one
/// language).
fn english_site_yaml(repo: &Path) -> io::Result<Yaml> {
    fn english(value: &mut Yaml) {
        match value {
            Yaml::Mapping(m) => {
                let by_language = m.get("en").is_some_and(Yaml::is_string)
                    && m.keys().all(|k| matches!(k.as_str(), Some("en" | "fr")));
                if by_language {
                    *value = m.get("en").cloned().unwrap_or(Yaml::Null);
                    return;
                }
                m.shift_remove("path");
                for (_, v) in m.iter_mut() {
                    english(v);
                }
            }
            Yaml::Sequence(items) => items.iter_mut().for_each(english),
            _ => {}
        }
    }
    let text = fs::read_to_string(repo.join("site.yaml"))?;
    let mut site: Yaml = serde_yaml::from_str(&text).map_err(io::Error::other)?;
    if let Some(collections) = site.get_mut("collections") {
        english(collections);
    }
    Ok(site)
}

fn write_casefile(corpus: &Corpus, dir: &Path, repo: &Path, search: bool) -> io::Result<()> {
    let site = english_site_yaml(repo)?;
    let Some(collections) = site.get("collections") else {
        return Err(io::Error::other("site.yaml has no `collections:` key"));
    };
    let mut wrapped = serde_yaml::Mapping::new();
    wrapped.insert("collections".into(), collections.clone());
    let collections = serde_yaml::to_string(&wrapped).map_err(io::Error::other)?;
    let mut header = format!(
        "# Generated by examples/gen-corpus.rs; the collections are copied from site.yaml.\ntitle: {}\ndescription: {}\nbase_url: \"https://example.org/\"\nlanguage: en\ntheme: default\nextra:\n  as_of: \"2024-06-30\"\n  corrections: \"corrections@example.org\"\n",
        quote(SITE_TITLE),
        quote(SITE_DESCRIPTION)
    );
    if !search {
        header.push_str("search: false\n");
    }
    write_file(&dir.join("site.yaml"), &(header + &collections))?;
    copy_dir(&repo.join("themes"), &dir.join("themes"))?;
    let content = dir.join("content");
    write_file(
        &content.join("_index.md"),
        &format!(
            "---\ntitle: {}\nsummary: {}\n---\n{}",
            quote(SITE_TITLE),
            quote(SITE_DESCRIPTION),
            home_text(corpus)
        ),
    )?;
    write_file(
        &content.join("about.md"),
        &format!(
            "---\ntitle: About this corpus\nsummary: How this site was generated.\n---\n{ABOUT}"
        ),
    )?;
    let by_slug = HashMap::new();
    for (c, (name, _)) in COLLECTIONS.iter().enumerate() {
        write_file(
            &content.join(name).join("_index.md"),
            &format!(
                "---\ntitle: {}\nsummary: Every entry of this section.\n---\nThere are {} entries here.\n",
                capitalise(name),
                corpus.count(c)
            ),
        )?;
    }
    for e in &corpus.entries {
        let path = content
            .join(COLLECTIONS[e.collection].0)
            .join(format!("{}.md", e.slug));
        write_file(&path, &entry_file(e, corpus, Format::Casefile, &by_slug))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Hugo.

/// Schema facts the Hugo layouts need, read from `site.yaml` so both sites agree.
fn hugo_params(repo: &Path) -> io::Result<serde_json::Value> {
    let site = english_site_yaml(repo)?;
    let collections = site
        .get("collections")
        .and_then(Yaml::as_mapping)
        .ok_or_else(|| io::Error::other("site.yaml has no collections"))?;
    let s = |v: Option<&Yaml>| v.and_then(Yaml::as_str).unwrap_or("").to_string();
    let mut order = Vec::new();
    let mut coll = serde_json::Map::new();
    let mut schema = serde_json::Map::new();
    let mut reffields = serde_json::Map::new();
    // target collection -> [(collection order, field order, key, label)]
    let mut backlinks: HashMap<String, Vec<(usize, usize, String, String)>> = HashMap::new();
    for (ci, (name, spec)) in collections.iter().enumerate() {
        let name = s(Some(name));
        let title = s(spec.get("title"));
        order.push(json!(name));
        coll.insert(
            name.clone(),
            json!({
                "name": name,
                "title": title,
                "singular": s(spec.get("singular")),
                "sort": s(spec.get("sort")),
                "schema_org": s(spec.get("schema_org")),
            }),
        );
        let field_list = |fields: Option<&Yaml>| -> Vec<(String, Yaml)> {
            fields
                .and_then(Yaml::as_mapping)
                .map(|m| m.iter().map(|(k, v)| (s(Some(k)), v.clone())).collect())
                .unwrap_or_default()
        };
        let mut fields_json = Vec::new();
        let mut refs_json = Vec::new();
        for (fi, (fname, fspec)) in field_list(spec.get("fields")).into_iter().enumerate() {
            let ftype = s(fspec.get("type"));
            let label = fspec
                .get("label")
                .and_then(Yaml::as_str)
                .map(String::from)
                .unwrap_or_else(|| capitalise(&fname.replace('_', " ")));
            let mut sub_json = Vec::new();
            let mut sub_refs = Vec::new();
            for (sname, sspec) in field_list(fspec.get("fields")) {
                let stype = s(sspec.get("type"));
                let slabel = sspec
                    .get("label")
                    .and_then(Yaml::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| capitalise(&sname.replace('_', " ")));
                sub_json.push(json!({
                    "name": hugo_name(&sname), "label": slabel, "type": stype,
                    "to": s(sspec.get("to")),
                }));
                if stype == "ref" || stype == "refs" {
                    let key = format!("{name}.{fname}.{sname}");
                    sub_refs.push(json!({"name": hugo_name(&sname), "type": stype, "key": key}));
                    let blabel = sspec
                        .get("backlink")
                        .and_then(Yaml::as_str)
                        .map(String::from)
                        .unwrap_or_else(|| format!("{title} ({})", slabel.to_lowercase()));
                    backlinks
                        .entry(s(sspec.get("to")))
                        .or_default()
                        .push((ci, fi, key, blabel));
                }
            }
            fields_json.push(json!({
                "name": hugo_name(&fname), "label": label, "type": ftype,
                "to": s(fspec.get("to")), "fields": sub_json,
            }));
            if ftype == "ref" || ftype == "refs" {
                let key = format!("{name}.{fname}");
                refs_json.push(json!({"name": hugo_name(&fname), "type": ftype, "key": key}));
                let blabel = fspec
                    .get("backlink")
                    .and_then(Yaml::as_str)
                    .map(String::from)
                    .unwrap_or_else(|| format!("{title} ({})", label.to_lowercase()));
                backlinks
                    .entry(s(fspec.get("to")))
                    .or_default()
                    .push((ci, fi, key, blabel));
            } else if ftype == "records" && !sub_refs.is_empty() {
                refs_json.push(
                    json!({"name": hugo_name(&fname), "type": "records", "fields": sub_refs}),
                );
            }
        }
        schema.insert(name.clone(), json!(fields_json));
        reffields.insert(name, json!(refs_json));
    }
    let mut back_json = serde_json::Map::new();
    for (name, _) in COLLECTIONS {
        let mut groups = backlinks.remove(name).unwrap_or_default();
        groups.sort_by(|a, b| (a.0, a.1, &a.2).cmp(&(b.0, b.1, &b.2)));
        let mut list: Vec<serde_json::Value> = groups
            .into_iter()
            .map(|(_, _, key, label)| json!({"key": key, "label": label}))
            .collect();
        list.push(json!({"key": "mentions", "label": "Mentioned in"}));
        back_json.insert(name.to_string(), json!(list));
    }
    let months: serde_json::Map<String, serde_json::Value> = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    .iter()
    .enumerate()
    .map(|(i, m)| (format!("{:02}", i + 1), json!(m)))
    .collect();
    Ok(json!({
        "description": SITE_DESCRIPTION,
        "as_of": "2024-06-30",
        "corrections": "corrections@example.org",
        "order": order,
        "coll": coll,
        "schema": schema,
        "reffields": reffields,
        "backlinks": back_json,
        "months": months,
    }))
}

const HUGO_LAYOUTS: &[(&str, &str)] = &[
    (
        "_default/baseof.html",
        r##"<!doctype html>
<html lang="{{ site.LanguageCode }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ block "title" . }}{{ .Title }} · {{ site.Title }}{{ end }}</title>
<meta name="description" content="{{ with .Description }}{{ . }}{{ else }}{{ site.Params.description }}{{ end }}">
<meta name="color-scheme" content="light dark">
<meta name="generator" content="Hugo {{ hugo.Version }}">
<link rel="canonical" href="{{ .Permalink }}">
<link rel="alternate" type="application/rss+xml" title="{{ site.Title }}" href="{{ "index.xml" | absURL }}">
{{- $description := .Description | default site.Params.description }}
<meta property="og:site_name" content="{{ site.Title }}">
<meta property="og:title" content="{{ .Title }}">
<meta property="og:description" content="{{ $description }}">
<meta property="og:url" content="{{ .Permalink }}">
<meta property="og:type" content="{{ if .IsPage }}article{{ else }}website{{ end }}">
<meta property="og:locale" content="{{ site.LanguageCode }}">
<meta name="twitter:card" content="summary">
<meta name="twitter:title" content="{{ .Title }}">
<meta name="twitter:description" content="{{ $description }}">
{{- $ld := dict "@context" "https://schema.org" "@type" ((index site.Params.coll .Section).schema_org | default "WebPage") "name" .Title "description" $description "url" .Permalink "isPartOf" (dict "@type" "WebSite" "name" site.Title "url" site.BaseURL) }}
{{- with .Params.when }}{{ $ld = merge $ld (dict "dateCreated" .) }}{{ end }}
{{- with .Params.tags }}{{ $ld = merge $ld (dict "keywords" (delimit . ", ")) }}{{ end }}
<script type="application/ld+json">{{ $ld | jsonify | safeJS }}</script>
<link rel="icon" href="{{ "favicon.svg" | relURL }}" type="image/svg+xml">
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="{{ "/" | relURL }}">{{ site.Title }}</a>
    <nav aria-label="Sections">
      <ul>
        {{- $page := . }}
        {{- range site.Params.order }}
        {{- $c := index site.Params.coll . }}
        <li><a href="{{ printf "/%s/" $c.name | relURL }}"{{ if eq $page.Section $c.name }} aria-current="page"{{ end }}>{{ $c.title }}</a></li>
        {{- end }}
        <li><a href="{{ "/timeline/" | relURL }}"{{ if eq .RelPermalink ("/timeline/" | relURL) }} aria-current="page"{{ end }}>Timeline</a></li>
        <li><a href="{{ "/search/" | relURL }}"{{ if eq .RelPermalink ("/search/" | relURL) }} aria-current="page"{{ end }}>Search</a></li>
        {{- range site.Home.RegularPages }}
        <li><a href="{{ .RelPermalink }}"{{ if eq $page.RelPermalink .RelPermalink }} aria-current="page"{{ end }}>{{ .Title }}</a></li>
        {{- end }}
      </ul>
    </nav>
  </div>
</header>
<main id="main" tabindex="-1">
<div class="wrap">
{{ block "main" . }}{{ end }}
</div>
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>{{ site.Title }}. Accurate as of {{ partial "date.html" site.Params.as_of }}.
    Allegations are reported as allegations, with the responses of the people concerned beside them.</p>
    <p>{{ range site.Home.RegularPages }}<a href="{{ .RelPermalink }}">{{ .Title }}</a> · {{ end }}<a href="{{ "/tags/" | relURL }}">Tags</a> · Report an error: <a href="mailto:{{ site.Params.corrections }}">{{ site.Params.corrections }}</a></p>
  </div>
</footer>
</body>
</html>
"##,
    ),
    (
        "partials/date.html",
        // String slicing and a month table: `time.Format` on a string costs Hugo ~10% more.
        r##"{{- $s := . -}}
<time datetime="{{ $s }}">
{{- if eq (len $s) 10 -}}{{ strings.TrimPrefix "0" (substr $s 8 2) }} {{ index site.Params.months (substr $s 5 2) }} {{ substr $s 0 4 }}
{{- else if eq (len $s) 7 -}}{{ index site.Params.months (substr $s 5 2) }} {{ substr $s 0 4 }}
{{- else -}}{{ $s }}{{- end -}}
</time>"##,
    ),
    (
        "partials/entry_link.html",
        r##"<a href="{{ .RelPermalink }}">{{ .Title }}</a>"##,
    ),
    (
        "partials/card.html",
        r##"<li class="card">
  <a class="card-title" href="{{ .RelPermalink }}">{{ .Title }}</a>
  {{- with .Params.status }} <span class="status status-{{ . }}">{{ humanize . }}</span>{{ end }}
  {{- with .Params.role }}<span class="card-meta">{{ . }}</span>{{ end }}
  {{- with .Params.when }}<span class="card-meta">{{ partial "date.html" . }}</span>{{ end }}
  {{- with .Description }}<p>{{ . }}</p>{{ end }}
</li>"##,
    ),
    (
        "partials/field_value.html",
        r##"{{- $v := .v -}}{{- $f := .f -}}
{{- if eq $f.type "ref" -}}{{ partial "entry_link.html" (site.GetPage (printf "/%s/%s" $f.to $v)) }}
{{- else if eq $f.type "refs" -}}<ul class="inline-list">{{ range $v }}<li>{{ partial "entry_link.html" (site.GetPage (printf "/%s/%s" $f.to .)) }}</li>{{ end }}</ul>
{{- else if eq $f.type "date" -}}{{ partial "date.html" $v }}
{{- else if and (eq $f.type "enum") (eq $f.name "status") -}}<span class="status status-{{ $v }}">{{ humanize $v }}</span>
{{- else if eq $f.type "enum" -}}{{ humanize $v }}
{{- else if eq $f.type "url" -}}<a href="{{ $v }}" rel="noopener">{{ $v }}</a>
{{- else if eq $f.type "bool" -}}{{ if $v }}Yes{{ else }}No{{ end }}
{{- else if eq $f.type "strings" -}}{{ delimit $v ", " }}
{{- else if eq $f.type "markdown" -}}{{ $v | markdownify }}
{{- else -}}{{ $v }}
{{- end -}}"##,
    ),
    (
        "partials/backindex.html",
        r##"{{- /* Every reference, reversed once per build: "slug|collection.field" -> pages. */ -}}
{{- $s := newScratch -}}
{{- range $p := site.RegularPages -}}
  {{- range $f := index site.Params.reffields $p.Section -}}
    {{- $v := index $p.Params $f.name -}}
    {{- if $v -}}
      {{- if eq $f.type "ref" -}}
        {{- $s.Add (printf "%s|%s" $v $f.key) (slice $p) -}}
      {{- else if eq $f.type "refs" -}}
        {{- range $v }}{{ $s.Add (printf "%s|%s" . $f.key) (slice $p) }}{{ end -}}
      {{- else -}}
        {{- range $r := $v -}}
          {{- range $sf := $f.fields -}}
            {{- with index $r $sf.name -}}{{- $s.Add (printf "%s|%s" . $sf.key) (slice $p) -}}{{- end -}}
          {{- end -}}
        {{- end -}}
      {{- end -}}
    {{- end -}}
  {{- end -}}
  {{- range $p.Params.mentions }}{{ $s.Add (printf "%s|mentions" .) (slice $p) }}{{ end -}}
{{- end -}}
{{- return $s -}}"##,
    ),
    (
        "partials/connections.html",
        r##"{{- $p := . -}}
{{- $idx := partialCached "backindex.html" . "all" -}}
{{- $slug := $p.File.ContentBaseName -}}
{{- $groups := slice -}}
{{- range $g := index site.Params.backlinks $p.Section -}}
  {{- with $idx.Get (printf "%s|%s" $slug $g.key) -}}
    {{- $groups = $groups | append (dict "label" (replace $g.label "{title}" $p.Title) "pages" (uniq .)) -}}
  {{- end -}}
{{- end -}}
{{- if $groups }}
<section data-pagefind-ignore class="connections" aria-labelledby="page-connections">
  <h2 id="page-connections">Connections</h2>
  {{- range $groups }}
  <h3>{{ .label }}</h3>
  <ul class="cards">
    {{- range .pages }}
    {{ partial "card.html" . }}
    {{- end }}
  </ul>
  {{- end }}
</section>
{{- end }}
{{- with $p.Params.sources }}
<section data-pagefind-ignore class="sources" aria-labelledby="page-sources">
  <h2 id="page-sources">Sources</h2>
  <ol>
    {{- range . }}
    {{- with site.GetPage (printf "/sources/%s" .) }}
    <li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ with .Params.outlet }}, {{ (site.GetPage (printf "/bodies/%s" .)).Title }}{{ end }}{{ with .Params.when }}, {{ partial "date.html" . }}{{ end }}{{ if .Params.anonymous_sourcing }} <span class="note">(relies on anonymous sources)</span>{{ end }}</li>
    {{- end }}
    {{- end }}
  </ol>
</section>
{{- end }}"##,
    ),
    (
        "_default/single.html",
        r##"{{ define "main" }}
{{- $p := . -}}
{{- $c := index site.Params.coll .Section -}}
{{- $schema := index site.Params.schema .Section -}}
<article data-pagefind-body class="entry">
  <p class="kicker"><a href="{{ printf "/%s/" $c.name | relURL }}" data-pagefind-filter="section:{{ $c.title }}">{{ $c.singular }}</a></p>
  <h1>{{ .Title }}</h1>
  {{- with .Description }}<p class="summary">{{ . }}</p>{{ end }}
  <dl class="infobox">
    {{- with .Params.when }}<div><dt>Date</dt><dd>{{ partial "date.html" . }}</dd></div>{{ end }}
    {{- range $schema }}
    {{- if and (ne .type "records") (ne .type "markdown") (ne .name "sources") (isset $p.Params .name) }}
    <div><dt>{{ .label }}</dt><dd>{{ partial "field_value.html" (dict "v" (index $p.Params .name) "f" .) }}</dd></div>
    {{- end }}
    {{- end }}
    {{- with .Params.tags }}<div><dt>Tags</dt><dd><ul class="inline-list">{{ range . }}<li><a href="{{ printf "/tags/%s/" (urlize .) | relURL }}">{{ . }}</a></li>{{ end }}</ul></dd></div>{{ end }}
  </dl>
  {{- range $schema }}
  {{- if and (eq .type "markdown") (isset $p.Params .name) }}
  <section class="field-text"><h2>{{ .label }}</h2><p>{{ index $p.Params .name | markdownify }}</p></section>
  {{- end }}
  {{- end }}
  {{- with .Content }}<div class="prose">{{ . }}</div>{{ end }}
  {{- range $f := $schema }}
  {{- if and (eq $f.type "records") (isset $p.Params $f.name) }}
  <section class="records"><h2>{{ $f.label }}</h2>
    <ul>
    {{- range $r := index $p.Params $f.name }}
      <li><dl>
      {{- range $f.fields }}{{ if isset $r .name }}<div><dt>{{ .label }}</dt><dd>{{ partial "field_value.html" (dict "v" (index $r .name) "f" .) }}</dd></div>{{ end }}{{ end }}
      </dl></li>
    {{- end }}
    </ul>
  </section>
  {{- end }}
  {{- end }}
  {{ partial "connections.html" . }}
</article>
{{ end }}
"##,
    ),
    (
        "allegations/single.html",
        r##"{{ define "main" }}
{{- $p := . -}}
{{- $c := index site.Params.coll .Section -}}
<article data-pagefind-body class="entry allegation">
  <p class="kicker"><a href="{{ printf "/%s/" $c.name | relURL }}" data-pagefind-filter="section:{{ $c.title }}">{{ $c.singular }}</a></p>
  <h1>{{ .Title }}</h1>
  <p class="status-line">Status: <span class="status status-{{ .Params.status }}">{{ humanize .Params.status }}</span>
    {{- with .Params.when }} · Reported {{ partial "date.html" . }}{{ end }}</p>
  {{- with .Description }}<p class="summary">{{ . }}</p>{{ end }}
  <div class="claim-response">
    <section class="claim" aria-labelledby="page-claim">
      <h2 id="page-claim">What is alleged</h2>
      <p>{{ .Params.claim | markdownify }}</p>
      {{- with .Params.reported_by }}
      <p class="attribution">Reported by {{ range $i, $b := . }}{{ if $i }}, {{ end }}{{ partial "entry_link.html" (site.GetPage (printf "/bodies/%s" $b)) }}{{ end }}.</p>
      {{- end }}
    </section>
    <section class="response" aria-labelledby="page-response">
      <h2 id="page-response">The response</h2>
      {{- range .Params.responses }}
      <div class="response-item">
        <p class="response-who">{{ partial "entry_link.html" (site.GetPage (printf "/people/%s" .by)) }}: <strong>{{ humanize .stance }}</strong>{{ with .date }}, {{ partial "date.html" . }}{{ end }}</p>
        {{- with .statement }}<p>{{ . | markdownify }}</p>{{ end }}
        {{- with .source }}<p class="attribution">Source: {{ partial "entry_link.html" (site.GetPage (printf "/sources/%s" .)) }}</p>{{ end }}
      </div>
      {{- end }}
    </section>
  </div>
  <dl class="infobox">
    <div><dt>About</dt><dd><ul class="inline-list">{{ range .Params.subjects }}<li>{{ partial "entry_link.html" (site.GetPage (printf "/people/%s" .)) }}</li>{{ end }}</ul></dd></div>
    {{- with .Params.involves }}<div><dt>Also involves</dt><dd><ul class="inline-list">{{ range . }}<li>{{ partial "entry_link.html" (site.GetPage (printf "/people/%s" .)) }}</li>{{ end }}</ul></dd></div>{{ end }}
    <div><dt>Bodies looking into it</dt><dd>{{ with .Params.investigated_by }}<ul class="inline-list">{{ range . }}<li>{{ partial "entry_link.html" (site.GetPage (printf "/bodies/%s" .)) }}</li>{{ end }}</ul>{{ else }}None named in the sources{{ end }}</dd></div>
  </dl>
  {{- with .Content }}<div class="prose">{{ . }}</div>{{ end }}
  {{ partial "connections.html" . }}
</article>
{{ end }}
"##,
    ),
    (
        "_default/list.html",
        r##"{{ define "main" }}
{{- $c := index site.Params.coll .Section -}}
<h1>{{ .Title }}</h1>
{{- with .Content }}<div class="prose">{{ . }}</div>{{ end }}
<ul class="cards">
  {{- range (cond (eq $c.sort "date") .RegularPages.ByDate .RegularPages.ByTitle) }}
  {{ partial "card.html" . }}
  {{- end }}
</ul>
{{ end }}
"##,
    ),
    (
        "_default/page.html",
        r##"{{ define "main" }}
<article data-pagefind-body data-pagefind-filter="section:Pages" class="page">
  <h1>{{ .Title }}</h1>
  {{- with .TableOfContents }}
  <nav class="toc" aria-label="On this page">
    <h2>On this page</h2>
    {{ . }}
  </nav>
  {{- end }}
  <div class="prose">{{ .Content }}</div>
</article>
{{ end }}
"##,
    ),
    (
        "_default/timeline.html",
        r##"{{ define "main" }}
<h1>Timeline</h1>
<p class="summary">Every dated entry, oldest first. Dates are as precise as the sources allow.</p>
{{- range (where site.RegularPages "Params.when" "!=" nil).GroupByDate "2006" "asc" }}
<section aria-labelledby="year-{{ .Key }}">
  <h2 id="year-{{ .Key }}">{{ .Key }}</h2>
  <ol class="timeline">
    {{- range .Pages.ByDate }}
    <li><span class="when">{{ partial "date.html" .Params.when }}</span>
      <span class="what"><a href="{{ .RelPermalink }}">{{ .Title }}</a> <span class="card-meta">{{ humanize .Section }}</span>
      {{- with .Description }}<br>{{ . }}{{ end }}</span></li>
    {{- end }}
  </ol>
</section>
{{- end }}
{{ end }}
"##,
    ),
    (
        "index.html",
        r##"{{ define "title" }}{{ site.Title }}{{ end }}
{{ define "main" }}
<article class="story">
  <h1>{{ .Title }}</h1>
  <p class="as-of">Accurate as of {{ partial "date.html" site.Params.as_of }}</p>
  <div class="prose">{{ .Content }}</div>
</article>
{{- range site.Params.order }}
{{- $c := index site.Params.coll . }}
{{- with site.GetPage (printf "/%s" $c.name) }}
<section class="home-section" aria-labelledby="home-{{ $c.name }}">
  <h2 id="home-{{ $c.name }}"><a href="{{ .RelPermalink }}">{{ $c.title }}</a></h2>
  <ul class="cards">
    {{- range (cond (eq $c.sort "date") .RegularPages.ByDate .RegularPages.ByTitle) }}
    {{ partial "card.html" . }}
    {{- end }}
  </ul>
</section>
{{- end }}
{{- end }}
{{- $dated := (where site.RegularPages "Params.when" "!=" nil).ByDate }}
<section class="home-section" aria-labelledby="home-timeline">
  <h2 id="home-timeline"><a href="{{ "/timeline/" | relURL }}">Timeline</a></h2>
  <ol class="timeline">
    {{- range last 5 $dated }}
    <li><span class="when">{{ partial "date.html" .Params.when }}</span> <a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
    {{- end }}
  </ol>
  <p><a href="{{ "/timeline/" | relURL }}">The full timeline</a></p>
</section>
{{ end }}
"##,
    ),
    (
        "_default/search.html",
        r##"{{ define "main" }}
<h1>Search</h1>
<div id="search" class="search">
  <p class="note" id="search-needs-js">Search needs JavaScript. Every entry is listed below.</p>
</div>
<section aria-labelledby="browse-all">
  <h2 id="browse-all">Browse everything</h2>
  {{- range site.Params.order }}
  {{- $c := index site.Params.coll . }}
  {{- with site.GetPage (printf "/%s" $c.name) }}
  <h3><a href="{{ .RelPermalink }}">{{ $c.title }}</a></h3>
  <ul class="plain-list">
    {{- range (cond (eq $c.sort "date") .RegularPages.ByDate .RegularPages.ByTitle) }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}
  </ul>
  {{- end }}
  {{- end }}
  <h3>Pages</h3>
  <ul class="plain-list">{{ range site.Home.RegularPages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
</section>
{{ end }}
"##,
    ),
    (
        "_default/taxonomy.html",
        r##"{{ define "main" }}
<h1>Tags</h1>
<ul class="inline-list tag-list">
  {{- range .Data.Terms.Alphabetical }}
  <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
  {{- end }}
</ul>
{{ end }}
"##,
    ),
    (
        "_default/term.html",
        r##"{{ define "main" }}
<h1>Tagged “{{ .Title }}”</h1>
<ul class="cards">
  {{- range .Pages }}
  {{ partial "card.html" . }}
  {{- end }}
</ul>
<p><a href="{{ "/tags/" | relURL }}">All tags</a></p>
{{ end }}
"##,
    ),
    (
        "404.html",
        r##"{{ define "main" }}
<h1>Page not found</h1>
<p>There is no page at this address. Try the <a href="{{ "/" | relURL }}">home page</a> or the <a href="{{ "/timeline/" | relURL }}">timeline</a>.</p>
{{ end }}
"##,
    ),
];

fn write_hugo(corpus: &Corpus, dir: &Path, repo: &Path) -> io::Result<()> {
    let config = json!({
        "baseURL": "https://example.org/",
        "languageCode": "en",
        "title": SITE_TITLE,
        // Like casefile: one feed of the 50 latest entries, a sitemap and robots.txt.
        "enableRobotsTXT": true,
        "rssLimit": 50,
        "outputs": {
            "home": ["HTML", "RSS"],
            "section": ["HTML"],
            "taxonomy": ["HTML"],
            "term": ["HTML"],
        },
        "taxonomies": {"tag": "tags"},
        "markup": {
            "highlight": {"noClasses": false},
            "goldmark": {"renderer": {"unsafe": false}},
        },
        "params": hugo_params(repo)?,
    });
    let text = serde_json::to_string_pretty(&config).map_err(io::Error::other)?;
    write_file(&dir.join("hugo.json"), &text)?;
    for (path, text) in HUGO_LAYOUTS {
        write_file(&dir.join("layouts").join(path), text)?;
    }
    copy_dir(
        &repo.join("themes").join("default").join("static"),
        &dir.join("static"),
    )?;
    let by_slug: HashMap<&str, usize> = corpus
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.slug.as_str(), i))
        .collect();
    let content = dir.join("content");
    let home = home_text(corpus).replace("[[about]]", "[About this corpus](/about/)");
    write_file(
        &content.join("_index.md"),
        &format!(
            "---\ntitle: {}\ndescription: {}\n---\n{}",
            quote(SITE_TITLE),
            quote(SITE_DESCRIPTION),
            hugo_links(&home, corpus, &by_slug)
        ),
    )?;
    write_file(
        &content.join("about.md"),
        &format!("---\ntitle: About this corpus\ndescription: How this site was generated.\nlayout: page\n---\n{ABOUT}"),
    )?;
    for page in ["timeline", "search"] {
        write_file(
            &content.join(format!("{page}.md")),
            &format!(
                "---\ntitle: {}\nlayout: {page}\n_build:\n  list: never\n---\n",
                capitalise(page)
            ),
        )?;
    }
    for (c, (name, _)) in COLLECTIONS.iter().enumerate() {
        write_file(
            &content.join(name).join("_index.md"),
            &format!(
                "---\ntitle: {}\ndescription: Every entry of this section.\n---\nThere are {} entries here.\n",
                capitalise(name),
                corpus.count(c)
            ),
        )?;
    }
    for e in &corpus.entries {
        let path = content
            .join(COLLECTIONS[e.collection].0)
            .join(format!("{}.md", e.slug));
        write_file(&path, &entry_file(e, corpus, Format::Hugo, &by_slug))?;
    }
    Ok(())
}

/// `[[slug|label#frag]]` into `[label](@/collection/slug.md#frag)`: Zola's internal links,
/// which it checks and from which it computes `page.backlinks`.
fn zola_links(text: &str, corpus: &Corpus, by_slug: &HashMap<&str, usize>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find("[[") {
        let Some(len) = rest[start..].find("]]") else {
            break;
        };
        out.push_str(&rest[..start]);
        let inner = &rest[start + 2..start + len];
        let (target, label) = match inner.split_once('|') {
            Some((t, l)) => (t, Some(l)),
            None => (inner, None),
        };
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target, None),
        };
        let slug = path.rsplit('/').next().unwrap_or(path);
        let e = &corpus.entries[by_slug[slug]];
        let text = label.unwrap_or(&e.title);
        let _ = write!(
            out,
            "[{text}](@/{}/{}.md{})",
            COLLECTIONS[e.collection].0,
            e.slug,
            fragment.map(|f| format!("#{f}")).unwrap_or_default()
        );
        rest = &rest[start + len + 2..];
    }
    out.push_str(rest);
    out
}

/// A TOML basic string (JSON's escapes are valid TOML).
fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

/// The entries an entry's reference fields name, as `{title, url}` tables for the page
/// template (Zola has no typed references; looking each up with `get_page` would cost more).
fn zola_refs(e: &Entry, corpus: &Corpus, out: &mut String) {
    fn collect(value: &Field, found: &mut Vec<usize>) {
        match value {
            Field::Ref(t) => found.push(*t),
            Field::Refs(list) => found.extend(list.iter().copied()),
            Field::Records(records) => {
                for record in records {
                    for (_, v) in record {
                        collect(v, found);
                    }
                }
            }
            _ => {}
        }
    }
    let mut found = Vec::new();
    for (_, value) in &e.fields {
        collect(value, &mut found);
    }
    for t in found {
        let r = &corpus.entries[t];
        let _ = writeln!(
            out,
            "[[extra.refs]]\ntitle = {}\nurl = \"/{}/{}/\"",
            toml_str(&r.title),
            COLLECTIONS[r.collection].0,
            r.slug
        );
    }
}

fn zola_entry(e: &Entry, corpus: &Corpus, by_slug: &HashMap<&str, usize>) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str("+++\n");
    let _ = writeln!(out, "title = {}", toml_str(&e.title));
    let _ = writeln!(out, "description = {}", toml_str(&e.summary));
    if let Some(d) = &e.date {
        let full = match d.len() {
            4 => format!("{d}-01-01"),
            7 => format!("{d}-01"),
            _ => d.clone(),
        };
        let _ = writeln!(out, "date = {full}");
    }
    if !e.tags.is_empty() {
        let tags: Vec<String> = e.tags.iter().map(|t| toml_str(t)).collect();
        let _ = writeln!(out, "[taxonomies]\ntags = [{}]", tags.join(", "));
    }
    zola_refs(e, corpus, &mut out);
    out.push_str("+++\n");
    out.push_str(&zola_links(&e.body, corpus, by_slug));
    out
}

const ZOLA_TEMPLATES: [(&str, &str); 7] = [
    (
        "base.html",
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{{ config.title }}{% endblock %}</title>
<meta name="generator" content="Zola">
</head>
<body>
<header><a href="{{ get_url(path='/') }}">{{ config.title }}</a>
<nav>{% for s in ["people", "bodies", "allegations", "events", "sources"] %}<a href="/{{ s }}/">{{ s | capitalize }}</a> {% endfor %}<a href="/tags/">Tags</a></nav></header>
<main>{% block content %}{% endblock %}</main>
<footer><p>{{ config.description }}</p></footer>
</body>
</html>
"#,
    ),
    (
        "index.html",
        r#"{% extends "base.html" %}
{% block content %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}{% endblock %}
"#,
    ),
    (
        "section.html",
        r#"{% extends "base.html" %}
{% block title %}{{ section.title }} · {{ config.title }}{% endblock %}
{% block content %}<h1>{{ section.title }}</h1>
{{ section.content | safe }}
<ul>{% for p in section.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a>{% if p.description %} — {{ p.description }}{% endif %}</li>
{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "page.html",
        r#"{% extends "base.html" %}
{% block title %}{{ page.title }} · {{ config.title }}{% endblock %}
{% block content %}<article><h1>{{ page.title }}</h1>
{% if page.description %}<p class="summary">{{ page.description }}</p>{% endif %}
{% if page.date %}<p><time datetime="{{ page.date }}">{{ page.date | date(format="%-d %B %Y") }}</time></p>{% endif %}
{% if page.taxonomies.tags %}<p>{% for t in page.taxonomies.tags %}<a href="{{ get_taxonomy_url(kind='tags', name=t) }}">{{ t }}</a> {% endfor %}</p>{% endif %}
{{ page.content | safe }}
{% if page.extra.refs %}<h2>References</h2><ul>{% for r in page.extra.refs %}<li><a href="{{ r.url }}">{{ r.title }}</a></li>{% endfor %}</ul>{% endif %}
{% if page.backlinks %}<h2>Linked from</h2><ul>{% for b in page.backlinks %}<li><a href="{{ b.permalink }}">{{ b.title }}</a></li>{% endfor %}</ul>{% endif %}
</article>{% endblock %}
"#,
    ),
    (
        "taxonomy_list.html",
        r#"{% extends "base.html" %}
{% block content %}<h1>Tags</h1><ul>{% for t in terms %}<li><a href="{{ t.permalink }}">{{ t.name }}</a> ({{ t.pages | length }})</li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "taxonomy_single.html",
        r#"{% extends "base.html" %}
{% block content %}<h1>{{ term.name }}</h1><ul>{% for p in term.pages %}<li><a href="{{ p.permalink }}">{{ p.title }}</a></li>{% endfor %}</ul>{% endblock %}
"#,
    ),
    (
        "about.html",
        r#"{% extends "base.html" %}
{% block content %}<article><h1>{{ page.title }}</h1>{{ page.content | safe }}</article>{% endblock %}
"#,
    ),
];

fn write_zola(corpus: &Corpus, dir: &Path) -> io::Result<()> {
    write_file(
        &dir.join("config.toml"),
        &format!(
            "base_url = \"https://example.org\"\ntitle = {}\ndescription = {}\n\
             default_language = \"en\"\ncompile_sass = false\nbuild_search_index = false\n\
             generate_feeds = true\nfeed_limit = 50\n\
             taxonomies = [{{ name = \"tags\" }}]\n\n\
             [link_checker]\ninternal_level = \"warn\"\n",
            toml_str(SITE_TITLE),
            toml_str(SITE_DESCRIPTION)
        ),
    )?;
    for (path, text) in ZOLA_TEMPLATES {
        write_file(&dir.join("templates").join(path), text)?;
    }
    let by_slug: HashMap<&str, usize> = corpus
        .entries
        .iter()
        .enumerate()
        .map(|(i, e)| (e.slug.as_str(), i))
        .collect();
    let content = dir.join("content");
    let home = home_text(corpus).replace("[[about]]", "[About this corpus](@/about.md)");
    write_file(
        &content.join("_index.md"),
        &format!(
            "+++\ntitle = {}\nsort_by = \"date\"\n+++\n{}",
            toml_str(SITE_TITLE),
            zola_links(&home, corpus, &by_slug)
        ),
    )?;
    write_file(
        &content.join("about.md"),
        &format!("+++\ntitle = \"About this corpus\"\ntemplate = \"about.html\"\n+++\n{ABOUT}"),
    )?;
    for (c, (name, _)) in COLLECTIONS.iter().enumerate() {
        write_file(
            &content.join(name).join("_index.md"),
            &format!(
                "+++\ntitle = {}\nsort_by = \"title\"\n+++\nThere are {} entries here.\n",
                toml_str(&capitalise(name)),
                corpus.count(c)
            ),
        )?;
    }
    for e in &corpus.entries {
        let path = content
            .join(COLLECTIONS[e.collection].0)
            .join(format!("{}.md", e.slug));
        write_file(&path, &zola_entry(e, corpus, &by_slug))?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------

const USAGE: &str =
    "usage: gen-corpus N DIR [--seed S] [--format casefile|hugo|zola] [--no-search] [--repo DIR]

Writes a deterministic benchmark site with N entries into DIR (replacing a DIR that an
earlier gen-corpus run made). site.yaml's collections and themes/ are read from --repo
(default: this crate's folder). --no-search writes `search: false` into site.yaml.";

fn run() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let mut positional = Vec::new();
    let mut seed = 1u64;
    let mut format = Format::Casefile;
    let mut search = true;
    let mut repo = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seed" => {
                let v = args.next().ok_or(USAGE)?;
                seed = v.parse().map_err(|_| format!("bad seed `{v}`"))?;
            }
            "--format" => {
                format = match args.next().as_deref() {
                    Some("casefile") => Format::Casefile,
                    Some("hugo") => Format::Hugo,
                    Some("zola") => Format::Zola,
                    _ => return Err(USAGE.into()),
                }
            }
            "--no-search" => search = false,
            "--repo" => repo = PathBuf::from(args.next().ok_or(USAGE)?),
            "-h" | "--help" => {
                println!("{USAGE}");
                return Ok(());
            }
            _ if arg.starts_with('-') => return Err(format!("unknown option `{arg}`\n{USAGE}")),
            _ => positional.push(arg),
        }
    }
    let [n, dir] = positional.as_slice() else {
        return Err(USAGE.into());
    };
    let n: usize = n.parse().map_err(|_| format!("bad N `{n}`"))?;
    if n < 5 {
        return Err("N must be at least 5 (one entry per collection)".into());
    }
    let dir = PathBuf::from(dir);
    if dir.exists() {
        let empty = fs::read_dir(&dir)
            .map_err(|e| e.to_string())?
            .next()
            .is_none();
        if !empty && !dir.join(MARKER).exists() {
            return Err(format!(
                "{} exists and was not made by gen-corpus; refusing to replace it",
                dir.display()
            ));
        }
        fs::remove_dir_all(&dir).map_err(|e| e.to_string())?;
    }
    let repo = repo.as_path();
    let corpus = generate(n, seed);
    let written = match format {
        Format::Casefile => write_casefile(&corpus, &dir, repo, search),
        Format::Hugo => write_hugo(&corpus, &dir, repo),
        Format::Zola => write_zola(&corpus, &dir),
    };
    written.map_err(|e| format!("writing {}: {e}", dir.display()))?;
    write_file(
        &dir.join(MARKER),
        &format!(
            "n={n} seed={seed} format={}\n",
            match format {
                Format::Casefile => "casefile",
                Format::Hugo => "hugo",
                Format::Zola => "zola",
            }
        ),
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gen-corpus: {e}");
            ExitCode::from(2)
        }
    }
}
