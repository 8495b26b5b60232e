//! What the terminal shows: diagnostics with the source line and a caret, colours only
//! when asked for (or on a terminal without `NO_COLOR`), and no progress bar when the
//! output is not a terminal.

mod common;

use std::process::{Command, Output};

use common::Site;

fn run(site: &Site, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_casefile"));
    command.args(args).arg("--root").arg(&site.root);
    command.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    for (k, v) in env {
        command.env(k, v);
    }
    command.output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

/// Removes ANSI SGR sequences (`ESC [ ... m`).
fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn broken() -> Site {
    let site = Site::copy("serve-site");
    site.replace(
        "content/people/ada.md",
        "member_of: [chess]",
        "member_of: [chesss]",
    );
    site.replace("content/about.md", "[[ada]]", "[[adda]]");
    site
}

const PLAIN: &str = concat!(
    "content/about.md:4:20: error: no entry or page has the slug `adda`\n",
    "  |\n",
    "4 | This site is about [[adda]].\n",
    "  |                    ^^^^^^^^\n",
    "  = help: did you mean `[[ada]]`?\n",
    "content/people/ada.md:6:13: error: `groups/chesss` does not exist\n",
    "  |\n",
    "6 | member_of: [chesss]\n",
    "  |             ^^^^^^\n",
    "  = help: did you mean `chess`?\n",
    "error: 2 problems found\n",
);

#[test]
fn diagnostics_show_the_line_and_a_caret_without_colour_when_piped() {
    let site = broken();
    for args in [
        &["check"][..],
        &["build"],
        &["check", "--color", "never"],
        &["--color=auto", "check"],
    ] {
        let o = run(&site, args, &[]);
        assert_eq!(o.status.code(), Some(1), "{args:?}");
        assert_eq!(stderr(&o), PLAIN, "{args:?}");
    }
}

#[test]
fn colour_is_used_when_asked_for_and_changes_nothing_else() {
    let site = broken();
    let o = run(&site, &["check", "--color", "always"], &[]);
    let err = stderr(&o);
    assert!(
        err.contains("\u{1b}[1m\u{1b}[31merror\u{1b}[0m")
            || err.contains("\u{1b}[31;1merror")
            || err.contains("\u{1b}[1;31merror"),
        "{err:?}"
    );
    assert_eq!(strip_ansi(&err), PLAIN);
    // Every diagnostic's first line stays `path:line:col: error: message`.
    for line in strip_ansi(&err).lines().filter(|l| l.contains(": error: ")) {
        assert!(line.starts_with("content/"), "{line}");
    }
}

#[test]
fn no_color_and_never_mean_plain() {
    let site = broken();
    let o = run(&site, &["check"], &[("NO_COLOR", "1")]);
    assert!(!stderr(&o).contains('\u{1b}'));
    let o = run(
        &site,
        &["check", "--color", "never"],
        &[("CLICOLOR_FORCE", "1")],
    );
    assert!(!stderr(&o).contains('\u{1b}'));
}

#[test]
fn config_errors_point_into_site_yaml() {
    let site = Site::copy("serve-site");
    site.replace("site.yaml", "language: en", "langauge: en");
    let o = run(&site, &["check", "--color", "never"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        stderr(&o),
        concat!(
            "site.yaml:5:1: error: unknown key `langauge`\n",
            "  |\n",
            "5 | langauge: en\n",
            "  | ^^^^^^^^\n",
            "  = help: did you mean `language`?\n",
            "error: 1 problem found\n",
        )
    );
}

#[test]
fn no_progress_bar_when_output_is_not_a_terminal() {
    let site = Site::copy("serve-site");
    let out = site.out("public");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(stderr(&o), "");
    let stdout = String::from_utf8(o.stdout).unwrap();
    assert!(
        stdout.starts_with("built ") && !stdout.contains('\u{1b}'),
        "{stdout:?}"
    );
}
