//! Hostile input (issue 6): each case is one file in `tests/adversarial/cases/` (or made
//! here when it cannot be a file in the repository: 50 MB, symbolic links), dropped into
//! a copy of `tests/adversarial/base` whose previous build is in `public/`. Every case
//! asserts the exact diagnostics (path, line, column, message, hint), the exit code, and
//! that `public/` is byte for byte what it was, with no staging folder left beside it.
//!
//! Also here: what editors write (byte-order mark, CRLF or CR line ends, spaces after
//! `---`) gives the same bytes as the plain form; reference cycles build; builds killed at any moment
//! leave the old site or the new one; dotfiles and `keep:` names survive; two builds of
//! the same input are byte-identical; the limits on content give clear errors.

mod common;
#[path = "adversarial/support.rs"]
mod support;

use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::{case, differences, files_below, listed, names_in, run_binary, tree, Site};

/// A copy of the base site, built once into `public/`, which also holds a deploy
/// worktree's `.git` (kept by every build).
struct Built {
    site: Site,
    before: BTreeMap<String, Vec<u8>>,
}

fn built() -> Built {
    let site = Site::base();
    site.build_public();
    let public = site.public();
    fs::create_dir_all(public.join(".git")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    let before = tree(&public);
    Built { site, before }
}

impl Built {
    /// Writes the case file `name` to `dest` in the site.
    fn with_case(self, name: &str, dest: &str) -> Self {
        self.site.write(dest, case(name));
        self
    }

    /// Writes `text` to `dest` in the site.
    fn with_case_text(self, dest: &str, text: &str) -> Self {
        self.site.write(dest, text);
        self
    }

    /// Builds, expecting exactly `expected` (as printed, hints included) and `code`;
    /// `check` must report the same, and the binary must exit with the same code.
    #[track_caller]
    fn refused(&self, expected: &[&str], code: i32) {
        let err = match self.site.build(&self.site.public()) {
            Ok(_) => panic!("the build succeeded; expected:\n{}", expected.join("\n")),
            Err(err) => err,
        };
        assert_eq!(listed(&err), expected.join("\n"));
        assert_eq!(err.exit_code(), code, "exit code for:\n{err}");
        if let Ok(config) = casefile::load_config(&self.site.options(&self.site.public())) {
            let checked = casefile::check(&config).expect_err("check must fail too");
            assert_eq!(listed(&checked), listed(&err), "check and build disagree");
        }
        let public = self.site.public().to_string_lossy().into_owned();
        let out = self.site.run(&["build", "--quiet", "--output", &public]);
        assert_eq!(
            out.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = expected[0].lines().next().unwrap();
        assert!(
            stderr.starts_with(first),
            "the binary must print the first diagnostic first:\n{stderr}"
        );
        self.unchanged();
    }

    /// `public/` is exactly as it was, and nothing else was left beside it.
    #[track_caller]
    fn unchanged(&self) {
        let now = tree(&self.site.public());
        assert!(
            now == self.before,
            "public/ changed: {:?}",
            differences(&self.before, &now)
        );
        assert_eq!(
            self.site.tmp_names(),
            ["public", "site"],
            "staging leftovers"
        );
    }
}

// ----- front matter ---------------------------------------------------------------

#[test]
fn malformed_yaml() {
    built()
        .with_case("malformed-yaml.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:3:13: error: invalid YAML in front matter: mapping values are not allowed in this context"],
            1,
        );
}

#[test]
fn missing_closing_fence() {
    built()
        .with_case("unclosed-front-matter.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:1:1: error: front matter opened with `---` on line 1 is never closed: add a line `---` after the last key"],
            1,
        );
}

#[test]
fn tab_indentation() {
    built()
        .with_case("tab-indentation.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:3:1: error: invalid YAML in front matter: found a tab character that violates indentation\n  = help: YAML is indented with spaces: replace the tab with spaces"],
            1,
        );
}

#[test]
fn invalid_utf8() {
    built()
        .with_case("invalid-utf8.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:3:15: error: file is not valid UTF-8 text\n  = help: save the file as UTF-8"],
            1,
        );
}

#[test]
fn empty_file() {
    let b = built().with_case("empty.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:1:1: error: file is empty: start it with `---`, a `title:` line and `---`"],
        1,
    );
    // An empty collection intro is fine: the collection's title is used.
    b.site.remove_file("content/people/han-tao.md");
    b.site.write("content/people/_index.md", case("empty.md"));
    b.site.build(&b.site.out("other")).unwrap();
}

#[test]
fn file_of_50_mb() {
    let b = built();
    let mut text = b"---\ntitle: Big\n---\n".to_vec();
    text.resize(50 * 1024 * 1024, b'a');
    b.site.write("content/people/big.md", text);
    b.refused(
        &["content/people/big.md: error: file is 50.0 MiB (52428800 bytes); content files are limited to 8.0 MiB"],
        1,
    );
}

#[test]
fn billion_laughs() {
    let started = Instant::now();
    built()
        .with_case("billion-laughs.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:8:8: error: the YAML alias `*e` expands to more than 100000 values\n  = help: each `*e` repeats the whole value anchored as `&e`; write the values out instead"],
            1,
        );
    assert!(started.elapsed() < Duration::from_secs(60));
}

#[test]
fn one_wide_anchor_repeated() {
    // 1000 aliases of a 1000-item list: serde_yaml alone would build a million values
    // (and far more for a bigger file) before any check could run.
    built()
        .with_case("wide-alias.md", "content/people/han-tao.md")
        .refused(
            &["content/people/han-tao.md:4:404: error: the YAML alias `*w` expands to more than 100000 values\n  = help: each `*w` repeats the whole value anchored as `&w`; write the values out instead"],
            1,
        );
}

#[test]
fn deeply_nested_values() {
    let b = built().with_case("deep-nesting.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:3:38: error: YAML values are nested more than 32 levels deep\n  = help: check the indentation: fields hold text, lists and records"],
        1,
    );
    let b = b.with_case("deep-nesting-block.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:19:63: error: YAML values are nested more than 32 levels deep\n  = help: check the indentation: fields hold text, lists and records"],
        1,
    );
}

#[test]
fn wrong_types_for_every_field_type() {
    built()
        .with_case("wrong-types.md", "content/people/han-tao.md")
        .refused(
            &[
                "content/people/han-tao.md:2:8: error: `title` must be text, found a list",
                "content/people/han-tao.md:3:10: error: `summary` must be text, found a mapping",
                "content/people/han-tao.md:4:7: error: `date`: `last Tuesday` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
                "content/people/han-tao.md:5:10: error: `updated` must be a date such as `2023-03-22`, found a boolean",
                "content/people/han-tao.md:6:7: error: `tags` must be a list such as `[elections, inquiry]`, found text",
                "content/people/han-tao.md:7:8: error: `draft` must be `true` or `false`, found text",
                "content/people/han-tao.md:8:7: error: `role` must be text, found a list",
                "content/people/han-tao.md:9:6: error: `bio` must be Markdown text, found a number",
                "content/people/han-tao.md:10:7: error: `born`: `2023-02-30` is not a real date",
                "content/people/han-tao.md:11:7: error: `Politician` is not an allowed value of `kind` (allowed: `politician`, `official`)\n  = help: did you mean `politician`?",
                "content/people/han-tao.md:12:10: error: `website`: `javascript:alert(1)` is not an absolute URL with an allowed scheme",
                "content/people/han-tao.md:13:9: error: `active` must be `true` or `false`, found text",
                "content/people/han-tao.md:14:8: error: `seats` must be a whole number, found a decimal number",
                "content/people/han-tao.md:15:17: error: `known_as[1]` must be text, found a list",
                "content/people/han-tao.md:15:24: error: `known_as[2]` must be text, found a mapping",
                "content/people/han-tao.md:16:11: error: `employer` must be the slug of an entry of `orgs`, found a list",
                "content/people/han-tao.md:17:7: error: `orgs` must be a list of slugs of `orgs` entries, found a mapping",
                "content/people/han-tao.md:18:13: error: `statements` must be a list of records, found text",
            ],
            1,
        );
}

#[test]
fn wrong_types_inside_records() {
    built()
        .with_case("wrong-types-in-records.md", "content/people/han-tao.md")
        .refused(
            &[
                "content/people/han-tao.md:4:12: error: `about` must be the slug of an entry of `orgs`, found a list",
                "content/people/han-tao.md:5:11: error: `said` must be text, found a mapping",
                "content/people/han-tao.md:6:5: error: `statements` must be a record (a mapping of keys to values), found text",
                "content/people/han-tao.md:8:5: error: unknown key `mood` for a record of `statements`",
            ],
            1,
        );
}

#[test]
fn number_too_large_and_front_matter_that_is_not_a_mapping() {
    let b = built().with_case("number-too-large.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:3:8: error: invalid YAML in front matter: `99999999999999999999` is too large for a number; quote it to keep it as text"],
        1,
    );
    let b = b.with_case("not-a-mapping.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:2:1: error: front matter must be a mapping of keys to values"],
        1,
    );
}

#[test]
fn duplicate_keys() {
    let b = built().with_case("duplicate-keys.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:5:1: error: duplicate key `role` in front matter"],
        1,
    );
    let b = b.with_case("duplicate-keys-in-records.md", "content/people/han-tao.md");
    b.refused(
        &["content/people/han-tao.md:6:5: error: duplicate key `said` in front matter"],
        1,
    );
}

// ----- names, slugs and paths -----------------------------------------------------

#[test]
fn two_files_whose_slugs_differ_only_in_case() {
    // Slugs are lowercase, so `Han-Dong.md` is refused, and the hint says why it
    // cannot simply be renamed: `han-dong.md` is already there.
    built()
        .with_case("slug-case.md", "content/people/Han-Dong.md")
        .refused(
            &["content/people/Han-Dong.md: error: `Han-Dong` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `han-dong.md` is already in this folder, and both files would be published at `han-dong`: merge them or rename this one"],
            1,
        );
}

#[test]
fn the_same_slug_in_two_collections_and_a_page() {
    // Allowed: each has its own address. An unqualified `[[han-dong]]` is ambiguous.
    let b = built();
    b.site.write(
        "content/orgs/han-dong.md",
        "---\ntitle: Han Dong Ltd\n---\n",
    );
    b.site.write(
        "content/han-dong.md",
        "---\ntitle: Han Dong, the page\n---\n",
    );
    b.refused(
        &[
            "content/_index.md:4:12: error: `[[han-dong]]` is ambiguous: several entries have that slug\n  = help: write one of [[orgs/han-dong]], [[people/han-dong]], [[han-dong]]",
            "content/orgs/parliament.md:6:12: error: `[[han-dong]]` is ambiguous: several entries have that slug\n  = help: write one of [[orgs/han-dong]], [[people/han-dong]], [[han-dong]]",
        ],
        1,
    );
    b.site
        .replace("content/_index.md", "[[han-dong]]", "[[people/han-dong]]");
    b.site.replace(
        "content/orgs/parliament.md",
        "[[han-dong#denial]]",
        "[[people/han-dong#denial]]",
    );
    let out = b.site.out("ok");
    b.site.build(&out).unwrap();
    for page in [
        "han-dong/index.html",
        "orgs/han-dong/index.html",
        "people/han-dong/index.html",
    ] {
        assert!(out.join(page).is_file(), "{page}");
    }
}

#[test]
fn slugs_with_spaces_or_unicode_look_alikes() {
    let b = built().with_case("slug-space.md", "content/people/han dong.md");
    b.refused(
        &["content/people/han dong.md: error: `han dong` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `han-dong.md` is already in this folder, and both files would be published at `han-dong`: merge them or rename this one"],
        1,
    );
    b.site.remove_file("content/people/han dong.md");
    // `а` is CYRILLIC SMALL LETTER A.
    let b = b.with_case("slug-lookalike.md", "content/people/h\u{430}n-dong.md");
    b.refused(
        &["content/people/h\u{430}n-dong.md: error: `h\u{430}n-dong` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `\u{430}` (U+0430) is not an ASCII letter or digit: retype the name with ASCII letters"],
        1,
    );
    b.site.remove_file("content/people/h\u{430}n-dong.md");
    // A control character in a name is shown escaped, so it cannot garble the output.
    b.site
        .write("content/people/han\u{1b}[31m.md", "---\ntitle: x\n---\n");
    b.refused(
        &["content/people/han\u{1b}[31m.md: error: `han\\u{1b}[31m` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `\\u{1b}` (U+001B) is not an ASCII letter or digit: retype the name with ASCII letters"],
        1,
    );
}

#[test]
fn a_file_name_that_is_not_utf8() {
    use std::os::unix::ffi::OsStrExt;
    let b = built();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.md");
    fs::write(
        b.site.root.join("content/people").join(name),
        "---\ntitle: x\n---\n",
    )
    .unwrap();
    b.refused(
        &["content/people/caf\u{fffd}.md: error: `caf\u{fffd}` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `\u{fffd}` (U+FFFD) is not an ASCII letter or digit: retype the name with ASCII letters"],
        1,
    );
}

#[test]
fn slugs_and_paths_with_dots_and_slashes() {
    built()
        .with_case("hostile-refs.md", "content/people/han-tao.md")
        .refused(
            &[
                "content/people/han-tao.md:3:11: error: `../parliament` is not a valid slug\n  = help: slugs look like `parliament`",
                "content/people/han-tao.md:4:8: error: `../parliament` is not a valid slug\n  = help: slugs look like `parliament`",
                "content/people/han-tao.md:4:28: error: `par liament` is not a valid slug\n  = help: slugs look like `par-liament`",
                "content/people/han-tao.md:4:43: error: `p\u{430}rliament` is not a valid slug\n  = help: `\u{430}` (U+0430) is not an ASCII letter or digit: retype the slug with ASCII letters",
                "content/people/han-tao.md:4:55: error: `/etc/passwd` is not a valid slug\n  = help: slugs look like `etc-passwd`",
            ],
            1,
        );
}

#[test]
fn thousands_of_unknown_refs_report_a_hundred_and_stop() {
    let b = built();
    let slugs: Vec<String> = (0..5000).map(|i| format!("nobody-{i}")).collect();
    b.site.write(
        "content/people/han-tao.md",
        format!("---\ntitle: Han Tao\norgs: [{}]\n---\n", slugs.join(", ")),
    );
    let err = b.site.build(&b.site.public()).unwrap_err();
    let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 101, "{}", lines[..3].join("\n"));
    assert_eq!(
        lines[0],
        "content/people/han-tao.md:3:8: error: `orgs/nobody-0` does not exist"
    );
    assert_eq!(
        lines[100],
        "content/people/han-tao.md:3:1098: error: 4900 more problems in this file are not listed\n  = help: fix these first"
    );
    assert_eq!(err.exit_code(), 1);
    b.unchanged();

    // Slugs that are not even valid stop at the schema check, capped the same way.
    let bad: Vec<String> = (0..5000).map(|i| format!("Bad_{i}")).collect();
    b.site.write(
        "content/people/han-tao.md",
        format!("---\ntitle: Han Tao\norgs: [{}]\n---\n", bad.join(", ")),
    );
    let err = b.site.build(&b.site.public()).unwrap_err();
    let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 101, "{}", lines[..3].join("\n"));
    assert_eq!(
        lines[0],
        "content/people/han-tao.md:3:8: error: `Bad_0` is not a valid slug\n  = help: slugs look like `bad-0`"
    );
    assert!(lines[100].contains("error: 4900 more problems in this file are not listed"));
    b.unchanged();
}

#[test]
fn the_problems_listed_are_the_first_in_the_file() {
    let b = built();
    // The schema checks unknown keys before `born`; the file has `born` first.
    let keys: String = (0..150).map(|i| format!("extra{i}: x\n")).collect();
    b.site.write(
        "content/people/han-tao.md",
        format!("---\ntitle: Han Tao\nborn: notadate\n{keys}---\n"),
    );
    let err = b.site.build(&b.site.public()).unwrap_err();
    let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 101);
    assert!(
        lines[0].starts_with("content/people/han-tao.md:3:7: error: "),
        "{}",
        lines[0]
    );
    assert!(lines[1].contains("unknown key `extra0`"), "{}", lines[1]);
    assert!(lines[100].contains("51 more problems in this file are not listed"));

    // A field's broken reference comes before 120 broken links in the body.
    let links: String = (0..120).map(|i| format!("[[nowhere-{i}]]\n")).collect();
    b.site.write(
        "content/people/han-tao.md",
        format!("---\ntitle: Han Tao\norgs: [nochess]\n---\n{links}"),
    );
    let err = b.site.build(&b.site.public()).unwrap_err();
    let lines: Vec<String> = err.iter().map(ToString::to_string).collect();
    assert_eq!(lines.len(), 101);
    assert_eq!(
        lines[0],
        "content/people/han-tao.md:3:8: error: `orgs/nochess` does not exist"
    );
    assert!(lines[100].contains("more problems in this file are not listed"));
    b.unchanged();
}

#[test]
fn links_with_dots_and_slashes_stay_inside_the_site() {
    let b = built();
    b.site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\n---\n[[../../etc/passwd]] [up](../../../etc/passwd.md) [[people/../orgs/parliament]] [[/]]\n",
    );
    b.refused(
        &[
            "content/people/han-tao.md:4:1: error: `../../etc/passwd` does not exist",
            "content/people/han-tao.md:4:22: error: link to `../../../etc/passwd.md`: no content file at `etc/passwd.md`",
            "content/people/han-tao.md:4:51: error: `people/../orgs/parliament` does not exist",
            "content/people/han-tao.md:4:81: error: `/` does not exist",
        ],
        1,
    );
}

#[test]
fn symbolic_links_that_loop_point_outside_or_nowhere() {
    let b = built();
    let people = b.site.root.join("content/people");
    symlink("loop.md", people.join("loop.md")).unwrap();
    symlink("..", people.join("up")).unwrap();
    symlink("/etc/passwd", people.join("outside.md")).unwrap();
    symlink("nowhere.md", people.join("dangling.md")).unwrap();
    b.refused(
        &[
            "content/people/dangling.md: error: symbolic links are not followed in `content/`: copy the file instead\n  = help: it points to `nowhere.md`, which does not exist",
            "content/people/loop.md: error: symbolic links are not followed in `content/`: copy the file instead\n  = help: it loops: following it never reaches a file",
            "content/people/outside.md: error: symbolic links are not followed in `content/`: copy the file instead\n  = help: it points outside the site, to `/etc/passwd`",
            "content/people/up: error: symbolic links are not followed in `content/`: copy the file instead",
        ],
        1,
    );
    for name in ["loop.md", "up", "outside.md", "dangling.md"] {
        fs::remove_file(people.join(name)).unwrap();
    }
    // `content/` itself.
    let content = b.site.root.join("content");
    fs::rename(&content, b.site.root.join("real-content")).unwrap();
    symlink("real-content", &content).unwrap();
    b.refused(
        &["content: error: `content/` is a symbolic link, and casefile does not follow symbolic links: make it a folder"],
        1,
    );
}

#[test]
fn symbolic_links_in_static_files_and_templates_are_refused() {
    let b = built();
    let root = &b.site.root;
    fs::create_dir_all(root.join("static")).unwrap();
    symlink("/etc/passwd", root.join("static/passwd.txt")).unwrap();
    fs::create_dir_all(root.join("templates")).unwrap();
    fs::write(root.join("templates/real.html"), "{{ page.title }}").unwrap();
    symlink("real.html", root.join("templates/page.html")).unwrap();
    b.refused(
        &[
            "static/passwd.txt: error: symbolic links are not followed in static files: copy the file instead\n  = help: it points outside the site, to `/etc/passwd`",
            "templates/page.html: error: symbolic links are not followed in templates: copy the file instead",
        ],
        1,
    );

    // The folders themselves, linked to folders outside the site.
    fs::remove_dir_all(root.join("static")).unwrap();
    fs::remove_dir_all(root.join("templates")).unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().to_path_buf();
    fs::write(outside.join("secret.txt"), "secret").unwrap();
    symlink(&outside, root.join("static")).unwrap();
    symlink(&outside, root.join("templates")).unwrap();
    let shown = outside.display();
    b.refused(
        &[
            &format!("static: error: the static folder is a symbolic link, and casefile does not follow symbolic links: make it a folder\n  = help: it points outside the site, to `{shown}`"),
            &format!("templates: error: the templates folder is a symbolic link, and casefile does not follow symbolic links: make it a folder\n  = help: it points outside the site, to `{shown}`"),
        ],
        1,
    );
}

#[test]
fn pages_cannot_take_the_addresses_of_generated_pages() {
    let b = built();
    for slug in ["map", "search", "static", "tags", "timeline"] {
        b.site
            .write(&format!("content/{slug}.md"), "---\ntitle: Mine\n---\n");
    }
    b.refused(
        &[
            "content/map.md:2:1: error: page `map` would be published at the same address as the engine's or a collection's page",
            "content/search.md:2:1: error: page `search` would be published at the same address as the engine's or a collection's page",
            "content/static.md:2:1: error: page `static` would be published at the same address as the engine's or a collection's page",
            "content/tags.md:2:1: error: page `tags` would be published at the same address as the engine's or a collection's page",
            "content/timeline.md:2:1: error: page `timeline` would be published at the same address as the engine's or a collection's page",
        ],
        1,
    );
}

/// Makes a named pipe at `path` (a FIFO blocks whoever opens it for reading).
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

#[test]
fn files_in_content_that_would_not_be_read_are_reported() {
    // A FIFO `_index.md` was skipped in silence (and the home page lost its text); `.MD`
    // and `.markdown` files were never published, without a word.
    let built = built();
    mkfifo(&built.site.root.join("content/_index-pipe.md"));
    built
        .site
        .write("content/people/notes.MD", "---\ntitle: Notes\n---\n");
    built
        .site
        .write("content/about.markdown", "---\ntitle: About\n---\n");
    built.refused(
        &[
            "content/_index-pipe.md: error: this is a named pipe (FIFO), not a file: content files must be regular files\n  = help: replace it with a regular file, or remove it",
            "content/about.markdown: error: `about.markdown` is not read: content files end in `.md`\n  = help: `about.md` is already in this folder: merge the two files, or remove this one",
            "content/people/notes.MD: error: `notes.MD` is not read: content files end in `.md`\n  = help: did you mean `notes.md`? rename the file to be published",
        ],
        1,
    );
}

#[test]
fn a_fifo_site_yaml_is_refused_without_hanging() {
    let built = built();
    let site_yaml = built.site.root.join("site.yaml");
    fs::remove_file(&site_yaml).unwrap();
    mkfifo(&site_yaml);
    let started = Instant::now();
    let out = built.site.run(&["build", "--quiet"]);
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the build hung"
    );
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.starts_with("site.yaml: error:") && stderr.contains("named pipe"),
        "{stderr}"
    );
    built.unchanged();
}

#[test]
fn control_characters_are_refused_at_their_place() {
    // A NUL or a BEL reached the HTML, the map and the search index: whether typed into
    // the text, written as a YAML escape, or in the body.
    built()
        .with_case_text(
            "content/people/han-tao.md",
            "---\ntitle: \"Han \\a Tao\"\nsummary: A\u{7}B\n---\nText\u{0} here.\n",
        )
        .refused(
            &[
                "content/people/han-tao.md:3:11: error: front matter contains the control character U+0007 (BEL), which no page can show: remove it",
                "content/people/han-tao.md:5:5: error: the text contains the control character U+0000 (NUL), which no page can show\n  = help: remove it; a tab or a line break is the only control character text may hold",
            ],
            1,
        );
    built()
        .with_case_text(
            "content/people/han-tao.md",
            "---\ntitle: \"Han \\a Tao\"\n---\n",
        )
        .refused(
            &["content/people/han-tao.md:2:8: error: front matter contains the control character U+0007 (BEL), which no page can show: remove it"],
            1,
        );
}

#[test]
fn year_zero_is_refused() {
    built()
        .with_case_text(
            "content/people/han-tao.md",
            "---\ntitle: Han Tao\nupdated: 0000-03-01\n---\n",
        )
        .refused(
            &["content/people/han-tao.md:3:10: error: `updated`: `0000-03-01` is not a real date: there is no year 0"],
            1,
        );
}

#[test]
fn windows_device_names_are_refused_as_slugs() {
    built()
        .with_case_text("content/people/con.md", "---\ntitle: Con\n---\n")
        .refused(
            &["content/people/con.md: error: `con` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: `con` is a device name on Windows (like `con`, `nul`, `aux`, `com1`), so a folder of that name cannot be checked out there: choose another slug, such as `con-1`"],
            1,
        );
}

#[test]
fn text_fields_keep_the_text_the_editor_wrote() {
    // YAML reads `0x1F` as 31 and `1.50` as 1.5; a text field shows what was written.
    let site = Site::base();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: 0x1F\nsummary: 1.50\nrole: 007\n---\n",
    );
    site.build_public();
    let page = fs::read_to_string(site.public().join("people/han-tao/index.html")).unwrap();
    assert!(page.contains(">0x1F</h1>"), "{page}");
    assert!(page.contains(r#"content="1.50""#), "{page}");
    assert!(page.contains("007"), "{page}");
    assert!(!page.contains(">31</h1>"));
}

// ----- references ----------------------------------------------------------------

#[test]
fn a_ref_to_a_draft() {
    built()
        .with_case("draft.md", "content/orgs/secret.md")
        .with_case("ref-to-draft.md", "content/people/han-tao.md")
        .refused(
            &[
                "content/people/han-tao.md:3:11: error: `orgs/secret` is a draft and is not published\n  = help: build with `--drafts`, or remove `draft: true` from that entry",
                "content/people/han-tao.md:5:5: error: `orgs/secret` is a draft and is not published\n  = help: build with `--drafts`, or remove `draft: true` from that entry",
            ],
            1,
        );
}

#[test]
fn reference_cycles_build_without_looping() {
    // The base site is one cycle: han-dong -> parliament (employer, orgs, statements,
    // links) and parliament -> han-dong (head, links), and each page links to itself
    // through the other's backlinks. Add a three-entry cycle and a self-reference.
    let site = Site::base();
    site.write(
        "content/orgs/senate.md",
        "---\ntitle: Senate\nhead: han-tao\n---\nSee [[senate]] and [[han-tao]].\n",
    );
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nemployer: senate\norgs: [parliament, senate]\n---\nSee [[han-dong]].\n",
    );
    let out = run_binary(
        &[
            "build",
            "--quiet",
            "--output",
            &site.public().to_string_lossy(),
        ],
        &site.root,
        Duration::from_secs(60),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let dong = fs::read_to_string(site.public().join("people/han-dong/index.html")).unwrap();
    assert!(
        dong.contains(r#"<p>Heads of: <a href="/orgs/parliament/">Parliament</a> </p>"#),
        "{dong}"
    );
    let parliament = fs::read_to_string(site.public().join("orgs/parliament/index.html")).unwrap();
    assert!(parliament.contains(r#"<a href="/people/han-dong/">Han Dong</a>"#));
    let senate = fs::read_to_string(site.public().join("orgs/senate/index.html")).unwrap();
    assert!(
        senate.contains(r#"<a href="/orgs/senate/">Senate</a>"#),
        "a page may link to itself"
    );
}

// ----- templates -------------------------------------------------------------------

#[test]
fn unknown_template_variable() {
    built()
        .with_case("unknown-variable.html", "templates/page.html")
        .refused(
            &["templates/page.html:3:15: error: Field `nope` is not defined. Available fields: alternates, backlinks, collection, content, corrections, date, excerpt, fields, id, image, json_ld, kind, lang, lang_note, permalink, referenced_by, schema_org, share_image, slug, source_path, summary, tags, title, toc, updated, url (while rendering `/about/`)"],
            1,
        );
}

#[test]
fn unknown_template_function() {
    built()
        .with_case("unknown-function.html", "templates/page.html")
        .refused(
            &["templates/page.html:3:10: error: Unknown function `nope`"],
            1,
        );
}

#[test]
fn a_template_that_includes_itself() {
    built()
        .with_case("includes-itself.html", "templates/page.html")
        .refused(
            &["templates/page.html: error: Circular include detected for template 'page.html'. Include chain: `[\"page.html\", \"page.html\"]`"],
            1,
        );
}

// ----- the output folder ---------------------------------------------------------

#[test]
fn an_output_folder_that_is_a_file() {
    let site = Site::base();
    let out = site.out("public");
    fs::write(&out, "a file\n").unwrap();
    let err = site.build(&out).unwrap_err();
    assert_eq!(
        listed(&err),
        format!(
            "{}: error: the output path exists and is not a folder",
            out.display()
        )
    );
    assert_eq!(err.exit_code(), 2);
    assert_eq!(fs::read_to_string(&out).unwrap(), "a file\n");
    assert_eq!(site.tmp_names(), ["public", "site"]);

    // A template error is reported with it, not hidden behind it.
    site.write("templates/page.html", case("unknown-function.html"));
    let err = site.build(&out).unwrap_err();
    assert_eq!(
        listed(&err),
        format!(
            "{}: error: the output path exists and is not a folder\ntemplates/page.html:3:10: error: Unknown function `nope`",
            out.display()
        )
    );
    assert_eq!(err.exit_code(), 2);
    assert_eq!(site.tmp_names(), ["public", "site"]);
}

#[test]
fn an_output_folder_that_cannot_be_written() {
    // Tests run as root, for whom permission bits do not stop a write, so "not
    // writable" is made the way it happens to everyone: a file where a folder must be.
    let site = Site::base();
    let blocker = site.out("deploy");
    fs::write(&blocker, "a file\n").unwrap();
    for out in [blocker.join("public"), blocker.join("a/b/public")] {
        let err = site.build(&out).unwrap_err();
        assert_eq!(
            listed(&err),
            format!(
                "{}: error: cannot create the output folder: `{}` is a file, not a folder",
                out.display(),
                blocker.display()
            )
        );
        assert_eq!(err.exit_code(), 2);
        let o = run_binary(
            &["build", "--output", &out.to_string_lossy()],
            &site.root,
            Duration::from_secs(60),
        );
        assert_eq!(o.status.code(), Some(2));
    }
    assert_eq!(fs::read_to_string(&blocker).unwrap(), "a file\n");
    assert_eq!(site.tmp_names(), ["deploy", "site"]);
}

#[test]
fn an_output_folder_containing_the_site() {
    let b = built();
    let err = b.site.build(b.site.tmp.path()).unwrap_err();
    assert_eq!(
        listed(&err),
        format!(
            "{}: error: the output folder must not contain the site folder",
            b.site.tmp.path().display()
        )
    );
    assert_eq!(err.exit_code(), 2);
    b.unchanged();
}

// ----- site.yaml -----------------------------------------------------------------

#[test]
fn billion_laughs_in_site_yaml() {
    let b = built().with_case("config-billion-laughs.yaml", "site.yaml");
    b.refused(
        &["site.yaml:10:10: error: the YAML alias `*e` expands to more than 100000 values\n  = help: each `*e` repeats the whole value anchored as `&e`; write the values out instead"],
        2,
    );
}

#[test]
fn wrong_types_in_site_yaml() {
    built()
        .with_case("config-wrong-types.yaml", "site.yaml")
        .refused(
            &[
                "site.yaml:1:8: error: `title` must be a string",
                "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `42`",
                "site.yaml:4:11: error: `markdown` must be a mapping",
                "site.yaml:5:15: error: `keep` must be a list of file or folder names directly inside the output folder",
                "site.yaml:5:27: error: `keep` must be a list of file or folder names directly inside the output folder",
                "site.yaml:9:11: error: `sort: 3` must be `title` or `date`",
                "site.yaml:11:13: error: `role` must be a mapping such as `{ type: string }`",
                "site.yaml:12:37: error: `required` must be `true` or `false`",
                "site.yaml:13:13: error: missing required key `values`",
                "site.yaml:13:35: error: `values` must be a list of strings",
                "site.yaml:14:13: error: missing required key `to`",
                "site.yaml:15:32: error: field `staff` refers to collection `nobody`, which is not declared",
                "site.yaml:16:14: error: missing required key `fields`",
                "site.yaml:17:22: error: unknown field type `number`",
                "site.yaml:18:3: error: `map` is reserved for the engine's own pages",
            ],
            2,
        );
}

#[test]
fn site_yaml_that_is_not_utf8_or_too_large() {
    let b = built();
    let mut yaml = fs::read(b.site.root.join("site.yaml")).unwrap();
    yaml.extend_from_slice(b"extra:\n  x: caf\xe9\n");
    b.site.write("site.yaml", &yaml);
    let line = yaml.iter().filter(|&&c| c == b'\n').count() - 1 + 1;
    b.refused(
        &[&format!(
            "site.yaml:{line}:9: error: `site.yaml` is not valid UTF-8 text\n  = help: save the file as UTF-8"
        )],
        2,
    );
    let mut big = b"title: Big\n#".to_vec();
    big.resize(2 * 1024 * 1024, b'x');
    b.site.write("site.yaml", &big);
    b.refused(
        &["site.yaml: error: `site.yaml` is 2097152 bytes; it is limited to 1048576 bytes"],
        2,
    );
}

// ----- what editors write ----------------------------------------------------------

/// A rewrite of a file's text.
type Edit = dyn Fn(&str) -> String;

/// The base site with every text file rewritten by `edit`.
fn edited_site(edit: &Edit) -> Site {
    let site = Site::base();
    let mut files = vec!["site.yaml".to_string()];
    for entry in files_below(&site.root.join("content")) {
        files.push(
            entry
                .strip_prefix(&site.root)
                .unwrap()
                .to_string_lossy()
                .into_owned(),
        );
    }
    for rel in files {
        let text = site.read(&rel);
        site.write(&rel, edit(&text));
    }
    site
}

#[test]
fn what_editors_write_gives_byte_identical_output() {
    let plain = Site::base().build_public();
    let edits: [(&str, &Edit); 5] = [
        ("a byte-order mark", &|t| format!("\u{feff}{t}")),
        ("CRLF line ends", &|t| t.replace('\n', "\r\n")),
        ("old Mac CR line ends", &|t| t.replace('\n', "\r")),
        ("spaces after `---`", &|t| t.replace("---\n", "---  \n")),
        ("all three", &|t| {
            format!(
                "\u{feff}{}",
                t.replace("---\n", "--- \t\n").replace('\n', "\r\n")
            )
        }),
    ];
    for (what, edit) in edits {
        let site = edited_site(edit);
        let output = site.build_public();
        let diff = differences(&plain, &output);
        assert!(diff.is_empty(), "{what} changed the output: {diff:?}");
    }
}

// ----- limits ------------------------------------------------------------------------

#[test]
fn more_content_files_than_the_limit() {
    let b = built();
    let dir = b.site.root.join("content/people");
    for i in 0..=casefile::MAX_FILES {
        fs::File::create(dir.join(format!("p{i}.md"))).unwrap();
    }
    b.refused(
        &["content: error: `content/` holds more than 100000 Markdown files, the most casefile builds in one site"],
        1,
    );
}

// ----- the output folder across builds --------------------------------------------

/// The base site with `n` more people, each linking to the next, for builds that take
/// long enough to be killed in the middle.
fn big_site(n: usize) -> Site {
    let site = Site::base();
    for i in 0..n {
        let next = (i + 1) % n;
        site.write(
            &format!("content/people/p{i}.md"),
            format!(
                "---\ntitle: Person {i}\nsummary: Number {i}.\ndate: 2020-01-{:02}\nrole: Clerk\norgs: [parliament]\n---\n## Notes\n\nSee [[p{next}]] and [[parliament]].\n\n{}\n",
                i % 28 + 1,
                "Some text to make the page longer. ".repeat(20)
            ),
        );
    }
    site
}

#[test]
fn a_killed_build_leaves_the_old_site_or_the_new_one() {
    let site = big_site(2000);
    let public = site.public();
    let build = |out: &Path| {
        run_binary(
            &["build", "--quiet", "--output", &out.to_string_lossy()],
            &site.root,
            Duration::from_secs(300),
        )
    };
    assert!(build(&public).status.success());
    fs::create_dir_all(public.join(".git")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(public.join(".nojekyll"), "").unwrap();
    let old = tree(&public);

    // The new site: every page changes.
    for i in 0..2000 {
        let rel = format!("content/people/p{i}.md");
        let text = site.read(&rel).replace("Clerk", "Senior clerk");
        site.write(&rel, text);
    }
    let reference = site.out("reference");
    let started = Instant::now();
    assert!(build(&reference).status.success());
    let full = started.elapsed();
    let mut new = tree(&reference);
    new.insert(".git/".into(), Vec::new());
    new.insert(".git/HEAD".into(), b"ref: refs/heads/gh-pages\n".to_vec());
    new.insert(".nojekyll".into(), Vec::new());
    assert!(old != new);
    fs::remove_dir_all(&reference).unwrap();

    // Kill builds at delays spread over the whole run, most of them near its end, where
    // the output is written and swapped in.
    let mut outcomes = Vec::new();
    for fraction in [0.0, 0.5, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5] {
        let delay = full.mul_f64(fraction);
        let mut child = Command::new(env!("CARGO_BIN_EXE_casefile"))
            .args(["build", "--quiet", "--output"])
            .arg(&public)
            .arg("--root")
            .arg(&site.root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        let now = tree(&public);
        let which = if now == old {
            "old"
        } else if now == new {
            "new"
        } else {
            panic!(
                "killed after {delay:?}: public/ is a mix: {:?}",
                differences(&new, &now)
                    .into_iter()
                    .take(10)
                    .collect::<Vec<_>>()
            );
        };
        let staging = names_in(site.tmp.path()).len() > 2;
        outcomes.push(format!(
            "{delay:?}: {which}{} ({status})",
            if staging { ", staging folder left" } else { "" }
        ));
        // Go back to the old site for the next round, through a real build.
        if which == "new" {
            let back = site.out("back");
            fs::rename(&public, &back).unwrap();
            support::copy_tree_from(&old, &public);
            fs::remove_dir_all(&back).unwrap();
        }
    }
    eprintln!("kill outcomes: {outcomes:#?}");
    assert!(outcomes.iter().any(|o| o.contains(": old")), "{outcomes:?}");
    // A killed build leaves a staging folder; the next build removes it.
    assert!(build(&public).status.success());
    assert!(tree(&public) == new, "the final build");
    assert_eq!(
        names_in(site.tmp.path()),
        ["public", "site"],
        "{outcomes:?}"
    );
}

#[test]
fn dotfiles_and_kept_names_survive_every_build_through_the_binary() {
    let site = Site::base();
    let text = site.read("site.yaml");
    site.write("site.yaml", format!("{text}keep: [CNAME, downloads]\n"));
    let public = site.public();
    let build = || {
        let o = site.run(&["build", "--quiet", "--output", &public.to_string_lossy()]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    build();
    fs::create_dir_all(public.join(".git/objects/ab")).unwrap();
    fs::write(public.join(".git/HEAD"), "ref: refs/heads/gh-pages\n").unwrap();
    fs::write(public.join(".git/objects/ab/cdef"), "blob").unwrap();
    symlink("objects/ab/cdef", public.join(".git/latest")).unwrap();
    fs::write(public.join(".nojekyll"), "").unwrap();
    fs::write(public.join("CNAME"), "explainer.example.org\n").unwrap();
    fs::create_dir_all(public.join("downloads")).unwrap();
    fs::write(public.join("downloads/report.pdf"), "%PDF").unwrap();
    fs::write(public.join("stray.html"), "not listed, not kept").unwrap();
    let kept: BTreeMap<String, Vec<u8>> = tree(&public)
        .into_iter()
        .filter(|(p, _)| p.starts_with('.') || p.starts_with("CNAME") || p.starts_with("downloads"))
        .collect();
    for round in 0..3 {
        if round == 1 {
            // A build that fails changes nothing either.
            site.write("content/people/han-tao.md", "---\ntitle: [broken\n---\n");
            let o = site.run(&["build", "--output", &public.to_string_lossy()]);
            assert_eq!(o.status.code(), Some(1));
            fs::remove_file(site.root.join("content/people/han-tao.md")).unwrap();
        }
        build();
        let now = tree(&public);
        for (path, bytes) in &kept {
            assert_eq!(now.get(path), Some(bytes), "round {round}: {path}");
        }
        assert!(!now.contains_key("stray.html"));
    }
    assert_eq!(site.tmp_names(), ["public", "site"]);
}

#[test]
fn two_builds_in_different_folders_at_different_times_are_byte_identical() {
    // The bundled site, with the default theme: feeds, sitemap, search index,
    // fingerprinted assets, JSON-LD and the relationship map all take part.
    let first = Site::bundled();
    let out1 = first.out("public");
    let o = first.run(&["build", "--quiet", "--output", &out1.to_string_lossy()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::thread::sleep(Duration::from_millis(1100));
    // Another folder, another name, other file times, another working directory.
    let second = Site::bundled();
    let moved = second.tmp.path().join("elsewhere/other-name");
    fs::create_dir_all(moved.parent().unwrap()).unwrap();
    fs::rename(&second.root, &moved).unwrap();
    let out2 = second.tmp.path().join("deploy");
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args([
            "build",
            "--quiet",
            "--root",
            "elsewhere/other-name",
            "--output",
            "deploy",
        ])
        .current_dir(second.tmp.path())
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let (a, b) = (tree(&out1), tree(&out2));
    assert!(a.len() > 50, "{} files", a.len());
    let diff = differences(&a, &b);
    assert!(diff.is_empty(), "{diff:?}");
}
