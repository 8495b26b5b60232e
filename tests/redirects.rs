//! Old addresses, through the binary, in temporary folders: `aliases:` in front matter
//! and `redirects:` in site.yaml write a redirect page at each old address (meta refresh,
//! canonical link, `noindex`, a visible link) and a `_redirects` file for Netlify and
//! Cloudflare Pages; the sitemap leaves them out; an old address a page has, one given
//! twice, or a target that does not exist is an error at its line, and the last good
//! build stays.

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

fn read(root: &Path, rel: &str) -> String {
    fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

const SITE: &str = "title: Desk\ndescription: Who is who.\nbase_url: https://example.org/desk/\ncollections:\n  people:\n    title: People\n    fields:\n      role: { type: string }\n";

/// A site where `people/dong-han` was renamed `people/han-dong`, and the `about-us`
/// page `about`.
fn site(root: &Path, site_yaml: &str) {
    write(root, "site.yaml", site_yaml);
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\nsummary: The desk.\n---\nSee [[han-dong]].\n",
    );
    write(
        root,
        "content/people/han-dong.md",
        "---\ntitle: Han Dong\nsummary: An MP.\naliases: [dong-han, persons/han-dong]\n---\nAn MP.\n",
    );
    write(
        root,
        "content/people/ada.md",
        "---\ntitle: Ada\nsummary: An editor.\n---\nAda.\n",
    );
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nsummary: About us.\naliases: [about-us]\n---\nUs.\n",
    );
}

#[test]
fn old_addresses_lead_to_the_pages_that_replaced_them() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let yaml =
        format!("{SITE}redirects:\n  /2023/dong-leaves.html: people/han-dong\n  staff/ada/: ada\n");
    site(root, &yaml);
    let out = casefile(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));

    for (old, title, new) in [
        (
            "people/dong-han/index.html",
            "Han Dong",
            "/desk/people/han-dong/",
        ),
        (
            "persons/han-dong/index.html",
            "Han Dong",
            "/desk/people/han-dong/",
        ),
        ("about-us/index.html", "About", "/desk/about/"),
        (
            "2023/dong-leaves.html",
            "Han Dong",
            "/desk/people/han-dong/",
        ),
        ("staff/ada/index.html", "Ada", "/desk/people/ada/"),
    ] {
        let page = read(root, &format!("public/{old}"));
        assert!(
            page.contains(&format!(
                "<meta http-equiv=\"refresh\" content=\"0; url={new}\">"
            )),
            "{old}: {page}"
        );
        assert!(
            page.contains(&format!(
                "<link rel=\"canonical\" href=\"https://example.org{new}\">"
            )),
            "{old}: {page}"
        );
        assert!(
            page.contains("<meta name=\"robots\" content=\"noindex\">"),
            "{old}"
        );
        assert!(
            page.contains(&format!("<a href=\"{new}\">{title}</a>")),
            "{old}"
        );
    }

    let rules = read(root, "public/_redirects");
    let lines: Vec<&str> = rules.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        lines,
        [
            "/desk/people/dong-han/ /desk/people/han-dong/ 301",
            "/desk/persons/han-dong/ /desk/people/han-dong/ 301",
            "/desk/about-us/ /desk/about/ 301",
            "/desk/2023/dong-leaves.html /desk/people/han-dong/ 301",
            "/desk/staff/ada/ /desk/people/ada/ 301",
        ]
    );
    // Readers and crawlers are sent on; the sitemap lists only the pages themselves.
    let sitemap = read(root, "public/sitemap.xml");
    assert!(sitemap.contains("/desk/people/han-dong/"));
    for old in ["dong-han", "persons", "about-us", "dong-leaves", "staff"] {
        assert!(!sitemap.contains(old), "the sitemap lists {old}");
    }
    // `check` audits the redirect pages too: they are valid, and their links resolve.
    let check = casefile(root, &["check"]);
    assert!(check.status.success(), "{}", stderr(&check));
    assert!(!stderr(&check).contains("warning"), "{}", stderr(&check));
}

#[test]
fn a_sites_own_redirects_come_first() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root, SITE);
    write(
        root,
        "static/_redirects",
        "/desk/old-feed.xml /desk/atom.xml 301",
    );
    let out = casefile(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let rules = read(root, "public/_redirects");
    assert!(
        rules.starts_with("/desk/old-feed.xml /desk/atom.xml 301\n"),
        "{rules}"
    );
    assert!(rules.contains("/desk/people/dong-han/ /desk/people/han-dong/ 301\n"));
}

#[test]
fn a_site_without_old_addresses_has_no_redirects_file() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    site(root, SITE);
    for file in ["content/people/han-dong.md", "content/about.md"] {
        let text = read(root, file).replace("aliases: [dong-han, persons/han-dong]\n", "");
        write(root, file, &text.replace("aliases: [about-us]\n", ""));
    }
    let out = casefile(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!root.join("public/_redirects").exists());
}

#[test]
fn an_old_address_that_is_taken_or_unknown_is_an_error_at_its_line() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let yaml = format!("{SITE}redirects:\n  old-ada/: people/adda\n  timeline/2023/: ada\n");
    site(root, &yaml);
    let good = casefile(root, &["build"]);
    // The first build fails on site.yaml's targets; fix them for a good build first.
    assert_eq!(good.status.code(), Some(1), "{}", stderr(&good));
    site(root, SITE);
    let good = casefile(root, &["build"]);
    assert!(good.status.success(), "{}", stderr(&good));
    let before = read(root, "public/people/dong-han/index.html");

    site(root, &yaml);
    // Ada's old slug is Han Dong's page; Han Dong's alias is also the about page's.
    write(
        root,
        "content/people/ada.md",
        "---\ntitle: Ada\nsummary: An editor.\naliases:\n  - han-dong\n---\nAda.\n",
    );
    // An alias that is not a slug stops the build before addresses are compared.
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nsummary: About us.\naliases: [people/dong-han, Old Page]\n---\nUs.\n",
    );
    let out = casefile(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/about.md:4:28: error: `Old Page` is not an old address"),
        "{err}"
    );
    assert!(err.contains("slugs look like `old-page`"), "{err}");
    write(
        root,
        "content/about.md",
        "---\ntitle: About\nsummary: About us.\naliases: [people/dong-han]\n---\nUs.\n",
    );
    let out = casefile(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for expected in [
        "content/people/ada.md:5:5: error: `/people/han-dong/` cannot redirect: it is the address of `people/han-dong`",
        "site.yaml:10:13: error: `people/adda` does not exist",
        "did you mean `ada`?",
        "site.yaml:11:19: error: `/timeline/2023/` cannot redirect: the addresses in `/timeline/` belong to the site's own pages",
    ] {
        assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
    }
    // Pages come before site.yaml and documents in order: the about page's alias is a
    // repeat of Han Dong's.
    assert!(
        err.contains("content/about.md:4:11: error: `/people/dong-han/` already redirects: it is an old address of `people/han-dong`"),
        "{err}"
    );
    // The last good build is untouched.
    assert_eq!(read(root, "public/people/dong-han/index.html"), before);
}

#[test]
fn the_home_page_has_no_aliases_and_a_translation_keeps_the_originals() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let yaml = format!("{SITE}languages:\n  fr:\n    title: Rédaction\n");
    site(root, &yaml);
    write(
        root,
        "content/people/han-dong.fr.md",
        "---\ntitle: Han Dong\nsummary: Un député.\n---\nUn député.\n",
    );
    let out = casefile(root, &["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // The French page's old address is in the French edition.
    let page = read(root, "public/fr/people/dong-han/index.html");
    assert!(page.contains("url=/desk/fr/people/han-dong/"), "{page}");
    assert!(page.contains("<html lang=\"fr\">"), "{page}");
    let rules = read(root, "public/_redirects");
    assert!(rules.contains("/desk/fr/people/dong-han/ /desk/fr/people/han-dong/ 301\n"));
    // Ada has no French page, so no French old address either.
    assert!(!root.join("public/fr/people/ada").exists());

    write(
        root,
        "content/people/han-dong.fr.md",
        "---\ntitle: Han Dong\nsummary: Un député.\naliases: [han]\n---\nUn député.\n",
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\nsummary: The desk.\naliases: [start]\n---\nSee [[han-dong]].\n",
    );
    let out = casefile(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/_index.md:4:10: error: the home page has no old address"),
        "{err}"
    );
    write(
        root,
        "content/_index.md",
        "---\ntitle: Home\nsummary: The desk.\n---\nSee [[han-dong]].\n",
    );
    let out = casefile(root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("content/people/han-dong.fr.md:4:11: error: `aliases` is taken from the original in every language"),
        "{err}"
    );
}
