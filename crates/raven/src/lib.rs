//! The raven's UI logic, free of any browser. The adapter (scripts/apps) feeds `Raven::dispatch` every event and
//! renders `Raven::view`; it holds no state of its own.

mod effects;
mod events;
pub mod keys;
mod machine;
mod placement;
mod prefs;
mod sentences;
mod view;
mod views;

/// The state machine and its vocabulary.
pub use effects::{Effect, Ignored, Transition};
pub use events::{ErrorKind, Event, Key, KeyTarget, PointerKind};
pub use machine::{IndexState, News, Raven, RavenOptions, State, Work, DEFAULT_SIZE};
/// Where the raven perches and how it stays on screen.
pub use placement::{clamp_into_viewport, default_perch, Point, Rect};
/// Per-user prefs in client storage, and streamed text cut into sentences for the live region.
pub use prefs::{Prefs, PrefsProblem, Restored};
pub use sentences::SentenceBuffer;
/// What the adapter renders.
pub use view::{
    AriaView, IndexStatus, IndexView, PanelView, Pose, RavenView, TabView, WorkStatus, WorkView,
};
pub use views::{Permissions, ViewId};
