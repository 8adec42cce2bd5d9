//! What goes into the world: a portrait (scaled to a modest side) and a round token (cropped square on the
//! subject, a circular mask with a border, transparent outside), made on RGBA pixels here; the driver encodes them
//! as WebP (the browser's `OffscreenCanvas`, or [`crate::codecs`] natively).

use image::{Rgba, RgbaImage};

use crate::resize;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TokenStyle {
    /// Side of the square token in pixels (Foundry's default token art is 400×400).
    pub size: u32,
    /// Ring width as a share of the size.
    pub border_share: f32,
    pub border_rgba: [u8; 4],
}

impl Default for TokenStyle {
    fn default() -> Self {
        TokenStyle {
            size: 400,
            border_share: 0.04,
            border_rgba: [176, 141, 87, 255],
        }
    }
}

/// The portrait's pixels: scaled so the longest side is at most `max_side` (0 keeps the size).
pub fn portrait(pixels: &RgbaImage, max_side: u32) -> RgbaImage {
    let (w, h) = pixels.dimensions();
    let longest = w.max(h);
    if longest <= max_side || max_side == 0 {
        return pixels.clone();
    }
    let scale = max_side as f32 / longest as f32;
    let (nw, nh) = (
        ((w as f32 * scale).round() as u32).max(1),
        ((h as f32 * scale).round() as u32).max(1),
    );
    resize::resize(pixels, nw, nh)
}

/// The token's pixels: a square crop around the subject, scaled to `style.size`, masked to a ringed circle.
pub fn round_token(pixels: &RgbaImage, style: &TokenStyle) -> RgbaImage {
    let (w, h) = pixels.dimensions();
    let side = w.min(h).max(1);
    let (cx, cy) = subject_centre(pixels);
    let left = (cx.saturating_sub(side / 2)).min(w.saturating_sub(side));
    let top = (cy.saturating_sub(side / 2)).min(h.saturating_sub(side));
    let square = resize::crop(pixels, left, top, side, side);
    let size = style.size.max(8);
    let scaled = resize::resize(&square, size, size);
    let radius = size as f32 / 2.0;
    let inner = radius - (style.border_share * size as f32).max(1.0);
    let ring = Rgba(style.border_rgba);
    RgbaImage::from_fn(size, size, |x, y| {
        let d = ((x as f32 + 0.5 - radius).powi(2) + (y as f32 + 0.5 - radius).powi(2)).sqrt();
        // One-pixel ramps anti-alias both the ring's inner edge and the outer edge.
        let inside_picture = (inner - d + 0.5).clamp(0.0, 1.0);
        let inside_token = (radius - d + 0.5).clamp(0.0, 1.0);
        let picture = scaled.get_pixel(x, y);
        let mut out = [0u8; 4];
        for c in 0..3 {
            out[c] = (picture[c] as f32 * inside_picture + ring[c] as f32 * (1.0 - inside_picture))
                .round() as u8;
        }
        out[3] = (inside_token * 255.0).round() as u8;
        Rgba(out)
    })
}

/// Where the subject most likely is: the centroid of how much each pixel differs from the border's average
/// colour (the background), weighted toward the middle so a busy edge doesn't pull the crop off the subject.
pub fn subject_centre(pixels: &RgbaImage) -> (u32, u32) {
    let (w, h) = pixels.dimensions();
    if w == 0 || h == 0 {
        return (0, 0);
    }
    let small = resize::shrink(pixels, w.min(96), h.min(96));
    let (sw, sh) = small.dimensions();
    let border: Vec<[f32; 3]> = small
        .enumerate_pixels()
        .filter(|(x, y, _)| *x == 0 || *y == 0 || *x + 1 == sw || *y + 1 == sh)
        .map(|(_, _, p)| [p[0] as f32, p[1] as f32, p[2] as f32])
        .collect();
    let count = border.len().max(1) as f32;
    let background = border.iter().fold([0f32; 3], |acc, p| {
        [acc[0] + p[0], acc[1] + p[1], acc[2] + p[2]]
    });
    let background = background.map(|c| c / count);
    let (mut sx, mut sy, mut total) = (0f64, 0f64, 0f64);
    for (x, y, p) in small.enumerate_pixels() {
        let difference: f32 = (0..3).map(|c| (p[c] as f32 - background[c]).abs()).sum();
        let (dx, dy) = (x as f32 / sw as f32 - 0.5, y as f32 / sh as f32 - 0.5);
        let prior = (-(dx * dx + dy * dy) * 4.0).exp();
        let weight = (difference * prior) as f64;
        sx += weight * x as f64;
        sy += weight * y as f64;
        total += weight;
    }
    if total <= f64::EPSILON {
        return (w / 2, h / 2);
    }
    let to_full = |v: f64, small: u32, full: u32| ((v + 0.5) / small as f64 * full as f64) as u32;
    (
        to_full(sx / total, sw, w).min(w - 1),
        to_full(sy / total, sh, h).min(h - 1),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::image_check::test_images::pattern;

    #[test]
    fn the_token_is_round_with_a_ring_and_transparent_corners() {
        let style = TokenStyle {
            size: 100,
            ..TokenStyle::default()
        };
        let token = round_token(&pattern(160, 120), &style);
        assert_eq!(token.dimensions(), (100, 100));
        assert_eq!(token.get_pixel(0, 0)[3], 0);
        assert_eq!(token.get_pixel(99, 99)[3], 0);
        assert_eq!(token.get_pixel(50, 50)[3], 255);
        assert_eq!(token.get_pixel(50, 1).0, style.border_rgba);
    }

    #[test]
    fn the_crop_follows_a_subject_off_centre() {
        // A plain background with a bright blob on the right: the centre estimate must land right of middle.
        let picture = RgbaImage::from_fn(300, 100, |x, y| {
            let blob = (x as i32 - 220).pow(2) + (y as i32 - 50).pow(2) < 30 * 30;
            if blob {
                Rgba([250, 240, 60, 255])
            } else {
                Rgba([30, 40, 50, 255])
            }
        });
        let (cx, cy) = subject_centre(&picture);
        assert!(cx > 180 && (35..65).contains(&cy), "{cx},{cy}");
    }

    #[test]
    fn the_portrait_keeps_its_shape_within_the_longest_side() {
        assert_eq!(portrait(&pattern(1000, 500), 400).dimensions(), (400, 200));
        assert_eq!(portrait(&pattern(300, 200), 768).dimensions(), (300, 200));
    }
}
