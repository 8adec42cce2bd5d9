//! Everything that can happen to the raven, as the adapter reports it: plain objects tagged by `type`, camelCase
//! (`{"type": "dragMove", "x": 10, "y": 20}`).

use serde::{Deserialize, Serialize};

use crate::keys;
use crate::placement::Rect;
use crate::views::ViewId;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Event {
    // Input on the raven button and the panel.
    Click,
    /// A `keydown`; `key` is `KeyboardEvent.key`. `target` says whether the raven button or the panel had focus.
    Key {
        key: Key,
        #[serde(default)]
        shift: bool,
        #[serde(default)]
        target: KeyTarget,
    },
    HoverIn,
    HoverOut,
    FocusIn,
    FocusOut,
    /// `pointerdown` on the raven, in viewport coordinates.
    DragStart {
        x: f64,
        y: f64,
        #[serde(default)]
        pointer: PointerKind,
    },
    DragMove {
        x: f64,
        y: f64,
    },
    DragEnd {
        x: f64,
        y: f64,
    },
    /// `pointercancel` or lost pointer capture: the raven goes back where the drag began.
    DragCancel,
    /// A tab of the panel.
    SelectView {
        view: ViewId,
    },
    /// The panel's close button.
    ClosePanel,
    /// The Ask form.
    Submit {
        question: String,
    },
    /// The Ask view's stop button, or its request ending without an answer. With `id`, only that request: a stop
    /// that arrives after a newer question must not cancel the newer one.
    CancelWork {
        #[serde(default)]
        id: Option<u32>,
    },
    /// The client setting that turns animation off.
    SetAnimation {
        enabled: bool,
    },
    ViewportResize {
        viewport: Rect,
    },

    // From the work the raven started.
    AnswerChunk {
        id: u32,
        text: String,
    },
    AnswerDone {
        id: u32,
    },
    ProviderError {
        id: u32,
        #[serde(default)]
        kind: ErrorKind,
    },
    GmOffline,
    GmOnline,
    IndexBuilding {
        done: u32,
        total: u32,
    },
    IndexReady {
        documents: u32,
    },

    // From Foundry.
    /// The `ready` hook: where the viewport is and what Foundry UI the default perch must not cover.
    Ready {
        viewport: Rect,
        #[serde(default)]
        obstacles: Vec<Rect>,
    },
    /// `canvasReady`: a scene is drawn.
    CanvasReady,
    /// `canvasTearDown`: the scene is going (a scene change, or no scene at all).
    CanvasTeardown,
    /// `updateUser` for this client's user changed their role: what they may open now.
    UserChange {
        #[serde(rename = "isGM")]
        is_gm: bool,
        allowed_views: Vec<ViewId>,
    },
    /// The GM changed the world setting of what players may open: this user's views under it.
    PermissionChange {
        allowed_views: Vec<ViewId>,
    },
}

/// The keys the raven answers to; any other key is `Other` and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Key {
    Enter,
    #[serde(rename = " ", alias = "Space", alias = "Spacebar")]
    Space,
    #[serde(alias = "Esc")]
    Escape,
    ArrowUp,
    ArrowDown,
    ArrowLeft,
    ArrowRight,
    #[serde(other)]
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyTarget {
    #[default]
    Raven,
    Panel,
}

/// `PointerEvent.pointerType`; an unknown kind is treated like a mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum PointerKind {
    Touch,
    Pen,
    #[default]
    #[serde(other)]
    Mouse,
}

impl PointerKind {
    /// How far a pointer must travel before a press becomes a drag rather than a click: fingers and pens wobble.
    pub fn drag_threshold(self) -> f64 {
        match self {
            PointerKind::Mouse => 4.0,
            PointerKind::Touch | PointerKind::Pen => 10.0,
        }
    }
}

/// Why the provider failed, as far as the panel needs to tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    Network,
    RateLimited,
    Auth,
    Budget,
    Server,
    #[default]
    #[serde(other)]
    Unknown,
}

impl ErrorKind {
    pub fn key(self) -> &'static str {
        match self {
            ErrorKind::Network => keys::ERROR_NETWORK,
            ErrorKind::RateLimited => keys::ERROR_RATE_LIMITED,
            ErrorKind::Auth => keys::ERROR_AUTH,
            ErrorKind::Budget => keys::ERROR_BUDGET,
            ErrorKind::Server => keys::ERROR_SERVER,
            ErrorKind::Unknown => keys::ERROR_UNKNOWN,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(json: &str) -> Event {
        serde_json::from_str(json).unwrap_or_else(|error| panic!("{json}: {error}"))
    }

    #[test]
    fn events_read_the_adapter_shapes() {
        assert_eq!(parse(r#"{"type": "click"}"#), Event::Click);
        assert_eq!(
            parse(r#"{"type": "key", "key": " "}"#),
            Event::Key {
                key: Key::Space,
                shift: false,
                target: KeyTarget::Raven
            }
        );
        assert_eq!(
            parse(r#"{"type": "key", "key": "ArrowLeft", "shift": true, "target": "panel"}"#),
            Event::Key {
                key: Key::ArrowLeft,
                shift: true,
                target: KeyTarget::Panel
            }
        );
        assert_eq!(
            parse(r#"{"type": "key", "key": "F5"}"#),
            Event::Key {
                key: Key::Other,
                shift: false,
                target: KeyTarget::Raven
            }
        );
        assert_eq!(
            parse(r#"{"type": "dragStart", "x": 1, "y": 2, "pointer": "touch"}"#),
            Event::DragStart {
                x: 1.0,
                y: 2.0,
                pointer: PointerKind::Touch
            }
        );
        assert_eq!(
            parse(r#"{"type": "dragStart", "x": 1, "y": 2, "pointer": "stylus-9000"}"#),
            Event::DragStart {
                x: 1.0,
                y: 2.0,
                pointer: PointerKind::Mouse
            }
        );
        assert_eq!(
            parse(r#"{"type": "userChange", "isGM": true, "allowedViews": ["ask", "status"]}"#),
            Event::UserChange {
                is_gm: true,
                allowed_views: vec![ViewId::Ask, ViewId::Status]
            }
        );
        assert_eq!(
            parse(r#"{"type": "cancelWork"}"#),
            Event::CancelWork { id: None }
        );
        assert_eq!(
            parse(r#"{"type": "cancelWork", "id": 2}"#),
            Event::CancelWork { id: Some(2) }
        );
        assert_eq!(
            parse(r#"{"type": "providerError", "id": 3, "kind": "rateLimited"}"#),
            Event::ProviderError {
                id: 3,
                kind: ErrorKind::RateLimited
            }
        );
        assert_eq!(
            parse(
                r#"{"type": "ready", "viewport": {"x": 0, "y": 0, "width": 800, "height": 600}}"#
            ),
            Event::Ready {
                viewport: Rect {
                    x: 0.0,
                    y: 0.0,
                    width: 800.0,
                    height: 600.0
                },
                obstacles: vec![]
            }
        );
    }

    #[test]
    fn malformed_events_are_errors_not_guesses() {
        for json in [
            r#"{"type": "explode"}"#,
            r#"{"kind": "click"}"#,
            r#"{"type": "dragMove", "x": "left"}"#,
            r#"{"type": "answerChunk", "id": -1, "text": "a"}"#,
            r#"{"type": "selectView", "view": "chat"}"#,
            r#"[]"#,
        ] {
            assert!(serde_json::from_str::<Event>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn every_error_kind_has_its_own_key() {
        let kinds = [
            ErrorKind::Network,
            ErrorKind::RateLimited,
            ErrorKind::Auth,
            ErrorKind::Budget,
            ErrorKind::Server,
            ErrorKind::Unknown,
        ];
        let mut keys: Vec<_> = kinds.iter().map(|kind| kind.key()).collect();
        keys.dedup();
        assert_eq!(keys.len(), kinds.len());
    }
}
