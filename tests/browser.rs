//! Browser test: builds the site at the repository root with the `casefile`
//! binary and checks it in headless Chromium.
//!
//! It runs `tests/browser/setup.sh` (which installs Chromium, a Java runtime
//! and the pinned npm packages when they are missing), then the Node test
//! suite `tests/browser/site.test.mjs` with `CASEFILE_BIN` pointing at the
//! binary cargo just built. The suite builds the site under the base path
//! `/explainer/`, serves it on 127.0.0.1 and checks every page with axe-core
//! (WCAG 2.2 A/AA, light and dark), the Nu HTML Checker, an internal link and
//! `#fragment` checker, console/network errors, a reader's click path, and
//! takes screenshots into `target/screenshots/`.
//!
//! The suite's output is streamed as it runs. Nothing is skipped: if the
//! tools cannot be installed or the suite cannot run, this test fails.
//! `SITE_ROOT` and `SCREENSHOT_DIR` are passed through to the suite.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

mod common;

/// How many of the suite's last output lines go into the failure message.
const TAIL_LINES: usize = 200;

/// Copies `from` line by line to `to` as it arrives, and returns what it read.
fn pump(from: impl Read, mut to: impl Write) -> Vec<String> {
    let mut reader = BufReader::new(from);
    let mut lines = Vec::new();
    let mut buf = Vec::new();
    loop {
        buf.clear();
        match reader.read_until(b'\n', &mut buf) {
            Ok(0) | Err(_) => break,
            Ok(_) => {
                // Best effort: a closed terminal must not stop the test.
                let _ = to.write_all(&buf).and_then(|()| to.flush());
                lines.push(String::from_utf8_lossy(&buf).trim_end().to_owned());
            }
        }
    }
    lines
}

/// One browser suite at a time: each starts Chromium and a Java HTML checker, and the
/// machine has two cores.
static SUITE: Mutex<()> = Mutex::new(());

/// Runs `tests/browser/site.test.mjs` on the site at `site_root` (the repository's
/// own when `None`), only the tests whose names match `pattern` when given.
fn run_suite(site_root: Option<&Path>, pattern: Option<&str>) {
    let _one_at_a_time = SUITE.lock().unwrap_or_else(|e| e.into_inner());
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));

    let setup = Command::new("bash")
        .arg("tests/browser/setup.sh")
        .current_dir(repo)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("could not run `bash tests/browser/setup.sh`: {e}"));
    assert!(
        setup.status.success(),
        "tests/browser/setup.sh failed ({}); the browser tests cannot run.\n--- stdout ---\n{}\n--- stderr ---\n{}",
        setup.status,
        String::from_utf8_lossy(&setup.stdout),
        String::from_utf8_lossy(&setup.stderr),
    );

    let mut node = Command::new("node");
    node.args(["--test", "--test-reporter=spec"]);
    if let Some(pattern) = pattern {
        node.arg(format!("--test-name-pattern={pattern}"));
    }
    if let Some(root) = site_root {
        node.env("SITE_ROOT", root)
            .env("SCREENSHOT_DIR", repo.join("target/screenshots/media"));
    }
    let mut child = node
        .arg("tests/browser/site.test.mjs")
        .current_dir(repo)
        .env("CASEFILE_BIN", env!("CARGO_BIN_EXE_casefile"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!("could not start `node --test tests/browser/site.test.mjs`: {e}")
        });

    // Written straight to the process's stdout/stderr (not through the test
    // harness's capture) so a long run shows progress as it goes.
    let stdout = child.stdout.take().expect("stdout is piped");
    let stderr = child.stderr.take().expect("stderr is piped");
    let out = thread::spawn(move || pump(stdout, std::io::stdout()));
    let err = thread::spawn(move || pump(stderr, std::io::stderr()));
    let status = child
        .wait()
        .unwrap_or_else(|e| panic!("waiting for the node test suite failed: {e}"));
    let out = out.join().unwrap_or_default();
    let err = err.join().unwrap_or_default();

    if !status.success() {
        let all: Vec<&String> = out.iter().chain(err.iter()).collect();
        let tail = &all[all.len().saturating_sub(TAIL_LINES)..];
        let tail: Vec<&str> = tail.iter().map(|s| s.as_str()).collect();
        panic!(
            "the browser test suite failed ({status}); its output is above, and it ended with:\n{}",
            tail.join("\n")
        );
    }
}

#[test]
fn site_passes_browser_checks() {
    run_suite(None, None);
}

/// What the bundled explainer does not have: a portrait in an infobox and on cards, a
/// figure with a caption and credit in a text, every kind of callout, a pull quote and an
/// embed. The generic checks (axe in both schemes, the Nu HTML Checker, links, no
/// sideways scrolling at 375 px) run over the fixture built from `tests/fixtures/share-cards`.
#[test]
fn pictures_callouts_and_components_pass_the_page_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("site");
    common::copy_dir(&common::fixture("share-cards"), &root);
    std::fs::write(
        root.join("content/people/ada-lovelace.jpg"),
        common::jpeg(1600, 1200),
    )
    .unwrap();
    std::fs::create_dir_all(root.join("static/photos")).unwrap();
    std::fs::write(root.join("static/photos/desk.jpg"), common::jpeg(1200, 800)).unwrap();
    let yaml = std::fs::read_to_string(root.join("site.yaml")).unwrap();
    std::fs::write(
        root.join("site.yaml"),
        yaml.replace(
            "search: false\n",
            "search: false\nembeds: { hosts: [datawrapper.dwcdn.net], own_origin: [www.youtube-nocookie.com] }\n",
        ),
    )
    .unwrap();
    std::fs::write(
        root.join("content/events/short.md"),
        "---
title: Short
date: 2023-01-05
people: [ada-lovelace]
---
A short meeting, with [[ada-lovelace]].

![The desk where the meeting was held](/photos/desk.jpg \"The desk, in 2023. Credit: Card Desk\")

> [!NOTE]
> A note.

> [!TIP]
> A tip.

> [!IMPORTANT]
> Something important.

> [!WARNING]
> The date is *disputed*.

> [!CAUTION]
> Read with care.

```pullquote
text: \"I never said that, and I won't.\"
by: ada-lovelace
source: about
```

```embed
url: https://www.youtube-nocookie.com/embed/abc
title: The statement, in full
```

```embed
url: https://datawrapper.dwcdn.net/abc12/1/
title: Votes by party, a chart
```
",
    )
    .unwrap();
    run_suite(
        Some(&root),
        Some("axe-core|Nu HTML Checker|internal link|375 px"),
    );
}
