//! Exact diagnostics for broken sites: each case copies the `valid` fixture, breaks
//! one thing (or a few) and asserts every reported problem, as printed:
//! `path:line:col: error: message` and an optional `  = help: hint` line.

mod common;

use std::path::Path;

use casefile::{Category, Location};
use common::{fixture, listed, Site};

/// Checks (and builds) `site`, expecting exactly `expected`, in order, and exit code 1.
#[track_caller]
fn assert_problems(site: &Site, expected: &[&str]) {
    let err = match site.check() {
        Ok(_) => panic!("check succeeded; expected:\n{}", expected.join("\n")),
        Err(err) => err,
    };
    assert_eq!(listed(&err), expected.join("\n"));
    let n = expected.len();
    let summary = format!("error: {n} problem{} found", if n == 1 { "" } else { "s" });
    assert!(err.to_string().ends_with(&format!("\n{summary}")), "{err}");
    assert_eq!(err.exit_code(), 1, "content problems exit with 1");
    // A build reports the same and writes nothing.
    let out = site.out("public");
    let built = site.build(&out).expect_err("build must fail too");
    assert_eq!(listed(&built), listed(&err));
    assert!(
        !out.exists(),
        "a failed first build must not create the output"
    );
}

/// Expects `site.yaml` (or the options) to be refused with exactly `expected`, exit code 2.
#[track_caller]
fn assert_config_problems(root: &Path, base_url: Option<&str>, expected: &[&str]) {
    let mut options = common::options(root, &root.join("public"), false);
    options.base_url = base_url.map(String::from);
    let err = match casefile::load_config(&options) {
        Ok(_) => panic!("config accepted; expected:\n{}", expected.join("\n")),
        Err(err) => err,
    };
    assert_eq!(listed(&err), expected.join("\n"));
    assert_eq!(err.exit_code(), 2, "config problems exit with 2");
    assert!(err.iter().all(|d| d.category() == Category::Config));
}

fn valid() -> Site {
    Site::copy("valid")
}

// ----- references in front matter -------------------------------------------------

#[test]
fn unknown_ref_slug_suggests_the_closest_entry() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: han-dng",
    );
    assert_problems(
        &site,
        &["content/bodies/house-committee.md:5:8: error: `people/han-dng` does not exist\n  = help: did you mean `han-dong`?"],
    );
}

#[test]
fn diagnostic_fields_are_exposed() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: han-dng",
    );
    let err = site.check().unwrap_err();
    let all: Vec<_> = err.iter().collect();
    assert_eq!(all.len(), 1);
    let d = all[0];
    assert_eq!(d.path(), Path::new("content/bodies/house-committee.md"));
    assert_eq!(d.location(), Some(Location { line: 5, col: 8 }));
    assert_eq!(d.category(), Category::Content);
    assert_eq!(d.message(), "`people/han-dng` does not exist");
    assert_eq!(d.hint(), Some("did you mean `han-dong`?"));
}

#[test]
fn unknown_ref_in_a_list_points_at_the_item() {
    let site = valid();
    site.replace(
        "content/people/han-dong.md",
        "affiliations: [house-committee]",
        "affiliations: [house-commitee]",
    );
    assert_problems(
        &site,
        &["content/people/han-dong.md:5:16: error: `bodies/house-commitee` does not exist\n  = help: did you mean `house-committee`?"],
    );
}

#[test]
fn unknown_ref_in_a_record_and_the_failed_editorial_check() {
    let site = valid();
    site.replace(
        "content/allegations/advice.md",
        "  - by: han-tao",
        "  - by: han-toa",
    );
    assert_problems(
        &site,
        &[
            "content/allegations/advice.md:5:22: error: every subject of an allegation needs a response (`han-tao` has none)\n  = help: add to `responses`: `- { by: han-tao, ... }`",
            "content/allegations/advice.md:10:9: error: `people/han-toa` does not exist\n  = help: did you mean `han-tao`?",
        ],
    );
}

#[test]
fn editorial_check_names_the_subject_without_a_response() {
    let site = valid();
    site.replace(
        "content/allegations/advice.md",
        "  - by: han-tao\n    stance: no-response\n",
        "",
    );
    assert_problems(
        &site,
        &["content/allegations/advice.md:5:22: error: every subject of an allegation needs a response (`han-tao` has none)\n  = help: add to `responses`: `- { by: han-tao, ... }`"],
    );
}

#[test]
fn ref_to_a_draft_is_refused_unless_drafts_are_built() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: jane-doe",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nAsk [[jane-doe]].\n",
    );
    assert_problems(
        &site,
        &[
            "content/about.md:4:5: error: `people/jane-doe` is a draft and is not published\n  = help: build with `--drafts`, or remove `draft: true` from that entry",
            "content/bodies/house-committee.md:5:8: error: `people/jane-doe` is a draft and is not published\n  = help: build with `--drafts`, or remove `draft: true` from that entry",
        ],
    );
    let with_drafts = common::check(&site.config(&site.out("public"), true));
    assert!(with_drafts.is_ok(), "{}", with_drafts.unwrap_err());
}

#[test]
fn bad_ref_slug_suggests_a_slug() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: Han Tao",
    );
    assert_problems(
        &site,
        &["content/bodies/house-committee.md:5:8: error: `Han Tao` is not a valid slug\n  = help: slugs look like `han-tao`"],
    );
}

// ----- links in Markdown ----------------------------------------------------------

#[test]
fn unknown_wiki_link_suggests_the_closest_slug() {
    let site = valid();
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nIntro.\n\nSee [[han-dongg]] now.\n",
    );
    assert_problems(
        &site,
        &["content/about.md:6:5: error: no entry or page has the slug `han-dongg`\n  = help: did you mean `[[han-dong]]`?"],
    );
}

#[test]
fn unknown_qualified_wiki_link() {
    let site = valid();
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nSee [[people/han-dongg|him]].\n",
    );
    assert_problems(
        &site,
        &["content/about.md:4:5: error: `people/han-dongg` does not exist\n  = help: did you mean `han-dong`?"],
    );
}

#[test]
fn ambiguous_wiki_link_lists_the_qualified_forms() {
    let site = valid();
    site.write(
        "content/bodies/han-tao.md",
        "---\ntitle: Han Tao's office\nkind: agency\n---\n",
    );
    site.write(
        "content/notes.md",
        "---\ntitle: Notes\n---\nAsk [[han-tao]].\n",
    );
    assert_problems(
        &site,
        &["content/notes.md:4:5: error: `[[han-tao]]` is ambiguous: several entries have that slug\n  = help: write one of [[bodies/han-tao]], [[people/han-tao]]"],
    );
}

#[test]
fn unknown_fragments_suggest_or_list_headings() {
    let site = valid();
    site.write(
        "content/about.md",
        concat!(
            "---\ntitle: About this site\n---\n",
            "See [[han-dong#denail]].\n",
            "And [x](people/han-dong.md#zzz).\n",
            "And [[global-news#history]].\n",
        ),
    );
    assert_problems(
        &site,
        &[
            "content/about.md:4:5: error: `content/people/han-dong.md` has no heading with id `denail`\n  = help: did you mean `denial`?",
            "content/about.md:5:5: error: `content/people/han-dong.md` has no heading with id `zzz`\n  = help: its headings are: `background`, `denial`",
            "content/about.md:6:5: error: `content/bodies/global-news.md` has no heading with id `history`",
        ],
    );
}

#[test]
fn file_link_to_a_missing_file() {
    let site = valid();
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\n[x](people/han-dongg.md)\n",
    );
    assert_problems(
        &site,
        &["content/about.md:4:1: error: link to `people/han-dongg.md`: no content file at `content/people/han-dongg.md`\n  = help: did you mean `content/people/han-dong.md`?"],
    );
}

#[test]
fn javascript_links_are_refused() {
    let site = valid();
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nDo not [click](javascript:alert(1)).\n\n![x](data:text/html,hi)\n",
    );
    assert_problems(
        &site,
        &[
            "content/about.md:4:8: error: link `javascript:alert(1)` uses a scheme that is not allowed\n  = help: `javascript:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
            "content/about.md:6:1: error: image source `data:text/html,hi` uses a scheme that is not allowed\n  = help: `data:` runs code or reads local data in a reader's browser; use a web address or a path (a site that needs it lists it under `links: { allow_schemes: [...] }` in site.yaml)",
        ],
    );
}

#[test]
fn broken_link_inside_a_markdown_field_points_at_the_value() {
    let site = valid();
    site.replace(
        "content/allegations/witting-affiliate.md",
        "according to [[global-news]].",
        "according to [[global-newz]].",
    );
    assert_problems(
        &site,
        &["content/allegations/witting-affiliate.md:8:8: error: no entry or page has the slug `global-newz`\n  = help: did you mean `[[global-news]]`?"],
    );
}

// ----- front matter ---------------------------------------------------------------

#[test]
fn unknown_front_matter_key_suggests_a_known_one() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nsumary: Consul general in Toronto.\nrole: Consul general\n---\nBody.\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:3:1: error: unknown key `sumary` for an entry of `people`\n  = help: did you mean `summary`?"],
    );
}

#[test]
fn unknown_key_on_a_page_and_its_missing_title() {
    let site = valid();
    site.write("content/about.md", "---\ntilte: About\n---\nText.\n");
    assert_problems(
        &site,
        &[
            "content/about.md:2:1: error: missing required field `title`",
            "content/about.md:2:1: error: unknown key `tilte` for a page\n  = help: did you mean `title`?",
        ],
    );
}

#[test]
fn unknown_key_in_a_record() {
    let site = valid();
    site.replace(
        "content/allegations/witting-affiliate.md",
        "    date: 2023-02\n",
        "    date: 2023-02\n    stanse: denies\n",
    );
    assert_problems(
        &site,
        &["content/allegations/witting-affiliate.md:15:5: error: unknown key `stanse` for a record of `responses`\n  = help: did you mean `stance`?"],
    );
}

#[test]
fn missing_required_field() {
    let site = valid();
    site.replace("content/people/han-tao.md", "role: Consul general\n", "");
    assert_problems(
        &site,
        &["content/people/han-tao.md:2:1: error: missing required field `role`"],
    );
}

#[test]
fn missing_required_field_in_a_record() {
    let site = valid();
    site.replace(
        "content/allegations/advice.md",
        "    stance: no-response\n",
        "",
    );
    assert_problems(
        &site,
        &["content/allegations/advice.md:10:5: error: missing required field `stance`"],
    );
}

#[test]
fn wrong_enum_value_suggests_an_allowed_one() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "kind: committee",
        "kind: comittee",
    );
    site.replace(
        "content/allegations/advice.md",
        "stance: denies",
        "stance: deny",
    );
    assert_problems(
        &site,
        &[
            "content/allegations/advice.md:9:13: error: `deny` is not an allowed value of `stance` (allowed: `denies`, `confirms`, `no-response`)\n  = help: did you mean `denies`?",
            "content/bodies/house-committee.md:4:7: error: `comittee` is not an allowed value of `kind` (allowed: `committee`, `agency`, `newspaper`)\n  = help: did you mean `committee`?",
        ],
    );
}

#[test]
fn bad_dates_are_located() {
    let site = valid();
    site.replace(
        "content/allegations/advice.md",
        "date: 2023-02",
        "date: Feb 2023",
    );
    site.replace(
        "content/allegations/witting-affiliate.md",
        "date: 2023-02-25",
        "date: 2023-02-30",
    );
    site.replace(
        "content/allegations/witting-affiliate.md",
        "    date: 2023-02",
        "    date: 2023-13",
    );
    assert_problems(
        &site,
        &[
            "content/allegations/advice.md:3:7: error: `date`: `Feb 2023` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
            "content/allegations/witting-affiliate.md:4:7: error: `date`: `2023-02-30` is not a real date",
            "content/allegations/witting-affiliate.md:14:11: error: `date`: `2023-13` is not a real date",
        ],
    );
}

#[test]
fn values_of_the_wrong_type() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "founded: 1994",
        "founded: many",
    );
    site.replace(
        "content/bodies/house-committee.md",
        "tags: [Elections, Parliament]",
        "tags: Elections",
    );
    site.replace(
        "content/bodies/global-news.md",
        "website: https://globalnews.ca/",
        "website: javascript:alert(1)",
    );
    site.replace(
        "content/allegations/witting-affiliate.md",
        "anonymous: true",
        "anonymous: yes",
    );
    assert_problems(
        &site,
        &[
            "content/allegations/witting-affiliate.md:10:12: error: `anonymous` must be `true` or `false`, found text",
            "content/bodies/global-news.md:4:10: error: `website`: `javascript:alert(1)` is not an absolute URL with an allowed scheme",
            "content/bodies/house-committee.md:6:10: error: `founded` must be a whole number, found text",
            "content/bodies/house-committee.md:8:7: error: `tags` must be a list such as `[elections, inquiry]`, found text",
        ],
    );
}

#[test]
fn malformed_yaml_is_located() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\n  role: Consul general\n---\nBody.\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:3:7: error: invalid YAML in front matter: mapping values are not allowed in this context"],
    );
}

#[test]
fn duplicate_front_matter_key_points_at_the_repeat() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nrole: Consul general\ntitle: Again\n---\nBody.\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:4:1: error: duplicate key `title` in front matter"],
    );
}

#[test]
fn unclosed_front_matter() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nrole: Consul general\n\nBody.\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:1:1: error: front matter opened with `---` on line 1 is never closed: add a line `---` after the last key"],
    );
}

#[test]
fn entry_without_front_matter() {
    let site = valid();
    site.write("content/people/han-li.md", "Just some text.\n");
    assert_problems(
        &site,
        &["content/people/han-li.md:1:1: error: missing front matter: start the file with `---`, a `title:` line and `---`"],
    );
}

#[test]
fn invalid_utf8_is_located_at_the_first_bad_byte() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        b"---\ntitle: Han Tao\nrole: Consul g\xe9n\xe9ral\n---\nBody.\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:3:15: error: file is not valid UTF-8 text\n  = help: save the file as UTF-8"],
    );
}

// ----- files and folders ----------------------------------------------------------

#[test]
fn bad_slug_file_name_suggests_a_rename() {
    let site = valid();
    site.write(
        "content/people/Jane_Smith.md",
        "---\ntitle: Jane Smith\nrole: Reporter\n---\n",
    );
    assert_problems(
        &site,
        &["content/people/Jane_Smith.md: error: `Jane_Smith` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: rename the file to `jane-smith.md`"],
    );
}

#[test]
fn unknown_collection_folder_suggests_a_declared_one() {
    let site = valid();
    site.write(
        "content/peple/han-li.md",
        "---\ntitle: Han Li\nrole: x\n---\n",
    );
    assert_problems(
        &site,
        &["content/peple/han-li.md: error: folder `peple` is not a collection declared in `site.yaml`\n  = help: did you mean `people`?"],
    );
}

#[test]
fn content_nested_too_deep() {
    let site = valid();
    site.write(
        "content/people/more/han-li.md",
        "---\ntitle: Han Li\nrole: x\n---\n",
    );
    assert_problems(
        &site,
        &["content/people/more/han-li.md: error: content files go in `content/` or one collection folder below it"],
    );
}

#[test]
fn page_slug_taken_by_the_engine_or_a_collection() {
    let site = valid();
    site.write("content/timeline.md", "---\ntitle: My timeline\n---\n");
    site.write("content/people.md", "---\ntitle: People page\n---\n");
    assert_problems(
        &site,
        &[
            "content/people.md:2:1: error: page `people` would be published at the same address as the engine's or a collection's page",
            "content/timeline.md:2:1: error: page `timeline` would be published at the same address as the engine's or a collection's page",
        ],
    );
}

#[test]
fn several_errors_in_different_files_are_reported_together_and_sorted() {
    let site = valid();
    site.write(
        "content/people/Jane_Smith.md",
        "---\ntitle: Jane Smith\nrole: Reporter\n---\n",
    );
    site.write(
        "content/people/han-tao.md",
        b"---\ntitle: Han Tao\nrole: Consul g\xe9n\xe9ral\n---\n",
    );
    site.replace(
        "content/bodies/house-committee.md",
        "kind: committee",
        "kind: comittee",
    );
    site.replace(
        "content/allegations/advice.md",
        "date: 2023-02",
        "date: Feb 2023",
    );
    site.write("content/about.md", "---\ntitle: About\nsumary: x\n---\n");
    assert_problems(
        &site,
        &[
            "content/about.md:3:1: error: unknown key `sumary` for a page\n  = help: did you mean `summary`?",
            "content/allegations/advice.md:3:7: error: `date`: `Feb 2023` is not a date: write `YYYY`, `YYYY-MM` or `YYYY-MM-DD`",
            "content/bodies/house-committee.md:4:7: error: `comittee` is not an allowed value of `kind` (allowed: `committee`, `agency`, `newspaper`)\n  = help: did you mean `committee`?",
            "content/people/Jane_Smith.md: error: `Jane_Smith` is not a valid slug: use lowercase letters, digits and single hyphens\n  = help: rename the file to `jane-smith.md`",
            "content/people/han-tao.md:3:15: error: file is not valid UTF-8 text\n  = help: save the file as UTF-8",
        ],
    );
}

#[test]
fn several_link_errors_in_different_files_are_reported_together_and_sorted() {
    let site = valid();
    site.replace(
        "content/bodies/house-committee.md",
        "chair: han-tao",
        "chair: han-dng",
    );
    site.replace(
        "content/allegations/advice.md",
        "  - by: han-tao\n    stance: no-response\n",
        "",
    );
    site.write(
        "content/about.md",
        "---\ntitle: About this site\n---\nSee [[han-dongg]] and [[han-dong#denail]].\n",
    );
    assert_problems(
        &site,
        &[
            "content/about.md:4:5: error: no entry or page has the slug `han-dongg`\n  = help: did you mean `[[han-dong]]`?",
            "content/about.md:4:23: error: `content/people/han-dong.md` has no heading with id `denail`\n  = help: did you mean `denial`?",
            "content/allegations/advice.md:5:22: error: every subject of an allegation needs a response (`han-tao` has none)\n  = help: add to `responses`: `- { by: han-tao, ... }`",
            "content/bodies/house-committee.md:5:8: error: `people/han-dng` does not exist\n  = help: did you mean `han-dong`?",
        ],
    );
}

// ----- templates ------------------------------------------------------------------

#[test]
fn template_syntax_errors_name_the_file_line_and_column() {
    let site = valid();
    site.write(
        "themes/min/templates/tags.html",
        "{% extends \"base.html\" %}\n{% block main %}\n{% for t in site.tags %}\n<li>{{ t.name }</li>\n{% endfor %}\n{% endblock main %}\n",
    );
    site.write("templates/tag.html", "<h1>{{ tag.name | }}</h1>\n");
    // Every broken template is reported in one run, site templates and theme ones.
    assert_problems(
        &site,
        &[
            "templates/tag.html:1:19: error: Found `}}` but expected identifier.",
            "themes/min/templates/tags.html:4:15: error: Found `}` but expected }}.",
        ],
    );
}

#[test]
fn unclosed_block_is_reported_at_the_end_of_the_template() {
    let site = valid();
    site.write(
        "templates/tag.html",
        "<h1>{% if tag.name %}{{ tag.name }}</h1>\n",
    );
    assert_problems(
        &site,
        &["templates/tag.html:2:1: error: Unexpected end of input"],
    );
}

/// Expects one diagnostic per `(location, rendering)` pair: the template file, line and
/// column exactly, the message starting with `message` (tera's list of available names
/// after it is not pinned) and ending with the page being rendered.
#[track_caller]
fn assert_render_errors(site: &Site, message: &str, expected: &[(&str, &str)]) {
    let err = site.check().expect_err("check must fail");
    let shown = listed(&err);
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines.len(), expected.len(), "{shown}");
    for (line, (place, url)) in lines.iter().zip(expected) {
        let head = format!("{place}: error: {message}");
        let tail = format!(" (while rendering `{url}`)");
        assert!(
            line.starts_with(&head),
            "expected `{head}...`, got:\n{shown}"
        );
        assert!(line.ends_with(&tail), "expected `...{tail}`, got:\n{shown}");
    }
    assert_eq!(err.exit_code(), 1);
}

#[test]
fn template_runtime_error_names_the_template_and_the_page() {
    let site = valid();
    site.write(
        "themes/min/templates/timeline.html",
        "<h1>{{ page.title }}</h1>\n<p>\n{{ page.subtitle }}\n</p>\n",
    );
    assert_render_errors(
        &site,
        "Field `subtitle` is not defined.",
        &[(
            "themes/min/templates/timeline.html:3:9",
            "/explainer/timeline/",
        )],
    );
}

#[test]
fn template_runtime_error_on_many_pages_is_reported_for_each_page() {
    let site = valid();
    site.write("themes/min/templates/tag.html", "<h1>{{ tag.nmae }}</h1>\n");
    let at = "themes/min/templates/tag.html:1:12";
    assert_render_errors(
        &site,
        "Field `nmae` is not defined.",
        &[
            (at, "/explainer/tags/elections/"),
            (at, "/explainer/tags/foreign-interference/"),
            (at, "/explainer/tags/parliament/"),
        ],
    );
}

#[test]
fn template_runtime_error_in_an_included_template_names_that_file() {
    let site = valid();
    site.write(
        "themes/min/templates/404.html",
        "<h1>{{ page.title }}</h1>\n{% include \"oops.html\" %}\n",
    );
    site.write(
        "themes/min/templates/oops.html",
        "<p>\n  {{ nope }}\n</p>\n",
    );
    assert_render_errors(
        &site,
        "Variable `nope` is not defined.",
        &[("themes/min/templates/oops.html:2:6", "/explainer/404.html")],
    );
}

#[test]
fn template_function_errors_suggest_an_entry() {
    let site = valid();
    site.replace(
        "themes/min/templates/index.html",
        "get_entry(id=\"people/han-dong\")",
        "get_entry(id=\"people/han-dongg\")",
    );
    assert_problems(
        &site,
        &["themes/min/templates/index.html:8:19: error: get_entry: no entry `people/han-dongg` (write it as `collection/slug`); did you mean `people/han-dong`? (while rendering `/explainer/`)"],
    );
}

#[test]
fn missing_template_names_the_files_looked_up() {
    let site = valid();
    site.remove("themes/min/templates/timeline.html");
    site.remove("themes/min/templates/entry.html");
    assert_problems(
        &site,
        &[
            "templates: error: no template for entries of `bodies`: add one of `bodies/entry.html` or `entry.html`\n  = help: templates are looked up in `templates/`, then in the theme's `templates/`",
            "templates: error: no template for entries of `people`: add one of `people/entry.html` or `entry.html`\n  = help: templates are looked up in `templates/`, then in the theme's `templates/`",
            "templates: error: no template for the timeline: add one of `timeline.html`\n  = help: templates are looked up in `templates/`, then in the theme's `templates/`",
        ],
    );
}

#[test]
fn optional_templates_may_be_left_out() {
    let site = valid();
    for name in ["tags.html", "tag.html", "404.html"] {
        site.remove(&format!("themes/min/templates/{name}"));
    }
    let out = site.out("public");
    site.build(&out).unwrap();
    let files = common::files(&out);
    assert!(
        !files
            .iter()
            .any(|f| f.starts_with("tags/") || f == "404.html"),
        "{files:?}"
    );
}

#[test]
fn static_file_that_would_overwrite_a_page() {
    let site = valid();
    site.write("static/about/index.html", "<p>static</p>");
    let err = site.check().expect_err("check must fail");
    let all: Vec<_> = err.iter().collect();
    assert_eq!(all.len(), 1, "{err}");
    assert_eq!(
        all[0].path(),
        Path::new("static/about/index.html"),
        "the diagnostic must name the static file: {err}"
    );
    assert_eq!(all[0].location(), None);
    assert!(all[0].message().contains("about/index.html"), "{err}");
    assert_eq!(err.exit_code(), 1);
}

// ----- site.yaml and options (exit code 2) ----------------------------------------

#[test]
fn config_errors_are_located_with_hints() {
    assert_config_problems(
        &fixture("bad_config"),
        None,
        &[
            "site.yaml:3:1: error: unknown key `langauge`\n  = help: did you mean `language`?",
            "site.yaml:9:21: error: unknown field type `strng`\n  = help: did you mean `string`?",
            "site.yaml:10:39: error: field `affiliations` refers to collection `bodys`, which is not declared\n  = help: did you mean `bodies`?",
        ],
    );
}

/// The valid site with `site.yaml` replaced by `yaml`.
fn with_config(yaml: &str) -> Site {
    let site = valid();
    site.write("site.yaml", yaml);
    site
}

#[test]
fn config_syntax_error_is_located() {
    let site = with_config("title: x\ncollections:\n  people: [a\n");
    let err =
        casefile::load_config(&common::options(&site.root, &site.out("p"), false)).unwrap_err();
    let shown = listed(&err);
    // site.yaml is read by the same YAML reader as front matter: an unclosed list is
    // shown where it was opened.
    assert_eq!(
        shown,
        "site.yaml:3:11: error: invalid YAML: did not find expected ',' or ']'\n  = help: the list opened here with `[` is not closed with `]`"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn config_duplicate_key_points_at_the_repeat() {
    let site = with_config("title: x\nbase_url: https://example.org/\ntheme: min\ntitle: y\n");
    assert_config_problems(
        &site.root,
        None,
        &["site.yaml:4:1: error: duplicate key `title`"],
    );
}

#[test]
fn config_missing_required_keys_and_bad_values() {
    let site = with_config(concat!(
        "description: no title\n",
        "base_url: example.org\n",
        "theme: nosuch\n",
        "collections:\n",
        "  tags:\n",
        "    title: Tags\n",
        "  People:\n",
        "    title: People\n",
        "  items:\n",
        "    sort: newest\n",
        "    fields:\n",
        "      title: { type: string }\n",
        "      kind: { type: enum }\n",
    ));
    assert_config_problems(
        &site.root,
        None,
        &[
            "site.yaml:1:1: error: missing required key `title`",
            "site.yaml:2:11: error: `base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `example.org`",
            "site.yaml:3:8: error: theme `nosuch` not found in `themes/`\n  = help: only `default` is built in; `casefile theme copy nosuch` writes a copy of it to restyle",
            "site.yaml:5:3: error: `tags` is reserved for the engine's own pages",
            "site.yaml:7:3: error: `People` is not a valid name: use lowercase letters, digits, `-` and `_`",
            "site.yaml:10:11: error: `sort: newest` must be `title` or `date`",
            "site.yaml:12:7: error: field `title` is built in; every entry already has it",
            "site.yaml:13:13: error: missing required key `values`",
        ],
    );
}

#[test]
fn config_bad_check_rule() {
    let site = valid();
    site.replace(
        "site.yaml",
        "        field: subjects\n",
        "        field: subject\n",
    );
    let line = site
        .read("site.yaml")
        .lines()
        .position(|l| l.contains("- rule: each-has-record"))
        .unwrap()
        + 1;
    assert_config_problems(
        &site.root,
        None,
        &[&format!(
            "site.yaml:{line}:9: error: check: `subject` is not a ref or refs field of this collection"
        )],
    );
}

#[test]
fn bad_base_url_option_is_a_config_error() {
    assert_config_problems(
        &fixture("valid"),
        Some("ftp://example.org/"),
        &["--base-url: error: `base_url` must be an absolute http(s) URL such as `https://example.org/explainer/`, not `ftp://example.org/`"],
    );
}

#[test]
fn missing_site_yaml_is_a_config_error() {
    let tmp = tempfile::tempdir().unwrap();
    let err = casefile::load_config(&common::options(tmp.path(), &tmp.path().join("p"), false))
        .unwrap_err();
    assert_eq!(
        listed(&err),
        "site.yaml: error: cannot read `site.yaml`: No such file or directory (os error 2)"
    );
    assert_eq!(err.exit_code(), 2);
}

#[test]
fn missing_content_folder() {
    let site = valid();
    std::fs::remove_dir_all(site.root.join("content")).unwrap();
    assert_problems(&site, &["content: error: no `content/` folder in the site"]);
}

// ----- checks of the rendered pages (`check` only) ---------------------------------

#[test]
fn check_finds_broken_links_and_fragments_in_rendered_pages() {
    let site = valid();
    site.write(
        "templates/tags.html",
        concat!(
            "<title>Tags</title><meta name=\"description\" content=\"All tags\">\n",
            "<a href=\"{{ site.home_url }}nowhere/\">x</a>\n",
            "<a href=\"{{ site.home_url }}people/han-dong/#nope\">y</a>\n",
            "<a href=\"{{ site.home_url }}people/han-dong/#denial\">z</a>\n",
            "<a href=\"https://example.com/elsewhere\">w</a>\n",
        ),
    );
    let err = site.check().expect_err("check must fail");
    assert_eq!(
        listed(&err),
        concat!(
            "public/tags/index.html: error: link to `/explainer/nowhere/` does not resolve to a page or file of the site\n",
            "public/tags/index.html: error: link to `/explainer/people/han-dong/#nope`: the page has no element with id `nope`",
        )
    );
    assert_eq!(err.exit_code(), 1);
    // A build does not check rendered pages: it succeeds.
    site.build(&site.out("public")).unwrap();
}

#[test]
fn check_requires_a_title_and_a_description() {
    let site = valid();
    site.write("templates/tags.html", "<p>no head at all</p>\n");
    let err = site.check().expect_err("check must fail");
    assert_eq!(
        listed(&err),
        concat!(
            "public/tags/index.html: error: page has no <title>\n",
            "site.yaml:1:1: warning: 1 page with no content file has no <meta name=\"description\">: tags/index.html\n",
            "  = help: set `description:` in site.yaml; the theme uses it on pages without text of their own",
        )
    );
    assert_eq!((err.errors(), err.warnings()), (1, 1));
    // Without a description only, the check passes with a warning.
    site.write(
        "templates/tags.html",
        "<title>Tags</title><p>no description</p>\n",
    );
    let report = site.check().expect("only a warning");
    assert_eq!(
        listed(&report.warnings),
        concat!(
            "site.yaml:1:1: warning: 1 page with no content file has no <meta name=\"description\">: tags/index.html\n",
            "  = help: set `description:` in site.yaml; the theme uses it on pages without text of their own",
        )
    );
}

// ----- positions in awkward places -------------------------------------------------

#[test]
fn columns_count_characters_not_bytes() {
    let site = valid();
    site.write(
        "content/about.md",
        "---\ntitle: About — café\n---\nCafé — see [[han-dongg]].\n",
    );
    assert_problems(
        &site,
        &["content/about.md:4:12: error: no entry or page has the slug `han-dongg`\n  = help: did you mean `[[han-dong]]`?"],
    );
}

#[test]
fn crlf_and_byte_order_mark_do_not_shift_positions() {
    let site = valid();
    site.write(
        "content/about.md",
        "\u{feff}---\r\ntitle: About\r\nsumary: x\r\n---\r\nIntro.\r\n\r\nSee [[han-dongg]].\r\n",
    );
    assert_problems(
        &site,
        &["content/about.md:3:1: error: unknown key `sumary` for a page\n  = help: did you mean `summary`?"],
    );
    site.write(
        "content/about.md",
        "\u{feff}---\r\ntitle: About\r\n---\r\nIntro.\r\n\r\nSee [[han-dongg]].\r\n",
    );
    assert_problems(
        &site,
        &["content/about.md:6:5: error: no entry or page has the slug `han-dongg`\n  = help: did you mean `[[han-dong]]`?"],
    );
}

#[test]
fn links_in_quotes_lists_and_tables_are_located() {
    let site = valid();
    site.write(
        "content/about.md",
        concat!(
            "---\ntitle: About\n---\n",
            "> Quoted [[nope-one]].\n",
            "\n",
            "- item\n",
            "  - nested [[nope-two]]\n",
            "\n",
            "| a | b |\n",
            "|---|---|\n",
            "| x | [[nope-three]] |\n",
        ),
    );
    assert_problems(
        &site,
        &[
            "content/about.md:4:10: error: no entry or page has the slug `nope-one`",
            "content/about.md:7:12: error: no entry or page has the slug `nope-two`",
            "content/about.md:11:7: error: no entry or page has the slug `nope-three`",
        ],
    );
}

#[test]
fn wiki_link_syntax_in_code_is_not_a_link() {
    let site = valid();
    site.write(
        "content/about.md",
        concat!(
            "---\ntitle: About\n---\n",
            "Write `[[slug]]` to link; see [[about]] itself and [[han-dong]].\n",
            "\n",
            "```\n[[not-a-link]]\n```\n",
            "\n",
            "    [[indented-code]]\n",
        ),
    );
    let out = site.out("public");
    if let Err(d) = site.build(&out) {
        panic!("{d}");
    }
    let about = common::page(&out, "about/index.html");
    assert!(about.contains("<code>[[slug]]</code>"), "{about}");
    assert!(about.contains("[[not-a-link]]"), "{about}");
    assert!(about.contains("[[indented-code]]"), "{about}");
    assert!(
        about.contains(r#"<a href="/explainer/about/">About</a>"#),
        "{about}"
    );
}

#[test]
fn editorial_check_on_a_single_slug_points_at_it() {
    let site = valid();
    site.replace(
        "content/allegations/election-funds.md",
        "subjects: people/han-dong",
        "subjects: people/han-tao",
    );
    assert_problems(
        &site,
        &["content/allegations/election-funds.md:5:11: error: every subject of an allegation needs a response (`han-tao` has none)\n  = help: add to `responses`: `- { by: han-tao, ... }`"],
    );
}

#[test]
fn unknown_key_in_a_flow_record_points_at_the_key() {
    let site = valid();
    site.replace(
        "content/allegations/election-funds.md",
        "  - { by: han-dong, stance: denies }",
        "  - { by: han-dong, stance: denies, quote: \"No.\" }",
    );
    assert_problems(
        &site,
        &["content/allegations/election-funds.md:8:37: error: unknown key `quote` for a record of `responses`"],
    );
}

#[test]
fn unclosed_flow_sequence_points_at_its_opening_bracket() {
    // serde_yaml notices the problem at the end of the front matter and says where the
    // sequence started ("while parsing a flow sequence at line 2 column 7", counted
    // within the YAML); the diagnostic must point there, not at the closing `---`.
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nrole: [Consul, general\n---\nBody.\n",
    );
    let err = site.check().unwrap_err();
    let all: Vec<_> = err.iter().collect();
    assert_eq!(all.len(), 1, "{err}");
    assert_eq!(all[0].path(), Path::new("content/people/han-tao.md"));
    assert!(
        all[0]
            .message()
            .starts_with("invalid YAML in front matter: did not find expected ',' or ']'"),
        "{err}"
    );
    assert_eq!(all[0].location(), Some(Location::new(3, 7)), "{err}");
}

#[test]
fn unclosed_quote_points_at_its_opening_quote() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\nrole: \"Consul general\n---\nBody.\n",
    );
    let err = site.check().unwrap_err();
    let all: Vec<_> = err.iter().collect();
    assert_eq!(all.len(), 1, "{err}");
    assert!(
        all[0]
            .message()
            .starts_with("invalid YAML in front matter: found unexpected end of stream"),
        "{err}"
    );
    assert_eq!(all[0].location(), Some(Location::new(3, 7)), "{err}");
}

#[test]
fn front_matter_that_is_not_a_mapping() {
    let site = valid();
    site.write("content/people/han-tao.md", "---\n- a\n- b\n---\n");
    assert_problems(
        &site,
        &["content/people/han-tao.md:2:1: error: front matter must be a mapping of keys to values"],
    );
}

#[test]
fn tabs_in_front_matter_are_located() {
    let site = valid();
    site.write(
        "content/people/han-tao.md",
        "---\ntitle: Han Tao\n\trole: x\n---\n",
    );
    assert_problems(
        &site,
        &["content/people/han-tao.md:3:1: error: invalid YAML in front matter: found a tab character that violates indentation\n  = help: YAML is indented with spaces: replace the tab with spaces"],
    );
}

#[test]
fn config_unknown_keys_nested_in_collections_and_bad_sort_and_check() {
    let site = valid();
    site.replace(
        "site.yaml",
        "role: { type: string, required: true, label: Role }",
        "role: { type: string, requried: true, label: Role }",
    );
    site.replace("site.yaml", "    sort: date\n", "    sort: dated\n");
    site.replace("site.yaml", "        key: by\n", "        key: who\n");
    let text = site.read("site.yaml");
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    assert_config_problems(
        &site.root,
        None,
        &[
            &format!(
                "site.yaml:{}:29: error: unknown key `requried`\n  = help: did you mean `required`?",
                line_of("requried")
            ),
            &format!(
                "site.yaml:{}:11: error: `sort: dated` must be `title` or `date`",
                line_of("sort: dated")
            ),
            &format!(
                "site.yaml:{}:9: error: check: `responses` is not a records field with a ref field `who`",
                line_of("- rule: each-has-record")
            ),
        ],
    );
}

#[cfg(unix)]
#[test]
fn symbolic_links_in_content_are_refused() {
    let site = valid();
    std::os::unix::fs::symlink(
        site.root.join("content/people/han-tao.md"),
        site.root.join("content/people/han-tao-copy.md"),
    )
    .unwrap();
    assert_problems(
        &site,
        &["content/people/han-tao-copy.md: error: symbolic links are not followed in `content/`: copy the file instead"],
    );
}

#[test]
fn output_path_that_is_a_file_is_refused() {
    let site = valid();
    let out = site.out("public");
    std::fs::write(&out, "a file").unwrap();
    let err = site.build(&out).unwrap_err();
    assert_eq!(
        listed(&err),
        format!(
            "{}: error: the output path exists and is not a folder",
            out.display()
        )
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "a file");
}
