//! CommonMark's own spec examples through the whole pipeline, and the URL-scheme policy
//! through the binary, in temporary folders that hold no copy of the repository.
//!
//! Every example of the spec (tests/commonmark/spec-examples.json) is the body of one
//! page of a site; `casefile check` must pass, except for links to `.md` files that do
//! not exist (the spec links to `foo.md`-like paths only in a few examples, and a link
//! to a content file that is not there is an error by design) and for images, which
//! casefile holds to a newsroom's photo rules by design: a file that exists, in a
//! paragraph of its own, so that it has its caption and credit.

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

fn casefile(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("casefile runs")
}

fn write(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

const SITE: &str =
    "title: Spec\ndescription: CommonMark examples.\nbase_url: https://example.org/\n";

#[derive(serde::Deserialize)]
struct Example {
    example: usize,
    markdown: String,
}

#[test]
fn every_commonmark_spec_example_passes_through_the_pipeline() {
    let examples: Vec<Example> = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/commonmark/spec-examples.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(examples.len(), 652);
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "site.yaml", SITE);
    write(
        root,
        "content/_index.md",
        "---\ntitle: Examples\n---\nThe spec's examples.\n",
    );
    for e in &examples {
        write(
            root,
            &format!("content/example-{}.md", e.example),
            &format!(
                "---\ntitle: Example {}\nsummary: CommonMark spec example.\n---\n{}",
                e.example, e.markdown
            ),
        );
    }
    let o = casefile(root, &["check"]);
    let err = String::from_utf8_lossy(&o.stderr);
    let errors: Vec<&str> = err.lines().filter(|l| l.contains(": error: ")).collect();
    // casefile reads `[[slug]]` as a link to an entry (its one extension of the
    // syntax), and a link to no entry is an error by design: these three examples
    // write `[[...]]` as plain brackets around a reference.
    let wiki_brackets = [
        "content/example-548.md:",
        "content/example-559.md:",
        "content/example-590.md:",
    ];
    let unexpected: Vec<&&str> = errors
        .iter()
        .filter(|l| !(l.contains("link to `") && l.contains(".md`: no content file")))
        .filter(|l| {
            !(wiki_brackets.iter().any(|w| l.starts_with(w))
                && l.contains("no entry or page has the slug"))
        })
        .filter(|l| {
            let image_rule = l.contains(": error: an image must stand in a paragraph of its own")
                || (l.contains(": error: image `") && l.ends_with("` not found"));
            !image_rule
        })
        .collect();
    assert!(
        unexpected.is_empty(),
        "{} unexpected errors:\n{}",
        unexpected.len(),
        err
    );
    let image_rules = errors.iter().filter(|l| l.contains("image")).count();
    assert_eq!(errors.len() - image_rules, 5, "{err}");
    assert!(
        err.contains("content/example-484.md:5:1: error: link to `./target.md`"),
        "{err}"
    );
}

#[test]
fn links_refuse_only_schemes_that_run_code_or_read_local_data() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(
        root,
        "site.yaml",
        &format!("{SITE}collections:\n  places:\n    title: Places\n    fields:\n      phone: {{ type: url }}\n"),
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\n---\nCall [us](tel:+15550100), text [us](sms:+15550100), chat on <irc://irc.example.org/news>, \
         meet at [the square](geo:37.78,-122.39) and see [a relative](foo\\):).\n",
    );
    write(
        root,
        "content/places/desk.md",
        "---\ntitle: Desk\nsummary: The desk.\nphone: tel:+15550100\n---\n",
    );
    let o = casefile(root, &["build", "--quiet"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let home = fs::read_to_string(root.join("public/index.html")).unwrap();
    for href in [
        "href=\"tel:+15550100\"",
        "href=\"sms:+15550100\"",
        "href=\"irc://irc.example.org/news\"",
        "href=\"geo:37.78,-122.39\"",
        "href=\"foo):\"",
    ] {
        assert!(home.contains(href), "{href} in {home}");
    }
    let desk = fs::read_to_string(root.join("public/places/desk/index.html")).unwrap();
    assert!(desk.contains("tel:+15550100"), "{desk}");

    // Code and local data are refused in links, images and url fields alike.
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nsummary: About.\n---\n[a](javascript:alert(1)) [b](vbscript:x) [c](file:///etc/passwd) [d](data:text/html,x) ![e](data:text/html,x)\n",
    );
    let o = casefile(root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    for (at, what) in [
        ("content/about.md:5:1:", "link `javascript:alert(1)`"),
        ("content/about.md:5:26:", "link `vbscript:x`"),
        ("content/about.md:5:42:", "link `file:///etc/passwd`"),
        ("content/about.md:5:66:", "link `data:text/html,x`"),
        ("content/about.md:5:88:", "image source `data:text/html,x`"),
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(at) && l.contains(what)),
            "{at} {what}\n{err}"
        );
    }
    assert!(err.contains("runs code or reads local data"), "{err}");
    write(
        root,
        "content/places/bad.md",
        "---\ntitle: Bad\nsummary: Bad.\nphone: javascript:alert(1)\n---\n",
    );
    let o = casefile(root, &["build"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/places/bad.md:4:8: error: `phone`: `javascript:alert(1)` is not an absolute URL with an allowed scheme"),
        "{err}"
    );

    // site.yaml narrows the list (tel: refused) and widens it (data: links allowed).
    fs::remove_file(root.join("content/places/bad.md")).unwrap();
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nsummary: About.\n---\n[d](data:text/plain,hi)\n",
    );
    let yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    fs::write(
        root.join("site.yaml"),
        format!("{yaml}links: {{ allow_schemes: [data], refuse_schemes: [tel] }}\n"),
    )
    .unwrap();
    let o = casefile(root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("content/places/desk.md:4:8: error: `phone`"),
        "{err}"
    );
    write(
        root,
        "content/places/desk.md",
        "---\ntitle: Desk\nsummary: The desk.\n---\n",
    );
    let o = casefile(root, &["build"]);
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains(
            "content/_index.md:4:6: error: link `tel:+15550100` uses a scheme that is not allowed"
        ),
        "{err}"
    );
    assert!(err.contains("site.yaml refuses `tel:`"), "{err}");
    assert!(!err.contains("about.md"), "{err}");

    // A scheme name must be one.
    fs::write(
        root.join("site.yaml"),
        format!("{yaml}links: {{ refuse_schemes: [\"1x\"] }}\n"),
    )
    .unwrap();
    let o = casefile(root, &["build"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("`1x` is not a URL scheme"));
}
