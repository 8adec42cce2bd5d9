//! The raven for the adapter: where it perches, and its state machine behind a `Raven` class. The adapter forwards
//! every DOM and Foundry event as a plain object (`{type: "click"}`) and renders the view it gets back.

use familiar_raven::{Event, Point, RavenOptions, Rect};
use serde::Serialize;
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

/// `ravenLangKeys()`: every lang key the raven's view can carry, for the test that holds `lang/*.json` to them.
#[wasm_bindgen(js_name = ravenLangKeys)]
pub fn raven_lang_keys() -> Result<JsValue, JsValue> {
    interop::to_js(&familiar_raven::keys::ALL)
}

/// `new Raven(prefsJson, {isGM, allowedViews, size?})`: one per client, alive for the session.
#[wasm_bindgen(js_name = Raven)]
pub struct RavenJs {
    inner: familiar_raven::Raven,
}

/// What `dispatch` answers: the view to render, the effects to carry out after rendering, and why an event was
/// ignored (for the debug log).
#[derive(Serialize)]
struct Dispatched<'a> {
    view: familiar_raven::RavenView,
    effects: &'a [familiar_raven::Effect],
    changed: bool,
    ignored: Option<IgnoredJs<'a>>,
}

#[derive(Serialize)]
struct IgnoredJs<'a> {
    #[serde(flatten)]
    reason: &'a familiar_raven::Ignored,
    message: String,
}

#[wasm_bindgen(js_class = Raven)]
impl RavenJs {
    /// Saved prefs that are missing or malformed fall back to the defaults; malformed options throw.
    #[wasm_bindgen(constructor)]
    pub fn new(prefs_json: Option<String>, options: JsValue) -> Result<RavenJs, JsValue> {
        let options: RavenOptions = interop::from_js(options)?;
        Ok(RavenJs {
            inner: familiar_raven::Raven::new(prefs_json.as_deref().unwrap_or(""), &options),
        })
    }

    /// `dispatch(event)` → `{view, effects, changed, ignored}`. A malformed event throws; an impossible one is
    /// ignored with `ignored: {reason, message}`.
    pub fn dispatch(&mut self, event: JsValue) -> Result<JsValue, JsValue> {
        let event: Event = interop::from_js(event)?;
        let transition = self.inner.dispatch(event);
        interop::to_js(&Dispatched {
            view: self.inner.view(),
            effects: &transition.effects,
            changed: transition.changed,
            ignored: transition.ignored.as_ref().map(|reason| IgnoredJs {
                reason,
                message: reason.to_string(),
            }),
        })
    }

    pub fn view(&self) -> Result<JsValue, JsValue> {
        interop::to_js(&self.inner.view())
    }

    /// The prefs to save in client storage (also carried by each `persistPrefs` effect).
    #[wasm_bindgen(js_name = prefsJson)]
    pub fn prefs_json(&self) -> String {
        self.inner.prefs_json()
    }

    /// What was dropped from the saved prefs when they were read, as messages for the debug log.
    #[wasm_bindgen(js_name = prefsProblems)]
    pub fn prefs_problems(&self) -> Vec<String> {
        self.inner
            .prefs_problems()
            .iter()
            .map(ToString::to_string)
            .collect()
    }
}
