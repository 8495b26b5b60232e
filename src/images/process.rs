//! Making the files of the site's pictures: decode once, resize (fast_image_resize,
//! Lanczos 3), encode (libwebp for lossy WebP, the `image` crate's JPEG and PNG
//! encoders), each file kept in the [`Cache`] so the next build reads it back instead.
//!
//! Metadata (EXIF, with a camera's GPS position) is not carried over: the encoders
//! write pixels only, after turning the picture by its EXIF orientation.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageEncoder};
use rayon::prelude::*;

use super::cache::Cache;
use super::{files_of, limits, Format, ImageError, Picture, Source, Variant};
use crate::config::{Config, ImageSettings};
use crate::diagnostic::{Diagnostic, Diagnostics, Stage};
use crate::render::{Output, PageSink};

/// How many files came from the cache and how many were encoded, for the build report.
#[derive(Debug, Default)]
pub(crate) struct Counts {
    /// Files encoded this run.
    pub(crate) encoded: AtomicUsize,
    /// Files read back from the cache.
    pub(crate) reused: AtomicUsize,
}

/// What `serve` keeps between runs: the image files the last run published.
#[derive(Debug, Default)]
pub(crate) struct ImageMemo {
    published: BTreeSet<String>,
}

/// One picture the site shows, with where it was declared and whether it is also an
/// entry's share card.
pub(crate) struct Use {
    /// The picture.
    pub(crate) picture: Picture,
    /// Its share crop is published too.
    pub(crate) share: bool,
    /// The content file that declared it.
    pub(crate) file: std::path::PathBuf,
}

/// The files of one source, by output path, with their keys; and where the source was
/// first declared.
type Job = (
    Arc<Source>,
    BTreeMap<String, (Variant, String)>,
    (std::path::PathBuf, Option<crate::diagnostic::Place>),
);

/// Makes (or reads back) every file of `uses`, and puts it in `output`, through `sink`
/// when one is given. With a `memo` of the last run whose pages stayed (`full` false),
/// only the files that run did not publish are made, and those no longer shown are
/// listed as removed.
pub(crate) fn publish(
    config: &Config,
    uses: Vec<Use>,
    output: &mut Output,
    sink: Option<&dyn PageSink>,
    memo: &mut ImageMemo,
    counts: &Counts,
) -> Result<(), Diagnostics> {
    let settings = &config.site.images;
    // One job per source file: decoded once for all its sizes.
    let mut jobs: BTreeMap<String, Job> = BTreeMap::new();
    for u in uses {
        let source = Arc::clone(&u.picture.source);
        let job = jobs
            .entry(source.hash.clone())
            .or_insert_with(|| (source, BTreeMap::new(), (u.file, u.picture.at)));
        for (variant, key) in files_of(&job.0, settings, u.share) {
            job.1.insert(variant.route.output_file(), (variant, key));
        }
    }
    let wanted: BTreeSet<String> = jobs.values().flat_map(|j| j.1.keys().cloned()).collect();
    let skip = |path: &str| !output.full && memo.published.contains(path);
    let cache = Cache::of(config);
    type Made = Result<Vec<(String, Vec<u8>)>, Diagnostic>;
    let made: Vec<Made> = jobs
        .into_par_iter()
        .map(|(_, (source, files, declared))| {
            let todo: Vec<(String, Variant, String)> = files
                .into_iter()
                .filter(|(path, _)| !skip(path))
                .map(|(path, (v, k))| (path, v, k))
                .collect();
            make(&source, &todo, settings, &cache, counts).map_err(|e| {
                let hint = e.hint(false);
                Diagnostic::new(Stage::Render, declared.0.clone(), e)
                    .at(declared.1)
                    .with_hint(hint)
            })
        })
        .collect();
    let mut problems = Diagnostics::new();
    for result in made {
        match result {
            Ok(files) => {
                for (path, bytes) in files {
                    match sink {
                        Some(sink) => match sink.put(&path, &bytes) {
                            Ok(()) => {
                                output.streamed.insert(path, bytes.len() as u64);
                            }
                            Err(d) => problems.push(d),
                        },
                        None => {
                            output.files.insert(path, bytes);
                        }
                    }
                }
            }
            Err(d) => problems.push(d),
        }
    }
    if !output.full {
        output.removed.extend(
            memo.published
                .iter()
                .filter(|p| !wanted.contains(*p))
                .cloned(),
        );
    }
    memo.published = wanted;
    problems.into_result(())
}

/// The bytes of each of `files` of `source`: from the cache, or made and then cached.
fn make(
    source: &Source,
    files: &[(String, Variant, String)],
    settings: &ImageSettings,
    cache: &Cache,
    counts: &Counts,
) -> Result<Vec<(String, Vec<u8>)>, ImageError> {
    let mut decoded: Option<Pixels> = None;
    let mut out = Vec::with_capacity(files.len());
    for (path, variant, key) in files {
        let ext = variant.format.ext();
        if let Some(bytes) = cache.get("images", key, ext) {
            counts.reused.fetch_add(1, Ordering::Relaxed);
            out.push((path.clone(), bytes));
            continue;
        }
        let pixels = match &decoded {
            Some(p) => p,
            None => decoded.insert(decode(source)?),
        };
        let bytes = encode_variant(pixels, variant, settings.quality)
            .map_err(|e| ImageError::Undecodable(source.shown.clone(), e))?;
        counts.encoded.fetch_add(1, Ordering::Relaxed);
        cache.put("images", key, ext, &bytes);
        out.push((path.clone(), bytes));
    }
    Ok(out)
}

/// Decoded pixels, 8 bits a channel, RGB or (with transparency) RGBA.
pub(crate) struct Pixels {
    pub(crate) width: u32,
    pub(crate) height: u32,
    pub(crate) alpha: bool,
    pub(crate) bytes: Vec<u8>,
}

/// Decodes the whole file, turned by its EXIF orientation.
fn decode(source: &Source) -> Result<Pixels, ImageError> {
    let undecodable = |e: &dyn std::fmt::Display| {
        ImageError::Undecodable(source.shown.clone(), super::one_line(e))
    };
    let bytes = std::fs::read(&source.path)
        .map_err(|e| ImageError::Unreadable(source.shown.clone(), e.to_string()))?;
    let mut reader = image::ImageReader::with_format(Cursor::new(&bytes), source.format.codec());
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(|e| undecodable(&e))?;
    let orientation = decoder.orientation().map_err(|e| undecodable(&e))?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(|e| undecodable(&e))?;
    image.apply_orientation(orientation);
    Ok(pixels_of(image))
}

/// 8-bit RGB or RGBA pixels of `image`.
pub(crate) fn pixels_of(image: DynamicImage) -> Pixels {
    let (width, height) = (image.width(), image.height());
    let alpha = image.color().has_alpha();
    let bytes = if alpha {
        image.into_rgba8().into_raw()
    } else {
        image.into_rgb8().into_raw()
    };
    Pixels {
        width,
        height,
        alpha,
        bytes,
    }
}

/// One variant of decoded pixels: resized (or cropped) and encoded.
fn encode_variant(pixels: &Pixels, variant: &Variant, quality: u8) -> Result<Vec<u8>, String> {
    let crop = variant
        .crop
        .then(|| share_crop(pixels.width, pixels.height, variant));
    let resized = resize(pixels, variant.width, variant.height, crop)?;
    encode(&resized, variant.format, quality)
}

/// The part of a `width` × `height` picture a share card shows: as wide or as tall as
/// the picture allows at the card's proportions, centred across, and a third of the
/// way down (faces sit high in portraits).
fn share_crop(width: u32, height: u32, variant: &Variant) -> (f64, f64, f64, f64) {
    let (w, h) = (f64::from(width), f64::from(height));
    let ratio = f64::from(variant.width) / f64::from(variant.height);
    if w / h > ratio {
        let cw = h * ratio;
        ((w - cw) / 2.0, 0.0, cw, h)
    } else {
        let ch = w / ratio;
        (0.0, (h - ch) / 3.0, w, ch)
    }
}

/// `pixels` at `width` × `height`, from the `crop` rectangle when given.
pub(crate) fn resize(
    pixels: &Pixels,
    width: u32,
    height: u32,
    crop: Option<(f64, f64, f64, f64)>,
) -> Result<Pixels, String> {
    if crop.is_none() && width == pixels.width && height == pixels.height {
        return Ok(Pixels {
            bytes: pixels.bytes.clone(),
            ..*pixels
        });
    }
    let kind = if pixels.alpha {
        fr::PixelType::U8x4
    } else {
        fr::PixelType::U8x3
    };
    let src = fr::images::ImageRef::new(pixels.width, pixels.height, &pixels.bytes, kind)
        .map_err(|e| e.to_string())?;
    let mut dst = fr::images::Image::new(width, height, kind);
    let mut options =
        fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Lanczos3));
    if let Some((left, top, w, h)) = crop {
        options = options.crop(left, top, w, h);
    }
    fr::Resizer::new()
        .resize(&src, &mut dst, &options)
        .map_err(|e| e.to_string())?;
    Ok(Pixels {
        width,
        height,
        alpha: pixels.alpha,
        bytes: dst.into_vec(),
    })
}

/// RGB pixels of RGBA ones, over white (JPEG has no transparency).
fn flatten(pixels: &Pixels) -> Vec<u8> {
    pixels
        .bytes
        .chunks_exact(4)
        .flat_map(|p| {
            let a = u16::from(p[3]);
            let over = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
            [over(p[0]), over(p[1]), over(p[2])]
        })
        .collect()
}

/// `pixels` encoded as `format`.
pub(crate) fn encode(pixels: &Pixels, format: Format, quality: u8) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    let (w, h) = (pixels.width, pixels.height);
    match format {
        Format::WebP => {
            let encoder = if pixels.alpha {
                webp::Encoder::from_rgba(&pixels.bytes, w, h)
            } else {
                webp::Encoder::from_rgb(&pixels.bytes, w, h)
            };
            let memory = encoder
                .encode_simple(false, f32::from(quality))
                .map_err(|e| format!("WebP encoding failed: {e:?}"))?;
            out.extend_from_slice(&memory);
        }
        Format::Jpeg => {
            let rgb;
            let bytes = if pixels.alpha {
                rgb = flatten(pixels);
                &rgb
            } else {
                &pixels.bytes
            };
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
                .encode(bytes, w, h, image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        Format::Png => {
            let color = if pixels.alpha {
                image::ExtendedColorType::Rgba8
            } else {
                image::ExtendedColorType::Rgb8
            };
            image::codecs::png::PngEncoder::new_with_quality(
                &mut out,
                image::codecs::png::CompressionType::Default,
                image::codecs::png::FilterType::Adaptive,
            )
            .write_image(&pixels.bytes, w, h, color)
            .map_err(|e| e.to_string())?;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pixels(width: u32, height: u32, alpha: bool) -> Pixels {
        let channels = if alpha { 4 } else { 3 };
        let bytes = (0..width * height * channels)
            .map(|i| (i % 251) as u8)
            .collect();
        Pixels {
            width,
            height,
            alpha,
            bytes,
        }
    }

    #[test]
    fn each_format_encodes_and_decodes_at_its_size() {
        for alpha in [false, true] {
            let small = resize(&pixels(64, 48, alpha), 32, 24, None).unwrap();
            for format in [Format::WebP, Format::Jpeg, Format::Png] {
                let bytes = encode(&small, format, 80).unwrap();
                assert_eq!(Format::sniff(&bytes), Some(format));
                let back = image::load_from_memory(&bytes).unwrap();
                assert_eq!((back.width(), back.height()), (32, 24), "{format:?}");
            }
        }
    }

    #[test]
    fn share_crops_keep_the_card_proportions() {
        let variant = Variant {
            route: crate::routes::Route::Home,
            width: 1200,
            height: 630,
            format: Format::Jpeg,
            crop: true,
        };
        let (l, t, w, h) = share_crop(1000, 2000, &variant);
        assert_eq!((l, w), (0.0, 1000.0));
        assert!((w / h - 1200.0 / 630.0).abs() < 1e-9 && t > 0.0 && t + h < 2000.0);
        let (l, t, w, h) = share_crop(4000, 1000, &variant);
        assert_eq!((t, h), (0.0, 1000.0));
        assert!((l * 2.0 + w - 4000.0).abs() < 1e-9);
    }
}
