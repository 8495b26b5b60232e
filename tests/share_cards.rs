//! Share cards through the binary and `serve`'s preview, on `tests/fixtures/share-cards`
//! with the default theme and a generated portrait: every page's `og:image` is an
//! absolute URL of a 1200 × 630 image the build published (a card drawn from the
//! theme's SVG template, or the crop of an entry's portrait), JSON-LD names the same
//! image, a second build encodes nothing, hostile titles are escaped, and `serve`
//! redraws exactly the cards whose page changed.

mod common;

use std::path::Path;
use std::process::Command;

use casefile::{BuildOptions, Change, Preview};
use common::{copy_dir, Site};

const BASE: &str = "https://example.org/cards/";

/// The fixture with the repository's default theme and its portrait.
fn card_site() -> Site {
    let site = Site::copy("share-cards");
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    copy_dir(
        &repo.join("themes/default"),
        &site.root.join("themes/default"),
    );
    site.write("content/people/ada-lovelace.jpg", common::jpeg(1600, 1200));
    site
}

/// Runs `casefile build` on the site into `out`, returning its summary line.
fn build(site: &Site, out: &Path) -> String {
    let run = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["build", "--color", "never", "--root"])
        .arg(&site.root)
        .arg("--output")
        .arg(out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    stdout
}

/// How many files the summary line says were encoded.
fn encoded(summary: &str) -> usize {
    let before = summary
        .split(" encoded")
        .next()
        .unwrap_or_else(|| panic!("no count in {summary}"));
    before
        .rsplit(' ')
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count in {summary}"))
}

/// The `content` of the page's `<meta>` whose `property` or `name` is `key`, as written.
fn meta<'a>(html: &'a str, key: &str) -> Option<&'a str> {
    ["property", "name"].iter().find_map(|attr| {
        let start = format!("<meta {attr}=\"{key}\" content=\"");
        let from = html.find(&start)? + start.len();
        let len = html[from..].find('"')?;
        Some(&html[from..from + len])
    })
}

/// The page's JSON-LD.
fn json_ld(html: &str) -> serde_json::Value {
    let text = common::between(html, "<script type=\"application/ld+json\">", "</script>");
    serde_json::from_str(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// Every HTML page of an output folder, by relative path.
fn pages(out: &Path) -> Vec<(String, String)> {
    common::tree(out)
        .into_iter()
        .filter(|(path, _)| path.ends_with(".html"))
        .map(|(path, bytes)| (path, String::from_utf8(bytes).unwrap()))
        .collect()
}

/// The file of the output that `url` (a full URL of the site) addresses.
fn file_of(out: &Path, url: &str) -> std::path::PathBuf {
    let rel = url
        .strip_prefix(BASE)
        .unwrap_or_else(|| panic!("{url} is not a full URL of the site"));
    out.join(rel)
}

#[test]
fn every_page_is_shared_with_a_large_image_the_build_published() {
    let site = card_site();
    let out = site.out("public");
    build(&site, &out);
    let pages = pages(&out);
    assert!(
        pages.len() >= 10,
        "{:?}",
        pages.iter().map(|p| &p.0).collect::<Vec<_>>()
    );
    let mut cards = std::collections::BTreeSet::new();
    for (path, html) in &pages {
        let url = meta(html, "og:image").unwrap_or_else(|| panic!("{path}: no og:image"));
        assert!(url.starts_with(BASE), "{path}: {url}");
        assert_eq!(meta(html, "og:image:width"), Some("1200"), "{path}");
        assert_eq!(meta(html, "og:image:height"), Some("630"), "{path}");
        assert_eq!(
            meta(html, "twitter:card"),
            Some("summary_large_image"),
            "{path}"
        );
        assert_eq!(meta(html, "twitter:image"), Some(url), "{path}");
        assert!(
            !meta(html, "og:image:alt").unwrap_or("").is_empty(),
            "{path}"
        );
        let bytes =
            std::fs::read(file_of(&out, url)).unwrap_or_else(|e| panic!("{path}: {url}: {e}"));
        let format = image::guess_format(&bytes).unwrap();
        let image = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{url}: {e}"));
        assert_eq!((image.width(), image.height()), (1200, 630), "{url}");
        let mime = meta(html, "og:image:type").unwrap();
        assert_eq!(mime, format.to_mime_type(), "{path}");
        // JSON-LD names the same picture.
        let ld = json_ld(html);
        assert_eq!(ld["image"], url, "{path}: {ld}");
        if path == "people/ada-lovelace/index.html" {
            // An entry with a portrait shares a crop of it.
            assert!(url.contains("/images/ada-lovelace-share."), "{url}");
            assert_eq!(format, image::ImageFormat::Jpeg);
            assert_eq!(meta(html, "og:image:alt"), Some("Ada Lovelace at her desk"));
        } else {
            assert_eq!(format, image::ImageFormat::Png, "{path}");
            cards.insert(url.to_string());
        }
    }
    // Every other page has a card of its own, but the not-found page, which has the
    // home page's.
    assert_eq!(cards.len(), pages.len() - 2, "{cards:#?}");
    assert_eq!(
        meta(&common::page(&out, "404.html"), "og:image"),
        Some(format!("{BASE}share/card.png").as_str())
    );
    // Cards are not pages: the sitemap lists none.
    assert!(!common::page(&out, "sitemap.xml").contains("card.png"));
}

#[test]
fn cards_show_their_page_and_a_second_build_encodes_nothing() {
    let site = card_site();
    let first = build(&site, &site.out("one"));
    // The cards of every page but the portrait's, and the portrait's widths and crop.
    assert!(encoded(&first) >= 10, "{first}");
    let second = build(&site, &site.out("two"));
    assert_eq!(encoded(&second), 0, "{second}");
    assert!(second.contains(" 0 encoded"), "{second}");
    assert_eq!(
        common::tree(&site.out("one")),
        common::tree(&site.out("two"))
    );
    // Cards differ by page: each shows its own title.
    let one = site.out("one");
    let short = std::fs::read(one.join("share/events/short/card.png")).unwrap();
    let long = std::fs::read(one.join("share/events/long-meeting/card.png")).unwrap();
    assert_ne!(short, long);
    // A long title wraps onto more lines: more of the card is light text.
    let light = |png: &[u8]| {
        image::load_from_memory(png)
            .unwrap()
            .to_rgb8()
            .pixels()
            .filter(|p| p.0.iter().all(|&c| c > 200))
            .count()
    };
    assert!(
        light(&long) > 2 * light(&short),
        "{} {}",
        light(&long),
        light(&short)
    );
    // A new template is a new card, drawn again (the cache is keyed by the SVG).
    site.replace(
        "themes/default/templates/share-card.svg",
        "<rect width=\"1200\" height=\"630\" fill=\"#1d3557\"/>",
        "<rect width=\"1200\" height=\"630\" fill=\"#3a0ca3\"/>",
    );
    let third = build(&site, &site.out("three"));
    assert!(encoded(&third) >= 9, "{third}");
    let redrawn = std::fs::read(site.out("three").join("share/events/short/card.png")).unwrap();
    assert_ne!(redrawn, short);
    // The second build linked the cached cards instead of copying them; the cache only
    // ever replaces its files, so drawing new cards left the linked ones as they were.
    #[cfg(unix)]
    {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let card = site.out("two").join("share/events/short/card.png");
        let meta = std::fs::metadata(&card).unwrap();
        assert!(meta.nlink() >= 2, "a link to the cache's file");
        assert_eq!(meta.permissions().mode() & 0o777, 0o644);
        let cached = walkdir::WalkDir::new(site.root.join(".casefile-cache/cards"))
            .into_iter()
            .filter_map(Result::ok)
            .any(|e| e.metadata().is_ok_and(|m| m.ino() == meta.ino()));
        assert!(cached, "the card is the cache's file");
        assert_eq!(std::fs::read(&card).unwrap(), short);
    }
}

#[test]
fn hostile_titles_are_escaped_in_cards_and_tags() {
    let site = card_site();
    let out = site.out("public");
    build(&site, &out);
    let html = common::page(&out, "people/fish-and-chips/index.html");
    let alt = meta(&html, "og:image:alt").unwrap();
    assert!(
        alt.starts_with("Fish &amp; Chips &lt;b&gt;Ltd&lt;/b&gt; &quot;quoted&quot; &lt;/text&gt;"),
        "{alt}"
    );
    let card = std::fs::read(out.join("share/people/fish-and-chips/card.png")).unwrap();
    let image = image::load_from_memory(&card).unwrap();
    assert_eq!((image.width(), image.height()), (1200, 630));
    // The title is drawn as the characters it has: written out as the entity `&amp;`
    // instead, it is another card (a template that did not escape would read both as
    // `&`, or fail on the bare one).
    site.replace(
        "content/people/fish-and-chips.md",
        "Fish & Chips",
        "Fish &amp; Chips",
    );
    let again = site.out("again");
    build(&site, &again);
    let entity = std::fs::read(again.join("share/people/fish-and-chips/card.png")).unwrap();
    assert_ne!(entity, card);
}

#[test]
fn serve_redraws_the_cards_of_the_pages_that_changed() {
    let site = card_site();
    let mut preview = Preview::new(BuildOptions {
        root: site.root.clone(),
        output: None,
        base_url: None,
        drafts: false,
    });
    preview
        .rebuild(Change::Everything)
        .unwrap_or_else(|e| panic!("{e}"));
    let card = |preview: &Preview, path: &str| preview.files().get(path).cloned();
    let short = "share/events/short/card.png";
    let fish = "share/people/fish-and-chips/card.png";
    let before = card(&preview, short).expect("the card is served");
    let fish_before = card(&preview, fish).expect("the card is served");

    site.replace("content/events/short.md", "title: Short", "title: Shorter");
    let rebuild = preview
        .rebuild(Change::Content)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!rebuild.full);
    assert!(
        rebuild.rendered.iter().any(|p| p == short),
        "{:?}",
        rebuild.rendered
    );
    assert!(
        !rebuild.rendered.iter().any(|p| p == fish),
        "{:?}",
        rebuild.rendered
    );
    assert_ne!(card(&preview, short).unwrap(), before);
    assert_eq!(card(&preview, fish).unwrap(), fish_before);

    // An entry that gets a portrait shares it instead of its card.
    site.write("content/people/fish-and-chips.jpg", common::jpeg(900, 900));
    site.replace(
        "content/people/fish-and-chips.md",
        "role: Caterer\n",
        "role: Caterer\nportrait:\n  src: fish-and-chips.jpg\n  alt: A fish shop\n  credit: Card Desk\n",
    );
    let rebuild = preview
        .rebuild(Change::Content)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        rebuild.removed.iter().any(|p| p == fish),
        "{:?}",
        rebuild.removed
    );
    assert!(card(&preview, fish).is_none());
    let files = preview.files();
    let html = String::from_utf8(files["people/fish-and-chips/index.html"].to_vec()).unwrap();
    let url = meta(&html, "og:image").unwrap();
    assert!(url.contains("/images/fish-and-chips-share."), "{url}");
    let path = url.strip_prefix(BASE).unwrap();
    assert!(files.contains_key(path), "{path} not served");
}
