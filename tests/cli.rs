//! The `casefile` binary: exit codes, what it prints, and what it writes.

mod common;

use std::ffi::OsStr;
use std::path::Path;
use std::process::{Command, Output};

use common::{files, tree, Site};

fn casefile<I, S>(args: I) -> Output
where
    I: IntoIterator<Item = S>,
    S: AsRef<OsStr>,
{
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(args)
        .output()
        .expect("run casefile")
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

#[track_caller]
fn assert_exit(o: &Output, code: i32) {
    assert_eq!(
        o.status.code(),
        Some(code),
        "stdout:\n{}\nstderr:\n{}",
        stdout(o),
        stderr(o)
    );
}

/// `1.0 KB` as the summary prints sizes.
fn kb(dir: &Path) -> String {
    let bytes: u64 = tree(dir).values().map(|b| b.len() as u64).sum();
    format!("{:.1} KB", bytes as f64 / 1024.0)
}

/// Splits `<head> in 0.12 s\n` into the head, checking the timing's shape.
#[track_caller]
fn without_timing(line: &str) -> &str {
    let line = line
        .strip_suffix(" s\n")
        .unwrap_or_else(|| panic!("{line:?}"));
    let (head, secs) = line.rsplit_once(" in ").unwrap();
    let (whole, frac) = secs.split_once('.').unwrap();
    assert!(
        whole.chars().all(|c| c.is_ascii_digit())
            && frac.len() == 2
            && frac.chars().all(|c| c.is_ascii_digit()),
        "{line:?}"
    );
    head
}

#[test]
fn build_prints_a_summary_and_exits_0() {
    let site = Site::copy("valid");
    let out = site.out("public");
    let o = casefile([
        "build".as_ref(),
        "--root".as_ref(),
        site.root.as_os_str(),
        "--output".as_ref(),
        out.as_os_str(),
    ]);
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    let text = stdout(&o);
    assert_eq!(text.lines().count(), 1, "{text}");
    assert_eq!(
        without_timing(&text),
        format!(
            "built 18 pages from 7 entries (people: 2, bodies: 2, allegations: 3) and 1 standalone page, 30 files, {} into {}",
            kb(&out),
            out.display()
        )
    );
    assert_eq!(files(&out).len(), 30);
}

#[test]
fn quiet_build_prints_nothing() {
    for flag in ["--quiet", "-q"] {
        let site = Site::copy("valid");
        let out = site.out("public");
        let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .arg("build")
            .arg(flag)
            .arg("--root")
            .arg(&site.root)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap();
        assert_exit(&o, 0);
        assert_eq!(stdout(&o), "", "{flag}");
        assert_eq!(stderr(&o), "", "{flag}");
        assert_eq!(files(&out).len(), 30);
    }
}

#[test]
fn build_defaults_to_the_current_folder_and_public() {
    let site = Site::copy("valid");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--quiet"])
        .current_dir(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(files(&site.root.join("public")).len(), 30);
}

#[test]
fn build_with_base_url_and_drafts() {
    let site = Site::copy("valid");
    let out = site.out("public");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .args([
            "--base-url",
            "https://preview.example.net/pr-7/",
            "--drafts",
        ])
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(
        stdout(&o).starts_with(
            "built 20 pages from 8 entries (people: 3, bodies: 2, allegations: 3) and 1 standalone page, 33 files, "
        ),
        "{}",
        stdout(&o)
    );
    let jane = common::page(&out, "people/jane-doe/index.html");
    assert!(
        jane.contains("/pr-7/people/jane-doe/ https://preview.example.net/pr-7/people/jane-doe/")
    );
}

#[test]
fn content_errors_exit_1_with_located_messages() {
    let site = Site::copy("valid");
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: han-dng",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nSee [[han-dongg]].\n",
    );
    let out = site.out("public");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_exit(&o, 1);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        concat!(
            "content/about.md:4:5: error: no entry or page has the slug `han-dongg`\n",
            "  |\n",
            "4 | See [[han-dongg]].\n",
            "  |     ^^^^^^^^^^^^^\n",
            "  = help: did you mean `[[han-dong]]`?\n",
            "content/bodies/house-committee.md:5:8: error: `people/han-dng` does not exist\n",
            "  |\n",
            "5 | chair: han-dng\n",
            "  |        ^^^^^^^\n",
            "  = help: did you mean `han-dong`?\n",
            "error: 2 problems found\n",
        )
    );
    assert!(!out.exists());
}

#[test]
fn every_error_line_has_the_path_line_col_shape() {
    let site = Site::copy("valid");
    site.replace(
        "content/bodies/house-committee.md",
        "kind: committee",
        "kind: comittee",
    );
    site.replace(
        "content/allegations/advice.md",
        "date: 2023-02",
        "date: 2023-2",
    );
    site.replace(
        "content/people/han-tao.md",
        "role: Consul general",
        "rol: x",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 1);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.last(), Some(&"error: 4 problems found"), "{err}");
    for line in &lines[..lines.len() - 1] {
        if let Some(hint) = line.strip_prefix("  = help: ") {
            assert!(!hint.is_empty());
            continue;
        }
        // The source line and caret under each diagnostic: `  |`, `12 | text`, `   |   ^^^`.
        if line.trim_start().starts_with('|')
            || line
                .split_once(" | ")
                .is_some_and(|(n, _)| n.trim().parse::<usize>().is_ok())
        {
            continue;
        }
        let (place, message) = line.split_once(": error: ").expect(line);
        assert!(!message.is_empty());
        let mut parts = place.rsplitn(3, ':');
        let col: usize = parts.next().unwrap().parse().expect(line);
        let row: usize = parts.next().unwrap().parse().expect(line);
        let path = parts.next().unwrap();
        assert!(col >= 1 && row >= 1, "{line}");
        assert!(
            path.starts_with("content/") && path.ends_with(".md"),
            "{line}"
        );
        assert!(site.root.join(path).is_file(), "{line}");
    }
}

#[test]
fn a_diagnostic_without_a_line_says_what_it_is_about() {
    // Every first line is `path:line:col: error:`, or `path: error:` followed by a note
    // that says why there is no line (a whole file, the output folder, a rendered page).
    let site = Site::copy("valid");
    site.write("content/people/notes.markdown", "---\ntitle: Notes\n---\n");
    site.replace(
        "content/people/han-tao.md",
        "role: Consul general",
        "rol: x",
    );
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 1);
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some((place, _)) = line.split_once(": error: ") else {
            continue;
        };
        let located = place
            .rsplitn(3, ':')
            .take(2)
            .all(|n| n.parse::<usize>().is_ok());
        if located {
            continue;
        }
        let note = lines[i + 1..]
            .iter()
            .take_while(|l| l.starts_with("  "))
            .any(|l| l.starts_with("  = note: about the file as a whole"));
        assert!(note, "no note after `{line}`:\n{err}");
    }
    assert!(
        err.contains("content/people/notes.markdown: error:"),
        "{err}"
    );
    assert!(err.contains("content/people/han-tao.md:"), "{err}");
}

#[test]
fn a_failed_build_keeps_the_previous_output() {
    let site = Site::copy("valid");
    let out = site.out("public");
    let build = || {
        Command::new(env!("CARGO_BIN_EXE_casefile"))
            .arg("build")
            .arg("--quiet")
            .arg("--root")
            .arg(&site.root)
            .arg("--output")
            .arg(&out)
            .output()
            .unwrap()
    };
    assert_exit(&build(), 0);
    let before = tree(&out);
    site.write("themes/min/templates/page.html", "{% if %}\n");
    site.remove("templates/page.html");
    let o = build();
    assert_exit(&o, 1);
    assert!(
        stderr(&o).starts_with("themes/min/templates/page.html:1:"),
        "{}",
        stderr(&o)
    );
    assert!(tree(&out) == before);
}

#[test]
fn config_errors_exit_2() {
    let root = common::fixture("bad_config");
    for command in ["build", "check"] {
        let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .arg(command)
            .arg("--root")
            .arg(&root)
            .output()
            .unwrap();
        assert_exit(&o, 2);
        assert_eq!(stdout(&o), "");
        assert_eq!(
            stderr(&o),
            concat!(
                "site.yaml:3:1: error: unknown key `langauge`\n",
                "  |\n",
                "3 | langauge: en\n",
                "  | ^^^^^^^^\n",
                "  = help: did you mean `language`?\n",
                "site.yaml:9:21: error: unknown field type `strng`\n",
                "  |\n",
                "9 |       role: { type: strng, required: true }\n",
                "  |                     ^^^^^\n",
                "  = help: did you mean `string`?\n",
                "site.yaml:10:39: error: field `affiliations` refers to collection `bodys`, which is not declared\n",
                "   |\n",
                "10 |       affiliations: { type: refs, to: bodys }\n",
                "   |                                       ^^^^^\n",
                "  = help: did you mean `bodies`?\n",
                "error: 3 problems found\n",
            ),
            "{command}"
        );
        assert!(!root.join("public").exists());
    }
}

#[test]
fn bad_base_url_option_exits_2() {
    let site = Site::copy("valid");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("build")
        .arg("--root")
        .arg(&site.root)
        .args(["--base-url", "example.org"])
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_eq!(
        stderr(&o),
        "--base-url: error: `base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `example.org`\nerror: 1 problem found\n"
    );
}

#[test]
fn missing_site_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--root")
        .arg(tmp.path())
        .output()
        .unwrap();
    assert_exit(&o, 2);
    assert_eq!(
        stderr(&o),
        "site.yaml: error: cannot read `site.yaml`: No such file or directory (os error 2)\nerror: 1 problem found\n"
    );
}

#[test]
fn usage_errors_exit_2() {
    for args in [
        &["build", "--nope"][..],
        &["check", "--output", "x"][..],
        &["publish"][..],
        &[] as &[&str],
    ] {
        let o = casefile(args);
        assert_exit(&o, 2);
        assert_eq!(stdout(&o), "", "{args:?}");
        assert!(!stderr(&o).is_empty(), "{args:?}");
    }
    let o = casefile(["build", "--nope"]);
    assert!(
        stderr(&o).contains("unexpected argument '--nope'"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn help_and_version_exit_0() {
    let o = casefile(["--version"]);
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        concat!("casefile ", env!("CARGO_PKG_VERSION"), "\n")
    );
    let o = casefile(["build", "--help"]);
    assert_exit(&o, 0);
    for flag in ["--root", "--output", "--base-url", "--drafts", "--quiet"] {
        assert!(stdout(&o).contains(flag), "{flag} missing from help");
    }
}

#[test]
fn check_prints_a_summary_and_writes_nothing() {
    let site = Site::copy("valid");
    let before = tree(&site.root);
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert_eq!(stderr(&o), "");
    assert!(tree(&site.root) == before, "check must not touch the site");
    // The same site built gives the sizes check reports (the build keeps its cache in
    // the site folder).
    let reference = site.out("reference");
    let config = site.config(&reference, false);
    casefile::build(&config).unwrap();
    let (_, links) = casefile::check(&config).unwrap();
    let text = stdout(&o);
    let (first, rest) = text.split_once('\n').unwrap();
    assert_eq!(
        without_timing(&format!("{first}\n")),
        format!(
            "checked 18 pages from 7 entries (people: 2, bodies: 2, allegations: 3) and 1 standalone page, 30 files, {}",
            kb(&reference)
        )
    );
    assert_eq!(
        rest,
        format!(
            "checked {} internal links and assets on 18 pages: all resolve\n",
            links.links
        )
    );
    assert!(!site.root.join("public").exists(), "check must not write");
    assert_eq!(common::names_in(site.tmp.path()), ["reference", "site"]);
}

#[test]
fn check_with_drafts_counts_them() {
    let site = Site::copy("valid");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--drafts")
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 0);
    assert!(
        stdout(&o)
            .starts_with("checked 20 pages from 8 entries (people: 3, bodies: 2, allegations: 3)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn check_reports_errors_with_exit_1_and_writes_nothing() {
    let site = Site::copy("valid");
    site.replace("content/people/han-tao.md", "role: Consul general\n", "");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("check")
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap();
    assert_exit(&o, 1);
    assert_eq!(stdout(&o), "");
    assert_eq!(
        stderr(&o),
        "content/people/han-tao.md:2:1: error: missing required field `role`\n  |\n2 | title: Han Tao\n  | ^^^^^\nerror: 1 problem found\n"
    );
    assert!(!site.root.join("public").exists());
}
