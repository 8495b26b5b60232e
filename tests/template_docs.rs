//! Keeps `docs/templates.md` true.
//!
//! Every template example in the reference is rendered against the fixture site
//! `tests/fixtures/docs-site/` through the library (`load_config` then `build`), and
//! the output is compared with the output the reference shows. The conventions, which
//! `docs/templates.md` also explains to its readers:
//!
//! - A fenced block whose info string is `tera example` is a file to write into a
//!   fresh copy of the fixture site. Its first line is a Tera comment naming the file
//!   and, for the block that completes an example, what it produces:
//!   `{# templates/people/entry.html → people/mina-okafor/index.html #}` writes the
//!   block (header line included, so line numbers in error messages match what the
//!   reader sees) to `templates/people/entry.html`, builds, and checks the output file
//!   `people/mina-okafor/index.html`. `→ error` means the build must fail.
//!   `{# templates/partials/card.html #}` (no arrow) is a supporting file for the next
//!   completing block; `{# delete themes/min/templates/timeline.html #}` (header only)
//!   removes a file from the copy first. `->` is accepted for `→`. A block saved over a
//!   file the fixture already has (to show "the theme's `base.html`") must be that file.
//! - The next fenced block whose info string ends in `expected` (`html expected`,
//!   `text expected`) is the whole expected output file, or for `→ error` the whole
//!   error report. Both sides are compared with runs of whitespace collapsed to one
//!   space and whitespace between a `>` and a `<` removed.
//! - Every block tagged `tera`, `jinja` or `html+tera` must be an example: the reference
//!   may not show template code that is not run.
//! - The block tagged `yaml fixture` must be the fixture's `site.yaml`, byte for byte
//!   (surrounding blank lines aside).
//!
//! A further test walks the context of every kind of page and fails when a key the
//! engine hands to templates is not named in backticks somewhere in the reference's
//! prose or tables.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Component, Path, PathBuf};

const DOC: &str = "docs/templates.md";
const FIXTURE: &str = "tests/fixtures/docs-site";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read_doc() -> String {
    let path = repo().join(DOC);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// A fenced code block of the Markdown document.
#[derive(Debug, Clone)]
struct Block {
    /// 1-based line of the opening fence.
    line: usize,
    /// The info string, trimmed.
    info: String,
    /// The contents, each line ending in `\n`.
    text: String,
}

/// The fenced blocks of a CommonMark document (backtick and tilde fences).
fn fenced_blocks(doc: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut open: Option<(char, usize, usize, String, String)> = None;
    for (i, line) in doc.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match &mut open {
            None => {
                if indent > 3 {
                    continue;
                }
                for fence in ['`', '~'] {
                    let n = trimmed.chars().take_while(|&c| c == fence).count();
                    if n >= 3 {
                        let info = trimmed[n..].trim().to_string();
                        open = Some((fence, n, i + 1, info, String::new()));
                        break;
                    }
                }
            }
            Some((fence, n, start, info, text)) => {
                let closing = trimmed.chars().take_while(|c| c == fence).count();
                if indent <= 3 && closing >= *n && trimmed[closing..].trim().is_empty() {
                    blocks.push(Block {
                        line: *start,
                        info: std::mem::take(info),
                        text: std::mem::take(text),
                    });
                    open = None;
                } else {
                    text.push_str(line);
                    text.push('\n');
                }
            }
        }
    }
    if let Some((_, _, start, info, text)) = open {
        blocks.push(Block {
            line: start,
            info,
            text,
        });
    }
    blocks
}

/// What a completing example block produces.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// The build succeeds and writes this output file (relative to the output folder).
    Output(String),
    /// The build fails.
    Error,
}

/// One step of preparing the site copy.
#[derive(Debug, Clone)]
enum Action {
    Write { path: String, text: String },
    Delete { path: String },
}

/// A runnable example: steps, then what to check.
#[derive(Debug, Clone)]
struct Example {
    /// Line of the completing block in the reference.
    line: usize,
    actions: Vec<Action>,
    target: Target,
    expected: String,
}

/// A site-relative path that stays inside the site and is not the fixture's config.
fn checked_path(path: &str) -> Result<String, String> {
    let p = Path::new(path);
    let plain = !path.is_empty()
        && p.components().all(|c| matches!(c, Component::Normal(_)))
        && !path.contains('\\');
    let allowed = ["templates/", "themes/", "content/", "static/"]
        .iter()
        .any(|prefix| path.starts_with(prefix));
    if plain && allowed {
        Ok(path.to_string())
    } else {
        Err(format!(
            "`{path}` must be a plain relative path under templates/, themes/, content/ or static/"
        ))
    }
}

/// Parses `{# [delete ]<path> [→ <output>|error] #}`.
fn header(block: &Block) -> Result<(Action, Option<Target>), String> {
    let first = block.text.lines().next().unwrap_or("").trim();
    let inner = first
        .strip_prefix("{#")
        .and_then(|s| s.strip_suffix("#}"))
        .map(str::trim)
        .ok_or_else(|| {
            format!(
                "the first line of a `tera example` block must be a comment such as \
                 `{{# templates/entry.html → people/mina-okafor/index.html #}}`, found `{first}`"
            )
        })?;
    let (left, right) = match inner.split_once('→').or_else(|| inner.split_once("->")) {
        Some((l, r)) => (l.trim(), Some(r.trim())),
        None => (inner, None),
    };
    let action = match left.strip_prefix("delete ") {
        Some(path) => {
            let rest: Vec<&str> = block
                .text
                .lines()
                .skip(1)
                .filter(|l| !l.trim().is_empty())
                .collect();
            if !rest.is_empty() {
                return Err("a `delete` block must contain nothing but its header".into());
            }
            Action::Delete {
                path: checked_path(path.trim())?,
            }
        }
        None => Action::Write {
            path: checked_path(left)?,
            text: block.text.clone(),
        },
    };
    let target = match right {
        None => None,
        Some("error") => Some(Target::Error),
        Some(out) => {
            let ok = !out.is_empty()
                && Path::new(out)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_)));
            if !ok {
                return Err(format!("`{out}` is not a plain relative output path"));
            }
            Some(Target::Output(out.to_string()))
        }
    };
    Ok((action, target))
}

fn is_template_language(info: &str) -> bool {
    let lang = info
        .split_whitespace()
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    matches!(
        lang.as_str(),
        "tera" | "jinja" | "jinja2" | "j2" | "html+tera" | "html+jinja" | "django"
    )
}

/// Every example of the reference, or every problem with how they are written.
fn parse_examples(doc: &str) -> Result<Vec<Example>, Vec<String>> {
    let mut problems = Vec::new();
    let mut examples = Vec::new();
    let mut pending: Vec<Action> = Vec::new();
    let mut completed: Option<(usize, Target)> = None;
    let mut pending_line = 0;
    for block in fenced_blocks(doc) {
        let info = block.info.as_str();
        if info == "tera example" {
            if let Some((line, _)) = completed {
                problems.push(format!(
                    "{DOC}:{}: example completed at line {line} has no `expected` block before this one",
                    block.line
                ));
                completed = None;
                pending.clear();
            }
            if pending.is_empty() {
                pending_line = block.line;
            }
            match header(&block) {
                Ok((action, target)) => {
                    pending.push(action);
                    if let Some(target) = target {
                        completed = Some((block.line, target));
                    }
                }
                Err(e) => problems.push(format!("{DOC}:{}: {e}", block.line)),
            }
        } else if info.split_whitespace().last() == Some("expected") {
            match completed.take() {
                Some((line, target)) => examples.push(Example {
                    line,
                    actions: std::mem::take(&mut pending),
                    target,
                    expected: block.text.clone(),
                }),
                None => problems.push(format!(
                    "{DOC}:{}: `expected` block without a completed example before it \
                     (the last `tera example` block needs `→ <output>` or `→ error`)",
                    block.line
                )),
            }
            pending.clear();
        } else if is_template_language(info) {
            problems.push(format!(
                "{DOC}:{}: template code block `{info}` is not a `tera example`; every template \
                 shown in the reference must run",
                block.line
            ));
        } else if !pending.is_empty() {
            problems.push(format!(
                "{DOC}:{}: example started at line {pending_line} is interrupted by a `{info}` block",
                block.line
            ));
            pending.clear();
            completed = None;
        }
    }
    if !pending.is_empty() {
        problems.push(format!(
            "{DOC}:{pending_line}: example has no `expected` block"
        ));
    }
    if problems.is_empty() {
        Ok(examples)
    } else {
        Err(problems)
    }
}

/// Collapses whitespace and drops it between tags, so expected output may be indented.
fn normalise(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    collapsed.replace("> <", "><")
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap_or_else(|e| panic!("cannot create {}: {e}", to.display()));
    for item in fs::read_dir(from).unwrap_or_else(|e| panic!("cannot read {}: {e}", from.display()))
    {
        let item = item.expect("directory entry");
        let kind = item.file_type().expect("file type");
        let dest = to.join(item.file_name());
        if kind.is_dir() {
            copy_dir(&item.path(), &dest);
        } else if kind.is_file() {
            fs::copy(item.path(), &dest).unwrap_or_else(|e| {
                panic!(
                    "cannot copy {} to {}: {e}",
                    item.path().display(),
                    dest.display()
                )
            });
        }
    }
}

/// A fresh copy of the fixture site and an output folder beside it.
struct Scratch {
    _dir: tempfile::TempDir,
    site: PathBuf,
    output: PathBuf,
}

fn scratch() -> Scratch {
    let dir = tempfile::tempdir().expect("temporary folder");
    let site = dir.path().join("site");
    let output = dir.path().join("public");
    copy_dir(&repo().join(FIXTURE), &site);
    Scratch {
        _dir: dir,
        site,
        output,
    }
}

/// Builds the site; the error report (as the command line prints it) on failure.
fn build(s: &Scratch) -> Result<(), String> {
    let options = casefile::BuildOptions {
        root: s.site.clone(),
        output: Some(s.output.clone()),
        base_url: None,
        drafts: false,
    };
    let config = casefile::load_config(&options).map_err(|d| d.to_string())?;
    casefile::build(&config)
        .map(|_| ())
        .map_err(|d| d.to_string())
}

fn run(example: &Example) -> Result<(), String> {
    let s = scratch();
    for action in &example.actions {
        match action {
            Action::Write { path, text } => {
                let dest = s.site.join(path);
                if let Some(parent) = dest.parent() {
                    fs::create_dir_all(parent)
                        .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
                }
                fs::write(&dest, text).map_err(|e| format!("cannot write {path}: {e}"))?;
            }
            Action::Delete { path } => {
                fs::remove_file(s.site.join(path))
                    .map_err(|e| format!("cannot delete {path} from the fixture: {e}"))?;
            }
        }
    }
    let expected = normalise(&example.expected);
    for action in &example.actions {
        // A block saved over a file the fixture already has (the reference showing "the
        // theme's base.html") must be that file, header line aside.
        if let Action::Write { path, text } = action {
            let original = repo().join(FIXTURE).join(path);
            if let Ok(original) = fs::read_to_string(&original) {
                let shown: String = text.lines().skip(1).map(|l| format!("{l}\n")).collect();
                if shown.trim() != original.trim() {
                    return Err(format!(
                        "the block saved as `{path}` is not the fixture's `{path}`; show the file \
                         as it is, or override it under `templates/` instead"
                    ));
                }
            }
        }
    }
    let result = build(&s);
    let actual = match (&example.target, result) {
        (Target::Output(out), Ok(())) => {
            let path = s.output.join(out);
            let bytes =
                fs::read(&path).map_err(|e| format!("the build did not write `{out}`: {e}"))?;
            normalise(&String::from_utf8_lossy(&bytes))
        }
        (Target::Output(_), Err(report)) => {
            return Err(format!("the build failed:\n{report}"));
        }
        (Target::Error, Ok(())) => {
            return Err("the build succeeded, but the example expects an error".into())
        }
        (Target::Error, Err(report)) => normalise(&report),
    };
    if actual == expected {
        Ok(())
    } else {
        Err(format!(
            "output differs (whitespace collapsed)\n--- expected\n{expected}\n--- actual\n{actual}"
        ))
    }
}

#[test]
fn every_template_example_renders_as_documented() {
    let doc = read_doc();
    let examples = match parse_examples(&doc) {
        Ok(examples) => examples,
        Err(problems) => panic!("badly written examples:\n{}", problems.join("\n")),
    };
    assert!(
        !examples.is_empty(),
        "{DOC} has no examples (fenced `tera example` blocks followed by an `expected` block)"
    );
    // Each example builds its own copy of the site; run them on a few threads.
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results: Vec<std::sync::Mutex<Option<Result<(), String>>>> = examples
        .iter()
        .map(|_| std::sync::Mutex::new(None))
        .collect();
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(8));
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(example) = examples.get(i) else {
                    break;
                };
                *results[i].lock().expect("result slot") = Some(run(example));
            });
        }
    });
    let failures: Vec<String> = examples
        .iter()
        .zip(results)
        .filter_map(|(ex, result)| {
            let result = result.into_inner().expect("result slot");
            match result.expect("every example ran") {
                Ok(()) => None,
                Err(e) => Some(format!("{DOC}:{}: {e}", ex.line)),
            }
        })
        .collect();
    eprintln!(
        "{} of {} examples in {DOC} render as documented",
        examples.len() - failures.len(),
        examples.len()
    );
    assert!(
        failures.is_empty(),
        "{} of {} examples in {DOC} do not render as documented:\n\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n\n")
    );
}

#[test]
fn the_reference_shows_the_fixture_site_yaml() {
    let doc = read_doc();
    let shown: Vec<Block> = fenced_blocks(&doc)
        .into_iter()
        .filter(|b| b.info == "yaml fixture")
        .collect();
    assert_eq!(
        shown.len(),
        1,
        "{DOC} must show the fixture's site.yaml once, in a `yaml fixture` block"
    );
    let actual =
        fs::read_to_string(repo().join(FIXTURE).join("site.yaml")).expect("fixture site.yaml");
    assert_eq!(
        shown[0].text.trim(),
        actual.trim(),
        "{DOC}:{}: the `yaml fixture` block differs from {FIXTURE}/site.yaml",
        shown[0].line
    );
}

#[test]
fn fixture_site_builds_with_its_own_theme() {
    let s = scratch();
    if let Err(report) = build(&s) {
        panic!("the fixture site does not build:\n{report}");
    }
    for page in [
        "index.html",
        "people/index.html",
        "people/mina-okafor/index.html",
        "organisations/index.html",
        "organisations/harbour-works/index.html",
        "about/index.html",
        "timeline/index.html",
    ] {
        assert!(
            s.output.join(page).is_file(),
            "the fixture build has no `{page}`"
        );
    }
    // `casefile check` (links, fragments, assets, titles, descriptions) passes too, as
    // the reference says of the `min` theme.
    let options = casefile::BuildOptions {
        root: s.site.clone(),
        output: None,
        base_url: None,
        drafts: false,
    };
    let config = casefile::load_config(&options).expect("fixture config");
    if let Err(report) = casefile::check(&config) {
        panic!("`casefile check` fails on the fixture site:\n{report}");
    }
    // The theme's style.css is published fingerprinted, as style.<hash>.css.
    let styles: Vec<String> = fs::read_dir(&s.output)
        .expect("output folder")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("style.") && n.ends_with(".css"))
        .collect();
    assert_eq!(
        styles.len(),
        1,
        "no single style.<hash>.css in the output: {styles:?}"
    );
    // The minimal theme has none of the optional templates: those pages are skipped.
    for page in [
        "tags/index.html",
        "tags/bridges/index.html",
        "404.html",
        "map/index.html",
        "search/index.html",
    ] {
        assert!(
            !s.output.join(page).exists(),
            "`{page}` was written without a template"
        );
    }
}

#[test]
fn static_files_win_over_generated_files() {
    // The reference: "A static file of the same name is published instead of the
    // generated one, so a site can ship its own `robots.txt`."
    let s = scratch();
    let mine = "User-agent: *\nDisallow: /drafts/\n";
    fs::create_dir_all(s.site.join("static")).expect("static folder");
    fs::write(s.site.join("static/robots.txt"), mine).expect("write robots.txt");
    if let Err(report) = build(&s) {
        panic!("the fixture site does not build:\n{report}");
    }
    let published = fs::read_to_string(s.output.join("robots.txt")).expect("robots.txt");
    assert_eq!(
        published, mine,
        "the generated robots.txt replaced the site's own"
    );
}

/// A component printing every key name of a value, descending into everything but the
/// maps of user-named keys (`fields` of pages and cards, `site.extra`).
const KEY_COMPONENT: &str = r#"{% component keys_of(v) %}{% if v is map %}{% for k, x in v %}{{ k }}
{% if not ((k == "fields" or k == "extra") and x is map) %}{{ <keys_of v={x} /> }}{% endif %}{% endfor %}{% elif v is array %}{% for x in v %}{{ <keys_of v={x} /> }}{% endfor %}{% endif %}{% endcomponent keys_of %}
"#;

/// A page template printing the key names of its whole context.
const KEY_DUMP: &str = "{{ <keys_of v={__tera_context} /> }}\n";

/// Identifiers inside inline code spans of the prose and tables (not fenced blocks).
fn documented_names(doc: &str) -> BTreeSet<String> {
    let mut prose = String::new();
    let mut in_fence = false;
    for line in doc.lines() {
        let t = line.trim_start();
        if t.starts_with("```") || t.starts_with("~~~") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            prose.push_str(line);
            prose.push('\n');
        }
    }
    let mut names = BTreeSet::new();
    for (i, span) in prose.split('`').enumerate() {
        if i % 2 == 1 {
            for word in span.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
                if !word.is_empty() {
                    names.insert(word.to_string());
                }
            }
        }
    }
    names
}

#[test]
fn every_context_key_is_documented() {
    let s = scratch();
    let templates = s.site.join("templates");
    fs::create_dir_all(&templates).expect("templates folder");
    let pages = [
        ("index.html", "index.html"),
        ("collection.html", "people/index.html"),
        ("collection.html", "organisations/index.html"),
        ("entry.html", "people/mina-okafor/index.html"),
        ("entry.html", "organisations/harbour-works/index.html"),
        ("page.html", "about/index.html"),
        ("timeline.html", "timeline/index.html"),
        ("tags.html", "tags/index.html"),
        ("tag.html", "tags/bridges/index.html"),
        ("map.html", "map/index.html"),
        ("search.html", "search/index.html"),
        ("404.html", "404.html"),
    ];
    fs::write(templates.join("__keys.html"), KEY_COMPONENT).expect("write component");
    for (template, _) in pages {
        fs::write(templates.join(template), KEY_DUMP).expect("write template");
    }
    if let Err(report) = build(&s) {
        panic!("the key dump does not build:\n{report}");
    }
    let mut keys = BTreeSet::new();
    for (_, output) in pages {
        let text = fs::read_to_string(s.output.join(output)).expect("dumped page");
        keys.extend(text.split_whitespace().map(String::from));
    }
    assert!(
        keys.contains("page") && keys.contains("site"),
        "the key dump found no keys"
    );
    let documented = documented_names(&read_doc());
    let missing: Vec<&String> = keys.iter().filter(|k| !documented.contains(*k)).collect();
    assert!(
        missing.is_empty(),
        "templates receive keys that {DOC} never names in backticks: {missing:?}"
    );
}

#[test]
fn example_parser_catches_mistakes() {
    let doc = "```tera example\n{# templates/x.html → x/index.html #}\nhi\n```\n\n```html expected\nhi\n```\n";
    let examples = parse_examples(doc).expect("valid example");
    assert_eq!(examples.len(), 1);
    assert_eq!(examples[0].target, Target::Output("x/index.html".into()));

    let no_expected = "```tera example\n{# templates/x.html → x/index.html #}\nhi\n```\n";
    assert!(parse_examples(no_expected).is_err());
    let unchecked = "```tera\n{{ page.title }}\n```\n";
    assert!(parse_examples(unchecked).is_err());
    let escaping = "```tera example\n{# ../site.yaml → index.html #}\n```\n```html expected\n```\n";
    assert!(parse_examples(escaping).is_err());
    let no_header = "```tera example\n{{ page.title }}\n```\n```html expected\n```\n";
    assert!(parse_examples(no_header).is_err());
    assert_eq!(
        normalise("<ul>\n  <li>a  b</li>\n</ul>\n"),
        "<ul><li>a b</li></ul>"
    );
}
