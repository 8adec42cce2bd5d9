//! The native driver of the Studio's codec steps (feature `codecs`): the `image` crate's PNG/JPEG/WebP decoders
//! and its WebP encoder, for the CLI and the native tests. The browser does not link this: it decodes with
//! `createImageBitmap` and encodes with `OffscreenCanvas`, which saves ~245 KB brotli of wasm.
//!
//! WebP here is lossless: the `image` crate's encoder (image-webp) writes only lossless WebP, and the lossy
//! encoders are bindings to C libwebp. Portraits are scaled to a modest side first (768 px by default).

use std::io::Cursor;

use image::{ImageEncoder, ImageReader, Limits, RgbaImage};

use crate::error::{DecodeError, EncodeError};
use crate::http::Millis;
use crate::image_check::MAX_SIDE;
use crate::job::{Studio, Work, WorkStep};
use crate::safety::classifier::Classification;

/// Why the native driver never classifies.
pub const NO_CLASSIFIER: &str = "the image classifier runs in the browser";

/// PNG, JPEG or WebP bytes → RGBA, refusing sides over [`MAX_SIDE`] and huge allocations.
pub fn decode(bytes: &[u8]) -> Result<RgbaImage, DecodeError> {
    let failed = |detail: String| DecodeError { detail };
    let mut reader = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| failed(e.to_string()))?;
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|e| failed(e.to_string()))?;
    Ok(image.into_rgba8())
}

/// Lossless WebP whatever `lossless` asks (the only WebP this encoder writes); opaque pixels as RGB, smaller.
pub fn encode_webp(pixels: &RgbaImage, _lossless: bool) -> Result<Vec<u8>, EncodeError> {
    let (width, height) = pixels.dimensions();
    let opaque = pixels.pixels().all(|p| p[3] == 255);
    let rgb: Vec<u8>;
    let (raw, color) = if opaque {
        rgb = pixels.pixels().flat_map(|p| [p[0], p[1], p[2]]).collect();
        (rgb.as_slice(), image::ExtendedColorType::Rgb8)
    } else {
        (pixels.as_raw().as_slice(), image::ExtendedColorType::Rgba8)
    };
    let mut out = Vec::new();
    image::codecs::webp::WebPEncoder::new_lossless(&mut out)
        .write_image(raw, width, height, color)
        .map_err(|e| EncodeError {
            detail: e.to_string(),
        })?;
    Ok(out)
}

/// PNG bytes (for tests and fixtures).
pub fn encode_png(pixels: &RgbaImage) -> Vec<u8> {
    let mut out = Vec::new();
    // Writing RGBA8 into a Vec cannot fail for a well-formed buffer.
    let _ = image::codecs::png::PngEncoder::new(&mut out).write_image(
        pixels.as_raw(),
        pixels.width(),
        pixels.height(),
        image::ExtendedColorType::Rgba8,
    );
    out
}

/// Answers one step natively: decode and encode with the codecs above; classify as not run.
pub fn serve(studio: &mut Studio, work: Work, now: Millis) {
    match work.step {
        WorkStep::Decode { bytes } => studio.handle_decoded(work.id, decode(&bytes), now),
        WorkStep::Classify { .. } => studio.handle_classified(
            work.id,
            Classification::NotRun {
                why: NO_CLASSIFIER.into(),
            },
            now,
        ),
        WorkStep::Encode { pixels, lossless } => {
            studio.handle_encoded(work.id, encode_webp(&pixels, lossless), now)
        }
    }
}

/// Answers every step the Studio has asked for, including the ones answering creates.
pub fn serve_all(studio: &mut Studio, now: Millis) {
    while let Some(work) = studio.poll_work() {
        serve(studio, work, now);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_check::test_images::pattern;
    use crate::token::{portrait, round_token, TokenStyle};

    #[test]
    fn webp_outputs_decode_back_with_the_right_sizes() {
        let webp = encode_webp(&portrait(&pattern(1000, 500), 400), false).unwrap();
        assert_eq!(decode(&webp).unwrap().dimensions(), (400, 200));
        let style = TokenStyle {
            size: 64,
            ..TokenStyle::default()
        };
        let token = encode_webp(&round_token(&pattern(64, 64), &style), true).unwrap();
        let decoded = decode(&token).unwrap();
        assert_eq!(decoded.dimensions(), (64, 64));
        assert_eq!(decoded.get_pixel(0, 0)[3], 0);
    }

    #[test]
    fn garbage_and_truncated_bytes_are_errors_not_panics() {
        assert!(decode(b"not an image").is_err());
        let bytes = encode_png(&pattern(64, 64));
        for cut in [8, 33, bytes.len() / 2] {
            assert!(decode(&bytes[..cut]).is_err());
        }
        assert_eq!(decode(&bytes).unwrap(), pattern(64, 64));
    }
}
