//! Pictures: the image files a site declares (image fields and Markdown images), checked
//! when they are named, and published at build time as a few widths in WebP and their
//! own format, under content-hashed names, with the markup that shows them.
//!
//! - [`probe`] finds the file an editor named (beside the entry, or `/path` under
//!   `static/`), reads it once, hashes it and reads its header: a missing file, or one
//!   that is not a JPEG, PNG or WebP, is an [`ImageError`] the caller places at its line.
//! - [`variants`] says which files an image becomes ([`Route::Image`]), from its size
//!   and the site's [`ImageSettings`] alone, so pages can link them before any is made.
//! - [`process`] decodes, resizes and encodes them, keeping every file it makes in a
//!   cache folder beside the site ([`cache`]) keyed by content and settings, so an
//!   unchanged image is never encoded twice; [`card`] draws share cards the same way.
//!
//! This module reads image files and its cache; it must not read content files or
//! templates, and it never writes to the output folder (pages and images reach it
//! through the write stage).

pub(crate) mod cache;
pub(crate) mod card;

pub(crate) mod process;

use std::fmt::Write as _;
use std::io::Cursor;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use image::ImageDecoder;
use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::config::{Config, ImageSettings};
use crate::diagnostic::Place;
use crate::render::html_escape;
use crate::routes::{BaseUrl, ImageFile, ImageSize, Route};

/// Image files larger than this are refused.
pub(crate) const MAX_IMAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Images with more pixels than this are refused (decoding one takes 4 bytes a pixel).
pub(crate) const MAX_PIXELS: u64 = 100_000_000;

/// The size of a share card (`og:image`), in pixels: what the large previews of social
/// sites and messengers show.
pub(crate) const SHARE_WIDTH: u32 = 1200;
/// See [`SHARE_WIDTH`].
pub(crate) const SHARE_HEIGHT: u32 = 630;

/// The formats an image may be in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// JPEG.
    Jpeg,
    /// PNG.
    Png,
    /// WebP.
    WebP,
}

impl Format {
    /// The format of a file, from its first bytes (never from its name).
    fn sniff(bytes: &[u8]) -> Option<Format> {
        if bytes.starts_with(&[0xff, 0xd8, 0xff]) {
            Some(Format::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
            Some(Format::WebP)
        } else {
            None
        }
    }

    /// The file extension.
    pub(crate) fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::WebP => "webp",
        }
    }

    /// The media type.
    pub(crate) fn mime(self) -> &'static str {
        match self {
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::WebP => "image/webp",
        }
    }

    fn codec(self) -> image::ImageFormat {
        match self {
            Format::Jpeg => image::ImageFormat::Jpeg,
            Format::Png => image::ImageFormat::Png,
            Format::WebP => image::ImageFormat::WebP,
        }
    }
}

/// What is wrong with an image an editor named.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub(crate) enum ImageError {
    /// `src` is empty, leaves its folder, or is an address on another site.
    #[error("image source `{0}` is not a file of the site")]
    BadSource(String),
    /// No file there.
    #[error("image `{shown}` not found")]
    Missing {
        /// The path as the editor wrote it.
        shown: String,
        /// Where it was looked for, relative to the site.
        looked: Vec<String>,
    },
    /// A symbolic link, folder, FIFO or device.
    #[error("image `{0}` is {1}, not a file")]
    NotAFile(String, &'static str),
    /// The system refused to read it.
    #[error("cannot read image `{0}`: {1}")]
    Unreadable(String, String),
    /// Over [`MAX_IMAGE_BYTES`] or [`MAX_PIXELS`].
    #[error("image `{0}` is too large: {1}")]
    TooLarge(String, String),
    /// Not a JPEG, PNG or WebP file.
    #[error("`{0}` is not a JPEG, PNG or WebP image")]
    UnknownFormat(String),
    /// Its bytes do not decode.
    #[error("image `{0}` cannot be decoded: {1}")]
    Undecodable(String, String),
    /// No `alt` text, and not marked decorative.
    #[error("image `{0}` has no alt text")]
    NoAlt(String),
    /// No credit.
    #[error("image `{0}` has no credit")]
    NoCredit(String),
}

impl ImageError {
    /// A suggestion for the editor.
    pub(crate) fn hint(&self, markdown: bool) -> Option<String> {
        match self {
            ImageError::BadSource(_) => Some(
                "write a file name beside the entry (`photo.jpg`), or `/path` for a file under `static/`; images on other sites are not published".into(),
            ),
            ImageError::Missing { looked, .. } => Some(format!("looked for {}", looked.join(" and "))),
            ImageError::UnknownFormat(_) | ImageError::Undecodable(..) => {
                Some("save the picture as JPEG, PNG or WebP".into())
            }
            ImageError::TooLarge(..) => Some(format!(
                "images are limited to {} MiB and {} megapixels; export a smaller copy",
                MAX_IMAGE_BYTES / (1024 * 1024),
                MAX_PIXELS / 1_000_000
            )),
            ImageError::NoAlt(_) if markdown => Some(
                "describe the picture between the brackets: `![Han Dong speaking](photo.jpg)`; for a purely decorative image write `![](photo.jpg \"decorative\")`".into(),
            ),
            ImageError::NoAlt(_) => Some(
                "add `alt:` describing the picture; for a purely decorative image write `decorative: true` instead".into(),
            ),
            ImageError::NoCredit(_) if markdown => Some(
                "end the title with the credit: `![Han Dong](photo.jpg \"In the House, 2023. Credit: The Canadian Press\")`".into(),
            ),
            ImageError::NoCredit(_) => {
                Some("add `credit:` with who took or owns the picture".into())
            }
            _ => None,
        }
    }
}

/// An image file of the site, read and checked: where it is, what it holds and its size.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Source {
    /// The file on disk.
    pub path: PathBuf,
    /// The file relative to the site folder, for messages.
    pub shown: String,
    /// The name its published files take: the file's stem as a slug.
    pub name: String,
    /// SHA-256 of its bytes, in hex.
    pub hash: String,
    /// Its format.
    pub format: Format,
    /// Its width as shown (after its EXIF orientation), in pixels.
    pub width: u32,
    /// Its height as shown, in pixels.
    pub height: u32,
}

/// An image as an editor declared it: the file and the words that go with it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Picture {
    /// The file.
    pub source: Arc<Source>,
    /// What it shows, for readers who cannot see it (empty when decorative).
    pub alt: String,
    /// Who took or owns it (`None` only when decorative).
    pub credit: Option<String>,
    /// A caption.
    pub caption: Option<String>,
    /// Marked as decoration: no alt text, not announced.
    pub decorative: bool,
    /// Where it was declared in its content file, for problems found when it is decoded.
    pub at: Option<Place>,
}

/// The file an editor's `src` names: beside `doc` (a content file, relative to the site),
/// or, for `/path`, under the site's `static/` and then the theme's.
fn candidates(config: &Config, doc: &Path, src: &str) -> Result<Vec<PathBuf>, ImageError> {
    let bad = || ImageError::BadSource(src.to_string());
    let trimmed = src.trim();
    if trimmed.is_empty()
        || trimmed.contains("://")
        || trimmed.contains('\\')
        || trimmed.contains(':')
    {
        return Err(bad());
    }
    let (relative, under_static) = match trimmed.strip_prefix('/') {
        Some(rest) => (rest, true),
        None => (trimmed, false),
    };
    let rel = Path::new(relative);
    let plain = rel
        .components()
        .all(|c| matches!(c, Component::Normal(n) if !n.to_string_lossy().starts_with('.')));
    if relative.is_empty() || !plain {
        return Err(bad());
    }
    if under_static {
        let theme = config
            .root
            .join("themes")
            .join(&config.site.theme)
            .join("static");
        Ok(vec![config.root.join("static").join(rel), theme.join(rel)])
    } else {
        let folder = doc.parent().unwrap_or(Path::new(""));
        Ok(vec![config.root.join(folder).join(rel)])
    }
}

/// Finds, reads and checks the image `src` named in the content file `doc`.
pub(crate) fn probe(config: &Config, doc: &Path, src: &str) -> Result<Arc<Source>, ImageError> {
    let candidates = candidates(config, doc, src)?;
    let shown_of = |p: &Path| {
        crate::diagnostic::relative_to(p, &config.root)
            .to_string_lossy()
            .replace('\\', "/")
    };
    let Some(path) = candidates
        .iter()
        .find(|p| std::fs::symlink_metadata(p).is_ok())
    else {
        return Err(ImageError::Missing {
            shown: src.to_string(),
            looked: candidates
                .iter()
                .map(|p| format!("`{}`", shown_of(p)))
                .collect(),
        });
    };
    let shown = shown_of(path);
    let metadata = std::fs::symlink_metadata(path)
        .map_err(|e| ImageError::Unreadable(shown.clone(), e.to_string()))?;
    if metadata.file_type().is_symlink() {
        return Err(ImageError::NotAFile(shown, "a symbolic link"));
    }
    let bytes = crate::text_file::read_bytes(path, MAX_IMAGE_BYTES).map_err(|e| match e {
        crate::text_file::FileError::NotAFile(kind) => ImageError::NotAFile(shown.clone(), kind),
        crate::text_file::FileError::TooLarge { size, .. } => {
            ImageError::TooLarge(shown.clone(), format!("{size} bytes"))
        }
        crate::text_file::FileError::Unreadable(m) => ImageError::Unreadable(shown.clone(), m),
        crate::text_file::FileError::NotUtf8(_) => unreachable!("bytes are not decoded as text"),
    })?;
    let format = Format::sniff(&bytes).ok_or_else(|| ImageError::UnknownFormat(shown.clone()))?;
    let (width, height) = shown_size(&bytes, format)
        .map_err(|e| ImageError::Undecodable(shown.clone(), one_line(&e)))?;
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(ImageError::TooLarge(
            shown,
            format!("{width}×{height} pixels"),
        ));
    }
    if width == 0 || height == 0 {
        return Err(ImageError::Undecodable(shown, "it has no pixels".into()));
    }
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = crate::routes::slug::text_slug(&stem);
    let name = if name == "section" {
        "image".into()
    } else {
        name
    };
    Ok(Arc::new(Source {
        path: path.clone(),
        shown,
        name,
        hash: hex(&Sha256::digest(&bytes)),
        format,
        width,
        height,
    }))
}

/// A decoder's message on one line.
pub(crate) fn one_line(error: &dyn std::fmt::Display) -> String {
    error
        .to_string()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `bytes` in lowercase hexadecimal (content hashes in names and keys).
pub(crate) fn hex(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The limits every decoder runs under.
pub(crate) fn limits() -> image::Limits {
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(30_000);
    limits.max_image_height = Some(30_000);
    limits.max_alloc = Some(MAX_PIXELS * 4 + 64 * 1024 * 1024);
    limits
}

/// Width and height as the picture is shown (a JPEG turned by its EXIF orientation
/// has them swapped), from the header alone.
fn shown_size(bytes: &[u8], format: Format) -> image::ImageResult<(u32, u32)> {
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format.codec());
    reader.limits(limits());
    let mut decoder = reader.into_decoder()?;
    let (w, h) = decoder.dimensions();
    let turned = matches!(
        decoder.orientation()?,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    Ok(if turned { (h, w) } else { (w, h) })
}

/// Checks the words of an image: alt text unless decorative, a credit unless decorative.
pub(crate) fn check_words(
    source: &Source,
    alt: &str,
    credit: Option<&str>,
    decorative: bool,
) -> Result<(), ImageError> {
    if !decorative && alt.trim().is_empty() {
        return Err(ImageError::NoAlt(source.shown.clone()));
    }
    if !decorative && credit.is_none_or(|c| c.trim().is_empty()) {
        return Err(ImageError::NoCredit(source.shown.clone()));
    }
    Ok(())
}

/// One file an image becomes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Variant {
    /// Where it is published.
    pub(crate) route: Route,
    /// Its size in pixels.
    pub(crate) width: u32,
    /// See `width`.
    pub(crate) height: u32,
    /// Its format.
    pub(crate) format: Format,
    /// A share card: cropped to [`SHARE_WIDTH`] × [`SHARE_HEIGHT`].
    pub(crate) crop: bool,
}

/// What the encoders are: part of every key, so that a change to them makes new files.
const ENCODING: &str = "casefile-images-1";

/// The key of one variant of `source`: its content, the settings and the encoders.
fn variant_key(source: &Source, settings: &ImageSettings, size: &str, format: Format) -> String {
    let mut hasher = Sha256::new();
    hasher.update(source.hash.as_bytes());
    hasher.update(format!(
        "|{size}|{}|{}|{ENCODING}",
        format.ext(),
        settings.quality
    ));
    hex(&hasher.finalize())[..32].to_string()
}

fn route_of(source: &Source, key: &str, size: ImageSize, format: Format) -> Route {
    Route::Image(ImageFile {
        name: source.name.clone(),
        hash: key[..10].to_string(),
        size,
        ext: format.ext().to_string(),
    })
}

/// The widths `source` is published at: the configured widths narrower than it, and its
/// own (never wider than the original).
pub(crate) fn widths(source: &Source, settings: &ImageSettings) -> Vec<u32> {
    let mut widths: Vec<u32> = settings
        .widths
        .iter()
        .copied()
        .filter(|&w| w < source.width)
        .collect();
    widths.push(source.width);
    widths
}

fn height_at(source: &Source, width: u32) -> u32 {
    let h = (u64::from(source.height) * u64::from(width) + u64::from(source.width) / 2)
        / u64::from(source.width);
    (h as u32).max(1)
}

/// The formats `source` is published in: WebP and its own.
fn formats(source: &Source) -> Vec<Format> {
    match source.format {
        Format::WebP => vec![Format::WebP],
        own => vec![Format::WebP, own],
    }
}

/// Every file `source` becomes in the page markup: each width in each format, narrowest
/// first, WebP first.
pub(crate) fn variants(source: &Source, settings: &ImageSettings) -> Vec<(Variant, String)> {
    let mut out = Vec::new();
    for format in formats(source) {
        for width in widths(source, settings) {
            let key = variant_key(source, settings, &width.to_string(), format);
            let variant = Variant {
                route: route_of(source, &key, ImageSize::Width(width), format),
                width,
                height: height_at(source, width),
                format,
                crop: false,
            };
            out.push((variant, key));
        }
    }
    out
}

/// The share card cropped from `source`: [`SHARE_WIDTH`] × [`SHARE_HEIGHT`], JPEG.
pub(crate) fn share_variant(source: &Source, settings: &ImageSettings) -> (Variant, String) {
    let key = variant_key(source, settings, "share", Format::Jpeg);
    let variant = Variant {
        route: route_of(source, &key, ImageSize::Share, Format::Jpeg),
        width: SHARE_WIDTH,
        height: SHARE_HEIGHT,
        format: Format::Jpeg,
        crop: true,
    };
    (variant, key)
}

/// The `srcset`s of a picture and its fallback `src`.
struct Srcsets {
    /// In the picture's own format (WebP for a WebP original).
    own: String,
    /// In WebP.
    webp: String,
    /// The fallback `src`: the middle width in the own format (browsers without
    /// `srcset` are rare, and the largest file would be wasted on them).
    src: String,
}

fn srcsets(source: &Source, settings: &ImageSettings, base: &BaseUrl) -> Srcsets {
    let all = variants(source, settings);
    let srcset = |format: Format| -> String {
        all.iter()
            .filter(|(v, _)| v.format == format)
            .map(|(v, _)| format!("{} {}w", v.route.url(base), v.width))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let own: Vec<&Variant> = all
        .iter()
        .map(|(v, _)| v)
        .filter(|v| v.format == source.format)
        .collect();
    Srcsets {
        own: srcset(source.format),
        webp: srcset(Format::WebP),
        src: own[(own.len() - 1) / 2].route.url(base),
    }
}

/// What templates get for a picture: its words, its size, and its files as `srcset`s.
pub(crate) fn picture_value(picture: &Picture, config: &Config) -> tera::Value {
    let base = &config.site.base_url;
    let source = &picture.source;
    let sets = srcsets(source, &config.site.images, base);
    let (share, _) = share_variant(source, &config.site.images);
    let mut m = tera::Map::new();
    let mut put = |k: &str, v: tera::Value| {
        m.insert(k.to_string().into(), v);
    };
    put("alt", tera::Value::from(picture.alt.as_str()));
    put("credit", tera::Value::from(picture.credit.clone()));
    put("caption", tera::Value::from(picture.caption.clone()));
    put("decorative", tera::Value::from(picture.decorative));
    put("width", tera::Value::from(source.width));
    put("height", tera::Value::from(source.height));
    put("type", tera::Value::from(source.format.mime()));
    put("src", tera::Value::from(sets.src));
    put("srcset", tera::Value::from(sets.own));
    put("webp_srcset", tera::Value::from(sets.webp));
    put("share_url", tera::Value::from(share.route.permalink(base)));
    tera::Value::from(m)
}

/// Every file of `picture`, with its cache key: the widths, and the share crop when
/// `share`.
pub(crate) fn files_of(
    source: &Source,
    settings: &ImageSettings,
    share: bool,
) -> Vec<(Variant, String)> {
    let mut files = variants(source, settings);
    if share {
        files.push(share_variant(source, settings));
    }
    files
}

/// The markup of a Markdown image standing in a paragraph of its own: a `<figure>` with
/// a `<picture>` (WebP, then the original format) and a caption with the credit; a
/// decorative image is a plain `<picture>` with empty alt text. Lazy-loaded: body images
/// sit below the page's header.
pub(crate) fn figure_html(picture: &Picture, settings: &ImageSettings, base: &BaseUrl) -> String {
    let source = &picture.source;
    let sets = srcsets(source, settings, base);
    // The theme's text column is at most 42rem wide; a narrower picture is shown at its
    // own width.
    let sizes = if source.width < 672 {
        format!("{}px", source.width)
    } else {
        "(min-width: 46rem) 42rem, 100vw".to_string()
    };
    let mut html = String::new();
    html.push_str("<picture>");
    if source.format != Format::WebP {
        let _ = write!(
            html,
            "<source type=\"image/webp\" srcset=\"{}\" sizes=\"{sizes}\">",
            html_escape(&sets.webp)
        );
    }
    let _ = write!(
        html,
        "<img src=\"{}\" srcset=\"{}\" sizes=\"{sizes}\" width=\"{}\" height=\"{}\" alt=\"{}\" loading=\"lazy\" decoding=\"async\"></picture>",
        html_escape(&sets.src),
        html_escape(&sets.own),
        source.width,
        source.height,
        html_escape(&picture.alt),
    );
    if picture.decorative && picture.caption.is_none() && picture.credit.is_none() {
        return format!("<p class=\"image decorative\">{html}</p>\n");
    }
    let mut caption = String::new();
    if let Some(text) = &picture.caption {
        caption.push_str(&html_escape(text));
    }
    if let Some(credit) = &picture.credit {
        if !caption.is_empty() {
            caption.push(' ');
        }
        let _ = write!(
            caption,
            "<span class=\"credit\">{}</span>",
            html_escape(credit)
        );
    }
    format!("<figure class=\"image\">{html}<figcaption>{caption}</figcaption></figure>\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(width: u32, height: u32, format: Format) -> Source {
        Source {
            path: PathBuf::from("x.jpg"),
            shown: "content/x.jpg".into(),
            name: "x".into(),
            hash: "ab".repeat(32),
            format,
            width,
            height,
        }
    }

    #[test]
    fn widths_are_never_wider_than_the_original() {
        let settings = ImageSettings::default();
        assert_eq!(
            widths(&source(2000, 1000, Format::Jpeg), &settings),
            [480, 960, 1440, 2000]
        );
        assert_eq!(
            widths(&source(960, 100, Format::Jpeg), &settings),
            [480, 960]
        );
        assert_eq!(widths(&source(300, 100, Format::Jpeg), &settings), [300]);
    }

    #[test]
    fn variants_are_webp_and_the_own_format_with_hashed_names() {
        let settings = ImageSettings::default();
        let all = variants(&source(1000, 500, Format::Png), &settings);
        let files: Vec<String> = all.iter().map(|(v, _)| v.route.output_file()).collect();
        assert_eq!(files.len(), 6, "{files:?}");
        assert!(files[0].starts_with("images/x-480.") && files[0].ends_with(".webp"));
        assert!(files[5].starts_with("images/x-1000.") && files[5].ends_with(".png"));
        assert_eq!(all[0].0.height, 240);
        // Another quality is another file.
        let other = ImageSettings {
            quality: 50,
            ..settings
        };
        let again = variants(&source(1000, 500, Format::Png), &other);
        assert_ne!(again[0].0.route, all[0].0.route);
        assert_eq!(
            variants(&source(100, 50, Format::WebP), &ImageSettings::default()).len(),
            1
        );
    }

    #[test]
    fn sources_stay_inside_the_site() {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(tmp.path().join("themes/default")).unwrap();
        std::fs::write(
            tmp.path().join("site.yaml"),
            "title: T\nbase_url: https://example.org/\n",
        )
        .unwrap();
        let config = crate::config::test_config(tmp.path());
        let doc = Path::new("content/people/a.md");
        for bad in [
            "",
            "../x.jpg",
            "a/../../x.jpg",
            "https://e.org/x.jpg",
            "/../x.jpg",
            ".git/x",
            "c:x.jpg",
        ] {
            assert!(
                matches!(candidates(&config, doc, bad), Err(ImageError::BadSource(_))),
                "{bad}"
            );
        }
        assert_eq!(
            candidates(&config, doc, "p/x.jpg").unwrap(),
            [tmp.path().join("content/people/p/x.jpg")]
        );
        assert_eq!(
            candidates(&config, doc, "/img/x.jpg").unwrap()[0],
            tmp.path().join("static/img/x.jpg")
        );
    }
}
