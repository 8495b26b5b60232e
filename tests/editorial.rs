//! The editorial features through the binary, on `tests/fixtures/editorial` copied into a
//! temporary folder: qualified references ("Former members"), collections kept off the
//! timeline, undated and approximate dates, corrections (notice, page, feed, JSON-LD)
//! and the rule that asks for a correction when a published text changes.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod common;

/// The fixture with the default theme beside it, in a temporary folder.
struct Site {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    out: PathBuf,
}

impl Site {
    fn new() -> Site {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("site");
        common::copy_dir(&common::fixture("editorial"), &root);
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
        common::copy_dir(&repo.join("themes/default"), &root.join("themes/default"));
        let out = root.join("public");
        Site {
            _tmp: tmp,
            root,
            out,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_casefile"))
            .args(args)
            .arg("--root")
            .arg(&self.root)
            .env("NO_COLOR", "1")
            .output()
            .unwrap()
    }

    fn build(&self) -> Output {
        let output = self.run(&["build", "--quiet"]);
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        output
    }

    fn page(&self, rel: &str) -> String {
        fs::read_to_string(self.out.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
    }

    fn edit(&self, rel: &str, from: &str, to: &str) {
        let path = self.root.join(rel);
        let text = fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "{rel} has no {from:?}");
        fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The `<section>` of backlinks under the heading `label`, up to the next heading.
fn group<'a>(page: &'a str, label: &str) -> &'a str {
    let heading = format!("<h3>{label}</h3>");
    let at = page
        .find(&heading)
        .unwrap_or_else(|| panic!("no group {label:?}"));
    let rest = &page[at + heading.len()..];
    &rest[..rest.find("<h").unwrap_or(rest.len())]
}

fn json_ld(page: &str) -> serde_json::Value {
    let start = "<script type=\"application/ld+json\">";
    let rest = &page[page.find(start).unwrap() + start.len()..];
    serde_json::from_str(&rest[..rest.find("</script>").unwrap()]).unwrap()
}

#[test]
fn a_reference_with_until_is_listed_among_former_members_with_its_period() {
    let site = Site::new();
    site.build();
    let council = site.page("bodies/city-council/index.html");
    let current = group(&council, "Members of City council");
    let former = group(&council, "Former members of City council");
    assert!(current.contains("Ana Ruiz") && !current.contains("Ben Okafor"));
    assert!(former.contains("Ben Okafor") && !former.contains("Ana Ruiz"));
    assert!(
        former.contains("<time datetime=\"2015\">2015</time> – <time datetime=\"2022-05-12\">12 May 2022</time>"),
        "{former}"
    );
    assert!(current.contains("since <time datetime=\"2019\">2019</time>"));
    // The current group comes first; a plain slug in the same list is a current member.
    assert!(council.find("Members of City council") < council.find("Former members"));
    let committee = site.page("bodies/budget-committee/index.html");
    assert!(group(&committee, "Members of Budget committee").contains("Ben Okafor"));
    assert!(group(&committee, "Members of Budget committee").contains("Chair, since"));

    // The infobox of the person shows the period beside the link.
    let ben = site.page("people/ben-okafor/index.html");
    assert!(ben.contains(">City council</a> <span class=\"period\">(<time datetime=\"2015\">2015</time> – <time datetime=\"2022-05-12\">12 May 2022</time>)</span>"), "{ben}");

    // JSON-LD: schema.org's Role pattern for a qualified membership, the plain object for
    // an unqualified one.
    let ld = json_ld(&ben);
    let member_of = ld["memberOf"].as_array().unwrap();
    assert_eq!(member_of[0]["@type"], "OrganizationRole");
    assert_eq!(member_of[0]["startDate"], "2015");
    assert_eq!(member_of[0]["endDate"], "2022-05-12");
    assert_eq!(member_of[0]["memberOf"]["name"], "City council");
    assert_eq!(member_of[1]["@type"], "Organization");
    let ana = json_ld(&site.page("people/ana-ruiz/index.html"));
    assert_eq!(ana["memberOf"][1]["roleName"], "Chair");
}

#[test]
fn bad_qualified_references_are_errors_at_their_line() {
    let site = Site::new();
    site.build();
    let before = common::tree(&site.out);
    // A qualifier the field does not declare, a period that ends before it begins, and a
    // qualified reference in a field that takes plain slugs: all reported together.
    site.edit(
        "content/people/ana-ruiz.md",
        "{ to: city-council, since: 2019 }",
        "{ to: city-council, since: 2019, util: 2020 }",
    );
    site.edit(
        "content/people/ben-okafor.md",
        "since: 2015, until: 2022-05-12",
        "since: 2023, until: 2022-05-12",
    );
    site.edit(
        "content/people/ben-okafor.md",
        "mentors: [ana-ruiz]",
        "mentors: [{ to: ana-ruiz, since: 2019 }]",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains(
            "content/people/ana-ruiz.md:5:38: error: unknown key `util` for a reference of `seats`"
        ),
        "{text}"
    );
    assert!(text.contains("did you mean `until`?"), "{text}");
    assert!(
        text.contains("content/people/ben-okafor.md:5:")
            && text.contains("`until` (2022-05-12) is before `since` (2023)"),
        "{text}"
    );
    assert!(
        text.contains("`mentors` takes plain slugs: its schema declares no qualifiers"),
        "{text}"
    );
    assert!(
        text.contains("declare `qualifiers: [since, until, role]` on `mentors`"),
        "{text}"
    );
    assert_eq!(common::tree(&site.out), before, "the last good build stays");

    // An unknown qualifier in site.yaml is a configuration error.
    let site = Site::new();
    site.edit(
        "site.yaml",
        "qualifiers: [since, until, role]",
        "qualifiers: [since, untill]",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains("site.yaml:19:29: error: unknown qualifier `untill`"),
        "{text}"
    );
    assert!(text.contains("did you mean `until`?"), "{text}");
}

#[test]
fn the_timeline_keeps_off_collections_with_timeline_false_and_undated_entries() {
    let site = Site::new();
    site.build();
    let timeline = site.page("timeline/index.html");
    assert!(
        !timeline.contains("Gazette report"),
        "a source is not an event"
    );
    assert!(!timeline.contains("Council retreat"), "undated");
    let data = site.page("timeline.json");
    assert!(!data.contains("Gazette") && !data.contains("retreat"));
    // The source's collection page still lists it, by date.
    assert!(site.page("sources/index.html").contains("Gazette report"));

    // Undated entries are listed apart, after the dated ones.
    let events = site.page("events/index.html");
    let undated = events
        .find("<h2 id=\"undated\">Undated</h2>")
        .expect("an Undated section");
    let retreat = events.find("Council retreat").unwrap();
    assert!(retreat > undated);
    assert!(events.find("Budget vote").unwrap() < undated);
    assert_eq!(events.matches("Council retreat</a>").count(), 1);
}

#[test]
fn an_approximate_date_reads_around_and_sorts_before_the_exact_dates_of_its_period() {
    let site = Site::new();
    site.build();
    let talks = site.page("events/budget-talks/index.html");
    assert!(
        talks.contains("<time datetime=\"2022-09\">around September 2022</time>"),
        "{talks}"
    );
    let timeline = site.page("timeline/index.html");
    let order: Vec<usize> = ["Okafor resigns", "Budget talks began", "Budget vote"]
        .iter()
        .map(|t| timeline.find(t).unwrap_or_else(|| panic!("{t}")))
        .collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{order:?}");
    // A feed never states a day the source does not give: the approximate month stays out.
    let feed = site.page("atom.xml");
    assert!(!feed.contains("Budget talks"));
    // `approximate` with no date to qualify is an error at its line.
    site.edit("content/events/budget-talks.md", "date: 2022-09\n", "");
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("content/events/budget-talks.md:4:14: error: `approximate: true` qualifies `date`, and this page has none"),
        "{text}"
    );
}

#[test]
fn corrections_are_noted_on_the_page_gathered_on_their_own_page_and_in_a_feed() {
    let site = Site::new();
    site.build();
    let ben = site.page("people/ben-okafor/index.html");
    let notice = common::between(&ben, "<aside class=\"corrections-notice\"", "</aside>");
    assert!(notice.contains("<h2 id=\"corrections-heading\">Corrections</h2>"));
    assert!(notice.contains("<li id=\"correction-1\"><time datetime=\"2022-06-01\">1 June 2022</time>: An earlier version gave the wrong year for his election.</li>"), "{notice}");
    assert!(ben.find("corrections-notice") < ben.find("class=\"infobox\""));
    // A page without corrections has no notice.
    assert!(!site
        .page("people/ana-ruiz/index.html")
        .contains("corrections-notice"));

    // The corrections page: newest first, each linking to its notice.
    let page = site.page("corrections/index.html");
    let newest = page.find("15 July 2022").unwrap();
    let older = page.find("1 June 2022").unwrap();
    assert!(newest < older);
    assert!(page.contains("href=\"/council/people/ben-okafor/#correction-2\""));
    assert!(page.contains("<link rel=\"alternate\" type=\"application/atom+xml\" title=\"Corrections · Council watch\" href=\"/council/corrections/atom.xml\">"));
    // Every page's footer links it.
    assert!(site
        .page("index.html")
        .contains("<a href=\"/council/corrections/\">Corrections</a>"));

    // The feed: one entry per correction, absolute links.
    let feed = site.page("corrections/atom.xml");
    assert_eq!(feed.matches("<entry>").count(), 2);
    assert!(feed.contains(
        "<link href=\"https://example.org/council/people/ben-okafor/#correction-2\" rel=\"alternate\" type=\"text/html\"/>"
    ));
    assert!(feed.contains("<updated>2022-07-15T00:00:00Z</updated>"));

    // JSON-LD: a person's page carries its corrections on the WebPage, as schema.org's
    // `correction` belongs to creative works.
    let ld = json_ld(&ben);
    let corrections = ld["mainEntityOfPage"]["correction"].as_array().unwrap();
    assert_eq!(corrections.len(), 2);
    assert_eq!(corrections[0]["@type"], "CorrectionComment");
    assert_eq!(corrections[1]["datePublished"], "2022-07-15");
    assert!(ld.get("correction").is_none());

    // A correction needs a full date and a note.
    site.edit(
        "content/people/ben-okafor.md",
        "date: 2022-06-01",
        "date: 2022-06",
    );
    site.edit(
        "content/people/ben-okafor.md",
        "    note: \"An earlier version said he chaired the budget committee.\"",
        "    nte: \"An earlier version said he chaired the budget committee.\"",
    );
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("content/people/ben-okafor.md:9:11: error: a correction's `date` must be a full day such as `2023-03-24`"), "{text}");
    assert!(
        text.contains(
            "content/people/ben-okafor.md:12:5: error: unknown key `nte` for a correction"
        ),
        "{text}"
    );
    assert!(
        text.contains("content/people/ben-okafor.md:11:5: error: missing required field `note`"),
        "{text}"
    );
    assert!(text.contains("did you mean `note`?"), "{text}");
}

#[test]
fn a_published_text_that_changes_needs_a_new_correction() {
    let site = Site::new();
    site.build();
    let record: serde_json::Value =
        serde_json::from_str(&site.page("casefile-published.json")).unwrap();
    // Only the collection with the rule is recorded.
    assert!(record["entries"]["events/budget-vote"]["text"].is_string());
    assert!(record["entries"].get("people/ben-okafor").is_none());

    // A change to a tag or a date is not a change of text; a change of words is.
    site.edit(
        "content/events/budget-vote.md",
        "date: 2022-09-20",
        "date: 2022-09-21",
    );
    site.build();
    site.edit(
        "content/events/budget-vote.md",
        "voted on the budget on 20 September.",
        "voted on the budget on 21 September.",
    );
    let before = common::tree(&site.out);
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("content/events/budget-vote.md:1:1: error: an event's text changed since it was published; say what changed in a correction"), "{text}");
    assert!(text.contains("add a record to `corrections:`"), "{text}");
    assert_eq!(common::tree(&site.out), before, "the last good build stays");
    // `check` says the same, and writes nothing.
    let output = site.run(&["check"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("an event's text changed"));

    // With a correction, it builds; the record then holds the new text.
    site.edit(
        "content/events/budget-vote.md",
        "bodies: [city-council]",
        "bodies: [city-council]\ncorrections:\n  - { date: 2022-09-22, note: An earlier version gave the wrong day for the vote. }",
    );
    site.build();
    site.edit(
        "content/events/budget-vote.md",
        "on 21 September.",
        "on 21 September 2022.",
    );
    let output = site.run(&["build"]);
    assert_eq!(
        output.status.code(),
        Some(1),
        "a second change needs a second correction"
    );

    // A new entry needs none; an unreadable record is an error that names the file.
    let site = Site::new();
    site.build();
    site.write(
        "content/events/new-event.md",
        "---\ntitle: New event\ndate: 2022-10-01\n---\nText.\n",
    );
    site.build();
    fs::write(site.out.join("casefile-published.json"), "{ not json").unwrap();
    let output = site.run(&["build"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(
        text.contains("casefile-published.json") && text.contains("is unreadable"),
        "{text}"
    );
    assert!(
        text.contains("delete the file to start a new record"),
        "{text}"
    );
}
