//! The few pixel operations art needs, written for RGBA8 only: a separable triangle-filter resize (the portrait and
//! the token), an area-average shrink (the thumbnails the checks run on) and a crop. The `image` crate's imageops
//! are generic over pixel and filter types, and in the wasm bundle that genericity cost more than these loops.

use image::RgbaImage;

/// Resizes to `width` × `height` with a triangle (bilinear) filter whose support grows with the shrink factor, so a
/// large reduction averages every source pixel instead of skipping most of them.
pub fn resize(pixels: &RgbaImage, width: u32, height: u32) -> RgbaImage {
    let (w, h) = pixels.dimensions();
    let (width, height) = (width.max(1), height.max(1));
    if (w, h) == (width, height) || w == 0 || h == 0 {
        return pixels.clone();
    }
    // Horizontal pass into floats, then vertical pass back to bytes.
    let across = weights(w, width);
    let down = weights(h, height);
    let source = pixels.as_raw();
    let mut middle = vec![0f32; width as usize * h as usize * 4];
    for y in 0..h as usize {
        let row = &source[y * w as usize * 4..(y + 1) * w as usize * 4];
        for (x, (first, taps)) in across.iter().enumerate() {
            let mut sum = [0f32; 4];
            for (k, weight) in taps.iter().enumerate() {
                let at = (first + k) * 4;
                for c in 0..4 {
                    sum[c] += row[at + c] as f32 * weight;
                }
            }
            middle[(y * width as usize + x) * 4..][..4].copy_from_slice(&sum);
        }
    }
    let mut out = vec![0u8; width as usize * height as usize * 4];
    for (y, (first, taps)) in down.iter().enumerate() {
        for x in 0..width as usize {
            let mut sum = [0f32; 4];
            for (k, weight) in taps.iter().enumerate() {
                let at = ((first + k) * width as usize + x) * 4;
                for c in 0..4 {
                    sum[c] += middle[at + c] * weight;
                }
            }
            for c in 0..4 {
                out[(y * width as usize + x) * 4 + c] = sum[c].round().clamp(0.0, 255.0) as u8;
            }
        }
    }
    RgbaImage::from_raw(width, height, out).unwrap_or_else(|| RgbaImage::new(width, height))
}

/// For each output index, the first source index and the normalised triangle weights from it on.
fn weights(from: u32, to: u32) -> Vec<(usize, Vec<f32>)> {
    let ratio = from as f32 / to as f32;
    let support = ratio.max(1.0);
    (0..to)
        .map(|i| {
            let centre = (i as f32 + 0.5) * ratio;
            let first = ((centre - support).floor().max(0.0)) as usize;
            let last = ((centre + support).ceil() as usize).min(from as usize);
            let mut taps: Vec<f32> = (first..last)
                .map(|j| (1.0 - ((j as f32 + 0.5 - centre) / support).abs()).max(0.0))
                .collect();
            let total: f32 = taps.iter().sum();
            if total > 0.0 {
                taps.iter_mut().for_each(|t| *t /= total);
            } else {
                // Cannot happen for a non-empty source; keep the nearest pixel rather than black.
                taps = vec![1.0];
                return ((centre as usize).min(from as usize - 1), taps);
            }
            (first, taps)
        })
        .collect()
}

/// Shrinks to `width` × `height` by averaging the source pixels each output pixel covers (for analysis, where
/// speed matters more than smooth edges).
pub fn shrink(pixels: &RgbaImage, width: u32, height: u32) -> RgbaImage {
    let (w, h) = pixels.dimensions();
    let (width, height) = (width.clamp(1, w.max(1)), height.clamp(1, h.max(1)));
    if (w, h) == (width, height) || w == 0 || h == 0 {
        return pixels.clone();
    }
    RgbaImage::from_fn(width, height, |x, y| {
        let (x0, x1) = span(x, width, w);
        let (y0, y1) = span(y, height, h);
        let mut sum = [0u32; 4];
        for sy in y0..y1 {
            for sx in x0..x1 {
                let p = pixels.get_pixel(sx, sy).0;
                for c in 0..4 {
                    sum[c] += p[c] as u32;
                }
            }
        }
        let count = ((x1 - x0) * (y1 - y0)).max(1);
        image::Rgba(sum.map(|s| ((s + count / 2) / count) as u8))
    })
}

/// The source range output index `i` of `to` covers in `from` (at least one pixel).
fn span(i: u32, to: u32, from: u32) -> (u32, u32) {
    let start = (i as u64 * from as u64 / to as u64) as u32;
    let end = (((i as u64 + 1) * from as u64).div_ceil(to as u64) as u32).clamp(start + 1, from);
    (start, end)
}

/// The `width` × `height` rectangle from (`left`, `top`), clipped to the image.
pub fn crop(pixels: &RgbaImage, left: u32, top: u32, width: u32, height: u32) -> RgbaImage {
    let (w, h) = pixels.dimensions();
    let left = left.min(w);
    let top = top.min(h);
    let width = width.min(w - left);
    let height = height.min(h - top);
    RgbaImage::from_fn(width, height, |x, y| *pixels.get_pixel(left + x, top + y))
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgba;

    fn gradient(w: u32, h: u32) -> RgbaImage {
        RgbaImage::from_fn(w, h, |x, y| {
            Rgba([
                (x * 255 / w.max(1)) as u8,
                (y * 255 / h.max(1)) as u8,
                90,
                255,
            ])
        })
    }

    #[test]
    fn a_flat_colour_stays_flat_at_any_size() {
        let flat = RgbaImage::from_pixel(37, 23, Rgba([12, 200, 99, 255]));
        for (w, h) in [(400, 400), (10, 7), (1, 1), (37, 23), (74, 46)] {
            let out = resize(&flat, w, h);
            assert_eq!(out.dimensions(), (w, h));
            assert!(out.pixels().all(|p| p.0 == [12, 200, 99, 255]), "{w}×{h}");
            let small = shrink(&flat, w.min(37), h.min(23));
            assert!(small.pixels().all(|p| p.0 == [12, 200, 99, 255]));
        }
    }

    #[test]
    fn a_gradient_keeps_its_direction_and_range() {
        let source = gradient(512, 512);
        for out in [resize(&source, 96, 96), shrink(&source, 96, 96)] {
            let left = out.get_pixel(2, 48)[0];
            let right = out.get_pixel(93, 48)[0];
            assert!(left < 15 && right > 240, "{left} {right}");
            let top = out.get_pixel(48, 2)[1];
            let bottom = out.get_pixel(48, 93)[1];
            assert!(top < 15 && bottom > 240, "{top} {bottom}");
            // Monotone along the row.
            assert!((1..96).all(|x| out.get_pixel(x, 10)[0] >= out.get_pixel(x - 1, 10)[0]));
        }
    }

    #[test]
    fn a_shrink_averages_every_pixel_it_covers() {
        // A one-pixel checkerboard shrinks to mid grey, not to whichever pixels a sampler hits.
        let checker = RgbaImage::from_fn(64, 64, |x, y| {
            if (x + y) % 2 == 0 {
                Rgba([0, 0, 0, 255])
            } else {
                Rgba([255, 255, 255, 255])
            }
        });
        for out in [shrink(&checker, 8, 8), resize(&checker, 8, 8)] {
            assert!(
                out.pixels().all(|p| (120..=135).contains(&p[0])),
                "{:?}",
                out.get_pixel(0, 0)
            );
        }
    }

    #[test]
    fn crop_clips_to_the_image() {
        let source = gradient(20, 10);
        let out = crop(&source, 5, 2, 10, 4);
        assert_eq!(out.dimensions(), (10, 4));
        assert_eq!(out.get_pixel(0, 0), source.get_pixel(5, 2));
        assert_eq!(crop(&source, 15, 8, 10, 10).dimensions(), (5, 2));
        assert_eq!(crop(&source, 30, 30, 4, 4).dimensions(), (0, 0));
    }
}
