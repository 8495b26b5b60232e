//! The search index as a built site ships it: terms stemmed for the site's language and
//! accent-folded, the titles of linked entries indexed with the page, title words marked,
//! and the query stemmer written beside the index. The stemmer the browser runs
//! (`search/stem-<language>.js`) is checked against rust-stemmers, which made the index,
//! word for word, in Node (installed with the browser tests' tools).

mod common;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{copy_dir, tree, Site};
use rust_stemmers::{Algorithm, Stemmer};
use serde_json::Value;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The French fixture with the default theme, built.
fn french_site() -> (Site, BTreeMap<String, Vec<u8>>) {
    let site = Site::copy("search-fr");
    copy_dir(
        &repo().join("themes/default"),
        &site.root.join("themes/default"),
    );
    let out = site.out("public");
    site.build(&out).expect("the French fixture builds");
    let files = tree(&out);
    (site, files)
}

/// The bundled site, built.
fn bundled_site() -> (tempfile::TempDir, BTreeMap<String, Vec<u8>>) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    casefile::build(&common::config_for(repo(), &out, false)).expect("the bundled site builds");
    let files = tree(&out);
    (dir, files)
}

fn json(files: &BTreeMap<String, Vec<u8>>, path: &str) -> Value {
    let bytes = files
        .get(path)
        .unwrap_or_else(|| panic!("{path} is not in the output"));
    serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// One document's use of a term, decoded from the shard format
/// (`[[doc gaps], "weight digits", [doc, title words, ...]]`).
#[derive(Debug)]
struct Posting {
    doc: u64,
    /// The weight's digit on the index's log scale (1 to 9).
    weight: u32,
    /// The title's length in words when the term is in the document's title.
    title_words: Option<u64>,
}

/// The postings of `term`, read from the shard the client would load for it: the one
/// named by the term's longest prefix that names a shard.
fn postings(files: &BTreeMap<String, Vec<u8>>, term: &str) -> Vec<Posting> {
    let manifest = json(files, "search/manifest.json");
    let shards: Vec<&str> = manifest["shards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let key = |chars: usize| -> String {
        let prefix: String = term.chars().take(chars).collect();
        prefix.bytes().map(|b| format!("{b:02x}")).collect()
    };
    let shard = (2..=term.chars().count().max(2))
        .rev()
        .map(key)
        .find(|k| shards.contains(&k.as_str()))
        .unwrap_or_else(|| panic!("no shard for {term}"));
    let words = json(files, &format!("search/index/{shard}.json"));
    let entry = words[term]
        .as_array()
        .unwrap_or_else(|| panic!("`{term}` is not in shard {shard}"));
    let numbers = |v: &Value| -> Vec<u64> {
        v.as_array()
            .map(|a| a.iter().map(|n| n.as_u64().unwrap()).collect())
            .unwrap_or_default()
    };
    let titles: BTreeMap<u64, u64> = numbers(entry.get(2).unwrap_or(&Value::Null))
        .chunks(2)
        .map(|pair| (pair[0], pair[1]))
        .collect();
    let digits: Vec<u32> = entry[1]
        .as_str()
        .unwrap()
        .chars()
        .map(|c| c.to_digit(10).unwrap())
        .collect();
    let mut doc = 0;
    numbers(&entry[0])
        .into_iter()
        .zip(digits)
        .map(|(gap, weight)| {
            doc += gap;
            Posting {
                doc,
                weight,
                title_words: titles.get(&doc).copied(),
            }
        })
        .collect()
}

/// Record number of the page at `url` (site-absolute), across the record chunks.
fn doc_number(files: &BTreeMap<String, Vec<u8>>, url: &str) -> u64 {
    let manifest = json(files, "search/manifest.json");
    let chunk = manifest["chunk"].as_u64().unwrap();
    for n in 0.. {
        let path = format!("search/docs/{n}.json");
        if !files.contains_key(&path) {
            break;
        }
        let records = json(files, &path);
        if let Some(i) = records.as_array().unwrap().iter().position(|r| r[1] == url) {
            return n * chunk + i as u64;
        }
    }
    panic!("{url} has no search record")
}

fn docs_of(postings: &[Posting]) -> Vec<u64> {
    postings.iter().map(|p| p.doc).collect()
}

#[test]
fn a_french_site_is_stemmed_in_french_and_folded() {
    let (_site, files) = french_site();
    let manifest = json(&files, "search/manifest.json");
    assert_eq!(manifest["stemmer"], "stem-fr.js");
    assert!(files.contains_key("search/stem-fr.js"));
    assert!(!files.contains_key("search/stem-en.js"));
    let stop: Vec<&str> = manifest["stop_words"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(stop.contains(&"les") && !stop.contains(&"the"), "{stop:?}");

    let election = doc_number(&files, "/fr/evenements/election-federale/");
    let helene = doc_number(&files, "/fr/personnes/helene-cote/");
    // Élection and élections: one folded French stem.
    let elect = postings(&files, "elect");
    assert_eq!(docs_of(&elect), [helene, election]);
    // A title word carries the title's length in words (Élection fédérale 2019).
    let in_title = elect.iter().find(|p| p.doc == election).unwrap();
    assert_eq!(
        in_title.title_words,
        Some(3),
        "a title word is marked: {elect:?}"
    );
    // Accents and ligatures folded: Côté, œuvres.
    assert!(docs_of(&postings(&files, "cot")).contains(&helene));
    let enquete = doc_number(&files, "/fr/evenements/enquete-publique/");
    assert!(docs_of(&postings(&files, "oeuvr")).contains(&enquete));
    // A ref field's target title is indexed with the page that links it.
    assert!(docs_of(&postings(&files, "helen")).contains(&election));
    // French stop words are not indexed: no shard has "les", "des" or their stems.
    for shard in manifest["shards"].as_array().unwrap() {
        let words = json(
            &files,
            &format!("search/index/{}.json", shard.as_str().unwrap()),
        );
        for stop_word in ["le", "les", "de", "des", "et", "la"] {
            assert!(words.get(stop_word).is_none(), "{stop_word} is indexed");
        }
    }
}

#[test]
fn the_bundled_site_indexes_linked_titles_and_forms_of_words() {
    let (_dir, files) = bundled_site();
    let manifest = json(&files, "search/manifest.json");
    assert_eq!(manifest["stemmer"], "stem-en.js");
    assert_eq!(manifest["version"], 2);
    // released, release, releasing: one term.
    let releas = postings(&files, "releas");
    let released = doc_number(&files, "/han-dong/events/two-michaels-released/");
    let in_title = releas.iter().find(|p| p.doc == released).unwrap();
    assert_eq!(in_title.title_words, Some(5), "{in_title:?}");
    // Title words weigh more than words of the body.
    assert!(releas.iter().all(|p| p.weight <= in_title.weight));
    assert!(releas.len() >= 10, "{releas:?}");
    // "Canada arrests Meng Wanzhou" shows Han Dong only as the title of its source
    // ("Han Dong Resigns From Liberal Caucus ..."), a ref field.
    let arrest = doc_number(&files, "/han-dong/events/meng-wanzhou-arrested/");
    let dong = postings(&files, "dong");
    let posting = dong
        .iter()
        .find(|p| p.doc == arrest)
        .expect("linked titles are indexed");
    assert_eq!(posting.title_words, None, "not a title word: {posting:?}");
}

/// Stems `words` with the stemmer module at `module` in Node, one word a line.
fn node_stems(module: &Path, words: &[String]) -> Vec<String> {
    let script = format!(
        "import S from {module:?};\nimport fs from 'node:fs';\nconst s = new S();\nconst words = fs.readFileSync(0, 'utf8').split('\\n');\nwords.pop();\nprocess.stdout.write(words.map((w) => s.stem(w)).join('\\n') + '\\n');\n",
        module = module.display().to_string()
    );
    let mut child = Command::new("node")
        .args(["--input-type=module", "-e", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node runs (bash tests/browser/setup.sh installs it)");
    let mut input = child.stdin.take().unwrap();
    let text: String = words.iter().map(|w| format!("{w}\n")).collect();
    let writer = std::thread::spawn(move || input.write_all(text.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success(), "node failed");
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect()
}

/// Every word of the bundled content and the French fixture, each also with common
/// English and French endings added, so that most rules of both stemmers are exercised.
fn vocabulary() -> Vec<String> {
    let mut words = std::collections::BTreeSet::new();
    for root in [repo().join("content"), common::fixture("search-fr")] {
        for (_, bytes) in tree(&root) {
            let text = String::from_utf8_lossy(&bytes).to_lowercase();
            for w in text.split(|c: char| !c.is_alphabetic()) {
                if w.chars().count() >= 2 {
                    words.insert(w.to_string());
                }
            }
        }
    }
    const ENDINGS: [&str; 24] = [
        "s", "ed", "ing", "ly", "ness", "ational", "ization", "fulness", "iveness", "ement",
        "ements", "ité", "ités", "ées", "euse", "eux", "ations", "issement", "ance", "ique",
        "ismes", "atrice", "erions", "iraient",
    ];
    let base: Vec<String> = words.iter().cloned().collect();
    for w in &base {
        for e in ENDINGS {
            words.insert(format!("{w}{e}"));
        }
    }
    words.into_iter().collect()
}

#[test]
fn the_browser_stemmers_stem_as_rust_stemmers_do() {
    let (_site, french) = french_site();
    let tmp = tempfile::tempdir().unwrap();
    let words = vocabulary();
    assert!(words.len() > 15_000, "{} words", words.len());
    let english_js = {
        let (_dir, files) = bundled_site();
        files["search/stem-en.js"].clone()
    };
    for (name, js, algorithm) in [
        ("stem-en.mjs", english_js, Algorithm::English),
        (
            "stem-fr.mjs",
            french["search/stem-fr.js"].clone(),
            Algorithm::French,
        ),
    ] {
        let module = tmp.path().join(name);
        std::fs::write(&module, js).unwrap();
        let stems = node_stems(&module, &words);
        assert_eq!(stems.len(), words.len(), "{name}: one stem a word");
        let stemmer = Stemmer::create(algorithm);
        let differ: Vec<String> = words
            .iter()
            .zip(&stems)
            .filter(|(w, s)| stemmer.stem(w) != s.as_str())
            .map(|(w, s)| format!("{w}: rust {} js {s}", stemmer.stem(w)))
            .collect();
        assert!(
            differ.is_empty(),
            "{name}: {} of {} words stem differently, e.g. {:?}",
            differ.len(),
            words.len(),
            &differ[..differ.len().min(10)]
        );
    }
}
