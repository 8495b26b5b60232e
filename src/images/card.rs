//! Share cards: a page's card, rendered by the theme's `share-card.svg` template, drawn
//! to a 1200 × 630 PNG by resvg with the fonts the theme ships in `fonts/` (never the
//! system's, so a card looks the same on every machine), and cached by the SVG text,
//! the fonts and the renderer.
//!
//! The SVG may not load anything: `<image>` references to files or addresses are
//! refused, so a card reads nothing but its own text and the theme's fonts.

use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;

use resvg::tiny_skia;
use resvg::usvg;
use sha2::{Digest, Sha256};

use super::cache::Cache;
use super::process::Counts;
use super::{hex, SHARE_HEIGHT, SHARE_WIDTH};

/// What is part of every card's key besides its SVG and fonts.
const RENDERER: &str = "casefile-cards-2/resvg-0.49";

/// A card's PNG.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum CardPng {
    /// A file of the cache, drawn by an earlier build: the output links it rather than
    /// copying its bytes (10,000 cards are half of a large site's bytes).
    Kept(std::path::PathBuf),
    /// Drawn now.
    Drawn(Vec<u8>),
}

/// Draws share cards with one set of fonts.
pub(crate) struct CardPainter {
    fonts: Arc<usvg::fontdb::Database>,
    /// A hash of the fonts' bytes, part of each card's key.
    fonts_hash: String,
    /// The first font's family: the default for text without `font-family`.
    family: Option<String>,
    cache: Cache,
}

impl CardPainter {
    /// A painter with the fonts (`.ttf`, `.otf`) directly in `folder`, sorted by name.
    pub(crate) fn new(folder: &Path, cache: Cache) -> CardPainter {
        let mut names: Vec<std::path::PathBuf> = std::fs::read_dir(folder)
            .map(|dir| dir.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        names.sort();
        let files = names
            .into_iter()
            .filter(|path| std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
            .filter_map(|path| {
                let name = path.file_name()?.to_string_lossy().into_owned();
                Some((name, std::fs::read(&path).ok()?))
            })
            .collect();
        CardPainter::with_fonts(files, cache)
    }

    /// A painter with the font files among `files` (name, bytes), in name order: the
    /// built-in theme's, or a theme folder's.
    pub(crate) fn with_fonts(mut files: Vec<(String, Vec<u8>)>, cache: Cache) -> CardPainter {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let mut fonts = usvg::fontdb::Database::new();
        let mut hasher = Sha256::new();
        for (name, bytes) in files {
            let lower = name.to_ascii_lowercase();
            if !(lower.ends_with(".ttf") || lower.ends_with(".otf")) || name.contains('/') {
                continue;
            }
            hasher.update(&bytes);
            fonts.load_font_data(bytes);
        }
        let family = fonts
            .faces()
            .next()
            .and_then(|f| f.families.first().map(|(name, _)| name.clone()));
        CardPainter {
            fonts: Arc::new(fonts),
            fonts_hash: hex(&hasher.finalize()),
            family,
            cache,
        }
    }

    /// The PNG of the card whose SVG is `svg`: the cache's file, or drawn (and cached).
    pub(crate) fn png(&self, svg: &[u8], counts: &Counts) -> Result<CardPng, String> {
        let mut hasher = Sha256::new();
        hasher.update(svg);
        hasher.update(self.fonts_hash.as_bytes());
        hasher.update(RENDERER.as_bytes());
        let key = hex(&hasher.finalize())[..32].to_string();
        if let Some(file) = self.cache.file_of("cards", &key, "png") {
            counts.reused.fetch_add(1, Ordering::Relaxed);
            return Ok(CardPng::Kept(file));
        }
        let png = self.draw(svg)?;
        counts.encoded.fetch_add(1, Ordering::Relaxed);
        self.cache.put("cards", &key, "png", &png);
        Ok(CardPng::Drawn(png))
    }

    fn draw(&self, svg: &[u8]) -> Result<Vec<u8>, String> {
        let mut options = usvg::Options {
            fontdb: Arc::clone(&self.fonts),
            image_href_resolver: usvg::ImageHrefResolver {
                resolve_data: Box::new(|_, _, _| None),
                resolve_string: Box::new(|_, _| None),
            },
            ..usvg::Options::default()
        };
        if let Some(family) = &self.family {
            options.font_family = family.clone();
        }
        let tree = usvg::Tree::from_data(svg, &options).map_err(|e| e.to_string())?;
        let mut pixmap = tiny_skia::Pixmap::new(SHARE_WIDTH, SHARE_HEIGHT)
            .ok_or_else(|| "cannot allocate the card".to_string())?;
        let size = tree.size();
        let transform = tiny_skia::Transform::from_scale(
            SHARE_WIDTH as f32 / size.width(),
            SHARE_HEIGHT as f32 / size.height(),
        );
        resvg::render(&tree, transform, &mut pixmap.as_mut());
        encode(&pixmap)
    }
}

/// The palette (RGB triples) and each pixel's index into it, for opaque RGBA pixels of
/// at most 256 colours; `None` past that. A card is a million pixels drawn in long runs of
/// one colour, so the run's colour is checked first, then a small open-addressed table
/// (a general-purpose hash map per pixel cost more than drawing the card).
fn palette_of(rgba: &[u8]) -> Option<(Vec<u8>, Vec<u8>)> {
    const SLOTS: usize = 1024;
    let mut keys = [u32::MAX; SLOTS];
    let mut values = [0u8; SLOTS];
    let mut palette: Vec<u8> = Vec::with_capacity(256 * 3);
    let mut indexed = Vec::with_capacity(rgba.len() / 4);
    let mut last = (u32::MAX, 0u8);
    for p in rgba.chunks_exact(4) {
        let colour = u32::from(p[0]) << 16 | u32::from(p[1]) << 8 | u32::from(p[2]);
        if colour == last.0 {
            indexed.push(last.1);
            continue;
        }
        let mut slot = (colour.wrapping_mul(0x9E37_79B1) >> 22) as usize % SLOTS;
        let index = loop {
            if keys[slot] == colour {
                break values[slot];
            }
            if keys[slot] == u32::MAX {
                let count = palette.len() / 3;
                if count == 256 {
                    return None;
                }
                keys[slot] = colour;
                values[slot] = count as u8;
                palette.extend_from_slice(&p[..3]);
                break count as u8;
            }
            slot = (slot + 1) % SLOTS;
        };
        last = (colour, index);
        indexed.push(index);
    }
    Some((palette, indexed))
}

/// The smallest exact PNG of a drawn card: indexed when it has at most 256 colours (a
/// card is flat colour and anti-aliased text, so it nearly always has), else RGB, and
/// tiny-skia's own RGBA encoding only for a card that is not opaque. Never lossy: a
/// card shows what its SVG draws, pixel for pixel.
fn encode(pixmap: &tiny_skia::Pixmap) -> Result<Vec<u8>, String> {
    let rgba = pixmap.data();
    // Premultiplied and straight alpha agree only where a pixel is opaque.
    if rgba.chunks_exact(4).any(|p| p[3] != 255) {
        return pixmap.encode_png().map_err(|e| e.to_string());
    }
    let indexed = palette_of(rgba);
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, pixmap.width(), pixmap.height());
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Balanced);
    let data = if let Some((palette, indexed)) = indexed {
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_palette(palette);
        indexed
    } else {
        encoder.set_color(png::ColorType::Rgb);
        rgba.chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    };
    let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
    writer.write_image_data(&data).map_err(|e| e.to_string())?;
    writer.finish().map_err(|e| e.to_string())?;
    Ok(out)
}

/// `text` broken into lines of at most `width` characters at spaces (a longer word is
/// a line of its own), at most `lines` of them, the last ending in `…` when text is
/// left over: SVG has no line breaking of its own.
pub(crate) fn wrap(text: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let fits = line.is_empty() || line.chars().count() + 1 + word.chars().count() <= width;
        if !fits {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        out.push(line);
    }
    if out.len() > lines && lines > 0 {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            let keep: String = last.chars().take(width.saturating_sub(1)).collect();
            *last = format!("{}…", keep.trim_end());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_wrapped_at_spaces_and_cut_with_an_ellipsis() {
        assert_eq!(
            wrap("Han Dong leaves the Liberal caucus", 16, 3),
            ["Han Dong leaves", "the Liberal", "caucus"]
        );
        assert_eq!(wrap("a b c d", 4, 1), ["a b…"]);
        assert_eq!(wrap("a b c d", 3, 1), ["a…"]);
        assert_eq!(wrap("", 10, 2), Vec::<String>::new());
        assert_eq!(
            wrap("Supercalifragilistic x", 5, 3),
            ["Supercalifragilistic", "x"]
        );
    }

    /// The PNG colour type of `png` (IHDR's tenth byte) and its pixels, decoded.
    fn decoded(png: &[u8]) -> (u8, Vec<u8>) {
        let image = image::load_from_memory(png).unwrap();
        (png[25], image.to_rgba8().into_raw())
    }

    #[test]
    fn cards_are_encoded_exactly_indexed_when_they_can_be() {
        let mut pixmap = tiny_skia::Pixmap::new(40, 10).unwrap();
        pixmap.fill(tiny_skia::Color::from_rgba8(0x12, 0x34, 0x56, 255));
        let (colour_type, pixels) = decoded(&encode(&pixmap).unwrap());
        assert_eq!(colour_type, 3, "one colour: indexed");
        assert_eq!(pixels, pixmap.data());

        // 400 colours do not fit a palette: RGB, still exact.
        for (n, p) in pixmap.data_mut().chunks_exact_mut(4).enumerate() {
            p.copy_from_slice(&[(n % 256) as u8, (n / 256) as u8, 7, 255]);
        }
        let (colour_type, pixels) = decoded(&encode(&pixmap).unwrap());
        assert_eq!(colour_type, 2);
        assert_eq!(pixels, pixmap.data());

        // A card that is not opaque keeps its alpha.
        pixmap.fill(tiny_skia::Color::from_rgba8(0, 0, 0, 0));
        let (colour_type, pixels) = decoded(&encode(&pixmap).unwrap());
        assert_eq!(colour_type, 6);
        assert!(pixels.chunks_exact(4).all(|p| p[3] == 0));
    }

    #[test]
    fn a_card_is_drawn_once_then_read_back() {
        let tmp = tempfile::tempdir().unwrap();
        let fonts = Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/fonts");
        let cache = Cache::of_folder(tmp.path());
        let painter = CardPainter::new(&fonts, cache);
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="630"><rect width="1200" height="630" fill="#123"/><text x="80" y="300" font-size="72" fill="#fff">Han Dong</text></svg>"##;
        let counts = Counts::default();
        let CardPng::Drawn(png) = painter.png(svg, &counts).unwrap() else {
            panic!("a new card is drawn");
        };
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!((image.width(), image.height()), (1200, 630));
        // The text was drawn: some pixels are light.
        let light = image.to_rgb8().pixels().filter(|p| p.0[0] > 200).count();
        assert!(light > 1000, "{light}");
        let CardPng::Kept(file) = painter.png(svg, &counts).unwrap() else {
            panic!("a card drawn before is the cache's file");
        };
        assert_eq!(std::fs::read(file).unwrap(), png);
        assert_eq!(counts.encoded.load(Ordering::Relaxed), 1);
        assert_eq!(counts.reused.load(Ordering::Relaxed), 1);
    }
}
