//! `casefile new <collection> <slug>`: the file it writes, and what it refuses.

mod common;

use std::process::{Command, Output};

use common::Site;

fn new(site: &Site, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_casefile"))
        .arg("new")
        .args(args)
        .arg("--root")
        .arg(&site.root)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn new_writes_every_field_required_first_with_types() {
    let site = Site::copy("serve-site");
    let o = new(&site, &["people", "dee-dee"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(
        text(&o.stdout),
        "created content/people/dee-dee.md; fill in `title`, `role`\n"
    );
    assert_eq!(
        site.read("content/people/dee-dee.md"),
        concat!(
            "---\n",
            "title: Dee Dee  # string, required\n",
            "role:  # string, required\n",
            "summary:  # string: one sentence for cards, search and link previews\n",
            "# date:  # date: YYYY, YYYY-MM or YYYY-MM-DD; remove the first # to set it\n",
            "tags: []  # strings\n",
            "member_of: []  # refs: slugs of entries of `groups`\n",
            "born:  # date: YYYY, YYYY-MM or YYYY-MM-DD\n",
            "---\n",
        )
    );
    // Until the required field has a value the site says what is missing; then it builds.
    let check = || {
        Command::new(env!("CARGO_BIN_EXE_casefile"))
            .args(["check", "--root"])
            .arg(&site.root)
            .output()
            .unwrap()
    };
    let o = check();
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr)
            .starts_with("content/people/dee-dee.md:2:1: error: missing required field `role`\n"),
        "{}",
        text(&o.stderr)
    );
    site.replace("content/people/dee-dee.md", "role:  #", "role: Writer  #");
    let o = check();
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
}

#[test]
fn records_and_enums_are_described() {
    let site = Site::copy("serve-site");
    assert_eq!(new(&site, &["groups", "darts"]).status.code(), Some(0));
    assert_eq!(
        site.read("content/groups/darts.md"),
        concat!(
            "---\n",
            "title: Darts  # string, required\n",
            "kind:  # enum: club | team, required\n",
            "summary:  # string: one sentence for cards, search and link previews\n",
            "# date:  # date: YYYY, YYYY-MM or YYYY-MM-DD; remove the first # to set it\n",
            "tags: []  # strings\n",
            "website:  # url: https://…\n",
            "---\n",
        )
    );
    assert_eq!(new(&site, &["events", "derby"]).status.code(), Some(0));
    let event = site.read("content/events/derby.md");
    assert!(
        event.contains(concat!(
            "notes:  # records: a list of mappings\n",
            "#   one record per item, like this:\n",
            "#   - by:  # ref: the slug of one entry of `people`, required\n",
            "#     text:  # markdown: inline text, [[links]] work\n",
        )),
        "{event}"
    );
    // Every generated file is valid front matter that the site accepts.
    let o = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["check", "--root"])
        .arg(&site.root)
        .output()
        .unwrap();
    let err = text(&o.stderr);
    assert_eq!(
        err.lines()
            .filter(|l| l.contains(": error: "))
            .collect::<Vec<_>>(),
        ["content/groups/darts.md:2:1: error: missing required field `kind`"],
        "{err}"
    );
}

#[test]
fn new_refuses_an_existing_slug() {
    let site = Site::copy("serve-site");
    let before = site.read("content/people/ada.md");
    let o = new(&site, &["people", "ada"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(text(&o.stdout), "");
    assert_eq!(
        text(&o.stderr),
        "error: `content/people/ada.md` already exists; pick another slug or edit that file\n  = help: a free slug would be `ada-2`\n"
    );
    assert_eq!(site.read("content/people/ada.md"), before);
}

#[test]
fn new_refuses_an_invalid_slug_with_a_suggestion() {
    let site = Site::copy("serve-site");
    let o = new(&site, &["people", "Dee Dee"]);
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "error: `Dee Dee` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: did you mean `dee-dee`?\n"
    );
    for bad in ["../escape", "a--b", "-a", ""] {
        let o = new(&site, &["people", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
    assert!(!site.root.join("content/escape.md").exists());
}

#[test]
fn new_refuses_an_unknown_collection_with_did_you_mean() {
    let site = Site::copy("serve-site");
    for (asked, hint) in [
        ("peple", "people"),
        ("person", "people"),
        ("Groups", "groups"),
    ] {
        let o = new(&site, &[asked, "x"]);
        assert_eq!(o.status.code(), Some(2), "{asked}");
        assert_eq!(
            text(&o.stderr),
            format!(
                "error: there is no collection `{asked}` in site.yaml (collections: `people`, `groups`, `events`)\n  = help: did you mean `{hint}`?\n"
            )
        );
    }
    let o = new(&site, &["zzz", "x"]);
    assert_eq!(
        text(&o.stderr),
        "error: there is no collection `zzz` in site.yaml (collections: `people`, `groups`, `events`)\n"
    );
    assert!(!site.root.join("content/zzz").exists());
}

#[test]
fn new_notes_a_slug_shared_with_another_collection() {
    let site = Site::copy("serve-site");
    let o = new(&site, &["groups", "ada"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout),
        "created content/groups/ada.md; fill in `title`, `kind`\nnote: `ada` is also a slug in `people`; link to this entry as `[[groups/ada]]`\n"
    );
}
