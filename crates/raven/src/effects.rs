//! What a dispatched event asks of the adapter (effects) and, when it did not apply, why (ignored).

use serde::Serialize;
use thiserror::Error;

use crate::views::ViewId;

/// Something the adapter must do after rendering the new view.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "type",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Effect {
    FocusRaven,
    /// Focus the first control of the open view.
    FocusPanel,
    /// One whole sentence of the streamed answer for the polite live region.
    AnnounceSentence {
        text: String,
    },
    /// A status change for the polite live region, as a lang key.
    AnnounceKey {
        key: &'static str,
    },
    /// Save these prefs to client storage (the JSON `Raven::new` accepts back).
    PersistPrefs {
        json: String,
    },
    ShowNotificationDot,
    ClearNotificationDot,
    /// Ask the provider; answer with `answerChunk`/`answerDone`/`providerError` carrying the same id.
    StartWork {
        id: u32,
        question: String,
    },
    /// Abort the request with this id; later events for it are ignored.
    CancelWork {
        id: u32,
    },
}

/// Why an event did nothing: it cannot happen in this state (stale, out of order, or not allowed).
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize)]
#[serde(
    tag = "reason",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Ignored {
    #[error("the raven is not on screen")]
    NotVisible,
    #[error("Foundry is not ready yet")]
    NotReady,
    #[error("the raven is already in that state")]
    AlreadyInState,
    #[error("a drag is in progress")]
    Dragging,
    #[error("no drag is in progress")]
    NotDragging,
    #[error("the click ended a drag")]
    ClickAfterDrag,
    #[error("the raven does not handle this key here")]
    UnhandledKey,
    #[error("nothing is open to close")]
    NothingToClose,
    #[error("this user may not open the {view:?} view")]
    ViewNotAllowed { view: ViewId },
    #[error("questions are asked from the Ask view")]
    NotOnAsk,
    #[error("the question is empty")]
    EmptyQuestion,
    #[error("no request is running")]
    NoWork,
    #[error("request {id} is no longer the current one")]
    StaleWork { id: u32 },
    #[error("the GM's own client does not go offline")]
    NotForGm,
    #[error("the pointer position is not finite")]
    InvalidPoint,
    #[error("the viewport has no area or is not finite")]
    InvalidViewport,
}

/// The outcome of one event: whether anything changed, why not if it was ignored, and what the adapter must do.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Transition {
    pub changed: bool,
    pub ignored: Option<Ignored>,
    pub effects: Vec<Effect>,
}

impl Transition {
    pub fn ignored(reason: Ignored) -> Self {
        Transition {
            changed: false,
            ignored: Some(reason),
            effects: Vec::new(),
        }
    }
}
