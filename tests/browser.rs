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
use std::thread;

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

#[test]
fn site_passes_browser_checks() {
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

    let mut child = Command::new("node")
        .args([
            "--test",
            "--test-reporter=spec",
            "tests/browser/site.test.mjs",
        ])
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
