//! Pictures through the public API and the binary: image fields and Markdown images on a
//! site with the default theme and generated JPEG and PNG files; the published widths
//! and formats, the markup that shows them, refusals at their lines, and the cache.

mod common;

use std::path::Path;
use std::process::Command;

use common::{config_for, page, Site};

/// A PNG with transparency.
fn png(width: u32, height: u32) -> Vec<u8> {
    let img = image::RgbaImage::from_fn(width, height, |x, y| {
        image::Rgba([
            200,
            (x % 256) as u8,
            (y % 256) as u8,
            if x < width / 2 { 255 } else { 90 },
        ])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).unwrap();
    out.into_inner()
}

/// A PNG whose header is right (64 × 64) but whose pixel data is not zlib data.
fn broken_png() -> Vec<u8> {
    fn crc(bytes: &[u8]) -> u32 {
        let mut crc = 0xffff_ffffu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    0xedb8_8320 ^ (crc >> 1)
                } else {
                    crc >> 1
                };
            }
        }
        !crc
    }
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc(&body).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend(64u32.to_be_bytes());
    header.extend(64u32.to_be_bytes());
    header.extend([8, 2, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &header);
    chunk(&mut out, b"IDAT", &[0x55; 200]);
    chunk(&mut out, b"IEND", &[]);
    out
}

const SITE_YAML: &str = "title: Photo Desk
description: A site with pictures.
base_url: https://example.org/desk/
collections:
  people:
    title: People
    singular: Person
    schema_org: Person
    fields:
      role: { type: string, label: Role }
      portrait: { type: image, label: Portrait }
";

/// The default theme, a person with a portrait (JPEG, 2000 × 1500) and a body with a
/// PNG figure (800 × 600), and a person without a picture.
fn photo_site() -> Site {
    let site = Site::bundled();
    for gone in ["content", "site.yaml"] {
        let path = site.root.join(gone);
        if path.is_dir() {
            std::fs::remove_dir_all(&path).unwrap();
        } else {
            std::fs::remove_file(&path).unwrap();
        }
    }
    site.write("site.yaml", SITE_YAML);
    site.write(
        "content/_index.md",
        "---\ntitle: Photo Desk\n---\nPictures.\n",
    );
    site.write("content/people/han-dong.jpg", common::jpeg(2000, 1500));
    site.write("static/photos/chart.png", png(800, 600));
    site.write(
        "content/people/han-dong.md",
        "---
title: Han Dong
summary: An MP.
role: Member of Parliament
portrait:
  src: han-dong.jpg
  alt: Han Dong in the House of Commons
  credit: The Canadian Press
  caption: Han Dong in 2023
---
He spoke.

![A chart of the votes](/photos/chart.png \"The votes, by party. Credit: Photo Desk\")

![](/photos/chart.png \"decorative\")
",
    );
    site.write(
        "content/people/mary-ng.md",
        "---\ntitle: Mary Ng\nrole: Minister\n---\nNo picture.\n",
    );
    site
}

/// The widths of a `srcset`, and its files (without the base path).
fn srcset(set: &str) -> Vec<(String, u32)> {
    set.split(", ")
        .map(|item| {
            let (url, w) = item.rsplit_once(' ').unwrap();
            let url = url.strip_prefix("/desk/").unwrap().to_string();
            (url, w.trim_end_matches('w').parse().unwrap())
        })
        .collect()
}

fn attribute<'a>(tag: &'a str, name: &str) -> &'a str {
    let start = tag
        .find(&format!(" {name}=\""))
        .unwrap_or_else(|| panic!("no {name} in {tag}"))
        + name.len()
        + 3;
    &tag[start..start + tag[start..].find('"').unwrap()]
}

/// The `<tag ...>` elements of `html`.
fn tags<'a>(html: &'a str, tag: &str) -> Vec<&'a str> {
    html.match_indices(&format!("<{tag} "))
        .map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()])
        .collect()
}

#[test]
fn pictures_are_published_at_their_widths_in_webp_and_their_own_format() {
    let site = photo_site();
    let out = site.out("public");
    let report = site.build(&out).unwrap_or_else(|e| panic!("{e}"));
    let html = page(&out, "people/han-dong/index.html");

    // The portrait: eager, at the top; the body's figure: lazy.
    let imgs = tags(&html, "img");
    assert_eq!(imgs.len(), 3, "{imgs:#?}");
    let portrait = imgs[0];
    assert_eq!(
        attribute(portrait, "alt"),
        "Han Dong in the House of Commons"
    );
    assert_eq!(
        (attribute(portrait, "width"), attribute(portrait, "height")),
        ("2000", "1500")
    );
    assert!(!portrait.contains("loading=\"lazy\""), "{portrait}");
    assert!(imgs[1].contains("loading=\"lazy\"") && imgs[2].contains("loading=\"lazy\""));
    assert_eq!(attribute(imgs[2], "alt"), "");
    assert!(html.contains("<figcaption>Han Dong in 2023 <span class=\"credit\">The Canadian Press</span></figcaption>"), "{html}");
    assert!(html.contains("<figcaption>The votes, by party. <span class=\"credit\">Photo Desk</span></figcaption>"), "{html}");

    // Every file of every srcset exists, decodes, and is as wide as it says.
    let mut checked = 0;
    for (tag, kind) in tags(&html, "img")
        .into_iter()
        .map(|t| (t, "img"))
        .chain(tags(&html, "source").into_iter().map(|t| (t, "source")))
    {
        let set = srcset(attribute(tag, "srcset"));
        assert!(!attribute(tag, "sizes").is_empty());
        for (file, width) in &set {
            let bytes = std::fs::read(out.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
            let decoded = image::load_from_memory(&bytes).unwrap();
            assert_eq!(decoded.width(), *width, "{file}");
            let format = image::guess_format(&bytes).unwrap();
            let expected = match (kind, file.rsplit('.').next().unwrap()) {
                ("source", _) | (_, "webp") => image::ImageFormat::WebP,
                (_, "jpg") => image::ImageFormat::Jpeg,
                _ => image::ImageFormat::Png,
            };
            assert_eq!(format, expected, "{file}");
            checked += 1;
        }
        let widths: Vec<u32> = set.iter().map(|(_, w)| *w).collect();
        let original = attribute(tag, "srcset").contains("han-dong");
        let expected: &[u32] = if original {
            &[480, 960, 1440, 2000]
        } else {
            &[480, 800]
        };
        assert_eq!(widths, expected, "{tag}");
    }
    assert!(checked >= 12, "{checked}");
    // The portrait keeps its proportions at each width, and never grows.
    let small = image::open(out.join(srcset(attribute(portrait, "srcset"))[0].0.as_str())).unwrap();
    assert_eq!((small.width(), small.height()), (480, 360));
    // Names carry a content hash.
    let names: Vec<String> = common::files(&out.join("images"));
    assert!(
        names
            .iter()
            .all(|n| n.split('.').nth(1).is_some_and(|h| h.len() == 10)),
        "{names:?}"
    );
    // The card of a person with a portrait shows it; one without shows none.
    let index = page(&out, "people/index.html");
    assert_eq!(tags(&index, "img").len(), 1, "{index}");
    assert!(report.encoded > 0);
}

#[test]
fn a_second_build_encodes_nothing() {
    let site = photo_site();
    let first = site
        .build(&site.out("one"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(first.encoded > 0 && first.reused == 0, "{first:?}");
    let second = site
        .build(&site.out("two"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(second.encoded, 0, "{second:?}");
    assert_eq!(second.reused, first.encoded);
    assert_eq!(
        common::tree(&site.out("one")),
        common::tree(&site.out("two"))
    );
    // A changed picture is encoded again, under new names.
    site.write("content/people/han-dong.jpg", common::jpeg(1000, 1000));
    let third = site
        .build(&site.out("three"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(third.encoded > 0 && third.reused > 0, "{third:?}");
    // The cache keeps itself out of git.
    assert_eq!(site.read(".casefile-cache/.gitignore"), "*\n");
}

/// Runs `casefile check` on `root` and returns stderr and the exit code.
fn check(root: &Path) -> (String, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_casefile"))
        .args(["check", "--color", "never", "--root"])
        .arg(root)
        .output()
        .unwrap();
    (
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap(),
    )
}

#[test]
fn bad_pictures_are_refused_at_their_lines() {
    let site = photo_site();
    site.write("content/people/not-a-photo.jpg", "this is text");
    site.write("content/people/broken.png", broken_png());
    site.write(
        "content/people/a.md",
        "---\ntitle: A\nportrait:\n  src: han-dong.jpg\n  credit: CP\n---\n",
    );
    site.write(
        "content/people/b.md",
        "---\ntitle: B\nportrait:\n  src: han-dong.jpg\n  alt: B\n---\n",
    );
    site.write(
        "content/people/c.md",
        "---\ntitle: C\nportrait:\n  src: missing.jpg\n  alt: C\n  credit: CP\n---\n",
    );
    site.write(
        "content/people/d.md",
        "---\ntitle: D\nportrait: { src: not-a-photo.jpg, alt: D, credit: CP }\n---\n",
    );
    site.write(
        "content/people/f.md",
        "---\ntitle: F\nportrait: { src: broken.png, alt: F, credit: CP }\n---\n",
    );
    let (stderr, code) = check(&site.root);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "content/people/a.md:3:1: error: image `content/people/han-dong.jpg` has no alt text",
        "= help: add `alt:` describing the picture; for a purely decorative image write `decorative: true` instead",
        "content/people/b.md:3:1: error: image `content/people/han-dong.jpg` has no credit",
        "content/people/c.md:4:8: error: image `missing.jpg` not found",
        "= help: looked for `content/people/missing.jpg`",
        "content/people/d.md:3:18: error: `content/people/not-a-photo.jpg` is not a JPEG, PNG or WebP image",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
    // A file whose header reads but whose pixels do not is refused when it is decoded
    // (after the content is checked), at the field that named it.
    for name in ["a", "b", "c", "d"] {
        site.remove(&format!("content/people/{name}.md"));
    }
    let (stderr, code) = check(&site.root);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains(
            "content/people/f.md:3:18: error: image `content/people/broken.png` cannot be decoded"
        ),
        "{stderr}"
    );
    site.remove("content/people/f.md");
    site.write(
        "content/people/e.md",
        "---\ntitle: E\n---\nText.\n\n![](han-dong.jpg \"Credit: CP\")\n\n![E](han-dong.jpg)\n\nSee ![E](han-dong.jpg \"Credit: CP\") here.\n\n![E](https://example.com/x.jpg \"Credit: CP\")\n",
    );
    let (stderr, code) = check(&site.root);
    assert_eq!(code, 1, "{stderr}");
    for expected in [
        "content/people/e.md:6:1: error: image `content/people/han-dong.jpg` has no alt text",
        "for a purely decorative image write `![](photo.jpg \"decorative\")`",
        "content/people/e.md:8:1: error: image `content/people/han-dong.jpg` has no credit",
        "content/people/e.md:10:5: error: an image must stand in a paragraph of its own",
        "content/people/e.md:12:1: error: image source `https://example.com/x.jpg` is not a file of the site",
    ] {
        assert!(stderr.contains(expected), "missing {expected:?} in:\n{stderr}");
    }
}

#[test]
fn a_decorative_image_needs_no_alt_text_but_says_so() {
    let site = photo_site();
    site.write(
        "content/people/g.md",
        "---\ntitle: G\nportrait: { src: han-dong.jpg, decorative: true }\n---\n",
    );
    let out = site.out("public");
    site.build(&out).unwrap_or_else(|e| panic!("{e}"));
    let html = page(&out, "people/g/index.html");
    let imgs = tags(&html, "img");
    assert_eq!(attribute(imgs[0], "alt"), "");
    // `alt` beside `decorative: true` contradicts it.
    site.write(
        "content/people/g.md",
        "---\ntitle: G\nportrait: { src: han-dong.jpg, decorative: true, alt: G }\n---\n",
    );
    let config = config_for(&site.root, &out, false);
    let problems = common::check(&config).unwrap_err();
    assert!(
        problems
            .to_string()
            .contains("left out on a decorative image"),
        "{problems}"
    );
}

#[test]
fn a_picture_beside_its_entry_is_not_an_unread_file() {
    let site = photo_site();
    // Beside it, a file no page shows is still one casefile leaves unread.
    site.write("content/people/notes.txt", "to do");
    let (stderr, code) = check(&site.root);
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("content/people/notes.txt: warning: casefile does not read this file"),
        "{stderr}"
    );
    assert!(!stderr.contains("han-dong.jpg"), "{stderr}");
}
