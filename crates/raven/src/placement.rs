//! Where the raven sits: by default in a free corner that covers none of Foundry's own UI (scene controls, sidebar,
//! hotbar), and always fully inside the viewport after a drag or a resize.

use serde::{Deserialize, Serialize};

/// A point in CSS pixels from the viewport's top-left corner.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

/// An axis-aligned rectangle in CSS pixels, as `getBoundingClientRect()` reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
}

impl Rect {
    fn right(&self) -> f64 {
        self.x + self.width
    }

    fn bottom(&self) -> f64 {
        self.y + self.height
    }

    fn is_empty(&self) -> bool {
        !(self.width > 0.0 && self.height > 0.0)
    }

    /// True when the two rectangles share any area (touching edges do not count).
    pub fn overlaps(&self, other: &Rect) -> bool {
        !self.is_empty()
            && !other.is_empty()
            && self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }
}

/// Space kept between the raven and the viewport edge or another element.
const MARGIN: f64 = 12.0;

/// Picks the raven's default spot: the first candidate, from bottom-right clockwise, that overlaps no obstacle.
/// Candidates hug each obstacle's free side so the raven sits next to the sidebar or above the hotbar rather than in
/// the middle of the canvas. Falls back to the bottom-right corner clamped into the viewport when nothing is free.
pub fn default_perch(viewport: Rect, obstacles: &[Rect], size: f64) -> Point {
    let free = |point: Point| {
        let body = Rect {
            x: point.x,
            y: point.y,
            width: size,
            height: size,
        };
        point.x >= viewport.x
            && point.y >= viewport.y
            && body.right() <= viewport.right()
            && body.bottom() <= viewport.bottom()
            && !obstacles.iter().any(|obstacle| obstacle.overlaps(&body))
    };
    let bottom = viewport.bottom() - size - MARGIN;
    let right = viewport.right() - size - MARGIN;
    let mut candidates = vec![Point {
        x: right,
        y: bottom,
    }];
    // Left of each obstacle, at the bottom of the screen (the sidebar's left edge), then above each obstacle.
    for obstacle in obstacles {
        candidates.push(Point {
            x: obstacle.x - size - MARGIN,
            y: bottom,
        });
        candidates.push(Point {
            x: obstacle.right() - size,
            y: obstacle.y - size - MARGIN,
        });
        candidates.push(Point {
            x: obstacle.x - size - MARGIN,
            y: obstacle.bottom() - size,
        });
    }
    candidates.push(Point {
        x: viewport.x + MARGIN,
        y: bottom,
    });
    candidates
        .into_iter()
        .find(|&point| free(point))
        .unwrap_or_else(|| {
            clamp_into_viewport(
                Point {
                    x: right,
                    y: bottom,
                },
                viewport,
                size,
            )
        })
}

/// Moves a point so that a raven of `size` at it lies fully inside the viewport (a resize or a drag past the edge).
pub fn clamp_into_viewport(point: Point, viewport: Rect, size: f64) -> Point {
    let clamp = |value: f64, low: f64, high: f64| {
        if !value.is_finite() {
            return low;
        }
        value.min(high).max(low)
    };
    Point {
        x: clamp(
            point.x,
            viewport.x,
            (viewport.right() - size).max(viewport.x),
        ),
        y: clamp(
            point.y,
            viewport.y,
            (viewport.bottom() - size).max(viewport.y),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VIEWPORT: Rect = Rect {
        x: 0.0,
        y: 0.0,
        width: 1920.0,
        height: 1080.0,
    };
    // Roughly where Foundry draws its scene controls, sidebar and hotbar at 1920 × 1080.
    const CONTROLS: Rect = Rect {
        x: 0.0,
        y: 80.0,
        width: 50.0,
        height: 600.0,
    };
    const SIDEBAR: Rect = Rect {
        x: 1620.0,
        y: 0.0,
        width: 300.0,
        height: 1080.0,
    };
    const HOTBAR: Rect = Rect {
        x: 650.0,
        y: 1020.0,
        width: 560.0,
        height: 52.0,
    };

    fn body(point: Point) -> Rect {
        Rect {
            x: point.x,
            y: point.y,
            width: 64.0,
            height: 64.0,
        }
    }

    #[test]
    fn perches_beside_the_sidebar_without_covering_foundry_ui() {
        let obstacles = [CONTROLS, SIDEBAR, HOTBAR];
        let point = default_perch(VIEWPORT, &obstacles, 64.0);
        for obstacle in obstacles {
            assert!(
                !body(point).overlaps(&obstacle),
                "{point:?} covers {obstacle:?}"
            );
        }
        assert!(point.x + 64.0 <= SIDEBAR.x, "sits left of the sidebar");
        assert!(
            point.y > 900.0,
            "sits near the bottom, out of the canvas centre"
        );
    }

    #[test]
    fn takes_the_corner_when_nothing_is_in_the_way() {
        let point = default_perch(VIEWPORT, &[], 64.0);
        assert_eq!(
            point,
            Point {
                x: 1920.0 - 64.0 - MARGIN,
                y: 1080.0 - 64.0 - MARGIN
            }
        );
    }

    #[test]
    fn falls_back_inside_the_viewport_when_everything_is_covered() {
        let point = default_perch(VIEWPORT, &[VIEWPORT], 64.0);
        assert_eq!(clamp_into_viewport(point, VIEWPORT, 64.0), point);
    }

    #[test]
    fn tiny_viewports_still_hold_the_raven_at_the_origin() {
        let tiny = Rect {
            x: 0.0,
            y: 0.0,
            width: 40.0,
            height: 40.0,
        };
        assert_eq!(default_perch(tiny, &[], 64.0), Point { x: 0.0, y: 0.0 });
    }

    #[test]
    fn clamping_pulls_a_dragged_raven_back_on_screen() {
        let far = Point {
            x: 5000.0,
            y: -300.0,
        };
        assert_eq!(
            clamp_into_viewport(far, VIEWPORT, 64.0),
            Point { x: 1856.0, y: 0.0 }
        );
        let nan = Point {
            x: f64::NAN,
            y: f64::INFINITY,
        };
        assert_eq!(
            clamp_into_viewport(nan, VIEWPORT, 64.0),
            Point { x: 0.0, y: 0.0 }
        );
    }

    #[test]
    fn touching_edges_do_not_overlap() {
        let left = Rect {
            x: 0.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        let right = Rect {
            x: 10.0,
            y: 0.0,
            width: 10.0,
            height: 10.0,
        };
        assert!(!left.overlaps(&right));
        assert!(!left.overlaps(&Rect {
            x: 5.0,
            y: 5.0,
            width: 0.0,
            height: 3.0
        }));
    }
}
