//! Image bytes from an art provider (PNG, JPEG, WebP) → pixels → the quality check that gates them.
//! Invariants: decoding respects the side limit; a decoded image re-encoded as PNG and WebP decodes to the same
//! pixels; the quality scores are finite and in range.
#![no_main]

use familiar_art::codecs::{decode, encode_png, encode_webp};
use familiar_art::image_check::{check, quality, ExpectedSize, MAX_SIDE};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(pixels) = decode(data) else { return };
    let (width, height) = pixels.dimensions();
    assert!(width <= MAX_SIDE && height <= MAX_SIDE, "{width}×{height}");
    if width == 0 || height == 0 {
        return;
    }
    let png = decode(&encode_png(&pixels)).expect("our own PNG decodes");
    assert!(png == pixels, "PNG round trip changed the pixels");
    if let Ok(webp) = encode_webp(&pixels, true) {
        let back = decode(&webp).expect("our own WebP decodes");
        assert!(
            back == pixels,
            "lossless WebP round trip changed the pixels"
        );
    }
    let score = quality(&pixels);
    for part in [score.exposure, score.sharpness, score.contrast] {
        assert!(part.is_finite() && (0.0..=1.0).contains(&part), "{score:?}");
    }
    assert!(
        score.overall.is_finite() && (0.0..=100.0).contains(&score.overall),
        "{score:?}"
    );
    if let Ok(checked) = check(&pixels, ExpectedSize::Aspect { width, height }) {
        assert!(checked.overall.is_finite());
    }
});
