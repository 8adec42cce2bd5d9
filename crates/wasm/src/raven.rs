//! The raven's placement, for the adapter that draws it.

use familiar_raven::{Point, Rect};
use wasm_bindgen::prelude::*;

use crate::interop;

/// `ravenDefaultPerch(viewport, obstacles, size)`: where the raven sits when the user has not moved it.
#[wasm_bindgen(js_name = ravenDefaultPerch)]
pub fn raven_default_perch(
    viewport: JsValue,
    obstacles: JsValue,
    size: f64,
) -> Result<JsValue, JsValue> {
    let viewport: Rect = interop::from_js(viewport)?;
    let obstacles: Vec<Rect> = interop::from_js(obstacles)?;
    interop::to_js(&familiar_raven::default_perch(viewport, &obstacles, size))
}

/// `ravenClampIntoViewport(point, viewport, size)`: keeps a dragged or remembered spot on screen.
#[wasm_bindgen(js_name = ravenClampIntoViewport)]
pub fn raven_clamp_into_viewport(
    point: JsValue,
    viewport: JsValue,
    size: f64,
) -> Result<JsValue, JsValue> {
    let point: Point = interop::from_js(point)?;
    let viewport: Rect = interop::from_js(viewport)?;
    interop::to_js(&familiar_raven::clamp_into_viewport(point, viewport, size))
}
