//! Golden tests: whole built sites and whole diagnostics, compared byte for byte with
//! expected files committed under `tests/golden/`, so a change to the pipeline shows
//! every byte of output it changes.
//!
//! - `tests/golden/<site>/` holds every file that
//!   `casefile build --base-url https://example.org/golden/` writes for the fixture sites
//!   `valid`, `docs-site` and `serve-site` (in `tests/fixtures/`) and for the bundled
//!   explainer at the repository root (`bundled`, search index shards included);
//! - `tests/golden/diagnostics/<case>.stderr` holds the exit code (first line,
//!   `exit: N`) and then everything `casefile build --color never` prints on stderr for an
//!   invalid site: `tests/fixtures/bad_config` and the sites in
//!   `tests/fixtures/golden-invalid/<case>/`.
//!
//! Each site is copied into a temporary folder and built there through the binary, with
//! the temporary folder as the working directory and relative `--root` and `--output`, so
//! nothing is written into the repository and no machine-specific path reaches the
//! output or the diagnostics (any that still does is replaced by `<tmp>`).
//!
//! A missing, extra or different file fails with the lists of paths and a diff of the
//! first differing lines. When the change is intended, re-bless:
//!
//! ```sh
//! CASEFILE_BLESS=1 cargo test --test golden
//! ```
//!
//! rewrites the expected files and removes stale ones instead of comparing; review the
//! result with `git diff --stat tests/golden` and commit it with the change.
//!
//! This file must not judge what the output should be: other tests do. It only pins the
//! output down, so that nothing changes unseen.

mod common;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{tree, Site};

/// How to re-bless, printed with every failure.
const BLESS: &str = "CASEFILE_BLESS=1 cargo test --test golden";

/// The base URL of every golden build: one with a path, so links show the prefix.
const BASE_URL: &str = "https://example.org/golden/";

/// The sites built, by golden folder name (`bundled` is the repository's own site).
const SITES: [&str; 4] = ["valid", "docs-site", "serve-site", "bundled"];

/// An invalid site and the command line it is built with (`--color never` is added).
struct Invalid {
    /// The expected file is `tests/golden/diagnostics/<name>.stderr`.
    name: &'static str,
    /// Below `tests/fixtures/`; copied to `<tmp>/site`.
    fixture: &'static str,
    /// Run in `<tmp>`.
    args: &'static [&'static str],
}

const BUILD: &[&str] = &["build", "--root", "site", "--output", "public"];

const INVALID: [Invalid; 7] = [
    Invalid {
        name: "bad-config",
        fixture: "bad_config",
        args: BUILD,
    },
    Invalid {
        name: "unknown-ref",
        fixture: "golden-invalid/unknown-ref",
        args: BUILD,
    },
    Invalid {
        name: "unknown-key",
        fixture: "golden-invalid/unknown-key",
        args: BUILD,
    },
    Invalid {
        name: "yaml-syntax",
        fixture: "golden-invalid/yaml-syntax",
        args: BUILD,
    },
    Invalid {
        name: "template-error",
        fixture: "golden-invalid/template-error",
        args: BUILD,
    },
    Invalid {
        name: "several-files",
        fixture: "golden-invalid/several-files",
        args: BUILD,
    },
    Invalid {
        name: "output-is-a-file",
        fixture: "golden-invalid/output-is-a-file",
        // The default output, `site/public`, is a file in this fixture.
        args: &["build", "--root", "site"],
    },
];

// ---------------------------------------------------------------------------------------
// Built sites

#[test]
fn golden_site_valid() {
    golden_site("valid");
}

#[test]
fn golden_site_docs_site() {
    golden_site("docs-site");
}

#[test]
fn golden_site_serve_site() {
    golden_site("serve-site");
}

#[test]
fn golden_site_bundled() {
    golden_site("bundled");
}

/// Builds the site `name` (one of [`SITES`]) through the binary and compares every output
/// file with `tests/golden/<name>/`.
fn golden_site(name: &str) {
    assert!(SITES.contains(&name), "add `{name}` to SITES");
    let site = if name == "bundled" {
        Site::bundled()
    } else {
        Site::copy(name)
    };
    let output = casefile(
        site.tmp.path(),
        &[
            "build",
            "--root",
            "site",
            "--output",
            "public",
            "--base-url",
            BASE_URL,
            "--quiet",
            "--color",
            "never",
        ],
    );
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "building `{name}` failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let built = tree(&site.out("public"));
    let expected_dir = golden_dir().join(name);
    if blessing() {
        if expected_dir.exists() {
            fs::remove_dir_all(&expected_dir).unwrap();
        }
        for (path, bytes) in &built {
            let file = expected_dir.join(path);
            fs::create_dir_all(file.parent().unwrap()).unwrap();
            fs::write(file, bytes).unwrap();
        }
        return;
    }
    let expected = if expected_dir.is_dir() {
        tree(&expected_dir)
    } else {
        BTreeMap::new()
    };
    if let Some(report) = compare_trees(&expected, &built) {
        panic!(
            "the build of `{name}` differs from tests/golden/{name}/\n{report}\n{}",
            bless_hint()
        );
    }
}

// ---------------------------------------------------------------------------------------
// Diagnostics

#[test]
fn golden_diagnostics_bad_config() {
    golden_diagnostics("bad-config");
}

#[test]
fn golden_diagnostics_unknown_ref() {
    golden_diagnostics("unknown-ref");
}

#[test]
fn golden_diagnostics_unknown_key() {
    golden_diagnostics("unknown-key");
}

#[test]
fn golden_diagnostics_yaml_syntax() {
    golden_diagnostics("yaml-syntax");
}

#[test]
fn golden_diagnostics_template_error() {
    golden_diagnostics("template-error");
}

#[test]
fn golden_diagnostics_several_files() {
    golden_diagnostics("several-files");
}

#[test]
fn golden_diagnostics_output_is_a_file() {
    golden_diagnostics("output-is-a-file");
}

/// Runs the case `name` of [`INVALID`] and compares its exit code and stderr with
/// `tests/golden/diagnostics/<name>.stderr`.
fn golden_diagnostics(name: &str) {
    let case = INVALID
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("add `{name}` to INVALID"));
    let site = Site::copy(case.fixture);
    let mut args = case.args.to_vec();
    args.extend(["--color", "never"]);
    let output = casefile(site.tmp.path(), &args);
    let stderr = String::from_utf8(output.stderr).expect("stderr is UTF-8");
    let code = output
        .status
        .code()
        .map_or_else(|| output.status.to_string(), |c| c.to_string());
    let actual = format!("exit: {code}\n{}", without_tmp(&stderr, site.tmp.path()));
    let file = golden_dir()
        .join("diagnostics")
        .join(format!("{name}.stderr"));
    if blessing() {
        fs::create_dir_all(file.parent().unwrap()).unwrap();
        fs::write(&file, &actual).unwrap();
        return;
    }
    let expected = fs::read_to_string(&file).unwrap_or_default();
    if expected != actual {
        let rel = format!("tests/golden/diagnostics/{name}.stderr");
        panic!(
            "`casefile {}` on tests/fixtures/{} printed something else than {rel}\n{}\n{}",
            args.join(" "),
            case.fixture,
            text_diff(&rel, &expected, &actual),
            bless_hint()
        );
    }
}

/// Replaces the temporary folder (as given and as resolved) by `<tmp>`.
fn without_tmp(text: &str, tmp: &Path) -> String {
    let mut text = text.to_string();
    let canonical = tmp.canonicalize().unwrap();
    for prefix in [canonical.as_path(), tmp] {
        text = text.replace(&prefix.display().to_string(), "<tmp>");
    }
    text
}

// ---------------------------------------------------------------------------------------
// Stale expected files

/// Every file under `tests/golden/` belongs to a case; blessing removes the others.
#[test]
fn golden_files_all_belong_to_a_case() {
    let dir = golden_dir();
    let mut stale = Vec::new();
    for name in common::names_in(&dir) {
        // `.gitattributes` keeps git from converting line endings in expected files.
        if name != "diagnostics" && name != ".gitattributes" && !SITES.contains(&name.as_str()) {
            stale.push(dir.join(name));
        }
    }
    let diagnostics = dir.join("diagnostics");
    if diagnostics.is_dir() {
        for name in common::names_in(&diagnostics) {
            let known = INVALID.iter().any(|c| name == format!("{}.stderr", c.name));
            if !known {
                stale.push(diagnostics.join(name));
            }
        }
    }
    if blessing() {
        for path in &stale {
            if path.is_dir() {
                fs::remove_dir_all(path).unwrap();
            } else {
                fs::remove_file(path).unwrap();
            }
        }
        return;
    }
    assert!(
        stale.is_empty(),
        "stale expected files, of no case in tests/golden.rs:\n{}\n{}",
        stale
            .iter()
            .map(|p| format!("  {}", p.display()))
            .collect::<Vec<_>>()
            .join("\n"),
        bless_hint()
    );
}

// ---------------------------------------------------------------------------------------
// Helpers

fn golden_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("golden")
}

/// Whether `CASEFILE_BLESS` asks to rewrite the expected files (set, and not `0`).
fn blessing() -> bool {
    std::env::var_os("CASEFILE_BLESS").is_some_and(|v| !v.is_empty() && v != "0")
}

fn bless_hint() -> String {
    format!(
        "If the change is intended, re-bless with `{BLESS}` and review `git diff tests/golden`."
    )
}

/// Runs the binary in `cwd` (stdout and stderr are pipes, so no progress bar is drawn).
fn casefile(cwd: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run casefile")
}

/// How many differing files get a diff; the others are only listed.
const DIFFS_SHOWN: usize = 3;
/// How many paths of each list are printed.
const PATHS_SHOWN: usize = 40;

/// `None` when both trees hold the same paths with the same bytes, else a report of
/// the missing, extra and different paths with diffs of the first few.
fn compare_trees(
    expected: &BTreeMap<String, Vec<u8>>,
    actual: &BTreeMap<String, Vec<u8>>,
) -> Option<String> {
    let missing: Vec<&String> = expected
        .keys()
        .filter(|p| !actual.contains_key(*p))
        .collect();
    let extra: Vec<&String> = actual
        .keys()
        .filter(|p| !expected.contains_key(*p))
        .collect();
    let different: Vec<&String> = expected
        .iter()
        .filter(|(p, bytes)| actual.get(*p).is_some_and(|b| b != *bytes))
        .map(|(p, _)| p)
        .collect();
    if missing.is_empty() && extra.is_empty() && different.is_empty() {
        return None;
    }
    let mut report = format!(
        "{} different, {} missing, {} extra (of {} expected files)\n",
        different.len(),
        missing.len(),
        extra.len(),
        expected.len()
    );
    for (title, paths) in [
        ("missing (expected, not built)", &missing),
        ("extra (built, not expected)", &extra),
        ("different", &different),
    ] {
        if paths.is_empty() {
            continue;
        }
        writeln!(report, "{title}:").unwrap();
        for path in paths.iter().take(PATHS_SHOWN) {
            writeln!(report, "  {path}").unwrap();
        }
        if paths.len() > PATHS_SHOWN {
            writeln!(report, "  ... and {} more", paths.len() - PATHS_SHOWN).unwrap();
        }
    }
    for path in different.iter().take(DIFFS_SHOWN) {
        report.push_str(&bytes_diff(path, &expected[*path], &actual[*path]));
    }
    Some(report)
}

/// A diff of two versions of a file: [`text_diff`] for UTF-8, else the first differing
/// byte.
fn bytes_diff(path: &str, expected: &[u8], actual: &[u8]) -> String {
    match (std::str::from_utf8(expected), std::str::from_utf8(actual)) {
        (Ok(e), Ok(a)) => text_diff(path, e, a),
        _ => {
            let at = expected
                .iter()
                .zip(actual)
                .take_while(|(a, b)| a == b)
                .count();
            format!(
                "binary file {path}: {} bytes expected, {} built, first difference at byte {at}\n",
                expected.len(),
                actual.len()
            )
        }
    }
}

/// Lines of context around the changed lines.
const CONTEXT: usize = 3;
/// Removed and added lines shown, each.
const LINES_SHOWN: usize = 15;
/// Characters shown of a long line (minified JSON is one line).
const WIDTH: usize = 160;
/// How far (in lines of both texts together) the end of the first hunk is looked for.
const RESYNC_WINDOW: usize = 400;

/// A unified diff of the first hunk: from the first differing line to the nearest point
/// where [`CONTEXT`] lines agree again, with context; long lines are cut around the
/// first difference. Later hunks are only counted: a golden failure needs where the
/// output starts to differ, and the whole diff is one `git diff` away after blessing.
fn text_diff(path: &str, expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.split_inclusive('\n').collect();
    let new: Vec<&str> = actual.split_inclusive('\n').collect();
    let prefix = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let (old_end, new_end) = resync(&old, &new, prefix);
    let removed = &old[prefix..old_end];
    let added = &new[prefix..new_end];
    // The column where the first changed lines part, so long lines show that part.
    let column = match (removed.first(), added.first()) {
        (Some(a), Some(b)) => a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count(),
        _ => 0,
    };
    let start = prefix.saturating_sub(CONTEXT);
    let after = CONTEXT.min(old.len() - old_end).min(new.len() - new_end);
    let mut out = format!(
        "--- {path} (expected)\n+++ {path} (built)\n@@ -{},{} +{},{} @@\n",
        start + 1,
        old_end + after - start,
        start + 1,
        new_end + after - start
    );
    for line in &old[start..prefix] {
        push_line(&mut out, ' ', line, 0);
    }
    for (sign, lines) in [('-', removed), ('+', added)] {
        for line in lines.iter().take(LINES_SHOWN) {
            push_line(&mut out, sign, line, column);
        }
        if lines.len() > LINES_SHOWN {
            writeln!(out, "{sign} ... {} more lines", lines.len() - LINES_SHOWN).unwrap();
        }
    }
    for line in &old[old_end..old_end + after] {
        push_line(&mut out, ' ', line, 0);
    }
    if old[old_end..] != new[new_end..] {
        writeln!(
            out,
            "... and more differences after line {}",
            old_end + after
        )
        .unwrap();
    }
    out
}

/// The first line of each text after the hunk that starts at `from`: the nearest pair
/// (fewest lines skipped in both together) where the texts agree for [`CONTEXT`] lines
/// or to the end of both. Without one within [`RESYNC_WINDOW`], the hunk runs to the
/// ends.
fn resync(old: &[&str], new: &[&str], from: usize) -> (usize, usize) {
    let agree = |i: usize, j: usize| {
        let n = CONTEXT.min(old.len() - i).min(new.len() - j);
        old[i..i + n] == new[j..j + n]
            && (n == CONTEXT || (i + n == old.len() && j + n == new.len()))
    };
    for skipped in 1..=RESYNC_WINDOW {
        for i in 0..=skipped {
            let (a, b) = (from + i, from + skipped - i);
            if a <= old.len() && b <= new.len() && agree(a, b) {
                return (a, b);
            }
        }
    }
    (old.len(), new.len())
}

/// Writes one diff line, cut to [`WIDTH`] characters from a little before `column`.
fn push_line(out: &mut String, sign: char, line: &str, column: usize) {
    let (text, newline) = match line.strip_suffix('\n') {
        Some(text) => (text, true),
        None => (line, false),
    };
    let length = text.chars().count();
    let from = if length > WIDTH {
        column.saturating_sub(WIDTH / 4).min(length - WIDTH)
    } else {
        0
    };
    let shown: String = text.chars().skip(from).take(WIDTH).collect();
    let before = if from > 0 { "…" } else { "" };
    let after = if from + WIDTH < length { "…" } else { "" };
    writeln!(out, "{sign}{before}{shown}{after}").unwrap();
    if !newline {
        out.push_str("\\ No newline at end of file\n");
    }
}

#[test]
fn a_difference_shows_the_paths_and_the_first_differing_lines() {
    let files = |entries: &[(&str, &str)]| -> BTreeMap<String, Vec<u8>> {
        entries
            .iter()
            .map(|(p, t)| (p.to_string(), t.as_bytes().to_vec()))
            .collect()
    };
    let expected = files(&[
        ("a.html", "1\n2\n3\n4\n5\nold\n7\n8\n9\n10\n"),
        ("gone.txt", "x"),
        ("same.txt", "s"),
    ]);
    let actual = files(&[
        ("a.html", "1\n2\n3\n4\n5\nnew\nadded\n7\n8\n9\n10\n"),
        ("new.txt", "y"),
        ("same.txt", "s"),
    ]);
    assert_eq!(compare_trees(&expected, &expected), None);
    let report = compare_trees(&expected, &actual).unwrap();
    assert_eq!(
        report,
        "1 different, 1 missing, 1 extra (of 3 expected files)
missing (expected, not built):
  gone.txt
extra (built, not expected):
  new.txt
different:
  a.html
--- a.html (expected)
+++ a.html (built)
@@ -3,7 +3,8 @@
 3
 4
 5
-old
+new
+added
 7
 8
 9
"
    );
}

#[test]
fn only_the_first_hunk_is_shown() {
    let expected = "a\nb\nc\nd\ne\nf\ng\nh\ni\nj\n";
    let actual = "a\nB\nc\nd\ne\nf\ng\nh\nI\nj\n";
    assert_eq!(
        text_diff("t", expected, actual),
        "--- t (expected)
+++ t (built)
@@ -1,5 +1,5 @@
 a
-b
+B
 c
 d
 e
... and more differences after line 5
"
    );
}

#[test]
fn a_long_line_is_shown_around_its_first_difference() {
    let expected = format!("{}a{}\n", "x".repeat(500), "y".repeat(500));
    let actual = format!("{}b{}", "x".repeat(500), "y".repeat(500));
    let diff = text_diff("one.json", &expected, &actual);
    let window = format!("…{}", "x".repeat(WIDTH / 4));
    assert!(diff.contains(&format!("-{window}a")), "{diff}");
    assert!(diff.contains(&format!("+{window}b")), "{diff}");
    assert!(
        diff.ends_with("…\n\\ No newline at end of file\n"),
        "{diff}"
    );
}
