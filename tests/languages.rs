//! A site in two languages, built through the binary: translations as `slug.fr.md`,
//! French pages under `/fr/`, hreflang pairs both ways, the language switcher, links to
//! an untranslated entry marked, French dates, French search stemming, and a feed, a
//! timeline and a search index per language.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{copy_dir, page, Site};

/// The bilingual fixture with the default theme beside it.
fn bilingual() -> Site {
    let site = Site::copy("bilingual");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &repo.join("themes/default"),
        &site.root.join("themes/default"),
    );
    site
}

fn build(site: &Site) -> (PathBuf, Output) {
    let out = site.out("public");
    let output = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--color", "never", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(&out)
        .output()
        .expect("casefile runs");
    (out, output)
}

fn built(site: &Site) -> (PathBuf, String) {
    let (out, output) = build(site);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "{stderr}");
    (out, stderr)
}

#[test]
fn french_pages_live_under_fr_with_their_own_text_and_the_originals_refs() {
    let site = bilingual();
    let (out, _) = built(&site);
    let ada = page(&out, "fr/people/ada/index.html");
    assert!(ada.contains("<html lang=\"fr\">"), "{ada}");
    assert!(ada.contains("<h1>Ada Exemple</h1>"));
    assert!(ada.contains("<dt>Rôle</dt><dd>Sénatrice</dd>"));
    assert!(ada.contains("<meta property=\"og:locale\" content=\"fr_CA\">"));
    assert!(ada.contains("<meta property=\"og:locale:alternate\" content=\"en_CA\">"));
    // The section's display string in French, and links inside French to French pages.
    assert!(ada.contains(">Personnes</a>"));
    assert!(ada.contains("<a href=\"/two/fr/events/hearing/\">L'audience du comité</a>"));
    // The hearing translation gives no date, status or participants: they are the
    // original's.
    let hearing = page(&out, "fr/events/hearing/index.html");
    assert!(
        hearing.contains("<time datetime=\"2023-03-22\">22 mars 2023</time>"),
        "{hearing}"
    );
    assert!(hearing.contains(">Rapportée</span>"));
    assert!(hearing.contains("<a href=\"/two/fr/people/ada/\">Ada Exemple</a>"));
    let english = page(&out, "people/ada/index.html");
    assert!(english.contains("<html lang=\"en\">"));
    assert!(english.contains("<dt>Role</dt><dd>Senator</dd>"));
    assert!(english.contains("<meta property=\"og:locale\" content=\"en_CA\">"));
}

#[test]
fn each_version_links_every_other_both_ways_with_a_visible_switcher() {
    let site = bilingual();
    let (out, _) = built(&site);
    let pairs = [
        ("people/ada/index.html", "fr/people/ada/index.html"),
        ("index.html", "fr/index.html"),
        ("events/index.html", "fr/events/index.html"),
        ("timeline/index.html", "fr/timeline/index.html"),
    ];
    for (en, fr) in pairs {
        let en_url = format!(
            "https://example.org/two/{}",
            en.trim_end_matches("index.html")
        );
        let fr_url = format!(
            "https://example.org/two/{}",
            fr.trim_end_matches("index.html")
        );
        for file in [en, fr] {
            let html = page(&out, file);
            for (lang, url) in [("en", &en_url), ("fr", &fr_url), ("x-default", &en_url)] {
                let link = format!("<link rel=\"alternate\" hreflang=\"{lang}\" href=\"{url}\">");
                assert!(html.contains(&link), "{file} lacks {link}");
            }
            assert!(html.contains("class=\"language-switcher\""), "{file}");
        }
        let english = page(&out, en);
        let switch_to_fr = format!(
            "<a href=\"{}\" hreflang=\"fr\" lang=\"fr\">Français</a>",
            fr_url.trim_start_matches("https://example.org")
        );
        assert!(english.contains(&switch_to_fr), "{en}");
        assert!(english.contains("<span aria-current=\"true\" lang=\"en\">English</span>"));
        let french = page(&out, fr);
        assert!(french.contains("<span aria-current=\"true\" lang=\"fr\">Français</span>"));
    }
    let sitemap = page(&out, "sitemap.xml");
    assert!(sitemap.contains("<url><loc>https://example.org/two/fr/people/ada/</loc><xhtml:link rel=\"alternate\" hreflang=\"en\" href=\"https://example.org/two/people/ada/\"/><xhtml:link rel=\"alternate\" hreflang=\"fr\" href=\"https://example.org/two/fr/people/ada/\"/><xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"https://example.org/two/people/ada/\"/></url>"), "{sitemap}");
    // A page in one language only has no alternates, and no French page.
    assert!(sitemap.contains("<url><loc>https://example.org/two/people/untranslated/</loc></url>"));
    let bob = page(&out, "people/untranslated/index.html");
    assert!(!bob.contains("hreflang"), "{bob}");
    assert!(!bob.contains("language-switcher"));
    assert!(!out.join("fr/people/untranslated").exists());
}

#[test]
fn an_untranslated_entry_is_a_warning_and_french_links_to_it_are_marked() {
    let site = bilingual();
    let (out, stderr) = built(&site);
    assert!(
        stderr.contains("content/people/untranslated.md: warning: no `fr` translation (`content/people/untranslated.fr.md`)"),
        "{stderr}"
    );
    let ada = page(&out, "fr/people/ada/index.html");
    // In the body, in a ref field's list and as a card.
    let marked = "<a href=\"/two/people/untranslated/\" hreflang=\"en\">Bob Untranslated</a> <span class=\"in-language\" lang=\"en\">(in English)</span>";
    assert!(ada.contains(marked), "{ada}");
    let hearing = page(&out, "fr/events/hearing/index.html");
    assert!(hearing.contains(marked), "{hearing}");
    let people = page(&out, "fr/people/index.html");
    assert!(people.contains("<a class=\"card-title\" href=\"/two/people/untranslated/\" hreflang=\"en\">Bob Untranslated</a> <span class=\"in-language\" lang=\"en\">(in English)</span>"), "{people}");
    // English pages link to English pages unmarked.
    let english = page(&out, "people/ada/index.html");
    assert!(english.contains("<a href=\"/two/people/untranslated/\">Bob Untranslated</a>."));
    // With the translation written, the warning and the mark are gone.
    site.write(
        "content/people/untranslated.fr.md",
        "---\ntitle: Bob Non traduit\nrole: Témoin\n---\nBob a maintenant une page.\n",
    );
    let (out, stderr) = built(&site);
    assert!(!stderr.contains("warning"), "{stderr}");
    let ada = page(&out, "fr/people/ada/index.html");
    assert!(
        ada.contains("<a href=\"/two/fr/people/untranslated/\">Bob Non traduit</a>"),
        "{ada}"
    );
    assert!(!ada.contains("(in English)"));
}

#[test]
fn dates_read_naturally_in_each_language() {
    let site = bilingual();
    let (out, _) = built(&site);
    let timeline = page(&out, "fr/timeline/index.html");
    assert!(
        timeline.contains("<time datetime=\"2021-02\">février 2021</time>"),
        "{timeline}"
    );
    assert!(timeline.contains("<time datetime=\"2023-03-22\">22 mars 2023</time>"));
    assert!(timeline.contains("<h1>Chronologie</h1>"));
    let english = page(&out, "timeline/index.html");
    assert!(english.contains("<time datetime=\"2021-02\">February 2021</time>"));
    assert!(english.contains("<time datetime=\"2023-03-22\">22 March 2023</time>"));
}

#[test]
fn each_language_has_its_own_feed_timeline_and_stemmed_search_index() {
    let site = bilingual();
    let (out, _) = built(&site);
    let feed = page(&out, "fr/atom.xml");
    assert!(feed.contains("xml:lang=\"fr\""), "{feed}");
    assert!(feed.contains("<title>L&apos;audience du comité</title>"));
    assert!(feed.contains("href=\"https://example.org/two/fr/atom.xml\" rel=\"self\""));
    assert!(page(&out, "atom.xml").contains("<title>The committee hearing</title>"));
    let timeline = page(&out, "fr/timeline.json");
    assert!(
        timeline.contains("22 mars 2023") && timeline.contains("Lire la suite"),
        "{timeline}"
    );
    let manifest = page(&out, "fr/search/manifest.json");
    assert!(
        manifest.contains("\"stemmer\":\"stem-fr.js\""),
        "{manifest}"
    );
    assert!(page(&out, "search/manifest.json").contains("\"stemmer\":\"stem-en.js\""));
    // "élections" is folded and stemmed by the French stemmer to "elect"; "enquêtes" to
    // "enquet". The English index has the English words.
    let shards = |dir: &str| -> String {
        let mut all = String::new();
        for entry in std::fs::read_dir(out.join(dir)).unwrap() {
            all.push_str(&std::fs::read_to_string(entry.unwrap().path()).unwrap());
        }
        all
    };
    let french = shards("fr/search/index");
    assert!(french.contains("\"elect\""), "{french}");
    assert!(french.contains("\"enquet\""), "{french}");
    assert!(!french.contains("\"inquiri\""), "{french}");
    let english = shards("search/index");
    assert!(english.contains("\"inquiri\""), "{english}");
    // Each language's search page looks in its own index.
    assert!(page(&out, "fr/search/index.html").contains("data-index=\"/two/fr/search/\""));
    // Static files are shared: one copy, at the root.
    assert!(!out.join("fr/favicon.svg").exists());
    assert!(page(&out, "fr/index.html").contains("href=\"/two/favicon.svg\""));
}

#[test]
fn translation_mistakes_are_errors_at_the_translation() {
    let site = bilingual();
    site.write(
        "content/people/nobody.fr.md",
        "---\ntitle: Personne\nrole: Rien\n---\n",
    );
    site.write(
        "content/events/meeting.fr.md",
        "---\ntitle: La rencontre\nparticipants: [untranslated]\n---\n",
    );
    let (_, output) = build(&site);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("content/people/nobody.fr.md: error: this is a `fr` translation of `content/people/nobody.md`, which does not exist"), "{stderr}");
    assert!(stderr.contains("content/events/meeting.fr.md:3:16: error: `participants` is taken from the original in every language"), "{stderr}");
}

#[test]
fn a_display_string_in_an_undeclared_language_is_a_config_error() {
    let site = bilingual();
    site.replace(
        "site.yaml",
        "title: { en: People, fr: Personnes }",
        "title: { en: People, de: Leute }",
    );
    let (_, output) = build(&site);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains(
            "site.yaml:18:30: error: `title` has text in `de`, which is not a language of the site"
        ),
        "{stderr}"
    );
}

#[test]
fn callouts_are_titled_in_the_texts_language() {
    let site = bilingual();
    site.replace(
        "content/events/hearing.fr.md",
        "Le comité a entendu",
        "> [!WARNING]\n> La date est *contestée*.\n\n> [!TIP]\n> Voir aussi.\n\nLe comité a entendu",
    );
    let (out, _) = built(&site);
    let french = page(&out, "fr/events/hearing/index.html");
    assert!(
        french.contains("<div class=\"callout callout-warning\" role=\"note\">\n<p class=\"callout-title\">Avertissement</p>\n<p>La date est <em>contestée</em>.</p>"),
        "{french}"
    );
    assert!(french.contains("<p class=\"callout-title\">Conseil</p>"));
    // A theme's strings file may give its own word.
    site.write(
        "themes/default/strings/fr.yaml",
        format!(
            "{}\ncallout_tip: Astuce\n",
            std::fs::read_to_string(site.root.join("themes/default/strings/fr.yaml")).unwrap()
        ),
    );
    let (out, _) = built(&site);
    let french = page(&out, "fr/events/hearing/index.html");
    assert!(
        french.contains("<p class=\"callout-title\">Astuce</p>"),
        "{french}"
    );
    assert!(french.contains("<p class=\"callout-title\">Avertissement</p>"));
}
