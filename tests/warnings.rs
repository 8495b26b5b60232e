//! Warnings, through the binary, in temporary folders that hold no copy of the
//! repository: a page's description falls back to its text's first sentences, a page
//! with none is a warning (`path:line:col: warning:`), a file in content/ that casefile
//! does not read is a warning, warnings are counted in the summary and do not fail
//! `build` or `check`, and `--deny warnings` makes them fail with the last good build
//! left in place.

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

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// A valid site with no site description and no summaries (as the issue found it).
fn site(root: &Path) {
    write(
        root,
        "site.yaml",
        "title: Desk\nbase_url: https://example.org/\ncollections:\n  people:\n    title: People\n    fields:\n      role: { type: string }\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\n---\nWho is who at the desk: [[ada]] and [[bob]].\n",
    );
    write(
        root,
        "content/people/ada.md",
        "---\ntitle: Ada\n---\nAda edits the night desk. She joined in 2019 from a regional paper, where she ran the courts beat for six years and wrote the paper's style guide. She also [[bob|trains]] new staff.\n",
    );
    write(
        root,
        "content/people/bob.md",
        "---\ntitle: Bob\nrole: Reporter\n---\n",
    );
}

fn description(page: &str) -> &str {
    let at = page.find("<meta name=\"description\" content=\"").unwrap() + 34;
    &page[at..at + page[at..].find('"').unwrap()]
}

#[test]
fn a_description_falls_back_to_the_first_sentences_of_the_text() {
    let tmp = tempfile::tempdir().unwrap();
    site(tmp.path());
    let o = casefile(tmp.path(), &["build", "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ada = fs::read_to_string(tmp.path().join("public/people/ada/index.html")).unwrap();
    // Two whole sentences fit in 160 characters; the third does not.
    assert_eq!(
        description(&ada),
        "Ada edits the night desk. She joined in 2019 from a regional paper, where she ran the courts beat for six years and wrote the paper’s style guide."
    );
    let home = fs::read_to_string(tmp.path().join("public/index.html")).unwrap();
    assert_eq!(description(&home), "Who is who at the desk: Ada and Bob.");
}

#[test]
fn a_page_without_a_description_is_a_warning_that_deny_makes_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root);
    write(root, "content/people/notes.txt", "call Bob back\n");

    let check = casefile(root, &["check"]);
    let err = stderr(&check);
    assert_eq!(check.status.code(), Some(0), "{err}");
    // Bob's page has neither summary nor text; the generated pages (the index, the
    // timeline...) have no site description to take.
    assert!(
        err.contains("content/people/bob.md:1:1: warning: page has no <meta name=\"description\"> with content"),
        "{err}"
    );
    assert!(
        err.contains("site.yaml:1:1: warning: ")
            && err.contains("pages with no content file have no <meta name=\"description\">"),
        "{err}"
    );
    assert!(
        err.contains("content/people/notes.txt: warning: casefile does not read this file"),
        "{err}"
    );
    assert!(!err.contains("ada.md"), "{err}");
    assert!(!err.contains("error"), "{err}");
    assert!(
        stdout(&check).contains("(3 warnings)"),
        "{}",
        stdout(&check)
    );

    // A build warns about what it sees without rendering checks: the unread file.
    let build = casefile(root, &["build"]);
    assert!(build.status.success(), "{}", stderr(&build));
    assert!(stderr(&build).contains("content/people/notes.txt: warning:"));
    assert!(stdout(&build).contains("(1 warning)"), "{}", stdout(&build));
    let good = fs::read(root.join("public/people/ada/index.html")).unwrap();

    let denied = casefile(root, &["check", "--deny", "warnings"]);
    let err = stderr(&denied);
    assert_eq!(denied.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/people/bob.md:1:1: error: page has no <meta name=\"description\"> with content (a warning, denied by `--deny warnings`)"),
        "{err}"
    );
    assert!(err.contains("error: 3 problems found"), "{err}");

    // A denied build fails and leaves the last good build as it was.
    write(
        root,
        "content/people/ada.md",
        "---\ntitle: Ada\nsummary: Changed.\n---\n",
    );
    let denied = casefile(root, &["build", "--deny", "warnings"]);
    assert_eq!(denied.status.code(), Some(1), "{}", stderr(&denied));
    assert!(stderr(&denied)
        .contains("content/people/notes.txt: error: casefile does not read this file"));
    assert_eq!(
        fs::read(root.join("public/people/ada/index.html")).unwrap(),
        good
    );

    // With the fixes, nothing is left to warn about.
    fs::remove_file(root.join("content/people/notes.txt")).unwrap();
    write(
        root,
        "content/people/bob.md",
        "---\ntitle: Bob\nsummary: Reporter on the desk.\n---\n",
    );
    let mut yaml = fs::read_to_string(root.join("site.yaml")).unwrap();
    yaml.insert_str(0, "description: The desk.\n");
    fs::write(root.join("site.yaml"), yaml).unwrap();
    let clean = casefile(root, &["check", "--deny", "warnings"]);
    assert!(clean.status.success(), "{}", stderr(&clean));
    assert_eq!(stderr(&clean), "");
    assert!(!stdout(&clean).contains("warning"));
}
