//! Checks on what a provider returned, before anyone sees it, on the pixels the driver decoded (the browser's
//! codecs, or [`crate::codecs`] natively): the size is the one asked for, the picture is not blank or a black
//! "filtered" placeholder; plus a technical quality score (exposure, sharpness, contrast) shown with the image and
//! used to retry a clearly broken result once.

use image::{GrayImage, Luma, RgbaImage};
use serde::{Deserialize, Serialize};

/// Below this overall score an image counts as clearly broken (noise, a smear, a washed-out frame).
pub const BROKEN_BELOW: f32 = 20.0;
/// Largest side we accept: a guard against decompression bombs in a browser tab.
pub const MAX_SIDE: u32 = 4096;
/// Statistics run on a thumbnail this size: enough for exposure and sharpness, cheap in wasm.
const ANALYSIS_SIDE: u32 = 256;

/// The size the request asked for. Providers that only take an aspect ratio (Stability) get `Aspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ExpectedSize {
    Exact { width: u32, height: u32 },
    Aspect { width: u32, height: u32 },
}

#[derive(Debug, Clone, PartialEq, thiserror::Error, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ImageDefect {
    #[error("not a PNG, JPEG or WebP image: {detail}")]
    Undecodable { detail: String },
    #[error("{width}×{height} instead of the {expected} asked for")]
    WrongSize {
        width: u32,
        height: u32,
        expected: String,
    },
    #[error("a blank image of one flat colour")]
    Blank,
    #[error("a black placeholder (what a provider's filter returns)")]
    BlackPlaceholder,
    #[error("clearly broken (quality score {score:.0} of 100)")]
    Broken { score: f32 },
}

/// Each part in 0..=1; `overall` in 0..=100.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QualityScore {
    pub exposure: f32,
    pub sharpness: f32,
    pub contrast: f32,
    pub overall: f32,
}

/// Checks decoded pixels; a clearly broken image is returned as [`ImageDefect::Broken`].
pub fn check(pixels: &RgbaImage, expected: ExpectedSize) -> Result<QualityScore, ImageDefect> {
    check_size(pixels.width(), pixels.height(), expected)?;
    let gray = analysis_gray(pixels);
    let stats = LumaStats::of(&gray);
    if stats.dark_share > 0.98 {
        return Err(ImageDefect::BlackPlaceholder);
    }
    if stats.std_dev < 2.0 {
        return Err(if stats.mean < 16.0 {
            ImageDefect::BlackPlaceholder
        } else {
            ImageDefect::Blank
        });
    }
    let score = score_gray(&gray, &stats);
    if score.overall < BROKEN_BELOW {
        return Err(ImageDefect::Broken {
            score: score.overall,
        });
    }
    Ok(score)
}

fn check_size(width: u32, height: u32, expected: ExpectedSize) -> Result<(), ImageDefect> {
    let ok = match expected {
        ExpectedSize::Exact {
            width: w,
            height: h,
        } => width == w && height == h,
        ExpectedSize::Aspect {
            width: w,
            height: h,
        } => {
            let want = w.max(1) as f64 / h.max(1) as f64;
            let got = width.max(1) as f64 / height.max(1) as f64;
            (got / want - 1.0).abs() < 0.12
                && (256..=MAX_SIDE).contains(&width)
                && (256..=MAX_SIDE).contains(&height)
        }
    };
    if ok {
        return Ok(());
    }
    let expected = match expected {
        ExpectedSize::Exact { width, height } => format!("{width}×{height}"),
        ExpectedSize::Aspect { width, height } => format!("{width}:{height} aspect"),
    };
    Err(ImageDefect::WrongSize {
        width,
        height,
        expected,
    })
}

/// The quality score of any decoded image.
pub fn quality(pixels: &RgbaImage) -> QualityScore {
    let gray = analysis_gray(pixels);
    score_gray(&gray, &LumaStats::of(&gray))
}

fn analysis_gray(pixels: &RgbaImage) -> GrayImage {
    let (w, h) = pixels.dimensions();
    let scale = (ANALYSIS_SIDE as f32 / w.max(h).max(1) as f32).min(1.0);
    let small = if scale < 1.0 {
        crate::resize::shrink(
            pixels,
            ((w as f32 * scale) as u32).max(1),
            ((h as f32 * scale) as u32).max(1),
        )
    } else {
        pixels.clone()
    };
    // Rec. 709 luma with integer weights, as the `image` crate's own conversion (without its colour-type tables).
    GrayImage::from_fn(small.width(), small.height(), |x, y| {
        let [r, g, b, _] = small.get_pixel(x, y).0;
        let luma = (2126 * r as u32 + 7152 * g as u32 + 722 * b as u32) / 10_000;
        Luma([luma as u8])
    })
}

struct LumaStats {
    mean: f32,
    std_dev: f32,
    dark_share: f32,
    clipped_share: f32,
}

impl LumaStats {
    fn of(gray: &GrayImage) -> Self {
        let n = (gray.width() * gray.height()).max(1) as f32;
        let (mut sum, mut sum_sq, mut dark, mut clipped) = (0f32, 0f32, 0u32, 0u32);
        for &Luma([v]) in gray.pixels() {
            let v32 = v as f32;
            sum += v32;
            sum_sq += v32 * v32;
            dark += u32::from(v < 8);
            clipped += u32::from(!(5..=250).contains(&v));
        }
        let mean = sum / n;
        let variance = (sum_sq / n - mean * mean).max(0.0);
        LumaStats {
            mean,
            std_dev: variance.sqrt(),
            dark_share: dark as f32 / n,
            clipped_share: clipped as f32 / n,
        }
    }
}

fn score_gray(gray: &GrayImage, stats: &LumaStats) -> QualityScore {
    // Exposure: penalise clipped shadows/highlights and a mean far from mid-grey.
    let off_centre = ((stats.mean - 128.0).abs() - 64.0).max(0.0) / 64.0;
    let exposure = ((1.0 - stats.clipped_share * 2.0) * (1.0 - off_centre)).clamp(0.0, 1.0);
    let sharpness = {
        let v = laplacian_variance(gray);
        v / (v + 100.0)
    };
    let contrast = (stats.std_dev / 50.0).min(1.0);
    let overall = 100.0 * (0.35 * exposure + 0.35 * sharpness + 0.30 * contrast);
    QualityScore {
        exposure,
        sharpness,
        contrast,
        overall,
    }
}

/// Variance of the 4-neighbour Laplacian: high for crisp detail, near zero for blur or flat fills.
fn laplacian_variance(gray: &GrayImage) -> f32 {
    let (w, h) = gray.dimensions();
    if w < 3 || h < 3 {
        return 0.0;
    }
    let at = |x: u32, y: u32| gray.get_pixel(x, y).0[0] as f32;
    let (mut sum, mut sum_sq, mut n) = (0f64, 0f64, 0f64);
    for y in 1..h - 1 {
        for x in 1..w - 1 {
            let l =
                (at(x - 1, y) + at(x + 1, y) + at(x, y - 1) + at(x, y + 1) - 4.0 * at(x, y)) as f64;
            sum += l;
            sum_sq += l * l;
            n += 1.0;
        }
    }
    let mean = sum / n;
    (sum_sq / n - mean * mean).max(0.0) as f32
}

#[cfg(test)]
pub(crate) mod test_images {
    use image::{Rgba, RgbaImage};

    /// A textured test picture: gradients plus a checker, so it is sharp, contrasted and well exposed.
    pub fn pattern(width: u32, height: u32) -> RgbaImage {
        RgbaImage::from_fn(width, height, |x, y| {
            let checker = if (x / 8 + y / 8) % 2 == 0 { 60 } else { 0 };
            Rgba([
                (x * 200 / width.max(1)) as u8 + checker / 2,
                (y * 200 / height.max(1)) as u8,
                90 + checker,
                255,
            ])
        })
    }
}

#[cfg(test)]
mod tests {
    use super::test_images::*;
    use super::*;
    use image::Rgba;

    const SQUARE: ExpectedSize = ExpectedSize::Exact {
        width: 64,
        height: 64,
    };

    #[test]
    fn a_textured_image_passes_with_a_good_score() {
        let score = check(&pattern(64, 64), SQUARE).unwrap();
        assert!(score.overall > 50.0, "{score:?}");
        assert_eq!(quality(&pattern(64, 64)), score);
    }

    #[test]
    fn wrong_size_black_and_blank_are_defects() {
        assert!(matches!(
            check(&pattern(64, 32), SQUARE),
            Err(ImageDefect::WrongSize {
                width: 64,
                height: 32,
                ..
            })
        ));
        let black = RgbaImage::from_pixel(64, 64, Rgba([0, 0, 0, 255]));
        assert_eq!(
            check(&black, SQUARE).unwrap_err(),
            ImageDefect::BlackPlaceholder
        );
        let grey = RgbaImage::from_pixel(64, 64, Rgba([128, 128, 128, 255]));
        assert_eq!(check(&grey, SQUARE).unwrap_err(), ImageDefect::Blank);
    }

    #[test]
    fn a_washed_out_smear_is_broken() {
        let smear = RgbaImage::from_fn(64, 64, |x, y| {
            let v = 240 + ((x + y) * 15 / 126) as u8;
            Rgba([v, v, v, 255])
        });
        assert!(matches!(
            check(&smear, SQUARE),
            Err(ImageDefect::Broken { .. })
        ));
    }

    #[test]
    fn aspect_expectation_accepts_any_size_of_that_shape() {
        let expected = ExpectedSize::Aspect {
            width: 1,
            height: 1,
        };
        assert!(check(&pattern(300, 300), expected).is_ok());
        assert!(matches!(
            check(&pattern(480, 270), expected),
            Err(ImageDefect::WrongSize { .. })
        ));
        assert!(matches!(
            check(&pattern(MAX_SIDE + 8, MAX_SIDE + 8), expected),
            Err(ImageDefect::WrongSize { .. })
        ));
    }
}
